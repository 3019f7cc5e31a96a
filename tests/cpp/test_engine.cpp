// The one-pass bracketing engine (select/bracket_engine.hpp) engages for
// lanes of at least engine_min_size values. Every estimator routed through it
// must equal an independent sort-based oracle exactly (order statistics) or to
// rounding (sums), on data built to stress it: ties that overflow a bracket,
// sorted and reversed input, clustered values, NaN under each policy, +-inf,
// huge magnitudes, strides and float32.
#include <catch2/catch.hpp>

#include <robstat/robstat.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "test_support.hpp"

using namespace robstat_test;

namespace {

using robstat::detail::engine_min_size;

template <class T>
std::vector<T> make_case(const std::string& kind, std::size_t n, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> nd(0.0, 1.0);
    std::vector<T> x(n);
    for (std::size_t i = 0; i < n; ++i) {
        double v = nd(rng);
        if (kind == "outliers" && i % 97 == 0)
            v = 1000.0 + static_cast<double>(i % 7);
        else if (kind == "ties")
            v = std::round(v * 2.0); // a handful of distinct values
        else if (kind == "constant")
            v = 3.25;
        else if (kind == "sorted")
            v = static_cast<double>(i) * 0.5;
        else if (kind == "reversed")
            v = -static_cast<double>(i);
        else if (kind == "inf" && i % 1000 == 3)
            v = (i % 2000 == 3) ? std::numeric_limits<double>::infinity()
                                : -std::numeric_limits<double>::infinity();
        else if (kind == "huge") // near the top of the type's range, still finite
            v *= std::is_same_v<T, float> ? 1e37 : 1e307;
        else if (kind == "clustered")
            v = (i % 3 == 0 ? 1e6 : 0.0) + v * 1e-6;
        x[i] = static_cast<T>(v);
    }
    return x;
}

double oracle_median(const std::vector<double>& s)
{
    const std::size_t n = s.size();
    return n % 2 ? s[n / 2] : robstat::detail::midpoint(s[n / 2 - 1], s[n / 2]);
}

long double oracle_trimmed(const std::vector<double>& s, double p)
{
    const std::size_t n = s.size(), g = static_cast<std::size_t>(std::floor(p * n));
    long double acc = 0;
    for (std::size_t i = g; i < n - g; ++i)
        acc += s[i];
    return acc / static_cast<long double>(n - 2 * g);
}

long double oracle_winsorized(const std::vector<double>& s, double p)
{
    const std::size_t n = s.size(), g = static_cast<std::size_t>(std::floor(p * n));
    long double acc = 0;
    for (std::size_t i = 0; i < n; ++i)
        acc += s[std::clamp(i, g, n - g - 1)];
    return acc / static_cast<long double>(n);
}

double oracle_mad(const std::vector<double>& s)
{
    const double med = oracle_median(s);
    std::vector<double> d;
    for (double v : s)
        d.push_back(std::fabs(v - med));
    std::sort(d.begin(), d.end());
    return oracle_median(d);
}

template <class T> bool same_value(double got, double want)
{
    if (std::isnan(want))
        return std::isnan(got);
    return got == static_cast<double>(static_cast<T>(want));
}

template <class T> bool close(long double got, long double want)
{
    if (std::isnan(static_cast<double>(want)) || std::isinf(static_cast<double>(want)))
        return std::isnan(static_cast<double>(got)) == std::isnan(static_cast<double>(want))
            && (std::isnan(static_cast<double>(want)) || got == want);
    const long double tol = std::is_same_v<T, float> ? 1e-6L : 1e-12L;
    return std::fabs(got - want) <= tol * std::max(std::fabs(want), 1.0L);
}

} // namespace

TEMPLATE_TEST_CASE("engine: results equal a sort-based oracle", "[engine]", float, double)
{
    using T = TestType;
    const std::vector<std::string> kinds { "normal", "outliers", "ties", "constant", "sorted",
        "reversed", "inf", "huge", "clustered" };
    const std::vector<std::size_t> sizes { engine_min_size - 1, engine_min_size,
        engine_min_size + 1, 50001 };
    for (const auto& kind : kinds) {
        for (std::size_t n : sizes) {
            CAPTURE(kind, n);
            const auto x = make_case<T>(kind, n, n + kind.size());
            const auto s = sorted_values(x);
            CHECK(same_value<T>(robstat::median(x), oracle_median(s)));
            for (double q : { 0.0, 0.01, 0.25, 0.5, 0.9, 1.0 }) {
                CAPTURE(q);
                const double h = q * static_cast<double>(n - 1);
                const auto lo = static_cast<std::size_t>(std::floor(h));
                const double want = robstat::detail::lerp<double>(
                    s[lo], s[std::min(lo + 1, n - 1)], h - std::floor(h));
                CHECK(
                    same_value<T>(robstat::quantile(x, q, robstat::quantile_method::lower), s[lo]));
                CHECK(close<T>(robstat::quantile(x, q), want));
            }
            for (double p : { 0.0, 0.1, 0.25, 0.4 }) {
                CAPTURE(p);
                CHECK(close<T>(robstat::trimmed_mean(x, p), oracle_trimmed(s, p)));
                CHECK(close<T>(robstat::winsorized_mean(x, p), oracle_winsorized(s, p)));
            }
            if (kind != "inf") {
                CHECK(close<T>(robstat::mad(x, 1.0), oracle_mad(s)));
                const auto w = robstat::winsorize(x, 0.1);
                const std::size_t g = n / 10;
                for (std::size_t i = 0; i < n; i += 101)
                    CHECK(same_value<T>(
                        w[i], std::clamp(static_cast<double>(x[i]), s[g], s[n - g - 1])));
            }
        }
    }
}

