// Helpers shared by the C++ test files: tolerances, sizes and strides, test data
// generators, strided layouts, the sorted-copy oracle, and the check loops that
// run a list of estimators against their oracles (plain, NaN policies, input left
// unchanged). Everything is inline or a template, in namespace robstat_test, so
// any number of test files may include this header.
#pragma once

#include <catch2/catch.hpp>

#include <robstat/robstat.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace robstat_test {

// ---- tolerances and constants -----------------------------------------------------

/// Relative tolerance of a result of type T: 1e-12 for double, 1e-6 for float
/// (float results are compared with the double computation on the same inputs).
template <class T> constexpr double rel_tol()
{
    return std::is_same_v<T, float> ? 1e-6 : 1e-12;
}

/// Quiet NaN and +infinity as double, for building inputs and expectations.
inline constexpr double nan_d = std::numeric_limits<double>::quiet_NaN();
inline constexpr double inf_d = std::numeric_limits<double>::infinity();

/// A double with all 17 significant digits, for INFO messages.
inline std::string num(double v)
{
    std::ostringstream os;
    os.precision(17);
    os << v;
    return os.str();
}

// ---- sizes, strides and parameters --------------------------------------------------

/// Sizes 0-3, every SIMD tail (W-1, W, W+1, 2W+1, 4W+3 for W = 2, 4, 8, 16) and
/// 100, 1000, 4099; sorted, without repeats.
inline std::vector<std::size_t> test_sizes()
{
    std::vector<std::size_t> v { 0, 1, 2, 3, 100, 1000, 4099 };
    for (std::size_t w : { 2u, 4u, 8u, 16u })
        for (std::size_t k : { w - 1, w, w + 1, 2 * w + 1, 4 * w + 3 })
            v.push_back(k);
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

/// Strides every strided test runs through (forward, gapped and reversed).
inline constexpr std::array<std::ptrdiff_t, 4> test_strides { 1, 2, 3, -1 };

/// Winsorizing limits (lower, upper) every winsorizing estimator is checked with.
inline const std::vector<robstat::trim_spec> test_limits { { 0.0 }, { 0.05 }, { 0.1 }, { 0.25 },
    { 0.4 }, { 0.45 }, { 0.1, 0.3 }, { 0.0, 0.2 }, { 0.3, 0.0 }, { 0.6, 0.3 }, { 0.05, 0.9 } };

// ---- test data ----------------------------------------------------------------------

/// Normal(center, 2) with about 5 % gross outliers on both sides (2.5 % shifted
/// down by 50-250, 2.5 % shifted up by 50-1050); deterministic in seed.
template <class T>
std::vector<T> contaminated(std::size_t n, std::uint64_t seed, double center = 10.0)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> nd(center, 2.0);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<T> x(n);
    for (auto& v : x) {
        double d = nd(rng);
        const double r = u(rng);
        if (r < 0.025)
            d -= 200.0 * u(rng) + 50.0;
        else if (r < 0.05)
            d += 1000.0 * u(rng) + 50.0;
        v = static_cast<T>(d);
    }
    return x;
}

/// Few distinct values (multiples of 0.5 in [-1.5, 2]): many ties.
template <class T> std::vector<T> with_ties(std::size_t n, std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> d(-3, 4);
    std::vector<T> x(n);
    for (auto& v : x)
        v = static_cast<T>(0.5 * d(rng));
    return x;
}

// ---- views ----------------------------------------------------------------------------

/// Values laid out with a stride in a larger buffer; gaps and guards hold NaN
/// (a stray read shows up as a NaN result).
template <class T> struct strided_input {
    std::vector<T> storage;
    std::size_t offset = 0;
    std::ptrdiff_t stride = 1;
    std::size_t n = 0;

    strided_input(const std::vector<T>& x, std::ptrdiff_t stride_)
        : stride(stride_)
        , n(x.size())
    {
        const auto a = static_cast<std::size_t>(stride < 0 ? -stride : stride);
        T poison = std::numeric_limits<T>::has_quiet_NaN ? std::numeric_limits<T>::quiet_NaN()
                                                         : std::numeric_limits<T>::max();
        storage.assign(x.size() * a + 2, poison);
        offset = 1 + (stride < 0 && n > 0 ? (n - 1) * a : 0);
        for (std::size_t i = 0; i < n; ++i)
            storage[static_cast<std::size_t>(
                static_cast<std::ptrdiff_t>(offset) + static_cast<std::ptrdiff_t>(i) * stride)]
                = x[i];
    }
    robstat::strided_span<const T> span() const { return { storage.data() + offset, n, stride }; }
};

