"""Will a place fit in memory? Checked before any work, from what a citizen costs.

A run holds one population at a time: the place burned in once for all its regimes
waits in a temporary file while each regime runs (``runner``, ``engine.start``), and each
engine reads its own copy from there. Its peak is the largest of these phases:

* simulating: the packed citizen record (``CITIZEN_DTYPE.itemsize`` bytes), the engine's
  per-citizen working arrays (the listed citizens and their queue entries, int32 and
  int64, room for a quarter of the citizens, ``engine.LISTING_SHARE``: widened only in
  a week that lists more), whether each is settled (uint8, ``engine.settled``),
  allocation's keys and choices (an int64 each for every citizen in a queue: at most all
  of them) and who had been flagged before the run (bool);
* writing a run's tables: the final records and each citizen's income key (int64) while
  the deciles are cut (``deciles``); the citizens table goes a row group at a time;
* keeping per-citizen outcomes (a comparison, a sweep that asks for them): the final
  records, each citizen's starting income and the outcomes table (its row size, read
  from the table itself) twice over while it is converted to be written.

Short-lived copies (sums in int64, the Parquet writer's buffers) are counted as a tenth
more. Beyond that a process needs a fixed amount (Python, numpy, pandas, pyarrow, mesa,
the compiled kernels, a row group being encoded), the most a command loads: measured,
290 MiB for ``placesim run`` and 382 MiB for ``placesim compare``. Measured from outside
(`benchmarks/memory.py`: the whole ``placesim run`` of the default place, its peak less
its peak at 10^3 citizens), a run costs 163 bytes a citizen at 10^6 citizens x 26 weeks
and 151 at 10^7 x 520 weeks, with the 143-byte record: below this estimate's 181.
"""

from __future__ import annotations

import math
import os
from functools import cache
from pathlib import Path

import numpy as np

from placesim.engine.engine import LISTING_SHARE
from placesim.engine.state import CITIZEN_DTYPE, empty_citizens
from placesim.outcomes import citizen_outcomes
from placesim.scenario import InputError, Problem

# listed (int32) and entries (int64) for a share of the citizens; keys, chosen (int64),
# whether settled (uint8) for each
ENGINE_WORKING_BYTES = LISTING_SHARE * (4 + 8) + 8 + 8 + 1
FLAGGED_BEFORE_BYTES = 1
INCOME_KEY_BYTES = 8
START_INCOME_BYTES = 8
TEMPORARIES = 1.1  # short-lived copies made by numpy, pandas and the Parquet writer
PROCESS_BYTES = 400 * 2**20  # interpreter, libraries, kernels, a row group in flight
GIB = 2**30


@cache
def outcome_row_bytes() -> int:
    """Bytes of one row of the per-citizen outcomes table."""
    frame = citizen_outcomes(np.zeros(1, np.int64), empty_citizens(1), 1)
    return int(frame.memory_usage(index=False, deep=False).sum())


def bytes_per_citizen(outcomes: bool = False) -> int:
    """Peak bytes a citizen costs in a run (the largest of its phases); ``outcomes``:
    the run keeps one row of outcomes per citizen."""
    record = CITIZEN_DTYPE.itemsize
    phases = [record + ENGINE_WORKING_BYTES + FLAGGED_BEFORE_BYTES,
              record + INCOME_KEY_BYTES]
    if outcomes:
        phases.append(record + START_INCOME_BYTES + 2 * outcome_row_bytes())
    return math.ceil(TEMPORARIES * max(phases))


def bytes_needed(citizens: int, processes: int = 1, places: int = 1,
                 outcomes: bool = False) -> int:
    """Memory ``processes`` processes need at once, each running ``places`` places of
    ``citizens`` (``outcomes``: keeping per-citizen outcomes)."""
    return processes * (PROCESS_BYTES + places * citizens * bytes_per_citizen(outcomes))


def _cgroup_available() -> int | None:
    """What a container's (cgroup v2) memory limit leaves, if it sets one."""
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = int(Path("/sys/fs/cgroup/memory.current").read_text())
    except (OSError, ValueError):
        return None
    return None if limit == "max" else max(0, int(limit) - used)


def available_bytes() -> int | None:
    """Memory available to new work: /proc/meminfo's MemAvailable (and a container's
    limit, if lower); else the system's free pages; None if the system does not say."""
    found = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    if found is None:
        try:
            found = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (AttributeError, ValueError, OSError):
            return None
    limit = _cgroup_available()
    return found if limit is None else min(found, limit)


def check_fits(citizens: int, processes: int = 1, flag: str = "--citizens",
               places: int = 1, outcomes: bool = False) -> None:
    """Refuse, before any work, a place that cannot fit: ``places`` of them in each of
    ``processes`` processes at once, keeping per-citizen outcomes if ``outcomes``."""
    problem = fit_problem(citizens, processes, places, outcomes)
    if problem is not None:
        raise InputError([Problem("command line", flag, problem)])


def fit_problem(citizens: int, processes: int = 1, places: int = 1,
                outcomes: bool = False) -> str | None:
    """Why ``places`` places of ``citizens`` in each of ``processes`` processes cannot
    fit in the memory available now, or None when they can (or the system does not
    say)."""
    needed, available = bytes_needed(citizens, processes, places, outcomes), available_bytes()
    if available is None or needed <= available:
        return None
    per_citizen = bytes_per_citizen(outcomes)
    at_once = f" in each of {processes} processes at once" if processes > 1 else ""
    what = f"{places} places of {citizens:,} citizens" if places > 1 else f"{citizens:,} citizens"
    largest = max(0, (available // processes - PROCESS_BYTES) // (places * per_citizen))
    return (f"{what}{at_once} need about {needed / GIB:.1f} GiB of memory ({per_citizen} "
            f"bytes a citizen, plus {PROCESS_BYTES / GIB:.1f} GiB a process), but "
            f"{available / GIB:.1f} GiB is available: the run would be killed for lack of "
            f"memory. Allowed here: at most about {largest:,} citizens"
            + (" (or fewer --workers)" if processes > 1 else ""))
