"""The ledger: rules say what happened, the ledger counts it.

Every rule reports to the week's ledger row ``acc`` (int64, indexed by
:class:`~placesim.engine.metrics.M`) through these few verbs, never by indexing it:

- ``count`` / ``count_if`` an event or a person in a state; ``add`` a sum of money;
- ``charge`` a public cost to the agency that bears it and to the citizen's cumulative
  ``public_cost``; ``crisis`` a cost that is also a crisis of its type; ``contact`` a
  contact a citizen makes, tagged value or failure demand, costed as staff time
  (``staff_time``); ``triage`` a service's own call at a wrong door (failure demand, not
  a citizen's contact); ``failure_charge`` another cost of failure demand (a letter);
  ``work`` an officer's hours on a case;
- ``fee`` a court cost or enforcement fee charged to the citizen;
- ``tally_citizen``: a citizen's end-of-week state, added to the stocks (phase 6).

Amounts are rounded to the whole penny (:func:`pence`) when they are charged. All sums
are integers, so totals do not depend on the order in which citizens are counted.
"""

from __future__ import annotations

import math

from numba import njit

from placesim.engine.metrics import MICRO, WAITING, M, service_metric
from placesim.engine.state import (
    N_SERVICES,
    Case,
    Claim,
    Domain,
    Status,
    case_is_open,
    is_enforcement,
)


@njit(cache=True)
def pence(x: float) -> int:
    """Round a sum in pence to a whole penny, half up."""
    return int(math.floor(x + 0.5))


@njit(cache=True, inline="always")
def count(acc, what: int) -> None:
    """One more event (or person) of this kind this week."""
    acc[what] += 1


@njit(cache=True, inline="always")
def count_if(acc, what: int, happened: bool) -> None:
    """One more event of this kind if it happened."""
    acc[what] += happened


@njit(cache=True, inline="always")
def add(acc, what: int, amount: int) -> None:
    """A sum (pence, or a count of weeks) added to this week's total of its kind."""
    acc[what] += amount


@njit(cache=True, inline="always")
def charge(r, acc, agency: int, amount: float) -> int:
    """A public cost (pence, rounded) to an agency's spend and to the citizen's cumulative
    public cost; returns it."""
    cost = pence(amount)
    acc[agency] += cost
    r.public_cost += cost
    return cost


@njit(cache=True, inline="always")
def crisis(r, acc, agency: int, kind: int, amount: float) -> None:
    """A crisis: charged to the agency that bears it and to the crisis cost of its kind."""
    acc[kind] += charge(r, acc, agency, amount)


@njit(cache=True, inline="always")
def staff_time(p, agency: int, minutes: float) -> float:
    """Pence for ``minutes`` of the time of the staff whose spend is ``agency``."""
    return minutes / 60.0 * p.derived_agency_hour[agency - M.COST_REVENUES]


@njit(cache=True, inline="always")
def _revenues_time(acc, agency: int, minutes: float) -> None:
    """Revenues officers' time, tallied against their staffed hours."""
    if agency == M.COST_REVENUES:
        acc[M.REVENUES_STAFF_SECONDS] += pence(minutes * 60.0)


@njit(cache=True, inline="always")
def work(r, acc, agency: int, hours: float, p) -> None:
    """Officer time on a citizen's case (a summons, a referral), charged to the agency at
    its staff's hourly cost."""
    charge(r, acc, agency, hours * p.derived_agency_hour[agency - M.COST_REVENUES])
    _revenues_time(acc, agency, hours * 60.0)


@njit(cache=True, inline="always")
def _failure(acc, cost: int, minutes: float) -> None:
    acc[M.FAILURE_COST] += cost
    acc[M.FAILURE_STAFF_SECONDS] += pence(minutes * 60.0)


@njit(cache=True, inline="always")
def contact(r, acc, agency: int, failure: bool, p) -> None:
    """A contact a citizen makes with a service, costed as the staff time it takes
    (``costs.contact_minutes``), tagged value or failure demand."""
    minutes = p.costs_contact_minutes
    cost = charge(r, acc, agency, staff_time(p, agency, minutes))
    _revenues_time(acc, agency, minutes)
    acc[M.CONTACTS] += 1
    if failure:
        acc[M.FAILURE_CONTACTS] += 1
        _failure(acc, cost, minutes)


@njit(cache=True, inline="always")
def triage(r, acc, agency: int, p) -> None:
    """A service's triage call to a citizen at its wrong door: failure demand, costed as
    the service's staff time, not a contact the citizen makes."""
    minutes = p.costs_contact_minutes
    _failure(acc, charge(r, acc, agency, staff_time(p, agency, minutes)), minutes)


@njit(cache=True, inline="always")
def failure_charge(r, acc, agency: int, amount: float) -> None:
    """A cost failure demand causes besides staff time (a letter), to the agency."""
    acc[M.FAILURE_COST] += charge(r, acc, agency, amount)


@njit(cache=True, inline="always")
def fee(r, acc, kind: int, amount: int) -> None:
    """Court costs or an enforcement fee (whole pence) charged to the citizen."""
    r.fees_charged += amount
    acc[kind] += amount


@njit(cache=True, inline="always")
def tally_citizen(r, p, week: int, acc) -> None:
    """Phase 6: add this citizen's end-of-week state to the stocks.

    Every stock is added to, a citizen's share being 0 or 1 (or its sum): testing each
    state first was a branch on each that the processor could not predict, and slower.
    """
    status = int(r.status)
    stage = int(r.stage)
    case = int(r.case)
    flagged = (status & Status.FLAGGED) != 0
    acc[M.IN_WORK] += (r.domains & Domain.WORK) == 0
    acc[M.IN_ENFORCEMENT] += is_enforcement(stage)
    acc[M.ON_PLAN] += (status & Status.ON_PLAN) != 0
    acc[M.FLAGGED] += flagged
    acc[M.TURNED_AROUND] += flagged & (r.stable_weeks >= p.outcomes_turned_around_weeks)
    acc[M.HOMELESS] += r.homeless_weeks > 0
    acc[M.CHILDREN_IN_CARE] += r.care_weeks > 0
    acc[M.CLAIMS_OVERDUE] += (r.claim == Claim.PENDING) & (
        week - int(r.claim_week) > p.benefits_target_weeks)
    acc[M.ACTIVE_CASES] += case_is_open(case)
    acc[M.WAITING_CASES] += case == Case.WAITING
    asks = int(r.asks)
    for s in range(N_SERVICES):
        acc[service_metric(s, WAITING)] += (asks >> s) & 1
    acc[M.IN_CT_ARREARS] += r.ct_arrears > 0
    acc[M.CT_ARREARS_TOTAL] += r.ct_arrears
    acc[M.EA_FEES_OWED_TOTAL] += r.ea_compliance_due + r.ea_fees_due
    acc[M.RENT_ARREARS_TOTAL] += r.rent_arrears
    acc[M.OTHER_DEBT_TOTAL] += r.other_debt
    acc[M.SAVINGS_TOTAL] += r.savings
    acc[M.STRESS_MICRO] += pence(float(r.stress) * MICRO)
    acc[M.WELLBEING_MICRO] += pence(float(r.wellbeing) * MICRO)
    acc[M.TRUST_MICRO] += pence(float(r.trust) * MICRO)
