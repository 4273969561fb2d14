"""One citizen's week, phase by phase, as the rules order it.

Each function here takes one citizen's record ``r`` (a row of the population array, see
``state.CITIZEN_DTYPE``) and its random key for the week (``rng.agent_key(seed, week,
id)``; each draw from it is one more mixing round), calls the rules, updates the record
and adds what happened to the int64 accumulator ``acc`` (indexed by
:class:`~placesim.engine.metrics.M`). They touch no other citizen, so a kernel may run
them for many citizens at once. The fast scheduler runs them compiled over the
population; a Mesa agent runs the same functions through ``py_func`` on its own record.
"""

from __future__ import annotations

from numba import njit

from placesim.engine.metrics import (
    ASKS,
    CASES,
    EARLY_HELP,
    GAVE_UP,
    HELPED,
    LOST,
    MICRO,
    REFERRED_ON,
    REPEAT_ASKS,
    REPORTED_RESOLVED,
    SERVICE_COSTS,
    TURNED_AWAY,
    WAITING,
    WRONG_DOOR,
    M,
)
from placesim.engine.rng import Purpose, draw
from placesim.engine.rules import (
    ae_attendance,
    bent_error,
    bent_hours,
    case_is_open,
    cash_entitlement,
    connect_chance,
    count_domains,
    ct_gross,
    cts_entitlement,
    decided_award,
    ea_split,
    earnings,
    enters_care,
    evicted,
    is_enforcement,
    is_stable,
    letter_response_chance,
    life_events,
    living_costs,
    mental_health_crisis,
    need,
    other_debt_repayment,
    outreach_succeeds,
    pay,
    pence,
    percent_fee,
    pick_domain,
    plan_instalment,
    police_callout,
    relationship_step,
    service_domains,
    service_metric,
    service_of,
    service_terms,
    stage_weeks_allowed,
    stress_step,
    trust_step,
    weekly_surplus,
    wellbeing_step,
    wrong_door,
)
from placesim.engine.state import N_SERVICES, Case, Claim, Domain, Service, Stage, Status

_STAGE_WEEKS_CAP = 255


@njit(cache=True)
def benefits_wrong(award: int, entitled: int, cts: int, cts_entitled: int, p) -> bool:
    tolerance = p.benefits_wrong_tolerance
    return abs(award - entitled) > tolerance or abs(cts - cts_entitled) > tolerance


@njit(cache=True, inline="always")
def rent_due(r) -> int:
    """This week's rent: none while in temporary accommodation (the council bears that)."""
    return 0 if r.homeless_weeks > 0 else int(r.rent)


@njit(cache=True, inline="always")
def entitlements(r, domains: int, p):
    """(earned, cash entitlement, council-tax support entitlement) as things stand."""
    household = int(r.household)
    earned = earnings(int(r.earnings_capacity), domains, p)
    return (earned, cash_entitlement(household, earned, rent_due(r), p),
            cts_entitlement(household, earned, int(r.band), p))


@njit(cache=True, inline="always")
def net_liability(r, p) -> int:
    gross = ct_gross(int(r.band), p)
    return gross - min(int(r.cts_award), gross)


@njit(cache=True, inline="always")
def owed_on_ct(r) -> int:
    return int(r.ct_arrears) + int(r.ea_compliance_due) + int(r.ea_fees_due)


@njit(cache=True, inline="always")
def pay_council(r, amount: int, acc) -> None:
    """Apply a payment of council tax (or court costs) to the council."""
    r.ct_arrears -= amount
    r.ct_paid += amount
    acc[M.CT_PAID] += amount


@njit(cache=True, inline="always")
def pay_enforcement(r, amount: int, acc) -> None:
    """Apply a payment to an enforcement case (compliance fee first, then pro rata)."""
    ct_arrears = int(r.ct_arrears)
    to_compliance, to_fees, to_debt = ea_split(amount, int(r.ea_compliance_due),
                                               int(r.ea_fees_due), ct_arrears)
    r.ea_compliance_due -= to_compliance
    r.ea_fees_due -= to_fees
    r.ct_arrears = ct_arrears - to_debt
    r.ea_recovered += to_debt
    r.ct_paid += to_debt
    acc[M.EA_FEES_PAID] += to_compliance + to_fees
    acc[M.EA_DEBT_RECOVERED] += to_debt
    acc[M.CT_PAID] += to_debt


@njit(cache=True, inline="always")
def charge(acc, agency: int, amount: float) -> int:
    """Add a public cost (pence, rounded) to an agency's spend; return it for the citizen."""
    cost = pence(amount)
    acc[agency] += cost
    return cost


