"""Public Python API of robstat: argument handling around the compiled core.

The compiled module ``robstat._core`` works on arrays whose last axis is the
one to reduce. This module validates arguments, applies the dtype rules, moves
the requested axes to the end (views, no copy), and turns empty or all-NaN
lanes into :class:`SmallSampleWarning`. It computes no statistic itself.
"""

from __future__ import annotations

import operator
import sys
import warnings
from collections.abc import Sequence
from types import FrameType
from typing import Any, Union

import numpy as np
import numpy.typing as npt

from . import _core

try:  # numpy >= 1.25
    # (the redundant alias re-exports it, for robstat.scipy)
    from numpy.exceptions import AxisError as AxisError  # noqa: PLC0414
except ImportError:  # pragma: no cover
    AxisError = np.AxisError  # type: ignore[attr-defined,misc]

__all__ = [
    "SmallSampleWarning",
    "iqr",
    "mad",
    "mean",
    "median",
    "modified_zscore",
    "quantile",
    "robust_zscore",
    "simd_arch",
    "std",
    "trimmed_mean",
    "var",
    "winsorize",
    "winsorized_mean",
]

Axis = Union[None, int, Sequence[int]]
Trim = Union[float, Sequence[float]]

MAD_NORMAL_SCALE = 1.482602218505602
"""1 / Phi^-1(3/4): the factor that makes the MAD estimate the normal sigma."""
IQR_NORMAL_SCALE = 0.7413011092528010
"""1 / (2 Phi^-1(3/4)): the factor that makes the IQR estimate the normal sigma."""


class SmallSampleWarning(RuntimeWarning):
    """Some input (or some slice along the reduced axes) was empty, or had no
    value left after omitting NaN; the corresponding results are NaN."""


def simd_arch() -> str:
    """Name of the SIMD instruction set robstat's kernels run with: ``"sse2"``,
    ``"avx2"`` or ``"avx512"``, the best this CPU supports, chosen at import
    (the environment variable ``ROBSTAT_FORCE_ARCH`` overrides the choice)."""
    return str(_core.simd_arch())


# ---- argument handling ---------------------------------------------------------


def _as_float_array(x: npt.ArrayLike, what: str = "input"
                    ) -> tuple[np.ndarray, np.dtype | None]:
    """The input as a native-endian float32/float64 array, without copying when
    it already is one. Returns (array, dtype to cast results back to or None).
    `what` names the argument in the error messages."""
    a = np.asarray(x)
    kind = a.dtype.kind
    cast_back = None
    if kind == "f":
        if a.dtype.itemsize == 2:  # float16: compute in float32, return float16
            cast_back = a.dtype
            a = a.astype(np.float32)
        elif a.dtype.itemsize > 8:
            raise TypeError(
                f"robstat does not support {a.dtype} {what}: converting it to float64 "
                "would silently lose precision; convert explicitly with .astype(np.float64)"
            )
    elif kind in "biu":
        a = a.astype(np.float64)
    else:
        raise TypeError(
            f"robstat needs real numbers: got {what} of dtype {a.dtype!r} "
            "(bool, integer and float dtypes are accepted)"
        )
    if not a.dtype.isnative:
        a = a.astype(a.dtype.newbyteorder("="))
    if any(s % a.itemsize for s in a.strides):
        a = np.array(a, copy=True)  # unaligned strides (e.g. a field of a record array)
    return a, cast_back


def _normalize_axes(axis: Axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (bool, np.bool_)):
        raise TypeError("axis must be None, an int or a tuple of ints (got a bool)")
    axes: tuple[Any, ...] = (axis,) if np.ndim(axis) == 0 else tuple(axis)  # type: ignore[arg-type]
    out = []
    for ax in axes:
        try:
            ax = operator.index(ax)
        except TypeError:
            raise TypeError(f"axis must be None, an int or a tuple of ints (got {ax!r})") from None
        if not -ndim <= ax < ndim:
            raise AxisError(f"axis {ax} is out of bounds for array of dimension {ndim}")
        ax %= ndim
        if ax in out:
            raise ValueError(f"axis contains a repeated axis ({ax})")
        out.append(ax)
    return tuple(out)


def _lanes(a: np.ndarray, axes: tuple[int, ...]) -> np.ndarray:
    """View (or, when the axes cannot be merged without one, copy) of `a` with
    the reduced axes merged into one last axis."""
    keep = [d for d in range(a.ndim) if d not in axes]
    moved = a.transpose(keep + list(axes))
    outer = tuple(a.shape[d] for d in keep)
    lane = 1
    for d in axes:
        lane *= a.shape[d]
    return moved.reshape(outer + (lane,))


