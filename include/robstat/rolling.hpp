// Rolling (moving-window) robust statistics: median, quantile, trimmed mean,
// MAD and the Hampel filter (rolling robust z-scores with outlier flags).
//
// Window and NaN conventions follow pandas' Series.rolling(window, min_periods,
// center): output t covers inputs [t - L, t + R] with R = (window - 1) / 2 when
// centred (0 otherwise) and L = window - 1 - R, clipped to the input; NaN values
// are skipped and count against min_periods; an output whose window holds fewer
// than min_periods values is NaN. docs/rolling.md has the definitions.
//
// The engine (docs/rolling.md, "Algorithm"): the lane is cut into blocks of
// b >= window values; each block is sorted once, and the windows of the outputs
// [k b, (k+1) b) lie inside the union of two consecutive blocks, whose merge is
// the "universe" of M <= 2b sorted slots. A window is a set of occupied slots,
// kept in a hierarchical bitset (64-ary); an order statistic is a cursor on that
// bitset, moved by O(1) slots per step (one value enters, one leaves). The
// trimmed mean adds a segment tree of double-double sums over the slots; the
// MAD adds a Fenwick tree of counts (select by rank) and finds the median of
// |x - m| as the k-th smallest of two sorted sequences by binary search.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "robstat/core/types.hpp"
#include "robstat/core/validate.hpp"
#include "robstat/location.hpp"
#include "robstat/scale.hpp"

namespace robstat {

/// Options of the rolling functions.
struct rolling_options {
    /// Fewest non-NaN values a window needs for a result (else NaN): -1 means
    /// the window (pandas' default); 0 is accepted and acts as 1 (an empty
    /// window has no median).
    std::ptrdiff_t min_periods = -1;
    /// Centre the window on each output (pandas' center=True), else trailing.
    bool center = false;
    /// omit (pandas: skip NaN, they count against min_periods), propagate (a
    /// window holding a NaN gives NaN), raise (any NaN in the input throws).
    nan_policy nan = nan_policy::omit;
};

namespace detail {

    /// Window geometry, validated: output t covers inputs [t - left, t + right].
    struct rolling_params {
        std::size_t window = 1;
        std::size_t min_periods = 1; ///< effective, in [1, window]
        bool center = false;
    };

    /// The parameters as the dispatch boundary passes them (already validated).
    inline rolling_params rolling_params_of(
        std::size_t window, std::size_t min_periods, int center) noexcept
    {
        rolling_params rp;
        rp.window = window;
        rp.min_periods = std::max<std::size_t>(min_periods, 1);
        rp.center = center != 0;
        return rp;
    }

    inline void validate_window(std::size_t window)
    {
        if (window < 1)
            throw std::invalid_argument("window must be >= 1 (got 0)");
    }

    /// min_periods: -1 for the window, else in [0, window]; returns the effective value.
    inline std::size_t validate_min_periods(std::ptrdiff_t min_periods, std::size_t window)
    {
        if (min_periods < 0) {
            if (min_periods == -1)
                return window;
            throw std::invalid_argument(
                "min_periods must be in [0, window] (got " + std::to_string(min_periods) + ")");
        }
        if (static_cast<std::size_t>(min_periods) > window)
            throw std::invalid_argument("min_periods must be in [0, window] (got min_periods="
                + std::to_string(min_periods) + ", window=" + std::to_string(window) + ")");
        return std::max<std::size_t>(static_cast<std::size_t>(min_periods), 1);
    }

    inline rolling_params make_rolling_params(
        std::size_t window, std::ptrdiff_t min_periods, bool center)
    {
        validate_window(window);
        rolling_params rp;
        rp.window = window;
        rp.min_periods = validate_min_periods(min_periods, window);
        rp.center = center;
        return rp;
    }

    /// Rolling trimming: proportions with lower, upper >= 0 and lower + upper < 1
    /// (so 0 <= trim < 0.5 when symmetric); counts are not supported.
    inline void validate_rolling_trim(const trim_spec& t)
    {
        if (t.by_count)
            throw std::invalid_argument("trim: rolling_trimmed_mean takes proportions, not counts");
        validate_trim(t, "trim", false);
    }

    // ---- the occupancy of the sorted slots: a 64-ary hierarchical bitset --------

    inline int ctz64(std::uint64_t v) noexcept
    {
        return __builtin_ctzll(v);
    }
    inline int msb64(std::uint64_t v) noexcept
    {
        return 63 - __builtin_clzll(v);
    }

    /// Set of slots in [0, M): set/clear, and the next/previous member of any
    /// slot, in O(log_64 M) word operations.
    class slot_set {
    public:
        static constexpr std::size_t npos = static_cast<std::size_t>(-1);

