"""The whole run path: `placesim run` against the engine alone over the same weeks.

    .venv/bin/python benchmarks/run_path.py                    # 10^6 citizens x 520 weeks
    .venv/bin/python benchmarks/run_path.py --citizens 100000 --weeks 52 --repeats 1

*The same weeks.* `placesim run` burns the place in once (``place.burn_in_weeks``, 156 by
default, under the status quo) and runs every regime (target, then learning) for
``--weeks`` from that one start: 156 + 2 x 520 simulated weeks at the defaults. The
engine alone is ``Engine.step`` over the same weeks and nothing else: the burn-in's weeks
from the freshly drawn place under the status quo's levers, then each regime's weeks from
the burned-in place (built, untimed, by ``model.burned_in``). The ratio is the command's
wall time, from starting the interpreter to its exit (imports, loading the kernels,
checks, burn-in, both regimes, every table written, the summary printed), over the
engine's time. A second ratio leaves the burn-in out on both sides: the command's time
less its burn-in over the regimes' weeks of the engine alone.

*The profile.* The command runs in a child process with timers around the functions of
the run path (``Engine.step``, ``PlaceModel.step``, the model's construction, each table
built and written, the deciles ...), which cost a few microseconds a call; where the
time above the engine goes is read from them.

Each repeat runs the command, then the engine alone, each in a fresh process (kernels
loaded from the cache, which a small run fills first); the machine is shared, and noise
only ever adds time, so the best of the repeats is kept for each. Writes
``run_path.json`` and ``run_path.md`` to ``--out``.
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

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "default.toml"

# The command, with timers around the run path's functions. The phase is what the run is
# doing (checks, burn-in, a regime and its tables); items are timed within it, inclusively.
COMMAND = r'''
import json, sys, time
entered = time.time()
from collections import defaultdict
from functools import wraps
import placesim.cli as cli
import placesim.engine.start as start_module
import placesim.model as model_module
import placesim.results as results
import placesim.runner as runner
from placesim.engine.engine import Engine
from placesim.model import PlaceModel

seconds = defaultdict(float)
phase = ["checks"]

def timed(owner, name, item=None, enter=None):
    function = getattr(owner, name)
    @wraps(function)
    def wrapper(*args, **kwargs):
        if enter is not None:
            phase[0] = enter(*args, **kwargs)
        label = item(*args, **kwargs) if callable(item) else (item or name)
        clock = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds[(phase[0], label)] += time.perf_counter() - clock
    setattr(owner, name, wrapper)

import placesim.compilation as compilation
timed(compilation, "prepare_kernels", "kernels loaded", enter=lambda *a, **k: "start-up")
timed(runner, "burned_in", "burn-in, all", enter=lambda *a, **k: "burn-in")
timed(runner, "run_regime", "regime, all", enter=lambda s, regime, *a, **k: regime)
timed(Engine, "step", "engine")
timed(PlaceModel, "step", "model step")
timed(PlaceModel, "__init__", "model built")
timed(start_module.Start, "drawn", "place drawn")
timed(start_module.Start, "clear_tallies", "tallies cleared")
timed(start_module.Start, "kept", "kept in a file")
timed(runner.RegimeRun, "of", "weekly table collected")
timed(runner, "journeys_in_pounds", "journeys built")
timed(runner, "citizen_outcomes", "outcomes built")
timed(runner, "by_income_decile", "deciles cut")
timed(runner, "write_run", "tables written, all")
timed(results, "write_citizens", "citizens written")
timed(results, "write_table", lambda table, path: f"{path.parent.name} written")
timed(runner.RegimeRun, "release", "population released")
timed(runner, "run_scenario", "run_scenario, all")
clock = time.perf_counter()
code = cli.main(sys.argv[2:])
total = time.perf_counter() - clock
with open(sys.argv[1], "w") as out:
    json.dump({"entered": entered, "main": total,
               "seconds": [[p, i, s] for (p, i), s in seconds.items()]}, out)
sys.exit(code)
'''

ENGINE_ALONE = r'''
import json, sys, time
import numpy as np
from placesim.engine.engine import Engine
from placesim.engine.place import Place
from placesim.engine.start import Start
from placesim.model import STATUS_QUO_LEVERS, burned_in
from placesim.scenario import load

citizens, weeks, regimes = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split(",")
scenario = load(sys.argv[5]).with_overrides({"place.citizens": citizens, "place.weeks": weeks})

def stepped(engine, until):
    elapsed = 0.0
    while engine.week < until:
        clock = time.perf_counter()
        engine.step()
        elapsed += time.perf_counter() - clock
    return elapsed

burn_in = int(scenario.get("place.burn_in_weeks"))
found = {}
drawn = Start.drawn(Place.build(scenario, STATUS_QUO_LEVERS), -burn_in)
found["burn-in"] = stepped(Engine(scenario, STATUS_QUO_LEVERS, drawn), 0)
del drawn
start = burned_in(scenario)
for regime in regimes:
    found[regime] = stepped(Engine(scenario, scenario.regime(regime), start), weeks)
with open(sys.argv[1], "w") as out:
    json.dump(found, out)
'''


def run_child(script: str, arguments: list[str]) -> tuple[dict, float, int]:
    """(what the child wrote, its wall time from launch to exit, its peak resident bytes)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        report = Path(handle.name)
    launched, clock = time.time(), time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", script, str(report), *arguments],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - clock
    errors = child.stderr.read().decode()
    child.stderr.close()
    if status:
        raise RuntimeError(f"child failed ({status}): {errors[-2000:]}")
    found = json.loads(report.read_text())
    report.unlink()
    found["launched"] = launched
    return found, wall, usage.ru_maxrss * 1024


