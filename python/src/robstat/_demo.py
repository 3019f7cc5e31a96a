"""``robstat demo`` (what ``make demo`` runs): robust aggregates of the bundled data sets.

The data are installed inside the package (robstat/data/*.csv, from the repository's data/
directory; data/README.md gives their provenance), so the demo runs from any directory.
Every statistic comes from robstat; the figures from :func:`robstat.plot.aggregate`.
"""

from __future__ import annotations

import re
import sys
from contextlib import ExitStack
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .cli import CliError, ColumnData, format_grouped, format_single, read_column, run_aggregate

# The one number typed in: the speed of light in vacuum (km/s), exact by definition of the
# metre (SI, 1983). Michelson measured in air and corrected; this only puts them side by side.
SPEED_OF_LIGHT_KMS = 299792.458
CAMPAIGN_MAX_AGE = 3  # the planted campaigns' accounts are 0-3 days old (data/README.md)
DATASETS = ("chem.csv", "abbey.csv", "morley.csv", "ratings.csv")

RULE = "=" * 88
TRIM_TEXT = "trim (0.1 per tail)"
MAD_TEXT = "mad (threshold 3.5, bootstrap interval)"


def data_file(name: str, stack: ExitStack) -> str:
    """A filesystem path of the bundled data file ``name`` (valid while ``stack`` is open)."""
    ref = resources.files("robstat") / "data" / name
    if not ref.is_file():
        raise CliError(f"the bundled data file robstat/data/{name} is missing from the "
                       "installed package (reinstall robstat)")
    return str(stack.enter_context(resources.as_file(ref)))


def _read(path: str, column: str, group_by: str | None = None) -> ColumnData:
    data = read_column(path, column, group_by)
    data.source = Path(path).name
    return data


def _aggregate(data: ColumnData, method: str, **kw: Any) -> Any:
    return run_aggregate(data, method=method, trim=kw.get("trim"),
                         threshold=kw.get("threshold"), ci=kw.get("ci", "auto"),
                         confidence=0.95, n_boot=kw.get("n_boot", 1000), seed=0)


def _show(data: ColumnData, method: str, text: str, **kw: Any) -> Any:
    """Aggregate one column, print its summary (top 5 outliers) and a blank line."""
    res = _aggregate(data, method, **kw)
    print(format_single(data, res, 5, method_text=text))
    print()
    return res


def _units(path: str) -> str:
    with open(path, encoding="ascii") as fh:
        for line in fh:
            if line.startswith("# Units:"):
                return line[len("# Units:"):].strip()
    return ""


def _section(title: str) -> None:
    print(RULE)
    print(title)
    print(RULE)


def run(out: str | Path) -> int:
    """Print the demo and write its figures to ``out``; returns the exit code."""
    import robstat as rs

    print(f"robstat {rs.__version__} (SIMD: {rs.simd_arch()}): robust aggregation of the "
          "bundled data sets\n")
    print("robstat.aggregate cuts both tails, reports the centre of what is kept with its 95%")
    print("interval, and labels every value. Methods shown: trim (10% per tail, the trimmed")
    print("mean with Yuen's interval), mad (cut |x - median| / (1.4826 MAD) > 3.5, centre =")
    print("mean of the kept values) and adjbox (the skewness-adjusted boxplot fences). The")
    print("fence methods have no analytic interval: theirs is the percentile bootstrap of the")
    print("whole procedure (1000 resamples, seed 0; robstat summarize --ci bootstrap).")
    print("'line' is the line of the CSV file; robust z = (x - median) / (1.4826 MAD).\n")
    with ExitStack() as stack:
        paths = {name: data_file(name, stack) for name in DATASETS}
        results = _print_all(paths)
    try:
        written = _figures(results, Path(out))
    except ImportError as exc:
        print(f"robstat demo: error: the figures need matplotlib ({exc}); install it with "
              "pip install 'robstat[demo]'", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"robstat demo: error: cannot write the figures to {out}: {exc.strerror}",
              file=sys.stderr)
        return 1
    print("Figures written:")
    for p in written:
        print(f"  {p}")
    return 0


