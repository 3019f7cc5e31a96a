// Sigma clipping and the outlier rules: against astropy and R (tests/data/reference_clip.csv,
// written by tests/tools/make_reference_clip.py), against a brute-force definition, and the
// edge cases (empty, NaN policies, infinities, ties, float, strided input).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <robstat/robstat.hpp>

#include "test_support.hpp"

namespace {

using robstat::clip_center;
using robstat::clip_scale;
using robstat::sigma_clip_params;

std::vector<std::string> split(const std::string& s, char sep)
{
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep))
        out.push_back(cur);
    if (!s.empty() && s.back() == sep)
        out.emplace_back();
    return out;
}

struct clip_row {
    std::vector<std::string> f;
    std::vector<double> x;
};

const std::vector<clip_row>& clip_reference()
{
    static const std::vector<clip_row> rows = [] {
        std::vector<clip_row> r;
        const std::string path = std::string(ROBSTAT_TEST_DATA_DIR) + "/reference_clip.csv";
        std::ifstream in(path);
        if (!in)
            throw std::runtime_error("cannot open " + path);
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#')
                continue;
            clip_row row;
            row.f = split(line, ',');
            if (row.f.size() != 12)
                throw std::runtime_error("bad row in reference_clip.csv");
            for (const auto& t : split(row.f[11], ' '))
                row.x.push_back(std::strtod(t.c_str(), nullptr));
            r.push_back(std::move(row));
        }
        return r;
    }();
    return rows;
}

char label_char(std::int8_t l)
{
    return l < 0 ? '-' : (l > 0 ? '+' : '0');
}

/// Sigma clipping written as the definition: a vector filtered each iteration.
template <class W>
robstat::sigma_clip_result<W> brute_sigma_clip(const std::vector<W>& x, sigma_clip_params p)
{
    std::vector<W> s;
    for (W v : x)
        if (std::isfinite(v))
            s.push_back(v);
    auto median = [](std::vector<W> v) -> W {
        std::sort(v.begin(), v.end());
        const std::size_t n = v.size();
        return n % 2 ? v[n / 2] : robstat::detail::midpoint(v[n / 2 - 1], v[n / 2]);
    };
    robstat::sigma_clip_result<W> r;
    r.lower = r.upper = r.center = r.scale = std::numeric_limits<W>::quiet_NaN();
    for (std::size_t it = 1; !s.empty(); ++it) {
        const W med = median(s);
        long double sum = 0;
        for (W v : s)
            sum += v;
        const double mean = static_cast<double>(sum / s.size());
        long double ss = 0;
        for (W v : s)
            ss += (static_cast<long double>(v) - mean) * (static_cast<long double>(v) - mean);
        std::vector<W> dev;
        for (W v : s)
            dev.push_back(static_cast<W>(std::fabs(v - med)));
        const W c = p.center == clip_center::median ? med : static_cast<W>(mean);
        const W sc = p.scale == clip_scale::mad_std
            ? static_cast<W>(static_cast<double>(median(dev)) * robstat::mad_normal_scale)
            : static_cast<W>(std::sqrt(static_cast<double>(ss / s.size())));
        r.lower = static_cast<W>(static_cast<double>(c)
            - robstat::detail::rounded_product(static_cast<double>(sc), p.low));
        r.upper = static_cast<W>(static_cast<double>(c)
            + robstat::detail::rounded_product(static_cast<double>(sc), p.high));
        r.center = c;
        r.scale = sc;
        r.n_iter = it;
        std::vector<W> kept;
        for (W v : s)
            if (v >= r.lower && v <= r.upper)
                kept.push_back(v);
        if (kept.size() == s.size()) {
            r.converged = true;
            break;
        }
        s.swap(kept);
        if (p.maxiters > 0 && it >= static_cast<std::size_t>(p.maxiters))
            break;
    }
    for (W v : x)
        r.labels.push_back(v != v ? 0 : robstat::detail::fence_label<W>(v, r.lower, r.upper, true));
    return r;
}

template <class W> std::vector<W> clip_data(std::size_t n, int kind, std::uint64_t seed)
{
    std::mt19937_64 g(seed);
    std::normal_distribution<double> nd;
    std::vector<W> x(n);
    for (auto& v : x)
        v = static_cast<W>(nd(g));
    if (kind == 1) // outliers
        for (std::size_t i = 0; i < n; i += 23)
            x[i] = static_cast<W>(nd(g) * 30 + (i % 2 ? 40 : -25));
    if (kind == 2) // ties
        for (auto& v : x)
            v = std::round(v * 2);
    if (kind == 3) // skewed
        for (auto& v : x)
            v = std::exp(v);
    return x;
}

} // namespace

