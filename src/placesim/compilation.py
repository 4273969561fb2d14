"""The simulation kernels are compiled (numba) the first time they run on a machine and
cached on disk; a first run says so, and how long it took, instead of seeming to hang.
"""

from __future__ import annotations

import importlib
import sys
import time
from typing import TextIO

# The compiled functions a run calls from Python: every other kernel is compiled into
# one of these, so when these are cached, everything is.
ENTRY_POINTS = (("placesim.engine.kernels", "initialise"),
                ("placesim.engine.kernels", "live_week_pass"),
                ("placesim.engine.kernels", "meet_services_pass"),
                ("placesim.engine.allocation", "allocate"),
                ("placesim.engine.workforce", "_review"),
                ("placesim.deciles", "_income_keys"),
                ("placesim.deciles", "_decile_sums"))
EXPECTED = "about 60 s on 2 cores"  # measured: see the README


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
    model = PlaceModel(defaults(), "learning", citizens=100, weeks=1, seed=1,
                       overrides={"place.burn_in_weeks": 1})
    model.step()  # a one-week run: finished, so freed when dropped
    by_income_decile(model.engine.citizens, 1)
    seconds = time.perf_counter() - clock
    if cold:
        print(f"placesim: kernels compiled and cached in {seconds:.0f} s", file=stream,
              flush=True)
    return seconds
