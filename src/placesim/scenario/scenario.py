"""Scenario files (TOML) read into validated, immutable parameter sets."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from placesim.scenario.errors import (
    InputError,
    Problem,
    key_label,
    shown,
    unknown_key_message,
)
from placesim.scenario.fields import (
    COHORT_ARMS,
    COHORT_FIELDS,
    MOVED,
    REGIME_LEVERS,
    REGIME_PRESETS,
    REMOVED,
    SECTIONS,
    SHARES_THAT_SUM_TO_ONE,
    Field,
    Number,
    check_value,
)
from placesim.scenario.files import read_toml
from placesim.scenario.names import name_problem, safe_name

_LEVERS = {f.name: f for f in REGIME_LEVERS}
_REGIME_KEYS = frozenset({"based_on", "changes"})
_CHANGE_KEYS = frozenset({"week", "to"})
CHANGE_WEEK = Field("week", 1, "week", 1, 2_599,
                    "Week from which a dated change applies.", kind=int)
_META_KEYS = ("name", "description", "run")
DEFAULT_RUN = ("target", "learning")
SHARE_TOLERANCE = 1e-6


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
        """A copy with dotted-path overrides (``life.job_loss``, ``regimes.learning.x``).

        A run shortened by an override (``place.weeks``) runs the scenario's first weeks:
        its later dated changes are kept, and do not apply (see :meth:`beyond_run`).
        """
        raw = self.to_mapping()
        for path, value in overrides.items():
            node = raw
            *parents, leaf = path.split(".")
            for part in parents:
                node = node.setdefault(part, {})
                if not isinstance(node, dict):
                    raise InputError([Problem(where, path, "is not a table")])
            node[leaf] = value
        return from_mapping(raw, f"{self.origin} + {where}",
                            within_run="place.weeks" not in overrides)

    def beyond_run(self) -> list[str]:
        """Dated changes (and a cohort) that fall after the last week of the run, in words:
        possible only in a run shortened by an override, where they do not apply."""
        weeks = int(self.get("place.weeks"))
        notes = [f"regime {name}'s change at week {week} is past the run's last week "
                 f"({weeks - 1}): it will not apply"
                 for name, dated in self.changes.items() for week, _ in dated if week >= weeks]
        if self.cohort is not None and (
                self.cohort["flag_week"] + 1 + self.cohort["follow_weeks"] > weeks):
            notes.append("the cohort's follow-up runs past the run's last week")
        return notes

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
        problems.append(Problem(where, section, f"must be a table, got {shown(table)}"))
        return values
    for key, value in table.items():
        if key not in specs:
            path = f"{section}.{key}"
            problems.append(Problem(where, f"{section}.{key_label(key)}",
                                    f"has moved: set it as {MOVED[path]}" if path in MOVED
                                    else f"was removed: {REMOVED[path]}" if path in REMOVED
                                    else unknown_key_message(key, specs)))
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
            problems.append(Problem(where, f"{path}.{key_label(key)}",
                                    unknown_key_message(key, allowed, "lever")))
            continue
        why = check_value(_LEVERS[key], value)
        if why:
            problems.append(Problem(where, f"{path}.{key}", why))
        else:
            resolved[key] = _LEVERS[key].kind(value)
    return resolved


def _read_changes(raw: Any, levers: Mapping[str, float], path: str, where: str,
                  problems: list[Problem]) -> tuple[tuple[int, dict[str, float]], ...]:
    """Dated changes of a regime: each from its week on, all levers resolved (whether a
    week falls inside the run is checked with the place, in :func:`_check_weeks`)."""
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
            if isinstance(target, str) and target in REGIME_PRESETS:
                current = dict(REGIME_PRESETS[target])
            else:
                problems.append(Problem(where, f"{here}.to", unknown_key_message(
                    target, REGIME_PRESETS, "preset")))
        current = _read_levers(change, current, here, where, problems, _CHANGE_KEYS)
        changes.append((week, current))
        last_week = week
    return tuple(changes)


def _read_regimes(table: Any, where: str, problems: list[Problem]
                  ) -> tuple[dict[str, dict[str, float]], dict[str, tuple]]:
    regimes = {name: dict(levers) for name, levers in REGIME_PRESETS.items()}
    changes: dict[str, tuple] = {}
    if not isinstance(table, dict):
        problems.append(Problem(where, "regimes", f"must be a table, got {shown(table)}"))
        return regimes, changes
    for name, levers in table.items():
        path = f"regimes.{key_label(name)}"
        if why := name_problem(name):
            problems.append(Problem(where, path, f"the regime's name {why}"))
        if not isinstance(levers, dict):
            problems.append(Problem(where, path, f"must be a table, got {shown(levers)}"))
            continue
        base = levers.get("based_on", name if name in REGIME_PRESETS else None)
        if not isinstance(base, str) or base not in REGIME_PRESETS:
            problems.append(Problem(
                where, f"{path}.based_on",
                f"{shown(base)} is not a preset; a new regime must say based_on = "
                f"one of {sorted(REGIME_PRESETS)}"))
            base = None  # its levers are still checked, so every problem is reported
        resolved = _read_levers(levers, REGIME_PRESETS[base or "target"], path, where,
                                problems, _REGIME_KEYS)
        dated = (_read_changes(levers["changes"], resolved, f"{path}.changes", where,
                               problems) if "changes" in levers else ())
        if base is not None and not name_problem(name):
            regimes[name] = resolved
            if "changes" in levers:
                changes[name] = dated
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
        problems.append(Problem(where, "cohort", f"must be a table, got {shown(table)}"))
        return None
    specs = {f.name: f for f in COHORT_FIELDS}
    cohort: dict[str, Any] = {name: spec.default for name, spec in specs.items()}
    for key, value in table.items():
        if key in COHORT_ARMS:
            if not isinstance(value, str) or value not in regimes:
                problems.append(Problem(where, f"cohort.{key}", unknown_key_message(
                    value, regimes, "regime")))
            cohort[key] = value
        elif key in specs:
            why = check_value(specs[key], value)
            if why:
                problems.append(Problem(where, f"cohort.{key}", why))
            else:
                cohort[key] = value
        else:
            problems.append(Problem(where, f"cohort.{key_label(key)}", unknown_key_message(
                key, [*specs, *COHORT_ARMS])))
    for arm in COHORT_ARMS:
        if arm not in table:
            problems.append(Problem(where, f"cohort.{arm}",
                                    "is missing: name the regime of this arm"))
    if table.get("control") == table.get("treatment") and "control" in table:
        problems.append(Problem(where, "cohort.treatment", (
            f"{shown(table['treatment'])} is also the control arm; the two arms must be "
            "different regimes")))
    return cohort


def _read_meta(meta: Any, where: str, problems: list[Problem]
               ) -> tuple[str | None, str, tuple[str, ...]]:
    """The [scenario] table: name (None if not given), description and the run list."""
    if not isinstance(meta, dict):
        problems.append(Problem(where, "scenario", f"must be a table, got {shown(meta)}"))
        return None, "", DEFAULT_RUN
    for key in meta:
        if key not in _META_KEYS:
            problems.append(Problem(where, f"scenario.{key_label(key)}",
                                    unknown_key_message(key, _META_KEYS)))
    name, description, run = meta.get("name"), meta.get("description", ""), meta.get("run")
    if name is not None and (why := name_problem(name)):
        problems.append(Problem(where, "scenario.name", why))
        name = None
    if not isinstance(description, str):
        problems.append(Problem(where, "scenario.description",
                                f"{shown(description)} must be text (a quoted string)"))
        description = ""
    if run is None:
        return name, description, DEFAULT_RUN
    if not (isinstance(run, list) and run and all(isinstance(v, str) for v in run)):
        problems.append(Problem(where, "scenario.run", f"{shown(run)} must be a list of "
                                "regime names, e.g. [\"target\"]"))
        return name, description, DEFAULT_RUN
    for twice in sorted({r for r in run if run.count(r) > 1}):
        problems.append(Problem(where, "scenario.run", f"{shown(twice)} is listed more than "
                                "once; list each regime once"))
    return name, description, tuple(run)


def _check_change_weeks(weeks: int, changes: dict[str, tuple], where: str,
                        problems: list[Problem]) -> None:
    """Dated changes fall inside the run: a change after its last week would never apply."""
    for name, dated in changes.items():
        for k, (week, _) in enumerate(dated):
            if week >= weeks:
                problems.append(Problem(where, f"regimes.{name}.changes[{k}].week", (
                    f"{week} is not inside the run (place.weeks = {weeks}: weeks 0 to "
                    f"{weeks - 1}), so the change would never apply")))


def _check_cohort_weeks(weeks: int, cohort: Mapping[str, Any], where: str,
                        problems: list[Problem]) -> None:
    """The cohort is flagged and followed inside the run."""
    length = cohort["flag_week"] + 1 + cohort["follow_weeks"]
    if length > weeks:
        problems.append(Problem(where, "cohort.follow_weeks", (
            f"the cohort is flagged in week {cohort['flag_week']} and followed for "
            f"{cohort['follow_weeks']} weeks, {length} weeks in all: past the run's "
            f"{weeks} weeks (place.weeks); shorten the follow-up or lengthen the run")))


def _check_caseload(values: dict[str, dict[str, Number]],
                    regimes: Mapping[str, Mapping[str, float]], changes: dict[str, tuple],
                    where: str, problems: list[Problem]) -> None:
    """The team experiments with its cap between cap_min and cap_max: the two must be in
    order, and a regime's cap inside them wherever that regime experiments."""
    team = values["relational"]
    low, high = team["cap_min"], team["cap_max"]
    if low > high:
        problems.append(Problem(where, "relational.cap_min", (
            f"{low} is above relational.cap_max ({high}); the team experiments between "
            "the two")))
        return
    settings = [(f"regimes.{r}", levers) for r, levers in regimes.items()]
    settings += [(f"regimes.{r}.changes[{k}]", levers)
                 for r, dated in changes.items() for k, (_, levers) in enumerate(dated)]
    for path, levers in settings:
        cap = levers["caseload_cap"]
        if levers["experiments"] > 0 and not low <= cap <= high:
            problems.append(Problem(where, f"{path}.caseload_cap", (
                f"{cap} is outside relational.cap_min to cap_max ({low} to {high}), the "
                "caps the team experiments with (experiments is above 0 here); allowed: a "
                f"whole number from {low} to {high}, or widen cap_min and cap_max")))


