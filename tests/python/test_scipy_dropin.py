"""robstat.scipy against the installed SciPy on random inputs (hypothesis).

Every function is called with the same arguments as its SciPy original; the
two calls must agree on: raising (the exception type), the result's Python
type (NumPy scalar, ndarray, masked array, SigmaclipResult), dtype, shape,
values (1e-12 relative; exact for order statistics and for everything
integer-valued), masks, and the warnings (SciPy's SmallSampleWarning with its
message, SciPy's "Precision loss" RuntimeWarning). The documented deliberate
differences (docs/scipy.md) are excluded from the random inputs and tested
explicitly at the end.
"""

from __future__ import annotations

import warnings

import numpy as np
import numpy.ma as ma
import pytest
import robstat
import robstat.scipy as rs
import scipy
import scipy.stats as st
import scipy.stats.mstats as mst
from hypothesis import assume, given
from hypothesis import strategies as hs
from scipy.stats._axis_nan_policy import SmallSampleWarning as ScipySSW

pytestmark = pytest.mark.skipif(
    tuple(int(p) for p in scipy.__version__.split(".")[:2]) < (1, 17),
    reason="robstat.scipy reproduces SciPy 1.17")

ORDER_STATS = {"median_abs_deviation", "tmin", "tmax", "trimboth", "trim1", "winsorize"}


# ---- calling both and comparing everything -------------------------------------------


def _call(fn, args, kwargs):
    with warnings.catch_warnings(record=True) as rec, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        try:
            res = fn(*args, **kwargs)
            exc = None
        except Exception as e:  # noqa: BLE001 - compared below
            res, exc = None, e
    return res, exc, rec


def _warning_kinds(rec):
    kinds = set()
    for w in rec:
        msg = str(w.message)
        if issubclass(w.category, ScipySSW):
            kinds.add(("small", msg))
        elif "Precision loss" in msg:
            kinds.add(("precision", msg))
        elif issubclass(w.category, RuntimeWarning):
            kinds.add(("runtime", None))
    return kinds


def _check_value(got, exp, exact, what, atol_rel=None):
    if isinstance(exp, ma.MaskedArray):
        assert isinstance(got, ma.MaskedArray), (what, type(got))
        np.testing.assert_array_equal(ma.getmaskarray(got), ma.getmaskarray(exp))
        got, exp = got.data, exp.data
    elif isinstance(exp, np.ndarray):
        assert isinstance(got, np.ndarray) and not isinstance(got, ma.MaskedArray), \
            (what, type(got))
    elif isinstance(exp, np.generic):
        assert isinstance(got, np.generic), (what, type(got), type(exp))
    else:
        assert type(got) is type(exp), (what, type(got), type(exp))
    g, e = np.asarray(got), np.asarray(exp)
    assert g.dtype == e.dtype, (what, g.dtype, e.dtype)
    assert g.shape == e.shape, (what, g.shape, e.shape)
    if exact or e.dtype.kind in "biu":
        np.testing.assert_array_equal(g, e, err_msg=what)
    else:
        if e.dtype == np.float64:
            rtol, atol = 1e-12, 0.0
        else:  # SciPy sums float32 in float32, robstat in double: compare to the magnitude
            fin = np.abs(e[np.isfinite(e)])
            rtol, atol = 2e-6, 2e-5 * (fin.max() if fin.size else 0.0)
        if atol_rel is not None:  # an absolute tolerance given by the caller
            atol = max(atol, atol_rel)
        np.testing.assert_allclose(g, e, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)


def compare(name, args, kwargs=None, *, fn=None, ref=None, exact=None, same_order=True,
            atol=None):
    kwargs = kwargs or {}
    ours = fn or getattr(rs, name)
    theirs = ref or (getattr(mst, name) if name == "winsorize" else getattr(st, name))
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    exp, exp_exc, exp_w = _call(theirs, args, kwargs)
    got, got_exc, got_w = _call(ours, copies, kwargs)
    what = f"{name}{tuple(np.shape(a) for a in args)} {kwargs}"
    if exp_exc is not None:
        assert got_exc is not None, f"{what}: SciPy raised {exp_exc!r}, robstat.scipy returned"
        assert isinstance(got_exc, type(exp_exc)), (what, exp_exc, got_exc)
        return None
    assert got_exc is None, f"{what}: robstat.scipy raised {got_exc!r}"
    assert _warning_kinds(got_w) == _warning_kinds(exp_w), \
        (what, [str(w.message) for w in got_w], [str(w.message) for w in exp_w])
    exact = (name in ORDER_STATS) if exact is None else exact
    if name == "sigmaclip":
        assert type(got).__name__ == "SigmaclipResult" and got._fields == exp._fields
        _check_value(got.clipped, exp.clipped, True, what)
        _check_value(got.lower, exp.lower, False, what)
        _check_value(got.upper, exp.upper, False, what)
    elif name in ("trimboth", "trim1") and not same_order:
        _check_value(np.sort(got, axis=kwargs.get("axis", 0) if np.ndim(got) else None),
                     np.sort(exp, axis=kwargs.get("axis", 0) if np.ndim(exp) else None),
                     True, what)
    else:
        _check_value(got, exp, exact, what, atol)
    return got


