"""Rolling windows: robstat.rolling_median / rolling_quantile / rolling_trimmed_mean /
rolling_mad / rolling_robust_zscore.

Oracles: a brute-force window loop (NumPy / SciPy on each window's non-NaN
values, pandas' window geometry written out independently) and pandas'
Series.rolling(window, min_periods, center).median() / .quantile().
"""

from __future__ import annotations

import numpy as np
import pytest
import robstat
import scipy.stats as st
from numpy.testing import assert_allclose, assert_array_equal

pd = pytest.importorskip("pandas")

try:
    from hypothesis import given
    from hypothesis import strategies as hs
    from hypothesis.extra import numpy as hnp
except ImportError:  # pragma: no cover
    given = None

MAD_NORMAL = 1.482602218505602
METHODS = ["linear", "lower", "higher", "midpoint", "nearest"]


# ---- the brute-force oracle ----------------------------------------------------


def windows(x, window, center):
    """(lo, hi) input bounds of each output (pandas' fixed-window geometry)."""
    n = len(x)
    right = (window - 1) // 2 if center else 0
    for t in range(n):
        yield max(0, t - window + 1 + right), min(n, t + right + 1)


def brute(x, window, fn, *, min_periods=None, center=False, propagate=False):
    x = np.asarray(x)
    mp = window if min_periods is None else max(min_periods, 1)
    out = np.full(len(x), np.nan, dtype=x.dtype if x.dtype.kind == "f" else np.float64)
    for t, (lo, hi) in enumerate(windows(x, window, center)):
        w = x[lo:hi]
        v = w[~np.isnan(w)]
        if len(v) >= mp and not (propagate and len(v) < len(w)):
            out[t] = fn(v, t - lo)
    return out


def b_median(v, _):
    return np.median(v)


def b_mad(v, _, scale=1.0):
    m = np.median(v)
    return np.median(np.abs(v - m)) * scale if np.isfinite(m) else np.nan


def b_trim(trim):
    return lambda v, _: st.trim_mean(v.astype(np.float64), trim)


