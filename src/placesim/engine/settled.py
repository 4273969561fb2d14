"""Settled citizens: phases 1-3 of the weeks in which nothing happens to a citizen,
worked out once instead of every week (the fast scheduler's; benchmarks/NOTES.md).

A citizen may settle when nothing is open in its life (:func:`may_settle`): no life
domain in trouble and no onset in the last two weeks, no debt of any kind, no recovery
stage, plan or pause, no claim and nothing to claim or report about its benefits, no
request for help, relational case in progress or caseworker to release, no stay in
temporary accommodation or care, and a weekly council-tax bill. It settles when phases
1-3 of its week with nothing happening leave every byte of its record as it was except
the council tax it has paid to date (``MOVING_FIELDS``): its money is at the waterfall's
fixed point. Phases 5-6 never change those bytes for such a citizen (its recovery ladder
and casework have nothing to do; they move only its outlook: stress, trust, wellbeing
and its count of stable weeks). From then on, phases 1-3 of every week until something
happens to it add the same to the ledger.

So the fast scheduler works that share out once, when the citizen settles, by running
the week's rules with no key (``rng.draw`` then draws 1.0 and nothing happens), and keeps
one sum of the shares of each block's settled citizens. In phases 1-3 of each week a
settled citizen does only what can change: the draws that could stir it
(:func:`stirred`: its life domains' onsets, raised by kin's onsets of last week, and a
missed council-tax payment), a relative's shock counted, and its council tax paid to
date. When it is stirred, its share comes out of the sum and its week runs in full. (Its
hazards only fall while it is settled, as its stress eases with nothing pressing, so the
week with nothing happening worked out then is still the one worked out when it settled.)
Phases 5-6 (the services, its outlook, the stocks) run in full for everyone: they cost a
settled citizen about what they cost a quiet one, and one loop without a branch on who is
settled is the faster.

Nothing is approximated: the results are the same bit for bit as when every week is
worked out in full (tests/test_settled.py). The reference scheduler settles no one, so
docking checks it too.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from placesim.engine.allocation import queue_entry
from placesim.engine.metrics import N_METRICS, M
from placesim.engine.rules.benefits import benefits_errand, entitlements
from placesim.engine.rules.ledger import count_if
from placesim.engine.rules.life import life_events
from placesim.engine.rules.money import ct_gross, lapses, net_liability, weekly_rent
from placesim.engine.rules.week import live_week
from placesim.engine.state import CITIZEN_DTYPE, Case, Status, empty_citizens

AWAKE = 0  # worked out in full; tries to settle when nothing is open
SETTLED = 255
# A citizen with nothing open whose money has not reached its fixed point tries again
# after this many weeks (the values 1 to RETRY_WEEKS count them down).
RETRY_WEEKS = 8

# What a settled citizen's week still moves.
MOVING_FIELDS = ("stress", "trust", "wellbeing", "stable_weeks", "ct_paid")
# Status bits that leave something open: a plan, a letter answered, a pause, deductions.
OPEN_STATUS = Status.ON_PLAN | Status.RESPONDED | Status.PAUSED | Status.ATTACHMENT


def fixed_bytes() -> np.ndarray:
    """Which bytes of a citizen's record a settled citizen's week leaves as they are."""
    fixed = np.ones(CITIZEN_DTYPE.itemsize, dtype=np.bool_)
    for name in MOVING_FIELDS:
        field, offset = CITIZEN_DTYPE.fields[name][:2]
        fixed[offset:offset + field.itemsize] = False
    return fixed


def record_bytes(citizens: np.ndarray) -> np.ndarray:
    """The records as rows of bytes: the same memory, for copying and comparing records."""
    return np.asarray(citizens).view(np.uint8).reshape(len(citizens), -1)


class Settling:
    """Who is settled, and for each block of citizens the sum of its settled citizens'
    shares of the ledger, with the scratch space for working a share out."""

    def __init__(self, n: int, blocks: int, enabled: bool = True):
        self.enabled = enabled
        self.state = np.zeros(n, dtype=np.uint8)
        self.shares = np.zeros((blocks, N_METRICS), dtype=np.int64)
        self.scratch = empty_citizens(blocks)
        self.scratch_bytes = record_bytes(self.scratch)
        self.scratch_shares = np.zeros((blocks, N_METRICS), dtype=np.int64)
        self.fixed = fixed_bytes()

    def wake_all(self) -> None:
        """Wake everyone: the parameters or the records changed outside a week."""
        self.state[:] = AWAKE
        self.shares[:] = 0

    @property
    def share_settled(self) -> float:
        """The share of citizens settled now."""
        return float(np.mean(self.state == SETTLED)) if len(self.state) else 0.0


@njit(cache=True, inline="always")
def may_settle(r, week: int, p) -> bool:
    """Whether nothing is open in a citizen's life, so that the only events its week can
    bring are its life domains' onsets and a missed council-tax payment."""
    if (int(r.domains) | int(r.onsets_even) | int(r.onsets_odd) | int(r.homeless_weeks)
            | int(r.care_weeks) | int(r.stage) | int(r.claim) | int(r.asks)) != 0:
        return False
    if (int(r.ct_arrears) | int(r.ea_compliance_due) | int(r.ea_fees_due)
            | int(r.rent_arrears) | int(r.other_debt)) != 0:
        return False
    case = int(r.case)
    if ((int(r.status) & OPEN_STATUS) != 0 or week < r.ct_due_until
            or (case != Case.NONE and case != Case.CLOSED)):
        return False
    if queue_entry(r, week, p) != 0:  # a closed case's caseworker still to release
        return False
    _, entitled, cts_entitled = entitlements(r, p)
    support = min(int(r.cts_award), ct_gross(int(r.band), p))
    return benefits_errand(int(r.award), support, entitled, cts_entitled, p) == 0


