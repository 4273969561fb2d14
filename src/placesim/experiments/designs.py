"""Design points: which parameter values each point of an experiment runs.

Grids are full factorials of each parameter's values. Random points are uniform draws;
Latin hypercube, Sobol (Saltelli's scheme for first and total-order indices) and Morris
(elementary-effect trajectories) designs come from SALib, so the indices computed later
by :mod:`placesim.experiments.sensitivity` match the samples exactly. Every design is a
function of the experiment alone (its ``design.seed`` included): the same file gives the
same points on any machine.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from placesim.experiments.spec import Experiment


def problem(experiment: Experiment) -> dict:
    """The SALib problem: names and bounds of the ranged parameters."""
    return {"num_vars": len(experiment.varied),
            "names": [v.path for v in experiment.varied],
            "bounds": [[v.low, v.high] for v in experiment.varied]}


def unit_sample(experiment: Experiment) -> np.ndarray:
    """Sampled designs' points in parameter units, before whole numbers are rounded.

    SALib (and the scipy it loads) is imported here, when a design is sampled: loading
    it with the package took a second from every command, `placesim run` included."""
    from SALib.sample import latin
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    spec, n, seed = problem(experiment), experiment.samples, experiment.design_seed
    if experiment.method == "random":
        rng = np.random.default_rng(seed)
        low, high = np.array(spec["bounds"], dtype=float).T
        return low + (high - low) * rng.random((n, spec["num_vars"]))
    if experiment.method == "lhs":
        return latin.sample(spec, n, seed=seed)
    if experiment.method == "sobol":
        return sobol_sample.sample(spec, n, calc_second_order=False, scramble=True, seed=seed)
    if experiment.method == "morris":
        return morris_sample.sample(spec, n, num_levels=experiment.levels, seed=seed)
    raise ValueError(f"not a sampled design: {experiment.method}")


def points(experiment: Experiment) -> pd.DataFrame:
    """One row per design point (index ``point``), one column per varied parameter."""
    names = [v.path for v in experiment.varied]
    if experiment.method == "grid":
        rows = list(itertools.product(*(v.grid() for v in experiment.varied)))
    else:
        # SALib's arithmetic can land a hair outside a bound (0.1 + 0.2 ...): clip it
        low, high = np.array(problem(experiment)["bounds"], dtype=float).T
        sample = np.clip(unit_sample(experiment), low, high)
        rows = [tuple(v.cast(x) for v, x in zip(experiment.varied, row, strict=True))
                for row in sample]
    frame = pd.DataFrame(rows, columns=names) if names else pd.DataFrame(index=range(1))
    for v in experiment.varied:
        frame[v.path] = frame[v.path].astype("int64" if v.whole else "float64")
    frame.index.name = "point"
    return frame
