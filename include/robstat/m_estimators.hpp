// M-estimators of location and scale: Huber's location with a fixed scale
// (solved exactly), Huber's proposal 2 (joint location and scale, iterated),
// and Tukey's biweight location and midvariance (as astropy.stats).
//
// Definitions, conventions and the peers they reproduce: docs/mest.md.
//
// Every pass over the data here adds its terms in a FIXED order, whatever the
// SIMD width: element i goes to virtual lane i % 8 (one, two or four SIMD
// accumulators of 8, 4 or 2 lanes), each virtual lane keeps a Neumaier
// (sum, compensation) pair, and the 16 partials are added exactly at the end.
// The results are therefore bit-identical on SSE2, AVX2 and AVX-512 (the
// dispatch objects are compiled without FMA contraction), which matters for
// the iterated estimator: its iteration count cannot depend on the CPU.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "robstat/scale.hpp"
#include "robstat/weighted.hpp"

namespace robstat {

/// Result of Huber's proposal 2 (huber_joint). `converged` is false when the
/// iteration limit was reached first (the last iterate is returned) and for
/// an empty input; `n_iter` counts the updates computed.
template <class W> struct huber_result {
    W location;
    W scale;
    bool converged;
    std::size_t n_iter;
};

namespace detail {

    // ---- parameter checks ----------------------------------------------------------

    inline void validate_tuning(double v, const char* name)
    {
        if (!(std::isfinite(v) && v > 0.0))
            throw std::invalid_argument(
                std::string(name) + " must be finite and > 0 (got " + format_value(v) + ")");
    }

    /// A fixed Huber scale: finite and >= 0 (0 gives the median).
    inline void validate_huber_scale(double s)
    {
        if (!(std::isfinite(s) && s >= 0.0))
            throw std::invalid_argument(
                "scale must be finite and >= 0 (got " + format_value(s) + ")");
    }

    inline void validate_tol_maxiter(double tol, std::size_t maxiter)
    {
        if (!(std::isfinite(tol) && tol > 0.0))
            throw std::invalid_argument(
                "tol must be finite and > 0 (got " + format_value(tol) + ")");
        if (maxiter < 1)
            throw std::invalid_argument("maxiter must be >= 1 (got 0)");
    }

    // ---- fixed-order SIMD passes ---------------------------------------------------

    /// Virtual lanes of the fixed-order sums.
    inline constexpr std::size_t mest_vlanes = 8;

    /// K compensated sums fed by blocks of mest_vlanes values, bit-identical
    /// for every SIMD width that divides mest_vlanes.
    template <class Arch, std::size_t K> struct fixed_order_sums {
        using batch = xsimd::batch<double, Arch>;
        static constexpr std::size_t W = batch::size;
        static_assert(mest_vlanes % W == 0, "SIMD width must divide 8");
        static constexpr std::size_t B = mest_vlanes / W;
        simd::neumaier<Arch> acc[K][B];

        void add(std::size_t k, std::size_t b, const batch& v) noexcept { acc[k][b].add(v); }

        double total(std::size_t k) const noexcept
        {
            double parts[2 * mest_vlanes];
            for (std::size_t b = 0; b < B; ++b) {
                double tmp[2 * W];
                acc[k][b].store_partials(tmp);
                for (std::size_t j = 0; j < W; ++j) {
                    parts[b * W + j] = tmp[j];
                    parts[mest_vlanes + b * W + j] = tmp[W + j];
                }
            }
            // an exact sum does not depend on the order of its terms
            return simd::exact_sum<Arch>(parts, 2 * mest_vlanes);
        }
    };

    /// Calls f(b, x_batch, w_batch, valid) for every batch of x[0..n) (and of
    /// the weights w, or 1 when w is null), b being the batch's index within
    /// its block of mest_vlanes values. The last, partial block is padded with
    /// x = 0, w = 0 and valid = false.
    template <class Arch, class T, class F>
    void for_each_block(const T* x, const T* w, std::size_t n, F&& f)
    {
        using batch = xsimd::batch<double, Arch>;
        constexpr std::size_t W = batch::size;
        constexpr std::size_t B = mest_vlanes / W;
        const auto all = batch(0.0) <= batch(1.0);
        std::size_t i = 0;
        for (; i + mest_vlanes <= n; i += mest_vlanes)
            for (std::size_t b = 0; b < B; ++b)
                f(b, simd::load_as_double<Arch>(x + i + b * W),
                    w ? simd::load_as_double<Arch>(w + i + b * W) : batch(1.0), all);
        if (i < n) {
            alignas(64) double xt[mest_vlanes], wt[mest_vlanes], ok[mest_vlanes];
            for (std::size_t j = 0; j < mest_vlanes; ++j) {
                const bool in = i + j < n;
                xt[j] = in ? static_cast<double>(x[i + j]) : 0.0;
                wt[j] = in ? (w ? static_cast<double>(w[i + j]) : 1.0) : 0.0;
                ok[j] = in ? 1.0 : 0.0;
            }
            for (std::size_t b = 0; b < B; ++b)
                f(b, batch::load_aligned(xt + b * W), batch::load_aligned(wt + b * W),
                    batch::load_aligned(ok + b * W) > batch(0.5));
        }
    }

