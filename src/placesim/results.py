"""Results on disk: Parquet files written atomically, each column's unit and meaning and
the run's metadata in the schema.

Layout of an output directory::

    manifest.json                   what the folder holds (placesim.folders.RunFolder)
    weekly/regime=<name>.parquet    one row per week: every indicator
    citizens/regime=<name>.parquet  one row per citizen: final state
    journeys/regime=<name>.parquet  sampled citizens, one row per citizen and week
    deciles/regime=<name>.parquet   end-of-run debt, fees, cost and wellbeing by income decile
    accounts/regime=<name>.parquet  one row: costs by payer, transfers, committed, discounted
    runs/regime=<name>.parquet      one row: what was run, how, with which code

Money is in GBP in every table (placesim.columns; docs/outputs.md). Each file is
written under a temporary name in the same directory and renamed into place, so a file
either exists whole or not at all; an interrupted run keeps every regime that had
finished. Tables are built and written one at a time, so writing a large place holds one
table beside the population, not all of them. ``pandas.read_parquet(out / "weekly")``
reads all regimes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from placesim.atomic import replaced, write_table
from placesim.columns import documented, in_pounds
from placesim.engine.state import CITIZEN_FIELDS

RUN_TABLES = ("weekly", "citizens", "journeys", "deciles", "accounts")
CITIZEN_CHUNK = 1 << 15  # rows per row group: about 13 MB to encode, whatever the place
TABLES = (*RUN_TABLES, "runs")


def _with_metadata(table: pa.Table, kind: str, metadata: Mapping[str, object]) -> pa.Table:
    table = documented(table, kind)
    return table.replace_schema_metadata({**(table.schema.metadata or {}),
                                          b"placesim": json.dumps(metadata).encode()})


def citizens_table(records: np.ndarray, regime: str, first: int = 0) -> pa.Table:
    """Final records as a table, one row per citizen (ids from ``first``), money in
    GBP; built column by column from the records, without an intermediate frame."""
    columns = {"regime": pa.repeat(pa.scalar(regime), len(records)),
               "citizen": pa.array(np.arange(first, first + len(records), dtype=np.int32))}
    columns.update({name: pa.array(np.ascontiguousarray(in_pounds(records, name)))
                    for name, _, _ in CITIZEN_FIELDS})
    return pa.table(columns)


def write_citizens(path: Path, records: np.ndarray, regime: str,
                   metadata: Mapping[str, object]) -> None:
    """The citizens table, written ``CITIZEN_CHUNK`` rows at a time (one row group each),
    so a large place never has a second copy of itself in memory."""
    with replaced(path) as temporary:
        writer = None
        try:
            for first in range(0, max(len(records), 1), CITIZEN_CHUNK):
                chunk = _with_metadata(citizens_table(
                    records[first:first + CITIZEN_CHUNK], regime, first), "citizens", metadata)
                writer = writer or pq.ParquetWriter(temporary, chunk.schema,
                                                    use_dictionary=["regime"])
                writer.write_table(chunk)
        finally:
            if writer is not None:
                writer.close()


def _frame(frame: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(frame, preserve_index=False)


def write_run(out: Path, regime: str, metadata: Mapping[str, object], final: np.ndarray,
              frames: Mapping[str, pd.DataFrame]) -> None:
    """Write one regime's tables (``RUN_TABLES``: the citizens from the final records,
    the others from ``frames``) one at a time, then the run row, which marks completion."""
    name = f"regime={regime}.parquet"
    for table in RUN_TABLES:
        if table == "citizens":
            write_citizens(out / table / name, final, regime, metadata)
        else:
            write_table(_with_metadata(_frame(frames[table]), table, metadata),
                        out / table / name)
    row = pd.DataFrame([{k: v if isinstance(v, str | int | float) else json.dumps(v)
                         for k, v in metadata.items()}])
    write_table(_with_metadata(_frame(row), "runs", metadata), out / "runs" / name)


def read(out: str | Path, table: str = "weekly") -> pd.DataFrame:
    """One table of an output directory, all regimes stacked."""
    if table not in TABLES:
        raise ValueError(f"table must be one of {TABLES}, not {table!r}")
    return pd.read_parquet(Path(out) / table)


def run_metadata(path: str | Path) -> dict[str, object]:
    """The run metadata stored in a results file's schema."""
    raw = pq.read_schema(path).metadata[b"placesim"]
    return json.loads(raw)
