"""Run a cohort experiment's replicates, in parallel processes, and keep their outcomes.

Replicate k runs with seed ``place.seed + k``. Each worker process compiles the kernels
once (or loads them from the numba cache) and runs whole replicates; results come back as
small frames (one row per household, and weekly cohort means), so memory stays flat.
Processes are started with "spawn", which is safe from notebooks and threaded parents.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import pandas as pd
from tqdm import tqdm

from placesim.scenario import Scenario
from placesim.validation.cohort import Cohort, run_replicate


@dataclass(frozen=True)
class CaseResults:
    cohort: Cohort
    outcomes: pd.DataFrame  # one row per replicate, arm and household
    weekly: pd.DataFrame  # one row per replicate, arm and week: cohort means


def _replicate(scenario: Scenario, cohort: Cohort, seed: int
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    arms = run_replicate(scenario, cohort, seed)
    return (pd.concat([o for o, _ in arms.values()], ignore_index=True),
            pd.concat([w for _, w in arms.values()], ignore_index=True))


def run_case(scenario: Scenario, replicates: int | None = None, workers: int = 1,
             progress: bool = False) -> CaseResults:
    """Every replicate of the scenario's cohort experiment, both arms."""
    cohort = Cohort.of(scenario)
    count = replicates or cohort.replicates
    first = int(scenario.get("place.seed"))
    seeds = range(first, first + count)
    with tqdm(total=count, desc="replicates", unit="run", disable=not progress) as bar:
        if workers <= 1:
            results = []
            for seed in seeds:
                results.append(_replicate(scenario, cohort, seed))
                bar.update()
        else:
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                futures = [pool.submit(_replicate, scenario, cohort, s) for s in seeds]
                results = []
                for future in futures:  # in seed order, so the frames do not depend on timing
                    results.append(future.result())
                    bar.update()
    return CaseResults(cohort, pd.concat([o for o, _ in results], ignore_index=True),
                       pd.concat([w for _, w in results], ignore_index=True))
