// Runtime dispatch (python/src/dispatch, docs/dispatch.md): every table this CPU
// can run, against the header-only lane functions compiled in this translation
// unit at its default architecture (no -m flags: SSE2 on x86-64).
//   - the SSE2 table must agree BIT FOR BIT with the header functions (same code,
//     same instruction set);
//   - the AVX2 / AVX-512 tables must give identical order statistics and
//     transforms, and sums equal to within a few ulps (the SIMD partial sums
//     are combined in a different order);
//   - splitting the lanes into blocks (what `workers` does) changes nothing;
//   - selection: ROBSTAT_FORCE_ARCH, unknown and unsupported names, and (when the
//     environment sets ROBSTAT_EXPECT_ARCH, as `make test-qemu` does) the
//     automatic choice.
//
// Built only into robstat_dispatch_tests (tests/CMakeLists.txt defines
// ROBSTAT_DISPATCH_TEST there); the test_*.cpp glob of the other suites also
// picks this file up, where it compiles to nothing.
#ifdef ROBSTAT_DISPATCH_TEST

#include <catch2/catch.hpp>

#include <robstat/robstat.hpp>

#include "dispatch.hpp"
#include "table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <limits>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace {

namespace rd = robstat_dispatch;

// ---- the reference: the same call expressions, on ::robstat at the default arch -------

/// Lane i of L (or of its weights), located by plain index arithmetic
/// (independent of the odometer the tables use).
template <class T> const T* lane_ptr(const rd::lanes<T>& L, std::size_t lane, bool weights = false)
{
    const T* base = weights ? L.w_base : L.base;
    const std::ptrdiff_t* strides = weights ? L.w_outer_strides : L.outer_strides;
    if (!base)
        return nullptr;
    std::ptrdiff_t off = 0;
    for (std::size_t d = L.outer_ndim; d-- > 0;) {
        const auto n = static_cast<std::size_t>(L.outer_shape[d]);
        off += static_cast<std::ptrdiff_t>(lane % n) * strides[d];
        lane /= n;
    }
    return base + off;
}

template <class T, class F>
std::size_t ref_run(rd::kind k, const rd::lanes<T>& L, const rd::lane_args& a, T* out, F&& f)
{
    std::size_t n_small = 0;
    for (std::size_t lane = 0; lane < L.n_lanes; ++lane) {
        robstat::workspace<T> ws; // fresh: results must not depend on workspace reuse
        const robstat::strided_span<const T> x { lane_ptr(L, lane), L.lane_size, L.lane_stride };
        const T* wp = lane_ptr(L, lane, true);
        const robstat::strided_span<const T> w { wp, wp ? L.lane_size : 0, L.w_lane_stride };
        switch (k) {
        case rd::kind::reduce:
            if constexpr (!std::is_void_v<decltype(f(x, w, ws, out))>)
                out[lane] = f(x, w, ws, out + lane);
            n_small += ws.n_used <= a.min_used;
            break;
        case rd::kind::quantile:
            f(x, w, ws, out + lane * a.nq);
            n_small += ws.n_used == 0;
            break;
        case rd::kind::transform:
            f(x, w, ws, out + lane * L.lane_size);
            n_small += L.lane_size > 0 && ws.n_used == 0;
            break;
        case rd::kind::labels:
            f(x, w, ws, out + lane * (L.lane_size + a.nq));
            n_small += L.lane_size > 0 && ws.n_used == 0;
            break;
        case rd::kind::groups: // (its own reference: ref_groups)
            throw std::logic_error("ref_run: a groups entry");
        }
    }
    return n_small;
}

#define ROBSTAT_TEST_REFERENCE(name, kind_, ...)                                                   \
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
                [[maybe_unused]] T* out) {                                                         \
                [[maybe_unused]] const std::size_t group                                           \
                    = a.nq ? static_cast<std::size_t>(out - o) / a.nq : 0;                         \
                return __VA_ARGS__;                                                                \
            });                                                                                    \
    }
ROBSTAT_DISPATCH_ENTRIES(ROBSTAT_TEST_REFERENCE)
#undef ROBSTAT_TEST_REFERENCE

