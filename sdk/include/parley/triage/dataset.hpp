// Labelled examples from CSV text: a header naming `text` and `label` columns (any
// order, other columns ignored), RFC 4180 quoting (fields may hold commas, "" and line
// breaks), CRLF or LF, optional UTF-8 byte-order mark. Pure parsing, no I/O: the caller
// reads the file. JSON Lines are parsed by tools/parley-triage (it owns nlohmann/json).
#pragma once

#include <string_view>
#include <vector>

#include "parley/triage/error.hpp"
#include "parley/triage/trainer.hpp"

namespace parley::triage {

// Errors: invalid_argument (no header with both columns, a record with too few fields,
// an unterminated quote), with the 1-based record number in the detail.
TriageResult<std::vector<Example>> parse_csv_examples(std::string_view csv);

}  // namespace parley::triage
