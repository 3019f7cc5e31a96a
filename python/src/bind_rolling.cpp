// robstat._core, rolling topic: moving-window median, quantile, trimmed mean, MAD
// and robust z-scores (include/robstat/rolling.hpp). Glue only: validation,
// arguments, run(). Every function returns (array of the input's shape, 0): the
// window runs along the last axis of `a`, one lane per window series.
#include "glue.hpp"

namespace py = pybind11;
namespace rd = robstat_dispatch;
using namespace robstat_glue;

namespace {

namespace d = robstat::detail;

/// min_periods: None (the window) or an int in [0, window].
rd::lane_args rolling_args(
    long window, std::optional<long> min_periods, bool center, const std::string& nan)
{
    if (window < 1)
        throw std::invalid_argument("window must be >= 1 (got " + std::to_string(window) + ")");
    const auto w = static_cast<std::size_t>(window);
    auto args = args_with_nan(nan);
    args.window = w;
    args.min_periods = d::validate_min_periods(min_periods ? *min_periods : -1, w);
    if (min_periods && *min_periods == -1) // -1 is the C++ sentinel, not a Python value
        throw std::invalid_argument("min_periods must be in [0, window] (got -1)");
    args.centered = center ? 1 : 0;
    return args;
}

} // namespace

ROBSTAT_GLUE_PART(bind_rolling)
{
    using T = rd::table;
    m.def(
        "rolling_median",
        [](const py::array& a, long window, std::optional<long> min_periods, bool center,
            const std::string& nan, long workers) {
            return run(
                a, &T::rolling_median, rolling_args(window, min_periods, center, nan), workers);
        },
        py::arg("a"), py::arg("window"), py::arg("min_periods"), py::arg("center"), py::arg("nan"),
        py::arg("workers") = 1);
    m.def(
        "rolling_quantile",
        [](const py::array& a, long window, double q, const std::string& method,
            std::optional<long> min_periods, bool center, const std::string& nan, long workers) {
            auto args = rolling_args(window, min_periods, center, nan);
            d::validate_probability(q, "q");
            args.rolling_q = q;
            args.method = static_cast<int>(robstat::parse_quantile_method(method));
            return run(a, &T::rolling_quantile, args, workers);
        },
        py::arg("a"), py::arg("window"), py::arg("q"), py::arg("method"), py::arg("min_periods"),
        py::arg("center"), py::arg("nan"), py::arg("workers") = 1);
    m.def(
        "rolling_trimmed_mean",
        [](const py::array& a, long window, double lower, double upper,
            std::optional<long> min_periods, bool center, const std::string& nan, long workers) {
            auto args = rolling_args(window, min_periods, center, nan);
            d::validate_rolling_trim(d::make_trim(lower, upper, false));
            args.lower = lower;
            args.upper = upper;
            return run(a, &T::rolling_trimmed_mean, args, workers);
        },
        py::arg("a"), py::arg("window"), py::arg("lower"), py::arg("upper"), py::arg("min_periods"),
        py::arg("center"), py::arg("nan"), py::arg("workers") = 1);
    m.def(
        "rolling_mad",
        [](const py::array& a, long window, double scale, std::optional<long> min_periods,
            bool center, const std::string& nan, long workers) {
            auto args = rolling_args(window, min_periods, center, nan);
            d::validate_positive(scale, "scale");
            args.scale = scale;
            return run(a, &T::rolling_mad, args, workers);
        },
        py::arg("a"), py::arg("window"), py::arg("scale"), py::arg("min_periods"),
        py::arg("center"), py::arg("nan"), py::arg("workers") = 1);
    m.def(
        "rolling_zscore",
        [](const py::array& a, long window, std::optional<long> min_periods, bool center,
            const std::string& nan, long workers) {
            return run(
                a, &T::rolling_zscore, rolling_args(window, min_periods, center, nan), workers);
        },
        py::arg("a"), py::arg("window"), py::arg("min_periods"), py::arg("center"), py::arg("nan"),
        py::arg("workers") = 1);
}
