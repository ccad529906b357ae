// See connection.hpp, "Theory of operation".
#include "parley/native/connection.hpp"

#include <libwebsockets.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <type_traits>
#include <utility>

namespace parley::native {

namespace {

constexpr const char* kSubprotocol = "parley.v1";  // docs/protocol.md §2
constexpr std::size_t kMaxFrameOut = 65536;        // the protocol's frame limit

Error error(protocol::ErrorCode code, std::string detail) { return Error{code, std::move(detail), {}}; }

lws_protocols protocols[] = {
    {kSubprotocol, [](lws* wsi, lws_callback_reasons reason, void* user, void* in,
                      std::size_t len) { return Connection::callback(wsi, static_cast<int>(reason), user, in, len); },
     0, 0, 0, nullptr, 0},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0},
};

std::uintptr_t generation_of(lws* wsi) { return reinterpret_cast<std::uintptr_t>(lws_get_opaque_user_data(wsi)); }

}  // namespace

// The timer that bounds one lws_service() wait: lws 4.1.6 ignores service()'s timeout
// and sleeps until its next scheduled timer, so the wake-up is one of those.
struct Connection::Wake {
    lws_sorted_usec_list_t sul;
};

Connection::Connection(session::Config config, Url url, TransportOptions options)
    : config_error_(session::validate(config)), client_(std::move(config)), url_(std::move(url)), options_(std::move(options)) {}

Connection::~Connection() { stop(); }

std::int64_t Connection::now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

Status Connection::start() {
    if (context_) return error(protocol::ErrorCode::already_authenticated, "connection already started");
    if (config_error_) return *config_error_;
    if (options_.max_queued_frames == 0) return error(protocol::ErrorCode::bad_field, "max_queued_frames must be > 0");
    if (options_.connect_timeout_secs <= 0)
        return error(protocol::ErrorCode::bad_field, "connect_timeout_secs must be > 0");

    // lws's own notices would drown the application's output; errors and warnings go to
    // stderr as lws writes them.
    lws_set_log_level(LLL_ERR | LLL_WARN, nullptr);

    lws_context_creation_info info;
    std::memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.user = this;
    info.timeout_secs = static_cast<unsigned>(options_.connect_timeout_secs);
    // No extensions: permessage-deflate stays off (the relay registers none either).
    if (url_.tls) {
        info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
        // A CA file replaces the system's store (lws would otherwise trust both): an app
        // that names its relay's CA means that one.
        if (!options_.ca_file.empty()) {
            info.client_ssl_ca_filepath = options_.ca_file.c_str();
            info.options |= LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS;
        }
    }
    context_ = lws_create_context(&info);
    if (!context_) return error(protocol::ErrorCode::storage_failed, "libwebsockets could not create its context");
    wake_ = std::make_unique<Wake>();
    client_.connect(now_ms());
    pump();
    return Unit{};
}

void Connection::stop() {
    if (!context_) return;
    client_.disconnect(now_ms());
    pump();
    // Give the close frame (and what was queued before it) a moment to leave.
    const std::int64_t deadline = now_ms() + 1000;
    while ((wsi_ || !closing_.empty()) && now_ms() < deadline) {
        arm_wake(std::min(deadline, now_ms() + 50));
        if (lws_service(context_, 0) < 0) break;
    }
    lws_sul_cancel(&wake_->sul);
    lws_context_destroy(context_);  // closes what is left; its callbacks are ignored below
    context_ = nullptr;
    wake_.reset();
    wsi_ = nullptr;
    current_ = 0;
    closing_.clear();
    queue_.clear();
    inputs_.clear();
}

void Connection::poll(int timeout_ms) {
    if (!context_) return;
    const std::int64_t end = now_ms() + std::max(0, timeout_ms);
    pump();
    for (;;) {
        if (!events_.empty()) return;
        const std::int64_t now = now_ms();
        std::int64_t wake = end;
        if (auto d = client_.next_deadline()) wake = std::min(wake, *d);
        if (wake > now) {
            arm_wake(wake);
            if (lws_service(context_, 0) < 0) return;
        } else {
            // Nothing to wait for: one pass over what is ready (-1: no wait).
            if (lws_service(context_, -1) < 0) return;
        }
        pump();
        if (now_ms() >= end) return;
    }
}

