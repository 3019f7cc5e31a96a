// robstat._core: glue only. Every function takes an ndarray whose LAST axis is
// the one to reduce or transform (robstat/_api.py moves the requested axes
// there with views), reads float32/float64 data in place through its strides,
// releases the GIL, and runs the header-only lane functions over every lane.
// The maths lives in include/robstat/; nothing here computes a statistic.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <optional>

#include <robstat/robstat.hpp>

#include <string>
#include <vector>

namespace py = pybind11;
using Arch = xsimd::default_arch;

namespace {

/// The lanes of an array along its last axis, in C order of the other axes.
struct lane_layout {
    std::vector<py::ssize_t> outer_shape;
    std::vector<py::ssize_t> outer_strides; // in elements
    std::size_t n_lanes = 1;
    std::size_t lane_size = 0;
    std::ptrdiff_t lane_stride = 1; // in elements

    template <class T>
    static lane_layout of(const py::array& a)
    {
        if (a.ndim() < 1)
            throw std::invalid_argument("internal: expected at least one dimension");
        lane_layout L;
        const auto nd = a.ndim();
        for (py::ssize_t d = 0; d < nd; ++d) {
            if (a.strides(d) % static_cast<py::ssize_t>(sizeof(T)) != 0)
                throw std::invalid_argument("internal: stride not a multiple of the item size");
        }
        for (py::ssize_t d = 0; d + 1 < nd; ++d) {
            L.outer_shape.push_back(a.shape(d));
            L.outer_strides.push_back(a.strides(d) / static_cast<py::ssize_t>(sizeof(T)));
            L.n_lanes *= static_cast<std::size_t>(a.shape(d));
        }
        L.lane_size = static_cast<std::size_t>(a.shape(nd - 1));
        L.lane_stride = a.strides(nd - 1) / static_cast<py::ssize_t>(sizeof(T));
        return L;
    }

    /// Calls f(lane_index, element_offset) for every lane, in C order.
    template <class F>
    void for_each(F&& f) const
    {
        const std::size_t k = outer_shape.size();
        std::vector<py::ssize_t> idx(k, 0);
        std::ptrdiff_t offset = 0;
        for (std::size_t lane = 0; lane < n_lanes; ++lane) {
            f(lane, offset);
            for (std::size_t d = k; d-- > 0;) { // odometer increment
                if (++idx[d] < outer_shape[d]) {
                    offset += outer_strides[d];
                    break;
                }
                offset -= outer_strides[d] * (outer_shape[d] - 1);
                idx[d] = 0;
            }
        }
    }
};

template <class T>
const T* base_of(const py::array& a)
{
    return static_cast<const T*>(a.data());
}

bool is_dtype(const py::array& a, char kind, py::ssize_t itemsize)
{
    return a.dtype().kind() == kind && a.itemsize() == itemsize;
}

/// Dispatch on float32 / float64 (the Python layer converts everything else).
template <class F>
py::object with_float_array(const py::array& a, F&& f)
{
    if (is_dtype(a, 'f', 8))
        return f(double {});
    if (is_dtype(a, 'f', 4))
        return f(float {});
    throw py::type_error("internal: robstat._core expects float32 or float64 arrays");
}

/// Reduce every lane to one value. Returns (result array of the outer shape,
/// number of lanes with at most `min_used` values used).
template <class LaneFn>
py::object reduce_lanes(const py::array& a, std::size_t min_used, LaneFn&& lane_fn)
{
    return with_float_array(a, [&](auto tag) -> py::object {
        using T = decltype(tag);
        const auto L = lane_layout::of<T>(a);
        py::array_t<T> out(L.outer_shape);
        T* o = out.mutable_data();
        const T* base = base_of<T>(a);
        std::size_t n_small = 0;
        {
            py::gil_scoped_release nogil;
            robstat::workspace<T> ws;
            L.for_each([&](std::size_t lane, std::ptrdiff_t off) {
                o[lane] = lane_fn(robstat::strided_span<const T> {base + off, L.lane_size,
                                                                  L.lane_stride},
                                  ws);
                n_small += ws.n_used <= min_used;
            });
        }
        return py::make_tuple(out, n_small);
    });
}

/// Transform every lane into a lane of the same length. Returns (array of the
/// input's shape, C order; number of non-empty lanes that had no usable value).
template <class LaneFn>
py::object transform_lanes(const py::array& a, LaneFn&& lane_fn)
{
    return with_float_array(a, [&](auto tag) -> py::object {
        using T = decltype(tag);
        const auto L = lane_layout::of<T>(a);
        std::vector<py::ssize_t> shape(a.shape(), a.shape() + a.ndim());
        py::array_t<T> out(shape);
        T* o = out.mutable_data();
        const T* base = base_of<T>(a);
        std::size_t n_small = 0;
        {
            py::gil_scoped_release nogil;
            robstat::workspace<T> ws;
            L.for_each([&](std::size_t lane, std::ptrdiff_t off) {
                lane_fn(robstat::strided_span<const T> {base + off, L.lane_size, L.lane_stride},
                        o + lane * L.lane_size, ws);
                n_small += L.lane_size > 0 && ws.n_used == 0;
            });
        }
        return py::make_tuple(out, n_small);
    });
}

robstat::trim_spec trim_of(double lower, double upper) { return {lower, upper}; }

} // namespace

