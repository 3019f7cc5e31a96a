// Layer-1 SIMD kernels (robstat/simd/kernels.hpp) and the rank-selection engine
// (robstat/select/order_statistics.hpp), called directly.
//
// The kernels are run for xsimd::default_arch (whatever the compiler flags
// enable) and, on x86, also for xsimd::sse2, so a build with wider instruction
// sets compares two SIMD widths. Sizes cover 0-3 and every SIMD tail
// (W-1, W, W+1, 2W+1, 4W+3 for W = 2, 4, 8, 16) plus 100, 1000, 4099.
//
// Sums are compared with exact references: long double for well-conditioned
// data, and an exact 128-bit fixed-point sum for ill-conditioned data, against
// the error bound of a compensated (Neumaier / Sum2) summation:
// |s - S| <= 2u|S| + 4 (n u)^2 sum|x|, u = 2^-53.
#include <catch2/catch.hpp>

#include <robstat/robstat.hpp>
#include <robstat/select/order_statistics.hpp>
#include <robstat/simd/kernels.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "test_support.hpp"

using namespace robstat_test;

namespace {

__extension__ typedef __int128 int128;

/// Call f(Arch{}) for every instruction set compiled into this test.
template <class F> void for_each_arch(F&& f)
{
    f(xsimd::default_arch {});
#if XSIMD_WITH_SSE2
    if (!std::is_same_v<xsimd::default_arch, xsimd::sse2>)
        f(xsimd::sse2 {});
#endif
}

/// Call f(arch, n) for every instruction set of for_each_arch and every size of test_sizes().
template <class F> void for_each_arch_and_size(F&& f)
{
    for_each_arch([&f](auto arch) {
        for (std::size_t n : test_sizes())
            f(arch, n);
    });
}

template <class Arch> std::string arch_name()
{
    return Arch::name();
}

constexpr double u = 1.1102230246251565e-16; // 2^-53

double ulp(double v)
{
    v = std::fabs(v);
    return std::nextafter(v, std::numeric_limits<double>::infinity()) - v;
}

template <class T>
std::vector<T> normal_data(std::size_t n, std::uint64_t seed, double mean, double sd)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> nd(mean, sd);
    std::vector<T> x(n);
    for (auto& v : x)
        v = static_cast<T>(nd(rng));
    return x;
}

/// Ill-conditioned data with an exact fixed-point representation: every value is
/// k * 2^-20 with k an integer of at most 52 significant bits; big values come
/// in cancelling pairs (v, -v) scattered through the array, plus small noise.
struct exact_data {
    std::vector<double> x;
    double exact_sum = 0; // correctly rounded
    double abs_sum = 0;
};

exact_data ill_conditioned(std::size_t n, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::int64_t> mant(
        -(std::int64_t(1) << 52), std::int64_t(1) << 52);
    std::uniform_int_distribution<int> expo(0, 10);
    std::uniform_int_distribution<std::int64_t> small(
        -(std::int64_t(1) << 30), std::int64_t(1) << 30);
    std::vector<std::int64_t> k(n);
    std::vector<int> e(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        k[i] = small(rng);
    }
    // cancelling pairs of big values at random positions; a quarter of the values stay small
    std::vector<std::size_t> idx(n);
    for (std::size_t i = 0; i < n; ++i)
        idx[i] = i;
    std::shuffle(idx.begin(), idx.end(), rng);
    for (std::size_t p = 0; p + 1 < n && p < (n * 3) / 4; p += 2) {
        const std::int64_t m = mant(rng);
        const int ex = expo(rng);
        k[idx[p]] = m;
        e[idx[p]] = ex;
        k[idx[p + 1]] = -m;
        e[idx[p + 1]] = ex;
    }
    exact_data d;
    d.x.resize(n);
    int128 total = 0, abs_total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        d.x[i] = std::ldexp(static_cast<double>(k[i]), e[i] - 20);
        const int128 v = static_cast<int128>(k[i]) * (static_cast<int128>(1) << e[i]);
        total += v;
        abs_total += v < 0 ? -v : v;
    }
    // the exact sum (the pairs cancel: it is the sum of the small values), correctly rounded
    d.exact_sum = std::ldexp(static_cast<double>(total), -20);
    d.abs_sum = std::ldexp(static_cast<double>(abs_total), -20);
    return d;
}

} // namespace

