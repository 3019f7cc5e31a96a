"""Distribution fitting: robstat.fit / robstat.fit_best.

Oracles: the high-precision MLEs of tests/data/fit_reference.json (mpmath, the
score equations solved at 50 digits by tests/tools/make_fit_reference.py),
SciPy's ``<family>.fit`` (robstat's log-likelihood never worse), the closed
forms of the standard errors (normal, exponential), a central-difference
Hessian of SciPy's log-density (the other families) and a seeded coverage
simulation of the 95% Wald intervals."""

from __future__ import annotations

import json
import math
import os
import warnings

import numpy as np
import pytest
import robstat
import scipy.stats as st

DATA = os.path.join(os.path.dirname(__file__), "..", "data")

with open(os.path.join(DATA, "fit_reference.json")) as _f:
    REFERENCE = json.load(_f)

# scipy's keyword for a fixed parameter
_SCIPY_FIX = {"loc": "floc", "scale": "fscale"}
SCIPY_FIXED = {"lognormal": {"loc": 0.0}, "gamma": {"loc": 0.0}, "weibull": {"loc": 0.0},
               "genpareto": {"loc": 0.0}}


def sample(family, n, rng):
    return {
        "normal": lambda: rng.normal(1, 2, n),
        "lognormal": lambda: rng.lognormal(0.3, 0.7, n),
        "exponential": lambda: 1 + rng.exponential(2, n),
        "gamma": lambda: rng.gamma(2.5, 1.7, n),
        "weibull": lambda: 2 * rng.weibull(1.7, n),
        "t": lambda: 1 + 2 * rng.standard_t(3, n),
        "laplace": lambda: rng.laplace(1, 2, n),
        "logistic": lambda: rng.logistic(1, 2, n),
        "cauchy": lambda: 1 + 2 * rng.standard_cauchy(n),
        "genpareto": lambda: st.genpareto(0.2, scale=1.5).rvs(n, random_state=rng),
    }[family]()


