// Location estimators: mean, median, quantile, trimmed mean, winsorized mean.
//
// Every estimator comes in two forms:
//   robstat::median(x, opts)                       x: a contiguous range or a strided_span
//   robstat::detail::median_lane<Arch>(x, nan, ws)  the kernel-level form the Python
//                                                   module and batched callers use
// Empty input (or nothing left after omitting NaN) returns NaN; ws.n_used
// reports how many values were used.
#pragma once

#include <vector>

#include "robstat/core/types.hpp"
#include "robstat/core/validate.hpp"
#include "robstat/select/bracket_engine.hpp"
#include "robstat/select/order_statistics.hpp"
#include "robstat/simd/kernels.hpp"

namespace robstat {

/// Quantile definitions (NumPy's names; "linear" is Hyndman-Fan type 7, R's default).
enum class quantile_method { linear, lower, higher, midpoint, nearest };

namespace detail {

    /// Gather a lane and run `f(order_statistics&)`, or return NaN when the lane
    /// is empty or propagates a NaN.
    template <class Arch, class T, class F>
    result_t<T> with_order_statistics(
        strided_span<const T> x, nan_policy p, workspace<result_t<T>>& ws, F&& f)
    {
        using W = result_t<T>;
        const gather_status st = gather<Arch, W>(x, p, ws.buffer);
        ws.n_used = st.n_used;
        if (st.nan_result || st.n_used == 0)
            return quiet_nan<W>();
        order_statistics<W> os(ws.buffer.data(), st.n_used);
        return f(os);
    }

    /// Run f on the order statistics of a lane (after applying xf to every
    /// value): through the one-pass engine when the lane is long and needs few
    /// ranks, otherwise (or when a bracket missed) on a copy.
    /// ranks_for(n, out) writes the sorted ranks f will need for n values and
    /// returns their count. f takes either order_statistics<W> or
    /// bracketed_selection<W>; a non-finite result from the engine is
    /// recomputed on the copy path, which handles infinities and overflow.
    template <class Arch, class T, class Xform, class RankFn, class F>
    result_t<T> with_selection(strided_span<const T> x, nan_policy p, workspace<result_t<T>>& ws,
        const Xform& xf, RankFn&& ranks_for, F&& f)
    {
        using W = result_t<T>;
        if constexpr (std::is_same_v<T, W>) {
            std::size_t ranks[4 * engine_max_brackets];
            const std::size_t m0 = x.size >= engine_min_size ? ranks_for(x.size, ranks) : 0;
            if (m0 > 0 && m0 <= engine_max_brackets) {
                bracketed_selection<W> sel;
                const std::size_t m = ranks_for(x.size, ranks);
                if (plan_brackets(x, ranks, m, xf, sel, ws.buffer2)
                    && (bracket_pass<Arch>(x, xf, sel), !sel.overflow)) {
                    // (after an overflow the counts are incomplete: copy path)
                    if (sel.n_nan > 0) {
                        if (p == nan_policy::raise)
                            throw_nan_found();
                        if (p == nan_policy::propagate) {
                            ws.n_used = x.size;
                            return quiet_nan<W>();
                        }
                    }
                    ws.n_used = sel.n;
                    if (sel.n == 0)
                        return quiet_nan<W>();
                    const std::size_t m2 = ranks_for(sel.n, ranks);
                    bool covered = m2 <= engine_max_brackets;
                    for (std::size_t i = 0; covered && i < m2; ++i)
                        covered = sel.covers(ranks[i]);
                    if (covered) {
                        const W r = f(sel);
                        if (std::isfinite(r))
                            return r;
                    }
                }
            }
        }
        return with_order_statistics<Arch>(x, p, ws, [&](order_statistics<W>& os) {
            if constexpr (!std::is_same_v<Xform, identity_xform>)
                for (std::size_t i = 0; i < os.size(); ++i)
                    os.data()[i] = xf(os.data()[i]);
            return f(os);
        });
    }

    /// Ranks of the median of n values.
    inline std::size_t median_ranks(std::size_t n, std::size_t* out) noexcept
    {
        out[0] = (n - 1) / 2;
        out[1] = n / 2;
        return out[0] == out[1] ? 1 : 2;
    }

