"""One citizen's week, phase by phase, as the rules order it.

Each function here reads one citizen ``i`` of the structure of arrays ``c``, calls the
rules, writes the citizen back and adds what happened to the int64 accumulator ``acc``
(indexed by :class:`~placesim.engine.metrics.M`). They touch no other citizen, so a
kernel may run them for many citizens at once. Both schedulers call these functions:
the fast one inside numba kernels; a pure-Python scheduler can call them through
``py_func`` on one agent's state.
"""

from __future__ import annotations

from numba import njit

from placesim.engine.metrics import MICRO, M
from placesim.engine.rng import Purpose, uniform
from placesim.engine.rules import (
    ae_attendance,
    case_is_open,
    cash_entitlement,
    ct_gross,
    cts_entitlement,
    ea_split,
    earnings,
    evicted,
    is_enforcement,
    is_stable,
    letter_response_chance,
    life_events,
    living_costs,
    other_debt_repayment,
    outreach_succeeds,
    pay,
    pence,
    percent_fee,
    plan_instalment,
    relationship_step,
    stage_weeks_allowed,
    stress_step,
    trust_step,
    wellbeing_step,
    weekly_surplus,
)
from placesim.engine.state import Case, Claim, Domain, Stage, Status

_STAGE_WEEKS_CAP = 255


@njit(cache=True)
def benefits_wrong(award: int, entitled: int, cts: int, cts_entitled: int, p) -> bool:
    tolerance = p.benefits_wrong_tolerance
    return abs(award - entitled) > tolerance or abs(cts - cts_entitled) > tolerance


@njit(cache=True, inline="always")
def rent_due(c, i: int) -> int:
    """This week's rent: none while in temporary accommodation (the council bears that)."""
    return 0 if c.homeless_weeks[i] > 0 else int(c.rent[i])


@njit(cache=True, inline="always")
def entitlements(c, i: int, domains: int, p):
    """(earned, cash entitlement, council-tax support entitlement) as things stand."""
    household = int(c.household[i])
    earned = earnings(int(c.earnings_capacity[i]), domains, p)
    return (earned, cash_entitlement(household, earned, rent_due(c, i), p),
            cts_entitlement(household, earned, int(c.band[i]), p))


@njit(cache=True, inline="always")
def net_liability(c, i: int, p) -> int:
    gross = ct_gross(int(c.band[i]), p)
    return gross - min(int(c.cts_award[i]), gross)


@njit(cache=True, inline="always")
def owed_on_ct(c, i: int) -> int:
    return int(c.ct_arrears[i]) + int(c.ea_compliance_due[i]) + int(c.ea_fees_due[i])


@njit(cache=True, inline="always")
def pay_council(c, i: int, amount: int, acc) -> None:
    """Apply a payment of council tax (or court costs) to the council."""
    c.ct_arrears[i] -= amount
    c.ct_paid[i] += amount
    acc[M.CT_PAID] += amount


@njit(cache=True, inline="always")
def pay_enforcement(c, i: int, amount: int, acc) -> None:
    """Apply a payment to an enforcement case (compliance fee first, then pro rata)."""
    ct_arrears = int(c.ct_arrears[i])
    to_compliance, to_fees, to_debt = ea_split(amount, int(c.ea_compliance_due[i]),
                                               int(c.ea_fees_due[i]), ct_arrears)
    c.ea_compliance_due[i] -= to_compliance
    c.ea_fees_due[i] -= to_fees
    c.ct_arrears[i] = ct_arrears - to_debt
    c.ea_recovered[i] += to_debt
    c.ct_paid[i] += to_debt
    acc[M.EA_FEES_PAID] += to_compliance + to_fees
    acc[M.EA_DEBT_RECOVERED] += to_debt
    acc[M.CT_PAID] += to_debt


