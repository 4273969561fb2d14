"""Life: the five life domains and their cascades, families and spillover, and the
crises trouble brings (docs/odd.md: Life domains and cascades; Families and spillover;
Crises: eviction, temporary accommodation, A&E, mental health, care, police).

Phase 1 (:func:`life_week`): each domain in trouble may recover and each other may fall
into trouble, with hazards raised by the other troubles (cascade), by stress and by last
week's shocks to kin; then eviction and the crises, each costed to the agency that bears
it. A domain "recovers" here in the sense of a life getting better; the council tax's
recovery ladder is ``recovery_ladder``.
"""

from __future__ import annotations

from numba import njit

from placesim.engine.metrics import M
from placesim.engine.rng import Purpose, draw
from placesim.engine.rules.demand import connect_chance, refer
from placesim.engine.rules.ledger import count, count_if, crisis
from placesim.engine.rules.money import weekly_rent
from placesim.engine.state import Case, Domain, Service, count_domains

# ---------------------------------------------------------------- life domains


@njit(cache=True)
def domain_step(in_trouble: bool, u: float, onset: float, recovery: float,
                others: int, stress: float, extra: float, support: float, p) -> bool:
    """One life domain for one week: recover if in trouble, else maybe fall into it.

    The onset hazard rises with every other domain in trouble (cascade), with stress
    and with a domain-specific ``extra`` (arrears, shocks in the family); a worker who
    has found the causes and connected help multiplies the chance of recovery.
    """
    if in_trouble:
        return not u < recovery * (1.0 + support * p.relational_recovery_boost)
    hazard = onset * (1.0 + p.life_cascade * others) * (1.0 + p.life_stress_hazard * stress)
    return u < hazard * (1.0 + extra)


@njit(cache=True, inline="always")
def life_events(domains: int, stress: float, rent_arrears: int, rent: int,
                supported: bool, kin: int, key, p) -> int:
    """New life-domain bits after this week's shocks, cascades and recoveries.

    ``kin`` holds the domains that fell into trouble for family members last week: each
    raises every onset hazard (family.spillover), and a relative falling ill raises the
    hazard of a caring crisis (family.caring_spillover).
    """
    n = count_domains(domains)
    support = 1.0 if supported else 0.0
    weeks_owed = rent_arrears / rent if rent > 0 and rent_arrears != 0 else 0.0
    family_extra = p.family_spillover * count_domains(kin)
    caring_extra = p.family_caring_spillover if (kin & Domain.HEALTH) != 0 else 0.0
    out = 0
    work = (domains & Domain.WORK) != 0
    if domain_step(work, draw(key, Purpose.WORK), p.life_job_loss,
                   p.life_job_find, n - work, stress, family_extra, support, p):
        out |= Domain.WORK
    health = (domains & Domain.HEALTH) != 0
    if domain_step(health, draw(key, Purpose.HEALTH), p.life_illness,
                   p.life_illness_recovery, n - health, stress, family_extra, support, p):
        out |= Domain.HEALTH
    caring = (domains & Domain.CARING) != 0
    if domain_step(caring, draw(key, Purpose.CARING), p.life_caring_crisis,
                   p.life_caring_recovery, n - caring, stress, family_extra + caring_extra,
                   support, p):
        out |= Domain.CARING
    housing = (domains & Domain.HOUSING) != 0
    if domain_step(housing, draw(key, Purpose.HOUSING), p.life_housing_trouble,
                   p.life_housing_recovery, n - housing, stress,
                   family_extra + p.life_rent_arrears_housing_hazard * weeks_owed, support,
                   p):
        out |= Domain.HOUSING
    family = (domains & Domain.FAMILY) != 0
    if domain_step(family, draw(key, Purpose.FAMILY), p.life_family_trouble,
                   p.life_family_recovery, n - family, stress, family_extra, support, p):
        out |= Domain.FAMILY
    return out


@njit(cache=True, inline="always")
def kin_onsets(pop, i: int, week: int, p) -> int:
    """Life domains that fell into trouble last week for citizen ``i``'s family members.

    Each citizen writes this week's onsets into the field of this week's parity and reads
    its kin's from the other, so no citizen reads a field being written this week. Both
    fields start at zero, so a place's first week sees no onsets of a week before it.

    Every citizen looks at the same number of places (family.max_size, from the first
    member on), masking those that are not its kin: a loop as long as each family ended
    on a mispredicted branch about once a citizen (benchmarks/NOTES.md).
    """
    r = pop[i]
    first = int(r.family)
    size = int(r.family_size)
    last = len(pop) - 1
    odd = week % 2 == 1
    kin = 0
    for k in range(int(p.family_max_size)):
        j = min(first + k, last)
        onsets = int(pop[j].onsets_even) if odd else int(pop[j].onsets_odd)
        kin |= onsets if k < size and j != i else 0
    return kin


# ---------------------------------------------------------------- crises