// ---- sum ---------------------------------------------------------------------------------

TEMPLATE_TEST_CASE(
    "kernels: sum of well-conditioned data is within a few ulp", "[kernels][sum]", float, double)
{
    using T = TestType;
    for_each_arch_and_size([](auto arch, std::size_t n) {
        using Arch = decltype(arch);
        // NIST NumAcc-like: 1000000.2, then 1000000.1 and 1000000.3 alternating
        std::vector<T> x(n);
        for (std::size_t i = 0; i < n; ++i)
            x[i] = static_cast<T>(i == 0 ? 1000000.2 : (i % 2 ? 1000000.1 : 1000000.3));
        long double ref = 0;
        for (T v : x)
            ref += static_cast<long double>(v);
        const double s = robstat::simd::sum<Arch>(x.data(), n);
        INFO(arch_name<Arch>() << " NumAcc-like n=" << n << " sum " << num(s) << " reference "
                               << num(static_cast<double>(ref)));
        CHECK(std::fabs(s - static_cast<double>(ref)) <= 2 * ulp(static_cast<double>(ref)));

        const auto y = normal_data<T>(n, 7 + n, 5.0, 1.0); // positive: condition number 1
        long double ry = 0;
        for (T v : y)
            ry += static_cast<long double>(v);
        const double sy = robstat::simd::sum<Arch>(y.data(), n);
        INFO("normal(5, 1): sum " << num(sy) << " reference " << num(static_cast<double>(ry)));
        CHECK(std::fabs(sy - static_cast<double>(ry)) <= 2 * ulp(static_cast<double>(ry)));
    });
}

TEST_CASE("kernels: sum of ill-conditioned data meets the compensated-summation bound",
    "[kernels][sum][accuracy]")
{
    for_each_arch_and_size([](auto arch, std::size_t n) {
        using Arch = decltype(arch);
        for (std::uint64_t seed : { 1u, 2u, 3u }) {
            const auto d = ill_conditioned(n, seed * 1000 + n);
            const double s = robstat::simd::sum<Arch>(d.x.data(), n);
            const double nu = static_cast<double>(n) * u;
            const double bound = 2 * u * std::fabs(d.exact_sum) + 4 * nu * nu * d.abs_sum;
            INFO(arch_name<Arch>()
                << " n=" << n << " seed=" << seed << " sum " << num(s) << " exact "
                << num(d.exact_sum) << " sum|x| " << num(d.abs_sum) << " bound " << num(bound));
            CHECK(std::fabs(s - d.exact_sum) <= bound);
        }
    });
}

TEMPLATE_TEST_CASE("kernels: cancellation is exact wherever the values sit",
    "[kernels][sum][accuracy]", float, double)
{
    // {big, 1, -big} among zeros sums to exactly 1 for every placement: the
    // compensation must survive the SIMD lanes, the unrolled accumulators and the
    // scalar tail alike (the result must not depend on the SIMD width).
    using T = TestType;
    const T big = std::is_same_v<T, float> ? T(1e30f) : T(1e100);
    for_each_arch([big](auto arch) {
        using Arch = decltype(arch);
        for (std::size_t n : { 3u, 4u, 5u, 8u, 9u, 16u, 17u, 33u, 35u, 67u }) {
            std::size_t bad = 0, total = 0;
            std::string first;
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t j = 0; j < n; ++j)
                    for (std::size_t k = 0; k < n; ++k) {
                        if (i == j || j == k || i == k)
                            continue;
                        std::vector<T> x(n, T(0));
                        x[i] = big;
                        x[j] = T(1);
                        x[k] = -big;
                        const double s = robstat::simd::sum<Arch>(x.data(), n);
                        ++total;
                        if (s != 1.0 && bad++ == 0)
                            first = "big at " + std::to_string(i) + ", 1 at " + std::to_string(j)
                                + ", -big at " + std::to_string(k) + ": sum " + num(s);
                    }
            INFO(arch_name<Arch>() << " n=" << n << ": " << bad << " of " << total
                                   << " placements wrong; first: " << first);
            CHECK(bad == 0);
        }
        std::vector<T> x { T(1), big, T(1), -big };
        CHECK(robstat::simd::sum<Arch>(x.data(), x.size()) == 2.0);
    });
}

