"""Reductions (mean, var, std, median, quantile, trimmed and winsorized means,
MAD, IQR) against NumPy/SciPy oracles: shapes, axes, keepdims, dtypes, memory
layouts, NaN policies, empty input and numerical edge cases."""

from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest
import robstat
import scipy.stats as st
from conftest import (
    IQR_NORMAL,
    LAYOUTS,
    MAD_NORMAL,
    ORDER_STAT_REDUCTIONS,
    QUANTILE_METHODS,
    REDUCTIONS,
    SHAPE_AXES,
    TRANSFORMS,
    assert_result,
    lane_reduce,
    lane_transform,
    layout_axes,
    make_data,
    norm_axes,
    ref_robust_z,
    ref_trimmed_mean,
    ref_var,
    ref_winsorize,
    result_dtype,
    shape_axis_id,
    to_lanes,
)

RED_NAMES = sorted(REDUCTIONS)
DDOF1 = {"var_ddof1", "std_ddof1"}


def _min_lane(shape, axis):
    if not shape:
        return 1
    return int(np.prod([shape[d] for d in norm_axes(axis, len(shape))]))


def _call_reduction(name, x, **kw):
    """Call, expecting a SmallSampleWarning exactly when ddof=1 meets n=1."""
    call = REDUCTIONS[name][0]
    xa = np.asarray(x)
    if name in DDOF1 and _min_lane(xa.shape, kw.get("axis")) <= 1:
        with pytest.warns(robstat.SmallSampleWarning):
            return call(x, **kw)
    return call(x, **kw)


def _oracle(name, xo, axis, keepdims):
    """Lane oracle (and, where NumPy has the function, NumPy itself with the
    same axis/keepdims, which must agree with the lane oracle)."""
    _, f1, fnp = REDUCTIONS[name]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = lane_reduce(f1, xo, axis, keepdims)
        if fnp is not None:
            e_np = np.asarray(fnp(xo, axis, keepdims))
            assert e_np.shape == expected.shape
            np.testing.assert_allclose(expected, e_np, rtol=1e-13, equal_nan=True)
    if name in DDOF1 and _min_lane(xo.shape, axis) <= 1:
        expected = np.full_like(expected, np.nan)  # NaN, not NumPy's inf/NaN mix
    return expected


# ---- oracles over shapes, axes, keepdims, float32/float64 ----------------------------


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f8", "f4"])
@pytest.mark.parametrize("shape_axis", SHAPE_AXES, ids=shape_axis_id)
@pytest.mark.parametrize("name", RED_NAMES)
def test_reduction_matches_oracle(name, shape_axis, dtype):
    shape, axis = shape_axis
    x = make_data(shape, dtype, seed=len(shape) * 7 + len(str(axis)))
    xo = x.astype(np.float64)  # the oracle sees exactly the same values
    scale = float(np.max(np.abs(xo))) if xo.size else 1.0
    for keepdims in (False, True):
        expected = _oracle(name, xo, axis, keepdims)
        assert expected.shape == np.mean(xo, axis=axis, keepdims=keepdims).shape
        got = _call_reduction(name, x, axis=axis, keepdims=keepdims)
        assert_result(got, expected, dtype, scale=scale)


@pytest.mark.parametrize("name", RED_NAMES)
def test_reduction_default_axis_is_none(name):
    x = make_data((4, 5))
    assert np.ndim(REDUCTIONS[name][0](x)) == 0
    np.testing.assert_array_equal(REDUCTIONS[name][0](x), REDUCTIONS[name][0](x.ravel()))


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int8, np.uint16, np.bool_])
@pytest.mark.parametrize("name", RED_NAMES)
def test_int_and_bool_input_gives_float64(name, dtype, rng):
    if dtype is np.bool_:
        x = rng.random((5, 8)) < 0.3
    else:
        x = rng.integers(0, 100, size=(5, 8)).astype(dtype)
    xo = x.astype(np.float64)
    for axis in (None, 0, 1, (0, 1)):
        expected = _oracle(name, xo, axis, False)
        got = _call_reduction(name, x, axis=axis)
        assert_result(got, expected, np.float64, scale=100.0)
    # plain Python lists and nested lists are array_like
    assert_result(_call_reduction(name, xo.tolist()), _oracle(name, xo, None, False),
                  np.float64, scale=100.0)


@pytest.mark.parametrize("name", RED_NAMES)
def test_float16_is_computed_in_float32_and_returned_as_float16(name, rng):
    x = (rng.normal(size=(6, 7)) * 4).astype(np.float16)
    xo = x.astype(np.float64)
    for axis in (None, 1):
        expected = _oracle(name, xo, axis, False)
        got = _call_reduction(name, x, axis=axis)
        assert_result(got, expected, np.float16, scale=float(np.abs(xo).max()))
        # computed in float32: same as the float32 result rounded to float16
        got32 = _call_reduction(name, x.astype(np.float32), axis=axis)
        np.testing.assert_array_equal(np.asarray(got), np.asarray(got32).astype(np.float16))


def test_ints_larger_than_float32_precision_stay_exact():
    # int -> float64, never float32: 2**24 + 1 is not a float32
    x = np.array([2**24 + 1, 2**24 + 1, 2**24 + 3], dtype=np.int64)
    assert robstat.median(x) == 2**24 + 1
    assert robstat.mean(x) == (3 * 2**24 + 5) / 3
    assert robstat.quantile(x, 1.0) == 2**24 + 3


