#include "replay/replay_report.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <thread>

namespace parley::bot::replay {

TranscriptResult replay_transcript(const Transcript& t, BotDriver& driver) {
    TranscriptResult r;
    r.name = t.name;
    driver.start(t.name);
    for (const VisitorTurn& v : t.turns) {
        const ObservedTurn o = driver.send(v);
        if (o.handoff && r.handoff_reason.empty()) r.handoff_reason = o.handoff->reason;
        if (o.first_token_ms) r.first_token_ms.push_back(*o.first_token_ms);
        if (!o.problem.empty()) r.misses.push_back(Miss{t.name, v.line, "protocol", o.problem, false});
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

ReplayReport summarise(std::vector<TranscriptResult> results) {
    ReplayReport rep;
    for (TranscriptResult& r : results) {
        rep.expectations += r.expectations;
        if (r.handoff_reason.empty()) ++rep.contained;
        else ++rep.escalations[r.handoff_reason];
        for (const Miss& m : r.misses) {
            rep.wrong_answers += m.wrong_answer;
            rep.misses.push_back(m);
        }
        rep.first_token_ms.insert(rep.first_token_ms.end(), r.first_token_ms.begin(), r.first_token_ms.end());
        rep.results.push_back(std::move(r));
    }
    std::sort(rep.first_token_ms.begin(), rep.first_token_ms.end());
    return rep;
}

ReplayReport replay_all(const std::vector<Transcript>& transcripts, BotDriver& driver) {
    std::vector<TranscriptResult> results;
    for (const Transcript& t : transcripts) results.push_back(replay_transcript(t, driver));
    return summarise(std::move(results));
}

ReplayReport replay_parallel(const std::vector<Transcript>& transcripts,
                             const std::function<std::unique_ptr<BotDriver>()>& make, int workers) {
    std::vector<TranscriptResult> results(transcripts.size());
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < std::max(1, workers); ++w)
        threads.emplace_back([&] {
            std::unique_ptr<BotDriver> driver = make();
            for (std::size_t i; (i = next++) < transcripts.size();)
                results[i] = replay_transcript(transcripts[i], *driver);
        });
    for (std::thread& t : threads) t.join();
    return summarise(std::move(results));
}

namespace {

double percentile(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return 0;
    const size_t i = static_cast<size_t>(std::ceil(q * double(sorted.size())));
    return sorted[std::min(sorted.size() - 1, i == 0 ? 0 : i - 1)];
}

}  // namespace

void print_report(const ReplayReport& rep, std::ostream& out) {
    char line[200];
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
        if (m.wrong_answer) out << "  wrong: " << m.transcript << ".txt:" << m.line << ": " << m.what << "\n";
    if (!rep.first_token_ms.empty()) {
        const auto& t = rep.first_token_ms;
        std::snprintf(line, sizeof line,
                      "first token   p50 %.1f ms, p95 %.1f ms, max %.1f ms (%zu answers; visitor send -> first "
                      "bot delta or message)\n",
                      percentile(t, 0.50), percentile(t, 0.95), t.back(), t.size());
        out << line;
    }
    if (rep.seconds > 0) {
        std::snprintf(line, sizeof line, "replayed in   %.1f s\n", rep.seconds);
        out << line;
    }
    for (const Miss& m : rep.misses)
        out << "MISS " << m.transcript << ".txt:" << m.line << ": " << m.what << ": " << m.why << "\n";
}

}  // namespace parley::bot::replay
