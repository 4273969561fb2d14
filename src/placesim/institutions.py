"""The place's institutions as Mesa agents: small in number, rich in what they report.

Citizens live in the engine's arrays; the agencies that serve them are Mesa agents that
read the week's aggregates and keep their own operational picture (workload against
capacity, costs borne, reported and real performance). Management and commissioning
rules live here: the relational team's learning rule, the commissioners who move
budgets between services, and the culture and relationships of the place's agencies.
"""

from __future__ import annotations

from collections.abc import Mapping

import mesa
import numpy as np

from placesim.engine.metrics import (
    CASES,
    HELPED,
    LOST,
    REPORTED_RESOLVED,
    SERVICE_COSTS,
    TURNED_AWAY,
    WAITING,
    WRONG_DOOR,
    M,
    service_metric,
)
from placesim.engine.pure import python_function
from placesim.engine.state import PENCE, Service
from placesim.indicators import SECONDS_AN_HOUR


def _metric(service: Service, kind: int) -> int:
    return python_function(service_metric)(int(service), kind)


class Agency(mesa.Agent):
    """A public agency: what it spent this week and how loaded its workforce is."""

    label: str

    def __init__(self, model: mesa.Model, cost_metric: int, workload_metrics: tuple[int, ...],
                 workers: int, capacity: int):
        super().__init__(model)
        self.cost_metric = cost_metric
        self.workload_metrics = workload_metrics
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
    """Council-tax billing and the statutory recovery ladder, staffed by revenues officers.

    Its workload is the officers' hours the week's letters answered, summonses and
    referrals took; its capacity the hours it is staffed for (``revenues``). Work is not
    rationed by it: the utilisation says how much of the staffed time the ladder uses,
    failure demand included."""

    label = "council revenues"

    def __init__(self, model: mesa.Model, workers: int, hours: float):
        super().__init__(model, M.COST_REVENUES, (M.REVENUES_STAFF_SECONDS,), workers,
                         capacity=round(workers * hours))

    def review_week(self, totals: np.ndarray) -> None:
        super().review_week(totals)
        self.workload = int(totals[M.REVENUES_STAFF_SECONDS]) / SECONDS_AN_HOUR
        self.utilisation = self.workload / self.capacity if self.capacity else 0.0


def gaming_pull(reported: float, target: float, payment_by_results: float) -> float:
    """A service's pull toward gaming: as strong as the dependence of its budget on its
    reported figure while that figure falls short of its target, none otherwise."""
    return payment_by_results if reported < target else 0.0


class BenefitsService(Agency):
    """Standard-route benefit decisions: queue, lead time and error rate.

    Its target is the share of decisions made within benefits.target_weeks
    (``target``); ``pull`` is its pull toward gaming for next week (:func:`gaming_pull`).
    """

    label = "benefits service"

    def __init__(self, model: mesa.Model, workers: int, capacity: int, target: float,
                 pull: float = 0.0):
        super().__init__(model, M.COST_BENEFITS, (M.DECISIONS,), workers, capacity)
        self.target = target
        self.pull = pull

    def review_week(self, totals: np.ndarray) -> None:
        super().review_week(totals)
        decisions = int(totals[M.DECISIONS])
        if decisions:
            reported = int(totals[M.DECISIONS_REPORTED_ON_TIME]) / decisions
            self.pull = gaming_pull(reported, self.target,
                                    self.model.levers["payment_by_results"])


