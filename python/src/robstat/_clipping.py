"""Sigma clipping and outlier rules: every value labelled, none dropped.

The maths is in include/robstat/clipping.hpp and outlier_rules.hpp; this module
handles the arguments and builds the result objects.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from . import _core
from ._api import (
    Axis,
    _as_float_array,
    _check_policy,
    _int_arg,
    _lanes,
    _normalize_axes,
    _warn_small,
    _workers,
)

__all__ = ["OutlierResult", "SigmaClipResult", "outliers", "sigma_clip"]

OUTLIER_METHODS = ("mad", "iqr", "sigma_clip", "adjbox")


def _unlanes(lanes_out: np.ndarray, shape: tuple[int, ...], axes: tuple[int, ...]) -> np.ndarray:
    """Undo robstat._api._lanes for an array of per-value results."""
    keep = [d for d in range(len(shape)) if d not in axes]
    moved_shape = tuple(shape[d] for d in keep) + tuple(shape[d] for d in axes)
    out = lanes_out.reshape(moved_shape).transpose(np.argsort(keep + list(axes)))
    return np.ascontiguousarray(out).reshape(shape)


def _per_lane(v: np.ndarray, cast: Any) -> Any:
    v = v.astype(cast) if cast is not None else v
    return v if v.ndim else v[()]


def _fmt(v: Any) -> str:
    a = np.asarray(v)
    if a.ndim == 0:
        return repr(a.item())
    return f"<array {a.shape} {a.dtype}>"


class _LabelledResult:
    labels: npt.NDArray[np.int8]
    nan: npt.NDArray[np.bool_]
    _x: np.ndarray

    @property
    def mask(self) -> np.ndarray:
        """True where a value was flagged (label -1 or +1)."""
        return np.not_equal(self.labels, 0)

    @property
    def kept(self) -> np.ndarray:
        """True where a value is neither flagged nor NaN."""
        return np.equal(self.labels, 0) & ~self.nan

    @property
    def data(self) -> np.ma.MaskedArray:
        """The input as a masked array, masked where flagged or NaN (astropy's
        ``sigma_clip`` output)."""
        return np.ma.MaskedArray(self._x, mask=~self.kept)


class SigmaClipResult(_LabelledResult):
    """Result of :func:`robstat.sigma_clip`.

    Attributes
    ----------
    labels : ndarray of int8, the input's shape
        -1 clipped low (x < lower), +1 clipped high (x > upper), 0 otherwise
        (kept, or NaN under ``nan_policy="omit"``; see ``nan``).
    mask : ndarray of bool
        ``labels != 0`` (astropy's mask is ``mask | nan``).
    nan : ndarray of bool
        True where the input is NaN.
    kept : ndarray of bool
        Neither clipped nor NaN.
    data : numpy.ma.MaskedArray
        The input masked where not kept.
    lower, upper, center, scale : float or ndarray (the reduced shape)
        The bounds of the last iteration and the centre and scale they came
        from (``lower = center - low * scale``, ``upper = center + high * scale``).
    n_iter : int or ndarray
        Iterations done (each computes the bounds once).
    converged : bool or ndarray
        Whether the last iteration clipped nothing.
    """

    def __init__(self, x: np.ndarray, labels: np.ndarray, nan: np.ndarray, lower: Any,
                 upper: Any, center: Any, scale: Any, n_iter: Any, converged: Any) -> None:
        self._x = x
        self.labels = labels
        self.nan = nan
        self.lower = lower
        self.upper = upper
        self.center = center
        self.scale = scale
        self.n_iter = n_iter
        self.converged = converged

    def __repr__(self) -> str:
        n_low = int(np.count_nonzero(self.labels < 0))
        n_high = int(np.count_nonzero(self.labels > 0))
        return (
            f"SigmaClipResult(shape={self.labels.shape}, n_low={n_low}, n_high={n_high}, "
            f"n_nan={int(np.count_nonzero(self.nan))}, lower={_fmt(self.lower)}, "
            f"upper={_fmt(self.upper)}, center={_fmt(self.center)}, "
            f"scale={_fmt(self.scale)}, n_iter={_fmt(self.n_iter)}, "
            f"converged={_fmt(self.converged)})"
        )


class OutlierResult(_LabelledResult):
    """Result of :func:`robstat.outliers`.

    Attributes
    ----------
    labels : ndarray of int8, the input's shape
        -1 low outlier, +1 high outlier, 0 otherwise (also for NaN; see ``nan``).
    mask : ndarray of bool
        True for outliers (``labels != 0``).
    nan : ndarray of bool
        True where the input is NaN.
    lower, upper : float or ndarray (the reduced shape)
        The fences.
    method : str
    threshold : float
        The threshold used (the method's default when None was given).
    n_low, n_high : int or ndarray (the reduced shape)
        Outliers below / above the fences, per slice.
    """

    def __init__(self, x: np.ndarray, labels: np.ndarray, nan: np.ndarray, lower: Any,
                 upper: Any, method: str, threshold: float, n_low: Any, n_high: Any) -> None:
        self._x = x
        self.labels = labels
        self.nan = nan
        self.lower = lower
        self.upper = upper
        self.method = method
        self.threshold = threshold
        self.n_low = n_low
        self.n_high = n_high

    def __repr__(self) -> str:
        return (
            f"OutlierResult(method={self.method!r}, threshold={self.threshold!r}, "
            f"shape={self.labels.shape}, n_low={_fmt(self.n_low)}, "
            f"n_high={_fmt(self.n_high)}, n_nan={int(np.count_nonzero(self.nan))}, "
            f"lower={_fmt(self.lower)}, upper={_fmt(self.upper)})"
        )


def _run_labels(fn: Any, x: npt.ArrayLike, axis: Axis, nq: int, *args: Any,
                workers: int | None) -> tuple[Any, ...]:
    w = _workers(workers)
    a, cast_back = _as_float_array(x)
    axes = _normalize_axes(axis, a.ndim)
    lanes = _lanes(a, axes)
    out, n_small = fn(lanes, *args, workers=w)
    n_lanes = int(np.prod(lanes.shape[:-1]))
    n = lanes.shape[-1]
    # empty slices have NaN bounds (reductions): warn as robstat's reductions do
    _warn_small(n_lanes if n == 0 else n_small, n_lanes)
    lab = out[..., :n].astype(np.int8)
    labels = _unlanes(lab, a.shape, axes)
    stats = out[..., n:]
    nan = np.isnan(a) if a.dtype.kind == "f" else np.zeros(a.shape, dtype=bool)
    return a, cast_back, lab, labels, nan, stats


def sigma_clip(x: npt.ArrayLike, low: float = 3.0, high: float = 3.0, *,
               maxiters: int | None = None, center: str = "median", scale: str = "mad_std",
               axis: Axis = None, nan_policy: str = "propagate",
               workers: int | None = None) -> SigmaClipResult:
    """Iterative sigma clipping, as ``astropy.stats.sigma_clip``.

    Repeats: ``c = center(S)``, ``s = scale(S)``, clip the values of ``S``
    below ``c - low * s`` or above ``c + high * s`` (strictly: a value equal
    to a bound is kept), until an iteration clips nothing, ``maxiters``
    iterations were done, or nothing is left. Every value is then labelled
    against the last bounds. This is
    ``astropy.stats.sigma_clip(x, sigma_lower=low, sigma_upper=high,
    maxiters=maxiters, cenfunc=center, stdfunc=scale, axis=axis,
    return_bounds=True)`` (bounds to 1e-12 relative; identical masks for
    median/mad_std), computed after one partial ordering of a copy.

    Parameters
    ----------
    x : array_like
    low, high : float
        Multipliers of the scale for the lower and upper bound (finite, >= 0;
        astropy silently turns 0 into its default 3).
    maxiters : int or None
        At most this many iterations (>= 1); None or a negative number: until
        an iteration clips nothing (astropy's default is 5; its 0 also means
        "until convergence", here 0 is a ValueError).
    center : {"median", "mean"}
    scale : {"mad_std", "std"}
        ``1.482602218505602 * median(|x - median|)`` or the standard
        deviation (ddof 0), each about its own centre whatever ``center`` is
        (as astropy).
    axis : None, int or tuple of ints
        Clip each slice along these axes independently (None: all values).
    nan_policy : {"propagate", "omit", "raise"}
        "propagate": a slice holding NaN gets NaN bounds and every label 0;
        "omit": NaN values are left out (label 0, ``nan`` True);
        "raise": ValueError. +-inf are never used and always clipped
        (label -1 / +1), as astropy does.
    workers : None or int
        Threads over the slices.

    Returns
    -------
    SigmaClipResult
    """
    if maxiters is None:
        mi = -1
    else:
        mi = _int_arg(maxiters, "maxiters", none_ok=True)
        mi = -1 if mi < 0 else mi
    a, cast_back, _, labels, nan, stats = _run_labels(
        _core.sigma_clip, x, axis, 6, float(low), float(high), mi, str(center), str(scale),
        _check_policy(nan_policy), workers=workers)
    cast = cast_back
    return SigmaClipResult(
        a, labels, nan,
        _per_lane(stats[..., 0], cast), _per_lane(stats[..., 1], cast),
        _per_lane(stats[..., 2], cast), _per_lane(stats[..., 3], cast),
        _per_lane(stats[..., 4].astype(np.int64), None),
        _per_lane(stats[..., 5] != 0, None))


def outliers(x: npt.ArrayLike, method: str = "mad", threshold: float | None = None, *,
             axis: Axis = None, nan_policy: str = "propagate",
             workers: int | None = None) -> OutlierResult:
    """Flag outliers with a rule; every value gets a label, none is dropped.

    Methods (``threshold`` default in brackets):

    ``"mad"`` (3.5)
        ``|robust_zscore(x)| > threshold`` (strict), i.e. outside
        ``median -+ threshold * 1.482602218505602 * MAD``. The labels are
        computed from the same z-scores as :func:`robstat.robust_zscore`, so
        the two always agree; the fences are reported for information.
        MAD = 0: every value different from the median is an outlier.
    ``"iqr"`` (1.5)
        Tukey's fences ``Q1 - k IQR`` and ``Q3 + k IQR`` with linear (type 7,
        NumPy's default) quartiles; outliers are strictly outside. R's
        ``boxplot.stats`` uses Tukey's hinges instead of quartiles, so its
        fences differ slightly for small n (docs/clip.md).
    ``"sigma_clip"`` (3)
        :func:`robstat.sigma_clip` with ``low = high = threshold``, median and
        mad_std, until convergence; +-inf are always outliers.
    ``"adjbox"`` (1.5)
        The medcouple-adjusted boxplot fences of Hubert and Vandervieren
        (2008) with ``coef = threshold``, ``a = -4``, ``b = 3``, exactly as R
        robustbase's ``adjboxStats`` (Tukey's hinges as quartiles; see
        :func:`robstat.medcouple` and docs/medcouple.md): for right-skewed data
        the upper fence moves out and the lower one in, so a skewed tail is
        not flagged wholesale. Outliers are strictly outside.

    ``mad``, ``iqr`` and ``adjbox`` treat +-inf as ordinary values. NaN: as
    :func:`sigma_clip` (label 0 and ``nan`` True under "omit"; NaN fences and
    labels 0 for a slice holding NaN under "propagate").

    Returns
    -------
    OutlierResult
    """
    if threshold is not None:
        threshold = float(threshold)
    a, cast_back, lab, labels, nan, stats = _run_labels(
        _core.outliers, x, axis, 2, str(method), threshold, _check_policy(nan_policy),
        workers=workers)
    t = float(_core.default_outlier_threshold(method)) if threshold is None else threshold
    n_low = np.count_nonzero(lab < 0, axis=-1)
    n_high = np.count_nonzero(lab > 0, axis=-1)
    return OutlierResult(
        a, labels, nan,
        _per_lane(stats[..., 0], cast_back), _per_lane(stats[..., 1], cast_back),
        str(method), t, _per_lane(np.asarray(n_low), None), _per_lane(np.asarray(n_high), None))
