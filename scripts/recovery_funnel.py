"""The council-tax recovery funnel of a finished run, per 1,000 dwellings, by regime.

    .venv/bin/placesim run scenarios/default.toml --citizens 50000 --weeks 52 --seed 11 \
        --out results/funnel
    .venv/bin/python scripts/recovery_funnel.py results/funnel

A citizen is one household with one home, so dwellings are citizens. What it prints is
what the model gives: the published funnels it is set beside (docs/odd.md, "The
council-tax recovery ladder") are validation figures that no parameter was set to meet.

In-year collection is the share of the council tax made due in the run (weekly bills and
bills accelerated by a summons) that was paid. Court costs are paid through the same
arrears, so it is shown as an interval: the low end counts every unpaid penny at the end
as council tax, the high end counts the court costs added as the first of it.
Enforcement recovery is the debt the agents recovered per pound placed with them, over
referrals that had ended by the end of the run and over all referrals made.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

PER = 1_000
LETTERS = ("reminders", "final_notices", "summonses", "liability_orders", "ea_referrals")


def funnel(weekly: pd.DataFrame, dwellings: int) -> dict[str, float]:
    """The funnel of one regime's weekly indicators (one row per week)."""
    total = weekly.sum(numeric_only=True)
    rate = {name: PER * float(total[name]) / dwellings for name in LETTERS}
    liability = float(total["ct_liability"])
    unpaid = float(weekly["ct_arrears_total"].iloc[-1])
    costs = float(total["court_costs_added"])
    rate["in_year_collection_low"] = 1.0 - unpaid / liability
    rate["in_year_collection_high"] = 1.0 - max(0.0, unpaid - costs) / liability
    rate["ea_recovered_per_placed_closed"] = (
        float(total["ea_closed_recovered"]) / float(total["ea_closed_placed"])
        if total["ea_closed_placed"] else float("nan"))
    rate["ea_recovered_per_placed_all"] = (
        float(total["ea_debt_recovered"]) / float(total["ea_placed"])
        if total["ea_placed"] else float("nan"))
    rate["plans_agreed"] = PER * float(total["plans_agreed"]) / dwellings
    rate["plans_broken"] = PER * float(total["plans_broken"]) / dwellings
    rate["paid_in_full"] = PER * float(total["paid_in_full"]) / dwellings
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="output directory of `placesim run`")
    args = parser.parse_args()
    dwellings = int(json.loads((args.results / "manifest.json").read_text())["citizens"])
    rows = {}
    for path in sorted((args.results / "weekly").glob("regime=*.parquet")):
        regime = path.stem.split("=", 1)[1]
        rows[regime] = funnel(pd.read_parquet(path), dwellings)
    table = pd.DataFrame(rows)
    with pd.option_context("display.float_format", "{:,.3f}".format):
        print(f"per {PER:,} dwellings ({dwellings:,} dwellings), in-year collection and "
              "enforcement recovery as fractions")
        print(table.to_string())


if __name__ == "__main__":
    main()
