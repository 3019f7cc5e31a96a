// Distribution fitting (robstat/fit.hpp): closed forms, the score equations at
// the estimates (central differences of the log-likelihood), frequency weights
// against repeated values, fixed parameters, NaN policies and degenerate input.
// The high-precision reference table is checked by tests/python/test_fit.py.
#include <catch2/catch.hpp>

#include <robstat/fit.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using robstat::family;

namespace {

std::vector<double> draw(family f, std::size_t n, unsigned seed)
{
    std::mt19937_64 g(seed);
    std::vector<double> x(n);
    std::normal_distribution<double> nd(1.0, 2.0);
    std::gamma_distribution<double> gd(2.5, 1.7);
    std::weibull_distribution<double> wd(1.7, 2.0);
    std::exponential_distribution<double> ed(0.5);
    std::student_t_distribution<double> td(3.0);
    std::cauchy_distribution<double> cd(1.0, 2.0);
    std::uniform_real_distribution<double> ud(0.0, 1.0);
    for (auto& v : x) {
        switch (f) {
        case family::normal:
            v = nd(g);
            break;
        case family::lognormal:
            v = std::exp(0.3 + 0.7 * nd(g) / 2.0);
            break;
        case family::exponential:
            v = 1 + ed(g);
            break;
        case family::gamma:
            v = gd(g);
            break;
        case family::weibull:
            v = wd(g);
            break;
        case family::t:
            v = 1 + 2 * td(g);
            break;
        case family::laplace: {
            const double u = ud(g) - 0.5;
            v = 1 - 2 * (u < 0 ? -1 : 1) * std::log(1 - 2 * std::fabs(u));
            break;
        }
        case family::logistic: {
            const double u = ud(g);
            v = 1 + 2 * std::log(u / (1 - u));
            break;
        }
        case family::cauchy:
            v = cd(g);
            break;
        case family::genpareto: {
            const double c = 0.2; // scipy genpareto(c=0.2, scale=1.5) by inversion
            v = 1.5 * (std::pow(1 - ud(g), -c) - 1) / c;
            break;
        }
        }
    }
    return x;
}

double loglik_at(family f, const std::vector<double>& x, const std::vector<double>& p)
{
    double s = 0;
    for (double v : x)
        s += robstat::detail::fit::logpdf(f, p.data(), v);
    return s;
}

} // namespace

TEST_CASE("fit: closed forms", "[fit]")
{
    const std::vector<double> x { 1.0, 2.0, 4.0, 7.0, 11.0 };
    const double mean = 5.0;
    double ss = 0;
    for (double v : x)
        ss += (v - mean) * (v - mean);
    auto r = robstat::fit(x, family::normal);
    CHECK(r.converged);
    CHECK(r.n_iter == 0);
    CHECK(r.param("loc") == Approx(mean).epsilon(1e-15));
    CHECK(r.param("scale") == Approx(std::sqrt(ss / 5)).epsilon(1e-15));
    CHECK(r.stderr_of("loc") == Approx(std::sqrt(ss / 5) / std::sqrt(5.0)).epsilon(1e-14));
    CHECK(r.stderr_of("scale") == Approx(std::sqrt(ss / 5) / std::sqrt(10.0)).epsilon(1e-14));
    double ll = 0; // the closed-form loglik against the direct sum of log densities
    for (double v : x) {
        const double z = (v - mean) / r.param("scale");
        ll += -0.5 * z * z - std::log(r.param("scale"))
            - 0.5 * std::log(2 * 3.14159265358979323846);
    }
    CHECK(r.loglik == Approx(ll).epsilon(1e-14));
    robstat::fit_options of;
    of.fixed = { { "loc", 4.0 } };
    auto rf = robstat::fit(x, family::normal, of);
    CHECK(rf.param("scale") == Approx(std::sqrt((9 + 4 + 0 + 9 + 49) / 5.0)).epsilon(1e-15));
    CHECK(rf.stderr_of("scale") == Approx(rf.param("scale") / std::sqrt(10.0)).epsilon(1e-14));
    CHECK(r.aic == Approx(4 - 2 * r.loglik));
    CHECK(r.bic == Approx(2 * std::log(5.0) - 2 * r.loglik));

    auto e = robstat::fit(x, family::exponential);
    CHECK(e.param("loc") == 1.0);
    CHECK(e.param("scale") == Approx(4.0).epsilon(1e-15));
    CHECK(e.stderr_of("loc") == Approx(4.0 / 5).epsilon(1e-14));
    CHECK(e.stderr_of("scale") == Approx(4.0 * 2.0 / 5).epsilon(1e-14));
    CHECK(e.loglik == Approx(-5 * (std::log(4.0) + 1) + 0.0).epsilon(1e-14));
    double lle = 0; // against the direct sum of log densities
    for (double v : x)
        lle += -std::log(4.0) - (v - 1.0) / 4.0;
    CHECK(e.loglik == Approx(lle).epsilon(1e-14));

    auto l = robstat::fit(x, family::laplace);
    CHECK(l.param("loc") == 4.0);
    CHECK(l.param("scale") == Approx((3 + 2 + 0 + 3 + 7) / 5.0).epsilon(1e-15));

    auto ln = robstat::fit(x, family::lognormal);
    double ml = 0;
    for (double v : x)
        ml += std::log(v) / 5;
    CHECK(ln.param("scale") == Approx(std::exp(ml)).epsilon(1e-14));
    CHECK(ln.param("loc") == 0.0);
    CHECK(ln.fixed[1]);
}

