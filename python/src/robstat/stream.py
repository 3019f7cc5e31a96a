"""Mergeable streaming states (docs/streaming.md).

Every state follows one protocol::

    s = MomentsState()          # the empty state: the identity of merge
    s.update(chunk)             # fold values in (any shape, flattened)
    s.merge(other)              # exactly associative and commutative
    s.mean(), s.std(ddof=1)     # results, NaN policy applied at the end
    blob = s.to_bytes()         # versioned little-endian bytes, checksummed
    MomentsState.from_bytes(blob)
    pickle.dumps(s)             # through the same bytes (dask, Spark, ...)

The states hold their sums exactly (a fixed-point long accumulator), so every
result is identical, bit for bit, whatever the order of the values and however
they were split into parts and merged.
"""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from . import _core
from ._api import _as_float_array, _check_policy

__all__ = ["MomentsState", "SumState"]

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

    def sum(self, *, nan_policy: str = "propagate") -> float:
        """The correctly rounded sum of the values (0.0 when empty)."""
        return float(self._impl.sum(_check_policy(nan_policy)))

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
        return f"{type(self).__name__}(count={self.count()}, sum={self.sum()!r})"


class SumState(_State):
    """The exact sum of a stream of values.

    The sum is held exactly and rounded once, correctly, when asked: the
    result does not depend on the order or the partitioning of the values.
    ±inf and NaN are counted apart (their sum is the IEEE one).
    """

    _impl_type = _core._SumState
    __slots__ = ()


class MomentsState(_State):
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
