"""robstat.dask on a real dask.distributed LocalCluster with worker processes
(every state is pickled between processes): results bit-identical to the
single-process state whatever the chunking, along every axis."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

import robstat.dask as rd  # noqa: E402
from robstat.stream import MomentsState  # noqa: E402

CHUNKINGS = [(300, 77), (17, 10), (101, 77), (1, 77), (300, 1), (97, 13)]


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def data() -> np.ndarray:
    rng = np.random.default_rng(3)
    x = 1e9 + rng.standard_normal((300, 77))
    x[rng.random(x.shape) < 0.01] = 1e300  # a few huge values
    return x


def same(a: float, b: float) -> bool:
    return (a == b and math.copysign(1, a) == math.copysign(1, b)) or (a != a and b != b)


def test_bit_identical_whatever_the_chunking(client) -> None:  # type: ignore[no-untyped-def]
    x = data()
    want = MomentsState().update(x)
    for chunks in CHUNKINGS:
        d = da.from_array(x, chunks=chunks)
        got = client.compute([rd.sum(d), rd.mean(d), rd.var(d), rd.std(d, ddof=1), rd.min(d),
                              rd.max(d), rd.count(d)], sync=True)
        ref = [want.sum(), want.mean(), want.var(), want.std(ddof=1), want.min(), want.max()]
        assert all(same(float(g), r) for g, r in zip(got, ref)), chunks
        assert int(got[-1]) == x.size
        state = client.compute(rd.moments(d), sync=True)
        assert state.shape == (1, 1) and state[0, 0] == want


def test_along_axes_and_keepdims(client) -> None:  # type: ignore[no-untyped-def]
    x = data()
    for chunks in CHUNKINGS[:3]:
        d = da.from_array(x, chunks=chunks)
        m0 = client.compute(rd.mean(d, axis=0), sync=True)
        assert m0.shape == (77,)
        assert np.array_equal(m0, [MomentsState().update(x[:, j]).mean() for j in range(77)])
        v1 = client.compute(rd.var(d, axis=-1, ddof=1, keepdims=True), sync=True)
        assert v1.shape == (300, 1)
        assert np.array_equal(v1[:, 0], [MomentsState().update(r).var(ddof=1) for r in x])
        s = client.compute(rd.sum(d, axis=(0, 1), keepdims=True), sync=True)
        assert s.shape == (1, 1) and s[0, 0] == MomentsState().update(x).sum()


def test_nan_policy_and_bad_input(client) -> None:  # type: ignore[no-untyped-def]
    x = data()
    x[5, 5] = np.nan
    d = da.from_array(x, chunks=(50, 50))
    assert math.isnan(client.compute(rd.mean(d), sync=True))
    omit = client.compute(rd.mean(d, nan_policy="omit"), sync=True)
    assert omit == MomentsState().update(x).mean(nan_policy="omit")
    with pytest.raises(ValueError, match="(?i)nan"):
        client.compute(rd.mean(d, nan_policy="raise"), sync=True)
    with pytest.raises(ValueError, match="nan_policy"):
        rd.mean(d, nan_policy="drop")
    with pytest.raises(ValueError, match="out of bounds"):
        rd.mean(d, axis=2)
    with pytest.raises(TypeError, match="real numbers"):
        rd.mean(da.from_array(np.array(["a", "b"])))
    # integer, bool and float32 inputs
    i = da.from_array(np.arange(1000), chunks=77)
    assert client.compute(rd.sum(i), sync=True) == 499500.0
    f = np.random.default_rng(1).standard_normal(500).astype(np.float32)
    got = client.compute(rd.mean(da.from_array(f, chunks=33)), sync=True)
    assert got == MomentsState().update(f).mean()


def order_stat_data(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.round(rng.standard_normal(5_000) * 3, 1)  # many ties
    x[rng.random(x.size) < 0.02] = 1e300
    x[:3] = [np.inf, -np.inf, -0.0]
    return x


def exact_trimmed_mean(x: np.ndarray, lower: float, upper: float) -> float:
    from fractions import Fraction

    y = np.sort(x)
    n = y.size
    kept = y[math.floor(lower * n):n - math.floor(upper * n)]
    if not np.all(np.isfinite(kept)):
        return float(np.sum(kept))
    return float(sum(map(Fraction, kept.tolist()), Fraction(0))) / kept.size


def check_order_statistics(x: np.ndarray, chunks: int, qs: tuple[float, ...],
                           methods: tuple[str, ...], trims: tuple[Any, ...]) -> None:
    import robstat

    d = da.from_array(x, chunks=chunks)
    # (== rather than same(): among tied zeros the sign of the one selected is
    # unspecified, on one machine as here)
    assert rd.median(d) == robstat.median(x)
    for q in qs:
        for method in methods:
            got = rd.quantile(d, q, method=method)
            want = float(robstat.quantile(x, q, method=method))
            assert got == want or (math.isnan(got) and math.isnan(want)), (q, method)
    finite = x[np.isfinite(x)]
    fd = da.from_array(finite, chunks=chunks)
    for trim in trims:
        lo, hi = (trim, trim) if isinstance(trim, float) else trim
        got = rd.trimmed_mean(fd, trim)
        assert got == exact_trimmed_mean(finite, lo, hi), trim
        want = float(robstat.trimmed_mean(finite, trim))
        assert abs(got - want) <= math.ulp(want), trim  # robstat's SIMD sums: 1 ulp


CASES = [(1, 5_000), (2, 333), (3, 1), (4, 1_999), (5, 64)]


def test_exact_order_statistics_on_the_cluster(client) -> None:  # type: ignore[no-untyped-def]
    for seed, chunks in CASES:
        x = order_stat_data(seed)[: 300 if chunks == 1 else None]  # chunks=1: a value a block
        check_order_statistics(x, chunks, (0.01, 0.9), ("linear",), (0.1, (0.05, 0.2)))


def test_exact_order_statistics_every_method() -> None:
    import dask

    with dask.config.set(scheduler="sync"):  # the same code paths, no cluster round trips
        for seed, chunks in CASES:
            x = order_stat_data(seed)[: 300 if chunks == 1 else None]
            check_order_statistics(x, chunks, (0.0, 0.01, 0.25, 0.5, 0.9, 1.0),
                                   ("linear", "lower", "higher", "midpoint", "nearest"),
                                   (0.0, 0.1, 0.25, (0.05, 0.2), 0.49))


def test_order_statistics_edge_cases(client) -> None:  # type: ignore[no-untyped-def]
    one = da.from_array(np.array([4.0]), chunks=1)
    assert rd.median(one) == 4.0 and rd.trimmed_mean(one, 0.4) == 4.0
    two = da.from_array(np.array([1.0, 3.0]), chunks=1)
    assert rd.median(two) == 2.0
    const = da.from_array(np.full(1000, 7.5), chunks=77)
    assert rd.median(const) == 7.5 and rd.trimmed_mean(const, 0.2) == 7.5
    assert rd.trimmed_mean(da.from_array(np.arange(10.0), chunks=3), 0.5) == 4.5  # the median
    nan = da.from_array(np.array([1.0, np.nan, 3.0, 2.0]), chunks=2)
    assert math.isnan(rd.median(nan))
    assert rd.median(nan, nan_policy="omit") == 2.0
    with pytest.raises(ValueError, match="(?i)nan"):
        rd.trimmed_mean(nan, nan_policy="raise")
    with pytest.warns(RuntimeWarning, match="empty"):
        assert math.isnan(rd.median(da.from_array(np.array([np.nan]), chunks=1),
                                    nan_policy="omit"))
    with pytest.raises(ValueError, match="q must be"):
        rd.quantile(one, 1.5)
    with pytest.raises(ValueError, match="method"):
        rd.quantile(one, 0.5, method="cubic")
    with pytest.raises(ValueError, match="trim"):
        rd.trimmed_mean(one, 0.7)
    with pytest.raises(TypeError, match="real numbers"):
        rd.median(da.from_array(np.array(["a"])))


# ---- winsorized mean, MAD, z-scores, along an axis, dataframes ----------------------


def exact_winsorized_mean(x: np.ndarray, lower: float, upper: float) -> float:
    """robstat's arithmetic in exact rationals: the exact sum of the kept
    values plus g_lo and g_hi copies of the cut values, rounded once, divided
    by n (one IEEE division)."""
    from fractions import Fraction

    y = np.sort(x.astype(np.float64))
    n = y.size
    g_lo, g_hi = math.floor(lower * n), math.floor(upper * n)
    kept = y[g_lo:n - g_hi]
    if not np.all(np.isfinite(y)):
        return float(np.sum(kept) + g_lo * y[g_lo] + g_hi * y[n - g_hi - 1]) / n
    s = sum(map(Fraction, kept.tolist()), Fraction(0))
    total = s + g_lo * Fraction(float(y[g_lo])) + g_hi * Fraction(float(y[n - g_hi - 1]))
    return float(total) / n


def exact_mad(x: np.ndarray) -> float:
    """The raw MAD by sorting (numpy), deviations in the input's dtype."""
    y = np.sort(x)
    n = y.size

    def med(v: np.ndarray) -> Any:
        v = np.sort(v)
        a, b = v[(n - 1) // 2], v[n // 2]
        return a if a == b else (a + b) / v.dtype.type(2)  # finite data: no overflow

    return float(med(np.abs(y - med(y))))


LIMITS = (0.0, 0.1, 0.25, (0.05, 0.2), (0.0, 0.3), 0.49)


def check_more_statistics(x: np.ndarray, chunks: int, limits: tuple[Any, ...]) -> None:
    import robstat

    d = da.from_array(x, chunks=chunks)
    for lim in limits:
        got, want = rd.winsorized_mean(d, lim), robstat.winsorized_mean(x, lim)
        assert got.dtype == want.dtype and same(float(got), float(want)), (lim, got, want)
    for kw in ({}, {"scale": 1.0}, {"center": 0.5, "scale": 2.0}):
        got, want = rd.mad(d, **kw), robstat.mad(x, **kw)
        assert got.dtype == want.dtype and same(float(got), float(want)), (kw, got, want)
    z = rd.robust_zscore(d)
    assert isinstance(z, da.Array) and z.chunks == d.chunks
    zc = z.compute()
    assert zc.dtype == robstat.robust_zscore(x).dtype
    assert np.array_equal(zc, robstat.robust_zscore(x), equal_nan=True)
    assert np.array_equal(rd.modified_zscore(d).compute(), robstat.modified_zscore(x),
                          equal_nan=True)


def test_winsorized_mad_zscore_on_the_cluster(client) -> None:  # type: ignore[no-untyped-def]
    for seed, chunks in CASES:
        x = order_stat_data(seed)[: 300 if chunks == 1 else None]
        check_more_statistics(x, chunks, (0.1, (0.05, 0.2)))
        finite = x[np.isfinite(x)]
        got = rd.winsorized_mean(da.from_array(finite, chunks=chunks), (0.05, 0.2))
        assert got == exact_winsorized_mean(finite, 0.05, 0.2)
        assert rd.mad(da.from_array(finite, chunks=chunks), scale=1.0) == exact_mad(finite)


def test_winsorized_mad_zscore_every_chunking() -> None:
    import dask

    with dask.config.set(scheduler="sync"):
        for seed, chunks in CASES:
            x = order_stat_data(seed)[: 300 if chunks == 1 else None]
            check_more_statistics(x, chunks, LIMITS)
            finite = x[np.isfinite(x)]
            fd = da.from_array(finite, chunks=chunks)
            for lim in LIMITS:
                lo, hi = (lim, lim) if isinstance(lim, float) else lim
                assert rd.winsorized_mean(fd, lim) == exact_winsorized_mean(finite, lo, hi), lim
            assert rd.mad(fd, scale=1.0) == exact_mad(finite)
            # float32: deviations, midpoints and scores in float32, as robstat
            f32 = (finite[np.abs(finite) < 1e30] * 1.37).astype(np.float32)
            check_more_statistics(f32, chunks, (0.1, (0.05, 0.2)))
            assert rd.mad(da.from_array(f32, chunks=chunks), scale=1.0) == exact_mad(f32)
            assert rd.median(da.from_array(f32, chunks=chunks)) == robstat_median(f32)


def robstat_median(x: np.ndarray) -> Any:
    import robstat

    return robstat.median(x)


def test_float32_and_integer_order_statistics() -> None:
    import dask
    import robstat

    rng = np.random.default_rng(11)
    with dask.config.set(scheduler="sync"):
        for n in (1, 2, 7, 1000, 1001):
            x = rng.standard_normal(n).astype(np.float32) * np.float32(3.3)
            d = da.from_array(x, chunks=97)
            for method in ("linear", "midpoint", "nearest"):
                got, want = rd.quantile(d, 0.37, method=method), robstat.quantile(x, 0.37,
                                                                                 method=method)
                assert got.dtype == np.float32 and got == want, (n, method)
            assert rd.median(d).dtype == np.float32 and rd.median(d) == robstat.median(x)
            assert rd.trimmed_mean(d, 0.2) == robstat.trimmed_mean(x, 0.2)
            h = x.astype(np.float16)
            assert rd.median(da.from_array(h, chunks=97)) == robstat.median(h)
            assert rd.median(da.from_array(h, chunks=97)).dtype == np.float16
        i = rng.integers(-50, 50, 999)
        di = da.from_array(i, chunks=100)
        assert rd.mad(di) == robstat.mad(i) and rd.winsorized_mean(di) == robstat.winsorized_mean(i)


def test_overflow_guard_and_special_values() -> None:
    import dask
    import robstat

    with dask.config.set(scheduler="sync"):
        big = np.concatenate([np.full(40, 1.5e308), np.arange(10.0)])
        d = da.from_array(big, chunks=7)
        for f in ("trimmed_mean", "winsorized_mean"):
            got, want = getattr(rd, f)(d, 0.1), getattr(robstat, f)(big, 0.1)
            assert math.isfinite(got) and got == want, f
        inf = np.array([-np.inf, 1.0, 2.0, 3.0, 4.0, np.inf, 5.0, 6.0, 7.0, 8.0])
        di = da.from_array(inf, chunks=3)
        for lim in (0.0, 0.1, (0.0, 0.2), (0.2, 0.0)):
            assert same(float(rd.winsorized_mean(di, lim)),
                        float(robstat.winsorized_mean(inf, lim))), lim
            assert same(float(rd.trimmed_mean(di, lim)), float(robstat.trimmed_mean(inf, lim)))
        assert rd.mad(di) == robstat.mad(inf)
        assert np.array_equal(rd.robust_zscore(di).compute(), robstat.robust_zscore(inf),
                              equal_nan=True)
        const = da.from_array(np.full(100, 2.5), chunks=9)  # MAD 0: scores +-inf or NaN
        assert rd.mad(const) == 0.0
        zc = rd.robust_zscore(const).compute()
        assert np.all(np.isnan(zc)) and np.array_equal(zc, robstat.robust_zscore(np.full(100, 2.5)),
                                                       equal_nan=True)
        # x - median overflows: the halved retry
        wide = np.array([-1.7e308, 1.7e308, 1.7e308, 1.6e308, 1.5e308] * 3)
        zw = robstat.robust_zscore(wide)
        assert np.all(np.isfinite(zw))  # (the plain difference would be -inf)
        assert np.array_equal(rd.robust_zscore(da.from_array(wide, chunks=4)).compute(), zw)
        assert np.array_equal(rd.modified_zscore(da.from_array(wide, chunks=4)).compute(),
                              robstat.modified_zscore(wide))


def test_nan_policies_of_the_new_functions(client) -> None:  # type: ignore[no-untyped-def]
    import robstat

    x = order_stat_data(7)[:2000]
    x[[5, 700, 1999]] = np.nan
    d = da.from_array(x, chunks=301)
    for name, kw in (("winsorized_mean", {"limits": 0.1}), ("mad", {}), ("median", {}),
                     ("trimmed_mean", {"trim": 0.2}), ("quantile", {"q": 0.3})):
        f = getattr(rd, name)
        assert math.isnan(f(d, **kw)), name
        assert same(float(f(d, nan_policy="omit", **kw)),
                    float(getattr(robstat, name)(x, nan_policy="omit", **kw))), name
        with pytest.raises(ValueError, match="(?i)nan"):
            f(d, nan_policy="raise", **kw)
    z = rd.robust_zscore(d).compute()
    assert np.all(np.isnan(z))  # propagate: all NaN, as robstat
    zo = rd.robust_zscore(d, nan_policy="omit").compute()
    assert np.array_equal(zo, robstat.robust_zscore(x, nan_policy="omit"), equal_nan=True)
    with pytest.raises(ValueError, match="(?i)nan"):
        rd.robust_zscore(d, nan_policy="raise")
    allnan = da.from_array(np.full(5, np.nan), chunks=2)
    with pytest.warns(RuntimeWarning, match="empty"):
        assert math.isnan(rd.mad(allnan, nan_policy="omit"))
    with pytest.warns(RuntimeWarning, match="empty"):
        assert np.all(np.isnan(rd.robust_zscore(allnan, nan_policy="omit").compute()))
    with pytest.raises(ValueError, match="limits"):
        rd.winsorized_mean(d, (0.5, 0.5))
    with pytest.raises(ValueError, match="scale"):
        rd.mad(d, scale=-1.0)


AXIS_CHUNKS = [(300, 77), (17, 10), (101, 77), (1, 77), (300, 1), (97, 13)]


def test_along_an_axis(client) -> None:  # type: ignore[no-untyped-def]
    import robstat

    rng = np.random.default_rng(5)
    x = np.round(rng.standard_normal((300, 77)) * 2, 1)
    x[rng.random(x.shape) < 0.01] = np.inf
    x[rng.random(x.shape) < 0.005] = np.nan
    cases: list[tuple[str, dict[str, Any]]] = [
        ("median", {}), ("quantile", {"q": 0.9, "method": "midpoint"}),
        ("trimmed_mean", {"trim": (0.05, 0.2)}), ("winsorized_mean", {"limits": 0.1}),
        ("mad", {"scale": 1.0})]
    for chunks in AXIS_CHUNKS[:4]:
        d = da.from_array(x, chunks=chunks)
        for name, kw in cases:
            for axis, keepdims in ((0, False), (-1, True), ((0, 1), False)):
                for policy in ("propagate", "omit"):
                    got = getattr(rd, name)(d, axis=axis, keepdims=keepdims, nan_policy=policy,
                                            **kw)
                    assert isinstance(got, da.Array)
                    want = getattr(robstat, name)(x, axis=axis, keepdims=keepdims,
                                                  nan_policy=policy, **kw)
                    got = client.compute(got, sync=True)
                    assert got.shape == np.shape(want), (name, axis, chunks)
                    assert np.array_equal(got, want, equal_nan=True), (name, axis, chunks)
        for axis in (0, 1):
            got = client.compute(rd.robust_zscore(d, axis=axis, nan_policy="omit"), sync=True)
            assert np.array_equal(got, robstat.robust_zscore(x, axis=axis, nan_policy="omit"),
                                  equal_nan=True)
    f32 = x.astype(np.float32)
    got = client.compute(rd.mad(da.from_array(f32, chunks=(17, 10)), axis=1,
                                nan_policy="omit"), sync=True)
    assert got.dtype == np.float32
    assert np.array_equal(got, robstat.mad(f32, axis=1, nan_policy="omit"), equal_nan=True)
    with pytest.raises(ValueError, match="out of bounds"):
        rd.median(da.from_array(x, chunks=50), axis=2)


def test_whole_array_keepdims() -> None:
    import dask
    import robstat

    x = np.arange(24.0).reshape(4, 6)
    with dask.config.set(scheduler="sync"):
        got = rd.median(da.from_array(x, chunks=(3, 5)), keepdims=True)
        assert got.shape == (1, 1) and got[0, 0] == robstat.median(x)


def test_dask_series_and_groupby(client) -> None:  # type: ignore[no-untyped-def]
    import robstat

    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")

    rng = np.random.default_rng(9)
    n = 3000
    frame = pd.DataFrame({"g": rng.integers(0, 7, n), "v": np.round(rng.standard_cauchy(n), 2)})
    frame.loc[rng.random(n) < 0.01, "v"] = np.nan
    ddf = dd.from_pandas(frame, npartitions=5)
    s = ddf["v"]
    v = frame["v"].to_numpy()
    assert rd.median(s, nan_policy="omit") == robstat.median(v, nan_policy="omit")
    assert rd.mad(s, nan_policy="omit") == robstat.mad(v, nan_policy="omit")
    assert client.compute(rd.mean(s, nan_policy="omit"), sync=True) == MomentsState().update(
        v).mean(nan_policy="omit")
    z = client.compute(rd.robust_zscore(s, nan_policy="omit"), sync=True)
    assert np.array_equal(z, robstat.robust_zscore(v, nan_policy="omit"), equal_nan=True)
    for func, kw in (("trimmed_mean", {"trim": 0.2, "nan_policy": "omit"}),
                     ("median", {"nan_policy": "omit"}), ("mad", {"nan_policy": "omit"}),
                     ("quantile", {"q": 0.9, "nan_policy": "omit"}),
                     ("winsorized_mean", {"limits": (0.1, 0.05)})):
        got = client.compute(rd.groupby_aggregate(ddf, "g", "v", func, **kw), sync=True)
        want = {k: float(getattr(robstat, func)(grp["v"].to_numpy(), **kw))
                for k, grp in frame.groupby("g")}
        assert sorted(got.index) == sorted(want)
        assert all(same(float(got[k]), w) for k, w in want.items()), func
    with pytest.raises(ValueError, match="func"):
        rd.groupby_aggregate(ddf, "g", "v", "sort")
    with pytest.raises(ValueError, match="trim"):
        rd.groupby_aggregate(ddf, "g", "v", "trimmed_mean", trim=0.7)


# ---- aggregate ------------------------------------------------------------------------

AGG_CASES = (("trim", {}), ("trim", {"trim": (0.05, 0.2)}), ("trim", {"ntrim": (7, 7)}),
             ("trim", {"trim": 0.25}), ("mad", {}), ("mad", {"threshold": 2.0}), ("iqr", {}),
             ("iqr", {"threshold": 3.0}), ("trim", {"ci": "none"}), ("sigma_clip", {}),
             ("sigma_clip", {"threshold": 1.5}))


def aggregate_data(seed: int) -> np.ndarray:
    """Two populations and rounded values: many ties at every cut."""
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.normal(10, 2, 3000), rng.normal(40, 1, 50),
                        np.round(rng.normal(0, 3, 200))])
    rng.shuffle(x)
    return np.round(x * 4) / 4


