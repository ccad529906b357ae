// The processes under test: the Parley relay and mosquitto, started by the generator so
// it knows their PIDs (for /proc) and can restart them (the storm scenario).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "ws_client.hpp"

namespace parley::load {

struct ServerProcess {
    pid_t pid = -1;
    int port = 0;
    std::string out_path, err_path;  // its stdout and stderr
    bool running() const { return pid > 0; }
};

struct RelaySetup {
    std::string binary;     // parley-relay
    std::string work_dir;   // the scenario's temp dir: logs go here
    std::string data_dir;   // persistent across restarts of one scenario
    std::vector<std::string> extra;  // more flags (scenario-specific)
};

// Raises RLIMIT_NOFILE to its hard limit (children inherit it). Returns the new limit.
long raise_fd_limit();

// The flags that lift the relay's per-connection and per-address limits: every
// connection of the generator comes from 127.0.0.x, so the defaults (400 frames/s, 256
// connections and 512 sockets per address) would measure the limiter, not the relay. Only for the
// benchmark; the relay's defaults are unchanged.
std::vector<std::string> unlimited_flags();

// Where the generator connects: 127.0.0.1:`port`, path /ws, with `subprotocol`
// ("parley.v1" or "mqtt") and the Origin the relay allows by default.
WsTarget loopback_target(int port, const std::string& subprotocol = "parley.v1");

// Starts the relay on 127.0.0.1 (`port` 0: any free port) and waits (≤ 20 s) for its
// "listening on" line. On failure returns pid -1 and sets `error` (with its stderr).
ServerProcess start_relay(const RelaySetup& setup, int port, std::string& error);

// parley-relay --add-agent EMAIL NAME [extra], the password on stdin.
bool add_agent(const RelaySetup& setup, const std::string& email, const std::string& name,
               const std::string& password, const std::vector<std::string>& extra, std::string& error);

// parley-relay --create-bot-key NAME: the key it prints once (issue 16); "" and `error`
// on failure.
std::string create_bot_key(const RelaySetup& setup, const std::string& name, std::string& error);

// parley-relay --add-webhook URL [extra]: subscribes URL (every event type by default)
// and exits. Returns the subscription id (wh_…), "" and `error` on failure.
std::string add_webhook(const RelaySetup& setup, const std::string& url, const std::vector<std::string>& extra,
                        std::string& error);

// Another program of ours (parley-bot): started with `argv`, stdout and stderr to
// `dir`/NAME.out / .err; waits (≤ timeout_ms) for `ready` in its stderr. On failure
// returns pid -1 and sets `error` (with its stderr).
ServerProcess start_program(const std::vector<std::string>& argv, const std::string& dir, const std::string& name,
                            const std::string& ready, int timeout_ms, std::string& error);

// Writes a mosquitto config in `dir` (a WebSocket listener on 127.0.0.1, anonymous,
// persistence off) and starts it; waits ≤ 10 s until the port accepts.
ServerProcess start_mosquitto(const std::string& binary, const std::string& dir, std::string& error);

// SIGTERM, wait ≤ timeout_ms, then SIGKILL. Returns the exit status (or -1).
int stop_process(ServerProcess& p, int timeout_ms = 10000);

// A free TCP port on 127.0.0.1 (bind to 0, read, close).
int free_port();

// `which`: an executable in PATH (or the path itself when it has a '/'); "" when none.
std::string find_executable(const std::string& name);

// A fresh directory under `root`, or under $TMPDIR (or /tmp) when `root` is empty.
std::string make_temp_dir(const std::string& prefix, const std::string& root = "");
void remove_tree(const std::string& dir);

}  // namespace parley::load
