// parley-bot: the house bot (issue 16, docs/bots.md). A client of the relay like any
// other bot: it says hello with its API key over the SDK's native transport, answers
// the visitors of the conversations the relay gives it (BotCore's decisions, applied by
// BotRunner) and hands over to people when its rules say so.
//
//   parley-bot --relay ws://127.0.0.1:8080/ --config deploy/bot/bot.toml
//              [--key-file FILE] [--gaps FILE] [--model FILE] [--ca-file FILE] [--verbose]
//   parley-bot --list-gaps [--gaps FILE]
//
// The key comes from $PARLEY_BOT_KEY or --key-file (never the command line, which every
// local user can read). The rules file is re-read when it changes (every 2 s), the
// knowledge base with it; a file with a mistake keeps the previous rules and is logged.
// Exit: 0 on SIGINT/SIGTERM, 1 when the relay refuses the key (close 41xx) or on a
// start error, 2 on bad usage.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

#include <unistd.h>

#include "bot_core.hpp"
#include "bot_runner.hpp"
#include "config_file.hpp"
#include "gap_log.hpp"
#include "knowledge_base.hpp"
#include "parley/native/connection.hpp"
#include "parley/triage/model.hpp"

namespace {

volatile std::sig_atomic_t interrupted = 0;

int usage() {
    std::fprintf(stderr,
                 "usage: parley-bot --relay URL --config FILE [--key-file FILE] [--gaps FILE] [--model FILE]\n"
                 "                  [--ca-file FILE] [--verbose]\n"
                 "       parley-bot --list-gaps [--gaps FILE]\n"
                 "The API key: $PARLEY_BOT_KEY, else the first line of --key-file\n"
                 "(made by parley-relay --create-bot-key NAME).\n");
    return 2;
}

void say(const std::string& line) {
    std::fprintf(stderr, "parley-bot: %s\n", line.c_str());
    std::fflush(stderr);
}

std::optional<std::string> first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line)) return std::nullopt;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
}

std::optional<parley::triage::Model> load_model(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto model = parley::triage::Model::load(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    if (!model) return std::nullopt;
    return std::move(model).value();
}

}  // namespace

