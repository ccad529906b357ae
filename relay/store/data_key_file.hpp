// The data key on disk (P7, data at rest): exactly 32 random bytes in a file readable by
// the relay's user alone, made by `parley-relay --generate-data-key PATH`. Kept apart
// from the data directory on purpose: a copy of the data directory without the key
// holds no readable transcript.
#pragma once

#include <string>

#include "core/random_source.hpp"
#include "store/sealed_column.hpp"

namespace parley::relay {

// Writes a new key to `path` (mode 0600). Refuses to replace an existing file: losing
// a data key loses every value sealed with it. Errors: storage_failed, with the path.
Result<DataKey> generate_data_key_file(const std::string& path, RandomSource& random);

// Errors: unreadable, not exactly 32 bytes, or readable by group or others.
Result<DataKey> read_data_key_file(const std::string& path);

}  // namespace parley::relay
