"""The robust aggregator: cut both tails, report the centre with its interval, label every
value, keep the cut values identifiable (docs/aggregate.md).

The maths is in include/robstat/aggregate.hpp (reached through robstat._core.aggregate); this
module handles the arguments, the group keys and the result objects.
"""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from . import _core
from ._api import (
    _TRIM_DEFAULT,
    _as_float_array,
    _check_policy,
    _trim_spec,
    _warn_small,
    _weighted_inputs,
    _workers,
)

__all__ = ["Aggregate", "CutValue", "GroupedAggregate", "aggregate", "AGGREGATE_METHODS"]

AGGREGATE_METHODS = ("trim", "mad", "iqr", "adjbox", "sigma_clip", "huber", "fit")

#: method="fit": the default cut, in standard deviations of the fitted normal
FIT_THRESHOLD = 3.0
#: method="fit": at most this many fit-and-cut rounds
FIT_MAX_ROUNDS = 100

# the per-group statistics, in the order of robstat::aggregate_stat
_STATS = ("center", "scale", "ci_lower", "ci_upper", "lower_cut", "upper_cut")
_COUNTS = ("n", "n_kept", "n_low", "n_high")


class CutValue(NamedTuple):
    """One cut value of an outlier report (:meth:`Aggregate.outliers`)."""

    index: Any  #: position in the input (an int, or a tuple for N-d input)
    value: float
    zscore: float  #: (value - median) / (1.4826 MAD) of the values used
    side: str  #: "low" or "high"


def _input_values(x: np.ndarray | None) -> np.ndarray:
    """The input values a result keeps (set by aggregate(); None only in a hand-made result)."""
    if x is None:
        raise ValueError("this result holds no input values (it was not made by robstat.aggregate)")
    return x


def _report(x: np.ndarray, labels: np.ndarray, positions: np.ndarray | None,
            top: int | None, shape: tuple[int, ...]) -> list[CutValue]:
    """The cut values of one group (x: its values, labels: theirs, positions: their flat
    indices in the input, None for 0..n-1), most extreme robust z-score first."""
    from ._api import mad, median  # (robust_zscore of the whole input is not needed)

    cut = np.flatnonzero(labels != 0)
    if cut.size == 0:
        return []
    finite = x[~np.isnan(x)] if x.dtype.kind == "f" else x
    pos = cut if positions is None else positions[cut]
    return _ranked_cut(x[cut], pos, labels[cut] < 0, float(median(finite)), float(mad(finite)),
                       top, shape)


def _ranked_cut(values: np.ndarray, pos: np.ndarray, low: np.ndarray, med: float, s: float,
                top: int | None, shape: tuple[int, ...]) -> list[CutValue]:
    """The report of cut values (their flat positions pos in an input of `shape`, low: True
    for the low side), with robust z-scores from the median med and MAD s of the values
    used; most extreme first, then by position."""
    vals = values.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (vals - med) / s if s > 0 else np.where(vals > med, np.inf, -np.inf)
    order = np.lexsort((pos, -np.abs(z)))
    if top is not None:
        order = order[:top]
    out = []
    for k in order:
        p = int(pos[k])
        index: Any = p if len(shape) <= 1 else tuple(int(i) for i in np.unravel_index(p, shape))
        out.append(CutValue(index, float(vals[k]), float(z[k]), "low" if low[k] else "high"))
    return out


