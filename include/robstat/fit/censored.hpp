// Fits to censored samples: some values observed exactly, others known only
// to lie above a bound (right-censored), below one (left-censored) or in an
// interval. Each family is a location-scale family of y = x (normal,
// logistic) or y = log(x - loc) (lognormal: normal in y; Weibull and
// exponential: the smallest-extreme-value law in y), so one engine computes
// the log-likelihood, gradient and Hessian in (mu, sigma) of y from the log
// density, log cdf and log survival function of the standard law, written in
// tail-safe forms. docs/fit.md, "Censored data".
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/math/special_functions/erf.hpp>

#include "robstat/core/types.hpp"
#include "robstat/fit/families.hpp"
#include "robstat/fit/mle.hpp"
#include "robstat/fit/result.hpp"
#include "robstat/fit/sample.hpp"
#include "robstat/fit/solvers.hpp"
#include "robstat/fit/truncated.hpp"

namespace robstat {

/// A censored sample (every span may be empty):
///   x:      values observed exactly;
///   left:   values known only to be < left[i]  (left-censored at left[i]);
///   right:  values known only to be > right[i] (right-censored at right[i]);
///   lo, hi: values known only to lie in [lo[i], hi[i]] (interval-censored;
///           lo = -inf means left-censored at hi, hi = +inf right-censored at
///           lo, lo == hi an exact observation).
template <class T = double> struct censored_sample {
    strided_span<T> x {};
    strided_span<T> left {};
    strided_span<T> right {};
    strided_span<T> lo {};
    strided_span<T> hi {};
};

/// Whether robstat::fit accepts censored samples for family f.
inline bool censoring_supported(family f) noexcept
{
    return f == family::normal || f == family::lognormal || f == family::exponential
        || f == family::weibull || f == family::logistic;
}

namespace detail::fit {

    /// The standard law of y: normal, smallest extreme value (log of a Weibull
    /// or exponential variable), logistic.
    enum class std_law { normal, sev, logistic };

    /// A function of z and its first two derivatives.
    struct fd2 {
        double v, d1, d2;
    };

    /// log(1 - exp(x)) for x < 0, without cancellation (Maechler 2012).
    inline double log1mexp(double x)
    {
        return x > -log_2 ? std::log(-std::expm1(x)) : std::log1p(-std::exp(x));
    }

    /// log Phi(z) of the standard normal: erfc where it is accurate, the
    /// asymptotic series of the Mills ratio below z = -20 (erfc underflows
    /// near z = -38).
    inline double log_ndtr(double z)
    {
        using boost::math::erfc;
        if (z > 0)
            return std::log1p(-0.5 * erfc(z * inv_sqrt_2));
        if (z > -20)
            return std::log(0.5 * erfc(-z * inv_sqrt_2));
        // Phi(z) = phi(z)/|z| * (1 - 1/z^2 + 3/z^4 - 15/z^6 + ...)
        const double iz2 = 1 / (z * z);
        double term = 1, sum = 1;
        for (int k = 1; k <= 12; ++k) {
            term *= -(2.0 * k - 1) * iz2;
            sum += term;
        }
        return -0.5 * z * z - std::log(-z) - half_log_2pi + std::log(sum);
    }

    inline double softplus(double u)
    {
        return std::max(u, 0.0) + std::log1p(std::exp(-std::fabs(u)));
    }

    /// log density of the standard law
    inline fd2 law_logpdf(std_law L, double z)
    {
        switch (L) {
        case std_law::normal:
            return { -0.5 * z * z - half_log_2pi, -z, -1.0 };
        case std_law::sev: {
            const double t = std::exp(z);
            return { z - t, 1 - t, -t };
        }
        case std_law::logistic: {
            const double a = std::fabs(z), e = std::exp(-a);
            const double F = z >= 0 ? 1 / (1 + e) : e / (1 + e); // cdf at z
            return { -a - 2 * std::log1p(e), 1 - 2 * F, -2 * F * (1 - F) };
        }
        }
        return { NAN, NAN, NAN };
    }

