"""Frontline workers: what a worker brings to a case, their week, and effort bent to the
count (docs/odd.md: Frontline workers; Targets, effort bending and gaming).

The teams' arrays (fast scheduler, ``engine.workforce``) and worker agents (reference
scheduler) apply :func:`worker_week` to every assessor and caseworker in phase 7; the
performance it leaves is what phases 4 and 5 read the following week.
"""

from __future__ import annotations

from numba import njit


@njit(cache=True)
def performance(skill: float, motivation: float) -> float:
    """What a worker brings to a case: skill, lifted or held back by motivation.

    At average skill (0.5) and motivation (0.5) it is 0.5, the level the rules are set at.
    """
    return min(1.0, skill * (0.5 + motivation))


@njit(cache=True)
def worker_week(skill: float, motivation: float, stress: float, load: float,
                volunteer: bool, spotlight: bool, u_leave: float, p):
    """A worker's week: stress follows load, and stressed workers leave more often.

    A leaver is replaced at once by an ordinary recruit, new to the job. Those who stay
    learn toward a ceiling set by their motivation; motivation returns to its level
    (higher for volunteers, lifted under a pilot's spotlight), less what stress burns.
    Returns (skill, motivation, stress, left).
    """
    pressure = p.workforce_stress_per_load * (load - p.workforce_comfortable_load)
    stress += p.workforce_stress_rate * (min(1.0, max(0.0, pressure)) - stress)
    leave = p.workforce_turnover / 52.0 * (1.0 + p.workforce_stress_turnover * stress)
    if u_leave < leave:
        return p.workforce_new_skill, p.workforce_motivation_ordinary, 0.0, True
    level = p.workforce_motivation_volunteer if volunteer else p.workforce_motivation_ordinary
    if spotlight:
        level += p.workforce_spotlight_boost
    level -= p.workforce_burnout * stress
    motivation += p.workforce_motivation_rate * (min(1.0, max(0.0, level)) - motivation)
    skill += p.workforce_learning_rate * (0.5 + 0.5 * motivation - skill)
    return skill, motivation, stress, False


@njit(cache=True)
def bent_hours(hours: float, p) -> float:
    """Time a case or decision takes when effort bends toward what is counted."""
    return hours * (1.0 - p.regime_effort_bending * p.workforce_bending_speedup)


@njit(cache=True)
def bent_error(error: float, p) -> float:
    """Chance that help fails or a decision is wrong, with effort bent to the count."""
    return min(1.0, error + p.regime_effort_bending * p.workforce_bending_error)
