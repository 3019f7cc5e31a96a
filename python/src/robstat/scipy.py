"""Drop-in replacements for SciPy's trimming and robust-scale functions.

``from robstat import scipy as stats`` (or ``import robstat.scipy as rs``) gives
functions with the exact signatures, defaults, return types and warnings of
SciPy 1.17's

    scipy.stats.trim_mean, trimboth, trim1, tmean, tvar, tstd, tsem, tmin, tmax,
    median_abs_deviation, iqr, zscore, sigmaclip
    scipy.stats.mstats.winsorize

computed by robstat's compiled estimators (``robstat.trimmed_mean``, ``mean``,
``var``, ``std``, ``median``, ``quantile``, ``mad``, ``winsorize``). This module
only translates SciPy's argument semantics: default axes, ``nan_policy``
(including SciPy's treatment of masked arrays as "omit these values"),
value limits, SciPy's *dividing* ``scale``, ``rng``/``interpolation``,
``ddof``, ``keepdims``, SciPy's ``SmallSampleWarning`` messages and its
"Precision loss" warning, 0-d NumPy scalars and the ``SigmaclipResult`` tuple.

Deliberate differences from SciPy are listed in ``docs/scipy.md``; the tests
``tests/python/test_scipy_dropin.py`` (random inputs against SciPy) and
``tests/tools/run_scipy_suite.py`` (SciPy's own test cases run against this
module) pin them down.

SciPy itself is not needed to use this module; when it is installed, the
warnings issued here are also instances of SciPy's ``SmallSampleWarning``, so
``pytest.warns(scipy.stats._axis_nan_policy.SmallSampleWarning)`` and
``warnings.filterwarnings`` on either class work.
"""

from __future__ import annotations

import math
import operator
import warnings
from collections import namedtuple
from typing import Any, cast

import numpy as np
import numpy.ma as ma

from . import _api
from ._api import SmallSampleWarning as _RobstatSmallSampleWarning

__all__ = [
    "SigmaclipResult",
    "SmallSampleWarning",
    "iqr",
    "median_abs_deviation",
    "sigmaclip",
    "tmax",
    "tmean",
    "tmin",
    "trim1",
    "trim_mean",
    "trimboth",
    "tsem",
    "tstd",
    "tvar",
    "winsorize",
    "zscore",
]

try:  # SciPy's own class, so that filters and pytest.warns on it catch ours
    from scipy.stats._axis_nan_policy import SmallSampleWarning as _ScipySmallSampleWarning

    _WARNING_BASES: tuple[type, ...] = (_RobstatSmallSampleWarning, _ScipySmallSampleWarning)
except Exception:  # pragma: no cover - SciPy absent or reorganised
    _WARNING_BASES = (_RobstatSmallSampleWarning,)


class SmallSampleWarning(*_WARNING_BASES):  # type: ignore[misc]
    """Some slice was empty (or empty after omitting NaN): its result is NaN.

    A subclass of :class:`robstat.SmallSampleWarning` and, when SciPy is
    installed, of SciPy's ``SmallSampleWarning``; the messages are SciPy's."""


SigmaclipResult = namedtuple("SigmaclipResult", ("clipped", "lower", "upper"))

# SciPy's messages, verbatim (scipy/stats/_axis_nan_policy.py)
_TOO_SMALL_1D_NOT_OMIT = ("One or more sample arguments is too small; all returned values will "
                          "be NaN. See documentation for sample size requirements.")
_TOO_SMALL_1D_OMIT = ("After omitting NaNs, one or more sample arguments is too small; all "
                      "returned values will be NaN. See documentation for sample size "
                      "requirements.")
_TOO_SMALL_ND_NOT_OMIT = ("All axis-slices of one or more sample arguments are too small; all "
                          "elements of returned arrays will be NaN. See documentation for "
                          "sample size requirements.")
_TOO_SMALL_ND_OMIT = ("After omitting NaNs, one or more axis-slices of one or more sample "
                      "arguments is too small; corresponding elements of returned arrays will "
                      "be NaN. See documentation for sample size requirements.")
_PRECISION_LOSS = ("Precision loss occurred in moment calculation due to catastrophic "
                   "cancellation. This occurs when the data are nearly identical. Results "
                   "may be unreliable.")
_POLICIES = {"propagate", "raise", "omit"}

# SciPy's constants for scale="normal": Phi^-1(3/4) (MAD) and 2 Phi^-1(3/4) (IQR)
_MAD_NORMAL_DIVISOR = 0.6744897501960817
_IQR_NORMAL_DIVISOR = 1.3489795003921636  # float(erfinv(0.5) * 2 * sqrt(2)), as SciPy
_ROBSTAT_QUANTILE_METHODS = {"linear", "lower", "higher", "midpoint", "nearest"}
# the methods SciPy's stats.quantile accepts (scipy/stats/_quantile.py)
_SCIPY_QUANTILE_METHODS = {
    "inverted_cdf", "averaged_inverted_cdf", "closest_observation", "hazen",
    "interpolated_inverted_cdf", "linear", "median_unbiased", "normal_unbiased", "weibull",
    "harrell-davis", "_lower", "_midpoint", "_higher", "_nearest", "round_outward",
    "round_inward", "round_nearest"}
_NUMPY_QUANTILE_METHODS = {
    "inverted_cdf", "averaged_inverted_cdf", "closest_observation", "hazen",
    "interpolated_inverted_cdf", "median_unbiased", "normal_unbiased", "weibull"}


def _warn(msg: str, category: type = SmallSampleWarning) -> None:
    warnings.warn(msg, category, stacklevel=_api._caller_stacklevel())


def _check_policy(nan_policy: str) -> None:
    if nan_policy not in _POLICIES:
        raise ValueError(f"nan_policy must be one of {_POLICIES}.")


class _Quiet:
    """Silence robstat's own SmallSampleWarning (this module issues SciPy's)."""

    def __enter__(self) -> None:
        self._cw = warnings.catch_warnings()
        self._cw.__enter__()
        warnings.simplefilter("ignore", _RobstatSmallSampleWarning)

    def __exit__(self, *exc: Any) -> None:
        self._cw.__exit__(*exc)


def _scipy_axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """Normalise `axis` with the messages of SciPy's _axis_nan_policy."""
    axes = (axis,) if np.isscalar(axis) else tuple(axis)
    try:
        arr = np.array([operator.index(ax) for ax in axes], dtype=np.int64)
    except TypeError:
        raise ValueError("`axis` must be an integer or None.") from None
    arr[arr < 0] += ndim
    if arr.size and (arr.max() >= ndim or arr.min() < 0):
        raise _api.AxisError(f"`axis` is out of bounds for array of dimension {ndim}")
    if len(np.unique(arr)) != len(arr):
        raise _api.AxisError("`axis` must contain only distinct elements")
    return tuple(int(v) for v in arr)