@njit(cache=True, inline="always")
def crisis(acc, agency: int, crisis_cost: int, amount: float) -> int:
    """Charge a crisis to the agency that bears it and to the cost of its type."""
    cost = charge(acc, agency, amount)
    acc[crisis_cost] += cost
    return cost


@njit(cache=True, inline="always")
def contact(acc, agency: int, failure: bool, amount: float) -> int:
    """A contact a citizen makes with a service, tagged value or failure demand, costed."""
    cost = charge(acc, agency, amount)
    acc[M.CONTACTS] += 1
    if failure:
        acc[M.FAILURE_CONTACTS] += 1
        acc[M.FAILURE_COST] += cost
    return cost


@njit(cache=True, inline="always")
def kin_onsets(pop, i: int, week: int) -> int:
    """Life domains that fell into trouble last week for citizen ``i``'s family members.

    Each citizen writes this week's onsets into the field of this week's parity and reads
    its kin's from the other, so no citizen reads a field being written this week.
    """
    r = pop[i]
    first = int(r.family)
    kin = 0
    for j in range(first, first + int(r.family_size)):
        if j != i:
            kin |= int(pop[j].onsets_even) if week % 2 == 1 else int(pop[j].onsets_odd)
    return kin if week > 0 else 0


@njit(cache=True, inline="always")
def life_money_demand(r, key, p, week: int, acc, kin: int, partnership: float) -> None:
    """Phases 1-3: life events and crises, the week's money, and demand for services.

    ``kin``: domains that fell into trouble for family members last week (kin_onsets);
    ``partnership``: the strength of relationships between agencies this week.
    """
    # -- phase 1: life events
    before = int(r.domains)
    stress = float(r.stress)
    rent = int(r.rent)
    rent_arrears = int(r.rent_arrears)
    domains = life_events(before, stress, rent_arrears, rent, r.case == Case.WORKING,
                          kin, key, p)
    acc[M.KIN_SHOCKED] += kin != 0
    onset = domains & ~before
    acc[M.JOB_LOSSES] += (onset & Domain.WORK) != 0
    acc[M.ILLNESSES] += (onset & Domain.HEALTH) != 0
    acc[M.CARING_CRISES] += (onset & Domain.CARING) != 0
    acc[M.HOUSING_TROUBLES] += (onset & Domain.HOUSING) != 0
    acc[M.FAMILY_TROUBLES] += (onset & Domain.FAMILY) != 0
    cost = 0
    homeless = int(r.homeless_weeks)
    if homeless > 0:
        homeless -= 1
    elif evicted(domains, rent_arrears, rent, draw(key, Purpose.EVICTION), p):
        homeless = int(p.life_homeless_weeks)
        onset |= Domain.HOUSING  # an eviction is a housing shock to the family too
        acc[M.EVICTIONS] += 1
    if week % 2 == 0:
        r.onsets_even = onset
    else:
        r.onsets_odd = onset
    if homeless > 0:
        cost += crisis(acc, M.COST_HOUSING, M.CRISIS_COST_TEMPORARY_ACCOMMODATION,
                       p.costs_temporary_accommodation)
    if ae_attendance(domains, stress, draw(key, Purpose.AE), p):
        acc[M.AE_ATTENDANCES] += 1
        cost += crisis(acc, M.COST_HEALTH, M.CRISIS_COST_AE, p.costs_ae_attendance)
    if mental_health_crisis(domains, stress, draw(key, Purpose.MH_CRISIS), p):
        acc[M.MH_CRISES] += 1
        cost += crisis(acc, M.COST_HEALTH, M.CRISIS_COST_MH, p.costs_mh_crisis)
    in_care = int(r.care_weeks)
    if in_care > 0:
        in_care -= 1
    elif enters_care(domains, int(r.household), stress, draw(key, Purpose.CARE), p):
        in_care = int(p.life_care_weeks)
        acc[M.CARE_ENTRIES] += 1
    if in_care > 0:
        cost += crisis(acc, M.COST_SOCIAL_CARE, M.CRISIS_COST_CARE, p.costs_care_week)
    r.care_weeks = in_care
    if police_callout(domains, stress, draw(key, Purpose.POLICE), p):
        acc[M.POLICE_CALLOUTS] += 1
        cost += crisis(acc, M.COST_POLICE, M.CRISIS_COST_POLICE, p.costs_police_callout)
        if (draw(key, Purpose.POLICE_REFER) < p.police_refer
                and draw(key, Purpose.POLICE_CONNECT) < connect_chance(partnership, p)):
            refer(r, 1 << Service.SOCIAL_CARE, week)
            acc[M.POLICE_REFERRALS] += 1
    r.domains = domains
    r.homeless_weeks = homeless

    # -- phase 2: money (income in; essentials, rent, council tax, plans and debts out)
    household = int(r.household)
    earned, entitled, cts_entitled = entitlements(r, domains, p)
    award = int(r.award)
    cts = min(int(r.cts_award), ct_gross(int(r.band), p))
    # no weekly bill while the rest of the year's has already been made due at once
    liability = net_liability(r, p) if week >= r.ct_due_until else 0
    housed_rent = rent_due(r)
    status = int(r.status)
    stage = int(r.stage)
    engagement = float(r.engagement)
    cash = int(r.savings) + earned + award
    if (status & Status.ATTACHMENT) != 0 and award > 0:
        deducted = min(pence(p.recovery_attachment), award, int(r.ct_arrears))
        cash -= deducted
        pay_council(r, deducted, acc)
    living = living_costs(household, p)
    from_cash = pay(cash, living)
    cash -= from_cash
    borrowed = living - from_cash
    # rent, and while housed an instalment on rent arrears (the same minimum as other debt)
    arrears_due = other_debt_repayment(rent_arrears, p) if homeless == 0 else 0
    rent_paid = pay(cash, housed_rent + arrears_due)
    cash -= rent_paid
    r.rent_arrears = rent_arrears + housed_rent - rent_paid
    r.ct_arrears += liability
    if draw(key, Purpose.LAPSE) >= p.life_lapse * (1.0 - engagement):
        instalment = pay(cash, liability)
        cash -= instalment
        pay_council(r, instalment, acc)
    stage_weeks = int(r.stage_weeks)
    misses = int(r.plan_misses)
    if (status & Status.ON_PLAN) != 0:
        due = min(int(r.plan_instalment), owed_on_ct(r))
        if cash >= due:
            cash -= due
            misses = 0
            if is_enforcement(stage):
                pay_enforcement(r, due, acc)
            else:
                pay_council(r, due, acc)
        else:
            misses += 1
            if misses >= p.recovery_plan_misses_to_break:
                status &= ~Status.ON_PLAN
                misses = 0
                if stage != Stage.ENFORCEMENT:  # visits simply resume
                    stage_weeks = _STAGE_WEEKS_CAP  # a broken plan escalates at once
                acc[M.PLANS_BROKEN] += 1
    other_debt = int(r.other_debt) + borrowed
    repaid = pay(cash, other_debt_repayment(other_debt, p))
    cash -= repaid
    r.other_debt = other_debt - repaid
    r.savings = cash
    r.plan_misses = misses
    r.stage_weeks = stage_weeks
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

    # -- phase 3: demand (answering letters, claiming, reporting changes, chasing)
    status &= ~Status.RESPONDED
    awaiting = (status & (Status.ON_PLAN | Status.PAUSED)) == 0
    if awaiting and stage_weeks == 0 and Stage.REMINDER <= stage <= Stage.COMPLIANCE:
        chance = letter_response_chance(stage, engagement, float(r.trust), stress, p)
        if draw(key, Purpose.RESPOND) < chance:
            status |= Status.RESPONDED
            acc[M.RESPONSES] += 1
            cost += contact(acc, M.COST_REVENUES, False, p.costs_phone_contact)
    claim = int(r.claim)
    phone = p.costs_phone_contact
    if claim == Claim.NONE:
        if award == 0 and cts == 0 and (entitled > 0 or cts_entitled > 0):
            if draw(key, Purpose.CLAIM) < p.benefits_claim * engagement:
                claim = Claim.PENDING.value
                r.claim_week = week
                acc[M.CLAIMS] += 1
                cost += contact(acc, M.COST_BENEFITS, False, phone)
        elif benefits_wrong(award, entitled, cts, cts_entitled, p):
            if draw(key, Purpose.REPORT) < p.benefits_report_change * engagement:
                claim = Claim.PENDING.value
                r.claim_week = week
                acc[M.CHANGES_REPORTED] += 1
                reapplying = (status & Status.WRONGED) != 0
                acc[M.REAPPLICATIONS] += reapplying
                cost += contact(acc, M.COST_BENEFITS, reapplying, phone)
    elif week - int(r.claim_week) >= p.benefits_chase_after_weeks:
        if draw(key, Purpose.CHASE) < p.benefits_chase:
            acc[M.CHASES] += 1
            cost += contact(acc, M.COST_BENEFITS, True, phone)
    acc[M.WRONG_BENEFITS] += benefits_wrong(award, entitled, cts, cts_entitled, p)
    asks = int(r.asks)
    if asks != 0 and week - int(r.ask_week) > p.demand_give_up_weeks:
        for s in range(N_SERVICES):
            acc[service_metric(s, GAVE_UP)] += (asks >> s) & 1
        r.asks = 0
        r.turned_away = min(255, int(r.turned_away) + 1)
    trouble = domains if homeless == 0 else domains & ~Domain.HOUSING
    if trouble != 0 and r.asks == 0:
        if draw(key, Purpose.ASK) < p.demand_ask * engagement:
            right = service_of(pick_domain(trouble, draw(key, Purpose.ASK_DOMAIN)))
            door = right
            if draw(key, Purpose.ASK_DOOR) >= p.demand_right_door:
                door = wrong_door(right, draw(key, Purpose.WRONG_DOOR))
            refer(r, 1 << door, week)
            repeat = r.turned_away > 0
            acc[service_metric(door, ASKS)] += 1
            acc[service_metric(door, REPEAT_ASKS)] += repeat
            cost += contact(acc, SERVICE_COSTS[door], repeat, phone)
    r.claim = claim
    r.status = status
    r.public_cost += cost


