// Attachments (issue 17, hub.hpp attachment_access and file_parts_ok): who may upload to
// and read the files of a conversation, and the `file` parts of a message.
//
// The HTTP side (attachments/attachment_service.hpp) has no connection: a request
// carries a bearer token, the same one the client's WebSocket hello carries (a
// visitor's token, or an agent's session token). The rules are the WebSocket's:
//   visitor   their own conversations (open or closed), nothing else: uploading is
//             writing to it, reading a file is reading its history
//   agent     the access rule (core/access_rule.hpp) with ConvAct::send or ::history,
//             from the account as stored now (a disabled agent or expired session is
//             refused at once, not at the next session check)
// A message's `file` part names an upload of the same conversation by the same party;
// the stored part carries the file's name, type and size, so every reader shows it
// without asking the relay first.
#include "auth/session_token.hpp"
#include "auth/visitor_token.hpp"
#include "core/hub.hpp"
#include "core/rich_parts.hpp"
#include "parley/json/parse.hpp"

namespace parley::relay {

namespace p = protocol;
using p::ErrorCode;

Result<p::Party> Hub::attachment_access(std::string_view token, const std::string& conv, ConvAct act,
                                        std::int64_t now) {
    auto found = store_.find_conversation(conv);
    if (!found) return found.error();
    if (auto claims = verify_visitor_token(config_.visitor_keys, token, now)) {
        auto visitor = store_.find_visitor(claims->visitor_id);
        if (!visitor) return visitor.error();
        if (!visitor.value()) return Error{ErrorCode::bad_token, "unknown or expired token", {}};
        if (!found.value() || found.value()->visitor.id != claims->visitor_id)
            return Error{ErrorCode::unknown_conversation, "no such conversation of yours", {}};
        return p::Party{"visitor", visitor.value()->id, visitor.value()->name};
    }
    auto session = store_.find_session(session_token_hash(std::string(token)));
    if (!session) return session.error();
    if (!session.value() || session.value()->expires <= now)
        return Error{ErrorCode::bad_token, "unknown or expired token", {}};
    auto agent = store_.find_agent(session.value()->agent_id);
    if (!agent) return agent.error();
    if (!agent.value() || agent.value()->disabled) return Error{ErrorCode::bad_token, "unknown or expired token", {}};
    const Agent& a = *agent.value();
    route_load(now);
    Viewer v;
    v.role = a.supervisor ? Viewer::Role::supervisor : Viewer::Role::agent;
    v.id = a.id;
    v.teams = &a.teams;
    ConvFacts facts{conv, found.value().has_value(), std::nullopt};
    if (facts.exists) {
        facts.routing = route_view(conv);
        facts.visitor = found.value()->visitor.id;
    }
    if (auto refused = refusal(v, facts, act)) return Error{refused->code, refused->message, {}};
    return p::Party{"agent", a.id, a.name};
}

bool Hub::file_parts_ok(ConnId id, const Conn& c, const p::Send& f, std::string& parts) {
    if (f.parts.empty() || f.parts.find("\"file\"") == std::string::npos) return true;
    auto doc = json::parse(f.parts);
    if (!doc || !doc->is_array()) return true;  // check_parts let it through: no file part
    json::Value out = json::Value::array();
    for (std::size_t i = 0; i < doc->size(); ++i) {
        const json::Value& part = doc->elements()[i];
        const json::Value* kind = part.find("kind");
        if (!kind || !kind->is_string() || kind->as_string() != "file") {
            out.push_back(part);
            continue;
        }
        const std::string path = "parts[" + std::to_string(i) + "].id";
        const std::string file = part.find("id")->as_string();  // check_parts: a string id
        auto record = store_.find_attachment(file);
        if (!record) {
            send_error(id, ErrorCode::storage_failed, "could not read the attachment; resend later", f.cid);
            return false;
        }
        // Only a file this party uploaded to this conversation: another's id (guessed or
        // copied) would show their file to a new audience.
        if (!record.value() || record.value()->conv != f.conv || record.value()->uploader != c.party.id) {
            send_error(id, ErrorCode::bad_field, "bad field: " + path + " (no such upload of yours here)", f.cid);
            return false;
        }
        json::Value filled = json::Value::object();
        filled["kind"] = "file";
        filled["id"] = file;
        filled["name"] = record.value()->name;
        filled["mime"] = record.value()->mime;
        filled["size"] = static_cast<long long>(record.value()->size);
        out.push_back(std::move(filled));
    }
    parts = out.dump();
    return true;
}

}  // namespace parley::relay
