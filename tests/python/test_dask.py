"""robstat.dask on a real dask.distributed LocalCluster with worker processes
(every state is pickled between processes): results bit-identical to the
single-process state whatever the chunking, along every axis."""

from __future__ import annotations

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
