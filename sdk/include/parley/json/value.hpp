// parley::json::Value: the small JSON document the codec, the C APIs and the event
// writer share (docs/sdk.md).
//
// Why not nlohmann/json: it was two thirds of the widget's Wasm (issue 6). This covers
// what the sdk needs and nothing more: one value type, a strict RFC 8259 parser
// (parse.hpp) and a compact writer, no exceptions, no locale, no streams.
//
// The behaviour is pinned to what the sdk had with nlohmann/json 3.11, so frames on
// the wire did not change (tests/sdk/json compares both on many inputs):
//  - numbers keep nlohmann's three kinds: a non-negative integer that fits uint64 is
//    `unsigned_integer`, a negative one that fits int64 is `integer`, anything else
//    (fraction, exponent, or an integer too big) is `number` (a double);
//  - objects keep their members in insertion order; when a parsed object repeats a key,
//    the last value wins (find() searches from the back);
//  - dump() writes compact JSON exactly as nlohmann's dump(-1, ' ', false, replace):
//    only `"`, `\`, and control characters escaped (\b \f \n \r \t, else \u00xx),
//    non-ASCII as is, invalid UTF-8 replaced by U+FFFD, doubles in shortest round-trip
//    form (Grisu2, "1.0", "1e+100"), non-finite doubles as null.
//
// Nothing here throws. Reading a value as the wrong type returns a neutral value
// (false, 0, empty) rather than failing: callers check the type first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace parley::json {

enum class Type : std::uint8_t {
    null,
    boolean,
    integer,           // negative integer that fits int64
    unsigned_integer,  // non-negative integer that fits uint64
    number,            // any other number: a double
    string,
    array,
    object,
};

struct Member;

class Value {
public:
    Value() = default;  // null
    Value(std::nullptr_t) {}
    Value(bool b) : type_(Type::boolean), b_(b) {}
    Value(int n) : Value(static_cast<long long>(n)) {}
    Value(long n) : Value(static_cast<long long>(n)) {}
    Value(long long n) : type_(Type::integer), i_(n) {}
    Value(unsigned long n) : Value(static_cast<unsigned long long>(n)) {}
    Value(unsigned long long n) : type_(Type::unsigned_integer), u_(n) {}
    Value(double d) : type_(Type::number), d_(d) {}
    Value(const char* s) : type_(Type::string), s_(s) {}
    Value(std::string s) : type_(Type::string), s_(std::move(s)) {}
    Value(const std::vector<std::string>& strings);  // an array of strings

    static Value array();
    static Value object();

    Type type() const { return type_; }
    bool is_null() const { return type_ == Type::null; }
    bool is_bool() const { return type_ == Type::boolean; }
    // Integer of either sign (nlohmann's is_number_integer).
    bool is_integer() const { return type_ == Type::integer || type_ == Type::unsigned_integer; }
    bool is_unsigned() const { return type_ == Type::unsigned_integer; }
    bool is_float() const { return type_ == Type::number; }
    bool is_number() const { return is_integer() || is_float(); }
    bool is_string() const { return type_ == Type::string; }
    bool is_array() const { return type_ == Type::array; }
    bool is_object() const { return type_ == Type::object; }

    bool as_bool() const { return type_ == Type::boolean && b_; }
    // The integer as int64: unsigned values beyond int64 wrap, floats truncate
    // (nlohmann's get<int64_t>). Callers range-check with is_unsigned()/as_unsigned().
    std::int64_t as_int() const;
    std::uint64_t as_unsigned() const;
    double as_double() const;
    const std::string& as_string() const { return s_; }  // empty unless a string

    // Arrays: the elements. Objects: the members, in order (duplicates kept as parsed).
    const std::vector<Value>& elements() const { return a_; }
    const std::vector<Member>& members() const { return o_; }
    std::size_t size() const;  // elements or members; 0 for scalars

    // The value of the last member named `key`, or nullptr (also when not an object).
    const Value* find(std::string_view key) const;
    // The member named `key`, appended as null if missing (makes a null an object).
    Value& operator[](std::string_view key);
    // Appends to an array (makes a null an array).
    void push_back(Value v);

    // Compact JSON text, as described above. Never fails.
    std::string dump() const;
    void dump_to(std::string& out) const;

private:
    friend class Parser;

    Type type_ = Type::null;
    union {  // the scalar named by type_ (one word: copies stay cheap)
        bool b_;
        std::int64_t i_ = 0;
        std::uint64_t u_;
        double d_;
    };
    std::string s_;
    std::vector<Value> a_;
    std::vector<Member> o_;
};

struct Member {
    std::string key;
    Value value;
};

// Appends `s` as a JSON string literal (quotes included), escaped and with invalid
// UTF-8 replaced as dump() does.
void write_string(std::string& out, std::string_view s);

// Appends a double as dump() does: shortest round-trip digits, null if not finite.
void write_double(std::string& out, double d);

// Appends a signed integer as dump() does.
void write_integer(std::string& out, std::int64_t n);

}  // namespace parley::json
