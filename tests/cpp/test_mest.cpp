// M-estimators (m_estimators.hpp): Huber location with a fixed scale (exact),
// weighted Huber, Huber's proposal 2, biweight location / midvariance / scale.
//
// Oracles:
//  - R: robustbase::huberM and MASS::hubers (tests/data/reference_mest.csv,
//    tests/tools/make_reference_mest.R), astropy.stats (reference_biweight.csv,
//    tests/tools/make_reference_biweight.py);
//  - brute force here: the Huber root from ALL breakpoints sorted and Psi
//    evaluated in long double at each of them (the piece holding the sign
//    change, then its linear equation); weighted data by repetition; proposal 2
//    and the biweight as naive long double loops.
#include <catch2/catch.hpp>

#include <robstat/robstat.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#ifndef ROBSTAT_TEST_DATA_DIR
#error "ROBSTAT_TEST_DATA_DIR must be defined (tests/CMakeLists.txt)"
#endif

#include "test_support.hpp"

using namespace robstat_test;

namespace {

using LD = long double;

// ---- brute-force oracles ----------------------------------------------------------------

LD psi_sum(const std::vector<double>& x, const std::vector<double>& w, LD mu, LD k, LD s)
{
    LD t = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const LD u = (static_cast<LD>(x[i]) - mu) / s;
        t += static_cast<LD>(w[i]) * std::max(-k, std::min(k, u));
    }
    return t;
}

/// The Huber root for finite x, weights w > 0, s > 0: every breakpoint x_i -+ k s
/// sorted, Psi at each; the root lies on the piece where Psi changes sign, and is
/// solved from the partition at the middle of that piece. A zero run of Psi over
/// several breakpoints (a root interval) gives its midpoint.
double brute_huber(const std::vector<double>& x, std::vector<double> w, double k, double s)
{
    if (w.empty())
        w.assign(x.size(), 1.0);
    std::vector<LD> b;
    for (double v : x) {
        b.push_back(static_cast<LD>(v) - static_cast<LD>(k) * s);
        b.push_back(static_cast<LD>(v) + static_cast<LD>(k) * s);
    }
    std::sort(b.begin(), b.end());
    std::vector<LD> p(b.size());
    for (std::size_t i = 0; i < b.size(); ++i)
        p[i] = psi_sum(x, w, b[i], k, s);
    // zero run: Psi == 0 exactly on [b_i, b_j]
    std::size_t first_zero = b.size(), last_zero = b.size();
    for (std::size_t i = 0; i < b.size(); ++i)
        if (p[i] == 0) {
            if (first_zero == b.size())
                first_zero = i;
            last_zero = i;
        }
    if (first_zero < b.size())
        return static_cast<double>((b[first_zero] + b[last_zero]) / 2);
    std::size_t j = 0;
    while (j < b.size() && p[j] > 0)
        ++j;
    REQUIRE(j > 0);
    REQUIRE(j < b.size());
    // the piece [b[j-1], b[j]]: Psi linear, solve Psi(mu) = 0
    const LD a = b[j - 1], c = b[j];
    return static_cast<double>(a + (c - a) * p[j - 1] / (p[j - 1] - p[j]));
}

LD median_ld(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? static_cast<LD>(v[n / 2]) : (static_cast<LD>(v[n / 2 - 1]) + v[n / 2]) / 2;
}

LD raw_mad_ld(const std::vector<double>& v)
{
    const LD m = median_ld(v);
    std::vector<double> d;
    for (double x : v)
        d.push_back(static_cast<double>(std::fabs(static_cast<LD>(x) - m)));
    return median_ld(d);
}

/// MASS::hubers in long double: (location, scale, iterations, converged).
struct joint_ref {
    LD mu, s;
    std::size_t it;
    bool converged;
};

