// A minimal RFC 6455 WebSocket client over a POSIX TCP socket, for tests and the load
// generator. It is a thin adapter: the byte work lives in ws_codec.hpp, and this file
// only moves bytes and answers pings and closes as the RFC requires. No threads, no
// callbacks: the caller polls.
//
// With `tls` the same runs over OpenSSL (wss://): the certificate is not verified (tests
// use self-signed ones) but its SHA-256 fingerprint is kept, so a test can tell which
// certificate the server presented.
//
// Every call is bounded by a timeout; none may hang a test. Not thread-safe; one
// thread uses one client. Errors are values (WsStatus), nothing throws.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "ws_codec.hpp"

struct ssl_st;      // OpenSSL's SSL
struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace parley::test {

// Outcome of connect/send: ok, or what went wrong, for the test's failure message.
struct WsStatus {
    bool ok = true;
    std::string detail;
    explicit operator bool() const { return ok; }
    static WsStatus failure(std::string d) { return {false, std::move(d)}; }
};

// What one poll() saw.
struct WsPollResult {
    std::vector<std::string> texts;  // whole text messages, in arrival order
    bool closed = false;             // the connection ended during this poll
    int close_code = 0;              // the peer's close code; 1006 when it vanished
    std::string close_reason;
};

struct WsConnectOptions {
    std::string host = "127.0.0.1";
    int port = 0;
    std::string path = "/ws";
    std::string subprotocol = "parley.v1";  // empty: send no Sec-WebSocket-Protocol
    std::string origin;                     // empty: send no Origin (native clients)
    std::string host_header;                // empty: "HOST:PORT" (the name a browser used)
    int timeout_ms = 5000;
    bool tls = false;                       // wss://: TLS before the upgrade
    std::string source_address;             // empty: the kernel's choice (e.g. 127.0.0.2)
    std::vector<std::string> extra_headers;  // whole lines without CRLF, "Name: value"
};

class WsClient {
public:
    WsClient();
    ~WsClient();
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    // TCP connect plus the opening handshake. Fails unless the server answers 101 with
    // the right Sec-WebSocket-Accept and (when asked) the same subprotocol. On failure
    // the status detail holds the HTTP status line or the socket error.
    WsStatus connect(const WsConnectOptions& options);

    bool is_open() const { return fd_ >= 0; }
    // TLS: the SHA-256 fingerprint of the server's certificate, "AB:CD:…" as
    // `openssl x509 -fingerprint -sha256` prints it; "" without TLS.
    const std::string& peer_fingerprint() const { return peer_fingerprint_; }
    // The socket, for a caller's own poll() over several clients; -1 when closed.
    int native_handle() const { return fd_; }

    // One masked text message (a single frame). Fails when the connection is closed or
    // the socket stays unwritable for 5 s.
    WsStatus send_text(std::string_view text);

    // Raw bytes onto the socket, for tests of malformed input (masking is up to them).
    WsStatus send_raw(std::string_view bytes);

    // Waits up to timeout_ms for data (0: just look), then returns every whole text
    // message received. Pings are answered with pongs here. A close frame from the peer
    // is echoed, the socket closed, and `closed` set; so is a vanished peer (1006) or a
    // protocol violation (1002). Binary messages are dropped: Parley never sends them.
    WsPollResult poll(int timeout_ms);

    // Starts the closing handshake with `code`, waits up to timeout_ms for the peer's
    // close frame, then closes the socket. Texts that arrive meanwhile are discarded.
    void close(int code = 1000, int timeout_ms = 1000);

    // Closes the socket without a close frame: what the relay sees when a phone loses
    // its network.
    void drop();

    // Random bytes for keys and masks; seeded from std::random_device.
    std::array<std::uint8_t, 4> random_mask();

private:
    WsStatus write_all(std::string_view bytes, int timeout_ms);
    WsStatus start_tls(const std::string& host, int timeout_ms);
    // send()/recv() on the socket, or SSL_write()/SSL_read(): same results (EAGAIN as
    // -1 with errno set, 0 at the end of the stream).
    long write_some(const char* data, std::size_t len);
    long read_some(char* data, std::size_t len);
    bool buffered() const;  // TLS: bytes already decrypted, waiting to be read
    void handle_event(WsEvent ev, WsPollResult& out);
    void close_socket();

    int fd_ = -1;
    ::ssl_st* ssl_ = nullptr;          // TLS only
    ::ssl_ctx_st* ssl_ctx_ = nullptr;  // TLS only
    std::string peer_fingerprint_;
    bool close_sent_ = false;
    WsReader reader_;
    std::mt19937 rng_;
};

}  // namespace parley::test
