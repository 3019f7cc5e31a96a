// The robust aggregator: each method against composing the robstat functions it is made of
// by hand (trimmed_mean / trimmed_ci, outliers, huber, mad), brute-force labels and counts,
// ties at the cut points, the NaN policies, empty and tiny input, float and strided input,
// the seeded bootstrap, and parameter validation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include <robstat/robstat.hpp>

#include "test_support.hpp"

namespace {

using robstat::aggregate_ci;
using robstat::aggregate_method;
using robstat::aggregate_params;

std::vector<double> contaminated(std::size_t n, unsigned seed)
{
    std::mt19937_64 g(seed);
    std::normal_distribution<double> z(10.0, 2.0);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<double> v(n);
    for (auto& x : v)
        x = u(g) < 0.05 ? z(g) + (u(g) < 0.5 ? -40.0 : 60.0) : z(g);
    return v;
}

aggregate_params with(aggregate_method m)
{
    aggregate_params p;
    p.method = m;
    return p;
}

/// Mean and sample SD of the values labelled 0, brute force in long double.
std::pair<double, double> kept_moments(
    const std::vector<double>& x, const std::vector<std::int8_t>& l)
{
    long double s = 0, n = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (l[i] == 0 && x[i] == x[i])
            s += x[i], n += 1;
    const long double m = s / n;
    long double q = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (l[i] == 0 && x[i] == x[i])
            q += (x[i] - m) * (x[i] - m);
    return { static_cast<double>(m), static_cast<double>(std::sqrt(q / (n - 1))) };
}

void check_counts(const robstat::aggregate_result<double>& r)
{
    std::size_t lo = 0, hi = 0;
    for (auto l : r.labels)
        lo += l<0, hi += l> 0;
    CHECK(lo == r.n_low);
    CHECK(hi == r.n_high);
    CHECK(r.n_kept == r.n - r.n_low - r.n_high);
}

} // namespace

TEST_CASE("aggregate trim: the trimmed mean, Yuen's interval and exactly g values cut per tail",
    "[aggregate]")
{
    for (std::size_t n : { 1u, 2u, 3u, 10u, 101u, 1000u, 40000u }) {
        INFO("n = " << n);
        const auto x = contaminated(n, 7 + static_cast<unsigned>(n));
        const auto r = robstat::aggregate(x, with(aggregate_method::trim));
        const std::size_t g = static_cast<std::size_t>(std::floor(0.1 * static_cast<double>(n)));
        CHECK(r.n == n);
        CHECK(r.n_low == g);
        CHECK(r.n_high == g);
        check_counts(r);
        CHECK(r.center == robstat::trimmed_mean(x, 0.1));
        std::vector<double> s = x;
        std::sort(s.begin(), s.end());
        CHECK(r.lower_cut == s[g]);
        CHECK(r.upper_cut == s[n - g - 1]);
        const auto [m, sd] = kept_moments(x, r.labels);
        CHECK(r.center == Approx(m).epsilon(1e-13));
        if (n >= 2) {
            CHECK(r.scale == Approx(sd).epsilon(1e-12));
            const auto ci = robstat::trimmed_ci(x, 0.1, 0.95);
            CHECK(r.ci_lower == Approx(ci.first).epsilon(1e-14));
            CHECK(r.ci_upper == Approx(ci.second).epsilon(1e-14));
        } else {
            CHECK(std::isnan(r.scale));
            CHECK(std::isnan(r.ci_lower));
        }
        // every cut value lies outside (or on) the cut points
        for (std::size_t i = 0; i < n; ++i) {
            if (r.labels[i] < 0)
                CHECK(x[i] <= r.lower_cut);
            if (r.labels[i] > 0)
                CHECK(x[i] >= r.upper_cut);
            if (r.labels[i] == 0) {
                CHECK(x[i] >= r.lower_cut);
                CHECK(x[i] <= r.upper_cut);
            }
        }
    }
}