    template <class OS> auto median_of(OS& os)
    {
        const std::size_t n = os.size();
        const auto hi = os.select(n / 2);
        if (n % 2 == 1)
            return hi;
        return midpoint(os.select(n / 2 - 1), hi);
    }

    /// Ranks a quantile q of n values may need (at most 2).
    inline std::size_t quantile_ranks(std::size_t n, double q, std::size_t* out) noexcept
    {
        const auto lo = static_cast<std::size_t>(std::floor(q * static_cast<double>(n - 1)));
        out[0] = lo;
        out[1] = std::min(lo + 1, n - 1);
        return out[0] == out[1] ? 1 : 2;
    }

    /// Sorted unique ranks of several quantiles; returns the count.
    inline std::size_t quantiles_ranks(
        std::size_t n, const double* q, std::size_t nq, std::size_t* out, std::size_t cap) noexcept
    {
        std::size_t m = 0;
        for (std::size_t i = 0; i < nq; ++i) {
            std::size_t r[2];
            const std::size_t c = quantile_ranks(n, q[i], r);
            for (std::size_t j = 0; j < c; ++j) {
                if (m == cap)
                    return cap + 1; // too many: the caller takes the copy path
                out[m++] = r[j];
            }
        }
        std::sort(out, out + m);
        return static_cast<std::size_t>(std::unique(out, out + m) - out);
    }

    /// Quantile q (validated) of the values held by os.
    template <class OS> auto quantile_of(OS& os, double q, quantile_method m)
    {
        using W = std::decay_t<decltype(os.select(0))>;
        const std::size_t n = os.size();
        const double h = q * static_cast<double>(n - 1);
        const double fl = std::floor(h);
        const auto lo = static_cast<std::size_t>(fl);
        const std::size_t hi = std::min(lo + 1, n - 1);
        const double gamma = h - fl;
        switch (m) {
        case quantile_method::lower:
            return os.select(lo);
        case quantile_method::higher:
            return os.select(gamma > 0 ? hi : lo);
        case quantile_method::nearest: {
            // round half to even, as NumPy
            std::size_t k = lo;
            if (gamma > 0.5 || (gamma == 0.5 && lo % 2 == 1))
                k = hi;
            return os.select(k);
        }
        case quantile_method::midpoint:
            if (gamma == 0)
                return os.select(lo);
            return midpoint(os.select(lo), os.select(hi));
        case quantile_method::linear:
        default: {
            const W a = os.select(lo);
            if (gamma == 0)
                return a;
            const W b = os.select(hi);
            return static_cast<W>(lerp<double>(a, b, gamma));
        }
        }
    }

    /// Mean of n values computed as `sum(scale) / n / scale`, where sum(scale)
    /// is a compensated sum with every term multiplied by scale. If the plain
    /// sum overflows while the terms are finite, the terms are scaled by 2^-64
    /// (exact) and the mean is scaled back: mean(1e308, 1e308) is 1e308, not inf.
    template <class SumFn> double mean_with_overflow_guard(SumFn&& sum_scaled, std::size_t n)
    {
        const double s = sum_scaled(1.0);
        if (std::isfinite(s))
            return s / static_cast<double>(n);
        const double small = sum_scaled(0x1p-64);
        if (!std::isfinite(small)) // an infinite (or NaN) term: the IEEE result
            return small;
        return small / static_cast<double>(n) * 0x1p64;
    }

    template <class Arch, class W> double mean_of(const W* p, std::size_t n)
    {
        return mean_with_overflow_guard(
            [&](double scale) { return simd::sum<Arch>(p, n, scale); }, n);
    }

    /// Place the cut ranks g_lo and n - g_hi - 1, so that the kept values
    /// [g_lo, n - g_hi) are contiguous in os.data().
    template <class W>
    void place_trim_ranks(order_statistics<W>& os, std::size_t g_lo, std::size_t g_hi)
    {
        const std::size_t n = os.size();
        if (g_lo > 0)
            os.select(g_lo);
        if (g_hi > 0)
            os.select(n - g_hi - 1);
    }

