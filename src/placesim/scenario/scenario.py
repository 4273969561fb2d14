"""Scenario files (TOML) read into validated, immutable parameter sets."""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from placesim.scenario.errors import InputError, Problem, unknown_key_message
from placesim.scenario.fields import (
    COHORT_ARMS,
    COHORT_FIELDS,
    REGIME_LEVERS,
    REGIME_PRESETS,
    SECTIONS,
    SHARES_THAT_SUM_TO_ONE,
    Field,
    Number,
)

_LEVERS = {f.name: f for f in REGIME_LEVERS}
_REGIME_KEYS = frozenset({"based_on", "changes"})
_CHANGE_KEYS = frozenset({"week", "to"})
CHANGE_WEEK = Field("week", 1, "week", 1, 2_599,
                    "Week from which a dated change applies.", kind=int)
_META_KEYS = {"name": str, "description": str, "run": list}
DEFAULT_RUN = ("target", "learning")
SHARE_TOLERANCE = 1e-6


def check_value(spec: Field, value: Any) -> str | None:
    """Why ``value`` is not allowed for ``spec``, or None when it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{value!r} is a {type(value).__name__}; allowed: {spec.allowed()}"
    if spec.kind is int and not isinstance(value, int):
        return f"{value!r} is not a whole number; allowed: {spec.allowed()}"
    if not math.isfinite(value) or not spec.low <= value <= spec.high:
        return f"{value!r} is out of range; allowed: {spec.allowed()}"
    return None


@dataclass(frozen=True)
class Scenario:
    """A complete, validated set of parameters and the regimes to run them under."""

    name: str
    description: str
    origin: str
    values: Mapping[str, Mapping[str, Number]]
    regimes: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    changes: Mapping[str, tuple[tuple[int, Mapping[str, float]], ...]] = field(
        default_factory=dict)
    run: tuple[str, ...] = DEFAULT_RUN
    cohort: Mapping[str, Any] | None = None

    def get(self, path: str) -> Number:
        section, name = path.split(".", 1)
        return self.values[section][name]

    def schedule(self, name: str) -> dict[int, Mapping[str, float]]:
        """Levers of a regime by the week they take effect (week 0 included)."""
        return {0: self.regime(name), **dict(self.changes.get(name, ()))}

    def regime(self, name: str) -> Mapping[str, float]:
        if name not in self.regimes:
            raise InputError([Problem(self.origin, "regime",
                                      unknown_key_message(name, self.regimes, "regime"))])
        return self.regimes[name]

    def with_overrides(self, overrides: Mapping[str, Any], where: str = "override"
                       ) -> Scenario:
        """A copy with dotted-path overrides (``life.job_loss``, ``regimes.learning.x``)."""
        raw = self.to_mapping()
        for path, value in overrides.items():
            node = raw
            *parents, leaf = path.split(".")
            for part in parents:
                node = node.setdefault(part, {})
                if not isinstance(node, dict):
                    raise InputError([Problem(where, path, "is not a table")])
            node[leaf] = value
        return from_mapping(raw, f"{self.origin} + {where}")

    def to_mapping(self) -> dict[str, Any]:
        """Plain nested dict, the inverse of :func:`from_mapping`."""
        out: dict[str, Any] = {"scenario": {"name": self.name,
                                            "description": self.description,
                                            "run": list(self.run)}}
        out.update({s: dict(v) for s, v in self.values.items()})
        # Levers are stored complete, so any preset serves as the base of a custom regime.
        out["regimes"] = {r: dict(v) if r in REGIME_PRESETS else {"based_on": "target", **v}
                          for r, v in self.regimes.items()}
        for name, changes in self.changes.items():
            out["regimes"][name]["changes"] = [{"week": w, **levers} for w, levers in changes]
        if self.cohort is not None:
            out["cohort"] = dict(self.cohort)
        return out

    def digest(self) -> str:
        """Content hash of every parameter value (not of name, description or origin)."""
        content = {"values": self.values, "regimes": self.regimes,
                   "changes": {r: [[w, dict(v)] for w, v in c] for r, c in self.changes.items()}}
        text = json.dumps(content, sort_keys=True, default=float)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _read_section(section: str, table: Any, where: str, problems: list[Problem]
                  ) -> dict[str, Number]:
    specs = {f.name: f for f in SECTIONS[section]}
    values = {name: spec.default for name, spec in specs.items()}
    if not isinstance(table, dict):
        problems.append(Problem(where, section, f"must be a table, got {table!r}"))
        return values
    for key, value in table.items():
        if key not in specs:
            problems.append(Problem(where, f"{section}.{key}",
                                    unknown_key_message(key, specs)))
            continue
        why = check_value(specs[key], value)
        if why:
            problems.append(Problem(where, f"{section}.{key}", why))
        else:
            values[key] = specs[key].kind(value)
    return values


def _read_levers(table: dict[str, Any], start: Mapping[str, float], path: str, where: str,
                 problems: list[Problem], reserved: frozenset[str]) -> dict[str, float]:
    """Levers set in ``table`` on top of ``start``; keys in ``reserved`` are not levers."""
    resolved = dict(start)
    for key, value in table.items():
        if key in reserved:
            continue
        if key not in _LEVERS:
            allowed = set(_LEVERS) | reserved
            problems.append(Problem(where, f"{path}.{key}",
                                    unknown_key_message(key, allowed, "lever")))
            continue
        why = check_value(_LEVERS[key], value)
        if why:
            problems.append(Problem(where, f"{path}.{key}", why))
        else:
            resolved[key] = float(value)
    return resolved


def _read_changes(raw: Any, levers: Mapping[str, float], path: str, where: str,
                  problems: list[Problem]) -> tuple[tuple[int, dict[str, float]], ...]:
    """Dated changes of a regime: each from its week on, all levers resolved."""
    if not isinstance(raw, list) or not all(isinstance(c, dict) for c in raw):
        problems.append(Problem(where, path, "must be an array of tables, written "
                                f"[[{path}]] with a week and the levers that change"))
        return ()
    changes, current, last_week = [], dict(levers), 0
    for k, change in enumerate(raw):
        here = f"{path}[{k}]"
        week = change.get("week")
        why = (f"is missing; allowed: {CHANGE_WEEK.allowed()}" if week is None
               else check_value(CHANGE_WEEK, week))
        if why:
            problems.append(Problem(where, f"{here}.week", why))
            continue
        if week <= last_week:
            problems.append(Problem(where, f"{here}.week",
                                    f"{week} must come after week {last_week}"))
        target = change.get("to")
        if target is not None:
            if target in REGIME_PRESETS:
                current = dict(REGIME_PRESETS[target])
            else:
                problems.append(Problem(where, f"{here}.to", unknown_key_message(
                    str(target), REGIME_PRESETS, "preset")))
        current = _read_levers(change, current, here, where, problems, _CHANGE_KEYS)
        changes.append((week, current))
        last_week = week
    return tuple(changes)


def _read_regimes(table: Any, where: str, problems: list[Problem]
                  ) -> tuple[dict[str, dict[str, float]], dict[str, tuple]]:
    regimes = {name: dict(levers) for name, levers in REGIME_PRESETS.items()}
    changes: dict[str, tuple] = {}
    if not isinstance(table, dict):
        problems.append(Problem(where, "regimes", f"must be a table, got {table!r}"))
        return regimes, changes
    for name, levers in table.items():
        path = f"regimes.{name}"
        if not isinstance(levers, dict):
            problems.append(Problem(where, path, f"must be a table, got {levers!r}"))
            continue
        base = levers.get("based_on", name if name in REGIME_PRESETS else None)
        if not isinstance(base, str) or base not in REGIME_PRESETS:
            problems.append(Problem(
                where, f"{path}.based_on",
                f"{base!r} is not a preset; a new regime must say based_on = "
                f"one of {sorted(REGIME_PRESETS)}"))
            continue
        regimes[name] = _read_levers(levers, REGIME_PRESETS[base], path, where, problems,
                                     _REGIME_KEYS)
        if "changes" in levers:
            changes[name] = _read_changes(levers["changes"], regimes[name],
                                          f"{path}.changes", where, problems)
    return regimes, changes


def _check_shares(values: dict[str, dict[str, Number]], where: str,
                  problems: list[Problem]) -> None:
    for section, names in SHARES_THAT_SUM_TO_ONE:
        total = sum(values[section][n] for n in names)
        if abs(total - 1.0) > SHARE_TOLERANCE:
            listed = " + ".join(f"{section}.{n}" for n in names)
            problems.append(Problem(where, listed, f"sum to {total:g}; they must sum to 1"))


_LEVER_NEEDS_TEAM = (("relational_share", "relational.caseworkers_per_10k"),
                     ("specialist_share", "relational.specialists_per_10k"))


def _check_teams_exist(values: dict[str, dict[str, Number]],
                       regimes: dict[str, dict[str, float]], changes: dict[str, tuple],
                       where: str, problems: list[Problem]) -> None:
    """A lever that sends cases to a team needs that team: otherwise they wait forever."""
    settings = [(f"regimes.{r}", levers) for r, levers in regimes.items()]
    settings += [(f"regimes.{r}.changes[{k}]", levers)
                 for r, dated in changes.items() for k, (_, levers) in enumerate(dated)]
    for lever, team in _LEVER_NEEDS_TEAM:
        section, name = team.split(".")
        if values[section][name] > 0:
            continue
        for path, levers in settings:
            if levers[lever] > 0:
                problems.append(Problem(
                    where, f"{path}.{lever}",
                    f"{levers[lever]:g} sends cases to a team that {team} = 0 leaves "
                    f"empty; set {team} above 0 or the lever to 0"))


def _read_cohort(table: Any, regimes: Mapping[str, Any], where: str,
                 problems: list[Problem]) -> dict[str, Any] | None:
    """The optional cohort experiment: its numbers and the two regimes it compares."""
    if table is None:
        return None
    if not isinstance(table, dict):
        problems.append(Problem(where, "cohort", f"must be a table, got {table!r}"))
        return None
    specs = {f.name: f for f in COHORT_FIELDS}
    cohort: dict[str, Any] = {name: spec.default for name, spec in specs.items()}
    for key, value in table.items():
        if key in COHORT_ARMS:
            if not isinstance(value, str) or value not in regimes:
                problems.append(Problem(where, f"cohort.{key}", unknown_key_message(
                    str(value), regimes, "regime")))
            cohort[key] = value
        elif key in specs:
            why = check_value(specs[key], value)
            if why:
                problems.append(Problem(where, f"cohort.{key}", why))
            else:
                cohort[key] = value
        else:
            problems.append(Problem(where, f"cohort.{key}", unknown_key_message(
                key, [*specs, *COHORT_ARMS])))
    for arm in COHORT_ARMS:
        if arm not in table:
            problems.append(Problem(where, f"cohort.{arm}",
                                    "is missing: name the regime of this arm"))
    return cohort


def from_mapping(raw: Mapping[str, Any], where: str = "<scenario>") -> Scenario:
    """Validate a nested mapping (as read from TOML) into a :class:`Scenario`."""
    problems: list[Problem] = []
    known = set(SECTIONS) | {"scenario", "regimes", "cohort"}
    for key in raw:
        if key not in known:
            problems.append(Problem(where, key, unknown_key_message(key, known, "section")))
    meta = raw.get("scenario", {})
    if not isinstance(meta, dict):
        problems.append(Problem(where, "scenario", f"must be a table, got {meta!r}"))
        meta = {}
    for key, value in meta.items():
        if key not in _META_KEYS:
            problems.append(Problem(where, f"scenario.{key}",
                                    unknown_key_message(key, _META_KEYS)))
        elif key == "run":
            if not (isinstance(value, list) and value
                    and all(isinstance(v, str) for v in value)):
                problems.append(Problem(where, "scenario.run", f"{value!r} must be a list of "
                                        "regime names, e.g. [\"target\"]"))
        elif not isinstance(value, str):
            problems.append(Problem(where, f"scenario.{key}",
                                    f"{value!r} must be text (a quoted string)"))
    values = {s: _read_section(s, raw.get(s, {}), where, problems) for s in SECTIONS}
    regimes, changes = _read_regimes(raw.get("regimes", {}), where, problems)
    cohort = _read_cohort(raw.get("cohort"), regimes, where, problems)
    _check_shares(values, where, problems)
    run = tuple(meta.get("run", DEFAULT_RUN)) if isinstance(meta.get("run"), list) else (
        DEFAULT_RUN)
    for name in run:
        if name not in regimes:
            problems.append(Problem(where, "scenario.run",
                                    unknown_key_message(name, regimes, "regime")))
    if not problems:
        _check_teams_exist(values, regimes, changes, where, problems)
    if problems:
        raise InputError(problems)
    return Scenario(name=meta.get("name", Path(where).stem),
                    description=meta.get("description", ""), origin=where,
                    values=values, regimes=regimes, changes=changes, run=run, cohort=cohort)


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file."""
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise InputError([Problem(where, "", "no such scenario file")])
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise InputError([Problem(where, "", f"is not valid TOML: {error}")]) from None
    except UnicodeDecodeError:
        raise InputError([Problem(where, "", "is not UTF-8 text")]) from None
    return from_mapping(raw, where)


def defaults() -> Scenario:
    """The scenario with every field at its default."""
    return from_mapping({"scenario": {"name": "defaults"}}, "<defaults>")
