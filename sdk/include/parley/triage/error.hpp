// Errors of the triage core, as values. The protocol's Result<T> carries a wire
// ErrorCode; triage errors never go on the wire, so they have their own small type.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace parley::triage {

enum class TriageErrc {
    invalid_argument,   // the caller passed options or data the core cannot use
    empty_data,         // no usable training examples
    too_many_classes,   // more than kMaxClasses labels (the model stores a class in a byte)
    bad_model,          // model bytes are truncated, corrupt or fail their checksum
    unsupported_version // a model file from a newer format version
};

struct TriageError {
    TriageErrc code;
    std::string detail;
};

const char* errc_name(TriageErrc code);

template <class T>
class TriageResult {
public:
    TriageResult(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
    TriageResult(TriageError error) : v_(std::move(error)) {}   // NOLINT: implicit by design

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T& value() const& { return std::get<0>(v_); }
    T& value() & { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    const TriageError& error() const { return std::get<1>(v_); }

private:
    std::variant<T, TriageError> v_;
};

}  // namespace parley::triage
