"""Reading an input file (a scenario or an experiment) as TOML, whatever the path holds.

A path from a user may name nothing, a folder, a device, a file too large to be a
scenario, a file that cannot be read, or text that is not TOML; it may be too long for
the system or hold a NUL byte. Each case is one clear problem naming the path, never an
exception from the operating system or the parser.
"""

from __future__ import annotations

import errno
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from placesim.scenario.errors import InputError, Problem, shown
from placesim.scenario.fields import SECTIONS

MAX_INPUT_BYTES = 1_000_000  # the bundled files are a few kB; a parameter file is text
LONGEST_SHOWN_PATH = 160

# The tables that only one kind of file has, and the command that reads each kind.
SCENARIO_TABLES = frozenset({*SECTIONS, "scenario", "regimes", "cohort"})
COMMANDS = {"scenario": "placesim run (or placesim validate)",
            "experiment": "placesim sweep (or placesim validate)"}


def read_text(path: Path, kind: str) -> str:
    """The UTF-8 text of the regular file at ``path`` (a ``kind`` file: "scenario" or
    "experiment")."""
    where = path_label(path)
    if "\0" in str(path):
        raise InputError([Problem(where, "", "a path cannot contain a NUL byte")])
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise InputError([Problem(where, "", f"is a folder, not a {kind} file (TOML)")])
        if not stat.S_ISREG(info.st_mode):
            raise InputError([Problem(where, "", f"is not a regular file; a {kind} file is "
                                      "a TOML text file")])
        with open(path, "rb") as file:
            data = file.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise InputError([Problem(where, "", f"no such {kind} file")]) from None
    except OSError as error:
        why = ("the path is longer than the system allows" if error.errno == errno.ENAMETOOLONG
               else error.strerror or str(error))
        raise InputError([Problem(where, "", f"cannot be read: {why}")]) from None
    if len(data) > MAX_INPUT_BYTES:
        raise InputError([Problem(where, "", f"is larger than {MAX_INPUT_BYTES:,} bytes: "
                                  f"too large for a {kind} file")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError([Problem(where, "", "is not UTF-8 text")]) from None


def path_label(path: Path | str) -> str:
    """A path as messages name it: as written, unless it is too long to read or holds
    characters that do not print (then quoted and cut)."""
    text = str(path)
    return text if text.isprintable() and len(text) <= LONGEST_SHOWN_PATH else shown(text)


def parse_toml(text: str, where: str) -> dict[str, Any]:
    """TOML text as nested dicts; malformed, absurdly nested or absurdly long input is
    one problem, not a parser's exception."""
    try:
        return tomllib.loads(text)
    except ValueError as error:  # TOMLDecodeError, or an integer of over 4,300 digits
        raise InputError([Problem(where, "", f"is not valid TOML: {error}")]) from None
    except RecursionError:
        raise InputError([Problem(where, "", "is not valid TOML: arrays or tables are "
                                  "nested too deeply")]) from None


def kind_of(raw: dict[str, Any]) -> str | None:
    """"experiment" for a file with an [experiment] table, "scenario" for one with only
    scenario tables, None when it is neither (its own checks will say why)."""
    if "experiment" in raw:
        return "experiment"
    return "scenario" if raw and set(raw) <= SCENARIO_TABLES else None


def check_kind(raw: dict[str, Any], kind: str, where: str) -> None:
    """Refuse a file of the other kind, naming what it is and the command that reads it."""
    found = kind_of(raw)
    if found is not None and found != kind:
        why = ("it has an [experiment] table" if found == "experiment"
               else "it has scenario tables and no [experiment] table")
        raise InputError([Problem(where, "", f"is {_a(found)} file, not {_a(kind)} file "
                                  f"({why}): run it with {COMMANDS[found]}")])


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def read_toml(path: Path, kind: str) -> dict[str, Any]:
    """The parsed content of a ``kind`` file (a file of the other kind is refused)."""
    raw = parse_toml(read_text(path, kind), path_label(path))
    check_kind(raw, kind, path_label(path))
    return raw
