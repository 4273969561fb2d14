"""Run a scenario under one or more regimes and keep what each run produced."""

from __future__ import annotations

import gc
import hashlib
import json
import platform
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, partial
from pathlib import Path

import mesa
import numba
import numpy as np
import pandas as pd
from tqdm import tqdm

from placesim.atomic import ResultsNotWritten
from placesim.columns import journeys_in_pounds
from placesim.deciles import by_income_decile
from placesim.engine.start import Start
from placesim.folders import RunFolder, run_identity
from placesim.model import PlaceModel, burned_in
from placesim.outcomes import citizen_outcomes, weekly_income
from placesim.provenance import code_version
from placesim.results import CITIZEN_CHUNK, TABLES, write_run
from placesim.scenario import Scenario
from placesim.summary import SUMMARY_KEYS, run_summary
from placesim.treasury import ACCOUNT_KEYS, DEFAULT_HORIZON_YEARS, Terms, account

PROGRESS_FROM_CITIZEN_WEEKS = 20_000_000
# A run in one row: the summary indicators, then its Treasury account (what sweeps,
# sensitivity analysis and the EMA adapter can ask for).
END_OF_RUN_KEYS = SUMMARY_KEYS + ACCOUNT_KEYS


@dataclass
class RegimeRun:
    """A finished run: what it produced, without the model that produced it.

    Holds the weekly indicators, every citizen's final record, the place it started from
    and the sampled journeys; the other tables are built from these when read, so a
    caller that keeps only some of them (a sweep) does not pay for the rest, and
    :meth:`release` drops the per-citizen arrays once they are written.
    """

    regime: str
    metadata: dict[str, object]
    weekly: pd.DataFrame
    final: np.ndarray  # packed citizen records at the end of the run
    start: Start | None  # the place at week 0 (kept in a file by ``model.burned_in``)
    journey_frame: Callable[[], pd.DataFrame]  # the sampled journeys, in words when read
    turned_around_weeks: int
    terms: Terms  # what the Treasury's account of the run needs from its scenario
    horizon: int = DEFAULT_HORIZON_YEARS  # years, for the account's discounted figures

    @classmethod
    def of(cls, regime: str, model: PlaceModel, start: Start,
           metadata: dict[str, object]) -> RegimeRun:
        weeks = int(model.scenario.get("outcomes.turned_around_weeks"))
        journeys = partial(model.journey_recorder.frame, list(model.regimes_by_week))
        # the model is not stepped again: its population becomes the run's, uncopied
        return cls(regime, metadata, model.weekly(), model.engine.citizens, start,
                   journeys, weeks, Terms.of(model.scenario))

    @property
    def start_income(self) -> np.ndarray:
        """Each citizen's weekly income at week 0, pence (read from the start a chunk
        at a time, so a start kept in a file is never held whole)."""
        chunks = self.start.chunks(CITIZEN_CHUNK) if self.start is not None else ()
        return np.concatenate([np.zeros(0, np.int64), *map(weekly_income, chunks)])

    @cached_property
    def journeys(self) -> pd.DataFrame:
        """The sampled citizens week by week, money in GBP (as written)."""
        return journeys_in_pounds(self.journey_frame())

    @property
    def outcomes(self) -> pd.DataFrame:
        """One row per citizen (built when read, not kept: it is as long as the place)."""
        return citizen_outcomes(self.start_income, self.final, self.turned_around_weeks)

    @property
    def accounts(self) -> pd.DataFrame:
        """The run as the Treasury would count it, in one row (``placesim.treasury``)."""
        return pd.DataFrame([{"regime": self.regime,
                              **account(self.weekly, self.terms, self.horizon)}])

    def summary(self) -> dict[str, float]:
        """The run in one row, by ``END_OF_RUN_KEYS``: indicators and Treasury account."""
        return {**run_summary(self.weekly), **account(self.weekly, self.terms, self.horizon)}

    @cached_property
    def deciles(self) -> pd.DataFrame:
        deciles = by_income_decile(self.final, self.turned_around_weeks)
        deciles.insert(0, "regime", self.regime)
        return deciles

    def tables(self, names: Iterable[str]) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in names}

    def release(self) -> None:
        """Keep the weekly table, the deciles and the journeys; drop the per-citizen
        arrays and the start (a run of several regimes then holds one place at a
        time)."""
        self.deciles  # noqa: B018 - computed, and kept, before its inputs go
        self.final = np.empty(0, self.final.dtype)  # not a view, which would keep it all
        self.start = None


