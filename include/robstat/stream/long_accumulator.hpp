// An exact fixed-point accumulator of doubles (a "long accumulator" or
// superaccumulator): the sum of any number of finite doubles, and of exact
// products of two doubles, held without rounding, and rounded once, correctly
// (to nearest, ties to even), when asked. Because the held value is exact, the
// result does not depend on the order of the additions or on how the data were
// split and merged: the foundation of the mergeable streaming states
// (robstat/stream/states.hpp, docs/streaming.md).
//
// Representation: value = sum_i limb[i] * 2^(32 i + MinExp). Each limb is an
// int64 holding a base-2^32 digit; an addition touches at most three limbs and
// adds less than 2^32 to each, so up to 2^30 additions fit before the carries
// must be propagated (normalize()). After normalize() every limb but the top
// one is in [0, 2^32) and the top one carries the sign.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace robstat::stream {

template <std::size_t Limbs, int MinExp> class long_accumulator {
public:
    static constexpr std::size_t limbs = Limbs;
    static constexpr int min_exp = MinExp; ///< the weight of bit 0 of limb 0 is 2^MinExp
    static constexpr std::int64_t digit = std::int64_t(1) << 32;

    /// Add v * 2^shift exactly (v finite; the caller keeps shift in range).
    void add(double v, int shift = 0)
    {
        std::uint64_t bits;
        std::memcpy(&bits, &v, sizeof bits);
        const auto biased = static_cast<int>((bits >> 52) & 0x7ff);
        std::uint64_t m = bits & ((std::uint64_t(1) << 52) - 1);
        int e = -1074; // exponent of the mantissa's last bit
        if (biased != 0) {
            m |= std::uint64_t(1) << 52;
            e = biased - 1075;
        }
        if (m == 0)
            return;
        const bool negative = (bits >> 63) != 0;
        long k = static_cast<long>(e) + shift - MinExp; // bit position of m's last bit
        while (k < 0 && (m & 1) == 0) { // trailing zeros below the range (an FMA remainder)
            m >>= 1;
            ++k;
        }
        if (k < 0 || static_cast<std::size_t>(k / 32) + 3 >= Limbs)
            throw std::overflow_error("robstat::stream::long_accumulator: value out of range");
        const auto i = static_cast<std::size_t>(k / 32);
        const auto s = static_cast<unsigned>(k % 32);
        // m << s, split into 32-bit digits without a 128-bit type
        const std::uint64_t p0 = (m << s) & 0xffffffffu;
        const std::uint64_t rest = s == 0 ? m >> 32 : m >> (32 - s);
        const std::uint64_t p1 = rest & 0xffffffffu, p2 = rest >> 32;
        const std::int64_t sign = negative ? -1 : 1;
        limb_[i] += sign * static_cast<std::int64_t>(p0);
        limb_[i + 1] += sign * static_cast<std::int64_t>(p1);
        limb_[i + 2] += sign * static_cast<std::int64_t>(p2);
        if (++pending_ >= max_pending)
            normalize();
    }

    /// Add a * b * 2^shift exactly (a, b finite): the product is split into
    /// p + e by an FMA on the mantissas scaled to [0.5, 1), where neither can
    /// overflow or underflow.
    void add_product(double a, double b, int shift = 0)
    {
        if (a == 0 || b == 0)
            return;
        int ka, kb;
        const double fa = std::frexp(a, &ka), fb = std::frexp(b, &kb);
        const double p = fa * fb;
        const double e = std::fma(fa, fb, -p);
        add(p, ka + kb + shift);
        add(e, ka + kb + shift);
    }

    /// Add another accumulator of the same shape (exact).
    void add(const long_accumulator& other)
    {
        long_accumulator o = other;
        o.normalize();
        normalize();
        for (std::size_t i = 0; i < Limbs; ++i)
            limb_[i] += o.limb_[i];
        normalize();
    }

    void negate() noexcept
    {
        for (auto& l : limb_)
            l = -l;
    }

    /// Propagate the carries: every limb but the top one in [0, 2^32).
    void normalize() noexcept
    {
        for (std::size_t i = 0; i + 1 < Limbs; ++i) {
            const std::int64_t low = limb_[i] & 0xffffffff; // two's complement: limb mod 2^32
            const std::int64_t carry = (limb_[i] - low) / digit;
            limb_[i] = low;
            limb_[i + 1] += carry;
        }
        pending_ = 0;
    }

    bool is_zero() const noexcept
    {
        long_accumulator c = *this;
        c.normalize();
        for (auto l : c.limb_)
            if (l != 0)
                return false;
        return true;
    }

    /// The held value times 2^shift, correctly rounded to a double (inf when
    /// it rounds beyond DBL_MAX).
    double round(int shift = 0) const noexcept
    {
        long_accumulator c = *this;
        c.normalize();
        const bool negative = c.limb_[Limbs - 1] < 0;
        if (negative) {
            c.negate();
            c.normalize();
        }
        std::size_t h = Limbs;
        while (h > 0 && c.limb_[h - 1] == 0)
            --h;
        if (h == 0)
            return 0.0;
        --h; // the top nonzero limb
        auto at = [&](long j) -> std::uint64_t {
            return j < 0 ? 0 : static_cast<std::uint64_t>(c.limb_[static_cast<std::size_t>(j)]);
        };
        const auto hj = static_cast<long>(h);
        const std::uint64_t top = at(hj);
        int nb = 0; // bit length of the top limb (1..32)
        while (nb < 64 && (top >> nb) != 0)
            ++nb;
        const std::uint64_t w1 = (top << 32) | at(hj - 1), w0 = at(hj - 2);
        // the top 64 bits of the window w1:w0 (64 + nb bits) and what falls below
        const std::uint64_t top64 = nb == 32 ? w1 : (w1 << (32 - nb)) | (w0 >> nb);
        bool sticky = nb == 32 ? w0 != 0 : (w0 & ((std::uint64_t(1) << nb) - 1)) != 0;
        for (long j = hj - 3; j >= 0 && !sticky; --j)
            sticky = c.limb_[static_cast<std::size_t>(j)] != 0;
        // value = (top64 + fraction) * 2^E, top64 in [2^63, 2^64)
        long E = nb + 32 * (hj - 2) + MinExp + shift;
        // bits kept: 53, fewer when the result is subnormal (its last bit is 2^-1074)
        long drop = 11;
        if (E + 63 < -1022) // below the normal range
            drop = std::min<long>(64, -1074 - E);
        std::uint64_t mant;
        bool round_up;
        if (drop >= 64) {
            mant = 0;
            round_up = top64 > (std::uint64_t(1) << 63)
                || (top64 == (std::uint64_t(1) << 63) && sticky && drop == 64);
            if (drop > 64)
                round_up = false;
        } else {
            mant = top64 >> drop;
            const std::uint64_t rem = top64 & ((std::uint64_t(1) << drop) - 1);
            const std::uint64_t half = std::uint64_t(1) << (drop - 1);
            round_up = rem > half || (rem == half && (sticky || (mant & 1)));
        }
        if (round_up)
            ++mant; // 2^53 is still exact: ldexp carries the exponent
        const long exp = std::clamp<long>(E + drop, -2000, 2000); // ldexp saturates anyway
        const double r = std::ldexp(static_cast<double>(mant), static_cast<int>(exp));
        return negative ? -r : r;
    }

    /// Visit each nonzero digit of a normalized copy as f(d, e): the value is
    /// the sum of d * 2^e, d an integer-valued double with |d| < 2^32.
    template <class F> void for_each_part(F&& f) const
    {
        long_accumulator c = *this;
        c.normalize();
        for (std::size_t i = 0; i < Limbs; ++i)
            if (c.limb_[i] != 0)
                f(static_cast<double>(c.limb_[i]), static_cast<int>(32 * i) + MinExp);
    }

    /// The normalized digits (for serialization and equality).
    std::array<std::int64_t, Limbs> digits() const noexcept
    {
        long_accumulator c = *this;
        c.normalize();
        return c.limb_;
    }

    /// Set from normalized digits; false (and unchanged) when they are not.
    bool set_digits(const std::array<std::int64_t, Limbs>& d) noexcept
    {
        for (std::size_t i = 0; i + 1 < Limbs; ++i)
            if (d[i] < 0 || d[i] >= digit)
                return false;
        if (d[Limbs - 1] <= -digit || d[Limbs - 1] >= digit)
            return false;
        limb_ = d;
        pending_ = 0;
        return true;
    }

    friend bool operator==(const long_accumulator& a, const long_accumulator& b) noexcept
    {
        return a.digits() == b.digits();
    }
    friend bool operator!=(const long_accumulator& a, const long_accumulator& b) noexcept
    {
        return !(a == b);
    }

private:
    static constexpr int max_pending = 1 << 30;
    std::array<std::int64_t, Limbs> limb_ {};
    int pending_ = 0;
};

/// Sums of doubles: bits 2^-1074 .. 2^1024, plus 64 bits of carries (2^64 values).
using sum_accumulator = long_accumulator<70, -1074>;

/// Sums of exact products of two doubles (squares): bits 2^-2252 (the last bit
/// of a product of two subnormals' mantissas) .. 2^2048, plus the carries of
/// 2^64 values and the headroom of the mean's products in moments_state.
using product_accumulator = long_accumulator<142, -2252>;

} // namespace robstat::stream
