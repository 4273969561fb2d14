"""The compiled kernels are cached by the engine's whole source, not file by file, and a
first run compiles the largest side by side.

numba invalidates a cached function only when its own file changes; the kernels inline
rules from other files, so an edited rule would otherwise run as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from placesim import compilation
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


def test_a_failed_compile_side_by_side_is_left_to_the_tiny_run(monkeypatch) -> None:
    """A worker that fails loses only time: the tiny run after it compiles what is missing
    and reports what is wrong."""
    monkeypatch.setattr(compilation, "PHASES", ("no_such_phase",))
    assert compilation.compile_side_by_side(2) is None


def test_one_core_compiles_in_its_own_process(monkeypatch) -> None:
    monkeypatch.setattr(compilation, "ProcessPoolExecutor",
                        lambda *a, **k: pytest.fail("a worker was started"))
    compilation.compile_side_by_side(1)


SIDE_BY_SIDE_THEN_TINY_RUN = """
from numba.core import event
from placesim import compilation

compilation.compile_side_by_side(2)
compiled = []
class Compiled(event.Listener):
    def on_start(self, ev):
        compiled.append(ev.data["dispatcher"].py_func.__name__)
    def on_end(self, ev):
        pass
event.register("numba:compile", Compiled())
compilation.prepare_kernels()
print(" ".join(compiled))
"""


@pytest.mark.slow
def test_kernels_compiled_side_by_side_are_the_ones_a_run_loads(tmp_path: Path) -> None:
    """From an empty cache: after the phases' kernels are compiled in worker processes,
    the tiny run compiles none of them again (its arguments have the same types)."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    compiled = subprocess.run([sys.executable, "-c", SIDE_BY_SIDE_THEN_TINY_RUN], env=env,
                              capture_output=True, text=True, check=True).stdout.split()
    big = {"live_week_pass", "_live_week_block", "share_of_week", "meet_services_pass",
           "_meet_services_block", "allocate", "initialise"}
    assert compiled and not big & set(compiled), compiled

