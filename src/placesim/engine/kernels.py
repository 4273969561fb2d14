"""numba kernels of the fast scheduler: the week's phases over the whole population.

The population is one structured array of packed citizen records. A record is passed to
the rules as a pointer, without the reference counting numba does for every array it
passes, and one citizen's fields sit together in memory.

Per-citizen phases (``rules.week``) run in parallel over blocks of citizens (``BLOCK``
by default); each block adds into its own row of ``partials`` (its ledger row) and the
rows are summed afterwards. All aggregates are integers, so totals are exact and the
same whatever the thread count or block size. Each parallel loop calls one block
function per block: a write through the population made directly in a ``prange`` body
can be lost by numba 0.68. The block functions allocate nothing and are compiled
without numba's reference counting (``_nrt=False``), whose shared counters every thread
would otherwise update on each per-citizen call that passes an array.

Phase 4 (allocation) is in ``allocation``; phases 1-3 list for it who joins a queue.
Why the kernels are shaped as they are, with the measurements: benchmarks/NOTES.md.
"""

from __future__ import annotations

import math

from numba import njit, prange

from placesim.engine.allocation import queue_entry
from placesim.engine.rng import Purpose, agent_key, uniform
from placesim.engine.rules.benefits import cash_entitlement, cts_entitlement, decided_award
from placesim.engine.rules.ledger import pence
from placesim.engine.rules.life import kin_onsets
from placesim.engine.rules.money import ct_gross, earnings, weekly_rent
from placesim.engine.rules.week import live_week, meet_services
from placesim.engine.settled import (
    AWAKE,
    RETRY_WEEKS,
    SETTLED,
    add_share,
    may_settle,
    settled_live_week,
    share_of_week,
    stirred,
)
from placesim.engine.state import (
    EARNINGS_PENCE_CAP,
    RENT_PENCE_CAP,
    SAVINGS_PENCE_CAP,
    Domain,
)

BLOCK = 4096
CATEGORIES = 4  # household types, and council-tax bands: each tenure's row of its table


