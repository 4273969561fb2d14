"""The comparison report's figures: every one with units, labels and its uncertainty.

Figures are drawn on matplotlib ``Figure`` objects (no pyplot state, no display) and
returned, so the report can inline them as SVG and also write them beside it.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from placesim.comparison.tables import WINNERS, Comparison

BASELINE_COLOUR = "#0072B2"  # Okabe-Ito blue
REFORM_COLOUR = "#D55E00"  # Okabe-Ito vermillion
BETTER, SAME, WORSE = "#009E73", "#BBBBBB", "#CC79A7"
SIGNAL = "#E69F00"


def money(value: float, _position: object = None) -> str:
    """£ with a k or m suffix, for axes."""
    size = abs(value)
    if size >= 1e6:
        return f"£{value / 1e6:,.1f}m"
    if size >= 1e4:
        return f"£{value / 1e3:,.0f}k"
    return f"£{value:,.0f}"


MONEY = FuncFormatter(money)


def _figure(width: float, height: float, left: float = 0.75, right: float = 0.2,
            bottom: float = 0.6, top: float = 0.45, wspace: float = 0.25) -> Figure:
    """A white figure with fixed margins in inches: half the drawing time of a layout
    engine, which draws each figure twice to measure it."""
    figure = Figure(figsize=(width, height))
    figure.set_facecolor("white")
    figure.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height,
                           top=1 - top / height, wspace=wspace)
    return figure


def _wrapped(labels: pd.Series, width: int = 34) -> list[str]:
    return [textwrap.fill(str(label), width) for label in labels]


def _errors(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Distances from the mean to the interval's ends, for error bars (none when the
    interval is missing)."""
    low = (frame[column] - frame[f"{column}_low"]).fillna(0).clip(lower=0)
    high = (frame[f"{column}_high"] - frame[column]).fillna(0).clip(lower=0)
    return np.vstack([low.to_numpy(), high.to_numpy()])


def differences_by(comparison: Comparison, keys: tuple[str, ...], title: str,
                   xlabel: str, money_axis: bool = True) -> Figure:
    """Horizontal bars of reform minus baseline, one per indicator, with 95% intervals."""
    rows = comparison.differences.set_index("indicator").loc[list(keys)].reset_index()
    rows = rows.iloc[::-1]
    figure = _figure(10, 0.5 * len(rows) + 1.3, left=2.9)
    axes = figure.subplots()
    colours = [REFORM_COLOUR if d > 0 else BASELINE_COLOUR for d in rows["difference"]]
    axes.barh(_wrapped(rows["label"]), rows["difference"], xerr=_errors(rows, "difference"),
              color=colours, ecolor="#333333", capsize=3)
    axes.axvline(0, color="#333333", linewidth=0.8)
    axes.set_title(title, loc="left")
    axes.set_xlabel(xlabel)
    if money_axis:
        axes.xaxis.set_major_formatter(MONEY)
    axes.grid(axis="x", alpha=0.3)
    return figure


def relative_differences(comparison: Comparison, keys: tuple[str, ...], title: str
                         ) -> Figure:
    """Each indicator's paired difference as a share of its baseline, with intervals:
    outcomes in different units on one axis."""
    rows = comparison.differences.set_index("indicator").loc[list(keys)].reset_index()
    rows = rows[rows["baseline"].abs() > 0].iloc[::-1]
    base = rows["baseline"].abs()
    relative = rows["difference"] / base
    errors = _errors(rows, "difference") / base.to_numpy()
    figure = _figure(10, 0.5 * len(rows) + 1.3, left=2.9)
    axes = figure.subplots()
    axes.errorbar(relative, _wrapped(rows["label"]), xerr=errors, fmt="o", color=REFORM_COLOUR,
                  ecolor="#333333", capsize=3)
    axes.axvline(0, color="#333333", linewidth=0.8)
    axes.xaxis.set_major_formatter(PercentFormatter(1.0))
    axes.set_title(title, loc="left")
    axes.set_xlabel(f"{comparison.reform} minus {comparison.baseline}, as a share of "
                    f"{comparison.baseline} (95% interval across replicates)")
    axes.grid(axis="x", alpha=0.3)
    return figure


