"""Exact aggregates over dask arrays, through the mergeable states of
:mod:`robstat.stream` (docs/streaming.md, "Dask").

Each block folds its values into a state, the states are merged in dask's tree
reduction (pickled between worker processes through their byte format), and
the result is taken from the merged state. Because the states hold exact sums,
the results are identical, bit for bit, whatever the chunking and however the
tree is shaped: ``robstat.dask.mean(x)`` equals
``robstat.stream.MomentsState().update(x.compute()).mean()``.

``median``, ``quantile``, ``trimmed_mean``, ``winsorized_mean`` and ``mad``
(``axis=None``) select exactly in two passes over the blocks
(docs/streaming.md, "Exact order statistics"): a sorted regular sample of each
block brackets the wanted ranks, then each block returns its count below the
brackets, its few values inside them and the exact sum of its values between
them. The order statistics are exact and the results are computed from them
with the single-machine arithmetic, so they equal the robstat functions on the
computed array (the trimmed mean is the correctly rounded kept sum over the
count, within an ulp of robstat's). ``robust_zscore`` and ``modified_zscore``
take the exact median and MAD, then score the blocks lazily. ``aggregate``
(methods ``trim``, ``mad``, ``iqr``, ``sigma_clip``) cuts at exact order statistics and
fences, labels the blocks lazily and holds the kept values' moments exactly.
With an ``axis``
these functions rechunk the reduced axes whole and run the single-machine
function on each block (exact; the data move). Dask Series are accepted, and
``groupby_aggregate`` gives exact per-group statistics of a dask DataFrame.
"""

from __future__ import annotations

import builtins
import math
from typing import Any, cast

import numpy as np

from . import _core
from ._aggregate import Aggregate as _Aggregate
from ._api import SmallSampleWarning, _check_policy, _trim_pair
from .stream import MomentsState, SumState

__all__ = ["AGGREGATE_METHODS", "GROUP_FUNCS", "DaskAggregate", "aggregate", "count",
           "groupby_aggregate", "mad", "max", "mean", "median", "min", "modified_zscore",
           "moments", "quantile", "robust_zscore", "std", "sum", "trimmed_mean", "var",
           "winsorized_mean"]


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

    arr = _as_dask(x)
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


# ---- input and result dtypes ------------------------------------------------------


def _as_dask(x: Any) -> Any:
    """A dask array of real numbers from a dask array, a dask Series (its values,
    with known chunk lengths) or anything ``dask.array.asarray`` takes."""
    import dask.array as da

    if not isinstance(x, da.Array) and hasattr(x, "to_dask_array"):  # a dask Series
        x = x.to_dask_array(lengths=True)
    arr = da.asarray(x)  # type: ignore[no-untyped-call]
    kind = arr.dtype.kind
    if kind not in "biuf" or (kind == "f" and arr.dtype.itemsize > 8):
        raise TypeError(f"robstat.dask needs real numbers: got dtype {arr.dtype!r} "
                        "(bool, integer and float dtypes up to float64 are accepted)")
    return arr


def _dtypes(dtype: np.dtype) -> tuple[np.dtype, np.dtype]:
    """(the dtype robstat computes in, the dtype of its results): float32 for
    float16/float32 input (cast back to float16), float64 otherwise."""
    if dtype.kind == "f" and dtype.itemsize <= 4:
        return np.dtype(np.float32), np.dtype(dtype)
    return np.dtype(np.float64), np.dtype(np.float64)


def _scalar(value: float, out: np.dtype, ndim: int, keepdims: bool) -> Any:
    """A whole-array result as robstat returns it: a NumPy scalar of the result
    dtype (a float subclass for float64), or an array of ones' shape."""
    v = np.asarray(value, dtype=np.float64).astype(out)
    return v.reshape((1,) * ndim) if keepdims else v[()]


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


def _gap_sums(v: np.ndarray, brackets: list[tuple[float, float]], scale: float
              ) -> list[SumState]:
    """Exact sums of the values strictly between consecutive brackets, each
    value times `scale` (a power of two, as the single-machine overflow guard)."""
    out = []
    for i in range(len(brackets) - 1):
        between = v[(v > brackets[i][1]) & (v < brackets[i + 1][0])]
        out.append(SumState().update(between if scale == 1.0 else between * scale))
    return out


def _pass2(block: np.ndarray, brackets: list[tuple[float, float]]
           ) -> tuple[int, list[np.ndarray], list[SumState]]:
    """Count below the first bracket, the values inside each bracket, the exact
    sums of the values between consecutive brackets."""
    v, _ = _finite_or_inf(block)
    below = int(np.count_nonzero(v < brackets[0][0]))
    inside = [v[(v >= lo) & (v <= hi)] for lo, hi in brackets]
    return below, inside, _gap_sums(v, brackets, 1.0)


def _pass_scaled(block: np.ndarray, brackets: list[tuple[float, float]], scale: float
                 ) -> list[SumState]:
    return _gap_sums(_finite_or_inf(block)[0], brackets, scale)


def _merge_brackets(bs: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for lo, hi in sorted(bs):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], builtins.max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _each_block(fn: Any, blocks: list[Any], *args: Any) -> list[Any]:
    """``fn(block, *args)`` for every (delayed) block, computed in one dask call."""
    from dask.base import compute
    from dask.delayed import delayed

    return list(compute(*[delayed(fn)(b, *args) for b in blocks]))  # type: ignore[no-untyped-call]


