#!/usr/bin/env python3
"""robstat demo: robust summaries of three classic measurement data sets.

    .venv/bin/python examples/demo.py [--data DIR] [--out DIR]

For each data set (MASS::chem copper, MASS::abbey nickel, and Michelson's 1879
speed-of-light runs from datasets::morley, overall and per experiment) this
prints a table of classical and robust estimates of location and scale, then
the values flagged by the Iglewicz-Hoaglin rule |modified z-score| > 3.5. It
writes one figure, ``robust_summary.png``, to the output directory.

Every statistic is computed by robstat; numpy is used only to read, select,
sort and format, and matplotlib (Agg backend) only to draw.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import robstat as rs

# The one number typed in: the speed of light in vacuum, exact by definition
# of the metre (SI, 1983). Michelson measured in air and corrected his
# values; the comparison below only puts the numbers side by side.
SPEED_OF_LIGHT_KMS = 299792.458

CUTOFF = 3.5  # Iglewicz & Hoaglin (1993) cutoff for |modified z-score|
TRIMS = (0.1, 0.2)  # proportions cut from each tail for the trimmed means
WINSOR = 0.1  # proportion winsorized in each tail

REPO = Path(__file__).resolve().parent.parent
FILES = {"chem": "chem.csv", "abbey": "abbey.csv", "morley": "morley.csv"}

# colour-blind-safe (Okabe-Ito) palette
C_POINT = "#7f7f7f"
C_FLAG = "#D55E00"
C_MEAN = "#E69F00"
C_TRIM = "#009E73"
C_MED = "#0072B2"
C_REF = "#000000"


class DemoError(Exception):
    """A problem with the input data, reported without a traceback."""


# ---- reading -------------------------------------------------------------------


@dataclass
class Table:
    path: Path
    data: np.ndarray  # structured array, one record per data row
    comments: list[str] = field(default_factory=list)


def read_table(path: Path) -> Table:
    """Read one of the bundled CSV files: '#' comment lines, a header, data rows."""
    try:
        with open(path, encoding="ascii") as fh:
            lines = fh.read().splitlines()
    except OSError as exc:
        raise DemoError(f"cannot read {path}: {exc.strerror}") from None
    comments = [ln for ln in lines if ln.startswith("#")]
    body = [ln for ln in lines if not ln.startswith("#") and ln.strip()]
    if len(body) < 2:
        raise DemoError(f"{path}: no header row and data rows found")
    data = np.genfromtxt(body, delimiter=",", names=True, dtype=None, encoding="ascii")
    return Table(path, np.atleast_1d(data), comments)


def column(table: Table, name: str) -> np.ndarray:
    names = table.data.dtype.names or ()
    if name not in names:
        raise DemoError(f"{table.path}: no column {name!r} (columns: {', '.join(names)})")
    values = table.data[name]
    if values.dtype.kind not in "iuf":
        raise DemoError(f"{table.path}: column {name!r} is not numeric")
    if not np.all(np.isfinite(values)):
        raise DemoError(f"{table.path}: column {name!r} has missing or non-numeric values")
    return values


def morley_offset(table: Table) -> int:
    """The constant subtracted from Speed (km/s), read from the file's Units line."""
    for line in table.comments:
        if line.startswith("# Units:"):
            m = re.search(r"km/s with (\d+) subtracted", line)
            if m:
                return int(m.group(1))
    raise DemoError(f"{table.path}: the '# Units:' line does not say what was subtracted "
                    "from Speed (expected 'km/s with N subtracted')")


# ---- statistics (all from robstat) ---------------------------------------------


@dataclass
class Group:
    """One sample: its values, 1-based data-row numbers, and robstat results."""

    label: str
    values: np.ndarray
    rows: np.ndarray
    extra: dict[str, np.ndarray] = field(default_factory=dict)  # e.g. Expt/Run labels

    def __post_init__(self) -> None:
        x = self.values
        self.stats = {
            "n": len(x),
            "mean": rs.mean(x),
            **{f"trimmed mean {p:.0%}": rs.trimmed_mean(x, p) for p in TRIMS},
            "median": rs.median(x),
            f"winsorized mean {WINSOR:.0%}": rs.winsorized_mean(x, WINSOR),
            "standard deviation (n-1)": rs.std(x, ddof=1),
            "MAD (normal-consistent)": rs.mad(x),
            "IQR (Q3 - Q1)": rs.iqr(x),
        }
        self.robust_z = rs.robust_zscore(x)
        self.modified_z = rs.modified_zscore(x)
        self.flagged = np.abs(self.modified_z) > CUTOFF
        # flagged positions, most extreme first (ties: file order)
        idx = np.flatnonzero(self.flagged)
        self.flag_order = idx[np.argsort(-np.abs(self.modified_z[idx]), kind="stable")]

    @property
    def centre_lines(self) -> list[tuple[str, float, str, str]]:
        """(name, value, colour, linestyle) of the three centres drawn on the plot."""
        p = TRIMS[0]
        return [
            ("mean", self.stats["mean"], C_MEAN, "-"),
            (f"{p:.0%} trimmed mean", self.stats[f"trimmed mean {p:.0%}"], C_TRIM, "--"),
            ("median", self.stats["median"], C_MED, "-."),
        ]