TEST_CASE("sigma_clip: agrees with astropy.stats.sigma_clip (reference table)", "[clip]")
{
    std::size_t checked = 0;
    for (const auto& row : clip_reference()) {
        if (row.f[0] != "sigma_clip")
            continue;
        sigma_clip_params p;
        p.low = std::stod(row.f[3]);
        p.high = std::stod(row.f[4]);
        p.maxiters = std::stol(row.f[5]);
        p.center = robstat::parse_clip_center(row.f[6]);
        p.scale = robstat::parse_clip_scale(row.f[7]);
        const double lo = std::strtod(row.f[8].c_str(), nullptr);
        const double hi = std::strtod(row.f[9].c_str(), nullptr);
        const auto r = robstat::sigma_clip(row.x, p);
        INFO("kind " << row.f[1] << " n=" << row.x.size() << " " << row.f[6] << "/" << row.f[7]
                     << " low=" << p.low << " high=" << p.high << " maxiters=" << p.maxiters);
        // 1e-12 relative to the size of the terms (c and s * sigma) the bounds come from
        const double tol = 1e-12 * std::max({ std::fabs(lo), std::fabs(hi), hi - lo });
        const bool exact = p.center == clip_center::median && p.scale == clip_scale::mad_std;
        if (std::isnan(lo)) {
            CHECK(std::isnan(r.lower));
            CHECK(std::isnan(r.upper));
        } else if (exact) {
            CHECK(r.lower == lo);
            CHECK(r.upper == hi);
        } else {
            CHECK(std::fabs(r.lower - lo) <= tol);
            CHECK(std::fabs(r.upper - hi) <= tol);
        }
        const std::string& want = row.f[10];
        REQUIRE(want.size() == row.x.size());
        for (std::size_t i = 0; i < row.x.size(); ++i) {
            const char got = label_char(r.labels[i]);
            if (got == want[i])
                continue;
            // only a value within rounding of a bound may differ (mean/std sums)
            INFO("value " << i << " = " << row.x[i] << " label " << got << " astropy " << want[i]);
            CHECK(!exact);
            CHECK(std::min(std::fabs(row.x[i] - lo), std::fabs(row.x[i] - hi)) <= tol);
        }
        ++checked;
    }
    CHECK(checked > 200);
}

TEST_CASE(
    "outliers iqr: numpy type-7 fences, and R's boxplot.stats when hinges = quartiles", "[clip]")
{
    std::size_t checked = 0, with_r = 0;
    for (const auto& row : clip_reference()) {
        if (row.f[0] != "iqr")
            continue;
        const double k = std::stod(row.f[3]);
        const double r_lo = std::stod(row.f[4]), r_hi = std::stod(row.f[5]);
        const double lo = std::stod(row.f[8]), hi = std::stod(row.f[9]);
        const auto r = robstat::outliers(row.x, robstat::outlier_method::iqr, k);
        INFO("kind " << row.f[1] << " n=" << row.x.size() << " k=" << k);
        const double tol = 1e-12 * std::max({ std::fabs(lo), std::fabs(hi), hi - lo });
        CHECK(std::fabs(r.lower - lo) <= tol);
        CHECK(std::fabs(r.upper - hi) <= tol);
        for (std::size_t i = 0; i < row.x.size(); ++i)
            CHECK(label_char(r.labels[i]) == row.f[10][i]);
        // Tukey's hinges equal the type-7 quartiles when n = 4m + 1 (and for n = 1)
        if (row.x.size() % 4 == 1) {
            CHECK(std::fabs(r.lower - r_lo) <= tol);
            CHECK(std::fabs(r.upper - r_hi) <= tol);
            ++with_r;
        }
        ++checked;
    }
    CHECK(checked > 20);
    CHECK(with_r > 5);
}

