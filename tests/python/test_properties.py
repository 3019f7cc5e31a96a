"""Property-based tests (hypothesis): invariances and equivariances, bounds,
special cases of the trimming rule, monotonicity. Small arrays and a bounded
number of examples (see the profile in conftest.py) keep them fast."""

from __future__ import annotations

import math

import numpy as np
import pytest
import robstat
import scipy.stats as st
from conftest import QUANTILE_METHODS, ref_winsorize
from hypothesis import assume, example, given
from hypothesis import strategies as hs
from hypothesis.extra import numpy as hnp

EPS = np.finfo(np.float64).eps

# magnitudes far from the underflow range, so that scaling and the products
# inside the z-scores stay exact where the properties below say "exact"
finite = hs.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False,
                   allow_subnormal=False).filter(lambda v: v == 0 or abs(v) > 1e-100)
# a few distinct values make ties likely
tie_prone = hs.sampled_from([-3.0, -1.0, 0.0, 0.5, 2.0, 7.0])
elements = hs.one_of(finite, tie_prone)
arrays = hnp.arrays(np.float64, hs.integers(1, 40), elements=elements)
small_trim = hs.floats(0.0, 0.49)
pairs = hs.tuples(hs.floats(0.0, 0.6), hs.floats(0.0, 0.6)).filter(lambda p: p[0] + p[1] < 0.99)
trims = hs.one_of(small_trim, pairs)
q_values = hs.floats(0.0, 1.0)


def _pair(trim):
    return (trim, trim) if np.ndim(trim) == 0 else tuple(trim)


def _kept_range(x, trim):
    lo, hi = _pair(trim)
    s = np.sort(x)
    n = s.size
    g_lo, g_hi = math.floor(lo * n), math.floor(hi * n)
    return s[g_lo], s[n - 1 - g_hi]


def _close(a, b, x, k=64):
    """|a - b| within k ulps of the data's magnitude (rounding of the sums)."""
    mag = float(np.max(np.abs(x))) if np.size(x) else 1.0
    np.testing.assert_allclose(a, b, rtol=0, atol=k * EPS * max(mag, 1e-300))


# ---- permutation invariance --------------------------------------------------------


@given(x=arrays, data=hs.data())
def test_permutation_invariance(x, data):
    perm = np.array(data.draw(hs.permutations(range(x.size))), dtype=np.intp)
    y = x[perm]
    # order statistics: exact
    assert robstat.median(y) == robstat.median(x)
    assert robstat.mad(y) == robstat.mad(x)
    assert robstat.iqr(y) == robstat.iqr(x)
    assert robstat.trimmed_mean(y, 0.5) == robstat.trimmed_mean(x, 0.5)
    q = [0.0, 0.1, 0.25, 0.5, 0.9, 1.0]
    for m in QUANTILE_METHODS:
        np.testing.assert_array_equal(robstat.quantile(y, q, method=m),
                                      robstat.quantile(x, q, method=m))
    np.testing.assert_array_equal(robstat.winsorize(y, 0.2), robstat.winsorize(x, 0.2)[perm])
    np.testing.assert_array_equal(robstat.robust_zscore(y), robstat.robust_zscore(x)[perm])
    # sums: within rounding
    _close(robstat.mean(y), robstat.mean(x), x)
    _close(robstat.trimmed_mean(y, 0.2), robstat.trimmed_mean(x, 0.2), x)
    _close(robstat.winsorized_mean(y, (0.1, 0.3)), robstat.winsorized_mean(x, (0.1, 0.3)), x)
    np.testing.assert_allclose(robstat.var(y), robstat.var(x), rtol=1e-12,
                               atol=64 * EPS * float(np.max(x * x)))


# ---- translation and scale equivariance ------------------------------------------------

scales = hs.floats(1e-3, 1e3)
shifts = hs.floats(-1e3, 1e3)


@given(x=arrays, a=scales, b=shifts, trim=trims)
def test_affine_equivariance_of_location(x, a, b, trim):
    y = a * x + b
    mag = a * float(np.max(np.abs(x))) + abs(b)
    tol = dict(rtol=0, atol=1e-12 * mag + 1e-300)
    np.testing.assert_allclose(robstat.trimmed_mean(y, trim), a * robstat.trimmed_mean(x, trim)
                               + b, **tol)
    np.testing.assert_allclose(robstat.winsorized_mean(y, trim),
                               a * robstat.winsorized_mean(x, trim) + b, **tol)
    np.testing.assert_allclose(robstat.median(y), a * robstat.median(x) + b, **tol)
    np.testing.assert_allclose(robstat.mean(y), a * robstat.mean(x) + b, **tol)
    np.testing.assert_allclose(robstat.quantile(y, [0.1, 0.5, 0.8]),
                               a * robstat.quantile(x, [0.1, 0.5, 0.8]) + b, **tol)
    np.testing.assert_allclose(robstat.winsorize(y, trim), a * robstat.winsorize(x, trim) + b,
                               **tol)
    # a negative factor swaps the tails
    lo, hi = _pair(trim)
    np.testing.assert_allclose(robstat.trimmed_mean(-a * x + b, (lo, hi)),
                               -a * robstat.trimmed_mean(x, (hi, lo)) + b, **tol)