def command_run(citizens: int, weeks: int, out: Path) -> dict:
    found, wall, peak = run_child(COMMAND, [
        "run", str(SCENARIO), "--citizens", str(citizens), "--weeks", str(weeks),
        "--out", str(out), "--replace", "--no-progress"])
    items: dict[str, dict[str, float]] = {}
    for phase, item, seconds in found["seconds"]:
        items.setdefault(phase, {})[item] = seconds
    engine = sum(timed.get("engine", 0.0) for phase, timed in items.items()
                 if phase != "start-up")  # not the kernels' 100-citizen warm-up
    return {"wall": wall, "peak_bytes": peak, "items": items, "main": found["main"],
            "before_main": found["entered"] - found["launched"], "engine_inside": engine}


def engine_run(citizens: int, weeks: int, regimes: list[str]) -> dict:
    found, _, _ = run_child(ENGINE_ALONE, [str(citizens), str(weeks), ",".join(regimes),
                                              str(SCENARIO)])
    found.pop("launched")
    return found


def profile(command: dict, regimes: list[str]) -> list[tuple[str, float]]:
    """Where the command's wall time went, phase by phase, in seconds (exclusive)."""
    items = command["items"]
    rows = [("interpreter start-up and imports",
             command["wall"] - command["main"])]  # launch to main(), with imports
    start_up = items.get("start-up", {})
    rows.append(("kernels loaded from the cache (a 100-citizen run)",
                 start_up.get("kernels loaded", 0.0)))
    burn = items.get("burn-in", {})
    rows += [
        ("burn-in: place drawn", burn.get("place drawn", 0.0)),
        ("burn-in: model built", burn.get("model built", 0.0)),
        ("burn-in: Engine.step", burn.get("engine", 0.0)),
        ("burn-in: rest of PlaceModel.step (agencies, indicators, data collection)",
         burn.get("model step", 0.0) - burn.get("engine", 0.0)),
        ("burn-in: tallies cleared", burn.get("tallies cleared", 0.0)),
        ("burn-in: burned-in place kept in a file", burn.get("kept in a file", 0.0)),
        ("burn-in: other", burn.get("burn-in, all", 0.0) - sum(
            burn.get(k, 0.0) for k in ("place drawn", "model built", "model step",
                                       "tallies cleared", "kept in a file")))]
    for regime in regimes:
        r = items.get(regime, {})
        written = sum(v for k, v in r.items() if k.endswith(" written"))
        rows += [
            (f"{regime}: model built (its population read from the file)",
             r.get("model built", 0.0)),
            (f"{regime}: Engine.step", r.get("engine", 0.0)),
            (f"{regime}: rest of PlaceModel.step", r.get("model step", 0.0)
             - r.get("engine", 0.0)),
            (f"{regime}: weekly table collected", r.get("weekly table collected", 0.0)),
            (f"{regime}: other in run_regime", r.get("regime, all", 0.0) - sum(
                r.get(k, 0.0) for k in ("model built", "model step",
                                        "weekly table collected"))),
            (f"{regime}: journeys built", r.get("journeys built", 0.0)),
            (f"{regime}: deciles (outcomes built and cut)",
             r.get("outcomes built", 0.0) + r.get("deciles cut", 0.0)),
        ]
        rows += [(f"{regime}: {k}", v) for k, v in sorted(r.items()) if k.endswith(" written")]
        rows += [(f"{regime}: other writing", r.get("tables written, all", 0.0) - written),
                 (f"{regime}: population released", r.get("population released", 0.0))]
    accounted = sum(seconds for _, seconds in rows)
    rows.append(("everything else (checks, summary printed, folder finished ...)",
                 command["wall"] - accounted))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=1_000_000)
    parser.add_argument("--weeks", type=int, default=520)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    regimes = ["target", "learning"]  # the default scenario's run list
    folder = Path(tempfile.mkdtemp(prefix="placesim-run-path-"))
    command_run(1_000, 2, folder / "warm")  # compile or load the kernels first
    commands, engines = [], []
    for repeat in range(args.repeats):
        commands.append(command_run(args.citizens, args.weeks, folder / "out"))
        engines.append(engine_run(args.citizens, args.weeks, regimes))
        print(f"repeat {repeat + 1}: command {commands[-1]['wall']:.1f} s, engine alone "
              f"{sum(engines[-1].values()):.1f} s", file=sys.stderr, flush=True)
    command = min(commands, key=lambda c: c["wall"])
    engine = {k: min(e[k] for e in engines) for k in engines[0]}
    burn_in_in_command = command["items"].get("burn-in", {}).get("burn-in, all", 0.0)
    whole = {"command_s": command["wall"], "engine_s": sum(engine.values())}
    without = {"command_s": command["wall"] - burn_in_in_command,
               "engine_s": sum(v for k, v in engine.items() if k != "burn-in")}
    report = {
        "citizens": args.citizens, "weeks": args.weeks, "regimes": regimes,
        "repeats": args.repeats, "goal_ratio": 1.15,
        "all_weeks": {**whole, "ratio": whole["command_s"] / whole["engine_s"]},
        # the same weeks' Engine.step as timed inside the command: the machine's noise
        # falls alike on both sides of this ratio
        "inside": {"command_s": command["wall"], "engine_s": command["engine_inside"],
                   "ratio": command["wall"] / command["engine_inside"]},
        "without_burn_in": {**without, "ratio": without["command_s"] / without["engine_s"]},
        "engine_alone_s": engine,
        "command_walls_s": [c["wall"] for c in commands],
        "engine_alone_totals_s": [sum(e.values()) for e in engines],
        "command_peak_bytes": command["peak_bytes"],
        "profile_s": profile(command, regimes)}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "run_path.json").write_text(json.dumps(report, indent=1) + "\n")
    text = render(report)
    (args.out / "run_path.md").write_text(text)
    print(text, end="")


