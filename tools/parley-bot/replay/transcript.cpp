#include "transcript.hpp"

#include <algorithm>
#include <filesystem>

#include "config_file.hpp"

namespace parley::bot::replay {

namespace {

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return std::string(s);
}

std::vector<std::string> split_list(std::string_view s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t comma = s.find(',', start);
        if (comma == std::string_view::npos) comma = s.size();
        std::string item = trim(s.substr(start, comma - start));
        if (!item.empty()) out.push_back(item);
        start = comma + 1;
    }
    return out;
}

struct KindName {
    const char* prefix;
    Expectation::Kind kind;
    bool takes_arg;
};
// Longest prefixes first: "not contains" before "contains", "summary contains" too.
const KindName kKinds[] = {
    {"not contains", Expectation::Kind::not_contains, true},
    {"summary contains", Expectation::Kind::summary_contains, true},
    {"contains", Expectation::Kind::contains, true},
    {"source", Expectation::Kind::source, true},
    {"quick replies", Expectation::Kind::quick_replies, true},
    {"clarifies", Expectation::Kind::clarifies, false},
    {"form", Expectation::Kind::form, true},
    {"handoff", Expectation::Kind::handoff, true},
    {"team", Expectation::Kind::team, true},
    {"no handoff", Expectation::Kind::no_handoff, false},
    {"gap", Expectation::Kind::gap, false},
    {"silent", Expectation::Kind::silent, false},
    {"streamed", Expectation::Kind::streamed, false},
};

}  // namespace

const char* kind_name(Expectation::Kind kind) {
    for (const KindName& k : kKinds)
        if (k.kind == kind) return k.prefix;
    return "?";
}

BotResult<Transcript> parse_transcript(std::string_view name, std::string_view text) {
    Transcript t;
    t.name = std::string(name);
    int line_no = 0;
    size_t pos = 0;
    auto fail = [&](const std::string& why) {
        return BotError{BotErrc::bad_config, t.name + ":" + std::to_string(line_no) + ": " + why};
    };
    while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        const std::string line = trim(text.substr(pos, nl - pos));
        pos = nl + 1;
        ++line_no;
        if (line.empty()) continue;
        if (line[0] == '#') {
            if (t.title.empty() && t.turns.empty()) t.title = trim(std::string_view(line).substr(1));
            continue;
        }
        if (line[0] == '>') {
            VisitorTurn v;
            v.line = line_no;
            std::string rest = trim(std::string_view(line).substr(1));
            if (rest.rfind("[press ", 0) == 0 || rest.rfind("[form ", 0) == 0) {
                const size_t close = rest.find(']');
                if (close == std::string::npos) return fail("missing ']'");
                const bool press = rest[1] == 'p';
                const std::string id = trim(std::string_view(rest).substr(press ? 7 : 6, close - (press ? 7 : 6)));
                const std::string after = trim(std::string_view(rest).substr(close + 1));
                if (id.empty()) return fail("an empty id");
                if (press) {
                    v.option = id;
                    v.text = after.empty() ? id : after;
                } else {
                    v.form = id;
                    size_t p = 0;
                    while (p < after.size()) {
                        size_t sp = after.find(' ', p);
                        if (sp == std::string::npos) sp = after.size();
                        const std::string kv = after.substr(p, sp - p);
                        p = sp + 1;
                        if (kv.empty()) continue;
                        const size_t eq = kv.find('=');
                        if (eq == std::string::npos || eq == 0) return fail("form values are name=value");
                        v.values[kv.substr(0, eq)] = kv.substr(eq + 1);
                        v.text += (v.text.empty() ? "" : ", ") + kv.substr(0, eq) + ": " + kv.substr(eq + 1);
                    }
                }
            } else {
                if (rest.empty()) return fail("an empty visitor message");
                v.text = rest;
            }
            t.turns.push_back(std::move(v));
            continue;
        }
        if (line[0] == '<') {
            if (t.turns.empty()) return fail("an expectation before any visitor turn");
            const std::string rest = trim(std::string_view(line).substr(1));
            bool known = false;
            for (const KindName& k : kKinds) {
                const std::string_view prefix = k.prefix;
                if (rest.compare(0, prefix.size(), prefix) != 0) continue;
                std::string arg = trim(std::string_view(rest).substr(prefix.size()));
                if (k.takes_arg) {
                    if (arg.empty() || arg[0] != ':') continue;  // "form" vs "form: lead"
                    arg = trim(std::string_view(arg).substr(1));
                    if (arg.empty()) return fail(std::string("`") + k.prefix + ":` needs a value");
                } else if (!arg.empty()) {
                    continue;
                }
                Expectation e{k.kind, arg, {}, line_no};
                if (k.kind == Expectation::Kind::quick_replies) e.ids = split_list(arg);
                t.turns.back().expect.push_back(std::move(e));
                known = true;
                break;
            }
            if (!known) return fail("unknown expectation: " + rest);
            continue;
        }
        return fail("a line must start with '#', '>' or '<'");
    }
    if (t.turns.empty()) return BotError{BotErrc::bad_config, t.name + ": no visitor turns"};
    return t;
}

BotResult<std::vector<Transcript>> load_transcripts(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file() && it->path().extension() == ".txt") files.push_back(it->path());
    if (ec) return BotError{BotErrc::io, "cannot list " + dir + ": " + ec.message()};
    std::sort(files.begin(), files.end());
    std::vector<Transcript> out;
    for (const fs::path& f : files) {
        auto text = read_text_file(f);
        if (!text) return text.error();
        auto t = parse_transcript(f.stem().string(), text.value());
        if (!t) return t.error();
        out.push_back(std::move(t).value());
    }
    return out;
}

}  // namespace parley::bot::replay
