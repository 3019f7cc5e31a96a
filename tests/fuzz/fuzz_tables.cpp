// libFuzzer harness: every entry of the runtime-dispatch list (ROBSTAT_DISPATCH_ENTRIES,
// python/src/dispatch/table.hpp) on one lane of arbitrary values, on every table this CPU
// can run (SSE2, AVX2+FMA, AVX-512: the real per-ISA objects of the Python module),
// against the header-only lane functions compiled here at the default architecture.
//   - the baseline table must agree with the header functions bit for bit;
//   - every other table must give identical order statistics, transforms and labels, and
//     sums (is_sum) equal to a few ulps, or, where huge values cancel, to 1e-13 of the
//     largest |value| (sums that could overflow are not compared);
//   - a table throws exactly when the header functions throw, with the same message
//     (nan_policy raise with NaN: std::domain_error; weighted entries whose weights are
//     all zero: std::invalid_argument), and no other exception type.
// Input layout and value encodings: fuzz_input.hpp. Header bytes:
//   0 flags: bit 0 float, bits 1-2 nan_policy (3: propagate), bits 3-4 encoding,
//     bits 5-6 lane stride (1, 2, -1, 3)
//   1, 2 trim lower, upper (/600: always valid)     3, 4 probabilities (/255)
//   5 quantile method (% 5), sigma_clip maxiters (bits 3-4)
//   6 scale / tuning constant      7 rolling window (1-32)   8 min_periods, centred (bit 7)
//   9 weights pattern              10 aggregate method and ci  11 sigma_clip low/high
//   12 the entry (index in the list, modulo its length)
#include "dispatch.hpp"
#include "table.hpp"

#include <robstat/robstat.hpp>

#include "fuzz_input.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <iterator>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace {

namespace rd = robstat_dispatch;
namespace rf = robstat_fuzz;

// ---- the reference: each call expression on ::robstat at the default arch ---------------

template <class T, class F>
std::size_t ref_run(rd::kind k, const rd::lanes<T>& L, const rd::lane_args& a, T* out, F&& f)
{
    robstat::workspace<T> ws;
    const robstat::strided_span<const T> x { L.base, L.lane_size, L.lane_stride };
    const robstat::strided_span<const T> w { L.w_base, L.w_base ? L.lane_size : 0,
        L.w_lane_stride };
    switch (k) {
    case rd::kind::reduce:
        if constexpr (!std::is_void_v<decltype(f(x, w, ws, out, std::size_t(0)))>)
            out[0] = f(x, w, ws, out, std::size_t(0));
        return ws.n_used <= a.min_used;
    case rd::kind::quantile:
        f(x, w, ws, out, std::size_t(0));
        return ws.n_used == 0;
    case rd::kind::transform:
    case rd::kind::labels:
        f(x, w, ws, out, std::size_t(0));
        return L.lane_size > 0 && ws.n_used == 0;
    case rd::kind::groups: // one group: all the values
        f(x, w, ws, out, std::size_t(0));
        return L.lane_size > 0 && ws.n_used == 0;
    }
    return 0;
}

#define ROBSTAT_FUZZ_REFERENCE(name, kind_, ...)                                                   \
    template <class T> std::size_t ref_##name(const rd::lanes<T>& L, const rd::lane_args& a, T* o) \
    {                                                                                              \
        namespace d = ::robstat::detail;                                                           \
        using A = xsimd::default_arch;                                                             \
        [[maybe_unused]] const auto nan = static_cast<robstat::nan_policy>(a.nan);                 \
        [[maybe_unused]] const robstat::trim_spec trim(a.lower, a.upper);                          \
        [[maybe_unused]] const auto method = static_cast<robstat::quantile_method>(a.method);      \
        return ref_run(rd::kind::kind_, L, a, o,                                                   \
            [&](robstat::strided_span<const T> x,                                                  \
                [[maybe_unused]] robstat::strided_span<const T> w, robstat::workspace<T>& ws,      \
                [[maybe_unused]] T* out,                                                           \
                [[maybe_unused]] std::size_t group) { return __VA_ARGS__; });                      \
    }
ROBSTAT_DISPATCH_ENTRIES(ROBSTAT_FUZZ_REFERENCE)
#undef ROBSTAT_FUZZ_REFERENCE

template <class T> struct case_entry {
    const char* name;
    rd::entry rd::table::*member;
    std::size_t (*reference)(const rd::lanes<T>&, const rd::lane_args&, T*);
};

