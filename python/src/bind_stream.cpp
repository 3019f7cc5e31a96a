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

} // namespace

ROBSTAT_GLUE_PART(bind_stream)
{
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
