// The medcouple (a robust measure of skewness, Brys, Hubert and Struyf 2004) and
// the adjusted-boxplot fences built on it (Hubert and Vandervieren 2008).
//
// Definition. With m the median of x and z_i = x_i - m,
//     MC = median { h(x_i, x_j) : x_i >= m >= x_j },   h = (z_i + z_j) / (z_i - z_j),
// where the median of the N = p * q kernel values (p values >= m, q values <= m)
// is the usual one: the mean of the two middle values when N is even. For the
// k values equal to m (the ties), h(x_i, x_j) with both equal to m is the sign
// of (p - 1) - i - j, i and j being the 0-based ranks of x_i among the values
// >= m in decreasing order and of x_j among the values <= m in decreasing order
// (-1, 0, +1 across the anti-diagonal of the k x k block of ties).
//
// What R's robustbase::mc() computes and where robstat differs (docs/medcouple.md):
//   - R's C code returns the "high median" (the (floor(N/2)+1)-th largest kernel
//     value); mc() with doReflect = TRUE (its default for n <= 100) averages
//     mc.(x) and -mc.(-x), i.e. the lower and upper middle values: the median
//     above. robstat always returns the median, so it equals mc(x, doReflect = TRUE)
//     for every n, and mc(x) with the defaults for n <= 100 or N odd.
//   - Ties are exact equalities (R: within eps1 = 1e-14 relative to the median);
//     no huberization (R: c.huberize = 1e11 clips values beyond
//     huberM(x) +- 1e11 * Qn(x) before computing); no rescaling by the extremes
//     (R's doScale = FALSE, its default). With exact ties and nothing clipped,
//     robstat computes the same kernel values in the same floating-point
//     operations as R, so the results agree to the last bit in practice.
//   - The shortcuts of the published algorithm are kept: n < 3 gives 0; a median
//     equal to the largest value gives -1 and one equal to the smallest gives +1
//     (constant data give 0: R's average of mc.(x) = -1 and -mc.(-x) = +1).
//   - Scale: MC is invariant under x -> c x (c > 0). Data whose magnitude nears
//     the overflow threshold are scaled down, and subnormal-range data up, by an
//     exact power of two, so that z_i - z_j cannot overflow (R returns 0 kernels
//     for +-1e308).
//   - +-inf are limits of +-M, M -> infinity (one M for both signs): h(+inf, x_j)
//     = +1, h(x_i, -inf) = -1, h(+inf, -inf) = 0, and an infinite median obeys the
//     same shortcuts. Computed exactly by replacing +-inf with +-2^60 times the
//     largest finite magnitude. (R replaces them with +-DBL_MAX/4, which gives the
//     same values unless finite values exceed DBL_MAX/4.)
//
// Algorithm: the p x q matrix of kernel values is never formed. Its rows
// (x_i >= m, decreasing) and columns (x_j <= m, decreasing) are sorted, so the
// k-th largest value is found by the selection of Brys, Hubert and Struyf
// (after Johnson and Mizoguchi): each row keeps a window of candidate columns;
// the weighted median (weights = window widths) of the windows' middle elements
// is a trial value whose rank two monotone "staircase" walks count in O(p + q);
// at least a quarter of the candidates go each iteration, and when no more than
// about 2n remain they are collected and selected directly. O(n log n) after the
// sort.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "robstat/location.hpp"

namespace robstat {

/// Adjusted-boxplot fences and the medcouple they were computed with.
template <class W> struct adjbox_result {
    W lower;
    W upper;
    W medcouple;
};

namespace detail {

    /// The two middle values of the kernel values (equal when N is odd).
    struct medcouple_pair {
        double lower; ///< the floor(N/2)+1-th largest (R's mc.(x), its "high median" of -h)
        double upper; ///< the ceil(N/2)-th largest (R's -mc.(-x))
    };

