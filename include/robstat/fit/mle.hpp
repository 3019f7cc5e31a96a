// Maximum-likelihood fits: robstat::fit(x, family, options) -> fit_result.
// Closed forms for normal, lognormal, exponential and Laplace; profile
// equations solved by a safeguarded Newton for gamma and Weibull; a damped
// multivariate Newton for logistic, Cauchy, Student t and generalized Pareto.
// docs/fit.md.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>

#include "robstat/core/types.hpp"
#include "robstat/fit/families.hpp"
#include "robstat/fit/result.hpp"
#include "robstat/fit/sample.hpp"
#include "robstat/fit/solvers.hpp"

namespace robstat {
namespace detail::fit {

    /// Standardised log-density of the symmetric location-scale families and
    /// its first two derivatives: h(z), h'(z), h''(z).
    struct h_derivs {
        double h, d1, d2;
    };
    inline h_derivs std_logpdf(family f, double z)
    {
        switch (f) {
        case family::normal:
            return { -0.5 * z * z - half_log_2pi, -z, -1.0 };
        case family::logistic: {
            // with e = exp(-|z|): tanh(z/2) = sign(z) (1 - e)/(1 + e), sech^2(z/2) = 4e/(1 + e)^2
            const double a = std::fabs(z);
            const double e = std::exp(-a);
            const double th = (1 - e) / (1 + e);
            return { -a - 2 * std::log1p(e), z < 0 ? th : -th, -2 * e / ((1 + e) * (1 + e)) };
        }
        case family::cauchy: {
            const double q = 1 + z * z;
            return { -std::log1p(z * z) - log_pi, -2 * z / q, -2 * (1 - z * z) / (q * q) };
        }
        default:
            return { NAN, NAN, NAN };
        }
    }

    /// Log-likelihood and (if derivs) its gradient and Hessian in the natural
    /// parameters (SciPy's order) for the families with a smooth likelihood.
    /// Plain sum (the accumulator of the solver iterations; the reported
    /// log-likelihood uses the compensated ksum).
    struct psum {
        double s = 0;
        void add(double v) noexcept { s += v; }
        double value() const noexcept { return s; }
    };

