// AgentAdmin: the rules of agent administration (issue 17), in one place for every way
// in: the console's `agent_admin` frame (core/hub_admin.cpp), the CLI (--add-agent,
// --update-agent, --disable-agent, --enable-agent, --reset-password, --remove-agent in
// main.cpp), and the HTTP API.
//
// Theory of operation
// -------------------
// Each operation reads what it needs from the Store, checks, writes, and appends one
// audit entry; it returns what changed. It knows nothing of connections or routing:
// the caller applies the live effects (the Hub closes the agent's connections with 4102
// and re-routes; a CLI run beside a relay reaches it at the relay's next session check,
// HubConfig::session_check_every_ms).
//
//   who may act   an `agent` actor must be, per the store *now* (not per a cached
//                 flag), an enabled supervisor, else 2004 forbidden; the `operator`
//                 (the CLI, who holds the data directory) may do anything.
//   last supervisor
//                 no operation may leave the relay without an enabled supervisor when it
//                 had one (disable, remove, or unset the flag of the last): 3012
//                 last_supervisor. The operator is held to it too: the rule lives once.
//   passwords     add and reset_password generate the password (kGeneratedPasswordBytes
//                 of a 32-letter alphabet, 100 bits), hash it (Argon2id, auth/password.hpp)
//                 and return it once: it is shown to the supervisor, never stored or
//                 logged. We chose a generated password shown once over an invite link:
//                 the relay sends no e-mail, so a link would travel the same out-of-band
//                 way as a password and be as good as one until used, and it needs a
//                 second unauthenticated entry point (token redemption) to defend.
//                 The CLI's --add-agent may still give its own password (stdin).
//   sessions      disable and reset_password delete all the agent's sessions in the same
//                 store transaction as the change; remove deletes the account with them.
//   remove        deletes the account (its e-mail may be used again). History stays as
//                 it was: a message keeps the author name it was sent with (what the
//                 visitor saw: a transcript is a record, not rewritten), audit entries
//                 and conversation events keep the id. An agent's name is not personal
//                 data we may erase from a customer's transcript; to hide it, rename the
//                 agent before removing (later messages only).
//   audit         agent.add, agent.update, agent.disable, agent.enable,
//                 agent.reset_password, agent.remove; target the agent id, detail the
//                 fields changed (never a password). If the entry cannot be written the
//                 change stands (the flag audit_failed says so; the caller logs/counts).
//
// Errors (protocol codes): 1005 bad_field (a field out of its range; detail says which,
// and Error::ref names it: an AgentFields member, "email" or "password"),
// 2004 forbidden, 3004 unknown_agent, 3012 last_supervisor, 3013 agent_exists, 5001
// storage_failed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/random_source.hpp"
#include "parley/protocol/frames.hpp"
#include "store/store.hpp"

namespace parley::relay::admin {

constexpr std::size_t kGeneratedPasswordBytes = 23;  // 20 letters in 4 groups of 5
constexpr std::size_t kMaxLabels = 20;               // teams, and skills, per agent
constexpr std::size_t kMaxLabelBytes = 64;           // one team or skill name
constexpr int kMaxConcurrency = 1000;                // preferred and max_load

// What add sets and update changes. Unset: unchanged (update), the default (add: team
// "general", no skill, 3 / 5, not a supervisor).
struct AgentFields {
    std::optional<std::string> name;
    std::optional<std::vector<std::string>> teams;
    std::optional<std::vector<std::string>> skills;
    std::optional<int> preferred;
    std::optional<int> max_load;
    std::optional<bool> supervisor;
};

struct Done {
    Agent agent;                 // as stored after the change (removed: as it was)
    std::string password;        // add, reset_password: the new password, shown once
    std::size_t sessions = 0;    // disable, reset_password, remove: sessions revoked
    bool audit_failed = false;   // the change stands; its audit entry could not be written
};

// `actor` names who acts (actor_role "agent" with actor_id/actor_name, or "operator")
// and from where (address); the operations fill in ts, action, target and detail.
using Actor = protocol::AuditEntry;

// The agent an operator names by id ("a_…") or e-mail; 3004 when none.
Result<Agent> find(Store& store, const std::string& id_or_email);

// A new password and its Argon2id hash (auth/password.hpp), made before the change: the
// Hub has the hash made off its event loop (PasswordWorker), the CLI in line.
struct NewPassword {
    std::string password;  // shown once in Done::password
    std::string hash;
};

// `password`: none → generated (and returned); given (CLI) → at least 8 bytes.
Result<Done> add(Store& store, RandomSource& random, const Actor& actor, const std::string& email,
                 const AgentFields& fields, const std::optional<std::string>& password, std::int64_t now);
// The same with a generated password already hashed.
Result<Done> add_hashed(Store& store, RandomSource& random, const Actor& actor, const std::string& email,
                        const AgentFields& fields, const NewPassword& fresh, std::int64_t now);
Result<Done> update(Store& store, const Actor& actor, const std::string& agent_id, const AgentFields& fields,
                    std::int64_t now);
Result<Done> set_disabled(Store& store, const Actor& actor, const std::string& agent_id, bool disabled,
                          std::int64_t now);
Result<Done> reset_password(Store& store, RandomSource& random, const Actor& actor, const std::string& agent_id,
                            std::int64_t now);
Result<Done> reset_password_hashed(Store& store, const Actor& actor, const std::string& agent_id,
                                   const NewPassword& fresh, std::int64_t now);
Result<Done> remove(Store& store, const Actor& actor, const std::string& agent_id, std::int64_t now);

// The fields an `agent_admin` frame sets (the console's and the HTTP API's way in).
// The codec bounds numbers to >= 0; huge ones are clamped so that they are refused as
// out of range, not wrapped into it.
AgentFields fields_of(const protocol::AgentAdmin& f);

// Refuses (2004) an actor who may not administer agents, per the store now.
Status check_actor(Store& store, const Actor& actor);

// kGeneratedPasswordBytes: "xxxxx-xxxxx-xxxxx-xxxxx" of [a-z2-9] minus look-alikes.
std::string generate_password(RandomSource& random);

}  // namespace parley::relay::admin