@njit(cache=True, inline="always")
def end_enforcement_case(r, acc) -> None:
    """Tally an agent's case as it ends; fees still unpaid are written off."""
    if r.ea_placed > 0:
        acc[M.EA_CLOSED_PLACED] += r.ea_placed
        acc[M.EA_CLOSED_RECOVERED] += r.ea_recovered
    acc[M.EA_FEES_WRITTEN_OFF] += r.ea_compliance_due + r.ea_fees_due
    r.ea_compliance_due = 0
    r.ea_fees_due = 0
    r.ea_placed = 0
    r.ea_recovered = 0


@njit(cache=True, inline="always")
def agree_plan(r, owed: int, affordability: float, p, acc) -> None:
    domains = int(r.domains)
    earned = earnings(int(r.earnings_capacity), domains, p)
    surplus = weekly_surplus(int(r.household), earned, int(r.award), rent_due(r),
                             net_liability(r, p), p)
    r.plan_instalment = plan_instalment(owed, surplus, affordability, p)
    r.plan_misses = 0
    r.status |= Status.ON_PLAN
    acc[M.PLANS_AGREED] += 1


@njit(cache=True, inline="always")
def recovery(r, key, p, week: int, acc) -> tuple[int, bool]:
    """Phase 5a: the council-tax recovery ladder. Returns (public cost, threatened)."""
    cost = 0
    threatened = False
    stage = int(r.stage)
    owed = owed_on_ct(r)
    letter = pence(p.costs_letter)
    if stage != Stage.NONE and owed == 0:
        end_enforcement_case(r, acc)
        r.stage = Stage.NONE
        r.stage_weeks = 0
        r.status &= ~(Status.ON_PLAN | Status.ATTACHMENT | Status.PAUSED)
        return cost, threatened
    if stage == Stage.NONE:
        liability = net_liability(r, p)
        if owed > 0 and owed >= p.council_tax_flag_weeks_owed * max(liability, 1):
            r.stage = Stage.REMINDER
            r.stage_weeks = 0
            r.status |= Status.FLAGGED
            acc[M.REMINDERS] += 1
            acc[M.COST_REVENUES] += letter
            cost += letter
            offered = draw(key, Purpose.ROUTE) < p.regime_relational_share
            if offered and (r.case == Case.NONE or r.case == Case.CLOSED):
                r.case = Case.WAITING
                r.case_week = week
                r.status |= Status.ROUTED
        return cost, threatened

    if (r.status & Status.RESPONDED) != 0:
        if r.savings >= owed:
            if is_enforcement(stage):
                pay_enforcement(r, owed, acc)
            else:
                pay_council(r, owed, acc)
            r.savings -= owed
            acc[M.PAID_IN_FULL] += 1
            return cost, threatened
        affordability = 0.0 if is_enforcement(stage) else p.regime_plan_affordability
        agree_plan(r, owed, affordability, p, acc)
    status = int(r.status)
    if (status & (Status.ON_PLAN | Status.PAUSED)) != 0 or stage == Stage.RETURNED:
        return cost, threatened

    weeks = min(_STAGE_WEEKS_CAP, int(r.stage_weeks) + 1)
    if weeks >= stage_weeks_allowed(stage, p):
        stage += 1
        weeks = 0
        if stage == Stage.FINAL_NOTICE:
            acc[M.FINAL_NOTICES] += 1
            acc[M.COST_REVENUES] += letter
            cost += letter
            threatened = True
        elif stage == Stage.SUMMONS:
            accelerate(r, week, p, acc)
            acc[M.SUMMONSES] += 1
            staff = pence(p.costs_summons_hours * p.costs_revenues_hour) + letter
            fee = pence(p.recovery_court_fee)
            acc[M.COST_REVENUES] += staff
            acc[M.COST_COURTS] += fee
            cost += staff + fee
            threatened = True
        elif stage == Stage.LIABILITY_ORDER:
            costs = pence(p.recovery_liability_order_costs)
            r.ct_arrears += costs
            r.fees_charged += costs
            acc[M.LIABILITY_ORDERS] += 1
            acc[M.COURT_COSTS_ADDED] += costs
            acc[M.COST_REVENUES] += letter
            cost += letter
            threatened = True
        elif stage == Stage.COMPLIANCE:
            placed = int(r.ct_arrears)
            fee = pence(p.recovery_fee_compliance)
            r.ea_placed = placed
            r.ea_recovered = 0
            r.ea_compliance_due = fee
            r.fees_charged += fee
            acc[M.EA_REFERRALS] += 1
            acc[M.EA_PLACED] += placed
            acc[M.EA_FEES_CHARGED] += fee
            cost += charge(acc, M.COST_REVENUES, p.costs_referral_hours * p.costs_revenues_hour)
            threatened = True
        elif stage == Stage.ENFORCEMENT:
            fee = percent_fee(int(r.ea_placed), p.recovery_fee_enforcement, p)
            r.ea_fees_due += fee
            r.fees_charged += fee
            acc[M.EA_FEES_CHARGED] += fee
        else:  # returned by the agent unpaid: deductions from benefits instead
            end_enforcement_case(r, acc)
            r.status |= Status.ATTACHMENT
    r.stage = stage
    r.stage_weeks = weeks
    if stage == Stage.ENFORCEMENT:
        threatened = True
        enforcement_visit(r, key, p, week, acc)
    return cost, threatened


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
    acc[M.CT_LIABILITY] += extra
    acc[M.CT_ACCELERATED] += extra