    template <class Acc = ksum>
    void loglik_derivs(
        family f, const sample& d, const vec3& p, double& ll, vec3& g, mat3& H, bool derivs)
    {
        g.setZero();
        H.setZero();
        // a line-search trial whose positive parameter under- or overflowed
        // (theta exp(step) = 0 or inf): no likelihood there, and lgamma or
        // digamma at 0 would throw (found on t samples, df -> 0)
        const auto& fi = info(f);
        for (std::size_t i = 0; i < fi.k; ++i) {
            const bool any_sign
                = static_cast<int>(i) == fi.loc_index || (f == family::genpareto && i == 0);
            if (!std::isfinite(p[static_cast<int>(i)])
                || (!any_sign && !(p[static_cast<int>(i)] > 0))) {
                ll = -INFINITY;
                return;
            }
        }
        const std::size_t n = d.size();
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0, s8 = 0;
        Acc L;
        switch (f) {
        case family::normal:
        case family::logistic:
        case family::cauchy: {
            const double mu = p[0], sg = p[1];
            for (std::size_t i = 0; i < n; ++i) {
                const double w = d.weight(i);
                const double z = (d.x[i] - mu) / sg;
                const auto h = std_logpdf(f, z);
                L.add(w * h.h);
                if (derivs) {
                    s0 += w * h.d1;
                    s1 += w * z * h.d1;
                    s2 += w * h.d2;
                    s3 += w * (h.d1 + z * h.d2);
                    s4 += w * (2 * z * h.d1 + z * z * h.d2);
                }
            }
            ll = L.value() - d.W * std::log(sg);
            if (derivs) {
                g[0] = -s0 / sg;
                g[1] = (-s1 - d.W) / sg;
                H(0, 0) = s2 / (sg * sg);
                H(0, 1) = H(1, 0) = s3 / (sg * sg);
                H(1, 1) = (s4 + d.W) / (sg * sg);
            }
            return;
        }
        case family::t: {
            const double nu = p[0], mu = p[1], sg = p[2], inu = 1 / nu;
            for (std::size_t i = 0; i < n; ++i) {
                const double w = d.weight(i);
                const double z = (d.x[i] - mu) / sg;
                const double z2 = z * z;
                const double iA = 1 / (nu + z2);
                const double l1p = std::log1p(z2 * inu);
                L.add(w * (-0.5 * (nu + 1) * l1p));
                if (derivs) {
                    const double iA2 = iA * iA;
                    const double hd1 = -(nu + 1) * z * iA;
                    const double hd2 = -(nu + 1) * (nu - z2) * iA2;
                    const double hnu_z = -0.5 * l1p + 0.5 * (nu + 1) * z2 * inu * iA;
                    const double hnunu_z = 0.5 * z2 * inu * iA
                        + 0.5 * z2 * ((nu * nu + nu * z2) - (nu + 1) * (2 * nu + z2)) * inu * inu
                            * iA2;
                    const double hd1nu = z * (1 - z2) * iA2;
                    s0 += w * hd1;
                    s1 += w * z * hd1;
                    s2 += w * hd2;
                    s3 += w * (hd1 + z * hd2);
                    s4 += w * (2 * z * hd1 + z2 * hd2);
                    s5 += w * hnu_z;
                    s6 += w * hnunu_z;
                    s7 += w * hd1nu;
                    s8 += w * z * hd1nu;
                }
            }
            const double c
                = lgamma_q(0.5 * (nu + 1)) - lgamma_q(0.5 * nu) - 0.5 * (std::log(nu) + log_pi);
            ll = L.value() + d.W * (c - std::log(sg));
            if (derivs) {
                const double cnu
                    = 0.5 * digamma_q(0.5 * (nu + 1)) - 0.5 * digamma_q(0.5 * nu) - 0.5 / nu;
                const double cnunu = 0.25 * trigamma_q(0.5 * (nu + 1)) - 0.25 * trigamma_q(0.5 * nu)
                    + 0.5 / (nu * nu);
                g[0] = d.W * cnu + s5;
                g[1] = -s0 / sg;
                g[2] = (-s1 - d.W) / sg;
                H(0, 0) = d.W * cnunu + s6;
                H(0, 1) = H(1, 0) = -s7 / sg;
                H(0, 2) = H(2, 0) = -s8 / sg;
                H(1, 1) = s2 / (sg * sg);
                H(1, 2) = H(2, 1) = s3 / (sg * sg);
                H(2, 2) = (s4 + d.W) / (sg * sg);
            }
            return;
        }
        case family::lognormal: {
            const double s = p[0], loc = p[1], sc = p[2], mu = std::log(sc);
            for (std::size_t i = 0; i < n; ++i) {
                const double w = d.weight(i);
                const double ly = std::log(d.x[i] - loc);
                const double e = ly - mu;
                L.add(w * (-0.5 * e * e / (s * s) - ly));
                s0 += w * e;
                s1 += w * e * e;
            }
            ll = L.value() - d.W * (std::log(s) + half_log_2pi);
            if (derivs) {
                const double dmu = s0 / (s * s), dmumu = -d.W / (s * s);
                g[0] = -d.W / s + s1 / (s * s * s);
                g[2] = dmu / sc;
                H(0, 0) = d.W / (s * s) - 3 * s1 / (s * s * s * s);
                H(0, 2) = H(2, 0) = -2 * s0 / (s * s * s) / sc;
                H(2, 2) = (dmumu - dmu) / (sc * sc);
            }
            return;
        }
        case family::gamma: {
            const double a = p[0], loc = p[1], th = p[2];
            for (std::size_t i = 0; i < n; ++i) {
                const double w = d.weight(i);
                const double y = d.x[i] - loc;
                const double ly = std::log(y);
                L.add(w * ((a - 1) * ly - y / th));
                s0 += w * ly;
                s1 += w * y;
            }
            ll = L.value() - d.W * (lgamma_q(a) + a * std::log(th));
            if (derivs) {
                g[0] = s0 - d.W * (std::log(th) + digamma_q(a));
                g[2] = s1 / (th * th) - d.W * a / th;
                H(0, 0) = -d.W * trigamma_q(a);
                H(0, 2) = H(2, 0) = -d.W / th;
                H(2, 2) = d.W * a / (th * th) - 2 * s1 / (th * th * th);
            }
            return;
        }
        case family::weibull: {
            const double c = p[0], loc = p[1], lam = p[2];
            for (std::size_t i = 0; i < n; ++i) {
                const double w = d.weight(i);
                const double lz = std::log((d.x[i] - loc) / lam);
                const double zc = std::exp(c * lz);
                L.add(w * ((c - 1) * lz - zc));
                if (derivs) {
                    s0 += w * lz;
                    s1 += w * zc * lz;
                    s2 += w * zc;
                    s3 += w * zc * lz * lz;
                }
            }
            ll = L.value() + d.W * (std::log(c) - std::log(lam));
            if (derivs) {
                g[0] = d.W / c + s0 - s1;
                g[2] = c / lam * (s2 - d.W);
                H(0, 0) = -d.W / (c * c) - s3;
                H(0, 2) = H(2, 0) = (s2 - d.W) / lam + c / lam * s1;
                H(2, 2) = -c / (lam * lam) * (s2 - d.W) - c * c * s2 / (lam * lam);
            }
            return;
        }
        case family::genpareto: {
            const double c = p[0], loc = p[1], sg = p[2];
            for (std::size_t i = 0; i < n; ++i) {
                const double w = d.weight(i);
                const double u = (d.x[i] - loc) / sg;
                const double cu = c * u;
                if (!(cu > -1)) {
                    ll = -INFINITY;
                    return;
                }
                const double lt = std::log1p(cu);
                L.add(w * (-lt - (c == 0 ? u : lt / c)));
                if (derivs) {
                    const double t = 1 + cu;
                    // B = dA/dc, B' = d2A/dc2 for A = log(1 + c u)/c; series for small c u
                    double B, B1;
                    if (std::fabs(cu) < 1e-3) {
                        B = 0;
                        B1 = 0;
                        double uk = u * u, ck = 1, ck3 = 0; // u^k, c^(k-2), c^(k-3)
                        for (int k = 2; k <= 9; ++k) {
                            const double sgn = k % 2 ? 1.0 : -1.0; // (-1)^(k+1)
                            B += sgn * (k - 1.0) / k * ck * uk;
                            if (k >= 3)
                                B1 += sgn * (k - 1.0) * (k - 2.0) / k * ck3 * uk;
                            uk *= u;
                            ck3 = k == 2 ? 1.0 : ck3 * c;
                            ck *= c;
                        }
                    } else {
                        B = (cu / t - lt) / (c * c);
                        B1 = -u * u / (t * t * c) - 2 * B / c;
                    }
                    s0 += w * (-u / t - B);                                // dl/dc
                    s1 += w * (u * u / (t * t) - B1);                      // d2l/dc2
                    s2 += w * (c + 1) * u / t;                             // sigma dl/dsigma + 1
                    s3 += w * (c + 1) * (c * u * u / (t * t) - 2 * u / t); // sigma^2 d2 - 1
                    s4 += w * u * (1 - u) / (t * t);                       // sigma d2l/dc dsigma
                }
            }
            ll = L.value() - d.W * std::log(sg);
            if (derivs) {
                g[0] = s0;
                g[2] = (s2 - d.W) / sg;
                H(0, 0) = s1;
                H(0, 2) = H(2, 0) = s4 / sg;
                H(2, 2) = (d.W + s3) / (sg * sg);
            }
            return;
        }
        default:
            ll = d.wsum([&](double x) { return logpdf(f, p.data(), x); });
            return;
        }
    }

