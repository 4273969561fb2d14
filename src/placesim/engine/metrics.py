"""Weekly aggregates, accumulated exactly in int64 by the kernels.

Money is in pence; counts are people or events; the three ``*_MICRO`` sums hold
per-citizen values scaled by 1e6 and rounded, so that even the means of float state
are exact integer sums and do not depend on how citizens are chunked or threaded.
Flows (``*_PAID``, ``EARNINGS`` ...) are this week's; stocks (``*_TOTAL``, counts of people
in a state) are end of week. ``METRIC_DOCS`` says what each one counts.

Each service of :class:`~placesim.engine.state.Service` has the same block of metrics
(``HOUSING_ASKS``, ``HEALTH_ASKS`` ...); rules reach them with :func:`service_metric`.
Rules never index the aggregates themselves: they report what happened to the ledger
(``rules.ledger``), which counts it here.
"""

from __future__ import annotations

from enum import IntEnum

from numba import njit

from placesim.engine.state import Service

_FLOWS = (
    # money flows of citizens, pence this week
    ("EARNINGS", "earnings of citizens in work"),
    ("BENEFITS_PAID", "cash awards paid"),
    ("BENEFITS_ENTITLED", "cash entitlement under the rules"),
    ("CTS_GRANTED", "council-tax support applied against liability"),
    ("CTS_ENTITLED", "council-tax support entitlement under the rules"),
    ("CT_LIABILITY", "council tax charged, net of support (with CT_ACCELERATED)"),
    ("CT_ACCELERATED", "the rest of a year's council tax made due at once with a summons"),
    ("CT_PAID", "paid to the council: instalments, plans, deductions, via a bailiff"),
    ("CT_CAUGHT_UP", "missed council tax caught up before any reminder (also in CT_PAID)"),
    ("LIVING_SPENT", "essential living costs"),
    ("MORTGAGE_PAID", "mortgage payments of mortgaged owners"),
    ("BORROWED", "essential spending and mortgage payments funded by new other debt"),
    ("RENT_DUE", "rent charged to housed renters"),
    ("RENT_PAID", "rent and rent-arrears instalments paid"),
    ("OTHER_DEBT_REPAID", "other debt repaid"),
    ("DISCRETIONARY_SPENT", "discretionary spending: cash above households' savings buffers"),
    ("COURT_COSTS_ADDED", "liability-order costs added to council-tax debt"),
    ("EA_FEES_CHARGED", "enforcement fees charged to citizens"),
    ("EA_FEES_PAID", "fees paid by citizens to the enforcement agent"),
    ("EA_FEES_WRITTEN_OFF", "fees left unpaid when the enforcement agent returns a referral"),
    ("EA_DEBT_RECOVERED", "council-tax debt the enforcement agent recovered for the council"),
    ("EA_PLACED", "debt passed to an enforcement agent this week"),
    ("EA_CLOSED_PLACED", "sum placed on enforcement referrals that ended this week"),
    ("EA_CLOSED_RECOVERED", "debt recovered on enforcement referrals that ended this week"),
    ("GOODS_SOLD", "goods sold by the enforcement agent, turned into payments"),
    ("ARREARS_PAYMENTS", "rent arrears paid off by the housing service"),
)
_COSTS = (
    # public spend by agency, pence this week
    ("COST_REVENUES", "council revenues: letters, contacts, court work, referrals"),
    ("COST_COURTS", "court fees paid by the council"),
    ("COST_BENEFITS", "benefit decisions and contacts"),
    ("COST_RELATIONAL", "the relational team: casework, contacts and specialist fixes"),
    ("COST_HOUSING", "housing service: contacts, assessments, help, temporary accommodation"),
    ("COST_HEALTH", "health: contacts, assessments, help, A&E, mental-health crises"),
    ("COST_SOCIAL_CARE", "social care and early help: contacts, help, children in care"),
    ("COST_VCS", "voluntary and community sector: contacts, assessments and help"),
    ("COST_POLICE", "police call-outs"),
)
_CRISES = (
    # public cost of crises by type, pence this week (each also in its agency's spend)
    ("CRISIS_COST_TEMPORARY_ACCOMMODATION", "temporary accommodation of evicted households"),
    ("CRISIS_COST_AE", "A&E attendances"),
    ("CRISIS_COST_MH", "mental-health crises"),
    ("CRISIS_COST_CARE", "children in care"),
    ("CRISIS_COST_POLICE", "police call-outs"),
    # failure demand, pence this week (each also in its agency's spend)
    ("FAILURE_COST", "cost of failure demand: contacts and assessments caused by something "
     "not done or not done right"),
)
_EVENTS = (
    ("REMINDERS", "council-tax reminders sent"),
    ("FINAL_NOTICES", "final notices sent"),
    ("SUMMONSES", "summonses issued"),
    ("LIABILITY_ORDERS", "liability orders made"),
    ("EA_REFERRALS", "debts passed to an enforcement agent (referrals)"),
    ("EA_VISITS", "enforcement agents' (bailiffs') visits"),
    ("EA_SALES", "goods removed for sale"),
    ("EA_CONTACTS", "enforcement visits that found the debtor at home (also in RESPONSES)"),
    ("RESPONSES", "citizens answering a letter or a visit"),
    ("PLANS_AGREED", "payment plans agreed"),
    ("PLANS_BROKEN", "payment plans broken"),
    ("PAID_IN_FULL", "council-tax debts paid in full on response"),
    ("PAID_DUE", "council-tax accounts brought up to date on response after a summons, "
     "instalments restored (also in PLANS_AGREED)"),
    ("CLAIMS", "benefit claims made"),
    ("CHANGES_REPORTED", "changes of circumstances reported"),
    ("REAPPLICATIONS", "changes reported because the award in payment was decided wrongly "
     "(failure demand)"),
    ("CHASES", "claimants chasing a decision (failure demand)"),
    ("EVIDENCE_REQUESTS", "late claims reclassified as awaiting evidence: a letter and a "
     "call that stop the clock (failure demand)"),
    ("CONTACTS", "contacts citizens make with services, value and failure demand"),
    ("FAILURE_CONTACTS", "contacts that are failure demand"),
    ("FAILURE_STAFF_SECONDS", "staff time failure demand took: failure-demand contacts and "
     "triage calls, seconds"),
    ("REVENUES_STAFF_SECONDS", "revenues officers' time on citizens: answering letters, "
     "preparing summonses, passing cases to agents, seconds"),
    ("DECISIONS", "standard-route benefit decisions"),
    ("DECISION_ERRORS", "wrong standard-route decisions"),
    ("DECISIONS_ON_TIME", "decisions made within the target (real)"),
    ("DECISIONS_REPORTED_ON_TIME", "decisions the service reports as within the target"),
    ("DECISION_WAIT_WEEKS", "weeks decided claims had waited (what claimants saw)"),
    ("SPECIALIST_FIXES", "benefit awards put right by the team's specialist"),
    ("CASE_INTAKES", "cases taken on by a caseworker"),
    ("CASES_ENGAGED", "cases where outreach reached the person"),
    ("CAUSES_FOUND", "cases where the real causes were found"),
    ("CASE_CLOSURES", "relational cases closed"),
    ("GOOD_CLOSURES", "relational cases closed because the person had become stable"),
    ("TEAM_REFERRALS", "referrals the relational team made to services"),
    ("POLICE_REFERRALS", "welfare concerns the police passed to social care"),
    ("JOB_LOSSES", "people losing work"),
    ("ILLNESSES", "people falling ill"),
    ("CARING_CRISES", "caring crises"),
    ("HOUSING_TROUBLES", "people falling into housing trouble"),
    ("FAMILY_TROUBLES", "families falling into trouble"),
    ("KIN_SHOCKED", "citizens a family member's shock of last week reached"),
    ("EVICTIONS", "evictions"),
    ("AE_ATTENDANCES", "A&E attendances"),
    ("MH_CRISES", "mental-health crises"),
    ("CARE_ENTRIES", "children taken into care"),
    ("POLICE_CALLOUTS", "police call-outs to families in trouble"),
)
# Each service's block of metrics: (suffix, what it counts this week).
SERVICE_KINDS = (
    ("ASKS", "requests arriving at this service"),
    ("REPEAT_ASKS", "requests from citizens turned away or lost before (failure demand)"),
    ("WRONG_DOOR", "requests about a life domain the service does not own"),
    ("REFERRED_ON", "wrong-door requests that reached the right service"),
    ("LOST", "wrong-door requests lost in the hand-off"),
    ("GAVE_UP", "requests abandoned after waiting demand.give_up_weeks"),
    ("TURNED_AWAY", "requests turned away (below the gate, or too complex)"),
    ("CASES", "requests accepted as cases"),
    ("EARLY_HELP", "cases helped below the gate at full strength (early help)"),
    ("HELPED", "cases whose trouble the help lifted (real resolution)"),
    ("REPORTED_RESOLVED", "cases closed and reported as resolved"),
    ("WAITING", "requests waiting at the end of the week (a stock)"),
)
_STOCKS = (
    ("IN_WORK", "people in work"),
    ("IN_CT_ARREARS", "people owing council tax"),
    ("IN_ENFORCEMENT", "people at a compliance or enforcement stage"),
    ("ON_PLAN", "people on a payment plan"),
    ("HOMELESS", "households in temporary accommodation"),
    ("CHILDREN_IN_CARE", "households with a child in care"),
    ("CLAIMS_OVERDUE", "claims still waiting past the benefits target"),
    ("WRONG_BENEFITS", "awards off entitlement by more than the tolerance, at payment"),
    ("FLAGGED", "people ever flagged for council-tax arrears"),
    ("TURNED_AROUND", "flagged people stable for the required weeks"),
    ("ACTIVE_CASES", "open relational cases"),
    ("WAITING_CASES", "flagged cases waiting for a caseworker"),
    # pence
    ("CT_ARREARS_TOTAL", "council tax owed"),
    ("EA_FEES_OWED_TOTAL", "enforcement fees owed"),
    ("RENT_ARREARS_TOTAL", "rent owed"),
    ("OTHER_DEBT_TOTAL", "other debt"),
    ("SAVINGS_TOTAL", "savings"),
    # float state, summed as micro-units
    ("STRESS_MICRO", "stress, x 1e6"),
    ("WELLBEING_MICRO", "wellbeing, x 1e6"),
    ("TRUST_MICRO", "trust, x 1e6"),
)
_WORKFORCE = (
    # phase 7, not attributable to a citizen
    ("LEAVERS", "workers who left this week (each replaced at once)"),
    ("COST_RECRUITMENT", "recruiting and inducting replacements, pence"),
)
_SERVICE_BLOCK = tuple((f"{s.name}_{kind}", f"{s.name.lower().replace('_', ' ')}: {doc}")
                       for s in Service for kind, doc in SERVICE_KINDS)
