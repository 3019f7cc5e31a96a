// Fits to truncated samples: the values are known to lie in [lo, hi] (what
// remains after cutting the tails at lo and hi), so the likelihood of each is
// the density divided by the probability of [lo, hi]. docs/fit.md.
#pragma once

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

#include <boost/math/special_functions/erf.hpp>

#include "robstat/core/types.hpp"
#include "robstat/fit/families.hpp"
#include "robstat/fit/result.hpp"
#include "robstat/fit/sample.hpp"
#include "robstat/fit/solvers.hpp"

namespace robstat {
namespace detail::fit {

    inline constexpr double inv_sqrt_2pi = 0.39894228040143267793994605993438;
    inline constexpr double inv_sqrt_2 = 0.70710678118654752440084436210485;

    /// log P(a < Z < b) for a standard normal Z, and the terms t phi(t) of
    /// the bounds (0 for infinite bounds). Computed in the tail where the
    /// interval lies, so no cancellation for intervals far in one tail.
    inline double log_normal_mass(double a, double b)
    {
        using boost::math::erfc;
        double m;
        if (a > 0) // upper tail: Q(a) - Q(b)
            m = 0.5 * (erfc(a * inv_sqrt_2) - (std::isinf(b) ? 0.0 : erfc(b * inv_sqrt_2)));
        else if (b < 0) // lower tail: Phi(b) - Phi(a)
            m = 0.5 * (erfc(-b * inv_sqrt_2) - (std::isinf(a) ? 0.0 : erfc(-a * inv_sqrt_2)));
        else
            m = 1
                - 0.5
                    * ((std::isinf(a) ? 0.0 : erfc(-a * inv_sqrt_2))
                        + (std::isinf(b) ? 0.0 : erfc(b * inv_sqrt_2)));
        return std::log(m);
    }

    /// t^k phi(t), 0 at +-inf
    inline double tk_phi(double t, int k)
    {
        if (std::isinf(t))
            return 0.0;
        return std::pow(t, k) * inv_sqrt_2pi * std::exp(-0.5 * t * t);
    }

