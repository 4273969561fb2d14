"""What settling citizens saves (``engine.settled``): the same week with and without it.

    .venv/bin/python benchmarks/settled.py                        # 10^6 citizens, 2 threads
    .venv/bin/python benchmarks/settled.py --citizens 200000 --threads 1

Two engines on the default place burned in, under learning: one lets citizens settle,
one works every week out in full (their results are the same bit for bit, which this
checks each week). After ``--warm-up`` weeks, they take turns for ``--rounds`` rounds of
``--weeks`` weeks each, timing phases 1-3 (the live pass), phase 4 and phases 5-6 of
every week; the best week of each is reported, per citizen, and the whole week's
citizen-weeks a second. Also reported: the share of citizens settled, and the shares
that settle and wake each week. Writes ``settled.json`` and ``settled.md`` to ``--out``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numba
import numpy as np
from phases import timed_phases
from report import write_report

from placesim.engine.engine import Engine
from placesim.engine.metrics import N_METRICS
from placesim.engine.settled import SETTLED
from placesim.model import burned_in
from placesim.scenario import defaults

PHASES = ("phases 1-3", "phase 4", "phases 5-6", "week")


def timed_week(engine: Engine) -> tuple[np.ndarray, list[float]]:
    """One week, phase by phase (as ``Engine.step``): its totals and the phases' times."""
    totals = np.zeros(N_METRICS, dtype=np.int64)
    times = timed_phases(engine, totals)
    return totals, [*times, sum(times)]


def measure(citizens: int, threads: int, warm_up: int, rounds: int, weeks: int) -> dict:
    numba.set_num_threads(threads)
    scenario = defaults().with_overrides({"place.citizens": citizens})
    start = burned_in(scenario)
    engines = {settle: Engine(scenario, scenario.regime("learning"), start=start,
                              settle=settle) for settle in (False, True)}
    best = {settle: [np.inf] * len(PHASES) for settle in engines}
    settled, settling, waking = [], [], []
    for week in range(warm_up + rounds * weeks):
        before = engines[True].settling.state == SETTLED
        results = {settle: timed_week(engine) for settle, engine in engines.items()}
        if not np.array_equal(results[False][0], results[True][0]):
            raise SystemExit(f"week {week}: the engines' ledgers differ")
        after = engines[True].settling.state == SETTLED
        settled.append(after.mean())
        settling.append((after & ~before).mean())
        waking.append((before & ~after).mean())
        if week >= warm_up:
            for settle, (_, times) in results.items():
                best[settle] = [min(b, t) for b, t in zip(best[settle], times)]
    per_citizen = {("settling" if settle else "in full"): dict(zip(
        PHASES, (t / citizens * 1e9 for t in times))) for settle, times in best.items()}
    rate = {name: citizens / (ns["week"] * citizens / 1e9)
            for name, ns in per_citizen.items()}
    return {"citizens": citizens, "threads": threads, "weeks_timed": rounds * weeks,
            "ns_per_citizen": per_citizen, "citizen_weeks_per_second": rate,
            "speed_up": rate["settling"] / rate["in full"],
            "settled_share": float(np.mean(settled[warm_up:])),
            "settle_share_per_week": float(np.mean(settling[warm_up:])),
            "wake_share_per_week": float(np.mean(waking[warm_up:]))}


def render(result: dict) -> str:
    ns = result["ns_per_citizen"]
    rows = "\n".join(f"| {name} | " + " | ".join(f"{ns[name][phase]:.1f}" for phase in PHASES)
                     + f" | {result['citizen_weeks_per_second'][name]:,.0f} |"
                     for name in ns)
    return (f"# Settled citizens ({result['citizens']:,} citizens, default place burned in, "
            f"learning, {result['threads']} threads)\n\n"
            f"Best of {result['weeks_timed']} weeks each, the engines taking turns; "
            f"nanoseconds a citizen.\n\n"
            f"| engine | {' | '.join(PHASES)} | citizen-weeks a second |\n"
            f"|---|{'---:|' * (len(PHASES) + 1)}\n{rows}\n\n"
            f"- speed-up of the week: {result['speed_up']:.3f}\n"
            f"- settled: {result['settled_share']:.1%} of citizens; each week "
            f"{result['settle_share_per_week']:.2%} settle and "
            f"{result['wake_share_per_week']:.2%} wake\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warm-up", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    result = measure(args.citizens, args.threads, args.warm_up, args.rounds, args.weeks)
    write_report(args.out, "settled", result, render(result))


if __name__ == "__main__":
    main()
