"""Relational casework: the team's cases, from intake to closure, and its specialist's
benefit fixes (docs/odd.md: The relational team).

A flagged household offered to the team waits (``recovery_ladder.offer_to_team``); in
phase 4 a caseworker with room takes the case (:func:`intake`) and the team's benefits
specialist fixes awards queued for a fix (:func:`specialist_fix`). In phase 5
(:func:`casework_week`) each open case costs its hours: outreach, then a relationship
that grows until the causes are found (:func:`find_causes`), then the case works until
the life is stable, or closes at the longest duration. "Case" here is always a relational
case (``Citizens.case``).
"""

from __future__ import annotations

from numba import njit

from placesim.engine.metrics import M
from placesim.engine.rng import Purpose, draw
from placesim.engine.rules.benefits import benefits_wrong, decide, entitlements
from placesim.engine.rules.demand import refer, service_domains, trouble_to_ask_about
from placesim.engine.rules.ledger import add, charge, count
from placesim.engine.rules.money import owed_on_ct
from placesim.engine.rules.recovery_ladder import agree_plan
from placesim.engine.state import (
    N_SERVICES,
    Case,
    Claim,
    Stage,
    Status,
    case_is_open,
    is_enforcement,
)


@njit(cache=True)
def outreach_succeeds(trust: float, stress: float, u: float, p) -> bool:
    """Outreach reaches the citizen: likelier the more trusting and the less stressed."""
    return u < p.relational_outreach * (0.5 + 0.5 * trust) * (1.0 - 0.5 * stress)


@njit(cache=True)
def relationship_step(relationship: float, skill: float, trust: float, p) -> float:
    """A week of relationship building: faster with a skilled worker and a trusting person."""
    grown = relationship + p.relational_relationship_growth * (2.0 * skill) * (0.5 + trust)
    return min(1.0, grown)


@njit(cache=True, inline="always")
def intake(r, worker: int, week: int, acc) -> None:
    """Phase 4: a caseworker with room takes the case and starts outreach."""
    r.case = Case.OUTREACH
    r.caseworker = worker
    r.case_week = week
    r.relationship = 0.0
    count(acc, M.CASE_INTAKES)


@njit(cache=True, inline="always")
def specialist_fix(r, key, p, acc) -> None:
    """Phase 4: the team's benefits specialist puts the award right, sitting with the
    citizen (wrong with chance 1 - relational.specialist_accuracy)."""
    wrong = draw(key, Purpose.FIX_ACCURACY) >= p.relational_specialist_accuracy
    decide(r, wrong, p)
    r.case = Case.WORKING
    charge(r, acc, M.COST_RELATIONAL, p.relational_hours_per_fix * p.costs_relational_hour)
    count(acc, M.SPECIALIST_FIXES)


@njit(cache=True, inline="always")
def find_causes(r, key, p, week: int, acc) -> None:
    """The relationship is strong enough to hear what is really going on: act on all of it.

    Wrong or unclaimed benefits go to the in-team specialist (queued for next week's
    allocation) or to the standard route; arrears move to an affordable plan; every
    life domain in trouble is referred to the service that owns it (warm, through a
    colleague in the team, with chance regime.multi_agency) and, while the case works,
    gets better faster (relational.recovery_boost).
    """
    count(acc, M.CAUSES_FOUND)
    r.status |= Status.CAUSES_FOUND
    _, entitled, cts_entitled = entitlements(r, p)
    r.case = Case.WORKING
    if benefits_wrong(int(r.award), entitled, int(r.cts_award), cts_entitled, p):
        if draw(key, Purpose.SPECIALIST) < p.regime_specialist_share:
            r.case = Case.FIX_QUEUED
        elif r.claim != Claim.PENDING:
            r.claim = Claim.PENDING
            r.claim_week = week
            count(acc, M.CLAIMS)
    owed = owed_on_ct(r)
    if owed > 0 and not is_enforcement(int(r.stage)):
        agree_plan(r, owed, p.regime_plan_affordability, p, acc)
    # the caseworker takes every trouble to the service that owns it (no wrong door)
    trouble = trouble_to_ask_about(r)
    new = 0
    referrals = 0
    for s in range(N_SERVICES):
        if (service_domains(s) & trouble) != 0 and (r.asks & (1 << s)) == 0:
            new |= 1 << s
            referrals += 1
    if new != 0:
        refer(r, new, week)
        add(acc, M.TEAM_REFERRALS, referrals)


@njit(cache=True, inline="always")
def close_relational_case(r, acc) -> None:
    """Close the case: the recovery ladder is paused no more; allocation releases the
    caseworker next week (so no citizen's phase writes a caseworker's caseload)."""
    r.case = Case.CLOSED
    r.status = int(r.status) & ~Status.PAUSED
    count(acc, M.CASE_CLOSURES)


@njit(cache=True, inline="always")
def casework_week(r, skill, key, p, week: int, acc) -> float:
    """Phase 5: a week of the citizen's relational case. Returns the relationship held
    (0 unless a case is open at the end of the week).

    ``skill``: each caseworker's performance. A waiting case whose arrears have cleared
    leaves the list. Each open case-week costs the caseworker's hours; outreach may
    engage the citizen (and pause the recovery ladder); an engaged relationship grows
    until the causes are found; a working case closes once the life has been stable long
    enough, and any case at relational.max_case_weeks.
    """
    case = int(r.case)
    if case == Case.WAITING and r.stage == Stage.NONE:
        r.case = Case.NONE  # the arrears cleared before a worker was free
        return 0.0
    if not case_is_open(case):
        return 0.0
    charge(r, acc, M.COST_RELATIONAL, p.relational_hours_per_case * p.costs_relational_hour)
    trust = float(r.trust)
    if case == Case.OUTREACH:
        if outreach_succeeds(trust, float(r.stress), draw(key, Purpose.OUTREACH), p):
            r.case = Case.ENGAGED
            count(acc, M.CASES_ENGAGED)
            charge(r, acc, M.COST_RELATIONAL, p.costs_face_to_face_contact)
            if draw(key, Purpose.PAUSE) < p.regime_pause_enforcement:
                r.status |= Status.PAUSED
    else:
        relationship = relationship_step(float(r.relationship), skill[int(r.caseworker)],
                                         trust, p)
        r.relationship = relationship
        if case == Case.ENGAGED and relationship >= p.relational_discovery_threshold:
            find_causes(r, key, p, week, acc)
        elif case == Case.WORKING and r.stable_weeks >= p.relational_close_after_stable_weeks:
            count(acc, M.GOOD_CLOSURES)
            close_relational_case(r, acc)
    if case_is_open(int(r.case)) and week - int(r.case_week) >= p.relational_max_case_weeks:
        close_relational_case(r, acc)
    return float(r.relationship) if case_is_open(int(r.case)) else 0.0
