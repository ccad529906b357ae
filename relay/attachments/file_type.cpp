#include "attachments/file_type.hpp"

#include <utf8proc.h>

namespace parley::relay::attachments {

namespace {

bool starts_with(std::string_view bytes, std::string_view prefix) {
    return bytes.size() >= prefix.size() && bytes.compare(0, prefix.size(), prefix) == 0;
}

// Valid UTF-8 (utf8proc, as the search's folding: no overlong forms, no surrogates,
// nothing above U+10FFFF) with no control character but tab, CR and LF.
bool plain_text(std::string_view bytes) {
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(bytes.data());
    utf8proc_ssize_t left = static_cast<utf8proc_ssize_t>(bytes.size());
    while (left > 0) {
        utf8proc_int32_t c = 0;
        const utf8proc_ssize_t n = utf8proc_iterate(p, left, &c);
        if (n <= 0) return false;
        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F) return false;
        p += n;
        left -= n;
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