@dataclass
class Dataset:
    key: str
    title: str
    unit: str
    groups: list[Group]
    decimals: int  # decimals of the recorded values


def decimals_of(x: np.ndarray) -> int:
    """Number of decimals the values are recorded with (formatting only)."""
    for d in range(7):
        if np.all(np.round(x, d) == x):
            return d
    return 6


def load(data_dir: Path) -> tuple[list[Dataset], int]:
    missing = [str(data_dir / f) for f in FILES.values() if not (data_dir / f).is_file()]
    if missing:
        raise DemoError("data file(s) not found:\n  " + "\n  ".join(missing) +
                        "\nPass --data DIR with the directory holding "
                        + ", ".join(FILES.values()) + ".")
    chem_t = read_table(data_dir / FILES["chem"])
    abbey_t = read_table(data_dir / FILES["abbey"])
    morley_t = read_table(data_dir / FILES["morley"])

    def single(table: Table, col: str, label: str) -> Group:
        x = column(table, col).astype(np.float64)
        return Group(label, x, np.arange(1, len(x) + 1))

    chem = Dataset("chem", "chem: copper in wholemeal flour (MASS::chem)", "ppm",
                   [single(chem_t, "copper", "copper")], 0)
    abbey = Dataset("abbey", "abbey: nickel in a Canadian syenite rock (MASS::abbey)", "ppm",
                    [single(abbey_t, "nickel", "nickel")], 0)

    offset = morley_offset(morley_t)
    speed = column(morley_t, "Speed").astype(np.float64)
    expt = column(morley_t, "Expt")
    run = column(morley_t, "Run")
    rows = np.arange(1, len(speed) + 1)
    groups = [Group("all", speed, rows, {"Expt": expt, "Run": run})]
    for e in np.unique(expt):
        sel = expt == e
        groups.append(Group(f"Expt {e}", speed[sel], rows[sel], {"Expt": expt[sel], "Run": run[sel]}))
    morley = Dataset("morley", "morley: Michelson's 1879 speed of light (datasets::morley)",
                     f"km/s - {offset}", groups, 0)
    for ds in (chem, abbey, morley):
        ds.decimals = decimals_of(np.concatenate([g.values for g in ds.groups]))
    return [chem, abbey, morley], offset


# ---- printing ------------------------------------------------------------------


def fmt(v: float, decimals: int) -> str:
    return f"{v:,.{decimals}f}"


def print_summary(ds: Dataset, path: Path) -> None:
    rule = "=" * 78
    print(rule)
    print(f"{ds.title}")
    print(f"  file {path}   unit: {ds.unit}")
    print(rule)
    dec = ds.decimals + 2
    labels = [g.label for g in ds.groups]
    names = list(ds.groups[0].stats)
    cells = [[str(g.stats[s]) if s == "n" else fmt(g.stats[s], dec) for g in ds.groups]
             for s in names]
    w0 = max(len(s) for s in names)
    w = max(max(len(c) for row in cells for c in row), max(len(l) for l in labels))
    print("  " + "statistic".ljust(w0) + "".join(f"  {l:>{w}}" for l in labels))
    print("  " + "-" * w0 + "".join("  " + "-" * w for _ in labels))
    for s, row in zip(names, cells):
        print("  " + s.ljust(w0) + "".join(f"  {c:>{w}}" for c in row))
    print()
    for g in ds.groups:
        where = "" if len(ds.groups) == 1 else f" [{g.label}]"
        n_flag = len(g.flag_order)
        head = f"  Flagged{where}: |modified z| > {CUTOFF}"
        if n_flag == 0:
            print(f"{head}: none")
            continue
        print(f"{head}: {n_flag} of {g.stats['n']} values, most extreme first")
        cols = ["row"] + list(g.extra) + ["value", "robust z", "modified z"]
        table = [[str(g.rows[i])] + [str(v[i]) for v in g.extra.values()] +
                 [fmt(g.values[i], ds.decimals), f"{g.robust_z[i]:+.2f}", f"{g.modified_z[i]:+.2f}"]
                 for i in g.flag_order]
        widths = [max(len(c), *(len(r[k]) for r in table)) for k, c in enumerate(cols)]
        print("    " + "  ".join(c.rjust(wd) for c, wd in zip(cols, widths)))
        for r in table:
            print("    " + "  ".join(c.rjust(wd) for c, wd in zip(r, widths)))
    print()


