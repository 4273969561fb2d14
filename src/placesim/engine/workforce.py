"""Frontline teams of the fast scheduler: each worker's skill, motivation and stress.

The weekly review (phase 7) applies ``rules.workers.worker_week`` to every worker; the
``performance`` array is what phase 4 and 5 read (error chance of decisions, speed of
relationship building). The reference scheduler applies the same rule to its worker
agents.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from placesim.engine.rng import Purpose, agent_key, draw
from placesim.engine.rules.workers import performance, worker_week
from placesim.engine.start import Workers

# Worker ids in random keys: team number times this, plus the worker's index.
TEAM_STRIDE = 1_000_000_000


class Team:
    """One team's workers as arrays (index = worker id within the team)."""

    def __init__(self, number: int, workers: Workers):
        workers = workers.copy()
        self.number = number
        self.skill = workers.skill
        self.volunteer = workers.volunteer
        self.motivation = workers.motivation
        self.stress = workers.stress
        self.performance = np.zeros(len(self.skill), dtype=np.float64)
        _refresh(self.skill, self.motivation, self.performance)

    def workers(self) -> Workers:
        """A copy of the team's state (to start another run from)."""
        return Workers(self.skill, self.motivation, self.stress, self.volunteer).copy()

    def review(self, loads: np.ndarray, params, seed: int, week: int, spotlight: bool) -> int:
        """Phase 7 for the team; returns how many workers left (and were replaced)."""
        return _review(self.skill, self.motivation, self.stress, self.volunteer,
                       self.performance, loads, params, seed, week,
                       self.number * TEAM_STRIDE, spotlight)


def team_means(teams: dict[str, object]) -> dict[str, float]:
    """Mean skill, motivation and stress per team (0 for an empty team)."""
    out = {}
    for name, team in teams.items():
        for field in ("skill", "motivation", "stress"):
            values = np.asarray(getattr(team, field), dtype=np.float64)
            out[f"{name}_{field}"] = float(values.mean()) if len(values) else 0.0
    return out


@njit(cache=True)
def _refresh(skill, motivation, out) -> None:
    for w in range(skill.shape[0]):
        out[w] = performance(skill[w], motivation[w])


@njit(cache=True)
def _review(skill, motivation, stress, volunteer, out, loads, params, seed: int, week: int,
            first_id: int, spotlight: bool) -> int:
    p = params[0]
    leavers = 0
    for w in range(skill.shape[0]):
        u = draw(agent_key(seed, week, first_id + w), Purpose.TURNOVER)
        skill[w], motivation[w], stress[w], left = worker_week(
            skill[w], motivation[w], stress[w], loads[w], volunteer[w], spotlight, u, p)
        if left:
            volunteer[w] = False
            leavers += 1
        out[w] = performance(skill[w], motivation[w])
    return leavers
