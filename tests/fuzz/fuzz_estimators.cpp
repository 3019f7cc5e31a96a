// libFuzzer harness: the public C++ API (robstat/robstat.hpp, default architecture) on
// arbitrary values and parameters, checked differentially against a simple scalar
// reference built from a sorted copy, and against invariants:
//   - median, quantile (every method): within the bracket of order statistics that
//     the rank h = q (n - 1) falls between; lower/higher/nearest return one of them
//     exactly; quantiles do not decrease with q;
//   - trimmed_mean, winsorized_mean: the mean of the sorted values cut (clamped) by
//     g = floor(p n) from each tail, to 16 eps * sum |kept| / m;
//   - mad, iqr: the median of |x - median| times scale; q75 - q25 times scale;
//   - hodges_lehmann, huber, biweight_location, trimean, weighted_median, the aggregate's
//     centre: within [min, max]; qn, sn >= 0; medcouple in [-1, 1];
//   - sigma_clip, outliers, aggregate: every label agrees with the bounds, the counts add up;
//   - rolling_median: each output against the median of its window;
//   - nan_policy: propagate gives NaN when a NaN is present, omit the reference on the
//     non-NaN values, raise throws std::domain_error exactly when a NaN is present;
//   - invalid parameters (trims, q, scale, k, window) throw std::invalid_argument, and no
//     call throws anything else.
// Input layout and value encodings: fuzz_input.hpp. Header bytes:
//   0 flags: bit 0 float, bits 1-2 nan_policy (3: propagate), bits 3-4 encoding
//   1, 2 trim lower, upper (proportion())   3, 4 probabilities (probability())
//   5 quantile method (% 5)   6 scale / tuning (factor())   7 window   8 min_periods, centred
//   9 weights pattern   10 outlier / aggregate method   11 threshold
//   12 the group of estimators (% 7: quantiles, trimmed means, mad/iqr, pairwise and
//      M-estimators, weighted median, labels, rolling median; the median always)
#include <robstat/robstat.hpp>

#include "fuzz_input.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace {

namespace rf = robstat_fuzz;

struct context {
    std::string type;
    bool has_nan = false;
    robstat::nan_policy policy = robstat::nan_policy::propagate;
    bool raise_expected() const { return has_nan && policy == robstat::nan_policy::raise; }
};

/// Runs f(); the outcome must be: std::invalid_argument iff `invalid`, otherwise
/// std::domain_error iff nan_policy raise meets a NaN (either, when both apply),
/// otherwise a value. Returns the value, or nothing when f threw as expected.
template <class F>
auto call(const context& c, const char* what, bool invalid, F&& f) -> std::optional<decltype(f())>
{
    const std::string where = c.type + " " + what;
    try {
        auto v = f();
        if (invalid)
            rf::report(where + ": invalid parameters accepted");
        if (c.raise_expected())
            rf::report(where + ": nan_policy raise did not throw on NaN");
        return v;
    } catch (const std::invalid_argument& e) {
        if (!invalid)
            rf::report(where + ": valid parameters rejected: " + e.what());
    } catch (const std::domain_error& e) {
        if (!c.raise_expected())
            rf::report(where + ": unexpected std::domain_error: " + e.what());
    } catch (const std::exception& e) {
        rf::report(where + ": unexpected exception: " + e.what());
    }
    return std::nullopt;
}

/// Propagate with NaN in the input: the result must be NaN. Returns whether the
/// value is to be checked against the reference.
template <class R> bool check_propagated(const context& c, const char* what, R r)
{
    if (c.has_nan && c.policy == robstat::nan_policy::propagate) {
        if (!std::isnan(r))
            rf::report(c.type + " " + what + ": NaN not propagated, got "
                + rf::num(static_cast<double>(r)));
        return false;
    }
    return true;
}

template <class R> bool same_or_both_nan(R a, R b)
{
    return a == b || (std::isnan(a) && std::isnan(b));
}

bool valid_trim(double lo, double up, bool allow_median)
{
    if (!std::isfinite(lo) || !std::isfinite(up) || lo < 0 || up < 0)
        return false;
    if (allow_median && lo == 0.5 && up == 0.5)
        return true;
    return lo + up < 1.0;
}