def deciles(comparison: Comparison) -> Figure:
    """Mean difference per person by income decile, one panel per outcome."""
    figure = _figure(12, 3.8, left=0.9, top=0.6, wspace=0.45)
    panels = figure.subplots(1, len(WINNERS))
    for axes, outcome in zip(panels, WINNERS, strict=True):
        rows = comparison.deciles[comparison.deciles.outcome == outcome.column]
        colours = [BETTER if (d < 0) == outcome.lower_is_better else WORSE
                   for d in rows["difference"]]
        axes.bar(rows["decile"], rows["difference"], yerr=_errors(rows, "difference"),
                 color=colours, ecolor="#333333", capsize=2)
        axes.axhline(0, color="#333333", linewidth=0.8)
        axes.set_xticks(range(1, 11))
        axes.set_xlabel("income decile at the start (1 = poorest)")
        axes.set_ylabel(f"{comparison.reform} minus {comparison.baseline} "
                        f"({'GBP' if outcome.unit == 'GBP' else outcome.unit})")
        if outcome.unit == "GBP":
            axes.yaxis.set_major_formatter(MONEY)
        axes.set_title(f"{outcome.label}\n(mean per person)", loc="left", fontsize=10)
        axes.grid(axis="y", alpha=0.3)
    return figure


def winners(comparison: Comparison) -> Figure:
    """Share of people better off, the same and worse off under the reform, by decile."""
    figure = _figure(12, 3.8, top=0.4, wspace=0.08)
    panels = figure.subplots(1, len(WINNERS), sharey=True)
    for axes, outcome in zip(panels, WINNERS, strict=True):
        rows = comparison.winners[comparison.winners.outcome == outcome.column]
        bottom = np.zeros(len(rows))
        for column, colour, label in (("better", BETTER, "better off"),
                                      ("same", SAME, "the same"),
                                      ("worse", WORSE, "worse off")):
            values = rows[column].to_numpy()
            axes.bar(rows["decile"], values, bottom=bottom, color=colour, label=label)
            bottom = bottom + values
        better_top = rows["better"].to_numpy()
        axes.errorbar(rows["decile"], better_top, yerr=_errors(rows, "better"), fmt="none",
                      ecolor="#333333", capsize=2)
        axes.set_xticks(range(1, 11))
        axes.set_xlabel("income decile at the start (1 = poorest)")
        axes.yaxis.set_major_formatter(PercentFormatter(1.0))
        axes.set_title(outcome.label, loc="left", fontsize=10)
    panels[0].set_ylabel("share of people in the decile")
    panels[-1].legend(loc="lower right", fontsize=8, framealpha=0.9)
    return figure


def reported_vs_real(comparison: Comparison) -> Figure:
    """Each target as reported and as it really was, both regimes, with intervals."""
    table = comparison.reported_vs_real()
    targets = list(dict.fromkeys(table["target"]))
    figure = _figure(12, 0.7 * len(targets) + 1.4, left=2.6, wspace=0.06)
    panels = figure.subplots(1, 2, sharey=True)
    for axes, regime in zip(panels, (comparison.baseline, comparison.reform), strict=True):
        rows = table[table.regime == regime].set_index("target").loc[targets]
        y = np.arange(len(targets))
        axes.barh(y + 0.2, rows["reported"], height=0.4, xerr=_errors(rows, "reported"),
                  color="#999999", label="as reported", capsize=2)
        axes.barh(y - 0.2, rows["real"], height=0.4, xerr=_errors(rows, "real"),
                  color=BASELINE_COLOUR if regime == comparison.baseline else REFORM_COLOUR,
                  label="as it really was", capsize=2)
        axes.set_yticks(y, targets)
        axes.set_xlim(0, 1.05)
        axes.xaxis.set_major_formatter(PercentFormatter(1.0))
        axes.set_xlabel("share (95% interval across replicates)")
        axes.set_title(regime, loc="left")
        axes.legend(loc="lower right", fontsize=8)
    panels[0].invert_yaxis()  # the axis is shared: the first target on top, once
    return figure


