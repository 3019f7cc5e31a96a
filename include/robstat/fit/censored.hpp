// Fits to censored samples: some values observed exactly, others known only
// to lie above a bound (right-censored), below one (left-censored) or in an
// interval, each with a frequency weight, the whole sample possibly truncated
// to [lower, upper]. Each family is a location-scale family of y = x (normal,
// logistic, Cauchy) or y = log(x - loc) (lognormal: normal in y; Weibull and
// exponential: the smallest-extreme-value law in y), so one engine computes
// the log-likelihood, gradient and Hessian in (mu, sigma) of y from the log
// density, log cdf and log survival function of the standard law, written in
// tail-safe forms. Truncation divides each observation's probability by the
// mass of [lower, upper]. docs/fit.md, "Censored data".
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
/// w_x, w_left, w_right, w_interval: frequency weights of those values (an
/// empty span: every weight 1; else the length of its values, finite, >= 0).
/// lower, upper: the sample is truncated to [lower, upper] (only values in it
/// could be observed); the defaults, -inf and inf, mean no truncation.
template <class T = double> struct censored_sample {
    strided_span<T> x {};
    strided_span<T> left {};
    strided_span<T> right {};
    strided_span<T> lo {};
    strided_span<T> hi {};
    strided_span<double> w_x {};
    strided_span<double> w_left {};
    strided_span<double> w_right {};
    strided_span<double> w_interval {};
    double lower = -INFINITY;
    double upper = INFINITY;
};

/// Whether robstat::fit accepts censored and truncated samples for family f
/// (fit_truncated_normal is the normal family's own truncated fit).
inline bool censoring_supported(family f) noexcept
{
    return f == family::normal || f == family::lognormal || f == family::exponential
        || f == family::weibull || f == family::logistic || f == family::cauchy;
}

namespace detail::fit {

    /// The standard law of y: normal, smallest extreme value (log of a Weibull
    /// or exponential variable), logistic, Cauchy.
    enum class std_law { normal, sev, logistic, cauchy };

