#include <catch2/catch.hpp>

#include <string>

#include "parley/protocol/codec.hpp"
#include "pinned_frames.hpp"

using namespace parley::protocol;

namespace {

const std::string C = "c_0123456789abcdef";
const Party ada{"visitor", "v_1", "Ada"};
const Party sam{"agent", "a_1", "Sam"};

}  // namespace

TEST_CASE("every client frame survives encode then decode unchanged", "[codec]") {
    const ClientFrame frame = GENERATE_COPY(values<ClientFrame>({
        Hello{"visitor", std::nullopt, std::nullopt},
        Hello{"visitor", std::string("tok"), std::string("Ada")},
        Hello{"agent", std::string("tok"), std::nullopt},
        Hello{"visitor", std::nullopt, std::nullopt, std::string("https://shop.example/billing")},
        Login{"agent@example.com", "pw"},
        Send{C, "k3.17", "Hello"},
        Typing{C, true},
        Typing{C, false},
        Read{C, 42},
        Sync{C, 17},
        History{C, std::nullopt, 50},
        History{C, 120, 200},
        SetPresence{"away"},
        Ping{7},
    }));
    const std::string text = encode(frame);
    CAPTURE(text);
    auto decoded = decode_client(text);
    REQUIRE(decoded.ok());
    CHECK(decoded.value().index() == frame.index());
    CHECK(encode(decoded.value()) == text);
    CHECK(std::string(frame_type(decoded.value())) == frame_type(frame));
}

TEST_CASE("every relay frame survives encode then decode unchanged", "[codec]") {
    const Message m{C, 13, "k3.17", 1732200000000, ada, "Hello"};
    const ConvSummary s{C, ada, 4, "Hello", 1732200000000, "open"};
    const RelayFrame frame = GENERATE_COPY(values<RelayFrame>({
        Welcome{"visitor", "tok", ada, C, 12},
        Welcome{"agent", "tok", sam, std::nullopt, 0},
        Ack{C, "k3.17", 13, 1732200000000},
        Msg{m},
        TypingNotice{C, sam, true},
        ReadNotice{C, sam, 13},
        Synced{C, 20},
        Page{C, {m, m}, true},
        Page{C, {}, false},
        PresenceNotice{sam, "available"},
        Inbox{{s, s}},
        Inbox{{}},
        ConvUpdate{s},
        Pong{7},
        ErrorFrame{ErrorCode::missing_field, "missing field: text", "k3.17"},
        ErrorFrame{ErrorCode::storage_failed, "disk full", ""},
        SupervisorBoard{{AgentLoad{sam, "available", {"general", "billing"}, 2, 1, 3, 5}},
                        {TeamQueue{"general", {C}, 140}, TeamQueue{"billing", {}, 0}}, true},
    }));
    const std::string text = encode(frame);
    CAPTURE(text);
    auto decoded = decode_relay(text);
    REQUIRE(decoded.ok());
    CHECK(decoded.value().index() == frame.index());
    CHECK(encode(decoded.value()) == text);
}

TEST_CASE("a verified visitor's welcome lists past conversations with their previews; pinned and round-trips",
          "[codec][prechat]") {
    Welcome w{"visitor", "tok", ada, C, 12};
    w.past = {PastConv{C, 1733580000000, "It ships today, \"C-3\" \xc3\xa9\xe2\x80\xa6"}, PastConv{"c_00000000000000ff", 17, ""}};
    const std::string text = encode(RelayFrame{w});
    CHECK(text == R"x({"v":1,"type":"welcome","role":"visitor","token":"tok","me":{"role":"visitor","id":"v_1","name":"Ada"},)x"
                  R"x("conv":"c_0123456789abcdef","last_seq":12,"past":[{"conv":"c_0123456789abcdef","updated":1733580000000,)x"
                  R"x("preview":"It ships today, \"C-3\" é…"},{"conv":"c_00000000000000ff","updated":17}]})x");
    auto back = decode_relay(text);
    REQUIRE(back.ok());
    REQUIRE(std::holds_alternative<Welcome>(back.value()));
    CHECK(std::get<Welcome>(back.value()).past == w.past);  // an empty preview is absent, and reads back empty

    SECTION("a relay from before previews: no preview, the entry still reads") {
        auto old = decode_relay(R"({"v":1,"type":"welcome","role":"visitor","token":"t","me":{"role":"visitor","id":"v_1","name":""},)"
                                R"("conv":"c_0123456789abcdef","last_seq":0,"past":[{"conv":"c_0123456789abcdef","updated":5}]})");
        REQUIRE(old.ok());
        CHECK(std::get<Welcome>(old.value()).past == std::vector<PastConv>{PastConv{C, 5, ""}});
    }
}