TEMPLATE_TEST_CASE("engine: NaN policies on long lanes", "[engine]", float, double)
{
    using T = TestType;
    auto x = make_case<T>("outliers", 40000, 7);
    for (std::size_t i = 5; i < x.size(); i += 777)
        x[i] = std::numeric_limits<T>::quiet_NaN();
    const auto s = sorted_values(x); // the non-NaN values
    const robstat::options omit { robstat::nan_policy::omit };
    const robstat::options raise { robstat::nan_policy::raise };
    CHECK(std::isnan(robstat::median(x)));
    CHECK(std::isnan(robstat::trimmed_mean(x, 0.1)));
    CHECK(std::isnan(robstat::mad(x)));
    CHECK(same_value<T>(robstat::median(x, omit), oracle_median(s)));
    CHECK(close<T>(robstat::trimmed_mean(x, 0.1, omit), oracle_trimmed(s, 0.1)));
    CHECK(close<T>(robstat::mad(x, 1.0, omit), oracle_mad(s)));
    CHECK_THROWS_AS(robstat::median(x, raise), std::domain_error);
    CHECK_THROWS_AS(robstat::iqr(x, 1.0, raise), std::domain_error);
    // all NaN: nothing left
    std::vector<T> all_nan(30000, std::numeric_limits<T>::quiet_NaN());
    CHECK(std::isnan(robstat::median(all_nan, omit)));
}

TEMPLATE_TEST_CASE("engine: strided lanes read in place", "[engine]", float, double)
{
    using T = TestType;
    const auto base = make_case<T>("outliers", 3 * 30000, 11);
    for (std::ptrdiff_t stride : { 3, -3 }) {
        CAPTURE(stride);
        const T* first = stride > 0 ? base.data() : base.data() + base.size() - 1;
        const robstat::strided_span<const T> view { first, 30000, stride };
        std::vector<T> copy(30000);
        for (std::size_t i = 0; i < copy.size(); ++i)
            copy[i] = view[i];
        const auto s = sorted_values(copy);
        CHECK(same_value<T>(robstat::median(view), oracle_median(s)));
        CHECK(close<T>(robstat::trimmed_mean(view, 0.2), oracle_trimmed(s, 0.2)));
        CHECK(close<T>(robstat::mad(view, 1.0), oracle_mad(s)));
    }
}

TEST_CASE("engine: brackets cover the wanted ranks, or the copy path takes over", "[engine]")
{
    using A = xsimd::default_arch;
    const auto x = make_case<double>("normal", 100000, 3);
    robstat::detail::bracketed_selection<double> sel;
    std::vector<double> sample;
    const std::size_t ranks[2] = { 10000, 89999 };
    const robstat::strided_span<const double> v { x.data(), x.size(), 1 };
    REQUIRE(robstat::detail::plan_brackets(
        v, ranks, 2, robstat::detail::identity_xform {}, sel, sample));
    robstat::detail::bracket_pass<A>(v, robstat::detail::identity_xform {}, sel);
    CHECK(sel.n == x.size());
    CHECK(sel.n_nan == 0);
    REQUIRE(sel.covers(ranks[0]));
    REQUIRE(sel.covers(ranks[1]));
    // the brackets hold a small fraction of the data: no full copy
    std::size_t held = 0;
    for (const auto& b : sel.br)
        held += b.size;
    CHECK(held < x.size() / 10);
    const auto s = sorted_values(x);
    CHECK(sel.select(ranks[0]) == s[ranks[0]]);
    CHECK(sel.select(ranks[1]) == s[ranks[1]]);
    long double want = 0;
    for (std::size_t i = ranks[0]; i <= ranks[1]; ++i)
        want += s[i];
    CHECK(close<double>(sel.sum_ranks<A>(ranks[0], ranks[1]), want));
}
