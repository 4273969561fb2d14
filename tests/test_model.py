"""PlaceModel as Mesa sees it: keyword parameters, agents, DataCollector, batch_run."""

from __future__ import annotations

import gc
import weakref

import mesa
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from placesim.indicators import INDICATOR_NAMES
from placesim.institutions import Agency, reallocate
from placesim.model import PlaceModel
from placesim.scenario import InputError, defaults, from_mapping


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
    agencies = list(model.agencies)
    assert agencies and all(isinstance(a, Agency) for a in agencies)
    assert set(agencies) <= set(model.agents)
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


def test_switch_regime_by_hand_equals_a_dated_change():
    dated = from_mapping({"regimes": {"later": {
        "based_on": "target", "changes": [{"week": 6, "to": "learning"}]}}})
    by_date = PlaceModel(dated, regime="later", citizens=1200, weeks=12, seed=5)
    by_hand = PlaceModel(dated, regime="target", citizens=1200, weeks=12, seed=5)
    while by_date.running:
        if by_hand.week == 6:
            by_hand.switch_regime("learning")
        by_date.step()
        by_hand.step()
    columns = [c for c in by_date.weekly().columns if c != "regime"]
    pd.testing.assert_frame_equal(by_date.weekly()[columns], by_hand.weekly()[columns])
    assert by_hand.weekly()["regime"].tolist() == ["target"] * 6 + ["learning"] * 6


def test_journeys_follow_the_same_people_week_by_week():
    runs = {r: PlaceModel(regime=r, citizens=1000, weeks=15, seed=3,
                          overrides={"place.journeys": 20}) for r in ("target", "learning")}
    for model in runs.values():
        start = model.engine.records(model.journey_recorder.ids)
        while model.running:
            model.step()
        journeys = model.journeys()
        assert len(journeys) == 15 * 20
        final = journeys[journeys.week == 14].set_index("citizen")
        citizens = model.citizens().set_index("citizen").loc[final.index]
        assert (final["public_cost"] == citizens["public_cost"]).all()
        # the weekly changes add up to the change over the run
        added = journeys.groupby("citizen")["public_cost_this_week"].sum()
        assert (added.values == final["public_cost"].values - start["public_cost"]).all()
    ids = [set(m.journeys()["citizen"]) for m in runs.values()]
    assert ids[0] == ids[1] and len(ids[0]) == 20


def test_keep_what_works_continues_improvements_and_reverses_failures():
    from placesim.institutions import keep_what_works

    # first review: nothing to compare with, so the first change goes ahead
    assert keep_what_works(15, 1, 10, None, 2, 5, 30) == (17, 1)
    # better than last period: keep going the same way
    assert keep_what_works(17, 1, 12, 10, 2, 5, 30) == (19, 1)
    # worse: the last change did not help, so go back
    assert keep_what_works(19, 1, 9, 12, 2, 5, 30) == (17, -1)
    # bounds hold; no experiments means no change
    assert keep_what_works(6, -1, 9, 9, 2, 5, 30) == (5, -1)
    assert keep_what_works(15, 1, 0, 99, 0, 5, 30) == (15, 1)


def test_only_a_learning_team_changes_its_caseload_cap_and_only_at_reviews():
    caps = {}
    for regime in ("target", "learning"):
        model = PlaceModel(regime=regime, citizens=3000, weeks=40, seed=2)
        while model.running:
            model.step()
        caps[regime] = model.weekly()["caseload_cap"].tolist()
    assert set(caps["target"]) == {15}
    learning = caps["learning"]
    changes = [w for w in range(1, 40) if learning[w] != learning[w - 1]]
    assert changes and all(w % 13 == 12 for w in changes)  # reviewed after weeks 13, 26, 39
    assert all(5 <= c <= 30 for c in learning)


def test_a_caseload_cap_put_in_force_resets_what_the_team_learned():
    """The cap is a lever: a dated change sets the team's cap, and its experiments carry
    on from there (reviews every 13 weeks)."""
    change = from_mapping({"system": {"culture": 1.0}, "regimes": {"capped": {
        "based_on": "learning", "changes": [{"week": 20, "caseload_cap": 6}]}}})
    model = PlaceModel(change, regime="capped", citizens=3000, weeks=40, seed=2)
    while model.running:
        model.step()
    weekly = model.weekly()
    caps = weekly["caseload_cap"].tolist()
    assert caps[12] == 17 and caps[19] != 6  # learned by the week before the change
    assert caps[20:25] == [6] * 5  # the lever in force from week 20
    assert caps[25] in (4, 8) and caps[38] != caps[25]  # reviews move it again
    assert (weekly["lever_caseload_cap"].iloc[20:] == 6).all()
    assert model.engine.caseload.max() <= max(caps[19], 6)


