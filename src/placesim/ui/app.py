"""The trainer's page: baseline and reform side by side, live (``placesim ui``).

Every browser session gets its own ``Session``: its two models, the run's thread and its
figures. Nothing is shared between sessions but the code, and all of it is released
when the session's page goes away.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import solara

from placesim.model import LEVERS
from placesim.scenario import load
from placesim.ui import journey
from placesim.ui.charts import CHARTS, PALETTE, Difference, Panels
from placesim.ui.player import ENGINE_LOCK, Player, explain
from placesim.ui.twin import (
    PLACE_FIELDS,
    SIDES,
    Setup,
    Side,
    Twin,
    available_presets,
    check_place,
    csv_bytes,
    parquet_bytes,
    preset_setup,
    scenario_files,
)

SCENARIO_ENV = "PLACESIM_UI_SCENARIO"
SPEEDS = {"1 week a second": 1.0, "2 weeks a second": 2.0, "5 weeks a second": 5.0,
          "10 weeks a second": 10.0, "as fast as it goes": None}
TIMELINE_ROWS = 40
REPORT_REPLICATES = 5


def starting_setup(path: Path) -> Setup:
    """The first setup: a scenario file's first two regimes to run (a file that runs one
    regime is set against targets, or targets against learning)."""
    scenario = load(path)
    run = list(scenario.run)
    baseline, reform = run[:2] if len(run) >= 2 else (
        ("target", run[0]) if run[0] != "target" else ("target", "learning"))
    get = scenario.get
    return Setup(Side(path, baseline), Side(path, reform), int(get("place.citizens")),
                 int(get("place.weeks")), int(get("place.seed")))


@dataclass(frozen=True)
class ReportState:
    running: bool
    message: str
    path: Path | None = None


@dataclass(frozen=True)
class Status:
    week: int = 0
    weeks: int = 0
    playing: bool = False
    error: str | None = None
    busy: str | None = None


class Session:
    """One browser session's models, run thread and figures."""

    def __init__(self, directory: Path, setup: Setup, context: object | None = None):
        self.directory = directory
        self.setup = setup
        self.status = solara.reactive(Status(weeks=setup.weeks))
        self.numbers = solara.reactive(None)
        self.levers = solara.reactive(({}, {}))
        self.followed = solara.reactive(None)
        self.presentation = solara.reactive(False)
        self.built = solara.reactive(setup)
        self.report = solara.reactive(None)  # ReportState once asked for
        self.context = context
        self.twin = Twin(setup)
        self.panels = Panels(setup.weeks, presentation=False)
        self.citizen_figure = _citizen_figure(setup.weeks)
        self.player = Player(self._step, self._frame, self._failed, context)
        self.player.submit(lambda: None)  # draw the empty week-0 state

    # -- run thread -------------------------------------------------------------------
    def _step(self) -> bool:
        self.twin.step()
        return not self.twin.done

    def _frame(self) -> None:
        twin = self.twin
        sides = tuple(m.datacollector.model_vars for m in twin.models)
        self.numbers.value = self.panels.update(sides, twin.marks, twin.terms)
        decided = tuple(dict(m.decided) for m in twin.models)
        if decided != self.levers.value:
            self.levers.value = decided
        if twin.followed:
            self._show_followed()
        self.status.value = replace(self.status.value, week=twin.week,
                                    weeks=twin.setup.weeks, playing=self.player.playing,
                                    busy=None)

    def _failed(self, message: str) -> None:
        self.status.value = replace(self.status.value, error=message, playing=False,
                                    busy=None)

    def _build(self, setup: Setup) -> None:
        self.status.value = replace(self.status.value, busy="Building both runs…")
        with ENGINE_LOCK:
            twin = Twin(setup)
        self.twin.close()
        self.setup, self.twin = setup, twin
        self.built.value = setup
        self.panels.reset(setup.weeks)
        self.citizen_figure.update_xaxes(range=[0, max(setup.weeks - 1, 1)])
        self.followed.value = None
        self.status.value = replace(self.status.value, error=None)

    def _follow(self, choose) -> None:
        citizen = choose(self.twin.models) if callable(choose) else choose
        self.status.value = replace(self.status.value, busy=(
            f"Replaying both runs to week {self.twin.week} to follow citizen {citizen}…"))
        with ENGINE_LOCK:
            self.twin.follow(citizen)

    def _show_followed(self) -> None:
        frames = self.twin.journeys()
        citizen = int(self.twin.followed[0].ids[0])
        with self.citizen_figure.batch_update():
            for k, frame in enumerate(frames):
                weeks = frame["week"].to_numpy() if len(frame) else np.zeros(0)
                wellbeing = frame["wellbeing"] if len(frame) else []
                owed = journey.debt(frame) / journey.PENCE if len(frame) else []
                self.citizen_figure.data[k].update(x=weeks, y=wellbeing)
                self.citizen_figure.data[2 + k].update(x=weeks, y=owed)
        table = (journey.timeline(frames, self._side_names()) if len(frames[0])
                 else None)
        self.followed.value = (citizen, table)

    def _side_names(self) -> tuple[str, str]:
        return SIDES

    # -- page -------------------------------------------------------------------------
    def reset(self, setup: Setup | None = None) -> None:
        self.player.pause()
        self.player.submit(lambda: self._build(setup or self.setup))

    def move_lever(self, side: int, name: str, value: float) -> None:
        """Before the first week a lever sets the run's start (rebuilt); later it is a
        dated change from the next week."""
        def apply() -> None:
            if self.twin.week == 0:
                current = self.setup.side(side)
                self._build(self.setup.with_side(side, replace(
                    current, levers={**current.levers, name: value})))
            else:
                self.twin.change_levers(side, {name: value})
        self.player.submit(apply)

    def follow(self, choose) -> None:
        self.player.submit(lambda: self._follow(choose))

    def clear_error(self) -> None:
        self.status.value = replace(self.status.value, error=None)

    def present(self, on: bool) -> None:
        self.presentation.value = on
        self.player.submit(lambda: self.panels.present(on))

    def open_report(self) -> None:
        """Build (or find, it is stored by content) the comparison report of the current
        settings on a thread of its own; the live run carries on."""
        import threading

        def build() -> None:
            from placesim import compare

            try:
                scenario, baseline, reform = self.twin.comparison_scenario()
                out = Path("results") / "compare" / (
                    f"ui-{scenario.digest()}-{baseline}-vs-{reform}")
                comparison = compare(scenario, baseline, reform,
                                     replicates=REPORT_REPLICATES, out=out)
                self.report.value = ReportState(False, "", comparison.write_report(out))
            except Exception as error:  # shown beside the button
                self.report.value = ReportState(False, f"No report: {explain(error)}")

        self.report.value = ReportState(True, f"Running {REPORT_REPLICATES} paired "
                                        "replicates of both sides for the report…")
        threading.Thread(target=lambda: _within(self.context, build), daemon=True).start()

    def weekly_table(self):
        with ENGINE_LOCK:
            return self.twin.weekly()

    def close(self) -> None:
        """Stop the run thread and let the models and figures go."""
        self.player.close()
        for figure in [*self.panels.figures(), self.citizen_figure]:
            figure.close()


