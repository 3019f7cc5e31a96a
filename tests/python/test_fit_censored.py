"""Censored-data fits: robstat.fit(..., left=, right=, interval=).

Oracles: the high-precision MLEs of tests/data/fit_censored_reference.json
(mpmath, the score equations at 50 digits, tests/tools/make_censored_reference.py),
SciPy's censored ``<family>.fit(CensoredData)`` (robstat's log-likelihood,
evaluated by one independent formula from SciPy's logpdf/logcdf/logsf, never
worse), the closed form of the right-censored exponential, and the inverse of a
Richardson finite-difference Hessian of that log-likelihood for the standard errors."""

from __future__ import annotations

import json
import math
import os
import warnings
import zlib

import numpy as np
import pytest
import robstat
import scipy.stats as st

HERE = os.path.dirname(__file__)
with open(os.path.join(HERE, "..", "data", "fit_censored_reference.json")) as _f:
    REFERENCE = json.load(_f)


FAMILIES = ["normal", "lognormal", "exponential", "weibull", "logistic"]
POSITIVE = {"lognormal", "exponential", "weibull"}
SCIPY = {"normal": st.norm, "lognormal": st.lognorm, "exponential": st.expon,
         "weibull": st.weibull_min, "logistic": st.logistic}


def scipy_loglik(family, params, x, left, right, lo, hi):
    """The censored log-likelihood from SciPy's log-functions (the interval
    mass from the tail it lies in)."""
    d = SCIPY[family](**params)
    ll = d.logpdf(x).sum() + d.logcdf(left).sum() + d.logsf(right).sum()
    if len(lo):
        upper = d.cdf(lo) > 0.5
        mass = np.where(upper, d.sf(lo) - d.sf(hi), d.cdf(hi) - d.cdf(lo))
        ll += np.log(mass).sum()
    return float(ll)


def make_sample(family, n, kind, seed):
    """(x, left, right, lo, hi): a seeded sample with random censoring."""
    rng = np.random.default_rng(seed)
    v = {
        "normal": lambda: rng.normal(1, 2, n),
        "logistic": lambda: rng.logistic(1, 2, n),
        "lognormal": lambda: rng.lognormal(0.3, 0.7, n),
        "weibull": lambda: 2 * rng.weibull(1.7, n),
        "exponential": lambda: rng.exponential(2, n),
    }[family]()
    pos = family in POSITIVE
    c = rng.uniform(0.3, 1.0, n)
    below = v * (1 - 0.7 * c) if pos else v - 2 * c
    above = v * (1 + c) if pos else v + 2 * c
    u = rng.uniform(size=n)
    frac = {"right": (0.35, 0, 0), "left": (0, 0.3, 0), "interval": (0, 0, 0.4),
            "mixed": (0.2, 0.15, 0.15)}[kind]
    r_m = u < frac[0]
    l_m = (u >= frac[0]) & (u < frac[0] + frac[1])
    i_m = (u >= frac[0] + frac[1]) & (u < sum(frac))
    o_m = ~(r_m | l_m | i_m)
    return v[o_m], above[l_m], below[r_m], below[i_m], above[i_m]


def scipy_fit(family, x, left, right, lo, hi, **kw):
    data = st.CensoredData(uncensored=x, left=left, right=right,
                           interval=np.column_stack([lo, hi]) if len(lo) else None)
    if family in POSITIVE:
        kw.setdefault("floc", 0)
    p = SCIPY[family].fit(data, **kw)
    names = {"normal": ["loc", "scale"], "logistic": ["loc", "scale"],
             "lognormal": ["s", "loc", "scale"], "exponential": ["loc", "scale"],
             "weibull": ["c", "loc", "scale"]}[family]
    return dict(zip(names, (float(v) for v in p)))


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("kind", ["right", "left", "interval", "mixed"])
def test_loglik_not_worse_than_scipy_n100(family, kind):
    s = make_sample(family, 100, kind, seed=zlib.crc32(f"{family}-{kind}".encode()))
    r = robstat.fit(s[0], family, left=s[1], right=s[2], interval=(s[3], s[4]))
    assert r.converged, r.message
    assert r.censored and r.n == 100
    ll_r = scipy_loglik(family, r.params, *s)
    ll_s = scipy_loglik(family, scipy_fit(family, *s), *s)
    assert ll_r >= ll_s - 1e-9 * abs(ll_s)
    assert r.loglik == pytest.approx(ll_r, rel=1e-11)
    k = len(r.params) - len(r.fixed)
    assert r.aic == pytest.approx(2 * k - 2 * r.loglik, rel=1e-14)
    assert r.bic == pytest.approx(k * math.log(100) - 2 * r.loglik, rel=1e-14)


