"""The council-tax recovery ladder, its statutory fees and the bailiff's visit, from
docs/odd.md ("The council-tax recovery ladder")."""

from __future__ import annotations

import math
from collections.abc import Callable

from naive.citizen import (
    Record,
    call,
    charge,
    earned,
    half_up,
    living,
    mortgage,
    net_liability,
    officer_hours,
    owed,
    rent_charged,
)
from placesim.engine.metrics import M
from placesim.engine.rng import Purpose
from placesim.engine.state import Case, Stage, Status

Draw = Callable[[int], float]
AGENT_STAGES = (Stage.COMPLIANCE, Stage.ENFORCEMENT)
# weeks before the next stage, by stage (the "weeks before the next stage" column)
WEEKS_AT = {Stage.REMINDER: "recovery_weeks_reminder",
            Stage.FINAL_NOTICE: "recovery_weeks_final_notice",
            Stage.SUMMONS: "recovery_weeks_summons",
            Stage.LIABILITY_ORDER: "recovery_weeks_liability_order",
            Stage.COMPLIANCE: "recovery_weeks_compliance",
            Stage.ENFORCEMENT: "recovery_weeks_enforcement"}
SALIENCE = {Stage.REMINDER: "recovery_respond_reminder",
            Stage.FINAL_NOTICE: "recovery_respond_final_notice",
            Stage.SUMMONS: "recovery_respond_summons",
            Stage.LIABILITY_ORDER: "recovery_respond_summons",
            Stage.COMPLIANCE: "recovery_respond_enforcement"}


def stage_fee(base: float, placed: int, p) -> int:
    """Enforcement or sale fee: base + fee_percent of the sum placed above the threshold."""
    return half_up(base + p.recovery_fee_percent * max(0, placed - p.recovery_fee_threshold))


