// A mergeable quantile sketch with a deterministic, certified rank-error bound
// (docs/streaming.md, "Quantile sketch").
//
// A stack of compactors in the manner of Manku-Rajagopalan-Lindsay and KLL
// (Karnin, Lang, Liberty 2016): level h holds values that each stand for 2^h
// of the input. When a level holds k or more values it is sorted and its
// largest even number of smallest values is compacted: every other one (odd or
// even positions, alternating per level) moves up a level with twice the
// weight, the rest are dropped. For any x the weighted count of values <= x
// (or < x) changes by at most 2^h in one compaction: the values <= x form a
// prefix of the sorted block, and half of a prefix, rounded one way, is kept.
// The sketch adds up these 2^h as it compacts (merging adds the parts' sums),
// so rank_error() is a guarantee, not an estimate:
//
//   |rank(x) - #{values <= x}| <= rank_error()   for every x,
//
// and because a compaction at level h consumes >= k values of weight 2^h out
// of a total weight n, rank_error() <= (n / k) (floor(log2(n / k)) + 1).
// KLL's random parity would give an O(sqrt(log) / k) error with high
// probability; the deterministic parity gives a bound that holds for every
// input and every merge tree, which is what the tests check.
//
// Merging is exactly commutative (the levels are multisets; compaction sorts
// them; the parities combine by xor), but not associative: which values meet
// in a compaction depends on the merge tree, so two trees give different
// states, each within its own certified bound. Until the first compaction
// (fewer than k values in all) the sketch holds every value: results exact.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "robstat/stream/states.hpp"

namespace robstat::stream {

class quantile_sketch : public updatable<quantile_sketch> {
public:
    static constexpr std::uint16_t type_tag = 3;
    static constexpr std::uint64_t default_k = 256, min_k = 8, max_k = 1u << 16;

    explicit quantile_sketch(std::uint64_t k = default_k)
        : k_(k)
    {
        if (k < min_k || k > max_k || k % 2 != 0)
            throw std::invalid_argument("quantile_sketch: k must be an even integer in [8, 65536] "
                                        "(got "
                + std::to_string(k) + ")");
    }

    void add(double v)
    {
        if (v != v) {
            ++nan_;
            return;
        }
        if (n_ == 0) {
            min_ = max_ = v;
        } else {
            if (detail::total_less(v, min_))
                min_ = v;
            if (detail::total_less(max_, v))
                max_ = v;
        }
        ++n_;
        if (levels_.empty())
            levels_.emplace_back();
        levels_[0].items.push_back(v);
        if (levels_[0].items.size() >= k_)
            compact();
    }

    /// Fold in a sketch with the same k (std::invalid_argument otherwise).
    void merge(const quantile_sketch& o)
    {
        if (o.k_ != k_)
            throw std::invalid_argument("quantile_sketch.merge: the sketches have different k ("
                + std::to_string(k_) + " and " + std::to_string(o.k_) + ")");
        nan_ += o.nan_;
        if (o.n_ == 0)
            return;
        if (n_ == 0) {
            min_ = o.min_;
            max_ = o.max_;
        } else {
            if (detail::total_less(o.min_, min_))
                min_ = o.min_;
            if (detail::total_less(max_, o.max_))
                max_ = o.max_;
        }
        n_ += o.n_;
        err_ += o.err_;
        if (levels_.size() < o.levels_.size())
            levels_.resize(o.levels_.size());
        for (std::size_t h = 0; h < o.levels_.size(); ++h) {
            auto& a = levels_[h];
            a.items.insert(a.items.end(), o.levels_[h].items.begin(), o.levels_[h].items.end());
            a.odd = a.odd != o.levels_[h].odd;
        }
        compact();
    }

    std::uint64_t k() const noexcept { return k_; }
    /// Values folded in (NaN ones not counted under omit).
    std::uint64_t count(nan_policy p = nan_policy::propagate) const noexcept
    {
        return n_ + (p == nan_policy::omit ? 0 : nan_);
    }
    special_counts specials() const noexcept
    {
        special_counts c;
        c.nan = nan_;
        return c;
    }
    /// The certified bound: |rank(x) - #{values <= x}| <= rank_error() for all x.
    std::uint64_t rank_error() const noexcept { return err_; }
    /// The a priori bound for n values: (n / k) (floor(log2(n / k)) + 1), more
    /// exactly the sum over levels h with k 2^h <= n of floor(n / (k 2^h)) 2^h.
    static std::uint64_t error_bound(std::uint64_t n, std::uint64_t k) noexcept
    {
        std::uint64_t b = 0;
        for (unsigned h = 0; h < 64 && (n >> h) >= k; ++h)
            b += ((n >> h) / k) << h;
        return b;
    }
    /// Values held (the size of the sketch).
    std::size_t retained() const noexcept
    {
        std::size_t r = 0;
        for (const auto& l : levels_)
            r += l.items.size();
        return r;
    }