TEST_CASE("fit: the score is zero at the estimate", "[fit]")
{
    for (family f : robstat::all_families) {
        if (f == family::laplace || f == family::exponential)
            continue; // non-smooth likelihoods (closed forms above)
        const auto x = draw(f, 2000, 7);
        const auto r = robstat::fit(x, f);
        INFO(robstat::info(f).name << ": " << r.message);
        REQUIRE(r.converged);
        CHECK(r.loglik == Approx(loglik_at(f, x, r.params)).epsilon(1e-12));
        for (std::size_t i = 0; i < r.params.size(); ++i) {
            if (r.fixed[i])
                continue;
            auto p = r.params;
            const double h = 1e-5 * std::max(1.0, std::fabs(p[i]));
            p[i] += h;
            const double up = loglik_at(f, x, p);
            p[i] -= 2 * h;
            const double dn = loglik_at(f, x, p);
            // relative to the curvature scale: |score| * se is dimensionless
            const double score = (up - dn) / (2 * h);
            INFO(r.names[i]);
            CHECK(std::fabs(score) * r.se[i] < 1e-4);
            CHECK(up <= r.loglik + 1e-9 * std::fabs(r.loglik));
            CHECK(dn <= r.loglik + 1e-9 * std::fabs(r.loglik));
        }
    }
}

TEST_CASE("fit: frequency weights equal repeated values", "[fit]")
{
    std::mt19937_64 g(3);
    std::uniform_int_distribution<int> wd(0, 3);
    for (family f : robstat::all_families) {
        const auto x = draw(f, 50, 11);
        std::vector<double> w(x.size()), rep;
        for (std::size_t i = 0; i < x.size(); ++i) {
            w[i] = wd(g);
            for (int k = 0; k < static_cast<int>(w[i]); ++k)
                rep.push_back(x[i]);
        }
        const auto a = robstat::fit(x, w, f);
        const auto b = robstat::fit(rep, f);
        INFO(robstat::info(f).name);
        CHECK(a.n == Approx(static_cast<double>(rep.size())));
        for (std::size_t i = 0; i < a.params.size(); ++i)
            CHECK(a.params[i] == Approx(b.params[i]).epsilon(1e-10));
        CHECK(a.loglik == Approx(b.loglik).epsilon(1e-12));
    }
}

TEST_CASE("fit: fixed parameters", "[fit]")
{
    const auto x = draw(family::t, 500, 5);
    robstat::fit_options o;
    o.fixed = { { "df", 4.0 } };
    const auto r = robstat::fit(x, family::t, o);
    CHECK(r.converged);
    CHECK(r.param("df") == 4.0);
    CHECK(r.stderr_of("df") == 0.0);
    CHECK(r.n_free == 2);
    CHECK(r.aic == Approx(4 - 2 * r.loglik));
    // free fit is at least as likely
    CHECK(robstat::fit(x, family::t).loglik >= r.loglik);

    const auto y = draw(family::gamma, 300, 6);
    robstat::fit_options og;
    og.fixed = { { "scale", 2.0 } };
    const auto rg = robstat::fit(y, family::gamma, og);
    CHECK(rg.converged);
    double mlx = 0;
    for (double v : y)
        mlx += std::log(v) / 300;
    CHECK(boost::math::digamma(rg.param("a")) == Approx(mlx - std::log(2.0)).epsilon(1e-12));

    robstat::fit_options bad;
    bad.fixed = { { "nu", 4.0 } };
    CHECK_THROWS_AS(robstat::fit(x, family::t, bad), std::invalid_argument);
    bad.fixed = { { "scale", 0.0 } };
    CHECK_THROWS_AS(robstat::fit(x, family::t, bad), std::invalid_argument);
}

TEST_CASE("fit: degenerate input", "[fit]")
{
    for (family f : robstat::all_families) {
        INFO(robstat::info(f).name);
        CHECK_THROWS_AS(robstat::fit(std::vector<double> { 1.0 }, f), std::invalid_argument);
        CHECK_THROWS_AS(robstat::fit(std::vector<double> {}, f), std::invalid_argument);
        CHECK_THROWS_AS(
            robstat::fit(std::vector<double> { 2.0, 2.0, 2.0 }, f), std::invalid_argument);
        CHECK_THROWS_AS(
            robstat::fit(std::vector<double> { 1.0, 2.0, HUGE_VAL }, f), std::invalid_argument);
    }
    for (family f : { family::gamma, family::lognormal, family::weibull }) {
        CHECK_THROWS_WITH(
            robstat::fit(std::vector<double> { -1.0, 1.0, 2.0 }, f), Catch::Contains("support"));
        CHECK_THROWS_WITH(
            robstat::fit(std::vector<double> { 0.0, 1.0, 2.0 }, f), Catch::Contains("support"));
    }
    std::vector<double> w { 1, -1, 1 };
    CHECK_THROWS_AS(robstat::fit(std::vector<double> { 1.0, 2.0, 3.0 }, w, family::normal),
        std::invalid_argument);
}

TEST_CASE("fit: NaN policies", "[fit]")
{
    auto x = draw(family::gamma, 100, 9);
    const auto clean = robstat::fit(x, family::gamma);
    x.push_back(NAN);
    const auto p = robstat::fit(x, family::gamma);
    CHECK_FALSE(p.converged);
    CHECK(std::isnan(p.param("a")));
    CHECK(p.param("loc") == 0.0);
    CHECK(std::isnan(p.loglik));
    robstat::fit_options o;
    o.nan = robstat::nan_policy::raise;
    CHECK_THROWS_AS(robstat::fit(x, family::gamma, o), std::domain_error);
    o.nan = robstat::nan_policy::omit;
    const auto om = robstat::fit(x, family::gamma, o);
    CHECK(om.params == clean.params);
}

