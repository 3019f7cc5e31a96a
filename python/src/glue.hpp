// Shared machinery of the robstat._core glue (baseline translation units
// only): the lanes of an array, the `workers` threads, running an entry of the
// active dispatch table, and the registration of binding parts.
//
// The module is split by topic: bindings.cpp defines the module and the core
// functions; every python/src/bind_<topic>.cpp adds its functions with
//     ROBSTAT_GLUE_PART(bind_topic) { m.def(...); }
// (CMake compiles every bind_*.cpp; no central list to edit). Glue only: the
// maths lives in include/robstat/.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

#ifdef __linux__
#include <sched.h>
#endif

#include <robstat/core/threads.hpp>
#include <robstat/robstat.hpp>

#include "dispatch/dispatch.hpp"
#include "dispatch/table.hpp"

namespace robstat_glue {

namespace py = pybind11;
namespace rd = robstat_dispatch;

/// The table chosen at import (set once, in the module initialiser).
inline const rd::table* g_active = nullptr;

// ---- lanes -------------------------------------------------------------------------

/// The lanes of an array along its last axis, in C order of the other axes.
struct lane_layout {
    std::vector<std::ptrdiff_t> outer_shape;
    std::vector<std::ptrdiff_t> outer_strides; // in elements
    std::size_t n_lanes = 1;
    std::size_t lane_size = 0;
    std::ptrdiff_t lane_stride = 1; // in elements

