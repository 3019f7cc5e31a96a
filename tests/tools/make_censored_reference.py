"""Reference maximum-likelihood estimates of robstat.fit on censored samples,
solved at high precision (mpmath, 50 digits) -> tests/data/fit_censored_reference.json.

Every case is a seeded sample (stored in the file, exact doubles) split into
exactly observed values, left-censored bounds, right-censored bounds and
intervals, and a family; some cases also carry frequency weights (w_x, w_left,
w_right, w_interval) and truncation bounds (lower, upper). The log-likelihood
is written here from the textbook density, cdf and survival function (SciPy's
parameters), independently of robstat's code:
    sum w log f(x) + sum w log F(left) + sum w log S(right) + sum w log(F(hi) - F(lo)),
and, truncated to [L, U], every probability conditional on [L, U]: the
censoring bounds clipped to it and each term less w log(F(U) - F(L)).
The MLE is the root of the score (mpmath's numerical derivative, mp.diff),
found by mp.findroot from SciPy's censored fit as the starting point, and
checked: |score| < 1e-25 and the (numerical) Hessian negative definite.
Run:  .venv/bin/python tests/tools/make_censored_reference.py
"""

from __future__ import annotations

import json
import math
import os
import sys

import mpmath as mp
import numpy as np
import scipy
import scipy.optimize as sopt
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
    "cauchy": (["loc", "scale"], "cauchy"),
}
LOCATION_SCALE = ("normal", "logistic", "cauchy")


def log_f_F_S(family, p, x):
    """(log pdf, log cdf, log sf) at x, in mpmath."""
    x = mp.mpf(x)
    if family in LOCATION_SCALE:
        z = (x - p["loc"]) / p["scale"]
        if family == "cauchy":
            lf = -mp.log(mp.pi * p["scale"]) - mp.log(1 + z * z)
            return lf, mp.log(mp.mpf(1) / 2 + mp.atan(z) / mp.pi), mp.log(
                mp.mpf(1) / 2 - mp.atan(z) / mp.pi)
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


def cdf(family, p, v):
    if v == mp.inf:
        return mp.mpf(1)
    if v == -mp.inf or (family not in LOCATION_SCALE and v <= 0):
        return mp.mpf(0)
    return mp.exp(log_f_F_S(family, p, v)[1])


def loglik(family, p, case):
    L = mp.mpf(case.get("lower", "-inf"))
    U = mp.mpf(case.get("upper", "inf"))
    weights = {k: case.get("w_" + k) for k in ("x", "left", "right", "interval")}

    def w_of(part, i):
        ws = weights[part]
        return mp.mpf(1) if ws is None else mp.mpf(ws[i])

    def mass(a, b):  # P(max(a, L) < X < min(b, U))
        return cdf(family, p, min(b, U)) - cdf(family, p, max(a, L))

    s, w_total = mp.mpf(0), mp.mpf(0)
    for i, v in enumerate(case["x"]):
        s += w_of("x", i) * log_f_F_S(family, p, v)[0]
        w_total += w_of("x", i)
    terms = [(-mp.inf, v, w_of("left", i)) for i, v in enumerate(case["left"])]
    terms += [(v, mp.inf, w_of("right", i)) for i, v in enumerate(case["right"])]
    terms += [(a, b, w_of("interval", i)) for i, (a, b) in enumerate(zip(case["lo"],
                                                                         case["hi"]))]
    for a, b, w in terms:
        a, b = mp.mpf(a), mp.mpf(b)
        if max(a, L) == L and min(b, U) == U:
            continue  # certain: no information (and no truncation term)
        if (a == -mp.inf or a <= L) and L == -mp.inf and family in LOCATION_SCALE:
            s += w * log_f_F_S(family, p, b)[1]  # log F from the formula (far tails)
        elif b == mp.inf and U == mp.inf:
            s += w * log_f_F_S(family, p, a)[2]
        else:
            s += w * mp.log(mass(a, b))
        w_total += w
    if L > -mp.inf or U < mp.inf:
        s -= w_total * mp.log(mass(L, U))
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
        "cauchy": lambda: 2 + 0.5 * rng.standard_cauchy(n),
    }[family]()


def solve(family, case):
    names, sname = FAMILIES[family]
    fixed = {} if family in LOCATION_SCALE else {"loc": mp.mpf(0)}

    def ll_of(*vals):
        p = dict(fixed)
        p.update(zip(names, vals))
        return loglik(family, p, case)

    # start: SciPy's censored fit of the unweighted, untruncated sample, then a
    # Nelder-Mead polish of this file's log-likelihood (for weights/truncation)
    data = st.CensoredData(
        uncensored=case["x"], left=case["left"], right=case["right"],
        interval=np.column_stack([case["lo"], case["hi"]]) if case["lo"] else None,
    )
    kw = {} if family in LOCATION_SCALE else {"floc": 0}
    start = getattr(st, sname).fit(data, **kw)
    start = [start[0], start[-1]] if len(names) == 2 else [start[-1]]
    def negll(v):
        if min(v[1:] if family in LOCATION_SCALE else v) <= 0:
            return math.inf  # a scale or shape <= 0
        return -float(ll_of(*v))

    start = sopt.minimize(negll, start, method="Nelder-Mead",
                          options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000}).x
    start = dict(zip(names, start))

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
        case = censor(rng, v, family not in LOCATION_SCALE, nl, nr, ni)
        params, ll = solve(family, case)
        case = {"label": label, "family": family, **case, "params": params, "loglik": ll}
        case = {k: ([repr(x) for x in val] if isinstance(val, list) else val)
                for k, val in case.items()}
        cases.append(case)
        print(label, params, file=sys.stderr)
    # the Cauchy family, truncated samples and weighted ones (drawn after the
    # cases above, so those stay as they were)
    specs = [
        ("cauchy", 30, 6, 4, 5, None, False),
        ("cauchy right only", 25, 0, 9, 0, None, False),
        ("normal truncated", 40, 4, 4, 4, (-1.0, 4.0), False),
        ("logistic truncated above", 40, 4, 4, 4, (-math.inf, 3.0), False),
        ("lognormal truncated below", 40, 4, 4, 4, (0.6, math.inf), False),
        ("weibull truncated", 40, 4, 4, 4, (0.5, 4.0), False),
        ("exponential truncated", 40, 4, 4, 4, (0.3, 5.0), False),
        ("cauchy truncated", 40, 4, 4, 4, (0.0, 5.0), False),
        ("weibull weighted", 30, 6, 4, 5, None, True),
        ("normal weighted truncated", 40, 4, 4, 4, (-2.0, 3.5), True),
    ]
    for label, n, nl, nr, ni, trunc, weighted in specs:
        family = label.split()[0]
        v = draw(family, 20 * n, rng)
        if trunc is not None:
            v = v[(v >= trunc[0]) & (v <= trunc[1])]
        v = v[:n]
        case = censor(rng, v, family not in LOCATION_SCALE, nl, nr, ni)
        if trunc is not None:
            case["lower"], case["upper"] = trunc
        if weighted:
            for part, size in (("x", len(case["x"])), ("left", len(case["left"])),
                               ("right", len(case["right"])), ("interval", len(case["lo"]))):
                case["w_" + part] = [float(w) for w in 0.25 * rng.integers(2, 13, size)]
        params, ll = solve(family, case)
        case = {"label": label, "family": family, **case, "params": params, "loglik": ll}
        case = {k: ([repr(x) for x in val] if isinstance(val, list)
                    else repr(val) if isinstance(val, float) else val)
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
