"""Outputs on who is harmed and on failure demand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from placesim.deciles import by_income_decile, decile_of, decile_starts
from placesim.engine.state import Service
from placesim.model import PlaceModel
from placesim.outcomes import citizen_outcomes, weekly_income


def test_deciles_cover_everyone_and_order_by_income():
    model = PlaceModel(regime="learning", citizens=2000, weeks=40, seed=4)
    while model.running:
        model.step()
    citizens = model.citizens()
    table = by_income_decile(model.engine.citizens, 12)
    assert list(table["decile"]) == list(range(1, 11))
    assert table["people"].sum() == 2000 and (table["people"] == 200).all()
    flagged = int((citizens["status"] & 1).astype(bool).sum())
    assert table["flagged"].sum() == flagged
    # the same count as the model's weekly indicator of lives turned around
    assert table["turned_around"].sum() == model.weekly()["turned_around"].iloc[-1] > 0
    # the poorest decile carries more debt than the richest in this place
    assert table["mean_debt"].iloc[0] > table["mean_debt"].iloc[-1]


def pandas_deciles(outcomes: pd.DataFrame) -> pd.DataFrame:
    """The table as pandas makes it from one row per citizen: deciles cut by qcut of the
    ranks (ties by citizen order), then a groupby."""
    decile = pd.qcut(outcomes["income_end"].rank(method="first"), 10,
                     labels=range(1, 11)).astype("int8")
    return outcomes.assign(decile=decile).groupby("decile", observed=True).agg(
        people=("debt", "size"), mean_debt=("debt", "mean"),
        share_in_ct_arrears=("in_ct_arrears", "mean"),
        mean_fees_charged=("fees_charged", "mean"), mean_public_cost=("public_cost", "mean"),
        mean_wellbeing=("wellbeing", "mean"), mean_stress=("stress", "mean"),
        flagged=("flagged", "sum"), turned_around=("turned_around", "sum")).reset_index()


@pytest.mark.parametrize(("citizens", "regime"), [(2_003, "learning"), (10_000, "target")])
def test_deciles_from_the_records_are_pandas_table_to_the_last_bit(citizens, regime):
    """Made from the records in compiled passes, the table is the one pandas makes from
    the per-citizen outcomes, every mean equal to the last bit (the same cut, and the
    same compensated sums in citizen order, float32 means in float32)."""
    model = PlaceModel(regime=regime, citizens=citizens, weeks=30, seed=5)
    while model.running:
        model.step()
    final = model.engine.citizens
    expected = pandas_deciles(citizen_outcomes(weekly_income(final), final, 12))
    pd.testing.assert_frame_equal(by_income_decile(final, 12), expected, check_exact=True)


def test_the_cut_is_pandas_qcut_of_the_ranks():
    """Deciles begin where qcut of the ranks 1..n into ten quantiles puts them, at every
    size tried (so nothing in the cut is left to rounding), and ties go by citizen."""
    for n in [*range(2, 3_000), 99_991, 1_000_000, 1_000_001]:
        codes = pd.qcut(np.arange(1, n + 1, dtype=float), 10, labels=False)
        ends = np.searchsorted(codes, np.arange(10), side="right")
        assert np.array_equal(decile_starts(n)[1:], ends), n
    income = pd.Series([5.0, 1.0, 5.0, 1.0, 3.0] * 4, name="income_end")
    expected = pd.qcut(income.rank(method="first"), 10, labels=range(1, 11)).astype("int8")
    pd.testing.assert_series_equal(decile_of(income), expected)


def test_every_contact_is_tagged_value_or_failure_demand():
    """Contacts add up from the events that make them; failure demand is the subset
    caused by something not done or not done right."""
    model = PlaceModel(regime="target", citizens=3000, weeks=40, seed=4, overrides={
        "regimes.target.reclassifying": 0.5, "benefits.assessors_per_10k": 4.0})
    while model.running:
        model.step()
    w = model.weekly()
    services = [s.name.lower() for s in Service]
    asks = sum(w[f"{s}_asks"] for s in services)
    referred = sum(w[f"{s}_referred_on"] for s in services)
    repeats = sum(w[f"{s}_repeat_asks"] for s in services)
    contacts = (w.responses - w.ea_contacts + w.claims + w.changes_reported + w.chases
                + w.evidence_requests + asks + referred)
    failures = w.chases + w.reapplications + w.evidence_requests + repeats + referred
    assert (w.contacts == contacts).all() and (w.failure_contacts == failures).all()
    assert w.evidence_requests.sum() > 0 and repeats.sum() > 0 and referred.sum() > 0
    share = w.failure_contacts / w.contacts
    assert np.allclose(w.failure_demand_share[w.contacts > 0], share[w.contacts > 0])
    assert 0 < w.failure_cost.sum() < w.spend_total.sum()