def _within(context: object | None, action) -> None:
    if context is None:
        action()
    else:
        with context:
            action()


def _citizen_figure(weeks: int) -> go.FigureWidget:
    figure = go.FigureWidget()
    for k, side in enumerate(SIDES):
        figure.add_trace(go.Scatter(x=[], y=[], name=f"wellbeing, {side}",
                                    line={"color": PALETTE[k * 3], "width": 3}))
    for k, side in enumerate(SIDES):
        figure.add_trace(go.Scatter(x=[], y=[], name=f"debt, {side}", yaxis="y2",
                                    line={"color": PALETTE[k * 3], "width": 3, "dash": "dot"}))
    figure.update_layout(template="simple_white", height=300, title="Their week by week",
                         xaxis={"title": "week", "range": [0, max(weeks - 1, 1)]},
                         yaxis={"title": "wellbeing (0-10)",
                                                         "range": [0, 10.2]},
                         yaxis2={"title": "debt (GBP)", "overlaying": "y", "side": "right",
                                 "rangemode": "tozero"},
                         legend={"orientation": "h", "y": -0.25},
                         margin={"l": 60, "r": 60, "t": 40, "b": 40})
    return figure


CSS = """
.placesim-week { font-size: 2.2rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.placesim-number { font-size: 1.9rem; font-weight: 700; line-height: 1.2; }
.placesim-label { font-size: 0.95rem; color: #222; }
.placesim-side { font-size: 1.35rem; font-weight: 700; border-bottom: 4px solid #0072B2;
                 padding: 4px 0; }
.placesim-side.reform { border-color: #D55E00; }
.placesim-present { font-size: 22px; color: #000; }
.placesim-present .placesim-week { font-size: 3.4rem; }
.placesim-present .placesim-number { font-size: 3rem; }
.placesim-present .placesim-label { font-size: 1.4rem; color: #000; }
.placesim-present .placesim-side { font-size: 2rem; }
.placesim-present .v-btn { font-size: 1.2rem !important; }
.placesim-timeline { max-height: 480px; overflow-y: auto; }
.placesim-timeline table { border-collapse: collapse; width: 100%; }
.placesim-timeline th, .placesim-timeline td { border-bottom: 1px solid #ccc; padding: 4px 8px;
                                               vertical-align: top; text-align: left; }
.placesim-timeline th { position: sticky; top: 0; background: #fff; }
.placesim-present .placesim-timeline { font-size: 1.3rem; }
"""