@njit(cache=True, inline="always")
def life_money_demand(c, i: int, p, seed: int, week: int, acc) -> None:
    """Phases 1-3: life events and crises, the week's money, and demand for services."""
    # -- 1. life events
    before = int(c.domains[i])
    stress = float(c.stress[i])
    rent = int(c.rent[i])
    rent_arrears = int(c.rent_arrears[i])
    domains = life_events(before, stress, rent_arrears, rent, c.case[i] == Case.WORKING,
                          seed, week, i, p)
    onset = domains & ~before
    acc[M.JOB_LOSSES] += (onset & Domain.WORK) != 0
    acc[M.ILLNESSES] += (onset & Domain.HEALTH) != 0
    acc[M.CARING_CRISES] += (onset & Domain.CARING) != 0
    acc[M.HOUSING_TROUBLES] += (onset & Domain.HOUSING) != 0
    cost = 0
    homeless = int(c.homeless_weeks[i])
    if homeless > 0:
        homeless -= 1
    elif evicted(domains, rent_arrears, rent, uniform(seed, week, i, Purpose.EVICTION), p):
        homeless = int(p.life_homeless_weeks)
        acc[M.EVICTIONS] += 1
    if homeless > 0:
        ta = pence(p.costs_temporary_accommodation)
        acc[M.COST_HOUSING] += ta
        cost += ta
    if ae_attendance(domains, stress, uniform(seed, week, i, Purpose.AE), p):
        acc[M.AE_ATTENDANCES] += 1
        ae = pence(p.costs_ae_attendance)
        acc[M.COST_HEALTH] += ae
        cost += ae
    c.domains[i] = domains
    c.homeless_weeks[i] = homeless

    # -- 2. money: income in; essentials, rent, council tax, plans and debts out
    household = int(c.household[i])
    earned, entitled, cts_entitled = entitlements(c, i, domains, p)
    award = int(c.award[i])
    cts = min(int(c.cts_award[i]), ct_gross(int(c.band[i]), p))
    liability = net_liability(c, i, p)
    housed_rent = rent_due(c, i)
    status = int(c.status[i])
    stage = int(c.stage[i])
    engagement = float(c.engagement[i])
    cash = int(c.savings[i]) + earned + award
    if (status & Status.ATTACHMENT) != 0 and award > 0:
        deducted = min(pence(p.recovery_attachment), award, int(c.ct_arrears[i]))
        cash -= deducted
        pay_council(c, i, deducted, acc)
    living = living_costs(household, p)
    from_cash = pay(cash, living)
    cash -= from_cash
    borrowed = living - from_cash
    # rent, and while housed an instalment on rent arrears (the same minimum as other debt)
    arrears_due = other_debt_repayment(rent_arrears, p) if homeless == 0 else 0
    rent_paid = pay(cash, housed_rent + arrears_due)
    cash -= rent_paid
    c.rent_arrears[i] = rent_arrears + housed_rent - rent_paid
    c.ct_arrears[i] += liability
    if uniform(seed, week, i, Purpose.LAPSE) >= p.life_lapse * (1.0 - engagement):
        instalment = pay(cash, liability)
        cash -= instalment
        pay_council(c, i, instalment, acc)
    stage_weeks = int(c.stage_weeks[i])
    misses = int(c.plan_misses[i])
    if (status & Status.ON_PLAN) != 0:
        due = min(int(c.plan_instalment[i]), owed_on_ct(c, i))
        if cash >= due:
            cash -= due
            misses = 0
            if is_enforcement(stage):
                pay_enforcement(c, i, due, acc)
            else:
                pay_council(c, i, due, acc)
        else:
            misses += 1
            if misses >= p.recovery_plan_misses_to_break:
                status &= ~Status.ON_PLAN
                misses = 0
                if stage != Stage.ENFORCEMENT:  # visits simply resume
                    stage_weeks = _STAGE_WEEKS_CAP  # a broken plan escalates at once
                acc[M.PLANS_BROKEN] += 1
    other_debt = int(c.other_debt[i]) + borrowed
    repaid = pay(cash, other_debt_repayment(other_debt, p))
    cash -= repaid
    c.other_debt[i] = other_debt - repaid
    c.savings[i] = cash
    c.plan_misses[i] = misses
    c.stage_weeks[i] = stage_weeks
    acc[M.EARNINGS] += earned
    acc[M.BENEFITS_PAID] += award
    acc[M.BENEFITS_ENTITLED] += entitled
    acc[M.CTS_GRANTED] += cts
    acc[M.CTS_ENTITLED] += cts_entitled
    acc[M.CT_LIABILITY] += liability
    acc[M.LIVING_SPENT] += living
    acc[M.BORROWED] += borrowed
    acc[M.RENT_DUE] += housed_rent
    acc[M.RENT_PAID] += rent_paid
    acc[M.OTHER_DEBT_REPAID] += repaid

    # -- 3. demand: answering letters, claiming, reporting changes, chasing
    status &= ~Status.RESPONDED
    awaiting = (status & (Status.ON_PLAN | Status.PAUSED)) == 0
    if awaiting and stage_weeks == 0 and Stage.REMINDER <= stage <= Stage.COMPLIANCE:
        chance = letter_response_chance(stage, engagement, float(c.trust[i]), stress, p)
        if uniform(seed, week, i, Purpose.RESPOND) < chance:
            status |= Status.RESPONDED
            acc[M.RESPONSES] += 1
            contact = pence(p.costs_phone_contact)
            acc[M.COST_REVENUES] += contact
            cost += contact
    claim = int(c.claim[i])
    if claim == Claim.NONE:
        if award == 0 and cts == 0 and (entitled > 0 or cts_entitled > 0):
            if uniform(seed, week, i, Purpose.CLAIM) < p.benefits_claim * engagement:
                claim = Claim.PENDING.value
                c.claim_week[i] = week
                acc[M.CLAIMS] += 1
        elif benefits_wrong(award, entitled, cts, cts_entitled, p):
            if uniform(seed, week, i, Purpose.REPORT) < p.benefits_report_change * engagement:
                claim = Claim.PENDING.value
                c.claim_week[i] = week
                acc[M.CHANGES_REPORTED] += 1
    elif week - int(c.claim_week[i]) >= p.benefits_chase_after_weeks:
        if uniform(seed, week, i, Purpose.CHASE) < p.benefits_chase:
            acc[M.CHASES] += 1
            contact = pence(p.costs_phone_contact)
            acc[M.COST_BENEFITS] += contact
            cost += contact
    acc[M.WRONG_BENEFITS] += benefits_wrong(award, entitled, cts, cts_entitled, p)
    c.claim[i] = claim
    c.status[i] = status
    c.public_cost[i] += cost