# ---- quantile -------------------------------------------------------------------------

Q_SETS = {
    "scalar": 0.5,
    "scalar_0": 0.0,
    "scalar_1": 1.0,
    "list": [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0],
    "odd": np.array([0.33, 0.05, 0.999, 0.125]),
    "one": [0.37],
}


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f8", "f4"])
@pytest.mark.parametrize("shape_axis", SHAPE_AXES, ids=shape_axis_id)
@pytest.mark.parametrize("method", QUANTILE_METHODS)
def test_quantile_matches_numpy(method, shape_axis, dtype):
    shape, axis = shape_axis
    x = make_data(shape, dtype, seed=3)
    xo = x.astype(np.float64)
    exact = method in ("lower", "higher", "nearest")
    for q in Q_SETS.values():
        for keepdims in (False, True):
            expected = np.quantile(xo, q, axis=axis, method=method, keepdims=keepdims)
            got = robstat.quantile(x, q, axis=axis, method=method, keepdims=keepdims)
            assert_result(got, expected, dtype, exact=exact and dtype == np.float64,
                          scale=float(np.abs(xo).max()))


@pytest.mark.parametrize("method", QUANTILE_METHODS)
def test_quantile_with_ties_and_small_n(method):
    for x in ([3.0], [2.0, 1.0], [1.0, 1.0, 2.0], [5.0, 5.0, 5.0, 5.0], [1, 2, 2, 2, 3, 9],
              [0.0, -0.0, 1.0], list(range(10))):
        xa = np.asarray(x, dtype=np.float64)
        q = np.linspace(0, 1, 41)
        np.testing.assert_allclose(robstat.quantile(xa, q, method=method),
                                   np.quantile(xa, q, method=method), rtol=1e-15, atol=0)


def test_quantile_nearest_rounds_half_to_even():
    x = np.arange(5.0)  # virtual index (n-1) q = 4 q
    # 4*0.125 = 0.5 -> 0 ; 4*0.375 = 1.5 -> 2 ; 4*0.625 = 2.5 -> 2 ; 4*0.875 = 3.5 -> 4
    got = robstat.quantile(x, [0.125, 0.375, 0.625, 0.875], method="nearest")
    np.testing.assert_array_equal(got, [0.0, 2.0, 2.0, 4.0])
    np.testing.assert_array_equal(got, np.quantile(x, [0.125, 0.375, 0.625, 0.875],
                                                   method="nearest"))


def test_quantile_default_method_is_linear():
    x = make_data((13,))
    assert robstat.quantile(x, 0.3) == robstat.quantile(x, 0.3, method="linear")


def test_quantile_empty_q_list():
    x = make_data((4, 5))
    got = robstat.quantile(x, [], axis=1)
    assert got.shape == np.quantile(x, [], axis=1).shape == (0, 4)


def test_quantile_of_int_and_bool():
    x = np.array([[1, 5, 2, 8], [0, 0, 3, 1]], dtype=np.int16)
    got = robstat.quantile(x, [0.25, 0.5], axis=1)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, np.quantile(x.astype(float), [0.25, 0.5], axis=1))
    b = np.array([True, False, True, True])
    assert robstat.quantile(b, 0.5) == 1.0
    h = np.array([[1.5, -2.0, 7.25], [0.5, 0.25, 3.0]], dtype=np.float16)
    got = robstat.quantile(h, [0.3, 0.5], axis=1)
    assert got.dtype == np.float16
    np.testing.assert_allclose(got.astype(float), np.quantile(h.astype(float), [0.3, 0.5],
                                                              axis=1), rtol=1e-3)


# ---- memory layouts --------------------------------------------------------------------


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("name", RED_NAMES)
def test_reduction_layouts(name, layout):
    x = LAYOUTS[layout]()
    xo = x.astype(np.float64)
    contiguous = np.ascontiguousarray(x.astype(x.dtype.newbyteorder("=")))
    for axis in layout_axes(x):
        expected = _oracle(name, xo, axis, False)
        got = _call_reduction(name, x, axis=axis)
        assert_result(got, expected, result_dtype(x.dtype), scale=float(np.abs(xo).max()))
        if name in ORDER_STAT_REDUCTIONS:
            np.testing.assert_array_equal(got, _call_reduction(name, contiguous, axis=axis))


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_quantile_layouts(layout):
    x = LAYOUTS[layout]()
    xo = x.astype(np.float64)
    contiguous = np.ascontiguousarray(x.astype(x.dtype.newbyteorder("=")))
    q = [0.0, 0.2, 0.5, 0.77, 1.0]
    for method in QUANTILE_METHODS:
        for axis in layout_axes(x):
            got = robstat.quantile(x, q, axis=axis, method=method)
            assert_result(got, np.quantile(xo, q, axis=axis, method=method),
                          result_dtype(x.dtype), scale=float(np.abs(xo).max()))
            np.testing.assert_array_equal(
                got, robstat.quantile(contiguous, q, axis=axis, method=method))


# ---- NaN policies -----------------------------------------------------------------------


def _nan_data(dtype=np.float64):
    x = make_data((5, 9), np.float64, seed=11)
    x[1, 3] = np.nan
    x[3, [0, 4, 8]] = np.nan
    x[4, :] = np.nan  # an all-NaN row
    return x.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f8", "f4"])
