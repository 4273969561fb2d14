"""Scale benchmark: the fast scheduler against the plain-Mesa reference, one command.

    .venv/bin/python benchmarks/scale.py            # full: fast up to 1e7, reference to 1e5
    .venv/bin/python benchmarks/scale.py --quick    # small sizes, a minute or so

Everything is measured in this one process (the warm start alone needs a fresh
interpreter, so it is timed as a child process), so the ratios between rows are
comparable. Writes ``scale.json`` and ``scale.md`` to ``--out``.

Measured:
- citizen-weeks per second of the full model (learning regime, which exercises every
  mechanism) after a warm-up of ten weeks, for each size, on 1 and 2 threads, and the
  speed-up between them: three blocks of weeks for each thread count, on one engine, the
  thread counts taking turns week by week, the best block of each and the slowest (the
  noise); at 10^6 also from the burned-in place every run starts from (busier than a
  fresh place's tenth week);
- the same for the reference scheduler, and fast/reference at equal size;
- peak memory per citizen (tracemalloc peak while building and stepping, over citizens);
- cold compile (empty numba cache) and warm start (new process, cached kernels: import,
  build a place, run one week);
- memory bandwidth (rewriting a 1 GB array in place) and the bound it puts on the engine:
  each week reads and writes every citizen record twice;
- the cost of Mesa data collection (PlaceModel.step against Engine.step).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

_CACHE = tempfile.mkdtemp(prefix="placesim-bench-cache-")
os.environ["NUMBA_CACHE_DIR"] = _CACHE  # an empty cache, so the first build is cold

import numba  # noqa: E402
import numpy as np  # noqa: E402
from numba import njit, prange  # noqa: E402
from report import write_report  # noqa: E402

from placesim import __version__  # noqa: E402
from placesim.engine.engine import Engine  # noqa: E402
from placesim.engine.state import BYTES_PER_CITIZEN  # noqa: E402
from placesim.model import PlaceModel, burned_in  # noqa: E402
from placesim.scenario import defaults  # noqa: E402

REGIME = "learning"
WARM_UP_WEEKS = 10  # past the start-up surge of reminders and claims, to a typical week
PASSES_OVER_RECORDS = 2  # life/money/demand, then services: each reads and writes a record
GOALS = {"citizen_weeks_per_s_1e6_2_threads": 3e7, "ratio_at_1e5": 1000,
         "speed_up_2_threads_1e6": 1.8, "bytes_per_citizen": 200, "warm_start_s": 3,
         "collection_overhead": 0.10}


def scenario(citizens: int):
    return defaults().with_overrides({"place.citizens": citizens})


@dataclass(frozen=True)
class FastRates:
    """Citizen-weeks per second of the fast scheduler on 1 and 2 threads: the best block
    of weeks and the slowest (their spread is the machine's noise), and peak bytes per
    citizen."""

    one: float
    two: float
    one_slowest: float
    two_slowest: float
    peak_bytes_per_citizen: float

    def rounded(self) -> dict[str, int]:
        """The rates as a report gives them (see ``_spread``)."""
        return {"fast_1_thread": round(self.one), "fast_2_threads": round(self.two),
                "fast_1_thread_slowest_block": round(self.one_slowest),
                "fast_2_threads_slowest_block": round(self.two_slowest)}


def fast_rates(citizens: int, weeks: int, repeats: int = 3,
               burned: bool = False) -> FastRates:
    """The fast scheduler's rates: ``repeats`` blocks of ``weeks`` weeks on one engine,
    the thread counts taking turns week by week; the best block of each is its rate (a
    shared machine's noise only ever adds time), the slowest shows the noise. Turns of a
    week, not of a block, so that both thread counts see the same weeks of a place that
    is still changing (a fresh place grows busier, and its quiet first weeks, with more
    citizens settled, would flatter whichever went first).

    ``burned``: start from the burned-in place every run starts from, rather than a place
    freshly drawn and stepped for WARM_UP_WEEKS.
    """
    tracemalloc.start()
    s = scenario(citizens)
    engine = Engine(s, s.regime(REGIME), start=burned_in(s) if burned else None)
    for _ in range(0 if burned else WARM_UP_WEEKS):
        engine.step()
    blocks: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(repeats):
        block = dict.fromkeys(blocks, 0.0)
        for _ in range(weeks):
            for threads in block:
                numba.set_num_threads(threads)
                start = time.perf_counter()
                engine.step()
                block[threads] += time.perf_counter() - start
        for threads, seconds in block.items():
            blocks[threads].append(seconds)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    rate = {threads: [citizens * weeks / seconds for seconds in times]
            for threads, times in blocks.items()}
    return FastRates(max(rate[1]), max(rate[2]), min(rate[1]), min(rate[2]),
                     peak / citizens)


def reference_rate(citizens: int, weeks: int) -> float:
    model = PlaceModel(regime=REGIME, citizens=citizens, weeks=weeks + WARM_UP_WEEKS,
                       scheduler="reference")
    for _ in range(WARM_UP_WEEKS):
        model.step()
    start = time.perf_counter()
    for _ in range(weeks):
        model.step()
    return citizens * weeks / (time.perf_counter() - start)


def cold_compile() -> float:
    start = time.perf_counter()
    s = scenario(1000)
    Engine(s, s.regime(REGIME)).step()
    PlaceModel(regime=REGIME, citizens=200, weeks=1, scheduler="reference").step()
    return time.perf_counter() - start


_WARM = ("from placesim.engine.engine import Engine\nfrom placesim.scenario import defaults\n"
         "s = defaults().with_overrides({'place.citizens': 1000})\n"
         "Engine(s, s.regime('learning')).step()\n")


def warm_start() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", _WARM], check=True,
                   env={**os.environ, "NUMBA_CACHE_DIR": _CACHE})
    return time.perf_counter() - start


@njit(parallel=True, cache=True)
def _rewrite(a):
    for i in prange(a.shape[0]):
        a[i] += 1


def bandwidth(threads: int, gigabytes: float = 1.0) -> float:
    """Bytes per second moved when rewriting a large array in place (read + write)."""
    numba.set_num_threads(threads)
    a = np.zeros(int(gigabytes * 1e9) // 8, dtype=np.int64)
    _rewrite(a)
    start = time.perf_counter()
    repeats = 5
    for _ in range(repeats):
        _rewrite(a)
    return 2 * a.nbytes * repeats / (time.perf_counter() - start)


def collection_overhead(citizens: int, weeks: int) -> float:
    """Extra time of PlaceModel.step (indicators, agencies, DataCollector) over Engine.step,
    both from the same burned-in place (a fresh place's weeks are quieter, and would count
    as collection)."""
    numba.set_num_threads(2)
    s = scenario(citizens)
    start = burned_in(s)
    engine = Engine(s, s.regime(REGIME), start=start)
    model = PlaceModel(s, regime=REGIME, weeks=weeks + WARM_UP_WEEKS, start=start)
    for _ in range(WARM_UP_WEEKS):
        engine.step()
        model.step()
    bare = collected = 0.0
    for _ in range(weeks):  # alternate, so both see the same weeks and machine state
        start = time.perf_counter()
        engine.step()
        bare += time.perf_counter() - start
        start = time.perf_counter()
        model.step()
        collected += time.perf_counter() - start
    return collected / bare - 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    fast_sizes = [1_000, 10_000, 100_000] if args.quick else [
        1_000, 10_000, 100_000, 1_000_000, 10_000_000]
    reference_sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    fast_weeks = {1_000: 200, 10_000: 100, 100_000: 40, 1_000_000: 20, 10_000_000: 5}
    reference_weeks = {1_000: 5, 10_000: 2, 100_000: 1}

    report: dict[str, object] = {
        "placesim_version": __version__, "numba_version": numba.__version__,
        "python_version": platform.python_version(), "machine": platform.machine(),
        "cpus": os.cpu_count(), "regime": REGIME, "record_bytes": BYTES_PER_CITIZEN}
    report["cold_compile_s"] = round(cold_compile(), 2)
    report["warm_start_s"] = round(warm_start(), 2)
    rows = []
    for n in fast_sizes:
        rates = fast_rates(n, fast_weeks[n])
        rows.append({"citizens": n, **rates.rounded(),
                     "speed_up_2_threads": round(rates.two / rates.one, 2),
                     "peak_bytes_per_citizen": round(rates.peak_bytes_per_citizen, 1)})
        print(rows[-1], flush=True)
    for n in reference_sizes:
        rate = reference_rate(n, reference_weeks[n])
        row = next(r for r in rows if r["citizens"] == n)
        row["reference"] = round(rate)
        row["fast_over_reference"] = round(row["fast_2_threads"] / rate)
        print(row, flush=True)
    report["rows"] = rows
    if not args.quick:
        report["burned_in_1e6"] = fast_rates(1_000_000, fast_weeks[1_000_000],
                                             burned=True).rounded()
    bw1, bw2 = bandwidth(1), bandwidth(2)
    bytes_per_week = 2 * PASSES_OVER_RECORDS * BYTES_PER_CITIZEN
    bound = bw2 / bytes_per_week
    at_1e6 = next((r for r in rows if r["citizens"] == 1_000_000), rows[-1])
    report["bandwidth"] = {
        "bytes_per_s_1_thread": round(bw1), "bytes_per_s_2_threads": round(bw2),
        "engine_bytes_per_citizen_week": bytes_per_week,
        "bound_citizen_weeks_per_s": round(bound),
        "achieved_share_of_bound": round(at_1e6["fast_2_threads"] / bound, 3)}
    report["seconds_1e6_x_520_projected"] = round(520e6 / at_1e6["fast_2_threads"], 1)
    report["collection_overhead"] = round(
        collection_overhead(100_000 if args.quick else 1_000_000, 20), 3)
    report["goals"] = GOALS
    write_report(args.out, "scale", report, render(report))


def render(report: dict) -> str:
    rows = report["rows"]
    lines = [f"# Scale benchmark (placesim {report['placesim_version']}, numba "
             f"{report['numba_version']}, {report['cpus']} CPUs, regime {report['regime']})",
             "", "| citizens | fast, 1 thread | fast, 2 threads | 2 vs 1 thread | "
             "reference (Mesa) | fast / reference | peak bytes per citizen |",
             "|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        reference = (f"{r['reference']:,} | {r['fast_over_reference']}" if "reference" in r
                     else "not run |")
        lines.append(
            f"| {r['citizens']:,} | {_spread(r, 'fast_1_thread')} | "
            f"{_spread(r, 'fast_2_threads')} | {r['speed_up_2_threads']} | {reference} | "
            f"{r['peak_bytes_per_citizen']} |")
    bw = report["bandwidth"]
    lines += ["", "Rates in citizen-weeks per second: the best of three blocks of weeks, "
              "the slowest in brackets (a shared machine's noise only ever adds time; the "
              "spread is how much it added).", "",
              f"- record size: {report['record_bytes']} bytes per citizen",
              f"- cold compile: {report['cold_compile_s']} s; warm start (new process, "
              f"cached kernels, one week of 1,000 citizens): {report['warm_start_s']} s",
              f"- memory bandwidth: {bw['bytes_per_s_1_thread'] / 1e9:.1f} GB/s on 1 thread, "
              f"{bw['bytes_per_s_2_threads'] / 1e9:.1f} GB/s on 2; the engine moves "
              f"{bw['engine_bytes_per_citizen_week']} bytes per citizen-week, so the bound "
              f"is {bw['bound_citizen_weeks_per_s']:,} citizen-weeks/s; at 10^6 citizens "
              f"the engine reaches {bw['achieved_share_of_bound']:.0%} of it",
              f"- 10^6 citizens x 520 weeks, projected: "
              f"{report['seconds_1e6_x_520_projected']} s",
              f"- Mesa data collection adds {report['collection_overhead']:.1%} to a week"]
    if "burned_in_1e6" in report:
        burned = report["burned_in_1e6"]
        lines.append(f"- 10^6 citizens from the burned-in place every run starts from: "
                     f"{_spread(burned, 'fast_1_thread')} on 1 thread, "
                     f"{_spread(burned, 'fast_2_threads')} on 2")
    lines += ["", "Goals: " + ", ".join(f"{k} {v:g}" for k, v in report["goals"].items())]
    return "\n".join(lines) + "\n"



def _spread(row: dict, rate: str) -> str:
    """A rate's best block, and its slowest in brackets."""
    return f"{row[rate]:,} ({row[rate + '_slowest_block']:,})"


if __name__ == "__main__":
    main()
