"""Allocation serves each queue's earliest keys (queue week, then citizen id) in key
order. The queues are built from the listing and ordered by a counting sort over their
weeks (``allocation._first``); these tests hold them to the rule written out as a sort."""

from __future__ import annotations

import numpy as np
import pytest

from placesim.engine import allocation
from placesim.engine.allocation import _choose, _first, _queues, _skim


def key_sorted(ids: np.ndarray, weeks: np.ndarray) -> np.ndarray:
    """The rule as written: ids ordered by (week, id)."""
    return ids[np.lexsort((ids, weeks))]


def listing(rng: np.random.Generator, n: int, blocks: int, block: int):
    """A random listing: each block lists some of its citizens, in id order, each with a
    queue entry (random queues and weeks, burn-in weeks below zero included)."""
    listed = np.zeros((blocks, block), np.int32)
    entries = np.zeros((blocks, block), np.int64)
    listed_n = np.zeros(blocks, np.int64)
    weeks = {}
    for b in range(blocks):
        members = np.arange(b * block, min(n, (b + 1) * block))
        chosen = np.sort(rng.choice(members, size=rng.integers(0, len(members) + 1),
                                    replace=False))
        listed_n[b] = len(chosen)
        for k, i in enumerate(chosen):
            # a week for each place in the entry (claim, ask, case), packed there
            week_at = {shift: int(rng.integers(-60, 80))
                       for shift in sorted(set(allocation._QUEUE_WEEK_SHIFTS))}
            entry = 0
            for shift, week in week_at.items():
                entry |= (week & allocation._WEEK_MASK) << shift
            for q, flag in enumerate(allocation._QUEUE_FLAGS):
                if rng.random() < 0.4:
                    entry |= flag
                    weeks[(q, int(i))] = week_at[allocation._QUEUE_WEEK_SHIFTS[q]]
            listed[b, k] = i
            entries[b, k] = entry
    return listed, entries, listed_n, weeks


@pytest.mark.parametrize("seed", range(20))
def test_each_queue_serves_its_earliest_keys_in_key_order(seed):
    rng = np.random.default_rng(seed)
    n, block = int(rng.integers(1, 400)), int(rng.integers(1, 64))
    blocks = -(-n // block)
    listed, entries, listed_n, weeks = listing(rng, n, blocks, block)
    keys, start = _queues(listed, entries, listed_n)
    limits = rng.integers(0, 60, len(allocation._QUEUE_FLAGS))
    chosen, at = _choose(keys, start, limits, 0, 0)
    for q in range(len(allocation._QUEUE_FLAGS)):
        members = np.array(sorted(i for (queue, i) in weeks if queue == q), np.int64)
        queue_weeks = np.array([weeks[(q, int(i))] for i in members], np.int64)
        expected = key_sorted(members, queue_weeks)[:limits[q]]
        np.testing.assert_array_equal(chosen[at[q]:at[q + 1]], expected)


@pytest.mark.parametrize("seed", range(20))
def test_the_counting_sort_matches_a_sort_for_skimmed_claims(seed):
    """Claims moved ahead by gaming (``_skim``) keep their order among themselves."""
    rng = np.random.default_rng(100 + seed)
    m = int(rng.integers(0, 300))
    ids = np.sort(rng.choice(50_000_000, size=m, replace=False)).astype(np.int64)
    weeks = rng.integers(-30, 520, m).astype(np.int64)
    keys = (weeks << allocation._ID_BITS) | ids
    kept, oldest = int(rng.integers(0, 40)), int(rng.integers(-30, 520))
    skimmed = _skim(keys, kept, oldest)
    for k in (0, 1, m // 3, m, m + 5):
        expected = np.sort(skimmed)[:k] & allocation._ID_MASK
        np.testing.assert_array_equal(_first(skimmed, k), expected)