    [[noreturn]] inline void fail(family f, const std::string& what)
    {
        throw std::invalid_argument(std::string("fit(") + info(f).name + "): " + what);
    }

    /// Robust scale for starting values: IQR-based, falling back to the mean
    /// absolute deviation from the median when half the sample is tied.
    inline double robust_spread(const sample& d, double center, double iqr_to_scale)
    {
        const double iqr = start_quantile(d, 0.75) - start_quantile(d, 0.25);
        if (iqr > 0)
            return iqr * iqr_to_scale;
        return d.wmean([&](double x) { return std::fabs(x - center); });
    }

    /// Throws std::invalid_argument ("fit(f): ...") for a fixed parameter f
    /// does not have, or a value it cannot take (not finite; <= 0 for a scale
    /// or shape other than genpareto's c).
    inline void check_fixed(family f, const fit_options& o)
    {
        const auto& fi = info(f);
        for (const auto& [name, value] : o.fixed) {
            const int i = param_index(f, name);
            if (i < 0) {
                std::string names;
                for (std::size_t j = 0; j < fi.k; ++j)
                    names += std::string(j ? ", " : "") + fi.params[j];
                fail(f, "no parameter '" + name + "' to fix (parameters: " + names + ")");
            }
            if (!std::isfinite(value))
                fail(f, "fixed " + name + " must be finite");
            const bool any_sign = i == fi.loc_index || (f == family::genpareto && i == 0);
            if (!any_sign && !(value > 0))
                fail(f, "fixed " + name + " must be > 0 (got " + format_value(value) + ")");
        }
    }