def _check_policy(nan_policy: str) -> str:
    if nan_policy not in ("propagate", "omit", "raise"):
        raise ValueError(
            f"nan_policy must be 'propagate', 'omit' or 'raise' (got {nan_policy!r})"
        )
    return nan_policy


def _int_arg(value: Any, name: str, *, none_ok: bool = False) -> int:
    """An integer parameter: an int or anything with ``__index__``, never a bool
    (True is an int to Python, but a bool here is a caller's mistake)."""
    what = "None or an int" if none_ok else "an int"
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be {what} (got a bool)")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be {what} (got {value!r})") from None


def _workers(workers: int | None) -> int:
    """Validate the `workers` argument: None (one thread), a positive number of
    threads, or a negative number counting back from the CPUs (-1: all of them)."""
    if workers is None:
        return 1
    w = _int_arg(workers, "workers", none_ok=True)
    if w == 0:
        raise ValueError("workers must be a positive number of threads, or -1 for one per CPU "
                         "(-2 for all but one, ...); got 0")
    return w


def _caller_stacklevel() -> int:
    """stacklevel for a warnings.warn issued by the caller of this function:
    the first frame outside the robstat package (stacklevel 1 is the caller)."""
    frame: FrameType | None = sys._getframe(2)  # the caller's caller: stacklevel 2
    level = 2
    while frame is not None and frame.f_globals.get("__name__", "").startswith("robstat"):
        frame = frame.f_back
        level += 1
    return level


def _warn_small(n_small: int, n_lanes: int, what: str = "") -> None:
    if n_small:
        if n_lanes <= 1:
            msg = "The input is empty or has no value left after omitting NaN; the result is NaN"
        else:
            msg = (
                f"{n_small} of {n_lanes} slices are empty or have no value left after "
                "omitting NaN; their results are NaN"
            )
        warnings.warn(msg + what, SmallSampleWarning, stacklevel=_caller_stacklevel())


def _finish(out: np.ndarray, shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool,
            cast_back: np.dtype | None, post: Any = None) -> Any:
    if post is not None:
        out = post(out)
    if keepdims:
        out = out.reshape(tuple(1 if d in axes else n for d, n in enumerate(shape)))
    if cast_back is not None:
        out = out.astype(cast_back)
    return out if out.ndim else out[()]


def _reduce(fn: Any, x: npt.ArrayLike, axis: Axis, keepdims: bool, *args: Any,
            what: str = "", post: Any = None, workers: int | None = None) -> Any:
    w = _workers(workers)
    a, cast_back = _as_float_array(x)
    axes = _normalize_axes(axis, a.ndim)
    lanes = _lanes(a, axes)
    out, n_small = fn(lanes, *args, workers=w)
    _warn_small(n_small, int(np.prod(lanes.shape[:-1])), what)
    return _finish(out, a.shape, axes, keepdims, cast_back, post)


# The common call -- a 1-d native float64/float32 ndarray, whole-array reduction,
# default keepdims/workers -- skips the general normalisation (about 7 µs of the
# 9-13 µs a 1000-value call took) and goes straight to the kernel. Exact dtype
# objects: a byte-swapped or float16 array takes the general path.
_FAST_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))
_POLICIES = ("propagate", "omit", "raise")


def _fast_1d(x: Any, axis: Axis, keepdims: bool, workers: int | None, nan_policy: str) -> bool:
    return (type(x) is np.ndarray and axis is None and not keepdims and workers is None
            and x.ndim == 1 and x.dtype in _FAST_DTYPES and x.strides[0] % x.itemsize == 0
            and nan_policy in _POLICIES)


def _fast_reduce(fn: Any, x: npt.ArrayLike, *args: Any) -> Any:
    out, n_small = fn(x, *args, workers=1)
    _warn_small(n_small, 1)
    return out[()]