        void reset(std::size_t m)
        {
            n_levels_ = 0;
            std::size_t bits = std::max<std::size_t>(m, 1);
            do {
                const std::size_t words = (bits + 63) / 64;
                if (levels_.size() <= n_levels_)
                    levels_.emplace_back();
                levels_[n_levels_].assign(words, 0);
                ++n_levels_;
                bits = words;
            } while (bits > 1);
        }

        bool test(std::size_t i) const noexcept { return (levels_[0][i >> 6] >> (i & 63)) & 1u; }

        void set(std::size_t i) noexcept
        {
            for (std::size_t l = 0; l < n_levels_; ++l) {
                std::uint64_t& w = levels_[l][i >> 6];
                const bool was_empty = w == 0;
                w |= std::uint64_t(1) << (i & 63);
                if (!was_empty)
                    return;
                i >>= 6;
            }
        }

        void clear(std::size_t i) noexcept
        {
            for (std::size_t l = 0; l < n_levels_; ++l) {
                std::uint64_t& w = levels_[l][i >> 6];
                w &= ~(std::uint64_t(1) << (i & 63));
                if (w != 0)
                    return;
                i >>= 6;
            }
        }

        /// Smallest member >= i, or npos.
        std::size_t next(std::size_t i) const noexcept
        {
            std::size_t l = 0;
            for (;; ++l) {
                if (l == n_levels_)
                    return npos;
                const std::size_t wi = i >> 6;
                if (wi >= levels_[l].size())
                    return npos;
                const std::uint64_t m = levels_[l][wi] & (~std::uint64_t(0) << (i & 63));
                if (m) {
                    i = (wi << 6) | static_cast<std::size_t>(ctz64(m));
                    break;
                }
                i = wi + 1;
            }
            while (l-- > 0)
                i = (i << 6) | static_cast<std::size_t>(ctz64(levels_[l][i]));
            return i;
        }

        /// Largest member <= i, or npos.
        std::size_t prev(std::size_t i) const noexcept
        {
            if (i == npos)
                return npos;
            std::size_t l = 0;
            for (;; ++l) {
                if (l == n_levels_)
                    return npos;
                const std::size_t wi = i >> 6;
                const std::uint64_t m = levels_[l][wi] & (~std::uint64_t(0) >> (63 - (i & 63)));
                if (m) {
                    i = (wi << 6) | static_cast<std::size_t>(msb64(m));
                    break;
                }
                if (wi == 0)
                    return npos;
                i = wi - 1;
            }
            while (l-- > 0)
                i = (i << 6) | static_cast<std::size_t>(msb64(levels_[l][i]));
            return i;
        }

    private:
        std::vector<std::vector<std::uint64_t>> levels_;
        std::size_t n_levels_ = 0;
    };

    /// An order statistic that follows the window: slot p and the number of
    /// members below it. Each step moves it by O(1) members (amortised).
    struct rank_cursor {
        std::size_t p = 0;
        std::size_t below = 0; ///< members of the set in [0, p)

        void reset() noexcept { p = below = 0; }
        void on_insert(std::size_t r) noexcept { below += r < p; }
        void on_erase(std::size_t r) noexcept { below -= r < p; }

        /// Slot of the k-th smallest member (0-based); the set holds more than k.
        std::size_t seek(const slot_set& s, std::size_t k) noexcept
        {
            while (below > k) {
                p = s.prev(p - 1);
                --below;
            }
            p = s.next(p);
            while (below < k) {
                p = s.next(p + 1);
                ++below;
            }
            return p;
        }
    };

    /// The order statistics of the current window through a cursor, in the
    /// interface of order_statistics (size, select), so median_of and
    /// quantile_of give exactly what robstat::median / robstat::quantile give.
    template <class W> struct window_order {
        const slot_set& set;
        const W* values;
        rank_cursor& cur;
        std::size_t n;
        std::size_t size() const noexcept { return n; }
        W select(std::size_t k) noexcept { return values[cur.seek(set, k)]; }
    };

    /// Median of the window (as median_of: the midpoint of the two middle values
    /// for an even count) with one cursor seek.
    template <class State> auto window_median(const State& st, rank_cursor& cur)
    {
        const std::size_t c = st.count;
        const std::size_t p = cur.seek(st.set, (c - 1) / 2);
        if (c % 2 == 1)
            return st.values[p];
        return midpoint(st.values[p], st.values[st.set.next(p + 1)]);
    }

    /// Counts per slot with select-by-rank (a Fenwick tree).
    class slot_counts {
    public:
        void build(const slot_set& s, std::size_t m)
        {
            m_ = m;
            tree_.assign(m + 1, 0);
            for (std::size_t i = 1; i <= m; ++i) {
                tree_[i] += s.test(i - 1) ? 1 : 0;
                const std::size_t j = i + (i & (~i + 1));
                if (j <= m)
                    tree_[j] += tree_[i];
            }
            top_ = 1;
            while (top_ * 2 <= m)
                top_ *= 2;
        }
        void add(std::size_t slot, std::int32_t d) noexcept
        {
            for (std::size_t i = slot + 1; i <= m_; i += i & (~i + 1))
                tree_[i] += d;
        }
        /// Slot of the k-th smallest member (0-based; there are more than k).
        std::size_t select(std::size_t k) const noexcept
        {
            std::size_t pos = 0;
            auto rest = static_cast<std::int32_t>(k);
            for (std::size_t step = top_; step > 0; step >>= 1) {
                const std::size_t nx = pos + step;
                if (nx <= m_ && tree_[nx] <= rest) {
                    pos = nx;
                    rest -= tree_[nx];
                }
            }
            return pos; // (1-based pos + 1) - 1
        }

