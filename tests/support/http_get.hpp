// One plain HTTP/1.1 request to the relay on loopback, read to the end: for the tests
// of its HTTP endpoints (/healthz, /readyz, /metrics, the API). Bounded: 10 s at most.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace parley::test {

struct HttpResponse {
    int status = 0;       // 0: no answer (refused, timed out, not HTTP)
    std::string head;     // status line and headers, header names lower-cased
    std::string body;     // decoded when it came in chunked transfer coding
    bool chunked = false;   // it came in chunked transfer coding (RFC 9112 §7.1)
    bool complete = false;  // the whole body came: all of Content-Length, or the last
                            // chunk (a relay that cut the answer off leaves it false)
};

HttpResponse http_request(int port, const std::string& method, const std::string& path,
                          const std::string& host = "127.0.0.1");
// With request headers ("Name: value" lines, no CRLF) and a body; Content-Length is the
// body's unless `headers` sets one (a test may announce more than it sends).
HttpResponse http_request(int port, const std::string& method, const std::string& path,
                          const std::vector<std::string>& headers, const std::string& body,
                          const std::string& host = "127.0.0.1");
inline HttpResponse http_get(int port, const std::string& path) { return http_request(port, "GET", path); }

// A raw TCP connection to 127.0.0.1:port, for what http_request() will not send (no
// Content-Length, a body announced and never finished, a reader that stops). With
// receive_buffer > 0 its SO_RCVBUF is set before connecting, so a relay's writes stop
// as soon as the client stops reading. `from` (a 127.0.0.0/8 address): the connection
// comes from that address, so one machine's tests can be several clients to the
// relay's per-address limits. -1 if it cannot connect.
int raw_connect(int port, int receive_buffer = 0, const char* from = nullptr);

// The most a TCP send buffer may autotune to (net.ipv4.tcp_wmem's third figure, 4 MiB
// by default): what the relay's kernel can take off its hands for a reader that has
// stopped reading. A test of a stalled reader sends more than this and both receive
// buffers, or the relay would have nothing left unsent and no stall to see.
std::int64_t send_buffer_max_bytes();

// What the peer sends until it closes the connection, or until `ms` have passed
// (`closed` says which).
struct RawAnswer {
    std::string bytes;
    bool closed = false;
};
RawAnswer read_until_closed(int fd, int ms);

}  // namespace parley::test
