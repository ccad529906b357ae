// The identity secret on disk (issue 17): the key a site's server signs its users'
// identities with (auth/identity_verifier.hpp). DATA_DIR/keys/identity.secret by
// default (--identity-secret-file), mode 0600, outside the database.
//
// Theory of operation. The file holds one or two lines: the current secret, then
// optionally the previous one. `parley-relay --create-identity-secret` writes a new
// secret (64 hex digits from 32 random bytes), keeps the current one as the previous
// (so pages rendered by the site's servers before they learn the new secret still
// verify: a rotation without a flag day), drops an older previous one, and prints the
// new secret once for the site's server. The relay reads the file at start only. No
// file: the relay has no secret, and every identity claim is taken as unverified.
// Why a text secret rather than raw bytes: the site's server uses it as its HMAC key
// exactly as printed (hash_hmac('sha256', $user_id, $secret)), as with Intercom.
#pragma once

#include <string>
#include <vector>

#include "core/random_source.hpp"
#include "store/store.hpp"

namespace parley::relay {

std::string default_identity_secret_path(const std::string& data_dir);

// The secrets, current first; empty when the file does not exist. Errors
// (storage_failed): unreadable, readable by group or others (chmod 600), more than two
// lines, or a line that is not 32–256 printable ASCII characters without spaces.
Result<std::vector<std::string>> read_identity_secrets(const std::string& path);

// Writes a new current secret (the old current kept as previous) and returns it.
Result<std::string> create_identity_secret(const std::string& path, RandomSource& random);

}  // namespace parley::relay