joint_ref brute_hubers(const std::vector<double>& x, double k, double tol, std::size_t maxit)
{
    const std::size_t n = x.size();
    LD mu = median_ld(x), s = raw_mad_ld(x) * static_cast<LD>(robstat::mad_normal_scale);
    if (s == 0)
        return { mu, 0, 0, true };
    const LD th = std::erfc(-static_cast<LD>(k) / std::sqrt(2.0L)) - 1;
    const LD beta = th + static_cast<LD>(k) * k * (1 - th)
        - 2 * static_cast<LD>(k) * std::exp(-static_cast<LD>(k) * k / 2)
            / std::sqrt(2 * 3.14159265358979323846264338327950288L);
    for (std::size_t it = 1; it <= maxit; ++it) {
        std::vector<LD> y(n);
        LD sum = 0;
        for (std::size_t i = 0; i < n; ++i) {
            y[i] = std::min(std::max(static_cast<LD>(x[i]), mu - k * s), mu + k * s);
            sum += y[i];
        }
        const LD mu1 = sum / n;
        LD ss = 0;
        for (LD v : y)
            ss += (v - mu1) * (v - mu1);
        const LD s1 = std::sqrt(ss / (n - 1) / beta);
        const bool done = std::fabs(mu - mu1) < tol * s && std::fabs(s - s1) < tol * s;
        mu = mu1;
        s = s1;
        if (done)
            return { mu, s, it, true };
    }
    return { mu, s, maxit, false };
}

/// astropy's biweight formulas in long double (M: nullptr = median).
LD brute_biweight_location(const std::vector<double>& x, double c, const double* M)
{
    const LD med = median_ld(x), mad = raw_mad_ld(x);
    const LD m = M ? static_cast<LD>(*M) : med;
    if (mad == 0)
        return m;
    LD num = 0, den = 0;
    for (double v : x) {
        const LD d = v - m, u = d / (c * mad);
        if (std::fabs(u) < 1) {
            const LD w = (1 - u * u) * (1 - u * u);
            num += d * w;
            den += w;
        }
    }
    return m + num / den;
}

LD brute_biweight_midvariance(const std::vector<double>& x, double c, const double* M, bool mod)
{
    const LD med = median_ld(x), mad = raw_mad_ld(x);
    const LD m = M ? static_cast<LD>(*M) : med;
    if (mad == 0)
        return 0;
    LD f1 = 0, f2 = 0;
    std::size_t cnt = 0;
    for (double v : x) {
        const LD d = v - m, u = d / (c * mad);
        if (std::fabs(u) < 1) {
            const LD u2 = u * u;
            f1 += d * d * std::pow(1 - u2, 4);
            f2 += (1 - u2) * (1 - 5 * u2);
            ++cnt;
        }
    }
    return static_cast<LD>(mod ? cnt : x.size()) * f1 / (f2 * f2);
}

bool close_rel(double got, double want, double tol, double scale = 0)
{
    if (std::isnan(want))
        return std::isnan(got);
    if (std::isinf(want))
        return got == want;
    return std::fabs(got - want) <= tol * std::max(std::fabs(want), scale);
}

// ---- reference tables -------------------------------------------------------------------

std::vector<std::string> split(const std::string& s, char sep)
{
    std::vector<std::string> out(1);
    for (char c : s) {
        if (c == sep)
            out.emplace_back();
        else
            out.back().push_back(c);
    }
    return out;
}

double num_or_nan(const std::string& s)
{
    return s.empty() ? nan_d : std::strtod(s.c_str(), nullptr);
}

/// Rows of a reference CSV (comment lines skipped) as fields; the vectors of
/// the "input" rows by case name (the last field).
struct ref_csv {
    std::map<std::string, std::vector<double>> inputs;
    std::vector<std::vector<std::string>> rows;
};

