// Rolling windows (include/robstat/rolling.hpp) against a brute-force window loop:
// for every output, the window's non-NaN values are gathered and handed to an
// independent sorted-copy oracle (median, quantile, MAD) or to a long double
// sum of the sorted middle (trimmed mean). Random data with NaN and heavy ties,
// trailing and centred windows (odd and even), windows 1, 2, even, odd and
// larger than the data, several min_periods; float and double; strided and
// negative-stride input; the NaN policies; the 1e300 accuracy trap.
#include <catch2/catch.hpp>

#include <robstat/robstat.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace {

using robstat::rolling_options;
constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

/// The non-NaN values of the window of output t (pandas' geometry), sorted.
template <class T>
std::vector<double> window_of(
    const std::vector<T>& x, std::size_t t, std::size_t w, bool center, std::size_t* nans = nullptr)
{
    const std::size_t r = center ? (w - 1) / 2 : 0;
    const std::size_t l = w - 1 - r;
    std::vector<double> v;
    std::size_t k = 0;
    const auto lo = static_cast<std::ptrdiff_t>(t) - static_cast<std::ptrdiff_t>(l);
    for (std::ptrdiff_t i = std::max<std::ptrdiff_t>(lo, 0);
         i <= static_cast<std::ptrdiff_t>(t + r) && i < static_cast<std::ptrdiff_t>(x.size());
         ++i) {
        const double d = static_cast<double>(x[static_cast<std::size_t>(i)]);
        if (std::isnan(d))
            ++k;
        else
            v.push_back(d);
    }
    std::sort(v.begin(), v.end());
    if (nans)
        *nans = k;
    return v;
}

/// Midpoint as robstat computes it in T (exact inputs: the sorted values are T values).
template <class T> double mid(double a, double b)
{
    return static_cast<double>(robstat::detail::midpoint(static_cast<T>(a), static_cast<T>(b)));
}

template <class T> double oracle_median(const std::vector<double>& s)
{
    const std::size_t n = s.size();
    return n % 2 ? s[n / 2] : mid<T>(s[n / 2 - 1], s[n / 2]);
}

template <class T> double oracle_quantile(const std::vector<double>& s, double q)
{
    // NumPy's linear method, as robstat::detail::lerp computes it in double
    const std::size_t n = s.size();
    const double h = q * static_cast<double>(n - 1);
    const double fl = std::floor(h);
    const auto lo = static_cast<std::size_t>(fl);
    const std::size_t hi = std::min(lo + 1, n - 1);
    return static_cast<double>(static_cast<T>(robstat::detail::lerp<double>(s[lo], s[hi], h - fl)));
}

template <class T> double oracle_mad_raw(const std::vector<double>& s)
{
    const T m = static_cast<T>(oracle_median<T>(s));
    std::vector<double> d;
    for (double v : s)
        d.push_back(static_cast<double>(std::fabs(static_cast<T>(v) - m)));
    std::sort(d.begin(), d.end());
    return oracle_median<T>(d);
}

long double oracle_trimmed(const std::vector<double>& s, double lower, double upper)
{
    const std::size_t n = s.size();
    const auto glo = static_cast<std::size_t>(std::floor(lower * static_cast<double>(n)));
    const auto ghi = static_cast<std::size_t>(std::floor(upper * static_cast<double>(n)));
    long double sum = 0;
    for (std::size_t i = glo; i < n - ghi; ++i)
        sum += s[i];
    return sum / static_cast<long double>(n - glo - ghi);
}

