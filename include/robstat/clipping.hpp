// Iterative sigma clipping (astropy.stats.sigma_clip semantics), fast.
//
// Definition (astropy's): with S the finite values, repeat
//     c = center(S)   (median, or mean)
//     s = scale(S)    (mad_std = 1.482602218505602 * median|x - median(S)|, or std with ddof 0,
//                      each about its own centre, whatever `center` is)
//     lower = c - s * low,  upper = c + s * high
//     S <- { x in S : lower <= x <= upper }          (x < lower or x > upper is clipped)
// until an iteration clips nothing (converged), or maxiters iterations were done, or nothing is
// left (the last bounds are kept, as astropy's C implementation does). Every value is then
// labelled against the LAST bounds: -1 if x < lower, +1 if x > upper, 0 otherwise (astropy's
// mask is exactly this). NaN: by the NaN policy (omit: label 0 and excluded). +-inf are never
// part of S and are always labelled -1 / +1 (astropy masks them as invalid).
//
// Speed: the kept set is always a value interval [A, B] of the finite values, i.e. a contiguous
// range [a, b) of their ranks. The finite values are copied once and distributed into value
// buckets (splitters from a sample); order statistics are selected lazily inside buckets
// (remembering every position placed), counts below a bound scan one bucket, and the sums for
// mean/std are cached per bucket, so the iterations after the first touch only a few buckets.
// The MAD over a rank range is the k-th element of two sorted sequences (the deviations left
// and right of the centre): a binary search of O(log n) order statistics.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "robstat/scale.hpp"

namespace robstat {

/// Centre of sigma clipping.
enum class clip_center { median, mean };
/// Scale of sigma clipping: mad_std = 1.482602218505602 * MAD, std = standard deviation (ddof 0).
enum class clip_scale { mad_std, std };

/// Parameters of sigma clipping. maxiters <= 0 means "until an iteration clips nothing".
struct sigma_clip_params {
    double low = 3.0;
    double high = 3.0;
    long maxiters = -1;
    clip_center center = clip_center::median;
    clip_scale scale = clip_scale::mad_std;
};

/// Number of per-lane values the lane function writes after the labels:
/// lower, upper, center, scale, n_iter, converged.
inline constexpr std::size_t sigma_clip_nq = 6;

/// Result of robstat::sigma_clip.
template <class W> struct sigma_clip_result {
    std::vector<std::int8_t>
        labels;             ///< per value: -1 clipped low, 0 kept (or NaN), +1 clipped high
    W lower, upper;         ///< the last bounds (NaN when no finite value)
    W center, scale;        ///< the centre and scale they were computed from
    std::size_t n_iter = 0; ///< iterations done (bounds computed)
    bool converged = false; ///< the last iteration clipped nothing
    std::size_t n_low = 0, n_high = 0, n_kept = 0, n_nan = 0;
};

inline constexpr named<clip_center> clip_center_names[] = {
    { "median", clip_center::median },
    { "mean", clip_center::mean },
};
inline constexpr named<clip_scale> clip_scale_names[] = {
    { "mad_std", clip_scale::mad_std },
    { "std", clip_scale::std },
};

inline clip_center parse_clip_center(std::string_view s)
{
    return parse_name(s, clip_center_names, "center");
}

inline clip_scale parse_clip_scale(std::string_view s)
{
    return parse_name(s, clip_scale_names, "scale");
}

namespace detail {

    inline void validate_sigma_clip(const sigma_clip_params& p)
    {
        if (!(std::isfinite(p.low) && p.low >= 0))
            throw std::invalid_argument(
                "low must be finite and >= 0 (got " + format_value(p.low) + ")");
        if (!(std::isfinite(p.high) && p.high >= 0))
            throw std::invalid_argument(
                "high must be finite and >= 0 (got " + format_value(p.high) + ")");
        if (p.maxiters == 0)
            throw std::invalid_argument("maxiters must be None (or negative: until no value is "
                                        "clipped) or >= 1 (got 0)");
    }

    /// a * b rounded to double before any addition: under -mfma with GCC's default
    /// -ffp-contract=fast, c - a * b would otherwise become one fused multiply-add and the
    /// bounds would differ from astropy's (NumPy's) in the last bit.
    inline double rounded_product(double a, double b) noexcept
    {
        volatile double p = a * b;
        return p;
    }

