"""robstat: fast robust statistics (trimmed and winsorized means, medians, MAD,
Qn/Sn, M-estimators, medcouple, sigma clipping, outlier rules, robust z-scores)
from a header-only C++17/SIMD core."""

from typing import Any

from ._aggregate import Aggregate, CutValue, GroupedAggregate, aggregate
from ._api import (
    IQR_NORMAL_SCALE,
    MAD_NORMAL_SCALE,
    SmallSampleWarning,
    iqr,
    mad,
    mean,
    median,
    modified_zscore,
    quantile,
    robust_zscore,
    simd_arch,
    std,
    trimmed_mean,
    var,
    winsorize,
    winsorized_mean,
)
from ._clipping import OutlierResult, SigmaClipResult, outliers, sigma_clip
from ._core import __version__
from ._fit import FAMILIES, FitResult, GofResult, fit, fit_best, gof
from ._fit_batch import FitBatch
from ._medcouple import medcouple
from ._mest import (
    ConvergenceWarning,
    HuberResult,
    biweight_location,
    biweight_midvariance,
    biweight_scale,
    huber,
    huber_joint,
)
from ._pairwise import QN_NORMAL_CONSTANT, SN_NORMAL_CONSTANT, hodges_lehmann, qn, sn
from ._rolling import (
    RollingZscoreResult,
    rolling_mad,
    rolling_median,
    rolling_quantile,
    rolling_robust_zscore,
    rolling_trimmed_mean,
)
from ._trimmed import trimean, trimmed_ci, trimmed_sem, trimmed_var, winsorized_var
from ._weighted import weighted_trimmed_mean, weighted_winsorized_mean


def __getattr__(name: str) -> Any:
    # robstat.scipy (the SciPy drop-ins) is imported on first use: it imports
    # SciPy's warning class when SciPy is installed, which `import robstat` should not pay.
    # robstat.plot likewise (it imports matplotlib only when a plot is drawn).
    if name in ("scipy", "plot"):
        import importlib

        return importlib.import_module("." + name, __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Aggregate",
    "CutValue",
    "GroupedAggregate",
    "aggregate",
    "__version__",
    "biweight_location",
    "biweight_midvariance",
    "biweight_scale",
    "ConvergenceWarning",
    "FAMILIES",
    "fit",
    "fit_best",
    "FitBatch",
    "FitResult",
    "gof",
    "GofResult",
    "hodges_lehmann",
    "huber",
    "huber_joint",
    "HuberResult",
    "iqr",
    "IQR_NORMAL_SCALE",
    "mad",
    "MAD_NORMAL_SCALE",
    "mean",
    "medcouple",
    "median",
    "modified_zscore",
    "OutlierResult",
    "outliers",
    "qn",
    "QN_NORMAL_CONSTANT",
    "quantile",
    "robust_zscore",
    "rolling_mad",
    "rolling_median",
    "rolling_quantile",
    "rolling_robust_zscore",
    "rolling_trimmed_mean",
    "RollingZscoreResult",
    "sigma_clip",
    "SigmaClipResult",
    "simd_arch",
    "SmallSampleWarning",
    "sn",
    "SN_NORMAL_CONSTANT",
    "std",
    "trimean",
    "trimmed_ci",
    "trimmed_mean",
    "trimmed_sem",
    "trimmed_var",
    "var",
    "weighted_trimmed_mean",
    "weighted_winsorized_mean",
    "winsorize",
    "winsorized_mean",
    "winsorized_var",
]
