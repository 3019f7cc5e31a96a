"""robstat.stream: the mergeable states against exact rational arithmetic
(fractions.Fraction, math.fsum), partition and merge-tree independence
(Hypothesis), the byte format, pickling and bad input."""

from __future__ import annotations

import copy
import math
import pickle
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from robstat.stream import MomentsState, SumState

FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64)
VALUES = st.lists(st.one_of(FINITE, st.floats(-1e6, 1e6), st.sampled_from([0.0, -0.0, 1.0])),
                  max_size=60)


def exact_ssd(x: list[float]) -> Fraction:
    fx = [Fraction(v) for v in x]
    m = sum(fx, Fraction(0)) / len(fx)
    return sum(((v - m) ** 2 for v in fx), Fraction(0))


def frac_sqrt(f: Fraction) -> float:
    """sqrt of an exact rational, rounded to within an ulp (also where f itself
    overflows or underflows a double)."""
    if f == 0:
        return 0.0
    k = (f.numerator.bit_length() - f.denominator.bit_length()) // 2
    return math.ldexp(math.sqrt(float(f / Fraction(4) ** k)), k)


def ulps(a: float, b: float) -> float:
    if a == b:
        return 0.0
    return abs(a - b) / math.ulp(max(abs(a), abs(b)))


def split_merge(cls: type, x: list[float], data: st.DataObject) -> object:
    """x cut at random points, the parts merged in a random tree shape."""
    k = data.draw(st.integers(1, 8))
    cuts = sorted(data.draw(st.lists(st.integers(0, len(x)), min_size=k - 1, max_size=k - 1)))
    bounds = [0, *cuts, len(x)]
    states = [cls().update(np.array(x[a:b], dtype=np.float64)) for a, b in zip(bounds, bounds[1:])]
    order = data.draw(st.permutations(range(len(states))))
    states = [states[i] for i in order]
    while len(states) > 1:
        i = data.draw(st.integers(0, len(states) - 2))
        states[i].merge(states.pop(i + 1))
    return states[0]


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_sum_is_correctly_rounded(x: list[float]) -> None:
    s = SumState().update(np.array(x, dtype=np.float64))
    exact = sum((Fraction(v) for v in x), Fraction(0))
    try:
        want = float(exact)
    except OverflowError:
        want = math.inf if exact > 0 else -math.inf
    assert s.sum() == want
    if all(math.isfinite(v) for v in x):
        try:
            assert s.sum() == math.fsum(x)
        except OverflowError:  # fsum gives up on an intermediate overflow; the state does not
            pass
    assert s.count() == len(x)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(-1e150, 1e150), st.floats(-1e6, 1e6),
                          st.floats(1e6 - 1, 1e6 + 1)), min_size=1, max_size=40))
def test_moments_against_fractions(x: list[float]) -> None:
    m = MomentsState().update(x)
    fx = [Fraction(v) for v in x]
    mean = sum(fx, Fraction(0)) / len(x)
    assert ulps(m.mean(), float(mean)) <= 1
    ssd = exact_ssd(x)
    assert ulps(m.var(), float(ssd / len(x))) <= 1  # ssd rounded once, then / n
    if len(x) > 1:
        assert ulps(m.var(ddof=1), float(ssd / (len(x) - 1))) <= 1
    assert ulps(m.std(), frac_sqrt(ssd / len(x))) <= 2
    assert m.min() == min(x) and m.max() == max(x)
    assert m.sum() == float(sum(fx, Fraction(0)))


@settings(max_examples=150, deadline=None)
@given(VALUES, st.data())
def test_any_partition_and_merge_tree_gives_the_same_state(x: list[float],
                                                          data: st.DataObject) -> None:
    for cls in (SumState, MomentsState):
        whole = cls().update(np.array(x, dtype=np.float64))
        merged = split_merge(cls, x, data)
        assert merged == whole
        assert merged.to_bytes() == whole.to_bytes()
        if cls is MomentsState and x:
            for f in ("mean", "var", "std", "min", "max"):
                a, b = getattr(merged, f)(), getattr(whole, f)()
                assert a == b or (math.isnan(a) and math.isnan(b))
                assert math.copysign(1, a) == math.copysign(1, b)


@settings(max_examples=100, deadline=None)
@given(VALUES)
def test_empty_state_is_the_identity_and_bytes_round_trip(x: list[float]) -> None:
    for cls in (SumState, MomentsState):
        s = cls().update(np.array(x, dtype=np.float64))
        assert cls().merge(s) == s
        assert s.copy().merge(cls()) == s
        assert cls.from_bytes(s.to_bytes()) == s
        assert pickle.loads(pickle.dumps(s)) == s
        assert copy.deepcopy(s) == s and copy.copy(s) == s