    /// max / min of two batches as compare and select (GCC 12 warns, wrongly,
    /// that xsimd::max / min on AVX-512 read an uninitialised register).
    template <class Arch>
    xsimd::batch<double, Arch> vmax(
        const xsimd::batch<double, Arch>& a, const xsimd::batch<double, Arch>& b) noexcept
    {
        return xsimd::select(a > b, a, b);
    }
    template <class Arch>
    xsimd::batch<double, Arch> vmin(
        const xsimd::batch<double, Arch>& a, const xsimd::batch<double, Arch>& b) noexcept
    {
        return xsimd::select(a < b, a, b);
    }

    template <class Arch> double hmax(const xsimd::batch<double, Arch>& v) noexcept
    {
        alignas(64) double t[xsimd::batch<double, Arch>::size];
        v.store_aligned(t);
        double m = t[0];
        for (std::size_t j = 1; j < xsimd::batch<double, Arch>::size; ++j)
            m = t[j] > m ? t[j] : m;
        return m;
    }

    template <class Arch> double hmin(const xsimd::batch<double, Arch>& v) noexcept
    {
        alignas(64) double t[xsimd::batch<double, Arch>::size];
        v.store_aligned(t);
        double m = t[0];
        for (std::size_t j = 1; j < xsimd::batch<double, Arch>::size; ++j)
            m = t[j] < m ? t[j] : m;
        return m;
    }

    /// The values of a lane as one contiguous NaN-free array: the lane itself
    /// when it already is one, otherwise a copy in ws.buffer (NaN policy
    /// applied). nan_result: a NaN was found under propagate.
    template <class Arch, class T>
    const result_t<T>* lane_values(strided_span<const T> x, nan_policy p,
        workspace<result_t<T>>& ws, std::size_t& n, bool& nan_result)
    {
        using W = result_t<T>;
        nan_result = false;
        if constexpr (std::is_same_v<T, W>) {
            if (x.contiguous() && x.size > 0 && !simd::has_nan<Arch>(x.data, x.size)) {
                n = x.size;
                return x.data;
            }
        }
        const gather_status st = gather<Arch, W>(x, p, ws.buffer);
        n = st.n_used;
        nan_result = st.nan_result;
        return ws.buffer.data();
    }

    // ---- Huber location, fixed scale: the exact root ---------------------------------

    /// One evaluation of Psi at the origin o (all values pre-scaled by sig):
    /// with t = x sig - o and h = k s sig, the values are split into
    /// U (t > h, psi = +k), L (t < -h, psi = -k) and M (|t| <= h, linear).
    struct huber_piece {
        double wu = 0, wl = 0, wm = 0, sm = 0; ///< weights of U, L, M; sum of w t over M
        double b_lo = 0, b_hi = 0;             ///< the linear piece holding o, relative to o
        double max_l = 0, min_u = 0;           ///< max t over L, min t over U
    };

    /// Counts (unit weights) are added with plain SIMD adds: integers below 2^53
    /// are exact in any order. Weights get compensated fixed-order sums.
    /// max_l / min_u (needed only on a flat piece) are found when with_extremes.
    template <class Arch, class W>
    huber_piece huber_evaluate(const W* x, const W* w, std::size_t n, double sig, double o,
        double h, bool with_extremes = false)
    {
        using batch = xsimd::batch<double, Arch>;
        constexpr double inf = std::numeric_limits<double>::infinity();
        fixed_order_sums<Arch, 4> sums;
        const batch vs(sig), vo(o), vh(h), vmh(-h), zero(0.0), pinf(inf), minf(-inf);
        batch blo(minf), bhi(pinf), maxl(minf), minu(pinf), cu(zero), cl(zero), cm(zero);
        for_each_block<Arch>(
            x, w, n, [&](std::size_t b, const batch& xv, const batch& wv, auto ok) {
                const batch t = xv * vs - vo;
                const auto in_u = t > vh;
                const auto in_l = t < vmh;
                const auto in_m = !(in_u | in_l);
                if (w) {
                    sums.add(0, b, xsimd::select(in_u, wv, zero));
                    sums.add(1, b, xsimd::select(in_l, wv, zero));
                    sums.add(2, b, xsimd::select(in_m, wv, zero));
                    sums.add(3, b, xsimd::select(in_m, wv * t, zero));
                } else { // wv is 1 (0 on padding)
                    cu += xsimd::select(in_u, wv, zero);
                    cl += xsimd::select(in_l, wv, zero);
                    cm += xsimd::select(in_m, wv, zero);
                    sums.add(3, b, xsimd::select(in_m, wv * t, zero));
                }
                // the piece [b_lo, b_hi] around 0: the nearest breakpoints, t + h
                // (entering L) below 0 or t - h (leaving U) above 0
                const batch below = xsimd::select(in_l, t + vh, xsimd::select(in_m, t - vh, minf));
                const batch above = xsimd::select(in_u, t - vh, xsimd::select(in_m, t + vh, pinf));
                blo = vmax<Arch>(blo, xsimd::select(ok, below, minf));
                bhi = vmin<Arch>(bhi, xsimd::select(ok, above, pinf));
                if (with_extremes) {
                    maxl = vmax<Arch>(maxl, xsimd::select(ok & in_l, t, minf));
                    minu = vmin<Arch>(minu, xsimd::select(ok & in_u, t, pinf));
                }
            });
        huber_piece r;
        if (w) {
            r.wu = sums.total(0);
            r.wl = sums.total(1);
            r.wm = sums.total(2);
        } else {
            r.wu = simd::reduce_add(cu);
            r.wl = simd::reduce_add(cl);
            r.wm = simd::reduce_add(cm);
        }
        r.sm = sums.total(3);
        r.b_lo = hmax<Arch>(blo);
        r.b_hi = hmin<Arch>(bhi);
        r.max_l = hmax<Arch>(maxl);
        r.min_u = hmin<Arch>(minu);
        return r;
    }

