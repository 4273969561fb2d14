"""The four services: their terms, doors, gates and help (docs/odd.md: The four
services: queues, doors, gates and help; Targets, effort bending and gaming).

Housing, health, social care and the voluntary and community sector follow the same rules
with their own parameters. Allocation (phase 4) takes each service's requests in key
order up to its capacity and hands each to :func:`service_assessment`: a wrong door
triages and hands off (:func:`hand_off`); the right door measures need against the gate
and turns away or helps.
"""

from __future__ import annotations

from numba import njit

from placesim.engine.metrics import (
    CASES,
    EARLY_HELP,
    HELPED,
    LOST,
    REFERRED_ON,
    REPORTED_RESOLVED,
    SERVICE_COSTS,
    TURNED_AWAY,
    WRONG_DOOR,
    M,
    service_metric,
)
from placesim.engine.rng import Purpose, draw
from placesim.engine.rules.demand import service_domains, service_of, trouble_to_ask_about
from placesim.engine.rules.ledger import add, charge, contact, count, pence, triage
from placesim.engine.rules.money import weekly_rent
from placesim.engine.rules.workers import bent_error, bent_hours
from placesim.engine.state import COUNT_CAP, Service, Status, case_is_open, count_domains


@njit(cache=True)
def service_terms(service: int, p):
    """(gate, early help, late help, error rate, hours per case, hourly cost) of a service.

    Costs in pence. The gate is in the service's own unit of need (see ``need``).
    """
    if service == Service.HOUSING:
        return (p.housing_gate, p.housing_early_help, p.housing_late_help,
                p.housing_error_rate, p.housing_hours_per_case, p.housing_officer_hour)
    if service == Service.HEALTH:
        return (p.health_gate, p.health_early_help, p.health_late_help, p.health_error_rate,
                p.health_hours_per_case, p.health_officer_hour)
    if service == Service.SOCIAL_CARE:
        return (p.social_care_gate, p.social_care_early_help, p.social_care_late_help,
                p.social_care_error_rate, p.social_care_hours_per_case,
                p.social_care_officer_hour)
    return (p.vcs_gate, p.vcs_early_help, p.vcs_late_help, p.vcs_error_rate,
            p.vcs_hours_per_case, p.vcs_officer_hour)


@njit(cache=True)
def lead_weeks(service: int, p) -> int:
    """Least weeks from a request to its assessment at a service (S.lead_weeks)."""
    if service == Service.HOUSING:
        return int(p.housing_lead_weeks)
    if service == Service.HEALTH:
        return int(p.health_lead_weeks)
    if service == Service.SOCIAL_CARE:
        return int(p.social_care_lead_weeks)
    return int(p.vcs_lead_weeks)


@njit(cache=True)
def need(service: int, rent_arrears: int, rent: int, stress: float) -> float:
    """How severe a request is, in the service's unit: weeks of rent owed for housing,
    stress for the others."""
    if service == Service.HOUSING:
        return rent_arrears / rent if rent > 0 else 0.0
    return stress


@njit(cache=True, inline="always")
def hand_off(r, service: int, elsewhere: int, key, p, partnership: float, acc) -> None:
    """Pass on a citizen who came to a wrong door, by signpost or by holding them.

    A signpost (chance 1 - regime.no_wrong_door) leaves the citizen to find the right
    service: they get there with demand.signpost_connect, or are lost until they ask
    again. A service that holds the person refers them: the referral connects with the
    strength of relationships between agencies (``partnership``); if it does not, the
    service keeps the person in its own queue and tries again next week.
    """
    u = draw(key, Purpose.SERVICE_CONNECT + service)
    held = draw(key, Purpose.SERVICE_HOLD + service) < p.regime_no_wrong_door
    if u < (partnership if held else p.demand_signpost_connect):
        right = service_of(elsewhere)
        r.asks |= 1 << right
        count(acc, service_metric(right, REFERRED_ON))
        contact(r, acc, SERVICE_COSTS[right], True, p)
    elif held:
        r.asks |= 1 << service
    else:
        count(acc, service_metric(service, LOST))
        r.turned_away = min(COUNT_CAP, int(r.turned_away) + 1)


@njit(cache=True, inline="always")
def service_assessment(r, service: int, key, p, partnership: float, acc) -> None:
    """Phase 4: a service takes a request from its queue: hand off, turn away or help.

    At a wrong door (the request is about a domain the service does not own) the citizen
    is triaged by phone and handed off (``hand_off``); if the trouble has passed while
    they waited, the request simply ends.
    At the right door the need is measured against the gate (``regime.eligibility_gate``
    x the service's gate); requests below it, and complex ones a cream-skimming service
    sheds, are turned away. A warm referral from a colleague in a multi-agency team
    passes every gate. Help costs less below the full gate (early help) than past it;
    it lifts the trouble unless it fails (the service's error rate, more when effort is
    bent to the count). A service case whose help failed is reported resolved when the
    service closes cases early.
    """
    r.asks = int(r.asks) & ~(1 << service)
    gate, early, late, error, hours, hourly = service_terms(service, p)
    agency = SERVICE_COSTS[service]
    owned = service_domains(service)
    if (int(r.domains) & owned) == 0:
        elsewhere = trouble_to_ask_about(r) & ~owned
        if elsewhere != 0:  # a wrong door: a triage call, failure demand
            triage(r, acc, agency, p)
            count(acc, service_metric(service, WRONG_DOOR))
            hand_off(r, service, elsewhere, key, p, partnership, acc)
        return
    charge(r, acc, agency, bent_hours(hours, p) * hourly)  # the assessment
    warm = ((r.status & Status.CAUSES_FOUND) != 0 and case_is_open(int(r.case))
            and draw(key, Purpose.SERVICE_WARM + service) < p.regime_multi_agency)
    severity = need(service, int(r.rent_arrears), weekly_rent(r), float(r.stress))
    below_gate = severity < p.regime_eligibility_gate * gate
    shed = (count_domains(int(r.domains)) >= 2
            and draw(key, Purpose.SERVICE_CREAM + service)
            < p.regime_cream_skimming * p.gaming_pull_services[service])
    if not warm and (below_gate or shed):
        r.turned_away = min(COUNT_CAP, int(r.turned_away) + 1)
        count(acc, service_metric(service, TURNED_AWAY))
        return
    count(acc, service_metric(service, CASES))
    if severity < gate:
        count(acc, service_metric(service, EARLY_HELP))
        charge(r, acc, agency, early)
    else:
        charge(r, acc, agency, late)
    if service == Service.HOUSING:
        payment = min(int(r.rent_arrears), pence(p.housing_arrears_payment))
        r.rent_arrears -= payment
        add(acc, M.ARREARS_PAYMENTS, payment)
        charge(r, acc, agency, payment)  # public money, paid to the landlord
    if draw(key, Purpose.SERVICE_ERROR + service) >= bent_error(error, p):
        r.domains = int(r.domains) & ~owned
        r.turned_away = 0
        count(acc, service_metric(service, HELPED))
        count(acc, service_metric(service, REPORTED_RESOLVED))
    elif (draw(key, Purpose.SERVICE_CLOSE + service)
          < p.regime_closing_early * p.gaming_pull_services[service]):
        count(acc, service_metric(service, REPORTED_RESOLVED))
