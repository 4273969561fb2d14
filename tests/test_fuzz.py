"""Property-based fuzzing of every door: the scenario loader, the experiment loader and the
command line's argument handling, fed mutated versions of the bundled files.

Whatever the input, the outcome is either a valid object or an InputError whose problems
name the file and the field; never another exception. The default suite runs a modest
number of examples; ``-m slow`` runs thousands.
"""

from __future__ import annotations

import contextlib
import copy
import io
import itertools
import tomllib
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import tomli_w
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import placesim.comparison
import placesim.experiments
import placesim.runner
import placesim.validation.gateshead
from placesim.cli import main
from placesim.experiments.spec import Experiment, from_text, run_count
from placesim.scenario import InputError, Scenario, from_mapping, load
from placesim.scenario.errors import key_label
from placesim.scenario.fields import COHORT_FIELDS, REGIME_LEVERS, SECTIONS
from placesim.scenario.names import MAX_EXPERIMENT_NAME, name_problem
from placesim.scenario.scenario import check_value

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_FILES = sorted((ROOT / "scenarios").glob("*.toml"))
EXPERIMENT_FILES = sorted((ROOT / "experiments").glob("*.toml"))
SCENARIOS = {p.name: tomllib.loads(p.read_text()) for p in SCENARIO_FILES}
EXPERIMENTS = {p.name: tomllib.loads(p.read_text()) for p in EXPERIMENT_FILES}

QUICK = settings(max_examples=150, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture,
                                        HealthCheck.too_slow])
THOROUGH = settings(max_examples=3_000, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# -- hostile values ------------------------------------------------------------------------

ODD_NAMES = ["", " ", "/", "..", "../up", "a/b", "a\\b", "nul\0byte", "x" * 5_000,
             "/etc/passwd", "/proc/self/mem", "/dev/zero", ".hidden", "-rf", "é", "\n",
             "target", "learning", "CON", "a" * 300]


def nested(depth: int) -> Any:
    value: Any = 1
    for k in range(depth):
        value = [value] if k % 2 else {"k": value}
    return value


values = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**62, 2**62 + 1, 2**63, -(2**63) - 1, 10**30, 10**400, 0, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(ODD_NAMES),
    st.text(max_size=12),
    st.lists(st.integers(min_value=-10, max_value=100) | st.sampled_from(ODD_NAMES),
             max_size=4),
    st.dictionaries(st.sampled_from(["week", "to", "based_on", "x", "values", "low"]),
                    st.integers(min_value=-5, max_value=300) | st.sampled_from(ODD_NAMES),
                    max_size=3),
    st.sampled_from([nested(50), nested(400), [{"week": 5}], [{"week": 10**6, "to": []}]]),
)
keys = st.one_of(st.sampled_from(ODD_NAMES), st.text(min_size=1, max_size=8),
                 st.sampled_from(["based_on", "changes", "to", "week", "run", "name",
                                  "scenario", "regimes", "cohort", "control", "treatment",
                                  "experiment", "vary", "fixed", "values", "low", "high",
                                  "steps", "samples", "count"]))


def locations(tree: Any, path: tuple = (), depth: int = 6) -> list[tuple]:
    """The places in a parsed TOML tree a mutation can reach (paths, to ``depth``)."""
    found: list[tuple] = []
    if depth == 0:
        return found
    items = (tree.items() if isinstance(tree, dict) else enumerate(tree)
             if isinstance(tree, list) else ())
    for key, value in items:
        found.append((*path, key))
        found += locations(value, (*path, key), depth - 1)
    return found


@st.composite
def mutated(draw, trees: dict[str, dict]) -> tuple[dict, set[str] | None]:
    """A bundled file's tree with one to three mutations: a value replaced or a key added
    (the top-level keys touched are returned, as messages name them), or a key renamed or
    removed (None is returned: what breaks may be named anywhere, e.g. a regime removed is
    named where it is used)."""
    tree = copy.deepcopy(trees[draw(st.sampled_from(sorted(trees)))])
    touched: set[str] | None = set()
    for _ in range(draw(st.integers(1, 3))):
        spots = locations(tree)
        spot = draw(st.sampled_from(spots)) if spots else ()
        parent = tree
        for part in spot[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "replace", "add", "rename", "remove"]))
        value = copy.deepcopy(draw(values))  # never share a drawn value between examples
        if action == "replace" and spot:
            parent[spot[-1]] = value
            touched = None if touched is None else touched | {key_label(spot[0])}
        elif action == "add" and isinstance(parent, dict):
            new = draw(keys)
            parent[new] = value
            top = spot[0] if spot and parent is not tree else new
            touched = None if touched is None else touched | {key_label(top)}
        elif action == "rename" and isinstance(parent, dict) and spot:
            parent[draw(keys)] = parent.pop(spot[-1])
            touched = None
        elif action == "remove" and spot:
            del parent[spot[-1]]
            touched = None
    return tree, touched