def print_morley_comparison(ds: Dataset, offset: int) -> None:
    g = ds.groups[0]  # all 100 runs
    p = TRIMS[0]
    centres = [("median", g.stats["median"]),
               (f"{p:.0%} trimmed mean", g.stats[f"trimmed mean {p:.0%}"]),
               ("mean", g.stats["mean"])]
    dec = ds.decimals + 2
    parts = [f"{name} {fmt(v + offset, dec)} ({v + offset - SPEED_OF_LIGHT_KMS:+,.{dec}f})"
             for name, v in centres]
    print(f"  Michelson 1879, all {g.stats['n']} runs, in km/s (Speed + {offset:,}), and in "
          "brackets the")
    print(f"  difference from the modern value {SPEED_OF_LIGHT_KMS:,.3f} km/s (speed of light "
          "in vacuum):")
    print("    " + ";  ".join(parts))
    print()


# ---- plotting ------------------------------------------------------------------


def swarm_offsets(x: np.ndarray, width: float, step: float, limit: float) -> np.ndarray:
    """Vertical offsets so points closer than `width` (data units) do not overlap:
    each point takes the free slot 0, +1, -1, +2, ... nearest the centre line."""
    slots = np.zeros(len(x))
    placed: list[tuple[float, int]] = []
    for i in np.argsort(x, kind="stable"):
        used = {s for px, s in placed if abs(px - x[i]) < width}
        k = 0
        while (s := (k + 1) // 2 * (1 if k % 2 else -1)) in used:
            k += 1
        placed.append((x[i], s))
        slots[i] = s
    top = np.max(np.abs(slots)) if len(slots) else 0
    return slots * (min(step, limit / top) if top else step)


def find_break(x: np.ndarray) -> tuple[float, float] | None:
    """(lo, hi) of the widest gap in the sorted values when it is wider than the
    span of the values below it, i.e. when a few far values would squeeze the
    bulk of the data into a small part of a continuous axis; else None."""
    s = np.sort(x)
    if len(s) < 3:
        return None
    gaps = np.diff(s)
    k = int(np.argmax(gaps))
    below = s[k] - s[0]
    if gaps[k] > 1.5 * max(below, np.finfo(float).tiny) and k + 1 >= len(s) // 2:
        return float(s[k]), float(s[k + 1])
    return None


def strip_panel(fig, spec, ds: Dataset) -> None:
    """A horizontal dot plot of one sample, with a broken x axis if needed."""
    import matplotlib.ticker as mticker

    g = ds.groups[0]
    x = g.values
    brk = find_break(x)
    lo, hi = float(np.min(x)), float(np.max(x))
    if brk is None:
        ax_l = fig.add_subplot(spec)
        axes = [ax_l]
        pad = 0.06 * (hi - lo)
        ax_l.set_xlim(lo - pad, hi + pad)
        span = hi - lo + 2 * pad
    else:
        sub = spec.subgridspec(1, 2, width_ratios=[5, 1], wspace=0.04)
        ax_l = fig.add_subplot(sub[0])
        ax_r = fig.add_subplot(sub[1], sharey=ax_l)
        axes = [ax_l, ax_r]
        bulk_hi = brk[0]
        pad = 0.06 * (bulk_hi - lo)
        ax_l.set_xlim(lo - pad, bulk_hi + pad)
        span = bulk_hi - lo + 2 * pad
        # same data-per-inch scale on both halves, centred on the far values
        far = x[x >= brk[1]]
        mid = 0.5 * (float(np.min(far)) + float(np.max(far)))
        half = max(span / 5 / 2, 0.6 * (float(np.max(far)) - float(np.min(far))))
        ax_r.set_xlim(mid - half, mid + half)
        ax_r.xaxis.set_major_locator(mticker.MaxNLocator(nbins=2, steps=[1, 2, 5, 10]))
        # the break: hide the facing spines, draw slanted marks
        ax_l.spines["right"].set_visible(False)
        ax_r.spines["left"].set_visible(False)
        ax_r.tick_params(left=False, labelleft=False)
        marks = dict(marker=[(-1, -1.5), (1, 1.5)], markersize=10, linestyle="none",
                     color="k", mec="k", mew=1, clip_on=False)
        ax_l.plot([1, 1], [0, 1], transform=ax_l.transAxes, **marks)
        ax_r.plot([0, 0], [0, 1], transform=ax_r.transAxes, **marks)

    y = swarm_offsets(x, width=0.012 * span, step=0.09, limit=0.32)
    for ax in axes:
        x0, x1 = ax.get_xlim()
        inside = (x >= x0) & (x <= x1)
        ok = inside & ~g.flagged
        bad = inside & g.flagged
        ax.scatter(x[ok], y[ok], s=30, color=C_POINT, alpha=0.85, edgecolor="white",
                   linewidth=0.5, zorder=3, label="data" if ax is ax_l else None)
        ax.scatter(x[bad], y[bad], s=46, color=C_FLAG, edgecolor="black", linewidth=0.6,
                   zorder=4, label=None)
        for name, v, colour, ls in g.centre_lines:
            if x0 <= v <= x1:
                ax.axvline(v, color=colour, ls=ls, lw=1.8, zorder=2)
        ax.set_ylim(-0.55, 1.0)
        ax.set_yticks([])
        ax.grid(axis="x", color="0.9", lw=0.8, zorder=0)
        ax.set_axisbelow(True)
        for spine in ("top",):
            ax.spines[spine].set_visible(False)
    # annotate flagged values: value and row, staggered so neighbours do not collide
    dec = ds.decimals
    for k, i in enumerate(sorted(np.flatnonzero(g.flagged), key=lambda j: x[j])):
        ax = next(a for a in axes if a.get_xlim()[0] <= x[i] <= a.get_xlim()[1])
        ax.annotate(f"{x[i]:.{dec}f}\n(row {g.rows[i]})", xy=(x[i], y[i]),
                    xytext=(0, 30 + 18 * (k % 2)), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8.5, color=C_FLAG,
                    arrowprops=dict(arrowstyle="-", color=C_FLAG, lw=0.8, shrinkB=4))
    # legend with the values, on the left half
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=c, ls=ls, lw=1.8, label=f"{n} = {fmt(v, dec + 2)}")
               for n, v, c, ls in g.centre_lines]
    handles += [Line2D([], [], marker="o", ls="none", color=C_POINT, mec="white", label="value"),
                Line2D([], [], marker="o", ls="none", color=C_FLAG, mec="black",
                       label=f"flagged: |modified z| > {CUTOFF}")]
    ax_l.legend(handles=handles, loc="upper left", fontsize=8, framealpha=0.92, ncol=2,
                borderaxespad=0.4, handlelength=2.6)
    title = f"{ds.title}, n = {g.stats['n']}"
    if brk is not None:
        title += "   (x axis broken between {} and {})".format(
            fmt(brk[0], dec), fmt(brk[1], dec))
    ax_l.set_title(title, loc="left", fontsize=10.5, fontweight="bold")
    fig_ax_label = f"{g.label} ({ds.unit})"
    if brk is None:
        ax_l.set_xlabel(fig_ax_label)
    else:
        ax_l.set_xlabel(fig_ax_label)
        ax_l.xaxis.set_label_coords(0.6, -0.16)


