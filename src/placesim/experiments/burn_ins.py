"""Burned-in places shared by the runs of a sweep: each burned in once, kept on disk.

Every run starts from its place burned in under the status quo (``model.burned_in``),
which depends on the place's parameter values alone (``model.burn_in_digest``). Runs of
a sweep often share them: the regimes of one design point, design points that vary only
regime levers, the two arms of a cohort experiment. The first run that needs a place
burns it in and writes it to the sweep's folder, atomically; the others, in any worker
process or on any machine that sees the folder, read it back bit for bit. A sweep that
finishes every run removes the folder.
"""

from __future__ import annotations

import shutil
from dataclasses import fields
from pathlib import Path

import numpy as np

from placesim.atomic import replaced
from placesim.engine.params import GamingPulls
from placesim.engine.start import Start, Workers
from placesim.model import burn_in_digest, burned_in
from placesim.provenance import code_digest
from placesim.scenario import Scenario

FOLDER = "burn-in"
TEAMS = ("assessors", "caseworkers")
ARRAYS = ("citizens", "caseload", "service_hours", "service_budget", "flagged_before")


def save_start(start: Start, path: Path) -> None:
    """Write a start to ``path`` (a NumPy ``.npz`` archive), whole or not at all."""
    arrays = {name: getattr(start, name) for name in ARRAYS}
    for team in TEAMS:
        workers = getattr(start, team)
        arrays.update({f"{team}_{f.name}": getattr(workers, f.name) for f in fields(Workers)})
    arrays["week"] = np.int64(start.week)
    arrays["short_services"] = np.asarray(start.short.services, dtype=np.float64)
    arrays["short_benefits"] = np.float64(start.short.benefits)
    with replaced(path) as temporary, temporary.open("wb") as file:
        np.savez(file, **arrays)


def load_start(path: Path) -> Start:
    """A start written by :func:`save_start`."""
    with np.load(path) as archive:
        teams = {team: Workers(**{f.name: archive[f"{team}_{f.name}"] for f in fields(Workers)})
                 for team in TEAMS}
        arrays = {name: archive[name] for name in ARRAYS}
        arrays["citizens"] = arrays["citizens"].view(np.recarray)  # as state.empty_citizens
        short = GamingPulls(tuple(archive["short_services"].tolist()),
                            float(archive["short_benefits"]))
        return Start(week=int(archive["week"]), **arrays, **teams, short=short)


def shared_start(scenario: Scenario, store: Path) -> Start:
    """The scenario's place burned in: read from ``store`` if a run burned it in
    already, else burned in here and written there for the runs that follow."""
    path = store / FOLDER / f"{burn_in_digest(scenario)}-{code_digest()}.npz"
    if path.exists():
        return load_start(path)
    start = burned_in(scenario)
    save_start(start, path)
    return start


def clear(store: Path) -> None:
    """Remove the burned-in places kept in ``store`` (its sweep has every run)."""
    shutil.rmtree(store / FOLDER, ignore_errors=True)
