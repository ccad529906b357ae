// Decimal text → double, correctly rounded (round half to even), without strtod.
//
// Why: musl's strtod computes in 128-bit long double, which Wasm emulates in software;
// it was ~12 KB of the widget's Wasm (issue 6). The result must equal strtod's bit for
// bit, since it did before (tests/sdk/json/decimal_test.cpp checks against strtod).
//
// Theory of operation. The digits are kept as an exact integer D with a power of ten
// E (value = D·10^E); after 800 significant digits the rest only matters as "nonzero",
// kept as one extra digit 1 (no midpoint between two doubles has more than 767
// significant digits, so this never moves the value across one). Then:
//  1. Clinger's fast path: D < 2^53 and |E| ≤ 22 are both exact doubles, so one IEEE
//     multiplication or division rounds correctly.
//  2. Otherwise an estimate within a few ulps (double arithmetic) is corrected by exact
//     big-integer comparisons of D·10^E with the midpoints to its neighbours, stepping
//     one ulp at a time; a tie goes to the even mantissa.
#include "decimal.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace parley::json::detail {

namespace {

constexpr int kMaxDigits = 800;

// Unsigned big integer, 32-bit limbs, least significant first.
struct Big {
    std::vector<std::uint32_t> limbs;

    void mul_add(std::uint32_t m, std::uint32_t a) {
        std::uint64_t carry = a;
        for (auto& l : limbs) {
            const std::uint64_t t = std::uint64_t{l} * m + carry;
            l = static_cast<std::uint32_t>(t);
            carry = t >> 32;
        }
        if (carry) limbs.push_back(static_cast<std::uint32_t>(carry));
    }
    void mul_pow5(int e) {
        for (; e >= 13; e -= 13) mul_add(1220703125u, 0);  // 5^13
        std::uint32_t p = 1;
        while (e-- > 0) p *= 5;
        mul_add(p, 0);
    }
    void shl(int bits) {
        if (limbs.empty()) return;
        limbs.insert(limbs.begin(), static_cast<std::size_t>(bits / 32), 0u);
        const int r = bits % 32;
        if (r == 0) return;
        std::uint32_t carry = 0;
        for (auto& l : limbs) {
            const std::uint32_t next = l >> (32 - r);
            l = (l << r) | carry;
            carry = next;
        }
        if (carry) limbs.push_back(carry);
    }
    void trim() {
        while (!limbs.empty() && limbs.back() == 0) limbs.pop_back();
    }
    static int compare(Big& a, Big& b) {
        a.trim();
        b.trim();
        if (a.limbs.size() != b.limbs.size()) return a.limbs.size() < b.limbs.size() ? -1 : 1;
        for (std::size_t i = a.limbs.size(); i-- > 0;)
            if (a.limbs[i] != b.limbs[i]) return a.limbs[i] < b.limbs[i] ? -1 : 1;
        return 0;
    }
};

// sign(D·10^e10 − m·2^b), D given by its decimal digits.
int compare(const std::string& digits, int e10, std::uint64_t m, int b) {
    Big left, right;
    for (char c : digits) left.mul_add(10, static_cast<std::uint32_t>(c - '0'));
    right.limbs = {static_cast<std::uint32_t>(m), static_cast<std::uint32_t>(m >> 32)};
    if (e10 >= 0) {
        left.mul_pow5(e10);
        left.shl(e10);
    } else {
        right.mul_pow5(-e10);
        right.shl(-e10);
    }
    if (b >= 0) right.shl(b);
    else left.shl(-b);
    return Big::compare(left, right);
}

const double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                         1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// 10^e, approximately (a few ulps), for |e| small enough not to overflow.
double pow10(int e) {
    double r = 1;
    const bool neg = e < 0;
    for (e = neg ? -e : e; e > 22; e -= 22) r *= 1e22;
    r *= kPow10[e];
    return neg ? 1 / r : r;
}

// a = m·2^k with m < 2^53 (k = -1074 for subnormals and zero).
void split(double a, std::uint64_t& m, int& k) {
    std::uint64_t bits;
    std::memcpy(&bits, &a, sizeof bits);
    const int biased = static_cast<int>(bits >> 52);
    m = bits & ((std::uint64_t{1} << 52) - 1);
    if (biased == 0) {
        k = -1074;
    } else {
        m |= std::uint64_t{1} << 52;
        k = biased - 1075;
    }
}

}  // namespace

