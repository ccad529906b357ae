// An in-memory relay for client tests: just enough of docs/protocol.md to answer a
// client (welcome, login, send → ack + msg with dedup by cid, sync, history), with no
// sockets, so reconnect scenarios run in microseconds.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "parley/protocol/codec.hpp"

namespace parley::test {

using namespace parley::protocol;

class FakeRelay {
public:
    std::string conv = "c_00000000000000aa";
    Party visitor{"visitor", "v_1", "Ada"};
    Party agent{"agent", "a_1", "Sam"};
    std::string password = "secret";
    bool fail_storage = false;  // answer sends with error 5001

    std::vector<Message> stored;
    std::vector<ClientFrame> received;
    int tokens_issued = 0;

    // Answers one client frame with the frames the relay would send back.
    std::vector<std::string> handle(const std::string& text, std::int64_t ts) {
        auto decoded = decode_client(text);
        if (!decoded) {
            const Error& e = decoded.error();
            return {encode(RelayFrame{ErrorFrame{e.code, e.detail, e.ref}})};
        }
        received.push_back(decoded.value());
        return std::visit([&](const auto& f) { return on(f, ts); }, decoded.value());
    }

    // Appends a message from someone else, as if posted on another connection.
    Message post(const Party& from, const std::string& text, std::int64_t ts) {
        Message m{conv, static_cast<std::int64_t>(stored.size()) + 1, "other." + std::to_string(stored.size()),
                  ts, from, text};
        stored.push_back(m);
        return m;
    }

    template <class F>
    std::vector<F> received_of() const {
        std::vector<F> out;
        for (const auto& f : received)
            if (auto* p = std::get_if<F>(&f)) out.push_back(*p);
        return out;
    }

private:
    static std::string wire(RelayFrame f) { return encode(f); }

    std::vector<std::string> on(const Hello& h, std::int64_t) {
        if (h.role == "agent") {
            if (h.token->rfind("st-", 0) != 0)
                return {wire(ErrorFrame{ErrorCode::bad_token, "unknown session", ""})};
            return {wire(Welcome{"agent", *h.token, agent, std::nullopt, 0})};
        }
        return {wire(Welcome{"visitor", h.token.value_or("vt-" + std::to_string(++tokens_issued)),
                             visitor, conv, static_cast<std::int64_t>(stored.size())})};
    }
    std::vector<std::string> on(const Login& l, std::int64_t) {
        if (l.password != password)
            return {wire(ErrorFrame{ErrorCode::bad_credentials, "wrong e-mail or password", ""})};
        return {wire(Welcome{"agent", "st-" + std::to_string(++tokens_issued), agent, std::nullopt, 0}),
                wire(Inbox{{}})};
    }
    std::vector<std::string> on(const Send& s, std::int64_t ts) {
        if (fail_storage) return {wire(ErrorFrame{ErrorCode::storage_failed, "commit failed", s.cid})};
        for (const auto& m : stored)
            if (m.cid == s.cid) return {wire(Ack{s.conv, s.cid, m.seq, m.ts})};  // resend
        Message m{s.conv, static_cast<std::int64_t>(stored.size()) + 1, s.cid, ts, visitor, s.text};
        stored.push_back(m);
        return {wire(Ack{s.conv, s.cid, m.seq, ts}), wire(Msg{m})};
    }
    std::vector<std::string> on(const Sync& s, std::int64_t) {
        std::vector<std::string> out;
        for (const auto& m : stored)
            if (m.seq > s.after) out.push_back(wire(Msg{m}));
        out.push_back(wire(Synced{s.conv, static_cast<std::int64_t>(stored.size())}));
        return out;
    }
    std::vector<std::string> on(const History& h, std::int64_t) {
        Page p{h.conv, {}, false};
        const std::int64_t before = h.before.value_or(static_cast<std::int64_t>(stored.size()) + 1);
        for (const auto& m : stored)
            if (m.seq < before) p.msgs.push_back(m);
        if (static_cast<int>(p.msgs.size()) > h.limit) {
            p.msgs.erase(p.msgs.begin(), p.msgs.end() - h.limit);
            p.more = true;
        }
        return {wire(p)};
    }
    std::vector<std::string> on(const Ping& p, std::int64_t) { return {wire(Pong{p.n})}; }
    template <class F>
    std::vector<std::string> on(const F&, std::int64_t) {
        return {};  // typing, read, presence: nothing back to the sender
    }
};

}  // namespace parley::test
