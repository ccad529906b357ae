// StaticSite (relay/static/static_site.hpp): the web root in memory, and the answer to
// each request: which bytes, which encoding, which validators and caching. Each test
// builds a small web root in a temp dir, as web/build.mjs lays one out.
#include <catch2/catch.hpp>

#include <brotli/encode.h>
#include <sodium.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "static/static_site.hpp"

using namespace parley::relay;
namespace fs = std::filesystem;

namespace {

std::string gzip(const std::string& in) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&z, in.size()) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    out.resize(out.size() - z.avail_out);
    deflateEnd(&z);
    return out;
}

std::string brotli(const std::string& in) {
    std::string out(BrotliEncoderMaxCompressedSize(in.size()) + 16, '\0');
    std::size_t size = out.size();
    REQUIRE(BrotliEncoderCompress(11, 22, BROTLI_MODE_TEXT, in.size(), reinterpret_cast<const uint8_t*>(in.data()),
                                  &size, reinterpret_cast<uint8_t*>(out.data())));
    out.resize(size);
    return out;
}

std::string hash16(const std::string& bytes) {
    REQUIRE(sodium_init() >= 0);
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(d, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    char hex[17];
    for (int i = 0; i < 8; ++i) std::snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return hex;
}

// A temp web root, removed at the end of the test.
struct WebRoot {
    fs::path dir;
    WebRoot() {
        static int n = 0;
        dir = fs::temp_directory_path() / ("parley-static-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~WebRoot() {
        std::error_code ec;
        fs::permissions(dir, fs::perms::owner_all, ec);
        fs::remove_all(dir, ec);
    }
    void put(const std::string& path, const std::string& bytes) const {
        fs::create_directories((dir / path).parent_path());
        std::ofstream(dir / path, std::ios::binary) << bytes;
    }
    // The file and its .gz and .br, as web/build.mjs writes them.
    void put_compressed(const std::string& path, const std::string& bytes) const {
        put(path, bytes);
        put(path + ".gz", gzip(bytes));
        put(path + ".br", brotli(bytes));
    }
    StaticSite load(std::size_t max = kDefaultWebRootMaxBytes) const {
        auto site = StaticSite::load(dir.string(), max);
        REQUIRE(site);
        return std::move(site.value());
    }
};

const std::string kApp = std::string(4000, 'a') + "console.log('parley');" + std::string(4000, 'b');
const std::string kPage = "<!doctype html><title>Chat</title>" + std::string(2000, ' ') + "<p>hello</p>";

StaticRequest get(std::string_view path, std::optional<std::string_view> accept = std::nullopt,
                  std::optional<std::string_view> none_match = std::nullopt) {
    return {"GET", path, accept, none_match};
}

}  // namespace

TEST_CASE("a file is served with the encoding the client prefers among those stored", "[static_site]") {
    WebRoot root;
    const std::string app = "widget/app-" + hash16(kApp) + ".js";
    root.put_compressed(app, kApp);
    const StaticSite site = root.load();
    const std::string path = "/" + app;

    const StaticAnswer br = site.answer(get(path, "gzip, deflate, br"));
    CHECK(br.status == 200);
    CHECK(br.content_encoding == "br");
    CHECK(br.body == site.find(path)->br);
    CHECK(br.body.size() < kApp.size() / 10);
    CHECK(br.content_length == br.body.size());
    CHECK(br.content_type == "text/javascript; charset=utf-8");
    CHECK(br.vary_accept_encoding);

    const StaticAnswer gz = site.answer(get(path, "gzip"));
    CHECK(gz.content_encoding == "gzip");
    CHECK(gz.body == site.find(path)->gzip);

    const StaticAnswer plain = site.answer(get(path));
    CHECK(plain.content_encoding.empty());
    CHECK(plain.body == kApp);
    CHECK(plain.vary_accept_encoding);  // caches must key on Accept-Encoding

    CHECK(site.answer(get(path, "*;q=0")).status == 406);
}

TEST_CASE("hashed files are immutable for a year; entry points are revalidated on each use", "[static_site]") {
    WebRoot root;
    const std::string app = "widget/app-" + hash16(kApp) + ".js";
    root.put(app, kApp);
    root.put("loader.js", kApp);
    root.put("widget/frame.html", kPage);
    // A hashed-looking name whose hex is not its content's (edited by hand after the
    // build): never cached for a year.
    root.put("widget/app-0123456789abcdef.js", kApp);
    root.put("widget/app-" + hash16(kApp).substr(0, 8) + ".js", kApp);  // too short a hash
    const StaticSite site = root.load();
    CHECK(site.answer(get("/" + app)).cache_control == "public, max-age=31536000, immutable");
    CHECK(site.answer(get("/loader.js")).cache_control == "no-cache");
    CHECK(site.answer(get("/widget/frame.html")).cache_control == "no-cache");
    CHECK(site.answer(get("/widget/app-0123456789abcdef.js")).cache_control == "no-cache");
    CHECK(site.answer(get("/widget/app-" + hash16(kApp).substr(0, 8) + ".js")).cache_control == "no-cache");
}

TEST_CASE("a request naming the ETag it holds gets 304 without a body", "[static_site]") {
    WebRoot root;
    root.put_compressed("loader.js", kApp);
    const StaticSite site = root.load();
    const StaticAnswer first = site.answer(get("/loader.js", "br"));
    REQUIRE(first.status == 200);
    CHECK(first.etag == "\"" + hash16(kApp) + "-br\"");

    const StaticAnswer again = site.answer(get("/loader.js", "br", first.etag));
    CHECK(again.status == 304);
    CHECK(again.body.empty());
    CHECK(again.content_encoding.empty());  // a 304 describes no body
    CHECK(again.etag == first.etag);
    CHECK(again.cache_control == "no-cache");
    CHECK(again.vary_accept_encoding);

    CHECK(site.answer(get("/loader.js", "br", "\"other\", W/" + first.etag)).status == 304);  // weak comparison
    CHECK(site.answer(get("/loader.js", "br", "*")).status == 304);
    // Each encoding is its own representation, with its own tag.
    CHECK(site.answer(get("/loader.js", "gzip", first.etag)).status == 200);
    CHECK(site.answer(get("/loader.js", std::nullopt, "\"" + hash16(kApp) + "\"")).status == 304);
    CHECK(site.answer(get("/loader.js", "br", "\"" + hash16(kApp) + "x-br\"")).status == 200);
}

TEST_CASE("HEAD gets the headers GET would, without the body", "[static_site]") {
    WebRoot root;
    root.put_compressed("index.html", kPage);
    const StaticSite site = root.load();
    const StaticAnswer head = site.answer({"HEAD", "/", "gzip", std::nullopt});
    const StaticAnswer getting = site.answer(get("/", "gzip"));
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    CHECK(head.content_length == getting.body.size());
    CHECK(head.content_encoding == "gzip");
    CHECK(head.etag == getting.etag);
    SECTION("a missing file or a redirect too: no body after the headers") {
        const StaticAnswer missing = site.answer({"HEAD", "/missing.js", std::nullopt, std::nullopt});
        CHECK(missing.status == 404);
        CHECK(missing.body.empty());
        CHECK(missing.content_length > 0);
    }
}

TEST_CASE("methods other than GET and HEAD get 405 naming the allowed ones", "[static_site]") {
    WebRoot root;
    root.put("index.html", kPage);
    const StaticSite site = root.load();
    for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "get", ""}) {
        CAPTURE(method);
        const StaticAnswer a = site.answer({method, "/index.html", std::nullopt, std::nullopt});
        CHECK(a.status == 405);
        CHECK(a.allow_get_head);
    }
}