    private:
        std::vector<std::int32_t> tree_;
        std::size_t m_ = 0, top_ = 1;
    };

    /// Error-free transformation: a + b = s + e exactly.
    inline void two_sum(double a, double b, double& s, double& e) noexcept
    {
        s = a + b;
        const double bb = s - a;
        e = (a - (s - bb)) + (b - bb);
    }

    /// Sums of the values of occupied slots over ranges of slots: a segment tree
    /// whose every node is RECOMPUTED from its two children (never updated by
    /// adding and subtracting), in double-double. A node's sum therefore depends
    /// only on the values present now: a huge value that entered and left the
    /// window leaves no trace, and a range sum is accurate to about one rounding
    /// of the result (docs/rolling.md, "Accuracy").
    class slot_sums {
    public:
        template <class W> void build(const slot_set& s, const W* v, std::size_t m)
        {
            size_ = 1;
            while (size_ < m)
                size_ *= 2;
            hi_.assign(2 * size_, 0.0);
            lo_.assign(2 * size_, 0.0);
            for (std::size_t i = 0; i < m; ++i)
                if (s.test(i))
                    hi_[size_ + i] = static_cast<double>(v[i]);
            for (std::size_t i = size_; i-- > 1;)
                combine(i);
        }
        void put(std::size_t slot, double v) noexcept
        {
            std::size_t i = size_ + slot;
            hi_[i] = v;
            lo_[i] = 0.0;
            for (i >>= 1; i > 0; i >>= 1)
                combine(i);
        }
        /// Sum over slots [a, b] (inclusive), rounded once at the end.
        double sum(std::size_t a, std::size_t b) const noexcept
        {
            double sh = 0.0, sl = 0.0;
            auto acc = [&](std::size_t i) {
                double s, e;
                two_sum(sh, hi_[i], s, e);
                sh = s;
                sl += e + lo_[i];
            };
            for (std::size_t l = a + size_, r = b + size_ + 1; l < r; l >>= 1, r >>= 1) {
                if (l & 1)
                    acc(l++);
                if (r & 1)
                    acc(--r);
            }
            return sh + sl;
        }

    private:
        void combine(std::size_t i) noexcept
        {
            double s, e;
            two_sum(hi_[2 * i], hi_[2 * i + 1], s, e);
            e += lo_[2 * i] + lo_[2 * i + 1];
            const double h = s + e; // renormalise (fast two-sum: |s| >= |e| up to rounding)
            lo_[i] = e - (h - s);
            hi_[i] = h;
        }
        std::vector<double> hi_, lo_;
        std::size_t size_ = 1;
    };

    // ---- the driver ----------------------------------------------------------------

    /// One lane's sliding state: the universe of sorted slots of the current
    /// chunk, the window's occupied slots, its counts.
    template <class W> struct rolling_state {
        std::vector<W> values; ///< sorted values of the universe, by slot
        slot_set set;          ///< the window's slots
        std::size_t count = 0; ///< non-NaN values in the window
        std::size_t nans = 0;  ///< NaN values in the window
    };

    template <class W> struct rolling_item {
        W v;
        std::uint32_t i; ///< index relative to the universe's first input
    };

    /// Runs of at most this many values are sorted by counting ranks (branch-free,
    /// vectorised comparisons, n^2 / 2 of them); longer blocks merge such runs.
    /// Measured crossovers against std::sort: ~190 values with AVX2 / AVX-512
    /// vectors, ~64 with SSE2's two doubles.
#if defined(__AVX2__) || defined(__AVX512F__)
    inline constexpr std::size_t rolling_count_sort_max = 192;
#else
    inline constexpr std::size_t rolling_count_sort_max = 64;
#endif

    /// The n <= rolling_count_sort_max values v (no NaN) with their indices,
    /// sorted by value into dst (ties in index order): the rank of i is
    /// #{j < i: v_j <= v_i} + #{j > i: v_j < v_i}, distinct for every i.
    template <class W>
    void count_sort_items(
        const W* v, const std::uint32_t* idx, std::size_t n, rolling_item<W>* dst) noexcept
    {
        for (std::size_t i = 0; i < n; ++i) {
            const W vi = v[i];
            std::size_t r = 0;
            for (std::size_t j = 0; j < i; ++j)
                r += v[j] <= vi;
            for (std::size_t j = i + 1; j < n; ++j)
                r += v[j] < vi;
            dst[r] = { vi, idx[i] };
        }
    }

