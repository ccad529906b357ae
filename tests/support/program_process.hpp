// A program of ours other than the relay (parley-bot, examples) as a child process of a
// multi-process test: started with its arguments and a few environment variables of
// its own (secrets such as an API key go there, never on the command line), its stdout
// and stderr in a log file, dying with the test. start() waits for a line of the log
// that says the program is ready.
//
// Not thread-safe. Errors are values; nothing throws.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace parley::test {

class ProgramProcess {
public:
    // `log_path`: where stdout and stderr go (appended).
    ProgramProcess(std::string binary, std::vector<std::string> args, std::string log_path,
                   std::vector<std::string> env = {});
    ~ProgramProcess();  // kills it if running
    ProgramProcess(const ProgramProcess&) = delete;
    ProgramProcess& operator=(const ProgramProcess&) = delete;

    // Starts it and waits up to timeout_ms for `ready` to appear in what this run
    // printed. Empty detail on success; else why, with the log's tail.
    std::string start(const std::string& ready, int timeout_ms = 10000);
    void kill();             // SIGKILL and reap: a crash
    int stop(int timeout_ms = 5000);  // SIGTERM, wait (SIGKILL after); the exit status
    bool running();          // reaps it if it has exited
    int exit_code() const { return exit_code_; }
    std::string log() const;  // what this run printed so far
    // Waits up to timeout_ms for `text` in what this run printed.
    bool wait_for_log(const std::string& text, int timeout_ms) const;

private:
    std::string binary_;
    std::vector<std::string> args_, env_;
    std::string log_path_;
    std::size_t log_offset_ = 0;
    pid_t pid_ = -1;
    int exit_code_ = -1;
};

// The parley-bot binary under test: $PARLEY_BOT_BIN, else the one CMake built
// (PARLEY_BOT_BIN_DEFAULT), else "".
std::string default_bot_binary();

}  // namespace parley::test
