// Location estimators: mean, median, quantile (all methods), trimmed_mean,
// winsorized_mean.
//
// Oracles are written here and in test_support.hpp, independent of the
// library's code paths: a sorted copy (std::sort) and naive long double loops.
// Results are checked
//   - exactly where the answer is an order statistic or the correctly rounded
//     midpoint of two (median; quantile methods lower, higher, nearest, midpoint),
//   - otherwise to a relative tolerance (double 1e-12; float 1e-6 against the
//     double computation on the same float-rounded inputs), relative to the
//     magnitude of the values combined, so a result near zero by cancellation
//     is held to the accuracy a compensated sum can deliver.
// Sizes cover 0-3 and every SIMD tail (W-1, W, W+1, 2W+1, 4W+3 for W = 2, 4, 8,
// 16) plus 100, 1000, 4099; strides 1, 2, 3 and -1 through strided_span over a
// larger buffer whose gaps hold NaN (a stray read shows up as a NaN result).
#include <catch2/catch.hpp>

#include <robstat/robstat.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "test_support.hpp"

using namespace robstat_test;

namespace {

using Catch::Matchers::Matches;

// ---- oracles -------------------------------------------------------------------

/// Correctly rounded midpoint in R (each half exact for normal numbers, one rounding).
template <class R> double mid(double a, double b)
{
    return static_cast<double>(static_cast<R>(a) / R(2) + static_cast<R>(b) / R(2));
}

template <class R> expectation oracle_median(const std::vector<double>& s)
{
    const std::size_t n = s.size();
    if (n == 0)
        return {};
    if (n % 2 == 1)
        return { s[n / 2], 0.0, true };
    return { mid<R>(s[n / 2 - 1], s[n / 2]), 0.0, true };
}

double max_abs(const std::vector<double>& s, std::size_t lo, std::size_t hi)
{
    double m = 0;
    for (std::size_t i = lo; i < hi; ++i)
        if (std::isfinite(s[i]))
            m = std::max(m, std::fabs(s[i]));
    return m;
}

expectation oracle_mean_of_range(const std::vector<double>& s, std::size_t lo, std::size_t hi)
{
    if (hi <= lo)
        return {};
    long double acc = 0;
    for (std::size_t i = lo; i < hi; ++i)
        acc += s[i];
    return { static_cast<double>(acc / static_cast<long double>(hi - lo)), max_abs(s, lo, hi),
        false };
}

template <class R>
expectation oracle_quantile(const std::vector<double>& s, double q, robstat::quantile_method m)
{
    const std::size_t n = s.size();
    if (n == 0)
        return {};
    const double h = q * static_cast<double>(n - 1);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, n - 1);
    const double g = h - std::floor(h);
    switch (m) {
    case robstat::quantile_method::lower:
        return { s[lo], 0.0, true };
    case robstat::quantile_method::higher:
        return { s[static_cast<std::size_t>(std::ceil(h))], 0.0, true };
    case robstat::quantile_method::nearest:
        // NumPy: round the virtual index (n - 1) q half to even
        return { s[static_cast<std::size_t>(std::nearbyint(h))], 0.0, true };
    case robstat::quantile_method::midpoint:
        return { g == 0 ? s[lo] : mid<R>(s[lo], s[hi]), 0.0, true };
    case robstat::quantile_method::linear:
    default: {
        if (g == 0)
            return { s[lo], 0.0, true };
        const long double a = s[lo], b = s[hi];
        return { static_cast<double>(a + static_cast<long double>(g) * (b - a)),
            std::max(std::fabs(s[lo]), std::fabs(s[hi])), false };
    }
    }
}

template <class R>
expectation oracle_trimmed_mean(const std::vector<double>& s, double lower, double upper)
{
    const std::size_t n = s.size();
    if (n == 0)
        return {};
    if (lower == 0.5 && upper == 0.5)
        return oracle_median<R>(s);
    const auto g_lo = static_cast<std::size_t>(std::floor(lower * static_cast<double>(n)));
    const auto g_hi = static_cast<std::size_t>(std::floor(upper * static_cast<double>(n)));
    return oracle_mean_of_range(s, g_lo, n - g_hi);
}

expectation oracle_winsorized_mean(const std::vector<double>& s, double lower, double upper)
{
    const std::size_t n = s.size();
    if (n == 0)
        return {};
    const auto g_lo = static_cast<std::size_t>(std::floor(lower * static_cast<double>(n)));
    const auto g_hi = static_cast<std::size_t>(std::floor(upper * static_cast<double>(n)));
    std::vector<double> w(s);
    for (std::size_t i = 0; i < g_lo; ++i)
        w[i] = s[g_lo];
    for (std::size_t i = n - g_hi; i < n; ++i)
        w[i] = s[n - g_hi - 1];
    expectation e = oracle_mean_of_range(w, 0, n);
    e.scale = max_abs(s, g_lo, n - g_hi);
    return e;
}