    /// The (sum, compensation) partials of several compensated sums, added
    /// exactly at the end (a certified Neumaier fast path, else Shewchuk's
    /// algorithm: ~20-90 ns over a plain simd::sum). The total is the correctly
    /// rounded value of the partials' exact sum, which equals the data's exact
    /// sum to ~n^2 u^2 sum|x|: it does not depend on how the values were split
    /// into pieces or ordered (one level or several, bracketed or copied), except
    /// when that exact sum lies within ~n^2 u^2 sum|x| of a rounding boundary.
    template <class Arch> class exact_pieces {
        static constexpr std::size_t W = xsimd::batch<double, Arch>::size;
        static constexpr std::size_t piece = 8 * W + 2;
        static constexpr std::size_t cap = 2 * engine_max_brackets * piece + 64;
        double parts_[cap];
        std::size_t m_ = 0;

    public:
        void add(double v) noexcept
        {
            if (v == 0.0)
                return;
            if (m_ == cap) { // (cannot happen for the pieces of one lane; stay correct anyway)
                const double t = simd::exact_sum<Arch>(parts_, m_);
                m_ = 0;
                parts_[m_++] = t;
            }
            parts_[m_++] = v;
        }
        /// v * k, exactly (the product and its rounding error).
        void add_product(double v, double k) noexcept
        {
            const double p = v * k;
            add(p);
            if (std::isfinite(p))
                add(std::fma(v, k, -p));
        }
        template <class T> void add_values(const T* x, std::size_t n, double scale = 1.0) noexcept
        {
            if (n == 0)
                return;
            simd::neumaier_block<Arch> acc;
            acc.add_values(x, n, scale);
            double tmp[piece];
            double* p = acc.a0.store_partials(tmp);
            p = acc.a1.store_partials(p);
            p = acc.a2.store_partials(p);
            p = acc.a3.store_partials(p);
            *p++ = acc.rest.s;
            *p++ = std::isfinite(acc.rest.s) ? acc.rest.c : 0.0;
            for (const double* q = tmp; q != p; ++q)
                add(*q);
        }
        /// The correctly rounded sum of the parts (Shewchuk's partials, then
        /// the final rounding with the half-way correction of Python's
        /// math.fsum), so the same exact value always gives the same double.
        /// A non-finite plain sum (infinities, NaN, overflow) is returned as is.
        double total() const noexcept
        {
            // Fast path: a Neumaier sum of the parts leaves (s, c) with
            // |s + c - exact| <= delta; when the rounding of s + c is at least
            // delta away from a rounding boundary it is the correctly rounded
            // exact sum (the usual case: this skips Shewchuk's quadratic loop).
            double s = 0.0, c = 0.0, a = 0.0;
            for (std::size_t i = 0; i < m_; ++i) {
                const double v = parts_[i];
                const double t = s + v;
                c += std::fabs(s) >= std::fabs(v) ? (s - t) + v : (v - t) + s;
                s = t;
                a += std::fabs(v);
            }
            const double hi = s + c;
            if (std::isfinite(hi) && std::isfinite(a) && hi != 0.0) {
                const double bb = hi - s;
                const double res = (s - (hi - bb)) + (c - bb); // s + c - hi, exactly
                const double mag = std::fabs(hi);
                const double half_ulp
                    = (mag - std::nextafter(mag, 0.0)) / 2; // the smaller side's half ulp
                const double m = static_cast<double>(m_);
                const double delta = 4.0 * m * m * 0x1p-106 * a + 0x1p-1074;
                if (std::fabs(res) + delta < half_ulp)
                    return hi;
            }
            return exact_total();
        }

        /// The same by Shewchuk's algorithm (always exact, quadratic in the worst case).
        double exact_total() const noexcept
        {
            double plain = 0.0;
            for (std::size_t i = 0; i < m_; ++i)
                plain += parts_[i];
            if (!std::isfinite(plain))
                return plain;
            double p[128]; // non-overlapping partials: ~40 suffice for finite doubles
            std::size_t np = 0;
            for (std::size_t i = 0; i < m_; ++i) {
                double x = parts_[i];
                std::size_t j = 0;
                for (std::size_t k = 0; k < np; ++k) {
                    double y = p[k];
                    if (std::fabs(x) < std::fabs(y))
                        std::swap(x, y);
                    const double hi = x + y;
                    const double lo = y - (hi - x);
                    if (lo != 0.0)
                        p[j++] = lo;
                    x = hi;
                }
                if (!std::isfinite(x))
                    return plain;
                p[j < 128 ? j++ : 127] = x;
                np = j;
            }
            if (np == 0)
                return 0.0;
            double hi = p[--np];
            double lo = 0.0;
            while (np > 0) {
                const double x = hi, y = p[--np];
                hi = x + y;
                const double yr = hi - x;
                lo = y - yr;
                if (lo != 0.0)
                    break;
            }
            // half-way case: round-half-even of hi + lo may be wrong when the
            // partials left below point the same way as lo
            if (np > 0 && ((lo < 0.0 && p[np - 1] < 0.0) || (lo > 0.0 && p[np - 1] > 0.0))) {
                const double y = lo * 2.0;
                const double x = hi + y;
                const double yr = x - hi;
                if (y == yr)
                    hi = x;
            }
            return hi;
        }
    };