TEMPLATE_TEST_CASE(
    "kernels: sum with infinite values follows IEEE", "[kernels][sum][inf]", float, double)
{
    using T = TestType;
    for_each_arch_and_size([](auto arch, std::size_t n) {
        using Arch = decltype(arch);
        if (n == 0)
            return;
        const T inf = std::numeric_limits<T>::infinity();
        for (std::size_t pos : { std::size_t(0), n / 2, n - 1 }) {
            std::vector<T> x = normal_data<T>(n, n, 0.0, 1.0);
            x[pos] = inf;
            INFO(arch_name<Arch>() << " n=" << n << " infinite value at " << pos);
            CHECK(robstat::simd::sum<Arch>(x.data(), n) == static_cast<double>(inf));
            x[pos] = -inf;
            CHECK(robstat::simd::sum<Arch>(x.data(), n) == -static_cast<double>(inf));
            if (n >= 2) {
                x[(pos + 1) % n] = inf;
                CHECK(std::isnan(robstat::simd::sum<Arch>(x.data(), n))); // inf - inf
            }
        }
    });
}

TEMPLATE_TEST_CASE("kernels: sum does not depend on the SIMD width beyond the last ulp",
    "[kernels][sum]", float, double)
{
    using T = TestType;
    for (std::size_t n : test_sizes()) {
        const auto x = normal_data<T>(n, 100 + n, 0.5, 3.0);
        const double a = robstat::simd::sum<xsimd::default_arch>(x.data(), n);
        double b = a;
#if XSIMD_WITH_SSE2
        b = robstat::simd::sum<xsimd::sse2>(x.data(), n);
#endif
        INFO("n=" << n << " default " << num(a) << " sse2 " << num(b));
        CHECK(std::fabs(a - b) <= ulp(a));
    }
}

TEMPLATE_TEST_CASE(
    "kernels: sum_omit_nan skips NaN and counts the rest", "[kernels][nan]", float, double)
{
    using T = TestType;
    for_each_arch_and_size([](auto arch, std::size_t n) {
        using Arch = decltype(arch);
        const T nan = std::numeric_limits<T>::quiet_NaN();
        std::mt19937_64 rng(n);
        auto x = normal_data<T>(n, 200 + n, 5.0, 1.0);
        std::size_t nans = 0;
        for (std::size_t i = 0; i < n; ++i)
            if (rng() % 5 == 0) {
                x[i] = nan;
                ++nans;
            }
        long double ref = 0;
        for (T v : x)
            if (!(v != v))
                ref += static_cast<long double>(v);
        std::size_t count = 12345;
        const double s = robstat::simd::sum_omit_nan<Arch>(x.data(), n, &count);
        INFO(arch_name<Arch>() << " n=" << n << " NaNs=" << nans);
        CHECK(count == n - nans);
        CHECK(std::fabs(s - static_cast<double>(ref)) <= 2 * ulp(static_cast<double>(ref)));
        std::vector<T> all(n, nan);
        count = 12345;
        CHECK(robstat::simd::sum_omit_nan<Arch>(all.data(), n, &count) == 0.0);
        CHECK(count == 0);
    });
}