def scipy_fit(family, x, fixed):
    kw = {_SCIPY_FIX.get(k, "f" + k): v for k, v in fixed.items()}
    dist = getattr(st, robstat.fit(x, family, fixed=fixed).scipy_name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = dist.fit(x, **kw)
    return dist, p


# ---- the high-precision reference -------------------------------------------------


@pytest.mark.parametrize("case", REFERENCE["cases"], ids=[c["label"] for c in REFERENCE["cases"]])
def test_reference_mle(case):
    x = np.array([float(v) for v in case["x"]])
    r = robstat.fit(x, case["family"], fixed=case["fixed"], weights=case["weights"],
                    truncation=case.get("truncation"))
    assert r.converged, r.message
    for k, v in case["params"].items():
        assert r.params[k] == pytest.approx(float(v), rel=1e-8, abs=1e-300), k
    assert r.loglik == pytest.approx(float(case["loglik"]), rel=1e-12)
    assert set(r.fixed) == set(case["fixed"])


def test_reference_header():
    assert REFERENCE["generator"] == "tests/tools/make_fit_reference.py"
    assert "mpmath" in REFERENCE["versions"]
    assert {c["family"] for c in REFERENCE["cases"]} == set(robstat.FAMILIES)


# ---- against SciPy ----------------------------------------------------------------


@pytest.mark.parametrize("n", [100, 10_000])
@pytest.mark.parametrize("family", robstat.FAMILIES)
def test_loglik_not_worse_than_scipy(family, n):
    rng = np.random.default_rng(n + len(family))
    x = sample(family, n, rng)
    fixed = SCIPY_FIXED.get(family, {})
    r = robstat.fit(x, family)
    assert r.converged, r.message
    dist, p = scipy_fit(family, x, fixed)
    ll_scipy = dist.logpdf(x, *p).sum()
    # robstat's own loglik is the log-likelihood of its parameters
    assert r.loglik == pytest.approx(r.dist().logpdf(x).sum(), rel=1e-12)
    assert r.loglik >= ll_scipy - 1e-9 * abs(ll_scipy)


@pytest.mark.parametrize("family", ["normal", "lognormal", "exponential", "laplace", "gamma"])
def test_loglik_not_worse_than_scipy_1e6(family):
    x = sample(family, 1_000_000, np.random.default_rng(6))
    r = robstat.fit(x, family)
    dist, p = scipy_fit(family, x, SCIPY_FIXED.get(family, {}))
    ll_scipy = dist.logpdf(x, *p).sum()
    assert r.loglik >= ll_scipy - 1e-9 * abs(ll_scipy)


@pytest.mark.parametrize("family,fixed", [
    ("normal", {"loc": 0.5}), ("normal", {"scale": 3.0}), ("t", {"df": 5.0}),
    ("gamma", {"scale": 2.0}), ("gamma", {"a": 2.0}), ("weibull", {"c": 1.5}),
    ("weibull", {"scale": 2.2}), ("logistic", {"scale": 1.5}), ("cauchy", {"loc": 1.0}),
    ("exponential", {"loc": 0.0}), ("lognormal", {"scale": 1.2}), ("laplace", {"scale": 2.5}),
])
def test_fixed_params_against_scipy(family, fixed):
    x = sample(family, 500, np.random.default_rng(11))
    r = robstat.fit(x, family, fixed=fixed)
    assert r.converged, r.message
    for k, v in fixed.items():
        assert r.params[k] == v
        assert r.se[k] == 0
    allfixed = {**SCIPY_FIXED.get(family, {}), **fixed}
    dist, p = scipy_fit(family, x, allfixed)
    ll_scipy = dist.logpdf(x, *p).sum()
    assert r.loglik >= ll_scipy - 1e-9 * abs(ll_scipy)
    k_free = len(r.params) - len(r.fixed)
    assert r.aic == pytest.approx(2 * k_free - 2 * r.loglik)
    assert r.bic == pytest.approx(k_free * math.log(r.n) - 2 * r.loglik)


def test_scipy_names_accepted():
    x = sample("weibull", 200, np.random.default_rng(2))
    assert robstat.fit(x, "weibull_min").params == robstat.fit(x, "weibull").params
    assert robstat.fit(x, "norm").family == "normal"


# ---- standard errors -----------------------------------------------------------------


def test_se_closed_form_normal():
    x = sample("normal", 1000, np.random.default_rng(3))
    r = robstat.fit(x, "normal")
    s, n = r.params["scale"], len(x)
    assert r.se["loc"] == pytest.approx(s / math.sqrt(n), rel=1e-12)
    assert r.se["scale"] == pytest.approx(s / math.sqrt(2 * n), rel=1e-12)
    assert r.cov[0, 1] == pytest.approx(0, abs=1e-15)


def test_se_closed_form_exponential():
    x = sample("exponential", 1000, np.random.default_rng(4))
    n = len(x)
    r = robstat.fit(x, "exponential")
    s = r.params["scale"]
    assert r.se["loc"] == pytest.approx(s / n, rel=1e-12)
    assert r.se["scale"] == pytest.approx(s * math.sqrt(n - 1) / n, rel=1e-12)
    r = robstat.fit(x, "exponential", fixed={"loc": 1.0})
    assert r.se["scale"] == pytest.approx(r.params["scale"] / math.sqrt(n), rel=1e-12)


def numeric_cov(family, r, x):
    """Inverse of minus the central-difference Hessian of SciPy's log-likelihood."""
    dist = getattr(st, r.scipy_name)
    names = list(r.params)
    free = [k for k in names if k not in r.fixed]
    p0 = np.array([r.params[k] for k in free])

    def ll(v):
        p = dict(r.params)
        p.update(zip(free, v))
        return dist.logpdf(x, **p).sum()

    k = len(free)
    H = np.empty((k, k))
    h = 1e-4 * np.abs(p0)
    for i in range(k):
        for j in range(k):
            def at(di, dj, i=i, j=j):
                v = p0.copy()
                v[i] += di * h[i]
                v[j] += dj * h[j]
                return ll(v)
            H[i, j] = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h[i] * h[j])
    idx = [names.index(k) for k in free]
    return np.linalg.inv(-H), idx


@pytest.mark.parametrize("family", ["lognormal", "gamma", "weibull", "t", "logistic", "cauchy",
                                    "normal", "genpareto"])
def test_cov_is_inverse_observed_information(family):
    x = sample(family, 2000, np.random.default_rng(5))
    r = robstat.fit(x, family)
    cov, idx = numeric_cov(family, r, x)
    np.testing.assert_allclose(r.cov[np.ix_(idx, idx)], cov, rtol=2e-4,
                               atol=1e-6 * np.abs(cov).max())
    np.testing.assert_allclose([r.se[k] for k in r.params],
                               np.sqrt(np.diag(r.cov)), rtol=1e-14)