    /// Adds the values of ranks a..b (a <= b < os.size()), each times scale
    /// (a power of two), to acc, from a copy: the values are placed, then added.
    template <class Arch, class W>
    void add_kept(exact_pieces<Arch>& acc, order_statistics<W>& os, std::size_t a, std::size_t b,
        double scale = 1.0)
    {
        if (a > 0)
            os.select(a);
        if (b + 1 < os.size())
            os.select(b);
        acc.add_values(os.data() + a, b - a + 1, scale);
    }

    /// The same from the one-pass engine (ranks a and b covered): the parts of
    /// the brackets between them, the gap sums (with their low-order parts).
    template <class Arch, class W>
    void add_kept(exact_pieces<Arch>& acc, bracketed_selection<W>& sel, std::size_t a,
        std::size_t b, double = 1.0)
    {
        sel.select(a); // positions >= a - below in a's bracket hold ranks >= a
        sel.select(b); // positions <= b - below in b's bracket hold ranks <= b
        const std::size_t i = sel.bracket_of(a), j = sel.bracket_of(b);
        const std::size_t ia = a - sel.br[i].below, jb = b - sel.br[j].below;
        if (i == j) {
            acc.add_values(sel.br[i].vals.data() + ia, jb - ia + 1);
            return;
        }
        acc.add_values(sel.br[i].vals.data() + ia, sel.br[i].size - ia);
        for (std::size_t g = i; g < j; ++g) {
            acc.add(sel.gap_sum[g]);
            acc.add(sel.gap_lo[g]);
            if (g + 1 < j)
                acc.add_values(sel.br[g + 1].vals.data(), sel.br[g + 1].size);
        }
        acc.add_values(sel.br[j].vals.data(), jb + 1);
    }

    /// The correctly rounded sum of the values of ranks a..b, each times scale.
    template <class Arch, class OS>
    double kept_sum(OS& os, std::size_t a, std::size_t b, double scale = 1.0)
    {
        exact_pieces<Arch> acc;
        add_kept(acc, os, a, b, scale);
        return acc.total();
    }

    template <class OS> struct is_copy : std::false_type {
    };
    template <class W> struct is_copy<order_statistics<W>> : std::true_type {
    };
    /// Whether f got the copy (order_statistics) rather than the engine's selection.
    template <class OS> constexpr bool is_copy_v = is_copy<std::decay_t<OS>>::value;

    /// m moved into [x(a), x(b)] (ranks a <= b, placed), where the exact mean of
    /// values between them lies: the rounded sum over the count can land one ulp
    /// beyond (13 copies of 0x1.8787878787878p+904). A non-finite m stays as it is
    /// (an infinity kept, or an overflow the engine path hands to the copy path).
    template <class OS> double in_kept_range(double m, OS& os, std::size_t a, std::size_t b)
    {
        if (!std::isfinite(m))
            return m;
        const double lo = static_cast<double>(os.select(a));
        const double hi = static_cast<double>(os.select(b));
        return m < lo ? lo : (m > hi ? hi : m);
    }

    /// Trimmed mean of the values held by os (NaN when the trim keeps nothing).
    template <class Arch, class OS> double trimmed_mean_of(OS& os, const trim_spec& t)
    {
        const std::size_t n = os.size();
        if (t.is_median())
            return static_cast<double>(median_of(os));
        if (!trim_keeps_some(t, n))
            return std::numeric_limits<double>::quiet_NaN();
        const std::size_t g_lo = tail_lo(t, n), g_hi = tail_hi(t, n);
        const std::size_t kept = n - g_lo - g_hi;
        double m;
        if constexpr (is_copy_v<OS>) {
            m = mean_with_overflow_guard(
                [&](double scale) { return kept_sum<Arch>(os, g_lo, n - g_hi - 1, scale); }, kept);
        } else {
            m = kept_sum<Arch>(os, g_lo, n - g_hi - 1) / static_cast<double>(kept);
        }
        return in_kept_range(m, os, g_lo, n - g_hi - 1);
    }

