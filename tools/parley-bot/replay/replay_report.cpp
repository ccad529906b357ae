#include "replay/replay_report.hpp"

#include <cstdio>

namespace parley::bot::replay {

TranscriptResult replay_transcript(const Transcript& t, BotDriver& driver) {
    TranscriptResult r;
    r.name = t.name;
    driver.start(t.name);
    for (const VisitorTurn& v : t.turns) {
        const ObservedTurn o = driver.send(v);
        if (o.handoff && r.handoff_reason.empty()) r.handoff_reason = o.handoff->reason;
        for (const Expectation& e : v.expect) {
            ++r.expectations;
            std::string why = check(e, o);
            if (why.empty()) continue;
            Miss m;
            m.transcript = t.name;
            m.line = e.line;
            m.what = std::string(kind_name(e.kind)) + (e.arg.empty() ? "" : ": " + e.arg);
            m.why = std::move(why);
            m.wrong_answer = is_answer_expectation(e.kind) && !o.replies.empty() && !o.handoff;
            r.misses.push_back(std::move(m));
        }
    }
    return r;
}

ReplayReport replay_all(const std::vector<Transcript>& transcripts, BotDriver& driver) {
    ReplayReport rep;
    for (const Transcript& t : transcripts) {
        TranscriptResult r = replay_transcript(t, driver);
        rep.expectations += r.expectations;
        if (r.handoff_reason.empty()) ++rep.contained;
        else ++rep.escalations[r.handoff_reason];
        for (const Miss& m : r.misses) {
            rep.wrong_answers += m.wrong_answer;
            rep.misses.push_back(m);
        }
        rep.results.push_back(std::move(r));
    }
    return rep;
}

void print_report(const ReplayReport& rep, std::ostream& out) {
    char line[160];
    std::snprintf(line, sizeof line, "conversations %zu, expectations %d, missed %zu\n", rep.results.size(),
                  rep.expectations, rep.misses.size());
    out << line;
    std::snprintf(line, sizeof line, "containment   %.1f %% (%d of %zu ended with the bot)\n",
                  100.0 * rep.containment(), rep.contained, rep.results.size());
    out << line;
    out << "escalations  ";
    if (rep.escalations.empty()) out << " none";
    for (const auto& [reason, n] : rep.escalations) out << ' ' << reason << ' ' << n;
    out << "\nwrong answers " << rep.wrong_answers << "\n";
    for (const Miss& m : rep.misses)
        out << "MISS " << m.transcript << ".txt:" << m.line << ": " << m.what << ": " << m.why << "\n";
}

}  // namespace parley::bot::replay
