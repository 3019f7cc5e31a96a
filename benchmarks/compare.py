#!/usr/bin/env python3
"""Side-by-side benchmark of robstat against its peers, in one run on one machine.

Times every robstat kernel next to the NumPy / SciPy (and, when installed,
Bottleneck / astropy / statsmodels) call that computes the same number, checks
first that both give that number (``np.allclose``), and writes

* ``DIR/benchmarks.md``  -- machine facts, a plain summary, the full tables;
* ``DIR/benchmarks.png`` -- log-scale bar chart of the time per element.

Usage::

    python benchmarks/compare.py                  # sizes 1e4, 1e6, 1e7 -> docs/
    python benchmarks/compare.py --quick --out /tmp/bench   # smoke run, seconds
    python benchmarks/compare.py --sizes 1e5,1e6 --repeat 9

Method: timeit-style best-of-N. For each implementation the loop count is
chosen so that one repeat lasts at least ``--min-time`` seconds, then the
repeats of all implementations of one operation are interleaved (robstat,
peer, peer, robstat, peer, ...) so that a slow phase of the machine hits all
of them alike; the reported time is the minimum over the repeats divided by
the loop count. The garbage collector is off while timing (as in timeit).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import importlib
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import robstat as rs
import scipy
import scipy.stats as ss
from scipy.stats import mstats

SEED = 20240607
OUTLIER_FRACTION = 0.01
OUTLIER_VALUE = 1000.0
TRIM = 0.1
QS = [0.1, 0.5, 0.9]
MAD_SCALE = 1.482602218505602
BATCH_SHAPE = (10_000, 100)
QUICK_BATCH_SHAPE = (1_000, 100)
TIE = 0.05  # |speedup - 1| below this is reported as "on par"


def _optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


bn = _optional("bottleneck")
astropy = _optional("astropy")
astropy_stats = _optional("astropy.stats") if astropy is not None else None
statsmodels = _optional("statsmodels")
sm_scale = _optional("statsmodels.robust.scale") if statsmodels is not None else None

# ---- data --------------------------------------------------------------------------


def make_data(shape: int | tuple[int, ...], seed: int = SEED) -> np.ndarray:
    """float64 standard normal with 1% gross outliers (value 1000) at random places."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    flat = x.reshape(-1)
    k = round(OUTLIER_FRACTION * flat.size)
    flat[rng.choice(flat.size, k, replace=False)] = OUTLIER_VALUE
    return x


# ---- cases -------------------------------------------------------------------------


@dataclass
class Impl:
    label: str  # the call, as a reader would write it
    lib: str  # robstat / numpy / scipy / bottleneck / astropy / statsmodels / R
    fn: Callable[[], Any]
    best: float = math.nan  # seconds per call
    number: int = 1
    external: Callable[[int, float], float] | None = None  # times itself (R): best s/call


def r_available(package: str) -> bool:
    """Whether Rscript runs here and has `package` installed."""
    if shutil.which("Rscript") is None:
        return False
    r = subprocess.run(["Rscript", "-e", f"quit(status = !requireNamespace('{package}', "
                        "quietly = TRUE))"], capture_output=True)
    return r.returncode == 0


def r_impl(label: str, expr: str, x: np.ndarray, package: str) -> Impl:
    """A peer run in R: `expr` is an R expression of the numeric vector `x`
    (or matrix `X` for 2-d data, rows as in NumPy). R times itself (best of
    the repeats of a loop, as here), so process start-up and data transfer are
    not counted."""
    data = np.ascontiguousarray(x, dtype=np.float64)

    def run_r(repeat: int, min_time: float) -> tuple[np.ndarray, float]:
        r_min_time = max(min_time, 0.1)  # >= 100 ticks of R's 1 ms clock
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "x.bin"
            data.tofile(path)
            shape = data.shape
            load = (f"x <- readBin('{path}', 'double', {data.size}); "
                    + (f"X <- matrix(x, nrow = {shape[0]}, byrow = TRUE); "
                       if data.ndim == 2 else ""))
            script = (
                f"suppressMessages(library({package})); {load}"
                f"f <- function() {expr}; res <- f(); "
                # system.time has a 1 ms resolution: loop until a repeat lasts long enough
                f"num <- 1; repeat {{ t <- system.time(for (i in 1:num) f())[['elapsed']]; "
                f"if (t >= {r_min_time}) break; num <- num * 2 }}; "
                f"best <- Inf; for (r in 1:{repeat}) {{ "
                "t <- system.time(for (i in 1:num) f())[['elapsed']] / num; "
                "best <- min(best, t) }; "
                "cat(best, '\\n'); cat(format(as.numeric(res), digits = 17), sep = '\\n')")
            out = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True,
                                 check=True).stdout.split()
        vals = np.array([float(v) for v in out[1:]])
        return (vals if data.ndim == 2 else vals.reshape(())), float(out[0])

    cache: dict[str, Any] = {}

    def fn() -> np.ndarray:
        if "res" not in cache:
            cache["res"], _ = run_r(1, 0.0)
        return cache["res"]

    def external(repeat: int, min_time: float) -> float:
        cache["res"], best = run_r(repeat, min_time)
        return best

    return Impl(label, "R", fn, external=external)


@dataclass
class Case:
    group: str  # "median", "trimmed mean 10%", ...
    dtype: str  # "float64" / "float32"
    n: int  # elements processed (rows * cols for 2-d)
    size_label: str  # "1e6", "10000x100 axis=1"
    impls: list[Impl]
    rtol: float = 1e-9
    atol: float = 1e-12
    is_floor: bool = False
    floor: Case | None = field(default=None, repr=False)

    @property
    def robstat(self) -> Impl | None:
        return next((i for i in self.impls if i.lib == "robstat"), None)

    @property
    def peers(self) -> list[Impl]:
        return [i for i in self.impls if i.lib != "robstat"]


def _result(v: Any) -> np.ndarray:
    """A result as a plain ndarray (masked arrays from mstats lose their mask)."""
    return np.asarray(np.ma.getdata(v), dtype=np.float64)