template <class T> const std::vector<case_entry<T>>& all_entries()
{
    static const std::vector<case_entry<T>> v {
#define ROBSTAT_FUZZ_ENTRY(name, kind_, ...) { #name, &rd::table::name, &ref_##name<T> },
        ROBSTAT_DISPATCH_ENTRIES(ROBSTAT_FUZZ_ENTRY)
#undef ROBSTAT_FUZZ_ENTRY
    };
    return v;
}

/// How a sum may differ between tables: 0 exact, 1 like a mean (|value| <= max |x|),
/// 2 like a variance (max |x|^2), 3 like a standard deviation (compared squared),
/// 4 an interval around a mean, 5 the aggregate's statistics (means and SDs).
int sum_kind(const std::string& name)
{
    if (name == "mean" || name == "trimmed_mean" || name == "winsorized_mean"
        || name == "trimmed_means" || name == "winsorized_means")
        return 1;
    if (name == "var" || name == "trimmed_var" || name == "winsorized_var")
        return 2;
    if (name == "stddev" || name == "trimmed_sem")
        return 3;
    if (name == "trimmed_ci")
        return 4;
    if (name == "aggregate")
        return 5;
    return 0;
}

template <class T> rd::block_fn<T> fn_of(const rd::entry& e)
{
    if constexpr (std::is_same_v<T, float>)
        return e.f32;
    else
        return e.f64;
}

template <class T> bool same_bits(T a, T b)
{
    return std::memcmp(&a, &b, sizeof(T)) == 0 || (std::isnan(a) && std::isnan(b));
}

template <class T> bool close_ulps(T a, T b, int ulps)
{
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    if (a == b)
        return true;
    if (!std::isfinite(a) || !std::isfinite(b))
        return false;
    const T big = std::max(std::fabs(a), std::fabs(b));
    const T ulp = std::nextafter(big, std::numeric_limits<T>::infinity()) - big;
    return std::fabs(a - b) <= ulps * ulp;
}

/// Whether a and b (two tables' values of a sum) agree, given the largest finite |x|
/// and the number of values.
template <class T> bool sums_agree(T a, T b, int kind, double mx, std::size_t n)
{
    if (close_ulps(a, b, 8))
        return true;
    // partial sums (squares for variances) that may overflow depend on the order
    const double bound = (kind == 1 || kind == 4) ? mx * static_cast<double>(n + 1)
                                                  : mx * mx * static_cast<double>(n + 1);
    if (!std::isfinite(bound) || !std::isfinite(static_cast<double>(a) * a + 1)
        || !std::isfinite(static_cast<double>(b) * b + 1))
        return true;
    if (std::isnan(a) != std::isnan(b))
        return false;
    const double da = a, db = b;
    switch (kind) {
    case 1:
        return std::fabs(da - db) <= 1e-13 * mx;
    case 2:
        return std::fabs(da - db) <= 1e-13 * mx * mx;
    case 3:
        return std::fabs(da * da - db * db) <= 1e-13 * mx * mx;
    default: // 4, 5: intervals (mean +- t * sem), SDs
        return std::fabs(da - db) <= 1e-6 * mx;
    }
}

