#!/usr/bin/env python3
"""Run SciPy's own test cases against robstat.scipy.

The installed SciPy wheel ships its tests (scipy/stats/tests). This script
runs the test classes and functions that exercise the functions robstat.scipy
replaces, in a fresh pytest session whose plugin (scipy_swap_plugin.py, next
to this file) swaps robstat.scipy's functions into ``scipy.stats`` and
``scipy.stats.mstats`` before SciPy's test modules are imported, so the tests
call robstat wherever they call SciPy (module attribute lookups at call time
and function objects captured in parametrisations at import time alike).

    run_scipy_suite.py                 run, print the outcome of every test
    run_scipy_suite.py --check         also compare with tests/data/scipy_suite_expected.json:
                                       exit 1 on an unexpected failure, on a listed
                                       (expected-to-fail) test that passes, or when a
                                       swapped function was never called (sentinel)
    run_scipy_suite.py --no-swap       the same tests against SciPy itself (baseline)
    run_scipy_suite.py --json FILE     write the outcomes and call counters to FILE

SciPy's tests run with warnings as errors, as in SciPy's own pytest.ini.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPECTED = HERE.parent / "data" / "scipy_suite_expected.json"

# SciPy's tests for the replaced functions (SciPy 1.17 layout)
SELECTION = [
    "stats/tests/test_stats.py::TestTrimmedStats",
    "stats/tests/test_stats.py::TestZscore",
    "stats/tests/test_stats.py::TestMedianAbsDeviation",
    "stats/tests/test_stats.py::TestIQR",
    "stats/tests/test_stats.py::TestTrim",
    "stats/tests/test_stats.py::TestTrimMean",
    "stats/tests/test_stats.py::TestSigmaClip",
    "stats/tests/test_mstats_basic.py::TestTrimming::test_winsorization",
    "stats/tests/test_mstats_basic.py::TestTrimming::test_winsorization_nan",
    # the generic axis / nan_policy / keepdims / masked-array / empty-input tests,
    # restricted by the plugin to the rows of the replaced functions
    "stats/tests/test_axis_nan_policy.py",
]


def scipy_dir() -> Path:
    import scipy

    return Path(scipy.__file__).resolve().parent


def existing_selection(base: Path) -> list[str]:
    """The selection entries whose file and class/function exist in this SciPy."""
    out = []
    for sel in SELECTION:
        path, _, rest = sel.partition("::")
        f = base / path
        if not f.exists():
            continue
        text = f.read_text()
        name = rest.split("::")[0]
        if not name or f"class {name}" in text or f"def {name}" in text:
            out.append(sel)
    return out


def run(swap: bool, json_out: Path, extra: list[str]) -> dict:
    base = scipy_dir()
    sel = existing_selection(base)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
           "--rootdir", str(base), "-c", os.devnull, "-W", "error",
           "-W", "ignore::pytest.PytestRemovedIn10Warning"]
    if swap:
        cmd += ["-p", "scipy_swap_plugin"]
    else:
        cmd += ["-p", "scipy_outcome_only"]
    cmd += [str(base / s) for s in sel] + extra
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["ROBSTAT_SCIPY_SUITE_OUT"] = str(json_out)
    env["ROBSTAT_SCIPY_SUITE_NOSWAP"] = "0" if swap else "1"
    proc = subprocess.run(cmd, cwd=str(base.parent), env=env, capture_output=True, text=True)
    if not json_out.exists():
        sys.stderr.write(proc.stdout[-5000:] + proc.stderr[-5000:])
        raise SystemExit("run_scipy_suite: pytest did not report (see above)")
    res = json.loads(json_out.read_text())
    res["pytest_tail"] = proc.stdout.strip().splitlines()[-1:] if proc.stdout else []
    res["selection"] = sel
    return res


def short(nodeid: str) -> str:
    return nodeid.split("scipy/", 1)[-1] if "scipy/" in nodeid else nodeid


def compare(res: dict, expected: dict) -> list[str]:
    problems = []
    exp_fail = {k: v for k, v in expected["expected_failures"].items()}
    outcomes = {short(k): v for k, v in res["outcomes"].items()}
    for node, state in sorted(outcomes.items()):
        failed = state in ("failed", "error")
        if failed and node not in exp_fail:
            problems.append(f"unexpected failure: {node}")
        if not failed and node in exp_fail and state != "skipped":
            problems.append(f"listed as failing but {state}: {node} ({exp_fail[node]})")
    for node in exp_fail:
        if node not in outcomes:
            problems.append(f"listed test did not run: {node}")
    for fn, n in sorted(res.get("calls", {}).items()):
        if n == 0:
            problems.append(f"sentinel: {fn} was never called through the swap")
    if not res.get("calls"):
        problems.append("sentinel: no call counters (the swap did not happen)")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--no-swap", action="store_true")
    ap.add_argument("--json", type=Path)
    ap.add_argument("pytest_args", nargs="*")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.json or Path(tmp) / "outcomes.json"
        res = run(not args.no_swap, out, args.pytest_args)
        if args.json:
            args.json.write_text(json.dumps(res, indent=1, sort_keys=True))
    import scipy

    counts: dict[str, int] = {}
    for node, state in sorted(res["outcomes"].items()):
        counts[state] = counts.get(state, 0) + 1
        print(f"{state:8s} {short(node)}")
    total = sum(counts.values())
    what = "robstat.scipy swapped in" if not args.no_swap else "SciPy itself"
    print(f"\nSciPy {scipy.__version__}, {what}:"
          f" {total} tests, " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
    if res.get("calls"):
        print("calls through the swap: " + ", ".join(
            f"{k.rsplit('.', 1)[1]}={v}" for k, v in sorted(res["calls"].items())))
    if args.check:
        expected = json.loads(EXPECTED.read_text())
        problems = compare(res, expected)
        for p in problems:
            print("CHECK: " + p)
        if problems:
            return 1
        print(f"CHECK: ok ({len(expected['expected_failures'])} listed deliberate differences)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
