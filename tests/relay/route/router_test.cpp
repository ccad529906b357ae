// The routing engine as a specification: every rule of PRODUCT.md P4 on a virtual clock.
#include <catch2/catch.hpp>

#include <tuple>
#include <vector>

#include "route_fixture.hpp"

using namespace parley::route;
using namespace parley::route::test;

namespace {

RouterConfig config() {
    RouterConfig cfg;
    cfg.inactive_after_ms = 5 * kMin;
    cfg.away_grace_ms = 2 * kMin;
    cfg.offline_grace_ms = 1 * kMin;
    cfg.initial_hold_ms = 10 * kMin;
    cfg.rules = {{"billing", "", "billing", {}}, {"", "/docs/api", "tech", {}}};
    return cfg;
}

}  // namespace

// ---- spreading new conversations ------------------------------------------------------

SCENARIO("New conversations are spread least loaded first, ties broken fairly", "[route][spread]") {
    GIVEN("three available agents with preferred concurrency 2") {
        Fixture f(config());
        f.agent("ann");
        f.agent("bob");
        f.agent("cid");
        WHEN("three conversations arrive") {
            f.open("c1");
            f.open("c2");
            f.open("c3");
            THEN("each agent gets one: ties go to whoever was assigned least recently") {
                CHECK(f.owner("c1") == "ann");
                CHECK(f.owner("c2") == "bob");
                CHECK(f.owner("c3") == "cid");
            }
            AND_WHEN("bob's conversation closes and two more arrive") {
                f.router.close("c2", CloseReason::Agent, f.t);
                auto o4 = f.open("c4");
                auto o5 = f.open("c5");
                THEN("the least loaded agent comes first, then the least recently assigned") {
                    CHECK(first<Assigned>(o4).agent == "bob");
                    CHECK(first<Assigned>(o4).reason == AssignReason::New);
                    CHECK(first<Assigned>(o5).agent == "ann");
                    CHECK(f.load("ann") == 2);
                }
            }
        }
    }
    GIVEN("agents with different preferred concurrency") {
        Fixture f(config());
        f.agent("big", {"general"}, 4, 6);
        f.agent("small", {"general"}, 1, 2);
        WHEN("five conversations arrive") {
            for (auto c : {"c1", "c2", "c3", "c4", "c5"}) f.open(c);
            THEN("load is spread in proportion to preferred concurrency") {
                CHECK(f.load("big") == 4);
                CHECK(f.load("small") == 1);
            }
        }
    }
}

SCENARIO("Beyond preferred concurrency conversations wait in the team's queue", "[route][queue]") {
    GIVEN("one agent with preferred 2 holding two conversations") {
        Fixture f(config());
        f.agent("ann", {"general"}, 2, 4);
        f.open("c1");
        f.open("c2");
        WHEN("two more arrive") {
            auto o3 = f.open("c3");
            auto o4 = f.open("c4");
            THEN("they are queued with their place and an expected wait from the team's seat time") {
                REQUIRE(has<Queued>(o3));
                CHECK_FALSE(has<Assigned>(o3));
                CHECK(first<Queued>(o3).team == "general");
                CHECK(first<Queued>(o3).position == 1);
                CHECK(first<Queued>(o4).position == 2);
                // position × initial hold (10 min) ÷ 2 preferred seats
                CHECK(first<Queued>(o3).expected_wait_ms == 5 * kMin);
                CHECK(first<Queued>(o4).expected_wait_ms == 10 * kMin);
                CHECK(f.load("ann") == 2);
            }
            AND_WHEN("a seat frees") {
                f.t += 2 * kMin;
                auto o = f.router.close("c1", CloseReason::Agent, f.t);
                THEN("the head of the queue is assigned and the rest move up") {
                    CHECK(first<Assigned>(o).conv == "c3");
                    CHECK(first<Assigned>(o).reason == AssignReason::FromQueue);
                    auto q = all<Queued>(o);
                    REQUIRE(q.size() == 1);
                    CHECK(q[0].conv == "c4");
                    CHECK(q[0].position == 1);
                    CHECK(f.router.queue_place("c4", f.t)->position == 1);
                }
            }
        }
    }
    GIVEN("a team with no available agent") {
        Fixture f(config());
        f.router.upsert_agent({"ann", {"general"}, {}, 2, 4}, f.t);  // registered, offline
        WHEN("a conversation arrives") {
            auto o = f.open("c1");
            THEN("it is queued and no expected wait is invented") {
                CHECK(first<Queued>(o).expected_wait_ms == -1);
            }
            AND_WHEN("the agent becomes available") {
                auto a = f.router.set_status("ann", AgentStatus::Available, f.t);
                THEN("the queue drains into the agent") { CHECK(first<Assigned>(a).conv == "c1"); }
            }
        }
    }
}

