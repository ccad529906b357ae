#include "auth/agent_admin.hpp"

#include <algorithm>

#include <sodium.h>

#include "auth/agent_accounts.hpp"
#include "auth/password.hpp"
#include "core/audit_log.hpp"

namespace parley::relay::admin {

using protocol::ErrorCode;

namespace {

// `field`: the AgentFields member (or "email", "password") at fault, in Error::ref.
Error bad(const char* field, std::string detail) { return Error{ErrorCode::bad_field, std::move(detail), field}; }

bool enabled_supervisor(const Agent& a) { return a.supervisor && !a.disabled; }

// A team or skill name: printable, no comma (the store keeps lists comma-separated).
std::optional<Error> check_labels(const char* what, const std::vector<std::string>& labels) {
    if (labels.size() > kMaxLabels) return bad(what, std::string("at most 20 ") + what);
    for (const std::string& l : labels) {
        if (l.empty() || l.size() > kMaxLabelBytes)
            return bad(what, std::string(what) + ": each name is 1-64 bytes");
        for (unsigned char ch : l)
            if (ch < 0x20 || ch == 0x7f || ch == ',')
                return bad(what, std::string(what) + ": no comma or control character in a name");
    }
    return std::nullopt;
}

// Applies `f` to `a`, checking every field it sets and the result as a whole.
std::optional<Error> apply(Agent& a, const AgentFields& f) {
    if (f.name) {
        if (f.name->empty() || f.name->size() > protocol::kMaxNameBytes) return bad("name", "the name must be 1-80 bytes");
        a.name = *f.name;
    }
    if (f.teams) {
        if (auto e = check_labels("teams", *f.teams)) return e;
        a.teams = *f.teams;
    }
    if (f.skills) {
        if (auto e = check_labels("skills", *f.skills)) return e;
        a.skills = *f.skills;
    }
    if (f.preferred) a.preferred = *f.preferred;
    if (f.max_load) a.max_load = *f.max_load;
    if (f.supervisor) a.supervisor = *f.supervisor;
    if (a.preferred < 0 || a.preferred > kMaxConcurrency) return bad("preferred", "concurrency must be 0-1000");
    if (a.max_load < 0 || a.max_load > kMaxConcurrency) return bad("max_load", "concurrency must be 0-1000");
    if (a.max_load < a.preferred)
        return bad("max_load", "the maximum load must not be below the preferred concurrency");
    return std::nullopt;
}

// 3012 (last_supervisor) when `before` is the only enabled supervisor and `after` (none: removed) is not one.
std::optional<Error> last_supervisor(Store& store, const Agent& before, const std::optional<Agent>& after) {
    if (!enabled_supervisor(before) || (after && enabled_supervisor(*after))) return std::nullopt;
    auto all = store.list_agents();
    if (!all) return all.error();
    const auto n = std::count_if(all.value().begin(), all.value().end(), enabled_supervisor);
    if (n <= 1)
        return Error{ErrorCode::last_supervisor,
                     "this is the last enabled supervisor: make another agent a supervisor first", {}};
    return std::nullopt;
}

// "teams=a,b preferred=2": the fields an update set (values short, never a password).
std::string describe(const AgentFields& f) {
    std::string out;
    auto add = [&](const std::string& kv) { out += (out.empty() ? "" : " ") + kv; };
    auto list = [](const std::vector<std::string>& v) {
        std::string s;
        for (const std::string& x : v) s += (s.empty() ? "" : ",") + x;
        return s;
    };
    if (f.name) add("name");
    if (f.teams) add("teams=" + list(*f.teams));
    if (f.skills) add("skills=" + list(*f.skills));
    if (f.preferred) add("preferred=" + std::to_string(*f.preferred));
    if (f.max_load) add("max_load=" + std::to_string(*f.max_load));
    if (f.supervisor) add(std::string("supervisor=") + (*f.supervisor ? "1" : "0"));
    return out;
}

bool log(Store& store, const Actor& actor, const char* action, const std::string& target, std::string detail,
         std::int64_t now) {
    protocol::AuditEntry e = actor;
    e.id = 0;
    e.ts = now;
    e.action = action;
    e.conv.clear();
    e.target = target;
    e.detail = std::move(detail);
    return bool(store.append_audit(audit::clipped(std::move(e))));
}

Result<Agent> target(Store& store, const std::string& agent_id) {
    auto found = store.find_agent(agent_id);
    if (!found) return found.error();
    if (!found.value()) return Error{ErrorCode::unknown_agent, "no agent " + agent_id, {}};
    return *found.value();
}

std::size_t count_sessions(Store& store, const std::string& agent_id) {
    auto s = store.sessions_of_agent(agent_id);
    return s ? s.value().size() : 0;
}

}  // namespace

AgentFields fields_of(const protocol::AgentAdmin& f) {
    AgentFields out;
    out.name = f.name;
    out.teams = f.teams;
    out.skills = f.skills;
    auto narrow = [](std::int64_t v) { return static_cast<int>(std::clamp<std::int64_t>(v, -1, 1'000'000)); };
    if (f.preferred) out.preferred = narrow(*f.preferred);
    if (f.max_load) out.max_load = narrow(*f.max_load);
    out.supervisor = f.supervisor;
    return out;
}

Status check_actor(Store& store, const Actor& actor) {
    if (actor.actor_role == "operator") return Ok{};
    // An API key: the API admitted it for an admin-scoped route on this call
    // (api/api_service.hpp steps 2-3: a key in use, not revoked, with the admin scope).
    if (actor.actor_role == "api_key") return Ok{};
    if (actor.actor_role == "agent") {
        auto me = store.find_agent(actor.actor_id);
        if (!me) return me.error();
        if (me.value() && enabled_supervisor(*me.value())) return Ok{};
    }
    return Error{ErrorCode::forbidden, "only supervisors may administer agents", {}};
}

std::string generate_password(RandomSource& random) {
    static const char kAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";  // 32: no l, o, 0, 1
    unsigned char bytes[20];
    random.fill(bytes, sizeof bytes);
    std::string out;
    for (std::size_t i = 0; i < sizeof bytes; ++i) {
        if (i > 0 && i % 5 == 0) out += '-';
        out += kAlphabet[bytes[i] & 31];  // 256 is a multiple of 32: uniform
    }
    sodium_memzero(bytes, sizeof bytes);
    return out;
}

Result<Agent> find(Store& store, const std::string& id_or_email) {
    auto found = id_or_email.rfind("a_", 0) == 0 ? store.find_agent(id_or_email)
                                                 : store.find_agent_by_email(id_or_email);
    if (!found) return found.error();
    if (!found.value()) return Error{ErrorCode::unknown_agent, "no agent " + id_or_email, {}};
    return *found.value();
}

namespace {

// A password hashed in line (the CLI), or the failure.
Result<NewPassword> hashed(std::string password) {
    if (password.size() < kMinPasswordBytes) return bad("password", "the password must be at least 8 bytes");
    auto hash = hash_password(password);
    if (!hash) return storage_error("cannot hash the password (out of memory?)");
    return NewPassword{std::move(password), std::move(*hash)};
}

}  // namespace

Result<Done> add(Store& store, RandomSource& random, const Actor& actor, const std::string& email,
                 const AgentFields& fields, const std::optional<std::string>& password, std::int64_t now) {
    if (Status ok = check_actor(store, actor); !ok) return ok.error();  // before any hashing
    auto fresh = hashed(password ? *password : generate_password(random));
    if (!fresh) return fresh.error();
    auto done = add_hashed(store, random, actor, email, fields, fresh.value(), now);
    if (done && password) done.value().password.clear();  // the operator's own: nothing to show
    return done;
}

Result<Done> add_hashed(Store& store, RandomSource& random, const Actor& actor, const std::string& email,
                        const AgentFields& fields, const NewPassword& fresh, std::int64_t now) {
    if (Status ok = check_actor(store, actor); !ok) return ok.error();
    Agent spec;
    spec.teams = {"general"};
    if (auto e = apply(spec, fields)) return *e;
    if (!fields.name) return bad("name", "the name must be 1-80 bytes");
    auto existing = store.find_agent_by_email(email);
    if (!existing) return existing.error();
    if (existing.value()) return Error{ErrorCode::agent_exists, "an agent with this e-mail exists", {}};
    Done done;
    done.password = fresh.password;
    auto agent = add_agent_hashed(store, random, email, spec.name, fresh.hash, now, spec);
    if (!agent) return agent.error();
    done.agent = agent.value();
    done.audit_failed = !log(store, actor, audit::kAgentAdd, done.agent.id,
                             done.agent.supervisor ? "supervisor" : "", now);
    return done;
}

Result<Done> update(Store& store, const Actor& actor, const std::string& agent_id, const AgentFields& fields,
                    std::int64_t now) {
    if (Status ok = check_actor(store, actor); !ok) return ok.error();
    auto before = target(store, agent_id);
    if (!before) return before.error();
    Agent after = before.value();
    if (auto e = apply(after, fields)) return *e;
    if (auto e = last_supervisor(store, before.value(), after)) return *e;
    if (Status s = store.update_agent(after, false); !s) return s.error();
    Done done;
    done.agent = after;
    done.audit_failed = !log(store, actor, audit::kAgentUpdate, agent_id, describe(fields), now);
    return done;
}

Result<Done> set_disabled(Store& store, const Actor& actor, const std::string& agent_id, bool disabled,
                          std::int64_t now) {
    if (Status ok = check_actor(store, actor); !ok) return ok.error();
    auto before = target(store, agent_id);
    if (!before) return before.error();
    Agent after = before.value();
    after.disabled = disabled;
    if (auto e = last_supervisor(store, before.value(), after)) return *e;
    Done done;
    done.sessions = disabled ? count_sessions(store, agent_id) : 0;
    if (Status s = store.set_agent_disabled(agent_id, disabled); !s) return s.error();
    done.agent = after;
    done.audit_failed = !log(store, actor, disabled ? audit::kAgentDisable : audit::kAgentEnable, agent_id,
                             disabled ? "sessions=" + std::to_string(done.sessions) : "", now);
    return done;
}

Result<Done> reset_password(Store& store, RandomSource& random, const Actor& actor, const std::string& agent_id,
                            std::int64_t now) {
    if (Status ok = check_actor(store, actor); !ok) return ok.error();  // before any hashing
    auto fresh = hashed(generate_password(random));
    if (!fresh) return fresh.error();
    return reset_password_hashed(store, actor, agent_id, fresh.value(), now);
}

Result<Done> reset_password_hashed(Store& store, const Actor& actor, const std::string& agent_id,
                                   const NewPassword& fresh, std::int64_t now) {
    if (Status ok = check_actor(store, actor); !ok) return ok.error();
    auto before = target(store, agent_id);
    if (!before) return before.error();
    Done done;
    done.password = fresh.password;
    Agent after = before.value();
    after.password_hash = fresh.hash;
    done.sessions = count_sessions(store, agent_id);
    if (Status s = store.update_agent(after, true); !s) return s.error();
    done.agent = after;
    done.audit_failed = !log(store, actor, audit::kAgentResetPassword, agent_id,
                             "sessions=" + std::to_string(done.sessions), now);
    return done;
}

Result<Done> remove(Store& store, const Actor& actor, const std::string& agent_id, std::int64_t now) {
    if (Status ok = check_actor(store, actor); !ok) return ok.error();
    auto before = target(store, agent_id);
    if (!before) return before.error();
    if (auto e = last_supervisor(store, before.value(), std::nullopt)) return *e;
    Done done;
    done.sessions = count_sessions(store, agent_id);
    if (Status s = store.delete_agent(agent_id); !s) return s.error();
    done.agent = before.value();
    done.audit_failed = !log(store, actor, audit::kAgentRemove, agent_id, "", now);
    return done;
}

}  // namespace parley::relay::admin
