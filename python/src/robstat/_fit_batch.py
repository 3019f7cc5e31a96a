"""Batched fits: one family fitted to every slice along an axis, or to every
group of a keyed sample, in one call (``robstat.fit(x, family, axis=...)`` /
``groups=...``). Argument handling only; the fits run in C++ over all cores
(include/robstat/fit/batched.hpp, docs/fit.md "Batched fits")."""

from __future__ import annotations

import operator
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from . import _core
from ._api import _as_float_array, _as_weights, _caller_stacklevel
from ._fit import FitResult, _result
from ._mest import ConvergenceWarning

__all__ = ["FitBatch"]

_FIELDS = ("loglik", "aic", "bic", "n", "converged", "n_iter", "message")


@dataclass(frozen=True, repr=False, eq=False)
class FitBatch:
    """Fits of one family to many samples: the result of :func:`robstat.fit` with
    ``axis=`` (one fit per slice along the axis; arrays of the input's shape
    without that axis) or ``groups=`` (one fit per group, in the sorted order of
    the keys; 1-d arrays). ``batch[i]`` (``batch[key]`` with groups) is the
    :class:`FitResult` of one sample; :meth:`to_frame` the table, one row a fit.

    A sample that could not be fitted (fewer than 2 values, constant data,
    values outside the support, ...) has NaN ``params``, ``converged=False`` and
    the reason in ``message`` (``errors="raise"`` raises instead)."""

    family: str
    """The family name."""
    params: dict[str, np.ndarray]
    """Estimates by parameter name, one array (of :attr:`shape`) each."""
    se: dict[str, np.ndarray]
    """Standard errors by parameter name."""
    cov: np.ndarray
    """Covariances, shape ``shape + (k, k)``."""
    loglik: np.ndarray
    aic: np.ndarray
    bic: np.ndarray
    n: np.ndarray
    """Observations of each fit (sum of the frequency weights; the number of
    values of a sample that could not be fitted)."""
    converged: np.ndarray
    """False where a fit did not converge, could not be fitted, or met NaN under
    ``nan_policy="propagate"`` (``message`` says why)."""
    n_iter: np.ndarray
    message: np.ndarray
    """The message of each fit (an object array of str)."""
    fixed: tuple[str, ...] = ()
    """Names of the parameters held fixed."""
    truncation: tuple[float, float] | None = None
    """``(lo, hi)`` when every sample was fitted as truncated to it."""
    keys: Any = None
    """With ``groups=``: the group keys (a pandas Index when pandas is installed)."""
    key_names: tuple[Any, ...] = field(default=(), repr=False)

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of the per-fit arrays."""
        return tuple(self.loglik.shape)

    def __len__(self) -> int:
        """The number of fits (every slice or group)."""
        return int(self.loglik.size)

    def __iter__(self) -> Iterator[FitResult]:
        """The :class:`FitResult` of every fit: the groups in key order, the slices in C
        order of :attr:`shape`."""
        if self.keys is not None:
            return (self._at((g,)) for g in range(len(self.keys)))
        return (self._at(i) for i in np.ndindex(*self.shape))

    def _index(self, key: Any) -> tuple[int, ...]:
        if self.keys is not None:
            try:
                return (list(self.keys).index(key),)
            except ValueError:
                raise KeyError(key) from None
        idx = key if isinstance(key, tuple) else (key,)
        if len(idx) != len(self.shape):
            raise IndexError(f"a fit is indexed by {len(self.shape)} integers (the batch "
                             f"has shape {self.shape}); got {key!r}")
        out = []
        for i, size in zip(idx, self.shape):
            j = operator.index(i)
            if not -size <= j < size:
                raise IndexError(f"index {j} is out of range for a batch of shape {self.shape}")
            out.append(j % size)
        return tuple(out)

    def __getitem__(self, key: Any) -> FitResult:
        return self._at(self._index(key))

    def _at(self, i: tuple[int, ...]) -> FitResult:
        names = list(self.params)
        return _result({
            "family": self.family, "names": names,
            "params": [self.params[k][i] for k in names],
            "se": [self.se[k][i] for k in names], "cov": self.cov[i],
            "fixed": [k in self.fixed for k in names],
            "loglik": self.loglik[i], "aic": self.aic[i], "bic": self.bic[i], "n": self.n[i],
            "converged": self.converged[i], "n_iter": self.n_iter[i],
            "message": self.message[i],
        }, self.truncation)

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row a fit: the parameters, ``se_<name>``, and
        ``loglik``, ``aic``, ``bic``, ``n``, ``converged``, ``n_iter``, ``message``;
        indexed by the group keys, or by the position(s) of each slice."""
        import pandas as pd

        cols: dict[str, Any] = {k: v.reshape(-1) for k, v in self.params.items()}
        cols.update({f"se_{k}": v.reshape(-1) for k, v in self.se.items()})
        cols.update({k: getattr(self, k).reshape(-1) for k in _FIELDS})
        if self.keys is not None:
            index = (self.keys if isinstance(self.keys, pd.Index)
                     else pd.Index(self.keys, name=self.key_names[0] if self.key_names
                                   else "group"))
        elif len(self.shape) <= 1:
            index = pd.RangeIndex(self.shape[0] if self.shape else 1, name="index")
        else:
            index = pd.MultiIndex.from_tuples(list(np.ndindex(*self.shape)),
                                              names=[f"i{d}" for d in range(len(self.shape))])
        df = pd.DataFrame(cols, index=index)
        df.attrs["family"] = self.family
        return df

    def __repr__(self) -> str:
        return (f"FitBatch(family={self.family!r}, fits={int(self.loglik.size)}, "
                f"shape={self.shape}, converged={int(np.sum(self.converged))})")