def _nan_dtype(dt: np.dtype) -> np.dtype:
    """dtype of SciPy's results (and of its NaN) for input dtype `dt`."""
    return dt if dt.kind == "f" else np.dtype(np.float64)


# ---- SciPy's axis / nan_policy / masked-array decorator, for one-sample reductions ----


class _Sample:
    """One sample after SciPy's ``_axis_nan_policy`` preprocessing.

    ``lanes`` has the reduced axes merged into the last one (float64 for
    integers, float32/float64 kept); ``invalid`` marks masked entries (NaN
    written over them in ``lanes``) and, under nan_policy="omit", NaN.
    """

    def __init__(self, a: Any, axis: Any, nan_policy: str, *, check_nan: bool = True):
        mask = None
        if isinstance(a, ma.MaskedArray):
            m = ma.getmaskarray(a)
            data = np.asarray(a.data)
            if m.any():
                mask = m
            a = data
        a = np.atleast_1d(np.asarray(a))
        if a.dtype.kind not in "biuf":
            raise TypeError(f"robstat.scipy needs real numbers: got dtype {a.dtype!r}")
        self.orig_dtype = a.dtype
        self.dtype = _nan_dtype(a.dtype)
        if axis is None:
            self.reduced = tuple(range(a.ndim))
            a = a.reshape(-1)
            mask = None if mask is None else mask.reshape(-1)
            self.outer: tuple[int, ...] = ()
            self.one_d = True
        else:
            axes = _scipy_axes(axis, a.ndim)
            self.reduced = axes
            keep = [d for d in range(a.ndim) if d not in axes]
            self.outer = tuple(a.shape[d] for d in keep)
            n = math.prod(a.shape[d] for d in axes)
            a = np.moveaxis(a, axes, tuple(range(-len(axes), 0))).reshape(self.outer + (n,))
            if mask is not None:
                mask = np.moveaxis(mask, axes, tuple(range(-len(axes), 0))).reshape(
                    self.outer + (n,))
            self.one_d = a.ndim == 1
        self.ndim_in = len(self.reduced) + len(self.outer)
        self.raw = a  # original dtype
        self.nan_policy = nan_policy
        # NaN detection as SciPy: only float data can hold NaN; masked entries do not count
        contains_nan = False
        if check_nan or nan_policy != "propagate":
            _check_policy(nan_policy)
            if a.dtype.kind == "f" and a.size:
                if mask is None:
                    contains_nan = bool(np.isnan(np.max(a)))
                else:
                    contains_nan = bool(np.isnan(a[~mask]).any())
            if contains_nan and nan_policy == "raise":
                raise ValueError("The input contains nan values")
        self.contains_nan = contains_nan
        self.mask = mask
        self.lanes, _ = _api._as_float_array(a)
        self.nan_lanes = None  # lanes whose result is NaN by nan_policy="propagate"
        if mask is not None:
            if contains_nan and nan_policy == "propagate":
                self.nan_lanes = np.isnan(np.where(mask, 0, self.lanes)).any(axis=-1)
            self.lanes = np.where(mask, np.array(np.nan, self.lanes.dtype), self.lanes)

    @property
    def n(self) -> int:
        return int(self.lanes.shape[-1])

    @property
    def policy(self) -> str:
        """The nan_policy to hand to robstat for the lanes."""
        if self.mask is not None:
            return "omit"
        return "omit" if (self.contains_nan and self.nan_policy == "omit") else "propagate"

    def valid_counts(self) -> np.ndarray:
        """Number of values a lane's statistic uses (after masking/omitting)."""
        if self.mask is None and not (self.contains_nan and self.nan_policy == "omit"):
            return np.full(self.outer, self.n, dtype=np.intp)
        return np.asarray(np.count_nonzero(~np.isnan(self.lanes), axis=-1))

    def too_small(self, counts: np.ndarray | None = None, minimum: int = 1) -> np.ndarray:
        """Issue SciPy's warning for lanes with fewer than `minimum` values (by
        SciPy's rules) and return the boolean array of those lanes."""
        counts = self.valid_counts() if counts is None else counts
        small = np.asarray(counts < minimum)
        omitting = self.contains_nan and self.nan_policy == "omit"
        if self.one_d:
            skipped = self.contains_nan and self.nan_policy == "propagate"
            if small.any() and not skipped:
                _warn(_TOO_SMALL_1D_OMIT if omitting else _TOO_SMALL_1D_NOT_OMIT)
        elif self.n == 0:
            if small.size:
                _warn(_TOO_SMALL_ND_NOT_OMIT)
        elif omitting:
            raw_nan_small = small
            if self.nan_lanes is not None:
                raw_nan_small = small & ~self.nan_lanes
            if raw_nan_small.any():
                _warn(_TOO_SMALL_ND_OMIT)
        return small

    def finish(self, res: Any, keepdims: bool, dtype: np.dtype | None = None) -> Any:
        res = np.asarray(res)
        if self.nan_lanes is not None and self.nan_lanes.any():
            res = np.where(self.nan_lanes, np.nan, res)
        res = res.astype(self.dtype if dtype is None else dtype, copy=False)
        res = res.reshape(self.outer)
        if keepdims:
            shape = list(self.outer)
            for d in sorted(self.reduced):
                shape.insert(d, 1)
            res = res.reshape(shape)
        return res[()] if res.ndim == 0 else res


def _limit_mask(x: np.ndarray, lower: Any, upper: Any, inc_lower: bool, inc_upper: bool
                ) -> np.ndarray | None:
    """SciPy's _put_val_to_limits: True where a value lies outside the limits."""
    mask = None
    if lower is not None:
        mask = (x < lower) if inc_lower else (x <= lower)
    if upper is not None:
        m = (x > upper) if inc_upper else (x >= upper)
        mask = m if mask is None else (mask | m)
    return mask