ref_csv read_reference(const std::string& file, const std::string& header, std::size_t nfields)
{
    ref_csv t;
    const std::string path = std::string(ROBSTAT_TEST_DATA_DIR) + "/" + file;
    std::ifstream in(path);
    REQUIRE(in.good());
    std::string line;
    bool seen = false;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        if (!seen) {
            REQUIRE(line == header);
            seen = true;
            continue;
        }
        auto f = split(line, ',');
        REQUIRE(f.size() == nfields);
        if (f[2] == "input") {
            std::vector<double> x;
            std::istringstream vs(f.back());
            std::string tok;
            while (vs >> tok)
                x.push_back(std::strtod(tok.c_str(), nullptr));
            REQUIRE(x.size() == std::stoul(f[1]));
            t.inputs[f[0]] = x;
        } else {
            t.rows.push_back(f);
        }
    }
    REQUIRE(!t.rows.empty());
    return t;
}

} // namespace

// ---- R / astropy references ---------------------------------------------------------------

TEST_CASE("mest: huber matches robustbase::huberM", "[mest]")
{
    const auto t = read_reference("reference_mest.csv", "case,n,statistic,p1,p2,p3,expected,x", 8);
    std::size_t checked = 0;
    double worst = 0;
    for (const auto& r : t.rows) {
        if (r[2] != "huberM")
            continue;
        const auto& x = t.inputs.at(r[0]);
        const double k = num_or_nan(r[3]), s = num_or_nan(r[4]), want = num_or_nan(r[6]);
        INFO(r[0] << " k=" << k << " s=" << num(s) << " (" << r[5] << ") expected " << num(want));
        const double got_s = robstat::huber(x, k, s);
        INFO("got " << num(got_s));
        CHECK(close_rel(got_s, want, 1e-12, s));
        if (r[5] == "mad") {
            // the default scale is exactly the s written by R: the same result
            CHECK(robstat::mad(x) == s);
            CHECK(robstat::huber(x, k) == got_s);
        }
        if (s > 0)
            worst = std::max(worst, std::fabs(got_s - want) / std::max(std::fabs(want), s));
        ++checked;
    }
    CHECK(checked > 300);
    WARN("huber vs huberM: " << checked << " values, max relative difference " << worst);
}

TEST_CASE("mest: huber_joint matches MASS::hubers run to convergence", "[mest]")
{
    const auto t = read_reference("reference_mest.csv", "case,n,statistic,p1,p2,p3,expected,x", 8);
    std::map<std::string, double> loc;
    std::size_t checked = 0;
    double worst = 0;
    for (const auto& r : t.rows) {
        if (r[2] != "hubers_location" && r[2] != "hubers_scale")
            continue;
        const auto& x = t.inputs.at(r[0]);
        const double k = num_or_nan(r[3]), want = num_or_nan(r[6]);
        const auto res = robstat::huber_joint(x, k, 1e-13, 10000);
        INFO(r[0] << " k=" << k << " " << r[2] << " expected " << num(want) << " (MASS: " << r[5]
                  << " iterations); got " << num(res.location) << ", " << num(res.scale)
                  << " after " << res.n_iter);
        CHECK(res.converged);
        const double got = r[2] == "hubers_location" ? res.location : res.scale;
        const double scale = res.scale;
        CHECK(close_rel(got, want, 1e-10, scale));
        if (want != 0)
            worst = std::max(worst, std::fabs(got - want) / std::max(std::fabs(want), scale));
        ++checked;
    }
    CHECK(checked > 300);
    WARN(
        "huber_joint vs MASS::hubers: " << checked << " values, max relative difference " << worst);
}

TEST_CASE("mest: biweight matches astropy.stats", "[mest]")
{
    const auto t
        = read_reference("reference_biweight.csv", "case,n,statistic,c,M,modify,expected,x", 8);
    std::size_t checked = 0;
    double worst = 0;
    for (const auto& r : t.rows) {
        const auto& x = t.inputs.at(r[0]);
        const double c = num_or_nan(r[3]), want = num_or_nan(r[6]);
        const std::optional<double> M
            = r[4].empty() ? std::nullopt : std::optional<double>(num_or_nan(r[4]));
        const bool mod = r[5] == "1";
        double got;
        if (r[2] == "biweight_location")
            got = robstat::biweight_location(x, c, M);
        else if (r[2] == "biweight_midvariance")
            got = robstat::biweight_midvariance(x, c, M, mod);
        else
            got = robstat::biweight_scale(x, c, M, mod);
        INFO(r[0] << " " << r[2] << " c=" << c << " M=" << r[4] << " modify=" << r[5]
                  << " expected " << num(want) << " got " << num(got));
        CHECK(close_rel(got, want, 1e-12));
        if (want != 0 && std::isfinite(want))
            worst = std::max(worst, std::fabs(got - want) / std::fabs(want));
        ++checked;
    }
    CHECK(checked > 1000);
    WARN("biweight vs astropy: " << checked << " values, max relative difference " << worst);
}

