// Scale estimators: var, stddev (two-pass, compensated), mad, mad_about, iqr.
//
// Oracles are written here and in test_support.hpp: a sorted copy (std::sort)
// and naive long double loops. double results are checked to 1e-12 relative,
// float results to 1e-6 relative against the double computation on the same
// float-rounded inputs.
// The tolerance is relative to the magnitude of the values combined (for the
// MAD: the median the deviations are taken from; for the IQR: the quartiles),
// because a float result rounds those before subtracting.
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

// ---- oracles --------------------------------------------------------------------------

/// Median of sorted values, the even case as the exact midpoint (long double).
long double median_sorted(const std::vector<double>& s)
{
    const std::size_t n = s.size();
    if (n % 2 == 1)
        return s[n / 2];
    return (static_cast<long double>(s[n / 2 - 1]) + static_cast<long double>(s[n / 2])) / 2;
}

expectation oracle_var(const std::vector<double>& s, double ddof)
{
    const std::size_t n = s.size();
    if (n == 0 || static_cast<double>(n) - ddof <= 0)
        return {};
    long double sum = 0, sum_sq_mean = 0;
    for (double v : s) {
        sum += v;
        sum_sq_mean += static_cast<long double>(v) * v;
    }
    const long double m = sum / static_cast<long double>(n);
    long double ss = 0;
    for (double v : s)
        ss += (v - m) * (v - m);
    // a constant sample has variance 0; allow the rounding of the mean itself
    const double floor_scale
        = 1e-8 * static_cast<double>(sum_sq_mean / static_cast<long double>(n));
    return { static_cast<double>(ss / (static_cast<long double>(n) - ddof)), floor_scale };
}

expectation oracle_mad(const std::vector<double>& s, double scale, const double* center = nullptr)
{
    const std::size_t n = s.size();
    if (n == 0)
        return {};
    const long double c = center ? static_cast<long double>(*center) : median_sorted(s);
    std::vector<long double> dev(n);
    for (std::size_t i = 0; i < n; ++i)
        dev[i] = std::fabs(static_cast<long double>(s[i]) - c);
    std::sort(dev.begin(), dev.end());
    const long double raw = n % 2 == 1 ? dev[n / 2] : (dev[n / 2 - 1] + dev[n / 2]) / 2;
    return { static_cast<double>(raw * scale), static_cast<double>(std::fabs(c)) * scale };
}

long double quantile7(const std::vector<double>& s, double q, double* magnitude)
{
    const std::size_t n = s.size();
    const double h = q * static_cast<double>(n - 1);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const std::size_t hi = std::min(lo + 1, n - 1);
    const long double g = h - std::floor(h);
    *magnitude = std::max(*magnitude, std::max(std::fabs(s[lo]), std::fabs(s[hi])));
    return s[lo] + g * (static_cast<long double>(s[hi]) - s[lo]);
}

expectation oracle_iqr(const std::vector<double>& s, double scale)
{
    if (s.empty())
        return {};
    double magnitude = 0;
    const long double q1 = quantile7(s, 0.25, &magnitude);
    const long double q3 = quantile7(s, 0.75, &magnitude);
    return { static_cast<double>((q3 - q1) * scale), magnitude * scale };
}

