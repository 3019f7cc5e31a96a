"""Run the ```python blocks of a docs page (docs/docs.md, "Examples are tested").

Used by tests/python/test_docs_examples.py (every page) and by docs/conf.py, which runs
docs/guide.md to draw its figures. The blocks of one page run in order in one namespace,
like a session. A block written as a console session (``>>>`` lines) runs example by
example; where it shows an output, the output must match (doctest's rules, with ELLIPSIS
and NORMALIZE_WHITESPACE; ``# doctest: +SKIP`` skips an example whose output depends on
the machine). A block preceded by the line ``<!-- docs-test: skip -->`` is not run. A
block preceded by ``<!-- docs-test: needs NAME -->`` runs only where ``available(NAME)``
(default: the module NAME imports); the lines of those that did not run are listed in the
returned namespace's ``"__not_run__"``, so a caller can report them.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib.util
import io
import re
from pathlib import Path
from typing import Callable

SKIP = "<!-- docs-test: skip -->"
NEEDS = re.compile(r"^<!-- docs-test: needs ([\w.]+) -->$")
FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<code>.*?)^```[ \t]*$",
                   flags=re.DOTALL | re.MULTILINE)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


class ExampleError(AssertionError):
    """A docs example failed or printed something else than it shows."""


def python_blocks(text: str) -> list[tuple[int, str, bool]]:
    """(line number, code, skipped) for each ```python fence of a Markdown text."""
    blocks = []
    for m in FENCE.finditer(text):
        if m.group("info").strip() != "python":
            continue
        line = text.count("\n", 0, m.start()) + 1
        before = text[:m.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
        blocks.append((line, m.group("code"), before == SKIP))
    return blocks


def block_needs(text: str) -> dict[int, str]:
    """{line number of a ```python fence: NAME} for the blocks marked ``needs NAME``."""
    lines = text.split("\n")
    return {line: m.group(1) for line, _, _ in python_blocks(text)
            if line >= 2 and (m := NEEDS.match(lines[line - 2].strip()))}


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def run_page(page: Path, available: Callable[[str], bool] = _importable) -> dict:
    """Run every block of ``page`` that is not skipped; return the namespace."""
    namespace: dict = {"__name__": f"__docs_{page.stem}__", "__not_run__": []}
    text = page.read_text(encoding="utf-8")
    needs = block_needs(text)
    for line, code, skipped in python_blocks(text):
        if skipped:
            continue
        if line in needs and not available(needs[line]):
            namespace["__not_run__"].append((line, needs[line]))
            continue
        where = f"docs/{page.name}, the block at line {line}"
        if re.search(r"^\s*>>> ", code, flags=re.MULTILINE):
            run_session(code, namespace, where)
            continue
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                exec(compile(code, where, "exec"), namespace)
            except Exception as exc:
                raise ExampleError(f"{where} failed at its line {_line(exc, where)}: "
                                   f"{type(exc).__name__}: {exc}") from exc
    return namespace


def _line(exc: BaseException, where: str) -> int | str:
    """The line of the block (1-based) where ``exc`` was raised."""
    tb, line = exc.__traceback__, "?"
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == where:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def run_session(code: str, namespace: dict, where: str) -> None:
    """Run a ``>>>`` block; check the outputs it shows, ignore those it leaves out."""
    checker = doctest.OutputChecker()
    for ex in doctest.DocTestParser().get_examples(code):
        if ex.options.get(doctest.SKIP):
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            try:
                exec(compile(ex.source, where, "single"), namespace)
            except Exception as exc:
                raise ExampleError(f"{where}, example {ex.source.strip()!r} failed: "
                                   f"{type(exc).__name__}: {exc}") from exc
        got = out.getvalue()
        flags = FLAGS | sum(flag for flag, on in ex.options.items() if on)
        if ex.want and not checker.check_output(ex.want, got, flags):
            raise ExampleError(f"{where}, example {ex.source.strip()!r}: expected\n"
                               f"{ex.want}got\n{got}")
