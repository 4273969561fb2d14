"""Engine throughput: citizen-weeks per second by population size and thread count.

Run from the project root::

    .venv/bin/python benchmarks/engine_throughput.py [--sizes 10000 100000 1000000]
                                                     [--weeks 20] [--out benchmarks/results]

Writes ``engine_throughput.json`` and ``engine_throughput.md``. All figures come from
one process and one run, so ratios between rows are comparable; absolute figures depend
on the machine and on what else it is doing.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numba

from placesim import __version__
from placesim.engine.engine import Engine
from placesim.engine.state import BYTES_PER_CITIZEN
from placesim.scenario import defaults

WARM_UP_WEEKS = 3


def measure(citizens: int, weeks: int, threads: int, regime: str) -> dict[str, float]:
    numba.set_num_threads(threads)
    scenario = defaults().with_overrides({"place.citizens": citizens})
    engine = Engine(scenario, scenario.regime(regime))
    for _ in range(WARM_UP_WEEKS):
        engine.step()
    start = time.perf_counter()
    for _ in range(weeks):
        engine.step()
    seconds = time.perf_counter() - start
    return {"citizens": citizens, "threads": threads, "regime": regime, "weeks": weeks,
            "seconds": round(seconds, 4),
            "citizen_weeks_per_second": round(citizens * weeks / seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--weeks", type=int, default=20)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    rows = [measure(n, args.weeks, threads, regime)
            for n in args.sizes for regime in ("target", "learning") for threads in (1, 2)]
    for row in rows:
        single = next(r for r in rows if r["citizens"] == row["citizens"]
                      and r["regime"] == row["regime"] and r["threads"] == 1)
        row["speed_up_vs_1_thread"] = round(
            row["citizen_weeks_per_second"] / single["citizen_weeks_per_second"], 2)
    report = {"placesim_version": __version__, "numba_version": numba.__version__,
              "python_version": platform.python_version(), "machine": platform.machine(),
              "state_bytes_per_citizen": BYTES_PER_CITIZEN, "rows": rows}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "engine_throughput.json").write_text(json.dumps(report, indent=2))
    lines = [f"Engine throughput (placesim {__version__}, numba {numba.__version__}; "
             f"state {BYTES_PER_CITIZEN} bytes per citizen)", "",
             "| citizens | regime | threads | citizen-weeks/s | vs 1 thread |",
             "|---:|---|---:|---:|---:|"]
    lines += [f"| {r['citizens']:,} | {r['regime']} | {r['threads']} | "
              f"{r['citizen_weeks_per_second']:,} | {r['speed_up_vs_1_thread']} |"
              for r in rows]
    text = "\n".join(lines) + "\n"
    (args.out / "engine_throughput.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
