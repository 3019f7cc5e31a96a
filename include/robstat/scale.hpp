// Scale estimators: variance and standard deviation (two-pass), MAD, IQR.
#pragma once

#include "robstat/location.hpp"

namespace robstat {

/// 1 / Phi^{-1}(3/4): makes the MAD a consistent estimator of the normal sigma.
/// Exact to double precision (R rounds it to 1.4826).
inline constexpr double mad_normal_scale = 1.482602218505602;
/// 1 / (2 Phi^{-1}(3/4)): makes the IQR a consistent estimator of the normal sigma.
inline constexpr double iqr_normal_scale = 0.7413011092528010;

namespace detail {

    /// The robust score f (v - c) / d, also when v - c overflows (|v| or |c| beyond
    /// half the largest finite value): then from the halves (exact), so finite data
    /// with a finite scale never scores +-inf. Arch-templated: it is compiled into
    /// each instruction set's kernels.
    template <class Arch, class W> W robust_score(W v, W c, W f, W d) noexcept
    {
        const W diff = v - c;
        if (std::isinf(diff) && std::isfinite(v) && std::isfinite(c))
            return f * ((v * W(0.5) - c * W(0.5)) / d) * W(2);
        return f == W(1) ? diff / d : f * diff / d;
    }

    /// Two-pass variance: mean first, then the corrected sum of squared deviations.
    /// take_sqrt: the standard deviation, from the same sums (a power of two taken
    /// out first when the squares overflow or underflow, so that it is finite and
    /// nonzero whenever the exact value is: std(+-1e308) is not inf, the std of
    /// subnormal values is not 0, although their variances are).
    template <class Arch, class T>
    result_t<T> var_lane(strided_span<const T> x, double ddof, nan_policy p,
        workspace<result_t<T>>& ws, bool take_sqrt = false)
    {
        using W = result_t<T>;
        auto finish = [&](const W* data, std::size_t n) -> W {
            ws.n_used = n;
            if (n == 0 || static_cast<double>(n) - ddof <= 0)
                return quiet_nan<W>();
            const double m = mean_of<Arch>(data, n); // finite for finite data
            const double dof = static_cast<double>(n) - ddof;
            const double ssd = simd::sum_sq_dev<Arch>(data, n, m);
            if (std::isfinite(m) && !std::isfinite(ssd)) {
                // finite data whose squared deviations overflow: square them
                // scaled by 2^-512 (exact) and scale back; a variance beyond
                // DBL_MAX is then inf, never NaN.
                // (the standard deviation is finite: scale further, so that the sum of
                // up to 2^63 squares cannot overflow)
                if (take_sqrt) {
                    const double small = simd::sum_sq_dev<Arch>(data, n, m, 0x1p-600);
                    return static_cast<W>(std::sqrt(std::max(small, 0.0) / dof) * 0x1p600);
                }
                const double small = simd::sum_sq_dev<Arch>(data, n, m, 0x1p-512);
                return static_cast<W>(std::max(small, 0.0) / dof * 0x1p512 * 0x1p512);
            }
            if (take_sqrt && ssd < 0x1p-968 && std::fabs(m) < 0x1p500) {
                // every deviation is below 2^-484: their squares lose digits or
                // vanish; square them scaled by 2^512, or 2^1000 for subnormal ones
                // (exact, and finite as |x| < 2^501, resp. 2^20)
                const double big = simd::sum_sq_dev<Arch>(data, n, m, 0x1p512);
                if (big < 0x1p-968 && std::fabs(m) < 0x1p20) {
                    // (not when the deviations are ulps of a mean rounded past equal
                    // values, whose corrected sum cancels to 0: scaled by 2^1000 their
                    // squares overflow, inf - inf; std(3 x -22.173614276709863) is 0)
                    const double huge = simd::sum_sq_dev<Arch>(data, n, m, 0x1p1000);
                    if (std::isfinite(huge))
                        return static_cast<W>(std::sqrt(std::max(huge, 0.0) / dof) * 0x1p-1000);
                }
                return static_cast<W>(std::sqrt(std::max(big, 0.0) / dof) * 0x1p-512);
            }
            const double v = std::max(ssd, 0.0) / dof;
            return static_cast<W>(take_sqrt ? std::sqrt(v) : v);
        };
        if (x.contiguous() && std::is_same_v<T, W>) {
            const W* data = reinterpret_cast<const W*>(x.data);
            const bool nan = simd::has_nan<Arch>(data, x.size);
            if (!nan)
                return finish(data, x.size);
            if (p == nan_policy::raise)
                throw_nan_found();
            if (p == nan_policy::propagate) {
                ws.n_used = x.size;
                return quiet_nan<W>();
            }
        }
        const gather_status st = gather<Arch, W>(x, p, ws.buffer);
        if (st.nan_result) {
            ws.n_used = st.n_used;
            return quiet_nan<W>();
        }
        return finish(ws.buffer.data(), st.n_used);
    }

