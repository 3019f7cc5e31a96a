"""Weighted estimators (docs/weighted.md): the repetition property (hypothesis),
a brute-force transcription of the definitions for real weights, live oracles
(SciPy's weighted quantile, NumPy's inverted_cdf, statsmodels' DescrStatsW,
numpy.average), the R reference table, weight rules, NaN policies, dtypes,
axes and layouts."""

from __future__ import annotations

import csv
import math
import pathlib
import warnings

import numpy as np
import pytest
import robstat
import scipy.stats as st
from conftest import MAD_NORMAL
from hypothesis import given
from hypothesis import strategies as hs

METHODS = ["linear", "lower", "higher", "midpoint", "nearest"]
DATA = pathlib.Path(__file__).resolve().parents[1] / "data" / "reference_weighted.csv"


# ---- brute force: the definitions, transcribed (sorted pairs, linear scans) ---------------


class Brute:
    def __init__(self, x, w):
        x = np.asarray(x, dtype=np.float64)
        w = np.asarray(w, dtype=np.float64)
        keep = (w > 0) & ~np.isnan(x)
        order = np.argsort(x[keep], kind="stable")
        self.x = x[keep][order]
        self.w = w[keep][order]
        self.W = float(np.sum(self.w))

    def v(self, t, left=False):
        c = 0.0
        for xi, wi in zip(self.x, self.w):
            if (t <= c + wi) if left else (t < c + wi):
                return float(xi)
            c += wi
        return float(self.x[-1])

    def integral(self, t0, t1):
        s = 0.0
        c = 0.0
        for xi, wi in zip(self.x, self.w):
            lo, hi = max(c, t0), min(c + wi, t1)
            if hi > lo:
                s += (hi - lo) * float(xi)
            c += wi
        return s

    def quantile(self, q, method="linear"):
        ln = min(self.W, 1.0)
        h = q * max(self.W - 1.0, 0.0)
        lo, hi = self.v(h), self.v(h + ln, left=True)
        if method == "lower":
            return lo
        if method == "higher":
            return hi
        if method == "midpoint":
            return (lo + hi) / 2
        if method == "nearest":
            c = h + ln / 2
            return self.v(c, left=(c == math.floor(c) and c % 2 == 1))
        return self.integral(h, h + ln) / ln

    def trimmed(self, lower, upper):
        if lower == upper == 0.5:
            return self.quantile(0.5)
        gl, gu = math.floor(lower * self.W), math.floor(upper * self.W)
        return self.integral(gl, self.W - gu) / (self.W - gl - gu)

    def winsorized(self, lower, upper):
        gl, gu = math.floor(lower * self.W), math.floor(upper * self.W)
        s = self.integral(gl, self.W - gu)
        if gl > 0:
            s += gl * self.v(gl)
        if gu > 0:
            s += gu * self.v(self.W - gu, left=True)
        return s / self.W

    def mad(self):
        m = self.quantile(0.5)
        return Brute(np.abs(self.x - m), self.w).quantile(0.5)


def close(a, b, rel=1e-12, scale=None):
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if scale is None:
        scale = max(abs(a), abs(b), 1e-300)
    return a == b or abs(a - b) <= rel * scale


# ---- strategies ---------------------------------------------------------------------------

finite = hs.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
tied = hs.integers(-3, 3).map(lambda k: 0.5 * k)


@hs.composite
def int_weighted(draw, max_n=25, max_w=5):
    n = draw(hs.integers(1, max_n))
    x = draw(hs.lists(hs.one_of(finite, tied), min_size=n, max_size=n))
    w = draw(hs.lists(hs.integers(0, max_w), min_size=n, max_size=n))
    if sum(w) == 0:
        w[draw(hs.integers(0, n - 1))] = 1
    return np.array(x), np.array(w)


@hs.composite
def dyadic_weighted(draw, max_n=25):
    n = draw(hs.integers(1, max_n))
    x = draw(hs.lists(hs.one_of(finite, tied), min_size=n, max_size=n))
    w = draw(hs.lists(hs.integers(0, 40), min_size=n, max_size=n))
    if sum(w) == 0:
        w[0] = 3
    return np.array(x), np.array(w) / 8.0


