// Goodness of fit: the Kolmogorov-Smirnov, Anderson-Darling and Cramer-von
// Mises statistics of a sample against a fitted distribution, with the
// p-values of a fully specified distribution (docs/fit.md; the parametric
// bootstrap for estimated parameters is robstat.gof(n_boot=) in Python).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include <boost/math/distributions/students_t.hpp>
#include <boost/math/special_functions/bessel.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <boost/math/special_functions/gamma.hpp>

#include "robstat/core/types.hpp"
#include "robstat/fit/families.hpp"
#include "robstat/fit/result.hpp"
#include "robstat/fit/sample.hpp"

namespace robstat {

/// The three statistics and their p-values (for a fully specified distribution).
struct gof_result {
    double ks = NAN;         ///< Kolmogorov-Smirnov D = sup |F_n - F|
    double ks_pvalue = NAN;  ///< asymptotic Kolmogorov with Stephens' finite-n factor
    double ad = NAN;         ///< Anderson-Darling A^2
    double ad_pvalue = NAN;  ///< Marsaglia & Marsaglia (2004): ADinf + errfix(n)
    double cvm = NAN;        ///< Cramer-von Mises W^2
    double cvm_pvalue = NAN; ///< the limiting distribution (Anderson-Darling 1952 series)
    std::size_t n = 0;
};

namespace detail::fit {

    /// F(x) and 1 - F(x), each accurate in its own tail.
    inline void cdf_sf(family f, const double* p, double x, double& F, double& S)
    {
        using std::exp;
        constexpr double r2 = 0.70710678118654752440084436210485;
        const auto normal = [&](double z) {
            F = 0.5 * boost::math::erfc(-z * r2);
            S = 0.5 * boost::math::erfc(z * r2);
        };
        switch (f) {
        case family::normal:
            normal((x - p[0]) / p[1]);
            return;
        case family::lognormal: {
            const double y = x - p[1];
            if (!(y > 0)) {
                F = 0;
                S = 1;
                return;
            }
            normal((std::log(y) - std::log(p[2])) / p[0]);
            return;
        }
        case family::exponential: {
            const double z = std::max(0.0, (x - p[0]) / p[1]);
            F = -std::expm1(-z);
            S = exp(-z);
            return;
        }
        case family::gamma: {
            const double z = (x - p[1]) / p[2];
            if (!(z > 0)) {
                F = 0;
                S = 1;
                return;
            }
            F = boost::math::gamma_p(p[0], z);
            S = boost::math::gamma_q(p[0], z);
            return;
        }
        case family::weibull: {
            const double z = (x - p[1]) / p[2];
            if (!(z > 0)) {
                F = 0;
                S = 1;
                return;
            }
            const double zc = std::pow(z, p[0]);
            F = -std::expm1(-zc);
            S = exp(-zc);
            return;
        }
        case family::t: {
            const boost::math::students_t_distribution<double> d(p[0]);
            const double z = (x - p[1]) / p[2];
            F = boost::math::cdf(d, z);
            S = boost::math::cdf(boost::math::complement(d, z));
            return;
        }
        case family::laplace: {
            const double z = (x - p[0]) / p[1];
            if (z < 0) {
                F = 0.5 * exp(z);
                S = 1 - F;
            } else {
                S = 0.5 * exp(-z);
                F = 1 - S;
            }
            return;
        }
        case family::logistic: {
            const double z = (x - p[0]) / p[1];
            F = 1 / (1 + exp(-z));
            S = 1 / (1 + exp(z));
            return;
        }
        case family::cauchy: {
            const double z = (x - p[0]) / p[1];
            if (z > 0) {
                S = std::atan(1 / z) * inv_pi;
                F = 1 - S;
            } else if (z < 0) {
                F = std::atan(-1 / z) * inv_pi;
                S = 1 - F;
            } else {
                F = S = 0.5;
            }
            return;
        }
        case family::genpareto: {
            const double c = p[0], u = std::max(0.0, (x - p[1]) / p[2]);
            if (c < 0 && c * u <= -1) {
                F = 1;
                S = 0;
                return;
            }
            const double A = c == 0 ? u : std::log1p(c * u) / c; // S = (1 + c u)^(-1/c)
            F = -std::expm1(-A);
            S = exp(-A);
            return;
        }
        }
    }

    /// P(K > lambda) for the Kolmogorov distribution: 2 sum (-1)^(k-1) exp(-2 k^2 lambda^2)
    /// (for small lambda the theta-function form sqrt(2 pi)/lambda sum exp(-(2k-1)^2 pi^2 / (8
    /// lambda^2))).
    inline double kolmogorov_sf(double lambda)
    {
        if (!(lambda > 0))
            return 1.0;
        if (lambda < 1.0) {
            constexpr double pi2 = 9.8696044010893586188344909998762;
            double s = 0;
            for (int k = 1; k <= 20; ++k) {
                const double m = 2.0 * k - 1;
                s += std::exp(-m * m * pi2 / (8 * lambda * lambda));
            }
            return 1 - 2.5066282746310005024157652848110 / lambda * s;
        }
        double s = 0;
        for (int k = 1; k <= 100; ++k) {
            const double t = std::exp(-2.0 * k * k * lambda * lambda);
            s += (k % 2 ? 2 : -2) * t;
            if (t < 1e-17)
                break;
        }
        return std::clamp(s, 0.0, 1.0);
    }

