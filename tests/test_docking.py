"""Docking: the fast scheduler and the plain-Mesa reference give identical results.

Both call the same per-citizen functions (compiled, and in pure Python) on the same
starting population with the same counter-based draws; every aggregate is an exact
integer sum, so nothing is left to tolerance: weekly indicators and every citizen's
final state must match bit for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from placesim.model import PlaceModel
from placesim.reference import CitizenAgent, WorkerAgent
from placesim.scenario import from_mapping

CITIZENS = 2000
WEEKS = 52


SWITCH = from_mapping({"benefits": {"assessors_per_10k": 5.0}, "regimes": {
    "switch": {"based_on": "target", "changes": [{"week": WEEKS // 2, "to": "learning"}]},
    "gamed": {"based_on": "target", "cream_skimming": 0.6, "closing_early": 0.5,
              "reclassifying": 0.5}}})


def run(scheduler: str, regime: str, citizens: int = CITIZENS, weeks: int = WEEKS
        ) -> PlaceModel:
    model = PlaceModel(SWITCH, regime=regime, citizens=citizens, weeks=weeks, seed=11,
                       scheduler=scheduler)
    while model.running:
        model.step()
    return model


def assert_docked(fast: PlaceModel, reference: PlaceModel) -> None:
    pd.testing.assert_frame_equal(fast.weekly(), reference.weekly())
    pd.testing.assert_frame_equal(fast.citizens(), reference.citizens())
    assert np.array_equal(fast.engine.caseload, reference.engine.caseload)


@pytest.mark.parametrize("regime", ["target", "learning", "switch", "gamed"])
def test_fast_and_reference_schedulers_dock(regime):
    fast = run("fast", regime)
    reference = run("reference", regime)
    assert_docked(fast, reference)
    weekly = fast.weekly()
    if regime == "switch":  # targets for half the run, then learning, adopted gradually
        share = weekly["lever_relational_share"]
        assert (share.iloc[:WEEKS // 2] == 0.0).all()
        assert share.iloc[WEEKS // 2:].is_monotonic_increasing and share.iloc[-1] > 0.5
        assert weekly["case_intakes"].iloc[:WEEKS // 2].sum() == 0
        assert weekly["case_intakes"].iloc[WEEKS // 2:].sum() > 0
    # the comparison covers the mechanisms, not an idle place
    for column in ("reminders", "summonses", "ea_visits", "plans_agreed", "decisions",
                   "housing_cases", "health_cases", "social_care_cases", "vcs_cases",
                   "housing_wrong_door", "kin_shocked", "police_callouts"):
        assert weekly[column].sum() > 0, column
    if regime in ("learning", "switch"):
        assert weekly["team_referrals"].sum() > 0
    if regime == "gamed":
        for column in ("evidence_requests", "housing_turned_away"):
            assert weekly[column].sum() > 0, column


def test_reference_is_plain_mesa_agents():
    model = PlaceModel(regime="learning", citizens=300, weeks=2, scheduler="reference")
    citizens = [a for a in model.agents if isinstance(a, CitizenAgent)]
    workers = [a for a in model.agents if isinstance(a, WorkerAgent)]
    assert len(citizens) == 300 and len(workers) >= 1
    agent = citizens[0]
    agent.stage_weeks = 300  # stored like the uint8 field: wraps
    assert agent.stage_weeks == 300 - 256
    agent.stress = 0.1  # stored like the float32 field
    assert agent.stress == float(np.float32(0.1))


@pytest.mark.slow
def test_docking_on_a_larger_place_over_two_years():
    for regime in ("target", "learning"):
        assert_docked(run("fast", regime, citizens=6000, weeks=104),
                      run("reference", regime, citizens=6000, weeks=104))
