"""robstat.aggregate: each method against composing robstat's own functions by hand and against
SciPy / astropy where they have an equivalent; grouped results against per-group calls;
interval coverage by seeded simulation; the outlier report; bad input."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
import robstat as rs
from hypothesis import given, settings
from hypothesis import strategies as st

METHODS = ("trim", "mad", "iqr", "adjbox", "sigma_clip", "huber")
FENCES = ("mad", "iqr", "adjbox", "sigma_clip")


def contaminated(n: int, seed: int, frac: float = 0.05) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.normal(10.0, 2.0, n)
    bad = rng.random(n) < frac
    x[bad] += rng.choice([-40.0, 60.0], bad.sum())
    return x


def kept_mean_sd(x: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    k = x[(labels == 0) & ~np.isnan(x)]
    return float(np.mean(k)), float(np.std(k, ddof=1)) if k.size > 1 else float("nan")


# ---- each method against its parts ---------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 10, 101, 1000, 50000])
def test_trim_is_the_trimmed_mean_with_yuen_interval(n):
    from scipy import stats

    x = contaminated(n, n)
    r = rs.aggregate(x)
    g = int(np.floor(0.1 * n))
    assert (r.n, r.n_low, r.n_high, r.n_kept) == (n, g, g, n - 2 * g)
    assert r.center == rs.trimmed_mean(x, 0.1)
    assert r.center == pytest.approx(stats.trim_mean(x, 0.1), rel=1e-13)
    s = np.sort(x)
    assert (r.lower_cut, r.upper_cut) == (s[g], s[n - g - 1])
    m, sd = kept_mean_sd(x, r.labels)
    assert r.center == pytest.approx(m, rel=1e-13)
    if n >= 2:
        assert r.scale == pytest.approx(sd, rel=1e-12)
        lo, hi = rs.trimmed_ci(x, 0.1)
        assert r.ci == pytest.approx((lo, hi), rel=1e-14)
    else:
        assert np.isnan(r.scale) and np.isnan(r.ci[0])
    assert r.labels.dtype == np.int8
    assert set(np.unique(r.labels)) <= {-1, 0, 1}


def test_trim_ties_are_cut_by_position_and_counts_exact():
    x = np.array([5, 1, 9, 1, 4, 9, 1, 6, 3, 2], dtype=float)
    r = rs.aggregate(x)
    assert r.labels.tolist() == [0, -1, 0, 0, 0, 1, 0, 0, 0, 0]
    r = rs.aggregate(np.full(20, 3.0))
    assert (r.n_low, r.n_high, r.center, r.scale) == (2, 2, 3.0, 0.0)
    assert r.labels[:2].tolist() == [-1, -1] and r.labels[-2:].tolist() == [1, 1]
    r = rs.aggregate(x, ntrim=(0, 3))
    assert (r.n_low, r.n_high) == (0, 3)
    assert np.isnan(r.ci[0])  # Yuen's interval needs symmetric trimming
    assert r.center == rs.trimmed_mean(x, ntrim=(0, 3))
    r = rs.aggregate(x, trim=(0.2, 0.1))
    assert (r.n_low, r.n_high) == (2, 1)


@pytest.mark.parametrize("method", FENCES)
@pytest.mark.parametrize("n", [5, 50, 1001, 30000])
def test_fence_methods_label_as_outliers_and_average_the_rest(method, n):
    x = contaminated(n, 100 + n)
    r = rs.aggregate(x, method=method)
    o = rs.outliers(x, method=method)
    np.testing.assert_array_equal(r.labels, o.labels)
    assert (r.lower_cut, r.upper_cut) == (o.lower, o.upper)
    assert (r.n_low, r.n_high) == (o.n_low, o.n_high)
    m, sd = kept_mean_sd(x, r.labels)
    assert r.center == pytest.approx(m, rel=1e-14)
    assert r.scale == pytest.approx(sd, rel=1e-12)
    assert np.isnan(r.ci[0]) and np.isnan(r.ci[1])


@pytest.mark.parametrize("method", FENCES)
def test_threshold_is_the_rules_threshold(method):
    x = contaminated(700, 5)
    r = rs.aggregate(x, method=method, threshold=2.0)
    np.testing.assert_array_equal(r.labels, rs.outliers(x, method=method, threshold=2.0).labels)


def test_sigma_clip_matches_astropy_sigma_clipped_stats():
    from astropy.stats import sigma_clipped_stats

    for seed in range(5):
        x = contaminated(2000, seed, frac=0.1)
        r = rs.aggregate(x, method="sigma_clip")
        mean, _, std = sigma_clipped_stats(x, sigma=3, maxiters=None, cenfunc="median",
                                           stdfunc="mad_std")
        assert r.center == pytest.approx(mean, rel=1e-13)
        k = r.n_kept  # astropy's std has ddof 0
        assert r.scale * np.sqrt((k - 1) / k) == pytest.approx(std, rel=1e-12)


@pytest.mark.parametrize("n", [2, 9, 200, 5000])
def test_huber_location_scale_and_sandwich_interval(n):
    from scipy import stats

    x = contaminated(n, 7 * n)
    r = rs.aggregate(x, method="huber")
    s = rs.mad(x)
    assert r.scale == pytest.approx(s, rel=1e-15)
    assert r.center == rs.huber(x, k=1.345, scale=r.scale)
    k = 1.345
    u = (x - r.center) / s
    se = s * np.sqrt(np.mean(np.clip(u, -k, k) ** 2)) / np.mean(np.abs(u) < k) / np.sqrt(n)
    z = stats.norm.ppf(0.975)
    assert r.ci == pytest.approx((r.center - z * se, r.center + z * se), rel=1e-12)
    want = np.where(x > r.upper_cut, 1, np.where(x < r.lower_cut, -1, 0))
    np.testing.assert_array_equal(r.labels, want)
    assert (r.lower_cut, r.upper_cut) == (r.center - k * s, r.center + k * s)


def test_huber_k_is_threshold():
    x = contaminated(500, 1)
    r = rs.aggregate(x, method="huber", threshold=2.0)
    assert r.center == rs.huber(x, k=2.0, scale=rs.mad(x))


# ---- intervals -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["trim", "huber"])
def test_analytic_interval_coverage_by_simulation(method):
    # 2000 seeded samples of 100 standard normal values, aggregated as 2000 groups at once;
    # the binomial standard deviation of the coverage is 0.005: +-0.02 is 4 of them
    rng = np.random.default_rng(2024)
    reps, n = 2000, 100
    x = rng.normal(0.0, 1.0, reps * n)
    g = np.repeat(np.arange(reps), n)
    r = rs.aggregate(x, groups=g, method=method)
    covered = (r.ci_lower <= 0.0) & (0.0 <= r.ci_upper)
    assert abs(covered.mean() - 0.95) < 0.02
    r90 = rs.aggregate(x, groups=g, method=method, confidence=0.9)
    assert abs(((r90.ci_lower <= 0) & (0 <= r90.ci_upper)).mean() - 0.90) < 0.025


def test_bootstrap_is_seeded_and_sensible():
    x = contaminated(400, 31)
    a = rs.aggregate(x, method="mad", ci="bootstrap", n_boot=300, seed=42)
    b = rs.aggregate(x, method="mad", ci="bootstrap", n_boot=300, seed=42)
    c = rs.aggregate(x, method="mad", ci="bootstrap", n_boot=300, seed=43)
    assert a.ci == b.ci
    assert a.ci != c.ci
    assert a.ci[0] < a.center < a.ci[1]
    t = rs.aggregate(x, ci="bootstrap", n_boot=2000, seed=1)
    lo, hi = rs.trimmed_ci(x, 0.1)
    assert (t.ci[1] - t.ci[0]) == pytest.approx(hi - lo, rel=0.2)
    assert np.isnan(rs.aggregate(x, ci=None).ci[0])
    assert np.isnan(rs.aggregate(x, ci="none").ci[1])
    # the same seed gives the same interval for a group as for the group alone
    g = np.arange(400) % 3
    gr = rs.aggregate(x, groups=g, method="iqr", ci="bootstrap", n_boot=200, seed=5)
    one = rs.aggregate(x[g == 1], method="iqr", ci="bootstrap", n_boot=200, seed=5)
    assert (gr.ci_lower[1], gr.ci_upper[1]) == one.ci


# ---- groups --------------------------------------------------------------------------


@settings(deadline=None)
@given(st.lists(st.integers(0, 6), min_size=0, max_size=300), st.sampled_from(METHODS),
       st.integers(0, 2**32 - 1))
def test_grouped_equals_per_group_calls(keys, method, seed):
    g = np.array(keys, dtype=np.int64)
    x = contaminated(len(keys), seed % 1000)
    x[::17] = np.round(x[::17])  # some ties
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rs.SmallSampleWarning)
        gr = rs.aggregate(x, groups=g, method=method, workers=2)
        assert list(gr.keys) == sorted(set(keys))
        for i, k in enumerate(gr.keys):
            one = rs.aggregate(x[g == k], method=method)
            got = gr[k]
            for name in ("center", "scale", "lower_cut", "upper_cut"):
                np.testing.assert_equal(getattr(got, name), getattr(one, name))
            np.testing.assert_equal(got.ci, one.ci)
            assert (got.n, got.n_kept, got.n_low, got.n_high) == (
                one.n, one.n_kept, one.n_low, one.n_high)
            np.testing.assert_array_equal(gr.labels[g == k], one.labels)
            assert gr.center[i] == got.center or np.isnan(got.center)


def test_grouped_workers_do_not_change_anything():
    x = contaminated(200000, 3)
    g = np.random.default_rng(0).integers(0, 5000, x.size)
    a = rs.aggregate(x, groups=g, workers=1)
    b = rs.aggregate(x, groups=g, workers=2)
    for name in ("center", "scale", "ci_lower", "ci_upper", "n_low", "labels"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_grouped_pandas_in_tidy_frame_out():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(1)
    s = pd.Series(contaminated(600, 2), index=np.arange(600) * 10, name="rating")
    item = pd.Series(rng.choice(["b", "a", "c"], 600), index=s.index, name="item")
    df = rs.aggregate(s, groups=item, method="mad")
    assert list(df.index) == ["a", "b", "c"] and df.index.name == "item"
    assert list(df.columns) == ["center", "scale", "ci_lower", "ci_upper", "lower_cut",
                                "upper_cut", "n", "n_kept", "n_low", "n_high"]
    for k in "abc":
        one = rs.aggregate(s[item == k].to_numpy(), method="mad")
        assert df.loc[k, "center"] == one.center
        assert df.loc[k, "n_high"] == one.n_high
    labels = df.attrs["labels"]
    assert (labels.index == s.index).all() and labels.dtype == np.int8
    # several key columns
    frame = pd.DataFrame({"item": item, "half": (np.arange(600) >= 300)}, index=s.index)
    df2 = rs.aggregate(s, groups=frame)
    assert df2.index.names == ["item", "half"]
    assert len(df2) == 6
    one = rs.aggregate(s[(item == "c") & (frame.half)].to_numpy())
    assert df2.loc[("c", True), "center"] == one.center


def test_group_keys_errors_and_kinds():
    x = np.arange(6.0)
    with pytest.raises(ValueError, match="missing keys.*position 2"):
        rs.aggregate(x, groups=np.array(["a", "b", None, "a", "b", "a"], dtype=object))
    with pytest.raises(ValueError, match="groups has 5 keys but x has 6"):
        rs.aggregate(x, groups=[1, 2, 3, 4, 5])
    gr = rs.aggregate(x, groups=np.array(["z", "y", "z", "y", "x", "x"]))
    assert list(gr.keys) == ["x", "y", "z"]
    assert gr["y"].n == 2
    with pytest.raises(KeyError):
        gr["w"]
    fr = gr.to_frame()
    assert fr.loc["z", "n"] == 2
    assert "GroupedAggregate" in repr(gr)


# ---- the outlier report --------------------------------------------------------------


def test_outlier_report_most_extreme_first():
    x = contaminated(1000, 9)
    r = rs.aggregate(x, method="mad")
    rep = r.outliers()
    assert len(rep) == r.n_low + r.n_high
    z = [abs(c.zscore) for c in rep]
    assert z == sorted(z, reverse=True)
    med, s = rs.median(x), rs.mad(x)
    for c in rep[:10]:
        assert x[c.index] == c.value
        assert c.zscore == pytest.approx((c.value - med) / s, rel=1e-12)
        assert c.side == ("high" if r.labels[c.index] > 0 else "low")
    assert r.outliers(top=3) == rep[:3]
    assert rs.aggregate(np.arange(10.0), method="mad").outliers() == []
    # N-d input: the index is a tuple, the labels have the input's shape
    x2 = x.reshape(25, 40)
    r2 = rs.aggregate(x2, method="mad")
    assert r2.labels.shape == (25, 40)
    c = r2.outliers(top=1)[0]
    assert isinstance(c.index, tuple) and x2[c.index] == c.value
    gr = rs.aggregate(x, groups=np.arange(1000) % 4, method="mad")
    rows = gr.outliers(top=5)
    assert len(rows) == 5 and all(x[c.index] == c.value for _, c in rows)


def test_to_dict_is_json_ready():
    r = rs.aggregate(contaminated(100, 4))
    d = r.to_dict()
    json.dumps(d)  # plain Python values only
    assert d["center"] == r.center and d["ci"] == list(r.ci) and "labels" not in d
    assert r.to_dict(labels=True)["labels"] == r.labels.tolist()
    assert "Aggregate(method='trim'" in repr(r)
    assert r.kept.sum() == r.n_kept


# ---- edge cases ----------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
def test_nan_policies(method):
    x = contaminated(300, 9)
    xn = np.insert(x, [17, 300], np.nan)
    r = rs.aggregate(xn, method=method)
    assert np.isnan(r.center) and r.n == 0 and not r.labels.any()
    ro = rs.aggregate(xn, method=method, nan_policy="omit")
    rc = rs.aggregate(x, method=method)
    assert ro.center == rc.center and ro.n == 300
    assert ro.labels[17] == 0 and ro.labels[-1] == 0
    assert not ro.kept[17]
    np.testing.assert_array_equal(np.delete(ro.labels, [17, 301]), rc.labels)
    with pytest.raises(ValueError, match="nan"):
        rs.aggregate(xn, method=method, nan_policy="raise")


@pytest.mark.parametrize("method", METHODS)
def test_empty_tiny_constant_and_infinite(method):
    with pytest.warns(rs.SmallSampleWarning):
        r = rs.aggregate(np.array([]), method=method)
    assert np.isnan(r.center) and r.n == 0 and r.labels.shape == (0,)
    assert rs.aggregate([4.5], method=method).center == 4.5
    c = rs.aggregate(np.full(50, 2.5), method=method)
    assert c.center == 2.5
    x = np.append(contaminated(300, 2), np.inf)
    r = rs.aggregate(x, method=method)
    assert np.isfinite(r.center) and r.labels[-1] == 1


@pytest.mark.parametrize("method", METHODS)
def test_layouts_dtypes_and_input_untouched(method):
    x = contaminated(3001, 8)
    base = rs.aggregate(x, method=method)
    big = np.repeat(x, 2)
    np.testing.assert_equal(rs.aggregate(big[::2], method=method).center, base.center)
    rev = x[::-1]
    rr = rs.aggregate(rev, method=method)
    assert rr.center == pytest.approx(base.center, rel=1e-13)
    assert (rr.n_low, rr.n_high) == (base.n_low, base.n_high)
    f = np.asfortranarray(x[:3000].reshape(60, 50))
    rf = rs.aggregate(f, method=method)
    rc = rs.aggregate(np.ascontiguousarray(f).reshape(-1), method=method)
    assert rf.labels.shape == (60, 50)
    assert (rf.n_low, rf.n_high) == (rc.n_low, rc.n_high)
    x32 = x.astype(np.float32)
    r32 = rs.aggregate(x32, method=method)
    r64 = rs.aggregate(x32.astype(np.float64), method=method)
    np.testing.assert_array_equal(r32.labels, r64.labels)
    assert r32.center == pytest.approx(r64.center, rel=1e-5)
    ints = np.arange(100)
    assert rs.aggregate(ints, method=method).center == pytest.approx(49.5)
    before = x.copy()
    rs.aggregate(x, method=method, groups=np.arange(x.size) % 3)
    np.testing.assert_array_equal(x, before)


def test_huge_magnitudes_do_not_overflow():
    x = np.array([1e308, 1.5e308, 1.2e308, -1e308, 1.1e308, 1.3e308, 1.4e308, 9e307, 1.25e308,
                  1.35e308])
    r = rs.aggregate(x)
    assert r.center == pytest.approx(rs.trimmed_mean(x, 0.1), rel=1e-15)
    kept = np.sort(x)[1:-1]
    assert r.scale == pytest.approx(np.std(kept / 1e300, ddof=1) * 1e300, rel=1e-13)
    lo, hi = rs.trimmed_ci(x / 1e300, 0.1)
    assert r.ci == pytest.approx((lo * 1e300, hi * 1e300), rel=1e-13)
    # tiny values: squares would underflow
    y = x / 1e308 * 1e-300
    t = rs.aggregate(y)
    assert t.scale == pytest.approx(np.std(np.sort(y)[1:-1] * 1e300, ddof=1) / 1e300, rel=1e-12)
    for method in FENCES:
        r = rs.aggregate(x, method=method)
        m, sd = kept_mean_sd(x / 1e300, r.labels)
        assert (r.center, r.scale) == pytest.approx((m * 1e300, sd * 1e300), rel=1e-13)


# ---- bad arguments -------------------------------------------------------------------


def test_bad_arguments():
    x = np.arange(10.0)
    with pytest.raises(ValueError, match="method must be one of"):
        rs.aggregate(x, method="median")
    with pytest.raises(ValueError, match="ci must be"):
        rs.aggregate(x, ci="yes")
    with pytest.raises(ValueError, match="trim= and ntrim= apply to method='trim'"):
        rs.aggregate(x, method="mad", trim=0.2)
    with pytest.raises(ValueError, match="trim"):
        rs.aggregate(x, trim=0.6)
    with pytest.raises(ValueError, match="threshold"):
        rs.aggregate(x, method="mad", threshold=-1)
    with pytest.raises(ValueError, match="Huber's k"):
        rs.aggregate(x, method="huber", threshold=0)
    with pytest.raises(ValueError, match="confidence"):
        rs.aggregate(x, confidence=1.0)
    with pytest.raises(ValueError, match="n_boot"):
        rs.aggregate(x, ci="bootstrap", n_boot=1)
    with pytest.raises(ValueError, match="seed"):
        rs.aggregate(x, seed=-1)
    with pytest.raises(TypeError):
        rs.aggregate(x, n_boot=10.5)
    with pytest.raises(ValueError, match="nan_policy"):
        rs.aggregate(x, nan_policy="drop")
    with pytest.raises(TypeError, match="real numbers"):
        rs.aggregate(np.array(["a", "b"]))
    with pytest.raises(ValueError, match="workers"):
        rs.aggregate(x, workers=0)


# ---- weights -------------------------------------------------------------------------


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(-20, 20), st.integers(0, 4)), min_size=1, max_size=60),
       st.sampled_from(["trim", "mad", "iqr", "sigma_clip", "huber"]))
def test_integer_weights_give_the_repeated_values(pairs, method):
    x = np.array([p[0] for p in pairs], dtype=float) * 0.75
    w = np.array([p[1] for p in pairs])
    if w.sum() == 0:
        with pytest.raises(ValueError, match="positive sum"):
            rs.aggregate(x, weights=w, method=method)
        return
    rw = rs.aggregate(x, weights=w, method=method)
    rr = rs.aggregate(np.repeat(x, w), method=method)
    if method == "huber":  # centre -+ k s: the centre's rounding
        np.testing.assert_allclose((rw.lower_cut, rw.upper_cut), (rr.lower_cut, rr.upper_cut),
                                   rtol=1e-13, atol=1e-13)
    else:
        assert (rw.lower_cut, rw.upper_cut) == (rr.lower_cut, rr.upper_cut)
    np.testing.assert_allclose(rw.center, rr.center, rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(rw.scale, rr.scale, rtol=1e-11, atol=1e-300)
    if method == "huber":
        np.testing.assert_allclose(rw.ci, rr.ci, rtol=1e-12)
    assert rw.n == np.count_nonzero(w)
    assert not rw.labels[w == 0].any()
    assert (x[rw.labels < 0] < rw.lower_cut).all() and (x[rw.labels > 0] > rw.upper_cut).all()


def test_weights_grouped_and_errors():
    x = contaminated(3000, 12)
    w = np.random.default_rng(3).integers(1, 5, x.size).astype(float)
    g = np.arange(x.size) % 7
    gr = rs.aggregate(x, weights=w, groups=g, method="mad", workers=2)
    for k in range(7):
        one = rs.aggregate(x[g == k], weights=w[g == k], method="mad")
        assert gr.center[k] == one.center
        np.testing.assert_array_equal(gr.labels[g == k], one.labels)
    # float32 data with small integer weights: float32 throughout
    r32 = rs.aggregate(x.astype(np.float32), weights=w)
    assert r32.center == pytest.approx(rs.aggregate(x, weights=w).center, rel=1e-5)
    with pytest.raises(ValueError, match="weights are supported by the methods"):
        rs.aggregate(x, weights=w, method="adjbox")
    # the weighted bootstrap of integer weights: the repeated values' interval, bit for bit
    xs, ws = x[:400], w[:400]
    for m in ("trim", "mad", "huber"):
        bw = rs.aggregate(xs, weights=ws, method=m, ci="bootstrap", n_boot=100, seed=4)
        br = rs.aggregate(np.repeat(xs, ws.astype(int)), method=m, ci="bootstrap", n_boot=100,
                          seed=4)
        assert np.isfinite(bw.ci[0])
        assert bw.ci == br.ci
    with pytest.raises(ValueError, match="proportion"):
        rs.aggregate(x, weights=w, ntrim=3)
    with pytest.raises(ValueError, match="weights must be finite"):
        rs.aggregate(x, weights=-w)
    with pytest.raises(ValueError, match="shape"):
        rs.aggregate(x, weights=w[:-1])
    assert np.isnan(rs.aggregate(x, weights=w).ci[0])  # no analytic weighted trimmed interval


def test_weighted_sigma_clip():
    # the repeated sample, +-inf (always cut, never in the statistics), NaN under each
    # policy, zero weights, and float32; astropy's sigma_clip on the repeated values
    rng = np.random.default_rng(11)
    x = np.concatenate([rng.normal(10, 2, 400), [60.0, -45.0, 80.0, np.inf, -np.inf]])
    w = rng.integers(0, 4, x.size)
    w[-7:] = [2, 1, 3, 1, 2, 1, 1]
    rw = rs.aggregate(x, weights=w, method="sigma_clip")
    rr = rs.aggregate(np.repeat(x, w), method="sigma_clip")
    assert (rw.lower_cut, rw.upper_cut) == (rr.lower_cut, rr.upper_cut)
    np.testing.assert_allclose((rw.center, rw.scale), (rr.center, rr.scale), rtol=1e-13)
    assert rw.labels[-1] == -1 and rw.labels[-2] == 1  # the infinities
    assert (rw.labels[-5:-2] != 0).all() and not rw.labels[w == 0].any()
    assert rw.n == np.count_nonzero(w) and rw.n_kept == rw.n - rw.n_low - rw.n_high
    from astropy.stats import sigma_clip
    rep = np.repeat(x, w)
    rep = rep[np.isfinite(rep)]  # (astropy warns on the infinities it drops)
    m = sigma_clip(rep, sigma=3, maxiters=None, cenfunc="median",
                                 stdfunc="mad_std")
    kept = rep[~m.mask]
    np.testing.assert_allclose(rw.center, kept.mean(), rtol=1e-13)
    np.testing.assert_allclose(rw.scale, kept.std(ddof=1), rtol=1e-12)
    # NaN: propagate gives NaN throughout, omit drops it, raise raises
    xn = x.copy()
    xn[3] = np.nan
    assert np.isnan(rs.aggregate(xn, weights=w + 1, method="sigma_clip").center)
    ro = rs.aggregate(xn, weights=w + 1, method="sigma_clip", nan_policy="omit")
    keep = ~np.isnan(xn)
    assert ro.center == rs.aggregate(xn[keep], weights=(w + 1)[keep], method="sigma_clip").center
    with pytest.raises(ValueError, match="nan values"):
        rs.aggregate(xn, weights=w + 1, method="sigma_clip", nan_policy="raise")
    # only infinities with weight: nothing to clip from (every statistic NaN)
    ri = rs.aggregate(np.array([np.inf, 1.0]), weights=np.array([1.0, 0.0]),
                      method="sigma_clip")
    assert np.isnan(ri.center) and np.isnan(ri.lower_cut)
    r32 = rs.aggregate(x.astype(np.float32), weights=w, method="sigma_clip")
    assert r32.center == pytest.approx(rw.center, rel=1e-5)


# ---- method="fit" --------------------------------------------------------------------


def test_fit_method_is_the_truncated_normal_fixed_point():
    x = contaminated(5000, 21, frac=0.08)
    r = rs.aggregate(x, method="fit")
    assert r.method == "fit" and r.fit is not None and r.fit.truncation is not None
    lo, hi = r.lower_cut, r.upper_cut
    assert (lo, hi) == pytest.approx((r.center - 3 * r.scale, r.center + 3 * r.scale))
    kept = x[r.labels == 0]
    again = rs.fit(kept, "normal", truncation=r.fit.truncation)
    assert again.params["loc"] == pytest.approx(r.center, rel=1e-12)
    # the contamination is gone: loc and scale near the clean part's 10 and 2
    assert abs(r.center - 10) < 0.1 and abs(r.scale - 2) < 0.1
    assert (r.ci[0] < r.center < r.ci[1])
    assert r.ci[1] - r.center == pytest.approx(1.959963984540054 * r.fit.se["loc"], rel=1e-12)
    assert r.n_low + r.n_high >= 0.07 * x.size
    np.testing.assert_array_equal(r.labels, np.where(x > hi, 1, np.where(x < lo, -1, 0)))


def test_fit_method_on_clean_normal_is_consistent():
    # the SD of values cut at 3 sigma underestimates sigma; the truncated fit does not
    rng = np.random.default_rng(8)
    x = rng.normal(5.0, 3.0, 200000)
    r = rs.aggregate(x, method="fit")
    assert r.center == pytest.approx(5.0, abs=0.03) and r.scale == pytest.approx(3.0, rel=0.01)
    s = rs.aggregate(x, method="sigma_clip")
    assert s.scale < r.scale


def test_fit_method_edges():
    assert rs.aggregate(np.full(10, 2.0), method="fit").center == 2.0
    with pytest.raises(ValueError, match="finite"):
        rs.aggregate([1.0, 2.0, np.inf], method="fit")
    xg = contaminated(900, 4)
    gg = np.arange(900) % 3
    gr = rs.aggregate(xg, method="fit", groups=gg)
    for k in range(3):
        one = rs.aggregate(xg[gg == k], method="fit")
        assert gr[k].center == one.center and gr[k].ci == one.ci
        assert gr[k].fit.params == one.fit.params
        np.testing.assert_array_equal(gr.labels[gg == k], one.labels)
    with pytest.raises(ValueError, match="analytic"):
        rs.aggregate(np.arange(10.0), method="fit", ci="bootstrap")
    assert np.isnan(rs.aggregate(np.array([1.0, np.nan, 3.0]), method="fit").center)
    x = contaminated(500, 3)
    xn = np.append(x, np.nan)
    assert rs.aggregate(xn, method="fit", nan_policy="omit").center == \
        rs.aggregate(x, method="fit").center
    w = np.random.default_rng(0).integers(1, 4, x.size)
    rw = rs.aggregate(x, method="fit", weights=w)
    rr = rs.aggregate(np.repeat(x, w), method="fit")
    assert rw.center == pytest.approx(rr.center, rel=1e-9)
    assert np.isnan(rs.aggregate(x, method="fit", ci=None).ci[0])


def _skewed_with_outliers(seed):
    rng = np.random.default_rng(seed)
    x = rng.lognormal(1.0, 0.5, 5000)
    x[:50] = rng.uniform(100, 200, 50)  # gross high outliers
    x[50:70] = rng.uniform(0.001, 0.01, 20)  # and low ones
    return x


@pytest.mark.parametrize("family", ["lognormal", "weibull", "exponential", "logistic",
                                    "cauchy"])
def test_fit_method_families_are_their_truncated_fixed_point(family):
    import scipy.stats

    x = _skewed_with_outliers(5)
    r = rs.aggregate(x, method="fit", family=family)
    assert r.fit.family == family and r.fit.converged
    lo, hi = r.lower_cut, r.upper_cut
    # the fixed point: the last fit's truncation keeps exactly the values the cuts keep
    tl, th = r.fit.truncation
    np.testing.assert_array_equal(r.labels == 0, (x >= tl) & (x <= th))
    # composing by hand: the kept values refitted truncated at the cuts give the same
    # fit, whose quantiles Phi(-+3) are the cuts and whose median is the centre
    kept = x[r.labels == 0]
    again = rs.fit(kept, family, truncation=r.fit.truncation)
    for k, v in r.fit.params.items():
        assert again.params[k] == pytest.approx(v, rel=1e-12, abs=1e-300)
    d = getattr(scipy.stats, r.fit.scipy_name)(**r.fit.params)  # the untruncated law
    p = scipy.stats.norm.sf(3.0)
    assert (lo, hi) == pytest.approx((d.ppf(p), d.ppf(1 - p)), rel=1e-9)
    assert r.center == pytest.approx(d.median(), rel=1e-12)
    assert r.scale == pytest.approx((d.ppf(0.75) - d.ppf(0.25)) / 1.3489795003921634,
                                    rel=1e-12)
    np.testing.assert_array_equal(r.labels, np.where(x > hi, 1, np.where(x < lo, -1, 0)))
    assert r.ci[0] < r.center < r.ci[1]


def test_fit_method_lognormal_recovers_the_clean_part():
    x = _skewed_with_outliers(6)
    r = rs.aggregate(x, method="fit", family="lognormal")
    assert r.center == pytest.approx(np.exp(1.0), rel=0.03)
    assert r.fit.params["s"] == pytest.approx(0.5, rel=0.05)
    assert r.n_high >= 50 and r.n_low >= 20  # every planted outlier is cut
    assert np.all(r.labels[:50] == 1) and np.all(r.labels[50:70] == -1)
    # the delta-method interval against the spread of seeded replications
    centers = [rs.aggregate(_skewed_with_outliers(100 + i), method="fit",
                            family="lognormal").center for i in range(40)]
    half = (r.ci[1] - r.ci[0]) / 2
    assert np.std(centers) == pytest.approx(half / 1.959963984540054, rel=0.35)


def test_fit_method_family_weights_groups_and_errors():
    x = _skewed_with_outliers(7)[:1500]
    w = np.random.default_rng(1).integers(1, 4, x.size)
    rw = rs.aggregate(x, method="fit", family="weibull", weights=w)
    rr = rs.aggregate(np.repeat(x, w), method="fit", family="weibull")
    assert rw.center == pytest.approx(rr.center, rel=1e-9)
    assert rw.fit.params["c"] == pytest.approx(rr.fit.params["c"], rel=1e-9)
    g = np.arange(x.size) % 3
    gr = rs.aggregate(x, method="fit", family="lognormal", groups=g)
    for k in range(3):
        one = rs.aggregate(x[g == k], method="fit", family="lognormal")
        assert gr[k].center == one.center and gr[k].fit.params == one.fit.params
        np.testing.assert_array_equal(gr.labels[g == k], one.labels)
    same = rs.aggregate(x, method="fit", family="lognorm")  # SciPy's name
    assert same.center == rs.aggregate(x, method="fit", family="lognormal").center
    with pytest.raises(ValueError, match="families with truncated fits"):
        rs.aggregate(x, method="fit", family="gamma")
    with pytest.raises(ValueError, match="method='fit' only"):
        rs.aggregate(x, method="trim", family="lognormal")
    with pytest.raises(ValueError, match="family must be"):
        rs.aggregate(x, method="fit", family="nope")
    # no fit possible: said, the median, nothing cut
    with pytest.warns(rs.ConvergenceWarning, match="no lognormal fit .*fewer than 3"):
        none = rs.aggregate(-x, method="fit", family="lognormal")  # nothing in the support
    assert none.center == rs.median(-x) and none.fit is None and none.n_low == 0
    assert np.isnan(none.scale) and np.isnan(none.lower_cut) and not none.labels.any()
    with pytest.warns(rs.ConvergenceWarning, match="quartiles are equal"):
        tied = rs.aggregate([1.0] * 10 + [2.0, 3.0], method="fit", family="lognormal")
    assert tied.center == 1.0
    with pytest.warns(rs.ConvergenceWarning, match="no lognormal fit .*did not converge"):
        flat = rs.aggregate([1.0, 1, 1, 1, 1, 2, 3], method="fit", family="lognormal")
    assert flat.center == 1.0 and flat.fit is None  # the kept values are all 1
    # one group that cannot be fitted does not stop the others
    xs = np.concatenate([x[:300], [2.0, 3.0]])
    gs = np.array([0] * 300 + [1, 1])
    with pytest.warns(rs.ConvergenceWarning, match="no weibull fit"):
        gsmall = rs.aggregate(xs, method="fit", family="weibull", groups=gs)
    assert gsmall[0].fit.converged and gsmall[1].fit is None and gsmall[1].center == 2.5
    # values outside the support are labelled low (and never kept)
    xz = np.concatenate([x[:500], [-1.0, 0.0]])
    rz = rs.aggregate(xz, method="fit", family="weibull")
    assert rz.labels[-2] == -1 and rz.labels[-1] == -1
    re_ = rs.aggregate(np.abs(xz), method="fit", family="exponential")
    assert re_.fit.converged
    assert rs.aggregate(x, method="fit", family="normal").center == \
        rs.aggregate(x, method="fit").center


def test_weighted_bootstrap_float32_and_strided():
    # float32 data, and data/weights as strided views: the same interval as the repeated
    # float32 sample and as contiguous copies, bit for bit
    rng = np.random.default_rng(21)
    x = np.concatenate([rng.normal(5, 1, 300), [40.0, -30.0, 55.0]]).astype(np.float32)
    w = rng.integers(1, 4, x.size).astype(np.float64)
    xs = np.empty(2 * x.size, np.float32)[::2]
    xs[:] = x
    ws = np.empty((x.size, 3))[:, 1]
    ws[:] = w
    assert not xs.flags.c_contiguous and not ws.flags.c_contiguous
    for m in ("trim", "mad", "huber"):
        kw = dict(method=m, ci="bootstrap", n_boot=100, seed=9)
        r32 = rs.aggregate(x, weights=w, **kw)
        rep = rs.aggregate(np.repeat(x, w.astype(int)), **kw)
        view = rs.aggregate(xs, weights=ws, **kw)
        assert np.isfinite(r32.ci[0]) and r32.ci == rep.ci
        assert view.ci == r32.ci and view.center == r32.center
        np.testing.assert_array_equal(view.labels, r32.labels)
    assert x.dtype == np.float32 and np.array_equal(xs, x)  # inputs untouched