@njit(cache=True, inline="always")
def enforcement_visit(r, key, p, week: int, acc) -> None:
    """A weekly visit: take what savings there are and agree a plan, or remove goods."""
    acc[M.EA_VISITS] += 1
    if draw(key, Purpose.EA_CONTACT) < p.recovery_visit_contact:
        acc[M.RESPONSES] += 1
        acc[M.EA_CONTACTS] += 1
        taken = min(pence(r.savings * p.recovery_savings_taken), owed_on_ct(r))
        pay_enforcement(r, taken, acc)
        r.savings -= taken
        owed = owed_on_ct(r)
        if owed > 0:
            agree_plan(r, owed, 0.0, p, acc)
    elif draw(key, Purpose.EA_SALE) < p.recovery_sale:
        fee = percent_fee(int(r.ea_placed), p.recovery_fee_sale, p)
        r.ea_fees_due += fee
        r.fees_charged += fee
        acc[M.EA_FEES_CHARGED] += fee
        acc[M.EA_SALES] += 1
        goods = min(pence(p.recovery_goods_value), owed_on_ct(r))
        acc[M.GOODS_SOLD] += goods
        pay_enforcement(r, goods, acc)


@njit(cache=True, inline="always")
def close_case(r, acc) -> None:
    """Close a case; allocation releases the caseworker next week (see kernels._queues)."""
    r.case = Case.CLOSED
    r.status &= ~Status.PAUSED
    acc[M.CASE_CLOSURES] += 1