probabilities = hs.one_of(hs.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]),
                          hs.floats(0, 1, allow_nan=False))
trims = hs.one_of(hs.floats(0, 0.49), hs.sampled_from([0.0, 0.1, 0.25, 0.45]))


def _scale(x):
    return max(float(np.max(np.abs(x))), 1e-300)


# ---- the defining property: integer weights = repetition ------------------------------------


@given(int_weighted(), probabilities, hs.sampled_from(METHODS))
def test_repetition_quantile(xw, q, method):
    x, w = xw
    r = np.repeat(x, w)
    assert robstat.quantile(x, q, weights=w, method=method) == robstat.quantile(
        r, q, method=method)
    # and NumPy on the repeated values (its conventions are robstat's)
    assert close(robstat.quantile(x, q, weights=w, method=method),
                 np.quantile(r, q, method=method), 1e-13, _scale(x))


@given(int_weighted(), hs.sampled_from([np.float64, np.float32]))
def test_repetition_median_mad(xw, dtype):
    x, w = xw
    x = x.astype(dtype)
    r = np.repeat(x, w)
    assert robstat.median(x, weights=w) == robstat.median(r)
    assert robstat.mad(x, weights=w) == robstat.mad(r)
    assert robstat.mad(x, weights=w, center=0.5, scale=1.0) == robstat.mad(
        r, center=0.5, scale=1.0)
    assert robstat.median(x, weights=w).dtype == dtype


@given(int_weighted(), trims, trims)
def test_repetition_trimmed_winsorized_mean(xw, lo, hi):
    x, w = xw
    r = np.repeat(x, w)
    s = _scale(x)
    assert close(robstat.mean(x, weights=w), robstat.mean(r), 4e-16 * 4, s)
    assert close(robstat.weighted_trimmed_mean(x, w, lo), robstat.trimmed_mean(r, lo),
                 1e-15, s)
    assert close(robstat.weighted_trimmed_mean(x, w, (lo, hi)),
                 robstat.trimmed_mean(r, (lo, hi)), 1e-15, s)
    assert close(robstat.weighted_winsorized_mean(x, w, (lo, hi)),
                 robstat.winsorized_mean(r, (lo, hi)), 1e-15, s)
    # SciPy on the repeated values
    assert close(robstat.weighted_trimmed_mean(x, w, lo), st.trim_mean(r, lo), 1e-12, s)
    # trim=0.5: the (weighted) median
    assert robstat.weighted_trimmed_mean(x, w, 0.5) == robstat.median(x, weights=w)


@given(int_weighted(max_n=12, max_w=3), hs.integers(1, 7))
def test_scaling_integer_weights_is_repetition(xw, k):
    """Multiplying integer weights by k repeats every value k times more."""
    x, w = xw
    r = np.repeat(x, w * k)
    assert robstat.median(x, weights=w * k) == robstat.median(r)
    assert robstat.quantile(x, 0.3, weights=w * k) == robstat.quantile(r, 0.3)


# ---- real weights: the definitions ----------------------------------------------------------


@given(dyadic_weighted(), hs.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]),
       hs.sampled_from(METHODS))
def test_real_weights_quantile_definition(xw, q, method):
    x, w = xw
    b = Brute(x, w)
    got = robstat.quantile(x, q, weights=w, method=method)
    if method == "linear":
        assert close(got, b.quantile(q, method), 1e-12, _scale(x))
    else:
        assert got == b.quantile(q, method)


@given(dyadic_weighted(), trims, trims)
def test_real_weights_other_definitions(xw, lo, hi):
    x, w = xw
    b = Brute(x, w)
    s = _scale(x)
    assert close(robstat.median(x, weights=w), b.quantile(0.5), 1e-12, s)
    assert close(robstat.mad(x, weights=w, scale=1.0), b.mad(), 1e-12, s)
    assert close(robstat.weighted_trimmed_mean(x, w, (lo, hi)), b.trimmed(lo, hi), 1e-12, s)
    assert close(robstat.weighted_winsorized_mean(x, w, (lo, hi)), b.winsorized(lo, hi),
                 1e-12, s)
    assert close(robstat.mean(x, weights=w), np.average(x, weights=w), 1e-12, s)


