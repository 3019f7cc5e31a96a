// Element-wise robust transforms: winsorize, robust_zscore, modified_zscore.
//
// Oracles are written here and in test_support.hpp: a sorted copy (std::sort)
// gives the cut points x_(g_lo) and x_(n - g_hi - 1) (0-based) exactly, so
// winsorized values are compared exactly; z-scores are computed in long double
// from the exact median and raw MAD and compared to 1e-12 (double) or 1e-6
// (float, against the double computation on the same float-rounded inputs,
// relative to the magnitude of the numbers subtracted, because a float result
// subtracts a rounded median).
#include <catch2/catch.hpp>

#include <robstat/robstat.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
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

/// Winsorized copy: NaN stays NaN; the cut points come from the non-NaN values.
template <class T>
std::vector<double> oracle_winsorize(const std::vector<T>& x, robstat::trim_spec t)
{
    const auto s = sorted_values(x);
    const std::size_t n = s.size();
    std::vector<double> out(x.size(), nan_d);
    if (n == 0)
        return out;
    const auto g_lo = static_cast<std::size_t>(std::floor(t.lower * static_cast<double>(n)));
    const auto g_hi = static_cast<std::size_t>(std::floor(t.upper * static_cast<double>(n)));
    const double lo = s[g_lo], hi = s[n - g_hi - 1];
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double v = static_cast<double>(x[i]);
        out[i] = v != v ? v : std::min(std::max(v, lo), hi);
    }
    return out;
}

struct zscore_reference {
    std::vector<double> z;
    std::vector<double> scale; // tolerance: rel * max(|z|, scale)
};

/// factor * (x - median) / (mad_scale * MAD_raw), from the non-NaN values, in long double.
template <class T>
zscore_reference oracle_zscore(const std::vector<T>& x, double factor, double mad_scale)
{
    const auto s = sorted_values(x);
    const std::size_t n = s.size();
    zscore_reference r { std::vector<double>(x.size(), nan_d), std::vector<double>(x.size(), 0.0) };
    if (n == 0)
        return r;
    auto median = [](const std::vector<long double>& v) {
        const std::size_t m = v.size();
        return m % 2 == 1 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
    };
    const std::vector<long double> sl(s.begin(), s.end());
    const long double med = median(sl);
    std::vector<long double> dev(n);
    for (std::size_t i = 0; i < n; ++i)
        dev[i] = std::fabs(sl[i] - med);
    std::sort(dev.begin(), dev.end());
    const long double mad = median(dev);
    const long double denom = static_cast<long double>(mad_scale) * mad;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const long double v = static_cast<long double>(x[i]);
        if (v != v)
            continue;
        r.z[i] = static_cast<double>(static_cast<long double>(factor) * (v - med) / denom);
        // a rounded median (float) moves x - median by ~ulp(median): relative
        // to the size of the numbers subtracted, scaled like z
        r.scale[i] = denom > 0 ? static_cast<double>(
                         static_cast<long double>(factor) * (std::fabs(v) + std::fabs(med)) / denom)
                               : 0.0;
    }
    return r;
}

/// A z-score against its reference: NaN for NaN, equal if infinite, otherwise
/// within tol * max(|want|, scale) (the rules of satisfies()).
template <class R> bool z_matches(R got, double want, double scale, double tol)
{
    return satisfies(got, expectation { want, scale, false }, tol);
}

template <class T>
void check_winsorize(const std::vector<T>& x, std::ptrdiff_t stride, robstat::trim_spec t,
    robstat::options o, const std::string& label)
{
    using R = robstat::result_t<T>;
    const strided_input<T> in(x, stride);
    std::vector<R> out(x.size() + 1, R(-12345)); // one sentinel past the end
    robstat::winsorize(in.span(), out.data(), t, o);
    const auto want = oracle_winsorize(x, t);
    std::size_t bad = 0, first_bad = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const bool ok
            = std::isnan(want[i]) ? std::isnan(out[i]) : out[i] == static_cast<R>(want[i]);
        if (!ok && bad++ == 0)
            first_bad = i;
    }
    INFO(label << " n=" << x.size() << " stride=" << stride << " limits (" << t.lower << ", "
               << t.upper << ")");
    INFO(bad << " wrong values; first at " << first_bad << ": got "
             << num(x.empty() ? 0.0 : static_cast<double>(out[first_bad])) << " expected "
             << num(x.empty() ? 0.0 : want[first_bad]));
    CHECK(bad == 0);
    CHECK(out[x.size()] == R(-12345));
}

