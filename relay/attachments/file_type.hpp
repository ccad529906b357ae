// The type of an uploaded file, read from its first bytes (issue 17, docs/attachments.md):
// the name and the Content-Type a client sends are never trusted, since a file named
// photo.png may be an HTML page that a browser would run.
//
// Accepted (the allow-list; everything else is refused with 415):
//   image/png   89 50 4E 47 0D 0A 1A 0A        image/gif   "GIF87a" or "GIF89a"
//   image/jpeg  FF D8 FF                        image/webp  "RIFF" ····  "WEBP"
//   application/pdf  "%PDF-"                    text/plain  valid UTF-8, no NUL or
//                                                           control byte but tab/CR/LF
// Nothing else: no archives, programs or office files. Markup (HTML, SVG) is text and
// is accepted only as that: stored and served as text/plain, with nosniff, as an
// attachment under a sandboxing CSP, so no browser runs it as a page of the relay.
//
// Why by hand rather than libmagic: six signatures, each a fixed prefix, against a
// library that parses every upload with a large rule database (and has had its own
// parsing CVEs); the allow-list is what matters, and it is this table.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parley::relay::attachments {

struct FileType {
    std::string mime;       // "image/png"
    std::string extension;  // "png": the served name ends with it
    bool image = false;     // shown as a preview in the widget and the console
};

// The type of `bytes` per the table above; nullopt: not an accepted type.
std::optional<FileType> sniff_file_type(std::string_view bytes);

// What the table accepts, for error messages and docs: "PNG, JPEG, GIF, WebP, PDF or
// plain text".
const char* accepted_types();

}  // namespace parley::relay::attachments
