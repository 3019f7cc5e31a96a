// robstat._core, stream topic: the mergeable streaming states
// (include/robstat/stream/) as the internal classes _SumState, _MomentsState,
// _QuantileSketch, _SelectionState, _MadState and _HuberStepState; robstat/stream.py wraps
// them (input conversion, docstrings, pickling). Glue only.
#include "glue.hpp"

#include <robstat/stream/huber_step.hpp>
#include <robstat/stream/mad_state.hpp>
#include <robstat/stream/quantile_sketch.hpp>
#include <robstat/stream/selection_state.hpp>
#include <robstat/stream/states.hpp>

namespace py = pybind11;
using namespace robstat_glue;

namespace {

namespace rs = robstat::stream;
using values_t = py::array_t<double, py::array::c_style>;

template <class S> void update(S& s, const values_t& v, const std::string& nan)
{
    const robstat::nan_policy p = robstat::parse_nan_policy(nan);
    if (v.ndim() != 1)
        throw std::invalid_argument("internal: expected a 1-d float64 array");
    const double* data = v.data();
    const auto n = static_cast<std::size_t>(v.shape(0));
    py::gil_scoped_release release;
    s.update(robstat::make_span(data, n), p);
}

template <class S> py::bytes to_bytes(const S& s)
{
    const std::vector<unsigned char> b = s.to_bytes();
    return py::bytes(reinterpret_cast<const char*>(b.data()), b.size());
}

template <class S> S from_bytes(const py::bytes& b)
{
    const std::string_view v = b;
    return S::from_bytes(reinterpret_cast<const unsigned char*>(v.data()), v.size());
}

/// The methods every state has (the constructor apart: some take parameters).
template <class S> void bind_protocol(py::class_<S>& c)
{
    c.def("update", &update<S>, py::arg("values"), py::arg("nan"))
        .def(
            "merge", [](S& s, const S& o) { s.merge(o); }, py::arg("other"))
        .def(
            "count",
            [](const S& s, const std::string& nan) {
                return s.count(robstat::parse_nan_policy(nan));
            },
            py::arg("nan"))
        .def("specials",
            [](const S& s) {
                const rs::special_counts c = s.specials();
                return py::make_tuple(c.nan, c.pos_inf, c.neg_inf);
            })
        .def("to_bytes", &to_bytes<S>)
        .def_static("from_bytes", &from_bytes<S>, py::arg("data"))
        .def("copy", [](const S& s) { return S(s); })
        .def(
            "equals", [](const S& a, const S& b) { return a == b; }, py::arg("other"));
}

/// The exact-sum states: default-constructible, with sum() and a batched update.
template <class S> void bind_summing(py::class_<S>& c)
{
    c.def(py::init<>())
        .def(
            "sum",
            [](const S& s, const std::string& nan) {
                return s.sum(robstat::parse_nan_policy(nan));
            },
            py::arg("nan"))
        .def(
            "add_copies", [](S& s, double v, std::uint64_t k) { s.add_copies(v, k); },
            py::arg("value"), py::arg("count"))
        .def_static(
            "of_lanes",
            [](const py::array_t<double, py::array::c_style>& v, const std::string& nan) {
                const robstat::nan_policy p = robstat::parse_nan_policy(nan);
                if (v.ndim() != 2)
                    throw std::invalid_argument("internal: expected a 2-d float64 array");
                const auto rows = static_cast<std::size_t>(v.shape(0));
                const auto cols = static_cast<std::size_t>(v.shape(1));
                const double* data = v.data();
                std::vector<S> out(rows);
                {
                    py::gil_scoped_release release;
                    for (std::size_t i = 0; i < rows; ++i) // raise: checked before any change
                        robstat::stream::detail::check_nan_first(
                            robstat::make_span(data + i * cols, cols), p);
                    for (std::size_t i = 0; i < rows; ++i)
                        out[i].update(robstat::make_span(data + i * cols, cols), p);
                }
                py::list l(rows);
                for (std::size_t i = 0; i < rows; ++i)
                    l[i] = py::cast(std::move(out[i]));
                return l;
            },
            py::arg("values"), py::arg("nan"));
}

using doubles_t = py::array_t<double, py::array::c_style | py::array::forcecast>;

template <class F> doubles_t map_doubles(const doubles_t& x, F&& f)
{
    doubles_t out(x.request().shape);
    const double* in = x.data();
    double* o = out.mutable_data();
    const auto n = static_cast<std::size_t>(x.size());
    for (std::size_t i = 0; i < n; ++i)
        o[i] = f(in[i]);
    return out;
}

robstat::trim_spec proportions(double lower, double upper)
{
    return { lower, upper };
}

/// Order statistics known only in a few sorted runs: run i holds the values of
/// ranks starts[i] .. starts[i] + len - 1 of n values (robstat.dask's two-pass
/// selection). select() is all quantile_of / median_of need, so the
/// distributed quantiles use the very formulas of the single-machine ones.
struct known_ranks {
    std::size_t n;
    std::vector<std::size_t> starts;
    std::vector<values_t> runs;