def test_ill_conditioned_data() -> None:
    # NIST StRD NumAcc4: 1e7 + 0.2, 0.1, 0.3 repeated: sd 0.1 exactly in decimal
    x = np.array([10000000.2] + [10000000.1, 10000000.3] * 500)
    m = MomentsState().update(x)
    assert m.mean() == float(sum(map(Fraction, x.tolist()), Fraction(0)) / len(x))
    assert ulps(m.std(ddof=1), frac_sqrt(exact_ssd(x.tolist()) / (len(x) - 1))) <= 2
    # the cancellation case
    assert SumState().update([1.0, 1e100, 1.0, -1e100]).sum() == 2.0
    # huge values: the variance overflows, the standard deviation is finite
    h = MomentsState().update([1e308, -1e308, 1e308, -1e308])
    assert h.mean() == 0.0 and h.var() == math.inf and h.std() == 1e308
    # subnormals: the standard deviation is not flushed to zero
    t = MomentsState().update([5e-324, 0.0])
    assert t.std() == 5e-324


def test_nan_and_inf_policies() -> None:
    x = np.array([1.0, np.nan, 2.0])
    for cls in (SumState, MomentsState):
        s = cls().update(x)
        assert math.isnan(s.sum()) and s.sum(nan_policy="omit") == 3.0
        with pytest.raises(ValueError, match="(?i)nan"):
            s.sum(nan_policy="raise")
        assert s.count() == 3 and s.count(nan_policy="omit") == 2 and s.n_nan == 1
        fresh = cls()
        with pytest.raises(ValueError, match="(?i)nan"):
            fresh.update(x, nan_policy="raise")
        assert fresh == cls()  # nothing folded in
        with pytest.raises(ValueError, match="nan_policy"):
            cls().update(x, nan_policy="drop")
    m = MomentsState().update(x)
    assert m.mean(nan_policy="omit") == 1.5 and math.isnan(m.mean())
    assert m.var(nan_policy="omit") == 0.25
    i = MomentsState().update([1.0, np.inf])
    assert i.mean() == np.inf and math.isnan(i.var()) and i.max() == np.inf
    assert SumState().update([np.inf, -np.inf]).sum() != SumState().update([np.inf]).sum()
    e = MomentsState()
    assert math.isnan(e.mean()) and math.isnan(e.min()) and e.sum() == 0.0 and e.count() == 0
    assert math.isnan(MomentsState().update([3.0]).var(ddof=1))


def test_dtypes_layouts_and_input_untouched() -> None:
    rng = np.random.default_rng(5)
    x = rng.standard_normal((30, 40))
    ref = MomentsState().update(x.ravel().tolist())
    for v in (x, x.T, x[::-1, ::2], x.astype(np.float32)):
        before = v.copy()
        s = MomentsState().update(v)
        assert np.array_equal(v, before)
        if v.dtype == np.float64 and v.size == x.size:
            assert s == ref  # order and layout do not matter
    assert SumState().update(np.arange(10)).sum() == 45.0
    assert SumState().update(np.array([True, True, False])).sum() == 2.0
    assert SumState().update(np.float32(0.1)).sum() == float(np.float32(0.1))
    with pytest.raises(TypeError, match="real numbers"):
        SumState().update(np.array(["a"]))
    with pytest.raises(TypeError, match="real numbers"):
        SumState().update(np.array([1 + 2j]))


def test_bad_bytes_are_rejected() -> None:
    s = MomentsState().update([1.0, 2.0, 3.5])
    b = s.to_bytes()
    assert b[:4] == b"RBST"
    for cut in range(len(b)):
        with pytest.raises(ValueError, match="from_bytes"):
            MomentsState.from_bytes(b[:cut])
    for i in range(len(b)):
        c = bytearray(b)
        c[i] ^= 0x01
        with pytest.raises(ValueError, match="from_bytes"):
            MomentsState.from_bytes(bytes(c))
    with pytest.raises(ValueError, match="wrong state type"):
        SumState.from_bytes(b)
    with pytest.raises(TypeError, match="bytes"):
        SumState.from_bytes("RBST")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="MomentsState"):
        MomentsState().merge(SumState())  # type: ignore[arg-type]


def test_states_are_shipped_through_processes() -> None:
    # pickled through real worker processes (as dask.distributed does)
    from concurrent.futures import ProcessPoolExecutor

    x = np.random.default_rng(2).standard_normal(10_000) * 1e3 + 1e9
    parts = np.array_split(x, 7)
    with ProcessPoolExecutor(2) as ex:
        states = list(ex.map(_moments_of, parts))
    total = MomentsState()
    for s in states:
        total.merge(s)
    assert total == MomentsState().update(x)


def _moments_of(part: np.ndarray) -> MomentsState:
    return MomentsState().update(part)
