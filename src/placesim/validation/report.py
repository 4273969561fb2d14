"""The validation report: targets against the model, plots, and what carries the result.

Writes a Markdown page and its PNG figures into one directory. Every number on the page
comes from the run that writes it; the prose around a target that the model misses is
only printed when it is missed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, StrMethodFormatter

from placesim import __version__
from placesim.atomic import save_figure, write_text
from placesim.comparison.statistics import CONFIDENCE, interval
from placesim.treasury import DEFAULT_HORIZON_YEARS as HORIZON
from placesim.validation.targets import paired

# (column, title, axis label, where the value can lie)
SERIES = (("ct_arrears", "Council tax owed, with fees", "GBP per household", (0, math.inf)),
          ("fees_charged", "Court costs and agent fees charged, since the flag",
           "GBP per household", (0, math.inf)),
          ("weekly_income", "Weekly income: earnings and benefits",
           "GBP a week per household", (0, math.inf)),
          ("wellbeing", "Wellbeing", "score, 0 to 10", (0, 10)))
PAIRED = (("pv_net_public_cost", f"Net cost to the public purse, {HORIZON} years"),
          ("debt_at_end", "Debt at the end"), ("fees", "Fees charged"))
ARMS = (("reached_enforcement", "reached enforcement (share)"),
        ("fees", "fees charged (GBP)"), ("debt_at_end", "debt at the end (GBP)"),
        ("benefits_right_at_end", "benefits right at the end (share)"),
        ("turned_around", "turned around (share)"),
        ("paying_at_end", "paying again (share)"),
        ("income_at_end", "weekly income at the end (GBP)"),
        ("wellbeing_at_end", "wellbeing at the end (0-10)"))
COSTS = (("public_cost", "public spend on the household, follow-up (GBP)"),
         ("team_overhead", "+ the team's management, per case taken (GBP)"),
         ("benefits_paid", "+ cash benefits paid, follow-up (GBP, a transfer)"),
         ("ct_collected", "− council tax and court costs collected, follow-up (GBP)"),
         ("net_public_cost", "= net cost to the public purse, follow-up (GBP)"),
         ("committed_cost", "committed at the end: remaining stays in temporary "
          "accommodation or care, undiscounted (GBP)"),
         ("pv_net_public_cost", f"net cost to the public purse over {HORIZON} years: "
          "follow-up and committed stays, discounted (GBP)"))
TAIL = 0.01  # histograms show the middle 98% of households; the rest are counted
MAX_BINS = 100


def plot_trajectories(weekly: pd.DataFrame, arms: Mapping[str, str], path: Path) -> None:
    """Cohort means per week, each arm's mean across replicates with its 95% band (kept
    inside what the quantity can be: money at least zero, wellbeing 0 to 10)."""
    figure = Figure(figsize=(11, 7))
    axes = figure.subplots(2, 2, sharex=True)
    for ax, (column, title, unit, bounds) in zip(axes.ravel(), SERIES, strict=True):
        for arm, label in arms.items():
            table = weekly[weekly["arm"] == arm].pivot(index="week", columns="seed",
                                                        values=column)
            bands = np.array([interval(row, *bounds) for row in table.to_numpy()])
            ax.plot(table.index, bands[:, 0], label=label)
            ax.fill_between(table.index, bands[:, 1], bands[:, 2], alpha=0.25)
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(unit, fontsize=9)
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("weeks since the arrears flag")
    axes[0, 0].legend()
    figure.suptitle("The cohort under each arm (mean of households; band: 95% across "
                    "replicates)", fontsize=11)
    save_figure(figure, path)


def middle_histogram(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The middle 98% of ``values`` and the edges of its histogram's bins: as wide as
    the Freedman-Diaconis rule gives, but at most ``MAX_BINS`` across the whole middle
    (a spike of equal values, such as households no arm changed, makes that rule's bins
    very narrow)."""
    low, high = np.quantile(values, [TAIL, 1 - TAIL])
    inside = values[(values >= low) & (values <= high)]
    if high <= low:
        return inside, np.array([low - 0.5, high + 0.5])
    bins = len(np.histogram_bin_edges(inside, bins="fd")) - 1
    return inside, np.linspace(low, high, min(bins, MAX_BINS) + 1)