TEST_CASE("aggregate trim: ties at a cut are cut by position", "[aggregate]")
{
    // n = 10, g = 1: the lower cut value 1 appears three times, the upper 9 twice
    const std::vector<double> x { 5, 1, 9, 1, 4, 9, 1, 6, 3, 2 };
    const auto r = robstat::aggregate(x, with(aggregate_method::trim));
    const std::vector<std::int8_t> want { 0, -1, 0, 0, 0, 1, 0, 0, 0, 0 };
    CHECK(r.labels == want); // the first 1 is cut low, the last 9 cut high
    CHECK(r.lower_cut == 1.0);
    CHECK(r.upper_cut == 9.0);
    // all equal: still exactly g per tail, the rest kept
    const std::vector<double> c(20, 3.0);
    const auto rc = robstat::aggregate(c, with(aggregate_method::trim));
    CHECK(rc.n_low == 2);
    CHECK(rc.n_high == 2);
    CHECK(rc.labels[0] == -1);
    CHECK(rc.labels[1] == -1);
    CHECK(rc.labels[18] == 1);
    CHECK(rc.labels[19] == 1);
    CHECK(rc.center == 3.0);
    CHECK(rc.scale == 0.0);
    // counts: asymmetric, by count
    aggregate_params p = with(aggregate_method::trim);
    p.trim = robstat::trim_spec::counts(0, 3);
    const auto rk = robstat::aggregate(x, p);
    CHECK(rk.n_low == 0);
    CHECK(rk.n_high == 3);
    CHECK(std::isnan(rk.ci_lower)); // Yuen's interval needs symmetric trimming
    CHECK(rk.center == robstat::trimmed_mean(x, robstat::trim_spec::counts(0, 3)));
    // counts larger than the lane: nothing kept, every statistic NaN
    p.trim = robstat::trim_spec::counts(6, 6);
    const auto rn = robstat::aggregate(x, p);
    CHECK(std::isnan(rn.center));
    CHECK(rn.n == 0);
}

TEST_CASE("aggregate fence methods: the labels of robstat::outliers, the mean and SD of the "
          "kept values",
    "[aggregate]")
{
    const std::pair<aggregate_method, robstat::outlier_method> rules[] = {
        { aggregate_method::mad, robstat::outlier_method::mad },
        { aggregate_method::iqr, robstat::outlier_method::iqr },
        { aggregate_method::adjbox, robstat::outlier_method::adjbox },
        { aggregate_method::sigma_clip, robstat::outlier_method::sigma_clip },
    };
    for (const auto& [am, om] : rules) {
        for (std::size_t n : { 5u, 50u, 1001u, 30000u }) {
            INFO(robstat::aggregate_method_name(am) << " n = " << n);
            const auto x = contaminated(n, 11 + static_cast<unsigned>(n));
            const auto r = robstat::aggregate(x, with(am));
            const auto o = robstat::outliers(x, om);
            CHECK(r.labels == o.labels);
            CHECK(r.lower_cut == o.lower);
            CHECK(r.upper_cut == o.upper);
            CHECK(r.n_low == o.n_low);
            CHECK(r.n_high == o.n_high);
            check_counts(r);
            const auto [m, sd] = kept_moments(x, r.labels);
            CHECK(r.center == Approx(m).epsilon(1e-14));
            CHECK(r.scale == Approx(sd).epsilon(1e-12));
            CHECK(std::isnan(r.ci_lower)); // no analytic interval: bootstrap on request
        }
    }
    // a threshold of the caller's
    const auto x = contaminated(500, 3);
    aggregate_params p = with(aggregate_method::mad);
    p.threshold = 2.0;
    CHECK(robstat::aggregate(x, p).labels
        == robstat::outliers(x, robstat::outlier_method::mad, 2.0).labels);
}

TEST_CASE(
    "aggregate huber: robstat::huber with the MAD scale and the sandwich interval", "[aggregate]")
{
    for (std::size_t n : { 2u, 9u, 200u, 5000u }) {
        INFO("n = " << n);
        const auto x = contaminated(n, 5 + static_cast<unsigned>(n));
        const auto r = robstat::aggregate(x, with(aggregate_method::huber));
        const double s = robstat::mad(x);
        CHECK(r.scale == s);
        CHECK(r.center == robstat::huber(x, 1.345, s));
        CHECK(r.lower_cut == r.center - 1.345 * s);
        CHECK(r.upper_cut == r.center + 1.345 * s);
        // brute-force sandwich: s sqrt(mean psi^2) / mean psi' / sqrt(n)
        double a = 0, b = 0;
        for (double v : x) {
            const double u = (v - r.center) / s;
            a += std::min(1.345, std::max(-1.345, u)) * std::min(1.345, std::max(-1.345, u));
            b += std::fabs(u) < 1.345;
        }
        const double nn = static_cast<double>(n);
        const double se = s * std::sqrt(a / nn) / (b / nn) / std::sqrt(nn);
        CHECK(r.ci_upper - r.center == Approx(1.959963984540054 * se).epsilon(1e-12));
        CHECK(r.center - r.ci_lower == Approx(1.959963984540054 * se).epsilon(1e-12));
        for (std::size_t i = 0; i < n; ++i)
            CHECK(r.labels[i] == (x[i] > r.upper_cut ? 1 : (x[i] < r.lower_cut ? -1 : 0)));
        check_counts(r);
    }
}