def _apply_limits(s: _Sample, limits: Any, inclusive: Any) -> np.ndarray | None:
    """Write NaN over the values outside `limits` (a copy); return the mask."""
    if limits is None:
        return None
    lower, upper = limits
    inc_lower, inc_upper = inclusive
    out = _limit_mask(s.lanes, lower, upper, inc_lower, inc_upper)
    if out is None:
        return None
    considered = ~np.isnan(s.lanes) if (s.mask is not None or s.contains_nan) else None
    _raise_if_all_outside(s, out, considered)
    if s.contains_nan and s.nan_policy == "propagate" and s.mask is None:
        s.nan_lanes = np.isnan(s.lanes).any(axis=-1)  # before NaN marks the cut values
    if s.lanes.ndim == 1 and s.nan_lanes is None:
        return out  # one slice: _compress_if_one_slice drops the cut values instead
    if out.any():
        s.lanes = np.where(out, np.array(np.nan, s.lanes.dtype), s.lanes)
    return out


def _compress_if_one_slice(s: _Sample, out: np.ndarray | None, removed: np.ndarray | None
                           ) -> tuple[str, np.ndarray | None]:
    """After _apply_limits on a single slice: drop the NaN written over the cut
    values (and the masked/omitted ones), so robstat runs its NaN-free path.
    Returns the policy for robstat and the `removed` mask for the new lanes."""
    if out is None:
        return s.policy, removed
    if s.lanes.ndim == 1 and s.nan_lanes is None:
        drop = out if removed is None else (out | removed)
        s.lanes = s.lanes[~drop]
        return "propagate", None
    return "omit", removed


def _raise_if_all_outside(s: _Sample, out: np.ndarray, considered: np.ndarray | None) -> None:
    """SciPy raises "No array values within given limits" when every value its
    kernel sees is outside: the whole array on its vectorised path, each slice
    when it loops over slices (NaN present, or a masked array)."""
    if considered is None:
        if out.size and out.all():
            raise ValueError("No array values within given limits")
        return
    if s.one_d:
        lanes_ok = considered.any()
        if lanes_ok and (out | ~considered).all() and not (
                s.contains_nan and s.nan_policy == "propagate" and s.mask is None):
            raise ValueError("No array values within given limits")
        return
    live = considered.any(axis=-1)
    if s.nan_lanes is not None:
        live &= ~s.nan_lanes
    if s.contains_nan and s.nan_policy == "propagate" and s.mask is None:
        live &= ~np.isnan(s.raw).any(axis=-1)
        considered = np.ones_like(considered)
    if (live & (out | ~considered).all(axis=-1)).any():
        raise ValueError("No array values within given limits")


# ---- trimmed statistics by proportion ------------------------------------------


def trim_mean(a: Any, proportiontocut: float, axis: Any = 0, *,
              nan_policy: str = "propagate", keepdims: bool = False) -> Any:
    """Mean after cutting ``int(proportiontocut * n)`` values from each end
    (``scipy.stats.trim_mean``), computed by :func:`robstat.trimmed_mean`.

    Parameters, results, warnings and errors as SciPy's. A slice emptied by
    the trimming (``proportiontocut = 0.5`` with even ``n``) is NaN with a
    ``RuntimeWarning``, as SciPy; ``int(p * n) > n - int(p * n)`` raises
    ``ValueError("Proportion too big.")``.
    """
    s = _Sample(a, axis, nan_policy)
    p = float(proportiontocut)
    counts = s.valid_counts()
    small = s.too_small(counts)
    with np.errstate(invalid="ignore"):
        g = (p * counts.astype(np.float64)).astype(np.int64) if counts.size else counts
    if (g > counts - g).any():
        raise ValueError("Proportion too big.")
    empty = (g == counts - g) & ~small
    varying = s.policy == "omit"
    if 0 <= p < 0.5:
        with _Quiet():
            res = _api.trimmed_mean(s.lanes, p, axis=-1, nan_policy=s.policy)
    elif not varying:
        # 0.5 <= p: robstat wants lower + upper < 1; pass the proportion that
        # gives the same count g (exactly: floor((g + 1/4) / n * n) = g)
        n = s.n
        g0 = int(p * n)
        if 2 * g0 >= n:
            res = np.full(s.outer, np.nan)
        else:
            with _Quiet():
                res = _api.trimmed_mean(s.lanes, (g0 + 0.25) / n, axis=-1, nan_policy=s.policy)
    else:
        res = np.full(s.outer, np.nan)
        flat = s.lanes.reshape(-1, s.n)
        out = res.reshape(-1)
        for i, (lane, gi, ci) in enumerate(zip(flat, g.reshape(-1), counts.reshape(-1))):
            if 0 < ci and 2 * gi < ci:
                with _Quiet():
                    out[i] = _api.trimmed_mean(lane, (gi + 0.25) / ci, nan_policy="omit")
    res = np.asarray(res, dtype=np.float64 if s.dtype != np.float32 else np.float32)
    if empty.any():
        warnings.warn("Mean of empty slice.", RuntimeWarning, stacklevel=2)
        res = np.where(empty, np.nan, res)
    return s.finish(res, keepdims)


def _partition_keep(x: np.ndarray, lo_rank: int, hi_rank: int) -> np.ndarray:
    """The values of ranks lo_rank .. hi_rank (inclusive) of each lane (last axis)
    in their original order: cut points from robstat's selection, then a mask."""
    n = x.shape[-1]
    keep_n = hi_rank - lo_rank + 1
    xf, _ = _api._as_float_array(x)
    if xf.dtype.kind == "f" and np.isnan(xf).any():
        # SciPy's ranks put NaN above every value (np.partition): rank by a stable sort
        # (ties and NaN first come first), then keep the ranks in their original order
        pos = np.sort(np.argsort(xf, axis=-1, kind="stable")[..., lo_rank:hi_rank + 1],
                      axis=-1)
        return np.take_along_axis(x, pos, axis=-1)
    if n > 1:
        q = [lo_rank / (n - 1), hi_rank / (n - 1)]
    else:
        q = [0.0, 0.0]
    cuts = _api.quantile(xf, q, axis=-1, method="nearest")
    lo = np.asarray(cuts[0])[..., None]
    hi = np.asarray(cuts[1])[..., None]
    keep = (xf >= lo) & (xf <= hi)
    if (np.count_nonzero(keep, axis=-1) == keep_n).all():  # no surplus ties at the cuts
        return x[keep].reshape(x.shape[:-1] + (keep_n,))
    below = np.count_nonzero(xf < lo, axis=-1)[..., None]
    inside = (xf > lo) & (xf < hi)
    # values equal to a cut point: take as many as the ranks need, first come first
    n_lo_tied = np.minimum(below + np.count_nonzero(xf == lo, axis=-1)[..., None],
                           hi_rank + 1) - lo_rank
    eq_lo = xf == lo
    take_lo = eq_lo & (np.cumsum(eq_lo, axis=-1) <= n_lo_tied)
    eq_hi = (xf == hi) & (hi != lo)
    n_hi_tied = keep_n - np.count_nonzero(inside, axis=-1)[..., None] - n_lo_tied
    take_hi = eq_hi & (np.cumsum(eq_hi, axis=-1) <= n_hi_tied)
    keep = inside | take_lo | take_hi
    kept: np.ndarray = x[keep].reshape(x.shape[:-1] + (keep_n,))
    return kept


