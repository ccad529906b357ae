#include "replay/expectations.hpp"

#include "entities.hpp"

namespace parley::bot::replay {

namespace {

bool contains_ci(const std::string& hay, const std::string& needle) {
    return lower_ascii(hay).find(lower_ascii(needle)) != std::string::npos;
}

std::string all_text(const ObservedTurn& o) {
    std::string s;
    for (const ObservedReply& r : o.replies) s += (s.empty() ? "" : " | ") + r.text;
    return s;
}

std::string quote(const std::string& s) {
    return "\"" + (s.size() > 160 ? s.substr(0, 160) + "…" : s) + "\"";
}

std::vector<std::string> offered_ids(const ObservedTurn& o) {
    std::vector<std::string> ids;
    for (const ObservedReply& r : o.replies)
        for (const auto& p : r.parts) {
            if (p.value("kind", "") == "quick_replies")
                for (const auto& opt : p.value("options", nlohmann::json::array())) ids.push_back(opt.value("id", ""));
            if (p.value("kind", "") == "buttons")
                for (const auto& b : p.value("buttons", nlohmann::json::array()))
                    if (b.contains("id")) ids.push_back(b.value("id", ""));
        }
    return ids;
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
    return s.empty() ? "none" : s;
}

}  // namespace

bool is_answer_expectation(Expectation::Kind kind) {
    using K = Expectation::Kind;
    return kind == K::contains || kind == K::not_contains || kind == K::source || kind == K::clarifies ||
           kind == K::quick_replies || kind == K::form;
}

std::string source_of(const std::string& text) {
    const size_t at = text.rfind("Source: ");
    if (at == std::string::npos) return {};
    const std::string line = text.substr(at + 8, text.find('\n', at) - (at + 8));
    const size_t open = line.rfind(" (");
    if (open == std::string::npos || line.back() != ')') return {};
    return line.substr(open + 2, line.size() - open - 3) + "#" + line.substr(0, open);
}

std::string check(const Expectation& e, const ObservedTurn& o) {
    using K = Expectation::Kind;
    switch (e.kind) {
        case K::contains:
            for (const ObservedReply& r : o.replies)
                if (contains_ci(r.text, e.arg)) return {};
            return "no reply contains " + quote(e.arg) + "; the bot said " + quote(all_text(o));
        case K::not_contains:
            for (const ObservedReply& r : o.replies)
                if (contains_ci(r.text, e.arg)) return "a reply contains " + quote(e.arg) + ": " + quote(r.text);
            return {};
        case K::source: {
            std::string seen;
            for (const ObservedReply& r : o.replies) {
                const std::string s = source_of(r.text);
                if (s.empty()) continue;
                // "file.md" matches any section of the file; "file.md#Heading" that one.
                if (s == e.arg || (e.arg.find('#') == std::string::npos && s.rfind(e.arg + "#", 0) == 0)) return {};
                seen += (seen.empty() ? "" : ", ") + s;
            }
            return "expected an answer from " + e.arg + ", got " + (seen.empty() ? quote(all_text(o)) : seen);
        }
        case K::quick_replies: {
            const std::vector<std::string> ids = offered_ids(o);
            for (const std::string& want : e.ids)
                if (std::find(ids.begin(), ids.end(), want) == ids.end())
                    return "quick reply " + want + " not offered (offered: " + join(ids) + ")";
            return {};
        }
        case K::clarifies: {
            int kb = 0;
            for (const std::string& id : offered_ids(o)) kb += id.rfind("kb:", 0) == 0;
            return kb >= 2 ? std::string() : "no clarifying question (offered: " + join(offered_ids(o)) + "); said " + quote(all_text(o));
        }
        case K::form:
            for (const ObservedReply& r : o.replies)
                for (const auto& p : r.parts)
                    if (p.value("kind", "") == "form" && p.value("id", "") == e.arg) return {};
            return "no form " + e.arg + "; said " + quote(all_text(o));
        case K::handoff:
            if (!o.handoff) return "expected a handoff (" + e.arg + "), none; said " + quote(all_text(o));
            return o.handoff->reason == e.arg ? std::string() : "handoff reason " + o.handoff->reason + ", expected " + e.arg;
        case K::team:
            if (!o.handoff) return "expected a handoff to team " + e.arg + ", none";
            return o.handoff->team == e.arg ? std::string() : "handoff to team " + quote(o.handoff->team) + ", expected " + e.arg;
        case K::summary_contains:
            if (!o.handoff) return "expected a handoff summary, no handoff";
            return contains_ci(o.handoff->summary, e.arg) ? std::string()
                                                          : "summary lacks " + quote(e.arg) + ": " + quote(o.handoff->summary);
        case K::no_handoff:
            return o.handoff ? "unexpected handoff (" + o.handoff->reason + "): " + quote(o.handoff->summary) : std::string();
        case K::gap: return o.gap_recorded ? std::string() : "no knowledge gap recorded";
        case K::silent: return o.replies.empty() ? std::string() : "expected silence, the bot said " + quote(all_text(o));
        case K::streamed:
            return !o.replies.empty() && o.replies.front().streamed ? std::string() : "the reply was not streamed";
    }
    return "unknown expectation";
}

}  // namespace parley::bot::replay
