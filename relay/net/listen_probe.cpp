#include "net/listen_probe.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace parley::relay {

std::optional<std::string> listen_problem(const std::string& host, int port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
        return "cannot listen on " + host + ": not an address of this machine (" + ::gai_strerror(rc) +
               "): pass --host with one of its addresses, or 0.0.0.0 for all";
    int err = 0;
    for (addrinfo* a = found; a; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        const int on = 1;  // as lws binds: a port in TIME_WAIT is free
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        const bool bound = ::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 1) == 0;
        err = bound ? 0 : errno;
        ::close(fd);
        if (bound) break;
    }
    ::freeaddrinfo(found);
    const std::string where = host + ":" + service;
    switch (err) {
    case 0: return std::nullopt;
    case EADDRINUSE:
        return "port " + service + " is in use by another process: stop it or pass --port (or PARLEY_PORT, port "
               "in the config file); `ss -ltnp 'sport = :" + service + "'` shows who has it";
    case EACCES:
        return "cannot listen on " + where + ": ports below 1024 need privileges: use a higher port behind a "
               "proxy, or give the relay CAP_NET_BIND_SERVICE (never run it as root)";
    case EADDRNOTAVAIL:
        return "cannot listen on " + where + ": " + host + " is not an address of this machine: pass --host with "
               "one of its addresses, or 0.0.0.0 for all";
    default: return "cannot listen on " + where + ": " + std::strerror(err);
    }
}

}  // namespace parley::relay