    inline fit_result fit_sample(const sample& d, family f, const fit_options& o)
    {
        const auto& fi = info(f);
        fit_result r;
        r.family = f;
        const std::size_t k = fi.k;
        for (std::size_t i = 0; i < k; ++i)
            r.names.emplace_back(fi.params[i]);
        std::array<bool, 3> fx { { false, false, false } };
        vec3 p = vec3::Zero();
        if (fi.loc_fixed_by_default)
            fx[static_cast<std::size_t>(fi.loc_index)] = true;
        check_fixed(f, o);
        for (const auto& [name, value] : o.fixed) {
            const int i = param_index(f, name);
            fx[static_cast<std::size_t>(i)] = true;
            p[i] = value;
        }
        r.fixed.assign(fx.begin(), fx.begin() + static_cast<std::ptrdiff_t>(k));
        r.n_free = 0;
        for (std::size_t i = 0; i < k; ++i)
            r.n_free += fx[i] ? 0 : 1;
        r.n = d.W;
        const auto nan_result = [&](const std::string& msg) {
            for (std::size_t i = 0; i < k; ++i)
                r.params.push_back(fx[i] ? p[i] : NAN);
            r.se.assign(k, NAN);
            r.cov.assign(k * k, NAN);
            r.converged = false;
            r.message = msg;
            return r;
        };
        if (d.has_nan)
            return nan_result("the input contains nan (nan_policy='propagate'): no fit");

        const std::size_t need = r.n_free ? 2 : 1;
        if (d.size() < need)
            fail(f,
                "needs at least " + std::to_string(need) + " values with weight > 0 (got "
                    + std::to_string(d.size()) + ")");
        const int li = fi.loc_index, si = fi.scale_index;
        // support
        if (fi.positive_support && fx[static_cast<std::size_t>(li)]) {
            const double loc = p[li];
            const bool closed = f == family::exponential || f == family::genpareto;
            const bool ok = closed ? d.xmin >= loc : d.xmin > loc;
            if (!ok)
                fail(f,
                    std::string("the support is x ") + (closed ? ">=" : ">") + " loc = "
                        + format_value(loc) + " but the data contain " + format_value(d.xmin));
        }
        // constant data: every parameter but loc needs spread
        if (d.xmin == d.xmax) {
            bool spread_needed = false;
            for (std::size_t i = 0; i < k; ++i)
                spread_needed = spread_needed || (static_cast<int>(i) != li && !fx[i]);
            if (spread_needed)
                fail(f,
                    "the data are constant (all " + format_value(d.xmin)
                        + "): the likelihood has no maximum (scale -> 0)");
        }

        bool has_cov = false; // the closed-form families fill r.cov themselves
        bool has_ll = false;  // ... and some the loglik too
        double closed_ll = 0;
        mat3 cov = mat3::Zero();
        solver_report rep;
        rep.converged = true;
        const auto free = [&](int i) { return !fx[static_cast<std::size_t>(i)]; };
        const double W = d.W;

        switch (f) {
        case family::normal: {
            // sums in units of 2^e (exact) when the sum, x - loc or its square would
            // overflow (values near DBL_MAX) or underflow (subnormal values)
            const double big = std::max(std::fabs(d.xmin), std::fabs(d.xmax));
            const int e = std::isfinite(big) && big > 0 ? std::ilogb(big) : 0;
            const double u
                = e > 500 || e < -500 ? std::ldexp(1.0, std::clamp(-e, -1000, 1000)) : 1.0;
            if (free(0))
                p[0] = d.wmean([u](double x) { return x * u; }) / u;
            if (free(1)) {
                const double mu = p[0] * u;
                p[1] = std::sqrt(d.wmean([u, mu](double x) {
                    const double z = x * u - mu;
                    return z * z;
                })) / u;
                if (!(p[1] > 0))
                    fail(f, "all values equal loc: the scale MLE is 0");
                // at the scale MLE, sum((x - loc)^2) = W scale^2: the loglik and the
                // observed information follow without another pass over the data
                const double s2 = p[1] * p[1];
                const double log_scale = std::isnormal(s2) ? 0.5 * std::log(s2) : std::log(p[1]);
                closed_ll = -W * (log_scale + half_log_2pi + 0.5);
                has_ll = has_cov = true;
                if (free(0))
                    cov(0, 0) = s2 / W;
                cov(1, 1) = s2 / (2 * W);
            }
            break;
        }
        case family::lognormal: {
            const double loc = p[1];
            sample lg; // log(x - loc): one log per value, shared by both passes
            lg.x.resize(d.size());
            for (std::size_t i = 0; i < d.size(); ++i)
                lg.x[i] = std::log(d.x[i] - loc);
            lg.w = d.w;
            lg.W = d.W;
            const double mu = free(2) ? lg.wmean([](double l) { return l; }) : std::log(p[2]);
            if (free(2))
                p[2] = std::exp(mu);
            if (free(0)) {
                p[0] = std::sqrt(lg.wmean([mu](double l) {
                    const double e = l - mu;
                    return e * e;
                }));
                if (!(p[0] > 0))
                    fail(f, "log(x - loc) is constant: the MLE of s is 0");
            }
            if (free(0) && free(2)) {
                // at the MLE sum w (ly - mu) = 0 and sum w (ly - mu)^2 = W s^2: the
                // loglik and the observed information without another pass
                const double sg = p[0], sc = p[2];
                closed_ll = -W * (mu + std::log(sg) + half_log_2pi + 0.5);
                has_ll = has_cov = true;
                cov(0, 0) = sg * sg / (2 * W);
                cov(2, 2) = sg * sg * sc * sc / W;
            }
            break;
        }
        case family::exponential: {
            if (free(0))
                p[0] = d.xmin;
            const double loc = p[0];
            if (free(1)) {
                p[1] = d.wmean([loc](double x) { return x - loc; });
                if (!(p[1] > 0))
                    fail(f, "all values equal loc: the scale MLE is 0");
            }
            const double sc = p[1];
            has_cov = true;
            if (free(1)) { // at the scale MLE, sum(x - loc) / scale = W
                closed_ll = -W * (std::log(sc) + 1);
                has_ll = true;
            }
            // exact: loc_hat = min ~ loc + Exp(scale / n); with loc free,
            // scale_hat = sum(x - min)/n ~ Gamma(n - 1, scale)/n, independent of min
            if (free(0))
                cov(0, 0) = (sc / W) * (sc / W);
            if (free(1))
                cov(1, 1) = free(0) ? sc * sc * (W - 1) / (W * W) : sc * sc / W;
            break;
        }
        case family::laplace: {
            if (free(0))
                p[0] = median_of(d);
            const double m = p[0];
            if (free(1)) {
                p[1] = d.wmean([m](double x) { return std::fabs(x - m); });
                if (!(p[1] > 0))
                    fail(f, "all values equal loc: the scale MLE is 0");
            }
            has_cov = true; // expected (Fisher) information: the likelihood is not smooth in loc
            const double b = p[1];
            if (free(0))
                cov(0, 0) = b * b / W;
            if (free(1))
                cov(1, 1) = b * b / W;
            break;
        }
        case family::gamma: {
            const double loc = p[1];
            const double mx = d.wmean([loc](double x) { return x - loc; });
            const double mlx = d.wmean([loc](double x) { return std::log(x - loc); });
            if (free(0) && free(2)) {
                const double s = std::log(mx) - mlx; // > 0 by Jensen unless constant
                if (!(s > 0))
                    fail(f, "the data are (numerically) constant: the shape MLE is infinite");
                const double a0 = (3 - s + std::sqrt((s - 3) * (s - 3) + 24 * s)) / (12 * s);
                auto [a, rr] = decreasing_root(
                    [s](double a) {
                        return std::pair<double, double> { std::log(a) - digamma_q(a) - s,
                            1 / a - trigamma_q(a) };
                    },
                    a0, o.max_iter, "the gamma shape a");
                rep = rr;
                p[0] = a;
                p[2] = mx / a;
                // with scale = mean / a, sum w (x - loc) / scale = W a exactly: the
                // loglik and the observed information from mx and mlx (no pass);
                // -H = W [[trigamma(a), 1/scale], [1/scale, a/scale^2]], positive
                // definite as a trigamma(a) > 1
                const double th = p[2], t1 = trigamma_q(a), det = a * t1 - 1;
                if (det > 0 && std::isfinite(det)) {
                    closed_ll = W * ((a - 1) * mlx - a - lgamma_q(a) - a * std::log(th));
                    has_ll = has_cov = true;
                    cov(0, 0) = a / (W * det);
                    cov(2, 2) = t1 * th * th / (W * det);
                    cov(0, 2) = cov(2, 0) = -th / (W * det);
                }
            } else if (free(0)) {
                const double target = mlx - std::log(p[2]);
                // digamma(a) - target is increasing: negate for decreasing_root
                auto [a, rr] = decreasing_root(
                    [target](double a) {
                        return std::pair<double, double> { target - digamma_q(a), -trigamma_q(a) };
                    },
                    std::max(0.5, std::exp(target) + 0.5), o.max_iter, "the gamma shape a");
                rep = rr;
                p[0] = a;
            } else if (free(2)) {
                p[2] = mx / p[0];
            }
            break;
        }
        case family::weibull: {
            const double loc = p[1];
            std::vector<double> lx(d.size());
            double lmax = -INFINITY;
            for (std::size_t i = 0; i < d.size(); ++i) {
                lx[i] = std::log(d.x[i] - loc);
                lmax = std::max(lmax, lx[i]);
            }
            const auto wsum_l = [&](auto&& fn) {
                ksum acc;
                for (std::size_t i = 0; i < lx.size(); ++i)
                    acc.add(d.weight(i) * fn(lx[i]));
                return acc.value();
            };
            const double mean_l = wsum_l([](double l) { return l; }) / W;
            // (1/c) log mean(exp(c l)) for shifted l, stably
            const auto scale_for = [&](double c) {
                const double m = wsum_l([&](double l) { return std::exp(c * (l - lmax)); }) / W;
                return std::exp(lmax + std::log(m) / c);
            };
            if (free(0)) {
                double c0;
                {
                    const double vl
                        = wsum_l([&](double l) { return (l - mean_l) * (l - mean_l); }) / W;
                    if (!(vl > 0))
                        fail(f, "the data are constant: the shape MLE is infinite");
                    c0 = 1.2825498301618641 / std::sqrt(vl); // pi / sqrt(6) / sd(log x)
                }
                const bool profile = free(2);
                const double lref = profile ? lmax : std::log(p[2]);
                // profile: g(c) = 1/c + mean(l) - sum w e^{c t} l / sum w e^{c t}, t = l - lmax
                // scale fixed: g(c) = 1/c + mean(t) - sum w e^{c t} t / W, t = l - log scale
                auto [c, rr] = decreasing_root(
                    [&](double c) {
                        double S0 = 0, S1 = 0, S2 = 0;
                        for (std::size_t i = 0; i < lx.size(); ++i) {
                            const double w = d.weight(i);
                            const double t = lx[i] - lref;
                            const double e = std::exp(c * t);
                            S0 += w * e;
                            S1 += w * e * t;
                            S2 += w * e * t * t;
                        }
                        if (profile) {
                            const double mt = mean_l - lref;
                            const double v = 1 / c + mt - S1 / S0;
                            const double dv = -1 / (c * c) - (S2 / S0 - (S1 / S0) * (S1 / S0));
                            return std::pair<double, double> { v, dv };
                        }
                        const double mt = mean_l - lref;
                        return std::pair<double, double> { 1 / c + mt - S1 / W,
                            -1 / (c * c) - S2 / W };
                    },
                    c0, o.max_iter, "the Weibull shape c");
                rep = rr;
                p[0] = c;
            }
            if (free(2))
                p[2] = scale_for(p[0]);
            break;
        }
        case family::genpareto: {
            // damped Newton on (c, log scale) from moment estimates: mean = s/(1-c),
            // var = s^2/((1-c)^2 (1-2c)) => c = (1 - mean^2/var)/2, s = mean (1 - c)
            const double loc = p[1];
            const double m = d.wmean([loc](double x) { return x - loc; });
            const double v = d.wmean([&](double x) { return (x - loc - m) * (x - loc - m); });
            const double ymax = d.xmax - loc;
            if (free(0))
                p[0] = std::clamp(0.5 * (1 - m * m / v), -0.45, 0.45);
            if (free(2)) {
                p[2] = m * (1 - p[0]);
                if (p[0] < 0 && p[2] <= -p[0] * ymax * (1 + 1e-3))
                    p[2] = -p[0] * ymax * 1.01;
            }
            if (p[0] < 0 && p[0] * ymax / p[2] <= -1) {
                if (!free(0))
                    fail(f,
                        "the data exceed the upper end loc - scale/c of the fixed "
                        "parameters");
                p[0] = 0; // exponential start
            }
            newton_setup s;
            s.k = k;
            s.free = { !fx[0], false, !fx[2] };
            s.log_scale = { false, false, true };
            s.scale_index = 2;
            s.max_iter = o.max_iter;
            if (free(0)) {
                s.diverge_index = 0;
                s.diverge_below = -1;
                s.diverge_message = "the shape c falls below -1: the likelihood is unbounded "
                                    "(no maximum-likelihood estimate)";
            }
            const auto eval = [&](const vec3& th, double& ll, vec3& g, mat3& H, bool der) {
                loglik_derivs<psum>(f, d, th, ll, g, H, der);
            };
            vec3 th = p;
            rep = newton_maximize(eval, th, s);
            p = th;
            break;
        }
        case family::logistic:
        case family::cauchy:
        case family::t: {
            const bool is_t = f == family::t;
            const double med = median_of(d);
            if (free(li))
                p[li] = med;
            const double iqr_to_scale = f == family::cauchy ? 0.5
                : f == family::logistic                     ? 1 / (2 * 1.0986122886681098)
                                                            : 0.7413011092528010;
            if (free(si))
                p[si] = robust_spread(d, p[li], iqr_to_scale);
            if (!(p[si] > 0))
                fail(f, "no spread in the data around loc");
            newton_setup s;
            s.k = k;
            for (std::size_t i = 0; i < k; ++i) {
                s.free[i] = !fx[i];
                s.log_scale[i] = static_cast<int>(i) != li;
            }
            s.scale_index = si;
            s.max_iter = o.max_iter;
            const auto eval = [&](const vec3& th, double& ll, vec3& g, mat3& H, bool der) {
                loglik_derivs<psum>(f, d, th, ll, g, H, der);
            };
            if (is_t && free(0)) {
                // df start: the best of a grid at the robust loc/scale, on a
                // systematic subsample of at most 2000 values (a start only)
                sample sub;
                const std::size_t step = (d.size() + 1999) / 2000;
                for (std::size_t i = 0; i < d.size(); i += step) {
                    sub.x.push_back(d.x[i]);
                    if (d.weighted())
                        sub.w.push_back(d.w[i]);
                    sub.W += d.weight(i);
                }
                double best = -INFINITY, bdf = 4;
                for (double df : { 1.0, 2.5, 6.0, 15.0, 50.0 }) {
                    vec3 q = p;
                    q[0] = df;
                    double ll;
                    vec3 g;
                    mat3 H;
                    loglik_derivs<psum>(f, sub, q, ll, g, H, false);
                    if (ll > best) {
                        best = ll;
                        bdf = df;
                    }
                }
                p[0] = bdf;
                s.diverge_index = 0;
                s.diverge_at = 1e7;
                s.diverge_message = "df diverges to infinity: the sample is not heavier-tailed "
                                    "than the normal (fit 'normal', or fix df)";
            }
            vec3 th = p;
            rep = newton_maximize(eval, th, s);
            p = th;
            break;
        }
        }

        r.params.assign(p.data(), p.data() + k);
        r.converged = rep.converged;
        r.n_iter = rep.n_iter;
        r.message = rep.message;
        double ll;
        {
            vec3 g;
            mat3 H;
            if (has_ll)
                ll = closed_ll;
            else
                loglik_derivs(f, d, p, ll, g, H, !has_cov);
            r.loglik = ll;
            if (!has_cov && r.n_free > 0) {
                std::array<bool, 3> fr { { false, false, false } };
                for (std::size_t i = 0; i < k; ++i)
                    fr[i] = !fx[i];
                if (!free_inverse(H, fr, k, cov)) {
                    for (std::size_t i = 0; i < k; ++i)
                        for (std::size_t j = 0; j < k; ++j)
                            if (fr[i] && fr[j])
                                cov(static_cast<int>(i), static_cast<int>(j)) = NAN;
                    if (r.converged) {
                        r.converged = false;
                        r.message = "the observed information is not positive definite: not a "
                                    "maximum of the likelihood";
                    }
                }
            }
        }
        r.cov.assign(k * k, 0.0);
        r.se.assign(k, 0.0);
        for (std::size_t i = 0; i < k; ++i) {
            for (std::size_t j = 0; j < k; ++j)
                r.cov[i * k + j] = cov(static_cast<int>(i), static_cast<int>(j));
            r.se[i] = std::sqrt(cov(static_cast<int>(i), static_cast<int>(i)));
        }
        const double kf = static_cast<double>(r.n_free);
        r.aic = 2 * kf - 2 * ll;
        r.bic = kf * std::log(W) - 2 * ll;
        if (r.converged && r.message.empty())
            r.message = r.n_iter ? "converged" : "closed form";
        if (!std::isfinite(ll) && r.converged) {
            r.converged = false;
            r.message = "the log-likelihood is not finite at the estimate";
        }
        return r;
    }

} // namespace detail::fit

/// Maximum-likelihood fit of `fam` to the values of x (frequency weights w).
/// Throws std::invalid_argument on degenerate input (fewer than 2 values,
/// constant data, values outside the support, inf, invalid weights or fixed
/// parameters), std::domain_error on NaN under nan_policy::raise. Under
/// nan_policy::propagate a NaN gives NaN parameters and converged = false.
/// An iterative fit that does not converge returns converged = false and the
/// reason in `message` (never silently). docs/fit.md.
template <class T, class U>
fit_result fit(strided_span<T> x, strided_span<U> w, family fam, const fit_options& o = {})
{
    if (w.size != x.size)
        throw std::invalid_argument("fit: weights must have the same length as x");
    const auto d = detail::fit::gather_sample(x, w.data, w.stride, o.nan);
    return detail::fit::fit_sample(d, fam, o);
}

template <class T> fit_result fit(strided_span<T> x, family fam, const fit_options& o = {})
{
    const auto d = detail::fit::gather_sample(x, static_cast<const double*>(nullptr), 0, o.nan);
    return detail::fit::fit_sample(d, fam, o);
}

/// Contiguous ranges (std::vector, std::array, ...).
template <class Range, class = decltype(std::data(std::declval<const Range&>()))>
fit_result fit(const Range& x, family fam, const fit_options& o = {})
{
    return fit(make_span(x), fam, o);
}

template <class Range, class WRange, class = decltype(std::data(std::declval<const Range&>())),
    class = decltype(std::data(std::declval<const WRange&>()))>
fit_result fit(const Range& x, const WRange& w, family fam, const fit_options& o = {})
{
    return fit(make_span(x), make_span(w), fam, o);
}

} // namespace robstat
