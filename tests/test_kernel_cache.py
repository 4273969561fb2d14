"""The compiled kernels are cached by the engine's whole source, not file by file.

numba invalidates a cached function only when its own file changes; the kernels inline
rules from other files, so an edited rule would otherwise run as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from placesim.compilation import ENTRY_POINTS
from placesim.engine import ENGINE_SOURCE, kernel_cache


def _copy_of_engine(tmp_path: Path) -> Path:
    copy = tmp_path / "engine"
    shutil.copytree(ENGINE_SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_editing_a_rule_in_another_file_moves_the_cache(tmp_path: Path) -> None:
    copy = _copy_of_engine(tmp_path)
    assert kernel_cache(copy) == kernel_cache(ENGINE_SOURCE)
    rule = copy / "rules" / "life.py"
    rule.write_text(rule.read_text().replace("1.0 + stress", "1.0 + 2.0 * stress"))
    assert kernel_cache(copy) != kernel_cache(ENGINE_SOURCE)
    assert kernel_cache(copy).parent == kernel_cache(ENGINE_SOURCE).parent


def test_every_entry_point_caches_in_the_engines_folder() -> None:
    import importlib

    folder = kernel_cache()
    for module, name in ENTRY_POINTS:
        dispatcher = getattr(importlib.import_module(module), name)
        cache_path = Path(dispatcher._cache._cache_path)  # noqa: SLF001
        assert cache_path.is_relative_to(folder), (module, name, cache_path)


def test_numba_cache_dir_is_honoured(tmp_path: Path) -> None:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    shown = subprocess.run(
        [sys.executable, "-c",
         "import numba, placesim.engine.kernels; print(numba.config.CACHE_DIR)"],
        env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(shown).parent == tmp_path
    assert Path(shown).name.startswith("kernels-")