    /// sigma_clip_params from plain values (the dispatch boundary passes enums as int).
    inline sigma_clip_params make_clip_params(
        double low, double high, long maxiters, int center, int scale) noexcept
    {
        sigma_clip_params p;
        p.low = low;
        p.high = high;
        p.maxiters = maxiters;
        p.center = static_cast<clip_center>(center);
        p.scale = static_cast<clip_scale>(scale);
        return p;
    }

    /// Compensated sums of (x - shift) and (x - shift)^2 over x[0..n), optionally only over
    /// the values in [lo, hi]; adds to s1, s2.
    template <class Arch, class W>
    void shifted_sums(const W* x, std::size_t n, double shift, bool masked, W lo, W hi,
        simd::neumaier_scalar<Arch>& s1, simd::neumaier_scalar<Arch>& s2) noexcept
    {
        using batch = xsimd::batch<double, Arch>;
        constexpr std::size_t V = batch::size;
        simd::neumaier<Arch> a1, a2;
        const batch sh(shift), blo(static_cast<double>(lo)), bhi(static_cast<double>(hi));
        std::size_t i = 0;
        for (; i + V <= n; i += V) {
            const batch v = simd::load_as_double<Arch>(x + i);
            batch d = v - sh;
            if (masked)
                d = xsimd::select((v >= blo) & (v <= bhi), d, batch(0.0));
            a1.add(d);
            a2.add(d * d);
        }
        double p1[3 * V], p2[3 * V];
        double* e1 = a1.store_partials(p1);
        double* e2 = a2.store_partials(p2);
        for (; i < n; ++i) {
            const W v = x[i];
            if (masked && !(v >= lo && v <= hi))
                continue;
            const double d = static_cast<double>(v) - shift;
            *e1++ = d;
            *e2++ = d * d;
        }
        s1.add(simd::exact_sum<Arch>(p1, static_cast<std::size_t>(e1 - p1)));
        s2.add(simd::exact_sum<Arch>(p2, static_cast<std::size_t>(e2 - p2)));
    }