TEST_CASE("a board's queue says how many wait, beyond the conversations it lists", "[codec][routing]") {
    const std::string head = R"({"v":1,"type":"supervisor","agents":[],"queues":[{"team":"general","convs":["c_0123456789abcdef"])";
    SECTION("length counts every queued conversation") {
        auto b = decode_relay(head + R"(,"length":250}],"full":true})");
        REQUIRE(b.ok());
        CHECK(std::get<SupervisorBoard>(b.value()).queues[0].length == 250);
    }
    SECTION("without length the list is the whole queue (an older relay)") {
        auto b = decode_relay(head + R"(}],"full":true})");
        REQUIRE(b.ok());
        CHECK(std::get<SupervisorBoard>(b.value()).queues[0].length == 1);
    }
    SECTION("a length below the listed conversations, or negative, is refused") {
        CHECK(decode_relay(head + R"(,"length":0}],"full":true})").error().code == ErrorCode::bad_field);
        CHECK(decode_relay(head + R"(,"length":-3}],"full":true})").error().code == ErrorCode::bad_field);
        CHECK(decode_relay(head + R"(,"length":"many"}],"full":true})").error().code == ErrorCode::bad_field);
    }
}

TEST_CASE("encoding is compact JSON with v and type first", "[codec]") {
    CHECK(encode(ClientFrame{Send{C, "k3.17", "Hello"}}) ==
          R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":"k3.17","text":"Hello"})");
    CHECK(encode(RelayFrame{Ack{C, "k3.17", 13, 1732200000000}}) ==
          R"({"v":1,"type":"ack","conv":"c_0123456789abcdef","cid":"k3.17","seq":13,"ts":1732200000000})");
}

TEST_CASE("encoding never fails on invalid UTF-8 text", "[codec]") {
    const std::string text = encode(ClientFrame{Send{C, "k1", std::string("a\xff" "b")}});
    CHECK(text.find("\xff") == std::string::npos);
    CHECK(decode_client(text).ok());
}

