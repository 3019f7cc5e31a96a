"""Censored-data fits: robstat.fit(..., left=, right=, interval=), also weighted
and truncated (the same likelihood engine fits truncated samples of every family
but the normal, which has its own fit_truncated_normal).

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


FAMILIES = ["normal", "lognormal", "exponential", "weibull", "logistic", "cauchy"]
POSITIVE = {"lognormal", "exponential", "weibull"}
SCIPY = {"normal": st.norm, "lognormal": st.lognorm, "exponential": st.expon,
         "weibull": st.weibull_min, "logistic": st.logistic, "cauchy": st.cauchy}


def _mass(d, a, b):
    """F(b) - F(a), from the tail the interval lies in."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    upper = d.cdf(a) > 0.5
    return np.where(upper, d.sf(a) - d.sf(b), d.cdf(b) - d.cdf(a))


def scipy_loglik(family, params, x, left, right, lo, hi, truncation=None, weights=None):
    """The censored log-likelihood from SciPy's log-functions (the interval
    mass from the tail it lies in); weights a dict of the parts' weights;
    truncated to (L, U): bounds clipped, every informative term less
    w log(F(U) - F(L))."""
    d = SCIPY[family](**params)
    w = {k: np.ones(len(v)) for k, v in (("x", x), ("left", left), ("right", right),
                                          ("interval", lo))}
    w.update({k: np.asarray(v, dtype=np.float64) for k, v in (weights or {}).items()})
    ll = float(np.dot(w["x"], d.logpdf(x))) if len(x) else 0.0
    if truncation is None:
        ll += float(np.dot(w["left"], d.logcdf(left))) if len(left) else 0.0
        ll += float(np.dot(w["right"], d.logsf(right))) if len(right) else 0.0
        if len(lo):
            ll += float(np.dot(w["interval"], np.log(_mass(d, lo, hi))))
        return ll
    L, U = truncation
    a = np.concatenate([np.full(len(left), -np.inf), right, lo])
    b = np.concatenate([left, np.full(len(right), np.inf), hi])
    wc = np.concatenate([w["left"], w["right"], w["interval"]])
    a, b = np.maximum(a, L), np.minimum(b, U)
    info = ~((a == L) & (b == U))  # a bound covering [L, U] is certain
    if info.any():
        ll += float(np.dot(wc[info], np.log(_mass(d, a[info], b[info]))))
    ll -= (w["x"].sum() + wc[info].sum()) * float(np.log(_mass(d, L, U)))
    return ll


def make_sample(family, n, kind, seed):
    """(x, left, right, lo, hi): a seeded sample with random censoring."""
    rng = np.random.default_rng(seed)
    v = {
        "normal": lambda: rng.normal(1, 2, n),
        "logistic": lambda: rng.logistic(1, 2, n),
        "lognormal": lambda: rng.lognormal(0.3, 0.7, n),
        "weibull": lambda: 2 * rng.weibull(1.7, n),
        "exponential": lambda: rng.exponential(2, n),
        "cauchy": lambda: 2 + 0.5 * rng.standard_cauchy(n),
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
             "cauchy": ["loc", "scale"],
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
                                         ("logistic", "right"), ("cauchy", "mixed")])
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


def _ref_options(case):
    """robstat.fit's (and scipy_loglik's) truncation= and weights= of a reference case."""
    trunc = None
    if "lower" in case:
        trunc = (float(case["lower"]), float(case["upper"]))
    weights = {k: np.array([float(v) for v in case["w_" + k]])
               for k in ("x", "left", "right", "interval") if "w_" + k in case} or None
    return trunc, weights