@dataclass(frozen=True, repr=False, eq=False)
class Aggregate:
    """Result of :func:`robstat.aggregate` (one group).

    Attributes
    ----------
    center : float
        The centre of the kept values (method ``trim``: the trimmed mean; ``huber``: the
        Huber M-estimate; the fence methods: the mean of the kept values).
    scale : float
        The spread: the standard deviation (ddof 1) of the kept values, or for ``huber`` the
        scale it used (1.4826 MAD).
    ci : (float, float)
        The confidence interval of the centre (NaN where none was computed).
    lower_cut, upper_cut : float
        Values below ``lower_cut`` / above ``upper_cut`` were cut. ``trim``: the smallest
        and largest kept values (ties at a cut are cut by position); the fence methods:
        the fences; ``huber``: ``center -+ k * scale``.
    n, n_kept, n_low, n_high : int
        Values used (NaN omitted), kept, cut low, cut high.
    labels : ndarray of int8, the input's shape
        -1 cut low, 0 kept (also NaN), +1 cut high.
    method : str
    fit : FitResult or None
        ``method="fit"``: the truncated normal fit of the last round (``fit.dist()`` is the
        truncated distribution; ``center``/``scale`` are its untruncated loc and scale).
    """

    center: float
    scale: float
    ci: tuple[float, float]
    lower_cut: float
    upper_cut: float
    n: int
    n_kept: int
    n_low: int
    n_high: int
    labels: np.ndarray
    method: str
    confidence: float
    fit: Any = None
    _x: np.ndarray | None = field(default=None, repr=False)

    @property
    def kept(self) -> np.ndarray:
        """True for the values kept (label 0 and not NaN)."""
        keep: np.ndarray = self.labels == 0
        if self._x is not None and self._x.dtype.kind == "f":
            keep &= ~np.isnan(self._x)
        return keep

    def outliers(self, top: int | None = None) -> list[CutValue]:
        """The cut values, most extreme robust z-score first: a list of
        ``CutValue(index, value, zscore, side)``. ``top`` keeps the first ``top``."""
        if top is not None:
            top = operator.index(top)
            if top < 0:
                raise ValueError(f"top must be >= 0 (got {top})")
        flat = _input_values(self._x).reshape(-1)
        return _report(flat, self.labels.reshape(-1), None, top, self.labels.shape)

    def to_dict(self, labels: bool = False) -> dict[str, Any]:
        """The result as plain Python values (``labels=True`` adds the labels as a list)."""
        d: dict[str, Any] = {
            "method": self.method,
            "center": self.center,
            "scale": self.scale,
            "ci": list(self.ci),
            "confidence": self.confidence,
            "lower_cut": self.lower_cut,
            "upper_cut": self.upper_cut,
            "n": self.n,
            "n_kept": self.n_kept,
            "n_low": self.n_low,
            "n_high": self.n_high,
            "fit": None if self.fit is None else self.fit.to_dict(),
        }
        if labels:
            d["labels"] = self.labels.tolist()
        return d

    def __repr__(self) -> str:
        return (
            f"Aggregate(method={self.method!r}, center={self.center!r}, scale={self.scale!r}, "
            f"ci=({self.ci[0]!r}, {self.ci[1]!r}), lower_cut={self.lower_cut!r}, "
            f"upper_cut={self.upper_cut!r}, n={self.n}, n_kept={self.n_kept}, "
            f"n_low={self.n_low}, n_high={self.n_high})"
        )