def trimboth(a: Any, proportiontocut: float, axis: Any = 0) -> Any:
    """``scipy.stats.trimboth``: drop ``int(proportiontocut * n)`` of the lowest
    and of the highest values along `axis`.

    The kept values are the same as SciPy's; SciPy returns them in
    ``numpy.partition`` order ("undefined"), this function in their original
    order. The cut points come from robstat's selection (one pass)."""
    a = np.asarray(a)
    if a.size == 0:
        return a
    if axis is None:
        a = a.ravel()
        axis = 0
    nobs = a.shape[axis]
    lowercut = int(proportiontocut * nobs)
    uppercut = nobs - lowercut
    if lowercut >= uppercut:
        raise ValueError("Proportion too big.")
    x = np.moveaxis(a, axis, -1)
    out = _partition_keep(x, lowercut, uppercut - 1)
    return np.moveaxis(out, -1, axis)


def trim1(a: Any, proportiontocut: float, tail: str = "right",
          axis: Any = 0) -> Any:  # an array, or [] as SciPy for proportiontocut >= 1
    """``scipy.stats.trim1``: drop ``int(proportiontocut * n)`` values from one
    end (``tail="right"``: the highest, ``"left"``: the lowest). Kept values in
    their original order (SciPy: ``numpy.partition`` order)."""
    a = np.asarray(a)
    if axis is None:
        a = a.ravel()
        axis = 0
    nobs = a.shape[axis]
    if proportiontocut >= 1:
        return []
    if tail.lower() == "right":
        lowercut = 0
        uppercut = nobs - int(proportiontocut * nobs)
    elif tail.lower() == "left":
        lowercut = int(proportiontocut * nobs)
        uppercut = nobs
    else:
        raise ValueError(f"tail must be 'left' or 'right' (got {tail!r})")
    if a.size == 0 or uppercut <= lowercut:
        sl = [slice(None)] * a.ndim
        sl[axis] = slice(lowercut, uppercut)
        return a[tuple(sl)]
    x = np.moveaxis(a, axis, -1)
    out = _partition_keep(x, lowercut, uppercut - 1)
    return np.moveaxis(out, -1, axis)


# ---- trimmed statistics by value limits --------------------------------------------


def tmean(a: Any, limits: Any = None, inclusive: tuple[bool, bool] = (True, True),
          axis: Any = None, *, nan_policy: str = "propagate", keepdims: bool = False) -> Any:
    """Mean of the values inside `limits` (``scipy.stats.tmean``), by
    :func:`robstat.mean` (compensated sum) over NumPy's limit mask."""
    s = _Sample(a, axis, nan_policy)
    s.too_small()
    removed = np.isnan(s.lanes) if s.policy == "omit" else None
    policy, _ = _compress_if_one_slice(s, _apply_limits(s, limits, inclusive), removed)
    with _Quiet():
        res = _api.mean(s.lanes, axis=-1, nan_policy=policy)
    return s.finish(res, keepdims)


