"""Batched fits (robstat.fit with axis= or groups=): every fit equals the single
fit of its slice or group (the oracle: robstat.fit itself, checked against
mpmath and SciPy in test_fit.py), whatever the number of threads."""

import warnings

import numpy as np
import pytest
import robstat

pd = pytest.importorskip("pandas")

FAMILIES = ["normal", "lognormal", "exponential", "gamma", "weibull", "t", "laplace",
            "logistic", "cauchy", "genpareto"]


def sample(family, shape, seed=0):
    rng = np.random.default_rng(seed)
    if family in ("lognormal", "gamma", "weibull", "exponential", "genpareto"):
        return rng.gamma(2.0, 1.5, size=shape)
    return rng.standard_t(4, size=shape) * 2 + 1


def same(a, b):
    """Two FitResults with identical numbers (NaN equal to NaN)."""
    assert a.family == b.family
    assert a.params.keys() == b.params.keys()
    np.testing.assert_array_equal(list(a.params.values()), list(b.params.values()))
    np.testing.assert_array_equal(list(a.se.values()), list(b.se.values()))
    np.testing.assert_array_equal(a.cov, b.cov)
    np.testing.assert_array_equal([a.loglik, a.aic, a.bic, a.n], [b.loglik, b.aic, b.bic, b.n])
    assert (a.converged, a.n_iter, a.message) == (b.converged, b.n_iter, b.message)
    assert a.fixed == b.fixed and a.truncation == b.truncation


