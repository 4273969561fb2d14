"""Run an experiment's runs that are not yet on disk, on local processes or a Dask cluster.

The same command resumes an interrupted sweep (Ctrl-C, a killed process, a lost worker):
runs whose tables are all on disk are skipped, every other run is done once, and because
runs are content-addressed and deterministic the finished dataset equals that of a sweep
that was never interrupted. Only a bounded number of runs is in flight at any time, so
the driving process's memory does not grow with the size of the sweep.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from placesim.atomic import write_json, write_text
from placesim.experiments import burn_ins
from placesim.experiments.designs import points
from placesim.experiments.spec import Experiment, overrides_for, seed_of
from placesim.experiments.store import gather_manifest, present, write_plan
from placesim.experiments.worker import RunTask, execute, set_threads
from placesim.folders import writing
from placesim.runner import run_id

IN_FLIGHT_PER_WORKER = 2


@dataclass
class SweepReport:
    """What a sweep call did."""

    planned: int  # distinct runs in the plan
    skipped: int  # already on disk
    done: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    lost_worker: bool = False


def plan(experiment: Experiment) -> tuple[pd.DataFrame, dict[str, RunTask]]:
    """Every run of the experiment: the plan table and one task per distinct run."""
    design = points(experiment)
    whole = {v.path for v in experiment.varied if v.whole}
    given = {path: value for path, value in experiment.overrides if "." in path
             and not path.startswith("replicates.")}  # set in every run: kept in the plan
    rows, tasks = [], {}
    for point, values in design.iterrows():  # iterrows gives floats: cast back
        parameters = {k: int(v) if k in whole else float(v) for k, v in values.items()}
        for replicate in range(experiment.replicates):
            seed = seed_of(experiment, int(point), replicate)
            for regime in experiment.regimes:
                changes = {**overrides_for(parameters, regime), "place.seed": seed}
                scenario = experiment.scenario.with_overrides(changes, f"design point {point}")
                key = run_id(scenario, regime)  # the scenario itself is not kept
                rows.append({"run_id": key, "point": int(point), "replicate": replicate,
                             "seed": seed, "regime": regime, **parameters, **given})
                tasks.setdefault(key, RunTask(key, experiment.scenario, changes, regime,
                                              replicate, parameters,
                                              experiment.outputs_of(replicate)))
    return pd.DataFrame(rows), tasks


def _record_experiment(experiment: Experiment, out: Path, table: pd.DataFrame) -> None:
    given = ", ".join(f"{k} = {v}" for k, v in experiment.overrides)
    header = (f"# Swept with, beside this file: {given} (see experiment.json)\n"
              if given else "")
    write_text(out / "experiment.toml", header + experiment.text)
    write_json(out / "experiment.json", {**experiment.describe(),
                                         "digest": experiment.digest()})
    write_plan(out, table)


def _bounded(submit: Callable[[RunTask], Future], tasks: list[RunTask], window: int
             ) -> Iterator[Future]:
    """Submit tasks keeping at most ``window`` in flight; yield each as it completes."""
    pending: set = set()
    queue = iter(tasks)
    for task in queue:
        pending.add(submit(task))
        if len(pending) >= window:
            break
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            yield future  # consumed before the next is submitted
            next_task = next(queue, None)
            if next_task is not None:
                pending.add(submit(next_task))


def _local_pool(workers: int):
    context = multiprocessing.get_context("spawn")  # safe from notebooks and threads
    threads = max(1, (os.cpu_count() or 1) // workers)
    return ProcessPoolExecutor(workers, mp_context=context, initializer=set_threads,
                               initargs=(threads,))


def _dask(address: str, todo: list[RunTask], report: SweepReport, bar: tqdm) -> None:
    """Run on the Dask cluster whose scheduler listens at ``address``."""
    from distributed import Client, as_completed

    with Client(address, set_as_default=False) as client:
        window = IN_FLIGHT_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))
        token = uuid.uuid4().hex[:8]  # keys of this call only: never an old result

        def submit(task: RunTask):
            return client.submit(execute, task, key=f"placesim-{task.run_id}-{token}",
                                 pure=False)

        queue = iter(todo)
        completed = as_completed([submit(t) for t in itertools.islice(queue, window)],
                                 loop=client.loop)
        for future in completed:
            following = next(queue, None)
            if following is not None:
                completed.add(submit(following))
            _count(future.result(), report, bar)


def sweep(experiment: Experiment, out: Path, workers: int = 1, dask: str | None = None,
          progress: bool = False) -> SweepReport:
    """Run what is missing in ``out``, on ``workers`` local processes or on the Dask
    cluster whose scheduler listens at the address ``dask``; return what was done
    (failed runs included). The folder is locked while the sweep writes it."""
    with writing(out):  # a second sweep into the same folder is refused
        table, tasks = plan(experiment)
        _record_experiment(experiment, out, table)
        stored = present(out, experiment.outputs)
        todo = [replace(task, out=str(out)) for key, task in tasks.items()
                if not all(key in stored[table] for table in task.outputs)]
        report = SweepReport(planned=len(tasks), skipped=len(tasks) - len(todo))
        clock = time.perf_counter()
        bar = tqdm(total=len(tasks), initial=report.skipped, desc=experiment.name, unit="run",
                   disable=not progress, smoothing=0.1)
        try:
            if todo and dask:
                _dask(dask, todo, report, bar)
            elif todo and workers <= 1:
                for task in todo:
                    _count(execute(task), report, bar)
            elif todo:
                with _local_pool(workers) as pool:
                    try:
                        _collect(_bounded(lambda t: pool.submit(execute, t), todo,
                                          IN_FLIGHT_PER_WORKER * workers), report, bar)
                    except BaseException:
                        pool.shutdown(wait=False, cancel_futures=True)
                        raise
        except KeyboardInterrupt:
            report.interrupted = True
        except BrokenProcessPool:  # a worker process died (killed, out of memory)
            report.interrupted = True
            report.lost_worker = True
        finally:
            bar.close()
            report.seconds = time.perf_counter() - clock
            gather_manifest(out)
        if report.skipped + report.done == report.planned:  # nothing left to burn in for
            burn_ins.clear(out)
        return report


def _collect(futures: Iterator[Future], report: SweepReport, bar: tqdm) -> None:
    for future in futures:
        _count(future.result(), report, bar)


def _count(record: dict[str, Any], report: SweepReport, bar: tqdm) -> None:
    if record["status"] == "done":
        report.done += 1
    else:
        report.failed.append(record)
    bar.update()
