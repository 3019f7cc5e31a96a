// Mergeable streaming states (docs/streaming.md). One protocol for all:
//   state s;                  the empty state, the identity of merge
//   s.update(values, policy); fold values in (nan_policy::raise throws before
//                             changing anything when a NaN is present)
//   s.merge(other);           associative and commutative, exactly
//   s.result...               the statistics, NaN policy applied at the end
//   s.to_bytes() / state::from_bytes(...)
//                             a versioned little-endian format (stream/bytes.hpp),
//                             validated on load
// Every state here holds exact sums (stream/long_accumulator.hpp), so its
// results are identical, bit for bit, whatever the order of the values and
// however they were split into parts and merged.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

#include "robstat/core/types.hpp"
#include "robstat/stream/bytes.hpp"
#include "robstat/stream/long_accumulator.hpp"

namespace robstat::stream {

/// Counts of the values that are not finite, kept apart from the sums.
struct special_counts {
    std::uint64_t nan = 0, pos_inf = 0, neg_inf = 0;

    void merge(const special_counts& o) noexcept
    {
        nan += o.nan;
        pos_inf += o.pos_inf;
        neg_inf += o.neg_inf;
    }
    /// The IEEE value of a sum holding the infinities: NaN for inf + -inf.
    double inf_sum() const noexcept
    {
        if (pos_inf && neg_inf)
            return std::numeric_limits<double>::quiet_NaN();
        return pos_inf ? std::numeric_limits<double>::infinity()
                       : -std::numeric_limits<double>::infinity();
    }
    bool has_inf() const noexcept { return pos_inf || neg_inf; }
    static special_counts read(byte_reader& r)
    {
        special_counts c;
        c.nan = r.u64();
        c.pos_inf = r.u64();
        c.neg_inf = r.u64();
        return c;
    }
    friend bool operator==(const special_counts& a, const special_counts& b) noexcept
    {
        return a.nan == b.nan && a.pos_inf == b.pos_inf && a.neg_inf == b.neg_inf;
    }
};

namespace detail {
    /// raise: throw before anything changes when the values hold a NaN.
    template <class T> void check_nan_first(strided_span<T> x, nan_policy p)
    {
        if (p != nan_policy::raise)
            return;
        for (std::size_t i = 0; i < x.size; ++i)
            if (x[i] != x[i])
                robstat::detail::throw_nan_found();
    }

    /// The NaN policy applied to a finished result (raise was checked on update).
    inline bool nan_result(const special_counts& c, nan_policy p)
    {
        if (c.nan == 0)
            return false;
        if (p == nan_policy::raise)
            robstat::detail::throw_nan_found();
        return p == nan_policy::propagate;
    }

    constexpr double quiet_nan = std::numeric_limits<double>::quiet_NaN();

    /// A total order on non-NaN values in which -0.0 < +0.0 (so sorting, min
    /// and max never depend on the order of the values).
    inline bool total_less(double a, double b) noexcept
    {
        return a < b || (a == b && std::signbit(a) && !std::signbit(b));
    }
    inline bool same_double(double a, double b) noexcept
    {
        return a == b && std::signbit(a) == std::signbit(b);
    }

    /// a += c * n * 2^shift exactly, for any 64-bit count n.
    inline void add_times_count(product_accumulator& a, double c, std::uint64_t n, int shift = 0)
    {
        a.add_product(c, static_cast<double>(n & 0xffffffffu), shift);
        a.add_product(c, static_cast<double>(n >> 32), shift + 32);
    }

    /// f(i) for each set bit i of k: k copies of a value v are the exact
    /// multiples v 2^i (so k copies cost 64 additions at most).
    template <class F> void for_each_bit(std::uint64_t k, F&& f)
    {
        for (int i = 0; i < 64; ++i)
            if ((k >> i) & 1)
                f(i);
    }

    /// -1, 0 or +1: the sign of the exact value held.
    inline int sign_of(const product_accumulator& a)
    {
        if (a.is_zero())
            return 0;
        return std::signbit(a.round()) ? -1 : 1;
    }