template <class T> std::vector<estimator<T>> scale_estimators()
{
    using span = robstat::strided_span<const T>;
    using robstat::options;
    std::vector<estimator<T>> e;
    for (double ddof : { 0.0, 1.0, 1.5 }) {
        e.push_back({ "var ddof=" + num(ddof),
            [ddof](span x, options o) { return robstat::var(x, ddof, o); },
            [ddof](const std::vector<double>& s) { return oracle_var(s, ddof); } });
        e.push_back({ "stddev ddof=" + num(ddof),
            [ddof](span x, options o) { return robstat::stddev(x, ddof, o); },
            [ddof](const std::vector<double>& s) {
                expectation v = oracle_var(s, ddof);
                // d sqrt(v) = dv / (2 sqrt v): the relative error halves
                return expectation { std::sqrt(v.value), std::sqrt(v.scale) };
            } });
    }
    for (double scale : { robstat::mad_normal_scale, 1.0, 2.5 }) {
        e.push_back({ "mad scale=" + num(scale),
            [scale](span x, options o) { return robstat::mad(x, scale, o); },
            [scale](const std::vector<double>& s) { return oracle_mad(s, scale); } });
    }
    for (double center : { 0.0, 10.0, -3.25 }) {
        e.push_back({ "mad_about center=" + num(center),
            [center](span x, options o) { return robstat::mad_about(x, center, 1.0, o); },
            [center](const std::vector<double>& s) { return oracle_mad(s, 1.0, &center); } });
    }
    for (double scale : { 1.0, robstat::iqr_normal_scale, 3.0 }) {
        e.push_back({ "iqr scale=" + num(scale),
            [scale](span x, options o) { return robstat::iqr(x, scale, o); },
            [scale](const std::vector<double>& s) { return oracle_iqr(s, scale); } });
    }
    return e;
}

template <class T>
void check_all(const std::vector<T>& x, std::ptrdiff_t stride, const std::string& label)
{
    check_estimators(scale_estimators<T>(), x, stride, label);
}

/// Phi^{-1}(p) by Newton's method on 0.5 erfc(-x / sqrt 2), in long double.
long double normal_quantile(long double p)
{
    long double x = 0.6744897501960817L;
    for (int i = 0; i < 50; ++i) {
        const long double cdf = 0.5L * std::erfc(-x / std::sqrt(2.0L));
        const long double pdf
            = std::exp(-x * x / 2) / std::sqrt(2 * 3.141592653589793238462643383279502884L);
        x -= (cdf - p) / pdf;
    }
    return x;
}

} // namespace

TEST_CASE("scale: result types follow the dtype rule", "[scale]")
{
    const std::vector<float> f { 1, 2, 3 };
    const std::vector<int> i { 1, 2, 3 };
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::var(f)), float>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::stddev(f)), float>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::mad(f)), float>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::mad_about(f, 1.0)), float>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::iqr(f)), float>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::var(i)), double>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::mad(i)), double>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::iqr(i)), double>);
    CHECK(robstat::var(i) == Approx(2.0 / 3));
}

TEST_CASE("scale: var of huge finite values is never NaN", "[scale]")
{
    // the mean's overflow guard, then squares scaled by 2^-512: the exact
    // variance where it is a double, inf where it exceeds DBL_MAX
    const std::vector<double> same { 1.7e308, 1.7e308 };
    CHECK(robstat::var(same) == 0.0);
    const std::vector<double> wide { -1.7e308, 1.7e308, 1.7e308 };
    CHECK(robstat::var(wide) == std::numeric_limits<double>::infinity());
    // squared deviations overflow, the variance does not: 2 * 1.5e154^2 / 10
    std::vector<double> split(10, 0.0);
    split[0] = 1.5e154;
    split[1] = -1.5e154;
    CHECK(robstat::var(split) == Approx(4.5e307).epsilon(1e-14));
}

TEST_CASE("scale: the normal-consistency constants", "[scale]")
{
    const long double z = normal_quantile(0.75L);
    CHECK(static_cast<double>(z) == Approx(0.6744897501960817).epsilon(1e-15));
    CHECK(robstat::mad_normal_scale == Approx(static_cast<double>(1 / z)).epsilon(4e-16));
    CHECK(robstat::iqr_normal_scale == Approx(static_cast<double>(1 / (2 * z))).epsilon(4e-16));
    // the contract value, not R's rounded 1.4826
    CHECK(robstat::mad_normal_scale == 1.482602218505602);
}

TEMPLATE_TEST_CASE(
    "scale: every estimator matches the oracle for all sizes and strides", "[scale]", float, double)
{
    for (std::size_t n : test_sizes())
        for (std::ptrdiff_t stride : test_strides)
            check_all(contaminated<TestType>(n, 2000 + n), stride, "contaminated");
}

