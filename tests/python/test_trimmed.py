"""Trimming options (counts, several levels) and trimmed inference (trimmed_var,
winsorized_var, trimmed_sem, trimmed_ci, trimean) against base R
(tests/data/reference_trimmed.csv, tests/tools/make_reference_trimmed.R), SciPy
(trim_mean, mstats.trimmed_var, mstats.winsorize, mstats.trimmed_stde, tvar,
ttest_ind(trim=), t.ppf) and brute-force definitions."""

from __future__ import annotations

import csv
import math
import pathlib
import warnings

import numpy as np
import pytest
import robstat
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hs

DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "reference_trimmed.csv"


# ---- brute-force definitions ------------------------------------------------------


def cuts(n, lower, upper, counts=False):
    if counts:
        return int(lower), int(upper)
    return math.floor(lower * n), math.floor(upper * n)


def ref_kept(x, lower, upper, counts=False):
    s = np.sort(np.asarray(x, dtype=np.float64))
    g_lo, g_hi = cuts(len(s), lower, upper, counts)
    return s[g_lo:len(s) - g_hi] if len(s) > g_lo + g_hi else s[:0]


def ref_winsorized(x, lower, upper, counts=False):
    s = np.sort(np.asarray(x, dtype=np.float64))
    n = len(s)
    g_lo, g_hi = cuts(n, lower, upper, counts)
    w = s.copy()
    w[:g_lo] = s[g_lo]
    if g_hi:
        w[n - g_hi:] = s[n - g_hi - 1]
    return w


def ref_sem(x, p):
    n = len(x)
    g = math.floor(p * n)
    h = n - 2 * g
    if h < 2:
        return np.nan
    w = ref_winsorized(x, p, p)
    return math.sqrt((n - 1) * np.var(w, ddof=1) / (h * (h - 1)))


def ref_trimean(x, hinges=False):
    s = np.sort(np.asarray(x, dtype=np.float64))
    if hinges:  # R's fivenum
        n = len(s)
        n4 = math.floor((n + 3) / 2) / 2
        d = [n4, n + 1 - n4]
        h = [0.5 * (s[math.floor(v) - 1] + s[math.ceil(v) - 1]) for v in d]
        return (h[0] + 2 * np.median(s) + h[1]) / 4
    q1, q2, q3 = np.quantile(s, [0.25, 0.5, 0.75])
    return (q1 + 2 * q2 + q3) / 4


