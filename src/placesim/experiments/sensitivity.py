"""Sensitivity indices of a finished Sobol or Morris sweep, with confidence intervals.

Each output is averaged over a point's replicates first (the indices describe the model's
expected response, not one seed's luck), per regime. Sobol first-order (S1) and
total-order (ST) indices follow Saltelli et al. (2010); Morris mu* (Campolongo et al.
2007) ranks parameters by the mean absolute elementary effect. Intervals are SALib's
bootstrap intervals at 95%.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze

from placesim.atomic import save_figure, write_text
from placesim.columns import TABLES, Column
from placesim.experiments.store import read_plan, read_results
from placesim.scenario import InputError, Problem
from placesim.summary import SUMMARY_LABELS

CONFIDENCE = 0.95
METHODS = ("sobol", "morris")


def _described(out: Path) -> dict:
    path = out / "experiment.json"
    if not path.is_file():
        raise InputError([Problem(str(out), "", "holds no sweep (no experiment.json)")])
    return json.loads(path.read_text(encoding="utf-8"))


def regimes_run(out: str | Path) -> list[str]:
    """The regimes a finished sweep ran."""
    return list(_described(Path(out))["regimes"])


def split_difference(text: str, regimes: Sequence[str]) -> tuple[str, str] | None:
    """``A-B`` as (A, B), two regimes of the sweep; names may hold '-' themselves, so
    every split is tried. None if no split names two regimes."""
    for at in range(1, len(text) - 1):
        if text[at] == "-" and text[:at] in regimes and text[at + 1:] in regimes:
            return text[:at], text[at + 1:]
    return None


def _check(out: Path, described: dict, outputs: Sequence[str], regimes: Sequence[str],
           available: Sequence[str]) -> None:
    problems = []
    if described["method"] not in METHODS:
        problems.append(Problem(str(out), "design.method", (
            f"'{described['method']}' has no sensitivity indices; sweep with method "
            f"'sobol' or 'morris'")))
    for name in outputs:
        if name not in available:
            problems.append(Problem("command line", "--output", (
                f"unknown output '{name}'; allowed: {', '.join(available)}")))
    for regime in regimes:
        if regime not in described["regimes"]:
            problems.append(Problem("command line", "--regime", (
                f"'{regime}' was not run in this sweep; run: "
                f"{', '.join(described['regimes'])}")))
    if problems:
        raise InputError(problems)


def point_outputs(out: str | Path, outputs: Sequence[str], regime: str | None = None,
                  difference: tuple[str, str] | None = None) -> pd.DataFrame:
    """One row per design point: its parameters and each output averaged over the
    point's replicates, for one regime or for the difference of two (paired by point and
    replicate, so by seed)."""
    out = Path(out)
    described = _described(out)
    names = [v["path"] for v in described["varied"]]
    regimes = list(difference) if difference else [regime or described["regimes"][0]]
    plan, results = read_plan(out), read_results(out)
    available = [c for c in results.columns if c not in plan.columns]
    _check(out, described, outputs, regimes, available)
    design = plan.groupby("point")[names].first().sort_index()
    by_run = results.set_index(["regime", "point", "replicate"])[list(outputs)]
    values = by_run.loc[regimes[0]]
    if difference:
        values = values - by_run.loc[regimes[1]]
    means = values.groupby("point").mean().reindex(design.index)
    missing = int(means.isna().any(axis=1).sum())
    if missing:
        raise InputError([Problem(str(out), "", (
            f"{missing} of {len(design)} design points of {' and '.join(regimes)} have no "
            "finished run yet; run the same sweep command again to finish it"))])
    return pd.concat([design, means], axis=1)


def indices(out: str | Path, outputs: Sequence[str], regimes: Sequence[str] | None = None,
            seed: int = 1, difference: tuple[str, str] | None = None) -> pd.DataFrame:
    """One row per regime (or difference ``A - B``), output, parameter and index: the
    index and the half-width of its 95% interval."""
    described = _described(Path(out))
    names = [v["path"] for v in described["varied"]]
    problem = {"num_vars": len(names), "names": names,
               "bounds": [[v["low"], v["high"]] for v in described["varied"]]}
    groups = ([(f"{difference[0]} - {difference[1]}", None)] if difference else
              [(r, r) for r in (regimes or described["regimes"])])
    rows = []
    for label, regime in groups:
        table = point_outputs(out, outputs, regime, difference)
        for output in outputs:
            rows += _analyse(described, problem, table[names].to_numpy(dtype=float),
                             table[output].to_numpy(dtype=float), seed, label, output)
    return pd.DataFrame(rows)


def _analyse(described: dict, problem: dict, x: np.ndarray, y: np.ndarray, seed: int,
             regime: str, output: str) -> list[dict]:
    base = {"regime": regime, "output": output}
    if np.ptp(y) == 0:  # a flat output: every index is zero, SALib would divide by zero
        return [{**base, "parameter": name, "index": kind, "value": 0.0, "conf": 0.0}
                for name in problem["names"]
                for kind in (("S1", "ST") if described["method"] == "sobol" else
                             ("mu_star", "sigma"))]
    if described["method"] == "sobol":
        found = sobol_analyze.analyze(problem, y, calc_second_order=False,
                                      conf_level=CONFIDENCE, seed=seed)
        pairs = (("S1", "S1_conf"), ("ST", "ST_conf"))
    else:
        found = morris_analyze.analyze(problem, x, y, conf_level=CONFIDENCE,
                                       num_levels=described["levels"], seed=seed)
        pairs = (("mu_star", "mu_star_conf"), ("sigma", None))
    return [{**base, "parameter": name, "index": kind, "value": float(found[kind][k]),
             "conf": float(found[conf][k]) if conf else float("nan")}
            for k, name in enumerate(problem["names"]) for kind, conf in pairs]


INDEX_NAMES = {"mu_star": "mu* (mean absolute elementary effect)",
               "sigma": "sigma (spread of the elementary effects)",
               "S1": "S1 (first-order share of variance)",
               "ST": "ST (total-order share of variance)"}
SHORT_NAMES = {"mu_star": "mu*", "sigma": "sigma", "S1": "S1", "ST": "ST"}


def _number(value: float) -> str:
    """Three significant figures, without exponents for the sums of money indices take."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def output_label(output: str) -> str:
    """An output in words: the summary row's label, else its key."""
    return SUMMARY_LABELS.get(output) or TABLES["summary"][1].get(
        output, Column("", output)).doc


