"""The place's institutions as Mesa agents: small in number, rich in what they report.

Citizens live in the engine's arrays; the agencies that serve them are Mesa agents that
read the week's aggregates and keep their own operational picture (workload against
capacity, costs borne). Management and commissioning rules belong here as they grow.
"""

from __future__ import annotations

from collections.abc import Mapping

import mesa
import numpy as np

from placesim.engine.metrics import M

PENCE = 100.0


class Agency(mesa.Agent):
    """A public agency: what it spent this week and how loaded its workforce is."""

    cost_metric: M
    workload_metrics: tuple[M, ...]
    label: str

    def __init__(self, model: mesa.Model, workers: int, capacity: int):
        super().__init__(model)
        self.workers = workers
        self.capacity = capacity
        self.spend = 0.0
        self.workload = 0
        self.utilisation = 0.0

    def review_week(self, totals: np.ndarray) -> None:
        """Phase 7: take stock of the week (costs borne, load against capacity)."""
        # -- phase 7: agency review
        self.spend = int(totals[self.cost_metric]) / PENCE
        self.workload = int(sum(int(totals[m]) for m in self.workload_metrics))
        self.utilisation = self.workload / self.capacity if self.capacity else 0.0


class CouncilRevenues(Agency):
    """Council-tax billing and the statutory recovery ladder."""

    cost_metric = M.COST_REVENUES
    workload_metrics = (M.RESPONSES, M.SUMMONSES, M.EA_REFERRALS)
    label = "council revenues"


class BenefitsService(Agency):
    """Standard-route benefit decisions: queue, lead time and error rate."""

    cost_metric = M.COST_BENEFITS
    workload_metrics = (M.DECISIONS,)
    label = "benefits service"


class RelationalTeam(Agency):
    """Caseworkers with bounded caseloads and an embedded benefits specialist.

    Under learning the team runs a standing experiment on its caseload cap (see
    :func:`keep_what_works`): its managers are judged on outcomes for people, not on
    throughput, and the cap is the learning environment they control.
    """

    cost_metric = M.COST_RELATIONAL
    workload_metrics = (M.ACTIVE_CASES,)
    label = "relational team"

    def __init__(self, model: mesa.Model, workers: int, cap: int, rules: Mapping[str, int]):
        super().__init__(model, workers=workers, capacity=workers * cap)
        self.caseload_cap = cap
        self.rules = rules
        self.direction = 1
        self.outcome = 0
        self.previous_outcome: int | None = None

    def review_week(self, totals: np.ndarray) -> None:
        super().review_week(totals)
        self.outcome += int(totals[M.GOOD_CLOSURES])
        if (self.model.week % self.rules["review_weeks"]) != 0:
            return
        step = round(self.model.levers["experiments"] * self.rules["cap_step"])
        self.caseload_cap, self.direction = keep_what_works(
            self.caseload_cap, self.direction, self.outcome, self.previous_outcome, step,
            self.rules["cap_min"], self.rules["cap_max"])
        self.previous_outcome, self.outcome = self.outcome, 0
        self.capacity = self.workers * self.caseload_cap


def keep_what_works(cap: int, direction: int, outcome: int, previous: int | None, step: int,
                    low: int, high: int) -> tuple[int, int]:
    """The team's learning rule: one experiment per review period.

    The outcome is the number of people whose cases closed because their lives had become
    stable during the period. If it fell compared with the previous period, the last change
    is judged not to have helped and the direction is reversed; otherwise the team keeps
    going the same way. Then the cap moves one step (within [low, high]). With step 0 the
    team does not experiment.
    """
    if step == 0:
        return cap, direction
    if previous is not None and outcome < previous:
        direction = -direction
    return min(high, max(low, cap + direction * step)), direction
