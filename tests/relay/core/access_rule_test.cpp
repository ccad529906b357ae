// The visibility rule (relay/core/access_rule.hpp) on its own: levels and refusals for
// the cases the Hub's matrix (hub_access_test.cpp) cannot reach cheaply.
#include <catch2/catch.hpp>

#include "core/access_rule.hpp"

using namespace parley::relay;
using parley::protocol::ErrorCode;
using parley::route::ConvState;
using parley::route::ConvView;
using parley::route::Turn;

namespace {

const std::vector<std::string> kGeneral{"general"};

Viewer agent(std::string_view id, const std::vector<std::string>* teams = &kGeneral) {
    return Viewer{Viewer::Role::agent, id, {}, teams};
}
ConvFacts conv(ConvState state, std::string agent = "", std::string previous = "", std::string team = "general") {
    return ConvFacts{"c_1", true, ConvView{state, Turn::Agent, std::move(team), std::move(agent), std::move(previous)}};
}

}  // namespace

TEST_CASE("an inactive conversation stays its owner's to write, and a teammate's to read", "[access]") {
    CHECK(access_level(agent("ann"), conv(ConvState::Inactive, "ann")) == AccessLevel::write);
    CHECK(access_level(agent("gus"), conv(ConvState::Inactive, "ann")) == AccessLevel::look);
    CHECK(access_level(agent("bill", nullptr), conv(ConvState::Inactive, "ann")) == AccessLevel::none);
}

TEST_CASE("a previous owner keeps nothing once the conversation moved to another team", "[access]") {
    const std::vector<std::string> billing{"billing"};
    // Ann (general) handed it to team billing: only its new team and owner see it.
    CHECK(access_level(agent("ann"), conv(ConvState::Assigned, "bill", "ann", "billing")) == AccessLevel::none);
    CHECK(access_level(agent("bill", &billing), conv(ConvState::Assigned, "bill", "ann", "billing")) ==
          AccessLevel::write);
    SECTION("but the agent who held a closed one last may reopen it, whatever its team") {
        CHECK(access_level(agent("ann"), conv(ConvState::Closed, "", "ann", "billing")) == AccessLevel::write);
        CHECK(!refusal(agent("ann"), conv(ConvState::Closed, "", "ann", "billing"), ConvAct::reopen));
    }
}

TEST_CASE("a conversation with the bot is the team's to take, like a queued one", "[access]") {
    CHECK(access_level(agent("gus"), conv(ConvState::Bot)) == AccessLevel::write);
    CHECK(listed(agent("gus"), conv(ConvState::Queued).routing));
    CHECK_FALSE(listed(agent("gus"), conv(ConvState::Bot).routing));  // not waiting for a human
}

TEST_CASE("a conversation never routed is nobody's but supervisors'", "[access]") {
    const ConvFacts fresh{"c_1", true, std::nullopt};
    CHECK(access_level(agent("ann"), fresh) == AccessLevel::none);
    CHECK_FALSE(listed(agent("ann"), fresh.routing));
    const Viewer sue{Viewer::Role::supervisor, "sue", {}, nullptr};
    CHECK(access_level(sue, fresh) == AccessLevel::write);
    CHECK(listed(sue, fresh.routing));
}

TEST_CASE("refusals say 2004 whether or not the id exists; only supervisors learn it is unknown", "[access]") {
    const ConvFacts missing{"c_2", false, std::nullopt};
    const Viewer sue{Viewer::Role::supervisor, "sue", {}, nullptr};
    const Viewer ada{Viewer::Role::visitor, {}, "c_1", nullptr};
    for (ConvAct act : {ConvAct::send, ConvAct::sync, ConvAct::transfer}) {
        CHECK(refusal(agent("ann"), missing, act)->code == ErrorCode::forbidden);
        CHECK(refusal(ada, missing, act)->code == ErrorCode::forbidden);
        CHECK(refusal(sue, missing, act)->code == ErrorCode::unknown_conversation);
    }
    SECTION("a visitor's own conversation that vanished is still not theirs to probe") {
        CHECK(refusal(ada, ConvFacts{"c_1", false, std::nullopt}, ConvAct::sync)->code == ErrorCode::forbidden);
    }
    SECTION("agent-only frames are refused to a visitor even on their own conversation") {
        const ConvFacts own{"c_1", true, std::nullopt};
        CHECK_FALSE(refusal(ada, own, ConvAct::send));
        for (ConvAct act : {ConvAct::note, ConvAct::transfer, ConvAct::close, ConvAct::reopen})
            CHECK(refusal(ada, own, act)->code == ErrorCode::forbidden);
    }
}

TEST_CASE("a bot may name a conversation only while it is with the bot, and never for agent-only frames",
          "[access][bots]") {
    const Viewer bot{Viewer::Role::bot, "b_helper", {}, nullptr};
    CHECK(access_level(bot, conv(ConvState::Bot)) == AccessLevel::write);
    CHECK(listed(bot, conv(ConvState::Bot).routing));
    for (ConvState s : {ConvState::Queued, ConvState::Assigned, ConvState::Inactive, ConvState::Closed}) {
        CHECK(access_level(bot, conv(s, "ann")) == AccessLevel::none);
        CHECK_FALSE(listed(bot, conv(s, "ann").routing));
        CHECK(refusal(bot, conv(s, "ann"), ConvAct::send)->code == ErrorCode::forbidden);
    }
    CHECK(access_level(bot, ConvFacts{"c_1", true, std::nullopt}) == AccessLevel::none);
    CHECK(refusal(bot, ConvFacts{"c_2", false, std::nullopt}, ConvAct::send)->code == ErrorCode::forbidden);
    for (ConvAct act : {ConvAct::note, ConvAct::transfer, ConvAct::close, ConvAct::reopen, ConvAct::handback})
        CHECK(refusal(bot, conv(ConvState::Bot), act)->code == ErrorCode::forbidden);
    CHECK_FALSE(refusal(bot, conv(ConvState::Bot), ConvAct::handoff));
    SECTION("and nobody but a bot hands off") {
        const Viewer sue{Viewer::Role::supervisor, "sue", {}, nullptr};
        const Viewer ada{Viewer::Role::visitor, {}, "c_1", nullptr};
        CHECK(refusal(sue, conv(ConvState::Bot), ConvAct::handoff)->code == ErrorCode::forbidden);
        CHECK(refusal(ada, conv(ConvState::Bot), ConvAct::handoff)->code == ErrorCode::forbidden);
        CHECK(refusal(agent("ann"), conv(ConvState::Bot), ConvAct::handoff)->code == ErrorCode::forbidden);
    }
}