@pytest.mark.parametrize("family,kind", [("weibull", "right"), ("normal", "interval"),
                                         ("lognormal", "left"), ("exponential", "mixed"),
                                         ("logistic", "right")])
def test_loglik_not_worse_than_scipy_n10000(family, kind):
    s = make_sample(family, 10000, kind, seed=7)
    r = robstat.fit(s[0], family, left=s[1], right=s[2], interval=(s[3], s[4]))
    assert r.converged, r.message
    ll_r = scipy_loglik(family, r.params, *s)
    ll_s = scipy_loglik(family, scipy_fit(family, *s), *s)
    assert ll_r >= ll_s - 1e-9 * abs(ll_s)


def _ref_case(case):
    f = lambda key: np.array([float(v) for v in case[key]])  # noqa: E731
    return f("x"), f("left"), f("right"), f("lo"), f("hi")


@pytest.mark.parametrize("case", REFERENCE["cases"], ids=lambda c: c["label"])
def test_reference_mle(case):
    x, left, right, lo, hi = _ref_case(case)
    r = robstat.fit(x, case["family"], left=left, right=right, interval=(lo, hi))
    assert r.converged, r.message
    for name, v in case["params"].items():
        assert r.params[name] == pytest.approx(float(v), rel=1e-8), name
    assert r.loglik == pytest.approx(float(case["loglik"]), rel=1e-12)


def numerical_hessian(f, p):
    """Central second differences with one Richardson step (error O(h^4))."""
    p = np.asarray(p, dtype=np.float64)
    k = len(p)

    def d2(h):
        H = np.empty((k, k))
        for i in range(k):
            for j in range(k):
                ei, ej = np.eye(k)[i] * h[i], np.eye(k)[j] * h[j]
                H[i, j] = (f(p + ei + ej) - f(p + ei - ej) - f(p - ei + ej)
                           + f(p - ei - ej)) / (4 * h[i] * h[j])
        return H

    h = 2e-3 * np.abs(p)
    return (4 * d2(h / 2) - d2(h)) / 3


@pytest.mark.parametrize("case", REFERENCE["cases"], ids=lambda c: c["label"])
def test_standard_errors_from_numerical_hessian(case):
    """se and cov = the inverse observed information, against a Richardson
    finite-difference Hessian of SciPy's censored log-likelihood."""
    family = case["family"]
    s = _ref_case(case)
    r = robstat.fit(s[0], family, left=s[1], right=s[2], interval=(s[3], s[4]))
    free = [n for n in r.params if n not in r.fixed]

    def ll(v):
        p = dict(r.params)
        p.update(zip(free, v))
        return scipy_loglik(family, p, *s)

    cov = np.linalg.inv(-numerical_hessian(ll, [r.params[n] for n in free]))
    names = list(r.params)
    for a, n in enumerate(free):
        assert r.se[n] == pytest.approx(math.sqrt(cov[a, a]), rel=1e-5), n
        for b, m in enumerate(free):
            assert r.cov[names.index(n), names.index(m)] == pytest.approx(
                cov[a, b], rel=1e-5, abs=1e-9 * math.sqrt(cov[a, a] * cov[b, b]))
    for n in r.fixed:
        assert r.se[n] == 0


def test_exponential_right_censored_closed_form():
    rng = np.random.default_rng(3)
    t = rng.exponential(3.0, 500)
    c = rng.exponential(4.0, 500)
    x, right = t[t <= c], c[t > c]
    r = robstat.fit(x, "exponential", right=right)
    assert r.converged
    scale = (x.sum() + right.sum()) / len(x)  # 1/rate, rate = #observed / total time
    assert r.params["scale"] == pytest.approx(scale, rel=1e-12)
    assert r.params["loc"] == 0 and r.fixed == ("loc",)
    # observed information: d = #observed, I(scale) = d / scale^2
    assert r.se["scale"] == pytest.approx(scale / math.sqrt(len(x)), rel=1e-9)


def test_scipy_censored_data_input():
    s = make_sample("weibull", 200, "mixed", seed=11)
    data = st.CensoredData(uncensored=s[0], left=s[1], right=s[2],
                           interval=np.column_stack([s[3], s[4]]))
    a = robstat.fit(data, "weibull")
    b = robstat.fit(s[0], "weibull", left=s[1], right=s[2], interval=(s[3], s[4]))
    assert a.params == b.params and a.loglik == b.loglik and a.n == 200
    with pytest.raises(TypeError, match="not both"):
        robstat.fit(data, "weibull", right=[1.0])


