#include "bot_config.hpp"

#include <toml++/toml.h>

#include <optional>
#include <sstream>

namespace parley::bot {

namespace {

// BOTS.md: option ids are 1–64 of [A-Za-z0-9_.:-].
bool valid_id(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '.' || c == ':' || c == '-';
        if (!ok) return false;
    }
    return true;
}

// Reads typed fields of one table, remembering the first error with its path. Fields
// that are absent keep the default already in the destination.
class Reader {
public:
    explicit Reader(std::string source) : source_(std::move(source)) {}

    bool failed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }

    void fail(const toml::node* n, const std::string& path, const std::string& why) {
        if (failed()) return;
        std::ostringstream s;
        s << source_;
        if (n && n->source().begin.line) s << ':' << n->source().begin.line << ':' << n->source().begin.column;
        s << ": " << path << ": " << why;
        error_ = s.str();
    }

    void str(const toml::table& t, const char* key, const std::string& path, std::string& out) {
        const toml::node* n = t.get(key);
        if (!n) return;
        if (auto v = n->value<std::string>()) out = *v;
        else fail(n, path + key, "expected a string");
    }
    void boolean(const toml::table& t, const char* key, const std::string& path, bool& out) {
        const toml::node* n = t.get(key);
        if (!n) return;
        if (n->is_boolean()) out = *n->value<bool>();
        else fail(n, path + key, "expected true or false");
    }
    void number(const toml::table& t, const char* key, const std::string& path, double& out,
                double lo, double hi) {
        const toml::node* n = t.get(key);
        if (!n) return;
        auto v = (n->is_floating_point() || n->is_integer()) ? n->value<double>() : std::nullopt;
        if (!v) return fail(n, path + key, "expected a number");
        if (*v < lo || *v > hi) return fail(n, path + key, "out of range");
        out = *v;
    }
    template <class Int>
    void integer(const toml::table& t, const char* key, const std::string& path, Int& out,
                 long long lo, long long hi) {
        const toml::node* n = t.get(key);
        if (!n) return;
        if (!n->is_integer()) return fail(n, path + key, "expected an integer");
        const long long v = *n->value<long long>();
        if (v < lo || v > hi) return fail(n, path + key, "out of range");
        out = static_cast<Int>(v);
    }
    void strings(const toml::table& t, const char* key, const std::string& path, std::vector<std::string>& out) {
        const toml::node* n = t.get(key);
        if (!n) return;
        const toml::array* a = n->as_array();
        if (!a) return fail(n, path + key, "expected an array of strings");
        std::vector<std::string> v;
        for (const toml::node& e : *a) {
            auto s = e.value<std::string>();
            if (!s) return fail(&e, path + key, "expected an array of strings");
            v.push_back(*s);
        }
        out = std::move(v);
    }
    // [[x]] id = "…" label = "…"  or  [["id","label"], …]: both read as options.
    void options(const toml::table& t, const char* key, const std::string& path, std::vector<Option>& out) {
        const toml::node* n = t.get(key);
        if (!n) return;
        const toml::array* a = n->as_array();
        if (!a) return fail(n, path + key, "expected an array of {id, label} tables");
        std::vector<Option> v;
        for (const toml::node& e : *a) {
            const toml::table* o = e.as_table();
            auto id = o ? o->get("id") : nullptr;
            auto label = o ? o->get("label") : nullptr;
            if (!o || !id || !label || !id->is_string() || !label->is_string())
                return fail(&e, path + key, "each option needs string `id` and `label`");
            Option opt{*id->value<std::string>(), *label->value<std::string>()};
            if (!valid_id(opt.id)) return fail(&e, path + key, "an id is 1-64 of [A-Za-z0-9_.:-]");
            if (opt.label.empty() || opt.label.size() > 80) return fail(&e, path + key, "a label is 1-80 bytes");
            v.push_back(std::move(opt));
        }
        if (v.size() > 10) return fail(n, path + key, "at most 10 options (a quick_replies part holds 10)");
        out = std::move(v);
    }
    const toml::table* table(const toml::table& t, const char* key, const std::string& path) {
        const toml::node* n = t.get(key);
        if (!n) return nullptr;
        if (!n->is_table()) fail(n, path + key, "expected a table");
        return n->as_table();
    }

private:
    std::string source_;
    std::string error_;
};

void read_texts(Reader& r, const toml::table& t, Texts& x) {
    const std::string p = "texts.";
    r.str(t, "greeting", p, x.greeting);
    r.str(t, "kb_intro", p, x.kb_intro);
    r.str(t, "kb_miss", p, x.kb_miss);
    r.str(t, "offer_human", p, x.offer_human);
    r.str(t, "declined_human", p, x.declined_human);
    r.str(t, "clarify", p, x.clarify);
    r.str(t, "out_of_scope", p, x.out_of_scope);
    r.str(t, "thanks", p, x.thanks);
    r.str(t, "closing", p, x.closing);
    r.str(t, "handoff", p, x.handoff);
    r.str(t, "handoff_frustrated", p, x.handoff_frustrated);
    r.str(t, "lead_intro", p, x.lead_intro);
    r.str(t, "lead_ask_email", p, x.lead_ask_email);
    r.str(t, "lead_ask_company", p, x.lead_ask_company);
    r.str(t, "lead_ask_timeline", p, x.lead_ask_timeline);
    r.str(t, "lead_bad_email", p, x.lead_bad_email);
    r.str(t, "lead_qualified", p, x.lead_qualified);
    r.str(t, "lead_thanks", p, x.lead_thanks);
}