    /// Winsorized mean of the values held by os (NaN when the limits keep nothing).
    template <class Arch, class OS> double winsorized_mean_of(OS& os, const trim_spec& t)
    {
        const std::size_t n = os.size();
        if (!trim_keeps_some(t, n))
            return std::numeric_limits<double>::quiet_NaN();
        const std::size_t g_lo = tail_lo(t, n), g_hi = tail_hi(t, n);
        // (a tail with nothing cut adds no term: 0 * inf would be NaN)
        const double lo = g_lo > 0 ? static_cast<double>(os.select(g_lo)) : 0.0;
        const double hi = g_hi > 0 ? static_cast<double>(os.select(n - g_hi - 1)) : 0.0;
        // kept values plus g_lo copies of the lowest and g_hi of the highest
        // kept value, in one exact sum rounded once (rounding the kept sum
        // first would lose its low part when the copies cancel its high part)
        auto total = [&](double scale) {
            exact_pieces<Arch> acc;
            add_kept(acc, os, g_lo, n - g_hi - 1, scale);
            if (g_lo > 0)
                acc.add_product(lo * scale, static_cast<double>(g_lo));
            if (g_hi > 0)
                acc.add_product(hi * scale, static_cast<double>(g_hi));
            return acc.total();
        };
        if constexpr (is_copy_v<OS>)
            return in_kept_range(mean_with_overflow_guard(total, n), os, g_lo, n - g_hi - 1);
        else
            return in_kept_range(total(1.0) / static_cast<double>(n), os, g_lo, n - g_hi - 1);
    }

    // ---- lane functions ------------------------------------------------------

    template <class Arch, class T>
    result_t<T> mean_lane(strided_span<const T> x, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        if (x.contiguous() && std::is_same_v<T, W>) {
            const W* data = reinterpret_cast<const W*>(x.data);
            std::size_t n = x.size;
            double s;
            if (p == nan_policy::omit) {
                s = simd::sum_omit_nan<Arch>(data, x.size, &n);
                if (!std::isfinite(s) && n > 0) { // overflow or infinities: guarded path
                    const gather_status st = gather<Arch, W>(x, p, ws.buffer);
                    ws.n_used = st.n_used;
                    return static_cast<W>(mean_of<Arch>(ws.buffer.data(), st.n_used));
                }
            } else {
                if (simd::has_nan<Arch>(data, x.size)) {
                    if (p == nan_policy::raise)
                        throw_nan_found();
                    ws.n_used = x.size;
                    return quiet_nan<W>();
                }
                ws.n_used = n;
                return n == 0 ? quiet_nan<W>() : static_cast<W>(mean_of<Arch>(data, n));
            }
            ws.n_used = n;
            return n == 0 ? quiet_nan<W>() : static_cast<W>(s / static_cast<double>(n));
        }
        return with_order_statistics<Arch>(x, p, ws, [](order_statistics<W>& os) {
            return static_cast<W>(mean_of<Arch>(os.data(), os.size()));
        });
    }

    template <class Arch, class T>
    result_t<T> median_lane(strided_span<const T> x, nan_policy p, workspace<result_t<T>>& ws)
    {
        return with_selection<Arch>(
            x, p, ws, identity_xform {}, median_ranks, [](auto& os) { return median_of(os); });
    }

    /// Writes one quantile per entry of q (validated by the caller) to out[i * out_stride].
    template <class Arch, class T>
    void quantile_lane(strided_span<const T> x, const double* q, std::size_t nq, quantile_method m,
        result_t<T>* out, std::ptrdiff_t out_stride, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        bool written = false;
        auto put
            = [&](std::size_t i, W v) { out[static_cast<std::ptrdiff_t>(i) * out_stride] = v; };
        with_selection<Arch>(
            x, p, ws, identity_xform {},
            [&](std::size_t n, std::size_t* r) {
                return quantiles_ranks(n, q, nq, r, engine_max_brackets);
            },
            [&](auto& os) {
                written = true;
                bool finite = true;
                for (std::size_t i = 0; i < nq; ++i) {
                    const W v = quantile_of(os, q[i], m);
                    finite = finite && std::isfinite(v);
                    put(i, v);
                }
                return finite ? W(0) : quiet_nan<W>();
            });
        if (!written)
            for (std::size_t i = 0; i < nq; ++i)
                put(i, quiet_nan<W>());
    }