/// One entry of the list: its name, the table member, the reference, and
/// whether its result is a sum (compared to a few ulps across instruction
/// sets) or exact (order statistics, their fixed combinations, transforms).
template <class T> struct case_entry {
    const char* name;
    rd::entry rd::table::*member;
    std::size_t (*reference)(const rd::lanes<T>&, const rd::lane_args&, T*);
};

template <class T> std::vector<case_entry<T>> all_entries()
{
    return {
#define ROBSTAT_TEST_ENTRY(name, kind_, ...) { #name, &rd::table::name, &ref_##name<T> },
        ROBSTAT_DISPATCH_ENTRIES(ROBSTAT_TEST_ENTRY)
#undef ROBSTAT_TEST_ENTRY
    };
}

bool is_sum(const std::string& name)
{
    static const std::set<std::string> sums { "mean", "var", "stddev", "trimmed_mean",
        "winsorized_mean", "trimmed_means", "winsorized_means", "trimmed_var", "winsorized_var",
        "trimmed_sem", "trimmed_ci" };
    return sums.count(name) > 0;
}

template <class T> rd::block_fn<T> fn_of(const rd::entry& e)
{
    if constexpr (std::is_same_v<T, float>)
        return e.f32;
    else
        return e.f64;
}

// ---- data -------------------------------------------------------------------------

enum class data_kind { normal, outliers, ties, with_nan, with_inf, all_nan, clustered, sorted };

const char* kind_name(data_kind k)
{
    static const char* names[] = { "normal", "outliers", "ties", "with_nan", "with_inf", "all_nan",
        "clustered", "sorted" };
    return names[static_cast<int>(k)];
}

template <class T> std::vector<T> make_values(std::size_t n, data_kind kind, std::uint32_t seed)
{
    std::mt19937_64 gen(seed);
    std::normal_distribution<double> normal(3.0, 2.0);
    std::vector<T> v(n);
    // powers of two: the huge values cancel exactly whatever the order of the
    // additions (with 1e100 the rounding errors of the huge partial sums can
    // absorb the small values in one Neumaier lane: a limit of the kernels
    // that depends on the SIMD width, not a dispatch property)
    const double huge = std::is_same_v<T, float> ? 0x1p100 : 0x1p300;
    for (std::size_t i = 0; i < n; ++i) {
        double x = normal(gen);
        switch (kind) {
        case data_kind::outliers:
            if (i % 17 == 3)
                x = (i % 2 ? huge : -huge);
            break;
        case data_kind::ties:
            x = std::round(x);
            break;
        case data_kind::with_nan:
            if (i % 13 == 5)
                x = std::numeric_limits<double>::quiet_NaN();
            break;
        case data_kind::with_inf:
            if (i % 29 == 7)
                x = (i % 2 ? 1 : -1) * std::numeric_limits<double>::infinity();
            break;
        case data_kind::all_nan:
            x = std::numeric_limits<double>::quiet_NaN();
            break;
        case data_kind::clustered: // 98% one value: brackets around it hold most of the data
            if (i % 50 != 0)
                x = 1.0;
            break;
        case data_kind::sorted:
            x = static_cast<double>(i) * 0.25 - 3.0;
            break;
        default:
            break;
        }
        v[i] = static_cast<T>(x);
    }
    return v;
}

