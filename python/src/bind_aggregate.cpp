// robstat._core: the robust aggregator, whole or by group (glue only; the maths is in
// include/robstat/aggregate.hpp).
//
// Grouping: the Python layer turns the keys into codes 0..n_groups-1 (a hash or a sort,
// once); here one counting sort gathers each group's values contiguously, the aggregate lane
// function of the active table runs on every group (groups split over the worker threads),
// and the labels go back to the positions of the input.
#include "glue.hpp"

#include <cstdint>
#include <tuple>

namespace py = pybind11;
namespace rd = robstat_dispatch;
using namespace robstat_glue;

namespace {

/// Returns (stats (G, aggregate_nq), counts (G, 4) int64, labels int8 (n), n_small).
template <class T>
py::object aggregate_impl(const py::array& a, const std::optional<py::array>& weights,
    const std::optional<py::array>& codes, std::size_t n_groups, rd::lane_args args, long workers)
{
    if (a.ndim() != 1)
        throw std::invalid_argument("internal: aggregate expects a 1-d array");
    const auto L = lane_layout::of<T>(a);
    const std::size_t n = L.lane_size;
    const T* base = static_cast<const T*>(a.data());
    const T* wbase = nullptr;
    std::ptrdiff_t wstride = 0;
    if (weights) {
        if (!is_dtype(*weights, a.dtype().kind(), a.itemsize()) || weights->ndim() != 1
            || static_cast<std::size_t>(weights->shape(0)) != n)
            throw std::invalid_argument(
                "internal: weights must be 1-d with the dtype and length of the data");
        wbase = static_cast<const T*>(weights->data());
        wstride = lane_layout::of<T>(*weights).lane_stride;
    }
    const std::size_t G = codes ? n_groups : 1;
    constexpr std::size_t nq = robstat::aggregate_nq;
    py::array_t<T> stats({ static_cast<py::ssize_t>(G), static_cast<py::ssize_t>(nq) });
    py::array_t<std::int64_t> counts(
        { static_cast<py::ssize_t>(G), static_cast<py::ssize_t>(robstat::aggregate_n_counts) });
    py::array_t<std::int8_t> labels(static_cast<py::ssize_t>(n));
    const rd::block_fn<T> fn = fn_of<T>(g_active->aggregate);
    T* st = stats.mutable_data();
    args.counts_out = counts.mutable_data();
    std::size_t n_small = 0;
    if (!codes) { // one group: the input as it is, labels written in place
        const std::size_t start[2] = { 0, n };
        args.group_start = start;
        args.labels_out = labels.mutable_data();
        const rd::lanes<T> lane { base, 1, n, L.lane_stride, 0, nullptr, nullptr, wbase, wstride,
            nullptr };
        py::gil_scoped_release nogil;
        n_small = fn(lane, 0, 1, args, st);
    } else {
        const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> c(*codes);
        if (c.ndim() != 1 || static_cast<std::size_t>(c.shape(0)) != n)
            throw std::invalid_argument("internal: codes must be 1-d, one per value");
        const std::int64_t* code = c.data();
        std::int8_t* lab = labels.mutable_data();
        py::gil_scoped_release nogil;
        // counting sort by group code: start[g] .. start[g + 1] hold group g, in input order
        std::vector<std::size_t> start(G + 1, 0);
        for (std::size_t i = 0; i < n; ++i) {
            const std::int64_t k = code[i];
            if (k < 0 || static_cast<std::uint64_t>(k) >= G)
                throw std::invalid_argument("internal: group code out of range");
            ++start[static_cast<std::size_t>(k) + 1];
        }
        for (std::size_t g = 0; g < G; ++g)
            start[g + 1] += start[g];
        std::vector<std::size_t> next(start.begin(), start.end() - 1), index(n);
        std::vector<T> values(n), wv(wbase ? n : 0);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t pos = next[static_cast<std::size_t>(code[i])]++;
            values[pos] = base[static_cast<std::ptrdiff_t>(i) * L.lane_stride];
            if (wbase)
                wv[pos] = wbase[static_cast<std::ptrdiff_t>(i) * wstride];
            index[pos] = i;
        }
        std::vector<std::int8_t> sorted_labels(n);
        args.group_start = start.data();
        args.labels_out = sorted_labels.data();
        const rd::lanes<T> groups { values.data(), G, 0, 1, 0, nullptr, nullptr,
            wbase ? wv.data() : nullptr, 1, nullptr };
        const std::size_t threads = plan_threads(G, G ? n / G : 0, workers, cost_select);
        n_small = run_blocks(
            G, threads, [&](std::size_t b, std::size_t e) { return fn(groups, b, e, args, st); });
        for (std::size_t pos = 0; pos < n; ++pos)
            lab[index[pos]] = sorted_labels[pos];
    }
    return py::make_tuple(stats, counts, labels, n_small);
}

} // namespace