@pytest.mark.parametrize("family,truth,n", [
    ("gamma", {"a": 2.5, "loc": 0.0, "scale": 1.7}, 200),
    ("t", {"df": 4.0, "loc": 1.0, "scale": 2.0}, 300),
])
def test_se_coverage(family, truth, n):
    """Seeded coverage of the 95% Wald intervals: 400 replications, so the
    coverage has a standard deviation of 1.1%; accepted within [0.92, 0.98]."""
    rng = np.random.default_rng(7)
    dist = getattr(st, {"gamma": "gamma", "t": "t"}[family])(**truth)
    hits = {k: 0 for k in truth if k != "loc" or family == "t"}
    reps = 400
    for _ in range(reps):
        x = dist.rvs(n, random_state=rng)
        r = robstat.fit(x, family)
        assert r.converged
        for k in hits:
            hits[k] += abs(r.params[k] - truth[k]) <= 1.959964 * r.se[k]
    for k, h in hits.items():
        if family == "t" and k == "df":
            continue  # df's Wald interval is poor at this n (skewed sampling distribution)
        assert 0.92 <= h / reps <= 0.98, (k, h / reps)


# ---- weights, fixed, float32 -----------------------------------------------------------


@pytest.mark.parametrize("family", robstat.FAMILIES)
def test_integer_weights_equal_repeats(family):
    rng = np.random.default_rng(8)
    x = sample(family, 60, rng)
    w = rng.integers(0, 4, x.size)
    a = robstat.fit(x, family, weights=w)
    b = robstat.fit(np.repeat(x, w), family)
    assert a.n == b.n == w.sum()
    for k in a.params:
        assert a.params[k] == pytest.approx(b.params[k], rel=1e-10), k
        assert a.se[k] == pytest.approx(b.se[k], rel=1e-7), k
    assert a.loglik == pytest.approx(b.loglik, rel=1e-12)
    assert a.aic == pytest.approx(b.aic, rel=1e-12)


def test_weights_validation():
    x = np.arange(1.0, 6.0)
    with pytest.raises(ValueError, match="weights"):
        robstat.fit(x, "normal", weights=[1, 1, -1, 1, 1])
    with pytest.raises(ValueError, match="weights"):
        robstat.fit(x, "normal", weights=[1, 1, np.nan, 1, 1])
    with pytest.raises(ValueError, match="shape"):
        robstat.fit(x, "normal", weights=[1, 1])
    # zero weights drop the value, even outside the support
    a = robstat.fit([-1.0, 1.0, 2.0, 4.0], "gamma", weights=[0, 1, 1, 1])
    b = robstat.fit([1.0, 2.0, 4.0], "gamma")
    assert a.params == b.params


def test_float32_input():
    x = sample("gamma", 500, np.random.default_rng(9)).astype(np.float32)
    a = robstat.fit(x, "gamma")
    b = robstat.fit(x.astype(np.float64), "gamma")
    assert a.params == b.params
    assert isinstance(a.params["a"], float)


def test_input_not_modified_and_strided():
    x = sample("logistic", 400, np.random.default_rng(10))
    keep = x.copy()
    a = robstat.fit(x[::2], "logistic")
    np.testing.assert_array_equal(x, keep)
    b = robstat.fit(np.ascontiguousarray(x[::2]), "logistic")
    assert a.params == b.params
    c = robstat.fit(x[::2][::-1], "logistic")  # negative stride
    assert c.params == pytest.approx(b.params, rel=1e-12)


# ---- degenerate input ------------------------------------------------------------


@pytest.mark.parametrize("family", robstat.FAMILIES)
def test_too_few_and_constant(family):
    with pytest.raises(ValueError, match="at least 2"):
        robstat.fit([1.5], family)
    with pytest.raises(ValueError, match="at least 2"):
        robstat.fit([], family)
    with pytest.raises(ValueError, match="constant"):
        robstat.fit([2.0, 2.0, 2.0], family)


@pytest.mark.parametrize("family", ["lognormal", "gamma", "weibull", "genpareto"])
def test_outside_support(family):
    with pytest.raises(ValueError, match="support"):
        robstat.fit([-1.0, 1.0, 2.0], family)
    if family != "genpareto":  # x >= loc
        with pytest.raises(ValueError, match="support"):
            robstat.fit([0.0, 1.0, 2.0], family)
    with pytest.raises(ValueError, match="support"):
        robstat.fit([1.5, 2.0, 3.0], family, fixed={"loc": 1.7})


