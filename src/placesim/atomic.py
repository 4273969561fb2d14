"""Files that are whole or absent: written under a temporary name, then renamed.

A rename within one directory is atomic, so a reader (or a run resumed after a crash)
never sees half a file. The temporary is flushed to the disk before the rename, so a
file that has its final name is whole even after a power cut. Temporary names start with
a dot and hold ``.tmp-`` (``.<name>.tmp-<pid>``), so pyarrow, pandas and the
``*.parquet`` patterns in the docs never read one; a killed writer's temporaries are
cleared by the next writer of the folder (``placesim.folders.writing``).

A write that fails (a full disk, a folder made read-only) leaves the old file, if any,
as it was, removes its temporary, and raises :class:`ResultsNotWritten` naming the file
and the reason.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:  # matplotlib takes half a second to load: only callers that draw do
    from matplotlib.figure import Figure

TEMPORARY_MARK = ".tmp-"


class ResultsNotWritten(OSError):
    """A results file could not be written; nothing half-written was left."""

    def __init__(self, path: Path, error: OSError):
        why = ("the disk is full" if error.errno == errno.ENOSPC
               else error.strerror or str(error))
        super().__init__(error.errno, f"{path} could not be written: {why}; nothing "
                         "half-written was left (finished files are whole)")
        self.path = path


def _temporary(path: Path) -> Path:
    """A hidden name in the same folder that no reader's pattern (``*.parquet``) matches."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}{TEMPORARY_MARK}{os.getpid()}")


def _flush(path: Path) -> None:
    """Make the file's bytes durable before it takes its final name."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@contextmanager
def replaced(path: Path) -> Iterator[Path]:
    """A temporary path to write ``path`` through: renamed into place when the block ends
    normally, removed if it raises (so ``path`` is left as it was)."""
    try:
        temporary = _temporary(path)
    except OSError as error:
        raise ResultsNotWritten(path, error) from error
    try:
        yield temporary
        _flush(temporary)
        os.replace(temporary, path)
    except ResultsNotWritten:
        raise
    except OSError as error:
        raise ResultsNotWritten(path, error) from error
    finally:
        temporary.unlink(missing_ok=True)


def write_table(table: pa.Table, path: Path) -> None:
    """A Parquet file. Only text columns are dictionary-encoded: numbers rarely repeat
    enough to gain from it, and trying costs most of the writing time of a large table."""
    text = [f.name for f in table.schema if pa.types.is_string(f.type)
            or pa.types.is_large_string(f.type)]
    with replaced(path) as temporary:
        pq.write_table(table, temporary, use_dictionary=text)


def write_text(path: Path, text: str) -> None:
    """A text file (UTF-8)."""
    with replaced(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def write_json(path: Path, content: Any) -> None:
    """A JSON file, keys sorted so equal content gives equal bytes."""
    write_text(path, json.dumps(content, sort_keys=True, indent=1, default=str) + "\n")


def save_figure(figure: Figure, path: Path) -> None:
    """A PNG rendered without pyplot's global state, so no display is needed."""
    with replaced(path) as temporary:
        figure.savefig(temporary, format="png", dpi=110, bbox_inches="tight")