// ---- priority -----------------------------------------------------------------------

SCENARIO("An agent's conversations are ordered by the adaptive response timer", "[route][priority]") {
    GIVEN("an agent with a fast customer, a slow customer and one awaiting the customer") {
        RouterConfig cfg = config();
        cfg.inactive_after_ms = 30 * kMin;
        Fixture f(cfg);
        f.agent("ann", {"general"}, 3, 5);
        f.open("fast");
        f.open("slow");
        f.open("done");
        f.reply("fast", "ann");
        f.reply("slow", "ann");
        f.reply("done", "ann");
        // the slow customer takes 5 minutes to answer, the fast one 15 seconds
        f.t += 15 * kSec;
        f.customer("fast");
        f.reply("fast", "ann");
        f.t += 15 * kSec;
        f.customer("fast");
        f.reply("fast", "ann");
        f.t += 5 * kMin - 30 * kSec;
        f.customer("slow");  // waits from here
        f.t += 3 * kMin;
        f.reply("fast", "ann", "Could you send a screenshot?");
        f.t += 15 * kSec;
        f.customer("fast", "here it is");  // waits from here, 3¼ minutes less than slow
        WHEN("a minute passes") {
            f.t += 1 * kMin;
            auto inbox = f.router.inbox("ann", f.t);
            THEN("awaiting the agent comes first, the engaged customer above the slow one") {
                REQUIRE(inbox.size() == 3);
                CHECK(inbox[0].conv == "fast");
                CHECK(inbox[0].attention == Attention::AwaitingAgent);
                CHECK(inbox[1].conv == "slow");
                CHECK(inbox[1].attention == Attention::AwaitingAgent);
                CHECK(inbox[1].wait_ms > inbox[0].wait_ms);
                CHECK(inbox[2].conv == "done");
                CHECK(inbox[2].attention == Attention::AwaitingCustomer);
            }
        }
        WHEN("the engagement weight is configured to zero") {
            cfg.priority.engaged = 0;
            f.router.reconfigure(cfg);
            f.t += 1 * kMin;
            auto inbox = f.router.inbox("ann", f.t);
            THEN("the longest wait comes first") { CHECK(inbox[0].conv == "slow"); }
        }
        WHEN("the agent keeps answering the engaged customer, who keeps writing back") {
            std::vector<InboxEntry> inbox;
            for (int i = 0; i < 20; ++i) {
                f.t += 30 * kSec;  // the agent types
                inbox = f.router.inbox("ann", f.t);
                if (inbox[0].conv == "slow") break;
                f.reply("fast", "ann");
                f.t += 15 * kSec;
                f.customer("fast", "and then?");
            }
            THEN("the slow customer still reaches the top within minutes: nobody is starved") {
                CHECK(inbox[0].conv == "slow");
                CHECK(inbox[0].wait_ms < 6 * kMin);
            }
        }
    }
}

// ---- inactive conversations -----------------------------------------------------------

