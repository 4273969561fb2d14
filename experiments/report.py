"""Tables and figures of the shipped experiments, for docs/experiments.md.

    placesim sweep experiments/caseload_and_gate.toml --workers 2
    placesim sweep experiments/enforcement_across_regimes.toml --workers 2
    placesim sweep experiments/what_drives_learning_cost.toml --workers 2
    python experiments/report.py            # writes docs/experiments/*.md and *.png

Each cell, and each point of a figure, is the mean over replicates with (the half-width
of) its 95% t-interval; the replicates share their seeds across design points (common
random numbers), so differences between cells come from the parameters, not from
different luck.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from placesim.atomic import save_figure, write_text
from placesim.experiments import read_results, sensitivity
from placesim.summary import SUMMARY_LABELS

# output: (name, cell format, scale, axis unit)
OUTPUTS = {"spend_total": ("public spend, 3 years", "£{:,.0f}k", 1e-3, "£ thousand"),
           "crisis_cost": ("crisis cost", "£{:,.0f}k", 1e-3, "£ thousand"),
           "ct_paid": ("council tax collected", "£{:,.0f}k", 1e-3, "£ thousand"),
           "fees_charged": ("fees charged to citizens", "£{:,.0f}k", 1e-3, "£ thousand"),
           "ea_referrals": ("cases sent to bailiffs", "{:,.0f}", 1.0, "cases"),
           "turned_around_end": ("lives turned around", "{:,.0f}", 1.0, "people"),
           "wellbeing_end": ("mean wellbeing (0-10)", "{:.3f}", 1.0, "score, 0 to 10"),
           "evictions": ("evictions", "{:,.0f}", 1.0, "households")}


def mean_and_halfwidth(values: pd.Series) -> tuple[float, float]:
    n = len(values)
    if n < 2:
        return float(values.mean()), float("nan")
    half = stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / np.sqrt(n)
    return float(values.mean()), float(half)


def axis_label(output: str) -> str:
    name, _, _, unit = OUTPUTS[output]
    return name if "(" in name else f"{name} ({unit})"


def cell(values: pd.Series, output: str) -> str:
    _, fmt, scale, _ = OUTPUTS[output]
    mean, half = mean_and_halfwidth(values * scale)
    text = fmt.format(mean)
    return text if np.isnan(half) else f"{text} ± {fmt.format(half).lstrip('£')}"


def points(ax, frame: pd.DataFrame, by: str, output: str, series: int = 0, **style) -> None:
    """Each value of ``by``: the mean over replicates with its 95% interval, as in the
    tables beside the figures; no interval below zero (every output here is a total, a
    count or a score from 0 to 10). Series are set a little apart so their bars show."""
    scale = OUTPUTS[output][2]
    summary = frame.groupby(by)[output].apply(lambda v: mean_and_halfwidth(v * scale))
    means = np.array([m for m, _ in summary])
    halves = np.array([0.0 if np.isnan(h) else h for _, h in summary])
    top = 10.0 if output == "wellbeing_end" else np.inf
    x = summary.index.to_numpy(dtype=float)
    x = x + series * 0.012 * (np.ptp(x) or 1.0)
    ax.errorbar(x, means, yerr=[np.minimum(halves, means), np.minimum(halves, top - means)],
                marker="o", capsize=3, **style)


def table(frame: pd.DataFrame, by: list[str], outputs: list[str]) -> str:
    header = "| " + " | ".join(by + [OUTPUTS[o][0] for o in outputs]) + " |"
    lines = [header, "|" + "---|" * len(by) + "---:|" * len(outputs)]
    for keys, group in frame.groupby(by, sort=True):
        keys = keys if isinstance(keys, tuple) else (keys,)
        lines.append("| " + " | ".join(f"{k:g}" if isinstance(k, float) else str(k)
                                       for k in keys)
                     + " | " + " | ".join(cell(group[o], o) for o in outputs) + " |")
    return "\n".join(lines) + "\n"


def caseload_and_gate(results: Path, out: Path) -> None:
    frame = read_results(results / "caseload_and_gate")
    cap, gate = "levers.caseload_cap", "levers.eligibility_gate"
    outputs = ["spend_total", "crisis_cost", "turned_around_end", "wellbeing_end", "evictions"]
    write_text(out / "caseload_and_gate.md", table(frame, [gate, cap], outputs))
    figure = Figure(figsize=(10, 3.6))
    axes = figure.subplots(1, 3)
    for ax, output in zip(axes, ["spend_total", "crisis_cost", "turned_around_end"],
                          strict=True):
        for series, (level, group) in enumerate(frame.groupby(gate)):
            points(ax, group, cap, output, series, label=f"gate strength {level:g}")
        ax.set_xlabel("caseload cap (cases per caseworker)", fontsize=8)
        ax.set_ylabel(axis_label(output), fontsize=8)
        ax.set_title(OUTPUTS[output][0], fontsize=9)
    axes[0].legend(fontsize=8)
    figure.tight_layout()
    save_figure(figure, out / "caseload_and_gate.png")


def enforcement(results: Path, out: Path) -> None:
    frame = read_results(results / "enforcement_across_regimes")
    pause, tone, accelerate = ("levers.pause_enforcement", "levers.threat_tone",
                               "recovery.accelerate")
    outputs = ["spend_total", "ct_paid", "fees_charged", "ea_referrals",
               "turned_around_end", "wellbeing_end"]
    write_text(out / "enforcement_across_regimes.md",
               table(frame, ["regime", accelerate, tone, pause], outputs))
    figure = Figure(figsize=(11, 3.8))
    axes = figure.subplots(1, 3)
    harsh = frame[frame[tone] == 1.0]
    for ax, output in zip(axes, ["ct_paid", "fees_charged", "wellbeing_end"], strict=True):
        for series, ((regime, level), group) in enumerate(
                harsh.groupby(["regime", accelerate])):
            points(ax, group, pause, output, series,
                   linestyle="-" if regime == "learning" else "--",
                   label=f"{regime}, {'year due at once' if level else 'arrears only'}")
        ax.set_xlabel("recovery paused (share of engaged cases)", fontsize=8)
        ax.set_ylabel(axis_label(output), fontsize=8)
        ax.set_title(OUTPUTS[output][0], fontsize=9)
    axes[0].legend(fontsize=7)
    figure.suptitle("Threatening letters and visits (threat tone 1)", fontsize=10)
    figure.tight_layout()
    save_figure(figure, out / "enforcement_across_regimes.png")


def screening(results: Path, out: Path) -> None:
    sweep = results / "what_drives_learning_cost"
    outputs = ["spend_total", "crisis_cost", "turned_around_end"]
    sensitivity.write(sensitivity.indices(sweep, outputs), out / "what_drives_learning_cost",
                      "Morris screening: what drives cost and lives turned around")
    difference = ("learning", "target")
    sensitivity.write(sensitivity.indices(sweep, outputs, difference=difference),
                      out / "what_drives_learning_cost" / "difference",
                      "Morris screening: what drives learning's difference from targets")
    points = sensitivity.point_outputs(sweep, outputs, difference=difference)
    lines = ["| output (learning - target) | mean over design points | range | share of "
             "points where learning is lower |", "|---|---:|---:|---:|"]
    for output in outputs:
        values = points[output]
        lines.append(f"| {SUMMARY_LABELS[output]} | {values.mean():,.0f} | "
                     f"{values.min():,.0f} to {values.max():,.0f} | {(values < 0).mean():.0%} |")
    write_text(out / "what_drives_learning_cost" / "difference" / "points.md",
               "\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=Path("results/sweeps"))
    parser.add_argument("--out", type=Path, default=Path("docs/experiments"))
    args = parser.parse_args()
    caseload_and_gate(args.results, args.out)
    enforcement(args.results, args.out)
    screening(args.results, args.out)
    print(f"written to {args.out}/")


if __name__ == "__main__":
    main()
