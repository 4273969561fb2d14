"""Counter-based random numbers keyed by (seed, week, agent, purpose).

Every draw is a pure function of its key, so results do not depend on iteration order,
thread count, chunking or which machine ran them, and two runs with the same seed give
each citizen the same draws for the same purpose (common random numbers). The mixer is
the splitmix64 finaliser (Steele, Lea & Flood 2014), applied once per key component.
"""

from __future__ import annotations

from enum import IntEnum, unique

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@unique
class Purpose(IntEnum):
    """What a draw is for. A draw's purpose is part of its key: never reuse one.

    Every purpose a draw is keyed with is a member, except the per-service ones: a
    ``SERVICE_*`` member is a base, and service ``s`` draws with base + s (s < 4, so the
    bases are ten apart). A normal draw takes two uniforms: its radius and its angle.
    """

    WORK = 1
    HEALTH = 2
    CARING = 3
    HOUSING = 4
    EVICTION = 5
    AE = 6
    LAPSE = 7
    RESPOND = 8
    CLAIM = 9
    REPORT = 10
    CHASE = 11
    ASSESS_ERROR = 12
    ROUTE = 13
    PAUSE = 14
    OUTREACH = 15
    SPECIALIST = 16
    EA_CONTACT = 17
    EA_SALE = 18
    FIX_ACCURACY = 19
    TURNOVER = 20
    FAMILY = 21
    MH_CRISIS = 22
    CARE = 23
    POLICE = 24
    ASK = 25
    ASK_DOMAIN = 26
    ASK_DOOR = 27
    WRONG_DOOR = 28
    RECLASSIFY = 29
    POLICE_REFER = 30
    POLICE_CONNECT = 31
    # one purpose per service: the base plus the service's index (Service, 0-3)
    SERVICE_CONNECT = 40
    SERVICE_WARM = 50
    SERVICE_CREAM = 60
    SERVICE_ERROR = 70
    SERVICE_CLOSE = 80
    SERVICE_HOLD = 90
    INIT_HOUSEHOLD = 101
    INIT_BAND = 102
    INIT_EMPLOYED = 103
    INIT_EARNINGS = 104
    INIT_HOUSING_COST = 105
    INIT_SAVINGS_ANY = 106
    INIT_SAVINGS = 107
    INIT_ENGAGEMENT = 108
    INIT_CLAIM = 109
    INIT_AWARD_ERROR = 110
    INIT_FAMILY = 111
    INIT_TENURE = 112
    WORKER_SKILL = 201
    # the angle of each normal draw at initialisation (its radius is the purpose above)
    INIT_EARNINGS_ANGLE = 1104
    INIT_HOUSING_COST_ANGLE = 1105
    INIT_SAVINGS_ANGLE = 1107
    INIT_ENGAGEMENT_ANGLE = 1108


@njit(cache=True)
def _mix(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(cache=True)
def agent_key(seed: int, week: int, agent: int) -> np.int64:
    """The part of a draw's key shared by all of one agent's draws in one week.

    Returned as the int64 with the same bits, so that it passes between Python and
    compiled code unchanged (a uint64 above 2**63 does not).
    """
    h = _mix(np.uint64(seed) + _GOLDEN)
    h = _mix(h ^ (np.uint64(week) + _GOLDEN))
    return np.int64(_mix(h ^ (np.uint64(agent) + _GOLDEN)))


@njit(cache=True)
def draw(key: np.int64 | None, purpose: int) -> float:
    """A uniform draw in [0, 1) for one purpose, from an agent's weekly key.

    The 53 bits kept are converted as a signed integer, which they fit: one instruction,
    where an unsigned 64-bit conversion takes several. The value is the same.

    With no key (``None``) the draw is 1.0, at or above every chance: a rule that fires
    when its draw falls under a chance does not, so the week's rules given no key work
    out the week in which nothing happens (``settled``). numba compiles that as a version
    of its own: the test on ``None`` costs a keyed draw nothing.
    """
    if key is None:
        return 1.0
    bits = _mix(np.uint64(key) ^ (np.uint64(purpose) + _GOLDEN)) >> _S11
    return float(np.int64(bits)) * _TO_UNIT


@njit(cache=True)
def uniform(seed: int, week: int, agent: int, purpose: int) -> float:
    """A uniform draw in [0, 1) determined by its key alone."""
    return draw(agent_key(seed, week, agent), purpose)