TEST_CASE("folders answer with their index.html; a folder named without its slash is redirected",
          "[static_site]") {
    WebRoot root;
    root.put("index.html", kPage);
    root.put("console/index.html", kPage + "console");
    const StaticSite site = root.load();
    CHECK(site.answer(get("/")).body == kPage);
    CHECK(site.answer(get("/console/")).body == kPage + "console");
    const StaticAnswer moved = site.answer(get("/console"));
    CHECK(moved.status == 301);
    CHECK(moved.location == "console/");  // relative: a proxy's path prefix survives
    CHECK(site.answer(get("/widget/")).status == 404);
}

TEST_CASE("only files of the web root can be named: no path reaches the filesystem", "[static_site]") {
    WebRoot root;
    root.put("index.html", kPage);
    root.put("widget/frame.html", kPage);
    root.put(".secret", "key");
    root.put(".git/config", "[core]");
    // A file beside the web root, which traversal would reach.
    std::ofstream(root.dir.parent_path() / ("outside-" + root.dir.filename().string())) << "outside";
    const StaticSite site = root.load();
    const std::string outside = "/../outside-" + root.dir.filename().string();
    for (const std::string& path : {std::string("/missing.js"), outside, std::string("/widget/../index.html"),
                                    std::string("/%2e%2e/index.html"), std::string("/widget/%2e%2e/index.html"),
                                    std::string("//index.html"), std::string("/./index.html"),
                                    std::string("/index.html\0.js", 15), std::string("/.secret"),
                                    std::string("/.git/config"), std::string("/index.html.gz"),
                                    std::string("index.html"), std::string("")}) {
        CAPTURE(path);
        CHECK(site.answer(get(path)).status == 404);
    }
    CHECK(site.file_count() == 2);
    fs::remove(root.dir.parent_path() / ("outside-" + root.dir.filename().string()));
    SECTION("and removing a file after start-up changes nothing: it was read once") {
        fs::remove(root.dir / "index.html");
        CHECK(site.answer(get("/index.html")).body == kPage);
    }
}