rd::lane_args args_from(const rf::reader& r, const std::string& name, const double* q,
    std::size_t nq, const double* center, const double* fixed_scale, const std::size_t* gstart,
    std::int8_t* labels, std::int64_t* counts)
{
    rd::lane_args a {};
    const int p = (r.param(0) >> 1) & 3;
    a.nan = p == 3 ? 0 : p;
    a.method = r.param(5) % 5;
    a.lower = r.param(1) / 600.0;
    a.upper = r.param(2) / 600.0;
    a.scale = 0.25 + r.param(6) / 32.0;
    a.factor = 1.0;
    a.q = q;
    a.nq = nq;
    a.tuning = 0.5 + r.param(6) / 16.0;
    if (name == "var" || name == "trimmed_var" || name == "winsorized_var")
        a.ddof = 1.0, a.min_used = 1;
    if ((name == "mad" || name == "weighted_mad") && (r.param(9) & 1))
        a.center = center;
    if (name == "biweight_location" || name == "biweight_midvariance" || name == "biweight_scale")
        a.center = (r.param(9) & 2) ? center : nullptr;
    if (name == "zscore")
        a.factor = (r.param(9) & 4) ? robstat::modified_zscore_factor : 1.0;
    if (name == "adjbox")
        a.nq = 3, a.adj_coef = 1.5, a.adj_a = -4.0, a.adj_b = 3.0;
    if (name == "huber" || name == "huber_weighted")
        a.fixed_scale = (r.param(9) & 8) ? fixed_scale : nullptr;
    if (name == "huber_joint")
        a.tol = 1e-10, a.maxiter = 50, a.nq = 4;
    a.modify_sample_size = (r.param(9) >> 4) & 1;
    if (name == "sigma_clip") { // median / mad_std: order statistics only, bit-identical
        a.clip_low = 1.0 + (r.param(11) & 15) / 4.0;
        a.clip_high = 1.0 + (r.param(11) >> 4) / 4.0;
        a.clip_maxiters = static_cast<long>((r.param(5) >> 3) & 3) - 1;
        a.clip_center = static_cast<int>(robstat::clip_center::median);
        a.clip_scale = static_cast<int>(robstat::clip_scale::mad_std);
        a.nq = robstat::sigma_clip_nq;
    }
    if (name == "outliers") {
        a.outlier_rule = (r.param(9) >> 5) % 4;
        a.threshold = 0.5 + (r.param(11) & 31) / 4.0;
        a.nq = robstat::outliers_nq;
        if (a.outlier_rule == static_cast<int>(robstat::outlier_method::sigma_clip))
            a.outlier_rule = static_cast<int>(robstat::outlier_method::mad); // (a sum)
    }
    if (name == "qn" || name == "sn")
        a.finite_corr = r.param(9) & 1, a.scale = (r.param(9) & 2) ? 0.0 : a.scale;
    static const double levels[] = { 0.0, 0.0, 0.1, 0.2, 0.25, 0.25, 0.4, 0.0 };
    if (name == "trimmed_means" || name == "winsorized_means")
        a.levels = levels, a.nq = 4;
    if (name == "trimmed_sem" || name == "trimmed_ci")
        a.upper = a.lower;
    if (name == "trimmed_ci")
        a.confidence = 0.95, a.nq = 2;
    if (name == "trimean")
        a.method = r.param(5) % 6;
    if (name.rfind("rolling_", 0) == 0) {
        a.window = 1 + r.param(7) % 32;
        a.min_periods = 1 + (r.param(8) & 127) % a.window;
        a.centered = r.param(8) >> 7;
        a.rolling_q = q[0];
    }
    if (name == "aggregate") {
        a.agg_method = r.param(10) % 6;
        a.agg_ci = (r.param(10) >> 3) % 3;
        a.n_boot = 8;
        a.seed = r.param(10);
        a.threshold = (r.param(10) & 64) ? std::numeric_limits<double>::quiet_NaN()
                                         : 0.5 + (r.param(11) & 31) / 4.0;
        a.confidence = 0.9;
        a.nq = robstat::aggregate_nq;
        a.group_start = gstart;
        a.labels_out = labels;
        a.counts_out = counts;
    }
    return a;
}

std::size_t out_size(rd::kind k, std::size_t lane_size, std::size_t nq)
{
    return k == rd::kind::reduce  ? 1
        : k == rd::kind::quantile ? nq
        : k == rd::kind::labels   ? lane_size + nq
        : k == rd::kind::groups   ? nq
                                  : lane_size;
}

