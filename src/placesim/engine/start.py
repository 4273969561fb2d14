"""The state a run starts from: the place as its first week finds it.

A place is either freshly drawn (the population from the initialisation kernel, workers
at their starting motivation, budgets as the scenario sets them) or burned in: run under
the status quo for ``place.burn_in_weeks`` before week 0 (``model.burned_in``), so that
week 0 looks like any other week. Both schedulers start from the same :class:`Start`,
and so does every regime of a run.

The burn-in is weeks ``-place.burn_in_weeks`` to -1 of the place's own clock. Every
random draw is keyed by its week (``rng.agent_key``), so the burn-in's draws are keyed
apart from those of every week of the run, and the week stamps it leaves (a claim made
in week -3, a request in week -10) already mean the same on the run's clock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from placesim.engine.params import NO_PULL, GamingPulls
from placesim.engine.place import Place
from placesim.engine.state import Stage, Status

# The cumulative per-citizen tallies: what happened over the run, zero at its week 0.
TALLIES = ("public_cost", "fees_charged", "ct_paid")


@dataclass(frozen=True)
class Workers:
    """One team's workers at the start: skill, motivation, stress and volunteering."""

    skill: np.ndarray
    motivation: np.ndarray
    stress: np.ndarray
    volunteer: np.ndarray

    @classmethod
    def hired(cls, skill: np.ndarray, volunteer: np.ndarray, p) -> Workers:
        """A new team: volunteers and others at their starting motivation, no stress."""
        volunteer = volunteer.astype(np.bool_)
        return cls(skill.astype(np.float64),
                   np.where(volunteer, p.workforce_motivation_volunteer,
                            p.workforce_motivation_ordinary).astype(np.float64),
                   np.zeros(len(skill), dtype=np.float64), volunteer)

    def copy(self) -> Workers:
        return Workers(self.skill.copy(), self.motivation.copy(), self.stress.copy(),
                       self.volunteer.copy())


@dataclass(frozen=True)
class Start:
    """A place at the beginning of week ``week``: its citizens' records, the relational
    caseworkers' caseloads, both teams, each service's staff hours and budget (GBP a
    week), and which agencies' reported figures fell short of their targets at the last
    review (``short``: 1 where short, 0 elsewhere). A scheduler copies what it takes."""

    week: int
    citizens: np.ndarray
    caseload: np.ndarray
    assessors: Workers
    caseworkers: Workers
    service_hours: np.ndarray
    service_budget: np.ndarray
    short: GamingPulls
    flagged_before: np.ndarray  # bool: flagged for arrears at any time before ``week``

    @classmethod
    def drawn(cls, place: Place, week: int = 0) -> Start:
        """A freshly drawn place whose first week is ``week`` (0, or the first week of a
        burn-in): weekly council-tax bills run from that week."""
        citizens = place.starting_population()
        citizens["ct_due_until"] = week
        p = place.params[0]
        return cls(week=week, citizens=citizens,
                   caseload=np.zeros(len(place.caseworker_skill), dtype=np.int64),
                   assessors=Workers.hired(place.assessor_skill,
                                           np.zeros(len(place.assessor_skill), bool), p),
                   caseworkers=Workers.hired(place.caseworker_skill,
                                             place.caseworker_volunteer, p),
                   service_hours=place.service_hours.copy(),
                   service_budget=place.service_hours * place.service_hourly_cost(),
                   short=NO_PULL, flagged_before=np.zeros(place.n, dtype=np.bool_))

    def pulls(self, payment_by_results: float) -> GamingPulls:
        """Each agency's pull toward gaming in the first week under a regime's payment by
        results (``institutions.gaming_pull``): that strength where its figure fell short
        at the last review, none elsewhere."""
        return GamingPulls(tuple(payment_by_results * s for s in self.short.services),
                           payment_by_results * self.short.benefits)

    def with_tallies_cleared(self) -> Start:
        """The same place as a run's outputs count it from its week 0: every citizen's
        cumulative tallies at zero, and FLAGGED ("ever flagged") kept only for those in
        the recovery process now, so that it means flagged in the run or in the process
        when it began. Who had been flagged before is kept in ``flagged_before``."""
        citizens = self.citizens.copy()
        for name in TALLIES:
            citizens[name] = 0
        flagged = (citizens["status"] & Status.FLAGGED) != 0
        out_of_process = citizens["stage"] == Stage.NONE
        citizens["status"] &= np.where(out_of_process, ~np.uint8(Status.FLAGGED), 0xFF
                                       ).astype(np.uint8)
        return replace(self, citizens=citizens, flagged_before=self.flagged_before | flagged)