@njit(cache=True, inline="always")
def casework(r, skill, key, p, week: int, acc) -> tuple[int, float]:
    """Phase 5b: relational casework. Returns (public cost, relationship held)."""
    case = int(r.case)
    if case == Case.WAITING and r.stage == Stage.NONE:
        r.case = Case.NONE  # the arrears cleared before a worker was free
        return 0, 0.0
    if not case_is_open(case):
        return 0, 0.0
    cost = pence(p.relational_hours_per_case * p.costs_relational_hour)
    acc[M.COST_RELATIONAL] += cost
    trust = float(r.trust)
    if case == Case.OUTREACH:
        if outreach_succeeds(trust, float(r.stress),
                             draw(key, Purpose.OUTREACH), p):
            r.case = Case.ENGAGED
            acc[M.CASES_ENGAGED] += 1
            cost += charge(acc, M.COST_RELATIONAL, p.costs_face_to_face_contact)
            if draw(key, Purpose.PAUSE) < p.regime_pause_enforcement:
                r.status |= Status.PAUSED
    else:
        relationship = relationship_step(float(r.relationship),
                                         skill[int(r.caseworker)], trust, p)
        r.relationship = relationship
        if case == Case.ENGAGED and relationship >= p.relational_discovery_threshold:
            find_causes(r, key, p, week, acc)
        elif case == Case.WORKING and r.stable_weeks >= p.relational_close_after_stable_weeks:
            acc[M.GOOD_CLOSURES] += 1
            close_case(r, acc)
    if case_is_open(int(r.case)) and week - int(r.case_week) >= p.relational_max_case_weeks:
        close_case(r, acc)
    held = float(r.relationship) if case_is_open(int(r.case)) else 0.0
    return cost, held