@dataclass(frozen=True, repr=False, eq=False)
class GroupedAggregate:
    """Result of :func:`robstat.aggregate` with ``groups=``: one entry per group, in the
    sorted order of the keys. Per-group arrays ``center``, ``scale``, ``ci_lower``,
    ``ci_upper``, ``lower_cut``, ``upper_cut``, ``n``, ``n_kept``, ``n_low``, ``n_high``;
    ``labels`` per value of the input; ``result[key]`` is the :class:`Aggregate` of one
    group; :meth:`to_frame` the tidy table (one row a group)."""

    keys: Any
    center: np.ndarray
    scale: np.ndarray
    ci_lower: np.ndarray
    ci_upper: np.ndarray
    lower_cut: np.ndarray
    upper_cut: np.ndarray
    n: np.ndarray
    n_kept: np.ndarray
    n_low: np.ndarray
    n_high: np.ndarray
    labels: np.ndarray
    codes: np.ndarray
    method: str
    confidence: float
    key_names: tuple[Any, ...] = ()
    _x: np.ndarray | None = field(default=None, repr=False)
    fits: tuple[Any, ...] = ()  #: method="fit": the FitResult of each group (None where none)

    def __len__(self) -> int:
        return len(self.center)

    def _position(self, key: Any) -> int:
        keys = list(self.keys)
        try:
            return keys.index(key)
        except ValueError:
            raise KeyError(key) from None

    def __getitem__(self, key: Any) -> Aggregate:
        g = self._position(key)
        members = np.flatnonzero(self.codes == g)
        return Aggregate(
            center=float(self.center[g]), scale=float(self.scale[g]),
            ci=(float(self.ci_lower[g]), float(self.ci_upper[g])),
            lower_cut=float(self.lower_cut[g]), upper_cut=float(self.upper_cut[g]),
            n=int(self.n[g]), n_kept=int(self.n_kept[g]), n_low=int(self.n_low[g]),
            n_high=int(self.n_high[g]), labels=self.labels[members], method=self.method,
            confidence=self.confidence, fit=self.fits[g] if self.fits else None,
            _x=_input_values(self._x)[members])

    def outliers(self, top: int | None = None) -> list[tuple[Any, CutValue]]:
        """The cut values of every group as ``(key, CutValue)`` pairs, most extreme robust
        z-score (within its group) first; ``top`` keeps the first ``top``."""
        rows: list[tuple[Any, CutValue]] = []
        order = np.argsort(self.codes, kind="stable")
        bounds = np.searchsorted(self.codes[order], np.arange(len(self) + 1))
        keys = list(self.keys)
        for g in np.flatnonzero(self.n_low + self.n_high):
            members = order[bounds[g]:bounds[g + 1]]
            for c in _report(_input_values(self._x)[members], self.labels[members], members, None,
                             self.labels.shape):
                rows.append((keys[g], c))
        rows.sort(key=lambda r: -abs(r[1].zscore))
        return rows if top is None else rows[:operator.index(top)]

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row a group, indexed by the keys."""
        import pandas as pd

        cols = {name: getattr(self, name) for name in _STATS + _COUNTS}
        if isinstance(self.keys, pd.Index):
            index = self.keys
        else:
            index = pd.Index(self.keys, name=self.key_names[0] if self.key_names else "group")
        df = pd.DataFrame(cols, index=index)
        df.attrs["method"] = self.method
        df.attrs["confidence"] = self.confidence
        return df

    def __repr__(self) -> str:
        return (f"GroupedAggregate(method={self.method!r}, groups={len(self)}, "
                f"values={self.labels.size}, cut={int(np.sum(self.n_low + self.n_high))})")


def _codes_of(groups: Any, n: int) -> tuple[np.ndarray, Any, tuple[Any, ...]]:
    """Group codes 0..G-1 in the sorted order of the keys (one hash or sort), the keys, and
    their names. Missing keys (NaN, None) are an error: say which value has one."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is in the test extra
        pd = None  # type: ignore[assignment]  # (a module or None)
    if pd is not None and isinstance(groups, pd.DataFrame):
        if len(groups) != n:
            raise ValueError(f"groups has {len(groups)} rows but x has {n} values")
        idx = pd.MultiIndex.from_frame(groups)
        codes, keys = pd.factorize(idx, sort=True)
        names = tuple(groups.columns)
        keys = pd.MultiIndex.from_tuples(list(keys), names=names)
    else:
        if pd is not None and isinstance(groups, (pd.Series, pd.Index, pd.Categorical)):
            g: Any = groups
            names = (getattr(groups, "name", None) or "group",)
        else:
            g = np.asarray(groups)
            if g.ndim != 1:
                raise ValueError(f"groups must be 1-d, one key per value (got shape {g.shape})")
            names = ("group",)
        if len(g) != n:
            raise ValueError(f"groups has {len(g)} keys but x has {n} values")
        if pd is not None:
            # hash once, then sort the (few) keys and renumber: 3x faster than sort=True
            codes, uniq = pd.factorize(g, sort=False)
            order = np.argsort(np.asarray(uniq), kind="stable")
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            codes = np.where(codes >= 0, rank[np.maximum(codes, 0)], -1)
            keys = pd.Index(np.asarray(uniq)[order], name=names[0])
        else:  # pragma: no cover
            keys, codes = np.unique(g, return_inverse=True)
    codes = np.asarray(codes, dtype=np.int64)
    missing = np.flatnonzero(codes < 0)
    if missing.size:
        raise ValueError(
            f"groups has {missing.size} missing keys (NaN or None), the first at position "
            f"{int(missing[0])}; drop those values or give them a key")
    return codes, keys, names


def _method_name(method: Any) -> str:
    if not isinstance(method, str) or method not in AGGREGATE_METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, AGGREGATE_METHODS))} "
                         f"(got {method!r})")
    return method


def _ci_mode(ci: Any) -> str:
    if ci is None or ci is False:
        return "none"
    if ci in ("auto", "bootstrap", "none"):
        return str(ci)
    raise ValueError(f"ci must be 'auto', 'bootstrap', 'none' or None (got {ci!r})")


