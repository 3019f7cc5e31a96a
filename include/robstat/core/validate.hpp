// Parameter validation shared by every estimator: invalid parameters throw
// std::invalid_argument naming the parameter and its allowed range
// (ValueError in Python).
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>

#include "robstat/core/types.hpp"

namespace robstat::detail {

/// Trimming and winsorizing proportions. `allow_median`: trimming
/// symmetrically by 0.5 is the median (trimmed_mean); winsorizing needs
/// lower + upper < 1.
inline void validate_trim(const trim_spec& t, const char* name, bool allow_median)
{
    const bool finite = std::isfinite(t.lower) && std::isfinite(t.upper);
    if (!finite || t.lower < 0 || t.upper < 0) {
        throw std::invalid_argument(std::string(name) + " must be >= 0 (got lower="
            + format_value(t.lower) + ", upper=" + format_value(t.upper) + ")");
    }
    if (allow_median && t.lower == 0.5 && t.upper == 0.5)
        return;
    if (t.lower + t.upper >= 1.0) {
        const std::string hint
            = allow_median ? " (a symmetric trim must be <= 0.5; 0.5 gives the median)" : "";
        throw std::invalid_argument(std::string(name) + ": lower + upper must be < 1" + hint
            + " (got lower=" + format_value(t.lower) + ", upper=" + format_value(t.upper) + ")");
    }
}

/// Quantile probabilities must lie in [0, 1].
inline void validate_probability(double q, const char* name)
{
    if (!(q >= 0.0 && q <= 1.0))
        throw std::invalid_argument(
            std::string(name) + " must be in [0, 1] (got " + format_value(q) + ")");
}

/// Scale factors must be finite and > 0.
inline void validate_positive(double v, const char* name)
{
    if (!(std::isfinite(v) && v > 0.0))
        throw std::invalid_argument(
            std::string(name) + " must be finite and > 0 (got " + format_value(v) + ")");
}

/// Number of values cut from one tail: g = floor(p * n), as R and SciPy.
inline std::size_t tail_count(double p, std::size_t n) noexcept
{
    return static_cast<std::size_t>(std::floor(p * static_cast<double>(n)));
}

} // namespace robstat::detail
