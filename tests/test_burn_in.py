"""The burn-in: week 0 looks like any other week, outputs leave the burn-in out, and
every regime and scheduler starts from the same burned-in place."""

from __future__ import annotations

import numba
import numpy as np
import pytest
from scipy import stats

from placesim.engine.start import TALLIES
from placesim.engine.state import Stage, Status
from placesim.model import PlaceModel, burned_in
from placesim.scenario import InputError, defaults

SEEDS = range(1, 9)
CITIZENS = 10_000
WEEKS = 108  # weeks 0-3 against the same weeks of the next two council-tax years
LATER = np.r_[52:56, 104:108]
CRISES = ("ae_attendances", "mh_crises", "care_entries", "police_callouts", "evictions")
INDICATORS = ("reminders", "summonses", "crises", "in_trouble", "children_in_care",
              "homeless")
# A t-test across the seeds for each indicator, at 1% for the six together (Bonferroni).
CRITICAL_T = stats.t.ppf(1 - 0.01 / (2 * len(INDICATORS)), len(SEEDS) - 1)


def weekly_indicators(burn_in_weeks: int, seed: int) -> dict[str, np.ndarray]:
    """The six indicators of a target run, week by week."""
    model = PlaceModel(regime="target", citizens=CITIZENS, weeks=WEEKS, seed=seed,
                       overrides={"place.burn_in_weeks": burn_in_weeks})
    in_trouble = []
    while model.running:
        model.step()
        in_trouble.append(int(np.count_nonzero(model.engine.citizens["domains"])))
    weekly = model.weekly()
    series = {name: weekly[name].to_numpy(float) for name in INDICATORS if name in weekly}
    series["crises"] = weekly[list(CRISES)].sum(axis=1).to_numpy(float)
    series["in_trouble"] = np.array(in_trouble, dtype=float)
    return series


def departure(y: np.ndarray) -> float:
    """How far weeks 0-3 lie from the same weeks of the council-tax year one and two
    years on (52-55, 104-107), on a log scale. The year's calendar moves the ladder
    (reminders are most and enforcement fewest as a year begins), so weeks are compared
    with their like; no trend is allowed for: the place does not drift (households spend
    what they hold above their savings buffer; docs/odd.md, Burn-in), so a start-up
    surge or a stock still filling stands out."""
    return float(np.log(y[:4].mean() + 0.5) - np.log(y[LATER].mean() + 0.5))


def t_statistics(burn_in_weeks: int) -> dict[str, float]:
    """Each indicator's mean departure over the seeds, in standard errors (the seeds'
    spread: it holds the weekly noise and the slow wander of the stocks alike)."""
    runs = [weekly_indicators(burn_in_weeks, seed) for seed in SEEDS]
    out = {}
    for name in INDICATORS:
        d = np.array([departure(run[name]) for run in runs])
        out[name] = float(d.mean() / (d.std(ddof=1) / np.sqrt(len(d))))
    return out


def test_week_0_looks_like_the_weeks_after_it():
    default = int(defaults().get("place.burn_in_weeks"))
    t = t_statistics(default)
    assert all(abs(v) < CRITICAL_T for v in t.values()), (t, CRITICAL_T)


def test_without_a_burn_in_week_0_is_a_start_up():
    """The check above can fail: a freshly drawn place surges (reminders) and its stocks
    (the recovery ladder, crises, care, temporary accommodation) start empty."""
    t = t_statistics(0)
    assert t["reminders"] > CRITICAL_T
    for name in ("summonses", "crises", "children_in_care", "homeless"):
        assert t[name] < -CRITICAL_T, (name, t)


def test_outputs_leave_the_burn_in_out_and_the_state_carries_over():
    model = PlaceModel(regime="target", citizens=3_000, weeks=5, seed=4)
    start = model.engine.citizens
    assert model.week == 0
    for name in TALLIES:  # tallies count from week 0 ...
        assert not start[name].any(), name
    # ... while the place is as the burn-in left it, its week stamps before week 0
    assert (start["stage"] > 0).any() and (start["care_weeks"] > 0).any()
    assert (start["homeless_weeks"] > 0).any() and (start["ct_arrears"] > 0).any()
    assert (start["claim_week"] < 0).any() and (start["ct_due_until"] <= 0).all()
    assert (start["status"] != 0).any() and model.engine.workforce()["assessor_stress"] > 0
    # "ever flagged" counts the run: kept only for those in the recovery process at week
    # 0; who was flagged in the burn-in is kept beside it, for a cohort's history
    flagged = (start["status"] & Status.FLAGGED) != 0
    assert flagged.any() and not (flagged & (start["stage"] == Stage.NONE)).any()
    assert (model.flagged_before & ~flagged).any() and model.flagged_before[flagged].all()
    while model.running:
        model.step()
    weekly, journeys = model.weekly(), model.journeys()
    assert weekly["week"].tolist() == list(range(5))
    assert journeys["week"].min() == 0
    # every pound a citizen has cost since week 0 is in the weekly tables, and no more
    final = model.engine.citizens
    assert final["fees_charged"].astype(np.int64).sum() == round(
        100 * weekly["fees_charged"].sum())


def test_every_regime_and_scheduler_starts_from_the_same_place():
    s = defaults().with_overrides({"place.citizens": 400, "place.weeks": 3,
                                   "place.seed": 7, "place.burn_in_weeks": 60})
    target = PlaceModel(s, "target")
    learning = PlaceModel(s, "learning", caseload_cap=20)
    # levers given for the status quo's own run are that run's, not the status quo's
    pushed = PlaceModel(s, "target", pause_enforcement=0.5)
    reference = PlaceModel(s, "learning", caseload_cap=20, scheduler="reference")
    for other in (learning, pushed, reference):
        np.testing.assert_array_equal(other.engine.citizens, target.engine.citizens)
        np.testing.assert_array_equal(other.engine.caseload, target.engine.caseload)
        assert other.engine.workforce() == target.engine.workforce()
        np.testing.assert_array_equal(other.commissioner.budget, target.commissioner.budget)
    # and the reference scheduler docks with the fast one from there
    while learning.running:
        learning.step()
        reference.step()
    np.testing.assert_array_equal(reference.engine.citizens, learning.engine.citizens)
    assert reference.weekly().equals(learning.weekly())


def test_the_burn_in_is_the_same_on_any_thread_count():
    s = defaults().with_overrides({"place.citizens": 5_000, "place.seed": 3,
                                   "place.burn_in_weeks": 30})
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = burned_in(s)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = burned_in(s)
    finally:
        numba.set_num_threads(threads)
    np.testing.assert_array_equal(one.citizens, two.citizens)
    np.testing.assert_array_equal(one.service_budget, two.service_budget)


def test_a_burn_in_out_of_range_is_refused_with_what_is_allowed():
    with pytest.raises(InputError, match=r"place\.burn_in_weeks.*0 to 520"):
        defaults().with_overrides({"place.burn_in_weeks": 521})


def test_the_twin_s_sides_start_from_one_burn_in():
    from pathlib import Path

    from placesim.ui.twin import Setup, Side, Twin

    default = Path(__file__).resolve().parents[1] / "scenarios" / "default.toml"
    twin = Twin(Setup(Side(default, "target"), Side(default, "learning", {"caseload_cap": 20}),
                      citizens=400, weeks=2, seed=5, switch_week=None))
    baseline, reform = twin.models
    assert (baseline.engine.citizens["stage"] > 0).any()  # burned in
    np.testing.assert_array_equal(baseline.engine.citizens, reform.engine.citizens)
    twin.close()