// ---- the estimators under test, with their oracles --------------------------------

std::string trim_name(const char* f, robstat::trim_spec t)
{
    return std::string(f) + "(" + std::to_string(t.lower) + ", " + std::to_string(t.upper) + ")";
}

const char* method_name(robstat::quantile_method m)
{
    switch (m) {
    case robstat::quantile_method::linear:
        return "linear";
    case robstat::quantile_method::lower:
        return "lower";
    case robstat::quantile_method::higher:
        return "higher";
    case robstat::quantile_method::midpoint:
        return "midpoint";
    case robstat::quantile_method::nearest:
        return "nearest";
    }
    return "?";
}

constexpr std::array<robstat::quantile_method, 5> all_methods { robstat::quantile_method::linear,
    robstat::quantile_method::lower, robstat::quantile_method::higher,
    robstat::quantile_method::midpoint, robstat::quantile_method::nearest };

const std::vector<double> test_probs { 0.0, 0.01, 0.1, 0.25, 1.0 / 3, 0.5, 0.6, 0.75, 0.9, 0.99,
    1.0 };

const std::vector<robstat::trim_spec> test_trims { { 0.0 }, { 0.05 }, { 0.1 }, { 0.25 }, { 0.4 },
    { 0.45 }, { 0.5 }, { 0.1, 0.3 }, { 0.0, 0.2 }, { 0.3, 0.0 }, { 0.6, 0.3 }, { 0.05, 0.9 } };

template <class T> std::vector<estimator<T>> location_estimators()
{
    using R = robstat::result_t<T>;
    using span = robstat::strided_span<const T>;
    std::vector<estimator<T>> e;
    e.push_back({ "mean", [](span x, robstat::options o) { return robstat::mean(x, o); },
        [](const std::vector<double>& s) { return oracle_mean_of_range(s, 0, s.size()); } });
    e.push_back({ "median", [](span x, robstat::options o) { return robstat::median(x, o); },
        [](const std::vector<double>& s) { return oracle_median<R>(s); } });
    for (auto m : all_methods) {
        for (double q : test_probs) {
            e.push_back({ std::string("quantile ") + method_name(m) + " q=" + std::to_string(q),
                [q, m](span x, robstat::options o) { return robstat::quantile(x, q, m, o); },
                [q, m](const std::vector<double>& s) { return oracle_quantile<R>(s, q, m); } });
        }
    }
    for (auto t : test_trims) {
        e.push_back({ trim_name("trimmed_mean", t),
            [t](span x, robstat::options o) { return robstat::trimmed_mean(x, t, o); },
            [t](const std::vector<double>& s) {
                return oracle_trimmed_mean<R>(s, t.lower, t.upper);
            } });
    }
    for (auto t : test_limits) {
        e.push_back({ trim_name("winsorized_mean", t),
            [t](span x, robstat::options o) { return robstat::winsorized_mean(x, t, o); },
            [t](const std::vector<double>& s) {
                return oracle_winsorized_mean(s, t.lower, t.upper);
            } });
    }
    return e;
}

/// Run every estimator on x (through the given stride) and compare with the oracles.
template <class T>
void check_all(const std::vector<T>& x, std::ptrdiff_t stride, const std::string& label)
{
    check_estimators(location_estimators<T>(), x, stride, label);
}

} // namespace

// ---- result types --------------------------------------------------------------------

TEST_CASE("location: result types follow the dtype rule", "[location]")
{
    const std::vector<float> f { 1, 2, 3 };
    const std::vector<double> d { 1, 2, 3 };
    const std::vector<int> i { 1, 2, 3 };
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::mean(f)), float>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::median(f)), float>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::quantile(f, 0.5)), float>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::trimmed_mean(f, 0.1)), float>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::winsorized_mean(f, 0.1)), float>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::quantile(f, std::vector<double> { 0.5 })),
        std::vector<float>>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::mean(d)), double>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::median(d)), double>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::mean(i)), double>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::median(i)), double>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::quantile(i, 0.5)), double>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::trimmed_mean(i, 0.1)), double>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::winsorized_mean(i, 0.1)), double>);
    CHECK(robstat::median(i) == 2.0);
}

// ---- all estimators against the oracles over sizes, strides and data shapes -------------

TEMPLATE_TEST_CASE("location: every estimator matches the oracle for all sizes and strides",
    "[location]", float, double)
{
    for (std::size_t n : test_sizes()) {
        for (std::ptrdiff_t stride : test_strides) {
            check_all(contaminated<TestType>(n, 1000 + n), stride, "contaminated");
        }
    }
}