    /// The finite values of a lane, lazily ordered: value buckets (or fully sorted when short),
    /// order statistics selected on demand, counts below a value, sums over a value interval.
    template <class Arch, class W> class clip_index {
    public:
        static constexpr std::size_t sort_below = 2048;

        /// vals holds n finite values (reordered; may be swapped with scratch).
        clip_index(std::vector<W>& vals, std::size_t n, std::vector<W>& scratch)
            : n_(n)
        {
            if (n <= sort_below) {
                d_ = vals.data();
                std::sort(d_, d_ + n);
                sorted_ = true;
                return;
            }
            distribute(vals.data(), scratch);
        }

        std::size_t size() const noexcept { return n_; }

        /// The k-th smallest value (k < n).
        W select(std::size_t k)
        {
            if (sorted_)
                return d_[k];
            auto it = std::upper_bound(cuts_.begin(), cuts_.end(), k);
            const std::size_t hi = *it, lo = *(it - 1);
            if (hi - lo > 1) {
                if (k == lo)
                    std::iter_swap(d_ + k, std::min_element(d_ + lo, d_ + hi));
                else if (k + 1 == hi)
                    std::iter_swap(d_ + k, std::max_element(d_ + lo, d_ + hi));
                else
                    std::nth_element(d_ + lo, d_ + k, d_ + hi);
                // cuts k and k + 1 (k + 1 <= hi; lo is already a cut)
                if (k > lo)
                    it = cuts_.insert(it, k) + 1;
                if (k + 1 < hi)
                    cuts_.insert(it, k + 1);
            }
            return d_[k];
        }

        /// Number of values < v (strict) or <= v (!strict). v must not be NaN.
        std::size_t count_below(W v, bool strict) const
        {
            if (sorted_)
                return static_cast<std::size_t>(
                    (strict ? std::lower_bound(d_, d_ + n_, v) : std::upper_bound(d_, d_ + n_, v))
                    - d_);
            const std::size_t b = bucket_of(v);
            std::size_t c = off_[b];
            const W* p = d_ + off_[b];
            const std::size_t m = off_[b + 1] - off_[b];
            std::size_t k = 0;
            if (strict)
                for (std::size_t i = 0; i < m; ++i)
                    k += p[i] < v;
            else
                for (std::size_t i = 0; i < m; ++i)
                    k += p[i] <= v;
            return c + k;
        }

        /// Sum of (x - shift) and (x - shift)^2 over the values of ranks [a, b), which are the
        /// values in [lo, hi] (the cached per-bucket sums are used when shift is
        /// default_shift()).
        void range_sums(
            std::size_t a, std::size_t b, W lo, W hi, double shift, double& s1, double& s2)
        {
            simd::neumaier_scalar<Arch> acc1, acc2;
            if (sorted_) {
                shifted_sums<Arch>(d_ + a, b - a, shift, false, lo, hi, acc1, acc2);
            } else {
                const bool cache = shift == s0_;
                for (std::size_t j = 0; j + 1 < off_.size(); ++j) {
                    const std::size_t o0 = off_[j], o1 = off_[j + 1];
                    if (o1 <= a || o0 >= b || o0 == o1)
                        continue;
                    if (o0 >= a && o1 <= b) { // the whole bucket
                        if (!cache) {
                            shifted_sums<Arch>(d_ + o0, o1 - o0, shift, false, lo, hi, acc1, acc2);
                            continue;
                        }
                        if (!bucket_ok_[j]) {
                            simd::neumaier_scalar<Arch> b1, b2;
                            shifted_sums<Arch>(d_ + o0, o1 - o0, s0_, false, lo, hi, b1, b2);
                            bs1_[j] = b1.total();
                            bs2_[j] = b2.total();
                            bucket_ok_[j] = 1;
                        }
                        acc1.add(bs1_[j]);
                        acc2.add(bs2_[j]);
                    } else {
                        shifted_sums<Arch>(d_ + o0, o1 - o0, shift, true, lo, hi, acc1, acc2);
                    }
                }
            }
            s1 = acc1.total();
            s2 = acc2.total();
        }

        /// The shift of the cached bucket sums (a sample median).
        double default_shift() const noexcept
        {
            return sorted_ ? static_cast<double>(d_[n_ / 2]) : s0_;
        }

    private:
        std::size_t bucket_of(W v) const noexcept
        {
            // number of splitters <= v (branch-free binary search; split_ has 2^k - 1 entries)
            const W* s = split_.data();
            std::size_t i = 0;
            for (std::size_t step = (split_.size() + 1) / 2; step >= 1; step /= 2)
                i += s[i + step - 1] <= v ? step : 0;
            return i;
        }

        void distribute(W* src, std::vector<W>& scratch)
        {
            const std::size_t nb = n_ >= (std::size_t(1) << 16) ? 64 : 16;
            // splitters: evenly spaced order statistics of a deterministic sample
            const std::size_t ns = std::min<std::size_t>(n_, 32 * nb);
            std::vector<W> sample(ns);
            for (std::size_t i = 0; i < ns; ++i)
                sample[i] = src[i * (n_ / ns)];
            std::sort(sample.begin(), sample.end());
            s0_ = static_cast<double>(sample[ns / 2]);
            split_.clear();
            for (std::size_t j = 1; j < nb; ++j) {
                const W s = sample[j * ns / nb];
                if (split_.empty() || s > split_.back())
                    split_.push_back(s);
            }
            split_.resize(nb - 1, std::numeric_limits<W>::infinity());
            std::vector<std::uint8_t> idx(n_);
            std::vector<std::size_t> count(nb + 1, 0);
            for (std::size_t i = 0; i < n_; ++i) {
                const auto b = static_cast<std::uint8_t>(bucket_of(src[i]));
                idx[i] = b;
                ++count[b + 1];
            }
            off_.assign(nb + 1, 0);
            for (std::size_t j = 0; j < nb; ++j)
                off_[j + 1] = off_[j] + count[j + 1];
            scratch.resize(n_);
            std::vector<std::size_t> pos(off_.begin(), off_.end() - 1);
            for (std::size_t i = 0; i < n_; ++i)
                scratch[pos[idx[i]]++] = src[i];
            d_ = scratch.data();
            cuts_.assign(off_.begin(), off_.end());
            cuts_.erase(std::unique(cuts_.begin(), cuts_.end()), cuts_.end());
            bs1_.assign(nb, 0.0);
            bs2_.assign(nb, 0.0);
            bucket_ok_.assign(nb, 0);
        }

        W* d_ = nullptr;
        std::size_t n_ = 0;
        bool sorted_ = false;
        double s0_ = 0.0;
        std::vector<W> split_;
        std::vector<std::size_t> off_, cuts_;
        std::vector<double> bs1_, bs2_;
        std::vector<char> bucket_ok_;
    };

