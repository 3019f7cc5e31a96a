"""Every ```python block in docs/*.md runs as written (docs/docs.md, "Examples are tested").

The runner is docs/_examples.py (also used by the docs build to draw the guide's
figures). The working directory is the repository root, so ``data/chem.csv`` resolves.
The skip marker is counted here, so it cannot spread unnoticed.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS))
from _examples import (  # noqa: E402
    ExampleError,
    block_needs,
    python_blocks,
    run_page,
    run_session,
)

MAX_SKIPPED = 3  # across all pages; raise it only with a reason in the skipped block's page
PAGES = sorted(DOCS.glob("*.md"))


def test_the_pages_have_python_examples():
    assert PAGES, DOCS
    assert sum(len(python_blocks(p.read_text(encoding="utf-8"))) for p in PAGES) >= 20


def test_skip_marker_is_rare():
    skipped = [(p.name, line) for p in PAGES
               for line, _, skip in python_blocks(p.read_text(encoding="utf-8")) if skip]
    assert len(skipped) <= MAX_SKIPPED, skipped


def test_block_parser():
    text = ("x\n```python\na = 1\n```\n\n<!-- docs-test: skip -->\n```python\n"
            "raise SystemExit\n```\n```pycon\n>>> 1\n```\n```python\nb = 2\n```\n")
    assert python_blocks(text) == [(2, "a = 1\n", False), (7, "raise SystemExit\n", True),
                                   (13, "b = 2\n", False)]


def test_needs_marker_parser():
    text = ("```python\na = 1\n```\n<!-- docs-test: needs pyspark -->\n```python\nb = 2\n```\n")
    assert block_needs(text) == {5: "pyspark"}


def available(name: str) -> bool:
    """A `needs NAME` block runs where NAME imports; pyspark also needs a Java runtime."""
    if importlib.util.find_spec(name) is None:
        return False
    return name != "pyspark" or shutil.which("java") is not None


def test_session_output_is_checked():
    with pytest.raises(ExampleError, match="expected"):
        run_session(">>> 1 + 1\n3\n", {}, "test")
    with pytest.raises(ExampleError, match="ZeroDivisionError"):
        run_session(">>> 1 / 0\n", {}, "test")
    run_session(">>> 1 + 1\n2\n>>> [0.5] * 20\n[0.5, ..., 0.5]\n>>> print('x')  "
                "# doctest: +SKIP\ny\n>>> 2 + 2\n", {}, "test")


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_examples_run(page, monkeypatch):
    if not python_blocks(page.read_text(encoding="utf-8")):
        pytest.skip(f"{page.name} has no ```python block")
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    not_run = run_page(page, available)["__not_run__"]
    if not_run:  # every other block of the page ran and passed
        pytest.skip(f"docs/{page.name}: the blocks at lines "
                    + ", ".join(f"{line} (needs {name})" for line, name in not_run)
                    + " did not run: not available here")


def test_python_api_page_lists_every_public_name():
    import robstat

    page = (DOCS / "api" / "python.md").read_text(encoding="utf-8")
    listed = {name.rsplit(".", 1)[-1]
              for name in re.findall(r"^\.\. auto(?:function|class|data):: (\S+)", page,
                                     flags=re.MULTILINE)}
    missing = set(robstat.__all__) - listed - {"__version__"}
    assert not missing, f"docs/api/python.md does not document {sorted(missing)}"