def ulps_apart(a: float, b: float, dtype: Any) -> float:
    if (math.isnan(a) and math.isnan(b)) or (math.isinf(b) and a == b):
        return 0.0
    eps = float(np.finfo(dtype).eps)
    return abs(a - b) / (eps * abs(b)) if b else abs(a - b)


def check_aggregate(x: np.ndarray, chunks: Any, method: str, kw: dict[str, Any]) -> Any:
    """rd.aggregate against robstat.aggregate: labels, counts and cut points equal;
    the centre and (trim) scale and interval within an ulp of the working dtype, the
    fence methods' scale equal. Returns the result's statistics (to compare chunkings)."""
    import warnings

    import robstat

    with warnings.catch_warnings(record=True) as w_want:
        warnings.simplefilter("always")
        want = robstat.aggregate(x, method=method, **kw)
    with warnings.catch_warnings(record=True) as w_got:
        warnings.simplefilter("always")
        got = rd.aggregate(da.from_array(x, chunks=chunks), method=method, **kw)
    assert [w.category for w in w_got] == [w.category for w in w_want], (method, kw)
    assert isinstance(got.labels, da.Array) and got.labels.shape == x.shape
    labels = got.labels.compute()
    assert labels.dtype == np.int8 and np.array_equal(labels, want.labels), (method, kw)
    assert (got.n, got.n_kept, got.n_low, got.n_high) == (want.n, want.n_kept, want.n_low,
                                                          want.n_high)
    # (equal values; a cut at a tie of 0.0 and -0.0 may carry either sign on one machine)
    for g, w in ((got.lower_cut, want.lower_cut), (got.upper_cut, want.upper_cut)):
        assert g == w or (g != g and w != w), (method, kw, g, w)
    work = np.float32 if x.dtype == np.float32 else np.float64
    for g, w in ((got.center, want.center), (got.scale, want.scale), (got.ci[0], want.ci[0]),
                 (got.ci[1], want.ci[1])):
        assert ulps_apart(g, w, work) <= 1.0, (method, kw, g, w)
    assert got.method == want.method and got.confidence == want.confidence
    assert np.array_equal(got.kept.compute(), want.kept)
    return (got.center, got.scale, *got.ci, got.lower_cut, got.upper_cut)