    /// Limiting distribution of A^2 (Marsaglia & Marsaglia 2004, "Evaluating the
    /// Anderson-Darling distribution", J. Stat. Softw. 9(2): ADinf), and their
    /// finite-n correction errfix(n, ADinf). Returns P(A^2 <= z).
    inline double ad_cdf(double z, double n)
    {
        if (!(z > 0))
            return 0.0;
        double x;
        if (z < 2) {
            x = std::exp(-1.2337141 / z) / std::sqrt(z)
                * (2.00012
                    + (0.247105
                          - (0.0649821 - (0.0347962 - (0.011672 - 0.00168691 * z) * z) * z) * z)
                        * z);
        } else {
            x = std::exp(-std::exp(1.0776
                - (2.30695 - (0.43424 - (0.082433 - (0.008056 - 0.0003146 * z) * z) * z) * z) * z));
        }
        double e;
        if (x > 0.8) {
            e = (-130.2137
                    + (745.2337 - (1705.091 - (1950.646 - (1116.360 - 255.7844 * x) * x) * x) * x)
                        * x)
                / n;
        } else {
            const double c = 0.01265 + 0.1757 / n;
            if (x < c) {
                double t = x / c;
                t = std::sqrt(t) * (1 - t) * (49 * t - 102);
                e = t * (0.0037 / (n * n) + 0.00078 / n + 0.00006) / n;
            } else {
                double t = (x - c) / (0.8 - c);
                t = -0.00022633
                    + (6.54034 - (14.6538 - (14.458 - (8.259 - 1.91864 * t) * t) * t) * t) * t;
                e = t * (0.04213 + 0.01365 / n) / n;
            }
        }
        return std::clamp(x + e, 0.0, 1.0);
    }

    /// Limiting distribution of the Cramer-von Mises W^2 (Anderson & Darling
    /// 1952): P(W^2 <= x) = 1/(pi sqrt x) sum_j Gamma(j+1/2)/(Gamma(1/2) j!)
    /// sqrt(4j+1) exp(-u_j) K_{1/4}(u_j), u_j = (4j+1)^2/(16x).
    inline double cvm_cdf_inf(double x)
    {
        if (!(x > 0))
            return 0.0;
        if (x > 10)
            return 1.0;
        constexpr double pi = 3.1415926535897932384626433832795;
        double s = 0, coef = 1; // Gamma(j+1/2)/(Gamma(1/2) j!) = prod_{i<j} (i+1/2)/(i+1)
        for (int j = 0; j < 60; ++j) {
            const double m = 4.0 * j + 1;
            const double u = m * m / (16 * x);
            if (u > 700)
                break;
            const double term
                = coef * std::sqrt(m) * std::exp(-u) * boost::math::cyl_bessel_k(0.25, u);
            s += term;
            if (term < 1e-17 * s)
                break;
            coef *= (j + 0.5) / (j + 1.0);
        }
        return std::clamp(s / (pi * std::sqrt(x)), 0.0, 1.0);
    }

} // namespace detail::fit

/// The KS, AD and CvM statistics of the values x against the distribution of
/// `fit` (its family and params), with the p-values of a FULLY SPECIFIED
/// distribution. With parameters estimated from the same x those p-values
/// are too large (conservative): use a parametric bootstrap (robstat.gof with
/// n_boot in Python). NaN: the policy of `o` (propagate gives NaN results).
template <class T> gof_result gof(strided_span<T> x, const fit_result& fit, options o = {})
{
    if (fit.params.size() != info(fit.family).k)
        throw std::invalid_argument("gof: the fit result has the wrong number of parameters");
    for (double v : fit.params) {
        if (!std::isfinite(v))
            throw std::invalid_argument("gof: the fit result has non-finite parameters");
    }
    const auto d = detail::fit::gather_sample(x, static_cast<const double*>(nullptr), 0, o.nan);
    gof_result r;
    r.n = d.size();
    if (d.has_nan)
        return r;
    if (d.size() < 1)
        throw std::invalid_argument("gof: needs at least 1 value");
    std::vector<double> v(d.x);
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    const double nd = static_cast<double>(n);
    std::vector<double> F(n), S(n);
    for (std::size_t i = 0; i < n; ++i)
        detail::fit::cdf_sf(fit.family, fit.params.data(), v[i], F[i], S[i]);
    double dmax = 0, w2 = 1 / (12 * nd);
    detail::fit::ksum ad;
    for (std::size_t i = 0; i < n; ++i) {
        const double fi = static_cast<double>(i);
        dmax = std::max({ dmax, (fi + 1) / nd - F[i], F[i] - fi / nd });
        const double c = F[i] - (2 * fi + 1) / (2 * nd);
        w2 += c * c;
        ad.add((2 * fi + 1) * (std::log(F[i]) + std::log(S[n - 1 - i])));
    }
    r.ks = dmax;
    r.cvm = w2;
    r.ad = -nd - ad.value() / nd;
    if (std::isnan(r.ad))
        r.ad = INFINITY; // F = 0 or S = 0 at a value: outside the support
    const double sn = std::sqrt(nd);
    r.ks_pvalue = detail::fit::kolmogorov_sf((sn + 0.12 + 0.11 / sn) * dmax);
    r.ad_pvalue = std::isinf(r.ad) ? 0.0 : 1 - detail::fit::ad_cdf(r.ad, nd);
    // the limiting distribution itself: within 0.002 of the finite-n one
    // (Csorgo-Faraway) for n >= 50, 0.011 for n = 10; Stephens' modified W^2
    // fits the upper tail only
    r.cvm_pvalue = 1 - detail::fit::cvm_cdf_inf(w2);
    return r;
}

template <class Range, class = decltype(std::data(std::declval<const Range&>()))>
gof_result gof(const Range& x, const fit_result& fit, options o = {})
{
    return gof(make_span(x), fit, o);
}

} // namespace robstat
