"""M-estimators of location and scale: Huber (fixed scale, exact; weighted),
Huber's proposal 2 (joint location and scale), Tukey's biweight location,
midvariance and scale. Argument handling only; the maths is in
include/robstat/m_estimators.hpp (docs/mest.md)."""

from __future__ import annotations

import math
import warnings
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from . import _core
from ._api import (
    Axis,
    _as_float_array,
    _caller_stacklevel,
    _check_policy,
    _finish,
    _int_arg,
    _lanes,
    _normalize_axes,
    _reduce,
    _warn_small,
    _weighted_reduce,
    _workers,
)

__all__ = [
    "ConvergenceWarning",
    "HuberResult",
    "biweight_location",
    "biweight_midvariance",
    "biweight_scale",
    "huber",
    "huber_joint",
]


class ConvergenceWarning(RuntimeWarning):
    """An iterative estimator stopped at its iteration limit before meeting its
    tolerance; the result holds the last iterate and ``converged=False``."""


class HuberResult(NamedTuple):
    """Result of :func:`huber_joint` (Huber's proposal 2).

    Scalars for a single slice, arrays of the reduced shape otherwise.
    """

    location: Any
    """Huber M-estimate of location."""
    scale: Any
    """Huber's proposal 2 scale (consistent for the normal sigma)."""
    converged: Any
    """False where the iteration limit was reached first (or the slice was empty)."""
    n_iter: Any
    """Number of updates computed."""


def _positive(v: Any, name: str) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number (got {v!r})") from None
    if not (math.isfinite(f) and f > 0):
        raise ValueError(f"{name} must be finite and > 0 (got {v!r})")
    return f


def _optional_number(v: Any, name: str) -> float | None:
    if v is None:
        return None
    if np.ndim(v) != 0:
        raise ValueError(f"{name} must be None or a single number (got an array of shape "
                         f"{np.shape(v)})")
    try:
        return float(v)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be None or a real number (got {v!r})") from None


def _huber_scale(scale: Any) -> float | None:
    s = _optional_number(scale, "scale")
    if s is not None and not (math.isfinite(s) and s >= 0):
        raise ValueError(f"scale must be finite and >= 0 (got {scale!r})")
    return s


# ---- Huber -------------------------------------------------------------------------


def huber(x: npt.ArrayLike, k: float = 1.5, *, scale: float | None = None,
          weights: npt.ArrayLike | None = None, axis: Axis = None,
          nan_policy: str = "propagate", keepdims: bool = False,
          workers: int | None = None) -> Any:
    """Huber M-estimate of location with a fixed scale, solved exactly.

    The root ``mu`` of ``sum_i w_i psi((x_i - mu) / s) = 0`` with
    ``psi(u) = max(-k, min(k, u))``. psi is piecewise linear, so the root is
    found exactly (the linear piece holding it, then its linear equation), not
    iterated to a tolerance.

    Parameters
    ----------
    x : array_like
        Input data (float32 stays float32; integers and bools give float64).
    k : float
        Tuning constant, > 0 (1.5: about 96 % efficiency at the normal).
    scale : float or None
        The fixed scale ``s`` (finite, >= 0). Default: the normal-consistent
        MAD, ``1.482602218505602 * median(|x - median(x)|)`` (R's ``mad()``
        rounds the constant to 1.4826). ``s = 0`` (also a MAD of 0) gives the
        median, as ``robustbase::huberM``.
    weights : array_like or None
        Frequency weights (finite, >= 0), the shape of ``x`` or 1-d along a
        single integer ``axis`` (as every robstat ``weights=``): integer
        weights give the result of repeating each value that many times.
        The default scale is then the normal-consistent weighted MAD
        (``robstat.mad(x, weights=...)``). Zero-weight values are ignored.
    axis, nan_policy, keepdims, workers
        As for :func:`robstat.mean`.

    Notes
    -----
    When the root is an interval (no value within ``k s`` of it: the
    weights above and below balance exactly), the midpoint of the interval
    is returned; for unweighted data that is the median, which is what
    ``huberM`` converges to. Matches ``robustbase::huberM(x, k, s=scale)``
    (to its tolerance: it iterates) to 1e-12 relative. ``+-inf`` values are
    clipped like any value beyond ``k s``.
    """
    kk = _positive(k, "k")
    s = _huber_scale(scale)
    policy = _check_policy(nan_policy)
    if weights is None:
        return _reduce(_core.huber, x, axis, keepdims, kk, s, policy, workers=workers)
    return _weighted_reduce(_core.huber_weighted, x, weights, axis, keepdims, kk, s, policy,
                            workers=workers)


