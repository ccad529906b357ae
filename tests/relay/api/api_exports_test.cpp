// The API's exports (docs/api.md "Exports", exports/export_stream.hpp): every
// conversation or message of a time range as JSON Lines or CSV, streamed a bounded
// piece at a time, a few at once.
#include <catch2/catch.hpp>

#include <set>

#include "api_harness.hpp"
#include "core/audit_log.hpp"
#include "exports/export_stream.hpp"

namespace {

using exports::ExportStream;

// Every piece of a streamed answer, as the exchange would ask for them; fails the test
// on a piece above the documented bounds.
std::vector<std::string> pieces_of(HttpResponse& r) {
    REQUIRE(r.status == 200);
    REQUIRE(r.stream);
    CHECK(r.body.empty());
    std::vector<std::string> out;
    for (int calls = 0;; ++calls) {
        REQUIRE(calls < 100000);
        std::string piece;
        const StreamStep step = r.stream(piece);
        REQUIRE(step != StreamStep::failed);
        out.push_back(std::move(piece));
        if (step == StreamStep::done) return out;
    }
}

std::string whole(HttpResponse& r) {
    std::string all;
    for (const std::string& piece : pieces_of(r)) all += piece;
    return all;
}

std::vector<json::Value> jsonl(const std::string& text) {
    std::vector<json::Value> rows;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t end = text.find('\n', at);
        REQUIRE(end != std::string::npos);  // every row ends with a line break
        auto doc = json::parse(text.substr(at, end - at));
        INFO(text.substr(at, end - at));
        REQUIRE(doc);
        rows.push_back(*doc);
        at = end + 1;
    }
    return rows;
}

bool ends_with(const std::string& text, const std::string& end) {
    return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t end = text.find("\r\n", at);
        REQUIRE(end != std::string::npos);
        out.push_back(text.substr(at, end - at));
        at = end + 2;
    }
    return out;
}

}  // namespace

TEST_CASE("an export of messages holds every message of the range, internal notes included, as JSON Lines",
          "[api][exports]") {
    ApiHarness a;
    const std::int64_t t0 = a.h.now;
    std::string early, late;
    a.conversation(early, "before the range");
    a.h.now += 60'000;
    const std::int64_t from = a.h.now;
    const ConnId v = a.conversation(late, "in the range");
    a.h.send(v, p::Send{late, "v.2", "me again"});
    a.h.drain(v);
    a.h.now += 60'000;
    const std::int64_t to = a.h.now;
    a.h.send(v, p::Send{late, "v.3", "after the range"});
    a.h.drain(v);
    REQUIRE(to > t0);

    auto r = a.call("GET", "/api/v1/exports/messages", a.read_key,
                    {{"from", std::to_string(from)}, {"to", std::to_string(to)}});
    CHECK(r.content_type == "application/x-ndjson");
    CHECK(header(r, "content-disposition") ==
          "attachment; filename=\"parley-messages-" + std::to_string(from) + "-" + std::to_string(to) + ".jsonl\"");
    const auto rows = jsonl(whole(r));
    REQUIRE(rows.size() == 2);
    for (const auto& row : rows) {
        CHECK(row.find("conversation")->as_string() == late);
        CHECK(row.find("ts")->as_int() >= from);
        CHECK(row.find("ts")->as_int() < to);
        CHECK(row.find("from")->find("role")->as_string() == "visitor");
    }
    CHECK(rows[0].find("text")->as_string() == "in the range");
    CHECK(rows[1].find("text")->as_string() == "me again");

    // Without a range: everything stored when the export began.
    auto all = a.call("GET", "/api/v1/exports/messages", a.read_key);
    CHECK(jsonl(whole(all)).size() == 4);
}