bool same(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

template <class T> std::vector<T> noisy(std::size_t n, std::uint64_t seed, bool ties, double p_nan)
{
    std::mt19937_64 g(seed);
    std::normal_distribution<double> nd(1.0, 3.0);
    std::uniform_real_distribution<double> u(0, 1);
    std::vector<T> x(n);
    for (auto& v : x) {
        double d = nd(g);
        if (ties)
            d = std::round(d / 2);
        if (u(g) < p_nan)
            d = nan_v;
        v = static_cast<T>(d);
    }
    return x;
}

struct geometry {
    std::size_t n, w;
    bool center;
    std::ptrdiff_t min_periods;
};

std::vector<geometry> geometries()
{
    std::vector<geometry> g;
    for (std::size_t n : { 0u, 1u, 2u, 5u, 64u, 257u })
        for (std::size_t w : { 1u, 2u, 3u, 4u, 10u, 33u, 300u })
            for (bool c : { false, true })
                for (std::ptrdiff_t mp : { std::ptrdiff_t(-1), std::ptrdiff_t(0), std::ptrdiff_t(1),
                         static_cast<std::ptrdiff_t>((w + 1) / 2) })
                    g.push_back({ n, w, c, mp });
    return g;
}

template <class T> void check_against_brute_force(robstat::nan_policy policy)
{
    std::uint64_t seed = 11;
    for (const geometry& G : geometries()) {
        for (bool ties : { false, true }) {
            const auto x = noisy<T>(G.n, ++seed, ties, 0.15);
            rolling_options o;
            o.min_periods = G.min_periods;
            o.center = G.center;
            o.nan = policy;
            const auto med = robstat::rolling_median(x, G.w, o);
            const auto q3
                = robstat::rolling_quantile(x, G.w, 0.3, robstat::quantile_method::linear, o);
            const auto tm = robstat::rolling_trimmed_mean(x, G.w, robstat::trim_spec(0.2), o);
            const auto ta = robstat::rolling_trimmed_mean(x, G.w, robstat::trim_spec(0.0, 0.3), o);
            const auto mad = robstat::rolling_mad(x, G.w, 1.0, o);
            const auto madn = robstat::rolling_mad(x, G.w, robstat::mad_normal_scale, o);
            const auto hz = robstat::rolling_robust_zscore(x, G.w, 3.0, o);
            REQUIRE(med.size() == G.n);
            const std::size_t mp = G.min_periods < 0
                ? G.w
                : std::max<std::size_t>(static_cast<std::size_t>(G.min_periods), 1);
            for (std::size_t t = 0; t < G.n; ++t) {
                std::size_t nans = 0;
                const auto s = window_of(x, t, G.w, G.center, &nans);
                const bool ok
                    = s.size() >= mp && !(policy == robstat::nan_policy::propagate && nans > 0);
                INFO("n=" << G.n << " w=" << G.w << " center=" << G.center
                          << " mp=" << G.min_periods << " ties=" << ties << " t=" << t);
                if (!ok) {
                    REQUIRE(std::isnan(med[t]));
                    REQUIRE(std::isnan(q3[t]));
                    REQUIRE(std::isnan(tm[t]));
                    REQUIRE(std::isnan(mad[t]));
                    REQUIRE(std::isnan(hz.zscore[t]));
                    REQUIRE(std::isnan(hz.center[t]));
                    continue;
                }
                REQUIRE(same(med[t], oracle_median<T>(s)));
                REQUIRE(same(q3[t], oracle_quantile<T>(s, 0.3)));
                const double raw = oracle_mad_raw<T>(s);
                REQUIRE(same(mad[t], static_cast<double>(static_cast<T>(raw))));
                REQUIRE(same(
                    madn[t], static_cast<double>(static_cast<T>(raw * robstat::mad_normal_scale))));
                const double tol = std::is_same_v<T, float> ? 1e-6 : 1e-14;
                const long double et = oracle_trimmed(s, 0.2, 0.2);
                REQUIRE(std::fabs(tm[t] - et) <= tol * (std::fabs(et) + 1));
                const long double ea = oracle_trimmed(s, 0.0, 0.3);
                REQUIRE(std::fabs(ta[t] - ea) <= tol * (std::fabs(ea) + 1));
                // Hampel: the same median and scaled MAD
                REQUIRE(same(hz.center[t], med[t]));
                REQUIRE(same(hz.scale[t], madn[t]));
                const double xt = static_cast<double>(x[t]);
                const double z = static_cast<double>(static_cast<T>(
                    (xt - static_cast<double>(hz.center[t])) / static_cast<double>(hz.scale[t])));
                REQUIRE(same(hz.zscore[t], z));
                REQUIRE(hz.outlier[t] == (std::fabs(z) > 3.0 ? 1 : 0));
            }
        }
    }
}

} // namespace

TEST_CASE("rolling: brute-force window loop, double, NaN omitted", "[rolling]")
{
    check_against_brute_force<double>(robstat::nan_policy::omit);
}

TEST_CASE("rolling: brute-force window loop, float, NaN omitted", "[rolling]")
{
    check_against_brute_force<float>(robstat::nan_policy::omit);
}

TEST_CASE("rolling: brute-force window loop, NaN propagated", "[rolling]")
{
    check_against_brute_force<double>(robstat::nan_policy::propagate);
}