def aggregate(x: npt.ArrayLike, *, method: str = "trim", trim: Any = _TRIM_DEFAULT,
              ntrim: Any = None, threshold: float | None = None, weights: Any = None,
              groups: Any = None, confidence: float = 0.95, ci: str | None = "auto",
              n_boot: int = 1000, seed: int = 0, nan_policy: str = "propagate",
              workers: int | None = None, family: str = "normal") -> Any:
    """Robust aggregation in one call: cut both tails, report the centre of what is kept
    with its confidence interval, and label every value.

    Parameters
    ----------
    x : array_like
        The values (any shape; aggregated as one sample, labels in the same shape). A
        pandas Series keeps its index in the grouped output.
    method : {"trim", "mad", "iqr", "adjbox", "sigma_clip", "huber", "fit"}
        ``trim``: cut ``floor(trim * n)`` values from each tail, centre = trimmed mean,
        Yuen's interval. ``mad``, ``iqr``, ``adjbox``, ``sigma_clip``: cut the values
        outside the fences of :func:`robstat.outliers` with that rule, centre = mean of
        the kept values. ``huber``: the Huber M-estimate with the normal-consistent MAD as
        scale; the values with ``|x - center| > k * scale`` (whose influence is capped) are
        labelled; sandwich interval. ``fit``: a normal fitted robustly (median, MAD), cut
        at ``loc -+ threshold * scale`` (default 3), refitted to the kept values by the
        likelihood of the normal truncated at the cuts, until the kept set is stable: the
        centre and scale are the untruncated normal's (consistent, where the SD of trimmed
        values is not), the interval from the truncated fit's standard error, and ``fit`` the
        :class:`FitResult` (grouped: ``fits``, one per group, and a loop over the groups
        in Python). No bootstrap; ``+-inf`` is an error. Other families: see `family`.
    trim, ntrim : float, (lower, upper) tuple, or counts
        ``method="trim"`` only: the proportion (default 0.1) or number of values cut per
        tail, as in :func:`robstat.trimmed_mean` (one level).
    threshold : float, optional
        The rule's threshold (``mad`` 3.5, ``iqr`` 1.5, ``adjbox`` 1.5, ``sigma_clip`` 3:
        those of :func:`robstat.outliers`) or Huber's ``k`` (1.345).
    weights : array_like, optional
        Frequency weights (finite, >= 0; the shape of ``x``), for example a reputation or a
        sample size per value: integer weights give the centre, scale, cut points and
        interval of the repeated values. Methods ``trim`` (floor(trim * W) weight cut per
        tail, a value straddling a cut keeps the part of its weight inside and is labelled
        0), ``mad`` and ``iqr`` (weighted median, MAD and quartiles; centre and scale the
        weighted mean and SD of the kept values), ``sigma_clip`` (each round the weighted
        median and MAD of the finite values still kept, as on the repeated values),
        ``huber`` (weighted Huber with the weighted MAD, weighted sandwich interval) and
        ``fit``; ``adjbox`` and counts (``ntrim``) raise ValueError. ``ci="bootstrap"``
        resamples round(total weight) values with probabilities proportional to the
        weights (integer weights: the interval of the repeated values, bit for bit).
        Labels and counts are per value; zero-weight values are absent (label 0, counted
        nowhere). The weighted trimmed mean has no analytic interval (NaN).
    groups : array_like, pandas Series or DataFrame, optional
        One key per value: aggregate each group. The keys are hashed once, the groups
        gathered by one counting sort in C++ and aggregated on ``workers`` threads.
        Returns a :class:`GroupedAggregate`, or a pandas DataFrame (one row a group,
        ``attrs["labels"]`` the labels on ``x``'s index) when ``x`` or ``groups`` is a
        pandas object. Missing keys raise ValueError.
    confidence : float
        Level of the interval, in (0, 1).
    ci : {"auto", "bootstrap", "none"} or None
        ``auto``: the analytic interval where theory gives one (trim: Yuen, symmetric
        trimming; huber: sandwich), NaN otherwise; ``bootstrap``: the percentile interval
        of the whole procedure over ``n_boot`` resamples drawn with ``seed``
        (xoshiro256**: the same interval on every platform); ``none``/None: NaN.
    nan_policy : {"propagate", "omit", "raise"}
        ``omit``: NaN values are left out (labelled 0, counted nowhere).
    workers : int, optional
        Threads for grouped input (results identical for any number).
    family : str
        ``method="fit"`` only: the family fitted (default ``"normal"``; also
        ``"lognormal"``, ``"exponential"``, ``"weibull"``, ``"logistic"``, ``"cauchy"``,
        the families with truncated fits). It is started on the values between the
        quartiles (fitted truncated to them), cut at its quantiles ``Phi(-+threshold)``
        (the tail probabilities of ``loc -+ threshold * scale`` of a normal) and refitted,
        truncated at the cuts, until the kept set is stable; the centre is the fitted
        median, the scale the fitted IQR / 1.349 (normal-consistent), the interval the
        median's delta-method standard error from the fit's covariance.

    Returns
    -------
    Aggregate, GroupedAggregate or pandas.DataFrame
    """
    method = _method_name(method)
    pol = _check_policy(nan_policy)
    w = _workers(workers)
    mode = _ci_mode(ci)
    if method != "trim" and (trim is not _TRIM_DEFAULT or ntrim is not None):
        raise ValueError(f"trim= and ntrim= apply to method='trim' only (method={method!r})")
    lower, upper, by_count = _trim_spec(trim, ntrim, "trim", "ntrim")
    if threshold is not None:
        threshold = float(threshold)
    confidence = float(confidence)
    if isinstance(n_boot, (bool, np.bool_)) or isinstance(seed, (bool, np.bool_)):
        raise TypeError("n_boot and seed must be ints")
    n_boot = operator.index(n_boot)
    seed = operator.index(seed)
    if n_boot < 0:
        raise ValueError(f"n_boot must be in [2, 1e8] (got {n_boot})")
    if not 0 <= seed < 2**64:
        raise ValueError(f"seed must be in [0, 2**64) (got {seed})")

    pandas_in = _is_pandas(x) or _is_pandas(groups)
    index = getattr(x, "index", None) if _is_pandas(x) else None
    xa = np.asarray(x)
    if family != "normal" and method != "fit":
        raise ValueError(f"family= applies to method='fit' only (method={method!r})")
    if method == "fit":
        family = _fit_family(family)
        if mode == "bootstrap":
            raise ValueError("method='fit' has its analytic interval only (ci='auto' or 'none')")
        a, wa = (_as_float_array(xa)[0], None) if weights is None else \
            _weighted_inputs(xa, np.asarray(weights), None)[:2]
        if groups is None:
            r = _aggregate_fit(a, wa, threshold, confidence, pol, family)
            if mode == "none":
                r = dataclasses.replace(r, ci=(float("nan"), float("nan")))
            return r
        return _grouped_fit(a, wa, groups, threshold, confidence, pol, mode, family,
                            _is_pandas(x) or _is_pandas(groups),
                            getattr(x, "index", None) if _is_pandas(x) else None)
    if weights is None:
        a, _ = _as_float_array(xa)
        wflat = None
    else:
        a, wa, _, _ = _weighted_inputs(xa, np.asarray(weights), None)
        wflat = wa.reshape(-1)
    shape = a.shape
    flat = a.reshape(-1)
    args = (method, lower, upper, by_count, threshold, confidence, mode, n_boot, seed, pol)

    if groups is None:
        stats, counts, labels, n_small = _core.aggregate(flat, wflat, None, 0, *args, workers=w)
        _warn_small(1 if flat.size == 0 else n_small, 1)
        s = stats[0].astype(np.float64)
        c = counts[0]
        return Aggregate(
            center=float(s[0]), scale=float(s[1]), ci=(float(s[2]), float(s[3])),
            lower_cut=float(s[4]), upper_cut=float(s[5]), n=int(c[0]), n_kept=int(c[1]),
            n_low=int(c[2]), n_high=int(c[3]), labels=labels.reshape(shape), method=method,
            confidence=confidence, _x=a)

    codes, keys, names = _codes_of(groups, flat.size)
    stats, counts, labels, n_small = _core.aggregate(flat, wflat, codes, len(keys), *args,
                                                     workers=w)
    _warn_small(n_small, len(keys))
    s = stats.astype(np.float64)
    res = GroupedAggregate(
        keys=keys, center=s[:, 0], scale=s[:, 1], ci_lower=s[:, 2], ci_upper=s[:, 3],
        lower_cut=s[:, 4], upper_cut=s[:, 5], n=counts[:, 0], n_kept=counts[:, 1],
        n_low=counts[:, 2], n_high=counts[:, 3], labels=labels.reshape(shape), codes=codes,
        method=method, confidence=confidence, key_names=names, _x=flat)
    if not pandas_in:
        return res
    import pandas as pd

    df = res.to_frame()
    df.attrs["labels"] = pd.Series(labels, index=index, name="label")
    return df


