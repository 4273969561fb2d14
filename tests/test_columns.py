"""Outputs a stranger can read: every column of every table carries its unit and meaning,
the catalogue is the one the docs show, and money is in GBP everywhere."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from placesim.columns import TABLES, markdown, weekly_columns
from placesim.experiments import sweep
from placesim.experiments.spec import from_text
from placesim.model import PlaceModel
from placesim.runner import run_scenario
from placesim.scenario import defaults
from placesim.summary import SUMMARY_KEYS

ROOT = Path(__file__).resolve().parents[1]


def test_the_outputs_page_is_generated_from_the_definitions():
    page = ROOT / "docs" / "outputs.md"
    assert page.read_text(encoding="utf-8") == markdown(), (
        "docs/outputs.md is stale: run `placesim outputs > docs/outputs.md`")


def test_the_catalogue_lists_the_weekly_columns_a_model_collects_in_order():
    model = PlaceModel(defaults(), citizens=200, weeks=1)
    model.step()
    assert list(model.weekly().columns) == list(weekly_columns())


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    scenario = defaults().with_overrides({"place.citizens": 400, "place.weeks": 6})
    run_scenario(scenario, ["target", "learning"], out, progress=False)
    return out


def test_every_column_of_every_run_table_says_its_unit_and_meaning(written):
    for path in written.rglob("*.parquet"):
        kind = path.parent.name
        catalogue = TABLES[kind][1]
        schema = pq.read_schema(path)
        assert [f.name for f in schema] == list(catalogue), path
        for field in schema:
            assert field.metadata[b"unit"] and field.metadata[b"doc"], (path, field.name)


def test_money_is_in_pounds_in_every_table(written):
    citizens = pd.read_parquet(written / "citizens" / "regime=target.parquet")
    journeys = pd.read_parquet(written / "journeys" / "regime=target.parquet")
    # pence held whole by the engine become pounds with at most two decimals
    for column in ("savings", "housing_cost", "ct_arrears", "public_cost"):
        pence = citizens[column].to_numpy() * 100
        np.testing.assert_allclose(pence, np.round(pence), atol=1e-6)
    assert pq.read_schema(written / "citizens" / "regime=target.parquet").field(
        "housing_cost").metadata[b"unit"] == b"GBP a week"
    # the week's public cost is the change in the cumulative cost, both in pounds
    one = journeys[journeys["citizen"] == journeys["citizen"].iloc[0]].sort_values("week")
    np.testing.assert_allclose(one["public_cost"].diff().iloc[1:],
                               one["public_cost_this_week"].iloc[1:], atol=1e-9)
    assert {"domains_names", "status_names", "asks_names"} <= set(journeys.columns)


def test_every_column_of_every_sweep_table_says_its_unit_and_meaning(tmp_path):
    text = f"""
[experiment]
scenario = "{ROOT.as_posix()}/scenarios/default.toml"
regimes = ["learning"]
outputs = ["summary", "weekly", "deciles", "journeys", "outcomes"]
[fixed]
"place.citizens" = 300
"place.weeks" = 4
[vary."life.job_loss"]
values = [0.002, 0.004]
"""
    experiment = from_text(text, str(tmp_path / "e.toml"), tmp_path)
    report = sweep(experiment, tmp_path / "out")
    assert report.done == 2 and not report.failed
    for path in (tmp_path / "out").rglob("*.parquet"):
        for field in pq.read_schema(path):
            assert field.metadata and field.metadata[b"unit"] is not None, (path, field.name)
    summary = pd.read_parquet(tmp_path / "out" / "summary")
    assert set(SUMMARY_KEYS) <= set(summary.columns)
    assert "`spend_total`" in markdown() and "'placesim sensitivity --output'" in markdown()


def test_every_column_of_a_comparison_s_tables_says_its_unit_and_meaning(tmp_path):
    from placesim.comparison import compare

    compare(defaults().with_overrides({"place.citizens": 400, "place.weeks": 5}),
            replicates=2, out=tmp_path / "c")
    paths = sorted((tmp_path / "c" / "tables").glob("*.parquet"))
    assert len(paths) >= 10
    for path in paths:
        for field in pq.read_schema(path):
            assert field.metadata and field.metadata[b"unit"] is not None, (path, field.name)
