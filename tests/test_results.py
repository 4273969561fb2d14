"""Results on disk: atomic writes, metadata in the schema, and the summary table."""

from __future__ import annotations

import pandas as pd
import pytest

from placesim import results
from placesim.runner import run_scenario
from placesim.scenario import defaults, from_mapping
from placesim.summary import ROWS, compare, render


def test_run_writes_each_regime_with_its_metadata(tmp_path):
    scenario = defaults().with_overrides({"place.citizens": 600, "place.weeks": 5})
    runs = run_scenario(scenario, ["target", "learning"], tmp_path, progress=False)
    for run in runs:
        meta = results.run_metadata(tmp_path / "citizens" / f"regime={run.regime}.parquet")
        assert meta["regime"] == run.regime
        assert meta["scenario_digest"] == scenario.digest()
        assert meta["levers"] == dict(scenario.regime(run.regime))
    assert runs[0].metadata["run_id"] != runs[1].metadata["run_id"]
    weekly = results.read(tmp_path, "weekly")
    table = compare({r: weekly[weekly.regime == r] for r in ("target", "learning")})
    assert list(table.index) == [label for _, label, _, _ in ROWS]
    pd.testing.assert_series_equal(table["learning - target"],
                                   table["learning"] - table["target"], check_names=False)
    text = render(table, "title")
    assert "Public spend, all agencies" in text and "learning - target" in text


def test_read_rejects_unknown_table(tmp_path):
    with pytest.raises(ValueError, match="table must be one of"):
        results.read(tmp_path, "people")


def test_regimes_that_differ_only_from_a_later_week_are_different_runs():
    from placesim.runner import run_id
    from placesim.scenario import from_mapping

    scenario = from_mapping({"regimes": {
        "later": {"based_on": "target", "changes": [{"week": 10, "to": "learning"}]},
        "same": {"based_on": "target"}}})
    assert run_id(scenario, "later") != run_id(scenario, "target")
    assert run_id(scenario, "same") == run_id(scenario, "target")  # equal content, one run


def test_the_code_version_leaves_out_only_modules_that_exist_and_present_results():
    from importlib import resources

    from placesim.provenance import PRESENTATION, code_version

    root = resources.files("placesim")
    assert all(root.joinpath(name).is_file() for name in PRESENTATION)
    assert not any(name.startswith(("engine/", "scenario/")) for name in PRESENTATION)
    assert code_version() == code_version() and "+" in code_version()


def test_the_summary_marks_parts_and_sets_every_regime_against_the_first():
    scenario = defaults().with_overrides({"place.citizens": 500, "place.weeks": 8})
    runs = run_scenario(from_mapping({**scenario.to_mapping(), "regimes": {
        **scenario.to_mapping()["regimes"], "gentle": {"based_on": "target",
                                                       "threat_tone": 0.2}}}),
        ["target", "learning", "gentle"], None, progress=False)
    table = compare({run.regime: run.weekly for run in runs})
    assert list(table.columns) == ["unit", "target", "learning", "gentle",
                                   "learning - target", "gentle - target"]
    text = render(table, "three regimes")
    assert "  of which council revenues" in text and "  of which evictions" in text
    assert "Crises: public cost, all types (within agency spend above)" in text
    weekly = runs[1].weekly
    stress = table.loc["  caseworker stress, mean over the run", "learning"]
    assert stress == pytest.approx(weekly["caseworker_stress"].mean())
    assert table.loc["  caseworker stress, highest week", "learning"] == pytest.approx(
        weekly["caseworker_stress"].max())
    assert " -0.00 " not in text and " -0 " not in text
