// Inference for trimmed means, and Tukey's trimean (docs/trimmed.md).
//
//   trimmed_var(x, trim, ddof)      variance of the values kept after trimming
//   winsorized_var(x, limits, ddof) variance of the winsorized sample
//   trimmed_sem(x, trim)            Yuen's (Tukey-McLaughlin) standard error of the trimmed mean
//   trimmed_ci(x, trim, confidence) trimmed mean -+ t(h - 1) * standard error
//   trimean(x, method)              (Q1 + 2 Q2 + Q3) / 4
//
// One selection per lane gives the cut points x(g_lo), x(n - g_hi - 1) and the
// sum of the kept values (exact order statistics, sums added exactly from
// their compensated pieces); a second read-only pass adds the squared
// deviations of the values strictly between the cut points (compensated, about
// the trimmed and the winsorized mean); the tied and cut values enter as
// counts times a square.
//
// Lane functions set ws.n_used to the number of values used, or to 0 when
// there are too few for the statistic (h - ddof <= 0, h < 2, counts larger than
// the lane), so that the lane is reported as small.
#pragma once

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "robstat/location.hpp"

namespace robstat {

/// Quartile definitions of the trimean: any quantile_method, or Tukey's hinges.
enum class trimean_method { linear, lower, higher, midpoint, nearest, hinges };

namespace detail {

    /// The trimean method from its int value (the dispatch boundary passes ints).
    inline trimean_method to_trimean_method(int m) noexcept
    {
        return static_cast<trimean_method>(m);
    }

    /// What one selection and one pass tell about a trimmed lane.
    struct trim_moments {
        std::size_t n = 0; ///< values (after omitting NaN)
        std::size_t g_lo = 0, g_hi = 0;
        std::size_t h = 0;           ///< kept: n - g_lo - g_hi
        double lo = 0, hi = 0;       ///< the cut points x(g_lo), x(n - g_hi - 1)
        double tmean = 0, wmean = 0; ///< trimmed and winsorized means
        double ssd_t = 0;            ///< sum of squared deviations of the kept values from tmean
        double ssd_w = 0;            ///< ... of the winsorized sample from wmean
    };

    /// Sums over the values v with lo < v < hi (NaN never qualifies) of v - c1,
    /// (v - c1)^2, v - c2, (v - c2)^2, and the counts of v <= lo and v >= hi.
    struct inner_sums {
        double d1 = 0, q1 = 0, d2 = 0, q2 = 0;
        std::size_t n_le_lo = 0, n_ge_hi = 0;
    };

    /// A SIMD Neumaier accumulator plus a few more values, added exactly.
    template <class Arch>
    double pieces_total(const simd::neumaier<Arch>& acc, const double* extra, std::size_t m)
    {
        constexpr std::size_t V = xsimd::batch<double, Arch>::size;
        exact_pieces<Arch> p;
        double parts[2 * V];
        acc.store_partials(parts);
        for (double v : parts)
            p.add(v);
        for (std::size_t i = 0; i < m; ++i)
            p.add(extra[i]);
        return p.total();
    }