@given(x=arrays, a=scales, b=shifts, sign=hs.sampled_from([-1.0, 1.0]))
@example(x=np.array([1.0, 1.0, 1.0]), a=22.173614276709863, b=0.0, sign=-1.0)  # std was NaN
def test_affine_equivariance_of_scale(x, a, b, sign):
    y = sign * a * x + b
    mag = a * float(np.max(np.abs(x))) + abs(b)
    tol = dict(rtol=0, atol=1e-12 * mag + 1e-300)
    np.testing.assert_allclose(robstat.mad(y), a * robstat.mad(x), **tol)
    np.testing.assert_allclose(robstat.mad(y, scale=1.0), a * robstat.mad(x, scale=1.0), **tol)
    np.testing.assert_allclose(robstat.iqr(y), a * robstat.iqr(x), **tol)
    np.testing.assert_allclose(robstat.std(y), a * robstat.std(x), **tol)


@given(x=arrays, k=hs.integers(0, 6), sign=hs.sampled_from([-1.0, 1.0]), trim=trims)
def test_power_of_two_scaling_is_exact(x, k, sign, trim):
    # multiplying by +-2**k is exact in binary floating point, so is every result
    a = sign * 2.0**k
    y = a * x
    assert robstat.trimmed_mean(y, 0.5) == a * robstat.trimmed_mean(x, 0.5)
    assert robstat.median(y) == a * robstat.median(x)
    assert robstat.mad(y) == abs(a) * robstat.mad(x)
    lo, hi = _pair(trim)
    if sign > 0:
        # every rounding commutes with a power-of-two factor: bit-identical
        assert robstat.mean(y) == a * robstat.mean(x)
        assert robstat.trimmed_mean(y, trim) == a * robstat.trimmed_mean(x, trim)
        assert robstat.winsorized_mean(y, trim) == a * robstat.winsorized_mean(x, trim)
        assert robstat.iqr(y) == a * robstat.iqr(x)
    else:
        # a sign flip reverses the ranks, so the kept values may be summed in
        # another order, and NumPy's interpolation formula is not symmetric
        # (b - (b - a)(1 - t) for t >= 0.5): equal up to rounding
        _close(robstat.iqr(y), abs(a) * robstat.iqr(x), y, k=4)
        _close(robstat.mean(y), a * robstat.mean(x), y, k=4)
        _close(robstat.trimmed_mean(y, (lo, hi)), a * robstat.trimmed_mean(x, (hi, lo)), y, k=4)
    np.testing.assert_array_equal(robstat.winsorize(y, (lo, hi)),
                                  a * robstat.winsorize(x, (hi, lo) if sign < 0 else (lo, hi)))
    np.testing.assert_array_equal(robstat.robust_zscore(y), sign * robstat.robust_zscore(x))
    np.testing.assert_array_equal(robstat.modified_zscore(y),
                                  sign * robstat.modified_zscore(x))


# ---- special cases of the trimming rule ---------------------------------------------------


@given(x=arrays)
def test_trim_zero_is_mean_and_half_is_median(x):
    _close(robstat.trimmed_mean(x, 0.0), robstat.mean(x), x, k=4)
    _close(robstat.trimmed_mean(x, (0.0, 0.0)), robstat.mean(x), x, k=4)
    _close(robstat.winsorized_mean(x, 0.0), robstat.mean(x), x, k=4)
    assert robstat.trimmed_mean(x, 0.5) == robstat.median(x)
    assert robstat.median(x) == robstat.quantile(x, 0.5, method="midpoint")
    # linear interpolation at weight 0.5 rounds twice (NumPy's quantile does too)
    _close(robstat.quantile(x, 0.5), robstat.median(x), x, k=2)
    np.testing.assert_array_equal(robstat.winsorize(x, 0.0), x)


@given(x=arrays, trim=trims)
def test_trimmed_mean_between_kept_extremes(x, trim):
    lo, hi = _kept_range(x, trim)
    tm = robstat.trimmed_mean(x, trim)
    wm = robstat.winsorized_mean(x, trim)
    # the mean of values in [lo, hi] lies in [lo, hi]; allow the final division's
    # rounding (a couple of ulps), no more
    slack = 4 * EPS * max(abs(lo), abs(hi))
    assert lo - slack <= tm <= hi + slack
    assert lo - slack <= wm <= hi + slack
    assert x.min() - slack <= tm <= x.max() + slack


@given(x=arrays, trim=trims)
def test_trimmed_mean_matches_sorting_reference(x, trim):
    lo, hi = _pair(trim)
    s = np.sort(x)
    n = s.size
    kept = s[math.floor(lo * n): n - math.floor(hi * n)]
    _close(robstat.trimmed_mean(x, trim), math.fsum(kept) / kept.size, x, k=8)
    if lo == hi:
        _close(robstat.trimmed_mean(x, lo), st.trim_mean(x, lo), x, k=8)


