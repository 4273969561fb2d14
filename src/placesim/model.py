"""``PlaceModel``: the Mesa face of the engine.

Every parameter is a keyword with a default, the regime's levers included, so
``mesa.batch_run`` and Mesa's Solara components can drive it. Citizens stay in the
engine's arrays; the agencies are Mesa agents; weekly indicators are collected by Mesa's
``DataCollector``.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd
from tqdm import tqdm

from placesim.engine.conservation import MoneyCheck
from placesim.engine.engine import Engine
from placesim.engine.params import GamingPulls
from placesim.engine.place import Place, team_size
from placesim.engine.scheduler import Scheduler
from placesim.engine.start import Start
from placesim.engine.state import CITIZEN_FIELDS, Service
from placesim.indicators import INDICATOR_NAMES, weekly_indicators
from placesim.institutions import (
    AgencyCulture,
    BenefitsService,
    Commissioner,
    CouncilRevenues,
    Police,
    RelationalTeam,
    ServiceAgency,
)
from placesim.journeys import JourneyRecorder, journey_ids
from placesim.reference import ReferenceScheduler
from placesim.scenario import InputError, Problem, Scenario, defaults, load
from placesim.scenario.errors import unknown_key_message
from placesim.scenario.fields import REGIME_LEVERS, REGIME_PRESETS
from placesim.scenario.scenario import check_value

SCHEDULERS = ("fast", "reference")
STATUS_QUO = "target"  # the preset a place is burned in under (docs/odd.md: Burn-in)
STATUS_QUO_LEVERS = REGIME_PRESETS[STATUS_QUO]
LEVERS = {field.name: field for field in REGIME_LEVERS}


def lever_problems(levers: Mapping[str, Any], where: str) -> list[Problem]:
    """What is wrong with lever values (unknown name, wrong type, out of range)."""
    problems = []
    for name, value in levers.items():
        why = (unknown_key_message(name, LEVERS, "lever") if name not in LEVERS
               else check_value(LEVERS[name], value))
        if why:
            problems.append(Problem(where, name, why))
    return problems


def citizen_table(records: np.ndarray, regime: str) -> pd.DataFrame:
    """Citizens' packed records as a table, one row per citizen (money in pence)."""
    frame = pd.DataFrame({name: records[name] for name, _, _ in CITIZEN_FIELDS})
    frame.insert(0, "citizen", range(len(frame)))
    frame.insert(0, "regime", regime)
    return frame


def resolve_scenario(scenario: str | Path | Scenario | None, citizens: int | None,
                     weeks: int | None, seed: int | None,
                     overrides: Mapping[str, Any] | None) -> Scenario:
    """A scenario (file, object or defaults) with size, seed and dotted overrides applied."""
    base = scenario if isinstance(scenario, Scenario) else (
        defaults() if scenario is None else load(scenario))
    changes = dict(overrides or {})
    for path, value in (("place.citizens", citizens), ("place.weeks", weeks),
                        ("place.seed", seed)):
        if value is not None:
            changes[path] = value
    return base.with_overrides(changes, "arguments") if changes else base


def _reporter(name: str):
    return lambda model: model.indicators[name]


def _lever(name: str):
    return lambda model: model.levers[name]


def _service_reporters(agency: ServiceAgency) -> dict:
    """A service's weekly budget, capacity and its target, reported and real."""
    name = agency.service.name.lower()
    s = int(agency.service)
    return {f"{name}_budget": lambda m: float(m.commissioner.budget[s]),
            f"{name}_capacity": lambda m: m.services[s].capacity,
            f"{name}_utilisation": lambda m: m.services[s].utilisation,
            f"{name}_reported_resolution": lambda m: m.services[s].reported_resolution,
            f"{name}_real_resolution": lambda m: m.services[s].real_resolution,
            f"{name}_gaming_pull": lambda m: m.services[s].pull}