TEST_CASE("aggregate: NaN policies, empty and tiny input, infinities", "[aggregate]")
{
    for (auto m : { aggregate_method::trim, aggregate_method::mad, aggregate_method::iqr,
             aggregate_method::adjbox, aggregate_method::sigma_clip, aggregate_method::huber }) {
        INFO(robstat::aggregate_method_name(m));
        auto x = contaminated(300, 9);
        auto clean = x;
        x.insert(x.begin() + 17, robstat_test::nan_d);
        x.push_back(robstat_test::nan_d);
        const auto rp = robstat::aggregate(x, with(m));
        CHECK(std::isnan(rp.center));
        CHECK(rp.n == 0);
        CHECK(std::all_of(rp.labels.begin(), rp.labels.end(), [](auto l) { return l == 0; }));
        const auto ro = robstat::aggregate(x, with(m), { robstat::nan_policy::omit });
        const auto rc = robstat::aggregate(clean, with(m));
        CHECK(ro.center == rc.center);
        CHECK(ro.n == 300);
        CHECK(ro.labels[17] == 0);
        CHECK(ro.labels.back() == 0);
        CHECK(ro.n_low == rc.n_low);
        CHECK(ro.n_high == rc.n_high);
        CHECK_THROWS_AS(
            robstat::aggregate(x, with(m), { robstat::nan_policy::raise }), std::domain_error);
        const std::vector<double> empty;
        const auto re = robstat::aggregate(empty, with(m));
        CHECK(std::isnan(re.center));
        CHECK(re.n == 0);
        const std::vector<double> one { 4.5 };
        CHECK(robstat::aggregate(one, with(m)).center == 4.5);
        // +inf is cut by every method on contaminated data (never kept in the mean)
        auto xi = clean;
        xi.push_back(robstat_test::inf_d);
        const auto ri = robstat::aggregate(xi, with(m));
        CHECK(std::isfinite(ri.center));
        CHECK(ri.labels.back() == 1);
    }
}

TEST_CASE("aggregate: values all infinite, the counts agree with the labels", "[aggregate]")
{
    // fuzz finding tests/fuzz/regressions/fuzz_estimators/aggregate-adjbox-all-infinite:
    // adjbox and sigma_clip reported n = n_kept = 0 with every label 0 (kept)
    const double inf = robstat_test::inf_d;
    const std::vector<std::vector<double>> cases { { -inf }, { inf }, { inf, inf }, { -inf, inf },
        { inf, -inf, inf } };
    for (auto m : { aggregate_method::trim, aggregate_method::mad, aggregate_method::iqr,
             aggregate_method::adjbox, aggregate_method::sigma_clip, aggregate_method::huber }) {
        for (const auto& x : cases) {
            INFO(robstat::aggregate_method_name(m) << " n=" << x.size());
            const auto r = robstat::aggregate(x, with(m));
            std::size_t lo = 0, hi = 0, kept = 0;
            for (auto l : r.labels)
                lo += l<0, hi += l> 0, kept += l == 0;
            CHECK(r.n == x.size());
            CHECK(r.n_low == lo);
            CHECK(r.n_high == hi);
            CHECK(r.n_kept == kept);
            if (m == aggregate_method::sigma_clip) {
                // +-inf are always outside sigma_clip's bounds (as robstat::sigma_clip)
                CHECK(kept == 0);
                CHECK(std::isnan(r.center));
            }
        }
    }
    const std::vector<double> x { inf, -inf, inf };
    const auto o = robstat::outliers(x, robstat::outlier_method::sigma_clip);
    CHECK(o.labels == std::vector<std::int8_t> { 1, -1, 1 });
    const auto c = robstat::sigma_clip(x);
    CHECK(c.n_low == 1);
    CHECK(c.n_high == 2);
}

TEST_CASE("aggregate: float and strided input", "[aggregate]")
{
    const auto x = contaminated(2000, 21);
    std::vector<float> xf(x.begin(), x.end());
    std::vector<double> xd(xf.begin(), xf.end());
    for (auto m : { aggregate_method::trim, aggregate_method::mad, aggregate_method::huber }) {
        INFO(robstat::aggregate_method_name(m));
        const auto rf = robstat::aggregate(xf, with(m));
        const auto rd = robstat::aggregate(xd, with(m));
        CHECK(rf.labels == rd.labels);
        CHECK(rf.center == Approx(rd.center).epsilon(1e-6));
        // every other value, through a strided span
        std::vector<double> twice(2 * x.size());
        for (std::size_t i = 0; i < x.size(); ++i)
            twice[2 * i] = x[i], twice[2 * i + 1] = 1e300;
        const robstat::strided_span<const double> s { twice.data(), x.size(), 2 };
        const auto rs = robstat::aggregate(s, with(m));
        const auto rc = robstat::aggregate(x, with(m));
        CHECK(rs.center == rc.center);
        CHECK(rs.labels == rc.labels);
    }
}