def test_aggregate_every_chunking() -> None:
    import dask

    with dask.config.set(scheduler="sync"):
        for seed in (1, 2):
            x = aggregate_data(seed)
            for dtype in (np.float64, np.float32):
                xx = x.astype(dtype)
                for method, kw in AGG_CASES:
                    results = [check_aggregate(xx, c, method, kw) for c in (3250, 1000, 777, 97)]
                    # exact states: identical, bit for bit, whatever the chunking
                    assert all(all(map(same, r, results[0])) for r in results[1:]), (method, kw)
        ints = (aggregate_data(3) * 4).astype(np.int64)  # integers compute in float64
        for method, kw in AGG_CASES[:5]:
            check_aggregate(ints, 500, method, kw)


def test_aggregate_on_the_cluster(client) -> None:  # type: ignore[no-untyped-def]
    import robstat

    x = aggregate_data(4)
    for method, kw in AGG_CASES[:7]:
        check_aggregate(x, 333, method, kw)
    r = rd.aggregate(da.from_array(x, chunks=500), method="mad")
    assert r.outliers(top=15) == robstat.aggregate(x, method="mad").outliers(top=15)
    assert json.dumps(r.to_dict(labels=True)) == json.dumps(  # (NaN != NaN in a dict)
        robstat.aggregate(x, method="mad").to_dict(labels=True))


