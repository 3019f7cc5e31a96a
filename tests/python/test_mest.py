"""M-estimators: huber (fixed scale, exact; weighted), huber_joint (Huber's
proposal 2), biweight_location / midvariance / scale.

Oracles: the R reference table (robustbase::huberM, MASS::hubers run to
convergence; tests/data/reference_mest.csv), the astropy reference table
(tests/data/reference_biweight.csv) and astropy itself live, plus a brute-force
Huber root (all breakpoints sorted, Psi evaluated at each)."""

from __future__ import annotations

import csv
import os
import warnings

import numpy as np
import pytest
import robstat
from conftest import MAD_NORMAL, SHAPE_AXES, assert_result, lane_reduce, make_data, shape_axis_id
from hypothesis import given
from hypothesis import strategies as hst

DATA = os.path.join(os.path.dirname(__file__), "..", "data")


def read_reference(name):
    with open(os.path.join(DATA, name)) as f:
        rows = list(csv.DictReader(ln for ln in f if not ln.startswith("#")))
    inputs = {r["case"]: np.array([float(v) for v in r["x"].split(" ")])
              for r in rows if r["statistic"] == "input"}
    return inputs, [r for r in rows if r["statistic"] != "input"]


def brute_huber(x, k, s, w=None):
    """The root of sum w psi((x - mu) / s) from every breakpoint, in exact
    rational arithmetic (fractions): Psi at each sorted breakpoint, the piece
    where it changes sign, its linear equation; a zero run (a root interval)
    gives its midpoint."""
    from fractions import Fraction as F

    x = [F(float(v)) for v in np.asarray(x, dtype=np.float64)]
    w = [F(1)] * len(x) if w is None else [F(float(v)) for v in np.asarray(w, np.float64)]
    x, w = zip(*[(xi, wi) for xi, wi in zip(x, w) if wi > 0])
    kk, ss = F(float(k)), F(float(s))
    ks = kk * ss

    def psi_sum(m):
        return sum(wi * max(-kk, min(kk, (xi - m) / ss)) for xi, wi in zip(x, w))

    b = sorted([xi - ks for xi in x] + [xi + ks for xi in x])
    p = [psi_sum(m) for m in b]
    zero = [i for i, v in enumerate(p) if v == 0]
    if zero:
        return float((b[zero[0]] + b[zero[-1]]) / 2)
    j = next(i for i, v in enumerate(p) if v < 0)
    a, c = b[j - 1], b[j]
    return float(a + (c - a) * p[j - 1] / (p[j - 1] - p[j]))


def default_scale(x):
    return MAD_NORMAL * np.median(np.abs(x - np.median(x)))


# ---- reference tables ------------------------------------------------------------


def test_huber_matches_huberM_reference():
    inputs, rows = read_reference("reference_mest.csv")
    n = 0
    for r in rows:
        if r["statistic"] != "huberM":
            continue
        x = inputs[r["case"]]
        k, s, want = float(r["p1"]), float(r["p2"]), float(r["expected"])
        got = robstat.huber(x, k, scale=s)
        assert abs(got - want) <= 1e-12 * max(abs(want), s), (r["case"], k, s, got, want)
        if r["p3"] == "mad":
            assert robstat.huber(x, k) == got
        n += 1
    assert n > 300


def test_huber_joint_matches_mass_hubers_reference():
    inputs, rows = read_reference("reference_mest.csv")
    n = 0
    for r in rows:
        if not r["statistic"].startswith("hubers_"):
            continue
        x = inputs[r["case"]]
        k, want = float(r["p1"]), float(r["expected"])
        res = robstat.huber_joint(x, k, tol=1e-13, maxiter=10000)
        assert res.converged
        got = res.location if r["statistic"] == "hubers_location" else res.scale
        assert abs(got - want) <= 1e-10 * max(abs(want), res.scale), (r["case"], got, want)
        n += 1
    assert n > 300


def test_biweight_matches_astropy_reference():
    inputs, rows = read_reference("reference_biweight.csv")
    fns = {"biweight_location": robstat.biweight_location,
           "biweight_midvariance": robstat.biweight_midvariance,
           "biweight_scale": robstat.biweight_scale}
    for r in rows:
        x = inputs[r["case"]]
        kw = {}
        if r["M"]:
            kw["M"] = float(r["M"])
        if r["modify"]:
            kw["modify_sample_size"] = r["modify"] == "1"
        got = fns[r["statistic"]](x, float(r["c"]), **kw)
        np.testing.assert_allclose(got, float(r["expected"]), rtol=1e-12, atol=0,
                                   err_msg=str(r)[:200])


