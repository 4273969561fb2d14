"""Names that become file and folder names: scenario, regime and experiment names.

A scenario's name is the folder its results go to (``results/<name>/``), a regime's name
is part of each result file's name (``regime=<name>.parquet``) and an experiment's name is
its sweep's folder. A name is therefore a single, portable path component: no separators,
no ``..``, nothing hidden, nothing a shell or a file system reads specially.
"""

from __future__ import annotations

import re
from typing import Any

from placesim.scenario.errors import shown

MAX_NAME = 64
# an experiment's name may join a scenario's and two regimes' (a comparison's is
# "<scenario>-<baseline>-vs-<reform>") and stays well inside a file name's 255 bytes
MAX_EXPERIMENT_NAME = 200
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def name_rule(longest: int = MAX_NAME) -> str:
    """What a name may be, for messages and docs."""
    return (f"1 to {longest} characters: letters A-Z and a-z, digits, '_', '-' and '.', "
            "starting with a letter or digit")


def name_problem(value: Any, longest: int = MAX_NAME) -> str | None:
    """Why ``value`` cannot be a name, or None when it can."""
    rule = name_rule(longest)
    if not isinstance(value, str):
        return f"{shown(value)} must be text (a quoted string); allowed: {rule}"
    if not value:
        return f"is empty; allowed: {rule}"
    if len(value) > longest:
        return f"{shown(value)} is {len(value):,} characters long; allowed: {rule}"
    if not _NAME.fullmatch(value):
        return (f"{shown(value)} is not allowed: names become file and folder names; "
                f"allowed: {rule}")
    return None


def safe_name(text: str, fallback: str, longest: int = MAX_NAME) -> str:
    """``text`` made into a name (disallowed characters to '_', cut to length), or
    ``fallback`` if nothing is left: the default name of a file whose stem is not one."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._-")[:longest]
    return cleaned if _NAME.fullmatch(cleaned) else fallback