def one_d_cases(n: int) -> list[Case]:
    x = make_data(n)
    x32 = x.astype(np.float32)
    lab = f"1e{round(math.log10(n))}" if n == 10 ** round(math.log10(n)) else str(n)
    g = math.floor(TRIM * n)
    q_lo, q_hi = g / (n - 1), (n - g - 1) / (n - 1)  # exact order statistics x(g), x(n-g-1)

    def zscore_recipe() -> np.ndarray:
        med = np.median(x)
        return (x - med) / (MAD_SCALE * np.median(np.abs(x - med)))

    def winsor_recipe() -> np.ndarray:
        lo, hi = np.quantile(x, [q_lo, q_hi], method="nearest")
        return np.clip(x, lo, hi)

    def C(group: str, impls: list[Impl], dtype: str = "float64", **kw: Any) -> Case:
        if dtype == "float32":
            kw.setdefault("rtol", 1e-4)
            kw.setdefault("atol", 1e-6)
        return Case(group, dtype, n, lab, impls, **kw)

    floor64 = C("floor: np.sum", [Impl("np.sum(x)", "numpy", lambda: np.sum(x))], is_floor=True)
    floor32 = C("floor: np.sum", [Impl("np.sum(x)", "numpy", lambda: np.sum(x32))],
                dtype="float32", is_floor=True)

    median = [Impl("robstat.median", "robstat", lambda: rs.median(x)),
              Impl("np.median", "numpy", lambda: np.median(x))]
    median32 = [Impl("robstat.median", "robstat", lambda: rs.median(x32)),
                Impl("np.median", "numpy", lambda: np.median(x32))]
    if bn is not None:
        median.append(Impl("bottleneck.median", "bottleneck", lambda: bn.median(x)))
        median32.append(Impl("bottleneck.median", "bottleneck", lambda: bn.median(x32)))

    mad = [Impl("robstat.mad", "robstat", lambda: rs.mad(x)),
           Impl('scipy.stats.median_abs_deviation(scale="normal")', "scipy",
                lambda: ss.median_abs_deviation(x, scale="normal"))]
    if astropy_stats is not None:
        mad.append(Impl("astropy.stats.mad_std", "astropy", lambda: astropy_stats.mad_std(x)))
    if sm_scale is not None:
        mad.append(Impl("statsmodels.robust.scale.mad", "statsmodels", lambda: sm_scale.mad(x)))

    cases = [
        floor64,
        C("mean", [Impl("robstat.mean", "robstat", lambda: rs.mean(x)),
                   Impl("np.mean", "numpy", lambda: np.mean(x))]),
        C("median", median),
        C("trimmed mean 10%", [
            Impl("robstat.trimmed_mean(x, 0.1)", "robstat", lambda: rs.trimmed_mean(x, TRIM)),
            Impl("scipy.stats.trim_mean(x, 0.1)", "scipy", lambda: ss.trim_mean(x, TRIM))]),
        C("winsorize 10%", [
            Impl("robstat.winsorize(x, 0.1)", "robstat", lambda: rs.winsorize(x, TRIM)),
            Impl("scipy.stats.mstats.winsorize(x, (0.1, 0.1))", "scipy",
                 lambda: mstats.winsorize(x, (TRIM, TRIM))),
            Impl("np.quantile + np.clip", "numpy", winsor_recipe)]),
        C("MAD (normal scale)", mad),
        C("IQR", [Impl("robstat.iqr", "robstat", lambda: rs.iqr(x)),
                  Impl("scipy.stats.iqr", "scipy", lambda: ss.iqr(x))]),
        C("quantile [0.1, 0.5, 0.9]", [
            Impl("robstat.quantile", "robstat", lambda: rs.quantile(x, QS)),
            Impl("np.quantile", "numpy", lambda: np.quantile(x, QS))]),
        C("robust z-score", [
            Impl("robstat.robust_zscore", "robstat", lambda: rs.robust_zscore(x)),
            Impl("numpy recipe (median, MAD)", "numpy", zscore_recipe)]),
        floor32,
        C("median", median32, dtype="float32"),
        C("trimmed mean 10%", [
            Impl("robstat.trimmed_mean(x, 0.1)", "robstat", lambda: rs.trimmed_mean(x32, TRIM)),
            Impl("scipy.stats.trim_mean(x, 0.1)", "scipy", lambda: ss.trim_mean(x32, TRIM))],
          dtype="float32"),
    ]
    def trim_recipe() -> float:  # what aggregate does, by hand: the cuts, the labels, the mean
        lo, hi = np.quantile(x, [q_lo, q_hi], method="nearest")
        labels = (x > hi).astype(np.int8) - (x < lo)
        assert labels.dtype == np.int8
        return ss.trim_mean(x, TRIM)

    cases.append(C("aggregate (trim 10%)", [
        Impl("robstat.aggregate(x).center", "robstat", lambda: rs.aggregate(x).center),
        Impl("np.quantile + labels + scipy.stats.trim_mean", "scipy", trim_recipe)]))
    if n <= ROBUST_MAX_N:
        cases += robust_cases(x, C)
    for c in cases:
        c.floor = floor32 if c.dtype == "float32" else floor64
    return cases


# distribution fits: robstat.fit against scipy.stats.<family>.fit on the family's own data
# (SciPy with floc=0 where robstat fixes loc); 1e6 only where SciPy takes < ~2 s
FIT_FAMILIES = [  # (robstat name, scipy distribution, fixed loc for SciPy, at 1e6)
    ("normal", ss.norm(1, 2), False, True),
    ("lognormal", ss.lognorm(0.5, 0, 2), True, True),
    ("exponential", ss.expon(0, 2), False, True),
    ("gamma", ss.gamma(2.5, 0, 2), True, True),
    ("weibull", ss.weibull_min(1.7, 0, 2), True, True),
    ("t", ss.t(5, 1, 2), False, False),
    ("laplace", ss.laplace(1, 2), False, True),
    ("logistic", ss.logistic(1, 2), False, True),
    ("cauchy", ss.cauchy(1, 2), False, False),
    ("genpareto", ss.genpareto(0.2, 0, 2), True, False),
]


def fit_cases(n: int) -> list[Case]:
    lab = f"1e{round(math.log10(n))} (fits)"
    rng = np.random.default_rng(SEED + 2)
    cases: list[Case] = []
    floor_x = rng.normal(size=n)
    floor = Case("floor: np.sum", "float64", n, lab,
                 [Impl("np.sum(x)", "numpy", lambda: np.sum(floor_x))], is_floor=True)
    floor.floor = floor
    cases.append(floor)
    for name, dist, floc, big in FIT_FAMILIES:
        if n > 10**4 and not big:
            continue
        x = np.asarray(dist.rvs(size=n, random_state=rng))
        sdist = getattr(ss, dist.dist.name)
        kw = {"floc": 0.0} if floc else {}
        # both return the parameters in SciPy's order; SciPy's optimizers stop at ~1e-5
        cases.append(Case(f"fit {name}", "float64", n, lab, [
            Impl(f"robstat.fit(x, {name!r})", "robstat",
                 lambda x=x, name=name: np.array(list(rs.fit(x, name).params.values()))),
            Impl(f"scipy.stats.{dist.dist.name}.fit" + ("(floc=0)" if floc else ""), "scipy",
                 lambda x=x, sdist=sdist, kw=kw: np.array(sdist.fit(x, **kw)))],
            rtol=2e-3, atol=2e-3, floor=floor))
    return cases


CENSORED_FITS = 10**4  # values, 30% right-censored (issue 5's censored fits)
QUICK_CENSORED_FITS = 10**3


def censored_fit_cases(n: int) -> list[Case]:
    """Fits to right-censored samples (30% censored at a random follow-up time, as in a
    survival study): robstat.fit(x, family, right=...) against SciPy's fit of the same
    scipy.stats.CensoredData (a generic optimiser; floc=0 where robstat fixes loc)."""
    lab = f"1e{round(math.log10(n))} (censored fits)"
    rng = np.random.default_rng(SEED + 4)
    floor_x = rng.normal(size=n)
    floor = Case("floor: np.sum", "float64", n, lab,
                 [Impl("np.sum(x)", "numpy", lambda: np.sum(floor_x))], is_floor=True)
    floor.floor = floor
    cases = [floor]
    for name, dist, floc in (("weibull", ss.weibull_min(1.7, 0, 2), True),
                             ("lognormal", ss.lognorm(0.5, 0, 2), True),
                             ("normal", ss.norm(1, 2), False)):
        t = np.asarray(dist.rvs(size=n, random_state=rng))
        # follow-up times: censor 30% of the values at a uniform fraction of themselves
        cens = rng.random(n) < 0.3
        seen = t[~cens]
        right = t[cens] * rng.uniform(0.3, 1.0, size=int(cens.sum()))
        data = ss.CensoredData(uncensored=seen, right=right)
        sdist = getattr(ss, dist.dist.name)
        kw = {"floc": 0.0} if floc else {}
        cases.append(Case(f"fit {name}, 30% right-censored", "float64", n, lab, [
            Impl(f"robstat.fit(x, {name!r}, right=r)", "robstat",
                 lambda seen=seen, right=right, name=name: np.array(
                     list(rs.fit(seen, name, right=right).params.values()))),
            Impl(f"scipy.stats.{dist.dist.name}.fit(CensoredData"
                 + (", floc=0)" if floc else ")"), "scipy",
                 lambda data=data, sdist=sdist, kw=kw: np.array(sdist.fit(data, **kw)))],
            rtol=2e-3, atol=2e-3, floor=floor))
    return cases


