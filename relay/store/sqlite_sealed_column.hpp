// A sealed column of a SQLite store (P7, store/column_sealer.hpp): bound as sealed bytes
// (a BLOB) when the sealer has a data key, as plain TEXT without one, and read back
// whichever it is (a store sealed part-way holds both). Shared by SqliteStore and
// SqliteWebhookStore, which seal with the same ColumnSealer on one connection.
#pragma once

#include <string>
#include <string_view>

#include "store/column_sealer.hpp"
#include "store/sqlite_statement.hpp"

namespace parley::relay {

// A column value borrowed from the statement's row (valid until its next step).
struct StoredView {
    bool blob = false;  // sealed bytes; else plain text
    std::string_view bytes;
};
StoredView stored_view(sqlite3_stmt* s, int column);

void bind_sealed(ColumnSealer& sealer, SqliteStatement& s, int i, const std::string& plain,
                 const std::string& binding);
// The column's text; storage_failed naming the column when it does not open.
Result<std::string> open_sealed(const ColumnSealer& sealer, sqlite3_stmt* s, int column, const std::string& binding);

}  // namespace parley::relay
