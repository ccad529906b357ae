// Recursive-descent JSON parser (parse.hpp). One pass over the bytes; every rule that
// nlohmann/json 3.11 enforced is enforced here at the same place, so both accept and
// refuse the same texts (tests/sdk/json/parse_test.cpp lists them).
#include "parley/json/parse.hpp"

#include "decimal.hpp"

#include <limits>
#include <string>

namespace parley::json {

class Parser {
public:
    Parser(std::string_view text, int max_depth) : s_(text), max_depth_(max_depth) {}

    bool document(Value& out) {
        // A UTF-8 byte-order mark is skipped, but only as the very first bytes.
        if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
        skip_space();
        if (!value(out, 0)) return false;
        skip_space();
        // A NUL byte where the next token would start ends the text, as it did for
        // nlohmann (whose lexer reads '\0' as the end of a C string).
        return pos_ == s_.size() || s_[pos_] == '\0';
    }

private:
    bool at_end() const { return pos_ >= s_.size(); }
    unsigned char peek() const { return at_end() ? 0 : static_cast<unsigned char>(s_[pos_]); }

    void skip_space() {
        while (!at_end()) {
            const char c = s_[pos_];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            ++pos_;
        }
    }

    bool literal(std::string_view word) {
        if (s_.substr(pos_, word.size()) != word) return false;
        pos_ += word.size();
        return true;
    }

    bool value(Value& out, int depth) {
        if (at_end()) return false;
        switch (s_[pos_]) {
            case '{': return object(out, depth + 1);
            case '[': return array(out, depth + 1);
            case '"':
                out.type_ = Type::string;
                return string(out.s_);
            case 't':
                out.type_ = Type::boolean;
                out.b_ = true;
                return literal("true");
            case 'f':
                out.type_ = Type::boolean;
                out.b_ = false;
                return literal("false");
            case 'n': return literal("null");  // `out` is a fresh null
            default: return number(out);
        }
    }

    bool object(Value& out, int depth) {
        if (depth > max_depth_) return false;
        out.type_ = Type::object;
        ++pos_;  // '{'
        skip_space();
        if (peek() == '}') {
            ++pos_;
            return true;
        }
        for (;;) {
            if (peek() != '"') return false;
            out.o_.emplace_back();
            Member& m = out.o_.back();
            if (!string(m.key)) return false;
            skip_space();
            if (peek() != ':') return false;
            ++pos_;
            skip_space();
            if (!value(m.value, depth)) return false;
            skip_space();
            if (peek() == ',') {
                ++pos_;
                skip_space();
                continue;
            }
            if (peek() != '}') return false;
            ++pos_;
            return true;
        }
    }

    bool array(Value& out, int depth) {
        if (depth > max_depth_) return false;
        out.type_ = Type::array;
        ++pos_;  // '['
        skip_space();
        if (peek() == ']') {
            ++pos_;
            return true;
        }
        for (;;) {
            out.a_.emplace_back();
            if (!value(out.a_.back(), depth)) return false;
            skip_space();
            if (peek() == ',') {
                ++pos_;
                skip_space();
                continue;
            }
            if (peek() != ']') return false;
            ++pos_;
            return true;
        }
    }

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    bool number(Value& out) {
        const std::size_t start = pos_;
        const bool negative = peek() == '-';
        if (negative) ++pos_;
        auto digits = [&] {
            const std::size_t from = pos_;
            while (peek() >= '0' && peek() <= '9') ++pos_;
            return pos_ - from;
        };
        if (peek() == '0') {
            ++pos_;
        } else if (digits() == 0) {
            return false;
        }
        bool integral = true;
        if (peek() == '.') {
            ++pos_;
            if (digits() == 0) return false;
            integral = false;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++pos_;
            if (peek() == '+' || peek() == '-') ++pos_;
            if (digits() == 0) return false;
            integral = false;
        }
        const std::string_view token = s_.substr(start, pos_ - start);
        if (integral && integer(token, negative, out)) return true;
        // A fraction, an exponent, or an integer beyond 64 bits: a double, which must
        // be finite (nlohmann: "number overflow").
        out.type_ = Type::number;
        return detail::decimal_to_double(token, out.d_);
    }