// ---- the exact Huber root -------------------------------------------------------------------

TEST_CASE("mest: huber is the exact root (brute force over all breakpoints)", "[mest]")
{
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> uk(0.3, 3.0), us(0.05, 5.0);
    for (std::size_t n : { 1u, 2u, 3u, 4u, 5u, 8u, 13u, 50u, 101u, 1000u, 4099u }) {
        for (int rep = 0; rep < 6; ++rep) {
            const auto x = rep % 2 ? contaminated<double>(n, 100 * n + rep)
                                   : with_ties<double>(n, 100 * n + rep);
            const double k = uk(rng), s = us(rng);
            const double want = brute_huber(x, {}, k, s);
            const double got = robstat::huber(x, k, s);
            INFO("n=" << n << " rep=" << rep << " k=" << k << " s=" << s << " got " << num(got)
                      << " expected " << num(want));
            CHECK(close_rel(got, want, 1e-13, s));
            // strided and reversed input give the same bits
            for (std::ptrdiff_t st : test_strides) {
                const strided_input<double> in(x, st);
                CHECK(robstat::huber(in.span(), k, s) == got);
            }
        }
    }
}

TEST_CASE("mest: huber root intervals, zero scale, tiny scale", "[mest]")
{
    // two points farther apart than 2 k s: Psi = 0 on [k s, 10 - k s]: the midpoint
    CHECK(robstat::huber(std::vector<double> { 0, 10 }, 1.5, 1.0) == 5.0);
    CHECK(robstat::huber(std::vector<double> { 0, 0.1, 0.2, 10, 10.1, 10.2 }, 1.5, 0.01)
        == Approx(5.1).epsilon(1e-15));
    // scale 0 (explicit, or a MAD of 0): the median
    const std::vector<double> m0 { 4, 4, 4, 4, 1, 9, 30 };
    CHECK(robstat::mad(m0) == 0);
    CHECK(robstat::huber(m0) == 4.0);
    CHECK(robstat::huber(m0, 1.5, 0.0) == 4.0);
    CHECK(robstat::huber(std::vector<double> { 1, 2, 3, 10 }, 1.5, 0.0) == 2.5);
    // a tiny scale: close to the median, on the exact root
    const auto x = contaminated<double>(41, 3);
    CHECK(close_rel(robstat::huber(x, 1.5, 1e-9), brute_huber(x, {}, 1.5, 1e-9), 1e-14, 1e-9));
    // a huge k: every value in the linear zone: the mean
    const auto y = contaminated<double>(30, 4);
    long double mean = 0;
    for (double v : y)
        mean += v;
    mean /= 30;
    CHECK(close_rel(robstat::huber(y, 1e6), static_cast<double>(mean), 1e-13));
    CHECK(close_rel(robstat::huber(y, 1e300, 1.0), static_cast<double>(mean), 1e-13));
}