/// A 2 x 3 grid of lanes of `lane_size` values, `lane_stride` apart (1, 2 or
/// -1), with the outer axes in an unusual order (Fortran-like outer strides),
/// and weights (for the weighted entries; the others ignore them) in C order
/// at their own strides: positive, mostly small integers, some fractional, a
/// few zero.
template <class T> struct grid {
    std::vector<T> storage;
    std::vector<T> weights;
    std::ptrdiff_t shape[2] = { 2, 3 };
    std::ptrdiff_t strides[2];
    std::ptrdiff_t w_strides[2];
    rd::lanes<T> lanes;

    grid(std::size_t lane_size, std::ptrdiff_t lane_stride, data_kind kind, std::uint32_t seed)
    {
        const std::size_t n_lanes = 6;
        const std::size_t span = lane_size == 0 ? 1 : (lane_size - 1) * std::abs(lane_stride) + 1;
        storage = make_values<T>(n_lanes * span, kind, seed);
        // lane (i, j) starts at block (j * 2 + i): the outer axis 0 is the fast one
        strides[0] = static_cast<std::ptrdiff_t>(span);
        strides[1] = static_cast<std::ptrdiff_t>(2 * span);
        const T* base = storage.data();
        if (lane_stride < 0)
            base += span - 1; // each lane runs backwards from the end of its block
        weights.resize(std::max<std::size_t>(n_lanes * lane_size, 1));
        for (std::size_t i = 0; i < weights.size(); ++i)
            weights[i] = static_cast<T>(i % 11 == 4 ? 0.0
                    : i % 7 == 2                    ? 0.375 * (i % 5 + 1)
                                                    : (i * 7919) % 4 + 1.0);
        w_strides[0] = static_cast<std::ptrdiff_t>(3 * lane_size);
        w_strides[1] = static_cast<std::ptrdiff_t>(lane_size);
        lanes = { base, n_lanes, lane_size, lane_stride, 2, shape, strides, weights.data(), 1,
            w_strides };
    }
};

template <class T>
rd::lane_args args_for(const std::string& name, robstat::nan_policy p, const double* q,
    std::size_t nq, const double* center)
{
    rd::lane_args a {};
    a.nan = static_cast<int>(p);
    a.method = static_cast<int>(robstat::quantile_method::linear);
    a.lower = 0.1;
    a.upper = 0.2;
    a.scale = robstat::mad_normal_scale;
    a.factor = 1.0;
    a.q = q;
    a.nq = nq;
    if (name == "var")
        a.ddof = 1.0, a.min_used = 1;
    if (name == "mad" || name == "weighted_mad")
        a.center = center;
    if (name == "zscore")
        a.factor = robstat::modified_zscore_factor, a.scale = 1.0;
    if (name == "adjbox")
        a.nq = 3, a.adj_coef = 1.5, a.adj_a = -4.0, a.adj_b = 3.0;
    // M-estimators: huber with its default (MAD) scale, the weighted one with a fixed scale
    static const double huber_fixed_scale = 1.25;
    if (name == "huber" || name == "huber_weighted" || name == "huber_joint")
        a.tuning = 1.5;
    if (name == "huber_weighted")
        a.fixed_scale = &huber_fixed_scale;
    if (name == "huber_joint")
        a.tol = 1e-12, a.maxiter = 200, a.nq = 4;
    if (name == "biweight_location")
        a.tuning = 6.0;
    if (name == "biweight_midvariance" || name == "biweight_scale")
        a.tuning = 9.0, a.modify_sample_size = name == "biweight_scale" ? 1 : 0;
    if (name == "sigma_clip") { // median / mad_std: order statistics only, bit-identical
        a.clip_low = 2.5, a.clip_high = 3.0, a.clip_maxiters = -1;
        a.clip_center = static_cast<int>(robstat::clip_center::median);
        a.clip_scale = static_cast<int>(robstat::clip_scale::mad_std);
        a.nq = robstat::sigma_clip_nq;
    }
    if (name == "outliers") {
        a.outlier_rule = static_cast<int>(robstat::outlier_method::iqr);
        a.threshold = 1.5;
        a.nq = robstat::outliers_nq;
    }
    if (name == "qn" || name == "sn")
        a.scale = 0.0, a.finite_corr = 1; // robustbase's "normal" defaults
    // trimmed topic: three levels, the last one by counts would need another call;
    // symmetric 0.1 for the standard error and interval, ddof 1 for the variances
    static const double levels[] = { 0.05, 0.05, 0.1, 0.2, 0.25, 0.25 };
    if (name == "trimmed_means" || name == "winsorized_means")
        a.levels = levels, a.nq = 3;
    if (name == "trimmed_var" || name == "winsorized_var")
        a.ddof = 1.0;
    if (name == "trimmed_sem" || name == "trimmed_ci")
        a.upper = 0.1;
    if (name == "trimmed_ci")
        a.confidence = 0.95, a.nq = 2;
    if (name == "trimean")
        a.method = 5; // hinges (the linear quartiles are the quantile entry's)
    // rolling topic: trailing and centred (even) windows, min_periods below the window
    if (name.rfind("rolling_", 0) == 0) {
        a.window = name == "rolling_median" || name == "rolling_mad" ? 7 : 12;
        a.min_periods = 3;
        a.centered = name == "rolling_median" || name == "rolling_trimmed_mean" ? 0 : 1;
        a.rolling_q = 0.3;
        a.lower = 0.1, a.upper = 0.2;
    }
    return a;
}

