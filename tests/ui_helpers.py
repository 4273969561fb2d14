"""A small scenario for UI tests: the bundled presets' files, shrunk to a few hundred
citizens so a whole run takes a moment."""

from __future__ import annotations

from pathlib import Path

from placesim.scenario import load
from placesim.ui.twin import PRESETS

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def small_scenarios(directory: Path, citizens: int = 400, weeks: int = 12) -> Path:
    """The presets' scenario files with a small place, in ``directory``; the default's path."""
    import tomli_w

    names = {f for p in PRESETS for f in (p.baseline[0], p.reform[0])}
    for name in names:
        scenario = load(SCENARIOS / name).with_overrides(
            {"place.citizens": citizens, "place.weeks": weeks})
        mapping = scenario.to_mapping()
        for regime in mapping["regimes"].values():
            for change in regime.get("changes", []):
                change["week"] = min(change["week"], weeks // 2)
        (directory / name).write_text(tomli_w.dumps(mapping))
    return directory / "default.toml"
