"""placesim: an agent-based simulation of a place's public service ecosystem."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["compare"]


def __getattr__(name: str) -> Any:
    """``placesim.compare`` without importing the engine on ``import placesim``."""
    if name == "compare":
        from placesim.comparison import compare

        return compare
    raise AttributeError(f"module 'placesim' has no attribute {name!r}")
