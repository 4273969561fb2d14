"""Phase 4, allocation: who is served this week, within each service's capacity.

Phase 3 lists the citizens who join a queue (a pending claim or a request past its lead
time, a fix queued, a case waiting, a case just closed) with a packed *queue entry*
saying which queues and from which week, so allocation need not read the records of
everyone waiting and its cost follows the queues, not the population. Queues are ordered
by explicit keys (queue week, then citizen id), never by arrival order.

Choosing who is served is serial. Serving is not: the claims decided, the fixes made
and each service's requests are each a set of different citizens, every action touches
only its own citizen's record and adds integers to the aggregates, so each set is served
in parallel, one set after another in the rules' order (decisions, fixes, the services
in turn), and the result is the same whatever the thread count. Casework intake stays
serial: it gives each case to the least-loaded caseworker in key order.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from placesim.engine.rng import agent_key
from placesim.engine.rules.benefits import kept_for_target, standard_decision
from placesim.engine.rules.casework import intake, specialist_fix
from placesim.engine.rules.services import lead_weeks, service_assessment
from placesim.engine.state import N_SERVICES, Case, Claim

# A listed citizen's queue entry: the queues it joins (flag bits) and the weeks that key
# them, packed into one int64 by phase 3 while the record is at hand.
_WEEK_MASK = 0xFFFF  # claim week in bits 0-15, ask week in 16-31, case week in 32-47 (int16)
_CLAIM = 1 << 48  # a pending claim past the benefits lead time
_FIX = 1 << 49  # a case queued for the team's specialist
_WAITING = 1 << 50  # a case waiting for a caseworker
_RELEASE = 1 << 51  # a case closed last week whose caseworker is to be released
_ASK = 1 << 52  # bits 52-55: a request past the lead time of service 0-3

# The queues: claims, fixes, cases waiting, then requests to each service; the flag that
# puts a listed citizen in each, and where in the entry its week is.
_QUEUE_FLAGS = (_CLAIM, _FIX, _WAITING, _ASK, _ASK << 1, _ASK << 2, _ASK << 3)
_QUEUE_WEEK_SHIFTS = (0, 32, 32, 16, 16, 16, 16)
_N_QUEUES = len(_QUEUE_FLAGS)
_CLAIMS, _FIXES, _WAITING_CASES, _REQUESTS = 0, 1, 2, 3  # _REQUESTS + s: service s

# What serving a citizen means: a benefit decision, a specialist's fix, or (from
# _SERVICE on) an assessment by service s.
_DECISION, _FIX_MADE, _SERVICE = 0, 1, 2
_SERVED_PER_CHUNK = 256  # citizens a thread serves at a time (more if partials are few)
# A queue key: the queue week in the high half, the citizen id in the low 32 bits, so keys
# order by week, then id, and both come back by shifting and masking (no division).
_ID_BITS = 32
_ID_MASK = (1 << _ID_BITS) - 1


@njit(cache=True, inline="always")
def queue_entry(r, week: int, p) -> int:
    """The citizen's queue entry for phase 4 this week, or 0 if it joins no queue."""
    flags = 0
    if r.claim == Claim.PENDING and week - r.claim_week >= p.benefits_lead_weeks:
        flags |= _CLAIM
    asks = int(r.asks)
    if asks != 0:
        for s in range(N_SERVICES):
            if (asks >> s) & 1 and week - r.ask_week >= lead_weeks(s, p):
                flags |= _ASK << s
    case = r.case
    if case == Case.FIX_QUEUED:
        flags |= _FIX
    elif case == Case.WAITING:
        flags |= _WAITING
    elif case == Case.CLOSED and r.caseworker >= 0:
        flags |= _RELEASE
    if flags == 0:
        return 0
    return (flags | (int(r.claim_week) & _WEEK_MASK) | ((int(r.ask_week) & _WEEK_MASK) << 16)
            | ((int(r.case_week) & _WEEK_MASK) << 32))


@njit(cache=True, _nrt=False)
def _count_block(entries, listed_n: int, counts) -> None:
    """How many of one block's listed citizens join each queue."""
    counts[:] = 0
    for k in range(listed_n):
        entry = entries[k]
        for q in range(_N_QUEUES):
            counts[q] += (entry & _QUEUE_FLAGS[q]) != 0