int main(int argc, char** argv) {
    using namespace parley;
    std::string relay, config_path, key_file, gaps_path = "parley-bot-gaps.db", model_path, ca_file;
    bool list_gaps = false, verbose = false;
#ifdef PARLEY_BUILD_TRIAGE_MODEL
    model_path = PARLEY_BUILD_TRIAGE_MODEL;
#endif
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        const char* v = nullptr;
        if (a == "--list-gaps") list_gaps = true;
        else if (a == "--verbose") verbose = true;
        else if (a == "--relay" && (v = next())) relay = v;
        else if (a == "--config" && (v = next())) config_path = v;
        else if (a == "--key-file" && (v = next())) key_file = v;
        else if (a == "--gaps" && (v = next())) gaps_path = v;
        else if (a == "--model" && (v = next())) model_path = v;
        else if (a == "--ca-file" && (v = next())) ca_file = v;
        else if (a == "--key") {
            say("--key is refused: the command line is visible to every local user; use $PARLEY_BOT_KEY or --key-file");
            return 2;
        } else return usage();
    }

    auto gaps = bot::GapLog::open(gaps_path);
    if (!gaps) {
        say(gaps.error().detail);
        return 1;
    }
    if (list_gaps) {
        auto list = gaps.value().list(1000);
        if (!list) {
            say(list.error().detail);
            return 1;
        }
        std::fputs(bot::format_gaps(list.value()).c_str(), stdout);
        return 0;
    }
    if (relay.empty() || config_path.empty()) return usage();

    std::string key;
    if (const char* env = std::getenv("PARLEY_BOT_KEY"); env && *env) key = env;
    else if (!key_file.empty()) {
        auto line = first_line(key_file);
        if (!line || line->empty()) {
            say("cannot read a key from " + key_file);
            return 1;
        }
        key = *line;
    }
    if (key.empty()) {
        say("no API key: set $PARLEY_BOT_KEY or give --key-file");
        return 2;
    }

    auto config = bot::ConfigFile::open(config_path);
    if (!config) {
        say(config.error().detail);
        return 1;
    }
    auto kb_dir = [&] { return (config.value().base_dir() / config.value().config()->kb.dir).string(); };
    std::unique_ptr<bot::KnowledgeBase> kb;
    if (auto loaded = bot::KnowledgeBase::load(kb_dir()); loaded)
        kb = std::make_unique<bot::KnowledgeBase>(std::move(loaded).value());
    else
        say("knowledge base: " + loaded.error().detail + " (every question will miss)");
    std::optional<triage::Model> model;
    if (!model_path.empty()) {
        model = load_model(model_path);
        if (!model) say("no triage model at " + model_path + ": messages without the relay's meta get signals only");
    }
    bot::BotCore core(config.value().config(), kb.get(), model ? &*model : nullptr);
    bot::BotRunner runner(core, &gaps.value());

    auto url = native::parse_url(relay);
    if (!url) {
        say(url.error().detail);
        return 2;
    }
    session::Config session;
    session.role = "bot";
    session.key = key;
    session.instance = "bot" + std::to_string(::getpid());
    session.seed = static_cast<std::uint64_t>(native::Connection::now_ms());
    native::TransportOptions transport;
    transport.ca_file = ca_file;
    native::Connection connection(session, url.value(), transport);
    if (auto started = connection.start(); !started) {
        say("cannot start: " + started.error().detail);
        return 1;
    }
    say("connecting to " + url.value().str() + " as " + config.value().config()->bot_name);

    std::signal(SIGINT, [](int) { interrupted = 1; });
    std::signal(SIGTERM, [](int) { interrupted = 1; });
    std::int64_t next_reload = native::Connection::now_ms() + 2000;
    while (!interrupted) {
        // Wake for the runner's next delta, else at most every 250 ms.
        std::int64_t wait = 250;
        if (auto due = runner.next_deadline())
            wait = std::max<std::int64_t>(0, std::min<std::int64_t>(wait, *due - native::Connection::now_ms()));
        connection.poll(static_cast<int>(wait));
        const std::int64_t now = native::Connection::now_ms();
        for (const session::Event& event : connection.take_events()) {
            if (verbose) say("event " + session::event_json(event));
            if (const auto* w = std::get_if<protocol::Welcome>(&event)) say("ready: " + w->me.id);
            // Gaps are dated by the wall clock (`--list-gaps` prints them as dates).
            const std::int64_t wall = std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch()).count();
            for (const std::string& line : runner.on_event(event, now, wall)) say(line);
        }
        for (const std::string& line : runner.pump(connection.client(), native::Connection::now_ms())) say(line);
        if (connection.state() == session::State::stopped) {
            say("the relay refused the bot (close " + std::to_string(connection.last_close_code().value_or(0)) +
                "): is the key revoked or wrong?");
            return 1;
        }
        if (now >= next_reload) {
            next_reload = now + 2000;
            const auto report = config.value().reload_if_changed();
            if (report.outcome == bot::ConfigFile::Reload::failed) {
                say("rules not reloaded: " + report.error);
            } else if (report.outcome == bot::ConfigFile::Reload::reloaded) {
                if (auto loaded = bot::KnowledgeBase::load(kb_dir()); loaded) {
                    auto fresh = std::make_unique<bot::KnowledgeBase>(std::move(loaded).value());
                    core.set_knowledge_base(fresh.get());
                    kb = std::move(fresh);
                } else {
                    say("knowledge base not reloaded: " + loaded.error().detail);
                }
                core.set_config(config.value().config());
                say("rules reloaded from " + config_path);
            }
        }
    }
    connection.stop();
    return 0;
}
