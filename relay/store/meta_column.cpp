#include "store/meta_column.hpp"

#include <nlohmann/json.hpp>

namespace parley::relay {

std::string meta_to_column(const std::optional<protocol::Meta>& meta) {
    if (!meta) return "{}";
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    j["intent"] = meta->intent;
    j["confidence"] = meta->confidence;
    j["signals"] = meta->signals;
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::optional<protocol::Meta> meta_from_column(std::string_view text) {
    const auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    auto intent = j.find("intent");
    auto confidence = j.find("confidence");
    if (intent == j.end() || !intent->is_string()) return std::nullopt;
    protocol::Meta m;
    m.intent = intent->get<std::string>();
    if (confidence != j.end() && confidence->is_number()) m.confidence = confidence->get<double>();
    if (auto s = j.find("signals"); s != j.end() && s->is_array())
        for (const auto& e : *s)
            if (e.is_string()) m.signals.push_back(e.get<std::string>());
    return m;
}

}  // namespace parley::relay