class ServiceAgency(Agency):
    """A service citizens ask for help: housing, health, social care or the VCS.

    Its target is the share of cases it resolves (``target``). ``reported_resolution`` is
    what it reports (cases closed as resolved, over cases it accepted);
    ``real_resolution`` is troubles lifted over every request that came to its right
    door, turned away or not; ``pull`` is its pull toward gaming for next week
    (:func:`gaming_pull`).
    """

    def __init__(self, model: mesa.Model, service: Service, capacity: int, target: float,
                 pull: float = 0.0):
        super().__init__(model, SERVICE_COSTS[service],
                         (_metric(service, CASES), _metric(service, TURNED_AWAY),
                          _metric(service, WRONG_DOOR)), workers=0, capacity=capacity)
        self.service = service
        self.label = service.name.lower().replace("_", " ")
        self.target = target
        self.reported_resolution = 0.0
        self.real_resolution = 0.0
        self.pull = pull

    def review_week(self, totals: np.ndarray) -> None:
        super().review_week(totals)
        cases = int(totals[_metric(self.service, CASES)])
        came = cases + int(totals[_metric(self.service, TURNED_AWAY)])
        self.reported_resolution = (int(totals[_metric(self.service, REPORTED_RESOLVED)])
                                    / cases if cases else 0.0)
        self.real_resolution = (int(totals[_metric(self.service, HELPED)]) / came
                                if came else 0.0)
        if cases:
            self.pull = gaming_pull(self.reported_resolution, self.target,
                                    self.model.levers["payment_by_results"])


class Police(Agency):
    """Police response to families in trouble: call-outs and their cost. Call-outs are
    not rationed, so the police have no capacity to report against."""

    label = "police"

    def __init__(self, model: mesa.Model):
        super().__init__(model, M.COST_POLICE, (M.POLICE_CALLOUTS,), workers=0, capacity=0)


class RelationalTeam(Agency):
    """Caseworkers with bounded caseloads and an embedded benefits specialist.

    Under learning the team runs a standing experiment on its caseload cap (see
    :func:`keep_what_works`): its managers are judged on outcomes for people, not on
    throughput, and the cap is the learning environment they control. The cap it has
    learned is the scheduler's (``model.engine.learned``), which allocation reads.
    """

    label = "relational team"

    def __init__(self, model: mesa.Model, workers: int, rules: Mapping[str, int]):
        cap = model.engine.learned.caseload_cap
        super().__init__(model, M.COST_RELATIONAL, (M.ACTIVE_CASES,), workers,
                         capacity=workers * cap)
        self.rules = rules
        self.direction = 1
        self.outcome = 0
        self.previous_outcome: int | None = None

    @property
    def caseload_cap(self) -> int:
        return self.model.engine.learned.caseload_cap

    def reset_cap(self, cap: int) -> None:
        """A caseload cap decided for the team (the regime's lever), from this week."""
        self.model.engine.learned.caseload_cap = cap
        self.capacity = self.workers * cap

    def review_week(self, totals: np.ndarray) -> None:
        super().review_week(totals)
        self.outcome += int(totals[M.GOOD_CLOSURES])
        if (self.model.week % self.rules["review_weeks"]) != 0:
            return
        step = round(self.model.levers["experiments"] * self.rules["cap_step"])
        cap, self.direction = keep_what_works(
            self.caseload_cap, self.direction, self.outcome, self.previous_outcome, step,
            self.rules["cap_min"], self.rules["cap_max"])
        self.previous_outcome, self.outcome = self.outcome, 0
        self.reset_cap(cap)


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