def render(report: dict) -> str:
    n, weeks = report["citizens"], report["weeks"]
    lines = [f"# The run path: placesim run against Engine.step, {n:,} citizens x {weeks} "
             f"weeks, regimes {', '.join(report['regimes'])}", "",
             f"Best of {report['repeats']} interleaved repeats each.", "",
             "| weeks compared | placesim run (s) | Engine.step alone (s) | ratio |",
             "|---|---:|---:|---:|"]
    for key, name in (("all_weeks", "burn-in and every regime's weeks"),
                      ("without_burn_in", "every regime's weeks, burn-in left out")):
        r = report[key]
        lines.append(f"| {name} | {r['command_s']:.1f} | {r['engine_s']:.1f} | "
                     f"{r['ratio']:.3f} |")
    inside = report["inside"]
    lines.append(f"| the same, against Engine.step as timed inside the command | "
                 f"{inside['command_s']:.1f} | {inside['engine_s']:.1f} | "
                 f"{inside['ratio']:.3f} |")
    lines += ["", f"Goal: a ratio of at most {report['goal_ratio']}. Peak resident memory of "
              f"the command: {report['command_peak_bytes'] / 2**20:,.0f} MiB.", "",
              "Where the command's time went (best repeat):", "",
              "| phase | seconds | share |", "|---|---:|---:|"]
    wall = report["all_weeks"]["command_s"]
    for name, seconds in report["profile_s"]:
        lines.append(f"| {name} | {seconds:.2f} | {seconds / wall:.1%} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