TEST_CASE("mest: huber small samples, constants, NaN policies", "[mest]")
{
    CHECK(std::isnan(robstat::huber(std::vector<double> {})));
    CHECK(std::isnan(robstat::huber(std::vector<double> {}, 1.5, 1.0)));
    CHECK(robstat::huber(std::vector<double> { 2.5 }) == 2.5);
    CHECK(robstat::huber(std::vector<double> { 2.5 }, 1.5, 1.0) == 2.5);
    CHECK(robstat::huber(std::vector<double> { 1, 3 }) == 2.0);
    CHECK(robstat::huber(std::vector<double>(17, -3.5)) == -3.5);
    CHECK(robstat::huber(std::vector<double>(17, -3.5), 1.5, 2.0) == -3.5);
    std::vector<estimator<double>> ests {
        { "huber",
            [](robstat::strided_span<const double> x, robstat::options o) {
                return robstat::huber(x, 1.5, std::nullopt, o);
            },
            [](const std::vector<double>& s) -> expectation {
                if (s.empty())
                    return {};
                const double sc = static_cast<double>(raw_mad_ld(s)) * robstat::mad_normal_scale;
                if (sc == 0)
                    return { static_cast<double>(median_ld(s)) };
                return { brute_huber(s, {}, 1.5, sc), sc };
            } },
        { "huber_s2",
            [](robstat::strided_span<const double> x, robstat::options o) {
                return robstat::huber(x, 1.2, 2.0, o);
            },
            [](const std::vector<double>& s) -> expectation {
                if (s.empty())
                    return {};
                return { brute_huber(s, {}, 1.2, 2.0), 2.0 };
            } },
        { "biweight_location",
            [](robstat::strided_span<const double> x, robstat::options o) {
                return robstat::biweight_location(x, 6.0, std::nullopt, o);
            },
            [](const std::vector<double>& s) -> expectation {
                if (s.empty())
                    return {};
                return { static_cast<double>(brute_biweight_location(s, 6.0, nullptr)),
                    static_cast<double>(raw_mad_ld(s)) };
            } },
        { "biweight_midvariance",
            [](robstat::strided_span<const double> x, robstat::options o) {
                return robstat::biweight_midvariance(x, 9.0, std::nullopt, false, o);
            },
            [](const std::vector<double>& s) -> expectation {
                if (s.empty())
                    return {};
                return { static_cast<double>(brute_biweight_midvariance(s, 9.0, nullptr, false)) };
            } },
        { "biweight_scale_modified",
            [](robstat::strided_span<const double> x, robstat::options o) {
                return robstat::biweight_scale(x, 9.0, std::nullopt, true, o);
            },
            [](const std::vector<double>& s) -> expectation {
                if (s.empty())
                    return {};
                return { static_cast<double>(
                    std::sqrt(brute_biweight_midvariance(s, 9.0, nullptr, true))) };
            } },
        { "huber_joint_location",
            [](robstat::strided_span<const double> x, robstat::options o) {
                return robstat::huber_joint(x, 1.5, 1e-13, 1000, o).location;
            },
            [](const std::vector<double>& s) -> expectation {
                if (s.empty())
                    return {};
                const auto r = brute_hubers(s, 1.5, 1e-13, 1000);
                return { static_cast<double>(r.mu), static_cast<double>(r.s) * 1e2 };
            } },
    };
    for (std::size_t n : test_sizes()) {
        const auto x = contaminated<double>(n, 900 + n);
        check_estimators(ests, x, 1, "contaminated");
        check_estimators(ests, x, -1, "contaminated");
        const auto t = with_ties<double>(n, 950 + n);
        check_estimators(ests, t, 2, "ties");
        check_estimators_keep_input(ests, x, 3);
    }
    check_nan_policies(ests, 4000, 4001);
}