@solara.component
def Controls(session: Session):
    status = session.status.value
    speed, set_speed = solara.use_state("5 weeks a second")

    def choose_speed(label: str) -> None:
        set_speed(label)
        session.player.speed = SPEEDS[label]

    solara.use_effect(lambda: choose_speed(speed), [])
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px"}):
        if status.playing:
            solara.Button("Pause", icon_name="mdi-pause", on_click=session.player.pause,
                          color="primary", classes=["placesim-pause"])
        else:
            solara.Button("Play", icon_name="mdi-play", color="primary",
                          on_click=session.player.play, classes=["placesim-play"],
                          disabled=status.week >= status.weeks or status.busy is not None)
        solara.Button("Step one week", icon_name="mdi-step-forward",
                      on_click=session.player.step_once, classes=["placesim-step"],
                      disabled=status.week >= status.weeks)
        solara.Button("Reset", icon_name="mdi-restart", on_click=lambda: session.reset(),
                      classes=["placesim-reset"])
        with solara.Column(style={"min-width": "220px"}):
            solara.Select("Speed", value=speed, values=list(SPEEDS), on_value=choose_speed)
        solara.Text(f"Week {status.week} of {status.weeks}",
                    classes=["placesim-week", "placesim-week-counter"])
        solara.Switch(label="Presentation mode", value=session.presentation.value,
                      on_value=session.present)
    if status.busy:
        solara.Info(status.busy)
    if status.error:
        with solara.Row(style={"align-items": "center"}):
            solara.Error(f"The run stopped: {status.error}", classes=["placesim-error"])
            solara.Button("Dismiss", on_click=session.clear_error)


def _money(value: float) -> str:
    sign = "−" if value < 0 else "+"
    return f"{sign}£{abs(value):,.0f}"


@solara.component
def DifferenceStrip(session: Session):
    found: Difference | None = session.numbers.value
    if found is None or not len(found.weeks):
        numbers = [("net public cost to date", "£0"), ("lives turned around", "0"),
                   ("fees charged to citizens", "£0"), ("cost of crises", "£0")]
    else:
        numbers = [("net public cost to date", _money(found.public_cost[-1])),
                   ("lives turned around", f"{found.turned_around[-1]:+,.0f}"),
                   ("fees charged to citizens", _money(found.fees_charged)),
                   ("cost of crises", _money(found.crisis_cost))]
    with solara.Card(style={"border": "3px solid #000"}):
        solara.Text("Reform minus baseline, same people, same lives (common random numbers)",
                    classes=["placesim-label"])
        with solara.Columns([1, 1, 1, 1]):
            for label, value in numbers:
                with solara.Column(gap="0px"):
                    solara.Text(value, classes=["placesim-number", "placesim-difference"])
                    solara.Text(label, classes=["placesim-label"])
        solara.display(session.panels.difference)


def _lever_label(name: str) -> str:
    field = LEVERS[name]
    return f"{name.replace('_', ' ').capitalize()} ({field.unit})"


def _slider_step(field) -> float:
    if field.kind is int:
        return 1
    return 0.05 if field.unit == "probability" else (field.high - field.low) / 100