PYBIND11_MODULE(_core, m)
{
    m.doc() = "robstat compiled core (glue over the header-only C++ API; use the robstat "
              "package, not this module)";
    m.attr("__version__") = ROBSTAT_VERSION;
    m.def("simd_arch", [] { return std::string(Arch::name()); },
          "Name of the SIMD instruction set the kernels were compiled for.");

    using robstat::parse_nan_policy;
    namespace d = robstat::detail;

    m.def("mean", [](const py::array& a, const std::string& nan) {
        const auto p = parse_nan_policy(nan);
        return reduce_lanes(a, 0, [&](auto x, auto& ws) {
            return d::mean_lane<Arch>(x, p, ws);
        });
    }, py::arg("a"), py::arg("nan"));
    m.def("var", [](const py::array& a, double ddof, const std::string& nan) {
        const auto p = parse_nan_policy(nan);
        // n - ddof <= 0 exactly when n <= floor(ddof)
        const auto min_used = ddof > 0 ? static_cast<std::size_t>(std::floor(ddof)) : 0;
        return reduce_lanes(a, min_used, [&](auto x, auto& ws) {
            return d::var_lane<Arch>(x, ddof, p, ws);
        });
    }, py::arg("a"), py::arg("ddof"), py::arg("nan"));
    m.def("median", [](const py::array& a, const std::string& nan) {
        const auto p = parse_nan_policy(nan);
        return reduce_lanes(a, 0, [&](auto x, auto& ws) {
            return d::median_lane<Arch>(x, p, ws);
        });
    }, py::arg("a"), py::arg("nan"));
    m.def("trimmed_mean",
          [](const py::array& a, double lower, double upper, const std::string& nan) {
              const auto t = trim_of(lower, upper);
              d::validate_trim(t, "trim", true);
              const auto p = parse_nan_policy(nan);
              return reduce_lanes(a, 0, [&](auto x, auto& ws) {
                  return d::trimmed_mean_lane<Arch>(x, t, p, ws);
              });
          }, py::arg("a"), py::arg("lower"), py::arg("upper"), py::arg("nan"));
    m.def("winsorized_mean",
          [](const py::array& a, double lower, double upper, const std::string& nan) {
              const auto t = trim_of(lower, upper);
              d::validate_trim(t, "limits", false);
              const auto p = parse_nan_policy(nan);
              return reduce_lanes(a, 0, [&](auto x, auto& ws) {
                  return d::winsorized_mean_lane<Arch>(x, t, p, ws);
              });
          }, py::arg("a"), py::arg("lower"), py::arg("upper"), py::arg("nan"));
    m.def("mad", [](const py::array& a, std::optional<double> center, double scale,
                    const std::string& nan) {
        d::validate_positive(scale, "scale");
        const auto p = parse_nan_policy(nan);
        const double* c = center ? &*center : nullptr;
        return reduce_lanes(a, 0, [&](auto x, auto& ws) {
            return d::mad_lane<Arch>(x, c, scale, p, ws);
        });
    }, py::arg("a"), py::arg("center"), py::arg("scale"), py::arg("nan"));
    m.def("iqr", [](const py::array& a, double scale, const std::string& nan) {
        d::validate_positive(scale, "scale");
        const auto p = parse_nan_policy(nan);
        return reduce_lanes(a, 0, [&](auto x, auto& ws) {
            return d::iqr_lane<Arch>(x, scale, p, ws);
        });
    }, py::arg("a"), py::arg("scale"), py::arg("nan"));
    // Quantiles: result shape = outer shape + (len(q),).
    m.def("quantile", [](const py::array& a, const std::vector<double>& q,
                         const std::string& method, const std::string& nan) {
        for (double v : q)
            d::validate_probability(v, "q");
        const auto m_ = robstat::parse_quantile_method(method);
        const auto p = parse_nan_policy(nan);
        return with_float_array(a, [&](auto tag) -> py::object {
            using T = decltype(tag);
            const auto L = lane_layout::of<T>(a);
            auto shape = L.outer_shape;
            shape.push_back(static_cast<py::ssize_t>(q.size()));
            py::array_t<T> out(shape);
            T* o = out.mutable_data();
            const T* base = base_of<T>(a);
            std::size_t n_small = 0;
            {
                py::gil_scoped_release nogil;
                robstat::workspace<T> ws;
                L.for_each([&](std::size_t lane, std::ptrdiff_t off) {
                    d::quantile_lane<Arch>(
                        robstat::strided_span<const T> {base + off, L.lane_size, L.lane_stride},
                        q.data(), q.size(), m_, o + lane * q.size(), 1, p, ws);
                    n_small += ws.n_used == 0;
                });
            }
            return py::make_tuple(out, n_small);
        });
    }, py::arg("a"), py::arg("q"), py::arg("method"), py::arg("nan"));
    m.def("winsorize",
          [](const py::array& a, double lower, double upper, const std::string& nan) {
              const auto t = trim_of(lower, upper);
              d::validate_trim(t, "limits", false);
              const auto p = parse_nan_policy(nan);
              return transform_lanes(a, [&](auto x, auto* out, auto& ws) {
                  d::winsorize_lane<Arch>(x, t, out, p, ws);
              });
          }, py::arg("a"), py::arg("lower"), py::arg("upper"), py::arg("nan"));
    m.def("robust_zscore", [](const py::array& a, const std::string& nan) {
        const auto p = parse_nan_policy(nan);
        return transform_lanes(a, [&](auto x, auto* out, auto& ws) {
            d::zscore_lane<Arch>(x, 1.0, robstat::mad_normal_scale, out, p, ws);
        });
    }, py::arg("a"), py::arg("nan"));
    m.def("modified_zscore", [](const py::array& a, const std::string& nan) {
        const auto p = parse_nan_policy(nan);
        return transform_lanes(a, [&](auto x, auto* out, auto& ws) {
            d::zscore_lane<Arch>(x, robstat::modified_zscore_factor, 1.0, out, p, ws);
        });
    }, py::arg("a"), py::arg("nan"));
}