def _transform(fn: Any, x: npt.ArrayLike, axis: Axis, *args: Any,
               workers: int | None = None) -> np.ndarray:
    w = _workers(workers)
    a, cast_back = _as_float_array(x)
    axes = _normalize_axes(axis, a.ndim)
    lanes = _lanes(a, axes)
    out, n_small = fn(lanes, *args, workers=w)
    _warn_small(n_small, int(np.prod(lanes.shape[:-1])))
    # undo _lanes: split the merged axis, then put every axis back in place
    keep = [d for d in range(a.ndim) if d not in axes]
    moved_shape = tuple(a.shape[d] for d in keep) + tuple(a.shape[d] for d in axes)
    out = out.reshape(moved_shape).transpose(np.argsort(keep + list(axes)))
    out = np.ascontiguousarray(out).reshape(a.shape)  # (ascontiguousarray makes 0-d 1-d)
    return out.astype(cast_back) if cast_back is not None else out


class _DefaultFloat(float):
    """A float default that can be told apart from the same value passed
    explicitly (``trim`` and ``ntrim`` are mutually exclusive)."""

    __slots__ = ()


_TRIM_DEFAULT = _DefaultFloat(0.1)


def _is_number(v: Any) -> bool:
    if v is None or isinstance(v, (list, tuple, str, bytes, dict, set)):
        return False
    return np.ndim(v) == 0


def _trim_pair(trim: Trim, name: str) -> tuple[float, float]:
    """One trim specification: a number (both tails) or a (lower, upper) pair
    (None in a pair means 0)."""
    if trim is None:
        raise TypeError(f"{name} must be a number or a (lower, upper) pair (got None)")
    if _is_number(trim):
        if isinstance(trim, (bool, np.bool_)):
            raise TypeError(f"{name} must be a number or a (lower, upper) pair (got a bool)")
        p = float(trim)  # type: ignore[arg-type]
        return p, p
    if isinstance(trim, (list, np.ndarray)):
        raise ValueError(
            f"{name} takes one trim level here: a number or a (lower, upper) tuple "
            f"(got {type(trim).__name__} {trim!r}; only trimmed_mean and winsorized_mean take "
            "a list of levels)")
    pair = tuple(trim)  # type: ignore[arg-type]
    if len(pair) != 2 or not all(v is None or _is_number(v) for v in pair):
        raise ValueError(f"{name} must be a number or a (lower, upper) pair (got {trim!r})")
    lower, upper = (0.0 if v is None else float(v) for v in pair)
    return lower, upper


def _count(v: Any, name: str) -> int:
    if isinstance(v, (bool, np.bool_)):
        raise TypeError(f"{name} takes whole numbers of values (got a bool)")
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(f"{name} takes whole numbers of values (ints), got {v!r}; "
                        "use the proportion argument for fractions") from None


def _count_pair(ntrim: Any, name: str) -> tuple[float, float]:
    """One count specification: an int (both tails) or a (low, high) pair of ints."""
    if _is_number(ntrim):
        g = _count(ntrim, name)
        return float(g), float(g)
    if isinstance(ntrim, (list, np.ndarray)):
        raise ValueError(f"{name} takes one level here: an int or a (low, high) tuple "
                         f"(got {type(ntrim).__name__} {ntrim!r})")
    pair = tuple(ntrim)
    if len(pair) != 2 or not all(_is_number(v) for v in pair):
        raise ValueError(f"{name} must be an int or a (low, high) pair of ints (got {ntrim!r})")
    return float(_count(pair[0], name)), float(_count(pair[1], name))


def _trim_spec(trim: Any, ntrim: Any, name: str, count_name: str
               ) -> tuple[float, float, bool]:
    """(lower, upper, by_count) of one level given as a proportion or as counts."""
    if ntrim is not None:
        if trim is not _TRIM_DEFAULT:
            raise TypeError(f"give either {name} (proportions) or {count_name} (counts), not both")
        return (*_count_pair(ntrim, count_name), True)
    return (*_trim_pair(trim, name), False)