@solara.component
def Levers(session: Session, side: int):
    decided = session.levers.value[side]
    with solara.Details(f"{SIDES[side].capitalize()} levers (from next week)"):
        solara.Text("A lever moved during a run takes effect from the next week, as a "
                    "dated change in a scenario does, and is marked on every chart.",
                    classes=["placesim-label"])
        for name, field in LEVERS.items():
            value = float(decided.get(name, field.default))
            slider = solara.SliderInt if field.kind is int else solara.SliderFloat
            with solara.Tooltip(f"{field.doc} Default {field.default:g}; "
                                f"{field.allowed()}."):
                with solara.Column(classes=[f"placesim-lever-{SIDES[side]}-{name}"]):
                    slider(_lever_label(name), value=field.kind(value), min=field.low,
                           max=field.high, step=_slider_step(field), thumb_label="always",
                           on_value=lambda v, n=name: session.move_lever(side, n, v))


@solara.component
def CheckedNumber(label: str, name: str, value: int, on_valid, message: str | None = None):
    """A whole number typed in; a value that is not allowed gets its reason beside it."""
    text, set_text = solara.use_state(str(value))
    error, set_error = solara.use_state(None)

    def typed(new: str) -> None:
        set_text(new)
        try:
            number: object = int(new.strip().replace(",", "").replace("_", ""))
        except ValueError:
            number = new
        why = check_place(name, number) if not isinstance(number, str) else (
            f"{new!r} is not a whole number")
        set_error(why)
        if why is None:
            on_valid(number)

    solara.InputText(label, value=text, on_value=typed, error=error or False,
                     message=message, classes=[f"placesim-input-{name}"])


@solara.component
def SetupPanel(session: Session):
    """The story, the two sides, the place they share: applied by Reset."""
    built = session.built.value
    draft, set_draft = solara.use_state(built)
    solara.use_effect(lambda: set_draft(built), [built])
    presets = available_presets(session.directory)
    files = {p.stem: p for p in scenario_files(session.directory)}
    changed = draft != built

    def choose_preset(name: str) -> None:
        preset = next(p for p in presets if p.name == name)
        set_draft(preset_setup(preset, session.directory, draft.citizens, draft.weeks,
                               draft.seed))

    _heading("The story")
    solara.Select("Preset", value=None, values=[p.name for p in presets],
                  on_value=choose_preset)
    for index, name in enumerate(SIDES):
        side = draft.side(index)
        regimes = list(load(side.scenario).regimes)

        def pick_file(stem: str, index: int = index) -> None:
            path = files[stem]
            current = draft.side(index)
            regime = current.regime if current.regime in load(path).regimes else "target"
            set_draft(draft.with_side(index, Side(path, regime)))

        solara.Select(f"{name.capitalize()} scenario", value=side.scenario.stem,
                      values=list(files), on_value=pick_file)
        solara.Select(f"{name.capitalize()} regime", value=side.regime, values=regimes,
                      on_value=lambda r, i=index: set_draft(draft.with_side(
                          i, replace(draft.side(i), regime=r, levers={}))))
    _heading("The place (both sides)")
    for name, spec in PLACE_FIELDS.items():
        CheckedNumber(f"{name.capitalize()} ({spec.unit})", name, getattr(draft, name),
                      lambda v, n=name: set_draft(replace(draft, **{n: v})),
                      message=spec.doc)
    if draft.switch_week is not None:
        CheckedNumber("Reform switches at week", "switch_week", draft.switch_week,
                      lambda v: set_draft(replace(draft, switch_week=v)))
    solara.Button("Reset to apply" if changed else "Reset", icon_name="mdi-restart",
                  color="warning" if changed else None,
                  on_click=lambda: session.reset(draft), classes=["placesim-apply"])
    _heading("Export")
    solara.FileDownload(lambda: csv_bytes(session.weekly_table()),
                        filename="placesim-weekly.csv", label="Weekly tables (CSV)",
                        mime_type="text/csv")
    solara.FileDownload(lambda: parquet_bytes(session.weekly_table()),
                        filename="placesim-weekly.parquet", label="Weekly tables (Parquet)")
    Report(session)


