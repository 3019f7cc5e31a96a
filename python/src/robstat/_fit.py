"""Distribution fitting: maximum likelihood with standard errors, and model
choice by AIC/BIC. Argument handling only; the maths is in
include/robstat/fit/ (docs/fit.md)."""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import numpy.typing as npt

from . import _core
from ._api import _as_float_array, _as_weights, _caller_stacklevel, _check_policy
from ._mest import ConvergenceWarning

if TYPE_CHECKING:
    from ._fit_batch import FitBatch

__all__ = ["FitResult", "GofResult", "fit", "fit_best", "gof", "FAMILIES"]

# (name, scipy name, parameter names, loc fixed by default, positive support)
_FAMILY_INFO = {row[0]: row for row in _core.fit_families()}
_SCIPY_NAMES = {row[1]: row[0] for row in _FAMILY_INFO.values()}

FAMILIES: tuple[str, ...] = tuple(_FAMILY_INFO)
"""The family names :func:`fit` accepts (SciPy's names are accepted too:
``"norm"``, ``"lognorm"``, ``"expon"``, ``"weibull_min"``)."""


@dataclass(frozen=True)
class FitResult:
    """A fitted distribution and how the fit went (the FitResult contract).

    Parameters follow SciPy's names and order, so that
    ``getattr(scipy.stats, result.scipy_name)(**result.params)`` is the fitted
    distribution (also :meth:`dist`).
    """

    family: str
    """The family name (``"normal"``, ``"gamma"``, ...)."""
    params: dict[str, float]
    """Estimates by parameter name (fixed parameters hold their given value)."""
    loglik: float
    """Log-likelihood at ``params`` (weighted sum over the observations)."""
    aic: float
    """``2 k - 2 loglik``, k the number of estimated parameters."""
    bic: float
    """``k log(n) - 2 loglik``."""
    se: dict[str, float]
    """Standard errors by name, from the inverse observed information (closed
    forms for the exponential and Laplace; docs/fit.md); 0 for fixed parameters."""
    cov: np.ndarray
    """Covariance matrix of the estimates, rows and columns in ``params`` order
    (zero rows and columns for fixed parameters)."""
    converged: bool
    """False when an iterative solver stopped without meeting its criterion, or
    the input held NaN under ``nan_policy="propagate"`` (``message`` says why)."""
    n_iter: int
    """Solver iterations (0 for closed forms)."""
    message: str
    """``"closed form"``, ``"converged"`` or the reason of a failure."""
    n: float
    """Number of observations (the sum of the frequency weights)."""
    fixed: tuple[str, ...] = ()
    """Names of the parameters held fixed."""
    truncation: tuple[float, float] | None = None
    """``(lo, hi)`` when fitted as a truncated sample (``fit(..., truncation=)``)."""
    censored: bool = False
    """True when fitted to censored data (``fit(..., left=, right=, interval=)``
    or a ``scipy.stats.CensoredData``); ``n`` then counts the censored values too."""
    table: tuple[dict[str, Any], ...] = field(default=(), compare=False)
    """For :func:`fit_best`: one dict per candidate family (ranked; families
    that could not be fitted last, with the reason in ``"error"``)."""

    @property
    def scipy_name(self) -> str:
        """The scipy.stats distribution of this family (``"norm"``, ``"weibull_min"``...)."""
        return str(_FAMILY_INFO[self.family][1])

    def dist(self) -> Any:
        """The frozen ``scipy.stats`` distribution with the fitted parameters
        (needs SciPy)."""
        import scipy.stats

        if self.truncation is not None:
            lo, hi = self.truncation
            if self.family == "normal":
                loc, scale = self.params["loc"], self.params["scale"]
                return scipy.stats.truncnorm((lo - loc) / scale, (hi - loc) / scale, loc, scale)
            # other families: SciPy's random-variable API (SciPy >= 1.15)
            if not hasattr(scipy.stats, "truncate"):
                raise RuntimeError("FitResult.dist() of a truncated non-normal fit needs "
                                   "scipy.stats.truncate (SciPy >= 1.15)")
            shapes = {k: v for k, v in self.params.items() if k not in ("loc", "scale")}
            base: Any = scipy.stats.make_distribution(getattr(scipy.stats, self.scipy_name))
            x = base(**shapes) * self.params["scale"] + self.params.get("loc", 0.0)
            return scipy.stats.truncate(x, lo, hi)
        return getattr(scipy.stats, self.scipy_name)(**self.params)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the fields (``cov`` as nested lists; no ``table``)."""
        return {
            "family": self.family,
            "params": dict(self.params),
            "se": dict(self.se),
            "cov": self.cov.tolist(),
            "loglik": self.loglik,
            "aic": self.aic,
            "bic": self.bic,
            "converged": self.converged,
            "n_iter": self.n_iter,
            "message": self.message,
            "n": self.n,
            "fixed": list(self.fixed),
            "truncation": None if self.truncation is None else list(self.truncation),
            "censored": self.censored,
        }


def _family_name(family: Any) -> str:
    if not isinstance(family, str):
        raise TypeError(f"family must be a string (got {family!r})")
    name = _SCIPY_NAMES.get(family, family)
    if name not in _FAMILY_INFO:
        raise ValueError(
            f"family must be one of {', '.join(repr(f) for f in FAMILIES)} (got {family!r})"
        )
    return name


def _fixed_dict(fixed: Mapping[str, float] | None, name: str) -> dict[str, float]:
    if fixed is None:
        return {}
    if not isinstance(fixed, Mapping):
        raise TypeError(f"fixed must be a dict of parameter name -> value (got {fixed!r})")
    names = _FAMILY_INFO[name][2]
    out = {}
    for k, v in fixed.items():
        if k not in names:
            raise ValueError(
                f"fit({name!r}): no parameter {k!r} to fix (parameters: {', '.join(names)})"
            )
        try:
            out[str(k)] = float(v)
        except (TypeError, ValueError):
            raise TypeError(f"fixed[{k!r}] must be a real number (got {v!r})") from None
    return out


def _prepare(x: npt.ArrayLike, weights: npt.ArrayLike | None
             ) -> tuple[np.ndarray, np.ndarray | None]:
    a = _as_float_array(x)[0].reshape(-1)
    w = None
    if weights is not None:
        w = np.asarray(_as_weights(weights), dtype=np.float64)
        if w.shape != np.shape(x) and w.size != a.size:
            raise ValueError(
                f"weights must have the shape of x (got {w.shape} for x of shape {np.shape(x)})"
            )
        w = w.reshape(-1)
        if w.size != a.size:
            raise ValueError("weights must have the shape of x")
    return a, w


def _result(d: dict[str, Any], truncation: tuple[float, float] | None = None,
            censored: bool = False) -> FitResult:
    names = list(d["names"])
    fixed = tuple(n for n, f in zip(names, d["fixed"]) if f)
    n = float(d["n"])
    return FitResult(
        family=str(d["family"]),
        params={k: float(v) for k, v in zip(names, d["params"])},
        loglik=float(d["loglik"]),
        aic=float(d["aic"]),
        bic=float(d["bic"]),
        se={k: float(v) for k, v in zip(names, d["se"])},
        cov=np.asarray(d["cov"], dtype=np.float64),
        converged=bool(d["converged"]),
        n_iter=int(d["n_iter"]),
        message=str(d["message"]),
        n=int(n) if n.is_integer() else n,
        fixed=fixed,
        truncation=truncation,
        censored=censored,
    )


def _bound_array(v: Any, what: str) -> np.ndarray:
    a = _as_float_array(v, what)[0]
    if a.ndim > 1:
        a = a.reshape(-1)
    elif a.ndim == 0:
        a = a.reshape(1)
    return a if a.dtype == np.float64 else a.astype(np.float64)


def _censored_data_class() -> Any:
    stats = sys.modules.get("scipy.stats")  # never import SciPy just to check
    return getattr(stats, "CensoredData", None)


_Censored = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _censoring(x: Any, left: Any, right: Any, interval: Any) -> _Censored | None:
    """(x, left, right, lo, hi) as 1-d float64 arrays, or None if uncensored."""
    cd = _censored_data_class()
    if cd is not None and isinstance(x, cd):
        if left is not None or right is not None or interval is not None:
            raise TypeError("give the censoring either as a scipy.stats.CensoredData or "
                            "with left=/right=/interval=, not both")
        # SciPy (<= 1.17) has no public accessors: its documented constructor
        # arguments are stored as these attributes
        iv = np.asarray(x._interval, dtype=np.float64).reshape(-1, 2)
        return (_bound_array(x._uncensored, "x"), _bound_array(x._left, "left"),
                _bound_array(x._right, "right"), iv[:, 0].copy(), iv[:, 1].copy())
    if left is None and right is None and interval is None:
        return None
    empty = np.empty(0, dtype=np.float64)
    lo = hi = empty
    if interval is not None:
        try:
            lo_, hi_ = interval
        except (TypeError, ValueError):
            raise TypeError("interval must be a pair of arrays (lo, hi)") from None
        lo, hi = _bound_array(lo_, "interval lo"), _bound_array(hi_, "interval hi")
        if lo.shape != hi.shape:
            raise ValueError(f"interval: lo and hi must have the same length "
                             f"(got {lo.size} and {hi.size})")
    return (_bound_array(x, "x") if x is not None else empty,
            empty if left is None else _bound_array(left, "left"),
            empty if right is None else _bound_array(right, "right"), lo, hi)


_EMPTY = np.empty(0, dtype=np.float64)
_CENSORED_PARTS = ("x", "left", "right", "interval")


def _truncation(truncation: Any) -> tuple[float, float] | None:
    if truncation is None:
        return None
    try:
        lo, hi = (float(v) for v in truncation)
    except (TypeError, ValueError):
        raise TypeError(f"truncation must be a pair (lo, hi) (got {truncation!r})") from None
    return (lo, hi)


_CensoredWeights = tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None, np.ndarray | None]


def _censored_weights(weights: Any) -> _CensoredWeights | None:
    """The frequency weights of a censored sample: a dict naming the parts it weights."""
    if weights is None:
        return None
    if not isinstance(weights, Mapping):
        raise TypeError("with censored data, weights must be a dict of the parts it weights, "
                        "e.g. {'x': w_exact, 'right': w_censored} (keys: x, left, right, "
                        f"interval; got {type(weights).__name__})")
    unknown = set(weights) - set(_CENSORED_PARTS)
    if unknown:
        raise ValueError(f"weights: unknown part(s) {sorted(map(str, unknown))} "
                         f"(keys: {', '.join(_CENSORED_PARTS)})")
    def part(k: str) -> np.ndarray | None:
        w = weights.get(k)
        return None if w is None else np.asarray(_as_weights(w), dtype=np.float64).reshape(-1)

    return (part("x"), part("left"), part("right"), part("interval"))


@overload
def fit(x: npt.ArrayLike, family: str, *, weights: Any = None,
        fixed: Mapping[str, float] | None = None, method: str = "mle",
        nan_policy: str = "propagate", truncation: tuple[float, float] | None = None,
        left: npt.ArrayLike | None = None, right: npt.ArrayLike | None = None,
        interval: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
        axis: None = None, groups: None = None, workers: int = 1,
        errors: str = "warn") -> FitResult: ...
@overload
def fit(x: npt.ArrayLike, family: str, *, weights: Any = None,
        fixed: Mapping[str, float] | None = None, method: str = "mle",
        nan_policy: str = "propagate", truncation: tuple[float, float] | None = None,
        left: npt.ArrayLike | None = None, right: npt.ArrayLike | None = None,
        interval: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
        axis: int, groups: None = None, workers: int = 1, errors: str = "warn") -> FitBatch: ...
@overload
def fit(x: npt.ArrayLike, family: str, *, weights: Any = None,
        fixed: Mapping[str, float] | None = None, method: str = "mle",
        nan_policy: str = "propagate", truncation: tuple[float, float] | None = None,
        left: npt.ArrayLike | None = None, right: npt.ArrayLike | None = None,
        interval: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
        axis: None = None, groups: npt.ArrayLike, workers: int = 1,
        errors: str = "warn") -> FitBatch: ...
def fit(x: npt.ArrayLike, family: str, *, weights: Any = None,
        fixed: Mapping[str, float] | None = None, method: str = "mle",
        nan_policy: str = "propagate", truncation: tuple[float, float] | None = None,
        left: npt.ArrayLike | None = None, right: npt.ArrayLike | None = None,
        interval: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
        axis: int | None = None, groups: Any = None, workers: int = 1,
        errors: str = "warn") -> FitResult | FitBatch:
    """Maximum-likelihood fit of a distribution family to the values of `x`.

    Parameters
    ----------
    x : array_like
        The sample (flattened; float32 input is computed in float64).
    family : str
        ``"normal"``, ``"lognormal"``, ``"exponential"``, ``"gamma"``,
        ``"weibull"``, ``"t"``, ``"laplace"``, ``"logistic"``, ``"cauchy"``,
        ``"genpareto"`` (or SciPy's ``"norm"``, ``"lognorm"``, ``"expon"``,
        ``"weibull_min"``). Parameters are SciPy's: ``norm(loc, scale)``,
        ``lognorm(s, loc, scale)``, ``expon(loc, scale)``, ``gamma(a, loc, scale)``,
        ``weibull_min(c, loc, scale)``, ``t(df, loc, scale)``,
        ``laplace/logistic/cauchy(loc, scale)``, ``genpareto(c, loc, scale)``.
    weights : array_like or dict, optional
        Frequency weights (finite, >= 0, the shape of `x`): a weight of 3 is the
        value repeated three times; non-integer weights are allowed. With
        censored data, a dict naming the parts it weights
        (``{"x": ..., "left": ..., "right": ..., "interval": ...}``, each the
        length of its values; a part left out has weight 1).
    fixed : dict, optional
        Parameters held at given values, e.g. ``{"loc": 0}`` or ``{"df": 4}``.
        For lognormal, gamma, weibull and genpareto, ``loc`` is always fixed
        (at 0 unless given): with a free threshold the likelihood is unbounded
        (genpareto: ``loc`` is the known threshold).
    method : {"mle"}
        Only maximum likelihood.
    nan_policy : {"propagate", "omit", "raise"}
        NaN gives NaN parameters and ``converged=False`` (propagate), is
        dropped with its weight (omit) or raises ``ValueError`` (raise).
    truncation : (lo, hi), optional
        The values are known to lie in ``[lo, hi]`` (a sample cut at those
        bounds; ``-inf``/``inf`` for one-sided): maximise the truncated
        likelihood. Families normal, lognormal, exponential, weibull,
        logistic and cauchy, also with censoring; ``params`` are those of the
        untruncated distribution and :meth:`FitResult.dist` is
        ``scipy.stats.truncnorm`` (normal) or ``scipy.stats.truncate`` of the
        family (SciPy >= 1.15).
    left, right : array_like, optional
        Censored values: each value of `left` is an observation known only to
        be below it (left-censored), each of `right` one known only to be
        above it (right-censored, e.g. still alive at the end of a study).
    interval : (lo, hi) of array_like, optional
        Interval-censored observations, each known only to lie in
        ``[lo[i], hi[i]]`` (``lo=-inf`` or ``hi=inf``: left/right-censored;
        ``lo == hi``: observed exactly). With censoring, `x` holds the values
        observed exactly (may be empty or None), or `x` may be a
        ``scipy.stats.CensoredData``; the likelihood is
        ``sum log f(x) + sum log F(left) + sum log S(right) + sum log(F(hi) - F(lo))``.
        Families normal, lognormal, exponential, weibull, logistic and cauchy;
        the ``loc`` of the positive families is fixed (at 0 unless given in
        `fixed`, the exponential too). With `truncation` every probability is
        conditional on ``[lo, hi]``. When no maximum exists (e.g. every value
        right-censored) the result has ``converged=False``, NaN estimates and
        the reason.
    axis : int, optional
        Fit every 1-d slice of `x` along `axis` separately (e.g. ``axis=1``: one
        fit per row); returns a :class:`FitBatch`. `weights` broadcast to `x`.
    groups : array_like, optional
        A key per value of a 1-d `x` (array, pandas Series/Index/Categorical or
        DataFrame of key columns): one fit per group, in the sorted order of
        the keys; returns a :class:`FitBatch`. Not with censoring.
    workers : int
        Threads for `axis`/`groups` (-1: one per CPU); results do not depend on it.
    errors : {"warn", "raise"}
        With `axis`/`groups`: a sample that cannot be fitted gets NaN
        estimates, ``converged=False`` and the reason (one
        ``ConvergenceWarning`` counts them; when no sample can be fitted,
        ``ValueError``), or raises ``ValueError`` naming it ("raise").

    Returns
    -------
    FitResult
        ``params``, ``se``, ``cov`` (inverse observed information), ``loglik``,
        ``aic``, ``bic``, ``converged``, ``n_iter``, ``message``, ``n``; a
        :class:`FitBatch` of them (arrays) with `axis` or `groups`.

    Raises
    ------
    ValueError
        Fewer than 2 values, constant data, values outside the support (e.g.
        ``x <= loc`` for gamma), +-inf in `x`, invalid weights or fixed values.

    Warns
    -----
    ConvergenceWarning
        When an iterative fit does not converge (the result says why).

    Notes
    -----
    Closed forms for normal, lognormal, exponential and Laplace (which are
    SciPy's ``fit`` results); the profile score equation solved by a
    safeguarded Newton for gamma and Weibull; a damped Newton with line
    search from median/IQR starting values for logistic, Cauchy and t (moment
    starting values for the generalized Pareto).
    docs/fit.md has the details and where results differ from SciPy.
    """
    name = _family_name(family)
    if method != "mle":
        raise ValueError(f"method must be 'mle' (got {method!r})")
    nan = _check_policy(nan_policy)
    fx = _fixed_dict(fixed, name)
    cens = _censoring(x, left, right, interval)
    trunc = _truncation(truncation)
    if axis is not None or groups is not None:
        if cens is not None:
            raise TypeError("censored data cannot be fitted with axis= or groups=: fit each "
                            "sample separately")
        from ._fit_batch import fit_batch

        return fit_batch(x, name, weights=weights, fixed=fx, nan=nan, truncation=trunc,
                         axis=axis, groups=groups, workers=workers, errors=errors)
    try:
        if cens is not None:
            d = _core.fit_censored(*cens, name, fx, nan, 200, _censored_weights(weights),
                                   trunc)
        elif trunc is not None and name != "normal":  # the censored engine, x only
            a, w = _prepare(x, weights)
            d = _core.fit_censored(a, _EMPTY, _EMPTY, _EMPTY, _EMPTY, name, fx, nan, 200,
                                   (w, None, None, None), trunc)
        else:
            a, w = _prepare(x, weights)
            d = _core.fit(a, w, name, fx, nan, 200, trunc)
    except ArithmeticError as e:  # std::domain_error (nan_policy="raise")
        raise ValueError(str(e)) from None
    res = _result(d, trunc, censored=cens is not None)
    if not res.converged and not (nan == "propagate" and "nan" in res.message):
        warnings.warn(f"fit({name!r}) did not converge: {res.message}", ConvergenceWarning,
                      stacklevel=_caller_stacklevel())
    return res


def fit_best(x: npt.ArrayLike, families: Sequence[str] | None = None, *,
             criterion: str = "aic", weights: npt.ArrayLike | None = None,
             nan_policy: str = "propagate") -> FitResult:
    """Fit several families and return the best by AIC or BIC.

    Parameters
    ----------
    x : array_like
        The sample.
    families : sequence of str, optional
        The candidates (default: every family of :data:`FAMILIES`).
    criterion : {"aic", "bic"}
        Smaller is better.
    weights, nan_policy
        As for :func:`fit`.

    Returns
    -------
    FitResult
        The best converged fit, with ``table``: one dict per candidate
        (``family``, ``loglik``, ``aic``, ``bic``, ``converged``, ``message``,
        ``params``, ``error``), ranked by the criterion; the families that
        could not be fitted (e.g. a positive-support family on data with
        values <= 0) or did not converge come last, with the reason.

    Raises
    ------
    ValueError
        When no family could be fitted (the reasons are in the message).
    """
    if criterion not in ("aic", "bic"):
        raise ValueError(f"criterion must be 'aic' or 'bic' (got {criterion!r})")
    names = list(FAMILIES) if families is None else [_family_name(f) for f in families]
    if not names:
        raise ValueError("families must name at least one family")
    nan = _check_policy(nan_policy)
    a, w = _prepare(x, weights)
    fits: list[tuple[str, FitResult | None, str]] = []
    for name in dict.fromkeys(names):
        try:
            r = _result(_core.fit(a, w, name, {}, nan))
            fits.append((name, r, "" if r.converged else r.message))
        except (ValueError, ArithmeticError) as e:
            fits.append((name, None, str(e)))

    def key(item: tuple[str, FitResult | None, str]) -> tuple[int, float]:
        _, r, err = item
        if r is None or err:
            return (1, math.inf)
        v = getattr(r, criterion)
        return (0, v if math.isfinite(v) else math.inf)

    fits.sort(key=key)
    table = tuple(
        {
            "family": name,
            "loglik": r.loglik if r else math.nan,
            "aic": r.aic if r else math.nan,
            "bic": r.bic if r else math.nan,
            "converged": bool(r and r.converged),
            "message": r.message if r else "",
            "params": dict(r.params) if r else {},
            "error": err,
        }
        for name, r, err in fits
    )
    best_name, best, err = fits[0]
    if best is None or err:
        reasons = "; ".join(f"{n}: {e}" for n, _, e in fits)
        raise ValueError(f"fit_best: no family could be fitted ({reasons})")
    return replace(best, table=table)


@dataclass(frozen=True)
class GofResult:
    """Result of :func:`gof`."""

    statistic: dict[str, float]
    """``{"ks": D, "ad": A², "cvm": W²}``."""
    pvalue: dict[str, float]
    """p-values by statistic (see ``method``)."""
    method: str
    """``"specified"`` (p-values of a fully specified distribution) or
    ``"parametric bootstrap"``."""
    n_boot: int
    """Bootstrap replications used (0 for ``"specified"``)."""
    n: int
    """Number of values tested."""


def gof(x: npt.ArrayLike, fit: FitResult, *, n_boot: int = 0, seed: Any = None,
        nan_policy: str = "propagate") -> GofResult:
    """Goodness of fit of `x` to a fitted distribution: Kolmogorov-Smirnov,
    Anderson-Darling and Cramér-von Mises.

    Parameters
    ----------
    x : array_like
        The sample (flattened).
    fit : FitResult
        The distribution (family and ``params``), usually ``robstat.fit(x, ...)``.
    n_boot : int
        0: p-values of a fully specified distribution (KS: Kolmogorov's
        limit with Stephens' factor ``sqrt(n) + 0.12 + 0.11/sqrt(n)``; AD:
        Marsaglia & Marsaglia (2004); CvM: the Anderson-Darling (1952) limit
        of Stephens' modified W²). These are **too large** when the
        parameters were estimated from `x`. ``n_boot > 0``: parametric
        bootstrap -- `n_boot` samples of the size of `x` drawn from the
        fitted distribution, each refitted (same family, same fixed
        parameters) and tested; ``p = (1 + #{T_b >= T}) / (1 + n_boot)``.
        Needs SciPy (to draw the samples).
    seed : None, int or numpy.random.Generator
        Seed of the bootstrap.
    nan_policy : {"propagate", "omit", "raise"}

    Returns
    -------
    GofResult
    """
    if not isinstance(fit, FitResult):
        raise TypeError("fit must be a FitResult (from robstat.fit)")
    if fit.truncation is not None:
        raise ValueError("gof does not support truncated fits")
    if fit.censored:
        raise ValueError("gof does not support censored fits")
    nan = _check_policy(nan_policy)
    a = _as_float_array(x)[0].reshape(-1)
    params = list(fit.params.values())
    try:
        ks, pks, ad, pad, cvm, pcvm = _core.gof(a, fit.family, params, nan)
    except ArithmeticError as e:
        raise ValueError(str(e)) from None
    stat = {"ks": ks, "ad": ad, "cvm": cvm}
    n = int(np.count_nonzero(~np.isnan(a)))
    if n_boot == 0 or any(math.isnan(v) for v in stat.values()):
        return GofResult(stat, {"ks": pks, "ad": pad, "cvm": pcvm}, "specified", 0, n)
    if int(n_boot) != n_boot or n_boot < 0:
        raise ValueError(f"n_boot must be a non-negative integer (got {n_boot!r})")
    rng = np.random.default_rng(seed)
    dist = fit.dist()
    fixed = {k: fit.params[k] for k in fit.fixed}
    counts = dict.fromkeys(stat, 0)
    used = 0
    for _ in range(int(n_boot)):
        xb = np.asarray(dist.rvs(size=n, random_state=rng), dtype=np.float64)
        try:
            rb = _core.fit(xb, None, fit.family, fixed, "raise")
        except ValueError:
            continue
        if not rb["converged"]:
            continue
        tb = _core.gof(xb, fit.family, list(rb["params"]), "raise")
        used += 1
        for key, v in zip(("ks", "ad", "cvm"), tb[0::2]):
            counts[key] += v >= stat[key]
    if used == 0:
        raise ValueError("gof: no bootstrap replicate could be fitted")
    pv = {k: (1 + c) / (1 + used) for k, c in counts.items()}
    return GofResult(stat, pv, "parametric bootstrap", used, n)
