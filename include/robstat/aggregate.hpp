// The robust aggregator (docs/aggregate.md): cut both tails, report the centre
// with its uncertainty, and label every value -1 (cut low), 0 (kept) or +1
// (cut high), in one call.
//
//   method      what is cut                                centre, scale of the kept values
//   interval (ci = automatic) trim        floor(p n) values per tail (ties at a cut  trimmed mean,
//   SD of kept values   Yuen: t(h - 1) * se
//               by position: first occurrences cut low, (symmetric trim) last occurrences cut high)
//   mad         |x - median| > t * 1.4826 MAD (t = 3.5)   mean, SD of the kept values bootstrap on
//   request iqr         Tukey's fences, k = 1.5                    mean, SD of the kept values
//   bootstrap on request adjbox      medcouple-adjusted fences, coef = 1.5      mean, SD of the
//   kept values       bootstrap on request sigma_clip  median / mad_std clipping, t = 3 mean, SD of
//   the kept values       bootstrap on request huber       |x - T| > k s, k = 1.345 (the values
//   whose Huber location T,                  sandwich: z * s
//               influence is capped)                       s = 1.4826 MAD                    sqrt(E
//               psi^2) / E psi' / sqrt(n)
//
// The fence rules are those of robstat::outliers (outlier_rules.hpp), bit for
// bit. ci = bootstrap: the percentile interval of the centre over n_boot
// resamples of the whole procedure (cut, then centre), drawn with a seeded
// xoshiro256** generator, so a seed gives the same interval everywhere.
#pragma once

#include <array>
#include <cstdint>
#include <tuple>

#include "robstat/m_estimators.hpp"
#include "robstat/outlier_rules.hpp"
#include "robstat/trimmed.hpp"

namespace robstat {

enum class aggregate_method { trim, mad, iqr, adjbox, sigma_clip, huber };

/// How the interval of the centre is found: the analytic one where theory gives one
/// (trim: Yuen, huber: sandwich; NaN for the other methods), a percentile bootstrap, or none.
enum class aggregate_ci { automatic, bootstrap, none };

inline constexpr named<aggregate_method> aggregate_method_names[] = {
    { "trim", aggregate_method::trim },
    { "mad", aggregate_method::mad },
    { "iqr", aggregate_method::iqr },
    { "adjbox", aggregate_method::adjbox },
    { "sigma_clip", aggregate_method::sigma_clip },
    { "huber", aggregate_method::huber },
};
inline constexpr named<aggregate_ci> aggregate_ci_names[] = {
    { "auto", aggregate_ci::automatic },
    { "bootstrap", aggregate_ci::bootstrap },
    { "none", aggregate_ci::none },
};

inline aggregate_method parse_aggregate_method(std::string_view s)
{
    return parse_name(s, aggregate_method_names, "method");
}

inline std::string_view aggregate_method_name(aggregate_method m) noexcept
{
    return name_of(m, aggregate_method_names);
}

inline aggregate_ci parse_aggregate_ci(std::string_view s)
{
    return parse_name(s, aggregate_ci_names, "ci");
}

/// Huber's usual tuning constant: 95 % efficiency at the normal.
inline constexpr double aggregate_huber_k = 1.345;

struct aggregate_params {
    aggregate_method method = aggregate_method::trim;
    trim_spec trim { 0.1 }; ///< method trim: proportions (or counts) cut per tail
    /// The rule's threshold (mad, iqr, adjbox, sigma_clip: as robstat::outliers) or Huber's
    /// k; NaN: the method's default.
    double threshold = std::numeric_limits<double>::quiet_NaN();
    double confidence = 0.95;
    aggregate_ci ci = aggregate_ci::automatic;
    std::size_t n_boot = 1000;
    std::uint64_t seed = 0;
};

/// Per-lane values the lane function writes (in this order); the counts go to their own
/// array (exact at any size: a float lane cannot hold counts above 2^24).
enum aggregate_stat : std::size_t {
    agg_center,
    agg_scale,
    agg_ci_lower,
    agg_ci_upper,
    agg_lower_cut,
    agg_upper_cut,
    aggregate_nq
};

/// The counts the lane function writes: n, n_kept, n_low, n_high.
inline constexpr std::size_t aggregate_n_counts = 4;

/// Result of robstat::aggregate. NaN values (nan_policy::omit) are labelled 0 and counted
/// in none of n, n_kept, n_low, n_high.
template <class W> struct aggregate_result {
    W center, scale, ci_lower, ci_upper, lower_cut, upper_cut;
    std::size_t n = 0, n_kept = 0, n_low = 0, n_high = 0;
    std::vector<std::int8_t> labels; ///< -1 cut low, 0 kept (or NaN), +1 cut high
    aggregate_method method = aggregate_method::trim;
};

namespace detail {