class PlaceModel(mesa.Model):
    """A place's citizens and services under one management regime.

    Args:
        scenario: a scenario file, a :class:`Scenario`, or None for the defaults.
        regime: a regime named in the scenario ("target", "learning" or a custom one).
        citizens, weeks, seed: override the scenario's ``place`` section.
        overrides: other dotted-path overrides, e.g. ``{"life.job_loss": 0.004}``.
        scheduler: "fast" (numba kernels over the population array) or "reference"
            (one Mesa agent per citizen and worker, pure-Python rules); same results.
        start: the state week 0 starts from (``engine.start.Start``); by default the
            place burned in under the status quo (:func:`burned_in`). Regimes given the
            same start run from the same place, as they would anyway: pass one to save
            the burn-in's time.
        **levers: the regime's levers by name (``pause_enforcement=0.5``), set from week 0
            as if the scenario's regime said so; its dated changes apply as written.
    """

    def __init__(self, scenario: str | Path | Scenario | None = None, regime: str = "target",
                 citizens: int | None = None, weeks: int | None = None,
                 seed: int | None = None, overrides: Mapping[str, Any] | None = None,
                 scheduler: str = "fast", start: Start | None = None,
                 **levers: float | None):
        levers = {name: value for name, value in levers.items() if value is not None}
        problems = lever_problems(levers, "arguments")
        if problems:
            raise InputError(problems)
        self.scenario = resolve_scenario(scenario, citizens, weeks, seed, {
            **(overrides or {}), **{f"regimes.{regime}.{name}": v for name, v in levers.items()}})
        # what the place is burned in from (levers given here are this run's alone)
        self.place_scenario = (resolve_scenario(scenario, citizens, weeks, seed, overrides)
                               if levers else self.scenario)
        self.regime = regime
        self.weeks = int(self.scenario.get("place.weeks"))
        super().__init__(seed=int(self.scenario.get("place.seed")))
        self.schedule = self.scenario.schedule(regime)
        # levers decided (by the regime and its dated changes) and levers in force: a
        # bureaucratic culture adopts a change over weeks (AgencyCulture)
        levers = self.decided = self.levers = dict(self.schedule[0])
        if scheduler not in SCHEDULERS:
            raise InputError([Problem("arguments", "scheduler", unknown_key_message(
                scheduler, SCHEDULERS, "scheduler"))])
        start = start if start is not None else burned_in(self.place_scenario, keep=False)
        self.flagged_before = start.flagged_before  # flagged for arrears in the burn-in
        self.engine: Scheduler = (Engine(self.scenario, levers, start) if scheduler == "fast"
                                  else ReferenceScheduler(self, self.scenario, levers, start))
        self.money_check = MoneyCheck(self.engine.citizens, first_week=self.engine.week)
        place = self.engine.place
        caseworkers = len(place.caseworker_skill)
        learning = {k: int(self.scenario.get(f"relational.{k}"))
                    for k in ("review_weeks", "cap_step", "cap_min", "cap_max")}
        capacity = self.engine.service_capacity()
        target = float(self.scenario.get("commissioning.target_resolution"))
        self.services = tuple(ServiceAgency(self, s, int(capacity[s]), target,
                                            self.engine.pulls.services[s])
                              for s in Service)
        self.revenues = CouncilRevenues(
            self, team_size(self.scenario.get("revenues.officers_per_10k"), self.engine.n),
            self.scenario.get("revenues.officer_hours"))
        self.benefits = BenefitsService(self, workers=len(place.assessor_skill),
                                        capacity=self.engine.decision_capacity(),
                                        target=float(self.scenario.get(
                                            "benefits.target_share")),
                                        pull=self.engine.pulls.benefits)
        self.team = RelationalTeam(self, workers=caseworkers, rules=learning)
        self.police = Police(self)
        self.agencies = (self.revenues, self.benefits, self.team, *self.services, self.police)
        get = self.scenario.get
        self.commissioner = Commissioner(
            self, place.service_hours, place.service_hourly_cost(),
            {k: get(f"commissioning.{k}") for k in ("review_weeks", "max_shift", "floor")},
            start.service_budget)
        self.culture = AgencyCulture(self, get("system.culture"), get("system.adoption_weeks"),
                                     get("system.partnership_rate"))
        ids = journey_ids(self.engine.n, int(self.scenario.get("place.journeys")))
        self.journey_recorder = JourneyRecorder(ids, self.engine.records(ids))
        self.regimes_by_week: list[str] = []
        self.indicators: dict[str, float | int] = {}
        reporters = {"regime": lambda m: m.regime}
        reporters.update({f"lever_{name}": _lever(name) for name in levers})
        reporters.update({name: _reporter(name) for name in INDICATOR_NAMES})
        reporters.update({name: _reporter(name) for name in self.engine.workforce()})
        reporters["revenues_utilisation"] = lambda m: m.revenues.utilisation
        reporters["benefits_utilisation"] = lambda m: m.benefits.utilisation
        reporters["benefits_gaming_pull"] = lambda m: m.benefits.pull
        reporters["team_utilisation"] = lambda m: m.team.utilisation
        reporters["caseload_cap"] = lambda m: m.team.caseload_cap
        reporters["caseload_mean"] = lambda m: (float(m.engine.caseload.mean())
                                                if len(m.engine.caseload) else 0.0)
        reporters["partnership"] = lambda m: m.culture.partnership
        for agency in self.services:
            reporters.update(_service_reporters(agency))
        self.datacollector = mesa.DataCollector(model_reporters=reporters)

    def switch_regime(self, regime: str) -> None:
        """Run under another of the scenario's regimes from the next week on.

        The new regime's levers are decided as they stand (its own dated changes are not)
        and adopted as fast as the agencies' culture allows.
        """
        self.schedule = {}
        self.decided = dict(self.scenario.regime(regime))
        self.regime = regime

    def change_levers(self, changes: Mapping[str, float]) -> int:
        """Decide new values of some levers from the next week on, as a dated change of
        the scenario does (the same schedule; adopted as fast as the culture allows).

        The change holds until a later dated change of the scenario sets the levers again.
        Returns the week from which it applies.
        """
        problems = lever_problems(changes, "lever change")
        if problems:
            raise InputError(problems)
        week = self.engine.week
        self.schedule[week] = {**self.schedule.get(week, self.decided),
                               **{name: LEVERS[name].kind(v) for name, v in changes.items()}}
        return week

    def _adopt_levers(self) -> None:
        """Put this week's levers in force: a step toward those decided (culture). A
        caseload cap put in force resets the cap the team has learned."""
        if self.levers != self.decided:
            before = self.levers["caseload_cap"]
            self.levers = self.culture.adopt(self.levers, self.decided)
            self.engine.set_levers(self.levers)
            if self.levers["caseload_cap"] != before:
                self.team.reset_cap(round(self.levers["caseload_cap"]))

    def _update_capacities(self) -> None:
        """What each agency can do next week (levers and budgets may have moved)."""
        self.benefits.capacity = self.engine.decision_capacity()
        capacity = self.engine.service_capacity()
        for agency in self.services:
            agency.capacity = int(capacity[agency.service])

    @property
    def week(self) -> int:
        return self.engine.week

    def step(self) -> None:
        """One week: dated changes of the regime, the engine's phases 1-6, then the
        agencies' review (phase 7)."""
        if self.engine.week in self.schedule:
            self.decided = dict(self.schedule[self.engine.week])
        self._adopt_levers()
        totals = self.engine.step()
        self.money_check.record(lambda: self.engine.citizens, totals, self.engine.week - 1)
        self.engine.review_workforce(totals)
        self.journey_recorder.record(self.engine.records(self.journey_recorder.ids))
        self.regimes_by_week.append(self.regime)
        self.indicators = weekly_indicators(totals, self.engine.n)
        self.indicators.update(self.engine.workforce())
        for agency in self.agencies:
            agency.review_week(totals)
        if self.commissioner.review_week(totals):
            self.engine.set_service_hours(self.commissioner.hours)
        self.engine.set_gaming_pulls(GamingPulls(
            tuple(agency.pull for agency in self.services), self.benefits.pull))
        self.culture.review_week(self.levers["multi_agency"])
        self._update_capacities()
        self.datacollector.collect(self)
        if self.engine.week >= self.weeks:
            self.money_check.finish(self.engine.citizens, self.engine.week)
            self.running = False
            self.close()

    def close(self) -> None:
        """Let the model be freed once dropped. mesa 3.3 numbers agents per model in a
        class-level dict (``mesa.Agent._ids``) that holds every model that made agents,
        and so its population, for the life of the process (mesa issue 3179, fixed after
        3.3). All of a place's agents are made when it is built, so its counter can go
        as soon as it finishes (done then) or is abandoned (call this)."""
        mesa.Agent._ids.pop(self, None)

    def weekly(self) -> pd.DataFrame:
        """Collected indicators, one row per week: regime that week, week, indicators."""
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        frame.insert(1, "week", range(len(frame)))
        return frame

    def journeys(self) -> pd.DataFrame:
        """The sampled citizens' state, one row per citizen and week (see ``journeys``)."""
        return self.journey_recorder.frame(self.regimes_by_week)

    def citizens(self) -> pd.DataFrame:
        """Each citizen's current state, one row per citizen (money in pence)."""
        return citizen_table(self.engine.citizens, self.regime)


