"""A citizen record as plain Python numbers, and the ODD's small shared formulas.

``Record`` keeps each field with the width of the packed record (docs/odd.md, section 2):
whole numbers wrap to their integer type and floats round to float32, so a rule and a
reference that store the same value hold the same number. Money is in whole pence; the
parameter record ``p`` holds pounds converted to pence.
"""

from __future__ import annotations

import math

import numpy as np

from placesim.engine.metrics import N_METRICS, M
from placesim.engine.state import CITIZEN_FIELDS, Domain, Tenure, empty_citizens
from placesim.scenario.fields import HOUSEHOLDS

_TYPES = {name: np.dtype(dtype) for name, dtype, _ in CITIZEN_FIELDS}


def _stored(dtype: np.dtype, value: object) -> int | float:
    if dtype.kind == "f":
        return float(dtype.type(value))
    bits = dtype.itemsize * 8
    low = -(1 << (bits - 1)) if dtype.kind == "i" else 0
    return (int(value) - low) % (1 << bits) + low


class Record:
    """One citizen's fields (``state.CITIZEN_FIELDS``) as attributes."""

    def __init__(self, **values: object):
        for name in _TYPES:
            setattr(self, name, values.get(name, 0))

    def __setattr__(self, name: str, value: object) -> None:
        object.__setattr__(self, name, _stored(_TYPES[name], value))

    def __repr__(self) -> str:
        return f"Record({', '.join(f'{k}={v!r}' for k, v in self.fields().items() if v)})"

    def fields(self) -> dict[str, int | float]:
        return {name: getattr(self, name) for name in _TYPES}

    def copy(self) -> Record:
        return Record(**self.fields())

    @classmethod
    def of(cls, row: np.void) -> Record:
        return cls(**{name: row[name].item() for name in _TYPES})

    def into(self, row: np.void) -> None:
        for name in _TYPES:
            row[name] = getattr(self, name)


def population(records: list[Record]) -> np.ndarray:
    out = empty_citizens(len(records))
    for row, record in zip(out, records, strict=True):
        record.into(row)
    return out


def ledger() -> np.ndarray:
    """An empty row of weekly aggregates, indexed by ``metrics.M``."""
    return np.zeros(N_METRICS, dtype=np.int64)


def half_up(x: float) -> int:
    """round(x) of the ODD: to a whole penny (or whole number), halves up."""
    return math.floor(x + 0.5)


def trouble(domains: int) -> int:
    """n_trouble: how many life domains are in trouble."""
    return domains.bit_count()


def gross_council_tax(band: int, p) -> int:
    """gross CT = round(council_tax.band_d_annual x (6 + band) / 9 / 52), pence a week."""
    return half_up(p.council_tax_band_d_annual * (6 + band) / 9 / 52)


def net_liability(r: Record, p) -> int:
    """The week's council tax less the support awarded."""
    gross = gross_council_tax(r.band, p)
    return gross - min(r.cts_award, gross)


def owed(r: Record) -> int:
    """Everything owed on council tax: arrears with court costs, and agent fees."""
    return r.ct_arrears + r.ea_compliance_due + r.ea_fees_due


def earned(r: Record, p) -> int:
    """Earnings: none out of work; fewer while ill and in a caring crisis."""
    if r.domains & Domain.WORK:
        return 0
    factor = 1.0
    if r.domains & Domain.HEALTH:
        factor *= 1 - p.life_illness_earnings_loss
    if r.domains & Domain.CARING:
        factor *= 1 - p.life_caring_earnings_loss
    return half_up(r.earnings_capacity * factor)


def rent(r: Record) -> int:
    """A renter's housing cost is its rent; an owner pays none."""
    return r.housing_cost if r.tenure in (Tenure.SOCIAL_RENT, Tenure.PRIVATE_RENT) else 0


def rent_charged(r: Record) -> int:
    """No rent while in temporary accommodation."""
    return 0 if r.homeless_weeks > 0 else rent(r)


def mortgage(r: Record) -> int:
    """A mortgaged owner's housing cost is its mortgage payment."""
    return r.housing_cost if r.tenure == Tenure.MORTGAGED else 0


def living(household: int, p) -> int:
    """money.living_<household>, in whole pence."""
    return half_up(getattr(p, f"money_living_{HOUSEHOLDS[household]}"))


def allowance(household: int, p) -> float:
    return getattr(p, f"benefits_allowance_{HOUSEHOLDS[household]}")


def minimum_repayment(balance: int, p) -> int:
    """The minimum instalment on a debt: a share of it, at least a pound (none if none)."""
    if balance <= 0:
        return 0
    return min(balance, max(100, half_up(balance * p.money_other_debt_repayment)))


def charge(r: Record, acc: np.ndarray, agency: int, amount: float) -> int:
    """A public cost, rounded to the penny, to an agency and to the citizen."""
    pence = half_up(amount)
    acc[agency] += pence
    r.public_cost += pence
    return pence


# Whose staff take a call, by the spend it is charged to: their hourly cost (pence).
HOURLY = {M.COST_REVENUES: "costs_revenues_hour", M.COST_BENEFITS: "costs_benefits_hour",
          M.COST_HOUSING: "housing_officer_hour", M.COST_HEALTH: "health_officer_hour",
          M.COST_SOCIAL_CARE: "social_care_officer_hour", M.COST_VCS: "vcs_officer_hour"}


def call(r: Record, acc: np.ndarray, agency: int, failure: bool, p) -> None:
    """A phone contact or triage call: costs.contact_minutes of the agency's staff time;
    failure demand also counts its cost and its staff seconds."""
    cost = charge(r, acc, agency, p.costs_contact_minutes / 60 * getattr(p, HOURLY[agency]))
    if agency == M.COST_REVENUES:
        acc[M.REVENUES_STAFF_SECONDS] += half_up(p.costs_contact_minutes * 60)
    if failure:
        acc[M.FAILURE_COST] += cost
        acc[M.FAILURE_STAFF_SECONDS] += half_up(p.costs_contact_minutes * 60)


def officer_hours(r: Record, acc: np.ndarray, hours: float, p) -> None:
    """A revenues officer's hours on a case (a summons, a referral), costed and tallied."""
    charge(r, acc, M.COST_REVENUES, hours * p.costs_revenues_hour)
    acc[M.REVENUES_STAFF_SECONDS] += half_up(hours * 60 * 60)