def toml_text(tree: dict) -> str | None:
    """The tree as TOML, or None where TOML cannot say it (tomli-w refuses)."""
    try:
        return tomli_w.dumps(tree)
    except (TypeError, ValueError, RecursionError):
        return None


# -- what a valid outcome is ---------------------------------------------------------------


def assert_clean(error: InputError, where: str) -> None:
    """Every problem names where it is, reads as one line of bounded length."""
    assert error.problems
    for problem in error.problems:
        text = str(problem)
        assert problem.where and problem.message, text
        assert len(text) < 2_000, text[:200]


def assert_valid_scenario(scenario: Scenario) -> None:
    """A scenario the loader accepted holds only allowed values and safe names, and
    round-trips."""
    assert name_problem(scenario.name) is None
    for section, fields in SECTIONS.items():
        for spec in fields:
            assert check_value(spec, scenario.values[section][spec.name]) is None
    levers = {f.name: f for f in REGIME_LEVERS}
    weeks = scenario.get("place.weeks")
    for name, regime in scenario.regimes.items():
        assert name_problem(name) is None
        assert all(check_value(levers[k], v) is None for k, v in regime.items())
        assert all(0 < week < weeks for week in scenario.schedule(name) if week)
    assert len(set(scenario.run)) == len(scenario.run)
    assert set(scenario.run) <= set(scenario.regimes)
    if scenario.cohort is not None:
        specs = {f.name: f for f in COHORT_FIELDS}
        assert all(check_value(specs[k], scenario.cohort[k]) is None for k in specs)
        assert scenario.cohort["control"] != scenario.cohort["treatment"]
    again = from_mapping(scenario.to_mapping(), scenario.origin)
    assert again.digest() == scenario.digest() and again.name == scenario.name


def load_scenario_text(tmp_path: Path, text: str) -> Scenario | None:
    path = tmp_path / "mutant.toml"
    path.write_text(text, encoding="utf-8")
    try:
        return load(path)
    except InputError as error:
        assert_clean(error, str(path))
        assert all(p.where == str(path) for p in error.problems)
        return None


def check_scenario_mutant(tmp_path: Path, tree: dict, touched: set[str] | None) -> None:
    # straight from Python, as a notebook or the UI would hand it over ...
    try:
        scenario = from_mapping(tree, "mutant.toml")
    except InputError as error:
        assert_clean(error, "mutant.toml")
        # ... the problems name the part of the file that was changed (or what it broke)
        if touched:
            assert any(key in f"{p.path} {p.message}" for p in error.problems
                       for key in touched), (touched, [str(p) for p in error.problems])
    else:
        assert_valid_scenario(scenario)
    # ... and as a file, through the parser
    text = toml_text(tree)
    if text is not None:
        found = load_scenario_text(tmp_path, text)
        if found is not None:
            assert_valid_scenario(found)


@QUICK
@given(case=mutated(SCENARIOS))
def test_mutated_scenarios_load_or_fail_cleanly(tmp_path, case):
    check_scenario_mutant(tmp_path, *case)


@pytest.mark.slow
@THOROUGH
@given(case=mutated(SCENARIOS))
# emptying [regimes] breaks the run's list, whose message must say where regimes come from
@example(case=({"scenario": {"name": "switch", "run": ["target", "switch"]},
                "regimes": {}}, {"regimes"}))
def test_thousands_of_mutated_scenarios_load_or_fail_cleanly(tmp_path, case):
    check_scenario_mutant(tmp_path, *case)


