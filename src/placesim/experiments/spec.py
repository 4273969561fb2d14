"""Experiment files (TOML): a base scenario, what to vary, the design and what to keep.

An experiment file looks like this (paths are relative to the file)::

    [experiment]
    name = "caseload_and_gate"
    scenario = "../scenarios/default.toml"
    regimes = ["target", "learning"]     # default: the scenario's run list
    outputs = ["summary", "weekly"]      # summary (always), weekly, deciles, journeys,
                                          # outcomes (one row per citizen); or cohort:
                                          # each run is one arm of the scenario's
                                          # [cohort] experiment
    journey_replicates = 1                # journeys of the first replicates only
                                          # (stories, not statistics; default: all)

    [fixed]                               # dotted overrides applied to every run
    "place.citizens" = 20000

    [vary."levers.caseload_cap"]          # a list of values (grid designs) ...
    values = [10, 15, 25]
    [vary."levers.pause_enforcement"]     # ... or a range: low, high (and steps for grid)
    low = 0.0
    high = 1.0
    steps = 3

    [design]
    method = "grid"                       # grid, random, lhs, sobol, morris
    samples = 16                          # points (random, lhs), base N (sobol),
                                          # trajectories (morris)
    levels = 4                            # morris grid levels
    seed = 1                              # seed of the sampling itself

    [replicates]
    count = 3
    seeds = "common"                      # or "independent"

A dotted path names a scenario field (``life.job_loss``), a lever of one regime
(``regimes.learning.relational_share``) or a lever of every regime run
(``levers.pause_enforcement``). Every problem is reported at once, naming the file, the
field, the value and what is allowed.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from placesim.scenario import InputError, Problem, Scenario, load
from placesim.scenario.errors import key_label, shown, unknown_key_message
from placesim.scenario.fields import MOVED, REGIME_LEVERS, SECTIONS, Field
from placesim.scenario.files import check_kind, parse_toml, read_text
from placesim.scenario.names import MAX_EXPERIMENT_NAME, name_problem, safe_name
from placesim.scenario.scenario import check_value

METHODS = ("grid", "random", "lhs", "sobol", "morris")
OUTPUTS = ("summary", "weekly", "deciles", "journeys", "outcomes", "cohort")
SEED_RULES = ("common", "independent")
MAX_REPLICATES = 10_000
MAX_SAMPLES = 1_000_000
MAX_RUNS = 1_000_000  # a plan's table and tasks are built in memory before any run
_TABLES = {
    "experiment": ("name", "description", "scenario", "regimes", "outputs",
                   "journey_replicates"),
    "design": ("method", "samples", "levels", "seed"),
    "replicates": ("count", "seeds"),
}
_SECTIONS = (*_TABLES, "fixed", "vary")
_RANGE_KEYS = ("values", "low", "high", "steps")
_LEVERS = {f.name: f for f in REGIME_LEVERS}


@dataclass(frozen=True)
class Varied:
    """One varied parameter: a list of values, or a range (``steps`` for a grid)."""

    path: str
    spec: Field
    values: tuple[float, ...] | None = None
    low: float | None = None
    high: float | None = None
    steps: int | None = None

    @property
    def whole(self) -> bool:
        return self.spec.kind is int

    def grid(self) -> tuple[float, ...]:
        """The values a full grid takes; whole-number fields are rounded, repeats dropped."""
        if self.values is not None:
            raw = self.values
        else:
            assert self.low is not None and self.high is not None and self.steps
            step = (self.high - self.low) / (self.steps - 1)
            raw = tuple(self.low + k * step for k in range(self.steps))
        return tuple(dict.fromkeys(self.cast(v) for v in raw))

    def cast(self, value: float) -> float:
        return round(float(value)) if self.whole else float(value)


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: everything needed to list its runs."""

    name: str
    description: str
    origin: str
    scenario: Scenario  # with [fixed] applied
    regimes: tuple[str, ...]
    outputs: tuple[str, ...]
    varied: tuple[Varied, ...]
    method: str
    samples: int
    levels: int
    design_seed: int
    replicates: int
    seeds: str
    text: str = ""  # the file as written, kept beside the results
    journey_replicates: int = MAX_REPLICATES  # replicates that keep journeys

    def outputs_of(self, replicate: int) -> tuple[str, ...]:
        """The tables one replicate keeps: journeys only in the first replicates."""
        if replicate < self.journey_replicates:
            return self.outputs
        return tuple(o for o in self.outputs if o != "journeys")
    # settings given beside the file (the command line's --citizens, --weeks, --replicates)
    overrides: tuple[tuple[str, int], ...] = ()

    def describe(self) -> dict[str, Any]:
        """Plain content of the experiment, as stored with its results."""
        return {"name": self.name, "description": self.description,
                "scenario": self.scenario.name, "scenario_digest": self.scenario.digest(),
                "regimes": list(self.regimes), "outputs": list(self.outputs),
                "method": self.method, "samples": self.samples, "levels": self.levels,
                "design_seed": self.design_seed, "replicates": self.replicates,
                "seeds": self.seeds, "journey_replicates": self.journey_replicates,
                "overrides": dict(self.overrides),
                "varied": [{"path": v.path, "whole": v.whole, "low": v.low, "high": v.high,
                            "steps": v.steps, "values": v.values} for v in self.varied]}

    def overridden(self, values: Mapping[str, int], replicates: int | None = None,
                   where: str = "command line") -> Experiment:
        """The experiment with scenario fields set in every run (e.g. ``place.citizens``)
        and another replicate count; both recorded (``overrides``), so they reach the
        stored description, the plan and, through the scenario, every run id."""
        if not values and replicates is None:
            return self
        scenario = self.scenario.with_overrides(values, where) if values else self.scenario
        given = {**dict(self.overrides), **values}
        if replicates is not None:
            given["replicates.count"] = replicates
        return replace(self, scenario=scenario, replicates=replicates or self.replicates,
                       overrides=tuple(sorted(given.items())))

    def largest_place(self) -> int:
        """The most citizens any run of the experiment simulates."""
        for v in self.varied:
            if v.path == "place.citizens":
                return int(max(v.grid() if v.values is not None or v.steps else (v.high,)))
        return int(self.scenario.get("place.citizens"))

    def digest(self) -> str:
        text = json.dumps(self.describe(), sort_keys=True, default=float)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def field_of(path: str, scenario: Scenario | None) -> Field | str:
    """The field a dotted path names, or why it names none (without a scenario, a
    regime's name is not checked)."""
    parts = path.split(".")
    if len(parts) == 2 and parts[0] == "levers":
        return _LEVERS.get(parts[1]) or unknown_key_message(parts[1], _LEVERS, "lever")
    if len(parts) == 3 and parts[0] == "regimes":
        if scenario is not None and parts[1] not in scenario.regimes:
            return unknown_key_message(parts[1], scenario.regimes, "regime")
        return _LEVERS.get(parts[2]) or unknown_key_message(parts[2], _LEVERS, "lever")
    if path in MOVED:
        return f"has moved: vary it as levers.{parts[1]} ({MOVED[path]})"
    if len(parts) == 2 and parts[0] in SECTIONS:
        specs = {f.name: f for f in SECTIONS[parts[0]]}
        return specs.get(parts[1]) or unknown_key_message(parts[1], specs)
    if len(parts) == 2:
        return unknown_key_message(parts[0], [*SECTIONS, "levers"], "section")
    return ("is not a dotted path of the form section.field, levers.LEVER or "
            "regimes.REGIME.LEVER")


