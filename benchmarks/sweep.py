"""Sweep benchmark: what the results store and the worker pool cost, in one run.

    .venv/bin/python benchmarks/sweep.py            # 12 runs of 50,000 citizens x 104 weeks
    .venv/bin/python benchmarks/sweep.py --runs 8   # fewer

Measured in this one process, on the same runs (a grid of seeds over both regimes):
- a plain loop of ``run_regime`` in this process, keeping nothing (the floor);
- ``placesim.experiments.sweep`` on 1 worker (the same process: the store's overhead);
- the same sweep on 2 spawned worker processes (the pool's speed-up, start-up included);
- ``mesa.batch_run`` of ``PlaceModel`` on 1 process, for comparison with what a Mesa
  user would write.
Kernels are compiled (or loaded from the cache) before anything is timed. Writes
``sweep.json`` and ``sweep.md`` to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import mesa

from placesim.experiments import sweep
from placesim.experiments.spec import from_text
from placesim.model import PlaceModel
from placesim.runner import run_regime

ROOT = Path(__file__).resolve().parents[1]
CITIZENS, WEEKS = 50_000, 104


def experiment_text(replicates: int) -> str:
    return (f'[experiment]\nname = "bench"\n'
            f'scenario = "{(ROOT / "scenarios" / "default.toml").as_posix()}"\n'
            f'regimes = ["target", "learning"]\n[fixed]\n"place.citizens" = {CITIZENS}\n'
            f'"place.weeks" = {WEEKS}\n[replicates]\ncount = {replicates}\n')


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=12, help="runs (even: two regimes)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    replicates = max(1, args.runs // 2)
    experiment = from_text(experiment_text(replicates), "<benchmark>", ROOT)
    runs = replicates * 2
    scenario = experiment.scenario
    run_regime(scenario.with_overrides({"place.weeks": 2}), "learning")  # compile or load

    def plain() -> None:
        for seed in range(1, replicates + 1):
            for regime in ("target", "learning"):
                run_regime(scenario.with_overrides({"place.seed": seed}), regime)

    def swept(workers: int) -> None:
        with tempfile.TemporaryDirectory() as folder:
            report = sweep(experiment, Path(folder), workers=workers)
            assert report.done == runs, report

    def batch() -> None:
        mesa.batch_run(PlaceModel, parameters={
            "scenario": [scenario], "regime": ["target", "learning"],
            "seed": list(range(1, replicates + 1))},
            iterations=1, max_steps=WEEKS + 1, number_processes=1, display_progress=False)

    seconds = {"plain loop, 1 process": timed(plain),
               "sweep, 1 worker": timed(lambda: swept(1)),
               "sweep, 2 workers": timed(lambda: swept(2)),
               "mesa.batch_run, 1 process": timed(batch)}
    floor = seconds["plain loop, 1 process"]
    rows = [{"how": how, "seconds": round(s, 2), "runs_per_second": round(runs / s, 3),
             "vs_plain_loop": round(floor / s, 2)} for how, s in seconds.items()]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sweep.json").write_text(json.dumps(
        {"runs": runs, "citizens": CITIZENS, "weeks": WEEKS, "rows": rows}, indent=1))
    lines = [f"# Sweep benchmark: {runs} runs of {CITIZENS:,} citizens x {WEEKS} weeks", "",
             "| how | seconds | runs per second | speed against the plain loop |",
             "|---|---:|---:|---:|"]
    lines += [f"| {r['how']} | {r['seconds']} | {r['runs_per_second']} | "
              f"{r['vs_plain_loop']} |" for r in rows]
    (args.out / "sweep.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
