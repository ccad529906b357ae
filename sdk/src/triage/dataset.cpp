// CSV reading for training data: one small state machine over bytes.
#include "parley/triage/dataset.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace parley::triage {
namespace {

// Splits RFC 4180 records. Returns false on an unterminated quote.
bool split_records(std::string_view s, std::vector<std::vector<std::string>>& rows) {
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    for (size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted) {
            if (c != '"') field += c;
            else if (i + 1 < s.size() && s[i + 1] == '"') { field += '"'; ++i; }
            else quoted = false;
            continue;
        }
        if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            any = true;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
            if (any || !field.empty()) {  // blank lines are skipped
                row.push_back(std::move(field));
                rows.push_back(std::move(row));
            }
            row.clear();
            field.clear();
            any = false;
        } else {
            field += c;
            any = true;
        }
    }
    if (quoted) return false;
    if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return true;
}

}  // namespace

TriageResult<std::vector<Example>> parse_csv_examples(std::string_view csv) {
    if (csv.substr(0, 3) == "\xEF\xBB\xBF") csv.remove_prefix(3);
    std::vector<std::vector<std::string>> rows;
    if (!split_records(csv, rows)) return TriageError{TriageErrc::invalid_argument, "unterminated quote"};
    if (rows.empty()) return TriageError{TriageErrc::invalid_argument, "no header"};
    size_t text_col = SIZE_MAX, label_col = SIZE_MAX;
    for (size_t k = 0; k < rows[0].size(); ++k) {
        if (rows[0][k] == "text") text_col = k;
        if (rows[0][k] == "label") label_col = k;
    }
    if (text_col == SIZE_MAX || label_col == SIZE_MAX)
        return TriageError{TriageErrc::invalid_argument, "header must name `text` and `label` columns"};
    std::vector<Example> out;
    out.reserve(rows.size() - 1);
    for (size_t r = 1; r < rows.size(); ++r) {
        if (rows[r].size() <= std::max(text_col, label_col))
            return TriageError{TriageErrc::invalid_argument,
                               "record " + std::to_string(r + 1) + " has too few fields"};
        out.push_back({std::move(rows[r][text_col]), std::move(rows[r][label_col])});
    }
    return out;
}

}  // namespace parley::triage
