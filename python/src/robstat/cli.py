"""The ``robstat`` command line (docs/cli.md).

    robstat summarize FILE.csv --column C [--group-by G] [--method M] [--trim P]
                      [--threshold T] [--family F] [--ci auto|bootstrap|none] [--top K]
                      [--json]
    robstat demo [--out DIR]

``summarize`` reads one numeric column of a CSV file (``-``: standard input) with the
standard library's csv module, calls :func:`robstat.aggregate` and prints a table or JSON.
Exit codes: 0 success, 1 bad data (a cell that is not a number, a short row, an empty
column, an unreadable file), 2 bad usage (unknown option or value, a file that does not
exist, a column that is not in the header). Errors are one line on stderr, never a
traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np

EXIT_DATA = 1
EXIT_USAGE = 2

#: cell values read as missing (compared after stripping blanks, case-insensitively)
MISSING = ("", "na", "n/a", "nan", "null")

PROG = "robstat"


class CliError(Exception):
    """A problem reported as one line on stderr with an exit code (1 data, 2 usage)."""

    def __init__(self, message: str, code: int = EXIT_DATA) -> None:
        super().__init__(message)
        self.code = code


# ---- reading ---------------------------------------------------------------------------


@dataclass
class ColumnData:
    """One numeric column of a CSV source, with where each value came from."""

    source: str  #: the file name, or "<stdin>"
    column: str
    values: np.ndarray  #: float64, the non-missing cells in file order
    lines: np.ndarray  #: the 1-based line of the file each value is on
    groups: list[Any] | None = None  #: one key per value (ints when every key is an integer)
    group_by: str | None = None
    missing_lines: list[int] = field(default_factory=list)  #: lines of the missing cells


def _numbered(lines: Iterable[str], where: list[int]) -> Iterator[str]:
    """The lines that are neither comments ('#' first) nor blank; where[0] is set to the
    number of the line last handed out."""
    for number, line in enumerate(lines, 1):
        if line.startswith("#") or not line.strip():
            continue
        where[0] = number
        yield line


def _index_of(header: list[str], name: str, source: str, what: str) -> int:
    hits = [k for k, h in enumerate(header) if h == name]
    if not hits:
        shown = ", ".join(repr(h) for h in header)
        raise CliError(f"{source}: no {what} {name!r}; the columns are: {shown}", EXIT_USAGE)
    if len(hits) > 1:
        raise CliError(f"{source}: the header names {name!r} {len(hits)} times "
                       f"(fields {', '.join(str(k + 1) for k in hits)})")
    return hits[0]


def _number(cell: str) -> float | None:
    """The value of a cell, None when missing; ValueError when it is not a number."""
    s = cell.strip()
    if s.lower() in MISSING:
        return None
    if "_" in s:  # float() accepts 1_000; a CSV cell with '_' is not a number
        raise ValueError(s)
    return float(s)


def read_column(source: str | TextIO, column: str, group_by: str | None = None, *,
                delimiter: str = ",") -> ColumnData:
    """Read the numeric column ``column`` (and the keys of ``group_by``) of a CSV source.

    Lines starting with ``#`` and blank lines are skipped; the first other line is the
    header. Missing cells (empty, NA, N/A, NaN, null) are omitted and their lines kept in
    ``missing_lines``. Raises :class:`CliError` naming the file, line and column.
    """
    if isinstance(source, str):
        name = "<stdin>" if source == "-" else source
        try:
            fh = (io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
                  if source == "-" and hasattr(sys.stdin, "buffer") else
                  sys.stdin if source == "-" else
                  open(source, encoding="utf-8-sig", newline=""))
        except FileNotFoundError:
            raise CliError(f"{source}: no such file", EXIT_USAGE) from None
        except IsADirectoryError:
            raise CliError(f"{source}: is a directory, not a CSV file", EXIT_USAGE) from None
        except OSError as exc:
            raise CliError(f"{source}: cannot open: {exc.strerror}") from None
    else:
        name, fh = getattr(source, "name", "<stream>"), source
    try:
        return _read(fh, name, column, group_by, delimiter)
    except UnicodeDecodeError as exc:
        raise CliError(f"{name}: not a UTF-8 text file ({exc.reason} at byte {exc.start})"
                       ) from None
    except csv.Error as exc:
        raise CliError(f"{name}: not a valid CSV file ({exc})") from None
    finally:
        if isinstance(source, str) and source != "-":
            fh.close()


def _read(fh: TextIO, name: str, column: str, group_by: str | None,
          delimiter: str) -> ColumnData:
    where = [0]
    reader = csv.reader(_numbered(fh, where), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise CliError(f"{name}: no header row (the file is empty or has only comments)")
    header = [h.strip() for h in header]
    col = _index_of(header, column, name, "column")
    grp = None if group_by is None else _index_of(header, group_by, name, "group column")
    need = max(col, -1 if grp is None else grp)
    values: list[float] = []
    lines: list[int] = []
    keys: list[str] = []
    missing: list[int] = []
    for row in reader:
        line = where[0]
        if len(row) <= need:
            raise CliError(f"{name}, line {line}: {len(row)} field(s), but the header has "
                           f"{len(header)} (column {header[need]!r} is field {need + 1})")
        try:
            v = _number(row[col])
        except ValueError:
            raise CliError(f"{name}, line {line}, column {column!r}: not a number: "
                           f"{row[col]!r}") from None
        if v is None:
            missing.append(line)
            continue
        if grp is not None:
            key = row[grp].strip()
            if not key:
                raise CliError(f"{name}, line {line}, column {group_by!r}: empty group key "
                               f"(give the value a group or remove the line)")
            keys.append(key)
        values.append(v)
        lines.append(line)
    if not values:
        why = f" ({len(missing)} missing cell(s))" if missing else " (no data rows)"
        raise CliError(f"{name}: column {column!r} has no values{why}")
    groups: list[Any] | None = None
    if grp is not None:
        try:
            groups = [int(k) for k in keys]
        except ValueError:
            groups = keys
    return ColumnData(name, column, np.asarray(values, dtype=np.float64),
                      np.asarray(lines, dtype=np.int64), groups, group_by, missing)


# ---- formatting ------------------------------------------------------------------------


def _g(v: float) -> str:
    return f"{v:.6g}" if math.isfinite(v) else ("nan" if math.isnan(v) else str(v))


def _json_value(v: Any) -> Any:
    """Strict JSON: NaN and +-inf become null; NumPy scalars and arrays become Python
    numbers and lists."""
    if isinstance(v, dict):
        return {k: _json_value(u) for k, u in v.items()}
    if isinstance(v, (list, tuple, np.ndarray)):  # (a fit's covariance may be an array)
        return [_json_value(u) for u in v]
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _table(head: list[str], rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(h), *(len(r[k]) for r in rows)) if rows else len(h)
              for k, h in enumerate(head)]
    out = [indent + "  ".join(h.rjust(w) for h, w in zip(head, widths))]
    out += [indent + "  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
    return out


def _method_text(method: str, trim: Any, threshold: Any) -> str:
    if method == "trim":
        return f"trim ({0.1 if trim is None else trim} per tail)"
    return method if threshold is None else f"{method} (threshold {threshold})"


def _missing_text(data: ColumnData) -> list[str]:
    if not data.missing_lines:
        return []
    shown = ", ".join(map(str, data.missing_lines[:8]))
    more = ", ..." if len(data.missing_lines) > 8 else ""
    return [f"  note: {len(data.missing_lines)} missing cell(s) omitted (line {shown}{more})"]


def _outlier_rows(data: ColumnData, cuts: list[Any]) -> list[dict[str, Any]]:
    """(group,) line, index, value, zscore, side of each reported cut value: ``cuts`` holds
    CutValue (one group) or (key, CutValue) pairs (grouped)."""
    rows = []
    grouped = data.groups is not None
    for item in cuts:
        key, c = item if grouped else (None, item)
        row: dict[str, Any] = {"group": _plain(key)} if grouped else {}
        row.update(line=int(data.lines[c.index]), index=int(c.index), value=c.value,
                   zscore=c.zscore, side=c.side)
        rows.append(row)
    return rows


def _plain(key: Any) -> Any:
    return key.item() if isinstance(key, np.generic) else key


def format_single(data: ColumnData, res: Any, top: int | None, *, method_text: str) -> str:
    """The table printed by ``robstat summarize`` without ``--group-by``."""
    from . import _api

    pct = f"{res.confidence:.0%}"
    lines = [
        f"{data.source}: column {data.column!r}, method {method_text}",
        f"  centre        {_g(res.center)}",
        f"  {pct} interval  [{_g(res.ci[0])}, {_g(res.ci[1])}]",
        f"  scale         {_g(res.scale)}",
        f"  cuts          lower {_g(res.lower_cut)}   upper {_g(res.upper_cut)}",
        f"  values        n {res.n}   kept {res.n_kept}   low {res.n_low}   high {res.n_high}",
        f"  plain mean    {_g(float(_api.mean(data.values)))}   "
        f"(median {_g(float(_api.median(data.values)))})",
    ]
    lines += _missing_text(data)
    lines += _outlier_section(data, res.outliers(top), res.n_low + res.n_high, grouped=False)
    return "\n".join(lines)


def format_grouped(data: ColumnData, res: Any, top: int | None, *, method_text: str) -> str:
    """The table printed by ``robstat summarize --group-by``: one row a group."""
    counts = np.bincount(res.codes, minlength=len(res))
    means = np.bincount(res.codes, weights=data.values, minlength=len(res)) / counts
    pct = f"{res.confidence:.0%}"
    head = [data.group_by or "group", "n", "kept", "low", "high", "centre",
            f"{pct} ci lower", f"{pct} ci upper", "lower cut", "upper cut", "plain mean"]
    rows = [[str(_plain(k)), str(res.n[g]), str(res.n_kept[g]), str(res.n_low[g]),
             str(res.n_high[g]), _g(res.center[g]), _g(res.ci_lower[g]),
             _g(res.ci_upper[g]), _g(res.lower_cut[g]), _g(res.upper_cut[g]),
             _g(float(means[g]))] for g, k in enumerate(res.keys)]
    lines = [f"{data.source}: column {data.column!r} by {data.group_by!r} "
             f"({len(res)} groups), method {method_text}"]
    lines += _table(head, rows)
    lines += _missing_text(data)
    lines += _outlier_section(data, res.outliers(top), int(np.sum(res.n_low + res.n_high)),
                              grouped=True)
    return "\n".join(lines)


def _outlier_section(data: ColumnData, cuts: list[Any], n_cut: int, *, grouped: bool) -> list[str]:
    rows = _outlier_rows(data, cuts)
    if n_cut == 0:
        return ["", "  no values were cut"]
    title = (f"  top {len(rows)} of {n_cut} cut values (most extreme robust z first; "
             "line = line of the file)")
    if not rows:
        return ["", f"  {n_cut} values were cut (--top 0: none listed)"]
    head = (["group"] if grouped else []) + ["line", "value", "robust z", "side"]
    body = [([str(r["group"])] if grouped else []) +
            [str(r["line"]), _g(r["value"]), f"{r['zscore']:+.2f}", r["side"]] for r in rows]
    return ["", title] + _table(head, body, indent="    ")


def grouped_dicts(res: Any) -> list[dict[str, Any]]:
    """One dict per group, with the keys of :meth:`Aggregate.to_dict` plus ``group``."""
    out = []
    for g, k in enumerate(res.keys):
        out.append({
            "group": _plain(k), "method": res.method, "center": float(res.center[g]),
            "scale": float(res.scale[g]),
            "ci": [float(res.ci_lower[g]), float(res.ci_upper[g])],
            "confidence": res.confidence, "lower_cut": float(res.lower_cut[g]),
            "upper_cut": float(res.upper_cut[g]), "n": int(res.n[g]),
            "n_kept": int(res.n_kept[g]), "n_low": int(res.n_low[g]),
            "n_high": int(res.n_high[g]), "fit": None,
        })
    return out


def to_json(data: ColumnData, res: Any, top: int | None) -> str:
    """The JSON printed by ``robstat summarize --json`` (strict JSON: NaN -> null)."""
    head: dict[str, Any] = {"source": data.source, "column": data.column}
    if data.groups is None:
        doc = {**head, "n_missing": len(data.missing_lines), **res.to_dict(),
               "outliers": _outlier_rows(data, res.outliers(top))}
    else:
        doc = {**head, "group_by": data.group_by, "n_missing": len(data.missing_lines),
               "method": res.method, "confidence": res.confidence,
               "groups": grouped_dicts(res), "outliers": _outlier_rows(data, res.outliers(top))}
    return json.dumps(_json_value(doc), indent=2, allow_nan=False)


# ---- commands --------------------------------------------------------------------------


def run_aggregate(data: ColumnData, *, method: str, trim: float | None,
                  threshold: float | None, ci: str, confidence: float, n_boot: int,
                  seed: int, family: str = "normal") -> Any:
    """robstat.aggregate on what :func:`read_column` read; a bad parameter (ValueError)
    becomes a usage error, warnings become notes on stderr."""
    from ._aggregate import aggregate

    kw: dict[str, Any] = dict(method=method, threshold=threshold, ci=ci,
                              confidence=confidence, n_boot=n_boot, seed=seed)
    if trim is not None:
        kw["trim"] = trim
    if family != "normal":
        kw["family"] = family
    if data.groups is not None:
        kw["groups"] = np.asarray(data.groups)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = aggregate(data.values, **kw)
        except (ValueError, TypeError) as exc:
            raise CliError(str(exc), EXIT_USAGE) from None
    for w in caught:
        print(f"{PROG}: note: {w.message}", file=sys.stderr)
    return res


def _cmd_summarize(args: argparse.Namespace) -> int:
    if args.top is not None and args.top < 0:
        raise CliError(f"--top must be >= 0 (got {args.top})", EXIT_USAGE)
    if args.trim is not None and args.method != "trim":
        raise CliError(f"--trim applies to --method trim only (got --method {args.method})",
                       EXIT_USAGE)
    if args.family is not None and args.method != "fit":
        raise CliError(f"--family applies to --method fit only (got --method {args.method})",
                       EXIT_USAGE)
    data = read_column(args.file, args.column, args.group_by, delimiter=args.delimiter)
    res = run_aggregate(data, method=args.method, trim=args.trim, threshold=args.threshold,
                        ci=args.ci, confidence=args.confidence, n_boot=args.n_boot,
                        seed=args.seed, family=args.family or "normal")
    if args.json:
        print(to_json(data, res, args.top))
    else:
        text = _method_text(args.method, args.trim, args.threshold)
        if args.family is not None:
            text += f", family {args.family}"
        fmt = format_single if data.groups is None else format_grouped
        print(fmt(data, res, args.top, method_text=text))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from ._demo import run

    return run(args.out)


def _parser() -> argparse.ArgumentParser:
    from ._aggregate import AGGREGATE_METHODS, FIT_FAMILIES

    ap = argparse.ArgumentParser(
        prog=PROG, description="robstat: robust aggregation from the command line "
        "(docs/cli.md).")
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    s = sub.add_parser(
        "summarize", help="robust aggregate of one column of a CSV file",
        description="Cut both tails of a numeric CSV column, print the centre with its "
        "interval, the cut points, the counts and the most extreme cut values.")
    s.add_argument("file", metavar="FILE", help="CSV file, or - for standard input")
    s.add_argument("--column", "-c", required=True, help="the numeric column")
    s.add_argument("--group-by", "-g", metavar="G", help="aggregate per value of column G")
    s.add_argument("--method", "-m", default="trim", choices=AGGREGATE_METHODS)
    s.add_argument("--trim", type=float, metavar="P",
                   help="method trim: proportion cut from each tail (default 0.1)")
    s.add_argument("--threshold", type=float, metavar="T",
                   help="the method's threshold (mad 3.5, iqr 1.5, adjbox 1.5, "
                   "sigma_clip 3, huber k 1.345)")
    s.add_argument("--family", "-f", metavar="F", choices=FIT_FAMILIES,
                   help="method fit: the family fitted (default normal; "
                   + ", ".join(FIT_FAMILIES) + ")")
    s.add_argument("--ci", default="auto", choices=("auto", "bootstrap", "none"),
                   help="the interval: analytic where there is one (auto), bootstrap, none")
    s.add_argument("--confidence", type=float, default=0.95, help="interval level")
    s.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples")
    s.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    s.add_argument("--top", type=int, default=10, metavar="K",
                   help="list the K most extreme cut values (default 10)")
    s.add_argument("--delimiter", default=",", help="field separator (default ',')")
    s.add_argument("--json", action="store_true", help="print JSON instead of a table")
    s.set_defaults(run=_cmd_summarize)
    d = sub.add_parser("demo", help="summarise the bundled data sets and write figures",
                       description="Robust aggregates of the bundled data sets (chem, "
                       "abbey, morley, ratings), printed, with figures written to --out.")
    d.add_argument("--out", default="build/demo", metavar="DIR",
                   help="directory for the PNG figures (default build/demo)")
    d.set_defaults(run=_cmd_demo)
    return ap


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``robstat`` console script; returns the exit code."""
    ap = _parser()
    args = ap.parse_args(argv)  # usage errors: argparse prints them and exits with 2
    try:
        return int(args.run(args))
    except CliError as exc:
        print(f"{PROG} {args.command}: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `robstat ... | head`: the reader left; stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