    /// Branch-free merge of two sorted runs (ties: A first).
    template <class W>
    void merge_runs(const rolling_item<W>* A, std::size_t na, const rolling_item<W>* B,
        std::size_t nb, rolling_item<W>* out) noexcept
    {
        std::size_t a = 0, b = 0, m = 0;
        while (a < na && b < nb) {
            const bool take_a = !(B[b].v < A[a].v);
            out[m++] = take_a ? A[a] : B[b];
            a += take_a;
            b += !take_a;
        }
        while (a < na)
            out[m++] = A[a++];
        while (b < nb)
            out[m++] = B[b++];
    }

    /// The n values v (no NaN) with their indices, sorted by value into dst:
    /// runs sorted by counting, then bottom-up merges (tmp: scratch).
    template <class W>
    void sort_items(const W* v, const std::uint32_t* idx, std::size_t n,
        std::vector<rolling_item<W>>& dst, std::vector<rolling_item<W>>& tmp)
    {
        dst.resize(n);
        const std::size_t run = rolling_count_sort_max;
        for (std::size_t s = 0; s < n; s += run)
            count_sort_items(v + s, idx + s, std::min(run, n - s), dst.data() + s);
        if (n <= run)
            return;
        tmp.resize(n);
        rolling_item<W>* src = dst.data();
        rolling_item<W>* out = tmp.data();
        for (std::size_t width = run; width < n; width *= 2) {
            for (std::size_t s = 0; s < n; s += 2 * width) {
                const std::size_t mid = std::min(s + width, n), e = std::min(s + 2 * width, n);
                merge_runs(src + s, mid - s, src + mid, e - mid, out + s);
            }
            std::swap(src, out);
        }
        if (src != dst.data())
            std::copy(src, src + n, dst.data());
    }

    /// Merge two sorted item lists: the values into `values`, each item's slot
    /// into slot_of[item.i] (a branch-free merge).
    template <class W>
    void merge_items(const std::vector<rolling_item<W>>& A, const std::vector<rolling_item<W>>& B,
        W* values, std::uint32_t* slot_of)
    {
        const std::size_t na = A.size(), nb = B.size();
        std::size_t a = 0, b = 0, m = 0;
        while (a < na && b < nb) {
            const bool take_a = !(B[b].v < A[a].v);
            const rolling_item<W> it = take_a ? A[a] : B[b];
            a += take_a;
            b += !take_a;
            values[m] = it.v;
            slot_of[it.i] = static_cast<std::uint32_t>(m);
            ++m;
        }
        for (; a < na; ++a, ++m) {
            values[m] = A[a].v;
            slot_of[A[a].i] = static_cast<std::uint32_t>(m);
        }
        for (; b < nb; ++b, ++m) {
            values[m] = B[b].v;
            slot_of[B[b].i] = static_cast<std::uint32_t>(m);
        }
    }