template <class T>
void check_zscores(
    const std::vector<T>& x, std::ptrdiff_t stride, robstat::options o, const std::string& label)
{
    using R = robstat::result_t<T>;
    const strided_input<T> in(x, stride);
    for (int kind = 0; kind < 2; ++kind) {
        std::vector<R> out(x.size() + 1, R(-12345));
        if (kind == 0)
            robstat::robust_zscore(in.span(), out.data(), o);
        else
            robstat::modified_zscore(in.span(), out.data(), o);
        const auto ref
            = kind == 0 ? oracle_zscore(x, 1.0, 1.482602218505602) : oracle_zscore(x, 0.6745, 1.0);
        std::size_t bad = 0, first_bad = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (!z_matches(out[i], ref.z[i], ref.scale[i], rel_tol<T>()) && bad++ == 0)
                first_bad = i;
        }
        INFO(label << (kind == 0 ? " robust_zscore" : " modified_zscore") << " n=" << x.size()
                   << " stride=" << stride);
        INFO(bad << " wrong values; first at " << first_bad << ": got "
                 << num(x.empty() ? 0.0 : static_cast<double>(out[first_bad])) << " expected "
                 << num(x.empty() ? 0.0 : ref.z[first_bad]));
        CHECK(bad == 0);
        CHECK(out[x.size()] == R(-12345));
    }
}

} // namespace

TEST_CASE("outliers: result types follow the dtype rule", "[outliers]")
{
    const std::vector<float> f { 1, 2, 3 };
    const std::vector<int> i { 1, 2, 3 };
    const std::vector<double> d { 1, 2, 3 };
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::winsorize(f)), std::vector<float>>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::robust_zscore(f)), std::vector<float>>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::modified_zscore(f)), std::vector<float>>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::winsorize(d)), std::vector<double>>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::winsorize(i)), std::vector<double>>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::robust_zscore(i)), std::vector<double>>);
    STATIC_REQUIRE(std::is_same_v<decltype(robstat::modified_zscore(i)), std::vector<double>>);
    CHECK(robstat::modified_zscore_factor == 0.6745);
}

// ---- winsorize -----------------------------------------------------------------------

TEMPLATE_TEST_CASE("outliers: winsorize clips at the order statistics for all sizes and strides",
    "[outliers][winsorize]", float, double)
{
    for (std::size_t n : test_sizes())
        for (std::ptrdiff_t stride : test_strides)
            for (auto t : test_limits)
                check_winsorize(contaminated<TestType>(n, 3000 + n), stride, t, {}, "contaminated");
}

TEMPLATE_TEST_CASE(
    "outliers: winsorize with ties and constant data", "[outliers][winsorize]", float, double)
{
    for (std::size_t n : { 1u, 2u, 3u, 5u, 8u, 9u, 16u, 17u, 35u, 100u, 1000u })
        for (std::ptrdiff_t stride : { 1, -1 })
            for (auto t : test_limits) {
                check_winsorize(with_ties<TestType>(n, 31 + n), stride, t, {}, "ties");
                check_winsorize(std::vector<TestType>(n, TestType(4.5)), stride, t, {}, "constant");
            }
}

TEMPLATE_TEST_CASE(
    "outliers: winsorize hand-checked values", "[outliers][winsorize]", float, double)
{
    using T = TestType;
    // 0..9 shuffled, limits 0.2: x_(2) = 2 and x_(7) = 7
    const std::vector<T> x { T(7), T(2), T(9), T(0), T(5), T(3), T(8), T(1), T(6), T(4) };
    CHECK(robstat::winsorize(x, 0.2)
        == std::vector<T> { T(7), T(2), T(7), T(2), T(5), T(3), T(7), T(2), T(6), T(4) });
    // asymmetric: 1 low (floor(0.15 * 10)), 3 high (floor(0.3 * 10)): clip to [1, 6]
    CHECK(robstat::winsorize(x, robstat::trim_spec { 0.15, 0.3 })
        == std::vector<T> { T(6), T(2), T(6), T(1), T(5), T(3), T(6), T(1), T(6), T(4) });
    // limits 0: identity
    CHECK(robstat::winsorize(x, 0.0) == x);
    // the default limits are 0.1: one value per tail here
    CHECK(robstat::winsorize(x)
        == std::vector<T> { T(7), T(2), T(8), T(1), T(5), T(3), T(8), T(1), T(6), T(4) });
    // n = 3: floor(0.4 * 3) = 1 per tail, everything becomes the median
    CHECK(robstat::winsorize(std::vector<T> { T(5), T(-1), T(2) }, 0.4)
        == std::vector<T> { T(2), T(2), T(2) });
    CHECK(robstat::winsorize(std::vector<T> {}, 0.1).empty());
    // ties at the cut points: g = floor(0.34 * 6) = 2, clip to [x_(2), x_(3)] = [1, 5]
    CHECK(robstat::winsorize(std::vector<T> { T(9), T(1), T(5), T(1), T(9), T(1) }, 0.34)
        == std::vector<T> { T(5), T(1), T(5), T(1), T(5), T(1) });
}

