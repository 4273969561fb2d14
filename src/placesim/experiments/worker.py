"""One run of a sweep, as a worker process (local or on a Dask cluster) does it.

The worker writes the run's tables itself and returns only its small manifest record, so
the process that drives a sweep holds no results and its memory stays flat however many
runs there are. A worker process compiles the kernels once (or loads them from numba's
cache) and then runs one run after another; runs in one process never overlap, because
the kernels' thread pool is not shared between simultaneous callers.
"""

from __future__ import annotations

import os
import platform
import socket
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import mesa
import numba
import numpy as np
import pandas as pd
import pyarrow as pa

from placesim.atomic import write_json, write_table
from placesim.columns import documented
from placesim.experiments.burn_ins import shared_start
from placesim.experiments.cohort import Cohort, arm_place, household_outcomes, run_arm
from placesim.experiments.store import MANIFEST, run_file
from placesim.provenance import code_version
from placesim.runner import run_regime
from placesim.scenario import Scenario
from placesim.summary import run_summary

_ONE_RUN_AT_A_TIME = threading.Lock()


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs for one run. Every task of a sweep shares one base
    scenario and carries only its own overrides, so a plan of many runs stays small."""

    run_id: str
    base: Scenario  # the experiment's scenario, [fixed] applied
    overrides: dict[str, float]  # the point's parameters and the replicate's seed
    regime: str
    replicate: int
    parameters: dict[str, float]
    outputs: tuple[str, ...]
    out: str = ""

    @property
    def seed(self) -> int:
        return int(self.overrides["place.seed"])

    @cached_property
    def scenario(self) -> Scenario:
        return self.base.with_overrides(self.overrides, f"run {self.run_id}")


def versions() -> dict[str, str]:
    return {"placesim": code_version(), "numba": numba.__version__, "numpy": np.__version__,
            "pandas": pd.__version__, "pyarrow": pa.__version__, "mesa": mesa.__version__,
            "python": platform.python_version()}


def _tagged(task: RunTask, frame: pd.DataFrame, kind: str) -> pa.Table:
    """The frame with the run's identity in front, so each file stands on its own, and
    each column's unit and meaning in the schema (built column by column: pandas' own
    schema metadata would cost more than the rest of the table for the weekly table)."""
    keys = {"run_id": task.run_id, "regime": task.regime, "seed": task.seed,
            "replicate": task.replicate, **task.parameters}
    rows = len(frame)
    columns = {name: pa.repeat(value, rows) for name, value in keys.items()}
    columns.update({name: pa.Array.from_pandas(frame[name])
                    for name in frame.columns if name != "regime"})
    return documented(pa.table(columns), kind)


def _place_run(task: RunTask) -> tuple[dict[str, pd.DataFrame], dict[str, float]]:
    """The whole place to its last week: its tables and its summary."""
    run = run_regime(task.scenario, task.regime, progress=False,
                     start=shared_start(task.scenario, Path(task.out)))
    return run.tables(name for name in task.outputs if name != "summary"), run.summary()


def _cohort_run(task: RunTask) -> tuple[dict[str, pd.DataFrame], dict[str, float]]:
    """The scenario's cohort experiment under this run's regime (one arm): the cohort's
    households, and the place's summary with the cohort's means as ``cohort_*``."""
    cohort = Cohort.of(task.scenario)
    start = shared_start(arm_place(task.scenario, task.seed, cohort), Path(task.out))
    arm = run_arm(task.scenario, task.regime, task.seed, cohort, start)
    households = household_outcomes(arm, arm.params)
    means = households.drop(columns=["citizen"]).mean(numeric_only=True)
    summary = {**run_summary(arm.weekly), **{f"cohort_{k}": float(v) for k, v in means.items()}}
    return {"weekly": arm.weekly, "cohort": households}, summary


def _write_tables(task: RunTask) -> None:
    tables, summary = (_cohort_run if "cohort" in task.outputs else _place_run)(task)
    out = Path(task.out)
    for name in task.outputs:
        if name != "summary":
            write_table(_tagged(task, tables[name], name), run_file(out, name, task.run_id))
    row = pd.DataFrame([summary])
    write_table(_tagged(task, row, "summary"), run_file(out, "summary", task.run_id))  # last


def execute(task: RunTask) -> dict[str, Any]:
    """Run, write the tables, then the manifest record; return the record.

    A run that fails is recorded with its error and left unfinished, so the next sweep
    tries it again.
    """
    started = datetime.now(UTC)
    clock = time.perf_counter()
    with _ONE_RUN_AT_A_TIME:
        try:
            _write_tables(task)
            status, error = "done", ""
        except Exception:  # noqa: BLE001 - any failure of a run is recorded, not fatal
            status, error = "failed", traceback.format_exc(limit=8)
    record = {"run_id": task.run_id, "status": status, "error": error,
              "regime": task.regime, "seed": task.seed, "replicate": task.replicate,
              "parameters": task.parameters, "scenario_digest": task.scenario.digest(),
              "host": socket.gethostname(), "pid": os.getpid(),
              "threads": numba.get_num_threads(),
              "started_utc": started.isoformat(timespec="seconds"),
              "seconds": round(time.perf_counter() - clock, 3), "versions": versions()}
    write_json(Path(task.out) / MANIFEST / f"{task.run_id}.json", record)
    return record


def set_threads(threads: int) -> None:
    """Process-pool initialiser: share the cores among the worker processes."""
    numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))