def _trim_levels(trim: Any, ntrim: Any, name: str, count_name: str
                 ) -> tuple[list[tuple[float, float]], bool, bool]:
    """Levels of a multi-level call: (levels, by_count, scalar).

    A number or a tuple is ONE level (a tuple must be a (lower, upper) pair of
    numbers); a list or a 1-d array is a sequence of levels, each a number or a
    (lower, upper) pair; a 2-d array of shape (k, 2) is k pairs. `scalar` says
    whether the result has no levels axis.
    """
    by_count = ntrim is not None
    if by_count and trim is not _TRIM_DEFAULT:
        raise TypeError(f"give either {name} (proportions) or {count_name} (counts), not both")
    spec = ntrim if by_count else trim
    one = _count_pair if by_count else _trim_pair
    label = count_name if by_count else name
    if _is_number(spec) or isinstance(spec, tuple):
        if isinstance(spec, tuple) and (
                len(spec) != 2 or any(not (v is None or _is_number(v)) for v in spec)):
            raise ValueError(
                f"{label}={spec!r}: a tuple is one (lower, upper) pair of numbers; pass several "
                "levels as a list, e.g. [0.05, (0.1, 0.2)]")
        return [one(spec, label)], by_count, True
    if isinstance(spec, np.ndarray):
        if spec.ndim == 2 and spec.shape[1] == 2:
            items: list[Any] = [tuple(row) for row in spec.tolist()]
        elif spec.ndim == 1:
            items = spec.tolist()
        else:
            raise ValueError(f"{label} as an array must be 1-d (levels) or of shape (k, 2) "
                             f"((lower, upper) pairs); got shape {spec.shape}")
    elif isinstance(spec, list):
        items = spec
    else:
        raise TypeError(f"{label} must be a number, a (lower, upper) tuple, or a list of levels "
                        f"(got {type(spec).__name__})")
    levels = []
    for item in items:
        if not (_is_number(item) or isinstance(item, (tuple, list))):
            raise ValueError(f"each level of {label} must be a number or a (lower, upper) pair "
                             f"(got {item!r})")
        levels.append(one(tuple(item) if isinstance(item, list) else item, label))
    return levels, by_count, False


def _levels_reduce(fn: Any, x: npt.ArrayLike, levels: list[tuple[float, float]], by_count: bool,
                   scalar: bool, axis: Axis, nan_policy: str, keepdims: bool,
                   workers: int | None, what: str) -> Any:
    """Run a multi-level core function; the levels axis first (as quantile's q axis)."""
    w = _workers(workers)
    a, cast_back = _as_float_array(x)
    axes = _normalize_axes(axis, a.ndim)
    lanes = _lanes(a, axes)
    out, n_small = fn(lanes, levels, by_count, _check_policy(nan_policy), workers=w)
    _warn_small(n_small, int(np.prod(lanes.shape[:-1])), what if by_count else "")
    out = np.moveaxis(out, -1, 0)
    if keepdims:
        out = out.reshape(out.shape[:1] + tuple(1 if d in axes else n
                                                for d, n in enumerate(a.shape)))
    if scalar:
        out = out[0]
    if cast_back is not None:
        out = out.astype(cast_back)
    return out if out.ndim else out[()]


def _scale_value(scale: str | float, normal: float) -> float:
    if isinstance(scale, str):
        if scale != "normal":
            raise ValueError(f"scale must be 'normal' or a positive number (got {scale!r})")
        return normal
    return float(scale)


# ---- weights (shared by every weighted function) --------------------------------


def _as_weights(weights: npt.ArrayLike) -> np.ndarray:
    """The weights as a native-endian float32/float64 array (the dtype rules of
    the data: bools and integers become float64, float16 float32)."""
    return _as_float_array(weights, "weights")[0]


def _weighted_inputs(x: npt.ArrayLike, weights: npt.ArrayLike, axis: Axis
                     ) -> tuple[np.ndarray, np.ndarray, np.dtype | None, tuple[int, ...]]:
    """Data, weights of the data's dtype and shape (a broadcast view when the
    weights are 1-d along `axis`), the dtype to cast results back to, and the
    normalized axes.

    Precision: the weights are never rounded. float32 data is computed as
    unweighted float32 data (float32 selection, double accumulation) when its
    weights are float32, or float64/integer/bool weights that float32 holds
    exactly (small counts, dyadic fractions): then integer weights reproduce
    the float32 results on repeated data bit for bit. Otherwise (weights such
    as 0.1 in float64) it is computed in float64 (the data converts exactly)
    and the result rounded to float32 once."""
    a, cast_back = _as_float_array(x)
    w = _as_weights(weights)
    if a.dtype != w.dtype:
        if a.dtype == np.float32:
            w32 = w.astype(np.float32)
            if np.array_equal(w32, w, equal_nan=True):
                w = w32
            else:  # float32 would round the weights: compute in float64
                if cast_back is None:
                    cast_back = a.dtype
                a = a.astype(np.float64)
        else:  # float64 data, float32 weights: exact
            w = w.astype(np.float64)
    axes = _normalize_axes(axis, a.ndim)
    if w.shape != a.shape:
        if axis is None or w.ndim != 1 or len(axes) != 1:
            raise ValueError(
                f"weights must have the shape of x {a.shape}, or be 1-d along a single "
                f"integer axis (got weights of shape {w.shape} with axis={axis!r})"
            )
        if w.shape[0] != a.shape[axes[0]]:
            raise ValueError(
                f"weights of length {w.shape[0]} do not match axis {axes[0]} of x, "
                f"of length {a.shape[axes[0]]}"
            )
        shape = [1] * a.ndim
        shape[axes[0]] = -1
        w = np.broadcast_to(w.reshape(shape), a.shape)
    return a, w, cast_back, axes


