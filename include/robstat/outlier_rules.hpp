// Outlier rules: label every value -1 (low outlier), 0 (not an outlier, or NaN) or +1 (high
// outlier) against per-lane fences, never dropping a value.
//
//   mad         |robust_zscore(x)| > t, robust_zscore = (x - median) / (1.482602218505602 MAD);
//               fences median -+ t * 1.482602218505602 * MAD (default t = 3.5)
//   iqr         Tukey's fences Q1 - k IQR, Q3 + k IQR with linear (type 7) quartiles;
//               x < lower or x > upper (strict, as R's boxplot.stats) (default k = 1.5)
//   sigma_clip  robstat::sigma_clip with low = high = t, median / mad_std, until convergence
//               (default t = 3); +-inf always outliers
//   adjbox      the medcouple-adjusted boxplot fences of Hubert and Vandervieren (2008) with
//               coef = t, a = -4, b = 3, as R robustbase's adjboxStats (robstat::adjbox_fences:
//               Tukey's hinges, see medcouple.hpp); x < lower or x > upper (default t = 1.5)
//
// A rule is one function computing the fences of a lane (outlier_fences below); adding a rule is
// that function plus one line in outlier_fences and one in parse_outlier_method.
#pragma once

#include <optional>

#include "robstat/clipping.hpp"
#include "robstat/medcouple.hpp"

namespace robstat {

enum class outlier_method { mad, iqr, sigma_clip, adjbox };

/// Number of per-lane values the lane function writes after the labels: lower, upper.
inline constexpr std::size_t outliers_nq = 2;

inline constexpr named<outlier_method> outlier_method_names[] = {
    { "mad", outlier_method::mad },
    { "iqr", outlier_method::iqr },
    { "sigma_clip", outlier_method::sigma_clip },
    { "adjbox", outlier_method::adjbox },
};

inline outlier_method parse_outlier_method(std::string_view s)
{
    return parse_name(s, outlier_method_names, "method");
}

/// The default threshold of a rule: 3.5 (mad), 1.5 (iqr, adjbox), 3 (sigma_clip).
inline double default_outlier_threshold(outlier_method m) noexcept
{
    switch (m) {
    case outlier_method::iqr:
    case outlier_method::adjbox:
        return 1.5;
    case outlier_method::sigma_clip:
        return 3.0;
    case outlier_method::mad:
    default:
        return 3.5;
    }
}

/// Result of robstat::outliers.
template <class W> struct outlier_result {
    std::vector<std::int8_t> labels; ///< -1 low outlier, 0 not an outlier (or NaN), +1 high
    W lower, upper;                  ///< the fences (NaN when NaN propagated or no value)
    std::size_t n_low = 0, n_high = 0, n_nan = 0;
};

namespace detail {

    inline outlier_method outlier_method_of(int m) noexcept
    {
        return static_cast<outlier_method>(m);
    }

    inline void validate_threshold(double t)
    {
        if (!(std::isfinite(t) && t >= 0))
            throw std::invalid_argument(
                "threshold must be finite and >= 0 (got " + format_value(t) + ")");
    }

    /// The fences of one lane and how values are compared with them.
    template <class W> struct fences {
        W lower, upper;
        bool ok = false;        ///< false: NaN propagated or no value (fences NaN, labels 0)
        bool by_zscore = false; ///< label by |(x - center) / denom| > threshold (mad rule)
        bool clip_inf = false;  ///< +-inf are always outliers (sigma_clip rule)
        W center {}, denom {}, threshold {};
    };

    /// The mad rule's fences from the median and the raw MAD (in W): exactly
    /// the operations of zscore_lane (robust_zscore), so the same z, bit for bit.
    /// Also what robstat.aggregate (weighted too) and robstat.dask.aggregate label by.
    /// A fence beyond W's range (t * denom past it while the scores stay finite) is
    /// saturated_fence's (clipping.hpp): W's largest finite value. (With an infinite
    /// MAD, more than half the values infinite, inf scores NaN and is not an outlier:
    /// the fences stay +-inf.)
    template <class W> fences<W> mad_fences_from(W med, double raw_mad, double t) noexcept
    {
        fences<W> f;
        f.ok = true;
        f.by_zscore = true;
        f.center = med;
        f.denom = static_cast<W>(mad_normal_scale * raw_mad);
        f.threshold = static_cast<W>(t);
        const double c = static_cast<double>(med), d = static_cast<double>(f.denom);
        const bool finite = std::isfinite(c) && std::isfinite(d);
        auto fence = [&](double v) { return finite ? saturated_fence<W>(v) : static_cast<W>(v); };
        f.lower = fence(c - rounded_product(t, d));
        f.upper = fence(c + rounded_product(t, d));
        return f;
    }

    /// The mad rule's label of v: robust_zscore's score against the threshold.
    template <class W> W zscore_label(W v, const fences<W>& f) noexcept
    {
        const W z = robust_score<void>(v, f.center, W(1), f.denom);
        return z > f.threshold ? W(1) : (z < -f.threshold ? W(-1) : W(0));
    }

    /// Tukey's fences from the linear quartiles (R: stats[2] - coef * iqr,
    /// stats[4] + coef * iqr).
    template <class W> fences<W> iqr_fences_from(double q1, double q3, double k) noexcept
    {
        fences<W> f;
        f.ok = true;
        const double iqr = q3 - q1;
        f.lower = static_cast<W>(q1 - rounded_product(k, iqr));
        f.upper = static_cast<W>(q3 + rounded_product(k, iqr));
        return f;
    }