TEMPLATE_TEST_CASE("location: ties and constant data", "[location]", float, double)
{
    for (std::size_t n : { 1u, 2u, 3u, 5u, 8u, 9u, 16u, 17u, 35u, 100u, 1000u }) {
        for (std::ptrdiff_t stride : { 1, -1 }) {
            check_all(with_ties<TestType>(n, 7 + n), stride, "ties");
            check_all(std::vector<TestType>(n, TestType(2.75)), stride, "constant");
        }
    }
    const std::vector<TestType> c(37, TestType(-1.25));
    CHECK(robstat::mean(c) == TestType(-1.25));
    CHECK(robstat::median(c) == TestType(-1.25));
    CHECK(robstat::trimmed_mean(c, 0.2) == TestType(-1.25));
    CHECK(robstat::winsorized_mean(c, 0.2) == TestType(-1.25));
    for (auto m : all_methods)
        CHECK(robstat::quantile(c, 0.3, m) == TestType(-1.25));
}

TEMPLATE_TEST_CASE("location: empty input gives NaN", "[location]", float, double)
{
    const std::vector<TestType> e;
    CHECK(std::isnan(robstat::mean(e)));
    CHECK(std::isnan(robstat::median(e)));
    CHECK(std::isnan(robstat::quantile(e, 0.5)));
    CHECK(std::isnan(robstat::trimmed_mean(e, 0.1)));
    CHECK(std::isnan(robstat::trimmed_mean(e, 0.5)));
    CHECK(std::isnan(robstat::winsorized_mean(e, 0.1)));
    const auto qs = robstat::quantile(e, std::vector<double> { 0.1, 0.9 });
    REQUIRE(qs.size() == 2);
    CHECK(std::isnan(qs[0]));
    CHECK(std::isnan(qs[1]));
    const robstat::strided_span<const TestType> none { nullptr, 0, 1 };
    CHECK(std::isnan(robstat::median(none)));
    CHECK(std::isnan(robstat::mean(none)));
}

// ---- specific values --------------------------------------------------------------------

TEMPLATE_TEST_CASE("location: small hand-checked values", "[location]", float, double)
{
    using T = TestType;
    const std::vector<T> x { T(4), T(1), T(3), T(2), T(100) };
    CHECK(robstat::mean(x) == T(22));
    CHECK(robstat::median(x) == T(3));
    CHECK(robstat::trimmed_mean(x, 0.2) == T(3));                               // drops 1 and 100
    CHECK(robstat::winsorized_mean(x, 0.2) == T(3));                            // 2 2 3 4 4
    CHECK(robstat::trimmed_mean(x, robstat::trim_spec { 0.0, 0.2 }) == T(2.5)); // drops 100
    CHECK(robstat::trimmed_mean(x, robstat::trim_spec { 0.2, 0.0 }) == T(27.25));
    CHECK(robstat::winsorized_mean(x, robstat::trim_spec { 0.0, 0.2 }) == T(2.8)); // 1 2 3 4 4
    CHECK(robstat::quantile(x, 0.25) == T(2));
    CHECK(robstat::quantile(x, 0.1) == Approx(1.4).epsilon(1e-6));
    const std::vector<T> even { T(10), T(1), T(7), T(4) };
    CHECK(robstat::median(even) == T(5.5));
    CHECK(robstat::trimmed_mean(even, 0.25) == T(5.5));
    CHECK(robstat::trimmed_mean(even, 0.5) == T(5.5));
}

TEMPLATE_TEST_CASE(
    "location: trim 0 is the mean, symmetric trim 0.5 is the median", "[location]", float, double)
{
    for (std::size_t n : test_sizes()) {
        if (n == 0)
            continue;
        const auto x = contaminated<TestType>(n, 77 + n);
        INFO("n=" << n);
        // the same sum in another order: equal up to rounding relative to max |x|
        const double m = static_cast<double>(robstat::mean(x));
        const double margin = rel_tol<TestType>() * max_abs(sorted_values(x), 0, n);
        CHECK(static_cast<double>(robstat::trimmed_mean(x, 0.0))
            == Approx(m).epsilon(rel_tol<TestType>()).margin(margin));
        CHECK(static_cast<double>(robstat::winsorized_mean(x, 0.0))
            == Approx(m).epsilon(rel_tol<TestType>()).margin(margin));
        CHECK(robstat::trimmed_mean(x, 0.5) == robstat::median(x));
        CHECK(robstat::trimmed_mean(x, robstat::trim_spec { 0.5, 0.5 }) == robstat::median(x));
        CHECK(robstat::quantile(x, 0.5, robstat::quantile_method::midpoint) == robstat::median(x));
        CHECK(robstat::quantile(x, 0.5) == robstat::median(x));
    }
}

