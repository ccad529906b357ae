#include "ops/ops_endpoints.hpp"

#include <cmath>
#include <cstdio>

#include "parley/protocol/error_code.hpp"

namespace parley::relay {
namespace {

// Prometheus' text format: a label value escapes \, " and newline.
std::string label_value(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char ch : v) {
        if (ch == '\\') out += "\\\\";
        else if (ch == '"') out += "\\\"";
        else if (ch == '\n') out += "\\n";
        else out += ch;
    }
    return out;
}

std::string number(double v) {
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

class Text {
public:
    void family(const char* name, const char* type, const char* help) {
        out_ += "# HELP ";
        out_ += name;
        out_ += ' ';
        out_ += help;
        out_ += "\n# TYPE ";
        out_ += name;
        out_ += ' ';
        out_ += type;
        out_ += '\n';
    }
    void sample(std::string_view name, double value, std::string_view labels = {}) {
        out_ += name;
        if (!labels.empty()) {
            out_ += '{';
            out_ += labels;
            out_ += '}';
        }
        out_ += ' ';
        out_ += number(value);
        out_ += '\n';
    }
    void one(const char* name, const char* type, const char* help, double value) {
        family(name, type, help);
        sample(name, value);
    }
    // One sample per entry, labelled `label`="key".
    template <typename Map>
    void by(const char* name, const char* type, const char* help, const char* label, const Map& values) {
        family(name, type, help);
        for (const auto& [key, value] : values)
            sample(name, static_cast<double>(value), std::string(label) + "=\"" + label_value(key) + "\"");
    }
    template <std::size_t N>
    void histogram(const std::string& name, const char* help, const Histogram<N>& h) {
        family(name.c_str(), "histogram", help);
        for (std::size_t i = 0; i < N; ++i)
            sample(name + "_bucket", static_cast<double>(h.counts[i]), "le=\"" + number(h.bounds[i]) + "\"");
        sample(name + "_bucket", static_cast<double>(h.counts[N]), "le=\"+Inf\"");
        sample(name + "_sum", h.sum);
        sample(name + "_count", static_cast<double>(h.counts[N]));
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

}  // namespace

bool is_ops_path(std::string_view path) { return path == "/healthz" || path == "/readyz" || path == "/metrics"; }

std::string prometheus_text(const HubCounters& hub, const WireCounters& wire, const RelayGauges& gauges,
                            std::string_view version, double uptime_seconds) {
    Text t;
    t.family("parley_build_info", "gauge", "The relay's version (always 1).");
    t.sample("parley_build_info", 1, "version=\"" + label_value(version) + "\"");
    t.one("parley_uptime_seconds", "gauge", "Seconds since the relay started.", uptime_seconds);

    // Connections and people.
    t.by("parley_connections", "gauge", "Open WebSocket connections by party role (pending: before hello).", "role",
         gauges.connections);
    t.one("parley_connections_opened_total", "counter", "WebSocket connections established.",
          static_cast<double>(wire.connections_opened));
    t.one("parley_connections_refused_total", "counter",
          "Connections refused before or at the handshake (socket limits, origin).",
          static_cast<double>(wire.connections_refused));
    t.one("parley_slow_consumers_closed_total", "counter", "Connections closed with 4001 for not reading.",
          static_cast<double>(wire.slow_closed));
    t.by("parley_agents", "gauge", "Agents online by presence status.", "status", gauges.agents);
    t.one("parley_bots_online", "gauge", "Bot connections open.", static_cast<double>(gauges.bots_online));

    // Traffic.
    t.one("parley_frames_received_total", "counter", "WebSocket frames received from clients.",
          static_cast<double>(wire.frames_in));
    t.one("parley_frames_sent_total", "counter", "WebSocket frames sent to clients.",
          static_cast<double>(wire.frames_out));
    t.one("parley_received_bytes_total", "counter", "Payload bytes received from clients.",
          static_cast<double>(wire.bytes_in));
    t.one("parley_sent_bytes_total", "counter", "Payload bytes sent to clients.", static_cast<double>(wire.bytes_out));
    t.one("parley_http_requests_total", "counter", "Requests to /healthz, /readyz and /metrics.",
          static_cast<double>(wire.http_requests));
    t.by("parley_api_responses_total", "counter", "Answers to /api/v1 requests, by status class.", "code",
         wire.api_responses);

    // Storage.
    t.one("parley_messages_stored_total", "counter", "New messages stored (visitors, agents, bots, system).",
          static_cast<double>(hub.messages_stored));
    t.by("parley_messages_stored_by_role_total", "counter", "New messages stored, by the sender's role.", "role",
         hub.messages_stored_by_role);
    t.histogram("parley_ack_seconds",
                "From a client's frame read off the socket to the commit of what it stored (fsync included), "
                "per message.",
                wire.ack_seconds);
    t.one("parley_commits_total", "counter", "Group-commit batches committed.", static_cast<double>(hub.commits));
    t.one("parley_commit_failures_total", "counter", "Batches the store could not commit (senders resend).",
          static_cast<double>(hub.commit_failures));
    t.one("parley_report_event_failures_total", "counter",
          "Routing events for reports that could not be written (the conversation went on).",
          static_cast<double>(hub.event_failures));
    t.by("parley_webhook_deliveries_total", "counter",
         "Webhook delivery attempts by result (ok: 2xx; failed: retried later; dead: dead-lettered).", "result",
         wire.webhook_deliveries);
    t.one("parley_webhook_queue_length", "gauge", "Webhook deliveries pending (retries included).",
          static_cast<double>(wire.webhook_queue));
    t.one("parley_webhook_enqueue_failures_total", "counter", "Webhook events that could not be enqueued.",
          static_cast<double>(hub.webhook_enqueue_failures));
    t.histogram("parley_commit_batch_messages", "Messages per committed batch.", hub.commit_batch_messages);
    t.histogram("parley_commit_seconds", "Time a loop pass spent committing its batch (fsync included).",
                wire.commit_seconds);
    t.histogram("parley_loop_lag_seconds", "Lateness of the relay's 100 ms timer: event-loop responsiveness.",
                wire.loop_lag_seconds);

    // Routing and bots.
    t.by("parley_queued_conversations", "gauge", "Conversations waiting in a team's queue.", "team", gauges.queued);
    t.one("parley_bot_conversations", "gauge", "Open conversations with the bot.",
          static_cast<double>(gauges.bot_conversations));
    t.by("parley_handoffs_total", "counter", "Conversations handed from the bot to humans, by reason.", "reason",
         hub.handoffs.counts);
    t.by("parley_quality_flags_total", "counter", "Quality flags raised, by kind (docs/quality.md).", "kind",
         hub.quality_flags.counts);
    t.one("parley_quality_flag_failures_total", "counter", "Quality flags that could not be written.",
          static_cast<double>(hub.quality_flag_failures));

    // Refusals: every error frame by code, so rate limits (4029), quotas (4050-4052) and
    // bad input show apart.
    t.family("parley_errors_sent_total", "counter", "Error frames sent to clients, by code.");
    for (const auto& [code, n] : hub.errors)
        t.sample("parley_errors_sent_total", static_cast<double>(n),
                 "code=\"" + std::to_string(code) + "\",name=\"" +
                     label_value(protocol::error_name(static_cast<protocol::ErrorCode>(code))) + "\"");
    return t.take();
}

HttpAnswer answer_ops(std::string_view path, const HubCounters& hub, const WireCounters& wire,
                      const RelayGauges& gauges, const Readiness& readiness, std::string_view version,
                      double uptime_seconds) {
    if (path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
    if (path == "/readyz") {
        std::string reasons;
        if (!readiness.store_ok) reasons += "store: the last commit failed\n";
        if (!readiness.data_dir_writable) reasons += "data directory: not writable or full\n";
        if (readiness.loop_lag_seconds > 1.0)
            reasons += "event loop: lagging " + number(readiness.loop_lag_seconds) + " s\n";
        if (reasons.empty()) return {200, "text/plain; charset=utf-8", "ready\n"};
        return {503, "text/plain; charset=utf-8", reasons};
    }
    if (path == "/metrics")
        return {200, "text/plain; version=0.0.4; charset=utf-8",
                prometheus_text(hub, wire, gauges, version, uptime_seconds)};
    return {404, "text/plain; charset=utf-8", "not found\n"};
}

}  // namespace parley::relay