@njit(cache=True, inline="always")
def end_enforcement_case(c, i: int, acc) -> None:
    """Tally an agent's case as it ends; fees still unpaid are written off."""
    if c.ea_placed[i] > 0:
        acc[M.EA_CLOSED_PLACED] += c.ea_placed[i]
        acc[M.EA_CLOSED_RECOVERED] += c.ea_recovered[i]
    acc[M.EA_FEES_WRITTEN_OFF] += c.ea_compliance_due[i] + c.ea_fees_due[i]
    c.ea_compliance_due[i] = 0
    c.ea_fees_due[i] = 0
    c.ea_placed[i] = 0
    c.ea_recovered[i] = 0


@njit(cache=True, inline="always")
def agree_plan(c, i: int, owed: int, affordability: float, p, acc) -> None:
    domains = int(c.domains[i])
    earned = earnings(int(c.earnings_capacity[i]), domains, p)
    surplus = weekly_surplus(int(c.household[i]), earned, int(c.award[i]), rent_due(c, i),
                             net_liability(c, i, p), p)
    c.plan_instalment[i] = plan_instalment(owed, surplus, affordability, p)
    c.plan_misses[i] = 0
    c.status[i] |= Status.ON_PLAN
    acc[M.PLANS_AGREED] += 1


@njit(cache=True, inline="always")
def recovery(c, i: int, p, seed: int, week: int, acc) -> tuple[int, bool]:
    """Phase 5a: the council-tax recovery ladder. Returns (public cost, threatened)."""
    cost = 0
    threatened = False
    stage = int(c.stage[i])
    owed = owed_on_ct(c, i)
    letter = pence(p.costs_letter)
    if stage != Stage.NONE and owed == 0:
        end_enforcement_case(c, i, acc)
        c.stage[i] = Stage.NONE
        c.stage_weeks[i] = 0
        c.status[i] &= ~(Status.ON_PLAN | Status.ATTACHMENT | Status.PAUSED)
        return cost, threatened
    if stage == Stage.NONE:
        liability = net_liability(c, i, p)
        if owed > 0 and owed >= p.council_tax_flag_weeks_owed * max(liability, 1):
            c.stage[i] = Stage.REMINDER
            c.stage_weeks[i] = 0
            c.status[i] |= Status.FLAGGED
            acc[M.REMINDERS] += 1
            acc[M.COST_REVENUES] += letter
            cost += letter
            offered = uniform(seed, week, i, Purpose.ROUTE) < p.regime_relational_share
            if offered and (c.case[i] == Case.NONE or c.case[i] == Case.CLOSED):
                c.case[i] = Case.WAITING
                c.case_week[i] = week
                c.status[i] |= Status.ROUTED
        return cost, threatened

    if (c.status[i] & Status.RESPONDED) != 0:
        if c.savings[i] >= owed:
            if is_enforcement(stage):
                pay_enforcement(c, i, owed, acc)
            else:
                pay_council(c, i, owed, acc)
            c.savings[i] -= owed
            acc[M.PAID_IN_FULL] += 1
            return cost, threatened
        affordability = 0.0 if is_enforcement(stage) else p.regime_plan_affordability
        agree_plan(c, i, owed, affordability, p, acc)
    status = int(c.status[i])
    if (status & (Status.ON_PLAN | Status.PAUSED)) != 0 or stage == Stage.RETURNED:
        return cost, threatened

    weeks = min(_STAGE_WEEKS_CAP, int(c.stage_weeks[i]) + 1)
    if weeks >= stage_weeks_allowed(stage, p):
        stage += 1
        weeks = 0
        if stage == Stage.FINAL_NOTICE:
            acc[M.FINAL_NOTICES] += 1
            acc[M.COST_REVENUES] += letter
            cost += letter
            threatened = True
        elif stage == Stage.SUMMONS:
            acc[M.SUMMONSES] += 1
            staff = pence(p.costs_summons_hours * p.costs_revenues_hour) + letter
            fee = pence(p.recovery_court_fee)
            acc[M.COST_REVENUES] += staff
            acc[M.COST_COURTS] += fee
            cost += staff + fee
            threatened = True
        elif stage == Stage.LIABILITY_ORDER:
            costs = pence(p.recovery_liability_order_costs)
            c.ct_arrears[i] += costs
            c.fees_charged[i] += costs
            acc[M.LIABILITY_ORDERS] += 1
            acc[M.COURT_COSTS_ADDED] += costs
            acc[M.COST_REVENUES] += letter
            cost += letter
            threatened = True
        elif stage == Stage.COMPLIANCE:
            placed = int(c.ct_arrears[i])
            fee = pence(p.recovery_fee_compliance)
            c.ea_placed[i] = placed
            c.ea_recovered[i] = 0
            c.ea_compliance_due[i] = fee
            c.fees_charged[i] += fee
            acc[M.EA_REFERRALS] += 1
            acc[M.EA_PLACED] += placed
            acc[M.EA_FEES_CHARGED] += fee
            staff = pence(p.costs_referral_hours * p.costs_revenues_hour)
            acc[M.COST_REVENUES] += staff
            cost += staff
            threatened = True
        elif stage == Stage.ENFORCEMENT:
            fee = percent_fee(int(c.ea_placed[i]), p.recovery_fee_enforcement, p)
            c.ea_fees_due[i] += fee
            c.fees_charged[i] += fee
            acc[M.EA_FEES_CHARGED] += fee
        else:  # returned by the agent unpaid: deductions from benefits instead
            end_enforcement_case(c, i, acc)
            c.status[i] |= Status.ATTACHMENT
    c.stage[i] = stage
    c.stage_weeks[i] = weeks
    if stage == Stage.ENFORCEMENT:
        threatened = True
        enforcement_visit(c, i, p, seed, week, acc)
    return cost, threatened


