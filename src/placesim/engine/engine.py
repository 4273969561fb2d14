"""The fast scheduler: a place's population stepped week by week in numba kernels."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from placesim.engine import kernels
from placesim.engine.metrics import N_METRICS
from placesim.engine.params import pack
from placesim.engine.rng import Purpose, uniform
from placesim.engine.state import empty_citizens
from placesim.scenario import Scenario

PER_10K = 10_000


def team_size(per_10k: float, citizens: int) -> int:
    """Workers for a population: the scenario's rate, at least one where the rate is set."""
    if per_10k <= 0:
        return 0
    return max(1, round(per_10k * citizens / PER_10K))


def worker_skills(seed: int, team: int, n: int) -> np.ndarray:
    """Skill of each worker in a team, uniform on [0.25, 0.75] (0.5 is average)."""
    return np.array([0.25 + 0.5 * uniform(seed, team, w, Purpose.WORKER_SKILL)
                     for w in range(n)], dtype=np.float64)


class Engine:
    """Population, workforce and parameters, with one method per week.

    ``levers`` are the regime's continuous levers (see ``scenario.fields.REGIME_LEVERS``).
    Citizens and weeks come from the scenario's ``place`` section.
    """

    ASSESSORS, CASEWORKERS = 1, 2

    def __init__(self, scenario: Scenario, levers: Mapping[str, float]):
        self.scenario = scenario
        self.params = pack(scenario, levers)
        self.seed = int(scenario.get("place.seed"))
        self.n = int(scenario.get("place.citizens"))
        self.week = 0
        self.citizens = empty_citizens(self.n)
        kernels.initialise(self.citizens, self.params, self.seed)
        v = scenario.values
        n_assessors = team_size(v["benefits"]["assessors_per_10k"], self.n)
        n_caseworkers = team_size(v["relational"]["caseworkers_per_10k"], self.n)
        n_specialists = team_size(v["relational"]["specialists_per_10k"], self.n)
        self.assessor_skill = worker_skills(self.seed, self.ASSESSORS, n_assessors)
        self.caseworker_skill = worker_skills(self.seed, self.CASEWORKERS, n_caseworkers)
        self.caseload = np.zeros(n_caseworkers, dtype=np.int64)
        self.decision_capacity = int(n_assessors * v["benefits"]["assessor_hours"]
                                     // v["benefits"]["hours_per_decision"])
        self.fix_capacity = int(n_specialists * v["relational"]["specialist_hours"]
                                // v["relational"]["hours_per_fix"])
        blocks = kernels.n_blocks(self.n)
        self.partials = np.zeros((blocks, N_METRICS), dtype=np.int64)
        self.attention = np.zeros((blocks, kernels.BLOCK), dtype=np.int32)
        self.attention_n = np.zeros(blocks, dtype=np.int64)

    def set_levers(self, levers: Mapping[str, float]) -> None:
        """Change the regime from next week on (a policy switch)."""
        self.params = pack(self.scenario, levers)

    def step(self) -> np.ndarray:
        """Run one week, phase by phase; return the week's aggregates (int64, by ``M``)."""
        week, seed, c, p = self.week, self.seed, self.citizens, self.params
        totals = np.zeros(N_METRICS, dtype=np.int64)
        kernels.life_money_demand_pass(c, p, seed, week, self.partials, self.attention,
                                       self.attention_n)
        totals += self.partials.sum(axis=0)
        kernels.allocate(c, self.attention, self.attention_n, self.assessor_skill,
                         self.caseload, p, seed, week, self.decision_capacity,
                         self.fix_capacity, totals)
        kernels.services_pass(c, self.caseworker_skill, p, seed, week, self.partials)
        totals += self.partials.sum(axis=0)
        self.week += 1
        return totals
