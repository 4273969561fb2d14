"""Gaming as behaviour: a service games when its reported figure falls short of its
target and its budget follows that figure; the gaming levers are the strength of that
pull (docs/odd.md: Targets, effort bending and gaming)."""

from __future__ import annotations

import pytest

from placesim.institutions import gaming_pull
from placesim.model import PlaceModel
from placesim.scenario import defaults

GAMING = {"cream_skimming": 0.6, "closing_early": 0.6, "reclassifying": 0.6}
SERVICES = ("housing", "health", "social_care", "vcs")


def test_the_pull_is_the_budget_s_dependence_while_the_figure_falls_short():
    assert gaming_pull(0.5, 0.7, 1.0) == 1.0
    assert gaming_pull(0.5, 0.7, 0.4) == 0.4
    assert gaming_pull(0.7, 0.7, 1.0) == 0.0  # the target met
    assert gaming_pull(0.9, 0.7, 1.0) == 0.0
    assert gaming_pull(0.1, 0.7, 0.0) == 0.0  # the budget does not follow the figure


def run(targets: dict[str, float], payment_by_results: float) -> PlaceModel:
    scenario = defaults().with_overrides(targets)
    model = PlaceModel(scenario, citizens=3_000, weeks=26, seed=5,
                       payment_by_results=payment_by_results, **GAMING)
    while model.running:
        model.step()
    return model


def gamed(model: PlaceModel) -> dict[str, float]:
    """How far reported figures drifted from real ones, and the evidence requests made."""
    weekly = model.weekly()
    total = weekly.sum(numeric_only=True)
    return {
        "closed_early": sum(float(total[f"{s}_reported_resolved"] - total[f"{s}_helped"])
                            for s in SERVICES),
        "reclassified": float(total["decisions_reported_on_time"]
                              - total["decisions_on_time"]),
        "evidence_requests": float(total["evidence_requests"]),
    }


@pytest.fixture(scope="module")
def always_short() -> PlaceModel:
    return run({"commissioning.target_resolution": 1.0, "benefits.target_share": 1.0}, 1.0)


def test_a_service_short_of_its_target_under_payment_by_results_games(always_short):
    drift = gamed(always_short)
    assert drift["closed_early"] > 0
    weekly = always_short.weekly()
    assert (weekly[[f"{s}_gaming_pull" for s in SERVICES]].iloc[1:] > 0).any().any()


def test_no_service_games_when_its_budget_does_not_follow_its_figure():
    model = run({"commissioning.target_resolution": 1.0, "benefits.target_share": 1.0}, 0.0)
    assert gamed(model) == {"closed_early": 0.0, "reclassified": 0.0,
                            "evidence_requests": 0.0}
    weekly = model.weekly()
    assert (weekly[[f"{s}_gaming_pull" for s in SERVICES]] == 0).all().all()
    assert (weekly["benefits_gaming_pull"] == 0).all()


def test_no_service_games_while_its_figure_meets_its_target():
    model = run({"commissioning.target_resolution": 0.0, "benefits.target_share": 0.0}, 1.0)
    assert gamed(model) == {"closed_early": 0.0, "reclassified": 0.0,
                            "evidence_requests": 0.0}


def test_the_pull_follows_the_reported_figure_week_by_week(always_short):
    weekly = always_short.weekly()
    for s in SERVICES:
        short = weekly[f"{s}_reported_resolution"] < 1.0
        cases = weekly[f"{s}_cases"] > 0
        pull = weekly[f"{s}_gaming_pull"]
        assert (pull[short & cases] == 1.0).all()