TEST_CASE("the decoder returns the documented error for each malformed client frame", "[codec]") {
    // Raw inputs, byte for byte, and the first rule each breaks.
    const std::string S = R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":"k1",)";
    auto [raw, code] = GENERATE_COPY(table<std::string, ErrorCode>({
        // syntax and shape
        {"", ErrorCode::bad_json},
        {"{", ErrorCode::bad_json},
        {R"({"v":1,"type":"ping")", ErrorCode::bad_json},
        {R"({"v":1,"type":"ping"}})", ErrorCode::bad_json},
        {"not json", ErrorCode::bad_json},
        {"[1,2,3]", ErrorCode::bad_json},
        {R"("hello")", ErrorCode::bad_json},
        {"42", ErrorCode::bad_json},
        {"null", ErrorCode::bad_json},
        // size and depth
        {std::string(65537, ' '), ErrorCode::too_large},
        {R"({"v":1,"type":"ping","pad":")" + std::string(65536, 'x') + R"("})", ErrorCode::too_large},
        {std::string(65536, '['), ErrorCode::too_deep},
        {R"({"v":1,"type":"ping","x":)" + std::string(16, '[') + std::string(16, ']') + "}",
         ErrorCode::too_deep},
        {std::string(17, '[') + std::string(17, ']'), ErrorCode::too_deep},
        // envelope
        {R"({"type":"ping"})", ErrorCode::bad_version},
        {R"({"v":2,"type":"ping"})", ErrorCode::bad_version},
        {R"({"v":"1","type":"ping"})", ErrorCode::bad_version},
        {R"({"v":1.0,"type":"ping"})", ErrorCode::bad_version},
        {R"({"v":0,"type":"ping"})", ErrorCode::bad_version},
        {R"({"v":1})", ErrorCode::unknown_type},
        {R"({"v":1,"type":"shout"})", ErrorCode::unknown_type},
        {R"({"v":1,"type":7})", ErrorCode::unknown_type},
        {R"({"v":1,"type":"welcome"})", ErrorCode::unknown_type},  // a relay frame
        {R"({"v":1,"type":"Send"})", ErrorCode::unknown_type},
        // missing fields
        {R"({"v":1,"type":"hello"})", ErrorCode::missing_field},
        {R"({"v":1,"type":"hello","role":"agent"})", ErrorCode::missing_field},
        {R"({"v":1,"type":"login","email":"a@b"})", ErrorCode::missing_field},
        {R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":"k1"})", ErrorCode::missing_field},
        {R"({"v":1,"type":"send","cid":"k1","text":"hi"})", ErrorCode::missing_field},
        {R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":null,"text":"hi"})",
         ErrorCode::missing_field},
        {R"({"v":1,"type":"typing","conv":"c_0123456789abcdef"})", ErrorCode::missing_field},
        {R"({"v":1,"type":"read","conv":"c_0123456789abcdef"})", ErrorCode::missing_field},
        {R"({"v":1,"type":"sync","conv":"c_0123456789abcdef"})", ErrorCode::missing_field},
        {R"({"v":1,"type":"history"})", ErrorCode::missing_field},
        {R"({"v":1,"type":"presence"})", ErrorCode::missing_field},
        // wrong types and out-of-range values
        {R"({"v":1,"type":"hello","role":"admin"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"hello","role":"system"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"hello","role":"visitor","token":5})", ErrorCode::bad_field},
        {R"({"v":1,"type":"hello","role":"visitor","page":7})", ErrorCode::bad_field},
        {R"({"v":1,"type":"hello","role":"agent","token":"t","page":"https://a.example/"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"hello","role":"visitor","page":")" + std::string(513, 'p') + R"("})", ErrorCode::bad_field},
        {R"({"v":1,"type":"login","email":"a@b","password":["pw"]})", ErrorCode::bad_field},
        {S + R"("text":42})", ErrorCode::bad_field},
        {S + R"("text":"")", ErrorCode::bad_json},  // truncated
        {S + R"("text":""})", ErrorCode::bad_field},
        {S + R"("text":"  \t\n "})", ErrorCode::bad_field},
        {R"({"v":1,"type":"send","conv":"c_0123456789ABCDEF","cid":"k1","text":"hi"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"send","conv":"c_0123","cid":"k1","text":"hi"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"send","conv":"x_0123456789abcdef","cid":"k1","text":"hi"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":"k 1","text":"hi"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":"k/1","text":"hi"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":"","text":"hi"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":")" + std::string(65, 'k') +
             R"(","text":"hi"})",
         ErrorCode::bad_field},
        {R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":7,"text":"hi"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"typing","conv":"c_0123456789abcdef","on":"yes"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"typing","conv":"c_0123456789abcdef","on":1})", ErrorCode::bad_field},
        {R"({"v":1,"type":"read","conv":"c_0123456789abcdef","seq":-1})", ErrorCode::bad_field},
        {R"({"v":1,"type":"read","conv":"c_0123456789abcdef","seq":1.5})", ErrorCode::bad_field},
        {R"({"v":1,"type":"read","conv":"c_0123456789abcdef","seq":2.0})", ErrorCode::bad_field},
        {R"({"v":1,"type":"read","conv":"c_0123456789abcdef","seq":1e3})", ErrorCode::bad_field},
        {R"({"v":1,"type":"read","conv":"c_0123456789abcdef","seq":"3"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"read","conv":"c_0123456789abcdef","seq":9223372036854775808})", ErrorCode::bad_field},
        {R"({"v":1,"type":"read","conv":"c_0123456789abcdef","seq":18446744073709551616})", ErrorCode::bad_field},
        {R"({"v":1,"type":"read","conv":"c_0123456789abcdef","seq":-9223372036854775809})", ErrorCode::bad_field},
        {R"({"v":1,"type":"sync","conv":"c_0123456789abcdef","after":-5})", ErrorCode::bad_field},
        {R"({"v":1,"type":"history","conv":"c_0123456789abcdef","limit":0})", ErrorCode::bad_field},
        {R"({"v":1,"type":"history","conv":"c_0123456789abcdef","limit":201})", ErrorCode::bad_field},
        {R"({"v":1,"type":"history","conv":"c_0123456789abcdef","before":-1})", ErrorCode::bad_field},
        {R"({"v":1,"type":"presence","status":"busy"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"ping","n":"7"})", ErrorCode::bad_field},
        // lengths
        {S + R"("text":")" + std::string(8001, 'a') + R"("})", ErrorCode::text_too_long},
        {R"({"v":1,"type":"hello","role":"visitor","name":")" + std::string(81, 'n') + R"("})",
         ErrorCode::text_too_long},
    }));
    CAPTURE(raw.size() > 200 ? raw.substr(0, 200) + "…" : raw);
    auto r = decode_client(raw);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == code);
    CHECK_FALSE(r.error().detail.empty());
}

