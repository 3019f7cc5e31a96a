"""The Spark recipe of docs/streaming.md on a real local SparkSession (local[2], Python
worker processes, every state shipped through its bytes): the states merged on the driver
are bit-identical to the single-process state whatever the partitioning, grouped and not.

Skipped, with the reason, where pyspark does not import (it is the spark extra, installed by
make setup but not by make test-package) or where its JVM cannot start.
"""

from __future__ import annotations

import math
import os
import shutil
import sys
from collections.abc import Iterator
from typing import Any, Callable

import numpy as np
import pytest

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (the spark extra)")
pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow", reason="pyarrow is not installed (mapInPandas needs it)")

from robstat.stream import MomentsState, SumState  # noqa: E402

N = 3_000
GROUPS = 4
STATES = {"SumState": SumState, "MomentsState": MomentsState}


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java runtime (java not on PATH, JAVA_HOME unset): "
                    "tools/bootstrap.sh installs openjdk-17-jre-headless")
    from pyspark.sql import SparkSession

    # the Python workers must be this interpreter (robstat's), not `python3` on PATH
    os.environ["PYSPARK_PYTHON"] = sys.executable
    try:
        session = (SparkSession.builder.master("local[2]").appName("robstat-test_spark")
                   .config("spark.driver.bindAddress", "127.0.0.1")
                   .config("spark.ui.enabled", "false")
                   .config("spark.sql.shuffle.partitions", "3")
                   .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                   .getOrCreate())
    except Exception as exc:  # the JVM did not start (py4j's gateway error, or Java's)
        pytest.skip(f"Spark's JVM could not start: {type(exc).__name__}: {exc}")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def data() -> Any:
    """1e9 + N(0, 1) with values whose sums round differently in every order: huge, tiny,
    negative, a NaN; integer group keys."""
    rng = np.random.default_rng(7)
    x = 1e9 + rng.standard_normal(N)
    x[rng.choice(N, 30, replace=False)] = rng.choice([1e200, -3e199, 1e-300, 5e15], 30)
    x[17] = np.nan
    return pd.DataFrame({"g": rng.integers(0, GROUPS, N), "x": x})


def fold(state_type: type) -> Callable[[Iterator[Any]], Iterator[Any]]:
    def fold_partition(batches: Iterator[Any]) -> Iterator[Any]:
        state = state_type()
        for batch in batches:
            state.update(batch["x"].to_numpy())
        yield pd.DataFrame({"state": [state.to_bytes()]})
    return fold_partition


def merged(rows: list[Any], state_type: type) -> Any:
    total = state_type()
    for row in rows:
        total.merge(state_type.from_bytes(row.state))
    return total


def partitionings(frame: Any) -> list[tuple[str, Any]]:
    return [("1 partition", frame.coalesce(1)), ("2 partitions", frame.repartition(2)),
            ("7 partitions", frame.repartition(7)),
            ("5 by range of x", frame.repartitionByRange(5, "x")),
            ("16 partitions by g (some empty)", frame.repartition(16, "g"))]


def same(a: float, b: float) -> bool:
    return (a == b and math.copysign(1, a) == math.copysign(1, b)) or (a != a and b != b)


@pytest.mark.parametrize("name", list(STATES))
def test_partition_states_merge_bit_identical(spark: Any, name: str) -> None:
    state_type = STATES[name]
    pdf = data()
    x = pdf["x"].to_numpy()
    want = state_type().update(x)
    # the oracle of the sum: math.fsum of the finite values (correctly rounded)
    assert want.sum(nan_policy="omit") == math.fsum(x[~np.isnan(x)])
    frame = spark.createDataFrame(pdf)
    for label, part in partitionings(frame):
        rows = part.mapInPandas(fold(state_type), schema="state binary").collect()
        assert len(rows) == part.rdd.getNumPartitions(), label  # one state a partition
        got = merged(rows, state_type)
        assert got == want, label
        assert got.to_bytes() == want.to_bytes(), label
        assert got.count() == N and got.n_nan == 1, label
        assert same(got.sum(nan_policy="omit"), want.sum(nan_policy="omit")), label
        assert math.isnan(got.sum()), label  # "propagate": a NaN was folded in
        if state_type is MomentsState:
            for r in ("mean", "var", "std", "min", "max"):
                assert same(getattr(got, r)(nan_policy="omit"),
                            getattr(want, r)(nan_policy="omit")), (label, r)


def test_merge_inside_spark(spark: Any) -> None:
    """The driver's loop replaced by Spark's own reduce (any order: merge is exact)."""
    pdf = data()
    want = MomentsState().update(pdf["x"].to_numpy())
    blobs = (spark.createDataFrame(pdf).repartition(6)
             .mapInPandas(fold(MomentsState), schema="state binary"))
    got = blobs.rdd.map(lambda r: MomentsState.from_bytes(r.state)).treeReduce(
        lambda a, b: a.merge(b), depth=2)
    assert got == want


def test_grouped_both_ways(spark: Any) -> None:
    pdf = data()
    want = {k: MomentsState().update(pdf["x"].to_numpy()[pdf["g"].to_numpy() == k])
            for k in range(GROUPS)}

    def fold_by_key(batches: Iterator[Any]) -> Iterator[Any]:
        states: dict[int, MomentsState] = {}
        for batch in batches:
            for key, part in batch.groupby("g"):
                states.setdefault(int(key), MomentsState()).update(part["x"].to_numpy())
        yield pd.DataFrame({"g": list(states), "state": [s.to_bytes() for s in states.values()]})

    def fold_group(key: tuple[Any, ...], group: Any) -> Any:
        state = MomentsState().update(group["x"].to_numpy())
        return pd.DataFrame({"g": [int(key[0])], "state": [state.to_bytes()]})

    frame = spark.createDataFrame(pdf)
    for label, part in partitionings(frame)[1:4]:
        by_key: dict[int, MomentsState] = {}
        rows = part.mapInPandas(fold_by_key, schema="g long, state binary").collect()
        for row in rows:
            by_key.setdefault(row.g, MomentsState()).merge(MomentsState.from_bytes(row.state))
        assert by_key == want, label
        rows = part.groupBy("g").applyInPandas(fold_group, "g long, state binary").collect()
        assert len(rows) == GROUPS, label  # one row a group
        assert {r.g: MomentsState.from_bytes(r.state) for r in rows} == want, label