    /// The double nearest to P / n (ties to even), P exact, n > 0: a first
    /// estimate, then moved to the neighbour while the exact value lies beyond
    /// the midpoint (each test an exact sign of P - n (q +- ulp / 2)).
    inline double rounded_quotient(const product_accumulator& p, std::uint64_t n)
    {
        const double nd = static_cast<double>(n);
        int s = 0; // work on P 2^s / n where P 2^s rounds to a finite double
        double est = p.round();
        if (std::isinf(est)) {
            s = -128;
            est = p.round(s);
        }
        double q = est / nd;
        auto beyond = [&](double c, double step) { // sign(P 2^s - n (c + step / 2))
            product_accumulator a = p;
            add_times_count(a, -c, n, -s);
            add_times_count(a, -step, n, -s - 1);
            return sign_of(a);
        };
        auto odd = [](double v) {
            std::uint64_t b;
            std::memcpy(&b, &v, sizeof b);
            return (b & 1) != 0;
        };
        for (int iter = 0; iter < 64; ++iter) {
            const double up = std::nextafter(q, std::numeric_limits<double>::infinity());
            if (std::isfinite(up)) {
                const int su = beyond(q, up - q);
                if (su > 0 || (su == 0 && odd(q))) {
                    q = up;
                    continue;
                }
            }
            const double dn = std::nextafter(q, -std::numeric_limits<double>::infinity());
            if (std::isfinite(dn)) {
                const int sd = beyond(q, dn - q);
                if (sd < 0 || (sd == 0 && odd(q))) {
                    q = dn;
                    continue;
                }
            }
            break;
        }
        return s == 0 ? q : std::ldexp(q, -s);
    }

    /// The exact value of a sum accumulator, as a product accumulator.
    inline product_accumulator widen(const sum_accumulator& s)
    {
        product_accumulator p;
        s.for_each_part([&](double d, int e) { p.add(d, e); });
        return p;
    }
} // namespace detail

/// update() of every state: the NaN check first (raise changes nothing), then
/// Derived::add(double) for each value. (CRTP, so the loop calls add directly.)
template <class Derived> class updatable {
public:
    template <class T> void update(strided_span<T> x, nan_policy p = nan_policy::propagate)
    {
        detail::check_nan_first(x, p);
        auto& self = static_cast<Derived&>(*this);
        for (std::size_t i = 0; i < x.size; ++i)
            self.add(static_cast<double>(x[i]));
    }
    template <class R, robstat::detail::if_contiguous_range<R> = 0>
    void update(const R& r, nan_policy p = nan_policy::propagate)
    {
        update(make_span(r), p);
    }
};

/// The exact sum of a stream: results independent of order and partitioning.
class sum_state : public updatable<sum_state> {
public:
    static constexpr std::uint16_t type_tag = 1;

    void add(double v)
    {
        if (std::isfinite(v)) {
            sum_.add(v);
            ++n_;
        } else if (v != v) {
            ++special_.nan;
        } else if (v > 0) {
            ++special_.pos_inf;
        } else {
            ++special_.neg_inf;
        }
    }
    /// k copies of v at once: the same state as k calls of add(v).
    void add_copies(double v, std::uint64_t k)
    {
        if (std::isfinite(v)) {
            detail::for_each_bit(k, [&](int i) { sum_.add(v, i); });
            n_ += k;
        } else if (v != v) {
            special_.nan += k;
        } else if (v > 0) {
            special_.pos_inf += k;
        } else {
            special_.neg_inf += k;
        }
    }
    void merge(const sum_state& o)
    {
        sum_.add(o.sum_);
        n_ += o.n_;
        special_.merge(o.special_);
    }

    /// The correctly rounded sum (0 for no values; NaN/inf as IEEE arithmetic).
    double sum(nan_policy p = nan_policy::propagate) const
    {
        if (detail::nan_result(special_, p))
            return detail::quiet_nan;
        if (special_.has_inf())
            return special_.inf_sum();
        return sum_.round();
    }
    /// Values folded in: finite ones, and all but NaN under omit.
    std::uint64_t count(nan_policy p = nan_policy::propagate) const noexcept
    {
        return n_ + special_.pos_inf + special_.neg_inf
            + (p == nan_policy::omit ? 0 : special_.nan);
    }
    const special_counts& specials() const noexcept { return special_; }

    std::vector<unsigned char> to_bytes() const
    {
        byte_writer w(type_tag);
        w.u64(n_);
        w.counts(special_);
        w.accumulator(sum_);
        return w.finish();
    }
    static sum_state from_bytes(const unsigned char* data, std::size_t size)
    {
        byte_reader r(data, size, type_tag, "sum_state");
        sum_state s;
        s.n_ = r.u64();
        s.special_ = special_counts::read(r);
        r.accumulator(s.sum_);
        r.done();
        return s;
    }
    friend bool operator==(const sum_state& a, const sum_state& b) noexcept
    {
        return a.n_ == b.n_ && a.special_ == b.special_ && a.sum_ == b.sum_;
    }
    friend bool operator!=(const sum_state& a, const sum_state& b) noexcept { return !(a == b); }

private:
    sum_accumulator sum_;
    std::uint64_t n_ = 0;
    special_counts special_;
};

/// Count, exact sum and exact sum of squares, minimum and maximum: the mean,
/// variance and standard deviation of a stream, identical whatever the
/// partitioning. The sum of squared deviations from the mean is computed
/// exactly from the two sums (no cancellation) and rounded once.
class moments_state : public updatable<moments_state> {
public:
    static constexpr std::uint16_t type_tag = 2;

