// Distribution families of robstat::fit: names, parameters (SciPy's names and
// order, so that scipy.stats.<scipy_name>(**params) is the fitted
// distribution), default fixed parameters, support and the log-density.
// See docs/fit.md.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>

namespace robstat {

/// The families robstat::fit knows.
enum class family {
    normal,
    lognormal,
    exponential,
    gamma,
    weibull,
    t,
    laplace,
    logistic,
    cauchy,
    genpareto
};

inline constexpr std::size_t n_families = 10;
inline constexpr std::array<family, n_families> all_families
    = { family::normal, family::lognormal, family::exponential, family::gamma, family::weibull,
          family::t, family::laplace, family::logistic, family::cauchy, family::genpareto };

/// Static description of a family.
struct family_info {
    const char* name;                  ///< robstat's name ("normal", ...)
    const char* scipy_name;            ///< the scipy.stats distribution ("norm", ...)
    std::size_t k;                     ///< number of parameters
    std::array<const char*, 3> params; ///< SciPy's names, SciPy's order (shapes, loc, scale)
    int loc_index;                     ///< index of loc
    int scale_index;                   ///< index of scale
    bool loc_fixed_by_default;         ///< loc is fixed at 0 unless fixed to another value
    bool positive_support;             ///< support is x > loc (x >= loc for the exponential)
};

inline const family_info& info(family f)
{
    static const family_info table[n_families] = {
        { "normal", "norm", 2, { "loc", "scale", nullptr }, 0, 1, false, false },
        { "lognormal", "lognorm", 3, { "s", "loc", "scale" }, 1, 2, true, true },
        { "exponential", "expon", 2, { "loc", "scale", nullptr }, 0, 1, false, true },
        { "gamma", "gamma", 3, { "a", "loc", "scale" }, 1, 2, true, true },
        { "weibull", "weibull_min", 3, { "c", "loc", "scale" }, 1, 2, true, true },
        { "t", "t", 3, { "df", "loc", "scale" }, 1, 2, false, false },
        { "laplace", "laplace", 2, { "loc", "scale", nullptr }, 0, 1, false, false },
        { "logistic", "logistic", 2, { "loc", "scale", nullptr }, 0, 1, false, false },
        { "cauchy", "cauchy", 2, { "loc", "scale", nullptr }, 0, 1, false, false },
        { "genpareto", "genpareto", 3, { "c", "loc", "scale" }, 1, 2, true, true },
    };
    return table[static_cast<std::size_t>(f)];
}

/// Parse a family name: robstat's ("normal", "lognormal", "exponential", "gamma",
/// "weibull", "t", "laplace", "logistic", "cauchy") or SciPy's ("norm", "lognorm",
/// "expon", "weibull_min").
inline family parse_family(std::string_view s)
{
    for (family f : all_families) {
        if (s == info(f).name || s == info(f).scipy_name)
            return f;
    }
    throw std::invalid_argument(
        "family must be one of 'normal', 'lognormal', 'exponential', "
        "'gamma', 'weibull', 't', 'laplace', 'logistic', 'cauchy', 'genpareto' (got '"
        + std::string(s) + "')");
}

/// Index of parameter `name` in family f, or -1.
inline int param_index(family f, std::string_view name)
{
    const auto& fi = info(f);
    for (std::size_t i = 0; i < fi.k; ++i) {
        if (name == fi.params[i])
            return static_cast<int>(i);
    }
    return -1;
}

namespace detail::fit {

    inline constexpr double half_log_2pi = 0.91893853320467274178032973640562;
    inline constexpr double log_pi = 1.1447298858494001741434273513531;
    inline constexpr double inv_pi = 0.31830988618379067153776752674503;
    inline constexpr double log_2 = 0.69314718055994530941723212145818;

    /// Boost.Math's pole, overflow and domain errors as inf/NaN rather than
    /// exceptions: a solver's trial point far outside the data (a t df or a
    /// gamma shape stepping to ~0) then has a non-finite likelihood, which the
    /// line search rejects, instead of aborting a fit that would converge.
    using quiet_policy = boost::math::policies::policy<
        boost::math::policies::domain_error<boost::math::policies::ignore_error>,
        boost::math::policies::pole_error<boost::math::policies::ignore_error>,
        boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
        boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;
    inline double lgamma_q(double x)
    {
        return boost::math::lgamma(x, quiet_policy());
    }
    inline double digamma_q(double x)
    {
        return boost::math::digamma(x, quiet_policy());
    }
    inline double trigamma_q(double x)
    {
        return boost::math::trigamma(x, quiet_policy());
    }

    /// log-density of one value at parameters p (SciPy's order); -inf outside
    /// the support. Parameters are assumed valid (scale > 0, shapes > 0).
    inline double logpdf(family f, const double* p, double x)
    {
        using std::log;
        switch (f) {
        case family::normal: {
            const double z = (x - p[0]) / p[1];
            return -0.5 * z * z - log(p[1]) - half_log_2pi;
        }
        case family::lognormal: {
            const double y = x - p[1];
            if (!(y > 0))
                return -INFINITY;
            const double u = (log(y) - log(p[2])) / p[0];
            return -0.5 * u * u - log(p[0]) - log(y) - half_log_2pi;
        }
        case family::exponential: {
            const double z = (x - p[0]) / p[1];
            return z < 0 ? -INFINITY : -z - log(p[1]);
        }
        case family::gamma: {
            const double z = (x - p[1]) / p[2];
            if (!(z > 0))
                return -INFINITY;
            return (p[0] - 1) * log(z) - z - lgamma_q(p[0]) - log(p[2]);
        }
        case family::weibull: {
            const double z = (x - p[1]) / p[2];
            if (!(z > 0))
                return -INFINITY;
            const double lz = log(z);
            return log(p[0]) + (p[0] - 1) * lz - std::exp(p[0] * lz) - log(p[2]);
        }
        case family::t: {
            const double nu = p[0];
            const double z = (x - p[1]) / p[2];
            return lgamma_q(0.5 * (nu + 1)) - lgamma_q(0.5 * nu) - 0.5 * (log(nu) + log_pi)
                - 0.5 * (nu + 1) * std::log1p(z * z / nu) - log(p[2]);
        }
        case family::laplace:
            return -std::fabs(x - p[0]) / p[1] - log(p[1]) - log_2;
        case family::logistic: {
            const double a = std::fabs((x - p[0]) / p[1]);
            return -a - 2 * std::log1p(std::exp(-a)) - log(p[1]);
        }
        case family::cauchy: {
            const double z = (x - p[0]) / p[1];
            return -std::log1p(z * z) - log_pi - log(p[1]);
        }
        case family::genpareto: {
            const double c = p[0], u = (x - p[1]) / p[2];
            const double cu = c * u;
            if (u < 0 || !(cu > -1))
                return -INFINITY;
            const double lt = std::log1p(cu);
            return -lt - (c == 0 ? u : lt / c) - log(p[2]);
        }
        }
        return NAN;
    }

} // namespace detail::fit
} // namespace robstat
