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
import robstat
from hypothesis import given, settings
from hypothesis import strategies as st
from robstat.stream import (
    HuberStepState,
    MadState,
    MomentsState,
    QuantileSketch,
    SelectionState,
    SumState,
)

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


def assert_damage_rejected(cls: type, blob: bytes, flip: int = 0x01) -> None:
    """Every truncation and every single-byte corruption of a blob is a clear error."""
    for cut in range(len(blob)):
        with pytest.raises(ValueError, match="from_bytes"):
            cls.from_bytes(blob[:cut])
    for i in range(len(blob)):
        c = bytearray(blob)
        c[i] ^= flip
        with pytest.raises(ValueError, match="from_bytes"):
            cls.from_bytes(bytes(c))


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
    assert_damage_rejected(MomentsState, b)
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


# ---- QuantileSketch ------------------------------------------------------------


def _merge_tree(states: list, data: st.DataObject) -> object:
    order = data.draw(st.permutations(range(len(states))))
    states = [states[i] for i in order]
    while len(states) > 1:
        i = data.draw(st.integers(0, len(states) - 2))
        states[i].merge(states.pop(i + 1))
    return states[0]


def _check_sketch(s: QuantileSketch, x: np.ndarray) -> int:
    """The observed rank errors against sorting (an independent oracle):
    within the certified bound, which is within the a priori one."""
    xs = np.sort(x)
    n = xs.size
    e = s.rank_error
    assert e <= QuantileSketch.error_bound(n, s.k)
    t = np.concatenate([xs, (xs[:-1] + xs[1:]) / 2])
    t = t[np.isfinite(t) | ~np.isnan(t)]
    truth = np.searchsorted(xs, t, side="right")
    worst = int(np.max(np.abs(s.rank(t) - truth)))
    assert worst <= e
    q = np.linspace(0, 1, 101)
    got = s.quantile(q)
    r = np.floor(q * (n - 1)).astype(np.int64) + 1
    lo, hi = np.maximum(r - e, 1), np.minimum(r + e, n)
    assert np.all(xs[lo - 1] <= got) and np.all(got <= xs[hi - 1])
    assert s.min() == xs[0] and s.max() == xs[-1]
    return worst


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([8, 16, 64, 256]),
       st.sampled_from(["normal", "ties", "sorted", "cauchy", "inf"]),
       st.integers(1, 6000), st.data())
def test_sketch_rank_error_within_bound_for_every_merge_tree(
        seed: int, k: int, kind: str, n: int, data: st.DataObject) -> None:
    rng = np.random.default_rng(seed)
    x = {"normal": lambda: rng.standard_normal(n),
         "ties": lambda: np.floor(rng.standard_normal(n) * 2),
         "sorted": lambda: np.arange(n, dtype=np.float64),
         "cauchy": lambda: rng.standard_cauchy(n),
         "inf": lambda: np.where(rng.random(n) < 0.05, np.inf, rng.exponential(size=n))}[kind]()
    _check_sketch(QuantileSketch(x, k=k), x)
    parts = np.array_split(x, data.draw(st.integers(1, 12)))
    merged = _merge_tree([QuantileSketch(p, k=k) for p in parts], data)
    assert isinstance(merged, QuantileSketch)
    assert merged.count() == n
    _check_sketch(merged, x)


def test_sketch_is_exact_below_k_and_bound_is_exercised() -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal(255)
    s = QuantileSketch(x, k=256)
    assert s.rank_error == 0
    q = np.linspace(0, 1, 37)
    assert np.array_equal(s.quantile(q), robstat.quantile(x, q, method="lower"))
    assert s.rank(0.0) == np.count_nonzero(x <= 0)
    assert s.cdf(0.0) == np.count_nonzero(x <= 0) / 255
    big = rng.standard_normal(200_000)
    b = QuantileSketch(big, k=64)
    assert b.rank_error > 0 and b.retained < 2000
    assert _check_sketch(b, big) > 0


