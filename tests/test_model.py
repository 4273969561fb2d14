"""PlaceModel as Mesa sees it: keyword parameters, agents, DataCollector, batch_run."""

from __future__ import annotations

import mesa
import pytest

from placesim.indicators import INDICATOR_NAMES
from placesim.institutions import Agency
from placesim.model import PlaceModel
from placesim.scenario import InputError


def test_model_steps_and_collects_weekly_indicators():
    model = PlaceModel(regime="learning", citizens=1500, weeks=12, seed=2)
    while model.running:
        model.step()
    weekly = model.weekly()
    assert len(weekly) == 12 and list(weekly["week"]) == list(range(12))
    for name in INDICATOR_NAMES:
        assert name in weekly.columns
    assert weekly[list(INDICATOR_NAMES)].notna().all().all()
    assert len(model.citizens()) == 1500
    assert model.week == 12 and not model.running


def test_agencies_are_mesa_agents_that_report_spend():
    model = PlaceModel(regime="learning", citizens=1500, weeks=8, seed=2)
    for _ in range(8):
        model.step()
    agencies = list(model.agents)
    assert agencies and all(isinstance(a, Agency) for a in agencies)
    assert model.team.spend == model.indicators["cost_relational"]
    assert 0.0 <= model.team.utilisation <= 1.0


def test_overrides_and_bad_regime():
    model = PlaceModel(citizens=500, weeks=2, overrides={"life.job_loss": 0.02})
    assert model.scenario.get("life.job_loss") == 0.02
    with pytest.raises(InputError, match="did you mean 'learning'"):
        PlaceModel(regime="learnin", citizens=500)


def test_batch_run_drives_the_model():
    results = mesa.batch_run(PlaceModel, parameters={"regime": ["target", "learning"],
                                                     "citizens": 800, "weeks": 6, "seed": 4},
                             iterations=1, max_steps=6, number_processes=1,
                             display_progress=False)
    regimes = {row["regime"] for row in results}
    assert regimes == {"target", "learning"}
    assert all("spend_total" in row for row in results)