@pytest.mark.parametrize("family", FAMILIES)
def test_rows_equal_single_fits(family):
    x = sample(family, (6, 300), seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a row that does not converge is compared too
        batch = robstat.fit(x, family, axis=1)
    assert isinstance(batch, robstat.FitBatch)
    assert batch.shape == (6,) and len(batch) == 6
    for i in range(6):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            single = robstat.fit(x[i], family)
        same(batch[i], single)
        assert batch.params[list(single.params)[-1]][i] == list(single.params.values())[-1]
    same(batch[-1], batch[5])
    assert len(list(batch)) == 6
    for r, i in zip(batch, range(6)):
        same(r, batch[i])


@pytest.mark.parametrize("family", ["gamma", "t", "weibull"])
def test_threads_do_not_change_results(family):
    x = sample(family, (64, 200), seed=2)
    one = robstat.fit(x, family, axis=1, workers=1)
    two = robstat.fit(x, family, axis=1, workers=2)
    every = robstat.fit(x, family, axis=1, workers=-1)
    for b in (two, every):
        for k in one.params:
            np.testing.assert_array_equal(one.params[k], b.params[k])
            np.testing.assert_array_equal(one.se[k], b.se[k])
        np.testing.assert_array_equal(one.loglik, b.loglik)
        np.testing.assert_array_equal(one.n_iter, b.n_iter)


def test_axes_shapes_strides_and_float32():
    x = sample("normal", (3, 50, 4), seed=3)
    keep = x.copy()
    b0 = robstat.fit(x, "normal", axis=1)
    assert b0.shape == (3, 4) and b0.cov.shape == (3, 4, 2, 2)
    same(b0[2, 3], robstat.fit(x[2, :, 3], "normal"))
    same(robstat.fit(x, "normal", axis=-2)[1, 0], b0[1, 0])
    b2 = robstat.fit(x, "normal", axis=0)
    assert b2.shape == (50, 4)
    same(b2[7, 1], robstat.fit(x[:, 7, 1], "normal"))
    v = x[:, ::3, :]  # non-contiguous
    same(robstat.fit(v, "normal", axis=1)[0, 2], robstat.fit(v[0, :, 2], "normal"))
    f = x.astype(np.float32)
    same(robstat.fit(f, "logistic", axis=1)[1, 1], robstat.fit(f[1, :, 1], "logistic"))
    np.testing.assert_array_equal(x, keep)  # the input is never modified
    with pytest.raises(IndexError):
        b0[3, 0]
    with pytest.raises(IndexError):
        b0[1]
    fits = list(b0)  # C order over the (3, 4) shape
    assert len(fits) == len(b0) == 12
    same(fits[2 * 4 + 3], b0[2, 3])
    one = robstat.fit(x[0, :, 0], "normal", axis=0)  # a 1-d sample: shape ()
    assert one.shape == () and len(one) == 1
    same(next(iter(one)), robstat.fit(x[0, :, 0], "normal"))
    assert len(one.to_frame()) == 1
    empty = robstat.fit(np.empty((0, 5)), "normal", axis=1)
    assert empty.shape == (0,) and empty.params["loc"].shape == (0,)


def test_weights_fixed_truncation_and_nan():
    x = sample("gamma", (4, 120), seed=4)
    w = np.random.default_rng(5).integers(0, 4, size=x.shape)
    bw = robstat.fit(x, "gamma", axis=1, weights=w)
    same(bw[2], robstat.fit(x[2], "gamma", weights=w[2]))
    w1 = np.arange(120) % 3  # broadcast along the rows
    same(robstat.fit(x, "gamma", axis=1, weights=w1)[1], robstat.fit(x[1], "gamma", weights=w1))
    bf = robstat.fit(x, "gamma", axis=1, fixed={"a": 2.0})
    assert bf.fixed == ("a", "loc")
    same(bf[0], robstat.fit(x[0], "gamma", fixed={"a": 2.0}))
    v = sample("gamma", 2000, seed=7)
    xt = v[v < 4.0][:400].reshape(4, 100)  # samples cut at 4
    for fam in ("weibull", "normal"):
        bt = robstat.fit(xt, fam, axis=1, truncation=(0.0, 4.0))
        same(bt[3], robstat.fit(xt[3], fam, truncation=(0.0, 4.0)))
        assert bt.truncation == (0.0, 4.0)
    xn = x.copy()
    xn[1, 5] = np.nan
    bn = robstat.fit(xn, "gamma", axis=1)  # propagate: that row only, no warning
    assert not bn.converged[1] and np.isnan(bn.params["a"][1]) and bn.converged[[0, 2, 3]].all()
    same(robstat.fit(xn, "gamma", axis=1, nan_policy="omit")[1],
         robstat.fit(xn[1], "gamma", nan_policy="omit"))
    with pytest.raises(ValueError, match="nan"):
        robstat.fit(xn, "gamma", axis=1, nan_policy="raise")


def test_groups_equal_per_group_fits():
    rng = np.random.default_rng(6)
    keys = np.array(["b", "a", "c"])[rng.integers(0, 3, size=900)]
    x = rng.lognormal(0.5, 0.8, size=900)
    w = rng.integers(1, 3, size=900).astype(float)
    batch = robstat.fit(x, "lognormal", groups=keys, weights=w, workers=2)
    assert list(batch.keys) == ["a", "b", "c"]
    assert [r.params for r in batch] == [batch[k].params for k in "abc"]
    for k in "abc":
        same(batch[k], robstat.fit(x[keys == k], "lognormal", weights=w[keys == k]))
    with pytest.raises(KeyError):
        batch["z"]
    df = batch.to_frame()
    assert list(df.index) == ["a", "b", "c"]
    assert {"s", "scale", "se_s", "loglik", "converged", "message"} <= set(df.columns)
    assert df.loc["b", "scale"] == batch["b"].params["scale"]
    s = pd.Series(x, name="v")
    g = pd.Series(keys, name="shop")
    bs = robstat.fit(s, "lognormal", groups=g)
    assert bs.to_frame().index.name == "shop"
    same(bs["c"], robstat.fit(x[keys == "c"], "lognormal"))
    rows = robstat.fit(x.reshape(3, 300), "lognormal", axis=1).to_frame()
    assert list(rows.index) == [0, 1, 2]
    nd = robstat.fit(x.reshape(3, 3, 100), "lognormal", axis=2).to_frame()
    assert nd.index.nlevels == 2 and len(nd) == 9


def test_samples_that_cannot_be_fitted():
    x = np.array([1.0, 2.0, 3.5, 4.0, 7.0, 5.0, 5.0, -1.0, 2.0])
    g = np.array([0, 0, 0, 0, 1, 2, 2, 3, 3])  # 1: one value; 2: constant; 3: a value <= 0
    with pytest.warns(robstat.ConvergenceWarning, match=r"3 of 4 fits.*group 1"):
        b = robstat.fit(x, "gamma", groups=g)
    assert b.converged.tolist() == [True, False, False, False]
    assert np.isnan(b.params["a"][1:]).all() and b.n.tolist() == [4, 1, 2, 2]
    assert "at least 2" in b.message[1] and "constant" in b.message[2]
    assert b[3].fixed == ("loc",) and not b[3].converged  # the batch's fixed parameters
    with pytest.raises(ValueError, match=r"^group 1: .*at least 2"):
        robstat.fit(x, "gamma", groups=g, errors="raise")
    with pytest.raises(ValueError, match=r"^group 'c': .*constant"):
        robstat.fit([1.0, 2.0, 3.5, 5.0, 5.0], "gamma", groups=list("aaacc"), errors="raise",
                    workers=2)
    with pytest.raises(ValueError, match=r"no group could be fitted; the first, group 1"):
        robstat.fit(x[4:7], "gamma", groups=g[4:7])
    with pytest.raises(ValueError, match=r"no slice could be fitted; the first, slice 0"):
        robstat.fit(np.ones((2, 5)), "normal", axis=1)
    with pytest.raises(ValueError, match=r"^slice \(1, 0\): "):
        robstat.fit(np.array([[[1.0, 2.0, 3.0]], [[2.0, 2.0, 2.0]]]), "normal", axis=2,
                    errors="raise")


def test_argument_errors():
    x = sample("normal", (3, 20))
    with pytest.raises(TypeError, match="not both"):
        robstat.fit(x[0], "normal", axis=0, groups=np.zeros(20))
    with pytest.raises(ValueError, match="errors"):
        robstat.fit(x, "normal", axis=1, errors="ignore")
    with pytest.raises(np.exceptions.AxisError):
        robstat.fit(x, "normal", axis=2)
    with pytest.raises(TypeError, match="axis"):
        robstat.fit(x, "normal", axis=1.5)
    with pytest.raises(TypeError, match="censored"):
        robstat.fit(x[0], "normal", right=[3.0], axis=0)
    with pytest.raises(ValueError, match="1-d"):
        robstat.fit(x, "normal", groups=np.zeros(60))
    with pytest.raises(ValueError, match="keys"):
        robstat.fit(x[0], "normal", groups=np.zeros(19))
    with pytest.raises(ValueError, match="missing"):
        robstat.fit(x[0], "normal", groups=[np.nan] + [1.0] * 19)
    with pytest.raises(ValueError, match="broadcast"):
        robstat.fit(x, "normal", axis=1, weights=np.ones(3))
    with pytest.raises(ValueError, match="weights"):
        robstat.fit(x, "normal", axis=1, weights=-np.ones(20))
    with pytest.raises(ValueError, match="workers"):
        robstat.fit(x, "normal", axis=1, workers=0)
    with pytest.raises(ValueError, match="fixed scale"):
        robstat.fit(x, "normal", axis=1, fixed={"scale": -1.0})
    # errors of the arguments raise as for one fit, even when one sample has them
    w = np.ones(x.shape)
    w[2, 3] = -1.0
    with pytest.raises(ValueError, match="weights must be finite and >= 0"):
        robstat.fit(x, "normal", axis=1, weights=w)
    xi = x.copy()
    xi[1, 4] = np.inf
    with pytest.raises(ValueError, match=r"^slice 1: .*infinite"):
        robstat.fit(xi, "normal", axis=1)
    with pytest.raises(ValueError, match="lower < upper"):
        robstat.fit(x, "normal", axis=1, truncation=(np.nan, np.inf))
    with pytest.raises(ValueError, match="not supported"):
        robstat.fit(np.abs(x), "gamma", axis=1, truncation=(0.0, 10.0))
    # truncation (-inf, inf) is the truncated fit, as for one sample
    same(robstat.fit(x, "normal", axis=1, truncation=(-np.inf, np.inf))[1],
         robstat.fit(x[1], "normal", truncation=(-np.inf, np.inf)))


def test_t_line_search_past_df_zero_is_rejected_not_raised():
    """Regression: on row 11 of these t(5) samples (the batched-fit benchmark's draws)
    the first Newton step of the t fit overshot df so far that a line-search trial had
    df = 0, and Boost's lgamma(0) raised out of robstat.fit. A trial point outside the
    parameter space now has log-likelihood -inf and the line search halves the step."""
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(20240607 + 3)
    rng.normal(size=200 * 1000)
    scipy_stats.gamma(2.5, 0, 2).rvs(size=(200, 1000), random_state=rng)
    x = scipy_stats.t(5, 1, 2).rvs(size=(200, 1000), random_state=rng)
    b = robstat.fit(x, "t", axis=1, workers=2)
    assert b.converged.all()
    r = robstat.fit(x[11], "t")
    assert r.converged and r.n_iter < 20
    p = scipy_stats.t.fit(x[11])
    assert r.loglik >= scipy_stats.t.logpdf(x[11], *p).sum() - 1e-9 * abs(r.loglik)
