"""The council-tax recovery ladder, from the first reminder to the bailiff's visit
(docs/odd.md: The council-tax recovery ladder).

A household behind with its council tax is flagged and climbs the statutory ladder, a
stage at a time unless it answers, agrees a plan or is paused by a caseworker: reminder,
final notice, summons (the rest of the year's bill falls due), liability order (court
costs), then the enforcement agent, the "bailiff": a referral with a compliance fee, the
enforcement stage with its fee and a visit every week (:func:`bailiff_visit`: money
taken from savings and a plan agreed on the doorstep, or goods removed for sale with a
sale fee), and finally the case returned unpaid, with deductions from benefits instead.
The statutory fees are here (:func:`percent_fee`); how a payment to the agent is shared
between fees and debt is ``money.enforcement_split``.

Phase 3 (:func:`answer_letter`): the citizen may act on the letter of a stage entered last
week, or ignore it. Phase 5 (:func:`climb_ladder`): clearance, the flag, what an answer
does by what the household can pay (:func:`respond`: pay in full, pay what is due, or an
arrangement), escalation and the visit. "Recovery" here is always the recovery of
a debt; a life's recovery from trouble is ``life``.
"""

from __future__ import annotations

from numba import njit

from placesim.engine.metrics import M
from placesim.engine.rng import Purpose, draw
from placesim.engine.rules.ledger import add, charge, contact, count, fee, pence, work
from placesim.engine.rules.money import (
    earnings,
    housing_due,
    net_liability,
    owed_on_ct,
    pay_council,
    pay_enforcement_agent,
    pay_towards_council_tax,
    weekly_surplus,
)
from placesim.engine.state import COUNT_CAP, Case, Stage, Status, is_enforcement

# ---------------------------------------------------------------- the ladder's terms


@njit(cache=True)
def odds(chance: float) -> float:
    """The odds of a chance strictly between 0 and 1."""
    return chance / (1.0 - chance)


@njit(cache=True)
def letter_response_chance(stage: int, engagement: float, trust: float, stress: float,
                           p) -> float:
    """Chance of acting on (answering) the letter of a recovery stage, else ignoring it.

    The stage's salience is the chance for a household of average engagement and starting
    trust, unstressed (set from the letter trials); engagement and trust move the odds,
    and stress multiplies the odds of ignoring it: stressed people in debt do not open
    letters.
    """
    if stage == Stage.REMINDER:
        salience = p.recovery_respond_reminder
    elif stage == Stage.FINAL_NOTICE:
        salience = p.recovery_respond_final_notice
    elif stage == Stage.SUMMONS or stage == Stage.LIABILITY_ORDER:
        salience = p.recovery_respond_summons
    elif is_enforcement(stage):
        salience = p.recovery_respond_enforcement
    else:
        return 0.0
    if salience >= 1.0:
        return 1.0
    if salience <= 0.0:
        return 0.0
    o = (odds(salience) * odds(engagement) / odds(p.population_engagement_mean)
         * (0.5 + 0.5 * trust) / (0.5 + 0.5 * p.population_trust_initial)
         / (1.0 + (p.recovery_stress_ignore_odds - 1.0) * stress))
    return o / (1.0 + o)


@njit(cache=True)
def due_now(owed: int, liability: int, due_until: int, week: int) -> int:
    """What is due: everything owed less the weeks still to come of a year's bill that a
    summons made due at once (the instalments missed, with court costs)."""
    return max(0, owed - liability * max(0, due_until - week - 1))


@njit(cache=True)
def stage_weeks_allowed(stage: int, p) -> int:
    """Weeks at a stage before the next; a stage with no next waits for ever."""
    if stage == Stage.REMINDER:
        return int(p.recovery_weeks_reminder)
    if stage == Stage.FINAL_NOTICE:
        return int(p.recovery_weeks_final_notice)
    if stage == Stage.SUMMONS:
        return int(p.recovery_weeks_summons)
    if stage == Stage.LIABILITY_ORDER:
        return int(p.recovery_weeks_liability_order)
    if stage == Stage.COMPLIANCE:
        return int(p.recovery_weeks_compliance)
    if stage == Stage.ENFORCEMENT:
        return int(p.recovery_weeks_enforcement)
    return COUNT_CAP