def test_aggregate_edge_cases() -> None:
    import dask
    import robstat

    with dask.config.set(scheduler="sync"):
        cases = [np.full(50, 2.5), np.array([1.0]), np.array([1.0, 2.0]),
                 np.array([1.0, 1.0, 1.0, 5.0, -3.0, 1.0]),
                 np.array([-np.inf, 1.0, 2.0, 3.0, np.inf, 2.0, 2.0]),
                 np.array([-np.inf, np.inf]), np.array([0.0, -0.0, 0.0, 1e300, -1e300]),
                 # x - median overflows where the score does not; mad fences past the range
                 np.array([-0.8e308, 0.2e308, 1e308, 1.5e308, 1.7e308, np.inf]),
                 np.array([np.inf, -1.7976931348623157e308, -1.7976931348623157e308, 18.25,
                           15.0]),
                 np.array([-3.4e38] * 6 + [np.inf, -7, -14.5, -10.5, -1000, -3.4e38, 2, -1, -1,
                                           0], dtype=np.float32)]
        for x in cases:
            for method, kw in AGG_CASES + (("trim", {"ntrim": (40, 40)}),):
                for chunks in (x.size, 1, 3):
                    check_aggregate(x, chunks, method, kw)
        # NaN under every policy, empty input, 2-d input
        x = aggregate_data(5)
        x[[3, 100, 2000]] = np.nan
        for method, kw in AGG_CASES[:7]:
            check_aggregate(x, 800, method, {**kw, "nan_policy": "omit"})
            check_aggregate(x, 800, method, kw)  # propagate: nothing cut, NaN statistics
            with pytest.raises(ValueError, match="nan"):
                rd.aggregate(da.from_array(x, chunks=800), method=method, nan_policy="raise", **kw)
        with pytest.warns(robstat.SmallSampleWarning):
            e = rd.aggregate(da.from_array(np.zeros(0), chunks=1))
        assert e.n == 0 and math.isnan(e.center) and e.labels.shape == (0,)
        m = aggregate_data(6)[:3000].reshape(60, 50)
        for method, kw in AGG_CASES[:7]:
            check_aggregate(m, (17, 20), method, kw)
        r = rd.aggregate(da.from_array(m, chunks=(17, 20)), method="trim")
        assert r.outliers() == robstat.aggregate(m, method="trim").outliers()