@pytest.mark.parametrize("name", RED_NAMES)
def test_nan_propagate_only_slices_with_nan(name, dtype):
    x = _nan_data(dtype)
    xo = x.astype(np.float64)
    f1 = REDUCTIONS[name][1]
    for keepdims in (False, True):
        got = np.asarray(REDUCTIONS[name][0](x, axis=1, keepdims=keepdims))
        # not the oracles' own NaN handling: sort-based ones (mstats) cut NaN away
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            expected = lane_reduce(lambda v: np.nan if np.isnan(v).any() else f1(v),
                                   xo, 1, keepdims)
        assert np.isnan(expected.ravel()[[1, 3, 4]]).all()
        assert not np.isnan(expected.ravel()[[0, 2]]).any()
        assert_result(got, expected, dtype, scale=float(np.nanmax(np.abs(xo))))
        # the default policy is "propagate"
        np.testing.assert_array_equal(
            got, REDUCTIONS[name][0](x, axis=1, keepdims=keepdims, nan_policy="propagate"))
    # over all axes: one NaN anywhere makes the result NaN
    assert np.isnan(REDUCTIONS[name][0](x))
    # axis 0: every column holds a NaN (row 4)
    assert np.isnan(REDUCTIONS[name][0](x, axis=0)).all()


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f8", "f4"])
@pytest.mark.parametrize("name", RED_NAMES)
def test_nan_omit_equals_oracle_on_nan_free_data(name, dtype):
    x = _nan_data(dtype)
    xo = x.astype(np.float64)
    _, f1, _ = REDUCTIONS[name]
    scale = float(np.nanmax(np.abs(xo)))
    for keepdims in (False, True):
        # row 4 is all NaN: NaN with one warning
        with pytest.warns(robstat.SmallSampleWarning):
            got = REDUCTIONS[name][0](x, axis=1, keepdims=keepdims, nan_policy="omit")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            expected = lane_reduce(f1, xo, 1, keepdims, omit_nan=True)
        assert np.isnan(np.asarray(got).ravel()[4])
        assert_result(got, expected, dtype, scale=scale)
    # rows 0-3 only: no all-NaN slice, no warning
    got = REDUCTIONS[name][0](x[:4], axis=-1, nan_policy="omit")
    assert_result(got, lane_reduce(f1, xo[:4], -1, omit_nan=True), dtype, scale=scale)
    # everything at once, and along axis 0 (every column loses one or two values)
    assert_result(REDUCTIONS[name][0](x, nan_policy="omit"),
                  lane_reduce(f1, xo, None, omit_nan=True), dtype, scale=scale)
    assert_result(REDUCTIONS[name][0](x, axis=0, nan_policy="omit"),
                  lane_reduce(f1, xo, 0, omit_nan=True), dtype, scale=scale)


@pytest.mark.parametrize("name", RED_NAMES)
def test_nan_raise(name):
    x = _nan_data()
    call = REDUCTIONS[name][0]
    for axis in (None, 0, 1, (0, 1)):
        with pytest.raises(ValueError):
            call(x, axis=axis, nan_policy="raise")
    # one NaN in the last slice only is enough
    y = make_data((4, 6))
    y[3, 5] = np.nan
    with pytest.raises(ValueError):
        call(y, axis=1, nan_policy="raise")
    # without NaN, "raise" is an ordinary call
    z = make_data((4, 6))
    np.testing.assert_array_equal(call(z, axis=1, nan_policy="raise"), call(z, axis=1))