def test_a_caseload_cap_changed_by_hand_is_the_teams_cap_from_the_next_week():
    model = PlaceModel(regime="learning", citizens=1500, weeks=6, seed=2,
                       overrides={"system.culture": 1.0})
    model.step()
    model.change_levers({"caseload_cap": 8})
    model.step()
    assert model.engine.learned.caseload_cap == model.team.caseload_cap == 8
    assert model.team.capacity == model.team.workers * 8
    with pytest.raises(InputError, match="caseload_cap: 8.5 is not a whole number"):
        model.change_levers({"caseload_cap": 8.5})


def test_what_the_place_learns_is_scheduler_state_not_a_parameter():
    model = PlaceModel(regime="learning", citizens=1500, weeks=40, seed=2,
                       overrides={"system.culture": 1.0})
    while model.running:
        model.step()
    learned = model.engine.learned
    assert learned.caseload_cap == model.team.caseload_cap != 15
    assert learned.partnership == model.culture.partnership > 0.3
    assert model.engine.parameters.system_partnership == 0.3  # as the scenario set it
    assert model.engine.parameters.regime_caseload_cap == 15  # the lever, as decided


def test_both_schedulers_offer_the_scheduler_interface():
    from placesim.engine.scheduler import Scheduler

    members = [name for name in dir(Scheduler) if not name.startswith("_")]
    members += list(Scheduler.__annotations__)
    for scheduler in ("fast", "reference"):
        engine = PlaceModel(citizens=200, weeks=1, scheduler=scheduler).engine
        missing = [name for name in members if not hasattr(engine, name)]
        assert not missing, (scheduler, missing)


def weekly_of(scenario, regime: str, weeks: int = 60, seed: int = 6) -> pd.DataFrame:
    """The weekly indicators of a small overloaded place run to its end, with each
    agency's pull toward gaming at the start (``attrs["pulls_at_start"]``)."""
    model = PlaceModel(scenario, regime=regime, citizens=4000, weeks=weeks, seed=seed)
    first = {"benefits_gaming_pull": model.benefits.pull,
             **{f"{a.service.name.lower()}_gaming_pull": a.pull for a in model.services}}
    while model.running:
        model.step()
    weekly = model.weekly()
    weekly.attrs["pulls_at_start"] = first
    return weekly


def test_gaming_lifts_the_reported_figure_while_real_waiting_gets_no_better():
    overloaded = from_mapping({"benefits": {"assessors_per_10k": 5.0}, "regimes": {
        "gamed": {"based_on": "target", "cream_skimming": 1.0}}})
    runs = {regime: weekly_of(overloaded, regime) for regime in ("target", "gamed")}
    def on_time(w):
        return w["decisions_on_time"].sum() / w["decisions"].sum()
    assert on_time(runs["gamed"]) > on_time(runs["target"]) + 0.3  # reported
    # real waiting, as claims overdue over the run (the last week alone is one noisy draw)
    assert runs["gamed"]["claims_overdue"].mean() >= runs["target"]["claims_overdue"].mean()


def pull_in_force(weekly: pd.DataFrame, column: str) -> pd.Series:
    """A service's pull toward gaming in force each week: the one its review set at the
    end of the week before (in week 0, the one the burned-in place starts with)."""
    return weekly[column].shift(1, fill_value=weekly.attrs["pulls_at_start"][column])


def test_reclassifying_lifts_only_the_reported_figure():
    """Booking late decisions as on time changes what is reported, not what happens; the
    service does it in the weeks its reported figure has fallen short of its target."""
    overloaded = from_mapping({"benefits": {"assessors_per_10k": 5.0}, "regimes": {
        "gamed": {"based_on": "target", "reclassifying": 1.0}}})
    runs = {regime: weekly_of(overloaded, regime) for regime in ("target", "gamed")}
    honest, gamed = runs["target"], runs["gamed"]
    assert (gamed["decisions_on_time"] == honest["decisions_on_time"]).all()
    assert (gamed["decision_wait_weeks"] == honest["decision_wait_weeks"]).all()
    late = honest["decisions"] - honest["decisions_on_time"]
    assert late.sum() > 0
    pulled = pull_in_force(gamed, "benefits_gaming_pull") == 1.0
    assert pulled.any() and not pulled.all()
    assert (gamed["decisions_reported_on_time"][pulled] == gamed["decisions"][pulled]).all()
    assert (gamed["evidence_requests"][pulled] == late[pulled]).all()
    assert (gamed["decisions_reported_on_time"][~pulled]
            == gamed["decisions_on_time"][~pulled]).all()
    assert (gamed["evidence_requests"][~pulled] == 0).all()
    assert gamed["cost_benefits"].sum() > honest["cost_benefits"].sum()


