"""Mergeable streaming states (docs/streaming.md).

Every state follows one protocol::

    s = MomentsState()          # the empty state: the identity of merge
    s.update(chunk)             # fold values in (any shape, flattened)
    s.merge(other)              # exactly associative and commutative
    s.mean(), s.std(ddof=1)     # results, NaN policy applied at the end
    blob = s.to_bytes()         # versioned little-endian bytes, checksummed
    MomentsState.from_bytes(blob)
    pickle.dumps(s)             # through the same bytes (dask, Spark, ...)

SumState and MomentsState hold their sums exactly (a fixed-point long
accumulator), so every result is identical, bit for bit, whatever the order of
the values and however they were split into parts and merged. QuantileSketch
is a compactor sketch with a certified rank-error bound; SelectionState is the
pass-2 state of the exact two-pass selection (exact order statistics, trimmed
and winsorized means), with its brackets from ``QuantileSketch.brackets``;
MadState is the same for the deviations from a known centre (the exact MAD);
HuberStepState gives one exact Newton step of Huber's fixed-scale M-estimator.
"""

from __future__ import annotations

import math
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from . import _core
from ._api import MAD_NORMAL_SCALE, _as_float_array, _check_policy, _scale_value, _trim_pair

__all__ = ["HuberStepState", "MadState", "MomentsState", "QuantileSketch", "SelectionState",
           "SumState"]

_S = TypeVar("_S", bound="_State")