    /// A point strictly inside (lo, hi), lo < hi, one of them possibly infinite;
    /// returns lo when there is none (adjacent doubles).
    inline double interior_point(double lo, double hi)
    {
        double m;
        if (std::isinf(lo))
            m = hi - std::max(1.0, std::fabs(hi));
        else if (std::isinf(hi))
            m = lo + std::max(1.0, std::fabs(lo));
        else
            m = midpoint(lo, hi);
        return (m > lo && m < hi) ? m : lo;
    }

    /// 1, or the largest power of two sig <= 1 for which `count` terms of
    /// magnitude 4 big sig sum without overflow (exact scaling).
    inline double overflow_unit(double big, double count) noexcept
    {
        if (!(big > 0) || !std::isfinite(big))
            return 1.0;
        const double need = std::log2(big) + std::log2(std::max(count, 1.0)) + 2.0;
        return need > 1000.0 ? std::ldexp(1.0, -static_cast<int>(std::ceil(need - 1000.0))) : 1.0;
    }

    /// The root of Psi(mu) = sum_i w_i psi((x_i - mu) / s) = 0, psi(u) =
    /// max(-k, min(k, u)), for finite x (n > 0 values, positive weights, or
    /// unit weights when w is null), s > 0, plus w_pinf and w_ninf weight at
    /// +inf and -inf. `start` is a first guess (a median).
    ///
    /// Psi is continuous, non-increasing and linear between the breakpoints
    /// x_i -+ k s. Each step evaluates Psi at a trial point (one pass): the
    /// sums over U, L, M give the root of the linear piece holding the trial
    /// point, and that root is THE root when it lies inside the piece.
    /// Otherwise the bracket [lo, hi] shrinks to that side, and the next trial
    /// point is that root (a Newton step, taken while Newton's steps at least
    /// halve, at most 60 times) or the median breakpoint inside the bracket
    /// (selection), which halves the breakpoints left: at most 60 + log2(2n)
    /// passes, in practice a handful. The root of the piece is solved from
    /// compensated sums of the deviations from the trial point.
    /// A flat piece (no value in the linear zone) with Psi = 0 there is a root
    /// interval [x_a + k s, x_b - k s]: its midpoint (x_a + x_b) / 2 is
    /// returned (for unweighted data it is the median, what huberM returns).
    template <class Arch, class W>
    double huber_root(const W* x, const W* w, std::size_t n, double w_pinf, double w_ninf, double k,
        double s, double start, std::vector<double>& scratch)
    {
        constexpr double inf = std::numeric_limits<double>::infinity();
        // the weight of the finite values, their magnitude and range
        double wf = 0, maxabs = 0, xmin = inf, xmax = -inf;
        if (w) {
            simd::neumaier_scalar<Arch> acc;
            for (std::size_t i = 0; i < n; ++i)
                acc.add(static_cast<double>(w[i]));
            wf = acc.total();
        } else {
            wf = static_cast<double>(n);
        }
        {
            using batch = xsimd::batch<double, Arch>;
            const batch pinf(inf), minf(-inf);
            batch m(0.0), lo(pinf), hi(minf);
            for_each_block<Arch>(x, w, n, [&](std::size_t, const batch& xv, const batch&, auto ok) {
                m = vmax<Arch>(m, xsimd::abs(xv)); // (padding is 0)
                lo = vmin<Arch>(lo, xsimd::select(ok, xv, pinf));
                hi = vmax<Arch>(hi, xsimd::select(ok, xv, minf));
            });
            maxabs = hmax<Arch>(m);
            xmin = hmin<Arch>(lo);
            xmax = hmax<Arch>(hi);
        }
        // Psi far right is k (w_pinf - w_ninf - wf), far left k (w_pinf + wf - w_ninf)
        if (wf == 0)
            return w_pinf > w_ninf ? inf : (w_pinf < w_ninf ? -inf : quiet_nan<double>());
        if (w_pinf >= w_ninf + wf)
            return inf;
        if (w_ninf >= w_pinf + wf)
            return -inf;
        // exact power-of-two scaling keeps t = x sig - o, t +- h and the sums of up
        // to wf + 2 such terms finite; only as far down as needed, because scaling
        // down flushes subnormal values (and a subnormal scale) to zero
        const double big = std::max({ maxabs, std::fabs(start), s });
        const double sig = overflow_unit(big, wf + w_pinf + w_ninf + 2);
        // the root lies in [min, max] of the values; rounding in the scaled
        // domain (absolute error ~ denorm_min / sig) must not move it outside
        if (w_pinf > 0)
            xmax = inf;
        if (w_ninf > 0)
            xmin = -inf;
        const auto in_hull = [&](double r) { return std::clamp(r, xmin, xmax); };
        const double h = k * (s * sig); // may be inf for a huge k: then all values are in M
        double lo = -inf, hi = inf;
        double o = std::isfinite(start) ? start * sig : 0.0;
        int newton_steps = 0;
        double last_step = inf;
        for (int step = 0; step < 100000; ++step) {
            const huber_piece pc = huber_evaluate<Arch>(x, w, n, sig, o, h);
            const double wu = pc.wu + w_pinf, wl = pc.wl + w_ninf;
            const double d = wu == wl ? 0.0 : h * (wu - wl);
            double cand = quiet_nan<double>();
            if (pc.wm > 0) {
                const double r = (pc.sm + d) / pc.wm;
                if (r >= pc.b_lo && r <= pc.b_hi)
                    return in_hull((o + r) / sig);
                if (r > pc.b_hi)
                    lo = std::max(lo, o + pc.b_hi);
                else
                    hi = std::min(hi, o + pc.b_lo);
                cand = o + r;
            } else if (d == 0) {
                // a root interval: its midpoint
                const huber_piece ex = huber_evaluate<Arch>(x, w, n, sig, o, h, true);
                return in_hull((o + (ex.max_l / 2 + ex.min_u / 2)) / sig);
            } else if (d > 0) {
                lo = std::max(lo, o + pc.b_hi);
            } else {
                hi = std::min(hi, o + pc.b_lo);
            }
            if (!(lo < hi)) // the root is a breakpoint (up to rounding)
                return in_hull(
                    (lo == hi ? lo : midpoint(std::min(lo, hi), std::max(lo, hi))) / sig);
            // Newton while its steps at least halve (superlinear convergence);
            // otherwise (or after 60 of them) bisect the breakpoints
            const double step_len = std::fabs(cand - o);
            if (cand > lo && cand < hi && newton_steps < 60
                && (newton_steps < 2 || step_len <= 0.5 * last_step)) {
                last_step = step_len;
                o = cand;
                ++newton_steps;
                continue;
            }
            last_step = inf;
            // the median breakpoint strictly inside (lo, hi)
            scratch.clear();
            for (std::size_t i = 0; i < n; ++i) {
                const double t = static_cast<double>(x[i]) * sig;
                const double u = t - h, v = t + h;
                if (u > lo && u < hi)
                    scratch.push_back(u);
                if (v > lo && v < hi)
                    scratch.push_back(v);
            }
            if (scratch.empty()) {
                // one piece spans (lo, hi): any interior point finds it
                const double m = interior_point(lo, hi);
                if (m == lo) // lo and hi are adjacent doubles
                    return in_hull(lo / sig);
                o = m;
                continue;
            }
            const auto mid = scratch.begin() + static_cast<std::ptrdiff_t>(scratch.size() / 2);
            std::nth_element(scratch.begin(), mid, scratch.end());
            o = *mid;
        }
        return in_hull(midpoint(lo, hi) / sig); // not reached: each step shrinks the bracket
    }