TEST_CASE("mest: huber with infinite and huge values", "[mest]")
{
    const double inf = inf_d;
    // with a given scale, +-inf are clipped like any far value
    const std::vector<double> a { 1, 2, 3, 4, inf }, b { 1, 2, 3, 4, 1e300 };
    CHECK(robstat::huber(a, 1.5, 1.0) == robstat::huber(b, 1.5, 1.0));
    const std::vector<double> c { -inf, 1, 2, 3, 4, inf, inf },
        d { -1e300, 1, 2, 3, 4, 1e300, 1e300 };
    CHECK(robstat::huber(c, 1.5, 1.0) == robstat::huber(d, 1.5, 1.0));
    // more than half infinite: the root is infinite (as the median)
    CHECK(robstat::huber(std::vector<double> { 0, inf, inf }, 1.5, 1.0) == inf);
    CHECK(robstat::huber(std::vector<double> { -inf, -inf, 0 }, 1.5, 1.0) == -inf);
    CHECK(robstat::huber(std::vector<double> { 0, inf }, 1.5, 1.0) == inf);
    CHECK(std::isnan(robstat::huber(std::vector<double> { -inf, inf }, 1.5, 1.0)));
    // default scale with a MAD that is not finite: the median (huberM)
    CHECK(robstat::huber(std::vector<double> { 1, inf, inf }) == inf);
    // +-1e308: no overflow
    const std::vector<double> h { -1e308, 1e308, 1.5e308, 0.5e308, 1.7e308 };
    const double got = robstat::huber(h);
    CHECK(std::isfinite(got));
    const double sc = static_cast<double>(raw_mad_ld(h)) * robstat::mad_normal_scale;
    CHECK(close_rel(got, brute_huber(h, {}, 1.5, sc), 1e-13));
    // denormals: the same as scaled normal numbers
    std::vector<double> tiny { 1, 2, 3, 5, 40 }, tinys;
    for (double v : tiny)
        tinys.push_back(v * 0x1p-1070);
    CHECK(robstat::huber(tinys) == Approx(robstat::huber(tiny) * 0x1p-1070).epsilon(0.05));
    CHECK(robstat::huber(tinys) > 0);
}

TEST_CASE("mest: huber of subnormal values next to a huge one stays in [min, max]", "[mest]")
{
    // fuzz finding tests/fuzz/regressions/fuzz_estimators/huber-subnormal-huge: the
    // data were scaled by 2^-80 whenever a value exceeded 2^900, which flushed the
    // subnormal values and their (subnormal) scale to 0 and returned 0 < min
    const double dm = std::numeric_limits<double>::denorm_min();
    const std::vector<double> x { 6.975e-320, 8.85190217116944e+280, 2.7e-322, 8.079e-320 };
    const double k = 177.0 / 16;
    const double got = robstat::huber(x, k);
    CHECK(got >= 2.7e-322);
    CHECK(got <= 8.85190217116944e+280);
    const double sc = static_cast<double>(raw_mad_ld(x)) * robstat::mad_normal_scale;
    CHECK(std::fabs(got - brute_huber(x, {}, k, sc)) <= 4 * dm);
    // where the sums need scaling (a value near DBL_MAX) the subnormals are
    // flushed, and the result is still inside the data's range
    const std::vector<double> y { 1e-320, 2e-320, 3e-320, 1.7e308 };
    const double g2 = robstat::huber(y);
    CHECK(g2 >= 1e-320);
    CHECK(g2 <= 1.7e308);
    const std::vector<double> w { 1, 2, 1, 1 };
    const double g3 = robstat::huber(x, w, k);
    CHECK(g3 >= 2.7e-322);
    CHECK(g3 <= 8.85190217116944e+280);
}

