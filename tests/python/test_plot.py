"""robstat.plot.aggregate (docs/plot.md): the figure's content, the files it writes, the
grouped panels, the fitted density, and that `import robstat` does not import matplotlib."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest
import robstat

pytest.importorskip("matplotlib")

import robstat.plot  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"


def data(n=300, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(10.0, 2.0, n)
    x[:6] = [40.0, 38.0, -25.0, 35.0, -30.0, 45.0]
    return x


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def bar_counts(ax):
    """Total height of the histogram bars of each colour (stacked: one container each)."""
    return [sum(p.get_height() for p in c) for c in ax.containers]


def test_import_robstat_does_not_import_matplotlib():
    code = ("import sys, robstat; "
            "assert robstat.plot.aggregate.__module__ == 'robstat.plot'; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


@pytest.mark.parametrize("method", ["trim", "mad", "iqr", "adjbox", "sigma_clip", "huber"])
def test_single_plot_content(method, tmp_path):
    x = data()
    res = robstat.aggregate(x, method=method)
    fig = robstat.plot.aggregate(res, x)
    ax = fig.axes[0]
    texts = legend_texts(ax)
    assert f"kept ({res.n_kept})" in texts
    assert f"cut low ({res.n_low})" in texts and f"cut high ({res.n_high})" in texts
    assert any(t.startswith("centre ") for t in texts)
    # the three stacked histograms hold exactly the kept / low / high values
    kept, low, high = bar_counts(ax)
    assert (kept, low, high) == (res.n_kept, res.n_low, res.n_high)
    # the interval band is drawn when there is an interval
    has_ci = np.all(np.isfinite(res.ci))
    assert any("95% CI" in t for t in texts) == bool(has_ci)
    assert method in ax.get_title(loc="left")
    path = tmp_path / f"{method}.png"
    fig.savefig(path)
    assert path.stat().st_size > 5_000 and path.read_bytes()[:8] == PNG


def test_trim_cut_values_are_the_labelled_ones():
    # ties at the cut: the cut values are those labelled, not those beyond the cut points
    x = np.array([1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 3.0, 9.0])
    res = robstat.aggregate(x, method="trim", trim=0.2)
    ax = robstat.plot.aggregate(res, x).axes[0]
    kept, low, high = bar_counts(ax)
    assert (low, high) == (np.sum(res.labels < 0), np.sum(res.labels > 0)) == (2, 2)
    assert kept == 6


def test_draws_into_given_axes_and_title():
    from matplotlib.figure import Figure

    fig = Figure()
    ax1, ax2 = fig.subplots(1, 2)
    x = data()
    got = robstat.plot.aggregate(robstat.aggregate(x), x, ax=ax2, title="my title")
    assert got is fig
    assert ax2.get_title(loc="left") == "my title" and ax1.get_legend() is None


def test_integer_data_get_one_bin_per_integer():
    x = np.array([1, 2, 2, 3, 3, 3, 4, 4, 5, 10] * 5)
    ax = robstat.plot.aggregate(robstat.aggregate(x, method="mad"), x).axes[0]
    edges = [p.get_x() for p in ax.containers[0]]
    assert np.allclose(np.diff(edges), 1.0) and edges[0] == 0.5


def test_explicit_bins_and_infinite_values():
    x = data()
    x[10] = np.inf
    res = robstat.aggregate(x, method="mad")
    ax = robstat.plot.aggregate(res, x, bins=20).axes[0]
    assert len(ax.containers[0]) == 20
    assert "1 infinite not drawn" in legend_texts(ax)
    assert sum(bar_counts(ax)) == x.size - 1


class NormalFit:
    """A small real fit object: the normal MLE of the kept values."""

    family = "normal"

    def __init__(self, x):
        import scipy.stats as st

        self.loc, self.scale = st.norm.fit(x)

    def dist(self):
        import scipy.stats as st

        return st.norm(self.loc, self.scale)


def test_fitted_density_is_drawn_scaled_to_counts():
    x = data(2000)
    res = robstat.aggregate(x, method="mad")
    res = dataclasses.replace(res, fit=NormalFit(x[res.kept]))
    ax = robstat.plot.aggregate(res, x, bins=40).axes[0]
    assert "fitted normal" in legend_texts(ax)
    line = next(ln for ln in ax.get_lines() if ln.get_label() == "fitted normal")
    gx, gy = line.get_data()
    edges = np.histogram_bin_edges(x, bins=40)
    width = edges[1] - edges[0]
    assert np.allclose(gy, res.fit.dist().pdf(gx) * x.size * width)
    # in counts per bin: its area over the drawn range is n bins' worth
    area = float(np.sum((gy[1:] + gy[:-1]) / 2 * np.diff(gx)))
    assert area / width == pytest.approx(x.size, rel=0.01)


def test_fit_without_family_uses_the_distribution_name():
    import scipy.stats as st

    class Fit:
        def dist(self):
            return st.laplace(10.0, 2.0)

    x = data()
    res = dataclasses.replace(robstat.aggregate(x), fit=Fit())
    assert "fitted laplace" in legend_texts(robstat.plot.aggregate(res, x).axes[0])


def test_grouped_panels(tmp_path):
    rng = np.random.default_rng(3)
    keys = np.array([f"g{k:02d}" for k in range(15)])
    groups = keys[rng.integers(0, 15, 3000)]
    x = rng.normal(0.0, 1.0, groups.size)
    x[::97] += 12.0
    res = robstat.aggregate(x, method="mad", groups=groups)
    fig = robstat.plot.aggregate(res, x)
    shown = [a for a in fig.axes if a.get_visible()]
    assert len(shown) == robstat.plot.MAX_GROUP_PANELS
    assert "first 12 of 15 groups" in fig._suptitle.get_text()
    for g, ax in enumerate(shown):
        key = res.keys[g]
        assert ax.get_title(loc="left").startswith(f"{key}: centre")
        kept, low, high = bar_counts(ax)
        assert (kept, low, high) == (res.n_kept[g], res.n_low[g], res.n_high[g])
    path = tmp_path / "grouped.png"
    fig.savefig(path)
    assert path.stat().st_size > 10_000 and path.read_bytes()[:8] == PNG

    fig = robstat.plot.aggregate(res, x, max_groups=3, title="three")
    assert len([a for a in fig.axes if a.get_visible()]) == 3
    assert fig._suptitle.get_text() == "three (first 3 of 15 groups)"


def test_grouped_into_given_axes():
    from matplotlib.figure import Figure

    x = data(400)
    groups = np.repeat(["a", "b"], 200)
    res = robstat.aggregate(x, groups=groups)
    fig = Figure()
    axes = fig.subplots(1, 2)
    assert robstat.plot.aggregate(res, x, ax=axes) is fig
    with pytest.raises(ValueError, match="ax holds 1 Axes but 2 panels"):
        robstat.plot.aggregate(res, x, ax=[axes[0]])


def test_bad_arguments():
    x = data()
    res = robstat.aggregate(x)
    with pytest.raises(ValueError, match="x has 299 values but the result labels 300"):
        robstat.plot.aggregate(res, x[1:])
    with pytest.raises(TypeError, match="Aggregate or GroupedAggregate"):
        robstat.plot.aggregate(res.to_dict(), x)
    pd = pytest.importorskip("pandas")
    frame = robstat.aggregate(pd.Series(x), groups=np.repeat([1, 2, 3], 100))
    with pytest.raises(TypeError, match="to_numpy"):
        robstat.plot.aggregate(frame, x)
    grouped = robstat.aggregate(x, groups=np.repeat([1, 2, 3], 100))
    with pytest.raises(ValueError, match="max_groups must be >= 1"):
        robstat.plot.aggregate(grouped, x, max_groups=0)


def test_auto_bins_follow_the_kept_values():
    # one far outlier must not squash the bulk into one bin
    x = np.array([2.9, 3.1, 3.4, 3.4, 3.7, 3.7, 2.8, 2.5, 3.0, 3.2, 3.3, 2.7, 28.95])
    res = robstat.aggregate(x, method="mad")
    ax = robstat.plot.aggregate(res, x).axes[0]
    lefts = np.array([p.get_x() for p in ax.containers[0]])
    width = np.diff(np.histogram_bin_edges(x[res.kept], bins="auto")[:2])[0]
    assert np.allclose(np.diff(lefts), width)
    assert lefts[0] == x.min() and lefts[-1] + width >= x.max()
    assert bar_counts(ax) == [12, 0, 1]
