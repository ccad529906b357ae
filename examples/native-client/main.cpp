// parley-native-client: a visitor in a terminal. It connects to a relay, says hello (the
// SDK does), sends the message given on the command line, and prints every event that
// arrives as one JSON line, until Ctrl-C or --seconds.
//
//   parley-native-client [--ca FILE] [--insecure] [--name NAME] [--seconds N] URL [MESSAGE]
//   parley-native-client ws://127.0.0.1:8080/ "Hello from a terminal"
//
// The whole app is the loop at the bottom: poll() the Connection, print its events,
// act through connection.client() with Connection::now_ms().
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "parley/native/connection.hpp"

namespace {

volatile std::sig_atomic_t interrupted = 0;

int usage() {
    std::fprintf(stderr,
                 "usage: parley-native-client [--ca FILE] [--insecure] [--name NAME] [--seconds N] URL [MESSAGE]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace parley;
    native::TransportOptions transport;
    session::Config config;
    config.role = "visitor";
    config.instance = "native-" + std::to_string(native::Connection::now_ms() % 1000000);
    config.seed = static_cast<std::uint64_t>(native::Connection::now_ms());
    config.name = "Native example";
    std::string url_text, message;
    int seconds = 0;  // 0: until Ctrl-C
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool has_value = i + 1 < argc;
        if (a == "--ca" && has_value) transport.ca_file = argv[++i];
        else if (a == "--insecure") transport.allow_self_signed = true;
        else if (a == "--name" && has_value) config.name = argv[++i];
        else if (a == "--seconds" && has_value) seconds = std::atoi(argv[++i]);
        else if (a.rfind("--", 0) == 0) return usage();
        else if (url_text.empty()) url_text = a;
        else if (message.empty()) message = a;
        else return usage();
    }
    if (url_text.empty()) return usage();
    auto url = native::parse_url(url_text);
    if (!url) {
        std::fprintf(stderr, "%s\n", url.error().detail.c_str());
        return 2;
    }

    native::Connection connection(config, url.value(), transport);
    if (auto started = connection.start(); !started) {
        std::fprintf(stderr, "cannot start: %s\n", started.error().detail.c_str());
        return 1;
    }
    // Queued now, sent after the welcome (and resent after a reconnect until acked).
    if (!message.empty()) {
        if (auto sent = connection.client().send("", message, native::Connection::now_ms()); !sent) {
            std::fprintf(stderr, "cannot send: %s\n", sent.error().detail.c_str());
            return 1;
        }
    }

    std::signal(SIGINT, [](int) { interrupted = 1; });
    std::signal(SIGTERM, [](int) { interrupted = 1; });
    const std::int64_t end = seconds > 0 ? native::Connection::now_ms() + seconds * 1000LL : 0;
    while (!interrupted && (!end || native::Connection::now_ms() < end)) {
        connection.poll(100);
        for (const session::Event& event : connection.take_events()) {
            std::printf("%s\n", session::event_json(event).c_str());
            std::fflush(stdout);
        }
        if (connection.state() == session::State::stopped) {
            std::fprintf(stderr, "stopped (close code %d)\n", connection.last_close_code().value_or(0));
            return 1;
        }
    }
    connection.stop();
    return 0;
}
