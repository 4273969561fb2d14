"""numba kernels of the fast scheduler: the week's phases over the whole population.

The population is one structured array of packed citizen records. A record is passed to
a function as a pointer, without the reference counting that numba does for every array
it passes (a namedtuple of 35 arrays cost some 2,400 reference-count calls per
citizen-week), and one citizen's fields sit together in memory.

Per-citizen phases run in parallel over blocks of citizens (``BLOCK`` by default); each
block adds into its own row of ``partials`` and the rows are summed afterwards. All
aggregates are integers, so totals are exact and the same whatever the thread count or
block size. Each parallel loop calls one block function per block: a write through the
population made directly in a ``prange`` body can be lost by numba 0.68.

The block functions are compiled without numba's reference counting (``_nrt=False``):
they allocate nothing, and with it every per-citizen call that passes an array (the
accumulator, the population, the workers' skills) made atomic increments on reference
counts that all threads share, a quarter of the services pass.

Phase 4 (allocation) is serial and looks only at the citizens that phase 3 listed as
joining a queue (a pending claim or a request past its lead time, a fix queued, a case
waiting, a case just closed), with a packed entry saying which queues and from which
week, so its cost follows the queues, not the population. Queues are ordered by
explicit keys (queue week, then citizen id), never by arrival order.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from placesim.engine.citizen_week import (
    intake,
    kin_onsets,
    life_money_demand,
    service_assessment,
    services_and_wellbeing,
    specialist_fix,
    standard_decision,
)
from placesim.engine.rng import Purpose, agent_key, uniform
from placesim.engine.rules import (
    cash_entitlement,
    ct_gross,
    cts_entitlement,
    decided_award,
    earnings,
    kept_for_target,
    lead_weeks,
    pence,
)
from placesim.engine.state import N_SERVICES, Case, Claim, Domain

BLOCK = 4096


def n_blocks(n: int, block: int = BLOCK) -> int:
    return max(1, -(-n // block))


# A listed citizen's queue entry: the queues it joins in phase 4 (flag bits) and the weeks
# that key them, packed into one int64 by phase 3 while the record is at hand, so that
# allocation need not read the records of everyone waiting again.
_WEEK_MASK = 0xFFFF  # claim week in bits 0-15, ask week in 16-31, case week in 32-47
_CLAIM = 1 << 48  # a pending claim past the benefits lead time
_FIX = 1 << 49  # a case queued for the team's specialist
_WAITING = 1 << 50  # a case waiting for a caseworker
_RELEASE = 1 << 51  # a case closed last week whose caseworker is to be released
_ASK = 1 << 52  # bits 52-55: a request past the lead time of service 0-3


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
def _life_money_demand_block(pop, b: int, p, seed: int, week: int, acc, listed,
                             entries) -> int:
    """Phases 1-3 for block ``b``; lists in ``listed`` who joins a phase-4 queue, with
    their queue entries in ``entries``, and returns how many.

    The block size is the width of the ``listed`` row.
    """
    acc[:] = 0
    n_listed = 0
    block = listed.shape[0]
    for i in range(b * block, min(pop.shape[0], (b + 1) * block)):
        r = pop[i]
        life_money_demand(r, agent_key(seed, week, i), p, week, acc, kin_onsets(pop, i, week))
        entry = queue_entry(r, week, p)
        if entry != 0:
            listed[n_listed] = i
            entries[n_listed] = entry
            n_listed += 1
    return n_listed


@njit(cache=True, _nrt=False)
def _services_block(pop, skill, b: int, block: int, p, seed: int, week: int, acc) -> None:
    acc[:] = 0
    for i in range(b * block, min(pop.shape[0], (b + 1) * block)):
        services_and_wellbeing(pop[i], skill, agent_key(seed, week, i), p, week, acc)


@njit(parallel=True, cache=True)
def life_money_demand_pass(pop, params, seed: int, week: int, partials, listed, entries,
                           listed_n) -> None:
    """Phases 1-3 for every citizen (one block function per block, see module notes)."""
    for b in prange(partials.shape[0]):
        listed_n[b] = _life_money_demand_block(pop, b, params[0], seed, week, partials[b],
                                               listed[b], entries[b])


@njit(parallel=True, cache=True)
def services_pass(pop, skill, params, seed: int, week: int, partials, block: int) -> None:
    """Phases 5-6 for every citizen."""
    for b in prange(partials.shape[0]):
        _services_block(pop, skill, b, block, params[0], seed, week, partials[b])


# ---------------------------------------------------------------- phase 4: allocation


# The phase-4 queues: claims, fixes, cases waiting, then requests to each service; the
# flag that puts a listed citizen in each, and where in the entry its week is.
_QUEUE_FLAGS = (_CLAIM, _FIX, _WAITING, _ASK, _ASK << 1, _ASK << 2, _ASK << 3)
_QUEUE_WEEK_SHIFTS = (0, 32, 32, 16, 16, 16, 16)
_N_QUEUES = len(_QUEUE_FLAGS)
_CLAIMS, _FIXES, _WAITING_CASES, _REQUESTS = 0, 1, 2, 3  # _REQUESTS + s: service s


@njit(cache=True)
def _queues(listed, entries, listed_n, n: int):
    """Every queue's keys (queue week x n + id) in one array: queue q's keys are
    ``keys[start[q]:start[q + 1]]``, in listing order."""
    start = np.zeros(_N_QUEUES + 1, np.int64)
    for b in range(listed_n.shape[0]):
        for k in range(listed_n[b]):
            entry = entries[b, k]
            for q in range(_N_QUEUES):
                start[q + 1] += (entry & _QUEUE_FLAGS[q]) != 0
    start = np.cumsum(start)
    keys = np.empty(start[-1], np.int64)
    filled = start[:-1].copy()
    for b in range(listed_n.shape[0]):
        for k in range(listed_n[b]):
            entry = entries[b, k]
            for q in range(_N_QUEUES):
                if entry & _QUEUE_FLAGS[q]:
                    week = (entry >> _QUEUE_WEEK_SHIFTS[q]) & _WEEK_MASK
                    keys[filled[q]] = week * n + listed[b, k]
                    filled[q] += 1
    return keys, start


@njit(cache=True)
def _queue(keys, start, q: int):
    """Queue ``q``'s keys (see ``_queues``)."""
    return keys[start[q]:start[q + 1]]


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
def _skim(keys, kept: int, oldest_in_target: int, n: int):
    """Move the first ``kept`` claims that can still meet the target to the front.

    Keys are (claim week x n + id); subtracting a multiple of n keeps the id and puts those
    claims ahead of every other, in their own order.
    """
    if kept <= 0:
        return keys
    fresh = np.sort(keys[keys // n >= oldest_in_target])
    if fresh.shape[0] == 0:
        return keys
    last = fresh[min(kept, fresh.shape[0]) - 1]
    ahead = np.int64(10_000) * n
    return np.where((keys // n >= oldest_in_target) & (keys <= last), keys - ahead, keys)


@njit(cache=True)
def _first(keys, k: int, n: int):
    """Citizen ids of the ``k`` smallest keys (key = queue week x n + id), in key order."""
    if k < keys.shape[0]:
        keys = np.partition(keys, k)[:k] if k > 0 else keys[:0]
    return np.sort(keys) % n


@njit(cache=True)
def allocate(pop, listed, entries, listed_n, assessor_skill, caseload, params, seed: int,
             week: int, decision_capacity: int, fix_capacity: int, service_capacity,
             acc) -> None:
    """Phase 4: benefit decisions, specialist fixes, requests to services and casework
    intake, each within its capacity (``service_capacity`` by Service).

    Queues hold the citizens phase 3 listed, keyed by (queue week, id).
    """
    # -- phase 4: allocation
    p = params[0]
    n = pop.shape[0]
    cap = int(p.relational_caseload_cap)
    _release(pop, listed, entries, listed_n, caseload)
    keys, start = _queues(listed, entries, listed_n, n)
    claim_keys = _queue(keys, start, _CLAIMS)
    fix_keys = _queue(keys, start, _FIXES)
    waiting_keys = _queue(keys, start, _WAITING_CASES)
    free_places = 0
    for w in range(caseload.shape[0]):
        free_places += max(0, cap - caseload[w])
    claims = _first(_skim(claim_keys, kept_for_target(decision_capacity,
                                                      p.regime_cream_skimming),
                          week - int(p.benefits_target_weeks), n),
                    min(decision_capacity, claim_keys.shape[0]), n)
    fixes = _first(fix_keys, min(fix_capacity, fix_keys.shape[0]), n)
    waiting = _first(waiting_keys, min(free_places, waiting_keys.shape[0]), n)

    n_assessors = assessor_skill.shape[0]
    for rank in range(claims.shape[0]):
        i = claims[rank]
        standard_decision(pop[i], agent_key(seed, week, i), assessor_skill[rank % n_assessors],
                          week, p, acc)
    for i in fixes:
        specialist_fix(pop[i], agent_key(seed, week, i), p, acc)
    for s in range(N_SERVICES):
        queue = _queue(keys, start, _REQUESTS + s)
        for i in _first(queue, min(int(service_capacity[s]), queue.shape[0]), n):
            service_assessment(pop[i], s, agent_key(seed, week, i), p, acc)
    for i in waiting:
        worker = least_loaded(caseload, cap)
        if worker < 0:
            break
        caseload[worker] += 1
        intake(pop[i], worker, week, acc)


@njit(cache=True)
def least_loaded(caseload, cap: int) -> int:
    """The worker with the fewest cases under the cap (lowest index on ties), or -1."""
    best = -1
    for w in range(caseload.shape[0]):
        if caseload[w] < cap and (best < 0 or caseload[w] < caseload[best]):
            best = w
    return best


# ---------------------------------------------------------------- initialisation


@njit(cache=True)
def _normal(seed: int, i: int, purpose: int) -> float:
    """A standard normal draw (Box-Muller) from two counter-based uniforms."""
    u1 = max(uniform(seed, 0, i, purpose), 1e-300)
    u2 = uniform(seed, 0, i, purpose + 1000)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


@njit(cache=True)
def _pick(u: float, a: float, b: float, c: float) -> int:
    """Category 0-3 from a uniform and the first three cumulative shares."""
    if u < a:
        return 0
    if u < a + b:
        return 1
    if u < a + b + c:
        return 2
    return 3


@njit(parallel=True, cache=True)
def initialise(pop, params, seed: int) -> None:
    """Draw the starting population from the scenario's distributions."""
    for i in prange(pop.shape[0]):
        initialise_citizen(pop[i], i, params[0], seed)


@njit(cache=True)
def form_families(pop, p, seed: int) -> None:
    """Group citizens into families: runs of consecutive ids of at most family.max_size.

    Each citizen is kin of the one before with chance family.linked_share. Ids are drawn
    independently of anything else, so families mix household types and incomes.
    """
    first = 0
    for i in range(pop.shape[0]):
        linked = (i - first < p.family_max_size
                  and uniform(seed, 0, i, Purpose.INIT_FAMILY) < p.family_linked_share)
        if i == 0 or not linked:
            first = i
        pop[i].family = first
    for i in range(pop.shape[0]):
        pop[pop[i].family].family_size += 1
    for i in range(pop.shape[0]):
        pop[i].family_size = pop[pop[i].family].family_size


@njit(cache=True)
def initialise_citizen(r, i: int, p, seed: int) -> None:
    sd = math.sqrt(p.population_engagement_mean * (1.0 - p.population_engagement_mean)
                   / (p.population_engagement_concentration + 1.0))
    household = _pick(uniform(seed, 0, i, Purpose.INIT_HOUSEHOLD),
                      p.population_share_single, p.population_share_couple,
                      p.population_share_lone_parent)
    band = _pick(uniform(seed, 0, i, Purpose.INIT_BAND), p.council_tax_share_band_a,
                 p.council_tax_share_band_b, p.council_tax_share_band_c)
    employed = uniform(seed, 0, i, Purpose.INIT_EMPLOYED) < p.population_employment_rate
    domains = 0 if employed else Domain.WORK.value
    capacity = pence(p.population_earnings_median * math.exp(
        p.population_earnings_sigma * _normal(seed, i, Purpose.INIT_EARNINGS)))
    rent = pence(p.population_rent_median * math.exp(
        p.population_rent_sigma * _normal(seed, i, Purpose.INIT_RENT)))
    savings = 0
    if uniform(seed, 0, i, Purpose.INIT_SAVINGS_ANY) >= p.population_share_no_savings:
        savings = pence(p.population_savings_median * math.exp(
            p.population_savings_sigma * _normal(seed, i, Purpose.INIT_SAVINGS)))
    engagement = p.population_engagement_mean + sd * _normal(
        seed, i, Purpose.INIT_ENGAGEMENT)
    r.household = household
    r.band = band
    r.domains = domains
    r.earnings_capacity = min(capacity, 2_000_000_000)
    r.rent = min(rent, 2_000_000_000)
    r.savings = min(savings, 2_000_000_000)
    r.engagement = min(0.99, max(0.01, engagement))
    r.trust = p.population_trust_initial
    r.wellbeing = 10.0 - (0 if employed else 1)
    r.caseworker = -1
    earned = earnings(capacity, domains, p)
    entitled = cash_entitlement(household, earned, rent, p)
    cts_entitled = cts_entitlement(household, earned, band, p)
    claims = uniform(seed, 0, i, Purpose.INIT_CLAIM) < p.population_takeup_initial
    if claims and (entitled > 0 or cts_entitled > 0):
        wrong = uniform(seed, 0, i, Purpose.INIT_AWARD_ERROR) < p.benefits_error_rate
        r.award = decided_award(entitled, wrong, p.benefits_error_shortfall)
        r.cts_award = min(decided_award(cts_entitled, wrong,
                                           p.benefits_error_shortfall), ct_gross(band, p))
