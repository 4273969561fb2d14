"""What a scheduler offers the model: the interface both schedulers share.

``PlaceModel`` steps a place through a scheduler and reads it only through
:class:`Scheduler`: the fast one (``engine.Engine``, numba kernels over one array of
packed citizen records) or the reference (``reference.ReferenceScheduler``, one Mesa
agent per citizen and per worker). Both run the same rulebook and give bit-identical
results. What the place learns as it runs is scheduler state (:class:`Learned`), read by
the rules through their arguments; the packed parameters stay as the scenario and the
levers set them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from placesim.engine.params import GamingPulls
from placesim.engine.place import Place


@dataclass
class Learned:
    """What the place has learned, from week to week.

    ``caseload_cap``: the most cases a relational caseworker takes on; it starts at the
    regime's ``caseload_cap`` lever and the team's experiments move it (the relational
    team's review). ``partnership``: the strength of relationships between agencies, the
    chance a referral between them connects; it starts at ``system.partnership`` and the
    agencies' culture moves it.
    """

    caseload_cap: int
    partnership: float

    @classmethod
    def at_start(cls, place: Place, levers: Mapping[str, float]) -> Learned:
        return cls(caseload_cap=int(levers["caseload_cap"]),
                   partnership=float(place.scenario.get("system.partnership")))


class Scheduler(Protocol):
    """A place stepped week by week: phases 1 to 6 and the workforce's review."""

    place: Place
    n: int
    week: int
    learned: Learned

    @property
    def citizens(self) -> np.ndarray:
        """Every citizen's state as one array of packed records (``state.CITIZEN_DTYPE``)."""
        ...

    @property
    def caseload(self) -> np.ndarray:
        """Open relational cases held by each caseworker (int64)."""
        ...

    @property
    def parameters(self) -> Any:
        """The parameter record the rules read (``params.pack``), as this scheduler holds
        it: what a caller passes to a rule to compute as the scheduler does."""
        ...

    def records(self, ids: np.ndarray) -> np.ndarray:
        """Copies of the given citizens' records."""
        ...

    def set_levers(self, levers: Mapping[str, float]) -> None:
        """Run under these levers from next week on."""
        ...

    def set_service_hours(self, hours: np.ndarray) -> None:
        """Staff hours each service has from next week (by Service)."""
        ...

    def set_gaming_pulls(self, pulls: GamingPulls) -> None:
        """Each service's pull toward gaming from next week (``params.GamingPulls``)."""
        ...

    def decision_capacity(self) -> int:
        """Standard-route benefit decisions the assessors can make this week."""
        ...

    def service_capacity(self) -> np.ndarray:
        """Requests each service can take this week (by Service)."""
        ...

    def step(self) -> np.ndarray:
        """Run phases 1 to 6 of one week; return its aggregates (int64, by ``metrics.M``)."""
        ...

    def review_workforce(self, totals: np.ndarray) -> None:
        """Phase 7 for the teams: stress, turnover and learning; adds leavers and their
        recruitment cost to ``totals``."""
        ...

    def workforce(self) -> dict[str, float]:
        """Mean skill, motivation and stress of each team."""
        ...
