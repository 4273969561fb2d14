"""The results store of a sweep: one Parquet file per run and table, never half-written.

Layout of a sweep's output directory::

    experiment.toml            the experiment file as it was run
    experiment.json            its validated content (design, varied ranges, digest)
    plan.parquet               one row per design point, replicate and regime: run_id,
                               point, replicate, seed, regime, varied parameters
    summary/<run_id>.parquet   one row: the run's end-of-run indicators
    weekly/<run_id>.parquet    one row per week (if kept)
    deciles/<run_id>.parquet   one row per income decile (if kept)
    journeys/<run_id>.parquet  sampled citizens, one row per citizen and week (if kept)
    manifest/<run_id>.json     how the run went: status, timing, host, versions
    manifest.parquet           the manifest records gathered, rewritten after each sweep

A run's identity is a content hash of its scenario (every parameter value and the seed),
its regime's levers and the code version, so equal runs have one id and are stored once.
Every file is written under a temporary name and renamed; the summary is written after a
run's other tables, so a run is finished exactly when all the tables it must keep exist.

Every table file carries run_id, regime, seed, replicate and the varied parameters as
columns, so a directory can be queried on its own::

    import pyarrow.dataset as ds
    ds.dataset("results/sweeps/NAME/summary").to_table(filter=ds.field("regime") == "target")

    import duckdb
    duckdb.sql("SELECT regime, avg(spend_total) FROM "
               "'results/sweeps/NAME/summary/*.parquet' GROUP BY regime")
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from placesim.atomic import write_table
from placesim.columns import documented
from placesim.scenario import InputError, Problem

PLAN = "plan.parquet"
MANIFEST = "manifest"
KEY_COLUMNS = ("run_id", "regime", "seed", "replicate")


def run_file(out: Path, table: str, run_id: str) -> Path:
    return out / table / f"{run_id}.parquet"


def present(out: Path, tables: Iterable[str]) -> dict[str, set[str]]:
    """For each table, the run ids with a file of it on disk."""
    return {table: ({p.stem for p in (out / table).glob("*.parquet")
                     if not p.name.startswith(".")} if (out / table).is_dir() else set())
            for table in tables}


def write_plan(out: Path, plan: pd.DataFrame) -> None:
    write_table(documented(pa.Table.from_pandas(plan, preserve_index=False), "plan"),
                out / PLAN)


def read_plan(out: str | Path) -> pd.DataFrame:
    path = Path(out) / PLAN
    if not path.is_file():
        raise InputError([Problem(str(out), "", "holds no sweep (no plan.parquet): run "
                                  "'placesim sweep FILE --out DIR' first")])
    return pd.read_parquet(path)


def read_results(out: str | Path, table: str = "summary") -> pd.DataFrame:
    """A sweep's results as one tidy frame: point, replicate, seed, regime, the varied
    parameters, then the table's outputs; finished runs only, in plan order.

    A run shared by two design points (equal parameters) appears once for each.
    """
    out = Path(out)
    plan = read_plan(out)
    folder = out / table
    if not folder.is_dir():
        kept = sorted(p.name for p in out.iterdir() if p.is_dir() and p.name != MANIFEST)
        raise InputError([Problem(str(out), table, f"no such table in this sweep; kept: "
                                  f"{', '.join(kept) or 'none yet'}")])
    data = ds.dataset(folder, format="parquet").to_table().to_pandas()
    outputs = data.drop(columns=[c for c in plan.columns if c != "run_id" and c in data])
    order = ["point", "replicate", "regime"] + (["week"] if "week" in outputs else [])
    return (plan.merge(outputs, on="run_id", how="inner").sort_values(order, kind="stable")
            .reset_index(drop=True))


def read_manifest(out: str | Path) -> pd.DataFrame:
    """Every run's record: status, timing, host, package versions (one row per run)."""
    folder = Path(out) / MANIFEST
    records = [json.loads(p.read_text(encoding="utf-8"))
               for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []
    frame = pd.DataFrame(records)
    for column in ("parameters", "versions"):
        if column in frame:
            frame[column] = frame[column].map(lambda v: json.dumps(v, sort_keys=True))
    return frame


def gather_manifest(out: Path) -> None:
    """Rewrite manifest.parquet from the per-run records."""
    frame = read_manifest(out)
    if len(frame):
        write_table(documented(pa.Table.from_pandas(frame, preserve_index=False), "manifest"),
                    out / "manifest.parquet")
