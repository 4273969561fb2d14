"""Money: earnings, the council-tax bill, the weekly money waterfall and payments
(docs/odd.md: Earnings; Benefit entitlement, for the bill; The weekly money waterfall).

Phase 2 (:func:`money_week`) takes a citizen's cash through the waterfall in the
documented order: income in; deductions for arrears, essentials, rent, council tax, a
payment plan and other debt out; then what cash the household holds above its savings
buffer and its debts is spent (:func:`discretionary_spending`); what is left is
savings. Payments to the council and to the enforcement agent (with the fee
regulations' split) are here too, because the waterfall, the recovery ladder and the
bailiff's visit all pay through them.
"""

from __future__ import annotations

from numba import njit

from placesim.engine.metrics import M
from placesim.engine.rng import Purpose, draw
from placesim.engine.rules.ledger import add, count, pence
from placesim.engine.state import (
    COUNT_CAP,
    Domain,
    Stage,
    Status,
    Tenure,
    is_enforcement,
    is_renting,
)

# ---------------------------------------------------------------- income and bills


@njit(cache=True)
def earnings(capacity: int, domains: int, p) -> int:
    """Weekly earnings: none out of work, fewer hours while ill or in a caring crisis."""
    if (domains & Domain.WORK) != 0:
        return 0
    factor = 1.0
    if (domains & Domain.HEALTH) != 0:
        factor *= 1.0 - p.life_illness_earnings_loss
    if (domains & Domain.CARING) != 0:
        factor *= 1.0 - p.life_caring_earnings_loss
    return pence(capacity * factor)


@njit(cache=True)
def living_costs(household: int, p) -> int:
    """The household's essential weekly spending, in whole pence (money.living_*)."""
    return int(p.derived_living_costs[household])


@njit(cache=True, inline="always")
def weekly_rent(r) -> int:
    """The rent of the home: a renting household's housing cost; owners pay no rent."""
    return int(r.housing_cost) if is_renting(int(r.tenure)) else 0


@njit(cache=True, inline="always")
def rent_due(r) -> int:
    """This week's rent: none while in temporary accommodation (the council bears that)."""
    return 0 if r.homeless_weeks > 0 else weekly_rent(r)


@njit(cache=True, inline="always")
def mortgage_due(r) -> int:
    """This week's mortgage payment: a mortgaged owner's housing cost."""
    return int(r.housing_cost) if r.tenure == Tenure.MORTGAGED else 0


@njit(cache=True, inline="always")
def housing_due(r) -> int:
    """This week's housing cost as the household pays it: rent due or the mortgage."""
    return rent_due(r) + mortgage_due(r)


@njit(cache=True)
def band_council_tax(band: int, band_d_annual: float) -> int:
    """Weekly council tax of a band, pence (A-C are 6/9, 7/9, 8/9 of band D)."""
    return pence(band_d_annual * (6.0 + band) / 9.0 / 52.0)


@njit(cache=True)
def ct_gross(band: int, p) -> int:
    """Weekly council tax for a band (band_council_tax of council_tax.band_d_annual)."""
    return int(p.derived_council_tax[band])


@njit(cache=True, inline="always")
def net_liability(r, p) -> int:
    """This week's council tax, less the support awarded (not the support due)."""
    gross = ct_gross(int(r.band), p)
    return gross - min(int(r.cts_award), gross)


@njit(cache=True, inline="always")
def owed_on_ct(r) -> int:
    """Everything owed on council tax: arrears with court costs, and enforcement fees."""
    return int(r.ct_arrears) + int(r.ea_compliance_due) + int(r.ea_fees_due)


@njit(cache=True)
def weekly_surplus(household: int, earned: int, award: int, housing: int, liability: int,
                   p) -> int:
    """Income less essential spending, housing cost (rent or mortgage) and council tax:
    what a plan can draw on."""
    return earned + award - living_costs(household, p) - housing - liability


@njit(cache=True, inline="always")
def lapses(r, key, p) -> bool:
    """Whether the citizen fails to pay this week's council tax though it could (life.lapse,
    the more likely the less engaged)."""
    return draw(key, Purpose.LAPSE) < p.life_lapse * (1.0 - float(r.engagement))