TEMPLATE_TEST_CASE("sigma_clip: brute-force definition, every size path", "[clip]", float, double)
{
    using W = TestType;
    const std::size_t sizes[] = { 0, 1, 2, 3, 4, 7, 50, 333, 2048, 2049, 5000, 40000, 70001 };
    std::uint64_t seed = 100;
    for (std::size_t n : sizes) {
        for (int kind = 0; kind < 4; ++kind) {
            for (int pi = 0; pi < 4; ++pi) {
                sigma_clip_params p;
                p.low = pi == 1 ? 2.0 : 3.0;
                p.high = pi == 1 ? 1.5 : (pi == 3 ? 2.5 : 3.0);
                p.maxiters = pi == 2 ? 2 : -1;
                p.center = pi == 3 ? clip_center::mean : clip_center::median;
                p.scale = pi == 3 ? clip_scale::std : clip_scale::mad_std;
                const auto x = clip_data<W>(n, kind, ++seed);
                const auto got = robstat::sigma_clip(x, p);
                const auto want = brute_sigma_clip(x, p);
                INFO("n=" << n << " kind " << kind << " params " << pi);
                CHECK(got.n_iter == want.n_iter);
                CHECK(got.converged == want.converged);
                if (pi != 3) { // order statistics: bit-identical
                    CHECK((got.lower == want.lower
                        || (got.lower != got.lower && want.lower != want.lower)));
                    CHECK((got.upper == want.upper
                        || (got.upper != got.upper && want.upper != want.upper)));
                    CHECK((got.center == want.center
                        || (got.center != got.center && want.center != want.center)));
                    CHECK((got.scale == want.scale
                        || (got.scale != got.scale && want.scale != want.scale)));
                    CHECK(got.labels == want.labels);
                } else {
                    const double tol = (std::is_same_v<W, float> ? 1e-6 : 1e-13)
                        * (std::fabs(want.center) + 3 * want.scale + 1e-300);
                    if (n > 0) {
                        CHECK(std::fabs(got.lower - want.lower) <= tol);
                        CHECK(std::fabs(got.upper - want.upper) <= tol);
                    }
                }
            }
        }
    }
}

TEST_CASE("sigma_clip: edge cases", "[clip]")
{
    using robstat::nan_policy;
    const double nan = robstat_test::nan_d, inf = robstat_test::inf_d;
    SECTION("empty")
    {
        const auto r = robstat::sigma_clip(std::vector<double> {});
        CHECK(r.labels.empty());
        CHECK(std::isnan(r.lower));
        CHECK(r.n_iter == 0);
        CHECK_FALSE(r.converged);
    }
    SECTION("constant data: MAD 0, bounds at the value, all kept, converged at once")
    {
        const auto r = robstat::sigma_clip(std::vector<double>(10, 2.5));
        CHECK(r.lower == 2.5);
        CHECK(r.upper == 2.5);
        CHECK(r.n_kept == 10);
        CHECK(r.n_iter == 1);
        CHECK(r.converged);
    }
    SECTION("MAD 0 with one different value: it is clipped")
    {
        std::vector<double> x(9, 1.0);
        x.push_back(5.0);
        const auto r = robstat::sigma_clip(x);
        CHECK(r.labels.back() == 1);
        CHECK(r.n_high == 1);
        CHECK(r.n_iter == 2);
        CHECK(r.converged);
    }
    SECTION("a value equal to a bound is kept (non-strict), astropy's rule")
    {
        // median 0, MAD 1 -> mad_std 1.4826..., low = high = 1 / mad_normal_scale -> bounds -1, 1
        const std::vector<double> x { -2, -1, -1, 0, 0, 1, 1, 2 };
        sigma_clip_params p;
        p.maxiters = 1;
        p.low = p.high = 1.0;
        const auto r = robstat::sigma_clip(x, p);
        for (std::size_t i = 0; i < x.size(); ++i)
            CHECK(r.labels[i] == (x[i] < r.lower ? -1 : (x[i] > r.upper ? 1 : 0)));
    }
    SECTION("infinities are never used and always clipped")
    {
        const std::vector<double> x { 1, 2, 3, inf, -inf, 2.5, 1.5 };
        const auto r = robstat::sigma_clip(x);
        const auto f = robstat::sigma_clip(std::vector<double> { 1, 2, 3, 2.5, 1.5 });
        CHECK(r.lower == f.lower);
        CHECK(r.upper == f.upper);
        CHECK(r.labels[3] == 1);
        CHECK(r.labels[4] == -1);
        const auto only_inf = robstat::sigma_clip(std::vector<double> { inf, -inf });
        CHECK(std::isnan(only_inf.lower));
        CHECK(only_inf.labels == std::vector<std::int8_t> { 1, -1 });
    }
    SECTION("NaN policies")
    {
        std::vector<double> x = clip_data<double>(101, 1, 5);
        std::vector<double> clean = x;
        x.insert(x.begin() + 40, nan);
        const auto pr = robstat::sigma_clip(x);
        CHECK(std::isnan(pr.lower));
        CHECK(pr.n_low + pr.n_high == 0);
        CHECK(pr.n_nan == 1);
        const auto om = robstat::sigma_clip(x, {}, { nan_policy::omit });
        const auto cl = robstat::sigma_clip(clean);
        CHECK(om.lower == cl.lower);
        CHECK(om.upper == cl.upper);
        CHECK(om.labels[40] == 0);
        CHECK(om.n_kept == cl.n_kept);
        CHECK_THROWS_AS(robstat::sigma_clip(x, {}, { nan_policy::raise }), std::domain_error);
    }
    SECTION("everything clipped: the last bounds are kept (astropy's C path)")
    {
        sigma_clip_params p;
        p.low = p.high = 0.5;
        p.center = clip_center::mean;
        p.scale = clip_scale::std;
        const auto r = robstat::sigma_clip(std::vector<double> { 0, 1, 0, 1 }, p);
        CHECK(r.lower == 0.25);
        CHECK(r.upper == 0.75);
        CHECK(r.n_low == 2);
        CHECK(r.n_high == 2);
        CHECK_FALSE(r.converged);
    }
    SECTION("huge values do not overflow the median path")
    {
        const auto r = robstat::sigma_clip(std::vector<double> { 1e308, 1.5e308, -1e308, 1.2e308 });
        CHECK(std::isfinite(r.center));
    }
    SECTION("strided and reversed views")
    {
        const auto x = clip_data<double>(3001, 1, 9);
        const auto want = robstat::sigma_clip(x);
        const robstat::strided_span<const double> rev { x.data() + x.size() - 1, x.size(), -1 };
        const auto got = robstat::sigma_clip(rev);
        CHECK(got.lower == want.lower);
        CHECK(got.upper == want.upper);
        for (std::size_t i = 0; i < x.size(); ++i)
            CHECK(got.labels[i] == want.labels[x.size() - 1 - i]);
    }
    SECTION("invalid parameters")
    {
        sigma_clip_params p;
        p.low = -1;
        CHECK_THROWS_AS(robstat::sigma_clip(std::vector<double> { 1 }, p), std::invalid_argument);
        p = {};
        p.high = nan;
        CHECK_THROWS_AS(robstat::sigma_clip(std::vector<double> { 1 }, p), std::invalid_argument);
        p = {};
        p.maxiters = 0;
        CHECK_THROWS_AS(robstat::sigma_clip(std::vector<double> { 1 }, p), std::invalid_argument);
        CHECK_THROWS_AS(robstat::parse_clip_center("mode"), std::invalid_argument);
        CHECK_THROWS_AS(robstat::parse_clip_scale("iqr"), std::invalid_argument);
    }
}