def split(payment: int, compliance_due: int, fees_due: int, debt: int
          ) -> tuple[int, int, int]:
    """Taking Control of Goods (Fees) Regulations 2014: the compliance fee first, the rest
    pro rata between the other fees and the debt."""
    payment = min(payment, compliance_due + fees_due + debt)
    to_compliance = min(payment, compliance_due)
    rest = payment - to_compliance
    to_fees = min(fees_due, rest * fees_due // (fees_due + debt)) if fees_due + debt else 0
    return to_compliance, to_fees, rest - to_fees


def pay_agent(r: Record, payment: int, acc) -> None:
    to_compliance, to_fees, to_debt = split(payment, r.ea_compliance_due, r.ea_fees_due,
                                            r.ct_arrears)
    r.ea_compliance_due -= to_compliance
    r.ea_fees_due -= to_fees
    r.ct_arrears -= to_debt
    r.ea_recovered += to_debt
    r.ct_paid += to_debt
    acc[M.EA_FEES_PAID] += to_compliance + to_fees
    acc[M.EA_DEBT_RECOVERED] += to_debt
    acc[M.CT_PAID] += to_debt


def pay_council(r: Record, payment: int, acc) -> None:
    r.ct_arrears -= payment
    r.ct_paid += payment
    acc[M.CT_PAID] += payment


def pay_owed(r: Record, payment: int, acc) -> None:
    """A payment towards what is owed: through the split at the agent's stages."""
    if r.stage in AGENT_STAGES:
        pay_agent(r, payment, acc)
    else:
        pay_council(r, payment, acc)


def instalment(owed_now: int, surplus: int, a: float, p) -> int:
    demanded = owed_now / p.recovery_plan_weeks_demanded
    affordable = p.relational_affordability_share * max(0, surplus)
    return min(owed_now, max(half_up(p.recovery_plan_min_instalment),
                             half_up((1 - a) * demanded + a * affordable)))


def agree_plan(r: Record, a: float, p, acc) -> None:
    surplus = (earned(r, p) + r.award - living(r.household, p) - rent_charged(r)
               - mortgage(r) - net_liability(r, p))
    r.plan_instalment = instalment(owed(r), surplus, a, p)
    r.plan_misses = 0
    r.status |= Status.ON_PLAN
    acc[M.PLANS_AGREED] += 1


def odds(x: float) -> float:
    return x / (1 - x)


def acting_chance(salience: float, r: Record, p) -> float:
    """The chance of acting on a letter: the salience is the chance for a household of
    average engagement and starting trust, unstressed; engagement, trust and stress move
    its odds."""
    if salience >= 1:
        return 1.0
    if salience <= 0:
        return 0.0
    o = (odds(salience) * odds(r.engagement) / odds(p.population_engagement_mean)
         * (0.5 + 0.5 * r.trust) / (0.5 + 0.5 * p.population_trust_initial)
         / (1 + (p.recovery_stress_ignore_odds - 1) * r.stress))
    return o / (1 + o)


def answer_letter(r: Record, u: Draw, p, acc) -> None:
    """Phase 3: answering the letter of a stage begun last week."""
    r.status &= ~Status.RESPONDED
    if r.status & (Status.ON_PLAN | Status.PAUSED) or r.stage_weeks != 0:
        return
    if r.stage not in SALIENCE:
        return
    if u(Purpose.RESPOND) < acting_chance(getattr(p, SALIENCE[r.stage]), r, p):
        r.status |= Status.RESPONDED
        acc[M.RESPONSES] += 1
        acc[M.CONTACTS] += 1
        call(r, acc, M.COST_REVENUES, False, p)


def end_referral(r: Record, acc) -> None:
    acc[M.EA_CLOSED_PLACED] += r.ea_placed
    acc[M.EA_CLOSED_RECOVERED] += r.ea_recovered
    acc[M.EA_FEES_WRITTEN_OFF] += r.ea_compliance_due + r.ea_fees_due
    r.ea_compliance_due = r.ea_fees_due = 0
    r.ea_placed = r.ea_recovered = 0


def visit(r: Record, u: Draw, p, acc) -> None:
    acc[M.EA_VISITS] += 1
    if u(Purpose.EA_CONTACT) < p.recovery_visit_contact:
        acc[M.RESPONSES] += 1
        acc[M.EA_CONTACTS] += 1
        taken = min(r.savings, owed(r))
        pay_agent(r, taken, acc)
        r.savings -= taken
        if owed(r) > 0:
            agree_plan(r, 0.0, p, acc)
    elif u(Purpose.EA_SALE) < p.recovery_sale:
        fee = stage_fee(p.recovery_fee_sale, r.ea_placed, p)
        r.ea_fees_due += fee
        r.fees_charged += fee
        acc[M.EA_FEES_CHARGED] += fee
        acc[M.EA_SALES] += 1
        goods = min(half_up(p.recovery_goods_value), owed(r))
        acc[M.GOODS_SOLD] += goods
        pay_agent(r, goods, acc)


def enter(r: Record, stage: Stage, week: int, p, acc) -> bool:
    """A stage's entry actions; whether entering it threatens."""
    if stage == Stage.FINAL_NOTICE:
        acc[M.FINAL_NOTICES] += 1
        charge(r, acc, M.COST_REVENUES, p.costs_letter)
        return True
    if stage == Stage.SUMMONS:
        if p.recovery_accelerate >= 1 and week >= r.ct_due_until:
            weeks_left = 51 - week % 52
            extra = net_liability(r, p) * weeks_left
            r.ct_arrears += extra
            r.ct_due_until = week + weeks_left + 1
            acc[M.CT_LIABILITY] += extra
            acc[M.CT_ACCELERATED] += extra
        acc[M.SUMMONSES] += 1
        officer_hours(r, acc, p.costs_summons_hours, p)
        charge(r, acc, M.COST_REVENUES, p.costs_letter)
        charge(r, acc, M.COST_COURTS, p.recovery_court_fee)
        return True
    if stage == Stage.LIABILITY_ORDER:
        costs = half_up(p.recovery_liability_order_costs)
        r.ct_arrears += costs
        r.fees_charged += costs
        acc[M.COURT_COSTS_ADDED] += costs
        acc[M.LIABILITY_ORDERS] += 1
        charge(r, acc, M.COST_REVENUES, p.costs_letter)
        return True
    if stage == Stage.COMPLIANCE:
        compliance = half_up(p.recovery_fee_compliance)
        r.ea_placed, r.ea_recovered = r.ct_arrears, 0
        r.ea_compliance_due = compliance
        r.fees_charged += compliance
        acc[M.EA_FEES_CHARGED] += compliance
        acc[M.EA_REFERRALS] += 1
        acc[M.EA_PLACED] += r.ea_placed
        officer_hours(r, acc, p.costs_referral_hours, p)
        return True
    if stage == Stage.ENFORCEMENT:
        fee = stage_fee(p.recovery_fee_enforcement, r.ea_placed, p)
        r.ea_fees_due += fee
        r.fees_charged += fee
        acc[M.EA_FEES_CHARGED] += fee
        return False
    end_referral(r, acc)  # RETURNED
    r.status |= Status.ATTACHMENT
    return False


def ladder_week(r: Record, u: Draw, p, week: int, acc) -> bool:
    """Phase 5, the ladder, in the ODD's order; whether the citizen was threatened."""
    if r.stage != Stage.NONE and owed(r) == 0:  # clearance
        end_referral(r, acc)
        r.stage, r.stage_weeks = Stage.NONE, 0
        r.status &= ~(Status.ON_PLAN | Status.ATTACHMENT | Status.PAUSED)
        return False
    if r.stage == Stage.NONE:  # flag
        if owed(r) > 0 and owed(r) >= p.council_tax_flag_weeks_owed * max(
                net_liability(r, p), 1):
            r.stage, r.stage_weeks = Stage.REMINDER, 0
            r.status |= Status.FLAGGED
            acc[M.REMINDERS] += 1
            charge(r, acc, M.COST_REVENUES, p.costs_letter)
            if u(Purpose.ROUTE) < p.regime_relational_share and r.case in (Case.NONE,
                                                                             Case.CLOSED):
                r.case, r.case_week = Case.WAITING, week
                r.status |= Status.ROUTED
        return False
    if r.status & Status.RESPONDED:  # response, by what the household can pay
        everything = owed(r)
        liability = net_liability(r, p)
        due = max(0, everything - liability * max(0, r.ct_due_until - week - 1))
        if r.savings >= everything:
            pay_owed(r, everything, acc)
            r.savings -= everything
            acc[M.PAID_IN_FULL] += 1
            return False
        if (r.stage in (Stage.SUMMONS, Stage.LIABILITY_ORDER) and due < everything
                and r.savings >= due):
            pay_council(r, due, acc)
            r.savings -= due
            r.plan_instalment = liability  # instalments restored
            r.plan_misses = 0
            r.status |= Status.ON_PLAN
            acc[M.PAID_DUE] += 1
            acc[M.PLANS_AGREED] += 1
        else:
            agree_plan(r, 0.0 if r.stage in AGENT_STAGES else p.regime_plan_affordability,
                       p, acc)
    if r.status & (Status.ON_PLAN | Status.PAUSED) or r.stage == Stage.RETURNED:  # hold
        return False
    clock = min(255, r.stage_weeks + 1)  # escalation
    allowed = getattr(p, WEEKS_AT[r.stage]) if r.stage in WEEKS_AT else math.inf
    threatened = False
    if clock >= allowed:
        next_stage = Stage(r.stage + 1)
        threatened = enter(r, next_stage, week, p, acc)
        r.stage, r.stage_weeks = next_stage, 0
    else:
        r.stage_weeks = clock
    if r.stage == Stage.ENFORCEMENT:  # visit
        visit(r, u, p, acc)
        return True
    return threatened
