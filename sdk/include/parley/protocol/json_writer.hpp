// JsonWriter: compact JSON written member by member straight into a string, for the
// codec's frames (codec.cpp) and the session's events (session/event.cpp).
//
// Why not build a json::Value and dump() it: the bytes are the same (the writers below
// are dump()'s own: json::write_string, write_integer, write_double), but building the
// tree costs an allocation per member, and in the widget's Wasm the tree's setters and
// dump() were ~3 KB of code used only to encode frames (issue 6).
//
// Commas come from the last byte written: a member or an element gets one unless its
// object or array was just opened. So the writer keeps no state beyond the string, and
// a body writer may be called at any point inside an object. Keys are our own ASCII
// names and are not escaped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parley/json/value.hpp"

namespace parley::protocol {

class JsonWriter {
public:
    // Appends to `out`, which must end with the '{' of the object being written.
    explicit JsonWriter(std::string& out) : out_(out) {}

    // `"k":` (after a comma unless the object has just been opened).
    std::string& key(const char* k) {
        comma('{');
        out_ += '"';
        out_ += k;
        out_ += "\":";
        return out_;
    }
    void str(const char* k, std::string_view v) { json::write_string(key(k), v); }
    void num(const char* k, std::int64_t v) { json::write_integer(key(k), v); }
    void real(const char* k, double v) { json::write_double(key(k), v); }
    void flag(const char* k, bool v) { key(k) += v ? "true" : "false"; }
    void strs(const char* k, const std::vector<std::string>& v) {
        key(k) += '[';
        for (const std::string& s : v) {
            comma('[');
            json::write_string(out_, s);
        }
        out_ += ']';
    }

    // A member whose key is data, not a literal (form field names): escaped like a value.
    void member(std::string_view k, std::string_view v) {
        comma('{');
        json::write_string(out_, k);
        out_ += ':';
        json::write_string(out_, v);
    }
    // `"k":` then `json` as it is: a value already encoded as compact JSON (rich
    // messages' `parts`, which were parsed and dumped when they were decoded).
    void raw(const char* k, std::string_view json) { key(k) += json; }

    // `"k":{` … then end(): a nested object.
    void open(const char* k) { key(k) += '{'; }
    // `"k":[` … then item() before each element object and end_array().
    void open_array(const char* k) { key(k) += '['; }
    void item() {
        comma('[');
        out_ += '{';
    }
    void end() { out_ += '}'; }
    void end_array() { out_ += ']'; }

private:
    void comma(char opened) {
        if (out_.back() != opened) out_ += ',';
    }

    std::string& out_;
};

}  // namespace parley::protocol
