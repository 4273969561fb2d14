"""Two runs of one place in lockstep: a baseline and a reform on the same seed.

Both models get the same citizens, weeks and seed, and (when both sides' files set the
same parameter values) the same burned-in place, so with the counter-based random
numbers every citizen meets the same life under both (common random numbers) and any
difference between the panels is the regimes'. A lever moved during the run goes into
that side's schedule for the next week, exactly as a dated change of a scenario does,
and is remembered as a mark to draw on every chart.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from placesim.engine.start import Start
from placesim.journeys import JourneyRecorder
from placesim.memory import fit_problem
from placesim.model import LEVERS, PlaceModel, burn_in_digest, burned_in, lever_problems
from placesim.scenario import InputError, Problem, Scenario, from_mapping, load
from placesim.scenario.fields import SECTIONS, Field
from placesim.scenario.scenario import CHANGE_WEEK, check_value
from placesim.treasury import Terms
from placesim.ui import journey

SIDES = ("baseline", "reform")
PLACE_FIELDS = {f.name: f for f in SECTIONS["place"] if f.name in ("citizens", "weeks", "seed")}


@dataclass(frozen=True)
class Side:
    """One panel: a scenario file, a regime of it, and levers set from week 0."""

    scenario: Path
    regime: str
    levers: Mapping[str, float] = field(default_factory=dict)

    def title(self) -> str:
        return f"{self.scenario.stem}: {self.regime}"


@dataclass(frozen=True)
class Setup:
    """What a reset builds: both sides and the place they share."""

    baseline: Side
    reform: Side
    citizens: int
    weeks: int
    seed: int
    switch_week: int | None = None  # a dated switch of the reform (presets that have one)

    def sides(self) -> tuple[Side, Side]:
        return self.baseline, self.reform

    def side(self, index: int) -> Side:
        return self.sides()[index]

    def with_side(self, index: int, side: Side) -> Setup:
        return replace(self, **{SIDES[index]: side})


@dataclass(frozen=True)
class Preset:
    """A story a trainer tells, as the two sides it compares."""

    name: str
    baseline: tuple[str, str]  # scenario file name, regime
    reform: tuple[str, str]
    story: str
    switch: bool = False  # the reform's first dated change happens at a chosen week


PRESETS = (
    Preset("Targets vs learning", ("default.toml", "target"), ("default.toml", "learning"),
           "The same place run by targets and by learning."),
    Preset("Pilot vs roll-out", ("pilot.toml", "learning"), ("rollout.toml", "learning"),
           "A pilot team of volunteers under a spotlight, against the same approach rolled "
           "out to ordinary teams with no spotlight."),
    Preset("Switch to learning", ("switch.toml", "target"), ("switch.toml", "switch"),
           "Targets throughout, against targets that switch to learning at a chosen week.",
           switch=True),
    Preset("One target removed", ("switch.toml", "target"), ("switch.toml", "drop_gates"),
           "Targets throughout, against targets with the eligibility gates removed at a "
           "chosen week.", switch=True),
)


def available_presets(directory: Path) -> tuple[Preset, ...]:
    """The presets whose scenario files are in ``directory``."""
    return tuple(p for p in PRESETS
                 if (directory / p.baseline[0]).is_file() and (directory / p.reform[0]).is_file())


def scenario_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.toml"))


def preset_setup(preset: Preset, directory: Path, citizens: int | None = None,
                 weeks: int | None = None, seed: int | None = None) -> Setup:
    """A preset's sides, with the place of its reform's file unless given."""
    reform = load(directory / preset.reform[0])
    get = reform.get
    switch_week = _first_change_week(reform, preset.reform[1]) if preset.switch else None
    return Setup(Side(directory / preset.baseline[0], preset.baseline[1]),
                 Side(directory / preset.reform[0], preset.reform[1]),
                 int(citizens if citizens is not None else get("place.citizens")),
                 int(weeks if weeks is not None else get("place.weeks")),
                 int(seed if seed is not None else get("place.seed")), switch_week)


def _first_change_week(scenario: Scenario, regime: str) -> int | None:
    changes = scenario.changes.get(regime, ())
    return changes[0][0] if changes else None


def check_place(name: str, value: object) -> str | None:
    """Why a typed citizens, weeks or seed (or switch week) is not allowed, or None. A
    number of citizens must also leave room in memory for both sides' places."""
    spec = CHANGE_WEEK if name == "switch_week" else PLACE_FIELDS[name]
    why = check_value(spec, value)
    if why is None and name == "citizens":
        why = fit_problem(int(value), places=len(SIDES))
    return why


def _scenario(setup: Setup, side: Side) -> Scenario:
    """The side's scenario with the shared place and, for the reform, the chosen switch."""
    scenario = load(side.scenario)
    overrides: dict[str, object] = {"place.citizens": setup.citizens,
                                    "place.weeks": setup.weeks, "place.seed": setup.seed}
    if side is setup.reform and setup.switch_week is not None:
        changes = scenario.to_mapping()["regimes"][side.regime].get("changes", [])
        if changes:
            changes = [dict(changes[0], week=setup.switch_week), *changes[1:]]
            overrides[f"regimes.{side.regime}.changes"] = changes
    return scenario.with_overrides(overrides, "UI")


