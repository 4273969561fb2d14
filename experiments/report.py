"""Tables and figures of the shipped experiments, for docs/experiments.md.

    placesim sweep experiments/caseload_and_gate.toml --workers 2
    placesim sweep experiments/enforcement_across_regimes.toml --workers 2
    placesim sweep experiments/what_drives_learning_cost.toml --workers 2
    python experiments/report.py            # writes docs/experiments/*.md and *.png

Each cell, and each point of a figure, is the mean over replicates with (the half-width
of) its 95% t-interval; the replicates share their seeds across design points (common
random numbers), so differences between cells come from the parameters, not from
different luck. The *_effects.md tables give those differences, paired seed by seed, with
their own intervals.
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

# output: (name, cell format, scale, axis unit)
OUTPUTS = {"spend_total": ("public spend, 3 years", "£{:,.0f}k", 1e-3, "£ thousand"),
           "net_public_cost": ("net cost to the public purse, 3 years", "£{:,.0f}k", 1e-3,
                               "£ thousand"),
           "crisis_cost": ("crisis cost", "£{:,.0f}k", 1e-3, "£ thousand"),
           "team_cost": ("relational team cost", "£{:,.0f}k", 1e-3, "£ thousand"),
           "transfer_benefits_paid": ("benefits paid", "£{:,.0f}k", 1e-3, "£ thousand"),
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


def cell(values: pd.Series, output: str, signed: bool = False) -> str:
    _, fmt, scale, _ = OUTPUTS[output]
    mean, half = mean_and_halfwidth(values * scale)
    text = fmt.format(abs(mean) if signed else mean)
    if signed and any(digit in "123456789" for digit in text):  # no sign on a zero
        text = ("−" if mean < 0 else "+") + text
    return text if np.isnan(half) else f"{text} ± {fmt.format(half).lstrip('£')}"


def paired_effects(frame: pd.DataFrame, lever: str, base: float, by: list[str],
                   outputs: list[str]) -> str:
    """Each level of ``lever`` minus its ``base`` level, for each value of ``by``.

    Differences are taken between runs that share a seed and every other setting (common
    random numbers), averaged over those other settings within a seed, and shown as the
    mean over seeds ± the half-width of its 95% t-interval: the seed is the independent
    unit, so this is the interval of the difference itself, far narrower than the cells'.
    """
    design = ["regime", *(c for c in frame.columns if "." in c)]
    others = [c for c in design if c != lever and c not in by and frame[c].nunique() > 1]
    wide = frame.set_index([*by, *others, "seed", lever])[outputs].unstack(lever)
    header = ("| " + " | ".join([*by, f"{lever} (against {base:g})"]
                                + [OUTPUTS[o][0] for o in outputs]) + " |")
    lines = [header, "|" + "---|" * (len(by) + 1) + "---:|" * len(outputs)]
    for level in sorted(v for v in frame[lever].unique() if v != base):
        differences = pd.DataFrame({o: wide[(o, level)] - wide[(o, base)] for o in outputs})
        per_seed = differences.groupby([*by, "seed"]).mean()
        for keys, group in per_seed.groupby(by, sort=True):
            keys = keys if isinstance(keys, tuple) else (keys,)
            lines.append("| " + " | ".join(f"{k:g}" if isinstance(k, float) else str(k)
                                           for k in (*keys, level))
                         + " | " + " | ".join(cell(group[o], o, signed=True)
                                              for o in outputs) + " |")
    return "\n".join(lines) + "\n"


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


def regime_gap(frame: pd.DataFrame, settings: dict[str, dict[str, float]],
               outputs: list[str]) -> str:
    """Learning at its own settings minus targets at its own, paired by seed, with the
    95% t-interval of the difference: the gap between the regimes as each would run."""
    runs = {}
    for regime, levers in settings.items():
        chosen = frame[frame["regime"] == regime]
        for lever, value in levers.items():
            chosen = chosen[chosen[lever] == value]
        runs[regime] = chosen.set_index("seed")[outputs]
    difference = runs["learning"] - runs["target"]
    described = {regime: ", ".join(f"{lever} {value:g}" for lever, value in levers.items())
                 for regime, levers in settings.items()}
    return (f"Learning ({described['learning']}) minus targets ({described['target']}), "
            "paired by seed:\n\n| " + " | ".join(OUTPUTS[o][0] for o in outputs) + " |\n|"
            + "---:|" * len(outputs) + "\n| "
            + " | ".join(cell(difference[o], o, signed=True) for o in outputs) + " |\n")


def caseload_and_gate(results: Path, out: Path) -> None:
    frame = read_results(results / "caseload_and_gate")
    cap, gate = "levers.caseload_cap", "levers.eligibility_gate"
    outputs = ["spend_total", "net_public_cost", "crisis_cost", "turned_around_end",
               "wellbeing_end", "evictions"]
    write_text(out / "caseload_and_gate.md", table(frame, [gate, cap], outputs))
    write_text(out / "caseload_and_gate_effects.md",
               "Caseload cap against 15, by gate strength:\n\n"
               + paired_effects(frame, cap, 15, [gate], outputs)
               + "\nGate strength against 0 (no gates), by caseload cap:\n\n"
               + paired_effects(frame, gate, 0.0, [cap], outputs))
    figure = Figure(figsize=(13, 3.6))
    axes = figure.subplots(1, 4)
    for ax, output in zip(axes, ["spend_total", "net_public_cost", "crisis_cost",
                                 "turned_around_end"], strict=True):
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
    outputs = ["spend_total", "net_public_cost", "ct_paid", "fees_charged", "ea_referrals",
               "turned_around_end", "wellbeing_end"]
    write_text(out / "enforcement_across_regimes.md",
               table(frame, ["regime", accelerate, tone, pause], outputs))
    write_text(out / "enforcement_across_regimes_effects.md", "\n".join(
        f"{title}, averaged over the other two levers:\n\n"
        + paired_effects(frame, lever, base, ["regime"], outputs)
        for title, lever, base in (("The year due at once (1) against arrears only (0)",
                                    accelerate, 0),
                                   ("Recovery paused for engaged cases against never",
                                    pause, 0.0),
                                   ("Threatening letters and visits (1) against 0.3",
                                    tone, 0.3)))
        + "\n" + regime_gap(frame, {"learning": {accelerate: 1, tone: 0.3, pause: 1.0},
                                    "target": {accelerate: 1, tone: 1.0, pause: 0.0}},
                            ["spend_total", "team_cost", "crisis_cost",
                             "transfer_benefits_paid", "net_public_cost", "ct_paid",
                             "fees_charged", "ea_referrals", "turned_around_end"]))
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
    axes[1].legend(fontsize=7, loc="center right")  # the gap between the regimes
    figure.suptitle("Threatening letters and visits (threat tone 1)", fontsize=10)
    figure.tight_layout()
    save_figure(figure, out / "enforcement_across_regimes.png")


def screening(results: Path, out: Path) -> None:
    sweep = results / "what_drives_learning_cost"
    outputs = ["spend_total", "net_public_cost", "crisis_cost", "turned_around_end"]
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
        lines.append(f"| {sensitivity.output_label(output)} | {values.mean():,.0f} | "
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