    /// Log-likelihood (and derivatives in (loc, scale)) of the normal
    /// truncated to [lo, hi].
    template <class Acc = ksum>
    void truncnorm_derivs(const sample& d, double lo, double hi, const vec3& p, double& ll, vec3& g,
        mat3& H, bool derivs)
    {
        const double mu = p[0], sg = p[1];
        Acc L;
        double s1 = 0, s2 = 0;
        for (std::size_t i = 0; i < d.size(); ++i) {
            const double w = d.weight(i);
            const double z = (d.x[i] - mu) / sg;
            L.add(w * (-0.5 * z * z));
            if (derivs) {
                s1 += w * z;
                s2 += w * z * z;
            }
        }
        const double a = (lo - mu) / sg, b = (hi - mu) / sg;
        const double lZ = log_normal_mass(a, b);
        const double W = d.W;
        ll = L.value() - W * (std::log(sg) + half_log_2pi + lZ);
        g.setZero();
        H.setZero();
        if (!derivs)
            return;
        const double Z = std::exp(lZ);
        // derivatives of Z(mu, sigma) = Phi(b) - Phi(a) (see docs/fit.md)
        const double pa = tk_phi(a, 0), pb = tk_phi(b, 0);
        const double p1a = tk_phi(a, 1), p1b = tk_phi(b, 1);
        const double p2a = tk_phi(a, 2), p2b = tk_phi(b, 2);
        const double p3a = tk_phi(a, 3), p3b = tk_phi(b, 3);
        const double Zm = -(pb - pa) / sg;
        const double Zs = -(p1b - p1a) / sg;
        const double Zmm = -(p1b - p1a) / (sg * sg);
        const double Zms = ((pb - pa) - (p2b - p2a)) / (sg * sg);
        const double Zss = (2 * (p1b - p1a) - (p3b - p3a)) / (sg * sg);
        const double lm = Zm / Z, ls = Zs / Z;
        // untruncated parts: sum of -z^2/2 - log sigma
        g[0] = s1 / sg - W * lm;
        g[1] = (s2 - W) / sg - W * ls;
        H(0, 0) = -W / (sg * sg) - W * (Zmm / Z - lm * lm);
        H(0, 1) = H(1, 0) = -2 * s1 / (sg * sg) - W * (Zms / Z - lm * ls);
        H(1, 1) = (W - 3 * s2) / (sg * sg) - W * (Zss / Z - ls * ls);
    }

} // namespace detail::fit

/// Maximum-likelihood fit of a normal distribution to values known to lie in
/// [lo, hi] (lo may be -inf, hi +inf): maximises
///   sum_i w_i [log phi((x_i - loc)/scale) - log scale - log(Phi(b) - Phi(a))],
///   a = (lo - loc)/scale, b = (hi - loc)/scale,
/// by the damped Newton of robstat::fit. The result's family is normal
/// (params loc, scale of the untruncated normal; scipy.stats.truncnorm(a, b,
/// loc, scale) is the fitted distribution). `fixed` may hold loc or scale.
/// Throws std::invalid_argument for lo >= hi, values outside [lo, hi], fewer
/// than 2 values, constant data; when the data are flatter than any normal on
/// [lo, hi] (scale -> infinity), converged = false with the reason.
template <class T, class U>
fit_result fit_truncated_normal(
    strided_span<T> x, strided_span<U> w, double lo, double hi, const fit_options& o = {})
{
    namespace df = detail::fit;
    if (!(lo < hi) || std::isnan(lo) || std::isnan(hi))
        throw std::invalid_argument("fit_truncated_normal: needs lo < hi (got lo="
            + detail::format_value(lo) + ", hi=" + detail::format_value(hi) + ")");
    if (w.data && w.size != x.size)
        throw std::invalid_argument("fit: weights must have the same length as x");
    const auto d = df::gather_sample(x, w.data, w.stride, o.nan);
    fit_result r;
    r.family = family::normal;
    r.names = { "loc", "scale" };
    std::array<bool, 3> fx { { false, false, false } };
    df::vec3 p = df::vec3::Zero();
    for (const auto& [name, value] : o.fixed) {
        const int i = param_index(family::normal, name);
        if (i < 0)
            throw std::invalid_argument(
                "fit_truncated_normal: no parameter '" + name + "' (parameters: loc, scale)");
        if (!std::isfinite(value) || (i == 1 && !(value > 0)))
            throw std::invalid_argument("fit_truncated_normal: invalid fixed " + name);
        fx[static_cast<std::size_t>(i)] = true;
        p[i] = value;
    }
    r.fixed = { fx[0], fx[1] };
    r.n_free = (fx[0] ? 0 : 1) + (fx[1] ? 0 : 1);
    r.n = d.W;
    if (d.has_nan) {
        r.params = { fx[0] ? p[0] : NAN, fx[1] ? p[1] : NAN };
        r.se = { NAN, NAN };
        r.cov.assign(4, NAN);
        r.message = "the input contains nan (nan_policy='propagate'): no fit";
        return r;
    }
    if (d.size() < 2)
        throw std::invalid_argument(
            "fit_truncated_normal: needs at least 2 values with weight > 0");
    if (d.xmin < lo || d.xmax > hi)
        throw std::invalid_argument(
            "fit_truncated_normal: the data contain values outside [lo, hi] = ["
            + detail::format_value(lo) + ", " + detail::format_value(hi) + "]");
    if (d.xmin == d.xmax && !fx[1])
        throw std::invalid_argument("fit_truncated_normal: the data are constant (scale -> 0)");
    // start: the untruncated MLE
    const double mean = d.wmean([](double v) { return v; });
    if (!fx[0])
        p[0] = mean;
    if (!fx[1]) {
        const double m = p[0];
        p[1] = std::sqrt(d.wmean([m](double v) { return (v - m) * (v - m); }));
    }
    df::newton_setup s;
    s.k = 2;
    s.free = { !fx[0], !fx[1], false };
    s.log_scale = { false, true, false };
    s.scale_index = 1;
    s.max_iter = o.max_iter;
    const double width = std::isfinite(hi - lo) ? hi - lo : d.xmax - d.xmin;
    s.diverge_index = 1;
    s.diverge_at = 1e8 * width;
    s.diverge_message = "scale diverges to infinity: the data are flatter on [lo, hi] than any "
                        "truncated normal";
    df::solver_report rep;
    rep.converged = true;
    if (r.n_free) {
        const auto eval = [&](const df::vec3& th, double& ll, df::vec3& g, df::mat3& H, bool der) {
            df::truncnorm_derivs<df::psum>(d, lo, hi, th, ll, g, H, der);
        };
        rep = df::newton_maximize(eval, p, s);
    }
    double ll;
    df::vec3 g;
    df::mat3 H;
    df::truncnorm_derivs(d, lo, hi, p, ll, g, H, true);
    r.params = { p[0], p[1] };
    r.loglik = ll;
    r.converged = rep.converged && std::isfinite(ll);
    r.n_iter = rep.n_iter;
    r.message = rep.converged
        ? (std::isfinite(ll) ? (rep.message.empty() ? "converged" : rep.message)
                             : "non-finite log-likelihood")
        : rep.message;
    r.cov.assign(4, 0.0);
    r.se.assign(2, 0.0);
    if (r.n_free) {
        df::mat3 cov;
        const bool ok = df::free_inverse(H, { !fx[0], !fx[1], false }, 2, cov);
        for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 2; ++j)
                r.cov[static_cast<std::size_t>(i * 2 + j)] = ok
                    ? cov(i, j)
                    : (!fx[static_cast<std::size_t>(i)] && !fx[static_cast<std::size_t>(j)] ? NAN
                                                                                            : 0.0);
        if (!ok && r.converged) {
            r.converged = false;
            r.message = "the observed information is not positive definite: not a maximum";
        }
    }
    r.se = { std::sqrt(r.cov[0]), std::sqrt(r.cov[3]) };
    const double kf = static_cast<double>(r.n_free);
    r.aic = 2 * kf - 2 * ll;
    r.bic = kf * std::log(d.W) - 2 * ll;
    return r;
}

template <class T>
fit_result fit_truncated_normal(strided_span<T> x, double lo, double hi, const fit_options& o = {})
{
    return fit_truncated_normal(x, strided_span<const double> {}, lo, hi, o);
}

template <class Range, class = decltype(std::data(std::declval<const Range&>()))>
fit_result fit_truncated_normal(const Range& x, double lo, double hi, const fit_options& o = {})
{
    return fit_truncated_normal(make_span(x), lo, hi, o);
}

template <class Range, class WRange, class = decltype(std::data(std::declval<const Range&>())),
    class = decltype(std::data(std::declval<const WRange&>()))>
fit_result fit_truncated_normal(
    const Range& x, const WRange& w, double lo, double hi, const fit_options& o = {})
{
    return fit_truncated_normal(make_span(x), make_span(w), lo, hi, o);
}

} // namespace robstat