@njit(cache=True)
def percent_fee(placed: int, base: float, p) -> int:
    """A statutory stage fee (enforcement or sale) plus the percentage on the sum placed
    with the enforcement agent above the threshold."""
    over = max(0.0, placed - p.recovery_fee_threshold)
    return pence(base + p.recovery_fee_percent * over)


@njit(cache=True)
def plan_instalment(owed: int, surplus: int, affordability: float, p) -> int:
    """Weekly instalment agreed: demanded (clear within a set time) or affordable.

    ``affordability`` blends the two: 0 is the demand-led plan of the target regime,
    1 asks a share of what the household has left each week.
    """
    demanded = owed / p.recovery_plan_weeks_demanded
    affordable = p.relational_affordability_share * max(0, surplus)
    blended = (1.0 - affordability) * demanded + affordability * affordable
    return min(owed, max(pence(p.recovery_plan_min_instalment), pence(blended)))


# ---------------------------------------------------------------- actions


@njit(cache=True, inline="always")
def agree_plan(r, owed: int, affordability: float, p, acc) -> None:
    """A payment plan for everything owed, replacing any earlier one (no public cost)."""
    earned = earnings(int(r.earnings_capacity), int(r.domains), p)
    surplus = weekly_surplus(int(r.household), earned, int(r.award), housing_due(r),
                             net_liability(r, p), p)
    r.plan_instalment = plan_instalment(owed, surplus, affordability, p)
    r.plan_misses = 0
    r.status |= Status.ON_PLAN
    count(acc, M.PLANS_AGREED)


@njit(cache=True, inline="always")
def answer_letter(r, key, p, acc) -> None:
    """Phase 3: the citizen may answer the letter of a stage entered last week.

    Letters from the reminder to the compliance letter (the threat of bailiffs) are
    answered with letter_response_chance, unless the citizen is on a plan or paused; an
    answer is a phone contact to revenues (value demand) and sets RESPONDED for the week.
    At ENFORCEMENT contact comes only through the bailiff's visits.
    """
    status = int(r.status)
    if (status & Status.RESPONDED) != 0:  # last week's answer
        status &= ~Status.RESPONDED
        r.status = status
    stage = int(r.stage)
    awaiting = (status & (Status.ON_PLAN | Status.PAUSED)) == 0
    if awaiting and r.stage_weeks == 0 and Stage.REMINDER <= stage <= Stage.COMPLIANCE:
        chance = letter_response_chance(stage, float(r.engagement), float(r.trust),
                                        float(r.stress), p)
        if draw(key, Purpose.RESPOND) < chance:
            r.status = status | Status.RESPONDED
            count(acc, M.RESPONSES)
            contact(r, acc, M.COST_REVENUES, False, p)


@njit(cache=True, inline="always")
def offer_to_team(r, key, p, week: int) -> None:
    """At the flag, the case is offered to the relational team with chance
    regime.relational_share; it joins the waiting list unless a relational case is
    already waiting or open."""
    if draw(key, Purpose.ROUTE) < p.regime_relational_share and (
            r.case == Case.NONE or r.case == Case.CLOSED):
        r.case = Case.WAITING
        r.case_week = week
        r.status |= Status.ROUTED


@njit(cache=True, inline="always")
def end_referral(r, acc) -> None:
    """The enforcement agent's referral ends: its placed and recovered sums are tallied,
    fees still unpaid are written off."""
    if r.ea_placed > 0:
        add(acc, M.EA_CLOSED_PLACED, r.ea_placed)
        add(acc, M.EA_CLOSED_RECOVERED, r.ea_recovered)
    add(acc, M.EA_FEES_WRITTEN_OFF, r.ea_compliance_due + r.ea_fees_due)
    r.ea_compliance_due = 0
    r.ea_fees_due = 0
    r.ea_placed = 0
    r.ea_recovered = 0


