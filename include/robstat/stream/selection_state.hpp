// The pass-2 state of the exact two-pass selection (docs/streaming.md,
// "Exact order statistics"): for fixed brackets [lo_j, hi_j] (sorted, disjoint)
// it counts the values below the first bracket and above the last, keeps the
// values inside each bracket, and holds the exact sum and count of the values
// strictly between consecutive brackets. Merged over all the parts of the
// data, every rank that falls inside a bracket is known exactly, and so are
// the quantiles, the median and the trimmed and winsorized means whose cut
// ranks do: the same order statistics, and the same formulas (quantile_of,
// median_of), as the single-machine robstat functions. The means are
// correctly rounded (the exact sum of the kept values over their count).
//
// Pass 1 (choosing the brackets from a mergeable summary, e.g. the block
// samples of robstat.dask, or a quantile_sketch and its rank_error) is up to
// the caller; a rank that falls outside every bracket raises
// std::invalid_argument, never a wrong answer.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "robstat/location.hpp"
#include "robstat/stream/quantile_sketch.hpp"
#include "robstat/stream/states.hpp"

namespace robstat::stream {

class selection_state : public updatable<selection_state> {
public:
    static constexpr std::uint16_t type_tag = 4;
    static constexpr std::size_t max_brackets = 1u << 16;

    struct bracket {
        double lo, hi;
    };

    explicit selection_state(std::vector<bracket> brackets)
        : br_(std::move(brackets))
    {
        if (br_.empty() || br_.size() > max_brackets)
            throw std::invalid_argument("selection_state: between 1 and 65536 brackets are needed "
                                        "(got "
                + std::to_string(br_.size()) + ")");
        for (std::size_t j = 0; j < br_.size(); ++j) {
            if (!(br_[j].lo <= br_[j].hi))
                throw std::invalid_argument(
                    "selection_state: each bracket needs lo <= hi (no NaN)");
            if (j && !(br_[j - 1].hi < br_[j].lo))
                throw std::invalid_argument("selection_state: the brackets must be sorted and "
                                            "disjoint (hi of one < lo of the next)");
        }
        inside_.resize(br_.size());
        gaps_.resize(br_.size() - 1);
    }

    void add(double v)
    {
        if (v != v) {
            ++nan_;
            return;
        }
        const auto it = std::lower_bound(
            br_.begin(), br_.end(), v, [](const bracket& b, double x) { return b.hi < x; });
        const auto j = static_cast<std::size_t>(it - br_.begin());
        if (j == br_.size())
            ++above_;
        else if (v >= br_[j].lo)
            inside_[j].push_back(v);
        else if (j == 0)
            ++below_;
        else
            gaps_[j - 1].add(v); // finite: hi_(j-1) < v < lo_j
    }

    /// Fold in a state with the same brackets (std::invalid_argument otherwise).
    void merge(const selection_state& o)
    {
        bool same = o.br_.size() == br_.size();
        for (std::size_t j = 0; same && j < br_.size(); ++j)
            same = detail::same_double(br_[j].lo, o.br_[j].lo)
                && detail::same_double(br_[j].hi, o.br_[j].hi);
        if (!same)
            throw std::invalid_argument(
                "selection_state.merge: the states have different brackets");
        below_ += o.below_;
        above_ += o.above_;
        nan_ += o.nan_;
        for (std::size_t j = 0; j < br_.size(); ++j)
            inside_[j].insert(inside_[j].end(), o.inside_[j].begin(), o.inside_[j].end());
        for (std::size_t g = 0; g < gaps_.size(); ++g)
            gaps_[g].merge(o.gaps_[g]);
    }

    const std::vector<bracket>& brackets() const noexcept { return br_; }
    std::uint64_t count(nan_policy p = nan_policy::propagate) const noexcept
    {
        return size() + (p == nan_policy::omit ? 0 : nan_);
    }
    special_counts specials() const noexcept
    {
        special_counts c;
        c.nan = nan_;
        return c;
    }
    std::uint64_t below() const noexcept { return below_; }
    std::uint64_t above() const noexcept { return above_; }
    std::size_t inside(std::size_t j) const noexcept { return inside_[j].size(); }
    std::uint64_t between(std::size_t g) const noexcept { return gaps_[g].n; }

