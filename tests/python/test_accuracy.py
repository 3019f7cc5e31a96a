"""Accuracy on ill-conditioned data (issue 8): the NIST StRD univariate
NumAcc series, cancellation, and huge finite magnitudes.

The oracle is exact rational arithmetic (fractions.Fraction) on the doubles
actually stored, so the tests ask for what binary64 allows: the correctly
rounded mean, and the variance to a few ulps. The certified NIST values are
checked too, to the digits the decimal-to-binary rounding of the data leaves.
"""
from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

import numpy as np
import pytest
import robstat


def _numacc(centre: float, step: float, pairs: int) -> np.ndarray:
    # NIST StRD NumAcc2-4: the centre value, then `pairs` alternations of
    # centre - step and centre + step (1001 values; certified mean = centre,
    # certified sample standard deviation = step).
    return np.r_[centre, np.tile([centre - step, centre + step], pairs)]


# (name, data, certified mean, certified sample standard deviation)
NUMACC = [
    ("NumAcc1", np.array([10000001.0, 10000003.0, 10000002.0]), 10000002.0, 1.0),
    ("NumAcc2", _numacc(1.2, 0.1, 500), 1.2, 0.1),
    ("NumAcc3", _numacc(1000000.2, 0.1, 500), 1000000.2, 0.1),
    ("NumAcc4", _numacc(10000000.2, 0.1, 500), 10000000.2, 0.1),
]


def _exact_mean_var(x: np.ndarray, ddof: int) -> tuple[Fraction, Fraction]:
    fx = [Fraction(float(v)) for v in x]
    m = sum(fx) / len(fx)
    return m, sum((v - m) ** 2 for v in fx) / (len(fx) - ddof)


@pytest.mark.parametrize("name,x,cert_mean,cert_sd", NUMACC, ids=[c[0] for c in NUMACC])
def test_numacc_exact_for_the_stored_doubles(name, x, cert_mean, cert_sd):
    m, v = _exact_mean_var(x, 1)
    assert robstat.mean(x) == float(m)  # correctly rounded
    got = robstat.var(x, ddof=1)
    assert abs(got - float(v)) <= 4 * math.ulp(float(v)), (got, float(v))
    # against the certified decimal values: the data's own rounding to binary
    # (half an ulp of the centre) is all that separates them
    assert robstat.mean(x) == pytest.approx(cert_mean, rel=1e-15)
    rel = 4 * math.ulp(cert_mean) / cert_sd
    assert robstat.std(x, ddof=1) == pytest.approx(cert_sd, rel=max(rel, 1e-14))


def test_cancellation():
    x = np.array([1.0, 1e100, 1.0, -1e100])
    assert robstat.mean(x) == 0.5
    assert robstat.median(x) == 1.0
    # float32: the same shape of cancellation within float32's range
    y = np.array([1.0, 1e30, 1.0, -1e30], dtype=np.float32)
    assert robstat.mean(y) == 0.5


@pytest.mark.parametrize("x", [
    [1.7e308, 1.7e308],
    [1e308, 1e308, 1e308],
    [1.7e308, 1.6e308],
    [-1.7e308, 1.7e308, 1.7e308],
    [1.5e154, -1.5e154, 0, 0, 0, 0, 0, 0, 0, 0],
])
def test_huge_finite_values(x):
    a = np.array(x, dtype=np.float64)
    m, v = _exact_mean_var(a, 0)
    assert robstat.mean(a) == pytest.approx(float(m), rel=1e-15)
    mid = sorted(Fraction(float(t)) for t in a)
    n = len(mid)
    med = mid[n // 2] if n % 2 else (mid[n // 2 - 1] + mid[n // 2]) / 2
    assert robstat.median(a) == pytest.approx(float(med), rel=1e-15)
    # the variance never comes out NaN for finite data: the exact value, or inf
    # where it exceeds the largest double
    got = robstat.var(a)
    exact = float(v) if v < Fraction(np.finfo(np.float64).max) else math.inf
    if math.isinf(exact):
        assert got == math.inf
    else:
        assert got == pytest.approx(exact, rel=1e-14)


def test_threads_give_the_serial_results():
    # the GIL is released inside the kernels: many threads at once must give
    # exactly the serial results
    rng = np.random.default_rng(7)
    arrays = [rng.standard_normal(n) for n in (1, 2, 17, 1000, 20001, 300000)]
    arrays.append(rng.standard_normal((64, 513)))
    calls = [
        lambda a: robstat.median(a, axis=-1),
        lambda a: robstat.trimmed_mean(a, 0.1, axis=-1),
        lambda a: robstat.mad(a, axis=-1),
        lambda a: robstat.quantile(a, [0.1, 0.9], axis=-1),
        lambda a: robstat.qn(a, axis=-1),
        lambda a: robstat.robust_zscore(a, axis=-1),
    ]
    jobs = [(f, a) for f in calls for a in arrays] * 4
    serial = [np.asarray(f(a)) for f, a in jobs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(lambda job: np.asarray(job[0](job[1])), jobs))
    for s, t in zip(serial, threaded):
        np.testing.assert_array_equal(s, t)
