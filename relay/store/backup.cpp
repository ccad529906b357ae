#include "store/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "core/rich_parts.hpp"
#include "store/store.hpp"

namespace parley::relay {
namespace {

namespace fs = std::filesystem;

// One sqlite3 handle, closed however the function returns.
struct Db {
    sqlite3* db = nullptr;
    ~Db() { sqlite3_close(db); }
    std::string error() const { return db ? sqlite3_errmsg(db) : "out of memory"; }
};

Result<std::int64_t> single_integer(sqlite3* db, const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK)
        return storage_error(std::string("cannot read the backup: ") + sqlite3_errmsg(db));
    const int rc = sqlite3_step(stmt);
    const std::int64_t value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW) return storage_error(std::string("cannot read the backup: ") + sqlite3_errmsg(db));
    return value;
}

// quick_check, then what the database holds. `what` names the file in errors.
Result<BackupFacts> check_database(sqlite3* db, const std::string& what) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &stmt, nullptr) != SQLITE_OK)
        return storage_error(what + " is not a Parley database: " + sqlite3_errmsg(db));
    std::string verdict;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        const unsigned char* text = sqlite3_column_text(stmt, 0);
        verdict = text ? reinterpret_cast<const char*>(text) : "";
    } else {
        verdict = sqlite3_errmsg(db);
    }
    sqlite3_finalize(stmt);
    if (verdict != "ok") return storage_error(what + " fails its integrity check: " + verdict);
    BackupFacts facts;
    auto version = single_integer(db, "PRAGMA user_version");
    if (!version) return version.error();
    facts.schema_version = static_cast<int>(version.value());
    if (facts.schema_version == 0) return storage_error(what + " is not a Parley database (no schema version)");
    auto conversations = single_integer(db, "SELECT count(*) FROM conversations");
    if (!conversations) return conversations.error();
    auto messages = single_integer(db, "SELECT count(*) FROM messages");
    if (!messages) return messages.error();
    facts.conversations = conversations.value();
    facts.messages = messages.value();
    return facts;
}

Status sync_path(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return storage_error("cannot open " + path + ": " + std::strerror(errno));
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0) return storage_error("cannot sync " + path + ": " + std::strerror(err));
    return Ok{};
}

Status sync_dir(const fs::path& dir) { return sync_path(dir.string(), O_RDONLY | O_DIRECTORY); }

// Copies a file as `to` (mode 0600), synced: the temporary name until it is whole.
Status copy_synced(const fs::path& from, const fs::path& to) {
    const fs::path partial = to.string() + ".partial";
    std::error_code ec;
    fs::remove(partial, ec);
    fs::copy_file(from, partial, fs::copy_options::overwrite_existing, ec);
    if (ec) return storage_error("cannot copy " + from.string() + " to " + partial.string() + ": " + ec.message());
    fs::permissions(partial, fs::perms::owner_read | fs::perms::owner_write, ec);
    if (Status s = sync_path(partial.string(), O_RDONLY); !s) return s;
    fs::rename(partial, to, ec);
    if (ec) return storage_error("cannot rename " + partial.string() + ": " + ec.message());
    return sync_dir(to.parent_path());
}

Status make_private_dir(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return storage_error("cannot create " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
    return Ok{};
}

// The ids of the attachment records in `db` (none before schema step 14).
Result<std::vector<std::string>> attachment_ids(sqlite3* db) {
    std::vector<std::string> ids;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT id FROM attachments", -1, &stmt, nullptr) != SQLITE_OK) return ids;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        ids.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) return storage_error(std::string("cannot list attachments: ") + sqlite3_errmsg(db));
    return ids;
}

// Copies the files of `ids` from `from` into `to` (a new private directory), synced.
// A file missing from `from` (erased after the snapshot) is skipped. The count copied.
Result<std::int64_t> copy_attachments(const std::vector<std::string>& ids, const fs::path& from, const fs::path& to) {
    std::int64_t copied = 0;
    if (ids.empty()) return copied;
    if (Status s = make_private_dir(to); !s) return s.error();
    std::error_code ec;
    for (const std::string& id : ids) {
        if (!rich::is_attachment_id(id)) continue;  // never a path of another file
        if (!fs::exists(from / id, ec)) continue;
        if (Status s = copy_synced(from / id, to / id); !s) return s.error();
        ++copied;
    }
    return copied;
}

}  // namespace

