// Sample frames whose encoded bytes the codec and event tests pin (codec_test.cpp:
// the wire; session/client_test.cpp: events). Escapes, invalid UTF-8, and optional
// parts present and absent.
#pragma once

#include <string>

#include "parley/protocol/frames.hpp"

namespace parley::test::pinned {
using protocol::ConvSummary;
using protocol::Message;
using protocol::Meta;
using protocol::Party;
const std::string kConv = "c_0123456789abcdef";
const Party kAda{"visitor", "v_1", "Ada \"A\" \xc3\xa9"};
const Party kSam{"agent", "a_1", "Sam"};
const Message kPlain{kConv, 13, "k3.17", 1732200000000, kAda, "Hello\n\x01 \xff"};
const Message kFull{kConv, 14, "k3.18", 1732200000001, kAda, "Card 4111", true, 11, Meta{"refund", 0.8731, {"human", "pii"}}};
const Meta kMeta0{"oos", 0, {}};
const Meta kMeta1{"billing", 1, {"urgent"}};
const ConvSummary kBare{kConv, kAda, 4, "Hello", 1732200000000, "open"};
const ConvSummary kRouted{kConv, kAda, 5, "Hi", 1732200000002, "open", "active", "a_1", "general", "", 2, "agent", "refund"};
const ConvSummary kPartial{kConv, kAda, 6, "Hi", 1732200000003, "closed", "closed", "", "", "a_2", 0, "", ""};
}  // namespace parley::test::pinned