# ---------------------------------------------------------------- paying


@njit(cache=True)
def pay(cash: int, due: int) -> int:
    """What can be paid of ``due`` from ``cash``."""
    return min(cash, max(due, 0))


@njit(cache=True)
def other_debt_repayment(other_debt: int, p) -> int:
    """Minimum repayment on other debt: a share of it, at least a pound a week."""
    if other_debt <= 0:
        return 0
    return min(other_debt, max(100, pence(other_debt * p.money_other_debt_repayment)))


@njit(cache=True, inline="always")
def pay_council(r, amount: int, acc) -> None:
    """A payment of council tax (or court costs) to the council."""
    r.ct_arrears -= amount
    r.ct_paid += amount
    add(acc, M.CT_PAID, amount)


@njit(cache=True)
def enforcement_split(amount: int, compliance_due: int, fees_due: int, debt: int):
    """Share a payment to an enforcement agent as the fee regulations do (Taking Control
    of Goods (Fees) Regulations 2014).

    The compliance fee is paid first; the rest is shared pro rata between the debt and
    the other fees. Returns (to compliance fee, to other fees, to debt).
    """
    amount = min(amount, compliance_due + fees_due + debt)
    to_compliance = min(amount, compliance_due)
    rest = amount - to_compliance
    owed = fees_due + debt
    to_fees = 0 if owed == 0 else min(fees_due, (rest * fees_due) // owed)
    return to_compliance, to_fees, rest - to_fees


@njit(cache=True, inline="always")
def pay_enforcement_agent(r, amount: int, acc) -> None:
    """A payment to the enforcement agent (bailiff), shared by :func:`enforcement_split`;
    the debt's share goes on to the council."""
    ct_arrears = int(r.ct_arrears)
    to_compliance, to_fees, to_debt = enforcement_split(
        amount, int(r.ea_compliance_due), int(r.ea_fees_due), ct_arrears)
    r.ea_compliance_due -= to_compliance
    r.ea_fees_due -= to_fees
    r.ct_arrears = ct_arrears - to_debt
    r.ea_recovered += to_debt
    r.ct_paid += to_debt
    add(acc, M.EA_FEES_PAID, to_compliance + to_fees)
    add(acc, M.EA_DEBT_RECOVERED, to_debt)
    add(acc, M.CT_PAID, to_debt)


@njit(cache=True, inline="always")
def pay_towards_council_tax(r, amount: int, acc) -> None:
    """Pay what is owed on council tax to whoever holds the debt: the enforcement agent
    at COMPLIANCE or ENFORCEMENT, the council otherwise."""
    if is_enforcement(int(r.stage)):
        pay_enforcement_agent(r, amount, acc)
    else:
        pay_council(r, amount, acc)


@njit(cache=True, inline="always")
def discretionary_spending(cash: int, r, p) -> int:
    """What a household spends beyond essentials and bills: ``money.discretionary_spending``
    of the cash it holds above its savings buffer (what it was drawn to hold) and what it
    owes. It keeps the drawn savings as the buffer it rebuilds after a shock, and saves
    towards its debts while it owes, so the published savings distribution the place is
    drawn from is the one it keeps (docs/odd.md, The weekly money waterfall)."""
    reserved = (int(r.savings_buffer) + owed_on_ct(r) + int(r.rent_arrears)
                + int(r.other_debt))
    return pence(max(cash - reserved, 0) * p.money_discretionary_spending)


# ---------------------------------------------------------------- the waterfall


@njit(cache=True, inline="always")
def money_week(r, key, p, week: int, acc) -> int:
    """Phase 2: the week's money waterfall, in the documented order. Returns earnings.

    (i) deductions from benefits for council-tax arrears; (ii) essentials and a
    mortgaged owner's mortgage, borrowing what cash cannot cover (a mortgage is kept up:
    mortgage arrears are not modelled); (iii) a renter's rent and an instalment on rent
    arrears while housed;
    (iv, v) this week's council tax charged and, unless the citizen lapses, paid, with
    what it can of earlier weeks' missed bills before any reminder (a catch-up);
    (vi) a payment plan's instalment, all or nothing: missed too often, the plan breaks
    and the recovery ladder escalates at once (at ENFORCEMENT the bailiff's visits
    resume); (vii) other debt repaid; (viii) a share of the cash above the savings
    buffer and what is owed spent; what is left is savings.
    """
    domains = int(r.domains)
    homeless = int(r.homeless_weeks)
    rent_arrears = int(r.rent_arrears)
    household = int(r.household)
    earned = earnings(int(r.earnings_capacity), domains, p)
    award = int(r.award)
    support = min(int(r.cts_award), ct_gross(int(r.band), p))
    # no weekly bill while the rest of the year's has already been made due at once
    liability = net_liability(r, p) if week >= r.ct_due_until else 0
    housed_rent = rent_due(r)
    status = int(r.status)
    stage = int(r.stage)
    cash = int(r.savings) + earned + award
    # (i)
    if (status & Status.ATTACHMENT) != 0 and award > 0:
        deducted = min(pence(p.recovery_attachment), award, int(r.ct_arrears))
        cash -= deducted
        pay_council(r, deducted, acc)
    # (ii)
    living = living_costs(household, p)
    mortgage = mortgage_due(r)
    from_cash = pay(cash, living + mortgage)
    cash -= from_cash
    borrowed = living + mortgage - from_cash
    # (iii) rent, and while housed an instalment on rent arrears (as for other debt)
    arrears_due = other_debt_repayment(rent_arrears, p) if homeless == 0 else 0
    rent_paid = pay(cash, housed_rent + arrears_due)
    cash -= rent_paid
    r.rent_arrears = rent_arrears + housed_rent - rent_paid
    # (iv, v)
    r.ct_arrears += liability
    if not lapses(r, key, p):
        instalment = pay(cash, liability)
        cash -= instalment
        pay_council(r, instalment, acc)
        # catch-up, before any reminder or once the agent has returned the debt
        if (stage == Stage.NONE or stage == Stage.RETURNED) and (status & Status.ON_PLAN) == 0:
            caught = pay(cash, int(r.ct_arrears))
            cash -= caught
            pay_council(r, caught, acc)
            add(acc, M.CT_CAUGHT_UP, caught)
    # (vi)
    stage_weeks = int(r.stage_weeks)
    misses = int(r.plan_misses)
    if (status & Status.ON_PLAN) != 0:
        due = min(int(r.plan_instalment), owed_on_ct(r))
        if cash >= due:
            cash -= due
            misses = 0
            pay_towards_council_tax(r, due, acc)
        else:
            misses += 1
            if misses >= p.recovery_plan_misses_to_break:
                r.status = status & ~Status.ON_PLAN
                misses = 0
                if stage != Stage.ENFORCEMENT:  # there the bailiff's visits simply resume
                    stage_weeks = COUNT_CAP  # a broken plan escalates at once
                count(acc, M.PLANS_BROKEN)
    # (vii)
    other_debt = int(r.other_debt) + borrowed
    repaid = pay(cash, other_debt_repayment(other_debt, p))
    cash -= repaid
    r.other_debt = other_debt - repaid
    # (viii)
    spent = discretionary_spending(cash, r, p)
    r.savings = cash - spent
    r.plan_misses = misses
    r.stage_weeks = stage_weeks
    add(acc, M.EARNINGS, earned)
    add(acc, M.BENEFITS_PAID, award)
    add(acc, M.CTS_GRANTED, support)
    add(acc, M.CT_LIABILITY, liability)
    add(acc, M.LIVING_SPENT, living)
    add(acc, M.MORTGAGE_PAID, mortgage)
    add(acc, M.BORROWED, borrowed)
    add(acc, M.RENT_DUE, housed_rent)
    add(acc, M.RENT_PAID, rent_paid)
    add(acc, M.OTHER_DEBT_REPAID, repaid)
    add(acc, M.DISCRETIONARY_SPENT, spent)
    return earned