@njit(cache=True, inline="always")
def enforcement_visit(c, i: int, p, seed: int, week: int, acc) -> None:
    """A weekly visit: take what savings there are and agree a plan, or remove goods."""
    acc[M.EA_VISITS] += 1
    if uniform(seed, week, i, Purpose.EA_CONTACT) < p.recovery_visit_contact:
        acc[M.RESPONSES] += 1
        taken = min(pence(c.savings[i] * p.recovery_savings_taken), owed_on_ct(c, i))
        pay_enforcement(c, i, taken, acc)
        c.savings[i] -= taken
        owed = owed_on_ct(c, i)
        if owed > 0:
            agree_plan(c, i, owed, 0.0, p, acc)
    elif uniform(seed, week, i, Purpose.EA_SALE) < p.recovery_sale:
        fee = percent_fee(int(c.ea_placed[i]), p.recovery_fee_sale, p)
        c.ea_fees_due[i] += fee
        c.fees_charged[i] += fee
        acc[M.EA_FEES_CHARGED] += fee
        acc[M.EA_SALES] += 1
        goods = min(pence(p.recovery_goods_value), owed_on_ct(c, i))
        acc[M.GOODS_SOLD] += goods
        pay_enforcement(c, i, goods, acc)


@njit(cache=True, inline="always")
def close_case(c, i: int, acc) -> None:
    c.case[i] = Case.CLOSED
    c.caseworker[i] = -1
    c.status[i] &= ~Status.PAUSED
    acc[M.CASE_CLOSURES] += 1