@njit(cache=True, _nrt=False)
def _fill_block(listed, entries, listed_n: int, at, keys) -> None:
    """Write one block's keys into ``keys``, queue q's from ``at[q]`` on."""
    for k in range(listed_n):
        entry = entries[k]
        for q in range(_N_QUEUES):
            if entry & _QUEUE_FLAGS[q]:
                week = (entry >> _QUEUE_WEEK_SHIFTS[q]) & _WEEK_MASK
                week -= (week >> 15) << 16  # a signed 16-bit week: a burn-in's are < 0
                keys[at[q]] = (np.int64(week) << _ID_BITS) | listed[k]
                at[q] += 1


@njit(parallel=True, cache=True)
def _queues(listed, entries, listed_n):
    """Every queue's keys (week in the high half, id in the low) in one array: queue q's keys are
    ``keys[start[q]:start[q + 1]]``, in listing order. Blocks are counted, then filled,
    in parallel: each block's keys have their own place, so the order is the listing's."""
    blocks = listed_n.shape[0]
    at = np.empty((blocks, _N_QUEUES), np.int64)
    for b in prange(blocks):
        _count_block(entries[b], listed_n[b], at[b])
    start = np.zeros(_N_QUEUES + 1, np.int64)
    for q in range(_N_QUEUES):  # counts become where each block's keys start
        running = start[q]
        for b in range(blocks):
            count = at[b, q]
            at[b, q] = running
            running += count
        start[q + 1] = running
    keys = np.empty(start[-1], np.int64)
    for b in prange(blocks):
        _fill_block(listed[b], entries[b], listed_n[b], at[b], keys)
    return keys, start


@njit(cache=True)
def _queue(values, start, q: int):
    """Queue ``q``'s part of an array laid out queue after queue (see ``_queues``)."""
    return values[start[q]:start[q + 1]]


@njit(cache=True)
def _release(pop, listed, entries, listed_n, caseload) -> None:
    """Release the caseworkers of cases closed last week, so caseloads stay exact without
    any cross-citizen write in the parallel passes."""
    for b in range(listed_n.shape[0]):
        for k in range(listed_n[b]):
            if entries[b, k] & _RELEASE:
                r = pop[listed[b, k]]
                caseload[r.caseworker] -= 1
                r.caseworker = -1


@njit(cache=True)
def _skim(keys, kept: int, oldest_in_target: int):
    """Move the first ``kept`` claims that can still meet the target to the front.

    Keys are (claim week, id); taking 10,000 weeks off a key keeps its id and puts those
    claims ahead of every other, in their own order.
    """
    if kept <= 0:
        return keys
    in_target = (keys >> _ID_BITS) >= oldest_in_target
    fresh = np.sort(keys[in_target])
    if fresh.shape[0] == 0:
        return keys
    last = fresh[min(kept, fresh.shape[0]) - 1]
    ahead = np.int64(10_000) << _ID_BITS
    return np.where(in_target & (keys <= last), keys - ahead, keys)


@njit(cache=True)
def _first(keys, k: int):
    """Citizen ids of the ``k`` smallest keys (queue week, then id), in key order.

    A queue's keys come in id order (the listing's, block after block), so key order is
    week order, stably: a counting sort over the weeks present, which is linear in the
    queue where sorting it was not.
    """
    m = keys.shape[0]
    k = min(k, m)
    ids = np.empty(k, np.int64)
    if k == 0:
        return ids
    weeks = keys >> _ID_BITS
    first_week = weeks.min()
    at = np.zeros(weeks.max() - first_week + 2, np.int64)
    for week in weeks:  # how many in each week, then where each week's ids start
        at[week - first_week + 1] += 1
    for w in range(1, at.shape[0]):
        at[w] += at[w - 1]
    for j in range(m):
        w = weeks[j] - first_week
        rank = at[w]
        at[w] = rank + 1
        if rank < k:
            ids[rank] = keys[j] & _ID_MASK
    return ids


@njit(cache=True)
def _choose(keys, start, limits, skim_kept: int, oldest_in_target: int):
    """Who each queue serves this week, in key order, up to its limit: queue q's ids are
    ``chosen[at[q]:at[q + 1]]``.

    Claims that can still meet the target go first for ``skim_kept`` places (``_skim``).
    Serial: why, in benchmarks/NOTES.md.
    """
    at = np.zeros(_N_QUEUES + 1, np.int64)
    for q in range(_N_QUEUES):
        at[q + 1] = at[q] + min(limits[q], start[q + 1] - start[q])
    chosen = np.empty(at[-1], np.int64)
    for q in range(_N_QUEUES):
        queue = _queue(keys, start, q)
        if q == _CLAIMS:
            queue = _skim(queue, skim_kept, oldest_in_target)
        chosen[at[q]:at[q + 1]] = _first(queue, at[q + 1] - at[q])
    return chosen, at