SCENARIO("A silent customer makes the conversation inactive and frees the seat", "[route][inactive]") {
    GIVEN("an agent at preferred load with a queued conversation behind") {
        Fixture f(config());
        f.agent("ann", {"general"}, 1, 2);
        f.open("c1");
        f.reply("c1", "ann");
        f.open("c2");
        REQUIRE(f.state("c2") == ConvState::Queued);
        CHECK(f.router.next_deadline() == f.t + 5 * kMin);
        WHEN("the customer stays silent just under the configured time") {
            auto o = f.advance(5 * kMin - 1);
            THEN("nothing happens") { CHECK(o.decisions.empty()); }
        }
        WHEN("the customer stays silent for the configured time") {
            auto o = f.advance(5 * kMin);
            THEN("c1 turns inactive, stays open and listed, and the seat takes c2") {
                CHECK(first<Inactive>(o).conv == "c1");
                CHECK(first<Inactive>(o).agent == "ann");
                CHECK(first<Assigned>(o).conv == "c2");
                CHECK(f.state("c1") == ConvState::Inactive);
                CHECK(f.owner("c1") == "ann");
                auto inbox = f.router.inbox("ann", f.t);
                REQUIRE(inbox.size() == 2);
                CHECK(inbox[1].conv == "c1");
                CHECK(inbox[1].attention == Attention::Inactive);
                CHECK(f.router.agent("ann")->inactive == 1);
            }
            AND_WHEN("the customer writes again and ann is available") {
                f.t += 10 * kMin;
                auto r = f.customer("c1", "I found the order number: 1234");
                THEN("it returns to ann even above her preferred concurrency") {
                    CHECK(first<Reactivated>(r).previous_agent == "ann");
                    CHECK(first<Assigned>(r).agent == "ann");
                    CHECK(first<Assigned>(r).reason == AssignReason::Returning);
                    CHECK(f.load("ann") == 2);  // preferred 1, max 2
                }
            }
            AND_WHEN("the customer writes again but ann is at max load") {
                f.open("c3");  // queued: ann is at preferred
                f.router.transfer_to_agent("c3", "ann", "VIP", f.t);  // a transfer may use max
                REQUIRE(f.load("ann") == 2);
                f.agent("bob", {"general"}, 1, 2);
                auto r = f.customer("c1", "still there?");
                THEN("it goes to another agent with a note of the previous one") {
                    CHECK(first<InternalNote>(r).text == "Previous agent: ann (at maximum load).");
                    CHECK(first<Assigned>(r).agent == "bob");
                    CHECK(f.router.conversation("c1")->previous_agent == "ann");
                }
            }
            AND_WHEN("the customer writes again while ann is away") {
                f.router.set_status("ann", AgentStatus::Away, f.t);
                auto r = f.customer("c1", "hello again");
                THEN("it goes to the queue with its history and a note of the previous agent") {
                    CHECK(first<Reactivated>(r).previous_agent == "ann");
                    CHECK(first<InternalNote>(r).text == "Previous agent: ann (away).");
                    CHECK(first<Queued>(r).position == 1);
                    CHECK(f.state("c1") == ConvState::Queued);
                    CHECK(f.router.conversation("c1")->previous_agent == "ann");
                    CHECK(f.router.inbox("ann", f.t).size() == 1);  // no longer hers
                }
            }
            AND_WHEN("the customer only says thanks") {
                auto r = f.customer("c1", "thanks!");
                THEN("it stays inactive") {
                    CHECK(r.decisions.empty());
                    CHECK(f.state("c1") == ConvState::Inactive);
                }
            }
        }
        WHEN("the customer answers before the timer") {
            f.t += 4 * kMin;
            f.customer("c1", "here it is");
            auto o = f.advance(10 * kMin);
            THEN("the conversation never goes inactive while awaiting the agent") {
                CHECK_FALSE(has<Inactive>(o));
                CHECK(f.state("c1") == ConvState::Assigned);
            }
        }
        WHEN("an entry point is called late, after the silence deadline") {
            f.t += 6 * kMin;
            auto r = f.customer("c1", "back");
            THEN("the due timer fires first, so the message reactivates") {
                REQUIRE(r.decisions.size() >= 3);
                CHECK(std::holds_alternative<Inactive>(r.decisions[0]));
                CHECK(has<Reactivated>(r));
            }
        }
    }
}

// ---- workflow ---------------------------------------------------------------------

SCENARIO("Messages drive the workflow", "[route][workflow]") {
    GIVEN("an assigned conversation") {
        Fixture f(config());
        f.agent("ann");
        f.open("c1");
        WHEN("the agent asks 'anything else?' and the customer says no") {
            f.reply("c1", "ann", "Done, your refund is on its way. Anything else?");
            f.t += 20 * kSec;
            auto o = f.customer("c1", "No, thanks!");
            THEN("the conversation closes") {
                CHECK(first<Closed>(o).reason == CloseReason::CustomerDeclined);
                CHECK(first<Closed>(o).agent == "ann");
                CHECK(f.state("c1") == ConvState::Closed);
                CHECK(f.load("ann") == 0);
            }
            AND_WHEN("the customer then says thanks within the window") {
                f.t += 1 * kMin;
                auto t = f.customer("c1", "thanks \xF0\x9F\x99\x8F");
                THEN("it is not reopened") {
                    CHECK(t.decisions.empty());
                    CHECK(f.state("c1") == ConvState::Closed);
                }
            }
            AND_WHEN("the customer says thanks after the window") {
                f.t += 25 * 3600 * kSec;
                auto t = f.customer("c1", "thanks");
                THEN("it counts as a new message and reopens") { CHECK(has<Reopened>(t)); }
            }
            AND_WHEN("the customer writes a real message later") {
                f.t += 10 * kMin;
                auto t = f.customer("c1", "Actually the refund is the wrong amount");
                THEN("it reopens back to the previous agent") {
                    CHECK(first<Reopened>(t).previous_agent == "ann");
                    CHECK(first<Assigned>(t).agent == "ann");
                    CHECK(first<Assigned>(t).reason == AssignReason::Returning);
                }
            }
        }
        WHEN("the customer says no to an ordinary question") {
            f.reply("c1", "ann", "Did the reset e-mail arrive?");
            auto o = f.customer("c1", "no");
            THEN("it is an answer, not a close") {
                CHECK_FALSE(has<Closed>(o));
                CHECK(f.router.conversation("c1")->turn == Turn::Agent);
            }
        }
        WHEN("the customer acknowledges an answer") {
            f.reply("c1", "ann", "Your invoice is attached.");
            f.customer("c1", "ok \xF0\x9F\x91\x8D");
            THEN("it does not ask for a reply") {
                CHECK(f.router.conversation("c1")->turn == Turn::Customer);
                CHECK(f.router.inbox("ann", f.t)[0].attention == Attention::AwaitingCustomer);
            }
        }
        WHEN("the bot asks 'anything else?' inside the conversation") {
            f.reply("c1", "ann", "Fixed.");
            f.router.bot_message("c1", "Is there anything else I can help you with?", f.t);
            auto o = f.customer("c1", "nope");
            THEN("the customer's no closes it too") { CHECK(has<Closed>(o)); }
        }
    }
    GIVEN("a closed conversation whose agent has gone away") {
        Fixture f(config());
        f.agent("ann");
        f.agent("bob");
        f.open("c1");
        f.router.close("c1", CloseReason::Agent, f.t);
        f.router.set_status("ann", AgentStatus::Away, f.t);
        WHEN("the customer writes again") {
            auto o = f.customer("c1", "it broke again");
            THEN("it reopens to another agent with a note") {
                CHECK(first<Reopened>(o).previous_agent == "ann");
                CHECK(first<InternalNote>(o).text == "Previous agent: ann (away).");
                CHECK(first<Assigned>(o).agent == "bob");
            }
        }
    }
}

