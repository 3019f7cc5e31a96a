"""Runtime SIMD dispatch and the `workers` argument (docs/dispatch.md).

- every instruction set this CPU can run gives the same results (subprocesses
  with ROBSTAT_FORCE_ARCH): order statistics and transforms identical, sums
  within 4e-16 relative;
- an unknown or unsupported ROBSTAT_FORCE_ARCH fails at import with a clear
  message;
- the dispatcher's view of the CPU agrees with /proc/cpuinfo;
- workers=1, 2, 3, -1 give bit-identical results;
- the installed module passes tests/tools/check_dispatch_isolation.sh.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import robstat
from robstat import _core

ROOT = Path(__file__).resolve().parents[2]
IS_X86_64 = platform.machine().lower() in ("x86_64", "amd64")


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:  # pragma: no cover
        pass
    return None


def _expected_archs():
    """The instruction sets /proc/cpuinfo says this CPU (and kernel) supports."""
    flags = _cpu_flags()
    if flags is None:
        pytest.skip("no /proc/cpuinfo: cannot tell which instruction sets this CPU has")
    archs = ["sse2"]
    if {"avx", "avx2", "fma"} <= flags:
        archs.append("avx2")
    if {"avx512f", "avx512cd", "avx512dq", "avx512bw", "avx512vl"} <= flags:
        archs.append("avx512")
    return archs


def _run(code, arch=None, timeout=120):
    env = dict(os.environ)
    env.pop("ROBSTAT_FORCE_ARCH", None)
    if arch is not None:
        env["ROBSTAT_FORCE_ARCH"] = arch
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=timeout)


# ---- which tables ------------------------------------------------------------------


def test_simd_arch_is_one_of_the_available():
    compiled = _core.compiled_archs()
    available = _core.available_archs()
    assert compiled[0] == "sse2" if IS_X86_64 else compiled
    if IS_X86_64:
        assert compiled == ["sse2", "avx2", "avx512"]
    assert available and available[0] == compiled[0]
    assert set(available) <= set(compiled)
    assert robstat.simd_arch() in available
    if not os.environ.get("ROBSTAT_FORCE_ARCH"):
        assert robstat.simd_arch() == available[-1]  # the best one


@pytest.mark.skipif(not IS_X86_64, reason="x86-64 instruction sets")
def test_available_archs_agree_with_cpuinfo():
    assert _core.available_archs() == _expected_archs(), _core._cpu_features()


def test_default_choice_in_a_fresh_process():
    proc = _run("import robstat; print(robstat.simd_arch())")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == _core.available_archs()[-1]


# ---- forcing ------------------------------------------------------------------------

_FORCED_SCRIPT = """
import json, numpy as np, robstat
rng = np.random.default_rng(5)
x = rng.normal(size=(7, 1003))
x[0, :40] = 1e100
x[0, 40:80] = -1e100
x[1, ::7] = np.nan
x[2] = np.round(x[2])          # ties
x[3, :500] = 1.0               # a cluster
big = rng.normal(size=(3, 40001))  # the one-pass selection engine (n >= 16384)
big[1, ::11] = np.nan
with np.errstate(over="ignore"):
    x32 = x.astype(np.float32)
out = {"arch": robstat.simd_arch()}
def put(name, value):
    out[name] = np.asarray(value, dtype=np.float64).tolist()
for data_name, data in (("x", x), ("big", big), ("x32", x32), ("big32", big.astype(np.float32))):
    for nan in ("propagate", "omit"):
        k = f"{data_name}/{nan}/"
        put(k + "mean", robstat.mean(data, axis=1, nan_policy=nan))
        put(k + "var", robstat.var(data, 1, axis=1, nan_policy=nan))
        put(k + "median", robstat.median(data, axis=1, nan_policy=nan))
        put(k + "trimmed_mean", robstat.trimmed_mean(data, 0.2, axis=1, nan_policy=nan))
        put(k + "trimmed_mean_asym",
            robstat.trimmed_mean(data, (0.05, 0.3), axis=1, nan_policy=nan))
        put(k + "winsorized_mean", robstat.winsorized_mean(data, axis=1, nan_policy=nan))
        put(k + "mad", robstat.mad(data, axis=1, nan_policy=nan))
        put(k + "mad_center", robstat.mad(data, center=0.5, axis=1, nan_policy=nan))
        put(k + "iqr", robstat.iqr(data, axis=1, nan_policy=nan))
        for method in ("linear", "lower", "higher", "midpoint", "nearest"):
            put(k + "quantile_" + method, robstat.quantile(
                data, [0, 0.1, 0.5, 0.99, 1], axis=1, method=method, nan_policy=nan))
        put(k + "winsorize", robstat.winsorize(data, 0.1, axis=1, nan_policy=nan))
        put(k + "robust_zscore", robstat.robust_zscore(data, axis=1, nan_policy=nan))
        put(k + "modified_zscore", robstat.modified_zscore(data, axis=1, nan_policy=nan))