Result<BackupFacts> backup_data_dir(const std::string& data_dir, const std::string& visitor_key_file,
                                    const std::string& target_dir) {
    const fs::path source = fs::path(data_dir) / "parley.db";
    const fs::path target(target_dir);
    std::error_code ec;
    if (!fs::exists(source, ec)) return storage_error("no database to back up: " + source.string() + " does not exist");
    if (fs::exists(target, ec) && !(fs::is_directory(target, ec) && fs::is_empty(target, ec)))
        return storage_error("the backup directory " + target_dir + " exists and is not empty: name a new one");
    if (Status s = make_private_dir(target); !s) return s.error();

    // Read-write without CREATE: a read-only handle on a WAL database needs its -shm
    // writable anyway, and nothing here writes. The relay may hold a write lock for a
    // commit: wait for it rather than fail.
    Db from;
    if (sqlite3_open_v2(source.c_str(), &from.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
        return storage_error("cannot open " + source.string() + ": " + from.error());
    sqlite3_busy_timeout(from.db, 5000);

    const fs::path partial = target / "parley.db.partial";
    Db to;
    if (sqlite3_open_v2(partial.c_str(), &to.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK)
        return storage_error("cannot create " + partial.string() + ": " + to.error());
    sqlite3_backup* copy = sqlite3_backup_init(to.db, "main", from.db, "main");
    if (!copy) return storage_error("cannot start the backup: " + to.error());
    // All pages in one step: one read transaction, so the copy is one commit's state.
    int rc;
    for (int tries = 0;; ++tries) {
        rc = sqlite3_backup_step(copy, -1);
        if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || tries >= 100) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    sqlite3_backup_finish(copy);
    if (rc != SQLITE_DONE) return storage_error("the backup did not complete: " + std::string(sqlite3_errstr(rc)));
    auto facts = check_database(to.db, partial.string());
    if (!facts) return facts.error();
    auto ids = attachment_ids(to.db);
    if (!ids) return ids.error();
    sqlite3_close(to.db);
    to.db = nullptr;

    if (Status s = sync_path(partial.string(), O_RDONLY); !s) return s.error();
    fs::rename(partial, target / "parley.db", ec);
    if (ec) return storage_error("cannot rename " + partial.string() + ": " + ec.message());
    if (Status s = sync_dir(target); !s) return s.error();

    auto copied = copy_attachments(ids.value(), fs::path(data_dir) / "attachments", target / "attachments");
    if (!copied) return copied.error();
    facts.value().attachments = copied.value();

    if (!visitor_key_file.empty() && fs::exists(visitor_key_file, ec)) {
        if (Status s = make_private_dir(target / "keys"); !s) return s.error();
        if (Status s = copy_synced(visitor_key_file, target / "keys" / "visitor-token.key"); !s) return s.error();
        facts.value().visitor_keys = true;
    }
    return facts;
}

Result<BackupFacts> restore_data_dir(const std::string& backup_dir, const std::string& data_dir,
                                     const std::string& visitor_key_file, int max_schema_version,
                                     std::int64_t now_ms) {
    const fs::path backup = fs::path(backup_dir) / "parley.db";
    std::error_code ec;
    if (!fs::exists(backup, ec)) return storage_error("not a Parley backup: " + backup.string() + " does not exist");

    Result<BackupFacts> facts = storage_error("unchecked");
    {
        Db db;
        if (sqlite3_open_v2(backup.c_str(), &db.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
            return storage_error("cannot open " + backup.string() + ": " + db.error());
        facts = check_database(db.db, backup.string());
        if (!facts) return facts.error();
    }
    if (facts.value().schema_version > max_schema_version)
        return storage_error(backup.string() + " was written by a newer relay (schema " +
                             std::to_string(facts.value().schema_version) + ", this relay knows " +
                             std::to_string(max_schema_version) + "): restore it with that version or later");

    const fs::path dir(data_dir);
    if (Status s = make_private_dir(dir); !s) return s.error();
    const fs::path live = dir / "parley.db";
    const fs::path incoming = dir / "parley.db.restoring";
    if (Status s = copy_synced(backup, incoming); !s) return s.error();

    // What is replaced keeps its WAL beside it under the same new name (SQLite finds a
    // database's log as NAME-wal), so it can still be opened; the -shm is derived.
    if (fs::exists(live, ec)) {
        const std::string aside = live.string() + ".replaced-" + std::to_string(now_ms);
        fs::rename(live, aside, ec);
        if (ec) return storage_error("cannot move " + live.string() + " aside: " + ec.message());
        if (fs::exists(live.string() + "-wal", ec)) fs::rename(live.string() + "-wal", aside + "-wal", ec);
        if (ec) return storage_error("cannot move " + live.string() + "-wal aside: " + ec.message());
        fs::remove(live.string() + "-shm", ec);
        facts.value().replaced = aside;
    }
    fs::remove(live.string() + "-wal", ec);  // a stray log must never be applied to the restored file
    fs::remove(live.string() + "-shm", ec);
    fs::rename(incoming, live, ec);
    if (ec) return storage_error("cannot put the restored database in place: " + ec.message());
    if (Status s = sync_dir(dir); !s) return s.error();

    // The backup's attachment files in place of the directory's (moved aside).
    const fs::path files = dir / "attachments";
    if (fs::exists(files, ec)) {
        fs::rename(files, files.string() + ".replaced-" + std::to_string(now_ms), ec);
        if (ec) return storage_error("cannot move " + files.string() + " aside: " + ec.message());
    }
    const fs::path backed_up = fs::path(backup_dir) / "attachments";
    if (fs::is_directory(backed_up, ec)) {
        std::vector<std::string> ids;
        for (const auto& entry : fs::directory_iterator(backed_up, ec)) ids.push_back(entry.path().filename().string());
        auto copied = copy_attachments(ids, backed_up, files);
        if (!copied) return copied.error();
        facts.value().attachments = copied.value();
    }

    const fs::path keys = fs::path(backup_dir) / "keys" / "visitor-token.key";
    if (!visitor_key_file.empty() && fs::exists(keys, ec)) {
        const fs::path key_file(visitor_key_file);
        if (Status s = make_private_dir(key_file.parent_path()); !s) return s.error();
        if (fs::exists(key_file, ec)) {
            fs::rename(key_file, key_file.string() + ".replaced-" + std::to_string(now_ms), ec);
            if (ec) return storage_error("cannot move " + key_file.string() + " aside: " + ec.message());
        }
        if (Status s = copy_synced(keys, key_file); !s) return s.error();
        facts.value().visitor_keys = true;
    }
    return facts;
}

}  // namespace parley::relay