    /// Moves the infinite values of buf[0..n) (and their weights) out of the
    /// way: returns the count of finite values left at the front and adds the
    /// weight of +inf / -inf values to w_pinf / w_ninf.
    template <class W>
    std::size_t split_infinite(W* buf, W* wbuf, std::size_t n, double& w_pinf, double& w_ninf)
    {
        std::size_t m = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const W v = buf[i];
            const double wi = wbuf ? static_cast<double>(wbuf[i]) : 1.0;
            if (std::isinf(v)) {
                (v > 0 ? w_pinf : w_ninf) += wi;
                continue;
            }
            buf[m] = v;
            if (wbuf)
                wbuf[m] = wbuf[i];
            ++m;
        }
        return m;
    }

    /// Huber location with a fixed scale (nullptr: 1.482602218505602 * MAD).
    /// Scale 0, or a MAD that is 0 or not finite, gives the median (huberM).
    template <class Arch, class T>
    result_t<T> huber_lane(strided_span<const T> x, double k, const double* scale, nan_policy p,
        workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        const W med = median_lane<Arch>(x, p, ws);
        if (ws.n_used == 0 || med != med)
            return med; // NaN: empty, propagated, or the median of -inf and inf
        const std::size_t n_used = ws.n_used;
        double s;
        if (scale) {
            s = *scale;
        } else {
            const double m = static_cast<double>(med);
            s = static_cast<double>(mad_lane<Arch>(x, &m, 1.0, p, ws)) * mad_normal_scale;
        }
        ws.n_used = n_used;
        if (!(s > 0) || !std::isfinite(s))
            return med;
        const gather_status st = gather<Arch, W>(x, p, ws.buffer);
        double w_pinf = 0, w_ninf = 0;
        const std::size_t nf
            = split_infinite<W>(ws.buffer.data(), nullptr, st.n_used, w_pinf, w_ninf);
        std::vector<double> scratch;
        return static_cast<W>(huber_root<Arch, W>(ws.buffer.data(), nullptr, nf, w_pinf, w_ninf, k,
            s, static_cast<double>(med), scratch));
    }

