"""Shared helpers for the robstat Python test suite.

The oracles here are NumPy and SciPy applied lane by lane: the reduced axes
are moved to the end and merged (exactly what robstat's contract promises),
then a 1-d reference function runs on every lane. That lets every oracle
handle tuple axes, keepdims and NaN omission the same way, independently of
which of those options the SciPy function itself supports.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import robstat
import scipy.stats as st

try:
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "robstat",
        max_examples=int(os.environ.get("ROBSTAT_HYPOTHESIS_EXAMPLES", "60")),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.load_profile("robstat")
except ImportError:  # pragma: no cover
    pass

MAD_NORMAL = 1.482602218505602  # 1 / Phi^-1(3/4), the contract constant
IQR_NORMAL = 0.7413011092528010  # 1 / (2 Phi^-1(3/4))
MODIFIED_Z = 0.6745  # Iglewicz-Hoaglin

# ---- axes and lanes ------------------------------------------------------------


def norm_axes(axis, ndim):
    """Tuple of non-negative reduced axes (NumPy semantics)."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    return tuple(int(a) % ndim for a in axes)


def to_lanes(x, axis):
    """(2-d array of lanes, outer shape, axes): the reduced axes merged last."""
    x = np.asarray(x)
    axes = norm_axes(axis, x.ndim)
    keep = [d for d in range(x.ndim) if d not in axes]
    moved = np.transpose(x, keep + list(axes))
    outer = tuple(x.shape[d] for d in keep)
    n = int(np.prod([x.shape[d] for d in axes], dtype=np.int64))
    return moved.reshape((int(np.prod(outer, dtype=np.int64)), n)), outer, axes


def keepdims_shape(shape, axes):
    return tuple(1 if d in axes else n for d, n in enumerate(shape))


def lane_reduce(f, x, axis=None, keepdims=False, omit_nan=False):
    """Apply the 1-d reference `f` to every lane (in float64).

    With omit_nan, NaN are removed from each lane first and a lane with
    nothing left gives NaN (the robstat contract).
    """
    x = np.asarray(x, dtype=np.float64)
    lanes, outer, axes = to_lanes(x, axis)
    vals = []
    for lane in lanes:
        if omit_nan:
            lane = lane[~np.isnan(lane)]
        vals.append(np.nan if lane.size == 0 else float(f(lane)))
    out = np.array(vals, dtype=np.float64).reshape(outer)
    if keepdims:
        out = out.reshape(keepdims_shape(x.shape, axes))
    return out


def lane_transform(f, x, axis=None, omit_nan=False, propagate=False):
    """Apply the 1-d reference transform `f` to every lane; result of x's shape.

    omit_nan: f sees the non-NaN values, NaN entries stay NaN.
    propagate: a lane holding NaN comes out all NaN.
    """
    x = np.asarray(x, dtype=np.float64)
    lanes, outer, axes = to_lanes(x, axis)
    res = np.empty_like(lanes)
    for i, lane in enumerate(lanes):
        nan = np.isnan(lane)
        if nan.any() and propagate:
            res[i] = np.nan
        elif omit_nan:
            res[i] = np.nan
            if (~nan).any():
                res[i][~nan] = f(lane[~nan])
        else:
            res[i] = f(lane)
    keep = [d for d in range(x.ndim) if d not in axes]
    moved_shape = tuple(x.shape[d] for d in keep) + tuple(x.shape[d] for d in axes)
    return res.reshape(moved_shape).transpose(np.argsort(keep + list(axes)))


# ---- 1-d reference implementations ---------------------------------------------


def ref_trimmed_mean(lane, lower, upper):
    """Sort and cut floor(p*n) per tail (R, SciPy); symmetric 0.5 is the median."""
    s = np.sort(lane)
    n = s.size
    if lower == 0.5 and upper == 0.5:
        return np.median(s)
    lo = int(np.floor(lower * n))
    hi = int(np.floor(upper * n))
    return np.mean(s[lo:n - hi])