std::size_t out_size(rd::kind k, std::size_t n_lanes, std::size_t lane_size, std::size_t nq)
{
    return k == rd::kind::reduce  ? n_lanes
        : k == rd::kind::quantile ? n_lanes * nq
        : k == rd::kind::labels   ? n_lanes * (lane_size + nq)
                                  : n_lanes * lane_size;
}

/// Sums over data whose huge values cancel: once a SIMD lane's Neumaier sum
/// has absorbed a huge value, the small values live in its compensation term,
/// which is a plain (uncompensated) sum, so the result depends on how the
/// values were spread over the lanes: ~1e-15 relative, not the last ulp
/// (measured: 10 ulps for mean under nan_policy::omit, n = 4099). A property
/// of the kernels, reported; the other data sets are held to 4 ulps.
constexpr double huge_cancellation_tolerance = 1e-13;

template <class T> bool same_bits(T a, T b)
{
    return std::memcmp(&a, &b, sizeof(T)) == 0 || (std::isnan(a) && std::isnan(b));
}

/// |a - b| within `ulps` units in the last place of the larger (NaN == NaN, inf == inf).
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

std::vector<const rd::table*> tables_to_test()
{
    auto av = rd::available_tables();
    REQUIRE(!av.empty());
    return av;
}

/// `make test-qemu` sets ROBSTAT_DISPATCH_QUICK: fewer cases (emulation is slow).
bool quick()
{
    const char* q = std::getenv("ROBSTAT_DISPATCH_QUICK");
    return q && *q && std::string(q) != "0";
}

