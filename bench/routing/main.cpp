// routing_sim: a day of seeded traffic through the Parley router and two baselines,
// then the router's own cost per event at scale. Prints a table, then one JSON line.
//
//   routing_sim [--seed S] [--agents N] [--load X] [--perf-agents A] [--perf-open C]
//               [--perf-events E]
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "baseline_policy.hpp"
#include "perf.hpp"
#include "router_policy.hpp"
#include "sim.hpp"
#include "traffic.hpp"

using namespace parley::bench;

namespace {

constexpr Millis kMin = 60 * 1000;
constexpr int kPreferred = 3, kMaxLoad = 5;
constexpr Millis kInactiveAfter = 5 * kMin;  // router: silence before inactive
constexpr Millis kHousekeeping = 10 * kMin;  // baselines: agent closes after this silence
constexpr Millis kOvertimeCap = 6 * 60 * kMin;

double secs(Millis ms) { return static_cast<double>(ms) / 1000.0; }
double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

void row(const Metrics& m) {
    std::printf("%-14s %9.1f %9.1f %9.1f %9.1f %9.1f %7.1f%% %9.2f %8.1f %7d\n", m.name.c_str(),
                secs(m.p50), secs(m.p90), secs(m.first_p90), secs(m.engaged_p90), secs(m.slow_p90),
                100.0 * m.utilisation, m.conv_per_agent_hour, secs(m.shift_ms) / 3600.0, m.censored);
}

void json_metrics(std::string& j, const char* key, const Metrics& m) {
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "\"%s\":{\"p50_wait_s\":%.1f,\"p90_wait_s\":%.1f,\"p90_first_wait_s\":%.1f,"
                  "\"p90_wait_engaged_s\":%.1f,\"p90_wait_slow_s\":%.1f,\"utilisation\":%.3f,"
                  "\"conv_per_agent_hour\":%.2f,\"shift_h\":%.2f,\"resolved\":%d,\"messages\":%zu,"
                  "\"unanswered_at_stop\":%d},",
                  key, secs(m.p50), secs(m.p90), secs(m.first_p90), secs(m.engaged_p90),
                  secs(m.slow_p90), m.utilisation, m.conv_per_agent_hour,
                  secs(m.shift_ms) / 3600.0, m.resolved, m.waits.size(), m.censored);
    j += buf;
}

}  // namespace