@njit(cache=True, inline="always")
def stirred(r, key, p, kin: int) -> bool:
    """Whether this week changes a citizen with nothing open: one of its life domains
    falls into trouble (its hazards raised by ``kin``'s onsets of last week) or it misses
    its council-tax payment. The draws are the full week's own (``life.life_events``,
    ``money.lapses``)."""
    return (life_events(0, float(r.stress), 0, weekly_rent(r), False, kin, key, p) != 0
            or lapses(r, key, p))


@njit(cache=True)
def share_of_week(pop_bytes, i: int, scratch, scratch_bytes, p, week: int, share,
                  fixed) -> bool:
    """Phases 1-3 of citizen ``i``'s week with nothing happening, worked out on a copy of
    its record: what they add to the ledger, into ``share``; returns whether they left
    every fixed byte of its record as it was (its money at its fixed point)."""
    for k in range(scratch_bytes.shape[0]):
        scratch_bytes[k] = pop_bytes[i, k]
    for m in range(share.shape[0]):
        share[m] = 0
    live_week(scratch[0], None, p, week, share, 0, 0.0)
    moved = False
    for k in range(fixed.shape[0]):
        moved |= fixed[k] & (scratch_bytes[k] != pop_bytes[i, k])
    return not moved


@njit(cache=True, inline="always")
def add_share(ledger, share, sign: int) -> None:
    """Add a share of the ledger to ``ledger`` (``sign`` 1), or take it out (-1)."""
    for m in range(ledger.shape[0]):
        ledger[m] += sign * share[m]


@njit(cache=True, inline="always")
def settled_live_week(r, p, kin: int, acc) -> None:
    """Phases 1-3 of a settled week that nothing stirred: a relative's shock of last week
    counted (it raised the hazards, and nothing fell), and the week's council tax paid in
    full, the one change the money waterfall makes at its fixed point."""
    count_if(acc, M.KIN_SHOCKED, kin != 0)
    r.ct_paid += net_liability(r, p)

