// Inbox search (issue 17, docs/protocol.md §4 "Inbox search"): an agent's `search` frame
// pages back through the stored conversations of one status, newest first, and answers
// `found` with those the agent may look at (core/access_rule.hpp) whose visitor name,
// claimed name or e-mail, last text or message text contains the query.
//
// Theory of operation. The live inbox holds what is open for the agent; closed
// conversations, and text beyond the last message, are only in the store, so a search
// reads the store — on the event loop, so its work per frame is bounded:
//   - at most kSearchScanConversations conversations are looked at per frame (each is a
//     row, its routing view and its contact), and at most kSearchScanMessages messages
//     read (each conversation's newest kSearchMessagesPerConversation at most: older text
//     is not searched), in pages of kStoreReadMessages;
//   - a conversation is read whole or not at all: when the messages left in the budget
//     do not cover it, the frame stops before it (one conversation always fits a fresh
//     budget, so every frame makes progress);
//   - the answer stays under kMaxFrameBytes (summaries hold up to 8 000 bytes of text);
//   - one search per connection per kSearchIntervalMs, else 4029 rate_limited.
// The answer's cursor names the last conversation looked at ("<updated>.<conv>"); the
// client asks again with it to go on, and gets no cursor once the oldest was reached.
// Why not an index of the text: the store may seal text at rest (store/column_sealer.hpp),
// so only the relay, holding the key, can read it; a full-text index would be a second,
// unsealed copy of every message.
// Matching is a substring test of the folded query in each folded text (core/text_fold.hpp:
// Unicode full case folding and NFC, accents kept, so "élodie" finds "ÉLODIE" and
// "strasse" finds "Straße", but "elodie" does not find "Élodie"). Each text is folded
// once, when it is looked at; folding is linear in the text, so the bounds above bound it
// too (at most kSearchScanMessages texts of kMaxTextBytes each: ~16 MB, which takes about
// 0.2 s of one core when every byte is Cyrillic or accented, a few ms when it is ASCII,
// which takes a fast path). A byte budget per frame would cut that worst case further;
// not taken while one frame reading 2 000 full messages is itself the rare case.
// Searches are not audited: they show what the inbox already shows the agent (summaries),
// and opening a found conversation is a history read, audited as any (hub.cpp).

#include <charconv>
#include <climits>

#include "core/hub.hpp"
#include "core/text_fold.hpp"
#include "parley/protocol/codec.hpp"

namespace parley::relay {

namespace p = protocol;
using p::ErrorCode;

namespace {

// `needle` is folded already (fold_case), once per frame.
bool contains(std::string_view text, const std::string& needle) {
    return needle.empty() || fold_case(text).find(needle) != std::string::npos;
}

struct Cursor {
    std::int64_t updated = INT64_MAX;
    std::string conv;
};

std::string format_cursor(const Cursor& c) { return std::to_string(c.updated) + "." + c.conv; }

// "<updated>.<conv>" as format_cursor writes it; none for anything else.
std::optional<Cursor> parse_cursor(const std::string& text) {
    if (text.empty()) return Cursor{};
    const auto dot = text.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == text.size()) return std::nullopt;
    Cursor c;
    const char* end = text.data() + dot;
    auto [ptr, ec] = std::from_chars(text.data(), end, c.updated);
    if (ec != std::errc{} || ptr != end) return std::nullopt;
    c.conv = text.substr(dot + 1);
    return c;
}

}  // namespace

void Hub::handle(ConnId id, Conn& c, const p::Search& f, std::int64_t now) {
    if (c.party.role != "agent") return send_error(id, ErrorCode::forbidden, "only agents may search conversations");
    if (now < c.next_search) {
        p::ErrorFrame e{ErrorCode::rate_limited, "one search at a time; retry later", {}, c.next_search - now};
        e.frame = "search";
        return send(id, e);
    }
    c.next_search = now + kSearchIntervalMs;
    const auto start = parse_cursor(f.cursor);
    if (!start) return send_error(id, ErrorCode::bad_field, "bad field: cursor");

    const std::string q = fold_case(f.q);
    const Viewer viewer = viewer_of(c);
    p::Found out{f.q, f.status, {}, ""};
    std::size_t bytes = p::encode(out).size() + 64;  // the cursor, to come
    Cursor at = *start;
    int rows_left = kSearchScanConversations;
    int messages_left = kSearchScanMessages;
    bool complete = false;  // the oldest conversation was looked at
    bool stop = false;

    // Whether the conversation's messages (its newest kSearchMessagesPerConversation)
    // hold the query; reads them newest first, counted against the budget.
    auto text_matches = [&](const p::ConvSummary& s) -> Result<bool> {
        std::int64_t before = s.last_seq + 1;
        int left = kSearchMessagesPerConversation;
        while (left > 0 && before > 1) {
            auto page = store_.messages_before(s.conv, before, std::min(left, kStoreReadMessages));
            if (!page) return page.error();
            if (page.value().empty()) break;
            messages_left -= static_cast<int>(page.value().size());
            left -= static_cast<int>(page.value().size());
            for (const p::Message& m : page.value())
                if (contains(m.text, q)) return true;
            before = page.value().front().seq;
        }
        return false;
    };

    while (!stop && !complete) {
        const int ask = std::min(rows_left, 50);
        auto page = store_.conversations_before(f.status, at.updated, at.conv, ask);
        if (!page) return send_error(id, page.error());
        if (static_cast<int>(page.value().size()) < ask) complete = true;
        for (p::ConvSummary& s : page.value()) {
            // Budgets first: what is not looked at now is looked at by the next frame.
            const int needs = q.empty() ? 0 : static_cast<int>(std::min<std::int64_t>(s.last_seq, kSearchMessagesPerConversation));
            if (static_cast<std::int64_t>(out.convs.size()) >= f.limit || rows_left == 0 ||
                (needs > messages_left && messages_left < kSearchScanMessages)) {
                stop = true;
                complete = false;
                break;
            }
            --rows_left;
            const Cursor here{s.updated, s.conv};
            ConvFacts facts{s.conv, true, route_view(s.conv)};
            if (access_level(viewer, facts) == AccessLevel::none) {
                at = here;
                continue;
            }
            route_summary(s);  // routing fields and the contact, as `conv` frames carry them
            bool match = contains(s.visitor.name, q) || contains(s.last_text, q) ||
                         (s.contact && (contains(s.contact->name, q) || contains(s.contact->email, q)));
            if (!match) {
                auto read = text_matches(s);
                if (!read) return send_error(id, read.error());
                match = read.value();
            }
            if (match) {
                const std::size_t size = p::encode(p::ConvUpdate{s}).size();
                if (bytes + size > p::kMaxFrameBytes) {  // the next frame starts with it
                    stop = true;
                    complete = false;
                    break;
                }
                bytes += size;
                out.convs.push_back(std::move(s));
            }
            at = here;
        }
        if (rows_left == 0) stop = true;
    }
    if (!complete) out.cursor = format_cursor(at);
    send(id, out);
}

}  // namespace parley::relay