template <class T> void check_table_against_headers(const rd::table& t)
{
    const double qs[] = { 0.0, 0.1, 0.25, 0.5, 0.9, 1.0 };
    const double center = 2.5;
    const data_kind all_kinds[]
        = { data_kind::normal, data_kind::outliers, data_kind::ties, data_kind::with_nan,
              data_kind::with_inf, data_kind::all_nan, data_kind::clustered, data_kind::sorted };
    struct case_t {
        std::size_t n;
        std::ptrdiff_t stride;
        data_kind kind;
    };
    std::vector<case_t> cases;
    // every SIMD tail up to W = 16, all strides and data kinds; then sizes where
    // the one-pass selection engine runs (n >= 16384), one stride per data kind
    std::vector<std::size_t> small { 0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100, 257, 1001,
        4099 };
    std::vector<std::ptrdiff_t> strides { 1, 2, -1 };
    std::vector<std::size_t> big { 16384, 20011 };
    if (quick()) {
        small = { 0, 1, 3, 8, 17, 33, 257 };
        strides = { 1, -1 };
        big = { 20011 };
    }
    for (std::size_t n : small)
        for (std::ptrdiff_t st : strides)
            for (data_kind k : all_kinds)
                cases.push_back({ n, st, k });
    for (std::size_t n : big) {
        int i = 0;
        for (data_kind k : all_kinds) {
            if (quick() && k != data_kind::normal && k != data_kind::with_nan
                && k != data_kind::clustered)
                continue;
            cases.push_back({ n, strides[static_cast<std::size_t>(i++) % strides.size()], k });
        }
    }
    const robstat::nan_policy policies[]
        = { robstat::nan_policy::propagate, robstat::nan_policy::omit };
    const bool exact_table = std::string(t.name) == rd::table_baseline.name;
    std::uint32_t seed = 1;
    std::size_t compared = 0;
    for (const auto& e : all_entries<T>()) {
        const rd::entry& entry = t.*(e.member);
        const rd::block_fn<T> fn = fn_of<T>(entry);
        REQUIRE(fn != nullptr);
        if (entry.k == rd::kind::groups)
            continue; // ragged lanes: check_groups_against_headers
        const bool exact = exact_table || !is_sum(e.name);
        for (const case_t& c : cases) {
            for (robstat::nan_policy p : policies) {
                grid<T> g(c.n, c.stride, c.kind, ++seed);
                const auto a = args_for<T>(e.name, p, qs, std::size(qs), &center);
                const std::size_t m = out_size(entry.k, 6, c.n, a.nq);
                std::vector<T> got(m, T(-7)), want(m, T(-7));
                // an entry may reject its input (the weighted entries: a lane whose
                // weights are all 0): then the table must throw the same error
                std::size_t n_got = 0, n_want = 0;
                std::string err_got, err_want;
                try {
                    n_got = fn(g.lanes, 0, 6, a, got.data());
                } catch (const std::exception& ex) {
                    err_got = ex.what();
                }
                try {
                    n_want = e.reference(g.lanes, a, want.data());
                } catch (const std::exception& ex) {
                    err_want = ex.what();
                }
                REQUIRE(err_got == err_want);
                if (!err_want.empty())
                    continue;
                std::size_t bad = m; // first mismatch
                for (std::size_t i = 0; i < m && bad == m; ++i) {
                    bool ok;
                    if (exact)
                        ok = same_bits(got[i], want[i]);
                    else if (c.kind != data_kind::outliers || !std::isfinite(want[i]))
                        ok = close_ulps(got[i], want[i], 4);
                    else // see huge_cancellation_tolerance
                        ok = std::fabs(got[i] - want[i])
                            <= huge_cancellation_tolerance * std::fabs(want[i]);
                    if (!ok)
                        bad = i;
                }
                INFO("table " << t.name << ", " << e.name << ", "
                              << (std::is_same_v<T, float> ? "float" : "double") << ", n=" << c.n
                              << ", stride=" << c.stride << ", data " << kind_name(c.kind)
                              << ", nan_policy " << static_cast<int>(p));
                REQUIRE(n_got == n_want);
                if (bad < m) {
                    INFO("output " << bad << ": table " << std::hexfloat << got[bad] << ", header "
                                   << want[bad] << std::defaultfloat
                                   << (exact ? " (must be identical)" : ""));
                    FAIL("the table and the header functions disagree");
                }
                ++compared;
            }
        }
    }
    CHECK(compared > 0);
}

/// Restores an environment variable when it goes out of scope.
struct env_guard {
    std::string name;
    bool had;
    std::string old;
    explicit env_guard(const char* n)
        : name(n)
        , had(std::getenv(n) != nullptr)
    {
        if (had)
            old = std::getenv(n);
    }
    ~env_guard()
    {
        if (had)
            setenv(name.c_str(), old.c_str(), 1);
        else
            unsetenv(name.c_str());
    }
};

} // namespace

TEST_CASE("dispatch: compiled and available tables", "[dispatch]")
{
    const auto compiled = rd::compiled_tables();
    const auto available = rd::available_tables();
    REQUIRE(!compiled.empty());
    CHECK(compiled.front() == &rd::table_baseline);
    CHECK(rd::cpu_supports(rd::table_baseline));
    REQUIRE(!available.empty());
    CHECK(available.front() == &rd::table_baseline);
    CHECK(&rd::best_table() == available.back());
    std::set<std::string> names;
    for (const rd::table* t : compiled) {
        INFO(t->name << " (xsimd " << t->xsimd_arch << ") requires "
                     << rd::feature_names(t->required));
        CHECK(names.insert(t->name).second); // unique names
        CHECK((t->required & rd::feat_unknown) == 0);
        const bool listed = std::find(available.begin(), available.end(), t) != available.end();
        CHECK(listed == rd::cpu_supports(*t));
    }
#if defined(__x86_64__)
    CHECK(std::string(rd::table_baseline.name) == "sse2");
    CHECK(rd::table_baseline.required == rd::feat_sse2);
#endif
#ifdef ROBSTAT_DISPATCH_HAVE_AVX2
    CHECK(std::string(rd::table_avx2.name) == "avx2");
    CHECK((rd::table_avx2.required & (rd::feat_avx2 | rd::feat_fma))
        == (rd::feat_avx2 | rd::feat_fma));
    CHECK(std::string(rd::table_avx512.name) == "avx512");
    const std::uint64_t avx512 = rd::feat_avx512f | rd::feat_avx512cd | rd::feat_avx512dq
        | rd::feat_avx512bw | rd::feat_avx512vl;
    CHECK((rd::table_avx512.required & avx512) == avx512);
#endif
    // the detected features of this CPU, for the log
    WARN("CPU features: " << rd::feature_names(rd::cpu_features())
                          << "; best table: " << rd::best_table().name);
}