TEST_CASE("outliers: mad rule equals |robust_zscore| > threshold; the others", "[clip]")
{
    for (int kind = 0; kind < 4; ++kind) {
        for (std::size_t n : { 1, 2, 5, 100, 3000, 20001 }) {
            const auto x = clip_data<double>(n, kind, 77 + n);
            const auto z = robstat::robust_zscore(x);
            for (double t : { 0.0, 1.0, 2.5, 3.5 }) {
                const auto r = robstat::outliers(x, robstat::outlier_method::mad, t);
                for (std::size_t i = 0; i < n; ++i)
                    CHECK(r.labels[i] == (z[i] > t ? 1 : (z[i] < -t ? -1 : 0)));
            }
            const auto s = robstat::outliers(x, robstat::outlier_method::sigma_clip, 2.5);
            sigma_clip_params p;
            p.low = p.high = 2.5;
            const auto c = robstat::sigma_clip(x, p);
            CHECK(s.labels == c.labels);
            CHECK((s.lower == c.lower || (s.lower != s.lower && c.lower != c.lower)));
        }
    }
    const auto d = robstat::outliers(std::vector<double> { 1, 2, 3, 4, 100 });
    CHECK(d.labels == std::vector<std::int8_t> { 0, 0, 0, 0, 1 }); // default 3.5
    const auto mad0 = robstat::outliers(std::vector<double> { 1, 1, 1, 2 });
    CHECK(mad0.labels == std::vector<std::int8_t> { 0, 0, 0, 1 });
    CHECK(robstat::parse_outlier_method("adjbox") == robstat::outlier_method::adjbox);
    CHECK(robstat::default_outlier_threshold(robstat::outlier_method::adjbox) == 1.5);
    { // adjbox: labels strictly outside robstat::adjbox_fences (checked against R in
      // test_medcouple)
        std::vector<double> sk;
        for (int i = 0; i < 200; ++i)
            sk.push_back(std::exp(0.03 * i * (i % 7)) + 0.01 * i);
        const auto f = robstat::adjbox_fences(sk, 2.0);
        const auto r = robstat::outliers(sk, robstat::outlier_method::adjbox, 2.0);
        CHECK(r.lower == f.lower);
        CHECK(r.upper == f.upper);
        std::size_t lo = 0, hi = 0;
        for (std::size_t i = 0; i < sk.size(); ++i) {
            const int want = sk[i] < f.lower ? -1 : sk[i] > f.upper ? 1 : 0;
            CHECK(r.labels[i] == want);
            lo += want<0, hi += want> 0;
        }
        CHECK(r.n_low == lo);
        CHECK(r.n_high == hi);
        CHECK(hi > 0);
    }
    CHECK_THROWS_AS(robstat::parse_outlier_method("zzz"), std::invalid_argument);
    CHECK_THROWS_AS(
        robstat::outliers(std::vector<double> { 1 }, robstat::outlier_method::iqr, -1.0),
        std::invalid_argument);
}