put("columns/median", robstat.median(x, axis=0))      # strided lanes
put("columns/mean", robstat.mean(x[1:], axis=0))
put("all/trimmed_mean", robstat.trimmed_mean(x[1:]))  # one long lane
print(json.dumps(out))
"""

def _row0():
    """Row 0 of the script's x (the same seed and construction)."""
    x = np.random.default_rng(5).normal(size=(7, 1003))
    x[0, :40] = 1e100
    x[0, 40:80] = -1e100
    return x[0]


# Sums whose values cancel hugely (row 0 of x: +-1e100): see
# test_sums_with_huge_cancellation_stay_within_the_documented_bound.
_HUGE_CANCELLATION = ("mean", "var", "trimmed_mean_asym", "winsorized_mean")
_SUMS = ("mean", "var", "trimmed_mean", "trimmed_mean_asym", "winsorized_mean")


@pytest.fixture(scope="module")
def forced_results():
    if not IS_X86_64:
        pytest.skip("x86-64 instruction sets")
    results = {}
    for arch in _core.available_archs():
        proc = _run(_FORCED_SCRIPT, arch)
        assert proc.returncode == 0, proc.stderr
        results[arch] = json.loads(proc.stdout)
        assert results[arch].pop("arch") == arch
    return results


def _is_sum(key):
    return key.rsplit("/", 1)[-1] in _SUMS


def test_forced_simd_arch_gives_the_same_results(forced_results):
    """Order statistics and transforms identical; sums within 4e-16 relative
    (the SIMD partial sums are combined in a different order)."""
    base = forced_results["sse2"]
    for arch, res in forced_results.items():
        assert res.keys() == base.keys()
        for key, val in res.items():
            got, want = np.array(val), np.array(base[key])
            if key.startswith("x/") and key.rsplit("/", 1)[-1] in _HUGE_CANCELLATION:
                got, want = got[1:], want[1:]  # row 0: see the bound test below
            if _is_sum(key):
                np.testing.assert_allclose(got, want, rtol=4e-16, atol=0, err_msg=f"{arch} {key}")
            else:
                np.testing.assert_array_equal(got, want, err_msg=f"{arch} {key}")


def test_sums_with_huge_cancellation_stay_within_the_documented_bound(forced_results):
    """Row 0 of x holds +-1e100 next to N(0, 1) values: the exact mean is tiny
    against sum|x|. Every table must stay within the compensated-sum bound that
    docs/conventions.md documents, |err| <= 2u|S| + 2n u^2 sum|x| (u = 2^-53);
    more is not promised (the tables may then differ from each other)."""
    import math

    x0 = _row0()
    exact = math.fsum(x0)
    u = 2.0**-53
    bound = 2 * u * abs(exact) + 2 * x0.size * u * u * math.fsum(np.abs(x0))
    for arch, res in forced_results.items():
        for nan in ("propagate", "omit"):
            got = res[f"x/{nan}/mean"][0] * x0.size
            assert abs(got - exact) <= bound, (arch, nan, got, exact, bound)


def test_forced_arch_is_case_and_blank_insensitive():
    proc = _run("import robstat; print(robstat.simd_arch())", " SSE2 ")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "sse2"


def test_forced_unknown_arch_fails_at_import_with_a_clear_message():
    proc = _run("import robstat", "avx1024")
    assert proc.returncode != 0
    assert "ImportError" in proc.stderr
    assert "ROBSTAT_FORCE_ARCH='avx1024'" in proc.stderr
    assert "choose one of: sse2" in proc.stderr


