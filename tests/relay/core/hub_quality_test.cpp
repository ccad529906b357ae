// Quality flags through the Hub (issue 18, core/hub_quality.cpp): raised as it happens
// from what the Hub records — a frustrated visitor (triage's signal, with the relay's
// default model), a compliance word in any visible message, the bot's knowledge-gap
// handoff, a long wait in a queue on the tick — once per conversation and kind while
// open, again after a review; never for an internal note.
#include <fstream>
#include <iterator>

#include <catch2/catch.hpp>

#include "auth/bot_keys.hpp"
#include "core/message_triage.hpp"
#include "support/default_model.hpp"
#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
namespace tri = parley::triage;

namespace {

struct QualityHub {
    MessageTriage triage{&default_model(), default_mask_policy()};
    HubHarness h{config(triage)};
    static HubConfig config(const MessageTriage& t) {
        HubConfig c = HubHarness::config();
        c.triage = &t;
        c.quality.compliance_words = quality::normalize_words({"lawyer", "guaranteed refund"});
        c.quality.long_wait_ms = 300'000;
        c.quality.check_every_ms = 5'000;
        return c;
    }
    std::vector<QualityFlag> flags() {
        auto all = h.store.flags_before(0, false, 100);
        REQUIRE(all.ok());
        return std::vector<QualityFlag>(all.value().rbegin(), all.value().rend());  // oldest first
    }
};

}  // namespace

TEST_CASE("a frustrated visitor raises one open negative_sentiment flag, and another after a review",
          "[hub][quality]") {
    QualityHub q;
    auto& h = q.h;
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    const std::string conv = *w.conv;
    h.send(v, p::Send{conv, "v.1", "hello, a question about my invoice"});
    CHECK(q.flags().empty());
    h.send(v, p::Send{conv, "v.2", "THIS IS RIDICULOUS!!! still not working, worst service ever"});
    auto flags = q.flags();
    REQUIRE(flags.size() == 1);
    CHECK(flags[0].kind == "negative_sentiment");
    CHECK(flags[0].conv == conv);
    CHECK(flags[0].seq == 2);
    CHECK(flags[0].detail.empty());  // never the message's text
    h.send(v, p::Send{conv, "v.3", "I am furious, this is useless!!!"});
    CHECK(q.flags().size() == 1);  // still open: not raised again
    REQUIRE(h.store.review_flag(flags[0].id, "a_sue", h.now).value());
    h.send(v, p::Send{conv, "v.4", "still broken!!! terrible, awful service"});
    CHECK(q.flags().size() == 2);
}

TEST_CASE("a compliance word in a visitor's or an agent's message raises a flag naming who and the word, not in "
          "an internal note",
          "[hub][quality]") {
    QualityHub q;
    auto& h = q.h;
    const ConnId ann = h.agent(h.make_agent("a_ann", "ann@example.com", "Ann"));
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    const std::string conv = *w.conv;
    h.send(v, p::Send{conv, "v.1", "hello"});
    h.send(ann, p::Note{conv, "a.1", "careful, they mentioned a Lawyer before"});
    CHECK(q.flags().empty());
    h.send(ann, p::Send{conv, "a.2", "This comes with a GUARANTEED refund."});
    auto flags = q.flags();
    REQUIRE(flags.size() == 1);
    CHECK(flags[0].kind == "compliance");
    CHECK(flags[0].detail == "agent: guaranteed refund");
    CHECK(flags[0].seq == 3);
    // Open already: the visitor's word does not raise a second compliance flag.
    h.send(v, p::Send{conv, "v.2", "my lawyer asked me to keep a copy, thank you"});
    CHECK(q.flags().size() == 1);
}

TEST_CASE("the bot's knowledge-gap handoff raises a knowledge_gap flag; another reason does not", "[hub][quality]") {
    QualityHub q;
    auto& h = q.h;
    const std::string key = "pk_" + std::string(43, 'B');
    REQUIRE(h.store.create_bot_key(BotKey{"helper", "Helper", bot_key_hash(key), h.now, 0}).ok());
    const ConnId bot = h.open();
    h.send(bot, p::Hello{"bot", std::nullopt, std::nullopt, std::nullopt, key});
    h.drain(bot);
    std::string convs[2];
    for (std::string& conv : convs) {
        p::Welcome w;
        const ConnId v = h.visitor(&w);
        conv = *w.conv;
        h.send(v, p::Send{conv, "v.1", "what does the pro plan cost?"});
    }
    h.send(bot, p::Handoff{convs[0], "asks_human", "", std::nullopt});
    h.send(bot, p::Handoff{convs[1], "kb_miss", "No article on SSO.", std::nullopt});
    const auto flags = q.flags();
    REQUIRE(flags.size() == 1);
    CHECK(flags[0].kind == "knowledge_gap");
    CHECK(flags[0].conv == convs[1]);
    CHECK(flags[0].detail == "kb_miss");
}

TEST_CASE("a conversation waiting in a queue past the limit raises one long_wait flag on the tick",
          "[hub][quality]") {
    QualityHub q;
    auto& h = q.h;
    p::Welcome w;
    const ConnId v = h.visitor(&w);
    const std::string conv = *w.conv;
    h.send(v, p::Send{conv, "v.1", "is anyone there?"});  // no agent online: queued
    h.now += 299'000;
    h.hub.tick(h.now);
    CHECK(q.flags().empty());
    h.now += 6'000;
    h.hub.tick(h.now);
    auto flags = q.flags();
    REQUIRE(flags.size() == 1);
    CHECK(flags[0].kind == "long_wait");
    CHECK(flags[0].conv == conv);
    CHECK(flags[0].detail == "305 s in general");
    h.now += 60'000;
    h.hub.tick(h.now);
    CHECK(q.flags().size() == 1);  // open: not raised again
}
