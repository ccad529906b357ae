#include "markdown_passages.hpp"

namespace parley::bot {

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && blank(s.back())) s.remove_suffix(1);
    return s;
}

// "**Pro**" → "Pro", "[the docs](https://…)" → "the docs", "`key`" → "key".
std::string plain_inline(std::string_view line) {
    std::string out;
    out.reserve(line.size());
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '*' || c == '`' || (c == '_' && (i + 1 < line.size() && line[i + 1] == '_'))) continue;
        if (c == ']' && i + 1 < line.size() && line[i + 1] == '(') {
            const size_t close = line.find(')', i + 2);
            if (close != std::string_view::npos) {
                i = close;
                continue;
            }
        }
        if (c == '[') continue;
        out += c;
    }
    return out;
}

// The file stem as an id part: BOTS.md ids are [A-Za-z0-9_.:-]{1,64} and "kb:<stem>.<n>"
// must fit, so other bytes become '-' and the stem keeps at most 48 of them.
std::string stem_of(std::string_view file) {
    const size_t dot = file.rfind('.');
    std::string stem(dot == std::string_view::npos || dot == 0 ? file : file.substr(0, dot));
    if (stem.size() > 48) stem.resize(48);
    for (char& c : stem) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-' || c == '.';
        if (!ok) c = '-';
    }
    return stem.empty() ? std::string("kb") : stem;
}

}  // namespace

std::vector<Passage> split_markdown(std::string_view file, std::string_view md) {
    std::vector<Passage> out;
    std::string title, heading, body;
    bool in_fence = false;
    const std::string stem = stem_of(file);
    auto flush = [&] {
        std::string_view b = trim(body);
        if (!b.empty()) {
            Passage p;
            p.id = stem + "." + std::to_string(out.size() + 1);
            p.file = std::string(file);
            p.title = title;
            p.heading = heading.empty() ? title : heading;
            p.body = std::string(b);
            out.push_back(std::move(p));
        }
        body.clear();
    };
    size_t pos = 0;
    while (pos <= md.size()) {
        size_t nl = md.find('\n', pos);
        if (nl == std::string_view::npos) nl = md.size();
        std::string_view line = trim(md.substr(pos, nl - pos));
        pos = nl + 1;
        if (line.substr(0, 3) == "```") {
            in_fence = !in_fence;
            continue;
        }
        if (!in_fence && !line.empty() && line[0] == '#') {
            size_t level = 0;
            while (level < line.size() && line[level] == '#') ++level;
            const std::string text = plain_inline(trim(line.substr(level)));
            flush();
            if (level == 1) {
                title = text;
                heading.clear();
            } else {
                heading = text;
            }
            continue;
        }
        if (line.empty()) {
            if (!body.empty() && body.back() != '\n') body += '\n';
            continue;
        }
        const bool item = !in_fence && (line.substr(0, 2) == "- " || line.substr(0, 2) == "* " ||
                                        (line.size() > 2 && line[0] >= '0' && line[0] <= '9' && line[1] == '.'));
        if (item) {
            // A list keeps one item per line, each as "- item", in the plain text too.
            if (!body.empty() && body.back() != '\n') body += '\n';
            line.remove_prefix(line.find(' ') + 1);
            body += "- ";
        } else if (!body.empty() && body.back() != '\n') {
            body += ' ';
        }
        body += plain_inline(line);
        if (item) body += '\n';
        if (in_fence) body += '\n';
    }
    flush();
    return out;
}

}  // namespace parley::bot
