"""Will a place fit in memory? Checked before any work, from what a citizen costs.

A run holds one place at a time (``runner``). Its peak is the larger of two phases:

* simulating: the packed citizen record (``CITIZEN_DTYPE.itemsize`` bytes), each
  citizen's starting income (int64) and the engine's per-citizen working arrays (the
  listed citizens and their queue entries, int32 and int64, and allocation's keys and
  choices, two int64);
* writing: the final records, the starting income, and the per-citizen outcomes table
  (its row size, read from the table itself) twice over while deciles are cut from it.

Pandas and the Parquet writer make short-lived copies on top (sums in int64, ranks for the
deciles), counted as a tenth more. Beyond that a process needs a fixed amount (Python,
numpy, pandas, pyarrow, the compiled kernels, a row group being encoded). Measured peaks
(`benchmarks/memory.py`: 262 bytes a citizen and 316 MiB fixed, both regimes of the
default place at 1 to 4 million citizens, with the 118-byte record of before the joint
population and the savings buffer) stayed below this estimate.
"""

from __future__ import annotations

import math
import os
from functools import cache
from pathlib import Path

import numpy as np

from placesim.engine.state import CITIZEN_DTYPE, empty_citizens
from placesim.outcomes import citizen_outcomes
from placesim.scenario import InputError, Problem

ENGINE_WORKING_BYTES = 4 + 8 + 8 + 8  # listed (int32), entries, keys, chosen (int64)
START_INCOME_BYTES = 8
TEMPORARIES = 1.1  # short-lived copies made by pandas and the Parquet writer
PROCESS_BYTES = 400 * 2**20  # interpreter, libraries, kernels, a row group in flight
GIB = 2**30


@cache
def outcome_row_bytes() -> int:
    """Bytes of one row of the per-citizen outcomes table."""
    frame = citizen_outcomes(np.zeros(1, np.int64), empty_citizens(1), 1)
    return int(frame.memory_usage(index=False, deep=False).sum())


def bytes_per_citizen() -> int:
    """Peak bytes a citizen costs in a run (the larger of simulating and writing)."""
    simulating = CITIZEN_DTYPE.itemsize + START_INCOME_BYTES + ENGINE_WORKING_BYTES
    writing = CITIZEN_DTYPE.itemsize + START_INCOME_BYTES + 2 * outcome_row_bytes()
    return math.ceil(TEMPORARIES * max(simulating, writing))


def bytes_needed(citizens: int, processes: int = 1) -> int:
    """Memory ``processes`` runs of ``citizens`` each need at once."""
    return processes * (PROCESS_BYTES + citizens * bytes_per_citizen())


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


def check_fits(citizens: int, processes: int = 1, flag: str = "--citizens") -> None:
    """Refuse, before any work, a place (times ``processes`` at once) that cannot fit."""
    needed, available = bytes_needed(citizens, processes), available_bytes()
    if available is None or needed <= available:
        return
    at_once = f" in each of {processes} processes at once" if processes > 1 else ""
    largest = max(0, (available // processes - PROCESS_BYTES) // bytes_per_citizen())
    raise InputError([Problem("command line", flag, (
        f"{citizens:,} citizens{at_once} need about {needed / GIB:.1f} GiB of memory "
        f"({bytes_per_citizen()} bytes a citizen, plus {PROCESS_BYTES / GIB:.1f} GiB a "
        f"process), but {available / GIB:.1f} GiB is available: the run would be killed "
        f"for lack of memory. Allowed here: at most about {largest:,} citizens"
        + (" (or fewer --workers)" if processes > 1 else "")))])