    /// The kernel matrix of centred values c[0..n) (ascending, finite, no NaN):
    /// row i is a_i = c[n-1-i] (i < p, the values >= 0, decreasing), column j is
    /// b_j = c[q-1-j] (j < q, the values <= 0, decreasing); the k zeros are
    /// rows p-k..p-1 and columns 0..k-1. Non-increasing along rows and columns.
    struct mc_kernel {
        const double* c;
        std::size_t n, p, q, k;

        double operator()(std::size_t i, std::size_t j) const noexcept
        {
            const double a = c[n - 1 - i];
            const double b = c[q - 1 - j];
            if (i + k >= p && j < k) { // both equal to the median
                const auto d = static_cast<std::ptrdiff_t>(p - 1) - static_cast<std::ptrdiff_t>(i)
                    - static_cast<std::ptrdiff_t>(j);
                return d > 0 ? 1.0 : (d < 0 ? -1.0 : 0.0);
            }
            return (a + b) / (a - b);
        }
    };

    /// One candidate row's middle element for the weighted median.
    struct mc_trial_item {
        double v;
        std::size_t w;
        std::size_t row;
    };

    /// Index (in [0, m)) of an item whose value v satisfies
    /// weight(< v) < t <= weight(<= v) (1 <= t <= total weight): the weighted
    /// median for t = ceil(total / 2). Reorders the items. Expected O(m).
    inline std::size_t mc_weighted_select(mc_trial_item* a, std::size_t m, std::uint64_t t)
    {
        std::size_t lo = 0, hi = m;
        for (;;) {
            if (hi - lo == 1)
                return lo;
            // median of three as the pivot value
            const double x0 = a[lo].v, x1 = a[lo + (hi - lo) / 2].v, x2 = a[hi - 1].v;
            const double pv = std::max(std::min(x0, x1), std::min(std::max(x0, x1), x2));
            // three-way partition: [lo, lt) < pv, [lt, i) == pv, [gt, hi) > pv
            std::size_t lt = lo, i = lo, gt = hi;
            std::uint64_t w_less = 0, w_eq = 0;
            while (i < gt) {
                if (a[i].v < pv) {
                    w_less += a[i].w;
                    std::swap(a[i++], a[lt++]);
                } else if (a[i].v > pv) {
                    std::swap(a[i], a[--gt]);
                } else {
                    w_eq += a[i].w;
                    ++i;
                }
            }
            if (t <= w_less) {
                hi = lt;
            } else if (t <= w_less + w_eq) {
                return lt;
            } else {
                t -= w_less + w_eq;
                lo = gt;
            }
        }
    }

    /// Scratch memory of the selection (resized as needed).
    struct mc_scratch {
        std::vector<std::size_t> lo, hi, g, e;
        std::vector<mc_trial_item> items;
        std::vector<double> cand;
    };

