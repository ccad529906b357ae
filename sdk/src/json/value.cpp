// parley::json::Value and its writer. The writer reproduces nlohmann/json 3.11's
// dump(-1, ' ', /*ensure_ascii=*/false, error_handler_t::replace) byte for byte, which
// is what every frame, event and C API answer was written with before (value.hpp).
#include "parley/json/value.hpp"

#include <array>
#include <cmath>

// Doubles: nlohmann's Grisu2 (one self-contained header, a function template and a
// table of cached powers; none of the rest of the library). Writing our own shortest
// round-trip formatter would risk a different digit string on some doubles, and the
// wire must not change; Grisu2 is also far smaller than printf("%.17g") + strtod loops.
#include <nlohmann/detail/conversions/to_chars.hpp>

namespace parley::json {

Value::Value(const std::vector<std::string>& strings) : type_(Type::array) {
    a_.reserve(strings.size());
    for (const auto& s : strings) a_.emplace_back(s);
}

Value Value::array() {
    Value v;
    v.type_ = Type::array;
    return v;
}

Value Value::object() {
    Value v;
    v.type_ = Type::object;
    return v;
}

std::int64_t Value::as_int() const {
    switch (type_) {
        case Type::integer: return i_;
        case Type::unsigned_integer: return static_cast<std::int64_t>(u_);
        case Type::number: return static_cast<std::int64_t>(d_);
        default: return 0;
    }
}

std::uint64_t Value::as_unsigned() const {
    switch (type_) {
        case Type::integer: return static_cast<std::uint64_t>(i_);
        case Type::unsigned_integer: return u_;
        case Type::number: return static_cast<std::uint64_t>(d_);
        default: return 0;
    }
}

double Value::as_double() const {
    switch (type_) {
        case Type::integer: return static_cast<double>(i_);
        case Type::unsigned_integer: return static_cast<double>(u_);
        case Type::number: return d_;
        default: return 0;
    }
}

std::size_t Value::size() const {
    if (type_ == Type::array) return a_.size();
    if (type_ == Type::object) return o_.size();
    return 0;
}

const Value* Value::find(std::string_view key) const {
    if (type_ != Type::object) return nullptr;
    for (auto it = o_.rbegin(); it != o_.rend(); ++it)
        if (it->key == key) return &it->value;
    return nullptr;
}

Value& Value::operator[](std::string_view key) {
    if (type_ == Type::null) type_ = Type::object;
    for (auto& m : o_)
        if (m.key == key) return m.value;
    o_.push_back(Member{std::string(key), Value()});
    return o_.back().value;
}

void Value::push_back(Value v) {
    if (type_ == Type::null) type_ = Type::array;
    a_.push_back(std::move(v));
}

namespace {

void write_unsigned(std::string& out, std::uint64_t n) {
    char buf[20];
    int len = 0;
    do {
        buf[len++] = static_cast<char>('0' + n % 10);
        n /= 10;
    } while (n != 0);
    while (len > 0) out += buf[--len];
}


// One accepted code point (ASCII or the last byte of a multi-byte sequence) as
// nlohmann writes it with ensure_ascii=false.
void write_ascii(std::string& out, unsigned char c) {
    switch (c) {
        case '\b': out += "\\b"; return;
        case '\t': out += "\\t"; return;
        case '\n': out += "\\n"; return;
        case '\f': out += "\\f"; return;
        case '\r': out += "\\r"; return;
        case '"': out += "\\\""; return;
        case '\\': out += "\\\\"; return;
        default: break;
    }
    if (c <= 0x1F) {
        static const char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
        return;
    }
    out += static_cast<char>(c);
}

constexpr const char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

}  // namespace

void write_integer(std::string& out, std::int64_t n) {
    if (n < 0) {
        out += '-';
        // Negate in unsigned arithmetic so INT64_MIN does not overflow.
        write_unsigned(out, 0 - static_cast<std::uint64_t>(n));
    } else {
        write_unsigned(out, static_cast<std::uint64_t>(n));
    }
}

// Well-formed UTF-8 (Unicode table 3-7) is copied; each maximal ill-formed part
// becomes one U+FFFD. A byte that cannot continue the sequence in progress ends it
// (one U+FFFD) and is then read again as the start of the next one, exactly as
// nlohmann's replace handler does.
void write_string(std::string& out, std::string_view s) {
    out += '"';
    std::size_t start = 0;  // first byte of the sequence in progress
    int need = 0;           // continuation bytes still expected
    unsigned char lo = 0x80, hi = 0xBF;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (need > 0) {
            if (b >= lo && b <= hi) {
                lo = 0x80;
                hi = 0xBF;
                if (--need == 0) out.append(s.substr(start, i + 1 - start));
                continue;
            }
            out += kReplacement;  // the sequence broke off: drop it, re-read b
            need = 0;
            --i;
            continue;
        }
        if (b < 0x80) {
            write_ascii(out, b);
            continue;
        }
        start = i;
        lo = 0x80;
        hi = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            need = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            need = 2;
            if (b == 0xE0) lo = 0xA0;       // no overlong forms
            else if (b == 0xED) hi = 0x9F;  // no surrogates
        } else if (b >= 0xF0 && b <= 0xF4) {
            need = 3;
            if (b == 0xF0) lo = 0x90;       // no overlong forms
            else if (b == 0xF4) hi = 0x8F;  // nothing beyond U+10FFFF
        } else {
            out += kReplacement;  // not a start byte: dropped
        }
    }
    if (need > 0) out += kReplacement;  // truncated at the end
    out += '"';
}

void write_double(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += "null";
        return;
    }
    std::array<char, 64> buf;
    char* end = nlohmann::detail::to_chars(buf.data(), buf.data() + buf.size(), d);
    out.append(buf.data(), static_cast<std::size_t>(end - buf.data()));
}

void Value::dump_to(std::string& out) const {
    switch (type_) {
        case Type::null: out += "null"; return;
        case Type::boolean: out += b_ ? "true" : "false"; return;
        case Type::integer: write_integer(out, i_); return;
        case Type::unsigned_integer: write_unsigned(out, u_); return;
        case Type::number: write_double(out, d_); return;
        case Type::string: write_string(out, s_); return;
        case Type::array:
            out += '[';
            for (std::size_t i = 0; i < a_.size(); ++i) {
                if (i) out += ',';
                a_[i].dump_to(out);
            }
            out += ']';
            return;
        case Type::object:
            out += '{';
            for (std::size_t i = 0; i < o_.size(); ++i) {
                if (i) out += ',';
                write_string(out, o_[i].key);
                out += ':';
                o_[i].value.dump_to(out);
            }
            out += '}';
            return;
    }
}

std::string Value::dump() const {
    std::string out;
    dump_to(out);
    return out;
}

}  // namespace parley::json