@given(dyadic_weighted(max_n=10))
def test_weight_zero_never_influences(xw):
    x, w = xw
    x2 = np.concatenate([x, [np.nan, np.inf, -1e300, 7.0]])
    w2 = np.concatenate([w, [0.0, 0.0, 0.0, 0.0]])
    for f in (lambda a, b: robstat.median(a, weights=b, nan_policy="raise"),
              lambda a, b: robstat.mean(a, weights=b, nan_policy="raise"),
              lambda a, b: robstat.mad(a, weights=b, nan_policy="raise"),
              lambda a, b: robstat.quantile(a, [0.1, 0.9], weights=b, nan_policy="raise"),
              lambda a, b: robstat.weighted_trimmed_mean(a, b, 0.2, nan_policy="raise"),
              lambda a, b: robstat.weighted_winsorized_mean(a, b, 0.2, nan_policy="raise")):
        np.testing.assert_array_equal(f(x2, w2), f(x, w))


def test_continuity_in_the_weights():
    """linear quantiles, the median and the trimmed mean move continuously with a
    weight (no jump when a cumulative weight crosses an integer)."""
    x = np.array([1.0, 2.0, 5.0, 9.0])
    eps = 1e-9
    for w1 in np.linspace(0.5, 3.0, 41):
        for f in (lambda w: robstat.median(x, weights=w),
                  lambda w: robstat.quantile(x, 0.3, weights=w),
                  lambda w: robstat.mad(x, weights=w)):
            a = f(np.array([w1, 1.0, 1.5, 1.0]))
            b = f(np.array([w1 + eps, 1.0, 1.5, 1.0]))
            assert abs(a - b) < 1e-6, (w1, a, b)
    # a value whose weight tends to 0 loses its influence continuously
    vals = [robstat.median(x, weights=[1.0, 1.0, 1.0, t]) for t in (1e-3, 1e-6, 1e-9)]
    assert abs(vals[-1] - robstat.median(x[:3])) < 1e-8
    assert abs(vals[0] - robstat.median(x[:3])) < 1e-2


def test_symmetric_real_weights_give_symmetric_results():
    # weights 1.5 each: the median of (1, 3) is 2 (SciPy's point rule gives 1)
    assert robstat.median([1.0, 3.0], weights=[1.5, 1.5]) == 2.0
    assert robstat.quantile([1.0, 3.0], 0.5, weights=[1.5, 1.5]) == 2.0


def test_total_weight_below_one():
    # the window is all of [0, W]: the median is the weighted mean, lower/higher the ends
    x = np.array([1.0, 3.0])
    w = np.array([0.25, 0.5])
    assert math.isclose(robstat.median(x, weights=w), 7 / 3)
    assert robstat.quantile(x, 0.5, weights=w, method="lower") == 1.0
    assert robstat.quantile(x, 0.5, weights=w, method="higher") == 3.0


# ---- live oracles ---------------------------------------------------------------------------


@given(int_weighted(), probabilities)
def test_scipy_weighted_quantile_integer_weights(xw, q):
    x, w = xw
    want = st.quantile(x, q, weights=w.astype(np.float64))
    assert close(robstat.quantile(x, q, weights=w), want, 1e-12, _scale(x))


def test_scipy_weighted_quantile_agrees_where_the_window_boundary_is_integer():
    """SciPy 1.17 evaluates v at the window's two ends (a point rule) where robstat
    integrates over the window: they agree whenever no cumulative weight falls
    strictly inside the window at a non-integer position."""
    x = np.array([1.0, 3.0])
    for w in ([1, 1.25], [1, 3], [2, 0.5], [3, 0.1]):
        np.testing.assert_allclose(robstat.quantile(x, [0.25, 0.5], weights=w),
                                   st.quantile(x, [0.25, 0.5], weights=np.array(w, float)),
                                   rtol=1e-14)