TEST_CASE("fit: t on light-tailed data reports df -> infinity", "[fit]")
{
    std::mt19937_64 g(13);
    std::uniform_real_distribution<double> ud(0.0, 1.0);
    std::vector<double> x(2000);
    for (auto& v : x)
        v = ud(g);
    const auto r = robstat::fit(x, family::t);
    CHECK_FALSE(r.converged);
    CHECK_THAT(r.message, Catch::Contains("df"));
}

TEST_CASE("fit: float input and strided views", "[fit]")
{
    const auto x = draw(family::weibull, 400, 4);
    std::vector<float> xf(x.begin(), x.end());
    std::vector<double> back(xf.begin(), xf.end());
    const auto a = robstat::fit(xf, family::weibull);
    const auto b = robstat::fit(back, family::weibull);
    CHECK(a.params == b.params);
    const auto s = robstat::fit(robstat::make_span(x.data(), 200, 2), family::weibull);
    std::vector<double> even;
    for (std::size_t i = 0; i < x.size(); i += 2)
        even.push_back(x[i]);
    CHECK(s.params == robstat::fit(even, family::weibull).params);
}

TEST_CASE("fit: truncated normal", "[fit]")
{
    std::mt19937_64 g(21);
    std::normal_distribution<double> nd(1.0, 2.0);
    std::vector<double> x;
    while (x.size() < 3000) {
        const double v = nd(g);
        if (v > -1 && v < 4)
            x.push_back(v);
    }
    const auto r = robstat::fit_truncated_normal(x, -1.0, 4.0);
    REQUIRE(r.converged);
    CHECK(std::fabs(r.param("loc") - 1) < 4 * r.stderr_of("loc"));
    CHECK(std::fabs(r.param("scale") - 2) < 4 * r.stderr_of("scale"));
    // the score of the truncated likelihood vanishes (central differences)
    const auto ll = [&](double mu, double sg) {
        double s = 0;
        for (double v : x)
            s += robstat::detail::fit::logpdf(
                family::normal, std::vector<double> { mu, sg }.data(), v);
        const double a = (-1 - mu) / sg, b = (4 - mu) / sg;
        return s - static_cast<double>(x.size()) * robstat::detail::fit::log_normal_mass(a, b);
    };
    CHECK(ll(r.params[0], r.params[1]) == Approx(r.loglik).epsilon(1e-12));
    const double h = 1e-5;
    const double dmu
        = (ll(r.params[0] + h, r.params[1]) - ll(r.params[0] - h, r.params[1])) / (2 * h);
    const double dsg
        = (ll(r.params[0], r.params[1] + h) - ll(r.params[0], r.params[1] - h)) / (2 * h);
    CHECK(std::fabs(dmu) * r.se[0] < 1e-4);
    CHECK(std::fabs(dsg) * r.se[1] < 1e-4);
    // bounds that cut nothing: the plain normal fit
    const auto wide = robstat::fit_truncated_normal(x, -1e6, HUGE_VAL);
    const auto plain = robstat::fit(x, family::normal);
    CHECK(wide.params[0] == Approx(plain.params[0]).epsilon(1e-9));
    CHECK(wide.params[1] == Approx(plain.params[1]).epsilon(1e-9));
    CHECK_THROWS_AS(robstat::fit_truncated_normal(x, 0.0, 4.0), std::invalid_argument);
    CHECK_THROWS_AS(robstat::fit_truncated_normal(x, 4.0, -1.0), std::invalid_argument);
}

TEST_CASE("fit: goodness-of-fit statistics and limiting distributions", "[fit]")
{
    using namespace robstat::detail::fit;
    // published upper points of the limiting distributions
    CHECK(kolmogorov_sf(1.3581) == Approx(0.05).margin(1e-4));
    CHECK(kolmogorov_sf(1.6276) == Approx(0.01).margin(1e-4));
    CHECK(kolmogorov_sf(0.99999) == Approx(kolmogorov_sf(1.00001)).margin(1e-4)); // both series
    CHECK(1 - ad_cdf(2.492, 1e12) == Approx(0.05).margin(1e-4));
    CHECK(1 - ad_cdf(3.878, 1e12) == Approx(0.01).margin(1e-4));
    CHECK(1 - cvm_cdf_inf(0.46136) == Approx(0.05).margin(2e-4));
    CHECK(1 - cvm_cdf_inf(0.74346) == Approx(0.01).margin(2e-4));

    // statistics from their definitions, on a normal sample
    const auto x = draw(family::normal, 200, 31);
    const auto fit = robstat::fit(x, family::normal);
    const auto g = robstat::gof(x, fit);
    std::vector<double> u;
    for (double v : x) {
        double F, S;
        cdf_sf(family::normal, fit.params.data(), v, F, S);
        u.push_back(F);
    }
    std::sort(u.begin(), u.end());
    const double n = 200;
    double d = 0, w2 = 1 / (12 * n), a2 = 0;
    for (std::size_t i = 0; i < u.size(); ++i) {
        const double k = static_cast<double>(i);
        d = std::max({ d, (k + 1) / n - u[i], u[i] - k / n });
        w2 += std::pow(u[i] - (2 * k + 1) / (2 * n), 2);
        a2 += (2 * k + 1) * (std::log(u[i]) + std::log1p(-u[u.size() - 1 - i]));
    }
    a2 = -n - a2 / n;
    CHECK(g.ks == Approx(d).epsilon(1e-12));
    CHECK(g.cvm == Approx(w2).epsilon(1e-10));
    CHECK(g.ad == Approx(a2).epsilon(1e-9));
    CHECK(g.ks_pvalue > 0.05); // the data are normal (a fixed seed)
    // a value where F = 0: A^2 is infinite, p = 0
    const auto e = robstat::fit(draw(family::exponential, 100, 2), family::exponential);
    const auto ge = robstat::gof(draw(family::exponential, 100, 2), e);
    CHECK(std::isinf(ge.ad));
    CHECK(ge.ad_pvalue == 0.0);
}

