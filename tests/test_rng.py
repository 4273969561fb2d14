"""The counter-based generator: uniform(seed, week, agent, purpose)."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from placesim.engine.pure import python_function
from placesim.engine.rng import Purpose, uniform
from placesim.engine.state import N_SERVICES

N = 100_000
BINS = 100
# Chi-square with 99 degrees of freedom: mean 99, sd 14.1. 170 is beyond p = 1e-5; the
# draws are a pure function of their keys, so these checks are deterministic, not flaky.
CHI2_LIMIT = 170.0
# Kolmogorov-Smirnov: sqrt(n) * D above 1.95 has p < 0.001.
KS_LIMIT = 1.95

EXTREME_KEYS = [
    (0, 0, 0, 0),
    (1, 0, 0, 1),
    (2**62, 2600, 50_000_000, int(Purpose.WORKER_SKILL)),
    (2**63 - 1, 2**31 - 1, 2**31 - 1, 255),
    (123456789, 156, 19_999, int(Purpose.EA_SALE)),
]


@njit
def _stream(seed, week, agent, purpose, n, vary):
    """n draws varying one key component (0 seed, 1 week, 2 agent) from the given key."""
    out = np.empty(n)
    for k in range(n):
        if vary == 0:
            out[k] = uniform(seed + k, week, agent, purpose)
        elif vary == 1:
            out[k] = uniform(seed, week + k, agent, purpose)
        else:
            out[k] = uniform(seed, week, agent + k, purpose)
    return out


def _chi_square(draws: np.ndarray) -> float:
    counts = np.bincount((draws * BINS).astype(np.int64), minlength=BINS)
    assert counts.size == BINS  # nothing at or above 1
    expected = draws.size / BINS
    return float(((counts - expected) ** 2 / expected).sum())


def _ks(draws: np.ndarray) -> float:
    x = np.sort(draws)
    n = x.size
    above = np.arange(1, n + 1) / n - x
    below = x - np.arange(0, n) / n
    return float(np.sqrt(n) * max(above.max(), below.max()))


@pytest.mark.parametrize("key", EXTREME_KEYS)
def test_uniform_in_unit_interval_at_extreme_keys(key):
    u = uniform(*key)
    assert isinstance(u, float)
    assert 0.0 <= u < 1.0


# The pure-Python reference wraps uint64 sums on purpose; numpy warns when a large seed does.
@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_uniform_is_a_pure_function_of_its_key():
    for key in EXTREME_KEYS + [(7, 3, 42, int(Purpose.HEALTH))]:
        first = uniform(*key)
        uniform(key[0] ^ 1, key[1], key[2], key[3])  # other draws in between change nothing
        assert uniform(*key) == first
        # the pure-Python reference gives the very same number
        assert python_function(uniform)(*key) == first


def test_uniform_known_value_is_stable():
    """Pinned so that an accidental change to the mixer (and to every run) is noticed."""
    assert uniform(1, 2, 3, 4) == python_function(uniform)(1, 2, 3, 4)
    assert uniform(1, 2, 3, 4) == pytest.approx(0.467053843441365, abs=0, rel=1e-15)


def test_changing_any_one_key_component_changes_the_draw():
    rng = np.random.default_rng(2024)
    bases = rng.integers(0, 1_000_000, size=(500, 4))
    for seed, week, agent, purpose in bases.tolist():
        base = uniform(seed, week, agent, purpose)
        changed = [
            uniform(seed + 1, week, agent, purpose),
            uniform(seed, week + 1, agent, purpose),
            uniform(seed, week, agent + 1, purpose),
            uniform(seed, week, agent, purpose + 1),
        ]
        assert all(u != base for u in changed)
        assert len(set(changed)) == 4


def test_key_components_are_not_interchangeable():
    """Swapping two components' values must give a different draw (the key is ordered)."""
    a, b = 5, 9
    draws = {
        uniform(a, b, 0, 1), uniform(b, a, 0, 1),
        uniform(0, a, b, 1), uniform(0, b, a, 1),
        uniform(0, 0, a, b), uniform(0, 0, b, a),
    }
    assert len(draws) == 6


def test_every_purpose_gives_a_different_draw_for_the_same_key():
    draws = [uniform(3, 10, 77, int(p)) for p in Purpose]
    assert len(set(draws)) == len(draws)


def test_purposes_are_all_distinct():
    """Every purpose a draw is keyed with, per-service ones included, is a value of its own."""
    members = Purpose.__members__  # includes aliases, which an Enum would hide
    values = [int(m) for m in members.values()]
    assert len(values) == len(set(values)), "two purposes share a value (enum alias)"
    assert len(members) == len(Purpose)
    assert all(v > 0 for v in values)
    keyed = [int(p) + s for p in Purpose for s in
             (range(N_SERVICES) if p.name.startswith("SERVICE_") else (0,))]
    assert len(keyed) == len(set(keyed)), "a per-service purpose reaches another purpose"


@pytest.mark.parametrize("vary, name", [(2, "agent"), (1, "week"), (0, "seed")])
def test_uniform_is_roughly_uniform(vary, name):
    draws = _stream(17, 40, 1000, int(Purpose.WORK), N, vary)
    assert draws.min() >= 0.0 and draws.max() < 1.0
    # mean 1/2 and variance 1/12; sd of the mean is sqrt(1/12/N) = 0.0009
    assert abs(draws.mean() - 0.5) < 0.005, name
    assert abs(draws.var() - 1 / 12) < 0.002, name
    assert _chi_square(draws) < CHI2_LIMIT, name
    assert _ks(draws) < KS_LIMIT, name
    assert np.unique(draws).size > N - 5  # 53-bit draws practically never repeat


def test_neighbouring_draws_and_purposes_are_uncorrelated():
    work = _stream(17, 40, 0, int(Purpose.WORK), N, 2)
    health = _stream(17, 40, 0, int(Purpose.HEALTH), N, 2)
    next_week = _stream(17, 41, 0, int(Purpose.WORK), N, 2)
    limit = 0.015  # about 5 sd of a correlation over 100k pairs (sd 1/sqrt(N) = 0.0032)
    assert abs(np.corrcoef(work, health)[0, 1]) < limit
    assert abs(np.corrcoef(work, next_week)[0, 1]) < limit
    assert abs(np.corrcoef(work[:-1], work[1:])[0, 1]) < limit


def test_low_draws_are_not_concentrated_in_one_purpose_or_week():
    """A hazard test `u < 0.01` fires about 1% of the time for every purpose."""
    for purpose in (Purpose.WORK, Purpose.EVICTION, Purpose.INIT_SAVINGS, Purpose.WORKER_SKILL):
        draws = _stream(99, 3, 0, int(purpose), N, 2)
        share = (draws < 0.01).mean()
        assert abs(share - 0.01) < 0.0015, purpose.name  # sd 0.0003
