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
#include <type_traits>

#include "robstat/simd/compat.hpp"

namespace robstat::simd {

/// Exact sum of a few doubles (Shewchuk's algorithm, as Python's math.fsum):
/// used to combine the per-lane partial sums and compensations of the SIMD
/// accumulators, so that no small partial is absorbed by a large one. A
/// non-finite plain sum (infinite input, NaN, or overflow) is returned as is:
/// that is the IEEE result, and the callers rescale on overflow.
template <class Arch> double exact_sum(const double* v, std::size_t m) noexcept
{
    double plain = 0.0;
    for (std::size_t i = 0; i < m; ++i)
        plain += v[i];
    if (!std::isfinite(plain))
        return plain;
    // A finite double sum never needs more than ~40 non-overlapping partials
    // (2098 binary exponents / 53 bits); 64 leaves margin.
    double partials[64];
    std::size_t np = 0;
    for (std::size_t i = 0; i < m; ++i) {
        double x = v[i];
        std::size_t j = 0;
        for (std::size_t k = 0; k < np; ++k) {
            double y = partials[k];
            if (std::fabs(x) < std::fabs(y)) {
                const double t = x;
                x = y;
                y = t;
            }
            const double hi = x + y;
            const double lo = y - (hi - x);
            if (lo != 0.0)
                partials[j++] = lo;
            x = hi;
        }
        partials[j < 64 ? j++ : 63] = x;
        np = j;
    }
    double total = 0.0;
    for (std::size_t k = np; k-- > 0;)
        total += partials[k];
    return std::isfinite(total) ? total : plain;
}

/// Scalar Neumaier accumulator. When the running sum is not finite (infinite
/// input, or overflow) the compensation is meaningless (inf - inf) and
/// total() returns the plain sum, which is what IEEE arithmetic gives.
template <class Arch> struct neumaier_scalar {
    double s = 0.0;
    double c = 0.0;
    void add(double v) noexcept
    {
        const double t = s + v;
        c += std::fabs(s) >= std::fabs(v) ? (s - t) + v : (v - t) + s;
        s = t;
    }
    double total() const noexcept { return std::isfinite(s) ? s + c : s; }
};

/// A compensated (Neumaier) sum of double values, one running (s, c) pair per
/// SIMD lane. The pairs are combined exactly at the end (exact_sum), so the
/// result differs between instruction sets only in the last ulp.
template <class Arch> struct neumaier {
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

    /// Append every lane's sum and compensation to out (2 * batch::size values).
    /// A lane whose sum is not finite contributes no compensation (it would be
    /// inf - inf = NaN), so sums holding an infinity give the IEEE result.
    double* store_partials(double* out) const noexcept
    {
        s.store_unaligned(out);
        xsimd::select(xsimd::isfinite(s), c, batch(0.0)).store_unaligned(out + batch::size);
        return out + 2 * batch::size;
    }
};

/// Load batch::size values of T as doubles (float is widened).
template <class Arch, class T> inline xsimd::batch<double, Arch> load_as_double(const T* p) noexcept
{
    return xsimd::batch<double, Arch>::load_unaligned(p);
}

/// A compensated sum fed in pieces: four independent SIMD Neumaier
/// accumulators (to hide the latency of the compensation chain) plus a scalar
/// one for the leftovers; result() adds all their (sum, compensation) pairs
/// exactly. The values can be scaled by a power of two on the way in.
template <class Arch> struct neumaier_block {
    using batch = xsimd::batch<double, Arch>;
    static constexpr std::size_t W = batch::size;
    neumaier<Arch> a0, a1, a2, a3;
    neumaier_scalar<Arch> rest;

    template <class T> void add_values(const T* x, std::size_t n, double scale = 1.0) noexcept
    {
        std::size_t i = 0;
        if (scale == 1.0) {
            for (; i + 4 * W <= n; i += 4 * W) {
                a0.add(load_as_double<Arch>(x + i));
                a1.add(load_as_double<Arch>(x + i + W));
                a2.add(load_as_double<Arch>(x + i + 2 * W));
                a3.add(load_as_double<Arch>(x + i + 3 * W));
            }
        } else {
            const batch f(scale);
            for (; i + 4 * W <= n; i += 4 * W) {
                a0.add(load_as_double<Arch>(x + i) * f);
                a1.add(load_as_double<Arch>(x + i + W) * f);
                a2.add(load_as_double<Arch>(x + i + 2 * W) * f);
                a3.add(load_as_double<Arch>(x + i + 3 * W) * f);
            }
        }
        for (; i + W <= n; i += W)
            a0.add(load_as_double<Arch>(x + i) * batch(scale));
        for (; i < n; ++i)
            rest.add(static_cast<double>(x[i]) * scale);
    }

    double result() const noexcept
    {
        double parts[8 * W + 2];
        double* p = a0.store_partials(parts);
        p = a1.store_partials(p);
        p = a2.store_partials(p);
        p = a3.store_partials(p);
        *p++ = rest.s;
        *p++ = std::isfinite(rest.s) ? rest.c : 0.0;
        const auto np = static_cast<std::size_t>(p - parts);
        // Cheap path: Neumaier over the partials is accurate to ~2u|S| unless
        // they cancel heavily; only then (sum|p| > 2^40 |S|) add them exactly.
        // (An exact sum of 8W + 2 values costs ~1 us: too much for short lanes.)
        neumaier_scalar<Arch> acc;
        double abs_total = 0.0;
        for (std::size_t k = 0; k < np; ++k) {
            acc.add(parts[k]);
            abs_total += std::fabs(parts[k]);
        }
        const double r = acc.total();
        if (!std::isfinite(r) || abs_total <= 0x1p40 * std::fabs(r))
            return r;
        return exact_sum<Arch>(parts, np);
    }
};

/// Compensated sum of x[0..n), each value multiplied by `scale` first (a power
/// of two is exact; callers pass 2^-64 to sum huge values without overflow).
template <class Arch, class T> double sum(const T* x, std::size_t n, double scale = 1.0) noexcept
{
    neumaier_block<Arch> acc;
    acc.add_values(x, n, scale);
    return acc.result();
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
        const auto ok = !xsimd::isnan(v);
        acc.add(xsimd::select(ok, v, batch(0.0)));
        kept += xsimd::select(ok, batch(1.0), batch(0.0));
    }
    double parts[2 * W + W];
    double* p = acc.store_partials(parts);
    std::size_t m = static_cast<std::size_t>(reduce_add(kept));
    for (; i < n; ++i) {
        const double v = static_cast<double>(x[i]);
        if (v == v) {
            *p++ = v;
            ++m;
        }
    }
    *count = m;
    return exact_sum<Arch>(parts, static_cast<std::size_t>(p - parts));
}