def _merged_moments(states: Any) -> MomentsState:
    out = MomentsState()
    for st in states:
        out.merge(st)
    return out


class _Plan:
    """Pass 1 over the blocks of a dask array: their delayed blocks, their
    summaries, the count of (non-NaN) values."""

    def __init__(self, blocks: list[Any], summaries: list[Any], n: int) -> None:
        self.blocks, self.summaries, self.n = blocks, summaries, n


def _two_pass(arr: Any, nan_policy: str, stacklevel: int = 3) -> _Plan | None:
    """Pass 1; None when the NaN policy makes the result NaN (or nothing is left)."""

    policy = _check_policy(nan_policy)
    blocks = list(arr.to_delayed().reshape(-1))
    summaries = _each_block(_pass1, blocks)
    n_nan = builtins.sum(s[1] for s in summaries)
    if n_nan and policy == "raise":
        raise ValueError("The input contains nan values (nan_policy=raise)")
    if n_nan and policy == "propagate":
        return None
    n = builtins.sum(s[0] for s in summaries)
    if n == 0:
        import warnings

        warnings.warn("The input is empty or has no value left after omitting NaN; "
                      "the result is NaN", SmallSampleWarning, stacklevel=stacklevel)
        return None
    return _Plan(blocks, summaries, n)


class _Runs:
    """The selected ranks: sorted runs of values with their first rank, and the
    exact sums between consecutive runs (pass 2)."""

    def __init__(self, ranks: list[int], plan: _Plan) -> None:

        self.plan = plan
        self.brackets = _merge_brackets([_bracket(plan.summaries, r) for r in ranks])
        parts = _each_block(_pass2, plan.blocks, self.brackets)
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
                self.gaps.append(self._merged([p[2] for p in parts], k))
                start += self.gaps[-1].count()
        for r in ranks:  # the bounds guarantee it; a failure is a robstat bug
            if not any(s <= r < s + run.size for s, run in zip(self.starts, self.runs)):
                raise RuntimeError(f"robstat.dask: rank {r} fell outside its bracket")
        self._scaled: dict[float, list[SumState]] = {1.0: self.gaps}

    @staticmethod
    def _merged(parts: list[list[SumState]], k: int) -> SumState:
        gap = SumState()
        for p in parts:
            gap.merge(p[k])
        return gap

    def value(self, rank: int) -> float:
        """The value of a selected rank."""
        for s, run in zip(self.starts, self.runs):
            if s <= rank < s + run.size:
                return float(run[rank - s])
        raise RuntimeError(f"robstat.dask: rank {rank} was not selected")

    def gap_sums(self, scale: float) -> list[SumState]:
        """The gaps' exact sums of the values times `scale` (one more pass over
        the blocks the first time a scale other than 1 is asked for)."""
        if scale not in self._scaled:

            parts = _each_block(_pass_scaled, self.plan.blocks, self.brackets, scale)
            self._scaled[scale] = [self._merged(list(parts), k) for k in range(len(self.gaps))]
        return self._scaled[scale]

    def sum_ranks(self, first: int, last: int, scale: float = 1.0) -> SumState:
        """The exact sum of the values of ranks first..last (inclusive; both are
        selected ranks, so every gap lies wholly inside or outside), each value
        times `scale`."""
        gaps = self.gap_sums(scale)
        total = SumState()
        for k, (s, run) in enumerate(zip(self.starts, self.runs)):
            a, b = builtins.max(first, s), builtins.min(last, s + run.size - 1)
            if a <= b:
                part = run[a - s:b - s + 1]
                total.update(part if scale == 1.0 else part * scale)
            if k < len(gaps) and first <= s + run.size and self.starts[k + 1] - 1 <= last:
                total.merge(gaps[k])
        return total


def _guarded_mean(total: Any, n: int) -> float:
    """``total(1) / n``, or when that sum overflows with finite terms
    ``total(2**-64) / n * 2**64``: the overflow guard of the single-machine
    means (mean(1e308, 1e308) is 1e308, not inf)."""
    s = float(total(1.0))
    if math.isfinite(s):
        return s / n
    small = float(total(2.0**-64))
    if not math.isfinite(small):  # an infinite term: the IEEE result
        return small
    return small / n * 2.0**64


def _in_range(m: float, lo: float, hi: float) -> float:
    """m moved into [lo, hi] (the kept extremes, where the exact mean lies), as the
    single-machine means (detail::in_kept_range); a non-finite m stays."""
    if not math.isfinite(m):
        return m
    return lo if m < lo else (hi if m > hi else m)


def _times(v: float, g: int) -> SumState:
    """g copies of v, exactly: v times the powers of two of g (each exact)."""
    terms = [v * 2.0**k for k in range(g.bit_length()) if g >> k & 1]
    return SumState().update(np.array(terms, dtype=np.float64))