    template <class Arch, class T>
    fences<result_t<T>> mad_fences(
        strided_span<const T> x, double t, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        const W med = median_lane<Arch>(x, p, ws);
        if (med != med)
            return {};
        return mad_fences_from<W>(med, mad_lane<Arch>(x, nullptr, 1.0, p, ws), t);
    }

    template <class Arch, class T>
    fences<result_t<T>> iqr_fences(
        strided_span<const T> x, double k, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        fences<W> f;
        static constexpr double q[2] = { 0.25, 0.75 };
        double q1 = 0, q3 = 0;
        with_selection<Arch>(
            x, p, ws, identity_xform {},
            [](std::size_t n, std::size_t* r) {
                return quantiles_ranks(n, q, 2, r, engine_max_brackets);
            },
            [&](auto& os) {
                f.ok = true;
                q1 = quantile_of(os, 0.25, quantile_method::linear);
                q3 = quantile_of(os, 0.75, quantile_method::linear);
                return std::isfinite(q1) && std::isfinite(q3) ? W(0) : quiet_nan<W>();
            });
        if (!f.ok)
            return f;
        return iqr_fences_from<W>(q1, q3, k);
    }

    template <class Arch, class T>
    fences<result_t<T>> sigma_clip_fences(
        strided_span<const T> x, double t, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        fences<W> f;
        std::size_t n = 0, n_values = 0;
        if (!gather_finite<Arch>(x, p, ws, n, &n_values)) {
            ws.n_used = x.size;
            return f;
        }
        ws.n_used = n;
        sigma_clip_params prm;
        prm.low = prm.high = t;
        const clip_fit<W> c = sigma_clip_fit<Arch, W>(ws.buffer, n, prm, ws.buffer2);
        // with no finite value the bounds are NaN, and the infinite values are still
        // outliers (as sigma_clip labels them)
        f.ok = n_values > 0;
        f.clip_inf = true;
        f.lower = c.lower;
        f.upper = c.upper;
        return f;
    }

    template <class Arch, class T>
    fences<result_t<T>> adjbox_rule_fences(
        strided_span<const T> x, double coef, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        fences<W> f;
        W out[3]; // lower, upper, medcouple
        // false: NaN propagated, or no value. Fences of values all infinite are NaN
        // (an IQR of inf - inf): nothing is outside them, as for the iqr and mad rules
        f.ok = adjbox_lane<Arch>(x, coef, -4.0, 3.0, out, p, ws);
        f.lower = out[0];
        f.upper = out[1];
        return f;
    }

    /// The fences of one lane by rule m (threshold validated). ws.n_used: values used.
    template <class Arch, class T>
    fences<result_t<T>> outlier_fences(strided_span<const T> x, outlier_method m, double t,
        nan_policy p, workspace<result_t<T>>& ws)
    {
        switch (m) {
        case outlier_method::iqr:
            return iqr_fences<Arch>(x, t, p, ws);
        case outlier_method::sigma_clip:
            return sigma_clip_fences<Arch>(x, t, p, ws);
        case outlier_method::adjbox:
            return adjbox_rule_fences<Arch>(x, t, p, ws);
        case outlier_method::mad:
        default:
            return mad_fences<Arch>(x, t, p, ws);
        }
    }

    /// Lane function: labels (x.size values, -1/0/+1 as W), then lower and upper fences.
    template <class Arch, class T>
    void outliers_lane(strided_span<const T> x, outlier_method m, double t, result_t<T>* out,
        nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        const fences<W> f = outlier_fences<Arch>(x, m, t, p, ws);
        W* stats = out + x.size;
        if (!f.ok) {
            for (std::size_t i = 0; i < x.size; ++i)
                out[i] = W(0);
            stats[0] = stats[1] = quiet_nan<W>();
            return;
        }
        if (f.by_zscore) {
            for (std::size_t i = 0; i < x.size; ++i)
                out[i] = zscore_label(static_cast<W>(x[i]), f);
        } else {
            label_lane(x, f.lower, f.upper, f.clip_inf, out);
        }
        stats[0] = f.lower;
        stats[1] = f.upper;
    }

} // namespace detail

/// Outliers of x by rule m with threshold t (std::nullopt: the rule's default).
template <class T, class Arch = xsimd::default_arch>
outlier_result<result_t<T>> outliers(strided_span<T> x, outlier_method m = outlier_method::mad,
    std::optional<double> threshold = std::nullopt, options o = {})
{
    using W = result_t<T>;
    const double t = threshold ? *threshold : default_outlier_threshold(m);
    detail::validate_threshold(t);
    workspace<W> ws;
    std::vector<W> out(x.size + outliers_nq);
    const strided_span<const std::remove_cv_t<T>> xs { x.data, x.size, x.stride };
    detail::outliers_lane<Arch, std::remove_cv_t<T>>(xs, m, t, out.data(), o.nan, ws);
    outlier_result<W> r;
    r.labels.resize(x.size);
    for (std::size_t i = 0; i < x.size; ++i) {
        r.labels[i] = static_cast<std::int8_t>(out[i]);
        if constexpr (std::is_floating_point_v<std::remove_cv_t<T>>)
            r.n_nan += x[i] != x[i];
    }
    detail::count_labels(out.data(), x.size, r.n_low, r.n_high);
    r.lower = out[x.size];
    r.upper = out[x.size + 1];
    return r;
}

template <class R, detail::if_contiguous_range<R> = 0>
auto outliers(const R& r, outlier_method m = outlier_method::mad,
    std::optional<double> threshold = std::nullopt, options o = {})
{
    return outliers(make_span(r), m, threshold, o);
}

} // namespace robstat