TEST_CASE("aggregate: the seeded bootstrap", "[aggregate]")
{
    const auto x = contaminated(400, 31);
    aggregate_params p = with(aggregate_method::mad);
    p.ci = aggregate_ci::bootstrap;
    p.n_boot = 300;
    p.seed = 42;
    const auto a = robstat::aggregate(x, p);
    const auto b = robstat::aggregate(x, p);
    CHECK(a.ci_lower == b.ci_lower); // same seed, same interval
    CHECK(a.ci_upper == b.ci_upper);
    CHECK(a.ci_lower < a.center);
    CHECK(a.center < a.ci_upper);
    p.seed = 43;
    const auto c = robstat::aggregate(x, p);
    CHECK(c.ci_lower != a.ci_lower);
    // the trim method's bootstrap interval is close to Yuen's (a loose check of scale)
    p.method = aggregate_method::trim;
    p.n_boot = 2000;
    const auto t = robstat::aggregate(x, p);
    const auto yuen = robstat::trimmed_ci(x, 0.1, 0.95);
    const double w_boot = t.ci_upper - t.ci_lower, w_yuen = yuen.second - yuen.first;
    CHECK(w_boot == Approx(w_yuen).epsilon(0.2));
    p.ci = aggregate_ci::none;
    CHECK(std::isnan(robstat::aggregate(x, p).ci_lower));
}

TEST_CASE("aggregate: the generator is xoshiro256** seeded by splitmix64", "[aggregate]")
{
    // The first outputs of splitmix64 from seed 0 (Vigna's reference code) seed the state;
    // below() is unbiased: every residue of a small range appears about equally often.
    robstat::detail::xoshiro256 g(0);
    std::vector<int> counts(7, 0);
    for (int i = 0; i < 70000; ++i)
        ++counts[g.below(7)];
    for (int c : counts)
        CHECK(std::abs(c - 10000) < 500);
    robstat::detail::xoshiro256 g1(1), g2(1);
    CHECK(g1.next() == g2.next());
}

TEST_CASE("aggregate: invalid parameters", "[aggregate]")
{
    const std::vector<double> x { 1, 2, 3 };
    aggregate_params p;
    p.trim = robstat::trim_spec(0.5, 0.5);
    CHECK_THROWS_AS(robstat::aggregate(x, p), std::invalid_argument);
    p = with(aggregate_method::mad);
    p.threshold = -1;
    CHECK_THROWS_AS(robstat::aggregate(x, p), std::invalid_argument);
    p = with(aggregate_method::huber);
    p.threshold = 0;
    CHECK_THROWS_AS(robstat::aggregate(x, p), std::invalid_argument);
    p = {};
    p.confidence = 1.0;
    CHECK_THROWS_AS(robstat::aggregate(x, p), std::invalid_argument);
    p = {};
    p.ci = aggregate_ci::bootstrap;
    p.n_boot = 1;
    CHECK_THROWS_AS(robstat::aggregate(x, p), std::invalid_argument);
    CHECK_THROWS_AS(robstat::parse_aggregate_method("median"), std::invalid_argument);
    CHECK_THROWS_AS(robstat::parse_aggregate_ci("yes"), std::invalid_argument);
    // one name table: every name parses back to its method; the message lists them all
    for (const auto& e : robstat::aggregate_method_names)
        CHECK(robstat::parse_aggregate_method(robstat::aggregate_method_name(e.value)) == e.value);
    CHECK_THROWS_WITH(robstat::parse_aggregate_method("median"),
        "method must be one of 'trim', 'mad', 'iqr', 'adjbox', 'sigma_clip', 'huber' "
        "(got 'median')");
    CHECK_THROWS_WITH(robstat::parse_nan_policy("skip"),
        "nan_policy must be one of 'propagate', 'omit', 'raise' (got 'skip')");
    const std::vector<double> w { 1, 1, 1 };
    CHECK_THROWS_WITH(robstat::aggregate(x, w, with(aggregate_method::adjbox)),
        Catch::Contains("(got 'adjbox')"));
}