BATCHED_FITS = (10**4, 10**3)  # samples, values each (issue 5's batched fits)
QUICK_BATCHED_FITS = (200, 10**3)
SCIPY_FIT_SAMPLES = 100  # SciPy's loop is timed on the first 100 samples (~ms a fit)


def batched_fit_cases(m: int, n: int) -> list[list[Case]]:
    """One family fitted to every row of an m x n array: robstat's batched fit (all
    cores) against a Python loop of robstat.fit; and, as a second section, against a
    loop of SciPy's fit on the first SCIPY_FIT_SAMPLES rows (a full SciPy loop would take
    minutes). Each section has the floor of its own data size."""
    k = min(m, SCIPY_FIT_SAMPLES)
    labs = (f"{m}x{n} (batched fits)", f"{k}x{n} (batched fits, vs SciPy)")
    rng = np.random.default_rng(SEED + 3)
    floor_x = rng.normal(size=m * n)
    floors = []
    for lab, size in zip(labs, (m * n, k * n)):
        f = Case("floor: np.sum", "float64", size, lab,
                 [Impl("np.sum(x)", "numpy", lambda v=floor_x[:size]: np.sum(v))],
                 is_floor=True)
        f.floor = f
        floors.append(f)
    every, head_cases = [floors[0]], [floors[1]]
    for name, dist, floc in (("gamma", ss.gamma(2.5, 0, 2), True), ("t", ss.t(5, 1, 2), False)):
        x = np.asarray(dist.rvs(size=(m, n), random_state=rng))
        head = x[:k]
        sdist = getattr(ss, dist.dist.name)
        kw = {"floc": 0.0} if floc else {}

        def batch(v: np.ndarray, name: str = name) -> np.ndarray:
            b = rs.fit(v, name, axis=1, workers=-1)
            return np.stack(list(b.params.values()), axis=1)

        def loop(v: np.ndarray, name: str = name) -> np.ndarray:
            return np.array([list(rs.fit(r, name).params.values()) for r in v])

        every.append(Case(f"fit {name}, every row", "float64", m * n, labs[0], [
            Impl(f"robstat.fit(x, {name!r}, axis=1, workers=-1)", "robstat",
                 lambda x=x, batch=batch: batch(x)),
            Impl(f"for row in x: robstat.fit(row, {name!r})", "python loop",
                 lambda x=x, loop=loop: loop(x))], floor=floors[0]))
        head_cases.append(Case(f"fit {name}, every row", "float64", head.size, labs[1], [
            Impl(f"robstat.fit(x, {name!r}, axis=1, workers=-1)", "robstat",
                 lambda head=head, batch=batch: batch(head)),
            Impl(f"for row in x: scipy.stats.{dist.dist.name}.fit(row"
                 + (", floc=0)" if floc else ")"), "scipy",
                 lambda head=head, sdist=sdist, kw=kw: np.array([sdist.fit(r, **kw)
                                                                 for r in head]))],
            rtol=2e-3, atol=2e-3, floor=floors[1]))
    return [every, head_cases]


ROLLING = (10**6, 101)  # values, window (issue 7's comparison)
QUICK_ROLLING = (10**4, 101)
SLIDING_BLOCK = 2**16  # windows a block in the sliding_window_view baselines (~50 MB a block)


def sliding(fn: Callable[[np.ndarray], np.ndarray], x: np.ndarray, window: int) -> np.ndarray:
    """`fn` of every full trailing window (rows of np.lib.stride_tricks.sliding_window_view),
    NaN before the first one (min_periods = window, as robstat's and pandas' default); in
    blocks of SLIDING_BLOCK windows, so the temporaries stay small."""
    out = np.full(x.size, np.nan)
    w = np.lib.stride_tricks.sliding_window_view(x, window)
    for i in range(0, len(w), SLIDING_BLOCK):
        b = w[i:i + SLIDING_BLOCK]
        out[window - 1 + i:window - 1 + i + len(b)] = fn(b)
    return out


def rolling_cases(n: int, window: int) -> list[Case]:
    """Moving-window statistics (trailing windows, min_periods = window) against bottleneck
    and pandas. MAD and the trimmed mean have neither a bottleneck nor a pandas kernel (pandas
    rolling().apply(raw=True) calls Python once a window: about 10 s a call on 1e6), so their
    peer is the vectorised NumPy baseline on sliding_window_view: np.median twice (MAD) or
    np.partition at the two cut ranks and the mean of the middle (trimmed mean), per block."""
    x = make_data(n)
    lab = f"1e{round(math.log10(n))} window {window}"
    g = math.floor(TRIM * window)
    floor = Case("floor: np.sum", "float64", n, lab,
                 [Impl("np.sum(x)", "numpy", lambda: np.sum(x))], is_floor=True)
    floor.floor = floor
    median = [Impl(f"robstat.rolling_median(x, {window})", "robstat",
                   lambda: rs.rolling_median(x, window))]
    if bn is not None:
        median.append(Impl(f"bottleneck.move_median(x, {window})", "bottleneck",
                           lambda: bn.move_median(x, window)))
    pd = _optional("pandas")
    if pd is not None:
        ser = pd.Series(x)
        median.append(Impl(f"pandas rolling({window}).median()", "pandas",
                           lambda: ser.rolling(window).median().to_numpy()))

    def mad_blocks(b: np.ndarray) -> np.ndarray:
        m = np.median(b, axis=1)
        return MAD_SCALE * np.median(np.abs(b - m[:, None]), axis=1)

    def trimmed_blocks(b: np.ndarray) -> np.ndarray:
        return np.partition(b, (g, window - g - 1), axis=1)[:, g:window - g].mean(axis=1)

    cases = [floor, Case("rolling median", "float64", n, lab, median, floor=floor),
             Case("rolling MAD", "float64", n, lab, [
                 Impl(f"robstat.rolling_mad(x, {window})", "robstat",
                      lambda: rs.rolling_mad(x, window)),
                 Impl("sliding_window_view + np.median (twice)", "numpy",
                      lambda: sliding(mad_blocks, x, window))], floor=floor),
             Case("rolling trimmed mean 10%", "float64", n, lab, [
                 Impl(f"robstat.rolling_trimmed_mean(x, {window}, 0.1)", "robstat",
                      lambda: rs.rolling_trimmed_mean(x, window, TRIM)),
                 Impl("sliding_window_view + np.partition + mean", "numpy",
                      lambda: sliding(trimmed_blocks, x, window))], floor=floor)]
    return cases


STREAM = 10**6  # values folded into one state (issue 7: the cost of update a value)
QUICK_STREAM = 10**4