class _State:
    """The protocol shared by the states (not public: use a subclass)."""

    _impl_type: Any = None
    __slots__ = ("_impl",)

    def __init__(self, values: npt.ArrayLike | None = None, *,
                 nan_policy: str = "propagate") -> None:
        self._impl = self._impl_type()
        if values is not None:
            self.update(values, nan_policy=nan_policy)

    def update(self: _S, values: npt.ArrayLike, *, nan_policy: str = "propagate") -> _S:
        """Fold `values` (any shape; int, bool and float dtypes) into the state.

        Under ``nan_policy="raise"`` a NaN raises ValueError and leaves the
        state unchanged; otherwise NaN values are counted and the policy given
        to each result decides. Returns the state.
        """
        policy = _check_policy(nan_policy)
        a, _ = _as_float_array(values, "values")
        self._impl.update(np.ascontiguousarray(a, dtype=np.float64).reshape(-1), policy)
        return self

    def merge(self: _S, other: _S) -> _S:
        """Fold another state of the same type into this one. Returns self."""
        if type(other) is not type(self):
            raise TypeError(f"{type(self).__name__}.merge expects a {type(self).__name__} "
                            f"(got {type(other).__name__})")
        self._impl.merge(other._impl)
        return self

    def count(self, *, nan_policy: str = "propagate") -> int:
        """Values folded in (NaN values not counted under ``nan_policy="omit"``)."""
        return int(self._impl.count(_check_policy(nan_policy)))

    @property
    def n_nan(self) -> int:
        """How many NaN values were folded in."""
        return int(self._impl.specials()[0])

    def to_bytes(self) -> bytes:
        """The state as versioned, checksummed little-endian bytes."""
        return bytes(self._impl.to_bytes())

    @classmethod
    def from_bytes(cls: type[_S], data: bytes) -> _S:
        """A state from `to_bytes` output; ValueError on corrupt, truncated or
        foreign bytes."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"{cls.__name__}.from_bytes expects bytes (got {type(data).__name__})")
        s = cls.__new__(cls)
        s._impl = cls._impl_type.from_bytes(bytes(data))
        return s

    @property
    def nbytes(self) -> int:
        """Size of the serialized state in bytes."""
        return len(self.to_bytes())

    def copy(self: _S) -> _S:
        s = type(self).__new__(type(self))
        s._impl = self._impl.copy()
        return s

    __copy__ = copy

    def __deepcopy__(self: _S, memo: dict[int, Any]) -> _S:
        return self.copy()

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        return (type(self).from_bytes, (self.to_bytes(),))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _State)
        return bool(self._impl.equals(other._impl))

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"{type(self).__name__}(count={self.count()})"


class _Summing(_State):
    """The exact-sum states: sum(), and one state per lane in one C++ call."""

    __slots__ = ()

    def sum(self, *, nan_policy: str = "propagate") -> float:
        """The correctly rounded sum of the values (0.0 when empty)."""
        return float(self._impl.sum(_check_policy(nan_policy)))

    def add_copies(self: _S, value: float, count: int, *, nan_policy: str = "propagate") -> _S:
        """Fold in `count` copies of `value` at once (the same state as
        ``update(np.full(count, value))``, in at most 64 exact additions):
        frequency-weighted values, or the ties at a cut. Returns the state."""
        policy = _check_policy(nan_policy)
        if isinstance(count, (bool, np.bool_)) or not isinstance(count, (int, np.integer)) \
                or not 0 <= count < 2**64:
            raise ValueError(f"count must be an int in [0, 2**64) (got {count!r})")
        if isinstance(value, (bool, np.bool_)) or not isinstance(
                value, (int, float, np.integer, np.floating)):
            raise TypeError(f"value must be a real number (got {value!r})")
        v = float(value)
        if v != v and count and policy == "raise":
            raise ValueError("The input contains nan values (nan_policy=raise)")
        self._impl.add_copies(v, int(count))
        return self

    @classmethod
    def update_lanes(cls: type[_S], values: npt.ArrayLike, axis: int = -1, *,
                     nan_policy: str = "propagate") -> np.ndarray:
        """One new state per lane along `axis`, all updated in one C++ call.

        Returns an object array of states with the shape of `values` without
        `axis`; ``out[i]`` equals ``cls().update(np.take(values, i, axis))``
        (for 2-d input). Under ``nan_policy="raise"`` a NaN anywhere raises
        before any state is built.
        """
        policy = _check_policy(nan_policy)
        a, _ = _as_float_array(values, "values")
        if a.ndim == 0:
            raise ValueError("update_lanes needs at least one dimension")
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError(f"axis must be an int (got {axis!r})")
        if not -a.ndim <= axis < a.ndim:
            raise ValueError(f"axis {axis} is out of bounds for an array of dimension {a.ndim}")
        moved = np.moveaxis(a, int(axis), -1)
        shape = moved.shape[:-1]
        lanes = np.ascontiguousarray(moved, dtype=np.float64).reshape(-1, moved.shape[-1])
        impls = cls._impl_type.of_lanes(lanes, policy)
        out = np.empty(len(impls), dtype=object)
        new = cls.__new__
        for i, impl in enumerate(impls):
            s = new(cls)
            s._impl = impl
            out[i] = s
        return out.reshape(shape)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(count={self.count()}, sum={self.sum()!r})"


class SumState(_Summing):
    """The exact sum of a stream of values.

    The sum is held exactly and rounded once, correctly, when asked: the
    result does not depend on the order or the partitioning of the values.
    ±inf and NaN are counted apart (their sum is the IEEE one).
    """

    _impl_type = _core._SumState
    __slots__ = ()


class MomentsState(_Summing):
    """Count, exact sum and sum of squares, minimum and maximum of a stream.

    ``mean`` is within an ulp of the exact mean; ``var`` and ``std`` come from
    the sum of squared deviations computed exactly from the two sums (no
    cancellation, whatever the offset of the data) and rounded once. All are
    identical whatever the partitioning.
    """

    _impl_type = _core._MomentsState
    __slots__ = ()

    def mean(self, *, nan_policy: str = "propagate") -> float:
        """The mean (NaN when empty)."""
        return float(self._impl.mean(_check_policy(nan_policy)))

    def var(self, ddof: float = 0, *, nan_policy: str = "propagate") -> float:
        """Variance with `ddof` delta degrees of freedom (NaN when empty,
        when ``count - ddof <= 0`` or with an infinite value, as NumPy)."""
        return float(self._impl.var(float(ddof), _check_policy(nan_policy)))

    def std(self, ddof: float = 0, *, nan_policy: str = "propagate") -> float:
        """Standard deviation; finite whenever the exact value is."""
        return float(self._impl.std(float(ddof), _check_policy(nan_policy)))

    def min(self, *, nan_policy: str = "propagate") -> float:
        """The smallest value (NaN when empty; -0.0 sorts below +0.0)."""
        return float(self._impl.min(_check_policy(nan_policy)))

    def max(self, *, nan_policy: str = "propagate") -> float:
        """The largest value (NaN when empty)."""
        return float(self._impl.max(_check_policy(nan_policy)))

    def __repr__(self) -> str:
        return (f"MomentsState(count={self.count()}, mean={self.mean()!r}, "
                f"std={self.std()!r})")


def _floats(x: npt.ArrayLike, name: str) -> tuple[np.ndarray, bool]:
    a = np.asarray(x)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be real numbers (got dtype {a.dtype})")
    return np.array(a, dtype=np.float64, order="C"), a.ndim == 0


class QuantileSketch(_State):
    """A mergeable quantile sketch with a certified rank-error bound.

    A stack of compactors (Manku-Rajagopalan-Lindsay, KLL) with a
    deterministic parity: ``k`` (even, 8..65536) values at most a level.
    ``rank_error`` is a guarantee, added up as the sketch compacts: for every
    ``x``, ``|rank(x) - #{values <= x}| <= rank_error``, and
    ``rank_error <= (n / k) (floor(log2(n / k)) + 1)``. ``quantile(q)``
    estimates the value of 0-based rank ``floor(q (n - 1))`` (robstat's
    method ``"lower"``); it lies between the exact order statistics
    ``rank_error`` ranks either side. ``min`` and ``max`` are exact; with
    fewer than ``k`` values in all every result is exact.

    Merging is commutative but not associative: different merge trees give
    different sketches, each within its own bound (docs/streaming.md).
    """

    _impl_type = _core._QuantileSketch
    __slots__ = ()

    def __init__(self, values: npt.ArrayLike | None = None, *, k: int = 256,
                 nan_policy: str = "propagate") -> None:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
            raise TypeError(f"k must be an int (got {k!r})")
        if not 8 <= k <= 65536 or k % 2:
            raise ValueError(f"k must be an even integer in [8, 65536] (got {k})")
        self._impl = _core._QuantileSketch(int(k))
        if values is not None:
            self.update(values, nan_policy=nan_policy)

    @property
    def k(self) -> int:
        return int(self._impl.k())

    @property
    def rank_error(self) -> int:
        """The certified bound on the error of ``rank`` (in values)."""
        return int(self._impl.rank_error())

    @property
    def retained(self) -> int:
        """Values held by the sketch."""
        return int(self._impl.retained())

    @staticmethod
    def error_bound(n: int, k: int) -> int:
        """The a priori bound on ``rank_error`` for ``n`` values and parameter ``k``."""
        return int(_core._QuantileSketch.error_bound(int(n), int(k)))

    def quantile(self, q: npt.ArrayLike, *, nan_policy: str = "propagate") -> Any:
        """Estimated quantile(s) (method ``"lower"``; NaN when empty)."""
        a, scalar = _floats(q, "q")
        out = self._impl.quantiles(a.reshape(-1), _check_policy(nan_policy)).reshape(a.shape)
        return float(out) if scalar else out

    def rank(self, x: npt.ArrayLike, *, nan_policy: str = "propagate") -> Any:
        """Estimated number of values <= x (a float holding an integer;
        within ``rank_error``; NaN for a NaN x or when a NaN propagates)."""
        a, scalar = _floats(x, "x")
        out = self._impl.ranks(a.reshape(-1), _check_policy(nan_policy)).reshape(a.shape)
        return float(out) if scalar else out

    def cdf(self, x: npt.ArrayLike, *, nan_policy: str = "propagate") -> Any:
        """``rank(x) / count`` (NaN when empty)."""
        policy = _check_policy(nan_policy)
        n = self.count(nan_policy="omit")
        r = self.rank(x, nan_policy=policy)
        return r / n if n else r * math.nan

    def brackets(self, ranks: Any) -> list[tuple[float, float]]:
        """Brackets for a :class:`SelectionState` (or :class:`MadState`) of the
        same values that hold the values of the given 0-based `ranks` among the
        non-NaN values: ``[v(k - e), v(k + e)]`` for each rank ``k``, ``v`` the
        sketch's estimate at a rank and ``e`` the certified ``rank_error``
        (so the state of pass 2 always knows those ranks), overlapping ones
        joined. ValueError when the sketch is empty or a rank is not below
        the count."""
        ks = _ranks(ranks)
        return [tuple(b) for b in self._impl.brackets(ks)]

    def min(self, *, nan_policy: str = "propagate") -> float:
        """The smallest value, exact (NaN when empty)."""
        return float(self._impl.min(_check_policy(nan_policy)))

    def max(self, *, nan_policy: str = "propagate") -> float:
        """The largest value, exact (NaN when empty)."""
        return float(self._impl.max(_check_policy(nan_policy)))

    def __repr__(self) -> str:
        return (f"QuantileSketch(k={self.k}, count={self.count()}, "
                f"rank_error={self.rank_error})")


class SelectionState(_State):
    """The pass-2 state of the exact two-pass selection.

    For fixed ``brackets`` (sorted, disjoint ``(lo, hi)`` pairs, e.g. from
    pass-1 summaries) it counts the values below the first bracket and above
    the last, keeps the values inside the brackets and holds the exact sum of
    the values between them. Merged, every rank inside a bracket is known
    exactly: ``quantile`` and ``median`` equal :func:`robstat.quantile` and
    :func:`robstat.median` (same formulas), ``trimmed_mean`` and
    ``winsorized_mean`` are the exact values correctly rounded. A result that
    needs a rank outside every bracket raises ValueError (widen the brackets).
    """

    _impl_type = _core._SelectionState
    __slots__ = ()

    def __init__(self, brackets: Any, values: npt.ArrayLike | None = None, *,
                 nan_policy: str = "propagate") -> None:
        self._impl = _core._SelectionState(_bracket_pairs(brackets))
        if values is not None:
            self.update(values, nan_policy=nan_policy)

    @property
    def brackets(self) -> list[tuple[float, float]]:
        return [tuple(b) for b in self._impl.brackets()]

    def counts(self) -> tuple[int, list[int], list[int], int]:
        """(values below the first bracket, values inside each bracket,
        values between consecutive brackets, values above the last)."""
        below, inside, between, above = self._impl.counts()
        return int(below), list(inside), list(between), int(above)

    def covers(self, rank: int) -> bool:
        """Whether the value of 0-based `rank` is known (inside a bracket)."""
        return bool(self._impl.covers(int(rank)))

    def order_statistic(self, rank: int, *, nan_policy: str = "propagate") -> float:
        """The value of 0-based `rank` among the non-NaN values."""
        if isinstance(rank, bool) or not isinstance(rank, (int, np.integer)) or rank < 0:
            raise ValueError(f"rank must be an int >= 0 (got {rank!r})")
        return float(self._impl.order_statistic(int(rank), _check_policy(nan_policy)))

    def quantile(self, q: float, *, method: str = "linear",
                 nan_policy: str = "propagate") -> float:
        """As :func:`robstat.quantile` (same methods)."""
        if method == "median":
            raise ValueError("unknown quantile method 'median' (use median())")
        return float(self._impl.quantile(float(q), method, _check_policy(nan_policy)))

    def median(self, *, nan_policy: str = "propagate") -> float:
        return float(self._impl.quantile(0.5, "median", _check_policy(nan_policy)))

    def trimmed_mean(self, trim: Any = 0.1, *, nan_policy: str = "propagate") -> float:
        """floor(p n) values cut from each tail (a (lower, upper) pair for
        asymmetric cuts; 0.5 gives the median); correctly rounded."""
        lower, upper = _trim_pair(trim, "trim")
        return float(self._impl.trimmed_mean(lower, upper, _check_policy(nan_policy)))

    def winsorized_mean(self, limits: Any = 0.1, *, nan_policy: str = "propagate") -> float:
        """The mean with floor(p n) values of each tail set to the nearest kept
        value; correctly rounded."""
        lower, upper = _trim_pair(limits, "limits")
        return float(self._impl.winsorized_mean(lower, upper, _check_policy(nan_policy)))

    def __repr__(self) -> str:
        return f"SelectionState(brackets={len(self.brackets)}, count={self.count()})"


class MadState(_State):
    """The last pass of the exact MAD: a :class:`SelectionState` of the
    deviations ``|x - center|``.

    Each deviation is computed as :func:`robstat.mad` computes it: in
    float64, or with ``dtype=np.float32`` in float32 (``center`` rounded to
    float32 first), as for float32 data. ``brackets`` bracket the wanted
    ranks of the deviations, e.g. ``QuantileSketch(MadState.deviations_of(x,
    center, dtype)).brackets([(n - 1) // 2, n // 2])`` over the same values.
    Merged, ``mad(scale=...)`` equals ``robstat.mad(x, center=center,
    scale=...)`` bit for bit; with ``center`` the exact median (from a
    :class:`SelectionState`), ``robstat.mad(x)``. A median rank outside the
    brackets raises ValueError (widen them), never a wrong value.
    """

    _impl_type = _core._MadState
    __slots__ = ()

    def __init__(self, center: float, brackets: Any, values: npt.ArrayLike | None = None, *,
                 dtype: Any = np.float64, nan_policy: str = "propagate") -> None:
        self._impl = _core._MadState(float(center), _bracket_pairs(brackets),
                                     _working_float32(dtype))
        if values is not None:
            self.update(values, nan_policy=nan_policy)

    @staticmethod
    def deviations_of(values: npt.ArrayLike, center: float, dtype: Any = np.float64
                      ) -> np.ndarray:
        """``|values - center|`` as a MadState computes them (flattened, in
        `dtype`): what pass 3's sketch must see so that its brackets hold them."""
        f32 = _working_float32(dtype)
        a, _ = _as_float_array(values, "values")
        d = _core._MadState.deviation_of(np.ascontiguousarray(a, dtype=np.float64).reshape(-1),
                                          float(center), f32)
        return d.astype(np.float32) if f32 else d

    @property
    def center(self) -> float:
        return float(self._impl.center())

    @property
    def dtype(self) -> np.dtype:
        """The working dtype of the deviations."""
        return np.dtype(np.float32 if self._impl.float32() else np.float64)

    @property
    def deviations(self) -> SelectionState:
        """The selection state of the deviations (a copy)."""
        s = SelectionState.__new__(SelectionState)
        s._impl = self._impl.deviations()
        return s

    def mad(self, *, scale: str | float = "normal", nan_policy: str = "propagate") -> float:
        """``scale`` times the median deviation (``"normal"``: 1.4826...,
        R's ``mad()``), rounded to the working dtype as :func:`robstat.mad`."""
        return float(self._impl.mad(_scale_value(scale, MAD_NORMAL_SCALE),
                                    _check_policy(nan_policy)))

    def __repr__(self) -> str:
        return (f"MadState(center={self.center!r}, dtype={self.dtype.name}, "
                f"brackets={len(self.deviations.brackets)}, count={self.count()})")


def _working_float32(dtype: Any) -> bool:
    """True for float32, False for float64; ValueError otherwise."""
    try:
        d = np.dtype(dtype)
    except TypeError as e:
        raise ValueError(f"dtype must be float64 or float32 (got {dtype!r})") from e
    if d not in (np.dtype(np.float64), np.dtype(np.float32)):
        raise ValueError(f"dtype must be float64 or float32 (got {d})")
    return bool(d == np.dtype(np.float32))


def _bracket_pairs(brackets: Any) -> list[tuple[float, float]]:
    try:
        return [(float(lo), float(hi)) for lo, hi in brackets]
    except (TypeError, ValueError) as e:
        raise TypeError("brackets must be a sequence of (lo, hi) pairs of numbers") from e


def _ranks(ranks: Any) -> list[int]:
    """A rank or a sequence of ranks: ints >= 0."""
    items = [ranks] if np.ndim(ranks) == 0 else list(np.asarray(ranks, dtype=object).reshape(-1))
    out = []
    for r in items:
        if isinstance(r, (bool, np.bool_)) or not isinstance(r, (int, np.integer)) or r < 0:
            raise ValueError(f"ranks must be ints >= 0 (got {r!r})")
        out.append(int(r))
    return out


class HuberStepState(_State):
    """One exact Newton step of Huber's fixed-scale M-estimator of location.

    For a centre ``c``, scale ``s > 0`` and ``k``, the counts of the values
    below ``c - k s``, above ``c + k s`` and between (the zone edges rounded
    once to doubles) and the exact sum of those between. Merged,
    ``newton_step()`` is ``c + s sum(psi((x - c) / s)) / m`` (``m`` the count in
    the linear zone), correctly rounded from its exact value. Iterated from
    the median it reaches the root :func:`robstat.huber` (with the same
    ``scale``) finds on one machine.
    """

    _impl_type = _core._HuberStepState
    __slots__ = ()

    def __init__(self, center: float, scale: float, k: float = 1.5,
                 values: npt.ArrayLike | None = None, *, nan_policy: str = "propagate") -> None:
        self._impl = _core._HuberStepState(float(center), float(scale), float(k))
        if values is not None:
            self.update(values, nan_policy=nan_policy)

    @property
    def center(self) -> float:
        return float(self._impl.params()[0])

    @property
    def scale(self) -> float:
        return float(self._impl.params()[1])

    @property
    def k(self) -> float:
        return float(self._impl.params()[2])

    def zone_counts(self) -> tuple[int, int, int]:
        """(values below c - k s, between, above c + k s)."""
        lo, lin, hi = self._impl.zone_counts()
        return int(lo), int(lin), int(hi)

    def psi_sum(self, *, nan_policy: str = "propagate") -> float:
        """sum psi((x - c) / s) (its exact numerator rounded once, then / s)."""
        return float(self._impl.psi_sum(_check_policy(nan_policy)))

    def newton_step(self, *, nan_policy: str = "propagate") -> float:
        """The next centre; NaN when no value is in the linear zone."""
        return float(self._impl.newton_step(_check_policy(nan_policy)))

    def __repr__(self) -> str:
        return (f"HuberStepState(center={self.center!r}, scale={self.scale!r}, k={self.k!r}, "
                f"count={self.count()})")