def data(n, seed, *, ties=False, p_nan=0.15, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x = rng.normal(1.0, 3.0, n)
    if ties:
        x = np.round(x / 2)
    x[rng.random(n) < p_nan] = np.nan
    return x.astype(dtype)


GEOMS = [(w, c, mp) for w in (1, 2, 3, 4, 10, 33, 250) for c in (False, True)
         for mp in (None, 0, 1, 2)]


def _mp_ok(mp, w):
    return mp is None or mp <= w


# ---- against the brute-force loop ---------------------------------------------------


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("w,center,mp", [g for g in GEOMS if _mp_ok(g[2], g[0])])
def test_brute_force(w, center, mp, ties):
    x = data(200, w * 7 + int(center), ties=ties)
    kw = dict(min_periods=mp, center=center)
    assert_array_equal(robstat.rolling_median(x, w, **kw), brute(x, w, b_median, **kw))
    assert_array_equal(robstat.rolling_mad(x, w, scale=1.0, **kw), brute(x, w, b_mad, **kw))
    assert_array_equal(robstat.rolling_mad(x, w, **kw),
                       brute(x, w, lambda v, i: b_mad(v, i) * MAD_NORMAL, **kw))
    for q in (0.3, 1.0):
        for method in METHODS:
            got = robstat.rolling_quantile(x, w, q, method=method, **kw)
            def ref(v, _, q=q, method=method):
                return np.quantile(v, q, method=method)

            want = brute(x, w, ref, **kw)
            assert_allclose(got, want, rtol=1e-14, atol=1e-14, equal_nan=True)
    for trim in (0.0, 0.1, 0.25, 0.49):
        got = robstat.rolling_trimmed_mean(x, w, trim, **kw)
        assert_allclose(got, brute(x, w, b_trim(trim), **kw), rtol=1e-14, atol=1e-15,
                        equal_nan=True)


@pytest.mark.parametrize("w", [1, 2, 5, 101, 1000])
def test_long_series_many_blocks(w):
    x = data(4000, w, ties=True, p_nan=0.05)
    kw = dict(min_periods=1, center=w % 2 == 0)
    assert_array_equal(robstat.rolling_median(x, w, **kw), brute(x, w, b_median, **kw))
    assert_array_equal(robstat.rolling_mad(x, w, scale=1.0, **kw), brute(x, w, b_mad, **kw))
    assert_allclose(robstat.rolling_trimmed_mean(x, w, 0.1, **kw), brute(x, w, b_trim(0.1), **kw),
                    rtol=1e-14, atol=1e-15, equal_nan=True)


def test_window_longer_than_data():
    x = data(7, 1, p_nan=0.0)
    assert np.isnan(robstat.rolling_median(x, 10)).all()  # min_periods = window
    for center in (False, True):
        got = robstat.rolling_median(x, 10, min_periods=1, center=center)
        assert_array_equal(got, brute(x, 10, b_median, min_periods=1, center=center))
    assert robstat.rolling_median(np.array([]), 3).shape == (0,)


def test_asymmetric_trim():
    x = data(300, 4, ties=True)
    got = robstat.rolling_trimmed_mean(x, 20, (0.0, 0.3), min_periods=5)
    want = brute(x, 20, lambda v, _: robstat.trimmed_mean(v, (0.0, 0.3)), min_periods=5)
    assert_allclose(got, want, rtol=1e-14, equal_nan=True)


# ---- against pandas -----------------------------------------------------------------


@pytest.mark.parametrize("w,center,mp", [g for g in GEOMS if _mp_ok(g[2], g[0])])
def test_pandas_median_quantile(w, center, mp):
    x = data(300, 3 * w + 1, ties=True)
    r = pd.Series(x).rolling(w, min_periods=mp, center=center)
    kw = dict(min_periods=mp, center=center)
    assert_allclose(robstat.rolling_median(x, w, **kw), r.median().to_numpy(), rtol=1e-15,
                    atol=0, equal_nan=True)
    for q in (0.1, 0.5, 0.75):
        for method in ["linear", "lower", "higher", "midpoint", "nearest"]:
            if method == "nearest":
                continue  # pandas rounds half away from zero (checked below)
            got = robstat.rolling_quantile(x, w, q, method=method, **kw)
            want = r.quantile(q, interpolation=method).to_numpy()
            assert_allclose(got, want, rtol=1e-14, atol=1e-15, equal_nan=True)


def test_pandas_nearest_differs_only_on_half_ranks():
    # robstat's "nearest" is NumPy's (round half to even on (n-1) q); pandas rounds
    # differently only when (n-1) q is exactly half-way
    x = data(400, 8, p_nan=0.0)
    got = robstat.rolling_quantile(x, 11, 0.3, method="nearest")  # (11-1)*0.3 = 3: no tie
    want = pd.Series(x).rolling(11).quantile(0.3, interpolation="nearest").to_numpy()
    assert_allclose(got, want, rtol=0, equal_nan=True)


def test_bottleneck_move_median():
    bn = pytest.importorskip("bottleneck")
    x = data(2000, 5, ties=True)
    for w, mc in [(1, 1), (2, 1), (11, 6), (101, 101), (100, 3)]:
        assert_allclose(robstat.rolling_median(x, w, min_periods=mc), bn.move_median(x, w, mc),
                        rtol=1e-15, atol=0, equal_nan=True)


# ---- dtypes, layouts, workers ---------------------------------------------------------


ALL = [
    lambda x, **k: robstat.rolling_median(x, 6, **k),
    lambda x, **k: robstat.rolling_quantile(x, 6, 0.2, **k),
    lambda x, **k: robstat.rolling_trimmed_mean(x, 6, 0.2, **k),
    lambda x, **k: robstat.rolling_mad(x, 6, **k),
    lambda x, **k: robstat.rolling_robust_zscore(x, 6, **k).zscore,
]


@pytest.mark.parametrize("f", ALL)
def test_dtypes(f):
    x = data(50, 2, ties=True, p_nan=0.1)
    x32 = x.astype(np.float32)
    r32 = f(x32, min_periods=2)
    assert r32.dtype == np.float32
    assert_allclose(r32, f(x32.astype(np.float64), min_periods=2), rtol=2e-6, atol=1e-6,
                    equal_nan=True)
    xi = np.arange(30) % 7
    assert f(xi).dtype == np.float64
    assert_array_equal(f(xi), f(xi.astype(np.float64)))
    assert f(xi.astype(bool)).dtype == np.float64
    assert f(x.astype(np.float16)).dtype == np.float16
    with pytest.raises(TypeError):
        f(np.array(["a", "b"]))


def test_float32_median_exact():
    x = data(500, 6, p_nan=0.1).astype(np.float32)
    got = robstat.rolling_median(x, 8, min_periods=1)
    assert got.dtype == np.float32
    assert_array_equal(got, brute(x, 8, b_median, min_periods=1))
    assert_array_equal(robstat.rolling_mad(x, 8, scale=1.0, min_periods=1),
                       brute(x, 8, b_mad, min_periods=1))


@pytest.mark.parametrize("f", ALL)
def test_strided_negative_and_axis(f):
    x = data(240, 9, ties=True, p_nan=0.1)
    assert_array_equal(f(x[::3], min_periods=1), f(np.ascontiguousarray(x[::3]), min_periods=1))
    assert_array_equal(f(x[::-1], min_periods=1), f(x[::-1].copy(), min_periods=1))
    m = x.reshape(4, 6, 10)
    for axis in (0, 1, 2, -1, -2):
        got = f(m, axis=axis, min_periods=1)
        want = np.apply_along_axis(lambda v: f(v, min_periods=1), axis, m)
        assert got.shape == m.shape
        assert_array_equal(got, want)
    ft = np.asfortranarray(m)
    assert_array_equal(f(ft, axis=1, min_periods=1), f(m, axis=1, min_periods=1))


@pytest.mark.parametrize("f", ALL)
def test_workers(f):
    x = data(200 * 300, 10, ties=True).reshape(200, 300)
    one = f(x, min_periods=3, workers=1)
    assert_array_equal(f(x, min_periods=3, workers=2), one)
    assert_array_equal(f(x, min_periods=3, workers=-1), one)
    assert_array_equal(f(x.T, axis=0, min_periods=3, workers=2), one.T)


@pytest.mark.parametrize("f", ALL)
def test_input_not_modified(f):
    x = data(100, 11, ties=True)
    copy = x.copy()
    x.setflags(write=False)
    f(x, min_periods=1)
    assert_array_equal(x, copy)


# ---- NaN policies ---------------------------------------------------------------------


def test_nan_policies():
    x = data(100, 12, p_nan=0.1)
    got = robstat.rolling_median(x, 5, min_periods=1, nan_policy="propagate")
    assert_array_equal(got, brute(x, 5, b_median, min_periods=1, propagate=True))
    got = robstat.rolling_trimmed_mean(x, 5, 0.2, nan_policy="propagate")
    assert_allclose(got, brute(x, 5, b_trim(0.2), propagate=True), rtol=1e-14, equal_nan=True)
    for f in ALL:
        with pytest.raises(ValueError, match="nan"):
            f(x, nan_policy="raise")
        f(np.nan_to_num(x), nan_policy="raise")
        with pytest.raises(ValueError, match="nan_policy"):
            f(x, nan_policy="skip")
    # all-NaN input: NaN out, no warning (pandas' rule: fewer than min_periods values)
    assert np.isnan(robstat.rolling_mad(np.full(10, np.nan), 3, min_periods=1)).all()


# ---- accuracy and extreme values --------------------------------------------------------


def test_trimmed_mean_after_huge_value_left():
    rng = np.random.default_rng(13)
    x = rng.uniform(1.0, 2.0, 3000)
    x[100] = 1e300
    x[1500], x[1501] = -1e300, 1e300
    got = robstat.rolling_trimmed_mean(x, 50, 0.0)
    import math
    for t in range(49, len(x)):
        want = math.fsum(x[t - 49:t + 1]) / 50  # exact sum, one rounding
        assert abs(got[t] - want) <= 1e-15 * abs(want), t
    # running add/subtract sums would give 0 or garbage right after the value leaves
    assert got[150] == pytest.approx(np.mean(x[101:151]), rel=1e-15)
    got = robstat.rolling_trimmed_mean(x, 50, 0.1)
    for t in range(49, len(x), 7):
        want = st.trim_mean(x[t - 49:t + 1], 0.1)
        assert abs(got[t] - want) <= 1e-15 * abs(want), t


def test_huge_magnitudes():
    big = 1e308
    x = np.array([big, big, 1.5 * big, -big, np.inf, 1.0, -np.inf, 2.0])
    assert robstat.rolling_trimmed_mean(x, 2, 0.0)[1] == big
    assert robstat.rolling_median(x, 2)[2] == 1.25e308
    assert robstat.rolling_median(x, 3)[6] == 1.0
    assert robstat.rolling_mad(x, 3, scale=1.0)[6] == np.inf
    assert np.isnan(robstat.rolling_mad(x, 2)[5])  # median inf: NaN
    tiny = np.array([5e-324, 1e-323, 0.0, 5e-324] * 5)
    assert_array_equal(robstat.rolling_median(tiny, 3), brute(tiny, 3, b_median))


# ---- the Hampel filter -------------------------------------------------------------------


def test_robust_zscore_hampel():
    x = data(400, 14, p_nan=0.05)
    x[[50, 120, 300]] = [40.0, -35.0, 60.0]
    r = robstat.rolling_robust_zscore(x, 11, center=True, min_periods=3, threshold=3.0)
    kw = dict(min_periods=3, center=True)

    center = brute(x, 11, b_median, **kw)
    scale = brute(x, 11, lambda v, i: b_mad(v, i) * MAD_NORMAL, **kw)
    assert_array_equal(r.center, center)
    assert_array_equal(r.scale, scale)
    with np.errstate(invalid="ignore", divide="ignore"):
        want = (x - center) / scale
    assert_array_equal(r.zscore, want)
    with np.errstate(invalid="ignore"):
        assert_array_equal(r.outlier, np.abs(want) > 3.0)
    assert r.outlier[[50, 120, 300]].all()
    assert_array_equal(r.filtered, np.where(r.outlier, center, x))
    assert "RollingZscoreResult" in repr(r)
    # against robstat.robust_zscore of one full window
    t = 200
    win = x[t - 5:t + 6]
    if not np.isnan(win).any():
        assert r.zscore[t] == pytest.approx(robstat.robust_zscore(win)[5], rel=1e-15)
    # MAD 0: IEEE division, as robstat.robust_zscore
    c = robstat.rolling_robust_zscore(np.array([1.0, 1, 1, 5, 1, 1]), 3, min_periods=1)
    assert np.isnan(c.zscore[0]) and c.zscore[3] == np.inf and c.outlier[3]
    assert robstat.rolling_robust_zscore(x, 5).threshold == 3.5


# ---- validation ------------------------------------------------------------------------


def test_validation():
    x = np.arange(10.0)
    for f in (robstat.rolling_median, robstat.rolling_mad):
        with pytest.raises(ValueError, match="window"):
            f(x, 0)
        with pytest.raises(TypeError, match="window"):
            f(x, 2.5)
        with pytest.raises(TypeError, match="window"):
            f(x, True)
        with pytest.raises(ValueError, match="min_periods"):
            f(x, 3, min_periods=4)
        with pytest.raises(ValueError, match="min_periods"):
            f(x, 3, min_periods=-1)
        with pytest.raises(TypeError, match="axis"):
            f(x, 3, axis=None)
        with pytest.raises(np.exceptions.AxisError):
            f(x, 3, axis=1)
        with pytest.raises(ValueError, match="scalar"):
            f(np.float64(1.0), 3)
    for bad in (0.5, -0.1, (0.6, 0.4), np.nan):
        with pytest.raises(ValueError, match="trim"):
            robstat.rolling_trimmed_mean(x, 3, bad)
    with pytest.raises(ValueError, match="q"):
        robstat.rolling_quantile(x, 3, 1.5)
    with pytest.raises(ValueError, match="method"):
        robstat.rolling_quantile(x, 3, 0.5, method="weibull")
    with pytest.raises(ValueError, match="scale"):
        robstat.rolling_mad(x, 3, scale=0.0)
    with pytest.raises(ValueError, match="threshold"):
        robstat.rolling_robust_zscore(x, 3, threshold=-1)
    with pytest.raises(ValueError, match="workers"):
        robstat.rolling_median(x, 3, workers=0)
    # the core validates too
    with pytest.raises(ValueError, match="window"):
        robstat._core.rolling_median(x, 0, None, False, "omit")
    with pytest.raises(ValueError, match="min_periods"):
        robstat._core.rolling_median(x, 3, 4, False, "omit")
    with pytest.raises(ValueError, match="trim"):
        robstat._core.rolling_trimmed_mean(x, 3, 0.5, 0.5, None, False, "omit")


# ---- property tests --------------------------------------------------------------------

if given is not None:
    values = hnp.arrays(
        np.float64, hs.integers(0, 60),
        elements=hs.one_of(hs.integers(-5, 5).map(float),
                           hs.floats(-1e6, 1e6, allow_nan=False),
                           hs.just(np.nan)))

    @given(values, hs.integers(1, 70), hs.booleans(), hs.integers(0, 70))
    def test_property_brute_force(x, w, center, mp):
        mp = min(mp, w)
        kw = dict(min_periods=mp, center=center)
        assert_array_equal(robstat.rolling_median(x, w, **kw), brute(x, w, b_median, **kw))
        assert_array_equal(robstat.rolling_mad(x, w, scale=1.0, **kw), brute(x, w, b_mad, **kw))
        assert_allclose(robstat.rolling_quantile(x, w, 0.7, **kw),
                        brute(x, w, lambda v, _: np.quantile(v, 0.7), **kw), rtol=1e-14,
                        atol=1e-9, equal_nan=True)
        got = robstat.rolling_trimmed_mean(x, w, 0.2, **kw)
        want = brute(x, w, b_trim(0.2), **kw)
        assert_allclose(got, want, rtol=1e-12, atol=1e-9, equal_nan=True)

    @given(values, hs.integers(1, 20))
    def test_property_pandas(x, w):
        r = pd.Series(x).rolling(w, min_periods=1, center=True)
        assert_allclose(robstat.rolling_median(x, w, min_periods=1, center=True),
                        r.median().to_numpy(), rtol=1e-15, atol=0, equal_nan=True)
