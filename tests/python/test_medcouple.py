"""robstat.medcouple and robstat._medcouple.adjbox_fences: against R robustbase
(tests/data/reference_medcouple.csv), a brute-force O(n^2) medcouple (hypothesis),
statsmodels' medcouple (live), and the usual axis / dtype / NaN / layout rules."""

from __future__ import annotations

import math
import pathlib
import warnings

import numpy as np
import pytest
import robstat
from robstat._medcouple import adjbox_fences

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as hst  # noqa: E402

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "reference_medcouple.csv"

# ---- brute force ------------------------------------------------------------------


def brute_pair(x):
    """(medcouple, lower middle, upper middle) by the definition: every kernel
    value h(x_i, x_j) = (z_i + z_j) / (z_i - z_j) for x_i >= m >= x_j, the
    k x k block of ties at the median by rank (sign of (p - 1) - i - j),
    sorted. R's shortcuts: n < 3 -> 0; constant -> 0; max == m -> -1;
    min == m -> +1."""
    s = np.sort(np.asarray(x, dtype=np.float64))
    n = s.size
    if n < 3:
        return 0.0, 0.0, 0.0
    m = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    if s[-1] == m and s[0] == m:
        return 0.0, -1.0, 1.0
    if s[-1] == m:
        return -1.0, -1.0, -1.0
    if s[0] == m:
        return 1.0, 1.0, 1.0
    a = (s[s >= m] - m)[::-1]  # decreasing
    b = (s[s <= m] - m)[::-1]
    p = a.size
    with np.errstate(invalid="ignore", divide="ignore"):
        h = (a[:, None] + b[None, :]) / (a[:, None] - b[None, :])
    ties = (a[:, None] == 0) & (b[None, :] == 0)
    i, j = np.nonzero(ties)
    h[i, j] = np.sign((p - 1) - i - j)
    v = np.sort(h.ravel())
    N = v.size
    lo, hi = v[(N - 1) // 2], v[N // 2]
    return (lo + hi) / 2 if N % 2 == 0 else v[N // 2], lo, hi


def brute(x):
    return brute_pair(x)[0]


def fivenum_hinges(x):
    s = np.sort(np.asarray(x, dtype=np.float64))
    n = s.size
    n4 = math.floor((n + 3) / 2) / 2
    lo = (s[math.floor(n4) - 1] + s[math.ceil(n4) - 1]) / 2
    hi = (s[n - math.ceil(n4)] + s[n - math.floor(n4)]) / 2
    return lo, hi


def brute_fences(x, coef=1.5, a=-4.0, b=3.0):
    q1, q3 = fivenum_hinges(x)
    mc = brute(x)
    iqr = q3 - q1
    if mc >= 0:
        return q1 - coef * math.exp(a * mc) * iqr, q3 + coef * math.exp(b * mc) * iqr
    return q1 - coef * math.exp(-b * mc) * iqr, q3 + coef * math.exp(-a * mc) * iqr


# ---- the R reference ---------------------------------------------------------------


def _reference():
    rows = []
    header = None
    for line in DATA.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        f = line.split(",")
        if header is None:
            header = f
            assert header == ["case", "n", "mc", "lower", "upper", "mc_default",
                              "lower_default", "upper_default", "default_is", "x"]
            continue
        x = np.array([float(v) for v in f[9].split()])
        assert x.size == int(f[1])
        rows.append(dict(case=f[0], x=x, mc=float(f[2]), lower=float(f[3]), upper=float(f[4]),
                         mc_default=float(f[5]), lower_default=float(f[6]),
                         upper_default=float(f[7]), default_is=f[8]))
    return rows


REFERENCE = _reference()
REF_IDS = [r["case"] for r in REFERENCE]


def test_reference_table_is_complete():
    assert len(REFERENCE) >= 300
    assert sum(r["x"].size >= 1000 for r in REFERENCE) >= 5
    assert {r["default_is"] for r in REFERENCE} == {"mc", "lower", "other"}


@pytest.mark.parametrize("row", REFERENCE, ids=REF_IDS)
def test_matches_r(row):
    x = row["x"]
    got = robstat.medcouple(x)
    assert isinstance(got, np.float64)
    np.testing.assert_allclose(got, row["mc"], rtol=1e-12, atol=0)
    lower, upper = adjbox_fences(x)
    scale = max(abs(row["lower"]), abs(row["upper"]))
    np.testing.assert_allclose([lower, upper], [row["lower"], row["upper"]], rtol=0,
                               atol=1e-12 * scale)
    if row["default_is"] == "mc":  # R's defaults define the same numbers (n <= 100)
        np.testing.assert_allclose(got, row["mc_default"], rtol=1e-12, atol=0)
        np.testing.assert_allclose([lower, upper], [row["lower_default"], row["upper_default"]],
                                   rtol=0, atol=1e-12 * scale)
    elif row["default_is"] == "lower":  # n > 100: R returns the lower middle kernel value
        np.testing.assert_allclose(brute_pair(x)[1] if x.size <= 1000 else row["mc_default"],
                                   row["mc_default"], rtol=1e-12, atol=0)


def test_reference_float32_is_the_double_computation_rounded():
    for row in REFERENCE:
        xf = row["x"].astype(np.float32)
        got = robstat.medcouple(xf)
        assert got.dtype == np.float32
        assert got == np.float32(robstat.medcouple(xf.astype(np.float64))), row["case"]
        lo, hi = adjbox_fences(xf)
        lo64, hi64 = adjbox_fences(xf.astype(np.float64))
        assert lo.dtype == np.float32 and hi.dtype == np.float32
        assert lo == np.float32(lo64) and hi == np.float32(hi64), row["case"]


def test_reference_batched_equals_one_by_one():
    rows = [r for r in REFERENCE if r["x"].size == 30 and np.isfinite(r["x"]).all()]
    x = np.stack([r["x"] for r in rows])
    np.testing.assert_array_equal(robstat.medcouple(x, axis=1), [r["mc"] for r in rows])
    lo, hi = adjbox_fences(x, axis=1, workers=2)
    np.testing.assert_allclose(lo, [r["lower"] for r in rows], rtol=1e-12)
    np.testing.assert_allclose(hi, [r["upper"] for r in rows], rtol=1e-12)


# ---- brute force (hypothesis) --------------------------------------------------------

finite = hst.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
small_ints = hst.integers(min_value=-3, max_value=3).map(float)


@given(hst.lists(hst.one_of(finite, small_ints), min_size=1, max_size=60))
def test_equals_brute_force(values):
    x = np.array(values)
    assert robstat.medcouple(x) == brute(x)
    lo, hi = adjbox_fences(x)
    blo, bhi = brute_fences(x)
    scale = max(abs(blo), abs(bhi), 1e-300)
    assert abs(lo - blo) <= 1e-12 * scale and abs(hi - bhi) <= 1e-12 * scale


@given(hst.lists(small_ints, min_size=3, max_size=40), hst.integers(0, 30))
def test_ties_at_the_median(values, k):
    """Many values equal to the median: the tie kernel decides."""
    x = np.array(values + [0.0] * k)
    assert robstat.medcouple(x) == brute(x)


@given(hst.lists(finite, min_size=1, max_size=40))
def test_antisymmetric_and_scale_invariant(values):
    x = np.array(values)
    x[np.abs(x) < 1e-100] = 0.0  # (so that the scalings below are exact)
    m = robstat.medcouple(x)
    assert robstat.medcouple(-x) == -m
    assert robstat.medcouple(x * 2.0**-600) == m  # exact scaling
    assert robstat.medcouple(x * 2.0**700) == m
    assert -1.0 <= m <= 1.0


# ---- statsmodels (live) ---------------------------------------------------------------


def test_statsmodels_agrees():
    stattools = pytest.importorskip("statsmodels.stats.stattools")
    rng = np.random.default_rng(42)
    cases = [rng.lognormal(size=n) for n in (3, 10, 51, 200, 999)]
    cases += [rng.integers(0, 6, size=n).astype(float) for n in (12, 101, 400)]
    cases += [np.r_[np.zeros(30), rng.normal(size=41)]]
    for x in cases:
        sm = float(stattools.medcouple(x, use_fast=False))  # exact O(n^2)
        np.testing.assert_allclose(robstat.medcouple(x), sm, rtol=1e-12, atol=1e-15)
    # the O(n log n) version rescales the data (not by a power of two): rounding only
    x = rng.lognormal(size=3000)
    np.testing.assert_allclose(robstat.medcouple(x), stattools.medcouple(x), rtol=1e-10)
    # axis: statsmodels reduces axis 0 by default
    y = rng.gamma(0.5, size=(40, 3))
    np.testing.assert_allclose(robstat.medcouple(y, axis=0),
                               stattools.medcouple(y, axis=0, use_fast=False), rtol=1e-12)


# ---- the Python API rules -----------------------------------------------------------------


def test_axis_keepdims_dtypes():
    rng = np.random.default_rng(0)
    x = rng.lognormal(size=(3, 4, 25))
    for axis in [None, 0, 1, 2, -1, (0, 2), (1, 2)]:
        got = robstat.medcouple(x, axis=axis)
        moved = np.moveaxis(x, [a % 3 for a in np.atleast_1d(axis)] if axis is not None
                            else [0, 1, 2], range(-(np.size(axis) if axis is not None else 3), 0))
        lanes = moved.reshape(moved.shape[:x.ndim - (np.size(axis) if axis is not None else 3)]
                              + (-1,))
        want = np.array([brute(v) for v in lanes.reshape(-1, lanes.shape[-1])])
        np.testing.assert_array_equal(np.ravel(got), want)
        kd = robstat.medcouple(x, axis=axis, keepdims=True)
        assert kd.shape == np.sum(x, axis=axis, keepdims=True).shape
        lo, hi = adjbox_fences(x, axis=axis, keepdims=True)
        assert lo.shape == hi.shape == kd.shape
    xi = (x * 10).astype(np.int64)
    assert robstat.medcouple(xi, axis=2).dtype == np.float64
    assert robstat.medcouple(x.astype(np.float16)).dtype == np.float16
    assert robstat.medcouple(x.astype(np.float32), axis=1).dtype == np.float32


def test_strided_and_negative_strides_and_input_unchanged():
    rng = np.random.default_rng(1)
    base = rng.lognormal(size=(6, 90))
    before = base.copy()
    for view in (base[:, ::3], base[::-1, ::-2], base.T[::2]):
        want = [brute(v) for v in view]
        np.testing.assert_array_equal(robstat.medcouple(view, axis=1), want)
        lo, hi = adjbox_fences(view, axis=1)
        np.testing.assert_allclose(np.c_[lo, hi], [brute_fences(v) for v in view], rtol=1e-12)
    np.testing.assert_array_equal(base, before)


def test_workers_do_not_change_the_result():
    rng = np.random.default_rng(2)
    x = rng.lognormal(size=(64, 3000))
    one = robstat.medcouple(x, axis=1, workers=1)
    np.testing.assert_array_equal(robstat.medcouple(x, axis=1, workers=2), one)
    np.testing.assert_array_equal(robstat.medcouple(x, axis=1, workers=-1), one)
    f1 = adjbox_fences(x, axis=1, workers=1)
    f2 = adjbox_fences(x, axis=1, workers=2)
    np.testing.assert_array_equal(f1[0], f2[0])
    np.testing.assert_array_equal(f1[1], f2[1])


def test_nan_policies():
    x = np.array([1.0, 2.0, np.nan, 7.0, 9.0, 10.0])
    clean = x[~np.isnan(x)]
    assert np.isnan(robstat.medcouple(x))
    assert robstat.medcouple(x, nan_policy="omit") == brute(clean)
    with pytest.raises(ValueError, match="nan"):
        robstat.medcouple(x, nan_policy="raise")
    lo, hi = adjbox_fences(x)
    assert np.isnan(lo) and np.isnan(hi)
    lo, hi = adjbox_fences(x, nan_policy="omit")  # R's adjboxStats drops NA
    np.testing.assert_allclose([lo, hi], brute_fences(clean), rtol=1e-14)
    with pytest.raises(ValueError):
        adjbox_fences(x, nan_policy="raise")
    with pytest.raises(ValueError, match="nan_policy"):
        robstat.medcouple(x, nan_policy="ignore")


def test_empty_and_all_nan_warn():
    with pytest.warns(robstat.SmallSampleWarning):
        assert np.isnan(robstat.medcouple([]))
    with pytest.warns(robstat.SmallSampleWarning):
        lo, hi = adjbox_fences(np.full((2, 3), np.nan), axis=1, nan_policy="omit")
    assert np.isnan(lo).all() and np.isnan(hi).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert robstat.medcouple([5.0]) == 0.0
        assert robstat.medcouple([5.0, 1.0]) == 0.0
        assert adjbox_fences([5.0]) == (5.0, 5.0)


def test_small_constant_and_border_cases():
    assert robstat.medcouple([1.0, 2.0, 7.0, 9.0, 10.0]) == -1 / 3  # R's help page
    assert robstat.medcouple([3.0] * 8) == 0.0
    assert robstat.medcouple([0.0, 5.0, 5.0]) == -1.0
    assert robstat.medcouple([0.0, 0.0, 5.0]) == 1.0
    assert robstat.medcouple(np.arange(11.0)) == 0.0


def test_infinities():
    inf = np.inf
    assert robstat.medcouple([1, 2, 3, inf, inf]) == 1.0
    assert robstat.medcouple([-inf, -inf, 1, 2, 3]) == -1.0
    assert robstat.medcouple([1, 2, inf, inf]) == 0.0
    assert robstat.medcouple([-inf, -inf, inf, inf]) == 0.0
    x = np.r_[np.random.default_rng(3).lognormal(size=30), inf, -inf, inf]
    big = np.where(np.isinf(x), np.sign(x) * 2.0**80, x)  # the limit definition
    assert robstat.medcouple(x) == brute(big)
    lo, hi = adjbox_fences([-inf, -inf, 1, 2, 3, 4, inf])
    assert lo == -inf and hi == inf


def test_huge_values_do_not_overflow():
    x = np.array([-1e308, -5e307, 0.0, 1e307, 1.7e308, 1.2e308, -1.7e308, 9e307])
    assert robstat.medcouple(x) == brute(x * 2.0**-100)
    wide = np.array([-0.7, -0.6, -0.6, -0.5, 0.0, 0.2, 1.3, 1.3, 1.6]) * 1e308
    lo, hi = adjbox_fences(wide)  # Q3 - Q1 overflows; the lower fence does not
    lo_s, hi_s = adjbox_fences(wide * 2.0**-8)
    assert np.isfinite(lo) and lo == lo_s * 2.0**8
    assert hi == np.inf
    sub = np.array([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]) * 5e-324
    assert robstat.medcouple(sub) == robstat.medcouple(sub / 5e-324)


def test_adjbox_parameters_and_semantics():
    x = np.array([1, 2, 3, 4, 5, 6, 8, 11, 15, 30.0])
    for bad in (-0.5, np.nan, np.inf):
        with pytest.raises(ValueError, match="coef"):
            adjbox_fences(x, coef=bad)
    with pytest.raises(ValueError, match="a must"):
        adjbox_fences(x, a=np.inf)
    with pytest.raises(ValueError, match="b must"):
        adjbox_fences(x, b=np.nan)
    assert adjbox_fences(x, coef=0) == (3.0, 11.0)  # the hinges (R: NA)
    assert adjbox_fences(x, a=0, b=0) == (3.0 - 12.0, 11.0 + 12.0)  # Tukey's fences
    # right skew: the upper fence moves out, the lower one in
    lo, hi = adjbox_fences(x)
    assert robstat.medcouple(x) > 0 and lo > 3.0 - 12.0 and hi > 11.0 + 12.0
    assert adjbox_fences(-x) == (-hi, -lo)