TEST_CASE("aggregate weighted: integer weights give the repeated sample", "[aggregate]")
{
    std::mt19937_64 g(5);
    std::uniform_int_distribution<int> wd(0, 4);
    for (auto m : { aggregate_method::trim, aggregate_method::mad, aggregate_method::iqr,
             aggregate_method::sigma_clip, aggregate_method::huber }) {
        for (std::size_t n : { 1u, 2u, 7u, 60u, 999u }) {
            INFO(robstat::aggregate_method_name(m) << " n = " << n);
            auto x = contaminated(n, 40 + static_cast<unsigned>(n));
            for (std::size_t i = 0; i < n; i += 5)
                x[i] = std::round(x[i]); // ties
            std::vector<double> w(n), rep;
            for (std::size_t i = 0; i < n; ++i) {
                w[i] = wd(g);
                for (int k = 0; k < static_cast<int>(w[i]); ++k)
                    rep.push_back(x[i]);
            }
            if (rep.empty())
                continue;
            const auto rw = robstat::aggregate(x, w, with(m));
            const auto rr = robstat::aggregate(rep, with(m));
            CHECK(rw.lower_cut == rr.lower_cut);
            CHECK(rw.upper_cut == rr.upper_cut);
            CHECK(rw.center == Approx(rr.center).epsilon(1e-13).margin(1e-300));
            if (std::isnan(rr.scale)) {
                CHECK(std::isnan(rw.scale));
            } else {
                CHECK(rw.scale == Approx(rr.scale).epsilon(1e-11).margin(1e-300));
            }
            if (m == aggregate_method::huber && !std::isnan(rr.ci_lower)) {
                CHECK(rw.ci_lower == Approx(rr.ci_lower).epsilon(1e-12));
                CHECK(rw.ci_upper == Approx(rr.ci_upper).epsilon(1e-12));
            }
            // labels per value: a value is cut when all its weight is
            std::size_t n_pos = 0;
            for (std::size_t i = 0; i < n; ++i) {
                n_pos += w[i] > 0;
                if (w[i] == 0)
                    CHECK(rw.labels[i] == 0);
                else if (rw.labels[i] < 0)
                    CHECK(x[i] < rw.lower_cut);
                else if (rw.labels[i] > 0)
                    CHECK(x[i] > rw.upper_cut);
            }
            CHECK(rw.n == n_pos);
        }
    }
    const std::vector<double> x { 1, 2, 3 }, w { 1, 1, 1 };
    CHECK_THROWS_AS(
        robstat::aggregate(x, w, with(aggregate_method::adjbox)), std::invalid_argument);
    const std::vector<double> bad { 1, -1, 1 };
    CHECK_THROWS_AS(robstat::aggregate(x, bad), std::invalid_argument);
}

TEST_CASE("aggregate weighted: the bootstrap of integer weights is that of the repeated sample",
    "[aggregate]")
{
    std::mt19937_64 g(11);
    std::uniform_int_distribution<int> wd(0, 3);
    for (auto m : { aggregate_method::trim, aggregate_method::mad, aggregate_method::iqr,
             aggregate_method::sigma_clip, aggregate_method::huber }) {
        auto x = contaminated(150, 77);
        std::vector<double> w(x.size());
        for (auto& v : w)
            v = wd(g);
        x[3] = robstat_test::nan_d; // a NaN of positive weight, omitted
        w[3] = 2;
        std::vector<double> rep2;
        for (std::size_t i = 0; i < x.size(); ++i)
            if (x[i] == x[i])
                for (int k = 0; k < static_cast<int>(w[i]); ++k)
                    rep2.push_back(x[i]);
        auto p = with(m);
        p.ci = aggregate_ci::bootstrap;
        p.n_boot = 200;
        p.seed = 9;
        INFO(robstat::aggregate_method_name(m));
        const auto rw = robstat::aggregate(x, w, p, { robstat::nan_policy::omit });
        const auto rr = robstat::aggregate(rep2, p);
        CHECK(std::isfinite(rw.ci_lower));
        CHECK(rw.ci_lower == rr.ci_lower); // the same draws: bit for bit
        CHECK(rw.ci_upper == rr.ci_upper);
        // non-integer weights: a resample of round(total weight) values; scaling every
        // weight by 0.5 halves the resample, so the interval widens (about sqrt 2)
        std::vector<double> half(w);
        for (auto& v : half)
            v *= 0.5;
        const auto rh = robstat::aggregate(x, half, p, { robstat::nan_policy::omit });
        CHECK(std::isfinite(rh.ci_lower));
        CHECK(rh.ci_lower <= rh.center);
        CHECK(rh.ci_upper >= rh.center);
        CHECK(rh.ci_upper - rh.ci_lower > rw.ci_upper - rw.ci_lower);
    }
}
