"""Check an sdist's contents, then unpack it into a fixed directory (make test-package).

Usage: python unpack_sdist.py robstat-X.Y.Z.tar.gz DEST

The sdist must hold what a build and the test suite need (headers, bindings,
CMake files, bundled data, LICENSE, README, tests) and nothing large or
unwanted (build trees, venvs, images, caches). DEST is synced by content: a
file whose bytes did not change keeps its old timestamp, so the wheel build
in a kept build directory recompiles only what changed (a plain unpack gives
every file the sdist's fixed timestamp, which would hide changes from Ninja).
"""

from __future__ import annotations

import sys
import tarfile
from pathlib import Path, PurePosixPath

REQUIRED = [
    "pyproject.toml",
    "CMakeLists.txt",
    "LICENSE",
    "README.md",
    "cmake/robstatConfig.cmake.in",
    "cmake/robstatDependencies.cmake",
    "include/robstat/robstat.hpp",
    "include/robstat/config.hpp",
    "include/robstat/fit.hpp",
    "python/CMakeLists.txt",
    "python/src/bindings.cpp",
    "python/src/robstat/__init__.py",
    "python/src/robstat/_core.pyi",
    "python/src/robstat/py.typed",
    "data/ratings.csv",
    "tests/python/conftest.py",
]
FORBIDDEN_PARTS = {".venv", "build", "dist", "__pycache__", ".git", ".pytest_cache",
                   ".hypothesis", ".mypy_cache"}
FORBIDDEN_SUFFIXES = {".png", ".so", ".o", ".a", ".pyc", ".whl"}
MAX_FILE = 1_000_000  # bytes: the largest reference table is ~0.7 MB
MAX_TOTAL = 8_000_000


def check(members: list[tarfile.TarInfo], top: str) -> list[str]:
    errors = []
    files = {}
    for m in members:
        p = PurePosixPath(m.name)
        if p.parts[0] != top:
            errors.append(f"{m.name}: outside {top}/")
            continue
        rel = PurePosixPath(*p.parts[1:])
        if m.isfile():
            files[str(rel)] = m.size
        if FORBIDDEN_PARTS & set(rel.parts[:-1]) or rel.suffix in FORBIDDEN_SUFFIXES:
            errors.append(f"{rel}: unwanted in an sdist")
        if m.isfile() and m.size > MAX_FILE:
            errors.append(f"{rel}: {m.size} bytes (> {MAX_FILE})")
    errors += [f"{r}: missing" for r in REQUIRED if r not in files]
    total = sum(files.values())
    if total > MAX_TOTAL:
        errors.append(f"total {total} bytes (> {MAX_TOTAL})")
    print(f"sdist: {len(files)} files, {total / 1e6:.2f} MB unpacked")
    return errors


def sync(tar: tarfile.TarFile, members: list[tarfile.TarInfo], top: str, dest: Path) -> None:
    wanted = set()
    for m in members:
        if not m.isfile():
            continue
        rel = Path(*PurePosixPath(m.name).parts[1:])
        wanted.add(rel)
        data = tar.extractfile(m).read()
        out = dest / rel
        if out.is_file() and out.read_bytes() == data:
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        out.chmod(m.mode & 0o777)
    for old in sorted(dest.rglob("*"), reverse=True):
        if old.is_file() and old.relative_to(dest) not in wanted:
            old.unlink()
        elif old.is_dir() and not any(old.iterdir()):
            old.rmdir()


def main() -> int:
    sdist, dest = Path(sys.argv[1]), Path(sys.argv[2])
    top = sdist.name.removesuffix(".tar.gz")
    with tarfile.open(sdist) as tar:
        members = tar.getmembers()
        errors = check(members, top)
        if errors:
            print("sdist check failed:\n  " + "\n  ".join(errors), file=sys.stderr)
            return 1
        dest.mkdir(parents=True, exist_ok=True)
        sync(tar, members, top, dest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