def test_exponential_support_with_fixed_loc():
    with pytest.raises(ValueError, match="support"):
        robstat.fit([0.5, 1.0, 2.0], "exponential", fixed={"loc": 1.0})
    r = robstat.fit([1.0, 1.0, 2.0], "exponential", fixed={"loc": 1.0})
    assert r.params["scale"] == pytest.approx(1 / 3)


@pytest.mark.parametrize("family", robstat.FAMILIES)
def test_nan_policies(family):
    x = sample(family, 50, np.random.default_rng(12))
    xn = np.append(x, np.nan)
    r = robstat.fit(xn, family)
    assert not r.converged and "nan" in r.message
    assert all(math.isnan(v) for k, v in r.params.items() if k not in r.fixed)
    assert math.isnan(r.loglik)
    with pytest.raises(ValueError, match="nan"):
        robstat.fit(xn, family, nan_policy="raise")
    assert robstat.fit(xn, family, nan_policy="omit").params == robstat.fit(x, family).params


@pytest.mark.parametrize("bad", [np.inf, -np.inf])
def test_inf_is_an_error(bad):
    with pytest.raises(ValueError, match="infinite"):
        robstat.fit([1.0, 2.0, bad], "normal", nan_policy="omit")


def test_bad_arguments():
    x = [1.0, 2.0, 3.5]
    with pytest.raises(ValueError, match="family must be one of"):
        robstat.fit(x, "gumbel")
    with pytest.raises(ValueError, match="no parameter 'df'"):
        robstat.fit(x, "normal", fixed={"df": 3})
    with pytest.raises(ValueError, match="must be > 0"):
        robstat.fit(x, "normal", fixed={"scale": -1})
    with pytest.raises(ValueError, match="method"):
        robstat.fit(x, "normal", method="mm")
    with pytest.raises(ValueError, match="nan_policy"):
        robstat.fit(x, "normal", nan_policy="drop")
    with pytest.raises(TypeError):
        robstat.fit(["a", "b"], "normal")


def test_t_on_light_tails_reports_divergence():
    x = np.random.default_rng(13).uniform(size=2000)
    with pytest.warns(robstat.ConvergenceWarning, match="df"):
        r = robstat.fit(x, "t")
    assert not r.converged
    assert "df" in r.message
    # with df fixed it is a regular fit
    assert robstat.fit(x, "t", fixed={"df": 30.0}).converged


def test_all_fixed_only_evaluates():
    x = [0.5, 1.0, 2.0]
    r = robstat.fit(x, "normal", fixed={"loc": 1.0, "scale": 2.0})
    assert r.converged and r.n_iter == 0
    assert r.loglik == pytest.approx(st.norm(1, 2).logpdf(x).sum())
    assert r.aic == pytest.approx(-2 * r.loglik)


# ---- result object, fit_best -------------------------------------------------------------


def test_result_object():
    x = sample("weibull", 300, np.random.default_rng(14))
    r = robstat.fit(x, "weibull")
    assert r.family == "weibull" and r.scipy_name == "weibull_min"
    assert list(r.params) == ["c", "loc", "scale"]
    assert r.fixed == ("loc",)
    assert r.cov.shape == (3, 3) and np.all(r.cov[1] == 0)
    assert r.n == 300 and isinstance(r.n, int)
    d = r.to_dict()
    assert json.loads(json.dumps(d))["params"] == r.params
    with pytest.raises(AttributeError):  # dataclasses.FrozenInstanceError
        r.family = "normal"  # frozen
    assert r.dist().logpdf(x).sum() == pytest.approx(r.loglik, rel=1e-12)


def test_fit_best_picks_the_generating_family():
    x = sample("gamma", 3000, np.random.default_rng(15))
    best = robstat.fit_best(x)
    assert best.family == "gamma"
    assert [row["family"] for row in best.table][0] == "gamma"
    aics = [row["aic"] for row in best.table if not row["error"]]
    assert aics == sorted(aics)
    assert len(best.table) == len(robstat.FAMILIES)
    bic = robstat.fit_best(x, ["normal", "gamma", "lognormal"], criterion="bic")
    assert bic.family == "gamma" and len(bic.table) == 3