TEMPLATE_TEST_CASE("location: trimming counts floor(p * n) per tail", "[location]", float, double)
{
    using T = TestType;
    // 0, 1, ..., 9 shuffled: trimming g per tail leaves g..9-g, mean 4.5
    const std::vector<T> x { T(7), T(2), T(9), T(0), T(5), T(3), T(8), T(1), T(6), T(4) };
    CHECK(robstat::trimmed_mean(x, 0.19) == T(4.5)); // g = 1
    CHECK(robstat::trimmed_mean(x, 0.29) == T(4.5)); // g = 2
    // asymmetric: cut 0 low, 3 high (floor(0.35 * 10) = 3): mean of 0..6 = 3
    CHECK(robstat::trimmed_mean(x, robstat::trim_spec { 0.0, 0.35 }) == T(3));
    // cut 4 low (floor(0.45 * 10)), 1 high: mean of 4..8 = 6
    CHECK(robstat::trimmed_mean(x, robstat::trim_spec { 0.45, 0.1 }) == T(6));
    // winsorizing 2 low and 1 high: 2 2 2 3 4 5 6 7 8 8 -> 47 / 10
    CHECK(static_cast<double>(robstat::winsorized_mean(x, robstat::trim_spec { 0.2, 0.1 }))
        == Approx(4.7).epsilon(rel_tol<T>()));
    // n = 3, trim 0.4: floor(1.2) = 1 per tail, the middle value remains
    const std::vector<T> three { T(5), T(-1), T(2) };
    CHECK(robstat::trimmed_mean(three, 0.4) == T(2));
    CHECK(robstat::trimmed_mean(three, 0.33) == T(2));  // floor(0.99) = 0
    CHECK(robstat::trimmed_mean(three, 0.333) == T(2)); // still 0 cut: mean 2
    CHECK(robstat::winsorized_mean(three, 0.4) == T(2));
}

TEST_CASE("location: median of huge finite values does not overflow", "[location]")
{
    const double big = std::numeric_limits<double>::max();
    CHECK(robstat::median(std::vector<double> { 1e308, 1.5e308 }) == 1.25e308);
    CHECK(robstat::median(std::vector<double> { 1.5e308, 1e308 }) == 1.25e308);
    CHECK(robstat::median(std::vector<double> { -1e308, -1.5e308 }) == -1.25e308);
    CHECK(robstat::median(std::vector<double> { big, big }) == big);
    CHECK(robstat::median(std::vector<double> { big, -big }) == 0.0);
    CHECK(robstat::median(std::vector<double> { 1.7e308, big, 1.6e308, 1.65e308 })
        == 1.65e308 / 2 + 1.7e308 / 2);
    CHECK(robstat::median(std::vector<double> { 1e308, 1.5e308, -1.0, 1e308 })
        == 1e308); // sorted: -1, 1e308, 1e308, 1.5e308
    CHECK(robstat::quantile(
              std::vector<double> { 1e308, 1.5e308 }, 0.5, robstat::quantile_method::midpoint)
        == 1.25e308);
    CHECK(robstat::quantile(std::vector<double> { 1e308, 1.5e308 }, 0.5) == 1.25e308);
    CHECK(robstat::trimmed_mean(std::vector<double> { 1e308, 1.5e308 }, 0.5) == 1.25e308);
    // linear interpolation between huge values of opposite sign
    CHECK(robstat::quantile(std::vector<double> { -1.6e308, 1.6e308 }, 0.25)
        == Approx(-0.8e308).epsilon(1e-12));
    CHECK(robstat::quantile(std::vector<double> { 1e308, 1.7e308 }, 0.3)
        == Approx(1.21e308).epsilon(1e-12));
    const float fbig = std::numeric_limits<float>::max();
    CHECK(robstat::median(std::vector<float> { 3e38f, 3.2e38f }) == 1.5e38f + 1.6e38f);
    CHECK(robstat::median(std::vector<float> { fbig, fbig }) == fbig);
    CHECK(robstat::median(std::vector<float> { fbig, -fbig }) == 0.0f);
}

TEST_CASE("location: the mean of huge finite values is finite", "[location][overflow]")
{
    // The mean of two representable values is representable; R, and any
    // summation in a wider exponent range, gives 1.25e308. An intermediate
    // overflow of the running sum must not turn the answer into inf or NaN.
    const std::vector<double> x { 1e308, 1.5e308 };
    const double m = robstat::mean(x);
    CAPTURE(m);
    CHECK(m == Approx(1.25e308).epsilon(1e-15));
    CHECK(robstat::trimmed_mean(x, 0.1) == Approx(1.25e308).epsilon(1e-15));
    CHECK(robstat::winsorized_mean(x, 0.1) == Approx(1.25e308).epsilon(1e-15));
}

