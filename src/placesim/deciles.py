"""Who is harmed: the end-of-run state of citizens by decile of weekly income.

Income is what a citizen has coming in at the end of the run when nothing else changes
(``outcomes.weekly_income``). Deciles are cut on the population of each run; under
common random numbers both regimes have the same people, but a regime that changes
incomes can move people between deciles (a comparison pairs people instead, by their
income at the start: ``placesim.compare``).
"""

from __future__ import annotations

import pandas as pd


def decile_of(income: pd.Series) -> pd.Series:
    """Income decile 1 (poorest) to 10, equal numbers of people in each; ties broken by
    citizen order, so the cut does not depend on anything random."""
    return pd.qcut(income.rank(method="first"), 10, labels=range(1, 11)).astype("int8")


def by_income_decile(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Per decile of end-of-run income (``outcomes.citizen_outcomes``): people, mean debt
    (GBP), share in council-tax arrears, mean fees charged and public cost over the run
    (GBP), mean wellbeing and stress, people ever flagged and, of them, lives turned
    around."""
    table = outcomes.assign(decile=decile_of(outcomes["income_end"])).groupby(
        "decile", observed=True).agg(
        people=("debt", "size"), mean_debt=("debt", "mean"),
        share_in_ct_arrears=("in_ct_arrears", "mean"),
        mean_fees_charged=("fees_charged", "mean"), mean_public_cost=("public_cost", "mean"),
        mean_wellbeing=("wellbeing", "mean"), mean_stress=("stress", "mean"),
        flagged=("flagged", "sum"), turned_around=("turned_around", "sum"))
    return table.reset_index()