TEST_CASE("mest: weighted huber (frequency weights)", "[mest]")
{
    std::mt19937_64 rng(11);
    std::uniform_int_distribution<int> wi(0, 4);
    std::uniform_real_distribution<double> wf(0.0, 3.0);
    for (std::size_t n : { 1u, 2u, 3u, 7u, 20u, 101u, 1000u }) {
        for (int rep = 0; rep < 4; ++rep) {
            const auto x = rep % 2 ? contaminated<double>(n, 77 * n + rep)
                                   : with_ties<double>(n, 77 * n + rep);
            std::vector<double> w(n), xr, wr;
            for (std::size_t i = 0; i < n; ++i) {
                w[i] = wi(rng);
                for (int j = 0; j < static_cast<int>(w[i]); ++j)
                    xr.push_back(x[i]);
                if (w[i] > 0) {
                    wr.push_back(w[i]);
                }
            }
            const double s = 0.7 + rep;
            INFO("n=" << n << " rep=" << rep);
            const double got = robstat::huber(x, w, 1.5, s);
            if (xr.empty()) {
                CHECK(std::isnan(got));
                continue;
            }
            // integer weights = repeating the values
            CHECK(close_rel(got, robstat::huber(xr, 1.5, s), 1e-13, s));
            CHECK(close_rel(got, brute_huber(xr, {}, 1.5, s), 1e-13, s));
            // scale 0: the weighted median = the median of the repeated values
            CHECK(robstat::huber(x, w, 1.5, 0.0) == robstat::median(xr));
            // fractional weights against the brute-force weighted root
            std::vector<double> wfr(n), xp, wp;
            for (std::size_t i = 0; i < n; ++i) {
                wfr[i] = wf(rng);
                if (wfr[i] > 0) {
                    xp.push_back(x[i]);
                    wp.push_back(wfr[i]);
                }
            }
            CHECK(close_rel(robstat::huber(x, wfr, 1.3, s), brute_huber(xp, wp, 1.3, s), 1e-13, s));
            // unit weights = unweighted; strided weights
            const std::vector<double> ones(n, 1.0);
            CHECK(close_rel(robstat::huber(x, ones, 1.5, s), robstat::huber(x, 1.5, s), 1e-14, s));
            const strided_input<double> xin(x, -1), win(w, 2);
            CHECK(robstat::huber(xin.span(), win.span(), 1.5, s) == got);
        }
    }
    // NaN policies with weights
    const std::vector<double> x { 1, 2, nan_d, 4, 10 }, w { 1, 2, 3, 1, 1 };
    CHECK(std::isnan(robstat::huber(x, w, 1.5, 1.0)));
    CHECK_THROWS_AS(
        robstat::huber(x, w, 1.5, 1.0, { robstat::nan_policy::raise }), std::domain_error);
    const std::vector<double> xc { 1, 2, 4, 10 }, wc { 1, 2, 1, 1 };
    CHECK(robstat::huber(x, w, 1.5, 1.0, { robstat::nan_policy::omit })
        == robstat::huber(xc, wc, 1.5, 1.0));
    // invalid weights and scales
    CHECK_THROWS_AS(
        robstat::huber(xc, std::vector<double> { 1, -1, 1, 1 }, 1.5, 1.0), std::invalid_argument);
    CHECK_THROWS_AS(robstat::huber(xc, std::vector<double> { 1, nan_d, 1, 1 }, 1.5, 1.0),
        std::invalid_argument);
    CHECK_THROWS_AS(
        robstat::huber(xc, std::vector<double> { 1, 1 }, 1.5, 1.0), std::invalid_argument);
    CHECK_THROWS_AS(robstat::huber(xc, wc, 1.5, -1.0), std::invalid_argument);
}

// ---- proposal 2 -------------------------------------------------------------------------------