    template <class Arch, class W>
    inner_sums inner_pass(strided_span<const W> x, double lo, double hi, double c1, double c2)
    {
        using batch = xsimd::batch<double, Arch>;
        constexpr std::size_t V = batch::size;
        constexpr std::size_t chunk = 512;
        alignas(64) double tmp[chunk];
        simd::neumaier<Arch> d1, q1, d2, q2;
        batch n_lo(0.0), n_hi(0.0);
        const batch blo(lo), bhi(hi), bc1(c1), bc2(c2), zero(0.0), one(1.0);
        inner_sums r;
        double tail_parts[4][V]; // the last chunk's leftovers (len % V < V values)
        std::size_t n_tail = 0;
        for (std::size_t start = 0; start < x.size; start += chunk) {
            const std::size_t len = std::min(chunk, x.size - start);
            for (std::size_t i = 0; i < len; ++i)
                tmp[i] = static_cast<double>(x[start + i]);
            const std::size_t vlen = len - len % V;
            for (std::size_t i = 0; i < vlen; i += V) {
                const batch v = batch::load_aligned(tmp + i);
                const auto in = (v > blo) & (v < bhi);
                const batch e1 = xsimd::select(in, v - bc1, zero);
                const batch e2 = xsimd::select(in, v - bc2, zero);
                d1.add(e1);
                q1.add(e1 * e1);
                d2.add(e2);
                q2.add(e2 * e2);
                n_lo += xsimd::select(v <= blo, one, zero);
                n_hi += xsimd::select(v >= bhi, one, zero);
            }
            for (std::size_t i = vlen; i < len; ++i) { // at most V - 1 per chunk: the last one
                const double v = tmp[i];
                r.n_le_lo += v <= lo;
                r.n_ge_hi += v >= hi;
                if (v > lo && v < hi) {
                    tail_parts[0][n_tail] = v - c1;
                    tail_parts[1][n_tail] = (v - c1) * (v - c1);
                    tail_parts[2][n_tail] = v - c2;
                    tail_parts[3][n_tail] = (v - c2) * (v - c2);
                    ++n_tail;
                }
            }
        }
        r.n_le_lo += static_cast<std::size_t>(simd::reduce_add(n_lo));
        r.n_ge_hi += static_cast<std::size_t>(simd::reduce_add(n_hi));
        r.d1 = pieces_total<Arch>(d1, tail_parts[0], n_tail);
        r.q1 = pieces_total<Arch>(q1, tail_parts[1], n_tail);
        r.d2 = pieces_total<Arch>(d2, tail_parts[2], n_tail);
        r.q2 = pieces_total<Arch>(q2, tail_parts[3], n_tail);
        return r;
    }

    /// Corrected sum of squares: sum (v - c)^2 - (sum (v - c))^2 / k (Chan,
    /// Golub and LeVeque), never negative.
    inline double corrected_ssd(double sq, double lin, double k) noexcept
    {
        const double r = sq - lin * lin / k;
        return r > 0 ? r : (r == r ? 0.0 : r);
    }

