"""Outputs on who is harmed and on failure demand."""

from __future__ import annotations

import numpy as np

from placesim.deciles import by_income_decile
from placesim.engine.metrics import M
from placesim.indicators import CONTACTS, weekly_indicators
from placesim.model import PlaceModel


def test_deciles_cover_everyone_and_order_by_income():
    model = PlaceModel(regime="target", citizens=2000, weeks=20, seed=4)
    while model.running:
        model.step()
    citizens = model.citizens()
    table = by_income_decile(citizens)
    assert list(table["decile"]) == list(range(1, 11))
    assert table["people"].sum() == 2000 and (table["people"] == 200).all()
    flagged = int((citizens["status"] & 1).astype(bool).sum())
    assert table["flagged"].sum() == flagged
    # the poorest decile carries more debt than the richest in this place
    assert table["mean_debt"].iloc[0] > table["mean_debt"].iloc[-1]


def test_failure_demand_share_is_chases_over_all_contacts():
    totals = np.zeros(len(M), dtype=np.int64)
    totals[M.RESPONSES], totals[M.CLAIMS], totals[M.CHANGES_REPORTED] = 5, 3, 2
    totals[M.CHASES] = 10
    assert weekly_indicators(totals, 100)["failure_demand_share"] == 10 / 20
    assert M.CHASES in CONTACTS
    assert weekly_indicators(np.zeros(len(M), dtype=np.int64), 100)[
        "failure_demand_share"] == 0.0
