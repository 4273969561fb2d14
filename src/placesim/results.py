"""Results on disk: Parquet files written atomically, with run metadata in the schema.

Layout of an output directory::

    weekly/regime=<name>.parquet    one row per week: every indicator
    citizens/regime=<name>.parquet  one row per citizen: final state (money in pence)
    journeys/regime=<name>.parquet  sampled citizens, one row per citizen and week
    deciles/regime=<name>.parquet   end-of-run debt, fees, cost and wellbeing by income decile
    runs/regime=<name>.parquet      one row: what was run, how, with which code

Each file is written under a temporary name in the same directory and renamed into
place, so a file either exists whole or not at all; an interrupted run keeps every
regime that had finished. ``pandas.read_parquet(out / "weekly")`` reads all regimes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from placesim.atomic import write_table
from placesim.engine.state import CITIZEN_FIELDS

RUN_TABLES = ("weekly", "citizens", "journeys", "deciles")
TABLES = (*RUN_TABLES, "runs")
_DOCS = {name: doc for name, _, doc in CITIZEN_FIELDS}


def _with_metadata(frame: pd.DataFrame, metadata: Mapping[str, object],
                   column_docs: Mapping[str, str]) -> pa.Table:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = [f.with_metadata({"doc": column_docs[f.name]}) if f.name in column_docs else f
              for f in table.schema]
    schema = pa.schema(fields, metadata={**(table.schema.metadata or {}),
                                         b"placesim": json.dumps(metadata).encode()})
    return table.cast(schema)


def write_run(out: Path, regime: str, metadata: Mapping[str, object],
              tables: Mapping[str, pd.DataFrame]) -> None:
    """Write one regime's tables (``RUN_TABLES``), then the run row, which marks
    completion."""
    name = f"regime={regime}.parquet"
    for table in RUN_TABLES:
        docs = _DOCS if table in ("citizens", "journeys") else {}
        write_table(_with_metadata(tables[table], metadata, docs), out / table / name)
    row = pd.DataFrame([{k: v if isinstance(v, str | int | float) else json.dumps(v)
                         for k, v in metadata.items()}])
    write_table(_with_metadata(row, metadata, {}), out / "runs" / name)


def read(out: str | Path, table: str = "weekly") -> pd.DataFrame:
    """One table of an output directory, all regimes stacked."""
    if table not in TABLES:
        raise ValueError(f"table must be one of {TABLES}, not {table!r}")
    return pd.read_parquet(Path(out) / table)


def run_metadata(path: str | Path) -> dict[str, object]:
    """The run metadata stored in a results file's schema."""
    raw = pq.read_schema(path).metadata[b"placesim"]
    return json.loads(raw)