def test_interval_infinite_bounds_and_points_are_left_right_and_exact():
    s = make_sample("normal", 150, "mixed", seed=5)
    x, left, right, lo, hi = s
    lo2 = np.concatenate([lo, np.full(len(left), -np.inf), right, x[:5]])
    hi2 = np.concatenate([hi, left, np.full(len(right), np.inf), x[:5]])
    a = robstat.fit(x[5:], "normal", interval=(lo2, hi2))
    b = robstat.fit(x, "normal", left=left, right=right, interval=(lo, hi))
    assert a.params["loc"] == pytest.approx(b.params["loc"], rel=1e-12)
    assert a.params["scale"] == pytest.approx(b.params["scale"], rel=1e-12)
    assert a.loglik == pytest.approx(b.loglik, rel=1e-13)


def test_fixed_parameters_match_scipy():
    s = make_sample("weibull", 300, "right", seed=2)
    r = robstat.fit(s[0], "weibull", right=s[2], fixed={"c": 1.5})
    p = scipy_fit("weibull", *s, fc=1.5)
    assert r.params["c"] == 1.5 and r.se["c"] == 0
    assert scipy_loglik("weibull", r.params, *s) >= scipy_loglik("weibull", p, *s) - 1e-9 * abs(
        r.loglik)
    r = robstat.fit(s[0], "normal", right=s[2], fixed={"loc": 1.0})
    assert r.params["loc"] == 1.0 and r.converged


def test_far_tail_censoring_is_finite():
    # right-censored 40 sigma above, left-censored 40 sigma below: log S and
    # log F far in the tails (a naive log(1 - cdf) is -inf there)
    rng = np.random.default_rng(9)
    x = rng.normal(0, 1, 200)
    r = robstat.fit(x, "normal", right=[40.0, 45.0], left=[-41.0], interval=([38.0], [39.0]))
    assert r.converged and math.isfinite(r.loglik)
    ll = scipy_loglik("normal", r.params, x, [-41.0], [40.0, 45.0], [38.0], [39.0])
    assert r.loglik == pytest.approx(ll, rel=1e-12)


def test_all_censored_on_one_side_has_no_mle():
    with pytest.warns(robstat.ConvergenceWarning, match="right-censored"):
        r = robstat.fit([], "weibull", right=[1.0, 2.0, 3.0])
    assert not r.converged and math.isnan(r.params["c"]) and math.isnan(r.params["scale"])
    with pytest.warns(robstat.ConvergenceWarning, match="left-censored"):
        r = robstat.fit(None, "normal", left=[1.0, 2.0])
    assert not r.converged and math.isnan(r.params["loc"])
    with pytest.warns(robstat.ConvergenceWarning, match="right-censored"):
        r = robstat.fit([], "exponential", right=[1.0, 2.0])
    assert not r.converged and math.isnan(r.params["scale"])


@pytest.mark.parametrize("family", ["normal", "lognormal", "weibull", "logistic"])
def test_censoring_consistent_with_a_point_has_no_mle(family):
    # every bound consistent with a point mass in (2, 3): sigma -> 0, sup not attained
    with pytest.warns(robstat.ConvergenceWarning, match="no maximum"):
        r = robstat.fit(None, family, left=[3.0, 4.0], right=[1.0, 2.0])
    assert not r.converged and all(math.isnan(r.params[n]) for n in r.params if n != "loc"
                                   or family in ("normal", "logistic"))
    assert all(math.isnan(v) for n, v in r.se.items() if n not in r.fixed)
    # the exponential (sigma of log x fixed at 1) has a maximum for the same bounds
    r = robstat.fit(None, "exponential", left=[3.0, 4.0], right=[1.0, 2.0])
    assert r.converged


def test_single_exact_value():
    # bounded likelihood: the left-censored value forces a spread
    x, left, right = [1.0], [0.0, 0.5], [1.5, 3.0]
    r = robstat.fit(x, "normal", left=left, right=right)
    assert r.converged, r.message
    p = scipy_fit("normal", np.array(x), np.array(left), np.array(right), [], [])
    e = np.array([])
    assert (scipy_loglik("normal", r.params, x, left, right, e, e)
            >= scipy_loglik("normal", p, x, left, right, e, e) - 1e-9)
    # consistent with a point mass at 1: the likelihood is unbounded (scale -> 0)
    with pytest.warns(robstat.ConvergenceWarning):
        r = robstat.fit([1.0], "normal", right=[0.5, 0.2], left=[1.5])
    assert not r.converged and math.isnan(r.params["scale"])


