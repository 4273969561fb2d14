"""Input errors that name the file, the field, the value and what is allowed."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input."""

    where: str
    path: str
    message: str

    def __str__(self) -> str:
        field = f" {self.path}:" if self.path else ""
        return f"{self.where}:{field} {self.message}"


class InputError(Exception):
    """Bad input from a user: shown as clear messages, never as a traceback."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


SHOWN_LENGTH = 60


def shown(value: Any) -> str:
    """A value as a message quotes it: its ``repr``, cut to a readable length, so a
    5,000-character name or a deeply nested table is not echoed whole."""
    try:
        text = repr(value)
    except ValueError:  # an integer too long to print (over 4,300 digits)
        return f"a {value.bit_length():,}-bit number"
    except RecursionError:  # a list or table nested thousands deep
        return f"a deeply nested {type(value).__name__}"
    return text if len(text) <= SHOWN_LENGTH else f"{text[:SHOWN_LENGTH]}..."


def key_label(key: Any) -> str:
    """A key as part of a dotted path in a message: as written if it is short printable
    text, else quoted and cut (a NUL byte or a newline is shown, not printed)."""
    if isinstance(key, str) and key.isprintable() and 0 < len(key) <= SHOWN_LENGTH:
        return key
    return shown(key)


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to a misspelt name, if any is close enough."""
    found = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def unknown_key_message(key: Any, candidates: Iterable[Any], what: str = "field") -> str:
    """An unknown key: the nearest allowed one, or the list of what is allowed. Keys may
    be anything a caller passed (a table, a number), so both sides are read as text."""
    candidates = sorted(str(c) for c in candidates)
    guess = nearest(key, candidates) if isinstance(key, str) else None
    hint = f"did you mean '{guess}'?" if guess else f"allowed: {', '.join(candidates)}"
    return f"unknown {what} {shown(key)}; {hint}"