    /// The moments of a lane trimmed by t. Returns false (ws.n_used as
    /// with_selection leaves it, the moments unset) when the lane propagates a
    /// NaN or is empty; m.h == 0 when the trim keeps nothing.
    template <class Arch, class T>
    bool trimmed_moments(strided_span<const T> x, const trim_spec& t, nan_policy p,
        workspace<result_t<T>>& ws, trim_moments& m)
    {
        using W = result_t<T>;
        bool done = false;
        with_selection<Arch>(
            x, p, ws, identity_xform {},
            [&](std::size_t n, std::size_t* r) { return trim_ranks(t, n, r); },
            [&](auto& os) -> W {
                done = true;
                m = trim_moments {};
                m.n = os.size();
                if (!trim_keeps_some(t, m.n))
                    return W(0);
                m.g_lo = tail_lo(t, m.n);
                m.g_hi = tail_hi(t, m.n);
                m.h = m.n - m.g_lo - m.g_hi;
                m.lo = static_cast<double>(os.select(m.g_lo));
                m.hi = static_cast<double>(os.select(m.n - m.g_hi - 1));
                {
                    // the kept sum, then the winsorized total in the same exact
                    // sum (as winsorized_mean_of: each rounded once), every term
                    // times scale
                    auto totals = [&](double scale) {
                        exact_pieces<Arch> acc;
                        add_kept(acc, os, m.g_lo, m.n - m.g_hi - 1, scale);
                        const double kept = acc.total();
                        // (a tail with nothing cut adds no term: 0 * inf would be NaN)
                        if (m.g_lo > 0)
                            acc.add_product(m.lo * scale, static_cast<double>(m.g_lo));
                        if (m.g_hi > 0)
                            acc.add_product(m.hi * scale, static_cast<double>(m.g_hi));
                        return std::pair { kept, acc.total() };
                    };
                    auto [kt, wt] = totals(1.0);
                    double unit = 1.0;
                    if constexpr (is_copy_v<decltype(os)>) {
                        // a sum that overflows: the terms scaled by 2^-64 (exact), as
                        // mean_with_overflow_guard (an infinity kept then gives +-inf,
                        // not inf - inf; the engine path hands these to the copy path)
                        if (!(std::isfinite(kt) && std::isfinite(wt))) {
                            std::tie(kt, wt) = totals(0x1p-64);
                            unit = 0x1p64;
                        }
                    }
                    // (each moved into [lo, hi], where the exact means lie: in_kept_range)
                    m.tmean = in_kept_range(
                        kt / static_cast<double>(m.h) * unit, os, m.g_lo, m.n - m.g_hi - 1);
                    m.wmean = in_kept_range(
                        wt / static_cast<double>(m.n) * unit, os, m.g_lo, m.n - m.g_hi - 1);
                }
                if (!(std::isfinite(m.tmean) && std::isfinite(m.wmean))) {
                    // infinities kept (or an overflowing sum): no finite spread
                    m.ssd_t = m.ssd_w = std::numeric_limits<double>::quiet_NaN();
                    return quiet_nan<W>(); // (on the engine path the copy path decides)
                }
                if (m.lo == m.hi) { // every kept value is the same: no spread
                    m.ssd_t = m.ssd_w = 0.0;
                    return W(0);
                }
                inner_sums s;
                if constexpr (is_copy_v<decltype(os)>)
                    s = inner_pass<Arch, W>(strided_span<const W> { os.data(), os.size(), 1 }, m.lo,
                        m.hi, m.tmean, m.wmean);
                else
                    s = inner_pass<Arch, W>(strided_span<const W> { x.data, x.size, x.stride },
                        m.lo, m.hi, m.tmean, m.wmean);
                // kept values equal to a cut point: k_lo at lo, k_hi at hi
                const double k_lo = static_cast<double>(s.n_le_lo - m.g_lo);
                const double k_hi = static_cast<double>(s.n_ge_hi - m.g_hi);
                const double nlo = static_cast<double>(s.n_le_lo);
                const double nhi = static_cast<double>(s.n_ge_hi);
                {
                    const double a = m.lo - m.tmean, b = m.hi - m.tmean;
                    exact_pieces<Arch> sq, lin;
                    sq.add(s.q1);
                    sq.add_product(a * a, k_lo);
                    sq.add_product(b * b, k_hi);
                    lin.add(s.d1);
                    lin.add_product(a, k_lo);
                    lin.add_product(b, k_hi);
                    m.ssd_t = corrected_ssd(sq.total(), lin.total(), static_cast<double>(m.h));
                }
                {
                    const double a = m.lo - m.wmean, b = m.hi - m.wmean;
                    exact_pieces<Arch> sq, lin;
                    sq.add(s.q2);
                    sq.add_product(a * a, nlo);
                    sq.add_product(b * b, nhi);
                    lin.add(s.d2);
                    lin.add_product(a, nlo);
                    lin.add_product(b, nhi);
                    m.ssd_w = corrected_ssd(sq.total(), lin.total(), static_cast<double>(m.n));
                }
                return std::isfinite(m.ssd_t) && std::isfinite(m.ssd_w) ? W(0) : quiet_nan<W>();
            });
        return done;
    }

    /// 0, or the power of two 2^e to divide the lane by so that its moments neither
    /// overflow nor underflow: the cut points are finite but a mean or a sum of squares
    /// is not (values near DBL_MAX), or the values are so small that their squares
    /// lose their digits (below 2^-480).
    inline int moments_rescale_exponent(const trim_moments& m) noexcept
    {
        const double big = std::max(std::fabs(m.lo), std::fabs(m.hi));
        if (!std::isfinite(big) || big == 0)
            return 0;
        const int e = std::ilogb(big);
        const bool overflow = !(std::isfinite(m.tmean) && std::isfinite(m.wmean)
            && std::isfinite(m.ssd_t) && std::isfinite(m.ssd_w));
        return overflow || e < -480 ? e : 0;
    }

