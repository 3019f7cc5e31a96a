"""Prints, as JSON, robstat.simd_arch() and the results of every public
function on fixed data (float64 and float32, NaN policies, the selection
engine's sizes, workers=2). tests/tools/run_qemu_tests.sh runs it natively with
ROBSTAT_FORCE_ARCH=<arch> and under qemu-x86_64 -cpu <model> without it: the
emulated CPU must choose <arch> and reproduce the native results bit for bit.
"""

import json

import numpy as np
import robstat

rng = np.random.default_rng(11)
x = rng.standard_t(3, size=(6, 20011))  # n >= 16384: the one-pass selection engine
x[1, ::9] = np.nan
small = rng.normal(size=(5, 37))
out = {"arch": robstat.simd_arch()}
for dname, data in (("x", x), ("x32", x.astype(np.float32)), ("small", small)):
    for nan in ("propagate", "omit"):
        kw = dict(axis=1, nan_policy=nan)
        res = {
            "mean": robstat.mean(data, **kw),
            "var": robstat.var(data, 1, **kw),
            "median": robstat.median(data, **kw),
            "quantile": robstat.quantile(data, [0.01, 0.25, 0.5, 0.99], **kw),
            "trimmed_mean": robstat.trimmed_mean(data, 0.1, workers=2, **kw),
            "winsorized_mean": robstat.winsorized_mean(data, (0.05, 0.2), **kw),
            "mad": robstat.mad(data, **kw),
            "iqr": robstat.iqr(data, **kw),
            "winsorize": robstat.winsorize(data, 0.1, workers=2, **kw)[:, ::97],
            "robust_zscore": robstat.robust_zscore(data, **kw)[:, ::89],
        }
        for k, v in res.items():
            out[f"{dname}/{nan}/{k}"] = [repr(float(t)) for t in np.ravel(v)]
print(json.dumps(out, sort_keys=True))