TEMPLATE_TEST_CASE("location: compensated summation", "[location][accuracy]", float, double)
{
    using T = TestType;
    // the big value is far beyond the double precision of 1 relative to it
    const T big = std::is_same_v<T, float> ? T(1e30f) : T(1e100);
    CHECK(robstat::mean(std::vector<T> { T(1), big, T(1), -big }) == T(0.5));
    CHECK(robstat::trimmed_mean(std::vector<T> { T(1), big, T(1), -big }, 0.0) == T(0.5));

    // The exact answer must not depend on where the cancelling values sit relative
    // to the SIMD lanes, the unrolled accumulators and the scalar tail: for every
    // placement of {big, 1, -big} among zeros the sum is exactly 1.
    for (std::size_t n : { 3u, 4u, 5u, 7u, 8u, 9u, 15u, 16u, 17u, 33u, 35u, 67u, 100u }) {
        const T expected = static_cast<T>(1.0 / static_cast<double>(n));
        std::size_t failures = 0, total = 0;
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = 0; j < n; ++j) {
                if (j == i)
                    continue;
                // the third value at a few positions only, to keep the test fast
                for (std::size_t k : { std::size_t(0), n / 2, n - 1, (i + j) % n }) {
                    if (k == i || k == j)
                        continue;
                    std::vector<T> x(n, T(0));
                    x[i] = big;
                    x[j] = T(1);
                    x[k] = -big;
                    ++total;
                    const T m = robstat::mean(x);
                    if (m != expected) {
                        if (failures == 0) {
                            INFO("n=" << n << " big at " << i << ", 1 at " << j << ", -big at " << k
                                      << ": mean " << num(m) << ", expected " << num(expected));
                            CHECK(m == expected);
                        }
                        ++failures;
                    }
                }
            }
        }
        INFO("n=" << n << ": " << failures << " of " << total << " placements wrong");
        CHECK(failures == 0);
    }
}

TEST_CASE("location: the winsorized copies may cancel the kept sum", "[location][accuracy]")
{
    // g = 1 a tail: lo = -1e17 and hi = 1e16 (one of 19 kept 1e16s). The kept
    // sum is 9e16 + small, where a double keeps multiples of 16 only, and the
    // total with the two copies is small: rounding the kept sum first gave 0.
    auto build = [](std::size_t n_small) {
        std::vector<double> x { -3e17, -1e17, 5e16 };
        x.insert(x.end(), 19, 1e16);
        for (std::size_t i = 0; i < n_small; ++i)
            x.push_back(i % 3 == 0 ? -0.25 : 0.5); // exact sums
        std::mt19937_64 rng(7);
        std::shuffle(x.begin(), x.end(), rng);
        return x;
    };
    for (std::size_t n_small : { std::size_t(3), std::size_t(99978) }) { // copy path, engine path
        const std::vector<double> x = build(n_small);
        const double n = static_cast<double>(x.size());
        double small = 0.0;
        for (std::size_t i = 0; i < n_small; ++i)
            small += i % 3 == 0 ? -0.25 : 0.5;
        const robstat::trim_spec one_a_tail { 1.5 / n, 1.5 / n };
        CAPTURE(x.size());
        CHECK(robstat::winsorized_mean(x, one_a_tail) == small / n);
    }
}

// ---- quantile methods ------------------------------------------------------------------

TEMPLATE_TEST_CASE("location: quantile methods follow NumPy", "[location][quantile]", float, double)
{
    using T = TestType;
    using M = robstat::quantile_method;
    const std::vector<T> x { T(40), T(0), T(30), T(10), T(20) }; // sorted 0 10 20 30 40
    // virtual index h = 4 q
    CHECK(robstat::quantile(x, 0.3, M::linear) == T(12));
    CHECK(robstat::quantile(x, 0.3, M::lower) == T(10));
    CHECK(robstat::quantile(x, 0.3, M::higher) == T(20));
    CHECK(robstat::quantile(x, 0.3, M::midpoint) == T(15));
    CHECK(robstat::quantile(x, 0.3, M::nearest) == T(10)); // h = 1.2
    CHECK(robstat::quantile(x, 0.4, M::nearest) == T(20)); // h = 1.6
    // nearest rounds half to even on the virtual index
    CHECK(robstat::quantile(x, 0.125, M::nearest) == T(0));  // h = 0.5 -> 0
    CHECK(robstat::quantile(x, 0.375, M::nearest) == T(20)); // h = 1.5 -> 2
    CHECK(robstat::quantile(x, 0.625, M::nearest) == T(20)); // h = 2.5 -> 2
    CHECK(robstat::quantile(x, 0.875, M::nearest) == T(40)); // h = 3.5 -> 4
    for (auto m : all_methods) {
        INFO(method_name(m));
        CHECK(robstat::quantile(x, 0.0, m) == T(0));
        CHECK(robstat::quantile(x, 1.0, m) == T(40));
        CHECK(robstat::quantile(x, 0.5, m) == T(20));
        CHECK(robstat::quantile(x, 0.25, m) == T(10)); // h integral: every method agrees
    }
    const std::vector<T> one { T(3.5) };
    for (auto m : all_methods)
        for (double q : { 0.0, 0.3, 1.0 })
            CHECK(robstat::quantile(one, q, m) == T(3.5));
    const std::vector<T> two { T(2), T(1) };
    CHECK(robstat::quantile(two, 0.5, M::nearest) == T(1)); // h = 0.5 -> 0
    CHECK(robstat::quantile(two, 0.5, M::midpoint) == T(1.5));
    CHECK(robstat::quantile(two, 0.5, M::higher) == T(2));
    CHECK(robstat::quantile(two, 0.5, M::lower) == T(1));
}