@given(int_weighted())
def test_numpy_inverted_cdf_median_is_lower(xw):
    # type 1 at q = 1/2 is the lower median of the repeated values
    x, w = xw
    assert robstat.quantile(x, 0.5, weights=w, method="lower") == np.quantile(
        x, 0.5, weights=w, method="inverted_cdf")


@given(int_weighted())
def test_statsmodels_descrstatsw_median(xw):
    """DescrStatsW.quantile(0.5) is the weighted median for positive integer
    weights; it lets a weight-0 value interpolate (peers: a defect), so the
    zero-weight pairs are left out for the comparison."""
    from statsmodels.stats.weightstats import DescrStatsW

    x, w = xw
    keep = w > 0
    want = DescrStatsW(x[keep], weights=w[keep]).quantile([0.5], return_pandas=False)[0]
    assert robstat.median(x, weights=w) == want


def test_r_reference_table():
    with open(DATA) as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    assert len(rows) > 100
    for r in rows:
        x = np.array(r["x"].split(), dtype=np.float64)
        w = np.array(r["w"].split(), dtype=np.float64)
        e = float(r["expected"])
        stat = r["statistic"]
        p1 = float(r["p1"]) if r["p1"] else None
        exact = stat in ("median", "mad_raw", "himedian")
        if stat == "median":
            got = robstat.median(x, weights=w)
        elif stat == "quantile":
            got = robstat.quantile(x, p1, weights=w)
        elif stat == "trimmed_mean":
            got = robstat.weighted_trimmed_mean(x, w, (p1, float(r["p2"])))
        elif stat == "winsorized_mean":
            got = robstat.weighted_winsorized_mean(x, w, (p1, float(r["p2"])))
        elif stat == "mad_raw":
            got = robstat.mad(x, weights=w, scale=1.0)
        elif stat == "mean":
            got = robstat.mean(x, weights=w)
        elif stat == "himedian":
            got = robstat.quantile(x, 0.5, weights=w, method="higher")
        else:  # pragma: no cover
            raise AssertionError(stat)
        assert (got == e) if exact else close(got, e, 1e-13, _scale(x)), (r["case"], stat, p1)


# ---- weight rules ---------------------------------------------------------------------------

WEIGHTED = {
    "mean": lambda x, w, **kw: robstat.mean(x, weights=w, **kw),
    "median": lambda x, w, **kw: robstat.median(x, weights=w, **kw),
    "quantile": lambda x, w, **kw: robstat.quantile(x, [0.2, 0.7], weights=w, **kw),
    "mad": lambda x, w, **kw: robstat.mad(x, weights=w, **kw),
    "trimmed": lambda x, w, **kw: robstat.weighted_trimmed_mean(x, w, 0.2, **kw),
    "winsorized": lambda x, w, **kw: robstat.weighted_winsorized_mean(x, w, 0.2, **kw),
}