namespace {

// a censored sample: values above `cr` right-censored at cr, below `cl`
// left-censored at cl, every 7th value in [v - 0.5 |v|, v + 0.5 |v|] (for the
// positive families: [v / 2, 1.5 v]); the rest exact
struct cens_data {
    std::vector<double> x, left, right, lo, hi;
    robstat::censored_sample<double> view() const
    {
        robstat::censored_sample<double> s;
        s.x = robstat::make_span(x);
        s.left = robstat::make_span(left);
        s.right = robstat::make_span(right);
        s.lo = robstat::make_span(lo);
        s.hi = robstat::make_span(hi);
        return s;
    }
};

cens_data censor(const std::vector<double>& v, double cl, double cr)
{
    cens_data d;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] > cr)
            d.right.push_back(cr);
        else if (v[i] < cl)
            d.left.push_back(cl);
        else if (i % 7 == 0) {
            d.lo.push_back(v[i] - 0.5 * std::fabs(v[i]));
            d.hi.push_back(v[i] + 0.5 * std::fabs(v[i]));
        } else
            d.x.push_back(v[i]);
    }
    return d;
}

// the censored log-likelihood from the textbook cdfs (std::erfc, exp, atan),
// in SciPy's parameters: an oracle independent of censored.hpp; truncated to
// [L, U], each probability conditional on it
double cens_loglik(family f, const cens_data& d, const std::vector<double>& p, double L = -INFINITY,
    double U = INFINITY)
{
    const auto cdf = [&](double x) -> double {
        switch (f) {
        case family::normal:
            return 0.5 * std::erfc(-(x - p[0]) / (p[1] * std::sqrt(2.0)));
        case family::logistic:
            return 1 / (1 + std::exp(-(x - p[0]) / p[1]));
        case family::lognormal:
            return 0.5 * std::erfc(-(std::log(x) - std::log(p[2])) / (p[0] * std::sqrt(2.0)));
        case family::weibull:
            return -std::expm1(-std::pow(x / p[2], p[0]));
        case family::exponential:
            return -std::expm1(-x / p[1]);
        case family::cauchy:
            return 0.5 + std::atan((x - p[0]) / p[1]) / 3.14159265358979323846;
        default:
            return NAN;
        }
    };
    const bool truncated = L > -INFINITY || U < INFINITY;
    const auto F = [&](double x) { return x == INFINITY ? 1.0 : x == -INFINITY ? 0.0 : cdf(x); };
    if (truncated) {
        const double logmass = std::log(F(U) - F(L));
        double s = 0;
        for (double v : d.x)
            s += robstat::detail::fit::logpdf(f, p.data(), v) - logmass;
        const auto interval = [&](double a, double b) {
            a = std::max(a, L);
            b = std::min(b, U);
            if (!(a == L && b == U))
                s += std::log(F(b) - F(a)) - logmass;
        };
        for (double v : d.left)
            interval(-INFINITY, v);
        for (double v : d.right)
            interval(v, INFINITY);
        for (std::size_t i = 0; i < d.lo.size(); ++i)
            interval(d.lo[i], d.hi[i]);
        return s;
    }
    double s = 0;
    for (double v : d.x)
        s += robstat::detail::fit::logpdf(f, p.data(), v);
    for (double v : d.left)
        s += std::log(cdf(v));
    for (double v : d.right)
        s += std::log1p(-cdf(v));
    for (std::size_t i = 0; i < d.lo.size(); ++i)
        s += std::log(cdf(d.hi[i]) - cdf(d.lo[i]));
    return s;
}

} // namespace

namespace {

// the fit's score vanishes and se is the inverse of a central-difference
// Hessian of cens_loglik (truncated to [L, U])
void check_score_and_se(
    family f, const cens_data& d, const robstat::fit_result& r, double L, double U)
{
    CHECK(cens_loglik(f, d, r.params, L, U) == Approx(r.loglik).epsilon(1e-11));
    std::vector<std::size_t> free;
    for (std::size_t i = 0; i < r.params.size(); ++i)
        if (!r.fixed[i])
            free.push_back(i);
    const auto at = [&](std::size_t i, double hi, std::size_t j, double hj) {
        auto p = r.params;
        p[i] += hi;
        p[j] += hj;
        return cens_loglik(f, d, p, L, U);
    };
    std::vector<double> Hm(free.size() * free.size());
    for (std::size_t a = 0; a < free.size(); ++a) {
        const std::size_t i = free[a];
        const double h = 1e-4 * std::max(std::fabs(r.params[i]), r.se[i]);
        const double g = (at(i, h, i, 0) - at(i, -h, i, 0)) / (2 * h);
        CHECK(std::fabs(g) * r.se[i] < 1e-5);
        for (std::size_t b = 0; b < free.size(); ++b) {
            const std::size_t j = free[b];
            const double hj = 1e-4 * std::max(std::fabs(r.params[j]), r.se[j]);
            Hm[a * free.size() + b]
                = (at(i, h, j, hj) - at(i, h, j, -hj) - at(i, -h, j, hj) + at(i, -h, j, -hj))
                / (4 * h * hj);
        }
    }
    if (free.size() == 1) {
        CHECK(r.se[free[0]] == Approx(std::sqrt(-1 / Hm[0])).epsilon(1e-4));
    } else {
        const double det = Hm[0] * Hm[3] - Hm[1] * Hm[2];
        CHECK(r.se[free[0]] == Approx(std::sqrt(-Hm[3] / det)).epsilon(1e-4));
        CHECK(r.se[free[1]] == Approx(std::sqrt(-Hm[0] / det)).epsilon(1e-4));
    }
}

} // namespace