    /// One round's scale from the raw MAD of the values kept: mad_std.
    template <class W> W mad_std_from(W raw) noexcept
    {
        return static_cast<W>(static_cast<double>(raw) * mad_normal_scale);
    }

    /// A fence v in W, a value beyond W's range saturated to its largest finite value:
    /// every finite value is then inside it and +-inf outside, as the rules label them
    /// (rounded to W it would be +-inf, and +-inf, labelled outliers, would not be beyond
    /// the reported fence).
    template <class W> W saturated_fence(double v) noexcept
    {
        constexpr double lim = std::numeric_limits<W>::max();
        return static_cast<W>(std::clamp(v, -lim, lim));
    }

    /// One round's bounds (astropy: cen - (std * sigma_lower), cen + (std * sigma_upper),
    /// the products rounded). Also what robstat.dask.aggregate clips by. With a finite
    /// centre (the finite values have one, and a finite spread, even when the scale
    /// overflowed) bounds beyond W's range are saturated_fence's: +-inf stay outliers.
    template <class W> std::pair<W, W> clip_bounds(W c, W s, double low, double high) noexcept
    {
        const double cd = static_cast<double>(c), sd = static_cast<double>(s);
        const double lo = cd - rounded_product(sd, low), hi = cd + rounded_product(sd, high);
        if (!std::isfinite(cd))
            return { static_cast<W>(lo), static_cast<W>(hi) };
        return { saturated_fence<W>(lo), saturated_fence<W>(hi) };
    }

    /// What sigma clipping found for one lane.
    template <class W> struct clip_fit {
        W lower, upper, center, scale;
        std::size_t n_iter = 0;
        bool converged = false;
    };

    /// The k-th smallest (0-based) of |x - c| over ranks [a, b) of idx, where the ranks
    /// [a, mid) hold the values < c and [mid, b) those >= c: the k-th element of the merged
    /// sequences c - x(mid-1), c - x(mid-2), ... and x(mid) - c, x(mid+1) - c, ...
    template <class Arch, class W>
    W kth_abs_deviation(
        clip_index<Arch, W>& idx, std::size_t a, std::size_t mid, std::size_t b, W c, std::size_t k)
    {
        const std::size_t nl = mid - a, nr = b - mid;
        auto L = [&](std::size_t i) { return static_cast<W>(c - idx.select(mid - 1 - i)); };
        auto R = [&](std::size_t j) { return static_cast<W>(idx.select(mid + j) - c); };
        // i values from the left and j = k + 1 - i from the right are the k + 1 smallest
        std::size_t lo = k + 1 > nr ? k + 1 - nr : 0, hi = std::min(k + 1, nl);
        while (lo < hi) {
            const std::size_t i = lo + (hi - lo) / 2, j = k + 1 - i;
            if (j > 0 && L(i) < R(j - 1))
                lo = i + 1;
            else
                hi = i;
        }
        const std::size_t i = lo, j = k + 1 - i;
        if (i == 0)
            return R(j - 1);
        if (j == 0)
            return L(i - 1);
        return std::max(L(i - 1), R(j - 1));
    }