TEMPLATE_TEST_CASE(
    "outliers: winsorize with infinite values", "[outliers][winsorize][inf]", float, double)
{
    using T = TestType;
    const T inf = std::numeric_limits<T>::infinity();
    CHECK(robstat::winsorize(std::vector<T> { inf, T(1), T(2), -inf, T(3) }, 0.2)
        == std::vector<T> { T(3), T(1), T(2), T(1), T(3) });
    CHECK(robstat::winsorize(std::vector<T> { inf, T(1), T(2), -inf, T(3) }, 0.0)
        == std::vector<T> { inf, T(1), T(2), -inf, T(3) });
    // sorted 1 2 inf inf, g = 1: clip to [2, inf]
    CHECK(robstat::winsorize(std::vector<T> { inf, inf, T(2), T(1) }, 0.25)
        == std::vector<T> { inf, inf, T(2), T(2) });
}

TEMPLATE_TEST_CASE("outliers: winsorize NaN policies", "[outliers][winsorize][nan]", float, double)
{
    using T = TestType;
    using R = robstat::result_t<T>;
    const T nan = std::numeric_limits<T>::quiet_NaN();
    const robstat::options omit { robstat::nan_policy::omit };
    const robstat::options raise { robstat::nan_policy::raise };
    for_each_nan_placement<T>(500, [&](const nan_case<T>& c) {
        // propagate: the whole lane is NaN
        std::vector<R> out(c.x.size());
        robstat::winsorize(c.in.span(), out.data(), 0.1);
        CHECK(std::all_of(out.begin(), out.end(), [](R v) { return std::isnan(v); }));
        // omit: NaN stays NaN, the rest is clipped at the cut points of the non-NaN values
        for (auto t : test_limits)
            check_winsorize(c.x, c.stride, t, omit, "omit");
        CHECK_THROWS_AS(robstat::winsorize(c.in.span(), out.data(), 0.1, raise), std::domain_error);
    });
    const std::vector<T> all(9, nan);
    const auto p = robstat::winsorize(all, 0.1);
    CHECK(std::all_of(p.begin(), p.end(), [](R v) { return std::isnan(v); }));
    const auto o = robstat::winsorize(all, 0.1, omit);
    CHECK(std::all_of(o.begin(), o.end(), [](R v) { return std::isnan(v); }));
    CHECK_THROWS_AS(robstat::winsorize(all, 0.1, raise), std::domain_error);
    CHECK_NOTHROW(robstat::winsorize(contaminated<T>(20, 1), 0.1, raise));
}

TEMPLATE_TEST_CASE("outliers: winsorize rejects invalid limits naming them",
    "[outliers][winsorize][invalid]", float, double)
{
    using T = TestType;
    using robstat::trim_spec;
    const std::vector<T> x { T(1), T(2), T(3), T(4) };
    std::vector<robstat::result_t<T>> out(x.size());
    for (trim_spec t : { trim_spec { 0.5 }, trim_spec { 0.6 }, trim_spec { -0.1 },
             trim_spec { 0.7, 0.3 }, trim_spec { 0.0, 1.0 }, trim_spec { 1.0, 0.0 },
             trim_spec { 0.1, -0.2 }, trim_spec { nan_d }, trim_spec { 0.1, inf_d } }) {
        INFO("limits (" << t.lower << ", " << t.upper << ")");
        CHECK_THROWS_AS(robstat::winsorize(x, t), std::invalid_argument);
        CHECK_THROWS_WITH(robstat::winsorize(x, t), Matches(".*\\blimits\\b.*"));
        CHECK_THROWS_AS(
            robstat::winsorize(robstat::make_span(x), out.data(), t), std::invalid_argument);
        CHECK_THROWS_AS(robstat::winsorize(std::vector<T> {}, t), std::invalid_argument);
    }
    CHECK_NOTHROW(robstat::winsorize(x, trim_spec { 0.0, 0.99 }));
    CHECK_NOTHROW(robstat::winsorize(x, 0.49));
}

