// Heartbeat: when a connection that looks open is in fact dead (a NAT dropped it, the
// laptop slept, the relay's host vanished), TCP can take many minutes to say so. The
// client therefore sends a `ping` after `interval_ms` without any frame from the relay,
// and gives the transport up after `timeout_ms` without one (any frame counts, the
// `pong` included). Pure state over the caller's clock, like the rest of the core.
//
//   input            effect
//   ---------------  -----------------------------------------------------------------
//   alive(now)       a transport opened or a frame arrived: silence starts at `now`
//   stop()           no transport: nothing is due
//   due(now)         ping    — interval passed since the last frame, no ping sent since
//                    dead    — timeout passed since the last frame
//                    nothing — otherwise
//   deadline()       when due() next has something to say (for next_deadline())
//
// A zero interval sends no pings; a zero timeout never declares the transport dead.
#pragma once

#include <cstdint>
#include <optional>

namespace parley::session {

class Heartbeat {
public:
    enum class Due { nothing, ping, dead };

    Heartbeat(std::int64_t interval_ms, std::int64_t timeout_ms)
        : interval_(interval_ms), timeout_(timeout_ms) {}

    void alive(std::int64_t now) {
        running_ = true;
        last_ = now;
        pinged_ = false;
    }
    void stop() { running_ = false; }

    Due due(std::int64_t now) {
        if (!running_) return Due::nothing;
        if (timeout_ > 0 && now - last_ >= timeout_) {
            running_ = false;
            return Due::dead;
        }
        if (interval_ > 0 && !pinged_ && now - last_ >= interval_) {
            pinged_ = true;
            return Due::ping;
        }
        return Due::nothing;
    }

    std::optional<std::int64_t> deadline() const {
        if (!running_) return std::nullopt;
        std::optional<std::int64_t> at;
        if (timeout_ > 0) at = last_ + timeout_;
        if (interval_ > 0 && !pinged_ && (!at || last_ + interval_ < *at)) at = last_ + interval_;
        return at;
    }

private:
    std::int64_t interval_, timeout_;
    bool running_ = false;
    bool pinged_ = false;
    std::int64_t last_ = 0;
};

}  // namespace parley::session
