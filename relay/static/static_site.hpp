// StaticSite: the web root (--web-root), read once at start-up into memory and served
// from there (issue 17: "418 KB on every page view that opens the chat"). Pure: no lws,
// no sockets; net/server.cpp turns a request into a StaticRequest and the StaticAnswer
// into headers and body writes.
//
// Theory of operation
//   load() walks the web root once: every regular file (dotfiles and dot-directories
//   left out) becomes an entry keyed by its URL path ("/widget/frame.html"), with its
//   bytes, its Content-Type (by extension), the SHA-256 of its bytes, and its
//   precompressed siblings name.gz / name.br when they exist and decode to exactly the
//   same bytes (a stale sibling is dropped with a warning, never served). The whole
//   table, siblings included, must fit in max_bytes, else the relay refuses to start;
//   so does an unreadable web root. After load() nothing touches the filesystem: a
//   request can only name a key of the table, so "..", encoded dots, NULs or symlink
//   games cannot reach a file outside it (or any file at all).
//
//   answer() per request:
//     method      GET and HEAD only (405 with Allow otherwise); HEAD sends the headers
//                 GET would, without the body
//     path        a key of the table; "/dir/" is "/dir/index.html"; "/dir" (a folder
//                 with an index.html) is a 301 to "dir/" (relative, so a path prefix
//                 added by a proxy survives); anything else 404
//     encoding    Accept-Encoding negotiation (static/accept_encoding.hpp): br, gzip or
//                 identity, only among those stored; Vary: Accept-Encoding always
//     validators  a strong ETag per representation: "<16 hex of SHA-256>" plus "-br" or
//                 "-gz"; If-None-Match naming it (or *) gets 304 with no body
//     caching     a file whose name carries its own hash ("app-<16 hex>.js", as
//                 web/build.mjs writes them, and the hex IS the first 16 of the SHA-256
//                 of its bytes) is immutable: "public, max-age=31536000, immutable".
//                 Everything else (the entry points: loader.js, the pages, anything an
//                 operator put there by hand) is "no-cache": a browser may keep it but
//                 revalidates with its ETag each time (a 304 of a few hundred bytes).
//                 Because the hash is checked, a file edited by hand under a hashed name
//                 is never cached for a year.
//   Errors (404, 405, 406) are short text/plain bodies with Cache-Control: no-store.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "parley/core/result.hpp"
#include "static/accept_encoding.hpp"

namespace parley::relay {

// How long a hashed file may be kept: a year, the longest value caches honour.
inline constexpr const char* kImmutableCacheControl = "public, max-age=31536000, immutable";
inline constexpr const char* kRevalidateCacheControl = "no-cache";
inline constexpr std::size_t kStaticHashDigits = 16;  // web/build.mjs HASH_DIGITS
inline constexpr std::size_t kDefaultWebRootMaxBytes = 64u << 20;

struct StaticFile {
    std::string content_type;
    std::string identity;   // the bytes as they are
    std::string gzip, br;   // the precompressed siblings; empty: none
    std::string hash;       // the first 16 hex digits of SHA-256(identity)
    bool immutable = false;  // its name carries that hash
};

struct StaticRequest {
    std::string_view method;                         // "GET", "HEAD", ...
    std::string_view path;                           // the URL path, decoded, no query
    std::optional<std::string_view> accept_encoding;  // nullopt: header absent
    std::optional<std::string_view> if_none_match;
};

struct StaticAnswer {
    int status = 404;
    std::string_view content_type;     // of the body a GET would carry
    std::string_view body;             // what to send: empty for HEAD and 304
    std::size_t content_length = 0;    // Content-Length (for HEAD: what GET would send)
    std::string_view content_encoding;  // "br", "gzip" or empty
    std::string etag;                  // empty: none
    std::string_view cache_control;
    bool vary_accept_encoding = false;
    std::string location;  // 301
    bool allow_get_head = false;  // 405: Allow: GET, HEAD
};

class StaticSite {
public:
    // Reads the web root at `root`. Errors: the root cannot be read (storage_failed),
    // or it holds more than max_bytes, siblings included (too_large); the detail names
    // the path and the figures.
    static Result<StaticSite> load(const std::string& root, std::size_t max_bytes = kDefaultWebRootMaxBytes);

    StaticAnswer answer(const StaticRequest& request) const;

    const StaticFile* find(std::string_view path) const;
    std::size_t file_count() const { return files_.size(); }
    std::size_t total_bytes() const { return total_bytes_; }
    // What load() noticed and worked around (a stale .gz dropped, say), for the log.
    const std::vector<std::string>& warnings() const { return warnings_; }

private:
    StaticAnswer answer_get(const StaticRequest& request) const;  // answer() before HEAD drops the body
    std::map<std::string, StaticFile, std::less<>> files_;  // "/widget/frame.html" → file
    std::set<std::string, std::less<>> folders_;            // "/console": has an index.html
    std::size_t total_bytes_ = 0;
    std::vector<std::string> warnings_;
};

// The Content-Type a file of this name is served with (application/octet-stream when
// the extension is unknown).
std::string_view static_content_type(std::string_view name);

// Whether `name` (a file name, no folder) carries the hash `hash` as web/build.mjs
// writes it: "<stem>-<hash>.<ext>".
bool names_its_hash(std::string_view name, std::string_view hash);

}  // namespace parley::relay