/// Contiguous (stride 1) read-only view of a vector.
template <class T> robstat::strided_span<const T> cspan(const std::vector<T>& x)
{
    return { x.data(), x.size(), 1 };
}

/// Same length and bit-for-bit the same contents (NaN payloads and signed zeros too).
template <class T> bool same_bits(const std::vector<T>& a, const std::vector<T>& b)
{
    return a.size() == b.size()
        && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

// ---- oracles ----------------------------------------------------------------------------

/// Oracle input: the non-NaN values of x as double, sorted ascending (std::sort).
template <class T> std::vector<double> sorted_values(const std::vector<T>& x)
{
    std::vector<double> s;
    for (T v : x)
        if (!(v != v))
            s.push_back(static_cast<double>(v));
    std::sort(s.begin(), s.end());
    return s;
}

/// What an estimator should return: `value`, checked exactly (`exact`) or to
/// rel_tol * max(|value|, scale). The default is NaN (an empty input).
struct expectation {
    double value = nan_d;
    double scale = 0.0;
    bool exact = false;
};

/// Whether a result satisfies an expectation: NaN for NaN, equal for an exact
/// or infinite value, otherwise within tol * max(|value|, scale).
template <class R> bool satisfies(R got, const expectation& e, double tol)
{
    const double g = static_cast<double>(got);
    if (std::isnan(e.value))
        return std::isnan(g);
    if (e.exact)
        return got == static_cast<R>(e.value);
    if (std::isinf(e.value))
        return g == e.value;
    return std::fabs(g - e.value) <= tol * std::max(std::fabs(e.value), e.scale);
}

/// An estimator under test: its name, how to run it on a view, and its oracle
/// (which gets the sorted non-NaN values).
template <class T> struct estimator {
    using R = robstat::result_t<T>;
    std::string name;
    std::function<R(robstat::strided_span<const T>, robstat::options)> run;
    std::function<expectation(const std::vector<double>& sorted)> oracle;
};

/// Run every estimator on x (through the given stride, default options) and
/// CHECK each result against its oracle to rel_tol<T>().
template <class T>
void check_estimators(const std::vector<estimator<T>>& estimators, const std::vector<T>& x,
    std::ptrdiff_t stride, const std::string& label)
{
    using R = robstat::result_t<T>;
    const auto s = sorted_values(x);
    const strided_input<T> in(x, stride);
    for (const auto& est : estimators) {
        const R got = est.run(in.span(), {});
        const expectation e = est.oracle(s);
        INFO(label << " n=" << x.size() << " stride=" << stride << " " << est.name);
        INFO("got " << num(static_cast<double>(got)) << " expected " << num(e.value)
                    << (e.exact ? " (exact)" : ""));
        CHECK(satisfies(got, e, rel_tol<T>()));
    }
}

/// Every estimator leaves its input alone: run on x with omit and with the default
/// options, x is bit-for-bit unchanged (REQUIRE after each estimator); run with omit
/// on x through `stride`, the whole buffer, gaps included, is unchanged.
template <class T>
void check_estimators_keep_input(
    const std::vector<estimator<T>>& estimators, const std::vector<T>& x, std::ptrdiff_t stride)
{
    const robstat::options omit { robstat::nan_policy::omit };
    const auto before = x;
    for (const auto& est : estimators) {
        (void)est.run(cspan(x), omit);
        (void)est.run(cspan(x), {});
        INFO("n=" << x.size() << " " << est.name);
        REQUIRE(same_bits(x, before));
    }
    const strided_input<T> in(x, stride);
    const auto storage_before = in.storage;
    for (const auto& est : estimators)
        (void)est.run(in.span(), omit);
    CHECK(same_bits(in.storage, storage_before));
}

// ---- NaN policies ------------------------------------------------------------------------

/// Sizes of the clean samples the NaN-policy tests insert NaN into.
inline constexpr std::array<std::size_t, 11> nan_test_sizes { 1, 2, 3, 5, 8, 9, 17, 35, 67, 100,
    1000 };

/// A copy of clean with a NaN inserted at pos and, when clean has more than 4
/// values, a second NaN inserted at index 3.
template <class T> std::vector<T> with_nans(const std::vector<T>& clean, std::size_t pos)
{
    const T nan = std::numeric_limits<T>::quiet_NaN();
    auto x = clean;
    x.insert(x.begin() + static_cast<std::ptrdiff_t>(pos), nan);
    if (clean.size() > 4)
        x.insert(x.begin() + 3, nan);
    return x;
}

/// One placement of NaN in a clean sample, as for_each_nan_placement hands it out.
template <class T> struct nan_case {
    const std::vector<T>& clean; // the sample without NaN
    const std::vector<T>& x;     // with_nans(clean, pos)
    std::ptrdiff_t stride;
    const strided_input<T>& in; // x through stride
};

/// Call f(nan_case) for every NaN placement of the NaN-policy tests: for each n in
/// nan_test_sizes, clean = contaminated<T>(n, seed_base + n), NaN at pos = 0, n/2
/// and n-1 (with_nans), each through strides 1, 2 and -1; INFO names n, pos, stride.
template <class T, class F> void for_each_nan_placement(std::uint64_t seed_base, F&& f)
{
    for (std::size_t n : nan_test_sizes) {
        const auto clean = contaminated<T>(n, seed_base + n);
        for (std::size_t pos : { std::size_t(0), n / 2, n - 1 }) {
            const auto x = with_nans(clean, pos);
            for (std::ptrdiff_t stride : { 1, 2, -1 }) {
                const strided_input<T> in(x, stride);
                INFO("n=" << n << " NaN at " << pos << " stride=" << stride);
                f(nan_case<T> { clean, x, stride, in });
            }
        }
    }
}

/// The NaN policies of every estimator: with NaN in the input
/// (for_each_nan_placement(seed_base)) propagate, also the default, gives NaN, omit
/// gives the oracle's value on the clean sample and raise throws std::domain_error;
/// all-NaN input gives NaN (propagate, omit) or throws (raise); raise does not throw
/// on contaminated<T>(50, clean_seed).
template <class T>
void check_nan_policies(
    const std::vector<estimator<T>>& estimators, std::uint64_t seed_base, std::uint64_t clean_seed)
{
    using R = robstat::result_t<T>;
    const T nan = std::numeric_limits<T>::quiet_NaN();
    const robstat::options propagate { robstat::nan_policy::propagate };
    const robstat::options omit { robstat::nan_policy::omit };
    const robstat::options raise { robstat::nan_policy::raise };
    for_each_nan_placement<T>(seed_base, [&](const nan_case<T>& c) {
        const auto s = sorted_values(c.clean);
        for (const auto& est : estimators) {
            INFO(est.name);
            CHECK(std::isnan(est.run(c.in.span(), propagate)));
            CHECK(std::isnan(est.run(c.in.span(), {}))); // propagate is the default
            const R got = est.run(c.in.span(), omit);
            const expectation e = est.oracle(s);
            INFO("omit: got " << num(static_cast<double>(got)) << " expected " << num(e.value));
            CHECK(satisfies(got, e, rel_tol<T>()));
            CHECK_THROWS_AS(est.run(c.in.span(), raise), std::domain_error);
        }
    });
    // all NaN
    for (std::size_t n : { 1u, 2u, 7u, 33u }) {
        const std::vector<T> x(n, nan);
        for (const auto& est : estimators) {
            INFO("all-NaN n=" << n << " " << est.name);
            CHECK(std::isnan(est.run(cspan(x), propagate)));
            CHECK(std::isnan(est.run(cspan(x), omit)));
            CHECK_THROWS_AS(est.run(cspan(x), raise), std::domain_error);
        }
    }
    // raise does not throw without NaN
    const auto clean = contaminated<T>(50, clean_seed);
    for (const auto& est : estimators)
        CHECK_NOTHROW(est.run(cspan(clean), raise));
}

} // namespace robstat_test
