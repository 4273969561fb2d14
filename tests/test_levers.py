"""Levers as PlaceModel keywords, and levers changed during a run through the schedule."""

from __future__ import annotations

import inspect

import mesa
import pandas as pd
import pytest

from placesim.model import LEVERS, PlaceModel
from placesim.scenario import InputError, from_mapping
from placesim.scenario.fields import REGIME_LEVERS


def _run(model: PlaceModel) -> pd.DataFrame:
    while model.running:
        model.step()
    return model.weekly()


def test_every_lever_is_a_keyword_of_the_model():
    parameters = inspect.signature(PlaceModel).parameters
    for field in REGIME_LEVERS:
        assert parameters[field.name].kind is inspect.Parameter.KEYWORD_ONLY
        assert parameters[field.name].default is None


def test_a_keyword_lever_is_the_regime_set_that_way_in_the_scenario():
    by_keyword = PlaceModel(regime="target", citizens=800, weeks=8, seed=3,
                            pause_enforcement=0.6, threat_tone=0.4)
    scenario = from_mapping({"regimes": {"target": {"pause_enforcement": 0.6,
                                                    "threat_tone": 0.4}}})
    by_file = PlaceModel(scenario, regime="target", citizens=800, weeks=8, seed=3)
    assert by_keyword.levers["pause_enforcement"] == 0.6
    pd.testing.assert_frame_equal(_run(by_keyword), _run(by_file))


def test_bad_keyword_levers_name_the_lever_and_what_is_allowed():
    with pytest.raises(InputError, match="pause_enforcement: 1.5 is out of range; allowed: "
                       "a probability from 0 to 1"):
        PlaceModel(citizens=500, pause_enforcement=1.5)
    with pytest.raises(InputError, match="unknown lever 'pause_enforcment'; did you mean "
                       "'pause_enforcement'"):
        PlaceModel(citizens=500, pause_enforcment=0.5)


def test_a_lever_changed_during_the_run_equals_the_same_dated_change_in_a_scenario():
    dated = from_mapping({"regimes": {"target": {"changes": [
        {"week": 5, "eligibility_gate": 0.0, "pause_enforcement": 0.5}]}}})
    by_date = PlaceModel(dated, regime="target", citizens=1200, weeks=12, seed=5)
    by_hand = PlaceModel(regime="target", citizens=1200, weeks=12, seed=5)
    while by_hand.running:
        if by_hand.week == 5:
            assert by_hand.change_levers({"eligibility_gate": 0.0,
                                          "pause_enforcement": 0.5}) == 5
        by_hand.step()
    weekly = _run(by_date)
    pd.testing.assert_frame_equal(weekly, by_hand.weekly())
    # the change is adopted as the culture allows: in force gradually from week 5
    assert weekly["lever_eligibility_gate"].iloc[4] == 1.0
    assert weekly["lever_eligibility_gate"].iloc[5] < 1.0


def test_a_change_before_the_first_week_applies_from_week_zero():
    model = PlaceModel(regime="target", citizens=600, weeks=3, seed=1)
    assert model.change_levers({"threat_tone": 0.2}) == 0
    weekly = _run(model)
    assert weekly["lever_threat_tone"].iloc[0] < 1.0


def test_a_bad_lever_change_is_refused_and_the_run_goes_on():
    model = PlaceModel(regime="target", citizens=600, weeks=3, seed=1)
    model.step()
    with pytest.raises(InputError, match="unknown lever 'treat_tone'; did you mean "
                       "'threat_tone'"):
        model.change_levers({"treat_tone": 0.2})
    with pytest.raises(InputError, match="threat_tone: -1 is out of range"):
        model.change_levers({"threat_tone": -1})
    assert model.schedule.keys() == {0}
    model.step()
    assert model.week == 2


def test_mesa_drives_the_levers():
    from mesa.visualization.solara_viz import _check_model_params

    _check_model_params(PlaceModel.__init__, {"pause_enforcement": 0.5, "citizens": 500})
    results = mesa.batch_run(PlaceModel, parameters={"citizens": 600, "weeks": 3, "seed": 2,
                                                     "pause_enforcement": [0.0, 1.0]},
                             iterations=1, max_steps=3, number_processes=1,
                             display_progress=False)
    assert sorted(row["lever_pause_enforcement"] for row in results) == [0.0, 1.0]
    assert set(LEVERS) == {field.name for field in REGIME_LEVERS}