def _segment_label(keys: Any, shape: tuple[int, ...], i: int) -> str:
    if keys is not None:
        return f"group {list(keys)[i]!r}"
    pos = np.unravel_index(i, shape) if shape else ()
    return f"slice {tuple(int(p) for p in pos)}" if len(shape) > 1 else f"slice {i}"


def fit_batch(x: npt.ArrayLike, name: str, *, weights: npt.ArrayLike | None,
              fixed: dict[str, float], nan: str, truncation: tuple[float, float] | None,
              axis: Any, groups: Any, workers: int, errors: str) -> FitBatch:
    """robstat.fit with axis= or groups= (arguments already checked by fit)."""
    if errors not in ("warn", "raise"):
        raise ValueError(f"errors must be 'warn' or 'raise' (got {errors!r})")
    if groups is not None and axis is not None:
        raise TypeError("give axis= or groups=, not both")
    a = _as_float_array(x)[0]
    w = None if weights is None else _as_weights(weights)
    keys = None
    key_names: tuple[Any, ...] = ()
    if groups is not None:
        from ._aggregate import _codes_of

        if a.ndim != 1:
            raise ValueError(f"with groups=, x must be 1-d, one key per value "
                             f"(got shape {a.shape})")
        if w is not None and w.shape != a.shape:
            raise ValueError(f"weights must have the shape of x (got {w.shape} for x of "
                             f"shape {a.shape})")
        codes, keys, key_names = _codes_of(groups, a.size)
        order = np.argsort(codes, kind="stable")
        values = a[order]
        wv = None if w is None else w[order]
        offsets = np.searchsorted(codes[order], np.arange(len(keys) + 1))
        shape: tuple[int, ...] = (len(keys),)
    else:
        if a.ndim == 0:
            raise ValueError("axis= needs an array of at least one dimension")
        try:
            ax = operator.index(axis)
        except TypeError:
            raise TypeError(f"axis must be an integer (got {axis!r})") from None
        if not -a.ndim <= ax < a.ndim:
            raise np.exceptions.AxisError(ax, a.ndim)
        if w is not None:
            try:
                w = np.broadcast_to(w, a.shape)
            except ValueError:
                raise ValueError(f"weights must broadcast to the shape of x (got {w.shape} "
                                 f"for x of shape {a.shape})") from None
        moved = np.moveaxis(a, ax, -1)
        shape = tuple(moved.shape[:-1])
        n = moved.shape[-1]
        values = np.ascontiguousarray(moved).reshape(-1)
        wv = None if w is None else np.ascontiguousarray(np.moveaxis(w, ax, -1)).reshape(-1)
        offsets = np.arange(int(np.prod(shape)) + 1) * n
    if wv is not None:
        wv = wv.astype(np.float64, copy=False)
    try:
        d = _core.fit_batch(values, wv, offsets.tolist(), name, fixed, nan, 200, truncation,
                            errors == "raise", workers)
    except ArithmeticError as e:  # std::domain_error (nan_policy="raise")
        raise ValueError(str(e)) from None
    except ValueError as e:
        msg = str(e)
        m = re.match(r"segment (\d+): ", msg)
        if m:
            msg = f"{_segment_label(keys, shape, int(m.group(1)))}: {msg[m.end():]}"
        elif msg.startswith("no segment could be fitted; segment 0: "):
            what = "group" if keys is not None else "slice"
            msg = (f"no {what} could be fitted; the first, {_segment_label(keys, shape, 0)}: "
                   + msg[len("no segment could be fitted; segment 0: "):])
        raise ValueError(msg) from None
    names = list(d["names"])
    k = len(names)
    params = np.asarray(d["params"]).reshape(shape + (k,))
    se = np.asarray(d["se"]).reshape(shape + (k,))
    message = np.empty(len(d["message"]), dtype=object)
    message[:] = list(d["message"])
    res = FitBatch(
        family=str(d["family"]),
        params={nm: params[..., j] for j, nm in enumerate(names)},
        se={nm: se[..., j] for j, nm in enumerate(names)},
        cov=np.asarray(d["cov"]).reshape(shape + (k, k)),
        loglik=np.asarray(d["loglik"]).reshape(shape),
        aic=np.asarray(d["aic"]).reshape(shape), bic=np.asarray(d["bic"]).reshape(shape),
        n=np.asarray(d["n"]).reshape(shape),
        converged=np.asarray(d["converged"]).reshape(shape),
        n_iter=np.asarray(d["n_iter"]).reshape(shape),
        message=message.reshape(shape),
        fixed=tuple(nm for nm, f in zip(names, d["fixed"]) if f),
        truncation=truncation, keys=keys, key_names=key_names)
    bad = [i for i, (c, msg) in enumerate(zip(res.converged.reshape(-1),
                                              res.message.reshape(-1)))
           if not c and not (nan == "propagate" and "nan" in msg)]
    if bad:
        first = bad[0]
        warnings.warn(
            f"fit({name!r}): {len(bad)} of {res.loglik.size} fits did not converge or could not "
            f"be fitted (converged=False); the first, "
            f"{_segment_label(keys, shape, first)}: {res.message.reshape(-1)[first]}",
            ConvergenceWarning, stacklevel=_caller_stacklevel())
    return res