/// Sum of squared deviations from `center`, with the Chan-Golub-LeVeque
/// correction term: sum(d^2) - (sum d)^2 / n, where d = x * scale - center * scale.
/// A power-of-two `scale` (exact) keeps d^2 finite for huge finite data.
template <class Arch, class T>
double sum_sq_dev(const T* x, std::size_t n, double center, double scale = 1.0) noexcept
{
    using batch = xsimd::batch<double, Arch>;
    constexpr std::size_t W = batch::size;
    neumaier<Arch> sq, lin;
    center *= scale;
    const batch c(center), f(scale);
    std::size_t i = 0;
    for (; i + W <= n; i += W) {
        const batch d = load_as_double<Arch>(x + i) * f - c;
        sq.add(d * d);
        lin.add(d);
    }
    double sq_parts[2 * W + W], lin_parts[2 * W + W];
    double* ps = sq.store_partials(sq_parts);
    double* pl = lin.store_partials(lin_parts);
    for (; i < n; ++i) {
        const double d = static_cast<double>(x[i]) * scale - center;
        *ps++ = d * d;
        *pl++ = d;
    }
    const double s2 = exact_sum<Arch>(sq_parts, static_cast<std::size_t>(ps - sq_parts));
    const double s1 = exact_sum<Arch>(lin_parts, static_cast<std::size_t>(pl - lin_parts));
    return s2 - s1 * s1 / static_cast<double>(n);
}

/// True when any of x[0..n) is NaN. (Never `v != v` on batches: xsimd 8.1
/// compiles != to an ordered compare on AVX, which is false for NaN.)
template <class Arch, class T> bool has_nan(const T* x, std::size_t n) noexcept
{
    using batch = xsimd::batch<T, Arch>;
    constexpr std::size_t W = batch::size;
    std::size_t i = 0;
    // four batches per step: one branch per 4W values
    for (; i + 4 * W <= n; i += 4 * W) {
        const batch a = batch::load_unaligned(x + i), b = batch::load_unaligned(x + i + W),
                    c = batch::load_unaligned(x + i + 2 * W),
                    d = batch::load_unaligned(x + i + 3 * W);
        if (xsimd::any(xsimd::isnan(a) | xsimd::isnan(b) | xsimd::isnan(c) | xsimd::isnan(d)))
            return true;
    }
    for (; i + W <= n; i += W) {
        const batch a = batch::load_unaligned(x + i);
        if (xsimd::any(xsimd::isnan(a)))
            return true;
    }
    for (; i < n; ++i)
        if (x[i] != x[i])
            return true;
    return false;
}

/// out[i] = min(max(x[i], lo), hi); NaN stays NaN. out may alias x.
template <class Arch, class T> void clip(const T* x, T* out, std::size_t n, T lo, T hi) noexcept
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

/// Append the lanes of v selected by `in` to out (which must have room for
/// batch::size values) and return how many were appended: AVX-512's
/// compress-store where available, a branch-free lane loop otherwise.
template <class Arch, class T>
std::size_t compress_store(
    const xsimd::batch<T, Arch>& v, const xsimd::batch_bool<T, Arch>& in, T* out) noexcept
{
    using batch = xsimd::batch<T, Arch>;
    constexpr std::size_t V = batch::size;
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
        const auto k = static_cast<typename xsimd::batch_bool<T, Arch>::register_type>(in);
        if constexpr (std::is_same_v<T, double>)
            _mm512_mask_compressstoreu_pd(out, k, v);
        else
            _mm512_mask_compressstoreu_ps(out, k, v);
        return static_cast<std::size_t>(__builtin_popcount(static_cast<unsigned>(k)));
    }
#endif
    alignas(64) T vals[V];
    alignas(64) T flags[V];
    v.store_aligned(vals);
    xsimd::select(in, batch(T(1)), batch(T(0))).store_aligned(flags);
    std::size_t m = 0;
    for (std::size_t l = 0; l < V; ++l) {
        out[m] = vals[l];
        m += flags[l] != T(0);
    }
    return m;
}

} // namespace robstat::simd
