// robstat._core: distribution fitting (include/robstat/fit.hpp). Fits are
// scalar code (special functions, Newton steps), not SIMD kernels: they run
// in this baseline translation unit, without the dispatch table, and the
// per-ISA objects never include robstat/fit.hpp (docs/fit.md). Glue only.
#include "glue.hpp"

#include <robstat/fit.hpp>

#include <array>
#include <cstdint>
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

/// A 1-d array as a strided_span (the array keeps the data alive); `what`
/// names the function in the internal error.
template <class T>
robstat::strided_span<T> span_1d(const py::array_t<T, py::array::forcecast>& a, const char* what)
{
    if (!a || a.ndim() != 1)
        throw std::invalid_argument(std::string("internal: ") + what + " expects 1-d arrays");
    return robstat::make_span(a.data(), static_cast<std::size_t>(a.shape(0)),
        a.strides(0) / static_cast<py::ssize_t>(sizeof(T)));
}

template <class T>
robstat::fit_result fit_typed(const py::array& a, const std::optional<py::array>& w,
    robstat::family fam, const robstat::fit_options& o, const double* bounds)
{
    const auto x = py::array_t<T, py::array::forcecast>::ensure(a);
    const auto xs = span_1d(x, "fit");
    if (w) {
        const auto wa = py::array_t<double, py::array::forcecast>::ensure(*w);
        const auto ws = span_1d(wa, "fit");
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

/// Work per value of a fit, in sum-equivalents for plan_threads: a few Newton
/// steps, each a pass evaluating special functions (measured: docs/fit.md,
/// "Batched fits").
constexpr std::size_t cost_fit = 64;

/// The per-segment results as arrays: params, se (m x k), cov (m x k x k), ...
py::dict batch_to_dict(const std::vector<robstat::fit_result>& rs, robstat::family fam)
{
    const auto& fi = robstat::info(fam);
    const std::size_t m = rs.size(), k = fi.k;
    py::array_t<double> params({ m, k }), se({ m, k }), cov({ m, k, k });
    py::array_t<double> loglik(m), aic(m), bic(m), n(m);
    py::array_t<bool> converged(m);
    py::array_t<std::int64_t> n_iter(m);
    py::list messages;
    std::vector<bool> fixed(k, false);
    bool have_fixed = false;
    for (std::size_t i = 0; i < m; ++i) {
        const auto& r = rs[i];
        std::copy(r.params.begin(), r.params.end(), params.mutable_data(i, 0));
        std::copy(r.se.begin(), r.se.end(), se.mutable_data(i, 0));
        std::copy(r.cov.begin(), r.cov.end(), cov.mutable_data(i, 0, 0));
        loglik.mutable_at(i) = r.loglik;
        aic.mutable_at(i) = r.aic;
        bic.mutable_at(i) = r.bic;
        n.mutable_at(i) = r.n;
        converged.mutable_at(i) = r.converged;
        n_iter.mutable_at(i) = r.n_iter;
        messages.append(r.message);
        if (!have_fixed && r.fixed.size() == k) { // (empty: a segment not fitted)
            fixed = r.fixed;
            have_fixed = true;
        }
    }
    py::list names;
    for (std::size_t i = 0; i < k; ++i)
        names.append(fi.params[i]);
    py::dict out;
    out["family"] = fi.name;
    out["names"] = names;
    out["fixed"] = fixed;
    out["params"] = params;
    out["se"] = se;
    out["cov"] = cov;
    out["loglik"] = loglik;
    out["aic"] = aic;
    out["bic"] = bic;
    out["n"] = n;
    out["converged"] = converged;
    out["n_iter"] = n_iter;
    out["message"] = messages;
    return out;
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
                if (fam != robstat::family::normal) // robstat.fit sends them to fit_censored
                    throw std::invalid_argument(
                        "internal: fit's truncation is fit_truncated_normal's (normal only)");
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
            const std::map<std::string, double>& fixed, const std::string& nan, int max_iter,
            const std::optional<std::array<std::optional<py::array>, 4>>& weights,
            const std::optional<std::pair<double, double>>& truncation) {
            const auto fam = robstat::parse_family(family);
            const robstat::fit_options o = options_of(fixed, nan, max_iter);
            using arr = py::array_t<double, py::array::forcecast>;
            const auto span = [](const arr& a) { return span_1d(a, "fit_censored"); };
            const arr ax = arr::ensure(x), al = arr::ensure(left), ar = arr::ensure(right),
                      alo = arr::ensure(lo), ahi = arr::ensure(hi);
            robstat::censored_sample<double> s;
            s.x = span(ax);
            s.left = span(al);
            s.right = span(ar);
            s.lo = span(alo);
            s.hi = span(ahi);
            std::array<arr, 4> aw; // kept alive until the fit returns
            robstat::strided_span<double>* ws[4] = { &s.w_x, &s.w_left, &s.w_right, &s.w_interval };
            if (weights)
                for (std::size_t i = 0; i < 4; ++i)
                    if ((*weights)[i]) {
                        aw[i] = arr::ensure(*(*weights)[i]);
                        *ws[i] = span(aw[i]);
                    }
            if (truncation) {
                s.lower = truncation->first;
                s.upper = truncation->second;
            }
            robstat::fit_result r;
            {
                py::gil_scoped_release nogil;
                r = robstat::fit(s, fam, o);
            }
            return to_dict(r);
        },
        py::arg("x"), py::arg("left"), py::arg("right"), py::arg("lo"), py::arg("hi"),
        py::arg("family"), py::arg("fixed"), py::arg("nan"), py::arg("max_iter") = 200,
        py::arg("weights") = py::none(), py::arg("truncation") = py::none());
    m.def(
        "fit_batch",
        [](const py::array& a, const std::optional<py::array>& w,
            const std::vector<std::size_t>& offsets, const std::string& family,
            const std::map<std::string, double>& fixed, const std::string& nan, int max_iter,
            const std::optional<std::pair<double, double>>& truncation, bool raise_errors,
            long workers) {
            const auto fam = robstat::parse_family(family);
            const robstat::fit_options o = options_of(fixed, nan, max_iter);
            robstat::batch_options b;
            if (truncation) {
                b.truncated = true;
                b.lower = truncation->first;
                b.upper = truncation->second;
            }
            b.raise_errors = raise_errors;
            const std::size_t m = offsets.empty() ? 0 : offsets.size() - 1;
            const auto run = [&](auto tag) {
                using T = decltype(tag);
                const auto x = py::array_t<T, py::array::forcecast>::ensure(a);
                const auto xs = span_1d(x, "fit_batch");
                py::array_t<double, py::array::forcecast> wa;
                robstat::strided_span<double> ws {};
                if (w) {
                    wa = py::array_t<double, py::array::forcecast>::ensure(*w);
                    ws = span_1d(wa, "fit_batch");
                }
                b.threads = plan_threads(m, m ? xs.size / m : 0, workers, cost_fit);
                py::gil_scoped_release nogil;
                return robstat::fit_segments(xs, ws, offsets, fam, o, b);
            };
            const auto rs = is_dtype(a, 'f', 4) ? run(float {}) : run(double {});
            return batch_to_dict(rs, fam);
        },
        py::arg("a"), py::arg("w"), py::arg("offsets"), py::arg("family"), py::arg("fixed"),
        py::arg("nan"), py::arg("max_iter") = 200, py::arg("truncation") = py::none(),
        py::arg("raise_errors") = false, py::arg("workers") = 1);
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
                const auto xs = span_1d(x, "gof");
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