@pytest.mark.parametrize("name", sorted(WEIGHTED))
@pytest.mark.parametrize("policy", ["propagate", "omit", "raise"])
def test_invalid_weights(name, policy):
    f = WEIGHTED[name]
    x = np.array([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"weights must be finite and >= 0 \(got -1 at index 1"):
        f(x, [1, -1, 1], nan_policy=policy)
    with pytest.raises(ValueError, match="weights must be finite.*nan"):
        f(x, [1, np.nan, 1], nan_policy=policy)
    with pytest.raises(ValueError, match="weights must be finite.*inf"):
        f(x, [np.inf, 1, 1], nan_policy=policy)
    with pytest.raises(ValueError, match="positive sum"):
        f(x, [0, 0, 0], nan_policy=policy)
    with pytest.raises(ValueError, match="overflows"):
        f(x, [1e308, 1e308, 1], nan_policy=policy)
    with pytest.raises(ValueError, match="weights must have the shape of x"):
        f(x, [1, 1], nan_policy=policy)
    with pytest.raises(ValueError, match="positive sum"):  # one bad lane is enough
        f(np.ones((2, 3)), np.array([[1, 1, 1], [0, 0, 0]]), axis=1, nan_policy=policy)
    with pytest.raises(TypeError, match="real numbers: got weights"):
        f(x, np.array(["a", "b", "c"]), nan_policy=policy)
    with pytest.raises(TypeError, match="real numbers: got weights"):
        f(x, np.ones(3, dtype=complex), nan_policy=policy)
    # a NaN weight is an error even next to a NaN value
    with pytest.raises(ValueError, match="weights must be finite"):
        f(np.array([np.nan, 1.0]), [np.nan, 1.0], nan_policy=policy)


@pytest.mark.parametrize("name", sorted(WEIGHTED))
def test_nan_policies(name):
    f = WEIGHTED[name]
    x = np.array([1.0, np.nan, 3.0, 10.0, 4.0])
    w = np.array([1.0, 2.0, 1.0, 0.0, 2.5])
    assert np.all(np.isnan(f(x, w)))
    keep = ~np.isnan(x)
    np.testing.assert_array_equal(f(x, w, nan_policy="omit"), f(x[keep], w[keep]))
    with pytest.raises(ValueError, match="nan"):
        f(x, w, nan_policy="raise")
    with pytest.raises(ValueError, match="nan_policy"):
        f(x, w, nan_policy="ignore")
    # empty, and nothing left after omitting: NaN and SmallSampleWarning
    with pytest.warns(robstat.SmallSampleWarning):
        assert np.all(np.isnan(f(np.array([]), np.array([]))))
    with pytest.warns(robstat.SmallSampleWarning, match="1 of 2 slices"):
        out = f(np.array([[np.nan, np.nan], [1.0, 2.0]]), np.ones((2, 2)), axis=1,
                nan_policy="omit")
    assert np.all(np.isnan(np.asarray(out)[..., 0]))


def test_shapes_axes_broadcasting():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 5, 6))
    w = rng.integers(0, 4, size=(4, 5, 6)).astype(float) + 0.5
    # full-shape weights: every axis choice equals the lane-by-lane computation
    for axis in (None, 0, 1, 2, -1, (0, 2), (1, 2)):
        got = robstat.median(x, weights=w, axis=axis)
        axes = tuple(range(3)) if axis is None else ((axis,) if np.ndim(axis) == 0 else axis)
        axes = tuple(a % 3 for a in axes)
        keep = [d for d in range(3) if d not in axes]
        lane = int(np.prod([x.shape[a] for a in axes]))
        xl = np.transpose(x, keep + list(axes)).reshape(-1, lane)
        wl = np.transpose(w, keep + list(axes)).reshape(xl.shape)
        want = np.array([Brute(a, b).quantile(0.5) for a, b in zip(xl, wl)])
        np.testing.assert_allclose(np.ravel(got), want, rtol=1e-13)
        kd = robstat.median(x, weights=w, axis=axis, keepdims=True)
        assert kd.shape == tuple(1 if d in axes else n for d, n in enumerate(x.shape))
    # 1-d weights along one axis, as numpy.average
    w1 = rng.random(5) + 0.1
    full = np.broadcast_to(w1[None, :, None], x.shape)
    np.testing.assert_array_equal(robstat.median(x, weights=w1, axis=1),
                                  robstat.median(x, weights=full, axis=1))
    np.testing.assert_array_equal(robstat.quantile(x, [0.1, 0.5], weights=w1, axis=-2),
                                  robstat.quantile(x, [0.1, 0.5], weights=full, axis=1))
    np.testing.assert_allclose(robstat.mean(x, weights=w1, axis=1),
                               np.average(x, weights=w1, axis=1), rtol=1e-14)
    with pytest.raises(ValueError, match="length 5 do not match axis 2"):
        robstat.median(x, weights=w1, axis=2)
    with pytest.raises(ValueError, match="1-d along a single integer axis"):
        robstat.median(x, weights=w1)
    with pytest.raises(ValueError, match="1-d along a single integer axis"):
        robstat.median(x, weights=w1, axis=(0, 1))
    # quantile: the q axis first
    assert robstat.quantile(x, [0.1, 0.5, 0.9], weights=w, axis=0).shape == (3, 5, 6)
    assert robstat.quantile(x, 0.5, weights=w, axis=0, keepdims=True).shape == (1, 5, 6)
    # 0-d
    assert robstat.median(3.0, weights=2.0) == 3.0