    /// The known order statistics: sorted runs with their first rank. Has the
    /// interface of order_statistics (size, select), so quantile_of and
    /// median_of read it as they read the data on one machine.
    struct ranks {
        std::uint64_t n = 0;
        std::vector<std::uint64_t> start;
        std::vector<std::vector<double>> run;
        const selection_state* s = nullptr;

        std::size_t size() const noexcept { return static_cast<std::size_t>(n); }
        /// The run holding rank k; std::invalid_argument when none does.
        std::size_t run_of(std::uint64_t k) const
        {
            for (std::size_t j = 0; j < run.size(); ++j)
                if (k >= start[j] && k - start[j] < run[j].size())
                    return j;
            throw std::invalid_argument("selection_state: rank " + std::to_string(k) + " of "
                + std::to_string(n) + " lies outside every bracket (widen the brackets)");
        }
        double select(std::size_t k) const
        {
            const std::size_t j = run_of(k);
            return run[j][k - start[j]];
        }
        bool covers(std::uint64_t k) const noexcept
        {
            for (std::size_t j = 0; j < run.size(); ++j)
                if (k >= start[j] && k - start[j] < run[j].size())
                    return true;
            return false;
        }
        /// c_lo copies of the value of rank a, the values of ranks a..b, and
        /// c_hi copies of the value of rank b, added exactly to acc; the
        /// infinities among them counted in inf.
        void add_ranks(std::uint64_t a, std::uint64_t b, std::uint64_t c_lo, std::uint64_t c_hi,
            product_accumulator& acc, special_counts& inf) const
        {
            const std::size_t i = run_of(a), j = run_of(b);
            auto put = [&](double v, std::uint64_t times) {
                if (times == 0)
                    return;
                if (std::isfinite(v))
                    detail::add_times_count(acc, v, times);
                else if (v > 0)
                    inf.pos_inf += times;
                else
                    inf.neg_inf += times;
            };
            put(select(a), c_lo);
            put(select(b), c_hi);
            for (std::size_t r = i; r <= j; ++r) {
                const std::uint64_t from = r == i ? a - start[r] : 0;
                const std::uint64_t to = r == j ? b - start[r] : run[r].size() - 1;
                for (std::uint64_t t = from; t <= to; ++t)
                    put(run[r][t], 1);
                if (r < j)
                    s->gaps_[r].for_each_part(
                        [&](double d, int e) { acc.add(d, e); }); // finite values
            }
        }
    };

    ranks known_ranks() const
    {
        ranks k;
        k.s = this;
        std::uint64_t at = below_;
        for (std::size_t j = 0; j < br_.size(); ++j) {
            std::vector<double> r = inside_[j];
            std::sort(r.begin(), r.end(), detail::total_less);
            k.start.push_back(at);
            at += r.size() + (j < gaps_.size() ? gaps_[j].n : 0);
            k.run.push_back(std::move(r));
        }
        k.n = at + above_;
        return k;
    }