# method="fit": the families with truncated fits (robstat.fit(..., truncation=))
FIT_FAMILIES = ("normal", "lognormal", "exponential", "weibull", "logistic", "cauchy")


def _fit_family(family: Any) -> str:
    from ._fit import _family_name

    name = _family_name(family)
    if name not in FIT_FAMILIES:
        raise ValueError(f"method='fit': family must be one of {', '.join(FIT_FAMILIES)} (the "
                         f"families with truncated fits; got {family!r})")
    return name


def _aggregate_fit(a: np.ndarray, w: np.ndarray | None, threshold: float | None,
                   confidence: float, pol: str, family: str = "normal") -> Aggregate:
    """method="fit": a normal fitted robustly (start: median and normal-consistent MAD), cut
    at loc -+ t scale, refitted to the kept values by the likelihood of a normal truncated
    to the cut points (robstat.fit(..., truncation=), C++ fit_truncated_normal), until the
    kept set no longer changes. The centre and scale are the untruncated normal's; the
    interval is loc -+ z se(loc) from the truncated fit's observed information."""
    import math
    import warnings

    from ._api import mad, median
    from ._fit import fit as _fit
    from ._mest import ConvergenceWarning

    t = FIT_THRESHOLD if threshold is None else float(threshold)
    if not (math.isfinite(t) and t > 0):
        raise ValueError(f"threshold (the cut in fitted standard deviations) must be finite "
                         f"and > 0 (got {t!r})")
    flat = a.reshape(-1)
    labels = np.zeros(flat.shape, dtype=np.int8)
    nan = np.isnan(flat)
    if w is not None:
        wf = w.reshape(-1)
        if not np.all(np.isfinite(wf) & (wf >= 0)):
            raise ValueError("weights must be finite and >= 0")
        nan &= wf > 0
    nanres: dict[str, Any] = dict(
        center=math.nan, scale=math.nan, ci=(math.nan, math.nan), lower_cut=math.nan,
        upper_cut=math.nan, n=0, n_kept=0, n_low=0, n_high=0,
        labels=labels.reshape(a.shape), method="fit", confidence=confidence, _x=a)
    if nan.any():
        if pol == "raise":
            raise ValueError("The input contains nan values (nan_policy=raise)")
        if pol == "propagate":
            return Aggregate(**nanres)
    use = ~np.isnan(flat) if w is None else (~np.isnan(flat) & (w.reshape(-1) > 0))
    v = flat[use].astype(np.float64)
    vw = None if w is None else w.reshape(-1)[use].astype(np.float64)
    if v.size == 0:
        from ._api import _warn_small as warn

        warn(1, 1)
        return Aggregate(**nanres)
    if not np.all(np.isfinite(v)):
        raise ValueError("method='fit' needs finite values: +-inf has no normal likelihood "
                         "(cut them first, or use another method)")
    if family != "normal":
        return _aggregate_fit_family(a, v, vw, use, labels, t, confidence, family)
    loc = float(median(v) if vw is None else median(v, weights=vw))
    scale = float(mad(v) if vw is None else mad(v, weights=vw))
    res = None
    kept = None
    if scale > 0 and v.size >= 3:
        for _ in range(FIT_MAX_ROUNDS):
            lo, hi = loc - t * scale, loc + t * scale
            new_kept = (v >= lo) & (v <= hi)
            if kept is not None and np.array_equal(new_kept, kept):
                break
            kept = new_kept
            if np.count_nonzero(kept) < 3:
                break
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                res = _fit(v[kept], "normal", truncation=(lo, hi),
                           weights=None if vw is None else vw[kept])
            if not res.converged:
                warnings.warn(f"method='fit': the truncated normal fit did not converge "
                              f"({res.message}); the result is that of the last round",
                              ConvergenceWarning, stacklevel=3)
                break
            loc, scale = float(res.params["loc"]), float(res.params["scale"])
    lo, hi = loc - t * scale, loc + t * scale
    lab = np.where(v > hi, 1, np.where(v < lo, -1, 0)).astype(np.int8)
    labels[use] = lab
    n_low, n_high = int(np.count_nonzero(lab < 0)), int(np.count_nonzero(lab > 0))
    ci = (math.nan, math.nan)
    if res is not None and res.converged and math.isfinite(res.se.get("loc", math.nan)):
        from scipy.special import ndtri  # (scipy is a dependency of robstat.fit's dist())

        z = float(ndtri(0.5 + confidence / 2.0))
        ci = (loc - z * res.se["loc"], loc + z * res.se["loc"])
    return Aggregate(center=loc, scale=scale, ci=ci, lower_cut=lo, upper_cut=hi, n=int(v.size),
                     n_kept=int(v.size) - n_low - n_high, n_low=n_low, n_high=n_high,
                     labels=labels.reshape(a.shape), method="fit", confidence=confidence,
                     fit=res, _x=a)


