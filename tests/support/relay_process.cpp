#include "relay_process.hpp"

#include <cstdio>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace parley::test {

namespace {

using Clock = std::chrono::steady_clock;

std::string read_file_from(const std::string& path, std::size_t offset) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    in.seekg(std::streamoff(offset));
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// "parley-relay listening on http://HOST:PORT" anywhere in `log` → host, port.
bool parse_listening(const std::string& log, std::string& host, int& port) {
    // http:// or, with --tls-cert, https://
    static const std::string marker = "parley-relay listening on ";
    auto at = log.find(marker);
    if (at == std::string::npos) return false;
    auto eol = log.find('\n', at);
    if (eol == std::string::npos) return false;  // line not complete yet
    std::string hostport = log.substr(at + marker.size(), eol - at - marker.size());
    const auto scheme_end = hostport.find("://");
    if (scheme_end == std::string::npos) return false;
    hostport.erase(0, scheme_end + 3);
    while (!hostport.empty() && (hostport.back() == '\r' || hostport.back() == '/' || hostport.back() == ' ')) {
        hostport.pop_back();
    }
    auto colon = hostport.rfind(':');
    if (colon == std::string::npos) return false;
    host = hostport.substr(0, colon);
    if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
    port = std::atoi(hostport.c_str() + colon + 1);
    return port > 0;
}

}  // namespace

std::string default_relay_binary() {
    if (const char* env = std::getenv("PARLEY_RELAY_BIN"); env && *env) return env;
#ifdef PARLEY_RELAY_BIN_DEFAULT
    return PARLEY_RELAY_BIN_DEFAULT;
#else
    return {};
#endif
}

RelayProcess::RelayProcess(RelayOptions options) : options_(std::move(options)) {
    if (options_.binary.empty()) options_.binary = default_relay_binary();
    std::string templ = (std::filesystem::temp_directory_path() / "parley-relay-XXXXXX").string();
    if (::mkdtemp(templ.data()) != nullptr) {
        root_ = templ;
        data_dir_ = root_ + "/data";
        log_path_ = root_ + "/relay.log";
        std::filesystem::create_directories(data_dir_);
    }
}

RelayProcess::~RelayProcess() {
    kill();
    if (!root_.empty() && std::getenv("PARLEY_KEEP_TMP") == nullptr) {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }
}

std::string RelayProcess::http_url() const { return "http://" + host_ + ":" + std::to_string(port_); }

std::string RelayProcess::log() const { return read_file_from(log_path_, 0); }

RelayProcess::Command RelayProcess::command(const std::string& args, bool with_stderr) const {
    const std::string cmd = "'" + options_.binary + "' --data-dir '" + data_dir_ + "' " + args +
                            (with_stderr ? " 2>&1" : " 2>/dev/null");
    Command run;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return run;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) run.out.append(buf, n);
    const int status = ::pclose(p);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

RelayStatus RelayProcess::fail(const std::string& why) const {
    std::string tail = read_file_from(log_path_, log_offset_);
    if (tail.size() > 4000) tail = "…" + tail.substr(tail.size() - 4000);
    return {false, why + "\n--- relay output ---\n" + tail};
}

void RelayProcess::reap(int status) {
    pid_ = -1;
    if (WIFEXITED(status)) exit_code_ = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) exit_code_ = 128 + WTERMSIG(status);
}

RelayStatus RelayProcess::start() {
    if (running()) return {false, "relay already running"};
    if (root_.empty()) return {false, "could not create a temp dir"};
    if (options_.binary.empty() || ::access(options_.binary.c_str(), X_OK) != 0) {
        return {false, "relay binary not found or not executable: '" + options_.binary +
                           "' (set PARLEY_RELAY_BIN)"};
    }

    std::vector<std::string> args = {options_.binary, "--port", std::to_string(port_), "--data-dir", data_dir_};
    if (!options_.web_root.empty()) {
        args.push_back("--web-root");
        args.push_back(options_.web_root);
    }
    if (options_.demo_agent) {
        args.push_back("--demo-agent");
    }
    // The demo password goes in the child's environment, never on its command line
    // (issue 15: /proc/PID/cmdline is readable by every user). Built before fork: the
    // child only calls async-signal-safe functions.
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e)
        if (std::strncmp(*e, "PARLEY_DEMO_PASSWORD=", 21) != 0 && std::strncmp(*e, "PARLEY_LOG_FORMAT=", 18) != 0)
            env.emplace_back(*e);
    // Text logs, which the tests read ("listening on", refused origins): a relay.log is
    // no terminal, so --log-format auto would write JSON. A test of JSON logs passes
    // --log-format json, which beats the environment.
    env.push_back("PARLEY_LOG_FORMAT=text");
    if (options_.demo_agent) env.push_back("PARLEY_DEMO_PASSWORD=" + options_.demo_password);
    for (const auto& a : options_.extra_args) args.push_back(a);

    std::error_code ec;
    log_offset_ = std::filesystem::exists(log_path_, ec) ? std::filesystem::file_size(log_path_, ec) : 0;
    int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) return {false, "cannot open " + log_path_ + ": " + std::strerror(errno)};

    const pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) {
        ::close(log_fd);
        return {false, std::string("fork: ") + std::strerror(errno)};
    }
    if (pid == 0) {
        // Child: die with the test process, so that a crashed test leaves no relay behind.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        if (options_.max_address_space > 0) {
            const rlim_t as = static_cast<rlim_t>(options_.max_address_space);
            const struct rlimit limit = {as, as};
            if (::setrlimit(RLIMIT_AS, &limit) != 0) ::_exit(126);
        }
        ::dup2(log_fd, STDOUT_FILENO);
        ::dup2(log_fd, STDERR_FILENO);
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
        if (options_.max_open_files > 0) {  // soft and hard: the relay cannot raise it
            const rlimit files{rlim_t(options_.max_open_files), rlim_t(options_.max_open_files)};
            ::setrlimit(RLIMIT_NOFILE, &files);
        }
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<char*> envp;
        for (auto& e : env) envp.push_back(e.data());
        envp.push_back(nullptr);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(log_fd);
    pid_ = pid;
    exit_code_ = -1;

    const auto deadline = Clock::now() + std::chrono::milliseconds(options_.start_timeout_ms);
    while (Clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            reap(status);
            return fail("relay exited before listening (exit code " + std::to_string(exit_code_) + ")");
        }
        std::string host;
        int port = 0;
        if (parse_listening(read_file_from(log_path_, log_offset_), host, port)) {
            if (port_ != 0 && port != port_) {
                kill();
                return fail("relay restarted on port " + std::to_string(port) + ", expected " + std::to_string(port_));
            }
            host_ = host;
            port_ = port;
            return {};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill();
    return fail("relay did not print its listening line within " +
                std::to_string(options_.start_timeout_ms) + " ms");
}

RelayStatus RelayProcess::stop(int timeout_ms) {
    if (!running()) return {};
    ::kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            reap(status);
            return {};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill();
    return fail("relay ignored SIGTERM for " + std::to_string(timeout_ms) + " ms; killed");
}

void RelayProcess::kill() {
    if (!running()) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    if (::waitpid(pid_, &status, 0) == pid_) reap(status);
    pid_ = -1;
}

RelayStatus RelayProcess::restart() {
    if (auto st = stop(); !st) return st;
    // The port was just released; another process could take it in between, but on a
    // test machine that is rare enough to report as a failure rather than work around.
    return start();
}

}  // namespace parley::test
