"""Input errors that name the file, the field, the value and what is allowed."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


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


def nearest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to a misspelt name, if any is close enough."""
    found = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def unknown_key_message(key: str, candidates: Iterable[str], what: str = "field") -> str:
    candidates = sorted(candidates)
    guess = nearest(key, candidates)
    hint = f"did you mean '{guess}'?" if guess else f"allowed: {', '.join(candidates)}"
    return f"unknown {what} '{key}'; {hint}"