    void add(double v)
    {
        if (v != v) {
            ++special_.nan;
            return;
        }
        if (n_ + special_.pos_inf + special_.neg_inf == 0) {
            min_ = max_ = v;
        } else {
            min_ = lower(min_, v);
            max_ = upper(max_, v);
        }
        if (std::isfinite(v)) {
            s1_.add(v);
            s2_.add_product(v, v);
            ++n_;
        } else if (v > 0) {
            ++special_.pos_inf;
        } else {
            ++special_.neg_inf;
        }
    }
    /// k copies of v at once: the same state as k calls of add(v).
    void add_copies(double v, std::uint64_t k)
    {
        if (k == 0)
            return;
        if (v != v) {
            special_.nan += k;
            return;
        }
        add(v); // (min, max and the kind of v), then the other k - 1
        if (--k == 0)
            return;
        if (std::isfinite(v)) {
            detail::for_each_bit(k, [&](int i) {
                s1_.add(v, i);
                s2_.add_product(v, v, i);
            });
            n_ += k;
        } else if (v > 0) {
            special_.pos_inf += k;
        } else {
            special_.neg_inf += k;
        }
    }
    void merge(const moments_state& o)
    {
        if (o.values() == 0) {
            special_.merge(o.special_);
            return;
        }
        if (values() == 0) {
            min_ = o.min_;
            max_ = o.max_;
        } else {
            min_ = lower(min_, o.min_);
            max_ = upper(max_, o.max_);
        }
        s1_.add(o.s1_);
        s2_.add(o.s2_);
        n_ += o.n_;
        special_.merge(o.special_);
    }

    /// Values folded in, as sum_state::count.
    std::uint64_t count(nan_policy p = nan_policy::propagate) const noexcept
    {
        return values() + (p == nan_policy::omit ? 0 : special_.nan);
    }
    const special_counts& specials() const noexcept { return special_; }

    double sum(nan_policy p = nan_policy::propagate) const
    {
        if (detail::nan_result(special_, p))
            return detail::quiet_nan;
        return special_.has_inf() ? special_.inf_sum() : s1_.round();
    }
    /// The mean (NaN when empty); faithfully rounded from the exact sum.
    double mean(nan_policy p = nan_policy::propagate) const
    {
        if (detail::nan_result(special_, p) || values() == 0)
            return detail::quiet_nan;
        if (special_.has_inf())
            return special_.inf_sum();
        return finite_mean();
    }
    /// Variance with ddof delta degrees of freedom: NaN when empty, when
    /// n - ddof <= 0 or when an infinity is present (as NumPy).
    double var(double ddof = 0, nan_policy p = nan_policy::propagate) const
    {
        const double dof = dof_or_nan(ddof, p);
        if (dof != dof)
            return dof;
        return ssd(0) / dof;
    }
    /// Standard deviation: finite whenever the exact value is (the squared
    /// deviations are rounded at a scale where they neither overflow nor lose
    /// digits).
    double stddev(double ddof = 0, nan_policy p = nan_policy::propagate) const
    {
        const double dof = dof_or_nan(ddof, p);
        if (dof != dof)
            return dof;
        const double s = ssd(0);
        if (std::isinf(s))
            return std::sqrt(ssd(-1100) / dof) * 0x1p550;
        if (s < 0x1p-900)
            return std::sqrt(ssd(1300) / dof) * 0x1p-650;
        return std::sqrt(s / dof);
    }
    /// Smallest and largest value (infinities included, NaN skipped); NaN when
    /// empty. -0.0 counts as below +0.0, so the result never depends on order.
    double min(nan_policy p = nan_policy::propagate) const
    {
        return detail::nan_result(special_, p) || values() == 0 ? detail::quiet_nan : min_;
    }
    double max(nan_policy p = nan_policy::propagate) const
    {
        return detail::nan_result(special_, p) || values() == 0 ? detail::quiet_nan : max_;
    }