@pytest.mark.parametrize("method", QUANTILE_METHODS)
def test_quantile_nan_policies(method):
    x = _nan_data()
    q = [0.1, 0.5, 0.9]
    got = robstat.quantile(x, q, axis=1, method=method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected_omit = np.nanquantile(x, q, axis=1, method=method)
    np.testing.assert_allclose(got, np.quantile(x, q, axis=1, method=method), equal_nan=True)
    assert np.isnan(got[:, [1, 3, 4]]).all() and not np.isnan(got[:, [0, 2]]).any()
    with pytest.warns(robstat.SmallSampleWarning):
        got = robstat.quantile(x, q, axis=1, method=method, nan_policy="omit")
    np.testing.assert_allclose(got, expected_omit, rtol=1e-13, equal_nan=True)
    with pytest.raises(ValueError):
        robstat.quantile(x, q, axis=1, method=method, nan_policy="raise")


@pytest.mark.parametrize("name", RED_NAMES)
def test_all_nan_under_omit_is_nan_with_warning(name):
    call = REDUCTIONS[name][0]
    for x in (np.full(5, np.nan), np.full((2, 3), np.nan, dtype=np.float32), np.float64("nan")):
        with pytest.warns(robstat.SmallSampleWarning):
            got = call(x, nan_policy="omit")
        assert np.isnan(got) and np.ndim(got) == 0
        assert np.asarray(got).dtype == result_dtype(np.asarray(x).dtype)
    with pytest.warns(robstat.SmallSampleWarning):
        assert np.isnan(robstat.quantile(np.full(4, np.nan), 0.5, nan_policy="omit"))


def test_small_sample_warning_is_a_runtime_warning():
    assert issubclass(robstat.SmallSampleWarning, RuntimeWarning)
    with pytest.warns(RuntimeWarning):
        robstat.mean(np.array([]))


def _every_call_small_sample():
    # defined here, so the line calling robstat is in this file
    return {
        "mean": lambda x, **kw: robstat.mean(x, **kw),
        "var": lambda x, **kw: robstat.var(x, **kw),
        "std": lambda x, **kw: robstat.std(x, **kw),
        "median": lambda x, **kw: robstat.median(x, **kw),
        "quantile": lambda x, **kw: robstat.quantile(x, [0.5], **kw),
        "trimmed_mean": lambda x, **kw: robstat.trimmed_mean(x, **kw),
        "winsorized_mean": lambda x, **kw: robstat.winsorized_mean(x, **kw),
        "mad": lambda x, **kw: robstat.mad(x, **kw),
        "iqr": lambda x, **kw: robstat.iqr(x, **kw),
        "winsorize": lambda x, **kw: robstat.winsorize(x, **kw),
        "robust_zscore": lambda x, **kw: robstat.robust_zscore(x, **kw),
        "modified_zscore": lambda x, **kw: robstat.modified_zscore(x, **kw),
    }


@pytest.mark.parametrize("name", sorted(_every_call_small_sample()))
def test_one_small_sample_warning_counting_slices_attributed_to_caller(name):
    call = _every_call_small_sample()[name]
    x = make_data((3, 4))
    x[0] = np.nan
    x[2] = np.nan
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call(x, axis=1, nan_policy="omit")
    small = [w for w in caught if issubclass(w.category, robstat.SmallSampleWarning)]
    assert len(small) == 1, [str(w.message) for w in caught]
    assert len(caught) == 1, [str(w.message) for w in caught]
    assert "2" in str(small[0].message)  # how many slices were affected
    # attributed to the line that called robstat (as NumPy's warnings are), not to
    # robstat's internals: that is what users see and what filters match on
    assert small[0].filename == __file__, (small[0].filename, small[0].lineno)


# ---- empty input -----------------------------------------------------------------------


@pytest.mark.parametrize("name", RED_NAMES)
def test_empty_input(name):
    call = REDUCTIONS[name][0]
    for dtype in (np.float64, np.float32, np.int64):
        with pytest.warns(robstat.SmallSampleWarning):
            got = call(np.array([], dtype=dtype))
        assert np.isnan(got) and np.ndim(got) == 0
        assert np.asarray(got).dtype == result_dtype(dtype)
    with pytest.warns(robstat.SmallSampleWarning):
        assert np.isnan(call([]))
    # empty lanes: (3, 0) along axis 1 -> three NaN
    with pytest.warns(robstat.SmallSampleWarning):
        got = call(np.zeros((3, 0)), axis=1)
    assert got.shape == (3,) and np.isnan(got).all()
    with pytest.warns(robstat.SmallSampleWarning):
        got = call(np.zeros((3, 0)), axis=1, keepdims=True)
    assert got.shape == (3, 1)
    # no lanes at all: (3, 0) along axis 0 -> an empty result, nothing to warn about
    got = call(np.zeros((3, 0)), axis=0)
    assert got.shape == (0,) and got.dtype == np.float64
    with pytest.warns(robstat.SmallSampleWarning):
        got = call(np.zeros((0, 4, 0)), axis=(0, 2), keepdims=True)
    assert got.shape == (1, 4, 1)
    assert np.isnan(got).all()


def test_empty_quantile():
    with pytest.warns(robstat.SmallSampleWarning):
        got = robstat.quantile(np.array([]), [0.25, 0.5])
    assert got.shape == (2,) and np.isnan(got).all()


# ---- small n, ties, constants ------------------------------------------------------------


def test_n_equals_one():
    x = np.array([4.25])
    for f in (robstat.mean, robstat.median, robstat.trimmed_mean, robstat.winsorized_mean):
        assert f(x) == 4.25
    assert robstat.trimmed_mean(x, 0.5) == 4.25
    assert robstat.trimmed_mean(x, (0.4, 0.5)) == 4.25
    assert robstat.var(x) == 0.0 and robstat.std(x) == 0.0
    assert robstat.mad(x) == 0.0 and robstat.iqr(x) == 0.0
    for m in QUANTILE_METHODS:
        np.testing.assert_array_equal(robstat.quantile(x, [0, 0.3, 1], method=m), [4.25] * 3)
    with pytest.warns(robstat.SmallSampleWarning):
        assert np.isnan(robstat.var(x, ddof=1))
    with pytest.warns(robstat.SmallSampleWarning):
        assert np.isnan(robstat.std(x, ddof=1))


def test_n_equals_two():
    x = np.array([3.0, 1.0])
    assert robstat.mean(x) == 2.0 and robstat.median(x) == 2.0
    assert robstat.trimmed_mean(x, 0.1) == 2.0  # floor(0.2) = 0 cut
    assert robstat.trimmed_mean(x, 0.49) == 2.0  # floor(0.98) = 0 cut
    assert robstat.trimmed_mean(x, 0.5) == 2.0  # the median
    assert robstat.trimmed_mean(x, (0.5, 0.0)) == 3.0  # cut the lower one
    assert robstat.trimmed_mean(x, (0.0, 0.5)) == 1.0
    assert robstat.winsorized_mean(x, (0.5, 0.0)) == 3.0
    assert robstat.var(x) == 1.0 and robstat.var(x, ddof=1) == 2.0
    assert robstat.mad(x, scale=1.0) == 1.0
    assert robstat.mad(x) == MAD_NORMAL
    assert robstat.iqr(x) == 1.0
    assert robstat.iqr(x, scale="normal") == IQR_NORMAL
    with pytest.warns(robstat.SmallSampleWarning):
        assert np.isnan(robstat.var(x, ddof=2))


def test_fractional_ddof():
    # n - ddof = 0.5 > 0: a valid variance, no small-sample warning
    x = np.array([1.0, 2.0])
    assert robstat.var(x, ddof=1.5) == np.var(x, ddof=1.5) == 1.0
    assert robstat.var(np.arange(5.0), ddof=0.5) == np.var(np.arange(5.0), ddof=0.5)
    with pytest.warns(robstat.SmallSampleWarning):
        assert np.isnan(robstat.var(x, ddof=2.5))


def test_trim_count_is_floor():
    x = np.arange(1.0, 11.0)  # n = 10
    assert robstat.trimmed_mean(x, 0.19) == np.mean(x[1:9])  # floor(1.9) = 1
    assert robstat.trimmed_mean(x, 0.2) == np.mean(x[2:8])
    assert robstat.trimmed_mean(x, 0.09) == np.mean(x)
    # 0.1 * 30 = 3.0000000000000004 in double: still 3 cut, as SciPy
    y = np.arange(30.0) ** 2
    assert robstat.trimmed_mean(y, 0.1) == pytest.approx(st.trim_mean(y, 0.1), rel=1e-15)
    assert robstat.trimmed_mean(y, 0.1) == pytest.approx(np.mean(y[3:27]), rel=1e-15)
    # asymmetric: floor(0.15 * 10) = 1 low, floor(0.35 * 10) = 3 high
    assert robstat.trimmed_mean(x, (0.15, 0.35)) == np.mean(x[1:7])
    # winsorized mean with the same counts
    w = x.copy()
    w[:1] = x[1]
    w[7:] = x[6]
    assert robstat.winsorized_mean(x, (0.15, 0.35)) == np.mean(w)


def test_ties(rng):
    x = rng.integers(0, 4, size=(7, 30)).astype(np.float64)
    for name in RED_NAMES:
        for axis in (None, 0, 1):
            expected = _oracle(name, x, axis, False)
            assert_result(_call_reduction(name, x, axis=axis), expected, np.float64, scale=4.0)


def test_constant_data():
    x = np.full(11, 2.5)
    for f in (robstat.mean, robstat.median, robstat.trimmed_mean, robstat.winsorized_mean):
        assert f(x) == 2.5
    assert robstat.var(x) == 0.0 and robstat.mad(x) == 0.0 and robstat.iqr(x) == 0.0
    x32 = np.full(1001, 0.1, dtype=np.float32)
    assert robstat.mean(x32) == np.float32(0.1)
    assert robstat.var(x32) == 0.0
    assert robstat.trimmed_mean(x32, 0.2) == np.float32(0.1)


def test_mad_more_than_half_tied_is_zero():
    x = np.array([1.0, 1.0, 1.0, 5.0, -7.0])
    assert robstat.mad(x) == 0.0
    assert robstat.mad(x, center=0.0, scale=1.0) == 1.0


# ---- infinities and extreme values ----------------------------------------------------


INF = np.inf


def test_infinities_as_order_statistics():
    x = np.array([-INF, 1.0, 2.0, 3.0, INF])
    assert robstat.median(x) == 2.0
    assert robstat.trimmed_mean(x, 0.2) == 2.0
    assert robstat.winsorized_mean(x, 0.2) == 2.0
    assert robstat.mad(x, scale=1.0) == 1.0  # |dev| = inf, 1, 0, 1, inf
    assert robstat.iqr(x) == 2.0  # Q1 = x(1), Q3 = x(3) exactly
    assert robstat.median([1.0, INF]) == INF
    assert robstat.median([-INF, -INF, 0.0]) == -INF
    assert robstat.quantile(x, 0.0) == -INF and robstat.quantile(x, 1.0) == INF
    for m in ("lower", "higher", "nearest"):
        np.testing.assert_array_equal(robstat.quantile(x, [0, 0.5, 1], method=m),
                                      [-INF, 2.0, INF])
    # -inf + inf is NaN: IEEE, as documented
    assert np.isnan(robstat.median([-INF, INF]))
    assert np.isnan(robstat.trimmed_mean(x, 0.0))
    assert np.isnan(robstat.mean([-INF, INF]))


def test_quantile_linear_next_to_infinity():
    # Linear interpolation between a finite value and +inf with weight t in
    # (0, 1] is +inf; weight 0 is the finite order statistic exactly.
    x = np.array([1.0, 2.0, INF])  # virtual index 2q: [1, 2] between 2 and inf
    q = np.array([0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1.0])
    np.testing.assert_array_equal(robstat.quantile(x, q), [2.0] + [INF] * 6)
    np.testing.assert_array_equal(robstat.quantile(x, q, method="midpoint"),
                                  [2.0] + [INF] * 6)
    y = np.array([-INF, 1.0, 2.0])  # [0, 0.5) between -inf and 1
    q = np.array([0.0, 0.1, 0.2, 0.25, 0.3, 0.5])
    np.testing.assert_array_equal(robstat.quantile(y, q), [-INF] * 5 + [1.0])


def test_mean_of_infinite_values_is_ieee():
    # the sum of finite values and +inf is +inf (NumPy agrees); a compensated sum
    # must not turn it into NaN through inf - inf in the compensation term
    assert robstat.mean([1.0, INF]) == INF
    assert robstat.mean([INF]) == INF
    assert robstat.mean([-INF, -INF, 1.0]) == -INF
    assert robstat.mean(np.array([1.0, INF], dtype=np.float32)) == INF
    assert robstat.mean(np.r_[np.arange(100.0), INF]) == INF
    assert robstat.trimmed_mean([1.0, 2.0, 3.0, INF], 0.0) == INF
    assert robstat.winsorized_mean([1.0, 2.0, 3.0, INF], 0.0) == INF
    assert robstat.trimmed_mean([-INF, 1.0, 2.0, 3.0, INF], (0.2, 0.0)) == INF


def test_mean_overflowing_sum_is_not_nan():
    got = robstat.mean([1e308, 1e308])
    assert not np.isnan(got)
    assert got >= 1e308  # 1e308 exactly, or inf as a plain sum would give


def test_median_without_overflow():
    assert robstat.median([1e308, 1.5e308]) == 1.25e308
    assert robstat.median([-1.7e308, 1.7e308]) == 0.0
    assert robstat.median([1.7e308, 1.7e308]) == 1.7e308
    assert robstat.median(np.array([3e38, 3.2e38], dtype=np.float32)) == np.float32(3.1e38)
    assert robstat.median(np.array([3e38, 3.2e38], dtype=np.float32)).dtype == np.float32
    # and without cancellation error: the exact midpoint is representable
    assert robstat.median([-1.0, 1.0 + 2.0**-52]) == 2.0**-53
    # tiny values: no underflow to zero
    assert robstat.median([5e-324, 5e-324]) == 5e-324


def test_compensated_mean():
    assert robstat.mean([1.0, 1e100, 1.0, -1e100]) == 0.5
    # float32 input accumulates in double
    assert robstat.mean(np.array([1, 1e30, 1, -1e30], dtype=np.float32)) == np.float32(0.5)
    x = np.full(10**6, 0.1, dtype=np.float32)
    assert robstat.mean(x) == np.float32(0.1)
    assert robstat.mean(x).dtype == np.float32


def test_compensated_mean_long_input():
    # long enough for every SIMD accumulator: the compensation must survive the
    # combination of partial sums (partial totals rounded to one double lose it)
    assert robstat.mean(np.array([1.0, 1e100, 1.0, -1e100] * 50)) == 0.5
    x = np.zeros(64)
    x[0], x[1], x[10] = 1e100, 1.0, -1e100  # 1e100 and -1e100 in different blocks
    assert robstat.mean(x) == 1 / 64
    assert robstat.trimmed_mean(x, 0.0) == 1 / 64


def test_compensated_sum_error_bound():
    # The contract is a Neumaier-compensated sum, whose error bound is
    # |err| <= 2u|S| + 2n u^2 sum|x| (u = 2^-53). Shuffled cancelling terms of very
    # different magnitudes may therefore leave an error well above |S| itself; check
    # the bound against the exact sum (math.fsum), on data where naive sums fail badly.
    import math

    u = 2.0**-53
    rng = np.random.default_rng(0)
    for _trial in range(20):
        y = np.tile(np.array([1e100, 1.0, 3.0, 1e100, -1e100, -1e100, 2.0, 0.0]), 100)
        y = y * rng.uniform(0.5, 2.0, size=y.size)
        rng.shuffle(y)
        exact = math.fsum(y)
        bound = 2 * u * abs(exact) + 2 * y.size * u * u * math.fsum(np.abs(y))
        assert abs(float(robstat.mean(y)) * y.size - exact) <= bound * 1.01 + 4 * u * abs(exact)


def test_trimmed_mean_sum_is_compensated():
    x = np.array([-1e300, 1.0, 1e100, 1.0, -1e100, 1e300])
    assert robstat.trimmed_mean(x, 1 / 6) == 0.5


def test_two_pass_variance():
    base = 1e9
    x = base + np.array([1.0, 2.0, 3.0, 4.0])
    assert robstat.var(x) == pytest.approx(1.25, rel=1e-15)
    assert robstat.var(x, ddof=1) == pytest.approx(5 / 3, rel=1e-15)
    x32 = np.float32(1e4) + np.array([0.5, 1.5, 2.5], dtype=np.float32)
    assert robstat.var(x32) == pytest.approx(2 / 3, rel=1e-6)
    assert robstat.std(x32).dtype == np.float32


# ---- large inputs (past any small-input threshold of the selection engine) -----------------


def _large(dist, n, rng):
    if dist == "normal":
        return rng.normal(size=n)
    if dist == "sorted":
        return np.sort(rng.normal(size=n))
    if dist == "reversed":
        return np.sort(rng.normal(size=n))[::-1].copy()
    if dist == "constant":
        return np.full(n, 3.25)
    if dist == "two_values":
        return rng.choice([0.0, 1.0], size=n, p=[0.3, 0.7])
    if dist == "few_ties":
        return rng.integers(0, 4, size=n).astype(np.float64)
    if dist == "cauchy":
        return rng.standard_cauchy(size=n)
    if dist == "outliers":
        x = rng.normal(size=n)
        idx = rng.choice(n, size=n // 5, replace=False)
        x[idx] = rng.choice([-1e12, 1e12], size=idx.size)
        return x
    if dist == "huge_offset":
        return 1e12 + rng.normal(size=n)
    if dist == "organ_pipe":
        return np.r_[np.arange(n // 2), np.arange(n - n // 2)[::-1]].astype(np.float64)
    if dist == "subnormal":
        return rng.integers(-1000, 1000, size=n) * 5e-324
    if dist == "signed_zeros":
        return rng.choice([-0.0, 0.0, 1.0, -1.0], size=n, p=[0.3, 0.3, 0.2, 0.2])
    if dist == "with_inf":
        x = rng.normal(size=n)
        idx = rng.choice(n, size=max(2, n // 50), replace=False)
        x[idx] = rng.choice([-np.inf, np.inf], size=idx.size)
        return x
    raise AssertionError(dist)


LARGE_DISTS = ["normal", "sorted", "reversed", "constant", "two_values", "few_ties", "cauchy",
               "outliers", "huge_offset", "organ_pipe", "subnormal", "signed_zeros", "with_inf"]


@pytest.mark.parametrize("n", [1000, 65537, 100_000])
@pytest.mark.parametrize("dist", LARGE_DISTS)
def test_large_inputs(dist, n):
    rng = np.random.default_rng(n + len(dist))
    x64 = _large(dist, n, rng)
    dtypes = [np.float64] if dist in ("subnormal", "huge_offset") else [np.float64, np.float32]
    q = [0.0, 0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999, 1.0]
    for dtype in dtypes:
        x = x64.astype(dtype)
        xo = x.astype(np.float64)
        fin = xo[np.isfinite(xo)]
        scale = float(np.abs(fin).max()) if fin.size else 1.0
        tol = dict(rtol=1e-12, atol=1e-13 * scale) if dtype == np.float64 else \
            dict(rtol=2e-6, atol=1e-6 * scale)
        with np.errstate(all="ignore"):
            checks = {
                "median": (robstat.median(x), np.median(xo)),
                "trimmed_0.5": (robstat.trimmed_mean(x, 0.5), np.median(xo)),
                "trimmed_0.1": (robstat.trimmed_mean(x, 0.1), st.trim_mean(xo, 0.1)),
                "trimmed_asym": (robstat.trimmed_mean(x, (0.05, 0.3)),
                                 ref_trimmed_mean(xo, 0.05, 0.3)),
                "winsorized_0.2": (robstat.winsorized_mean(x, 0.2),
                                   np.mean(ref_winsorize(xo, 0.2, 0.2))),
                "mad": (robstat.mad(x, scale=1.0),
                        st.median_abs_deviation(xo, scale=1.0)),
                "iqr": (robstat.iqr(x), st.iqr(xo)),
            }
            if dist != "with_inf":
                checks["mean"] = (robstat.mean(x), np.mean(xo))
                checks["var"] = (robstat.var(x, ddof=1), ref_var(xo, ddof=1))
            for method in QUANTILE_METHODS:
                exp = np.quantile(xo, q, method=method)
                if dist == "with_inf" and method in ("linear", "midpoint"):
                    continue  # NumPy's lerp gives NaN next to inf; tested separately
                checks["quantile_" + method] = (robstat.quantile(x, q, method=method), exp)
        for key, (got, expected) in checks.items():
            got = np.asarray(got)
            assert got.dtype == dtype, key
            if key == "var":
                t = dict(rtol=1e-12 if dtype == np.float64 else 2e-6, atol=0)
            elif dist == "subnormal":
                t = dict(rtol=1e-12, atol=1e-323)  # one subnormal step of rounding
            else:
                t = tol
            np.testing.assert_allclose(got.astype(np.float64), expected, err_msg=f"{key} {dtype}",
                                       equal_nan=False, **t)
        w = robstat.winsorize(x, (0.1, 0.05))
        assert w.dtype == dtype
        np.testing.assert_array_equal(w.astype(np.float64), ref_winsorize(xo, 0.1, 0.05))
        with np.errstate(all="ignore"):
            z_exp = ref_robust_z(xo)
        z = robstat.robust_zscore(x).astype(np.float64)
        np.testing.assert_array_equal(np.isnan(z), np.isnan(z_exp))
        finite = np.isfinite(z_exp)
        np.testing.assert_array_equal(z[~finite], z_exp[~finite])
        if finite.any():
            zs = float(np.abs(z_exp[finite]).max())
            np.testing.assert_allclose(z[finite], z_exp[finite], rtol=tol["rtol"],
                                       atol=(1e-12 if dtype == np.float64 else 1e-5) * zs)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f8", "f4"])
def test_large_inputs_with_nan(dtype):
    rng = np.random.default_rng(77)
    x = rng.normal(size=(3, 40_001)).astype(dtype)
    x[rng.random(x.shape) < 0.1] = np.nan
    x[2, :] = np.nan
    x[2, 17] = 1.5  # one value left in the last row
    xo = x.astype(np.float64)
    tol = dict(rtol=1e-12, atol=1e-13) if dtype == np.float64 else dict(rtol=2e-6, atol=1e-6)
    funcs = {
        "mean": (robstat.mean, np.mean),
        "var": (robstat.var, ref_var),
        "median": (robstat.median, np.median),
        "trimmed_mean": (robstat.trimmed_mean, lambda v: st.trim_mean(v, 0.1)),
        "winsorized_mean": (robstat.winsorized_mean,
                            lambda v: np.mean(ref_winsorize(v, 0.1, 0.1))),
        "mad": (robstat.mad, lambda v: st.median_abs_deviation(v, scale="normal")),
        "iqr": (robstat.iqr, st.iqr),
    }
    for name, (f, oracle) in funcs.items():
        for axis in (1, None):
            got = f(x, axis=axis, nan_policy="omit")
            expected = lane_reduce(oracle, xo, axis, omit_nan=True)
            assert_result(got, expected, dtype)
            np.testing.assert_allclose(np.asarray(got, dtype=np.float64), expected, **tol,
                                       err_msg=name)
        got = f(x, axis=1)
        assert np.isnan(got).all(), name  # every row holds NaN
        # strided lanes: the columns of the transposed array
        got = f(x.T, axis=0, nan_policy="omit")
        np.testing.assert_allclose(np.asarray(got, dtype=np.float64),
                                   lane_reduce(oracle, xo, 1, omit_nan=True), **tol,
                                   err_msg=name)
    q = [0.01, 0.5, 0.99]
    for method in QUANTILE_METHODS:
        got = robstat.quantile(x, q, axis=1, method=method, nan_policy="omit")
        np.testing.assert_allclose(got, np.nanquantile(xo, q, axis=1, method=method), **tol)
    w = robstat.winsorize(x, 0.1, axis=1, nan_policy="omit")
    np.testing.assert_array_equal(
        w.astype(np.float64),
        lane_transform(lambda v: ref_winsorize(v, 0.1, 0.1), xo, 1, omit_nan=True))


# ---- input never modified, thread safety --------------------------------------------------


def _every_call():
    calls = [(n, REDUCTIONS[n][0]) for n in RED_NAMES]
    calls += [(n, TRANSFORMS[n][0]) for n in sorted(TRANSFORMS)]
    calls += [(f"quantile_{m}", lambda x, m=m, **kw: robstat.quantile(x, [0.1, 0.5, 0.9],
                                                                      method=m, **kw))
              for m in QUANTILE_METHODS]
    return calls


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f8", "f4"])
@pytest.mark.parametrize("name,call", _every_call(), ids=[c[0] for c in _every_call()])
def test_input_never_modified(name, call, dtype):
    big = make_data((3, 2000), dtype, seed=21)  # large enough for the SIMD/selection paths
    small = make_data((5, 9), dtype, seed=22)
    withnan = small.copy()
    withnan[1, 2] = withnan[3, 7] = np.nan
    for x, kws in ((big, [{}, {"axis": 1}, {"axis": 0}]),
                   (small[:, ::-2], [{}, {"axis": 0}, {"axis": (0, 1)}]),
                   (withnan, [{"nan_policy": "omit"}, {"axis": 1, "nan_policy": "omit"},
                              {"axis": 0}])):
        before = x.copy()
        digest = hash(x.tobytes())
        for kw in kws:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", robstat.SmallSampleWarning)
                out = call(x, **kw)
            assert not np.shares_memory(np.asarray(out), x)
        assert hash(x.tobytes()) == digest
        np.testing.assert_array_equal(x, before)


def test_thread_safety_trimmed_mean():
    x = make_data((2_000_000,), seed=99)
    x2 = make_data((64, 20_000), np.float32, seed=98)
    ref = robstat.trimmed_mean(x, 0.1)
    ref2 = robstat.trimmed_mean(x2, (0.05, 0.2), axis=1)
    assert ref == pytest.approx(st.trim_mean(x, 0.1), rel=1e-12)
    results, errors = [], []
    barrier = threading.Barrier(8)

    def work():
        try:
            barrier.wait()
            for _ in range(3):
                results.append((robstat.trimmed_mean(x, 0.1),
                                robstat.trimmed_mean(x2, (0.05, 0.2), axis=1)))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 24
    for r1, r2 in results:
        assert r1 == ref
        np.testing.assert_array_equal(r2, ref2)


# ---- misc -------------------------------------------------------------------------------


def test_version_and_simd_arch():
    assert isinstance(robstat.__version__, str)
    parts = robstat.__version__.split(".")
    assert len(parts) >= 3 and all(p.isdigit() for p in parts[:3])
    arch = robstat.simd_arch()
    assert arch in {"sse2", "avx2", "avx512"}, arch  # DESIGN.md's dispatch names
    assert robstat.simd_arch() == arch


def test_keepdims_scalar_vs_array():
    x = make_data((3, 4))
    assert isinstance(robstat.mean(x), np.floating)
    assert robstat.mean(x, keepdims=True).shape == (1, 1)
    assert robstat.median(x, axis=(0, 1), keepdims=True).shape == (1, 1)
    assert isinstance(robstat.median(x, axis=(0, 1)), np.floating)


def test_lanes_helper_matches_numpy():  # sanity check of the test helper itself
    x = make_data((3, 4, 5))
    lanes, outer, _ = to_lanes(x, (2, 0))
    np.testing.assert_allclose(np.mean(lanes, axis=1).reshape(outer),
                               np.mean(x, axis=(0, 2)), rtol=1e-14)