TEST_CASE("dispatch: the automatic choice is the one the environment expects", "[dispatch]")
{
    // `make test-qemu` runs this under qemu -cpu Nehalem (expects sse2) and
    // -cpu Haswell (expects avx2).
    const char* expect = std::getenv("ROBSTAT_EXPECT_ARCH");
    if (!expect || !*expect)
        return;
    env_guard g("ROBSTAT_FORCE_ARCH");
    unsetenv("ROBSTAT_FORCE_ARCH");
    CHECK(std::string(rd::select_table_from_env().name) == expect);
    CHECK(std::string(rd::best_table().name) == expect);
}

TEST_CASE("dispatch: ROBSTAT_FORCE_ARCH", "[dispatch]")
{
    env_guard g("ROBSTAT_FORCE_ARCH");
    unsetenv("ROBSTAT_FORCE_ARCH");
    CHECK(&rd::select_table_from_env() == &rd::best_table());
    setenv("ROBSTAT_FORCE_ARCH", "", 1);
    CHECK(&rd::select_table_from_env() == &rd::best_table());
    setenv("ROBSTAT_FORCE_ARCH", " SSE2 ", 1); // case and blanks ignored
    CHECK(&rd::select_table_from_env() == &rd::table_baseline);
    for (const rd::table* t : rd::available_tables()) {
        setenv("ROBSTAT_FORCE_ARCH", t->name, 1);
        CHECK(&rd::select_table_from_env() == t);
    }
    // unknown names: the message lists the choices
    setenv("ROBSTAT_FORCE_ARCH", "neon", 1);
    CHECK_THROWS_WITH(rd::select_table_from_env(),
        Catch::Contains("ROBSTAT_FORCE_ARCH='neon'") && Catch::Contains("choose one of")
            && Catch::Contains("sse2"));
    // compiled but not runnable here: the message names the missing features
    for (const rd::table* t : rd::compiled_tables()) {
        if (rd::cpu_supports(*t))
            continue;
        setenv("ROBSTAT_FORCE_ARCH", t->name, 1);
        CHECK_THROWS_WITH(rd::select_table_from_env(),
            Catch::Contains("cannot run on this CPU") && Catch::Contains("lacks"));
    }
}

TEST_CASE("dispatch: every available table matches the header functions (double)", "[dispatch]")
{
    for (const rd::table* t : tables_to_test()) {
        SECTION(std::string("table ") + t->name)
        {
            check_table_against_headers<double>(*t);
        }
    }
}

TEST_CASE("dispatch: every available table matches the header functions (float)", "[dispatch]")
{
    for (const rd::table* t : tables_to_test()) {
        SECTION(std::string("table ") + t->name)
        {
            check_table_against_headers<float>(*t);
        }
    }
}

