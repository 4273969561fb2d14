"""Memory of a whole `placesim run` (simulate both regimes and write every table), against
the estimate the command line refuses too large a place with (placesim.memory).

    .venv/bin/python benchmarks/memory.py                  # 1, 2 and 4 million citizens
    .venv/bin/python benchmarks/memory.py --sizes 200000 1000000

Each size runs in a fresh process (kernels loaded from the cache, then a run of both
regimes of the default place for a few weeks, written to a temporary folder); its peak
resident memory is read from the operating system. Bytes per citizen are the slope
between sizes (so the process's fixed memory drops out), and the fixed part is what is
left at the smallest size. Writes ``memory.json`` and ``memory.md`` to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from placesim.memory import PROCESS_BYTES, bytes_needed, bytes_per_citizen

CHILD = """
import resource, sys, tempfile
from pathlib import Path
from placesim.runner import run_scenario
from placesim.scenario import load
citizens, weeks = int(sys.argv[1]), int(sys.argv[2])
scenario = load("scenarios/default.toml").with_overrides(
    {"place.citizens": citizens, "place.weeks": weeks})
run_scenario(scenario, ["target", "learning"], Path(tempfile.mkdtemp()) / "out", False)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""
ROOT = Path(__file__).resolve().parents[1]


def peak_bytes(citizens: int, weeks: int) -> int:
    done = subprocess.run([sys.executable, "-c", CHILD, str(citizens), str(weeks)],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 2_000_000,
                                                                 4_000_000])
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    peak_bytes(1_000, 2)  # compile or load the kernels before measuring
    peaks = {n: peak_bytes(n, args.weeks) for n in sizes}
    slope = ((peaks[sizes[-1]] - peaks[sizes[0]]) / (sizes[-1] - sizes[0])
             if len(sizes) > 1 else float("nan"))
    fixed = peaks[sizes[0]] - slope * sizes[0]
    result = {"sizes": sizes, "weeks": args.weeks, "peak_bytes": peaks,
              "measured_bytes_per_citizen": round(slope, 1),
              "measured_fixed_bytes": round(fixed),
              "estimated_bytes_per_citizen": bytes_per_citizen(),
              "estimated_fixed_bytes": PROCESS_BYTES,
              "estimate_over_peak": {n: round(bytes_needed(n) / peaks[n], 3) for n in sizes}}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "memory.json").write_text(json.dumps(result, indent=1) + "\n")
    lines = ["# Memory of a run (both regimes, written)", "",
             f"{args.weeks} weeks of the default place; peak resident memory of a fresh "
             "process.", "", "| citizens | peak (MiB) | estimate (MiB) | estimate / peak |",
             "|---:|---:|---:|---:|"]
    lines += [f"| {n:,} | {peaks[n] / 2**20:,.0f} | {bytes_needed(n) / 2**20:,.0f} | "
              f"{bytes_needed(n) / peaks[n]:.2f} |" for n in sizes]
    lines += ["", f"Measured: {slope:,.0f} bytes a citizen (slope between sizes) and "
              f"{fixed / 2**20:,.0f} MiB fixed; estimated: {bytes_per_citizen()} bytes a "
              f"citizen and {PROCESS_BYTES / 2**20:,.0f} MiB fixed.", ""]
    (args.out / "memory.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
