"""What carries the conclusion: Morris screening of the arms' difference, run as a sweep.

The screening is an ordinary experiment (:mod:`placesim.experiments`): a Morris design
over the uncertain parameters, both arms of the cohort experiment at every point, two
seeds shared by every point (common random numbers, so differences between points come
from the parameters, not from new luck). It runs through the sweep machinery, so it is
resumable, runs on local processes or a Dask cluster, and leaves a results store that
``placesim sensitivity DIR --difference TREATMENT-CONTROL`` reads again. The outputs are
the arms' differences in the cohort's mean per household; Morris mu* (Campolongo et al.
2007) ranks the parameters, with SALib's bootstrap intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from placesim.experiments import sensitivity, sweep
from placesim.experiments.cohort import Cohort
from placesim.experiments.spec import from_text
from placesim.treasury import DEFAULT_HORIZON_YEARS as HORIZON

LEVELS = 4
SEEDS = 2
OUTPUTS = {"cohort_pv_net_public_cost": "net cost to the public purse per household over "
                                        f"{HORIZON} years (GBP)",
           "cohort_public_cost": "public spend per household over the follow-up (GBP)",
           "cohort_turned_around": "share of lives turned around",
           "cohort_debt_at_end": "debt per household at the end (GBP)"}
COST = "cohort_pv_net_public_cost"


@dataclass(frozen=True)
class Uncertain:
    path: str
    low: float
    high: float
    why: str


def experiment_text(scenario: Path, cohort: Cohort, parameters: Sequence[Uncertain],
                    trajectories: int, citizens: int, seed: int) -> str:
    """The screening as an experiment file, kept with its results."""
    lines = ["# Morris screening of the cohort experiment's arms (written by validate-case)",
             "[experiment]", 'name = "validation_screening"',
             f'scenario = "{scenario.resolve().as_posix()}"',
             f'regimes = ["{cohort.control}", "{cohort.treatment}"]',
             'outputs = ["summary", "cohort"]', "", "[fixed]",
             f'"place.citizens" = {citizens}', ""]
    for p in parameters:
        lines += [f'[vary."{p.path}"]', f"low = {p.low!r}", f"high = {p.high!r}", ""]
    lines += ["[design]", 'method = "morris"', f"samples = {trajectories}",
              f"levels = {LEVELS}", f"seed = {seed}", "", "[replicates]",
              f"count = {SEEDS}", 'seeds = "common"', ""]
    return "\n".join(lines)


def screen(scenario: Path, cohort: Cohort, parameters: Sequence[Uncertain], trajectories: int,
           citizens: int, seed: int, out: Path, workers: int = 1, progress: bool = False
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sweep the screening into ``out`` (resuming what is there); return (indices of the
    treatment-minus-control differences, each design point's parameters and
    differences)."""
    text = experiment_text(scenario, cohort, parameters, trajectories, citizens, seed)
    experiment = from_text(text, str(out / "experiment.toml"), scenario.parent)
    report = sweep(experiment, out, workers=workers, progress=progress)
    empty = [r for r in report.failed if "the cohort is empty" in r["error"]]
    if empty:  # the input's fault, not the run's: say how to size the screening
        raise ValueError(
            f"{len(empty)} of the screening's runs found nobody entering the recovery "
            f"process in the cohort's week in a place of {citizens:,}: screen a larger "
            "place (--sensitivity-citizens)")
    if report.failed or report.interrupted:
        raise RuntimeError(f"the screening's sweep in {out} did not finish "
                           f"({len(report.failed)} runs failed); run it again to resume")
    difference = (cohort.treatment, cohort.control)
    found = sensitivity.indices(out, list(OUTPUTS), difference=difference, seed=seed)
    design = sensitivity.point_outputs(out, list(OUTPUTS), difference=difference)
    return found, design


def break_even(design: pd.DataFrame, parameters: Sequence[Uncertain], names: Sequence[str],
               output: str = COST) -> pd.DataFrame:
    """For each named parameter, the mean output over design points at each of its levels:
    where the sign changes, the conclusion changes."""
    rows = []
    for name in names:
        spec = next(p for p in parameters if p.path == name)
        for value, group in design.groupby(name):
            rows.append({"parameter": name, "value": value, "points": len(group),
                         "mean": float(group[output].mean()),
                         "share_cheaper": float((group[output] < 0).mean()),
                         "range": f"{spec.low:g} to {spec.high:g}"})
    return pd.DataFrame(rows)
