// Rich message parts the house bot sends beside its plain-text fallback, in the shape
// of BOTS.md "Rich messages" (quick_replies, buttons, card, form). The core builds
// these; to_json() gives the wire array for `send.parts`. Option and button ids carry
// their meaning ("kb:refunds.2", "human", "lead:start") so that a visitor's `reply`
// can be acted on without remembering which seq offered it.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace parley::bot {

struct Option {
    std::string id;     // [A-Za-z0-9_.:-]{1,64}
    std::string label;  // 1–80 bytes
};

struct Button {
    std::string label;
    std::string id;   // a postback, or
    std::string url;  // a link (http/https); exactly one of id / url is set
};

struct FormField {
    std::string name;
    std::string label;
    std::string type;  // "text" | "email" | "choice"
    bool required = false;
    std::vector<Option> options;  // type choice
};

struct Part {
    enum class Kind { quick_replies, buttons, card, form } kind = Kind::quick_replies;
    std::vector<Option> options;    // quick_replies
    std::vector<Button> buttons;    // buttons, card
    std::string title, text, image; // card
    std::string id, submit;         // form
    std::vector<FormField> fields;  // form
};

const char* kind_name(Part::Kind kind);

// The BOTS.md wire form of one part / of a parts array.
nlohmann::json to_json(const Part& part);
nlohmann::json to_json(const std::vector<Part>& parts);

// Convenience builders.
Part quick_replies(std::vector<Option> options);
Part form_part(std::string id, std::string submit, std::vector<FormField> fields);

}  // namespace parley::bot
