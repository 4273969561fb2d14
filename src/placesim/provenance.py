"""What code produced a result: the package version and a hash of its source.

The version alone does not change while the model is being developed; the source hash
does, so a results store never mistakes a run of older rules for a run of these.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

from placesim import __version__

# Modules that only read, analyse or present results: editing them cannot change what a
# run produces, so they are left out of the hash (every other module is in, new ones too).
PRESENTATION = frozenset({"cli.py", "provenance.py", "experiments/sensitivity.py",
                          "experiments/ema.py", "validation/gateshead.py",
                          "validation/report.py", "validation/targets.py"})


@cache
def code_digest() -> str:
    """Hash of the package's Python sources and data files that can change a result."""
    digest = hashlib.sha256()
    root = resources.files("placesim")
    stack = [(root, "")]
    files = []
    while stack:
        folder, prefix = stack.pop()
        for entry in folder.iterdir():
            name = prefix + entry.name
            if entry.is_dir():
                if entry.name != "__pycache__":
                    stack.append((entry, name + "/"))
            elif entry.name.endswith((".py", ".csv")) and name not in PRESENTATION:
                files.append((name, entry))
    for name, entry in sorted(files, key=lambda item: item[0]):
        digest.update(name.encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()[:12]


def code_version() -> str:
    """``<version>+<source hash>``, as recorded with every run."""
    return f"{__version__}+{code_digest()}"
