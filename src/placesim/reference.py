"""The reference scheduler: the same place written the way a Mesa user would write it.

One ``mesa.Agent`` per citizen and per worker; a week steps through Mesa agent sets and
calls the same per-citizen functions as the fast scheduler, in their pure-Python form
(:func:`placesim.engine.pure.python_rulebook`), on the agent itself: a citizen agent's
attributes are the citizen fields, stored with the widths of the packed record (whole
numbers wrap to their integer type, floats round to float32) so that both schedulers
compute with the same values. Parameters are plain floats and tallies plain ints, as a
Mesa user would keep them. It is the baseline of ``benchmarks/`` and the docking
oracle of the tests: on the same place and seed both must give identical results.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import SimpleNamespace

import mesa
import numpy as np
from mesa.agent import AgentSet

from placesim.engine.metrics import N_METRICS, M
from placesim.engine.params import GamingPulls, pack
from placesim.engine.place import ASSESSORS, CASEWORKERS, Place
from placesim.engine.pure import python_rulebook
from placesim.engine.rng import Purpose
from placesim.engine.scheduler import Learned
from placesim.engine.start import Start, Workers
from placesim.engine.state import (
    CITIZEN_DTYPE,
    CITIZEN_FIELDS,
    N_SERVICES,
    Case,
    Claim,
    empty_citizens,
)
from placesim.engine.workforce import TEAM_STRIDE, team_means
from placesim.scenario import Scenario

RULES = python_rulebook()


def _store_as(dtype: np.dtype) -> Callable[[object], int | float]:
    """How a value is stored in a field of this type (and read back as a Python number)."""
    if dtype.kind == "f":
        return lambda value: float(dtype.type(value))
    bits = dtype.itemsize * 8
    low = -(1 << (bits - 1)) if dtype.kind == "i" else 0

    def wrap(value: object) -> int:
        return (int(value) - low) % (1 << bits) + low

    return wrap


def _plain(params: np.recarray) -> SimpleNamespace:
    """Parameters as plain Python floats, as a Mesa model would hold them (same values)."""
    values = {name: params[name][0] for name in params.dtype.names}
    return SimpleNamespace(**{name: tuple(float(x) for x in value) if np.ndim(value)
                              else float(value) for name, value in values.items()})


_STORE = {name: _store_as(np.dtype(dtype)) for name, dtype, _ in CITIZEN_FIELDS}


class CitizenAgent(mesa.Agent):
    """One citizen: the fields of ``CITIZEN_FIELDS`` as attributes, plus its id."""

    def __init__(self, model: mesa.Model, index: int, record: np.void):
        super().__init__(model)
        self.index = index
        for name in _STORE:
            setattr(self, name, record[name])

    def __setattr__(self, name: str, value: object) -> None:
        store = _STORE.get(name)
        super().__setattr__(name, value if store is None else store(value))

    def key(self, scheduler: ReferenceScheduler) -> int:
        return RULES.agent_key(scheduler.seed, scheduler.week, self.index)

    def live_week(self, scheduler: ReferenceScheduler) -> None:
        """Phases 1-3: life events, money and demand (with last week's shocks to kin)."""
        kin = RULES.kin_onsets(scheduler.by_index, self.index, scheduler.week,
                               scheduler.p)
        RULES.live_week(self, self.key(scheduler), scheduler.p, scheduler.week,
                        scheduler.totals, kin, scheduler.learned.partnership)

    def meet_services(self, scheduler: ReferenceScheduler) -> None:
        """Phases 5-6: service effects, wellbeing and this citizen's part of the tallies."""
        RULES.meet_services(self, scheduler.caseworker_performance, self.key(scheduler),
                            scheduler.p, scheduler.week, scheduler.totals)


class WorkerAgent(mesa.Agent):
    """A frontline worker: team, position in it, skill, motivation, stress and caseload."""

    def __init__(self, model: mesa.Model, team: int, index: int, workers: Workers,
                 caseload: int = 0):
        super().__init__(model)
        self.team = team
        self.index = index
        self.skill = float(workers.skill[index])
        self.volunteer = bool(workers.volunteer[index])
        self.motivation = float(workers.motivation[index])
        self.stress = float(workers.stress[index])
        self.performance = RULES.performance(self.skill, self.motivation)
        self.caseload = int(caseload)

    def review(self, load: float, scheduler: ReferenceScheduler, spotlight: bool) -> bool:
        """Phase 7: this worker's week (see rules.workers.worker_week); True if they left."""
        key = RULES.agent_key(scheduler.seed, scheduler.week - 1,
                              self.team * TEAM_STRIDE + self.index)
        self.skill, self.motivation, self.stress, left = RULES.worker_week(
            self.skill, self.motivation, self.stress, load, self.volunteer, spotlight,
            RULES.draw(key, Purpose.TURNOVER), scheduler.p)
        if left:
            self.volunteer = False
        self.performance = RULES.performance(self.skill, self.motivation)
        return left


class ReferenceScheduler:
    """Steps a place through plain Mesa agent sets: the reference
    :class:`~placesim.engine.scheduler.Scheduler`, with the same interface as the fast
    Engine."""

    def __init__(self, model: mesa.Model, scenario: Scenario, levers: Mapping[str, float],
                 start: Start | None = None):
        place = Place.build(scenario, levers)
        start = start if start is not None else Start.drawn(place)
        self.place = place
        self.scenario = scenario
        self.seed = place.seed
        self.n = place.n
        self.week = start.week
        self.learned = Learned.at_start(place, levers)
        self.levers = dict(levers)
        self.pulls = start.pulls(levers["payment_by_results"])
        self.p = _plain(pack(scenario, levers, self.pulls))
        self.by_index = [CitizenAgent(model, i, start.citizens[i]) for i in range(self.n)]
        self.people = AgentSet(self.by_index, random=model.random)
        self.assessors = [WorkerAgent(model, ASSESSORS, w, start.assessors)
                          for w in range(len(start.assessors.skill))]
        self.caseworkers = [WorkerAgent(model, CASEWORKERS, w, start.caseworkers, load)
                            for w, load in enumerate(start.caseload)]
        self.caseworker_performance = np.array([w.performance for w in self.caseworkers])
        self.service_hours = start.service_hours.copy()
        self.totals = [0] * N_METRICS

    @property
    def parameters(self) -> SimpleNamespace:
        return self.p

    def set_levers(self, levers: Mapping[str, float]) -> None:
        self.levers = dict(levers)
        self.p = _plain(pack(self.scenario, levers, self.pulls))

    def set_gaming_pulls(self, pulls: GamingPulls) -> None:
        if pulls == self.pulls:
            return
        self.pulls = pulls
        self.p = _plain(pack(self.scenario, self.levers, pulls))

    def set_service_hours(self, hours: np.ndarray) -> None:
        self.service_hours = np.asarray(hours, dtype=np.float64).copy()

    def decision_capacity(self) -> int:
        return self.place.decision_capacity(self.p)

    def service_capacity(self) -> np.ndarray:
        return self.place.service_capacity(self.p, self.service_hours)

    def step(self) -> np.ndarray:
        self.totals = [0] * N_METRICS
        self.people.do("live_week", self)
        self.allocate()
        self.people.do("meet_services", self)
        self.week += 1
        return np.array(self.totals, dtype=np.int64)

    def allocate(self) -> None:
        """Phase 4: who is served this week, in key order (queue week, citizen id)."""
        # -- phase 4: allocation
        p, week = self.p, self.week
        for citizen in self.people.select(
                lambda a: a.case == Case.CLOSED and a.caseworker >= 0):
            self.caseworkers[citizen.caseworker].caseload -= 1
            citizen.caseworker = -1
        claims = sorted(self.people.select(
            lambda a: a.claim == Claim.PENDING and week - a.claim_week >= p.benefits_lead_weeks),
            key=lambda a: (a.claim_week, a.index))
        capacity = self.decision_capacity()
        kept = RULES.kept_for_target(capacity, p.regime_cream_skimming
                                     * p.gaming_pull_benefits)
        skimmed = [a for a in claims if week - a.claim_week <= p.benefits_target_weeks][:kept]
        ahead = {a.index for a in skimmed}
        claims = (skimmed + [a for a in claims if a.index not in ahead])[:capacity]
        for rank, citizen in enumerate(claims):
            assessor = self.assessors[rank % len(self.assessors)]
            RULES.standard_decision(citizen, citizen.key(self), assessor.performance, week, p,
                                    self.totals)
        fixes = sorted(self.people.select(lambda a: a.case == Case.FIX_QUEUED),
                       key=lambda a: (a.case_week, a.index))[:self.place.fix_capacity]
        for citizen in fixes:
            RULES.specialist_fix(citizen, citizen.key(self), p, self.totals)
        queues = [sorted(self.people.select(
            lambda a, s=s: (a.asks >> s) & 1 and week - a.ask_week >= RULES.lead_weeks(s, p)),
            key=lambda a: (a.ask_week, a.index)) for s in range(N_SERVICES)]
        for s, (queue, capacity) in enumerate(zip(queues, self.service_capacity(),
                                                  strict=True)):
            for citizen in queue[:capacity]:
                RULES.service_assessment(citizen, s, citizen.key(self), p,
                                         self.learned.partnership, self.totals)
        cap = self.learned.caseload_cap
        waiting = sorted(self.people.select(lambda a: a.case == Case.WAITING),
                         key=lambda a: (a.case_week, a.index))
        for citizen in waiting:
            free = [w for w in self.caseworkers if w.caseload < cap]
            if not free:
                break
            worker = min(free, key=lambda w: (w.caseload, w.index))
            worker.caseload += 1
            RULES.intake(citizen, worker.index, week, self.totals)

    def review_workforce(self, totals: np.ndarray) -> None:
        """Phase 7 for the teams, worker agent by worker agent."""
        cap = self.learned.caseload_cap
        decisions = totals[M.DECISIONS] / max(1, self.decision_capacity())
        leavers = sum(w.review(decisions, self, False) for w in self.assessors)
        spotlight = self.place.spotlight(self.week - 1)
        leavers += sum(w.review(w.caseload / cap, self, spotlight) for w in self.caseworkers)
        self.caseworker_performance = np.array([w.performance for w in self.caseworkers])
        totals[M.LEAVERS] += leavers
        totals[M.COST_RECRUITMENT] += self.place.workforce_cost(leavers)

    def workforce(self) -> dict[str, float]:
        return team_means({
            "assessor": SimpleNamespace(**{f: [getattr(w, f) for w in self.assessors]
                                           for f in ("skill", "motivation", "stress")}),
            "caseworker": SimpleNamespace(**{f: [getattr(w, f) for w in self.caseworkers]
                                             for f in ("skill", "motivation", "stress")})})

    def records(self, ids: np.ndarray) -> np.ndarray:
        """The given citizens' state as packed records."""
        out = empty_citizens(len(ids))
        for k, i in enumerate(ids):
            agent = self.by_index[i]
            out[k] = tuple(getattr(agent, name) for name in CITIZEN_DTYPE.names)
        return out

    @property
    def citizens(self) -> np.ndarray:
        """The agents' state as a population array (for outputs and comparisons)."""
        return self.records(np.arange(self.n))

    @property
    def caseload(self) -> np.ndarray:
        return np.array([w.caseload for w in self.caseworkers], dtype=np.int64)
