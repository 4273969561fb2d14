"""Benefits: entitlement, claims, change reports and chasing, standard-route decisions
and their target (docs/odd.md: Benefit entitlement; Claims, decisions, errors, change
reports and chasing; A target and its gaming: benefit decisions on time).

Entitlements are worked out every week from the citizen's circumstances; an award in
payment changes only when a decision (phase 4, :func:`standard_decision`) or a
specialist's fix (``casework.specialist_fix``) puts it right, or wrong. Phase 3
(:func:`claim_benefits`) is the citizen's side: claiming, reporting a change, chasing.
"""

from __future__ import annotations

import math

from numba import njit

from placesim.engine.metrics import M
from placesim.engine.rng import Purpose, draw
from placesim.engine.rules.ledger import (
    add,
    charge,
    contact,
    count,
    count_if,
    failure_charge,
    pence,
)
from placesim.engine.rules.money import ct_gross, earnings, rent_due
from placesim.engine.rules.workers import bent_error, bent_hours
from placesim.engine.state import Claim, Status

# ---------------------------------------------------------------- entitlement


@njit(cache=True)
def allowance(household: int, p) -> float:
    """The household's standard allowance, in pence per week (benefits.allowance_*)."""
    return p.derived_allowance[household]


@njit(cache=True)
def cash_entitlement(household: int, earned: int, rent: int, p) -> int:
    """Universal-Credit-like award: allowance plus housing, tapered away by earnings."""
    disregard = p.benefits_work_allowance if household >= 2 else 0.0
    taper = p.benefits_taper * max(0.0, earned - disregard)
    return max(0, pence(allowance(household, p) + p.benefits_housing_cover * rent - taper))


@njit(cache=True)
def cts_entitlement(household: int, earned: int, band: int, p) -> int:
    """Council-tax support: a share of the bill, tapered away above the allowance."""
    full = p.benefits_cts_max_share * ct_gross(band, p)
    above = max(0.0, earned - allowance(household, p))
    return max(0, pence(full - p.benefits_cts_taper * above))


@njit(cache=True, inline="always")
def entitled_on(r, earned: int, p):
    """(cash entitlement, council-tax support entitlement) on these earnings."""
    household = int(r.household)
    return (cash_entitlement(household, earned, rent_due(r), p),
            cts_entitlement(household, earned, int(r.band), p))


@njit(cache=True, inline="always")
def entitlements(r, p):
    """(earned, cash entitlement, council-tax support entitlement) as things stand."""
    earned = earnings(int(r.earnings_capacity), int(r.domains), p)
    entitled, cts_entitled = entitled_on(r, earned, p)
    return earned, entitled, cts_entitled


@njit(cache=True)
def decided_award(entitled: int, wrong: bool, shortfall: float) -> int:
    """What a decision awards: the entitlement, or less of it when the decision is wrong."""
    return pence(entitled * (1.0 - shortfall)) if wrong else entitled


@njit(cache=True)
def benefits_wrong(award: int, entitled: int, cts: int, cts_entitled: int, p) -> bool:
    """Whether the awards in payment are off entitlement by more than the tolerance."""
    tolerance = p.benefits_wrong_tolerance
    return abs(award - entitled) > tolerance or abs(cts - cts_entitled) > tolerance


# ---------------------------------------------------------------- phase 3: claiming


@njit(cache=True)
def benefits_errand(award: int, support: int, entitled: int, cts_entitled: int, p) -> int:
    """What a citizen with no claim pending has to do about its benefits: make a claim
    (``Purpose.CLAIM``: no award, some entitlement), report a change (``Purpose.REPORT``:
    an award off entitlement) or nothing (0)."""
    if award == 0 and support == 0 and (entitled > 0 or cts_entitled > 0):
        return Purpose.CLAIM
    if benefits_wrong(award, entitled, support, cts_entitled, p):
        return Purpose.REPORT
    return 0


