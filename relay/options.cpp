#include "options.hpp"

#include <charconv>

namespace parley::relay {

const char* usage() {
    return "usage: parley-relay [options]\n"
           "  --host HOST            address to listen on (default 127.0.0.1)\n"
           "  --port PORT            port, 0 = any free port (default 8080)\n"
           "  --data-dir DIR         where parley.db lives (default ./data, created)\n"
           "  --web-root DIR         serve static files from DIR at /\n"
           "  --allow-origin ORIGIN  allow browser WebSockets from ORIGIN (repeatable;\n"
           "                         default: the relay's own http://HOST:PORT,\n"
           "                         http://127.0.0.1:PORT, http://localhost:PORT)\n"
           "  --demo-agent           create demo@parley.local on first start\n"
           "  --demo-password PW     the demo agent's password (default: random, printed)\n"
           "  --add-agent EMAIL NAME create an agent, password read from stdin, then exit\n"
           "  --help                 this text\n";
}

ParsedOptions parse_options(const std::vector<std::string>& args) {
    ParsedOptions out;
    Options& o = out.options;
    auto fail = [&](std::string message) {
        out.error = std::move(message);
        return out;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        // The value(s) an option takes; missing ones are an error.
        auto value = [&](std::string& into) {
            if (i + 1 >= args.size()) return false;
            into = args[++i];
            return true;
        };
        std::string v;
        if (a == "--help" || a == "-h") {
            o.help = true;
        } else if (a == "--host") {
            if (!value(o.host) || o.host.empty()) return fail("--host needs an address");
        } else if (a == "--port") {
            if (!value(v)) return fail("--port needs a number");
            int port = -1;
            auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), port);
            if (ec != std::errc() || end != v.data() + v.size() || port < 0 || port > 65535)
                return fail("--port must be a number from 0 to 65535, not '" + v + "'");
            o.port = port;
        } else if (a == "--data-dir") {
            if (!value(o.data_dir) || o.data_dir.empty()) return fail("--data-dir needs a directory");
        } else if (a == "--web-root") {
            if (!value(o.web_root) || o.web_root.empty()) return fail("--web-root needs a directory");
        } else if (a == "--allow-origin") {
            if (!value(v) || v.find("://") == std::string::npos)
                return fail("--allow-origin needs an origin such as https://example.com");
            o.allow_origins.push_back(v);
        } else if (a == "--demo-agent") {
            o.demo_agent = true;
        } else if (a == "--demo-password") {
            if (!value(v)) return fail("--demo-password needs a password");
            o.demo_password = v;
        } else if (a == "--add-agent") {
            if (!value(o.agent_email) || !value(o.agent_name))
                return fail("--add-agent needs an e-mail and a name");
            o.add_agent = true;
        } else {
            return fail("unknown option: " + a);
        }
    }
    return out;
}

}  // namespace parley::relay
