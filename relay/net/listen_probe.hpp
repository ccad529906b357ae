// Why the relay cannot listen, said so an operator knows what to do (issue 18). lws
// only reports that it could not create its context; after that, main.cpp binds a
// socket of its own to the same address and port and turns the errno into advice:
//   "port 8080 is in use by another process: stop it or pass --port (or PARLEY_PORT,
//    port in the config file)".
// No lws here; a plain socket, closed at once. Not thread-safe only in the sense that
// the port may change hands between this probe and the failed start.
#pragma once

#include <optional>
#include <string>

namespace parley::relay {

// What stops a listening socket on host:port, or nullopt when a bind succeeds now.
std::optional<std::string> listen_problem(const std::string& host, int port);

}  // namespace parley::relay
