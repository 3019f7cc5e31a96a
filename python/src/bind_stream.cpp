// robstat._core, stream topic: the mergeable streaming states
// (include/robstat/stream/states.hpp) as the internal classes _SumState and
// _MomentsState; robstat/stream.py wraps them (input conversion, docstrings,
// pickling). Glue only.
#include "glue.hpp"

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

/// The methods every state has.
template <class S> void bind_protocol(py::class_<S>& c)
{
    c.def(py::init<>())
        .def("update", &update<S>, py::arg("values"), py::arg("nan"))
        .def(
            "merge", [](S& s, const S& o) { s.merge(o); }, py::arg("other"))
        .def(
            "count",
            [](const S& s, const std::string& nan) {
                return s.count(robstat::parse_nan_policy(nan));
            },
            py::arg("nan"))
        .def(
            "sum",
            [](const S& s, const std::string& nan) {
                return s.sum(robstat::parse_nan_policy(nan));
            },
            py::arg("nan"))
        .def("specials",
            [](const S& s) {
                const rs::special_counts& c = s.specials();
                return py::make_tuple(c.nan, c.pos_inf, c.neg_inf);
            })
        .def("to_bytes", &to_bytes<S>)
        .def_static("from_bytes", &from_bytes<S>, py::arg("data"))
        .def("copy", [](const S& s) { return S(s); })
        .def(
            "equals", [](const S& a, const S& b) { return a == b; }, py::arg("other"));
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

    py::class_<rs::moments_state> mom(m, "_MomentsState");
    bind_protocol(mom);
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
}
