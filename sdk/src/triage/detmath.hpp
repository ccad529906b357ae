// Deterministic exp and log for the triage core. Native libm and Emscripten's musl may
// differ in the last bit of exp/log; confidences must not, so we use our own, built
// only from IEEE-exact operations (+, -, *, /, floor, ldexp, frexp). Accuracy ~1e-15
// relative, far beyond what float confidences need. Private to sdk/src/triage.
#pragma once

#include <cmath>

namespace parley::triage::detail {

inline double det_exp(double x) {
    if (x < -700.0) return 0.0;
    if (x > 700.0) x = 700.0;
    constexpr double kInvLn2 = 1.4426950408889634;
    constexpr double kLn2Hi = 0.6931471803691238;     // high bits of ln 2
    constexpr double kLn2Lo = 1.9082149292705877e-10; // ln 2 - kLn2Hi
    const double k = std::floor(x * kInvLn2 + 0.5);
    const double r = (x - k * kLn2Hi) - k * kLn2Lo;   // |r| <= ~0.35
    // Taylor series to r^13/13!: error < 1e-16 on this range.
    double term = 1.0, sum = 1.0;
    for (int n = 1; n <= 13; ++n) {
        term = term * r / n;
        sum += term;
    }
    return std::ldexp(sum, static_cast<int>(k));
}

inline double det_log(double x) {
    if (!(x > 0.0)) return -1e300;
    int e = 0;
    const double m = std::frexp(x, &e);               // x = m * 2^e, m in [0.5, 1)
    // ln m = 2 atanh(z), z = (m - 1) / (m + 1), |z| <= 1/3.
    const double z = (m - 1.0) / (m + 1.0);
    const double z2 = z * z;
    double term = z, sum = 0.0;
    for (int n = 1; n <= 61; n += 2) {
        sum += term / n;
        term *= z2;
    }
    return 2.0 * sum + e * 0.6931471805599453;
}

}  // namespace parley::triage::detail
