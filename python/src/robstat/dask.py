"""Exact aggregates over dask arrays, through the mergeable states of
:mod:`robstat.stream` (docs/streaming.md, "Dask").

Each block folds its values into a state, the states are merged in dask's tree
reduction (pickled between worker processes through their byte format), and
the result is taken from the merged state. Because the states hold exact sums,
the results are identical, bit for bit, whatever the chunking and however the
tree is shaped: ``robstat.dask.mean(x)`` equals
``robstat.stream.MomentsState().update(x.compute()).mean()``.

``median``, ``quantile`` and ``trimmed_mean`` (``axis=None``) select exactly in
two passes over the blocks (docs/streaming.md, "Exact order statistics"): a
sorted regular sample of each block brackets the wanted ranks, then each block
returns its count below the brackets, its few values inside them and the exact
sum of its values between them. The order statistics are exact, the quantile
formulas are the single-machine ones, and the trimmed mean is the correctly
rounded sum of the kept values divided by their count.
"""

from __future__ import annotations

import builtins
import math
from typing import Any, cast

import numpy as np

from . import _core
from ._api import SmallSampleWarning, _check_policy, _trim_pair
from .stream import MomentsState, SumState

__all__ = ["count", "max", "mean", "median", "min", "moments", "quantile", "std", "sum",
           "trimmed_mean", "var"]


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        if not isinstance(a, (int, np.integer)) or isinstance(a, bool):
            raise TypeError(f"axis must be None, an int or a tuple of ints (got {axis!r})")
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of bounds for an array of dimension {ndim}")
        out.append(int(a) % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in {axis!r}")
    return tuple(sorted(out))


def _block_states(block: np.ndarray, axis: tuple[int, ...], keepdims: bool) -> np.ndarray:
    """One MomentsState per lane of the block: an object array, the reduced axes
    kept with length 1."""
    keep = [d for d in range(block.ndim) if d not in axis]
    lanes = np.transpose(block, keep + list(axis)).reshape(
        int(math.prod(block.shape[d] for d in keep)), -1)
    out = np.empty(lanes.shape[0], dtype=object)
    for i, lane in enumerate(lanes):
        out[i] = MomentsState().update(lane)
    shape = [1 if d in axis else block.shape[d] for d in range(block.ndim)]
    return out.reshape(shape)


def _flat(parts: Any) -> list[np.ndarray]:
    if isinstance(parts, (list, tuple)):
        return [b for p in parts for b in _flat(p)]
    return [parts]


def _merge(parts: Any, axis: tuple[int, ...], keepdims: bool) -> np.ndarray:
    """Merge the state arrays of several blocks elementwise (exact)."""
    arrays = _flat(parts)
    out = np.empty(arrays[0].shape, dtype=object)
    for idx in np.ndindex(out.shape):
        s = MomentsState()
        for a in arrays:
            s.merge(cast(MomentsState, a[idx]))  # an element of an object array
        out[idx] = s
    return out


def _moments_array(x: Any, axis: Any, split_every: Any) -> Any:
    import dask.array as da

    arr = da.asarray(x)  # type: ignore[no-untyped-call]
    kind = arr.dtype.kind
    if kind not in "biuf" or (kind == "f" and arr.dtype.itemsize > 8):
        raise TypeError(f"robstat.dask needs real numbers: got dtype {arr.dtype!r} "
                        "(bool, integer and float dtypes up to float64 are accepted)")
    axes = _axes(axis, arr.ndim)
    states = da.reduction(  # type: ignore[no-untyped-call]
        arr, _block_states, _merge, combine=_merge, axis=axes, keepdims=True, dtype=object,
        concatenate=False, split_every=split_every, meta=np.empty((0,) * arr.ndim, dtype=object))
    return states, axes


def moments(x: Any, *, axis: Any = None, split_every: Any = None) -> Any:
    """The merged :class:`robstat.stream.MomentsState` of a dask array, lazily:
    a dask array of states (object dtype) with the reduced axes kept with
    length 1. ``.compute()`` it and take any result from the states."""
    states, _ = _moments_array(x, axis, split_every)
    return states


def _call(x: Any, axis: Any, keepdims: bool, split_every: Any, method: str,
          nan_policy: str, *args: Any) -> Any:
    policy = _check_policy(nan_policy)
    states, axes = _moments_array(x, axis, split_every)
    dtype = np.int64 if method == "count" else np.float64

    def finish(block: np.ndarray) -> np.ndarray:
        out = np.empty(block.shape, dtype=dtype)
        for idx in np.ndindex(block.shape):
            out[idx] = getattr(block[idx], method)(*args, nan_policy=policy)
        if keepdims:
            return out
        kept_shape = [int(out.shape[d]) for d in range(out.ndim) if d not in axes]
        return out.reshape(kept_shape)

    if keepdims:
        return states.map_blocks(finish, dtype=dtype, meta=np.empty((0,) * states.ndim, dtype))
    kept = states.ndim - len(axes)
    return states.map_blocks(finish, dtype=dtype, drop_axis=list(axes),
                             meta=np.empty((0,) * kept, dtype))


def sum(x: Any, *, axis: Any = None, nan_policy: str = "propagate", keepdims: bool = False,
        split_every: Any = None) -> Any:
    """Correctly rounded sum (lazy dask array; 0-d for ``axis=None``)."""
    return _call(x, axis, keepdims, split_every, "sum", nan_policy)


def count(x: Any, *, axis: Any = None, nan_policy: str = "propagate", keepdims: bool = False,
          split_every: Any = None) -> Any:
    """Number of values (NaN not counted under ``nan_policy="omit"``)."""
    return _call(x, axis, keepdims, split_every, "count", nan_policy)


def mean(x: Any, *, axis: Any = None, nan_policy: str = "propagate", keepdims: bool = False,
         split_every: Any = None) -> Any:
    """Mean within an ulp of the exact value, identical for every chunking."""
    return _call(x, axis, keepdims, split_every, "mean", nan_policy)


def var(x: Any, ddof: float = 0, *, axis: Any = None, nan_policy: str = "propagate",
        keepdims: bool = False, split_every: Any = None) -> Any:
    """Variance from the exactly computed squared deviations (no cancellation)."""
    return _call(x, axis, keepdims, split_every, "var", nan_policy, float(ddof))


def std(x: Any, ddof: float = 0, *, axis: Any = None, nan_policy: str = "propagate",
        keepdims: bool = False, split_every: Any = None) -> Any:
    """Standard deviation, finite whenever the exact value is."""
    return _call(x, axis, keepdims, split_every, "std", nan_policy, float(ddof))


def min(x: Any, *, axis: Any = None, nan_policy: str = "propagate", keepdims: bool = False,
        split_every: Any = None) -> Any:
    """Smallest value (NaN when a lane is empty)."""
    return _call(x, axis, keepdims, split_every, "min", nan_policy)


def max(x: Any, *, axis: Any = None, nan_policy: str = "propagate", keepdims: bool = False,
        split_every: Any = None) -> Any:
    """Largest value (NaN when a lane is empty)."""
    return _call(x, axis, keepdims, split_every, "max", nan_policy)


# ---- exact order statistics in two passes (axis=None) ----------------------------

_SAMPLE = 512  # sample values a block contributes to the bracket search


def _finite_or_inf(block: np.ndarray) -> tuple[np.ndarray, int]:
    v = np.asarray(block, dtype=np.float64).reshape(-1)
    nan = np.isnan(v)
    n_nan = int(np.count_nonzero(nan))
    return (v[~nan] if n_nan else v), n_nan


def _pass1(block: np.ndarray) -> tuple[int, int, np.ndarray, np.ndarray]:
    """(values, NaN count, a regular sample of the sorted values always holding
    the minimum and the maximum, the ranks of the sample values)."""
    v, n_nan = _finite_or_inf(block)
    step = builtins.max(1, -(-v.size // _SAMPLE))
    ranks = np.arange(0, v.size, step)
    if v.size and ranks[-1] != v.size - 1:
        ranks = np.append(ranks, v.size - 1)
    return v.size, n_nan, np.sort(v)[ranks], ranks


def _bracket(summaries: list[tuple[int, int, np.ndarray, np.ndarray]], rank: int
             ) -> tuple[float, float]:
    """Values lo <= x_(rank) <= hi from the block samples. Deterministic bounds:
    in a block, fewer than ranks[J] values lie below the J-th sample value t
    when J samples are below t, and at least ranks[K-1] + 1 values are <= t
    when K samples are."""
    cand = np.unique(np.concatenate([s[2] for s in summaries] + [np.array([-np.inf, np.inf])]))
    below_max = np.zeros(cand.size)  # upper bound of count(x < t)
    le_min = np.zeros(cand.size)  # lower bound of count(x <= t)
    for n_b, _, samples, ranks in summaries:
        if n_b == 0:
            continue
        j = np.searchsorted(samples, cand, side="left")
        below_max += np.where(j >= samples.size, n_b, ranks[np.minimum(j, samples.size - 1)])
        k = np.searchsorted(samples, cand, side="right")
        le_min += np.where(k == 0, 0, ranks[np.maximum(k - 1, 0)] + 1)
    lo = cand[np.nonzero(below_max <= rank)[0][-1]]
    hi = cand[np.nonzero(le_min >= rank + 1)[0][0]]
    return float(lo), float(hi)


def _pass2(block: np.ndarray, brackets: list[tuple[float, float]]
           ) -> tuple[int, list[np.ndarray], list[SumState]]:
    """Count below the first bracket, the values inside each bracket, the exact
    sums of the values between consecutive brackets."""
    v, _ = _finite_or_inf(block)
    below = int(np.count_nonzero(v < brackets[0][0]))
    inside = [v[(v >= lo) & (v <= hi)] for lo, hi in brackets]
    gaps = [SumState().update(v[(v > brackets[i][1]) & (v < brackets[i + 1][0])])
            for i in range(len(brackets) - 1)]
    return below, inside, gaps


def _merge_brackets(bs: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for lo, hi in sorted(bs):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], builtins.max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


class _Runs:
    """The selected ranks: sorted runs of values with their first rank, and the
    exact sums between consecutive runs."""

    def __init__(self, ranks: list[int], summaries: list[Any], blocks: list[Any]) -> None:
        from dask.base import compute
        from dask.delayed import delayed

        self.brackets = _merge_brackets([_bracket(summaries, r) for r in ranks])
        parts = compute(*[delayed(_pass2)(b, self.brackets) for b in blocks])  # type: ignore[no-untyped-call]
        start = int(builtins.sum(p[0] for p in parts))
        self.starts: list[int] = []
        self.runs: list[np.ndarray] = []
        self.gaps: list[SumState] = []
        for k in range(len(self.brackets)):
            run = np.sort(np.concatenate([p[1][k] for p in parts]))
            self.starts.append(start)
            self.runs.append(run)
            start += run.size
            if k + 1 < len(self.brackets):
                gap = SumState()
                for p in parts:
                    gap.merge(p[2][k])
                self.gaps.append(gap)
                start += gap.count()
        for r in ranks:  # the bounds guarantee it; a failure is a robstat bug
            if not any(s <= r < s + run.size for s, run in zip(self.starts, self.runs)):
                raise RuntimeError(f"robstat.dask: rank {r} fell outside its bracket")

    def sum_ranks(self, first: int, last: int) -> SumState:
        """The exact sum of the values of ranks first..last (inclusive; both are
        selected ranks, so every gap lies wholly inside or outside)."""
        total = SumState()
        for k, (s, run) in enumerate(zip(self.starts, self.runs)):
            a, b = builtins.max(first, s), builtins.min(last, s + run.size - 1)
            if a <= b:
                total.update(run[a - s:b - s + 1])
            if k < len(self.gaps) and first <= s + run.size and self.starts[k + 1] - 1 <= last:
                total.merge(self.gaps[k])
        return total


def _two_pass(x: Any, nan_policy: str) -> tuple[list[Any], list[Any], int] | None:
    """The blocks, their pass-1 summaries and the count of values; None when the
    NaN policy makes the result NaN."""
    import dask.array as da
    from dask.base import compute
    from dask.delayed import delayed

    policy = _check_policy(nan_policy)
    arr = da.asarray(x)  # type: ignore[no-untyped-call]
    if arr.dtype.kind not in "biuf" or (arr.dtype.kind == "f" and arr.dtype.itemsize > 8):
        raise TypeError(f"robstat.dask needs real numbers: got dtype {arr.dtype!r} "
                        "(bool, integer and float dtypes up to float64 are accepted)")
    blocks = list(arr.to_delayed().reshape(-1))
    summaries = list(compute(*[delayed(_pass1)(b) for b in blocks]))  # type: ignore[no-untyped-call]
    n_nan = builtins.sum(s[1] for s in summaries)
    if n_nan and policy == "raise":
        raise ValueError("The input contains nan values (nan_policy=raise)")
    if n_nan and policy == "propagate":
        return None
    n = builtins.sum(s[0] for s in summaries)
    if n == 0:
        import warnings

        warnings.warn("The input is empty or has no value left after omitting NaN; "
                      "the result is NaN", SmallSampleWarning, stacklevel=3)
        return None
    return blocks, summaries, n


def quantile(x: Any, q: float, *, method: str = "linear", nan_policy: str = "propagate"
             ) -> float:
    """Exact quantile of all the values (``axis=None``), with the formulas and
    `method` names of :func:`robstat.quantile`; two passes over the blocks."""
    if not isinstance(q, (int, float, np.floating, np.integer)) or not 0 <= q <= 1:
        raise ValueError(f"q must be in [0, 1] (got {q!r})")
    return _quantile(x, float(q), method, nan_policy)


def median(x: Any, *, nan_policy: str = "propagate") -> float:
    """Exact median of all the values (``axis=None``); two passes over the blocks."""
    return _quantile(x, 0.5, "median", nan_policy)


def _quantile(x: Any, q: float, method: str, nan_policy: str) -> float:
    if method != "median":
        _core.quantile_from_runs(1, q, method, [0], [np.zeros(1)])  # validates the name
    plan = _two_pass(x, nan_policy)
    if plan is None:
        return math.nan
    blocks, summaries, n = plan
    h = math.floor(q * (n - 1))
    ranks = sorted({h, builtins.min(h + 1, n - 1)}) if method != "median" else sorted(
        {(n - 1) // 2, n // 2})
    runs = _Runs(ranks, summaries, blocks)
    return float(_core.quantile_from_runs(n, q, method, runs.starts, runs.runs))


def trimmed_mean(x: Any, trim: Any = 0.1, *, nan_policy: str = "propagate") -> float:
    """Exact trimmed mean of all the values (``axis=None``): floor(trim * n)
    values cut from each tail (a (lower, upper) pair for asymmetric cuts), the
    correctly rounded sum of the others divided by their count."""
    from . import _api

    lower, upper = _trim_pair(trim, "trim")
    _api.trimmed_mean(np.zeros(1), (lower, upper))  # the single-machine validation
    plan = _two_pass(x, nan_policy)
    if plan is None:
        return math.nan
    blocks, summaries, n = plan
    g_lo, g_hi = math.floor(lower * n), math.floor(upper * n)
    if lower == upper == 0.5 or g_lo + g_hi >= n:  # trim 0.5: the median, as robstat
        return _quantile(x, 0.5, "median", nan_policy)
    first, last = g_lo, n - 1 - g_hi
    runs = _Runs([first, last], summaries, blocks)
    return runs.sum_ranks(first, last).sum() / (last - first + 1)
