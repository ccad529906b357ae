// The text a conversation's routing snapshot (route::ConvSnapshot) is stored as, so a
// restarted relay puts every open conversation back with its agent, in its queue, or
// closed with its "thanks" window (Store::set_route / route_of; hub_routing.cpp).
//
// A small JSON object: {"state":"assigned","turn":"customer","team":"billing",
// "agent":"a_1","prev":"","skills":["de"],"since":1732200000000,"cust":…,"staff":…}.
// Unknown keys are ignored, so later versions may add some. A record that does not
// parse, or names an unknown state or turn, is refused as a whole (nullopt): the caller
// then routes the conversation afresh rather than guess.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "parley/protocol/frames.hpp"
#include "route/router.hpp"

namespace parley::relay {

std::string encode_route_record(const route::ConvSnapshot& snapshot);
std::optional<route::ConvSnapshot> decode_route_record(std::string_view text);

// Bots (issue 16): the conversation's last handoff away from the bot and whether the bot
// is paused there, kept in the same record under "bot" ({"handoff":{…},"paused":true}),
// so agents still see why after a restart. decode_route_record ignores it; a malformed
// "bot" member reads as none (the routing state matters more than the history).
struct BotRecord {
    std::optional<protocol::HandoffInfo> handoff;
    bool paused = false;
};
std::string with_bot_record(const std::string& record, const BotRecord& bot);
BotRecord decode_bot_record(std::string_view text);

}  // namespace parley::relay