def from_mapping(raw: Mapping[str, Any], where: str = "<scenario>", *,
                 within_run: bool = True) -> Scenario:
    """Validate a nested mapping (as read from TOML) into a :class:`Scenario`.

    ``within_run``: dated changes and the cohort must fall inside the run (a file's own
    place.weeks); a run shortened afterwards by an override runs the first weeks only.

    Every problem is reported at once; checks that relate fields run only on fields that
    are valid themselves, so one mistake is reported once.
    """
    problems: list[Problem] = []
    known = set(SECTIONS) | {"scenario", "regimes", "cohort"}
    for key in raw:
        if key not in known:
            problems.append(Problem(where, key_label(key),
                                    unknown_key_message(key, known, "section")))
    name, description, run = _read_meta(raw.get("scenario", {}), where, problems)
    values = {s: _read_section(s, raw.get(s, {}), where, problems) for s in SECTIONS}
    regimes, changes = _read_regimes(raw.get("regimes", {}), where, problems)
    cohort = _read_cohort(raw.get("cohort"), regimes, where, problems)
    _check_shares(values, where, problems)
    for regime in run:
        if regime not in regimes:
            problems.append(Problem(
                where, "scenario.run", f"{unknown_key_message(regime, regimes, 'regime')} "
                "(a regime is a preset or one the file defines under [regimes])"))
    bad = {p.path for p in problems}
    weeks = int(values["place"]["weeks"])
    if "place.weeks" not in bad and within_run:
        _check_change_weeks(weeks, changes, where, problems)
        if cohort is not None and not any(b.startswith("cohort") for b in bad):
            _check_cohort_weeks(weeks, cohort, where, problems)
    if not bad & {f"relational.{k}" for k in ("caseload_cap", "cap_min", "cap_max")}:
        _check_caseload(values, regimes, changes, where, problems)
    if not problems:
        _check_teams_exist(values, regimes, changes, where, problems)
    if problems:
        raise InputError(problems)
    return Scenario(name=name or safe_name(Path(where).stem, "scenario"),
                    description=description, origin=where,
                    values=values, regimes=regimes, changes=changes, run=run, cohort=cohort)


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file."""
    path = Path(path)
    raw = read_toml(path, "scenario")
    return from_mapping(raw, str(path))


def defaults() -> Scenario:
    """The scenario with every field at its default."""
    return from_mapping({"scenario": {"name": "defaults"}}, "<defaults>")
