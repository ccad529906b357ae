#include "live_settings.hpp"

#include <algorithm>

#include "core/prechat_form.hpp"
#include "quality/quality_rules.hpp"

namespace parley::relay {

void set_hub_live_settings(HubConfig& config, const Options& o) {
    // Retention (P7): windows in days of retention_day_ms (a day, except in tests).
    config.retention.closed_ms = o.retain_closed_days * o.retention_day_ms;
    config.retention.audit_ms = std::int64_t{o.retain_audit_days} * o.retention_day_ms;
    config.retention.team_closed_ms.clear();
    for (const auto& [team, days] : o.retain_closed_days_team)
        config.retention.team_closed_ms[team] = days * o.retention_day_ms;
    config.retention.sweep_every_ms = o.retention_sweep_ms;
    config.retention.page_gap_ms = std::min<long long>(RetentionConfig{}.page_gap_ms, o.retention_sweep_ms);
    // Quotas (P7): counted in memory, so a restart starts them at zero.
    config.quotas.new_visitors_per_hour = o.quota_new_visitors;
    config.quotas.new_conversations_per_hour = o.quota_new_conversations;
    config.quotas.visitor_bytes_per_day = o.quota_visitor_bytes;
    // Bots (issue 16): the relay's own handoff rules.
    config.bots.grace_ms = o.bot_grace_secs * 1000LL;
    config.bots.reply_ms = o.bot_reply_secs * 1000LL;
    config.bots.max_turns_unanswered = o.bot_max_turns_unanswered;
    config.prechat = parse_prechat_fields(o.prechat_fields).value();  // checked with the options
    // Quality flags (issue 18, quality/quality_rules.hpp).
    config.quality.compliance_words = quality::normalize_words(o.compliance_words);
    config.quality.long_wait_ms = std::int64_t{o.flag_wait_secs} * 1000;
}

RateLimitConfig rate_limits_of(const Options& o) {
    RateLimitConfig l;
    l.conn_rate = o.conn_rate;
    l.conn_burst = o.conn_burst;
    l.ip_rate = o.ip_rate;
    l.ip_burst = o.ip_burst;
    l.bot_rate = o.bot_conn_rate;
    l.bot_burst = o.bot_conn_burst;
    l.max_conns_per_ip = o.max_conns_per_ip;
    return l;
}

TrustedProxies networks_of(const std::vector<std::string>& specs) {
    std::vector<IpNetwork> networks;
    for (const std::string& spec : specs)
        if (auto net = IpNetwork::parse(spec)) networks.push_back(*net);
    return TrustedProxies(std::move(networks));
}

WebhookRetryPolicy webhook_retry_of(const Options& o) {
    WebhookRetryPolicy retry;
    retry.delays_ms = parse_webhook_backoff(o.webhook_backoff).value();  // the option checked it
    retry.max_attempts = o.webhook_max_attempts;
    return retry;
}

}  // namespace parley::relay
