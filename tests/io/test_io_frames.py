"""Frames beyond pandas load to the same Sweep as the pandas frame."""

from __future__ import annotations

import sys

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as pads
import pytest
from io_helpers import assert_same_sweep, grid_runs

from sweepwalk import Sweep
from sweepwalk.io import from_frame, open_source, to_pandas_runs

PARAMS = ["lr", "opt"]


def _runs() -> pd.DataFrame:
    # an extra column that is neither parameter nor metric: left behind by params=
    return grid_runs().assign(note="x")


def _want() -> Sweep:
    return Sweep.from_runs(grid_runs(), metric="acc", params=PARAMS, seed="seed")


def _sources(tmp_path):
    runs = _runs().sample(frac=1.0, random_state=1)  # rows in no order: seeds must stay aligned
    con = duckdb.connect()
    con.register("runs_view", runs)
    yield "polars DataFrame", pl.from_pandas(runs)
    yield "polars LazyFrame", pl.from_pandas(runs).lazy()
    yield "pyarrow Table", pa.Table.from_pandas(runs, preserve_index=False)
    yield "duckdb relation", con.sql("SELECT * FROM runs_view")
    folder = tmp_path / "runs"
    pads.write_dataset(
        pa.Table.from_pandas(runs, preserve_index=False), folder, format="parquet",
        partitioning=["opt"], partitioning_flavor="hive",
    )  # fmt: skip
    yield "hive-partitioned Parquet folder", folder
    file = tmp_path / "runs.parquet"
    runs.to_parquet(file)
    yield "Parquet file", str(file)


def test_every_source_loads_to_the_same_sweep(tmp_path):
    seen = []
    for name, source in _sources(tmp_path):
        got = from_frame(source, metric="acc", seed="seed", params=PARAMS)
        assert_same_sweep(got, _want())
        seen.append(name)
    assert len(seen) == 6
    folder = from_frame(tmp_path / "runs", metric="acc", seed="seed")  # partitions are columns
    assert sorted(folder.params) == ["lr", "note", "opt"]


def test_lazy_sources_are_grouped_by_configuration():
    shuffled = _runs().sample(frac=1.0, random_state=0)
    lazy = pl.from_pandas(shuffled).lazy()
    runs = to_pandas_runs(lazy, metric="acc", seed="seed", params=PARAMS)
    assert list(runs.columns) == ["lr", "opt", "seed", "acc"]
    for _, group in runs.groupby(PARAMS, sort=False):
        assert sorted(group["seed"]) == [0, 1, 2, 3]
    first = runs.groupby(PARAMS, sort=False).ngroup()
    assert first.is_monotonic_increasing  # each configuration's rows together
    from_duckdb = to_pandas_runs(duckdb.sql("SELECT * FROM shuffled"), metric="acc", seed="seed")
    from_pandas = to_pandas_runs(shuffled, metric="acc", seed="seed")  # params: all but two
    assert (
        list(from_duckdb.columns)
        == list(from_pandas.columns)
        == ["lr", "opt", "note", "seed", "acc"]
    )
    key = ["lr", "opt", "seed"]
    pd.testing.assert_frame_equal(
        from_duckdb.sort_values(key).reset_index(drop=True),
        from_pandas.sort_values(key).reset_index(drop=True),
    )


def test_without_seed_and_inferred_params(tmp_path):
    runs = grid_runs().drop(columns="seed")
    # without seeds, lazy sources give each configuration's runs in score order (documented)
    want = Sweep.from_runs(runs.sort_values("acc"), metric="acc")
    assert_same_sweep(from_frame(pl.from_pandas(runs).lazy(), metric="acc"), want)
    assert_same_sweep(from_frame(duckdb.sql("SELECT * FROM runs"), metric="acc"), want)


def test_duplicate_runs_still_refused_after_grouping():
    runs = pd.concat([grid_runs(), grid_runs().iloc[:1]])
    with pytest.raises(ValueError, match=r"more than once|duplicate"):
        from_frame(pl.from_pandas(runs).lazy(), metric="acc", seed="seed")


def test_open_source_files_and_folders(tmp_path):
    runs = grid_runs()
    runs.to_csv(tmp_path / "runs.csv", index=False)
    runs.to_csv(tmp_path / "runs.tsv", sep="\t", index=False)
    (tmp_path / "pq").mkdir()
    runs.to_parquet(tmp_path / "pq" / "part-0.parquet")
    for spec in ["runs.csv", "runs.tsv", "pq"]:
        got = open_source(str(tmp_path / spec), metric="acc", seed="seed", params=PARAMS)
        assert_same_sweep(got, _want())
    with pytest.raises(FileNotFoundError, match=r"(?s)no file or folder .*optuna:sqlite"):
        open_source(str(tmp_path / "nope.csv"))
    with pytest.raises(ValueError, match=r"needs `metric=`"):
        open_source(str(tmp_path / "pq"))
    (tmp_path / "runs.json").write_text("{}")
    with pytest.raises(ValueError, match=r"not a .csv, .tsv or .parquet file"):
        open_source(str(tmp_path / "runs.json"), metric="acc")


def test_bad_columns_and_types_are_named():
    with pytest.raises(ValueError, match=r"no column\(s\) \['f1'\]"):
        to_pandas_runs(pl.from_pandas(grid_runs()).lazy(), metric="f1")
    with pytest.raises(TypeError, match="expected a pandas DataFrame, an object with"):
        to_pandas_runs([1, 2], metric="acc")


def test_missing_duckdb_names_the_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "duckdb", None)
    with pytest.raises(ImportError, match=r"pip install sweepwalk\[duckdb\]"):
        to_pandas_runs(tmp_path, metric="acc")


def test_arrow_streams_are_accepted_wherever_a_dataframe_is():
    from sweepwalk import explore
    from sweepwalk.session.session import as_sweep

    runs = _runs().sample(frac=1.0, random_state=2)
    con = duckdb.connect()
    con.register("runs_view", runs)
    streams = {  # factories: a DuckDB result is a one-shot stream (a RecordBatchReader)
        "polars": lambda: pl.from_pandas(runs),
        "pyarrow": lambda: pa.Table.from_pandas(runs, preserve_index=False),
        "duckdb result": lambda: con.sql("SELECT * FROM runs_view").arrow(),
    }
    for name, make in streams.items():
        assert hasattr(make(), "__arrow_c_stream__"), name
        got = Sweep.from_runs(make(), metric="acc", params=PARAMS, seed="seed")
        assert_same_sweep(got, _want())
        assert_same_sweep(as_sweep(make(), metric="acc", params=PARAMS, seed="seed"), _want())
        widget = explore(make(), metric="acc", params=PARAMS, seed="seed")
        assert_same_sweep(widget.session.sweep, _want())


def test_top_level_adapters_are_the_io_ones():
    import sweepwalk
    import sweepwalk.io

    for name in ("from_optuna", "from_mlflow", "from_ray_tune", "from_wandb", "from_hydra",
                 "from_tensorboard"):  # fmt: skip
        assert getattr(sweepwalk, name) is getattr(sweepwalk.io, name)
        assert name in sweepwalk.__all__