    /// Runs trimmed_moments and returns fin(m), or NaN (ws.n_used = 0 when
    /// `enough(m)` is false: too few values). fin's result has the unit of x to the
    /// `power`: when the moments over/underflow (moments_rescale_exponent) they are
    /// taken on the lane scaled by 2^-e (exact) and fin's result is scaled back by
    /// 2^(power e), so a finite spread of finite values is never NaN. *exponent
    /// (if given) receives e (0 when nothing was scaled).
    template <class Arch, class T, class Enough, class Fin>
    result_t<T> with_trim_moments(strided_span<const T> x, const trim_spec& t, nan_policy p,
        workspace<result_t<T>>& ws, Enough&& enough, Fin&& fin, int power, int* exponent = nullptr)
    {
        using W = result_t<T>;
        trim_moments m;
        if (!trimmed_moments<Arch>(x, t, p, ws, m))
            return quiet_nan<W>();
        if (m.h == 0 || !enough(m)) {
            ws.n_used = 0;
            return quiet_nan<W>();
        }
        const int e = moments_rescale_exponent(m);
        if (exponent)
            *exponent = e;
        if (e == 0)
            return static_cast<W>(fin(m));
        std::vector<W> scaled(x.size);
        for (std::size_t i = 0; i < x.size; ++i)
            scaled[i] = static_cast<W>(std::ldexp(static_cast<double>(x[i]), -e));
        const std::size_t n_used = ws.n_used;
        trimmed_moments<Arch>(
            strided_span<const W> { scaled.data(), scaled.size(), 1 }, t, p, ws, m);
        ws.n_used = n_used;
        return static_cast<W>(std::ldexp(fin(m), power * e));
    }

    template <class Arch, class T>
    result_t<T> trimmed_var_lane(
        strided_span<const T> x, trim_spec t, double ddof, nan_policy p, workspace<result_t<T>>& ws)
    {
        return with_trim_moments<Arch>(
            x, t, p, ws, [&](const trim_moments& m) { return static_cast<double>(m.h) - ddof > 0; },
            [&](const trim_moments& m) { return m.ssd_t / (static_cast<double>(m.h) - ddof); }, 2);
    }

    template <class Arch, class T>
    result_t<T> winsorized_var_lane(
        strided_span<const T> x, trim_spec t, double ddof, nan_policy p, workspace<result_t<T>>& ws)
    {
        return with_trim_moments<Arch>(
            x, t, p, ws, [&](const trim_moments& m) { return static_cast<double>(m.n) - ddof > 0; },
            [&](const trim_moments& m) { return m.ssd_w / (static_cast<double>(m.n) - ddof); }, 2);
    }

    /// Yuen's standard error: sqrt(ssd_w / (h (h - 1))) = sqrt((n - 1) s_w^2 / (h (h - 1))).
    inline double yuen_se(const trim_moments& m) noexcept
    {
        const double h = static_cast<double>(m.h);
        return std::sqrt(m.ssd_w / (h * (h - 1.0)));
    }

    template <class Arch, class T>
    result_t<T> trimmed_sem_lane(
        strided_span<const T> x, trim_spec t, nan_policy p, workspace<result_t<T>>& ws)
    {
        return with_trim_moments<Arch>(
            x, t, p, ws, [](const trim_moments& m) { return m.h >= 2; }, yuen_se, 1);
    }

    /// Two-sided quantile of Student's t with df degrees of freedom: t such that
    /// P(|T| <= t) = confidence (Boost.Math).
    inline double t_critical(double df, double confidence)
    {
        const boost::math::students_t_distribution<double> dist(df);
        return boost::math::quantile(dist, 0.5 + confidence / 2.0);
    }

    /// t_critical, remembered in the workspace (ws.t_memo) for the next lanes.
    template <class W> double t_critical(double df, double confidence, workspace<W>& ws)
    {
        const double slot_of = df < 1e6 ? df : 0.0; // (infinite df: the normal quantile)
        auto& m = ws.t_memo[static_cast<std::size_t>(slot_of) % ws.t_memo.size()];
        if (m.df != df || m.confidence != confidence) {
            m.value = std::isinf(df) ? boost::math::quantile(
                          boost::math::normal_distribution<double>(), 0.5 + confidence / 2.0)
                                     : t_critical(df, confidence);
            m.df = df;
            m.confidence = confidence;
        }
        return m.value;
    }