def _print_all(paths: dict[str, str]) -> dict[str, Any]:
    results = {}
    # chem: one gross outlier (28.95) and a milder high value
    chem = _read(paths["chem.csv"], "copper")
    _section("chem: copper in wholemeal flour (MASS::chem), ppm")
    trim = _show(chem, "trim", TRIM_TEXT)
    mad = _show(chem, "mad", MAD_TEXT, ci="bootstrap")
    results["chem"] = (chem, trim)

    # abbey: right-skewed; the adjusted boxplot allows for the skewness
    abbey = _read(paths["abbey.csv"], "nickel")
    _section("abbey: nickel in a Canadian syenite rock (MASS::abbey), ppm; right-skewed")
    trim = _show(abbey, "trim", TRIM_TEXT)
    adj = _show(abbey, "adjbox", "adjbox (threshold 1.5, bootstrap interval)", ci="bootstrap")
    results["abbey"] = (abbey, adj)

    # morley: all 100 runs, then per experiment
    units = _units(paths["morley.csv"])
    m = re.search(r"km/s with (\d+) subtracted", units)
    offset = int(m.group(1)) if m else 0
    morley = _read(paths["morley.csv"], "Speed")
    _section(f"morley: Michelson's 1879 speed of light (datasets::morley), km/s - {offset}")
    trim = _show(morley, "trim", TRIM_TEXT)
    mad = _show(morley, "mad", MAD_TEXT, ci="bootstrap")
    if offset:
        c = trim.center + offset
        lo, hi = trim.ci[0] + offset, trim.ci[1] + offset
        print(f"  In km/s: trimmed mean {c:,.1f} (95% interval {lo:,.1f} to {hi:,.1f}); "
              f"the modern value is {SPEED_OF_LIGHT_KMS:,.3f}")
        print(f"  (in vacuum), {SPEED_OF_LIGHT_KMS - c:+,.1f} from the estimate: the runs "
              "share a systematic error that no robust estimator can remove.\n")
    by_expt = _read(paths["morley.csv"], "Speed", "Expt")
    grouped = _aggregate(by_expt, "trim")
    print(format_grouped(by_expt, grouped, 5, method_text="trim (0.1 per tail)"))
    print()
    results["morley"] = (morley, mad)
    results["morley_by_expt"] = (by_expt, grouped)

    # ratings: 12 items, planted review-bombing and boosting campaigns
    _section("ratings: 12 items rated 1-10, with planted campaigns from new accounts "
             "(data/README.md)")
    ratings = _read(paths["ratings.csv"], "rating", "item")
    age = _read(paths["ratings.csv"], "account_age_days")
    for method, text in (("trim", TRIM_TEXT), ("mad", MAD_TEXT)):
        res = _aggregate(ratings, method, ci="auto" if method == "trim" else "bootstrap")
        print(format_grouped(ratings, res, 10, method_text=text))
        new = age.values[res.labels != 0] <= CAMPAIGN_MAX_AGE
        planted = int(np.count_nonzero(age.values <= CAMPAIGN_MAX_AGE))
        if method == "mad":
            print(f"\n  Of the {new.size} ratings mad cut, {int(np.count_nonzero(new))} came "
                  f"from accounts at most {CAMPAIGN_MAX_AGE} days old (the {planted} "
                  "planted campaign")
            print("  ratings); the boosting campaign (ratings of 10) sits at the top of the "
                  "scale, within the fences.")
        print()
        results[f"ratings_{method}"] = (ratings, res)
    return results


def _figures(results: dict[str, Any], out: Path) -> list[Path]:
    from matplotlib.figure import Figure

    from . import plot

    out.mkdir(parents=True, exist_ok=True)
    written = []

    fig = Figure(figsize=(12, 8.2), layout="constrained")
    axes = fig.subplots(2, 2).reshape(-1)
    chem, res = results["chem"]
    plot.aggregate(res, chem.values, ax=axes[0], title="chem: copper (ppm), trim 10%")
    abbey, res = results["abbey"]
    plot.aggregate(res, abbey.values, ax=axes[1], title="abbey: nickel (ppm), adjbox")
    morley, res = results["morley"]
    plot.aggregate(res, morley.values, ax=axes[2],
                   title="morley: speed of light (km/s - 299000), mad")
    ratings, grouped = results["ratings_mad"]
    g = list(grouped.keys).index("ember")
    members = np.flatnonzero(grouped.codes == g)
    plot.aggregate(grouped["ember"], ratings.values[members], ax=axes[3],
                   title="ratings of 'ember' (review-bombed), mad")
    fig.suptitle("robstat.aggregate: kept and cut values, centre and 95% interval")
    written.append(_save(fig, out / "robust_summary.png"))

    by_expt, grouped = results["morley_by_expt"]
    fig = plot.aggregate(grouped, by_expt.values,
                         title="morley: speed of light by experiment, trim 10%")
    written.append(_save(fig, out / "morley_by_expt.png"))

    ratings, grouped = results["ratings_mad"]
    fig = plot.aggregate(grouped, ratings.values, title="ratings by item, mad (threshold 3.5)")
    written.append(_save(fig, out / "ratings_by_item.png"))
    return written


def _save(fig: Any, path: Path) -> Path:
    fig.savefig(path, dpi=110)
    return path
