#include "static/static_site.hpp"

#include <brotli/decode.h>
#include <sodium.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace parley::relay {

namespace fs = std::filesystem;

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string hex_sha256(const std::string& bytes) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    static const char kHex[] = "0123456789abcdef";
    std::string hex;
    for (std::size_t i = 0; i < kStaticHashDigits / 2; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 15];
    }
    return hex;
}

bool read_file(const fs::path& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return !in.bad();
}

// Whether `gz` (a gzip member) inflates to exactly `expected`.
bool gunzips_to(const std::string& gz, const std::string& expected) {
    z_stream z{};
    if (inflateInit2(&z, 15 + 16) != Z_OK) return false;
    std::string out(expected.size() + 1, '\0');  // one byte more: a longer output shows
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
    z.avail_in = static_cast<uInt>(gz.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&z, Z_FINISH);
    const std::size_t produced = out.size() - z.avail_out;
    inflateEnd(&z);
    return rc == Z_STREAM_END && z.avail_in == 0 && produced == expected.size() &&
           out.compare(0, produced, expected) == 0;
}

// Whether `br` decodes to exactly `expected`.
bool unbrotlis_to(const std::string& br, const std::string& expected) {
    std::string out(expected.size() + 1, '\0');
    std::size_t produced = out.size();
    if (BrotliDecoderDecompress(br.size(), reinterpret_cast<const uint8_t*>(br.data()), &produced,
                                reinterpret_cast<uint8_t*>(out.data())) != BROTLI_DECODER_RESULT_SUCCESS)
        return false;
    return produced == expected.size() && out.compare(0, produced, expected) == 0;
}

bool hidden(const fs::path& relative) {
    for (const fs::path& part : relative)
        if (!part.empty() && part.native()[0] == '.') return true;
    return false;
}

// The ETag of one representation: strong, distinct per encoding (RFC 9110 §8.8.3).
std::string etag_of(const StaticFile& f, ContentEncoding e) {
    return "\"" + f.hash + (e == ContentEncoding::br ? "-br" : e == ContentEncoding::gzip ? "-gz" : "") + "\"";
}

// If-None-Match: "*" or a list of entity-tags, compared weakly (RFC 9110 §13.1.2).
bool none_match_hits(std::string_view header, std::string_view etag) {
    while (!header.empty()) {
        const std::size_t comma = header.find(',');
        std::string_view tag = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
        while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
        while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
        if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
        if (tag == "*" || tag == etag) return true;
    }
    return false;
}

StaticAnswer error_answer(int status, std::string_view body) {
    StaticAnswer a;
    a.status = status;
    a.content_type = "text/plain; charset=utf-8";
    a.body = body;
    a.content_length = body.size();
    a.cache_control = "no-store";
    return a;
}

}  // namespace

std::string_view static_content_type(std::string_view name) {
    static const std::pair<std::string_view, std::string_view> kTypes[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".wasm", "application/wasm"},  // browsers compile it streaming only with this type
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".webp", "image/webp"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".txt", "text/plain; charset=utf-8"},
        {".ptm", "application/octet-stream"},  // the triage model (P5)
    };
    for (const auto& [ext, type] : kTypes)
        if (ends_with(name, ext)) return type;
    return "application/octet-stream";
}

bool names_its_hash(std::string_view name, std::string_view hash) {
    const std::size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot < hash.size() + 2 || hash.size() != kStaticHashDigits) return false;
    return name[dot - hash.size() - 1] == '-' && name.substr(dot - hash.size(), hash.size()) == hash;
}

