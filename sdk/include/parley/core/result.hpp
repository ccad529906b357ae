// Result<T>: a value or an Error. Errors are values in Parley: nothing throws across
// the Wasm or C boundary, and every error says which side broke the rules (its code
// range, see docs/protocol.md §6).
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "parley/protocol/error_code.hpp"

namespace parley {

struct Error {
    protocol::ErrorCode code;
    std::string detail;  // human-readable, for logs and the `message` field
    std::string ref;     // the `cid` of the offending frame, when it had one
};

template <class T>
class Result {
public:
    Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
    Result(Error error) : v_(std::move(error)) {}      // NOLINT: implicit by design

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T& value() const& { return std::get<0>(v_); }
    T& value() & { return std::get<0>(v_); }
    // A temporary's value is moved out, not referred to: `for (auto& m : read().value())`
    // and `const auto& v = read().value()` then hold the value itself (the temporary
    // lifetime rules extend a returned object, never what a returned reference names),
    // where T&& left them dangling once the Result died (ASan caught one in a test).
    T value() && { return std::get<0>(std::move(v_)); }
    const Error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

// The value of a Result that carries only success or failure.
struct Unit {};
using Status = Result<Unit>;

}  // namespace parley