TEMPLATE_TEST_CASE(
    "location: quantile half-even rounding over many sizes", "[location][quantile]", float, double)
{
    using T = TestType;
    for (std::size_t n : { 2u, 3u, 4u, 5u, 6u, 9u, 10u, 17u, 101u }) {
        std::vector<T> x(n);
        for (std::size_t i = 0; i < n; ++i)
            x[i] = static_cast<T>((i * 7919) % n); // a permutation of 0..n-1
        for (std::size_t k = 0; k + 1 < n; ++k) {
            // q with (n - 1) q = k + 1/2 exactly representable: choose n - 1 a power of two
            const double q = (static_cast<double>(k) + 0.5) / static_cast<double>(n - 1);
            const double h = q * static_cast<double>(n - 1);
            if (h != static_cast<double>(k) + 0.5)
                continue; // not an exact tie in floating point
            const std::size_t want = (k % 2 == 0) ? k : k + 1;
            INFO("n=" << n << " k=" << k);
            CHECK(
                robstat::quantile(x, q, robstat::quantile_method::nearest) == static_cast<T>(want));
        }
    }
}

TEMPLATE_TEST_CASE(
    "location: vector-q quantile equals the scalar overload", "[location][quantile]", float, double)
{
    for (std::size_t n : { 1u, 2u, 5u, 17u, 100u, 1000u }) {
        const auto x = contaminated<TestType>(n, 5 + n);
        const std::vector<double> qs { 0.9, 0.0, 0.5, 0.25, 1.0, 0.5, 0.01, 0.75 };
        for (auto m : all_methods) {
            const auto v = robstat::quantile(x, qs, m);
            REQUIRE(v.size() == qs.size());
            for (std::size_t i = 0; i < qs.size(); ++i) {
                INFO("n=" << n << " method=" << method_name(m) << " q=" << qs[i]);
                CHECK(v[i] == robstat::quantile(x, qs[i], m));
            }
        }
        const strided_input<TestType> in(x, -1);
        const auto v = robstat::quantile(in.span(), qs);
        for (std::size_t i = 0; i < qs.size(); ++i)
            CHECK(v[i] == robstat::quantile(x, qs[i]));
        CHECK(robstat::quantile(x, std::vector<double> {}).empty());
    }
}

// ---- non-finite values -------------------------------------------------------------------

TEMPLATE_TEST_CASE("location: infinite values", "[location][inf]", float, double)
{
    using T = TestType;
    const T inf = std::numeric_limits<T>::infinity();
    using M = robstat::quantile_method;
    const std::vector<T> both { T(2), inf, T(1), -inf }; // sorted -inf 1 2 inf
    CHECK(robstat::median(both) == T(1.5));
    CHECK(robstat::trimmed_mean(both, 0.25) == T(1.5));
    CHECK(robstat::winsorized_mean(both, 0.25) == T(1.5));
    CHECK(robstat::quantile(both, 0.0) == -inf);
    CHECK(robstat::quantile(both, 1.0) == inf);
    CHECK(robstat::quantile(both, 0.2, M::lower) == -inf);
    CHECK(robstat::quantile(both, 0.2, M::higher) == T(1));
    CHECK(robstat::quantile(both, 0.9, M::higher) == inf);
    CHECK(robstat::quantile(both, 0.9, M::nearest) == inf);
    CHECK(robstat::quantile(both, 0.5) == T(1.5));
    CHECK(std::isnan(robstat::mean(both))); // inf - inf
    CHECK(std::isnan(robstat::median(std::vector<T> { -inf, inf })));

    const std::vector<T> pos { T(1), inf };
    CHECK(robstat::median(pos) == inf);
    CHECK(robstat::quantile(pos, 0.5, M::midpoint) == inf);
    CHECK(robstat::quantile(pos, 1.0) == inf);

    const std::vector<T> trimmed_away { T(3), -inf, T(1), inf, T(2) };
    CHECK(robstat::trimmed_mean(trimmed_away, 0.2) == T(2));
    CHECK(robstat::winsorized_mean(trimmed_away, 0.2) == T(2));
    CHECK(robstat::median(trimmed_away) == T(2));
}

TEMPLATE_TEST_CASE(
    "location: sums with an infinite value are infinite, not NaN", "[location][inf]", float, double)
{
    // IEEE arithmetic (and R, NumPy): 1 + inf = inf. A compensated sum must not
    // turn it into NaN through its correction term (inf - inf).
    using T = TestType;
    const T inf = std::numeric_limits<T>::infinity();
    CHECK(robstat::mean(std::vector<T> { T(1), inf }) == inf);
    CHECK(robstat::mean(std::vector<T> { inf, T(1) }) == inf);
    CHECK(robstat::mean(std::vector<T> { -inf, T(1), T(2) }) == -inf);
    CHECK(robstat::mean(std::vector<T> { inf, inf }) == inf);
    for (std::size_t n : test_sizes()) {
        if (n < 2)
            continue;
        auto x = contaminated<T>(n, n);
        x[n / 2] = inf;
        INFO("n=" << n);
        CHECK(robstat::mean(x) == inf);
        CHECK(robstat::trimmed_mean(x, 0.0) == inf);
        CHECK(robstat::winsorized_mean(x, 0.0) == inf);
        const strided_input<T> in(x, 2);
        CHECK(robstat::mean(in.span()) == inf);
    }
}

