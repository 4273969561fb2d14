"""The four services' doors, gates and help, from docs/odd.md ("The four services:
queues, doors, gates and help"; "Asking for help: demand, doors and giving up")."""

from __future__ import annotations

from naive.benefits import bent, bent_error
from naive.citizen import Record, call, charge, half_up, rent, trouble
from naive.ladder import Draw
from placesim.engine.metrics import SERVICE_BASE, SERVICE_KINDS, M
from placesim.engine.rng import Purpose
from placesim.engine.state import Case, Domain, Service, Status

SECTION = {Service.HOUSING: "housing", Service.HEALTH: "health",
           Service.SOCIAL_CARE: "social_care", Service.VCS: "vcs"}
OWNS = {Service.HOUSING: Domain.HOUSING, Service.HEALTH: Domain.HEALTH,
        Service.SOCIAL_CARE: Domain.CARING | Domain.FAMILY, Service.VCS: Domain.WORK}
SPEND = {Service.HOUSING: M.COST_HOUSING, Service.HEALTH: M.COST_HEALTH,
         Service.SOCIAL_CARE: M.COST_SOCIAL_CARE, Service.VCS: M.COST_VCS}
DOMAIN_ORDER = (Domain.WORK, Domain.HEALTH, Domain.CARING, Domain.HOUSING, Domain.FAMILY)


def at(service: Service, kind: str) -> int:
    """Index of one of a service's weekly metrics (HOUSING_ASKS ...)."""
    kinds = [name for name, _ in SERVICE_KINDS]
    return SERVICE_BASE + service * len(kinds) + kinds.index(kind)


def term(service: Service, name: str, p) -> float:
    return getattr(p, f"{SECTION[service]}_{name}")


def owner(domains: int) -> Service:
    """The service that owns the first of these domains, in the order work, health,
    caring, housing, family."""
    first = next(d for d in DOMAIN_ORDER if domains & d)
    return next(s for s in Service if OWNS[s] & first)


def askable(r: Record) -> int:
    """Troubles a citizen can ask about (housing excepted in temporary accommodation)."""
    return r.domains & ~Domain.HOUSING if r.homeless_weeks > 0 else r.domains


def need(service: Service, r: Record) -> float:
    if service == Service.HOUSING:
        return r.rent_arrears / rent(r) if rent(r) > 0 else 0.0
    return r.stress


def contact(r: Record, acc, service: Service, failure: bool, p) -> None:
    acc[M.CONTACTS] += 1
    acc[M.FAILURE_CONTACTS] += failure
    call(r, acc, SPEND[service], failure, p)


def take_request(r: Record, service: Service, u: Draw, p, partnership: float, acc) -> None:
    """Phase 4: the service takes one of this citizen's requests from its queue."""
    r.asks &= ~(1 << service)
    if not r.domains & OWNS[service]:  # a wrong door, or the trouble has passed
        elsewhere = askable(r) & ~OWNS[service]
        if not elsewhere:
            return
        call(r, acc, SPEND[service], True, p)  # the triage call
        acc[at(service, "WRONG_DOOR")] += 1
        held = u(Purpose.SERVICE_HOLD + service) < p.regime_no_wrong_door
        connect = partnership if held else p.demand_signpost_connect
        if u(Purpose.SERVICE_CONNECT + service) < connect:
            right = owner(elsewhere)
            r.asks |= 1 << right
            acc[at(right, "REFERRED_ON")] += 1
            contact(r, acc, right, True, p)
        elif held:
            r.asks |= 1 << service
        else:
            acc[at(service, "LOST")] += 1
            r.turned_away = min(255, r.turned_away + 1)
        return
    charge(r, acc, SPEND[service],
           bent(term(service, "hours_per_case", p), p) * term(service, "officer_hour", p))
    level = need(service, r)
    gate = term(service, "gate", p)
    warm = (bool(r.status & Status.CAUSES_FOUND)
            and Case.OUTREACH <= r.case <= Case.WORKING
            and u(Purpose.SERVICE_WARM + service) < p.regime_multi_agency)
    below_gate = level < p.regime_eligibility_gate * gate
    pull = p.gaming_pull_services[service]  # the service's pull toward gaming
    shed = trouble(r.domains) >= 2 and u(Purpose.SERVICE_CREAM + service) < (
        p.regime_cream_skimming * pull)
    if (below_gate or shed) and not warm:
        acc[at(service, "TURNED_AWAY")] += 1
        r.turned_away = min(255, r.turned_away + 1)
        return
    acc[at(service, "CASES")] += 1
    if level < gate:
        acc[at(service, "EARLY_HELP")] += 1
        charge(r, acc, SPEND[service], term(service, "early_help", p))
    else:
        charge(r, acc, SPEND[service], term(service, "late_help", p))
    if service == Service.HOUSING:
        paid = min(r.rent_arrears, half_up(p.housing_arrears_payment))
        r.rent_arrears -= paid
        acc[M.ARREARS_PAYMENTS] += paid
        charge(r, acc, M.COST_HOUSING, paid)
    if u(Purpose.SERVICE_ERROR + service) >= bent_error(term(service, "error_rate", p), p):
        r.domains &= ~OWNS[service]
        r.turned_away = 0
        acc[at(service, "HELPED")] += 1
        acc[at(service, "REPORTED_RESOLVED")] += 1
    elif u(Purpose.SERVICE_CLOSE + service) < p.regime_closing_early * pull:
        acc[at(service, "REPORTED_RESOLVED")] += 1