TEST_CASE("fit: censored samples, the score vanishes and se is the inverse information",
    "[fit][censored]")
{
    for (family f : { family::normal, family::logistic, family::lognormal, family::weibull,
             family::exponential, family::cauchy }) {
        INFO(robstat::info(f).name);
        const bool pos = robstat::info(f).positive_support;
        auto v = draw(f, 400, 31);
        if (f == family::exponential)
            for (auto& e : v)
                e -= 1; // draw() shifts it by 1; censored fits fix loc at 0
        const auto d = pos ? censor(v, 0.5, 3.0) : censor(v, -1.0, 3.0);
        REQUIRE(!d.left.empty());
        REQUIRE(!d.right.empty());
        const auto r = robstat::fit(d.view(), f);
        REQUIRE(r.converged);
        CHECK(r.n == 400);
        check_score_and_se(f, d, r, -INFINITY, INFINITY);
    }
}

TEST_CASE("fit: truncated samples, also censored", "[fit][censored][truncated]")
{
    for (family f : { family::normal, family::logistic, family::lognormal, family::weibull,
             family::exponential, family::cauchy }) {
        INFO(robstat::info(f).name);
        const bool pos = robstat::info(f).positive_support;
        const double L = pos ? 0.3 : -2.0, U = pos ? 4.0 : 5.0;
        auto v = draw(f, 4000, 17);
        std::vector<double> kept;
        for (double e : v) {
            e -= f == family::exponential ? 1 : 0;
            if (e >= L && e <= U && kept.size() < 500)
                kept.push_back(e);
        }
        // uncensored, truncated to [L, U]
        cens_data d;
        d.x = kept;
        auto s = d.view();
        s.lower = L;
        s.upper = U;
        auto r = robstat::fit(s, f);
        REQUIRE(r.converged);
        CHECK(r.n == 500);
        check_score_and_se(f, d, r, L, U);
        if (f == family::normal) { // the normal family's own truncated fit
            const auto t = robstat::fit_truncated_normal(kept, L, U);
            CHECK(r.params[0] == Approx(t.params[0]).epsilon(1e-10));
            CHECK(r.params[1] == Approx(t.params[1]).epsilon(1e-10));
            CHECK(r.se[1] == Approx(t.se[1]).epsilon(1e-7));
            CHECK(r.loglik == Approx(t.loglik).epsilon(1e-12));
        }
        // and censored: bounds beyond [L, U] are clipped to it
        const auto c = pos ? censor(kept, 0.6, 2.5) : censor(kept, -1.0, 3.0);
        s = c.view();
        s.lower = L;
        s.upper = U;
        r = robstat::fit(s, f);
        REQUIRE(r.converged);
        check_score_and_se(f, c, r, L, U);
    }
}

TEST_CASE("fit: censored weights equal repeated values", "[fit][censored]")
{
    const auto v = draw(family::weibull, 300, 12);
    const auto d = censor(v, 0.6, 2.8);
    // weights 0..3 by position; the repeated sample
    const auto weights = [](std::size_t n) {
        std::vector<double> w(n);
        for (std::size_t i = 0; i < n; ++i)
            w[i] = static_cast<double>((i * 7 + 3) % 4);
        return w;
    };
    const auto wx = weights(d.x.size()), wl = weights(d.left.size()), wr = weights(d.right.size()),
               wi = weights(d.lo.size());
    cens_data rep;
    const auto repeat
        = [](const std::vector<double>& a, const std::vector<double>& w, std::vector<double>& out) {
              for (std::size_t i = 0; i < a.size(); ++i)
                  out.insert(out.end(), static_cast<std::size_t>(w[i]), a[i]);
          };
    repeat(d.x, wx, rep.x);
    repeat(d.left, wl, rep.left);
    repeat(d.right, wr, rep.right);
    repeat(d.lo, wi, rep.lo);
    repeat(d.hi, wi, rep.hi);
    for (family f : { family::weibull, family::lognormal, family::exponential }) {
        INFO(robstat::info(f).name);
        auto s = d.view();
        s.w_x = robstat::make_span(wx);
        s.w_left = robstat::make_span(wl);
        s.w_right = robstat::make_span(wr);
        s.w_interval = robstat::make_span(wi);
        s.lower = 0.1;
        const auto a = robstat::fit(s, f);
        auto t = rep.view();
        t.lower = 0.1;
        const auto b = robstat::fit(t, f);
        REQUIRE(a.converged);
        REQUIRE(b.converged);
        CHECK(a.n == b.n);
        for (std::size_t i = 0; i < a.params.size(); ++i) {
            CHECK(a.params[i] == Approx(b.params[i]).epsilon(1e-10));
            CHECK(a.se[i] == Approx(b.se[i]).epsilon(1e-8));
        }
        CHECK(a.loglik == Approx(b.loglik).epsilon(1e-12));
    }
    // invalid weights: a wrong length, negative, NaN
    auto s = d.view();
    const std::vector<double> short_w(d.x.size() - 1, 1.0);
    s.w_x = robstat::make_span(short_w);
    CHECK_THROWS_AS(robstat::fit(s, family::weibull), std::invalid_argument);
    std::vector<double> bad = wx;
    bad[0] = -1;
    s.w_x = robstat::make_span(bad);
    CHECK_THROWS_AS(robstat::fit(s, family::weibull), std::invalid_argument);
    bad[0] = NAN;
    CHECK_THROWS_AS(robstat::fit(s, family::weibull), std::invalid_argument);
}

