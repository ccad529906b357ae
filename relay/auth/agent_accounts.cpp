#include "auth/agent_accounts.hpp"

#include <vector>

#include "auth/password.hpp"
#include "parley/protocol/frames.hpp"

namespace parley::relay {

std::string random_id(RandomSource& random, const char* prefix, std::size_t size) {
    static const char kHex[] = "0123456789abcdef";
    std::vector<unsigned char> bytes(size);
    random.fill(bytes.data(), bytes.size());
    std::string id(prefix);
    for (unsigned char b : bytes) {
        id += kHex[b >> 4];
        id += kHex[b & 15];
    }
    return id;
}

Result<Agent> add_agent(Store& store, RandomSource& random, const std::string& email,
                        const std::string& name, const std::string& password, std::int64_t now,
                        const Agent& routing) {
    if (password.size() < kMinPasswordBytes)
        return Error{protocol::ErrorCode::bad_field, "the password must be at least 8 bytes", {}};
    auto hash = hash_password(password);
    if (!hash) return storage_error("cannot hash the password (out of memory?)");
    return add_agent_hashed(store, random, email, name, *hash, now, routing);
}

Result<Agent> add_agent_hashed(Store& store, RandomSource& random, const std::string& email,
                               const std::string& name, const std::string& password_hash, std::int64_t now,
                               const Agent& routing) {
    using protocol::ErrorCode;
    if (email.find('@') == std::string::npos || email.size() > 254)
        return Error{ErrorCode::bad_field, "not an e-mail address: " + email, {}};
    if (name.empty() || name.size() > protocol::kMaxNameBytes)
        return Error{ErrorCode::bad_field, "the name must be 1-80 bytes", {}};
    auto existing = store.find_agent_by_email(email);
    if (!existing) return existing.error();
    if (existing.value()) return storage_error("an agent with e-mail " + email + " exists");
    Agent agent = routing;
    agent.id = random_id(random, "a_");
    agent.email = email;
    agent.name = name;
    agent.password_hash = password_hash;
    agent.created = now;
    if (agent.preferred < 0 || agent.max_load < agent.preferred)
        return Error{ErrorCode::bad_field, "the maximum load must not be below the preferred concurrency", {}};
    if (Status s = store.create_agent(agent); !s) return s.error();
    return agent;
}

}  // namespace parley::relay