TEST_CASE("rolling: long lanes cross many blocks", "[rolling]")
{
    // blocks of max(window, 32) values: 5000 values cross ~150 block boundaries
    for (std::size_t w : { 5u, 64u, 101u, 1000u }) {
        const auto x = noisy<double>(5000, w, true, 0.05);
        rolling_options o;
        o.min_periods = 1;
        o.center = w % 2 == 0;
        const auto med = robstat::rolling_median(x, w, o);
        const auto mad = robstat::rolling_mad(x, w, 1.0, o);
        const auto tm = robstat::rolling_trimmed_mean(x, w, 0.1, o);
        for (std::size_t t = 0; t < x.size(); t += 7) {
            const auto s = window_of(x, t, w, o.center);
            INFO("w=" << w << " t=" << t);
            if (s.empty()) {
                REQUIRE((std::isnan(med[t]) && std::isnan(mad[t]) && std::isnan(tm[t])));
                continue;
            }
            REQUIRE(same(med[t], oracle_median<double>(s)));
            REQUIRE(same(mad[t], oracle_mad_raw<double>(s)));
            const long double e = oracle_trimmed(s, 0.1, 0.1);
            REQUIRE(std::fabs(tm[t] - e) <= 1e-14 * (std::fabs(e) + 1));
        }
    }
}

TEST_CASE("rolling: MAD across level shifts and spikes (far searches)", "[rolling]")
{
    // level shifts move the MAD's split point far between steps: the search
    // falls back from walking the cursors to bisection
    std::mt19937_64 g(17);
    std::normal_distribution<double> nd;
    std::vector<double> x(6000);
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = nd(g) * (1 + (i / 700) % 3) + 100.0 * ((i / 300) % 2) + (i % 97 == 0 ? 1e6 : 0);
    for (std::size_t w : { 20u, 101u, 400u }) {
        rolling_options o;
        o.center = true;
        o.min_periods = 1;
        const auto mad = robstat::rolling_mad(x, w, 1.0, o);
        for (std::size_t t = 0; t < x.size(); t += 3) {
            INFO("w=" << w << " t=" << t);
            REQUIRE(same(mad[t], oracle_mad_raw<double>(window_of(x, t, w, true))));
        }
    }
}

TEST_CASE("rolling: trimmed mean stays exact after a huge value left the window", "[rolling]")
{
    // running sums updated by adding and subtracting would lose every small value
    // once 1e300 entered and left; the recomputed double-double tree does not
    std::mt19937_64 g(5);
    std::uniform_real_distribution<double> u(1.0, 2.0);
    std::vector<double> x(3000);
    for (auto& v : x)
        v = u(g);
    x[100] = 1e300;
    x[1500] = -1e300;
    x[1501] = 1e300;
    for (double trim : { 0.0, 0.1 }) {
        const auto tm = robstat::rolling_trimmed_mean(x, 50, trim);
        for (std::size_t t = 49; t < x.size(); ++t) {
            const auto s = window_of(x, t, 50, false);
            const std::size_t g0 = static_cast<std::size_t>(std::floor(trim * 50));
            // the oracle: huge and ordinary kept values summed apart (long double)
            long double huge = 0, small = 0;
            for (std::size_t i = g0; i < s.size() - g0; ++i)
                (std::fabs(s[i]) > 1e100 ? huge : small) += s[i];
            const long double e = (huge + small) / static_cast<long double>(s.size() - 2 * g0);
            INFO("trim=" << trim << " t=" << t);
            REQUIRE(std::fabs(tm[t] - e) <= 1e-15 * std::fabs(e));
        }
    }
    // right after the huge value leaves: the plain mean of the window
    const auto tm = robstat::rolling_trimmed_mean(x, 50, 0.0);
    long double s = 0;
    for (std::size_t i = 150; i < 200; ++i)
        s += x[i];
    CHECK(std::fabs(tm[199] - s / 50) <= 1e-15 * (s / 50));
}

TEST_CASE("rolling: overflow and infinities", "[rolling]")
{
    const double big = 1e308, inf = std::numeric_limits<double>::infinity();
    const std::vector<double> x { big, big, 1.5 * big, -big, inf, 1.0, -inf, 2.0 };
    const auto tm = robstat::rolling_trimmed_mean(x, 2, 0.0);
    CHECK(tm[1] == big); // the mean of 1e308, 1e308: no overflow
    CHECK(tm[2] == Approx(1.25e308).epsilon(1e-15));
    CHECK(tm[4] == inf);                                            // -1e308 and inf
    CHECK(std::isnan(robstat::rolling_trimmed_mean(x, 3, 0.0)[6])); // inf + (-inf)
    const auto med = robstat::rolling_median(x, 2);
    CHECK(med[2] == 1.25e308);                         // midpoint without overflow
    CHECK(robstat::rolling_median(x, 3)[6] == 1.0);    // {inf, 1, -inf}
    CHECK(robstat::rolling_median(x, 2)[5] == inf);    // {inf, 1}
    CHECK(robstat::rolling_median(x, 2)[7] == -inf);   // {-inf, 2}
    CHECK(robstat::rolling_median(x, 4)[6] == -5e307); // {-1e308, inf, 1, -inf}
    const auto mad = robstat::rolling_mad(x, 3, 1.0);
    CHECK(mad[6] == inf); // median 1: distances inf, 0, inf
    const auto mad2 = robstat::rolling_mad(x, 2, 1.0);
    CHECK(std::isnan(mad2[5])); // {inf, 1}: the median is inf
}