    /// The two cut ranks of trimming n values (one if they coincide; none when
    /// the trim keeps nothing).
    inline std::size_t trim_ranks(const trim_spec& t, std::size_t n, std::size_t* out) noexcept
    {
        if (t.is_median())
            return n == 0 ? 0 : median_ranks(n, out);
        if (n == 0 || !trim_keeps_some(t, n))
            return 0;
        out[0] = tail_lo(t, n);
        out[1] = n - tail_hi(t, n) - 1;
        return out[0] == out[1] ? 1 : 2;
    }

    /// The trim levels of a multi-level call: nl (lower, upper) pairs, all
    /// proportions or all counts.
    struct trim_levels {
        const double* pairs;
        std::size_t n;
        bool by_count;
        trim_spec operator[](std::size_t i) const noexcept
        {
            trim_spec t(pairs[2 * i], pairs[2 * i + 1]);
            t.by_count = by_count;
            return t;
        }
    };

    /// Sorted unique cut ranks of every level (cap + 1 when there are more than cap).
    inline std::size_t levels_ranks(
        const trim_levels& lv, std::size_t n, std::size_t* out, std::size_t cap) noexcept
    {
        std::size_t m = 0;
        for (std::size_t i = 0; i < lv.n; ++i) {
            std::size_t r[2];
            const std::size_t c = trim_ranks(lv[i], n, r);
            for (std::size_t j = 0; j < c; ++j) {
                if (m == cap)
                    return cap + 1;
                out[m++] = r[j];
            }
        }
        std::sort(out, out + m);
        return static_cast<std::size_t>(std::unique(out, out + m) - out);
    }

    template <class Arch, class T>
    result_t<T> trimmed_mean_lane(
        strided_span<const T> x, trim_spec t, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        const W r = with_selection<Arch>(
            x, p, ws, identity_xform {},
            [&](std::size_t n, std::size_t* r) { return trim_ranks(t, n, r); },
            [&](auto& os) { return static_cast<W>(trimmed_mean_of<Arch>(os, t)); });
        return r;
    }

    template <class Arch, class T>
    result_t<T> winsorized_mean_lane(
        strided_span<const T> x, trim_spec t, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        return with_selection<Arch>(
            x, p, ws, identity_xform {},
            [&](std::size_t n, std::size_t* r) { return trim_ranks(t, n, r); },
            [&](auto& os) { return static_cast<W>(winsorized_mean_of<Arch>(os, t)); });
    }