void read_intent(Reader& r, const toml::table& t, const std::string& path, IntentRule& rule) {
    r.boolean(t, "kb", path, rule.use_kb);
    r.str(t, "team", path, rule.team);
    const toml::node* n = t.get("reply");
    if (!n) return;
    const toml::array* a = n->as_array();
    if (!a) return r.fail(n, path + "reply", "expected [[…reply]] tables");
    for (const toml::node& e : *a) {
        const toml::table* rt = e.as_table();
        if (!rt) return r.fail(&e, path + "reply", "expected [[…reply]] tables");
        ReplyTemplate tpl;
        r.str(*rt, "text", path + "reply.", tpl.text);
        r.strings(*rt, "needs", path + "reply.", tpl.needs);
        if (tpl.text.empty()) return r.fail(&e, path + "reply.text", "a reply needs a text");
        rule.replies.push_back(std::move(tpl));
    }
}

}  // namespace

BotResult<Config> parse_config(std::string_view toml_text, std::string_view source) {
    toml::table root;
    // toml++ as Debian builds it reports syntax errors by exception; this is the one
    // place it can throw, and the error becomes a value here.
    try {
        root = toml::parse(toml_text, source);
    } catch (const toml::parse_error& e) {
        std::ostringstream s;
        s << source << ':' << e.source().begin.line << ':' << e.source().begin.column << ": "
          << e.description();
        return BotError{BotErrc::bad_config, s.str()};
    }

    Config c;
    Reader r{std::string(source)};
    if (const toml::table* t = r.table(root, "bot", "")) {
        r.str(*t, "name", "bot.", c.bot_name);
        r.integer(*t, "stream_min_bytes", "bot.", c.stream_min_bytes, 0, 8000);
        r.options(*t, "topics", "bot.", c.topics);
        r.strings(*t, "products", "bot.", c.products);
    }
    if (const toml::table* t = r.table(root, "texts", "")) read_texts(r, *t, c.texts);
    if (const toml::table* t = r.table(root, "escalation", "")) {
        EscalationRules& e = c.escalation;
        r.number(*t, "low_confidence", "escalation.", e.low_confidence, 0, 1);
        r.integer(*t, "max_turns_without_progress", "escalation.", e.max_turns_without_progress, 1, 100);
        r.boolean(*t, "on_asks_human", "escalation.", e.on_asks_human);
        r.boolean(*t, "on_frustrated", "escalation.", e.on_frustrated);
        r.strings(*t, "regulated_words", "escalation.", e.regulated_words);
        r.str(*t, "default_team", "escalation.", e.default_team);
    }
    if (const toml::table* t = r.table(root, "kb", "")) {
        KbSettings& k = c.kb;
        r.str(*t, "dir", "kb.", k.dir);
        r.number(*t, "min_score", "kb.", k.min_score, 0, 1000);
        r.number(*t, "close_ratio", "kb.", k.close_ratio, 0, 1);
        r.integer(*t, "max_choices", "kb.", k.max_choices, 2, 10);
        r.str(*t, "base_url", "kb.", k.base_url);
        r.integer(*t, "max_answer_bytes", "kb.", k.max_answer_bytes, 80, 7000);
        if (!k.base_url.empty() && k.base_url.rfind("https://", 0) != 0 && k.base_url.rfind("http://", 0) != 0)
            r.fail(t->get("base_url"), "kb.base_url", "must start with https:// or http://");
    }
    if (const toml::table* t = r.table(root, "lead", "")) {
        LeadRules& l = c.lead;
        r.boolean(*t, "enabled", "lead.", l.enabled);
        r.str(*t, "mode", "lead.", l.mode);
        if (l.mode != "form" && l.mode != "steps") r.fail(t->get("mode"), "lead.mode", "must be \"form\" or \"steps\"");
        r.strings(*t, "trigger_words", "lead.", l.trigger_words);
        r.strings(*t, "trigger_intents", "lead.", l.trigger_intents);
        r.options(*t, "timelines", "lead.", l.timelines);
        r.strings(*t, "qualified_timelines", "lead.", l.qualified_timelines);
        r.boolean(*t, "business_email_required", "lead.", l.business_email_required);
        r.strings(*t, "free_email_domains", "lead.", l.free_email_domains);
        r.str(*t, "team", "lead.", l.team);
    }
    if (const toml::table* t = r.table(root, "intent", "")) {
        for (const auto& [name, node] : *t) {
            const std::string path = "intent." + std::string(name.str()) + ".";
            const toml::table* it = node.as_table();
            if (!it) {
                r.fail(&node, path, "expected a table");
                break;
            }
            read_intent(r, *it, path, c.intents[std::string(name.str())]);
        }
    }
    if (r.failed()) return BotError{BotErrc::bad_config, r.error()};
    return c;
}

const char* errc_name(BotErrc code) {
    switch (code) {
        case BotErrc::bad_config: return "bad_config";
        case BotErrc::io: return "io";
        case BotErrc::index: return "index";
    }
    return "?";
}

}  // namespace parley::bot