def _weighted_call(fn: Any, x: npt.ArrayLike, weights: npt.ArrayLike, axis: Axis,
                   *args: Any, workers: int | None) -> tuple[Any, tuple[int, ...],
                                                             tuple[int, ...], np.dtype | None]:
    """Runs a weighted _core function over the lanes of x and its weights.
    Returns (raw result, x's shape, the reduced axes, dtype to cast back to)."""
    nw = _workers(workers)
    a, w, cast_back, axes = _weighted_inputs(x, weights, axis)
    lanes = _lanes(a, axes)
    wlanes = _lanes(w, axes)
    out, n_small = fn(lanes, wlanes, *args, workers=nw)
    _warn_small(n_small, int(np.prod(lanes.shape[:-1])))
    return out, a.shape, axes, cast_back


def _one_weighted_level(levels: list[tuple[float, float]], by_count: bool, scalar: bool,
                        name: str) -> tuple[float, float]:
    """The single (lower, upper) proportion a weighted trimmed/winsorized mean takes."""
    if by_count or not scalar:
        raise ValueError(f"with weights=, {name} must be one proportion (a number or a "
                         "(lower, upper) tuple): several levels and counts per tail are not "
                         "available for weighted means")
    return levels[0]


def _weighted_reduce(fn: Any, x: npt.ArrayLike, weights: npt.ArrayLike, axis: Axis,
                     keepdims: bool, *args: Any, workers: int | None = None) -> Any:
    out, shape, axes, cast_back = _weighted_call(fn, x, weights, axis, *args, workers=workers)
    return _finish(out, shape, axes, keepdims, cast_back)


# ---- reductions ------------------------------------------------------------------


def mean(x: npt.ArrayLike, *, axis: Axis = None, weights: npt.ArrayLike | None = None,
         nan_policy: str = "propagate", keepdims: bool = False,
         workers: int | None = None) -> Any:
    """Arithmetic mean with a compensated (Neumaier) SIMD sum.

    Parameters
    ----------
    x : array_like
        Input data (bool, integer or float; float32 stays float32).
    axis : None, int or tuple of ints
        Axes to reduce; None reduces all of them.
    weights : array_like or None
        Frequency weights, ``sum(w * x) / sum(w)`` (compensated). Same shape
        as `x`, or 1-d along a single integer `axis` (as
        :func:`numpy.average`); finite and >= 0 with a positive sum in every
        slice (``ValueError`` otherwise, under every `nan_policy`). A value
        with weight 0 is absent (never read, even NaN). docs/weighted.md.
    nan_policy : {"propagate", "omit", "raise"}
        NaN handling: NaN result, ignore NaN, or raise ValueError.
    keepdims : bool
        Keep the reduced axes with length one.
    workers : None or int
        Threads over the slices (the lanes of the result): None or 1 runs on
        the calling thread, -1 uses one thread per CPU (-2 all but one, ...).
        Threads start only when there are several slices and enough data;
        the result does not depend on the number of workers. Every robstat
        reduction and transform takes this argument.
    """
    if weights is None and _fast_1d(x, axis, keepdims, workers, nan_policy):
        return _fast_reduce(_core.mean, x, nan_policy)
    if weights is not None:
        return _weighted_reduce(_core.weighted_mean, x, weights, axis, keepdims,
                                _check_policy(nan_policy), workers=workers)
    return _reduce(_core.mean, x, axis, keepdims, _check_policy(nan_policy), workers=workers)


def var(x: npt.ArrayLike, ddof: float = 0, *, axis: Axis = None,
        nan_policy: str = "propagate", keepdims: bool = False,
        workers: int | None = None) -> Any:
    """Variance, two-pass and compensated: sum((x - mean)**2) / (n - ddof).

    n - ddof <= 0 gives NaN and a :class:`SmallSampleWarning`.
    """
    return _var(x, ddof, axis, nan_policy, keepdims, None, workers)


