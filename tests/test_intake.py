"""Casework intake gives each waiting case to the caseworker with the fewest cases under
the cap, lowest index on ties, until none has room: the level-by-level scan
(``allocation.take_on``) against the rule written out as a search for every case."""

from __future__ import annotations

import numpy as np
import pytest

from placesim.engine.allocation import take_on
from placesim.engine.metrics import N_METRICS
from placesim.engine.state import Case, empty_citizens


def searched(caseload: np.ndarray, waiting: np.ndarray, cap: int) -> dict[int, int]:
    """The rule as written: for each case in order, search every worker."""
    load = caseload.copy()
    given = {}
    for i in waiting:
        free = [w for w in range(len(load)) if load[w] < cap]
        if not free:
            break
        worker = min(free, key=lambda w: (load[w], w))
        load[worker] += 1
        given[int(i)] = worker
    return given


@pytest.mark.parametrize("seed", range(40))
def test_the_scan_gives_every_case_to_the_worker_the_rule_names(seed):
    rng = np.random.default_rng(seed)
    workers, cap = int(rng.integers(1, 30)), int(rng.integers(1, 8))
    caseload = rng.integers(0, cap + 1, workers).astype(np.int64)
    pop = empty_citizens(200)
    pop["caseworker"] = -1
    waiting = np.sort(rng.choice(200, int(rng.integers(0, 200)), replace=False))
    expected = searched(caseload, waiting, cap)
    load = caseload.copy()
    take_on(pop, waiting, load, cap, 5, np.zeros(N_METRICS, np.int64))
    taken = np.flatnonzero(pop["caseworker"] >= 0)
    assert {int(i): int(pop["caseworker"][i]) for i in taken} == expected
    assert (pop["case"][taken] == Case.OUTREACH).all()
    np.testing.assert_array_equal(load - caseload, np.bincount(
        list(expected.values()), minlength=workers))


def test_no_worker_means_no_intake():
    pop = empty_citizens(3)
    pop["caseworker"] = -1
    take_on(pop, np.arange(3), np.zeros(0, np.int64), 5, 1, np.zeros(N_METRICS, np.int64))
    assert (pop["caseworker"] == -1).all()