# ---- live oracles ----------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_biweight_matches_astropy_live(seed):
    ast = pytest.importorskip("astropy.stats")
    rng = np.random.default_rng(seed)
    x = rng.standard_t(2, size=(7, 40)) * 3 + 1
    for axis in (None, 0, 1):
        np.testing.assert_allclose(robstat.biweight_location(x, axis=axis),
                                   ast.biweight_location(x, axis=axis), rtol=1e-12)
        for mod in (False, True):
            np.testing.assert_allclose(
                robstat.biweight_scale(x, axis=axis, modify_sample_size=mod),
                ast.biweight_scale(x, axis=axis, modify_sample_size=mod), rtol=1e-12)
            np.testing.assert_allclose(
                robstat.biweight_midvariance(x, 6.0, axis=axis, modify_sample_size=mod),
                ast.biweight_midvariance(x, 6.0, axis=axis, modify_sample_size=mod),
                rtol=1e-12)
    xn = x.copy()
    xn[2, 5] = np.nan
    np.testing.assert_allclose(robstat.biweight_location(xn, axis=1, nan_policy="omit"),
                               ast.biweight_location(xn, axis=1, ignore_nan=True), rtol=1e-12)


@given(hst.lists(hst.floats(-1e6, 1e6), min_size=1, max_size=60),
       hst.floats(0.1, 5.0), hst.floats(1e-3, 1e3))
def test_huber_is_the_exact_root(values, k, s):
    x = np.array(values)
    got = robstat.huber(x, k, scale=s)
    want = brute_huber(x, k, s)
    assert abs(got - want) <= 1e-12 * max(abs(want), s, np.max(np.abs(x)) * 1e-3)


# ---- shapes, axes, dtypes ----------------------------------------------------------

FUNCS = {
    "huber": (lambda x, **kw: robstat.huber(x, **kw),
              lambda v: brute_huber(v, 1.5, default_scale(v)) if default_scale(v) > 0
              else np.median(v)),
    "huber_s": (lambda x, **kw: robstat.huber(x, 1.2, scale=0.8, **kw),
                lambda v: brute_huber(v, 1.2, 0.8)),
    "biweight_location": (lambda x, **kw: robstat.biweight_location(x, **kw), None),
    "biweight_scale": (lambda x, **kw: robstat.biweight_scale(x, **kw), None),
    "huber_joint_location": (lambda x, **kw: robstat.huber_joint(x, tol=1e-13, **kw).location,
                             None),
}


def _astropy_oracle(name):
    ast = pytest.importorskip("astropy.stats")
    if name == "biweight_location":
        return ast.biweight_location
    return ast.biweight_scale


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f8", "f4"])
@pytest.mark.parametrize("shape_axis", SHAPE_AXES, ids=shape_axis_id)
@pytest.mark.parametrize("name", sorted(FUNCS))
def test_shapes_axes_dtypes(name, shape_axis, dtype):
    shape, axis = shape_axis
    x = make_data(shape, dtype, seed=3)
    xo = x.astype(np.float64)
    call, f1 = FUNCS[name]
    if f1 is None:
        if name == "huber_joint_location":
            f1 = lambda v: robstat.huber_joint(v, tol=1e-13).location  # noqa: E731
            assert_fn = lambda g, e: np.testing.assert_allclose(  # noqa: E731
                np.asarray(g, np.float64), e, rtol=2e-6 if dtype == np.float32 else 1e-15)
        else:
            fa = _astropy_oracle(name)
            f1 = lambda v: fa(v)  # noqa: E731
            assert_fn = None
    else:
        assert_fn = None
    for keepdims in (False, True):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", robstat.ConvergenceWarning)
            got = call(x, axis=axis, keepdims=keepdims)
            expected = lane_reduce(f1, xo, axis, keepdims)
        if assert_fn is not None:
            assert np.asarray(got).shape == expected.shape
            assert np.asarray(got).dtype == dtype
            assert_fn(got, expected)
        else:
            assert_result(got, expected, dtype, scale=float(np.max(np.abs(xo))) if xo.size else 1)


@pytest.mark.parametrize("dtype", [np.int64, np.bool_, np.float16])
def test_int_bool_float16(dtype):
    x = (np.arange(40) % 7).astype(dtype)
    out = np.float16 if dtype == np.float16 else np.float64
    for f in (robstat.huber, robstat.biweight_location, robstat.biweight_scale):
        assert np.asarray(f(x)).dtype == out
    assert np.asarray(robstat.huber_joint(x).location).dtype == out


@pytest.mark.filterwarnings("ignore::robstat.ConvergenceWarning")
def test_strided_negative_stride_and_input_unchanged():
    x = make_data((12, 30), seed=9)
    before = x.copy()
    for view in (x[:, ::2], x[::-1, ::-3], x.T):
        for f in (robstat.huber, robstat.biweight_location, robstat.biweight_scale):
            np.testing.assert_array_equal(f(view, axis=-1),
                                          f(np.ascontiguousarray(view), axis=-1))
        a = robstat.huber_joint(view, axis=-1)
        b = robstat.huber_joint(np.ascontiguousarray(view), axis=-1)
        np.testing.assert_array_equal(a.location, b.location)
        np.testing.assert_array_equal(a.n_iter, b.n_iter)
    np.testing.assert_array_equal(x, before)


