"""The policy comparison: its numbers recomputed independently from the stored runs, its
report opened in a real browser, resumption after a kill, and bad input refused."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from browser import PageLog, chromium
from scipy import stats

import placesim
from placesim.cli import main
from placesim.comparison import Comparison
from placesim.comparison.document import Document, Picture, Text, drawn
from placesim.comparison.report import number
from placesim.comparison.tables import PER_LIFE
from placesim.summary import SUMMARY_KEYS
from placesim.treasury import ACCOUNT_KEYS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "default.toml"
SIZE = {"citizens": 1500, "weeks": 40, "replicates": 3, "seed": 7}


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> Comparison:
    out = tmp_path_factory.mktemp("compare")
    comparison = placesim.compare(DEFAULT, out=out, **SIZE)
    comparison.write_report()
    return comparison


def stored(comparison: Comparison, table: str, regime: str, replicate: int) -> pd.DataFrame:
    """A run's table read straight from the store, found through the plan."""
    store = comparison.directory / "store"
    plan = pd.read_parquet(store / "plan.parquet")
    run = plan[(plan.regime == regime) & (plan.replicate == replicate)].run_id.item()
    return pd.read_parquet(store / table / f"{run}.parquet")


def test_paired_differences_equal_scipy_on_the_stored_runs(compared):
    c = compared
    for key in ("spend_total", "ct_paid", "fees_charged", "turned_around_end", "crises",
                "cost_housing", "wellbeing_end"):
        base = np.array([stored(c, "summary", c.baseline, r)[key].item() for r in range(3)])
        other = np.array([stored(c, "summary", c.reform, r)[key].item() for r in range(3)])
        test = stats.ttest_rel(other, base)
        low, high = test.confidence_interval(0.95)
        row = c.differences.set_index("indicator").loc[key]
        assert row.difference == pytest.approx((other - base).mean(), rel=1e-12)
        assert (row.difference_low, row.difference_high) == pytest.approx((low, high),
                                                                          rel=1e-9)
        assert row.baseline == pytest.approx(base.mean()) and row.replicates == 3
    assert set(c.differences.indicator) == {*SUMMARY_KEYS, *ACCOUNT_KEYS,
                                            *(key for key, *_ in PER_LIFE)}


def test_crises_are_the_sum_of_their_kinds_and_the_headline_reads_them(compared):
    d = compared.differences.set_index("indicator")
    kinds = ["evictions", "ae_attendances", "mh_crises", "care_entries", "police_callouts"]
    assert d.loc["crises", "baseline"] == pytest.approx(d.loc[kinds, "baseline"].sum())
    assert list(compared.headline().indicator) == [
        "net_public_cost", "resource_cost", "committed_cost", "pv_net_public_cost",
        "turned_around_end", "pv_net_cost_per_extra_life", "crises", "fees_charged"]


def test_winners_and_losers_recomputed_from_the_citizens_and_summing_to_one(compared):
    c = compared
    shares = []
    for replicate in range(3):
        base = stored(c, "outcomes", c.baseline, replicate)
        other = stored(c, "outcomes", c.reform, replicate)
        order = base["income_start"].rank(method="first")
        decile = np.ceil(order / (len(base) / 10)).astype(int)
        change = other["debt"] - base["debt"]
        better = (change < -1.0).groupby(decile).mean()
        worse = (change > 1.0).groupby(decile).mean()
        shares.append(pd.DataFrame({"better": better, "worse": worse}))
    mean = sum(shares) / 3
    table = c.winners[c.winners.outcome == "debt"].set_index("decile")
    assert np.allclose(table["better"], mean["better"])
    assert np.allclose(table["worse"], mean["worse"])
    total = c.winners[["better", "same", "worse"]].sum(axis=1)
    assert np.allclose(total, 1.0)
    per_person = c.citizens()
    assert len(per_person) == 3 * SIZE["citizens"]
    direction = per_person.groupby(["replicate", "decile"])["debt_direction"].value_counts(
        normalize=True).unstack(fill_value=0).sum(axis=1)
    assert np.allclose(direction, 1.0)
    low, high = c.winners[["better_low", "better_high"]].min().min(), c.winners[
        ["better_low", "better_high"]].max().max()
    assert 0.0 <= low and high <= 1.0


def test_the_same_people_start_alike_so_deciles_pair_them(compared):
    for replicate in range(3):
        base = stored(compared, "outcomes", compared.baseline, replicate)
        other = stored(compared, "outcomes", compared.reform, replicate)
        pd.testing.assert_series_equal(base["income_start"], other["income_start"])