@njit(cache=True, inline="always")
def claim_benefits(r, key, p, week: int, acc, earned: int) -> None:
    """Phase 3, benefits: a new claim, a change report, or chasing a pending claim.

    With no claim pending, a citizen with no award but some entitlement claims; one whose
    benefits are wrong reports the change (a re-application, failure demand, when the
    award came from a wrong decision). A claim pending too long is chased (failure
    demand; it does not speed the claim). Each is a phone contact to the benefits service.
    """
    entitled, cts_entitled = entitled_on(r, earned, p)
    award = int(r.award)
    support = min(int(r.cts_award), ct_gross(int(r.band), p))
    engagement = float(r.engagement)
    if r.claim == Claim.NONE:
        errand = benefits_errand(award, support, entitled, cts_entitled, p)
        if errand == Purpose.CLAIM:
            if draw(key, Purpose.CLAIM) < p.benefits_claim * engagement:
                r.claim = Claim.PENDING
                r.claim_week = week
                count(acc, M.CLAIMS)
                contact(r, acc, M.COST_BENEFITS, False, p)
        elif (errand == Purpose.REPORT
              and draw(key, Purpose.REPORT) < p.benefits_report_change * engagement):
            r.claim = Claim.PENDING
            r.claim_week = week
            count(acc, M.CHANGES_REPORTED)
            reapplying = (r.status & Status.WRONGED) != 0
            count_if(acc, M.REAPPLICATIONS, reapplying)
            contact(r, acc, M.COST_BENEFITS, reapplying, p)
    elif (week - int(r.claim_week) >= p.benefits_chase_after_weeks
          and draw(key, Purpose.CHASE) < p.benefits_chase):
        count(acc, M.CHASES)
        contact(r, acc, M.COST_BENEFITS, True, p)
    add(acc, M.BENEFITS_ENTITLED, entitled)
    add(acc, M.CTS_ENTITLED, cts_entitled)
    count_if(acc, M.WRONG_BENEFITS, benefits_wrong(award, entitled, support, cts_entitled, p))


# ---------------------------------------------------------------- phase 4: deciding


@njit(cache=True, inline="always")
def decide(r, wrong: bool, p) -> None:
    """Put a decided award in payment: right, or short by the error shortfall."""
    _, entitled, cts_entitled = entitlements(r, p)
    r.award = decided_award(entitled, wrong, p.benefits_error_shortfall)
    r.cts_award = decided_award(cts_entitled, wrong, p.benefits_error_shortfall)
    r.claim = Claim.NONE
    if wrong:
        r.status |= Status.WRONGED
    else:
        r.status = int(r.status) & ~Status.WRONGED


@njit(cache=True)
def kept_for_target(capacity: int, cream_skimming: float) -> int:
    """Decisions a gaming service keeps for claims that can still meet its target."""
    return int(math.floor(capacity * cream_skimming + 0.5))


@njit(cache=True, inline="always")
def standard_decision(r, key, skill: float, week: int, p, acc) -> None:
    """Phase 4: a benefit assessor decides a claim; less skilled assessors get more wrong.

    The target counts decisions within benefits.target_weeks of the claim. A service
    gaming by reclassifying books a late decision as on time, having stopped the clock
    with a request for evidence (a letter and a call: failure demand).
    """
    waited = week - int(r.claim_week)
    on_time = waited <= p.benefits_target_weeks
    if not on_time and (draw(key, Purpose.RECLASSIFY)
                        < p.regime_reclassifying * p.gaming_pull_benefits):
        count(acc, M.EVIDENCE_REQUESTS)
        failure_charge(r, acc, M.COST_BENEFITS, p.costs_letter)
        contact(r, acc, M.COST_BENEFITS, True, p)
        count(acc, M.DECISIONS_REPORTED_ON_TIME)
    else:
        count_if(acc, M.DECISIONS_REPORTED_ON_TIME, on_time)
    count_if(acc, M.DECISIONS_ON_TIME, on_time)
    add(acc, M.DECISION_WAIT_WEEKS, waited)
    chance = bent_error(min(1.0, p.benefits_error_rate * 2.0 * (1.0 - skill)), p)
    wrong = draw(key, Purpose.ASSESS_ERROR) < chance
    decide(r, wrong, p)
    charge(r, acc, M.COST_BENEFITS,
           bent_hours(p.benefits_hours_per_decision, p) * p.costs_benefits_hour)
    count(acc, M.DECISIONS)
    count_if(acc, M.DECISION_ERRORS, wrong)