def overrides_for(values: Mapping[str, float], regime: str) -> dict[str, float]:
    """Scenario overrides for one run: ``levers.X`` becomes that run's regime's lever."""
    out = {}
    for path, value in values.items():
        section, _, rest = path.partition(".")
        if section == "levers":
            out[f"regimes.{regime}.{rest}"] = value
        elif section != "regimes" or path.split(".")[1] == regime:
            out[path] = value
    return out


class _Reader:
    """Collects every problem of one file before reporting them together."""

    def __init__(self, where: str):
        self.where = where
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.where, path, message))

    def table(self, raw: Mapping[str, Any], name: str) -> dict[str, Any]:
        value = raw.get(name, {})
        if not isinstance(value, dict):
            self.problem(name, f"must be a table, got {shown(value)}")
            return {}
        for key in value:
            if name in _TABLES and key not in _TABLES[name]:
                self.problem(f"{name}.{key_label(key)}", unknown_key_message(key, _TABLES[name]))
        return value

    def whole(self, path: str, value: Any, low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(path, f"{shown(value)} is not allowed; allowed: a whole number from "
                         f"{low:,} to {high:,}")
            return None
        return value

    def choice(self, path: str, value: Any, allowed: tuple[str, ...]) -> str | None:
        if value not in allowed:
            self.problem(path, f"{shown(value)} is not allowed; allowed: {', '.join(allowed)}")
            return None
        return value

    def names(self, path: str, value: Any, allowed: tuple[str, ...] | Mapping) -> tuple:
        if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            self.problem(path, f"{shown(value)} must be a non-empty list of names, e.g. "
                         f"[\"{next(iter(allowed))}\"]")
            return ()
        for name in value:
            if name not in allowed:
                self.problem(path, unknown_key_message(name, allowed,
                                                       "regime" if isinstance(allowed, Mapping)
                                                       else "output"))
        return tuple(dict.fromkeys(value))


def _number_check(spec: Field, value: Any) -> str | None:
    """A range end: any number in the field's range (whole-number fields are rounded at
    each design point)."""
    return check_value(replace(spec, kind=float), value)


def _varied(reader: _Reader, path: str, entry: Any, spec: Field, method: str | None
            ) -> Varied | None:
    here = f"vary.{path}"
    if not isinstance(entry, dict):
        reader.problem(here, f"must be a table with values = [...] or low and high, "
                       f"got {shown(entry)}")
        return None
    for key in entry:
        if key not in _RANGE_KEYS:
            reader.problem(f"{here}.{key_label(key)}", unknown_key_message(key, _RANGE_KEYS))
    if "values" in entry:
        values = entry["values"]
        if not isinstance(values, list) or not values:
            reader.problem(f"{here}.values", f"{shown(values)} must be a non-empty list")
            return None
        if method not in (None, "grid"):
            reader.problem(f"{here}.values", f"a list of values needs design.method = "
                           f"'grid'; method '{method}' samples a range: give low and high")
        if any(k in entry for k in ("low", "high", "steps")):
            reader.problem(here, "give either values or low and high, not both")
        bad = [why for v in values if (why := check_value(spec, v))]
        for why in bad:
            reader.problem(f"{here}.values", why)
        return Varied(path, spec, values=tuple(values)) if not bad else None
    low, high = entry.get("low"), entry.get("high")
    ok = True
    for key, value in (("low", low), ("high", high)):
        if value is None:
            reader.problem(f"{here}.{key}", f"is missing; allowed: {spec.allowed()}")
            ok = False
        elif why := _number_check(spec, value):
            reader.problem(f"{here}.{key}", why)
            ok = False
    if ok and not low < high:
        reader.problem(here, f"low ({shown(low)}) must be below high ({shown(high)})")
        ok = False
    steps = entry.get("steps")
    if method == "grid":
        if steps is None:
            reader.problem(f"{here}.steps", "is missing: a grid over a range needs steps "
                           "(a whole number from 2)")
            ok = False
        elif reader.whole(f"{here}.steps", steps, 2, 10_000) is None:
            ok = False
    elif steps is not None:
        reader.problem(f"{here}.steps", f"applies only to design.method = 'grid', not "
                       f"'{method}'")
    if not ok:
        return None
    return Varied(path, spec, low=float(low), high=float(high), steps=steps)


def _design(reader: _Reader, design: Mapping[str, Any], varied_count: int
            ) -> tuple[str | None, int, int, int]:
    method = reader.choice("design.method", design.get("method", "grid"), METHODS)
    given, samples = design.get("samples"), 0
    if method == "grid":
        if given is not None:
            reader.problem("design.samples", "applies to random, lhs, sobol and morris "
                           "designs; a grid takes its points from the varied values")
    elif method is not None:
        if given is None:
            reader.problem("design.samples", f"is missing: the {method} design needs a "
                           "number of samples")
        else:
            samples = reader.whole("design.samples", given, 1, MAX_SAMPLES) or 0
        if method == "sobol" and samples and samples & (samples - 1):
            reader.problem("design.samples", f"{samples} is not a power of 2; Sobol "
                           "sequences need one (e.g. 64, 128, 256)")
        if method == "morris" and samples and samples < 2:
            reader.problem("design.samples", "a Morris design needs at least 2 trajectories")
        if varied_count == 0:
            reader.problem("vary", f"is empty: the {method} design needs at least one "
                           "varied parameter")
    levels = design.get("levels", 4)
    if "levels" in design and method != "morris":
        reader.problem("design.levels", "applies only to design.method = 'morris'")
    levels = reader.whole("design.levels", levels, 2, 100) or 4
    if method == "morris" and levels % 2:
        reader.problem("design.levels", f"{levels} is odd; Morris designs need an even "
                       "number of levels")
    seed = reader.whole("design.seed", design.get("seed", 1), 0, 2**32 - 1) or 0
    return method, samples, levels, seed


def _base_scenario(reader: _Reader, meta: Mapping[str, Any], base: Path) -> Scenario | None:
    """The base scenario the file names, or None (with the reason among the problems);
    the rest of the file is checked either way."""
    relative = meta.get("scenario")
    if not isinstance(relative, str):
        reader.problem("experiment.scenario", "is missing: name the base scenario file "
                       "(relative to this file)" if relative is None
                       else f"{shown(relative)} must be text (quoted)")
        return None
    try:
        return load(base / relative)
    except InputError as error:
        reader.problem("experiment.scenario", f"{shown(relative)} cannot be used: "
                       + "; ".join(str(p) for p in error.problems))
        return None


def _settings(reader: _Reader, table: str, settings: Mapping[str, Any],
              scenario: Scenario | None, regimes: tuple[str, ...]) -> dict[str, Any]:
    """The [fixed] or [vary] entries whose paths name a field, by path; a lever of a
    regime the experiment does not run would do nothing, so it is refused."""
    named = {}
    for path, value in settings.items():
        here = f"{table}.{key_label(path)}"
        spec = field_of(path, scenario)
        if isinstance(spec, str):
            reader.problem(here, spec)
            continue
        parts = path.split(".")
        if parts[0] == "regimes" and scenario is not None and parts[1] not in regimes:
            reader.problem(here, f"regime '{parts[1]}' is not run by this experiment "
                           f"(experiment.regimes: {', '.join(regimes)}), so this would do "
                           "nothing; add the regime or remove the setting")
            continue
        named[path] = (spec, value)
    return named


def from_text(text: str, where: str, base: Path) -> Experiment:
    """Validate an experiment file's text; ``base`` is the folder its paths start from.

    Every problem is reported at once: a base scenario that cannot be used does not hide
    the others (only checks that need its regimes are left out).
    """
    reader = _Reader(where)
    raw = parse_toml(text, where)
    check_kind(raw, "experiment", where)
    for key in raw:
        if key not in _SECTIONS:
            reader.problem(key_label(key), unknown_key_message(key, _SECTIONS, "section"))
    meta = reader.table(raw, "experiment")
    name = meta.get("name")
    if name is not None and (why := name_problem(name, MAX_EXPERIMENT_NAME)):
        reader.problem("experiment.name", why)
    if not isinstance(meta.get("description", ""), str):
        reader.problem("experiment.description",
                       f"{shown(meta['description'])} must be text (quoted)")
    scenario = _base_scenario(reader, meta, base)
    known = scenario.regimes if scenario is not None else None
    if scenario is None:
        regimes: tuple[str, ...] = ()
    elif "regimes" in meta:
        regimes = reader.names("experiment.regimes", meta["regimes"], scenario.regimes)
    else:
        regimes = scenario.run
    outputs = reader.names("experiment.outputs", meta.get("outputs", ["summary"]), OUTPUTS)
    outputs = ("summary", *(o for o in outputs if o != "summary"))
    journey_replicates = MAX_REPLICATES
    if "journey_replicates" in meta:
        journey_replicates = reader.whole("experiment.journey_replicates",
                                          meta["journey_replicates"], 1, MAX_REPLICATES) or 1
        if "journeys" not in outputs:
            reader.problem("experiment.journey_replicates", "applies only when outputs "
                           "include journeys")
    if "cohort" in outputs:
        if scenario is not None and scenario.cohort is None:
            reader.problem("experiment.outputs", "'cohort' needs a scenario with a [cohort] "
                           "table (see scenarios/gateshead_council_tax.toml)")
        for other in ("deciles", "journeys", "outcomes"):
            if other in outputs:
                reader.problem("experiment.outputs", f"'{other}' is kept by whole-place "
                               "runs; a 'cohort' run keeps summary, weekly and cohort")

    fixed = reader.table(raw, "fixed")
    overrides = {}
    for path, (spec, value) in _settings(reader, "fixed", fixed, scenario, regimes).items():
        if why := check_value(spec, value):
            reader.problem(f"fixed.{path}", why)
        else:
            overrides[path] = value
    design = reader.table(raw, "design")
    vary = reader.table(raw, "vary")
    method, samples, levels, seed = _design(reader, design, len(vary))
    varied = []
    for path, (spec, entry) in _settings(reader, "vary", vary, scenario, regimes).items():
        if path == "place.seed":
            reader.problem("vary.place.seed", "seeds come from [replicates]; vary "
                           "replicates.count instead")
            continue
        if path in fixed:
            reader.problem(f"vary.{path}", "is also in [fixed]; a parameter is either "
                           "fixed or varied")
        found = _varied(reader, path, entry, spec, method)
        if found is not None:
            varied.append(found)
    replicates = reader.table(raw, "replicates")
    count = reader.whole("replicates.count", replicates.get("count", 1), 1, MAX_REPLICATES)
    seeds = reader.choice("replicates.seeds", replicates.get("seeds", "common"), SEED_RULES)
    if not reader.problems and method is not None and count is not None:
        runs = design_size(method, varied, samples) * count * len(regimes)
        if runs > MAX_RUNS:
            reader.problem("design", f"the plan has {runs:,} runs (design points x "
                           f"replicates x regimes); at most {MAX_RUNS:,} are allowed in one "
                           "sweep: fewer samples, steps, replicates or regimes")
    if reader.problems or scenario is None or known is None:
        raise InputError(reader.problems)
    try:
        fixed_scenario = _apply_fixed(scenario, overrides, regimes)
    except InputError as error:
        raise InputError([Problem(where, "fixed", str(p)) for p in error.problems]) from None
    _check_ends(reader, fixed_scenario, varied, regimes)
    assert method is not None and count is not None and seeds is not None
    return Experiment(name=name or safe_name(Path(where).stem, "experiment",
                                             MAX_EXPERIMENT_NAME),
                      description=meta.get("description", ""), origin=where,
                      scenario=fixed_scenario, regimes=tuple(regimes), outputs=outputs,
                      varied=tuple(varied), method=method, samples=samples, levels=levels,
                      design_seed=seed, replicates=count, seeds=seeds, text=text,
                      journey_replicates=journey_replicates)


def run_count(experiment: Experiment) -> int:
    """Runs in the experiment's plan (design points x replicates x regimes), counted
    without building it; equal runs are stored once, so a sweep may run fewer."""
    return (design_size(experiment.method, experiment.varied, experiment.samples)
            * experiment.replicates * len(experiment.regimes))


def design_size(method: str, varied: Sequence[Varied], samples: int) -> int:
    """Design points of a design, counted without drawing them (a grid is the product of
    its parameters' values; Sobol's scheme takes N (D + 2) points and Morris's N (D + 1))."""
    if method == "grid":
        return math.prod(len(v.grid()) for v in varied)
    return samples * {"sobol": len(varied) + 2, "morris": len(varied) + 1}.get(method, 1)


def _check_ends(reader: _Reader, scenario: Scenario, varied: Sequence[Varied],
                regimes: tuple[str, ...]) -> None:
    """Each varied parameter at the ends of its range makes a valid scenario (a value can
    be allowed on its own yet not with the rest, e.g. a caseload cap outside the caps the
    team experiments with), so the plan does not fail half-way through."""
    for v in varied:
        ends = v.grid() if v.values is not None else (v.cast(v.low), v.cast(v.high))
        for value in sorted({min(ends), max(ends)}):
            try:
                _apply_fixed(scenario, {v.path: value}, regimes)
            except InputError as error:
                reader.problem(f"vary.{v.path}", f"at {value:g}: " + "; ".join(
                    f"{p.path}: {p.message}" for p in error.problems))
    if reader.problems:
        raise InputError(reader.problems)


def _apply_fixed(scenario: Scenario, overrides: Mapping[str, float],
                 regimes: tuple[str, ...]) -> Scenario:
    expanded: dict[str, float] = {}
    for regime in regimes:
        expanded.update(overrides_for(overrides, regime))
    return scenario.with_overrides(expanded, "experiment [fixed]") if expanded else scenario


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file."""
    path = Path(path)
    return from_text(read_text(path, "experiment"), str(path), path.parent)


def seed_of(experiment: Experiment, point: int, replicate: int) -> int:
    """The seed of one replicate at one design point.

    "common": replicate k runs with ``place.seed + k`` at every point (common random
    numbers: points differ by their parameters, not their luck). "independent": each
    point has its own stream of seeds, derived from ``place.seed`` and the point index.
    """
    first = int(experiment.scenario.get("place.seed"))
    if experiment.seeds == "common":
        return first + replicate
    state = np.random.SeedSequence([first, point]).generate_state(replicate + 1, np.uint64)
    return int(state[replicate] >> np.uint64(2))  # within place.seed's range (< 2**62)