@dataclass(frozen=True)
class Mark:
    """A lever change to draw on one side's charts: from week ``week`` on."""

    side: int
    week: int
    text: str


def _lever_text(name: str, before: float, after: float) -> str:
    return f"{name.replace('_', ' ')} {before:g}→{after:g}"


class Twin:
    """Baseline and reform models of one place, stepped together week by week."""

    def __init__(self, setup: Setup):
        problems = [Problem("UI", f"{SIDES[i]} levers", p.message)
                    for i, side in enumerate(setup.sides())
                    for p in lever_problems(side.levers, "UI")]
        if problems:
            raise InputError(problems)
        self.setup = setup
        scenarios = [_scenario(setup, side) for side in setup.sides()]
        starts: dict[str, Start] = {}  # one burn-in for both sides when it is the same
        for scenario in scenarios:
            key = burn_in_digest(scenario)
            if key not in starts:
                starts[key] = burned_in(scenario)
        self.models = tuple(PlaceModel(scenario, side.regime, start=starts[
            burn_in_digest(scenario)], **side.levers)
            for scenario, side in zip(scenarios, setup.sides(), strict=True))
        self.terms = tuple(Terms.of(model.scenario) for model in self.models)
        self.marks: list[Mark] = self._dated_marks()
        self.followed: tuple[JourneyRecorder, ...] = ()

    def _dated_marks(self) -> list[Mark]:
        """The scenarios' own dated changes, marked like a lever moved by hand."""
        marks = []
        for index, model in enumerate(self.models):
            weeks = sorted(model.schedule)
            for before, week in zip(weeks, weeks[1:], strict=False):
                changed = [_lever_text(n, model.schedule[before][n], v)
                           for n, v in model.schedule[week].items()
                           if v != model.schedule[before][n]]
                if changed:
                    marks.append(Mark(index, week, _summary(changed)))
        return marks

    @property
    def week(self) -> int:
        """Weeks run so far (the same on both sides)."""
        return self.models[0].week

    @property
    def done(self) -> bool:
        return not all(m.running for m in self.models)

    def close(self) -> None:
        """Free both models when this pair is replaced (see PlaceModel.close)."""
        for model in self.models:
            model.close()

    def step(self) -> None:
        if not self.done:
            for model in self.models:
                model.step()
            for model, recorder in zip(self.models, self.followed, strict=False):
                recorder.record(model.engine.records(recorder.ids))

    def citizen_problem(self, citizen: object) -> str | None:
        """Why ``citizen`` is not a citizen of this place, or None."""
        spec = Field("citizen", 0, "id", 0, self.setup.citizens - 1,
                     "A citizen's id.", kind=int)
        return check_value(spec, citizen)

    def follow(self, citizen: int) -> None:
        """Record ``citizen`` on both sides: replayed to now, then live (see journey)."""
        self.followed = journey.replay(self.models, citizen)

    def journeys(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The followed citizen's week-by-week records and events on both sides."""
        return tuple(recorder.frame(model.regimes_by_week)
                     for recorder, model in zip(self.followed, self.models, strict=True))

    def change_levers(self, side: int, changes: Mapping[str, float]) -> Mark | None:
        """Decide ``changes`` on one side from the next week on; the mark to draw."""
        model = self.models[side]
        changed = {n: v for n, v in changes.items()  # as given: the cap is a whole number
                   if n not in LEVERS or float(v) != model.decided.get(n)}
        if not changed:
            return None
        before = dict(model.decided)
        week = model.change_levers(changed)
        mark = Mark(side, week, _summary([_lever_text(n, before[n], v)
                                          for n, v in changed.items()]))
        self.marks.append(mark)
        return mark

    def comparison_scenario(self) -> tuple[Scenario, str, str]:
        """The two runs as one scenario whose two regimes carry each side's schedule (its
        levers at the start and every dated or hand-made change), for the comparison
        report of the current settings. Both sides must be of one scenario file."""
        baseline, reform = self.setup.sides()
        if baseline.scenario != reform.scenario:
            raise InputError([Problem("UI", "report", (
                f"compares two regimes of one scenario; these sides are "
                f"{baseline.scenario.name} and {reform.scenario.name}"))])
        names = ((baseline.regime, reform.regime) if baseline.regime != reform.regime
                 else SIDES)
        mapping = self.models[0].scenario.to_mapping()
        for name, model in zip(names, self.models, strict=True):
            weeks = sorted(model.schedule)
            mapping["regimes"][name] = {
                "based_on": "target", **model.schedule[0],
                "changes": [{"week": w, **model.schedule[w]} for w in weeks if w > 0]}
            if not mapping["regimes"][name]["changes"]:
                del mapping["regimes"][name]["changes"]
        return from_mapping(mapping, f"{baseline.scenario} (UI)"), names[0], names[1]

    def weekly(self) -> pd.DataFrame:
        """Both sides' weekly tables, stacked, with the side and scenario of each row."""
        frames = []
        for name, side, model in zip(SIDES, self.setup.sides(), self.models, strict=True):
            frame = model.weekly()
            frame.insert(0, "scenario", side.scenario.stem)
            frame.insert(0, "side", name)
            frames.append(frame)
        return pd.concat(frames, ignore_index=True)


def _summary(changes: list[str]) -> str:
    return "; ".join(changes) if len(changes) <= 2 else f"{changes[0]} and {len(changes) - 1} more"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()