def stream_cases(n: int) -> list[Case]:
    """robstat.stream states: one update() over the whole array, then the result, against
    the one-machine calls that give the same numbers. math.fsum is the exact peer of
    SumState (both correctly rounded: equal bit for bit); np.mean and np.var are not exact
    (nor mergeable), so they are a speed reference only. × floor is the ratio to np.sum."""
    from robstat.stream import MomentsState, SumState

    x = make_data(n)
    lab = f"1e{round(math.log10(n))} (stream states)"
    floor = Case("floor: np.sum", "float64", n, lab,
                 [Impl("np.sum(x)", "numpy", lambda: np.sum(x))], is_floor=True)
    floor.floor = floor

    def moments() -> np.ndarray:
        s = MomentsState().update(x)
        return np.array([s.mean(), s.var()])

    cases = [floor,
             Case("SumState update + sum", "float64", n, lab, [
                 Impl("SumState().update(x).sum()", "robstat", lambda: SumState().update(x).sum()),
                 Impl("math.fsum(x)", "python", lambda: math.fsum(x))],
                  rtol=0.0, atol=0.0, floor=floor),
             Case("MomentsState update + mean, var", "float64", n, lab, [
                 Impl("MomentsState().update(x): mean(), var()", "robstat", moments),
                 Impl("np.mean(x), np.var(x)", "numpy",
                      lambda: np.array([np.mean(x), np.var(x)]))], floor=floor)]
    return cases


GROUPED = (10**7, 10**5)  # values, groups (issue 6's comparison)
QUICK_GROUPED = (10**5, 10**3)


def grouped_cases(n: int, n_groups: int) -> list[Case]:
    """aggregate by group against pandas groupby().apply(scipy.stats.trim_mean)."""
    x = make_data(n)
    g = np.random.default_rng(SEED + 1).integers(0, n_groups, n)
    lab = f"{n:.0e} in {n_groups:.0e} groups".replace("e+0", "e")
    floor = Case("floor: np.sum", "float64", n, lab,
                 [Impl("np.sum(x)", "numpy", lambda: np.sum(x))], is_floor=True)
    impls = [Impl("robstat.aggregate(x, groups=g).center", "robstat",
                  lambda: rs.aggregate(x, groups=g).center)]
    pd = _optional("pandas")
    if pd is not None:
        frame = pd.DataFrame({"x": x, "g": g})
        impls.append(Impl("pandas groupby('g').x.apply(scipy.stats.trim_mean)", "pandas",
                          lambda: frame.groupby("g")["x"].apply(
                              lambda v: ss.trim_mean(v.to_numpy(), TRIM)).to_numpy()))
    case = Case("grouped aggregate (trim 10%)", "float64", n, lab, impls, floor=floor)
    floor.floor = floor
    return [floor, case]


ROBUST_MAX_N = 10**6  # the estimators below are O(n log n) or iterative, some peers O(n^2)
PEER_MAX_N = {"statsmodels medcouple": 10**5, "R mc": 10**5}


def robust_cases(x: np.ndarray, C: Callable[..., Case]) -> list[Case]:
    """The robust estimators of issue 4 against R (robustbase, when Rscript has
    it), astropy, statsmodels and NumPy, on the same data as the other cases."""
    n = x.size
    r_ok = r_available("robustbase")
    cs: list[Case] = []

    qn = [Impl("robstat.qn", "robstat", lambda: rs.qn(x))]
    sn = [Impl("robstat.sn", "robstat", lambda: rs.sn(x))]
    if r_ok:
        qn.append(r_impl("robustbase::Qn", "robustbase::Qn(x)", x, "robustbase"))
        sn.append(r_impl("robustbase::Sn", "robustbase::Sn(x)", x, "robustbase"))
    # robustbase's Qn may return a trial value rounded to float (docs/pairwise.md)
    cs += [C("Qn", qn, rtol=1e-6), C("Sn", sn)]

    mc = [Impl("robstat.medcouple", "robstat", lambda: rs.medcouple(x))]
    if statsmodels is not None and n <= PEER_MAX_N["statsmodels medcouple"]:
        from statsmodels.stats.stattools import medcouple as sm_medcouple
        mc.append(Impl("statsmodels medcouple", "statsmodels", lambda: sm_medcouple(x)))
    if r_ok and n <= PEER_MAX_N["R mc"]:
        mc.append(r_impl("robustbase::mc(doReflect = TRUE)", "robustbase::mc(x, doReflect = TRUE)",
                         x, "robustbase"))
    cs.append(C("medcouple", mc))

    s = float(rs.mad(x))
    hub = [Impl("robstat.huber(x, scale=s)", "robstat", lambda: rs.huber(x, scale=s))]
    if r_ok:  # huberM iterates until its step is below tol * s (default tol 1e-6)
        hub.append(r_impl("robustbase::huberM(x, s = s)",
                          f"robustbase::huberM(x, k = 1.5, s = {s!r})$mu", x, "robustbase"))
    cs.append(C("Huber location", hub, rtol=0.0, atol=1e-5 * s))

    bw = [Impl("robstat.biweight_location", "robstat", lambda: rs.biweight_location(x))]
    if astropy_stats is not None:
        bw.append(Impl("astropy.stats.biweight_location", "astropy",
                       lambda: astropy_stats.biweight_location(x)))
    cs.append(C("biweight location", bw))

    def clip_robstat() -> np.ndarray:
        r = rs.sigma_clip(x, 3.0, 3.0)
        return np.array([r.lower, r.upper])

    clip = [Impl("robstat.sigma_clip", "robstat", clip_robstat)]
    if astropy_stats is not None:
        def clip_astropy() -> np.ndarray:
            _, lo, hi = astropy_stats.sigma_clip(x, sigma=3.0, maxiters=None, cenfunc="median",
                                                 stdfunc="mad_std", return_bounds=True)
            return np.array([lo, hi])
        clip.append(Impl("astropy sigma_clip(mad_std)", "astropy", clip_astropy))
    cs.append(C("sigma clip (median, mad_std)", clip))

    w = np.random.default_rng(SEED + 1).integers(1, 5, n).astype(np.float64)
    cs.append(C("weighted median", [
        Impl('robstat.quantile(x, 0.5, weights=w, method="lower")', "robstat",
             lambda: rs.quantile(x, 0.5, weights=w, method="lower")),
        Impl('np.quantile(x, 0.5, weights=w, method="inverted_cdf")', "numpy",
             lambda: np.quantile(x, 0.5, weights=w, method="inverted_cdf"))]))
    return cs


def batched_cases(shape: tuple[int, int]) -> list[Case]:
    X = make_data(shape)
    n = X.size
    lab = f"{shape[0]}x{shape[1]} axis=1"
    floor = Case("floor: np.sum", "float64", n, lab,
                 [Impl("np.sum(X, axis=1)", "numpy", lambda: np.sum(X, axis=1))], is_floor=True)
    median = [Impl("robstat.median(axis=1)", "robstat", lambda: rs.median(X, axis=1)),
              Impl("np.median(axis=1)", "numpy", lambda: np.median(X, axis=1))]
    if bn is not None:
        median.append(Impl("bottleneck.median(axis=1)", "bottleneck",
                           lambda: bn.median(X, axis=1)))
    cases = [
        floor,
        Case("trimmed mean 10%", "float64", n, lab, [
            Impl("robstat.trimmed_mean(axis=1)", "robstat",
                 lambda: rs.trimmed_mean(X, TRIM, axis=1)),
            Impl("scipy.stats.trim_mean(axis=1)", "scipy",
                 lambda: ss.trim_mean(X, TRIM, axis=1))]),
        Case("median", "float64", n, lab, median),
    ]
    # Qn along axis 1: statsmodels uses the exact constant 1 / (sqrt(2) Phi^-1(5/8)), not
    # robustbase's rounded 2.21914, and no finite-sample factor (a numeric scale has none)
    qn_exact = 1.0 / (math.sqrt(2.0) * float(ss.norm.ppf(0.625)))
    qn = [Impl("robstat.qn(axis=1, scale=exact constant)", "robstat",
               lambda: rs.qn(X, axis=1, scale=qn_exact))]
    if sm_scale is not None:
        qn.append(Impl("statsmodels qn_scale(axis=1)", "statsmodels",
                       lambda: sm_scale.qn_scale(X, axis=1)))
    cases.append(Case("Qn", "float64", n, lab, qn))
    for c in cases:
        c.floor = floor
    return cases