def test_fit_best_skips_impossible_families():
    x = sample("normal", 500, np.random.default_rng(16))
    x[0] = -5.0
    best = robstat.fit_best(x, ["normal", "gamma", "lognormal", "weibull", "logistic"])
    assert best.family in ("normal", "logistic")
    errors = {row["family"]: row["error"] for row in best.table}
    for fam in ("gamma", "lognormal", "weibull"):
        assert "support" in errors[fam]
    assert [row["family"] for row in best.table][-3:] == ["gamma", "lognormal", "weibull"]
    with pytest.raises(ValueError, match="no family could be fitted"):
        robstat.fit_best(x, ["gamma", "weibull"])
    with pytest.raises(ValueError, match="criterion"):
        robstat.fit_best(x, criterion="hqic")


# ---- truncated samples (normal) ------------------------------------------------------


def test_truncated_normal():
    y = np.random.default_rng(17).normal(1, 2, 20_000)
    x = y[(y > -1) & (y < 4)]
    r = robstat.fit(x, "normal", truncation=(-1, 4))
    assert r.converged, r.message
    assert r.truncation == (-1.0, 4.0)
    # the truncated likelihood recovers the untruncated parameters
    assert abs(r.params["loc"] - 1) < 4 * r.se["loc"]
    assert abs(r.params["scale"] - 2) < 4 * r.se["scale"]
    d = r.dist()
    assert d.dist.name == "truncnorm"
    assert d.logpdf(x).sum() == pytest.approx(r.loglik, rel=1e-12)
    # observed information against a numerical Hessian of scipy's truncnorm
    def ll(v):
        loc, s = v
        return st.truncnorm.logpdf(x, (-1 - loc) / s, (4 - loc) / s, loc, s).sum()
    p0 = np.array([r.params["loc"], r.params["scale"]])
    h = 1e-4 * p0
    H = np.empty((2, 2))
    for i in range(2):
        for j in range(2):
            def at(di, dj, i=i, j=j):
                v = p0.copy()
                v[i] += di * h[i]
                v[j] += dj * h[j]
                return ll(v)
            H[i, j] = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h[i] * h[j])
    np.testing.assert_allclose(r.cov, np.linalg.inv(-H), rtol=1e-3)
    # one-sided, and a bound that cuts nothing reproduces the plain fit
    up = y[y > 2]
    r1 = robstat.fit(up, "normal", truncation=(2, np.inf))
    assert r1.converged and abs(r1.params["loc"] - 1) < 4 * r1.se["loc"]
    plain = robstat.fit(x, "normal")
    wide = robstat.fit(x, "normal", truncation=(-1e6, 1e6))
    assert wide.params == pytest.approx(plain.params, rel=1e-9)


def test_truncated_normal_errors():
    x = [0.5, 1.0, 2.0]
    with pytest.raises(ValueError, match="outside"):
        robstat.fit(x, "normal", truncation=(0.6, 3))
    with pytest.raises(ValueError, match="lo < hi"):
        robstat.fit(x, "normal", truncation=(3, 0))
    with pytest.raises(ValueError, match="gamma.*truncated data are not supported"):
        robstat.fit(x, "gamma", truncation=(0, 3))
    with pytest.raises(TypeError, match="pair"):
        robstat.fit(x, "normal", truncation=5)
    r = robstat.fit(x, "normal", truncation=(0, 3), fixed={"scale": 1.0})
    assert r.params["scale"] == 1.0 and r.se["scale"] == 0


# ---- goodness of fit -----------------------------------------------------------------


def _uniform_ks_ad_cvm(u):
    """Brute-force statistics of sorted uniforms (the definitions)."""
    n = u.size
    i = np.arange(1, n + 1)
    d = max((i / n - u).max(), (u - (i - 1) / n).max())
    a2 = -n - ((2 * i - 1) * (np.log(u) + np.log1p(-u[::-1]))).sum() / n
    w2 = 1 / (12 * n) + ((u - (2 * i - 1) / (2 * n)) ** 2).sum()
    return d, a2, w2