    /// Several trimmed (winsorize = false) or winsorized means of one lane from
    /// one selection (on long lanes, one engine pass per group of levels whose
    /// cut ranks fit engine_max_brackets): out[i * out_stride] for level i. Each value is the one
    /// the single-level lane function gives (the sums are added exactly from their compensated
    /// pieces: see exact_pieces). ws.n_used is the number of values used, or 0 when some level
    /// keeps nothing (counts larger than the lane), so that the lane is reported as small.
    template <class Arch, class T>
    void trim_levels_lane(strided_span<const T> x, const trim_levels& lv, bool winsorize,
        result_t<T>* out, std::ptrdiff_t out_stride, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        if (std::is_same_v<T, W> && x.size >= engine_min_size && lv.n > 1) {
            // More cut ranks than one pass can bracket: one pass per group of
            // consecutive levels that fits, instead of the copy path (measured 2-4x
            // slower than separate passes on long lanes; docs/trimmed.md). The
            // values are the same either way (exact_pieces).
            std::size_t r[4 * engine_max_brackets]; // (as with_selection: room for std::sort)
            const std::size_t cap = engine_max_brackets;
            if (levels_ranks(lv, x.size, r, cap) > cap) {
                bool small = false;
                for (std::size_t i0 = 0; i0 < lv.n;) {
                    std::size_t k = 1;
                    while (i0 + k < lv.n
                        && levels_ranks(trim_levels { lv.pairs + 2 * i0, k + 1, lv.by_count },
                               x.size, r, cap)
                            <= cap)
                        ++k;
                    trim_levels_lane<Arch>(x, trim_levels { lv.pairs + 2 * i0, k, lv.by_count },
                        winsorize, out + static_cast<std::ptrdiff_t>(i0) * out_stride, out_stride,
                        p, ws);
                    small = small || ws.n_used == 0;
                    i0 += k;
                }
                if (small)
                    ws.n_used = 0;
                return;
            }
        }
        bool written = false;
        auto put
            = [&](std::size_t i, W v) { out[static_cast<std::ptrdiff_t>(i) * out_stride] = v; };
        with_selection<Arch>(
            x, p, ws, identity_xform {},
            [&](std::size_t n, std::size_t* r) {
                return levels_ranks(lv, n, r, engine_max_brackets);
            },
            [&](auto& os) {
                written = true;
                bool finite = true;
                for (std::size_t i = 0; i < lv.n; ++i) {
                    const trim_spec t = lv[i];
                    const W v = static_cast<W>(
                        winsorize ? winsorized_mean_of<Arch>(os, t) : trimmed_mean_of<Arch>(os, t));
                    // (a level that keeps nothing is NaN whatever the path)
                    finite = finite && (std::isfinite(v) || !trim_keeps_some(t, os.size()));
                    put(i, v);
                }
                return finite ? W(0) : quiet_nan<W>();
            });
        if (!written)
            for (std::size_t i = 0; i < lv.n; ++i)
                put(i, quiet_nan<W>());
        if (written)
            for (std::size_t i = 0; i < lv.n; ++i)
                if (!lv[i].is_median() && !trim_keeps_some(lv[i], ws.n_used))
                    ws.n_used = 0;
    }

} // namespace detail

// ---- public API ---------------------------------------------------------------

/// Arithmetic mean with a compensated (Neumaier) SIMD sum.
template <class T, class Arch = xsimd::default_arch>
result_t<T> mean(strided_span<T> x, options o = {})
{
    workspace<result_t<T>> ws;
    return detail::mean_lane<Arch, std::remove_cv_t<T>>({ x.data, x.size, x.stride }, o.nan, ws);
}

/// Median; the mean of the two middle values for even n.
template <class T, class Arch = xsimd::default_arch>
result_t<T> median(strided_span<T> x, options o = {})
{
    workspace<result_t<T>> ws;
    return detail::median_lane<Arch, std::remove_cv_t<T>>({ x.data, x.size, x.stride }, o.nan, ws);
}

/// Quantile q in [0, 1] (default: linear interpolation, R type 7 / NumPy "linear").
template <class T, class Arch = xsimd::default_arch>
result_t<T> quantile(
    strided_span<T> x, double q, quantile_method m = quantile_method::linear, options o = {})
{
    detail::validate_probability(q, "q");
    workspace<result_t<T>> ws;
    result_t<T> out;
    detail::quantile_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, &q, 1, m, &out, 1, o.nan, ws);
    return out;
}

/// Several quantiles from one selection.
template <class T, class Arch = xsimd::default_arch>
std::vector<result_t<T>> quantile(strided_span<T> x, const std::vector<double>& q,
    quantile_method m = quantile_method::linear, options o = {})
{
    for (double v : q)
        detail::validate_probability(v, "q");
    workspace<result_t<T>> ws;
    std::vector<result_t<T>> out(q.size());
    detail::quantile_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, q.data(), q.size(), m, out.data(), 1, o.nan, ws);
    return out;
}

/// Trimmed mean: floor(p * n) values cut from each tail (or the counts of
/// trim_spec::counts; NaN when they leave nothing). trim = 0.5 gives the median.
template <class T, class Arch = xsimd::default_arch>
result_t<T> trimmed_mean(strided_span<T> x, trim_spec trim = 0.1, options o = {})
{
    detail::validate_trim(trim, "trim", true);
    workspace<result_t<T>> ws;
    return detail::trimmed_mean_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, trim, o.nan, ws);
}

/// Winsorized mean: the floor(p * n) most extreme values of each tail (or the
/// counts of trim_spec::counts) replaced by the nearest kept value. Proportions
/// need lower + upper < 1.
template <class T, class Arch = xsimd::default_arch>
result_t<T> winsorized_mean(strided_span<T> x, trim_spec limits = 0.1, options o = {})
{
    detail::validate_trim(limits, "limits", false);
    workspace<result_t<T>> ws;
    return detail::winsorized_mean_lane<Arch, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, limits, o.nan, ws);
}

