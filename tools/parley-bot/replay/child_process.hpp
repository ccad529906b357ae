// The programs a protocol replay runs beside itself (parley-relay, parley-bot): started
// with their arguments and a few environment variables of their own (secrets such as a
// bot key go there or in a file, never on the command line), stdout and stderr appended
// to a log file, killed with the replay (PR_SET_PDEATHSIG) or when the object goes.
// run_command() runs an offline command (`--create-bot-key`) and returns its stdout.
//
// Not thread-safe. Errors are values; nothing throws.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace parley::bot::replay {

class ChildProcess {
public:
    ChildProcess(std::string binary, std::vector<std::string> args, std::string log_path,
                 std::vector<std::string> env = {});
    ~ChildProcess();  // stop()
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // Starts it and waits up to timeout_ms for `ready` in its log. "" on success; else
    // why, with the log's tail.
    std::string start(const std::string& ready, int timeout_ms);
    // SIGTERM, then SIGKILL after timeout_ms; the exit status (-1 if not running).
    int stop(int timeout_ms = 5000);
    pid_t pid() const { return pid_; }
    std::string log() const;

private:
    std::string binary_;
    std::vector<std::string> args_, env_;
    std::string log_path_;
    pid_t pid_ = -1;
};

struct CommandResult {
    int status = -1;  // exit status; -1 when it could not run
    std::string out;  // its stdout (stderr goes to ours)
};
CommandResult run_command(const std::string& binary, const std::vector<std::string>& args);

}  // namespace parley::bot::replay
