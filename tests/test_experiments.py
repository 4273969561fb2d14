"""Sweeps: experiment files, designs, the resumable results store, clusters, sensitivity."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path

import duckdb
import mesa
import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pytest

from placesim.cli import main
from placesim.experiments import (
    burn_ins,
    load_experiment,
    plan,
    read_manifest,
    read_results,
    sensitivity,
    sweep,
)
from placesim.experiments.burn_ins import load_start, save_start
from placesim.experiments.designs import points
from placesim.experiments.spec import from_text
from placesim.experiments.sweep import _bounded
from placesim.model import PlaceModel, burned_in
from placesim.runner import run_regime
from placesim.scenario import InputError, load
from placesim.treasury import Terms, account

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = (ROOT / "scenarios" / "default.toml").as_posix()
SMALL = """
[fixed]
"place.citizens" = 800
"place.weeks" = 12
"""


def experiment_text(body: str, head: str = "", small: bool = True) -> str:
    return (f'[experiment]\nname = "t"\nscenario = "{DEFAULT}"\n{head}\n'
            + (SMALL if small else "") + body)


def write(tmp_path: Path, text: str, name: str = "e.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GRID = experiment_text("""
[vary."levers.caseload_cap"]
values = [8, 30]
[vary."levers.pause_enforcement"]
low = 0.0
high = 1.0
steps = 2
[replicates]
count = 2
""", 'regimes = ["target", "learning"]\noutputs = ["summary", "weekly"]')


# -- experiment files -----------------------------------------------------------------


@pytest.mark.parametrize(("body", "field", "says"), [
    ('[vary."life.job_los"]\nlow = 0.0\nhigh = 0.1\n', "vary.life.job_los",
     "did you mean 'job_loss'"),
    ('[vary."life.job_loss"]\nlow = 0.0\nhigh = 2.0\nsteps = 2\n', "vary.life.job_loss.high",
     "out of range"),
    ('[vary."life.job_loss"]\nlow = 0.2\nhigh = 0.1\nsteps = 2\n', "vary.life.job_loss",
     "must be below high"),
    ('[vary."life.job_loss"]\nlow = 0.0\nhigh = 0.1\n', "vary.life.job_loss.steps",
     "is missing"),
    ('[vary."levers.nope"]\nvalues = [1]\n', "vary.levers.nope", "unknown lever 'nope'"),
    ('[vary."regimes.other.threat_tone"]\nvalues = [1]\n', "vary.regimes.other.threat_tone",
     "unknown regime 'other'"),
    ('[vary."levers.caseload_cap"]\nvalues = [2.5]\n', "vary.levers.caseload_cap.values",
     "not a whole number"),
    ('[design]\nmethod = "halton"\n', "design.method", "allowed: grid, random, lhs, sobol"),
    ('[design]\nmethod = "sobol"\nsamples = 10\n[vary."life.job_loss"]\nlow = 0.0\nhigh = 0.1\n',
     "design.samples", "not a power of 2"),
    ('[design]\nmethod = "lhs"\nsamples = 4\n[vary."life.job_loss"]\nvalues = [0.1]\n',
     "vary.life.job_loss.values", "needs design.method = 'grid'"),
    ('[design]\nmethod = "morris"\nsamples = 4\n', "vary", "needs at least one varied"),
    ('[replicates]\ncount = 0\n', "replicates.count", "from 1 to"),
    ('[replicates]\nseeds = "fresh"\n', "replicates.seeds", "allowed: common, independent"),
    ('[fixed]\n"place.weekz" = 3\n', "fixed.place.weekz", "did you mean 'weeks'"),
    ('[vary."place.seed"]\nvalues = [1, 2]\n', "vary.place.seed", "replicates.count"),
    ('[replicate]\ncount = 2\n', "replicate", "did you mean 'replicates'"),
])
def test_bad_experiment_files_name_the_field_the_value_and_what_is_allowed(
        tmp_path, body, field, says):
    path = write(tmp_path, experiment_text(body, small=False))
    with pytest.raises(InputError) as caught:
        load_experiment(path)
    messages = [str(p) for p in caught.value.problems]
    assert any(f"{path}: {field}:" in m and says in m for m in messages), messages


def test_a_bad_experiment_file_on_the_command_line_exits_2_without_a_traceback(
        tmp_path, capsys):
    path = write(tmp_path, experiment_text('[experiment.extra]\n', small=False).replace(
        f'scenario = "{DEFAULT}"', 'scenario = "missing.toml"'))
    assert main(["sweep", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "experiment.scenario: 'missing.toml' cannot be used" in err
    assert "Traceback" not in err
    assert main(["sweep", str(path), "--workers", "0"]) == 2


def test_not_toml_is_reported_with_its_line(tmp_path):
    with pytest.raises(InputError, match="is not valid TOML"):
        from_text("[experiment\n", "x.toml", tmp_path)


# -- designs ----------------------------------------------------------------------------


def ranged(method: str, samples: int, extra: str = "") -> str:
    return experiment_text(f"""
