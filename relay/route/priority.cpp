#include "route/priority.hpp"

#include <algorithm>

namespace parley::route {

double awaiting_agent_score(const PriorityWeights& w, Millis wait_ms, double gap_ms) {
    const double wait = static_cast<double>(std::max<Millis>(wait_ms, 0));
    const double gap = gap_ms < 0 ? static_cast<double>(w.default_gap_ms) : gap_ms;
    const double cycle = std::max(gap + static_cast<double>(w.gap_floor_ms), 1.0);
    return w.wait_per_minute * wait / 60'000.0 + w.engaged * wait / cycle;
}

double update_gap(const PriorityWeights& w, double mean_ms, Millis gap_ms) {
    const double g = static_cast<double>(std::max<Millis>(gap_ms, 0));
    if (mean_ms < 0) return g;
    const double a = std::clamp(w.gap_alpha, 0.0, 1.0);
    return a * g + (1.0 - a) * mean_ms;
}

}  // namespace parley::route
