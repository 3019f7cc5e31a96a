// The sample a fit works on: finite values with their frequency weights, after
// the NaN policy, plus the few order statistics the starting values need.
#pragma once

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "robstat/core/types.hpp"

namespace robstat::detail::fit {

/// Neumaier-compensated sum.
struct ksum {
    double s = 0, c = 0;
    void add(double v) noexcept
    {
        const double t = s + v;
        c += std::fabs(s) >= std::fabs(v) ? (s - t) + v : (v - t) + s;
        s = t;
    }
    double value() const noexcept { return s + c; }
};

/// Values (finite, weight > 0) and weights (empty = all 1).
struct sample {
    std::vector<double> x;
    std::vector<double> w;
    double W = 0;         ///< sum of the weights (the number of observations)
    bool has_nan = false; ///< a NaN was seen under nan_policy::propagate
    double xmin = INFINITY, xmax = -INFINITY;

    bool weighted() const noexcept { return !w.empty(); }
    std::size_t size() const noexcept { return x.size(); }
    double weight(std::size_t i) const noexcept { return w.empty() ? 1.0 : w[i]; }

    /// sum_i w_i f(x_i), compensated
    template <class F> double wsum(F&& f) const
    {
        ksum k;
        if (w.empty()) {
            // four independent compensated sums: the dependency chain of one
            // Neumaier sum, not the arithmetic, bounds its speed
            ksum k1, k2, k3;
            const std::size_t n = x.size(), n4 = n - n % 4;
            for (std::size_t i = 0; i < n4; i += 4) {
                k.add(f(x[i]));
                k1.add(f(x[i + 1]));
                k2.add(f(x[i + 2]));
                k3.add(f(x[i + 3]));
            }
            for (std::size_t i = n4; i < n; ++i)
                k.add(f(x[i]));
            k.add(k1.value());
            k.add(k2.value());
            k.add(k3.value());
        } else {
            for (std::size_t i = 0; i < x.size(); ++i)
                k.add(w[i] * f(x[i]));
        }
        return k.value();
    }
    template <class F> double wmean(F&& f) const { return wsum(std::forward<F>(f)) / W; }
};

/// Gather x (and weights w, if given) under the NaN policy. inf in x, and
/// non-finite or negative weights, throw std::invalid_argument.
template <class T, class U>
sample gather_sample(strided_span<T> x, const U* w, std::ptrdiff_t w_stride, nan_policy nan)
{
    sample d;
    if (!w) {
        // unweighted: a branch-free copy with min/max and a finiteness check
        // (the general loop below, with its per-value branches, costs several
        // times a copy); it redoes the work only when a NaN or inf is found
        d.x.resize(x.size);
        double lo = INFINITY, hi = -INFINITY;
        bool finite = true;
        for (std::size_t i = 0; i < x.size; ++i) {
            const double v = static_cast<double>(x[i]);
            d.x[i] = v;
            lo = v < lo ? v : lo;
            hi = hi < v ? v : hi;
            finite &= std::fabs(v) <= DBL_MAX; // false for NaN and +-inf
        }
        if (finite) {
            d.xmin = lo;
            d.xmax = hi;
            d.W = static_cast<double>(x.size);
            return d;
        }
        d.x.clear();
    }
    d.x.reserve(x.size);
    if (w)
        d.w.reserve(x.size);
    ksum W;
    for (std::size_t i = 0; i < x.size; ++i) {
        const double v = static_cast<double>(x[i]);
        double wi = 1;
        if (w) {
            wi = static_cast<double>(w[static_cast<std::ptrdiff_t>(i) * w_stride]);
            if (!std::isfinite(wi) || wi < 0)
                throw std::invalid_argument(
                    "weights must be finite and >= 0 (got " + format_value(wi) + ")");
        }
        if (std::isnan(v)) {
            if (nan == nan_policy::raise)
                throw_nan_found();
            if (nan == nan_policy::propagate)
                d.has_nan = true;
            continue;
        }
        if (std::isinf(v))
            throw std::invalid_argument("fit: the input contains infinite values; a distribution "
                                        "cannot be fitted to them (remove or censor them)");
        if (wi == 0)
            continue;
        d.x.push_back(v);
        if (w) {
            d.w.push_back(wi);
            W.add(wi);
        }
        d.xmin = std::min(d.xmin, v);
        d.xmax = std::max(d.xmax, v);
    }
    d.W = w ? W.value() : static_cast<double>(d.x.size()); // unweighted: the count, exactly
    return d;
}

/// Weighted quantile for starting values: the smallest x with cumulative
/// weight >= p W (unweighted: linear interpolation, R type 7).
inline double start_quantile(const sample& d, double p)
{
    const std::size_t n = d.size();
    if (!d.weighted()) {
        std::vector<double> v(d.x);
        const double h = p * static_cast<double>(n - 1);
        const auto lo = static_cast<std::size_t>(std::floor(h));
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(lo), v.end());
        const double a = v[lo];
        if (lo + 1 >= n)
            return a;
        const double b
            = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo) + 1, v.end());
        return a + (h - static_cast<double>(lo)) * (b - a);
    }
    std::vector<std::size_t> idx(n);
    std::iota(idx.begin(), idx.end(), std::size_t { 0 });
    std::sort(
        idx.begin(), idx.end(), [&](std::size_t i, std::size_t j) { return d.x[i] < d.x[j]; });
    double cum = 0;
    for (std::size_t i : idx) {
        cum += d.w[i];
        if (cum >= p * d.W)
            return d.x[i];
    }
    return d.x[idx.back()];
}

/// The median that frequency weights reproduce exactly: with integer weights,
/// the median of the sample with every value repeated w times (the mean of
/// the two middle values when the cumulative weight reaches exactly W/2).
inline double median_of(const sample& d)
{
    const std::size_t n = d.size();
    if (!d.weighted()) {
        std::vector<double> v(d.x);
        const std::size_t mid = n / 2;
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
        const double hi = v[mid];
        if (n % 2)
            return hi;
        const double lo
            = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
        return lo + 0.5 * (hi - lo);
    }
    std::vector<std::size_t> idx(n);
    std::iota(idx.begin(), idx.end(), std::size_t { 0 });
    std::sort(
        idx.begin(), idx.end(), [&](std::size_t i, std::size_t j) { return d.x[i] < d.x[j]; });
    const double half = 0.5 * d.W;
    double cum = 0;
    for (std::size_t k = 0; k < n; ++k) {
        cum += d.w[idx[k]];
        if (cum >= half) {
            const double a = d.x[idx[k]];
            if (cum == half && k + 1 < n) {
                const double b = d.x[idx[k + 1]];
                return a + 0.5 * (b - a);
            }
            return a;
        }
    }
    return d.x[idx.back()];
}

} // namespace robstat::detail::fit
