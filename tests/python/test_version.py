"""One version: include/robstat/config.hpp (ROBSTAT_VERSION_MAJOR/MINOR/PATCH) is
the source; the compiled module, the package metadata (pyproject.toml reads the
header) and the ROBSTAT_VERSION string must all say the same. The installed
CMake package and pkg-config file are checked against the header by
tests/tools/install_test.sh (make test-install)."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import robstat

CONFIG = Path(__file__).resolve().parents[2] / "include" / "robstat" / "config.hpp"


def header_version() -> str:
    text = CONFIG.read_text()
    parts = [re.search(rf"^#define ROBSTAT_VERSION_{p} (\d+)$", text, re.MULTILINE) for p in
             ("MAJOR", "MINOR", "PATCH")]
    assert all(parts), "config.hpp lost a ROBSTAT_VERSION_* macro"
    return ".".join(m.group(1) for m in parts if m)


def test_version_is_the_headers() -> None:
    v = header_version()
    assert robstat.__version__ == v
    assert importlib.metadata.version("robstat") == v


def test_version_string_macro_is_built_from_the_parts() -> None:
    # ROBSTAT_VERSION is stringified from the three parts, never written by hand
    text = CONFIG.read_text()
    body = re.search(r"#define ROBSTAT_VERSION\b(.*?)(?:\n\n|\Z)", text, re.DOTALL)
    assert body is not None
    assert re.findall(r"ROBSTAT_VERSION_(MAJOR|MINOR|PATCH)", body.group(1)) == \
        ["MAJOR", "MINOR", "PATCH"]
    assert not re.search(r"\d+\.\d+", body.group(1))
