// AcceptEncoding (relay/static/accept_encoding.hpp): which stored encoding of a static
// file the relay sends for an Accept-Encoding header.
#include <catch2/catch.hpp>

#include "static/accept_encoding.hpp"

using namespace parley::relay;

namespace {
using E = ContentEncoding;
// With both siblings stored.
std::optional<E> pick(std::optional<std::string_view> header) { return choose_encoding(header, true, true); }
}  // namespace

TEST_CASE("a client that sends no Accept-Encoding gets the plain bytes", "[accept_encoding]") {
    CHECK(pick(std::nullopt) == E::identity);
    CHECK(pick("") == E::identity);
}

TEST_CASE("brotli is preferred to gzip, and gzip to identity, when the client weighs them equally",
          "[accept_encoding]") {
    CHECK(pick("gzip, deflate, br") == E::br);  // what Chromium sends
    CHECK(pick("gzip, deflate, br, zstd") == E::br);
    CHECK(pick("gzip") == E::gzip);
    CHECK(pick("GZIP") == E::gzip);
    CHECK(pick("x-gzip") == E::gzip);
    CHECK(pick("deflate") == E::identity);  // not stored: the plain bytes
    CHECK(pick("br") == E::br);
}

TEST_CASE("only encodings that are stored are chosen", "[accept_encoding]") {
    CHECK(choose_encoding("br, gzip", false, false) == E::identity);
    CHECK(choose_encoding("br, gzip", true, false) == E::gzip);
    CHECK(choose_encoding("br, gzip", false, true) == E::br);
}

TEST_CASE("q-values rank the encodings, and q=0 refuses one", "[accept_encoding]") {
    CHECK(pick("gzip;q=1, br;q=0.5") == E::gzip);
    CHECK(pick("br;q=0.9, gzip;q=0.8") == E::br);
    CHECK(pick("br;q=0, gzip") == E::gzip);
    CHECK(pick("br; q=0 , gzip ;q=0.000") == E::identity);
    CHECK(pick("br;Q=0.0, gzip;q=0") == E::identity);
    CHECK(pick("gzip;q=0.5, identity") == E::identity);  // the client would rather have it plain
    CHECK(pick("gzip;q=0.001") == E::gzip);  // still acceptable, and smaller than identity
}

TEST_CASE("* stands for every coding the header does not name", "[accept_encoding]") {
    CHECK(pick("*") == E::br);
    CHECK(pick("gzip, *;q=0") == E::gzip);   // identity refused by *;q=0 too
    CHECK(pick("*;q=0.5, br;q=0") == E::gzip);
    CHECK(pick("*;q=0") == std::nullopt);    // nothing acceptable: the relay answers 406
    CHECK(pick("*;q=0, identity") == E::identity);
    CHECK(pick("identity;q=0, br") == E::br);
    CHECK(choose_encoding("identity;q=0", true, true) == std::nullopt);
    CHECK(choose_encoding("identity;q=0, gzip", false, false) == std::nullopt);
}

TEST_CASE("a malformed q-value makes its coding unacceptable, never the request fail", "[accept_encoding]") {
    CHECK(pick("br;q=2, gzip") == E::gzip);
    CHECK(pick("br;q=abc, gzip") == E::gzip);
    CHECK(pick("br;q=0.12345, gzip") == E::gzip);
    CHECK(pick("br;q, gzip") == E::br);  // a parameter that is not q=…: ignored
    CHECK(pick(",,; ;q=,") == E::identity);
}