def run_accepted(tmp_path: Path, tree: dict) -> None:
    """An accepted mutant runs (small) and writes tables whose every column is
    documented."""
    try:
        scenario = from_mapping(tree, "mutant.toml")
    except InputError:
        return
    small = {"place.citizens": 200, "place.journeys": 5}
    weeks = int(scenario.get("place.weeks"))
    scenario = scenario.with_overrides(small, "fuzz")
    try:  # shorter where the regimes' dated changes allow it
        scenario = scenario.with_overrides({"place.weeks": min(weeks, 12)}, "fuzz")
    except InputError:
        pass
    out = tmp_path / f"run-{next(RUNS)}"
    placesim.runner.run_scenario(scenario, list(scenario.run)[:2], out, progress=False)
    for path in out.rglob("*.parquet"):
        schema = pq.read_schema(path)
        assert all(f.metadata and b"unit" in f.metadata for f in schema), path


RUNS = itertools.count()


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=mutated(SCENARIOS))
def test_accepted_mutants_run_and_write_documented_tables(tmp_path, case):
    run_accepted(tmp_path, case[0])


@pytest.mark.slow
@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=mutated(SCENARIOS))
def test_hundreds_of_accepted_mutants_run_and_write_documented_tables(tmp_path, case):
    run_accepted(tmp_path, case[0])


@st.composite
def mangled_text(draw) -> str:
    """A bundled scenario's text cut, spliced or stuffed with bytes no parser expects."""
    text = SCENARIO_FILES[draw(st.integers(0, len(SCENARIO_FILES) - 1))].read_text()
    at = draw(st.integers(0, len(text)))
    insert = draw(st.one_of(
        st.sampled_from(["\0", "[", "]]", "{", "= ", "\n[place]\n", '"', "'''", "\\u0000",
                         "a = " + "[" * 3_000 + "]" * 3_000, "seed = " + "9" * 5_000,
                         "\n[regimes.\"a/b\"]\nbased_on = \"target\"\n"]),
        st.text(max_size=20)))
    return text[:at] + insert + text[at + draw(st.integers(0, 5)):]


@QUICK
@given(text=mangled_text())
def test_mangled_scenario_text_loads_or_fails_cleanly(tmp_path, text):
    found = load_scenario_text(tmp_path, text)
    if found is not None:
        assert_valid_scenario(found)


# -- experiments ---------------------------------------------------------------------------

HOSTILE_PATHS = ["/proc/self/mem", "/dev/zero", "/", ".", "..", "x" * 5_000, "a\0b.toml",
                 "/etc/passwd", "../experiments/caseload_and_gate.toml", "", "missing.toml"]


def check_experiment_mutant(tmp_path: Path, tree: dict) -> None:
    meta = tree.get("experiment")
    if isinstance(meta, dict) and meta.get("scenario") == "../scenarios/default.toml":
        meta["scenario"] = (ROOT / "scenarios" / "default.toml").as_posix()
    text = toml_text(tree)
    if text is None:
        return
    where = str(tmp_path / "mutant.toml")
    try:
        experiment = from_text(text, where, tmp_path)
    except InputError as error:
        assert_clean(error, where)
        assert all(p.where == where for p in error.problems)
    else:
        assert_valid_experiment(experiment)


def assert_valid_experiment(experiment: Experiment) -> None:
    assert name_problem(experiment.name, MAX_EXPERIMENT_NAME) is None
    assert_valid_scenario(experiment.scenario)
    assert experiment.regimes and set(experiment.regimes) <= set(experiment.scenario.regimes)
    assert 1 <= run_count(experiment) <= 1_000_000
    for varied in experiment.varied:
        if varied.path.startswith("regimes."):
            assert varied.path.split(".")[1] in experiment.regimes


@st.composite
def mutated_experiment(draw) -> dict:
    tree, _ = draw(mutated(EXPERIMENTS))
    meta = tree.get("experiment")
    if isinstance(meta, dict) and draw(st.booleans()):
        meta["scenario"] = draw(st.sampled_from(HOSTILE_PATHS))
    return tree


@QUICK
@given(tree=mutated_experiment())
def test_mutated_experiments_load_or_fail_cleanly(tmp_path, tree):
    check_experiment_mutant(tmp_path, tree)


@pytest.mark.slow
@THOROUGH
@given(tree=mutated_experiment())
def test_thousands_of_mutated_experiments_load_or_fail_cleanly(tmp_path, tree):
    check_experiment_mutant(tmp_path, tree)


# -- the command line ----------------------------------------------------------------------


class WorkStarted(Exception):
    """Raised by the stand-ins for running: the arguments were all accepted."""


