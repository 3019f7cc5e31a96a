// robstat._core: glue only. Every function takes an ndarray whose LAST axis is
// the one to reduce or transform (robstat/_api.py moves the requested axes
// there with views), reads float32/float64 data in place through its strides,
// releases the GIL, and runs the lane functions of the dispatch table chosen at
// import (dispatch/, docs/dispatch.md) over every lane, optionally on several
// threads (`workers`). The maths lives in include/robstat/; nothing here
// computes a statistic.
//
// This file defines the module and the core reductions and transforms; the
// shared machinery is in glue.hpp and the other topics in bind_<topic>.cpp.
// All are compiled at baseline (no -m flags): they include the robstat headers
// only for argument parsing and validation; every lane function runs through
// the table.
#include "glue.hpp"

namespace py = pybind11;
namespace rd = robstat_dispatch;
using namespace robstat_glue;

namespace {

std::vector<std::string> names_of(const std::vector<const rd::table*>& ts)
{
    std::vector<std::string> out;
    for (const rd::table* t : ts)
        out.emplace_back(t->name);
    return out;
}

} // namespace

PYBIND11_MODULE(_core, m)
{
    // Pick the table once. An unknown or unsupported ROBSTAT_FORCE_ARCH throws
    // std::runtime_error here, which pybind11 turns into ImportError.
    g_active = &rd::select_table_from_env();

    m.doc() = "robstat compiled core (glue over the header-only C++ API; use the robstat "
              "package, not this module)";
    m.attr("__version__") = ROBSTAT_VERSION;
    m.def(
        "simd_arch", [] { return std::string(g_active->name); },
        "Name of the instruction set of the active kernels: 'sse2', 'avx2' or 'avx512'.");
    m.def(
        "available_archs", [] { return names_of(rd::available_tables()); },
        "Instruction sets compiled into this module that this CPU can run, baseline first.");
    m.def(
        "compiled_archs", [] { return names_of(rd::compiled_tables()); },
        "Instruction sets compiled into this module, baseline first.");
    m.def(
        "_cpu_features", [] { return rd::feature_names(rd::cpu_features()); },
        "The CPU features robstat's dispatcher detected (for bug reports).");
    m.def("_threads_for", &plan_threads, py::arg("n_lanes"), py::arg("lane_size"),
        py::arg("workers"), py::arg("cost") = cost_select,
        "Number of threads a call over n_lanes lanes of lane_size values would use "
        "(cost per value: 1 for mean and var, 16, the default, for the others).");

    namespace d = robstat::detail;
    using T = rd::table;

    m.def(
        "mean",
        [](const py::array& a, const std::string& nan, long workers) {
            return run(a, &T::mean, args_with_nan(nan), workers, cost_sum);
        },
        py::arg("a"), py::arg("nan"), py::arg("workers") = 1);
    // var and std: a ddof, and n - ddof <= 0 exactly when n <= floor(ddof)
    const auto with_ddof = [](auto entry) {
        return [entry](const py::array& a, double ddof, const std::string& nan, long workers) {
            auto args = args_with_nan(nan);
            args.ddof = ddof;
            args.min_used = ddof > 0 ? static_cast<std::size_t>(std::floor(ddof)) : 0;
            return run(a, entry, args, workers, cost_sum);
        };
    };
    m.def("var", with_ddof(&T::var), py::arg("a"), py::arg("ddof"), py::arg("nan"),
        py::arg("workers") = 1);
    m.def("std", with_ddof(&T::stddev), py::arg("a"), py::arg("ddof"), py::arg("nan"),
        py::arg("workers") = 1);
    m.def(
        "median",
        [](const py::array& a, const std::string& nan, long workers) {
            return run(a, &T::median, args_with_nan(nan), workers);
        },
        py::arg("a"), py::arg("nan"), py::arg("workers") = 1);
    m.def(
        "trimmed_mean",
        [](const py::array& a, double lower, double upper, const std::string& nan, long workers) {
            d::validate_trim({ lower, upper }, "trim", true);
            auto args = args_with_nan(nan);
            args.lower = lower;
            args.upper = upper;
            return run(a, &T::trimmed_mean, args, workers);
        },
        py::arg("a"), py::arg("lower"), py::arg("upper"), py::arg("nan"), py::arg("workers") = 1);
    m.def(
        "winsorized_mean",
        [](const py::array& a, double lower, double upper, const std::string& nan, long workers) {
            d::validate_trim({ lower, upper }, "limits", false);
            auto args = args_with_nan(nan);
            args.lower = lower;
            args.upper = upper;
            return run(a, &T::winsorized_mean, args, workers);
        },
        py::arg("a"), py::arg("lower"), py::arg("upper"), py::arg("nan"), py::arg("workers") = 1);
    m.def(
        "mad",
        [](const py::array& a, std::optional<double> center, double scale, const std::string& nan,
            long workers) {
            d::validate_positive(scale, "scale");
            auto args = args_with_nan(nan);
            args.center = center ? &*center : nullptr;
            args.scale = scale;
            return run(a, &T::mad, args, workers);
        },
        py::arg("a"), py::arg("center"), py::arg("scale"), py::arg("nan"), py::arg("workers") = 1);
    m.def(
        "iqr",
        [](const py::array& a, double scale, const std::string& nan, long workers) {
            d::validate_positive(scale, "scale");
            auto args = args_with_nan(nan);
            args.scale = scale;
            return run(a, &T::iqr, args, workers);
        },
        py::arg("a"), py::arg("scale"), py::arg("nan"), py::arg("workers") = 1);
    // Quantiles: result shape = outer shape + (len(q),).
    m.def(
        "quantile",
        [](const py::array& a, const std::vector<double>& q, const std::string& method,
            const std::string& nan, long workers) {
            for (double v : q)
                d::validate_probability(v, "q");
            auto args = args_with_nan(nan);
            args.method = static_cast<int>(robstat::parse_quantile_method(method));
            args.q = q.data();
            args.nq = q.size();
            return run(a, &T::quantile, args, workers);
        },
        py::arg("a"), py::arg("q"), py::arg("method"), py::arg("nan"), py::arg("workers") = 1);
    m.def(
        "winsorize",
        [](const py::array& a, double lower, double upper, const std::string& nan, long workers) {
            d::validate_trim({ lower, upper }, "limits", false);
            auto args = args_with_nan(nan);
            args.lower = lower;
            args.upper = upper;
            return run(a, &T::winsorize, args, workers);
        },
        py::arg("a"), py::arg("lower"), py::arg("upper"), py::arg("nan"), py::arg("workers") = 1);
    m.def(
        "robust_zscore",
        [](const py::array& a, const std::string& nan, long workers) {
            auto args = args_with_nan(nan);
            args.factor = 1.0;
            args.scale = robstat::mad_normal_scale;
            return run(a, &T::zscore, args, workers);
        },
        py::arg("a"), py::arg("nan"), py::arg("workers") = 1);
    m.def(
        "modified_zscore",
        [](const py::array& a, const std::string& nan, long workers) {
            auto args = args_with_nan(nan);
            args.factor = robstat::modified_zscore_factor;
            args.scale = 1.0;
            return run(a, &T::zscore, args, workers);
        },
        py::arg("a"), py::arg("nan"), py::arg("workers") = 1);

    // the other topics (bind_<topic>.cpp)
    for (part_fn part : parts())
        part(m);
}