def huber_joint(x: npt.ArrayLike, k: float = 1.5, *, tol: float = 1e-10, maxiter: int = 100,
                axis: Axis = None, nan_policy: str = "propagate", keepdims: bool = False,
                workers: int | None = None) -> HuberResult:
    """Huber's proposal 2: joint M-estimate of location and scale.

    Iterated as ``MASS::hubers(x, k)``: from ``mu = median``, ``s = MAD``
    (normal-consistent), repeat ``y = clip(x, mu - k s, mu + k s)``,
    ``mu1 = mean(y)``, ``s1 = sqrt(sum((y - mu1)**2) / ((n - 1) beta))``
    with ``beta = E[psi_k(Z)^2]`` for a standard normal ``Z``, until
    ``|mu1 - mu| < tol s`` and ``|s1 - s| < tol s``.

    Parameters
    ----------
    k : float
        Tuning constant, > 0.
    tol : float
        Relative tolerance (> 0) of the stopping rule above.
    maxiter : int
        Iteration limit (>= 1). MASS::hubers stops silently after 30; here
        reaching the limit is reported (``converged=False``) and warned about
        with :class:`ConvergenceWarning`.
    axis, nan_policy, keepdims, workers
        As for :func:`robstat.mean`.

    Returns
    -------
    HuberResult
        ``location``, ``scale``, ``converged`` (bool), ``n_iter`` (int):
        scalars for one slice, arrays of the reduced shape otherwise.
        A MAD of 0 (n = 1, constant data) gives ``(median, 0)``, converged
        after 0 iterations, as MASS. An empty slice gives NaN, NaN, False, 0
        and a :class:`robstat.SmallSampleWarning`.
    """
    kk = _positive(k, "k")
    t = _positive(tol, "tol")
    mi = _int_arg(maxiter, "maxiter")
    if mi < 1:
        raise ValueError(f"maxiter must be >= 1 (got {maxiter!r})")
    policy = _check_policy(nan_policy)
    w = _workers(workers)
    a, cast_back = _as_float_array(x)
    axes = _normalize_axes(axis, a.ndim)
    lanes = _lanes(a, axes)
    out, n_small = _core.huber_joint(lanes, kk, t, mi, policy, workers=w)
    n_lanes = int(np.prod(lanes.shape[:-1]))
    _warn_small(n_small, n_lanes)
    conv = out[..., 2]
    not_converged = conv == 0
    if not_converged.any():
        m = int(np.count_nonzero(not_converged))
        where = "" if n_lanes <= 1 else f" in {m} of {n_lanes} slices"
        warnings.warn(
            f"huber_joint did not converge{where} within maxiter={mi} iterations "
            f"(tol={t}); the last iterate is returned with converged=False",
            ConvergenceWarning, stacklevel=_caller_stacklevel())

    def field(i: int, post: Any = None) -> Any:
        return _finish(np.array(out[..., i]), a.shape, axes, keepdims,
                       cast_back if post is None else None, post)

    return HuberResult(
        location=field(0),
        scale=field(1),
        converged=field(2, lambda v: v == 1),
        n_iter=field(3, lambda v: v.astype(np.int64)),
    )


# ---- biweight ------------------------------------------------------------------------


def biweight_location(x: npt.ArrayLike, c: float = 6.0, *, M: float | None = None,
                      axis: Axis = None, nan_policy: str = "propagate",
                      keepdims: bool = False, workers: int | None = None) -> Any:
    """Tukey biweight location, as ``astropy.stats.biweight_location``.

    ``M + sum(d (1 - u^2)^2) / sum((1 - u^2)^2)`` over the values with
    ``|u| < 1``, where ``d = x - M``, ``u = d / (c * MAD)`` and MAD is the raw
    median absolute deviation about the median (not about ``M``, as
    astropy). ``M`` defaults to the median. A MAD of 0 (or NaN) returns ``M``.

    Parameters
    ----------
    c : float
        Tuning constant (> 0); 6.0 as astropy.
    M : float or None
        The initial location guess (a single number); default the median of
        each slice.
    axis, nan_policy, keepdims, workers
        As for :func:`robstat.mean` (``nan_policy="omit"`` is astropy's
        ``ignore_nan=True``).

    Notes
    -----
    Infinite values get weight 0 (astropy returns NaN for them: ``inf * 0``).
    """
    cc = _positive(c, "c")
    m = _optional_number(M, "M")
    return _reduce(_core.biweight_location, x, axis, keepdims, cc, m,
                   _check_policy(nan_policy), workers=workers)


def biweight_midvariance(x: npt.ArrayLike, c: float = 9.0, *, M: float | None = None,
                         modify_sample_size: bool = False, axis: Axis = None,
                         nan_policy: str = "propagate", keepdims: bool = False,
                         workers: int | None = None) -> Any:
    """Biweight midvariance, as ``astropy.stats.biweight_midvariance``.

    ``n sum(d^2 (1 - u^2)^4) / (sum((1 - u^2)(1 - 5 u^2)))^2`` with the sums
    over ``|u| < 1``, ``d = x - M``, ``u = d / (c * MAD)`` (raw MAD about the
    median). ``n`` is the number of values, or with
    ``modify_sample_size=True`` the number with ``|u| < 1``. A MAD of 0 gives 0.
    """
    return _midvariance(x, c, M, modify_sample_size, False, axis, nan_policy, keepdims,
                        workers)


def biweight_scale(x: npt.ArrayLike, c: float = 9.0, *, M: float | None = None,
                   modify_sample_size: bool = False, axis: Axis = None,
                   nan_policy: str = "propagate", keepdims: bool = False,
                   workers: int | None = None) -> Any:
    """Biweight scale: the square root of :func:`biweight_midvariance`
    (``astropy.stats.biweight_scale``)."""
    return _midvariance(x, c, M, modify_sample_size, True, axis, nan_policy, keepdims, workers)


def _midvariance(x: npt.ArrayLike, c: float, M: Any, modify_sample_size: bool, sqrt: bool,
                 axis: Axis, nan_policy: str, keepdims: bool, workers: int | None) -> Any:
    cc = _positive(c, "c")
    m = _optional_number(M, "M")
    return _reduce(_core.biweight_midvariance, x, axis, keepdims, cc, m,
                   bool(modify_sample_size), sqrt, _check_policy(nan_policy), workers=workers)
