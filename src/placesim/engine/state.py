"""The population: one packed record per citizen, all citizens in one numpy array.

Each column is reachable as ``population["field"]`` (a strided view), and a record
``population[i]`` is one citizen's whole state: numba passes it to the per-citizen
functions as a pointer, and a Mesa agent can hold one as its own state. The rules touch
most fields of a citizen every week, so keeping them together costs no memory traffic.
Money is held in whole pence so that every sum is exact, money is conserved to the penny
and totals do not depend on the order in which citizens are added up. Weekly sums are
drawn at most a cap (``EARNINGS_PENCE_CAP``, ``RENT_PENCE_CAP``), so a debt built
from them over the longest run stays within int32; savings (drawn up to
``SAVINGS_PENCE_CAP``), the buffer they are drawn as, and the run's cumulative tallies
are int64. Bit flags and small codes are
uint8/uint16. The same field list defines the per-citizen Parquet output.

Beside the codes are what they mean in the rules (``count_domains``, ``is_renting``,
``is_enforcement``, ``case_is_open``): small compiled functions every rule module shares.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numba import njit

PENCE = 100  # pence in a pound: money is held in whole pence, shown in pounds
COUNT_CAP = 255  # the largest count a uint8 field holds: the stage clock, turned_away
STABLE_WEEKS_CAP = 65_535  # the largest count of stable weeks (uint16)
# The most a citizen is drawn to earn in a week at full hours (GBP 20,000) and to pay for
# its home (rent or mortgage, GBP 5,000): rent arrears over the longest run (2,600 weeks
# and a burn-in of up to 520) then stay below 2**31 pence. Starting savings are drawn at
# most GBP 10 billion.
EARNINGS_PENCE_CAP = 2_000_000
RENT_PENCE_CAP = 500_000
SAVINGS_PENCE_CAP = 10**12


class Domain(IntEnum):
    """Life domains, as bits of ``Citizens.domains``: set means in trouble."""

    WORK = 1
    HEALTH = 2
    CARING = 4
    HOUSING = 8
    FAMILY = 16


class Status(IntEnum):
    """Bits of ``Citizens.status``."""

    FLAGGED = 1  # ever raised the council-tax arrears flag
    ON_PLAN = 2  # has a council-tax (or enforcement) payment plan
    RESPONDED = 4  # answered a letter or visit this week
    CAUSES_FOUND = 8  # a caseworker has found the real causes and connected help
    ROUTED = 16  # a flagged household offered to the relational team
    PAUSED = 32  # the recovery ladder paused while engaged with a caseworker
    ATTACHMENT = 64  # deductions from benefits for council-tax arrears
    WRONGED = 128  # the benefit award in payment came from a wrong decision


class Service(IntEnum):
    """The services a citizen can ask for help; bit ``1 << s`` of ``Citizens.asks``.

    Each owns life domains (``rules.demand.service_domains``); a request for help with a
    domain the service does not own has come to a wrong door.
    """

    HOUSING = 0  # housing options and homelessness prevention
    HEALTH = 1  # GP and community mental health
    SOCIAL_CARE = 2  # social care and early help
    VCS = 3  # voluntary and community sector: work, money and advice


N_SERVICES = len(Service)


class Stage(IntEnum):
    """The statutory council-tax recovery ladder, as ``Citizens.stage``: letters, court,
    then the enforcement agent (bailiff) at COMPLIANCE and ENFORCEMENT."""

    NONE = 0
    REMINDER = 1
    FINAL_NOTICE = 2
    SUMMONS = 3
    LIABILITY_ORDER = 4
    COMPLIANCE = 5
    ENFORCEMENT = 6
    RETURNED = 7


class Tenure(IntEnum):
    """How a household holds its home, as ``Citizens.tenure``. It decides what
    ``Citizens.housing_cost`` is (a rent, a mortgage payment or nothing), whether housing
    support meets it (rent only) and whether the household can fall into rent arrears and
    be evicted (renters only)."""

    OUTRIGHT = 0  # an owner-occupier without a mortgage: no housing cost
    MORTGAGED = 1  # an owner-occupier buying with a mortgage
    SOCIAL_RENT = 2  # a council or housing-association tenant
    PRIVATE_RENT = 3  # a private landlord's tenant


class Claim(IntEnum):
    """Benefit claim state, as ``Citizens.claim``."""

    NONE = 0  # no claim or change waiting for a decision
    PENDING = 1


class Case(IntEnum):
    """A citizen's relational case (the relational team's casework), as ``Citizens.case``.

    Not a service's case (a request a service accepts) nor an enforcement agent's
    referral. A case is open from OUTREACH to WORKING.
    """

    NONE = 0
    WAITING = 1
    OUTREACH = 2
    ENGAGED = 3
    FIX_QUEUED = 4
    WORKING = 5
    CLOSED = 6


CITIZEN_FIELDS: tuple[tuple[str, type, str], ...] = (
    ("household", np.uint8,
     "household type: 0 single, 1 couple, 2 lone parent, 3 couple with children"),
    ("band", np.uint8, "council-tax band: 0 A .. 3 D"),
    ("tenure", np.uint8, "how the home is held (Tenure)"),
    ("domains", np.uint8, "life domains in trouble (Domain bits)"),
    ("status", np.uint8, "Status bits"),
    ("stage", np.uint8, "council-tax recovery stage (Stage)"),
    ("stage_weeks", np.uint8, "weeks at the current recovery stage (capped at 255)"),
    ("claim", np.uint8, "benefit claim state (Claim)"),
    ("case", np.uint8, "relational case state (Case)"),
    ("plan_misses", np.uint8, "consecutive missed plan instalments"),
    ("homeless_weeks", np.uint8, "weeks left in temporary accommodation"),
    ("care_weeks", np.uint8, "weeks a child taken into care has left to stay there"),
    ("caseworker", np.int32, "caseworker index, -1 for none"),
    ("claim_week", np.int16, "week the pending claim or change was made"),
    ("case_week", np.int16, "week the relational case entered its current queue"),
    ("asks", np.uint8, "services asked for help, awaiting them (Service bits)"),
    ("ask_week", np.int16, "week of the oldest pending request for help"),
    ("turned_away", np.uint8, "times a service has turned this citizen away or lost them"),
    ("family", np.int32, "id of the first member of this citizen's family (kin in the place)"),
    ("family_size", np.uint8, "members of the family, this citizen included"),
    ("onsets_even", np.uint8, "life domains that fell into trouble in the last even week"),
    ("onsets_odd", np.uint8, "life domains that fell into trouble in the last odd week"),
    ("stable_weeks", np.uint16, "consecutive stable weeks (capped at 65535)"),
    ("earnings_capacity", np.int32, "pence per week earned at full hours when in work"),
    ("housing_cost", np.int32, "pence per week: the rent of a renting household, the "
     "mortgage payment of a mortgaged owner, none for an outright owner"),
    ("award", np.int32, "cash benefit award in pence per week"),
    ("cts_award", np.int32, "council-tax support award in pence per week"),
    ("savings", np.int64, "pence"),
    ("savings_buffer", np.int64, "savings the household keeps, pence: what it was drawn to "
     "hold; cash above it is spent (money.discretionary_spending)"),
    ("ct_arrears", np.int32, "council-tax owed to the council, with court costs, pence"),
    ("ct_due_until", np.int16, "week from which weekly council tax is charged again after "
     "the rest of a year's bill was made due at once"),
    ("ea_compliance_due", np.int32, "compliance fee owed to the enforcement agent, pence"),
    ("ea_fees_due", np.int32, "other enforcement fees owed, pence"),
    ("ea_placed", np.int32, "sum placed with the enforcement agent, pence"),
    ("ea_recovered", np.int32, "debt the enforcement agent recovered on this referral, pence"),
    ("rent_arrears", np.int32, "pence"),
    ("other_debt", np.int32, "pence"),
    ("plan_instalment", np.int32, "pence per week"),
    ("public_cost", np.int64, "cumulative public cost of services to this citizen, pence"),
    ("fees_charged", np.int64, "cumulative court costs and enforcement fees charged, pence"),
    ("ct_paid", np.int64, "cumulative council tax and costs paid, pence"),
    ("engagement", np.float32, "propensity to open letters, answer and ask for help"),
    ("trust", np.float32, "trust in public services, 0-1"),
    ("stress", np.float32, "how much life is wobbling, 0-1"),
    ("wellbeing", np.float32, "life satisfaction, 0-10"),
    ("relationship", np.float32, "strength of the relationship with a caseworker, 0-1"),
)

CITIZEN_DTYPE = np.dtype([(name, dtype) for name, dtype, _ in CITIZEN_FIELDS], align=False)
BYTES_PER_CITIZEN = CITIZEN_DTYPE.itemsize


def empty_citizens(n: int) -> np.ndarray:
    """A zeroed population of ``n`` packed citizen records.

    A record array: compiled code sees the same array, and with numba's JIT disabled
    ``population[i]`` is a record whose fields the rules read as attributes.
    """
    return np.zeros(n, dtype=CITIZEN_DTYPE).view(np.recarray)


@njit(cache=True)
def count_domains(domains: int) -> int:
    """How many life domains are in trouble (set bits of ``Domain``)."""
    return ((domains & 1) + ((domains >> 1) & 1) + ((domains >> 2) & 1) + ((domains >> 3) & 1)
            + ((domains >> 4) & 1))


@njit(cache=True)
def is_renting(tenure: int) -> bool:
    """Whether a household rents its home (social or private): only renters owe rent."""
    return tenure >= Tenure.SOCIAL_RENT


@njit(cache=True)
def is_enforcement(stage: int) -> bool:
    """Whether the debt is with the enforcement agent (bailiff): COMPLIANCE or ENFORCEMENT."""
    return stage == Stage.COMPLIANCE or stage == Stage.ENFORCEMENT


@njit(cache=True)
def case_is_open(case: int) -> bool:
    """Whether a relational case is open (OUTREACH to WORKING)."""
    return case >= Case.OUTREACH and case <= Case.WORKING