    /// Writes (lower, upper) of the trimmed mean's interval to out[0], out[out_stride].
    template <class Arch, class T>
    void trimmed_ci_lane(strided_span<const T> x, trim_spec t, double confidence, result_t<T>* out,
        std::ptrdiff_t out_stride, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        bool ok = false;
        double upper = 0;
        int e = 0;
        const W c = with_trim_moments<Arch>(
            x, t, p, ws, [](const trim_moments& m) { return m.h >= 2; },
            [&](const trim_moments& m) {
                const double half
                    = t_critical(static_cast<double>(m.h) - 1.0, confidence, ws) * yuen_se(m);
                upper = m.tmean + half;
                ok = true;
                return m.tmean - half;
            },
            1, &e);
        if (!ok) {
            out[0] = out[out_stride] = quiet_nan<W>();
            return;
        }
        out[0] = c;
        out[out_stride] = static_cast<W>(std::ldexp(upper, e));
    }

    /// The 0-based ranks (at most 2) of Tukey's lower hinge and upper hinge of n
    /// values (R's fivenum: depth floor((n + 3) / 2) / 2, the mean of the two
    /// values around a half depth).
    inline void hinge_ranks(std::size_t n, std::size_t lower[2], std::size_t upper[2]) noexcept
    {
        const double n4 = std::floor((static_cast<double>(n) + 3.0) / 2.0) / 2.0; // 1-based depth
        const auto a = static_cast<std::size_t>(std::floor(n4)) - 1;
        const auto b = static_cast<std::size_t>(std::ceil(n4)) - 1;
        lower[0] = a;
        lower[1] = b;
        upper[0] = n - 1 - b;
        upper[1] = n - 1 - a;
    }

    inline std::size_t trimean_ranks(trimean_method m, std::size_t n, std::size_t* out) noexcept
    {
        if (n == 0)
            return 0;
        if (m == trimean_method::hinges) {
            std::size_t lo[2], hi[2], md[2];
            hinge_ranks(n, lo, hi);
            median_ranks(n, md);
            const std::size_t all[6] = { lo[0], lo[1], md[0], md[1], hi[0], hi[1] };
            std::size_t k = 0;
            for (std::size_t r : all)
                out[k++] = r;
            std::sort(out, out + k);
            return static_cast<std::size_t>(std::unique(out, out + k) - out);
        }
        static constexpr double q[3] = { 0.25, 0.5, 0.75 };
        return quantiles_ranks(n, q, 3, out, engine_max_brackets);
    }

    template <class Arch, class T>
    result_t<T> trimean_lane(
        strided_span<const T> x, trimean_method method, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        return with_selection<Arch>(
            x, p, ws, identity_xform {},
            [&](std::size_t n, std::size_t* r) { return trimean_ranks(method, n, r); },
            [&](auto& os) -> W {
                const std::size_t n = os.size();
                double q1, q2, q3;
                if (method == trimean_method::hinges) {
                    std::size_t lo[2], hi[2];
                    hinge_ranks(n, lo, hi);
                    q1 = static_cast<double>(midpoint(os.select(lo[0]), os.select(lo[1])));
                    q3 = static_cast<double>(midpoint(os.select(hi[0]), os.select(hi[1])));
                    q2 = static_cast<double>(median_of(os));
                } else {
                    const auto qm = static_cast<quantile_method>(static_cast<int>(method));
                    q1 = static_cast<double>(quantile_of(os, 0.25, qm));
                    q2 = static_cast<double>(quantile_of(os, 0.5, qm));
                    q3 = static_cast<double>(quantile_of(os, 0.75, qm));
                }
                // Q1/4 + Q2/2 + Q3/4: exact scalings, one compensated sum (no overflow).
                // Quartiles near the subnormal range are scaled up by 2^600 first (exact)
                // so that the quarters keep every bit; one rounding when scaling back.
                const double big = std::max(std::fabs(q1), std::max(std::fabs(q2), std::fabs(q3)));
                const double unit = big < 0x1p-960 ? 0x1p-600 : 1.0;
                simd::neumaier_scalar<Arch> acc;
                acc.add(0.25 * (q1 / unit));
                acc.add(0.5 * (q2 / unit));
                acc.add(0.25 * (q3 / unit));
                return static_cast<W>(acc.total() * unit);
            });
    }

} // namespace detail

// ---- public API ---------------------------------------------------------------

/// Variance of the values kept after trimming (h = n - g_lo - g_hi of them),
/// divided by h - ddof. NaN when h <= ddof.
template <class T, class Arch = xsimd::default_arch>
result_t<T> trimmed_var(strided_span<T> x, trim_spec trim = 0.1, double ddof = 1, options o = {})
{
    detail::validate_trim(trim, "trim", false);
    if (!(std::isfinite(ddof) && ddof >= 0))
        throw std::invalid_argument(
            "ddof must be a finite number >= 0 (got " + detail::format_value(ddof) + ")");
    workspace<result_t<T>> ws;
    return detail::trimmed_var_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, trim, ddof, o.nan, ws);
}

