"""Sphinx configuration of the robstat documentation (docs/index.md; `make docs`).

Markdown pages through myst-parser, the Python API from the numpydoc docstrings
(autodoc + numpydoc), the C++ API from the headers' Doxygen comments (breathe reads the
XML that `make docs` has Doxygen write to build/docs/doxygen/xml). Build with -W: a
warning is an error.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_config = (ROOT / "include" / "robstat" / "config.hpp").read_text(encoding="utf-8")
release = ".".join(re.search(rf"#define\s+ROBSTAT_VERSION_{part}\s+(\d+)", _config).group(1)
                   for part in ("MAJOR", "MINOR", "PATCH"))
version = release
project = "robstat"
author = "the robstat authors"
copyright = "the robstat authors, BSD-3-Clause"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "numpydoc",
    "breathe",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "_generated"]

myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3
# links like [docs/x.md](docs/x.md) or ../README.md point at the repository, not at a page
myst_url_schemes = ["http", "https", "mailto"]

autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

breathe_projects = {"robstat": os.environ.get(
    "ROBSTAT_DOXYGEN_XML", str(ROOT / "build" / "docs" / "doxygen" / "xml"))}
breathe_default_project = "robstat"
breathe_show_include = False  # the #include lines would link to file pages not rendered
breathe_domain_by_extension = {"hpp": "cpp"}
cpp_index_common_prefix = ["robstat::"]

# nitpicky (-n): every reference must resolve, except to other projects' objects (their
# inventories would have to be downloaded) and to the C++ implementation details the
# public signatures mention (the SFINAE helpers in robstat::detail, xsimd's arch tags)
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|scipy|matplotlib|pandas|dask)(\..*)?"),
    (r"py:class", r"(array_like|array-like|ndarray|optional|callable|sequence|.* of .*)"),
    (r"cpp:identifier", r"(detail|xsimd|std|Eigen)(::.*)?"),
    (r"cpp:identifier", r"NAN"),
]

html_theme = "alabaster"
html_title = f"robstat {release}"
html_static_path: list[str] = []
html_show_sourcelink = False


def _guide_figures(app) -> None:
    """Run docs/guide.md's examples and save every Figure it names ``fig_*`` as
    docs/_generated/<name>.png: the figures on the page are drawn by the code shown
    on it, with the installed robstat."""
    import sys

    import matplotlib

    matplotlib.use("Agg")
    sys.path.insert(0, str(Path(__file__).parent))
    from _examples import run_page
    from matplotlib.figure import Figure

    out = Path(__file__).parent / "_generated"
    out.mkdir(exist_ok=True)
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        namespace = run_page(Path(__file__).parent / "guide.md")
    finally:
        os.chdir(cwd)
    for name, value in namespace.items():
        if name.startswith("fig_") and isinstance(value, Figure):
            value.savefig(out / f"{name}.png", dpi=96)


def setup(app):
    app.connect("builder-inited", _guide_figures)
