"""The README's Python example runs as written and prints numbers."""

from __future__ import annotations

import contextlib
import io
import math
import re
from pathlib import Path

import numpy as np
import pytest
import robstat

README = Path(__file__).resolve().parent / ".." / ".." / "README.md"
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan")


def _python_blocks():
    text = README.read_text(encoding="utf-8")
    return re.findall(r"^```python[ \t]*\n(.*?)^```", text, flags=re.S | re.M)


def test_readme_has_a_python_example():
    assert README.is_file(), README
    assert _python_blocks(), "no ```python block in README.md"


@pytest.mark.parametrize("index", range(len(_python_blocks()) if README.is_file() else 0))
def test_readme_python_block_runs(index):
    code = _python_blocks()[index]
    out = io.StringIO()
    namespace = {"__name__": "__readme__"}
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"README.md[python block {index}]", "exec"), namespace)
    printed = out.getvalue()
    assert printed.strip(), "the README example printed nothing"
    numbers = [float(n) for n in NUMBER.findall(printed)]
    assert numbers, printed
    assert all(math.isfinite(v) for v in numbers), printed


def test_readme_copper_example_values():
    # the numbers the README example prints, recomputed independently
    if "copper" not in README.read_text(encoding="utf-8"):
        pytest.skip("the README example changed; the generic test covers it")
    import scipy.stats as st

    copper = np.array([2.9, 3.1, 3.4, 3.4, 3.7, 3.7, 2.8, 2.5, 28.95])
    assert robstat.trimmed_mean(copper, 0.2) == pytest.approx(st.trim_mean(copper, 0.2),
                                                              rel=1e-14)
    assert robstat.median(copper) == 3.4
    assert robstat.mad(copper) == pytest.approx(
        st.median_abs_deviation(copper, scale="normal"), rel=1e-14)
    z = robstat.robust_zscore(copper)
    assert z.shape == copper.shape
    assert np.argmax(np.abs(z)) == 8 and z[8] > 3.5