TEMPLATE_TEST_CASE("scale: ties, constant data and a large offset", "[scale]", float, double)
{
    using T = TestType;
    for (std::size_t n : { 1u, 2u, 3u, 5u, 8u, 9u, 16u, 17u, 35u, 100u, 1000u }) {
        for (std::ptrdiff_t stride : { 1, -1 }) {
            check_all(with_ties<T>(n, 17 + n), stride, "ties");
            check_all(std::vector<T>(n, T(2.75)), stride, "constant");
            check_all(contaminated<T>(n, 99 + n, 1e4), stride, "offset 1e4");
        }
    }
    for (std::size_t n : { 1u, 2u, 7u, 33u, 1000u }) {
        const std::vector<T> c(n, T(-1.25));
        INFO("n=" << n);
        CHECK(robstat::var(c) == T(0));
        CHECK(robstat::stddev(c) == T(0));
        CHECK(robstat::mad(c) == T(0));
        CHECK(robstat::iqr(c) == T(0));
        CHECK(robstat::mad_about(c, -1.25) == T(0));
        CHECK(robstat::mad_about(c, 0.75, 1.0) == T(2));
    }
}

TEMPLATE_TEST_CASE("scale: small hand-checked values", "[scale]", float, double)
{
    using T = TestType;
    const std::vector<T> x { T(2), T(4), T(4), T(4), T(5), T(5), T(7), T(9) };
    CHECK(robstat::var(x) == T(4));
    CHECK(robstat::stddev(x) == T(2));
    CHECK(static_cast<double>(robstat::var(x, 1.0)) == Approx(32.0 / 7).epsilon(rel_tol<T>()));
    // median 4.5; deviations 2.5 .5 .5 .5 .5 .5 2.5 4.5 -> MAD 0.5
    CHECK(robstat::mad(x, 1.0) == T(0.5));
    CHECK(static_cast<double>(robstat::mad(x))
        == Approx(0.5 * 1.482602218505602).epsilon(rel_tol<T>()));
    CHECK(robstat::mad(x) == robstat::mad(x, robstat::mad_normal_scale));
    // quartiles (type 7, h = 1.75 and 5.25): 4 and 5.5
    CHECK(robstat::iqr(x) == T(1.5));
    CHECK(robstat::iqr(x, 2.0) == T(3));
    // MAD about 0: |x| = x -> median 4.5
    CHECK(robstat::mad_about(x, 0.0, 1.0) == T(4.5));
    const std::vector<T> odd { T(1), T(2), T(3), T(4), T(100) };
    CHECK(robstat::mad(odd, 1.0) == T(1)); // median 3; deviations 2 1 0 1 97
    CHECK(robstat::iqr(odd) == T(2));
}

TEMPLATE_TEST_CASE("scale: degenerate sizes", "[scale]", float, double)
{
    using T = TestType;
    const std::vector<T> e;
    CHECK(std::isnan(robstat::var(e)));
    CHECK(std::isnan(robstat::stddev(e)));
    CHECK(std::isnan(robstat::mad(e)));
    CHECK(std::isnan(robstat::mad_about(e, 0.0)));
    CHECK(std::isnan(robstat::iqr(e)));
    const std::vector<T> one { T(3) };
    CHECK(robstat::var(one) == T(0));
    CHECK(std::isnan(robstat::var(one, 1.0))); // n - ddof <= 0
    CHECK(std::isnan(robstat::stddev(one, 1.0)));
    CHECK(robstat::mad(one) == T(0));
    CHECK(robstat::iqr(one) == T(0));
    const std::vector<T> two { T(1), T(3) };
    CHECK(robstat::var(two, 1.0) == T(2));
    CHECK(std::isnan(robstat::var(two, 2.0)));
    CHECK(std::isnan(robstat::var(two, 3.0)));
}