@njit(cache=True, inline="always")
def casework(c, skill, i: int, p, seed: int, week: int, acc) -> tuple[int, float]:
    """Phase 5b: relational casework. Returns (public cost, relationship held)."""
    case = int(c.case[i])
    if case == Case.WAITING and c.stage[i] == Stage.NONE:
        c.case[i] = Case.NONE  # the arrears cleared before a worker was free
        return 0, 0.0
    if not case_is_open(case):
        return 0, 0.0
    cost = pence(p.relational_hours_per_case * p.costs_relational_hour)
    acc[M.COST_RELATIONAL] += cost
    trust = float(c.trust[i])
    if case == Case.OUTREACH:
        if outreach_succeeds(trust, float(c.stress[i]),
                             uniform(seed, week, i, Purpose.OUTREACH), p):
            c.case[i] = Case.ENGAGED
            acc[M.CASES_ENGAGED] += 1
            visit = pence(p.costs_face_to_face_contact)
            acc[M.COST_RELATIONAL] += visit
            cost += visit
            if uniform(seed, week, i, Purpose.PAUSE) < p.regime_pause_enforcement:
                c.status[i] |= Status.PAUSED
    else:
        relationship = relationship_step(float(c.relationship[i]),
                                         skill[int(c.caseworker[i])], trust, p)
        c.relationship[i] = relationship
        if case == Case.ENGAGED and relationship >= p.relational_discovery_threshold:
            find_causes(c, i, p, seed, week, acc)
        elif case == Case.WORKING and c.stable_weeks[i] >= p.relational_close_after_stable_weeks:
            close_case(c, i, acc)
    if case_is_open(int(c.case[i])) and week - int(c.case_week[i]) >= p.relational_max_case_weeks:
        close_case(c, i, acc)
    held = float(c.relationship[i]) if case_is_open(int(c.case[i])) else 0.0
    return cost, held


