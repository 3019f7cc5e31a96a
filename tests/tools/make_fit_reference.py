"""Reference maximum-likelihood estimates for robstat.fit, solved at high
precision (mpmath, 50 digits) -> tests/data/fit_reference.json.

Every case is a seeded sample (stored in the file, exact doubles), a family,
the fixed parameters and optional integer frequency weights. The MLE is:
  - normal, lognormal, exponential, Laplace: the closed forms, evaluated in
    50-digit arithmetic (the sample median for the Laplace loc);
  - every other family: the root of the score equations, where the score is
    mpmath's numerical derivative (mp.diff) of the log-likelihood written
    from the density -- independent of the derivatives coded in robstat --
    found by mp.findroot from SciPy's fit as the starting point. The root is
    checked: |score| < 1e-30 and the Hessian (numerical) negative definite.
Run:  .venv/bin/python tests/tools/make_fit_reference.py
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
OUT = os.path.join(os.path.dirname(__file__), "..", "data", "fit_reference.json")


def logpdf(family, p, x):
    """mpmath log-density, written from the textbook densities (SciPy's parameters)."""
    x = mp.mpf(x)
    if family == "normal":
        z = (x - p["loc"]) / p["scale"]
        return -z * z / 2 - mp.log(p["scale"]) - mp.log(2 * mp.pi) / 2
    if family == "lognormal":
        y = x - p["loc"]
        u = (mp.log(y) - mp.log(p["scale"])) / p["s"]
        return -u * u / 2 - mp.log(p["s"] * y) - mp.log(2 * mp.pi) / 2
    if family == "exponential":
        return -(x - p["loc"]) / p["scale"] - mp.log(p["scale"])
    if family == "gamma":
        z = (x - p["loc"]) / p["scale"]
        return (p["a"] - 1) * mp.log(z) - z - mp.loggamma(p["a"]) - mp.log(p["scale"])
    if family == "weibull":
        z = (x - p["loc"]) / p["scale"]
        c = p["c"]
        return mp.log(c) + (c - 1) * mp.log(z) - z**c - mp.log(p["scale"])
    if family == "t":
        nu = p["df"]
        z = (x - p["loc"]) / p["scale"]
        return (mp.loggamma((nu + 1) / 2) - mp.loggamma(nu / 2) - mp.log(nu * mp.pi) / 2
                - (nu + 1) / 2 * mp.log(1 + z * z / nu) - mp.log(p["scale"]))
    if family == "laplace":
        return -abs(x - p["loc"]) / p["scale"] - mp.log(2 * p["scale"])
    if family == "logistic":
        z = (x - p["loc"]) / p["scale"]
        return -z - 2 * mp.log(1 + mp.exp(-z)) - mp.log(p["scale"])
    if family == "cauchy":
        z = (x - p["loc"]) / p["scale"]
        return -mp.log(mp.pi * p["scale"] * (1 + z * z))
    if family == "genpareto":
        u = (x - p["loc"]) / p["scale"]
        c = p["c"]
        return -(1 + 1 / c) * mp.log(1 + c * u) - mp.log(p["scale"])
    raise ValueError(family)


NAMES = {"normal": ["loc", "scale"], "lognormal": ["s", "loc", "scale"],
         "exponential": ["loc", "scale"], "gamma": ["a", "loc", "scale"],
         "weibull": ["c", "loc", "scale"], "t": ["df", "loc", "scale"],
         "laplace": ["loc", "scale"], "logistic": ["loc", "scale"], "cauchy": ["loc", "scale"],
         "genpareto": ["c", "loc", "scale"]}
SCIPY = {"normal": "norm", "lognormal": "lognorm", "exponential": "expon", "gamma": "gamma",
         "weibull": "weibull_min", "t": "t", "laplace": "laplace", "logistic": "logistic",
         "cauchy": "cauchy", "genpareto": "genpareto"}
LOC_FIXED = {"lognormal", "gamma", "weibull", "genpareto"}


def loglik(family, p, xs, ws, truncation=None):
    ll = mp.fsum(w * logpdf(family, p, x) for x, w in zip(xs, ws))
    if truncation is not None:  # normal truncated to [lo, hi]
        lo, hi = (mp.mpf(v) for v in truncation)
        mass = mp.ncdf((hi - p["loc"]) / p["scale"]) - mp.ncdf((lo - p["loc"]) / p["scale"])
        ll -= mp.fsum(ws) * mp.log(mass)
    return ll


def closed_form(family, fixed, xs, ws):
    W = mp.fsum(ws)
    mean = lambda f: mp.fsum(w * f(x) for x, w in zip(xs, ws)) / W  # noqa: E731
    p = {k: mp.mpf(v) for k, v in fixed.items()}
    if family == "normal":
        p.setdefault("loc", mean(lambda x: mp.mpf(x)))
        p.setdefault("scale", mp.sqrt(mean(lambda x: (x - p["loc"]) ** 2)))
    elif family == "lognormal":
        mu = mean(lambda x: mp.log(x - p["loc"])) if "scale" not in fixed else mp.log(p["scale"])
        p.setdefault("scale", mp.exp(mu))
        p.setdefault("s", mp.sqrt(mean(lambda x: (mp.log(x - p["loc"]) - mu) ** 2)))
    elif family == "exponential":
        p.setdefault("loc", mp.mpf(min(xs)))
        p.setdefault("scale", mean(lambda x: x - p["loc"]))
    elif family == "laplace":
        if "loc" not in p:
            rep = sorted(x for x, w in zip(xs, ws) for _ in range(int(w)))
            n = len(rep)
            p["loc"] = mp.mpf(rep[n // 2]) if n % 2 else (mp.mpf(rep[n // 2 - 1]) + rep[n // 2]) / 2
        p.setdefault("scale", mean(lambda x: abs(x - p["loc"])))
    return p


def score_root(family, fixed, xs, ws, start, truncation=None):
    names = NAMES[family]
    free = [k for k in names if k not in fixed]
    pos = [k != "loc" and not (family == "genpareto" and k == "c") for k in free]

    def params(u):
        p = {k: mp.mpf(v) for k, v in fixed.items()}
        for k, v, lg in zip(free, u, pos):
            p[k] = mp.exp(v) if lg else v  # log-parameterised positives: same root
        return p

    def ll(*u):
        return loglik(family, params(u), xs, ws, truncation)

    def score(*u):
        out = []
        for i in range(len(u)):
            out.append(mp.diff(lambda t, i=i: ll(*(u[:i] + (t,) + u[i + 1:])), u[i]))
        return out if len(out) > 1 else out[0]

    u0 = [mp.log(start[k]) if lg else mp.mpf(start[k]) for k, lg in zip(free, pos)]
    root = mp.findroot(score, u0 if len(u0) > 1 else u0[0], tol=mp.mpf(10) ** -40)
    u = list(root) if len(free) > 1 else [root]
    # (iterates may pass outside the support, where the logs turn complex: the
    # root must be real, which the score check below confirms)
    assert all(abs(mp.im(v)) < mp.mpf(10) ** -40 for v in u), u
    u = [mp.re(v) for v in u]
    s = score(*u)
    s = s if isinstance(s, list) else [s]
    assert max(abs(v) for v in s) < mp.mpf(10) ** -30, (family, fixed, s)
    # negative definite Hessian (numerical) at the root
    k = len(u)
    H = mp.matrix(k, k)
    h = mp.mpf(10) ** -15  # central differences: O(h^2) = 1e-30 at 50 digits
    for i in range(k):
        for j in range(k):
            def at(di, dj, i=i, j=j):
                v = list(u)
                v[i] += di * h
                v[j] += dj * h
                return ll(*v)
            H[i, j] = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h * h)
    ev = mp.eigsy(-(H + H.T) / 2)[0]
    assert min(ev) > 0, (family, fixed, ev)
    return params(u)


def truncated_case(x, lo, hi, label):
    """Normal truncated to [lo, hi]: start from a Nelder-Mead optimum of the
    double-precision truncated likelihood, polish with the mpmath score root."""
    from scipy.optimize import minimize

    xs = [float(v) for v in x]
    xa = np.array(xs)

    def nll(v):
        loc, ls = v
        s = np.exp(ls)
        return -st.truncnorm.logpdf(xa, (lo - loc) / s, (hi - loc) / s, loc, s).sum()

    opt = minimize(nll, [xa.mean(), np.log(xa.std())], method="Nelder-Mead",
                   options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
    start = {"loc": opt.x[0], "scale": float(np.exp(opt.x[1]))}
    ws = [1] * len(xs)
    p = score_root("normal", {}, xs, ws, start, (lo, hi))
    return {
        "label": label,
        "family": "normal",
        "fixed": {},
        "truncation": [lo, hi],
        "x": [repr(v) for v in xs],
        "weights": None,
        "params": {k: mp.nstr(p[k], 25) for k in ("loc", "scale")},
        "loglik": mp.nstr(loglik("normal", p, xs, ws, (lo, hi)), 25),
    }


def case(family, x, fixed=None, weights=None, label=""):
    fixed = dict(fixed or {})
    if family in LOC_FIXED:
        fixed.setdefault("loc", 0.0)
    xs = [float(v) for v in x]
    ws = [1] * len(xs) if weights is None else [int(v) for v in weights]
    if family in ("normal", "lognormal", "exponential", "laplace"):
        p = closed_form(family, fixed, xs, ws)
    else:
        rep = np.repeat(np.array(xs), ws)
        kw = {("floc" if k == "loc" else "fscale" if k == "scale" else "f" + k): v
              for k, v in fixed.items()}
        # SciPy accepts fa / fc / fdf for the shapes ("f0" also works)
        sp = getattr(st, SCIPY[family]).fit(rep, **kw)
        start = dict(zip(NAMES[family], sp))
        p = score_root(family, fixed, xs, ws, start)
    ll = loglik(family, p, xs, ws)
    return {
        "label": label or family,
        "family": family,
        "fixed": fixed,
        "x": [repr(v) for v in xs],
        "weights": None if weights is None else ws,
        "params": {k: mp.nstr(p[k], 25) for k in NAMES[family]},
        "loglik": mp.nstr(ll, 25),
    }


def main():
    rng = np.random.default_rng(20261123)
    cases = []
    cases.append(case("normal", rng.normal(3, 2, 60)))
    cases.append(case("normal", rng.normal(3, 2, 40), fixed={"loc": 2.5}, label="normal loc fixed"))
    cases.append(case("lognormal", rng.lognormal(0.5, 0.8, 60)))
    cases.append(case("lognormal", rng.lognormal(0.5, 0.8, 40) + 1, fixed={"loc": 1.0},
                      label="lognormal loc=1"))
    cases.append(case("exponential", rng.exponential(2, 60) + 1))
    cases.append(case("exponential", rng.exponential(2, 40), fixed={"loc": 0.0},
                      label="exponential loc fixed"))
    cases.append(case("laplace", rng.laplace(1, 2, 61), label="laplace odd n"))
    cases.append(case("laplace", rng.laplace(1, 2, 60), label="laplace even n"))
    cases.append(case("gamma", rng.gamma(2.5, 1.7, 80)))
    cases.append(case("gamma", rng.gamma(0.2, 3.0, 80), label="gamma small a"))
    cases.append(case("gamma", rng.gamma(200, 0.01, 80), label="gamma large a"))
    cases.append(case("gamma", rng.gamma(2.5, 1.7, 60), fixed={"scale": 1.5},
                      label="gamma scale fixed"))
    cases.append(case("weibull", 2 * rng.weibull(1.7, 80)))
    cases.append(case("weibull", 2 * rng.weibull(0.5, 80), label="weibull small c"))
    cases.append(case("weibull", 50 * rng.weibull(20, 80), label="weibull large c"))
    cases.append(case("weibull", 2 * rng.weibull(1.7, 60), fixed={"scale": 2.5},
                      label="weibull scale fixed"))
    cases.append(case("t", 1 + 2 * rng.standard_t(3, 100)))
    cases.append(case("t", 1 + 2 * rng.standard_t(4, 80), fixed={"df": 4.0}, label="t df fixed"))
    cases.append(case("logistic", rng.logistic(1, 2, 80)))
    cases.append(case("logistic", rng.logistic(1, 2, 60), fixed={"loc": 0.5},
                      label="logistic loc fixed"))
    cases.append(case("cauchy", 1 + 2 * rng.standard_cauchy(80)))
    w = rng.integers(1, 5, 40)
    cases.append(case("gamma", rng.gamma(3, 2, 40), weights=w, label="gamma weighted"))
    cases.append(case("t", 2 * rng.standard_t(5, 40), weights=w, label="t weighted"))
    cases.append(case("laplace", rng.laplace(0, 1, 40), weights=w, label="laplace weighted"))
    cases.append(case("genpareto", st.genpareto(0.3, scale=2).rvs(100, random_state=rng),
                      label="genpareto c > 0"))
    cases.append(case("genpareto", st.genpareto(-0.3, scale=2).rvs(100, random_state=rng),
                      label="genpareto c < 0"))
    cases.append(case("genpareto", st.genpareto(0.3, scale=2).rvs(80, random_state=rng),
                      fixed={"scale": 2.0}, label="genpareto scale fixed"))
    y = rng.normal(1, 2, 400)
    cases.append(truncated_case(y[(y > -1) & (y < 4)][:80], -1.0, 4.0, "truncated normal [-1, 4]"))
    y = rng.normal(1, 2, 2000)
    cases.append(truncated_case(y[y > 3][:80], 3.0, float("inf"), "truncated normal [3, inf)"))
    doc = {
        "generator": "tests/tools/make_fit_reference.py",
        "versions": {"mpmath": mp.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
                     "python": sys.version.split()[0]},
        "precision": "mpmath 50 digits; parameters printed with 25",
        "cases": cases,
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