def std(x: npt.ArrayLike, ddof: float = 0, *, axis: Axis = None,
        nan_policy: str = "propagate", keepdims: bool = False,
        workers: int | None = None) -> Any:
    """Standard deviation: ``sqrt(var(x, ddof))``, finite and nonzero whenever the
    exact value is (also when the variance overflows, or underflows to 0)."""
    return _var(x, ddof, axis, nan_policy, keepdims, _core.std, workers)


def _var(x: npt.ArrayLike, ddof: float, axis: Axis, nan_policy: str, keepdims: bool,
         fn: Any = None, workers: int | None = None) -> Any:
    if not np.isfinite(ddof) or ddof < 0:
        raise ValueError(f"ddof must be a finite number >= 0 (got {ddof!r})")
    return _reduce(fn or _core.var, x, axis, keepdims, float(ddof), _check_policy(nan_policy),
                   what=f" (or have no more than ddof={ddof} values)", workers=workers)


def median(x: npt.ArrayLike, *, axis: Axis = None, weights: npt.ArrayLike | None = None,
           nan_policy: str = "propagate", keepdims: bool = False,
           workers: int | None = None) -> Any:
    """Median (the mean of the two middle values when n is even, computed
    without overflow: the median of 1e308 and 1.5e308 is 1.25e308).

    weights : array_like or None
        Frequency weights (shape rules of :func:`mean`): integer weights give
        exactly the median of the values repeated that many times. For real
        weights: the mean of the weighted sample's quantile function over the
        unit window of weight centred on ``W/2`` (``W`` the total weight), so
        the result moves continuously with the weights; the weights' scale
        matters, as it does for repetition (docs/weighted.md).
    """
    if weights is None and _fast_1d(x, axis, keepdims, workers, nan_policy):
        return _fast_reduce(_core.median, x, nan_policy)
    if weights is not None:
        return _weighted_reduce(_core.weighted_median, x, weights, axis, keepdims,
                                _check_policy(nan_policy), workers=workers)
    return _reduce(_core.median, x, axis, keepdims, _check_policy(nan_policy), workers=workers)


def quantile(x: npt.ArrayLike, q: npt.ArrayLike, *, axis: Axis = None,
             weights: npt.ArrayLike | None = None, method: str = "linear",
             nan_policy: str = "propagate", keepdims: bool = False,
             workers: int | None = None) -> Any:
    """Quantiles ``q`` (in [0, 1]) along the given axes, as :func:`numpy.quantile`.

    Parameters
    ----------
    method : {"linear", "lower", "higher", "midpoint", "nearest"}
        ``"linear"`` is Hyndman-Fan type 7 (R's and NumPy's default).
    weights : array_like or None
        Frequency weights (shape rules of :func:`mean`), every method:
        integer weights give exactly the quantile of the values repeated that
        many times. Real weights: the methods read the weighted sample's
        quantile function on the unit window ``[q (W-1), q (W-1) + 1]``
        (``W`` the total weight; all of ``[0, W]`` when ``W < 1``); "linear"
        is its mean there (continuous in the weights), "lower"/"higher" its
        ends, "nearest" its centre. The weights' scale matters, as it does for
        repetition; NumPy's ``method="inverted_cdf"`` weights are the
        scale-free alternative (docs/weighted.md).

    The result has shape ``q.shape + reduced shape``; all quantiles of a slice
    come from one selection.
    """
    qa = np.asarray(q, dtype=np.float64)
    if qa.ndim > 1:
        raise ValueError(f"q must be a number or a 1-d sequence (got shape {qa.shape})")
    if weights is not None:
        out, shape, axes, cast_back = _weighted_call(
            _core.weighted_quantile, x, weights, axis, qa.ravel().tolist(), method,
            _check_policy(nan_policy), workers=workers)
        return _quantile_finish(out, qa, shape, axes, keepdims, cast_back)
    w = _workers(workers)
    a, cast_back = _as_float_array(x)
    axes = _normalize_axes(axis, a.ndim)
    lanes = _lanes(a, axes)
    out, n_small = _core.quantile(lanes, qa.ravel().tolist(), method, _check_policy(nan_policy),
                                  workers=w)
    _warn_small(n_small, int(np.prod(lanes.shape[:-1])))
    return _quantile_finish(out, qa, a.shape, axes, keepdims, cast_back)


def _quantile_finish(out: np.ndarray, qa: np.ndarray, shape: tuple[int, ...],
                     axes: tuple[int, ...], keepdims: bool, cast_back: np.dtype | None) -> Any:
    out = np.moveaxis(out, -1, 0)  # the q axis first, as numpy.quantile
    if keepdims:
        out = out.reshape(out.shape[:1] + tuple(1 if d in axes else n
                                                for d, n in enumerate(shape)))
    if qa.ndim == 0:
        out = out[0]
    if cast_back is not None:
        out = out.astype(cast_back)
    return out if out.ndim else out[()]