def test_sketch_protocol() -> None:
    x = np.array([1.0, np.nan, 2.0, 3.0] * 50)
    s = QuantileSketch(x, k=8)
    assert math.isnan(s.quantile(0.5)) and s.quantile(0.5, nan_policy="omit") == 2.0
    assert s.count() == 200 and s.count(nan_policy="omit") == 150 and s.n_nan == 50
    with pytest.raises(ValueError, match="(?i)nan"):
        s.quantile(0.5, nan_policy="raise")
    fresh = QuantileSketch(k=8)
    with pytest.raises(ValueError, match="(?i)nan"):
        fresh.update(x, nan_policy="raise")
    assert fresh == QuantileSketch(k=8)
    assert QuantileSketch.from_bytes(s.to_bytes()) == s
    assert pickle.loads(pickle.dumps(s)) == s and copy.deepcopy(s) == s
    a, b = QuantileSketch(np.arange(100.0), k=8), QuantileSketch(np.arange(50.0), k=8)
    assert a.copy().merge(b) == b.copy().merge(a)  # commutative exactly
    assert a.copy().merge(QuantileSketch(k=8)) == a
    with pytest.raises(ValueError, match="different k"):
        a.merge(QuantileSketch(k=16))
    for bad in (7, 4, 10**6):
        with pytest.raises(ValueError, match="k must be"):
            QuantileSketch(k=bad)
    with pytest.raises(ValueError, match="q"):
        a.quantile(1.5)
    e = QuantileSketch()
    assert math.isnan(e.quantile(0.5)) and math.isnan(e.cdf(1.0)) and math.isnan(e.min())
    assert_damage_rejected(QuantileSketch, QuantileSketch(np.arange(40.0), k=8).to_bytes(), 0x10)


# ---- SelectionState -----------------------------------------------------------


def _brackets_for(xs: np.ndarray, ranks: list[int], rng: np.random.Generator
                  ) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    n = xs.size
    for r in sorted(ranks):
        lo = float(xs[max(r - int(rng.integers(0, 4)), 0)])
        hi = float(xs[min(r + int(rng.integers(0, 4)), n - 1)])
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _parts(a: np.ndarray, data: st.DataObject) -> list[np.ndarray]:
    return np.array_split(a, data.draw(st.integers(1, 8)))


