"""Scenarios: typed, validated parameter sets read from TOML files."""

from placesim.scenario.errors import InputError, Problem
from placesim.scenario.scenario import Scenario, defaults, from_mapping, load

__all__ = ["InputError", "Problem", "Scenario", "defaults", "from_mapping", "load"]
