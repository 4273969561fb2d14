"""The placesim command end to end: runs, writes Parquet, and refuses bad input clearly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from placesim.results import run_metadata

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "default.toml"


def placesim(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "placesim.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_run_both_regimes_writes_parquet_and_prints_summary(tmp_path):
    out = tmp_path / "out"
    done = placesim("run", str(DEFAULT), "--citizens", "2000", "--weeks", "30",
                    "--seed", "5", "--out", str(out))
    assert done.returncode == 0, done.stderr
    for label in ("Public spend, all agencies", "Council tax collected",
                  "Court costs and agent fees charged to citizens",
                  "Lives turned around at end", "learning - target"):
        assert label in done.stdout
    weekly = pd.read_parquet(out / "weekly")
    assert sorted(weekly["regime"].unique()) == ["learning", "target"]
    assert len(weekly) == 2 * 30
    citizens = pd.read_parquet(out / "citizens")
    assert len(citizens) == 2 * 2000
    journeys = pd.read_parquet(out / "journeys")
    assert len(journeys) == 2 * 30 * 50 and journeys["citizen"].nunique() == 50
    runs = pd.read_parquet(out / "runs")
    assert set(runs["seed"]) == {5} and set(runs["citizens"]) == {2000}
    meta = run_metadata(out / "weekly" / "regime=target.parquet")
    assert meta["regime"] == "target" and meta["placesim_version"]
    assert len(meta["scenario_digest"]) == 16
    assert not list(out.rglob(".*tmp*")), "temporary files left behind"
    assert "week/s" not in done.stderr  # a short run shows no progress bar


def test_a_run_asked_for_progress_shows_the_burn_in_and_each_regime(tmp_path):
    done = placesim("run", str(DEFAULT), "--citizens", "300", "--weeks", "3", "--progress",
                    "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    for bar in ("burn-in: 100%", "156/156", "target: 100%", "learning: 100%"):
        assert bar in done.stderr


def test_same_seed_same_files(tmp_path):
    frames = []
    for name in ("a", "b"):
        done = placesim("run", str(DEFAULT), "--regime", "learning", "--citizens", "1500",
                        "--weeks", "20", "--out", str(tmp_path / name))
        assert done.returncode == 0, done.stderr
        frames.append(pd.read_parquet(tmp_path / name / "weekly"))
    pd.testing.assert_frame_equal(frames[0], frames[1])


def test_validate_accepts_bundled_scenarios():
    done = placesim("validate", *map(str, sorted((ROOT / "scenarios").glob("*.toml"))))
    assert done.returncode == 0, done.stderr
    assert "ok" in done.stdout


BAD_FILES = {
    "unknown key": ("[life]\njob_los = 0.01\n", "life.job_los", "did you mean 'job_loss'"),
    "wrong type": ("[life]\ncascade = \"high\"\n", "life.cascade", "'high'"),
    "out of range": ("[place]\nweeks = 0\n", "place.weeks", "from 1 to 2,600"),
    "probability above 1": ("[life]\nillness = 1.2\n", "life.illness",
                            "a probability from 0 to 1"),
    "negative capacity": ("[relational]\ncaseworkers_per_10k = -3\n",
                          "relational.caseworkers_per_10k", "-3"),
    "malformed TOML": ("[life\nillness = 0.1\n", "", "not valid TOML"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
@pytest.mark.parametrize("command", ["validate", "run"])
def test_bad_scenario_gets_one_clear_message(tmp_path, case, command):
    text, path, detail = BAD_FILES[case]
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    done = placesim(command, str(bad), *(["--out", str(tmp_path / "o")]
                                          if command == "run" else []))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert str(bad) in done.stderr and path in done.stderr and detail in done.stderr
    assert not (tmp_path / "o").exists()


def test_missing_file():
    done = placesim("validate", "no/such/place.toml")
    assert done.returncode == 2 and "no such scenario file" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("args, detail", [
    (["--weeks", "-5"], "--weeks: -5 is out of range"),
    (["--citizens", "lots"], "'lots' is not a whole number"),
    (["--regime", "targett"], "did you mean 'target'"),
    (["--seed", "1.5"], "'1.5' is not a whole number"),
])
def test_bad_flags_get_clear_messages(tmp_path, args, detail):
    done = placesim("run", str(DEFAULT), *args, "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert detail in done.stderr and "Traceback" not in done.stderr


def test_reference_scheduler_from_the_command_line_gives_the_same_files(tmp_path):
    frames = []
    for scheduler in ("fast", "reference"):
        done = placesim("run", str(DEFAULT), "--regime", "learning", "--citizens", "400",
                        "--weeks", "10", "--scheduler", scheduler,
                        "--out", str(tmp_path / scheduler))
        assert done.returncode == 0, done.stderr
        frames.append(pd.read_parquet(tmp_path / scheduler / "weekly"))
    pd.testing.assert_frame_equal(frames[0], frames[1])
    assert "invalid choice: 'slow'" in placesim("run", str(DEFAULT), "--scheduler", "slow").stderr