int main(int argc, char** argv) {
    ModelParams p;
    int perf_agents = 1000, perf_open = 10000;
    long perf_events = 300000;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char* k = argv[i];
        const char* v = argv[i + 1];
        if (!std::strcmp(k, "--seed")) p.seed = std::strtoull(v, nullptr, 10);
        else if (!std::strcmp(k, "--agents")) p.agents = std::atoi(v);
        else if (!std::strcmp(k, "--load")) p.peak_arrivals_per_agent_hour = std::atof(v);
        else if (!std::strcmp(k, "--perf-agents")) perf_agents = std::atoi(v);
        else if (!std::strcmp(k, "--perf-open")) perf_open = std::atoi(v);
        else if (!std::strcmp(k, "--perf-events")) perf_events = std::atol(v);
        else { std::fprintf(stderr, "unknown option %s\n", k); return 2; }
    }
    const Traffic tr = generate(p);

    parley::route::RouterConfig cfg;
    cfg.inactive_after_ms = kInactiveAfter;
    cfg.rules = {{"billing", "", "billing", {}}, {"tech", "", "tech", {}}};
    RouterPolicy router(tr, cfg, kPreferred, kMaxLoad);
    BaselinePolicy fifo = BaselinePolicy::fifo(tr, kHousekeeping);
    BaselinePolicy rr = BaselinePolicy::round_robin(tr, kPreferred, kHousekeeping);
    const Metrics mr = simulate(tr, router, kOvertimeCap);
    const Metrics mf = simulate(tr, fifo, kOvertimeCap);
    const Metrics mrr = simulate(tr, rr, kOvertimeCap);
    // Ablations: which rule buys what. Same traffic, one rule switched off each.
    parley::route::RouterConfig no_adapt = cfg;
    no_adapt.priority.engaged = 0;  // longest wait first inside an agent's inbox
    parley::route::RouterConfig no_inactive = cfg;
    no_inactive.inactive_after_ms = 1000LL * 3600 * 1000;  // never inactive: agents close
                                                           // silent chats, as in the baselines
    RouterPolicy router_na(tr, no_adapt, kPreferred, kMaxLoad);
    RouterPolicy router_ni(tr, no_inactive, kPreferred, kMaxLoad, kHousekeeping);
    Metrics mna = simulate(tr, router_na, kOvertimeCap);
    Metrics mni = simulate(tr, router_ni, kOvertimeCap);
    mna.name = "  no adaptive";
    mni.name = "  no inactive";

    std::size_t msgs = 0;
    for (const auto& s : tr.convs) msgs += static_cast<std::size_t>(s.replies);
    std::printf("Routing simulation: seed %llu, %d agents in 3 teams, %.0f h day, %zu conversations, "
                "%zu agent replies needed\n",
                static_cast<unsigned long long>(p.seed), p.agents, secs(p.day_ms) / 3600.0,
                tr.convs.size(), msgs);
    std::printf("router: preferred %d, max %d, inactive after %lld min | round-robin: cap %d | "
                "baselines close after %lld min of silence\n\n",
                kPreferred, kMaxLoad, static_cast<long long>(kInactiveAfter / kMin), kPreferred,
                static_cast<long long>(kHousekeeping / kMin));
    std::printf("%-14s %9s %9s %9s %9s %9s %8s %9s %8s %7s\n", "policy", "p50 wait", "p90 wait",
                "p90 first", "p90 eng.", "p90 slow", "util.", "conv/a-h", "shift h", "unans.");
    std::printf("%-14s %9s %9s %9s %9s %9s %8s %9s %8s %7s\n", "", "(s)", "(s)", "(s)", "(s)", "(s)",
                "", "", "", "");
    row(mr);
    row(mf);
    row(mrr);
    std::printf("ablations of the router (one rule off):\n");
    row(mna);
    row(mni);

    // Queue honesty: told expected wait vs the wait that followed (router only).
    std::vector<Millis> pred, act, err_pct;
    for (const auto& e : router.eta_samples()) {
        pred.push_back(e.predicted);
        act.push_back(e.actual);
    }
    const Millis med_pred = percentile(pred, 0.5), med_act = percentile(act, 0.5);

    const double r_fifo = ratio(static_cast<double>(mr.p90), static_cast<double>(mf.p90));
    const double r_rr = ratio(static_cast<double>(mr.p90), static_cast<double>(mrr.p90));
    std::printf("\np90 wait ratio  router/FIFO %.3f   router/round-robin %.3f\n", r_fifo, r_rr);
    std::printf("p50 wait ratio  router/FIFO %.3f   router/round-robin %.3f\n",
                ratio(mr.p50, mf.p50), ratio(mr.p50, mrr.p50));
    std::printf("utilisation ratio router/FIFO %.2f  router/RR %.2f;  conv per agent-hour ratio "
                "router/FIFO %.2f  router/RR %.2f\n",
                ratio(mr.utilisation, mf.utilisation), ratio(mr.utilisation, mrr.utilisation),
                ratio(mr.conv_per_agent_hour, mf.conv_per_agent_hour),
                ratio(mr.conv_per_agent_hour, mrr.conv_per_agent_hour));
    std::printf("router queue: %zu visitors queued; median expected wait told %.1f s, median "
                "actual %.1f s; %d returning conversations back to their agent\n",
                pred.size(), secs(med_pred), secs(med_act), router.returned_to_same_agent());

    const PerfResult perf = measure_router_cost(perf_agents, perf_open, perf_events, p.seed);
    std::printf("router cost: %.2f us/event over %ld events at %d open conversations, %d agents "
                "(%d queued at end); inbox query %.2f us\n",
                perf.us_per_event, perf.events, perf.open, perf.agents, perf.queued_at_end,
                perf.us_per_inbox);

    std::string j = "{";
    char buf[768];
    std::snprintf(buf, sizeof buf,
                  "\"bench\":\"routing_sim\",\"seed\":%llu,\"agents\":%d,\"day_h\":%.1f,"
                  "\"conversations\":%zu,\"preferred\":%d,\"max_load\":%d,",
                  static_cast<unsigned long long>(p.seed), p.agents, secs(p.day_ms) / 3600.0,
                  tr.convs.size(), kPreferred, kMaxLoad);
    j += buf;
    json_metrics(j, "router", mr);
    json_metrics(j, "fifo", mf);
    json_metrics(j, "round_robin", mrr);
    json_metrics(j, "router_no_adaptive_priority", mna);
    json_metrics(j, "router_no_inactive", mni);
    std::snprintf(buf, sizeof buf,
                  "\"p90_wait_ratio\":%.4f,\"p90_wait_ratio_rr\":%.4f,\"p50_wait_ratio\":%.4f,"
                  "\"p50_wait_ratio_rr\":%.4f,\"utilisation_ratio\":%.3f,\"utilisation_ratio_rr\":%.3f,"
                  "\"conv_per_agent_hour_ratio\":%.3f,\"conv_per_agent_hour_ratio_rr\":%.3f,"
                  "\"queue_eta_median_told_s\":%.1f,\"queue_eta_median_actual_s\":%.1f,"
                  "\"returned_to_same_agent\":%d,"
                  "\"us_per_event\":%.3f,\"us_per_inbox\":%.3f,\"perf_events\":%ld,"
                  "\"perf_open_conversations\":%d,\"perf_agents\":%d}",
                  r_fifo, r_rr, ratio(mr.p50, mf.p50), ratio(mr.p50, mrr.p50),
                  ratio(mr.utilisation, mf.utilisation), ratio(mr.utilisation, mrr.utilisation),
                  ratio(mr.conv_per_agent_hour, mf.conv_per_agent_hour),
                  ratio(mr.conv_per_agent_hour, mrr.conv_per_agent_hour), secs(med_pred),
                  secs(med_act), router.returned_to_same_agent(), perf.us_per_event,
                  perf.us_per_inbox, perf.events, perf.open, perf.agents);
    j += buf;
    std::printf("%s\n", j.c_str());
    return 0;
}