void Connection::arm_wake(std::int64_t at) {
    const std::int64_t in_ms = std::max<std::int64_t>(1, at - now_ms());
    lws_sul_schedule(context_, 0, &wake_->sul, [](lws_sorted_usec_list_t*) {},
                     static_cast<lws_usec_t>(in_ms) * LWS_US_PER_MS);
}

std::vector<session::Event> Connection::take_events() {
    std::vector<session::Event> out;
    out.swap(events_);
    return out;
}

Status Connection::write_frame(std::string json) {
    if (client_.state() != session::State::connected || !wsi_)
        return error(protocol::ErrorCode::not_authenticated, "not connected: frame not written");
    if (json.size() > kMaxFrameOut) return error(protocol::ErrorCode::too_large, "frame over 65536 bytes");
    take_outgoing();  // what the core queued before this frame goes first
    if (queue_.size() >= options_.max_queued_frames)
        return error(protocol::ErrorCode::rate_limited,
                     "write queue full (" + std::to_string(queue_.size()) + " frames): poll() and retry");
    queue_.push_back(std::move(json));
    lws_callback_on_writable(wsi_);
    return Unit{};
}

// ---- the host loop ----------------------------------------------------------------

// Inputs to the core, its timers, then its events and frames, until it has nothing
// more to say (a dial that fails at once is a closed() input, which may schedule a
// reconnect: hence the rounds).
void Connection::pump() {
    for (int round = 0; round < 16; ++round) {
        std::vector<Input> inputs;
        inputs.swap(inputs_);
        for (Input& in : inputs) {
            const std::int64_t now = now_ms();
            switch (in.kind) {
            case Input::opened:
                ++transports_opened_;
                client_.opened(now);
                break;
            case Input::received:
                (void)client_.receive(in.text, now);  // a bad frame arrives as an "error" event
                break;
            case Input::closed:
                queue_.clear();
                last_close_code_ = in.code;
                client_.closed(in.code, now);
                break;
            }
        }
        if (auto d = client_.next_deadline(); d && *d <= now_ms()) client_.tick(now_ms());
        std::vector<session::Event> events = client_.take_events();
        for (session::Event& e : events) {
            act(e);
            events_.push_back(std::move(e));
        }
        take_outgoing();
        if (inputs_.empty() && events.empty()) return;
    }
}

void Connection::act(const session::Event& event) {
    if (std::holds_alternative<session::ConnectRequest>(event)) {
        hang_up();  // a request to dial while a socket is still open replaces it
        dial();
    } else if (std::holds_alternative<session::DisconnectRequest>(event)) {
        hang_up();
    }
}

void Connection::take_outgoing() {
    std::vector<std::string> frames = client_.take_outgoing();
    if (!wsi_) return;  // not open: the core resends what matters after the next welcome
    for (std::string& f : frames) queue_.push_back(std::move(f));
    if (!queue_.empty()) lws_callback_on_writable(wsi_);
}

void Connection::dial() {
    const std::uintptr_t generation = ++generation_;
    current_ = generation;
    peer_close_.reset();
    close_with_ = 0;
    rx_.clear();
    rx_too_large_ = false;

    lws_client_connect_info i;
    std::memset(&i, 0, sizeof i);
    const std::string host_header = url_.host + ":" + std::to_string(url_.port);
    i.context = context_;
    i.address = url_.host.c_str();
    i.port = url_.port;
    i.path = url_.path.c_str();
    i.host = host_header.c_str();
    i.origin = options_.origin.empty() ? nullptr : options_.origin.c_str();
    i.protocol = kSubprotocol;
    i.local_protocol_name = kSubprotocol;
    i.opaque_user_data = reinterpret_cast<void*>(generation);
    if (url_.tls) {
        i.ssl_connection = LCCSCF_USE_SSL;
        if (options_.allow_self_signed)
            i.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK;
    }
    // lws copies what it keeps, so the strings above may die with this frame. A failure
    // may have been reported already by CONNECTION_ERROR (then current_ moved on).
    if (!lws_client_connect_via_info(&i) && current_ == generation) {
        current_ = 0;
        inputs_.push_back({Input::closed, {}, 1006});
    }
}