    /// Sigma clipping of the n finite values in vals (reordered; scratch is a second buffer).
    template <class Arch, class W>
    clip_fit<W> sigma_clip_fit(
        std::vector<W>& vals, std::size_t n, const sigma_clip_params& prm, std::vector<W>& scratch)
    {
        clip_fit<W> f;
        f.lower = f.upper = f.center = f.scale = quiet_nan<W>();
        if (n == 0)
            return f;
        clip_index<Arch, W> idx(vals, n, scratch);
        const bool need_median
            = prm.center == clip_center::median || prm.scale == clip_scale::mad_std;
        const bool need_mean = prm.center == clip_center::mean || prm.scale == clip_scale::std;
        W A = -std::numeric_limits<W>::infinity(), B = std::numeric_limits<W>::infinity();
        std::size_t a = 0, b = n;
        for (std::size_t it = 1;; ++it) {
            const std::size_t m = b - a;
            W med {}, mean {};
            double sd = 0;
            if (need_median) {
                const W hi = idx.select(a + m / 2);
                med = m % 2 ? hi : midpoint(idx.select(a + (m - 1) / 2), hi);
            }
            if (need_mean) {
                double shift = idx.default_shift(), s1, s2;
                idx.range_sums(a, b, A, B, shift, s1, s2);
                const double dm = static_cast<double>(m);
                double mu = shift + s1 / dm;
                double var = (s2 - s1 * s1 / dm) / dm;
                // Cancellation: sum again about a kept value (the kept median: the
                // errors then scale with the kept values, not with the shift), and if
                // that still cancels, about the mean.
                for (int retry = 0; retry < 2 && (mu - shift) * (mu - shift) > 16 * var; ++retry) {
                    shift = retry == 0
                        ? static_cast<double>(need_median ? med : idx.select(a + m / 2))
                        : mu;
                    idx.range_sums(a, b, A, B, shift, s1, s2);
                    mu = shift + s1 / dm;
                    var = (s2 - s1 * s1 / dm) / dm;
                }
                mean = static_cast<W>(mu);
                sd = std::sqrt(std::max(var, 0.0));
            }
            const W c = prm.center == clip_center::median ? med : mean;
            W s;
            if (prm.scale == clip_scale::std) {
                s = static_cast<W>(sd);
            } else {
                const std::size_t mid = std::clamp(idx.count_below(med, true), a, b);
                const W hi = kth_abs_deviation(idx, a, mid, b, med, m / 2);
                const W raw = m % 2
                    ? hi
                    : midpoint(kth_abs_deviation(idx, a, mid, b, med, (m - 1) / 2), hi);
                s = mad_std_from(raw);
            }
            const auto [lo, hi] = clip_bounds(c, s, prm.low, prm.high);
            f.lower = lo;
            f.upper = hi;
            f.center = c;
            f.scale = s;
            f.n_iter = it;
            // comparisons with a NaN bound clip nothing (as x < NaN is false)
            const std::size_t na = lo == lo ? std::max(a, idx.count_below(lo, true)) : a;
            std::size_t nb = hi == hi ? std::min(b, idx.count_below(hi, false)) : b;
            nb = std::max(nb, na);
            if (na == a && nb == b) {
                f.converged = true;
                break;
            }
            a = na;
            b = nb;
            if (lo == lo)
                A = std::max(A, lo);
            if (hi == hi)
                B = std::min(B, hi);
            if (a == b)
                break; // nothing left: keep the last bounds
            if (prm.maxiters > 0 && it >= static_cast<std::size_t>(prm.maxiters))
                break;
        }
        return f;
    }

    /// Label of one value against fences: -1 below, +1 above, 0 inside or NaN; infinite
    /// values are labelled by their sign when `clip_inf` (sigma clipping never keeps them).
    template <class W> inline W fence_label(W v, W lo, W hi, bool clip_inf) noexcept
    {
        if (v < lo)
            return W(-1);
        if (v > hi)
            return W(1);
        if (clip_inf && std::isinf(v))
            return v < 0 ? W(-1) : W(1);
        return W(0);
    }

    /// out[i] = fence_label(x[i], lo, hi, clip_inf); branch-free (vectorisable) when both
    /// bounds are finite (then -inf < lo and inf > hi already, and NaN compares false).
    template <class T, class W>
    void label_lane(strided_span<const T> x, W lo, W hi, bool clip_inf, W* out) noexcept
    {
        if (std::isfinite(lo) && std::isfinite(hi)) {
            if (x.stride == 1 && std::is_same_v<T, W>) {
                const T* p = x.data;
                for (std::size_t i = 0; i < x.size; ++i)
                    out[i] = static_cast<W>(p[i] > hi) - static_cast<W>(p[i] < lo);
            } else {
                for (std::size_t i = 0; i < x.size; ++i) {
                    const W v = static_cast<W>(x[i]);
                    out[i] = static_cast<W>(v > hi) - static_cast<W>(v < lo);
                }
            }
            return;
        }
        for (std::size_t i = 0; i < x.size; ++i)
            out[i] = fence_label<W>(static_cast<W>(x[i]), lo, hi, clip_inf);
    }

