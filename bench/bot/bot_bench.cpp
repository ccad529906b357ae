// bot_bench: CPU per answer of the house bot's pure core (issue #16), with the demo
// rules and help centre (deploy/bot). Each visitor message of data/triage/holdout.csv
// (185 real-looking phrasings, every intent) opens a fresh conversation and is decided:
//   core      meta given (as the relay sends it): entities, rules, the FTS5/bm25 query,
//             the reply or handoff;
//   +triage   the same with the message classified here (no meta), as for a relay
//             without a model.
// Reports per-answer wall time p50/p99 and process CPU per answer (getrusage).
//
//   build/bench/bot/bot_bench [rounds]     (default 20 rounds over the 185 messages)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bot_core.hpp"
#include "config_file.hpp"
#include "knowledge_base.hpp"
#include "parley/triage/analysis.hpp"

using namespace parley::bot;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string& m) {
    std::fprintf(stderr, "bot_bench: %s\n", m.c_str());
    std::exit(2);
}

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The text column of holdout.csv (RFC 4180: quoted fields may hold commas).
std::vector<std::string> holdout_texts(const std::string& path) {
    std::ifstream in(path);
    if (!in) die("cannot read " + path);
    std::vector<std::string> out;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        std::string text;
        if (!line.empty() && line[0] == '"') {
            size_t i = 1;
            for (; i < line.size(); ++i) {
                if (line[i] == '"' && i + 1 < line.size() && line[i + 1] == '"') text += '"', ++i;
                else if (line[i] == '"') break;
                else text += line[i];
            }
        } else {
            text = line.substr(0, line.rfind(','));
        }
        if (!text.empty()) out.push_back(text);
    }
    return out;
}

struct Run {
    std::vector<double> us;
    double cpu_us_per_answer = 0;
};

Run run(const BotCore& core, const std::vector<Incoming>& inputs, int rounds) {
    Run r;
    r.us.reserve(inputs.size() * rounds);
    const double cpu0 = cpu_seconds();
    for (int k = 0; k < rounds; ++k)
        for (const Incoming& in : inputs) {
            ConversationState s;
            const auto t0 = Clock::now();
            const Decision d = core.on_message(s, in, 1000);
            const auto t1 = Clock::now();
            if (d.replies.empty() && !d.handoff) die("no decision for: " + in.text);
            r.us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        }
    r.cpu_us_per_answer = (cpu_seconds() - cpu0) * 1e6 / double(r.us.size());
    std::sort(r.us.begin(), r.us.end());
    return r;
}

double pct(const std::vector<double>& v, double p) {
    return v[std::min(v.size() - 1, static_cast<size_t>(std::ceil(p * double(v.size())) - 1))];
}

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 20;
    const std::string src = PARLEY_SOURCE_DIR;
    auto config = ConfigFile::open(src + "/deploy/bot/bot.toml");
    if (!config) die(config.error().detail);
    auto kb = KnowledgeBase::load(src + "/deploy/bot/kb");
    if (!kb) die(kb.error().detail);
    std::ifstream mf(PARLEY_BUILD_TRIAGE_MODEL, std::ios::binary);
    const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(mf)), std::istreambuf_iterator<char>());
    auto model = parley::triage::Model::load(bytes.data(), bytes.size());
    if (!model) die("cannot load the default triage model");

    const std::vector<std::string> texts = holdout_texts(src + "/data/triage/holdout.csv");
    std::vector<Incoming> with_meta, without_meta;
    for (const std::string& t : texts) {
        const parley::triage::Analysis a = parley::triage::analyze(model.value(), t, 1);
        with_meta.push_back({t, parley::protocol::Meta{a.intent, a.confidence, a.signals}, std::nullopt});
        without_meta.push_back({t, std::nullopt, std::nullopt});
    }
    const BotCore core(config.value().config(), &kb.value(), &model.value());
    run(core, with_meta, 1);  // warm-up: regexes, statement caches, page faults
    const Run a = run(core, with_meta, rounds);
    const Run b = run(core, without_meta, rounds);
    std::printf("bot_bench: %zu messages x %d rounds, %zu passages in the KB\n", texts.size(), rounds,
                kb.value().passages().size());
    std::printf("%-8s %10s %10s %10s %14s\n", "", "p50 us", "p99 us", "max us", "CPU us/answer");
    std::printf("%-8s %10.1f %10.1f %10.1f %14.1f\n", "core", pct(a.us, 0.5), pct(a.us, 0.99), a.us.back(),
                a.cpu_us_per_answer);
    std::printf("%-8s %10.1f %10.1f %10.1f %14.1f\n", "+triage", pct(b.us, 0.5), pct(b.us, 0.99), b.us.back(),
                b.cpu_us_per_answer);
    return 0;
}