TEST_CASE("an export as CSV has a header line, quotes what needs it, and defuses formulas a visitor wrote",
          "[api][exports]") {
    ApiHarness a;
    std::string conv;
    const ConnId v = a.conversation(conv, "=HYPERLINK(\"http://evil.example\",\"click\")");
    a.h.send(v, p::Send{conv, "v.2", "one, two"});
    a.h.drain(v);

    auto r = a.call("GET", "/api/v1/exports/messages", a.read_key, {{"format", "csv"}});
    CHECK(r.content_type == "text/csv; charset=utf-8");
    const auto rows = lines(whole(r));
    REQUIRE(rows.size() == 3);
    CHECK(rows[0] == "conversation,seq,ts,time,from_role,from_id,from_name,internal,intent,text");
    CHECK(rows[1].find(conv + ",1,") == 0);
    // The apostrophe keeps a spreadsheet from running it; the quotes are doubled.
    CHECK(ends_with(rows[1], ",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""));
    CHECK(ends_with(rows[2], ",\"one, two\""));
    r = HttpResponse{};  // the export's slot is free again

    // Accept: text/csv asks for CSV too; ?format wins over it.
    HttpRequest q;
    q.method = "GET";
    q.path = "/api/v1/exports/conversations";
    q.authorization = "Bearer " + a.read_key;
    q.accept = "text/csv";
    CHECK(a.service.handle(q, a.h.now).content_type == "text/csv; charset=utf-8");
    q.query = {{"format", "jsonl"}};
    CHECK(a.service.handle(q, a.h.now).content_type == "application/x-ndjson");
}

TEST_CASE("an export of conversations holds those opened in the range that have a message, with their routing",
          "[api][exports]") {
    ApiHarness a;
    std::string first, second;
    a.conversation(first);
    a.h.now += 86'400'000;  // the next day
    const std::int64_t day_two = a.h.now;
    a.conversation(second);
    p::Welcome w;
    a.h.visitor(&w);  // opened the widget, wrote nothing: nobody's work, not exported

    auto r = a.call("GET", "/api/v1/exports/conversations", a.read_key, {{"from", std::to_string(day_two)}});
    const auto rows = jsonl(whole(r));
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].find("id")->as_string() == second);
    CHECK(rows[0].find("created")->as_int() >= day_two);
    CHECK(rows[0].find("last_seq")->as_int() == 1);
    CHECK(rows[0].find("status")->as_string() == "open");
    CHECK(rows[0].find("state"));

    auto csv = a.call("GET", "/api/v1/exports/conversations", a.read_key, {{"format", "csv"}});
    const auto csv_rows = lines(whole(csv));
    REQUIRE(csv_rows.size() == 3);
    CHECK(csv_rows[0] ==
          "id,created,created_at,updated,updated_at,status,state,agent,team,intent,visitor_id,visitor_name,messages");
    CHECK(csv_rows[1].find(first + ",") == 0);
    CHECK(csv_rows[2].find(second + ",") == 0);
}

TEST_CASE("a long export comes in bounded pieces and leaves out what was written after it began",
          "[api][exports]") {
    ApiHarness a;
    // Straight into the store (the Hub's quotas would slow a visitor this busy): 450
    // messages in one conversation and 300 conversations of one message each.
    Store& store = a.h.store;
    auto message = [&](const std::string& conv, const std::string& visitor, int i, const std::string& text) {
        REQUIRE(store.append_message(NewMessage{conv, "c" + std::to_string(i), p::Party{"visitor", visitor, "V"}, text,
                                                a.h.now - 1000}).ok());
    };
    REQUIRE(store.create_visitor(Visitor{"v_big", "V", a.h.now}).ok());
    REQUIRE(store.create_conversation("c_big", "v_big", a.h.now - 5000).ok());
    for (int i = 0; i < 450; ++i) message("c_big", "v_big", i, "m" + std::to_string(i));
    for (int i = 0; i < 300; ++i) {
        const std::string n = std::to_string(i);
        REQUIRE(store.create_visitor(Visitor{"v_" + n, "V", a.h.now}).ok());
        REQUIRE(store.create_conversation("c_" + n, "v_" + n, a.h.now - 5000).ok());
        message("c_" + n, "v_" + n, 0, "hello");
    }
    auto r = a.call("GET", "/api/v1/exports/messages", a.read_key);
    // A message written after the export began (its clock) is not in it.
    a.h.now += 1000;
    REQUIRE(store.append_message(NewMessage{"c_big", "late", p::Party{"visitor", "v_big", "V"}, "too late", a.h.now})
                .ok());

    const auto pieces = pieces_of(r);
    std::size_t total = 0;
    std::set<std::pair<std::string, long long>> keys;
    for (const std::string& piece : pieces) {
        const auto rows = jsonl(piece);
        CHECK(rows.size() <= static_cast<std::size_t>(ExportStream::kRowsPerPiece + ExportStream::kMessagePage));
        total += rows.size();
        for (const auto& row : rows) {
            CHECK(row.find("text")->as_string() != "too late");
            keys.emplace(row.find("conversation")->as_string(), row.find("seq")->as_int());
        }
    }
    CHECK(total == 750);
    CHECK(keys.size() == 750);  // none twice
    CHECK(pieces.size() >= 4);
}