class Commissioner(mesa.Agent):
    """Holds the services' staffing budgets and moves them between services each round.

    ``hours`` are the staff hours the scenario sets, which fix the floors; ``budget`` the
    budgets (GBP a week) the place starts with, moved by a burn-in's reviews.
    Under payment by results a service's budget follows its *reported* resolution rate;
    under a pooled place budget it follows unmet need (requests turned away, lost at a
    wrong door, or still waiting). The total is conserved: what one service gains another
    loses. Budgets buy staff hours at each service's hourly cost.
    """

    def __init__(self, model: mesa.Model, hours: np.ndarray, hourly: np.ndarray,
                 rules: Mapping[str, float], budget: np.ndarray):
        super().__init__(model)
        self.hourly = hourly
        self.floor = hours * hourly * rules["floor"]  # of the budgets the scenario sets
        self.budget = budget.copy()
        self.rules = rules
        self._period = np.zeros((len(Service), 4), dtype=np.int64)

    @property
    def hours(self) -> np.ndarray:
        return np.divide(self.budget, self.hourly, out=np.zeros_like(self.budget),
                         where=self.hourly > 0)

    def review_week(self, totals: np.ndarray) -> bool:
        """Phase 7: tally the week; at the end of a round move budgets. True if moved."""
        for s in Service:
            self._period[s] += [totals[_metric(s, CASES)],
                                totals[_metric(s, REPORTED_RESOLVED)],
                                totals[_metric(s, CASES)] + totals[_metric(s, TURNED_AWAY)]
                                + totals[_metric(s, LOST)],
                                totals[_metric(s, TURNED_AWAY)] + totals[_metric(s, LOST)]]
        if self.model.week % self.rules["review_weeks"] != 0:
            return False
        cases, resolved, came, unmet = self._period.T
        unmet = unmet + np.array([totals[_metric(s, WAITING)] for s in Service])
        reported = np.divide(resolved, cases, out=np.zeros(len(Service)), where=cases > 0)
        need = np.divide(unmet, came, out=np.zeros(len(Service)), where=came > 0)
        levers = self.model.levers
        self.budget = reallocate(self.budget, self.floor, self.rules["max_shift"],
                                 levers["payment_by_results"] * (reported - reported.mean())
                                 + levers["pooled_budget"] * (need - need.mean()))
        self._period[:] = 0
        return True


def reallocate(budget: np.ndarray, floor: np.ndarray, max_shift: float,
               signal: np.ndarray) -> np.ndarray:
    """Move budget toward services with a higher signal, keeping the total.

    Each service's budget moves by ``max_shift`` of itself times its signal (clipped to
    [-1, 1]), never below its floor; what lies above the floors is then rescaled so the
    total is what it was (so a move can come out a little larger or smaller than
    ``max_shift``, never through a floor).
    """
    total = budget.sum()
    moved = np.maximum(floor, budget * (1.0 + max_shift * np.clip(signal, -1.0, 1.0)))
    above, spare = moved - floor, total - floor.sum()
    if spare <= 0 or above.sum() <= 0:
        return budget
    return floor + above * (spare / above.sum())  # rescale above the floors only


class AgencyCulture(mesa.Agent):
    """The culture of the place's agencies and the relationships between them.

    A bureaucratic culture adopts a policy change slowly: each week the levers in force
    move toward those decided by ``rate`` = 1 / (1 + (1 - culture) x adoption_weeks). The
    strength of relationships between agencies (the chance a referral connects) moves
    toward initial + (1 - initial) x multi_agency x culture at system.partnership_rate:
    working together builds them where the culture lets it. The strength is what the
    place has learned (``model.engine.learned``), which the rules read.
    """

    def __init__(self, model: mesa.Model, culture: float, adoption_weeks: float,
                 partnership_rate: float):
        super().__init__(model)
        self.culture = culture
        self.rate = 1.0 / (1.0 + (1.0 - culture) * adoption_weeks)
        self.initial_partnership = model.engine.learned.partnership
        self.partnership_rate = partnership_rate

    @property
    def partnership(self) -> float:
        return self.model.engine.learned.partnership

    def adopt(self, current: Mapping[str, float], decided: Mapping[str, float]
              ) -> dict[str, float]:
        """Levers in force next week: a step from ``current`` toward ``decided``."""
        out = {}
        for name, goal in decided.items():
            value = current[name] + self.rate * (goal - current[name])
            out[name] = goal if abs(goal - value) < 1e-3 else value
        return out

    def review_week(self, multi_agency: float) -> None:
        """Phase 7: relationships between agencies grow or fade."""
        level = (self.initial_partnership
                 + (1.0 - self.initial_partnership) * multi_agency * self.culture)
        learned = self.model.engine.learned
        learned.partnership += self.partnership_rate * (level - learned.partnership)
