"""Each citizen's outcomes at the end of a run: a run read person by person.

Under common random numbers the same citizen lives the same life events under every
regime run with one seed, so these rows pair person by person between regimes: that is
what lets a comparison say who is better off, and by how much (``placesim.compare``).
Money in GBP.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placesim.engine.state import PENCE, Domain, Status


def weekly_income(records: np.ndarray) -> np.ndarray:
    """What a citizen has coming in a week when nothing else changes, in pence: earnings
    at full hours if in work, plus the cash benefit award."""
    in_work = (records["domains"] & Domain.WORK) == 0
    return (np.where(in_work, records["earnings_capacity"], 0).astype(np.int64)
            + records["award"])


DEBT_FIELDS = ("ct_arrears", "ea_compliance_due", "ea_fees_due", "rent_arrears",
               "other_debt")


def debt(records: np.ndarray) -> np.ndarray:
    """Everything a citizen owes, in pence: council tax with court costs, enforcement
    fees, rent arrears and other debt (summed in int64: int32 fields could overflow)."""
    return sum(records[name].astype(np.int64) for name in DEBT_FIELDS)


def citizen_outcomes(start_income: np.ndarray, final: np.ndarray,
                     turned_around_weeks: int) -> pd.DataFrame:
    """One row per citizen: weekly income at the start and the end (GBP), and at the end
    of the run debt (GBP), wellbeing (0-10), stress (0-1), whether in council-tax arrears,
    in temporary accommodation or with a child in care; over the run fees charged,
    public cost and council tax paid (GBP); ever flagged for arrears and, of those, a
    life turned around (stable for ``turned_around_weeks``)."""
    flagged = (final["status"] & Status.FLAGGED) != 0
    return pd.DataFrame({
        "citizen": np.arange(len(final), dtype=np.int32),
        "income_start": start_income / PENCE,
        "income_end": weekly_income(final) / PENCE,
        "debt": debt(final) / PENCE,
        "wellbeing": final["wellbeing"],
        "stress": final["stress"],
        "in_ct_arrears": final["ct_arrears"] > 0,
        "homeless": final["homeless_weeks"] > 0,
        "child_in_care": final["care_weeks"] > 0,
        "fees_charged": final["fees_charged"] / PENCE,
        "public_cost": final["public_cost"] / PENCE,
        "ct_paid": final["ct_paid"] / PENCE,
        "flagged": flagged,
        "turned_around": flagged & (final["stable_weeks"] >= turned_around_weeks),
    })
