// Agent administration from the command line (issue 17) beside a running relay: the
// operator resets a password (printed once, alone on stdout), changes an agent's
// concurrency, is refused disabling the last supervisor (3012's name in the message),
// and removes an agent; the relay honours each at the next sign-in, and --export-audit
// lists them as the operator's acts.
#include <catch2/catch.hpp>

#include <sstream>

#include "protocol_peer.hpp"
#include "relay_process.hpp"

using namespace parley::test;

namespace {

const std::string kPassword = "admin-cli-password";

// A login on a fresh connection: the relay's answer (welcome or error).
json login(RelayProcess& relay, const std::string& email, const std::string& password) {
    ProtocolPeer peer;
    REQUIRE(peer.connect(relay.host(), relay.port()));
    REQUIRE(peer.send({{"type", "login"}, {"email", email}, {"password", password}}));
    auto answer = peer.wait_for(
        [](const json& j) { return j.value("type", "") == "welcome" || j.value("type", "") == "error"; }, 10000);
    REQUIRE(answer);
    return *answer;
}

}  // namespace

TEST_CASE("The CLI resets a password, updates, refuses the last supervisor and removes, beside a running relay",
          "[integration][admin]") {
    RelayOptions o;
    o.demo_agent = true;  // demo@parley.local (the only supervisor) and billing@parley.local
    o.demo_password = kPassword;
    RelayProcess relay(o);
    auto started = relay.start();
    INFO(started.detail);
    REQUIRE(started.ok);
    const json first = login(relay, "billing@parley.local", kPassword);
    REQUIRE(first["type"] == "welcome");
    const std::string billing = first["me"]["id"];

    const auto reset = relay.command("--reset-password billing@parley.local", false);
    REQUIRE(reset.status == 0);
    const std::string fresh = reset.out.substr(0, reset.out.find('\n'));
    CHECK(fresh.size() == 23);
    CHECK(login(relay, "billing@parley.local", fresh)["type"] == "welcome");
    CHECK(login(relay, "billing@parley.local", kPassword)["code"] == 2002);

    const auto update = relay.command("--update-agent " + billing + " --preferred 1 --max-load 2");
    INFO(update.out);
    CHECK(update.status == 0);
    const auto bad = relay.command("--update-agent " + billing + " --preferred 7");  // above the stored max 2
    CHECK(bad.status != 0);
    CHECK(bad.out.find("bad_field") != std::string::npos);

    const auto last = relay.command("--disable-agent demo@parley.local");
    CHECK(last.status != 0);
    CHECK(last.out.find("last_supervisor") != std::string::npos);
    CHECK(login(relay, "demo@parley.local", kPassword)["type"] == "welcome");

    const auto removed = relay.command("--remove-agent billing@parley.local");
    INFO(removed.out);
    CHECK(removed.status == 0);
    CHECK(login(relay, "billing@parley.local", fresh)["code"] == 2002);
    CHECK(relay.command("--remove-agent billing@parley.local").out.find("unknown_agent") != std::string::npos);

    const auto exported = relay.command("--export-audit", false);
    REQUIRE(exported.status == 0);
    std::vector<std::string> acts;
    std::istringstream lines(exported.out);
    for (std::string line; std::getline(lines, line);) {
        const json e = json::parse(line);
        const std::string action = e["action"];
        if (action.rfind("agent.", 0) != 0) continue;
        acts.push_back(action);
        CHECK(e["actor_role"] == "operator");
        CHECK(e["target"] == billing);
        CHECK(line.find(fresh) == std::string::npos);  // never the password
    }
    CHECK(acts == std::vector<std::string>{"agent.reset_password", "agent.update", "agent.remove"});
}