@njit(cache=True, inline="always")
def accelerate(r, week: int, p, acc) -> None:
    """Loss of the right to pay by instalments: the rest of the year's bill is due now.

    The financial year starts at week 0 and lasts 52 weeks; the weeks after this one are
    charged at once, and no weekly bill is charged again until the next year begins.
    """
    if p.recovery_accelerate < 1 or week < r.ct_due_until:
        return
    weeks_left = 51 - week % 52
    extra = net_liability(r, p) * weeks_left
    r.ct_arrears += extra
    r.ct_due_until = week + weeks_left + 1
    add(acc, M.CT_LIABILITY, extra)
    add(acc, M.CT_ACCELERATED, extra)


@njit(cache=True, inline="always")
def enter_stage(r, stage: int, week: int, p, acc) -> bool:
    """What entering a stage of the ladder does; returns whether it threatens."""
    if stage == Stage.FINAL_NOTICE:
        count(acc, M.FINAL_NOTICES)
        charge(r, acc, M.COST_REVENUES, p.costs_letter)
        return True
    if stage == Stage.SUMMONS:
        accelerate(r, week, p, acc)
        count(acc, M.SUMMONSES)
        work(r, acc, M.COST_REVENUES, p.costs_summons_hours, p)
        charge(r, acc, M.COST_REVENUES, p.costs_letter)
        charge(r, acc, M.COST_COURTS, p.recovery_court_fee)
        return True
    if stage == Stage.LIABILITY_ORDER:
        costs = pence(p.recovery_liability_order_costs)
        r.ct_arrears += costs  # court costs are added to the council-tax debt
        fee(r, acc, M.COURT_COSTS_ADDED, costs)
        count(acc, M.LIABILITY_ORDERS)
        charge(r, acc, M.COST_REVENUES, p.costs_letter)
        return True
    if stage == Stage.COMPLIANCE:  # the debt is passed to an enforcement agent
        placed = int(r.ct_arrears)
        compliance = pence(p.recovery_fee_compliance)
        r.ea_placed = placed
        r.ea_recovered = 0
        r.ea_compliance_due = compliance
        fee(r, acc, M.EA_FEES_CHARGED, compliance)
        count(acc, M.EA_REFERRALS)
        add(acc, M.EA_PLACED, placed)
        work(r, acc, M.COST_REVENUES, p.costs_referral_hours, p)
        return True
    if stage == Stage.ENFORCEMENT:
        enforcement = percent_fee(int(r.ea_placed), p.recovery_fee_enforcement, p)
        r.ea_fees_due += enforcement
        fee(r, acc, M.EA_FEES_CHARGED, enforcement)
        return False  # the week's visit threatens
    # RETURNED: the agent returns the case unpaid; deductions from benefits instead
    end_referral(r, acc)
    r.status |= Status.ATTACHMENT
    return False


@njit(cache=True, inline="always")
def bailiff_visit(r, key, p, acc) -> None:
    """The enforcement agent's (bailiff's) weekly visit at the ENFORCEMENT stage.

    With chance recovery.visit_contact the agent finds the debtor at home (a response):
    the household pays what its savings allow and agrees a demand-led plan for the rest,
    so what agents recover follows from who can pay. Otherwise, with chance
    recovery.sale, goods are removed for sale: a sale fee is charged and the sale raises
    recovery.goods_value. Every payment is shared
    between fees and debt as the regulations say (``money.enforcement_split``). The
    agent's own costs are not public costs.
    """
    count(acc, M.EA_VISITS)
    if draw(key, Purpose.EA_CONTACT) < p.recovery_visit_contact:
        count(acc, M.RESPONSES)
        count(acc, M.EA_CONTACTS)
        taken = min(int(r.savings), owed_on_ct(r))
        pay_enforcement_agent(r, taken, acc)
        r.savings -= taken
        owed = owed_on_ct(r)
        if owed > 0:
            agree_plan(r, owed, 0.0, p, acc)
    elif draw(key, Purpose.EA_SALE) < p.recovery_sale:
        sale = percent_fee(int(r.ea_placed), p.recovery_fee_sale, p)
        r.ea_fees_due += sale
        fee(r, acc, M.EA_FEES_CHARGED, sale)
        count(acc, M.EA_SALES)
        goods = min(pence(p.recovery_goods_value), owed_on_ct(r))
        add(acc, M.GOODS_SOLD, goods)
        pay_enforcement_agent(r, goods, acc)