TEST_CASE("fit: truncation errors", "[fit][censored][truncated]")
{
    const std::vector<double> x { 1.0, 2.0, 3.5 }, r4 { 4.0 };
    robstat::censored_sample<double> s;
    s.x = robstat::make_span(x);
    s.lower = 3;
    s.upper = 1; // lower > upper
    CHECK_THROWS_AS(robstat::fit(s, family::normal), std::invalid_argument);
    s.lower = 1.5; // an observed value below it
    s.upper = 10;
    CHECK_THROWS_AS(robstat::fit(s, family::logistic), std::invalid_argument);
    s.lower = 0;
    s.upper = 4;
    s.right = robstat::make_span(r4); // x > 4 has probability 0 in [0, 4]
    CHECK_THROWS_AS(robstat::fit(s, family::normal), std::invalid_argument);
    s.right = {};
    s.upper = -1; // nothing of a positive family below -1
    s.lower = -5;
    s.x = {};
    s.left = robstat::make_span(r4);
    CHECK_THROWS_AS(robstat::fit(s, family::weibull), std::invalid_argument);
    s.left = {};
    s.x = robstat::make_span(x);
    s.lower = 0;
    s.upper = 10;
    CHECK_THROWS_AS(robstat::fit(s, family::gamma), std::invalid_argument);
}

TEST_CASE("fit: censored exponential closed form and uncensored equivalence", "[fit][censored]")
{
    std::mt19937_64 g(5);
    std::exponential_distribution<double> t(0.4), c(0.3);
    cens_data d;
    double total = 0;
    for (int i = 0; i < 300; ++i) {
        const double a = t(g), b = c(g);
        (a <= b ? d.x : d.right).push_back(std::min(a, b));
        total += std::min(a, b);
    }
    const auto r = robstat::fit(d.view(), family::exponential);
    REQUIRE(r.converged);
    CHECK(r.param("scale") == Approx(total / static_cast<double>(d.x.size())).epsilon(1e-12));
    CHECK(r.param("loc") == 0);
    // no censoring: the plain fit's estimates (normal closed form)
    const auto v = draw(family::normal, 200, 3);
    robstat::censored_sample<double> s;
    s.x = robstat::make_span(v);
    const auto a = robstat::fit(s, family::normal);
    const auto b = robstat::fit(v, family::normal);
    CHECK(a.params[0] == Approx(b.params[0]).epsilon(1e-12));
    CHECK(a.params[1] == Approx(b.params[1]).epsilon(1e-12));
    CHECK(a.loglik == Approx(b.loglik).epsilon(1e-12));
}

TEST_CASE("fit: censored edge cases and errors", "[fit][censored]")
{
    const std::vector<double> x { 1.0, 2.0, 3.5 }, r3 { 1.0, 2.0, 3.0 }, neg { -1.0, 2.0 };
    robstat::censored_sample<double> s;
    s.right = robstat::make_span(r3);
    // every value right-censored: no maximum, NaN estimates, the reason
    auto r = robstat::fit(s, family::weibull);
    CHECK(!r.converged);
    CHECK(std::isnan(r.param("c")));
    CHECK(r.message.find("right-censored") != std::string::npos);
    // every bound consistent with a point mass in (2, 3): the scale runs to 0
    const std::vector<double> l34 { 3.0, 4.0 }, r12 { 1.0, 2.0 };
    robstat::censored_sample<double> pm;
    pm.left = robstat::make_span(l34);
    pm.right = robstat::make_span(r12);
    for (family f : { family::normal, family::weibull, family::logistic }) {
        r = robstat::fit(pm, f);
        CHECK(!r.converged);
        CHECK(std::isnan(r.params[robstat::info(f).scale_index]));
        CHECK(r.message.find("no maximum") != std::string::npos);
    }
    CHECK(robstat::fit(pm, family::exponential).converged); // log-scale fixed at 1: bounded
    // unsupported family
    s.x = robstat::make_span(x);
    CHECK_THROWS_AS(robstat::fit(s, family::gamma), std::invalid_argument);
    // lo > hi, values outside the support, mismatched interval lengths
    const std::vector<double> lo { 2.0 }, hi { 1.0 }, hi2 { 1.0, 4.0 };
    s.lo = robstat::make_span(lo);
    s.hi = robstat::make_span(hi);
    CHECK_THROWS_AS(robstat::fit(s, family::normal), std::invalid_argument);
    s.hi = robstat::make_span(hi2);
    CHECK_THROWS_AS(robstat::fit(s, family::normal), std::invalid_argument);
    s.lo = s.hi = {};
    s.x = robstat::make_span(neg);
    CHECK_THROWS_AS(robstat::fit(s, family::lognormal), std::invalid_argument);
    // nothing at all
    CHECK_THROWS_AS(
        robstat::fit(robstat::censored_sample<double> {}, family::normal), std::invalid_argument);
    // NaN policies
    const std::vector<double> rn { 2.5, NAN };
    robstat::censored_sample<double> t;
    t.x = robstat::make_span(x);
    t.right = robstat::make_span(rn);
    r = robstat::fit(t, family::normal);
    CHECK(!r.converged);
    CHECK(std::isnan(r.params[0]));
    robstat::fit_options o;
    o.nan = robstat::nan_policy::raise;
    CHECK_THROWS_AS(robstat::fit(t, family::normal, o), std::domain_error);
    o.nan = robstat::nan_policy::omit;
    const auto a = robstat::fit(t, family::normal, o);
    const std::vector<double> r1 { 2.5 };
    t.right = robstat::make_span(r1);
    const auto b = robstat::fit(t, family::normal);
    CHECK(a.params == b.params);
    CHECK(a.n == b.n);
}

