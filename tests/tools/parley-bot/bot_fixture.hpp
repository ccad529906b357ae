// Shared pieces of the bot tests: the default triage model of this build tree, the
// demo config and help centre (deploy/bot), and a small config + KB written inline for
// tests that pin one rule.
#pragma once

#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "bot_config.hpp"
#include "config_file.hpp"
#include "knowledge_base.hpp"
#include "parley/triage/model.hpp"

namespace parley::bot::test {

inline const triage::Model& default_model() {
    static const triage::Model model = [] {
        std::ifstream in(PARLEY_TEST_TRIAGE_MODEL, std::ios::binary);
        const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto m = triage::Model::load(bytes.data(), bytes.size());
        REQUIRE(m.ok());
        return std::move(m).value();
    }();
    return model;
}

inline std::string demo_dir() { return std::string(PARLEY_SOURCE_DIR) + "/deploy/bot"; }

inline std::shared_ptr<const Config> demo_config() {
    auto f = ConfigFile::open(demo_dir() + "/bot.toml");
    REQUIRE(f.ok());
    return f.value().config();
}

inline const KnowledgeBase& demo_kb() {
    static const KnowledgeBase kb = [] {
        auto k = KnowledgeBase::load(demo_dir() + "/kb");
        REQUIRE(k.ok());
        return std::move(k).value();
    }();
    return kb;
}

inline Passage passage(std::string id, std::string heading, std::string body) {
    const std::string file = id.substr(0, id.find('.')) + ".md";
    return Passage{std::move(id), file, "Help", std::move(heading), std::move(body)};
}

// A small help centre: refunds, invoices, two close Slack passages, and others that
// give bm25 a realistic spread of word frequencies (its IDF needs more than a handful
// of passages: a word in half of them weighs nothing).
inline KnowledgeBase small_kb() {
    auto kb = KnowledgeBase::from_passages({
        passage("refunds.1", "Refund window", "Monthly plans are refunded in full within 14 days of a charge."),
        passage("billing.1", "Downloading invoices", "Every invoice can be downloaded as a PDF from the billing page."),
        passage("slack.1", "Connecting Slack", "Connect Slack under Settings, Integrations, Slack; new chats post to a channel."),
        passage("slack.2", "Slack notifications", "Slack channel notifications for new chats can be muted per channel."),
        passage("hours.1", "Office hours", "Set the hours your team answers under Settings, with your time zone."),
        passage("account.1", "Resetting your password", "Click Forgot password on the login page to get a reset link."),
        passage("widget.1", "Widget colours", "Choose the brand colour and the launcher position of the widget."),
        passage("widget.2", "Widget language", "The widget speaks seven languages and follows the browser by default."),
        passage("api.1", "API keys", "Create and revoke API keys in the developer settings; a key is shown once."),
        passage("hooks.1", "Webhooks", "Webhooks post to your endpoint when a conversation starts or closes."),
        passage("data.1", "Data location", "Hosted workspaces are stored in Frankfurt or Virginia."),
        passage("sso.1", "Single sign-on", "SAML single sign-on with Okta and Azure AD is on the Enterprise plan."),
    });
    REQUIRE(kb.ok());
    return std::move(kb).value();
}

inline std::shared_ptr<const Config> config_from(const std::string& toml) {
    auto c = parse_config(toml, "test.toml");
    INFO((c.ok() ? std::string() : c.error().detail));
    REQUIRE(c.ok());
    return std::make_shared<const Config>(std::move(c).value());
}

}  // namespace parley::bot::test