@pytest.fixture
def no_work(monkeypatch, tmp_path):
    """The command line without the work: every command that would simulate stops where
    it would start, so only argument handling is exercised (in a scratch folder)."""
    def started(*args, **kwargs):
        raise WorkStarted

    monkeypatch.setattr(placesim.runner, "run_scenario", started)
    monkeypatch.setattr(placesim.experiments, "sweep", started)
    monkeypatch.setattr(placesim.comparison, "compare", started)
    monkeypatch.setattr(placesim.validation.gateshead, "validate_case", started)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_file").write_text("not a folder")
    return tmp_path


FILES = [str(p) for p in (*SCENARIO_FILES, *EXPERIMENT_FILES)] + [
    str(ROOT / "scenarios"), "missing.toml", "/proc/self/mem", "/dev/zero", "x" * 5_000,
    "a\0b", "a_file", "-", ""]
NUMBERS = ["0", "1", "-1", "2", "64", "100", "50000000", "99999999999999999999999", "1e6",
           "1.5", "nan", "lots", "", "0x10"]
OUTS = ["out", "a_file", "a_file/inside", "/proc/self/out", "x" * 5_000, "a\0b", "/dev/null"]
FLAGS = {
    "run": {"--regime": ["target", "learning", "both", "all", "nope", "a/b", ""],
            "--seed": NUMBERS, "--weeks": NUMBERS, "--citizens": NUMBERS, "--out": OUTS,
            "--scheduler": ["fast", "reference", "slow"], "--replace": None,
            "--no-progress": None},
    "validate": {},
    "sweep": {"--workers": NUMBERS, "--out": OUTS, "--citizens": NUMBERS,
              "--weeks": NUMBERS, "--replicates": NUMBERS, "--yes": None,
              "--dask": ["tcp://127.0.0.1:1", "nonsense"]},
    "compare": {"--baseline": ["target", "learning", "nope"],
                "--reform": ["target", "learning", "nope"], "--replicates": NUMBERS,
                "--workers": NUMBERS, "--citizens": NUMBERS, "--weeks": NUMBERS,
                "--seed": NUMBERS, "--out": OUTS, "--sensitivity": FILES[:1] + OUTS},
    "validate-case": {"--replicates": NUMBERS, "--workers": NUMBERS,
                      "--trajectories": NUMBERS, "--sensitivity-citizens": NUMBERS,
                      "--out": OUTS, "--screening": OUTS},
    "sensitivity": {"--output": ["spend_total", "nope"], "--regime": ["target", "x"],
                    "--difference": ["learning-target", "a-b-c", "-"], "--out": OUTS},
    "parameters": {},
}


@st.composite
def command_lines(draw) -> list[str]:
    command = draw(st.sampled_from(sorted(FLAGS)))
    argv = [command]
    if command == "validate":
        argv += draw(st.lists(st.sampled_from(FILES), min_size=0, max_size=3))
    elif command == "validate-case":
        argv.append(draw(st.sampled_from(["gateshead", *FILES])))
    elif command == "sensitivity":
        argv.append(draw(st.sampled_from(["out", "a_file", "/proc/self", "x" * 5_000,
                                          "a\0b"])))
    elif command != "parameters":
        argv.append(draw(st.sampled_from(FILES)))
    flags = FLAGS[command]
    for flag in draw(st.lists(st.sampled_from(sorted(flags)), max_size=4, unique=True)
                     if flags else st.just([])):
        argv.append(flag)
        if flags[flag] is not None:
            argv.append(draw(st.sampled_from(flags[flag])))
    if draw(st.integers(0, 9)) == 0:
        argv.insert(draw(st.integers(0, len(argv))), draw(st.sampled_from(
            ["--help", "--bogus", "-x", "--", "--version"])))
    return argv


def check_command_line(argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as leaving:  # argparse: --help, --version and bad flags
            code = leaving.code
        except WorkStarted:
            code = None
    assert code in (0, 2, None), (argv, code, err.getvalue()[-500:])
    if code == 2:
        assert "placesim: error:" in err.getvalue() or "usage:" in err.getvalue()
        assert all(len(line) < 2_000 for line in err.getvalue().splitlines())


@QUICK
@given(argv=command_lines())
def test_command_lines_are_handled_or_refused_cleanly(no_work, argv):
    check_command_line(argv)


@pytest.mark.slow
@THOROUGH
@given(argv=command_lines())
def test_thousands_of_command_lines_are_handled_or_refused_cleanly(no_work, argv):
    check_command_line(argv)
