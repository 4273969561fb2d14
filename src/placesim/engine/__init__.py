"""The population engine: rules, state arrays and the numba scheduler.

The kernels are compiled once per machine and cached on disk, in a folder named by a hash
of the engine's source (:func:`kernel_cache`). numba checks a cached function only
against the file it is defined in, so a kernel that inlines a rule from another file
would otherwise be loaded unchanged after that rule was edited: a stale model.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numba

ENGINE_SOURCE = Path(__file__).parent


def kernel_cache(engine: Path = ENGINE_SOURCE) -> Path:
    """Where the kernels of the engine at ``engine`` are cached: under
    ``NUMBA_CACHE_DIR`` if it is set, else the user's cache folder, in a subfolder named
    by a hash of every source file of the engine."""
    digest = hashlib.sha256()
    for source in sorted(engine.rglob("*.py")):
        digest.update(source.relative_to(engine).as_posix().encode())
        digest.update(source.read_bytes())
    base = os.environ.get("NUMBA_CACHE_DIR") or Path(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "placesim"
    return Path(base) / f"kernels-{digest.hexdigest()[:16]}"


numba.config.CACHE_DIR = str(kernel_cache())  # read as each kernel is decorated