/// r must lie in [a, b] (a <= b); exactly a when a == b. Infinite brackets: only
/// the equal case is checked.
void check_bracket(const context& c, const std::string& what, double r, double a, double b)
{
    if (a == b) {
        if (!(r == a))
            rf::report(c.type + " " + what + ": got " + rf::num(r) + ", expected " + rf::num(a));
        return;
    }
    if (!std::isfinite(a) || !std::isfinite(b))
        return;
    if (!(r >= a && r <= b))
        rf::report(c.type + " " + what + ": got " + rf::num(r) + ", outside [" + rf::num(a) + ", "
            + rf::num(b) + "]");
}

void check_close(const context& c, const std::string& what, double r, double ref, double tol)
{
    if (std::isnan(ref)) {
        if (!std::isnan(r))
            rf::report(c.type + " " + what + ": got " + rf::num(r) + ", expected NaN");
        return;
    }
    if (std::isinf(ref)) {
        if (r != ref)
            rf::report(c.type + " " + what + ": got " + rf::num(r) + ", expected " + rf::num(ref));
        return;
    }
    if (!(std::fabs(r - ref) <= tol))
        rf::report(c.type + " " + what + ": got " + rf::num(r) + ", expected " + rf::num(ref)
            + " to " + rf::num(tol));
}

/// The reference median of sorted values: the bracket [s[(n-1)/2], s[n/2]].
void check_median(const context& c, const std::string& what, double r, const std::vector<double>& s)
{
    if (s.empty()) {
        if (!std::isnan(r))
            rf::report(c.type + " " + what + ": not NaN on no values");
        return;
    }
    check_bracket(c, what, r, s[(s.size() - 1) / 2], s[s.size() / 2]);
}

/// Mean of v in long double, and the sum of |v| (the scale of its rounding errors).
void long_mean(const std::vector<double>& v, double& mean, double& abs_sum)
{
    long double sum = 0, a = 0;
    for (double x : v)
        sum += x, a += std::fabs(x);
    mean = v.empty() ? std::numeric_limits<double>::quiet_NaN()
                     : static_cast<double>(sum / static_cast<long double>(v.size()));
    abs_sum = static_cast<double>(a);
}

