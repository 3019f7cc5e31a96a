// Options and result of robstat::fit (the FitResult contract of DESIGN.md).
#pragma once

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "robstat/core/types.hpp"
#include "robstat/fit/families.hpp"

namespace robstat {

/// Options of robstat::fit.
struct fit_options {
    nan_policy nan = nan_policy::propagate;
    /// Parameters held fixed, by SciPy name: {{"loc", 0.0}, {"df", 4.0}}. The
    /// lognormal, gamma and Weibull families always have loc fixed (at 0 unless
    /// given here); see docs/fit.md.
    std::vector<std::pair<std::string, double>> fixed = {};
    /// Iteration limit of the iterative solvers (Newton steps).
    int max_iter = 200;
};

/// The fitted distribution and how the fit went. Parameters are in SciPy's
/// order and under SciPy's names (info(family).params).
struct fit_result {
    robstat::family family = robstat::family::normal;
    std::vector<std::string> names; ///< parameter names
    std::vector<double> params;     ///< the estimates (fixed ones: their given value)
    std::vector<bool> fixed;        ///< which parameters were held fixed
    std::vector<double> se;         ///< standard errors (0 for fixed parameters)
    std::vector<double> cov;        ///< k*k row-major covariance (0 rows/cols for fixed ones)
    double loglik = NAN;            ///< log-likelihood at params (weighted sum)
    double aic = NAN;               ///< 2 k_free - 2 loglik
    double bic = NAN;               ///< k_free log(n) - 2 loglik
    double n = 0;                   ///< number of observations (sum of frequency weights)
    std::size_t n_free = 0;         ///< number of estimated parameters
    bool converged = false;
    int n_iter = 0; ///< solver iterations (0 for closed forms)
    std::string message;

    /// The value of parameter `name` (std::out_of_range if the family has none).
    double param(const std::string& name) const { return params.at(index(name)); }
    double stderr_of(const std::string& name) const { return se.at(index(name)); }
    std::size_t index(const std::string& name) const
    {
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (names[i] == name)
                return i;
        }
        throw std::out_of_range("no parameter '" + name + "' in family " + info(family).name);
    }
};

} // namespace robstat