@pytest.mark.parametrize("case", REFERENCE["cases"], ids=lambda c: c["label"])
def test_reference_mle(case):
    x, left, right, lo, hi = _ref_case(case)
    trunc, weights = _ref_options(case)
    r = robstat.fit(x, case["family"], left=left, right=right, interval=(lo, hi),
                    truncation=trunc, weights=weights)
    assert r.converged, r.message
    assert r.truncation == trunc
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
    trunc, weights = _ref_options(case)
    r = robstat.fit(s[0], family, left=s[1], right=s[2], interval=(s[3], s[4]),
                    truncation=trunc, weights=weights)
    free = [n for n in r.params if n not in r.fixed]
    assert r.loglik == pytest.approx(scipy_loglik(family, r.params, *s, trunc, weights),
                                     rel=1e-11)

    def ll(v):
        p = dict(r.params)
        p.update(zip(free, v))
        return scipy_loglik(family, p, *s, trunc, weights)

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
    with pytest.raises(TypeError, match="weights must be a dict"):
        robstat.fit(x, "normal", right=[4.0], weights=[1, 1, 1])
    with pytest.raises(ValueError, match="unknown part"):
        robstat.fit(x, "normal", right=[4.0], weights={"y": [1, 1, 1]})
    with pytest.raises(ValueError, match="weights of right must have its length"):
        robstat.fit(x, "normal", right=[4.0], weights={"right": [1, 1]})
    with pytest.raises(ValueError, match="finite and >= 0"):
        robstat.fit(x, "normal", right=[4.0], weights={"x": [1, -1, 1]})
    with pytest.raises(ValueError, match="no observations"):
        robstat.fit(x, "normal", right=[4.0], weights={"x": [0, 0, 0], "right": [0]})
    with pytest.raises(ValueError, match="outside the truncation range"):
        robstat.fit(x, "normal", right=[4.0], truncation=(1.5, 10))
    with pytest.raises(ValueError, match="outside the truncation range"):
        robstat.fit(x, "weibull", truncation=(0.5, 2.5))
    with pytest.raises(ValueError, match="probability 0 in the truncation range"):
        robstat.fit(x, "normal", right=[4.0], truncation=(0, 4))
    with pytest.raises(ValueError, match="lower < upper"):
        robstat.fit(x, "logistic", truncation=(3, 1))
    with pytest.raises(ValueError, match="truncated.*not supported"):
        robstat.fit(x, "gamma", truncation=(0, 10))
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


@pytest.mark.parametrize("family", FAMILIES)
def test_integer_weights_equal_repeated_values(family):
    s = make_sample(family, 120, "mixed", seed=zlib.crc32(f"w-{family}".encode()))
    rng = np.random.default_rng(1)
    w = [rng.integers(0, 4, len(a)) for a in (s[0], s[1], s[2], s[3])]
    rep = [np.repeat(a, k) for a, k in zip(s, [w[0], w[1], w[2], w[3], w[3]])]
    a = robstat.fit(s[0], family, left=s[1], right=s[2], interval=(s[3], s[4]),
                    weights=dict(zip(("x", "left", "right", "interval"), w)))
    b = robstat.fit(rep[0], family, left=rep[1], right=rep[2], interval=(rep[3], rep[4]))
    assert a.converged and b.converged
    assert a.n == b.n == sum(int(k.sum()) for k in w)
    for name in a.params:
        assert a.params[name] == pytest.approx(b.params[name], rel=1e-10), name
        assert a.se[name] == pytest.approx(b.se[name], rel=1e-8), name
    assert a.loglik == pytest.approx(b.loglik, rel=1e-12)


def _truncated_sample(family, n, lo, hi, seed):
    v = make_sample(family, 20 * n, "right", seed)[0]
    return v[(v >= lo) & (v <= hi)][:n]


TRUNCATION = {"normal": (-1.0, 4.0), "lognormal": (0.5, 3.0), "exponential": (0.5, 6.0),
              "weibull": (0.5, 3.5), "logistic": (-2.0, np.inf), "cauchy": (0.5, 4.0)}


@pytest.mark.parametrize("family", FAMILIES)
def test_truncated_fit_not_worse_than_an_optimizer(family):
    """Uncensored truncated samples: robstat's maximum is at least the one
    Nelder-Mead finds on SciPy's truncated log-likelihood from robstat's own
    estimate and from the untruncated fit."""
    import scipy.optimize as sopt

    lo, hi = TRUNCATION[family]
    x = _truncated_sample(family, 400, lo, hi, seed=zlib.crc32(family.encode()))
    e = np.array([])
    r = robstat.fit(x, family, truncation=(lo, hi))
    assert r.converged, r.message
    assert r.truncation == (lo, hi) and not r.censored and r.n == 400
    ll_r = scipy_loglik(family, r.params, x, e, e, e, e, (lo, hi))
    assert r.loglik == pytest.approx(ll_r, rel=1e-11)
    free = [n for n in r.params if n not in r.fixed]

    def neg(v):
        p = dict(r.params)
        p.update(zip(free, v))
        if any(p[n] <= 0 for n in free if n != "loc"):
            return np.inf
        return -scipy_loglik(family, p, x, e, e, e, e, (lo, hi))

    plain = robstat.fit(x, family)
    for start in ([r.params[n] for n in free], [plain.params[n] for n in free]):
        best = sopt.minimize(neg, start, method="Nelder-Mead",
                             options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 5000})
        assert ll_r >= -best.fun - 1e-9 * abs(ll_r)
    # dist() is the truncated distribution: all its mass in [lo, hi]
    d = r.dist()
    assert float(d.cdf(lo)) == pytest.approx(0, abs=1e-12)
    assert float(d.cdf(min(hi, 1e300))) == pytest.approx(1, abs=1e-12)
    assert float(np.sum(np.log(d.pdf(x)))) == pytest.approx(r.loglik, rel=1e-9)


