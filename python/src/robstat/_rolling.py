"""Rolling (moving-window) robust statistics: median, quantile, trimmed mean,
MAD and the Hampel filter.

The maths is in include/robstat/rolling.hpp (docs/rolling.md); this module
validates the arguments and moves the rolling axis to the end.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from . import _core
from ._api import (
    MAD_NORMAL_SCALE,
    _check_policy,
    _int_arg,
    _normalize_axes,
    _scale_value,
    _transform,
    _trim_pair,
)

__all__ = [
    "RollingZscoreResult",
    "rolling_mad",
    "rolling_median",
    "rolling_quantile",
    "rolling_robust_zscore",
    "rolling_trimmed_mean",
]

_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")

_COMMON_DOC = """
    min_periods : int or None
        Fewest non-NaN values a window needs for a result; fewer give NaN.
        None (default) means ``window`` (pandas' default). ``0`` is accepted
        (pandas allows it) and acts as ``1``: an empty window has no value.
        Must be in ``[0, window]``.
    center : bool
        False (default): the window of output ``t`` is the trailing
        ``[t - window + 1, t]``. True: pandas' centred window
        ``[t - window + 1 + r, t + r]`` with ``r = (window - 1) // 2`` (for an
        even window the extra value is on the left, as pandas).
        Windows are clipped at the ends of the data.
    axis : int
        The axis along which the window slides (default the last); every
        other position is an independent series.
    nan_policy : {"omit", "propagate", "raise"}
        "omit" (default, pandas' rule): NaN values are skipped and do not count
        towards ``min_periods``. "propagate": a window holding a NaN gives NaN.
        "raise": ``ValueError`` if the input holds a NaN.
    workers : int or None
        Threads over the independent series (see ``robstat.mean``); the result
        does not depend on it.
"""


def _window(window: Any) -> int:
    w = _int_arg(window, "window")
    if w < 1:
        raise ValueError(f"window must be >= 1 (got {w})")
    return w


def _min_periods(min_periods: Any, window: int) -> int | None:
    if min_periods is None:
        return None
    mp = _int_arg(min_periods, "min_periods", none_ok=True)
    if not 0 <= mp <= window:
        raise ValueError(f"min_periods must be in [0, window] (got min_periods={mp}, "
                         f"window={window})")
    return mp


def _axis(axis: Any, ndim: int) -> int:
    if axis is None or np.ndim(axis) != 0:
        raise TypeError(f"axis must be an int for a rolling window (got {axis!r})")
    return _normalize_axes(axis, max(ndim, 1))[0]


def _rolling(fn: Any, x: npt.ArrayLike, window: Any, min_periods: Any, center: bool,
             axis: Any, nan_policy: str, workers: int | None, *args: Any) -> np.ndarray:
    w = _window(window)
    mp = _min_periods(min_periods, w)
    policy = _check_policy(nan_policy)
    a = np.asarray(x)
    if a.ndim == 0:
        raise ValueError("rolling functions need at least one dimension (got a scalar)")
    ax = _axis(axis, a.ndim)

    def call(lanes: np.ndarray, *, workers: int) -> Any:
        return fn(lanes, w, *args, mp, bool(center), policy, workers=workers)

    return _transform(call, a, ax, workers=workers)


def rolling_median(x: npt.ArrayLike, window: int, *, min_periods: int | None = None,
                   center: bool = False, axis: int = -1, nan_policy: str = "omit",
                   workers: int | None = None) -> np.ndarray:
    """Moving median.

    ``out[t]`` is the median of the non-NaN values in the window of ``t``
    (the mean of the two middle values for an even count, computed without
    overflow), exactly ``robstat.median`` of that window. This is pandas'
    ``Series.rolling(window, min_periods, center).median()`` and, for a
    trailing window, ``bottleneck.move_median(x, window, min_count)``.

    Parameters
    ----------
    x : array_like
        float32 gives float32; integers and bools give float64. Never modified.
    window : int
        Window length (>= 1; it may exceed the data length).
    %(common)s
    Returns
    -------
    ndarray of the input's shape.

    Notes
    -----
    O(log w) per value (a sort of blocks of ``window`` values) plus O(1)
    amortised per step; see docs/rolling.md.
    """
    return _rolling(_core.rolling_median, x, window, min_periods, center, axis, nan_policy,
                    workers)


def rolling_quantile(x: npt.ArrayLike, window: int, q: float, *, method: str = "linear",
                     min_periods: int | None = None, center: bool = False, axis: int = -1,
                     nan_policy: str = "omit", workers: int | None = None) -> np.ndarray:
    """Moving quantile.

    ``out[t]`` is ``robstat.quantile(window values, q, method=method)`` over
    the non-NaN values of the window of ``t``: pandas'
    ``Series.rolling(window, min_periods, center).quantile(q,
    interpolation=method)``.

    Parameters
    ----------
    q : float
        Probability in [0, 1].
    method : {"linear", "lower", "higher", "midpoint", "nearest"}
        NumPy's definitions (``"nearest"`` rounds half to even, as NumPy).
    %(common)s"""
    if method not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, _METHODS))} "
                         f"(got {method!r})")
    if isinstance(q, (bool, np.bool_)) or np.ndim(q) != 0:
        raise TypeError(f"q must be one number (got {q!r})")
    qf = float(q)
    if not 0.0 <= qf <= 1.0:
        raise ValueError(f"q must be in [0, 1] (got {q!r})")
    return _rolling(_core.rolling_quantile, x, window, min_periods, center, axis, nan_policy,
                    workers, qf, method)


def rolling_trimmed_mean(x: npt.ArrayLike, window: int, trim: Any = 0.1, *,
                         min_periods: int | None = None, center: bool = False, axis: int = -1,
                         nan_policy: str = "omit", workers: int | None = None) -> np.ndarray:
    """Moving trimmed mean.

    Of the ``c`` non-NaN values in the window of ``t``, the ``floor(lower c)``
    smallest and ``floor(upper c)`` largest are cut and the rest averaged:
    ``robstat.trimmed_mean(window values, trim)`` (R's and SciPy's
    ``trim_mean`` rule, applied to each window). No pandas or bottleneck
    function computes it (pandas needs ``rolling().apply(scipy.stats.trim_mean)``).

    The sums are exact to about one rounding whatever passed through the
    window before: a huge value (1e300) that entered and left the window
    leaves no trace (docs/rolling.md, "Accuracy").

    Parameters
    ----------
    trim : float or (lower, upper)
        Proportion cut from each tail, ``0 <= trim < 0.5`` (use
        :func:`rolling_median` for 0.5); or a ``(lower, upper)`` pair with
        ``lower + upper < 1``.
    %(common)s"""
    lower, upper = _trim_pair(trim, "trim")
    if not (np.isfinite(lower) and np.isfinite(upper) and lower >= 0 and upper >= 0
            and lower + upper < 1):
        raise ValueError(f"trim must be >= 0 with lower + upper < 1 (0 <= trim < 0.5 when "
                         f"symmetric; 0.5 is rolling_median) (got {trim!r})")
    return _rolling(_core.rolling_trimmed_mean, x, window, min_periods, center, axis,
                    nan_policy, workers, lower, upper)


def rolling_mad(x: npt.ArrayLike, window: int, *, scale: str | float = "normal",
                min_periods: int | None = None, center: bool = False, axis: int = -1,
                nan_policy: str = "omit", workers: int | None = None) -> np.ndarray:
    """Moving median absolute deviation.

    ``out[t] = scale * median(|v - m|)`` over the non-NaN values ``v`` of the
    window of ``t``, ``m`` their median: exactly ``robstat.mad(window values,
    scale=scale)``. As :func:`robstat.mad`, ``scale="normal"`` multiplies by
    1/Phi^-1(3/4) = 1.482602218505602 and ``scale=1.0`` gives the raw MAD.
    Equivalent to pandas' ``rolling().apply(scipy.stats.median_abs_deviation)``
    (with SciPy's *divisor* convention for a numeric scale), without the
    per-window sort. A window whose median is infinite gives NaN.

    Parameters
    ----------
    x : array_like
        float32 gives float32; integers and bools give float64. Never modified.
    window : int
        Window length (>= 1; it may exceed the data length).
    scale : "normal" or float
        The multiplier of the raw MAD (as :func:`robstat.mad`).
    %(common)s"""
    s = _scale_value(scale, MAD_NORMAL_SCALE)
    if not (np.isfinite(s) and s > 0):
        raise ValueError(f"scale must be 'normal' or a finite number > 0 (got {scale!r})")
    return _rolling(_core.rolling_mad, x, window, min_periods, center, axis, nan_policy,
                    workers, s)


class RollingZscoreResult:
    """Result of :func:`rolling_robust_zscore` (the Hampel filter).

    Attributes
    ----------
    zscore : ndarray (the input's shape and result dtype)
        ``(x - center) / scale``; NaN where ``x`` is NaN or the window has
        fewer than ``min_periods`` values; ``+-inf`` / NaN where the window's
        MAD is 0 (IEEE division, as :func:`robstat.robust_zscore`).
    outlier : ndarray of bool
        ``|zscore| > threshold`` (False where the z-score is NaN).
    threshold : float
    center : ndarray
        The window medians (:func:`rolling_median`, computed on first access).
    scale : ndarray
        ``1.482602218505602 * MAD`` of each window (:func:`rolling_mad`,
        computed on first access).
    filtered : ndarray
        The Hampel filter's output: ``x`` with every outlier replaced by its
        window median.

    ``center`` and ``scale`` are exactly the values the z-scores were computed
    from (the same code computes them).
    """

    def __init__(self, x: np.ndarray, zscore: np.ndarray, threshold: float,
                 call: dict[str, Any]) -> None:
        self._x = x
        self.zscore = zscore
        self.threshold = threshold
        with np.errstate(invalid="ignore"):
            self.outlier = np.abs(zscore) > threshold
        self._call = call

    @cached_property
    def center(self) -> np.ndarray:
        return rolling_median(self._x, **self._call)

    @cached_property
    def scale(self) -> np.ndarray:
        return rolling_mad(self._x, **self._call)

    @cached_property
    def filtered(self) -> np.ndarray:
        x = np.asarray(self._x)
        base = x.astype(self.zscore.dtype) if x.dtype != self.zscore.dtype else x.copy()
        return np.where(self.outlier, self.center, base)

    def __repr__(self) -> str:
        return (f"RollingZscoreResult(shape={self.zscore.shape}, dtype={self.zscore.dtype}, "
                f"threshold={self.threshold!r}, n_outliers={int(np.count_nonzero(self.outlier))})")


def rolling_robust_zscore(x: npt.ArrayLike, window: int, *, threshold: float = 3.5,
                          min_periods: int | None = None, center: bool = False,
                          axis: int = -1, nan_policy: str = "omit",
                          workers: int | None = None) -> RollingZscoreResult:
    """Hampel filter: robust z-scores of each value against its window.

    ``zscore[t] = (x[t] - m) / (1.482602218505602 * MAD)`` with ``m`` and MAD
    the median and raw MAD of the non-NaN values of the window of ``t``
    (``x[t]`` included, as in the Hampel identifier); ``outlier`` flags
    ``|zscore| > threshold``. The default threshold 3.5 is robstat's
    robust-z-score cutoff (DESIGN.md); MATLAB's ``hampel`` and sktime's
    ``HampelFilter`` use 3 (pass ``threshold=3``), usually with
    ``center=True``.

    Parameters
    ----------
    threshold : float
        Finite, >= 0.
    %(common)s
    Returns
    -------
    RollingZscoreResult
        ``.zscore``, ``.outlier``, ``.center``, ``.scale``, ``.filtered``.
    """
    if isinstance(threshold, (bool, np.bool_)) or np.ndim(threshold) != 0:
        raise TypeError(f"threshold must be a number (got {threshold!r})")
    t = float(threshold)
    if not (np.isfinite(t) and t >= 0):
        raise ValueError(f"threshold must be finite and >= 0 (got {threshold!r})")
    z = _rolling(_core.rolling_zscore, x, window, min_periods, center, axis, nan_policy,
                 workers)
    a = np.asarray(x)
    call = dict(window=window, min_periods=min_periods, center=center, axis=axis,
                nan_policy=nan_policy, workers=workers)
    return RollingZscoreResult(a, z, t, call)


for _f in (rolling_median, rolling_quantile, rolling_trimmed_mean, rolling_mad,
           rolling_robust_zscore):
    _f.__doc__ = (_f.__doc__ or "").replace("    %(common)s", _COMMON_DOC.strip("\n") + "\n")
del _f
