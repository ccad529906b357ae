// The relay's log sink (issue 18): every line, libwebsockets' and ours, goes through one
// locked LogThrottle (core/log_throttle.hpp: control characters escaped, repeats folded,
// volume bounded) and is then written to stderr as text or as JSON (core/log_format.hpp).
//
//   --log-format auto|json|text   auto: text when stderr is a terminal, JSON otherwise
//   --log-level error|warn|notice|info|debug   default notice (what the relay always
//                                 wrote); info adds the HTTP access log; debug adds
//                                 libwebsockets' own notices and info lines
//
// libwebsockets is given ERR and WARN always (the relay writes its notices with
// lwsl_warn; event_of_message classifies them), its lower levels only at debug.
// The throttle folds on the message text; a folded or suppressed report is written with
// the level of the line that carries it out.
#pragma once

#include <string>
#include <vector>

#include "core/log_format.hpp"

namespace parley::relay {

// Before anything logs (main); resolves auto with isatty(stderr).
void configure_logs(LogFormat format, LogLevel level);
bool logs_are_json();
// A config reload (--log-level): from the next line on, libwebsockets' levels too.
void set_log_level(LogLevel level);
bool log_enabled(LogLevel level);

// One record: through the throttle, then to stderr. `always`: whatever --log-level says
// (the listening and stopped events, which scripts wait for).
void log_event(LogLevel level, std::string event, std::vector<LogField> fields, std::string msg,
               bool always = false);

// For lws_set_log_level: the mask to give it, and the sink itself.
int lws_log_mask();
void lws_log_sink(int lws_level, const char* line);

}  // namespace parley::relay
