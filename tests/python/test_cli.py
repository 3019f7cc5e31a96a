"""The ``robstat`` command line (docs/cli.md), run through subprocesses: the installed
console script and ``python -m robstat``. Every number printed is checked against
robstat.aggregate called directly on the same values."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import robstat

SCRIPT = Path(sys.executable).parent / "robstat"
REPO = Path(__file__).resolve().parents[2]


def run(args, *, stdin=None, cwd=None, module=False):
    cmd = [sys.executable, "-m", "robstat"] if module else [str(SCRIPT)]
    return subprocess.run(cmd + [str(a) for a in args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def nulls(v):
    """What strict JSON makes of a value: NaN and +-inf become None."""
    if isinstance(v, dict):
        return {k: nulls(u) for k, u in v.items()}
    if isinstance(v, (list, tuple)):
        return [nulls(u) for u in v]
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """A CSV with comments, a header, an id column, a group column, missing cells and
    planted outliers in both tails; returns (path, values, groups, lines)."""
    rng = np.random.default_rng(7)
    n = 120
    vals = rng.normal(50.0, 4.0, n).round(2)
    vals[[5, 40, 77]] = [130.0, -20.0, 95.5]
    groups = np.array(["north", "south", "east"])[rng.integers(0, 3, n)]
    lines_out = ["# a test file", "# with two comment lines", "id,site,value"]
    values, gkeys, lines = [], [], []
    for i in range(n):
        cell = "" if i in (10, 11) else ("NA" if i == 50 else repr(float(vals[i])))
        lines_out.append(f"{i},{groups[i]},{cell}")
        if cell not in ("", "NA"):
            values.append(float(vals[i]))
            gkeys.append(groups[i])
            lines.append(len(lines_out))
    path = tmp_path_factory.mktemp("cli") / "sample.csv"
    path.write_text("\n".join(lines_out) + "\n")
    return path, np.array(values), np.array(gkeys), np.array(lines)


def field(text, name):
    m = re.search(rf"^  {re.escape(name)}\s+(.*)$", text, flags=re.M)
    assert m, (name, text)
    return m.group(1)


def numbers(s):
    return [float(v) for v in re.findall(r"[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|nan|inf)", s)]


def close(a, b):
    if math.isnan(b):
        return math.isnan(a)
    return a == pytest.approx(b, rel=1e-5, abs=1e-9)


# ---- output agrees with robstat.aggregate ------------------------------------------------


@pytest.mark.parametrize("method", ["trim", "mad", "iqr", "adjbox", "sigma_clip", "huber"])
def test_table_matches_aggregate(sample, method):
    path, values, _, lines = sample
    p = run(["summarize", path, "--column", "value", "--method", method])
    assert p.returncode == 0, p.stderr
    res = robstat.aggregate(values, method=method)
    out = p.stdout
    assert close(numbers(field(out, "centre"))[0], res.center)
    lo, hi = numbers(field(out, "95% interval"))
    assert close(lo, res.ci[0]) and close(hi, res.ci[1])
    assert close(numbers(field(out, "scale"))[0], res.scale)
    lc, uc = numbers(field(out, "cuts"))
    assert close(lc, res.lower_cut) and close(uc, res.upper_cut)
    assert numbers(field(out, "values")) == [res.n, res.n_kept, res.n_low, res.n_high]
    assert close(numbers(field(out, "plain mean"))[0], float(np.mean(values)))
    # the outlier rows: line of the file, value, robust z, side, most extreme first
    cuts = res.outliers(10)
    rows = re.findall(r"^\s+(\d+)\s+(\S+)\s+([-+]\d+\.\d\d)\s+(low|high)$", out, flags=re.M)
    assert len(rows) == len(cuts)
    for (line, value, z, side), c in zip(rows, cuts):
        assert int(line) == lines[c.index]
        assert close(float(value), c.value)
        assert float(z) == pytest.approx(c.zscore, abs=0.006)
        assert side == c.side
    assert "note: 3 missing cell(s) omitted (line 14, 15, 54)" in out


@pytest.mark.parametrize("family", ["logistic", "lognormal"])
def test_fit_family(sample, family):
    path, values, _, _ = sample
    p = run(["summarize", path, "-c", "value", "-m", "fit", "--family", family, "--json"])
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    res = robstat.aggregate(values, method="fit", family=family)
    for k in ("source", "column", "n_missing", "outliers"):
        doc.pop(k)
    assert doc == nulls(res.to_dict())
    t = run(["summarize", path, "-c", "value", "-m", "fit", "-f", family])
    assert t.returncode == 0 and f"family {family}" in t.stdout
    assert close(numbers(field(t.stdout, "centre"))[0], res.center)
    bad = run(["summarize", path, "-c", "value", "-m", "trim", "--family", family])
    assert bad.returncode == 2 and "--family applies to --method fit only" in bad.stderr
    unknown = run(["summarize", path, "-c", "value", "-m", "fit", "--family", "gamma"])
    assert unknown.returncode == 2 and "invalid choice" in unknown.stderr


def test_planted_outliers_are_reported_with_their_lines(sample):
    path, *_ = sample
    p = run(["summarize", path, "--column", "value", "--method", "mad", "--top", "3"])
    assert p.returncode == 0, p.stderr
    # rows 5, 40, 77 of the data are lines 9, 44, 81 of the file
    got = re.findall(r"^\s+(\d+)\s+(\S+)\s+[-+]\d+\.\d\d\s+(low|high)$", p.stdout, flags=re.M)
    assert sorted(got) == sorted([("9", "130", "high"), ("44", "-20", "low"),
                                  ("81", "95.5", "high")])


@pytest.mark.parametrize("method", ["trim", "mad", "huber"])
def test_json_matches_aggregate(sample, method):
    path, values, _, lines = sample
    p = run(["summarize", path, "--column", "value", "--method", method, "--json"])
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    res = robstat.aggregate(values, method=method)
    outliers = doc.pop("outliers")
    assert doc.pop("source") == str(path)
    assert doc.pop("column") == "value"
    assert doc.pop("n_missing") == 3
    assert doc == nulls(res.to_dict())
    cuts = res.outliers(10)
    assert [o["index"] for o in outliers] == [c.index for c in cuts]
    assert [o["line"] for o in outliers] == [int(lines[c.index]) for c in cuts]
    assert [(o["value"], o["zscore"], o["side"]) for o in outliers] == \
           [(c.value, c.zscore, c.side) for c in cuts]


def test_json_is_strict_json(sample):
    path, values, *_ = sample
    p = run(["summarize", path, "--column", "value", "--method", "mad", "--ci", "none",
             "--json", "--top", "0"])
    assert p.returncode == 0, p.stderr
    assert "NaN" not in p.stdout
    doc = json.loads(p.stdout)
    assert doc["ci"] == [None, None] and doc["outliers"] == []


def test_bootstrap_and_parameters_are_passed_through(sample):
    path, values, *_ = sample
    p = run(["summarize", path, "--column", "value", "--method", "iqr", "--threshold", "2",
             "--ci", "bootstrap", "--n-boot", "200", "--seed", "3", "--confidence", "0.9",
             "--json"])
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    res = robstat.aggregate(values, method="iqr", threshold=2.0, ci="bootstrap", n_boot=200,
                            seed=3, confidence=0.9)
    assert doc["ci"] == list(res.ci) and doc["confidence"] == 0.9
    assert doc["lower_cut"] == res.lower_cut
    p = run(["summarize", path, "--column", "value", "--trim", "0.2", "--json"])
    assert json.loads(p.stdout)["center"] == robstat.aggregate(values, trim=0.2).center


def test_grouped_json_matches_aggregate(sample):
    path, values, groups, lines = sample
    p = run(["summarize", path, "--column", "value", "--group-by", "site", "--method", "mad",
             "--json", "--top", "5"])
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    res = robstat.aggregate(values, method="mad", groups=groups)
    assert doc["group_by"] == "site" and doc["method"] == "mad"
    assert [g["group"] for g in doc["groups"]] == ["east", "north", "south"]
    for g in doc["groups"]:
        key = g.pop("group")
        assert g == nulls(res[key].to_dict())
    cuts = res.outliers(5)
    assert [(o["group"], o["index"], o["line"], o["value"], o["side"])
            for o in doc["outliers"]] == \
        [(k, c.index, int(lines[c.index]), c.value, c.side) for k, c in cuts]


def test_grouped_table_matches_aggregate(sample):
    path, values, groups, _ = sample
    p = run(["summarize", path, "-c", "value", "-g", "site"])
    assert p.returncode == 0, p.stderr
    res = robstat.aggregate(values, groups=groups)
    for g, key in enumerate(res.keys):
        row = re.search(rf"^\s+{key}\s+(.*)$", p.stdout, flags=re.M)
        assert row, p.stdout
        got = numbers(row.group(1))
        want = [res.n[g], res.n_kept[g], res.n_low[g], res.n_high[g], res.center[g],
                res.ci_lower[g], res.ci_upper[g], res.lower_cut[g], res.upper_cut[g],
                float(np.mean(values[groups == key]))]
        assert len(got) == len(want)
        assert all(close(a, float(b)) for a, b in zip(got, want)), (got, want)


def test_integer_group_keys_sort_as_numbers(tmp_path):
    rows = ["g,v"] + [f"{g},{v}" for g in (10, 2, 1) for v in (1.0, 2.0, 3.0, 4.0)]
    f = tmp_path / "g.csv"
    f.write_text("\n".join(rows) + "\n")
    doc = json.loads(run(["summarize", f, "-c", "v", "-g", "g", "--json"]).stdout)
    assert [g["group"] for g in doc["groups"]] == [1, 2, 10]


def test_delimiter_quoting_and_missing_markers(tmp_path):
    f = write(tmp_path, '# semicolons\nname;"price; EUR"\n"a;b";1.5\nc; 2.5 \nd;NaN\ne;n/a\n'
              'f;-3e1\ng;null\n')
    p = run(["summarize", f, "-c", "price; EUR", "--delimiter", ";", "--json"])
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    want = robstat.aggregate(np.array([1.5, 2.5, -30.0])).to_dict()
    assert doc["n_missing"] == 3 and doc["n"] == 3
    assert doc["center"] == want["center"] and doc["ci"] == nulls(want["ci"])


def test_output_closed_early_is_not_an_error(tmp_path):
    # 5000 groups: a table far larger than a pipe's buffer, read 10 bytes of
    rng = np.random.default_rng(0)
    rows = [f"g{k % 5000},{v:.3f}" for k, v in enumerate(rng.normal(size=20000))]
    f = write(tmp_path, "g,v\n" + "\n".join(rows) + "\n", "big.csv")
    p = subprocess.run(f"set -o pipefail; '{SCRIPT}' summarize '{f}' -c v -g g | head -c 10",
                       shell=True, executable="/bin/bash", capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0 and len(p.stdout) == 10, p.stderr
    assert p.stderr == ""


def test_stdin_gives_the_same_result(sample):
    path, *_ = sample
    args = ["--column", "value", "--method", "mad", "--json"]
    from_file = json.loads(run(["summarize", path] + args).stdout)
    p = run(["summarize", "-"] + args, stdin=path.read_text())
    assert p.returncode == 0, p.stderr
    from_stdin = json.loads(p.stdout)
    assert from_stdin.pop("source") == "<stdin>"
    from_file.pop("source")
    assert from_stdin == from_file


def test_python_dash_m_is_the_same_command(sample):
    path, *_ = sample
    a = run(["summarize", path, "--column", "value"])
    b = run(["summarize", path, "--column", "value"], module=True)
    assert a.returncode == b.returncode == 0
    assert a.stdout == b.stdout


def test_bundled_chem_from_another_directory(tmp_path):
    chem = REPO / "data" / "chem.csv"
    line = chem.read_text().splitlines().index("28.95") + 1  # the gross outlier
    p = run(["summarize", chem, "--column", "copper", "--method", "mad"], cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert re.search(rf"^\s+{line}\s+28\.95\s+\+\d+\.\d\d\s+high$", p.stdout,
                     flags=re.M), p.stdout


# ---- errors: one line on stderr, exit 1 (data) or 2 (usage), never a traceback -----------


def error(p, code):
    assert p.returncode == code, (p.returncode, p.stdout, p.stderr)
    assert "Traceback" not in p.stderr
    assert p.stdout == ""
    msg = p.stderr.strip()
    return msg


def write(tmp_path, text, name="bad.csv"):
    f = tmp_path / name
    f.write_text(text)
    return f


def test_missing_file(tmp_path):
    msg = error(run(["summarize", tmp_path / "nope.csv", "-c", "x"]), 2)
    assert msg == f"robstat summarize: error: {tmp_path / 'nope.csv'}: no such file"


def test_directory_instead_of_file(tmp_path):
    msg = error(run(["summarize", tmp_path, "-c", "x"]), 2)
    assert "is a directory" in msg and "\n" not in msg


def test_missing_column_lists_the_columns(tmp_path):
    f = write(tmp_path, "id,price,qty\n1,2,3\n")
    msg = error(run(["summarize", f, "-c", "cost"]), 2)
    assert msg == (f"robstat summarize: error: {f}: no column 'cost'; the columns are: "
                   "'id', 'price', 'qty'")
    msg = error(run(["summarize", f, "-c", "price", "-g", "shop"]), 2)
    assert "no group column 'shop'" in msg and "'qty'" in msg


def test_non_numeric_cell_names_line_column_and_cell(tmp_path):
    f = write(tmp_path, "# comment\nid,price\n1,2.5\n2,3,5\n3,abc\n")
    msg = error(run(["summarize", f, "-c", "price"]), 1)
    assert msg == f"robstat summarize: error: {f}, line 5, column 'price': not a number: 'abc'"
    f = write(tmp_path, "price\n1\n1_000\n")
    assert "line 3, column 'price': not a number: '1_000'" in error(
        run(["summarize", f, "-c", "price"]), 1)


def test_non_numeric_cell_on_stdin():
    msg = error(run(["summarize", "-", "-c", "v"], stdin="v\n1\n2\nthree\n"), 1)
    assert msg == "robstat summarize: error: <stdin>, line 4, column 'v': not a number: 'three'"


def test_empty_column(tmp_path):
    f = write(tmp_path, "a,b\n1,\n2,NA\n3,\n")
    msg = error(run(["summarize", f, "-c", "b"]), 1)
    assert msg == f"robstat summarize: error: {f}: column 'b' has no values (3 missing cell(s))"
    f = write(tmp_path, "a,b\n")
    assert "column 'b' has no values (no data rows)" in error(run(["summarize", f, "-c", "b"]), 1)


def test_empty_file_and_short_row(tmp_path):
    f = write(tmp_path, "# only a comment\n")
    assert "no header row" in error(run(["summarize", f, "-c", "b"]), 1)
    f = write(tmp_path, "a,b\n1,2\n3\n")
    msg = error(run(["summarize", f, "-c", "b"]), 1)
    assert msg.endswith("line 3: 1 field(s), but the header has 2 (column 'b' is field 2)")


def test_empty_group_key(tmp_path):
    f = write(tmp_path, "g,v\na,1\n,2\n")
    msg = error(run(["summarize", f, "-c", "v", "-g", "g"]), 1)
    assert "line 3, column 'g': empty group key" in msg


def test_not_utf8(tmp_path):
    f = tmp_path / "latin1.csv"
    f.write_bytes("v,w\n1,caf\xe9\n".encode("latin-1"))
    assert "not a UTF-8 text file" in error(run(["summarize", f, "-c", "v"]), 1)


@pytest.mark.parametrize("args, text", [
    (["--method", "median"], "invalid choice: 'median'"),
    (["--method", "mad", "--trim", "0.2"], "--trim applies to --method trim only"),
    (["--trim", "0.7"], "trim"),
    (["--top", "-1"], "--top must be >= 0"),
    (["--confidence", "1.5"], "confidence"),
    (["--ci", "always"], "invalid choice: 'always'"),
    (["--threshold", "x"], "invalid float value: 'x'"),
])
def test_usage_errors(sample, args, text):
    path, *_ = sample
    p = run(["summarize", path, "-c", "value"] + args)
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and text in p.stderr


def test_missing_column_option_and_command():
    p = run(["summarize", "x.csv"])
    assert p.returncode == 2 and "--column" in p.stderr and "Traceback" not in p.stderr
    p = run([])
    assert p.returncode == 2 and "Traceback" not in p.stderr


# ---- the demo -----------------------------------------------------------------------------


def test_demo_runs_from_the_installed_package(tmp_path):
    out = tmp_path / "figures"
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    p = run(["demo", "--out", out], cwd=elsewhere)
    assert p.returncode == 0, p.stderr
    for name in ("chem.csv", "abbey.csv", "morley.csv", "ratings.csv"):
        assert name in p.stdout
    assert "by 'item' (12 groups)" in p.stdout and "by 'Expt' (5 groups)" in p.stdout
    for png in ("robust_summary.png", "morley_by_expt.png", "ratings_by_item.png"):
        f = out / png
        assert f.is_file() and f.stat().st_size > 10_000
        assert f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert p.stderr == ""


def test_json_values_are_strict():
    # what a fit's to_dict() may hold (arrays, NumPy scalars, non-finite values)
    from robstat.cli import _json_value

    doc = _json_value({"cov": np.array([[1.0, np.nan], [2.0, 3.0]]), "df": np.float32(2.5),
                       "ci": (1, float("-inf")), "name": "t"})
    assert json.loads(json.dumps(doc, allow_nan=False)) == \
        {"cov": [[1.0, None], [2.0, 3.0]], "df": 2.5, "ci": [1, None], "name": "t"}