    /// log cdf of the standard law
    inline fd2 law_logcdf(std_law L, double z)
    {
        switch (L) {
        case std_law::normal: {
            const double v = log_ndtr(z);
            const double r = std::exp(-0.5 * z * z - half_log_2pi - v); // phi/Phi
            return { v, r, -r * (z + r) };
        }
        case std_law::sev: {
            const double t = std::exp(z);
            const double v = z < -700
                ? z
                : (t < log_2 ? std::log(-std::expm1(-t)) : std::log1p(-std::exp(-t)));
            const double r = z < -700 ? 1.0 : std::exp(z - t - v); // f/F
            return { v, r, r * (1 - t) - r * r };
        }
        case std_law::logistic: {
            const double a = std::fabs(z), e = std::exp(-a);
            const double S = z >= 0 ? e / (1 + e) : 1 / (1 + e); // survival at z
            return { -softplus(-z), S, -S * (1 - S) };
        }
        }
        return { NAN, NAN, NAN };
    }

    /// log survival function of the standard law
    inline fd2 law_logsf(std_law L, double z)
    {
        if (L == std_law::sev) {
            const double t = std::exp(z);
            return { -t, -t, -t };
        }
        const fd2 c = law_logcdf(L, -z); // the normal and logistic laws are symmetric
        return { c.v, -c.d1, c.d2 };
    }

    /// log(F(b) - F(a)) for a < b, from the tail the interval lies in.
    inline double law_logmass(std_law L, double a, double b)
    {
        const double median = L == std_law::sev ? -0.36651292058166432 : 0.0; // log(log 2)
        if (a > median)
            return law_logsf(L, a).v + log1mexp(law_logsf(L, b).v - law_logsf(L, a).v);
        return law_logcdf(L, b).v + log1mexp(law_logcdf(L, a).v - law_logcdf(L, b).v);
    }

    /// The censored sample in y = g(x): exact values, one-sided bounds and
    /// finite intervals (a, b), a < b; plus the log-Jacobian of the exact values.
    struct censored_terms {
        std::vector<double> y, left, right, a, b;
        double log_jacobian = 0; ///< sum of log dy/dx over the exact values
        double n = 0;            ///< all observations (also those carrying no information)
        bool has_nan = false;
    };

    /// Log-likelihood in (mu, sigma) (p[0], p[1]) of y's location-scale law,
    /// without the Jacobian; gradient and Hessian if derivs.
    template <class Acc = ksum>
    void censored_derivs(std_law L, const censored_terms& c, const vec3& p, double& ll, vec3& g,
        mat3& H, bool derivs)
    {
        const double mu = p[0], sg = p[1];
        Acc acc;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
        const auto one = [&](const fd2& h, double z) {
            acc.add(h.v);
            if (derivs) {
                s0 += h.d1;
                s1 += z * h.d1;
                s2 += h.d2;
                s3 += h.d1 + z * h.d2;
                s4 += 2 * z * h.d1 + z * z * h.d2;
            }
        };
        for (double y : c.y) {
            const double z = (y - mu) / sg;
            one(law_logpdf(L, z), z);
        }
        for (double y : c.left) {
            const double z = (y - mu) / sg;
            one(law_logcdf(L, z), z);
        }
        for (double y : c.right) {
            const double z = (y - mu) / sg;
            one(law_logsf(L, z), z);
        }
        double t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
        for (std::size_t i = 0; i < c.a.size(); ++i) {
            const double za = (c.a[i] - mu) / sg, zb = (c.b[i] - mu) / sg;
            const double lP = law_logmass(L, za, zb);
            acc.add(lP);
            if (derivs) {
                // l = log(F(b) - F(a)): l_a = -f(a)/P, l_b = f(b)/P, f' = f (log f)'
                const fd2 fa = law_logpdf(L, za), fb = law_logpdf(L, zb);
                const double ra = std::exp(fa.v - lP), rb = std::exp(fb.v - lP);
                const double la = -ra, lb = rb;
                const double laa = -ra * fa.d1 - ra * ra, lbb = rb * fb.d1 - rb * rb;
                const double lab = ra * rb;
                t0 += la + lb;
                t1 += za * la + zb * lb;
                t2 += laa + 2 * lab + lbb;
                t3 += la + lb + za * laa + (za + zb) * lab + zb * lbb;
                t4 += 2 * (za * la + zb * lb) + za * za * laa + 2 * za * zb * lab + zb * zb * lbb;
            }
        }
        const double nobs = static_cast<double>(c.y.size());
        ll = acc.value() - nobs * std::log(sg);
        g.setZero();
        H.setZero();
        if (!derivs)
            return;
        g[0] = -(s0 + t0) / sg;
        g[1] = (-(s1 + t1) - nobs) / sg;
        H(0, 0) = (s2 + t2) / (sg * sg);
        H(0, 1) = H(1, 0) = (s3 + t3) / (sg * sg);
        H(1, 1) = (s4 + t4 + nobs) / (sg * sg);
    }

