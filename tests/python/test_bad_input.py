"""Invalid input: unsupported dtypes (TypeError), invalid parameters
(ValueError naming the parameter), axes (AxisError / ValueError / TypeError),
nan_policy. Validation happens whatever the data (even empty or all-NaN)."""

from __future__ import annotations

import numpy as np
import pytest
import robstat
from conftest import REDUCTIONS, TRANSFORMS

try:
    from numpy.exceptions import AxisError
except ImportError:  # pragma: no cover
    AxisError = np.AxisError

ALL_CALLS = {**{n: REDUCTIONS[n][0] for n in REDUCTIONS},
             **{n: TRANSFORMS[n][0] for n in TRANSFORMS},
             "quantile": lambda x, **kw: robstat.quantile(x, [0.25, 0.5], **kw)}
NAMES = sorted(ALL_CALLS)
REDUCTION_NAMES = sorted(REDUCTIONS) + ["quantile"]


def _x():
    return np.arange(12.0).reshape(3, 4)


# ---- dtypes ---------------------------------------------------------------------------

BAD_DTYPE_INPUTS = {
    "complex128": lambda: np.arange(6.0) + 1j,
    "complex64": lambda: (np.arange(6.0) + 1j).astype(np.complex64),
    "object": lambda: np.array([1.0, 2.0, 3.0], dtype=object),
    "str": lambda: np.array(["1", "2", "3"]),
    "bytes": lambda: np.array([b"1", b"2"]),
    "datetime": lambda: np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]"),
    "timedelta": lambda: np.array([1, 2], dtype="timedelta64[s]"),
    "python_strings": lambda: ["a", "b"],
    "python_complex": lambda: [1 + 2j, 3.0],
}


@pytest.mark.parametrize("kind", sorted(BAD_DTYPE_INPUTS))
@pytest.mark.parametrize("name", NAMES)
def test_unsupported_dtype_is_type_error(name, kind):
    with pytest.raises(TypeError):
        ALL_CALLS[name](BAD_DTYPE_INPUTS[kind]())


@pytest.mark.skipif(np.finfo(np.longdouble).bits <= 64,
                    reason="long double is double on this platform")
@pytest.mark.parametrize("name", NAMES)
def test_longdouble_is_type_error(name):
    with pytest.raises(TypeError, match="(?i)float64|precision|longdouble|float128"):
        ALL_CALLS[name](np.arange(5, dtype=np.longdouble))


def test_object_array_of_numbers_is_still_rejected():
    # an object array is never silently converted, even when it holds numbers
    with pytest.raises(TypeError):
        robstat.median(np.array([1, 2, 3], dtype=object))


# ---- trim / limits ----------------------------------------------------------------------

BAD_TRIMS = [-0.1, 0.51, 1.0, 2.0, np.nan, np.inf, -np.inf, (0.5, 0.5000001), (0.6, 0.4),
             (0.7, 0.5), (-0.1, 0.2), (0.2, -0.1), (0.0, 1.0), (1.0, 0.0), (np.nan, 0.1),
             (0.1, np.inf)]


@pytest.mark.parametrize("trim", BAD_TRIMS, ids=repr)
def test_invalid_trim(trim):
    for x in (_x(), np.array([]), np.full(4, np.nan)):
        with pytest.raises(ValueError, match="trim"):
            robstat.trimmed_mean(x, trim)
    with pytest.raises(ValueError, match="trim"):
        robstat.trimmed_mean(_x(), trim=trim, axis=1, nan_policy="omit")


@pytest.mark.parametrize("trim", [(0.1, 0.2, 0.3), (0.1,), ()], ids=repr)
def test_trim_sequence_of_wrong_length(trim):
    with pytest.raises(ValueError, match="trim"):
        robstat.trimmed_mean(_x(), trim)


BAD_LIMITS = [-0.1, 0.5, 0.51, 1.0, np.nan, np.inf, (0.5, 0.5), (0.6, 0.4), (0.0, 1.0),
              (1.0, 0.0), (-0.01, 0.1), (0.1, -0.01), (np.nan, 0.0)]


@pytest.mark.parametrize("limits", BAD_LIMITS, ids=repr)
def test_invalid_limits(limits):
    for x in (_x(), np.array([])):
        with pytest.raises(ValueError, match="limits"):
            robstat.winsorize(x, limits)
        with pytest.raises(ValueError, match="limits"):
            robstat.winsorized_mean(x, limits)
    with pytest.raises(ValueError, match="limits"):
        robstat.winsorize(_x(), limits=limits, axis=0)


