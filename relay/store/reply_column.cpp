#include "store/reply_column.hpp"

#include <nlohmann/json.hpp>

namespace parley::relay {

std::string reply_to_column(const std::optional<protocol::Reply>& reply) {
    if (!reply) return "";
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    j["to"] = reply->to;
    if (!reply->form.empty()) {
        j["form"] = reply->form;
        nlohmann::ordered_json values = nlohmann::ordered_json::object();
        for (const auto& [name, value] : reply->values) values[name] = value;
        j["values"] = std::move(values);
    } else {
        j["option"] = reply->option;
    }
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::optional<protocol::Reply> reply_from_column(std::string_view text) {
    if (text.empty()) return std::nullopt;
    const auto j = nlohmann::ordered_json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    auto to = j.find("to");
    if (to == j.end() || !to->is_number_integer()) return std::nullopt;
    protocol::Reply r;
    r.to = to->get<std::int64_t>();
    if (auto option = j.find("option"); option != j.end() && option->is_string()) r.option = option->get<std::string>();
    if (auto form = j.find("form"); form != j.end() && form->is_string()) r.form = form->get<std::string>();
    if (auto values = j.find("values"); values != j.end() && values->is_object())
        for (const auto& [name, value] : values->items())
            if (value.is_string()) r.values.emplace_back(name, value.get<std::string>());
    if (r.option.empty() == r.form.empty()) return std::nullopt;
    return r;
}

}  // namespace parley::relay