TEMPLATE_TEST_CASE(
    "location: linear interpolation next to an infinite value", "[location][inf]", float, double)
{
    // Type-7 interpolation towards an infinite order statistic is that infinity
    // (R: quantile(c(-Inf, 5), 0.25) is -Inf, quantile(c(1, Inf, Inf), 0.75) is Inf),
    // and quantile(x, 0.5) must agree with median(x), which is inf for {1, inf}.
    using T = TestType;
    const T inf = std::numeric_limits<T>::infinity();
    CHECK(robstat::quantile(std::vector<T> { -inf, T(5) }, 0.25) == -inf);
    CHECK(robstat::quantile(std::vector<T> { -inf, T(5) }, 0.75) == -inf);
    CHECK(robstat::quantile(std::vector<T> { T(1), inf }, 0.25) == inf);
    CHECK(robstat::quantile(std::vector<T> { T(1), inf }, 0.5)
        == robstat::median(std::vector<T> { T(1), inf }));
    CHECK(robstat::quantile(std::vector<T> { T(1), inf, inf }, 0.75) == inf);
    CHECK(robstat::quantile(std::vector<T> { -inf, -inf, T(0) }, 0.25) == -inf);
}

TEMPLATE_TEST_CASE("location: NaN policies", "[location][nan]", float, double)
{
    using T = TestType;
    const T nan = std::numeric_limits<T>::quiet_NaN();
    const robstat::options propagate { robstat::nan_policy::propagate };
    const robstat::options omit { robstat::nan_policy::omit };
    const robstat::options raise { robstat::nan_policy::raise };
    check_nan_policies(location_estimators<T>(), 300, 1);
    // vector-q overload
    std::vector<T> x = contaminated<T>(20, 2);
    x[4] = nan;
    const std::vector<double> qs { 0.1, 0.5 };
    const auto p = robstat::quantile(x, qs, robstat::quantile_method::linear, propagate);
    CHECK((std::isnan(p[0]) && std::isnan(p[1])));
    const auto o = robstat::quantile(x, qs, robstat::quantile_method::linear, omit);
    std::vector<T> without(x);
    without.erase(without.begin() + 4);
    CHECK(o[0] == robstat::quantile(without, 0.1));
    CHECK(o[1] == robstat::quantile(without, 0.5));
    CHECK_THROWS_AS(
        robstat::quantile(x, qs, robstat::quantile_method::linear, raise), std::domain_error);
}

// ---- invalid parameters -------------------------------------------------------------------

TEMPLATE_TEST_CASE("location: invalid parameters throw std::invalid_argument naming them",
    "[location][invalid]", float, double)
{
    using T = TestType;
    const std::vector<T> x { T(1), T(2), T(3), T(4) };
    const std::vector<T> empty;
    const double nan = nan_d;
    using robstat::trim_spec;

    for (trim_spec t : { trim_spec { -0.1 }, trim_spec { 0.6 }, trim_spec { 0.5, 0.6 },
             trim_spec { 0.6, 0.4 }, trim_spec { 0.0, 1.0 }, trim_spec { 1.0, 0.0 },
             trim_spec { -0.1, 0.2 }, trim_spec { 0.2, -0.1 }, trim_spec { nan },
             trim_spec { 0.1, nan }, trim_spec { inf_d } }) {
        INFO("trim (" << t.lower << ", " << t.upper << ")");
        CHECK_THROWS_AS(robstat::trimmed_mean(x, t), std::invalid_argument);
        CHECK_THROWS_WITH(robstat::trimmed_mean(x, t), Matches(".*\\btrim\\b.*"));
        CHECK_THROWS_AS(robstat::trimmed_mean(empty, t), std::invalid_argument);
    }
    for (trim_spec t :
        { trim_spec { 0.5 }, trim_spec { -0.1 }, trim_spec { 0.7, 0.3 }, trim_spec { 0.0, 1.0 },
            trim_spec { nan }, trim_spec { 0.1, -0.2 }, trim_spec { 0.9, 0.2 } }) {
        INFO("limits (" << t.lower << ", " << t.upper << ")");
        CHECK_THROWS_AS(robstat::winsorized_mean(x, t), std::invalid_argument);
        CHECK_THROWS_WITH(robstat::winsorized_mean(x, t), Matches(".*\\blimits\\b.*"));
        CHECK_THROWS_AS(robstat::winsorized_mean(empty, t), std::invalid_argument);
    }
    for (double q : { -0.1, 1.1, -1e-300, 1.0000000000000002, nan, inf_d, -inf_d }) {
        INFO("q=" << q);
        for (auto m : all_methods) {
            CHECK_THROWS_AS(robstat::quantile(x, q, m), std::invalid_argument);
            CHECK_THROWS_WITH(robstat::quantile(x, q, m), Matches(".*\\bq\\b.*"));
        }
        CHECK_THROWS_AS(robstat::quantile(empty, q), std::invalid_argument);
        CHECK_THROWS_AS(
            robstat::quantile(x, std::vector<double> { 0.5, q }), std::invalid_argument);
        CHECK_THROWS_WITH(
            robstat::quantile(x, std::vector<double> { 0.5, q }), Matches(".*\\bq\\b.*"));
    }
    // valid edge values do not throw
    CHECK_NOTHROW(robstat::trimmed_mean(x, 0.5));
    CHECK_NOTHROW(robstat::trimmed_mean(x, trim_spec { 0.0, 0.99 }));
    CHECK_NOTHROW(robstat::trimmed_mean(x, trim_spec { 0.49, 0.5 }));
    CHECK_NOTHROW(robstat::winsorized_mean(x, trim_spec { 0.0, 0.99 }));
    CHECK_NOTHROW(robstat::winsorized_mean(x, 0.49));
    CHECK_NOTHROW(robstat::quantile(x, 0.0));
    CHECK_NOTHROW(robstat::quantile(x, 1.0));
}

