// replay_transcript / replay_parallel / print_report: what a replay counts and prints,
// with a scripted driver (the drivers themselves are exercised by the transcript suite
// and by ctest bot_transcripts_protocol).
#include <catch2/catch.hpp>

#include <mutex>
#include <sstream>

#include "replay/replay_report.hpp"

using namespace parley::bot::replay;

namespace {

// Answers "hi" with "hello" after `ms` of first token; hands over on "human"; a
// "broken" message comes back with a problem (as a protocol driver reports a relay error).
class Scripted : public BotDriver {
public:
    explicit Scripted(double ms) : ms_(ms) {}
    void start(const std::string&) override {}
    ObservedTurn send(const VisitorTurn& turn) override {
        ObservedTurn o;
        if (turn.text == "broken") {
            o.problem = "relay error 1005: bad reply.to";
            return o;
        }
        o.first_token_ms = ms_;
        o.replies.push_back({turn.text == "human" ? "passing you on" : "hello", nlohmann::json::array(), false});
        if (turn.text == "human") o.handoff = ObservedHandoff{"asks_human", "Asked: human", "general"};
        return o;
    }

private:
    double ms_;
};

Transcript parse(const std::string& name, const std::string& text) {
    auto t = parse_transcript(name, text);
    REQUIRE(t.ok());
    return std::move(t).value();
}

}  // namespace

TEST_CASE("A driver's problem is a miss of its turn, and first tokens are reported", "[bot][replay]") {
    const std::vector<Transcript> ts = {parse("a", "> hi\n< contains: hello\n"),
                                        parse("b", "> hi\n< contains: hello\n> broken\n< no handoff\n"),
                                        parse("c", "> human\n< handoff: asks_human\n")};
    Scripted driver(12);
    const ReplayReport rep = replay_all(ts, driver);
    REQUIRE(rep.misses.size() == 1);
    CHECK(rep.misses[0].transcript == "b");
    CHECK(rep.misses[0].what == "protocol");
    CHECK(rep.misses[0].line == 3);
    CHECK(rep.contained == 2);
    CHECK(rep.escalations.at("asks_human") == 1);
    CHECK(rep.first_token_ms.size() == 3);
    std::ostringstream out;
    print_report(rep, out);
    CHECK(out.str().find("first token   p50 12.0 ms, p95 12.0 ms, max 12.0 ms (3 answers") != std::string::npos);
    CHECK(out.str().find("MISS b.txt:3: protocol: relay error 1005") != std::string::npos);
}

TEST_CASE("Transcripts replayed in parallel are reported in file order, as one by one", "[bot][replay]") {
    std::vector<Transcript> ts;
    for (int i = 0; i < 12; ++i)
        ts.push_back(parse("t" + std::to_string(i), i % 3 ? "> hi\n< contains: hello\n" : "> human\n< handoff: asks_human\n"));
    Scripted one(5);
    const ReplayReport serial = replay_all(ts, one);
    std::mutex mu;
    int drivers = 0;
    const ReplayReport parallel = replay_parallel(
        ts,
        [&]() -> std::unique_ptr<BotDriver> {
            std::lock_guard<std::mutex> lock(mu);
            ++drivers;
            return std::make_unique<Scripted>(5);
        },
        4);
    CHECK(drivers == 4);
    REQUIRE(parallel.results.size() == serial.results.size());
    for (size_t i = 0; i < ts.size(); ++i) CHECK(parallel.results[i].name == serial.results[i].name);
    CHECK(parallel.contained == serial.contained);
    CHECK(parallel.escalations == serial.escalations);
    CHECK(parallel.expectations == serial.expectations);
    CHECK(parallel.misses.empty());
}
