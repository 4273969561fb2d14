"""Run a cohort experiment's replicates, in parallel processes, and keep their outcomes.

Replicate k runs with seed ``place.seed + k``. Each worker process compiles the kernels
once (or loads them from the numba cache) and runs whole replicates; results come back as
small frames (one row per household, and weekly cohort means), so memory stays flat.
Processes are started with "spawn", which is safe from notebooks and threaded parents.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import pandas as pd
from tqdm import tqdm

from placesim.experiments.cohort import Cohort, run_replicate
from placesim.scenario import Scenario


@dataclass(frozen=True)
class CaseResults:
    cohort: Cohort
    outcomes: pd.DataFrame  # one row per replicate, arm and household
    weekly: pd.DataFrame  # one row per replicate, arm and week: cohort means


def replicate_frames(scenario: Scenario, cohort: Cohort, seed: int
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    arms = run_replicate(scenario, cohort, seed)
    return (pd.concat([o for o, _ in arms.values()], ignore_index=True),
            pd.concat([w for _, w in arms.values()], ignore_index=True))


def map_in_processes(function: Callable[..., Any], calls: Sequence[tuple], workers: int,
                     desc: str, progress: bool) -> list[Any]:
    """``function(*call)`` for every call, in order, on ``workers`` spawned processes."""
    with tqdm(total=len(calls), desc=desc, unit="run", disable=not progress) as bar:
        if workers <= 1:
            results = []
            for call in calls:
                results.append(function(*call))
                bar.update()
            return results
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(function, *call) for call in calls]
            results = []
            for future in futures:  # in call order, so results do not depend on timing
                results.append(future.result())
                bar.update()
            return results


def run_case(scenario: Scenario, replicates: int | None = None, workers: int = 1,
             progress: bool = False) -> CaseResults:
    """Every replicate of the scenario's cohort experiment, both arms."""
    cohort = Cohort.of(scenario)
    count = replicates or cohort.replicates
    first = int(scenario.get("place.seed"))
    results = map_in_processes(replicate_frames, [(scenario, cohort, seed) for seed in range(
        first, first + count)], workers, "replicates", progress)
    return CaseResults(cohort, pd.concat([o for o, _ in results], ignore_index=True),
                       pd.concat([w for _, w in results], ignore_index=True))
