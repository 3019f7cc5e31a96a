"""Reference maximum-likelihood estimates of robstat.fit on censored samples,
solved at high precision (mpmath, 50 digits) -> tests/data/fit_censored_reference.json.

Every case is a seeded sample (stored in the file, exact doubles) split into
exactly observed values, left-censored bounds, right-censored bounds and
intervals, and a family. The log-likelihood is written here from the textbook
density, cdf and survival function (SciPy's parameters), independently of
robstat's code:
    sum log f(x) + sum log F(left) + sum log S(right) + sum log(F(hi) - F(lo)).
The MLE is the root of the score (mpmath's numerical derivative, mp.diff),
found by mp.findroot from SciPy's censored fit as the starting point, and
checked: |score| < 1e-25 and the (numerical) Hessian negative definite.
Run:  .venv/bin/python tests/tools/make_censored_reference.py
"""

from __future__ import annotations

import json
import os
import sys

import mpmath as mp
import numpy as np
import scipy
import scipy.stats as st

mp.mp.dps = 50
OUT = os.path.join(os.path.dirname(__file__), "..", "data", "fit_censored_reference.json")

# free parameters (SciPy names) and scipy.stats name; loc is fixed at 0 for
# the positive families
FAMILIES = {
    "normal": (["loc", "scale"], "norm"),
    "logistic": (["loc", "scale"], "logistic"),
    "lognormal": (["s", "scale"], "lognorm"),
    "weibull": (["c", "scale"], "weibull_min"),
    "exponential": (["scale"], "expon"),
}


def log_f_F_S(family, p, x):
    """(log pdf, log cdf, log sf) at x, in mpmath."""
    x = mp.mpf(x)
    if family in ("normal", "logistic"):
        z = (x - p["loc"]) / p["scale"]
        if family == "normal":
            lf = -z * z / 2 - mp.log(2 * mp.pi) / 2 - mp.log(p["scale"])
            return lf, mp.log(mp.ncdf(z)), mp.log(mp.ncdf(-z))
        lf = -z - 2 * mp.log(1 + mp.exp(-z)) - mp.log(p["scale"])
        return lf, -mp.log(1 + mp.exp(-z)), -mp.log(1 + mp.exp(z))
    if family == "lognormal":
        u = (mp.log(x) - mp.log(p["scale"])) / p["s"]
        lf = -u * u / 2 - mp.log(p["s"] * x) - mp.log(2 * mp.pi) / 2
        return lf, mp.log(mp.ncdf(u)), mp.log(mp.ncdf(-u))
    if family == "weibull":
        c, lam = p["c"], p["scale"]
        t = (x / lam) ** c
        lf = mp.log(c / lam) + (c - 1) * mp.log(x / lam) - t
        return lf, mp.log(-mp.expm1(-t)), -t
    if family == "exponential":
        t = x / p["scale"]
        return -t - mp.log(p["scale"]), mp.log(-mp.expm1(-t)), -t
    raise ValueError(family)


def loglik(family, p, case):
    s = mp.mpf(0)
    for v in case["x"]:
        s += log_f_F_S(family, p, v)[0]
    for v in case["left"]:
        s += log_f_F_S(family, p, v)[1]
    for v in case["right"]:
        s += log_f_F_S(family, p, v)[2]
    for a, b in zip(case["lo"], case["hi"]):
        Fa = mp.exp(log_f_F_S(family, p, a)[1])
        Fb = mp.exp(log_f_F_S(family, p, b)[1])
        s += mp.log(Fb - Fa)
    return s


