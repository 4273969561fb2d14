"""One citizen's week, phase by phase: the phase table of docs/odd.md (section 3).

Both schedulers run a week as: :func:`live_week` for every citizen (phases 1-3), then
allocation (phase 4: who is served, within each service's capacity), then
:func:`meet_services` for every citizen (phases 5-6), then the agencies' review (phase
7, ``institutions``). A citizen's functions touch no other citizen's record; phase 4 is
the only step that looks across citizens. The markers below are what
tests/test_schedule.py checks against the documented order.
"""

from __future__ import annotations

from numba import njit

from placesim.engine.rules.benefits import claim_benefits
from placesim.engine.rules.casework import casework_week
from placesim.engine.rules.demand import ask_for_help
from placesim.engine.rules.ledger import tally_citizen
from placesim.engine.rules.life import life_week
from placesim.engine.rules.money import money_week
from placesim.engine.rules.recovery_ladder import answer_letter, climb_ladder
from placesim.engine.rules.wellbeing import wellbeing_week


@njit(cache=True, inline="always")
def live_week(r, key, p, week: int, acc, kin: int, partnership: float) -> None:
    """Phases 1-3 for one citizen.

    ``kin``: the domains that fell into trouble for family members last week
    (``life.kin_onsets``); ``partnership``: this week's chance that a referral between
    agencies connects (what the place has learned).
    """
    # -- phase 1: life events
    life_week(r, key, p, week, acc, kin, partnership)
    # -- phase 2: money
    earned = money_week(r, key, p, week, acc)
    # -- phase 3: demand
    answer_letter(r, key, p, acc)
    claim_benefits(r, key, p, week, acc, earned)
    ask_for_help(r, key, p, week, acc)


# Phase 4, allocation, serves the queues in this order (engine.allocation.allocate; the
# reference scheduler's allocate): benefits.standard_decision, casework.specialist_fix,
# services.service_assessment for housing, health, social care and the VCS, then
# casework.intake.


@njit(cache=True, inline="always")
def meet_services(r, skill, key, p, week: int, acc) -> None:
    """Phases 5-6 for one citizen. ``skill``: each caseworker's performance."""
    # -- phase 5: service effects
    threatened = climb_ladder(r, key, p, week, acc)
    held = casework_week(r, skill, key, p, week, acc)
    # -- phase 6: accounting
    wellbeing_week(r, p, threatened, held)
    tally_citizen(r, p, week, acc)