// ---- teams and transfers ------------------------------------------------------------

SCENARIO("Intent, page and rules choose the team", "[route][teams]") {
    GIVEN("a general agent, a billing agent and a tech agent") {
        Fixture f(config());
        f.agent("gina", {"general"});
        f.agent("bill", {"billing"});
        f.agent("tess", {"tech"});
        THEN("each conversation reaches its team") {
            CHECK(first<Assigned>(f.open("c1", "billing")).agent == "bill");
            CHECK(first<Assigned>(f.open("c2", "general", "/docs/api/keys")).agent == "tess");
            CHECK(first<Assigned>(f.open("c3", "pricing", "/")).agent == "gina");
            CHECK(f.router.conversation("c1")->team == "billing");
        }
    }
    GIVEN("a required skill") {
        RouterConfig cfg = config();
        cfg.rules.insert(cfg.rules.begin(), TeamRule{"refund", "", "billing", {"refunds"}});
        Fixture f(cfg);
        f.agent("bill", {"billing"}, 2, 4);
        f.agent("rita", {"billing"}, 2, 4, {"refunds"});
        f.open("c0", "billing");  // bill is now loaded 1, rita 0 → rita would be picked anyway
        f.open("c1", "billing");  // rita
        WHEN("a refund arrives while rita is less loaded than nobody else") {
            auto o = f.open("c2", "refund");
            THEN("only an agent with the skill may take it") { CHECK(first<Assigned>(o).agent == "rita"); }
        }
    }
}