def trimmed_mean(x: npt.ArrayLike, trim: Any = _TRIM_DEFAULT, *, ntrim: Any = None,
                 weights: npt.ArrayLike | None = None, axis: Axis = None,
                 nan_policy: str = "propagate", keepdims: bool = False,
                 workers: int | None = None) -> Any:
    """Trimmed mean: cut ``g = floor(p * n)`` values from each tail, average the rest.

    Parameters
    ----------
    trim : float, (lower, upper) tuple, or list of levels
        One proportion for both tails (0 <= trim <= 0.5; 0.5 gives the median),
        or a ``(lower, upper)`` tuple with lower + upper < 1. A **list** (or 1-d
        array) is several levels, each a number or a (lower, upper) pair:
        ``trimmed_mean(x, [0.05, 0.1, 0.2])`` returns one value per level,
        stacked on a leading axis (as :func:`quantile` stacks its q axis), all
        from one selection and each equal to the single-level call. A tuple is
        always one pair: ``(0.1, 0.2)`` trims 10 % below and 20 % above, while
        ``[0.1, 0.2]`` is two symmetric levels; a tuple holding anything but two
        numbers is an error.
    ntrim : int, (low, high) tuple of ints, or list of levels
        Cut exactly this many values from each tail instead of a proportion
        (mutually exclusive with ``trim``). A slice with ``n <= low + high``
        values gives NaN and a :class:`SmallSampleWarning`.
    weights : array_like, optional
        Frequency weights (as :func:`mean`): ``floor(p * W)`` units of weight
        are cut from each tail, a value straddling a cut keeps the part of its
        weight inside; integer weights give the trimmed mean of the repeated
        values (docs/weighted.md). One proportion level only.

    The other arguments are those of :func:`mean`. Matches R's ``mean(x, trim)``
    and ``scipy.stats.trim_mean`` (docs/trimmed.md).
    """
    if (weights is None and ntrim is None and type(trim) in (float, _DefaultFloat)
            and _fast_1d(x, axis, keepdims, workers, nan_policy)):
        return _fast_reduce(_core.trimmed_mean, x, float(trim), float(trim), nan_policy)
    levels, by_count, scalar = _trim_levels(trim, ntrim, "trim", "ntrim")
    if weights is not None:
        lower, upper = _one_weighted_level(levels, by_count, scalar, "trim")
        return _weighted_reduce(_core.weighted_trimmed_mean, x, weights, axis, keepdims, lower,
                                upper, _check_policy(nan_policy), workers=workers)
    if scalar and not by_count:
        lower, upper = levels[0]
        return _reduce(_core.trimmed_mean, x, axis, keepdims, lower, upper,
                       _check_policy(nan_policy), workers=workers)
    return _levels_reduce(_core.trimmed_means, x, levels, by_count, scalar, axis, nan_policy,
                          keepdims, workers, " (or have no more values than ntrim cuts)")


def winsorized_mean(x: npt.ArrayLike, limits: Any = _TRIM_DEFAULT, *, nlimits: Any = None,
                    weights: npt.ArrayLike | None = None, axis: Axis = None,
                    nan_policy: str = "propagate", keepdims: bool = False,
                    workers: int | None = None) -> Any:
    """Winsorized mean: the mean after :func:`winsorize` with the same limits.

    Parameters
    ----------
    limits : float, (lower, upper) tuple, or list of levels (lower + upper < 1)
        As ``trim`` of :func:`trimmed_mean`: a list gives one value per level on
        a leading axis, from one selection.
    nlimits : int, (low, high) tuple of ints, or list of levels
        Replace exactly this many values of each tail (exclusive with ``limits``).
    weights : array_like, optional
        Frequency weights: the lowest and highest ``floor(p * W)`` units of
        weight take the nearest kept value (docs/weighted.md). One level only.
    """
    levels, by_count, scalar = _trim_levels(limits, nlimits, "limits", "nlimits")
    if weights is not None:
        lower, upper = _one_weighted_level(levels, by_count, scalar, "limits")
        return _weighted_reduce(_core.weighted_winsorized_mean, x, weights, axis, keepdims, lower,
                                upper, _check_policy(nan_policy), workers=workers)
    if scalar and not by_count:
        lower, upper = levels[0]
        return _reduce(_core.winsorized_mean, x, axis, keepdims, lower, upper,
                       _check_policy(nan_policy), workers=workers)
    return _levels_reduce(_core.winsorized_means, x, levels, by_count, scalar, axis, nan_policy,
                          keepdims, workers, " (or have no more values than nlimits replaces)")