    double min(nan_policy p = nan_policy::propagate) const
    {
        return detail::nan_result(specials(), p) || n_ == 0 ? detail::quiet_nan : min_;
    }
    double max(nan_policy p = nan_policy::propagate) const
    {
        return detail::nan_result(specials(), p) || n_ == 0 ? detail::quiet_nan : max_;
    }

    /// The sorted values held with their cumulative weights: what rank and
    /// quantile read. Build it once to ask many questions.
    struct view {
        std::vector<double> value;
        std::vector<std::uint64_t> cum; ///< cum[i]: total weight of value[0..i]
        std::uint64_t n = 0;
        double min = 0, max = 0;

        /// Estimated number of values <= x (exact below the minimum and from
        /// the maximum on).
        std::uint64_t rank(double x) const noexcept
        {
            if (n == 0 || x < min)
                return 0;
            if (x >= max)
                return n;
            const auto it = std::upper_bound(value.begin(), value.end(), x);
            return it == value.begin() ? 0 : cum[static_cast<std::size_t>(it - value.begin()) - 1];
        }
        /// Estimate of the value of 0-based rank floor(q (n - 1)) (robstat's
        /// quantile method "lower"); the minimum and maximum are exact.
        double quantile(double q) const
        {
            if (!(q >= 0 && q <= 1))
                throw std::invalid_argument("quantile_sketch.quantile: q must be in [0, 1]");
            if (n == 0)
                return detail::quiet_nan;
            return at_rank(static_cast<std::uint64_t>(std::floor(q * static_cast<double>(n - 1))));
        }
        /// Estimate of the value of 0-based rank j < n: the smallest value held
        /// whose cumulative weight exceeds j, which lies between the exact order
        /// statistics of ranks j - e and j + e (e = rank_error: every value below
        /// it has an estimated rank <= j, so fewer than j + e + 1 true ones).
        double at_rank(std::uint64_t j) const
        {
            if (j == 0)
                return min;
            if (j >= n - 1)
                return max;
            const auto it = std::lower_bound(cum.begin(), cum.end(), j + 1);
            const double v = value[static_cast<std::size_t>(it - cum.begin())];
            return std::clamp(v, min, max);
        }
    };

