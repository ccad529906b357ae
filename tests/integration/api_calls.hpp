// Calling the relay's HTTP API from an integration test: an API key made with the CLI
// beside the running relay, a request with it, and the JSON of an answer. Shared by the
// API, admin, export, webhook and quality-flag tests.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "http_get.hpp"
#include "relay_process.hpp"

namespace parley::test {

// A new key from the CLI (printed alone on stdout).
inline std::string make_key(const RelayProcess& relay, const std::string& name, const std::string& scope = "read") {
    const auto made = relay.command("--create-api-key " + name + " --scope " + scope, false);
    REQUIRE(made.status == 0);
    const std::string key = made.out.substr(0, made.out.find('\n'));
    REQUIRE(key.rfind("pk_", 0) == 0);
    return key;
}

// `method path` with the key as the bearer ("": none) and a JSON body ("": none).
inline HttpResponse api(const RelayProcess& relay, const std::string& method, const std::string& path,
                        const std::string& key, const std::string& body = {}, std::vector<std::string> headers = {}) {
    if (!key.empty()) headers.push_back("Authorization: Bearer " + key);
    if (!body.empty()) headers.push_back("Content-Type: application/json");
    return http_request(relay.port(), method, path, headers, body);
}

// The answer's JSON; fails the test when it is not JSON.
inline nlohmann::json body_of(const HttpResponse& r) {
    INFO(r.head << "\n" << r.body);
    auto doc = nlohmann::json::parse(r.body, nullptr, false);
    REQUIRE_FALSE(doc.is_discarded());
    return doc;
}

}  // namespace parley::test
