// Start-up of triage in parley-relay: finding and reading the model file and turning
// the masking options into a MaskPolicy. File I/O lives here, not in core/.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/message_triage.hpp"
#include "options.hpp"
#include "parley/triage/model.hpp"

namespace parley::relay {

// Where the default model is looked for, in order: beside an installed relay
// (<prefix>/share/parley/triage/default.ptm, from <prefix>/bin/parley-relay), then the
// build tree the relay was compiled in (PARLEY_BUILD_TRIAGE_MODEL).
std::vector<std::string> default_model_paths(const std::string& executable);

// Reads and loads a model file; on failure returns nullopt and sets `error`.
std::optional<triage::Model> load_model_file(const std::string& path, std::string& error);

// The policy the options describe (their kinds were validated by parse_options).
MaskPolicy mask_policy_from(const Options& options);

}  // namespace parley::relay