def test_journeys_are_three_different_people_under_both_regimes(compared):
    chosen = compared.chosen
    assert list(chosen.role) == ["most changed", "least changed", "typical"]
    assert chosen.citizen.is_unique
    most, least = chosen.iloc[0], chosen.iloc[1]
    assert abs(most.wellbeing_difference) >= abs(least.wellbeing_difference)
    journeys = compared.journeys
    assert set(journeys.regime) == {compared.baseline, compared.reform}
    assert (journeys.groupby(["role", "regime"], observed=True).size() == SIZE["weeks"]).all()


def test_xmr_limits_are_the_mean_plus_and_minus_2_66_moving_ranges(compared):
    series = compared.xmr[(compared.xmr.series == "spend_total")
                          & (compared.xmr.regime == compared.baseline)]
    values = series["value"].to_numpy()
    spread = np.abs(np.diff(values)).mean()
    assert series["upper"].iloc[0] == pytest.approx(values.mean() + 2.66 * spread)
    assert series["lower"].iloc[0] == pytest.approx(values.mean() - 2.66 * spread)
    assert (series["beyond"] == ((values > series["upper"]) | (values < series["lower"]))).all()


def test_the_report_states_the_stored_numbers(compared):
    html = (compared.directory / "report.html").read_text()
    markdown = (compared.directory / "report.md").read_text()
    row = compared.differences.set_index("indicator").loc["net_public_cost"]
    scale = max(abs(row.difference), abs(row.difference_low), abs(row.difference_high))
    figure = (f"{number(row.difference, 'GBP', True, scale)} "
              f"[{number(row.difference_low, 'GBP', True, scale)}, "
              f"{number(row.difference_high, 'GBP', True, scale)}]")
    assert figure in markdown and figure.replace("&", "&amp;") in html
    for section in ("Headline", "Who pays and who saves", "Net cost by payer",
                    "Transfers and resource costs", "Committed and discounted",
                    "How the money is counted", "Life outcomes", ("Reported versus "
                    "real"), "Variation, not red/amber/green", "Demand: value and failure",
                    "Three journeys side by side", "Assumptions", "Reproduce",
                    "Common random numbers make this per-person reading possible",
                    "Only 3 replicates"):
        assert section in markdown
    assert compared.metadata["command"] in markdown
    assert compared.metadata["scenario_digest"] in html
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"?https?:", html)
    figures = sorted(p.name for p in (compared.directory / "figures").iterdir())
    assert all(f"figures/{name}" in markdown for name in figures)


def test_the_tables_read_back_whole(compared):
    again = Comparison.read(compared.directory)
    for name in Comparison.FRAMES:
        pd.testing.assert_frame_equal(getattr(again, name), getattr(compared, name),
                                      check_categorical=False)
        csv = pd.read_csv(compared.directory / "tables" / f"{name}.csv")
        assert len(csv) == len(getattr(compared, name))


def test_the_report_opens_in_a_real_browser_offline(compared, tmp_path):
    screenshot = tmp_path / "report.png"
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        log = PageLog()
        log.watch(page)
        page.goto((compared.directory / "report.html").as_uri())
        page.wait_for_load_state("load")
        assert page.locator("h2").count() >= 10
        assert page.locator("figure svg").count() >= 10
        page.screenshot(path=str(screenshot))
    assert log == PageLog(), log
    from PIL import Image

    pixels = np.asarray(Image.open(screenshot).convert("L"))
    assert pixels.std() > 10  # text, tables and colour: not a blank page


def test_a_comparison_killed_mid_way_resumes_to_the_same_report(compared, tmp_path):
    out = tmp_path / "killed"
    command = [sys.executable, "-m", "placesim.cli", "compare", str(DEFAULT), "--out", str(out),
               "--no-progress", *(f"--{k}={v}" for k, v in SIZE.items())]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while len(list((out / "store" / "summary").glob("*.parquet"))) < 2:
        assert process.poll() is None, "the comparison ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not (out / "report.html").exists()
    assert main(["compare", str(DEFAULT), "--out", str(out), "--no-progress",
                 *(f"--{k}={v}" for k, v in SIZE.items())]) == 0
    resumed = Comparison.read(out)
    for name in ("differences", "deciles", "winners", "journeys", "xmr"):
        pd.testing.assert_frame_equal(getattr(resumed, name), getattr(compared, name),
                                      check_categorical=False)
    strip = str(compared.directory), str(out)
    old = (compared.directory / "report.md").read_text()
    new = (out / "report.md").read_text().replace(strip[1], strip[0])
    assert re.sub(r"placesim compare .*", "", new) == re.sub(r"placesim compare .*", "", old)