def run_id(scenario: Scenario, regime: str) -> str:
    """Content hash of what determines a run: parameters, seed, the regime's levers week
    by week (its dated changes included) and the code version (the package version and a
    hash of its source). Two regimes with the same schedule make the same run."""
    schedule = {str(week): dict(levers) for week, levers in scenario.schedule(regime).items()}
    key = json.dumps({"scenario": scenario.digest(), "schedule": schedule,
                      "version": code_version()}, sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _shows_progress(progress: bool | None, citizens: int, weeks: int) -> bool:
    """Whether to show a bar of ``weeks`` weeks: as asked, or (``progress`` None) when
    they are long, from PROGRESS_FROM_CITIZEN_WEEKS citizen-weeks."""
    if progress is None:
        return citizens * weeks >= PROGRESS_FROM_CITIZEN_WEEKS
    return progress


def _burned_in(scenario: Scenario, progress: bool | None,
               folder: Path | None = None) -> Start:
    """The scenario's place burned in (``model.burned_in``), with a bar of its weeks as
    for a run's (:func:`_shows_progress`)."""
    return burned_in(scenario, folder, progress=_shows_progress(
        progress, int(scenario.get("place.citizens")),
        int(scenario.get("place.burn_in_weeks"))))


def run_regime(scenario: Scenario, regime: str, progress: bool | None = None,
               scheduler: str = "fast", start: Start | None = None) -> RegimeRun:
    """Run the scenario under one regime to its last week, from ``start`` (by default
    the scenario's place burned in, ``model.burned_in``).

    ``progress`` None shows a bar only for long runs (from 2e7 citizen-weeks).
    """
    started = datetime.now(UTC)
    clock = time.perf_counter()
    start = start if start is not None else _burned_in(scenario, progress)
    model = PlaceModel(scenario, regime, scheduler=scheduler, start=start)
    with tqdm(total=model.weeks, desc=regime, unit="week",
              disable=not _shows_progress(progress, model.engine.n, model.weeks)) as bar:
        while model.running:
            model.step()
            bar.update()
    metadata: dict[str, object] = {
        "run_id": run_id(scenario, regime),
        "scenario": scenario.name,
        "scenario_origin": scenario.origin,
        "scenario_digest": scenario.digest(),
        "regime": regime,
        "levers": dict(scenario.regime(regime)),
        "seed": int(scenario.get("place.seed")),
        "citizens": model.engine.n,
        "weeks": model.weeks,
        "placesim_version": code_version(),
        "numba_version": numba.__version__,
        "numpy_version": np.__version__,
        "mesa_version": mesa.__version__,
        "python_version": platform.python_version(),
        "scheduler": scheduler,
        "threads": numba.get_num_threads(),
        "started_utc": started.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - clock, 3),
    }
    return RegimeRun.of(regime, model, start, metadata)


def run_scenario(scenario: Scenario, regimes: list[str], out: Path | RunFolder | None,
                 progress: bool | None = None, scheduler: str = "fast",
                 replace: bool = False,
                 horizon: int = DEFAULT_HORIZON_YEARS) -> list[RegimeRun]:
    """Run each regime in turn, writing each to ``out`` as soon as it finishes.

    ``out`` (a folder, or one already claimed) is claimed before any work
    (``folders.RunFolder``): a folder holding another scenario's, size's or code's
    results is refused unless ``replace``, and a folder another placesim is writing is
    refused. The runs returned keep their weekly tables, deciles and journeys, not their
    populations; their accounts discount over ``horizon`` years. Every regime starts from
    the place burned in once (``model.burned_in``), kept meanwhile in a temporary file in
    ``out`` (or the system's temporary folder), so a run holds one population at a time.
    """
    for regime in regimes:
        scenario.regime(regime)  # fail on an unknown regime before any work is done
    folder = out if isinstance(out, RunFolder) or out is None else RunFolder(
        Path(out), run_identity(scenario, code_version()), TABLES, replace)
    runs = []
    with folder.open() if folder is not None else nullcontext() as target:
        try:
            start = _burned_in(scenario, progress, target)
        except OSError as error:  # keeping the place in the folder while regimes run
            raise ResultsNotWritten(Path(target or tempfile.gettempdir()), error) from error
        for regime in regimes:
            run = run_regime(scenario, regime, progress, scheduler, start)
            # the finished model and its agents refer to each other: free its working
            # arrays before the run's tables are made beside its population
            gc.collect()
            run.horizon = horizon
            if folder is not None:
                write_run(target, run.regime, run.metadata, run.final,
                          run.tables(("weekly", "journeys", "deciles", "accounts")))
                folder.finished(run.regime, str(run.metadata["run_id"]))
            run.release()
            runs.append(run)
    return runs