def test_closing_early_drifts_reported_from_real_resolution():
    # budgets held still: under payment by results they follow the reported figures, and
    # so, from the first review, does what a service can do for people
    gamed = from_mapping({"commissioning": {"max_shift": 0.0}, "regimes": {
        "gamed": {"based_on": "target", "closing_early": 1.0}}})
    runs = {regime: weekly_of(gamed, regime, weeks=52, seed=8) for regime in ("target", "gamed")}
    honest, closed = runs["target"], runs["gamed"]
    for service in ("housing", "health", "social_care", "vcs"):
        assert (honest[f"{service}_reported_resolved"] == honest[f"{service}_helped"]).all()
        pulled = pull_in_force(closed, f"{service}_gaming_pull") == 1.0
        # every service falls short of its target in some weeks (housing too, now that
        # savings stay at their published size and evictions no longer die away)
        assert pulled.any(), service
        # short of its target, every failed case is closed as resolved; otherwise none
        assert (closed[f"{service}_reported_resolved"][pulled]
                == closed[f"{service}_cases"][pulled]).all()
        assert (closed[f"{service}_reported_resolved"][~pulled]
                == closed[f"{service}_helped"][~pulled]).all()
        # what really happened to people is the same: only the books differ
        assert (closed[f"{service}_helped"] == honest[f"{service}_helped"]).all()


def test_a_bureaucratic_culture_adopts_a_switch_slowly_and_a_participative_one_at_once():
    def lever(culture):
        switch = from_mapping({"system": {"culture": culture}, "regimes": {"later": {
            "based_on": "target", "changes": [{"week": 5, "to": "learning"}]}}})
        model = PlaceModel(switch, regime="later", citizens=500, weeks=20, seed=1)
        while model.running:
            model.step()
        return model.weekly()["lever_relational_share"]

    assert lever(1.0).tolist() == [0.0] * 5 + [1.0] * 15
    slow = lever(0.0)
    assert (slow.iloc[:5] == 0).all() and slow.is_monotonic_increasing
    rate = 1 / (1 + 26)  # system.adoption_weeks = 26 in a fully bureaucratic culture
    assert slow.iloc[5] == pytest.approx(rate) and slow.iloc[-1] < 0.5


def test_working_together_builds_relationships_between_agencies_where_culture_allows():
    ends = {}
    for culture in (0.0, 1.0):
        model = PlaceModel(regime="learning", citizens=500, weeks=60, seed=1,
                           overrides={"system.culture": culture})
        while model.running:
            model.step()
        ends[culture] = model.weekly()["partnership"]
    assert (ends[0.0] == 0.3).all()  # bureaucratic: relationships stay where they were
    assert ends[1.0].is_monotonic_increasing and ends[1.0].iloc[-1] > 0.6


def test_commissioners_move_budgets_but_keep_the_total():
    totals = {}
    for regime in ("target", "learning"):
        model = PlaceModel(regime=regime, citizens=3000, weeks=53, seed=3)
        while model.running:
            model.step()
        w = model.weekly()
        budgets = w[[f"{s}_budget" for s in ("housing", "health", "social_care", "vcs")]]
        total = budgets.sum(axis=1)
        assert np.allclose(total, total.iloc[0])
        moved = budgets.diff().abs().sum(axis=1)
        # a round ends after every 13th week (row 12 is week 12, reviewed as week 13 ends)
        assert moved.iloc[12] > 0 and moved.iloc[1:12].sum() == 0
        totals[regime] = budgets.iloc[-1]
    assert not np.allclose(totals["target"], totals["learning"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(1.0, 1e6), min_size=4, max_size=4),
       st.lists(st.floats(-5.0, 5.0), min_size=4, max_size=4),
       st.floats(0.0, 0.9), st.floats(0.0, 1.0))
def test_reallocation_keeps_the_total_and_every_floor(budget, signal, share, max_shift):
    budget, signal = np.array(budget), np.array(signal)
    floor = budget * share
    moved = reallocate(budget, floor, max_shift, signal)
    assert np.isclose(moved.sum(), budget.sum(), rtol=1e-12)
    assert (moved >= floor * (1 - 1e-12)).all()
    if max_shift == 0.0:
        assert np.allclose(moved, budget)


def test_journeys_tell_each_week_in_words():
    # a burned-in place has few new debts a week: follow a quarter of it to see each kind
    model = PlaceModel(regime="learning", citizens=2000, weeks=40, seed=1,
                       overrides={"place.journeys": 500})
    while model.running:
        model.step()
    journeys = model.journeys()
    said = " | ".join(journeys["events"])
    for phrase in ("trouble began", "recovery: reminder", "casework: outreach", "asked",
                   "plan agreed"):
        assert phrase in said, phrase
    # a quiet week is one in which nothing about the person changed
    quiet = journeys[journeys["events"] == ""]
    assert 0 < len(quiet) < len(journeys)


@pytest.mark.parametrize("weeks_run", [1, 0])
def test_a_finished_or_closed_model_is_freed(weeks_run):
    """mesa 3.3 keeps every model that made agents (Agent._ids): a model that finishes
    lets its go; one abandoned part way does when closed."""
    model = PlaceModel(defaults(), citizens=200, weeks=1)
    for _ in range(weeks_run):
        model.step()
    if model.running:
        model.close()
    gone = weakref.ref(model)
    del model
    gc.collect()
    assert gone() is None
