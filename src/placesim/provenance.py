"""What code produced a result: the package version and a hash of its source.

The version alone does not change while the model is being developed; the source hash
does, so a results store never mistakes a run of older rules for a run of these.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

from placesim import __version__


@cache
def code_digest() -> str:
    """Hash of every Python source file and data file of the installed package."""
    digest = hashlib.sha256()
    root = resources.files("placesim")
    stack = [root]
    files = []
    while stack:
        for entry in stack.pop().iterdir():
            if entry.is_dir():
                if entry.name != "__pycache__":
                    stack.append(entry)
            elif entry.name.endswith((".py", ".csv")):
                files.append(entry)
    for entry in sorted(files, key=lambda e: str(e)):
        digest.update(str(entry).removeprefix(str(root)).encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:12]


def code_version() -> str:
    """``<version>+<source hash>``, as recorded with every run."""
    return f"{__version__}+{code_digest()}"
