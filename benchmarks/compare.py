"""Comparison benchmark: what reporting, storage and figures add to the bare runs.

    .venv/bin/python benchmarks/compare.py                       # 100,000 x 156 x 10
    .venv/bin/python benchmarks/compare.py --citizens 20000 --rounds 2

Measured in this one process, interleaved round by round (this machine is noisy: the
best round of each is kept), on the same runs:
- bare runs: ``run_regime`` for both regimes on every replicate's seed, keeping nothing;
- ``placesim.compare`` into a fresh folder (the store, the tables, per-citizen pairs)
  and ``write_report`` (every figure and both report files).
Kernels are compiled (or loaded from the cache), and a tiny comparison and its report
are made once (imports, fonts), before anything is timed. Then the peak
memory of a whole ``placesim compare`` command, each in its own process, for a few and
for many replicates: it should not grow with the replicate count. Writes
``compare.json`` and ``compare.md`` to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import placesim
from placesim.runner import run_regime
from placesim.scenario import load

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "default.toml"


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def peak_bytes(command: list[str]) -> int:
    """Peak resident memory of a command run in its own process."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if status:
        raise RuntimeError(f"{' '.join(command)} failed ({status})")
    return usage.ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--memory-citizens", type=int, default=20_000,
                        help="place size of the memory check (0 skips it)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    size = {"place.citizens": args.citizens, "place.weeks": args.weeks}
    scenario = load(DEFAULT).with_overrides(size)
    with tempfile.TemporaryDirectory() as folder:  # compile or load; import; load fonts
        placesim.compare(scenario.with_overrides({"place.citizens": 500, "place.weeks": 4}),
                         replicates=2, out=folder).write_report()
    seed = int(scenario.get("place.seed"))

    def bare() -> None:
        for replicate in range(args.replicates):
            here = scenario.with_overrides({"place.seed": seed + replicate})
            for regime in ("target", "learning"):
                run_regime(here, regime)

    def compared() -> None:
        with tempfile.TemporaryDirectory() as folder:
            comparison = placesim.compare(scenario, replicates=args.replicates, out=folder)
            comparison.write_report()

    times: dict[str, list[float]] = {"bare runs": [], "compare and report": []}
    for _ in range(args.rounds):
        times["bare runs"].append(timed(bare))
        times["compare and report"].append(timed(compared))
    best = {name: min(values) for name, values in times.items()}
    ratios = [c / b for b, c in zip(times["bare runs"], times["compare and report"],
                                    strict=True)]
    memory = {}
    if args.memory_citizens:
        for replicates in (2, args.replicates):
            with tempfile.TemporaryDirectory() as folder:
                memory[replicates] = peak_bytes([
                    sys.executable, "-m", "placesim.cli", "compare", str(DEFAULT),
                    "--citizens", str(args.memory_citizens), "--weeks", str(args.weeks),
                    "--replicates", str(replicates), "--out", folder, "--no-progress"])
    citizen_weeks = 2 * args.replicates * args.citizens * args.weeks
    result = {"citizens": args.citizens, "weeks": args.weeks, "replicates": args.replicates,
              "rounds": args.rounds, "seconds": times, "best": best,
              "ratio_best": best["compare and report"] / best["bare runs"],
              "ratio_per_round": ratios,
              "bare_citizen_weeks_per_second": citizen_weeks / best["bare runs"],
              "peak_bytes_by_replicates": memory, "memory_citizens": args.memory_citizens}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "compare.json").write_text(json.dumps(result, indent=1) + "\n")
    lines = [(f"# Comparison benchmark: {args.citizens:,} citizens x {args.weeks} weeks x "
             f"{args.replicates} replicates, both regimes"), "",
             "| what | best of rounds (s) | every round (s) |", "|---|---:|---|"]
    lines += [f"| {name} | {best[name]:.2f} | {', '.join(f'{v:.2f}' for v in values)} |"
              for name, values in times.items()]
    lines += ["", (f"compare and report / bare runs: {result['ratio_best']:.3f} (best rounds); "
              f"per round {', '.join(f'{r:.3f}' for r in ratios)}"),
              f"bare runs: {result['bare_citizen_weeks_per_second']:,.0f} citizen-weeks/s"]
    if memory:
        lines += ["", f"peak memory of `placesim compare` at {args.memory_citizens:,} citizens: "
                  + ", ".join(f"{r} replicates {b / 2**20:,.0f} MiB" for r, b in memory.items())]
    (args.out / "compare.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