TEST_CASE("fit: censored float input and strided views", "[fit][censored]")
{
    const auto v = draw(family::weibull, 300, 8);
    const auto d = censor(v, 0.4, 2.5);
    std::vector<float> xf(d.x.begin(), d.x.end()), rf(d.right.begin(), d.right.end()),
        lf(d.left.begin(), d.left.end());
    std::vector<double> xd(xf.begin(), xf.end()), rd(rf.begin(), rf.end()),
        ld(lf.begin(), lf.end());
    robstat::censored_sample<float> sf;
    sf.x = robstat::make_span(xf);
    sf.right = robstat::make_span(rf);
    sf.left = robstat::make_span(lf);
    robstat::censored_sample<double> sd;
    sd.x = robstat::make_span(xd);
    sd.right = robstat::make_span(rd);
    sd.left = robstat::make_span(ld);
    const auto a = robstat::fit(sf, family::weibull);
    const auto b = robstat::fit(sd, family::weibull);
    CHECK(a.params == b.params);
    // every other element of an interleaved buffer
    std::vector<double> big(2 * d.x.size(), -7.0);
    for (std::size_t i = 0; i < d.x.size(); ++i)
        big[2 * i] = d.x[i];
    robstat::censored_sample<double> st = d.view();
    st.x = robstat::make_span(big.data(), d.x.size(), 2);
    const auto c = robstat::fit(st, family::weibull);
    const auto e = robstat::fit(d.view(), family::weibull);
    CHECK(c.params == e.params);
    CHECK(c.loglik == e.loglik);
}

namespace {

bool same_fit(const robstat::fit_result& a, const robstat::fit_result& b)
{
    const auto same = [](double u, double v) { return u == v || (std::isnan(u) && std::isnan(v)); };
    if (a.params.size() != b.params.size() || a.converged != b.converged || a.message != b.message
        || !same(a.loglik, b.loglik) || a.n != b.n)
        return false;
    for (std::size_t i = 0; i < a.params.size(); ++i)
        if (!same(a.params[i], b.params[i]) || !same(a.se[i], b.se[i]))
            return false;
    return true;
}

} // namespace

TEST_CASE("fit: batched segments equal one fit each, whatever the threads", "[fit][batched]")
{
    const family fams[] = { family::normal, family::gamma, family::weibull, family::t };
    for (family f : fams) {
        INFO(robstat::info(f).name);
        // segments of 40, 1 (cannot be fitted), 0 (empty), 200 and 7 values
        const std::vector<std::size_t> offsets = { 0, 40, 41, 41, 241, 248 };
        const auto x = draw(f, offsets.back(), 91);
        std::vector<double> w(x.size());
        for (std::size_t i = 0; i < w.size(); ++i)
            w[i] = static_cast<double>(i % 3);
        for (bool weighted : { false, true }) {
            const auto ws = weighted ? robstat::make_span(w) : robstat::strided_span<double> {};
            robstat::batch_options b;
            const auto one = robstat::fit_segments(robstat::make_span(x), ws, offsets, f, {}, b);
            b.threads = 3;
            const auto three = robstat::fit_segments(robstat::make_span(x), ws, offsets, f, {}, b);
            REQUIRE(one.size() == offsets.size() - 1);
            for (std::size_t i = 0; i + 1 < offsets.size(); ++i) {
                INFO("segment " << i << " weighted " << weighted);
                CHECK(same_fit(one[i], three[i]));
                const std::size_t from = offsets[i], len = offsets[i + 1] - from;
                if (len < 2) {
                    CHECK_FALSE(one[i].converged);
                    CHECK(std::isnan(one[i].params.back()));
                    CHECK(one[i].fixed.empty());
                    CHECK_THAT(one[i].message, Catch::Contains("at least"));
                    CHECK(one[i].n == static_cast<double>(len));
                    continue;
                }
                const std::vector<double> xi(x.begin() + from, x.begin() + from + len);
                const std::vector<double> wi(w.begin() + from, w.begin() + from + len);
                const auto direct = weighted ? robstat::fit(xi, wi, f) : robstat::fit(xi, f);
                CHECK(same_fit(one[i], direct));
                CHECK(one[i].fixed == direct.fixed);
            }
        }
    }
}

