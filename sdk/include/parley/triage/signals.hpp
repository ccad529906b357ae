// Signals beside intents: cheap, rule-based readings of one message that the widget
// and the relay act on (escalate, close, prioritise). Keyword lists cover English,
// French, German, Spanish, Portuguese, Italian and Dutch; matching runs on normalised
// text (normalize.hpp), so case, accents and apostrophes do not matter.
// All functions are pure and may be called from any callback.
#pragma once

#include <string_view>

namespace parley::triage {

// "Can I talk to a human / a real person / an agent?" — the visitor wants a person.
bool asks_for_human(std::string_view text);

struct Sentiment {
    float frustration = 0;  // 0 = calm … 1 = clearly angry or desperate
    bool negative = false;  // frustration >= 0.5
};
// Frustration from negative words and phrases, repeated complaints ("still", "again"),
// shouting (mostly capitals), "!!!"/"?!", and angry emoji; softened by thanks.
Sentiment sentiment(std::string_view text);

enum class Reply {
    none,            // an ordinary message
    closing,         // "no", "no thanks", "that's all", "bye": the visitor is done
    acknowledgement  // "thanks", "ok", "great", 👍: polite, not a new request
};
// Classifies short replies only (up to 8 tokens); longer messages are `none`.
// P4: "No" to "anything else?" closes; "thanks" alone does not reopen.
Reply reply_kind(std::string_view text);

enum class Urgency { normal, high };
// Priority keywords: "urgent", "asap", "right now", "production is down", "outage", …
Urgency urgency(std::string_view text);

// All four readings above from one normalisation of the text (the relay reads every
// visitor message; each function alone normalises and tokenises it again).
struct Signals {
    bool asks_for_human = false;
    Sentiment sentiment;
    Reply reply = Reply::none;
    Urgency urgency = Urgency::normal;
};
Signals read_signals(std::string_view text);

}  // namespace parley::triage