_ALL = _FLOWS + _COSTS + _CRISES + _EVENTS + _SERVICE_BLOCK + _STOCKS + _WORKFORCE

M = IntEnum("M", [name for name, _ in _ALL], start=0)
M.__doc__ = "Index of each weekly aggregate (see METRIC_DOCS)."
METRIC_DOCS = {M[name]: doc for name, doc in _ALL}
N_METRICS = len(M)
MICRO = 1_000_000.0

SERVICE_BASE = int(M.HOUSING_ASKS)
N_SERVICE_KINDS = len(SERVICE_KINDS)
ASKS, REPEAT_ASKS, WRONG_DOOR, REFERRED_ON, LOST, GAVE_UP, TURNED_AWAY, CASES, EARLY_HELP, \
    HELPED, REPORTED_RESOLVED, WAITING = range(N_SERVICE_KINDS)
# Spend by agency, indexed by Service (what a service's contacts and help cost).
SERVICE_COSTS = (int(M.COST_HOUSING), int(M.COST_HEALTH), int(M.COST_SOCIAL_CARE),
                 int(M.COST_VCS))

MONEY_METRICS = frozenset(
    {M[name] for name, _ in _FLOWS + _COSTS + _CRISES}
    | {M.CT_ARREARS_TOTAL, M.EA_FEES_OWED_TOTAL, M.RENT_ARREARS_TOTAL, M.OTHER_DEBT_TOTAL,
       M.SAVINGS_TOTAL, M.COST_RECRUITMENT})
COST_METRICS = tuple(M[name] for name, _ in _COSTS)
CRISIS_COST_METRICS = tuple(M[name] for name, _ in _CRISES[:-1])


def metric_name(m: M) -> str:
    return m.name.lower()


@njit(cache=True)
def service_metric(service: int, kind: int) -> int:
    """Index in the weekly aggregates of one of a service's metrics (``SERVICE_KINDS``)."""
    return SERVICE_BASE + service * N_SERVICE_KINDS + kind
