// Errors of the house bot's core, as values. Like triage errors they never travel on
// the wire (the bot's wire errors are the relay's), so they have their own small type.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace parley::bot {

enum class BotErrc {
    bad_config,  // the TOML does not parse, or a field has the wrong type or range
    io,          // a file or folder cannot be read
    index        // SQLite refused to build or query an index, or to write the gap log
};

struct BotError {
    BotErrc code;
    std::string detail;  // names the file, line and field where there is one
};

const char* errc_name(BotErrc code);

template <class T>
class BotResult {
public:
    BotResult(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
    BotResult(BotError error) : v_(std::move(error)) {}  // NOLINT: implicit by design

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T& value() const& { return std::get<0>(v_); }
    T& value() & { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    const BotError& error() const { return std::get<1>(v_); }

private:
    std::variant<T, BotError> v_;
};

}  // namespace parley::bot
