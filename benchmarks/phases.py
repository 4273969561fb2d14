"""Where a week goes: each phase of Engine.step timed on its own, one command.

    .venv/bin/python benchmarks/phases.py                   # 10^6 citizens, 2 threads
    .venv/bin/python benchmarks/phases.py --citizens 200000 --threads 1

Runs both regimes side by side and calls the phases as ``Engine.step`` does, timing
each call. Weeks of the two regimes are interleaved, and each phase reports
its best and median week, because a shared machine's noise only ever adds time.
Writes ``phases.json`` and ``phases.md`` to ``--out``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numba
import numpy as np
from report import write_report

from placesim.engine.engine import Engine
from placesim.engine.metrics import N_METRICS
from placesim.scenario import defaults

REGIMES = ("target", "learning")
PHASES = ("life, money, demand (1-3)", "allocation (4)", "services, accounting (5-6)")


def timed_phases(engine: Engine, totals: np.ndarray) -> list[float]:
    """Phases 1-3, 4 and 5-6 of one week, as Engine.step runs them, adding into
    ``totals``; the seconds each took."""
    marks = [time.perf_counter()]
    for phase in (engine.live_week, engine.allocate, engine.meet_services):
        phase(totals)
        marks.append(time.perf_counter())
    engine.week += 1
    return list(np.diff(marks))


def timed_week(engine: Engine) -> tuple[list[float], int]:
    """One week, as Engine.step runs it; (seconds per phase, citizens listed for phase 4)."""
    totals = np.zeros(N_METRICS, dtype=np.int64)
    seconds = timed_phases(engine, totals)
    engine.review_workforce(totals)
    return seconds, int(engine.listed_n.sum())


def measure(citizens: int, threads: int, warm_up: int, weeks: int) -> dict:
    numba.set_num_threads(threads)
    scenario = defaults().with_overrides({"place.citizens": citizens})
    engines = {regime: Engine(scenario, scenario.regime(regime)) for regime in REGIMES}
    for _ in range(warm_up):
        for engine in engines.values():
            engine.step()
    seconds = {regime: [] for regime in REGIMES}
    listed = {regime: [] for regime in REGIMES}
    for _ in range(weeks):
        for regime, engine in engines.items():
            phase_seconds, n_listed = timed_week(engine)
            seconds[regime].append(phase_seconds)
            listed[regime].append(n_listed)
    report = {"citizens": citizens, "threads": threads, "warm_up": warm_up, "weeks": weeks,
              "regimes": {}}
    for regime in REGIMES:
        per_phase = list(zip(*seconds[regime], strict=True))
        week_totals = [sum(s) for s in seconds[regime]]
        report["regimes"][regime] = {
            "phases": {name: {"best_ms": 1e3 * min(s), "median_ms": 1e3 * statistics.median(s)}
                       for name, s in zip(PHASES, per_phase, strict=True)},
            "week_best_ms": 1e3 * min(week_totals),
            "citizen_weeks_per_s": citizens / min(week_totals),
            "listed_median": statistics.median(listed[regime]),
        }
    return report


def render(report: dict) -> str:
    lines = [f"# Phase timing: {report['citizens']:,} citizens, {report['threads']} thread(s), "
             f"{report['weeks']} weeks after {report['warm_up']} of warm-up", "",
             "| regime | phase | best ms | median ms |", "|---|---|---:|---:|"]
    for regime, r in report["regimes"].items():
        for name, t in r["phases"].items():
            lines.append(f"| {regime} | {name} | {t['best_ms']:.1f} | {t['median_ms']:.1f} |")
        lines.append(f"| {regime} | whole week (best) | {r['week_best_ms']:.1f} | |")
    lines.append("")
    for regime, r in report["regimes"].items():
        lines.append(f"- {regime}: {r['citizen_weeks_per_s']:,.0f} citizen-weeks/s at the "
                     f"best week; {r['listed_median']:,.0f} citizens listed for allocation")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warm-up", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=20)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args()
    report = measure(args.citizens, args.threads, args.warm_up, args.weeks)
    write_report(args.out, "phases", report, render(report))


if __name__ == "__main__":
    main()