def _aggregate_fit_family(a: np.ndarray, v: np.ndarray, vw: np.ndarray | None,
                          use: np.ndarray, labels: np.ndarray, t: float, confidence: float,
                          family: str) -> Aggregate:
    """method="fit" for a family other than the normal (the finite values `v` with
    weights `vw`, at positions `use` of the input): start with the family fitted to the
    values between the quartiles (truncated to them), cut at its quantiles Phi(-+t), refit
    truncated at the cuts until the kept set is stable. Centre = fitted median, scale =
    fitted IQR / 1.349, interval = median -+ z se (delta method). docs/aggregate.md."""
    import math
    import warnings

    import scipy.stats

    from ._api import _caller_stacklevel, median, quantile
    from ._fit import _FAMILY_INFO
    from ._fit import fit as _fit
    from ._mest import ConvergenceWarning

    positive = bool(_FAMILY_INFO[family][4])
    # the support of the positive families (loc fixed at 0): x > 0, the exponential's x >= 0
    support = (v >= 0 if family == "exponential" else v > 0) if positive else \
        np.ones(v.shape, dtype=bool)
    p_tail = float(scipy.stats.norm.sf(t))
    q1, q3 = (float(q) for q in (quantile(v, [0.25, 0.75]) if vw is None
                                 else quantile(v, [0.25, 0.75], weights=vw)))
    lo, hi = (max(q1, 0.0) if positive else q1), q3
    res = None  # the last converged fit; (lo, hi) are its quantiles once there is one
    kept = None
    why = ""
    for _ in range(FIT_MAX_ROUNDS):
        new_kept = (v >= lo) & (v <= hi) & support
        if kept is not None and np.array_equal(new_kept, kept):
            break
        if np.count_nonzero(new_kept) < 3:
            why = (f"fewer than 3 values between the cuts [{lo!r}, {hi!r}] in the "
                   f"{family}'s support")
            break
        if not lo < hi:
            why = f"the quartiles are equal ({lo!r}): no spread to fit"
            break
        kept = new_kept
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                r = _fit(v[kept], family, truncation=(lo, hi),
                         weights=None if vw is None else vw[kept])
        except ValueError as e:  # e.g. the kept values are constant
            why = str(e)
            break
        if not r.converged:
            why = f"the truncated {family} fit did not converge ({r.message})"
            break
        res = r
        d = getattr(scipy.stats, res.scipy_name)(**res.params)
        lo, hi = float(d.ppf(p_tail)), float(d.ppf(1.0 - p_tail))
    else:
        why = f"the kept set did not settle in {FIT_MAX_ROUNDS} rounds"
    if res is None:  # no fit at all: say so, cut nothing
        warnings.warn(f"method='fit', family={family!r}: no {family} fit ({why}); the "
                      "centre is the median and nothing is cut", ConvergenceWarning,
                      stacklevel=_caller_stacklevel())
        med0 = float(median(v) if vw is None else median(v, weights=vw))
        return Aggregate(center=med0, scale=math.nan, ci=(math.nan, math.nan),
                         lower_cut=math.nan, upper_cut=math.nan, n=int(v.size),
                         n_kept=int(v.size), n_low=0, n_high=0,
                         labels=labels.reshape(a.shape), method="fit",
                         confidence=confidence, fit=None, _x=a)
    if why:
        warnings.warn(f"method='fit', family={family!r}: {why}; the result is that of the "
                      "last round", ConvergenceWarning, stacklevel=_caller_stacklevel())
    fitted = res
    lab = np.where(v > hi, 1, np.where((v < lo) | ~support, -1, 0)).astype(np.int8)
    labels[use] = lab
    n_low, n_high = int(np.count_nonzero(lab < 0)), int(np.count_nonzero(lab > 0))

    def quantiles(params: dict[str, float], qs: tuple[float, ...]) -> np.ndarray:
        dist = getattr(scipy.stats, fitted.scipy_name)(**params)
        return np.asarray(dist.ppf(qs), dtype=float)

    med, q25, q75 = quantiles(res.params, (0.5, 0.25, 0.75))
    center, scale = float(med), float((q75 - q25) / (2 * scipy.stats.norm.ppf(0.75)))
    ci = (math.nan, math.nan)
    if res.converged and np.all(np.isfinite(res.cov)):
        names = list(res.params)
        grad = np.zeros(len(names))
        for j, k in enumerate(names):  # d median / d param, central differences
            if k in res.fixed:
                continue
            h = 1e-6 * max(abs(res.params[k]), 1e-3)
            up, dn = dict(res.params), dict(res.params)
            up[k] += h
            dn[k] -= h
            grad[j] = (quantiles(up, (0.5,))[0] - quantiles(dn, (0.5,))[0]) / (2 * h)
        se = float(np.sqrt(max(grad @ res.cov @ grad, 0.0)))
        z = float(scipy.stats.norm.ppf(0.5 + confidence / 2.0))
        ci = (center - z * se, center + z * se)
    return Aggregate(center=center, scale=scale, ci=ci, lower_cut=lo, upper_cut=hi,
                     n=int(v.size), n_kept=int(v.size) - n_low - n_high, n_low=n_low,
                     n_high=n_high, labels=labels.reshape(a.shape), method="fit",
                     confidence=confidence, fit=res, _x=a)