/// Variance of the winsorized sample (n values), divided by n - ddof.
template <class T, class Arch = xsimd::default_arch>
result_t<T> winsorized_var(
    strided_span<T> x, trim_spec limits = 0.1, double ddof = 1, options o = {})
{
    detail::validate_trim(limits, "limits", false);
    if (!(std::isfinite(ddof) && ddof >= 0))
        throw std::invalid_argument(
            "ddof must be a finite number >= 0 (got " + detail::format_value(ddof) + ")");
    workspace<result_t<T>> ws;
    return detail::winsorized_var_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, limits, ddof, o.nan, ws);
}

/// Standard error of the trimmed mean (Yuen 1974; Tukey and McLaughlin 1963):
/// sqrt((n - 1) s_w^2 / (h (h - 1))), s_w^2 the winsorized variance (ddof 1),
/// h = n - 2g. Symmetric trimming only; NaN when h < 2.
template <class T, class Arch = xsimd::default_arch>
result_t<T> trimmed_sem(strided_span<T> x, trim_spec trim = 0.1, options o = {})
{
    detail::validate_trim(trim, "trim", false);
    detail::validate_symmetric_trim(trim, "trim");
    workspace<result_t<T>> ws;
    return detail::trimmed_sem_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, trim, o.nan, ws);
}

/// Confidence interval of the trimmed mean: tmean -+ t_{(1+c)/2, h-1} * trimmed_sem.
template <class T, class Arch = xsimd::default_arch>
std::pair<result_t<T>, result_t<T>> trimmed_ci(
    strided_span<T> x, trim_spec trim = 0.1, double confidence = 0.95, options o = {})
{
    detail::validate_trim(trim, "trim", false);
    detail::validate_symmetric_trim(trim, "trim");
    detail::validate_confidence(confidence, "confidence");
    workspace<result_t<T>> ws;
    result_t<T> out[2];
    detail::trimmed_ci_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, trim, confidence, out, 1, o.nan, ws);
    return { out[0], out[1] };
}

/// Tukey's trimean (Q1 + 2 Q2 + Q3) / 4; quartiles by `method` (default:
/// linear, R type 7; trimean_method::hinges: Tukey's hinges, R's fivenum).
template <class T, class Arch = xsimd::default_arch>
result_t<T> trimean(
    strided_span<T> x, trimean_method method = trimean_method::linear, options o = {})
{
    workspace<result_t<T>> ws;
    return detail::trimean_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, method, o.nan, ws);
}

template <class R, detail::if_contiguous_range<R> = 0>
auto trimmed_var(const R& r, trim_spec trim = 0.1, double ddof = 1, options o = {})
{
    return trimmed_var(make_span(r), trim, ddof, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto winsorized_var(const R& r, trim_spec limits = 0.1, double ddof = 1, options o = {})
{
    return winsorized_var(make_span(r), limits, ddof, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto trimmed_sem(const R& r, trim_spec trim = 0.1, options o = {})
{
    return trimmed_sem(make_span(r), trim, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto trimmed_ci(const R& r, trim_spec trim = 0.1, double confidence = 0.95, options o = {})
{
    return trimmed_ci(make_span(r), trim, confidence, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto trimean(const R& r, trimean_method method = trimean_method::linear, options o = {})
{
    return trimean(make_span(r), method, o);
}

/// Parse a trimean quartile method: a quantile method name or "hinges".
inline trimean_method parse_trimean_method(std::string_view s)
{
    static constexpr named<trimean_method> names[] = {
        { "linear", trimean_method::linear },
        { "lower", trimean_method::lower },
        { "higher", trimean_method::higher },
        { "midpoint", trimean_method::midpoint },
        { "nearest", trimean_method::nearest },
        { "hinges", trimean_method::hinges },
    };
    return parse_name(s, names, "method");
}

} // namespace robstat