SCENARIO("Transfers keep the conversation and add an internal note", "[route][transfer]") {
    GIVEN("a conversation with ann, and bob in billing") {
        Fixture f(config());
        f.agent("ann", {"general"});
        f.agent("bob", {"billing"}, 1, 2);
        f.open("c1");
        f.reply("c1", "ann");
        f.customer("c1", "it's about my invoice");
        WHEN("ann transfers it to bob") {
            auto o = f.router.transfer_to_agent("c1", "bob", "Invoice dispute, already verified", f.t);
            THEN("bob owns it, ann's seat is free and the note is internal") {
                REQUIRE(o.ok());
                auto tr = first<Transferred>(o);
                CHECK(tr.from_agent == "ann");
                CHECK(tr.to_agent == "bob");
                CHECK(tr.note == "Invoice dispute, already verified");
                CHECK(first<InternalNote>(o).text ==
                      "Transferred from ann to bob: Invoice dispute, already verified");
                CHECK(first<Assigned>(o).reason == AssignReason::Transfer);
                CHECK(f.owner("c1") == "bob");
                CHECK(f.load("ann") == 0);
                CHECK(f.router.conversation("c1")->previous_agent == "ann");
                CHECK(f.router.conversation("c1")->turn == Turn::Agent);  // still awaiting a reply
            }
        }
        WHEN("ann transfers it to the billing team") {
            auto o = f.router.transfer_to_team("c1", "billing", "", f.t);
            THEN("the team's routing assigns it") {
                CHECK(first<Transferred>(o).to_team == "billing");
                CHECK(first<Transferred>(o).to_agent.empty());
                CHECK(first<InternalNote>(o).text == "Transferred from ann to team billing");
                CHECK(first<Assigned>(o).agent == "bob");
                CHECK(f.router.conversation("c1")->team == "billing");
            }
        }
        WHEN("bob is at max load") {
            f.open("b1", "billing");
            f.router.transfer_to_agent("b1", "ann", "", f.t);
            f.router.transfer_to_agent("b1", "bob", "", f.t);
            f.open("b2", "billing");
            f.router.transfer_to_agent("b2", "bob", "", f.t);
            REQUIRE(f.load("bob") == 2);
            auto o = f.router.transfer_to_agent("c1", "bob", "", f.t);
            THEN("the transfer is refused and nothing moves") {
                REQUIRE(o.error);
                CHECK(o.error->code == ErrorCode::AgentAtMaxLoad);
                CHECK(f.owner("c1") == "ann");
            }
        }
        WHEN("bob is away") {
            f.router.set_status("bob", AgentStatus::Away, f.t);
            auto o = f.router.transfer_to_agent("c1", "bob", "", f.t);
            THEN("the transfer is refused") { CHECK(o.error->code == ErrorCode::AgentUnavailable); }
        }
        WHEN("the team is unknown") {
            auto o = f.router.transfer_to_team("c1", "nowhere", "", f.t);
            THEN("it is refused") { CHECK(o.error->code == ErrorCode::UnknownTeam); }
        }
    }
    GIVEN("a full team") {
        Fixture f(config());
        f.agent("ann", {"general"}, 1, 2);
        f.agent("bob", {"billing"}, 1, 1);
        f.open("b0", "billing");
        f.open("b1", "billing");  // queued behind
        f.open("c1");
        WHEN("ann transfers hers to billing") {
            auto o = f.router.transfer_to_team("c1", "billing", "", f.t);
            THEN("it re-enters the billing queue at the front: it was already being served") {
                CHECK(first<Queued>(o).conv == "c1");
                CHECK(first<Queued>(o).position == 1);
                CHECK(f.router.queue_place("b1", f.t)->position == 2);
            }
        }
    }
}

// ---- agents leaving ------------------------------------------------------------------

SCENARIO("An agent who goes away has active conversations re-routed after a grace period", "[route][agents]") {
    GIVEN("ann with an active and an inactive conversation, and bob") {
        Fixture f(config());
        f.agent("ann", {"general"}, 2, 3);
        f.open("c1");
        f.open("c2");
        f.agent("bob", {"general"}, 2, 3);
        f.reply("c2", "ann");
        f.advance(5 * kMin);  // c2 inactive
        REQUIRE(f.state("c2") == ConvState::Inactive);
        f.router.set_status("ann", AgentStatus::Away, f.t);
        WHEN("she is back before the grace period ends") {
            f.advance(1 * kMin);
            f.router.set_status("ann", AgentStatus::Available, f.t);
            auto o = f.advance(5 * kMin);
            THEN("nothing moves") {
                CHECK_FALSE(has<Rerouted>(o));
                CHECK(f.owner("c1") == "ann");
            }
        }
        WHEN("the grace period passes") {
            auto o = f.advance(2 * kMin);
            THEN("active conversations go to bob with a transcript event and a note") {
                CHECK(first<Rerouted>(o).conv == "c1");
                CHECK(first<Rerouted>(o).reason == RerouteReason::AgentAway);
                CHECK(first<InternalNote>(o).text == "Re-routed: ann went away.");
                CHECK(first<Assigned>(o).agent == "bob");
                CHECK(first<Assigned>(o).reason == AssignReason::Reroute);
                CHECK(f.router.conversation("c1")->previous_agent == "ann");
            }
            THEN("the inactive one stays with ann until its customer returns") {
                CHECK(f.owner("c2") == "ann");
                auto r = f.customer("c2", "hi again");
                CHECK(first<Assigned>(r).agent == "bob");
            }
        }
    }
    GIVEN("an agent who disconnects with nobody to take over") {
        Fixture f(config());
        f.agent("ann");
        f.open("c1");
        f.router.set_status("ann", AgentStatus::Offline, f.t);
        WHEN("the (shorter) offline grace passes") {
            auto o = f.advance(1 * kMin);
            THEN("the conversation waits at the front of the queue") {
                CHECK(first<Rerouted>(o).reason == RerouteReason::AgentOffline);
                CHECK(first<Queued>(o).position == 1);
                CHECK(first<Queued>(o).expected_wait_ms == -1);
            }
        }
    }
    GIVEN("an agent who is removed") {
        Fixture f(config());
        f.agent("ann");
        f.agent("bob");
        f.open("c1");
        auto o = f.router.remove_agent("ann", f.t);
        THEN("re-routing is immediate") {
            CHECK(first<Rerouted>(o).reason == RerouteReason::AgentRemoved);
            CHECK(f.owner("c1") == "bob");
            CHECK(f.router.set_status("ann", AgentStatus::Available, f.t).error->code ==
                  ErrorCode::UnknownAgent);
        }
    }
}

