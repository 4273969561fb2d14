"""The simulation kernels are compiled (numba) the first time they run on a machine and
cached on disk; a first run says so, and how long it took, instead of seeming to hang.

numba compiles one function at a time in a process, so a first run on a machine with
more than one core compiles the three largest kernels (phases 1-3, phases 5-6 and
allocation: nine tenths of the time) side by side, each in a process of its own writing
to the shared on-disk cache, before its tiny run loads them (benchmarks/NOTES.md).
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import TextIO

import numpy as np

# The compiled functions a run calls from Python: every other kernel is compiled into
# one of these, so when these are cached, everything is.
ENTRY_POINTS = (("placesim.engine.kernels", "initialise"),
                ("placesim.engine.kernels", "live_week_pass"),
                ("placesim.engine.kernels", "meet_services_pass"),
                ("placesim.engine.allocation", "allocate"),
                ("placesim.engine.workforce", "_review"),
                ("placesim.deciles", "_income_keys"),
                ("placesim.deciles", "_decile_sums"))
EXPECTED = "about a minute on 2 cores"  # measured: see the README
# The Engine methods whose kernels are compiled side by side, the largest first.
PHASES = ("live_week", "meet_services", "allocate")


def usable_cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _compile_phase(phase: str) -> None:
    """In a process of its own: compile one phase's kernels into the on-disk cache by
    running that phase once on a tiny place drawn afresh."""
    from placesim.engine.engine import Engine
    from placesim.engine.metrics import N_METRICS
    from placesim.scenario import defaults

    scenario = defaults().with_overrides({"place.citizens": 100})
    engine = Engine(scenario, scenario.regime("learning"))
    getattr(engine, phase)(np.zeros(N_METRICS, dtype=np.int64))


def compile_side_by_side(processes: int) -> None:
    """Compile the phases' kernels in up to ``processes`` processes at once (none with
    fewer than two). A failure here only loses time: the tiny run that follows compiles
    whatever is still missing, and raises what is wrong where it can be read."""
    if processes < 2:
        return
    try:
        with ProcessPoolExecutor(min(processes, len(PHASES)),
                                 mp_context=get_context("spawn")) as pool:
            list(pool.map(_compile_phase, PHASES))
    except Exception:  # noqa: BLE001 - any failure is the tiny run's to report
        return


def kernels_cached() -> bool:
    """Whether every entry point has a valid compiled version in numba's on-disk cache
    (an index written for the current source). Unknown counts as cached: then nothing is
    announced, and the timing after the fact still tells."""
    try:
        for module, name in ENTRY_POINTS:
            dispatcher = getattr(importlib.import_module(module), name)
            if not dispatcher._cache._cache_file._load_index():  # noqa: SLF001
                return False
    except (AttributeError, OSError, ValueError):
        return True
    return True


def prepare_kernels(stream: TextIO | None = None) -> float:
    """Compile (or load) the kernels with a tiny run (a week of burn-in, a week, its
    deciles); announce a compilation and its time (on ``stream``, default standard
    error). Returns the seconds it took."""
    from placesim.deciles import by_income_decile
    from placesim.model import PlaceModel
    from placesim.scenario import defaults

    stream = stream or sys.stderr
    cold = not kernels_cached()
    if cold:
        print(f"placesim: compiling the simulation kernels for this machine, once "
              f"({EXPECTED}; later runs load them from the cache in seconds) ...",
              file=stream, flush=True)
    clock = time.perf_counter()
    if cold:
        compile_side_by_side(usable_cores())
    model = PlaceModel(defaults(), "learning", citizens=100, weeks=1, seed=1,
                       overrides={"place.burn_in_weeks": 1})
    model.step()  # a one-week run: finished, so freed when dropped
    by_income_decile(model.engine.citizens, 1)
    seconds = time.perf_counter() - clock
    if cold:
        print(f"placesim: kernels compiled and cached in {seconds:.0f} s", file=stream,
              flush=True)
    return seconds
