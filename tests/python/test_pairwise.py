"""qn, sn and hodges_lehmann against brute-force O(n^2) definitions (hypothesis),
R robustbase 0.95-0 / wilcox.test (tests/data/reference_pairwise.csv) and
statsmodels' qn_scale; axes, dtypes, NaN policies, edge cases."""

from __future__ import annotations

import math
import pathlib
import warnings

import numpy as np
import pytest
import robstat
from conftest import LAYOUTS, SHAPE_AXES, lane_reduce, layout_axes, shape_axis_id
from hypothesis import given, settings
from hypothesis import strategies as stn
from hypothesis.extra import numpy as hnp

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "reference_pairwise.csv"
QN_C, SN_C = 2.21914, 1.1926
QN_EXACT_C = 1 / (math.sqrt(2) * 0.31863936396437514)  # 1/(sqrt(2) Phi^-1(5/8))


# ---- brute-force definitions ---------------------------------------------------------


def qn_raw(x):
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    i, j = np.triu_indices(n, 1)
    d = np.sort(np.abs(x[i] - x[j]))
    h = n // 2 + 1
    return d[h * (h - 1) // 2 - 1]


def sn_raw(x):
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    d = np.sort(np.abs(x[:, None] - x[None, :]), axis=1)[:, n // 2]
    return np.sort(d)[(n + 1) // 2 - 1]


def hl_brute(x):
    x = np.asarray(x, dtype=np.float64)
    i, j = np.triu_indices(x.size, 0)
    w = np.sort((x[i] + x[j]) / 2)
    m = w.size
    return w[m // 2] if m % 2 else (w[m // 2 - 1] + w[m // 2]) / 2


def qn_factor(n):
    t = [0.399356, 0.99365, 0.51321, 0.84401, 0.6122, 0.85877, 0.66993, 0.87344, 0.72014,
         0.88906, 0.75743]
    if n <= 12:
        return t[n - 2]
    if n % 2:
        fc = (1.60188 + (-2.1284 - 5.172 / n) / n) / n + 1
    else:
        fc = (3.67561 + (1.9654 + (6.987 - 77 / n) / n) / n) / n + 1
    return 1 / fc


def sn_factor(n):
    t = [0.743, 1.851, 0.954, 1.351, 0.993, 1.198, 1.005, 1.131]
    if n <= 9:
        return t[n - 2]
    return n / (n - 0.9) if n % 2 else 1.0


def qn_ref(x):
    return 0.0 if len(x) == 1 else QN_C * qn_raw(x) * qn_factor(len(x))


def sn_ref(x):
    return 0.0 if len(x) == 1 else SN_C * sn_raw(x) * sn_factor(len(x))


# ---- the R reference table -------------------------------------------------------------


def _reference():
    cases = {}
    for line in DATA.read_text().splitlines():
        if not line or line.startswith("#") or line.startswith("case,"):
            continue
        name, n, stat, expected, x = line.split(",")
        if stat == "input":
            cases[name] = {"x": np.array([float(v) for v in x.split()])}
            assert cases[name]["x"].size == int(n)
        else:
            cases[name][stat] = float(expected)
    return cases


REF = _reference()


def test_reference_table_is_complete():
    assert len(REF) >= 150
    assert {len(c["x"]) for c in REF.values()} >= set(range(2, 61)) | {1000, 5001}


@pytest.mark.parametrize("name", sorted(REF))
def test_against_r(name):
    c = REF[name]
    x = c["x"]
    rel = dict(rtol=1e-12, atol=0)
    np.testing.assert_allclose(robstat.qn(x), c["qn_exact"], **rel)
    if c["qn_r_is_exact"] == 1:
        np.testing.assert_allclose(robstat.qn(x), c["qn"], **rel)
    else:  # robustbase's qn0() stopped on a trial value rounded to float
        f = c["qn_exact"] / c["qn_raw"]
        with np.errstate(over="ignore"):  # huge_n25: float overflow, R gives Inf
            rounded = float(np.float32(c["qn_raw"]))
        np.testing.assert_allclose(c["qn"], f * rounded, **rel)
    np.testing.assert_allclose(robstat.qn(x, finite_corr=False), c["qn_nocorr_exact"], **rel)
    assert robstat.qn(x, scale=1.0) == c["qn_raw"]
    np.testing.assert_allclose(robstat.sn(x), c["sn"], **rel)
    np.testing.assert_allclose(robstat.sn(x, finite_corr=False), c["sn_nocorr"], **rel)
    assert robstat.sn(x, scale=1.0) == c["sn_raw"]
    np.testing.assert_allclose(robstat.hodges_lehmann(x), c["hl"], **rel)
    if "hl_wilcox" in c:
        np.testing.assert_allclose(robstat.hodges_lehmann(x), c["hl_wilcox"], **rel)


# ---- brute force (hypothesis) ------------------------------------------------------------

finite = stn.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
samples = stn.one_of(
    hnp.arrays(np.float64, stn.integers(1, 70), elements=finite),
    hnp.arrays(np.float64, stn.integers(1, 70),
               elements=stn.integers(-4, 4).map(float)),  # heavy ties
    hnp.arrays(np.float64, stn.integers(1, 70),
               elements=stn.floats(-1e-3, 1e-3, allow_nan=False)),
)


@settings(max_examples=400)
@given(samples)
def test_raw_statistics_equal_brute_force(x):
    if x.size >= 2:
        assert robstat.qn(x, scale=1.0) == qn_raw(x)
        assert robstat.sn(x, scale=1.0) == sn_raw(x)
    h = robstat.hodges_lehmann(x)
    np.testing.assert_allclose(h, hl_brute(x), rtol=1e-15, atol=1e-300)


@given(samples)
def test_default_scaling_is_robustbase(x):
    np.testing.assert_allclose(robstat.qn(x), qn_ref(x), rtol=1e-15)
    np.testing.assert_allclose(robstat.sn(x), sn_ref(x), rtol=1e-15)
    if x.size >= 2:
        np.testing.assert_allclose(robstat.qn(x, finite_corr=False), QN_C * qn_raw(x),
                                   rtol=1e-15)
        np.testing.assert_allclose(robstat.sn(x, scale=3.0, finite_corr=True), 3 * sn_raw(x),
                                   rtol=1e-15)


@given(hnp.arrays(np.float64, stn.integers(1, 40),
                  elements=stn.sampled_from([-np.inf, np.inf, -2.0, 0.0, 1.0, 1.5, 7.0])))
def test_infinities_as_a_limit(x):
    """+-inf act as one huge value +-M, M -> inf (the oracle uses M = 1e300 on
    small integers and maps |result| >= 1e299 back to inf)."""
    m = np.where(np.isinf(x), np.sign(x) * 1e300, x)

    def lim(v):
        return math.copysign(math.inf, v) if abs(v) >= 1e299 else v

    if x.size >= 2:
        assert robstat.qn(x, scale=1.0) == lim(qn_raw(m))
        assert robstat.sn(x, scale=1.0) == lim(sn_raw(m))
    assert robstat.hodges_lehmann(x) == lim(hl_brute(m))


def test_statsmodels_qn_scale():
    sm = pytest.importorskip("statsmodels.robust.scale")
    rng = np.random.default_rng(3)
    for n in (2, 3, 10, 11, 57, 200, 1001):
        x = rng.standard_t(3, size=n)
        # statsmodels: the exact constant, no finite-sample factor
        np.testing.assert_allclose(robstat.qn(x, scale=QN_EXACT_C), sm.qn_scale(x),
                                   rtol=1e-12)
        np.testing.assert_allclose(robstat.qn(x, finite_corr=False),
                                   sm.qn_scale(x) * QN_C / QN_EXACT_C, rtol=1e-12)
    X = rng.normal(size=(50, 30))
    np.testing.assert_allclose(robstat.qn(X, axis=1, scale=QN_EXACT_C),
                               sm.qn_scale(X, axis=1), rtol=1e-12)


# ---- shapes, dtypes, layouts ---------------------------------------------------------------

FUNCS = {
    "qn": (robstat.qn, qn_ref),
    "sn": (robstat.sn, sn_ref),
    "hodges_lehmann": (robstat.hodges_lehmann, hl_brute),
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f8", "f4"])
@pytest.mark.parametrize("shape_axis", SHAPE_AXES, ids=shape_axis_id)
@pytest.mark.parametrize("name", sorted(FUNCS))
@pytest.mark.parametrize("keepdims", [False, True])
def test_axes_and_dtypes(name, shape_axis, dtype, keepdims):
    shape, axis = shape_axis
    x = np.asarray(np.random.default_rng(7).normal(size=shape) * 10, dtype=dtype)
    f, ref = FUNCS[name]
    got = f(x, axis=axis, keepdims=keepdims)
    want = lane_reduce(ref, x, axis, keepdims)
    assert np.asarray(got).dtype == dtype
    assert np.shape(got) == want.shape
    if np.ndim(got) == 0:
        assert isinstance(got, np.generic)
    tol = 2e-6 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), want, rtol=tol, atol=tol)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("name", sorted(FUNCS))
def test_layouts(name, layout):
    x = LAYOUTS[layout]()
    f, ref = FUNCS[name]
    before = np.array(x, copy=True)
    for axis in layout_axes(x):
        got = f(x, axis=axis)
        want = lane_reduce(ref, x, axis)
        rtol = 2e-6 if x.dtype.itemsize == 4 else 1e-13
        np.testing.assert_allclose(np.asarray(got, dtype=np.float64), want, rtol=rtol,
                                   atol=rtol)
    np.testing.assert_array_equal(x, before)


def test_integer_and_bool_input_give_float64():
    assert robstat.qn(np.arange(10)).dtype == np.float64
    assert robstat.sn([True, False, True]).dtype == np.float64
    assert robstat.hodges_lehmann(np.arange(5, dtype=np.int8)) == 2.0


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_workers(name):
    f, _ = FUNCS[name]
    x = np.random.default_rng(2).normal(size=(64, 300))
    a = f(x, axis=1, workers=1)
    for w in (2, -1):
        np.testing.assert_array_equal(f(x, axis=1, workers=w), a)


# ---- edge cases and policies -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_empty_warns(name):
    f, _ = FUNCS[name]
    with pytest.warns(robstat.SmallSampleWarning):
        assert np.isnan(f([]))
    with pytest.warns(robstat.SmallSampleWarning):
        assert np.isnan(f([np.nan, np.nan], nan_policy="omit"))


def test_small_n_follow_robustbase():
    # n = 1: robustbase returns 0 for Qn and Sn
    assert robstat.qn([5.0]) == 0.0 and robstat.sn([5.0]) == 0.0
    assert robstat.hodges_lehmann([5.0]) == 5.0
    # n = 2: robustbase Qn(c(1, 2)) = 0.886226873..., Sn(c(1, 2)) = 0.8861018
    assert robstat.qn([1.0, 2.0]) == QN_C * 0.399356
    assert robstat.sn([1.0, 2.0]) == 0.743 * SN_C
    assert robstat.hodges_lehmann([1.0, 2.0]) == 1.5
    assert robstat.qn(np.full(9, 2.5)) == 0.0


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_nan_policies(name):
    f, ref = FUNCS[name]
    x = np.array([1.0, 4.0, np.nan, 2.0, 8.0, -3.0])
    assert np.isnan(f(x))
    np.testing.assert_allclose(f(x, nan_policy="omit"), ref(x[~np.isnan(x)]), rtol=1e-14)
    with pytest.raises(ValueError, match="nan"):
        f(x, nan_policy="raise")
    with pytest.raises(ValueError, match="nan_policy"):
        f(x, nan_policy="ignore")
    X = np.array([[1.0, 2.0, 3.0], [np.nan, 1.0, 5.0]])
    got = f(X, axis=1, nan_policy="omit")
    np.testing.assert_allclose(got, [ref(X[0]), ref(X[1, 1:])], rtol=1e-14)


def test_huge_values_do_not_overflow():
    big = 1e308
    assert robstat.qn([-big, 0.0, big], scale=1.0) == big
    assert robstat.sn([-big, 0.0, big]) == 1.851 * (SN_C * big)  # robustbase: inf
    assert robstat.hodges_lehmann([-big, big, 0.0]) == 0.0
    assert robstat.hodges_lehmann([big, big, 1.5 * big]) == 1.125 * big  # (b + 1.25 b) / 2
    assert np.isfinite(robstat.qn([0.0, big]))  # robustbase: inf
    assert robstat.qn([-big, big], scale=4.0) == np.inf  # the result itself overflows
    x = np.random.default_rng(0).normal(size=101) * 2.0**1022
    assert robstat.qn(x, scale=0.5) == qn_raw(x / 2)
    assert robstat.hodges_lehmann(x) == hl_brute(x / 2) * 2


def test_infinity_examples():
    assert robstat.qn([1.0, 2.0, 3.0, np.inf], scale=1.0) == 2.0  # robustbase: Inf
    assert robstat.qn([np.inf, np.inf, np.inf, 1.0], scale=1.0) == 0.0
    assert robstat.hodges_lehmann([-np.inf, np.inf]) == 0.0
    assert robstat.hodges_lehmann([-np.inf, 1.0, 2.0, 3.0, np.inf]) == 2.0
    assert robstat.sn([-np.inf, np.inf], scale=1.0) == np.inf


@pytest.mark.parametrize("bad", [0, -1.0, np.inf, np.nan, "mad", "Normal"])
def test_invalid_scale(bad):
    with pytest.raises(ValueError, match="scale"):
        robstat.qn([1.0, 2.0], scale=bad)
    with pytest.raises(ValueError, match="scale"):
        robstat.sn([1.0, 2.0], scale=bad)


def test_float32_matches_float64_on_rounded_values():
    x = np.random.default_rng(4).lognormal(size=501).astype(np.float32)
    for f in (robstat.qn, robstat.sn, robstat.hodges_lehmann):
        got = f(x)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, f(x.astype(np.float64)), rtol=1e-6)


def test_large_n_statistics_are_consistent():
    x = np.random.default_rng(11).normal(size=200_001)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        q, s, h = robstat.qn(x), robstat.sn(x), robstat.hodges_lehmann(x)
    assert abs(q - 1) < 0.01 and abs(s - 1) < 0.01 and abs(h) < 0.01