@given(x=arrays, trim=trims)
def test_winsorize_is_clip_to_kept_extremes(x, trim):
    lo, hi = _kept_range(x, trim)
    w = robstat.winsorize(x, trim)
    np.testing.assert_array_equal(w, np.clip(x, lo, hi))
    np.testing.assert_array_equal(w, ref_winsorize(x, *_pair(trim)))
    # monotone: the sorted order of x is a sorted order of w
    order = np.argsort(x, kind="stable")
    assert np.all(np.diff(w[order]) >= 0)
    # winsorized mean is the mean of the winsorized values
    _close(robstat.winsorized_mean(x, trim), math.fsum(w) / w.size, x, k=8)


# ---- quantiles ------------------------------------------------------------------------------


@given(x=arrays, qs=hs.lists(q_values, min_size=1, max_size=12),
       method=hs.sampled_from(QUANTILE_METHODS))
def test_quantile_monotone_in_q_and_bounded(x, qs, method):
    q = np.sort(np.asarray(qs + [0.0, 1.0]))
    got = robstat.quantile(x, q, method=method)
    assert np.all(np.diff(got) >= 0), (q, got)
    assert got[0] == x.min() and got[-1] == x.max()
    expected = np.quantile(x, q, method=method)
    if method in ("lower", "higher", "nearest"):
        np.testing.assert_array_equal(got, expected)
    else:
        _close(got, expected, x, k=4)


@given(x=hnp.arrays(np.float64, hs.integers(2, 30), elements=elements),
       q=hs.floats(0.0, 1.0))
def test_quantile_monotone_dense_q(x, q):
    # neighbouring probabilities across the interpolation weight 0.5
    qs = np.array([q, min(1.0, q + 1e-9), min(1.0, q + 1e-3)])
    got = robstat.quantile(x, qs)
    assert got[0] <= got[1] <= got[2]


# ---- scale estimators -------------------------------------------------------------------------


@given(x=arrays)
def test_scale_estimators_nonnegative_and_bounded(x):
    rng = float(x.max() - x.min())
    assert 0.0 <= robstat.mad(x, scale=1.0) <= rng
    assert 0.0 <= robstat.iqr(x) <= rng
    assert robstat.var(x) >= 0.0
    assert robstat.mad(x) == pytest.approx(1.482602218505602 * robstat.mad(x, scale=1.0),
                                           rel=1e-15, abs=0)
    np.testing.assert_allclose(robstat.mad(x, scale=1.0),
                               st.median_abs_deviation(x, scale=1.0), rtol=1e-15, atol=0)


# ---- NaN omission and axis handling --------------------------------------------------------------


@given(x=arrays, data=hs.data())
def test_omit_equals_dropping_nan(x, data):
    mask = np.array(data.draw(hs.lists(hs.booleans(), min_size=x.size, max_size=x.size)))
    assume(not mask.all())
    y = x.copy()
    y[mask] = np.nan
    kept = x[~mask]
    for f in (robstat.median, robstat.mad, robstat.iqr,
              lambda v, **kw: robstat.trimmed_mean(v, 0.5, **kw)):
        assert f(y, nan_policy="omit") == f(kept)
    for f in (robstat.mean, robstat.trimmed_mean, robstat.winsorized_mean):
        _close(f(y, nan_policy="omit"), f(kept), x)
    w = robstat.winsorize(y, 0.2, nan_policy="omit")
    assert np.isnan(w[mask]).all()
    np.testing.assert_array_equal(w[~mask], robstat.winsorize(kept, 0.2))
    z = robstat.robust_zscore(y, nan_policy="omit")
    np.testing.assert_array_equal(z[~mask], robstat.robust_zscore(kept))


@given(x=hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1,
                                                 max_side=12), elements=elements))
def test_axis_equals_per_slice(x):
    for i in range(x.shape[0]):
        assert robstat.median(x, axis=1)[i] == robstat.median(x[i])
        assert robstat.trimmed_mean(x, 0.2, axis=1)[i] == robstat.trimmed_mean(x[i], 0.2)
        np.testing.assert_array_equal(robstat.winsorize(x, 0.1, axis=1)[i],
                                      robstat.winsorize(x[i], 0.1))
    for j in range(x.shape[1]):
        col = np.ascontiguousarray(x[:, j])
        assert robstat.median(x, axis=0)[j] == robstat.median(col)
        assert robstat.mad(x, axis=0)[j] == robstat.mad(col)
        _close(robstat.trimmed_mean(x, 0.2, axis=0)[j], robstat.trimmed_mean(col, 0.2), col, k=4)


@given(x=hnp.arrays(np.float32, hs.integers(1, 30),
                    elements=hs.floats(-1e4, 1e4, width=32, allow_subnormal=False)))
def test_float32_matches_float64_of_same_values(x):
    x64 = x.astype(np.float64)
    for f in (robstat.median, robstat.mad, robstat.iqr, robstat.mean, robstat.trimmed_mean,
              robstat.winsorized_mean, robstat.std):
        r32, r64 = f(x), f(x64)
        assert np.asarray(r32).dtype == np.float32
        np.testing.assert_allclose(float(r32), float(r64), rtol=2e-7,
                                   atol=4e-7 * max(1.0, float(np.abs(x64).max())))
