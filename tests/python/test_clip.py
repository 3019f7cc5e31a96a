"""robstat.sigma_clip and robstat.outliers against live astropy, numpy and brute force."""

from __future__ import annotations

import pathlib
import warnings

import numpy as np
import pytest
import robstat
from hypothesis import given
from hypothesis import strategies as hs
from robstat import _medcouple

astropy_stats = pytest.importorskip("astropy.stats")


def astropy_clip(x, low, high, maxiters, center, scale, axis=None):
    """astropy's sigma_clip; when everything is clipped its axis=None path returns NaN
    bounds and an empty mask, its C path (axis given) keeps the last bounds: robstat does
    the latter, so use that path then."""
    kw = dict(sigma_lower=low, sigma_upper=high, maxiters=maxiters, cenfunc=center,
              stdfunc=scale, return_bounds=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m, lo, hi = astropy_stats.sigma_clip(x, axis=axis, **kw)
        if axis is None and x.ndim == 1 and np.isfinite(x).any() and np.isnan(lo):
            m, lo, hi = astropy_stats.sigma_clip(x, axis=0, **kw)
    return np.ma.getmaskarray(m), lo, hi


def check_against_astropy(x, low, high, maxiters, center, scale, axis=None, policy="omit"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", robstat.SmallSampleWarning)  # empty or all-NaN input
        r = robstat.sigma_clip(x, low, high, maxiters=maxiters, center=center, scale=scale,
                               axis=axis, nan_policy=policy)
    amask, lo, hi = astropy_clip(x, low, high, maxiters, center, scale, axis)
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    rlo, rhi = np.asarray(r.lower, float), np.asarray(r.upper, float)
    if np.ndim(lo) != np.ndim(rlo):  # astropy keeps the reduced axes with length one
        lo, hi = lo.reshape(rlo.shape), hi.reshape(rhi.shape)
    exact = center == "median" and scale == "mad_std"
    # 1e-12 relative to the terms the bounds come from (centre and sigma * scale)
    tol = 1e-12 * np.maximum(np.maximum(abs(np.nan_to_num(lo)), abs(np.nan_to_num(hi))),
                             np.nan_to_num(hi - lo))
    assert np.array_equal(np.isnan(lo), np.isnan(rlo))
    ok = ~np.isnan(lo)
    if exact:
        assert np.array_equal(lo[ok], rlo[ok]) and np.array_equal(hi[ok], rhi[ok])
    else:
        assert np.all(abs(lo - rlo)[ok] <= tol[ok]) and np.all(abs(hi - rhi)[ok] <= tol[ok])
    ours = r.mask | r.nan
    diff = ours != amask
    if diff.any():
        assert not exact, (x, r, lo, hi)
        # only values within rounding of a bound
        lob = np.broadcast_to(np.expand_dims(lo, axis) if axis is not None else lo, x.shape)
        hib = np.broadcast_to(np.expand_dims(hi, axis) if axis is not None else hi, x.shape)
        tb = np.broadcast_to(np.expand_dims(tol, axis) if axis is not None else tol, x.shape)
        near = np.minimum(abs(x - lob), abs(x - hib)) <= tb
        assert np.all(near[diff])
    # labels agree with the bounds returned
    lab = r.labels
    assert lab.dtype == np.int8 and lab.shape == np.shape(x)
    return r


values = hs.one_of(
    hs.floats(-1e6, 1e6, allow_nan=False, width=64),
    hs.integers(-3, 3).map(float),
)


@given(
    x=hs.lists(values, min_size=0, max_size=80),
    outl=hs.lists(hs.floats(-1e9, 1e9, allow_nan=False), max_size=5),
    low=hs.floats(0.3, 5), high=hs.floats(0.3, 5),
    maxiters=hs.sampled_from([None, 1, 2, 3, 10]),
    center=hs.sampled_from(["median", "mean"]),
    scale=hs.sampled_from(["mad_std", "std"]),
)
def test_sigma_clip_matches_astropy_hypothesis(x, outl, low, high, maxiters, center, scale):
    a = np.array(x + outl, dtype=float)
    check_against_astropy(a, low, high, maxiters, center, scale)


@given(
    n=hs.integers(0, 3000), seed=hs.integers(0, 2**32 - 1),
    kind=hs.sampled_from(["normal", "ties", "cauchy", "nan", "inf"]),
    low=hs.floats(1, 4), high=hs.floats(1, 4),
    center=hs.sampled_from(["median", "mean"]),
    scale=hs.sampled_from(["mad_std", "std"]),
)
def test_sigma_clip_matches_astropy_larger(n, seed, kind, low, high, center, scale):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    if kind == "ties":
        x = np.round(x * 2)
    elif kind == "cauchy":
        x = rng.standard_cauchy(n)
    elif kind in ("nan", "inf") and n:
        idx = rng.choice(n, max(1, n // 50), replace=False)
        x[idx] = np.nan if kind == "nan" else rng.choice([np.inf, -np.inf], idx.size)
    check_against_astropy(x, low, high, None, center, scale)


@pytest.mark.parametrize("axis", [0, 1, -1, (0, 2)])
@pytest.mark.parametrize("center,scale", [("median", "mad_std"), ("mean", "std")])
def test_sigma_clip_axis_matches_astropy(axis, center, scale):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((7, 300, 3))
    x[rng.random(x.shape) < 0.02] = 25.0
    r = check_against_astropy(x, 2.5, 3.0, None, center, scale, axis=axis)
    assert np.shape(r.lower) == tuple(np.delete(x.shape, np.array(axis)))


def test_sigma_clip_large_against_astropy():
    rng = np.random.default_rng(11)
    x = rng.standard_normal(200_001)
    x[:2000] = rng.uniform(5, 50, 2000)
    for center, scale in [("median", "mad_std"), ("median", "std"), ("mean", "std"),
                          ("mean", "mad_std")]:
        r = check_against_astropy(x, 3.0, 3.0, None, center, scale)
        assert r.converged
        assert r.n_iter >= 2


def test_sigma_clip_result_fields():
    x = np.array([1.0, 2, 3, 2, 1, 2, 3, 2, 100, np.nan])
    r = robstat.sigma_clip(x, nan_policy="omit")
    assert r.labels.tolist() == [0, 0, 0, 0, 0, 0, 0, 0, 1, 0]
    assert r.nan.tolist() == [False] * 9 + [True]
    assert r.mask.sum() == 1 and r.kept.sum() == 8
    assert r.data.count() == 8
    assert r.center == 2.0 and r.converged and r.n_iter == 2
    assert r.lower == r.center - 3 * r.scale and r.upper == r.center + 3 * r.scale
    assert "SigmaClipResult(" in repr(r) and "n_high=1" in repr(r)
    p = robstat.sigma_clip(x)  # propagate: NaN bounds, nothing flagged
    assert np.isnan(p.lower) and not p.mask.any() and p.n_iter == 0 and not p.converged
    with pytest.raises(ValueError):
        robstat.sigma_clip(x, nan_policy="raise")


def test_sigma_clip_maxiters_and_convergence():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.standard_normal(1000), rng.uniform(3, 6, 100)])
    full = robstat.sigma_clip(x)
    one = robstat.sigma_clip(x, maxiters=1)
    assert one.n_iter == 1 and not one.converged
    assert full.converged and full.n_iter > 1
    assert robstat.sigma_clip(x, maxiters=-3).n_iter == full.n_iter
    assert robstat.sigma_clip(x, maxiters=full.n_iter).converged


def test_sigma_clip_invalid_arguments():
    x = np.arange(10.0)
    for kw in [dict(low=-1), dict(high=np.inf), dict(maxiters=0), dict(center="mode"),
               dict(scale="iqr"), dict(nan_policy="drop")]:
        with pytest.raises(ValueError):
            robstat.sigma_clip(x, **kw)
    with pytest.raises(TypeError):
        robstat.sigma_clip(x, maxiters=1.5)
    with pytest.raises(TypeError):
        robstat.sigma_clip(np.array(["a"]))


def test_sigma_clip_empty_and_small():
    with pytest.warns(robstat.SmallSampleWarning):
        r = robstat.sigma_clip(np.array([]))
    assert r.labels.shape == (0,) and np.isnan(r.lower)
    with pytest.warns(robstat.SmallSampleWarning):
        r = robstat.sigma_clip(np.array([np.nan, np.nan]), nan_policy="omit")
    r = robstat.sigma_clip(np.array([5.0]))
    assert r.lower == r.upper == 5.0 and r.converged
    r = robstat.sigma_clip(np.full(7, 2.0))
    assert not r.mask.any() and r.scale == 0


def test_sigma_clip_dtypes_layouts_workers():
    rng = np.random.default_rng(8)
    x = rng.standard_normal((40, 500))
    x[rng.random(x.shape) < 0.03] = 9.0
    base = robstat.sigma_clip(x, axis=1)
    for w in (2, -1):
        r = robstat.sigma_clip(x, axis=1, workers=w)
        assert np.array_equal(r.labels, base.labels) and np.array_equal(r.lower, base.lower)
    f = np.asfortranarray(x)
    r = robstat.sigma_clip(f, axis=1)
    assert np.array_equal(r.labels, base.labels)
    r = robstat.sigma_clip(x[:, ::-1], axis=1)
    assert np.array_equal(r.labels, base.labels[:, ::-1])
    x32 = x.astype(np.float32)
    r32 = robstat.sigma_clip(x32, axis=1)
    assert r32.lower.dtype == np.float32
    assert np.allclose(r32.lower, robstat.sigma_clip(x32.astype(float), axis=1).lower, rtol=1e-5)
    ri = robstat.sigma_clip(np.arange(20) ** 2)
    assert ri.lower.dtype == np.float64
    before = x.copy()
    robstat.sigma_clip(x, axis=0)
    assert np.array_equal(before, x)


# ---- outliers ----------------------------------------------------------------------


@given(x=hs.lists(values, min_size=0, max_size=60), t=hs.floats(0, 6))
def test_outliers_mad_is_robust_zscore(x, t):
    a = np.array(x, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", robstat.SmallSampleWarning)
        r = robstat.outliers(a, "mad", t)
        z = robstat.robust_zscore(a)
    with np.errstate(invalid="ignore"):
        assert np.array_equal(r.mask, np.abs(z) > t)
        assert np.array_equal(r.labels, np.where(z > t, 1, np.where(z < -t, -1, 0)))


@given(x=hs.lists(values, min_size=1, max_size=60), k=hs.floats(0, 4))
def test_outliers_iqr_matches_numpy(x, k):
    a = np.array(x, dtype=float)
    r = robstat.outliers(a, "iqr", k)
    q1, q3 = np.quantile(a, [0.25, 0.75])
    lo, hi = q1 - k * (q3 - q1), q3 + k * (q3 - q1)
    assert r.lower == pytest.approx(lo, rel=1e-12, abs=1e-12 * max(abs(lo), abs(hi), 1e-300))
    assert r.upper == pytest.approx(hi, rel=1e-12, abs=1e-12 * max(abs(lo), abs(hi), 1e-300))
    assert np.array_equal(r.labels, np.where(a < r.lower, -1, np.where(a > r.upper, 1, 0)))
    assert r.n_low == np.sum(r.labels < 0) and r.n_high == np.sum(r.labels > 0)


def test_outliers_sigma_clip_and_defaults():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.standard_normal(500), [15.0, -12.0]])
    r = robstat.outliers(x, "sigma_clip")
    c = robstat.sigma_clip(x)
    assert np.array_equal(r.labels, c.labels) and r.threshold == 3.0
    assert robstat.outliers(x).threshold == 3.5 and robstat.outliers(x, "iqr").threshold == 1.5
    assert r.n_low == np.sum(r.labels < 0) >= 1 and r.n_high == np.sum(r.labels > 0) >= 1
    assert r.labels[-2:].tolist() == [1, -1]
    assert "OutlierResult(method='sigma_clip'" in repr(r)


def test_outliers_axis_and_nan():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((5, 200))
    x[:, 7] = 30
    x[2, 9] = np.nan
    r = robstat.outliers(x, "iqr", axis=1, nan_policy="omit")
    assert r.lower.shape == (5,) and r.n_high.shape == (5,)
    assert r.labels[:, 7].tolist() == [1] * 5 and r.labels[2, 9] == 0 and r.nan[2, 9]
    p = robstat.outliers(x, "mad", axis=1)
    assert np.isnan(p.lower[2]) and not p.mask[2].any() and p.mask[0, 7]
    for i in range(5):
        row = x[i][~np.isnan(x[i])]
        q1, q3 = np.quantile(row, [0.25, 0.75])
        assert r.lower[i] == pytest.approx(q1 - 1.5 * (q3 - q1), rel=1e-12)


def _medcouple_reference():
    """(x, lower fence, upper fence) of R's adjboxStats (tests/data/reference_medcouple.csv)."""
    path = pathlib.Path(__file__).resolve().parents[1] / "data" / "reference_medcouple.csv"
    rows, header = [], None
    for line in path.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        f = line.split(",")
        if header is None:
            header = f
            continue
        rec = dict(zip(header, f))
        rows.append((np.array([float(v) for v in rec["x"].split()]), float(rec["lower"]),
                     float(rec["upper"])))
    return rows


def test_outliers_adjbox_matches_r_adjboxstats():
    rows = _medcouple_reference()
    assert len(rows) >= 300
    checked = 0
    for x, lo, hi in rows:
        if not (np.isfinite(lo) and np.isfinite(hi)):
            continue
        r = robstat.outliers(x, "adjbox")
        assert r.threshold == 1.5
        assert float(r.lower) == pytest.approx(lo, rel=1e-12, abs=1e-300)
        assert float(r.upper) == pytest.approx(hi, rel=1e-12, abs=1e-300)
        # R: out = x < fence[1] | x > fence[2]
        want = np.where(x < r.lower, -1, np.where(x > r.upper, 1, 0))
        assert np.array_equal(r.labels, want)
        assert int(r.n_low) == np.count_nonzero(x < lo)
        assert int(r.n_high) == np.count_nonzero(x > hi)
        checked += 1
    assert checked >= 300


def test_outliers_adjbox_axis_threshold_nan():
    rng = np.random.default_rng(7)
    x = rng.lognormal(size=(4, 301))
    r = robstat.outliers(x, "adjbox", 2.0, axis=1)
    for i in range(4):
        lo, hi = _medcouple.adjbox_fences(x[i], 2.0)
        assert r.lower[i] == lo and r.upper[i] == hi
        assert np.array_equal(r.labels[i], np.where(x[i] < lo, -1, np.where(x[i] > hi, 1, 0)))
    # right skew: the adjusted upper fence lies beyond Tukey's, so fewer high outliers
    assert np.all(r.upper > robstat.outliers(x, "iqr", 2.0, axis=1).upper)
    xn = x[0].copy()
    xn[5] = np.nan
    assert np.isnan(robstat.outliers(xn, "adjbox").lower)
    ro = robstat.outliers(xn, "adjbox", nan_policy="omit")
    lo, hi = _medcouple.adjbox_fences(np.delete(xn, 5))
    assert ro.lower == lo and ro.upper == hi and ro.nan[5] and ro.labels[5] == 0


def test_outliers_invalid():
    msg = "method must be one of 'mad', 'iqr', 'sigma_clip', 'adjbox'"
    with pytest.raises(ValueError, match=msg):
        robstat.outliers(np.arange(5.0), "zscore")
    with pytest.raises(ValueError, match="threshold"):
        robstat.outliers(np.arange(5.0), "iqr", -1)
