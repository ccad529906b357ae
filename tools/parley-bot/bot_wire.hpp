// The house bot's decisions in BOTS.md wire shape, and a visitor's `msg` read back into
// an Incoming: the only JSON the transport needs, written once beside the core so the
// client adapter stays thin. Pure; frames are nlohmann::json objects ready to dump.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot_core.hpp"

namespace parley::bot {

// A relay `msg` frame (or its message object) from a visitor → Incoming: `text`, `meta`
// when present, `reply` {option} or {form, values} when present. Fields of the wrong
// type are ignored (the relay validated them); nullopt when there is no string `text`.
std::optional<Incoming> incoming_from_msg(const nlohmann::json& msg);

// `{"v":1,"type":"send","conv","cid","text","parts"?}`: the final message of a reply
// (also the finalisation of a stream with the same cid).
nlohmann::json send_frame(const std::string& conv, const std::string& cid, const Reply& reply);

// A streamed reply's text cut into deltas of about `piece_bytes` (8–2000), in order, as
// stream_frames below cuts it (what a transport with its own stream call sends).
std::vector<std::string> stream_pieces(const std::string& text, std::size_t piece_bytes = 48);

// The `stream` deltas of a streamed reply, in order: its text cut into pieces of about
// `piece_bytes` (at spaces where possible, never inside a UTF-8 sequence; BOTS.md allows
// 1–2000 bytes per delta). The transport sends them, then send_frame with the same cid.
std::vector<nlohmann::json> stream_frames(const std::string& conv, const std::string& cid, const Reply& reply,
                                          std::size_t piece_bytes = 48);

// `{"v":1,"type":"handoff","conv","reason","summary","team"?}`.
nlohmann::json handoff_frame(const std::string& conv, const Handoff& handoff);

}  // namespace parley::bot