template <class T> void run(const rf::reader& r0)
{
    rf::reader r = r0;
    const auto values = rf::decode_values<T>(r, (r.param(0) >> 3) & 3, 2048);
    const std::size_t n = values.size();
    static const std::ptrdiff_t strides[] = { 1, 2, -1, 3 };
    const std::ptrdiff_t stride = strides[(r.param(0) >> 5) & 3];
    // the lane, stride apart, in a buffer whose gaps hold NaN
    const std::size_t a_st = static_cast<std::size_t>(stride < 0 ? -stride : stride);
    std::vector<T> storage(n == 0 ? 1 : (n - 1) * a_st + 1, std::numeric_limits<T>::quiet_NaN());
    const std::size_t first = stride < 0 && n > 0 ? (n - 1) * a_st : 0;
    for (std::size_t i = 0; i < n; ++i)
        storage[static_cast<std::size_t>(
            static_cast<std::ptrdiff_t>(first) + static_cast<std::ptrdiff_t>(i) * stride)]
            = values[i];
    // weights: quarters 0 to 3 from a pattern byte, some zero; all zero when the byte is 0
    std::vector<T> weights(std::max<std::size_t>(n, 1));
    const unsigned wp = r.param(9);
    for (std::size_t i = 0; i < weights.size(); ++i)
        weights[i] = wp == 0 ? T(0) : static_cast<T>(((i * 2654435761u + wp) >> 5) % 13) / T(4);
    double mx = 0;
    for (T v : values)
        if (std::isfinite(v))
            mx = std::max(mx, std::fabs(static_cast<double>(v)));

    std::ptrdiff_t shape[1] = { 1 }, outer[1] = { 0 }, w_outer[1] = { 0 };
    const rd::lanes<T> L { storage.data() + first, 1, n, stride, 1, shape, outer, weights.data(), 1,
        w_outer };
    const double q[] = { r.param(3) / 255.0, r.param(4) / 255.0, 0.0, 1.0, 0.5 };
    const double center = n ? static_cast<double>(values[n / 2]) : 0.0;
    const double fixed_scale = 0.5 + r.param(6) / 8.0;
    const std::size_t gstart[2] = { 0, n };
    const auto tables = rd::available_tables();

    // one entry an input (byte 12): the fuzzer's coverage feedback then sees each entry's
    // paths on their own, and an execution stays short
    const auto& entries = all_entries<T>();
    {
        const auto& e = entries[r.param(12) % entries.size()];
        const rd::kind k = (tables.front()->*(e.member)).k;
        std::vector<std::int8_t> lab_ref(n + 1, 9), lab(n + 1, 9);
        std::vector<std::int64_t> cnt_ref(4, -1), cnt(4, -1);
        const rd::lane_args a_ref = args_from(r, e.name, q, std::size(q), &center, &fixed_scale,
            gstart, lab_ref.data(), cnt_ref.data());
        const std::size_t m = out_size(k, n, a_ref.nq);
        std::vector<T> want(m + 1, T(-7));
        std::string err_want;
        std::size_t small_want = 0;
        try {
            small_want = e.reference(L, a_ref, want.data());
        } catch (const std::domain_error& ex) {
            err_want = std::string("domain_error: ") + ex.what();
        } catch (const std::invalid_argument& ex) {
            err_want = std::string("invalid_argument: ") + ex.what();
        } catch (const std::exception& ex) {
            rf::report(std::string(e.name) + ": unexpected exception " + ex.what());
        }
        // (valid parameters: only the weights, all zero, or weights where a method takes
        // none, may be rejected)
        const std::string name = e.name;
        if (err_want.rfind("invalid_argument", 0) == 0 && name.find("weight") == std::string::npos
            && name != "aggregate")
            rf::report(std::string(e.name) + ": rejected valid parameters: " + err_want);
        if (want[m] != T(-7))
            rf::report(std::string(e.name) + ": the header function wrote past its output");
        for (const rd::table* t : tables) {
            const rd::lane_args a = args_from(
                r, e.name, q, std::size(q), &center, &fixed_scale, gstart, lab.data(), cnt.data());
            std::vector<T> got(m + 1, T(-7));
            std::fill(lab.begin(), lab.end(), std::int8_t(9));
            std::fill(cnt.begin(), cnt.end(), std::int64_t(-1));
            std::string err_got;
            std::size_t small_got = 0;
            try {
                small_got = fn_of<T>(t->*(e.member))(L, 0, 1, a, got.data());
            } catch (const std::domain_error& ex) {
                err_got = std::string("domain_error: ") + ex.what();
            } catch (const std::invalid_argument& ex) {
                err_got = std::string("invalid_argument: ") + ex.what();
            } catch (const std::exception& ex) {
                rf::report(std::string(e.name) + ": unexpected exception " + ex.what());
            }
            const std::string where = std::string("table ") + t->name + ", " + e.name + ", "
                + (std::is_same_v<T, float> ? "float" : "double") + ", n=" + std::to_string(n)
                + ", stride=" + std::to_string(stride) + ", nan_policy=" + std::to_string(a.nan);
            if (err_got != err_want)
                rf::report(where + ": table threw '" + err_got + "', header '" + err_want + "'");
            if (!err_want.empty())
                continue;
            if (small_got != small_want)
                rf::report(where + ": small-lane count differs");
            if (got[m] != T(-7))
                rf::report(where + ": the table wrote past its output");
            const bool exact_table = t == tables.front();
            const int sk = sum_kind(e.name);
            for (std::size_t i = 0; i < m; ++i) {
                const bool ok = exact_table || sk == 0 ? same_bits(got[i], want[i])
                                                       : sums_agree(got[i], want[i], sk, mx, n);
                if (!ok)
                    rf::report(where + ": output " + std::to_string(i) + " table "
                        + rf::num(static_cast<double>(got[i])) + ", header "
                        + rf::num(static_cast<double>(want[i]))
                        + (exact_table || sk == 0 ? " (must be identical)" : ""));
            }
            if (k == rd::kind::groups && (lab != lab_ref || cnt != cnt_ref))
                rf::report(where + ": labels or counts differ");
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
