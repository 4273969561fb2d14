"""Settled citizens (``engine.settled``): the fast scheduler's shortcut changes nothing.

Each test steps an engine that lets citizens settle beside one that works every week out
in full, and the two must agree bit for bit: every week's ledger and every record.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numba import njit

from placesim.engine.engine import Engine
from placesim.engine.rng import Purpose, draw
from placesim.engine.rules.life import life_events
from placesim.engine.settled import (
    AWAKE,
    MOVING_FIELDS,
    SETTLED,
    fixed_bytes,
    record_bytes,
    share_of_week,
)
from placesim.engine.state import CITIZEN_DTYPE, Domain, empty_citizens
from placesim.model import PlaceModel
from placesim.scenario import defaults

CITIZENS = 6000
WEEKS = 120


def scenario(**overrides):
    return defaults().with_overrides({"place.citizens": CITIZENS, "place.seed": 11,
                                      **overrides})


def pair(regime: str, **overrides) -> tuple[Engine, Engine]:
    """Two engines on the same place: one works every week out in full, one settles."""
    s = scenario(**overrides)
    return (Engine(s, s.regime(regime), settle=False),
            Engine(s, s.regime(regime), settle=True))


def step_both(full: Engine, settling: Engine, weeks: int) -> list[np.ndarray]:
    """Step both engines, asserting they agree every week; return the settled states."""
    states = []
    for _ in range(weeks):
        week = full.week
        assert np.array_equal(full.step(), settling.step()), f"ledgers differ in week {week}"
        for name in CITIZEN_DTYPE.names:
            assert np.array_equal(full.citizens[name], settling.citizens[name]), (
                f"{name} differs after week {week}")
        states.append(settling.settling.state.copy())
    return states


@pytest.mark.parametrize("regime", ["target", "learning"])
@pytest.mark.parametrize("overrides", [{}, {"money.discretionary_spending": 0.5,
                                            "life.lapse": 0.05}],
                         ids=["default", "slow-spending-and-lapsing"])
def test_settling_changes_nothing(regime, overrides):
    full, settling = pair(regime, **overrides)
    states = step_both(full, settling, WEEKS)
    settled = np.array([np.mean(s == SETTLED) for s in states])
    # the shortcut is taken, and citizens leave it and come back, so the test has teeth
    assert settled[-40:].min() > 0.2
    woke = sum(np.sum((a == SETTLED) & (b != SETTLED)) for a, b in zip(states, states[1:]))
    came = sum(np.sum((a != SETTLED) & (b == SETTLED)) for a, b in zip(states, states[1:]))
    assert woke > 100 and came > 100
    if overrides:  # money that takes weeks to reach its fixed point: citizens wait to retry
        assert any(((s != AWAKE) & (s != SETTLED)).any() for s in states)


def test_everyone_wakes_when_the_rules_or_the_records_change():
    full, settling = pair("target")
    step_both(full, settling, 40)
    learning = scenario().regime("learning")
    for engine in (full, settling):
        engine.set_levers(learning)
    assert settling.settling.share_settled == 0.0
    step_both(full, settling, 40)
    records = full.citizens.copy()
    full.citizens, settling.citizens = records, records.copy()
    assert settling.settling.share_settled == 0.0
    step_both(full, settling, 40)


def test_the_whole_model_is_the_same_when_citizens_settle():
    """Under targets the agencies' reviews change the services' pull toward gaming most
    weeks, which settled citizens, in no queue, never meet."""
    models = [PlaceModel(scenario(**{"place.weeks": 80}), regime="target") for _ in range(2)]
    models[0].engine.settling.enabled = False
    pulls = set()
    for _ in range(80):
        for model in models:
            model.step()
        pulls.add(models[1].engine.pulls)
    pd.testing.assert_frame_equal(models[0].weekly(), models[1].weekly())
    for name in CITIZEN_DTYPE.names:
        assert np.array_equal(models[0].engine.citizens[name], models[1].engine.citizens[name])
    assert len(pulls) > 10 and models[1].engine.settling.share_settled > 0.2


def test_settling_does_not_depend_on_the_block_size():
    s = scenario()
    narrow = Engine(s, s.regime("learning"), block=257)
    wide = Engine(s, s.regime("learning"))
    for _ in range(60):
        assert np.array_equal(narrow.step(), wide.step())
    assert np.array_equal(narrow.settling.state, wide.settling.state)
    assert np.array_equal(narrow.settling.shares.sum(axis=0), wide.settling.shares.sum(axis=0))


@njit
def _keyless_life(domains: int, stress: float, p) -> int:
    return life_events(domains, stress, 0, 10_000, False, Domain.HEALTH.value, None, p)


def test_a_rule_given_no_key_makes_nothing_happen():
    engine = Engine(scenario(), scenario().regime("target"))
    assert draw(None, Purpose.WORK.value) == 1.0
    every = sum(d.value for d in Domain)
    # at full stress, a relative ill last week: no onset and no recovery
    for domains in (0, Domain.WORK.value, every):
        assert _keyless_life(domains, 1.0, engine.parameters) == domains


def test_only_the_moving_fields_may_move():
    fixed = fixed_bytes()
    moving = sum(CITIZEN_DTYPE.fields[name][0].itemsize for name in MOVING_FIELDS)
    assert fixed.sum() == CITIZEN_DTYPE.itemsize - moving
    for name in MOVING_FIELDS:
        field, offset = CITIZEN_DTYPE.fields[name][:2]
        assert not fixed[offset:offset + field.itemsize].any()


@pytest.mark.parametrize("regime", ["target", "learning"])
def test_phases_5_and_6_move_only_a_settled_citizens_outlook(regime):
    full, settling = pair(regime)
    step_both(full, settling, 40)
    for _week in range(20):
        totals = np.zeros_like(settling.partials[0])
        settling.live_week(totals)
        settling.allocate(totals)
        settled = settling.settling.state == SETTLED
        before = record_bytes(settling.citizens)[settled].copy()
        settling.meet_services(totals)
        settling.week += 1
        after = record_bytes(settling.citizens)[settled]
        assert np.array_equal(before[:, fixed_bytes()], after[:, fixed_bytes()])
        assert settled.mean() > 0.2


def test_a_citizen_settles_only_at_its_money_fixed_point():
    full, settling = pair("target")
    step_both(full, settling, 30)
    i = int(np.flatnonzero(settling.settling.state == SETTLED)[0])
    one = empty_citizens(1)
    one[0] = settling.citizens[i]

    def at_fixed_point() -> bool:
        s = settling.settling
        return share_of_week(record_bytes(one), 0, s.scratch[0:1], s.scratch_bytes[0],
                             settling.parameters, settling.week, s.scratch_shares[0],
                             s.fixed)

    assert at_fixed_point()
    one[0]["savings"] += 10_000  # cash above the buffer is spent: savings move this week
    assert not at_fixed_point()