# ---- random inputs -------------------------------------------------------------------


@hs.composite
def arrays(draw, min_dims=1, max_dims=3, nan=True, dtypes=("f8", "f4", "i8")):
    ndim = draw(hs.integers(min_dims, max_dims))
    shape = tuple(draw(hs.lists(hs.integers(0 if ndim > 1 else 1, 7), min_size=ndim,
                                max_size=ndim)))
    dtype = np.dtype(draw(hs.sampled_from(dtypes)))
    seed = draw(hs.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    kind = draw(hs.sampled_from(["normal", "ties", "outliers"]))
    if kind == "normal":
        x = rng.normal(size=shape) * 10
    elif kind == "ties":
        x = rng.integers(-3, 4, size=shape).astype(np.float64)
    else:
        x = rng.standard_cauchy(size=shape)
    if dtype.kind == "i":
        x = np.round(x * 10)
    x = x.astype(dtype)
    if nan and dtype.kind == "f" and x.size and draw(hs.booleans()):
        idx = rng.choice(x.size, size=draw(hs.integers(1, max(1, x.size // 3))), replace=False)
        x.reshape(-1)[idx] = np.nan
    return x


def axes_for(draw, x, allow_none=True, allow_tuple=False):
    choices = list(range(-x.ndim, x.ndim))
    if allow_none:
        choices.append(None)
    if allow_tuple and x.ndim >= 2:
        choices.append((0, x.ndim - 1))
    return draw(hs.sampled_from(choices))


POLICIES = hs.sampled_from(["propagate", "omit", "raise"])


@given(x=arrays(), data=hs.data(), p=hs.sampled_from([0.0, 0.1, 0.2, 0.25, 1 / 3, 0.45]),
       policy=POLICIES, keepdims=hs.booleans())
def test_trim_mean(x, data, p, policy, keepdims):
    axis = axes_for(data.draw, x, allow_tuple=True)
    compare("trim_mean", (x, p), dict(axis=axis, nan_policy=policy, keepdims=keepdims))


@given(x=arrays(nan=False), data=hs.data(), p=hs.sampled_from([0.0, 0.1, 0.2, 0.3, 0.45]))
def test_trimboth_trim1(x, data, p):
    axis = axes_for(data.draw, x)
    compare("trimboth", (x, p), dict(axis=axis), same_order=False)
    tail = data.draw(hs.sampled_from(["left", "right"]))
    compare("trim1", (x, p), dict(tail=tail, axis=axis), same_order=False)


def _limits(draw, x):
    if not draw(hs.booleans()):
        return None
    finite = np.asarray(x, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    base = np.quantile(finite, [0.2, 0.8]) if finite.size else np.array([-1.0, 1.0])
    lo = draw(hs.sampled_from([None, float(base[0]), float(np.floor(base[0]))]))
    hi = draw(hs.sampled_from([None, float(base[1]), float(np.ceil(base[1]))]))
    return (lo, hi)


@pytest.mark.parametrize("name", ["tmean", "tvar", "tstd", "tsem"])
@given(x=arrays(), data=hs.data(), policy=POLICIES, keepdims=hs.booleans())
def test_tstats(name, x, data, policy, keepdims):
    axis = axes_for(data.draw, x, allow_tuple=True)
    limits = _limits(data.draw, x)
    inclusive = data.draw(hs.sampled_from([(True, True), (False, True), (False, False)]))
    kw = dict(limits=limits, inclusive=inclusive, axis=axis, nan_policy=policy,
              keepdims=keepdims)
    if name != "tmean":
        kw["ddof"] = data.draw(hs.sampled_from([0, 1, 2]))
    compare(name, (x,), kw)


@pytest.mark.parametrize("name", ["tmin", "tmax"])
@given(x=arrays(), data=hs.data(), policy=POLICIES, keepdims=hs.booleans())
def test_tmin_tmax(name, x, data, policy, keepdims):
    axis = axes_for(data.draw, x, allow_tuple=True)
    lim = _limits(data.draw, x)
    limit = None if lim is None else (lim[0] if name == "tmin" else lim[1])
    compare(name, (x, limit), dict(axis=axis, inclusive=data.draw(hs.booleans()),
                                   nan_policy=policy, keepdims=keepdims))


@given(x=arrays(), data=hs.data(), policy=POLICIES, keepdims=hs.booleans(),
       scale=hs.sampled_from([1.0, "normal", 2.5, "Normal"]),
       center=hs.sampled_from([None, np.mean]))
def test_median_abs_deviation(x, data, policy, keepdims, scale, center):
    axis = axes_for(data.draw, x, allow_tuple=center is None)
    compare("median_abs_deviation", (x,), dict(axis=axis, center=center, scale=scale,
                                               nan_policy=policy, keepdims=keepdims),
            exact=(center is None and scale == 1.0 and x.dtype != np.int64) or None)


@given(x=arrays(), data=hs.data(), policy=POLICIES, keepdims=hs.booleans(),
       scale=hs.sampled_from([1.0, "normal", 0.5]),
       rng=hs.sampled_from([(25, 75), (75, 25), (0, 100), (10, 90), (5, 50)]),
       method=hs.sampled_from(["linear", "lower", "higher", "midpoint", "nearest", "hazen",
                               "weibull", "median_unbiased"]))
def test_iqr(x, data, policy, keepdims, scale, rng, method):
    axis = axes_for(data.draw, x, allow_tuple=True)
    # methods robstat has no kernel for go to numpy.quantile, whose rounding
    # differs from SciPy's own stats.quantile in the last bits
    atol = None
    if method not in ("linear", "lower", "higher", "midpoint", "nearest"):
        fin = np.abs(x[np.isfinite(x)]) if x.dtype.kind == "f" else np.abs(x)
        eps = np.finfo(x.dtype if x.dtype.kind == "f" else np.float64).eps
        atol = 8 * eps * (float(fin.max()) if fin.size else 0.0)
    compare("iqr", (x,), dict(axis=axis, rng=rng, scale=scale, nan_policy=policy,
                              interpolation=method, keepdims=keepdims), atol=atol)


@given(x=arrays(), data=hs.data(), policy=POLICIES, ddof=hs.sampled_from([0, 1]))
def test_zscore(x, data, policy, ddof):
    axis = axes_for(data.draw, x)
    compare("zscore", (x,), dict(axis=axis, ddof=ddof, nan_policy=policy))


@given(x=arrays(nan=False, dtypes=("f8", "i8")),
       low=hs.sampled_from([1.0, 1.5, 2.0, 4.0]), high=hs.sampled_from([1.0, 1.8, 4.0]))
def test_sigmaclip(x, low, high):
    assume(x.size > 0)
    compare("sigmaclip", (x, low, high))


@given(x=arrays(nan=False), data=hs.data(),
       limits=hs.sampled_from([None, 0.1, 0.2, (0.1, 0.2), (0.0, 0.3), (0.25, None),
                               (None, 0.25), (0.4, 0.4), (0.6, 0.6), (0.05, 0.05)]),
       inclusive=hs.sampled_from([(True, True), (False, False), (True, False)]))
def test_winsorize_plain(x, data, limits, inclusive):
    axis = data.draw(hs.sampled_from([None] + list(range(-x.ndim, x.ndim))))
    compare("winsorize", (x,), dict(limits=limits, inclusive=inclusive, axis=axis))


@given(x=arrays(max_dims=2, dtypes=("f8",)), data=hs.data(),
       limits=hs.sampled_from([0.1, 0.2, (0.1, 0.2), (0.0, 0.3), (0.25, None), (None, 0.25),
                               (0.4, 0.4), (0.8, 0.8)]),
       policy=POLICIES, masked=hs.booleans())
def test_winsorize_nan_and_masks(x, data, limits, policy, masked):
    """NaN and masked entries follow SciPy's rank rules (scipy#8327 included)."""
    axis = data.draw(hs.sampled_from([None] + list(range(-x.ndim, x.ndim))))
    if masked and x.size:
        m = np.random.default_rng(x.size).random(x.shape) < 0.25
        x = ma.array(x, mask=m)
    if masked and x.size and np.isnan(x).any():
        # a slice holding both masked entries and NaN: SciPy's result depends on
        # the order NumPy's argsort gives tied NaN (index order only for short
        # slices); robstat.scipy uses index order (docs/scipy.md)
        lane = x.size if axis is None else x.shape[axis]
        assume(lane <= 16)
    compare("winsorize", (x,), dict(limits=limits, axis=axis, nan_policy=policy))


# ---- fixed cases ----------------------------------------------------------------------


def test_signatures_match_scipy():
    import inspect

    def untyped(f):
        # names, kinds and defaults; robstat.scipy's type annotations (mypy --strict) aside
        sig = inspect.signature(f)
        return sig.replace(
            parameters=[p.replace(annotation=p.empty) for p in sig.parameters.values()],
            return_annotation=sig.empty)

    for name in rs.__all__:
        if name in ("SigmaclipResult", "SmallSampleWarning"):
            continue
        ref = getattr(mst if name == "winsorize" else st, name)
        assert untyped(getattr(rs, name)) == untyped(ref), name


def test_warning_classes():
    assert issubclass(rs.SmallSampleWarning, robstat.SmallSampleWarning)
    assert issubclass(rs.SmallSampleWarning, ScipySSW)
    with pytest.warns(ScipySSW, match="One or more sample arguments is too small"):
        assert np.isnan(rs.trim_mean([], 0.1))


def test_scale_divides():
    x = np.arange(11.0) ** 2
    assert rs.median_abs_deviation(x, scale=2.0) == st.median_abs_deviation(x) / 2.0
    assert rs.median_abs_deviation(x, scale="normal") == \
        st.median_abs_deviation(x, scale="normal")
    assert rs.iqr(x, scale="normal") == st.iqr(x, scale="normal")


def test_masked_input_to_reductions():
    x = ma.array([1.0, 2.0, 3.0, 100.0, 5.0], mask=[0, 0, 0, 1, 0])
    for name in ["trim_mean", "tmean", "tvar", "tstd", "tsem", "tmin", "tmax",
                 "median_abs_deviation", "iqr"]:
        args = (x, 0.1) if name == "trim_mean" else (x,)
        compare(name, args)
    compare("zscore", (x,))


def test_inplace_winsorize():
    x = np.array([10.0, 4, 9, 8, 5, 3, 7, 2, 1, 6])
    y = x.copy()
    r = rs.winsorize(x, limits=[0.1, 0.2], inplace=True)
    e = mst.winsorize(y, limits=[0.1, 0.2], inplace=True)
    np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(r, e)


def test_int_winsorize_keeps_dtype():
    a = np.array([10, 4, 9, 8, 5, 3, 7, 2, 1, 6])
    r = compare("winsorize", (a,), dict(limits=[0.1, 0.2]))
    assert r.dtype == a.dtype


def test_trimboth_keeps_original_order():
    """Deliberate difference: SciPy returns numpy.partition order, we keep the
    input order of the kept values."""
    a = np.array([9, 0, 8, 1, 7, 2, 6, 3, 5, 4])
    np.testing.assert_array_equal(rs.trimboth(a, 0.2), [7, 2, 6, 3, 5, 4])
    np.testing.assert_array_equal(rs.trim1(a, 0.2, "left"), [9, 8, 7, 2, 6, 3, 5, 4])
    np.testing.assert_array_equal(np.sort(st.trimboth(a, 0.2)), [2, 3, 4, 5, 6, 7])


def test_input_not_modified():
    x = np.array([3.0, np.nan, 1.0, 7.0, 2.0, 100.0])
    x0 = x.copy()
    for name in ["tmean", "tvar", "tmin", "median_abs_deviation", "iqr", "zscore"]:
        getattr(rs, name)(x, nan_policy="omit")
    rs.trim_mean(x, 0.2, nan_policy="omit")
    rs.winsorize(x, 0.2, nan_policy="omit")
    np.testing.assert_array_equal(x, x0)


def test_computation_goes_through_robstat(monkeypatch):
    """The statistics come from robstat's estimators: break them and the
    drop-ins break."""
    from robstat import _api

    calls = []

    def spy(name):
        orig = getattr(_api, name)

        def f(*a, **k):
            calls.append(name)
            return orig(*a, **k)
        return f

    for name in ["trimmed_mean", "mean", "var", "std", "mad", "median", "quantile",
                 "winsorize"]:
        monkeypatch.setattr(_api, name, spy(name))
    x = np.random.default_rng(1).normal(size=50)
    rs.trim_mean(x, 0.1)
    rs.tmean(x, (-1, 1))
    rs.tvar(x)
    rs.median_abs_deviation(x)
    rs.iqr(x)
    rs.zscore(x)
    rs.sigmaclip(x)
    rs.winsorize(x, 0.1)
    rs.trimboth(x, 0.1)
    for name in ["trimmed_mean", "mean", "var", "mad", "quantile", "winsorize"]:
        assert name in calls, name


def test_import_forms_and_pickle():
    import pickle

    import robstat as r
    from robstat import scipy as stats

    assert r.scipy is stats is rs
    for name in rs.__all__:
        obj = getattr(rs, name)
        assert pickle.loads(pickle.dumps(obj)) is obj
    res = rs.sigmaclip(np.arange(10.0))
    back = pickle.loads(pickle.dumps(res))
    assert type(back) is type(res) and back.lower == res.lower and back.upper == res.upper
    np.testing.assert_array_equal(back.clipped, res.clipped)
