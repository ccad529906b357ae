// kVisitorOnly: true in the widget's build of the client core (wasm/CMakeLists.txt,
// parley_core_visitor, compiled with PARLEY_VISITOR_ONLY=1), false everywhere else.
//
// A visitor never streams, sends rich parts, takes notes, transfers, closes, hands off
// or back, signs out sessions or reads the audit log: those are agents' and bots'
// (docs/protocol.md §4: a visitor sending them gets 2004). The widget's core leaves
// them out so the linker drops their code (issue 16, bench/README.md "Widget weight"):
// the code tests kVisitorOnly with a plain `if`, which the compiler folds, so both
// builds compile (and type-check) every line. In the visitor build, a client config
// with another role is refused, an agent or bot action returns 2004 forbidden without
// sending anything, and the relay frames only agents are sent (inbox, conv, supervisor,
// logged_out, sessions, audit, visitor_export, erased) are not read: they decode as
// 1003 unknown_type. Every frame a visitor can receive decodes as in the full core.
#pragma once

namespace parley {

#if defined(PARLEY_VISITOR_ONLY) && PARLEY_VISITOR_ONLY
inline constexpr bool kVisitorOnly = true;
#else
inline constexpr bool kVisitorOnly = false;
#endif

}  // namespace parley