    /// Runs `stat` over the lane: stat.reset(state) after a new universe is
    /// built, stat.build(state) once the chunk's first window is in place,
    /// stat.insert / stat.erase(state, slot) for each value entering / leaving,
    /// and stat.value(state, t) for output t whenever the window qualifies.
    template <class T, class W, class Stat>
    void rolling_run(strided_span<const T> x, const rolling_params& rp, nan_policy p, W* out,
        Stat& stat, workspace<W>& ws)
    {
        using I = std::ptrdiff_t;
        const std::size_t n = x.size;
        ws.n_used = n; // rolling outputs are never "small": NaN comes from min_periods
        if (n == 0)
            return;
        if (rp.window < 1)
            throw std::invalid_argument("window must be >= 1 (got 0)");
        if constexpr (std::is_floating_point_v<T>) {
            if (p == nan_policy::raise)
                for (std::size_t i = 0; i < n; ++i)
                    if (x[i] != x[i])
                        throw_nan_found();
        }
        const std::size_t r0 = rp.center ? (rp.window - 1) / 2 : 0;
        const std::size_t l0 = rp.window - 1 - r0;
        const I N = static_cast<I>(n);
        const I L = static_cast<I>(std::min(l0, n));
        const I R = static_cast<I>(std::min(r0, n));
        const I B = std::max<I>(L + R + 1, 32); // block size >= the window's span
        if (static_cast<std::uint64_t>(B) > (std::uint64_t(1) << 30))
            throw std::length_error("rolling: a window spanning more than 2^30 values is not "
                                    "supported (indices are 32-bit)");
        const bool propagate = p == nan_policy::propagate;
        const std::size_t min_periods = rp.min_periods;

        rolling_state<W> st;
        std::vector<rolling_item<W>> prev, cur, sort_tmp;
        std::vector<std::uint32_t> slot_of, block_idx;
        constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();

        // block k holds inputs [k B - L, (k + 1) B - L); its items carry indices
        // relative to `origin`
        std::vector<W> vals;
        auto sort_block = [&](I k, I origin, std::vector<rolling_item<W>>& dst) {
            const I a = std::max<I>(0, k * B - L), z = std::min<I>(N, (k + 1) * B - L);
            vals.clear();
            std::vector<std::uint32_t>& idx = block_idx;
            idx.clear();
            for (I i = a; i < z; ++i) {
                const W v = static_cast<W>(x[static_cast<std::size_t>(i)]);
                if (!(v != v)) {
                    vals.push_back(v);
                    idx.push_back(static_cast<std::uint32_t>(i - origin));
                }
            }
            sort_items(vals.data(), idx.data(), vals.size(), dst, sort_tmp);
        };

        I origin = std::max<I>(0, -L);
        sort_block(0, origin, prev);
        for (I k = 0; k * B < N; ++k) {
            const I s = k * B, e = std::min(N, s + B);
            // the universe: inputs [base, end) = blocks k and k + 1
            const I base = std::max<I>(0, s - L);
            const I end = std::min<I>(N, s + 2 * B - L);
            if (base != origin) { // re-base block k's indices (origin was the previous base)
                for (auto& it : prev)
                    it.i = static_cast<std::uint32_t>(static_cast<I>(it.i) + origin - base);
                origin = base;
            }
            sort_block(k + 1, base, cur);
            const std::size_t span = static_cast<std::size_t>(end - base);
            slot_of.assign(span, none);
            st.values.resize(prev.size() + cur.size());
            merge_items(prev, cur, st.values.data(), slot_of.data());
            const std::size_t M = st.values.size();
            st.set.reset(M);
            st.count = st.nans = 0;
            stat.reset(st);
            // the first window of the chunk, then the bulk build
            const I f0 = std::max<I>(0, s - L), f1 = std::min<I>(N - 1, s + R);
            for (I i = f0; i <= f1; ++i) {
                const std::uint32_t r = slot_of[static_cast<std::size_t>(i - base)];
                if (r == none) {
                    ++st.nans;
                } else {
                    st.set.set(r);
                    ++st.count;
                }
            }
            stat.build(st);
            for (I t = s; t < e; ++t) {
                if (t > s) {
                    const I ai = t + R;
                    if (ai < N) {
                        const std::uint32_t r = slot_of[static_cast<std::size_t>(ai - base)];
                        if (r == none) {
                            ++st.nans;
                        } else {
                            st.set.set(r);
                            ++st.count;
                            stat.insert(st, r);
                        }
                    }
                    const I ri = t - L - 1;
                    if (ri >= 0) {
                        const std::uint32_t r = slot_of[static_cast<std::size_t>(ri - base)];
                        if (r == none) {
                            --st.nans;
                        } else {
                            st.set.clear(r);
                            --st.count;
                            stat.erase(st, r);
                        }
                    }
                }
                const bool ok = st.count >= min_periods && !(propagate && st.nans > 0);
                out[t] = ok ? stat.value(st, static_cast<std::size_t>(t)) : quiet_nan<W>();
            }
            std::swap(prev, cur);
        }
    }

    // ---- the statistics ------------------------------------------------------------

    /// Quantile q by `method` (or the median, as robstat::median, when median).
    template <class W> struct rolling_quantile_stat {
        double q = 0.5;
        quantile_method method = quantile_method::linear;
        bool median = true;
        rank_cursor cur;

        void reset(rolling_state<W>&) { cur.reset(); }
        void build(rolling_state<W>&) { }
        void insert(rolling_state<W>&, std::size_t r) { cur.on_insert(r); }
        void erase(rolling_state<W>&, std::size_t r) { cur.on_erase(r); }
        W value(rolling_state<W>& st, std::size_t)
        {
            if (median)
                return window_median(st, cur);
            window_order<W> os { st.set, st.values.data(), cur, st.count };
            return static_cast<W>(quantile_of(os, q, method));
        }
    };