    /// Weighted Huber location (frequency weights: integer weights give the
    /// result of repeating the values) with a given scale s >= 0 (s == 0: the
    /// weighted median, the midpoint where the cumulative weight is exactly
    /// half). Weights must be finite and >= 0 (std::invalid_argument);
    /// zero-weight values are ignored. ws.n_used counts the values with a
    /// positive weight.
    template <class Arch, class T>
    result_t<T> huber_weighted_lane(strided_span<const T> x, strided_span<const T> w, double k,
        const double* scale, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        if (w.size != x.size)
            throw std::invalid_argument("weights must have the length of the data");
        double s;
        if (scale) {
            s = *scale;
        } else { // the normal-consistent weighted MAD (weighted.hpp), as the unweighted default
            const W mad = weighted_mad_lane<Arch>(x, w, nullptr, mad_normal_scale, p, ws);
            if (mad != mad) // NaN propagated, no value left, or the median of -inf and inf
                return mad;
            s = static_cast<double>(mad);
        }
        ws.buffer.resize(x.size);
        ws.buffer2.resize(x.size);
        std::size_t m = 0;
        bool nan_found = false;
        for (std::size_t i = 0; i < x.size; ++i) {
            const double wi = static_cast<double>(w[i]);
            if (!(std::isfinite(wi) && wi >= 0))
                throw std::invalid_argument(
                    "weights must be finite and >= 0 (got " + format_value(wi) + ")");
            const W v = static_cast<W>(x[i]);
            if (v != v) {
                nan_found = true;
                continue;
            }
            if (wi > 0) {
                ws.buffer[m] = v;
                ws.buffer2[m] = static_cast<W>(w[i]);
                ++m;
            }
        }
        if (nan_found) {
            if (p == nan_policy::raise)
                throw_nan_found();
            if (p == nan_policy::propagate) {
                ws.n_used = x.size;
                return quiet_nan<W>();
            }
        }
        ws.n_used = m;
        if (m == 0)
            return quiet_nan<W>();
        W* xb = ws.buffer.data();
        W* wb = ws.buffer2.data();
        double w_pinf = 0, w_ninf = 0;
        const std::size_t nf = split_infinite<W>(xb, wb, m, w_pinf, w_ninf);
        std::vector<double> scratch;
        if (s == 0 || nf == 0) {
            // the weighted median (midpoint convention), infinite values included
            std::vector<std::pair<double, double>> vw;
            vw.reserve(m);
            for (std::size_t i = 0; i < nf; ++i)
                vw.emplace_back(static_cast<double>(xb[i]), static_cast<double>(wb[i]));
            if (w_ninf > 0)
                vw.emplace_back(-std::numeric_limits<double>::infinity(), w_ninf);
            if (w_pinf > 0)
                vw.emplace_back(std::numeric_limits<double>::infinity(), w_pinf);
            std::sort(vw.begin(), vw.end());
            simd::neumaier_scalar<Arch> tot;
            for (const auto& e : vw)
                tot.add(e.second);
            const double half = tot.total() / 2;
            simd::neumaier_scalar<Arch> cum;
            for (std::size_t i = 0; i < vw.size(); ++i) {
                cum.add(vw[i].second);
                const double c = cum.total();
                if (c > half)
                    return static_cast<W>(vw[i].first);
                if (c == half && i + 1 < vw.size())
                    return static_cast<W>(midpoint(vw[i].first, vw[i + 1].first));
            }
            return static_cast<W>(vw.back().first);
        }
        // a first guess: the unweighted median of the finite values
        scratch.assign(xb, xb + nf);
        const auto mid = scratch.begin() + static_cast<std::ptrdiff_t>(nf / 2);
        std::nth_element(scratch.begin(), mid, scratch.end());
        const double start = *mid;
        return static_cast<W>(
            huber_root<Arch, W>(xb, wb, nf, w_pinf, w_ninf, k, s, start, scratch));
    }

    // ---- Huber's proposal 2 -----------------------------------------------------------

    /// E[psi_k(Z)^2] for a standard normal Z: the consistency factor of the scale.
    inline double huber_beta(double k)
    {
        const double th = std::erfc(-k / std::sqrt(2.0)) - 1.0; // 2 pnorm(k) - 1
        const double dnorm = std::exp(-0.5 * k * k) / std::sqrt(2.0 * 3.14159265358979323846);
        return th + k * k * (1.0 - th) - 2.0 * k * dnorm;
    }

    /// 1, or the power of two to multiply the data by (exact; the estimators are
    /// location-scale equivariant) so that values of magnitude `big` (the centre,
    /// c times the scale) neither overflow (near DBL_MAX) nor lose digits (subnormal).
    template <class Arch> double magnitude_unit(double big) noexcept
    {
        const int e = big > 0 ? std::clamp(std::ilogb(big), -2000, 2000) : 0;
        return e > 960 || e < -960 ? std::ldexp(1.0, std::clamp(-e, -1000, 1000)) : 1.0;
    }