@pytest.mark.parametrize("family", robstat.FAMILIES)
def test_gof_statistics_definitions(family):
    x = sample(family, 300, np.random.default_rng(18))
    # (the exponential's loc = min(x) puts F = 0 at a value: A² infinite)
    r = robstat.fit(x, family, fixed={"loc": 0.9} if family == "exponential" else None)
    g = robstat.gof(x, r)
    u = np.sort(r.dist().cdf(x))
    d, a2, w2 = _uniform_ks_ad_cvm(u)
    assert g.statistic["ks"] == pytest.approx(d, rel=1e-9)
    assert g.statistic["ad"] == pytest.approx(a2, rel=1e-7)
    assert g.statistic["cvm"] == pytest.approx(w2, rel=1e-7)
    assert g.method == "specified" and g.n == 300
    # KS p-value against SciPy's exact one-sample KS (fully specified), within
    # the accuracy of the asymptotic series with Stephens' factor
    assert g.pvalue["ks"] == pytest.approx(st.kstest(x, r.dist().cdf).pvalue, abs=0.01)
    assert g.pvalue["cvm"] == pytest.approx(st.cramervonmises(x, r.dist().cdf).pvalue, abs=0.01)


def test_gof_pvalues_uniform_under_the_null():
    """Fully specified null: p-values of 2000 seeded samples of n = 50 are
    uniform (KS test of the p-values at the 0.1% level; the deciles within
    0.035 of their nominal values)."""
    rng = np.random.default_rng(19)
    fit = robstat.fit(rng.gamma(2.0, 1.0, 1000), "gamma")
    dist = fit.dist()
    pv = {"ks": [], "ad": [], "cvm": []}
    for _ in range(2000):
        g = robstat.gof(dist.rvs(50, random_state=rng), fit)
        for k in pv:
            pv[k].append(g.pvalue[k])
    for k, v in pv.items():
        v = np.array(v)
        assert st.kstest(v, "uniform").pvalue > 1e-3, k
        for q in (0.05, 0.1, 0.5):
            assert abs((v <= q).mean() - q) < 0.035, (k, q)


def test_gof_bootstrap_estimated_parameters():
    rng = np.random.default_rng(20)
    x = rng.weibull(1.5, 200)
    r = robstat.fit(x, "weibull")
    g = robstat.gof(x, r, n_boot=199, seed=1)
    assert g.method == "parametric bootstrap" and g.n_boot == 199
    assert all(0 < p <= 1 for p in g.pvalue.values())
    # reproducible with the seed
    assert robstat.gof(x, r, n_boot=199, seed=1).pvalue == g.pvalue
    # a wrong family is rejected
    y = rng.lognormal(0, 1.0, 300)
    bad = robstat.gof(y, robstat.fit(y, "normal"), n_boot=99, seed=2)
    assert bad.pvalue["ad"] <= 0.02 and bad.pvalue["cvm"] <= 0.02


def test_gof_nan_and_errors():
    x = np.array([0.5, 1.0, 2.0, np.nan])
    r = robstat.fit(x, "normal", nan_policy="omit")
    g = robstat.gof(x, r)
    assert math.isnan(g.statistic["ks"])
    assert not math.isnan(robstat.gof(x, r, nan_policy="omit").statistic["ks"])
    with pytest.raises(ValueError, match="nan"):
        robstat.gof(x, r, nan_policy="raise")
    with pytest.raises(TypeError):
        robstat.gof(x, {"loc": 0})
    tr = robstat.fit([0.5, 1.0, 2.0], "normal", truncation=(0, 3))
    with pytest.raises(ValueError, match="truncated"):
        robstat.gof([0.5, 1.0], tr)


def test_genpareto_shape_below_minus_one_is_reported():
    # a sample piled up at its maximum: the likelihood grows without bound as c -> -inf
    x = np.concatenate([np.linspace(0.0, 1.0, 5), np.full(30, 1.0)])
    with pytest.warns(robstat.ConvergenceWarning, match="below -1"):
        r = robstat.fit(x, "genpareto")
    assert not r.converged


def test_genpareto_near_exponential():
    # c ~ 0: the series branch of the derivatives; agrees with the exponential fit
    x = np.random.default_rng(22).exponential(2.0, 5000)
    r = robstat.fit(x, "genpareto")
    assert r.converged and abs(r.params["c"]) < 4 * r.se["c"]
    e = robstat.fit(x, "genpareto", fixed={"c": 0.0})
    assert e.params["scale"] == pytest.approx(x.mean(), rel=1e-10)


# ---- data from SciPy's issue tracker: fits SciPy got silently wrong ----------------

