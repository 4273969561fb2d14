"""Results folders: checked before any work, written by one placesim at a time, and
saying what they hold.

* ``check_writable``: a folder that is a file, cannot be made or cannot be written is
  refused before anything is run.
* ``writing``: an advisory lock (``.placesim.lock``, an ``fcntl`` lock the system drops
  when its holder dies, however it dies) so a second placesim writing the same folder is
  refused with who holds it; temporaries left by a killed writer are cleared under it.
* ``RunFolder``: the folder of a ``placesim run``. Its ``manifest.json`` says what it holds
  (scenario and its content hash, size, seed, code version, each regime's run id). A run
  into a folder holding another scenario's, size's or code's results is refused, naming
  both; with ``replace`` the new results are written beside the old ones and swapped in
  only when every regime has finished, so an interrupted replacement loses nothing.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from placesim.atomic import TEMPORARY_MARK, write_json
from placesim.scenario import InputError, Problem
from placesim.scenario.files import path_label

try:
    import fcntl
except ImportError:  # not a POSIX system: folders are not locked (see ``writing``)
    fcntl = None  # type: ignore[assignment]

LOCK = ".placesim.lock"
MANIFEST = "manifest.json"
RUN_KIND = "placesim run"


def check_writable(out: Path, where: str = "arguments", flag: str = "out") -> None:
    """Refuse, before any work, a results folder that cannot be made or written."""
    problem = None
    label = path_label(out)
    if "\0" in str(out):
        problem = f"{label} cannot be a folder: a path cannot contain a NUL byte"
    else:
        try:
            if out.exists() and not out.is_dir():
                problem = f"'{label}' is a file, not a folder; give a folder for the results"
            else:
                out.mkdir(parents=True, exist_ok=True)
                probe = out / f".write-test{TEMPORARY_MARK}{os.getpid()}"
                probe.write_bytes(b"")
                probe.unlink()
        except OSError as error:
            why = ("the path is longer than the system allows"
                   if error.errno == errno.ENAMETOOLONG else error.strerror or str(error))
            problem = f"'{label}' cannot be written: {why}"
    if problem:
        raise InputError([Problem(where, flag, problem)])


def check_folder(folder: Path, where: str = "arguments", flag: str = "") -> None:
    """Refuse a path that does not name an existing, readable folder."""
    label, problem = path_label(folder), None
    if "\0" in str(folder):
        problem = "a path cannot contain a NUL byte"
    else:
        try:
            if not folder.is_dir():
                problem = "is not a folder" if folder.exists() else "no such folder"
        except OSError as error:
            problem = ("the path is longer than the system allows"
                       if error.errno == errno.ENAMETOOLONG else error.strerror or str(error))
    if problem:
        raise InputError([Problem(where, flag, f"'{label}': {problem}")])


def _holder() -> dict[str, Any]:
    return {"pid": os.getpid(), "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join(["placesim", *sys.argv[1:]])[:300]}


def clear_temporaries(out: Path) -> None:
    """Remove the hidden temporaries a killed writer left (only called under the lock,
    when no writer can be using them). They never looked like results (see atomic)."""
    for path in out.rglob(f".*{TEMPORARY_MARK}*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


@contextmanager
def writing(out: Path) -> Iterator[None]:
    """Hold ``out``'s lock while writing into it; refuse if another placesim holds it.

    The lock is advisory and held on an open file, so it is released when the process
    ends, even by ``kill -9``: a stale lock cannot block the next run. On a file system
    without locks (some network mounts) the folder is written unlocked, with a warning.
    """
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise InputError([Problem(path_label(out), "", _busy(path))]) from None
            except OSError as error:
                print(f"placesim: warning: {path_label(out)} cannot be locked "
                      f"({error.strerror}); make sure no other placesim writes to it",
                      file=sys.stderr)
        os.ftruncate(descriptor, 0)
        os.write(descriptor, json.dumps(_holder()).encode())
        clear_temporaries(out)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _busy(lock: Path) -> str:
    try:
        holder = json.loads(lock.read_text(encoding="utf-8"))
        who = (f" (pid {holder['pid']} on {holder['host']}, since {holder['since']}: "
               f"{holder['command']})")
    except (OSError, ValueError, KeyError, TypeError):
        who = ""
    return (f"is being written by another placesim{who}; wait for it to finish or give "
            "another output folder")


# -- the folder of a ``placesim run`` ------------------------------------------------------

def run_identity(scenario, code_version: str) -> dict[str, Any]:
    """What makes two runs' results belong in one folder: the same scenario content
    (size, weeks and seed included) and the same code."""
    return {"scenario": scenario.name, "scenario_digest": scenario.digest(),
            "citizens": int(scenario.get("place.citizens")),
            "weeks": int(scenario.get("place.weeks")), "seed": int(scenario.get("place.seed")),
            "code_version": code_version}


def describe(identity: Mapping[str, Any]) -> str:
    return (f"scenario {identity.get('scenario')} (content {identity.get('scenario_digest')}"
            f"), {identity.get('citizens', 0):,} citizens x {identity.get('weeks')} weeks, "
            f"seed {identity.get('seed')}, placesim {identity.get('code_version')}")


def read_manifest(out: Path) -> dict[str, Any] | None:
    path = out / MANIFEST
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


class RunFolder:
    """Where a ``placesim run`` writes, claimed before any work (see the module doc)."""

    def __init__(self, out: Path, identity: Mapping[str, Any], tables: tuple[str, ...],
                 replace: bool = False, where: str = "arguments", flag: str = "out"):
        self.out, self.identity, self.tables = out, dict(identity), tables
        check_writable(out, where, flag)
        self.replacing = self._claim(replace)
        if self.replacing:  # the replacement is written beside the old results
            check_writable(out.parent, where, f"{flag} (its parent folder, for --replace)")
        self.target = (out.parent / f".{out.name}{TEMPORARY_MARK}new-{os.getpid()}"
                       if self.replacing else out)
        held = read_manifest(out) if not self.replacing else None
        self.manifest = held or {"kind": RUN_KIND, **self.identity, "regimes": {}}

    def _claim(self, replace: bool) -> bool:
        """Whether the old contents must be replaced; refuse what cannot be."""
        ours = {*self.tables, MANIFEST, LOCK}
        entries = [p.name for p in self.out.iterdir() if TEMPORARY_MARK not in p.name]
        if not [e for e in entries if e != LOCK]:
            return False
        held = read_manifest(self.out)
        foreign = sorted(e for e in entries if e not in ours)
        where = path_label(self.out)
        if foreign:
            raise InputError([Problem(where, "", (
                f"holds files placesim did not write ({', '.join(foreign[:5])}"
                f"{', ...' if len(foreign) > 5 else ''}); results are only written to an "
                "empty folder or one of placesim's own: give another --out"))])
        same = held is not None and held.get("kind") == RUN_KIND and all(
            held.get(k) == v for k, v in self.identity.items())
        if same:
            return False
        holds = (describe(held) if held is not None else
                 "results without a manifest (written by an older placesim)")
        if not replace:
            raise InputError([Problem(where, "", (
                f"holds {holds}; this run is {describe(self.identity)}. Results of "
                "different runs are not mixed in one folder: give another --out, or "
                "--replace to replace them (the old results are kept until the new run "
                "has finished)"))])
        return True

    @contextmanager
    def open(self) -> Iterator[Path]:
        """Lock the folder and yield where to write; swap a replacement in at the end."""
        with writing(self.out):
            if self.replacing:  # and any replacement a killed run left half-made
                for stale in self.out.parent.glob(f".{self.out.name}{TEMPORARY_MARK}*"):
                    shutil.rmtree(stale, ignore_errors=True)
                self.target.mkdir()
            try:
                yield self.target
            except BaseException:
                if self.replacing:
                    shutil.rmtree(self.target, ignore_errors=True)
                raise
            if self.replacing:
                self._swap()

    def finished(self, regime: str, run_id: str) -> None:
        """Record a regime whose tables are all written."""
        self.manifest.setdefault("regimes", {})[regime] = {
            "run_id": run_id, "finished_utc": datetime.now(UTC).isoformat(timespec="seconds")}
        self.manifest["tables"] = list(self.tables)
        write_json(self.target / MANIFEST, self.manifest)

    def _swap(self) -> None:
        """Put the finished replacement where the old results were, then drop them."""
        aside = self.out.parent / f".{self.out.name}{TEMPORARY_MARK}old-{os.getpid()}"
        os.replace(self.out, aside)
        os.replace(self.target, self.out)
        shutil.rmtree(aside, ignore_errors=True)