def ref_var(lane, ddof=0):
    """Accurate two-pass variance: exact sums (math.fsum) of the deviations from
    the rounded mean, with the correction term for that rounding. NumPy's
    np.var loses digits on data with a large offset (1e12 + N(0, 1))."""
    import math

    lane = np.asarray(lane, dtype=np.float64)
    n = lane.size
    m = math.fsum(lane) / n
    d = lane - m
    return (math.fsum(d * d) - math.fsum(d) ** 2 / n) / (n - ddof)


def ref_winsorize(lane, lower, upper):
    """scipy.stats.mstats.winsorize(limits=(lower, upper)), inclusive=True."""
    w = st.mstats.winsorize(np.array(lane, dtype=np.float64), limits=(lower, upper))
    return np.asarray(w.data if np.ma.isMaskedArray(w) else w, dtype=np.float64)


def ref_mad(lane, center=None, scale=1.0):
    """robstat semantics: scale MULTIPLIES (SciPy divides by its numeric scale)."""
    if center is None:
        sc = "normal" if scale == "normal" else 1.0 / scale
        return st.median_abs_deviation(lane, scale=sc)
    s = MAD_NORMAL if scale == "normal" else scale
    return s * np.median(np.abs(lane - center))


def ref_iqr(lane, scale=1.0):
    sc = "normal" if scale == "normal" else 1.0 / scale
    return st.iqr(lane, scale=sc)


def ref_robust_z(lane):
    med = np.median(lane)
    m = np.median(np.abs(lane - med))
    with np.errstate(divide="ignore", invalid="ignore"):
        return (lane - med) / (MAD_NORMAL * m)


def ref_modified_z(lane):
    med = np.median(lane)
    m = np.median(np.abs(lane - med))
    with np.errstate(divide="ignore", invalid="ignore"):
        return MODIFIED_Z * (lane - med) / m


# ---- the functions under test, each with its oracle ----------------------------
# name -> (call(x, **kw), 1-d oracle or None, numpy oracle(x64, axis, keepdims) or None)


def _np_oracle(fn, **fixed):
    def oracle(x, axis, keepdims):
        return fn(x, axis=axis, keepdims=keepdims, **fixed)
    return oracle


REDUCTIONS = {
    "mean": (lambda x, **kw: robstat.mean(x, **kw), np.mean, _np_oracle(np.mean)),
    "var": (lambda x, **kw: robstat.var(x, **kw), np.var, _np_oracle(np.var)),
    "var_ddof1": (lambda x, **kw: robstat.var(x, 1, **kw),
                  lambda v: np.var(v, ddof=1), _np_oracle(np.var, ddof=1)),
    "std": (lambda x, **kw: robstat.std(x, **kw), np.std, _np_oracle(np.std)),
    "std_ddof1": (lambda x, **kw: robstat.std(x, ddof=1, **kw),
                  lambda v: np.std(v, ddof=1), _np_oracle(np.std, ddof=1)),
    "median": (lambda x, **kw: robstat.median(x, **kw), np.median, _np_oracle(np.median)),
    "trimmed_mean": (lambda x, **kw: robstat.trimmed_mean(x, **kw),
                     lambda v: st.trim_mean(v, 0.1), None),
    "trimmed_mean_0.25": (lambda x, **kw: robstat.trimmed_mean(x, 0.25, **kw),
                          lambda v: st.trim_mean(v, 0.25), None),
    "trimmed_mean_0.5": (lambda x, **kw: robstat.trimmed_mean(x, 0.5, **kw),
                         np.median, _np_oracle(np.median)),
    "trimmed_mean_asym": (lambda x, **kw: robstat.trimmed_mean(x, (0.1, 0.3), **kw),
                          lambda v: st.mstats.trimmed_mean(v, limits=(0.1, 0.3)), None),
    "trimmed_mean_upper_only": (lambda x, **kw: robstat.trimmed_mean(x, (0.0, 0.2), **kw),
                                lambda v: ref_trimmed_mean(v, 0.0, 0.2), None),
    "winsorized_mean": (lambda x, **kw: robstat.winsorized_mean(x, **kw),
                        lambda v: np.mean(ref_winsorize(v, 0.1, 0.1)), None),
    "winsorized_mean_asym": (lambda x, **kw: robstat.winsorized_mean(x, (0.05, 0.3), **kw),
                             lambda v: np.mean(ref_winsorize(v, 0.05, 0.3)), None),
    "mad": (lambda x, **kw: robstat.mad(x, **kw),
            lambda v: st.median_abs_deviation(v, scale="normal"), None),
    "mad_raw": (lambda x, **kw: robstat.mad(x, scale=1.0, **kw),
                lambda v: st.median_abs_deviation(v, scale=1.0), None),
    "mad_scale2.5": (lambda x, **kw: robstat.mad(x, scale=2.5, **kw),
                     lambda v: st.median_abs_deviation(v, scale=1 / 2.5), None),
    "mad_center": (lambda x, **kw: robstat.mad(x, center=0.25, scale=1.0, **kw),
                   lambda v: np.median(np.abs(v - 0.25)), None),
    "iqr": (lambda x, **kw: robstat.iqr(x, **kw), st.iqr, None),
    "iqr_normal": (lambda x, **kw: robstat.iqr(x, scale="normal", **kw),
                   lambda v: st.iqr(v, scale="normal"), None),
    "iqr_scale2": (lambda x, **kw: robstat.iqr(x, scale=2.0, **kw),
                   lambda v: st.iqr(v, scale=0.5), None),
}