def test_float32_strided_and_inputs_unchanged():
    s = make_sample("lognormal", 400, "mixed", seed=4)
    s32 = [a.astype(np.float32) for a in s]
    ref = robstat.fit(*[s32[0]], "lognormal", left=s32[1].astype(np.float64),
                      right=s32[2].astype(np.float64),
                      interval=(s32[3].astype(np.float64), s32[4].astype(np.float64)))
    copies = [a.copy() for a in s32]
    r = robstat.fit(s32[0], "lognormal", left=s32[1], right=s32[2], interval=(s32[3], s32[4]))
    assert r.params == ref.params
    for a, b in zip(s32, copies):
        np.testing.assert_array_equal(a, b)
    # strided views (every other element of a doubled array) equal contiguous copies
    views = []
    for a in s:
        big = np.empty(2 * len(a))
        big[::2] = a
        big[1::2] = np.nan
        views.append(big[::2])
    r1 = robstat.fit(views[0], "lognormal", left=views[1], right=views[2],
                     interval=(views[3], views[4]))
    r2 = robstat.fit(s[0].copy(), "lognormal", left=s[1].copy(), right=s[2].copy(),
                     interval=(s[3].copy(), s[4].copy()))
    assert r1.params == r2.params and r1.loglik == r2.loglik
    assert not any(np.isnan(v).any() for v in views)


def test_nan_policies():
    s = make_sample("normal", 100, "mixed", seed=8)
    x, left, right, lo, hi = s
    right_nan = np.concatenate([right, [np.nan]])
    r = robstat.fit(x, "normal", left=left, right=right_nan, interval=(lo, hi))
    assert not r.converged and math.isnan(r.params["loc"]) and "nan" in r.message
    a = robstat.fit(x, "normal", left=left, right=right_nan, interval=(lo, hi),
                    nan_policy="omit")
    b = robstat.fit(x, "normal", left=left, right=right, interval=(lo, hi))
    assert a.params == b.params and a.n == b.n
    lo_nan = np.concatenate([lo, [np.nan]])
    hi_nan = np.concatenate([hi, [5.0]])
    a = robstat.fit(x, "normal", left=left, right=right, interval=(lo_nan, hi_nan),
                    nan_policy="omit")
    assert a.params == b.params
    with pytest.raises(ValueError, match="(?i)nan"):
        robstat.fit(x, "normal", left=left, right=right_nan, nan_policy="raise")


def test_errors():
    x = [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="gamma.*not supported"):
        robstat.fit(x, "gamma", right=[4.0])
    with pytest.raises(ValueError, match="lo > hi"):
        robstat.fit(x, "normal", interval=([2.0], [1.0]))
    with pytest.raises(ValueError, match="support"):
        robstat.fit([-1.0, 2.0], "weibull", right=[3.0])
    with pytest.raises(ValueError, match="support"):
        robstat.fit([1.0, 2.0], "lognormal", left=[-0.5])
    with pytest.raises(ValueError, match="no observations"):
        robstat.fit([], "normal", right=[], left=[])
    with pytest.raises(ValueError, match="weights"):
        robstat.fit(x, "normal", right=[4.0], weights=[1, 1, 1])
    with pytest.raises(ValueError, match="truncation"):
        robstat.fit(x, "normal", right=[4.0], truncation=(0, 10))
    with pytest.raises(ValueError, match="finite"):
        robstat.fit(x, "normal", right=[np.inf])
    with pytest.raises(ValueError, match="same length"):
        robstat.fit(x, "normal", interval=([1.0, 2.0], [3.0]))
    with pytest.raises(ValueError, match="inf"):
        robstat.fit([1.0, np.inf], "normal", right=[2.0])
    with pytest.raises(ValueError, match="no parameter"):
        robstat.fit(x, "normal", right=[2.0], fixed={"c": 1.0})
    with pytest.raises(ValueError, match="censored"):
        robstat.gof(x, robstat.fit(x, "normal", right=[4.0]))


def test_right_censored_at_or_below_zero_carries_no_information():
    s = make_sample("weibull", 100, "right", seed=6)
    a = robstat.fit(s[0], "weibull", right=np.concatenate([s[2], [0.0, -1.0]]))
    b = robstat.fit(s[0], "weibull", right=s[2])
    assert a.params == b.params and a.n == b.n + 2
    # an interval starting at 0 is left-censored at its upper end
    c = robstat.fit(s[0], "weibull", right=s[2], interval=([0.0], [1.0]))
    d = robstat.fit(s[0], "weibull", right=s[2], left=[1.0])
    assert c.params == d.params


def test_warnings_only_when_not_converged():
    s = make_sample("weibull", 100, "mixed", seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        robstat.fit(s[0], "weibull", left=s[1], right=s[2], interval=(s[3], s[4]))
