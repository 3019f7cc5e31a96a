// Order statistics of one lane: gather the values into a work buffer under the
// NaN policy (NaN never reaches a comparison-based algorithm: it breaks the
// strict weak ordering std::nth_element requires), then select ranks with
// std::nth_element, remembering every rank already placed so later selections
// only partition the sub-range between two known pivots.
//
// This is the simple engine: one copy of the lane plus introselect. The
// one-pass bracketing engine of DESIGN.md will replace it behind the same
// interface.
#pragma once

#include <algorithm>
#include <cstring>
#include <vector>

#include "robstat/core/types.hpp"
#include "robstat/simd/kernels.hpp"

namespace robstat::detail {

/// Outcome of gathering a lane.
struct gather_status {
    std::size_t n_used = 0;  ///< values in the buffer
    bool nan_result = false; ///< a NaN was found under nan_policy::propagate
};

/// Copy x into buf as W values, applying the NaN policy. Under propagate, a
/// NaN stops the work (nan_result = true); under raise it throws; under omit
/// NaN values are left out.
template <class Arch, class W, class T>
gather_status gather(strided_span<T> x, nan_policy policy, std::vector<W>& buf)
{
    buf.resize(x.size);
    if constexpr (std::is_same_v<std::remove_cv_t<T>, W>) {
        if (x.stride == 1 && x.size > 0) // (memcpy of a null pointer is UB even for 0 bytes)
            std::memcpy(buf.data(), x.data, x.size * sizeof(W));
        else
            for (std::size_t i = 0; i < x.size; ++i)
                buf[i] = x[i];
    } else {
        for (std::size_t i = 0; i < x.size; ++i)
            buf[i] = static_cast<W>(x[i]);
    }
    gather_status st;
    st.n_used = x.size;
    if constexpr (std::is_floating_point_v<std::remove_cv_t<T>>) {
        if (simd::has_nan<Arch>(buf.data(), buf.size())) {
            if (policy == nan_policy::raise)
                throw_nan_found();
            if (policy == nan_policy::propagate) {
                st.nan_result = true;
                return st;
            }
            std::size_t m = 0;
            for (std::size_t i = 0; i < buf.size(); ++i) {
                buf[m] = buf[i];
                m += !(buf[i] != buf[i]);
            }
            buf.resize(m);
            st.n_used = m;
        }
    }
    return st;
}

/// Rank selection on a buffer that may be reordered.
template <class T> class order_statistics {
public:
    order_statistics(T* data, std::size_t n)
        : data_(data)
        , n_(n)
    {
    }

    using value_type = T;
    std::size_t size() const noexcept { return n_; }
    T* data() const noexcept { return data_; }

    /// Sum of the values of ranks a..b (inclusive, a <= b).
    template <class Arch> double sum_ranks(std::size_t a, std::size_t b)
    {
        select(a);
        select(b);
        return simd::sum<Arch>(data_ + a, b - a + 1);
    }

    /// The k-th smallest value (k = 0 is the minimum). Afterwards every value
    /// left of k is <= it and every value right of k is >= it.
    T select(std::size_t k)
    {
        auto it = std::lower_bound(pivots_.begin(), pivots_.end(), k);
        if (it != pivots_.end() && *it == k)
            return data_[k];
        const std::size_t lo = it == pivots_.begin() ? 0 : *(it - 1) + 1;
        const std::size_t hi = it == pivots_.end() ? n_ : *it;
        if (k == lo && hi - lo > 1)
            std::iter_swap(data_ + k, std::min_element(data_ + lo, data_ + hi));
        else if (k + 1 == hi && hi - lo > 1)
            std::iter_swap(data_ + k, std::max_element(data_ + lo, data_ + hi));
        else
            std::nth_element(data_ + lo, data_ + k, data_ + hi);
        pivots_.insert(it, k);
        return data_[k];
    }

private:
    T* data_;
    std::size_t n_;
    std::vector<std::size_t> pivots_;
};

/// Midpoint of two ordered values a <= b without overflow: (a + b) / 2 is the
/// correctly rounded answer when it is finite; otherwise halve first
/// (median of 1e308 and 1.5e308 is 1.25e308, not inf).
template <class T> inline T midpoint(T a, T b) noexcept
{
    if (a == b)
        return a;
    const T s = a + b;
    if (std::isfinite(s) || !std::isfinite(a) || !std::isfinite(b))
        return s / T(2);
    return a / T(2) + b / T(2);
}

/// Linear interpolation a + t (b - a) for a <= b as NumPy computes it (exact at
/// t = 0 and t = 1, monotone). When b - a is not finite (an infinite end, or
/// overflow) it uses a (1 - t) + b t, so lerp(1, inf, t) = inf for t > 0 and
/// lerp(-inf, 1, t) = -inf for t < 1 instead of NaN.
template <class T> inline T lerp(T a, T b, T t) noexcept
{
    if (t == T(0))
        return a;
    const T diff = b - a;
    if (!std::isfinite(diff))
        return a * (T(1) - t) + b * t;
    return t >= T(0.5) ? b - diff * (T(1) - t) : a + diff * t;
}

} // namespace robstat::detail