    /// Huber's proposal 2 as MASS::hubers: from mu = median, s = MAD, repeat
    ///   y = clip(x, mu - k s, mu + k s); mu1 = mean(y);
    ///   s1 = sqrt(sum((y - mu1)^2) / ((n - 1) beta(k)))
    /// until |mu1 - mu| < tol s and |s1 - s| < tol s (converged) or maxiter
    /// updates. Writes location, scale, converged (1/0) and n_iter to out[0..4).
    /// MAD = 0 (n = 1, constant data): (median, 0), converged, 0 iterations;
    /// a MAD that is not finite: (median, MAD), not converged. Empty or NaN
    /// (propagate): NaN, NaN, not converged (NaN), 0.
    template <class Arch, class T>
    void huber_joint_lane(strided_span<const T> x, double k, double tol, std::size_t maxiter,
        result_t<T>* out, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        using batch = xsimd::batch<double, Arch>;
        auto put = [&](double loc, double sc, double conv, std::size_t it) {
            out[0] = static_cast<W>(loc);
            out[1] = static_cast<W>(sc);
            out[2] = static_cast<W>(conv);
            out[3] = static_cast<W>(it);
        };
        const W med = median_lane<Arch>(x, p, ws);
        if (ws.n_used == 0 || med != med) {
            put(med, quiet_nan<double>(), quiet_nan<double>(), 0);
            return;
        }
        const std::size_t n_used = ws.n_used;
        double mu0 = static_cast<double>(med);
        double s0 = static_cast<double>(mad_lane<Arch>(x, &mu0, 1.0, p, ws)) * mad_normal_scale;
        ws.n_used = n_used;
        if (s0 == 0) {
            put(mu0, 0.0, 1.0, 0);
            return;
        }
        if (!std::isfinite(s0)) {
            put(mu0, s0, 0.0, 0);
            return;
        }
        std::size_t n = 0;
        bool nan_result = false;
        const W* data = lane_values<Arch>(x, p, ws, n, nan_result);
        const double beta = huber_beta(k);
        const double nd = static_cast<double>(n);
        // Iterate in units of 2^e (exact, location-scale equivariant) when mu -+ k s
        // could overflow (values near DBL_MAX) or the values are subnormal: 1 otherwise.
        const double unit = magnitude_unit<Arch>(std::max(std::fabs(mu0), k * s0));
        mu0 *= unit;
        s0 *= unit;
        const batch vunit(unit);
        bool converged = false;
        std::size_t it = 0;
        while (it < maxiter) {
            ++it;
            // z = (clip(x, mu0 - k s0, mu0 + k s0) - mu0) / s0 lies in [-k, k]: the
            // sums neither lose digits to an offset nor under/overflow (MASS squares
            // the raw deviations: (1e-200)^2 is 0)
            const double lo = mu0 - k * s0, hi = mu0 + k * s0;
            const batch vlo(lo), vhi(hi), vmu(mu0), vs(s0), zero(0.0);
            fixed_order_sums<Arch, 2> sums;
            for_each_block<Arch>(data, static_cast<const W*>(nullptr), n,
                [&](std::size_t b, const batch& xv, const batch&, auto ok) {
                    const batch y = vmin<Arch>(vmax<Arch>(xv * vunit, vlo), vhi);
                    const batch z = xsimd::select(ok, (y - vmu) / vs, zero);
                    sums.add(0, b, z);
                    sums.add(1, b, z * z);
                });
            const double sz = sums.total(0), sz2 = sums.total(1);
            const double mu1 = mu0 + s0 * (sz / nd);
            // sum((y - mu1)^2) / s0^2 = sum(z^2) - (sum z)^2 / n
            const double ss = std::max(sz2 - sz * (sz / nd), 0.0) / (nd - 1.0);
            const double s1 = s0 * std::sqrt(ss / beta);
            const bool done = std::fabs(mu0 - mu1) < tol * s0 && std::fabs(s0 - s1) < tol * s0;
            mu0 = mu1;
            s0 = s1;
            if (done) {
                converged = true;
                break;
            }
            if (!(s0 > 0) || !std::isfinite(s0) || !std::isfinite(mu0))
                break;
        }
        put(mu0 / unit, s0 / unit, converged ? 1.0 : 0.0, it);
    }

    // ---- Tukey's biweight (astropy.stats) ------------------------------------------------

    /// Shared start of the biweight functions: the median, the raw MAD about
    /// the median, and the centre M (the median unless given). Returns false
    /// (with `early` set) when the result is decided without a pass: NaN for
    /// an empty lane or a propagated NaN.
    template <class Arch, class T>
    bool biweight_setup(strided_span<const T> x, const double* M, nan_policy p,
        workspace<result_t<T>>& ws, double& center, double& mad_raw, double& early)
    {
        using W = result_t<T>;
        const W med = median_lane<Arch>(x, p, ws);
        if (ws.n_used == 0 || med != med) {
            early = static_cast<double>(med);
            return false;
        }
        const std::size_t n_used = ws.n_used;
        const double m = static_cast<double>(med);
        mad_raw = static_cast<double>(mad_lane<Arch>(x, &m, 1.0, p, ws));
        ws.n_used = n_used;
        center = M ? *M : m;
        return true;
    }

