"""Running a comparison: baseline and reform on the same seeds, through the sweep machinery.

A comparison is an ordinary experiment — both regimes, ``replicates`` common seeds, one
design point — written beside its results as ``store/experiment.toml`` with the resolved
scenario as ``store/scenario.toml``. So it is content-addressed, resumed after any
interruption, runs on local processes or a Dask cluster, and could be rerun by
``placesim sweep`` as well. Replicate k runs both regimes with seed ``seed + k``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from placesim.atomic import write_text
from placesim.experiments.spec import MAX_REPLICATES, Experiment, from_text
from placesim.experiments.sweep import SweepReport, sweep
from placesim.scenario import InputError, Problem, Scenario
from placesim.scenario.errors import unknown_key_message

OUTPUTS = ("summary", "weekly", "journeys", "outcomes")
STORE = "store"


@dataclass(frozen=True)
class Settings:
    """What a comparison runs: a resolved scenario, two of its regimes, the replicates."""

    scenario: Scenario
    baseline: str
    reform: str
    replicates: int

    @property
    def seed(self) -> int:
        return int(self.scenario.get("place.seed"))

    @property
    def seeds(self) -> list[int]:
        return [self.seed + k for k in range(self.replicates)]

    def problems(self, where: str = "arguments") -> list[Problem]:
        """Every reason these settings cannot run, at once."""
        problems = []
        for role, regime in (("baseline", self.baseline), ("reform", self.reform)):
            if regime not in self.scenario.regimes:
                problems.append(Problem(where, role, unknown_key_message(
                    regime, self.scenario.regimes, "regime")))
        if self.baseline == self.reform:
            problems.append(Problem(where, "reform", f"{self.reform!r} is also the baseline; "
                                    "a comparison needs two different regimes"))
        whole = isinstance(self.replicates, int) and not isinstance(self.replicates, bool)
        if not whole or not 2 <= self.replicates <= MAX_REPLICATES:
            problems.append(Problem(where, "replicates", (
                f"{self.replicates!r} is not allowed; allowed: a whole number from 2 (an "
                f"interval needs two replicates) to {MAX_REPLICATES:,}")))
        elif self.seed + self.replicates - 1 >= 2**62:
            problems.append(Problem(where, "seed", f"{self.seed} + {self.replicates} "
                                    "replicates passes the largest seed, 2**62 - 1"))
        return problems


def check_writable(out: Path, where: str = "arguments", flag: str = "out") -> None:
    """Refuse, before any work, a results folder that cannot be made or written."""
    problem = None
    if out.exists() and not out.is_dir():
        problem = f"'{out}' is a file, not a folder; give a folder for the results"
    else:
        try:
            out.mkdir(parents=True, exist_ok=True)
            probe = out / f".write-test-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            problem = f"'{out}' cannot be written: {error.strerror or error}"
    if problem:
        raise InputError([Problem(where, flag, problem)])


def experiment_text(settings: Settings) -> str:
    """The comparison as an experiment file, its scenario beside it."""
    return tomli_w.dumps({
        "experiment": {
            "name": f"{settings.scenario.name}-{settings.baseline}-vs-{settings.reform}",
            "description": (f"Comparison of {settings.reform} against {settings.baseline} "
                            f"on {settings.replicates} common seeds."),
            "scenario": "scenario.toml",
            "regimes": [settings.baseline, settings.reform],
            "outputs": list(OUTPUTS),
            "journey_replicates": 1},  # the report tells the first replicate's stories
        "replicates": {"count": settings.replicates, "seeds": "common"}})


def prepare(settings: Settings, store: Path) -> Experiment:
    """Write the scenario and the experiment into the store and read them back, so what
    runs is exactly what is on disk."""
    write_text(store / "scenario.toml", tomli_w.dumps(settings.scenario.to_mapping()))
    text = experiment_text(settings)
    experiment = from_text(text, str(store / "experiment.toml"), store)
    if experiment.scenario.digest() != settings.scenario.digest():
        raise AssertionError("the scenario written for the comparison does not read back "
                             "as the same parameters")
    return experiment


def run(settings: Settings, out: Path, workers: int = 1, dask: str | None = None,
        progress: bool = False) -> tuple[Experiment, SweepReport]:
    """Run what is not yet in ``out/store``; return the experiment and what was done."""
    store = out / STORE
    experiment = prepare(settings, store)
    return experiment, sweep(experiment, store, workers, dask, progress)