TEST_CASE("outliers: mad fences beyond the range of the type", "[clip]")
{
    // Labels and reported fences agree: a fence past the type's range is its largest
    // finite value (every finite value inside, +-inf outside, as the z-scores label).
    auto agree = [](const auto& x, const auto& r) {
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double v = x[i];
            CHECK(r.labels[i] == (v < r.lower ? -1 : v > r.upper ? 1 : 0));
        }
    };
    { // float (found by fuzz_estimators): median -507.25, MAD 1.7e38
        constexpr float big = std::numeric_limits<float>::max();
        const std::vector<float> x { -big, -big, -big, -big, -big, -big,
            std::numeric_limits<float>::infinity(), -7, -14.5f, -10.5f, -1000, -big, 2, -1, -1, 0 };
        const auto r = robstat::outliers(x);
        CHECK(r.lower == -big);
        CHECK(r.upper == big);
        CHECK(r.n_high == 1);
        CHECK(r.labels[6] == 1);
        CHECK(r.n_low == 0);
        agree(x, r);
    }
    { // double: x - median overflows for the first value, its score does not (-1.73)
        const std::vector<double> x { -0.8e308, 0.2e308, 1e308, 1.5e308, 1.7e308,
            std::numeric_limits<double>::infinity() };
        const std::vector<double> w(x.size(), 1.0);
        const auto z = robstat::robust_zscore(x);
        CHECK(std::isfinite(z[0]));
        const auto r = robstat::outliers(x);
        CHECK(r.lower == -std::numeric_limits<double>::max());
        CHECK(r.upper == std::numeric_limits<double>::max());
        CHECK(r.labels == std::vector<std::int8_t> { 0, 0, 0, 0, 0, 1 });
        agree(x, r);
        robstat::aggregate_params p;
        p.method = robstat::aggregate_method::mad;
        const auto a = robstat::aggregate(x, p);
        const auto aw = robstat::aggregate(x, w, p); // weighted: the same rule
        CHECK(a.labels == r.labels);
        CHECK(aw.labels == r.labels);
        CHECK(aw.lower_cut == r.lower);
        CHECK(aw.upper_cut == r.upper);
    }
    { // sigma_clip (found by fuzz_estimators): median -9e307, 3 mad_std beyond the range;
      // +-inf are outliers and beyond the reported bounds, the finite values inside
        constexpr double big = std::numeric_limits<double>::max();
        const std::vector<double> x { std::numeric_limits<double>::infinity(), -big, -big, 18.25,
            15 };
        const std::vector<double> w(x.size(), 1.0);
        const auto c = robstat::sigma_clip(x);
        CHECK(c.lower == -big);
        CHECK(c.upper == big);
        CHECK(c.labels == std::vector<std::int8_t> { 1, 0, 0, 0, 0 });
        agree(x, c);
        const auto r = robstat::outliers(x, robstat::outlier_method::sigma_clip);
        CHECK(r.labels == c.labels);
        CHECK(r.upper == big);
        robstat::aggregate_params p;
        p.method = robstat::aggregate_method::sigma_clip;
        const auto aw = robstat::aggregate(x, w, p); // weighted: the same bounds
        CHECK(aw.labels == c.labels);
        CHECK(aw.lower_cut == -big);
        CHECK(aw.upper_cut == big);
        // trim keeping inf and values whose sum overflows: the centre is inf (the mean of
        // inf and finite values), not inf - inf (found with this input by robstat.dask)
        robstat::aggregate_params pt;
        CHECK(robstat::aggregate(x, pt).center == std::numeric_limits<double>::infinity());
        CHECK(robstat::aggregate(x, w, pt).center == std::numeric_limits<double>::infinity());
        const std::vector<float> xf(x.begin(), x.end()); // float: -big rounds to -inf
        const auto cf = robstat::sigma_clip(xf);
        agree(xf, cf);
    }
}
