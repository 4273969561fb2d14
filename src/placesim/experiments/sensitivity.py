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
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze

from placesim.atomic import save_figure, write_text
from placesim.experiments.store import read_plan, read_results
from placesim.scenario import InputError, Problem
from placesim.summary import SUMMARY_KEYS, SUMMARY_LABELS

CONFIDENCE = 0.95
METHODS = ("sobol", "morris")


def _described(out: Path) -> dict:
    path = out / "experiment.json"
    if not path.is_file():
        raise InputError([Problem(str(out), "", "holds no sweep (no experiment.json)")])
    return json.loads(path.read_text(encoding="utf-8"))


def _check(out: Path, described: dict, outputs: Sequence[str], regimes: Sequence[str]
           ) -> None:
    problems = []
    if described["method"] not in METHODS:
        problems.append(Problem(str(out), "design.method", (
            f"'{described['method']}' has no sensitivity indices; sweep with method "
            f"'sobol' or 'morris'")))
    for name in outputs:
        if name not in SUMMARY_KEYS:
            problems.append(Problem("command line", "--output", (
                f"unknown output '{name}'; allowed: {', '.join(SUMMARY_KEYS)}")))
    for regime in regimes:
        if regime not in described["regimes"]:
            problems.append(Problem("command line", "--regime", (
                f"'{regime}' was not run in this sweep; run: "
                f"{', '.join(described['regimes'])}")))
    if problems:
        raise InputError(problems)


def indices(out: str | Path, outputs: Sequence[str], regimes: Sequence[str] | None = None,
            seed: int = 1) -> pd.DataFrame:
    """One row per regime, output and parameter: the indices and their intervals."""
    out = Path(out)
    described = _described(out)
    regimes = list(regimes or described["regimes"])
    _check(out, described, outputs, regimes)
    names = [v["path"] for v in described["varied"]]
    problem = {"num_vars": len(names), "names": names,
               "bounds": [[v["low"], v["high"]] for v in described["varied"]]}
    plan = read_plan(out)
    design = plan.groupby("point")[names].first().sort_index()
    results = read_results(out)
    rows = []
    for regime in regimes:
        here = results[results.regime == regime]
        means = here.groupby("point")[list(outputs)].mean().reindex(design.index)
        missing = int(means.isna().any(axis=1).sum())
        if missing:
            raise InputError([Problem(str(out), "", (
                f"{missing} of {len(design)} design points of regime '{regime}' have no "
                "finished run yet; run the same sweep command again to finish it"))])
        for output in outputs:
            y = means[output].to_numpy(dtype=float)
            rows += _analyse(described, problem, design.to_numpy(dtype=float), y, seed,
                             regime, output)
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


def table(found: pd.DataFrame) -> str:
    """A Markdown table: one row per regime, output and parameter, largest first."""
    wide = found.pivot_table(index=["regime", "output", "parameter"], columns="index",
                             values=["value", "conf"], sort=False)
    lead = "ST" if "ST" in found["index"].unique() else "mu_star"
    kinds = list(dict.fromkeys(found["index"]))
    lines = ["| regime | output | parameter | " + " | ".join(
        f"{k} (95% interval)" for k in kinds) + " |",
             "|---|---|---|" + "---:|" * len(kinds)]
    order = wide.sort_values([("value", lead)], ascending=False).sort_index(
        level=[0, 1], sort_remaining=False)
    for (regime, output, parameter), row in order.iterrows():
        cells = []
        for k in kinds:
            value, conf = row[("value", k)], row[("conf", k)]
            cells.append(f"{value:.3g}" if np.isnan(conf) else f"{value:.3g} ± {conf:.2g}")
        lines.append(f"| {regime} | {SUMMARY_LABELS[output]} (`{output}`) | `{parameter}` | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def plot(found: pd.DataFrame, path: Path) -> None:
    """One panel per regime and output: each parameter's indices with their intervals."""
    panels = list(found.groupby(["regime", "output"], sort=False))
    kinds = [k for k in dict.fromkeys(found["index"]) if k != "sigma"]
    figure = Figure(figsize=(7, 2.2 + 1.6 * len(panels) * max(
        1, found["parameter"].nunique() / 4)))
    axes = figure.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, ((regime, output), group) in zip(axes, panels, strict=True):
        parameters = list(dict.fromkeys(group["parameter"]))
        y = np.arange(len(parameters))
        height = 0.8 / len(kinds)
        for j, kind in enumerate(kinds):
            rows = group[group["index"] == kind].set_index("parameter").loc[parameters]
            ax.barh(y + j * height, rows["value"], height, xerr=rows["conf"].fillna(0),
                    label=kind, capsize=2)
        ax.set_yticks(y + height * (len(kinds) - 1) / 2, parameters, fontsize=8)
        ax.invert_yaxis()
        ax.set_title(f"{regime}: {SUMMARY_LABELS[output]}", fontsize=9)
        ax.axvline(0, color="grey", linewidth=0.5)
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