TEST_CASE("scale: variance of NIST StRD NumAcc-like data", "[scale][accuracy]")
{
    // NumAcc1: 10000001, 10000003, 10000002 -> mean 10000002, sd 1 (certified)
    const std::vector<double> acc1 { 10000001, 10000003, 10000002 };
    CHECK(robstat::mean(acc1) == 10000002.0);
    CHECK(robstat::var(acc1, 1.0) == 1.0);
    CHECK(robstat::stddev(acc1, 1.0) == 1.0);
    // NumAcc2/3/4: base + 0.2, then base + 0.1 and base + 0.3 alternating, 1001
    // values: mean base + 0.2, sd 0.1 (certified). The decimal inputs are not
    // exact binary numbers, which limits the agreement with 0.01 to what the
    // representation allows: ~1e-15 at base 1, 7e-10 at 1e6, 1.1e-8 at 1e7.
    const std::array<std::pair<double, double>, 3> cases { { { 1.0, 1e-14 }, { 1e6, 1e-9 },
        { 1e7, 2e-8 } } };
    for (auto [base, rel] : cases) {
        std::vector<double> x { base + 0.2 };
        for (int i = 1; i <= 1000; ++i)
            x.push_back(base + (i % 2 ? 0.1 : 0.3));
        INFO("base " << base);
        CHECK(robstat::mean(x) == Approx(base + 0.2).epsilon(1e-15));
        CHECK(robstat::var(x, 1.0) == Approx(0.01).epsilon(rel));
        CHECK(robstat::stddev(x, 1.0) == Approx(0.1).epsilon(rel));
        // and to the exact value for the binary inputs
        const auto s = sorted_values(x);
        const expectation e = oracle_var(s, 1.0);
        CHECK(robstat::var(x, 1.0) == Approx(e.value).epsilon(1e-12));
        // the same through a reversed view
        const strided_input<double> in(x, -1);
        CHECK(robstat::var(in.span(), 1.0) == Approx(e.value).epsilon(1e-12));
    }
}

TEMPLATE_TEST_CASE("scale: infinite values", "[scale][inf]", float, double)
{
    using T = TestType;
    const T inf = std::numeric_limits<T>::infinity();
    const std::vector<T> x { T(1), T(2), T(3), inf };
    CHECK(std::isnan(robstat::var(x))); // inf - inf in the deviations
    // median 2.5; deviations 1.5 .5 .5 inf -> MAD 1
    CHECK(robstat::mad(x, 1.0) == T(1));
    CHECK(robstat::mad_about(x, 0.0, 1.0) == T(2.5));
    const std::vector<T> y { -inf, T(1), T(2), T(3), T(4), inf };
    CHECK(robstat::mad(y, 1.0) == T(1.5)); // median 2.5; deviations inf 1.5 .5 .5 1.5 inf
    // median inf: the deviations of the infinite values are NaN, so is the MAD
    CHECK(std::isnan(robstat::mad(std::vector<T> { T(1), inf, inf }, 1.0)));
    CHECK(robstat::iqr(std::vector<T> { -inf, T(1), T(2), T(3), T(4), T(5), T(6), T(7), inf })
        == T(4));
}

TEMPLATE_TEST_CASE("scale: NaN policies", "[scale][nan]", float, double)
{
    check_nan_policies(scale_estimators<TestType>(), 400, 3);
}

