// The visitor token keys on disk (P7, data at rest): DATA_DIR/keys/visitor-token.key by
// default, the directory 0700 and the file 0600, outside the database so a copy of the
// database (a backup, a support dump) does not let anyone forge a visitor's token.
//
// Theory of operation. At every start the relay loads the ring from the file, or makes
// it: from the secret an older relay kept in the database's settings
// ("visitor_token_secret", marked legacy so tokens issued before key ids keep working),
// else from 32 fresh random bytes. Once the file is safely written (temporary file,
// fsync, rename), the setting is overwritten with "" (with SQLite's secure_delete on, the
// old value's bytes are zeroed); an older relay then refuses to start ("malformed")
// rather than sign with a new secret. Keys no unexpired token can name are pruned at
// start and at rotation (auth/visitor_key_ring.hpp). The file is rewritten only then:
// offline, under the data directory's lock.
#pragma once

#include <cstdint>
#include <string>

#include "auth/visitor_key_ring.hpp"
#include "core/random_source.hpp"
#include "store/store.hpp"

namespace parley::relay {

std::string default_visitor_key_path(const std::string& data_dir);

struct VisitorKeys {
    VisitorKeyRing ring;
    std::string note;  // what changed, for the log ("" when nothing)
};

// Loads (or creates, or migrates from `store`) the ring at `path`, pruning keys older
// than the token lifetime. Errors (kStorage): the file is unreadable, malformed or
// readable by group or others (the operator fixes it: chmod 600), or cannot be written.
Result<VisitorKeys> load_or_create_visitor_keys(const std::string& path, Store& store, RandomSource& random,
                                                std::int64_t now);

// --rotate-visitor-key: the ring at `path` (made as above if missing) gets a new signing
// key; keys older than the token lifetime are pruned. The caller holds the data
// directory's lock; the relay uses the new key from its next start.
Result<VisitorKeys> rotate_visitor_key(const std::string& path, Store& store, RandomSource& random,
                                       std::int64_t now);

}  // namespace parley::relay