TEMPLATE_TEST_CASE("kernels: sum_sq_dev is the corrected sum of squared deviations",
    "[kernels][var]", float, double)
{
    using T = TestType;
    for_each_arch_and_size([](auto arch, std::size_t n) {
        using Arch = decltype(arch);
        if (n == 0)
            return;
        const auto x = normal_data<T>(n, 300 + n, 1e4, 2.0);
        long double m = 0;
        for (T v : x)
            m += static_cast<long double>(v);
        m /= static_cast<long double>(n);
        long double ss = 0;
        for (T v : x)
            ss += (static_cast<long double>(v) - m) * (static_cast<long double>(v) - m);
        // for any centre c near the mean, sum (x-c)^2 - (sum (x-c))^2 / n = sum (x-m)^2
        for (double c : { static_cast<double>(m), static_cast<double>(m) + 0.3,
                 static_cast<double>(m) - 1.7 }) {
            const double got = robstat::simd::sum_sq_dev<Arch>(x.data(), n, c);
            INFO(arch_name<Arch>() << " n=" << n << " centre " << num(c) << " got " << num(got)
                                   << " expected " << num(static_cast<double>(ss)));
            // each x - c is rounded (relative error u): the error is a few u times
            // sum (x - c)^2 = ss + n (c - m)^2
            const double shift = c - static_cast<double>(m);
            const double tol = 1e-12 * static_cast<double>(ss)
                + 16 * u * (static_cast<double>(ss) + static_cast<double>(n) * shift * shift);
            CHECK(std::fabs(got - static_cast<double>(ss)) <= tol);
        }
    });
}

// ---- NaN detection ---------------------------------------------------------------------------

TEMPLATE_TEST_CASE(
    "kernels: has_nan finds a NaN at every position", "[kernels][nan]", float, double)
{
    using T = TestType;
    for_each_arch_and_size([](auto arch, std::size_t n) {
        using Arch = decltype(arch);
        auto x = normal_data<T>(n, n, 0.0, 1.0);
        if (n > 0)
            x[0] = std::numeric_limits<T>::infinity();
        if (n > 1)
            x[n - 1] = -std::numeric_limits<T>::infinity();
        INFO(arch_name<Arch>() << " n=" << n);
        CHECK_FALSE(robstat::simd::has_nan<Arch>(x.data(), n));
        const std::size_t step = n > 200 ? 37 : 1;
        std::size_t missed = 0;
        for (std::size_t i = 0; i < n; i += step) {
            for (T nan :
                { std::numeric_limits<T>::quiet_NaN(), -std::numeric_limits<T>::quiet_NaN(),
                    std::numeric_limits<T>::signaling_NaN() }) {
                const T keep = x[i];
                x[i] = nan;
                missed += !robstat::simd::has_nan<Arch>(x.data(), n);
                x[i] = keep;
            }
        }
        if (n > 0) {
            x[n - 1] = std::numeric_limits<T>::quiet_NaN(); // the very last element
            CHECK(robstat::simd::has_nan<Arch>(x.data(), n));
            CHECK_FALSE(robstat::simd::has_nan<Arch>(x.data(), n - 1)); // not read past n
        }
        CHECK(missed == 0);
    });
}

// ---- element-wise kernels -----------------------------------------------------------------------

TEMPLATE_TEST_CASE(
    "kernels: clip, abs_deviation and scaled_difference are exact", "[kernels]", float, double)
{
    using T = TestType;
    for_each_arch_and_size([](auto arch, std::size_t n) {
        using Arch = decltype(arch);
        const T nan = std::numeric_limits<T>::quiet_NaN();
        const T inf = std::numeric_limits<T>::infinity();
        auto x = normal_data<T>(n, 400 + n, 1.0, 3.0);
        if (n > 2) {
            x[1] = nan;
            x[n - 1] = inf;
            x[n / 2] = -inf;
        }
        const T lo = T(-1.5), hi = T(2.25), c = T(0.75), f = T(0.6745), d = T(1.482602218505602);
        std::vector<T> out(n + 1, T(-7));
        INFO(arch_name<Arch>() << " n=" << n);

        robstat::simd::clip<Arch>(x.data(), out.data(), n, lo, hi);
        std::size_t bad = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const T want = x[i] != x[i] ? x[i] : std::min(std::max(x[i], lo), hi);
            bad += !(want != want ? out[i] != out[i] : out[i] == want);
        }
        CHECK(bad == 0);
        CHECK(out[n] == T(-7));

        robstat::simd::abs_deviation<Arch>(x.data(), out.data(), n, c);
        bad = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const T want = std::fabs(x[i] - c);
            bad += !(want != want ? out[i] != out[i] : out[i] == want);
        }
        CHECK(bad == 0);
        CHECK(out[n] == T(-7));

        for (T factor : { T(1), f }) {
            robstat::simd::scaled_difference<Arch>(x.data(), out.data(), n, c, factor, d);
            bad = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const T want = factor == T(1) ? (x[i] - c) / d : factor * (x[i] - c) / d;
                bad += !(want != want ? out[i] != out[i] : out[i] == want);
            }
            INFO("factor " << factor);
            CHECK(bad == 0);
            CHECK(out[n] == T(-7));
        }

        // documented: out may alias x
        auto y = x;
        robstat::simd::clip<Arch>(y.data(), y.data(), n, lo, hi);
        robstat::simd::clip<Arch>(x.data(), out.data(), n, lo, hi);
        bad = 0;
        for (std::size_t i = 0; i < n; ++i)
            bad += !(y[i] != y[i] ? out[i] != out[i] : y[i] == out[i]);
        CHECK(bad == 0);
        y = x;
        robstat::simd::abs_deviation<Arch>(y.data(), y.data(), n, c);
        robstat::simd::abs_deviation<Arch>(x.data(), out.data(), n, c);
        bad = 0;
        for (std::size_t i = 0; i < n; ++i)
            bad += !(y[i] != y[i] ? out[i] != out[i] : y[i] == out[i]);
        CHECK(bad == 0);
        y = x;
        robstat::simd::scaled_difference<Arch>(y.data(), y.data(), n, c, f, d);
        robstat::simd::scaled_difference<Arch>(x.data(), out.data(), n, c, f, d);
        bad = 0;
        for (std::size_t i = 0; i < n; ++i)
            bad += !(y[i] != y[i] ? out[i] != out[i] : y[i] == out[i]);
        CHECK(bad == 0);
    });
}

