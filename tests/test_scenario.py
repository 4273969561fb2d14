"""Scenario validation: every bad input is an InputError that names the file, the dotted
field path, the value and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

import placesim.scenario as sc
from placesim.scenario import InputError, defaults, from_mapping, load
from placesim.scenario.fields import (
    REGIME_LEVERS,
    REGIME_PRESETS,
    SECTIONS,
    SHARES_THAT_SUM_TO_ONE,
    field_index,
)
from placesim.scenario.scenario import check_value

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"
BUNDLED = sorted(SCENARIO_DIR.glob("*.toml"))


def write(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problem_of(raw, where="my.toml"):
    """The single problem raised for ``raw``."""
    with pytest.raises(InputError) as info:
        from_mapping(raw, where)
    problems = info.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0], str(info.value)


# ---------------------------------------------------------------- defaults


def test_defaults_load():
    s = defaults()
    assert isinstance(s, sc.Scenario)
    assert s.name == "defaults"
    assert set(s.values) == set(SECTIONS)
    assert s.get("life.job_loss") == 0.003
    assert s.get("place.citizens") == 20_000
    assert set(s.regimes) == set(REGIME_PRESETS)
    assert s.regime("target") == REGIME_PRESETS["target"]
    assert s.regime("learning") == REGIME_PRESETS["learning"]


def test_defaults_hold_every_field_default():
    s = defaults()
    for section, fields in SECTIONS.items():
        assert set(s.values[section]) == {f.name for f in fields}
        for f in fields:
            assert s.values[section][f.name] == f.default
            assert type(s.values[section][f.name]) is f.kind, f"{section}.{f.name}"


@pytest.mark.parametrize("path, spec", sorted(field_index().items()))
def test_every_field_default_lies_in_its_own_range(path, spec):
    assert spec.low <= spec.default <= spec.high, path
    assert check_value(spec, spec.default) is None, path
    if spec.kind is int:
        assert isinstance(spec.default, int) and not isinstance(spec.default, bool), path
    if spec.unit == "probability":
        assert (spec.low, spec.high) == (0.0, 1.0), path
    assert spec.doc and spec.unit, path


def test_preset_regimes_set_every_lever_in_range():
    levers = {f.name: f for f in REGIME_LEVERS}
    for name, preset in REGIME_PRESETS.items():
        assert set(preset) == set(levers), name
        for key, value in preset.items():
            assert check_value(levers[key], value) is None, f"{name}.{key}"


def test_default_shares_sum_to_one():
    s = defaults()
    for section, names in SHARES_THAT_SUM_TO_ONE:
        assert sum(s.values[section][n] for n in names) == pytest.approx(1.0)


def test_empty_mapping_is_the_defaults():
    s = from_mapping({}, "empty.toml")
    assert s.values == defaults().values
    assert s.name == "empty"  # named after the file when [scenario] has no name
    assert s.origin == "empty.toml"


# ---------------------------------------------------------------- rejections


def test_unknown_key_suggests_the_nearest_valid_key():
    problem, text = problem_of({"life": {"job_los": 0.01}})
    assert problem.where == "my.toml"
    assert problem.path == "life.job_los"
    assert "unknown field 'job_los'" in problem.message
    assert "did you mean 'job_loss'?" in problem.message
    assert text == "my.toml: life.job_los: unknown field 'job_los'; did you mean 'job_loss'?"


def test_unknown_key_far_from_any_lists_what_is_allowed():
    problem, _ = problem_of({"outcomes": {"zzzzzz": 1}})
    assert problem.path == "outcomes.zzzzzz"
    assert "allowed: stable_stress, turned_around_weeks" in problem.message


def test_a_field_that_moved_says_where_it_lives_now():
    problem, _ = problem_of({"relational": {"caseload_cap": 10}})
    assert problem.path == "relational.caseload_cap"
    assert "has moved" in problem.message and "regimes.NAME.caseload_cap" in problem.message
    s = from_mapping({"regimes": {"learning": {"caseload_cap": 10}}})
    assert s.regime("learning")["caseload_cap"] == 10
    assert s.regime("target")["caseload_cap"] == REGIME_PRESETS["target"]["caseload_cap"]


def test_a_removed_field_says_why():
    problem, _ = problem_of({"police": {"officers_per_10k": 3.0}})
    assert problem.path == "police.officers_per_10k"
    assert "was removed" in problem.message and "limited nothing" in problem.message


def test_presets_are_the_data_file_and_lever_defaults_are_the_target_preset():
    import tomllib
    from importlib import resources

    text = resources.files("placesim.scenario").joinpath("presets.toml").read_text("utf-8")
    assert tomllib.loads(text) == REGIME_PRESETS
    assert {f.name: f.default for f in REGIME_LEVERS} == REGIME_PRESETS["target"]
    default_file = tomllib.loads((SCENARIO_DIR / "default.toml").read_text(encoding="utf-8"))
    assert "regimes" not in default_file  # the presets are not written out twice


def test_unknown_section():
    problem, text = problem_of({"lief": {"job_loss": 0.01}})
    assert problem.path == "lief"
    assert "unknown section 'lief'" in problem.message
    assert "did you mean 'life'?" in problem.message
    assert text.startswith("my.toml: lief:")


def test_unknown_scenario_meta_key_and_non_text_name():
    problem, _ = problem_of({"scenario": {"nmae": "x"}})
    assert problem.path == "scenario.nmae"
    assert "did you mean 'name'?" in problem.message
    problem, _ = problem_of({"scenario": {"name": 3}})
    assert problem.path == "scenario.name"
    assert "3" in problem.message and "text" in problem.message


@pytest.mark.parametrize("section, key, value, shown, allowed", [
    # a string for a number
    ("life", "job_loss", "0.01", "'0.01' is a str", "allowed: a probability from 0 to 1"),
    # a bool for a number (bool is an int in Python: it must still be refused)
    ("life", "cascade", True, "True is a bool",
     "allowed: a number from 0 to 10 (hazard multiplier per domain)"),
    # a float for a whole-number field
    ("place", "weeks", 10.5, "10.5 is not a whole number",
     "allowed: a whole number from 1 to 2,600 (weeks)"),
    ("place", "weeks", 10.0, "10.0 is not a whole number",
     "allowed: a whole number from 1 to 2,600 (weeks)"),
    # a table or list where a number belongs
    ("money", "living_single", [80], "[80] is a list",
     "allowed: a number from 0 to 5000 (GBP per week)"),
])
def test_wrong_type_is_rejected(section, key, value, shown, allowed):
    problem, text = problem_of({section: {key: value}})
    assert problem.path == f"{section}.{key}"
    assert shown in problem.message
    assert allowed in problem.message
    assert text.startswith(f"my.toml: {section}.{key}: ")


@pytest.mark.parametrize("section, key, value, allowed", [
    ("place", "weeks", 0, "a whole number from 1 to 2,600 (weeks)"),
    ("place", "weeks", 2601, "a whole number from 1 to 2,600 (weeks)"),
    ("benefits", "lead_weeks", 53, "a whole number from 0 to 52 (weeks)"),
    ("recovery", "fee_enforcement", 10_001.0, "a number from 0 to 10000 (GBP)"),
    ("wellbeing", "debt_pressure_weeks", 0.0, "a number from 0.01 to 520 (weeks of income)"),
    ("life", "cascade", float("inf"), "a number from 0 to 10"),
    ("life", "cascade", float("nan"), "a number from 0 to 10"),
])
def test_value_out_of_range(section, key, value, allowed):
    problem, _ = problem_of({section: {key: value}})
    assert problem.path == f"{section}.{key}"
    assert f"{value!r} is out of range" in problem.message
    assert f"allowed: {allowed}" in problem.message


@pytest.mark.parametrize("path, value", [
    ("life.job_loss", 1.5),
    ("recovery.respond_summons", 1.0001),
    ("benefits.taper", -0.1),
])
def test_probability_outside_zero_to_one(path, value):
    section, key = path.split(".")
    problem, text = problem_of({section: {key: value}})
    assert problem.path == path
    assert text == (f"my.toml: {path}: {value!r} is out of range; "
                    "allowed: a probability from 0 to 1")


def test_negative_capacity_is_rejected():
    problem, text = problem_of({"relational": {"caseworkers_per_10k": -1}})
    assert text == ("my.toml: relational.caseworkers_per_10k: -1 is out of range; "
                    "allowed: a number from 0 to 1000 (FTE per 10,000 citizens)")
    assert problem.path == "relational.caseworkers_per_10k"


def test_tenure_shares_must_sum_to_one():
    problem, _ = problem_of({"population": {"share_outright": 0.42}})  # 0.42+0.25+0.27+0.16
    assert problem.path == ("population.share_outright + population.share_mortgaged + "
                            "population.share_social_rent + population.share_private_rent")
    assert "sum to 1.1" in problem.message
    assert "must sum to 1" in problem.message


def test_household_shares_within_a_tenure_must_sum_to_one():
    problem, _ = problem_of({"population": {"social_rent_single": 0.6}})  # .6+.19+.15+.16
    assert problem.path == ("population.social_rent_single + population.social_rent_couple + "
                            "population.social_rent_lone_parent + "
                            "population.social_rent_couple_children")
    assert "sum to 1.1" in problem.message


def test_band_shares_within_a_tenure_must_sum_to_one():
    problem, _ = problem_of({"council_tax": {"private_rent_band_a": 0.6}})  # .6+.18+.08+.04
    assert problem.path.startswith("council_tax.private_rent_band_a + ")
    assert "sum to 0.9" in problem.message


def test_shares_that_sum_to_one_after_changes_are_accepted():
    s = from_mapping({"population": {"share_outright": 0.22, "share_private_rent": 0.26}})
    assert s.get("population.share_outright") == 0.22


def test_a_field_of_the_old_independent_draw_says_where_its_value_now_goes():
    problem, text = problem_of({"population": {"share_single": 0.4}})
    assert problem.path == "population.share_single"
    assert "drawn by tenure" in text and "population.TENURE_HOUSEHOLD" in text


def test_custom_regime_without_based_on_is_rejected():
    problem, _ = problem_of({"regimes": {"mine": {"relational_share": 0.5}}})
    assert problem.path == "regimes.mine.based_on"
    assert "None is not a preset" in problem.message
    assert "based_on" in problem.message and "['learning', 'target']" in problem.message


def test_custom_regime_based_on_an_unknown_preset_is_rejected():
    problem, _ = problem_of({"regimes": {"mine": {"based_on": "lerning"}}})
    assert problem.path == "regimes.mine.based_on"
    assert "'lerning' is not a preset" in problem.message


def test_custom_regime_with_based_on_works():
    s = from_mapping({"regimes": {"mine": {"based_on": "learning", "threat_tone": 0.5}}})
    assert s.regime("mine") == {**REGIME_PRESETS["learning"], "threat_tone": 0.5}
    assert s.regime("learning") == REGIME_PRESETS["learning"]  # the preset is untouched
    assert "based_on" not in s.regime("mine")


def test_preset_regime_can_be_adjusted_without_based_on():
    s = from_mapping({"regimes": {"target": {"threat_tone": 0.8}}})
    assert s.regime("target") == {**REGIME_PRESETS["target"], "threat_tone": 0.8}


def test_bad_regime_lever():
    problem, _ = problem_of({"regimes": {"learning": {"threat_tonne": 0.5}}})
    assert problem.path == "regimes.learning.threat_tonne"
    assert "unknown lever 'threat_tonne'; did you mean 'threat_tone'?" in problem.message
    problem, _ = problem_of({"regimes": {"learning": {"threat_tone": 2.0}}})
    assert problem.path == "regimes.learning.threat_tone"
    assert "2.0 is out of range; allowed: a probability from 0 to 1" in problem.message


def test_unknown_regime_name_is_an_input_error():
    with pytest.raises(InputError) as info:
        defaults().regime("lerning")
    assert "did you mean 'learning'?" in str(info.value)


def test_section_that_is_not_a_table():
    problem, _ = problem_of({"life": 3})
    assert problem.path == "life"
    assert "must be a table, got 3" in problem.message
    problem, _ = problem_of({"regimes": 3})
    assert problem.path == "regimes"


def test_all_problems_are_reported_at_once():
    with pytest.raises(InputError) as info:
        from_mapping({"life": {"job_los": 0.1, "illness": 2.0},
                      "place": {"weeks": 1.5}}, "many.toml")
    paths = {p.path for p in info.value.problems}
    assert paths == {"life.job_los", "life.illness", "place.weeks"}
    assert all(line.startswith("many.toml: ") for line in str(info.value).splitlines())


def test_based_on_that_is_not_text_is_an_input_error():
    problem, _ = problem_of({"regimes": {"mine": {"based_on": ["learning"]}}})
    assert problem.path == "regimes.mine.based_on"


def test_scenario_meta_that_is_not_a_table_is_rejected():
    problem, _ = problem_of({"scenario": 5})
    assert problem.path == "scenario"


# ---------------------------------------------------------------- files


def test_load_reads_a_valid_file(tmp_path):
    path = write(tmp_path, '[scenario]\nname = "small"\ndescription = "a test"\n\n'
                           '[place]\ncitizens = 1000\nweeks = 52\n\n'
                           '[life]\njob_loss = 0.01\ncascade = 1\n\n'
                           '[regimes.gentle]\nbased_on = "target"\nthreat_tone = 0.2\n',
                 "small.toml")
    s = load(path)
    assert s.name == "small" and s.description == "a test"
    assert s.origin == str(path)
    assert s.get("place.citizens") == 1000 and s.get("place.weeks") == 52
    assert s.get("life.job_loss") == 0.01
    assert s.get("life.cascade") == 1.0 and isinstance(s.get("life.cascade"), float)
    assert s.regime("gentle")["threat_tone"] == 0.2
    assert s.get("life.illness") == defaults().get("life.illness")  # the rest defaults


def test_load_names_the_file_when_the_name_is_missing_from_it(tmp_path):
    s = load(write(tmp_path, "[life]\njob_loss = 0.01\n", "my_run.toml"))
    assert s.name == "my_run"


def test_load_missing_file(tmp_path):
    path = tmp_path / "nowhere.toml"
    with pytest.raises(InputError) as info:
        load(path)
    assert str(path) in str(info.value)
    assert "no such scenario file" in str(info.value)


def test_load_malformed_toml(tmp_path):
    path = write(tmp_path, "[life\njob_loss = 0.01\n")
    with pytest.raises(InputError) as info:
        load(path)
    assert str(info.value).startswith(str(path))
    assert "is not valid TOML" in str(info.value)


def test_load_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'[scenario]\nname = "caf\xe9"\n')
    with pytest.raises(InputError) as info:
        load(path)
    assert str(path) in str(info.value) and "UTF-8" in str(info.value)


def test_error_from_a_file_names_file_path_value_and_what_is_allowed(tmp_path):
    path = write(tmp_path, "[relational]\ncaseworkers_per_10k = -1\n"
                           "[life]\njob_los = 0.01\nillness = 1.5\n"
                           "[place]\nweeks = \"ten\"\n")
    with pytest.raises(InputError) as info:
        load(path)
    lines = sorted(str(info.value).splitlines())
    assert lines == sorted([
        f"{path}: relational.caseworkers_per_10k: -1 is out of range; "
        "allowed: a number from 0 to 1000 (FTE per 10,000 citizens)",
        f"{path}: life.job_los: unknown field 'job_los'; did you mean 'job_loss'?",
        f"{path}: life.illness: 1.5 is out of range; allowed: a probability from 0 to 1",
        f"{path}: place.weeks: 'ten' is a str; allowed: a whole number from 1 to 2,600 (weeks)",
    ])


@pytest.mark.parametrize("path", BUNDLED or [None],
                         ids=[p.name for p in BUNDLED] or ["no-bundled-scenarios"])
def test_bundled_scenario_loads(path):
    if path is None:
        pytest.skip(f"no bundled scenario files in {SCENARIO_DIR} yet")
    s = load(path)
    assert s.origin == str(path)
    assert s.name
    for name in s.regimes:
        assert set(s.regime(name)) == {f.name for f in REGIME_LEVERS}


# ---------------------------------------------------------------- overrides and digest


def test_with_overrides():
    base = defaults()
    s = base.with_overrides({"life.job_loss": 0.01})
    assert s.get("life.job_loss") == 0.01
    assert base.get("life.job_loss") == 0.003  # the original is unchanged
    assert s.values["life"]["illness"] == base.values["life"]["illness"]
    assert s.name == base.name
    assert "override" in s.origin


def test_with_overrides_of_a_regime_lever():
    s = defaults().with_overrides({"regimes.learning.threat_tone": 0.5})
    assert s.regime("learning") == {**REGIME_PRESETS["learning"], "threat_tone": 0.5}


@pytest.mark.parametrize("overrides, path, says", [
    ({"life.job_loss": 1.5}, "life.job_loss", "1.5 is out of range"),
    ({"life.job_los": 0.01}, "life.job_los", "did you mean 'job_loss'?"),
    ({"place.weeks": 2.5}, "place.weeks", "not a whole number"),
    ({"life.job_loss.deeper": 1}, "life.job_loss.deeper", "is not a table"),
    ({"lief.job_loss": 0.01}, "lief", "unknown section"),
])
def test_bad_override_is_an_input_error(overrides, path, says):
    with pytest.raises(InputError) as info:
        defaults().with_overrides(overrides, where="--set")
    problem = info.value.problems[0]
    assert problem.path == path
    assert says in problem.message
    assert "--set" in problem.where


def test_with_overrides_keeps_a_custom_regime():
    s = from_mapping({"regimes": {"mine": {"based_on": "learning", "threat_tone": 0.5}}})
    t = s.with_overrides({"life.job_loss": 0.01})
    assert t.regime("mine") == s.regime("mine")


def test_to_mapping_round_trips():
    s = from_mapping({"life": {"job_loss": 0.01}, "scenario": {"name": "n"}})
    again = from_mapping(s.to_mapping(), "again")
    assert again.values == s.values and again.regimes == s.regimes
    assert again.name == "n"
    assert again.digest() == s.digest()


def test_digest_is_stable_for_equal_content():
    assert defaults().digest() == defaults().digest()
    # name, description and origin are not content
    a = from_mapping({"scenario": {"name": "a", "description": "x"}}, "a.toml")
    b = from_mapping({"scenario": {"name": "b"}}, "b.toml")
    assert a.digest() == b.digest() == defaults().digest()
    # 1 and 1.0 for a number field are the same value
    one = from_mapping({"life": {"cascade": 1}})
    one_point_zero = from_mapping({"life": {"cascade": 1.0}})
    assert one.digest() == one_point_zero.digest()
    # setting a field to its default changes nothing
    assert defaults().with_overrides({"life.job_loss": 0.003}).digest() == defaults().digest()
    assert len(defaults().digest()) == 16


def test_digest_changes_when_a_value_changes():
    base = defaults().digest()
    assert defaults().with_overrides({"life.job_loss": 0.01}).digest() != base
    assert defaults().with_overrides({"place.seed": 2}).digest() != base
    assert defaults().with_overrides({"regimes.learning.threat_tone": 0.5}).digest() != base
    extra_regime = from_mapping({"regimes": {"mine": {"based_on": "target"}}})
    assert extra_regime.digest() != base  # a new regime is new content


def test_a_lever_that_needs_a_team_of_size_zero_is_rejected():
    with pytest.raises(InputError) as error:
        from_mapping({"relational": {"caseworkers_per_10k": 0}}, "place.toml")
    message = str(error.value)
    assert "place.toml: regimes.learning.relational_share: 1 sends cases to a team" in message
    assert "relational.caseworkers_per_10k = 0" in message
    # with the lever off in every regime, an empty team is fine
    ok = from_mapping({"relational": {"caseworkers_per_10k": 0, "specialists_per_10k": 0},
                       "regimes": {"learning": {"relational_share": 0,
                                                "specialist_share": 0}}})
    assert ok.get("relational.caseworkers_per_10k") == 0


def test_dated_changes_resolve_to_complete_levers_by_week():
    s = from_mapping({"regimes": {"switch": {"based_on": "target", "changes": [
        {"week": 104, "to": "learning"}, {"week": 150, "threat_tone": 0.9}]}}}, "x.toml")
    schedule = s.schedule("switch")
    assert sorted(schedule) == [0, 104, 150]
    assert schedule[0] == s.regime("target")
    assert schedule[104] == s.regime("learning")
    assert schedule[150] == {**s.regime("learning"), "threat_tone": 0.9}
    assert s.with_overrides({"life.job_loss": 0.01}).schedule("switch") == schedule
    assert s.digest() != from_mapping({"regimes": {"switch": {"based_on": "target"}}}).digest()


@pytest.mark.parametrize("changes, message", [
    ([{"week": 0}], "regimes.switch.changes[0].week: 0 is out of range; allowed: a whole "
                    "number from 1 to 2,599 (week)"),
    ([{"to": "learnin", "week": 5}], "regimes.switch.changes[0].to: unknown preset "
                                     "'learnin'; did you mean 'learning'?"),
    ([{"week": 5}, {"week": 3}], "regimes.switch.changes[1].week: 3 must come after week 5"),
    ({"week": 5}, "regimes.switch.changes: must be an array of tables"),
    ([{"week": 5, "relational_shar": 1}], "regimes.switch.changes[0].relational_shar: "
                                          "unknown lever 'relational_shar'; did you mean "
                                          "'relational_share'?"),
    ([{"threat_tone": 0.5}], "regimes.switch.changes[0].week: is missing"),
])
def test_bad_dated_changes_are_named(changes, message):
    with pytest.raises(InputError) as error:
        from_mapping({"regimes": {"switch": {"based_on": "target", "changes": changes}}},
                     "x.toml")
    assert f"x.toml: {message}" in str(error.value)


def test_parameter_docs_are_generated_from_the_table():
    from pathlib import Path

    from placesim.scenario.describe import markdown

    docs = Path(__file__).resolve().parents[1] / "docs" / "parameters.md"
    assert docs.read_text(encoding="utf-8") == markdown(), (
        "docs/parameters.md is stale: run `placesim parameters > docs/parameters.md`")


def test_a_scenario_names_the_regimes_it_runs_by_default():
    assert defaults().run == ("target", "learning")
    s = from_mapping({"scenario": {"run": ["learning"]}}, "x.toml")
    assert s.run == ("learning",) and s.with_overrides({"life.job_loss": 0.01}).run == s.run
    for bad, message in (({"run": ["learnin"]}, "did you mean 'learning'?"),
                         ({"run": "learning"}, "must be a list of regime names")):
        with pytest.raises(InputError, match=message):
            from_mapping({"scenario": bad}, "x.toml")


def test_default_place_writes_out_unit_costs_with_their_sources():
    """scenarios/default.toml shows the numbers behind every cost next to their source:
    they must stay the parameter table's defaults and name the table's source."""
    import tomllib

    from placesim.scenario.fields import field_index

    path = Path(__file__).resolve().parents[1] / "scenarios" / "default.toml"
    text = path.read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    index = field_index()
    lines, section = {}, ""
    for line in text.splitlines():
        if line.startswith("["):
            section = line.strip("[] ")
        elif "=" in line:
            lines[f"{section}.{line.split('=')[0].strip()}"] = line
    checked = 0
    for section in ("costs", "housing", "health", "social_care", "vcs"):
        for name, value in raw[section].items():
            spec = index[f"{section}.{name}"]
            assert value == spec.default, f"{section}.{name}"
            assert spec.source in lines[f"{section}.{name}"], f"{section}.{name}: no source"
            checked += 1
    assert checked >= 40