TEST_CASE("fit: batched truncated segments, rows, errors", "[fit][batched]")
{
    const std::vector<std::size_t> offsets = { 0, 150, 300 };
    auto x = draw(family::weibull, 300, 17);
    for (auto& v : x)
        v = std::min(v, 3.0);
    robstat::batch_options b;
    b.truncated = true;
    b.lower = 0.0;
    b.upper = 3.0;
    const auto rs = robstat::fit_segments(
        robstat::make_span(x), robstat::strided_span<double> {}, offsets, family::weibull, {}, b);
    for (std::size_t i = 0; i < 2; ++i) {
        robstat::censored_sample<double> s;
        s.x = robstat::make_span(x.data() + offsets[i], 150);
        s.upper = 3.0;
        CHECK(same_fit(rs[i], robstat::fit(s, family::weibull)));
    }
    const auto nrm = robstat::fit_segments(
        robstat::make_span(x), robstat::strided_span<double> {}, offsets, family::normal, {}, b);
    CHECK(same_fit(
        nrm[1], robstat::fit_truncated_normal(robstat::make_span(x.data() + 150, 150), 0.0, 3.0)));

    // the rows of a 2 x 150 matrix are the same two segments
    b.truncated = false;
    const auto rows = robstat::fit_rows(x.data(), 2, 150, family::gamma, {}, b);
    const auto segs = robstat::fit_segments(
        robstat::make_span(x), robstat::strided_span<double> {}, offsets, family::gamma, {}, b);
    CHECK(same_fit(rows[0], segs[0]));
    CHECK(same_fit(rows[1], segs[1]));

    const auto none = robstat::strided_span<double> {};
    const auto xs = robstat::make_span(x);
    CHECK_THROWS_WITH(robstat::fit_segments(xs, none, { 0, 10, 5 }, family::normal),
        Catch::Contains("nondecreasing"));
    CHECK_THROWS_WITH(robstat::fit_segments(xs, none, { 0, 301 }, family::normal),
        Catch::Contains("past the end"));
    CHECK_THROWS_WITH(
        robstat::fit_segments(xs, none, {}, family::normal), Catch::Contains("at least one entry"));
    CHECK(robstat::fit_segments(xs, none, { 0 }, family::normal).empty());
    const std::vector<double> w3(3, 1.0);
    CHECK_THROWS_WITH(robstat::fit_segments(xs, robstat::make_span(w3), offsets, family::normal),
        Catch::Contains("same length"));
    // one sample that cannot be fitted: reported, or raised with its index
    const std::vector<std::size_t> with_bad = { 0, 150, 151, 300 };
    const auto rep = robstat::fit_segments(xs, none, with_bad, family::gamma);
    CHECK(rep[0].converged);
    CHECK_FALSE(rep[1].converged);
    robstat::batch_options strict;
    strict.raise_errors = true;
    strict.threads = 2;
    CHECK_THROWS_WITH(robstat::fit_segments(xs, none, with_bad, family::gamma, {}, strict),
        Catch::StartsWith("segment 1: "));
    // none can be fitted: the first one's error
    CHECK_THROWS_WITH(robstat::fit_segments(xs, none, { 0, 1, 2 }, family::gamma),
        Catch::StartsWith("no segment could be fitted; segment 0: "));
    // an invalid option fails every segment, so it is thrown
    robstat::fit_options bad;
    bad.fixed = { { "scale", -1.0 } };
    CHECK_THROWS_AS(
        robstat::fit_segments(xs, none, offsets, family::gamma, bad), std::invalid_argument);
    // errors of the arguments are thrown, not reported per segment
    std::vector<double> wneg(300, 1.0);
    wneg[200] = -1;
    CHECK_THROWS_WITH(robstat::fit_segments(xs, robstat::make_span(wneg), offsets, family::gamma),
        Catch::Contains("weights must be finite and >= 0"));
    auto xi = x;
    xi[170] = INFINITY;
    CHECK_THROWS_WITH(robstat::fit_segments(robstat::make_span(xi), none, offsets, family::normal),
        Catch::StartsWith("segment 1: ") && Catch::Contains("infinite"));
    robstat::batch_options tb;
    tb.truncated = true;
    tb.lower = NAN;
    CHECK_THROWS_WITH(robstat::fit_segments(xs, none, offsets, family::normal, {}, tb),
        Catch::Contains("lower < upper"));
    tb.lower = 0;
    CHECK_THROWS_WITH(robstat::fit_segments(xs, none, offsets, family::gamma, {}, tb),
        Catch::Contains("not supported"));
    robstat::fit_options unknown;
    unknown.fixed = { { "df", 4.0 } };
    CHECK_THROWS_WITH(robstat::fit_segments(xs, none, offsets, family::normal, unknown),
        Catch::Contains("no parameter 'df'"));
    // truncated at (-inf, inf): the truncated fit, as robstat::fit_truncated_normal gives it
    robstat::batch_options whole;
    whole.truncated = true;
    const auto wt = robstat::fit_segments(xs, none, offsets, family::normal, {}, whole);
    CHECK(same_fit(wt[0],
        robstat::fit_truncated_normal(robstat::make_span(x.data(), 150), -INFINITY, INFINITY)));
    // NaN under nan_policy::raise is thrown, not reported
    auto xn = x;
    xn[200] = NAN;
    robstat::fit_options raise;
    raise.nan = robstat::nan_policy::raise;
    CHECK_THROWS_AS(
        robstat::fit_segments(robstat::make_span(xn), none, offsets, family::normal, raise, strict),
        std::domain_error);
}