@pytest.mark.parametrize("limits", [(0.1, 0.2, 0.3), (0.2,)], ids=repr)
def test_limits_sequence_of_wrong_length(limits):
    with pytest.raises(ValueError, match="limits"):
        robstat.winsorize(_x(), limits)
    with pytest.raises(ValueError, match="limits"):
        robstat.winsorized_mean(_x(), limits)


def test_valid_boundary_trims():
    x = np.arange(10.0)
    assert robstat.trimmed_mean(x, 0.5) == 4.5  # the median
    assert robstat.trimmed_mean(x, (0.0, 0.999)) == 0.0  # floor(9.99) = 9 cut
    assert robstat.trimmed_mean(x, (0.999, 0.0)) == 9.0
    assert robstat.trimmed_mean(x, (0.45, 0.45)) == 4.5
    assert robstat.trimmed_mean(x, (0.5, 0.5)) == 4.5  # the pair form of 0.5
    assert robstat.trimmed_mean(x[:9], 0.5) == 4.0
    assert robstat.winsorized_mean(x, (0.0, 0.999)) == 0.0
    assert robstat.winsorized_mean(x, (0.49, 0.5)) == 4.0  # 4 low + 5 high: all become x(4)
    # None in a pair means no trimming on that side
    assert robstat.trimmed_mean(x, (None, 0.2)) == robstat.trimmed_mean(x, (0.0, 0.2))


def test_trim_accepts_numpy_scalars_and_arrays():
    x = np.arange(10.0)
    assert robstat.trimmed_mean(x, np.float32(0.2)) == robstat.trimmed_mean(x, 0.2)
    # a tuple is one (lower, upper) pair; a list or 1-d array is several levels
    # (docs/trimmed.md), an (k, 2) array k pairs
    assert robstat.trimmed_mean(x, np.array([[0.1, 0.3]]))[0] == robstat.trimmed_mean(x, (0.1, 0.3))
    assert robstat.trimmed_mean(x, [(0.1, 0.3)])[0] == robstat.trimmed_mean(x, (0.1, 0.3))
    np.testing.assert_array_equal(robstat.trimmed_mean(x, np.array([0.1, 0.3])),
                                  [robstat.trimmed_mean(x, 0.1), robstat.trimmed_mean(x, 0.3)])


# ---- quantile --------------------------------------------------------------------------------


@pytest.mark.parametrize("q", [-0.01, 1.01, np.nan, np.inf, [0.5, 1.5], [0.2, np.nan],
                               [-1e-300, 0.5]], ids=repr)
def test_invalid_q(q):
    for x in (_x(), np.array([])):
        with pytest.raises(ValueError, match="q"):
            robstat.quantile(x, q)


def test_q_must_be_at_most_1d():
    with pytest.raises(ValueError, match="q"):
        robstat.quantile(_x(), [[0.1, 0.2], [0.3, 0.4]])


@pytest.mark.parametrize("method", ["inverted_cdf", "Linear", "", "median", "weibull"])
def test_invalid_quantile_method(method):
    with pytest.raises(ValueError, match="method"):
        robstat.quantile(_x(), 0.5, method=method)


# ---- scale, center, ddof ---------------------------------------------------------------------


@pytest.mark.parametrize("scale", [0.0, -1.0, np.nan, np.inf, -np.inf, "Normal", "raw", ""],
                         ids=repr)
def test_invalid_scale(scale):
    for f in (robstat.mad, robstat.iqr):
        for x in (_x(), np.array([])):
            with pytest.raises(ValueError, match="scale"):
                f(x, scale=scale)


def test_valid_scales():
    x = np.array([1.0, 2.0, 4.0, 8.0, 9.0])
    assert robstat.mad(x, scale=1.0) == 3.0
    assert robstat.mad(x, scale=2) == 6.0
    assert robstat.mad(x, scale=np.float32(0.5)) == 1.5
    assert robstat.mad(x) == robstat.mad(x, scale="normal") == 1.482602218505602 * 3.0
    assert robstat.iqr(x, scale=1.0) == 6.0
    assert robstat.iqr(x, scale="normal") == 0.7413011092528010 * 6.0
    assert robstat.iqr(x) == 6.0  # default scale=1.0


@pytest.mark.parametrize("ddof", [-1, -0.5, np.nan, np.inf])
def test_invalid_ddof(ddof):
    for f in (robstat.var, robstat.std):
        with pytest.raises(ValueError, match="ddof"):
            f(_x(), ddof=ddof)


