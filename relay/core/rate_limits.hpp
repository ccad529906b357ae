// RateLimits: the relay's admission limits (docs/protocol.md §1, P7), as pure state fed
// with the time, so they are tested with a fake clock and the adapter only asks.
//
//   connections per address   admit() refuses the (max_conns_per_ip + 1)-th open
//                             connection of one address → close 4002, transient
//   frames per connection     charge() draws one token from the connection's bucket
//   frames per address        ... and one from its address's bucket (all its
//                             connections together); either empty → error 4029
//                             rate_limited with retry_after_ms, the frame is dropped
//   frames of a bot           a connection the Hub has welcomed as a bot (issue 16) draws
//                             from its bot's bucket (bot_rate/bot_burst, shared by every
//                             connection of that bot: a stolen key does not multiply it
//                             by opening more) and not from its own or its address's:
//                             one bot answers every visitor of the site, so a visitor's
//                             20 frames/s would cap it at a few streamed answers a
//                             second (each is ~20 stream deltas and its final message),
//                             and it often shares its address (the relay's host) with
//                             nobody it should slow down
//   after a refusal           every frame of that connection is refused until the wait
//                             is over, so nothing sent behind a refused frame can be
//                             processed before the refused frame's resend: one
//                             sender's messages keep their order under rate limiting
//
// Token buckets: a bucket holds up to `burst` tokens and refills at `rate` per second,
// so a client may send `burst` frames at once and `rate` per second for ever. A refused
// frame costs nothing, so a client that waits retry_after_ms is served. Only the
// offender's frames are refused; every other connection keeps its own budget (the
// address bucket is shared only by connections of the same address).
//
// O(1) per call (amortised: idle addresses are swept at most once a minute); state per
// open connection and per address seen within its bucket's refill time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace parley::relay {

struct RateLimitConfig {
    double conn_rate = 20;        // frames per second, one connection
    double conn_burst = 60;
    double ip_rate = 400;         // frames per second, all connections of one address
    double ip_burst = 800;
    int max_conns_per_ip = 256;   // 0: no limit
    double bot_rate = 2000;       // frames per second, one bot connection (issue 16)
    double bot_burst = 4000;
};

class TokenBucket {
public:
    // Takes one token at `now_ms`: 0 when there was one, else the milliseconds until
    // there will be (≥ 1). The bucket starts full.
    std::int64_t take(std::int64_t now_ms, double rate, double burst);
    // Gives back the token the last successful take() took.
    void refund() { tokens_ += 1; }
    // True when the bucket would be full at `now_ms` (it can be forgotten).
    bool full_at(std::int64_t now_ms, double rate, double burst) const {
        return tokens_ < 0 || rate <= 0 || tokens_ + double(now_ms - last_) * rate / 1000.0 >= burst;
    }

private:
    double tokens_ = -1;  // < 0: not used yet (full)
    std::int64_t last_ = 0;
};

class RateLimits {
public:
    explicit RateLimits(RateLimitConfig config = {}) : config_(config) {}

    // A connection from `address` opened. False: the address is at its limit (the
    // connection is not counted; close it with 4002).
    bool admit(std::uint64_t conn, const std::string& address);
    // The connection closed (admitted or not; unknown ids are ignored).
    void release(std::uint64_t conn);
    // One frame from `conn`: 0 → process it; n > 0 → refuse it, retry after n ms.
    // `bot`: the party id of a connection welcomed as a bot (its bot's budget, no
    // address budget); empty for every other connection.
    std::int64_t charge(std::uint64_t conn, std::int64_t now_ms, std::string_view bot = {});

    int connections_of(const std::string& address) const;

    // A config reload (config/live_config.hpp): the new numbers count from the next
    // frame; buckets keep their tokens (capped at the new burst as they refill), and
    // connections already open stay open under a lowered max_conns_per_ip.
    void set_config(const RateLimitConfig& config) { config_ = config; }

private:
    struct Address {
        int connections = 0;
        TokenBucket bucket;
    };
    struct Conn {
        std::string address;
        TokenBucket bucket;
        std::int64_t refused_until = 0;  // ms; frames before it are refused unseen
    };
    void sweep(std::int64_t now_ms);  // forgets idle addresses whose bucket is full

    RateLimitConfig config_;
    std::int64_t last_sweep_ = 0;
    std::unordered_map<std::string, Address> addresses_;
    std::unordered_map<std::uint64_t, Conn> conns_;
    std::unordered_map<std::string, TokenBucket> bots_;  // by bot party id (operator-made)
};

}  // namespace parley::relay