    /// Copy the non-NaN values of x into ws.buffer under the NaN policy and move the finite
    /// ones to its front. Returns false when a NaN propagates. Sets n_finite.
    template <class Arch, class T>
    bool gather_finite(strided_span<const T> x, nan_policy p, workspace<result_t<T>>& ws,
        std::size_t& n_finite, std::size_t* n_values = nullptr)
    {
        using W = result_t<T>;
        const gather_status st = gather<Arch, W>(x, p, ws.buffer);
        if (st.nan_result)
            return false;
        std::size_t m = 0;
        for (std::size_t i = 0; i < st.n_used; ++i) {
            const W v = ws.buffer[i];
            ws.buffer[m] = v;
            m += std::isfinite(v);
        }
        n_finite = m;
        if (n_values)
            *n_values = st.n_used; // finite and infinite
        return true;
    }

    /// Lane function: labels (x.size values, -1/0/+1 as W) then sigma_clip_nq per-lane values
    /// (lower, upper, center, scale, n_iter, converged) into out. ws.n_used = finite values.
    template <class Arch, class T>
    void sigma_clip_lane(strided_span<const T> x, const sigma_clip_params& prm, result_t<T>* out,
        nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        W* stats = out + x.size;
        std::size_t n = 0;
        if (!gather_finite<Arch>(x, p, ws, n)) {
            ws.n_used = x.size;
            for (std::size_t i = 0; i < x.size; ++i)
                out[i] = W(0);
            for (std::size_t i = 0; i < 4; ++i)
                stats[i] = quiet_nan<W>();
            stats[4] = stats[5] = W(0);
            return;
        }
        ws.n_used = n;
        const clip_fit<W> f = sigma_clip_fit<Arch, W>(ws.buffer, n, prm, ws.buffer2);
        label_lane(x, f.lower, f.upper, true, out);
        stats[0] = f.lower;
        stats[1] = f.upper;
        stats[2] = f.center;
        stats[3] = f.scale;
        stats[4] = static_cast<W>(f.n_iter);
        stats[5] = f.converged ? W(1) : W(0);
    }

    template <class W>
    void count_labels(const W* out, std::size_t n, std::size_t& lo, std::size_t& hi) noexcept
    {
        lo = hi = 0;
        for (std::size_t i = 0; i < n; ++i) {
            lo += out[i] < 0;
            hi += out[i] > 0;
        }
    }

} // namespace detail

/// Sigma clipping with astropy.stats.sigma_clip's semantics (see the top of this header).
template <class T, class Arch = xsimd::default_arch>
sigma_clip_result<result_t<T>> sigma_clip(
    strided_span<T> x, sigma_clip_params prm = {}, options o = {})
{
    using W = result_t<T>;
    detail::validate_sigma_clip(prm);
    workspace<W> ws;
    std::vector<W> out(x.size + sigma_clip_nq);
    const strided_span<const std::remove_cv_t<T>> xs { x.data, x.size, x.stride };
    detail::sigma_clip_lane<Arch, std::remove_cv_t<T>>(xs, prm, out.data(), o.nan, ws);
    sigma_clip_result<W> r;
    r.labels.resize(x.size);
    for (std::size_t i = 0; i < x.size; ++i) {
        r.labels[i] = static_cast<std::int8_t>(out[i]);
        if constexpr (std::is_floating_point_v<std::remove_cv_t<T>>)
            r.n_nan += x[i] != x[i];
    }
    detail::count_labels(out.data(), x.size, r.n_low, r.n_high);
    r.n_kept = x.size - r.n_low - r.n_high - r.n_nan;
    const W* s = out.data() + x.size;
    r.lower = s[0];
    r.upper = s[1];
    r.center = s[2];
    r.scale = s[3];
    r.n_iter = static_cast<std::size_t>(s[4]);
    r.converged = s[5] != W(0);
    return r;
}

template <class R, detail::if_contiguous_range<R> = 0>
auto sigma_clip(const R& r, sigma_clip_params prm = {}, options o = {})
{
    return sigma_clip(make_span(r), prm, o);
}

} // namespace robstat