    std::size_t size() const noexcept { return n; }
    double select(std::size_t k) const
    {
        for (std::size_t i = 0; i < runs.size(); ++i)
            if (k >= starts[i] && k - starts[i] < static_cast<std::size_t>(runs[i].shape(0)))
                return runs[i].data()[k - starts[i]];
        throw std::logic_error("robstat.dask: rank " + std::to_string(k) + " was not selected");
    }
};

} // namespace

ROBSTAT_GLUE_PART(bind_stream)
{
    m.def(
        "quantile_from_runs",
        [](std::size_t n, double q, const std::string& method, std::vector<std::size_t> starts,
            std::vector<values_t> runs) {
            if (starts.size() != runs.size() || n == 0)
                throw std::invalid_argument("internal: quantile_from_runs arguments");
            robstat::detail::validate_probability(q, "q");
            const known_ranks os { n, std::move(starts), std::move(runs) };
            if (method == "median")
                return static_cast<double>(robstat::detail::median_of(os));
            return static_cast<double>(
                robstat::detail::quantile_of(os, q, robstat::parse_quantile_method(method)));
        },
        py::arg("n"), py::arg("q"), py::arg("method"), py::arg("starts"), py::arg("runs"));

    py::class_<rs::sum_state> sum(m, "_SumState");
    bind_protocol(sum);
    bind_summing(sum);

    py::class_<rs::moments_state> mom(m, "_MomentsState");
    bind_protocol(mom);
    bind_summing(mom);
    mom.def(
           "mean",
           [](const rs::moments_state& s, const std::string& nan) {
               return s.mean(robstat::parse_nan_policy(nan));
           },
           py::arg("nan"))
        .def(
            "var",
            [](const rs::moments_state& s, double ddof, const std::string& nan) {
                return s.var(ddof, robstat::parse_nan_policy(nan));
            },
            py::arg("ddof"), py::arg("nan"))
        .def(
            "std",
            [](const rs::moments_state& s, double ddof, const std::string& nan) {
                return s.stddev(ddof, robstat::parse_nan_policy(nan));
            },
            py::arg("ddof"), py::arg("nan"))
        .def(
            "min",
            [](const rs::moments_state& s, const std::string& nan) {
                return s.min(robstat::parse_nan_policy(nan));
            },
            py::arg("nan"))
        .def(
            "max",
            [](const rs::moments_state& s, const std::string& nan) {
                return s.max(robstat::parse_nan_policy(nan));
            },
            py::arg("nan"));

    py::class_<rs::quantile_sketch> qs(m, "_QuantileSketch");
    bind_protocol(qs);
    qs.def(py::init<std::uint64_t>(), py::arg("k"))
        .def("k", &rs::quantile_sketch::k)
        .def("rank_error", &rs::quantile_sketch::rank_error)
        .def("retained", &rs::quantile_sketch::retained)
        .def_static("error_bound", &rs::quantile_sketch::error_bound, py::arg("n"), py::arg("k"))
        .def(
            "min",
            [](const rs::quantile_sketch& s, const std::string& nan) {
                return s.min(robstat::parse_nan_policy(nan));
            },
            py::arg("nan"))
        .def(
            "max",
            [](const rs::quantile_sketch& s, const std::string& nan) {
                return s.max(robstat::parse_nan_policy(nan));
            },
            py::arg("nan"))
        .def(
            "quantiles",
            [](const rs::quantile_sketch& s, const doubles_t& q, const std::string& nan) {
                const double* qp = q.data();
                for (py::ssize_t i = 0; i < q.size(); ++i)
                    robstat::detail::validate_probability(qp[i], "q");
                const auto v = s.make_view(robstat::parse_nan_policy(nan));
                return map_doubles(q, [&](double p) { return v.quantile(p); });
            },
            py::arg("q"), py::arg("nan"))
        .def(
            "ranks",
            [](const rs::quantile_sketch& s, const doubles_t& x, const std::string& nan) {
                const bool propagate = s.nan_propagates(robstat::parse_nan_policy(nan));
                const auto v = s.make_view(robstat::nan_policy::omit);
                return map_doubles(x, [&](double t) {
                    return propagate || t != t ? rs::detail::quiet_nan
                                               : static_cast<double>(v.rank(t));
                });
            },
            py::arg("x"), py::arg("nan"))
        .def(
            "brackets",
            [](const rs::quantile_sketch& s, const std::vector<std::uint64_t>& ranks) {
                std::vector<std::pair<double, double>> out;
                for (const auto& b : rs::brackets_for_ranks(s, ranks))
                    out.emplace_back(b.lo, b.hi);
                return out;
            },
            py::arg("ranks"));

    py::class_<rs::selection_state> sel(m, "_SelectionState");
    bind_protocol(sel);
    sel.def(py::init([](const std::vector<std::pair<double, double>>& b) {
           std::vector<rs::selection_state::bracket> br;
           for (const auto& [lo, hi] : b)
               br.push_back({ lo, hi });
           return rs::selection_state(std::move(br));
       }),
           py::arg("brackets"))
        .def("brackets",
            [](const rs::selection_state& s) {
                std::vector<std::pair<double, double>> out;
                for (const auto& b : s.brackets())
                    out.emplace_back(b.lo, b.hi);
                return out;
            })
        .def("counts",
            [](const rs::selection_state& s) {
                std::vector<std::size_t> inside;
                std::vector<std::uint64_t> between;
                for (std::size_t j = 0; j < s.brackets().size(); ++j) {
                    inside.push_back(s.inside(j));
                    if (j + 1 < s.brackets().size())
                        between.push_back(s.between(j));
                }
                return py::make_tuple(s.below(), inside, between, s.above());
            })
        .def(
            "covers",
            [](const rs::selection_state& s, std::uint64_t k) { return s.known_ranks().covers(k); },
            py::arg("rank"))
        .def(
            "order_statistic",
            [](const rs::selection_state& s, std::uint64_t k, const std::string& nan) {
                return s.order_statistic(k, robstat::parse_nan_policy(nan));
            },
            py::arg("rank"), py::arg("nan"))
        .def(
            "quantile",
            [](const rs::selection_state& s, double q, const std::string& method,
                const std::string& nan) {
                const robstat::nan_policy p = robstat::parse_nan_policy(nan);
                if (method == "median")
                    return s.median(p);
                return s.quantile(q, robstat::parse_quantile_method(method), p);
            },
            py::arg("q"), py::arg("method"), py::arg("nan"))
        .def(
            "trimmed_mean",
            [](const rs::selection_state& s, double lower, double upper, const std::string& nan) {
                return s.trimmed_mean(proportions(lower, upper), robstat::parse_nan_policy(nan));
            },
            py::arg("lower"), py::arg("upper"), py::arg("nan"))
        .def(
            "winsorized_mean",
            [](const rs::selection_state& s, double lower, double upper, const std::string& nan) {
                return s.winsorized_mean(proportions(lower, upper), robstat::parse_nan_policy(nan));
            },
            py::arg("lower"), py::arg("upper"), py::arg("nan"));

    py::class_<rs::mad_state> mad(m, "_MadState");
    bind_protocol(mad);
    mad.def(py::init([](double c, const std::vector<std::pair<double, double>>& b, bool f32) {
           std::vector<rs::selection_state::bracket> br;
           for (const auto& [lo, hi] : b)
               br.push_back({ lo, hi });
           return rs::mad_state(c, std::move(br), f32);
       }),
           py::arg("center"), py::arg("brackets"), py::arg("float32"))
        .def("center", &rs::mad_state::center)
        .def("float32", &rs::mad_state::float32)
        .def("deviations",
            [](const rs::mad_state& s) { return rs::selection_state(s.deviations()); })
        .def_static(
            "deviation_of",
            [](const doubles_t& v, double c, bool f32) {
                return map_doubles(
                    v, [&](double x) { return rs::mad_state::deviation(x, c, f32); });
            },
            py::arg("values"), py::arg("center"), py::arg("float32"))
        .def(
            "mad",
            [](const rs::mad_state& s, double scale, const std::string& nan) {
                return s.mad(scale, robstat::parse_nan_policy(nan));
            },
            py::arg("scale"), py::arg("nan"));

    py::class_<rs::huber_step_state> hub(m, "_HuberStepState");
    bind_protocol(hub);
    hub.def(py::init<double, double, double>(), py::arg("center"), py::arg("scale"), py::arg("k"))
        .def("params",
            [](const rs::huber_step_state& s) {
                return py::make_tuple(s.center(), s.scale(), s.k());
            })
        .def("zone_counts",
            [](const rs::huber_step_state& s) {
                return py::make_tuple(s.n_lower(), s.n_linear(), s.n_upper());
            })
        .def(
            "psi_sum",
            [](const rs::huber_step_state& s, const std::string& nan) {
                return s.psi_sum(robstat::parse_nan_policy(nan));
            },
            py::arg("nan"))
        .def(
            "newton_step",
            [](const rs::huber_step_state& s, const std::string& nan) {
                return s.newton_step(robstat::parse_nan_policy(nan));
            },
            py::arg("nan"));
}