TEST_CASE("mest: huber_joint edge cases and non-convergence", "[mest]")
{
    // n = 1 and constant data: MAD 0 gives (median, 0), converged after 0 iterations
    auto r = robstat::huber_joint(std::vector<double> { 3.0 });
    CHECK(r.location == 3.0);
    CHECK(r.scale == 0.0);
    CHECK(r.converged);
    CHECK(r.n_iter == 0);
    r = robstat::huber_joint(std::vector<double>(9, 2.0));
    CHECK((r.location == 2.0 && r.scale == 0.0 && r.converged && r.n_iter == 0));
    r = robstat::huber_joint(std::vector<double> {});
    CHECK(std::isnan(r.location));
    CHECK(!r.converged);
    // the iteration limit is reported, not hidden
    const auto x = contaminated<double>(60, 5);
    r = robstat::huber_joint(x, 1.5, 1e-10, 2);
    CHECK(!r.converged);
    CHECK(r.n_iter == 2);
    const auto b = brute_hubers(x, 1.5, 1e-10, 2);
    CHECK(close_rel(r.location, static_cast<double>(b.mu), 1e-13));
    CHECK(close_rel(r.scale, static_cast<double>(b.s), 1e-13));
    const auto full = robstat::huber_joint(x, 1.5, 1e-12, 1000);
    CHECK(full.converged);
    const auto bf = brute_hubers(x, 1.5, 1e-12, 1000);
    CHECK(close_rel(full.location, static_cast<double>(bf.mu), 1e-11, full.scale));
    // scale equivariance where MASS underflows: 1e-200 * x
    std::vector<double> tiny;
    for (double v : x)
        tiny.push_back(v * 1e-200);
    const auto rt = robstat::huber_joint(tiny, 1.5, 1e-12, 1000);
    CHECK(rt.converged);
    CHECK(close_rel(rt.location, full.location * 1e-200, 1e-10));
    CHECK(close_rel(rt.scale, full.scale * 1e-200, 1e-10));
    // invalid parameters
    CHECK_THROWS_AS(robstat::huber_joint(x, 0.0), std::invalid_argument);
    CHECK_THROWS_AS(robstat::huber_joint(x, 1.5, 0.0), std::invalid_argument);
    CHECK_THROWS_AS(robstat::huber_joint(x, 1.5, 1e-8, 0), std::invalid_argument);
    CHECK_THROWS_AS(robstat::huber(x, -1.0), std::invalid_argument);
    CHECK_THROWS_AS(robstat::huber(x, 1.5, nan_d), std::invalid_argument);
    CHECK_THROWS_AS(robstat::biweight_location(x, 0.0), std::invalid_argument);
    CHECK_THROWS_AS(robstat::biweight_scale(x, inf_d), std::invalid_argument);
}

// ---- float -------------------------------------------------------------------------------------

TEST_CASE("mest: float input computes in double, returns float", "[mest]")
{
    for (std::size_t n : { 5u, 33u, 1000u, 20011u }) {
        const auto xf = contaminated<float>(n, 31 + n);
        const std::vector<double> xd(xf.begin(), xf.end());
        // the same float values in double: float results agree to float precision
        CHECK(close_rel(robstat::huber(xf), robstat::huber(xd), 1e-6));
        CHECK(close_rel(robstat::huber(xf, 1.5, 2.0), robstat::huber(xd, 1.5, 2.0), 1e-6));
        CHECK(close_rel(robstat::biweight_location(xf), robstat::biweight_location(xd), 1e-6));
        CHECK(close_rel(robstat::biweight_scale(xf), robstat::biweight_scale(xd), 1e-6));
        const auto jf = robstat::huber_joint(xf, 1.5, 1e-9, 1000);
        const auto jd = robstat::huber_joint(xd, 1.5, 1e-9, 1000);
        CHECK(close_rel(jf.location, jd.location, 1e-6, jd.scale));
        CHECK(close_rel(jf.scale, jd.scale, 1e-6));
        static_assert(std::is_same_v<decltype(robstat::huber(xf)), float>);
    }
}

TEST_CASE("huber: weighted default scale is the weighted MAD", "[mest]")
{
    const std::vector<double> x { 1, 2, 2.5, 3, 4, 7, 30, -12, 2.25 };
    const std::vector<double> w { 1, 3, 0, 2, 1, 1, 2, 1, 4 };
    std::vector<double> rep;
    for (std::size_t i = 0; i < x.size(); ++i)
        for (int j = 0; j < static_cast<int>(w[i]); ++j)
            rep.push_back(x[i]);
    const double s = robstat::weighted_mad(x, w);
    CHECK(s == robstat::mad(rep));
    CHECK(robstat::huber(x, w, 1.5) == robstat::huber(x, w, 1.5, s));
    CHECK(robstat::huber(x, w, 1.5) == Approx(robstat::huber(rep, 1.5)).epsilon(1e-12));
    const std::vector<double> xn { 1, std::nan(""), 3 }, wn { 1, 1, 1 };
    CHECK(std::isnan(robstat::huber(xn, wn, 1.5)));
    CHECK(robstat::huber(xn, wn, 1.5, {}, { robstat::nan_policy::omit }) == 2.0);
}