@njit(cache=True, inline="always")
def find_causes(r, key, p, week: int, acc) -> None:
    """The relationship is strong enough to hear what is really going on: act on all of it.

    Wrong or unclaimed benefits go to the in-team specialist (queued for next week's
    allocation) or to the standard route; arrears move to an affordable plan; every
    life domain in trouble is referred to the service that owns it (warm, through a
    colleague in the team, with chance regime.multi_agency) and gets the recovery boost
    while the case works.
    """
    acc[M.CAUSES_FOUND] += 1
    r.status |= Status.CAUSES_FOUND
    _, entitled, cts_entitled = entitlements(r, int(r.domains), p)
    r.case = Case.WORKING
    if benefits_wrong(int(r.award), entitled, int(r.cts_award), cts_entitled, p):
        if draw(key, Purpose.SPECIALIST) < p.regime_specialist_share:
            r.case = Case.FIX_QUEUED
        elif r.claim != Claim.PENDING:
            r.claim = Claim.PENDING
            r.claim_week = week
            acc[M.CLAIMS] += 1
    owed = owed_on_ct(r)
    if owed > 0 and not is_enforcement(int(r.stage)):
        agree_plan(r, owed, p.regime_plan_affordability, p, acc)
    # the caseworker takes every trouble to the service that owns it (no wrong door)
    trouble = int(r.domains)
    if r.homeless_weeks > 0:
        trouble &= ~Domain.HOUSING
    services = 0
    for s in range(N_SERVICES):
        if (service_domains(s) & trouble) != 0:
            services |= 1 << s
    new = services & ~int(r.asks)
    if new != 0:
        refer(r, new, week)
        acc[M.TEAM_REFERRALS] += count_domains(new)


@njit(cache=True, inline="always")
def services_and_wellbeing(r, skill, key, p, week: int, acc) -> None:
    """Phases 5-6 for one citizen: service effects, then stress, trust and wellbeing."""
    # -- phase 5: service effects
    ladder_cost, threatened = recovery(r, key, p, week, acc)
    case_cost, held = casework(r, skill, key, p, week, acc)
    r.public_cost += ladder_cost + case_cost
    # -- phase 6: accounting (wellbeing, stable weeks, this citizen's part of the tallies)
    domains = int(r.domains)
    earned = earnings(int(r.earnings_capacity), domains, p)
    owed = owed_on_ct(r)
    debt = owed + int(r.rent_arrears) + int(r.other_debt)
    stress = stress_step(float(r.stress), debt, earned + int(r.award), domains,
                         threatened, held, p)
    trust = trust_step(float(r.trust), threatened, held > 0.0, p)
    wellbeing = wellbeing_step(float(r.wellbeing), stress, domains, p)
    r.stress = stress
    r.trust = trust
    r.wellbeing = wellbeing
    status = int(r.status)
    on_plan = (status & Status.ON_PLAN) != 0
    if is_stable(domains, stress, owed, on_plan, p):
        r.stable_weeks = min(65535, int(r.stable_weeks) + 1)
    else:
        r.stable_weeks = 0
    tally_state(r, p, week, acc)