// ---- bot handoff -------------------------------------------------------------------

SCENARIO("A bot conversation is routed only when handed to a human", "[route][bot]") {
    GIVEN("a conversation with the bot") {
        Fixture f(config());
        f.agent("ann");
        ConvSpec s;
        s.id = "c1";
        s.with_bot = true;
        CHECK(f.router.open(s, f.t).decisions.empty());
        f.router.bot_message("c1", "Hi! How can I help?", f.t);
        f.customer("c1", "I want a human");
        WHEN("the bot hands off") {
            f.t += 5 * kSec;
            auto o = f.router.handoff("c1", f.t);
            THEN("the conversation is assigned and awaits the agent") {
                CHECK(first<Assigned>(o).agent == "ann");
                CHECK(f.router.conversation("c1")->turn == Turn::Agent);
                CHECK(f.router.inbox("ann", f.t)[0].attention == Attention::AwaitingAgent);
            }
        }
        WHEN("the bot resolves it: 'anything else?' - 'no'") {
            f.router.bot_message("c1", "Done. Anything else?", f.t);
            auto o = f.customer("c1", "no");
            THEN("it closes without a human") { CHECK(first<Closed>(o).agent.empty()); }
        }
    }
}

SCENARIO("A conversation handed back to the bot leaves its agent or its queue", "[route][bot]") {
    GIVEN("a bot conversation handed off to Ann, and one waiting in the queue") {
        Fixture f(config());
        f.agent("ann", {"general"}, 1, 1);
        ConvSpec s;
        s.id = "c1";
        s.with_bot = true;
        f.router.open(s, f.t);
        f.router.handoff("c1", f.t);
        REQUIRE(f.router.conversation("c1")->agent == "ann");
        f.open("c2");  // Ann is full: c2 waits
        REQUIRE(f.router.conversation("c2")->state == ConvState::Queued);
        WHEN("Ann hands c1 back") {
            auto o = f.router.hand_back("c1", f.t);
            THEN("it is with the bot, Ann is its previous agent, and her seat takes c2") {
                CHECK(o.ok());
                const auto v = f.router.conversation("c1");
                CHECK(v->state == ConvState::Bot);
                CHECK(v->agent.empty());
                CHECK(v->previous_agent == "ann");
                CHECK(first<Assigned>(o).conv == "c2");
                CHECK(f.router.agent("ann")->load == 1);
            }
        }
        WHEN("the queued one is handed back") {
            auto o = f.router.hand_back("c2", f.t);
            THEN("it leaves the queue") {
                CHECK(o.ok());
                CHECK(f.router.conversation("c2")->state == ConvState::Bot);
                CHECK(f.router.queue_length("general") == 0);
            }
        }
        WHEN("one is handed back twice, or once closed") {
            f.router.hand_back("c1", f.t);
            CHECK(f.router.hand_back("c1", f.t).error->code == ErrorCode::NotAllowed);
            f.router.close("c2", CloseReason::Agent, f.t);
            CHECK(f.router.hand_back("c2", f.t).error->code == ErrorCode::NotAllowed);
            CHECK(f.router.hand_back("nope", f.t).error->code == ErrorCode::UnknownConversation);
        }
    }
}