/// The groups entries (aggregate): every method and data kind, groups of uneven sizes
/// (empty ones included) split into two blocks, against aggregate_lane of the headers called
/// group by group. Labels and counts must be identical; the statistics too, except those that
/// are sums on a SIMD table (the kept mean and SD, the trimmed mean), to a few ulps.
template <class T> void check_groups_against_headers(const rd::table& t)
{
    const rd::block_fn<T> fn = fn_of<T>(t.aggregate);
    const bool exact_table = std::string(t.name) == rd::table_baseline.name;
    const std::vector<std::size_t> start { 0, 0, 1, 3, 40, 41, 300, 1300, 1300, 1333, 21400 };
    const std::size_t G = start.size() - 1, n = start.back();
    const data_kind kinds[] = { data_kind::normal, data_kind::outliers, data_kind::ties,
        data_kind::with_nan, data_kind::with_inf, data_kind::clustered };
    std::uint32_t seed = 77;
    for (int method = 0; method <= static_cast<int>(robstat::aggregate_method::huber); ++method) {
        for (data_kind k : kinds) {
            for (auto p : { robstat::nan_policy::propagate, robstat::nan_policy::omit }) {
                const std::vector<T> v = make_values<T>(n, k, ++seed);
                rd::lane_args a {};
                a.nan = static_cast<int>(p);
                a.agg_method = method;
                a.lower = a.upper = 0.1;
                a.threshold = std::numeric_limits<double>::quiet_NaN();
                a.confidence = 0.9;
                a.nq = robstat::aggregate_nq;
                a.group_start = start.data();
                std::vector<std::int8_t> lab(n, 9), lab_ref(n, 9);
                std::vector<std::int64_t> cnt(4 * G, -1), cnt_ref(4 * G, -1);
                std::vector<T> st(G * a.nq, T(-7)), st_ref(G * a.nq, T(-7));
                // weights (0 to 3 in quarters, some zero) on the methods that take them
                const bool weighted = (seed % 2 == 0) && method != 3 && method != 4;
                std::vector<T> wt(n);
                for (std::size_t i = 0; i < n; ++i)
                    wt[i] = static_cast<T>(((i * 2654435761u) >> 7) % 13) / T(4);
                for (std::size_t g = 0; g < G; ++g) // (a group of zero total weight is an error)
                    if (start[g] < start[g + 1])
                        wt[start[g]] = T(1);
                const rd::lanes<T> L { v.data(), G, 0, 1, 0, nullptr, nullptr,
                    weighted ? wt.data() : nullptr, 1, nullptr };
                a.labels_out = lab.data();
                a.counts_out = cnt.data();
                const std::size_t small = fn(L, 0, 4, a, st.data()) + fn(L, 4, G, a, st.data());
                std::size_t small_ref = 0;
                const auto prm = robstat::detail::make_aggregate_params(
                    method, 0.1, 0.1, false, a.threshold, a.confidence, 0, 0, 0);
                for (std::size_t g = 0; g < G; ++g) {
                    robstat::workspace<T> ws;
                    const std::size_t size = start[g + 1] - start[g];
                    const robstat::strided_span<const T> wg {
                        weighted ? wt.data() + start[g] : nullptr, weighted ? size : 0, 1
                    };
                    robstat::detail::aggregate_lane<xsimd::default_arch, T>(
                        { v.data() + start[g], size, 1 }, wg, prm, lab_ref.data() + start[g],
                        cnt_ref.data() + 4 * g, st_ref.data() + g * a.nq, p, ws);
                    small_ref += size > 0 && ws.n_used == 0;
                }
                INFO("table " << t.name << ", method " << method << ", data " << kind_name(k)
                              << ", nan_policy " << static_cast<int>(p)
                              << (weighted ? ", weighted" : ""));
                if (k == data_kind::with_nan) {
                    std::vector<std::int8_t> lab2(n);
                    std::vector<std::int64_t> cnt2(4 * G);
                    std::vector<T> st2(G * a.nq);
                    rd::lane_args r = a;
                    r.nan = static_cast<int>(robstat::nan_policy::raise);
                    r.labels_out = lab2.data();
                    r.counts_out = cnt2.data();
                    CHECK_THROWS_AS(fn(L, 0, G, r, st2.data()), std::domain_error);
                }
                CHECK(small == small_ref);
                CHECK(lab == lab_ref);
                CHECK(cnt == cnt_ref);
                for (std::size_t i = 0; i < st.size(); ++i) {
                    INFO("statistic " << i % a.nq << " of group " << i / a.nq << ": table " << st[i]
                                      << ", header " << st_ref[i]);
                    if (exact_table)
                        CHECK(same_bits(st[i], st_ref[i]));
                    else
                        CHECK(close_ulps(st[i], st_ref[i], 64));
                }
            }
        }
    }
}

