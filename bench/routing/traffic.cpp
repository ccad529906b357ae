#include "traffic.hpp"

#include <algorithm>
#include <cmath>

#include "rng.hpp"

namespace parley::bench {

Traffic generate(const ModelParams& p) {
    Traffic tr;
    tr.params = p;
    // Three teams; agents and traffic split alike (general 50 %, billing 30 %, tech 20 %).
    tr.teams = {"general", "billing", "tech"};
    const double share[] = {0.5, 0.3, 0.2};
    int left = p.agents;
    for (int t = 0; t < 3; ++t) {
        const int n = t == 2 ? left : std::max(1, static_cast<int>(std::lround(p.agents * share[t])));
        tr.agents_per_team.push_back(n);
        left -= n;
    }
    Rng rng(p.seed);
    // Non-homogeneous Poisson arrivals by thinning: rate(t) = peak · (0.35 + 0.65 sin(πt/day)).
    const double peak_per_ms = p.peak_arrivals_per_agent_hour * p.agents / 3.6e6;
    for (double t = 0;;) {
        t += rng.exponential(1.0 / peak_per_ms);
        if (t >= static_cast<double>(p.day_ms)) break;
        const double rate = 0.35 + 0.65 * std::sin(3.141592653589793 * t / static_cast<double>(p.day_ms));
        if (!rng.chance(rate)) continue;
        Script s;
        s.arrival = static_cast<Millis>(t);
        const double u = rng.uniform();
        s.team = u < share[0] ? 0 : u < share[0] + share[1] ? 1 : 2;
        s.engaged = rng.chance(p.engaged_share);
        const double gap_median = s.engaged ? p.engaged_gap_median_s : p.slow_gap_median_s;
        s.replies = 1 + static_cast<int>(std::floor(rng.exponential(p.mean_extra_turns + 0.5)));
        for (int k = 0; k < s.replies; ++k) {
            s.service.push_back(static_cast<Millis>(1000 * rng.lognormal(p.service_median_s, p.service_sigma)));
            s.gap.push_back(static_cast<Millis>(1000 * rng.lognormal(gap_median, p.gap_sigma)));
        }
        if (rng.chance(p.quiet_share)) {
            s.quiet_after = static_cast<int>(rng.below(static_cast<std::size_t>(s.replies)));
            s.abandons = rng.chance(p.quiet_abandon_share);
            if (!s.abandons)
                s.gap[s.quiet_after] = static_cast<Millis>(1000 * rng.uniform(p.pause_min_s, p.pause_max_s));
        }
        if (rng.chance(p.thanks_after_close_share))
            s.thanks_after_close = static_cast<Millis>(1000 * rng.uniform(5, 60));
        tr.convs.push_back(std::move(s));
    }
    return tr;
}

}  // namespace parley::bench