def _four_pass_mad(a: np.ndarray, data: st.DataObject, k: int = 16) -> tuple[float, MadState]:
    """The exact median and MAD of a in four passes over random parts merged
    in random trees: sketch, selection, sketch of the deviations, MadState."""
    n = a.size
    mid = [(n - 1) // 2, n // 2]
    sk = _merge_tree([QuantileSketch(p, k=k) for p in _parts(a, data)], data)
    br = sk.brackets(mid)
    m = _merge_tree([SelectionState(br, p) for p in _parts(a, data)], data).median()
    dev = [MadState.deviations_of(p, m, a.dtype) for p in _parts(a, data)]
    dbr = _merge_tree([QuantileSketch(d, k=k) for d in dev], data).brackets(mid)
    return m, _merge_tree([MadState(m, dbr, p, dtype=a.dtype) for p in _parts(a, data)], data)


@settings(max_examples=80, deadline=None)
@given(st.one_of(st.lists(st.one_of(st.floats(-1e300, 1e300), st.sampled_from([0.0, 1.0, 2.5])),
                          min_size=1, max_size=300).map(lambda v: np.array(v)),
                 st.lists(st.one_of(st.floats(-2.0**100, 2.0**100, width=32),
                                    st.sampled_from([0.0, 1.0, 2.5])),
                          min_size=1, max_size=300).map(lambda v: np.array(v, np.float32))),
       st.data())
def test_mad_state_four_passes_equal_robstat(a: np.ndarray, data: st.DataObject) -> None:
    before = a.copy()
    m, s = _four_pass_mad(a, data)
    assert a.dtype == before.dtype and np.array_equal(a, before)
    assert m == robstat.median(a)
    assert s.dtype == a.dtype and s.center == m and s.count() == a.size
    for scale in ("normal", 1.0, 0.5):
        want = robstat.mad(a, scale=scale)
        assert s.mad(scale=scale) == want and robstat.mad(a, center=m, scale=scale) == want
    whole = MadState(m, s.deviations.brackets, a, dtype=a.dtype)
    assert whole == s and whole.to_bytes() == s.to_bytes()
    assert MadState.from_bytes(s.to_bytes()) == s and pickle.loads(pickle.dumps(s)) == s


def test_mad_state_large_stream_with_sketch_error() -> None:
    rng = np.random.default_rng(3)
    a = np.concatenate([rng.standard_normal(60000), rng.standard_cauchy(2000), [np.inf, -np.inf]])
    parts = np.array_split(a, 7)
    n, mid = a.size, [(a.size - 1) // 2, a.size // 2]
    sk = QuantileSketch(k=64)
    for p in parts:
        sk.merge(QuantileSketch(p, k=64))
    assert sk.rank_error > 0
    sel = SelectionState(sk.brackets(mid))
    for p in parts:
        sel.update(p)
    m = sel.median()
    dsk = QuantileSketch(k=64)
    for p in parts:
        dsk.update(MadState.deviations_of(p, m))
    s = MadState(m, dsk.brackets(mid))
    for p in parts:
        s.merge(MadState(m, s.deviations.brackets, p))
    assert s.count() == n and m == robstat.median(a) and s.mad() == robstat.mad(a)
    assert sel.counts()[1][0] <= 4 * sk.rank_error + 1  # ranks k - 2e .. k + 2e at most


def test_mad_state_nan_and_errors() -> None:
    x = np.array([0.5, 1.0, 4.0, np.nan, 2.0])
    s = MadState(1.0, [(0.0, 3.0)], x)
    assert s.n_nan == 1 and s.count() == 5 and s.count(nan_policy="omit") == 4
    assert math.isnan(s.mad())
    assert s.mad(nan_policy="omit") == robstat.mad(x, center=1.0, nan_policy="omit")
    with pytest.raises(ValueError, match="nan"):
        s.mad(nan_policy="raise")
    with pytest.raises(ValueError, match="nan"):
        MadState(1.0, [(0.0, 3.0)], x, nan_policy="raise")
    with pytest.raises(ValueError, match="rank"):
        MadState(1.0, [(10.0, 11.0)], x).mad(nan_policy="omit")
    with pytest.raises(ValueError, match="center"):
        MadState(math.inf, [(0.0, 1.0)])
    with pytest.raises(ValueError, match="center"):
        MadState(1e300, [(0.0, 1.0)], dtype=np.float32)
    with pytest.raises(ValueError, match="dtype"):
        MadState(1.0, [(0.0, 1.0)], dtype=np.int64)
    with pytest.raises(ValueError, match="scale"):
        s.mad(scale=-1.0)
    with pytest.raises(TypeError, match="brackets"):
        MadState(1.0, [1.0, 2.0])
    with pytest.raises(ValueError, match="different"):
        s.merge(MadState(1.0, [(0.0, 3.0)], dtype=np.float32))
    with pytest.raises(ValueError, match="different"):
        s.merge(MadState(1.5, [(0.0, 3.0)]))
    with pytest.raises(TypeError, match="MadState"):
        s.merge(SelectionState([(0.0, 3.0)]))  # type: ignore[arg-type]
    assert_damage_rejected(MadState, s.to_bytes())
    assert_damage_rejected(MadState, MadState(2.0, [(0.0, 1.0)], [1.0, 2.5],
                                              dtype=np.float32).to_bytes())
    with pytest.raises(ValueError, match="from_bytes"):
        MadState.from_bytes(SelectionState([(0.0, 3.0)], x).to_bytes())
    sk = QuantileSketch(k=8)
    with pytest.raises(ValueError, match="no value"):
        sk.brackets([0])
    sk.update([1.0, 2.0])
    with pytest.raises(ValueError, match="count"):
        sk.brackets([2])
    with pytest.raises(ValueError, match="ranks"):
        sk.brackets([-1])
    assert sk.brackets(1) == [(2.0, 2.0)] and sk.brackets([1, 0]) == [(1.0, 1.0), (2.0, 2.0)]
    f = np.array([1.0, 3.0])
    assert MadState.deviations_of(f, 2.0).tolist() == [1.0, 1.0] and f.tolist() == [1.0, 3.0]
    assert MadState.deviations_of(f, 2.0, np.float32).dtype == np.float32


@pytest.mark.parametrize("x, trim", [
    # found by the property test below: 2 ulps while robstat rounded the kept sum first
    ([0.0] * 5 + [1.0165286808807826e16, 2.0974423365320447e29, 2.0974423365320447e29,
                  -5.975973348873613e16, -6.076133637669326e16, -6.076128268960206e16], 0.1),
    # the copies of the cut values cancel the kept sum's high part: that gave 0.0
    ([-3e17, -1e17, 5e16] + [1e16] * 19 + [0.375, 1.25, -0.5], 0.05),
])
def test_winsorized_mean_is_one_exact_sum(x: list[float], trim: float) -> None:
    a = np.array(x)
    xs = np.sort(a)
    n, g = a.size, math.floor(trim * a.size)
    wins = [Fraction(v) for v in xs[g:n - g]] + [Fraction(xs[g]), Fraction(xs[n - 1 - g])] * g
    exact = sum(wins, Fraction(0))
    assert float(robstat.winsorized_mean(a, trim)) == float(exact) / n  # rounded, then / n
    whole = SelectionState([(float(xs[g]), float(xs[g])), (float(xs[n - 1 - g]),
                                                            float(xs[n - 1 - g]))], a)
    assert whole.winsorized_mean(trim) == float(exact / n)


@settings(max_examples=120, deadline=None)
@given(st.lists(st.one_of(st.floats(-1e300, 1e300), st.floats(-10, 10),
                          st.sampled_from([0.0, 1.0, 1.5])), min_size=1, max_size=80),
       st.sampled_from([0.0, 0.1, 0.2, 0.25]), st.data())
def test_selection_state_against_robstat_and_fractions(x: list[float], trim: float,
                                                       data: st.DataObject) -> None:
    a = np.array(x)
    xs = np.sort(a)
    n = a.size
    g = math.floor(trim * n)
    ranks = [g, n - 1 - g, (n - 1) // 2, n // 2]
    for q in (0.1, 0.9):
        h = math.floor(q * (n - 1))
        ranks += [h, min(h + 1, n - 1)]
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    br = _brackets_for(xs, ranks, rng)
    whole = SelectionState(br, a)
    parts = np.array_split(a, data.draw(st.integers(1, 8)))
    merged = _merge_tree([SelectionState(br, p) for p in parts], data)
    assert merged == whole and merged.to_bytes() == whole.to_bytes()
    assert whole.median() == robstat.median(a)
    for q in (0.1, 0.9):
        for m in ("linear", "lower", "higher", "midpoint", "nearest"):
            assert whole.quantile(q, method=m) == robstat.quantile(a, q, method=m)
    kept = [Fraction(v) for v in xs[g:n - g]]
    assert whole.trimmed_mean(trim) == float(sum(kept, Fraction(0)) / len(kept))
    wins = kept + [Fraction(xs[g])] * g + [Fraction(xs[n - 1 - g])] * g
    assert whole.winsorized_mean(trim) == float(sum(wins, Fraction(0)) / n)
    for f, ref in ((whole.trimmed_mean, robstat.trimmed_mean),
                   (whole.winsorized_mean, robstat.winsorized_mean)):
        assert ulps(f(trim), float(ref(a, trim))) <= 1
    assert whole.trimmed_mean(0.5) == robstat.median(a)
    assert SelectionState.from_bytes(whole.to_bytes()) == whole
    assert pickle.loads(pickle.dumps(whole)) == whole


def test_selection_state_errors_and_nan() -> None:
    s = SelectionState([(10.0, 11.0)], [1.0, 2.0, 10.5, 20.0, np.nan])
    assert s.counts() == (2, [1], [], 1)
    assert s.order_statistic(2, nan_policy="omit") == 10.5
    assert math.isnan(s.order_statistic(2)) and s.count() == 5
    assert s.covers(2) and not s.covers(1)
    with pytest.raises(ValueError, match="outside every bracket"):
        s.median(nan_policy="omit")
    with pytest.raises(ValueError, match="different brackets"):
        s.merge(SelectionState([(10.0, 12.0)]))
    with pytest.raises(ValueError, match="sorted and disjoint"):
        SelectionState([(0.0, 1.0), (1.0, 2.0)])
    with pytest.raises(ValueError, match="lo <= hi"):
        SelectionState([(2.0, 1.0)])
    with pytest.raises(ValueError, match="trim"):
        s.trimmed_mean(0.6)
    assert_damage_rejected(SelectionState, s.to_bytes(), 0x04)


# ---- HuberStepState -----------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(20, 3000), st.sampled_from([1.0, 1.345, 1.5, 2.0]),
       st.data())
def test_huber_steps_over_split_data_reach_robstat_huber(seed: int, n: int, k: float,
                                                         data: st.DataObject) -> None:
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.standard_normal(n) * 3 + 100, rng.standard_cauchy(n // 10) * 50])
    s = float(robstat.mad(x))
    parts = np.array_split(rng.permutation(x), data.draw(st.integers(1, 8)))
    c = float(np.median(x))
    for _ in range(100):
        merged = _merge_tree([HuberStepState(c, s, k, p) for p in parts], data)
        assert isinstance(merged, HuberStepState)
        assert merged == HuberStepState(c, s, k, x)  # exact: the same state
        nxt = merged.newton_step()
        if nxt == c:
            break
        c = nxt
    want = float(robstat.huber(x, k, scale=s))
    assert abs(c - want) <= 1e-12 * abs(want)
    assert abs(HuberStepState(c, s, k, x).psi_sum()) <= 1e-6 * n


def test_huber_step_is_exact() -> None:
    x = [1.0, 2.0, 3.0, 100.0, -50.0]
    h = HuberStepState(2.0, 1.0, 1.5, x)
    assert h.zone_counts() == (1, 3, 1)
    # (1 + 2 + 3 + 1.5 * (1 - 1)) / 3 = 2, and psi sum (-1 + 0 + 1 + 1.5 - 1.5) = 0
    assert h.newton_step() == 2.0 and h.psi_sum() == 0.0
    exact = (Fraction(0.1) + Fraction(0.2) + Fraction(0.7) + Fraction(1.5) * Fraction(0.3)) / 3
    assert HuberStepState(0.3, 0.3, 1.5, [0.1, 0.2, 0.7, 5.0]).newton_step() == float(exact)
    assert math.isnan(HuberStepState(0.0, 1.0).newton_step())
    assert math.isnan(HuberStepState(0.0, 1.0, 1.5, [np.nan, 0.0]).newton_step())
    with pytest.raises(ValueError, match="scale"):
        HuberStepState(0.0, 0.0)
    with pytest.raises(ValueError, match="different"):
        h.merge(HuberStepState(2.0, 1.0, 1.4))
    assert pickle.loads(pickle.dumps(h)) == h
    assert_damage_rejected(HuberStepState, h.to_bytes())


# ---- update_lanes ---------------------------------------------------------------


def test_update_lanes_equals_one_state_per_lane() -> None:
    rng = np.random.default_rng(8)
    x = rng.standard_normal((7, 5, 11)) * 1e3 + 1e9
    x[2, 3, 4] = np.nan
    for cls in (SumState, MomentsState):
        for axis in (0, 1, 2, -1):
            out = cls.update_lanes(x, axis=axis)
            assert out.shape == tuple(d for i, d in enumerate(x.shape) if i != axis % 3)
            moved = np.moveaxis(x, axis, -1)
            for idx in np.ndindex(out.shape):
                assert out[idx] == cls().update(moved[idx])
        with pytest.raises(ValueError, match="(?i)nan"):
            cls.update_lanes(x, nan_policy="raise")
        with pytest.raises(ValueError, match="out of bounds"):
            cls.update_lanes(x, axis=3)
    assert MomentsState.update_lanes(np.arange(6).reshape(2, 3))[1].mean() == 4.0


def test_new_states_take_any_layout_and_float32() -> None:
    # views (transposed, reversed, strided) and float32 fold in as their values in C order
    # (float32 widened exactly), and the input is left untouched
    rng = np.random.default_rng(8)
    x = rng.standard_normal((30, 40))
    x[3, 4] = np.nan
    makers = (lambda: QuantileSketch(k=8),
              lambda: SelectionState([(-0.5, 0.25), (1.0, 1.5)]),
              lambda: HuberStepState(0.1, 1.2))
    for make in makers:
        for v in (x.T, x[::-1, ::2], x.astype(np.float32), x.astype(np.float32)[:, ::3].T):
            before = v.copy()
            s = make().update(v, nan_policy="omit")
            assert np.array_equal(v, before, equal_nan=True) and v.dtype == before.dtype
            assert s == make().update(v.astype(np.float64).ravel().tolist(), nan_policy="omit")
            # NaN is counted at update; the result's policy decides (docs/streaming.md)
            n_nan = np.count_nonzero(np.isnan(v))
            assert s.count() == v.size and s.count(nan_policy="omit") == v.size - n_nan


@pytest.mark.parametrize("cls", [SumState, MomentsState])
def test_add_copies_equals_repeated_update(cls: type) -> None:
    for v in (1.5, -0.0, 0.0, 1e308, -5e-324, 0.1, math.inf, -math.inf, math.nan):
        for k in (0, 1, 2, 3, 1000, 4097):
            got = cls([2.0, -1.0]).add_copies(v, k)
            want = cls([2.0, -1.0]).update(np.full(k, v))
            assert got == want and got.to_bytes() == want.to_bytes(), (v, k)
    big = cls().add_copies(0.1, 2**40 + 3)  # far more copies than could be materialised
    assert big.count() == 2**40 + 3
    assert big.sum() == float(Fraction(0.1) * (2**40 + 3))
    if cls is MomentsState:
        assert big.mean() == 0.1 and big.var() == 0.0 and big.min() == big.max() == 0.1
    s = cls([1.0])
    with pytest.raises(ValueError, match="count"):
        s.add_copies(1.0, -1)
    with pytest.raises(ValueError, match="count"):
        s.add_copies(1.0, True)
    with pytest.raises(TypeError, match="value"):
        s.add_copies("1", 2)
    with pytest.raises(ValueError, match="nan"):
        s.add_copies(math.nan, 2, nan_policy="raise")
    assert s == cls([1.0])  # unchanged by the rejected calls