def xmr(comparison: Comparison, series: str) -> Figure:
    """An individuals (XmR) chart of one weekly series under each regime: the values of
    the first replicate, the centre line, natural process limits and the points beyond."""
    rows = comparison.xmr[comparison.xmr.series == series]
    label, unit = rows["label"].iloc[0], rows["unit"].iloc[0]
    figure = _figure(12, 3.0, left=0.85, wspace=0.06)
    panels = figure.subplots(1, 2, sharey=True)
    for axes, regime, colour in zip(panels, (comparison.baseline, comparison.reform),
                                    (BASELINE_COLOUR, REFORM_COLOUR), strict=True):
        r = rows[rows.regime == regime]
        axes.plot(r["week"], r["value"], color=colour, linewidth=1, marker=".",
                  markersize=3)
        beyond = r[r["beyond"]]
        axes.plot(beyond["week"], beyond["value"], linestyle="none", marker="o",
                  markersize=5, markerfacecolor="none", markeredgecolor=SIGNAL,
                  label=f"beyond the limits ({len(beyond)} weeks)")
        axes.axhline(r["centre"].iloc[0], color="#333333", linewidth=0.8, label="mean")
        for limit in ("lower", "upper"):
            axes.axhline(r[limit].iloc[0], color="#333333", linewidth=0.8,
                         linestyle="--")
        axes.set_title(f"{label}: {regime}", loc="left", fontsize=10)
        axes.set_xlabel("week")
        axes.set_ylabel(unit)
        if unit.startswith("GBP"):
            axes.yaxis.set_major_formatter(MONEY)
        axes.legend(loc="upper left", fontsize=7)
    return figure


def demand(comparison: Comparison) -> Figure:
    """Contacts with services by kind, value and failure demand, each regime."""
    d = comparison.differences.set_index("indicator")
    figure = _figure(10, 2.4, left=1.0)
    axes = figure.subplots()
    regimes = [comparison.baseline, comparison.reform]
    failure = [d.loc["failure_contacts", side] for side in ("baseline", "reform")]
    total = [d.loc["contacts", side] for side in ("baseline", "reform")]
    value = [t - f for t, f in zip(total, failure, strict=True)]
    axes.barh(regimes, value, color="#56B4E9", label="value demand")
    axes.barh(regimes, failure, left=value, color=WORSE, label="failure demand")
    errors = [[d.loc["contacts", "baseline"] - d.loc["contacts", "baseline_low"],
               d.loc["contacts", "reform"] - d.loc["contacts", "reform_low"]],
              [d.loc["contacts", "baseline_high"] - d.loc["contacts", "baseline"],
               d.loc["contacts", "reform_high"] - d.loc["contacts", "reform"]]]
    axes.errorbar(total, regimes, xerr=np.nan_to_num(errors), fmt="none",
                  ecolor="#333333", capsize=3)
    axes.invert_yaxis()
    axes.set_xlabel("contacts with services over the run (mean; 95% interval of the total)")
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    axes.legend(loc="lower right", fontsize=8)
    return figure


def journey(comparison: Comparison, role: str) -> Figure:
    """One citizen's wellbeing and debt week by week under both regimes."""
    rows = comparison.journeys[comparison.journeys.role == role]
    figure = _figure(12, 2.8, left=0.6, top=0.5, wspace=0.22)
    left, right = figure.subplots(1, 2)
    for regime, colour in ((comparison.baseline, BASELINE_COLOUR),
                           (comparison.reform, REFORM_COLOUR)):
        r = rows[rows.regime == regime]
        left.plot(r["week"], r["wellbeing"], color=colour, label=regime)
        right.plot(r["week"], r["debt"], color=colour, label=regime)
    left.set_ylabel("wellbeing (0-10)")
    left.set_ylim(0, 10)
    right.set_ylabel("debt (GBP)")
    right.yaxis.set_major_formatter(MONEY)
    for axes in (left, right):
        axes.set_xlabel("week")
        axes.grid(alpha=0.3)
        axes.legend(fontsize=8)
    citizen = int(rows["citizen"].iloc[0]) if len(rows) else -1
    figure.suptitle(f"Citizen {citizen} ({role}), one replicate", x=0.01,
                    horizontalalignment="left", fontsize=10)
    return figure