def test_dtypes_and_precision():
    rng = np.random.default_rng(5)
    x32 = rng.normal(size=1001).astype(np.float32)
    w64 = 1.0 + 1e-9 * (np.arange(1001) % 3)  # not representable in float32
    # float32 data with float64 weights: computed in float64, result float32
    got = robstat.quantile(x32, 0.37, weights=w64)
    assert got.dtype == np.float32
    assert got == np.float32(robstat.quantile(x32.astype(np.float64), 0.37, weights=w64))
    assert robstat.mean(x32, weights=w64) == np.float32(
        robstat.mean(x32.astype(np.float64), weights=w64))
    # float64 weights that float32 holds exactly: the float32 path (bit for bit
    # the float32 result on repeated data)
    xs = np.array([0, 1.1, 4, 0], np.float32)
    assert robstat.mad(xs, weights=[0, 1, 1, 0]) == robstat.mad(xs[1:3])
    # float32 with float32 weights: the float32 path
    w32 = (rng.integers(0, 4, 1001) + 1).astype(np.float32)
    assert robstat.median(x32, weights=w32).dtype == np.float32
    assert robstat.median(x32, weights=w32) == robstat.median(np.repeat(x32, w32.astype(int)))
    # integer and bool weights are float64; integer data gives float64
    xi = np.array([5, 1, 3])
    assert robstat.median(xi, weights=np.array([1, 1, 2])) == 3.0
    assert robstat.median(xi, weights=np.array([True, False, True])) == 4.0
    assert robstat.median(xi, weights=[1, 1, 2]).dtype == np.float64
    # float16 stays float16
    assert robstat.median(np.array([1, 2, 3], np.float16), weights=[1, 1, 1]).dtype == np.float16
    # big-endian weights
    assert robstat.median(xi, weights=np.array([1, 1, 2], dtype=">f8")) == 3.0
    with pytest.raises(TypeError, match="longdouble|float128"):
        robstat.median(xi, weights=np.ones(3, dtype=np.longdouble))


def test_layouts_workers_and_input_untouched():
    rng = np.random.default_rng(7)
    base = rng.normal(size=(60, 80))
    wbase = rng.integers(0, 5, size=(60, 80)).astype(float)
    wbase[:, 0] += 1
    x = base[::-2, 1::3]  # negative and gapped strides
    w = wbase[::-2, 1::3]
    xc, wc = np.ascontiguousarray(x), np.ascontiguousarray(w)
    x_before, w_before = x.copy(), w.copy()
    for name, f in WEIGHTED.items():
        a = f(x, w, axis=1)
        np.testing.assert_array_equal(a, f(xc, wc, axis=1), err_msg=name)
        np.testing.assert_array_equal(a, f(x, w, axis=1, workers=2), err_msg=name)
        np.testing.assert_array_equal(f(x.T, w.T, axis=0), a, err_msg=name)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(w, w_before)


def test_extreme_values():
    big = np.array([1e308, 1.5e308])
    assert robstat.median(big, weights=[2, 2]) == 1.25e308
    assert math.isclose(robstat.mean(big, weights=[3, 1e300]), 1.5e308)
    assert math.isclose(robstat.weighted_trimmed_mean(big, [4, 4], 0.0), 1.25e308)
    assert robstat.median([-np.inf, 1.0, np.inf], weights=[1, 1, 1]) == 1.0
    assert np.isnan(robstat.median([-np.inf, np.inf], weights=[1, 1]))
    assert robstat.mean([1.0, np.inf], weights=[1, 1]) == np.inf
    tiny = np.array([5e-324, 1e-323, 1.5e-323])
    assert robstat.median(tiny, weights=[1, 1, 1]) == 1e-323
    assert robstat.mad(np.full(7, 2.5), weights=np.arange(7.0)) == 0.0
    assert robstat.mad([1.0, 2.0, 4.0], weights=[1, 1, 1]) == 1.0 * MAD_NORMAL


