"""The edges of the scenario and experiment loaders: inputs that once gave a traceback or
were accepted though they meant nothing. Each is one clear problem naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from placesim.experiments import load_experiment
from placesim.experiments.spec import from_text
from placesim.scenario import InputError, from_mapping, load
from placesim.scenario.names import MAX_NAME, name_problem

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = (ROOT / "scenarios" / "default.toml").as_posix()
BAD_NAMES = ["", "a/b", "..", "../up", "nul\0byte", "/etc/passwd", "x" * 5_000, ".hidden",
             "two words", "-flag"]


def problems(raw, where="my.toml") -> list[str]:
    with pytest.raises(InputError) as info:
        from_mapping(raw, where)
    return [str(p) for p in info.value.problems]


def one(raw, path: str, says: str) -> None:
    found = problems(raw)
    assert any(f"my.toml: {path}:" in p and says in p for p in found), found


# -- values that crashed the range check, the parser or the suggestions ------------------


@pytest.mark.parametrize("value", [10**30, -(10**30), 2**63, 10**400])
def test_a_huge_integer_is_out_of_range_not_an_overflow(value):
    one({"place": {"weeks": value}}, "place.weeks", "is out of range")
    one({"life": {"job_loss": value}}, "life.job_loss", "is out of range")


def test_an_integer_too_long_to_print_is_named_by_its_size():
    one({"place": {"seed": 10**5_000}}, "place.seed", "16,610-bit number is out of range")


@pytest.mark.parametrize("text", [
    "a = " + "[" * 5_000 + "]" * 5_000,
    "a = " + "{b = " * 3_000 + "1" + "}" * 3_000,
    "[place]\nseed = " + "9" * 5_000,
])
def test_absurd_toml_is_one_problem(tmp_path, text):
    path = tmp_path / "deep.toml"
    path.write_text(text)
    with pytest.raises(InputError, match="is not valid TOML"):
        load(path)
    with pytest.raises(InputError, match="is not valid TOML"):
        from_text(text, "deep.toml", tmp_path)


@pytest.mark.parametrize("standin", [{"a": 1}, ["learning"], 3, True])
def test_a_table_or_list_in_place_of_a_name(standin):
    changes = [{"week": 10, "to": standin}]
    one({"regimes": {"s": {"based_on": "target", "changes": changes}}},
        "regimes.s.changes[0].to", "unknown preset")
    one({"scenario": {"run": [standin]}}, "scenario.run", "must be a list of regime names")
    one({"cohort": {"control": standin, "treatment": "learning"}}, "cohort.control",
        "unknown regime")


def test_a_key_that_is_not_text_gets_a_suggestion_list_not_a_crash():
    one({"life": {3: 0.1}}, "life.3", "unknown field 3; allowed:")
    one({("a",): {}}, "('a',)", "unknown section ('a',)")


# -- accepted, though it meant nothing ------------------------------------------------


def test_a_dated_change_after_the_last_week_would_never_apply():
    raw = {"place": {"weeks": 52},
           "regimes": {"late": {"based_on": "target", "changes": [{"week": 60, "to": "learning"}]}}}
    one(raw, "regimes.late.changes[0].week", "60 is not inside the run (place.weeks = 52")
    raw["regimes"]["late"]["changes"][0]["week"] = 51
    assert from_mapping(raw).schedule("late")[51]["relational_share"] == 1.0


def test_a_run_shortened_past_a_switch_runs_its_first_weeks_and_says_so():
    switch = load(ROOT / "scenarios" / "switch.toml")
    shorter = switch.with_overrides({"place.weeks": 50}, "command line")
    assert shorter.schedule("switch") == switch.schedule("switch")
    assert shorter.beyond_run() == [
        "regime switch's change at week 104 is past the run's last week (49): it will not "
        "apply", "regime drop_gates's change at week 104 is past the run's last week (49): "
        "it will not apply"]
    assert switch.beyond_run() == []


def test_caseload_caps_in_order_and_the_cap_between_them():
    one({"relational": {"cap_min": 20, "cap_max": 10}}, "relational.cap_min",
        "20 is above relational.cap_max (10)")
    one({"regimes": {"learning": {"caseload_cap": 40}}}, "regimes.learning.caseload_cap",
        "40 is outside relational.cap_min to cap_max (5 to 30)")
    # a cap outside the range the team experiments in is fine where the regime does not
    quiet = {"regimes": {"learning": {"caseload_cap": 40, "experiments": 0.0}}}
    assert from_mapping(quiet).regime("learning")["caseload_cap"] == 40
    # a dated change that starts the experiments needs a cap inside the range too
    one({"regimes": {"later": {"based_on": "target", "caseload_cap": 40, "changes": [
        {"week": 5, "experiments": 1.0}]}}}, "regimes.later.changes[0].caseload_cap",
        "40 is outside")


def test_a_cohort_compares_two_regimes_inside_the_run():
    cohort = {"flag_week": 10, "follow_weeks": 20, "control": "target", "treatment": "target"}
    one({"place": {"weeks": 52}, "cohort": cohort}, "cohort.treatment",
        "'target' is also the control arm")
    cohort["treatment"] = "learning"
    cohort["follow_weeks"] = 60
    one({"place": {"weeks": 52}, "cohort": cohort}, "cohort.follow_weeks",
        "71 weeks in all: past the run's 52 weeks")


def test_a_regime_listed_twice_in_run():
    one({"scenario": {"run": ["target", "learning", "target"]}}, "scenario.run",
        "'target' is listed more than once")


@pytest.mark.parametrize("name", BAD_NAMES)
def test_names_that_would_become_unsafe_paths_are_refused(name):
    one({"scenario": {"name": name}}, "scenario.name", "allowed: 1 to 64 characters")
    found = problems({"regimes": {name: {"based_on": "target"}}})
    assert any("the regime's name" in p and "allowed: 1 to 64 characters" in p
               for p in found), found


def test_what_a_name_may_be():
    for good in ("default", "gateshead_council_tax", "v1.2", "A-b_3", "x" * MAX_NAME):
        assert name_problem(good) is None
    assert "5,000 characters long" in name_problem("x" * 5_000)
    assert "'a/b' is not allowed: names become file and folder names" in name_problem("a/b")


def test_a_file_named_unsafely_gets_a_safe_default_name(tmp_path):
    path = tmp_path / "my place (v2).toml"
    path.write_text("[place]\ncitizens = 500\n")
    assert load(path).name == "my_place_v2"


# -- every problem at once ---------------------------------------------------------------


def test_a_bad_based_on_does_not_hide_an_out_of_range_lever():
    found = problems({"regimes": {"mine": {"based_on": "nope", "threat_tone": 7.0}}})
    assert any("regimes.mine.based_on" in p for p in found), found
    assert any("regimes.mine.threat_tone: 7.0 is out of range" in p for p in found), found


def experiment(tmp_path: Path, body: str, name: str = "e.toml") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


def test_a_bad_scenario_path_does_not_hide_the_experiment_s_other_problems(tmp_path):
    path = experiment(tmp_path, """