// ---- integer input, std::array, the input is never modified ----------------------------------

TEST_CASE("location: integer input computes in double", "[location][int]")
{
    const std::vector<int> xi { 7, -3, 12, 7, 0, 1000, 5, -40, 7, 2, 9 };
    const std::vector<double> xd(xi.begin(), xi.end());
    CHECK(robstat::mean(xi) == robstat::mean(xd));
    CHECK(robstat::median(xi) == 7.0);
    CHECK(robstat::median(std::vector<int> { 1, 2 }) == 1.5);
    CHECK(robstat::median(std::vector<int> { 2147483647, 2147483646 }) == 2147483646.5);
    CHECK(robstat::mean(std::vector<int> { 2147483647, 2147483647 }) == 2147483647.0);
    const auto s = sorted_values(xi);
    for (auto m : all_methods)
        for (double q : test_probs) {
            INFO(method_name(m) << " q=" << q);
            CHECK(satisfies(robstat::quantile(xi, q, m), oracle_quantile<double>(s, q, m), 1e-12));
        }
    for (auto t : test_trims)
        CHECK(satisfies(
            robstat::trimmed_mean(xi, t), oracle_trimmed_mean<double>(s, t.lower, t.upper), 1e-12));
    for (auto t : test_limits)
        CHECK(satisfies(
            robstat::winsorized_mean(xi, t), oracle_winsorized_mean(s, t.lower, t.upper), 1e-12));
    // strided integer views, including reversed
    for (std::ptrdiff_t stride : test_strides) {
        const strided_input<int> in(xi, stride);
        INFO("stride=" << stride);
        CHECK(robstat::median(in.span()) == 7.0);
        CHECK(robstat::mean(in.span()) == Approx(robstat::mean(xd)).epsilon(1e-15));
        CHECK(robstat::trimmed_mean(in.span(), 0.1) == robstat::trimmed_mean(xd, 0.1));
    }
    const std::vector<std::int64_t> big { 4000000000LL, -4000000000LL, 3LL };
    CHECK(robstat::median(big) == 3.0);
    CHECK(robstat::mean(big) == 1.0);
    CHECK(std::isnan(robstat::mean(std::vector<int> {})));
}

TEMPLATE_TEST_CASE("location: std::array input", "[location]", float, double)
{
    using T = TestType;
    const std::array<T, 5> a { T(5), T(1), T(4), T(2), T(3) };
    CHECK(robstat::median(a) == T(3));
    CHECK(robstat::mean(a) == T(3));
    CHECK(robstat::quantile(a, 0.25) == T(2));
    CHECK(robstat::trimmed_mean(a, 0.2) == T(3));
    CHECK(robstat::winsorized_mean(a, 0.2) == T(3));
}

TEMPLATE_TEST_CASE("location: the input is never modified", "[location]", float, double)
{
    using T = TestType;
    const robstat::options omit { robstat::nan_policy::omit };
    for (std::size_t n : { 2u, 17u, 100u, 1000u }) {
        auto x = contaminated<T>(n, 11 + n);
        x[n / 3] = std::numeric_limits<T>::quiet_NaN();
        const auto before = x;
        // contiguous, then strided: the whole buffer, gaps included, is untouched
        check_estimators_keep_input(location_estimators<T>(), x, 3);
        (void)robstat::quantile(
            x, std::vector<double> { 0.1, 0.5, 0.9 }, robstat::quantile_method::linear, omit);
        CHECK(same_bits(x, before));
    }
}