@njit(cache=True, _nrt=False)
def _serve_chunk(pop, ids, lo: int, hi: int, kind: int, assessor_skill, p,
                 partnership: float, seed: int, week: int, acc) -> None:
    """Serve ``ids[lo:hi]`` (``kind``: _DECISION, _FIX_MADE or _SERVICE + s)."""
    acc[:] = 0
    n_assessors = assessor_skill.shape[0]
    for rank in range(lo, hi):
        i = ids[rank]
        key = agent_key(seed, week, i)
        if kind == _DECISION:
            standard_decision(pop[i], key, assessor_skill[rank % n_assessors], week, p, acc)
        elif kind == _FIX_MADE:
            specialist_fix(pop[i], key, p, acc)
        else:
            service_assessment(pop[i], kind - _SERVICE, key, p, partnership, acc)


@njit(parallel=True, cache=True)
def _serve(pop, ids, kind: int, assessor_skill, params, partnership: float, seed: int,
           week: int, partials, acc) -> None:
    """Serve every citizen of ``ids`` (all different) in parallel chunks; add to ``acc``.

    ``partials`` has a row per chunk at most; which chunk a citizen falls in changes
    nothing, since the rows are integer sums.
    """
    size = max(_SERVED_PER_CHUNK, -(-ids.shape[0] // partials.shape[0]))
    chunks = -(-ids.shape[0] // size)
    for c in prange(chunks):
        _serve_chunk(pop, ids, c * size, min(ids.shape[0], (c + 1) * size), kind,
                     assessor_skill, params[0], partnership, seed, week, partials[c])
    for c in range(chunks):
        acc += partials[c]


@njit(cache=True)
def allocate(pop, listed, entries, listed_n, assessor_skill, caseload, cap: int,
             partnership: float, params, seed: int, week: int, decision_capacity: int,
             fix_capacity: int, service_capacity, partials, acc) -> None:
    """Phase 4: benefit decisions, specialist fixes, requests to services and casework
    intake, each within its capacity (``service_capacity`` by Service; ``cap`` cases per
    caseworker; ``partnership`` the chance a referral between agencies connects).

    ``partials`` is scratch for the parallel serving (a row per chunk of citizens).
    """
    # -- phase 4: allocation
    p = params[0]
    _release(pop, listed, entries, listed_n, caseload)
    keys, start = _queues(listed, entries, listed_n)
    free_places = 0
    for w in range(caseload.shape[0]):
        free_places += max(0, cap - caseload[w])
    limits = np.empty(_N_QUEUES, np.int64)
    limits[_CLAIMS] = decision_capacity
    limits[_FIXES] = fix_capacity
    limits[_WAITING_CASES] = free_places
    for s in range(N_SERVICES):
        limits[_REQUESTS + s] = int(service_capacity[s])
    chosen, at = _choose(keys, start, limits,
                         kept_for_target(decision_capacity,
                                         p.regime_cream_skimming * p.gaming_pull_benefits),
                         week - int(p.benefits_target_weeks))

    _serve(pop, _queue(chosen, at, _CLAIMS), _DECISION, assessor_skill, params, partnership,
           seed, week, partials, acc)
    _serve(pop, _queue(chosen, at, _FIXES), _FIX_MADE, assessor_skill, params, partnership,
           seed, week, partials, acc)
    for s in range(N_SERVICES):
        _serve(pop, _queue(chosen, at, _REQUESTS + s), _SERVICE + s, assessor_skill, params,
               partnership, seed, week, partials, acc)
    take_on(pop, _queue(chosen, at, _WAITING_CASES), caseload, cap, week, acc)


@njit(cache=True)
def take_on(pop, waiting, caseload, cap: int, week: int, acc) -> None:
    """Give each waiting case, in order, to the caseworker with the fewest cases under the
    cap (lowest index on ties), until none has room.

    Caseloads only rise here, so the workers are taken level by level, in index order
    within a level: each is looked at once a level, not once a case, where searching
    every worker for every case grew with workers x cases (benchmarks/NOTES.md).
    """
    workers = caseload.shape[0]
    if workers == 0:
        return
    level = caseload.min()
    w = 0
    for i in waiting:
        while level < cap and caseload[w] != level:
            w += 1
            if w == workers:
                level += 1
                w = 0
        if level >= cap:
            return
        caseload[w] += 1
        intake(pop[i], w, week, acc)
        w += 1
        if w == workers:
            level += 1
            w = 0