@njit(cache=True)
def evicted(domains: int, rent_arrears: int, rent: int, u: float, p) -> bool:
    """Eviction: possible for a renter (``rent`` > 0) in housing trouble with rent arrears
    past the threshold."""
    if (domains & Domain.HOUSING) == 0 or rent <= 0:
        return False
    return rent_arrears >= p.life_eviction_rent_weeks * rent and u < p.life_eviction


@njit(cache=True)
def ae_attendance(domains: int, stress: float, u: float, p) -> bool:
    """An A&E attendance: possible while ill; twice as likely at full stress."""
    return (domains & Domain.HEALTH) != 0 and u < p.life_ae_attendance * (1.0 + stress)


@njit(cache=True)
def mental_health_crisis(domains: int, stress: float, u: float, p) -> bool:
    """A mental-health crisis: possible while ill, the more likely the more stressed."""
    return (domains & Domain.HEALTH) != 0 and u < p.life_mh_crisis * stress


@njit(cache=True)
def enters_care(domains: int, household: int, stress: float, u: float, p) -> bool:
    """A child taken into care: possible in a family in trouble, with children, under stress."""
    return household >= 2 and (domains & Domain.FAMILY) != 0 and u < p.life_care_entry * stress


@njit(cache=True)
def police_callout(domains: int, stress: float, u: float, p) -> bool:
    """Police called to a family in trouble; stress makes it likelier."""
    return (domains & Domain.FAMILY) != 0 and u < p.life_police_callout * (0.5 + stress)


# ---------------------------------------------------------------- phase 1


@njit(cache=True, inline="always")
def life_week(r, key, p, week: int, acc, kin: int, partnership: float) -> None:
    """Phase 1: life events, spillover from kin, eviction and crises.

    ``kin``: domains that fell into trouble for family members last week (kin_onsets);
    ``partnership``: this week's chance a referral between agencies connects, for the
    police's welfare concerns. Everything is judged on the start-of-week stress and rent
    arrears and, for crises, on the domains after this week's update.
    """
    before = int(r.domains)
    stress = float(r.stress)
    rent = weekly_rent(r)  # none for an owner, who is never in rent arrears nor evicted
    rent_arrears = int(r.rent_arrears)
    domains = life_events(before, stress, rent_arrears, rent, r.case == Case.WORKING,
                          kin, key, p)
    count_if(acc, M.KIN_SHOCKED, kin != 0)
    onset = domains & ~before
    count_if(acc, M.JOB_LOSSES, (onset & Domain.WORK) != 0)
    count_if(acc, M.ILLNESSES, (onset & Domain.HEALTH) != 0)
    count_if(acc, M.CARING_CRISES, (onset & Domain.CARING) != 0)
    count_if(acc, M.HOUSING_TROUBLES, (onset & Domain.HOUSING) != 0)
    count_if(acc, M.FAMILY_TROUBLES, (onset & Domain.FAMILY) != 0)
    homeless = int(r.homeless_weeks)
    if homeless > 0:
        homeless -= 1
    elif evicted(domains, rent_arrears, rent, draw(key, Purpose.EVICTION), p):
        homeless = int(p.life_homeless_weeks)
        onset |= Domain.HOUSING  # an eviction is a housing shock to the family too
        count(acc, M.EVICTIONS)
    if week % 2 == 0:
        r.onsets_even = onset
    else:
        r.onsets_odd = onset
    if homeless > 0:
        crisis(r, acc, M.COST_HOUSING, M.CRISIS_COST_TEMPORARY_ACCOMMODATION,
               p.costs_temporary_accommodation)
    if ae_attendance(domains, stress, draw(key, Purpose.AE), p):
        count(acc, M.AE_ATTENDANCES)
        crisis(r, acc, M.COST_HEALTH, M.CRISIS_COST_AE, p.costs_ae_attendance)
    if mental_health_crisis(domains, stress, draw(key, Purpose.MH_CRISIS), p):
        count(acc, M.MH_CRISES)
        crisis(r, acc, M.COST_HEALTH, M.CRISIS_COST_MH, p.costs_mh_crisis)
    in_care = int(r.care_weeks)
    if in_care > 0:
        in_care -= 1
    elif enters_care(domains, int(r.household), stress, draw(key, Purpose.CARE), p):
        in_care = int(p.life_care_weeks)
        count(acc, M.CARE_ENTRIES)
    if in_care > 0:
        crisis(r, acc, M.COST_SOCIAL_CARE, M.CRISIS_COST_CARE, p.costs_care_week)
    r.care_weeks = in_care
    if police_callout(domains, stress, draw(key, Purpose.POLICE), p):
        count(acc, M.POLICE_CALLOUTS)
        crisis(r, acc, M.COST_POLICE, M.CRISIS_COST_POLICE, p.costs_police_callout)
        if (draw(key, Purpose.POLICE_REFER) < p.police_refer
                and draw(key, Purpose.POLICE_CONNECT) < connect_chance(partnership, p)):
            refer(r, 1 << Service.SOCIAL_CARE, week)
            count(acc, M.POLICE_REFERRALS)
    r.domains = domains
    r.homeless_weeks = homeless
