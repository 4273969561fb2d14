"""Results folders and the command line's doors: checked before any work, one writer at a
time, saying what they hold, never half-written, never silently mixed."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import placesim.experiments
from placesim import atomic, compilation, memory, runner
from placesim.cli import main
from placesim.experiments import load_experiment, plan
from placesim.folders import LOCK, MANIFEST, writing
from placesim.scenario import InputError, load

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = str(ROOT / "scenarios" / "default.toml")
TINY = ["--citizens", "300", "--weeks", "3", "--no-progress"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["run", DEFAULT, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_an_out_that_is_a_file_is_refused_before_any_work(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(runner, "run_regime", lambda *a, **k: pytest.fail("work started"))
    existing = tmp_path / "results.txt"
    existing.write_text("mine")
    code, _, err = run(capsys, "--out", str(existing), *TINY)
    assert code == 2 and f"'{existing}' is a file, not a folder" in err
    code, _, err = run(capsys, "--out", "/proc/self/placesim", *TINY)
    assert code == 2 and "cannot be written" in err
    code, _, err = run(capsys, "--out", str(tmp_path / ("x" * 300)), *TINY)
    assert code == 2 and "longer than the system allows" in err
    assert existing.read_text() == "mine"


def test_a_folder_says_what_it_holds_and_refuses_another_size(tmp_path, capsys):
    out = tmp_path / "out"
    assert run(capsys, "--out", str(out), *TINY)[0] == 0
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["kind"] == "placesim run" and manifest["citizens"] == 300
    assert set(manifest["regimes"]) == {"target", "learning"}
    assert manifest["scenario_digest"] == load(DEFAULT).with_overrides(
        {"place.citizens": 300, "place.weeks": 3}).digest()
    before = pd.read_parquet(out / "weekly")
    code, _, err = run(capsys, "--out", str(out), "--citizens", "400", "--weeks", "3",
                       "--no-progress")
    assert code == 2
    assert "holds scenario default" in err and "300 citizens x 3 weeks" in err
    assert "this run is scenario default" in err and "400 citizens" in err and "--replace" in err
    pd.testing.assert_frame_equal(pd.read_parquet(out / "weekly"), before)
    # the same place again, one regime: it joins the others
    assert run(capsys, "--out", str(out), "--regime", "learning", *TINY)[0] == 0
    assert len(pd.read_parquet(out / "weekly")) == 2 * 3


def test_replace_swaps_in_only_a_finished_run(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert run(capsys, "--out", str(out), *TINY)[0] == 0
    before = pd.read_parquet(out / "citizens")
    original = runner.run_regime

    def dies_on_learning(scenario, regime, *args, **kwargs):
        if regime == "learning":
            raise KeyboardInterrupt
        return original(scenario, regime, *args, **kwargs)

    monkeypatch.setattr(runner, "run_regime", dies_on_learning)
    bigger = ["--citizens", "500", "--weeks", "3", "--no-progress"]
    assert run(capsys, "--out", str(out), "--replace", *bigger)[0] == 130
    pd.testing.assert_frame_equal(pd.read_parquet(out / "citizens"), before)
    monkeypatch.setattr(runner, "run_regime", original)
    assert run(capsys, "--out", str(out), "--replace", *bigger)[0] == 0
    assert len(pd.read_parquet(out / "citizens")) == 2 * 500
    assert json.loads((out / MANIFEST).read_text())["citizens"] == 500
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing left beside it


def test_a_folder_with_other_files_is_never_replaced(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    code, _, err = run(capsys, "--out", str(out), "--replace", *TINY)
    assert code == 2 and "holds files placesim did not write (thesis.tex)" in err
    assert (out / "thesis.tex").read_text() == "years of work"


def test_a_folder_another_placesim_is_writing_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    with writing(out):
        code, _, err = run(capsys, "--out", str(out), *TINY)
        assert code == 2
        assert f"is being written by another placesim (pid {os.getpid()}" in err
        experiment = load_experiment(ROOT / "experiments" / "caseload_and_gate.toml")
        with pytest.raises(InputError, match="is being written by another placesim"):
            placesim.experiments.sweep(experiment, out)
    assert run(capsys, "--out", str(out), *TINY)[0] == 0  # released with its holder


def test_a_killed_writer_s_temporaries_are_cleared_by_the_next(tmp_path):
    out = tmp_path / "out"
    (out / "weekly").mkdir(parents=True)
    left = out / "weekly" / f".regime=target.parquet{atomic.TEMPORARY_MARK}99999"
    left.write_bytes(b"half a file")
    with writing(out):
        assert not left.exists()
    assert (out / LOCK).exists()


def test_a_full_disk_leaves_no_partial_file_and_says_so(tmp_path, capsys, monkeypatch):
    def fills_the_disk(table, where, **kwargs):
        Path(where).write_bytes(b"PAR1 half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq, "write_table", fills_the_disk)
    monkeypatch.setattr(atomic.pq, "write_table", fills_the_disk)
    out = tmp_path / "out"
    code, _, err = run(capsys, "--out", str(out), *TINY)
    assert code == 1
    assert "could not be written: the disk is full; nothing half-written was left" in err
    assert "Traceback" not in err
    assert not [p for p in out.rglob("*") if p.is_file() and p.suffix == ".parquet"]
    assert not list(out.rglob(f"*{atomic.TEMPORARY_MARK}*"))


def test_a_full_disk_while_the_place_waits_in_its_file_says_so(tmp_path, capsys,
                                                               monkeypatch):
    """The burned-in place waits in a temporary file in the results folder while the
    regimes run: a disk too full for it is reported like a results file, and leaves
    nothing behind."""
    from placesim.engine import start

    def fills_the_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(start.RecordsFile, "__init__", fills_the_disk)
    out = tmp_path / "out"
    code, _, err = run(capsys, "--out", str(out), *TINY)
    assert code == 1 and "Traceback" not in err
    assert f"{out} could not be written: the disk is full" in err
    assert not [p for p in out.rglob("*") if p.is_file() and p.name != LOCK]


def test_a_place_too_large_for_the_memory_is_refused_before_any_work(capsys, monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 8 * 2**30)
    monkeypatch.setattr(runner, "run_regime", lambda *a, **k: pytest.fail("work started"))
    code, _, err = run(capsys, "--citizens", "50000000", "--weeks", "3")
    assert code == 2
    needed = memory.bytes_needed(50_000_000) / 2**30
    assert f"50,000,000 citizens need about {needed:.1f} GiB of memory" in err
    assert "but 8.0 GiB is available" in err and "at most about" in err


@pytest.mark.parametrize("command", [
    ["run", DEFAULT, "--citizens", "10000000"],
    ["compare", DEFAULT, "--citizens", "10000000", "--replicates", "2"],
    ["sweep", str(ROOT / "experiments" / "caseload_and_gate.toml"), "--citizens",
     "10000000"]])
def test_every_command_refuses_a_place_too_large_before_it_writes_anything(
        capsys, monkeypatch, tmp_path, command):
    monkeypatch.setattr(memory, "available_bytes", lambda: 2**30)
    monkeypatch.setattr(compilation, "prepare_kernels", lambda: pytest.fail("work started"))
    out = tmp_path / "out"
    assert main([*command, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "10,000,000 citizens" in err and "but 1.0 GiB is available" in err
    assert not out.exists()


def test_the_trainers_page_refuses_a_place_too_large_for_both_sides(capsys, monkeypatch):
    from placesim.ui.twin import check_place

    monkeypatch.setattr(memory, "available_bytes", lambda: 2**30)
    assert check_place("citizens", 20_000) is None
    why = check_place("citizens", 5_000_000)
    assert why.startswith("2 places of 5,000,000 citizens need about") and "1.0 GiB" in why
    monkeypatch.setattr(memory, "available_bytes", lambda: 2**20)
    assert main(["ui", DEFAULT]) == 2
    assert "place.citizens: 2 places of 20,000 citizens" in capsys.readouterr().err


def test_the_estimate_counts_the_record_and_the_working_arrays():
    from placesim.engine.state import CITIZEN_DTYPE
    assert memory.bytes_per_citizen() >= CITIZEN_DTYPE.itemsize + memory.ENGINE_WORKING_BYTES
    assert memory.bytes_needed(1000, 3) == 3 * memory.bytes_needed(1000)


def test_the_header_counts_weeks_in_words(capsys, tmp_path):
    code, out, err = run(capsys, "--weeks", "1", "--citizens", "300", "--out",
                         str(tmp_path / "o"), "--no-progress")
    assert code == 0 and "1 week, seed" in err and "1 weeks" not in err + out


def test_a_run_shortened_past_a_dated_change_says_it_will_not_apply(capsys, tmp_path):
    code = main(["run", str(ROOT / "scenarios" / "switch.toml"), "--regime", "switch",
                 "--out", str(tmp_path / "o"), *TINY])
    err = capsys.readouterr().err
    assert code == 0
    assert ("warning: --weeks 3: regime switch's change at week 104 is past the run's last "
            "week (2): it will not apply") in err


def test_the_first_run_says_it_is_compiling(capsys, monkeypatch):
    monkeypatch.setattr(compilation, "kernels_cached", lambda: False)
    seconds = compilation.prepare_kernels()
    err = capsys.readouterr().err
    assert "compiling the simulation kernels for this machine, once" in err
    assert f"kernels compiled and cached in {seconds:.0f} s" in err
    monkeypatch.setattr(compilation, "kernels_cached", lambda: True)
    compilation.prepare_kernels()
    assert capsys.readouterr().err == ""



def test_the_compile_check_reads_the_run_s_real_entry_points():
    """Each entry point is a compiled function of its module with numba's cache on, and
    after a run their cache is found: a renamed kernel would otherwise make the check
    say "cached" for ever and the notice never show."""
    import importlib

    compilation.prepare_kernels()
    for module, name in compilation.ENTRY_POINTS:
        dispatcher = getattr(importlib.import_module(module), name)
        assert dispatcher._cache._cache_file._load_index(), (module, name)  # noqa: SLF001
    assert compilation.kernels_cached()

# -- sweeps from the command line ---------------------------------------------------------

EXPERIMENT = f"""
[experiment]
name = "tiny"
scenario = "{ROOT.as_posix()}/scenarios/default.toml"
regimes = ["target"]
[vary."life.job_loss"]
values = [0.002, 0.004]
"""


def write_experiment(tmp_path: Path, text: str = EXPERIMENT) -> Path:
    path = tmp_path / "e.toml"
    path.write_text(text)
    return path


def test_sweep_sizes_from_the_command_line_are_in_the_plan_and_the_run_ids(tmp_path, capsys):
    path = write_experiment(tmp_path)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--citizens", "300", "--weeks", "3",
                 "--replicates", "2", "--no-progress"]) == 0
    table = pd.read_parquet(out / "plan.parquet")
    assert set(table["place.citizens"]) == {300} and set(table["place.weeks"]) == {3}
    assert len(table) == 2 * 2
    described = json.loads((out / "experiment.json").read_text())
    assert described["overrides"] == {"place.citizens": 300, "place.weeks": 3,
                                      "replicates.count": 2}
    assert (out / "experiment.toml").read_text().startswith("# Swept with, beside this file")
    plain = plan(load_experiment(path).overridden({"place.citizens": 400, "place.weeks": 3}))[0]
    assert not set(plain["run_id"]) & set(table["run_id"])
    code = main(["sweep", str(path), "--out", str(out), "--weeks", "0"])
    assert code == 2 and "--weeks: 0 is out of range" in capsys.readouterr().err


def test_a_sweep_of_more_than_20000_runs_must_be_confirmed(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(placesim.experiments, "sweep", lambda *a, **k: pytest.fail("ran"))
    path = write_experiment(tmp_path, EXPERIMENT.replace("values = [0.002, 0.004]",
                                                         "low = 0.001\nhigh = 0.01\nsteps = 3")
                            + '[replicates]\ncount = 7000\n')
    code = main(["sweep", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "the plan has 21,000 runs" in err and "add --yes to run it" in err


class Stopped(Exception):
    """Raised in place of a sweep: the arguments it would have run with are kept."""


def test_more_workers_than_cores_are_capped_with_the_reason(tmp_path, capsys, monkeypatch):
    seen = {}

    def stop(experiment, out, workers, *args, **kwargs):
        seen["workers"] = workers
        raise Stopped

    monkeypatch.setattr(placesim.experiments, "sweep", stop)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    with pytest.raises(Stopped):
        main(["sweep", str(write_experiment(tmp_path)), "--workers", "64", "--out",
              str(tmp_path / "out"), "--citizens", "300"])
    err = capsys.readouterr().err
    assert seen["workers"] == 2
    assert "--workers 64 is more than this machine's 2 cores; using 2" in err


def test_each_command_recognises_the_other_kind_of_file(capsys):
    assert main(["sweep", DEFAULT]) == 2
    assert "is a scenario file, not an experiment file" in capsys.readouterr().err
    experiment = str(ROOT / "experiments" / "caseload_and_gate.toml")
    assert main(["run", experiment]) == 2
    assert "is an experiment file, not a scenario file" in capsys.readouterr().err
    assert main(["validate", experiment, DEFAULT]) == 0
    out = capsys.readouterr().out
    assert "ok (experiment caseload_and_gate: 45 runs" in out and "ok (default;" in out
    assert main(["run", str(ROOT / "scenarios")]) == 2
    assert "is a folder, not a scenario file" in capsys.readouterr().err


@pytest.mark.slow
def test_the_memory_estimate_bounds_a_measured_run():
    """A whole run (both regimes, written) in a fresh process stays below the estimate
    the command line refuses too large a place with, and not far below it."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from memory import peak_bytes  # the benchmark's measurement, in its own process

    for citizens in (1_000_000, 2_000_000):
        peak = peak_bytes(citizens, 3)
        assert peak <= memory.bytes_needed(citizens) <= 1.6 * peak, (citizens, peak)


def test_a_flag_error_quoting_a_huge_argument_is_cut(capsys):
    with pytest.raises(SystemExit) as leaving:
        main(["compare", "--", DEFAULT, "--out", "x" * 5_000])
    assert leaving.value.code == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments" in err and max(map(len, err.splitlines())) < 400