def test_truncated_normal_engine_equals_fit_truncated_normal():
    # the censored engine (an empty right= sends the sample there) and the
    # normal family's own truncated fit are two codes for one likelihood
    x = _truncated_sample("normal", 300, -1.0, 4.0, seed=3)
    w = np.random.default_rng(2).uniform(0.5, 2, len(x))
    a = robstat.fit(x, "normal", truncation=(-1.0, 4.0), weights=w)
    b = robstat.fit(x, "normal", truncation=(-1.0, 4.0), right=[], weights={"x": w})
    assert not a.censored and b.censored
    for n in ("loc", "scale"):
        assert b.params[n] == pytest.approx(a.params[n], rel=1e-10)
        assert b.se[n] == pytest.approx(a.se[n], rel=1e-8)
    assert b.loglik == pytest.approx(a.loglik, rel=1e-12)


def test_truncated_and_censored_against_scipy_likelihood():
    # right-censored at 3, the sample known to be cut below 0.5 (e.g. only
    # failures after a burn-in are recorded): Nelder-Mead on SciPy's likelihood
    import scipy.optimize as sopt

    rng = np.random.default_rng(12)
    v = 2 * rng.weibull(1.7, 3000)
    v = v[v >= 0.5][:500]
    x, right = v[v <= 3.0], np.full(int(np.sum(v > 3.0)), 3.0)
    e = np.array([])
    r = robstat.fit(x, "weibull", right=right, truncation=(0.5, np.inf))
    assert r.converged and r.censored and r.truncation == (0.5, np.inf)
    ll_r = scipy_loglik("weibull", r.params, x, e, right, e, e, (0.5, np.inf))
    assert r.loglik == pytest.approx(ll_r, rel=1e-11)

    def neg(v):
        if min(v) <= 0:
            return np.inf
        return -scipy_loglik("weibull", {"c": v[0], "loc": 0, "scale": v[1]}, x, e, right, e,
                             e, (0.5, np.inf))

    best = sopt.minimize(neg, [1.0, 1.0], method="Nelder-Mead",
                         options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 5000})
    assert ll_r >= -best.fun - 1e-9 * abs(ll_r)
    # the truncation moves the estimate: ignoring it biases c down
    plain = robstat.fit(x, "weibull", right=right)
    assert abs(r.params["c"] - 1.7) < abs(plain.params["c"] - 1.7)


def test_truncated_bounds_outside_the_range_carry_no_information():
    x = _truncated_sample("logistic", 200, -2.0, 5.0, seed=4)
    a = robstat.fit(x, "logistic", truncation=(-2.0, 5.0))
    # right-censored at or below the lower bound and left-censored at or above
    # the upper: certain under the truncation
    b = robstat.fit(x, "logistic", truncation=(-2.0, 5.0), right=[-3.0, -2.0], left=[5.0, 7.0])
    assert b.n == a.n + 4
    for n in ("loc", "scale"):
        assert b.params[n] == pytest.approx(a.params[n], rel=1e-12)


def test_cauchy_censored_heavy_tails():
    # a quarter of a Cauchy sample right-censored at 4: robstat's maximum
    # beats SciPy's censored fit and recovers the parameters
    rng = np.random.default_rng(21)
    v = 2 + 0.5 * rng.standard_cauchy(4000)
    x, right = v[v <= 4.0], np.full(int(np.sum(v > 4.0)), 4.0)
    e = np.array([])
    r = robstat.fit(x, "cauchy", right=right)
    assert r.converged
    p = scipy_fit("cauchy", x, e, right, e, e)
    assert (scipy_loglik("cauchy", r.params, x, e, right, e, e)
            >= scipy_loglik("cauchy", p, x, e, right, e, e) - 1e-9 * abs(r.loglik))
    assert r.params["loc"] == pytest.approx(2, abs=4 * r.se["loc"])
    assert r.params["scale"] == pytest.approx(0.5, abs=4 * r.se["scale"])
