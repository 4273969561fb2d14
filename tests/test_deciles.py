"""Outputs on who is harmed and on failure demand."""

from __future__ import annotations

import numpy as np

from placesim.deciles import by_income_decile
from placesim.engine.state import Service
from placesim.model import PlaceModel
from placesim.outcomes import citizen_outcomes, weekly_income


def test_deciles_cover_everyone_and_order_by_income():
    model = PlaceModel(regime="learning", citizens=2000, weeks=40, seed=4)
    start = weekly_income(model.engine.citizens)
    while model.running:
        model.step()
    citizens = model.citizens()
    table = by_income_decile(citizen_outcomes(start, model.engine.citizens, 12))
    assert list(table["decile"]) == list(range(1, 11))
    assert table["people"].sum() == 2000 and (table["people"] == 200).all()
    flagged = int((citizens["status"] & 1).astype(bool).sum())
    assert table["flagged"].sum() == flagged
    # the same count as the model's weekly indicator of lives turned around
    assert table["turned_around"].sum() == model.weekly()["turned_around"].iloc[-1] > 0
    # the poorest decile carries more debt than the richest in this place
    assert table["mean_debt"].iloc[0] > table["mean_debt"].iloc[-1]


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
