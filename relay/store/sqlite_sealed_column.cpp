#include "store/sqlite_sealed_column.hpp"

#include <sqlite3.h>

namespace parley::relay {

StoredView stored_view(sqlite3_stmt* s, int column) {
    const bool blob = sqlite3_column_type(s, column) == SQLITE_BLOB;
    const void* p = blob ? sqlite3_column_blob(s, column) : sqlite3_column_text(s, column);
    return {blob, std::string_view(p ? static_cast<const char*>(p) : "",
                                   static_cast<std::size_t>(sqlite3_column_bytes(s, column)))};
}

void bind_sealed(ColumnSealer& sealer, SqliteStatement& s, int i, const std::string& plain,
                 const std::string& binding) {
    if (auto sealed = sealer.seal(plain, binding)) s.bind_blob(i, *sealed);
    else s.bind(i, plain);
}

Result<std::string> open_sealed(const ColumnSealer& sealer, sqlite3_stmt* s, int column, const std::string& binding) {
    const StoredView stored = stored_view(s, column);
    auto opened = sealer.open(stored.bytes, stored.blob, binding);
    if (!opened) return storage_error(std::string(sqlite3_column_name(s, column)) + ": " + opened.error().detail);
    return opened;
}

}  // namespace parley::relay