def mad(x: npt.ArrayLike, *, center: float | None = None, scale: str | float = "normal",
        axis: Axis = None, weights: npt.ArrayLike | None = None,
        nan_policy: str = "propagate", keepdims: bool = False,
        workers: int | None = None) -> Any:
    """Median absolute deviation, ``scale * median(|x - center|)``.

    center : float or None
        The centre (default: the median of each slice).
    scale : "normal" or float
        A multiplier. ``"normal"`` is 1/Phi^-1(3/4) = 1.482602218505602 (a
        consistent estimate of the normal sigma); ``1.0`` gives the raw MAD;
        ``1.4826`` reproduces R's ``mad()``. (SciPy *divides* by its scale.)
    weights : array_like or None
        Frequency weights (shape rules of :func:`mean`): ``scale`` times the
        weighted median of ``|x - center|`` with the same weights, the centre
        the weighted median unless given. Integer weights give exactly the MAD
        of the repeated values.
    """
    s = _scale_value(scale, MAD_NORMAL_SCALE)
    c = None if center is None else float(center)
    if weights is not None:
        return _weighted_reduce(_core.weighted_mad, x, weights, axis, keepdims, c, s,
                                _check_policy(nan_policy), workers=workers)
    return _reduce(_core.mad, x, axis, keepdims, c, s, _check_policy(nan_policy),
                   workers=workers)


def iqr(x: npt.ArrayLike, *, scale: str | float = 1.0, axis: Axis = None,
        nan_policy: str = "propagate", keepdims: bool = False,
        workers: int | None = None) -> Any:
    """Interquartile range ``Q3 - Q1`` (linear quantiles) times ``scale``
    (``"normal"`` = 1/(2 Phi^-1(3/4)) estimates the normal sigma)."""
    s = _scale_value(scale, IQR_NORMAL_SCALE)
    return _reduce(_core.iqr, x, axis, keepdims, s, _check_policy(nan_policy), workers=workers)


# ---- transforms ------------------------------------------------------------------


def winsorize(x: npt.ArrayLike, limits: Any = _TRIM_DEFAULT, *, nlimits: Any = None,
              axis: Axis = None, nan_policy: str = "propagate",
              workers: int | None = None) -> np.ndarray:
    """Winsorize: in each slice, the ``floor(p * n)`` lowest values become the
    lowest kept value and the ``floor(p * n)`` highest the highest kept value.

    Returns a new array of the input's shape (the input is never modified).

    Parameters
    ----------
    limits : float or (lower, upper)
        Each >= 0 with lower + upper < 1.
    nlimits : int or (low, high) tuple of ints
        Replace exactly this many values of each tail instead (exclusive with
        ``limits``); a slice with ``n <= low + high`` values comes out all NaN
        with a :class:`SmallSampleWarning`.

    NaN: under "propagate" a slice holding NaN comes out all NaN; under
    "omit" the cut points ignore NaN and NaN entries stay NaN.
    """
    lower, upper, by_count = _trim_spec(limits, nlimits, "limits", "nlimits")
    fn = _core.winsorize_counts if by_count else _core.winsorize
    return _transform(fn, x, axis, lower, upper, _check_policy(nan_policy), workers=workers)


def robust_zscore(x: npt.ArrayLike, *, axis: Axis = None,
                  nan_policy: str = "propagate", workers: int | None = None) -> np.ndarray:
    """Robust z-score ``(x - median) / (1.482602218505602 * MAD)``.

    With MAD = 0 the scores are +-inf (and NaN where x equals the median).
    """
    return _transform(_core.robust_zscore, x, axis, _check_policy(nan_policy), workers=workers)


def modified_zscore(x: npt.ArrayLike, *, axis: Axis = None,
                    nan_policy: str = "propagate", workers: int | None = None) -> np.ndarray:
    """Iglewicz-Hoaglin modified z-score ``0.6745 * (x - median) / MAD``
    (values beyond 3.5 in absolute value are the usual outlier cutoff)."""
    return _transform(_core.modified_zscore, x, axis, _check_policy(nan_policy),
                      workers=workers)