def data(n, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = rng.normal(10, 2, size=n)
    k = max(1, n // 20) if n >= 5 else 0
    x[rng.choice(n, k, replace=False)] += rng.choice([-1, 1], k) * rng.uniform(50, 500, k)
    return x.astype(dtype)


# ---- the R table --------------------------------------------------------------------


def _read_reference():
    inputs, rows = {}, []
    with open(DATA, newline="") as f:
        lines = [ln for ln in f if not ln.startswith("#")]
    for r in csv.DictReader(lines):
        if r["statistic"] == "input":
            inputs[r["case"]] = np.array([float(v) for v in r["x"].split(" ")])
        else:
            rows.append(r)
    return inputs, rows


def _p(s):
    return float(s) if s != "" else None


def test_reference_table_from_r():
    inputs, rows = _read_reference()
    assert len(rows) > 2000
    seen = set()
    for r in rows:
        x = inputs[r["case"]]
        p1, p2, p3 = _p(r["p1"]), _p(r["p2"]), _p(r["p3"])
        stat = r["statistic"]
        seen.add(stat)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", robstat.SmallSampleWarning)
            if stat == "trimmed_mean":
                got, tol = robstat.trimmed_mean(x, (p1, p2)), 1e-12
            elif stat == "trimmed_mean_count":
                got, tol = robstat.trimmed_mean(x, ntrim=(int(p1), int(p2))), 1e-12
            elif stat == "winsorized_mean_count":
                got, tol = robstat.winsorized_mean(x, nlimits=(int(p1), int(p2))), 1e-12
            elif stat == "trimmed_var":
                got, tol = robstat.trimmed_var(x, (p1, p2), ddof=p3), 1e-11
            elif stat == "trimmed_var_count":
                got, tol = robstat.trimmed_var(x, ddof=p3, ntrim=(int(p1), int(p2))), 1e-11
            elif stat == "winsorized_var":
                got, tol = robstat.winsorized_var(x, (p1, p2), ddof=p3), 1e-11
            elif stat == "trimmed_sem":
                got, tol = robstat.trimmed_sem(x, p1), 1e-11
            elif stat.startswith("trimmed_ci"):
                lo, hi = robstat.trimmed_ci(x, p1, p3)
                got, tol = (lo if stat.endswith("lower") else hi), 1e-11
            elif stat == "trimean_linear":
                got, tol = robstat.trimean(x), 1e-12
            elif stat == "trimean_hinges":
                got, tol = robstat.trimean(x, method="hinges"), 1e-12
            else:
                raise AssertionError(stat)
        want = float(r["expected"])
        ctx = f"{r['case']} {stat} {p1} {p2} {p3}"
        if math.isnan(want):
            assert math.isnan(got), ctx
        else:
            scale = abs(want)
            if stat.startswith("trimmed_ci"):  # a difference of a mean and a half width
                scale = max(scale, 1e-6 * float(np.max(np.abs(x))))
            assert abs(got - want) <= tol * scale, (ctx, got, want)
    assert len(seen) == 11


# ---- counts and levels ------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 37, 1000, 20011])
def test_counts_equal_proportions_bit_for_bit(n):
    x = data(n, seed=n)
    for p in (0.0, 0.05, 0.1, 0.25, 0.4):
        g = math.floor(p * n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", robstat.SmallSampleWarning)
            a = robstat.trimmed_mean(x, p)
            b = robstat.trimmed_mean(x, ntrim=g)
            assert np.array_equal(a, b, equal_nan=True)
            assert np.array_equal(robstat.winsorized_mean(x, p),
                                  robstat.winsorized_mean(x, nlimits=g), equal_nan=True)
            assert np.array_equal(robstat.winsorize(x, p), robstat.winsorize(x, nlimits=g),
                                  equal_nan=True)
            assert np.array_equal(robstat.trimmed_var(x, p), robstat.trimmed_var(x, ntrim=g),
                                  equal_nan=True)
            assert np.array_equal(robstat.trimmed_sem(x, p), robstat.trimmed_sem(x, ntrim=g),
                                  equal_nan=True)


def test_counts_larger_than_the_slice_warn_and_give_nan():
    x = np.arange(12.0).reshape(3, 4)
    x[1, :2] = np.nan
    with pytest.warns(robstat.SmallSampleWarning, match="ntrim"):
        got = robstat.trimmed_mean(x, ntrim=1, axis=1, nan_policy="omit")
    np.testing.assert_array_equal(got, [1.5, np.nan, 9.5])
    np.testing.assert_array_equal(robstat.trimmed_mean(x[[0, 2]], ntrim=(0, 3), axis=1), [0, 8])
    with pytest.warns(robstat.SmallSampleWarning):
        assert np.isnan(robstat.trimmed_mean(np.arange(4.0), ntrim=2))
    with pytest.warns(robstat.SmallSampleWarning):
        w = robstat.winsorize(np.arange(4.0), nlimits=(2, 2))
    assert np.isnan(w).all()
    with pytest.warns(robstat.SmallSampleWarning):
        assert np.isnan(robstat.winsorized_mean(np.arange(4.0), nlimits=(4, 0)))


LEVEL_SETS = [
    [0.05, 0.1, 0.2],
    [0.0, 0.5, (0.1, 0.3), 0.25],
    [0.01, 0.05, 0.1, 0.15, 0.2, 0.3],  # 12 cut ranks: beyond the engine's 8 brackets
    np.array([0.1, 0.2]),
    np.array([[0.0, 0.1], [0.2, 0.05]]),
]


@pytest.mark.parametrize("n", [1, 2, 3, 9, 100, 16384, 100003])
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f8", "f4"])
def test_levels_equal_separate_calls_bit_for_bit(n, dtype):
    x = data(n, seed=3 + n, dtype=dtype)
    ties = np.round(data(n, seed=5 + n), 0).astype(dtype)
    for y in (x, ties):
        for levels in LEVEL_SETS:
            got = robstat.trimmed_mean(y, levels)
            items = [tuple(v) if np.ndim(v) else float(v)
                     for v in (levels.tolist() if isinstance(levels, np.ndarray) else levels)]
            assert got.shape == (len(items),) and got.dtype == dtype
            for i, lv in enumerate(items):
                assert np.array_equal(got[i], robstat.trimmed_mean(y, lv)), (n, lv)
            if 0.5 not in items:
                wgot = robstat.winsorized_mean(y, levels)
                for i, lv in enumerate(items):
                    assert np.array_equal(wgot[i], robstat.winsorized_mean(y, lv)), (n, lv)
        with warnings.catch_warnings():  # n <= 2: some counts leave nothing
            warnings.simplefilter("ignore", robstat.SmallSampleWarning)
            got = robstat.trimmed_mean(y, ntrim=[0, 1, (2, 0)])
            for i, g in enumerate([0, 1, (2, 0)]):
                assert np.array_equal(got[i], robstat.trimmed_mean(y, ntrim=g), equal_nan=True)


def test_levels_with_axes_keepdims_and_workers():
    x = data(6 * 7 * 40, seed=1).reshape(6, 7, 40)
    lv = [0.05, 0.1, 0.2]
    for axis in (None, 0, 2, (0, 2), -1):
        for keepdims in (False, True):
            got = robstat.trimmed_mean(x, lv, axis=axis, keepdims=keepdims)
            sep = [robstat.trimmed_mean(x, p, axis=axis, keepdims=keepdims) for p in lv]
            assert got.shape == (3,) + np.shape(sep[0])
            for i in range(3):
                assert np.array_equal(got[i], sep[i])
            if not keepdims:
                want = np.stack([st.trim_mean(x.reshape(-1) if axis is None else x, p,
                                              axis=None if axis is None else axis)
                                 for p in lv]) if np.ndim(axis) == 0 else None
                if want is not None:
                    np.testing.assert_allclose(got, want, rtol=1e-12)
    big = data(4 * 50000, seed=2).reshape(4, 50000)
    assert np.array_equal(robstat.trimmed_mean(big, lv, axis=1, workers=2),
                          robstat.trimmed_mean(big, lv, axis=1, workers=1))
    # strided views give the same bits as contiguous copies
    v = x[::2, ::-1, ::3]
    assert np.array_equal(robstat.trimmed_mean(v, lv, axis=2),
                          robstat.trimmed_mean(np.ascontiguousarray(v), lv, axis=2))
    assert robstat.trimmed_mean(x, [], axis=2).shape == (0, 6, 7)


def test_a_tuple_is_one_pair_a_list_is_levels():
    x = data(101, seed=4)
    pair = robstat.trimmed_mean(x, (0.1, 0.2))
    assert np.ndim(pair) == 0
    assert pair == pytest.approx(st.mstats.trimmed_mean(x, limits=(0.1, 0.2)), rel=1e-15)
    two = robstat.trimmed_mean(x, [0.1, 0.2])
    assert two.shape == (2,)
    assert two[0] == robstat.trimmed_mean(x, 0.1) and two[1] == robstat.trimmed_mean(x, 0.2)
    assert robstat.trimmed_mean(x, [(0.1, 0.2)])[0] == pair
    assert robstat.trimmed_mean(x, [[0.1, 0.2]])[0] == pair  # a list inside a list is a pair
    assert robstat.trimmed_mean(x, (0.1, None)) == robstat.trimmed_mean(x, (0.1, 0.0))
    with pytest.raises(ValueError, match="tuple"):
        robstat.trimmed_mean(x, (0.1, 0.2, 0.3))
    with pytest.raises(ValueError, match="tuple"):
        robstat.trimmed_mean(x, ((0.1, 0.1), (0.2, 0.2)))
    with pytest.raises(ValueError, match="pair"):
        robstat.trimmed_mean(x, [(0.1, 0.2, 0.3)])
    with pytest.raises(ValueError, match="shape"):
        robstat.trimmed_mean(x, np.zeros((2, 3)))
    with pytest.raises(TypeError, match="not both"):
        robstat.trimmed_mean(x, 0.1, ntrim=2)
    with pytest.raises(TypeError, match="not both"):
        robstat.winsorized_mean(x, 0.1, nlimits=2)
    with pytest.raises(TypeError, match="whole numbers"):
        robstat.trimmed_mean(x, ntrim=2.5)
    with pytest.raises(ValueError, match="ntrim"):
        robstat.trimmed_mean(x, ntrim=-1)
    with pytest.raises(ValueError, match="trim"):
        robstat.trimmed_mean(x, [0.1, 0.6])
    with pytest.raises(ValueError, match="one trim level"):
        robstat.trimmed_var(x, [0.1, 0.2])
    with pytest.raises(ValueError, match="limits"):
        robstat.winsorized_mean(x, [0.5])


# ---- inference against SciPy -----------------------------------------------------------


@pytest.mark.parametrize("n", [2, 3, 4, 5, 10, 20, 57, 1000, 20011])
def test_inference_against_scipy(n):
    x = data(n, seed=n)
    for p in (0.0, 0.1, 0.2, 0.25):
        g = math.floor(p * n)
        h = n - 2 * g
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", robstat.SmallSampleWarning)
            tv = robstat.trimmed_var(x, p, ddof=0)
            sem = robstat.trimmed_sem(x, p)
            lo, hi = robstat.trimmed_ci(x, p, 0.9)
        # mstats.trimmed_var cuts int(p * n) per tail; its ddof defaults to 0
        np.testing.assert_allclose(tv, st.mstats.trimmed_var(x, limits=(p, p), ddof=0),
                                   rtol=1e-12)
        np.testing.assert_allclose(robstat.winsorized_var(x, p, ddof=1),
                                   np.var(np.asarray(st.mstats.winsorize(x, limits=(p, p))),
                                          ddof=1), rtol=1e-12)
        if h < 2:
            assert np.isnan(sem) and np.isnan(lo) and np.isnan(hi)
            continue
        np.testing.assert_allclose(sem, ref_sem(x, p), rtol=1e-12)
        # mstats.trimmed_stde is s_w / ((1 - 2p) sqrt(n)): the documented factor apart
        if p == 0:  # (SciPy 1.17's trimmed_stde fails on a zero limit)
            continue
        stde = st.mstats.trimmed_stde(x, limits=(p, p))
        factor = math.sqrt(n * (n - 1) * (1 - 2 * p) ** 2 / (h * (h - 1)))
        np.testing.assert_allclose(sem, stde * factor, rtol=1e-12)
        t = st.t.ppf(0.95, h - 1)
        m = st.trim_mean(x, p)
        np.testing.assert_allclose([lo, hi], [m - t * sem, m + t * sem], rtol=1e-12,
                                   atol=1e-12 * abs(m))


def test_sem_is_the_yuen_welch_denominator_of_scipy_ttest_ind():
    a, b = data(57, seed=8), data(43, seed=9) + 1.0
    for trim in (0.1, 0.2, 0.25):
        t = ((robstat.trimmed_mean(a, trim) - robstat.trimmed_mean(b, trim))
             / math.hypot(robstat.trimmed_sem(a, trim), robstat.trimmed_sem(b, trim)))
        want = st.ttest_ind(a, b, trim=trim, equal_var=False).statistic
        np.testing.assert_allclose(t, want, rtol=1e-12)


def test_trimmed_var_and_scipy_tvar():
    x = data(200, seed=10)  # no ties
    s = np.sort(x)
    for p in (0.05, 0.1, 0.2):
        g = math.floor(p * len(x))
        want = st.tvar(x, limits=(s[g], s[len(x) - g - 1]), inclusive=(True, True))
        np.testing.assert_allclose(robstat.trimmed_var(x, p), want, rtol=1e-12)
    # with ties at a cut point tvar keeps every tied value, robstat exactly h of them
    y = np.array([1.0, 2, 2, 2, 3, 4, 5, 6, 6, 6])
    assert robstat.trimmed_var(y, 0.2) == pytest.approx(np.var([2, 2, 3, 4, 5, 6], ddof=1))
    assert st.tvar(y, limits=(2, 6)) == pytest.approx(np.var(y[1:], ddof=1))


def test_asymmetric_sem_and_ci_are_rejected():
    x = data(30)
    with pytest.raises(ValueError, match="symmetric"):
        robstat.trimmed_sem(x, (0.1, 0.2))
    with pytest.raises(ValueError, match="symmetric"):
        robstat.trimmed_ci(x, ntrim=(1, 2))
    with pytest.raises(ValueError, match="confidence"):
        robstat.trimmed_ci(x, 0.1, 1.0)
    with pytest.raises(ValueError, match="ddof"):
        robstat.trimmed_var(x, 0.1, ddof=-1)
    with pytest.raises(ValueError, match="method"):
        robstat.trimean(x, method="type7")
    # a symmetric pair is accepted
    assert robstat.trimmed_sem(x, (0.1, 0.1)) == robstat.trimmed_sem(x, 0.1)


# ---- trimean -----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 8, 11, 100, 20011])
def test_trimean(n):
    x = data(n, seed=20 + n)
    assert robstat.trimean(x) == pytest.approx(ref_trimean(x), rel=1e-13)
    assert robstat.trimean(x, method="hinges") == pytest.approx(ref_trimean(x, True), rel=1e-13)
    for method in ("lower", "higher", "midpoint", "nearest"):
        q = np.quantile(x, [0.25, 0.5, 0.75], method=method)
        assert robstat.trimean(x, method=method) == pytest.approx(
            (q[0] + 2 * q[1] + q[2]) / 4, rel=1e-13)
    assert robstat.trimean(np.arange(101.0)) == 50.0


# ---- shapes, dtypes, NaN, edge cases -------------------------------------------------------

FUNCS = {
    "trimmed_var": lambda x, **kw: robstat.trimmed_var(x, 0.1, **kw),
    "trimmed_var_ddof0_asym": lambda x, **kw: robstat.trimmed_var(x, (0.0, 0.2), ddof=0, **kw),
    "winsorized_var": lambda x, **kw: robstat.winsorized_var(x, 0.2, **kw),
    "trimmed_sem": lambda x, **kw: robstat.trimmed_sem(x, **kw),
    "trimmed_ci_lower": lambda x, **kw: robstat.trimmed_ci(x, **kw)[0],
    "trimmed_ci_upper": lambda x, **kw: robstat.trimmed_ci(x, **kw)[1],
    "trimean": lambda x, **kw: robstat.trimean(x, **kw),
    "trimean_hinges": lambda x, **kw: robstat.trimean(x, method="hinges", **kw),
    "trimmed_mean_counts": lambda x, **kw: robstat.trimmed_mean(x, ntrim=1, **kw),
}
ORACLES = {
    "trimmed_var": lambda v: np.var(ref_kept(v, 0.1, 0.1), ddof=1),
    "trimmed_var_ddof0_asym": lambda v: np.var(ref_kept(v, 0.0, 0.2)),
    "winsorized_var": lambda v: np.var(ref_winsorized(v, 0.2, 0.2), ddof=1),
    "trimmed_sem": lambda v: ref_sem(v, 0.1),
    "trimmed_ci_lower": lambda v: st.trim_mean(v, 0.1) - st.t.ppf(0.975, len(v) - 2 * math.floor(
        0.1 * len(v)) - 1) * ref_sem(v, 0.1),
    "trimmed_ci_upper": lambda v: st.trim_mean(v, 0.1) + st.t.ppf(0.975, len(v) - 2 * math.floor(
        0.1 * len(v)) - 1) * ref_sem(v, 0.1),
    "trimean": ref_trimean,
    "trimean_hinges": lambda v: ref_trimean(v, True),
    "trimmed_mean_counts": lambda v: np.mean(np.sort(v)[1:-1]),
}


def lane_oracle(f, x, axis, omit=False):
    x = np.asarray(x, dtype=np.float64)
    axes = tuple(range(x.ndim)) if axis is None else (
        (axis,) if np.ndim(axis) == 0 else tuple(axis))
    axes = tuple(a % x.ndim for a in axes)
    keep = [d for d in range(x.ndim) if d not in axes]
    m = x.transpose(keep + list(axes)).reshape([x.shape[d] for d in keep] + [-1])
    out = np.empty(m.shape[:-1])
    for idx in np.ndindex(out.shape):
        lane = m[idx]
        if omit:
            lane = lane[~np.isnan(lane)]
        if lane.size == 0 or np.isnan(lane).any():
            out[idx] = np.nan
            continue
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out[idx] = f(lane)
    return out


@pytest.mark.parametrize("name", sorted(FUNCS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f8", "f4"])
def test_axes_dtypes_and_strides(name, dtype):
    x = data(5 * 6 * 30, seed=7).reshape(5, 6, 30).astype(dtype)
    xo = x.astype(np.float64)
    tol = dict(rtol=1e-11, atol=1e-11) if dtype == np.float64 else dict(rtol=2e-5, atol=2e-5)
    scale = float(np.abs(xo).max())
    for axis in (None, 0, 2, (0, 2), -1, (1, 2)):
        got = FUNCS[name](x, axis=axis)
        assert np.asarray(got).dtype == dtype
        want = lane_oracle(ORACLES[name], xo, axis)
        np.testing.assert_allclose(got, want, rtol=tol["rtol"], atol=tol["atol"] * scale)
        kd = FUNCS[name](x, axis=axis, keepdims=True)
        assert np.shape(kd) == np.mean(x, axis=axis, keepdims=True).shape
    v = x[::-2, :, ::3]
    assert np.array_equal(FUNCS[name](v, axis=2), FUNCS[name](np.ascontiguousarray(v), axis=2))
    before = x.copy()
    FUNCS[name](x, axis=1, nan_policy="omit")
    assert np.array_equal(x, before)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_nan_policies(name):
    x = data(6 * 25, seed=9).reshape(6, 25)
    x[1, 3] = np.nan
    x[4, [0, 7, 9]] = np.nan
    x[5] = np.nan
    got = FUNCS[name](x, axis=1)
    assert np.isnan(got[[1, 4, 5]]).all() and not np.isnan(got[[0, 2, 3]]).any()
    with pytest.warns(robstat.SmallSampleWarning):
        omit = FUNCS[name](x, axis=1, nan_policy="omit")
    np.testing.assert_allclose(omit, lane_oracle(ORACLES[name], x, 1, omit=True), rtol=1e-11,
                               atol=1e-9)
    with pytest.raises(ValueError):
        FUNCS[name](x, axis=1, nan_policy="raise")
    np.testing.assert_array_equal(FUNCS[name](x[:4], axis=1, nan_policy="omit"), omit[:4])


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_small_samples(name):
    for n in (0, 1, 2, 3):
        x = np.arange(float(n)) * 1.5
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            got = FUNCS[name](x)
        small = [c for c in w if issubclass(c.category, robstat.SmallSampleWarning)]
        if n == 0:
            assert np.isnan(got) and small
        elif not np.isnan(got):
            assert not small
            np.testing.assert_allclose(got, ORACLES[name](x), rtol=1e-12, atol=1e-15)
        else:
            assert small, (name, n)


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_workers_and_constant_data(name):
    x = data(8 * 30000, seed=12).reshape(8, 30000)
    assert np.array_equal(FUNCS[name](x, axis=1, workers=2), FUNCS[name](x, axis=1, workers=1))
    c = np.full((3, 40), -2.5)
    got = np.asarray(FUNCS[name](c, axis=1))
    want = 0.0 if ("var" in name or "sem" in name) else -2.5
    np.testing.assert_array_equal(got, want)


@settings(max_examples=60, deadline=None)
@given(hs.lists(hs.floats(-1e6, 1e6), min_size=1, max_size=60),
       hs.sampled_from([0.0, 0.1, 0.2, 0.3]))
def test_property_against_definitions(v, p):
    x = np.array(v)
    n = len(x)
    g = math.floor(p * n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", robstat.SmallSampleWarning)
        if n - 2 * g > 1:
            k = ref_kept(x, p, p)
            assert robstat.trimmed_var(x, p) == pytest.approx(np.var(k, ddof=1), rel=1e-9,
                                                              abs=1e-9)
            assert robstat.trimmed_sem(x, p) == pytest.approx(ref_sem(x, p), rel=1e-9, abs=1e-9)
        assert robstat.trimean(x) == pytest.approx(ref_trimean(x), rel=1e-12, abs=1e-9)
        lv = robstat.trimmed_mean(x, [p, 0.5, 0.05])
        for i, q in enumerate([p, 0.5, 0.05]):
            assert lv[i] == robstat.trimmed_mean(x, q)


def test_means_stay_inside_the_kept_values() -> None:
    # found by fuzz_estimators: the rounded sum of 13 copies over 13 was one ulp above them
    import struct

    v = struct.unpack("<d", bytes([0x78] * 8))[0]  # 0x1.8787878787878p+904
    for k in range(1, 40):
        for zeros in range(3):
            x = np.array([v] * k + [0.0] * zeros)
            for t in (0.0, 0.1, 0.2):
                for f in (robstat.trimmed_mean, robstat.winsorized_mean):
                    r = float(f(x, t))
                    assert 0.0 <= r <= v, (f.__name__, k, zeros, t, r.hex())
            assert robstat.trimmed_mean(np.full(k, v), 0.1) == v
            assert robstat.aggregate(np.full(k, v)).center == v