TEST_CASE("a precompressed file that does not decode to its original is not served", "[static_site]") {
    WebRoot root;
    root.put("loader.js", kApp);
    root.put("loader.js.gz", gzip(kApp + "stale"));  // left over from an older build
    root.put("loader.js.br", "not brotli");
    const StaticSite site = root.load();
    CHECK(site.warnings().size() == 2);
    const StaticAnswer a = site.answer(get("/loader.js", "br, gzip"));
    CHECK(a.content_encoding.empty());
    CHECK(a.body == kApp);
}

TEST_CASE("a web root that cannot be read, or is too large, stops the start with a clear message",
          "[static_site]") {
    const auto missing = StaticSite::load("/nonexistent/parley-web");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().detail.find("/nonexistent/parley-web") != std::string::npos);

    WebRoot root;
    root.put_compressed("a.js", kApp);
    auto total = StaticSite::load(root.dir.string());
    REQUIRE(total);
    CHECK(total.value().total_bytes() > kApp.size());  // the siblings count too
    const auto too_large = StaticSite::load(root.dir.string(), total.value().total_bytes() - 1);
    REQUIRE_FALSE(too_large);
    CHECK(too_large.error().code == parley::protocol::ErrorCode::too_large);
    CHECK(too_large.error().detail.find("more than") != std::string::npos);
    CHECK(StaticSite::load(root.dir.string(), total.value().total_bytes()));

    if (::geteuid() != 0) {  // root reads any file: the check only means something for others
        fs::permissions(root.dir / "a.js", fs::perms::none);
        CHECK_FALSE(StaticSite::load(root.dir.string()));
    }
}

TEST_CASE("content types are the ones browsers insist on", "[static_site]") {
    CHECK(static_content_type("a.wasm") == "application/wasm");
    CHECK(static_content_type("app-0123456789abcdef.js") == "text/javascript; charset=utf-8");
    CHECK(static_content_type("frame.html") == "text/html; charset=utf-8");
    CHECK(static_content_type("app.css") == "text/css; charset=utf-8");
    CHECK(static_content_type("default.ptm") == "application/octet-stream");
    CHECK(static_content_type("unknown.xyz") == "application/octet-stream");
    CHECK(names_its_hash("app-0123456789abcdef.js", "0123456789abcdef"));
    CHECK_FALSE(names_its_hash("app0123456789abcdef.js", "0123456789abcdef"));
    CHECK_FALSE(names_its_hash("app-0123456789abcdef", "0123456789abcdef"));
    CHECK_FALSE(names_its_hash("-0123456789abcdef.js", "0123456789abcdef"));  // no stem
}