[design]
method = "{method}"
samples = {samples}
{extra}
[vary."life.job_loss"]
low = 0.001
high = 0.01
[vary."levers.caseload_cap"]
low = 5
high = 30
[vary."levers.threat_tone"]
low = 0.0
high = 1.0
""")


@pytest.mark.parametrize(("method", "samples", "count"), [
    ("random", 7, 7), ("lhs", 9, 9), ("sobol", 8, 8 * (3 + 2)), ("morris", 3, 3 * (3 + 1))])
def test_sampled_designs_have_the_documented_size_and_stay_in_range(
        tmp_path, method, samples, count):
    experiment = load_experiment(write(tmp_path, ranged(method, samples)))
    design = points(experiment)
    assert len(design) == count
    assert design["life.job_loss"].between(0.001, 0.01).all()
    assert design["levers.caseload_cap"].between(5, 30).all()
    assert design["levers.caseload_cap"].dtype == "int64"  # whole-number field rounded
    again = points(load_experiment(write(tmp_path, ranged(method, samples), "again.toml")))
    pd.testing.assert_frame_equal(design, again)


def test_a_grid_is_the_full_factorial_and_equal_runs_are_stored_once(tmp_path):
    text = experiment_text("""
[vary."levers.caseload_cap"]
values = [10, 20]
[vary."life.job_loss"]
low = 0.001
high = 0.003
steps = 3
[replicates]
count = 2
""", 'regimes = ["target"]')
    experiment = load_experiment(write(tmp_path, text))
    table, tasks = plan(experiment)
    assert len(points(experiment)) == 6 and len(table) == 6 * 2
    # the target regime has no relational team: its caseload cap changes no parameter
    # the target run reads, yet it is part of the scenario, so each point is its own run
    assert len(tasks) == 12
    assert sorted(table.seed.unique()) == [1, 2]  # common random numbers


def test_a_plan_shares_one_base_scenario_so_it_grows_by_overrides_only(tmp_path):
    experiment = load_experiment(write(tmp_path, GRID))
    _, tasks = plan(experiment)
    assert {id(task.base) for task in tasks.values()} == {id(experiment.scenario)}
    assert all("scenario" not in vars(task) for task in tasks.values())  # built in workers
    task = next(iter(tasks.values()))
    assert task.scenario.get("place.seed") == task.seed


def test_independent_seeds_differ_between_points_and_common_seeds_do_not(tmp_path):
    common = plan(load_experiment(write(tmp_path, GRID)))[0]
    independent = plan(load_experiment(write(tmp_path, GRID.replace(
        "count = 2", 'count = 2\nseeds = "independent"'), "i.toml")))[0]
    assert common.groupby("point").seed.apply(tuple).nunique() == 1
    assert independent.groupby("point").seed.apply(tuple).nunique() == 4


def test_repeated_points_make_one_run_each(tmp_path):
    text = experiment_text('[vary."levers.caseload_cap"]\nvalues = [10, 10.0]\n',
                           'regimes = ["learning"]')
    with pytest.raises(InputError):  # 10.0 is not a whole number
        load_experiment(write(tmp_path, text))
    text = experiment_text('[vary."levers.caseload_cap"]\nlow = 10\nhigh = 10.4\n'
                           'steps = 3\n', 'regimes = ["learning"]')
    experiment = load_experiment(write(tmp_path, text))
    assert len(points(experiment)) == 1  # 10, 10.2, 10.4 all round to 10


# -- the store: resumable, atomic, queryable --------------------------------------------


def test_bounded_submission_keeps_at_most_the_window_in_flight():
    in_flight, most = 0, 0

    def submit(task):
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        future: Future = Future()
        future.set_result(task)
        return future

    seen = []
    for future in _bounded(submit, list(range(50)), 4):
        in_flight -= 1
        seen.append(future.result())
    assert sorted(seen) == list(range(50)) and most == 4


@pytest.fixture(scope="module")
def grid_sweep(tmp_path_factory):
    """The grid experiment swept once, without interruption, on two local processes."""
    folder = tmp_path_factory.mktemp("sweep")
    experiment = load_experiment(write(folder, GRID))
    report = sweep(experiment, folder / "out", workers=2)
    assert (report.planned, report.done, report.failed) == (16, 16, [])
    return folder / "out"


def test_results_are_tidy_and_queryable_with_pyarrow_and_duckdb(grid_sweep):
    summary = read_results(grid_sweep)
    assert len(summary) == 4 * 2 * 2 and summary.run_id.is_unique
    assert list(summary.columns[:7]) == ["run_id", "point", "replicate", "seed", "regime",
                                         "levers.caseload_cap",
                                         "levers.pause_enforcement"]
    assert {"spend_total", "crisis_cost", "turned_around_end"} <= set(summary.columns)
    weekly = read_results(grid_sweep, "weekly")
    # each run's Treasury account, as the comparison derives it from the weekly table
    for run_id, run in weekly.groupby("run_id"):
        row = summary.set_index("run_id").loc[run_id]
        terms = Terms.of(load(DEFAULT).with_overrides({"place.citizens": 800}))
        assert row.net_public_cost == pytest.approx(
            account(run.sort_values("week"), terms)["net_public_cost"])
    assert len(weekly) == 16 * 12
    assert weekly.groupby("run_id").spend_total.sum().round(2).sort_index().equals(
        summary.set_index("run_id").spend_total.round(2).sort_index())
    table = ds.dataset(grid_sweep / "summary").to_table(filter=ds.field("regime") == "target")
    assert table.num_rows == 8
    found = duckdb.sql(f"SELECT regime, count(*) AS runs, sum(spend_total) AS spend FROM "
                       f"'{grid_sweep.as_posix()}/summary/*.parquet' GROUP BY regime "
                       f"ORDER BY regime").df()
    assert found.runs.tolist() == [8, 8]
    expected = summary.groupby("regime").spend_total.sum().sort_index()
    assert found.spend.round(2).tolist() == expected.round(2).tolist()
    manifest = read_manifest(grid_sweep)
    assert len(manifest) == 16 and set(manifest.status) == {"done"}
    assert {"host", "seconds", "versions", "parameters", "seed"} <= set(manifest.columns)
    assert (grid_sweep / "manifest.parquet").is_file()


def test_the_same_command_skips_what_is_done(grid_sweep, tmp_path):
    experiment = load_experiment(write(tmp_path, GRID))
    report = sweep(experiment, grid_sweep, workers=1)
    assert (report.skipped, report.done) == (16, 0)


def test_a_sweep_killed_mid_way_resumes_to_the_uninterrupted_dataset(grid_sweep, tmp_path):
    path = write(tmp_path, GRID.replace("count = 2", "count = 2").replace(
        '"place.weeks" = 12', '"place.weeks" = 40'))
    out = tmp_path / "killed"
    command = [sys.executable, "-m", "placesim.cli", "sweep", str(path), "--out", str(out),
               "--workers", "2", "--no-progress"]
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while len(list((out / "summary").glob("*.parquet"))) < 3:
        assert process.poll() is None, "the sweep ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)  # the driver and its workers, no clean-up
    process.wait()
    finished = len(list((out / "summary").glob("*.parquet")))
    assert 3 <= finished < 16
    assert main(["sweep", str(path), "--out", str(out), "--no-progress"]) == 0
    resumed = read_results(out, "weekly")
    uninterrupted = tmp_path / "whole"
    sweep(load_experiment(path), uninterrupted, workers=1)
    pd.testing.assert_frame_equal(resumed, read_results(uninterrupted, "weekly"))
    assert read_results(out).run_id.is_unique and len(read_results(out)) == 16


def spawned_workers(parent: int) -> list[int]:
    """Process ids of the pool workers a process has spawned (not its resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == parent and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return sorted(found)


def test_a_killed_worker_stops_the_sweep_cleanly_and_the_command_resumes(tmp_path):
    """A worker process that dies (here: killed from outside) loses only its own run."""
    path = write(tmp_path, GRID.replace('"place.weeks" = 12', '"place.weeks" = 40'))
    out = tmp_path / "out"
    command = [sys.executable, "-m", "placesim.cli", "sweep", str(path), "--out", str(out),
               "--workers", "2", "--no-progress"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    deadline = time.monotonic() + 300
    while not list((out / "summary").glob("*.parquet")):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(spawned_workers(process.pid)[0], signal.SIGKILL)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 130, err
    assert "a worker process died; finished runs are on disk" in err
    assert "Traceback" not in err
    assert main(["sweep", str(path), "--out", str(out), "--no-progress"]) == 0
    assert len(read_results(out)) == 16


def test_a_sweep_runs_from_code_with_no_main_file_as_in_a_notebook(tmp_path):
    """Workers are spawned and run a function of the package, so code typed into a
    notebook can start a parallel sweep. ``python -c`` has, like a notebook kernel, a
    __main__ module with no file."""
    path = write(tmp_path, GRID.replace("count = 2", "count = 1"))
    code = (f"from pathlib import Path\n"
            f"from placesim.experiments import load_experiment, sweep\n"
            f"report = sweep(load_experiment({str(path)!r}), Path({str(tmp_path / 'nb')!r}), "
            f"workers=2)\n"
            f"print(report.done, len(report.failed))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["8", "0"]


def test_a_dask_cluster_gives_the_local_result_bit_for_bit(grid_sweep, tmp_path):
    from distributed import LocalCluster

    experiment = load_experiment(write(tmp_path, GRID))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        report = sweep(experiment, tmp_path / "dask", dask=cluster.scheduler_address)
    assert report.done == 16
    for table in ("summary", "weekly"):
        pd.testing.assert_frame_equal(read_results(tmp_path / "dask", table),
                                      read_results(grid_sweep, table))


def test_reading_a_table_that_was_not_kept_says_what_was(grid_sweep):
    with pytest.raises(InputError, match="no such table in this sweep; kept: summary, weekly"):
        read_results(grid_sweep, "journeys")
    with pytest.raises(InputError, match="holds no sweep"):
        read_results(grid_sweep / "summary")


# -- sensitivity --------------------------------------------------------------------------


def test_a_tiny_sobol_sweep_ranks_the_dominant_parameter_first(tmp_path, capsys):
    """Job loss drives the target regime's spend; its relational team's caseload cap
    cannot (the target regime has no relational team), and the threat tone barely can in
    20 weeks."""
    text = ranged("sobol", 16).replace('"place.weeks" = 12', '"place.weeks" = 20').replace(
        'name = "t"', 'name = "t"\nregimes = ["target"]')
    path = write(tmp_path, text)
    out = tmp_path / "sobol"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "2",
                 "--no-progress"]) == 0
    assert main(["sensitivity", str(out), "--output", "spend_total"]) == 0
    assert "life.job_loss" in capsys.readouterr().out
    found = pd.read_csv(out / "sensitivity" / "sensitivity.csv")
    total = found[found["index"] == "ST"].set_index("parameter")
    assert total.loc["life.job_loss", "value"] > 0.8
    assert total.loc["levers.caseload_cap", "value"] == 0.0
    assert total.loc["life.job_loss", "value"] - total.loc["life.job_loss", "conf"] > (
        total.loc["levers.threat_tone", "value"] + total.loc["levers.threat_tone", "conf"])
    assert (out / "sensitivity" / "sensitivity.png").stat().st_size > 10_000


def test_morris_indices_and_their_errors(tmp_path):
    path = write(tmp_path, ranged("morris", 2))
    out = tmp_path / "morris"
    sweep(load_experiment(path), out, workers=1)
    found = sensitivity.indices(out, ["crisis_cost"], ["learning"])
    assert set(found["index"]) == {"mu_star", "sigma"} and len(found) == 6
    with pytest.raises(InputError, match="unknown output 'spend'"):
        sensitivity.indices(out, ["spend"])
    with pytest.raises(InputError, match="'switch' was not run in this sweep"):
        sensitivity.indices(out, ["spend_total"], ["switch"])


def test_a_grid_has_no_sensitivity_indices(grid_sweep, capsys):
    assert main(["sensitivity", str(grid_sweep), "--output", "spend_total"]) == 2
    assert "sweep with method 'sobol' or 'morris'" in capsys.readouterr().err


# -- driving placesim from other tools -----------------------------------------------------


def test_mesa_batch_run_drives_the_place_model():
    results = mesa.batch_run(PlaceModel, parameters={
        "regime": ["target", "learning"], "citizens": 400, "weeks": 5, "seed": [1, 2],
        "overrides": [{"life.job_loss": 0.002}]},
        iterations=1, max_steps=50, number_processes=1, display_progress=False)
    frame = pd.DataFrame(results)
    assert len(frame) == 4 and {"spend_total", "turned_around", "regime"} <= set(frame.columns)
    assert frame.groupby("seed").spend_total.nunique().eq(2).all()
    direct = PlaceModel(regime="learning", citizens=400, weeks=5, seed=2,
                        overrides={"life.job_loss": 0.002})
    while direct.running:
        direct.step()
    last = frame[(frame.regime == "learning") & (frame.seed == 2)].iloc[0]
    assert last.spend_total == direct.weekly().spend_total.iloc[-1]  # the run's last week


def test_ema_workbench_drives_placesim():
    ema = pytest.importorskip("ema_workbench")
    from placesim.experiments.ema import placesim_model

    model = placesim_model(DEFAULT, "learning", {
        "life.job_loss": (0.001, 0.006), "levers.caseload_cap": (8, 30),
        "levers.threat_tone": (0.0, 1.0), "place.citizens": (300, 301),
        "place.weeks": (4, 5)}, ["spend_total", "turned_around_end"])
    experiments, outcomes = ema.perform_experiments(model, 3)
    assert len(experiments) == 3 and set(outcomes) == {"spend_total", "turned_around_end"}
    assert (outcomes["spend_total"] > 0).all()
    with pytest.raises(InputError, match="unknown output"):
        placesim_model(DEFAULT, "learning", {}, ["spend"])


def test_ema_workbench_drives_a_comparison(tmp_path):
    """Outcomes are the comparison's paired differences, read from its stored runs."""
    ema = pytest.importorskip("ema_workbench")
    from placesim.comparison import Comparison
    from placesim.experiments.ema import placesim_model

    model = placesim_model(DEFAULT, "learning", {
        "levers.threat_tone": (0.0, 1.0), "place.citizens": (300, 301),
        "place.weeks": (6, 7)}, ["spend_total", "ct_paid"], baseline="target",
        replicates=2, out=tmp_path)
    _, outcomes = ema.perform_experiments(model, 2)
    folders = sorted(p for p in tmp_path.iterdir() if p.is_dir())
    assert len(folders) == 2
    stored = {Comparison.read(f).differences.set_index("indicator").loc[
        "spend_total", "difference"] for f in folders}
    assert stored == set(outcomes["spend_total"])
    with pytest.raises(InputError, match="out: is missing"):
        placesim_model(DEFAULT, "learning", {}, ["spend_total"], baseline="target")


def test_journeys_can_be_kept_for_the_first_replicates_only(tmp_path):
    text = experiment_text("[replicates]\ncount = 3\n", 'regimes = ["target"]\n'
                           'outputs = ["summary", "journeys"]\njourney_replicates = 1')
    experiment = load_experiment(write(tmp_path, text))
    report = sweep(experiment, tmp_path / "out")
    assert report.done == 3 and not report.failed
    journeys = read_results(tmp_path / "out", "journeys")
    assert set(journeys.replicate) == {0}
    assert sweep(experiment, tmp_path / "out").skipped == 3  # finished without journeys
    with pytest.raises(InputError, match="journey_replicates: applies only when outputs"):
        load_experiment(write(tmp_path, experiment_text(
            "", 'regimes = ["target"]\njourney_replicates = 1'), "bad.toml"))


# -- burn-ins shared between runs ------------------------------------------------------


def test_a_burned_in_place_reads_back_bit_for_bit(tmp_path):
    scenario = load(DEFAULT).with_overrides({"place.citizens": 300, "place.weeks": 4,
                                             "place.burn_in_weeks": 30})
    start = burned_in(scenario)
    save_start(start, tmp_path / "start.npz")
    again = load_start(tmp_path / "start.npz")
    assert again.week == start.week == 0
    assert again.short == start.short
    assert again.citizens.tobytes() == start.citizens.tobytes()
    assert again.citizens.dtype == start.citizens.dtype
    for name in ("caseload", "service_hours", "service_budget", "flagged_before"):
        assert np.array_equal(getattr(again, name), getattr(start, name)), name
    for team in ("assessors", "caseworkers"):
        for name in ("skill", "motivation", "stress", "volunteer"):
            assert np.array_equal(getattr(getattr(again, team), name),
                                  getattr(getattr(start, team), name)), (team, name)


def test_runs_that_share_a_place_burn_it_in_once_and_end_as_if_each_had_its_own(
        tmp_path, monkeypatch):
    """GRID varies regime levers only: its 16 runs have 2 places (one a seed)."""
    calls = []
    monkeypatch.setattr(burn_ins, "burned_in",
                        lambda scenario: calls.append(1) or burned_in(scenario))
    experiment = load_experiment(write(tmp_path, GRID))
    report = sweep(experiment, tmp_path / "out", workers=1)
    assert (report.planned, report.done, report.failed) == (16, 16, [])
    assert len(calls) == 2
    assert not (tmp_path / "out" / burn_ins.FOLDER).exists()  # cleared: the sweep is whole
    stored = read_results(tmp_path / "out").set_index("run_id")
    for run_id, task in plan(experiment)[1].items():
        alone = run_regime(task.scenario, task.regime, progress=False).summary()
        np.testing.assert_array_equal(  # exactly equal, NaN where both are
            stored.loc[run_id, list(alone)].to_numpy(float), list(alone.values()), run_id)
