"""Comparing two regimes of a place: paired replicates, uncertainty and a report.

Baseline and reform run on the same seeds (common random numbers), so every citizen
meets the same life events under both and the difference can be read person by person.
Typical use::

    import placesim
    comparison = placesim.compare("scenarios/default.toml", replicates=10,
                                  out="results/compare/default")
    comparison.headline()            # spend, council tax, fees, lives, crises
    comparison.write_report()        # report.html and report.md beside the tables
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from placesim.comparison.runs import Settings, check_writable, run
from placesim.comparison.tables import Comparison, build
from placesim.model import resolve_scenario
from placesim.scenario import InputError, Problem, Scenario
from placesim.treasury import DEFAULT_HORIZON_YEARS, horizon_problems

__all__ = ["Comparison", "compare", "default_out", "shipped_screening"]


def shipped_screening() -> pd.DataFrame:
    """The Morris screening shipped with placesim: which parameters carry learning's
    difference from targets in the default place (experiments/what_drives_learning_cost
    .toml, read with ``placesim sensitivity --difference learning-target``)."""
    with resources.files("placesim.data").joinpath("screening.csv").open() as file:
        return pd.read_csv(file)


def default_out(scenario: Scenario, baseline: str, reform: str) -> Path:
    return Path("results") / "compare" / f"{scenario.name}-{baseline}-vs-{reform}"


def compare(scenario: str | Path | Scenario | None = None, baseline: str = "target",
            reform: str = "learning", *, replicates: int = 10, seed: int | None = None,
            citizens: int | None = None, weeks: int | None = None,
            overrides: Mapping[str, Any] | None = None, workers: int = 1,
            dask: str | None = None, out: str | Path | None = None,
            screening: pd.DataFrame | None = None, progress: bool = False,
            command: str = "", horizon: int = DEFAULT_HORIZON_YEARS) -> Comparison:
    """Run ``baseline`` and ``reform`` on ``replicates`` common seeds (replicate k has
    seed ``seed + k``) and compare them.

    Runs go through the sweep machinery into ``out/store`` (default
    ``results/compare/<scenario>-<baseline>-vs-<reform>``): content-addressed, resumed
    by the same call after an interruption, on ``workers`` local processes or the Dask
    cluster at ``dask``. The comparison's tables are written to ``out/tables``.
    ``screening`` is a sensitivity table (``placesim sensitivity``'s CSV) whose
    highest-ranked parameters the report lists; default: :func:`shipped_screening`.
    ``command`` is recorded as the way to reproduce the comparison. ``horizon`` (whole
    years, 1 to 125) is how far the Treasury's account looks: simulated weeks and the
    costs committed at the end of the run, discounted at Green Book rates
    (``placesim.treasury``).
    """
    resolved = resolve_scenario(scenario, citizens, weeks, seed, overrides)
    settings = Settings(resolved, baseline, reform, replicates)
    problems = settings.problems()
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        problems.append(Problem("arguments", "workers",
                                f"{workers!r} is not allowed; allowed: at least 1"))
    problems += horizon_problems(horizon)
    if problems:
        raise InputError(problems)
    out = Path(out) if out is not None else default_out(resolved, baseline, reform)
    check_writable(out)
    _, report = run(settings, out, workers, dask, progress)
    if report.interrupted:
        raise KeyboardInterrupt("a worker process died" if report.lost_worker else "")
    if report.failed:
        last = report.failed[0]["error"].strip().splitlines()[-1]
        raise RuntimeError(f"{len(report.failed)} run(s) of the comparison failed: {last}")
    comparison = build(out, resolved, baseline, reform,
                       shipped_screening() if screening is None else screening,
                       command or _command(resolved, settings, out, horizon), horizon)
    comparison.write(out)
    return comparison


def _command(scenario: Scenario, settings: Settings, out: Path, horizon: int) -> str:
    """The command that reruns exactly this comparison from its stored scenario."""
    return (f"placesim compare {out / 'store' / 'scenario.toml'} --baseline "
            f"{settings.baseline} --reform {settings.reform} --replicates "
            f"{settings.replicates} --seed {settings.seed} --horizon {horizon} --out {out}")
