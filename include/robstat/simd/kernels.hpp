// Layer 1: SIMD kernels on raw contiguous pointers, templated on the xsimd
// architecture tag. Rules (DESIGN.md): no allocation, no exceptions, no
// Boost/Eigen/std algorithms, and every helper is itself Arch-templated, so the
// same code can be compiled once per instruction set without ODR leaks.
//
// float input is widened to double for every accumulation: results of float32
// reductions are rounded once, at the end.
#pragma once

#include <cmath>
#include <cstddef>

#include "robstat/simd/compat.hpp"

namespace robstat::simd {

/// A compensated (Neumaier) sum of double values, one running (s, c) pair per
/// SIMD lane. Lanes are combined in a fixed order, so the result differs
/// between instruction sets only in the last ulp.
template <class Arch>
struct neumaier {
    using batch = xsimd::batch<double, Arch>;
    batch s = batch(0.0);
    batch c = batch(0.0);

    void add(const batch& v) noexcept
    {
        const batch t = s + v;
        const auto s_big = xsimd::abs(s) >= xsimd::abs(v);
        c += xsimd::select(s_big, (s - t) + v, (v - t) + s);
        s = t;
    }

    double total() const noexcept
    {
        alignas(64) double ls[batch::size];
        alignas(64) double lc[batch::size];
        s.store_aligned(ls);
        c.store_aligned(lc);
        double sum = 0.0, comp = 0.0;
        for (std::size_t i = 0; i < batch::size; ++i) {
            const double t = sum + ls[i];
            comp += std::fabs(sum) >= std::fabs(ls[i]) ? (sum - t) + ls[i] : (ls[i] - t) + sum;
            sum = t;
            comp += lc[i];
        }
        return sum + comp;
    }
};

/// Scalar Neumaier accumulation, for tails and strided data.
struct neumaier_scalar {
    double s = 0.0;
    double c = 0.0;
    void add(double v) noexcept
    {
        const double t = s + v;
        c += std::fabs(s) >= std::fabs(v) ? (s - t) + v : (v - t) + s;
        s = t;
    }
    double total() const noexcept { return s + c; }
};

/// Load batch::size values of T as doubles (float is widened).
template <class Arch, class T>
inline xsimd::batch<double, Arch> load_as_double(const T* p) noexcept
{
    return xsimd::batch<double, Arch>::load_unaligned(p);
}

/// Compensated sum of x[0..n).
template <class Arch, class T>
double sum(const T* x, std::size_t n) noexcept
{
    using batch = xsimd::batch<double, Arch>;
    constexpr std::size_t W = batch::size;
    // four independent accumulators hide the latency of the compensation chain
    neumaier<Arch> a0, a1, a2, a3;
    std::size_t i = 0;
    for (; i + 4 * W <= n; i += 4 * W) {
        a0.add(load_as_double<Arch>(x + i));
        a1.add(load_as_double<Arch>(x + i + W));
        a2.add(load_as_double<Arch>(x + i + 2 * W));
        a3.add(load_as_double<Arch>(x + i + 3 * W));
    }
    for (; i + W <= n; i += W)
        a0.add(load_as_double<Arch>(x + i));
    neumaier_scalar tail;
    tail.add(a0.total());
    tail.add(a1.total());
    tail.add(a2.total());
    tail.add(a3.total());
    for (; i < n; ++i)
        tail.add(static_cast<double>(x[i]));
    return tail.total();
}

/// Compensated sum of the non-NaN values of x[0..n); their count goes to *count.
template <class Arch, class T>
double sum_omit_nan(const T* x, std::size_t n, std::size_t* count) noexcept
{
    using batch = xsimd::batch<double, Arch>;
    constexpr std::size_t W = batch::size;
    neumaier<Arch> acc;
    batch kept(0.0);
    std::size_t i = 0;
    for (; i + W <= n; i += W) {
        const batch v = load_as_double<Arch>(x + i);
        const auto ok = v == v;
        acc.add(xsimd::select(ok, v, batch(0.0)));
        kept += xsimd::select(ok, batch(1.0), batch(0.0));
    }
    neumaier_scalar tail;
    tail.add(acc.total());
    std::size_t m = static_cast<std::size_t>(reduce_add(kept));
    for (; i < n; ++i) {
        const double v = static_cast<double>(x[i]);
        if (v == v) {
            tail.add(v);
            ++m;
        }
    }
    *count = m;
    return tail.total();
}

/// Sum of squared deviations from `center`, with the Chan-Golub-LeVeque
/// correction term: sum(d^2) - (sum d)^2 / n, where d = x - center.
template <class Arch, class T>
double sum_sq_dev(const T* x, std::size_t n, double center) noexcept
{
    using batch = xsimd::batch<double, Arch>;
    constexpr std::size_t W = batch::size;
    neumaier<Arch> sq, lin;
    const batch c(center);
    std::size_t i = 0;
    for (; i + W <= n; i += W) {
        const batch d = load_as_double<Arch>(x + i) - c;
        sq.add(d * d);
        lin.add(d);
    }
    neumaier_scalar sq_t, lin_t;
    sq_t.add(sq.total());
    lin_t.add(lin.total());
    for (; i < n; ++i) {
        const double d = static_cast<double>(x[i]) - center;
        sq_t.add(d * d);
        lin_t.add(d);
    }
    const double s1 = lin_t.total();
    return sq_t.total() - s1 * s1 / static_cast<double>(n);
}

/// True when any of x[0..n) is NaN.
template <class Arch, class T>
bool has_nan(const T* x, std::size_t n) noexcept
{
    using batch = xsimd::batch<T, Arch>;
    constexpr std::size_t W = batch::size;
    std::size_t i = 0;
    // four batches per step: one branch per 4W values
    for (; i + 4 * W <= n; i += 4 * W) {
        const batch a = batch::load_unaligned(x + i), b = batch::load_unaligned(x + i + W),
                    c = batch::load_unaligned(x + i + 2 * W),
                    d = batch::load_unaligned(x + i + 3 * W);
        if (xsimd::any((a != a) | (b != b) | (c != c) | (d != d)))
            return true;
    }
    for (; i + W <= n; i += W) {
        const batch a = batch::load_unaligned(x + i);
        if (xsimd::any(a != a))
            return true;
    }
    for (; i < n; ++i)
        if (x[i] != x[i])
            return true;
    return false;
}

/// out[i] = min(max(x[i], lo), hi); NaN stays NaN. out may alias x.
template <class Arch, class T>
void clip(const T* x, T* out, std::size_t n, T lo, T hi) noexcept
{
    using batch = xsimd::batch<T, Arch>;
    constexpr std::size_t W = batch::size;
    const batch vlo(lo), vhi(hi);
    std::size_t i = 0;
    for (; i + W <= n; i += W) {
        batch v = batch::load_unaligned(x + i);
        v = xsimd::select(v < vlo, vlo, v);
        v = xsimd::select(v > vhi, vhi, v);
        v.store_unaligned(out + i);
    }
    for (; i < n; ++i) {
        T v = x[i];
        v = v < lo ? lo : v;
        out[i] = v > hi ? hi : v;
    }
}

/// out[i] = |x[i] - center|. out may alias x.
template <class Arch, class T>
void abs_deviation(const T* x, T* out, std::size_t n, T center) noexcept
{
    using batch = xsimd::batch<T, Arch>;
    constexpr std::size_t W = batch::size;
    const batch c(center);
    std::size_t i = 0;
    for (; i + W <= n; i += W)
        xsimd::abs(batch::load_unaligned(x + i) - c).store_unaligned(out + i);
    for (; i < n; ++i)
        out[i] = std::fabs(x[i] - center);
}

/// out[i] = factor * (x[i] - center) / denom, evaluated left to right as written
/// (factor == 1 skips the multiplication). out may alias x.
template <class Arch, class T>
void scaled_difference(const T* x, T* out, std::size_t n, T center, T factor, T denom) noexcept
{
    using batch = xsimd::batch<T, Arch>;
    constexpr std::size_t W = batch::size;
    const batch c(center), f(factor), d(denom);
    std::size_t i = 0;
    if (factor == T(1)) {
        for (; i + W <= n; i += W)
            ((batch::load_unaligned(x + i) - c) / d).store_unaligned(out + i);
        for (; i < n; ++i)
            out[i] = (x[i] - center) / denom;
    } else {
        for (; i + W <= n; i += W)
            (f * (batch::load_unaligned(x + i) - c) / d).store_unaligned(out + i);
        for (; i < n; ++i)
            out[i] = factor * (x[i] - center) / denom;
    }
}

} // namespace robstat::simd