SCENARIO("A visitor who writes to a conversation the bot closed goes back to the bot", "[route][bot][reopen]") {
    GIVEN("a conversation the bot resolved ('anything else?' - 'no'), and Ann available") {
        Fixture f(config());
        f.agent("ann");
        f.router.set_bots_online(true);
        ConvSpec s;
        s.id = "c1";
        s.with_bot = true;
        f.router.open(s, f.t);
        f.customer("c1", "How do I reset my password?");
        f.router.bot_message("c1", "Use the link on the sign-in page. Anything else?", f.t);
        REQUIRE(has<Closed>(f.customer("c1", "no")));
        f.t += 10 * kMin;  // well past the window for a "thanks"
        WHEN("the visitor writes again while a bot is online") {
            auto o = f.customer("c1", "Another question: can I change my e-mail?");
            THEN("it reopens with the bot: no agent, no queue") {
                CHECK(first<Reopened>(o).conv == "c1");
                CHECK_FALSE(has<Assigned>(o));
                CHECK_FALSE(has<Queued>(o));
                CHECK(f.state("c1") == ConvState::Bot);
                CHECK(f.load("ann") == 0);
                AND_THEN("the bot can hand it to a human as before") {
                    CHECK(first<Assigned>(f.router.handoff("c1", f.t)).agent == "ann");
                }
            }
        }
        WHEN("a 'thanks' within the window after the close") {
            Fixture g(config());
            g.router.set_bots_online(true);
            g.router.open(s, g.t);
            g.customer("c1", "How do I reset my password?");
            g.router.bot_message("c1", "Done. Anything else?", g.t);
            g.customer("c1", "no");
            auto o = g.customer("c1", "thanks");
            THEN("it stays closed") {
                CHECK_FALSE(has<Reopened>(o));
                CHECK(g.state("c1") == ConvState::Closed);
            }
        }
        WHEN("the visitor writes again while no bot is online") {
            f.router.set_bots_online(false);
            auto o = f.customer("c1", "Another question");
            THEN("it goes to the humans, as any closed conversation") {
                CHECK(has<Reopened>(o));
                CHECK(first<Assigned>(o).agent == "ann");
            }
        }
        WHEN("an agent reopens it") {
            auto o = f.router.reopen("c1", f.t);
            THEN("the agent's action brings it to the humans") {
                CHECK(has<Reopened>(o));
                CHECK(first<Assigned>(o).agent == "ann");
            }
        }
        WHEN("the router restarts from its snapshot first") {
            Fixture g(config());
            g.agent("ann");
            g.router.set_bots_online(true);
            const auto snap = f.router.snapshot("c1");
            REQUIRE(snap);
            CHECK(snap->closed_with_bot);
            g.t = f.t;
            REQUIRE(g.router.restore("c1", *snap, g.t).ok());
            g.customer("c1", "Another question");
            THEN("it still reopens with the bot") { CHECK(g.state("c1") == ConvState::Bot); }
        }
    }
    GIVEN("a conversation the bot handed to Ann, who closed it") {
        Fixture f(config());
        f.agent("ann");
        f.router.set_bots_online(true);
        ConvSpec s;
        s.id = "c1";
        s.with_bot = true;
        f.router.open(s, f.t);
        f.customer("c1", "I want a human");
        f.router.handoff("c1", f.t);
        f.reply("c1", "ann", "Hi, Ann here. Done!");
        f.router.close("c1", CloseReason::Agent, f.t);
        f.t += 10 * kMin;
        WHEN("the visitor writes again, a bot online") {
            auto o = f.customer("c1", "One more thing");
            THEN("it goes back to Ann, as today") {
                CHECK(first<Assigned>(o).agent == "ann");
                CHECK(f.state("c1") == ConvState::Assigned);
                CHECK_FALSE(f.router.snapshot("c1")->closed_with_bot);
            }
        }
    }
}

// ---- errors ------------------------------------------------------------------------

TEST_CASE("Errors are values naming what was wrong", "[route][errors]") {
    Fixture f(config());
    f.agent("ann", {"general"}, 0, 0);  // preferred 0: never gets new work
    CHECK(f.router.customer_message("nope", "hi", f.t).error->code == ErrorCode::UnknownConversation);
    CHECK(f.open("c1").ok());
    CHECK(f.open("c1").error->code == ErrorCode::DuplicateConversation);
    CHECK(f.reply("c1", "ann").error->code == ErrorCode::NotAllowed);  // queued
    CHECK(f.reply("c1", "zed").error->code == ErrorCode::UnknownAgent);
    CHECK(f.router.upsert_agent({"bad", {}, {}, 3, 2}, f.t).error->code == ErrorCode::BadArgument);
    f.router.close("c1", CloseReason::Agent, f.t);
    CHECK(f.router.transfer_to_team("c1", "general", "", f.t).error->code == ErrorCode::NotAllowed);
    CHECK(f.router.queue_length("general") == 0);
}

TEST_CASE("Time never runs backwards inside the engine", "[route][time]") {
    Fixture f(config());
    f.agent("ann");
    f.open("c1");
    f.reply("c1", "ann");
    const Millis deadline = *f.router.next_deadline();
    f.router.tick(deadline - 10 * kMin);  // an earlier `now` is the last one seen
    auto o = f.router.tick(deadline);
    CHECK(has<Inactive>(o));
    CHECK_FALSE(f.router.next_deadline().has_value());
}

TEST_CASE("A forgotten closed conversation frees its id", "[route][forget]") {
    Fixture f(config());
    f.agent("ann");
    f.open("c1");
    f.reply("c1", "ann");
    f.router.forget("c1");                 // not closed: ignored
    CHECK(f.router.conversation("c1"));
    f.router.close("c1", CloseReason::Agent, f.t);
    f.router.forget("c1");
    CHECK_FALSE(f.router.conversation("c1"));
    CHECK(f.open("c1").ok());
    CHECK_FALSE(has<Inactive>(f.advance(10 * kMin)));  // the old silence timer is dead
}

