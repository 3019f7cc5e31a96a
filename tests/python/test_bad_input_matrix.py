"""The bad-input matrix (issue 8): every public function x every input class.

docs/bad-input.md writes down the expected behaviour of each cell; here each
cell is one test, ``test_cell[<function>-<class>]``. The functions are grouped
into families with the same behaviour (FAMILY below, the one table the test
reads); every name in ``robstat.__all__`` must have a row, so a new function
without one fails ``test_every_public_name_has_a_row``.

Every cell also checks that the input array is never modified: its bytes are
hashed before and after each call (read-only, strided and negative-stride
views included).

Oracles: NumPy/SciPy/astropy/brute-force 1-d references (conftest's, where
they exist) for values; for the magnitude classes (+-1e308, subnormals), where
NumPy itself overflows or underflows, the estimator's own equivariance under an
exact power-of-two scaling: ``f(x) == 2**(k p) f(2**-k x)``, p the power of the
unit the result carries (1 for a location or scale, 2 for a variance, 0 for
z-scores, labels and shape statistics).

Invalid parameters, dtypes, axes and nan_policy are exercised in depth by
test_bad_input.py (for the core reductions); here one representative invalid
value per function, for every function.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pytest
import robstat
import robstat.scipy as rsp
import scipy.stats as st
import scipy.stats.mstats as mst
from conftest import REDUCTIONS, TRANSFORMS

try:
    from numpy.exceptions import AxisError
except ImportError:  # pragma: no cover
    AxisError = np.AxisError

SSW = robstat.SmallSampleWarning

# ---- 1-d oracles that conftest does not have ----------------------------------------


def _hodges_lehmann(v):
    i, j = np.triu_indices(v.size)
    return np.median((v[i] + v[j]) / 2)


def _trimean(v):
    q1, q2, q3 = np.quantile(v, [0.25, 0.5, 0.75])
    return (q1 + 2 * q2 + q3) / 4


def _trimmed_kept(v, p=0.1):
    s = np.sort(v)
    g = int(np.floor(p * s.size))
    return s[g:s.size - g]


def _winsorized(v, p=0.1):
    return np.asarray(st.mstats.winsorize(v, limits=(p, p)).data)


def _yuen_se(v, p=0.1):
    n, h = v.size, _trimmed_kept(v, p).size
    return np.sqrt((n - 1) * np.var(_winsorized(v, p), ddof=1) / (h * (h - 1)))


def _astropy(name):
    def ref(v):
        import astropy.stats as ast
        return getattr(ast, name)(v)
    return ref


def _medcouple(v):
    from statsmodels.stats.stattools import medcouple
    return float(medcouple(v))


# ---- the functions: one adapter each, a family, the unit power, an oracle ------------


@dataclass
class Spec:
    call: Callable[..., Any]   # call(x, **kw) -> array of float64 (a stacked tuple result)
    family: str
    power: int = 1             # unit of the result: 1 location/scale, 2 variance, 0 invariant
    oracle: Callable | None = None  # 1-d float64 reference of the result (stacked)
    kind: str = "location"     # one value: "location" -> the value, "scale" -> 0
    bounded: bool = True       # +-inf has the influence of a huge finite value
    inf_oracle: bool = True    # the oracle handles +-inf as robstat documents it
    invalid: dict = field(default_factory=dict)  # one invalid keyword -> ValueError/TypeError


def _arr(v):
    return np.asarray(v, dtype=np.float64)


def _stack(*vals):
    return np.stack([np.asarray(v, dtype=np.float64) for v in vals])


def _ones_like(x):
    return np.ones(np.shape(x))


R, R2, T, L, W, S = "reduction", "reduction_2", "transform", "labels", "rolling", "sample"
_red = {n: REDUCTIONS[n][1] for n in REDUCTIONS}
_tr = {n: TRANSFORMS[n][1] for n in TRANSFORMS}

SPECS: dict[str, Spec] = {
    "mean": Spec(lambda x, **k: _arr(robstat.mean(x, **k)), R, 1, _red["mean"],
                 bounded=False, invalid={"nan_policy": "ignore"}),
    "var": Spec(lambda x, **k: _arr(robstat.var(x, **k)), R, 2, _red["var"], "scale",
                bounded=False, invalid={"ddof": -1}),
    "std": Spec(lambda x, **k: _arr(robstat.std(x, **k)), R, 1, _red["std"], "scale",
                bounded=False, invalid={"ddof": np.nan}),
    "median": Spec(lambda x, **k: _arr(robstat.median(x, **k)), R, 1, _red["median"],
                   invalid={"nan_policy": "OMIT"}),
    "quantile": Spec(lambda x, q=0.3, **k: _arr(robstat.quantile(x, q, **k)), R, 1,
                     lambda v: np.quantile(v, 0.3), invalid={"q": 1.5}),
    "trimmed_mean": Spec(lambda x, **k: _arr(robstat.trimmed_mean(x, **k)), R, 1,
                         _red["trimmed_mean"], bounded=False, invalid={"trim": 0.6}),
    "winsorized_mean": Spec(lambda x, **k: _arr(robstat.winsorized_mean(x, **k)), R, 1,
                            _red["winsorized_mean"], bounded=False, invalid={"limits": -0.1}),
    "weighted_trimmed_mean": Spec(
        lambda x, **k: _arr(robstat.weighted_trimmed_mean(x, _ones_like(x), **k)), R, 1,
        _red["trimmed_mean"], bounded=False, invalid={"trim": (0.5, 0.6)}),
    "weighted_winsorized_mean": Spec(
        lambda x, **k: _arr(robstat.weighted_winsorized_mean(x, _ones_like(x), **k)), R, 1,
        _red["winsorized_mean"], bounded=False, invalid={"limits": 0.5}),
    "mad": Spec(lambda x, **k: _arr(robstat.mad(x, **k)), R, 1, _red["mad"], "scale",
                invalid={"scale": 0.0}),
    "iqr": Spec(lambda x, **k: _arr(robstat.iqr(x, **k)), R, 1, _red["iqr"], "scale",
                invalid={"scale": "raw"}),
    "qn": Spec(lambda x, **k: _arr(robstat.qn(x, **k)), R, 1, None, "scale",
               invalid={"scale": -1.0}),
    "sn": Spec(lambda x, **k: _arr(robstat.sn(x, **k)), R, 1, None, "scale",
               invalid={"scale": "Normal"}),
    "hodges_lehmann": Spec(lambda x, **k: _arr(robstat.hodges_lehmann(x, **k)), R, 1,
                           _hodges_lehmann, inf_oracle=False, invalid={"nan_policy": ""}),
    "trimean": Spec(lambda x, **k: _arr(robstat.trimean(x, **k)), R, 1, _trimean,
                    inf_oracle=False, invalid={"method": "weibull"}),
    "medcouple": Spec(lambda x, **k: _arr(robstat.medcouple(x, **k)), R, 0, _medcouple,
                      "shape", inf_oracle=False, invalid={"nan_policy": "Propagate"}),
    "huber": Spec(lambda x, **k: _arr(robstat.huber(x, **k)), R, 1, None,
                  invalid={"k": 0.0}),
    "huber_joint": Spec(
        lambda x, **k: _stack(*robstat.huber_joint(x, **k)[:2]), R, 1, None, "location_scale",
        invalid={"maxiter": 0}),
    "biweight_location": Spec(lambda x, **k: _arr(robstat.biweight_location(x, **k)), R, 1,
                              _astropy("biweight_location"), inf_oracle=False,
                              invalid={"c": -6.0}),
    "biweight_midvariance": Spec(lambda x, **k: _arr(robstat.biweight_midvariance(x, **k)), R,
                                 2, _astropy("biweight_midvariance"), "scale",
                                 inf_oracle=False, invalid={"c": np.inf}),
    "biweight_scale": Spec(lambda x, **k: _arr(robstat.biweight_scale(x, **k)), R, 1,
                           _astropy("biweight_scale"), "scale", inf_oracle=False,
                           invalid={"c": 0}),
    "trimmed_var": Spec(lambda x, **k: _arr(robstat.trimmed_var(x, **k)), R2, 2,
                        lambda v: np.var(_trimmed_kept(v), ddof=1), "scale", bounded=False,
                        invalid={"ddof": -0.5}),
    "winsorized_var": Spec(lambda x, **k: _arr(robstat.winsorized_var(x, **k)), R2, 2,
                           lambda v: np.var(_winsorized(v), ddof=1), "scale", bounded=False,
                           invalid={"limits": (0.6, 0.4)}),
    "trimmed_sem": Spec(lambda x, **k: _arr(robstat.trimmed_sem(x, **k)), R2, 1, _yuen_se,
                        "scale", bounded=False, invalid={"trim": (0.1, 0.2)}),
    "trimmed_ci": Spec(lambda x, **k: _stack(*robstat.trimmed_ci(x, **k)), R2, 1, None,
                       bounded=False, invalid={"confidence": 1.0}),
    "winsorize": Spec(lambda x, **k: _arr(robstat.winsorize(x, **k)), T, 1, _tr["winsorize"],
                      invalid={"limits": (0.0, 1.0)}),
    "robust_zscore": Spec(lambda x, **k: _arr(robstat.robust_zscore(x, **k)), T, 0,
                          _tr["robust_zscore"], invalid={"nan_policy": None}),
    "modified_zscore": Spec(lambda x, **k: _arr(robstat.modified_zscore(x, **k)), T, 0,
                            _tr["modified_zscore"], invalid={"nan_policy": 1}),
    "sigma_clip": Spec(lambda x, **k: _arr(robstat.sigma_clip(x, **k).labels), L, 0,
                       invalid={"maxiters": True}),
    "outliers": Spec(lambda x, **k: _arr(robstat.outliers(x, **k).labels), L, 0,
                     invalid={"method": "grubbs"}),
    "rolling_median": Spec(lambda x, **k: _arr(robstat.rolling_median(x, 3, **k)), W, 1,
                           invalid={"min_periods": -1}),
    "rolling_quantile": Spec(lambda x, **k: _arr(robstat.rolling_quantile(x, 3, 0.3, **k)), W,
                             1, invalid={"method": "inverted_cdf"}),
    "rolling_trimmed_mean": Spec(lambda x, **k: _arr(robstat.rolling_trimmed_mean(x, 3, **k)),
                                 W, 1, invalid={"trim": 0.5}),
    "rolling_mad": Spec(lambda x, **k: _arr(robstat.rolling_mad(x, 3, **k)), W, 1,
                        invalid={"min_periods": 4}),
    "rolling_robust_zscore": Spec(
        lambda x, **k: _arr(robstat.rolling_robust_zscore(x, 3, **k).zscore), W, 0,
        invalid={"threshold": -1.0}),
    "aggregate": Spec(lambda x, **k: _stack(robstat.aggregate(x, **k).center), S, 1,
                      lambda v: st.trim_mean(v, 0.1), bounded=False,
                      invalid={"method": "median"}),
    "fit": Spec(lambda x, **k: _stack(*robstat.fit(x, "normal", **k).params.values()), S, 1,
                lambda v: _stack(np.mean(v), np.std(v)), bounded=False,
                invalid={"fixed": {"shape": 1.0}, "match": "no parameter 'shape'"}),
    "fit_best": Spec(
        lambda x, **k: _stack(*robstat.fit_best(x, ["normal"], **k).params.values()), S, 1,
        lambda v: _stack(np.mean(v), np.std(v)), bounded=False,
        invalid={"criterion": "hqic"}),
    "gof": Spec(lambda x, fitted=None, **k: _stack(*robstat.gof(
        x, fitted or robstat.fit(np.arange(1.0, 6.0), "normal"), **k).statistic.values()),
        S, 0, bounded=False, invalid={"n_boot": -1}),
}

# Names of robstat.__all__ that take no data: result classes, warnings, constants,
# simd_arch. They have no cells; the row says so.
NOT_DATA = {
    "Aggregate", "CutValue", "GroupedAggregate", "__version__", "ConvergenceWarning",
    "FAMILIES", "FitBatch", "FitResult", "GofResult", "HuberResult", "IQR_NORMAL_SCALE",
    "MAD_NORMAL_SCALE", "OutlierResult", "QN_NORMAL_CONSTANT", "RollingZscoreResult",
    "SigmaClipResult", "simd_arch", "SmallSampleWarning", "SN_NORMAL_CONSTANT",
}

# The one family table (docs/bad-input.md has the same): name -> family.
FAMILY = {**{n: s.family for n, s in SPECS.items()}, **dict.fromkeys(NOT_DATA, "not_data")}


def test_every_public_name_has_a_row():
    missing = sorted(set(robstat.__all__) - set(FAMILY))
    assert not missing, f"add a row to FAMILY (and docs/bad-input.md) for {missing}"
    assert not sorted(set(FAMILY) - set(robstat.__all__))


def test_docs_table_lists_every_function():
    import pathlib
    doc = " ".join((pathlib.Path(__file__).parents[2] / "docs" / "bad-input.md").read_text()
                   .split())
    for name in FAMILY:
        assert f"`{name}`" in doc, name
    n_cells = len(SPECS) * len(CLASSES)
    assert f"{len(SPECS)} functions × {len(CLASSES)} input classes = {n_cells} cells" in doc
    n_scipy = len(SCIPY_ROWS) * len(CLASSES)
    assert (f"{len(SCIPY_ROWS)} SciPy drop-ins of `robstat.scipy` × {len(CLASSES)} input "
            f"classes = {n_scipy} cells") in doc
    assert f"{n_cells + n_scipy} cells in all" in doc
    for name in SCIPY_ROWS:
        assert f"`{name}`" in doc, name


def test_every_scipy_dropin_has_a_row():
    functions = {n for n in rsp.__all__ if callable(getattr(rsp, n))
                 and not isinstance(getattr(rsp, n), type)}
    assert functions == set(SCIPY_ROWS)


def test_not_data_names():
    assert robstat.simd_arch() in ("sse2", "avx2", "avx512")
    for name in NOT_DATA - {"simd_arch"}:
        assert getattr(robstat, name) is not None


# ---- helpers ---------------------------------------------------------------------------------

DATA = np.array([1.5, 3.0, -2.0, 7.0, 0.25, 4.0, 2.0, 10.0, -1.0, 5.5, 0.75, -3.5])


def _digest(a):
    a = np.asarray(a)
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest(), a.flags.writeable


def run(spec, x, **kw):
    """Call with the input's bytes hashed before and after (never modified), warnings
    recorded. Returns (result, set of warning classes)."""
    before = _digest(x)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        try:
            out = spec.call(x, **kw)
        finally:
            assert _digest(x) == before, "the input array was modified"
    return out, {type(w.message) for w in rec}


def raises(spec, exc, match, x, **kw):
    before = _digest(x)
    with pytest.raises(exc, match=match):
        spec.call(x, **kw)
    assert _digest(x) == before, "the input array was modified"


def close(got, expected, rtol=1e-12, atol=0.0):
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)


def reference(spec, x):
    """The oracle on a clean float64 copy (per lane of a 1-d input), else robstat on it."""
    v = np.array(x, dtype=np.float64).ravel()
    if spec.family in (T, W, L) or spec.oracle is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return spec.call(np.ascontiguousarray(v))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(spec.oracle(v), dtype=np.float64)


def scaled_reference(spec, x, k):
    """2**(k p) f(2**-k x): exact power-of-two equivariance."""
    xs = np.ldexp(np.asarray(x, dtype=np.float64), -k)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if spec.call is SPECS["gof"].call:
            fitted = robstat.fit(np.ldexp(np.arange(1.0, 6.0), -k), "normal")
            r = spec.call(xs, fitted=fitted)
        else:
            r = spec.call(xs)
    return np.ldexp(r, k * spec.power) if spec.power else r


def rolling_propagate_reference(x, omit_out):
    """A window holding a NaN gives NaN, the others their omit value."""
    nan = np.isnan(x).astype(float)
    in_window = np.convolve(nan, np.ones(3))[:x.size] > 0
    return np.where(in_window, np.nan, omit_out)


# ---- one check per input class -----------------------------------------------------------------


def c_empty(name, spec):
    x = np.array([])
    if spec.family in (R, R2):
        out, w = run(spec, x)
        assert np.isnan(out).all() and SSW in w
    elif spec.family in (T, W):
        out, w = run(spec, x)
        assert out.shape == (0,) and out.dtype == np.float64
    elif spec.family == L:
        out, w = run(spec, x)
        assert out.shape == (0,) and SSW in w
    elif name == "aggregate":
        out, w = run(spec, x)
        assert np.isnan(out).all() and SSW in w
    else:  # fit, fit_best, gof
        raises(spec, ValueError, "at least", x)


def c_zero_d(name, spec):
    x = np.array(2.5)
    if spec.family == W:
        raises(spec, ValueError, "at least one dimension", x)
        return
    if name in ("fit", "fit_best"):
        raises(spec, ValueError, "at least 2 values", x)
        return
    out, w = run(spec, x)
    if spec.family == R2:  # needs two values
        assert np.isnan(out).all() and SSW in w
        return
    assert out.shape in ((), (1,), (2,), (3,))
    if spec.family == T:
        assert out.shape == ()
        close(out, 2.5 if name == "winsorize" else np.nan)  # MAD 0: 0/0 for x == median
    elif spec.family == L:
        assert out == 0
    elif name == "gof":
        close(out, reference(spec, x))
    elif spec.kind == "location_scale":
        close(out, [2.5, 0.0])
    else:
        close(out, {"location": 2.5, "scale": 0.0, "shape": 0.0}[spec.kind])


def c_all_nan(name, spec):
    x = np.full(6, np.nan)
    if name == "fit_best":
        raises(spec, ValueError, "(?i)nan", x)
        raises(spec, ValueError, "(?i)no value|at least|nan", x, nan_policy="omit")
        return
    if name in ("fit", "gof"):
        out, _ = run(spec, x)
        assert np.isnan(out).all()
        raises(spec, ValueError, "at least", x, nan_policy="omit")
        return
    out, w = run(spec, x)
    if spec.family == L:
        assert (out == 0).all()
    else:
        assert np.isnan(out).all() and SSW not in w  # propagate: NaN, no warning
    out, w = run(spec, x, nan_policy="omit")
    if spec.family == L:
        assert (out == 0).all()
    else:
        assert np.isnan(out).all()
    if spec.family in (R, R2, S):
        assert SSW in w  # nothing left after omitting


def c_nan_propagate(name, spec):
    x = np.r_[DATA, np.nan]
    if name == "fit_best":
        raises(spec, ValueError, "(?i)nan", x)
        return
    out, _ = run(spec, x, nan_policy="propagate")
    if spec.family == L:
        assert (out == 0).all()  # NaN bounds: nothing flagged
    elif spec.family == W:
        omit, _ = run(spec, x, nan_policy="omit")
        close(out, rolling_propagate_reference(x, omit))
    else:
        assert np.isnan(out).all()


def c_nan_omit(name, spec):
    x = np.r_[DATA[:5], np.nan, DATA[5:], np.nan]
    keep = ~np.isnan(x)
    out, _ = run(spec, x, nan_policy="omit")
    if spec.family in (R, R2, S):
        close(out, reference(spec, x[keep]))
    elif spec.family in (T, L):
        ref = reference(spec, x[keep])
        close(out[keep], ref)
        assert (np.isnan(out[~keep]) if spec.family == T else (out[~keep] == 0)).all()
    else:  # rolling: the omit default equals pandas' rule, tested in test_rolling.py
        import pandas as pd
        method = {"rolling_median": "median", "rolling_mad": None, "rolling_quantile": None,
                  "rolling_trimmed_mean": None, "rolling_robust_zscore": None}[name]
        if method:
            close(out, pd.Series(x).rolling(3).median().to_numpy())
        else:  # the default (omit) call is the same computation
            close(out, spec.call(x))
        assert np.isnan(out[:2]).all()


def c_nan_raise(name, spec):
    x = np.r_[DATA, np.nan]
    raises(spec, ValueError, "(?i)nan", x, nan_policy="raise")
    raises(spec, ValueError, "(?i)nan", x.astype(np.float32), nan_policy="raise")


def c_inf(name, spec):
    x = np.r_[DATA, np.inf, -np.inf, np.inf]
    if spec.family == S and name != "aggregate":
        raises(spec, ValueError, "infinite", x)
        return
    out, _ = run(spec, x)
    if spec.family == L:
        labels = np.sign(x) * np.isinf(x)
        assert (out[np.isinf(x)] == labels[np.isinf(x)]).all()  # +-inf flagged
        assert (out[np.isfinite(x)] == 0).all()
        return
    if spec.oracle is not None and spec.inf_oracle and spec.family != W:
        close(out, reference(spec, x))
    if spec.bounded:
        # +-inf have the influence of the largest values: as if they were +-1e300
        big = np.where(np.isinf(x), np.sign(x) * 1e300, x)
        ref, _ = run(spec, big)
        if spec.family in (T, W):
            out, ref = out[np.isfinite(x)], ref[np.isfinite(x)]
        close(out, ref, rtol=1e-12)


def c_huge(name, spec):
    x = np.r_[1e308, -1e308, 1.5e308, 1e308, -1.7e308, 1e308, 0.9e308, -1.2e308]
    k = 600
    if name in ("fit", "fit_best"):  # not all equal: the scale MLE is not 0
        out, _ = run(spec, x)
        close(out, scaled_reference(spec, x, k), rtol=1e-14)
        assert np.isfinite(out).all()
        return
    out, _ = run(spec, x)
    ref = scaled_reference(spec, x, k)
    close(out, ref, rtol=1e-13)
    assert not np.isnan(out).any() or np.isnan(ref).any()  # finite data: never NaN


def c_denormal(name, spec):
    # subnormal values (about 14 significant bits): results of the right size, never 0
    # for a spread that is a subnormal number, never NaN
    x = np.ldexp(DATA, -1062)
    if name in ("fit", "fit_best", "gof"):
        if name == "gof":
            out, _ = run(spec, x)
            close(out, scaled_reference(spec, x, -900), rtol=1e-2)
        else:
            out, _ = run(spec, x)
            close(out, scaled_reference(spec, x, -900), rtol=1e-3)
        return
    out, _ = run(spec, x)
    ref = scaled_reference(spec, x, -900)
    if spec.power == 2:  # a variance of subnormal values underflows to 0
        close(out, ref, atol=1e-320)
    elif spec.power == 1:
        close(out, ref, rtol=2e-3, atol=3 * 5e-324)
        assert ((out != 0) | (ref == 0)).all(), out
    else:  # invariant results (z-scores, labels): rounding of the subnormal data only
        close(out, ref, rtol=1e-2, atol=1e-12)


def _dtype_cell(spec, x):
    out, _ = run(spec, x)
    ref, _ = run(spec, x.astype(np.float64))
    assert np.asarray(out).dtype == np.float64
    np.testing.assert_array_equal(out, ref)


def c_int(name, spec):
    x = np.array([3, 1, 4, 1, 5, 9, 2, 6, -5, 3, 5], dtype=np.int64)
    _dtype_cell(spec, x)
    if spec.oracle is not None and spec.family != W:
        close(spec.call(x), reference(spec, x), rtol=1e-12)
    _dtype_cell(spec, x.astype(np.uint8))


def c_bool(name, spec):
    x = np.array([True, False, True, True, False, True, True, False, True])
    if name in ("fit", "fit_best"):
        _dtype_cell(spec, x)
        return
    _dtype_cell(spec, x)


def c_object_or_str(name, spec):
    for x in (np.array([1.0, 2.0, 3.0], dtype=object), np.array(["1", "2", "3"]),
              ["a", "b"], np.array([1 + 2j, 3.0])):
        raises(spec, TypeError, "(?i)dtype|real|number", x)


def _layout_cell(name, spec, x):
    out, _ = run(spec, x)
    ref, _ = run(spec, np.ascontiguousarray(x))
    close(out, ref, rtol=1e-15)
    if spec.oracle is not None and spec.family in (R, R2, S):
        close(out, reference(spec, x), rtol=1e-12 if x.dtype == np.float64 else 2e-6)


def c_readonly(name, spec):
    x = DATA.copy()
    x.flags.writeable = False
    _layout_cell(name, spec, x)
    _layout_cell(name, spec, x.astype(np.float32)[::1].copy())


def c_noncontiguous(name, spec):
    base = np.repeat(DATA, 3)
    base.flags.writeable = False
    _layout_cell(name, spec, base[1::3])
    _layout_cell(name, spec, np.repeat(DATA.astype(np.float32), 2)[::2])


def c_negative_stride(name, spec):
    _layout_cell(name, spec, DATA[::-1])
    _layout_cell(name, spec, np.repeat(DATA, 2)[::-2])


def c_wrong_axis(name, spec):
    x = DATA.reshape(3, 4)
    if spec.family == S and name != "fit":  # one sample: no axis argument
        raises(spec, TypeError, "axis", x, axis=0)
        return
    raises(spec, AxisError, "out of bounds", x, axis=2)
    raises(spec, AxisError, "out of bounds", x, axis=-3)
    if spec.family == W or name == "fit":  # one axis, an int (fit's axis= batches the fits)
        raises(spec, TypeError, "axis", x, axis=(0, 1))
    else:
        raises(spec, ValueError, "repeated", x, axis=(1, -1))
    raises(spec, TypeError, "axis", x, axis=1.0)


def c_invalid_param(name, spec):
    invalid = dict(spec.invalid)
    match = invalid.pop("match", None)
    (param, value), = invalid.items()
    exc = TypeError if isinstance(value, bool) else ValueError
    for x in (DATA, np.array([])):  # validated whatever the data, even empty
        if name in ("fit", "fit_best", "gof") and x.size == 0 and param != "criterion":
            continue
        raises(spec, exc, match or param, x, **{param: value})


CLASSES = {
    "empty": c_empty,
    "zero_d": c_zero_d,
    "all_nan": c_all_nan,
    "nan_propagate": c_nan_propagate,
    "nan_omit": c_nan_omit,
    "nan_raise": c_nan_raise,
    "inf": c_inf,
    "huge": c_huge,
    "denormal": c_denormal,
    "int": c_int,
    "bool": c_bool,
    "object_or_str": c_object_or_str,
    "readonly": c_readonly,
    "noncontiguous": c_noncontiguous,
    "negative_stride": c_negative_stride,
    "wrong_axis": c_wrong_axis,
    "invalid_param": c_invalid_param,
}


@pytest.mark.parametrize("cls", list(CLASSES))
@pytest.mark.parametrize("name", list(SPECS))
def test_cell(name, cls):
    with np.errstate(all="ignore"):
        CLASSES[cls](name, SPECS[name])


def test_matrix_size():
    # 39 data-taking functions (every callable of __all__ but simd_arch) x 17 classes
    assert len(SPECS) == 39 and len(CLASSES) == 17
    assert len(SPECS) == sum(1 for n in robstat.__all__ if FAMILY[n] != "not_data")


# ---- robstat.scipy: the drop-ins, against SciPy itself ------------------------------------
# Each drop-in x the same input classes: the outcome is SciPy's (the same values, or an
# exception of the same type), except in the documented cells of SCIPY_DEVIATIONS.


def _winsorized_filled(mod, x, **k):
    w = (mst if mod is st else mod).winsorize(x, (0.1, 0.1), **k)
    return np.ma.filled(np.ma.asarray(w).astype(float), np.nan)


SCIPY_ROWS = {  # name -> (call(module, x, **kw), unit power of the result)
    "trim_mean": (lambda m, x, **k: m.trim_mean(x, 0.1, **k), 1),
    "trimboth": (lambda m, x, **k: np.sort(m.trimboth(x, 0.1, **k), axis=-1), 1),
    "trim1": (lambda m, x, **k: np.sort(m.trim1(x, 0.1, **k), axis=-1), 1),
    "tmean": (lambda m, x, **k: m.tmean(x, **k), 1),
    "tvar": (lambda m, x, **k: m.tvar(x, **k), 2),
    "tstd": (lambda m, x, **k: m.tstd(x, **k), 1),
    "tsem": (lambda m, x, **k: m.tsem(x, **k), 1),
    "tmin": (lambda m, x, **k: m.tmin(x, **k), 1),
    "tmax": (lambda m, x, **k: m.tmax(x, **k), 1),
    "median_abs_deviation": (lambda m, x, **k: m.median_abs_deviation(x, **k), 1),
    "iqr": (lambda m, x, **k: m.iqr(x, **k), 1),
    "zscore": (lambda m, x, **k: m.zscore(x, **k), 0),
    "sigmaclip": (lambda m, x, **k: m.sigmaclip(x, **k)[0], 1),
    "winsorize": (_winsorized_filled, 1),
}

# Cells where robstat.scipy deliberately differs from SciPy (docs/bad-input.md, docs/scipy.md)
SCIPY_DEVIATIONS = {
    ("tmean", "bool"): "SciPy's masked mean of a bool array is 1.0; robstat: the fraction of True",
    ("iqr", "bool"): "SciPy rejects bool; robstat's dtype contract takes bools as 0/1",
}


def _scipy_outcome(call, mod, x, kw):
    before = _digest(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = ("ok", np.asarray(call(mod, x, **kw), dtype=np.float64))
        except Exception as e:  # noqa: BLE001 - the exception type is the outcome
            res = ("exc", type(e))
    if mod is rsp:
        assert _digest(x) == before, "the input array was modified"
    return res


def _scipy_input(cls):
    ro = DATA.copy()
    ro.flags.writeable = False
    return {
        "empty": (np.array([]), {}),
        "zero_d": (np.array(2.5), {}),
        "all_nan": (np.full(6, np.nan), {}),
        "nan_propagate": (np.r_[DATA, np.nan], {"nan_policy": "propagate"}),
        "nan_omit": (np.r_[DATA, np.nan], {"nan_policy": "omit"}),
        "nan_raise": (np.r_[DATA, np.nan], {"nan_policy": "raise"}),
        "inf": (np.r_[DATA, np.inf, -np.inf], {}),
        "int": (np.arange(12) % 5, {}),
        "bool": (np.arange(12) % 3 == 0, {}),
        "readonly": (ro, {}),
        "noncontiguous": (np.repeat(DATA, 3)[1::3], {}),
        "negative_stride": (DATA[::-1], {}),
        "wrong_axis": (DATA.reshape(3, 4), {"axis": 2}),
        "invalid_param": (DATA, {"nan_policy": "ignore"}),
    }[cls]


@pytest.mark.parametrize("cls", list(CLASSES))
@pytest.mark.parametrize("name", list(SCIPY_ROWS))
def test_scipy_cell(name, cls):
    with np.errstate(all="ignore"):
        _scipy_cell(name, cls)


def _scipy_cell(name, cls):
    call, power = SCIPY_ROWS[name]
    if cls == "object_or_str":  # robstat's dtype contract: never converted silently
        for x in (np.array([1.0, 2.0, 3.0], dtype=object), np.array(["1", "2", "3"])):
            assert _scipy_outcome(call, rsp, x, {}) == ("exc", TypeError)
        return
    if cls in ("huge", "denormal"):  # SciPy over/underflows here: equivariance instead
        x = (np.r_[1e308, -1e308, 1.5e308, 1e308, -1.7e308, 1e308, 0.9e308, -1.2e308]
             if cls == "huge" else np.ldexp(DATA, -1062))
        k = 600 if cls == "huge" else -900
        kind, got = _scipy_outcome(call, rsp, x, {})
        kind_s, ref = _scipy_outcome(call, rsp, np.ldexp(x, -k), {})
        assert kind == kind_s == "ok"
        ref = np.ldexp(ref, k * power) if power else ref
        if cls == "huge":
            close(got, ref, rtol=1e-13)
        else:
            close(got, ref, rtol=2e-3, atol=0 if power == 1 else 1e-320)
        return
    x, kw = _scipy_input(cls)
    got = _scipy_outcome(call, rsp, x, kw)
    if (name, cls) in SCIPY_DEVIATIONS:
        assert got[0] == "ok"
        close(got[1], _scipy_outcome(call, rsp, x.astype(np.float64), kw)[1])
        return
    exp = _scipy_outcome(call, st, x, kw)
    assert got[0] == exp[0], (got, exp)
    if got[0] == "exc":
        assert issubclass(got[1], exp[1]) or issubclass(exp[1], got[1]), (got, exp)
    else:
        assert got[1].shape == exp[1].shape
        close(got[1], exp[1], rtol=1e-12)
