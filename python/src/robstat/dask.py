"""Exact aggregates over dask arrays, through the mergeable states of
:mod:`robstat.stream` (docs/streaming.md, "Dask").

Each block folds its values into a state, the states are merged in dask's tree
reduction (pickled between worker processes through their byte format), and
the result is taken from the merged state. Because the states hold exact sums,
the results are identical, bit for bit, whatever the chunking and however the
tree is shaped: ``robstat.dask.mean(x)`` equals
``robstat.stream.MomentsState().update(x.compute()).mean()``.

The order-statistic aggregates (median, quantiles, trimmed and winsorized
means, MAD) need the two-pass selection of docs/streaming.md and are not here
yet.
"""

from __future__ import annotations

import math
from typing import Any, cast

import numpy as np

from ._api import _check_policy
from .stream import MomentsState

__all__ = ["count", "max", "mean", "min", "moments", "std", "sum", "var"]


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