    /// Trimmed mean: g_lo = floor(lower c) and g_hi = floor(upper c) of the c
    /// values cut, the rest averaged from the double-double slot sums.
    template <class W> struct rolling_trimmed_stat {
        trim_spec trim { 0.1 };
        rank_cursor first, last;
        slot_sums sums;

        void reset(rolling_state<W>&)
        {
            first.reset();
            last.reset();
        }
        void build(rolling_state<W>& st) { sums.build(st.set, st.values.data(), st.values.size()); }
        void insert(rolling_state<W>& st, std::size_t r)
        {
            first.on_insert(r);
            last.on_insert(r);
            sums.put(r, static_cast<double>(st.values[r]));
        }
        void erase(rolling_state<W>&, std::size_t r)
        {
            first.on_erase(r);
            last.on_erase(r);
            sums.put(r, 0.0);
        }
        W value(rolling_state<W>& st, std::size_t)
        {
            const std::size_t c = st.count;
            const std::size_t glo = tail_lo(trim, c), ghi = tail_hi(trim, c);
            if (glo + ghi >= c)
                return quiet_nan<W>();
            const std::size_t kept = c - glo - ghi;
            const std::size_t a = first.seek(st.set, glo);
            const std::size_t b = last.seek(st.set, c - ghi - 1);
            const double s = sums.sum(a, b);
            if (std::isfinite(s))
                return static_cast<W>(s / static_cast<double>(kept));
            // an infinite value (the IEEE sum of the infinities), or finite values
            // whose sum overflows (summed again scaled by 2^-64, as robstat's means)
            double inf_sum = 0.0;
            bool any_inf = false;
            for (std::size_t i = a; i != slot_set::npos && i <= b; i = st.set.next(i + 1)) {
                const double v = static_cast<double>(st.values[i]);
                if (std::isinf(v)) {
                    any_inf = true;
                    inf_sum += v;
                }
            }
            if (any_inf)
                return static_cast<W>(inf_sum);
            return static_cast<W>(mean_with_overflow_guard(
                [&](double scale) {
                    double sh = 0.0, sl = 0.0;
                    for (std::size_t i = a; i != slot_set::npos && i <= b; i = st.set.next(i + 1)) {
                        double t, er;
                        two_sum(sh, static_cast<double>(st.values[i]) * scale, t, er);
                        sh = t;
                        sl += er;
                    }
                    return sh + sl;
                },
                kept));
        }
    };

    /// Median and raw MAD of the window (the MAD as robstat::mad(x, 1.0) computes
    /// it: the median of fl(|x - m|)).
    template <class W> struct rolling_mad_core {
        rank_cursor cur;    ///< the median
        rank_cursor ca, cb; ///< the last probes below and above the median
        slot_counts counts; ///< select by rank when a probe is far away
        std::size_t last_i[2] = { 0, 0 };

        /// Probes near the previous answer walk the cursors; beyond this many
        /// steps the search continues by bisection with Fenwick selections.
        static constexpr std::size_t walk_limit = 8;

        void reset(rolling_state<W>&)
        {
            cur.reset();
            ca.reset();
            cb.reset();
            last_i[0] = last_i[1] = 0;
        }
        void build(rolling_state<W>& st) { counts.build(st.set, st.values.size()); }
        void insert(rolling_state<W>&, std::size_t r)
        {
            cur.on_insert(r);
            ca.on_insert(r);
            cb.on_insert(r);
            counts.add(r, 1);
        }
        void erase(rolling_state<W>&, std::size_t r)
        {
            cur.on_erase(r);
            ca.on_erase(r);
            cb.on_erase(r);
            counts.add(r, -1);
        }

        /// Median m and the raw MAD; the MAD is NaN when m is not finite.
        std::pair<W, W> median_mad(rolling_state<W>& st)
        {
            const std::size_t c = st.count;
            const W m = window_median(st, cur);
            if (!std::isfinite(m))
                return { m, quiet_nan<W>() };
            // deviations below the median (ranks [0, k2), read downwards) and from
            // it upwards (ranks [k2, c)): two ascending sequences A and B; the same
            // fl(|v - m|) as robstat::mad
            const std::size_t k2 = c / 2;
            const std::size_t na = k2, nb = c - k2;
            const W* v = st.values.data();
            auto A = [&](std::size_t i, bool far) {
                const std::size_t r = k2 - 1 - i;
                return std::fabs(v[far ? counts.select(r) : ca.seek(st.set, r)] - m);
            };
            auto Bv = [&](std::size_t j, bool far) {
                const std::size_t r = k2 + j;
                return std::fabs(v[far ? counts.select(r) : cb.seek(st.set, r)] - m);
            };
            // k-th smallest (0-based) of the union: i* = the smallest i (values
            // taken from A among the k + 1 smallest) with A(i) >= B(k - i);
            // searched from the previous answer outwards, then by bisection
            auto kth = [&](std::size_t k, std::size_t& last) -> W {
                std::size_t lo = k + 1 > nb ? k + 1 - nb : 0;
                std::size_t hi = std::min(k + 1, na);
                auto P = [&](std::size_t i, bool far) { return A(i, far) < Bv(k - i, far); };
                const std::size_t i0 = std::min(std::max(last, lo), hi);
                bool found = false;
                if (i0 < hi && P(i0, false)) { // i* > i0: walk up
                    lo = i0 + 1;
                    for (std::size_t s = 0; s < walk_limit && !found; ++s) {
                        if (lo >= hi || !P(lo, false))
                            found = true;
                        else
                            ++lo;
                    }
                } else { // i* <= i0: walk down
                    hi = i0;
                    for (std::size_t s = 0; s < walk_limit && !found; ++s) {
                        if (hi <= lo || P(hi - 1, false))
                            found = true;
                        else
                            --hi;
                    }
                    if (found)
                        lo = hi;
                }
                const bool far = !found;
                while (lo < hi) {
                    const std::size_t i = lo + (hi - lo) / 2;
                    if (P(i, true))
                        lo = i + 1;
                    else
                        hi = i;
                }
                const std::size_t i = lo, j = k + 1 - i; // i from A, j from B
                last = i;
                if (i == 0)
                    return Bv(j - 1, far);
                if (j == 0)
                    return A(i - 1, far);
                return std::max(A(i - 1, far), Bv(j - 1, far));
            };
            const W raw = c % 2 == 1 ? kth((c - 1) / 2, last_i[0])
                                     : midpoint(kth(c / 2 - 1, last_i[0]), kth(c / 2, last_i[1]));
            return { m, raw };
        }
    };

