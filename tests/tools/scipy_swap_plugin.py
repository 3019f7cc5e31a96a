"""pytest plugin (loaded with ``-p scipy_swap_plugin``) for run_scipy_suite.py.

Before SciPy's test modules are imported it replaces, in ``scipy.stats`` and
``scipy.stats.mstats``, every function robstat.scipy reimplements by a thin
wrapper around the robstat.scipy function that counts its calls (the
sentinel: a run in which the counters stay at zero tested SciPy against
itself). SciPy's tests that build their reference with the private
``_no_deco=True`` switch get SciPy's undecorated original for that reference
call (those calls are not counted). At the end it writes every test's outcome
and the counters to the JSON file named by ``ROBSTAT_SCIPY_SUITE_OUT``.
"""

from __future__ import annotations

import functools
import json
import os

import pytest

SWAPPED = {
    "scipy.stats": ["trim_mean", "trimboth", "trim1", "tmean", "tvar", "tstd", "tsem", "tmin",
                    "tmax", "median_abs_deviation", "iqr", "zscore", "sigmaclip"],
    "scipy.stats.mstats": ["winsorize"],
}

CALLS: dict[str, int] = {}
OUTCOMES: dict[str, str] = {}
ORIGINALS: dict[str, object] = {}


def _wrap(name, ours, original):
    @functools.wraps(ours)
    def swapped(*args, _no_deco=False, **kwargs):
        if _no_deco:  # SciPy's private reference path: SciPy's own kernel
            return original(*args, _no_deco=True, **kwargs)
        CALLS[name] += 1
        return ours(*args, **kwargs)

    swapped.__robstat_swapped__ = True
    # pickle by reference finds the wrapper under its SciPy name
    swapped.__module__, swapped.__qualname__ = name.rsplit(".", 1)
    return swapped


def pytest_configure(config):
    import importlib

    import robstat.scipy as rs
    from scipy._lib._array_api import xp_capabilities_table

    for modname, names in SWAPPED.items():
        mod = importlib.import_module(modname)
        for name in names:
            key = f"{modname}.{name}"
            CALLS[key] = 0
            ORIGINALS[key] = getattr(mod, name)
            swapped = _wrap(key, getattr(rs, name), ORIGINALS[key])
            setattr(mod, name, swapped)
            # SciPy's test decorators look functions up in its array-API table
            if ORIGINALS[key] in xp_capabilities_table:
                xp_capabilities_table[swapped] = xp_capabilities_table[ORIGINALS[key]]
    # the sanity check of the swap itself: the public names are the wrappers
    import scipy.stats
    import scipy.stats.mstats

    assert getattr(scipy.stats.trim_mean, "__robstat_swapped__", False)
    assert getattr(scipy.stats.mstats.winsorize, "__robstat_swapped__", False)


def pytest_collection_modifyitems(config, items):
    """In test_axis_nan_policy.py (a table of all of SciPy's decorated
    functions), keep the parametrisations of the swapped functions only."""
    keep, drop = [], []
    for item in items:
        if "test_axis_nan_policy.py" in item.nodeid:
            params = getattr(getattr(item, "callspec", None), "params", {})
            if not any(getattr(v, "__robstat_swapped__", False) for v in params.values()):
                drop.append(item)
                continue
        keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call" or (rep.when == "setup" and rep.outcome != "passed"):
        state = rep.outcome
        if rep.when == "setup" and rep.outcome == "failed":
            state = "error"
        if hasattr(rep, "wasxfail"):
            state = "xfailed" if rep.skipped else "xpassed"
        OUTCOMES[rep.nodeid] = state


def pytest_sessionfinish(session, exitstatus):
    out = os.environ.get("ROBSTAT_SCIPY_SUITE_OUT")
    if out:
        with open(out, "w") as f:
            json.dump({"outcomes": OUTCOMES, "calls": CALLS}, f, indent=1, sort_keys=True)
