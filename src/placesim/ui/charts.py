"""What the room sees: plotly figures that grow week by week without being rebuilt.

Each chart reads columns of a model's weekly indicators (``PlaceModel`` reporters, see
``placesim.indicators`` and ``placesim.summary`` for their meanings) straight from Mesa's
DataCollector. A figure is a ``FigureWidget`` built once per session: a new week only
sends its traces' data to the browser. The same chart on both panels shares its y axis
range, so the two sides can be compared by eye; lever changes are drawn as marks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from placesim.engine.metrics import COST_METRICS, metric_name
from placesim.summary import SERVICE_LABELS
from placesim.treasury import Terms, weekly_ledger
from placesim.ui.twin import Mark

# Okabe-Ito: distinguishable with the common colour-vision deficiencies and on a projector
# (extended with three muted tones for charts of up to ten series)
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#882255", "#44AA99", "#999999")
MARK_COLOUR = "#6a1b9a"


@dataclass(frozen=True)
class Line:
    column: str
    label: str


@dataclass(frozen=True)
class Chart:
    """One chart of a panel: columns drawn as lines, or stacked ("total counts")."""

    key: str
    title: str
    unit: str
    lines: tuple[Line, ...]
    stacked: bool = False
    from_zero: bool = True

    def top(self, columns: dict[str, Sequence[float]]) -> tuple[float, float]:
        """The range of what is drawn (stacked: of the totals)."""
        values = np.array([columns[line.column] for line in self.lines], dtype=np.float64)
        if not values.size:
            return 0.0, 1.0
        drawn = values.sum(axis=0) if self.stacked else values
        return float(drawn.min()), float(drawn.max())


_AGENCIES = {"cost_revenues": "council revenues", "cost_courts": "courts",
             "cost_benefits": "benefits", "cost_relational": "relational team",
             "cost_housing": "housing", "cost_health": "health",
             "cost_social_care": "social care", "cost_vcs": "voluntary sector",
             "cost_police": "police"}

CHARTS: tuple[Chart, ...] = (
    Chart("spend", "Public spend by agency (total counts)", "GBP a week",
          tuple(Line(metric_name(m), _AGENCIES[metric_name(m)]) for m in COST_METRICS)
          + (Line("cost_recruitment", "recruiting leavers' replacements"),), stacked=True),
    Chart("revenue", "Council tax collected and fees charged to citizens", "GBP a week",
          (Line("ct_paid", "council tax collected"),
           Line("fees_charged", "court costs and agent fees charged"))),
    Chart("arrears", "What people owe", "GBP",
          (Line("ct_arrears_total", "council tax (with court costs)"),
           Line("ea_fees_owed_total", "enforcement fees"),
           Line("rent_arrears_total", "rent arrears"),
           Line("other_debt_total", "other debt")), stacked=True),
    Chart("crises", "Crises by type", "a week",
          (Line("evictions", "evictions"), Line("ae_attendances", "A&E attendances"),
           Line("mh_crises", "mental-health crises"),
           Line("care_entries", "children taken into care"),
           Line("police_callouts", "police call-outs")), stacked=True),
    Chart("wellbeing", "Wellbeing", "mean score, 0-10",
          (Line("mean_wellbeing", "mean wellbeing"),), from_zero=False),
    Chart("failure", "Failure demand", "share of contacts",
          (Line("failure_demand_share", "failure demand"),)),
)

# Each target as the service reports it and as it really was (the Goodhart gap).
TARGETS: tuple[tuple[str, str, str], ...] = (
    ("Benefits on time", "reported_on_time_share", "real_on_time_share"),
    *((label.capitalize().replace("Voluntary sector", "Voluntary"),
       f"{s.name.lower()}_reported_resolution", f"{s.name.lower()}_real_resolution")
      for s, label in SERVICE_LABELS.items()),
)
TARGET_COLUMNS = tuple(c for _, reported, real in TARGETS for c in (reported, real))


def _style(figure: go.FigureWidget, presentation: bool, height: int) -> None:
    size = 20 if presentation else 13
    top = 60 + (30 if figure.layout.annotations else 0) + (20 if presentation else 0)
    figure.update_layout(
        template="simple_white", height=int(height * (1.35 if presentation else 1.0)),
        font={"size": size, "color": "#000000"},
        margin={"l": 70, "r": 20, "t": top, "b": 100 if presentation else 70},
        # below the x axis's title, however large the type
        legend={"orientation": "h", "yanchor": "top", "y": -0.3 if presentation else -0.22,
                "font": {"size": size - 2}},
        title={"font": {"size": size + 3}}, hovermode="x unified")
    figure.update_traces(line={"width": 4 if presentation else 2})


def chart_figure(chart: Chart, weeks: int, presentation: bool) -> go.FigureWidget:
    """An empty figure for ``chart``, its x axis the whole run."""
    figure = go.FigureWidget()
    for k, line in enumerate(chart.lines):
        colour = PALETTE[k % len(PALETTE)]
        figure.add_trace(go.Scatter(
            x=[], y=[], name=line.label, mode="lines", line={"color": colour},
            stackgroup="total" if chart.stacked else None,
            fillcolor=colour if chart.stacked else None))
    figure.update_layout(title={"text": f"{chart.title} <span style='font-size:70%'>"
                                        f"({chart.unit})</span>"},
                         xaxis={"title": "week", "range": [0, max(weeks - 1, 1)]},
                         yaxis={"title": chart.unit},
                         showlegend=len(chart.lines) > 1)
    _style(figure, presentation, 330)
    return figure


def targets_figure(weeks: int, presentation: bool) -> go.FigureWidget:
    """Each target reported (dashed) against real (solid), the gap shaded."""
    figure = go.FigureWidget(make_subplots(rows=1, cols=len(TARGETS), shared_yaxes=True,
                                           subplot_titles=[t for t, _, _ in TARGETS],
                                           horizontal_spacing=0.025))
    for k, _ in enumerate(TARGETS):
        for which, dash in (("reported", "dash"), ("real", "solid")):
            figure.add_trace(go.Scatter(
                x=[], y=[], mode="lines", name=which, legendgroup=which, showlegend=k == 0,
                line={"color": PALETTE[3] if which == "reported" else PALETTE[0],
                      "dash": dash},
                fill="tonexty" if which == "real" else None,
                fillcolor="rgba(213,94,0,0.18)"), row=1, col=k + 1)
        figure.update_xaxes(range=[0, max(weeks - 1, 1)], row=1, col=k + 1)
    figure.update_yaxes(range=[0, 1.05], tickformat=".0%")
    figure.update_layout(title={"text": "Targets: as reported (dashed) and as they really "
                                        "were (solid) <span style='font-size:70%'>(share "
                                        "resolved or on time, a week)</span>"})
    _style(figure, presentation, 300)
    figure.update_annotations(font={"size": 18 if presentation else 12})
    return figure


def difference_figure(weeks: int, presentation: bool) -> go.FigureWidget:
    """Reform minus baseline, as it accumulates."""
    figure = go.FigureWidget(make_subplots(specs=[[{"secondary_y": True}]]))
    figure.add_trace(go.Scatter(x=[], y=[], name="net public cost to date (GBP)",
                                line={"color": PALETTE[0]}), secondary_y=False)
    figure.add_trace(go.Scatter(x=[], y=[], name="lives turned around (people)",
                                line={"color": PALETTE[2], "dash": "dash"}), secondary_y=True)
    figure.update_layout(title={"text": "Reform minus baseline"},
                         xaxis={"title": "week", "range": [0, max(weeks - 1, 1)]})
    figure.update_yaxes(title_text="GBP", secondary_y=False, zeroline=True,
                        zerolinewidth=2, zerolinecolor="#000000")
    figure.update_yaxes(title_text="people", secondary_y=True, zeroline=False)
    _style(figure, presentation, 300)
    return figure


@dataclass(frozen=True)
class Difference:
    """The difference strip's numbers: reform minus baseline over the weeks both ran."""

    weeks: np.ndarray
    public_cost: np.ndarray  # net cost to the public purse, cumulative, GBP
    turned_around: np.ndarray  # people
    fees_charged: float  # cumulative, GBP
    crisis_cost: float  # cumulative, GBP