# Reductions whose result is an order statistic (or a fixed combination of two):
# bit-exact reproducible whatever the memory layout.
ORDER_STAT_REDUCTIONS = ["median", "trimmed_mean_0.5", "mad_raw", "iqr"]

TRANSFORMS = {
    "winsorize": (lambda x, **kw: robstat.winsorize(x, **kw),
                  lambda v: ref_winsorize(v, 0.1, 0.1)),
    "winsorize_0.2": (lambda x, **kw: robstat.winsorize(x, 0.2, **kw),
                      lambda v: ref_winsorize(v, 0.2, 0.2)),
    "winsorize_asym": (lambda x, **kw: robstat.winsorize(x, (0.0, 0.25), **kw),
                       lambda v: ref_winsorize(v, 0.0, 0.25)),
    "robust_zscore": (lambda x, **kw: robstat.robust_zscore(x, **kw), ref_robust_z),
    "modified_zscore": (lambda x, **kw: robstat.modified_zscore(x, **kw), ref_modified_z),
}

QUANTILE_METHODS = ["linear", "lower", "higher", "midpoint", "nearest"]

# (shape, axis) combinations covering 0-d .. 3-d, every int axis, negative ints
# and tuples.
SHAPE_AXES = [
    ((), None),
    ((1,), None),
    ((7,), None),
    ((10,), 0),
    ((11,), -1),
    ((6, 9), None),
    ((6, 9), 0),
    ((6, 9), 1),
    ((6, 9), -1),
    ((6, 9), -2),
    ((6, 9), (0, 1)),
    ((6, 9), (-1, 0)),
    ((3, 4, 5), None),
    ((3, 4, 5), 0),
    ((3, 4, 5), 1),
    ((3, 4, 5), 2),
    ((3, 4, 5), -1),
    ((3, 4, 5), (0, 2)),
    ((3, 4, 5), (1, 2)),
    ((3, 4, 5), (2, 0)),
    ((3, 4, 5), (0, 1, 2)),
    ((3, 4, 5), (-3, -2)),
]


def shape_axis_id(p):
    shape, axis = p
    return f"{'x'.join(map(str, shape)) or '0d'}-ax{axis}".replace(" ", "")