def test_workers_give_identical_results():
    x = make_data((40, 3000), seed=4)
    for f in (lambda v, **kw: robstat.huber(v, **kw),
              lambda v, **kw: robstat.huber(v, scale=1.0, weights=np.arange(3000) % 3, **kw),
              lambda v, **kw: robstat.biweight_location(v, **kw),
              lambda v, **kw: robstat.biweight_midvariance(v, **kw),
              lambda v, **kw: robstat.huber_joint(v, **kw).scale):
        np.testing.assert_array_equal(f(x, axis=1, workers=1), f(x, axis=1, workers=2))


# ---- edge cases ------------------------------------------------------------------------


def test_empty_and_all_nan():
    for f in (robstat.huber, robstat.biweight_location, robstat.biweight_scale,
              robstat.biweight_midvariance):
        with pytest.warns(robstat.SmallSampleWarning):
            assert np.isnan(f([]))
        with pytest.warns(robstat.SmallSampleWarning):
            assert np.isnan(f([np.nan, np.nan], nan_policy="omit"))
    with pytest.warns(robstat.SmallSampleWarning):
        r = robstat.huber_joint([])
    assert np.isnan(r.location) and np.isnan(r.scale) and not r.converged and r.n_iter == 0


def test_small_samples_and_constants():
    assert robstat.huber([2.5]) == 2.5
    assert robstat.huber([1.0, 3.0]) == 2.0
    assert robstat.huber([0.0, 10.0], scale=1.0) == 5.0  # a root interval: its midpoint
    assert robstat.huber([4, 4, 4, 4, 1, 9, 30]) == 4.0  # MAD = 0: the median
    assert robstat.huber([1, 2, 3, 10], scale=0) == 2.5
    assert robstat.biweight_location([3.0] * 5) == 3.0
    assert robstat.biweight_scale([3.0] * 5) == 0.0
    assert robstat.biweight_location([3.0] * 5, M=2.0) == 2.0
    r = robstat.huber_joint([7.0])
    assert (r.location, r.scale, bool(r.converged), int(r.n_iter)) == (7.0, 0.0, True, 0)
    assert isinstance(r, robstat.HuberResult)
    loc, scale, conv, nit = robstat.huber_joint(make_data((50,), seed=1))
    assert conv and nit > 0 and scale > 0


def test_nan_policies():
    x = make_data((5, 20), seed=2)
    xn = x.copy()
    xn[1, 3] = np.nan
    for f in (robstat.huber, robstat.biweight_location, robstat.biweight_scale,
              lambda v, **kw: robstat.huber_joint(v, **kw).location):
        got = f(xn, axis=1)
        assert np.isnan(got[1]) and np.all(np.isfinite(np.delete(got, 1)))
        omit = f(xn, axis=1, nan_policy="omit")
        np.testing.assert_array_equal(omit[1], f(np.delete(xn[1], 3)))
        with pytest.raises(ValueError):
            f(xn, axis=1, nan_policy="raise")


def test_infinities():
    assert robstat.huber([1, 2, 3, 4, np.inf], scale=1.0) == robstat.huber([1, 2, 3, 4, 1e300],
                                                                           scale=1.0)
    assert robstat.huber([0, np.inf, np.inf], scale=1.0) == np.inf
    assert np.isfinite(robstat.huber([-1e308, 1e308, 1.5e308, 0.5e308, 1.7e308]))
    # astropy gives NaN here (inf * 0); robstat gives the value weight 0
    assert robstat.biweight_location([1, 2, 3, 4, 5, np.inf]) == robstat.biweight_location(
        [1, 2, 3, 4, 5, 1e300])


# ---- weights ---------------------------------------------------------------------------


def test_weights_are_frequency_weights():
    rng = np.random.default_rng(5)
    for n in (1, 2, 5, 30, 400):
        x = np.round(rng.standard_t(3, size=n), 1)
        w = rng.integers(0, 4, size=n)
        if w.sum() == 0:
            w[0] = 1
        rep = np.repeat(x, w)
        got = robstat.huber(x, scale=0.9, weights=w)
        np.testing.assert_allclose(got, robstat.huber(rep, scale=0.9), rtol=1e-13, atol=1e-13)
        assert robstat.huber(x, scale=0, weights=w) == np.median(rep)
        if n > 30:
            continue  # (the exact rational oracle is slow)
        np.testing.assert_allclose(got, brute_huber(rep, 1.5, 0.9), rtol=1e-12, atol=1e-12)
        wf = rng.random(n) * 2
        np.testing.assert_allclose(robstat.huber(x, 1.3, scale=0.9, weights=wf),
                                   brute_huber(x, 1.3, 0.9, wf), rtol=1e-12, atol=1e-12)