def burn_in_digest(scenario: Scenario) -> str:
    """Content hash of what a burn-in depends on: every parameter value (regimes play no
    part; two scenarios with the same digest burn in to the same place)."""
    text = json.dumps(scenario.values, sort_keys=True, default=float)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def burned_in(scenario: Scenario, folder: Path | None = None, keep: bool = True,
              progress: bool = False) -> Start:
    """The place at week 0 after its burn-in (docs/odd.md: Initialisation).

    Drawn at week -``place.burn_in_weeks`` and run to week 0 under the status quo (the
    target preset's levers, whatever the scenario's regimes say) by the fast scheduler,
    with the agencies' reviews; then every citizen's cumulative tallies are cleared, so
    outputs count from week 0 while the state carries over. The same for every regime and
    scheduler, and for every scenario with the same parameter values.

    The burn-in runs on the drawn records themselves (``Start.given``). The place
    returned is kept in a temporary file in ``folder`` (by default the system's temporary
    folder; ``Start.kept``), so that any number of runs can start from it, each reading
    its own copy, and a burn-in holds one population at a time; with ``keep`` False it is
    the burn-in's own records, given to the one run that takes them. ``progress`` shows
    a bar of the burn-in's weeks (minutes of them for a large place).
    """
    weeks = int(scenario.get("place.burn_in_weeks"))
    drawn = Start.drawn(Place.build(scenario, STATUS_QUO_LEVERS), -weeks)
    if weeks == 0:
        return drawn.kept(folder) if keep else drawn.given()
    # the run's length is restated so that a shortened scenario stays valid
    model = PlaceModel(scenario, STATUS_QUO, weeks=int(scenario.get("place.weeks")),
                       start=drawn.given(), **STATUS_QUO_LEVERS)
    with tqdm(total=weeks, desc="burn-in", unit="week", disable=not progress) as bar:
        while model.week < 0:
            model.step()
            bar.update()
    engine = model.engine
    model.money_check.finish(engine.citizens, 0)
    start = Start(week=engine.week, citizens=engine.citizens, caseload=engine.caseload,
                  assessors=engine.assessors.workers(),
                  caseworkers=engine.caseworkers.workers(),
                  service_hours=engine.service_hours, service_budget=model.commissioner.budget,
                  short=GamingPulls(tuple(float(p > 0) for p in engine.pulls.services),
                                    float(engine.pulls.benefits > 0)),
                  flagged_before=drawn.flagged_before).clear_tallies()
    model.close()
    if not keep:
        return start.given()
    start = start.kept(folder)
    # The finished model and its agents refer to each other, so the collector, not this
    # function's end, would free them: let go of its population now (it is in the file).
    engine.citizens = start.citizens
    return start


# Each lever is a keyword of its own in PlaceModel's signature, so Mesa's SolaraViz (which
# checks model parameters against the signature) and readers of help() see them by name.
_SIGNATURE = inspect.signature(PlaceModel.__init__)
PlaceModel.__init__.__signature__ = _SIGNATURE.replace(parameters=[
    *(p for p in _SIGNATURE.parameters.values() if p.kind is not p.VAR_KEYWORD),
    *(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None,
                        annotation=float | None) for name in LEVERS)])