TEST_CASE("a key may stream two exports at once and the relay four; a slot comes back when its stream ends",
          "[api][exports]") {
    ApiHarness a;
    std::string conv;
    a.conversation(conv);
    const std::string other = a.make_key("other", api::Scope::read);
    const std::string third = a.make_key("third", api::Scope::read);

    auto one = a.call("GET", "/api/v1/exports/messages", a.read_key);
    auto two = a.call("GET", "/api/v1/exports/messages", a.read_key);
    REQUIRE(one.status == 200);
    REQUIRE(two.status == 200);
    auto refused = a.call("GET", "/api/v1/exports/messages", a.read_key);
    CHECK(refused.status == 429);
    CHECK(problem_type(refused) == "https://parley.dev/problems/rate-limited");
    CHECK(header(refused, "retry-after") == "10");

    auto three = a.call("GET", "/api/v1/exports/conversations", other);
    auto four = a.call("GET", "/api/v1/exports/conversations", a.write_key);
    REQUIRE(three.status == 200);
    REQUIRE(four.status == 200);
    CHECK(a.call("GET", "/api/v1/exports/messages", third).status == 429);  // the relay's four

    one = HttpResponse{};  // the connection ended: its producer is dropped
    CHECK(a.call("GET", "/api/v1/exports/messages", third).status == 200);
}

TEST_CASE("an export's bad range or format is refused with a problem document, and each export is audited",
          "[api][exports]") {
    ApiHarness a;
    auto bad = [&](std::vector<std::pair<std::string, std::string>> query) {
        auto r = a.call("GET", "/api/v1/exports/messages", a.read_key, std::move(query));
        CHECK(r.status == 400);
        CHECK_FALSE(r.stream);
        return problem_type(r);
    };
    CHECK(bad({{"from", "yesterday"}}) == "https://parley.dev/problems/bad-request");
    CHECK(bad({{"to", "2026-13-01"}}) == "https://parley.dev/problems/bad-request");
    CHECK(bad({{"from", "2026-12-02"}, {"to", "2026-12-01"}}) == "https://parley.dev/problems/bad-request");
    CHECK(bad({{"format", "xml"}}) == "https://parley.dev/problems/bad-request");

    // Dates are whole UTC days: to=2026-12-01 includes that day.
    auto r = a.call("GET", "/api/v1/exports/messages", a.read_key,
                    {{"from", "2026-12-01"}, {"to", "2026-12-01"}, {"format", "csv"}});
    CHECK(r.status == 200);
    CHECK(header(r, "content-disposition") == "attachment; filename=\"parley-messages-2026-12-01-2026-12-01.csv\"");
    auto entries = a.h.store.audit_after(0, 100).value();
    REQUIRE_FALSE(entries.empty());
    CHECK(entries.back().action == audit::kApiExport);
    CHECK(entries.back().actor_role == "api_key");
    CHECK(entries.back().detail == "messages csv 2026-12-01..2026-12-01");
}
