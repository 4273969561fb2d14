"""Memory of a whole `placesim run`, measured from outside, against the estimate the
command line refuses too large a place with (placesim.memory).

    .venv/bin/python benchmarks/memory.py                      # 10^3 and 10^6 citizens
    .venv/bin/python benchmarks/memory.py --sizes 1000 1000000 2000000 --weeks 26

Each size is one `placesim run` of the default place (burn-in, both regimes, every table
written to a temporary folder) in a process of its own, kernels loaded from the cache;
its peak resident memory is what the operating system reports for that process when it
ends (``wait4``). Bytes per citizen are the difference between each size's peak and the
smallest size's, over the difference in citizens, so the process's fixed memory drops
out; the fixed part is the smallest size's peak. Writes ``memory.json`` and
``memory.md`` to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from placesim.memory import PROCESS_BYTES, bytes_needed, bytes_per_citizen

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "default.toml"


def peak_bytes(citizens: int, weeks: int) -> int:
    """Peak resident memory of `placesim run` of the default place, in its own process."""
    with tempfile.TemporaryDirectory() as folder:
        child = subprocess.Popen(
            [sys.executable, "-m", "placesim.cli", "run", str(SCENARIO), "--citizens",
             str(citizens), "--weeks", str(weeks), "--out", str(Path(folder) / "out"),
             "--no-progress"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
        errors = child.stderr.read().decode()
        child.stderr.close()
    if status:
        raise RuntimeError(f"placesim run failed ({status}): {errors[-2000:]}")
    return usage.ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 1_000_000])
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    peak_bytes(1_000, 1)  # compile or load the kernels before measuring
    peaks = {n: peak_bytes(n, args.weeks) for n in sizes}
    base = sizes[0]
    slopes = {n: (peaks[n] - peaks[base]) / (n - base) for n in sizes[1:]}
    result = {"sizes": sizes, "weeks": args.weeks, "peak_bytes": peaks,
              "bytes_per_citizen_above_smallest": {n: round(s, 1) for n, s in slopes.items()},
              "fixed_bytes_at_smallest": peaks[base],
              "estimated_bytes_per_citizen": bytes_per_citizen(),
              "estimated_fixed_bytes": PROCESS_BYTES,
              "estimate_over_peak": {n: round(bytes_needed(n) / peaks[n], 3) for n in sizes}}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "memory.json").write_text(json.dumps(result, indent=1) + "\n")
    lines = ["# Memory of `placesim run` (burn-in, both regimes, every table written)", "",
             f"The default place, {args.weeks} weeks; peak resident memory of the whole "
             "command, in a process of its own.", "",
             "| citizens | peak (MiB) | bytes a citizen above the smallest | estimate (MiB) "
             "| estimate / peak |", "|---:|---:|---:|---:|---:|"]
    for n in sizes:
        slope = f"{slopes[n]:,.0f}" if n in slopes else ""
        lines.append(f"| {n:,} | {peaks[n] / 2**20:,.0f} | {slope} | "
                     f"{bytes_needed(n) / 2**20:,.0f} | {bytes_needed(n) / peaks[n]:.2f} |")
    lines += ["", f"Estimated: {bytes_per_citizen()} bytes a citizen and "
              f"{PROCESS_BYTES / 2**20:,.0f} MiB a process.", ""]
    (args.out / "memory.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
