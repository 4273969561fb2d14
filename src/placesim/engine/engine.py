"""The fast scheduler: a place's population stepped week by week in numba kernels."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from placesim.engine import allocation, kernels
from placesim.engine.metrics import N_METRICS, M
from placesim.engine.params import GamingPulls, pack
from placesim.engine.place import ASSESSORS, CASEWORKERS, Place
from placesim.engine.scheduler import Learned
from placesim.engine.settled import Settling, record_bytes
from placesim.engine.start import Start
from placesim.engine.workforce import Team, team_means
from placesim.scenario import Scenario

# The share of a block its listing buffers hold at first: a week's queues take a few in
# a hundred (about 15 in a hundred under learning at 10^6 citizens). A week that lists
# more widens them (Engine.live_week); sized for everyone, they took 12 bytes a citizen.
LISTING_SHARE = 0.25


class Engine:
    """The fast scheduler (a :class:`~placesim.engine.scheduler.Scheduler`): population,
    workforce, parameters and what the place has learned, with one method per week.

    ``levers`` are the regime's levers (see ``scenario.fields.REGIME_LEVERS``). Citizens
    and weeks come from the scenario's ``place`` section; the state it starts from is
    ``start`` (``engine.start``), by default the place freshly drawn at week 0.
    ``block`` is how many citizens a thread takes at a time; results do not depend on it
    (nor on threads). ``settle``: whether citizens with nothing open settle
    (``engine.settled``); results do not depend on it either, only the time a week takes.
    """

    def __init__(self, scenario: Scenario, levers: Mapping[str, float],
                 start: Start | None = None, block: int = kernels.BLOCK,
                 settle: bool = True):
        place = Place.build(scenario, levers)
        start = start if start is not None else Start.drawn(place)
        self.place = place
        self.scenario = scenario
        self.pulls = start.pulls(levers["payment_by_results"])
        self.params = pack(scenario, levers, self.pulls)
        self.seed = place.seed
        self.n = place.n
        self.week = start.week
        self.learned = Learned.at_start(place, levers)
        self.caseload = start.caseload.copy()
        self.assessors = Team(ASSESSORS, start.assessors)
        self.caseworkers = Team(CASEWORKERS, start.caseworkers)
        self.service_hours = start.service_hours.copy()
        self.levers = dict(levers)
        block = max(1, min(block, self.n))  # a small place is one block, no wider
        blocks = kernels.n_blocks(self.n, block)
        self.block = block
        self.partials = np.zeros((blocks, N_METRICS), dtype=np.int64)
        room = max(1, math.ceil(LISTING_SHARE * block))
        self.listed = np.zeros((blocks, room), dtype=np.int32)
        self.entries = np.zeros((blocks, room), dtype=np.int64)
        self.listed_n = np.zeros(blocks, dtype=np.int64)
        self.settling = Settling(self.n, blocks, settle)
        self.citizens = start.population()

    @property
    def citizens(self) -> np.ndarray:
        """The population's records."""
        return self._citizens

    @citizens.setter
    def citizens(self, citizens: np.ndarray) -> None:
        """New records (a saved state, a copy): everyone wakes, as their shares of the
        ledger may no longer be what they were."""
        self._citizens = citizens
        self._bytes = record_bytes(citizens)
        self.settling.wake_all()

    def records(self, ids: np.ndarray) -> np.ndarray:
        """Copies of the records of the given citizens."""
        return self.citizens[ids]

    @property
    def parameters(self) -> np.record:
        return self.params[0]

    def set_levers(self, levers: Mapping[str, float]) -> None:
        """Change the regime from next week on (a policy switch)."""
        self.levers = dict(levers)
        self.params = pack(self.scenario, levers, self.pulls)
        self.settling.wake_all()

    def set_gaming_pulls(self, pulls: GamingPulls) -> None:
        """Each service's pull toward gaming from next week (the agencies' review).

        Settled citizens stay settled: the pulls are read only in phase 4, where no
        settled citizen is (it is in no queue).
        """
        if pulls == self.pulls:
            return
        self.pulls = pulls
        self.params = pack(self.scenario, self.levers, pulls)

    def set_service_hours(self, hours: np.ndarray) -> None:
        """Staff hours each service has from next week (commissioners move budgets)."""
        self.service_hours = np.asarray(hours, dtype=np.float64).copy()

    def step(self) -> np.ndarray:
        """Run one week, phase by phase; return the week's aggregates (int64, by ``M``)."""
        totals = np.zeros(N_METRICS, dtype=np.int64)
        self.live_week(totals)
        self.allocate(totals)
        self.meet_services(totals)
        self.week += 1
        return totals

    def live_week(self, totals: np.ndarray) -> None:
        """Phases 1-3 for every citizen, in parallel; lists who joins a phase-4 queue."""
        s = self.settling
        kernels.live_week_pass(self.citizens, self._bytes, self.params,
                               self.learned.partnership, self.seed, self.week,
                               self.partials, self.block, self.listed, self.entries,
                               self.listed_n, s.state, s.shares, s.scratch, s.scratch_bytes,
                               s.scratch_shares, s.fixed, s.enabled)
        totals += self.partials.sum(axis=0)
        overflowed = np.flatnonzero(self.listed_n > self.listed.shape[1])
        if overflowed.size:
            self._widen_listing(int(self.listed_n.max()))
            kernels.relist(self.citizens, self.params, self.week, self.block, overflowed,
                           self.listed, self.entries)

    def _widen_listing(self, needed: int) -> None:
        """Listing buffers at least ``needed`` wide (at most a block), keeping what they
        hold; at least doubled, so that a run widens them a few times at most."""
        room = min(self.block, max(needed, 2 * self.listed.shape[1]))
        for name in ("listed", "entries"):
            old = getattr(self, name)
            new = np.zeros((old.shape[0], room), dtype=old.dtype)
            new[:, :old.shape[1]] = old
            setattr(self, name, new)

    def allocate(self, totals: np.ndarray) -> None:
        """Phase 4: who is served this week, within each capacity (``allocation``)."""
        allocation.allocate(self.citizens, self.listed, self.entries, self.listed_n,
                            self.assessors.performance, self.caseload,
                            self.learned.caseload_cap, self.learned.partnership, self.params,
                            self.seed, self.week, self.decision_capacity(),
                            self.place.fix_capacity, self.service_capacity(), self.partials,
                            totals)

    def meet_services(self, totals: np.ndarray) -> None:
        """Phases 5-6 for every citizen, in parallel."""
        kernels.meet_services_pass(self.citizens, self.caseworkers.performance, self.params,
                                   self.seed, self.week, self.partials, self.block)
        totals += self.partials.sum(axis=0)

    def review_workforce(self, totals: np.ndarray) -> None:
        """Phase 7 for the teams: stress, turnover, learning; adds leavers and their cost."""
        week, cap = self.week - 1, self.learned.caseload_cap
        decisions = totals[M.DECISIONS] / max(1, self.decision_capacity())
        leavers = self.assessors.review(np.full(len(self.assessors.skill), decisions),
                                        self.params, self.seed, week, False)
        leavers += self.caseworkers.review(self.caseload / cap, self.params, self.seed, week,
                                           self.place.spotlight(week))
        totals[M.LEAVERS] += leavers
        totals[M.COST_RECRUITMENT] += self.place.workforce_cost(leavers)

    def decision_capacity(self) -> int:
        """Standard-route benefit decisions the assessors can make this week."""
        return self.place.decision_capacity(self.params[0])

    def service_capacity(self) -> np.ndarray:
        """Requests each service can take this week (by Service)."""
        return self.place.service_capacity(self.params[0], self.service_hours)

    def workforce(self) -> dict[str, float]:
        """Mean skill, motivation and stress of each team."""
        return team_means({"assessor": self.assessors, "caseworker": self.caseworkers})
