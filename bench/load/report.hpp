// The last line of every scenario and of `all`: one JSON object with every figure.
// Built by hand (numbers and plain strings only), so the generator needs no JSON
// library for its own output.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

namespace parley::load {

class JsonObject {
public:
    JsonObject& num(const std::string& key, double v, int decimals = 3) {
        char buf[64];
        if (!std::isfinite(v)) std::snprintf(buf, sizeof buf, "null");
        else std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
        // Trim trailing zeros of the fraction: 12.500 → 12.5, 3.000 → 3.
        std::string s = buf;
        if (s.find('.') != std::string::npos) {
            while (s.back() == '0') s.pop_back();
            if (s.back() == '.') s.pop_back();
        }
        return raw(key, s);
    }
    JsonObject& integer(const std::string& key, long long v) { return raw(key, std::to_string(v)); }
    JsonObject& boolean(const std::string& key, bool v) { return raw(key, v ? "true" : "false"); }
    JsonObject& str(const std::string& key, const std::string& v) {
        std::string q = "\"";
        for (char c : v) {
            if (c == '"' || c == '\\') q += '\\';
            if (static_cast<unsigned char>(c) < 0x20) continue;
            q += c;
        }
        return raw(key, q + "\"");
    }
    JsonObject& raw(const std::string& key, const std::string& json) {
        body_ += (body_.empty() ? "" : ",") + ("\"" + key + "\":") + json;
        return *this;
    }
    std::string text() const { return "{" + body_ + "}"; }
    bool empty() const { return body_.empty(); }

private:
    std::string body_;
};

}  // namespace parley::load