TEST_CASE("rolling: strided and negative-stride views equal the contiguous copy", "[rolling]")
{
    const auto x = noisy<double>(600, 3, true, 0.1);
    std::vector<double> even, rev(x.rbegin(), x.rend());
    for (std::size_t i = 0; i < x.size(); i += 2)
        even.push_back(x[i]);
    rolling_options o;
    o.min_periods = 2;
    o.center = true;
    const auto a = robstat::rolling_median(robstat::make_span(x.data(), 300, 2), 10, o);
    const auto b = robstat::rolling_median(even, 10, o);
    const auto c = robstat::rolling_mad(robstat::make_span(x.data() + 599, 600, -1), 9, 1.0, o);
    const auto d = robstat::rolling_mad(rev, 9, 1.0, o);
    for (std::size_t i = 0; i < a.size(); ++i)
        REQUIRE(same(a[i], b[i]));
    for (std::size_t i = 0; i < c.size(); ++i)
        REQUIRE(same(c[i], d[i]));
}

TEST_CASE("rolling: integers compute in double; input unchanged", "[rolling]")
{
    const std::vector<int> xi { 5, 1, 4, 2, 3, 9, 0 };
    const auto med = robstat::rolling_median(xi, 3);
    static_assert(std::is_same_v<decltype(med)::value_type, double>);
    CHECK(std::isnan(med[1]));
    CHECK(med[2] == 4.0);
    CHECK(med[6] == 3.0);
    std::vector<double> x = noisy<double>(100, 9, false, 0.1);
    const auto copy = x;
    (void)robstat::rolling_trimmed_mean(x, 7, 0.1);
    (void)robstat::rolling_robust_zscore(x, 7);
    for (std::size_t i = 0; i < x.size(); ++i)
        REQUIRE(same(x[i], copy[i]));
}

TEST_CASE("rolling: quantile methods equal robstat::quantile on each window", "[rolling]")
{
    using M = robstat::quantile_method;
    const auto x = noisy<double>(300, 21, true, 0.1);
    rolling_options o;
    o.min_periods = 1;
    for (M m : { M::linear, M::lower, M::higher, M::midpoint, M::nearest })
        for (double q : { 0.0, 0.1, 0.25, 0.5, 0.9, 1.0 }) {
            const auto r = robstat::rolling_quantile(x, 8, q, m, o);
            for (std::size_t t = 0; t < x.size(); ++t) {
                const auto s = window_of(x, t, 8, false);
                const double e = s.empty() ? nan_v : robstat::quantile(s, q, m);
                REQUIRE(same(r[t], e));
            }
        }
}

TEST_CASE("rolling: NaN policy raise and parameter validation", "[rolling]")
{
    const std::vector<double> x { 1, 2, nan_v, 4 };
    rolling_options o;
    o.nan = robstat::nan_policy::raise;
    CHECK_THROWS_AS(robstat::rolling_median(x, 2, o), std::domain_error);
    CHECK_THROWS_AS(robstat::rolling_mad(x, 2, 1.0, o), std::domain_error);
    const std::vector<double> y { 1, 2, 3 };
    CHECK_NOTHROW(robstat::rolling_median(y, 2, o));
    using Catch::Matchers::Contains;
    CHECK_THROWS_WITH(robstat::rolling_median(y, 0), Contains("window"));
    rolling_options bad;
    bad.min_periods = 3;
    CHECK_THROWS_WITH(robstat::rolling_median(y, 2, bad), Contains("min_periods"));
    bad.min_periods = -2;
    CHECK_THROWS_AS(robstat::rolling_median(y, 2, bad), std::invalid_argument);
    CHECK_THROWS_WITH(robstat::rolling_trimmed_mean(y, 2, 0.5), Contains("trim"));
    CHECK_THROWS_WITH(robstat::rolling_trimmed_mean(y, 2, -0.1), Contains("trim"));
    CHECK_THROWS_WITH(
        robstat::rolling_trimmed_mean(y, 2, robstat::trim_spec::counts(1)), Contains("trim"));
    CHECK_THROWS_WITH(robstat::rolling_quantile(y, 2, 1.5), Contains("q"));
    CHECK_THROWS_WITH(robstat::rolling_mad(y, 2, 0.0), Contains("scale"));
    CHECK_THROWS_WITH(robstat::rolling_robust_zscore(y, 2, -1.0), Contains("threshold"));
}