    template <class T>
    censored_terms gather_censored(
        const censored_sample<T>& s, family f, double loc, nan_policy nan)
    {
        const bool logy = f != family::normal && f != family::logistic;
        const auto name = std::string("fit(") + info(f).name + ", censored): ";
        censored_terms c;
        const auto is_nan = [&](double v) {
            if (!std::isnan(v))
                return false;
            if (nan == nan_policy::raise)
                throw_nan_found();
            if (nan == nan_policy::propagate)
                c.has_nan = true;
            return true;
        };
        const auto bad = [&](const std::string& what) { throw std::invalid_argument(name + what); };
        const auto y_of = [&](double v) { return logy ? std::log(v - loc) : v; };
        const std::string support = "the support is x > loc = " + format_value(loc);
        for (std::size_t i = 0; i < s.x.size; ++i) {
            const double v = static_cast<double>(s.x[i]);
            if (is_nan(v))
                continue;
            if (std::isinf(v))
                bad("the observed values contain inf (censor them instead)");
            if (logy && !(v > loc))
                bad(support + " but an observed value is " + format_value(v));
            c.y.push_back(y_of(v));
            if (logy)
                c.log_jacobian -= c.y.back();
            c.n += 1;
        }
        for (std::size_t i = 0; i < s.left.size; ++i) {
            const double v = static_cast<double>(s.left[i]);
            if (is_nan(v))
                continue;
            if (!std::isfinite(v))
                bad("left-censoring bounds must be finite (got " + format_value(v) + ")");
            if (logy && !(v > loc))
                bad(support + ": a value below " + format_value(v) + " has probability 0");
            c.left.push_back(y_of(v));
            c.n += 1;
        }
        for (std::size_t i = 0; i < s.right.size; ++i) {
            const double v = static_cast<double>(s.right[i]);
            if (is_nan(v))
                continue;
            if (!std::isfinite(v))
                bad("right-censoring bounds must be finite (got " + format_value(v) + ")");
            c.n += 1;
            if (logy && !(v > loc))
                continue; // x > v holds with probability 1: no information
            c.right.push_back(y_of(v));
        }
        if (s.lo.size != s.hi.size)
            bad("the interval bounds lo and hi must have the same length (got "
                + std::to_string(s.lo.size) + " and " + std::to_string(s.hi.size) + ")");
        for (std::size_t i = 0; i < s.lo.size; ++i) {
            double a = static_cast<double>(s.lo[i]), b = static_cast<double>(s.hi[i]);
            if (is_nan(a) || is_nan(b))
                continue;
            if (a > b)
                bad("an interval has lo > hi (lo=" + format_value(a) + ", hi=" + format_value(b)
                    + ")");
            if (a == b) {
                if (std::isinf(a))
                    bad("an interval has lo = hi = " + format_value(a));
                if (logy && !(a > loc))
                    bad(support + " but an interval is the point " + format_value(a));
                c.y.push_back(y_of(a));
                if (logy)
                    c.log_jacobian -= c.y.back();
                c.n += 1;
                continue;
            }
            if (std::isinf(a) && std::isinf(b))
                bad("an interval is (-inf, inf): it carries no information");
            if (logy && !(b > loc))
                bad(support + ": the interval [" + format_value(a) + ", " + format_value(b)
                    + "] has probability 0");
            c.n += 1;
            if (logy && !(a > loc))
                a = -INFINITY;
            if (std::isinf(a))
                c.left.push_back(y_of(b));
            else if (std::isinf(b))
                c.right.push_back(y_of(a));
            else {
                c.a.push_back(y_of(a));
                c.b.push_back(y_of(b));
            }
        }
        return c;
    }