@njit(cache=True, inline="always")
def tally_state(r, p, week: int, acc) -> None:
    """Phase 6: add this citizen's end-of-week state to the aggregates.

    Most citizens are in none of the counted states: each state is tested before it is
    added, so that a quiet citizen costs a branch the processor predicts rather than a
    write to the accumulator (one write per state was a fifth of the services pass).
    """
    status = int(r.status)
    stage = int(r.stage)
    case = int(r.case)
    if (r.domains & Domain.WORK) == 0:
        acc[M.IN_WORK] += 1
    if stage != Stage.NONE:
        acc[M.IN_ENFORCEMENT] += is_enforcement(stage)
    if status != 0:
        acc[M.ON_PLAN] += (status & Status.ON_PLAN) != 0
        if (status & Status.FLAGGED) != 0:
            acc[M.FLAGGED] += 1
            acc[M.TURNED_AROUND] += r.stable_weeks >= p.outcomes_turned_around_weeks
    if r.homeless_weeks > 0:
        acc[M.HOMELESS] += 1
    if r.care_weeks > 0:
        acc[M.CHILDREN_IN_CARE] += 1
    if r.claim == Claim.PENDING:
        acc[M.CLAIMS_OVERDUE] += week - int(r.claim_week) > p.benefits_target_weeks
    if case != Case.NONE:
        acc[M.ACTIVE_CASES] += case_is_open(case)
        acc[M.WAITING_CASES] += case == Case.WAITING
    asks = int(r.asks)
    if asks != 0:
        for s in range(N_SERVICES):
            acc[service_metric(s, WAITING)] += (asks >> s) & 1
    if r.ct_arrears != 0:
        acc[M.IN_CT_ARREARS] += r.ct_arrears > 0
        acc[M.CT_ARREARS_TOTAL] += r.ct_arrears
    ea_owed = r.ea_compliance_due + r.ea_fees_due
    if ea_owed != 0:
        acc[M.EA_FEES_OWED_TOTAL] += ea_owed
    if r.rent_arrears != 0:
        acc[M.RENT_ARREARS_TOTAL] += r.rent_arrears
    if r.other_debt != 0:
        acc[M.OTHER_DEBT_TOTAL] += r.other_debt
    acc[M.SAVINGS_TOTAL] += r.savings
    acc[M.STRESS_MICRO] += pence(float(r.stress) * MICRO)
    acc[M.WELLBEING_MICRO] += pence(float(r.wellbeing) * MICRO)
    acc[M.TRUST_MICRO] += pence(float(r.trust) * MICRO)


# ---------------------------------------------------------------- phase 4 actions
# Allocation (allocation.allocate, or the reference scheduler) decides who is served, in
# key order within capacity; these are what serving does to the citizen served.


@njit(cache=True, inline="always")
def decide(r, wrong: bool, p) -> None:
    """Put a decided award in payment: right, or short by the error shortfall."""
    _, entitled, cts_entitled = entitlements(r, int(r.domains), p)
    r.award = decided_award(entitled, wrong, p.benefits_error_shortfall)
    r.cts_award = decided_award(cts_entitled, wrong, p.benefits_error_shortfall)
    r.claim = Claim.NONE
    if wrong:
        r.status |= Status.WRONGED
    else:
        r.status &= ~Status.WRONGED


@njit(cache=True, inline="always")
def standard_decision(r, key, skill: float, week: int, p, acc) -> None:
    """A benefit assessor decides a claim; less skilled assessors get more wrong.

    The target counts decisions within benefits.target_weeks of the claim. A service
    gaming by reclassifying books a late decision as on time, having stopped the clock
    with a request for evidence (a letter and a call: failure demand).
    """
    waited = week - int(r.claim_week)
    on_time = waited <= p.benefits_target_weeks
    cost = 0
    if not on_time and draw(key, Purpose.RECLASSIFY) < p.regime_reclassifying:
        acc[M.EVIDENCE_REQUESTS] += 1
        cost += contact(acc, M.COST_BENEFITS, True, p.costs_letter + p.costs_phone_contact)
        acc[M.DECISIONS_REPORTED_ON_TIME] += 1
    else:
        acc[M.DECISIONS_REPORTED_ON_TIME] += on_time
    acc[M.DECISIONS_ON_TIME] += on_time
    acc[M.DECISION_WAIT_WEEKS] += waited
    chance = bent_error(min(1.0, p.benefits_error_rate * 2.0 * (1.0 - skill)), p)
    wrong = draw(key, Purpose.ASSESS_ERROR) < chance
    decide(r, wrong, p)
    cost += charge(acc, M.COST_BENEFITS,
                   bent_hours(p.benefits_hours_per_decision, p) * p.costs_benefits_hour)
    r.public_cost += cost
    acc[M.DECISIONS] += 1
    acc[M.DECISION_ERRORS] += wrong


@njit(cache=True, inline="always")
def specialist_fix(r, key, p, acc) -> None:
    """The team's benefits specialist puts the award right, sitting with the citizen."""
    wrong = draw(key, Purpose.FIX_ACCURACY) >= p.relational_specialist_accuracy
    decide(r, wrong, p)
    r.case = Case.WORKING
    cost = pence(p.relational_hours_per_fix * p.costs_relational_hour)
    r.public_cost += cost
    acc[M.COST_RELATIONAL] += cost
    acc[M.SPECIALIST_FIXES] += 1


@njit(cache=True, inline="always")
def refer(r, services: int, week: int) -> None:
    """Add requests to services (Service bits); a first request starts the wait."""
    if r.asks == 0:
        r.ask_week = week
    r.asks |= services