// Gives the current socket up: the core no longer waits on it. An upgraded one is
// closed with 1000 at its next WRITEABLE; one still dialling is closed when lws next
// calls back for it (its generation is stale by then).
void Connection::hang_up() {
    if (wsi_) {
        closing_.push_back(wsi_);
        lws_callback_on_writable(wsi_);
    }
    wsi_ = nullptr;
    current_ = 0;
    queue_.clear();
}

// ---- lws callbacks: record, never call the core ------------------------------------

int Connection::callback(lws* wsi, int reason, void* user, void* in, std::size_t len) {
    (void)user;
    lws_context* context = lws_get_context(wsi);
    auto* self = context ? static_cast<Connection*>(lws_context_user(context)) : nullptr;
    return self ? self->on_callback(wsi, reason, in, len) : 0;
}

int Connection::on_callback(lws* wsi, int reason, void* in, std::size_t len) {
    switch (reason) {
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        if (generation_of(wsi) == current_ && current_) {
            current_ = 0;
            wsi_ = nullptr;
            inputs_.push_back({Input::closed, {}, 1006});
        }
        return 0;
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        if (generation_of(wsi) != current_ || !current_) return -1;  // given up meanwhile
        wsi_ = wsi;
        inputs_.push_back({Input::opened, {}, 0});
        return 0;
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        // `in` is the close frame's payload: a 2-byte big-endian code, then a reason.
        if (generation_of(wsi) == current_ && current_ && len >= 2) {
            const auto* p = static_cast<const unsigned char*>(in);
            peer_close_ = (p[0] << 8) | p[1];
        }
        return 0;  // lws echoes the close
    case LWS_CALLBACK_CLIENT_RECEIVE: {
        if (generation_of(wsi) != current_ || !current_) return -1;
        if (!rx_too_large_) {
            if (rx_.size() + len > options_.max_frame_bytes) {
                rx_too_large_ = true;
                rx_.clear();
                rx_.shrink_to_fit();
            } else {
                rx_.append(static_cast<const char*>(in), len);
            }
        }
        if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi) != 0) return 0;
        if (rx_too_large_) {
            close_with_ = LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE;
            lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, nullptr, 0);
            return -1;  // CLIENT_CLOSED follows and reports 1009
        }
        inputs_.push_back({Input::received, std::move(rx_), 0});
        rx_.clear();
        return 0;
    }
    case LWS_CALLBACK_CLIENT_WRITEABLE: {
        if (auto it = std::find(closing_.begin(), closing_.end(), wsi); it != closing_.end()) {
            closing_.erase(it);
            lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, nullptr, 0);
            return -1;
        }
        if (generation_of(wsi) != current_ || !current_) return -1;
        if (queue_.empty()) return 0;
        const std::string& frame = queue_.front();
        tx_.resize(LWS_PRE + frame.size());
        std::memcpy(tx_.data() + LWS_PRE, frame.data(), frame.size());
        const int n = lws_write(wsi, tx_.data() + LWS_PRE, frame.size(), LWS_WRITE_TEXT);
        if (n < static_cast<int>(frame.size())) return -1;  // the socket failed: CLIENT_CLOSED follows
        queue_.pop_front();
        if (!queue_.empty()) lws_callback_on_writable(wsi);
        return 0;
    }
    case LWS_CALLBACK_CLIENT_CLOSED:
        if (generation_of(wsi) == current_ && current_) {
            current_ = 0;
            wsi_ = nullptr;
            const int code = peer_close_ ? *peer_close_ : close_with_ ? close_with_ : 1006;
            inputs_.push_back({Input::closed, {}, code});
        }
        return 0;
    case LWS_CALLBACK_WSI_DESTROY:
        closing_.erase(std::remove(closing_.begin(), closing_.end(), wsi), closing_.end());
        if (generation_of(wsi) == current_ && current_) {  // closed without CLIENT_CLOSED
            current_ = 0;
            wsi_ = nullptr;
            inputs_.push_back({Input::closed, {}, peer_close_ ? *peer_close_ : 1006});
        }
        return 0;
    default:
        return 0;
    }
}

}  // namespace parley::native