TEMPLATE_TEST_CASE("scale: invalid scale throws std::invalid_argument naming it",
    "[scale][invalid]", float, double)
{
    using T = TestType;
    const std::vector<T> x { T(1), T(2), T(3), T(4) };
    const std::vector<T> empty;
    for (double bad : { 0.0, -0.0, -1.0, -1e-300, inf_d, -inf_d, nan_d }) {
        INFO("scale=" << bad);
        CHECK_THROWS_AS(robstat::mad(x, bad), std::invalid_argument);
        CHECK_THROWS_WITH(robstat::mad(x, bad), Matches(".*\\bscale\\b.*"));
        CHECK_THROWS_AS(robstat::mad_about(x, 2.0, bad), std::invalid_argument);
        CHECK_THROWS_WITH(robstat::mad_about(x, 2.0, bad), Matches(".*\\bscale\\b.*"));
        CHECK_THROWS_AS(robstat::iqr(x, bad), std::invalid_argument);
        CHECK_THROWS_WITH(robstat::iqr(x, bad), Matches(".*\\bscale\\b.*"));
        CHECK_THROWS_AS(robstat::mad(empty, bad), std::invalid_argument);
        CHECK_THROWS_AS(robstat::iqr(empty, bad), std::invalid_argument);
    }
    CHECK_NOTHROW(robstat::mad(x, 1e-300));
    CHECK_NOTHROW(robstat::iqr(x, 1e300));
}

TEST_CASE("scale: integer input computes in double", "[scale][int]")
{
    const std::vector<int> xi { 7, -3, 12, 7, 0, 1000, 5, -40, 7, 2, 9, 4 };
    const auto s = sorted_values(xi);
    for (const auto& est : scale_estimators<int>()) {
        INFO(est.name);
        const double got = est.run(cspan(xi), {});
        CHECK(satisfies(got, est.oracle(s), 1e-12));
        for (std::ptrdiff_t stride : test_strides) {
            const strided_input<int> in(xi, stride);
            INFO("stride=" << stride);
            CHECK(satisfies(est.run(in.span(), {}), est.oracle(s), 1e-12));
        }
    }
    CHECK(robstat::mad(xi, 1.0) == 3.5); // median 6; deviations sorted 1 1 1 1 2 3 4 6 6 9 46 994
    CHECK(robstat::var(std::vector<int> { 1, 2, 3, 4 }) == 1.25);
    const std::array<double, 4> a { 1, 2, 3, 4 };
    CHECK(robstat::var(a) == 1.25);
    CHECK(robstat::iqr(a) == 1.5);
    CHECK(robstat::mad(a, 1.0) == 1.0);
}

TEMPLATE_TEST_CASE("scale: the input is never modified", "[scale]", float, double)
{
    using T = TestType;
    for (std::size_t n : { 2u, 17u, 100u, 1000u }) {
        auto x = contaminated<T>(n, 21 + n);
        x[n / 3] = std::numeric_limits<T>::quiet_NaN();
        check_estimators_keep_input(scale_estimators<T>(), x, 2);
    }
}

TEST_CASE("scale: stddev finite when the variance overflows, nonzero when it underflows",
    "[scale][bad-input]")
{
    const auto scaled = [](std::vector<double> x, int e) {
        for (auto& v : x)
            v = std::ldexp(v, e);
        return x;
    };
    // +-1e308: the variance is beyond DBL_MAX, the standard deviation is not
    const std::vector<double> huge { 1e308, -1e308, 1.5e308, 1e308, -1.7e308, 1e308, 0.9e308,
        -1.2e308 };
    CHECK(std::isinf(robstat::var(huge)));
    const double sd = std::ldexp(robstat::stddev(scaled(huge, -600)), 600);
    CHECK(std::isfinite(sd));
    CHECK(robstat::stddev(huge) == Approx(sd).epsilon(1e-14));
    // subnormal values: the variance underflows to 0, the standard deviation does not
    const std::vector<double> tiny = scaled({ 1.5, 3.0, -2.0, 7.0, 0.25, 4.0 }, -1062);
    CHECK(robstat::var(tiny) == 0.0);
    const double tiny_sd = std::ldexp(robstat::stddev(scaled(tiny, 900)), -900);
    CHECK(tiny_sd > 0);
    CHECK(robstat::stddev(tiny) == Approx(tiny_sd).epsilon(2e-3));
    // constant data near the overflow threshold stay at 0
    const std::vector<double> flat { 1e300, 1e300, 1e300 };
    CHECK(robstat::stddev(flat) == 0.0);
}
