"""Transforms (winsorize, robust_zscore, modified_zscore): same shape as the
input, statistics per slice along the given axes, against SciPy/NumPy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import robstat
from conftest import (
    LAYOUTS,
    MAD_NORMAL,
    MODIFIED_Z,
    SHAPE_AXES,
    TRANSFORMS,
    lane_transform,
    layout_axes,
    make_data,
    ref_modified_z,
    ref_robust_z,
    ref_winsorize,
    result_dtype,
    shape_axis_id,
    tolerances,
)

T_NAMES = sorted(TRANSFORMS)
WINSORIZE = {n for n in T_NAMES if n.startswith("winsorize")}


def _expected(name, xo, axis, **kw):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return lane_transform(TRANSFORMS[name][1], xo, axis, **kw)


def _mag(a):
    """Largest finite magnitude (at least 1): the scale of absolute tolerances."""
    a = np.abs(np.asarray(a, dtype=np.float64))
    a = a[np.isfinite(a)]
    return max(1.0, float(a.max())) if a.size else 1.0


def _check(name, got, expected, dtype, scale=1.0):
    got = np.asarray(got)
    assert type(got) is np.ndarray
    assert got.shape == expected.shape
    assert got.dtype == np.dtype(dtype)
    if name in WINSORIZE:
        # winsorizing only copies values: exact, in any dtype
        np.testing.assert_array_equal(got.astype(np.float64), expected)
    else:
        tol = tolerances(dtype)
        # infinities and NaN must sit at the same places
        np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
        np.testing.assert_array_equal(np.isposinf(got), np.isposinf(expected))
        np.testing.assert_array_equal(np.isneginf(got), np.isneginf(expected))
        fin = np.isfinite(expected)
        np.testing.assert_allclose(got.astype(np.float64)[fin], expected[fin],
                                   rtol=tol["rtol"], atol=tol["atol"] * scale)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f8", "f4"])
@pytest.mark.parametrize("shape_axis", SHAPE_AXES, ids=shape_axis_id)
@pytest.mark.parametrize("name", T_NAMES)
def test_transform_matches_oracle(name, shape_axis, dtype):
    shape, axis = shape_axis
    x = make_data(shape, dtype, seed=len(shape) + len(str(axis)))
    xo = x.astype(np.float64)
    got = TRANSFORMS[name][0](x, axis=axis)
    expected = _expected(name, xo, axis)
    assert expected.shape == x.shape
    # z-scores are about 1 in size; the absolute tolerance scales with the largest
    _check(name, got, expected, dtype, scale=_mag(expected))


@pytest.mark.parametrize("name", T_NAMES)
def test_transform_default_axis_is_none(name):
    x = make_data((4, 6), seed=3)
    got = TRANSFORMS[name][0](x)
    np.testing.assert_array_equal(got, TRANSFORMS[name][0](x.ravel()).reshape(4, 6))
    np.testing.assert_array_equal(got, TRANSFORMS[name][0](x, axis=(0, 1)))


@pytest.mark.parametrize("dtype", [np.int64, np.int16, np.uint8, np.bool_])
@pytest.mark.parametrize("name", T_NAMES)
def test_transform_int_and_bool(name, dtype, rng):
    if dtype is np.bool_:
        x = rng.random((6, 10)) < 0.2
    else:
        x = rng.integers(0, 50, size=(6, 10)).astype(dtype)
    xo = x.astype(np.float64)
    for axis in (None, 0, 1):
        _check(name, TRANSFORMS[name][0](x, axis=axis), _expected(name, xo, axis), np.float64,
               scale=50.0)
    _check(name, TRANSFORMS[name][0](xo.tolist()), _expected(name, xo, None), np.float64,
           scale=50.0)


@pytest.mark.parametrize("name", T_NAMES)
def test_transform_float16(name, rng):
    x = (rng.normal(size=(5, 8)) * 3).astype(np.float16)
    for axis in (None, 1):
        got = TRANSFORMS[name][0](x, axis=axis)
        assert got.dtype == np.float16 and got.shape == x.shape
        via32 = TRANSFORMS[name][0](x.astype(np.float32), axis=axis).astype(np.float16)
        np.testing.assert_array_equal(got, via32)
        _check(name, got, _expected(name, x.astype(np.float64), axis), np.float16,
               scale=_mag(got))


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("name", T_NAMES)
def test_transform_layouts(name, layout):
    x = LAYOUTS[layout]()
    xo = x.astype(np.float64)
    contiguous = np.ascontiguousarray(x.astype(x.dtype.newbyteorder("=")))
    for axis in layout_axes(x):
        got = TRANSFORMS[name][0](x, axis=axis)
        expected = _expected(name, xo, axis)
        _check(name, got, expected, result_dtype(x.dtype),
               scale=_mag(expected))
        assert got.flags.c_contiguous and got.flags.writeable
        np.testing.assert_array_equal(got, TRANSFORMS[name][0](contiguous, axis=axis))


@pytest.mark.parametrize("name", T_NAMES)
def test_transform_returns_new_array(name):
    x = make_data((5, 7))
    before = x.copy()
    out = TRANSFORMS[name][0](x, axis=1)
    assert not np.shares_memory(out, x)
    out[...] = 123.0  # writeable, and writing to it leaves the input alone
    np.testing.assert_array_equal(x, before)
    # read-only input, read-only output is not required but input stays intact
    x.flags.writeable = False
    out = TRANSFORMS[name][0](x, axis=0)
    assert out.flags.writeable
    np.testing.assert_array_equal(x, before)


# ---- NaN policies ---------------------------------------------------------------------


def _nan_data(dtype=np.float64):
    x = make_data((5, 10), np.float64, seed=17)
    x[1, 4] = np.nan
    x[3, [0, 9]] = np.nan
    x[4, :] = np.nan
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f8", "f4"])
@pytest.mark.parametrize("name", T_NAMES)
def test_transform_nan_propagate(name, dtype):
    x = _nan_data(dtype)
    xo = x.astype(np.float64)
    got = TRANSFORMS[name][0](x, axis=1)
    expected = _expected(name, xo, 1, propagate=True)
    assert np.isnan(expected[[1, 3, 4]]).all()
    _check(name, got, expected, dtype, scale=_mag(expected))
    np.testing.assert_array_equal(got, TRANSFORMS[name][0](x, axis=1, nan_policy="propagate"))
    # every column has a NaN (row 4); with axis=None the single slice has NaN
    assert np.isnan(TRANSFORMS[name][0](x, axis=0)).all()
    assert np.isnan(TRANSFORMS[name][0](x)).all()


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f8", "f4"])
@pytest.mark.parametrize("name", T_NAMES)
def test_transform_nan_omit(name, dtype):
    x = _nan_data(dtype)
    xo = x.astype(np.float64)
    with pytest.warns(robstat.SmallSampleWarning):  # row 4 has nothing left
        got = TRANSFORMS[name][0](x, axis=1, nan_policy="omit")
    expected = _expected(name, xo, 1, omit_nan=True)
    assert np.isnan(got[np.isnan(x)]).all()  # NaN entries stay NaN
    _check(name, got, expected, dtype, scale=_mag(expected))
    # no all-NaN slice: no warning
    for axis in (None, 0, (0, 1)):
        got = TRANSFORMS[name][0](x[:4], axis=axis, nan_policy="omit")
        expected = _expected(name, xo[:4], axis, omit_nan=True)
        _check(name, got, expected, dtype,
               scale=_mag(expected))


@pytest.mark.parametrize("name", T_NAMES)
def test_transform_nan_raise(name):
    x = _nan_data()
    for axis in (None, 0, 1):
        with pytest.raises(ValueError):
            TRANSFORMS[name][0](x, axis=axis, nan_policy="raise")
    y = make_data((4, 6))
    np.testing.assert_array_equal(TRANSFORMS[name][0](y, axis=1, nan_policy="raise"),
                                  TRANSFORMS[name][0](y, axis=1))


@pytest.mark.parametrize("name", T_NAMES)
def test_transform_all_nan_omit(name):
    for x in (np.full(6, np.nan), np.full((2, 3), np.nan, dtype=np.float32)):
        with pytest.warns(robstat.SmallSampleWarning):
            got = TRANSFORMS[name][0](x, nan_policy="omit")
        assert got.shape == x.shape and got.dtype == x.dtype and np.isnan(got).all()


@pytest.mark.parametrize("name", T_NAMES)
def test_transform_empty(name):
    for shape, axis in (((0,), None), ((3, 0), 1), ((3, 0), 0), ((0, 4), None)):
        x = np.zeros(shape)
        with warnings.catch_warnings():
            # nothing is NaN in an empty result: a warning is allowed, not required
            warnings.simplefilter("ignore", robstat.SmallSampleWarning)
            got = TRANSFORMS[name][0](x, axis=axis)
        assert got.shape == shape and got.dtype == np.float64


@pytest.mark.parametrize("name", T_NAMES)
def test_transform_0d(name):
    got = TRANSFORMS[name][0](np.float64(2.5))
    assert isinstance(got, np.ndarray) and got.shape == () and got.dtype == np.float64
    if name in WINSORIZE:
        assert got == 2.5
    else:
        assert np.isnan(got)  # (x - med) / 0 with x == med


# ---- winsorize specifics ----------------------------------------------------------------


def test_winsorize_small_cases():
    w = robstat.winsorize
    np.testing.assert_array_equal(w(np.array([7.0])), [7.0])
    np.testing.assert_array_equal(w(np.array([3.0, 1.0]), 0.4), [3.0, 1.0])  # floor(0.8) = 0
    np.testing.assert_array_equal(w(np.array([3.0, 1.0]), (0.5, 0.0)), [3.0, 3.0])
    np.testing.assert_array_equal(w(np.array([3.0, 1.0]), (0.0, 0.5)), [1.0, 1.0])
    x = np.array([10.0, 1.0, 5.0, 2.0, 9.0, 3.0, 7.0, 4.0, 8.0, 6.0])
    np.testing.assert_array_equal(w(x, 0.2), [8.0, 3.0, 5.0, 3.0, 8.0, 3.0, 7.0, 4.0, 8.0, 6.0])
    np.testing.assert_array_equal(w(x, (0.1, 0.3)),
                                  [7.0, 2.0, 5.0, 2.0, 7.0, 3.0, 7.0, 4.0, 7.0, 6.0])
    np.testing.assert_array_equal(w(x, 0.2), ref_winsorize(x, 0.2, 0.2))
    np.testing.assert_array_equal(w(x, (0.1, 0.3)), ref_winsorize(x, 0.1, 0.3))


def test_winsorize_limits_zero_is_identity():
    x = make_data((4, 9))
    np.testing.assert_array_equal(robstat.winsorize(x, 0.0), x)
    np.testing.assert_array_equal(robstat.winsorize(x, (0.0, 0.0), axis=1), x)


def test_winsorize_ties(rng):
    x = rng.integers(0, 5, size=(8, 25)).astype(np.float64)
    for limits in (0.1, 0.2, (0.0, 0.3), (0.35, 0.05), 0.45):
        lo, hi = (limits, limits) if np.ndim(limits) == 0 else limits
        for axis in (None, 0, 1):
            got = robstat.winsorize(x, limits, axis=axis)
            np.testing.assert_array_equal(
                got, lane_transform(lambda v, lo=lo, hi=hi: ref_winsorize(v, lo, hi), x, axis))


def test_winsorize_infinities():
    x = np.array([np.inf, 1.0, 2.0, -np.inf, 3.0])
    np.testing.assert_array_equal(robstat.winsorize(x, 0.2), [3.0, 1.0, 2.0, 1.0, 3.0])
    np.testing.assert_array_equal(robstat.winsorize(x, 0.0), x)
    np.testing.assert_array_equal(robstat.winsorize(x, (0.2, 0.0)), [np.inf, 1, 2, 1, 3])


def test_winsorized_mean_is_mean_of_winsorize():
    x = make_data((6, 11), seed=8)
    for limits in (0.1, (0.2, 0.05)):
        for axis in (None, 0, 1, (0, 1)):
            np.testing.assert_allclose(
                robstat.winsorized_mean(x, limits, axis=axis),
                np.mean(robstat.winsorize(x, limits, axis=axis), axis=axis), rtol=1e-13)


# ---- z-scores ----------------------------------------------------------------------------


def test_zscore_definitions_use_robstat_median_and_mad():
    x = make_data((50,), seed=4)
    med = robstat.median(x)
    np.testing.assert_allclose(robstat.robust_zscore(x), (x - med) / robstat.mad(x),
                               rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(robstat.modified_zscore(x),
                               MODIFIED_Z * (x - med) / robstat.mad(x, scale=1.0),
                               rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(robstat.robust_zscore(x) * MAD_NORMAL,
                               robstat.modified_zscore(x) / MODIFIED_Z, rtol=1e-13, atol=1e-14)


def test_zscore_constant_and_mad_zero_is_ieee_division():
    cases = [np.full(7, 3.0), np.array([1.0, 1.0, 1.0, 5.0]), np.array([-5.0, 1.0, 1.0, 1.0]),
             np.array([2.0, 2.0, 2.0, -1.0, 9.0]), np.array([0.0]), np.array([4.0, 4.0])]
    for x in cases:
        med = np.median(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            rz = (x - med) / (MAD_NORMAL * 0.0)
            mz = MODIFIED_Z * (x - med) / 0.0
        np.testing.assert_array_equal(robstat.robust_zscore(x), rz)
        np.testing.assert_array_equal(robstat.modified_zscore(x), mz)
    np.testing.assert_array_equal(robstat.robust_zscore(np.array([1.0, 1.0, 1.0, 5.0])),
                                  [np.nan, np.nan, np.nan, np.inf])
    np.testing.assert_array_equal(robstat.robust_zscore(np.array([-5.0, 1.0, 1.0, 1.0])),
                                  [-np.inf, np.nan, np.nan, np.nan])


def test_zscore_mad_zero_per_slice():
    x = np.array([[1.0, 1.0, 1.0, 7.0], [1.0, 2.0, 3.0, 4.0]])
    rz = robstat.robust_zscore(x, axis=1)
    np.testing.assert_array_equal(rz[0], [np.nan, np.nan, np.nan, np.inf])
    np.testing.assert_allclose(rz[1], ref_robust_z(x[1]), rtol=1e-15)
    mz = robstat.modified_zscore(x, axis=1)
    np.testing.assert_allclose(mz[1], ref_modified_z(x[1]), rtol=1e-15)


def test_zscore_known_values():
    x = np.array([1.0, 2.0, 3.0, 4.0, 100.0])  # median 3, MAD 1
    np.testing.assert_allclose(robstat.robust_zscore(x),
                               np.array([-2, -1, 0, 1, 97]) / MAD_NORMAL, rtol=1e-15)
    np.testing.assert_allclose(robstat.modified_zscore(x),
                               0.6745 * np.array([-2, -1, 0, 1, 97]), rtol=1e-15)
    # the usual outlier cutoff
    assert np.flatnonzero(np.abs(robstat.modified_zscore(x)) > 3.5).tolist() == [4]


def test_zscore_with_infinite_values():
    x = np.array([1.0, 2.0, 3.0, 4.0, np.inf])  # median 3, MAD 1
    np.testing.assert_allclose(robstat.robust_zscore(x),
                               np.array([-2, -1, 0, 1, np.inf]) / MAD_NORMAL, rtol=1e-15)