# ---- nan_policy -------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["Propagate", "OMIT", "ignore", "", None, 1])
@pytest.mark.parametrize("name", NAMES)
def test_invalid_nan_policy(name, policy):
    with pytest.raises(ValueError, match="nan_policy"):
        ALL_CALLS[name](_x(), nan_policy=policy)
    # also when the data has no NaN to apply it to, and when it is empty
    with pytest.raises(ValueError, match="nan_policy"):
        ALL_CALLS[name](np.array([]), nan_policy=policy)


@pytest.mark.parametrize("name", NAMES)
def test_nan_raise_message(name):
    with pytest.raises(ValueError, match="(?i)nan"):
        ALL_CALLS[name](np.array([1.0, np.nan, 3.0]), nan_policy="raise")
    with pytest.raises(ValueError, match="(?i)nan"):
        ALL_CALLS[name](np.array([1.0, np.nan, 3.0], dtype=np.float32), nan_policy="raise")


# ---- axis -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_axis_out_of_range(name):
    call = ALL_CALLS[name]
    for axis in (2, -3, (0, 2), (5,)):
        with pytest.raises(AxisError):
            call(_x(), axis=axis)
    with pytest.raises(AxisError):
        call(np.arange(3.0), axis=1)
    with pytest.raises(AxisError):
        call(np.float64(1.0), axis=0)  # a 0-d array has no axis 0
    assert issubclass(AxisError, ValueError)
    with pytest.raises(ValueError):
        call(_x(), axis=2)


@pytest.mark.parametrize("name", NAMES)
def test_axis_repeated(name):
    for axis in ((0, 0), (1, -1), (-2, 0, 1)):
        with pytest.raises(ValueError, match="axis"):
            ALL_CALLS[name](_x(), axis=axis)


@pytest.mark.parametrize("name", NAMES)
def test_axis_wrong_type(name):
    for axis in (1.0, "0", (0, 1.5), True):
        with pytest.raises(TypeError):
            ALL_CALLS[name](_x(), axis=axis)


@pytest.mark.parametrize("name", NAMES)
def test_axis_numpy_integers_and_lists(name):
    call = ALL_CALLS[name]
    x = np.arange(24.0).reshape(2, 3, 4) ** 1.5
    ref = call(x, axis=(0, 2))
    np.testing.assert_array_equal(call(x, axis=[0, 2]), ref)
    np.testing.assert_array_equal(call(x, axis=(np.int64(0), np.int32(-1))), ref)
    np.testing.assert_array_equal(call(x, axis=np.array([0, 2])), ref)
    # the same axes in another order: the same values, summed in another order
    np.testing.assert_allclose(call(x, axis=(2, 0)), ref, rtol=1e-15, atol=0)
    np.testing.assert_array_equal(call(x, axis=np.intp(1)), call(x, axis=1))


@pytest.mark.parametrize("name", REDUCTION_NAMES)
def test_empty_axis_tuple_reduces_nothing(name):
    # NumPy: axis=() reduces no axis, each element is its own slice
    x = np.arange(6.0).reshape(2, 3)
    if name in ("var_ddof1", "std_ddof1"):
        with pytest.warns(robstat.SmallSampleWarning):  # n = 1 <= ddof
            got = ALL_CALLS[name](x, axis=())
        assert np.isnan(got).all()
    else:
        got = ALL_CALLS[name](x, axis=())
    expected_shape = x.shape if name != "quantile" else (2,) + x.shape
    assert np.shape(got) == expected_shape
    if name in ("mean", "median", "trimmed_mean", "winsorized_mean", "quantile"):
        np.testing.assert_array_equal(got, np.broadcast_to(x, expected_shape))
    if name in ("var", "std", "mad", "mad_raw", "iqr"):
        np.testing.assert_array_equal(got, np.zeros_like(x))


# ---- keyword-only arguments (API contract) ------------------------------------------------------


def test_keyword_only_arguments():
    x = _x()
    with pytest.raises(TypeError):
        robstat.mean(x, 0)  # axis is keyword-only
    with pytest.raises(TypeError):
        robstat.median(x, 0)
    with pytest.raises(TypeError):
        robstat.mad(x, None)  # center is keyword-only
    with pytest.raises(TypeError):
        robstat.trimmed_mean(x, 0.1, 0)
    with pytest.raises(TypeError):
        robstat.quantile(x, 0.5, 0)
    with pytest.raises(TypeError):
        robstat.winsorize(x, 0.1, 0)
    # positional trim / limits / q / ddof are allowed
    robstat.trimmed_mean(x, 0.2)
    robstat.winsorized_mean(x, 0.2)
    robstat.winsorize(x, 0.2)
    robstat.quantile(x, 0.2)
    robstat.var(x, 1)
    robstat.std(x, 1)
