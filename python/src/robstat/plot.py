"""Plots of robstat results (docs/plot.md).

matplotlib is imported only when a plot is drawn: ``import robstat`` does not import it.
The figures are plain :class:`matplotlib.figure.Figure` objects, not registered with
pyplot: they work under any backend (Agg included), in threads and in servers, and never
count towards pyplot's open-figure limit. Save one with ``fig.savefig(path)``; Jupyter
displays it; to draw into a pyplot window, pass ``ax`` from ``plt.subplots()``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["aggregate", "MAX_GROUP_PANELS"]

_MAX_BINS = 200  # bins="auto": at most this many bins of the kept values' width

#: the number of panels :func:`aggregate` draws for a grouped result by default
MAX_GROUP_PANELS = 12

# Okabe-Ito (colour-blind safe)
_KEPT = "#7f9fbf"
_LOW = "#0072B2"
_HIGH = "#D55E00"
_CENTER = "#000000"
_BAND = "#009E73"
_FIT = "#CC79A7"


def aggregate(result: Any, x: Any, *, ax: Any = None, bins: Any = "auto",
              title: str | None = None, max_groups: int = MAX_GROUP_PANELS) -> Any:
    """Draw the result of :func:`robstat.aggregate` over the data it was computed from.

    A histogram of ``x``, split by label: the kept values, the values cut low and those
    cut high (stacked, in three colours); the regions below ``lower_cut`` and above
    ``upper_cut`` shaded; the centre as a vertical line and its confidence interval as a
    band; the counts (kept, cut low, cut high) in the legend; and, when ``result.fit`` is
    not None, the fitted density (``result.fit.dist().pdf``) scaled to the histogram's
    counts (n times the bin width).

    Parameters
    ----------
    result : Aggregate or GroupedAggregate
        What :func:`robstat.aggregate` returned for ``x``. (A pandas DataFrame result has
        no group codes: call :func:`robstat.aggregate` with NumPy arrays to get a
        :class:`robstat.GroupedAggregate` to plot.)
    x : array_like
        The values ``result`` was computed from (same number of values, any shape).
    ax : matplotlib Axes, optional
        Single result: the Axes to draw into (its figure is returned). Grouped result: a
        sequence (or array) of at least as many Axes as panels. None: a new figure.
    bins : int, sequence or str
        Passed to :func:`numpy.histogram_bin_edges`, except the default ``"auto"``:
        integer data spanning at most 100 units get one bin per integer; other data the
        bin width of numpy's ``"auto"`` rule on the kept values, over the whole range (at
        most 200 bins; beyond that numpy's ``"auto"`` on all values), so that a far
        outlier does not squash the bulk of the data into one bin.
    title : str, optional
        The title (grouped: the figure's suptitle). Default: the method, centre and n.
    max_groups : int
        Grouped result: draw the first ``max_groups`` groups in key order, one small
        panel each (default 12), and say in the title how many were left out. Plot a
        single group with ``aggregate(result[key], ...)``.

    Returns
    -------
    matplotlib.figure.Figure
        A new figure, or the figure of ``ax``.

    Non-finite values are not drawn (NaN is not a value; +-inf has no bin): the legend
    says how many infinite values were left out.
    """
    from ._aggregate import Aggregate, GroupedAggregate

    if isinstance(result, GroupedAggregate):
        return _grouped(result, x, ax=ax, bins=bins, title=title, max_groups=max_groups)
    if not isinstance(result, Aggregate):
        hint = ""
        if type(result).__module__.startswith("pandas"):
            hint = (" (pandas input gives a DataFrame, which has no group codes: call "
                    "robstat.aggregate(x.to_numpy(), groups=g.to_numpy()) to plot)")
        raise TypeError(f"result must be an Aggregate or GroupedAggregate, not "
                        f"{type(result).__name__}{hint}")
    values = _values_for(result, x)
    if ax is None:
        fig, ax = _new_figure(1, 1, (7.0, 4.2))
        ax = ax[0]
    else:
        fig = ax.figure
    _draw(ax, result, values, result.labels.reshape(-1), bins=bins, compact=False)
    ax.set_title(title if title is not None else _default_title(result), fontsize=10.5,
                 loc="left")
    return fig


# ---- helpers -------------------------------------------------------------------------


def _values_for(result: Any, x: Any) -> np.ndarray:
    values = np.asarray(x, dtype=np.float64).reshape(-1)
    if values.size != result.labels.size:
        raise ValueError(f"x has {values.size} values but the result labels "
                         f"{result.labels.size}: pass the x the result was computed from")
    return values


def _new_figure(n_panels: int, ncols: int, size: tuple[float, float]) -> tuple[Any, list[Any]]:
    from matplotlib.figure import Figure

    nrows = math.ceil(n_panels / ncols)
    fig = Figure(figsize=size, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).reshape(-1)
    for extra in axes[n_panels:]:
        extra.set_visible(False)
    return fig, list(axes[:n_panels])


def _edges(values: np.ndarray, kept: np.ndarray, bins: Any) -> np.ndarray:
    """Bin edges. With "auto": one bin per integer for integer data spanning at most 100;
    otherwise the width numpy's "auto" rule gives the kept values, over the whole range
    (at most _MAX_BINS bins), so that a far outlier does not squash the bulk into one bin."""
    if values.size == 0:
        return np.array([0.0, 1.0])
    if not (isinstance(bins, str) and bins == "auto"):
        return np.histogram_bin_edges(values, bins=bins)
    lo, hi = float(values.min()), float(values.max())
    if np.all(values == np.rint(values)) and hi - lo <= 100:
        return np.arange(lo - 0.5, hi + 1.5)
    if kept.size >= 2 and np.ptp(kept) > 0:
        width = float(np.diff(np.histogram_bin_edges(kept, bins="auto")[:2])[0])
        count = math.ceil((hi - lo) / width) if width > 0 else 0
        if 0 < count <= _MAX_BINS:
            return lo + width * np.arange(count + 1)
    return np.histogram_bin_edges(values, bins="auto")


def _fmt(v: float) -> str:
    return f"{v:.4g}" if math.isfinite(v) else str(v)


def _default_title(res: Any) -> str:
    return f"robstat.aggregate(method={res.method!r}): centre {_fmt(res.center)}, n = {res.n}"


def _draw(ax: Any, res: Any, values: np.ndarray, labels: np.ndarray, *, bins: Any,
          compact: bool) -> None:
    """One histogram panel: kept / cut-low / cut-high bars, shaded tails, centre, band,
    fitted density."""
    finite = np.isfinite(values)
    n_inf = int(np.count_nonzero(np.isinf(values)))
    v = values[finite]
    lab = labels[finite]
    edges = _edges(v, v[lab == 0], bins)
    parts = [v[lab == 0], v[lab < 0], v[lab > 0]]
    names = [f"kept ({res.n_kept})", f"cut low ({res.n_low})", f"cut high ({res.n_high})"]
    if compact:
        names = [f"kept {res.n_kept}", f"low {res.n_low}", f"high {res.n_high}"]
    ax.hist(parts, bins=edges, stacked=True, color=[_KEPT, _LOW, _HIGH], label=names,
            edgecolor="white", linewidth=0.4)

    x0, x1 = float(edges[0]), float(edges[-1])
    lo, hi = res.lower_cut, res.upper_cut
    # shade the tails beyond the cuts (inside the drawn range only)
    if math.isfinite(lo) and lo > x0:
        ax.axvspan(x0, lo, color=_LOW, alpha=0.10, lw=0, zorder=0)
    if math.isfinite(hi) and hi < x1:
        ax.axvspan(hi, x1, color=_HIGH, alpha=0.10, lw=0, zorder=0)
    for cut in (lo, hi):
        if math.isfinite(cut):
            ax.axvline(cut, color="0.35", ls=":", lw=1.0)

    c_lo, c_hi = res.ci
    if math.isfinite(c_lo) and math.isfinite(c_hi):
        pct = f"{res.confidence:.0%}"
        ax.axvspan(c_lo, c_hi, color=_BAND, alpha=0.30, lw=0, zorder=1,
                   label=f"{pct} CI" if compact else
                   f"{pct} CI [{_fmt(c_lo)}, {_fmt(c_hi)}]")
    if math.isfinite(res.center):
        ax.axvline(res.center, color=_CENTER, lw=1.6,
                   label=f"centre {_fmt(res.center)}")

    fit = getattr(res, "fit", None)
    if fit is not None and v.size:
        dist = fit.dist()
        grid = np.linspace(x0, x1, 400)
        width = float(np.median(np.diff(edges)))
        family = getattr(fit, "family", None) or getattr(getattr(dist, "dist", None),
                                                         "name", "density")
        ax.plot(grid, np.asarray(dist.pdf(grid)) * v.size * width, color=_FIT, lw=1.8,
                label=f"fitted {family}")

    if n_inf:
        ax.plot([], [], " ", label=f"{n_inf} infinite not drawn")
    ax.set_xlim(x0, x1)
    ax.set_ylabel("count", fontsize=8 if compact else 10)
    ax.legend(fontsize=6.5 if compact else 8.5, loc="best", framealpha=0.85,
              handlelength=1.2 if compact else 2.0)
    if compact:
        ax.tick_params(labelsize=7)


def _grouped(res: Any, x: Any, *, ax: Any, bins: Any, title: str | None,
             max_groups: int) -> Any:
    import operator

    max_groups = operator.index(max_groups)
    if max_groups < 1:
        raise ValueError(f"max_groups must be >= 1 (got {max_groups})")
    values = _values_for(res, x)
    labels = res.labels.reshape(-1)
    keys = list(res.keys)
    shown = keys[:max_groups]
    if ax is None:
        n = len(shown)
        ncols = n if n <= 4 else (3 if n in (5, 6, 9) else 4)  # rows as full as possible
        fig, axes = _new_figure(len(shown), ncols,
                                (3.3 * ncols, 2.5 * math.ceil(len(shown) / ncols) + 0.5))
    else:
        axes = list(np.asarray(ax, dtype=object).reshape(-1))
        if len(axes) < len(shown):
            raise ValueError(f"ax holds {len(axes)} Axes but {len(shown)} panels are drawn "
                             "(pass more Axes or a smaller max_groups)")
        fig = axes[0].figure
    for g, (key, a) in enumerate(zip(shown, axes)):
        members = np.flatnonzero(res.codes == g)
        one = res[key]
        _draw(a, one, values[members], labels[members], bins=bins, compact=True)
        a.set_title(f"{key}: centre {_fmt(one.center)} (n {one.n})", fontsize=8.5,
                    loc="left")
    head = title if title is not None else (
        f"robstat.aggregate(method={res.method!r}) by group")
    if len(shown) < len(keys):
        head += f" (first {len(shown)} of {len(keys)} groups)"
    fig.suptitle(head, fontsize=10.5)
    return fig
