"""The engine as a whole: money and people conserved every week, no NaN, determinism."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from placesim.engine.conservation import imbalances, money_sums
from placesim.engine.engine import Engine
from placesim.engine.metrics import N_METRICS, M
from placesim.engine.state import CITIZEN_FIELDS, Stage
from placesim.scenario import defaults

CITIZENS = 3000
WEEKS = 80


def scenario(citizens: int = CITIZENS, weeks: int = WEEKS, seed: int = 7):
    return defaults().with_overrides({"place.citizens": citizens, "place.weeks": weeks,
                                      "place.seed": seed})


def run_checking(regime: str) -> np.ndarray:
    """Step a run, asserting every money identity each week; return all weeks' totals."""
    s = scenario()
    engine = Engine(s, s.regime(regime))
    history = []
    before = money_sums(engine.citizens)
    for _ in range(WEEKS):
        t = engine.step()
        after = money_sums(engine.citizens)
        assert imbalances(before, after, t, t) == []
        check_people_and_ranges(engine)
        history.append(t.copy())
        before = after
    return np.array(history)


def check_people_and_ranges(engine: Engine) -> None:
    c = engine.citizens
    n = engine.n
    assert all(len(c[name]) == n for name, _, _ in CITIZEN_FIELDS)
    stages = np.bincount(c["stage"], minlength=len(Stage))
    assert stages.sum() == n and len(stages) == len(Stage)
    for name in ("savings", "ct_arrears", "ea_compliance_due", "ea_fees_due", "rent_arrears",
                 "other_debt", "award", "cts_award", "public_cost", "fees_charged"):
        assert c[name].min() >= 0, name
    for name, low, high in (("stress", 0, 1), ("trust", 0, 1), ("wellbeing", 0, 10),
                            ("relationship", 0, 1), ("engagement", 0, 1)):
        values = c[name]
        assert not np.isnan(values).any(), name
        assert values.min() >= low and values.max() <= high, name
    assert engine.caseload.sum() <= len(engine.caseload) * engine.learned.caseload_cap


@pytest.mark.parametrize("regime", ["target", "learning"])
def test_money_and_people_are_conserved_every_week(regime):
    history = run_checking(regime)
    total = history.sum(axis=0)
    # the run exercises the mechanisms the identities are about
    for m in (M.REMINDERS, M.SUMMONSES, M.LIABILITY_ORDERS, M.EA_REFERRALS, M.EA_VISITS,
              M.PLANS_AGREED, M.DECISIONS, M.EVICTIONS, M.EA_FEES_PAID):
        assert total[m] > 0, m.name
    if regime == "learning":
        for m in (M.CASE_INTAKES, M.CAUSES_FOUND, M.SPECIALIST_FIXES, M.CASE_CLOSURES):
            assert total[m] > 0, m.name
    else:
        assert total[M.CASE_INTAKES] == 0 and total[M.COST_RELATIONAL] == 0


def test_same_seed_same_result_and_different_seed_differs():
    a = Engine(scenario(weeks=30), defaults().regime("learning"))
    b = Engine(scenario(weeks=30), defaults().regime("learning"))
    c = Engine(scenario(weeks=30, seed=8), defaults().regime("learning"))
    ta = [a.step() for _ in range(30)]
    tb = [b.step() for _ in range(30)]
    tc = [c.step() for _ in range(30)]
    assert np.array_equal(ta, tb)
    assert not np.array_equal(ta, tc)
    for name, _, _ in CITIZEN_FIELDS:
        assert np.array_equal(a.citizens[name], b.citizens[name]), name


def test_regimes_share_the_population_and_first_shocks():
    """Common random numbers: same people, same first-week life shocks under each regime."""
    s = scenario()
    target, learning = Engine(s, s.regime("target")), Engine(s, s.regime("learning"))
    for name, _, _ in CITIZEN_FIELDS:
        assert np.array_equal(target.citizens[name],
                              learning.citizens[name]), name
    for engine in (target, learning):  # phases 1-3 of week 0: life events before services
        engine.live_week(np.zeros(N_METRICS, dtype=np.int64))
    assert np.array_equal(target.citizens["domains"], learning.citizens["domains"])
    assert np.array_equal(target.citizens["care_weeks"], learning.citizens["care_weeks"])


_FINGERPRINT = """
import hashlib, numpy as np
from placesim.engine.engine import Engine
from placesim.scenario import defaults
s = defaults().with_overrides({"place.citizens": 9000, "place.weeks": 40, "place.seed": 3})
e = Engine(s, s.regime("learning"))
h = hashlib.sha256()
for _ in range(40):
    h.update(e.step().tobytes())
h.update(e.citizens.tobytes())
print(h.hexdigest())
"""


def fingerprint(threads: int) -> str:
    env = {**os.environ, "NUMBA_NUM_THREADS": str(threads)}
    out = subprocess.run([sys.executable, "-c", _FINGERPRINT], env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip()


def test_bit_identical_across_thread_counts():
    assert fingerprint(1) == fingerprint(2)


def test_a_week_serves_everyone_chosen_however_few_the_blocks():
    """Serving is chunked over the rows of ``partials``: with a single row, a week that
    decides more claims than one chunk holds must still decide them all."""
    s = scenario(citizens=20_000, weeks=8)
    runs = []
    for block in (20_000, 1000):
        engine = Engine(s, s.regime("target"), block=block)
        runs.append(np.array([engine.step() for _ in range(8)]))
    assert runs[0][:, M.DECISIONS].max() > 256  # more than one chunk's worth
    assert np.array_equal(runs[0], runs[1])


def test_results_do_not_depend_on_block_size():
    """Chunking: exact integer tallies and keyed queues make blocks irrelevant."""
    s = scenario(citizens=2500, weeks=30)
    runs = []
    for block in (4096, 1000, 333, 1):
        engine = Engine(s, s.regime("learning"), block=block)
        runs.append(([engine.step() for _ in range(30)], engine.citizens.copy()))
    for totals, citizens in runs[1:]:
        assert np.array_equal(totals, runs[0][0])
        assert np.array_equal(citizens, runs[0][1])


@pytest.mark.parametrize("regime", ["target", "learning"])
def test_a_week_that_lists_more_than_the_buffers_hold_widens_them(regime, monkeypatch):
    """Listing buffers that start too narrow are widened and the overflowing blocks listed
    again: the same results as buffers a block wide."""
    import placesim.engine.engine as engine_module

    s = scenario(citizens=2500, weeks=30)
    runs = {}
    for share in (1.0, 1e-6):
        monkeypatch.setattr(engine_module, "LISTING_SHARE", share)
        engine = Engine(s, s.regime(regime), block=500)
        runs[share] = ([engine.step() for _ in range(30)], engine.citizens.copy(),
                       engine.caseload.copy(), engine.listed.shape[1])
    assert runs[1.0][3] == 500
    assert 1 < runs[1e-6][3] <= 500  # started one wide, widened
    for got, expected in zip(runs[1e-6][:3], runs[1.0][:3], strict=True):
        assert np.array_equal(np.asarray(got), np.asarray(expected))
