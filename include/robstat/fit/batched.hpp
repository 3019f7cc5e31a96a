// robstat/fit/batched.hpp: one family fitted to many samples at once (the rows
// of a matrix, the groups of a keyed column), the samples split over threads.
// Each segment is an ordinary robstat::fit; results do not depend on the
// number of threads. docs/fit.md, "Batched fits".
#pragma once

#include "robstat/core/threads.hpp"
#include "robstat/fit/censored.hpp"
#include "robstat/fit/mle.hpp"
#include "robstat/fit/truncated.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace robstat {

/// How robstat::fit_segments runs; the fits themselves follow fit_options.
struct batch_options {
    /// Truncation shared by every segment: when `truncated`, each is fitted as
    /// a sample known to lie in [lower, upper] (lower < upper; infinite bounds
    /// for one side). Families as for censored samples (censoring_supported);
    /// the normal uses fit_truncated_normal, as robstat::fit does.
    bool truncated = false;
    double lower = -INFINITY;
    double upper = INFINITY;
    /// false: a segment that cannot be fitted (too few values, constant data,
    /// values outside the support, ...) gets converged = false, NaN estimates,
    /// the reason in `message` and an empty `fixed`, and the other segments
    /// are fitted; when no segment can be fitted, the first segment's error is
    /// thrown. true: the first segment that cannot be fitted throws.
    bool raise_errors = false;
    /// Threads the segments are split over (contiguous blocks of segments).
    std::size_t threads = 1;
};

namespace detail::fit {

    /// The result of a segment that could not be fitted: NaN estimates, the
    /// reason, and an empty `fixed` (the mark of a segment never fitted).
    inline fit_result unfitted(family f, std::size_t n, const std::string& why)
    {
        const auto& fi = info(f);
        fit_result r;
        r.family = f;
        for (std::size_t i = 0; i < fi.k; ++i)
            r.names.emplace_back(fi.params[i]);
        r.params.assign(fi.k, NAN);
        r.se.assign(fi.k, NAN);
        r.cov.assign(fi.k * fi.k, NAN);
        r.n = static_cast<double>(n);
        r.converged = false;
        r.message = why;
        return r;
    }

    template <class T>
    fit_result fit_one_segment(strided_span<T> x, strided_span<double> w, family f,
        const fit_options& o, const batch_options& b)
    {
        const bool weighted = w.data != nullptr;
        if (b.truncated) {
            if (f == family::normal)
                return weighted ? fit_truncated_normal(x, w, b.lower, b.upper, o)
                                : fit_truncated_normal(x, b.lower, b.upper, o);
            censored_sample<T> s;
            s.x = x;
            s.w_x = w;
            s.lower = b.lower;
            s.upper = b.upper;
            return robstat::fit(s, f, o);
        }
        return weighted ? robstat::fit(x, w, f, o) : robstat::fit(x, f, o);
    }

} // namespace detail::fit

/// Fits family f to each segment of x: segment i holds the values at the
/// positions offsets[i] <= j < offsets[i+1] (offsets nondecreasing, the last
/// at most x.size; the rows of an m x n matrix: offsets 0, n, 2n and so on up
/// to m n). `w`: frequency weights aligned with x, or an empty span for
/// none. Returns one fit_result per segment, in order. Throws
/// std::invalid_argument for invalid offsets, weights, fixed parameters or
/// truncation and for +-inf in x (errors of the arguments, as robstat::fit
/// throws them), and what robstat::fit throws for a sample when
/// b.raise_errors or when no segment can be fitted (the message names the
/// segment); std::domain_error on NaN under nan_policy::raise.
template <class T>
std::vector<fit_result> fit_segments(strided_span<T> x, strided_span<double> w,
    const std::vector<std::size_t>& offsets, family f, const fit_options& o = {},
    const batch_options& b = {})
{
    if (offsets.empty())
        throw std::invalid_argument("fit_segments: offsets needs at least one entry (the "
                                    "start of the first segment)");
    for (std::size_t i = 1; i < offsets.size(); ++i)
        if (offsets[i] < offsets[i - 1])
            throw std::invalid_argument("fit_segments: offsets must be nondecreasing (offsets["
                + std::to_string(i) + "] < offsets[" + std::to_string(i - 1) + "])");
    if (offsets.back() > x.size)
        throw std::invalid_argument("fit_segments: the last offset ("
            + std::to_string(offsets.back()) + ") is past the end of x (" + std::to_string(x.size)
            + " values)");
    if (w.data && w.size != x.size)
        throw std::invalid_argument("fit_segments: weights must have the same length as x");
    // errors of the arguments, not of one sample: thrown, not reported per segment
    detail::fit::check_fixed(f, o);
    if (b.truncated) {
        if (!(b.lower < b.upper))
            throw std::invalid_argument("fit_segments: truncation needs lower < upper (got "
                + detail::format_value(b.lower) + ", " + detail::format_value(b.upper) + ")");
        if (f != family::normal && !censoring_supported(f))
            throw std::invalid_argument(std::string("fit(") + info(f).name
                + "): truncated data are not supported for this family yet (supported: "
                  "normal, lognormal, exponential, weibull, logistic, cauchy)");
    }
    for (std::size_t i = 0; w.data && i < w.size; ++i)
        if (!std::isfinite(w[i]) || w[i] < 0)
            throw std::invalid_argument(
                "weights must be finite and >= 0 (got " + detail::format_value(w[i]) + ")");
    for (std::size_t seg = 0; seg + 1 < offsets.size(); ++seg)
        for (std::size_t i = offsets[seg]; i < offsets[seg + 1]; ++i)
            if (std::isinf(static_cast<double>(x[i])))
                throw std::invalid_argument("segment " + std::to_string(seg)
                    + ": fit: the input contains infinite values; a distribution cannot be "
                      "fitted to them (remove or censor them)");
    const std::size_t m = offsets.size() - 1;
    std::vector<fit_result> out(m);
    std::vector<char> failed(m, 0);
    const auto part = [](auto s, std::size_t from, std::size_t len) {
        if (!s.data || len == 0) // (no pointer past the end for an empty segment)
            return decltype(s) { s.data, 0, s.stride };
        return make_span(s.data + static_cast<std::ptrdiff_t>(from) * s.stride, len, s.stride);
    };
    detail::run_blocks(m, b.threads, [&](std::size_t begin, std::size_t end) {
        for (std::size_t i = begin; i < end; ++i) {
            const std::size_t from = offsets[i], len = offsets[i + 1] - offsets[i];
            try {
                out[i]
                    = detail::fit::fit_one_segment(part(x, from, len), part(w, from, len), f, o, b);
            } catch (const std::invalid_argument& e) {
                if (b.raise_errors)
                    throw std::invalid_argument("segment " + std::to_string(i) + ": " + e.what());
                out[i] = detail::fit::unfitted(f, len, e.what());
                failed[i] = 1;
            }
        }
        return std::size_t { 0 };
    });
    if (m > 0 && std::find(failed.begin(), failed.end(), 0) == failed.end())
        throw std::invalid_argument("no segment could be fitted; segment 0: " + out[0].message);
    return out;
}

/// The rows of a row-major m x n matrix (m * n values at `data`).
template <class T>
std::vector<fit_result> fit_rows(const T* data, std::size_t m, std::size_t n, family f,
    const fit_options& o = {}, const batch_options& b = {})
{
    std::vector<std::size_t> offsets(m + 1);
    for (std::size_t i = 0; i <= m; ++i)
        offsets[i] = i * n;
    return fit_segments(make_span(data, m * n), strided_span<double> {}, offsets, f, o, b);
}

} // namespace robstat