# scipy/scipy#11806 ("Unexpectedly poor results when distribution fitting with
# weibull_min"): the 40 values posted in the issue; SciPy's reported 3-parameter fit
SCIPY_11806 = [4836.6, 823.6, 3131.7, 1343.4, 709.7, 610.6, 3034.2, 1973, 7358.5, 265,
               4590.5, 5440.4, 4613.7, 4763.1, 115.3, 5385.1, 6398.1, 8444.6, 2397.1, 3259.7,
               307.5, 4607.4, 6523.7, 600.3, 2813.5, 6119.8, 6438.8, 2799.1, 2849.8, 5309.6,
               3182.4, 705.5, 5673.3, 2939.9, 2631.8, 5002.1, 1967.3, 2810.4, 2948, 6904.8]
SCIPY_11806_REPORTED = (0.1102610560437356, 115.29999999999998, 3.428664764594809)

# scipy/scipy#20659 ("stats.weibull_min: poor fit results on shape parameters"): a
# frequency table (bin midpoint -> count, n = 130993) the reporter had to expand with
# np.repeat because SciPy has no weights; loc known to be ~0.7; MATLAB's
# wblfit(H - 0.7, [], [], nrep) as quoted in the issue
SCIPY_20659_H = [15.25, 13.75, 12.75, 12.25, 11.75, 11.25, 10.75, 10.25, 9.75, 9.25, 8.75,
                 8.25, 7.75, 7.25, 6.75, 6.25, 5.75, 5.25, 4.75, 4.25, 3.75, 3.25, 2.75, 2.25,
                 1.75, 1.25, 0.75]
SCIPY_20659_COUNTS = [1, 1, 1, 2, 5, 20, 17, 18, 37, 66, 112, 151, 215, 352, 525, 750, 1130,
                      1731, 2649, 4002, 6083, 9610, 14990, 21362, 26898, 26783, 13482]
SCIPY_20659_MATLAB = {"c": 1.16994972402310, "scale": 1.63052680315750}  # loc 0.7


def test_scipy_issue_11806_weibull():
    x = np.array(SCIPY_11806)
    r = robstat.fit(x, "weibull")  # loc fixed at 0
    assert r.converged
    p = st.weibull_min.fit(x, floc=0)
    ll_scipy = st.weibull_min.logpdf(x, *p).sum()
    assert r.loglik >= ll_scipy - 1e-9 * abs(ll_scipy)
    assert r.params["c"] == pytest.approx(p[0], rel=1e-4)
    # far better than the fit the issue reported (a local optimum at loc = min(x))
    reported = st.weibull_min.logpdf(x, *SCIPY_11806_REPORTED).sum()
    assert r.loglik > reported + 50
    # the 2-parameter score equations hold at robstat's estimate
    c, s = r.params["c"], r.params["scale"]
    z = (x / s) ** c
    assert abs(x.size / c + np.log(x / s).sum() - (z * np.log(x / s)).sum()) < 1e-8 * x.size
    assert abs(z.sum() - x.size) < 1e-8 * x.size


def test_scipy_issue_20659_weibull_frequency_table():
    H = np.array(SCIPY_20659_H)
    counts = np.array(SCIPY_20659_COUNTS)
    expanded = np.repeat(H, counts)
    r = robstat.fit(H, "weibull", weights=counts, fixed={"loc": 0.7})
    assert r.converged and r.n == counts.sum() == 130993
    rx = robstat.fit(expanded, "weibull", fixed={"loc": 0.7})
    for k in ("c", "scale"):
        assert r.params[k] == pytest.approx(rx.params[k], rel=1e-10)
    assert r.loglik == pytest.approx(rx.loglik, rel=1e-12)
    p = st.weibull_min.fit(expanded, floc=0.7)
    ll_scipy = st.weibull_min.logpdf(expanded, *p).sum()
    assert r.loglik >= ll_scipy - 1e-9 * abs(ll_scipy)
    matlab = st.weibull_min.logpdf(expanded, SCIPY_20659_MATLAB["c"], 0.7,
                                   SCIPY_20659_MATLAB["scale"]).sum()
    assert r.loglik >= matlab
    # the weighted score equations in (c, scale)
    c, s = r.params["c"], r.params["scale"]
    u = np.log((H - 0.7) / s)
    z = np.exp(c * u)
    n = counts.sum()
    assert abs(n / c + (counts * u).sum() - (counts * z * u).sum()) < 1e-8 * n
    assert abs((counts * z).sum() - n) < 1e-8 * n
