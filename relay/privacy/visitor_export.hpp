// The data-subject export (P7, docs/security.md "Erasure and export"): everything the
// relay stores about one visitor, as one JSON document an operator hands to the person
// who asked. Pure: the record comes from Store::visitor_record.
//
//   {"format": "parley.visitor-export.v1", "exported_at": ms,
//    "visitor": {"id", "name", "created"},
//    "conversations": [{"conv", "status", "updated", "messages": [
//        {"seq", "ts", "from": {"role", "id", "name"}, "text",
//         "internal": true (agents' notes about the conversation; only when true),
//         "meta": {"intent", "confidence", "signals"} (only when triaged)}]}]}
//
// Internal notes are included: they are data about the person, which the right of access
// covers; an operator who must withhold some does so before handing the file over.
#pragma once

#include <cstdint>
#include <string>

#include "store/store.hpp"

namespace parley::relay {

std::string visitor_export_json(const VisitorRecord& record, std::int64_t exported_at);

}  // namespace parley::relay
