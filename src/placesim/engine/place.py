"""What both schedulers start from: parameters, workforce and the starting population."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from placesim.engine import kernels
from placesim.engine.params import pack
from placesim.engine.pure import python_function
from placesim.engine.rng import Purpose, uniform
from placesim.engine.rules.workers import bent_hours
from placesim.engine.state import Service, empty_citizens
from placesim.scenario import Scenario

PER_10K = 10_000
ASSESSORS, CASEWORKERS = 1, 2  # team numbers, in workers' random keys
# Scenario section of each service, indexed by Service.
SERVICE_SECTIONS = tuple(s.name.lower() for s in Service)
_bent_hours = python_function(bent_hours)  # called once a week: no need to compile


def team_size(per_10k: float, citizens: int) -> int:
    """Workers for a population: the scenario's rate, at least one where the rate is set."""
    if per_10k <= 0:
        return 0
    return max(1, round(per_10k * citizens / PER_10K))


def worker_skills(seed: int, team: int, n: int) -> np.ndarray:
    """Skill of each worker in a team, uniform on [0.25, 0.75] (0.5 is average). The
    purpose goes in as a plain int: typing an enum member costs numba a scan of its
    whole class on every call from Python (a second a place of a million citizens)."""
    purpose = int(Purpose.WORKER_SKILL)
    return np.array([0.25 + 0.5 * uniform(seed, team, w, purpose) for w in range(n)],
                    dtype=np.float64)


@dataclass(frozen=True)
class Place:
    """A scenario made ready to run: packed parameters, teams and weekly capacities."""

    scenario: Scenario
    params: np.recarray
    seed: int
    n: int
    assessor_skill: np.ndarray
    caseworker_skill: np.ndarray
    caseworker_volunteer: np.ndarray
    assessor_hours: float
    fix_capacity: int
    service_hours: np.ndarray

    @classmethod
    def build(cls, scenario: Scenario, levers: Mapping[str, float]) -> Place:
        seed = int(scenario.get("place.seed"))
        n = int(scenario.get("place.citizens"))
        v = scenario.values
        assessors = team_size(v["benefits"]["assessors_per_10k"], n)
        caseworkers = team_size(v["relational"]["caseworkers_per_10k"], n)
        specialists = team_size(v["relational"]["specialists_per_10k"], n)
        volunteers = round(v["workforce"]["volunteers"] * caseworkers)
        return cls(
            scenario=scenario, params=pack(scenario, levers), seed=seed, n=n,
            assessor_skill=worker_skills(seed, ASSESSORS, assessors),
            caseworker_skill=worker_skills(seed, CASEWORKERS, caseworkers),
            caseworker_volunteer=np.arange(caseworkers) < volunteers,
            assessor_hours=assessors * v["benefits"]["assessor_hours"],
            fix_capacity=int(specialists * v["relational"]["specialist_hours"]
                             // v["relational"]["hours_per_fix"]),
            service_hours=np.array([team_size(v[s]["officers_per_10k"], n)
                                    * v[s]["officer_hours"] for s in SERVICE_SECTIONS]))

    def decision_capacity(self, p) -> int:
        """Standard-route decisions the assessors can make in a week under levers ``p``."""
        return int(self.assessor_hours // _bent_hours(
            self.scenario.get("benefits.hours_per_decision"), p))

    def service_capacity(self, p, hours: np.ndarray) -> np.ndarray:
        """Requests each service can take in a week, from its staff hours (by Service)."""
        return np.array([int(h // _bent_hours(self.scenario.get(f"{s}.hours_per_case"), p))
                         for s, h in zip(SERVICE_SECTIONS, hours, strict=True)],
                        dtype=np.int64)

    def service_hourly_cost(self) -> np.ndarray:
        """GBP per staff hour of each service (by Service): what a budget buys."""
        return np.array([self.scenario.get(f"{s}.officer_hour") for s in SERVICE_SECTIONS])

    def spotlight(self, week: int) -> bool:
        """Whether the relational team still works under a pilot's spotlight: the pilot
        starts at week 0 (a burn-in's weeks, before it, are not in the spotlight)."""
        return 0 <= week < self.scenario.get("workforce.spotlight_weeks")

    def workforce_cost(self, leavers: int) -> int:
        """Pence spent recruiting replacements."""
        return leavers * round(self.params[0].workforce_recruitment)

    def starting_population(self) -> np.ndarray:
        """The population at week 0, drawn by the initialisation kernel."""
        citizens = empty_citizens(self.n)
        kernels.initialise(citizens, self.params, self.seed)
        kernels.form_families(citizens, self.params[0], self.seed)
        return citizens
