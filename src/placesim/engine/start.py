"""The state a run starts from: the place as its first week finds it.

A place is either freshly drawn (the population from the initialisation kernel, workers
at their starting motivation, budgets as the scenario sets them) or burned in: run under
the status quo for ``place.burn_in_weeks`` before week 0 (``model.burned_in``), so that
week 0 looks like any other week. Both schedulers start from the same :class:`Start`,
and so does every regime of a run.

The burn-in is weeks ``-place.burn_in_weeks`` to -1 of the place's own clock. Every
random draw is keyed by its week (``rng.agent_key``), so the burn-in's draws are keyed
apart from those of every week of the run, and the week stamps it leaves (a claim made
in week -3, a request in week -10) already mean the same on the run's clock.

A start's citizens are in memory, or kept in a temporary file (:meth:`Start.kept`): then
the process holds no copy of them, and each scheduler that takes them reads its own
(:meth:`Start.population`). A run of several regimes keeps its burned-in place so, and
holds one population at a time, however large the place. A start made for one scheduler
alone gives it its records as they are (:meth:`Start.given`): the burn-in's freshly
drawn place.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from placesim.engine.params import NO_PULL, GamingPulls
from placesim.engine.place import Place
from placesim.engine.state import Stage, Status

# The cumulative per-citizen tallies: what happened over the run, zero at its week 0.
TALLIES = ("public_cost", "fees_charged", "ct_paid")
CHUNK_BYTES = 1 << 26  # read a kept population 64 MiB at a time


class RecordsFile:
    """Citizens' records in a temporary file without a name: the operating system holds
    them (in its page cache, on disk when memory is short), not the process. Having no
    name, the file goes when the last reference to it does, or when the process ends,
    however it ends: nothing is left behind."""

    def __init__(self, records: np.ndarray, folder: Path | None = None):
        self.dtype, self.n = records.dtype, len(records)
        self._file = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - lives with self
        self._file.write(memoryview(np.ascontiguousarray(records).view(np.uint8)))
        self._file.flush()

    def read(self, first: int = 0, count: int | None = None) -> np.ndarray:
        """Records ``first`` to ``first + count`` (by default all), as a new array."""
        count = self.n - first if count is None else count
        records = np.empty(count, dtype=self.dtype).view(np.recarray)
        buffer = memoryview(records.view(np.uint8))
        offset, done = first * self.dtype.itemsize, 0
        while done < len(buffer):  # positional reads: several readers may share the file
            got = os.preadv(self._file.fileno(), [buffer[done:done + CHUNK_BYTES]],
                            offset + done)
            if got == 0:
                raise OSError(f"a kept population ended {len(buffer) - done} bytes short")
            done += got
        return records

    def mapped(self) -> np.ndarray:
        """The records mapped read-only from the file: in memory only where read."""
        if self.n == 0:
            return np.empty(0, dtype=self.dtype).view(np.recarray)
        return np.memmap(self._file, dtype=self.dtype, mode="r",
                         shape=(self.n,)).view(np.recarray)


class GivenRecords:
    """Records handed as they are, not copied, to the one scheduler that takes them."""

    def __init__(self, records: np.ndarray):
        self._records: np.ndarray | None = records

    def read(self) -> np.ndarray:
        if self._records is None:
            raise RuntimeError("a given start's records were taken already; keep the "
                               "start (Start.kept) to run several schedulers from it")
        records, self._records = self._records, None
        return records


@dataclass(frozen=True)
class Workers:
    """One team's workers at the start: skill, motivation, stress and volunteering."""

    skill: np.ndarray
    motivation: np.ndarray
    stress: np.ndarray
    volunteer: np.ndarray

    @classmethod
    def hired(cls, skill: np.ndarray, volunteer: np.ndarray, p) -> Workers:
        """A new team: volunteers and others at their starting motivation, no stress."""
        volunteer = volunteer.astype(np.bool_)
        return cls(skill.astype(np.float64),
                   np.where(volunteer, p.workforce_motivation_volunteer,
                            p.workforce_motivation_ordinary).astype(np.float64),
                   np.zeros(len(skill), dtype=np.float64), volunteer)

    def copy(self) -> Workers:
        return Workers(self.skill.copy(), self.motivation.copy(), self.stress.copy(),
                       self.volunteer.copy())