def test_aggregate_errors() -> None:
    d = da.from_array(np.arange(10.0), chunks=3)
    for method in ("adjbox", "huber", "fit"):
        with pytest.raises(ValueError, match="supports the methods"):
            rd.aggregate(d, method=method)
    with pytest.raises(ValueError, match="bootstrap"):
        rd.aggregate(d, ci="bootstrap")
    with pytest.raises(ValueError, match="trim"):
        rd.aggregate(d, method="mad", trim=0.2)
    with pytest.raises(ValueError, match="trim"):
        rd.aggregate(d, trim=0.7)
    with pytest.raises(ValueError, match="threshold"):
        rd.aggregate(d, method="mad", threshold=-1.0)
    with pytest.raises(ValueError, match="confidence"):
        rd.aggregate(d, confidence=1.5)
    with pytest.raises(TypeError):
        rd.aggregate(d, weights=np.ones(10))  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="top"):
        rd.aggregate(d).outliers(top=-1)


def test_aggregate_of_a_dask_series() -> None:
    import dask
    import robstat

    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    v = aggregate_data(7)
    s = dd.from_pandas(pd.Series(v), npartitions=4)
    with dask.config.set(scheduler="sync"):
        for method in rd.AGGREGATE_METHODS:
            got, want = rd.aggregate(s, method=method), robstat.aggregate(v, method=method)
            assert np.array_equal(got.labels.compute(), want.labels)
            assert (got.n_low, got.n_high, got.center) == (want.n_low, want.n_high, want.center)

