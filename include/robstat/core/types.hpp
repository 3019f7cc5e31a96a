// Core vocabulary of the public API: strided views, the NaN policy, options,
// the trimming specification and the per-call workspace.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "robstat/core/names.hpp"

namespace robstat {

/// What to do with NaN in the input (contract, see docs/conventions.md).
enum class nan_policy {
    propagate, ///< any NaN makes the result NaN (the default)
    omit,      ///< NaN values are dropped before computing
    raise      ///< any NaN throws std::domain_error
};

/// Options shared by every estimator.
struct options {
    nan_policy nan = nan_policy::propagate;
};

/// Result type of an estimator for input of type T: float stays float,
/// everything else (double, integers, bool) computes and returns double.
template <class T>
using result_t = std::conditional_t<std::is_same_v<std::remove_cv_t<T>, float>, float, double>;

/// A read-only view of `size` values starting at `data`, `stride` elements apart
/// (stride may be negative or zero-free any value except that it must address
/// valid memory for every index below size).
template <class T> struct strided_span {
    using value_type = std::remove_cv_t<T>;
    const T* data = nullptr;
    std::size_t size = 0;
    std::ptrdiff_t stride = 1;

    const T& operator[](std::size_t i) const noexcept
    {
        return data[static_cast<std::ptrdiff_t>(i) * stride];
    }
    bool contiguous() const noexcept { return stride == 1 || size <= 1; }
};

/// View a contiguous range (std::vector, std::array, C++20 std::span, ...).
template <class Range> auto make_span(const Range& r) noexcept
{
    using T = std::remove_cv_t<std::remove_pointer_t<decltype(std::data(r))>>;
    return strided_span<T> { std::data(r), std::size(r), 1 };
}

template <class T>
strided_span<T> make_span(const T* data, std::size_t size, std::ptrdiff_t stride = 1) noexcept
{
    return strided_span<T> { data, size, stride };
}

namespace detail {
    template <class T> struct is_strided_span : std::false_type {
    };
    template <class T> struct is_strided_span<strided_span<T>> : std::true_type {
    };

    /// Enabled for contiguous ranges (anything with std::data and std::size).
    template <class Range>
    using if_contiguous_range = std::enable_if_t<!is_strided_span<std::decay_t<Range>>::value
            && std::is_pointer_v<decltype(std::data(std::declval<const Range&>()))>,
        int>;
} // namespace detail

/// What to cut from each tail of a sample of n values: either proportions,
/// g = floor(p * n) values per tail (R, SciPy; the default), or counts, exactly
/// `lower` and `upper` values (whole numbers; see docs/conventions.md).
///   robstat::trim_spec(0.1)                  10 % from each tail
///   robstat::trim_spec(0.05, 0.2)            5 % from the bottom, 20 % from the top
///   robstat::trim_spec::counts(3)            3 values from each tail
///   robstat::trim_spec::counts(0, 10)        the 10 largest values only
struct trim_spec {
    double lower = 0.1;
    double upper = 0.1;
    bool by_count = false; ///< lower and upper are counts of values, not proportions

    trim_spec(double both) noexcept
        : lower(both)
        , upper(both)
    {
    }
    trim_spec(double lower_, double upper_) noexcept
        : lower(lower_)
        , upper(upper_)
    {
    }
    /// Cut exactly `both` values from each tail.
    static trim_spec counts(std::size_t both) noexcept { return counts(both, both); }
    /// Cut exactly `lower` values from the bottom and `upper` from the top.
    static trim_spec counts(std::size_t lower_, std::size_t upper_) noexcept
    {
        trim_spec t(static_cast<double>(lower_), static_cast<double>(upper_));
        t.by_count = true;
        return t;
    }
    bool symmetric() const noexcept { return lower == upper; }
    /// Symmetric trimming by one half: the median (proportions only).
    bool is_median() const noexcept { return !by_count && lower == 0.5 && upper == 0.5; }
};

/// Scratch memory and a small report, reusable across calls (one per thread).
/// After a call, `n_used` is the number of values the estimate used
/// (0 means the input was empty or all-NaN under nan_policy::omit).
template <class T> struct workspace {
    std::vector<T> buffer;
    std::vector<T> buffer2;
    std::size_t n_used = 0;
    /// Student t quantiles already computed (trimmed_ci, aggregate), direct-mapped by degrees
    /// of freedom: lanes and groups of similar sizes share them, and Boost's quantile costs
    /// ~10 us, more than a trimmed mean of 100 values.
    struct t_quantile_memo {
        double df = -1, confidence = -1, value = 0;
    };
    std::array<t_quantile_memo, 64> t_memo {};
};

namespace detail {

    template <class T> constexpr T quiet_nan() noexcept
    {
        return std::numeric_limits<T>::quiet_NaN();
    }

    [[noreturn]] inline void throw_nan_found()
    {
        throw std::domain_error("The input contains nan values (nan_policy=raise)");
    }

    inline std::string format_value(double v)
    {
        std::string s = std::to_string(v);
        // trim trailing zeros of std::to_string's fixed format
        if (s.find('.') != std::string::npos) {
            while (!s.empty() && s.back() == '0')
                s.pop_back();
            if (!s.empty() && s.back() == '.')
                s.pop_back();
        }
        return s;
    }

} // namespace detail
} // namespace robstat

#include <string_view>

namespace robstat {

inline constexpr named<nan_policy> nan_policy_names[] = {
    { "propagate", nan_policy::propagate },
    { "omit", nan_policy::omit },
    { "raise", nan_policy::raise },
};

/// Parse "propagate" / "omit" / "raise" (the Python spelling).
inline nan_policy parse_nan_policy(std::string_view s)
{
    return parse_name(s, nan_policy_names, "nan_policy");
}

} // namespace robstat
