"""The weekly money waterfall, from docs/odd.md ("The weekly money waterfall"), steps
(i) to (viii) in their order."""

from __future__ import annotations

from naive.citizen import (
    Record,
    earned,
    gross_council_tax,
    half_up,
    living,
    minimum_repayment,
    mortgage,
    net_liability,
    owed,
    rent_charged,
)
from naive.ladder import Draw, pay_council, pay_owed
from placesim.engine.metrics import M
from placesim.engine.rng import Purpose
from placesim.engine.state import Stage, Status


def money_week(r: Record, u: Draw, p, week: int, acc) -> int:
    """Phase 2 for one citizen; returns what they earned."""
    income = earned(r, p)
    award = r.award
    liability = net_liability(r, p) if week >= r.ct_due_until else 0
    rent = rent_charged(r)
    arrears_at_start = r.rent_arrears
    cash = r.savings + income + award
    acc[M.EARNINGS] += income
    acc[M.BENEFITS_PAID] += award
    acc[M.CTS_GRANTED] += min(r.cts_award, gross_council_tax(r.band, p))

    # (i) deductions from benefits for council-tax arrears
    if r.status & Status.ATTACHMENT and award > 0:
        deducted = min(half_up(p.recovery_attachment), award, r.ct_arrears)
        cash -= deducted
        pay_council(r, deducted, acc)
    # (ii) essentials and the mortgage; what cash cannot cover is borrowed
    essentials = living(r.household, p)
    payment = mortgage(r)
    from_cash = min(cash, essentials + payment)
    cash -= from_cash
    borrowed = essentials + payment - from_cash
    acc[M.LIVING_SPENT] += essentials
    acc[M.MORTGAGE_PAID] += payment
    acc[M.BORROWED] += borrowed
    # (iii) rent, and while housed the minimum instalment on rent arrears
    due = rent + (minimum_repayment(arrears_at_start, p) if r.homeless_weeks == 0 else 0)
    rent_paid = min(cash, due)
    cash -= rent_paid
    r.rent_arrears = arrears_at_start + rent - rent_paid
    acc[M.RENT_DUE] += rent
    acc[M.RENT_PAID] += rent_paid
    # (iv) this week's council tax, (v) paid unless the citizen lapses
    r.ct_arrears += liability
    acc[M.CT_LIABILITY] += liability
    if not u(Purpose.LAPSE) < p.life_lapse * (1 - r.engagement):
        paid = min(cash, liability)
        cash -= paid
        pay_council(r, paid, acc)
        # missed payments caught up, when not on a plan: before any reminder, or what
        # the council holds again once the enforcement agent has returned the debt
        if r.stage in (Stage.NONE, Stage.RETURNED) and not r.status & Status.ON_PLAN:
            caught = min(cash, r.ct_arrears)
            cash -= caught
            pay_council(r, caught, acc)
            acc[M.CT_CAUGHT_UP] += caught
    # (vi) a payment plan: the whole instalment or nothing
    if r.status & Status.ON_PLAN:
        instalment = min(r.plan_instalment, owed(r))
        if cash >= instalment:
            cash -= instalment
            r.plan_misses = 0
            pay_owed(r, instalment, acc)
        else:
            r.plan_misses += 1
            if r.plan_misses >= p.recovery_plan_misses_to_break:
                r.status &= ~Status.ON_PLAN
                r.plan_misses = 0
                if r.stage != Stage.ENFORCEMENT:
                    r.stage_weeks = 255
                acc[M.PLANS_BROKEN] += 1
    # (vii) other debt: this week's borrowing, then the minimum repayment if cash allows
    r.other_debt += borrowed
    repaid = min(cash, minimum_repayment(r.other_debt, p))
    cash -= repaid
    r.other_debt -= repaid
    acc[M.OTHER_DEBT_REPAID] += repaid
    # (viii) a share of the cash above the savings buffer and all that is owed spent;
    # the rest is savings
    reserved = r.savings_buffer + owed(r) + r.rent_arrears + r.other_debt
    spent = half_up((cash - reserved) * p.money_discretionary_spending) \
        if cash > reserved else 0
    acc[M.DISCRETIONARY_SPENT] += spent
    r.savings = cash - spent
    return income
