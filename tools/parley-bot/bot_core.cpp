#include "bot_core.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "entities.hpp"
#include "parley/triage/analysis.hpp"
#include "parley/triage/signals.hpp"
#include "templates.hpp"

namespace parley::bot {

// One decision in progress: the state it updates and the decision it builds.
struct BotCore::Turn {
    ConversationState& state;
    const Incoming& in;
    Decision out;
    std::string lowered;   // lower_ascii(in.text)
    Entities fresh;        // found in this message (lead-ins use only these)
    bool progress = false; // set by replies that move the visitor on
    bool stuck = false;    // set by replies that do not
};

namespace {

bool has_signal(const protocol::Meta& m, const char* name) {
    return std::find(m.signals.begin(), m.signals.end(), name) != m.signals.end();
}

protocol::Meta classify(const triage::Model* model, const std::string& text) {
    protocol::Meta m;
    if (!model) {
        m.signals = triage::signal_names(text);
        return m;
    }
    // As the relay computes it (relay/core/message_triage.cpp): the same model, top 1.
    const triage::Analysis a = triage::analyze(*model, text, 1);
    m.intent = a.intent;
    m.confidence = std::round(static_cast<double>(a.confidence) * 10000.0) / 10000.0;
    m.signals = a.signals;
    return m;
}

// Cuts `s` to at most `max` bytes at a sentence end, else a space, never inside a
// UTF-8 sequence; adds "…" when it cut.
std::string clip(const std::string& s, size_t max) {
    if (s.size() <= max) return s;
    size_t cut = max >= 4 ? max - 3 : 0;  // room for the "…"
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    const size_t sentence = cut >= 2 ? s.rfind(". ", cut - 2) : std::string::npos;
    if (sentence != std::string::npos && sentence > max / 2) return s.substr(0, sentence + 1);
    const size_t space = s.rfind(' ', cut);
    if (space != std::string::npos && space > max / 2) cut = space;
    return s.substr(0, cut) + "…";
}

bool is_bare_greeting(const std::string& lowered) {
    static const std::set<std::string> words = {
        "hi", "hello", "hey", "hiya", "yo", "there", "good", "morning", "afternoon", "evening", "bonjour",
        "hallo", "hola", "ola", "olá", "ciao", "hoi", "salut", "team", "folks", "everyone", "greetings"};
    std::string w;
    int count = 0;
    bool all = true;
    auto word = [&] {
        if (w.empty()) return;
        ++count;
        all = all && words.count(w);
        w.clear();
    };
    for (char c : lowered) {
        if (c == ' ' || c == ',' || c == '!' || c == '.' || c == '?' || c == '\n') word();
        else w += c;
    }
    word();
    return count > 0 && count <= 4 && all;
}

bool is_affirmative(const std::string& lowered) {
    static const std::set<std::string> yes = {"yes", "yes please", "yeah", "yep", "sure", "ok", "okay",
                                              "please", "please do", "yes pls", "y", "ja", "oui", "si", "sí"};
    std::string t = lowered;
    while (!t.empty() && (t.back() == '!' || t.back() == '.' || t.back() == ' ')) t.pop_back();
    while (!t.empty() && t.front() == ' ') t.erase(0, 1);
    return yes.count(t) > 0;
}

std::string domain_of(const std::string& email) {
    const size_t at = email.rfind('@');
    return at == std::string::npos ? std::string() : lower_ascii(email.substr(at + 1));
}

const Option* find_option(const std::vector<Option>& options, const std::string& id_or_label,
                          const std::string& lowered_text) {
    for (const Option& o : options)
        if (o.id == id_or_label || lower_ascii(o.label) == lowered_text) return &o;
    for (const Option& o : options)
        if (contains_phrase(lowered_text, o.label) || contains_phrase(lowered_text, o.id)) return &o;
    return nullptr;
}

}  // namespace

BotCore::BotCore(std::shared_ptr<const Config> config, const KnowledgeBase* kb, const triage::Model* model)
    : config_(std::move(config)), kb_(kb), model_(model) {}

void BotCore::on_handback(ConversationState& state) const {
    state.paused = false;
    state.turns_without_progress = 0;
    state.human_offered = false;
    if (state.lead != LeadStep::done) state.lead = LeadStep::none;
}

Decision BotCore::on_message(ConversationState& state, const Incoming& in, std::int64_t now_ms) const {
    Turn t{state, in, {}, lower_ascii(in.text)};
    if (state.paused) return {};
    state.last_message_at = now_ms;
    t.out.meta = in.meta ? *in.meta : classify(model_, in.text);

    if (in.reply) {
        answer_option(t, *in.reply);
    } else {
        t.fresh = extract_entities(in.text, config_->products);
        for (auto& [k, v] : t.fresh) state.entities[k] = v;
        state.questions.push_back(in.text);
        if (state.questions.size() > kRememberedQuestions) state.questions.erase(state.questions.begin());
        // "Can I talk to a person" says nothing of the topic; the model's intent for it
        // is noise and must not replace what the conversation is about (nor its team).
        const bool about_topic = !has_signal(t.out.meta, "human") && !has_signal(t.out.meta, "closing");
        if (!t.out.meta.intent.empty() && (about_topic || state.intent.empty())) {
            state.intent = t.out.meta.intent;
            state.confidence = t.out.meta.confidence;
            if (state.intent != "general" && state.intent != "oos") state.topic = state.intent;
        }
        free_text(t);
    }

    if (!t.out.replies.empty()) ++state.bot_turns;
    if (t.out.handoff) return std::move(t.out);
    if (t.progress) state.turns_without_progress = 0;
    if (t.stuck && ++state.turns_without_progress >= config_->escalation.max_turns_without_progress) {
        t.out.replies.clear();
        t.out.gap.reset();
        hand_over(t, reason::no_progress);
    }
    return std::move(t.out);
}

void BotCore::answer_option(Turn& t, const VisitorReply& r) const {
    ConversationState& s = t.state;
    const std::string& opt = r.option;
    if (!r.form.empty()) {
        if (r.form == "lead") {
            for (auto& [k, v] : r.values) s.entities[k] = v;
            finish_lead(t);
        } else {
            free_text(t);
        }
        return;
    }
    if (opt == "human") return hand_over(t, s.human_offered ? reason::kb_miss : reason::asks_human);
    if (opt == "no_human") {
        s.human_offered = false;
        return reply(t, config_->texts.declined_human);
    }
    if (opt == "lead:start") return start_lead(t);
    if (opt.rfind("timeline:", 0) == 0 && s.lead == LeadStep::timeline) {
        s.entities["timeline"] = opt.substr(9);
        return finish_lead(t);
    }
    if (opt.rfind("kb:", 0) == 0 && kb_) {
        if (const Passage* p = kb_->find(opt.substr(3))) {
            t.progress = true;
            return answer_passage(t, *p, {});
        }
    }
    if (opt.rfind("topic:", 0) == 0) return answer_topic(t, opt.substr(6), t.in.text);
    free_text(t);  // an option this config no longer knows: read its label as text
}

void BotCore::free_text(Turn& t) const {
    const Config& c = *config_;
    ConversationState& s = t.state;
    const protocol::Meta& m = t.out.meta;

    if (c.escalation.on_asks_human && has_signal(m, "human")) return hand_over(t, reason::asks_human);
    // A regulated word outranks frustration: a legal threat often reads as angry, and
    // the reason tells the agent what kind of care it needs.
    for (const std::string& w : c.escalation.regulated_words)
        if (contains_phrase(t.lowered, w)) return hand_over(t, reason::regulated_topic);
    if (c.escalation.on_frustrated && has_signal(m, "frustrated")) return hand_over(t, reason::frustrated);

    if (s.lead == LeadStep::email || s.lead == LeadStep::company || s.lead == LeadStep::timeline)
        return lead_step(t);
    if (s.human_offered && is_affirmative(t.lowered)) return hand_over(t, reason::kb_miss);
    s.human_offered = false;

    if (has_signal(m, "closing")) return reply(t, c.texts.closing);
    if (triage::reply_kind(t.in.text) == triage::Reply::acknowledgement) return reply(t, c.texts.thanks);
    if (is_bare_greeting(t.lowered)) {
        s.greeted = true;
        std::vector<Part> parts;
        if (!c.topics.empty()) parts.push_back(quick_replies(c.topics));
        return reply(t, render_template(c.texts.greeting, {{"bot", c.bot_name}}), std::move(parts));
    }
    if (c.lead.enabled && s.lead == LeadStep::none) {
        const bool intent_ok = c.lead.trigger_intents.empty() ||
            std::find(c.lead.trigger_intents.begin(), c.lead.trigger_intents.end(), m.intent) != c.lead.trigger_intents.end();
        for (const std::string& w : c.lead.trigger_words)
            if (contains_phrase(t.lowered, w) && intent_ok) return start_lead(t);
    }
    answer_question(t);
}

void BotCore::answer_topic(Turn& t, const std::string& intent, const std::string& label) const {
    t.out.meta.intent = intent;
    t.out.meta.confidence = 1;
    t.state.intent = intent;
    t.state.confidence = 1;
    t.state.topic = intent;
    Incoming as_text{label, t.out.meta, std::nullopt};
    Turn sub{t.state, as_text, t.out, lower_ascii(label), {}};
    answer_question(sub);
    t.out = std::move(sub.out);
    t.progress = sub.progress;
    t.stuck = sub.stuck;
}

void BotCore::answer_question(Turn& t) const {
    const Config& c = *config_;
    ConversationState& s = t.state;
    const protocol::Meta& m = t.out.meta;
    const auto rule_it = c.intents.find(m.intent);
    const IntentRule* rule = rule_it == c.intents.end() ? nullptr : &rule_it->second;
    const bool confident = m.confidence >= c.escalation.low_confidence;

    if (rule && !rule->use_kb && confident) {
        if (const ReplyTemplate* tpl = choose_template(rule->replies, s.entities)) {
            Entities known = s.entities;
            known["bot"] = c.bot_name;
            // A template answers what the visitor reported; it counts as progress even
            // when two reports in a row get the same one (two different suggestions).
            t.progress = true;
            s.last_passage.clear();
            return reply(t, render_template(tpl->text, known));
        }
    }

    std::vector<KbHit> hits = kb_ ? kb_->search(t.in.text, c.kb.max_choices + 1) : std::vector<KbHit>{};
    hits.erase(std::remove_if(hits.begin(), hits.end(), [&](const KbHit& h) { return h.score < c.kb.min_score; }),
               hits.end());
    if (hits.empty()) {
        // Clearly out of scope ("tell me a joke"): say what the bot knows. An uncertain
        // reading (in scope or out, below the threshold) goes to a person instead.
        if (m.intent.empty() || (m.intent == "oos" && confident)) {
            t.stuck = true;
            std::vector<Part> parts;
            if (!c.topics.empty()) parts.push_back(quick_replies(c.topics));
            return reply(t, c.texts.out_of_scope, std::move(parts));
        }
        if (!confident) return hand_over(t, reason::low_confidence);
        t.stuck = true;
        s.human_offered = true;
        t.out.gap = t.in.text;
        return reply(t, c.texts.kb_miss + " " + c.texts.offer_human,
                     {quick_replies({{"human", "Talk to a person"}, {"no_human", "No thanks"}})});
    }

    // Close runners-up from other sections: ask which one is meant.
    std::vector<const Passage*> close{hits[0].passage};
    for (size_t i = 1; i < hits.size() && static_cast<int>(close.size()) < c.kb.max_choices; ++i)
        if (hits[i].score >= c.kb.close_ratio * hits[0].score && hits[i].passage->heading != hits[0].passage->heading)
            close.push_back(hits[i].passage);
    if (close.size() > 1) {
        t.stuck = true;
        std::vector<Option> options;
        std::string text = c.texts.clarify;
        for (const Passage* p : close) {
            options.push_back({"kb:" + p->id, clip(p->heading, 80)});
            text += "\n- " + p->heading;
        }
        return reply(t, text, {quick_replies(std::move(options))});
    }

    const Passage& best = *hits[0].passage;
    if (best.id == s.last_passage) t.stuck = true;  // the same answer again did not help
    else t.progress = true;
    std::string lead_in;
    if (rule) {
        // A lead-in only names what this very message is about.
        if (const ReplyTemplate* tpl = choose_template(rule->replies, t.fresh)) {
            Entities known = t.fresh;
            known["bot"] = c.bot_name;
            lead_in = render_template(tpl->text, known);
        }
    }
    answer_passage(t, best, lead_in);
}

void BotCore::answer_passage(Turn& t, const Passage& p, const std::string& lead_in) const {
    const Config& c = *config_;
    t.state.last_passage = p.id;
    std::string text;
    if (!lead_in.empty()) text = lead_in + "\n\n";
    else if (!c.texts.kb_intro.empty()) text = c.texts.kb_intro + "\n\n";
    text += clip(p.body, c.kb.max_answer_bytes);
    text += "\n\nSource: " + p.heading + " (" + p.file + ")";
    std::vector<Part> parts;
    if (!c.kb.base_url.empty()) {
        Part b;
        b.kind = Part::Kind::buttons;
        // The id's stem is URL-safe ([A-Za-z0-9_.-]), unlike the file name.
        const std::string stem = p.id.substr(0, p.id.rfind('.'));
        b.buttons.push_back({clip("Read: " + p.title, 80), {}, c.kb.base_url + stem});
        parts.push_back(std::move(b));
    }
    reply(t, std::move(text), std::move(parts), p.file + "#" + p.heading);
}

void BotCore::start_lead(Turn& t) const {
    const LeadRules& l = config_->lead;
    ConversationState& s = t.state;
    t.progress = true;
    if (l.mode == "form") {
        s.lead = LeadStep::form;
        std::vector<FormField> fields = {
            {"email", "Work email", "email", true, {}},
            {"company", "Company", "text", false, {}},
            {"timeline", "When do you plan to start?", "choice", false, l.timelines},
        };
        return reply(t, config_->texts.lead_intro, {form_part("lead", "Send", std::move(fields))});
    }
    s.lead = s.entities.count("email") ? LeadStep::company : LeadStep::email;
    reply(t, config_->texts.lead_intro + " " +
                 (s.lead == LeadStep::email ? config_->texts.lead_ask_email : config_->texts.lead_ask_company));
}

void BotCore::lead_step(Turn& t) const {
    const Texts& x = config_->texts;
    ConversationState& s = t.state;
    switch (s.lead) {
        case LeadStep::email: {
            const std::string email = find_email(t.in.text);
            if (email.empty()) {
                t.stuck = true;
                return reply(t, x.lead_bad_email);
            }
            s.entities["email"] = email;
            s.lead = LeadStep::company;
            t.progress = true;
            return reply(t, x.lead_ask_company);
        }
        case LeadStep::company: {
            std::string company = t.in.text;
            while (!company.empty() && (company.back() == '.' || company.back() == ' ')) company.pop_back();
            s.entities["company"] = company;
            s.lead = LeadStep::timeline;
            t.progress = true;
            std::vector<Option> options;
            for (const Option& o : config_->lead.timelines) options.push_back({"timeline:" + o.id, o.label});
            return reply(t, x.lead_ask_timeline, {quick_replies(std::move(options))});
        }
        case LeadStep::timeline: {
            const Option* o = find_option(config_->lead.timelines, t.lowered, t.lowered);
            s.entities["timeline"] = o ? o->id : t.in.text;
            return finish_lead(t);
        }
        default: return answer_question(t);
    }
}

void BotCore::finish_lead(Turn& t) const {
    const LeadRules& l = config_->lead;
    ConversationState& s = t.state;
    s.lead = LeadStep::done;
    t.progress = true;
    const std::string email = s.entities.count("email") ? s.entities["email"] : "";
    const std::string timeline = s.entities.count("timeline") ? s.entities["timeline"] : "";
    const bool soon = std::find(l.qualified_timelines.begin(), l.qualified_timelines.end(), timeline) !=
                      l.qualified_timelines.end();
    const std::string domain = domain_of(email);
    const bool free_mail = std::find(l.free_email_domains.begin(), l.free_email_domains.end(), domain) !=
                           l.free_email_domains.end();
    // A masked address ("[email]") cannot be judged: its domain is unknown, so it counts.
    const bool business = !l.business_email_required || !free_mail;
    if (soon && business && !email.empty()) return hand_over(t, reason::qualified_lead, l.team);
    Entities known = s.entities;
    known["bot"] = config_->bot_name;
    reply(t, render_template(config_->texts.lead_thanks, known));
}

void BotCore::hand_over(Turn& t, const char* why, std::string team) const {
    const Config& c = *config_;
    ConversationState& s = t.state;
    if (team.empty()) {
        auto it = c.intents.find(s.topic.empty() ? s.intent : s.topic);
        team = it != c.intents.end() && !it->second.team.empty() ? it->second.team : c.escalation.default_team;
    }
    const std::string why_s = why;
    const std::string& say = why_s == reason::frustrated       ? c.texts.handoff_frustrated
                             : why_s == reason::qualified_lead ? c.texts.lead_qualified
                                                               : c.texts.handoff;
    reply(t, say);
    t.out.handoff = Handoff{why, summary(s, why), std::move(team)};
    s.paused = true;
    s.human_offered = false;
}

void BotCore::reply(Turn& t, std::string text, std::vector<Part> parts, std::string source) const {
    // The relay refuses a text over kMaxTextBytes; long templates are cut, not refused.
    text = clip(text, protocol::kMaxTextBytes);
    Reply r;
    r.stream = text.size() >= config_->stream_min_bytes;
    r.text = std::move(text);
    r.parts = std::move(parts);
    r.source = std::move(source);
    t.out.replies.push_back(std::move(r));
}

std::string BotCore::summary(const ConversationState& s, const char* why) const {
    static const std::map<std::string, std::string> because = {
        {reason::asks_human, "the visitor asked for a person"},
        {reason::low_confidence, "the bot was not sure what the visitor wants"},
        {reason::frustrated, "the visitor sounds frustrated"},
        {reason::regulated_topic, "a regulated topic (legal, payment dispute or data protection)"},
        {reason::no_progress, "several bot answers did not help"},
        {reason::qualified_lead, "a qualified sales lead"},
        {reason::kb_miss, "the help centre has no answer and the visitor wants a person"},
    };
    std::string out = "Asked: ";
    for (size_t i = 0; i < s.questions.size(); ++i) out += (i ? " / \"" : "\"") + clip(s.questions[i], 200) + "\"";
    if (s.questions.empty()) out += "(nothing typed)";
    out += ". ";
    if (!s.intent.empty()) {
        char conf[16];
        std::snprintf(conf, sizeof conf, "%.2f", s.confidence);
        out += "Intent: " + s.intent + " (" + conf + "). ";
    }
    if (!s.topic.empty() && s.topic != s.intent) out += "Topic: " + s.topic + ". ";
    if (!s.entities.empty()) {
        out += "Details: ";
        bool first = true;
        for (const auto& [k, v] : s.entities) {
            out += (first ? "" : ", ") + k + " " + clip(v, 120);
            first = false;
        }
        out += ". ";
    }
    auto it = because.find(why);
    out += "Why: " + (it != because.end() ? it->second : std::string(why)) + ".";
    return clip(out, kMaxSummaryBytes);
}

}  // namespace parley::bot
