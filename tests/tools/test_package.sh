#!/usr/bin/env bash
# make test-package: python -m build makes the sdist, checks its contents
# (tests/tools/unpack_sdist.py), builds the wheel FROM THE SDIST, installs the
# wheel with the test extra into a fresh venv, and runs the test suite there,
# from the unpacked sdist (where python/src is not on sys.path), against the
# installed wheel. Usage: tests/tools/test_package.sh BUILD_PYTHON [work dir]
#   BUILD_PYTHON  a Python with build, scikit-build-core and pybind11 (no
#                 build isolation: nothing is downloaded for the build)
# The wheel's CMake tree is kept in <work>/wheel-build and the sdist is synced
# into <work>/src by content, so a rerun recompiles only what changed;
# PACKAGE_FRESH=1 removes both first (a build from scratch).
set -euo pipefail
BPY=$1
SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${2:-$SRC/build/package}
BASE_PYTHON=${PYTHON:-python3}
step() { echo "== test_package: $* ($(date +%T))"; }

if [ "${PACKAGE_FRESH:-0}" = 1 ]; then rm -rf "$WORK/src" "$WORK/wheel-build"; fi
rm -rf "$WORK/dist" "$WORK/venv"
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
step "sdist"
"$BPY" -m build --sdist --no-isolation -o "$WORK/dist" "$SRC" >"$WORK/sdist.log"
sdist=$(ls "$WORK"/dist/robstat-*.tar.gz)
"$BPY" "$SRC/tests/tools/unpack_sdist.py" "$sdist" "$WORK/src"
step "wheel from the sdist"
"$BPY" -m build --wheel --no-isolation -C build-dir="$WORK/wheel-build" -o "$WORK/dist" \
       "$WORK/src" >"$WORK/wheel.log" || { tail -40 "$WORK/wheel.log"; exit 1; }
wheel=$(ls "$WORK"/dist/robstat-*.whl)
echo "$(basename "$sdist") $(du -k "$sdist" | cut -f1) kB, $(basename "$wheel") $(du -k "$wheel" | cut -f1) kB"
step "fresh venv: the wheel and its test extra"
"$BASE_PYTHON" -m venv "$WORK/venv"
VPY=$WORK/venv/bin/python
"$VPY" -m pip install -q --upgrade pip
"$VPY" -m pip install -q "$wheel[test]"
step "test suite against the installed wheel"
cd "$WORK/src"
# the import must resolve to the venv's site-packages, not to a source tree
"$VPY" - <<'PY'
import pathlib, sys
import robstat, robstat._core
site = pathlib.Path(sys.prefix).resolve()
for m in (robstat, robstat._core):
    p = pathlib.Path(m.__file__).resolve()
    assert site in p.parents, f"{m.__name__} imported from {p}, not from the venv {site}"
print("robstat", robstat.__version__, "from", pathlib.Path(robstat.__file__).parent)
PY
"$VPY" -m pytest -q -p no:cacheprovider tests/python
step "ok"
