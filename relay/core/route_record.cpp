#include "core/route_record.hpp"

#include <nlohmann/json.hpp>

namespace parley::relay {

namespace {

using json = nlohmann::json;

constexpr struct {
    route::ConvState state;
    const char* name;
} kStates[] = {
    {route::ConvState::Bot, "bot"},           {route::ConvState::Queued, "queued"},
    {route::ConvState::Assigned, "assigned"}, {route::ConvState::Inactive, "inactive"},
    {route::ConvState::Closed, "closed"},
};

const char* state_name(route::ConvState s) {
    for (const auto& e : kStates)
        if (e.state == s) return e.name;
    return "queued";
}

// Reads `key` into `out` when present with the right type; false when present and wrong.
template <class T>
bool read(const json& j, const char* key, T& out) {
    auto it = j.find(key);
    if (it == j.end()) return true;
    if constexpr (std::is_same_v<T, std::string>) {
        if (!it->is_string()) return false;
        out = it->get<std::string>();
    } else {
        if (!it->is_number_integer()) return false;
        out = it->get<T>();
    }
    return true;
}

}  // namespace

std::string encode_route_record(const route::ConvSnapshot& s) {
    json j;
    j["state"] = state_name(s.state);
    j["turn"] = s.turn == route::Turn::Agent ? "agent" : "customer";
    j["team"] = s.team;
    j["agent"] = s.agent;
    j["prev"] = s.previous_agent;
    j["skills"] = s.skills;
    j["since"] = s.since;
    j["cust"] = s.last_customer;
    j["staff"] = s.last_staff;
    j["order"] = s.order;
    if (s.closed_with_bot) j["closed_with_bot"] = true;  // issue 16: reopens with the bot
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<route::ConvSnapshot> decode_route_record(std::string_view text) {
    const json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return std::nullopt;
    route::ConvSnapshot s;
    std::string state, turn = "agent";
    if (!read(j, "state", state) || !read(j, "turn", turn) || !read(j, "team", s.team) ||
        !read(j, "agent", s.agent) || !read(j, "prev", s.previous_agent) ||
        !read(j, "since", s.since) || !read(j, "cust", s.last_customer) ||
        !read(j, "staff", s.last_staff) || !read(j, "order", s.order))
        return std::nullopt;
    bool known = false;
    for (const auto& e : kStates)
        if (state == e.name) s.state = e.state, known = true;
    if (!known || (turn != "agent" && turn != "customer")) return std::nullopt;
    s.turn = turn == "agent" ? route::Turn::Agent : route::Turn::Customer;
    if (auto it = j.find("closed_with_bot"); it != j.end()) {
        if (!it->is_boolean()) return std::nullopt;
        s.closed_with_bot = it->get<bool>();
    }
    if (auto it = j.find("skills"); it != j.end()) {
        if (!it->is_array()) return std::nullopt;
        for (const auto& k : *it) {
            if (!k.is_string()) return std::nullopt;
            s.skills.push_back(k.get<std::string>());
        }
    }
    return s;
}

std::string with_bot_record(const std::string& record, const BotRecord& bot) {
    json j = json::parse(record, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return record;
    json b = json::object();
    b["paused"] = bot.paused;
    if (bot.handoff) {
        const protocol::HandoffInfo& h = *bot.handoff;
        b["handoff"] = {{"role", h.by.role}, {"id", h.by.id},      {"name", h.by.name},
                        {"reason", h.reason}, {"summary", h.summary}, {"ts", h.ts}};
    }
    j["bot"] = std::move(b);
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

BotRecord decode_bot_record(std::string_view text) {
    BotRecord out;
    const json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return out;
    auto b = j.find("bot");
    if (b == j.end() || !b->is_object()) return out;
    if (auto p = b->find("paused"); p != b->end() && p->is_boolean()) out.paused = p->get<bool>();
    auto h = b->find("handoff");
    if (h == b->end() || !h->is_object()) return out;
    protocol::HandoffInfo info;
    if (!read(*h, "role", info.by.role) || !read(*h, "id", info.by.id) || !read(*h, "name", info.by.name) ||
        !read(*h, "reason", info.reason) || !read(*h, "summary", info.summary) || !read(*h, "ts", info.ts) ||
        info.reason.empty())
        return out;
    out.handoff = std::move(info);
    return out;
}

}  // namespace parley::relay