def test_unweighted_path_unchanged():
    """weights=None is the unweighted function (same result, no warning)."""
    x = np.random.default_rng(9).normal(size=101)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert robstat.median(x, weights=None) == robstat.median(x)
        assert robstat.mean(x, weights=None) == robstat.mean(x)
        assert robstat.mad(x, weights=None) == robstat.mad(x)
        np.testing.assert_array_equal(robstat.quantile(x, [0.3], weights=None),
                                      robstat.quantile(x, [0.3]))


@pytest.mark.parametrize("ties", [False, True])
def test_long_lanes_repetition(ties):
    """Lanes long enough for the sampled-pivot selection (>= 32768 pairs)."""
    rng = np.random.default_rng(11 + ties)
    n = 60_000
    x = rng.standard_t(2, size=n)
    if ties:
        x = np.round(x * 2) / 2
    w = rng.integers(0, 5, size=n)
    r = np.repeat(x, w)
    qs = [0.0, 0.01, 0.3, 0.5, 0.77, 1.0]
    for method in METHODS:
        np.testing.assert_array_equal(robstat.quantile(x, qs, weights=w, method=method),
                                      robstat.quantile(r, qs, method=method))
    assert robstat.median(x, weights=w) == robstat.median(r)
    assert robstat.mad(x, weights=w) == robstat.mad(r)
    for t in (0.0, 0.1, (0.05, 0.3)):
        assert close(robstat.weighted_trimmed_mean(x, w, t), robstat.trimmed_mean(r, t), 1e-14)
        assert close(robstat.weighted_winsorized_mean(x, w, t), robstat.winsorized_mean(r, t),
                     1e-14)
    wr = rng.random(n) * 3
    b = Brute(x, wr)
    assert close(robstat.median(x, weights=wr), b.quantile(0.5), 1e-12, _scale(x))
    assert close(robstat.weighted_trimmed_mean(x, wr, 0.2), b.trimmed(0.2, 0.2), 1e-10)


# ---- weights= of trimmed_mean / winsorized_mean ---------------------------------------


@given(hs.lists(hs.integers(-50, 50).map(float), min_size=1, max_size=40),
       hs.lists(hs.integers(0, 4), min_size=40, max_size=40),
       hs.sampled_from([0.0, 0.1, 0.25, (0.1, 0.3)]))
def test_trimmed_and_winsorized_mean_weights_are_repetition(values, counts, trim):
    x = np.array(values)
    w = np.array(counts[: x.size], dtype=float)
    if w.sum() == 0:
        w[0] = 1.0
    rep = np.repeat(x, w.astype(int))
    got = robstat.trimmed_mean(x, trim, weights=w)
    assert got == robstat.weighted_trimmed_mean(x, w, trim)
    assert got == pytest.approx(robstat.trimmed_mean(rep, trim), rel=1e-12, abs=1e-12)
    lim = trim if np.ndim(trim) else min(trim, 0.4)
    gotw = robstat.winsorized_mean(x, lim, weights=w)
    assert gotw == robstat.weighted_winsorized_mean(x, w, lim)
    assert gotw == pytest.approx(robstat.winsorized_mean(rep, lim), rel=1e-12, abs=1e-12)


def test_trimmed_mean_weights_one_level_only():
    x, w = np.arange(10.0), np.ones(10)
    with pytest.raises(ValueError, match="one proportion"):
        robstat.trimmed_mean(x, [0.1, 0.2], weights=w)
    with pytest.raises(ValueError, match="one proportion"):
        robstat.trimmed_mean(x, ntrim=1, weights=w)
    with pytest.raises(ValueError, match="one proportion"):
        robstat.winsorized_mean(x, [0.1], weights=w)
    r = robstat.trimmed_mean(np.arange(12.0).reshape(3, 4), 0.25, weights=[1, 2, 3, 4], axis=1)
    assert r.shape == (3,)
