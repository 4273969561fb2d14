"""The place's institutions as Mesa agents: small in number, rich in what they report.

Citizens live in the engine's arrays; the agencies that serve them are Mesa agents that
read the week's aggregates and keep their own operational picture (workload against
capacity, costs borne). Management and commissioning rules belong here as they grow.
"""

from __future__ import annotations

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
    """Caseworkers with bounded caseloads and an embedded benefits specialist."""

    cost_metric = M.COST_RELATIONAL
    workload_metrics = (M.ACTIVE_CASES,)
    label = "relational team"