TEST_CASE("limits are inclusive: the largest allowed values decode", "[codec]") {
    const std::string S = R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":"k1",)";
    SECTION("8000 bytes of text") {
        CHECK(decode_client(S + R"("text":")" + std::string(8000, 'a') + R"("})").ok());
    }
    SECTION("an 8000-byte text of multi-byte characters is counted in bytes") {
        std::string text;
        while (text.size() < 8000) text += "\xC3\xA9";  // é, 2 bytes
        CHECK(decode_client(S + R"("text":")" + text + R"("})").ok());
        CHECK(decode_client(S + R"("text":")" + text + "\xC3\xA9" + R"("})").error().code ==
              ErrorCode::text_too_long);
    }
    SECTION("an 80-byte name") {
        CHECK(decode_client(R"({"v":1,"type":"hello","role":"visitor","name":")" + std::string(80, 'n') +
                            R"("})")
                  .ok());
    }
    SECTION("a 512-byte page") {
        CHECK(decode_client(R"({"v":1,"type":"hello","role":"visitor","page":")" + std::string(512, 'p') +
                            R"("})")
                  .ok());
    }
    SECTION("a 64-character cid of every allowed character class") {
        const std::string cid = "Az09_.:-" + std::string(56, 'x');
        CHECK(decode_client(R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":")" + cid +
                            R"(","text":"hi"})")
                  .ok());
    }
    SECTION("16 levels of nesting") {
        // The frame object is level 1; 15 more arrays make 16.
        CHECK(decode_client(R"({"v":1,"type":"ping","x":)" + std::string(15, '[') +
                            std::string(15, ']') + "}")
                  .ok());
    }
    SECTION("brackets inside strings do not count as nesting") {
        CHECK(decode_client(S + R"("text":")" + std::string(100, '[') + R"(\"{{{{"})").ok());
    }
    SECTION("a frame of exactly 65536 bytes") {
        std::string frame = R"({"v":1,"type":"ping","pad":"")";
        frame += std::string(65536 - frame.size() - 1, ' ') + "}";
        REQUIRE(frame.size() == 65536);
        CHECK(decode_client(frame).ok());
    }
    SECTION("history limit 1 and 200, and the default 50") {
        auto h = [](const std::string& extra) {
            return decode_client(R"({"v":1,"type":"history","conv":"c_0123456789abcdef")" + extra + "}");
        };
        CHECK(std::get<History>(h(R"(,"limit":1)").value()).limit == 1);
        CHECK(std::get<History>(h(R"(,"limit":200)").value()).limit == 200);
        CHECK(std::get<History>(h("").value()).limit == 50);
    }
    SECTION("the largest int64 sequence number") {
        auto r = decode_client(R"({"v":1,"type":"read","conv":"c_0123456789abcdef","seq":9223372036854775807})");
        REQUIRE(r.ok());
        CHECK(std::get<Read>(r.value()).seq == INT64_MAX);
    }
}

TEST_CASE("unknown extra fields are ignored", "[codec]") {
    auto r = decode_client(R"({"v":1,"type":"typing","conv":"c_0123456789abcdef","on":true,"future":{"a":[1]}})");
    REQUIRE(r.ok());
    CHECK(std::get<Typing>(r.value()).on);
}

