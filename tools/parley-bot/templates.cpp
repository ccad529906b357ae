#include "templates.hpp"

namespace parley::bot {

const ReplyTemplate* choose_template(const std::vector<ReplyTemplate>& replies, const Entities& known) {
    for (const ReplyTemplate& t : replies) {
        bool ok = true;
        for (const std::string& need : t.needs) ok = ok && known.count(need);
        if (ok) return &t;
    }
    return nullptr;
}

std::string render_template(std::string_view text, const Entities& known) {
    std::string out;
    out.reserve(text.size() + 32);
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '{') {
            const size_t close = text.find('}', i + 1);
            if (close != std::string_view::npos) {
                auto it = known.find(std::string(text.substr(i + 1, close - i - 1)));
                if (it != known.end()) {
                    out += it->second;
                    i = close;
                    continue;
                }
            }
        }
        out += text[i];
    }
    return out;
}

}  // namespace parley::bot