    /// astropy.stats.biweight_location: with d = x - M and u = d / (c MAD),
    /// M + sum(d (1 - u^2)^2) / sum((1 - u^2)^2) over |u| < 1; MAD (raw, about
    /// the median) 0 or NaN gives M. Values with |u| >= 1 (infinite ones too)
    /// get weight 0.
    template <class Arch, class T>
    result_t<T> biweight_location_lane(strided_span<const T> x, double c, const double* M,
        nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        using batch = xsimd::batch<double, Arch>;
        double center = 0, mad_raw = 0, early = 0;
        if (!biweight_setup<Arch>(x, M, p, ws, center, mad_raw, early))
            return static_cast<W>(early);
        if (mad_raw == 0 || mad_raw != mad_raw)
            return static_cast<W>(center);
        const std::size_t n_used = ws.n_used;
        std::size_t n = 0;
        bool nan_result = false;
        const W* data = lane_values<Arch>(x, p, ws, n, nan_result);
        ws.n_used = n_used;
        // in units of 2^e when c MAD or x - M could overflow, or the data are subnormal
        const double unit = magnitude_unit<Arch>(std::max(std::fabs(center), c * mad_raw));
        const double cm = c * (mad_raw * unit);
        const batch vm(center * unit), vcm(cm), one(1.0), zero(0.0), vunit(unit);
        fixed_order_sums<Arch, 2> sums;
        for_each_block<Arch>(data, static_cast<const W*>(nullptr), n,
            [&](std::size_t b, const batch& xv, const batch&, auto ok) {
                const batch d = xv * vunit - vm;
                const batch u = d / vcm;
                const batch a = one - u * u;
                const auto keep = ok & (xsimd::abs(u) < one);
                const batch wt = a * a;
                sums.add(0, b, xsimd::select(keep, d * wt, zero));
                sums.add(1, b, xsimd::select(keep, wt, zero));
            });
        return static_cast<W>(center + sums.total(0) / sums.total(1) / unit);
    }

    /// astropy.stats.biweight_midvariance (or its square root, biweight_scale):
    /// with d = x - M, u = d / (c MAD), the sums over |u| < 1
    ///   n sum(d^2 (1 - u^2)^4) / (sum((1 - u^2)(1 - 5 u^2)))^2
    /// where n is the number of values (modify_sample_size: of those with
    /// |u| < 1). MAD 0 or NaN gives MAD^2 (0 or NaN).
    template <class Arch, class T>
    result_t<T> biweight_midvariance_lane(strided_span<const T> x, double c, const double* M,
        bool modify_sample_size, bool take_sqrt, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        using batch = xsimd::batch<double, Arch>;
        double center = 0, mad_raw = 0, early = 0;
        if (!biweight_setup<Arch>(x, M, p, ws, center, mad_raw, early))
            return static_cast<W>(early);
        auto finish = [&](double v) { return static_cast<W>(take_sqrt ? std::sqrt(v) : v); };
        if (mad_raw == 0 || mad_raw != mad_raw)
            return finish(mad_raw * mad_raw);
        const std::size_t n_used = ws.n_used;
        std::size_t n = 0;
        bool nan_result = false;
        const W* data = lane_values<Arch>(x, p, ws, n, nan_result);
        ws.n_used = n_used;
        // in units of 2^e when c MAD, x - M or d^2 could overflow, or the data are
        // subnormal: the scale is then finite whenever it is a double
        const double unit = magnitude_unit<Arch>(std::max(std::fabs(center), c * mad_raw));
        const double cm = c * (mad_raw * unit);
        const batch vm(center * unit), vcm(cm), one(1.0), five(5.0), zero(0.0), vunit(unit);
        fixed_order_sums<Arch, 3> sums;
        for_each_block<Arch>(data, static_cast<const W*>(nullptr), n,
            [&](std::size_t b, const batch& xv, const batch&, auto ok) {
                const batch d = xv * vunit - vm;
                const batch u = d / vcm;
                const auto keep = ok & (xsimd::abs(u) < one);
                const batch u2 = u * u;
                const batch a = one - u2;
                const batch a2 = a * a;
                sums.add(0, b, xsimd::select(keep, d * d * (a2 * a2), zero));
                sums.add(1, b, xsimd::select(keep, a * (one - five * u2), zero));
                sums.add(2, b, xsimd::select(keep, one, zero));
            });
        const double f1 = sums.total(0), f2 = sums.total(1);
        const double count = modify_sample_size ? sums.total(2) : static_cast<double>(n);
        const double v = count * f1 / (f2 * f2); // in units of unit^-2
        return static_cast<W>(take_sqrt ? std::sqrt(v) / unit : v / unit / unit);
    }

} // namespace detail

// ---- public API -------------------------------------------------------------------