# ---- checking and timing -----------------------------------------------------------


def check_agreement(case: Case) -> None:
    """Every peer must return robstat's numbers before anything is timed."""
    ref_impl = case.robstat or case.impls[0]
    ref = _result(ref_impl.fn())
    for p in case.impls:
        if p is ref_impl:
            continue
        got = _result(p.fn())
        if got.shape != ref.shape or not np.allclose(ref, got, rtol=case.rtol, atol=case.atol,
                                                     equal_nan=True):
            err = np.max(np.abs(ref - got)) if got.shape == ref.shape else "shape"
            raise AssertionError(
                f"{case.group} ({case.dtype}, {case.size_label}): {p.label} disagrees with "
                f"{ref_impl.label} (max abs diff {err})")


def _time_loop(fn: Callable[[], Any], number: int) -> float:
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    return time.perf_counter() - t0


def time_case(case: Case, repeat: int, min_time: float) -> None:
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for impl in case.impls:  # external peers (R) time themselves
            if impl.external is not None:
                impl.best = impl.external(repeat, min_time)
        local = [i for i in case.impls if i.external is None]
        for impl in local:  # calibrate (also a warm-up)
            t = _time_loop(impl.fn, 1)
            impl.number = max(1, math.ceil(min_time / max(t, 1e-9))) if t < min_time else 1
        best = {id(i): math.inf for i in local}
        for _ in range(repeat):
            for impl in local:
                best[id(impl)] = min(best[id(impl)],
                                     _time_loop(impl.fn, impl.number) / impl.number)
        for impl in local:
            impl.best = best[id(impl)]
    finally:
        if gc_was_enabled:
            gc.enable()


# ---- machine facts -----------------------------------------------------------------


def machine_facts() -> dict[str, str]:
    model, family, cpu_model, flags = "unknown", "", "", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, val = line.partition(":")
                key, val = key.strip(), val.strip()
                if key == "model name" and model == "unknown":
                    model = val
                elif key == "cpu family" and not family:
                    family = val
                elif key == "model" and not cpu_model:
                    cpu_model = val
                elif key == "flags" and not flags:
                    flags = set(val.split())
    except OSError:
        pass
    isa = [f for f in ("sse2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl")
           if f in flags]
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    versions = [f"robstat {rs.__version__}", f"numpy {np.__version__}",
                f"scipy {scipy.__version__}"]
    for mod, name in ((bn, "bottleneck"), (astropy, "astropy"), (statsmodels, "statsmodels")):
        versions.append(f"{name} {mod.__version__}" if mod is not None else f"{name} not installed")
    try:
        from numpy._core import _multiarray_umath as _mu  # numpy >= 2

        np_simd = (f"baseline {' '.join(_mu.__cpu_baseline__)}; dispatch targets usable here: "
                   + (" ".join(t for t in _mu.__cpu_dispatch__ if _mu.__cpu_features__.get(t))
                      or "none"))
    except (ImportError, AttributeError):
        np_simd = "unknown"
    return {
        "CPU": model + (f" (cpu family {family}, model {cpu_model})" if family else ""),
        "cores": f"{os.cpu_count()} logical CPUs, {usable} usable by this process",
        "ISA extensions reported by the CPU": " ".join(isa) or "unknown",
        "robstat.simd_arch()": rs.simd_arch(),
        "NumPy SIMD": np_simd,
        "versions": ", ".join(versions),
        "Python": f"{platform.python_version()} ({platform.python_implementation()}), "
                  f"{platform.system()} {platform.release()} {platform.machine()}",
        "date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    }


# ---- formatting --------------------------------------------------------------------


def fmt_time(s: float) -> str:
    if s < 1e-3:
        return f"{s * 1e6:.1f} µs"
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.2f} s"


def fmt_ns(s: float, n: int) -> str:
    v = s / n * 1e9
    return f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:.0f}"


def fmt_x(r: float) -> str:
    return f"{r:.2f}×" if r < 10 else f"{r:.1f}×" if r < 100 else f"{r:.0f}×"


def verdict(speedup: float) -> str:
    if speedup >= 1 + TIE:
        return f"robstat {fmt_x(speedup)} faster"
    if speedup <= 1 - TIE:
        return f"robstat {fmt_x(1 / speedup)} slower"
    return f"on par ({fmt_x(speedup)})"


def results_table(cases: list[Case]) -> list[str]:
    out = [("| operation | dtype | implementation | time | ns / element | × floor | "
           "speedup of robstat (peer / robstat) |"),
           "|---|---|---|---:|---:|---:|---|"]
    for c in cases:
        r = c.robstat
        for i in c.impls:
            ratio = i.best / c.floor.impls[0].best
            if i.lib == "robstat" or r is None:
                sp = "—"
            else:
                s = i.best / r.best
                sp = f"**{fmt_x(s)}**" + (" (robstat slower)" if s <= 1 - TIE else "")
            name = f"**{i.label}**" if i.lib == "robstat" else i.label
            out.append(f"| {c.group} | {c.dtype} | {name} | {fmt_time(i.best)} | "
                       f"{fmt_ns(i.best, c.n)} | {fmt_x(ratio)} | {sp} |")
    return out


def _key(c: Case) -> str:
    return c.group + ("" if c.dtype == "float64" else f" ({c.dtype})")


def _col(size: str) -> str:
    return size if "axis" in size else f"n = {size}"