def _select_quantile(plan: _Plan, q: float, method: str) -> float:
    """The quantile of the plan's values by the single-machine formulas."""
    n = plan.n
    if method == "median":
        ranks = sorted({(n - 1) // 2, n // 2})
    else:
        h = math.floor(q * (n - 1))
        ranks = sorted({h, builtins.min(h + 1, n - 1)})
    runs = _Runs(ranks, plan)
    # (computed in double also for float32 input, where robstat's midpoint is a
    # float32 one: two float32 values' sum is exact in double unless their
    # exponents differ by more than 29, too far apart for the float32 rounding of
    # the half to differ, and halving is exact, so the result rounded to float32
    # is the same)
    return float(_core.quantile_from_runs(n, q, method, runs.starts, runs.runs))


def _check_method(method: str) -> None:
    if method != "median":
        _core.quantile_from_runs(1, 0.5, method, [0], [np.zeros(1)])  # validates the name


# ---- along an axis: the reduced axes made one chunk, robstat per block -----------


def _along(arr: Any, axis: Any, keepdims: bool, fn: Any, out: np.dtype) -> Any:
    """``fn(block, axes, keepdims)`` (a single-machine robstat reduction) on
    each block of `arr` rechunked so that the reduced axes are whole: exact by
    construction, lazy; moves the data when a reduced axis is chunked."""
    axes = _axes(axis, arr.ndim)
    whole = arr.rechunk({a: -1 for a in axes})

    def block_fn(b: np.ndarray) -> np.ndarray:
        return np.asarray(fn(b, axes, keepdims), dtype=out)

    if keepdims:
        chunks = tuple((1,) if d in axes else c for d, c in enumerate(whole.chunks))
        return whole.map_blocks(block_fn, dtype=out, chunks=chunks,
                                meta=np.empty((0,) * arr.ndim, out))
    kept = arr.ndim - len(axes)
    return whole.map_blocks(block_fn, dtype=out, drop_axis=list(axes),
                            meta=np.empty((0,) * kept, out))


def _transform_along(arr: Any, axis: Any, fn: Any, out: np.dtype) -> Any:
    axes = _axes(axis, arr.ndim)
    whole = arr.rechunk({a: -1 for a in axes})
    return whole.map_blocks(lambda b: np.asarray(fn(b, axes), dtype=out), dtype=out,
                            meta=np.empty((0,) * arr.ndim, out))


# ---- the public order statistics -------------------------------------------------


def quantile(x: Any, q: float, *, axis: Any = None, method: str = "linear",
             nan_policy: str = "propagate", keepdims: bool = False) -> Any:
    """Exact quantile, with the formulas and `method` names of
    :func:`robstat.quantile` (`q` one number in [0, 1]).

    ``axis=None``: of all the values, two passes over the blocks, returned as a
    NumPy scalar of robstat's result dtype (float32 for float32 input, float64
    otherwise). An int or tuple `axis`: a lazy dask array (the reduced axes are
    rechunked whole, then :func:`robstat.quantile` runs on each block).
    """
    if not isinstance(q, (int, float, np.floating, np.integer)) or not 0 <= q <= 1:
        raise ValueError(f"q must be in [0, 1] (got {q!r})")
    return _quantile(x, float(q), method, nan_policy, axis, keepdims)


def median(x: Any, *, axis: Any = None, nan_policy: str = "propagate",
           keepdims: bool = False) -> Any:
    """Exact median (``axis=None``: of all the values, two passes over the
    blocks; an `axis`: lazily along it, as :func:`quantile`)."""
    return _quantile(x, 0.5, "median", nan_policy, axis, keepdims)


def _quantile(x: Any, q: float, method: str, nan_policy: str, axis: Any = None,
              keepdims: bool = False) -> Any:
    from . import _api

    _check_method(method)
    policy = _check_policy(nan_policy)
    arr = _as_dask(x)
    _, out = _dtypes(arr.dtype)
    if axis is not None:
        if method == "median":
            return _along(arr, axis, keepdims, lambda b, ax, kd: _api.median(
                b, axis=ax, nan_policy=policy, keepdims=kd), out)
        return _along(arr, axis, keepdims, lambda b, ax, kd: _api.quantile(
            b, q, axis=ax, method=method, nan_policy=policy, keepdims=kd), out)
    plan = _two_pass(arr, policy, stacklevel=4)
    if plan is None:
        return _scalar(math.nan, out, arr.ndim, keepdims)
    return _scalar(_select_quantile(plan, q, method), out, arr.ndim, keepdims)


def _checked_trim(trim: Any, name: str) -> tuple[float, float]:
    from . import _api

    lower, upper = _trim_pair(trim, name)
    if name == "trim":
        _api.trimmed_mean(np.zeros(1), (lower, upper))  # the single-machine validation
    else:
        _api.winsorized_mean(np.zeros(1), (lower, upper))
    return lower, upper


def trimmed_mean(x: Any, trim: Any = 0.1, *, axis: Any = None, nan_policy: str = "propagate",
                 keepdims: bool = False) -> Any:
    """Exact trimmed mean: floor(trim * n) values cut from each tail (a
    (lower, upper) pair for asymmetric cuts), the correctly rounded sum of the
    others divided by their count (``axis=None``: two passes over the blocks;
    an `axis`: lazily along it, :func:`robstat.trimmed_mean` on each block)."""
    from . import _api

    lower, upper = _checked_trim(trim, "trim")
    policy = _check_policy(nan_policy)
    arr = _as_dask(x)
    _, out = _dtypes(arr.dtype)
    if axis is not None:
        return _along(arr, axis, keepdims, lambda b, ax, kd: _api.trimmed_mean(
            b, (lower, upper), axis=ax, nan_policy=policy, keepdims=kd), out)
    plan = _two_pass(arr, policy)
    if plan is None:
        return _scalar(math.nan, out, arr.ndim, keepdims)
    n = plan.n
    g_lo, g_hi = math.floor(lower * n), math.floor(upper * n)
    if lower == upper == 0.5 or g_lo + g_hi >= n:  # trim 0.5: the median, as robstat
        return _scalar(_select_quantile(plan, 0.5, "median"), out, arr.ndim, keepdims)
    first, last = g_lo, n - 1 - g_hi
    runs = _Runs([first, last], plan)
    value = _in_range(_guarded_mean(lambda s: runs.sum_ranks(first, last, s).sum(),
                                    last - first + 1), runs.value(first), runs.value(last))
    return _scalar(value, out, arr.ndim, keepdims)


def winsorized_mean(x: Any, limits: Any = 0.1, *, axis: Any = None,
                    nan_policy: str = "propagate", keepdims: bool = False) -> Any:
    """Exact winsorized mean: the floor(p * n) lowest values replaced by the
    lowest kept one and the floor(p * n) highest by the highest kept one
    (`limits` one proportion or a (lower, upper) pair, lower + upper < 1).

    ``axis=None``: two passes over the blocks, with the single-machine
    arithmetic: the exact sum of the kept values plus
    ``g_lo * x_(g_lo) + g_hi * x_(n-g_hi-1)``, rounded once, divided by n
    (equal to :func:`robstat.winsorized_mean` bit for bit). An `axis`: lazily
    along it, :func:`robstat.winsorized_mean` on each block.
    """
    from . import _api

    lower, upper = _checked_trim(limits, "limits")
    policy = _check_policy(nan_policy)
    arr = _as_dask(x)
    _, out = _dtypes(arr.dtype)
    if axis is not None:
        return _along(arr, axis, keepdims, lambda b, ax, kd: _api.winsorized_mean(
            b, (lower, upper), axis=ax, nan_policy=policy, keepdims=kd), out)
    plan = _two_pass(arr, policy)
    if plan is None:
        return _scalar(math.nan, out, arr.ndim, keepdims)
    n = plan.n
    g_lo, g_hi = math.floor(lower * n), math.floor(upper * n)
    first, last = g_lo, n - 1 - g_hi
    runs = _Runs([first, last], plan)
    lo, hi = runs.value(first), runs.value(last)

    def total(scale: float) -> float:
        acc = runs.sum_ranks(first, last, scale)  # kept values and copies: one exact sum
        if g_lo:  # (a tail with nothing cut adds no term: 0 * inf would be NaN)
            acc.merge(_times(lo * scale, g_lo))
        if g_hi:
            acc.merge(_times(hi * scale, g_hi))
        return acc.sum()

    return _scalar(_in_range(_guarded_mean(total, n), lo, hi), out, arr.ndim, keepdims)


def _abs_dev(block: np.ndarray, work: np.dtype, c: float) -> np.ndarray:
    """|x - c| in the working dtype, as the single-machine kernel computes it."""
    with np.errstate(over="ignore", invalid="ignore"):  # (inf as on one machine)
        dev: np.ndarray = np.abs(np.asarray(block).astype(work) - work.type(c))
    return dev


def _raw_mad(arr: Any, policy: str, center: float | None, work: np.dtype,
             plan: _Plan | None = None) -> tuple[float, float] | None:
    """(centre, unscaled MAD) of all the values in the working dtype; None when
    the NaN policy makes them NaN. `plan`: pass 1 of `arr`, when already made."""
    if plan is None:
        plan = _two_pass(arr, policy, stacklevel=5)
    if plan is None:
        return None
    c = float(work.type(center)) if center is not None else _select_quantile(plan, 0.5, "median")
    if c != c:  # the median of -inf and inf
        return c, math.nan
    dev = arr.map_blocks(_abs_dev, work, c, dtype=work)
    dplan = _two_pass(dev, "omit", stacklevel=5)
    if dplan is None or dplan.n != plan.n:  # |inf - inf| (an infinite centre): NaN
        return c, math.nan
    return c, _select_quantile(dplan, 0.5, "median")


def mad(x: Any, *, center: float | None = None, scale: str | float = "normal",
        axis: Any = None, nan_policy: str = "propagate", keepdims: bool = False) -> Any:
    """Exact median absolute deviation ``scale * median(|x - center|)``, the
    centre the median unless given (the arguments of :func:`robstat.mad`).

    ``axis=None``: the exact median (two passes), then the exact median of the
    deviations, computed blockwise as robstat does (in float32 for float32
    input), by two more passes: equal to :func:`robstat.mad` bit for bit. An
    `axis`: lazily along it, :func:`robstat.mad` on each block.
    """
    from . import _api

    s = _api._scale_value(scale, _api.MAD_NORMAL_SCALE)
    _api.mad(np.zeros(1), scale=s)  # the single-machine validation of scale
    policy = _check_policy(nan_policy)
    arr = _as_dask(x)
    work, out = _dtypes(arr.dtype)
    c = None if center is None else float(center)
    if axis is not None:
        return _along(arr, axis, keepdims, lambda b, ax, kd: _api.mad(
            b, center=c, scale=s, axis=ax, nan_policy=policy, keepdims=kd), out)
    cm = _raw_mad(arr, policy, c, work)
    if cm is None:
        return _scalar(math.nan, out, arr.ndim, keepdims)
    raw = float(work.type(cm[1]))
    return _scalar(float(work.type(raw * s)), out, arr.ndim, keepdims)


def _score_block(block: np.ndarray, work: np.dtype, out: np.dtype, med: float, factor: float,
                 denom: float) -> np.ndarray:
    """factor * (x - med) / denom elementwise in the working dtype, with the
    single-machine kernel's operations (its halved retry where x - med overflows)."""
    v = np.asarray(block).astype(work)
    c, f, d = work.type(med), work.type(factor), work.type(denom)
    with np.errstate(all="ignore"):
        diff = v - c
        z = diff / d if f == 1 else f * diff / d
        redo = np.isinf(diff) & np.isfinite(v) & bool(np.isfinite(c))
        if redo.any():
            half = work.type(0.5)
            z[redo] = f * ((v[redo] * half - c * half) / d) * work.type(2)
    scores: np.ndarray = z.astype(out, copy=False)
    return scores


def _zscore(x: Any, axis: Any, nan_policy: str, factor: float, mad_scale: float,
            single: Any) -> Any:
    import dask.array as da

    policy = _check_policy(nan_policy)
    arr = _as_dask(x)
    work, out = _dtypes(arr.dtype)
    if axis is not None:
        return _transform_along(arr, axis, lambda b, ax: single(b, axis=ax, nan_policy=policy),
                                out)
    cm = _raw_mad(arr, policy, None, work)
    if cm is None or cm[0] != cm[0]:
        return da.full(arr.shape, math.nan, dtype=out, chunks=arr.chunks)  # type: ignore[no-untyped-call]
    med, raw = cm
    denom = float(work.type(mad_scale * raw))
    return arr.map_blocks(_score_block, work, out, med, factor, denom, dtype=out)


def robust_zscore(x: Any, *, axis: Any = None, nan_policy: str = "propagate") -> Any:
    """Robust z-scores ``(x - median) / (1.482602218505602 * MAD)`` as a lazy dask
    array of the input's shape, equal element for element to
    :func:`robstat.robust_zscore` of the whole array.

    ``axis=None``: the exact median and MAD are computed first (four passes
    over the blocks), then the scores lazily with ``map_blocks``. An `axis`:
    the reduced axes rechunked whole, :func:`robstat.robust_zscore` on each block.
    """
    from . import _api

    return _zscore(x, axis, nan_policy, 1.0, _api.MAD_NORMAL_SCALE, _api.robust_zscore)


def modified_zscore(x: Any, *, axis: Any = None, nan_policy: str = "propagate") -> Any:
    """Iglewicz-Hoaglin modified z-scores ``0.6745 * (x - median) / MAD``, lazily,
    as :func:`robust_zscore` (equal to :func:`robstat.modified_zscore`)."""
    from . import _api

    return _zscore(x, axis, nan_policy, 0.6745, 1.0, _api.modified_zscore)


# ---- aggregate -------------------------------------------------------------------

AGGREGATE_METHODS = ("trim", "mad", "iqr", "sigma_clip")
"""The methods of :func:`aggregate` (those whose statistics are exact order
statistics and sums; see docs/streaming.md for the others)."""


class DaskAggregate(_Aggregate):
    """:class:`robstat.Aggregate` of a dask array: the statistics computed,
    ``labels`` a lazy int8 dask array of the input's shape. ``outliers()``
    computes the cut values (and the median and MAD for their z-scores)."""

    @property
    def kept(self) -> Any:
        """True for the values kept (label 0 and not NaN), lazily."""
        import dask.array as da

        keep = self.labels == 0
        if self._x is not None and self._x.dtype.kind == "f":
            keep = keep & ~da.isnan(self._x)
        return keep

    def outliers(self, top: int | None = None) -> list[Any]:
        import operator

        import dask.array as da
        from dask.base import compute

        from ._aggregate import _ranked_cut

        if top is not None:
            top = operator.index(top)
            if top < 0:
                raise ValueError(f"top must be >= 0 (got {top})")
        if self.n_low + self.n_high == 0:
            return []
        x = cast(Any, self._x).reshape(-1)
        lab = self.labels.reshape(-1)
        pos = np.asarray(da.flatnonzero(lab).compute())
        vals, sides = compute(x[pos], lab[pos])  # type: ignore[no-untyped-call]
        med = float(median(x, nan_policy="omit"))
        s = float(mad(x, nan_policy="omit"))
        return _ranked_cut(np.asarray(vals), pos, np.asarray(sides) < 0, med, s, top,
                           tuple(self.labels.shape))

    def to_dict(self, labels: bool = False) -> dict[str, Any]:
        d = _Aggregate.to_dict(self, False)
        if labels:
            d["labels"] = np.asarray(cast(Any, self.labels).compute()).tolist()
        return d


def _trim_block(block: np.ndarray, work: np.dtype, lo: float, hi: float
                ) -> tuple[MomentsState, int, int, int, int]:
    """(moments of the values strictly between lo and hi; counts of the values
    < lo, == lo, == hi, > hi), compared in the working dtype as robstat does."""
    v = np.asarray(block).astype(work, copy=False)
    lo_w, hi_w = work.type(lo), work.type(hi)
    inside = v[(v > lo_w) & (v < hi_w)]
    return (MomentsState(inside), int(np.count_nonzero(v < lo_w)),
            int(np.count_nonzero(v == lo_w)), int(np.count_nonzero(v == hi_w)),
            int(np.count_nonzero(v > hi_w)))


def _trim_labels(block: np.ndarray, work: np.dtype, lo: float, hi: float, cut_lo: list[int],
                 cut_hi: list[int], block_info: Any = None) -> np.ndarray:
    """The trim labels of one block: -1 below lo, +1 above hi, and of the ties at
    a cut the block's share of the first occurrences (low) / last ones (high)."""
    k = block_info[0]["chunk-location"][0] if block_info else 0
    v = np.asarray(block).astype(work, copy=False)
    lo_w, hi_w = work.type(lo), work.type(hi)
    lab: np.ndarray = (v > hi_w).astype(np.int8) - (v < lo_w).astype(np.int8)
    if cut_lo[k]:
        lab[np.flatnonzero(v == lo_w)[:cut_lo[k]]] = -1
    if cut_hi[k]:
        lab[np.flatnonzero(v == hi_w)[-cut_hi[k]:]] = 1
    return lab


def _fence_labels(block: np.ndarray, work: np.dtype, f: tuple[float, ...], rule: str
                  ) -> np.ndarray:
    """The fence rule's labels in the working dtype, robstat's comparisons (mad:
    the robust z-score (x - center) / denom, as robust_zscore computes it, against
    the threshold; iqr: the fences; sigma_clip: the fences, and +-inf always cut)."""
    v = np.asarray(block).astype(work, copy=False)
    lower, upper, center, denom, thr = (work.type(c) for c in f[:5])
    with np.errstate(all="ignore"):
        if rule == "mad":
            z = _score_block(v, work, work, center, 1.0, denom)
            lab: np.ndarray = (z > thr).astype(np.int8) - (z < -thr).astype(np.int8)
        else:
            lab = (v > upper).astype(np.int8) - (v < lower).astype(np.int8)
            if rule == "sigma_clip":
                lab[np.isposinf(v)] = 1
                lab[np.isneginf(v)] = -1
    return lab


def _within(block: np.ndarray, work: np.dtype, lo: float, hi: float) -> np.ndarray:
    """The block in the working dtype with every value outside [lo, hi] (and every
    infinity) made NaN: the values a sigma-clipping round still keeps."""
    v = np.asarray(block).astype(work)  # (a copy: the input is never written)
    with np.errstate(invalid="ignore"):
        v[~((v >= work.type(lo)) & (v <= work.type(hi)) & np.isfinite(v))] = np.nan
    return v


def _count_within(block: np.ndarray, work: np.dtype, lo: float, hi: float) -> int:
    return int(np.count_nonzero(~np.isnan(_within(block, work, lo, hi))))


def _sigma_clip_rule(flat: Any, work: np.dtype, threshold: float | None
                     ) -> tuple[float, ...] | None:
    """The bounds of robstat's sigma clipping (median, mad_std, until a round
    clips nothing) with the exact median and MAD of the values still kept in
    every round (five passes a round); None when no value is finite."""
    import warnings


    f32 = work == np.dtype(np.float32)
    a, b = -math.inf, math.inf
    f: tuple[float, ...] | None = None
    while True:
        kept = flat.map_blocks(_within, work, a, b, dtype=work)
        with warnings.catch_warnings():  # (no finite value: no bounds, not a warning)
            warnings.simplefilter("ignore", SmallSampleWarning)
            plan = _two_pass(kept, "omit")
        if plan is None:
            return f
        cm = _raw_mad(kept, "omit", None, work, plan)
        assert cm is not None
        f = _core.aggregate_rule_fences("sigma_clip", threshold, cm[0],
                                        float(work.type(cm[1])), f32)
        lo, hi = f[0], f[1]  # (a NaN bound clips nothing)
        na = a if lo != lo else builtins.max(a, lo)
        nb = b if hi != hi else builtins.min(b, hi)
        left = builtins.sum(_each_block(_count_within, plan.blocks, work, na, nb))
        if left == plan.n or left == 0:  # converged, or nothing left (the last bounds stay)
            return f
        a, b = na, nb


def _fence_scale(kept: MomentsState, f32: bool) -> float:
    """The sample standard deviation of the kept values as robstat.aggregate forms
    it: float32 rounds the variance to float32 and takes its square root in
    double; a variance beyond float32's range is that of the values scaled by
    2^-e (e the exponent of the largest magnitude), scaled back, as aggregate's
    mean_sd does (so a finite spread is not inf)."""
    if not f32:
        return float(kept.std(ddof=1))
    var = kept.var(ddof=1)
    with np.errstate(over="ignore"):
        if math.isfinite(float(np.float32(var))) or not math.isfinite(var):
            return math.sqrt(float(np.float32(var)))
    e = math.frexp(builtins.max(abs(kept.min()), abs(kept.max())))[1] - 1
    return math.sqrt(float(np.float32(math.ldexp(var, -2 * e)))) * math.ldexp(1.0, e)


def _fence_block(block: np.ndarray, work: np.dtype, f: tuple[float, ...], rule: str
                 ) -> tuple[MomentsState, int, int]:
    """(moments of the kept values, counts cut low and high) of one block."""
    v = np.asarray(block).astype(work, copy=False)
    lab = _fence_labels(v, work, f, rule)
    keep = (lab == 0) & ~np.isnan(v)
    return (MomentsState(v[keep]), int(np.count_nonzero(lab < 0)),
            int(np.count_nonzero(lab > 0)))


def _cuts_in_blocks(need: int, ties: list[int], from_end: bool) -> list[int]:
    """How many of `need` ties at a cut each block holds, counting from the
    first block (low cut) or from the last (high cut)."""
    out = [0] * len(ties)
    order = range(len(ties) - 1, -1, -1) if from_end else range(len(ties))
    for k in order:
        out[k] = builtins.min(need, ties[k])
        need -= out[k]
    return out


def aggregate(x: Any, *, method: str = "trim", trim: Any = None, ntrim: Any = None,
              threshold: float | None = None, confidence: float = 0.95,
              ci: str | None = "auto", nan_policy: str = "propagate") -> DaskAggregate:
    """:func:`robstat.aggregate` of all the values of a dask array (or Series),
    with the same arguments, rules and result, computed over the blocks.

    ``method`` is one of :data:`AGGREGATE_METHODS`. The cut points are exact
    order statistics (``trim``: ranks ``g`` and ``n - 1 - g``; ``mad``: the
    exact median and MAD; ``iqr``: the exact linear quartiles; ``sigma_clip``:
    the exact median and MAD of the values still kept, every round) and the fences
    are formed by robstat's own C++ (``_core.aggregate_rule_fences``), so the
    labels and counts equal the single-machine ones; the kept values' moments
    are held exactly (:class:`robstat.stream.MomentsState`, with the ties at a
    trim cut added as counted copies), so every statistic is identical
    whatever the chunking, and equal to :func:`robstat.aggregate`'s within a
    few ulps (the centre of ``trim`` is the correctly rounded trimmed mean, as
    :func:`trimmed_mean`; robstat's single-machine sums are compensated, not
    exact). ``labels`` is a lazy dask array; ties at a trim cut are cut by
    position (first occurrences low, last high) in the flattened C order, as
    on one machine. N-d input is flattened (dask may rechunk for it).

    Not on dask: ``ci="bootstrap"`` (it resamples the whole array), weights
    and groups (``groupby_aggregate`` runs robstat per group of a dask
    DataFrame), and the methods ``adjbox``, ``huber`` and ``fit``: a
    ValueError.
    """
    import warnings

    from . import _aggregate, _api

    name = _aggregate._method_name(method)
    if name not in AGGREGATE_METHODS:
        raise ValueError(f"robstat.dask.aggregate supports the methods "
                         f"{', '.join(AGGREGATE_METHODS)} (got {method!r}); aggregate the "
                         "computed array with robstat.aggregate for the others")
    if _aggregate._ci_mode(ci) == "bootstrap":
        raise ValueError("robstat.dask.aggregate: ci='bootstrap' resamples the whole array; "
                         "use ci='auto' or 'none'")
    kw: dict[str, Any] = {} if trim is None else {"trim": trim}
    with warnings.catch_warnings():  # the single-machine validation of every argument
        warnings.simplefilter("ignore")
        _aggregate.aggregate(np.zeros(3), method=name, ntrim=ntrim, threshold=threshold,
                             confidence=confidence, ci=ci, **kw)
    lower, upper, by_count = _api._trim_spec(kw.get("trim", _api._TRIM_DEFAULT), ntrim,
                                             "trim", "ntrim")
    mode = _aggregate._ci_mode(ci)
    policy = _check_policy(nan_policy)
    arr = _as_dask(x)
    work, _ = _dtypes(arr.dtype)
    flat = arr.reshape(-1) if arr.ndim != 1 else arr
    f32 = work == np.dtype(np.float32)
    conf = float(confidence)

    def result(labels: Any, n: int = 0, n_low: int = 0, n_high: int = 0,
               n_kept: int | None = None, stats: dict[str, float] | None = None
               ) -> DaskAggregate:
        def w(key: str) -> float:  # robstat rounds its statistics to the working dtype
            with np.errstate(over="ignore"):  # (beyond float32's range: inf, as robstat)
                return float(work.type((stats or {}).get(key, math.nan)))

        return DaskAggregate(
            center=w("center"), scale=w("scale"), ci=(w("ci_lower"), w("ci_upper")),
            lower_cut=w("lower_cut"), upper_cut=w("upper_cut"), n=n,
            n_kept=n - n_low - n_high if n_kept is None else n_kept, n_low=n_low,
            n_high=n_high, labels=labels.reshape(arr.shape), method=name, confidence=conf,
            _x=arr)

    import dask.array as da

    zeros = da.zeros(flat.shape, dtype=np.int8, chunks=flat.chunks)
    plan = _two_pass(flat, policy, stacklevel=3)
    if plan is None:  # a NaN propagated, or no value: nothing cut, nothing counted
        return result(zeros)
    n = plan.n

    if name == "trim":
        if by_count:
            g_lo, g_hi = int(lower), int(upper)
        else:
            g_lo, g_hi = math.floor(lower * n), math.floor(upper * n)
        h = n - g_lo - g_hi
        if h <= 0:  # nothing kept: no statistic, as robstat
            _api._warn_small(1, 1)
            return result(zeros)
        first, last = g_lo, n - 1 - g_hi
        runs = _Runs([first, last], plan)
        lo, hi = runs.value(first), runs.value(last)
        center = _in_range(_guarded_mean(lambda sc: runs.sum_ranks(first, last, sc).sum(), h),
                           lo, hi)
        parts = _each_block(_trim_block, plan.blocks, work, lo, hi)
        between = _merged_moments(p[0] for p in parts)
        n_lt = builtins.sum(p[1] for p in parts)
        n_gt = builtins.sum(p[4] for p in parts)
        eq_lo = [p[2] for p in parts]
        eq_hi = [p[3] for p in parts]
        kept = between.copy()
        winsorized = between.copy()
        if lo == hi:  # every kept value is lo
            kept.add_copies(lo, h)
            winsorized.add_copies(lo, n)
        else:
            k_lo = n_lt + builtins.sum(eq_lo) - g_lo  # ties at a cut split as the ranks split
            k_hi = n_gt + builtins.sum(eq_hi) - g_hi
            kept.add_copies(lo, k_lo).add_copies(hi, k_hi)
            winsorized.add_copies(lo, k_lo + g_lo).add_copies(hi, k_hi + g_hi)
        stats = {"center": center, "lower_cut": lo, "upper_cut": hi}
        if h >= 2:
            stats["scale"] = kept.std(ddof=1)
            # Yuen: se = sqrt(SSD_w / (h (h - 1))); ddof = n - 1 makes var the SSD itself;
            # where the SSD overflows (huge finite values), ddof = n - h (h - 1) makes std
            # se itself, finite (as robstat's, from the values scaled by a power of two)
            ssd_w = winsorized.var(ddof=n - 1)
            se = math.sqrt(ssd_w / (h * (h - 1.0))) if not math.isinf(ssd_w) else \
                winsorized.std(ddof=n - h * (h - 1.0))
            if mode == "auto" and lower == upper and math.isfinite(se):
                half = _core.t_critical(h - 1.0, conf) * se
                stats["ci_lower"], stats["ci_upper"] = center - half, center + half
        cut_lo = _cuts_in_blocks(g_lo - n_lt, eq_lo, False)
        cut_hi = _cuts_in_blocks(g_hi - n_gt, eq_hi, True)
        labels = flat.map_blocks(_trim_labels, work, lo, hi, cut_lo, cut_hi, dtype=np.int8,
                                 meta=np.empty(0, np.int8))
        return result(labels, n, g_lo, g_hi, stats=stats)

    f: tuple[float, ...]
    if name == "mad":
        cm = _raw_mad(flat, policy, None, work, plan)
        assert cm is not None
        med, raw = cm
        if med != med:  # the median of -inf and inf: no fences, nothing cut
            return result(zeros, n, n_kept=n)
        f = _core.aggregate_rule_fences("mad", threshold, med, float(work.type(raw)), f32)
    elif name == "sigma_clip":
        clip = _sigma_clip_rule(flat, work, threshold)
        # no finite value: NaN bounds, and the infinities still cut (as robstat)
        f = clip if clip is not None else (math.nan,) * 6
    else:
        runs = _Runs(sorted({r for q in (0.25, 0.75) for r in
                             (math.floor(q * (n - 1)), builtins.min(math.floor(q * (n - 1)) + 1,
                                                                   n - 1))}), plan)
        q1, q3 = (float(work.type(_core.quantile_from_runs(n, q, "linear", runs.starts,
                                                             runs.runs))) for q in (0.25, 0.75))
        f = _core.aggregate_rule_fences("iqr", threshold, q1, q3, f32)
    parts = _each_block(_fence_block, plan.blocks, work, f, name)
    kept = _merged_moments(p[0] for p in parts)
    n_low = builtins.sum(p[1] for p in parts)
    n_high = builtins.sum(p[2] for p in parts)
    stats = {"lower_cut": f[0], "upper_cut": f[1]}
    if kept.count():
        # (a mean lies in [min, max]; its rounding must not move it out, as robstat)
        stats["center"] = builtins.min(builtins.max(kept.mean(), kept.min()), kept.max())
        stats["scale"] = _fence_scale(kept, f32)
    labels = flat.map_blocks(_fence_labels, work, f, name, dtype=np.int8,
                             meta=np.empty(0, np.int8))
    return result(labels, n, n_low, n_high, stats=stats)


# ---- dask.dataframe ----------------------------------------------------------------

GROUP_FUNCS = ("median", "trimmed_mean", "winsorized_mean", "mad", "quantile", "mean", "iqr")
"""The single-machine robstat functions :func:`groupby_aggregate` applies."""


def groupby_aggregate(df: Any, by: Any, column: str, func: str = "trimmed_mean",
                      **kwargs: Any) -> Any:
    """Exact per-group robust statistic of one column of a dask DataFrame.

    ``robstat.<func>(values of the group, **kwargs)`` for each group of
    ``df.groupby(by)``, as a lazy dask Series indexed by the group keys
    (float64). dask's ``groupby(...).apply`` shuffles every group wholly into
    one partition first, so each result is the single-machine one, bit for bit
    (the data move once). `func` is one of :data:`GROUP_FUNCS`; `kwargs` go
    to it (``trim=0.2``, ``nan_policy="omit"``, ``scale=1.0``, ``q=0.9``, ...).
    """
    from . import _api

    if func not in GROUP_FUNCS:
        raise ValueError(f"func must be one of {', '.join(GROUP_FUNCS)} (got {func!r})")
    fn = getattr(_api, func)
    import warnings

    with warnings.catch_warnings():  # validate the arguments now, not on a worker
        warnings.simplefilter("ignore")
        fn(np.zeros(2), **kwargs)

    def per_group(values: Any) -> float:
        return float(fn(values.to_numpy(), **kwargs))

    return df.groupby(by)[column].apply(per_group, meta=(column, "f8"))
