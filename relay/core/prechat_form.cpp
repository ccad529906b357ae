// The pre-chat form's rules (prechat_form.hpp says what and why).
#include "core/prechat_form.hpp"

#include <algorithm>

#include "core/trim_blanks.hpp"

namespace parley::relay {

namespace p = protocol;

namespace {

bool is_question_id(std::string_view id) {
    if (id.empty() || id.size() > 32) return false;
    return std::all_of(id.begin(), id.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
    });
}

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char ch) {
        const auto u = static_cast<unsigned char>(ch);
        return u < 0x20 || u == 0x7f;
    });
}

bool blank(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; });
}

const std::string* value_of(const PrechatValues& values, std::string_view name) {
    for (const auto& [k, v] : values)
        if (k == name) return &v;
    return nullptr;
}

bool relay_owned(std::string_view key) {
    return key == kReplyByEmailAttribute || key.substr(0, kPrechatAttributePrefix.size()) == kPrechatAttributePrefix;
}

void set_attribute(p::Attributes& attrs, const std::string& key, const std::string& value) {
    for (auto& [k, v] : attrs)
        if (k == key) {
            v = value;
            return;
        }
    attrs.emplace_back(key, value);
}

}  // namespace

Result<PrechatForm> parse_prechat_fields(std::string_view spec) {
    PrechatForm form;
    if (trim_blanks(spec).empty()) return form;
    auto bad = [](std::string what) { return Error{p::ErrorCode::bad_field, std::move(what), {}}; };
    while (true) {
        const std::size_t comma = spec.find(',');
        std::string_view entry = trim_blanks(spec.substr(0, comma));
        const std::size_t eq = entry.find('=');
        std::string_view id = trim_blanks(entry.substr(0, eq));
        p::PrechatField q;
        if (!id.empty() && id.back() == '*') {
            q.required = true;
            id = trim_blanks(id.substr(0, id.size() - 1));
        }
        if (!is_question_id(id)) return bad("\"" + std::string(entry) + "\": a question id is 1-32 of [a-z0-9_]");
        q.name = std::string(id);
        const bool builtin = id == "name" || id == "email";
        if (eq == std::string_view::npos) {
            if (!builtin) return bad("\"" + q.name + "\": an own question needs a label (" + q.name + "=Label)");
        } else {
            if (builtin) return bad("\"" + q.name + "\": name and email take no label (the widget words them)");
            const std::string_view label = trim_blanks(entry.substr(eq + 1));
            if (label.empty() || label.size() > kMaxPrechatLabelBytes || has_control(label))
                return bad("\"" + q.name + "\": a label is 1-100 bytes");
            q.label = std::string(label);
        }
        for (const auto& seen : form)
            if (seen.name == q.name) return bad("\"" + q.name + "\" is listed twice");
        form.push_back(std::move(q));
        if (form.size() > kMaxPrechatFields) return bad("at most 6 questions");
        if (comma == std::string_view::npos) break;
        spec.remove_prefix(comma + 1);
    }
    return form;
}

bool looks_like_email(std::string_view email) {
    if (email.size() < 3 || email.size() > p::kMaxEmailBytes || has_control(email)) return false;
    if (email.find(' ') != std::string_view::npos) return false;
    const std::size_t at = email.find('@');
    if (at == std::string_view::npos || at == 0 || at > 64 || email.find('@', at + 1) != std::string_view::npos)
        return false;
    const std::string_view domain = email.substr(at + 1);
    const std::size_t dot = domain.find('.');
    return dot != std::string_view::npos && dot > 0 && domain.back() != '.' && domain.find("..") == std::string_view::npos;
}

PrechatValues prechat_problems(const PrechatForm& form, const PrechatValues& values, bool offline,
                               const p::Contact* known) {
    static const PrechatForm kOffline{{"email", "", true}};
    const PrechatForm& asked = offline ? kOffline : form;
    const PrechatForm open = offline ? asked : fields_to_ask(asked, known);
    PrechatValues problems;
    for (const auto& q : asked) {
        const std::string* v = value_of(values, q.name);
        if (!v || blank(*v)) {
            const bool still_asked =
                std::any_of(open.begin(), open.end(), [&](const p::PrechatField& o) { return o.name == q.name; });
            if (q.required && still_asked) problems.emplace_back(q.name, "required");
            continue;
        }
        if (q.name == "email" && !looks_like_email(trim_blanks(*v))) problems.emplace_back(q.name, "email");
        else if (q.name == "name" && v->size() > p::kMaxNameBytes) problems.emplace_back(q.name, "too_long");
        else if (v->size() > p::kMaxPrechatAnswerBytes) problems.emplace_back(q.name, "too_long");
    }
    for (const auto& value : values) {
        // Not a structured binding: C++17 lambdas cannot capture one (clang refuses).
        const std::string& k = value.first;
        const bool known = std::any_of(asked.begin(), asked.end(), [&](const p::PrechatField& q) { return q.name == k; });
        if (!known) problems.emplace_back(k, "unknown");
    }
    return problems;
}

PrechatForm fields_to_ask(const PrechatForm& form, const p::Contact* contact) {
    if (!contact) return form;
    PrechatForm left;
    for (const auto& q : form) {
        const std::string key = std::string(kPrechatAttributePrefix) + q.name;
        const bool known = q.name == "name"    ? !contact->name.empty()
                           : q.name == "email" ? !contact->email.empty()
                                               : std::any_of(contact->attributes.begin(), contact->attributes.end(),
                                                             [&](const auto& a) { return a.first == key; });
        if (!known) left.push_back(q);
    }
    return left;
}

p::Contact with_answers(p::Contact contact, const PrechatValues& values, bool offline, const std::string& conv) {
    for (const auto& [k, raw] : values) {
        if (blank(raw)) continue;
        const std::string v(trim_blanks(raw));
        if (k == "name") {
            if (!contact.verified || contact.name.empty()) contact.name = v;
        } else if (k == "email") {
            if (!contact.email_verified) contact.email = v;
        } else {
            set_attribute(contact.attributes, std::string(kPrechatAttributePrefix) + k, v);
        }
    }
    if (offline) set_attribute(contact.attributes, std::string(kReplyByEmailAttribute), conv);
    return contact;
}

p::Contact with_relay_attributes(p::Contact claim, const p::Contact& current) {
    claim.attributes.erase(std::remove_if(claim.attributes.begin(), claim.attributes.end(),
                                          [](const auto& a) { return relay_owned(a.first); }),
                           claim.attributes.end());
    bool answered = false;
    for (const auto& a : current.attributes)
        if (relay_owned(a.first)) {
            claim.attributes.push_back(a);
            answered = true;
        }
    if (answered || current.user_id.empty()) {  // the visitor's own answers, not another claim
        if (claim.name.empty()) claim.name = current.name;
        if (claim.email.empty() && !claim.email_verified) claim.email = current.email;
    }
    return claim;
}

}  // namespace parley::relay