bool decimal_to_double(std::string_view token, double& out) {
    std::size_t i = 0;
    const bool negative = token[i] == '-';
    if (negative) ++i;

    std::string digits;  // significant digits, at most kMaxDigits (+1 sticky)
    long long e10 = 0;
    bool sticky = false;
    auto take = [&](char c, bool fraction) {
        if (digits.empty() && c == '0') {
            if (fraction) --e10;  // a leading zero after the point
            return;
        }
        if (static_cast<int>(digits.size()) < kMaxDigits) {
            digits += c;
            if (fraction) --e10;
        } else {
            if (c != '0') sticky = true;
            if (!fraction) ++e10;
        }
    };
    for (; i < token.size() && token[i] >= '0' && token[i] <= '9'; ++i) take(token[i], false);
    if (i < token.size() && token[i] == '.')
        for (++i; i < token.size() && token[i] >= '0' && token[i] <= '9'; ++i) take(token[i], true);
    if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
        ++i;
        bool eneg = false;
        if (token[i] == '+' || token[i] == '-') eneg = token[i++] == '-';
        long long e = 0;
        for (; i < token.size(); ++i)
            if (e < 100000000) e = e * 10 + (token[i] - '0');  // saturates: far beyond any double
        e10 += eneg ? -e : e;
    }
    if (sticky) {
        digits += '1';
        --e10;
    }

    const double sign = negative ? -1.0 : 1.0;
    const long long magnitude = static_cast<long long>(digits.size()) - 1 + e10;  // ~log10
    if (digits.empty() || magnitude < -325) {
        out = sign * 0.0;
        return true;
    }
    if (magnitude > 309) return false;
    const int e = static_cast<int>(e10);

    const std::size_t lead = digits.size() < 19 ? digits.size() : 19;
    std::uint64_t head = 0;  // the first 19 digits
    for (std::size_t k = 0; k < lead; ++k) head = head * 10 + static_cast<std::uint64_t>(digits[k] - '0');

    // 1. Clinger's fast path.
    if (digits.size() <= 15 && e >= -22 && e <= 22) {
        const double d = static_cast<double>(head);
        out = sign * (e < 0 ? d / kPow10[-e] : d * kPow10[e]);
        return true;
    }

    // 2. Estimate, then correct exactly.
    const int scale = e + static_cast<int>(digits.size() - lead);
    double a = static_cast<double>(head) * pow10(scale / 2) * pow10(scale - scale / 2);
    if (!std::isfinite(a)) a = std::numeric_limits<double>::max();

    constexpr double kMax = std::numeric_limits<double>::max();
    for (;;) {
        std::uint64_t m;
        int k;
        split(a, m, k);
        // Above the midpoint to the next double up (or on it, with m odd): step up.
        const int up = compare(digits, e, 2 * m + 1, k - 1);
        if (up > 0 || (up == 0 && (m & 1))) {
            if (a == kMax) return false;  // rounds to infinity
            a = std::nextafter(a, std::numeric_limits<double>::infinity());
            if (up == 0) break;
            continue;
        }
        if (m == 0) break;  // zero: nothing below
        // The gap below halves when m is the smallest mantissa of its binade.
        const bool binade_start = m == (std::uint64_t{1} << 52) && k > -1074;
        const int down = binade_start ? compare(digits, e, 4 * m - 1, k - 2)
                                      : compare(digits, e, 2 * m - 1, k - 1);
        if (down < 0 || (down == 0 && (m & 1))) {
            a = std::nextafter(a, 0.0);
            if (down == 0) break;
            continue;
        }
        break;
    }
    out = sign * a;
    return true;
}

}  // namespace parley::json::detail
