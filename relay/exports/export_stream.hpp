// ExportStream: the API's exports (issue 18, docs/api.md "Exports"), sans-I/O. Every
// conversation or every message of a time range, as JSON Lines or CSV, produced a
// piece at a time: HttpResponse::stream calls next() each time the previous piece has
// gone out to the client, so an export of millions of rows holds one piece of memory
// and does one bounded slice of store reads per call on the shared event loop.
//
// Theory of operation
// -------------------
// The stream walks the store's conversations in the order they were stored
// (Store::scan_conversations: a position that never changes), kScanRows at a time, so
// it neither skips nor repeats one while chats go on. What it hands out:
//   conversations  each conversation created in [from, to) that has a message: its
//                  summary as GET /conversations/{id} gives it, plus `created`
//   messages       each message with ts in [from, to), internal notes included, of the
//                  conversations created before `to` and updated at or after `from`
//                  (no other can hold one), a page of kMessagePage at a time
// `to` is cut to the moment the export began, so what it holds is what was stored
// then: messages written while it runs are left for the next export.
//
// Bounds per next(): at most kRowsPerPiece rows out, kReadsPerPiece store rows read
// (messages outside the range count too), and about kPieceBytes of text (one row may
// go past it). A store error ends the stream with StreamStep::failed and the reason in
// `out`: the connection is then cut, so the client sees an incomplete export.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "net/http_message.hpp"
#include "parley/protocol/frames.hpp"
#include "store/store.hpp"

namespace parley::relay::exports {

enum class ExportKind { conversations, messages };
enum class ExportFormat { jsonl, csv };

struct ExportRange {
    std::int64_t from = 0;  // ms since the epoch, inclusive
    std::int64_t to = 0;    // ms, exclusive
};

class ExportStream {
public:
    // The routing view of a stored summary (state, owner, team): the Hub's api_describe.
    using Describe = std::function<protocol::ConvSummary(const protocol::ConvSummary&)>;

    // `store` outlives the stream; `now` is when the export began (ms).
    ExportStream(Store& store, Describe describe, ExportKind kind, ExportFormat format, ExportRange range,
                 std::int64_t now);

    // Appends the next piece to `out` (the CSV header line comes first).
    StreamStep next(std::string& out);

    std::uint64_t rows() const { return rows_; }  // rows handed out so far

    static constexpr int kScanRows = 200;
    static constexpr int kMessagePage = 100;
    static constexpr int kRowsPerPiece = 200;
    static constexpr int kReadsPerPiece = 500;
    static constexpr std::size_t kPieceBytes = 64 * 1024;

private:
    void conversation_row(const Store::StoredConversation& c, std::string& out);
    void message_row(const protocol::Message& m, std::string& out);

    Store& store_;
    Describe describe_;
    ExportKind kind_;
    ExportFormat format_;
    ExportRange range_;
    bool header_sent_ = false;
    // Where the walk is: the scan's position and rows, the conversation being read and
    // the last message seq read of it.
    std::int64_t position_ = 0;
    bool scan_done_ = false;
    std::vector<Store::StoredConversation> batch_;
    std::size_t in_batch_ = 0;
    std::int64_t after_seq_ = 0;
    std::uint64_t rows_ = 0;
};

// The CSV header line of an export (with its line break).
std::string csv_header(ExportKind kind);

// "2026-12-07T21:47:16.123Z".
std::string utc_time(std::int64_t ms);

}  // namespace parley::relay::exports
