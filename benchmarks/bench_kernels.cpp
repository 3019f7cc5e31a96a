// Google Benchmark: robstat kernels against the floor of one SIMD pass (a sum)
// and against std::nth_element on a copy. Bytes processed are reported so the
// rates compare directly.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <vector>

#include <robstat/robstat.hpp>

namespace {

template <class T> std::vector<T> data(std::size_t n)
{
    std::mt19937_64 rng(42);
    std::normal_distribution<double> nd(0.0, 1.0);
    std::vector<T> x(n);
    for (auto& v : x)
        v = static_cast<T>(nd(rng));
    for (std::size_t i = 0; i < n; i += 100) // 1% gross outliers
        x[i] = static_cast<T>(1000.0);
    return x;
}

template <class T, class F> void run(benchmark::State& state, F&& f)
{
    const auto x = data<T>(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state)
        benchmark::DoNotOptimize(f(x));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0)
        * static_cast<int64_t>(sizeof(T)));
}

template <class T> void BM_sum_floor(benchmark::State& s)
{
    run<T>(s, [](const std::vector<T>& x) {
        return robstat::simd::sum<xsimd::default_arch>(x.data(), x.size());
    });
}
// Scalar baseline: a plain loop. Without -ffast-math the compiler keeps the
// additions in order, so this stays one scalar add per element.
template <class T> void BM_sum_scalar(benchmark::State& s)
{
    run<T>(s, [](const std::vector<T>& x) {
        double acc = 0.0;
        for (const T v : x)
            acc += static_cast<double>(v);
        return acc;
    });
}
template <class T> void BM_nth_element_copy(benchmark::State& s)
{
    run<T>(s, [](const std::vector<T>& x) {
        std::vector<T> c(x);
        std::nth_element(c.begin(), c.begin() + c.size() / 2, c.end());
        return c[c.size() / 2];
    });
}
template <class T> void BM_mean(benchmark::State& s)
{
    run<T>(s, [](const std::vector<T>& x) { return robstat::mean(x); });
}
template <class T> void BM_median(benchmark::State& s)
{
    run<T>(s, [](const std::vector<T>& x) { return robstat::median(x); });
}
template <class T> void BM_trimmed_mean(benchmark::State& s)
{
    run<T>(s, [](const std::vector<T>& x) { return robstat::trimmed_mean(x, 0.1); });
}
template <class T> void BM_mad(benchmark::State& s)
{
    run<T>(s, [](const std::vector<T>& x) { return robstat::mad(x); });
}

// Short lanes, as one row of a 10000 x 100 array reduced along axis 1.
template <class T> void BM_qn(benchmark::State& s)
{
    run<T>(s, [](const std::vector<T>& x) { return robstat::qn(x); });
}
BENCHMARK_TEMPLATE(BM_qn, double)->Arg(100)->Arg(1000);

#define ROBSTAT_BENCH(fn)                                                                          \
    BENCHMARK_TEMPLATE(fn, double)->RangeMultiplier(100)->Range(1 << 10, 1 << 22);                 \
    BENCHMARK_TEMPLATE(fn, float)->RangeMultiplier(100)->Range(1 << 10, 1 << 22);

ROBSTAT_BENCH(BM_sum_floor)
ROBSTAT_BENCH(BM_sum_scalar)
ROBSTAT_BENCH(BM_nth_element_copy)
ROBSTAT_BENCH(BM_mean)
ROBSTAT_BENCH(BM_median)
ROBSTAT_BENCH(BM_trimmed_mean)
ROBSTAT_BENCH(BM_mad)

} // namespace