def morley_panel(fig, spec, ds: Dataset, offset: int) -> None:
    """Runs of each experiment as a dot plot, one row per experiment."""
    from matplotlib.lines import Line2D

    ax = fig.add_subplot(spec)
    groups = ds.groups[1:]
    allx = ds.groups[0].values
    lo, hi = float(np.min(allx)), float(np.max(allx))
    pad = 0.05 * (hi - lo)
    ax.set_xlim(lo - pad, hi + pad)
    span = hi - lo + 2 * pad
    modern = SPEED_OF_LIGHT_KMS - offset
    ax.axvline(modern, color=C_REF, ls=":", lw=1.4, zorder=1)
    for pos, g in enumerate(groups):
        x = g.values
        y = pos + swarm_offsets(x, width=0.012 * span, step=0.085, limit=0.3)
        ok = ~g.flagged
        ax.scatter(x[ok], y[ok], s=26, color=C_POINT, alpha=0.85, edgecolor="white",
                   linewidth=0.5, zorder=3)
        ax.scatter(x[~ok], y[~ok], s=40, color=C_FLAG, edgecolor="black", linewidth=0.6,
                   zorder=4)
        for name, v, colour, ls in g.centre_lines:
            ax.plot([v, v], [pos - 0.4, pos + 0.4], color=colour, ls=ls, lw=1.8, zorder=2)
        # label flagged values; tied values share one label
        flagged_vals = sorted(set(x[g.flagged].tolist()))
        for v in flagged_vals:
            sel = np.flatnonzero(g.flagged & (x == v))
            runs = ", ".join(str(g.extra["Run"][i]) for i in sel)
            ytop = float(np.min(y[sel]))
            ax.annotate(f"{v:.{ds.decimals}f}\n(run {runs})", xy=(v, ytop),
                        xytext=(0, 16), textcoords="offset points", ha="center",
                        va="bottom", fontsize=8, color=C_FLAG,
                        arrowprops=dict(arrowstyle="-", color=C_FLAG, lw=0.8, shrinkB=3))
    ax.set_yticks(range(len(groups)), [g.label for g in groups])
    ax.set_ylim(len(groups) - 0.45, -0.75)  # Expt 1 on top; room for labels
    ax.grid(axis="x", color="0.9", lw=0.8)
    ax.set_axisbelow(True)
    ax.set_xlabel(f"Speed ({ds.unit})")
    top = ax.secondary_xaxis("top", functions=(lambda v: v + offset, lambda v: v - offset))
    top.xaxis.set_major_formatter("{x:,.0f}")
    top.set_xlabel("speed (km/s)", fontsize=9)
    handles = [Line2D([], [], color=c, ls=ls, lw=1.8, label=n)
               for n, _, c, ls in ds.groups[0].centre_lines]
    handles += [Line2D([], [], color=C_REF, ls=":", lw=1.4,
                       label=f"modern value {SPEED_OF_LIGHT_KMS:,.3f} km/s (vacuum)"),
                Line2D([], [], marker="o", ls="none", color=C_POINT, mec="white", label="run"),
                Line2D([], [], marker="o", ls="none", color=C_FLAG, mec="black",
                       label=f"flagged within its experiment: |modified z| > {CUTOFF}")]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3,
              fontsize=8, frameon=False, handlelength=2.6)
    sizes = sorted({g.stats["n"] for g in groups})
    runs = "/".join(str(n) for n in sizes)
    ax.set_title(f"{ds.title}, {len(groups)} experiments x {runs} runs",
                 loc="left", fontsize=10.5, fontweight="bold", pad=30)