@solara.component
def Report(session: Session):
    """The policy-comparison report for the current settings (placesim compare)."""
    state: ReportState | None = session.report.value
    solara.Button("Comparison report", icon_name="mdi-file-chart",
                  on_click=session.open_report, classes=["placesim-report"],
                  disabled=state is not None and state.running)
    if state is None:
        return
    if state.message:
        solara.Text(state.message, classes=["placesim-label"])
    if state.path is not None:
        solara.FileDownload(state.path.read_bytes, filename="placesim-report.html",
                            label="Open the report (HTML)", mime_type="text/html")


def _heading(text: str, tag: str = "h3") -> None:
    solara.HTML(tag=tag, unsafe_innerHTML=html.escape(text), style="margin: 12px 0 4px")


def _timeline_html(table) -> str:
    rows = table.tail(TIMELINE_ROWS).iloc[::-1]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in rows.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in rows.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


@solara.component
def FollowCitizen(session: Session):
    followed = session.followed.value
    citizens = session.built.value.citizens
    chosen, set_chosen = solara.use_state(0)
    _heading("Follow one citizen", "h2")
    solara.Text("The same person under both regimes: their life events and every contact "
                "with the services, week by week.", classes=["placesim-label"])
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "8px"}):
        with solara.Column(style={"width": "260px"}):
            solara.InputText(f"Citizen id (0 to {citizens - 1:,})", value=str(chosen),
                             on_value=lambda t: set_chosen(t),
                             error=session.twin.citizen_problem(_as_int(chosen)) or False,
                             classes=["placesim-citizen-id"])
        solara.Button("Follow", on_click=lambda: session.follow(_as_int(chosen)),
                      disabled=session.twin.citizen_problem(_as_int(chosen)) is not None,
                      classes=["placesim-follow"])
        solara.Button("Whose life the regimes change most",
                      on_click=lambda: session.follow(journey.most_changed),
                      classes=["placesim-follow-most"])
        solara.Button("Someone typical", on_click=lambda: session.follow(journey.typical),
                      classes=["placesim-follow-typical"])
    if followed is None:
        return
    citizen, table = followed
    solara.Text(f"Following citizen {citizen:,}", classes=["placesim-side",
                                                           "placesim-followed"])
    solara.display(session.citizen_figure)
    if table is None or not len(table):
        solara.Text("Nothing has happened to them yet.")
    else:
        solara.Text(f"Weeks when something happened, latest first (last {TIMELINE_ROWS})",
                    classes=["placesim-label"])
        solara.HTML(unsafe_innerHTML=_timeline_html(table), classes=["placesim-timeline"])


def _as_int(value: object) -> object:
    try:
        return int(str(value).strip())
    except ValueError:
        return value


@solara.component
def TwinPanels(session: Session):
    with solara.Columns([1, 1]):
        for index, side in enumerate(session.built.value.sides()):
            with solara.Column():
                solara.Text(f"{SIDES[index].capitalize()}: {side.title()}",
                            classes=["placesim-side", SIDES[index]])
                Levers(session, index)
    for chart in CHARTS:
        with solara.Columns([1, 1]):
            for figure in session.panels.charts[chart.key]:
                solara.display(figure)
    with solara.Columns([1, 1]):
        for figure in session.panels.targets:
            solara.display(figure)


@solara.component
def Main(session: Session):
    """The page of one session."""
    exception, clear = solara.use_exception()
    presenting = session.presentation.value
    solara.Title("placesim: targets or learning")
    solara.Style(CSS)
    if exception is not None:
        solara.Error(f"Something went wrong on the page: {explain(exception)}")
        solara.Button("Carry on", on_click=clear)
        return
    if not presenting:
        with solara.Sidebar():
            SetupPanel(session)
    with solara.Column(classes=["placesim-present"] if presenting else []):
        Controls(session)
        DifferenceStrip(session)
        TwinPanels(session)
        FollowCitizen(session)


@solara.component
def Page():
    """A new session for each browser page, closed with it."""
    path = Path(os.environ.get(SCENARIO_ENV, "scenarios/default.toml"))
    session = solara.use_memo(
        lambda: Session(path.parent, starting_setup(path), _kernel_context()), [])
    solara.use_effect(lambda: session.close, [])
    Main(session)


def _kernel_context() -> object | None:
    """The session's kernel context, for the run's thread to talk to this page."""
    from solara.server import kernel_context

    return kernel_context.get_current_context() if kernel_context.has_current_context() \
        else None
