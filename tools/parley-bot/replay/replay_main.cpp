// parley-bot-replay: runs transcript files through the house bot's pure core, as the
// relay would feed it, and prints containment, escalations by reason, wrong answers
// and every expectation missed. Exit 0 when all expectations hold, 1 when one is
// missed, 2 on bad usage or unreadable input.
//
//   parley-bot-replay --config deploy/bot/bot.toml --transcripts DIR [--model FILE] [--verbose]
//
// --verbose prints every turn: the visitor's message, the triage reading, the bot's
// replies (quick replies in brackets) and any handoff.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include "config_file.hpp"
#include "knowledge_base.hpp"
#include "replay/replay_report.hpp"

using namespace parley::bot;

namespace {

[[noreturn]] void die(const std::string& msg) {
    std::fprintf(stderr, "parley-bot-replay: %s\n", msg.c_str());
    std::exit(2);
}

// Prints each turn as it passes to the real driver.
class VerboseDriver : public replay::BotDriver {
public:
    explicit VerboseDriver(replay::BotDriver& inner) : inner_(inner) {}
    void start(const std::string& name) override {
        std::cout << "== " << name << "\n";
        inner_.start(name);
    }
    replay::ObservedTurn send(const replay::VisitorTurn& turn) override {
        replay::ObservedTurn o = inner_.send(turn);
        std::cout << "> " << turn.text << "   [" << o.intent << "]\n";
        for (const auto& r : o.replies) {
            std::cout << "< " << r.text;
            for (const auto& p : r.parts) std::cout << "  " << p.dump();
            std::cout << (r.streamed ? "  (streamed)" : "") << "\n";
        }
        if (o.handoff) std::cout << "  HANDOFF " << o.handoff->reason << " team=" << o.handoff->team << ": " << o.handoff->summary << "\n";
        if (o.gap_recorded) std::cout << "  GAP\n";
        return o;
    }

private:
    replay::BotDriver& inner_;
};

}  // namespace

int main(int argc, char** argv) {
    std::string config_path, transcripts, model_path;
    bool verbose = false;
#ifdef PARLEY_BUILD_TRIAGE_MODEL
    model_path = PARLEY_BUILD_TRIAGE_MODEL;
#endif
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) die(a + " needs a value");
            return argv[++i];
        };
        if (a == "--config") config_path = next();
        else if (a == "--transcripts") transcripts = next();
        else if (a == "--model") model_path = next();
        else if (a == "--verbose") verbose = true;
        else die("unknown option " + a + " (usage: --config FILE --transcripts DIR [--model FILE])");
    }
    if (config_path.empty() || transcripts.empty()) die("usage: --config FILE --transcripts DIR [--model FILE]");

    auto config = ConfigFile::open(config_path);
    if (!config) die(config.error().detail);
    const std::string kb_dir = (config.value().base_dir() / config.value().config()->kb.dir).string();
    auto kb = KnowledgeBase::load(kb_dir);
    if (!kb) die(kb.error().detail);
    std::ifstream in(model_path, std::ios::binary);
    if (!in) die("cannot read the triage model " + model_path);
    const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto model = parley::triage::Model::load(bytes.data(), bytes.size());
    if (!model) die(model_path + ": " + model.error().detail);
    auto gaps = GapLog::open(":memory:");
    if (!gaps) die(gaps.error().detail);
    auto list = replay::load_transcripts(transcripts);
    if (!list) die(list.error().detail);

    const BotCore core(config.value().config(), &kb.value(), &model.value());
    replay::CoreDriver driver(core, &model.value(), gaps.value());
    VerboseDriver loud(driver);
    const replay::ReplayReport report =
        replay::replay_all(list.value(), verbose ? static_cast<replay::BotDriver&>(loud) : driver);
    replay::print_report(report, std::cout);
    return report.passed() ? 0 : 1;
}