ROBSTAT_GLUE_PART(bind_aggregate)
{
    m.def(
        "aggregate",
        [](const py::array& a, const std::optional<py::array>& weights,
            const std::optional<py::array>& codes, std::size_t n_groups, const std::string& method,
            double lower, double upper, bool by_count, std::optional<double> threshold,
            double confidence, const std::string& ci, std::size_t n_boot, std::uint64_t seed,
            const std::string& nan, long workers) {
            robstat::aggregate_params p;
            p.method = robstat::parse_aggregate_method(method);
            p.trim = robstat::detail::make_trim(lower, upper, by_count);
            p.threshold = threshold ? *threshold : std::numeric_limits<double>::quiet_NaN();
            p.confidence = confidence;
            p.ci = robstat::parse_aggregate_ci(ci);
            p.n_boot = n_boot;
            p.seed = seed;
            robstat::detail::validate_aggregate(p);
            if (weights)
                robstat::detail::validate_aggregate_weights(p);
            auto args = args_with_nan(nan);
            args.agg_method = static_cast<int>(p.method);
            args.lower = lower;
            args.upper = upper;
            args.trim_counts = by_count ? 1 : 0;
            args.threshold = p.threshold;
            args.confidence = confidence;
            args.agg_ci = static_cast<int>(p.ci);
            args.n_boot = n_boot;
            args.seed = seed;
            args.nq = robstat::aggregate_nq;
            return with_float_array(a, [&](auto tag) {
                return aggregate_impl<decltype(tag)>(a, weights, codes, n_groups, args, workers);
            });
        },
        py::arg("a"), py::arg("weights"), py::arg("codes"), py::arg("n_groups"), py::arg("method"),
        py::arg("lower"), py::arg("upper"), py::arg("by_count"), py::arg("threshold"),
        py::arg("confidence"), py::arg("ci"), py::arg("n_boot"), py::arg("seed"), py::arg("nan"),
        py::arg("workers") = 1);

    // for robstat.dask.aggregate, which computes the statistics exactly over blocks: the
    // rule's fences from them, and Student's t quantile, as aggregate_lane forms them
    m.def(
        "aggregate_rule_fences",
        [](const std::string& method, std::optional<double> threshold, double a, double b,
            bool float32) {
            robstat::aggregate_params p;
            p.method = robstat::parse_aggregate_method(method);
            p.threshold = threshold ? *threshold : std::numeric_limits<double>::quiet_NaN();
            robstat::detail::validate_aggregate(p);
            const double t = robstat::detail::aggregate_threshold(p);
            auto out = [&](auto f) {
                return py::make_tuple(static_cast<double>(f.lower), static_cast<double>(f.upper),
                    static_cast<double>(f.center), static_cast<double>(f.denom),
                    static_cast<double>(f.threshold), t);
            };
            if (p.method == robstat::aggregate_method::mad)
                return float32
                    ? out(robstat::detail::mad_fences_from<float>(static_cast<float>(a), b, t))
                    : out(robstat::detail::mad_fences_from<double>(a, b, t));
            if (p.method == robstat::aggregate_method::sigma_clip) {
                // one round's bounds from the median a and raw MAD b of the values kept
                auto round = [&](auto c, auto raw) {
                    using W = decltype(c);
                    robstat::detail::fences<W> f;
                    f.ok = f.clip_inf = true;
                    f.center = c;
                    f.denom = robstat::detail::mad_std_from(raw);
                    f.threshold = static_cast<W>(t);
                    std::tie(f.lower, f.upper) = robstat::detail::clip_bounds(c, f.denom, t, t);
                    return out(f);
                };
                return float32 ? round(static_cast<float>(a), static_cast<float>(b)) : round(a, b);
            }
            if (p.method == robstat::aggregate_method::iqr)
                return float32 ? out(robstat::detail::iqr_fences_from<float>(a, b, t))
                               : out(robstat::detail::iqr_fences_from<double>(a, b, t));
            throw std::invalid_argument("aggregate_rule_fences: method mad, iqr or sigma_clip");
        },
        py::arg("method"), py::arg("threshold"), py::arg("a"), py::arg("b"), py::arg("float32"));
    m.def(
        "t_critical",
        [](double df, double confidence) { return robstat::detail::t_critical(df, confidence); },
        py::arg("df"), py::arg("confidence"));
}