// ---- restart: snapshot and restore ------------------------------------------------------

SCENARIO("A restarted router puts every conversation back where it was", "[route][restore]") {
    GIVEN("a router with an active, an inactive, two queued and a closed conversation") {
        Fixture before(config());
        before.agent("ann", {"general"}, 1, 2);
        before.open("c1");                        // ann's, active
        before.reply("c1", "ann");
        before.open("c2");                        // queued first
        before.advance(kSec);
        before.open("c3");                        // queued second
        before.open("c4", "billing");             // billing: nobody there, queued
        before.advance(5 * kMin);                 // c1's customer went quiet: inactive, ann pulls c2
        REQUIRE(before.state("c1") == ConvState::Inactive);
        REQUIRE(before.owner("c2") == "ann");
        before.router.close("c2", CloseReason::Agent, before.t);  // ann's seat pulls c3
        REQUIRE(before.owner("c3") == "ann");
        before.open("c5");
        before.open("c6");
        REQUIRE(before.state("c5") == ConvState::Queued);

        WHEN("a new router (all agents offline) restores their snapshots, oldest state first") {
            Fixture after(config());
            after.t = before.t + 10 * kSec;
            after.router.upsert_agent({"ann", {"general"}, {}, 1, 2}, after.t);  // offline
            std::vector<std::pair<std::string, ConvSnapshot>> saved;
            for (auto c : {"c6", "c5", "c4", "c3", "c2", "c1"}) saved.emplace_back(c, *before.router.snapshot(c));
            std::stable_sort(saved.begin(), saved.end(),
                             [](const auto& a, const auto& b) {
                                 return std::tie(a.second.since, a.second.order) < std::tie(b.second.since, b.second.order);
                             });
            for (const auto& [id, snap] : saved) REQUIRE(after.router.restore(id, snap, after.t).ok());

            THEN("each is in its state, with its owner and team") {
                CHECK(after.state("c1") == ConvState::Inactive);
                CHECK(after.owner("c1") == "ann");
                CHECK(after.state("c2") == ConvState::Closed);
                CHECK(after.router.conversation("c2")->previous_agent == "ann");
                CHECK(after.state("c3") == ConvState::Assigned);
                CHECK(after.owner("c3") == "ann");
                CHECK(after.load("ann") == 1);
                CHECK(after.router.conversation("c4")->team == "billing");
                CHECK(after.router.queue_place("c5", after.t)->position == 1);
                CHECK(after.router.queue_place("c6", after.t)->position == 2);
                CHECK(after.router.queue_place("c4", after.t)->position == 1);
                CHECK(after.router.queued("general") == std::vector<std::string>{"c5", "c6"});
                CHECK(after.router.queued("billing") == std::vector<std::string>{"c4"});
                CHECK(after.router.queued("nobody").empty());
            }
            THEN("restoring the same conversation twice is refused") {
                CHECK(after.router.restore("c1", *before.router.snapshot("c1"), after.t).error->code ==
                      ErrorCode::DuplicateConversation);
            }
            AND_WHEN("ann comes back within the grace period and closes c3") {
                after.router.set_status("ann", AgentStatus::Available, after.t + 10 * kSec);
                auto closed = after.router.close("c3", CloseReason::Agent, after.t + 20 * kSec);
                THEN("she keeps her conversations and her free seat takes the oldest queued one") {
                    CHECK(after.owner("c1") == "ann");
                    CHECK(first<Assigned>(closed).conv == "c5");
                }
            }
            AND_WHEN("ann does not come back before her offline grace period ends") {
                auto o = after.advance(1 * kMin + kSec);
                THEN("her active conversation is re-routed (to the front of the queue)") {
                    CHECK(has<Rerouted>(o));
                    CHECK(after.state("c3") == ConvState::Queued);
                    CHECK(after.router.queue_place("c3", after.t)->position == 1);
                }
            }
            AND_WHEN("the customer of the closed conversation says a lone thanks") {
                auto o = after.customer("c2", "thanks");
                THEN("it stays closed: the window survived the restart") {
                    CHECK(after.state("c2") == ConvState::Closed);
                    CHECK_FALSE(has<Reopened>(o));
                }
            }
        }
    }
    GIVEN("a snapshot whose agent no longer exists") {
        Fixture f(config());
        f.agent("bob");
        ConvSnapshot s;
        s.state = ConvState::Assigned;
        s.team = "general";
        s.agent = "gone";
        s.since = f.t;
        WHEN("it is restored") {
            auto o = f.router.restore("c1", s, f.t);
            THEN("it is routed again, here to the available agent") {
                CHECK(first<Assigned>(o).agent == "bob");
                CHECK(first<Assigned>(o).reason == AssignReason::Reroute);
            }
        }
    }
}
