"""Typing of the installed package: the stub of the compiled module matches the
module (mypy.stubtest, plus the parameter lists pybind11 writes into each
docstring, which stubtest cannot see), the package is mypy --strict clean, and
the wheel ships py.typed and the stub (PEP 561)."""

from __future__ import annotations

import ast
import importlib.resources
import os
import subprocess
import sys
from pathlib import Path

import pytest
import robstat._core as core

ROOT = Path(__file__).resolve().parents[2]
PACKAGE_SRC = ROOT / "python" / "src" / "robstat"
STUB = PACKAGE_SRC / "_core.pyi"
# stubtest entries that cannot be fixed in the stub, one a line, each commented
ALLOWLIST = Path(__file__).resolve().parent / "stubtest_allowlist.txt"


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # cwd outside the source tree: `import robstat` must find the installed package
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MYPYPATH")}
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=env, text=True, check=False,
                          capture_output=True, timeout=600)


def test_wheel_ships_stub_and_py_typed() -> None:
    pkg = importlib.resources.files("robstat")
    assert (pkg / "py.typed").is_file()
    installed_stub = pkg / "_core.pyi"
    assert installed_stub.is_file()
    assert installed_stub.read_text() == STUB.read_text(), "installed stub differs from the source"


def test_stubtest(tmp_path: Path) -> None:
    args = ["mypy.stubtest", "robstat._core", "--mypy-config-file", os.devnull]
    if ALLOWLIST.exists():
        args += ["--allowlist", str(ALLOWLIST)]
    r = _run(args, tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_strict(tmp_path: Path) -> None:
    r = _run(["mypy", "--strict", "--config-file", os.devnull, "--cache-dir",
              str(tmp_path / "cache"), str(PACKAGE_SRC)], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


# ---- the stub against pybind11's signatures ------------------------------------
# pybind11 functions have no inspect.signature, so stubtest checks only that each
# name exists; the first docstring line is the real signature. Compared here:
# parameter names and order, defaults, and which parameters accept None.


def _params(fn: ast.FunctionDef) -> list[tuple[str, object, bool]]:
    args = fn.args.args
    defaults = [None] * (len(args) - len(fn.args.defaults)) + list(fn.args.defaults)
    out = []
    for a, d in zip(args, defaults):
        default = ast.literal_eval(d) if d is not None else "<required>"
        ann = ast.unparse(a.annotation) if a.annotation is not None else ""
        out.append((a.arg, default, "None" in ann or "Optional" in ann))
    return out


def _runtime_functions() -> dict[str, ast.FunctionDef]:
    out = {}
    for name in dir(core):
        obj = getattr(core, name)
        if name.startswith("__") or not callable(obj) or isinstance(obj, type):
            continue  # (classes: test_stub_classes_match)
        first = obj.__doc__.splitlines()[0]
        assert not first.startswith("Overloaded"), name  # the stub would need @overload
        sig = first.rsplit(" -> ", 1)[0]
        fn = ast.parse(f"def {sig}: pass").body[0]
        assert isinstance(fn, ast.FunctionDef)
        out[name] = fn
    return out


def _stub_functions() -> dict[str, ast.FunctionDef]:
    tree = ast.parse(STUB.read_text())
    return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}


def test_stub_has_every_function_and_no_other() -> None:
    assert sorted(_stub_functions()) == sorted(_runtime_functions())


@pytest.mark.parametrize("name", sorted(_runtime_functions()))
def test_stub_signature_matches_pybind11(name: str) -> None:
    stub = _stub_functions()[name]
    assert _params(stub) == _params(_runtime_functions()[name])


def test_stub_classes_match() -> None:
    # the pybind11 classes (robstat.stream's states): same names and methods;
    # stubtest checks their presence, robstat/stream.py their use (mypy --strict)
    runtime = {name: {m for m in dir(obj) if not m.startswith("_")}
               for name, obj in vars(core).items() if isinstance(obj, type)}
    tree = ast.parse(STUB.read_text())
    stub = {n.name: {f.name for f in n.body if isinstance(f, ast.FunctionDef)
                     and not f.name.startswith("_")}
            for n in tree.body if isinstance(n, ast.ClassDef)}
    assert runtime == stub