TEST_CASE("an error carries the frame's cid as ref, when it had one", "[codec]") {
    SECTION("a field error after the cid") {
        auto r = decode_client(R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":"k3.17","text":""})");
        CHECK(r.error().ref == "k3.17");
        CHECK(r.error().detail == "bad field: text");
    }
    SECTION("a version error") {
        CHECK(decode_client(R"({"v":9,"type":"send","cid":"k9"})").error().ref == "k9");
    }
    SECTION("a missing field names the field") {
        auto r = decode_client(R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":"k1"})");
        CHECK(r.error().detail == "missing field: text");
        CHECK(r.error().ref == "k1");
    }
    SECTION("no cid, no ref") {
        CHECK(decode_client(R"({"v":1,"type":"read","conv":"c_0123456789abcdef","seq":-1})").error().ref.empty());
    }
    SECTION("a cid that is not a string gives no ref") {
        CHECK(decode_client(R"({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":7,"text":"hi"})")
                  .error()
                  .ref.empty());
    }
}

TEST_CASE("the decoder returns the documented error for each malformed relay frame", "[codec]") {
    const std::string M = R"("conv":"c_0123456789abcdef","seq":13,"cid":"k1","ts":5,"from":{"role":"agent","id":"a_1","name":"Sam"})";
    auto [raw, code] = GENERATE_COPY(table<std::string, ErrorCode>({
        {R"({"v":1,"type":"send"})", ErrorCode::unknown_type},  // a client frame
        {R"({"v":1,"type":"welcome","role":"visitor","token":"t"})", ErrorCode::missing_field},
        {R"({"v":1,"type":"welcome","role":"visitor","token":"t","me":"v_1"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"welcome","role":"visitor","token":"t","me":{"role":"robot","id":"x"}})",
         ErrorCode::bad_field},
        {R"({"v":1,"type":"welcome","role":"visitor","token":"t","me":{"role":"visitor"}})",
         ErrorCode::missing_field},
        {R"({"v":1,"type":"ack","conv":"c_0123456789abcdef","cid":"k1","seq":0,"ts":1})", ErrorCode::bad_field},
        {R"({"v":1,"type":"ack","conv":"c_0123456789abcdef","cid":"k1","seq":3})", ErrorCode::missing_field},
        {"{\"v\":1,\"type\":\"msg\"," + M + "}", ErrorCode::missing_field},
        {"{\"v\":1,\"type\":\"msg\"," + M + R"(,"text":" "})", ErrorCode::bad_field},
        {"{\"v\":1,\"type\":\"msg\"," + M + R"(,"text":")" + std::string(8001, 'x') + "\"}",
         ErrorCode::text_too_long},
        {R"({"v":1,"type":"msg","conv":"c_0123456789abcdef","seq":1.5})", ErrorCode::bad_field},
        {R"({"v":1,"type":"page","conv":"c_0123456789abcdef","msgs":{},"more":true})", ErrorCode::bad_field},
        {R"({"v":1,"type":"page","conv":"c_0123456789abcdef","msgs":[1],"more":true})", ErrorCode::bad_field},
        {R"({"v":1,"type":"page","conv":"c_0123456789abcdef","msgs":[{}],"more":true})", ErrorCode::missing_field},
        {R"({"v":1,"type":"page","conv":"c_0123456789abcdef","msgs":[]})", ErrorCode::missing_field},
        {R"({"v":1,"type":"presence","who":{"role":"agent","id":"a"},"status":"busy"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"inbox"})", ErrorCode::missing_field},
        {R"({"v":1,"type":"error","code":"1004","message":"x"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"error","code":42,"message":"x"})", ErrorCode::bad_field},
        {R"({"v":1,"type":"typing","conv":"c_0123456789abcdef","from":{"role":"agent","id":"a"},"on":null})",
         ErrorCode::missing_field},
    }));
    CAPTURE(raw.size() > 200 ? raw.substr(0, 200) + "…" : raw);
    auto r = decode_relay(raw);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == code);
}

TEST_CASE("a nested field error names its path", "[codec]") {
    auto r = decode_relay(
        R"({"v":1,"type":"page","conv":"c_0123456789abcdef","more":false,"msgs":[{"conv":"c_0123456789abcdef","seq":1,"cid":"k1","ts":1,"from":{"role":"agent","id":"a","name":"S"},"text":"ok"},{"conv":"c_0123456789abcdef","seq":2,"cid":"k2","ts":1,"from":{"role":"x","id":"a"},"text":"ok"}]})");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().detail == "bad field: msgs[1].from.role");
}