    /// xoshiro256** (Blackman and Vigna), seeded through splitmix64: a small, fast generator
    /// whose stream is fixed by the seed on every platform.
    class xoshiro256 {
    public:
        explicit xoshiro256(std::uint64_t seed) noexcept
        {
            for (auto& s : s_) {
                seed += 0x9e3779b97f4a7c15ULL;
                std::uint64_t z = seed;
                z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
                z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
                s = z ^ (z >> 31);
            }
        }
        std::uint64_t next() noexcept
        {
            const std::uint64_t r = rotl(s_[1] * 5, 7) * 9;
            const std::uint64_t t = s_[1] << 17;
            s_[2] ^= s_[0];
            s_[3] ^= s_[1];
            s_[1] ^= s_[2];
            s_[0] ^= s_[3];
            s_[2] ^= t;
            s_[3] = rotl(s_[3], 45);
            return r;
        }
        /// Uniform on [0, n) without bias (Lemire's multiply-shift with rejection), n < 2^32.
        std::uint32_t below(std::uint32_t n) noexcept
        {
            std::uint64_t m = (next() >> 32) * n;
            auto low = static_cast<std::uint32_t>(m);
            if (low < n) {
                const std::uint32_t floor = static_cast<std::uint32_t>(-n) % n;
                while (low < floor) {
                    m = (next() >> 32) * n;
                    low = static_cast<std::uint32_t>(m);
                }
            }
            return static_cast<std::uint32_t>(m >> 32);
        }
        /// Uniform on [0, 1): the top 53 bits.
        double unit() noexcept { return static_cast<double>(next() >> 11) * 0x1p-53; }

    private:
        static std::uint64_t rotl(std::uint64_t x, int k) noexcept
        {
            return (x << k) | (x >> (64 - k));
        }
        std::uint64_t s_[4];
    };

    inline aggregate_params make_aggregate_params(int method, double lower, double upper,
        bool by_count, double threshold, double confidence, int ci, std::size_t n_boot,
        std::uint64_t seed) noexcept
    {
        aggregate_params p;
        p.method = static_cast<aggregate_method>(method);
        p.trim = make_trim(lower, upper, by_count);
        p.threshold = threshold;
        p.confidence = confidence;
        p.ci = static_cast<aggregate_ci>(ci);
        p.n_boot = n_boot;
        p.seed = seed;
        return p;
    }

    inline double aggregate_threshold(const aggregate_params& p)
    {
        if (p.threshold == p.threshold)
            return p.threshold;
        switch (p.method) {
        case aggregate_method::huber:
            return aggregate_huber_k;
        case aggregate_method::mad:
            return default_outlier_threshold(outlier_method::mad);
        case aggregate_method::iqr:
            return default_outlier_threshold(outlier_method::iqr);
        case aggregate_method::adjbox:
            return default_outlier_threshold(outlier_method::adjbox);
        case aggregate_method::sigma_clip:
            return default_outlier_threshold(outlier_method::sigma_clip);
        case aggregate_method::trim:
        default:
            return 0.0;
        }
    }

    inline void validate_aggregate(const aggregate_params& p)
    {
        if (static_cast<int>(p.method) < 0 || p.method > aggregate_method::huber)
            throw std::invalid_argument("internal: unknown aggregate method");
        if (p.method == aggregate_method::trim)
            validate_trim(p.trim, "trim", false);
        else if (p.threshold == p.threshold)
            validate_threshold(p.threshold);
        if (p.method == aggregate_method::huber && p.threshold == p.threshold)
            validate_tuning(p.threshold, "threshold (Huber's k)");
        validate_confidence(p.confidence, "confidence");
        if (p.ci == aggregate_ci::bootstrap && !(p.n_boot >= 2 && p.n_boot <= 100000000))
            throw std::invalid_argument(
                "n_boot must be in [2, 1e8] (got " + std::to_string(p.n_boot) + ")");
    }

    /// Weights: every method but adjbox (the medcouple has no weighted form here).
    inline void validate_aggregate_weights(const aggregate_params& p)
    {
        if (p.method == aggregate_method::adjbox)
            throw std::invalid_argument("weights are supported by the methods 'trim', 'mad', "
                                        "'iqr', 'sigma_clip' and 'huber' (got 'adjbox')");
        if (p.method == aggregate_method::trim && p.trim.by_count)
            throw std::invalid_argument(
                "weights: trim by proportion only (a count of values has no weighted meaning)");
    }

    inline outlier_method fence_rule(aggregate_method m) noexcept
    {
        switch (m) {
        case aggregate_method::iqr:
            return outlier_method::iqr;
        case aggregate_method::adjbox:
            return outlier_method::adjbox;
        case aggregate_method::sigma_clip:
            return outlier_method::sigma_clip;
        case aggregate_method::mad:
        default:
            return outlier_method::mad;
        }
    }

    inline bool is_fence_method(aggregate_method m) noexcept
    {
        return m != aggregate_method::trim && m != aggregate_method::huber;
    }

    /// The label of v against fence f: the comparisons of outliers_lane, bit for bit.
    template <class W> inline W fence_rule_label(W v, const fences<W>& f) noexcept
    {
        if (f.by_zscore)
            return zscore_label(v, f);
        return fence_label<W>(v, f.lower, f.upper, f.clip_inf);
    }