def make_data(shape, dtype=np.float64, seed=0):
    """Continuous data with a few outliers (no ties)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    if x.size >= 5:
        flat = x.reshape(-1)
        idx = rng.choice(x.size, size=max(1, x.size // 10), replace=False)
        flat[idx] *= 50.0
    return np.asarray(x, dtype=dtype)


# ---- non-contiguous and unusual memory layouts ----------------------------------


def _record_field():
    rec = np.zeros(30, dtype=[("tag", "i1"), ("v", "f8")])  # itemsize 9: unaligned field
    rec["v"] = make_data((30,), seed=5)
    return rec["v"]


def _readonly(a):
    a = a.copy()
    a.flags.writeable = False
    return a


LAYOUTS = {
    "step_1d": lambda: make_data((41,))[::2],
    "reversed_1d": lambda: make_data((23,))[::-1],
    "neg_step_1d": lambda: make_data((40,))[::-3],
    "col_step_2d": lambda: make_data((6, 27))[:, ::3],
    "row_step_neg_col_2d": lambda: make_data((12, 9))[::2, ::-1],
    "transposed_2d": lambda: make_data((9, 6)).T,
    "fortran_2d": lambda: np.asfortranarray(make_data((6, 9))),
    "transposed_3d": lambda: make_data((3, 4, 5)).transpose(2, 0, 1),
    "sliced_3d": lambda: make_data((6, 8, 10))[1::2, ::-3, 2:9:2],
    "readonly_2d": lambda: _readonly(make_data((6, 9))),
    "readonly_view": lambda: _readonly(make_data((6, 18)))[:, ::2],
    "bigendian_f8": lambda: make_data((6, 9)).astype(">f8"),
    "bigendian_f4": lambda: make_data((6, 9)).astype(">f4"),
    "bigendian_f4_reversed": lambda: make_data((6, 9)).astype(">f4")[::-1, ::-2],
    "f4_strided": lambda: make_data((6, 36), np.float32)[:, ::4],
    "f4_fortran_reversed": lambda: np.asfortranarray(make_data((7, 9), np.float32))[::-1],
    "record_field_unaligned": _record_field,
    "broadcast_zero_stride": lambda: np.broadcast_to(make_data((9,)), (6, 9)),
    "int_strided": lambda: np.arange(60, dtype=np.int64).reshape(6, 10)[:, ::-3] % 7,
}


def layout_axes(x):
    return [None] + list(range(x.ndim)) + ([-1] if x.ndim > 1 else [])


# ---- assertions ----------------------------------------------------------------


def tolerances(dtype):
    if np.dtype(dtype) == np.float32:
        return dict(rtol=2e-6, atol=1e-6)
    if np.dtype(dtype) == np.float16:
        return dict(rtol=2e-3, atol=2e-3)
    return dict(rtol=1e-12, atol=1e-13)


def assert_result(got, expected, dtype, *, exact=False, scale=1.0, allow_0d_array=False):
    """Shape, dtype and values (NaN where expected NaN) of a robstat result.

    `dtype` is the expected result dtype; `scale` multiplies the absolute
    tolerance (the magnitude of the data).
    """
    got_arr = np.asarray(got)
    expected = np.asarray(expected, dtype=np.float64)
    assert got_arr.shape == expected.shape, (got_arr.shape, expected.shape)
    assert got_arr.dtype == np.dtype(dtype), (got_arr.dtype, dtype)
    if expected.ndim == 0 and not allow_0d_array:
        # reductions over everything return a NumPy scalar, as NumPy's do
        assert isinstance(got, np.generic), type(got)
    if exact:
        np.testing.assert_array_equal(got_arr.astype(np.float64), expected)
    else:
        tol = tolerances(dtype)
        np.testing.assert_allclose(got_arr.astype(np.float64), expected, rtol=tol["rtol"],
                                   atol=tol["atol"] * scale, equal_nan=True)


def result_dtype(in_dtype):
    in_dtype = np.dtype(in_dtype)
    if in_dtype.kind == "f":
        return in_dtype.newbyteorder("=")
    return np.dtype(np.float64)


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
