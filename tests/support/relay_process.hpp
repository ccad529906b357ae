// The real relay binary as a child process, for multi-process tests and the load
// generator. Each RelayProcess owns a fresh temporary directory (the relay's data dir
// plus its log) that is removed when the object dies, unless PARLEY_KEEP_TMP is set.
//
// Theory of operation: start() runs `parley-relay --port P --data-dir D [...]` with
// stdout and stderr going to D/../relay.log (a file, not a pipe, so a chatty relay can
// never block on a full pipe nobody reads), then watches that file for the line
//     parley-relay listening on http://HOST:PORT
// to learn the port. The first start asks for port 0 (any free port); restarts reuse
// the port and data dir, as an operator restarting the service would.
//
// Not thread-safe. Errors are values; nothing throws.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace parley::test {

struct RelayOptions {
    std::string binary;                   // empty: default_relay_binary()
    std::string web_root;                 // empty: no --web-root
    bool demo_agent = false;              // --demo-agent, PARLEY_DEMO_PASSWORD=<demo_password>
    std::string demo_password = "demo-password";
    std::vector<std::string> extra_args;  // appended as given
    std::int64_t max_address_space = 0;  // RLIMIT_AS for the child, 0: unchanged
    int start_timeout_ms = 10000;
    int max_open_files = 0;  // RLIMIT_NOFILE for the child, 0: unchanged
};

struct RelayStatus {
    bool ok = true;
    std::string detail;  // what went wrong, with the tail of the relay's log
    explicit operator bool() const { return ok; }
};

// The relay binary to test: $PARLEY_RELAY_BIN, else the path CMake compiled in
// (PARLEY_RELAY_BIN_DEFAULT), else "".
std::string default_relay_binary();

class RelayProcess {
public:
    explicit RelayProcess(RelayOptions options = {});
    ~RelayProcess();  // kills a running relay, then removes the temp dir
    RelayProcess(const RelayProcess&) = delete;
    RelayProcess& operator=(const RelayProcess&) = delete;

    // Starts the relay and waits (start_timeout_ms) for its "listening" line. Fails if
    // it is already running, exits early, or never says it listens.
    RelayStatus start();

    // SIGTERM, then wait up to timeout_ms for the exit (SIGKILL after that, and the
    // status says so). exit_code() tells how it ended.
    RelayStatus stop(int timeout_ms = 5000);

    // SIGKILL and reap: a crash, as far as the data on disk is concerned.
    void kill();

    // The arguments the next start() appends (an operator editing the unit file).
    void set_extra_args(std::vector<std::string> args) { options_.extra_args = std::move(args); }

    // stop() then start() on the same data dir and port.
    RelayStatus restart();

    bool running() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }  // -1 when not running (for /proc/PID/status)
    const std::string& host() const { return host_; }
    int port() const { return port_; }
    std::string http_url() const;         // "http://127.0.0.1:PORT"
    const std::string& data_dir() const { return data_dir_; }
    std::string log() const;              // everything the relay printed so far

    // The relay binary run once as an operator's command against this data directory
    // (--export-visitor, --erase-visitor, --rotate-visitor-key, --export-audit…), as
    // from a shell: its exit status (-1 if it did not exit) and what it printed, stdout
    // and stderr together unless `with_stderr` is false (then stderr is dropped).
    struct Command {
        int status = -1;
        std::string out;
    };
    Command command(const std::string& args, bool with_stderr = true) const;
    int exit_code() const { return exit_code_; }  // exit status, or 128+signal; -1 before

private:
    RelayStatus fail(const std::string& why) const;
    void reap(int status);

    RelayOptions options_;
    std::string root_;      // the temp dir
    std::string data_dir_;  // root_/data
    std::string log_path_;  // root_/relay.log
    std::size_t log_offset_ = 0;  // where the current run's output starts
    pid_t pid_ = -1;
    std::string host_ = "127.0.0.1";
    int port_ = 0;
    int exit_code_ = -1;
};

}  // namespace parley::test