// ---- z-scores ---------------------------------------------------------------------------

TEMPLATE_TEST_CASE("outliers: z-scores match the oracle for all sizes and strides",
    "[outliers][zscore]", float, double)
{
    for (std::size_t n : test_sizes())
        for (std::ptrdiff_t stride : test_strides)
            check_zscores(contaminated<TestType>(n, 4000 + n), stride, {}, "contaminated");
    for (std::size_t n : { 3u, 5u, 16u, 17u, 100u, 1000u })
        for (std::ptrdiff_t stride : { 1, -1 })
            check_zscores(with_ties<TestType>(n, 41 + n), stride, {}, "ties");
}

TEMPLATE_TEST_CASE("outliers: z-score definitions", "[outliers][zscore]", float, double)
{
    using T = TestType;
    // median 3, deviations 2 1 0 1 97 -> raw MAD 1
    const std::vector<T> x { T(1), T(2), T(3), T(4), T(100) };
    const auto r = robstat::robust_zscore(x);
    const auto m = robstat::modified_zscore(x);
    REQUIRE(r.size() == 5);
    REQUIRE(m.size() == 5);
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double d = static_cast<double>(x[i]) - 3.0;
        INFO("i=" << i);
        CHECK(static_cast<double>(r[i]) == Approx(d / 1.482602218505602).epsilon(rel_tol<T>()));
        CHECK(static_cast<double>(m[i]) == Approx(0.6745 * d).epsilon(rel_tol<T>()));
    }
    CHECK(r[2] == T(0));
    CHECK(m[2] == T(0));
    // even n: median 2.5, deviations 1.5 .5 .5 7.5 -> raw MAD 1
    const std::vector<T> e { T(1), T(2), T(3), T(10) };
    const auto re = robstat::robust_zscore(e);
    CHECK(static_cast<double>(re[0]) == Approx(-1.5 / 1.482602218505602).epsilon(rel_tol<T>()));
    CHECK(static_cast<double>(re[3]) == Approx(7.5 / 1.482602218505602).epsilon(rel_tol<T>()));
    CHECK(static_cast<double>(robstat::modified_zscore(e)[3])
        == Approx(0.6745 * 7.5).epsilon(rel_tol<T>()));
    CHECK(robstat::robust_zscore(std::vector<T> {}).empty());
    CHECK(robstat::modified_zscore(std::vector<T> {}).empty());
}

TEMPLATE_TEST_CASE("outliers: MAD = 0 gives +-inf, and NaN where x equals the median",
    "[outliers][zscore]", float, double)
{
    using T = TestType;
    const T inf = std::numeric_limits<T>::infinity();
    const std::vector<T> x { T(1), T(3), T(3), T(3), T(5) }; // median 3, MAD 0
    for (const auto& z : { robstat::robust_zscore(x), robstat::modified_zscore(x) }) {
        REQUIRE(z.size() == 5);
        CHECK(z[0] == -inf);
        CHECK(std::isnan(z[1]));
        CHECK(std::isnan(z[2]));
        CHECK(std::isnan(z[3]));
        CHECK(z[4] == inf);
    }
    const std::vector<T> c(7, T(2.5));
    for (const auto& z : { robstat::robust_zscore(c), robstat::modified_zscore(c) })
        CHECK(std::all_of(z.begin(), z.end(), [](T v) { return std::isnan(v); }));
    const std::vector<T> one { T(42) };
    CHECK(std::isnan(robstat::robust_zscore(one)[0]));
    CHECK(std::isnan(robstat::modified_zscore(one)[0]));
}

TEMPLATE_TEST_CASE(
    "outliers: z-scores of infinite values", "[outliers][zscore][inf]", float, double)
{
    using T = TestType;
    const T inf = std::numeric_limits<T>::infinity();
    // median 2.5, deviations inf 1.5 .5 .5 1.5 inf -> MAD 1.5
    const std::vector<T> x { -inf, T(1), T(2), T(3), T(4), inf };
    const auto z = robstat::robust_zscore(x);
    CHECK(z[0] == -inf);
    CHECK(z[5] == inf);
    CHECK(static_cast<double>(z[1])
        == Approx(-1.5 / (1.5 * 1.482602218505602)).epsilon(rel_tol<T>()));
    const auto m = robstat::modified_zscore(x);
    CHECK(m[0] == -inf);
    CHECK(m[5] == inf);
    CHECK(static_cast<double>(m[4]) == Approx(0.6745 * 1.5 / 1.5).epsilon(rel_tol<T>()));
}