    /// The lower and upper middle values of the p x q kernel matrix h (rows and
    /// columns non-increasing). `collect_at`: collect and select directly once
    /// at most this many candidates remain.
    template <class K>
    medcouple_pair kernel_median(
        const K& h, std::size_t p, std::size_t q, std::size_t collect_at, mc_scratch& s)
    {
        using u64 = std::uint64_t;
        const u64 N = static_cast<u64>(p) * static_cast<u64>(q);
        const u64 r_lo = N / 2 + 1;   // 1-based rank from the largest: lower middle value
        const u64 r_hi = (N + 1) / 2; // upper middle value (== r_lo when N is odd)
        s.lo.assign(p, 0);
        s.hi.assign(p, q);
        u64 above = 0; // values left of the windows (larger than the answer)
        u64 cand = N;  // values inside the windows
        while (cand > collect_at) {
            // the middle element of every non-empty window, weighted by its width
            s.items.clear();
            u64 total = 0;
            for (std::size_t i = 0; i < p; ++i) {
                const std::size_t L = s.lo[i], H = s.hi[i];
                if (L < H) {
                    s.items.push_back({ h(i, L + (H - L) / 2), H - L, i });
                    total += H - L;
                }
            }
            const std::size_t pick
                = mc_weighted_select(s.items.data(), s.items.size(), (total + 1) / 2);
            const double trial = s.items[pick].v;
            const std::size_t trial_row = s.items[pick].row;
            const std::size_t trial_col = s.lo[trial_row] + (s.hi[trial_row] - s.lo[trial_row]) / 2;
            // staircase walks, rows from the smallest values up: g[i] = columns
            // with h > trial, e[i] = columns with h >= trial (prefixes of the row;
            // the columns left of lo[i] are larger than any candidate, those from
            // hi[i] on smaller, so both lie in [lo[i], hi[i]])
            s.g.resize(p);
            s.e.resize(p);
            std::size_t jg = 0, je = 0;
            u64 G = 0, E = 0;
            for (std::size_t i = p; i-- > 0;) {
                const std::size_t L = s.lo[i], H = s.hi[i];
                std::size_t j = std::min(std::max(jg, L), H);
                double last = 0.0; // h(i, j) once the first walk stops inside the window
                while (j < H && (last = h(i, j)) > trial)
                    ++j;
                jg = j;
                std::size_t j2 = std::min(std::max(je, j), H);
                if (j2 == j && j < H) { // h(i, j) <= trial is known
                    if (last < trial)
                        j2 = H + 1; // (marks "stop": e[i] = j)
                    else
                        ++j2;
                }
                if (j2 > H) {
                    j2 = j;
                } else {
                    while (j2 < H && h(i, j2) >= trial)
                        ++j2;
                }
                je = j2;
                s.g[i] = j;
                s.e[i] = j2;
            }
            // the trial element itself is == trial, whatever rounding did to its
            // neighbours: this guarantees progress
            s.g[trial_row] = std::min(s.g[trial_row], trial_col);
            s.e[trial_row] = std::max(s.e[trial_row], trial_col + 1);
            for (std::size_t i = 0; i < p; ++i) {
                G += s.g[i];
                E += s.e[i];
            }
            if (r_lo <= G) { // both middle values are > trial
                std::swap(s.hi, s.g);
            } else if (r_hi > E) { // both are < trial
                std::swap(s.lo, s.e);
            } else {
                // trial is one of them; the other is trial, or its neighbour in
                // the sorted order (the largest value < trial, or the smallest > trial)
                double lower = trial, upper = trial;
                if (r_lo > E) { // r_lo == E + 1
                    bool found = false;
                    for (std::size_t i = 0; i < p; ++i) {
                        if (s.e[i] < q) {
                            const double v = h(i, s.e[i]);
                            if (!found || v > lower)
                                lower = v;
                            found = true;
                        }
                    }
                }
                if (r_hi <= G) { // r_hi == G
                    bool found = false;
                    for (std::size_t i = 0; i < p; ++i) {
                        if (s.g[i] > 0) {
                            const double v = h(i, s.g[i] - 1);
                            if (!found || v < upper)
                                upper = v;
                            found = true;
                        }
                    }
                }
                return { lower, upper };
            }
            above = 0;
            cand = 0;
            for (std::size_t i = 0; i < p; ++i) {
                above += s.lo[i];
                cand += s.hi[i] - s.lo[i];
            }
        }
        // few candidates left: collect them and select
        s.cand.clear();
        s.cand.reserve(static_cast<std::size_t>(cand));
        for (std::size_t i = 0; i < p; ++i)
            for (std::size_t j = s.lo[i]; j < s.hi[i]; ++j)
                s.cand.push_back(h(i, j));
        const std::size_t m = s.cand.size();
        // ranks among the candidates (the bookkeeping keeps above < r_hi <= r_lo <= above + m)
        auto clamp_rank = [&](u64 r) {
            const u64 rr = r > above ? r - above : 1;
            return static_cast<std::size_t>(std::min<u64>(rr, m));
        };
        const std::size_t k_lo = clamp_rank(r_lo), k_hi = clamp_rank(r_hi);
        double* c = s.cand.data();
        std::nth_element(c, c + (k_lo - 1), c + m, std::greater<double>());
        const double lower = c[k_lo - 1];
        double upper = lower;
        if (k_hi < k_lo) // the smallest of the values ranked before k_lo
            upper = *std::min_element(c, c + (k_lo - 1));
        return { lower, upper };
    }

