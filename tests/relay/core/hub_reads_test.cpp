// Bulk answers (hub_reads.cpp): sync and history are produced as the connection drains,
// a bounded chunk per Hub::pump, in order, and never overtaken by a live msg. The
// harness plays an adapter whose client reads only when the test says (auto_drain off).
#include <catch2/catch.hpp>

#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
namespace p = parley::protocol;
using p::ErrorCode;

namespace {

// The largest frame one message can make: 8 000 bytes of text, escaped, plus the rest.
constexpr std::size_t kOneMessageMax = 8000 * 6 + 1024;

std::string text_of(int i, std::size_t size) {
    std::string t = "m" + std::to_string(i) + " ";
    t.resize(size, 'x');
    return t;
}

// Long conversations hold more text than a visitor may store in a day (core/quotas.hpp).
HubConfig without_byte_quota() {
    HubConfig c = HubHarness::config();
    c.quotas.visitor_bytes_per_day = 0;
    return c;
}

// A visitor whose conversation holds `n` messages of `size` bytes; conv in `conv`.
ConnId long_conversation(HubHarness& h, int n, std::size_t size, std::string& conv,
                         std::string* token = nullptr) {
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    conv = *w.conv;
    if (token) *token = w.token;
    for (int i = 1; i <= n; ++i) h.send(v, p::Send{conv, "k" + std::to_string(i), text_of(i, size)});
    h.drain(v);
    return v;
}

}  // namespace

TEST_CASE("a long sync comes out in bounded chunks, in order and complete, then synced", "[hub][sync][reads]") {
    HubHarness h(without_byte_quota());
    std::string conv;
    const ConnId v = long_conversation(h, 300, 7000, conv);  // ~2.1 MB of messages
    h.auto_drain = false;

    h.send(v, p::Sync{conv, 0});
    CHECK(h.idle(v));  // nothing is built before the connection has room
    REQUIRE(h.pulling.count(v) == 1);

    std::int64_t expected = 1;
    int chunks = 0;
    bool synced = false;
    while (!synced) {
        REQUIRE(h.pulling.count(v) == 1);
        const std::size_t bytes = h.pull_chunk(v);
        ++chunks;
        CHECK(bytes <= Hub::kPumpBytes + kOneMessageMax);
        while (!h.idle(v) && !synced) {
            auto& front = h.received[v].front();
            if (std::holds_alternative<p::Synced>(front)) {
                CHECK(std::get<p::Synced>(front).last_seq == 300);
                synced = true;
            } else {
                auto m = h.next<p::Msg>(v);
                CHECK(m.message.seq == expected);
                CHECK(m.message.text == text_of(static_cast<int>(expected), 7000));
                ++expected;
                continue;
            }
            h.received[v].pop_front();
        }
    }
    CHECK(expected == 301);
    CHECK(chunks >= 300 * 7000 / static_cast<int>(Hub::kPumpBytes + kOneMessageMax));
    CHECK(h.pulling.count(v) == 0);  // done: nothing more to pump
    CHECK(h.idle(v));
}

TEST_CASE("a live message does not overtake a sync streaming on the same connection", "[hub][sync][reads]") {
    HubHarness h;
    std::string conv, token;
    const ConnId reader = long_conversation(h, 100, 7000, conv, &token);
    const ConnId writer = h.visitor(nullptr, token);  // the same visitor, another tab
    h.auto_drain = false;

    h.send(reader, p::Sync{conv, 0});
    h.pull_chunk(reader);
    std::vector<std::int64_t> seqs;
    auto take_msgs = [&] {
        while (!h.idle(reader) && std::holds_alternative<p::Msg>(h.received[reader].front()))
            seqs.push_back(h.next<p::Msg>(reader).message.seq);
    };
    take_msgs();
    REQUIRE(seqs.size() < 100);  // the stream is under way

    h.send(writer, p::Send{conv, "late", "written during the sync"});
    CHECK(h.next<p::Ack>(writer).seq == 101);
    CHECK(h.next<p::Msg>(writer).message.seq == 101);  // other connections: live as ever
    CHECK(h.idle(reader));                              // the reader: not separately

    while (h.pulling.count(reader)) {
        h.pull_chunk(reader);
        take_msgs();
    }
    CHECK(h.next<p::Synced>(reader).last_seq == 101);  // the stream read on to the end
    std::vector<std::int64_t> all(101);
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::int64_t>(i) + 1;
    CHECK(seqs == all);

    SECTION("once synced, live delivery resumes") {
        h.send(writer, p::Send{conv, "after", "after the sync"});
        CHECK(h.next<p::Msg>(reader).message.seq == 102);
    }
}

