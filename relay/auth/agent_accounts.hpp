// Creating agent accounts (--demo-agent in main.cpp; auth/agent_admin.hpp for the rest).
#pragma once

#include <string>

#include "core/random_source.hpp"
#include "store/store.hpp"

namespace parley::relay {

constexpr std::size_t kMinPasswordBytes = 8;

// Hashes the password and stores a new agent with a fresh "a_…" id.
// Errors: bad_field when the e-mail has no '@', the name is empty or longer than 80
// bytes, or the password is shorter than kMinPasswordBytes; storage_failed when the
// e-mail exists already or the store fails.
// `routing` supplies the teams, skills, concurrency and supervisor flag (P4); its
// id, e-mail, name, hash and creation time are ignored.
Result<Agent> add_agent(Store& store, RandomSource& random, const std::string& email,
                        const std::string& name, const std::string& password, std::int64_t now,
                        const Agent& routing = Agent{});
// The same with the password already hashed (auth/password.hpp): what a caller that
// hashes off its event loop (the Hub, through the PasswordWorker) stores. The password
// rule was the caller's to apply before hashing.
Result<Agent> add_agent_hashed(Store& store, RandomSource& random, const std::string& email,
                               const std::string& name, const std::string& password_hash, std::int64_t now,
                               const Agent& routing = {});

// "<prefix>" + 2 × `bytes` lower-case hex digits of random bytes: visitor, agent and
// conversation ids ("v_", "a_", "c_": 8 bytes), attachments ("att_": 16).
std::string random_id(RandomSource& random, const char* prefix, std::size_t bytes = 8);

}  // namespace parley::relay