@njit(cache=True, inline="always")
def find_causes(c, i: int, p, seed: int, week: int, acc) -> None:
    """The relationship is strong enough to hear what is really going on: act on all of it.

    Wrong or unclaimed benefits go to the in-team specialist (queued for next week's
    allocation) or to the standard route; arrears move to an affordable plan; every
    life domain gets connected help (the recovery boost while the case works).
    """
    acc[M.CAUSES_FOUND] += 1
    c.status[i] |= Status.CAUSES_FOUND
    _, entitled, cts_entitled = entitlements(c, i, int(c.domains[i]), p)
    c.case[i] = Case.WORKING
    if benefits_wrong(int(c.award[i]), entitled, int(c.cts_award[i]), cts_entitled, p):
        if uniform(seed, week, i, Purpose.SPECIALIST) < p.regime_specialist_share:
            c.case[i] = Case.FIX_QUEUED
        elif c.claim[i] != Claim.PENDING:
            c.claim[i] = Claim.PENDING
            c.claim_week[i] = week
            acc[M.CLAIMS] += 1
    owed = owed_on_ct(c, i)
    if owed > 0 and not is_enforcement(int(c.stage[i])):
        agree_plan(c, i, owed, p.regime_plan_affordability, p, acc)


@njit(cache=True, inline="always")
def services_and_wellbeing(c, skill, i: int, p, seed: int, week: int, acc) -> None:
    """Phases 5-6 for one citizen: service effects, then stress, trust and wellbeing."""
    ladder_cost, threatened = recovery(c, i, p, seed, week, acc)
    case_cost, held = casework(c, skill, i, p, seed, week, acc)
    c.public_cost[i] += ladder_cost + case_cost
    domains = int(c.domains[i])
    earned = earnings(int(c.earnings_capacity[i]), domains, p)
    owed = owed_on_ct(c, i)
    debt = owed + int(c.rent_arrears[i]) + int(c.other_debt[i])
    stress = stress_step(float(c.stress[i]), debt, earned + int(c.award[i]), domains,
                         threatened, held, p)
    trust = trust_step(float(c.trust[i]), threatened, held > 0.0, p)
    wellbeing = wellbeing_step(float(c.wellbeing[i]), stress, domains, p)
    c.stress[i] = stress
    c.trust[i] = trust
    c.wellbeing[i] = wellbeing
    status = int(c.status[i])
    on_plan = (status & Status.ON_PLAN) != 0
    if is_stable(domains, stress, owed, on_plan, p):
        c.stable_weeks[i] = min(65535, int(c.stable_weeks[i]) + 1)
    else:
        c.stable_weeks[i] = 0
    tally_state(c, i, p, acc)


@njit(cache=True, inline="always")
def tally_state(c, i: int, p, acc) -> None:
    """Phase 6: add this citizen's end-of-week state to the aggregates."""
    status = int(c.status[i])
    stage = int(c.stage[i])
    case = int(c.case[i])
    acc[M.IN_WORK] += (c.domains[i] & Domain.WORK) == 0
    acc[M.IN_CT_ARREARS] += c.ct_arrears[i] > 0
    acc[M.IN_ENFORCEMENT] += is_enforcement(stage)
    acc[M.ON_PLAN] += (status & Status.ON_PLAN) != 0
    acc[M.HOMELESS] += c.homeless_weeks[i] > 0
    flagged = (status & Status.FLAGGED) != 0
    acc[M.FLAGGED] += flagged
    acc[M.TURNED_AROUND] += flagged and c.stable_weeks[i] >= p.outcomes_turned_around_weeks
    acc[M.ACTIVE_CASES] += case_is_open(case)
    acc[M.WAITING_CASES] += case == Case.WAITING
    acc[M.CT_ARREARS_TOTAL] += c.ct_arrears[i]
    acc[M.EA_FEES_OWED_TOTAL] += c.ea_compliance_due[i] + c.ea_fees_due[i]
    acc[M.RENT_ARREARS_TOTAL] += c.rent_arrears[i]
    acc[M.OTHER_DEBT_TOTAL] += c.other_debt[i]
    acc[M.SAVINGS_TOTAL] += c.savings[i]
    acc[M.STRESS_MICRO] += pence(float(c.stress[i]) * MICRO)
    acc[M.WELLBEING_MICRO] += pence(float(c.wellbeing[i]) * MICRO)
    acc[M.TRUST_MICRO] += pence(float(c.trust[i]) * MICRO)