TEST_CASE("too many pending syncs and histories on one connection get 4040 with retry_after_ms",
          "[hub][sync][reads]") {
    HubHarness h;
    std::string conv;
    const ConnId v = long_conversation(h, 3, 10, conv);
    h.auto_drain = false;

    for (std::size_t i = 0; i < Hub::kMaxPendingReads; ++i) {
        if (i % 2) h.send(v, p::Sync{conv, 0});
        else h.send(v, p::History{conv, std::nullopt, 50});
    }
    CHECK(h.idle(v));  // all accepted, none answered yet

    h.send(v, p::Sync{conv, 0});
    auto refused = h.error(v);
    CHECK(refused.code == ErrorCode::too_many_reads);
    CHECK(static_cast<int>(refused.code) == 4040);
    CHECK(refused.retry_after_ms == std::optional<std::int64_t>(Hub::kReadsRetryAfterMs));
    CHECK(refused.frame == "sync");  // no cid: the error names the refused frame
    CHECK(refused.conv == conv);
    h.send(v, p::History{conv, std::nullopt, 50});
    auto history_refused = h.error(v);
    CHECK(history_refused.code == ErrorCode::too_many_reads);
    CHECK(history_refused.frame == "history");
    CHECK(history_refused.conv == conv);

    SECTION("answered in the order asked, after which reads are accepted again") {
        while (h.pulling.count(v)) h.pull_chunk(v);
        for (std::size_t i = 0; i < Hub::kMaxPendingReads; ++i) {
            if (i % 2) {
                for (int s = 1; s <= 3; ++s) CHECK(h.next<p::Msg>(v).message.seq == s);
                CHECK(h.next<p::Synced>(v).last_seq == 3);
            } else {
                CHECK(h.next<p::Page>(v).msgs.size() == 3);
            }
        }
        CHECK(h.idle(v));
        h.send(v, p::Sync{conv, 2});
        h.pull_chunk(v);
        CHECK(h.next<p::Msg>(v).message.seq == 3);
        CHECK(h.next<p::Synced>(v).last_seq == 3);
    }
}

TEST_CASE("a history page of long messages stops below the frame limit and says more", "[hub][history][reads]") {
    HubHarness h(without_byte_quota());
    std::string conv;
    const ConnId v = long_conversation(h, 200, 7000, conv);  // 200 × 7 000: 1.4 MB

    std::int64_t before = 201;
    std::int64_t pages = 0;
    bool more = true;
    while (more) {
        h.send(v, p::History{conv, before, 200});
        auto page = h.next<p::Page>(v);
        ++pages;
        REQUIRE_FALSE(page.msgs.empty());
        CHECK(p::encode(page).size() <= p::kMaxFrameBytes);  // decodable by every client
        for (std::size_t i = 0; i < page.msgs.size(); ++i)  // the newest below `before`, in order
            CHECK(page.msgs[i].seq == before - static_cast<std::int64_t>(page.msgs.size() - i));
        before = page.msgs.front().seq;
        more = page.more;
        CHECK(more == (before > 1));
    }
    CHECK(pages > 1);
}

TEST_CASE("a connection that closes mid-sync leaves nothing behind", "[hub][sync][reads]") {
    HubHarness h;
    std::string conv;
    const ConnId v = long_conversation(h, 50, 7000, conv);
    h.auto_drain = false;
    h.send(v, p::Sync{conv, 0});
    h.pull_chunk(v);
    h.close(v);
    CHECK_FALSE(h.hub.pump(v, h.now));  // gone: nothing pending, no output
    CHECK(h.hub.take_outputs().empty());
}