TEST_CASE("kernels: reduce_add (the xsimd version shim) adds every lane", "[kernels]")
{
    using batch = xsimd::batch<double, xsimd::default_arch>;
    std::vector<double> lanes(batch::size);
    for (std::size_t i = 0; i < batch::size; ++i)
        lanes[i] = static_cast<double>(i + 1);
    const batch b = batch::load_unaligned(lanes.data());
    CHECK(robstat::simd::reduce_add(b) == static_cast<double>(batch::size * (batch::size + 1) / 2));
}

// ---- the selection engine
// ------------------------------------------------------------------------

TEMPLATE_TEST_CASE("kernels: order_statistics selects exact ranks in any order",
    "[kernels][select]", float, double)
{
    using T = TestType;
    for (std::size_t n : test_sizes()) {
        if (n == 0)
            continue;
        for (int ties = 0; ties < 2; ++ties) {
            std::mt19937_64 rng(n * 2 + static_cast<std::size_t>(ties));
            auto x = normal_data<T>(n, 500 + n, 0.0, 1.0);
            if (ties)
                for (auto& v : x)
                    v = std::round(v * 2);
            auto sorted = x;
            std::sort(sorted.begin(), sorted.end());
            auto buf = x;
            robstat::detail::order_statistics<T> os(buf.data(), n);
            REQUIRE(os.size() == n);
            // a random sequence of ranks, with repeats and both extremes
            std::vector<std::size_t> ks { 0, n - 1, n / 2 };
            for (int i = 0; i < 12; ++i)
                ks.push_back(static_cast<std::size_t>(rng() % n));
            ks.push_back(n / 2);
            std::vector<std::size_t> done;
            std::size_t bad_value = 0, bad_partition = 0;
            for (std::size_t k : ks) {
                const T v = os.select(k);
                bad_value += !(v == sorted[k]);
                done.push_back(k);
                // every rank selected so far is in place and partitions the buffer
                for (std::size_t j : done) {
                    bad_value += !(buf[j] == sorted[j]);
                    for (std::size_t i = 0; i < j; ++i)
                        bad_partition += !(buf[i] <= buf[j]);
                    for (std::size_t i = j + 1; i < n; ++i)
                        bad_partition += !(buf[i] >= buf[j]);
                }
            }
            INFO("n=" << n << " ties=" << ties);
            CHECK(bad_value == 0);
            CHECK(bad_partition == 0);
            auto after = buf;
            std::sort(after.begin(), after.end());
            CHECK(after == sorted); // a permutation of the input
        }
    }
}
