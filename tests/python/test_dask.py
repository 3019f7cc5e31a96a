"""robstat.dask on a real dask.distributed LocalCluster with worker processes
(every state is pickled between processes): results bit-identical to the
single-process state whatever the chunking, along every axis."""

from __future__ import annotations

import math

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
