#include "core/rich_parts.hpp"

#include <algorithm>
#include <initializer_list>
#include <set>
#include <vector>

#include "parley/json/parse.hpp"
#include "parley/json/value.hpp"
#include "parley/protocol/rules.hpp"

namespace parley::relay::rich {

namespace {

using json = parley::json::Value;
using protocol::ErrorCode;

Error bad(const std::string& path) { return Error{ErrorCode::bad_field, "bad field: " + path, {}}; }

bool is_id(const json& v) { return v.is_string() && !v.as_string().empty() && protocol::is_cid(v.as_string()); }
bool is_label(const json& v) {
    return v.is_string() && !v.as_string().empty() && v.as_string().size() <= kMaxLabelBytes;
}
bool is_url(const json& v) {
    if (!v.is_string()) return false;
    const std::string& s = v.as_string();
    if (s.size() > kMaxUrlBytes) return false;
    std::size_t rest = 0;
    if (s.compare(0, 8, "https://") == 0) rest = 8;
    else if (s.compare(0, 7, "http://") == 0) rest = 7;
    else return false;
    if (s.size() == rest) return false;
    // No space or control byte: a URL with them is either broken or disguised.
    return std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

// One object's members: each known (by `allowed`) and present once; the first that is
// not is the problem. The path of a member is `at` + "." + its key.
std::optional<Error> only(const json& obj, const std::string& at, std::initializer_list<const char*> allowed) {
    std::set<std::string> seen;
    for (const auto& m : obj.members()) {
        const bool known = std::any_of(allowed.begin(), allowed.end(), [&](const char* k) { return m.key == k; });
        if (!known || !seen.insert(m.key).second) return bad(at + "." + m.key);
    }
    return std::nullopt;
}

// A required member checked by `ok`; an optional one when `required` is false.
std::optional<Error> member(const json& obj, const std::string& at, const char* key, bool (*ok)(const json&),
                            bool required = true) {
    const json* v = obj.find(key);
    if (!v) return required ? std::optional<Error>(bad(at + "." + key)) : std::nullopt;
    if (!ok(*v)) return bad(at + "." + key);
    return std::nullopt;
}

// An array member of 1–`max` objects, each checked by `each(element, its path)`.
template <class Each>
std::optional<Error> objects(const json& obj, const std::string& at, const char* key, std::size_t max, Each each) {
    const std::string path = at + "." + key;
    const json* v = obj.find(key);
    if (!v || !v->is_array() || v->size() == 0 || v->size() > max) return bad(path);
    for (std::size_t i = 0; i < v->size(); ++i) {
        const json& e = v->elements()[i];
        const std::string item = path + "[" + std::to_string(i) + "]";
        if (!e.is_object()) return bad(item);
        if (auto problem = each(e, item)) return problem;
    }
    return std::nullopt;
}

std::optional<Error> check_option(const json& o, const std::string& at) {
    if (auto p = only(o, at, {"id", "label"})) return p;
    if (auto p = member(o, at, "id", is_id)) return p;
    return member(o, at, "label", is_label);
}

std::optional<Error> check_button(const json& b, const std::string& at) {
    if (auto p = only(b, at, {"id", "label", "url"})) return p;
    if (auto p = member(b, at, "label", is_label)) return p;
    const bool id = b.find("id"), url = b.find("url");
    if (id == url) return bad(at + (id ? ".url" : ".id"));  // exactly one of them
    return id ? member(b, at, "id", is_id) : member(b, at, "url", is_url);
}

std::optional<Error> check_field(const json& f, const std::string& at) {
    if (auto p = only(f, at, {"name", "label", "type", "required", "options"})) return p;
    if (auto p = member(f, at, "name", is_id)) return p;
    if (auto p = member(f, at, "label", is_label)) return p;
    const json* type = f.find("type");
    const std::string t = type && type->is_string() ? type->as_string() : "";
    if (t != "text" && t != "email" && t != "choice") return bad(at + ".type");
    if (auto p = member(f, at, "required", [](const json& v) { return v.is_bool(); }, false)) return p;
    if (t != "choice") return f.find("options") ? std::optional<Error>(bad(at + ".options")) : std::nullopt;
    return objects(f, at, "options", kMaxOptions, check_option);
}

std::optional<Error> check_part(const json& part, const std::string& at) {
    // (the table is in rich_parts.hpp)
    const json* kind = part.find("kind");
    const std::string k = kind && kind->is_string() ? kind->as_string() : "";
    if (k == "quick_replies") {
        if (auto p = only(part, at, {"kind", "options"})) return p;
        return objects(part, at, "options", kMaxOptions, check_option);
    }
    if (k == "buttons") {
        if (auto p = only(part, at, {"kind", "buttons"})) return p;
        return objects(part, at, "buttons", kMaxButtons, check_button);
    }
    if (k == "card") {
        if (auto p = only(part, at, {"kind", "title", "text", "image", "buttons"})) return p;
        if (auto p = member(part, at, "title", is_label)) return p;
        if (auto p = member(part, at, "text", [](const json& v) {
                return v.is_string() && v.as_string().size() <= kMaxCardTextBytes;
            }, false))
            return p;
        if (auto p = member(part, at, "image", is_url, false)) return p;
        if (!part.find("buttons")) return std::nullopt;
        return objects(part, at, "buttons", kMaxButtons, check_button);
    }
    if (k == "form") {
        if (auto p = only(part, at, {"kind", "id", "submit", "fields"})) return p;
        if (auto p = member(part, at, "id", is_id)) return p;
        if (auto p = member(part, at, "submit", is_label, false)) return p;
        if (auto p = objects(part, at, "fields", kMaxFields, check_field)) return p;
        std::set<std::string> names;  // a value is matched to its field by name
        const auto& fields = part.find("fields")->elements();
        for (std::size_t i = 0; i < fields.size(); ++i)
            if (!names.insert(fields[i].find("name")->as_string()).second)
                return bad(at + ".fields[" + std::to_string(i) + "].name");
        return std::nullopt;
    }
    if (k == "file") {  // issue 17: an uploaded file, by id; the Hub fills in the rest
        if (auto p = only(part, at, {"kind", "id"})) return p;
        return member(part, at, "id", [](const json& v) { return v.is_string() && is_attachment_id(v.as_string()); });
    }
    return bad(at + ".kind");
}

// The parts of a stored message (validated when it was sent); an empty array when it
// has none or they cannot be read.
std::vector<json> parts_of(std::string_view text) {
    if (text.empty()) return {};
    auto parsed = parley::json::parse(text);
    if (!parsed || !parsed->is_array()) return {};
    return parsed->elements();
}

std::string str(const json& obj, const char* key) {
    const json* v = obj.find(key);
    return v && v->is_string() ? v->as_string() : std::string();
}

// Whether `id` is a choice of this message: a quick reply or a postback button (of a
// buttons part or a card).
bool offers(const std::vector<json>& parts, const std::string& id) {
    auto has = [&](const json& part, const char* key) {
        const json* list = part.find(key);
        if (!list || !list->is_array()) return false;
        return std::any_of(list->elements().begin(), list->elements().end(),
                           [&](const json& o) { return str(o, "id") == id; });
    };
    return std::any_of(parts.begin(), parts.end(), [&](const json& part) {
        const std::string kind = str(part, "kind");
        if (kind == "quick_replies") return has(part, "options");
        return (kind == "buttons" || kind == "card") && has(part, "buttons");
    });
}

// One field's value against its definition: the reason it is bad, or "" when it is good.
std::string value_problem(const json& field, const std::string& value) {
    const std::string type = str(field, "type");
    if (type == "email") return is_email(value) ? "" : "not an e-mail address";
    if (type == "choice") {
        const json* options = field.find("options");
        const bool among = options && std::any_of(options->elements().begin(), options->elements().end(),
                                                  [&](const json& o) { return str(o, "id") == value; });
        return among ? "" : "not one of the choices";
    }
    return value.size() <= kMaxTextValueBytes ? "" : "longer than 500 bytes";
}

bool is_atom_char(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
}

}  // namespace

std::optional<Error> check_parts(std::string_view parts) {
    const auto parsed = parley::json::parse(parts);
    if (!parsed || !parsed->is_array() || parsed->size() == 0 || parsed->size() > kMaxParts) return bad("parts");
    for (std::size_t i = 0; i < parsed->size(); ++i) {
        const json& part = parsed->elements()[i];
        const std::string at = "parts[" + std::to_string(i) + "]";
        if (!part.is_object()) return bad(at);
        if (auto problem = check_part(part, at)) return problem;
    }
    return std::nullopt;
}

std::optional<protocol::ErrorFrame> check_reply(const protocol::Reply& reply, std::string_view target_parts,
                                                const std::string& ref) {
    auto refuse = [&](const char* path) {
        return protocol::ErrorFrame{ErrorCode::bad_field, std::string("bad field: ") + path, ref};
    };
    const std::vector<json> parts = parts_of(target_parts);
    if (parts.empty()) return refuse("reply.to");
    if (reply.form.empty()) {
        if (!offers(parts, reply.option)) return refuse("reply.option");
        return std::nullopt;
    }
    auto form = std::find_if(parts.begin(), parts.end(),
                             [&](const json& p) { return str(p, "kind") == "form" && str(p, "id") == reply.form; });
    if (form == parts.end()) return refuse("reply.form");

    // Every field at once: the visitor fixes them all in one go.
    protocol::ErrorFrame invalid{ErrorCode::invalid_form, "some answers of the form are not valid", ref};
    const auto& fields = form->find("fields")->elements();
    std::set<std::string> given;
    for (const auto& entry : reply.values) {
        const std::string& name = entry.first;  // not a structured binding: lambdas capture it
        const std::string& value = entry.second;
        // A name that could not be a field's is not echoed back (it could be anything).
        if (!protocol::is_cid(name)) return refuse("reply.values");
        if (!given.insert(name).second) return refuse("reply.values");
        auto field = std::find_if(fields.begin(), fields.end(), [&](const json& f) { return str(f, "name") == name; });
        if (field == fields.end()) {
            invalid.fields.emplace_back(name, "unknown field");
            continue;
        }
        if (value.empty()) continue;  // the same as absent: judged below if required
        if (std::string problem = value_problem(*field, value); !problem.empty())
            invalid.fields.emplace_back(name, std::move(problem));
    }
    for (const json& f : fields) {
        const json* required = f.find("required");
        if (!required || !required->as_bool()) continue;
        const std::string name = str(f, "name");
        auto v = std::find_if(reply.values.begin(), reply.values.end(), [&](const auto& nv) { return nv.first == name; });
        if (v == reply.values.end() || v->second.empty()) invalid.fields.emplace_back(name, "required");
    }
    if (invalid.fields.empty()) return std::nullopt;
    return invalid;
}

bool is_email(std::string_view s) {
    if (s.size() > kMaxEmailBytes) return false;
    const std::size_t at = s.find('@');
    if (at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return false;
    const std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
    if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
        local.find("..") != std::string_view::npos)
        return false;
    if (!std::all_of(local.begin(), local.end(), [](char c) { return c == '.' || is_atom_char(c); })) return false;
    int labels = 0;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = domain.find('.', start);
        const std::string_view label = domain.substr(start, dot == std::string_view::npos ? dot : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        if (!std::all_of(label.begin(), label.end(), [](char c) {
                return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            }))
            return false;
        ++labels;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return labels >= 2;
}

bool is_attachment_id(std::string_view id) {
    if (id.size() < 5 || id.size() > 64 || id.substr(0, 4) != "att_") return false;
    return std::all_of(id.begin() + 4, id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool only_files(std::string_view parts) {
    const std::vector<json> all = parts_of(parts);
    return !all.empty() && std::all_of(all.begin(), all.end(), [](const json& p) { return str(p, "kind") == "file"; });
}

}  // namespace parley::relay::rich