def censor(rng, v, positive, n_left, n_right, n_int):
    """Split v: the first n_right values right-censored below their value,
    the next n_left left-censored above it, the next n_int in an interval
    around it, the rest observed."""
    out = {"x": [], "left": [], "right": [], "lo": [], "hi": []}
    u = rng.uniform(0.2, 1.0, size=(len(v), 2))
    for i, x in enumerate(v):
        if positive:
            below, above = x * (1 - 0.8 * u[i, 0]), x * (1 + u[i, 1])
        else:
            below, above = x - u[i, 0], x + u[i, 1]
        below, above = float(below), float(above)
        if i < n_right:
            out["right"].append(below)
        elif i < n_right + n_left:
            out["left"].append(above)
        elif i < n_right + n_left + n_int:
            out["lo"].append(below)
            out["hi"].append(above)
        else:
            out["x"].append(float(x))
    return out


def draw(family, n, rng):
    return {
        "normal": lambda: rng.normal(1, 2, n),
        "logistic": lambda: rng.logistic(1, 2, n),
        "lognormal": lambda: rng.lognormal(0.3, 0.7, n),
        "weibull": lambda: 2 * rng.weibull(1.7, n),
        "exponential": lambda: rng.exponential(2, n),
    }[family]()


def solve(family, case):
    names, sname = FAMILIES[family]
    fixed = {} if family in ("normal", "logistic") else {"loc": mp.mpf(0)}
    data = st.CensoredData(
        uncensored=case["x"], left=case["left"], right=case["right"],
        interval=np.column_stack([case["lo"], case["hi"]]) if case["lo"] else None,
    )
    kw = {} if family in ("normal", "logistic") else {"floc": 0}
    start = getattr(st, sname).fit(data, **kw)
    start = dict(zip(names, [start[0], start[-1]] if len(names) == 2 else [start[-1]]))

    def ll_of(*vals):
        p = dict(fixed)
        p.update(zip(names, vals))
        return loglik(family, p, case)

    def score(*vals):
        g = [mp.diff(lambda t, i=i: ll_of(*(vals[:i] + (t,) + vals[i + 1:])), vals[i])
             for i in range(len(vals))]
        return g if len(g) > 1 else g[0]

    root = mp.findroot(score, [mp.mpf(start[k]) for k in names], tol=mp.mpf(10) ** -40)
    vals = tuple(root) if len(names) > 1 else (root,)
    g = score(*vals)
    g = g if isinstance(g, list) else [g]
    assert max(abs(x) for x in g) < mp.mpf(10) ** -25, g
    k = len(names)
    H = mp.matrix(k, k)
    for i in range(k):
        for j in range(k):
            order = [0] * k
            order[i] += 1
            order[j] += 1
            H[i, j] = mp.diff(ll_of, vals, tuple(order))
    assert all(e < 0 for e in mp.eigsy(H)[0]), H
    return {n: mp.nstr(v, 25) for n, v in zip(names, vals)}, mp.nstr(ll_of(*vals), 25)


def main():
    cases = []
    rng = np.random.default_rng(20261207)
    specs = [
        ("normal", 30, 6, 4, 5),
        ("logistic", 30, 6, 4, 5),
        ("lognormal", 30, 6, 4, 5),
        ("weibull", 30, 6, 4, 5),
        ("weibull right only", 25, 0, 9, 0),
        ("exponential", 30, 6, 4, 5),
        ("exponential interval only", 20, 0, 0, 12),
    ]
    for label, n, nl, nr, ni in specs:
        family = label.split()[0]
        v = draw(family, n, rng)
        case = censor(rng, v, family not in ("normal", "logistic"), nl, nr, ni)
        params, ll = solve(family, case)
        case = {"label": label, "family": family, **case, "params": params, "loglik": ll}
        case = {k: ([repr(x) for x in val] if isinstance(val, list) else val)
                for k, val in case.items()}
        cases.append(case)
        print(label, params, file=sys.stderr)
    out = {
        "generator": "tests/tools/make_censored_reference.py",
        "versions": {"mpmath": mp.__version__, "numpy": np.__version__,
                     "scipy": scipy.__version__, "python": sys.version.split()[0]},
        "precision": "mpmath 50 digits; parameters printed with 25",
        "cases": cases,
    }
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