[experiment]
name = "a/b"
scenario = "missing.toml"
outputs = ["summary", "weekly", "nope"]
[fixed]
"life.job_los" = 0.1
[vary."life.cascade"]
low = 2.0
high = 1.0
steps = 3
[design]
method = "grid"
[replicates]
count = 0
""")
    with pytest.raises(InputError) as info:
        load_experiment(path)
    paths = {p.path for p in info.value.problems}
    assert paths == {"experiment.name", "experiment.scenario", "experiment.outputs",
                     "fixed.life.job_los", "vary.life.cascade", "replicates.count"}, paths


@pytest.mark.parametrize("scenario, says", [
    ("/proc/self/mem", "cannot be read"),
    ("x" * 5_000, "cannot be read: the path is longer than the system allows"),
    ("a\0b.toml", "a path cannot contain a NUL byte"),
    ("/dev/zero", "is not a regular file"),
    ("/", "is a folder"),
    (".", "is a folder"),
])
def test_a_scenario_path_to_anything_but_a_scenario_file(tmp_path, scenario, says):
    path = experiment(tmp_path, f'[experiment]\nscenario = "{scenario}"\n'.replace("\0", "\\u0000"))
    with pytest.raises(InputError) as info:
        load_experiment(path)
    (problem,) = info.value.problems
    assert problem.path == "experiment.scenario" and says in problem.message
    assert len(str(problem)) < 400  # a 5,000-character path is not echoed whole


@pytest.mark.parametrize("name", BAD_NAMES)
def test_an_experiment_name_is_a_safe_folder_name(tmp_path, name):
    path = experiment(tmp_path, f'[experiment]\nname = "{name}"\nscenario = "{DEFAULT}"\n'
                      .replace("\0", "\\u0000"))
    with pytest.raises(InputError) as info:
        load_experiment(path)
    assert [p.path for p in info.value.problems] == ["experiment.name"]


@pytest.mark.parametrize("table", ["fixed", "vary"])
def test_a_lever_of_a_regime_the_experiment_does_not_run_is_refused(tmp_path, table):
    setting = ('"regimes.learning.threat_tone" = 0.5' if table == "fixed" else
               '[vary."regimes.learning.threat_tone"]\nvalues = [0.2, 0.5]')
    path = experiment(tmp_path, f'[experiment]\nscenario = "{DEFAULT}"\nregimes = ["target"]\n'
                      + ("[fixed]\n" if table == "fixed" else "") + setting + "\n")
    with pytest.raises(InputError) as info:
        load_experiment(path)
    (problem,) = info.value.problems
    assert problem.path == f"{table}.regimes.learning.threat_tone"
    assert "regime 'learning' is not run by this experiment" in problem.message


def test_a_plan_too_large_to_hold_is_refused_with_its_size(tmp_path):
    path = experiment(tmp_path, f"""
[experiment]
scenario = "{DEFAULT}"
[vary."life.job_loss"]
low = 0.0
high = 0.1
[vary."life.illness"]
low = 0.0
high = 0.1
[design]
method = "sobol"
samples = 524288
[replicates]
count = 10
""")
    with pytest.raises(InputError, match=r"the plan has 41,943,040 runs .* at most 1,000,000"):
        load_experiment(path)


def test_each_loader_recognises_the_other_kind_of_file(tmp_path):
    with pytest.raises(InputError, match="is an experiment file, not a scenario file .* "
                       "placesim sweep"):
        load(ROOT / "experiments" / "caseload_and_gate.toml")
    with pytest.raises(InputError, match="is a scenario file, not an experiment file .* "
                       "placesim run"):
        load_experiment(ROOT / "scenarios" / "default.toml")


@pytest.mark.parametrize("path, says", [
    ("scenarios", "is a folder, not a scenario file"),
    ("/proc/self/mem", "cannot be read"),
    ("/dev/zero", "is not a regular file"),
    ("x" * 300, "the path is longer than the system allows"),
    ("nul\0.toml", "a path cannot contain a NUL byte"),
])
def test_a_scenario_path_that_is_not_a_readable_file(path, says):
    with pytest.raises(InputError, match=says):
        load(ROOT / path if path == "scenarios" else path)


def test_a_file_too_large_to_be_a_scenario(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text("# " + "x" * 1_000_001)
    with pytest.raises(InputError, match="is larger than 1,000,000 bytes"):
        load(path)
