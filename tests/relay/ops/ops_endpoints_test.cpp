// ops/ops_endpoints.hpp: what /healthz, /readyz and /metrics answer, without a server.
#include <catch2/catch.hpp>

#include "ops/ops_endpoints.hpp"

using namespace parley::relay;

namespace {
HttpAnswer ask(std::string_view path, const Readiness& r = {}, const HubCounters& hub = {}) {
    return answer_ops(path, hub, WireCounters{}, RelayGauges{}, r, "1.2.3", 5);
}
}  // namespace

TEST_CASE("/readyz is 503 with one line per reason when the relay cannot serve", "[ops]") {
    CHECK(ask("/readyz").status == 200);
    Readiness r;
    r.store_ok = false;
    r.data_dir_writable = false;
    r.loop_lag_seconds = 2.5;
    const HttpAnswer a = ask("/readyz", r);
    CHECK(a.status == 503);
    CHECK(a.body ==
          "store: the last commit failed\n"
          "data directory: not writable or full\n"
          "event loop: lagging 2.5 s\n");
    r = {};
    r.loop_lag_seconds = 0.9;  // a busy moment is not unready
    CHECK(ask("/readyz", r).status == 200);
}

TEST_CASE("Only the three paths answer", "[ops]") {
    CHECK(ask("/healthz").body == "ok\n");
    CHECK(ask("/metrics").content_type == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(ask("/metrics/").status == 404);
    CHECK(ask("/").status == 404);
    CHECK(is_ops_path("/readyz"));
    CHECK_FALSE(is_ops_path("/readyz?x=1"));
}

TEST_CASE("Histograms are cumulative, with +Inf, sum and count", "[ops]") {
    HubCounters hub;
    for (double v : {1.0, 3.0, 3.0, 200.0}) hub.commit_batch_messages.observe(v);
    const std::string text = prometheus_text(hub, WireCounters{}, RelayGauges{}, "1", 0);
    CHECK(text.find("# TYPE parley_commit_batch_messages histogram\n") != std::string::npos);
    CHECK(text.find("parley_commit_batch_messages_bucket{le=\"1\"} 1\n") != std::string::npos);
    CHECK(text.find("parley_commit_batch_messages_bucket{le=\"2\"} 1\n") != std::string::npos);
    CHECK(text.find("parley_commit_batch_messages_bucket{le=\"4\"} 3\n") != std::string::npos);
    CHECK(text.find("parley_commit_batch_messages_bucket{le=\"128\"} 3\n") != std::string::npos);
    CHECK(text.find("parley_commit_batch_messages_bucket{le=\"+Inf\"} 4\n") != std::string::npos);
    CHECK(text.find("parley_commit_batch_messages_sum 207\n") != std::string::npos);
    CHECK(text.find("parley_commit_batch_messages_count 4\n") != std::string::npos);
}

TEST_CASE("Label values from clients are escaped and their number is capped", "[ops]") {
    HubCounters hub;
    hub.handoffs.add("asks_human");
    hub.handoffs.add("asks_human");
    for (int i = 0; i < 100; ++i) hub.handoffs.add("made_up_" + std::to_string(i));  // a hostile bot
    CHECK(hub.handoffs.counts.size() == LabelledCounter::kMaxLabels);
    CHECK(hub.handoffs.counts["asks_human"] == 2);
    CHECK(hub.handoffs.counts["other"] == 100 - (LabelledCounter::kMaxLabels - 2));

    RelayGauges g;
    g.queued["sa\"les\\\n"] = 3;
    const std::string text = prometheus_text(HubCounters{}, WireCounters{}, g, "v\"1", 0);
    CHECK(text.find("parley_queued_conversations{team=\"sa\\\"les\\\\\\n\"} 3\n") != std::string::npos);
    CHECK(text.find("parley_build_info{version=\"v\\\"1\"} 1\n") != std::string::npos);
}

TEST_CASE("Error frames are counted by code with their name", "[ops]") {
    HubCounters hub;
    hub.errors[4029] = 7;
    const std::string text = prometheus_text(hub, WireCounters{}, RelayGauges{}, "1", 0);
    CHECK(text.find("parley_errors_sent_total{code=\"4029\",name=\"rate_limited\"} 7\n") != std::string::npos);
}