    /// Scales the sorted values so that the kernel cannot overflow (or lose
    /// the subnormal range) and replaces +-inf by +-2^60 times the largest finite
    /// magnitude: exact powers of two, so the kernel values are unchanged.
    inline void mc_prepare_sorted(double* s, std::size_t n)
    {
        std::size_t f0 = 0, f1 = n; // -inf: [0, f0), finite: [f0, f1), +inf: [f1, n)
        const double inf = std::numeric_limits<double>::infinity();
        while (f0 < n && s[f0] == -inf)
            ++f0;
        while (f1 > f0 && s[f1 - 1] == inf)
            --f1;
        const bool has_inf = f0 > 0 || f1 < n;
        const double m = f1 > f0 ? std::max(std::fabs(s[f0]), std::fabs(s[f1 - 1])) : 0.0;
        int e = m > 0 ? std::ilogb(m) : 0; // m in [2^e, 2^(e+1))
        int shift = 0;
        if (e > 1019)
            shift = 1019 - e; // |x| < 2^1020: |z_i - z_j| < 2^1022
        else if (e < -1000)
            shift = -e; // subnormal range: to [1, 2)
        if (has_inf && e + shift > 960)
            shift = 960 - e; // room for 2^60 above the finite values
        if (shift != 0) {
            // (two factors: 2^shift itself may not be representable)
            const double f1s = std::ldexp(1.0, shift / 2), f2s = std::ldexp(1.0, shift - shift / 2);
            for (std::size_t i = f0; i < f1; ++i)
                s[i] = s[i] * f1s * f2s;
            e += shift;
        }
        if (has_inf) {
            const double H = std::ldexp(1.0, (m > 0 ? e : 0) + 60);
            for (std::size_t i = 0; i < f0; ++i)
                s[i] = -H;
            for (std::size_t i = f1; i < n; ++i)
                s[i] = H;
        }
    }

    /// Candidates collected directly below this many (per value: the walks
    /// cost about 2n kernel evaluations an iteration).
    inline std::size_t mc_collect_threshold(std::size_t n) noexcept
    {
        return std::max<std::size_t>(2 * n, 1024);
    }

    /// The two middle kernel values of n sorted values (no NaN; modified: scaled and centred).
    inline medcouple_pair medcouple_pair_sorted(double* s, std::size_t n, mc_scratch& scratch)
    {
        if (n < 3)
            return { 0.0, 0.0 };
        mc_prepare_sorted(s, n);
        const double med = midpoint(s[(n - 1) / 2], s[n / 2]);
        const bool max_is_med = s[n - 1] == med, min_is_med = s[0] == med;
        if (max_is_med && min_is_med)
            return { -1.0, 1.0 }; // constant: R's mc.(x) = -1 and -mc.(-x) = +1, mean 0
        if (max_is_med)
            return { -1.0, -1.0 };
        if (min_is_med)
            return { 1.0, 1.0 };
        for (std::size_t i = 0; i < n; ++i)
            s[i] -= med;
        // p values >= 0, q values <= 0, k == 0
        const std::size_t first_nonneg
            = static_cast<std::size_t>(std::lower_bound(s, s + n, 0.0) - s);
        const std::size_t past_nonpos
            = static_cast<std::size_t>(std::upper_bound(s, s + n, 0.0) - s);
        const std::size_t p = n - first_nonneg, q = past_nonpos;
        const std::size_t k = past_nonpos - first_nonneg;
        const mc_kernel h { s, n, p, q, k };
        return kernel_median(h, p, q, mc_collect_threshold(n), scratch);
    }