def test_forced_unsupported_arch_fails_at_import_with_a_clear_message():
    """An arch compiled in but not runnable here: natively when this CPU lacks
    one, otherwise under qemu-x86_64 -cpu Nehalem (no AVX) when available."""
    missing = [a for a in _core.compiled_archs() if a not in _core.available_archs()]
    if missing:
        proc = _run("import robstat", missing[-1])
    else:
        qemu = shutil.which("qemu-x86_64")
        if not (IS_X86_64 and qemu):
            pytest.skip("this CPU runs every table and qemu-x86_64 is not installed")
        env = dict(os.environ, ROBSTAT_FORCE_ARCH="avx2")
        proc = subprocess.run([qemu, "-cpu", "Nehalem", sys.executable, "-c", "import robstat"],
                              env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode != 0
    assert "ImportError" in proc.stderr
    assert "cannot run on this CPU: it lacks" in proc.stderr
    assert "instruction sets usable here: sse2" in proc.stderr


# ---- workers ------------------------------------------------------------------------

_WORKER_CALLS = {
    "mean": lambda x, **kw: robstat.mean(x, **kw),
    "var": lambda x, **kw: robstat.var(x, 1, **kw),
    "std": lambda x, **kw: robstat.std(x, **kw),
    "median": lambda x, **kw: robstat.median(x, **kw),
    "quantile": lambda x, **kw: robstat.quantile(x, [0.1, 0.5, 0.9], **kw),
    "trimmed_mean": lambda x, **kw: robstat.trimmed_mean(x, 0.2, **kw),
    "winsorized_mean": lambda x, **kw: robstat.winsorized_mean(x, (0.1, 0.2), **kw),
    "mad": lambda x, **kw: robstat.mad(x, **kw),
    "iqr": lambda x, **kw: robstat.iqr(x, **kw),
    "winsorize": lambda x, **kw: robstat.winsorize(x, **kw),
    "robust_zscore": lambda x, **kw: robstat.robust_zscore(x, **kw),
    "modified_zscore": lambda x, **kw: robstat.modified_zscore(x, **kw),
}


@pytest.fixture(scope="module")
def many_lanes():
    x = np.random.default_rng(3).standard_t(3, size=(64, 20000))
    x[5, ::3] = np.nan
    x[9] = np.nan  # an all-NaN lane: a SmallSampleWarning under "omit"
    return x


def test_workers_really_start_threads(many_lanes):
    n_lanes, n = many_lanes.shape
    assert _core._threads_for(n_lanes, n, 1) == 1
    assert _core._threads_for(n_lanes, n, 2) == 2
    assert _core._threads_for(n_lanes, n, 3) == 3
    assert _core._threads_for(n, n_lanes, 2) == 2  # axis=0: 20000 lanes of 64
    # mean and var (cost 1 per value): 1.28e6 values are worth 2 threads, not 3
    assert _core._threads_for(n_lanes, n, 3, 1) == 2


@pytest.mark.parametrize("name", sorted(_WORKER_CALLS))
@pytest.mark.parametrize("layout", ["rows", "columns", "float32"])
def test_workers_give_identical_results(name, layout, many_lanes):
    call = _WORKER_CALLS[name]
    x, axis = many_lanes, 1
    if layout == "columns":
        x, axis = many_lanes.T, 0  # strided lanes, 20000 of them
    elif layout == "float32":
        x = many_lanes.astype(np.float32)
    with pytest.warns(robstat.SmallSampleWarning) as rec:
        ref = call(x, axis=axis, nan_policy="omit")
    ref_warning = str(rec[0].message)
    for workers in (None, 1, 2, 3, -1, 1000):
        with pytest.warns(robstat.SmallSampleWarning) as rec:
            got = call(x, axis=axis, nan_policy="omit", workers=workers)
        assert str(rec[0].message) == ref_warning  # same count of small slices
        assert got.dtype == ref.dtype
        np.testing.assert_array_equal(got, ref, err_msg=f"workers={workers}")


def test_workers_propagate_errors_from_threads(many_lanes):
    for workers in (1, 2, -1):
        with pytest.raises(ValueError, match="nan"):
            robstat.median(many_lanes, axis=1, nan_policy="raise", workers=workers)
        with pytest.raises(ValueError, match="nan"):
            robstat.winsorize(many_lanes, axis=1, nan_policy="raise", workers=workers)


def test_workers_on_tiny_and_single_lane_inputs():
    x = np.arange(10.0)
    for workers in (1, 2, -1):
        assert robstat.median(x, workers=workers) == 4.5
        assert robstat.median(x.reshape(2, 5), axis=1, workers=workers).tolist() == [2.0, 7.0]
        assert robstat.mean(np.empty((0, 3)), axis=1, workers=workers).shape == (0,)
    assert _core._threads_for(1, 10**9, 8) == 1  # one lane: nothing to split
    assert _core._threads_for(1000, 10, 8) == 1  # too little work for a second thread


@pytest.mark.parametrize("bad", [0, 1.5, "2", True, np.float64(2.0)])
def test_workers_validation(bad):
    x = np.ones((4, 4))
    err = ValueError if bad == 0 and not isinstance(bad, bool) else TypeError
    with pytest.raises(err, match="workers"):
        robstat.mean(x, axis=1, workers=bad)
    with pytest.raises(err, match="workers"):
        robstat.winsorize(x, axis=1, workers=bad)
    with pytest.raises(err, match="workers"):
        robstat.quantile(x, 0.5, axis=1, workers=bad)


def test_workers_accepts_numpy_ints():
    x = np.random.default_rng(0).normal(size=(8, 100))
    np.testing.assert_array_equal(robstat.median(x, axis=1, workers=np.int64(2)),
                                  robstat.median(x, axis=1))


# ---- the isolation of the AVX code in the installed module ------------------------


@pytest.mark.skipif(not IS_X86_64 or sys.platform != "linux", reason="ELF x86-64 binaries")
def test_installed_module_isolates_the_avx_code():
    if not all(shutil.which(t) for t in ("objdump", "nm", "c++filt", "awk", "bash")):
        pytest.skip("binutils (objdump, nm, c++filt) not installed")
    script = ROOT / "tests" / "tools" / "check_dispatch_isolation.sh"
    proc = subprocess.run(["bash", str(script), _core.__file__], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "is isolated" in proc.stdout