def plot(datasets: list[Dataset], offset: int, out: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by_key = {d.key: d for d in datasets}
    fig = plt.figure(figsize=(11, 12.5), dpi=130)
    gs = fig.add_gridspec(3, 1, height_ratios=[1, 1, 2.0], hspace=0.62,
                          left=0.09, right=0.97, top=0.925, bottom=0.085)
    strip_panel(fig, gs[0], by_key["chem"])
    strip_panel(fig, gs[1], by_key["abbey"])
    morley_panel(fig, gs[2], by_key["morley"], offset)
    fig.suptitle("robstat: classical vs robust centres, and values flagged by the "
                 f"Iglewicz-Hoaglin rule |0.6745 (x - median) / MAD| > {CUTOFF}",
                 fontsize=11.5, x=0.09, ha="left")
    path = out / "robust_summary.png"
    fig.savefig(path)
    plt.close(fig)
    return path


# ---- main ----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=REPO / "data",
                    help="directory holding chem.csv, abbey.csv, morley.csv "
                         "(default: the repository's data/)")
    ap.add_argument("--out", type=Path, default=REPO / "build" / "demo",
                    help="output directory for robust_summary.png (created if missing; "
                         "default: build/demo)")
    args = ap.parse_args(argv)

    try:
        datasets, offset = load(args.data)
    except DemoError as exc:
        print(f"demo.py: error: {exc}", file=sys.stderr)
        return 2

    print(f"robstat {getattr(rs, '__version__', '?')} (SIMD: {rs.simd_arch()}) - robust "
          "summaries of three classic data sets\n")
    print(f"Outlier rule (Iglewicz & Hoaglin, 1993): flag x when |M| > {CUTOFF}, where the")
    print("modified z-score M = 0.6745 (x - median) / MAD and MAD = median |x - median|.")
    print("Also listed: robust z = (x - median) / (1.4826 MAD). Estimates below: trimmed")
    print("means cut floor(p n) values from each tail, the winsorized mean clamps as many;")
    print("the MAD is scaled by 1.4826 to estimate a normal sigma; IQR uses linear quantiles.")
    print("'row' is the 1-based data row of the CSV file (comments and header not counted).\n")

    for ds in datasets:
        print_summary(ds, args.data / FILES[ds.key])
        if ds.key == "morley":
            print_morley_comparison(ds, offset)

    try:
        args.out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"demo.py: error: cannot create output directory {args.out}: {exc.strerror}",
              file=sys.stderr)
        return 2
    path = plot(datasets, offset, args.out)
    print(f"Figure written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