    /// Mean and sample standard deviation (ddof = 1) of buf[0..n) (two passes, the SIMD sums
    /// of var_lane); the mean guards against overflow as robstat::mean does.
    template <class Arch, class W>
    std::pair<double, double> mean_sd(const W* buf, std::size_t n, workspace<W>& ws)
    {
        if (n == 0)
            return { quiet_nan<double>(), quiet_nan<double>() };
        const strided_span<const W> s { buf, n, 1 };
        const std::size_t used = ws.n_used;
        const double m = static_cast<double>(mean_lane<Arch>(s, nan_policy::propagate, ws));
        const double v = n >= 2
            ? static_cast<double>(var_lane<Arch>(s, 1.0, nan_policy::propagate, ws))
            : quiet_nan<double>();
        ws.n_used = used;
        double big = 0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (std::size_t i = 0; i < n; ++i) {
            const double v = static_cast<double>(buf[i]);
            big = std::max(big, std::fabs(v));
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        // a mean lies in [min, max]; its rounding (or the scaling below, which can
        // flush tiny values) must not move it out
        const auto in_range = [&](double c) { return c == c ? std::clamp(c, lo, hi) : c; };
        if (std::isfinite(big) && big > 0 && std::ilogb(big) != 0
            && (std::abs(std::ilogb(big)) > 500 || !std::isfinite(m)
                || !(v < std::numeric_limits<double>::infinity()))) {
            // finite values whose sums or squares overflow (or underflow): the same on the
            // values scaled by a power of two (exact), scaled back
            const int e = std::ilogb(big);
            std::vector<W> scaled(buf, buf + n);
            for (auto& x : scaled)
                x = static_cast<W>(std::ldexp(static_cast<double>(x), -e));
            const auto r = mean_sd<Arch, W>(scaled.data(), n, ws);
            return { in_range(std::ldexp(r.first, e)), std::ldexp(r.second, e) };
        }
        return { in_range(m), std::sqrt(v) };
    }

    /// Two-sided normal quantile z with P(|Z| <= z) = confidence (Boost.Math): the t quantile
    /// with infinite degrees of freedom, remembered in the workspace.
    template <class W> double normal_critical(double confidence, workspace<W>& ws)
    {
        return t_critical(std::numeric_limits<double>::infinity(), confidence, ws);
    }

    /// The fitted part of one lane: everything but the labels.
    template <class W> struct aggregate_fit {
        bool ok = false; ///< false: NaN propagated, or no value (every statistic NaN)
        double center = quiet_nan<double>(), scale = quiet_nan<double>();
        double ci_lower = quiet_nan<double>(), ci_upper = quiet_nan<double>();
        W lower_cut = quiet_nan<W>(), upper_cut = quiet_nan<W>();
        std::size_t n = 0, g_lo = 0, g_hi = 0; ///< trim: values cut per tail
        fences<W> f;                           ///< fence methods and huber: the fences
    };

    /// trim: one selection and one pass (trimmed_moments of trimmed.hpp).
    template <class Arch, class T>
    aggregate_fit<result_t<T>> aggregate_trim(strided_span<const T> x, const aggregate_params& prm,
        bool want_ci, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        aggregate_fit<W> r;
        trim_moments m;
        if (!trimmed_moments<Arch>(x, prm.trim, p, ws, m))
            return r;   // NaN propagated, or no value
        if (m.h == 0) { // counts larger than the lane: nothing kept (reported as small)
            ws.n_used = 0;
            return r;
        }
        r.ok = true;
        r.n = m.n;
        r.g_lo = m.g_lo;
        r.g_hi = m.g_hi;
        r.center = m.tmean;
        r.lower_cut = static_cast<W>(m.lo);
        r.upper_cut = static_cast<W>(m.hi);
        const double big = std::max(std::fabs(m.lo), std::fabs(m.hi));
        if (std::isfinite(big) && big > 0 && std::ilogb(big) != 0
            && (std::abs(std::ilogb(big)) > 500 || !std::isfinite(m.tmean)
                || !std::isfinite(m.ssd_t) || !std::isfinite(m.ssd_w))) {
            // the kept values are finite but their sums or squares overflow (or underflow):
            // the same on the values scaled by a power of two (exact), then scaled back
            const int e = std::ilogb(big);
            std::vector<W> scaled(x.size);
            for (std::size_t i = 0; i < x.size; ++i)
                scaled[i] = static_cast<W>(std::ldexp(static_cast<double>(x[i]), -e));
            aggregate_fit<W> s = aggregate_trim<Arch, W>(
                strided_span<const W> { scaled.data(), scaled.size(), 1 }, prm, want_ci, p, ws);
            r.center = std::ldexp(s.center, e);
            r.scale = std::ldexp(s.scale, e);
            r.ci_lower = std::ldexp(s.ci_lower, e);
            r.ci_upper = std::ldexp(s.ci_upper, e);
            ws.n_used = m.n;
            return r;
        }
        if (m.h >= 2) {
            r.scale = std::sqrt(m.ssd_t / (static_cast<double>(m.h) - 1.0));
            if (want_ci && prm.trim.symmetric() && std::isfinite(m.ssd_w)) {
                const double half
                    = t_critical(static_cast<double>(m.h) - 1.0, prm.confidence, ws) * yuen_se(m);
                r.ci_lower = m.tmean - half;
                r.ci_upper = m.tmean + half;
            }
        }
        return r;
    }

    /// huber: location with the normal-consistent MAD as its scale; the sandwich interval
    /// T -+ z s sqrt(mean psi^2) / mean psi' / sqrt(n).
    template <class Arch, class T>
    aggregate_fit<result_t<T>> aggregate_huber(strided_span<const T> x, double k, bool want_ci,
        const aggregate_params& prm, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        aggregate_fit<W> r;
        const W med = median_lane<Arch>(x, p, ws);
        const std::size_t n = ws.n_used;
        if (n == 0 || med != med) // NaN: empty, propagated, or the median of -inf and inf
            return r;
        const double md = static_cast<double>(med);
        const double s = static_cast<double>(mad_lane<Arch>(x, &md, 1.0, p, ws)) * mad_normal_scale;
        const double t = static_cast<double>(huber_lane<Arch>(x, k, &s, p, ws));
        ws.n_used = n;
        r.ok = true;
        r.n = n;
        r.center = t;
        r.scale = s;
        r.f.ok = true;
        r.f.lower = static_cast<W>(t - k * s);
        r.f.upper = static_cast<W>(t + k * s);
        r.lower_cut = r.f.lower;
        r.upper_cut = r.f.upper;
        if (!want_ci || !(s > 0) || !std::isfinite(s) || !std::isfinite(t) || n < 2)
            return r;
        double sum_psi2 = 0, n_inside = 0;
        for (std::size_t i = 0; i < x.size; ++i) {
            const double v = static_cast<double>(x[i]);
            if (v != v)
                continue;
            const double u = (v - t) / s;
            const double psi = u < -k ? -k : (u > k ? k : u);
            sum_psi2 += psi * psi;
            n_inside += std::fabs(u) < k;
        }
        if (n_inside == 0)
            return r;
        const double nn = static_cast<double>(n);
        const double se = s * std::sqrt(sum_psi2 / nn) / (n_inside / nn) / std::sqrt(nn);
        const double z = normal_critical(prm.confidence, ws);
        r.ci_lower = t - z * se;
        r.ci_upper = t + z * se;
        return r;
    }

    /// The centre of a lane by method prm.method, without labels (the bootstrap's statistic).
    template <class Arch, class W>
    double aggregate_center(
        const W* v, std::size_t n, const aggregate_params& prm, double t, workspace<W>& ws)
    {
        const strided_span<const W> x { v, n, 1 };
        if (prm.method == aggregate_method::trim)
            return static_cast<double>(trimmed_mean_lane<Arch>(x, prm.trim, nan_policy::omit, ws));
        if (prm.method == aggregate_method::huber)
            return static_cast<double>(huber_lane<Arch>(x, t, nullptr, nan_policy::omit, ws));
        const fences<W> f
            = outlier_fences<Arch>(x, fence_rule(prm.method), t, nan_policy::omit, ws);
        if (!f.ok)
            return quiet_nan<double>();
        std::vector<W> kept; // (the mean of aggregate_lane: mean_sd of the kept values)
        kept.reserve(n);
        for (std::size_t i = 0; i < n; ++i)
            if (fence_rule_label(v[i], f) == W(0))
                kept.push_back(v[i]);
        return mean_sd<Arch, W>(kept.data(), kept.size(), ws).first;
    }

    /// Percentile bootstrap interval of the centre over prm.n_boot resamples of vals[0..n).
    /// With frequency weights (cum_w[i]: the weight of vals[0..i], positive weights) each
    /// resample draws round(total weight) values, value i with probability w_i / total:
    /// for integer weights (total < 2^32) the draws are uniform positions of the repeated
    /// sample, so the interval equals, bit for bit, that of the repeated values.
    template <class Arch, class W>
    std::pair<double, double> aggregate_bootstrap(const W* vals, std::size_t n,
        const aggregate_params& prm, double t, const double* cum_w = nullptr)
    {
        const double nan = quiet_nan<double>();
        constexpr double max_draws = static_cast<double>(std::numeric_limits<std::uint32_t>::max());
        const double total = cum_w && n > 0 ? cum_w[n - 1] : static_cast<double>(n);
        if (!(total >= 1.5) || !(total <= max_draws))
            return { nan, nan };
        bool integer_weights = true;
        for (std::size_t i = 0; cum_w && i < n && integer_weights; ++i)
            integer_weights = cum_w[i] == std::floor(cum_w[i]);
        const auto m = static_cast<std::size_t>(std::llround(total)); // the resample size
        const auto pick = [&](xoshiro256& g) -> std::size_t {
            if (!cum_w)
                return g.below(static_cast<std::uint32_t>(n));
            const double u = integer_weights
                ? static_cast<double>(g.below(static_cast<std::uint32_t>(m)))
                : g.unit() * total;
            const auto i = static_cast<std::size_t>(std::upper_bound(cum_w, cum_w + n, u) - cum_w);
            return std::min(i, n - 1);
        };
        xoshiro256 rng(prm.seed);
        std::vector<W> resample(m);
        std::vector<double> centers;
        centers.reserve(prm.n_boot);
        workspace<W> ws;
        for (std::size_t b = 0; b < prm.n_boot; ++b) {
            for (std::size_t i = 0; i < m; ++i)
                resample[i] = vals[pick(rng)];
            const double c = aggregate_center<Arch>(resample.data(), m, prm, t, ws);
            if (c == c)
                centers.push_back(c);
        }
        if (centers.size() < 2)
            return { nan, nan };
        std::sort(centers.begin(), centers.end());
        const double alpha = (1.0 - prm.confidence) / 2.0;
        auto at = [&](double q) { // linear interpolation (type 7)
            const double h = q * static_cast<double>(centers.size() - 1);
            const auto lo = static_cast<std::size_t>(std::floor(h));
            const std::size_t hi = std::min(lo + 1, centers.size() - 1);
            return centers[lo] + (h - static_cast<double>(lo)) * (centers[hi] - centers[lo]);
        };
        return { at(alpha), at(1.0 - alpha) };
    }

    // ---- weighted (frequency weights, weighted.hpp) ---------------------------------

    /// Weighted sum of squared deviations from c over the values with kw(i, v) > 0, on values
    /// scaled by 2^-e (exact) so that neither the squares nor their sum overflow.
    template <class Arch, class T, class KW>
    double weighted_ssd(strided_span<const T> x, double c, int e, KW&& kw)
    {
        simd::neumaier_scalar<Arch> acc;
        const double cs = std::ldexp(c, -e);
        for (std::size_t i = 0; i < x.size; ++i) {
            const double v = static_cast<double>(x[i]);
            const double k = kw(i, v);
            if (k > 0) {
                const double d = std::ldexp(v, -e) - cs;
                acc.add(d * d * k);
            }
        }
        return acc.total();
    }

    /// Sigma clipping with frequency weights: sigma_clip_fences on the repeated sample
    /// (integer weights give its fences). Each round takes the weighted median and the
    /// normal-consistent weighted MAD of the finite values still kept and keeps
    /// lo <= v <= hi, until a round clips nothing or nothing is left (then the last
    /// fences stay). False when no finite value has weight.
    template <class Arch, class T, class U>
    bool weighted_sigma_clip_fences(strided_span<const T> x, strided_span<const U> w, double t,
        workspace<result_t<T>>& ws, fences<result_t<T>>& f)
    {
        using W = result_t<T>;
        using UU = std::remove_cv_t<U>;
        std::vector<UU> kept(x.size); // the weight of each value still kept (0: clipped)
        bool any = false;
        for (std::size_t i = 0; i < x.size; ++i) {
            const bool in = w[i] > 0 && std::isfinite(static_cast<double>(x[i]));
            kept[i] = in ? w[i] : UU(0);
            any = any || in;
        }
        if (!any)
            return false;
        const strided_span<const UU> kw { kept.data(), kept.size(), 1 };
        f.ok = true;
        f.clip_inf = true;
        for (;;) {
            const double med
                = static_cast<double>(weighted_median_lane<Arch>(x, kw, nan_policy::omit, ws));
            // as sigma_clip_fit: the scale rounded to W before the fences are formed
            const double s = static_cast<double>(static_cast<W>(
                static_cast<double>(weighted_mad_lane<Arch>(x, kw, &med, 1.0, nan_policy::omit, ws))
                * mad_normal_scale));
            std::tie(f.lower, f.upper) = clip_bounds(static_cast<W>(med), static_cast<W>(s), t, t);
            bool clipped = false, left = false;
            for (std::size_t i = 0; i < x.size; ++i) {
                if (!(kept[i] > 0))
                    continue;
                const W v = static_cast<W>(x[i]);
                if (v < f.lower || v > f.upper) {
                    kept[i] = UU(0);
                    clipped = true;
                } else {
                    left = true;
                }
            }
            if (!clipped || !left)
                return true;
        }
    }

    /// The weighted statistics of one lane: centre, scale, cut points, labels and counts
    /// (validate_aggregate_weights: every method but adjbox). Weights count repetitions:
    /// integer weights give the centre, scale, cut points and interval of the repeated
    /// sample. A value is labelled by where its whole weight lies: one straddling a trim cut
    /// keeps part of its weight and is labelled 0. Zero-weight values are absent (label 0,
    /// counted nowhere). Returns false when every statistic is NaN.
    template <class Arch, class T, class U>
    bool aggregate_weighted(strided_span<const T> x, strided_span<const U> w,
        const aggregate_params& prm, double t, std::int8_t* labels, std::size_t& n,
        std::size_t& n_low, std::size_t& n_high, aggregate_fit<result_t<T>>& r, nan_policy p,
        workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        auto weight = [&](std::size_t i) { return static_cast<double>(w[i]); };
        auto present = [&](std::size_t i, double v) { return weight(i) > 0 && v == v; };
        auto label_all = [&](auto&& label_of) {
            for (std::size_t i = 0; i < x.size; ++i) {
                const double v = static_cast<double>(x[i]);
                if (!present(i, v))
                    continue;
                ++n;
                const int l = label_of(v);
                labels[i] = static_cast<std::int8_t>(l);
                n_low += l < 0;
                n_high += l > 0;
            }
        };
        if (prm.method == aggregate_method::trim) {
            bool done = false;
            double g_lo = 0, kept = 0, ka = 0, kb = 0;
            with_weighted_pairs<Arch>(x, w, p, ws, [&](weighted_pairs<W>& pr) -> W {
                const double total = pr.total();
                g_lo = weight_tail(prm.trim.lower, total);
                kept = (total - weight_tail(prm.trim.upper, total)) - g_lo;
                if (!(kept > 0))
                    return W(0);
                const wwindow<W> wd = select_window(pr, g_lo, kept);
                r.lower_cut = wd.a.value;
                r.upper_cut = wd.b.value;
                r.center = window_mean<Arch>(pr, wd, g_lo, kept);
                ka = wd.same() ? kept : wd.a.end() - g_lo;          // kept weight at the lower cut
                kb = wd.same() ? 0.0 : g_lo - (wd.b.before - kept); // ... at the upper cut
                done = true;
                return W(0);
            });
            if (!done) {
                if (ws.n_used > 0)
                    ws.n_used = 0; // nothing kept (a total weight below the trim)
                return false;
            }
            const double lo = static_cast<double>(r.lower_cut);
            const double hi = static_cast<double>(r.upper_cut);
            label_all([&](double v) { return (v > hi) - (v < lo); });
            const double big = std::max(std::fabs(lo), std::fabs(hi));
            if (kept > 1 && std::isfinite(big) && std::isfinite(r.center)) {
                const int e = big > 0 ? std::ilogb(big) : 0;
                // strictly inside the cut points with their weight; the cut points' runs with
                // the part of their weight kept
                const double inner
                    = weighted_ssd<Arch>(x, r.center, e, [&](std::size_t i, double v) {
                          return present(i, v) && v > lo && v < hi ? weight(i) : 0.0;
                      });
                const double da = std::ldexp(lo, -e) - std::ldexp(r.center, -e);
                const double db = std::ldexp(hi, -e) - std::ldexp(r.center, -e);
                r.scale = std::ldexp(
                    std::sqrt((inner + da * da * ka + db * db * kb) / (kept - 1.0)), e);
            }
            return true; // (no analytic interval for a weighted trimmed mean)
        }
        // the fence methods and huber: weighted median and normal-consistent weighted MAD
        const W med = weighted_median_lane<Arch>(x, w, p, ws);
        if (ws.n_used == 0 || med != med)
            return false;
        const double md = static_cast<double>(med);
        fences<W> f;
        f.ok = true;
        if (prm.method == aggregate_method::iqr) {
            static constexpr double q[2] = { 0.25, 0.75 };
            W qs[2];
            weighted_quantile_lane<Arch>(x, w, q, 2, quantile_method::linear, qs, 1, p, ws);
            const double q1 = static_cast<double>(qs[0]), q3 = static_cast<double>(qs[1]);
            if (!(std::isfinite(q1) && std::isfinite(q3)))
                return false;
            f = iqr_fences_from<W>(q1, q3, t);
        } else if (prm.method == aggregate_method::sigma_clip) {
            if (!weighted_sigma_clip_fences<Arch>(x, w, t, ws, f))
                return false;
        } else { // mad (as mad_fences), huber (its default scale)
            const double raw = static_cast<double>(weighted_mad_lane<Arch>(x, w, &md, 1.0, p, ws));
            const double s = raw * mad_normal_scale;
            if (prm.method == aggregate_method::huber) {
                r.scale = s;
                r.center = static_cast<double>(huber_weighted_lane<Arch>(x, w, t, &s, p, ws));
                f.lower = static_cast<W>(r.center - t * s);
                f.upper = static_cast<W>(r.center + t * s);
            } else {
                f = mad_fences_from<W>(med, raw, t);
            }
        }
        r.f = f;
        r.lower_cut = f.lower;
        r.upper_cut = f.upper;
        label_all(
            [&](double v) { return static_cast<int>(fence_rule_label(static_cast<W>(v), f)); });
        if (prm.method == aggregate_method::huber) {
            const double s = r.scale, c = r.center, k = t;
            if (prm.ci == aggregate_ci::automatic && s > 0 && std::isfinite(s)
                && std::isfinite(c)) {
                simd::neumaier_scalar<Arch> a, b, tw;
                for (std::size_t i = 0; i < x.size; ++i) {
                    const double v = static_cast<double>(x[i]);
                    if (!present(i, v))
                        continue;
                    const double u = (v - c) / s;
                    const double psi = u < -k ? -k : (u > k ? k : u);
                    a.add(weight(i) * psi * psi);
                    b.add(std::fabs(u) < k ? weight(i) : 0.0);
                    tw.add(weight(i));
                }
                const double tot = tw.total();
                if (b.total() > 0 && tot > 1) {
                    const double se
                        = s * std::sqrt(a.total() / tot) / (b.total() / tot) / std::sqrt(tot);
                    const double z = normal_critical(prm.confidence, ws);
                    r.ci_lower = c - z * se;
                    r.ci_upper = c + z * se;
                }
            }
            return true;
        }
        // the weighted mean and SD (frequency weights: kept weight - 1) of the kept values
        auto kept_weight = [&](std::size_t i, double v) {
            return present(i, v) && fence_rule_label(static_cast<W>(v), f) == W(0) ? weight(i)
                                                                                   : 0.0;
        };
        simd::neumaier_scalar<Arch> kw;
        double big = 0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (std::size_t i = 0; i < x.size; ++i) {
            const double v = static_cast<double>(x[i]);
            const double k = kept_weight(i, v);
            if (k > 0) {
                kw.add(k);
                big = std::max(big, std::fabs(v));
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
        const double kept_w = kw.total();
        if (kept_w > 0 && std::isfinite(big)) {
            const int e = big > 0 ? std::ilogb(big) : 0;
            simd::neumaier_scalar<Arch> acc;
            for (std::size_t i = 0; i < x.size; ++i) {
                const double v = static_cast<double>(x[i]);
                const double k = kept_weight(i, v);
                if (k > 0)
                    acc.add(std::ldexp(v, -e) * k);
            }
            // (in [min, max] of the kept values whatever the rounding, as mean_sd)
            r.center = std::clamp(std::ldexp(acc.total() / kept_w, e), lo, hi);
            if (kept_w > 1)
                r.scale = std::ldexp(
                    std::sqrt(weighted_ssd<Arch>(x, r.center, e, kept_weight) / (kept_w - 1.0)), e);
        }
        return true;
    }

    /// Lane function: labels[0..x.size) (-1/0/+1), counts[0..4) (n, n_kept, n_low, n_high)
    /// and stats[0..aggregate_nq) (aggregate_stat order). ws.n_used: the values used (0: none,
    /// or nothing kept).
    template <class Arch, class T, class U = T>
    void aggregate_lane(strided_span<const T> x, strided_span<const U> w,
        const aggregate_params& prm, std::int8_t* labels, std::int64_t* counts, result_t<T>* stats,
        nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        std::fill(labels, labels + x.size, std::int8_t { 0 });
        std::fill(counts, counts + aggregate_n_counts, std::int64_t { 0 });
        std::fill(stats, stats + aggregate_nq, quiet_nan<W>());

        const double t = aggregate_threshold(prm);
        if (w.data != nullptr) {
            validate_aggregate_weights(prm);
            aggregate_fit<W> r;
            std::size_t n = 0, n_low = 0, n_high = 0;
            if (!aggregate_weighted<Arch>(x, w, prm, t, labels, n, n_low, n_high, r, p, ws)) {
                std::fill(labels, labels + x.size, std::int8_t { 0 });
                return;
            }
            ws.n_used = n;
            counts[0] = static_cast<std::int64_t>(n);
            counts[1] = static_cast<std::int64_t>(n - n_low - n_high);
            counts[2] = static_cast<std::int64_t>(n_low);
            counts[3] = static_cast<std::int64_t>(n_high);
            if (prm.ci == aggregate_ci::bootstrap) {
                // the values with a positive weight, in order, and their cumulative weight
                // (a plain running sum: nondecreasing, and exact for integer weights)
                std::vector<W> vals;
                std::vector<double> cum;
                double run = 0;
                for (std::size_t i = 0; i < x.size; ++i) {
                    const W v = static_cast<W>(x[i]);
                    const double wi = static_cast<double>(w[i]);
                    if (v == v && wi > 0) {
                        run += wi;
                        vals.push_back(v);
                        cum.push_back(run);
                    }
                }
                std::tie(r.ci_lower, r.ci_upper)
                    = aggregate_bootstrap<Arch, W>(vals.data(), vals.size(), prm, t, cum.data());
            }
            stats[agg_center] = static_cast<W>(r.center);
            stats[agg_scale] = static_cast<W>(r.scale);
            stats[agg_ci_lower] = static_cast<W>(r.ci_lower);
            stats[agg_ci_upper] = static_cast<W>(r.ci_upper);
            stats[agg_lower_cut] = r.lower_cut;
            stats[agg_upper_cut] = r.upper_cut;
            return;
        }
        const bool analytic = prm.ci == aggregate_ci::automatic;
        aggregate_fit<W> r;
        switch (prm.method) {
        case aggregate_method::trim:
            r = aggregate_trim<Arch>(x, prm, analytic, p, ws);
            break;
        case aggregate_method::huber:
            r = aggregate_huber<Arch>(x, t, analytic, prm, p, ws);
            break;
        default:
            r.f = outlier_fences<Arch>(x, fence_rule(prm.method), t, p, ws);
            r.ok = r.f.ok;
            r.lower_cut = r.f.lower;
            r.upper_cut = r.f.upper;
            break;
        }
        if (!r.ok) {
            // fences or a Huber centre undefined (no value, a NaN propagated, or the median
            // of -inf and inf): nothing is cut, so the values present all count as kept.
            // (trim: counts beyond the lane leave nothing, and report no value.)
            if (prm.method == aggregate_method::trim)
                return;
            std::size_t present = 0;
            bool nan_seen = false;
            for (std::size_t i = 0; i < x.size; ++i) {
                const bool is_nan = static_cast<W>(x[i]) != static_cast<W>(x[i]);
                nan_seen = nan_seen || is_nan;
                present += !is_nan;
            }
            if (!(nan_seen && p == nan_policy::propagate)) {
                counts[0] = counts[1] = static_cast<std::int64_t>(present);
            }
            return; // (ws.n_used as the method left it: 0 for no value)
        }
        std::size_t n = 0, n_low = 0, n_high = 0;
        if (prm.method == aggregate_method::trim) {
            // strictly outside the cut points first (branch-free), then the ties by position
            const W lo = r.lower_cut, hi = r.upper_cut;
            if (x.stride == 1 && std::is_same_v<T, W>) {
                const T* v = x.data;
                for (std::size_t i = 0; i < x.size; ++i)
                    labels[i] = static_cast<std::int8_t>(
                        static_cast<int>(v[i] > hi) - static_cast<int>(v[i] < lo));
            } else {
                for (std::size_t i = 0; i < x.size; ++i) {
                    const W v = static_cast<W>(x[i]);
                    labels[i] = static_cast<std::int8_t>(
                        static_cast<int>(v > hi) - static_cast<int>(v < lo));
                }
            }
            std::size_t below = 0, above = 0;
            for (std::size_t i = 0; i < x.size; ++i) {
                below += labels[i] < 0;
                above += labels[i] > 0;
            }
            std::size_t need_lo = r.g_lo - std::min(r.g_lo, below);
            std::size_t need_hi = r.g_hi - std::min(r.g_hi, above);
            for (std::size_t i = 0; i < x.size && need_lo > 0; ++i)
                if (static_cast<W>(x[i]) == lo && labels[i] == 0) {
                    labels[i] = -1;
                    --need_lo;
                }
            for (std::size_t i = x.size; i-- > 0 && need_hi > 0;)
                if (static_cast<W>(x[i]) == hi && labels[i] == 0) {
                    labels[i] = 1;
                    --need_hi;
                }
            n = r.n;
            n_low = r.g_lo;
            n_high = r.g_hi;
        } else {
            // label, count, and gather the kept values for their mean and SD
            ws.buffer2.resize(x.size);
            std::size_t kept = 0;
            for (std::size_t i = 0; i < x.size; ++i) {
                const W v = static_cast<W>(x[i]);
                if (v != v)
                    continue;
                ++n;
                const W l = fence_rule_label(v, r.f);
                labels[i] = static_cast<std::int8_t>(l);
                n_low += l < 0;
                n_high += l > 0;
                if (l == W(0))
                    ws.buffer2[kept++] = v;
            }
            if (prm.method != aggregate_method::huber) {
                const auto [m, sd] = mean_sd<Arch, W>(ws.buffer2.data(), kept, ws);
                r.center = m;
                r.scale = sd;
            }
        }
        ws.n_used = n;
        counts[0] = static_cast<std::int64_t>(n);
        counts[1] = static_cast<std::int64_t>(n - n_low - n_high);
        counts[2] = static_cast<std::int64_t>(n_low);
        counts[3] = static_cast<std::int64_t>(n_high);
        if (prm.ci == aggregate_ci::bootstrap && n >= 2) {
            std::vector<W> vals;
            vals.reserve(n);
            for (std::size_t i = 0; i < x.size; ++i) {
                const W v = static_cast<W>(x[i]);
                if (v == v)
                    vals.push_back(v);
            }
            std::tie(r.ci_lower, r.ci_upper) = aggregate_bootstrap<Arch, W>(vals.data(), n, prm, t);
        }
        stats[agg_center] = static_cast<W>(r.center);
        stats[agg_scale] = static_cast<W>(r.scale);
        stats[agg_ci_lower] = static_cast<W>(r.ci_lower);
        stats[agg_ci_upper] = static_cast<W>(r.ci_upper);
        stats[agg_lower_cut] = r.lower_cut;
        stats[agg_upper_cut] = r.upper_cut;
    }

} // namespace detail

namespace detail {
    template <class T, class U, class Arch>
    aggregate_result<result_t<T>> aggregate_call(
        strided_span<T> x, strided_span<const U> w, const aggregate_params& prm, options o)
    {
        using W = result_t<T>;
        workspace<W> ws;
        aggregate_result<W> r;
        r.labels.resize(x.size);
        std::int64_t counts[aggregate_n_counts];
        W s[aggregate_nq];
        const strided_span<const std::remove_cv_t<T>> xs { x.data, x.size, x.stride };
        aggregate_lane<Arch, std::remove_cv_t<T>, U>(
            xs, w, prm, r.labels.data(), counts, s, o.nan, ws);
        r.center = s[agg_center];
        r.scale = s[agg_scale];
        r.ci_lower = s[agg_ci_lower];
        r.ci_upper = s[agg_ci_upper];
        r.lower_cut = s[agg_lower_cut];
        r.upper_cut = s[agg_upper_cut];
        r.n = static_cast<std::size_t>(counts[0]);
        r.n_kept = static_cast<std::size_t>(counts[1]);
        r.n_low = static_cast<std::size_t>(counts[2]);
        r.n_high = static_cast<std::size_t>(counts[3]);
        r.method = prm.method;
        return r;
    }
} // namespace detail

/// Cut both tails of x by prm.method, and report the centre of the kept values with its
/// interval, the cut points, the counts and a label per value (docs/aggregate.md).
template <class T, class Arch = xsimd::default_arch>
aggregate_result<result_t<T>> aggregate(
    strided_span<T> x, const aggregate_params& prm = {}, options o = {})
{
    detail::validate_aggregate(prm);
    return detail::aggregate_call<T, std::remove_cv_t<T>, Arch>(
        x, strided_span<const std::remove_cv_t<T>> {}, prm, o);
}

/// Weighted, with frequency weights (finite, >= 0): integer weights give the centre, scale,
/// cut points and interval of the repeated values; labels and counts are per value, a value
/// straddling a trim cut is labelled 0 (kept in part). Every method but adjbox.
template <class T, class U, class Arch = xsimd::default_arch>
aggregate_result<result_t<T>> aggregate(
    strided_span<T> x, strided_span<U> w, const aggregate_params& prm = {}, options o = {})
{
    detail::validate_aggregate(prm);
    detail::validate_aggregate_weights(prm);
    if (w.size != x.size)
        throw std::invalid_argument("weights must have the size of the data (got "
            + std::to_string(w.size) + " weights for " + std::to_string(x.size) + " values)");
    using UU = std::remove_cv_t<U>;
    return detail::aggregate_call<T, UU, Arch>(
        x, strided_span<const UU> { w.data, w.size, w.stride }, prm, o);
}

template <class R, detail::if_contiguous_range<R> = 0>
auto aggregate(const R& r, const aggregate_params& prm = {}, options o = {})
{
    return aggregate(make_span(r), prm, o);
}

template <class R, class RW, detail::if_contiguous_range<R> = 0,
    detail::if_contiguous_range<RW> = 0>
auto aggregate(const R& r, const RW& w, const aggregate_params& prm = {}, options o = {})
{
    return aggregate(make_span(r), make_span(w), prm, o);
}

} // namespace robstat