@dataclass(frozen=True)
class Start:
    """A place at the beginning of week ``week``: its citizens' records, the relational
    caseworkers' caseloads, both teams, each service's staff hours and budget (GBP a
    week), and which agencies' reported figures fell short of their targets at the last
    review (``short``: 1 where short, 0 elsewhere). A scheduler copies what it takes;
    the citizens it takes with :meth:`population`."""

    week: int
    citizens: np.ndarray
    caseload: np.ndarray
    assessors: Workers
    caseworkers: Workers
    service_hours: np.ndarray
    service_budget: np.ndarray
    short: GamingPulls
    flagged_before: np.ndarray  # bool: flagged for arrears at any time before ``week``
    source: RecordsFile | GivenRecords | None = None  # where schedulers take citizens from

    @classmethod
    def drawn(cls, place: Place, week: int = 0) -> Start:
        """A freshly drawn place whose first week is ``week`` (0, or the first week of a
        burn-in): weekly council-tax bills run from that week."""
        citizens = place.starting_population()
        citizens["ct_due_until"] = week
        p = place.params[0]
        return cls(week=week, citizens=citizens,
                   caseload=np.zeros(len(place.caseworker_skill), dtype=np.int64),
                   assessors=Workers.hired(place.assessor_skill,
                                           np.zeros(len(place.assessor_skill), bool), p),
                   caseworkers=Workers.hired(place.caseworker_skill,
                                             place.caseworker_volunteer, p),
                   service_hours=place.service_hours.copy(),
                   service_budget=place.service_hours * place.service_hourly_cost(),
                   short=NO_PULL, flagged_before=np.zeros(place.n, dtype=np.bool_))

    def pulls(self, payment_by_results: float) -> GamingPulls:
        """Each agency's pull toward gaming in the first week under a regime's payment by
        results (``institutions.gaming_pull``): that strength where its figure fell short
        at the last review, none elsewhere."""
        return GamingPulls(tuple(payment_by_results * s for s in self.short.services),
                           payment_by_results * self.short.benefits)

    def population(self) -> np.ndarray:
        """The citizens' records as an array of their own, for a scheduler to run: read
        from the file the start is kept in, the records themselves if given, else a
        copy."""
        return self.source.read() if self.source is not None else self.citizens.copy()

    def chunks(self, size: int) -> Iterator[np.ndarray]:
        """The citizens' records ``size`` at a time (read from the file, if kept)."""
        kept = isinstance(self.source, RecordsFile)
        for first in range(0, len(self.citizens), size):
            yield (self.source.read(first, min(size, len(self.citizens) - first)) if kept
                   else self.citizens[first:first + size])

    def kept(self, folder: Path | None = None) -> Start:
        """The same start with its citizens kept in a temporary file (``RecordsFile``) in
        ``folder`` (by default the system's temporary folder) instead of memory, once
        the caller lets go of this one."""
        if isinstance(self.source, RecordsFile):
            return self
        file = RecordsFile(self.citizens, folder)
        return replace(self, citizens=file.mapped(), source=file)

    def given(self) -> Start:
        """The same start for one scheduler alone, which takes the records as they are
        instead of a copy: a start made only to be run once need not be held twice (and
        must not be read after it is taken)."""
        return replace(self, source=GivenRecords(self.citizens))

    def clear_tallies(self) -> Start:
        """Make this the place as a run's outputs count it from its week 0: every
        citizen's cumulative tallies at zero, and FLAGGED ("ever flagged") kept only for
        those in the recovery process now, so that it means flagged in the run or in the
        process when it began. Returns the start with who had been flagged before in
        ``flagged_before``.

        The records are cleared where they are, not copied (a burned-in start is made of
        the finished burn-in's own records), so a large place is not held twice."""
        citizens = self.citizens
        for name in TALLIES:
            citizens[name] = 0
        flagged = (citizens["status"] & Status.FLAGGED) != 0
        out_of_process = citizens["stage"] == Stage.NONE
        citizens["status"] &= np.where(out_of_process, ~np.uint8(Status.FLAGGED), 0xFF
                                       ).astype(np.uint8)
        return replace(self, citizens=citizens, flagged_before=self.flagged_before | flagged)
