#include "program_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

extern char** environ;

namespace parley::test {

namespace {

using Clock = std::chrono::steady_clock;

std::string read_from(const std::string& path, std::size_t offset) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    in.seekg(static_cast<std::streamoff>(offset));
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

std::string default_bot_binary() {
    if (const char* env = std::getenv("PARLEY_BOT_BIN"); env && *env) return env;
#ifdef PARLEY_BOT_BIN_DEFAULT
    return PARLEY_BOT_BIN_DEFAULT;
#else
    return {};
#endif
}

ProgramProcess::ProgramProcess(std::string binary, std::vector<std::string> args, std::string log_path,
                               std::vector<std::string> env)
    : binary_(std::move(binary)), args_(std::move(args)), env_(std::move(env)), log_path_(std::move(log_path)) {}

ProgramProcess::~ProgramProcess() { kill(); }

std::string ProgramProcess::start(const std::string& ready, int timeout_ms) {
    if (pid_ > 0) return "already running";
    if (binary_.empty() || ::access(binary_.c_str(), X_OK) != 0) return "not executable: '" + binary_ + "'";
    std::error_code ec;
    log_offset_ = std::filesystem::exists(log_path_, ec) ? std::filesystem::file_size(log_path_, ec) : 0;
    const int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0) return "cannot open " + log_path_ + ": " + std::strerror(errno);
    // Built before fork: the child only calls async-signal-safe functions.
    std::vector<std::string> argv_s = {binary_};
    argv_s.insert(argv_s.end(), args_.begin(), args_.end());
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e) env_s.emplace_back(*e);
    env_s.insert(env_s.end(), env_.begin(), env_.end());
    std::vector<char*> argv, envp;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);

    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(log_fd);
        return std::string("fork: ") + std::strerror(errno);
    }
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        ::dup2(log_fd, STDOUT_FILENO);
        ::dup2(log_fd, STDERR_FILENO);
        const int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(log_fd);
    pid_ = pid;
    exit_code_ = -1;
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
        if (!running()) return "exited before it was ready (" + std::to_string(exit_code_) + "):\n" + log();
        if (log().find(ready) != std::string::npos) return {};
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill();
    return "not ready within " + std::to_string(timeout_ms) + " ms:\n" + log();
}

bool ProgramProcess::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        pid_ = -1;
        return false;
    }
    return true;
}

void ProgramProcess::kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exit_code_ = 128 + SIGKILL;
    pid_ = -1;
}

int ProgramProcess::stop(int timeout_ms) {
    if (pid_ <= 0) return exit_code_;
    ::kill(pid_, SIGTERM);
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
        if (!running()) return exit_code_;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill();
    return exit_code_;
}

std::string ProgramProcess::log() const { return read_from(log_path_, log_offset_); }

bool ProgramProcess::wait_for_log(const std::string& text, int timeout_ms) const {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    do {
        if (log().find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (Clock::now() < deadline);
    return false;
}

}  // namespace parley::test