/// Huber M-estimate of location with the scale held fixed: the root of
/// sum psi((x_i - mu) / s) = 0, psi(u) = max(-k, min(k, u)), solved exactly
/// (psi is piecewise linear). scale: default 1.482602218505602 * MAD; 0 (or a
/// MAD of 0) gives the median. Matches robustbase::huberM(x, k, s = scale).
template <class T, class Arch = xsimd::default_arch>
result_t<T> huber(
    strided_span<T> x, double k = 1.5, std::optional<double> scale = std::nullopt, options o = {})
{
    detail::validate_tuning(k, "k");
    if (scale)
        detail::validate_huber_scale(*scale);
    workspace<result_t<T>> ws;
    return detail::huber_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, k, scale ? &*scale : nullptr, o.nan, ws);
}

/// Weighted Huber location (frequency weights, finite and >= 0; integer
/// weights give the result of repeating the values). Default scale: the
/// normal-consistent weighted MAD (robstat::weighted_mad).
template <class T, class Arch = xsimd::default_arch>
result_t<T> huber(strided_span<T> x, strided_span<T> weights, double k,
    std::optional<double> scale = {}, options o = {})
{
    detail::validate_tuning(k, "k");
    if (scale)
        detail::validate_huber_scale(*scale);
    if (weights.size != x.size)
        throw std::invalid_argument("weights must have the length of the data");
    workspace<result_t<T>> ws;
    return detail::huber_weighted_lane<Arch, std::remove_cv_t<T>>({ x.data, x.size, x.stride },
        { weights.data, weights.size, weights.stride }, k, scale ? &*scale : nullptr, o.nan, ws);
}

/// Huber's proposal 2: joint location and scale, iterated as MASS::hubers.
template <class T, class Arch = xsimd::default_arch>
huber_result<result_t<T>> huber_joint(strided_span<T> x, double k = 1.5, double tol = 1e-10,
    std::size_t maxiter = 100, options o = {})
{
    detail::validate_tuning(k, "k");
    detail::validate_tol_maxiter(tol, maxiter);
    workspace<result_t<T>> ws;
    result_t<T> out[4];
    detail::huber_joint_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, k, tol, maxiter, out, o.nan, ws);
    return { out[0], out[1], out[2] == 1, static_cast<std::size_t>(out[3]) };
}

/// Tukey biweight location (astropy.stats.biweight_location). M: the centre
/// (default the median).
template <class T, class Arch = xsimd::default_arch>
result_t<T> biweight_location(
    strided_span<T> x, double c = 6.0, std::optional<double> M = std::nullopt, options o = {})
{
    detail::validate_tuning(c, "c");
    workspace<result_t<T>> ws;
    return detail::biweight_location_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, c, M ? &*M : nullptr, o.nan, ws);
}

/// Biweight midvariance (astropy.stats.biweight_midvariance).
template <class T, class Arch = xsimd::default_arch>
result_t<T> biweight_midvariance(strided_span<T> x, double c = 9.0,
    std::optional<double> M = std::nullopt, bool modify_sample_size = false, options o = {})
{
    detail::validate_tuning(c, "c");
    workspace<result_t<T>> ws;
    return detail::biweight_midvariance_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, c, M ? &*M : nullptr, modify_sample_size, false, o.nan, ws);
}

/// Biweight scale: the square root of the midvariance (astropy.stats.biweight_scale).
template <class T, class Arch = xsimd::default_arch>
result_t<T> biweight_scale(strided_span<T> x, double c = 9.0,
    std::optional<double> M = std::nullopt, bool modify_sample_size = false, options o = {})
{
    detail::validate_tuning(c, "c");
    workspace<result_t<T>> ws;
    return detail::biweight_midvariance_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, c, M ? &*M : nullptr, modify_sample_size, true, o.nan, ws);
}

// Contiguous-range overloads.
template <class R, detail::if_contiguous_range<R> = 0>
auto huber(const R& r, double k = 1.5, std::optional<double> scale = std::nullopt, options o = {})
{
    return huber(make_span(r), k, scale, o);
}
template <class R, class RW, detail::if_contiguous_range<R> = 0,
    detail::if_contiguous_range<RW> = 0>
auto huber(
    const R& r, const RW& weights, double k, std::optional<double> scale = {}, options o = {})
{
    return huber(make_span(r), make_span(weights), k, scale, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto huber_joint(
    const R& r, double k = 1.5, double tol = 1e-10, std::size_t maxiter = 100, options o = {})
{
    return huber_joint(make_span(r), k, tol, maxiter, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto biweight_location(
    const R& r, double c = 6.0, std::optional<double> M = std::nullopt, options o = {})
{
    return biweight_location(make_span(r), c, M, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto biweight_midvariance(const R& r, double c = 9.0, std::optional<double> M = std::nullopt,
    bool modify_sample_size = false, options o = {})
{
    return biweight_midvariance(make_span(r), c, M, modify_sample_size, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto biweight_scale(const R& r, double c = 9.0, std::optional<double> M = std::nullopt,
    bool modify_sample_size = false, options o = {})
{
    return biweight_scale(make_span(r), c, M, modify_sample_size, o);
}

} // namespace robstat