    /// MAD about the median (center == nullptr) or about a given center, times
    /// scale: the centre from one selection, then the median of |x - c| from a
    /// second one on the fly (the deviations are never stored in full).
    template <class Arch, class T>
    result_t<T> mad_lane(strided_span<const T> x, const double* center, double scale, nan_policy p,
        workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        W c;
        if (center) {
            c = static_cast<W>(*center);
        } else {
            c = median_lane<Arch>(x, p, ws);
            if (c != c) // NaN propagated, empty lane, or median of -inf and inf
                return c;
        }
        const W raw = with_selection<Arch>(
            x, p, ws, abs_dev_xform<W> { c }, median_ranks, [](auto& os) { return median_of(os); });
        return static_cast<W>(static_cast<double>(raw) * scale);
    }

    template <class Arch, class T>
    result_t<T> iqr_lane(
        strided_span<const T> x, double scale, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        static constexpr double q[2] = { 0.25, 0.75 };
        return with_selection<Arch>(
            x, p, ws, identity_xform {},
            [](std::size_t n, std::size_t* r) {
                return quantiles_ranks(n, q, 2, r, engine_max_brackets);
            },
            [&](auto& os) {
                const double q1 = quantile_of(os, 0.25, quantile_method::linear);
                const double q3 = quantile_of(os, 0.75, quantile_method::linear);
                return static_cast<W>((q3 - q1) * scale);
            });
    }

} // namespace detail

/// Variance with `ddof` delta degrees of freedom (two-pass, compensated).
template <class T, class Arch = xsimd::default_arch>
result_t<T> var(strided_span<T> x, double ddof = 0, options o = {})
{
    workspace<result_t<T>> ws;
    return detail::var_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, ddof, o.nan, ws);
}

/// Standard deviation: sqrt(var(x, ddof)), finite and nonzero whenever the exact
/// value is (also when the variance overflows or underflows).
template <class T, class Arch = xsimd::default_arch>
result_t<T> stddev(strided_span<T> x, double ddof = 0, options o = {})
{
    workspace<result_t<T>> ws;
    return detail::var_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, ddof, o.nan, ws, true);
}

/// Median absolute deviation about the median, times `scale`
/// (default mad_normal_scale; 1.0 gives the raw MAD; R uses 1.4826).
template <class T, class Arch = xsimd::default_arch>
result_t<T> mad(strided_span<T> x, double scale = mad_normal_scale, options o = {})
{
    detail::validate_positive(scale, "scale");
    workspace<result_t<T>> ws;
    return detail::mad_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, nullptr, scale, o.nan, ws);
}

/// Median absolute deviation about a given center, times `scale`.
template <class T, class Arch = xsimd::default_arch>
result_t<T> mad_about(
    strided_span<T> x, double center, double scale = mad_normal_scale, options o = {})
{
    detail::validate_positive(scale, "scale");
    workspace<result_t<T>> ws;
    return detail::mad_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, &center, scale, o.nan, ws);
}

/// Interquartile range (linear quantiles) times `scale` (iqr_normal_scale for a sigma).
template <class T, class Arch = xsimd::default_arch>
result_t<T> iqr(strided_span<T> x, double scale = 1.0, options o = {})
{
    detail::validate_positive(scale, "scale");
    workspace<result_t<T>> ws;
    return detail::iqr_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, scale, o.nan, ws);
}

template <class R, detail::if_contiguous_range<R> = 0>
auto var(const R& r, double ddof = 0, options o = {})
{
    return var(make_span(r), ddof, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto stddev(const R& r, double ddof = 0, options o = {})
{
    return stddev(make_span(r), ddof, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto mad(const R& r, double scale = mad_normal_scale, options o = {})
{
    return mad(make_span(r), scale, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto mad_about(const R& r, double center, double scale = mad_normal_scale, options o = {})
{
    return mad_about(make_span(r), center, scale, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto iqr(const R& r, double scale = 1.0, options o = {})
{
    return iqr(make_span(r), scale, o);
}

} // namespace robstat