    template <class T> static lane_layout of(const py::array& a)
    {
        if (a.ndim() < 1)
            throw std::invalid_argument("internal: expected at least one dimension");
        if (static_cast<std::size_t>(a.ndim()) - 1 > rd::max_outer_ndim)
            throw std::invalid_argument("internal: too many dimensions");
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

    template <class T> rd::lanes<T> view(const T* base) const
    {
        return { base, n_lanes, lane_size, lane_stride, outer_shape.size(), outer_shape.data(),
            outer_strides.data(), nullptr, 0, nullptr };
    }
};

inline bool is_dtype(const py::array& a, char kind, py::ssize_t itemsize)
{
    return a.dtype().kind() == kind && a.itemsize() == itemsize;
}

/// Dispatch on float32 / float64 (the Python layer converts everything else).
template <class F> py::object with_float_array(const py::array& a, F&& f)
{
    if (is_dtype(a, 'f', 8))
        return f(double {});
    if (is_dtype(a, 'f', 4))
        return f(float {});
    throw py::type_error("internal: robstat._core expects float32 or float64 arrays");
}

// ---- workers -----------------------------------------------------------------------

/// Threads are only worth starting when each gets enough work: starting and
/// joining one costs ~100 us on a 2-vCPU VM, so a thread should get a few
/// hundred us of work. Work is counted in "sum-equivalent values": a value
/// costs ~0.4 ns in the sum-based lane functions (mean, var) and ~5-10 ns in
/// those that select order statistics (median, quantiles, trimmed means, MAD,
/// transforms). Measured break-even with 2 threads: mean ~600k values,
/// median ~30k values (docs/dispatch.md, "workers").
#ifndef ROBSTAT_MIN_WORK_PER_THREAD // (overridable, to measure it)
#define ROBSTAT_MIN_WORK_PER_THREAD (1u << 19)
#endif
inline constexpr std::size_t min_work_per_thread = ROBSTAT_MIN_WORK_PER_THREAD;
inline constexpr std::size_t cost_sum = 1;     ///< per value: mean, var
inline constexpr std::size_t cost_select = 16; ///< per value: everything that selects

/// CPUs this process may run on (its affinity mask, which honours taskset and
/// cgroup cpusets), falling back to std::thread::hardware_concurrency().
inline std::size_t usable_cpus()
{
#ifdef __linux__
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        const int n = CPU_COUNT(&set);
        if (n > 0)
            return static_cast<std::size_t>(n);
    }
#endif
    const unsigned n = std::thread::hardware_concurrency();
    return n ? n : 1;
}

/// workers >= 1: at most that many threads; -1: one per usable CPU; -2: all
/// but one, ... (SciPy's convention). 0 is an error.
inline std::size_t requested_workers(long workers)
{
    if (workers >= 1)
        return static_cast<std::size_t>(workers);
    if (workers < 0) {
        const auto cpus = static_cast<long>(usable_cpus());
        return static_cast<std::size_t>(std::max(1L, cpus + 1 + workers));
    }
    throw std::invalid_argument("workers must be a positive number of threads, or -1 for one "
                                "per CPU (-2 for all but one, ...); got 0");
}

/// Number of threads for n_lanes lanes of lane_size values costing `cost`
/// each: never more than the lanes, nor than one per min_work_per_thread.
inline std::size_t plan_threads(
    std::size_t n_lanes, std::size_t lane_size, long workers, std::size_t cost = cost_select)
{
    const std::size_t want = requested_workers(workers);
    if (want <= 1 || n_lanes < 2)
        return 1;
    const double work = static_cast<double>(n_lanes)
        * static_cast<double>(std::max<std::size_t>(lane_size, 1)) * static_cast<double>(cost);
    const auto by_work = static_cast<std::size_t>(
        std::max(1.0, std::min(work / static_cast<double>(min_work_per_thread), 1e9)));
    return std::min({ want, n_lanes, by_work });
}

/// Splits lanes over threads (robstat/core/threads.hpp).
using robstat::detail::run_blocks;

// ---- running a table entry ---------------------------------------------------------

template <class T> rd::block_fn<T> fn_of(const rd::entry& e)
{
    if constexpr (std::is_same_v<T, float>)
        return e.f32;
    else
        return e.f64;
}

/// Runs one entry of the active table over every lane of `a`. Returns
/// (result array, number of small lanes); the result's shape follows the
/// entry's kind: the outer shape (reduce), outer shape + (nq,) (quantile), the
/// input's shape in C order (transform), or outer shape + (lane_size + nq,)
/// (labels). `weights`, for the weighted entries, has the dtype and shape of
/// `a` (the Python layer casts and broadcasts it; any strides).
inline py::object run(const py::array& a, rd::entry rd::table::*which, const rd::lane_args& args,
    long workers, std::size_t cost = cost_select, const py::array* weights = nullptr)
{
    const rd::entry& e = g_active->*which;
    return with_float_array(a, [&](auto tag) -> py::object {
        using T = decltype(tag);
        const auto L = lane_layout::of<T>(a);
        std::optional<lane_layout> WL;
        if (weights) {
            if (weights->dtype().kind() != a.dtype().kind() || weights->itemsize() != a.itemsize()
                || weights->ndim() != a.ndim()
                || !std::equal(a.shape(), a.shape() + a.ndim(), weights->shape()))
                throw std::invalid_argument(
                    "internal: weights must have the dtype and shape of the data");
            WL = lane_layout::of<T>(*weights);
        }
        std::vector<py::ssize_t> shape(L.outer_shape.begin(), L.outer_shape.end());
        switch (e.k) {
        case rd::kind::reduce:
            break;
        case rd::kind::quantile:
            shape.push_back(static_cast<py::ssize_t>(args.nq));
            break;
        case rd::kind::transform:
            shape.assign(a.shape(), a.shape() + a.ndim());
            break;
        case rd::kind::labels:
            shape.push_back(static_cast<py::ssize_t>(L.lane_size + args.nq));
            break;
        case rd::kind::groups:
            throw std::logic_error("internal: a groups entry runs through its own binding");
        }
        const std::size_t n_threads = plan_threads(L.n_lanes, L.lane_size, workers, cost);
        py::array_t<T> out(shape);
        T* o = out.mutable_data();
        rd::lanes<T> lanes = L.view(static_cast<const T*>(a.data()));
        if (WL) {
            lanes.w_base = static_cast<const T*>(weights->data());
            lanes.w_lane_stride = WL->lane_stride;
            lanes.w_outer_strides = WL->outer_strides.data();
        }
        const rd::block_fn<T> fn = fn_of<T>(e);
        std::size_t n_small = 0;
        {
            py::gil_scoped_release nogil;
            n_small = run_blocks(L.n_lanes, n_threads,
                [&](std::size_t b, std::size_t end) { return fn(lanes, b, end, args, o); });
        }
        return py::make_tuple(out, n_small);
    });
}

inline rd::lane_args args_with_nan(const std::string& nan)
{
    rd::lane_args a {};
    a.nan = static_cast<int>(robstat::parse_nan_policy(nan));
    a.scale = 1.0;
    a.factor = 1.0;
    return a;
}

// ---- binding parts -----------------------------------------------------------------

using part_fn = void (*)(py::module_&);

/// The binding parts of every bind_<topic>.cpp, registered by static
/// initialisers (which run when the shared object is loaded, before the module
/// initialiser calls them).
inline std::vector<part_fn>& parts()
{
    static std::vector<part_fn> p;
    return p;
}

struct register_part {
    explicit register_part(part_fn f) { parts().push_back(f); }
};

} // namespace robstat_glue

/// Defines a binding part: ROBSTAT_GLUE_PART(bind_topic) { m.def(...); }
#define ROBSTAT_GLUE_PART(name)                                                                    \
    static void name(pybind11::module_& m);                                                        \
    static const ::robstat_glue::register_part name##_registration { &name };                      \
    static void name([[maybe_unused]] pybind11::module_& m)
