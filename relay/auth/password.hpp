// Agent passwords: Argon2id via libsodium's crypto_pwhash_str with the "interactive"
// limits (about 64 MiB and a few tens of ms per hash), so a stolen database does not
// yield passwords cheaply. The stored string carries its own salt and parameters.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parley::relay {

// nullopt only when the machine cannot spare the memory.
std::optional<std::string> hash_password(std::string_view password);

// Constant-time in the password; false for a wrong password or a malformed hash.
bool verify_password(std::string_view password, const std::string& hash);

}  // namespace parley::relay
