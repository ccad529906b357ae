// The API's test harness (relay/api/api_service.hpp as structs in, structs out): a Hub
// on a memory store with a fake clock, a read and a write key, and helpers to read the
// answers. Shared by the API's test files.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "api/api_service.hpp"
#include "parley/json/parse.hpp"
#include "support/hub_harness.hpp"

using namespace parley::relay;
using namespace parley::relay::test;
namespace api = parley::relay::api;
namespace json = parley::json;

namespace parley::relay::test {


struct ApiHarness {
    HubHarness h;
    api::ApiService service;
    std::string read_key, write_key;

    explicit ApiHarness(api::ApiLimits limits = {}) : service(h.store, h.hub, h.random, limits) {
        read_key = make_key("reader", api::Scope::read);
        write_key = make_key("writer", api::Scope::write);
    }
    std::string make_key(const std::string& name, api::Scope scope) {
        auto made = api::create_api_key(h.store, h.random, name, scope, h.now);
        REQUIRE(made.ok());
        return made.value().key;
    }
    HttpResponse call(const std::string& method, const std::string& path, const std::string& key,
                      std::vector<std::pair<std::string, std::string>> query = {}, std::string body = {},
                      std::string content_type = "application/json") {
        HttpRequest r;
        r.method = method;
        r.path = path;
        r.query = std::move(query);
        if (!key.empty()) r.authorization = "Bearer " + key;
        r.body = std::move(body);
        if (!r.body.empty()) r.content_type = std::move(content_type);
        HttpResponse out = service.handle(r, h.now);
        h.pump();  // the live frames the call produced go to the connections
        return out;
    }
    // A visitor with a first message; returns their connection, and the conversation in `conv`.
    ConnId conversation(std::string& conv, const std::string& text = "hello") {
        p::Welcome w;
        const ConnId v = h.visitor(&w);
        conv = *w.conv;
        h.send(v, p::Send{conv, "v.1", text});
        h.drain(v);
        return v;
    }
};

// The answer of a deferred response (a new agent's password: hashed by the password
// pool, which ApiHarness::call ran through HubHarness::pump), or the response itself.
inline HttpResponse settled(const HttpResponse& r) {
    if (!r.deferred) return r;
    std::optional<HttpResponse> ready = r.deferred();
    REQUIRE(ready);
    return *ready;
}

inline json::Value body_of(const HttpResponse& r) {
    auto doc = json::parse(r.body);
    INFO(r.body);
    REQUIRE(doc);
    return *doc;
}

inline std::string problem_type(const HttpResponse& r) {
    CHECK(r.content_type == "application/problem+json");
    const json::Value doc = body_of(r);
    REQUIRE(doc.find("type"));
    CHECK(doc.find("status")->as_int() == r.status);
    CHECK(doc.find("title"));
    CHECK(doc.find("detail"));
    return doc.find("type")->as_string();
}

inline std::string header(const HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return {};
}

}  // namespace parley::relay::test