def summary(by_size: dict[str, list[Case]]) -> list[str]:
    sizes = list(by_size)
    L: list[str] = []
    # 1. distance to the floor
    L += ["### How close robstat gets to the floor",
          "",
          ("Time of each robstat kernel divided by the time of `np.sum` over the same data "
          "(same dtype, same size): 1× would be one SIMD pass over the data."),
          "",
          "| robstat kernel | " + " | ".join(_col(s) for s in sizes) + " |",
          "|---|" + "---:|" * len(sizes)]
    keys: list[str] = []
    for cs in by_size.values():
        for c in cs:
            if c.robstat is not None and _key(c) not in keys:
                keys.append(_key(c))
    for k in keys:
        cells = []
        for s in sizes:
            c = next((c for c in by_size[s] if _key(c) == k and c.robstat is not None), None)
            cells.append(fmt_x(c.robstat.best / c.floor.impls[0].best) if c else "")
        label = next(c.robstat.label for cs in by_size.values() for c in cs
                     if _key(c) == k and c.robstat is not None)
        L.append(f"| {k}: `{label}` | " + " | ".join(cells) + " |")
    L.append("")
    sel = [(s, c) for s in sizes for c in by_size[s]
           if c.robstat is not None and c.group != "mean" and c.dtype == "float64"]
    if sel:
        for s in sizes:
            rat = [c.robstat.best / c.floor.impls[0].best for ss_, c in sel if ss_ == s]
            if rat:
                L.append(f"- {_col(s)}: the float64 selection-based kernels take "
                         f"{fmt_x(min(rat))} to {fmt_x(max(rat))} the time of `np.sum`.")
        means = [(s, c) for s in sizes for c in by_size[s]
                 if c.group == "mean" and c.robstat is not None]
        if means:
            L.append("- `robstat.mean` (compensated sum) takes " + ", ".join(
                f"{fmt_x(c.robstat.best / c.floor.impls[0].best)} at n = {s}"
                for s, c in means) + " the time of `np.sum`.")
    L.append("")
    # 2. wins and losses
    L += ["### Against each peer",
          "",
          ("Speedup = peer time / robstat time (above 1: robstat is faster). "
          f"Within ±{TIE:.0%} is called *on par*; that threshold is a convention of this "
          "report, not a measured noise level."),
          "",
          "| operation | peer | " + " | ".join(_col(s) for s in sizes) + " |",
          "|---|---|" + "---|" * len(sizes)]
    rows: dict[tuple[str, str], dict[str, float]] = {}
    for s in sizes:
        for c in by_size[s]:
            if c.robstat is None:
                continue
            for p in c.peers:
                rows.setdefault((_key(c), p.label), {})[s] = p.best / c.robstat.best
    for (k, peer), d in rows.items():
        L.append(f"| {k} | {peer} | " + " | ".join(
            verdict(d[s]) if s in d else "" for s in sizes) + " |")
    L.append("")
    losses = [(k, peer, s, v) for (k, peer), d in rows.items() for s, v in d.items()
              if v <= 1 - TIE]
    wins = [(k, peer, s, v) for (k, peer), d in rows.items() for s, v in d.items()
            if v >= 1 + TIE]
    if losses:
        L.append("**Where robstat loses** (slower by more than 5%):")
        L.append("")
        for k, peer, s, v in losses:
            L.append(f"- {k}, {_col(s)}: {peer} is {fmt_x(1 / v)} as fast as robstat "
                     f"(robstat takes {(1 / v - 1):.0%} longer).")
    else:
        L.append("**robstat lost to no peer by more than 5% in this run.**")
    L.append("")
    L.append(f"robstat is faster by more than 5% in {len(wins)} of "
             f"{sum(len(d) for d in rows.values())} comparisons and slower in {len(losses)}.")
    L.append("")
    # 3. SciPy at each size
    L += ["### Against SciPy", ""]
    for s in sizes:
        sc = [(k, peer, d[s]) for (k, peer), d in rows.items()
              if s in d and peer.startswith("scipy")]
        if not sc:
            continue
        worst = min(sc, key=lambda t: t[2])
        slower = [t for t in sc if t[2] < 1]
        if slower:
            msg = "; ".join(f"{k} vs `{peer}` {fmt_x(1 / v)} slower ({(1 / v - 1):.0%})"
                            for k, peer, v in slower)
            L.append(f"- {_col(s)}: robstat is slower than SciPy in {len(slower)} of {len(sc)} "
                     f"comparisons: {msg}.")
        else:
            allc = f"all {len(sc)} comparisons" if len(sc) > 1 else "its one comparison"
            L.append(f"- {_col(s)}: robstat is faster than SciPy in {allc} "
                     f"(smallest speedup {fmt_x(worst[2])}, {worst[0]}"
                     + (", within the ±5% *on par* band" if worst[2] < 1 + TIE else "") + ").")
    L.append("")
    return L


# ---- plot --------------------------------------------------------------------------

COLORS = {"robstat": "#d62728", "numpy": "#1f77b4", "scipy": "#2ca02c",
          "bottleneck": "#9467bd", "astropy": "#ff7f0e", "statsmodels": "#8c564b",
          "R": "#17becf", "pandas": "#e377c2", "python": "#7f7f7f"}


def _draw_panel(ax: Any, cs: list[Case], keys: list[str], maxbars: int,
                xlim: tuple[float, float], title: str) -> None:
    ax.set_xscale("log")
    ax.set_xlim(*xlim)
    h = 0.8 / maxbars
    for gi, k in enumerate(keys):
        c = next((c for c in cs if _key(c) == k), None)
        if c is None:
            continue
        m = len(c.impls)
        for j, impl in enumerate(c.impls):
            y = gi - (m - 1) * h / 2 + j * h
            v = impl.best / c.n * 1e9
            ax.barh(y, v, height=h * 0.92, color=COLORS.get(impl.lib, "grey"),
                    edgecolor="black" if impl.lib == "robstat" else "none", linewidth=0.6)
            if impl.lib != "robstat" and c.robstat is not None:
                s = impl.best / c.robstat.best
                slower = s <= 1 - TIE
                ax.text(v * 1.1, y, fmt_x(s), va="center", fontsize=7.5,
                        color="#b00000" if slower else "black",
                        fontweight="bold" if slower else "normal")
        if c.floor is not None and c.floor.dtype != "float64":
            fv = c.floor.impls[0].best / c.n * 1e9
            ax.plot([fv, fv], [gi - 0.45, gi + 0.45], color="black", lw=1.2, ls=":")
    floors = [c for c in cs if c.is_floor and c.dtype == "float64"]
    if floors:
        fv = floors[0].impls[0].best / floors[0].n * 1e9
        ax.axvline(fv, color="black", lw=1.2, ls="--")
        title += f"\nnp.sum floor: {fv:.2f} ns/element"
    ax.set_yticks(range(len(keys)))
    ax.set_yticklabels(keys, fontsize=9)
    ax.set_ylim(len(keys) - 0.5, -0.5)
    ax.set_title(title, fontsize=10.5)
    ax.set_xlabel("ns per element (log scale)")
    ax.grid(axis="x", which="major", alpha=0.3)
    for gi in range(1, len(keys)):
        ax.axhline(gi - 0.5, color="0.85", lw=0.6)