TEST_CASE("dispatch: the groups entries match the header functions", "[dispatch]")
{
    for (const rd::table* t : tables_to_test()) {
        SECTION(std::string("table ") + t->name)
        {
            check_groups_against_headers<double>(*t);
            check_groups_against_headers<float>(*t);
        }
    }
}

TEST_CASE("dispatch: splitting the lanes into blocks changes nothing", "[dispatch]")
{
    // what `workers` does: lanes [0, n) as contiguous blocks, one workspace each
    const double qs[] = { 0.2, 0.5 };
    for (const rd::table* t : tables_to_test()) {
        for (const auto& e : all_entries<double>()) {
            const rd::entry& entry = (*t).*(e.member);
            if (entry.k == rd::kind::groups)
                continue; // (check_groups_against_headers splits its groups into two blocks)
            grid<double> g(301, 1, data_kind::with_nan, 99);
            const auto a = args_for<double>(e.name, robstat::nan_policy::omit, qs, 2, nullptr);
            const std::size_t m = out_size(entry.k, 6, 301, a.nq);
            std::vector<double> whole(m), parts(m);
            const std::size_t n1 = entry.f64(g.lanes, 0, 6, a, whole.data());
            std::size_t n2 = 0;
            const std::size_t bounds[][2] = { { 0, 1 }, { 1, 4 }, { 4, 4 }, { 4, 6 } };
            for (const auto& be : bounds)
                n2 += entry.f64(g.lanes, be[0], be[1], a, parts.data());
            INFO("table " << t->name << ", " << e.name);
            CHECK(n1 == n2);
            for (std::size_t i = 0; i < m; ++i)
                REQUIRE(same_bits(whole[i], parts[i]));
        }
    }
}

TEST_CASE("dispatch: nan_policy raise throws from every table", "[dispatch]")
{
    const double qs[] = { 0.5 };
    for (const rd::table* t : tables_to_test()) {
        for (const auto& e : all_entries<double>()) {
            const rd::entry& entry = (*t).*(e.member);
            if (entry.k == rd::kind::groups)
                continue; // (check_groups_against_headers)
            grid<double> g(50, 1, data_kind::with_nan, 7);
            const auto a = args_for<double>(e.name, robstat::nan_policy::raise, qs, 1, nullptr);
            std::vector<double> out(out_size(entry.k, 6, 50, a.nq));
            INFO("table " << t->name << ", " << e.name);
            CHECK_THROWS_AS(entry.f64(g.lanes, 0, 6, a, out.data()), std::domain_error);
            grid<double> clean(50, 1, data_kind::normal, 7);
            CHECK_NOTHROW(entry.f64(clean.lanes, 0, 6, a, out.data()));
        }
    }
}

TEST_CASE("dispatch: public API spot checks on every table", "[dispatch]")
{
    // independent of the list: the public header functions on a vector
    std::vector<double> v = make_values<double>(1001, data_kind::outliers, 3);
    const double ref_tm = robstat::trimmed_mean(v, 0.1);
    const double ref_med = robstat::median(v);
    const double ref_mad = robstat::mad(v);
    std::ptrdiff_t shape[1] = { 1 }, strides[1] = { 0 };
    const rd::lanes<double> L { v.data(), 1, v.size(), 1, 1, shape, strides, nullptr, 0, nullptr };
    for (const rd::table* t : tables_to_test()) {
        INFO("table " << t->name);
        rd::lane_args a {};
        a.nan = static_cast<int>(robstat::nan_policy::propagate);
        a.lower = a.upper = 0.1;
        double out = 0;
        t->trimmed_mean.f64(L, 0, 1, a, &out);
        CHECK(close_ulps(out, ref_tm, 4));
        t->median.f64(L, 0, 1, a, &out);
        CHECK(out == ref_med);
        a.scale = robstat::mad_normal_scale;
        t->mad.f64(L, 0, 1, a, &out);
        CHECK(out == ref_mad);
    }
}

#endif // ROBSTAT_DISPATCH_TEST