TEST_CASE("a decoder fed any prefix of a valid frame never crashes", "[codec]") {
    const std::string frame = encode(RelayFrame{Page{C, {Message{C, 1, "k1", 2, ada, "hi \"there\" [{"}}, true}});
    for (std::size_t n = 0; n < frame.size(); ++n) {
        auto r = decode_relay(std::string_view(frame).substr(0, n));
        CHECK_FALSE(r.ok());
    }
    CHECK(decode_relay(frame).ok());
}

TEST_CASE("error codes have their protocol names and retry policy", "[codec]") {
    CHECK(std::string(error_name(ErrorCode::bad_json)) == "bad_json");
    CHECK(std::string(error_name(ErrorCode::too_deep)) == "too_deep");
    CHECK(std::string(error_name(ErrorCode::storage_failed)) == "storage_failed");
    CHECK(std::string(error_name(ErrorCode::login_throttled)) == "login_throttled");
    CHECK(std::string(error_name(ErrorCode::login_busy)) == "login_busy");
    CHECK(is_retryable(ErrorCode::storage_failed));
    CHECK_FALSE(is_retryable(ErrorCode::seq_out_of_range));
    CHECK(close_is_final(4100));
    CHECK(close_is_final(4199));
    CHECK_FALSE(close_is_final(4099));
    CHECK_FALSE(close_is_final(1000));
}

// The wire, byte for byte: these are the bytes the encoder wrote when it built a
// json::Value per frame and dumped it (the relay and every client depend on them; the
// direct writer that replaced it must not move a byte). Every frame type, with and
// without its optional parts, escapes and invalid UTF-8 included.