def plot(by_size: dict[str, list[Case]], path: Path, facts: dict[str, str]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    one_d = [(s, cs) for s, cs in by_size.items() if "axis" not in s]
    batched = [(s, cs) for s, cs in by_size.items() if "axis" in s]

    def group_keys(panels: list[tuple[str, list[Case]]]) -> list[str]:
        keys: list[str] = []
        for _, cs in panels:
            for c in cs:
                if not c.is_floor and _key(c) not in keys:
                    keys.append(_key(c))
        return keys

    keys1, keys2 = group_keys(one_d), group_keys(batched)
    everything = [c for _, cs in by_size.items() for c in cs]
    maxbars = max(len(c.impls) for c in everything)
    all_ns = [i.best / c.n * 1e9 for c in everything for i in c.impls]
    xlim = (min(all_ns) / 2.5, max(all_ns) * 5)

    ncols = len(one_d) + (1 if batched else 0)
    nrows = max(len(keys1), 1)
    fig = plt.figure(figsize=(4.4 * ncols + 1.0, 0.95 + 0.62 * nrows * max(maxbars, 3) / 3))
    gs = fig.add_gridspec(nrows, ncols, hspace=0.0)
    first = None
    for col, (size, cs) in enumerate(one_d):
        ax = fig.add_subplot(gs[:, col], sharey=first)
        first = first or ax
        _draw_panel(ax, cs, keys1, maxbars, xlim, f"n = {size}, axis=None")
        if col:
            ax.tick_params(labelleft=False)
    legend_ax = None
    if batched:
        rows_b = len(keys2) + 1
        size, cs = batched[0]
        ax = fig.add_subplot(gs[:rows_b, -1])
        _draw_panel(ax, cs, keys2, maxbars, xlim, f"batched 2-d: {size}")
        ax.tick_params(axis="y", labelleft=False, labelright=True)
        legend_ax = fig.add_subplot(gs[rows_b + 1:, -1])
        legend_ax.axis("off")

    libs: list[str] = ["robstat"]
    for c in everything:
        for i in c.impls:
            if i.lib not in libs:
                libs.append(i.lib)
    handles = [Patch(facecolor=COLORS.get(lib, "grey"),
                     edgecolor="black" if lib == "robstat" else "none", label=lib)
               for lib in libs]
    handles.append(Line2D([], [], color="black", ls="--", label="np.sum floor (float64)"))
    handles.append(Line2D([], [], color="black", ls=":", label="np.sum floor (float32)"))
    note = ("lower is better;\nthe label by a peer's bar is\npeer time / robstat time\n"
            "(red bold: robstat slower by\nmore than 5%)")
    if legend_ax is not None:
        leg = legend_ax.legend(handles=handles, loc="upper left", fontsize=9, frameon=False,
                               title=note, title_fontsize=9, alignment="left")
    else:
        leg = fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=8,
                         frameon=False, title=note.replace("\n", " "), title_fontsize=8)
    del leg
    fig.suptitle(
        "robstat vs peers: time per element (log scale); data: float64 N(0,1) with 1% "
        "outliers at 1000\n"
        f"{facts['CPU']}, {facts['cores']}; robstat.simd_arch() = "
        f"{facts['robstat.simd_arch()']}; {facts['date']}",
        fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---- main --------------------------------------------------------------------------


def parse_sizes(s: str) -> list[int]:
    return [int(float(t)) for t in s.split(",") if t.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="docs", help="output directory (default: docs)")
    ap.add_argument("--sizes", default=None,
                    help="comma-separated 1-d sizes (default: 1e4,1e5,1e6,1e7; --quick: 1e3,1e4)")
    ap.add_argument("--quick", action="store_true",
                    help=f"smoke run: small sizes, a {QUICK_BATCH_SHAPE[0]}x{QUICK_BATCH_SHAPE[1]}"
                         " batch, 3 repeats")
    ap.add_argument("--repeat", type=int, default=None,
                    help="repeats per measurement, best one kept (default 7; --quick: 3)")
    ap.add_argument("--min-time", type=float, default=None,
                    help="least seconds per repeat; the loop count is raised to reach it "
                         "(default 0.05; --quick: 0.005)")
    ap.add_argument("--only", default=None,
                    help="comma-separated sections to run, of " + ",".join(SECTIONS)
                         + " (default: all). The results are merged into an existing "
                         "OUT/benchmarks.md: the tables of the sections run are replaced or "
                         "added, everything else is kept (see merge_markdown)")
    args = ap.parse_args(argv)
    only = SECTIONS if args.only is None else [t.strip() for t in args.only.split(",")
                                                if t.strip()]
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        ap.error(f"--only: unknown section(s) {', '.join(unknown)}; "
                 f"choose from {','.join(SECTIONS)}")

    sizes = parse_sizes(args.sizes) if args.sizes else ([10**3, 10**4] if args.quick
                                                        else [10**4, 10**5, 10**6, 10**7])
    repeat = args.repeat or (3 if args.quick else 7)
    min_time = args.min_time if args.min_time is not None else (0.005 if args.quick else 0.05)
    batch = QUICK_BATCH_SHAPE if args.quick else BATCH_SHAPE
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    facts = machine_facts()
    t_start = time.perf_counter()
    sections: list[list[Case]] = []
    if "1d" in only:
        sections += [one_d_cases(n) for n in sizes]
    if "batched" in only:
        sections.append(batched_cases(batch))
    if "grouped" in only:
        sections.append(grouped_cases(*(QUICK_GROUPED if args.quick else GROUPED)))
    if "rolling" in only:
        sections.append(rolling_cases(*(QUICK_ROLLING if args.quick else ROLLING)))
    if "stream" in only:
        sections.append(stream_cases(QUICK_STREAM if args.quick else STREAM))
    if "fits" in only:
        sections += [fit_cases(n_fit) for n_fit in ([10**3] if args.quick else [10**4, 10**6])]
    if "censored" in only:
        sections.append(censored_fit_cases(QUICK_CENSORED_FITS if args.quick
                                           else CENSORED_FITS))
    if "batchfits" in only:
        sections += batched_fit_cases(*(QUICK_BATCHED_FITS if args.quick
                                        else BATCHED_FITS))
    by_size = {cs[0].size_label: cs for cs in sections}

    for size, cases in by_size.items():
        for c in cases:
            check_agreement(c)
            time_case(c, repeat, min_time)
            r = c.robstat
            line = " | ".join(f"{i.label} {fmt_time(i.best)}" for i in c.impls)
            if r is not None and c.peers:
                line += "  [" + ", ".join(fmt_x(p.best / r.best) for p in c.peers) + "]"
            print(f"{size:>20} {c.dtype} {c.group:<26} {line}", flush=True)
    elapsed = time.perf_counter() - t_start

    md = out / "benchmarks.md"
    png = out / "benchmarks.png"
    if args.only is not None and md.exists():
        cmd = "python benchmarks/compare.py --only " + ",".join(only) + (
            " --quick" if args.quick else "")
        md.write_text(merge_markdown(md.read_text(encoding="utf-8"), by_size, facts, cmd,
                                     elapsed), encoding="utf-8")
        print(f"merged {', '.join(by_size)} into {md} in {elapsed:.0f} s "
              f"({png} not redrawn)", flush=True)
        return 0
    plot(by_size, png, facts)
    write_markdown(md, png, by_size, facts, sizes, repeat, min_time, batch, elapsed, args.quick)
    print(f"wrote {md} and {png} in {elapsed:.0f} s", flush=True)
    return 0


SECTIONS = ["1d", "batched", "grouped", "rolling", "stream", "fits", "censored", "batchfits"]


# ---- merging a partial run into an existing report -----------------------------------


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _merge_table(old: list[str], new: list[str], nkey: int) -> list[str]:
    """Merge two markdown tables of the summary's shape: `nkey` key columns, then one
    column per size. The new table's columns replace the old ones of the same name (old
    rows lose their cells there), new columns and rows are appended, empty rows dropped."""
    oh, nh = _cells(old[0]), _cells(new[0])
    head = oh + [c for c in nh[nkey:] if c not in oh]
    sep = old[1].rstrip() + (_cells(new[1])[-1] + "|") * (len(head) - len(oh))
    rows: dict[tuple[str, ...], dict[str, str]] = {}
    for line in old[2:]:
        c = _cells(line)
        rows[tuple(c[:nkey])] = {h: v for h, v in zip(oh[nkey:], c[nkey:]) if h not in nh}
    for line in new[2:]:
        c = _cells(line)
        rows.setdefault(tuple(c[:nkey]), {}).update(zip(nh[nkey:], c[nkey:]))
    out = [_row(head), sep]
    for key, d in rows.items():
        vals = [d.get(h, "") for h in head[nkey:]]
        if any(vals):
            out.append(_row(list(key) + vals))
    return out


def _tables(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line ranges of the markdown tables in `lines`."""
    spans, i = [], 0
    while i < len(lines):
        if lines[i].startswith("|"):
            j = i
            while j < len(lines) and lines[j].startswith("|"):
                j += 1
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def _split(lines: list[str], level: str) -> list[list[str]]:
    """`lines` cut before every heading of exactly `level` (e.g. "## ")."""
    parts: list[list[str]] = [[]]
    for line in lines:
        if line.startswith(level):
            parts.append([])
        parts[-1].append(line)
    return parts


def merge_markdown(old_md: str, by_size: dict[str, list[Case]], facts: dict[str, str],
                   cmd: str, elapsed: float) -> str:
    """The report `old_md` with the sections of `by_size` re-measured: their full-results
    tables replaced (or added at the end of "Full results"), their columns and rows of the
    two summary tables and their bullet lines replaced, the win/loss count recounted from
    the merged table, and a dated line naming what was re-measured; every other line
    (hand-written sections included) is kept as it is. The plot is not redrawn."""
    cols = [_col(s) for s in by_size]
    new = _split(summary(by_size), "### ")
    top = _split(old_md.split("\n"), "## ")
    for part in top:
        head = part[0] if part else ""
        if head == "## Summary":
            subs = _split(part, "### ")
            for k, sub in enumerate(subs):
                fresh = next((n for n in new if n and sub and n[0] == sub[0]), None)
                if fresh is None:
                    continue
                spans, fspans = _tables(sub), _tables(fresh)
                if spans and fspans:
                    (a, b), (fa, fb) = spans[0], fspans[0]
                    nkey = 1 if sub[0].startswith("### How close") else 2
                    sub[a:b] = _merge_table(sub[a:b], fresh[fa:fb], nkey)
                # bullet lines about a re-measured size: the fresh ones instead
                fresh_b = [ln for ln in fresh if ln.startswith("- ")
                           and any(f" {c}:" in ln or ln.startswith(f"- {c}:") for c in cols)]
                keep = [ln for ln in sub if not (ln.startswith("- ") and any(
                    f" {c}:" in ln or ln.startswith(f"- {c}:") for c in cols))]
                last = max((i for i, ln in enumerate(keep) if ln.startswith("- ")),
                           default=None)
                if last is None:
                    last = max((i for i, ln in enumerate(keep) if ln.startswith("|")),
                               default=len(keep) - 2) + 1
                    fresh_b = ([""] if fresh_b else []) + fresh_b
                keep[last + 1:last + 1] = fresh_b
                if sub[0] == "### Against each peer":
                    keep = _recount(keep)
                subs[k] = keep
            part[:] = [ln for sub in subs for ln in sub]
        elif head == "## Full results":
            blocks = _split(part, "### ")
            titles = [b[0] for b in blocks]
            for size, cases in by_size.items():
                title = (f"### n = {size}" if "axis" not in size
                         else f"### Batched: {size.replace(' axis', ', axis')}")
                block = [title, ""] + results_table(cases) + [""]
                if title in titles:
                    blocks[titles.index(title)] = block
                else:
                    blocks.append(block)
                    titles.append(title)
            part[:] = [ln for b in blocks for ln in b]
    lines = [ln for part in top for ln in part]
    note = (f"Re-measured by `{cmd}` on {facts['date']} ({elapsed:.0f} s; "
            f"{facts['versions']}): " + ", ".join(f"`{c}`" for c in cols)
            + ". The rest of this page, and the plot, are from the run above.")
    prefix = note.split(" on ")[0]
    lines = [ln for ln in lines if not ln.startswith(prefix + " on ")]
    at = next(i for i, ln in enumerate(lines) if ln.startswith("Generated by")) + 1
    lines[at:at] = ["", note]
    return "\n".join(lines)


def _recount(lines: list[str]) -> list[str]:
    """The "faster in N of M comparisons" line recounted from the (merged) peer table."""
    a, b = _tables(lines)[0]
    cells = [c for ln in lines[a + 2:b] for c in _cells(ln)[2:] if c]
    wins = sum(c.endswith("faster") for c in cells)
    losses = sum(c.endswith("slower") for c in cells)
    return [f"robstat is faster by more than 5% in {wins} of {len(cells)} comparisons and "
            f"slower in {losses}." if ln.startswith("robstat is faster by more than 5% in ")
            else ln for ln in lines]


def write_markdown(md: Path, png: Path, by_size: dict[str, list[Case]], facts: dict[str, str],
                   sizes: list[int], repeat: int, min_time: float, batch: tuple[int, int],
                   elapsed: float, quick: bool) -> None:
    cmd = "python benchmarks/compare.py" + (" --quick" if quick else "")
    L = [
        "# Benchmarks: robstat against its peers",
        "",
        (f"Generated by `benchmarks/compare.py` ({cmd}) on {facts['date']}. "
        "Every number below was measured in that one run on one machine; "
        "nothing is carried over from elsewhere."),
        "",
        "> **Read these numbers with two facts in mind.**",
        ("> - Slices of 16384 values or more go through the one-pass bracketing selection "
        "engine (docs/selection.md); shorter slices (e.g. the 100-value rows of the batched "
        "case) are copied and selected with `std::nth_element`."),
        (f"> - The module picks its SIMD table at import (`robstat.simd_arch()` = "
        f"`{facts['robstat.simd_arch()']}` here; docs/dispatch.md); every robstat call below "
        "runs on one thread (`workers=1`, the default)."),
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    L += [f"| {k} | {v} |" for k, v in facts.items()]
    L += [
        "",
        "## Method",
        "",
        (f"- Data: float64 standard normal, seed {SEED}, with {OUTLIER_FRACTION:.0%} of the "
        f"values replaced by the gross outlier {OUTLIER_VALUE:g} at random positions; the "
        "float32 rows use the same values cast to float32."),
        f"- 1-d sizes: {', '.join(f'{n:.0e}'.replace('e+0', 'e') for n in sizes)}, "
        "`axis=None`. Batched: a "
        f"{batch[0]} × {batch[1]} array reduced along `axis=1` "
        f"({batch[0] * batch[1]:.0e} elements in all).".replace("e+0", "e"),
        (f"- Timing: best of {repeat} repeats (minimum), each repeat looping the call until "
        f"it lasts at least {min_time * 1e3:g} ms; the repeats of all implementations of "
        "one operation are interleaved; garbage collection off while timing."),
        ("- Before timing, each peer's result is checked against robstat's with `np.allclose` "
        "(rtol 1e-9 for float64, 1e-4 for float32), so every comparison is of equal "
        "results. SciPy's `mstats.winsorize` result is compared through its data."),
        ("- **× floor** = time / time of `np.sum` over the same array (same size and dtype): "
        "one SIMD pass over the data. **Speedup** = peer time / robstat time: above 1 "
        "robstat is faster."),
        ("- `np.quantile + np.clip` is the NumPy winsorizing recipe "
        "`np.clip(x, *np.quantile(x, [g/(n-1), (n-g-1)/(n-1)], method=\"nearest\"))` "
        "with `g = floor(0.1 n)`, which picks exactly the cut points robstat and SciPy use."),
        ("- The numpy robust z-score recipe is "
        "`(x - np.median(x)) / (1.482602218505602 * np.median(np.abs(x - np.median(x))))` "
        "(the median computed once)."),
        f"- The whole run took {elapsed:.0f} s.",
        "",
        "## Summary",
        "",
    ]
    L += summary(by_size)
    L += ["## Plot", "", f"![time per element, log scale]({png.name})", "",
          ("Bars: ns per element (log scale), one panel per size. Dashed line: `np.sum` "
          "over float64 data of that size; dotted: `np.sum` over the float32 data. "
          "The number by each peer's bar is peer time / robstat time "
          "(red bold: robstat slower by more than 5%)."), "",
          "## Full results", ""]
    for size, cases in by_size.items():
        title = (f"n = {size}" if "axis" not in size
                 else f"Batched: {size.replace(' axis', ', axis')}")
        L += [f"### {title}", ""]
        L += results_table(cases)
        L.append("")
    L += ["## Reproduce", "",
          "```sh",
          "make setup                       # or: pip install . numpy scipy matplotlib",
          ".venv/bin/pip install bottleneck astropy statsmodels   # optional peers",
          ".venv/bin/python benchmarks/compare.py                 # ~1.5 min on 2 cores",
          ".venv/bin/python benchmarks/compare.py --quick --out /tmp/bench   # smoke run",
          "```", "",
          "Peers that are not installed are left out of the tables.", ""]
    md.write_text("\n".join(L), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