    template <class W> struct rolling_mad_stat : rolling_mad_core<W> {
        double scale = mad_normal_scale;
        W value(rolling_state<W>& st, std::size_t)
        {
            const W raw = this->median_mad(st).second;
            return static_cast<W>(static_cast<double>(raw) * scale);
        }
    };

    /// Hampel filter: z = (x_t - median) / (1.482602218505602 MAD), with the
    /// median and the scaled MAD of the window optionally written out.
    template <class T, class W> struct rolling_zscore_stat : rolling_mad_core<W> {
        strided_span<const T> x;
        W* center = nullptr;
        W* scale = nullptr;
        W value(rolling_state<W>& st, std::size_t t)
        {
            const auto mm = this->median_mad(st);
            const W sc = static_cast<W>(static_cast<double>(mm.second) * mad_normal_scale);
            if (center)
                center[t] = mm.first;
            if (scale)
                scale[t] = sc;
            const W xt = static_cast<W>(x[t]);
            return static_cast<W>(robust_score<void>(static_cast<double>(xt),
                static_cast<double>(mm.first), 1.0, static_cast<double>(sc)));
        }
    };

    // ---- lane functions (the dispatch table's entries) ------------------------------

    template <class Arch, class T>
    void rolling_median_lane(strided_span<const T> x, const rolling_params& rp, result_t<T>* out,
        nan_policy p, workspace<result_t<T>>& ws)
    {
        rolling_quantile_stat<result_t<T>> stat;
        rolling_run(x, rp, p, out, stat, ws);
    }

    template <class Arch, class T>
    void rolling_quantile_lane(strided_span<const T> x, const rolling_params& rp, double q,
        quantile_method m, result_t<T>* out, nan_policy p, workspace<result_t<T>>& ws)
    {
        rolling_quantile_stat<result_t<T>> stat;
        stat.q = q;
        stat.method = m;
        stat.median = false;
        rolling_run(x, rp, p, out, stat, ws);
    }

    template <class Arch, class T>
    void rolling_trimmed_mean_lane(strided_span<const T> x, const rolling_params& rp,
        const trim_spec& trim, result_t<T>* out, nan_policy p, workspace<result_t<T>>& ws)
    {
        rolling_trimmed_stat<result_t<T>> stat;
        stat.trim = trim;
        rolling_run(x, rp, p, out, stat, ws);
    }

    template <class Arch, class T>
    void rolling_mad_lane(strided_span<const T> x, const rolling_params& rp, double scale,
        result_t<T>* out, nan_policy p, workspace<result_t<T>>& ws)
    {
        rolling_mad_stat<result_t<T>> stat;
        stat.scale = scale;
        rolling_run(x, rp, p, out, stat, ws);
    }

    /// z-scores into `out`; the window medians and normal-consistent MADs into
    /// `center` and `scale` when not null (NaN where the window does not qualify).
    template <class Arch, class T>
    void rolling_zscore_lane(strided_span<const T> x, const rolling_params& rp, result_t<T>* out,
        result_t<T>* center, result_t<T>* scale, nan_policy p, workspace<result_t<T>>& ws)
    {
        using W = result_t<T>;
        rolling_zscore_stat<T, W> stat;
        stat.x = x;
        stat.center = center;
        stat.scale = scale;
        if (center)
            std::fill(center, center + x.size, quiet_nan<W>());
        if (scale)
            std::fill(scale, scale + x.size, quiet_nan<W>());
        rolling_run(x, rp, p, out, stat, ws);
    }

} // namespace detail

/// Result of robstat::rolling_robust_zscore (the Hampel filter).
template <class W> struct rolling_zscore_result {
    std::vector<W>
        zscore; ///< (x - center) / scale; NaN where x is NaN or the window does not qualify
    std::vector<W> center;             ///< the window medians
    std::vector<W> scale;              ///< 1.482602218505602 * the window MADs
    std::vector<std::uint8_t> outlier; ///< |zscore| > threshold (0 for NaN z-scores)
    double threshold = 3.5;
};

/// Rolling median: out[t] = median of the non-NaN values of the window of t
/// (pandas' Series.rolling(window, min_periods, center).median()).
template <class T>
std::vector<result_t<T>> rolling_median(
    strided_span<T> x, std::size_t window, rolling_options o = {})
{
    const auto rp = detail::make_rolling_params(window, o.min_periods, o.center);
    std::vector<result_t<T>> out(x.size);
    workspace<result_t<T>> ws;
    detail::rolling_median_lane<void, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, rp, out.data(), o.nan, ws);
    return out;
}