namespace detail {
    /// Validated levels as (lower, upper) pairs; all proportions or all counts.
    inline std::vector<double> level_pairs(
        const std::vector<trim_spec>& levels, const char* name, bool allow_median, bool& by_count)
    {
        std::vector<double> pairs;
        by_count = !levels.empty() && levels.front().by_count;
        for (const trim_spec& t : levels) {
            if (t.by_count != by_count)
                throw std::invalid_argument(
                    std::string(name) + ": the levels must be all proportions or all counts");
            validate_trim(t, name, allow_median);
            pairs.push_back(t.lower);
            pairs.push_back(t.upper);
        }
        return pairs;
    }
} // namespace detail

/// Trimmed means at several levels from ONE selection: result i is
/// trimmed_mean(x, levels[i]) (the same value, bit for bit). Lanes shorter than
/// engine_min_size: one copy and one introselect for all cut ranks. Longer
/// lanes: one engine pass when the cut ranks fit engine_max_brackets (8), e.g.
/// four two-sided levels; otherwise one pass per group of consecutive levels
/// that fits (docs/trimmed.md has the measurements).
template <class T, class Arch = xsimd::default_arch>
std::vector<result_t<T>> trimmed_means(
    strided_span<T> x, const std::vector<trim_spec>& levels, options o = {})
{
    bool by_count = false;
    const auto pairs = detail::level_pairs(levels, "trim", true, by_count);
    workspace<result_t<T>> ws;
    std::vector<result_t<T>> out(levels.size());
    detail::trim_levels_lane<Arch, std::remove_cv_t<T>>({ x.data, x.size, x.stride },
        detail::trim_levels { pairs.data(), levels.size(), by_count }, false, out.data(), 1, o.nan,
        ws);
    return out;
}

/// Winsorized means at several levels from one selection.
template <class T, class Arch = xsimd::default_arch>
std::vector<result_t<T>> winsorized_means(
    strided_span<T> x, const std::vector<trim_spec>& levels, options o = {})
{
    bool by_count = false;
    const auto pairs = detail::level_pairs(levels, "limits", false, by_count);
    workspace<result_t<T>> ws;
    std::vector<result_t<T>> out(levels.size());
    detail::trim_levels_lane<Arch, std::remove_cv_t<T>>({ x.data, x.size, x.stride },
        detail::trim_levels { pairs.data(), levels.size(), by_count }, true, out.data(), 1, o.nan,
        ws);
    return out;
}

// Contiguous-range overloads (std::vector, std::array, std::span, C arrays).
template <class R, detail::if_contiguous_range<R> = 0> auto mean(const R& r, options o = {})
{
    return mean(make_span(r), o);
}
template <class R, detail::if_contiguous_range<R> = 0> auto median(const R& r, options o = {})
{
    return median(make_span(r), o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto quantile(const R& r, double q, quantile_method m = quantile_method::linear, options o = {})
{
    return quantile(make_span(r), q, m, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto quantile(const R& r, const std::vector<double>& q, quantile_method m = quantile_method::linear,
    options o = {})
{
    return quantile(make_span(r), q, m, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto trimmed_mean(const R& r, trim_spec trim = 0.1, options o = {})
{
    return trimmed_mean(make_span(r), trim, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto winsorized_mean(const R& r, trim_spec limits = 0.1, options o = {})
{
    return winsorized_mean(make_span(r), limits, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto trimmed_means(const R& r, const std::vector<trim_spec>& levels, options o = {})
{
    return trimmed_means(make_span(r), levels, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto winsorized_means(const R& r, const std::vector<trim_spec>& levels, options o = {})
{
    return winsorized_means(make_span(r), levels, o);
}

} // namespace robstat

namespace robstat {

/// NumPy's names of the quantile methods.
inline constexpr named<quantile_method> quantile_method_names[] = {
    { "linear", quantile_method::linear },
    { "lower", quantile_method::lower },
    { "higher", quantile_method::higher },
    { "midpoint", quantile_method::midpoint },
    { "nearest", quantile_method::nearest },
};

inline quantile_method parse_quantile_method(std::string_view s)
{
    return parse_name(s, quantile_method_names, "method");
}

} // namespace robstat