def test_weights_broadcast_axis_and_float32():
    x = make_data((4, 25), seed=8)
    w = (np.arange(25) % 4).astype(float)
    got = robstat.huber(x, scale=1.0, weights=w, axis=1)
    want = [robstat.huber(np.repeat(row, w.astype(int)), scale=1.0) for row in x]
    np.testing.assert_allclose(got, want, rtol=1e-13)
    got0 = robstat.huber(x.T, scale=1.0, weights=w, axis=0, keepdims=True)
    assert got0.shape == (1, 4)
    with pytest.raises(ValueError, match="shape of x"):  # as every robstat weights=
        robstat.huber(x.T, scale=1.0, weights=w[:, None], axis=0)
    np.testing.assert_allclose(got0[0], want, rtol=1e-13)
    g32 = robstat.huber(x.astype(np.float32), scale=1.0, weights=w, axis=1)
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, want, rtol=2e-6, atol=1e-5)


@given(hst.lists(hst.integers(-30, 30).map(float), min_size=1, max_size=30),
       hst.lists(hst.integers(0, 3), min_size=30, max_size=30))
def test_weighted_default_scale_is_weighted_mad(values, counts):
    x = np.array(values)
    w = np.array(counts[: x.size], dtype=float)
    if w.sum() == 0:
        w[0] = 1.0
    got = robstat.huber(x, weights=w)
    s = robstat.mad(x, weights=w)
    assert got == robstat.huber(x, scale=float(s), weights=w)
    rep = np.repeat(x, w.astype(int))  # integer weights: the unweighted default on repeats
    assert got == pytest.approx(robstat.huber(rep), rel=1e-12, abs=1e-12)


def test_weights_valid_values():
    x = [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="finite and >= 0"):
        robstat.huber(x, scale=1.0, weights=[1, -1, 1])
    with pytest.raises(ValueError, match="finite and >= 0"):
        robstat.huber(x, scale=1.0, weights=[1, np.nan, 1])
    with pytest.raises(ValueError, match="shape of x"):
        robstat.huber(x, scale=1.0, weights=[1, 1])
    with pytest.warns(robstat.SmallSampleWarning):
        assert np.isnan(robstat.huber(x, scale=1.0, weights=[0, 0, 0]))


# ---- proposal 2: convergence reporting ---------------------------------------------------


def test_huber_joint_reports_non_convergence():
    x = make_data((3, 60), seed=6)
    with pytest.warns(robstat.ConvergenceWarning, match="did not converge"):
        r = robstat.huber_joint(x, axis=1, maxiter=2)
    assert r.converged.dtype == np.bool_ and not r.converged.any()
    assert r.n_iter.dtype == np.int64 and (r.n_iter == 2).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r2 = robstat.huber_joint(x, axis=1)
    assert r2.converged.all() and (r2.n_iter > 2).all()
    assert issubclass(robstat.ConvergenceWarning, RuntimeWarning)


def test_huber_joint_keepdims_and_float32():
    x = make_data((3, 4, 30), np.float32, seed=7)
    r = robstat.huber_joint(x, axis=2, keepdims=True)
    assert r.location.shape == (3, 4, 1) and r.location.dtype == np.float32
    assert r.converged.shape == (3, 4, 1) and r.n_iter.shape == (3, 4, 1)
    rd = robstat.huber_joint(x.astype(np.float64), axis=2, keepdims=True)
    np.testing.assert_allclose(r.location, rd.location, rtol=1e-5, atol=1e-5)


# ---- invalid parameters --------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda: robstat.huber([1, 2], 0),
    lambda: robstat.huber([1, 2], -1.5),
    lambda: robstat.huber([1, 2], np.inf),
    lambda: robstat.huber([1, 2], scale=-1),
    lambda: robstat.huber([1, 2], scale=np.nan),
    lambda: robstat.huber([1, 2], nan_policy="foo"),
    lambda: robstat.huber_joint([1, 2], tol=0),
    lambda: robstat.huber_joint([1, 2], maxiter=0),
    lambda: robstat.biweight_location([1, 2], c=0),
    lambda: robstat.biweight_scale([1, 2], c=-9),
    lambda: robstat.biweight_location([1, 2], M=[1, 2]),
])
def test_invalid_parameters(call):
    with pytest.raises(ValueError):
        call()


def test_invalid_types():
    with pytest.raises(TypeError):
        robstat.huber_joint([1, 2], maxiter=1.5)
    with pytest.raises(TypeError):
        robstat.huber(["a", "b"])
