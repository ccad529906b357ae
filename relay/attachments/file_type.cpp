#include "attachments/file_type.hpp"

namespace parley::relay::attachments {

namespace {

bool starts_with(std::string_view bytes, std::string_view prefix) {
    return bytes.size() >= prefix.size() && bytes.compare(0, prefix.size(), prefix) == 0;
}

// Valid UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF) with no control
// byte but tab, CR and LF.
bool plain_text(std::string_view bytes) {
    std::size_t i = 0;
    while (i < bytes.size()) {
        const unsigned char c = static_cast<unsigned char>(bytes[i]);
        if (c < 0x80) {
            if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F) return false;
            ++i;
            continue;
        }
        int extra = 0;
        unsigned int code = 0;
        if (c >= 0xC2 && c <= 0xDF) extra = 1, code = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF) extra = 2, code = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4) extra = 3, code = c & 0x07;
        else return false;
        if (i + static_cast<std::size_t>(extra) >= bytes.size()) return false;  // cut short
        for (int k = 1; k <= extra; ++k) {
            const unsigned char d = static_cast<unsigned char>(bytes[i + static_cast<std::size_t>(k)]);
            if ((d & 0xC0) != 0x80) return false;
            code = (code << 6) | (d & 0x3F);
        }
        if ((extra == 2 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) ||
            (extra == 3 && (code < 0x10000 || code > 0x10FFFF)))
            return false;
        i += static_cast<std::size_t>(extra) + 1;
    }
    return true;
}

}  // namespace

std::optional<FileType> sniff_file_type(std::string_view bytes) {
    if (starts_with(bytes, std::string_view("\x89PNG\r\n\x1a\n", 8))) return FileType{"image/png", "png", true};
    if (starts_with(bytes, "\xFF\xD8\xFF")) return FileType{"image/jpeg", "jpg", true};
    if (starts_with(bytes, "GIF87a") || starts_with(bytes, "GIF89a")) return FileType{"image/gif", "gif", true};
    if (bytes.size() >= 12 && starts_with(bytes, "RIFF") && bytes.compare(8, 4, "WEBP") == 0)
        return FileType{"image/webp", "webp", true};
    if (starts_with(bytes, "%PDF-")) return FileType{"application/pdf", "pdf", false};
    if (!bytes.empty() && plain_text(bytes)) return FileType{"text/plain", "txt", false};
    return std::nullopt;
}

const char* accepted_types() { return "PNG, JPEG, GIF, WebP, PDF or plain text"; }

}  // namespace parley::relay::attachments
