"""Benefit entitlement, claims and standard-route decisions, from docs/odd.md ("Benefit
entitlement"; "Claims, decisions, errors, change reports and chasing"; "A target and its
gaming: benefit decisions on time")."""

from __future__ import annotations

from naive.citizen import (
    Record,
    allowance,
    call,
    charge,
    earned,
    gross_council_tax,
    half_up,
    rent_charged,
)
from naive.ladder import Draw
from placesim.engine.metrics import M
from placesim.engine.rng import Purpose
from placesim.engine.state import Claim, Status

WITH_CHILDREN = (2, 3)  # lone parents and couples with children


def entitled(r: Record, income: int, p) -> tuple[int, int]:
    """(cash entitled, CTS entitled) on this income."""
    disregard = p.benefits_work_allowance if r.household in WITH_CHILDREN else 0
    cash = max(0, half_up(allowance(r.household, p) + p.benefits_housing_cover
                          * rent_charged(r) - p.benefits_taper * max(0, income - disregard)))
    support = max(0, half_up(p.benefits_cts_max_share * gross_council_tax(r.band, p)
                             - p.benefits_cts_taper
                             * max(0, income - allowance(r.household, p))))
    return cash, support


def wrong(r: Record, cash: int, support: int, p) -> bool:
    """Benefits are wrong when either award is off entitlement by more than the tolerance."""
    awarded_support = min(r.cts_award, gross_council_tax(r.band, p))
    return (abs(r.award - cash) > p.benefits_wrong_tolerance
            or abs(awarded_support - support) > p.benefits_wrong_tolerance)


def phone(r: Record, acc, failure: bool, p) -> None:
    acc[M.CONTACTS] += 1
    acc[M.FAILURE_CONTACTS] += failure
    call(r, acc, M.COST_BENEFITS, failure, p)


def claims_week(r: Record, u: Draw, p, week: int, acc, income: int) -> None:
    """Phase 3: a new claim, a change report or a chase."""
    cash, support = entitled(r, income, p)
    acc[M.BENEFITS_ENTITLED] += cash
    acc[M.CTS_ENTITLED] += support
    is_wrong = wrong(r, cash, support, p)
    no_award = r.award == 0 and min(r.cts_award, gross_council_tax(r.band, p)) == 0
    if r.claim == Claim.NONE:
        if no_award and (cash > 0 or support > 0):
            if u(Purpose.CLAIM) < p.benefits_claim * r.engagement:
                r.claim, r.claim_week = Claim.PENDING, week
                acc[M.CLAIMS] += 1
                phone(r, acc, False, p)
        elif is_wrong and u(Purpose.REPORT) < p.benefits_report_change * r.engagement:
            r.claim, r.claim_week = Claim.PENDING, week
            acc[M.CHANGES_REPORTED] += 1
            reapplying = bool(r.status & Status.WRONGED)
            acc[M.REAPPLICATIONS] += reapplying
            phone(r, acc, reapplying, p)
    elif week - r.claim_week >= p.benefits_chase_after_weeks and u(Purpose.CHASE) < (
            p.benefits_chase):
        acc[M.CHASES] += 1
        phone(r, acc, True, p)
    acc[M.WRONG_BENEFITS] += is_wrong


def put_in_payment(r: Record, is_wrong: bool, p) -> None:
    """A decision (or a specialist's fix) sets both awards from entitlements as they are."""
    cash, support = entitled(r, earned(r, p), p)
    keep = 1 - p.benefits_error_shortfall
    r.award = half_up(cash * keep) if is_wrong else cash
    r.cts_award = half_up(support * keep) if is_wrong else support
    r.claim = Claim.NONE
    if is_wrong:
        r.status |= Status.WRONGED
    else:
        r.status &= ~Status.WRONGED


def bent(hours: float, p) -> float:
    return hours * (1 - p.regime_effort_bending * p.workforce_bending_speedup)


def bent_error(chance: float, p) -> float:
    return min(1.0, chance + p.regime_effort_bending * p.workforce_bending_error)


def decision(r: Record, u: Draw, performance: float, p, week: int, acc) -> None:
    """Phase 4: a standard-route decision by an assessor of this performance."""
    waited = week - r.claim_week
    on_time = waited <= p.benefits_target_weeks
    reported_on_time = on_time
    if not on_time and u(Purpose.RECLASSIFY) < (p.regime_reclassifying
                                                * p.gaming_pull_benefits):
        acc[M.EVIDENCE_REQUESTS] += 1
        acc[M.FAILURE_COST] += charge(r, acc, M.COST_BENEFITS, p.costs_letter)
        phone(r, acc, True, p)
        reported_on_time = True
    acc[M.DECISIONS] += 1
    acc[M.DECISIONS_ON_TIME] += on_time
    acc[M.DECISIONS_REPORTED_ON_TIME] += reported_on_time
    acc[M.DECISION_WAIT_WEEKS] += waited
    error = bent_error(min(1.0, p.benefits_error_rate * 2 * (1 - performance)), p)
    is_wrong = u(Purpose.ASSESS_ERROR) < error
    acc[M.DECISION_ERRORS] += is_wrong
    put_in_payment(r, is_wrong, p)
    charge(r, acc, M.COST_BENEFITS, bent(p.benefits_hours_per_decision, p) * p.costs_benefits_hour)
