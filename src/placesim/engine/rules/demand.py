"""Demand and doors: which service owns which trouble, asking for help, giving up, and
requests added for a citizen (docs/odd.md: Asking for help: demand, doors and giving up).

A citizen's pending requests are the bits of ``asks``, one per service, and ``ask_week``
is the week of the oldest. Phase 3 (:func:`ask_for_help`) first abandons requests that
have waited too long, then a citizen in trouble with none pending may ask, at the right
door or a wrong one. Caseworkers and the police add requests with :func:`refer`.
"""

from __future__ import annotations

from numba import njit

from placesim.engine.metrics import ASKS, GAVE_UP, REPEAT_ASKS, SERVICE_COSTS, service_metric
from placesim.engine.rng import Purpose, draw
from placesim.engine.rules.ledger import add, contact, count, count_if
from placesim.engine.state import COUNT_CAP, N_SERVICES, Domain, Service, count_domains

# ---------------------------------------------------------------- doors


@njit(cache=True)
def service_domains(service: int) -> int:
    """The life domains a service owns (Domain bits)."""
    if service == Service.HOUSING:
        return Domain.HOUSING.value
    if service == Service.HEALTH:
        return Domain.HEALTH.value
    if service == Service.SOCIAL_CARE:
        return Domain.CARING.value | Domain.FAMILY.value
    return Domain.WORK.value


@njit(cache=True)
def service_of(domains: int) -> int:
    """The service that owns the first of these domains (in Domain order)."""
    lowest = domains & -domains
    for s in range(N_SERVICES):
        if (service_domains(s) & lowest) != 0:
            return s
    return Service.VCS.value


@njit(cache=True)
def pick_domain(domains: int, u: float) -> int:
    """One of the domains in trouble, each as likely (its Domain bit)."""
    k = int(u * count_domains(domains))
    for shift in range(5):
        bit = 1 << shift
        if (domains & bit) != 0:
            if k == 0:
                return bit
            k -= 1
    return 0


@njit(cache=True)
def wrong_door(right: int, u: float) -> int:
    """Another service than the right one, each as likely."""
    return (right + 1 + int(u * (N_SERVICES - 1))) % N_SERVICES


@njit(cache=True)
def connect_chance(partnership: float, p) -> float:
    """Chance a hand-off reaches the right service.

    A signpost leaves the citizen to find their own way (demand.signpost_connect); with
    no wrong door the service refers them on, and a referral connects as strongly as
    the agencies' relationships (``partnership``, which grows with working together).
    """
    held = p.regime_no_wrong_door
    return (1.0 - held) * p.demand_signpost_connect + held * partnership


@njit(cache=True, inline="always")
def trouble_to_ask_about(r) -> int:
    """The life domains in trouble a citizen can ask about: housing trouble is not one
    while in temporary accommodation."""
    domains = int(r.domains)
    return domains if r.homeless_weeks == 0 else domains & ~Domain.HOUSING


# ---------------------------------------------------------------- requests


@njit(cache=True, inline="always")
def refer(r, services: int, week: int) -> None:
    """Add requests to services (Service bits); a first request starts the wait."""
    if r.asks == 0:
        r.ask_week = week
    r.asks |= services


@njit(cache=True, inline="always")
def ask_for_help(r, key, p, week: int, acc) -> None:
    """Phase 3, demand: give up on requests waited on too long, then maybe ask for help.

    A citizen with trouble and no request pending asks with chance demand.ask x
    engagement, about one of their troubles, each as likely, at the right door with
    chance demand.right_door, else at another. Asking again after being turned away,
    lost or giving up is a repeat: failure demand.
    """
    asks = int(r.asks)
    if asks != 0 and week - int(r.ask_week) > p.demand_give_up_weeks:
        for s in range(N_SERVICES):
            add(acc, service_metric(s, GAVE_UP), (asks >> s) & 1)
        r.asks = 0
        r.turned_away = min(COUNT_CAP, int(r.turned_away) + 1)
    trouble = trouble_to_ask_about(r)
    if (trouble != 0 and r.asks == 0
            and draw(key, Purpose.ASK) < p.demand_ask * float(r.engagement)):
        right = service_of(pick_domain(trouble, draw(key, Purpose.ASK_DOMAIN)))
        door = right
        if draw(key, Purpose.ASK_DOOR) >= p.demand_right_door:
            door = wrong_door(right, draw(key, Purpose.WRONG_DOOR))
        refer(r, 1 << door, week)
        repeat = r.turned_away > 0
        count(acc, service_metric(door, ASKS))
        count_if(acc, service_metric(door, REPEAT_ASKS), repeat)
        contact(r, acc, SERVICE_COSTS[door], repeat, p)