Result<StaticSite> StaticSite::load(const std::string& root, std::size_t max_bytes) {
    if (sodium_init() < 0) return Error{protocol::ErrorCode::storage_failed, "libsodium failed to start", {}};
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        return Error{protocol::ErrorCode::storage_failed, "--web-root " + root + " is not a readable directory", {}};
    StaticSite site;
    std::vector<fs::path> siblings;  // name.gz / name.br, attached once every file is in
    fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const fs::path relative = it->path().lexically_relative(root);
        if (hidden(relative)) {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file(ec)) continue;
        const std::string name = relative.generic_string();
        if (ends_with(name, ".gz") || ends_with(name, ".br")) {
            siblings.push_back(relative);
            continue;
        }
        StaticFile file;
        if (!read_file(it->path(), file.identity))
            return Error{protocol::ErrorCode::storage_failed, "--web-root: cannot read " + it->path().string(), {}};
        site.total_bytes_ += file.identity.size();
        if (site.total_bytes_ > max_bytes) break;
        file.content_type = std::string(static_content_type(name));
        file.hash = hex_sha256(file.identity);
        file.immutable = names_its_hash(relative.filename().string(), file.hash);
        site.files_.emplace("/" + name, std::move(file));
        if (relative.filename() == "index.html") {
            const std::string folder = relative.parent_path().generic_string();
            if (!folder.empty()) site.folders_.insert("/" + folder);
        }
    }
    if (ec) return Error{protocol::ErrorCode::storage_failed, "--web-root " + root + ": " + ec.message(), {}};
    for (const fs::path& relative : siblings) {
        if (site.total_bytes_ > max_bytes) break;
        const std::string name = relative.generic_string();
        const std::string base = "/" + name.substr(0, name.size() - 3);
        const bool gz = ends_with(name, ".gz");
        auto target = site.files_.find(base);
        std::string bytes;
        if (!read_file(fs::path(root) / relative, bytes))
            return Error{protocol::ErrorCode::storage_failed, "--web-root: cannot read " + (fs::path(root) / relative).string(), {}};
        if (target == site.files_.end()) {  // an archive of its own, not a sibling: a plain file
            StaticFile file;
            file.identity = std::move(bytes);
            site.total_bytes_ += file.identity.size();
            file.content_type = gz ? "application/gzip" : "application/octet-stream";
            file.hash = hex_sha256(file.identity);
            site.files_.emplace("/" + name, std::move(file));
            continue;
        }
        StaticFile& file = target->second;
        if (!(gz ? gunzips_to(bytes, file.identity) : unbrotlis_to(bytes, file.identity))) {
            site.warnings_.push_back("--web-root: " + name + " does not decode to " + base.substr(1) +
                                     " (stale?); serving " + base.substr(1) + " without it");
            continue;
        }
        site.total_bytes_ += bytes.size();
        (gz ? file.gzip : file.br) = std::move(bytes);
    }
    if (site.total_bytes_ > max_bytes)
        return Error{protocol::ErrorCode::too_large,
                     "--web-root " + root + " holds more than " + std::to_string(max_bytes) +
                         " bytes (with its .gz/.br files), the most the relay keeps in memory",
                     {}};
    return site;
}

const StaticFile* StaticSite::find(std::string_view path) const {
    auto it = files_.find(path);
    return it == files_.end() ? nullptr : &it->second;
}

StaticAnswer StaticSite::answer(const StaticRequest& request) const {
    StaticAnswer a = answer_get(request);
    if (request.method == "HEAD") a.body = {};  // the headers GET would get, Content-Length too
    return a;
}

StaticAnswer StaticSite::answer_get(const StaticRequest& request) const {
    if (request.method != "HEAD" && request.method != "GET") {
        StaticAnswer a = error_answer(405, "only GET and HEAD\n");
        a.allow_get_head = true;
        return a;
    }
    std::string path(request.path);
    if (!path.empty() && path.back() == '/') path += "index.html";
    const StaticFile* file = find(path);
    if (!file) {
        if (folders_.count(request.path)) {  // "/console" → "console/"
            StaticAnswer a = error_answer(301, "moved\n");
            const std::size_t slash = request.path.rfind('/');
            a.location = std::string(request.path.substr(slash + 1)) + "/";
            return a;
        }
        return error_answer(404, "not found\n");
    }
    const auto encoding = choose_encoding(request.accept_encoding, !file->gzip.empty(), !file->br.empty());
    if (!encoding) {
        StaticAnswer a = error_answer(406, "no acceptable content coding (Accept-Encoding)\n");
        a.vary_accept_encoding = true;
        return a;
    }
    StaticAnswer a;
    a.content_type = file->content_type;
    a.etag = etag_of(*file, *encoding);
    a.cache_control = file->immutable ? kImmutableCacheControl : kRevalidateCacheControl;
    a.vary_accept_encoding = true;
    const std::string& bytes = *encoding == ContentEncoding::br     ? file->br
                               : *encoding == ContentEncoding::gzip ? file->gzip
                                                                    : file->identity;
    if (request.if_none_match && none_match_hits(*request.if_none_match, a.etag)) {
        a.status = 304;
        return a;
    }
    a.status = 200;
    a.content_encoding = encoding_token(*encoding);
    a.content_length = bytes.size();
    a.body = bytes;
    return a;
}

}  // namespace parley::relay
