"""Experiments: sweeps over parameters and seeds, their results store and sensitivity.

Typical use from Python (a notebook included; workers are spawned, not forked)::

    from pathlib import Path
    from placesim.experiments import load_experiment, read_results, sweep

    experiment = load_experiment("experiments/caseload_and_gate.toml")
    sweep(experiment, Path("results/sweeps/caseload_and_gate"), workers=2)
    frame = read_results("results/sweeps/caseload_and_gate")
"""

from placesim.experiments.spec import Experiment, load_experiment
from placesim.experiments.store import read_manifest, read_results
from placesim.experiments.sweep import SweepReport, plan, sweep

__all__ = ["Experiment", "SweepReport", "load_experiment", "plan", "read_manifest",
           "read_results", "sweep"]
