#include "store/contact_column.hpp"

#include <nlohmann/json.hpp>

namespace parley::relay {

std::string contact_details_to_column(const protocol::Contact& contact) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    if (!contact.email.empty()) j["email"] = contact.email;
    if (contact.email_verified) j["email_verified"] = true;
    if (!contact.name.empty()) j["name"] = contact.name;
    if (!contact.attributes.empty()) {
        nlohmann::ordered_json a = nlohmann::ordered_json::object();
        for (const auto& [k, v] : contact.attributes) a[k] = v;
        j["attributes"] = std::move(a);
    }
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void contact_details_from_column(std::string_view text, protocol::Contact& contact) {
    const auto j = nlohmann::ordered_json::parse(text.begin(), text.end(), nullptr, false);
    if (j.is_discarded() || !j.is_object()) return;
    if (auto e = j.find("email"); e != j.end() && e->is_string()) contact.email = e->get<std::string>();
    if (auto v = j.find("email_verified"); v != j.end() && v->is_boolean()) contact.email_verified = v->get<bool>();
    if (auto n = j.find("name"); n != j.end() && n->is_string()) contact.name = n->get<std::string>();
    if (auto a = j.find("attributes"); a != j.end() && a->is_object())
        for (const auto& [k, v] : a->items())
            if (v.is_string()) contact.attributes.emplace_back(k, v.get<std::string>());
}

}  // namespace parley::relay
