// The runtime-dispatch boundary: one table of function pointers per instruction
// set, all of the same type. See docs/dispatch.md.
//
// This header is included both by baseline translation units (bindings.cpp,
// dispatch.cpp, tests) and by the per-ISA ones (arch_*.cpp, compiled with
// -mavx2 / -mavx512*). It must therefore define NO function with external
// linkage that could be emitted as code: only plain data types (no member
// functions, no default member initialisers), function-pointer types, and
// the X-macro list below, which only arch_impl.inc and the tests expand.
#pragma once

#include <cstddef>
#include <cstdint>

namespace robstat_dispatch {

/// The lanes of an array along its last axis: lane i starts at
/// base + sum_d idx_d(i) * outer_strides[d], where idx(i) is the C-order
/// multi-index of i in outer_shape; its values are lane_stride apart.
/// Strides are in elements and may be negative or zero.
template <class T> struct lanes {
    const T* base;
    std::size_t n_lanes;
    std::size_t lane_size;
    std::ptrdiff_t lane_stride;
    std::size_t outer_ndim; ///< at most max_outer_ndim
    const std::ptrdiff_t* outer_shape;
    const std::ptrdiff_t* outer_strides;
    /// Per-value weights (weighted entries only; nullptr otherwise): the same
    /// lanes as the data, at their own strides (the Python layer broadcasts).
    const T* w_base;
    std::ptrdiff_t w_lane_stride;
    const std::ptrdiff_t* w_outer_strides;
};

inline constexpr std::size_t max_outer_ndim = 64; // NumPy 2's NPY_MAXDIMS

/// Every parameter any lane function takes, as plain values. Enumerations are
/// passed as the int value of robstat::nan_policy / robstat::quantile_method
/// (the same header defines them on both sides of the boundary).
struct lane_args {
    int nan;
    int method;
    double ddof;
    double lower, upper;  ///< trim_spec
    double scale;         ///< mad, iqr, zscore (mad_scale)
    double factor;        ///< zscore
    const double* center; ///< mad: nullptr = about the median
    const double* q;      ///< quantile: nq probabilities (validated)
    std::size_t nq;
    std::size_t min_used; ///< reductions: lanes with n_used <= min_used count as small
    // adjbox: coef, a and b of the adjusted-boxplot fences
    double adj_coef, adj_a, adj_b;
    // M-estimators (m_estimators.hpp)
    double tuning;             ///< huber k, biweight c
    const double* fixed_scale; ///< huber: the fixed scale (nullptr: 1.4826... * MAD)
    double tol;                ///< huber_joint: relative tolerance
    std::size_t maxiter;       ///< huber_joint: iteration limit
    int modify_sample_size;    ///< biweight_midvariance / biweight_scale (0 or 1)
    // sigma_clip, outliers (clipping.hpp, outlier_rules.hpp)
    double clip_low, clip_high; ///< sigma_clip: the multipliers of the scale
    long clip_maxiters;         ///< sigma_clip: <= 0 means until nothing is clipped
    int clip_center;            ///< sigma_clip: int value of robstat::clip_center
    int clip_scale;             ///< sigma_clip: int value of robstat::clip_scale
    int outlier_rule;           ///< outliers: int value of robstat::outlier_method
    double threshold;           ///< outliers: the rule's threshold (validated)
    int finite_corr; ///< qn, sn: robustbase's finite-sample factors (with scale 0 = "normal")
    // trimmed topic (include/robstat/trimmed.hpp):
    const double* levels; ///< trimmed_means, winsorized_means: nq (lower, upper) pairs
    int trim_counts;      ///< nonzero: lower/upper (and levels) are counts, not proportions
    double confidence;    ///< trimmed_ci, aggregate
    // aggregate (aggregate.hpp; also lower, upper, trim_counts, threshold, confidence):
    int agg_method;     ///< int value of robstat::aggregate_method
    int agg_ci;         ///< int value of robstat::aggregate_ci
    std::size_t n_boot; ///< bootstrap resamples
    std::uint64_t seed; ///< bootstrap seed
    // kind groups: group g is values [group_start[g], group_start[g + 1]) of the data;
    // its labels go to labels_out + group_start[g], its 4 counts to counts_out + 4 g
    const std::size_t* group_start;
    std::int8_t* labels_out;
    std::int64_t* counts_out;
    // rolling topic (include/robstat/rolling.hpp):
    std::size_t window;      ///< rolling_*: the window length (validated >= 1)
    std::size_t min_periods; ///< rolling_*: effective min_periods, in [1, window]
    int centered;            ///< rolling_*: nonzero for a centred window
    double rolling_q;        ///< rolling_quantile: the probability (validated)
};

/// What an entry writes to `out`:
///   reduce    one value per lane:               out[lane]
///   quantile  nq values per lane:               out[lane * nq + i]
///   transform lane_size values per lane (C order): out[lane * lane_size + i]
///   labels    lane_size + nq values per lane:   out[lane * (lane_size + nq) + i]
///             (a transform followed by nq per-lane values, e.g. labels and bounds)
///   groups    ragged lanes: "lane" g is the values [group_start[g], group_start[g + 1])
///             of the data (base + i * lane_stride; n_lanes groups, lane_size and the outer
///             strides unused); nq values per group at out[g * nq], and whatever the entry
///             writes through lane_args (aggregate: int8 labels, int64 counts)
enum class kind : int { reduce, quantile, transform, labels, groups };

/// Runs lanes [begin, end) of `x` (one workspace per call, so concurrent calls
/// on disjoint lane ranges are safe) and returns how many of them were "small":
///   reduce:    ws.n_used <= args.min_used
///   quantile:  ws.n_used == 0
///   transform, labels: lane_size > 0 and ws.n_used == 0
///   groups:    a non-empty group with ws.n_used == 0
/// Throws std::domain_error under nan_policy::raise when a NaN is found.
template <class T>
using block_fn = std::size_t (*)(
    const lanes<T>& x, std::size_t begin, std::size_t end, const lane_args& args, T* out);

struct entry {
    kind k;
    block_fn<float> f32;
    block_fn<double> f64;
};

// ---- the list of dispatched lane functions ----------------------------------------
// X(name, kind, call expression). The call expression is evaluated once per
// lane inside the per-ISA translation unit, with these names in scope:
//   d       the robstat::detail namespace of that translation unit
//   A       its xsimd architecture type
//   x       robstat::strided_span<const T>     the lane
//   w       robstat::strided_span<const T>     its weights (size 0 when none were given)
//   ws      robstat::workspace<T>&             scratch (one per block call)
//   out     T*                                 this lane's output (quantile, transform)
//   group   std::size_t                        kind groups: the group's index
//   a       const lane_args&
//   nan     robstat::nan_policy   trim  robstat::trim_spec   method  robstat::quantile_method
// Adding a lane function: one line here, one m.def in bindings.cpp or a
// bind_<topic>.cpp (python/src/glue.hpp).
#define ROBSTAT_DISPATCH_ENTRIES(X)                                                                \
    X(mean, reduce, d::mean_lane<A>(x, nan, ws))                                                   \
    X(var, reduce, d::var_lane<A>(x, a.ddof, nan, ws))                                             \
    X(stddev, reduce, d::var_lane<A>(x, a.ddof, nan, ws, true))                                    \
    X(median, reduce, d::median_lane<A>(x, nan, ws))                                               \
    X(trimmed_mean, reduce, d::trimmed_mean_lane<A>(x, trim, nan, ws))                             \
    X(winsorized_mean, reduce, d::winsorized_mean_lane<A>(x, trim, nan, ws))                       \
    X(mad, reduce, d::mad_lane<A>(x, a.center, a.scale, nan, ws))                                  \
    X(iqr, reduce, d::iqr_lane<A>(x, a.scale, nan, ws))                                            \
    X(quantile, quantile, d::quantile_lane<A>(x, a.q, a.nq, method, out, 1, nan, ws))              \
    X(winsorize, transform,                                                                        \
        d::winsorize_lane<A>(x, d::make_trim(a.lower, a.upper, a.trim_counts != 0), out, nan, ws)) \
    X(zscore, transform, d::zscore_lane<A>(x, a.factor, a.scale, out, nan, ws))                    \
    X(medcouple, reduce, d::medcouple_lane<A>(x, nan, ws))                                         \
    X(adjbox, quantile, d::adjbox_lane<A>(x, a.adj_coef, a.adj_a, a.adj_b, out, nan, ws))          \
    X(huber, reduce, d::huber_lane<A>(x, a.tuning, a.fixed_scale, nan, ws))                        \
    X(huber_weighted, reduce, d::huber_weighted_lane<A>(x, w, a.tuning, a.fixed_scale, nan, ws))   \
    X(huber_joint, quantile, d::huber_joint_lane<A>(x, a.tuning, a.tol, a.maxiter, out, nan, ws))  \
    X(biweight_location, reduce, d::biweight_location_lane<A>(x, a.tuning, a.center, nan, ws))     \
    X(biweight_midvariance, reduce,                                                                \
        d::biweight_midvariance_lane<A>(                                                           \
            x, a.tuning, a.center, a.modify_sample_size != 0, false, nan, ws))                     \
    X(biweight_scale, reduce,                                                                      \
        d::biweight_midvariance_lane<A>(                                                           \
            x, a.tuning, a.center, a.modify_sample_size != 0, true, nan, ws))                      \
    X(sigma_clip, labels,                                                                          \
        d::sigma_clip_lane<A>(x,                                                                   \
            d::make_clip_params(                                                                   \
                a.clip_low, a.clip_high, a.clip_maxiters, a.clip_center, a.clip_scale),            \
            out, nan, ws))                                                                         \
    X(outliers, labels,                                                                            \
        d::outliers_lane<A>(x, d::outlier_method_of(a.outlier_rule), a.threshold, out, nan, ws))   \
    X(qn, reduce, d::qn_lane<A>(x, a.scale, a.finite_corr != 0, nan, ws))                          \
    X(sn, reduce, d::sn_lane<A>(x, a.scale, a.finite_corr != 0, nan, ws))                          \
    X(hodges_lehmann, reduce, d::hodges_lehmann_lane<A>(x, nan, ws))                               \
    X(weighted_mean, reduce, d::weighted_mean_lane<A>(x, w, nan, ws))                              \
    X(weighted_median, reduce, d::weighted_median_lane<A>(x, w, nan, ws))                          \
    X(weighted_quantile, quantile,                                                                 \
        d::weighted_quantile_lane<A>(x, w, a.q, a.nq, method, out, 1, nan, ws))                    \
    X(weighted_trimmed_mean, reduce, d::weighted_trimmed_mean_lane<A>(x, w, trim, nan, ws))        \
    X(weighted_winsorized_mean, reduce, d::weighted_winsorized_mean_lane<A>(x, w, trim, nan, ws))  \
    X(weighted_mad, reduce, d::weighted_mad_lane<A>(x, w, a.center, a.scale, nan, ws))             \
    X(trimmed_means, quantile,                                                                     \
        d::trim_levels_lane<A>(                                                                    \
            x, d::trim_levels { a.levels, a.nq, a.trim_counts != 0 }, false, out, 1, nan, ws))     \
    X(winsorized_means, quantile,                                                                  \
        d::trim_levels_lane<A>(                                                                    \
            x, d::trim_levels { a.levels, a.nq, a.trim_counts != 0 }, true, out, 1, nan, ws))      \
    X(trimmed_var, reduce,                                                                         \
        d::trimmed_var_lane<A>(                                                                    \
            x, d::make_trim(a.lower, a.upper, a.trim_counts != 0), a.ddof, nan, ws))               \
    X(winsorized_var, reduce,                                                                      \
        d::winsorized_var_lane<A>(                                                                 \
            x, d::make_trim(a.lower, a.upper, a.trim_counts != 0), a.ddof, nan, ws))               \
    X(trimmed_sem, reduce,                                                                         \
        d::trimmed_sem_lane<A>(x, d::make_trim(a.lower, a.upper, a.trim_counts != 0), nan, ws))    \
    X(trimmed_ci, quantile,                                                                        \
        d::trimmed_ci_lane<A>(                                                                     \
            x, d::make_trim(a.lower, a.upper, a.trim_counts != 0), a.confidence, out, 1, nan, ws)) \
    X(trimean, reduce, d::trimean_lane<A>(x, d::to_trimean_method(a.method), nan, ws))             \
    X(aggregate, groups,                                                                           \
        d::aggregate_lane<A>(x, w,                                                                 \
            d::make_aggregate_params(a.agg_method, a.lower, a.upper, a.trim_counts != 0,           \
                a.threshold, a.confidence, a.agg_ci, a.n_boot, a.seed),                            \
            a.labels_out + a.group_start[group], a.counts_out + 4 * group, out, nan, ws))          \
    X(rolling_median, transform,                                                                   \
        d::rolling_median_lane<A>(                                                                 \
            x, d::rolling_params_of(a.window, a.min_periods, a.centered), out, nan, ws))           \
    X(rolling_quantile, transform,                                                                 \
        d::rolling_quantile_lane<A>(x, d::rolling_params_of(a.window, a.min_periods, a.centered),  \
            a.rolling_q, method, out, nan, ws))                                                    \
    X(rolling_trimmed_mean, transform,                                                             \
        d::rolling_trimmed_mean_lane<A>(x,                                                         \
            d::rolling_params_of(a.window, a.min_periods, a.centered),                             \
            d::make_trim(a.lower, a.upper, false), out, nan, ws))                                  \
    X(rolling_mad, transform,                                                                      \
        d::rolling_mad_lane<A>(                                                                    \
            x, d::rolling_params_of(a.window, a.min_periods, a.centered), a.scale, out, nan, ws))  \
    X(rolling_zscore, transform,                                                                   \
        d::rolling_zscore_lane<A>(x, d::rolling_params_of(a.window, a.min_periods, a.centered),    \
            out, nullptr, nullptr, nan, ws))                                                       \
    /* (each entry ends with a backslash: this comment closes the list) */

/// CPU features a table may require (a bit mask). Each per-ISA translation
/// unit records the features its compiler flags enabled (from the predefined
/// macros __AVX2__, __FMA__, ...), so the requirement always matches the
/// flags actually used; dispatch.cpp checks them against the running CPU.
enum feature : std::uint64_t {
    feat_sse2 = 1u << 0,
    feat_sse3 = 1u << 1,
    feat_ssse3 = 1u << 2,
    feat_sse4_1 = 1u << 3,
    feat_sse4_2 = 1u << 4,
    feat_popcnt = 1u << 5,
    feat_avx = 1u << 6,
    feat_avx2 = 1u << 7,
    feat_fma = 1u << 8,
    feat_f16c = 1u << 9,
    feat_bmi = 1u << 10,
    feat_bmi2 = 1u << 11,
    feat_lzcnt = 1u << 12,
    feat_movbe = 1u << 13,
    feat_xsave = 1u << 14,
    feat_avx512f = 1u << 15,
    feat_avx512cd = 1u << 16,
    feat_avx512dq = 1u << 17,
    feat_avx512bw = 1u << 18,
    feat_avx512vl = 1u << 19,
    feat_unknown = 1u << 31 ///< an enabled ISA extension this list does not know: never dispatched
};

struct table {
    const char* name;       ///< "sse2", "avx2", "avx512" (what robstat.simd_arch() reports)
    const char* xsimd_arch; ///< the xsimd architecture the kernels were instantiated with
    std::uint64_t required; ///< feature bits the CPU must have
#define ROBSTAT_DISPATCH_FIELD(name, kind, ...) entry name;
    ROBSTAT_DISPATCH_ENTRIES(ROBSTAT_DISPATCH_FIELD)
#undef ROBSTAT_DISPATCH_FIELD
};

// One table per compiled instruction set (defined in arch_<isa>.cpp). Which
// of them exist is known to dispatch.cpp only (ROBSTAT_DISPATCH_HAVE_*).
// The baseline table (arch_sse2.cpp, no -m flags) is "sse2" on x86-64 and
// xsimd's default architecture elsewhere.
extern const table table_baseline;
extern const table table_avx2;
extern const table table_avx512;

} // namespace robstat_dispatch
