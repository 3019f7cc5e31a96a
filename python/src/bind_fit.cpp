// robstat._core: distribution fitting (include/robstat/fit.hpp). Fits are
// scalar code (special functions, Newton steps), not SIMD kernels: they run
// in this baseline translation unit, without the dispatch table, and the
// per-ISA objects never include robstat/fit.hpp (docs/fit.md). Glue only.
#include "glue.hpp"

#include <robstat/fit.hpp>

#include <map>

namespace py = pybind11;
using namespace robstat_glue;

namespace {

py::dict to_dict(const robstat::fit_result& r)
{
    py::dict out;
    const std::size_t k = r.params.size();
    out["family"] = robstat::info(r.family).name;
    out["names"] = r.names;
    out["params"] = r.params;
    out["se"] = r.se;
    out["fixed"] = r.fixed;
    py::array_t<double> cov({ k, k });
    std::copy(r.cov.begin(), r.cov.end(), cov.mutable_data());
    out["cov"] = cov;
    out["loglik"] = r.loglik;
    out["aic"] = r.aic;
    out["bic"] = r.bic;
    out["n"] = r.n;
    out["converged"] = r.converged;
    out["n_iter"] = r.n_iter;
    out["message"] = r.message;
    return out;
}

template <class T>
robstat::fit_result fit_typed(const py::array& a, const std::optional<py::array>& w,
    robstat::family fam, const robstat::fit_options& o, const double* bounds)
{
    const auto x = py::array_t<T, py::array::forcecast>::ensure(a);
    if (!x || x.ndim() != 1)
        throw std::invalid_argument("internal: fit expects a 1-d array");
    const auto xs = robstat::make_span(x.data(), static_cast<std::size_t>(x.shape(0)),
        x.strides(0) / static_cast<py::ssize_t>(sizeof(T)));
    if (w) {
        const auto wa = py::array_t<double, py::array::forcecast>::ensure(*w);
        if (!wa || wa.ndim() != 1)
            throw std::invalid_argument("internal: fit expects 1-d weights");
        const auto ws = robstat::make_span(wa.data(), static_cast<std::size_t>(wa.shape(0)),
            wa.strides(0) / static_cast<py::ssize_t>(sizeof(double)));
        py::gil_scoped_release nogil;
        if (bounds)
            return robstat::fit_truncated_normal(xs, ws, bounds[0], bounds[1], o);
        return robstat::fit(xs, ws, fam, o);
    }
    py::gil_scoped_release nogil;
    if (bounds)
        return robstat::fit_truncated_normal(xs, bounds[0], bounds[1], o);
    return robstat::fit(xs, fam, o);
}

/// The fit options from the Python arguments.
robstat::fit_options options_of(
    const std::map<std::string, double>& fixed, const std::string& nan, int max_iter)
{
    robstat::fit_options o;
    o.nan = robstat::parse_nan_policy(nan);
    for (const auto& kv : fixed)
        o.fixed.emplace_back(kv.first, kv.second);
    if (max_iter < 1)
        throw std::invalid_argument("max_iter must be >= 1");
    o.max_iter = max_iter;
    return o;
}

} // namespace

ROBSTAT_GLUE_PART(bind_fit)
{
    m.def(
        "fit",
        [](const py::array& a, const std::optional<py::array>& w, const std::string& family,
            const std::map<std::string, double>& fixed, const std::string& nan, int max_iter,
            const std::optional<std::pair<double, double>>& truncation) {
            const auto fam = robstat::parse_family(family);
            const robstat::fit_options o = options_of(fixed, nan, max_iter);
            const double* bounds = nullptr;
            double b[2];
            if (truncation) {
                if (fam != robstat::family::normal)
                    throw std::invalid_argument(
                        "truncation is implemented for the normal family only");
                b[0] = truncation->first;
                b[1] = truncation->second;
                bounds = b;
            }
            const auto r = is_dtype(a, 'f', 4) ? fit_typed<float>(a, w, fam, o, bounds)
                                               : fit_typed<double>(a, w, fam, o, bounds);
            return to_dict(r);
        },
        py::arg("a"), py::arg("w"), py::arg("family"), py::arg("fixed"), py::arg("nan"),
        py::arg("max_iter") = 200, py::arg("truncation") = py::none());
    m.def(
        "fit_censored",
        [](const py::array& x, const py::array& left, const py::array& right, const py::array& lo,
            const py::array& hi, const std::string& family,
            const std::map<std::string, double>& fixed, const std::string& nan, int max_iter) {
            const auto fam = robstat::parse_family(family);
            const robstat::fit_options o = options_of(fixed, nan, max_iter);
            using arr = py::array_t<double, py::array::forcecast>;
            const arr ax = arr::ensure(x), al = arr::ensure(left), ar = arr::ensure(right),
                      alo = arr::ensure(lo), ahi = arr::ensure(hi);
            const auto span = [](const arr& a) {
                if (!a || a.ndim() != 1)
                    throw std::invalid_argument("internal: fit_censored expects 1-d arrays");
                return robstat::make_span(a.data(), static_cast<std::size_t>(a.shape(0)),
                    a.strides(0) / static_cast<py::ssize_t>(sizeof(double)));
            };
            robstat::censored_sample<double> s;
            s.x = span(ax);
            s.left = span(al);
            s.right = span(ar);
            s.lo = span(alo);
            s.hi = span(ahi);
            robstat::fit_result r;
            {
                py::gil_scoped_release nogil;
                r = robstat::fit(s, fam, o);
            }
            return to_dict(r);
        },
        py::arg("x"), py::arg("left"), py::arg("right"), py::arg("lo"), py::arg("hi"),
        py::arg("family"), py::arg("fixed"), py::arg("nan"), py::arg("max_iter") = 200);
    m.def(
        "gof",
        [](const py::array& a, const std::string& family, const std::vector<double>& params,
            const std::string& nan) {
            robstat::fit_result f;
            f.family = robstat::parse_family(family);
            f.params = params;
            robstat::options o;
            o.nan = robstat::parse_nan_policy(nan);
            const auto run_gof = [&](auto tag) {
                using T = decltype(tag);
                const auto x = py::array_t<T, py::array::forcecast>::ensure(a);
                if (!x || x.ndim() != 1)
                    throw std::invalid_argument("internal: gof expects a 1-d array");
                const auto xs = robstat::make_span(x.data(), static_cast<std::size_t>(x.shape(0)),
                    x.strides(0) / static_cast<py::ssize_t>(sizeof(T)));
                py::gil_scoped_release nogil;
                return robstat::gof(xs, f, o);
            };
            const auto r = is_dtype(a, 'f', 4) ? run_gof(float {}) : run_gof(double {});
            return py::make_tuple(r.ks, r.ks_pvalue, r.ad, r.ad_pvalue, r.cvm, r.cvm_pvalue);
        },
        py::arg("a"), py::arg("family"), py::arg("params"), py::arg("nan"));
    m.def("fit_families", []() {
        py::list out;
        for (auto f : robstat::all_families) {
            const auto& fi = robstat::info(f);
            py::list names;
            for (std::size_t i = 0; i < fi.k; ++i)
                names.append(fi.params[i]);
            out.append(py::make_tuple(
                fi.name, fi.scipy_name, names, fi.loc_fixed_by_default, fi.positive_support));
        }
        return out;
    });
}