@njit(cache=True, inline="always")
def respond(r, owed: int, stage: int, week: int, p, acc) -> bool:
    """An answer to a letter, by what the household can pay from its savings: everything
    owed (paid in full: returns True); what is due after a summons made the rest of the
    year due at once (paid, and instalments restored as a plan of the weekly bill); or
    less (an arrangement: a payment plan)."""
    if r.savings >= owed:
        pay_towards_council_tax(r, owed, acc)
        r.savings -= owed
        count(acc, M.PAID_IN_FULL)
        return True
    liability = net_liability(r, p)
    due = due_now(owed, liability, int(r.ct_due_until), week)
    if (stage == Stage.SUMMONS or stage == Stage.LIABILITY_ORDER) and due < owed \
            and r.savings >= due:
        pay_council(r, due, acc)
        r.savings -= due
        r.plan_instalment = liability
        r.plan_misses = 0
        r.status |= Status.ON_PLAN
        count(acc, M.PAID_DUE)
        count(acc, M.PLANS_AGREED)
        return False
    affordability = 0.0 if is_enforcement(stage) else p.regime_plan_affordability
    agree_plan(r, owed, affordability, p, acc)
    return False


@njit(cache=True, inline="always")
def climb_ladder(r, key, p, week: int, acc) -> bool:
    """Phase 5: a week on the recovery ladder. Returns whether the citizen was threatened.

    Clearance (everything owed is paid: off the ladder); the flag (in arrears by
    council_tax.flag_weeks_owed weeks of the bill: a reminder, and an offer to the
    relational team); after an answer, what the household can pay (:func:`respond`); a
    hold while on a plan, paused or returned; otherwise the stage clock runs and the next
    stage is entered when it is due; at ENFORCEMENT the bailiff visits every week.
    """
    stage = int(r.stage)
    owed = owed_on_ct(r)
    if stage != Stage.NONE and owed == 0:  # clearance
        end_referral(r, acc)
        r.stage = Stage.NONE
        r.stage_weeks = 0
        r.status = int(r.status) & ~(Status.ON_PLAN | Status.ATTACHMENT | Status.PAUSED)
        return False
    if stage == Stage.NONE:  # the flag
        liability = net_liability(r, p)
        if owed > 0 and owed >= p.council_tax_flag_weeks_owed * max(liability, 1):
            r.stage = Stage.REMINDER
            r.stage_weeks = 0
            r.status |= Status.FLAGGED
            count(acc, M.REMINDERS)
            charge(r, acc, M.COST_REVENUES, p.costs_letter)
            offer_to_team(r, key, p, week)
        return False
    if (r.status & Status.RESPONDED) != 0 and respond(r, owed, stage, week, p, acc):
        return False  # paid in full
    if (r.status & (Status.ON_PLAN | Status.PAUSED)) != 0 or stage == Stage.RETURNED:
        return False  # the hold
    weeks = min(COUNT_CAP, int(r.stage_weeks) + 1)
    threatened = False
    if weeks >= stage_weeks_allowed(stage, p):  # escalation
        stage += 1
        weeks = 0
        threatened = enter_stage(r, stage, week, p, acc)
    r.stage = stage
    r.stage_weeks = weeks
    if stage == Stage.ENFORCEMENT:
        bailiff_visit(r, key, p, acc)
        return True
    return threatened
