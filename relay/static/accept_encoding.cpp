#include "static/accept_encoding.hpp"

#include <cctype>

#include "core/trim_blanks.hpp"

namespace parley::relay {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

// A qvalue (RFC 9110 §12.4.2: "0" or "1" with up to three decimals), in thousandths;
// anything else is -1 (treated as unacceptable).
int parse_q(std::string_view v) {
    v = trim_blanks(v);
    if (v.empty() || (v[0] != '0' && v[0] != '1')) return -1;
    int q = (v[0] - '0') * 1000;
    if (v.size() == 1) return q;
    if (v[1] != '.' || v.size() > 5) return -1;
    int scale = 100;
    for (std::size_t i = 2; i < v.size(); ++i, scale /= 10) {
        if (!std::isdigit(static_cast<unsigned char>(v[i]))) return -1;
        q += (v[i] - '0') * scale;
    }
    return q > 1000 ? -1 : q;
}

// What the header says of each coding we may send: its q in thousandths, or -1 when
// the header does not name it.
struct Weights {
    int identity = -1, gzip = -1, br = -1, any = -1;
};

Weights parse(std::string_view header) {
    Weights w;
    while (!header.empty()) {
        const std::size_t comma = header.find(',');
        std::string_view item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
        const std::size_t semi = item.find(';');
        const std::string_view name = trim_blanks(item.substr(0, semi));
        int q = 1000;
        for (std::string_view params = semi == std::string_view::npos ? std::string_view() : item.substr(semi + 1);
             !params.empty();) {
            const std::size_t next = params.find(';');
            const std::string_view param = trim_blanks(params.substr(0, next));
            params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
            if (param.empty() || (param[0] != 'q' && param[0] != 'Q')) continue;
            const std::string_view rest = trim_blanks(param.substr(1));
            if (!rest.empty() && rest.front() == '=') q = parse_q(rest.substr(1));
        }
        if (q < 0) q = 0;
        if (iequals(name, "identity")) w.identity = q;
        else if (iequals(name, "gzip") || iequals(name, "x-gzip")) w.gzip = q;
        else if (iequals(name, "br")) w.br = q;
        else if (name == "*") w.any = q;
    }
    return w;
}

}  // namespace

std::string_view encoding_token(ContentEncoding encoding) {
    switch (encoding) {
    case ContentEncoding::gzip: return "gzip";
    case ContentEncoding::br: return "br";
    case ContentEncoding::identity: break;
    }
    return "";
}

std::optional<ContentEncoding> choose_encoding(std::optional<std::string_view> header, bool have_gzip,
                                               bool have_br) {
    if (!header) return ContentEncoding::identity;
    const Weights w = parse(*header);
    const int br = !have_br ? 0 : w.br >= 0 ? w.br : w.any >= 0 ? w.any : 0;
    const int gzip = !have_gzip ? 0 : w.gzip >= 0 ? w.gzip : w.any >= 0 ? w.any : 0;
    // identity is acceptable unless refused by name, or by "*;q=0" without its name.
    const int identity = w.identity >= 0 ? w.identity : w.any == 0 ? 0 : 1;
    // The highest q wins; on a tie, the smaller encoding (br, then gzip, then identity).
    if (br > 0 && br >= gzip && br >= identity) return ContentEncoding::br;
    if (gzip > 0 && gzip >= identity) return ContentEncoding::gzip;
    if (identity > 0) return ContentEncoding::identity;
    return std::nullopt;
}

}  // namespace parley::relay