def n_blocks(n: int, block: int = BLOCK) -> int:
    return max(1, -(-n // block))


@njit(cache=True, _nrt=False)
def _live_week_block(pop, pop_bytes, b: int, block: int, p, partnership: float, seed: int,
                     week: int, acc, listed, entries, settled, shares, scratch,
                     scratch_bytes, scratch_share, fixed, settle: bool) -> int:
    """Phases 1-3 for block ``b`` (citizens ``b * block`` on); lists in ``listed`` who
    joins a phase-4 queue, with their queue entries in ``entries``, as many as they
    hold, and returns how many joined (more than they hold: see :func:`relist`).

    A settled citizen (``settled``) that nothing stirs only counts a relative's shock and
    pays its bill: the block's sum of settled citizens' shares of the ledger
    (``shares``) adds the rest. One stirred wakes, its share taken out of the sum, and
    lives its week in full. A citizen with nothing open whose week with nothing
    happening is a fixed point settles (``settle``: whether citizens settle at all).
    """
    acc[:] = 0
    n_listed = 0
    room = listed.shape[0]
    for i in range(b * block, min(pop.shape[0], (b + 1) * block)):
        r = pop[i]
        key = agent_key(seed, week, i)
        kin = kin_onsets(pop, i, week, p)
        state = settled[i]
        if state == SETTLED:
            if not stirred(r, key, p, kin):
                settled_live_week(r, p, kin, acc)
                continue
            share_of_week(pop_bytes, i, scratch, scratch_bytes, p, week,
                          scratch_share, fixed)
            add_share(shares, scratch_share, -1)
            settled[i] = AWAKE
        elif state != AWAKE:
            settled[i] = state - 1
        elif settle and may_settle(r, week, p) and not stirred(r, key, p, kin):
            if share_of_week(pop_bytes, i, scratch, scratch_bytes, p, week,
                             scratch_share, fixed):
                add_share(shares, scratch_share, 1)
                settled[i] = SETTLED
                settled_live_week(r, p, kin, acc)
                continue
            settled[i] = RETRY_WEEKS
        live_week(r, key, p, week, acc, kin, partnership)
        entry = queue_entry(r, week, p)
        if entry != 0:
            if n_listed < room:
                listed[n_listed] = i
                entries[n_listed] = entry
            n_listed += 1
    add_share(acc, shares, 1)
    return n_listed


@njit(cache=True, _nrt=False)
def _relist_block(pop, p, week: int, b: int, block: int, listed, entries) -> None:
    """List block ``b``'s citizens who join a phase-4 queue, as phase 3 did (``relist``)."""
    n_listed = 0
    for i in range(b * block, min(pop.shape[0], (b + 1) * block)):
        entry = queue_entry(pop[i], week, p)
        if entry != 0:
            listed[n_listed] = i
            entries[n_listed] = entry
            n_listed += 1


@njit(parallel=True, cache=True)
def relist(pop, params, week: int, block: int, blocks, listed, entries) -> None:
    """List again, in buffers now wide enough, who joins a phase-4 queue in each of
    ``blocks``: the blocks whose phases 1-3 listed more than their buffers held.

    A citizen's queue entry is read from its record as phase 3 left it, which nothing
    changes before phase 4, so this lists exactly whom phases 1-3 listed, in id order.
    """
    for k in prange(blocks.shape[0]):
        _relist_block(pop, params[0], week, blocks[k], block, listed[blocks[k]],
                      entries[blocks[k]])


@njit(cache=True, _nrt=False)
def _meet_services_block(pop, skill, b: int, block: int, p, seed: int, week: int,
                         acc) -> None:
    acc[:] = 0
    for i in range(b * block, min(pop.shape[0], (b + 1) * block)):
        meet_services(pop[i], skill, agent_key(seed, week, i), p, week, acc)


@njit(parallel=True, cache=True)
def live_week_pass(pop, pop_bytes, params, partnership: float, seed: int, week: int,
                   partials, block: int, listed, entries, listed_n, settled, shares,
                   scratch, scratch_bytes, scratch_shares, fixed, settle: bool) -> None:
    """Phases 1-3 for every citizen (one block function per block, see module notes)."""
    for b in prange(partials.shape[0]):
        listed_n[b] = _live_week_block(pop, pop_bytes, b, block, params[0], partnership,
                                       seed, week, partials[b], listed[b], entries[b],
                                       settled, shares[b], scratch[b:b + 1],
                                       scratch_bytes[b], scratch_shares[b], fixed, settle)


@njit(parallel=True, cache=True)
def meet_services_pass(pop, skill, params, seed: int, week: int, partials,
                       block: int) -> None:
    """Phases 5-6 for every citizen."""
    for b in prange(partials.shape[0]):
        _meet_services_block(pop, skill, b, block, params[0], seed, week, partials[b])


# ---------------------------------------------------------------- initialisation


@njit(cache=True)
def _normal(seed: int, i: int, radius: int, angle: int) -> float:
    """A standard normal draw (Box-Muller) from two counter-based uniforms."""
    u1 = max(uniform(seed, 0, i, radius), 1e-300)
    u2 = uniform(seed, 0, i, angle)
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


@njit(cache=True)
def _pick(u: float, shares, first: int) -> int:
    """Category 0-3 from a uniform and the four shares ``shares[first:first + 4]``: the
    first three cumulated, the last taking the rest."""
    cumulative = 0.0
    for k in range(3):
        cumulative += shares[first + k]
        if u < cumulative:
            return k
    return 3


@njit(cache=True)
def _log_normal(median: float, sigma: float, cap: int, seed: int, i: int, radius: int,
                angle: int) -> int:
    """round(min(cap, median x exp(sigma x Z))), Z a standard normal drawn for this
    purpose: a sum of money in pence, at most ``cap``."""
    return pence(min(cap, median * math.exp(sigma * _normal(seed, i, radius, angle))))


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
    """Draw one household jointly (docs/odd.md, Initialisation): its tenure, then its type,
    band, work, earnings, housing cost and savings from that tenure's tables; then its
    starting benefits from the rules' entitlement."""
    sd = math.sqrt(p.population_engagement_mean * (1.0 - p.population_engagement_mean)
                   / (p.population_engagement_concentration + 1.0))
    tenure = _pick(uniform(seed, 0, i, Purpose.INIT_TENURE), p.derived_tenure_shares, 0)
    row = tenure * CATEGORIES
    household = _pick(uniform(seed, 0, i, Purpose.INIT_HOUSEHOLD),
                      p.derived_households_by_tenure, row)
    band = _pick(uniform(seed, 0, i, Purpose.INIT_BAND), p.derived_bands_by_tenure, row)
    employed = uniform(seed, 0, i, Purpose.INIT_EMPLOYED) < p.derived_employment[tenure]
    domains = 0 if employed else Domain.WORK.value
    capacity = _log_normal(p.derived_earnings_median[tenure], p.population_earnings_sigma,
                           EARNINGS_PENCE_CAP, seed, i, Purpose.INIT_EARNINGS,
                           Purpose.INIT_EARNINGS_ANGLE)
    housing_cost = _log_normal(p.derived_housing_cost_median[tenure],
                               p.derived_housing_cost_sigma[tenure], RENT_PENCE_CAP, seed, i,
                               Purpose.INIT_HOUSING_COST, Purpose.INIT_HOUSING_COST_ANGLE)
    savings = 0
    if uniform(seed, 0, i, Purpose.INIT_SAVINGS_ANY) >= p.derived_no_savings[tenure]:
        savings = _log_normal(p.derived_savings_median[tenure], p.population_savings_sigma,
                              SAVINGS_PENCE_CAP, seed, i, Purpose.INIT_SAVINGS,
                              Purpose.INIT_SAVINGS_ANGLE)
    engagement = p.population_engagement_mean + sd * _normal(
        seed, i, Purpose.INIT_ENGAGEMENT, Purpose.INIT_ENGAGEMENT_ANGLE)
    r.household = household
    r.band = band
    r.tenure = tenure
    r.domains = domains
    r.earnings_capacity = capacity
    r.housing_cost = housing_cost
    r.savings = savings
    r.savings_buffer = savings
    r.engagement = min(0.99, max(0.01, engagement))
    r.trust = p.population_trust_initial
    r.wellbeing = 10.0 - (0 if employed else 1)
    r.caseworker = -1
    earned = earnings(capacity, domains, p)
    entitled = cash_entitlement(household, earned, weekly_rent(r), p)
    cts_entitled = cts_entitlement(household, earned, band, p)
    claims = uniform(seed, 0, i, Purpose.INIT_CLAIM) < p.population_takeup_initial
    if claims and (entitled > 0 or cts_entitled > 0):
        wrong = uniform(seed, 0, i, Purpose.INIT_AWARD_ERROR) < p.benefits_error_rate
        r.award = decided_award(entitled, wrong, p.benefits_error_shortfall)
        r.cts_award = min(decided_award(cts_entitled, wrong,
                                           p.benefits_error_shortfall), ct_gross(band, p))