TEMPLATE_TEST_CASE("outliers: z-score NaN policies", "[outliers][zscore][nan]", float, double)
{
    using T = TestType;
    using R = robstat::result_t<T>;
    const T nan = std::numeric_limits<T>::quiet_NaN();
    const robstat::options omit { robstat::nan_policy::omit };
    const robstat::options raise { robstat::nan_policy::raise };
    for_each_nan_placement<T>(600, [&](const nan_case<T>& c) {
        std::vector<R> out(c.x.size());
        robstat::robust_zscore(c.in.span(), out.data());
        CHECK(std::all_of(out.begin(), out.end(), [](R v) { return std::isnan(v); }));
        robstat::modified_zscore(c.in.span(), out.data());
        CHECK(std::all_of(out.begin(), out.end(), [](R v) { return std::isnan(v); }));
        check_zscores(c.x, c.stride, omit, "omit");
        CHECK_THROWS_AS(robstat::robust_zscore(c.in.span(), out.data(), raise), std::domain_error);
        CHECK_THROWS_AS(
            robstat::modified_zscore(c.in.span(), out.data(), raise), std::domain_error);
    });
    const std::vector<T> all(5, nan);
    for (const auto& z : { robstat::robust_zscore(all), robstat::modified_zscore(all),
             robstat::robust_zscore(all, omit), robstat::modified_zscore(all, omit) })
        CHECK(std::all_of(z.begin(), z.end(), [](R v) { return std::isnan(v); }));
    CHECK_THROWS_AS(robstat::robust_zscore(all, raise), std::domain_error);
    CHECK_NOTHROW(robstat::modified_zscore(contaminated<T>(20, 1), raise));
}

// ---- integer input, input not modified ------------------------------------------------------

TEST_CASE("outliers: integer input computes in double", "[outliers][int]")
{
    const std::vector<int> xi { 7, -3, 12, 7, 0, 1000, 5, -40, 7, 2, 9, 4 };
    const std::vector<double> xd(xi.begin(), xi.end());
    CHECK(robstat::winsorize(xi, 0.1) == robstat::winsorize(xd, 0.1));
    const auto w = robstat::winsorize(xi, 0.1);
    // n = 12, g = 1: clip to [x_(1), x_(10)] = [-3, 12]
    CHECK(*std::min_element(w.begin(), w.end()) == -3.0);
    CHECK(*std::max_element(w.begin(), w.end()) == 12.0);
    CHECK(robstat::robust_zscore(xi) == robstat::robust_zscore(xd));
    CHECK(robstat::modified_zscore(xi) == robstat::modified_zscore(xd));
    // median 6, raw MAD 3.5
    CHECK(robstat::modified_zscore(xi)[0] == Approx(0.6745 * 1 / 3.5).epsilon(1e-12));
    for (std::ptrdiff_t stride : test_strides) {
        const strided_input<int> in(xi, stride);
        std::vector<double> out(xi.size());
        robstat::winsorize(in.span(), out.data(), 0.1);
        INFO("stride=" << stride);
        CHECK(out == robstat::winsorize(xd, 0.1));
        robstat::robust_zscore(in.span(), out.data());
        const auto ref = oracle_zscore(xi, 1.0, 1.482602218505602);
        for (std::size_t i = 0; i < xi.size(); ++i)
            CHECK(z_matches(out[i], ref.z[i], ref.scale[i], 1e-12));
    }
}

TEMPLATE_TEST_CASE("outliers: the input is never modified", "[outliers]", float, double)
{
    using T = TestType;
    using R = robstat::result_t<T>;
    const robstat::options omit { robstat::nan_policy::omit };
    for (std::size_t n : { 2u, 17u, 100u, 1000u }) {
        auto x = contaminated<T>(n, 51 + n);
        x[n / 3] = std::numeric_limits<T>::quiet_NaN();
        const auto before = x;
        for (const auto& o : { robstat::options {}, omit }) {
            (void)robstat::winsorize(x, 0.2, o);
            (void)robstat::robust_zscore(x, o);
            (void)robstat::modified_zscore(x, o);
            REQUIRE(same_bits(x, before));
        }
        const strided_input<T> in(x, 3);
        const auto storage_before = in.storage;
        std::vector<R> out(n);
        robstat::winsorize(in.span(), out.data(), 0.2, omit);
        robstat::robust_zscore(in.span(), out.data(), omit);
        robstat::modified_zscore(in.span(), out.data(), omit);
        CHECK(same_bits(in.storage, storage_before));
    }
}
