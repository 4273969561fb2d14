"""Weekly aggregates, accumulated exactly in int64 by the kernels.

Money is in pence; counts are people or events; the three ``*_MICRO`` sums hold
per-citizen values scaled by 1e6 and rounded, so that even the means of float state
are exact integer sums and do not depend on how citizens are chunked or threaded.
Each member's comment gives what it counts; the flows (``*_PAID``, ``EARNINGS`` ...)
are this week's, the stocks (``*_TOTAL``, counts of people in a state) are end of week.
"""

from __future__ import annotations

from enum import IntEnum
from itertools import count

_next = count().__next__


class M(IntEnum):
    # money flows of citizens, pence this week
    EARNINGS = _next()
    BENEFITS_PAID = _next()  # cash awards paid
    BENEFITS_ENTITLED = _next()  # cash entitlement under the rules
    CTS_GRANTED = _next()  # council-tax support applied against liability
    CTS_ENTITLED = _next()
    CT_LIABILITY = _next()  # council tax charged, net of support
    CT_PAID = _next()  # paid to the council: instalments, plans, deductions, via the agent
    LIVING_SPENT = _next()
    BORROWED = _next()  # essential spending funded by new other debt
    RENT_DUE = _next()  # rent charged to housed citizens
    RENT_PAID = _next()  # rent and rent-arrears instalments paid
    OTHER_DEBT_REPAID = _next()
    COURT_COSTS_ADDED = _next()  # liability-order costs added to council-tax debt
    EA_FEES_CHARGED = _next()  # enforcement fees charged to citizens
    EA_FEES_PAID = _next()  # fees paid by citizens to the enforcement agent
    EA_FEES_WRITTEN_OFF = _next()  # fees left unpaid when the agent returns a case
    EA_DEBT_RECOVERED = _next()  # council-tax debt the agent recovered for the council
    EA_PLACED = _next()  # debt passed to an enforcement agent this week
    EA_CLOSED_PLACED = _next()  # sum placed on agent cases that ended this week
    EA_CLOSED_RECOVERED = _next()  # debt recovered on agent cases that ended this week
    GOODS_SOLD = _next()  # goods sold by the agent, turned into payments
    # public spend by agency, pence this week
    COST_REVENUES = _next()
    COST_COURTS = _next()
    COST_BENEFITS = _next()
    COST_RELATIONAL = _next()
    COST_HOUSING = _next()
    COST_HEALTH = _next()
    COST_SOCIAL_CARE = _next()
    COST_POLICE = _next()
    ARREARS_PAYMENTS = _next()  # rent arrears paid off by the housing service
    # events this week
    REMINDERS = _next()
    FINAL_NOTICES = _next()
    SUMMONSES = _next()
    LIABILITY_ORDERS = _next()
    EA_REFERRALS = _next()
    EA_VISITS = _next()
    EA_SALES = _next()
    RESPONSES = _next()  # citizens answering a letter or a visit
    PLANS_AGREED = _next()
    PLANS_BROKEN = _next()
    PAID_IN_FULL = _next()
    CLAIMS = _next()
    CHANGES_REPORTED = _next()
    CHASES = _next()  # failure demand: claimants chasing a decision
    HOUSING_ASKS = _next()  # requests for help to the housing service
    REPEAT_ASKS = _next()  # failure demand: requests from citizens turned away before
    PREVENTIONS = _next()  # requests helped: homelessness prevention
    TURNED_AWAY = _next()  # requests assessed below the eligibility gate
    DECISIONS = _next()  # standard-route benefit decisions
    DECISION_ERRORS = _next()
    DECISIONS_ON_TIME = _next()  # decided within the target (what the service reports)
    DECISION_WAIT_WEEKS = _next()  # weeks decided claims had waited (what claimants saw)
    SPECIALIST_FIXES = _next()
    CASE_INTAKES = _next()
    CASES_ENGAGED = _next()
    CAUSES_FOUND = _next()
    CASE_CLOSURES = _next()
    GOOD_CLOSURES = _next()  # cases closed because the person had become stable
    JOB_LOSSES = _next()
    ILLNESSES = _next()
    CARING_CRISES = _next()
    HOUSING_TROUBLES = _next()
    EVICTIONS = _next()
    AE_ATTENDANCES = _next()
    FAMILY_TROUBLES = _next()
    MH_CRISES = _next()
    CARE_ENTRIES = _next()
    POLICE_CALLOUTS = _next()
    # people in a state at the end of the week
    IN_WORK = _next()
    IN_CT_ARREARS = _next()
    IN_ENFORCEMENT = _next()  # at a compliance or enforcement stage
    ON_PLAN = _next()
    HOMELESS = _next()
    CHILDREN_IN_CARE = _next()  # households with a child in care
    CLAIMS_OVERDUE = _next()  # claims still waiting past the benefits target
    WRONG_BENEFITS = _next()  # award off entitlement by more than the tolerance, at payment (phase 2)
    FLAGGED = _next()  # ever flagged for council-tax arrears
    TURNED_AROUND = _next()  # flagged and stable for the required weeks
    ACTIVE_CASES = _next()
    WAITING_CASES = _next()
    # stocks at the end of the week, pence
    CT_ARREARS_TOTAL = _next()
    EA_FEES_OWED_TOTAL = _next()
    RENT_ARREARS_TOTAL = _next()
    OTHER_DEBT_TOTAL = _next()
    SAVINGS_TOTAL = _next()
    # float state, summed as micro-units
    STRESS_MICRO = _next()
    WELLBEING_MICRO = _next()
    TRUST_MICRO = _next()
    # the workforce (phase 7, not attributable to a citizen)
    LEAVERS = _next()  # workers who left this week (each replaced at once)
    COST_RECRUITMENT = _next()  # recruiting and inducting replacements, pence


N_METRICS = len(M)
MICRO = 1_000_000.0
MONEY_METRICS = frozenset(
    m for m in M if m <= M.ARREARS_PAYMENTS or M.CT_ARREARS_TOTAL <= m <= M.SAVINGS_TOTAL
    or m == M.COST_RECRUITMENT)
COST_METRICS = (M.COST_REVENUES, M.COST_COURTS, M.COST_BENEFITS, M.COST_RELATIONAL,
                M.COST_HOUSING, M.COST_HEALTH, M.COST_SOCIAL_CARE, M.COST_POLICE)


def metric_name(m: M) -> str:
    return m.name.lower()
