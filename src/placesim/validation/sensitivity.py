"""What carries the conclusion: Morris screening of the arms' difference.

Each design point is the cohort experiment with some uncertain parameters moved (dotted
paths, as in scenario overrides); its outputs are the paired differences between the
arms. Every point runs the same seeds, so the differences between points come from the
parameters, not from new luck (common random numbers). Morris elementary effects
(Morris 1991; mu* of Campolongo et al. 2007) rank the parameters by how much they move
each output, with bootstrap intervals, through SALib.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.sample import morris as morris_sample

from placesim.scenario import Scenario
from placesim.validation.cohort import Cohort
from placesim.validation.run import map_in_processes, replicate_frames
from placesim.validation.targets import paired

LEVELS = 4


@dataclass(frozen=True)
class Uncertain:
    path: str
    low: float
    high: float
    why: str
    whole: bool = False


def _point(scenario: Scenario, cohort: Cohort, overrides: dict[str, float],
           seeds: Sequence[int]) -> dict[str, float]:
    """The arms' paired differences at one design point, averaged over ``seeds``."""
    here = scenario.with_overrides(overrides, "sensitivity design")
    outcomes = pd.concat([replicate_frames(here, cohort, s)[0] for s in seeds],
                         ignore_index=True)
    differences = paired(outcomes, cohort.control, cohort.treatment)
    return {"cost_difference": float(differences["public_cost"].mean()),
            "turned_around_difference": float(differences["turned_around"].mean()),
            "debt_difference": float(differences["debt_at_end"].mean())}


def design(parameters: Sequence[Uncertain], trajectories: int, seed: int
           ) -> tuple[dict, np.ndarray]:
    problem = {"num_vars": len(parameters), "names": [p.path for p in parameters],
               "bounds": [[p.low, p.high] for p in parameters]}
    sample = morris_sample.sample(problem, trajectories, num_levels=LEVELS, seed=seed)
    return problem, sample


def overrides_at(parameters: Sequence[Uncertain], row: np.ndarray) -> dict[str, float]:
    return {p.path: (round(float(v)) if p.whole else float(v))
            for p, v in zip(parameters, row, strict=True)}


def screen(scenario: Scenario, parameters: Sequence[Uncertain], trajectories: int,
           seeds: Sequence[int], workers: int = 1, progress: bool = False
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the Morris design; return (indices by output and parameter, design with outputs).

    Whole-number parameters are rounded at each point; the analysis uses the rounded
    values actually run.
    """
    cohort = Cohort.of(scenario)
    problem, sample = design(parameters, trajectories, int(scenario.get("place.seed")))
    points = [overrides_at(parameters, row) for row in sample]
    results = map_in_processes(_point, [(scenario, cohort, p, seeds) for p in points],
                               workers, "design points", progress)
    ran = np.array([[point[p.path] for p in parameters] for point in points], dtype=float)
    table = pd.concat([pd.DataFrame(ran, columns=problem["names"]), pd.DataFrame(results)],
                      axis=1)
    rows = []
    for output in ("cost_difference", "turned_around_difference", "debt_difference"):
        found = morris_analyze.analyze(problem, ran, table[output].to_numpy(),
                                       conf_level=0.95, num_levels=LEVELS,
                                       seed=int(scenario.get("place.seed")))
        for k, name in enumerate(problem["names"]):
            rows.append({"output": output, "parameter": name,
                         "mu_star": float(found["mu_star"][k]),
                         "mu_star_conf": float(found["mu_star_conf"][k]),
                         "mu": float(found["mu"][k]), "sigma": float(found["sigma"][k])})
    return pd.DataFrame(rows), table


def break_even(table: pd.DataFrame, parameters: Sequence[Uncertain], names: Sequence[str],
               output: str = "cost_difference") -> pd.DataFrame:
    """For each named parameter, the mean output over design points at each of its levels:
    where the sign changes, the conclusion changes."""
    rows = []
    for name in names:
        spec = next(p for p in parameters if p.path == name)
        for value, group in table.groupby(name):
            rows.append({"parameter": name, "value": value, "points": len(group),
                         "mean": float(group[output].mean()),
                         "share_cheaper": float((group[output] < 0).mean()),
                         "range": f"{spec.low:g} to {spec.high:g}"})
    return pd.DataFrame(rows)