def _tvar_lanes(s: _Sample, limits: Any, inclusive: Any, ddof: Any
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(variance with ddof, number of values used, standard deviation) per lane,
    SciPy's tvar rules, with SciPy's "Precision loss" warning."""
    s.too_small()
    removed = np.isnan(s.lanes) if s.policy == "omit" else None  # masked or omitted
    out = _apply_limits(s, limits, inclusive)
    policy, removed = _compress_if_one_slice(s, out, removed)
    if out is not None and removed is None and s.lanes.ndim == 1:
        # one slice, compressed: SciPy's _demean saw NaN at the cut values
        removed = None
        nan_seen = bool(out.any())
    else:
        nan_seen = False
    ddof = float(ddof)
    with _Quiet():
        m = _api.mean(s.lanes, axis=-1, nan_policy=policy)
        if policy == "omit":
            n = np.count_nonzero(~np.isnan(s.lanes), axis=-1)
        else:
            n = np.full(s.outer, s.n, dtype=np.intp)
        if ddof >= 0 and np.isfinite(ddof):
            var = np.asarray(_api.var(s.lanes, ddof, axis=-1, nan_policy=policy))
            with np.errstate(all="ignore"):
                var0 = var * ((n - ddof) / n) if ddof else var
        else:
            var0 = np.asarray(_api.var(s.lanes, 0, axis=-1, nan_policy=policy))
            with np.errstate(all="ignore"):
                var = var0 * (n / (n - ddof))
    with np.errstate(all="ignore"):
        var = np.where(n - ddof > 0, var, np.nan).astype(var.dtype)
        sd = np.sqrt(var)
    if ddof >= 0 and np.isfinite(ddof) and not np.all(
            (np.isfinite(sd) & (var > 2.0**-968)) | np.isnan(sd)):
        # a variance that overflows or underflows: robstat.std takes the power of two
        # out before the square root (finite, nonzero)
        with _Quiet():
            sd = np.asarray(_api.std(s.lanes, ddof, axis=-1, nan_policy=policy))
        sd = np.where(n - ddof > 0, sd, np.nan).astype(var.dtype)
    if not nan_seen:
        _precision_warning(s.lanes, m, var0, removed)
    return var, n, sd


def _precision_warning(lanes: np.ndarray, m: Any, var0: Any,
                       ignore: np.ndarray | None = None) -> None:
    """SciPy's _demean check: warn when, in a slice of more than one value,
    max|x - mean| < 10 eps |mean|. Entries in `ignore` are not part of the
    slice (SciPy removed them before); any other NaN in a slice makes SciPy's
    maximum NaN, so such a slice never warns. Only slices whose variance is
    small enough for the test to pass are examined (no extra pass)."""
    m = np.asarray(m)
    var0 = np.asarray(var0)
    n = lanes.shape[-1] if ignore is None else np.count_nonzero(~ignore, axis=-1)
    eps = np.finfo(lanes.dtype).eps * 10
    with np.errstate(all="ignore"):
        cand = (np.asarray(n) > 1) & ~(var0 > 4 * (eps * np.abs(m)) ** 2)
    if not cand.any():
        return
    sub = lanes[cand]
    ms = m[cand][..., None]
    with np.errstate(all="ignore"):
        dev = np.abs(sub - ms)
        if ignore is not None:
            dev = np.where(ignore[cand], 0, dev)
        rel = np.max(dev, axis=-1) / np.abs(ms[..., 0])
    if (rel < eps).any():
        _warn(_PRECISION_LOSS, RuntimeWarning)


def tvar(a: Any, limits: Any = None, inclusive: tuple[bool, bool] = (True, True),
         axis: Any = 0, ddof: float = 1, *, nan_policy: str = "propagate",
         keepdims: bool = False) -> Any:
    """Variance (``ddof=1``) of the values inside `limits` (``scipy.stats.tvar``),
    by :func:`robstat.var` (two-pass, compensated). ``n - ddof <= 0`` gives NaN
    silently, as SciPy."""
    s = _Sample(a, axis, nan_policy)
    var, _, _ = _tvar_lanes(s, limits, inclusive, ddof)
    return s.finish(var, keepdims)


def tstd(a: Any, limits: Any = None, inclusive: tuple[bool, bool] = (True, True),
         axis: Any = 0, ddof: float = 1, *, nan_policy: str = "propagate",
         keepdims: bool = False) -> Any:
    """``sqrt(tvar(...))`` (``scipy.stats.tstd``)."""
    s = _Sample(a, axis, nan_policy)
    _, _, sd = _tvar_lanes(s, limits, inclusive, ddof)
    return s.finish(sd, keepdims)


def tsem(a: Any, limits: Any = None, inclusive: tuple[bool, bool] = (True, True),
         axis: Any = 0, ddof: float = 1, *, nan_policy: str = "propagate",
         keepdims: bool = False) -> Any:
    """``tstd(...) / sqrt(n)`` with ``n`` the values inside `limits`
    (``scipy.stats.tsem``)."""
    s = _Sample(a, axis, nan_policy)
    var, n, sd = _tvar_lanes(s, limits, inclusive, ddof)
    with np.errstate(all="ignore"):
        res = sd / np.sqrt(np.asarray(n, dtype=var.dtype))
    return s.finish(res, keepdims)


def _textreme(a: Any, limit: Any, axis: Any, inclusive: bool, nan_policy: str,
              keepdims: bool, lower: bool) -> Any:
    s = _Sample(a, axis, nan_policy)
    s.too_small()
    x = s.raw
    mask = None
    if limit is not None:
        mask = (x < limit if inclusive else x <= limit) if lower else (
            x > limit if inclusive else x >= limit)
        considered = None
        if s.mask is not None or s.contains_nan:
            considered = ~np.isnan(s.lanes)
        _raise_if_all_outside(s, mask, considered)
    excl = s.mask
    if s.contains_nan and s.nan_policy == "omit":
        nan = np.isnan(x)
        excl = nan if excl is None else (excl | nan)
    if mask is not None:
        excl = mask if excl is None else (excl | mask)
    # robstat has no min/max kernel (docs/scipy.md): NumPy's reduction on the mask
    fill: float  # the dtype's extreme: an int, a bool or a float
    if x.dtype.kind in "iu":
        fill = np.iinfo(x.dtype).max if lower else np.iinfo(x.dtype).min
    elif x.dtype.kind == "b":
        fill = True if lower else False
    else:
        fill = np.inf if lower else -np.inf
    if x.size == 0:
        res = np.full(s.outer, np.nan)
        return s.finish(res, keepdims)
    xv = x if excl is None else np.where(excl, fill, x)
    res = np.min(xv, axis=-1) if lower else np.max(xv, axis=-1)
    invalid = None if excl is None else excl.all(axis=-1)
    if s.nan_lanes is not None:
        invalid = s.nan_lanes if invalid is None else invalid
    if invalid is not None and invalid.any():
        res = res.astype(_nan_dtype(res.dtype))
        res = np.where(invalid, np.nan, res)
        if s.nan_lanes is not None:
            res = np.where(s.nan_lanes, np.nan, res)
        s.nan_lanes = None
        return s.finish(res, keepdims, dtype=res.dtype)
    s.nan_lanes = None
    return s.finish(res, keepdims, dtype=res.dtype)


def tmin(a: Any, lowerlimit: Any = None, axis: Any = 0, inclusive: bool = True,
         nan_policy: str = "propagate", *, keepdims: bool = False) -> Any:
    """Minimum of the values >= `lowerlimit` (``scipy.stats.tmin``); integer
    input keeps its dtype unless a slice has no value inside the limit."""
    return _textreme(a, lowerlimit, axis, inclusive, nan_policy, keepdims, lower=True)


def tmax(a: Any, upperlimit: Any = None, axis: Any = 0, inclusive: bool = True,
         nan_policy: str = "propagate", *, keepdims: bool = False) -> Any:
    """Maximum of the values <= `upperlimit` (``scipy.stats.tmax``)."""
    return _textreme(a, upperlimit, axis, inclusive, nan_policy, keepdims, lower=False)


# ---- robust scale ------------------------------------------------------------------


def median_abs_deviation(x: Any, axis: Any = 0, center: Any = None, scale: Any = 1.0,
                         nan_policy: str = "propagate", *, keepdims: bool = False) -> Any:
    """``median(|x - center(x)|) / scale`` (``scipy.stats.median_abs_deviation``).

    SciPy *divides* by `scale` (``"normal"`` divides by Phi^-1(3/4) =
    0.6744897501960817); :func:`robstat.mad`'s ``scale`` multiplies. The raw
    MAD comes from :func:`robstat.mad` (``center=None``) or, for a callable
    `center`, from :func:`robstat.median` of the absolute deviations."""
    if center is not None and not callable(center):
        raise TypeError("The argument 'center' must be callable. The given "
                        f"value {repr(center)} is not callable.")
    if isinstance(scale, str):
        if scale.lower() == "normal":
            scale = _MAD_NORMAL_DIVISOR
        else:
            raise ValueError(f"{scale} is not a valid scale value.")
    s = _Sample(x, axis, nan_policy)
    s.too_small()
    with _Quiet():
        if s.n == 0:
            raw = np.full(s.outer, np.nan)
        elif center is None:
            raw = _api.mad(s.lanes, scale=1.0, axis=-1, nan_policy=s.policy)
        elif s.policy == "propagate":
            c = np.asarray(center(s.lanes, axis=-1))[..., None]
            with np.errstate(invalid="ignore"):
                dev = np.abs(s.lanes - c)
            raw = _api.median(dev, axis=-1, nan_policy="propagate")
        else:
            flat = s.lanes.reshape(-1, s.n)
            raw = np.full(flat.shape[0], np.nan)
            for i, lane in enumerate(flat):
                lane = lane[~np.isnan(lane)]
                if lane.size:
                    c = np.asarray(center(lane, axis=0))
                    with np.errstate(invalid="ignore"):
                        raw[i] = _api.median(np.abs(lane - c))
            raw = raw.reshape(s.outer)
    raw = np.asarray(raw).astype(s.dtype, copy=False)
    if s.nan_lanes is not None:
        raw = np.where(s.nan_lanes, np.nan, raw).astype(s.dtype)
        s.nan_lanes = None
    out = raw / scale  # as SciPy: NumPy's promotion of (result dtype, scale)
    return s.finish(out, keepdims, dtype=np.asarray(out).dtype)


def iqr(x: Any, axis: Any = None, rng: tuple[float, float] = (25, 75), scale: Any = 1.0,
        nan_policy: str = "propagate", interpolation: Any = "linear",
        keepdims: bool = False) -> Any:
    """Difference of the ``rng`` percentiles, divided by `scale`
    (``scipy.stats.iqr``), by :func:`robstat.quantile` (both percentiles from
    one selection) for the interpolations robstat has (``linear``, ``lower``,
    ``higher``, ``midpoint``, ``nearest``); the other Hyndman-Fan methods NumPy
    knows are delegated to :func:`numpy.quantile`."""
    if isinstance(scale, str):
        key = scale.lower()
        if key != "normal":
            raise ValueError(f"{scale} not a valid scale for `iqr`")
        scale = _IQR_NORMAL_DIVISOR
    if len(rng) != 2:
        raise TypeError("`rng` must be a two element sequence.")
    if np.isnan(rng).any():
        raise ValueError("`rng` must not contain NaNs.")
    rng = (rng[0] / 100, rng[1] / 100) if rng[0] < rng[1] else (rng[1] / 100, rng[0] / 100)
    if rng[0] < 0 or rng[1] > 1:
        raise ValueError("Elements of `rng` must be in the range [0, 100].")
    if interpolation in {"lower", "midpoint", "higher", "nearest"}:
        interpolation = "_" + interpolation
    if interpolation not in _SCIPY_QUANTILE_METHODS:
        raise ValueError(f"`method` must be one of {_SCIPY_QUANTILE_METHODS}")
    interpolation = interpolation.lstrip("_")
    if interpolation not in _ROBSTAT_QUANTILE_METHODS | _NUMPY_QUANTILE_METHODS:
        raise NotImplementedError(
            f"robstat.scipy.iqr does not provide interpolation={interpolation!r} "
            "(neither robstat nor NumPy has it); use scipy.stats.iqr")
    s = _Sample(x, axis, nan_policy, check_nan=False)
    s.too_small()
    q = [float(rng[0]), float(rng[1])]
    if interpolation in _ROBSTAT_QUANTILE_METHODS:
        with _Quiet():
            pct = _api.quantile(s.lanes, q, axis=-1, method=interpolation, nan_policy=s.policy)
        pct = np.asarray(pct)
    else:
        qf = np.asarray(q, dtype=s.lanes.dtype)
        if s.n == 0:
            s.lanes = np.full(s.outer + (1,), np.nan, dtype=s.lanes.dtype)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            if s.policy == "omit":
                pct = np.nanquantile(s.lanes, qf, axis=-1, method=interpolation)
            else:
                pct = np.quantile(s.lanes, qf, axis=-1, method=interpolation)
    with np.errstate(invalid="ignore"):
        out = np.asarray(pct[1] - pct[0])[..., None]  # SciPy's keepdims=True shape
    if scale != 1.0:
        out /= scale  # in place, as SciPy (the result keeps its dtype)
    return s.finish(out[..., 0], keepdims)


# ---- standardising -----------------------------------------------------------------


def zscore(a: Any, axis: Any = 0, ddof: float = 0,
           nan_policy: str = "propagate") -> Any:
    """``(a - mean) / std(ddof)`` along `axis` (``scipy.stats.zscore``), with
    the mean and standard deviation from :func:`robstat.mean` and
    :func:`robstat.std`. Slices with ``std <= eps |mean|`` (constant data) are
    NaN, with SciPy's "Precision loss" RuntimeWarning; masked arrays give
    masked arrays."""
    masked = isinstance(a, ma.MaskedArray)
    mask: Any = ma.getmaskarray(a) if masked else None  # an array exactly when masked
    x = np.asarray(a.data if masked else a)
    _check_policy(nan_policy)
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"robstat.scipy needs real numbers: got dtype {x.dtype!r}")
    xf, _ = _api._as_float_array(x)
    if x.size == 0:
        out = xf.copy()
        return ma.masked_array(out, mask=mask) if masked else out
    has_nan = xf.dtype.kind == "f" and bool(np.isnan(np.max(xf)))
    if has_nan and nan_policy == "raise":
        raise ValueError("The input contains nan values")
    policy = "omit" if (has_nan and nan_policy == "omit") else "propagate"
    work = xf
    if mask is not None and mask.any():
        work = np.where(mask, np.array(np.nan, xf.dtype), xf)
        policy = "omit"
    with _Quiet():
        mn = _api.mean(work, axis=axis, nan_policy=policy, keepdims=True)
        var0 = _api.var(work, 0, axis=axis, nan_policy=policy, keepdims=True)
        if ddof == 0:
            sd = np.sqrt(var0)
            if not np.all((np.isfinite(sd) & (var0 > 2.0**-968)) | np.isnan(sd)):
                # a variance that overflows or underflows: robstat.std takes the power of
                # two out before the square root (finite, nonzero)
                sd = _api.std(work, 0, axis=axis, nan_policy=policy, keepdims=True)
        elif ddof > 0:
            sd = _api.std(work, ddof, axis=axis, nan_policy=policy, keepdims=True)
        else:
            n = np.sum(~np.isnan(work), axis=axis, keepdims=True)
            with np.errstate(all="ignore"):
                sd = np.sqrt(var0 * (n / (n - ddof)))
    mn = np.asarray(mn)
    sd = np.asarray(sd)
    # SciPy's _demean check (over the slices), then the NaN rule of zscore
    axes = _api._normalize_axes(axis, work.ndim)
    if axis is None:
        lanes = work.reshape(-1)
        m_l, v_l = mn.reshape(-1)[0], var0.reshape(-1)[0]
    else:
        lanes = _api._lanes(work, axes)
        m_l, v_l = np.squeeze(mn, axis=axes), np.squeeze(var0, axis=axes)
    ign = None
    if mask is not None and mask.any():
        ign = mask.reshape(-1) if axis is None else _api._lanes(mask, axes)
    _precision_warning(lanes, m_l, v_l, ign)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        z = (xf - mn) / sd
        over = np.isinf(z) & np.isfinite(xf) & np.isfinite(sd)
        if over.any():  # x - mean overflowed (|x| near DBL_MAX): from the halves, exact
            z = np.where(over, (xf * 0.5 - mn * 0.5) / sd * 2, z).astype(z.dtype, copy=False)
        zero = sd <= np.abs(np.finfo(z.dtype).eps * mn)
    if zero.any():
        z[np.broadcast_to(zero, z.shape)] = np.nan
    if masked:
        if mask.any():  # NumPy's masked arithmetic leaves the data under the mask alone
            z = np.where(mask, xf, z).astype(z.dtype, copy=False)
        return ma.masked_array(z, mask=mask)
    return z


def sigmaclip(a: Any, low: float = 4.0, high: float = 4.0) -> Any:
    """Iterative sigma clipping (``scipy.stats.sigmaclip``): drop values outside
    ``[mean - low * std, mean + high * std]`` until none is dropped. Mean and
    standard deviation (ddof=0) from :func:`robstat.mean` / :func:`robstat.std`
    (compensated: a value lying within an ulp of a bound can be classified
    differently from SciPy's NumPy sums). Returns ``SigmaclipResult(clipped,
    lower, upper)``; `clipped` keeps the input dtype."""
    c = np.asarray(a).ravel()
    if c.dtype.kind not in "biuf":
        raise TypeError(f"robstat.scipy needs real numbers: got dtype {c.dtype!r}")
    delta = 1
    while delta:
        if c.size == 0:
            warnings.warn("Mean of empty slice.", RuntimeWarning, stacklevel=2)
            dt = _nan_dtype(c.dtype)
            c_mean = c_std = dt.type(np.nan)
        else:
            c_mean = _api.mean(c)
            c_std = _api.std(c)
        size = c.size
        critlower = c_mean - c_std * low
        critupper = c_mean + c_std * high
        c = c[(c >= critlower) & (c <= critupper)]
        delta = size - c.size
    return SigmaclipResult(c, critlower, critupper)


# ---- winsorize (scipy.stats.mstats semantics) -------------------------------------------


def _rank_values(vals: np.ndarray, counts: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """Order statistic of 0-based rank `ranks[i]` among the non-NaN values of
    lane ``vals[i]`` (``counts[i]`` of them), by robstat's selection; lanes
    with the same (count, rank) share one call. Ranks outside [0, count) give NaN."""
    out = np.full(ranks.shape, np.nan)
    ok = (ranks >= 0) & (ranks < counts)
    if not ok.any():
        return out
    keys = np.stack([counts[ok], ranks[ok]], axis=1)
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    idx = np.flatnonzero(ok)
    inverse = inverse.reshape(-1)
    with _Quiet():
        for j, (c, r) in enumerate(uniq):
            rows = idx[inverse == j]
            q = float(r) / (c - 1) if c > 1 else 0.0
            out[rows] = _api.quantile(vals[rows], q, axis=-1, method="nearest",
                                      nan_policy="omit")
    return out


def _dt_is_float(dt: np.dtype) -> bool:
    return dt.kind == "f"


def _to_dtype_value(v: Any, dtype: np.dtype) -> Any:
    return np.asarray(v).astype(dtype) if dtype.kind != "f" else np.asarray(v, dtype=dtype)


def winsorize(a: Any, limits: Any = None, inclusive: tuple[bool, bool] = (True, True),
              inplace: bool = False, axis: Any = None,
              nan_policy: str = "propagate") -> ma.MaskedArray:
    """``scipy.stats.mstats.winsorize``: the ``int(limits[0] * n)`` lowest values
    become the next lowest, the ``int(limits[1] * n)`` highest the next
    highest (``inclusive=False``: rounded counts); returns a masked array of
    the input's dtype.

    The common case (no mask, no NaN) is one call of :func:`robstat.winsorize`
    (one read-only selection pass). Masked arrays and NaN follow SciPy's rules
    exactly, including those scipy#8327 reports: ``n`` counts NaN, NaN sorts
    above every value (so under "propagate" an upper cut can overwrite NaN),
    and an upper limit writes the upper cut value over masked entries,
    unmasking them; the cut values come from robstat's selection engine."""
    _check_policy(nan_policy)
    src = a
    marr = ma.array(a, copy=not inplace)
    contains_nan = False
    if marr.dtype.kind == "f" and marr.size:
        mx = marr.max()
        contains_nan = mx is not ma.masked and bool(np.isnan(mx))
    if contains_nan and nan_policy == "raise":
        raise ValueError("The input contains nan values")
    if limits is None:
        return marr
    if (not isinstance(limits, tuple)) and isinstance(limits, float):
        limits = (limits, limits)
    (lolim, uplim) = limits
    errmsg = "The proportion to cut from the %s should be between 0. and 1."
    if lolim is not None and (lolim > 1.0 or lolim < 0):
        raise ValueError(errmsg % "beginning" + f"(got {lolim})")
    if uplim is not None and (uplim > 1.0 or uplim < 0):
        raise ValueError(errmsg % "end" + f"(got {uplim})")
    loinc, upinc = inclusive
    if marr.dtype.kind not in "biuf":
        raise TypeError(f"robstat.scipy needs real numbers: got dtype {marr.dtype!r}")

    if marr.size == 0 and (axis is not None or lolim or uplim is not None):
        # SciPy indexes the (empty) argsort of a slice
        raise IndexError("index 0 is out of bounds for axis 0 with size 0")
    data: np.ndarray = marr.data  # shares memory with `a` when inplace and `a` is an ndarray
    shape = data.shape
    if axis is None:
        x = data.reshape(1, -1)
        mask = ma.getmaskarray(marr).reshape(1, -1)
        ax = None
    else:
        ax = operator.index(axis)
        if not -data.ndim <= ax < data.ndim:
            raise _api.AxisError(f"axis {axis} is out of bounds for array of dimension "
                                 f"{data.ndim}")
        x = np.moveaxis(data, ax, -1).reshape(-1, shape[ax])
        mask = np.moveaxis(ma.getmaskarray(marr), ax, -1).reshape(-1, shape[ax])
    L = x.shape[-1]
    has_mask = marr.mask is not ma.nomask and bool(mask.any())

    def count(p: Any, nn: np.ndarray, include: bool) -> np.ndarray:
        prod = np.asarray(p * nn.astype(np.float64))
        return prod.astype(np.int64) if include else np.round(prod).astype(np.int64)

    # ---- fast path: plain data, no NaN, cut points that do not cross ----------
    if not has_mask and not contains_nan and x.size:
        n_all = L
        k_lo = int(count(lolim, np.array(n_all), loinc)) if lolim else 0
        g_hi = int(count(uplim, np.array(n_all), upinc)) if uplim is not None else 0
        if k_lo < n_all and 1 <= n_all - g_hi and n_all - g_hi - 1 >= k_lo:
            with _Quiet():
                w = _api.winsorize(data, ((k_lo + 0.25) / n_all, (g_hi + 0.25) / n_all), axis=ax)
            if data.dtype.kind != "f" or data.dtype != w.dtype:
                w = w.astype(data.dtype)
            data[...] = w
            return _finish_winsorize(src, marr, inplace)

    # ---- general path: SciPy's rank-based rules, order statistics from robstat ----
    # SciPy sorts each slice with MaskedArray.argsort: the valid values (ranks
    # 0 .. c-1), then the masked entries and NaN, which it fills with NaN, so
    # they tie ("the tail"; robstat.scipy orders the tail by index). Every
    # assignment "ranks [i, j) := value at rank r" becomes a value comparison
    # on the valid entries and an index range on the tail.
    xf, _ = _api._as_float_array(x)
    isnan_all = np.isnan(xf) if xf.dtype.kind == "f" else np.zeros_like(mask)
    nanm = isnan_all & ~mask
    valid = ~mask & ~nanm
    tail = ~valid if _dt_is_float(x.dtype) else mask
    c = np.count_nonzero(valid, axis=-1)
    nu = np.count_nonzero(nanm, axis=-1)
    nan_count = np.count_nonzero(isnan_all, axis=-1)  # SciPy counts NaN under the mask too
    n = c + nu
    tord = np.cumsum(tail, axis=-1) - 1  # rank - c of each tail entry
    vals = np.where(valid, xf, np.nan)
    out = x.copy()
    outmask = mask.copy()
    dt = x.dtype
    NUM, MASKED, NAN = 1, 2, 3

    def tail_kind(r: np.ndarray) -> np.ndarray:
        hit = tail & (tord == (r - c)[:, None])
        kinds: np.ndarray = np.where((hit & mask).any(axis=-1), MASKED, NAN).astype(np.int8)
        return kinds

    def tail_range(lo_r: np.ndarray, hi_r: np.ndarray) -> np.ndarray:
        in_range: np.ndarray = tail & (tord >= (lo_r - c)[:, None]) & (tord < (hi_r - c)[:, None])
        return in_range

    def assign(sel: np.ndarray, kind: np.ndarray, val: np.ndarray) -> None:
        for kd in (NUM, NAN):
            s_ = sel & (kind == kd)[:, None]
            if s_.any():
                v = val[:, None] if kd == NUM else np.full((len(c), 1), np.nan)
                out[s_] = np.broadcast_to(_to_dtype_value(v, dt), out.shape)[s_]
                outmask[s_] = False
        s_ = sel & (kind == MASKED)[:, None]
        if s_.any():
            outmask[s_] = True

    lowkind = np.zeros(len(c), dtype=np.int8)
    vlo = np.full(len(c), np.nan)
    k = np.zeros(len(c), dtype=np.int64)
    if lolim:
        k = count(lolim, n, loinc)
        if contains_nan and nan_policy == "omit":
            k = np.minimum(k, n - nan_count - 1)
        if (k >= L).any() or (k < -L).any():
            raise IndexError(f"index {int(k.max())} is out of bounds for axis 0 with size {L}")
        k = np.where(k < 0, k + L, k)
        lowkind = np.where(k < c, NUM, tail_kind(k)).astype(np.int8)
        vlo = _rank_values(vals, c, k)
        # valid entries of rank < k: value-wise for a numeric cut, all of them otherwise
        sel = valid & np.where((lowkind == NUM)[:, None], xf < vlo[:, None], True) & \
            (k > 0)[:, None]
        sel |= tail_range(np.zeros_like(k), k)
        assign(sel, lowkind, vlo)
    if uplim is not None:
        g = count(uplim, n, upinc)
        u = n - g
        if contains_nan and nan_policy == "omit":
            end = np.where(nan_count > 0, L - nan_count, 0)
        else:
            end = np.full(len(c), L)
        r = np.where(u >= 1, u - 1, u - 1 + L)
        crossing = (lowkind != 0) & (r < k)
        rkind = np.where(r < c, NUM, tail_kind(np.minimum(r, L - 1))).astype(np.int8)
        wkind = np.where(crossing, lowkind, rkind).astype(np.int8)
        wval = np.where(crossing, vlo, _rank_values(vals, c, np.where(crossing, -1, r)))
        ustart = u
        live = ustart < end
        cur = np.where(outmask, np.nan, out.astype(np.float64) if dt.kind != "f" else out)
        with np.errstate(invalid="ignore"):
            # valid entries of rank >= ustart (and < end): value-wise when the
            # value is the one at rank ustart - 1 of the current data
            by_value = (wkind == NUM) & (ustart >= 1) & (ustart <= c)
            sel_v = valid & np.where(by_value[:, None], cur > wval[:, None],
                                     (ustart <= 0)[:, None] | (ustart < c)[:, None])
            sel_v &= (np.minimum(end, c) > np.maximum(ustart, 0))[:, None] | by_value[:, None]
        sel = (sel_v | tail_range(np.maximum(ustart, c), end)) & live[:, None]
        assign(sel, wkind, wval)
    # back to the input's layout
    if ax is None:  # axis=None
        res_data = out.reshape(shape)
        res_mask = outmask.reshape(shape)
    else:
        moved = tuple(s for i, s in enumerate(shape) if i != ax % len(shape)) + (shape[ax],)
        res_data = np.moveaxis(out.reshape(moved), -1, ax)
        res_mask = np.moveaxis(outmask.reshape(moved), -1, ax)
    data[...] = res_data
    if marr.mask is not ma.nomask or res_mask.any():
        marr.mask = res_mask
    return _finish_winsorize(src, marr, inplace)


def _finish_winsorize(src: Any, marr: ma.MaskedArray, inplace: bool) -> ma.MaskedArray:
    if inplace and isinstance(src, ma.MaskedArray) and src.mask is not ma.nomask \
            and marr.mask is not ma.nomask and src.mask.shape == marr.mask.shape:
        cast(np.ndarray, src.mask)[...] = marr.mask  # an array: not nomask
    return marr