def difference(sides: tuple[dict, dict], terms: tuple[Terms, Terms]) -> Difference:
    """The strip's numbers; public cost as the comparison report counts it (the net cost
    to the public purse: resource costs and transfers out, less revenue collected)."""
    n = min(len(side["spend_total"]) for side in sides)

    def delta(column: str) -> np.ndarray:
        base, reform = (np.asarray(side[column][:n], dtype=np.float64) for side in sides)
        return reform - base

    base, reform = (weekly_ledger(pd.DataFrame({k: v[:n] for k, v in side.items()}),
                                  side_terms)["net_public_cost"].to_numpy()
                    for side, side_terms in zip(sides, terms, strict=True))
    return Difference(np.arange(n), np.cumsum(reform - base), delta("turned_around"),
                      float(delta("fees_charged").sum()), float(delta("crisis_cost_total").sum()))


class Panels:
    """Every figure of both panels and the difference strip, updated in place."""

    def __init__(self, weeks: int, presentation: bool):
        self.charts = {chart.key: tuple(chart_figure(chart, weeks, presentation)
                                        for _ in range(2)) for chart in CHARTS}
        self.targets = tuple(targets_figure(weeks, presentation) for _ in range(2))
        self.difference = difference_figure(weeks, presentation)
        self._annotations = {id(f): tuple(f.layout.annotations) for f in self.figures()}
        self._marks: list[Mark] = []

    def figures(self) -> list[go.FigureWidget]:
        return [f for pair in self.charts.values() for f in pair] + [*self.targets,
                                                                       self.difference]

    def update(self, sides: tuple[dict, dict], marks: list[Mark],
               terms: tuple[Terms, Terms]) -> Difference:
        """Send the weeks not yet drawn (and new marks) to the browser."""
        for chart in CHARTS:
            low, high = zip(*(chart.top(side) for side in sides), strict=True)
            span = (min(low) if not chart.from_zero else 0.0, max(high))
            pad = 0.06 * (span[1] - span[0]) or 1.0
            for figure, side in zip(self.charts[chart.key], sides, strict=True):
                weeks = np.arange(len(side[chart.lines[0].column]))
                with figure.batch_update():
                    for trace, line in zip(figure.data, chart.lines, strict=True):
                        trace.x, trace.y = weeks, np.asarray(side[line.column])
                    figure.layout.yaxis.range = [span[0] - (pad if not chart.from_zero
                                                            else 0.0), span[1] + pad]
        for figure, side in zip(self.targets, sides, strict=True):
            weeks = np.arange(len(side[TARGET_COLUMNS[0]]))
            with figure.batch_update():
                for trace, column in zip(figure.data, TARGET_COLUMNS, strict=True):
                    trace.x, trace.y = weeks, np.asarray(side[column])
        found = difference(sides, terms)
        with self.difference.batch_update():
            self.difference.data[0].x, self.difference.data[0].y = found.weeks, found.public_cost
            self.difference.data[1].x, self.difference.data[1].y = (found.weeks,
                                                                    found.turned_around)
        if marks != self._marks:
            self._draw_marks(marks)
        return found

    def _draw_marks(self, marks: list[Mark]) -> None:
        self._marks = list(marks)
        for side in range(2):
            mine = [m for m in marks if m.side == side]
            for figure in [pair[side] for pair in self.charts.values()] + [self.targets[side]]:
                self._mark(figure, mine)
        self._mark(self.difference, marks)

    def _mark(self, figure: go.FigureWidget, marks: list[Mark]) -> None:
        axes = [a.plotly_name.replace("axis", "") for a in figure.select_xaxes()]
        shapes = [{"type": "line", "xref": axis, "yref": "paper", "x0": m.week - 0.5,
                   "x1": m.week - 0.5, "y0": 0, "y1": 1,
                   "line": {"color": MARK_COLOUR, "width": 2, "dash": "dot"}}
                  for m in marks for axis in axes]
        notes = [{"xref": axes[0], "yref": "paper", "x": m.week - 0.5, "y": 1.0,
                  "text": f"wk {m.week}: {m.text}", "showarrow": False, "xanchor": "left",
                  "yanchor": "top", "font": {"color": MARK_COLOUR},
                  "bgcolor": "rgba(255,255,255,0.8)"} for m in marks]
        with figure.batch_update():
            figure.layout.shapes = shapes
            figure.layout.annotations = [*self._annotations[id(figure)], *notes]

    def reset(self, weeks: int) -> None:
        """A new run: the whole run on the x axes, no marks (data follows at the next
        update)."""
        self._marks = []
        for figure in self.figures():
            with figure.batch_update():
                figure.update_xaxes(range=[0, max(weeks - 1, 1)])
                figure.layout.shapes = []
                figure.layout.annotations = self._annotations[id(figure)]

    def present(self, presentation: bool) -> None:
        """Large type and thick lines for the back of a room, or back."""
        short = {id(f) for f in (*self.targets, self.difference)}
        for figure in self.figures():
            with figure.batch_update():
                _style(figure, presentation, 300 if id(figure) in short else 330)