    std::vector<unsigned char> to_bytes() const
    {
        byte_writer w(type_tag);
        w.u64(n_);
        w.counts(special_);
        w.f64(values() ? min_ : 0.0);
        w.f64(values() ? max_ : 0.0);
        w.accumulator(s1_);
        w.accumulator(s2_);
        return w.finish();
    }
    static moments_state from_bytes(const unsigned char* data, std::size_t size)
    {
        byte_reader r(data, size, type_tag, "moments_state");
        moments_state s;
        s.n_ = r.u64();
        s.special_ = special_counts::read(r);
        s.min_ = r.f64();
        s.max_ = r.f64();
        r.accumulator(s.s1_);
        r.accumulator(s.s2_);
        r.done();
        // canonical empty state: zero sums, min = max = +0.0; otherwise min <= max
        const bool bounds_ok = s.values() == 0
            ? same(s.min_, 0.0) && same(s.max_, 0.0) && s.s1_.is_zero() && s.s2_.is_zero()
            : s.min_ == s.min_ && s.max_ == s.max_ && !upper_is_first(s.min_, s.max_);
        if (!bounds_ok)
            throw std::invalid_argument("moments_state.from_bytes: inconsistent state (min, max "
                                        "and sums do not fit the counts)");
        return s;
    }
    friend bool operator==(const moments_state& a, const moments_state& b) noexcept
    {
        if (a.n_ != b.n_ || !(a.special_ == b.special_) || a.s1_ != b.s1_ || a.s2_ != b.s2_)
            return false;
        return a.values() == 0 || (same(a.min_, b.min_) && same(a.max_, b.max_));
    }
    friend bool operator!=(const moments_state& a, const moments_state& b) noexcept
    {
        return !(a == b);
    }

private:
    std::uint64_t values() const noexcept { return n_ + special_.pos_inf + special_.neg_inf; }

    // a total order on non-NaN values in which -0.0 < +0.0
    static bool upper_is_first(double a, double b) noexcept
    {
        return a > b || (a == b && !std::signbit(a) && std::signbit(b));
    }
    static double lower(double a, double b) noexcept { return upper_is_first(a, b) ? b : a; }
    static double upper(double a, double b) noexcept { return upper_is_first(a, b) ? a : b; }
    static bool same(double a, double b) noexcept
    {
        return a == b && std::signbit(a) == std::signbit(b);
    }

    double dof_or_nan(double ddof, nan_policy p) const
    {
        if (detail::nan_result(special_, p) || values() == 0 || special_.has_inf())
            return detail::quiet_nan;
        const double dof = static_cast<double>(n_) - ddof;
        return dof > 0 ? dof : detail::quiet_nan;
    }

    /// S1 / n, within an ulp: S1 = hi + lo (each correctly rounded), then one
    /// Newton correction of hi / n. Overflow of S1 itself is scaled away.
    double finite_mean() const
    {
        const double n = static_cast<double>(n_);
        double hi = s1_.round();
        if (std::isinf(hi))
            return s1_.round(-64) / n * 0x1p64;
        sum_accumulator rest = s1_;
        rest.add(-hi);
        const double lo = rest.round();
        const double q = hi / n;
        const double r = std::fma(-q, n, hi); // exact: the remainder of hi / n
        return q + (r + lo) / n;
    }

    /// sum (x - mean)^2 * 2^shift, from S2 - 2 m S1 + n m^2 evaluated exactly
    /// at the rounded mean m, less the tiny n (mean - m)^2.
    double ssd(int shift) const
    {
        const double m = finite_mean();
        product_accumulator a = s2_;
        s1_.for_each_part([&](double d, int e) { a.add_product(-m, d, e + 1); });
        const auto nl = static_cast<double>(n_ & 0xffffffffu);
        const auto nh = static_cast<double>(n_ >> 32);
        int km;
        const double fm = std::frexp(m, &km);
        const double p = fm * fm, pe = std::fma(fm, fm, -p); // m^2 = (p + pe) 2^(2 km)
        for (double part : { p, pe }) {
            a.add_product(part, nl, 2 * km);
            a.add_product(part, nh, 2 * km + 32);
        }
        // d = S1 - n m (exact), then subtract d^2 / n
        product_accumulator d;
        s1_.for_each_part([&](double v, int e) { d.add(v, e); });
        d.add_product(-m, nl);
        d.add_product(-m, nh, 32);
        const double dr = d.round();
        if (dr != 0 && std::isfinite(dr))
            a.add_product(-dr, dr / static_cast<double>(n_));
        const double r = a.round(shift);
        return r > 0 ? r : 0.0;
    }

    sum_accumulator s1_;
    product_accumulator s2_;
    std::uint64_t n_ = 0; // finite values
    special_counts special_;
    double min_ = 0, max_ = 0;
};

} // namespace robstat::stream