/// Rolling quantile q by `method` (NumPy's definitions; pandas'
/// rolling().quantile(q, interpolation=method)).
template <class T>
std::vector<result_t<T>> rolling_quantile(strided_span<T> x, std::size_t window, double q,
    quantile_method method = quantile_method::linear, rolling_options o = {})
{
    const auto rp = detail::make_rolling_params(window, o.min_periods, o.center);
    detail::validate_probability(q, "q");
    std::vector<result_t<T>> out(x.size);
    workspace<result_t<T>> ws;
    detail::rolling_quantile_lane<void, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, rp, q, method, out.data(), o.nan, ws);
    return out;
}

/// Rolling trimmed mean: of the c non-NaN values of a window, floor(lower c)
/// smallest and floor(upper c) largest are cut, the rest averaged.
template <class T>
std::vector<result_t<T>> rolling_trimmed_mean(
    strided_span<T> x, std::size_t window, trim_spec trim = 0.1, rolling_options o = {})
{
    const auto rp = detail::make_rolling_params(window, o.min_periods, o.center);
    detail::validate_rolling_trim(trim);
    std::vector<result_t<T>> out(x.size);
    workspace<result_t<T>> ws;
    detail::rolling_trimmed_mean_lane<void, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, rp, trim, out.data(), o.nan, ws);
    return out;
}

/// Rolling MAD about the window median, times `scale` (mad_normal_scale by
/// default, 1.0 for the raw MAD), as robstat::mad on each window.
template <class T>
std::vector<result_t<T>> rolling_mad(
    strided_span<T> x, std::size_t window, double scale = mad_normal_scale, rolling_options o = {})
{
    const auto rp = detail::make_rolling_params(window, o.min_periods, o.center);
    detail::validate_positive(scale, "scale");
    std::vector<result_t<T>> out(x.size);
    workspace<result_t<T>> ws;
    detail::rolling_mad_lane<void, std::remove_cv_t<T>>(
        { x.data, x.size, x.stride }, rp, scale, out.data(), o.nan, ws);
    return out;
}

/// Hampel filter: rolling robust z-scores (x_t - median) / (1.482602218505602 MAD)
/// of each value against its window, and the flags |z| > threshold.
template <class T>
rolling_zscore_result<result_t<T>> rolling_robust_zscore(
    strided_span<T> x, std::size_t window, double threshold = 3.5, rolling_options o = {})
{
    using W = result_t<T>;
    const auto rp = detail::make_rolling_params(window, o.min_periods, o.center);
    if (!(threshold >= 0) || std::isinf(threshold))
        throw std::invalid_argument(
            "threshold must be finite and >= 0 (got " + detail::format_value(threshold) + ")");
    rolling_zscore_result<W> r;
    r.threshold = threshold;
    r.zscore.resize(x.size);
    r.center.resize(x.size);
    r.scale.resize(x.size);
    workspace<W> ws;
    detail::rolling_zscore_lane<void, std::remove_cv_t<T>>({ x.data, x.size, x.stride }, rp,
        r.zscore.data(), r.center.data(), r.scale.data(), o.nan, ws);
    r.outlier.resize(x.size);
    for (std::size_t i = 0; i < x.size; ++i)
        r.outlier[i] = std::fabs(static_cast<double>(r.zscore[i])) > threshold ? 1 : 0;
    return r;
}

template <class R, detail::if_contiguous_range<R> = 0>
auto rolling_median(const R& r, std::size_t window, rolling_options o = {})
{
    return rolling_median(make_span(r), window, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto rolling_quantile(const R& r, std::size_t window, double q,
    quantile_method method = quantile_method::linear, rolling_options o = {})
{
    return rolling_quantile(make_span(r), window, q, method, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto rolling_trimmed_mean(
    const R& r, std::size_t window, trim_spec trim = 0.1, rolling_options o = {})
{
    return rolling_trimmed_mean(make_span(r), window, trim, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto rolling_mad(
    const R& r, std::size_t window, double scale = mad_normal_scale, rolling_options o = {})
{
    return rolling_mad(make_span(r), window, scale, o);
}
template <class R, detail::if_contiguous_range<R> = 0>
auto rolling_robust_zscore(
    const R& r, std::size_t window, double threshold = 3.5, rolling_options o = {})
{
    return rolling_robust_zscore(make_span(r), window, threshold, o);
}

} // namespace robstat
