#include "servers.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace parley::load {

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string tail(const std::string& s, std::size_t n = 800) { return s.size() > n ? s.substr(s.size() - n) : s; }

// fork + exec with stdout/stderr to files and stdin from `stdin_fd` (-1: /dev/null).
pid_t spawn(const std::vector<std::string>& argv, const std::string& out, const std::string& err, int stdin_fd) {
    const pid_t pid = ::fork();
    if (pid != 0) return pid;
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    const int i = stdin_fd >= 0 ? stdin_fd : ::open("/dev/null", O_RDONLY);
    ::dup2(i, 0);
    ::dup2(o, 1);
    ::dup2(e, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    std::_Exit(127);
}

bool exited(pid_t pid, int* status) {
    int st = 0;
    const pid_t r = ::waitpid(pid, &st, WNOHANG);
    if (r == pid && status) *status = st;
    return r == pid;
}

bool port_accepts(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(std::uint16_t(port));
    a.sin_addr.s_addr = htonl(0x7f000001);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

long raise_fd_limit() {
    rlimit r{};
    ::getrlimit(RLIMIT_NOFILE, &r);
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
    ::getrlimit(RLIMIT_NOFILE, &r);
    return long(r.rlim_cur);
}

std::vector<std::string> unlimited_flags() {
    // Every load client comes from 127.0.0.1: per-address limits and quotas off (raw
    // sockets per address too: its default of 512 refused the fan-out's 1 000 listeners).
    return {"--conn-rate", "0", "--ip-rate", "0", "--max-conns-per-ip", "0", "--max-sockets-per-ip", "0",
            "--quota-new-visitors", "0", "--quota-new-conversations", "0", "--quota-visitor-bytes", "0"};
}

ServerProcess start_relay(const RelaySetup& setup, int port, std::string& error) {
    ServerProcess p;
    p.out_path = setup.work_dir + "/relay.out";
    p.err_path = setup.work_dir + "/relay.err";
    std::vector<std::string> argv = {setup.binary, "--data-dir", setup.data_dir, "--host", "127.0.0.1",
                                     "--port", std::to_string(port)};
    argv.insert(argv.end(), setup.extra.begin(), setup.extra.end());
    ::unlink(p.out_path.c_str());  // a restart must not read the last run's line
    p.pid = spawn(argv, p.out_path, p.err_path, -1);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    static const std::string kLine = "parley-relay listening on http://127.0.0.1:";
    while (std::chrono::steady_clock::now() < deadline) {
        const std::string out = read_file(p.out_path);
        const auto at = out.find(kLine);
        if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
            p.port = std::atoi(out.c_str() + at + kLine.size());
            return p;
        }
        int st = 0;
        if (exited(p.pid, &st)) {
            error = "the relay exited (status " + std::to_string(WEXITSTATUS(st)) + "): " + tail(read_file(p.err_path));
            p.pid = -1;
            return p;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    error = "the relay did not print its listening line within 20 s: " + tail(read_file(p.err_path));
    stop_process(p, 2000);
    return p;
}

bool add_agent(const RelaySetup& setup, const std::string& email, const std::string& name,
               const std::string& password, const std::vector<std::string>& extra, std::string& error) {
    int fds[2];
    if (::pipe(fds) != 0) return false;
    std::vector<std::string> argv = {setup.binary, "--data-dir", setup.data_dir, "--add-agent", email, name};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const std::string out = setup.work_dir + "/add-agent.out";
    const pid_t pid = spawn(argv, out, out, fds[0]);
    ::close(fds[0]);
    const std::string line = password + "\n";
    (void)!::write(fds[1], line.data(), line.size());
    ::close(fds[1]);
    int st = 0;
    ::waitpid(pid, &st, 0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return true;
    error = "--add-agent failed: " + tail(read_file(out));
    return false;
}

std::string create_bot_key(const RelaySetup& setup, const std::string& name, std::string& error) {
    const std::string out = setup.work_dir + "/create-bot-key.out", err = setup.work_dir + "/create-bot-key.err";
    const pid_t pid = spawn({setup.binary, "--data-dir", setup.data_dir, "--create-bot-key", name}, out, err, -1);
    int st = 0;
    ::waitpid(pid, &st, 0);
    std::string key = read_file(out);
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && key.rfind("pk_", 0) == 0) return key;
    error = "--create-bot-key failed: " + tail(read_file(err));
    return {};
}

std::string add_webhook(const RelaySetup& setup, const std::string& url, const std::vector<std::string>& extra,
                        std::string& error) {
    const std::string out = setup.work_dir + "/add-webhook.out", err = setup.work_dir + "/add-webhook.err";
    std::vector<std::string> argv = {setup.binary, "--data-dir", setup.data_dir, "--add-webhook", url};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const pid_t pid = spawn(argv, out, err, -1);
    int st = 0;
    ::waitpid(pid, &st, 0);
    // Two lines: the subscription id, then its signing secret (unused: the receiver here
    // counts deliveries and does not verify signatures).
    const std::string printed = read_file(out);
    const std::string id = printed.substr(0, printed.find('\n'));
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && id.rfind("wh_", 0) == 0) return id;
    error = "--add-webhook failed: " + tail(read_file(err) + printed);
    return {};
}

ServerProcess start_program(const std::vector<std::string>& argv, const std::string& dir, const std::string& name,
                            const std::string& ready, int timeout_ms, std::string& error) {
    ServerProcess p;
    p.out_path = dir + "/" + name + ".out";
    p.err_path = dir + "/" + name + ".err";
    p.pid = spawn(argv, p.out_path, p.err_path, -1);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        if (read_file(p.err_path).find(ready) != std::string::npos) return p;
        int st = 0;
        if (exited(p.pid, &st)) {
            error = name + " exited (status " + std::to_string(WEXITSTATUS(st)) + "): " + tail(read_file(p.err_path));
            p.pid = -1;
            return p;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    error = name + " did not print \"" + ready + "\" in time: " + tail(read_file(p.err_path));
    stop_process(p, 2000);
    return p;
}

ServerProcess start_mosquitto(const std::string& binary, const std::string& dir, std::string& error) {
    ServerProcess p;
    p.port = free_port();
    const std::string conf = dir + "/mosquitto.conf";
    {
        std::ofstream c(conf);
        c << "# generated by parley-load: a WebSocket listener for the fan-out comparison\n"
          << "listener " << p.port << " 127.0.0.1\n"
          << "protocol websockets\n"
          // mosquitto 2.0.x does not start with a WebSocket listener alone ("Unable to
          // start any listening sockets", eclipse-mosquitto/mosquitto#2284, #2578); a
          // plain MQTT listener beside it, unused, works around that.
          << "listener " << free_port() << " 127.0.0.1\n"
          << "protocol mqtt\n"
          << "allow_anonymous true\n"
          << "persistence false\n"
          << "log_dest stderr\n"
          << "log_type error\nlog_type warning\n"
          << "max_connections -1\n";
    }
    p.out_path = dir + "/mosquitto.out";
    p.err_path = dir + "/mosquitto.err";
    p.pid = spawn({binary, "-c", conf}, p.out_path, p.err_path, -1);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (port_accepts(p.port)) return p;
        int st = 0;
        if (exited(p.pid, &st)) {
            error = "mosquitto exited: " + tail(read_file(p.err_path));
            p.pid = -1;
            return p;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    error = "mosquitto did not listen within 10 s: " + tail(read_file(p.err_path));
    stop_process(p, 2000);
    return p;
}

int stop_process(ServerProcess& p, int timeout_ms) {
    if (p.pid <= 0) return -1;
    ::kill(p.pid, SIGTERM);
    int st = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!exited(p.pid, &st)) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(p.pid, SIGKILL);
            ::waitpid(p.pid, &st, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    p.pid = -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0x7f000001);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

std::string find_executable(const std::string& name) {
    if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    dirs += ":/usr/sbin:/sbin";  // mosquitto lives in /usr/sbin
    std::stringstream s(dirs);
    std::string d;
    while (std::getline(s, d, ':')) {
        const std::string f = d + "/" + name;
        if (!d.empty() && ::access(f.c_str(), X_OK) == 0) return f;
    }
    return {};
}

WsTarget loopback_target(int port, const std::string& subprotocol) {
    WsTarget t;
    t.port = port;
    t.subprotocol = subprotocol;
    t.origin = "http://127.0.0.1:" + std::to_string(port);  // the relay's default allow-list
    return t;
}

std::string make_temp_dir(const std::string& prefix, const std::string& root) {
    const char* t = std::getenv("TMPDIR");
    std::string templ = (root.empty() ? std::string(t && *t ? t : "/tmp") : root) + "/" + prefix + ".XXXXXX";
    if (!::mkdtemp(templ.data())) return {};
    return templ;
}

void remove_tree(const std::string& dir) {
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
}

}  // namespace parley::load
