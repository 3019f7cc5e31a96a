// Element-wise robust transforms: winsorizing and robust z-scores.
//
// NaN policy for transforms: under propagate, a lane holding any NaN comes out
// all NaN (its cut points / centre are NaN); under omit, the statistics use
// the non-NaN values and NaN inputs stay NaN in the output.
#pragma once

#include "robstat/scale.hpp"

namespace robstat {

/// Iglewicz-Hoaglin constant of the modified z-score: 0.6745 (x - median) / MAD.
inline constexpr double modified_zscore_factor = 0.6745;

namespace detail {

    /// out[i] = f(x[i]) where x may be strided and out is contiguous. Uses the
    /// SIMD kernel `simd_f(src, out, n)` when x is contiguous of the output type.
    template <class T, class W, class SimdF, class ScalarF>
    void transform_lane(strided_span<const T> x, W* out, SimdF&& simd_f, ScalarF&& scalar_f)
    {
        if constexpr (std::is_same_v<T, W>) {
            if (x.contiguous()) {
                simd_f(x.data, out, x.size);
                return;
            }
        }
        for (std::size_t i = 0; i < x.size; ++i)
            out[i] = scalar_f(static_cast<W>(x[i]));
    }

    template <class W> void fill_nan(W* out, std::size_t n)
    {
        for (std::size_t i = 0; i < n; ++i)
            out[i] = quiet_nan<W>();
    }

    template <class Arch, class T>
    void winsorize_lane(strided_span<const T> x, trim_spec t, result_t<T>* out, nan_policy p,
        workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        bool found = false;
        W lo {}, hi {};
        with_selection<Arch>(
            x, p, ws, identity_xform {},
            [&](std::size_t n, std::size_t* r) { return trim_ranks(t, n, r); },
            [&](auto& os) {
                const std::size_t n = os.size();
                if (!trim_keeps_some(t, n)) // counts larger than the lane: NaN
                    return W(0);
                lo = os.select(tail_lo(t, n));
                hi = os.select(n - tail_hi(t, n) - 1);
                found = true;
                return W(0);
            });
        if (!found) { // NaN propagated, no value, or counts larger than the lane: all NaN
            if (!trim_keeps_some(t, ws.n_used))
                ws.n_used = 0; // (reported as a small slice)
            fill_nan(out, x.size);
            return;
        }
        transform_lane(
            x, out,
            [&](const W* src, W* dst, std::size_t m) { simd::clip<Arch>(src, dst, m, lo, hi); },
            [&](W v) { return v < lo ? lo : (v > hi ? hi : v); });
    }

    /// factor * (x - median) / (scale * MAD_raw): the common shape of both z-scores.
    template <class Arch, class T>
    void zscore_lane(strided_span<const T> x, double factor, double mad_scale, result_t<T>* out,
        nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        const W med = median_lane<Arch>(x, p, ws);
        if (med != med) { // NaN propagated, no value, or median of -inf and inf
            fill_nan(out, x.size);
            return;
        }
        const double raw_mad = mad_lane<Arch>(x, nullptr, 1.0, p, ws);
        const W denom = static_cast<W>(mad_scale * raw_mad);
        const W f = static_cast<W>(factor);
        transform_lane(
            x, out,
            [&](const W* src, W* dst, std::size_t m) {
                simd::scaled_difference<Arch>(src, dst, m, med, f, denom);
            },
            [&](W v) { return robust_score<Arch>(v, med, f, denom); });
        // the SIMD pass gives +-inf where x - median overflows: redo those from halves
        for (std::size_t i = 0; i < x.size; ++i)
            if (std::isinf(out[i]))
                out[i] = robust_score<Arch>(static_cast<W>(x[i]), med, f, denom);
    }

} // namespace detail

/// Winsorize into `out` (x.size values): the floor(p * n) smallest values
/// become the smallest kept value, the floor(p * n) largest the largest kept one.
template <class T, class Arch = xsimd::default_arch>
void winsorize(strided_span<T> x, result_t<T>* out, trim_spec limits = 0.1, options o = {})
{
    detail::validate_trim(limits, "limits", false);
    workspace<result_t<T>> ws;
    detail::winsorize_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, limits, out, o.nan, ws);
}

/// Robust z-score: (x - median) / (1.482602218505602 * MAD). MAD = 0 gives
/// +-inf (or NaN for x == median), as IEEE division does.
template <class T, class Arch = xsimd::default_arch>
void robust_zscore(strided_span<T> x, result_t<T>* out, options o = {})
{
    workspace<result_t<T>> ws;
    detail::zscore_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, 1.0, mad_normal_scale, out, o.nan, ws);
}

/// Modified z-score (Iglewicz and Hoaglin): 0.6745 (x - median) / MAD.
template <class T, class Arch = xsimd::default_arch>
void modified_zscore(strided_span<T> x, result_t<T>* out, options o = {})
{
    workspace<result_t<T>> ws;
    detail::zscore_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, modified_zscore_factor, 1.0, out, o.nan, ws);
}

// Range overloads returning a new vector.
template <class R, detail::if_contiguous_range<R> = 0>
auto winsorize(const R& r, trim_spec limits = 0.1, options o = {})
{
    auto x = make_span(r);
    std::vector<result_t<typename decltype(x)::value_type>> out(x.size);
    winsorize(x, out.data(), limits, o);
    return out;
}
template <class R, detail::if_contiguous_range<R> = 0>
auto robust_zscore(const R& r, options o = {})
{
    auto x = make_span(r);
    std::vector<result_t<typename decltype(x)::value_type>> out(x.size);
    robust_zscore(x, out.data(), o);
    return out;
}
template <class R, detail::if_contiguous_range<R> = 0>
auto modified_zscore(const R& r, options o = {})
{
    auto x = make_span(r);
    std::vector<result_t<typename decltype(x)::value_type>> out(x.size);
    modified_zscore(x, out.data(), o);
    return out;
}

} // namespace robstat
