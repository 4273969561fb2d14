"""Who is harmed: the end-of-run state of citizens by decile of weekly income.

Income is what a citizen has coming in at the end of the run when nothing else changes:
earnings at full hours if in work, plus the cash benefit award. Deciles are cut on the
population of each run; under common random numbers both regimes have the same people,
but a regime that changes incomes can move people between deciles.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placesim.engine.state import Domain, Status

PENCE = 100.0


def by_income_decile(citizens: pd.DataFrame, turned_around_weeks: int) -> pd.DataFrame:
    """Per decile: people, mean debt (GBP), share in council-tax arrears, mean fees
    charged and public cost over the run (GBP), mean wellbeing and stress, people ever
    flagged and, of them, lives turned around (stable for ``turned_around_weeks``, the
    scenario's outcomes.turned_around_weeks)."""
    in_work = (citizens["domains"] & Domain.WORK) == 0
    income = np.where(in_work, citizens["earnings_capacity"], 0) + citizens["award"]
    debt = (citizens["ct_arrears"].astype(np.int64) + citizens["ea_compliance_due"]
            + citizens["ea_fees_due"] + citizens["rent_arrears"] + citizens["other_debt"])
    flagged = (citizens["status"] & Status.FLAGGED) != 0
    frame = pd.DataFrame({
        "decile": pd.qcut(pd.Series(income).rank(method="first"), 10, labels=range(1, 11)),
        "debt": debt / PENCE, "in_ct_arrears": citizens["ct_arrears"] > 0,
        "fees_charged": citizens["fees_charged"] / PENCE,
        "public_cost": citizens["public_cost"] / PENCE,
        "wellbeing": citizens["wellbeing"], "stress": citizens["stress"],
        "flagged": flagged,
        "turned_around": flagged & (citizens["stable_weeks"] >= turned_around_weeks)})
    table = frame.groupby("decile", observed=True).agg(
        people=("debt", "size"), mean_debt=("debt", "mean"),
        share_in_ct_arrears=("in_ct_arrears", "mean"),
        mean_fees_charged=("fees_charged", "mean"), mean_public_cost=("public_cost", "mean"),
        mean_wellbeing=("wellbeing", "mean"), mean_stress=("stress", "mean"),
        flagged=("flagged", "sum"), turned_around=("turned_around", "sum"))
    return table.reset_index()