def output_unit(output: str) -> str:
    """The unit an output is measured in (a share for the mean of a yes/no outcome)."""
    column = TABLES["summary"][1].get(output)
    unit = column.unit.split(",")[0] if column else ""
    return "share" if unit in ("true/false", "fraction") else unit


def _label(output: str) -> str:
    return f"{output_label(output)} (`{output}`)"


def table(found: pd.DataFrame) -> str:
    """A Markdown table: one row per regime, output and parameter, largest first."""
    wide = found.pivot_table(index=["regime", "output", "parameter"], columns="index",
                             values=["value", "conf"], sort=False, dropna=False)
    lead = "ST" if "ST" in found["index"].unique() else "mu_star"
    kinds = list(dict.fromkeys(found["index"]))
    with_interval = {k for k in kinds if found.loc[found["index"] == k, "conf"].notna().any()}
    lines = ["| regime | output | parameter | " + " | ".join(
        f"{SHORT_NAMES.get(k, k)} (95% interval)" if k in with_interval
        else SHORT_NAMES.get(k, k) for k in kinds) + " |",
             "|---|---|---|" + "---:|" * len(kinds)]
    order = wide.sort_values([("value", lead)], ascending=False).sort_index(
        level=[0, 1], sort_remaining=False)
    for (regime, output, parameter), row in order.iterrows():
        cells = []
        for k in kinds:
            value, conf = row[("value", k)], row[("conf", k)]
            cells.append(_number(value) if np.isnan(conf)
                         else f"{_number(value)} ± {_number(conf)}")
        lines.append(f"| {regime} | {_label(output)} | `{parameter}` | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _scale(largest: float, unit: str) -> tuple[float, str]:
    """A divisor and the axis unit for numbers up to ``largest`` (no bare '1e6')."""
    for divisor, word in ((1e9, "billion"), (1e6, "million"), (1e3, "thousand")):
        if largest >= divisor:
            return divisor, f"{unit}, {word}" if unit else word
    return 1.0, unit


def plot(found: pd.DataFrame, path: Path) -> None:
    """One panel per regime and output: each parameter's indices with their 95%
    intervals, largest first. Indices cannot be negative (mu* is a mean of absolute
    effects, Sobol indices are shares of variance), so neither can their intervals."""
    panels = list(found.groupby(["regime", "output"], sort=False))
    kinds = [k for k in dict.fromkeys(found["index"]) if k != "sigma"]
    lead = "ST" if "ST" in kinds else kinds[0]
    figure = Figure(figsize=(8, 2.2 + 1.7 * len(panels) * max(
        1, found["parameter"].nunique() / 4)))
    axes = figure.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, ((regime, output), group) in zip(axes, panels, strict=True):
        ranked = group[group["index"] == lead].sort_values("value", ascending=False)
        parameters = list(ranked["parameter"])
        y = np.arange(len(parameters))
        height = 0.8 / len(kinds)
        sobol = lead == "ST"
        divisor, axis_unit = (1.0, "") if sobol else _scale(
            float((group["value"] + group["conf"].fillna(0)).max()), output_unit(output))
        for j, kind in enumerate(kinds):
            rows = group[group["index"] == kind].set_index("parameter").loc[parameters]
            value = rows["value"].clip(lower=0, upper=1 if sobol else None) / divisor
            conf = rows["conf"].fillna(0) / divisor
            below = np.minimum(conf, value)  # an interval ends at zero, not below it
            above = np.minimum(conf, 1 - value) if sobol else conf  # a share, at one
            ax.barh(y + j * height, value, height, xerr=[below, above], capsize=2,
                    label=INDEX_NAMES.get(kind, kind))
        ax.set_yticks(y + height * (len(kinds) - 1) / 2, parameters, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(left=0)
        ax.set_title(f"{regime}: {output_label(output)}", fontsize=9)
        ax.set_xlabel(("Sobol index (share of the output's variance, 0 to 1)" if sobol else
                       f"mu* ({axis_unit})" if axis_unit else "mu*")
                      + "; lines: 95% bootstrap intervals", fontsize=8)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.3g}"))
        if len(kinds) > 1:
            ax.legend(fontsize=7, loc="lower right")
    figure.tight_layout()
    save_figure(figure, path)


def write(found: pd.DataFrame, folder: Path, title: str) -> tuple[Path, Path, Path]:
    """The indices as CSV, a Markdown table and a PNG plot, each written atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    csv, md, png = (folder / f"sensitivity.{s}" for s in ("csv", "md", "png"))
    write_text(csv, found.to_csv(index=False))
    write_text(md, f"# {title}\n\n{table(found)}")
    plot(found, png)
    return csv, md, png