    inline std_law law_of(family f)
    {
        return f == family::normal   ? std_law::normal
            : f == family::lognormal ? std_law::normal
            : f == family::logistic  ? std_law::logistic
                                     : std_law::sev;
    }

} // namespace detail::fit

/// Maximum-likelihood fit of `fam` to a censored sample: maximises
///   sum log f(x_i) + sum log F(left_k) + sum log S(right_j)
///     + sum log(F(hi_m) - F(lo_m))
/// by the damped Newton of robstat::fit on (mu, log sigma) of y = x or
/// y = log(x - loc). Families: normal, lognormal, exponential, Weibull,
/// logistic (censoring_supported); loc of the positive families is fixed (at
/// 0 unless given in o.fixed, also for the exponential). Throws
/// std::invalid_argument for another family, invalid bounds (lo > hi,
/// non-finite one-sided bounds, values of probability 0), inf observed
/// values, no observations; std::domain_error on NaN under nan_policy::raise.
/// When the maximum does not exist (every value censored on the same side,
/// or the scale running to 0 or infinity) the result has converged = false,
/// NaN estimates and the reason in `message`. docs/fit.md.
template <class T>
fit_result fit(const censored_sample<T>& s, family fam, const fit_options& o = {})
{
    namespace df = detail::fit;
    const auto& fi = info(fam);
    const std::string name = std::string("fit(") + fi.name + ", censored): ";
    if (!censoring_supported(fam))
        throw std::invalid_argument(std::string("fit(") + fi.name
            + "): censored data are not supported for this family yet (supported: normal, "
              "lognormal, exponential, weibull, logistic)");
    const bool positive = fi.positive_support;
    const std::size_t k = fi.k;
    fit_result r;
    r.family = fam;
    for (std::size_t i = 0; i < k; ++i)
        r.names.emplace_back(fi.params[i]);
    std::array<bool, 3> fx { { false, false, false } };
    std::array<double, 3> pv { { 0, 0, 0 } };
    if (positive)
        fx[static_cast<std::size_t>(fi.loc_index)] = true; // loc fixed, at 0 by default
    for (const auto& [pname, value] : o.fixed) {
        const int i = param_index(fam, pname);
        if (i < 0) {
            std::string names;
            for (std::size_t j = 0; j < k; ++j)
                names += std::string(j ? ", " : "") + fi.params[j];
            throw std::invalid_argument(
                name + "no parameter '" + pname + "' to fix (parameters: " + names + ")");
        }
        if (!std::isfinite(value) || (i != fi.loc_index && !(value > 0)))
            throw std::invalid_argument(name + "fixed " + pname + " must be finite"
                + (i != fi.loc_index ? " and > 0" : "") + " (got " + detail::format_value(value)
                + ")");
        fx[static_cast<std::size_t>(i)] = true;
        pv[static_cast<std::size_t>(i)] = value;
    }
    const double loc = pv[static_cast<std::size_t>(fi.loc_index)];
    const auto c = df::gather_censored(s, fam, loc, o.nan);
    const df::std_law law = df::law_of(fam);
    r.fixed.assign(fx.begin(), fx.begin() + static_cast<std::ptrdiff_t>(k));
    for (std::size_t i = 0; i < k; ++i)
        r.n_free += fx[i] ? 0 : 1;
    r.n = c.n;

    // eta = (mu, sigma) of y; theta = the family's parameters
    std::array<bool, 2> efixed { { false, false } };
    df::vec3 eta = df::vec3::Zero();
    const auto si = static_cast<std::size_t>(fi.scale_index);
    if (!positive) { // normal, logistic: (loc, scale) = (mu, sigma)
        for (std::size_t i = 0; i < 2; ++i) {
            efixed[i] = fx[i];
            eta[static_cast<int>(i)] = pv[i];
        }
    } else { // scale = exp(mu); sigma = s (lognormal), 1/c (Weibull), 1 (exponential)
        if (fx[si]) {
            efixed[0] = true;
            eta[0] = std::log(pv[si]);
        }
        if (fam == family::exponential) {
            efixed[1] = true;
            eta[1] = 1;
        } else if (fx[0]) {
            efixed[1] = true;
            eta[1] = fam == family::weibull ? 1 / pv[0] : pv[0];
        }
    }

    const auto finish_nan = [&](const std::string& msg) {
        for (std::size_t i = 0; i < k; ++i)
            r.params.push_back(fx[i] ? pv[i] : NAN);
        r.se.assign(k, NAN);
        r.cov.assign(k * k, NAN);
        for (std::size_t i = 0; i < k; ++i)
            if (fx[i]) {
                r.se[i] = 0;
                for (std::size_t j = 0; j < k; ++j)
                    r.cov[i * k + j] = r.cov[j * k + i] = 0;
            }
        r.converged = false;
        r.message = msg;
        return r;
    };
    if (c.has_nan)
        return finish_nan("the input contains nan (nan_policy='propagate'): no fit");
    if (c.n == 0)
        throw std::invalid_argument(name + "no observations (every array is empty)");

    // the maximum cannot exist when every informative value is censored on one side
    const bool mu_free = !efixed[0];
    const std::size_t n_inf = c.y.size() + c.left.size() + c.right.size() + c.a.size();
    if (n_inf == 0)
        return finish_nan("every value is right-censored at or below loc: no information");
    if (mu_free && c.y.empty() && c.a.empty() && (c.left.empty() || c.right.empty())) {
        const bool right = c.left.empty();
        return finish_nan(std::string("every value is ") + (right ? "right" : "left")
            + "-censored: the likelihood increases without bound as the distribution moves "
              "towards "
            + (right ? "+infinity" : (positive ? "0" : "-infinity"))
            + " (no maximum-likelihood estimate)");
    }

    // starting values: mean and sd of all finite points in y (exact values,
    // bounds, interval midpoints), converted to the law's (mu, sigma)
    double ymin = INFINITY, ymax = -INFINITY;
    df::ksum m1;
    double npts = 0;
    const auto add_pt = [&](double y) {
        m1.add(y);
        npts += 1;
        ymin = std::min(ymin, y);
        ymax = std::max(ymax, y);
    };
    for (double y : c.y)
        add_pt(y);
    for (double y : c.left)
        add_pt(y);
    for (double y : c.right)
        add_pt(y);
    for (std::size_t i = 0; i < c.a.size(); ++i)
        add_pt(c.a[i] + 0.5 * (c.b[i] - c.a[i]));
    const double mean = m1.value() / npts;
    double var = 0;
    const auto dev = [&](double y) { var += (y - mean) * (y - mean); };
    for (double y : c.y)
        dev(y);
    for (double y : c.left)
        dev(y);
    for (double y : c.right)
        dev(y);
    for (std::size_t i = 0; i < c.a.size(); ++i)
        dev(c.a[i] + 0.5 * (c.b[i] - c.a[i]));
    double sd = std::sqrt(var / npts);
    const double range = ymax - ymin;
    if (!(sd > 0))
        sd = mean != 0 ? 0.1 * std::fabs(mean) : 1.0;
    const double spread = range > 0 ? range : sd;
    if (!efixed[1])
        eta[1] = law == df::std_law::sev   ? sd * 0.7796968012336761 // sqrt(6)/pi
            : law == df::std_law::logistic ? sd * 0.5513288954217920 // sqrt(3)/pi
                                           : sd;
    if (!efixed[0])
        eta[0] = law == df::std_law::sev ? mean + 0.5772156649015329 * eta[1] : mean;

    df::solver_report rep;
    rep.converged = true;
    if (r.n_free > 0) {
        df::newton_setup st;
        st.k = 2;
        st.free = { !efixed[0], !efixed[1], false };
        st.log_scale = { false, true, false };
        st.scale_index = 1;
        st.max_iter = o.max_iter;
        if (!efixed[1]) {
            st.diverge_index = 1;
            st.diverge_below = 1e-10 * spread;
            st.diverge_at = 1e6 * std::max(spread, 1.0);
            st.diverge_message = "the scale runs to 0 or infinity: the likelihood has no "
                                 "maximum (e.g. a single distinct exact value and censoring "
                                 "consistent with it)";
        } else {
            st.diverge_index = 0;
            st.diverge_below = ymin - 200 * std::max(spread, eta[1]);
            st.diverge_at = ymax + 200 * std::max(spread, eta[1]);
            st.diverge_message = "the location runs to infinity: the likelihood has no "
                                 "maximum for this censoring pattern";
        }
        const auto eval = [&](const df::vec3& th, double& ll, df::vec3& g, df::mat3& H, bool der) {
            df::censored_derivs<df::psum>(law, c, th, ll, g, H, der);
        };
        const double sigma0 = eta[1];
        rep = df::newton_maximize(eval, eta, st);
        // a solver that stops with the location far outside the points or the
        // scale 100 times off its start has followed a ridge to the boundary:
        // the supremum is not attained (e.g. every exact value and bound
        // consistent with a point mass, where sigma -> 0)
        bool far = std::fabs(eta[0] - mean) > 100 * std::max(spread, eta[1])
            || eta[1] > 100 * std::max(spread, sigma0) || eta[1] < 1e-2 * sigma0;
        if (!rep.converged && !far && !efixed[1]) {
            // or the likelihood still grows with the scale 10 times smaller or larger
            double l0, l1, l2;
            df::vec3 g0;
            df::mat3 H0;
            df::vec3 e1 = eta, e2 = eta;
            e1[1] *= 0.1;
            e2[1] *= 10;
            df::censored_derivs(law, c, eta, l0, g0, H0, false);
            df::censored_derivs(law, c, e1, l1, g0, H0, false);
            df::censored_derivs(law, c, e2, l2, g0, H0, false);
            far = l1 > l0 || l2 > l0;
        }
        if (!rep.converged && (far || rep.message == st.diverge_message)) {
            r.n_iter = rep.n_iter;
            return finish_nan(rep.message == st.diverge_message
                    ? rep.message
                    : "the estimates run to the boundary (" + rep.message + "; scale "
                        + (eta[1] < sigma0 ? "-> 0" : "or location -> infinity")
                        + "): the likelihood has no maximum for this censoring pattern");
        }
    }
    double ll;
    df::vec3 g;
    df::mat3 H;
    df::censored_derivs(law, c, eta, ll, g, H, true);
    ll += c.log_jacobian;
    df::mat3 cov_eta = df::mat3::Zero();
    bool info_ok = true;
    if (r.n_free > 0)
        info_ok = df::free_inverse(H, { !efixed[0], !efixed[1], false }, 2, cov_eta);

    // theta(eta) and its Jacobian J (k x 2)
    const double mu = eta[0], sg = eta[1];
    std::array<double, 3> th = pv;
    double J[3][2] = { { 0, 0 }, { 0, 0 }, { 0, 0 } };
    switch (fam) {
    case family::normal:
    case family::logistic:
        th[0] = mu;
        th[1] = sg;
        J[0][0] = 1;
        J[1][1] = 1;
        break;
    case family::lognormal:
        th[0] = sg;
        th[2] = std::exp(mu);
        J[0][1] = 1;
        J[2][0] = th[2];
        break;
    case family::weibull:
        th[0] = 1 / sg;
        th[2] = std::exp(mu);
        J[0][1] = -1 / (sg * sg);
        J[2][0] = th[2];
        break;
    case family::exponential:
        th[1] = std::exp(mu);
        J[1][0] = th[1];
        break;
    default:
        break;
    }
    for (std::size_t i = 0; i < k; ++i)
        r.params.push_back(fx[i] ? pv[i] : th[i]);
    r.cov.assign(k * k, 0.0);
    r.se.assign(k, 0.0);
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < k; ++j) {
            if (fx[i] || fx[j])
                continue;
            double v = 0;
            for (int a = 0; a < 2; ++a)
                for (int b = 0; b < 2; ++b)
                    v += J[i][a] * cov_eta(a, b) * J[j][b];
            r.cov[i * k + j] = info_ok ? v : NAN;
        }
    for (std::size_t i = 0; i < k; ++i)
        r.se[i] = std::sqrt(r.cov[i * k + i]);
    r.loglik = ll;
    r.converged = rep.converged;
    r.n_iter = rep.n_iter;
    r.message = rep.message;
    if (r.converged && !info_ok) {
        r.converged = false;
        r.message = "the observed information is not positive definite: not a maximum of the "
                    "likelihood";
    }
    if (r.converged && !std::isfinite(ll)) {
        r.converged = false;
        r.message = "the log-likelihood is not finite at the estimate";
    }
    if (r.converged && r.message.empty())
        r.message = r.n_free ? "converged" : "all parameters fixed";
    const double kf = static_cast<double>(r.n_free);
    r.aic = 2 * kf - 2 * ll;
    r.bic = kf * std::log(c.n) - 2 * ll;
    return r;
}

} // namespace robstat