    /// The value of 0-based rank k among the non-NaN values.
    double order_statistic(std::uint64_t k, nan_policy p = nan_policy::propagate) const
    {
        if (detail::nan_result(specials(), p))
            return detail::quiet_nan;
        if (k >= size())
            throw std::invalid_argument("selection_state.order_statistic: rank " + std::to_string(k)
                + " is not below the count " + std::to_string(size()));
        return known_ranks().select(static_cast<std::size_t>(k));
    }
    /// As robstat::quantile(x, q, method) (NaN when empty).
    double quantile(double q, quantile_method m = quantile_method::linear,
        nan_policy p = nan_policy::propagate) const
    {
        robstat::detail::validate_probability(q, "q");
        if (detail::nan_result(specials(), p) || size() == 0)
            return detail::quiet_nan;
        auto k = known_ranks();
        return robstat::detail::quantile_of(k, q, m);
    }
    double median(nan_policy p = nan_policy::propagate) const
    {
        if (detail::nan_result(specials(), p) || size() == 0)
            return detail::quiet_nan;
        auto k = known_ranks();
        return robstat::detail::median_of(k);
    }
    /// As robstat::trimmed_mean(x, trim), correctly rounded: floor(p n) values
    /// cut from each tail (trim 0.5: the median).
    double trimmed_mean(trim_spec t = 0.1, nan_policy p = nan_policy::propagate) const
    {
        robstat::detail::validate_trim(t, "trim", true);
        if (detail::nan_result(specials(), p) || size() == 0)
            return detail::quiet_nan;
        if (t.is_median())
            return median(p);
        const std::uint64_t n = size();
        if (!robstat::detail::trim_keeps_some(t, static_cast<std::size_t>(n)))
            return detail::quiet_nan;
        const std::uint64_t g_lo = robstat::detail::tail_lo(t, static_cast<std::size_t>(n));
        const std::uint64_t g_hi = robstat::detail::tail_hi(t, static_cast<std::size_t>(n));
        return mean_of(g_lo, n - 1 - g_hi, 0, 0, n - g_lo - g_hi);
    }
    /// As robstat::winsorized_mean(x, limits), correctly rounded.
    double winsorized_mean(trim_spec t = 0.1, nan_policy p = nan_policy::propagate) const
    {
        robstat::detail::validate_trim(t, "limits", false);
        if (detail::nan_result(specials(), p) || size() == 0)
            return detail::quiet_nan;
        const std::uint64_t n = size();
        if (!robstat::detail::trim_keeps_some(t, static_cast<std::size_t>(n)))
            return detail::quiet_nan;
        const std::uint64_t g_lo = robstat::detail::tail_lo(t, static_cast<std::size_t>(n));
        const std::uint64_t g_hi = robstat::detail::tail_hi(t, static_cast<std::size_t>(n));
        return mean_of(g_lo, n - 1 - g_hi, g_lo, g_hi, n);
    }

    std::vector<unsigned char> to_bytes() const
    {
        byte_writer w(type_tag);
        write_fields(w);
        return w.finish();
    }
    static selection_state from_bytes(const unsigned char* data, std::size_t size)
    {
        byte_reader r(data, size, type_tag, "selection_state");
        selection_state s = read_fields(r);
        r.done();
        return s;
    }
    /// The fields of the byte format, also the tail of mad_state's.
    void write_fields(byte_writer& w) const
    {
        w.u64(br_.size());
        for (const auto& b : br_) {
            w.f64(b.lo);
            w.f64(b.hi);
        }
        w.u64(below_);
        w.u64(above_);
        w.u64(nan_);
        for (const auto& in : inside_) {
            std::vector<double> r = in;
            std::sort(r.begin(), r.end(), detail::total_less);
            w.u64(r.size());
            for (double v : r)
                w.f64(v);
        }
        for (const auto& g : gaps_) {
            w.u64(g.n);
            w.accumulator(g.sum);
        }
    }
    static selection_state read_fields(byte_reader& r)
    {
        const std::size_t nb = r.count(16);
        if (nb == 0 || nb > max_brackets)
            r.fail("bracket count out of range");
        std::vector<bracket> br(nb);
        for (auto& b : br) {
            b.lo = r.f64();
            b.hi = r.f64();
        }
        selection_state s = [&] {
            try {
                return selection_state(std::move(br));
            } catch (const std::invalid_argument&) {
                r.fail("the brackets are not sorted, disjoint intervals");
            }
        }();
        s.below_ = r.u64();
        s.above_ = r.u64();
        s.nan_ = r.u64();
        for (std::size_t j = 0; j < nb; ++j) {
            const std::size_t m = r.count(8);
            auto& in = s.inside_[j];
            in.reserve(m);
            for (std::size_t i = 0; i < m; ++i) {
                const double v = r.f64();
                if (!(v >= s.br_[j].lo && v <= s.br_[j].hi)
                    || (!in.empty() && detail::total_less(v, in.back())))
                    r.fail("a bracket's values are outside it or not sorted");
                in.push_back(v);
            }
        }
        for (auto& g : s.gaps_) {
            g.n = r.u64();
            r.accumulator(g.sum);
            if (g.n == 0 && !g.sum.is_zero())
                r.fail("a gap holds a sum but no values");
        }
        std::uint64_t total = s.below_, prev = total;
        bool ok = (total += s.above_) >= prev;
        for (std::size_t j = 0; ok && j < nb; ++j) {
            prev = total;
            ok = (total += s.inside_[j].size()) >= prev;
            if (ok && j < s.gaps_.size()) {
                prev = total;
                ok = (total += s.gaps_[j].n) >= prev;
            }
        }
        prev = total;
        if (!ok || (total += s.nan_) < prev)
            r.fail("counts overflow");
        return s;
    }
    friend bool operator==(const selection_state& a, const selection_state& b)
    {
        return a.to_bytes() == b.to_bytes();
    }
    friend bool operator!=(const selection_state& a, const selection_state& b) { return !(a == b); }

private:
    struct gap {
        sum_accumulator sum;
        std::uint64_t n = 0;
        void add(double v)
        {
            sum.add(v);
            ++n;
        }
        void merge(const gap& o)
        {
            sum.add(o.sum);
            n += o.n;
        }
        template <class F> void for_each_part(F&& f) const { sum.for_each_part(f); }
    };

