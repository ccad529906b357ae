// FailingStore: a MemoryStore whose writes can be made to fail on demand, standing in
// for a full disk or a broken database in Hub tests.
#pragma once

#include "store/memory_store.hpp"

namespace parley::relay::test {

class FailingStore : public MemoryStore {
public:
    bool fail_appends = false;
    bool fail_reads = false;
    bool fail_commits = false;  // commit_batch() fails (the batch is lost, as SQLite would)
    int batches_begun = 0, batches_committed = 0;
    int visitors_created = 0, conversations_created = 0;  // successful creations

    Status create_visitor(const Visitor& v) override {
        Status s = MemoryStore::create_visitor(v);
        if (s) ++visitors_created;
        return s;
    }
    Status create_conversation(const std::string& conv, const std::string& visitor_id, std::int64_t now) override {
        Status s = MemoryStore::create_conversation(conv, visitor_id, now);
        if (s) ++conversations_created;
        return s;
    }

    Status begin_batch() override {
        ++batches_begun;
        return Ok{};
    }
    Status commit_batch() override {
        if (fail_commits) return storage_error("I/O error at commit (test double)");
        ++batches_committed;
        return Ok{};
    }

    Result<Appended> append_message(const NewMessage& m) override {
        if (fail_appends) return storage_error("disk full (test double)");
        return MemoryStore::append_message(m);
    }
    bool fail_audit = false;  // append_audit fails (the audit log cannot be written)
    Result<std::int64_t> append_audit(const AuditEntry& entry) override {
        if (fail_audit) return storage_error("disk full (test double)");
        return MemoryStore::append_audit(entry);
    }
    // As SqliteStore when another process reads the file: an erasure deletes the rows but
    // cannot empty the log (log_emptied false), and empty_log() fails while this is set.
    bool log_held = false;
    int empty_log_calls = 0;
    Result<Erased> erase_visitor(const std::string& visitor_id) override {
        Result<Erased> erased = MemoryStore::erase_visitor(visitor_id);
        if (erased && log_held) erased.value().log_emptied = false;
        return erased;
    }
    Status empty_log() override {
        ++empty_log_calls;
        if (log_held) return storage_error("the log is held by a reader (test double)");
        return Ok{};
    }
    Result<std::optional<ConvSummary>> find_conversation(const std::string& conv) override {
        if (fail_reads) return storage_error("I/O error (test double)");
        return MemoryStore::find_conversation(conv);
    }
};

}  // namespace parley::relay::test
