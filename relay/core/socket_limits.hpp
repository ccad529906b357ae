// SocketLimits: how many TCP connections the relay holds, counted from the moment they
// are accepted, before any HTTP request or WebSocket handshake (issue 15, defect 4).
// RateLimits (rate_limits.hpp) counts upgraded WebSockets only; a client that opens
// sockets and never speaks would pass it and hold file descriptors until the process
// has none left. Pure state, no lws: net/server.cpp asks allows() right after accept()
// (LWS_CALLBACK_FILTER_NETWORK_CONNECTION) and closes the socket on false, then reports
// open() / close() as lws creates and destroys the connection.
//
//   all sockets        at most max_sockets open (the open-files limit minus a reserve
//                      for SQLite, logs, served files and workers), so accept() never
//                      meets EMFILE and lws never spins on a listen socket it cannot empty
//   sockets of one     at most per_address(): max_sockets_per_ip, and never more than a
//   address            quarter of max_sockets, so one address cannot take every socket
//                      (its WebSocket cap, max_conns_per_ip, should not exceed this one)
//
// O(1) per call; state per open socket and per address with an open socket.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace parley::relay {

class SocketLimits {
public:
    // max_sockets 0: no total limit; max_sockets_per_ip 0: no per-address limit (but
    // still a quarter of max_sockets when that is set).
    SocketLimits(int max_sockets = 0, int max_sockets_per_ip = 0);

    // May one more socket from `address` be kept? False: close it at once.
    bool allows(const std::string& address) const;
    // Socket `key` (any unique id, e.g. the connection's address in memory) from
    // `address` is open. A key already open is closed first.
    void open(std::uintptr_t key, const std::string& address);
    // Socket `key` closed (unknown keys are ignored).
    void close(std::uintptr_t key);

    int per_address() const { return per_address_; }
    int max_sockets() const { return max_sockets_; }
    int open_sockets() const { return static_cast<int>(sockets_.size()); }
    int open_from(const std::string& address) const;

private:
    int max_sockets_;
    int per_address_;  // 0: no limit
    std::unordered_map<std::uintptr_t, std::string> sockets_;
    std::unordered_map<std::string, int> per_ip_;
};

}  // namespace parley::relay
