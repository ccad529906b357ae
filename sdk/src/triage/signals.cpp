// Signals: keyword and phrase lists matched on normalised text. Phrases are written
// in normalised form (lower case, no accents, no apostrophes), and matched on whole
// tokens by padding both sides with spaces.
#include "parley/triage/signals.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "parley/triage/features.hpp"
#include "parley/triage/normalize.hpp"

namespace parley::triage {
namespace {

// A phrase list is one string: phrases separated by '\0', the last followed by the
// literal's own '\0', so an empty phrase ends the list. Denser in the widget's Wasm than
// arrays of pointers (issue 6). Iterate with `for (p = list; *p; p = next(p))`.
const char* next(const char* phrase) { return phrase + std::char_traits<char>::length(phrase) + 1; }

constexpr size_t count_phrases(const char* list) {
    size_t n = 0;
    for (; *list; ++list) {
        ++n;
        while (*list) ++list;
    }
    return n;
}

struct Padded {
    std::string text;  // " normalised text "
    // Hashes of the text's words, sorted. A phrase whose first word's hash is not among
    // them cannot match, which settles most of the few hundred phrases with a binary
    // search instead of a scan of the text (the relay runs this on every visitor
    // message); a collision only costs that scan. Hashes rather than the words: the
    // sort is then the one features.cpp already has, in the widget's Wasm (issue 6).
    std::vector<uint32_t> words;
    static uint32_t hash(std::string_view word) { return feature_hash(word, 0, 0); }
    explicit Padded(std::string_view raw) : text(" " + normalize(raw) + " ") {
        for (std::string_view w : tokens(std::string_view(text).substr(1, text.size() - 2)))
            words.push_back(hash(w));
#if defined(__EMSCRIPTEN__)
        std::make_heap(words.begin(), words.end());  // small code in the widget's Wasm
        std::sort_heap(words.begin(), words.end());
#else
        std::sort(words.begin(), words.end());  // ~3x faster than the heap sort natively
#endif
    }
    bool has(std::string_view phrase) const {
        if (!std::binary_search(words.begin(), words.end(), hash(phrase.substr(0, phrase.find(' ')))))
            return false;
        std::string needle;
        needle.reserve(phrase.size() + 2);
        needle += ' ';
        needle.append(phrase.data(), phrase.size());
        needle += ' ';
        return text.find(needle) != std::string::npos;
    }
    bool any(const char* list) const {
        for (const char* p = list; *p; p = next(p))
            if (has(p)) return true;
        return false;
    }
};

constexpr char kHuman[] =
    // en
    "human\0" "humans\0" "real person\0" "a person\0" "live agent\0" "live person\0" "to an agent\0"
    "with an agent\0" "an agent please\0" "need an agent\0" "want an agent\0" "get an agent\0" "to agent\0" "agent please\0" "representative\0" "rep please\0" "operator\0" "talk to someone\0"
    "speak to someone\0" "speak with someone\0" "talk with someone\0" "talk to somebody\0"
    "speak to somebody\0" "someone real\0" "not a bot\0" "not a robot\0" "no bots\0" "no bot\0"
    "stop the bot\0" "actual person\0" "real human\0" "support staff\0" "your staff\0"
    "call me back\0" "a real one\0" "customer service rep\0"
    // fr, es, pt, it, de, nl
    "humain\0" "une personne\0" "vraie personne\0" "un agent\0" "un conseiller\0" "conseiller\0"
    "parler a quelqu un\0" "parler a quelquun\0" "humano\0" "una persona\0" "persona real\0"
    "un agente\0" "hablar con alguien\0" "asesor\0" "pessoa real\0" "uma pessoa\0" "atendente\0"
    "falar com alguem\0" "un operatore\0" "operatore\0" "persona vera\0" "parlare con qualcuno\0"
    "mensch\0" "menschen\0" "einem menschen\0" "echte person\0" "mitarbeiter\0" "berater\0"
    "mit jemandem sprechen\0" "echt persoon\0" "een medewerker\0" "medewerker\0" "iemand spreken\0";

// Words that are a request for a person only when the message is about nothing else.
constexpr char kHumanShort[] =
    "agent\0" "person\0" "support\0" "someone\0" "staff\0";

// Each phrase with its weight in twentieths (0.6 is 12): a float computed as k / 20.0f
// is the same float as the literal, and a byte per phrase is denser than a struct.
constexpr char kNegative[] =
    // strong
    "furious\0" "angry\0" "outraged\0" "ridiculous\0"
    "unacceptable\0" "terrible\0" "horrible\0" "awful\0"
    "worst\0" "useless\0" "pathetic\0" "scam\0"
    "disgusting\0" "wtf\0" "fed up\0" "sick of\0"
    "sick and tired\0" "hate\0" "garbage\0" "trash\0"
    "rip off\0" "ripoff\0" "nonsense\0" "incompetent\0"
    "fraud\0" "lawyer\0" "joke\0" "shit\0" "crap\0"
    "damn\0" "fucking\0" "fuck\0" "bullshit\0"
    "last time\0" "never again\0" "waste of\0" "wasted\0"
    "inacceptable\0" "honteux\0" "arnaque\0" "nul\0"
    "inaceptable\0" "pesimo\0" "estafa\0" "verguenza\0"
    "harto\0" "unverschamt\0" "frechheit\0" "katastrophe\0"
    "betrug\0" "inaccettabile\0" "vergogna\0" "truffa\0"
    "pessimo\0" "absurdo\0" "belachelijk\0" "schandalig\0"
    "oplichting\0" "decepcionado\0" "decu\0" "enttauscht\0"
    // mild
    "annoying\0" "annoyed\0" "frustrated\0" "frustrating\0"
    "disappointed\0" "disappointing\0" "upset\0" "unhappy\0"
    "not happy\0" "bad\0" "broken\0" "still\0" "again\0"
    "yet again\0" "confusing\0" "doesnt work\0" "not working\0"
    "nobody\0" "no one\0" "no answer\0" "no response\0"
    "complaint\0" "complain\0" "seriously\0" "come on\0"
    "how many times\0" "for hours\0" "for days\0" "for weeks\0"
    "ignored\0" "ignoring\0" "sucks\0" "mad\0";
constexpr unsigned char kNegativeTwentieths[] = {
    // strong
    12, 10, 12, 12,
    12, 10, 10, 10,
    12, 12, 12, 12,
    12, 12, 12, 12,
    14, 10, 12, 10,
    12, 12, 10, 12,
    10, 10, 6, 12, 10,
    8, 12, 12, 12,
    6, 12, 10, 8,
    12, 12, 12, 8,
    12, 12, 12, 12,
    10, 12, 12, 10,
    12, 12, 12, 12,
    12, 10, 12, 12,
    12, 8, 8, 8,
    // mild
    7, 7, 9, 9,
    8, 8, 8, 8,
    8, 5, 4, 4, 4,
    6, 5, 4, 4,
    5, 5, 6, 6,
    7, 7, 5, 6,
    9, 6, 6, 6,
    7, 7, 10, 6,
};
static_assert(count_phrases(kNegative) == sizeof(kNegativeTwentieths), "a weight per phrase");

constexpr char kSofteners[] =
    "thanks\0" "thank you\0" "merci\0" "gracias\0" "danke\0"
    "grazie\0" "obrigado\0" "bedankt\0" "please\0";

constexpr char kAngryEmoji[] =
    "😡\0" "😠\0" "🤬\0" "😤\0" "👎\0" "😞\0" "😢\0" "😭\0" "🙄\0" "💩\0" "😒\0";

constexpr char kClosingPhrases[] =
    "thats all\0" "thats it\0" "that is all\0" "that will be all\0" "thatll be all\0"
    "nothing else\0" "nothing more\0" "no more questions\0" "all good\0" "im good\0" "im all set\0"
    "all set\0" "bye\0" "goodbye\0" "bye bye\0" "have a nice day\0" "have a good day\0" "see you\0"
    "we are done\0" "im done\0" "done thanks\0" "thats everything\0" "no further questions\0"
    "cest tout\0" "rien d autre\0" "rien dautre\0" "au revoir\0" "bonne journee\0"
    "eso es todo\0" "nada mas\0" "adios\0" "hasta luego\0" "das wars\0" "das war alles\0"
    "nichts mehr\0" "tschuss\0" "auf wiedersehen\0" "e tutto\0" "niente altro\0" "arrivederci\0"
    "e so isso\0" "so isso\0" "mais nada\0" "tchau\0" "dat was het\0" "verder niks\0" "doei\0";

constexpr char kNo[] =
    "no\0" "nope\0" "nah\0" "non\0" "nein\0" "nee\0" "nao\0" "nop\0";

// Acknowledgement vocabulary: `core` words carry the meaning, fillers may surround them.
constexpr char kAckCore[] =
    "thanks\0" "thank\0" "thx\0" "ty\0" "tysm\0" "tks\0" "ok\0" "okay\0" "okey\0" "k\0" "kk\0" "great\0"
    "perfect\0" "cool\0" "nice\0" "awesome\0" "gotcha\0" "understood\0" "alright\0" "fine\0" "noted\0"
    "cheers\0" "appreciated\0" "appreciate\0" "wonderful\0" "excellent\0" "brilliant\0" "sweet\0"
    "merci\0" "gracias\0" "danke\0" "grazie\0" "obrigado\0" "obrigada\0" "bedankt\0" "dankjewel\0"
    "super\0" "parfait\0" "genial\0" "vale\0" "daccord\0" "entendido\0" "perfecto\0" "prima\0"
    "top\0" "bien\0" "good\0" "lovely\0" "amazing\0" "helpful\0" "ta\0";
constexpr char kAckFiller[] =
    "you\0" "so\0" "much\0" "very\0" "a\0" "lot\0" "many\0" "got\0" "it\0" "that\0" "thats\0" "sounds\0"
    "oh\0" "ah\0" "yeah\0" "yep\0" "sure\0" "for\0" "the\0" "help\0" "beaucoup\0" "mille\0" "muchas\0"
    "schon\0" "vielen\0" "dank\0" "mille\0" "de\0" "nada\0" "mucho\0" "really\0" "all\0" "right\0"
    "wel\0" "hartelijk\0" "tres\0" "muito\0" "very\0" "again\0" "anyway\0" "guys\0" "team\0" "i\0"
    "see\0" "makes\0" "sense\0" "will\0" "do\0" "great\0" "most\0" "kind\0" "ill\0" "try\0" "is\0";
constexpr char kPositiveEmoji[] =
    "👍\0" "🙏\0" "😊\0" "🙂\0" "❤\0" "👌\0" "😀\0" "😄\0" "😃\0"
    "🎉\0" "💯\0" "✅\0" "🥰\0" "😍\0" "💙\0" "💚\0" "👏\0" "🤝\0"
    "✌\0" "😁\0" "☺\0" "💪\0" "🫶\0" "🤗\0" "😉\0";

constexpr char kUrgent[] =
    "urgent\0" "urgently\0" "asap\0" "emergency\0" "immediately\0" "critical\0" "right now\0"
    "right away\0" "as soon as possible\0" "is down\0" "are down\0" "went down\0" "site down\0"
    "outage\0" "production down\0" "prod down\0" "down for everyone\0" "losing money\0"
    "losing customers\0" "losing sales\0" "high priority\0" "top priority\0" "priority\0" "p0\0"
    "sev0\0" "blocker\0" "blocking\0" "time sensitive\0" "deadline\0" "today please\0"
    "dringend\0" "sofort\0" "notfall\0" "urgente\0" "urgence\0" "immediatement\0" "au plus vite\0"
    "inmediatamente\0" "emergencia\0" "subito\0" "spoed\0" "zo snel mogelijk\0" "imediatamente\0"
    "lo antes posible\0" "so schnell wie moglich\0";

bool in(std::string_view tok, const char* list) {
    for (const char* p = list; *p; p = next(p))
        if (tok == p) return true;
    return false;
}

// Share of upper-case ASCII letters among letters, and the letter count.
void caps_ratio(std::string_view raw, size_t& letters, size_t& upper) {
    letters = upper = 0;
    for (char c : raw) {
        if (c >= 'A' && c <= 'Z') { ++letters; ++upper; }
        else if (c >= 'a' && c <= 'z') ++letters;
    }
}

// Each reading on an already padded text; the public functions and read_signals share
// them.
bool asks_for_human_in(const Padded& p) {
    if (p.any(kHuman)) return true;
    const std::vector<std::string_view> toks = tokens(std::string_view(p.text).substr(1, p.text.size() - 2));
    if (toks.empty() || toks.size() > 4) return false;
    // "agent", "agent please", "real support pls": short messages naming a person.
    for (std::string_view t : toks)
        if (in(t, kHumanShort)) return true;
    return false;
}

Sentiment sentiment_in(const Padded& p, std::string_view text) {
    float score = 0;
    size_t k = 0;
    for (const char* phrase = kNegative; *phrase; phrase = next(phrase), ++k)
        if (p.has(phrase)) score += kNegativeTwentieths[k] / 20.0f;
    size_t letters = 0, upper = 0;
    caps_ratio(text, letters, upper);
    if (letters >= 8 && upper * 10 >= letters * 7) score += 0.4f;  // SHOUTING
    if (text.find("!!") != std::string_view::npos || text.find("?!") != std::string_view::npos ||
        text.find("!?") != std::string_view::npos)
        score += 0.2f;
    for (const char* e = kAngryEmoji; *e; e = next(e))
        if (text.find(e) != std::string_view::npos) { score += 0.4f; break; }
    if (score > 0 && p.any(kSofteners)) score -= 0.15f;
    Sentiment s;
    s.frustration = std::clamp(score, 0.0f, 1.0f);
    s.negative = s.frustration >= 0.5f;
    return s;
}

Reply reply_kind_in(const Padded& p) {
    const std::vector<std::string_view> toks = tokens(std::string_view(p.text).substr(1, p.text.size() - 2));
    if (toks.empty() || toks.size() > 8) return Reply::none;
    // Everything in the message must be closing, "no" or acknowledgement material,
    // so "no, it still fails" is an ordinary message, not a goodbye.
    std::string rest = p.text;
    bool closing = false;
    std::string needle;
    for (const char* phrase = kClosingPhrases; *phrase; phrase = next(phrase)) {
        needle.assign(1, ' ');
        needle += phrase;
        needle += ' ';
        for (size_t at; (at = rest.find(needle)) != std::string::npos;) {
            rest.replace(at, needle.size(), " ");
            closing = true;
        }
    }
    bool ack = false;
    bool other = false;
    for (std::string_view t : tokens(std::string_view(rest).substr(1, rest.size() - 2))) {
        if (in(t, kNo)) closing = true;
        else if (in(t, kAckCore) || in(t, kPositiveEmoji)) ack = true;
        else if (!in(t, kAckFiller)) other = true;
    }
    if (other) return Reply::none;
    if (closing) return Reply::closing;
    return ack ? Reply::acknowledgement : Reply::none;
}

Urgency urgency_in(const Padded& p) { return p.any(kUrgent) ? Urgency::high : Urgency::normal; }

}  // namespace

bool asks_for_human(std::string_view text) { return asks_for_human_in(Padded(text)); }
Sentiment sentiment(std::string_view text) { return sentiment_in(Padded(text), text); }
Reply reply_kind(std::string_view text) { return reply_kind_in(Padded(text)); }
Urgency urgency(std::string_view text) { return urgency_in(Padded(text)); }

Signals read_signals(std::string_view text) {
    const Padded p(text);
    Signals s;
    s.asks_for_human = asks_for_human_in(p);
    s.sentiment = sentiment_in(p, text);
    s.reply = reply_kind_in(p);
    s.urgency = urgency_in(p);
    return s;
}

}  // namespace parley::triage
