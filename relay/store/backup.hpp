// Backup and restore of a data directory (issue 18, docs/operations.md "Backup and
// restore").
//
// Theory of operation. A backup is a directory: `parley.db`, a consistent copy of the
// database taken with SQLite's online backup API in one read transaction (WAL lets the
// running relay keep committing meanwhile, and the copy is the database as of one
// commit: every message acknowledged before the backup began is in it), and
// `keys/visitor-token.key`, so visitors' tokens still resume after a restore. The data
// key that seals transcripts (--data-key-file) is deliberately not copied: a backup
// stored beside its key would unseal everything; the operator keeps it apart.
// Attachments (issue 17): `attachments/`, the file of every attachment record in the
// copied database (files never change once written, so copying them after the
// database's snapshot gives exactly the copy's files; one erased meanwhile is skipped,
// its record being gone at the next erasure's turn anyway). A restore puts them in
// place of DATA_DIR/attachments, which is moved aside like the database.
//
// Backing up only reads, so it runs beside a relay. Restoring replaces the data
// directory's database and takes the directory's lock, so it refuses to run beside one.
// What it replaces is moved aside (never deleted) with the WAL that belongs to it, and
// the copy lands under its final name by rename(2) after an fsync: a crash during a
// restore leaves either the old database or the restored one, never a mix.
#pragma once

#include <cstdint>
#include <string>

#include "parley/core/result.hpp"

namespace parley::relay {

struct BackupFacts {
    int schema_version = 0;
    std::int64_t conversations = 0;
    std::int64_t messages = 0;
    bool visitor_keys = false;  // keys/visitor-token.key copied
    std::int64_t attachments = 0;  // attachment files copied
    std::string replaced;       // restore: where the database it replaced was moved ("" if none)
};

// Copies DATA_DIR's database (and visitor token keys from `visitor_key_file`, when that
// file exists) into `target_dir`, which must not exist or be empty; checks the copy
// (PRAGMA quick_check) before saying it is done.
Result<BackupFacts> backup_data_dir(const std::string& data_dir, const std::string& visitor_key_file,
                                    const std::string& target_dir);

// Puts the backup in `backup_dir` in place as DATA_DIR's database (and its visitor keys
// at `visitor_key_file`). The caller holds DATA_DIR's lock (DataDirLock). Refuses a
// backup that fails its check or was written by a newer relay (`max_schema_version`).
Result<BackupFacts> restore_data_dir(const std::string& backup_dir, const std::string& data_dir,
                                     const std::string& visitor_key_file, int max_schema_version,
                                     std::int64_t now_ms);

}  // namespace parley::relay
