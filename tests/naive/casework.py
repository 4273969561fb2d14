"""The relational team's casework, from docs/odd.md ("The relational team")."""

from __future__ import annotations

from naive.benefits import entitled, put_in_payment
from naive.citizen import Record, charge, earned, owed
from naive.ladder import AGENT_STAGES, Draw, agree_plan
from naive.services import OWNS, askable
from placesim.engine.metrics import M
from placesim.engine.rng import Purpose
from placesim.engine.state import Case, Claim, Service, Stage, Status

OPEN = (Case.OUTREACH, Case.ENGAGED, Case.FIX_QUEUED, Case.WORKING)


def intake(r: Record, worker: int, week: int, acc) -> None:
    r.case, r.caseworker, r.case_week, r.relationship = Case.OUTREACH, worker, week, 0.0
    acc[M.CASE_INTAKES] += 1


def fix(r: Record, u: Draw, p, acc) -> None:
    """Phase 4: the specialist's fix, right unless u >= relational.specialist_accuracy."""
    put_in_payment(r, u(Purpose.FIX_ACCURACY) >= p.relational_specialist_accuracy, p)
    r.case = Case.WORKING
    charge(r, acc, M.COST_RELATIONAL, p.relational_hours_per_fix * p.costs_relational_hour)
    acc[M.SPECIALIST_FIXES] += 1


def close(r: Record, acc) -> None:
    r.case = Case.CLOSED
    r.status &= ~Status.PAUSED
    acc[M.CASE_CLOSURES] += 1


def discover(r: Record, u: Draw, p, week: int, acc) -> None:
    """The causes are found: benefits, arrears and every trouble acted on."""
    acc[M.CAUSES_FOUND] += 1
    r.status |= Status.CAUSES_FOUND
    r.case = Case.WORKING
    cash, support = entitled(r, earned(r, p), p)
    # against the awards in payment (which never exceed the bill)
    if (abs(r.award - cash) > p.benefits_wrong_tolerance
            or abs(r.cts_award - support) > p.benefits_wrong_tolerance):
        if u(Purpose.SPECIALIST) < p.regime_specialist_share:
            r.case = Case.FIX_QUEUED
        elif r.claim != Claim.PENDING:
            r.claim, r.claim_week = Claim.PENDING, week
            acc[M.CLAIMS] += 1
    if owed(r) > 0 and r.stage not in AGENT_STAGES:
        agree_plan(r, p.regime_plan_affordability, p, acc)
    for service in Service:
        if askable(r) & OWNS[service] and not r.asks & (1 << service):
            if r.asks == 0:
                r.ask_week = week
            r.asks |= 1 << service
            acc[M.TEAM_REFERRALS] += 1


def casework_week(r: Record, skill: list[float], u: Draw, p, week: int, acc) -> float:
    """Phase 5: the week of a relational case; the relationship held at its end."""
    if r.case == Case.WAITING and r.stage == Stage.NONE:
        r.case = Case.NONE
        return 0.0
    if r.case not in OPEN:
        return 0.0
    charge(r, acc, M.COST_RELATIONAL, p.relational_hours_per_case * p.costs_relational_hour)
    if r.case == Case.OUTREACH:
        reach = p.relational_outreach * (0.5 + 0.5 * r.trust) * (1 - 0.5 * r.stress)
        if u(Purpose.OUTREACH) < reach:
            r.case = Case.ENGAGED
            acc[M.CASES_ENGAGED] += 1
            charge(r, acc, M.COST_RELATIONAL, p.costs_face_to_face_contact)
            if u(Purpose.PAUSE) < p.regime_pause_enforcement:
                r.status |= Status.PAUSED
    else:
        case_at_start = r.case
        grown = min(1.0, r.relationship + p.relational_relationship_growth
                    * 2 * skill[r.caseworker] * (0.5 + r.trust))
        r.relationship = grown
        if case_at_start == Case.ENGAGED and grown >= p.relational_discovery_threshold:
            discover(r, u, p, week, acc)
        elif (case_at_start == Case.WORKING
              and r.stable_weeks >= p.relational_close_after_stable_weeks):
            acc[M.GOOD_CLOSURES] += 1
            close(r, acc)
    if r.case in OPEN and week - r.case_week >= p.relational_max_case_weeks:
        close(r, acc)
    return r.relationship if r.case in OPEN else 0.0