    std::uint64_t size() const noexcept
    {
        std::uint64_t n = below_ + above_;
        for (std::size_t j = 0; j < br_.size(); ++j)
            n += inside_[j].size() + (j < gaps_.size() ? gaps_[j].n : 0);
        return n;
    }

    /// (c_lo x_(a) + x_(a) + ... + x_(b) + c_hi x_(b)) / count, correctly rounded.
    double mean_of(std::uint64_t a, std::uint64_t b, std::uint64_t c_lo, std::uint64_t c_hi,
        std::uint64_t count) const
    {
        const ranks k = known_ranks();
        product_accumulator acc;
        special_counts inf;
        k.add_ranks(a, b, c_lo, c_hi, acc, inf);
        if (inf.has_inf())
            return inf.inf_sum();
        return detail::rounded_quotient(acc, count);
    }

    std::vector<bracket> br_;
    std::vector<std::vector<double>> inside_;
    std::vector<gap> gaps_;
    std::uint64_t below_ = 0, above_ = 0, nan_ = 0;
};

/// Brackets, from pass 1's sketch of the same values, that hold the values of
/// the given 0-based ranks (among the non-NaN values): [v(k - e), v(k + e)]
/// with v the sketch's at_rank and e its certified rank_error, clamped to
/// [0, n - 1] (the exact min and max), overlapping ones joined. The selection
/// state of pass 2 then knows every one of those ranks exactly.
inline std::vector<selection_state::bracket> brackets_for_ranks(
    const quantile_sketch& sketch, std::vector<std::uint64_t> ranks)
{
    const quantile_sketch::view v = sketch.make_view(nan_policy::omit);
    if (v.n == 0)
        throw std::invalid_argument("brackets_for_ranks: the sketch holds no value");
    const std::uint64_t e = sketch.rank_error();
    std::sort(ranks.begin(), ranks.end());
    std::vector<selection_state::bracket> out;
    for (const std::uint64_t k : ranks) {
        if (k >= v.n)
            throw std::invalid_argument("brackets_for_ranks: rank " + std::to_string(k)
                + " is not below the count " + std::to_string(v.n));
        const double lo = v.at_rank(k > e ? k - e : 0);
        const double hi = v.at_rank(k + e < v.n - 1 ? k + e : v.n - 1);
        if (!out.empty() && !(out.back().hi < lo))
            out.back().hi = std::max(out.back().hi, hi);
        else
            out.push_back({ lo, hi });
    }
    return out;
}

} // namespace robstat::stream
