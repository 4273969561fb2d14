"""``PlaceModel``: the Mesa face of the engine.

Every parameter is a keyword with a default, so ``mesa.batch_run`` and Mesa's Solara
components can drive it. Citizens stay in the engine's arrays; the agencies are Mesa
agents; weekly indicators are collected by Mesa's ``DataCollector``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mesa
import pandas as pd

from placesim.engine.engine import Engine
from placesim.engine.state import CITIZEN_FIELDS
from placesim.indicators import INDICATOR_NAMES, weekly_indicators
from placesim.institutions import BenefitsService, CouncilRevenues, RelationalTeam
from placesim.scenario import Scenario, defaults, load


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


class PlaceModel(mesa.Model):
    """A place's citizens and services under one management regime.

    Args:
        scenario: a scenario file, a :class:`Scenario`, or None for the defaults.
        regime: a regime named in the scenario ("target", "learning" or a custom one).
        citizens, weeks, seed: override the scenario's ``place`` section.
        overrides: other dotted-path overrides, e.g. ``{"life.job_loss": 0.004}``.
    """

    def __init__(self, scenario: str | Path | Scenario | None = None, regime: str = "target",
                 citizens: int | None = None, weeks: int | None = None,
                 seed: int | None = None, overrides: Mapping[str, Any] | None = None):
        self.scenario = resolve_scenario(scenario, citizens, weeks, seed, overrides)
        self.regime = regime
        self.weeks = int(self.scenario.get("place.weeks"))
        super().__init__(seed=int(self.scenario.get("place.seed")))
        self.engine = Engine(self.scenario, self.scenario.regime(regime))
        self.revenues = CouncilRevenues(self, workers=0, capacity=0)
        self.benefits = BenefitsService(self, workers=len(self.engine.assessor_skill),
                                        capacity=self.engine.decision_capacity)
        cap = int(self.scenario.get("relational.caseload_cap"))
        self.team = RelationalTeam(self, workers=len(self.engine.caseworker_skill),
                                   capacity=len(self.engine.caseworker_skill) * cap)
        self.indicators: dict[str, float | int] = {}
        reporters = {name: _reporter(name) for name in INDICATOR_NAMES}
        reporters["benefits_utilisation"] = lambda m: m.benefits.utilisation
        reporters["team_utilisation"] = lambda m: m.team.utilisation
        self.datacollector = mesa.DataCollector(model_reporters=reporters)

    @property
    def week(self) -> int:
        return self.engine.week

    def step(self) -> None:
        """One week: the engine's phases 1-6, then the agencies' review (phase 7)."""
        totals = self.engine.step()
        self.indicators = weekly_indicators(totals, self.engine.n)
        self.agents.do("review_week", totals)
        self.datacollector.collect(self)
        if self.engine.week >= self.weeks:
            self.running = False

    def weekly(self) -> pd.DataFrame:
        """Collected indicators, one row per week, with week and regime columns."""
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        frame.insert(0, "week", range(len(frame)))
        frame.insert(0, "regime", self.regime)
        return frame

    def citizens(self) -> pd.DataFrame:
        """Each citizen's current state, one row per citizen (money in pence)."""
        state = {name: self.engine.citizens[name] for name, _, _ in CITIZEN_FIELDS}
        frame = pd.DataFrame(state)
        frame.insert(0, "citizen", range(len(frame)))
        frame.insert(0, "regime", self.regime)
        return frame
