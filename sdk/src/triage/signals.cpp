// Signals: keyword and phrase lists matched on normalised text. Phrases are written
// in normalised form (lower case, no accents, no apostrophes), and matched on whole
// tokens by padding both sides with spaces.
#include "parley/triage/signals.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "parley/triage/normalize.hpp"

namespace parley::triage {
namespace {

struct Padded {
    std::string text;  // " normalised text "
    // The text's distinct words, sorted. A phrase whose first word is not among them
    // cannot match, which settles most of the few hundred phrases with a binary search
    // instead of a scan of the text (the relay runs this on every visitor message).
    std::vector<std::string_view> words;
    explicit Padded(std::string_view raw) : text(" " + normalize(raw) + " ") {
        words = tokens(std::string_view(text).substr(1, text.size() - 2));
        std::sort(words.begin(), words.end());
        words.erase(std::unique(words.begin(), words.end()), words.end());
    }
    bool has(std::string_view phrase) const {
        if (!std::binary_search(words.begin(), words.end(), phrase.substr(0, phrase.find(' '))))
            return false;
        std::string needle;
        needle.reserve(phrase.size() + 2);
        needle += ' ';
        needle.append(phrase.data(), phrase.size());
        needle += ' ';
        return text.find(needle) != std::string::npos;
    }
    template <size_t N>
    bool any(const char* const (&list)[N]) const {
        for (const char* p : list)
            if (has(p)) return true;
        return false;
    }
};

constexpr const char* kHuman[] = {
    // en
    "human", "humans", "real person", "a person", "live agent", "live person", "to an agent",
    "with an agent", "an agent please", "need an agent", "want an agent", "get an agent", "to agent", "agent please", "representative", "rep please", "operator", "talk to someone",
    "speak to someone", "speak with someone", "talk with someone", "talk to somebody",
    "speak to somebody", "someone real", "not a bot", "not a robot", "no bots", "no bot",
    "stop the bot", "actual person", "real human", "support staff", "your staff",
    "call me back", "a real one", "customer service rep",
    // fr, es, pt, it, de, nl
    "humain", "une personne", "vraie personne", "un agent", "un conseiller", "conseiller",
    "parler a quelqu un", "parler a quelquun", "humano", "una persona", "persona real",
    "un agente", "hablar con alguien", "asesor", "pessoa real", "uma pessoa", "atendente",
    "falar com alguem", "un operatore", "operatore", "persona vera", "parlare con qualcuno",
    "mensch", "menschen", "einem menschen", "echte person", "mitarbeiter", "berater",
    "mit jemandem sprechen", "echt persoon", "een medewerker", "medewerker", "iemand spreken",
};

// Words that are a request for a person only when the message is about nothing else.
constexpr const char* kHumanShort[] = {"agent", "person", "support", "someone", "staff"};

struct Weighted {
    const char* phrase;
    float weight;
};

constexpr Weighted kNegative[] = {
    // strong
    {"furious", 0.6f}, {"angry", 0.5f}, {"outraged", 0.6f}, {"ridiculous", 0.6f},
    {"unacceptable", 0.6f}, {"terrible", 0.5f}, {"horrible", 0.5f}, {"awful", 0.5f},
    {"worst", 0.6f}, {"useless", 0.6f}, {"pathetic", 0.6f}, {"scam", 0.6f},
    {"disgusting", 0.6f}, {"wtf", 0.6f}, {"fed up", 0.6f}, {"sick of", 0.6f},
    {"sick and tired", 0.7f}, {"hate", 0.5f}, {"garbage", 0.6f}, {"trash", 0.5f},
    {"rip off", 0.6f}, {"ripoff", 0.6f}, {"nonsense", 0.5f}, {"incompetent", 0.6f},
    {"fraud", 0.5f}, {"lawyer", 0.5f}, {"joke", 0.3f}, {"shit", 0.6f}, {"crap", 0.5f},
    {"damn", 0.4f}, {"fucking", 0.6f}, {"fuck", 0.6f}, {"bullshit", 0.6f},
    {"last time", 0.3f}, {"never again", 0.6f}, {"waste of", 0.5f}, {"wasted", 0.4f},
    {"inacceptable", 0.6f}, {"honteux", 0.6f}, {"arnaque", 0.6f}, {"nul", 0.4f},
    {"inaceptable", 0.6f}, {"pesimo", 0.6f}, {"estafa", 0.6f}, {"verguenza", 0.6f},
    {"harto", 0.5f}, {"unverschamt", 0.6f}, {"frechheit", 0.6f}, {"katastrophe", 0.5f},
    {"betrug", 0.6f}, {"inaccettabile", 0.6f}, {"vergogna", 0.6f}, {"truffa", 0.6f},
    {"pessimo", 0.6f}, {"absurdo", 0.5f}, {"belachelijk", 0.6f}, {"schandalig", 0.6f},
    {"oplichting", 0.6f}, {"decepcionado", 0.4f}, {"decu", 0.4f}, {"enttauscht", 0.4f},
    // mild
    {"annoying", 0.35f}, {"annoyed", 0.35f}, {"frustrated", 0.45f}, {"frustrating", 0.45f},
    {"disappointed", 0.4f}, {"disappointing", 0.4f}, {"upset", 0.4f}, {"unhappy", 0.4f},
    {"not happy", 0.4f}, {"bad", 0.25f}, {"broken", 0.2f}, {"still", 0.2f}, {"again", 0.2f},
    {"yet again", 0.3f}, {"confusing", 0.25f}, {"doesnt work", 0.2f}, {"not working", 0.2f},
    {"nobody", 0.25f}, {"no one", 0.25f}, {"no answer", 0.3f}, {"no response", 0.3f},
    {"complaint", 0.35f}, {"complain", 0.35f}, {"seriously", 0.25f}, {"come on", 0.3f},
    {"how many times", 0.45f}, {"for hours", 0.3f}, {"for days", 0.3f}, {"for weeks", 0.3f},
    {"ignored", 0.35f}, {"ignoring", 0.35f}, {"sucks", 0.5f}, {"mad", 0.3f},
};

constexpr const char* kSofteners[] = {"thanks", "thank you", "merci", "gracias", "danke",
                                      "grazie", "obrigado", "bedankt", "please"};

constexpr const char* kAngryEmoji[] = {"😡", "😠", "🤬", "😤", "👎", "😞", "😢", "😭", "🙄", "💩", "😒"};

constexpr const char* kClosingPhrases[] = {
    "thats all", "thats it", "that is all", "that will be all", "thatll be all",
    "nothing else", "nothing more", "no more questions", "all good", "im good", "im all set",
    "all set", "bye", "goodbye", "bye bye", "have a nice day", "have a good day", "see you",
    "we are done", "im done", "done thanks", "thats everything", "no further questions",
    "cest tout", "rien d autre", "rien dautre", "au revoir", "bonne journee",
    "eso es todo", "nada mas", "adios", "hasta luego", "das wars", "das war alles",
    "nichts mehr", "tschuss", "auf wiedersehen", "e tutto", "niente altro", "arrivederci",
    "e so isso", "so isso", "mais nada", "tchau", "dat was het", "verder niks", "doei",
};

constexpr const char* kNo[] = {"no", "nope", "nah", "non", "nein", "nee", "nao", "nop"};

// Acknowledgement vocabulary: `core` words carry the meaning, fillers may surround them.
constexpr const char* kAckCore[] = {
    "thanks", "thank", "thx", "ty", "tysm", "tks", "ok", "okay", "okey", "k", "kk", "great",
    "perfect", "cool", "nice", "awesome", "gotcha", "understood", "alright", "fine", "noted",
    "cheers", "appreciated", "appreciate", "wonderful", "excellent", "brilliant", "sweet",
    "merci", "gracias", "danke", "grazie", "obrigado", "obrigada", "bedankt", "dankjewel",
    "super", "parfait", "genial", "vale", "daccord", "entendido", "perfecto", "prima",
    "top", "bien", "good", "lovely", "amazing", "helpful", "ta"};
constexpr const char* kAckFiller[] = {
    "you", "so", "much", "very", "a", "lot", "many", "got", "it", "that", "thats", "sounds",
    "oh", "ah", "yeah", "yep", "sure", "for", "the", "help", "beaucoup", "mille", "muchas",
    "schon", "vielen", "dank", "mille", "de", "nada", "mucho", "really", "all", "right",
    "wel", "hartelijk", "tres", "muito", "very", "again", "anyway", "guys", "team", "i",
    "see", "makes", "sense", "will", "do", "great", "most", "kind", "ill", "try", "is"};
constexpr const char* kPositiveEmoji[] = {"👍", "🙏", "😊", "🙂", "❤", "👌", "😀", "😄", "😃",
                                          "🎉", "💯", "✅", "🥰", "😍", "💙", "💚", "👏", "🤝",
                                          "✌", "😁", "☺", "💪", "🫶", "🤗", "😉"};

constexpr const char* kUrgent[] = {
    "urgent", "urgently", "asap", "emergency", "immediately", "critical", "right now",
    "right away", "as soon as possible", "is down", "are down", "went down", "site down",
    "outage", "production down", "prod down", "down for everyone", "losing money",
    "losing customers", "losing sales", "high priority", "top priority", "priority", "p0",
    "sev0", "blocker", "blocking", "time sensitive", "deadline", "today please",
    "dringend", "sofort", "notfall", "urgente", "urgence", "immediatement", "au plus vite",
    "inmediatamente", "emergencia", "subito", "spoed", "zo snel mogelijk", "imediatamente",
    "lo antes posible", "so schnell wie moglich",
};

template <size_t N>
bool in(std::string_view tok, const char* const (&list)[N]) {
    for (const char* p : list)
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

}  // namespace

bool asks_for_human(std::string_view text) {
    const Padded p(text);
    if (p.any(kHuman)) return true;
    const std::vector<std::string_view> toks = tokens(std::string_view(p.text).substr(1, p.text.size() - 2));
    if (toks.empty() || toks.size() > 4) return false;
    // "agent", "agent please", "real support pls": short messages naming a person.
    for (std::string_view t : toks)
        if (in(t, kHumanShort)) return true;
    return false;
}

Sentiment sentiment(std::string_view text) {
    const Padded p(text);
    float score = 0;
    for (const Weighted& w : kNegative)
        if (p.has(w.phrase)) score += w.weight;
    size_t letters = 0, upper = 0;
    caps_ratio(text, letters, upper);
    if (letters >= 8 && upper * 10 >= letters * 7) score += 0.4f;  // SHOUTING
    if (text.find("!!") != std::string_view::npos || text.find("?!") != std::string_view::npos ||
        text.find("!?") != std::string_view::npos)
        score += 0.2f;
    for (const char* e : kAngryEmoji)
        if (text.find(e) != std::string_view::npos) { score += 0.4f; break; }
    if (score > 0 && p.any(kSofteners)) score -= 0.15f;
    Sentiment s;
    s.frustration = std::clamp(score, 0.0f, 1.0f);
    s.negative = s.frustration >= 0.5f;
    return s;
}

Reply reply_kind(std::string_view text) {
    const Padded p(text);
    const std::vector<std::string_view> toks = tokens(std::string_view(p.text).substr(1, p.text.size() - 2));
    if (toks.empty() || toks.size() > 8) return Reply::none;
    // Everything in the message must be closing, "no" or acknowledgement material,
    // so "no, it still fails" is an ordinary message, not a goodbye.
    std::string rest = p.text;
    bool closing = false;
    for (const char* phrase : kClosingPhrases) {
        const std::string needle = std::string(" ") + phrase + " ";
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

Urgency urgency(std::string_view text) {
    const Padded p(text);
    return p.any(kUrgent) ? Urgency::high : Urgency::normal;
}

}  // namespace parley::triage