def _grouped_fit(a: np.ndarray, w: np.ndarray | None, groups: Any, threshold: float | None,
                 confidence: float, pol: str, mode: str, family: str, pandas_out: bool,
                 index: Any) -> Any:
    """method="fit" by group: the truncated-normal rounds of each group (a loop over the
    groups in Python, each fit in C++; docs/aggregate.md)."""
    flat = a.reshape(-1)
    wf = None if w is None else w.reshape(-1)
    codes, keys, names = _codes_of(groups, flat.size)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(keys) + 1))
    G = len(keys)
    stats = np.full((G, 6), np.nan)
    counts = np.zeros((G, 4), dtype=np.int64)
    labels = np.zeros(flat.shape, dtype=np.int8)
    fits = []
    for g in range(G):
        members = order[bounds[g]:bounds[g + 1]]
        r = _aggregate_fit(flat[members], None if wf is None else wf[members], threshold,
                           confidence, pol, family)
        ci = (np.nan, np.nan) if mode == "none" else r.ci
        stats[g] = (r.center, r.scale, ci[0], ci[1], r.lower_cut, r.upper_cut)
        counts[g] = (r.n, r.n_kept, r.n_low, r.n_high)
        labels[members] = r.labels
        fits.append(r.fit)
    res = GroupedAggregate(
        keys=keys, center=stats[:, 0], scale=stats[:, 1], ci_lower=stats[:, 2],
        ci_upper=stats[:, 3], lower_cut=stats[:, 4], upper_cut=stats[:, 5], n=counts[:, 0],
        n_kept=counts[:, 1], n_low=counts[:, 2], n_high=counts[:, 3],
        labels=labels.reshape(a.shape), codes=codes, method="fit", confidence=confidence,
        key_names=names, _x=flat, fits=tuple(fits))
    if not pandas_out:
        return res
    import pandas as pd

    df = res.to_frame()
    df.attrs["labels"] = pd.Series(labels, index=index, name="label")
    return df


def _is_pandas(obj: Any) -> bool:
    mod = type(obj).__module__
    return mod == "pandas" or mod.startswith("pandas.")