def exit_code(argv: list[str]) -> int:
    """What the command exits with, whether it returns or argparse exits."""
    try:
        return main(argv)
    except SystemExit as exit_:
        return int(exit_.code)


@pytest.mark.parametrize(("flags", "message"), [
    (["--baseline", "targte"], "--baseline: unknown regime 'targte'; did you mean 'target'?"),
    (["--reform", "target"], "--reform: 'target' is also the baseline"),
    (["--replicates", "0"], "--replicates: 0 is not allowed; allowed: a whole number from 2"),
    (["--replicates", "two"], "argument --replicates: 'two' is not a whole number"),
    (["--citizens", "5"], "--citizens: 5 is out of range"),
    (["--horizon", "200"], "--horizon: 200 is not allowed; allowed: a whole number of years "
     "from 1 to 125"),
    (["--horizon", "ten"], "argument --horizon: 'ten' is not a whole number"),
])
def test_bad_input_gets_a_clear_message_and_exit_2(flags, message, tmp_path, capsys):
    assert exit_code(["compare", str(DEFAULT), "--out", str(tmp_path), *flags]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "store").exists()  # refused before any work


def test_an_unwritable_out_is_refused_before_any_work(tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("x")
    for out, why in ((afile, "is a file, not a folder"),
                     (afile / "below", "cannot be written")):
        assert main(["compare", str(DEFAULT), "--out", str(out), "--citizens", "500"]) == 2
        err = capsys.readouterr().err
        assert f"--out: '{out}' {why}" in err and "Traceback" not in err


def test_a_lever_ranked_by_the_screening_shows_each_regimes_value():
    from placesim.comparison.tables import assumptions
    from placesim.scenario import from_mapping

    screening = pd.DataFrame({"regime": "learning - target", "output": "spend_total",
                              "parameter": ["levers.caseload_cap", "life.job_loss"],
                              "index": "mu_star", "value": [2.0, 1.0], "conf": 0.1})
    scenario = from_mapping({"regimes": {"learning": {"caseload_cap": 20}}})
    table = assumptions(scenario, "target", "learning", screening)
    ranked = table[table["kind"] == "sensitivity (mu_star)"].set_index("parameter")
    assert ranked.loc["levers.caseload_cap", "rank"] == 1
    assert tuple(ranked.loc["levers.caseload_cap", ["baseline", "reform"]]) == ("15", "20")
    assert tuple(ranked.loc["life.job_loss", ["baseline", "reform"]]) == ("0.003", "0.003")


def _line(slope: float):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3, 2))
    figure.subplots().plot([0, 1, 2], [0, slope, 2 * slope])
    return figure


def test_pictures_drawn_in_worker_processes_are_those_drawn_here(monkeypatch):
    doc = Document("t", "s", [Picture("a", partial(_line, 1.0), "one"), Text("between"),
                              Picture("b", partial(_line, -3.0), "two")])
    forked = drawn(doc)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})  # one core: drawn here
    here = drawn(doc)
    assert [type(b) for b in forked.blocks] == [Picture, Text, Picture]
    assert [b.svg for b in forked.blocks if isinstance(b, Picture)] == [
        b.svg for b in here.blocks if isinstance(b, Picture)]
    first, second = (b.svg for b in here.blocks if isinstance(b, Picture))
    assert first.startswith("<svg") and first != second


def test_a_mean_and_its_interval_are_written_alike():
    from placesim.comparison.report import with_interval

    assert with_interval(-8_539, -10_012, -7_066, "GBP", True) == "-£9k [-£10k, -£7k]"
    assert with_interval(950, 80, 1_820, "count") == "950 [80, 1,820]"
    assert with_interval(-2.5e6, -3.1e6, -0.4e6, "GBP") == "-£2.50m [-£3.10m, -£0.40m]"
    # an end that is not zero is never written as one
    assert with_interval(-6_020, -11_400, -412, "GBP", True) == "-£6k [-£11k, -£412]"
    assert with_interval(0.4, -0.2, 1_300, "count", True) == "+0.4 [-0.2, +1,300]"
    assert with_interval(0, -11_400, 0, "GBP", True) == "£0k [-£11k, £0k]"