    // Fits the digits in uint64 (or, negated, int64); false when they do not.
    static bool integer(std::string_view token, bool negative, Value& out) {
        std::uint64_t n = 0;
        for (std::size_t i = negative ? 1 : 0; i < token.size(); ++i) {
            const auto d = static_cast<std::uint64_t>(token[i] - '0');
            if (n > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return false;
            n = n * 10 + d;
        }
        if (!negative) {
            out.type_ = Type::unsigned_integer;
            out.u_ = n;
            return true;
        }
        constexpr std::uint64_t kMinMagnitude = std::uint64_t{1} << 63;  // -INT64_MIN
        if (n > kMinMagnitude) return false;
        out.type_ = Type::integer;
        out.i_ = static_cast<std::int64_t>(0 - n);  // wraps to INT64_MIN when n = 2^63
        return true;
    }

    static int hex(unsigned char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    // Four hex digits after "\u"; -1 if malformed.
    int code_unit() {
        if (pos_ + 4 > s_.size()) return -1;
        int v = 0;
        for (int k = 0; k < 4; ++k) {
            const int h = hex(static_cast<unsigned char>(s_[pos_ + k]));
            if (h < 0) return -1;
            v = v * 16 + h;
        }
        pos_ += 4;
        return v;
    }

    static void append_utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    // After a backslash: one escape, appended decoded.
    bool escape(std::string& out) {
        if (at_end()) return false;
        const char c = s_[pos_++];
        switch (c) {
            case '"': out += '"'; return true;
            case '\\': out += '\\'; return true;
            case '/': out += '/'; return true;
            case 'b': out += '\b'; return true;
            case 'f': out += '\f'; return true;
            case 'n': out += '\n'; return true;
            case 'r': out += '\r'; return true;
            case 't': out += '\t'; return true;
            case 'u': break;
            default: return false;
        }
        const int first = code_unit();
        if (first < 0) return false;
        std::uint32_t cp = static_cast<std::uint32_t>(first);
        if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a lone low surrogate
        if (cp >= 0xD800 && cp <= 0xDBFF) {              // must pair with \uDC00-\uDFFF
            if (s_.substr(pos_, 2) != "\\u") return false;
            pos_ += 2;
            const int second = code_unit();
            if (second < 0xDC00 || second > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<std::uint32_t>(second) - 0xDC00);
        }
        append_utf8(out, cp);
        return true;
    }

    // A string literal at '"': well-formed UTF-8, no raw control characters.
    bool string(std::string& out) {
        ++pos_;  // '"'
        for (;;) {
            if (at_end()) return false;
            const auto b = static_cast<unsigned char>(s_[pos_]);
            if (b == '"') {
                ++pos_;
                return true;
            }
            if (b == '\\') {
                ++pos_;
                if (!escape(out)) return false;
                continue;
            }
            if (b < 0x20) return false;
            if (b < 0x80) {
                out += static_cast<char>(b);
                ++pos_;
                continue;
            }
            const std::size_t n = utf8_length(pos_);
            if (n == 0) return false;
            out.append(s_.substr(pos_, n));
            pos_ += n;
        }
    }

    // Length of the well-formed UTF-8 sequence of 2-4 bytes at `at` (table 3-7 of the
    // Unicode standard), or 0.
    std::size_t utf8_length(std::size_t at) const {
        const auto b = static_cast<unsigned char>(s_[at]);
        std::size_t need;
        unsigned char lo = 0x80, hi = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            need = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            need = 2;
            if (b == 0xE0) lo = 0xA0;
            else if (b == 0xED) hi = 0x9F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            need = 3;
            if (b == 0xF0) lo = 0x90;
            else if (b == 0xF4) hi = 0x8F;
        } else {
            return 0;
        }
        if (at + need >= s_.size()) return 0;  // the closing quote must still follow
        for (std::size_t k = 1; k <= need; ++k) {
            const auto c = static_cast<unsigned char>(s_[at + k]);
            if (c < lo || c > hi) return 0;
            lo = 0x80;
            hi = 0xBF;
        }
        return need + 1;
    }

    std::string_view s_;
    std::size_t pos_ = 0;
    int max_depth_;
};

std::optional<Value> parse(std::string_view text, int max_depth) {
    Value v;
    Parser p(text, max_depth);
    if (!p.document(v)) return std::nullopt;
    return v;
}

}  // namespace parley::json
