// One exact Newton step of Huber's fixed-scale M-estimator of location, as a
// mergeable state (docs/streaming.md, "Huber step").
//
// For a centre c, a scale s > 0 and k > 0, psi(u) = max(-k, min(k, u)) and
// the estimating equation sum psi((x - mu) / s) = 0. The state sorts each
// value into the lower flat zone (x < c - k s), the linear zone or the upper
// flat zone (x > c + k s), the zone edges being c -+ k s rounded once to
// doubles, and holds the counts of the three zones and the exact sum of the
// linear-zone values (a long accumulator). Merged, it gives
//
//   sum psi((x - c) / s) = (S_lin - m c) / s + k (n_hi - n_lo)
//   Newton step          = c + s sum psi / m = (S_lin + k s (n_hi - n_lo)) / m
//
// (m the linear-zone count), the step rounded once, correctly, from its exact
// value. psi is piecewise linear, so once the zones at c are those at the
// root, the step *is* the root: iterating the step from a start near the
// solution (the median) reaches, in a few rounds over the data, the value
// robstat::huber computes on one machine by searching the breakpoints.
#pragma once

#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "robstat/stream/states.hpp"

namespace robstat::stream {

class huber_step_state : public updatable<huber_step_state> {
public:
    static constexpr std::uint16_t type_tag = 5;

    huber_step_state(double center, double scale, double k = 1.5)
        : c_(center)
        , s_(scale)
        , k_(k)
    {
        if (!std::isfinite(center))
            throw std::invalid_argument("huber_step_state: center must be finite");
        if (!(std::isfinite(scale) && scale > 0))
            throw std::invalid_argument("huber_step_state: scale must be finite and > 0");
        if (!(std::isfinite(k) && k > 0))
            throw std::invalid_argument("huber_step_state: k must be finite and > 0");
        const double ks = k * scale;
        if (!std::isfinite(ks) || !std::isfinite(c_ - ks) || !std::isfinite(c_ + ks))
            throw std::invalid_argument("huber_step_state: center -+ k * scale must be finite");
        lo_edge_ = c_ - ks;
        hi_edge_ = c_ + ks;
    }

    void add(double v)
    {
        if (v != v)
            ++nan_;
        else if (v < lo_edge_)
            ++n_lo_;
        else if (v > hi_edge_)
            ++n_hi_;
        else {
            lin_.add(v); // finite: between two finite edges
            ++n_lin_;
        }
    }

    /// Fold in a state with the same centre, scale and k.
    void merge(const huber_step_state& o)
    {
        if (!detail::same_double(c_, o.c_) || !detail::same_double(s_, o.s_)
            || !detail::same_double(k_, o.k_))
            throw std::invalid_argument(
                "huber_step_state.merge: the states have different center, scale or k");
        lin_.add(o.lin_);
        n_lin_ += o.n_lin_;
        n_lo_ += o.n_lo_;
        n_hi_ += o.n_hi_;
        nan_ += o.nan_;
    }

    double center() const noexcept { return c_; }
    double scale() const noexcept { return s_; }
    double k() const noexcept { return k_; }
    std::uint64_t count(nan_policy p = nan_policy::propagate) const noexcept
    {
        return n_lo_ + n_lin_ + n_hi_ + (p == nan_policy::omit ? 0 : nan_);
    }
    special_counts specials() const noexcept
    {
        special_counts c;
        c.nan = nan_;
        return c;
    }
    std::uint64_t n_lower() const noexcept { return n_lo_; }
    std::uint64_t n_linear() const noexcept { return n_lin_; }
    std::uint64_t n_upper() const noexcept { return n_hi_; }

    /// sum psi((x - c) / s): the exact numerator S_lin - m c + k s (n_hi - n_lo)
    /// rounded once, then divided by s (NaN when empty or a NaN propagates).
    double psi_sum(nan_policy p = nan_policy::propagate) const
    {
        if (detail::nan_result(specials(), p) || count(nan_policy::omit) == 0)
            return detail::quiet_nan;
        product_accumulator a = numerator();
        detail::add_times_count(a, -c_, n_lin_);
        return a.round() / s_;
    }
    /// The Newton step c + s sum psi / m, correctly rounded from its exact
    /// value (S_lin + k s (n_hi - n_lo)) / m. NaN when no value lies in the
    /// linear zone (psi' is 0: no Newton step), when empty or a NaN propagates.
    double newton_step(nan_policy p = nan_policy::propagate) const
    {
        if (detail::nan_result(specials(), p) || n_lin_ == 0)
            return detail::quiet_nan;
        return detail::rounded_quotient(numerator(), n_lin_);
    }

    std::vector<unsigned char> to_bytes() const
    {
        byte_writer w(type_tag);
        w.f64(c_);
        w.f64(s_);
        w.f64(k_);
        w.u64(n_lo_);
        w.u64(n_lin_);
        w.u64(n_hi_);
        w.u64(nan_);
        w.accumulator(lin_);
        return w.finish();
    }
    static huber_step_state from_bytes(const unsigned char* data, std::size_t size)
    {
        byte_reader r(data, size, type_tag, "huber_step_state");
        const double c = r.f64(), s = r.f64(), k = r.f64();
        huber_step_state h = [&] {
            try {
                return huber_step_state(c, s, k);
            } catch (const std::invalid_argument&) {
                r.fail("center, scale or k out of range");
            }
        }();
        h.n_lo_ = r.u64();
        h.n_lin_ = r.u64();
        h.n_hi_ = r.u64();
        h.nan_ = r.u64();
        r.accumulator(h.lin_);
        r.done();
        if (h.n_lin_ == 0 && !h.lin_.is_zero())
            r.fail("a linear-zone sum but no linear-zone values");
        return h;
    }
    friend bool operator==(const huber_step_state& a, const huber_step_state& b) noexcept
    {
        return detail::same_double(a.c_, b.c_) && detail::same_double(a.s_, b.s_)
            && detail::same_double(a.k_, b.k_) && a.n_lo_ == b.n_lo_ && a.n_lin_ == b.n_lin_
            && a.n_hi_ == b.n_hi_ && a.nan_ == b.nan_ && a.lin_ == b.lin_;
    }
    friend bool operator!=(const huber_step_state& a, const huber_step_state& b) noexcept
    {
        return !(a == b);
    }

private:
    /// S_lin + k s (n_hi - n_lo), exactly.
    product_accumulator numerator() const
    {
        product_accumulator a = detail::widen(lin_);
        int ek, es;
        const double fk = std::frexp(k_, &ek), fs = std::frexp(s_, &es);
        const double p = fk * fs, e = std::fma(fk, fs, -p); // k s = (p + e) 2^(ek + es)
        const bool up = n_hi_ >= n_lo_;
        const std::uint64_t d = up ? n_hi_ - n_lo_ : n_lo_ - n_hi_;
        for (double part : { p, e })
            detail::add_times_count(a, up ? part : -part, d, ek + es);
        return a;
    }

    double c_, s_, k_, lo_edge_ = 0, hi_edge_ = 0;
    sum_accumulator lin_;
    std::uint64_t n_lo_ = 0, n_lin_ = 0, n_hi_ = 0, nan_ = 0;
};

} // namespace robstat::stream