def plot_paired(differences: pd.DataFrame, path: Path) -> None:
    """Per-household differences, relational team minus targets (common random numbers):
    a histogram of the middle 98% of households (bins by the Freedman-Diaconis rule; the
    households beyond are counted in the legend), the mean difference and its 95%
    interval across replicates."""
    figure = Figure(figsize=(13, 3.8))
    axes = figure.subplots(1, 3)
    for ax, (column, title) in zip(axes, PAIRED, strict=True):
        values = differences[column].to_numpy(dtype=float)
        inside, edges = middle_histogram(values)
        ax.hist(inside, bins=edges, color="tab:blue", alpha=0.8)
        mean, lower, upper = interval(differences.groupby("seed")[column].mean().to_numpy())
        ax.axvline(0, color="black", lw=0.8)
        if not math.isnan(lower):
            ax.axvspan(lower, upper, color="tab:red", alpha=0.2)
        beyond = len(values) - len(inside)
        ax.axvline(mean, color="tab:red", lw=1.2, label=(
            f"mean {mean:,.0f} [95%: {_number(lower, 'GBP')} to {_number(upper, 'GBP')}]"
            + (f"\n{beyond} households beyond the axis" if beyond else "")))
        ax.set_title(title, fontsize=10)
        ax.xaxis.set_major_locator(MaxNLocator(5))  # wide GBP labels must not overlap
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        ax.tick_params(labelsize=8)
        ax.set_xlabel("relational team minus targets, GBP per household", fontsize=9)
        ax.set_ylabel("households (all replicates)", fontsize=9)
        ax.legend(fontsize=8)
    figure.suptitle("The same household in both arms: relational team minus targets",
                    fontsize=11)
    figure.tight_layout()
    save_figure(figure, path)


def _number(value: float, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if unit == "GBP":
        return f"{value:,.0f}"
    if unit in ("weeks", "ratio"):
        return f"{value:.2f}"
    return f"{value:.2f}"


VERDICTS = {"in": "yes", "unclear": "unclear: the interval crosses the band's edge",
            "out": "**no**"}


def targets_table(evaluation: pd.DataFrame) -> str:
    lines = ["| pattern | label | source (confidence) | band | model, mean [95% interval] | "
             "in band (judged on the interval) |", "|---|---|---|---|---|---|"]
    for row in evaluation.itertuples():
        label = "story value" if "story" in row.source else row.source
        unit = row.unit
        band = f"{_number(row.band_low, unit)} to {_number(row.band_high, unit)}"
        model = (f"{_number(row.model, unit)} [{_number(row.ci_low, unit)}, "
                 f"{_number(row.ci_high, unit)}]")
        lines.append(f"| {row.pattern} ({row.arm}) | {row.label} | {label} "
                     f"({row.confidence}) | {band} | {model} | {VERDICTS[row.verdict]} |")
    return "\n".join(lines)


def arms_table(outcomes: pd.DataFrame, arms: Mapping[str, str],
               columns: Sequence[tuple[str, str]] = ARMS) -> str:
    """Both arms side by side, with the paired difference and its interval."""
    control, treatment = list(arms)
    differences = paired(outcomes, control, treatment)
    header = (f"| outcome, mean per household | {arms[control]} | {arms[treatment]} | "
              "difference [95% interval] |")
    lines = [header, "|---|---:|---:|---:|"]
    for column, label in columns:
        means = [outcomes[outcomes["arm"] == a][column].astype(float).mean() for a in arms]
        by_seed = differences.groupby("seed")[column].mean().to_numpy()
        mean, low, high = interval(by_seed)
        lines.append(f"| {label} | {means[0]:,.2f} | {means[1]:,.2f} | {mean:,.2f} "
                     f"[{low:,.2f}, {high:,.2f}] |")
    return "\n".join(lines)


def write_report(out: Path, text: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "gateshead.md"
    write_text(path, text)
    return path


def version_line(replicates: int, households: int, command: str) -> str:
    return (f"Generated by placesim {__version__} with `{command}`: {replicates} replicates "
            f"of {households} households per arm; intervals are {CONFIDENCE:.0%} "
            "t-intervals across replicates (independent seeds).")