TEST_CASE("every frame encodes to the bytes pinned for the wire", "[codec]") {
    using namespace parley::test::pinned;
    const std::vector<ClientFrame> client_frames = {
        Hello{"visitor", std::nullopt, std::nullopt},
        Hello{"visitor", std::string("tok"), std::string("Ada"), std::string("https://shop.example/billing")},
        Hello{"agent", std::string("tok"), std::nullopt},
        Login{"agent@example.com", "p\"w\\"},
        Send{kConv, "k3.17", "Hello"},
        Send{kConv, "k3.17", "Hello", kMeta1},
        Send{kConv, "k3.17", "Hello", Meta{"refund", 0.1 + 0.2, {}}},
        Typing{kConv, true},
        Typing{kConv, false},
        Read{kConv, 42},
        Sync{kConv, 17},
        History{kConv, std::nullopt, 50},
        History{kConv, 120, 200},
        SetPresence{"away"},
        Ping{-7},
        Note{kConv, "n.1.1", "internal"},
        Transfer{kConv, std::string("a_2"), std::nullopt, ""},
        Transfer{kConv, std::nullopt, std::string("billing"), "VIP"},
        CloseConv{kConv},
        Reopen{kConv},
    };
    const std::vector<std::string> client_bytes = {
        R"x({"v":1,"type":"hello","role":"visitor"})x",
        R"x({"v":1,"type":"hello","role":"visitor","token":"tok","name":"Ada","page":"https://shop.example/billing"})x",
        R"x({"v":1,"type":"hello","role":"agent","token":"tok"})x",
        R"x({"v":1,"type":"login","email":"agent@example.com","password":"p\"w\\"})x",
        R"x({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":"k3.17","text":"Hello"})x",
        R"x({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":"k3.17","text":"Hello","meta":{"intent":"billing","confidence":1.0,"signals":["urgent"]}})x",
        R"x({"v":1,"type":"send","conv":"c_0123456789abcdef","cid":"k3.17","text":"Hello","meta":{"intent":"refund","confidence":0.30000000000000004,"signals":[]}})x",
        R"x({"v":1,"type":"typing","conv":"c_0123456789abcdef","on":true})x",
        R"x({"v":1,"type":"typing","conv":"c_0123456789abcdef","on":false})x",
        R"x({"v":1,"type":"read","conv":"c_0123456789abcdef","seq":42})x",
        R"x({"v":1,"type":"sync","conv":"c_0123456789abcdef","after":17})x",
        R"x({"v":1,"type":"history","conv":"c_0123456789abcdef","limit":50})x",
        R"x({"v":1,"type":"history","conv":"c_0123456789abcdef","before":120,"limit":200})x",
        R"x({"v":1,"type":"presence","status":"away"})x",
        R"x({"v":1,"type":"ping","n":-7})x",
        R"x({"v":1,"type":"note","conv":"c_0123456789abcdef","cid":"n.1.1","text":"internal"})x",
        R"x({"v":1,"type":"transfer","conv":"c_0123456789abcdef","to_agent":"a_2","note":""})x",
        R"x({"v":1,"type":"transfer","conv":"c_0123456789abcdef","to_team":"billing","note":"VIP"})x",
        R"x({"v":1,"type":"close","conv":"c_0123456789abcdef"})x",
        R"x({"v":1,"type":"reopen","conv":"c_0123456789abcdef"})x",
    };
    const std::vector<RelayFrame> relay_frames = {
        Welcome{"visitor", "tok", kAda, kConv, 12},
        Welcome{"visitor", "tok", kAda, kConv, 12, {"card", "iban"}},
        Welcome{"agent", "tok", kSam, std::nullopt, 0},
        Ack{kConv, "k3.17", 13, 1732200000000},
        Msg{kPlain},
        Msg{kFull},
        Msg{Message{kConv, 15, "k3.19", 1, kAda, "x", false, std::nullopt, kMeta0}},
        TypingNotice{kConv, kSam, true},
        ReadNotice{kConv, kSam, 13},
        Synced{kConv, 20},
        Page{kConv, {kPlain, kFull}, true},
        Page{kConv, {}, false},
        PresenceNotice{kSam, "available"},
        Inbox{{kBare, kRouted, kPartial}},
        Inbox{{}},
        ConvUpdate{kRouted},
        ConvUpdate{kPartial},
        Pong{7},
        ErrorFrame{ErrorCode::missing_field, "missing field: text", "k3.17"},
        ErrorFrame{ErrorCode::storage_failed, "disk full", ""},
        ErrorFrame{ErrorCode::rate_limited, "slow down", "k3.20", 1500},
        ErrorFrame{ErrorCode::rate_limited, "slow down", "", 250, "sync", kConv},
        QueueNotice{kConv, "general", 3, -1},
        SupervisorBoard{{AgentLoad{kSam, "available", {"general", "billing"}, 2, 1, 3, 5}, AgentLoad{kAda, "away", {}, 0, 0, 0, 0}},
                    {TeamQueue{"general", {kConv, kConv}, 140}, TeamQueue{"billing", {kConv}, 0}}, true},
        SupervisorBoard{{}, {}, false},
    };
    const std::vector<std::string> relay_bytes = {
        R"x({"v":1,"type":"welcome","role":"visitor","token":"tok","me":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"conv":"c_0123456789abcdef","last_seq":12})x",
        R"x({"v":1,"type":"welcome","role":"visitor","token":"tok","me":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"conv":"c_0123456789abcdef","last_seq":12,"mask":{"client":["card","iban"]}})x",
        R"x({"v":1,"type":"welcome","role":"agent","token":"tok","me":{"role":"agent","id":"a_1","name":"Sam"}})x",
        R"x({"v":1,"type":"ack","conv":"c_0123456789abcdef","cid":"k3.17","seq":13,"ts":1732200000000})x",
        R"x({"v":1,"type":"msg","conv":"c_0123456789abcdef","seq":13,"cid":"k3.17","ts":1732200000000,"from":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"text":"Hello\n\u0001 �"})x",
        R"x({"v":1,"type":"msg","conv":"c_0123456789abcdef","seq":14,"cid":"k3.18","ts":1732200000001,"from":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"text":"Card 4111","internal":true,"prev":11,"meta":{"intent":"refund","confidence":0.8731,"signals":["human","pii"]}})x",
        R"x({"v":1,"type":"msg","conv":"c_0123456789abcdef","seq":15,"cid":"k3.19","ts":1,"from":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"text":"x","meta":{"intent":"oos","confidence":0.0,"signals":[]}})x",
        R"x({"v":1,"type":"typing","conv":"c_0123456789abcdef","from":{"role":"agent","id":"a_1","name":"Sam"},"on":true})x",
        R"x({"v":1,"type":"read","conv":"c_0123456789abcdef","from":{"role":"agent","id":"a_1","name":"Sam"},"seq":13})x",
        R"x({"v":1,"type":"synced","conv":"c_0123456789abcdef","last_seq":20})x",
        R"x({"v":1,"type":"page","conv":"c_0123456789abcdef","msgs":[{"conv":"c_0123456789abcdef","seq":13,"cid":"k3.17","ts":1732200000000,"from":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"text":"Hello\n\u0001 �"},{"conv":"c_0123456789abcdef","seq":14,"cid":"k3.18","ts":1732200000001,"from":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"text":"Card 4111","internal":true,"prev":11,"meta":{"intent":"refund","confidence":0.8731,"signals":["human","pii"]}}],"more":true})x",
        R"x({"v":1,"type":"page","conv":"c_0123456789abcdef","msgs":[],"more":false})x",
        R"x({"v":1,"type":"presence","who":{"role":"agent","id":"a_1","name":"Sam"},"status":"available"})x",
        R"x({"v":1,"type":"inbox","convs":[{"conv":"c_0123456789abcdef","visitor":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"last_seq":4,"last_text":"Hello","updated":1732200000000,"status":"open"},{"conv":"c_0123456789abcdef","visitor":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"last_seq":5,"last_text":"Hi","updated":1732200000002,"status":"open","state":"active","agent":"a_1","team":"general","rank":2,"awaiting":"agent","intent":"refund"},{"conv":"c_0123456789abcdef","visitor":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"last_seq":6,"last_text":"Hi","updated":1732200000003,"status":"closed","state":"closed","previous_agent":"a_2"}]})x",
        R"x({"v":1,"type":"inbox","convs":[]})x",
        R"x({"v":1,"type":"conv","conv":"c_0123456789abcdef","visitor":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"last_seq":5,"last_text":"Hi","updated":1732200000002,"status":"open","state":"active","agent":"a_1","team":"general","rank":2,"awaiting":"agent","intent":"refund"})x",
        R"x({"v":1,"type":"conv","conv":"c_0123456789abcdef","visitor":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"last_seq":6,"last_text":"Hi","updated":1732200000003,"status":"closed","state":"closed","previous_agent":"a_2"})x",
        R"x({"v":1,"type":"pong","n":7})x",
        R"x({"v":1,"type":"error","code":1004,"message":"missing field: text","ref":"k3.17"})x",
        R"x({"v":1,"type":"error","code":5001,"message":"disk full"})x",
        R"x({"v":1,"type":"error","code":4029,"message":"slow down","ref":"k3.20","retry_after_ms":1500})x",
        R"x({"v":1,"type":"error","code":4029,"message":"slow down","retry_after_ms":250,"frame":"sync","conv":"c_0123456789abcdef"})x",
        R"x({"v":1,"type":"queue","conv":"c_0123456789abcdef","team":"general","position":3,"expected_wait_ms":-1})x",
        R"x({"v":1,"type":"supervisor","agents":[{"agent":{"role":"agent","id":"a_1","name":"Sam"},"status":"available","teams":["general","billing"],"load":2,"inactive":1,"preferred":3,"max":5},{"agent":{"role":"visitor","id":"v_1","name":"Ada \"A\" é"},"status":"away","teams":[],"load":0,"inactive":0,"preferred":0,"max":0}],"queues":[{"team":"general","convs":["c_0123456789abcdef","c_0123456789abcdef"],"length":140},{"team":"billing","convs":["c_0123456789abcdef"],"length":1}],"full":true})x",
        R"x({"v":1,"type":"supervisor","agents":[],"queues":[],"full":false})x",
    };
    REQUIRE(client_frames.size() == client_bytes.size());
    for (std::size_t i = 0; i < client_frames.size(); ++i) {
        CAPTURE(i);
        CHECK(encode(client_frames[i]) == client_bytes[i]);
    }
    REQUIRE(relay_frames.size() == relay_bytes.size());
    for (std::size_t i = 0; i < relay_frames.size(); ++i) {
        CAPTURE(i);
        CHECK(encode(relay_frames[i]) == relay_bytes[i]);
    }
}