    /// The medcouple of n sorted values (modifies them).
    inline double medcouple_sorted(double* s, std::size_t n, mc_scratch& scratch)
    {
        const medcouple_pair m = medcouple_pair_sorted(s, n, scratch);
        return m.lower == m.upper ? m.lower : (m.lower + m.upper) / 2;
    }

    /// Tukey's hinges as R's fivenum(): the 2nd and 4th of its five numbers.
    inline void fivenum_hinges(const double* s, std::size_t n, double& h1, double& h3)
    {
        // 1-based depth n4 = floor((n + 3) / 2) / 2; hinges average x[floor(d)], x[ceil(d)]
        const std::size_t m = (n + 3) / 2;
        const std::size_t fl = m / 2, ce = (m + 1) / 2; // floor(n4), ceil(n4)
        h1 = midpoint(s[fl - 1], s[ce - 1]);
        h3 = midpoint(s[n - ce], s[n - fl]);
    }

    /// q + sign * f * (q3 - q1), in R's order of operations ((f * iqr) then the
    /// sum); recomputed in units of a power of two when an intermediate overflows
    /// while the inputs are finite (so +-1e308 data get finite fences when the
    /// exact fence is finite).
    inline double adjbox_fence(double q, double sign, double f, double q1, double q3)
    {
        const double v = q + sign * (f * (q3 - q1));
        if (std::isfinite(v) || !std::isfinite(q1) || !std::isfinite(q3) || !std::isfinite(f))
            return v;
        const int k = 2 + std::max(0, std::ilogb(f) + 1);
        const double qs = std::ldexp(q, -k), q1s = std::ldexp(q1, -k), q3s = std::ldexp(q3, -k);
        return std::ldexp(qs + sign * (f * (q3s - q1s)), k);
    }

    /// Validation of the adjusted-boxplot parameters.
    inline void validate_adjbox(double coef, double a, double b)
    {
        if (!(std::isfinite(coef) && coef >= 0))
            throw std::invalid_argument(
                "coef must be finite and >= 0 (got " + format_value(coef) + ")");
        if (!std::isfinite(a))
            throw std::invalid_argument("a must be finite (got " + format_value(a) + ")");
        if (!std::isfinite(b))
            throw std::invalid_argument("b must be finite (got " + format_value(b) + ")");
    }

    /// The fences from Tukey's hinges q1, q3 and the medcouple mc.
    inline adjbox_result<double> adjbox_from(
        double q1, double q3, double mc, double coef, double a, double b)
    {
        if (coef == 0)
            return { q1, q3, mc };
        // R's adjboxStats: exp(a * mc) below and exp(b * mc) above for mc >= 0,
        // exp(-b * mc) below and exp(-a * mc) above for mc < 0
        const double f_lo = coef * std::exp(mc >= 0 ? a * mc : -b * mc);
        const double f_hi = coef * std::exp(mc >= 0 ? b * mc : -a * mc);
        return { adjbox_fence(q1, -1.0, f_lo, q1, q3), adjbox_fence(q3, 1.0, f_hi, q1, q3), mc };
    }

    /// Fences from the sorted values (n >= 1; s is modified).
    inline adjbox_result<double> adjbox_sorted(
        double* s, std::size_t n, double coef, double a, double b, mc_scratch& scratch)
    {
        double q1, q3;
        fivenum_hinges(s, n, q1, q3);
        return adjbox_from(q1, q3, medcouple_sorted(s, n, scratch), coef, a, b);
    }

