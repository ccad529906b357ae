// The API's JSON shapes (docs/openapi.json, components/schemas): a conversation, a
// message, a contact, a report row. One function per schema, so the document and the
// code have one place each to agree.
#pragma once

#include <string>
#include <vector>

#include "parley/json/value.hpp"
#include "parley/protocol/frames.hpp"
#include "reports/report.hpp"
#include "store/store.hpp"

namespace parley::relay::api {

json::Value conversation_json(const protocol::ConvSummary& s);
json::Value message_json(const protocol::Message& m);
json::Value contact_json(const Visitor& visitor, const std::optional<protocol::Contact>& contact);
json::Value report_row_json(const reports::ReportRow& row);

}  // namespace parley::relay::api