    /// 1 / (1 + z^2), its log and z / (1 + z^2), without overflow for huge |z|.
    struct cauchy_q {
        double q, log_q, zq;
        explicit cauchy_q(double z)
        {
            if (std::fabs(z) <= 1) {
                q = 1 / (1 + z * z);
                log_q = -std::log1p(z * z);
                zq = z * q;
            } else {
                const double iz = 1 / z;
                q = iz * iz / (1 + iz * iz);
                log_q = 2 * std::log(std::fabs(iz)) - std::log1p(iz * iz);
                zq = iz / (1 + iz * iz);
            }
        }
    };

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
        case std_law::cauchy: { // f = q / pi; (log f)' = -2 z q; (log f)'' = 2 q (1 - 2 q)
            const cauchy_q c(z);
            return { c.log_q - log_pi, -2 * c.zq, 2 * c.q * (1 - 2 * c.q) };
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
        case std_law::cauchy: {
            // F(z) = atan2(1, -z) / pi is accurate in the lower tail (~ 1/(pi |z|));
            // above 0 log F = log1p(-S) with S = atan2(1, z) / pi
            const double v = z <= 0 ? std::log(std::atan2(1.0, -z) * inv_pi)
                                    : std::log1p(-std::atan2(1.0, z) * inv_pi);
            const fd2 f = law_logpdf(L, z);
            const double r = std::exp(f.v - v); // f/F
            return { v, r, r * f.d1 - r * r };
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
        const fd2 c = law_logcdf(L, -z); // the normal, logistic and Cauchy laws are symmetric
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
    /// finite intervals (a, b), a < b, each with its weight; the truncation
    /// bounds in y (+-inf: none); plus the log-Jacobian of the exact values.
    struct censored_terms {
        std::vector<double> y, left, right, a, b;
        std::vector<double> wy, wleft, wright, wab;
        double lower = -INFINITY, upper = INFINITY;
        double w_informative = 0; ///< total weight of the terms (divided by the truncation mass)
        double log_jacobian = 0;  ///< sum of w log dy/dx over the exact values
        double n = 0;             ///< all observations' weight (also those carrying no information)
        double n_exact = 0;       ///< weight of the exact values
        bool has_nan = false;
        bool truncated() const noexcept { return lower > -INFINITY || upper < INFINITY; }
    };

    /// The five sums the gradient and Hessian in (mu, sigma) are made of, for
    /// terms h(z), z = (y - mu) / sigma: sum h', z h', h'', h' + z h'', 2 z h' + z^2 h''.
    struct score_sums {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
        void add(double w, double z, double d1, double d2)
        {
            s0 += w * d1;
            s1 += w * z * d1;
            s2 += w * d2;
            s3 += w * (d1 + z * d2);
            s4 += w * (2 * z * d1 + z * z * d2);
        }
    };

    /// w log(F(zb) - F(za)), za < zb (either may be infinite), into acc and, if
    /// derivs, its derivatives into t: l_a = -f(a)/P, l_b = f(b)/P, f' = f (log f)'.
    template <class Acc>
    void add_mass(std_law L, double za, double zb, double w, Acc& acc, score_sums& t, bool derivs)
    {
        const bool a_inf = std::isinf(za), b_inf = std::isinf(zb);
        const double lP = a_inf ? law_logcdf(L, zb).v
            : b_inf             ? law_logsf(L, za).v
                                : law_logmass(L, za, zb);
        acc.add(w * lP);
        if (!derivs)
            return;
        double la = 0, laa = 0, lb = 0, lbb = 0;
        if (!a_inf) {
            const fd2 fa = law_logpdf(L, za);
            const double ra = std::exp(fa.v - lP);
            la = -ra;
            laa = -ra * fa.d1 - ra * ra;
        }
        if (!b_inf) {
            const fd2 fb = law_logpdf(L, zb);
            const double rb = std::exp(fb.v - lP);
            lb = rb;
            lbb = rb * fb.d1 - rb * rb;
        }
        const double lab = -la * lb;                           // (ra rb)
        const double ya = a_inf ? 0 : za, yb = b_inf ? 0 : zb; // z l_z -> 0 at an infinite end
        t.s0 += w * (la + lb);
        t.s1 += w * (ya * la + yb * lb);
        t.s2 += w * (laa + 2 * lab + lbb);
        t.s3 += w * (la + lb + ya * laa + (ya + yb) * lab + yb * lbb);
        t.s4 += w * (2 * (ya * la + yb * lb) + ya * ya * laa + 2 * ya * yb * lab + yb * yb * lbb);
    }

    /// Log-likelihood in (mu, sigma) (p[0], p[1]) of y's location-scale law,
    /// without the Jacobian; gradient and Hessian if derivs.
    template <class Acc = ksum>
    void censored_derivs(std_law L, const censored_terms& c, const vec3& p, double& ll, vec3& g,
        mat3& H, bool derivs)
    {
        const double mu = p[0], sg = p[1];
        Acc acc;
        score_sums s;
        const auto each = [&](const std::vector<double>& ys, const std::vector<double>& ws,
                              fd2 (*law)(std_law, double)) {
            for (std::size_t i = 0; i < ys.size(); ++i) {
                const double z = (ys[i] - mu) / sg;
                const fd2 h = law(L, z);
                acc.add(ws[i] * h.v);
                if (derivs)
                    s.add(ws[i], z, h.d1, h.d2);
            }
        };
        each(c.y, c.wy, law_logpdf);
        each(c.left, c.wleft, law_logcdf);
        each(c.right, c.wright, law_logsf);
        for (std::size_t i = 0; i < c.a.size(); ++i)
            add_mass(L, (c.a[i] - mu) / sg, (c.b[i] - mu) / sg, c.wab[i], acc, s, derivs);
        if (c.truncated()) // every informative term is divided by the mass of [lower, upper]
            add_mass(L, (c.lower - mu) / sg, (c.upper - mu) / sg, -c.w_informative, acc, s, derivs);
        ll = acc.value() - c.n_exact * std::log(sg);
        g.setZero();
        H.setZero();
        if (!derivs)
            return;
        g[0] = -s.s0 / sg;
        g[1] = (-s.s1 - c.n_exact) / sg;
        H(0, 0) = s.s2 / (sg * sg);
        H(0, 1) = H(1, 0) = s.s3 / (sg * sg);
        H(1, 1) = (s.s4 + c.n_exact) / (sg * sg);
    }

    /// "fit(weibull, censored): ", "fit(weibull, truncated): " or both.
    template <class T> std::string error_prefix(const censored_sample<T>& s, family f)
    {
        const bool cens = s.left.size || s.right.size || s.lo.size;
        const bool trunc = s.lower > -INFINITY || s.upper < INFINITY;
        return std::string("fit(") + info(f).name
            + (cens && trunc ? ", censored, truncated"
                    : trunc  ? ", truncated"
                             : ", censored")
            + "): ";
    }

    template <class T>
    censored_terms gather_censored(
        const censored_sample<T>& s, family f, double loc, nan_policy nan)
    {
        const bool logy = info(f).positive_support;
        const auto name = error_prefix(s, f);
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
        // y = g(x); -inf for x <= loc (a bound there is no bound at all)
        const auto y_of
            = [&](double v) { return !logy ? v : (v > loc ? std::log(v - loc) : -INFINITY); };
        const std::string support = "the support is x > loc = " + format_value(loc);
        const auto weights_of = [&](strided_span<double> w, std::size_t n, const char* what) {
            if (w.size != 0 && w.size != n)
                bad(std::string("the weights of ") + what + " must have its length (got "
                    + std::to_string(w.size) + " for " + std::to_string(n) + " values)");
            for (std::size_t i = 0; i < w.size; ++i)
                if (!(std::isfinite(w[i]) && w[i] >= 0))
                    bad(std::string("weights must be finite and >= 0 (the weights of ") + what
                        + " hold " + format_value(w[i]) + ")");
            return [w](std::size_t i) { return w.size ? w[i] : 1.0; };
        };
        const auto wx = weights_of(s.w_x, s.x.size, "x");
        const auto wl = weights_of(s.w_left, s.left.size, "left");
        const auto wr = weights_of(s.w_right, s.right.size, "right");
        const auto wi = weights_of(s.w_interval, s.lo.size, "the intervals");

        // truncation to [lower, upper], in y
        const double lower = s.lower, upper = s.upper;
        const bool truncated = lower > -INFINITY || upper < INFINITY;
        if (truncated) {
            if (!(lower < upper))
                bad("truncation needs lower < upper (got lower=" + format_value(lower)
                    + ", upper=" + format_value(upper) + ")");
            if (logy && !(upper > loc))
                bad(support
                    + ": nothing lies below the truncation bound upper = " + format_value(upper));
            c.lower = y_of(lower);
            c.upper = y_of(upper);
        }
        const std::string range = "[" + format_value(lower) + ", " + format_value(upper) + "]";
        const auto outside = [&](double v) { return v < lower || v > upper; };

        // an observation known to lie in (a, b) in y, clipped to the truncation
        const auto add_interval = [&](double a, double b, double w, const std::string& what) {
            a = std::max(a, c.lower);
            b = std::min(b, c.upper);
            if (!(a < b))
                bad(what + " has probability 0 in the truncation range " + range);
            c.n += w;
            if (w == 0 || (a == -INFINITY && b == INFINITY))
                return; // certain: no information
            c.w_informative += w;
            if (a == -INFINITY) {
                c.left.push_back(b);
                c.wleft.push_back(w);
            } else if (b == INFINITY) {
                c.right.push_back(a);
                c.wright.push_back(w);
            } else {
                c.a.push_back(a);
                c.b.push_back(b);
                c.wab.push_back(w);
            }
        };
        const auto add_exact = [&](double v, double w) {
            if (logy && !(v > loc))
                bad(support + " but an observed value is " + format_value(v));
            if (outside(v))
                bad("an observed value, " + format_value(v) + ", lies outside the truncation range "
                    + range);
            c.n += w;
            if (w == 0)
                return;
            const double y = y_of(v);
            c.y.push_back(y);
            c.wy.push_back(w);
            c.n_exact += w;
            c.w_informative += w;
            if (logy)
                c.log_jacobian -= w * y;
        };
        for (std::size_t i = 0; i < s.x.size; ++i) {
            const double v = static_cast<double>(s.x[i]);
            if (is_nan(v))
                continue;
            if (std::isinf(v))
                bad("the observed values contain inf (censor them instead)");
            add_exact(v, wx(i));
        }
        for (std::size_t i = 0; i < s.left.size; ++i) {
            const double v = static_cast<double>(s.left[i]);
            if (is_nan(v))
                continue;
            if (!std::isfinite(v))
                bad("left-censoring bounds must be finite (got " + format_value(v) + ")");
            if (logy && !(v > loc))
                bad(support + ": a value below " + format_value(v) + " has probability 0");
            add_interval(-INFINITY, y_of(v), wl(i), "a value below " + format_value(v));
        }
        for (std::size_t i = 0; i < s.right.size; ++i) {
            const double v = static_cast<double>(s.right[i]);
            if (is_nan(v))
                continue;
            if (!std::isfinite(v))
                bad("right-censoring bounds must be finite (got " + format_value(v) + ")");
            add_interval(y_of(v), INFINITY, wr(i), "a value above " + format_value(v));
        }
        if (s.lo.size != s.hi.size)
            bad("the interval bounds lo and hi must have the same length (got "
                + std::to_string(s.lo.size) + " and " + std::to_string(s.hi.size) + ")");
        for (std::size_t i = 0; i < s.lo.size; ++i) {
            const double a = static_cast<double>(s.lo[i]), b = static_cast<double>(s.hi[i]);
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
                add_exact(a, wi(i));
                continue;
            }
            if (std::isinf(a) && std::isinf(b))
                bad("an interval is (-inf, inf): it carries no information");
            if (logy && !(b > loc))
                bad(support + ": the interval [" + format_value(a) + ", " + format_value(b)
                    + "] has probability 0");
            add_interval(y_of(a), y_of(b), wi(i),
                "the interval [" + format_value(a) + ", " + format_value(b) + "]");
        }
        return c;
    }

    inline std_law law_of(family f)
    {
        return f == family::normal   ? std_law::normal
            : f == family::lognormal ? std_law::normal
            : f == family::logistic  ? std_law::logistic
            : f == family::cauchy    ? std_law::cauchy
                                     : std_law::sev;
    }

} // namespace detail::fit

/// Maximum-likelihood fit of `fam` to a censored sample: maximises
///   sum w log f(x_i) + sum w log F(left_k) + sum w log S(right_j)
///     + sum w log(F(hi_m) - F(lo_m))
/// (each term's probability taken conditional on [lower, upper] when the
/// sample is truncated: censoring bounds clipped to it, every term less
/// w log(F(upper) - F(lower)))
/// by the damped Newton of robstat::fit on (mu, log sigma) of y = x or
/// y = log(x - loc). Families: normal, lognormal, exponential, Weibull,
/// logistic, Cauchy (censoring_supported); loc of the positive families is
/// fixed (at 0 unless given in o.fixed, also for the exponential). Throws
/// std::invalid_argument for another family, invalid bounds (lo > hi,
/// non-finite one-sided bounds, values of probability 0, observed values
/// outside [lower, upper], lower >= upper), invalid weights, inf observed
/// values, no observations; std::domain_error on NaN under nan_policy::raise.
/// When the maximum does not exist (every value censored on the same side,
/// or the scale running to 0 or infinity) the result has converged = false,
/// NaN estimates and the reason in `message`. docs/fit.md.
template <class T>
fit_result fit(const censored_sample<T>& s, family fam, const fit_options& o = {})
{
    namespace df = detail::fit;
    const auto& fi = info(fam);
    const std::string name = df::error_prefix(s, fam);
    if (!censoring_supported(fam))
        throw std::invalid_argument(std::string("fit(") + fi.name
            + "): censored or truncated data are not supported for this family yet "
              "(supported: normal, lognormal, exponential, weibull, logistic, cauchy)");
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
    if (!positive) { // normal, logistic, Cauchy: (loc, scale) = (mu, sigma)
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
        throw std::invalid_argument(
            name + "no observations (every array is empty or every weight is 0)");

    // the maximum cannot exist when every informative value is censored on one side
    const bool mu_free = !efixed[0];
    const std::size_t n_inf = c.y.size() + c.left.size() + c.right.size() + c.a.size();
    if (n_inf == 0)
        return finish_nan(c.truncated()
                ? "every value is censored to the whole truncation range: no information"
                : "every value is right-censored at or below loc: no information");
    if (mu_free && c.y.empty() && c.a.empty() && (c.left.empty() || c.right.empty())) {
        const bool right = c.left.empty();
        return finish_nan(std::string("every value is ") + (right ? "right" : "left")
            + "-censored: the likelihood increases without bound as the distribution moves "
              "towards "
            + (right ? "+infinity" : (positive ? "0" : "-infinity"))
            + " (no maximum-likelihood estimate)");
    }

    // starting values: the weighted mean and sd of all finite points in y
    // (exact values, bounds, interval midpoints), converted to the law's
    // (mu, sigma); for the Cauchy law the weighted median and half the IQR
    std::vector<std::pair<double, double>> pts; // (y, weight)
    pts.reserve(n_inf);
    for (std::size_t i = 0; i < c.y.size(); ++i)
        pts.emplace_back(c.y[i], c.wy[i]);
    for (std::size_t i = 0; i < c.left.size(); ++i)
        pts.emplace_back(c.left[i], c.wleft[i]);
    for (std::size_t i = 0; i < c.right.size(); ++i)
        pts.emplace_back(c.right[i], c.wright[i]);
    for (std::size_t i = 0; i < c.a.size(); ++i)
        pts.emplace_back(c.a[i] + 0.5 * (c.b[i] - c.a[i]), c.wab[i]);
    double ymin = INFINITY, ymax = -INFINITY, wsum = 0;
    df::ksum m1;
    for (const auto& [y, w] : pts) {
        m1.add(w * y);
        wsum += w;
        ymin = std::min(ymin, y);
        ymax = std::max(ymax, y);
    }
    double mean = m1.value() / wsum;
    double var = 0;
    for (const auto& [y, w] : pts)
        var += w * (y - mean) * (y - mean);
    double sd = std::sqrt(var / wsum);
    if (law == df::std_law::cauchy) {
        std::sort(pts.begin(), pts.end());
        const auto quantile = [&](double p) { // the first point whose cumulative weight >= p W
            double acc = 0;
            for (const auto& [y, w] : pts)
                if ((acc += w) >= p * wsum)
                    return y;
            return pts.back().first;
        };
        mean = quantile(0.5);
        sd = 0.5 * (quantile(0.75) - quantile(0.25)); // the Cauchy scale is half the IQR
    }
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
    case family::cauchy:
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
