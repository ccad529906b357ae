#include "replay/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

extern char** environ;

namespace parley::bot::replay {

namespace {

using Clock = std::chrono::steady_clock;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return in ? std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()) : std::string();
}

// The child's argv and envp, built before fork (the child only calls
// async-signal-safe functions).
struct Exec {
    std::vector<std::string> argv_s, env_s;
    std::vector<char*> argv, envp;
    Exec(const std::string& binary, const std::vector<std::string>& args, const std::vector<std::string>& env) {
        argv_s.push_back(binary);
        argv_s.insert(argv_s.end(), args.begin(), args.end());
        for (char** e = environ; *e; ++e) env_s.emplace_back(*e);
        env_s.insert(env_s.end(), env.begin(), env.end());
        for (auto& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);
        for (auto& e : env_s) envp.push_back(e.data());
        envp.push_back(nullptr);
    }
};

// fork + exec with stdout to `out_fd`, stderr to `err_fd`, stdin from /dev/null; the
// child dies with its parent.
pid_t spawn(Exec& e, int out_fd, int err_fd) {
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid != 0) return pid;
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(out_fd, STDOUT_FILENO);
    if (err_fd >= 0) ::dup2(err_fd, STDERR_FILENO);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
    ::execve(e.argv[0], e.argv.data(), e.envp.data());
    ::_exit(127);
}

}  // namespace

ChildProcess::ChildProcess(std::string binary, std::vector<std::string> args, std::string log_path,
                           std::vector<std::string> env)
    : binary_(std::move(binary)), args_(std::move(args)), env_(std::move(env)), log_path_(std::move(log_path)) {}

ChildProcess::~ChildProcess() { stop(); }

std::string ChildProcess::log() const { return read_file(log_path_); }

std::string ChildProcess::start(const std::string& ready, int timeout_ms) {
    if (pid_ > 0) return "already running";
    if (binary_.empty() || ::access(binary_.c_str(), X_OK) != 0) return "not executable: '" + binary_ + "'";
    const int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (log_fd < 0) return "cannot open " + log_path_ + ": " + std::strerror(errno);
    Exec e(binary_, args_, env_);
    pid_ = spawn(e, log_fd, log_fd);
    ::close(log_fd);
    if (pid_ < 0) return std::string("fork: ") + std::strerror(errno);
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
        const std::string text = log();
        if (text.find(ready) != std::string::npos) return {};
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return binary_ + " exited (status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
                   "): " + text.substr(text.size() > 1500 ? text.size() - 1500 : 0);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const std::string text = log();
    stop(1000);
    return binary_ + " did not print \"" + ready + "\" within " + std::to_string(timeout_ms) +
           " ms: " + text.substr(text.size() > 1500 ? text.size() - 1500 : 0);
}

int ChildProcess::stop(int timeout_ms) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) != pid_) {
        if (Clock::now() >= deadline) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

CommandResult run_command(const std::string& binary, const std::vector<std::string>& args) {
    CommandResult r;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return r;
    Exec e(binary, args, {});
    const pid_t pid = spawn(e, fds[1], -1);
    ::close(fds[1]);
    if (pid < 0) {
        ::close(fds[0]);
        return r;
    }
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0) r.out.append(buf, static_cast<size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

}  // namespace parley::bot::replay