    /// The view, or an empty one when the NaN policy makes every result NaN
    /// (its quantiles are then NaN; check nan_propagates for rank and cdf).
    view make_view(nan_policy p = nan_policy::propagate) const
    {
        view v;
        if (detail::nan_result(specials(), p))
            return v;
        std::vector<std::pair<double, std::uint64_t>> all;
        all.reserve(retained());
        for (std::size_t h = 0; h < levels_.size(); ++h)
            for (double x : levels_[h].items)
                all.emplace_back(x, std::uint64_t(1) << h);
        std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return detail::total_less(a.first, b.first); });
        std::uint64_t c = 0;
        for (const auto& [x, w] : all) {
            c += w;
            v.value.push_back(x);
            v.cum.push_back(c);
        }
        v.n = n_;
        v.min = min_;
        v.max = max_;
        return v;
    }
    bool nan_propagates(nan_policy p) const { return detail::nan_result(specials(), p); }

    double quantile(double q, nan_policy p = nan_policy::propagate) const
    {
        if (!(q >= 0 && q <= 1))
            throw std::invalid_argument("quantile_sketch.quantile: q must be in [0, 1]");
        return make_view(p).quantile(q);
    }
    /// Estimated number of values <= x (NaN for a NaN x, or when a NaN
    /// propagates); an integer, exact below 2^53.
    double rank(double x, nan_policy p = nan_policy::propagate) const
    {
        if (detail::nan_result(specials(), p) || x != x)
            return detail::quiet_nan;
        return static_cast<double>(make_view(nan_policy::omit).rank(x));
    }
    /// rank(x) / count: NaN when empty or when a NaN propagates.
    double cdf(double x, nan_policy p = nan_policy::propagate) const
    {
        if (detail::nan_result(specials(), p) || n_ == 0 || x != x)
            return detail::quiet_nan;
        return static_cast<double>(make_view(nan_policy::omit).rank(x)) / static_cast<double>(n_);
    }

    std::vector<unsigned char> to_bytes() const
    {
        byte_writer w(type_tag);
        w.u64(k_);
        w.u64(n_);
        w.u64(nan_);
        w.u64(err_);
        w.f64(n_ ? min_ : 0.0);
        w.f64(n_ ? max_ : 0.0);
        const std::size_t levels = used_levels();
        w.u64(levels);
        for (std::size_t h = 0; h < levels; ++h) {
            std::vector<double> items = levels_[h].items;
            std::sort(items.begin(), items.end(), detail::total_less);
            w.u64(levels_[h].odd ? 1 : 0);
            w.u64(items.size());
            for (double x : items)
                w.f64(x);
        }
        return w.finish();
    }
    static quantile_sketch from_bytes(const unsigned char* data, std::size_t size)
    {
        byte_reader r(data, size, type_tag, "quantile_sketch");
        const std::uint64_t k = r.u64();
        if (k < min_k || k > max_k || k % 2 != 0)
            r.fail("k out of range");
        quantile_sketch s(k);
        s.n_ = r.u64();
        s.nan_ = r.u64();
        s.err_ = r.u64();
        s.min_ = r.f64();
        s.max_ = r.f64();
        const std::size_t levels = r.count(16);
        if (levels > 64)
            r.fail("too many levels");
        s.levels_.resize(levels);
        std::uint64_t weight = 0;
        bool weight_ok = true;
        for (std::size_t h = 0; h < levels; ++h) {
            const std::uint64_t odd = r.u64();
            if (odd > 1)
                r.fail("a level's parity is not 0 or 1");
            s.levels_[h].odd = odd == 1;
            const std::size_t m = r.count(8);
            if (m >= k || (h + 1 == levels && m == 0))
                r.fail("a level's size is out of range");
            auto& items = s.levels_[h].items;
            items.reserve(m);
            for (std::size_t i = 0; i < m; ++i) {
                const double x = r.f64();
                if (x != x || (!items.empty() && detail::total_less(x, items.back())))
                    r.fail("a level's values are NaN or not sorted");
                if (s.n_ && (detail::total_less(x, s.min_) || detail::total_less(s.max_, x)))
                    r.fail("a value lies outside [min, max]");
                items.push_back(x);
            }
            if (m && (h >= 64 || (std::uint64_t(m) << h) >> h != m))
                weight_ok = false;
            else if (m) {
                const std::uint64_t add = std::uint64_t(m) << h;
                weight_ok = weight_ok && weight + add >= weight;
                weight += add;
            }
        }
        r.done();
        const bool ok = weight_ok && weight == s.n_
            && (s.n_ == 0
                    ? detail::same_double(s.min_, 0.0) && detail::same_double(s.max_, 0.0)
                        && s.err_ == 0
                    : s.min_ == s.min_ && s.max_ == s.max_ && !detail::total_less(s.max_, s.min_))
            && s.err_ <= error_bound(s.n_, k) && (s.err_ != 0 || levels <= 1);
        if (!ok)
            r.fail("inconsistent state (levels, weights, bounds and counts do not fit)");
        return s;
    }

    /// Equal states: the same parameters, counts, bounds and levels (as multisets).
    friend bool operator==(const quantile_sketch& a, const quantile_sketch& b)
    {
        return a.to_bytes() == b.to_bytes();
    }
    friend bool operator!=(const quantile_sketch& a, const quantile_sketch& b) { return !(a == b); }

private:
    struct level {
        std::vector<double> items;
        bool odd = false; ///< keep odd positions at the next compaction
    };

    std::size_t used_levels() const noexcept
    {
        std::size_t l = levels_.size();
        while (l > 0 && levels_[l - 1].items.empty())
            --l;
        return l;
    }

    /// Compact every level holding k or more values, from the bottom up.
    void compact()
    {
        for (std::size_t h = 0; h < levels_.size(); ++h) {
            if (levels_[h].items.size() < k_)
                continue;
            if (h + 1 == levels_.size())
                levels_.emplace_back(); // before taking references
            auto& b = levels_[h].items;
            std::sort(b.begin(), b.end(), detail::total_less);
            const std::size_t m = b.size() & ~std::size_t(1); // an odd one out (the largest) stays
            auto& up = levels_[h + 1].items;
            for (std::size_t i = levels_[h].odd ? 1 : 0; i < m; i += 2)
                up.push_back(b[i]);
            b.erase(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(m));
            levels_[h].odd = !levels_[h].odd;
            err_ += std::uint64_t(1) << h;
        }
    }

    std::uint64_t k_;
    std::uint64_t n_ = 0, nan_ = 0, err_ = 0;
    double min_ = 0, max_ = 0;
    std::vector<level> levels_;
};

} // namespace robstat::stream
