// parley-bot-replay: runs transcript files through the house bot and prints
// containment, escalations by reason, wrong answers and every expectation missed. Exit
// 0 when all expectations hold, 1 when one is missed, 2 on bad usage, unreadable input
// or a rig that does not start.
//
//   parley-bot-replay --config deploy/bot/bot.toml --transcripts DIR [--model FILE] [--verbose]
//       the pure core in-process, fed as the relay would (core_driver.hpp)
//   parley-bot-replay --protocol --relay-bin PATH --bot-bin PATH --config FILE --transcripts DIR
//                     [--jobs N] [--work-dir DIR] [--verbose]
//       a real relay and the real parley-bot program, each transcript's visitor a real
//       client over WebSocket, N at once (default 8); adds the time to the bot's first
//       token (protocol_driver.hpp). --work-dir keeps the data dir and the logs there.
//
// --verbose prints every turn: the visitor's message, the triage reading, the bot's
// replies (quick replies in brackets) and any handoff.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include <chrono>
#include <mutex>
#include <sstream>

#include "config_file.hpp"
#include "knowledge_base.hpp"
#include "replay/protocol_driver.hpp"
#include "replay/replay_report.hpp"

using namespace parley::bot;

namespace {

[[noreturn]] void die(const std::string& msg) {
    std::fprintf(stderr, "parley-bot-replay: %s\n", msg.c_str());
    std::exit(2);
}

std::mutex print_mu;

// Prints each turn as it passes to the real driver, a transcript at a time (workers
// replaying in parallel do not interleave their lines).
class VerboseDriver : public replay::BotDriver {
public:
    explicit VerboseDriver(replay::BotDriver& inner) : inner_(inner) {}
    ~VerboseDriver() override { flush(); }
    void start(const std::string& name) override {
        flush();
        out_ << "== " << name << "\n";
        inner_.start(name);
    }
    replay::ObservedTurn send(const replay::VisitorTurn& turn) override {
        replay::ObservedTurn o = inner_.send(turn);
        out_ << "> " << turn.text << "   [" << o.intent << "]";
        if (o.first_token_ms) out_ << "  first token " << static_cast<int>(*o.first_token_ms) << " ms";
        out_ << "\n";
        for (const auto& r : o.replies) {
            out_ << "< " << r.text;
            for (const auto& p : r.parts) out_ << "  " << p.dump();
            out_ << (r.streamed ? "  (streamed)" : "") << "\n";
        }
        if (o.handoff) out_ << "  HANDOFF " << o.handoff->reason << " team=" << o.handoff->team << ": " << o.handoff->summary << "\n";
        if (o.gap_recorded) out_ << "  GAP\n";
        if (!o.problem.empty()) out_ << "  PROBLEM " << o.problem << "\n";
        return o;
    }

    void flush() {
        std::lock_guard<std::mutex> lock(print_mu);
        std::cout << out_.str() << std::flush;
        out_.str({});
    }

private:
    replay::BotDriver& inner_;
    std::ostringstream out_;
};

// A protocol driver that owns its verbose wrapper (one per worker).
class OwnedVerbose : public VerboseDriver {
public:
    explicit OwnedVerbose(std::unique_ptr<replay::BotDriver> inner) : VerboseDriver(*inner), inner_(std::move(inner)) {}
    ~OwnedVerbose() override = default;

private:
    std::unique_ptr<replay::BotDriver> inner_;
};

}  // namespace

int main(int argc, char** argv) {
    std::string config_path, transcripts, model_path;
    bool verbose = false, protocol = false;
    int jobs = 8;
    replay::RigOptions rig;
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
        else if (a == "--protocol") protocol = true;
        else if (a == "--relay-bin") rig.relay_bin = next();
        else if (a == "--bot-bin") rig.bot_bin = next();
        else if (a == "--work-dir") rig.work_dir = next();
        else if (a == "--jobs") jobs = std::atoi(next().c_str());
        else die("unknown option " + a + " (usage: --config FILE --transcripts DIR [--model FILE])");
    }
    if (config_path.empty() || transcripts.empty()) die("usage: --config FILE --transcripts DIR [--model FILE]");
    if (protocol) {
        if (rig.relay_bin.empty() || rig.bot_bin.empty()) die("--protocol needs --relay-bin and --bot-bin");
        if (jobs < 1 || jobs > 64) die("--jobs is 1-64");
        auto list = replay::load_transcripts(transcripts);
        if (!list) die(list.error().detail);
        rig.bot_config = config_path;
        replay::ProtocolRig running(rig);
        const auto t0 = std::chrono::steady_clock::now();
        if (std::string problem = running.start(); !problem.empty()) {
            // Returned, not exit()ed: the rig's destructor stops the programs and its thread.
            std::fprintf(stderr, "parley-bot-replay: cannot start the relay and parley-bot: %s\n", problem.c_str());
            return 2;
        }
        std::cout << "relay " << running.relay_url() << " and parley-bot up in "
                  << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count()
                  << " ms; " << list.value().size() << " transcripts, " << jobs << " visitors at once" << std::endl;
        const auto t1 = std::chrono::steady_clock::now();
        replay::ReplayReport report = replay::replay_parallel(
            list.value(),
            [&]() -> std::unique_ptr<replay::BotDriver> {
                auto d = std::make_unique<replay::ProtocolDriver>(running);
                if (!verbose) return d;
                return std::make_unique<OwnedVerbose>(std::move(d));
            },
            jobs);
        report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
        replay::print_report(report, std::cout);
        if (!report.passed()) {
            // What the bot said about it: its log names each conversation's actions.
            const std::string log = running.bot_log();
            std::cout << "parley-bot's log (last 3000 bytes):\n" << log.substr(log.size() > 3000 ? log.size() - 3000 : 0);
        }
        return report.passed() ? 0 : 1;
    }

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
    loud.flush();
    replay::print_report(report, std::cout);
    return report.passed() ? 0 : 1;
}
