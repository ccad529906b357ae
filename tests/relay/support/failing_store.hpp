// FailingStore: a MemoryStore whose writes can be made to fail on demand, standing in
// for a full disk or a broken database in Hub tests.
#pragma once

#include "store/memory_store.hpp"

namespace parley::relay::test {

class FailingStore : public MemoryStore {
public:
    bool fail_appends = false;
    bool fail_reads = false;

    Result<Appended> append_message(const NewMessage& m) override {
        if (fail_appends) return storage_error("disk full (test double)");
        return MemoryStore::append_message(m);
    }
    Result<std::optional<ConvSummary>> find_conversation(const std::string& conv) override {
        if (fail_reads) return storage_error("I/O error (test double)");
        return MemoryStore::find_conversation(conv);
    }
};

}  // namespace parley::relay::test