    /// Gather a lane as sorted doubles under the NaN policy: the double lane
    /// into ws.buffer, a float lane into `own`. Returns the data pointer, or
    /// nullptr when the result is NaN (propagated) or the lane is empty.
    template <class Arch, class T>
    double* mc_gather_sorted(
        strided_span<const T> x, nan_policy p, workspace<result_t<T>>& ws, std::vector<double>& own)
    {
        std::vector<double>* buf;
        if constexpr (std::is_same_v<result_t<T>, double>)
            buf = &ws.buffer;
        else
            buf = &own;
        const gather_status st = gather<Arch, double>(x, p, *buf);
        ws.n_used = st.n_used;
        if (st.nan_result || st.n_used == 0)
            return nullptr;
        std::sort(buf->begin(), buf->begin() + static_cast<std::ptrdiff_t>(st.n_used));
        return buf->data();
    }

    // ---- lane functions ------------------------------------------------------

    template <class Arch, class T>
    result_t<T> medcouple_lane(strided_span<const T> x, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        std::vector<double> own;
        double* s = mc_gather_sorted<Arch>(x, p, ws, own);
        if (!s)
            return quiet_nan<W>();
        mc_scratch scratch;
        return static_cast<W>(medcouple_sorted(s, ws.n_used, scratch));
    }

    /// Writes (lower fence, upper fence, medcouple) to out[0], out[1], out[2]; false
    /// (all NaN) when there is no value or a NaN is propagated.
    template <class Arch, class T>
    bool adjbox_lane(strided_span<const T> x, double coef, double a, double b, result_t<T>* out,
        nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        std::vector<double> own;
        double* s = mc_gather_sorted<Arch>(x, p, ws, own);
        if (!s) {
            out[0] = out[1] = out[2] = quiet_nan<W>();
            return false;
        }
        mc_scratch scratch;
        const adjbox_result<double> r = adjbox_sorted(s, ws.n_used, coef, a, b, scratch);
        out[0] = static_cast<W>(r.lower);
        out[1] = static_cast<W>(r.upper);
        out[2] = static_cast<W>(r.medcouple);
        return true;
    }

} // namespace detail

// ---- public API ---------------------------------------------------------------

/// The medcouple of x: the median of h(x_i, x_j) = ((x_i - m) + (x_j - m)) / (x_i - x_j)
/// over x_i >= m >= x_j (m the median), in [-1, 1]; > 0 for right skew.
/// Equals R robustbase's mc(x, doReflect = TRUE) (see the top of this header).
/// Empty input (or nothing left after omitting NaN) gives NaN.
template <class T, class Arch = xsimd::default_arch>
result_t<T> medcouple(strided_span<T> x, options o = {})
{
    workspace<result_t<T>> ws;
    return detail::medcouple_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, o.nan, ws);
}

/// Adjusted-boxplot fences (Hubert and Vandervieren 2008), as R robustbase's
/// adjboxStats(x, coef, a, b)$fence: with Q1, Q3 Tukey's hinges (R's fivenum),
/// IQR = Q3 - Q1 and MC the medcouple,
///   MC >= 0: [Q1 - coef e^(a MC) IQR, Q3 + coef e^(b MC) IQR]
///   MC <  0: [Q1 - coef e^(-b MC) IQR, Q3 + coef e^(-a MC) IQR].
/// coef = 0 gives [Q1, Q3] (R returns NA fences then). Needs coef >= 0 and
/// finite a, b (std::invalid_argument). Empty input gives NaN.
template <class T, class Arch = xsimd::default_arch>
adjbox_result<result_t<T>> adjbox_fences(
    strided_span<T> x, double coef = 1.5, double a = -4.0, double b = 3.0, options o = {})
{
    detail::validate_adjbox(coef, a, b);
    workspace<result_t<T>> ws;
    result_t<T> out[3];
    detail::adjbox_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, coef, a, b, out, o.nan, ws);
    return { out[0], out[1], out[2] };
}

template <class R, detail::if_contiguous_range<R> = 0> auto medcouple(const R& r, options o = {})
{
    return medcouple(make_span(r), o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto adjbox_fences(const R& r, double coef = 1.5, double a = -4.0, double b = 3.0, options o = {})
{
    return adjbox_fences(make_span(r), coef, a, b, o);
}

} // namespace robstat
