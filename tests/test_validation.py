"""The Gateshead validation case: the cohort's definition, pairing, the model's value of
every target (misses included), bad input and the evidence page.

The targets are judged on a smaller version of the experiment than the documented one
(REPLICATES seeds, a place of CITIZENS households, a cohort of HOUSEHOLDS followed for
FOLLOW weeks), on the 95% t-interval of the model's value across the replicates. Seeds
are fixed, so the result is exact and never flaky.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from placesim.cli import main
from placesim.columns import COHORT_COLUMNS
from placesim.comparison.statistics import interval
from placesim.engine.state import Stage
from placesim.experiments.cohort import Cohort, cohort_ids, run_arm, run_replicate
from placesim.scenario import InputError, from_mapping, load
from placesim.validation.report import MAX_BINS, middle_histogram
from placesim.validation.run import run_case
from placesim.validation.targets import TARGETS, evaluate, paired

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "scenarios" / "gateshead_council_tax.toml"
REPLICATES, CITIZENS, HOUSEHOLDS, FOLLOW = 8, 40_000, 30, 78


def small_case():
    return load(CASE).with_overrides({"place.citizens": CITIZENS,
                                      "cohort.households": HOUSEHOLDS,
                                      "cohort.follow_weeks": FOLLOW})


@pytest.fixture(scope="module")
def results():
    return run_case(small_case(), replicates=REPLICATES, workers=2)


def test_both_arms_follow_the_same_households_from_the_same_start():
    scenario = small_case()
    arms = run_replicate(scenario, Cohort.of(scenario), 3)
    (control, _), (treatment, _) = arms.values()
    assert len(control) == HOUSEHOLDS
    assert (control["citizen"].to_numpy() == treatment["citizen"].to_numpy()).all()
    for column in ("debt_at_flag", "income_at_flag", "wrong_benefits_at_flag"):
        assert (control[column].to_numpy() == treatment[column].to_numpy()).all(), column
    # they really are treated differently afterwards
    assert treatment["causes_found"].mean() > 0.5 and not control["causes_found"].any()


def test_paired_differences_are_per_household_treatment_minus_control(results):
    cohort = results.cohort
    differences = paired(results.outcomes, cohort.control, cohort.treatment)
    # one row per household of each replicate's cohort (a replicate whose flag week
    # flags fewer households than the cohort asks for has a smaller cohort)
    sizes = results.outcomes.groupby(["seed", "arm"]).size().unstack()
    assert (sizes[cohort.control] == sizes[cohort.treatment]).all()
    assert len(differences) == sizes[cohort.control].sum()
    assert (sizes[cohort.control] <= HOUSEHOLDS).all()
    outcomes = results.outcomes.set_index(["seed", "citizen", "arm"])["public_cost"]
    row = differences.iloc[7]
    key = (row["seed"], row["citizen"])
    assert row["public_cost"] == pytest.approx(
        outcomes[(*key, cohort.treatment)] - outcomes[(*key, cohort.control)])


def test_every_cohort_column_is_in_the_catalogue_in_order(results):
    assert list(results.outcomes.columns) == ["seed", "arm", *COHORT_COLUMNS]


def test_the_cohort_s_net_public_cost_adds_up_and_counts_the_horizon(results):
    money = results.outcomes
    np.testing.assert_allclose(
        money["net_public_cost"], money["public_cost"] + money["team_overhead"]
        + money["benefits_paid"] - money["ct_collected"], atol=1e-6)
    control = money[money["arm"] == results.cohort.control]
    assert (control["team_overhead"] == 0).all()
    treatment = money[money["arm"] == results.cohort.treatment]
    assert (treatment["team_overhead"] > 0).mean() > 0.5
    # without a committed stay, only the second year's discount (1 - 1/1.035) sets the
    # present value apart from the follow-up's total
    quiet = money[money["committed_cost"] == 0]
    flows = quiet[["public_cost", "team_overhead", "benefits_paid", "ct_collected"]].sum(axis=1)
    gap = (quiet["pv_net_public_cost"] - quiet["net_public_cost"]).abs()
    assert (gap <= (1 - 1 / 1.035) * flows + 1e-6).all()
    assert (gap > 0).any()


def test_the_cohort_is_households_entering_recovery_that_week_whatever_their_history(
        results):
    scenario = small_case()
    cohort = Cohort.of(scenario)
    run = run_arm(scenario, cohort.control, 3, cohort)
    at_flag = run.records[0]  # the end of the flag week
    assert (at_flag["stage"] == Stage.REMINDER).all() and (at_flag["stage_weeks"] == 0).all()
    # households the recovery process knew before are kept, not dropped
    control = results.outcomes[results.outcomes["arm"] == cohort.control]
    assert 0 < control["known_before"].mean() < 1


def test_the_cohort_is_drawn_at_random_among_the_week_s_arrivals_the_same_in_both_arms():
    before = np.array([Stage.NONE] * 6 + [Stage.REMINDER, Stage.SUMMONS])
    after = np.array([Stage.REMINDER, Stage.NONE, Stage.REMINDER, Stage.REMINDER,
                      Stage.NONE, Stage.REMINDER, Stage.FINAL_NOTICE, Stage.SUMMONS])
    arrivals = {0, 2, 3, 5}
    cohort = Cohort(flag_week=52, households=2, follow_weeks=1, replicates=2,
                    control="target", treatment="relational")
    drawn = cohort_ids(before, after, cohort, seed=1)
    assert len(drawn) == 2 and set(drawn) <= arrivals and list(drawn) == sorted(drawn)
    assert np.array_equal(drawn, cohort_ids(before, after, cohort, seed=1))
    assert len({tuple(cohort_ids(before, after, cohort, seed)) for seed in range(20)}) > 1
    everyone = Cohort(52, 10, 1, 2, "target", "relational")
    assert set(cohort_ids(before, after, everyone, 1)) == arrivals


# The model's verdict on every target in the small case, misses included: "in" (the whole
# interval in the band), "unclear" (it crosses an edge), "above" or "below" (a miss).
# The cohort enters a burned-in place's recovery process in its steady flow (not the wave
# of first debts a freshly drawn place has in its first year).
VERDICTS_IN_SMALL_CASE = {
    "letters_unanswered": "below", "answer_when_threatened": "above", "plans_broken": "in",
    "reach_enforcement": "unclear", "fees_when_enforced": "in",
    "ea_recovery_rate": "unclear", "debt_growth": "in", "old_route_weeks": "in",
    "benefit_problems": "unclear", "causes_found": "in", "turned_around": "unclear",
    "turned_around_difference": "in", "paying_difference": "in",
    "cost_difference": "above", "debt_difference": "in",
}


def test_the_model_s_value_of_every_target_misses_included(results):
    evaluation = evaluate(results.outcomes, results.cohort.control,
                          results.cohort.treatment).set_index("target")
    assert set(evaluation.index) == {t.key for t in TARGETS} == set(VERDICTS_IN_SMALL_CASE)
    assert (evaluation["replicates"] == REPLICATES).all()
    found = {}
    for key, row in evaluation.iterrows():
        assert np.isfinite([row.model, row.ci_low, row.ci_high]).all(), key
        assert row.ci_low <= row.model <= row.ci_high, key
        found[key] = (row.verdict if row.verdict != "out"
                      else "above" if row.model > row.band_high else "below")
    assert found == VERDICTS_IN_SMALL_CASE


def test_inputs_and_definitions_are_labelled_input_checks():
    labels = {t.key: t.label for t in TARGETS}
    assert {k for k, label in labels.items() if label == "input check"} == {
        "fees_when_enforced", "old_route_weeks", "causes_found"}
    assert set(labels.values()) == {"input check", "validation target"}


def test_the_team_s_effect_is_a_paired_difference_with_its_interval(results):
    cohort = results.cohort
    differences = paired(results.outcomes, cohort.control, cohort.treatment)
    by_seed = differences.groupby("seed")[["fees", "reached_enforcement"]].mean()
    for column in ("fees", "reached_enforcement"):
        mean, low, high = interval(by_seed[column].to_numpy())
        assert low <= mean <= high < 0, column  # fewer fees, fewer enforced, every time
    effects = [t for t in TARGETS if t.key in ("turned_around_difference",
                                               "paying_difference", "cost_difference",
                                               "debt_difference")]
    assert all(t.arm == "paired" for t in effects)


def test_a_cohort_table_is_validated_like_the_rest_of_a_scenario():
    base = {"regimes": {"team": {"based_on": "target"}}}
    with pytest.raises(InputError) as bad:
        from_mapping({**base, "cohort": {"households": 0, "control": "target",
                                         "treatment": "nobody", "colour": "red"}})
    text = str(bad.value)
    assert "cohort.households: 0 is out of range" in text
    assert "cohort.treatment" in text and "nobody" in text and "team" in text
    assert "cohort.colour" in text
    with pytest.raises(InputError, match="cohort.treatment: is missing"):
        from_mapping({**base, "cohort": {"control": "target"}})
    assert load(CASE).cohort["households"] == 50


def test_validate_case_refuses_bad_flags_and_a_scenario_without_a_cohort(capsys):
    assert main(["validate-case", str(ROOT / "scenarios" / "default.toml")]) == 2
    assert "cohort: is missing" in capsys.readouterr().err
    assert main(["validate-case", "gateshead", "--replicates", "1"]) == 2
    assert ("--replicates: 1 is out of range; allowed: a whole number from 2 to 10,000"
            in capsys.readouterr().err)
    assert main(["validate-case", "nowhere.toml"]) == 2
    assert "no such scenario file" in capsys.readouterr().err


def test_validate_case_writes_the_page_and_its_figures(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    # a screening place big enough that every design point has households entering the
    # recovery process in the cohort's week (at 8,000 one point of the joint population
    # had none)
    tiny = ["--replicates", "2", "--trajectories", "2", "--sensitivity-citizens", "16000",
            "--workers", "1", "--out", str(tmp_path), "--screening", str(tmp_path / "sweep")]
    scenario = tmp_path / "case.toml"
    text = CASE.read_text(encoding="utf-8").replace("citizens = 90500", "citizens = 8000")
    scenario.write_text(text.replace("households = 50", "households = 8"), encoding="utf-8")
    assert main(["validate-case", str(scenario), *tiny]) == 0
    page = (tmp_path / "gateshead.md").read_text(encoding="utf-8")
    for name in ("gateshead_trajectories.png", "gateshead_paired.png",
                 "gateshead_sensitivity.png"):
        assert (tmp_path / name).stat().st_size > 10_000, name
        assert name in page
    for heading in ("## The story's patterns against the model", "## The two arms",
                    "## Where the model misses, and why", "## What carries the conclusion"):
        assert heading in page
    assert "2 replicates of 8 households per arm" in page
    assert not list(tmp_path.glob(".*tmp*"))  # written atomically, nothing left behind
    # the screening is a sweep: its store answers placesim sensitivity again
    assert main(["sensitivity", str(tmp_path / "sweep"), "--output", "cohort_public_cost",
                 "--difference", "relational-target", "--out", str(tmp_path / "s")]) == 0
    assert (tmp_path / "s" / "sensitivity.png").is_file()


def test_bands_are_judged_on_the_interval_not_the_mean_alone():
    from placesim.validation.targets import verdict
    assert verdict(0.6, 0.9, 0.75, 0.5, 1.0) == "in"
    assert verdict(0.4, 0.9, 0.75, 0.5, 1.0) == "unclear"  # the mean alone would say in
    assert verdict(0.1, 0.3, 0.2, 0.5, 1.0) == "out"
    assert verdict(float("nan"), float("nan"), 0.2, 0.5, 1.0) == "out"  # one replicate


def test_the_evidence_cites_only_what_is_in_the_repository():
    for path in (ROOT / "src" / "placesim" / "validation" / "gateshead.py",
                 ROOT / "docs" / "validation" / "gateshead.md"):
        assert "MODEL.md" not in path.read_text(encoding="utf-8")


def test_a_paired_histogram_covers_every_household_in_its_middle():
    """Most households differ little between the arms: the bins must
    still span the whole middle of the distribution, not stop where a bin count ran out."""
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.normal(0, 5, 1_200), rng.normal(-1_000, 4_000, 300)])
    inside, edges = middle_histogram(values)
    assert len(edges) - 1 <= MAX_BINS
    assert edges[0] <= inside.min() and inside.max() <= edges[-1]
    counts, _ = np.histogram(inside, bins=edges)
    assert counts.sum() == len(inside)
    assert len(inside) >= 0.97 * len(values)