@njit(cache=True, inline="always")
def hand_off(r, service: int, elsewhere: int, key, p, partnership: float, acc) -> None:
    """Pass on a citizen who came to a wrong door, by signpost or by holding them.

    A signpost (chance 1 - regime.no_wrong_door) leaves the citizen to find the right
    service: they get there with demand.signpost_connect, or are lost until they ask
    again. A service that holds the person refers them: the referral connects with the
    strength of relationships between agencies (``partnership``); if it does not, the
    service keeps the person in its own queue and tries again next week.
    """
    u = draw(key, Purpose.SERVICE_CONNECT + service)
    held = draw(key, Purpose.SERVICE_HOLD + service) < p.regime_no_wrong_door
    if u < (partnership if held else p.demand_signpost_connect):
        right = service_of(elsewhere)
        r.asks |= 1 << right
        acc[service_metric(right, REFERRED_ON)] += 1
        r.public_cost += contact(acc, SERVICE_COSTS[right], True, p.costs_phone_contact)
    elif held:
        r.asks |= 1 << service
    else:
        acc[service_metric(service, LOST)] += 1
        r.turned_away = min(255, int(r.turned_away) + 1)


@njit(cache=True, inline="always")
def service_assessment(r, service: int, key, p, partnership: float, acc) -> None:
    """A service takes a request from its queue: hand off, turn away or help.

    At a wrong door (the request is about a domain the service does not own) the citizen
    is triaged by phone and handed off (``hand_off``); if the trouble has passed while
    they waited, the request simply ends.
    At the right door the need is measured against the gate (``regime.eligibility_gate``
    x the service's gate); requests below it, and complex ones a cream-skimming service
    sheds, are turned away. A warm referral from a colleague in a multi-agency team
    passes every gate. Help costs less below the full gate (early help) than past it;
    it lifts the trouble unless it fails (the service's error rate, more when effort is
    bent to the count). A case whose help failed is reported resolved when the service
    closes cases early.
    """
    r.asks &= ~(1 << service)
    gate, early, late, error, hours, hourly = service_terms(service, p)
    agency = SERVICE_COSTS[service]
    owned = service_domains(service)
    if (int(r.domains) & owned) == 0:
        elsewhere = int(r.domains) & ~owned
        if r.homeless_weeks > 0:
            elsewhere &= ~Domain.HOUSING
        if elsewhere != 0:  # a wrong door: a triage call, failure demand
            cost = charge(acc, agency, p.costs_phone_contact)
            acc[M.FAILURE_COST] += cost
            r.public_cost += cost
            acc[service_metric(service, WRONG_DOOR)] += 1
            hand_off(r, service, elsewhere, key, p, partnership, acc)
        return
    cost = charge(acc, agency, bent_hours(hours, p) * hourly)
    warm = ((r.status & Status.CAUSES_FOUND) != 0 and case_is_open(int(r.case))
            and draw(key, Purpose.SERVICE_WARM + service) < p.regime_multi_agency)
    severity = need(service, int(r.rent_arrears), int(r.rent), float(r.stress))
    below_gate = severity < p.regime_eligibility_gate * gate
    shed = (count_domains(int(r.domains)) >= 2
            and draw(key, Purpose.SERVICE_CREAM + service) < p.regime_cream_skimming)
    if not warm and (below_gate or shed):
        r.turned_away = min(255, int(r.turned_away) + 1)
        acc[service_metric(service, TURNED_AWAY)] += 1
        r.public_cost += cost
        return
    acc[service_metric(service, CASES)] += 1
    if severity < gate:
        acc[service_metric(service, EARLY_HELP)] += 1
        cost += charge(acc, agency, early)
    else:
        cost += charge(acc, agency, late)
    if service == Service.HOUSING:
        payment = min(int(r.rent_arrears), pence(p.housing_arrears_payment))
        r.rent_arrears -= payment
        acc[M.ARREARS_PAYMENTS] += payment
        cost += charge(acc, agency, payment)  # public money, paid to the landlord
    if draw(key, Purpose.SERVICE_ERROR + service) >= bent_error(error, p):
        r.domains &= ~owned
        r.turned_away = 0
        acc[service_metric(service, HELPED)] += 1
        acc[service_metric(service, REPORTED_RESOLVED)] += 1
    elif draw(key, Purpose.SERVICE_CLOSE + service) < p.regime_closing_early:
        acc[service_metric(service, REPORTED_RESOLVED)] += 1
    r.public_cost += cost


@njit(cache=True, inline="always")
def intake(r, worker: int, week: int, acc) -> None:
    """A caseworker with room takes the case and starts outreach."""
    r.case = Case.OUTREACH
    r.caseworker = worker
    r.case_week = week
    r.relationship = 0.0
    acc[M.CASE_INTAKES] += 1
