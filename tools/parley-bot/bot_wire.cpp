#include "bot_wire.hpp"

namespace parley::bot {

std::optional<Incoming> incoming_from_msg(const nlohmann::json& frame) {
    const nlohmann::json& m = frame.contains("message") && frame["message"].is_object() ? frame["message"] : frame;
    if (!m.is_object() || !m.contains("text") || !m["text"].is_string()) return std::nullopt;
    Incoming in;
    in.text = m["text"].get<std::string>();
    if (m.contains("meta") && m["meta"].is_object()) {
        const nlohmann::json& j = m["meta"];
        protocol::Meta meta;
        if (j.contains("intent") && j["intent"].is_string()) meta.intent = j["intent"].get<std::string>();
        if (j.contains("confidence") && j["confidence"].is_number()) meta.confidence = j["confidence"].get<double>();
        if (j.contains("signals") && j["signals"].is_array())
            for (const auto& s : j["signals"])
                if (s.is_string()) meta.signals.push_back(s.get<std::string>());
        in.meta = std::move(meta);
    }
    if (m.contains("reply") && m["reply"].is_object()) {
        const nlohmann::json& r = m["reply"];
        VisitorReply v;
        if (r.contains("option") && r["option"].is_string()) v.option = r["option"].get<std::string>();
        if (r.contains("form") && r["form"].is_string()) v.form = r["form"].get<std::string>();
        if (r.contains("values") && r["values"].is_object())
            for (const auto& [k, val] : r["values"].items())
                if (val.is_string()) v.values[k] = val.get<std::string>();
        if (!v.option.empty() || !v.form.empty()) in.reply = std::move(v);
    }
    return in;
}

nlohmann::json send_frame(const std::string& conv, const std::string& cid, const Reply& reply) {
    nlohmann::json j = {{"v", 1}, {"type", "send"}, {"conv", conv}, {"cid", cid}, {"text", reply.text}};
    if (!reply.parts.empty()) j["parts"] = to_json(reply.parts);
    return j;
}

std::vector<std::string> stream_pieces(const std::string& t, std::size_t piece_bytes) {
    std::vector<std::string> out;
    if (piece_bytes < 8) piece_bytes = 8;
    if (piece_bytes > 2000) piece_bytes = 2000;
    size_t at = 0;
    while (at < t.size()) {
        size_t end = std::min(t.size(), at + piece_bytes);
        if (end < t.size()) {
            const size_t space = t.rfind(' ', end);
            if (space != std::string::npos && space > at) end = space + 1;  // the space ends this piece
            while (end > at + 1 && (static_cast<unsigned char>(t[end]) & 0xC0) == 0x80) --end;
        }
        out.push_back(t.substr(at, end - at));
        at = end;
    }
    return out;
}

std::vector<nlohmann::json> stream_frames(const std::string& conv, const std::string& cid, const Reply& reply,
                                          std::size_t piece_bytes) {
    std::vector<nlohmann::json> out;
    for (std::string& piece : stream_pieces(reply.text, piece_bytes))
        out.push_back({{"v", 1}, {"type", "stream"}, {"conv", conv}, {"cid", cid}, {"delta", std::move(piece)}});
    return out;
}

nlohmann::json handoff_frame(const std::string& conv, const Handoff& h) {
    nlohmann::json j = {{"v", 1}, {"type", "handoff"}, {"conv", conv}, {"reason", h.reason}, {"summary", h.summary}};
    if (!h.team.empty()) j["team"] = h.team;
    return j;
}

}  // namespace parley::bot