template <class T> void run(const rf::reader& r0)
{
    using R = robstat::result_t<T>;
    rf::reader r = r0;
    context c;
    c.type = std::is_same_v<T, float> ? "float" : "double";
    const int p = (r.param(0) >> 1) & 3;
    c.policy = static_cast<robstat::nan_policy>(p == 3 ? 0 : p);
    const robstat::options o { c.policy };
    const auto x = rf::decode_values<T>(r, (r.param(0) >> 3) & 3, 1024);
    const auto span = robstat::make_span(x.data(), x.size());
    std::vector<double> s; // the non-NaN values, sorted
    for (T v : x) {
        if (std::isnan(v))
            c.has_nan = true;
        else
            s.push_back(static_cast<double>(v));
    }
    std::sort(s.begin(), s.end());
    const std::size_t n = s.size();
    bool finite = true;
    for (double v : s)
        finite = finite && std::isfinite(v);
    const double eps_t = std::numeric_limits<T>::epsilon();
    // (results are rounded to T: below its normal range only to a multiple of denorm_min)
    const double tiny_t = std::numeric_limits<T>::denorm_min();
    const double lo_v = n ? s.front() : 0.0, hi_v = n ? s.back() : 0.0;
    auto in_range = [&](const char* what, double v) {
        if (n && finite && !std::isnan(v) && !(v >= lo_v && v <= hi_v))
            rf::report(c.type + " " + what + ": " + rf::num(v) + " outside [min, max] = ["
                + rf::num(lo_v) + ", " + rf::num(hi_v) + "]");
    };

    const unsigned group = r.param(12) % 7; // one group of estimators an input

    // ---- median (every input: mad needs it)
    // ------------------------------------------------------------------------
    std::optional<R> med = call(c, "median", false, [&] { return robstat::median(span, o); });
    if (med && check_propagated(c, "median", *med))
        check_median(c, "median", *med, s);

    if (group == 0) {
        // ---- quantile: the five methods, two probabilities and the vector form -------------
        const double q1 = rf::probability(r.param(3)), q2 = rf::probability(r.param(4));
        const auto method = static_cast<robstat::quantile_method>(r.param(5) % 5);
        const bool q_ok = q1 >= 0 && q1 <= 1 && q2 >= 0 && q2 <= 1;
        for (double q : { q1, q2 }) {
            const bool ok = q >= 0 && q <= 1;
            auto got
                = call(c, "quantile", !ok, [&] { return robstat::quantile(span, q, method, o); });
            if (!got || !check_propagated(c, "quantile", *got))
                continue;
            if (n == 0) {
                check_median(c, "quantile", *got, s);
                continue;
            }
            const double h = q * static_cast<double>(n - 1);
            const auto k0 = static_cast<std::size_t>(std::max(0.0, std::floor(h - 1e-9)));
            const auto k1 = std::min(n - 1, static_cast<std::size_t>(std::ceil(h + 1e-9)));
            const std::string what = "quantile(q=" + rf::num(q) + ", method "
                + std::to_string(static_cast<int>(method)) + ")";
            const double g = static_cast<double>(*got);
            check_bracket(c, what, g, s[k0], s[k1]);
            if (method == robstat::quantile_method::lower
                || method == robstat::quantile_method::higher
                || method == robstat::quantile_method::nearest) {
                bool member = false;
                for (std::size_t k = k0; k <= k1; ++k)
                    member = member || static_cast<double>(*got) == s[k];
                if (!member)
                    rf::report(
                        c.type + " " + what + ": " + rf::num(g) + " is not an order statistic");
            }
        }
        if (q_ok) {
            const std::vector<double> qs { std::min(q1, q2), 0.5, std::max(q1, q2) };
            auto v = call(c, "quantile (vector)", false,
                [&] { return robstat::quantile(span, qs, method, o); });
            if (v && v->size() != 3)
                rf::report("quantile (vector): wrong size");
            if (v && finite && !std::isnan((*v)[0]) && !std::isnan((*v)[2])
                && (std::min(q1, q2) <= 0.5 ? (*v)[0] > (*v)[1] : false))
                rf::report(c.type + " quantile (vector): decreasing in q");
            if (v && finite && !std::isnan((*v)[0]) && (*v)[0] > (*v)[2])
                rf::report(c.type + " quantile (vector): decreasing in q");
            // (linear at q = 0.5 is the median, up to how the midpoint is rounded: a + (b - a) / 2
            // as NumPy, (a + b) / 2, one denorm_min apart for subnormals)
            if (v && med && finite && method == robstat::quantile_method::linear
                && !same_or_both_nan((*v)[1], *med)
                && !(std::fabs((*v)[1] - *med)
                    <= 4 * eps_t * std::max(std::fabs((*v)[1]), std::fabs(*med)) + 2 * tiny_t))
                rf::report(c.type + " quantile(0.5) != median: " + rf::num((*v)[1]) + " vs "
                    + rf::num(*med));
        }
    }
    if (group == 1) {
        // ---- trimmed and winsorized means --------------------------------------------------
        const double tl = rf::proportion(r.param(1)), tu = rf::proportion(r.param(2));
        {
            const bool ok = valid_trim(tl, tu, true);
            auto got = call(c, "trimmed_mean", !ok,
                [&] { return robstat::trimmed_mean(span, robstat::trim_spec(tl, tu), o); });
            if (got && check_propagated(c, "trimmed_mean", *got)) {
                if (tl == 0.5 && tu == 0.5) {
                    check_median(c, "trimmed_mean(0.5)", *got, s);
                } else {
                    const auto g1
                        = static_cast<std::size_t>(std::floor(tl * static_cast<double>(n)));
                    const auto g2
                        = static_cast<std::size_t>(std::floor(tu * static_cast<double>(n)));
                    std::vector<double> kept;
                    if (g1 + g2 < n)
                        kept.assign(s.begin() + static_cast<std::ptrdiff_t>(g1),
                            s.end() - static_cast<std::ptrdiff_t>(g2));
                    double ref, abs_sum;
                    long_mean(kept, ref, abs_sum);
                    if (std::isfinite(abs_sum)
                        && abs_sum < 1e300) // (else a double sum may overflow)
                        check_close(c, "trimmed_mean", static_cast<double>(*got), ref,
                            16 * std::numeric_limits<double>::epsilon() * abs_sum
                                    / static_cast<double>(std::max<std::size_t>(kept.size(), 1))
                                + 2 * eps_t * std::fabs(ref) + tiny_t);
                    in_range("trimmed_mean", static_cast<double>(*got));
                }
            }
        }
        {
            const bool ok = valid_trim(tl, tu, false);
            auto got = call(c, "winsorized_mean", !ok,
                [&] { return robstat::winsorized_mean(span, robstat::trim_spec(tl, tu), o); });
            if (got && check_propagated(c, "winsorized_mean", *got) && n > 0) {
                const auto g1 = static_cast<std::size_t>(std::floor(tl * static_cast<double>(n)));
                const auto g2 = static_cast<std::size_t>(std::floor(tu * static_cast<double>(n)));
                const double a = s[g1], b = s[n - 1 - g2];
                std::vector<double> w(s);
                for (double& v : w)
                    v = std::min(std::max(v, a), b);
                double ref, abs_sum;
                long_mean(w, ref, abs_sum);
                if (std::isfinite(abs_sum) && abs_sum < 1e300)
                    check_close(c, "winsorized_mean", static_cast<double>(*got), ref,
                        16 * std::numeric_limits<double>::epsilon() * abs_sum
                                / static_cast<double>(n)
                            + 2 * eps_t * std::fabs(ref) + tiny_t);
                in_range("winsorized_mean", static_cast<double>(*got));
            }
        }
    }
    if (group == 2) {
        // ---- mad, iqr ----------------------------------------------------------------------
        const double scale = rf::factor(r.param(6));
        const bool scale_ok = std::isfinite(scale) && scale > 0;
        {
            auto got = call(c, "mad", !scale_ok, [&] { return robstat::mad(span, scale, o); });
            if (got && med && check_propagated(c, "mad", *got) && n > 0 && std::isfinite(*med)) {
                const double m = static_cast<double>(*med);
                std::vector<double> dev;
                for (double v : s)
                    dev.push_back(std::fabs(v - m));
                std::sort(dev.begin(), dev.end());
                const double a = dev[(n - 1) / 2], b = dev[n / 2];
                // (deviations are rounded to T: a few ulps of |median| + |deviation|)
                const double slack = 4 * eps_t * (std::fabs(m) + b) + 2 * tiny_t * (1 + 1 / scale);
                const double g = static_cast<double>(*got) / scale;
                if (std::isfinite(b) && std::isfinite(g) && !(g >= a - slack && g <= b + slack))
                    rf::report(c.type + " mad: " + rf::num(g) + " (raw) outside [" + rf::num(a)
                        + ", " + rf::num(b) + "]");
                if (!(std::isnan(*got) || *got >= 0))
                    rf::report(c.type + " mad: negative");
            }
        }
        {
            auto got = call(c, "iqr", !scale_ok, [&] { return robstat::iqr(span, scale, o); });
            if (got && check_propagated(c, "iqr", *got) && n > 0 && finite) {
                const double q25 = robstat::quantile(robstat::make_span(s.data(), n), 0.25);
                const double q75 = robstat::quantile(robstat::make_span(s.data(), n), 0.75);
                const double ref = scale * (q75 - q25);
                const double tol
                    = 4 * eps_t * scale * (std::fabs(q25) + std::fabs(q75)) + 4 * scale * tiny_t;
                // a result beyond the largest T is inf in T (float iqr of +-3e38)
                const double max_t = static_cast<double>(std::numeric_limits<T>::max());
                const bool may_overflow = ref + tol > max_t;
                if (!(may_overflow && std::isinf(*got) && *got > 0))
                    check_close(c, "iqr", static_cast<double>(*got), ref, tol);
            }
        }
    }
    if (group == 3) {
        // ---- pairwise, M-estimators, trimean: ranges -----------------------------------------
        if (auto v
            = call(c, "hodges_lehmann", false, [&] { return robstat::hodges_lehmann(span, o); }))
            if (check_propagated(c, "hodges_lehmann", *v))
                in_range("hodges_lehmann", static_cast<double>(*v));
        if (x.size() <= 512) { // (O(n^2) reference-free checks; keep executions fast)
            for (const char* what : { "qn", "sn" }) {
                auto v = call(c, what, false, [&] {
                    return what[0] == 'q' ? robstat::qn(span, {}, o) : robstat::sn(span, {}, o);
                });
                if (v && check_propagated(c, what, *v) && finite && !(std::isnan(*v) || *v >= 0))
                    rf::report(c.type + " " + what + ": negative " + rf::num(*v));
            }
            if (auto v = call(c, "medcouple", false, [&] { return robstat::medcouple(span, o); }))
                if (check_propagated(c, "medcouple", *v) && finite && !std::isnan(*v)
                    && !(*v >= -1 && *v <= 1))
                    rf::report(c.type + " medcouple outside [-1, 1]: " + rf::num(*v));
        }
        const double k = rf::factor(r.param(6));
        const bool k_ok = std::isfinite(k) && k > 0;
        if (auto v
            = call(c, "huber", !k_ok, [&] { return robstat::huber(span, k, std::nullopt, o); }))
            if (check_propagated(c, "huber", *v))
                in_range("huber", static_cast<double>(*v));
        if (auto v = call(c, "biweight_location", !k_ok,
                [&] { return robstat::biweight_location(span, k, std::nullopt, o); }))
            if (check_propagated(c, "biweight_location", *v))
                in_range("biweight_location", static_cast<double>(*v));
        if (auto v = call(c, "trimean", false,
                [&] { return robstat::trimean(span, robstat::trimean_method::linear, o); }))
            if (check_propagated(c, "trimean", *v))
                in_range("trimean", static_cast<double>(*v));
    }
    if (group == 4) {
        // ---- weighted median ---------------------------------------------------------------
        {
            std::vector<T> w(x.size());
            const unsigned wp = r.param(9);
            // (a NaN of weight 0 is absent: no NaN, no error; docs/weighted.md)
            context cw = c;
            cw.has_nan = false;
            double w_total = 0;
            for (std::size_t i = 0; i < w.size(); ++i) {
                w[i] = static_cast<T>(((i * 2654435761u + wp) >> 5) % 9) / T(2);
                if (!std::isnan(x[i]))
                    w_total += w[i];
                else if (w[i] != 0)
                    cw.has_nan = true;
            }
            try {
                const R v
                    = robstat::weighted_median(span, robstat::make_span(w.data(), w.size()), o);
                if (cw.raise_expected())
                    rf::report(c.type + " weighted_median: raise did not throw");
                if (check_propagated(cw, "weighted_median", v) && finite && !std::isnan(v)) {
                    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
                    for (std::size_t i = 0; i < x.size(); ++i)
                        if (w[i] > 0 && !std::isnan(x[i]))
                            lo = std::min(lo, double(x[i])), hi = std::max(hi, double(x[i]));
                    if (!(v >= lo && v <= hi))
                        rf::report(c.type + " weighted_median outside the weighted values' range");
                }
            } catch (const std::domain_error&) {
                if (!cw.raise_expected())
                    rf::report(c.type + " weighted_median: unexpected domain_error");
            } catch (const std::invalid_argument&) {
                if (w_total != 0) // (all weights 0: an error)
                    rf::report(c.type + " weighted_median: valid weights rejected");
            }
        }
    }
    if (group == 5) {
        // ---- labels: sigma_clip, outliers, aggregate ---------------------------------------
        // (label -1 below the lower bound, +1 above the upper one, 0 inside or NaN)
        auto check_labels = [&](const char* what, const std::vector<std::int8_t>& labels, double lo,
                                double hi) {
            if (labels.size() != x.size())
                rf::report(c.type + " " + what + ": labels of the wrong size");
            if (std::isnan(lo) || std::isnan(hi))
                return;
            for (std::size_t i = 0; i < x.size(); ++i) {
                const double v = x[i];
                if (std::isnan(v)) {
                    if (labels[i] != 0)
                        rf::report(c.type + " " + what + ": a NaN labelled");
                    continue;
                }
                const int want = v < lo ? -1 : v > hi ? 1 : 0;
                if (labels[i] != want)
                    rf::report(c.type + " " + what + ": label " + std::to_string(labels[i]) + " of "
                        + rf::num(v) + " with bounds [" + rf::num(lo) + ", " + rf::num(hi) + "]");
            }
        };
        if (c.policy != robstat::nan_policy::propagate || !c.has_nan) {
            if (auto v
                = call(c, "sigma_clip", false, [&] { return robstat::sigma_clip(span, {}, o); })) {
                check_labels("sigma_clip", v->labels, v->lower, v->upper);
                if (v->n_low + v->n_high + v->n_kept + v->n_nan != x.size())
                    rf::report(c.type + " sigma_clip: counts do not add up");
            }
            const auto om = static_cast<robstat::outlier_method>(r.param(10) % 4);
            if (auto v = call(c, "outliers", false,
                    [&] { return robstat::outliers(span, om, std::nullopt, o); })) {
                check_labels("outliers", v->labels, v->lower, v->upper);
                std::size_t lo = 0, hi = 0;
                for (auto l : v->labels)
                    lo += l<0, hi += l> 0;
                if (lo != v->n_low || hi != v->n_high)
                    rf::report(c.type + " outliers: counts differ from the labels");
            }
            robstat::aggregate_params ap;
            ap.method = static_cast<robstat::aggregate_method>((r.param(10) >> 2) % 6);
            ap.n_boot = 16;
            ap.ci = static_cast<robstat::aggregate_ci>((r.param(10) >> 5) % 3);
            if (auto v
                = call(c, "aggregate", false, [&] { return robstat::aggregate(span, ap, o); })) {
                if (v->n_kept + v->n_low + v->n_high > x.size() || v->labels.size() != x.size())
                    rf::report(c.type + " aggregate: counts or labels of the wrong size");
                std::size_t lo = 0, hi = 0, kept = 0;
                for (std::size_t i = 0; i < x.size(); ++i)
                    lo += v->labels[i]<0, hi += v->labels[i]> 0,
                        kept += v->labels[i] == 0 && !std::isnan(x[i]);
                if (lo != v->n_low || hi != v->n_high || kept != v->n_kept)
                    rf::report(c.type + " aggregate: counts differ from the labels");
                in_range("aggregate center", static_cast<double>(v->center));
            }
        }
    }
    if (group == 6) {
        // ---- rolling median ----------------------------------------------------------------
        {
            const std::size_t window = r.param(7) % 17; // 0 is invalid, so is min_periods > window
            robstat::rolling_options ro;
            ro.min_periods = static_cast<std::ptrdiff_t>(r.param(8) & 15);
            ro.center = (r.param(8) & 128) != 0;
            ro.nan
                = c.policy == robstat::nan_policy::propagate ? robstat::nan_policy::omit : c.policy;
            context rc = c;
            rc.policy = ro.nan;
            const bool invalid = window == 0 || static_cast<std::size_t>(ro.min_periods) > window;
            auto v = call(rc, "rolling_median", invalid,
                [&] { return robstat::rolling_median(span, window, ro); });
            if (v) {
                if (v->size() != x.size())
                    rf::report("rolling_median: wrong size");
                const std::size_t mp = ro.min_periods <= 0
                    ? 1
                    : std::min<std::size_t>(static_cast<std::size_t>(ro.min_periods), window);
                for (std::size_t t = 0; t < x.size(); ++t) {
                    // trailing: [t - w + 1, t]; centred: [t - w / 2, t + (w - 1) / 2] (pandas)
                    const std::ptrdiff_t hi_i = ro.center
                        ? static_cast<std::ptrdiff_t>(t + (window - 1) / 2)
                        : static_cast<std::ptrdiff_t>(t);
                    const std::ptrdiff_t lo_i = hi_i - static_cast<std::ptrdiff_t>(window) + 1;
                    std::vector<double> win;
                    for (std::ptrdiff_t i = std::max<std::ptrdiff_t>(lo_i, 0);
                         i <= std::min<std::ptrdiff_t>(
                             hi_i, static_cast<std::ptrdiff_t>(x.size()) - 1);
                         ++i)
                        if (!std::isnan(x[static_cast<std::size_t>(i)]))
                            win.push_back(x[static_cast<std::size_t>(i)]);
                    std::sort(win.begin(), win.end());
                    if (win.size() < mp)
                        win.clear();
                    check_median(c, "rolling_median at " + std::to_string(t), (*v)[t], win);
                }
            }
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const rf::reader r { data, size };
    if (r.param(0) & 1)
        run<float>(r);
    else
        run<double>(r);
    return 0;
}
