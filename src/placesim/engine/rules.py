"""The rulebook: what happens to one citizen, written once.

Each rule is a pure function of scalars (a citizen's state, this week's draws and the
parameter record ``p``) that returns scalars. The fast scheduler inlines them in numba
kernels over the structure of arrays; because they take and return scalars, a
pure-Python scheduler can call the same functions through ``rule.py_func``. Money is in
whole pence; a rule that needs a fraction of a sum rounds it once, half up, with :func:`pence`.
No rule draws random numbers itself except through the counter-based ``draw``.
"""

from __future__ import annotations

import math

from numba import njit

from placesim.engine.metrics import N_SERVICE_KINDS, SERVICE_BASE
from placesim.engine.rng import Purpose, draw
from placesim.engine.state import N_SERVICES, Case, Domain, Service, Stage

_CAP = 255


@njit(cache=True)
def pence(x: float) -> int:
    """Round a sum in pence to a whole penny, half up."""
    return int(math.floor(x + 0.5))


@njit(cache=True)
def allowance(household: int, p) -> float:
    """The household's standard allowance, in pence per week (benefits.allowance_*)."""
    return p.derived_allowance[household]


@njit(cache=True)
def living_costs(household: int, p) -> int:
    """The household's essential weekly spending, in whole pence (money.living_*)."""
    return int(p.derived_living_costs[household])


@njit(cache=True)
def count_domains(domains: int) -> int:
    return ((domains & 1) + ((domains >> 1) & 1) + ((domains >> 2) & 1) + ((domains >> 3) & 1)
            + ((domains >> 4) & 1))


# ---------------------------------------------------------------- life events


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


@njit(cache=True)
def evicted(domains: int, rent_arrears: int, rent: int, u: float, p) -> bool:
    """Eviction: possible once in housing trouble with rent arrears past the threshold."""
    if (domains & Domain.HOUSING) == 0 or rent <= 0:
        return False
    return rent_arrears >= p.life_eviction_rent_weeks * rent and u < p.life_eviction


@njit(cache=True)
def ae_attendance(domains: int, stress: float, u: float, p) -> bool:
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


# ---------------------------------------------------------------- money


@njit(cache=True)
def earnings(capacity: int, domains: int, p) -> int:
    """Weekly earnings: none out of work, fewer hours while ill or in a caring crisis."""
    if (domains & Domain.WORK) != 0:
        return 0
    factor = 1.0
    if (domains & Domain.HEALTH) != 0:
        factor *= 1.0 - p.life_illness_earnings_loss
    if (domains & Domain.CARING) != 0:
        factor *= 1.0 - p.life_caring_earnings_loss
    return pence(capacity * factor)


@njit(cache=True)
def band_council_tax(band: int, band_d_annual: float) -> int:
    """Weekly council tax of a band, pence (A-C are 6/9, 7/9, 8/9 of band D)."""
    return pence(band_d_annual * (6.0 + band) / 9.0 / 52.0)


@njit(cache=True)
def ct_gross(band: int, p) -> int:
    """Weekly council tax for a band (band_council_tax of council_tax.band_d_annual)."""
    return int(p.derived_council_tax[band])


@njit(cache=True)
def cash_entitlement(household: int, earned: int, rent: int, p) -> int:
    """Universal-Credit-like award: allowance plus housing, tapered away by earnings."""
    disregard = p.benefits_work_allowance if household >= 2 else 0.0
    taper = p.benefits_taper * max(0.0, earned - disregard)
    return max(0, pence(allowance(household, p) + p.benefits_housing_cover * rent - taper))


@njit(cache=True)
def cts_entitlement(household: int, earned: int, band: int, p) -> int:
    """Council-tax support: a share of the bill, tapered away above the allowance."""
    full = p.benefits_cts_max_share * ct_gross(band, p)
    above = max(0.0, earned - allowance(household, p))
    return max(0, pence(full - p.benefits_cts_taper * above))


@njit(cache=True)
def decided_award(entitled: int, wrong: bool, shortfall: float) -> int:
    """What a decision awards: the entitlement, or less of it when the decision is wrong."""
    return pence(entitled * (1.0 - shortfall)) if wrong else entitled


@njit(cache=True)
def pay(cash: int, due: int) -> int:
    """What can be paid of ``due`` from ``cash``."""
    return min(cash, max(due, 0))


@njit(cache=True)
def ea_split(amount: int, compliance_due: int, fees_due: int, debt: int):
    """Share a payment to an enforcement agent as the fee regulations do.

    The compliance fee is paid first; the rest is shared pro rata between the debt and
    the other fees. Returns (to compliance fee, to other fees, to debt).
    """
    amount = min(amount, compliance_due + fees_due + debt)
    to_compliance = min(amount, compliance_due)
    rest = amount - to_compliance
    owed = fees_due + debt
    to_fees = 0 if owed == 0 else min(fees_due, (rest * fees_due) // owed)
    return to_compliance, to_fees, rest - to_fees


@njit(cache=True)
def percent_fee(placed: int, base: float, p) -> int:
    """A stage fee plus the percentage on the sum placed above the threshold."""
    over = max(0.0, placed - p.recovery_fee_threshold)
    return pence(base + p.recovery_fee_percent * over)


@njit(cache=True)
def other_debt_repayment(other_debt: int, p) -> int:
    """Minimum repayment on other debt: a share of it, at least a pound a week."""
    if other_debt <= 0:
        return 0
    return min(other_debt, max(100, pence(other_debt * p.money_other_debt_repayment)))


# ---------------------------------------------------------------- recovery ladder


@njit(cache=True)
def is_enforcement(stage: int) -> bool:
    return stage == Stage.COMPLIANCE or stage == Stage.ENFORCEMENT


@njit(cache=True)
def letter_response_chance(stage: int, engagement: float, trust: float, stress: float,
                           p) -> float:
    """Chance of answering the letter of a recovery stage.

    The stage's salience (how alarming the letter is) times the person's engagement,
    damped by distrust and by stress: stressed people in debt do not open letters.
    """
    if stage == Stage.REMINDER:
        salience = p.recovery_respond_reminder
    elif stage == Stage.FINAL_NOTICE:
        salience = p.recovery_respond_final_notice
    elif stage == Stage.SUMMONS or stage == Stage.LIABILITY_ORDER:
        salience = p.recovery_respond_summons
    elif is_enforcement(stage):
        salience = p.recovery_respond_enforcement
    else:
        return 0.0
    return salience * engagement * (0.5 + 0.5 * trust) * (1.0 - 0.5 * stress)


@njit(cache=True)
def stage_weeks_allowed(stage: int, p) -> int:
    if stage == Stage.REMINDER:
        return int(p.recovery_weeks_reminder)
    if stage == Stage.FINAL_NOTICE:
        return int(p.recovery_weeks_final_notice)
    if stage == Stage.SUMMONS:
        return int(p.recovery_weeks_summons)
    if stage == Stage.LIABILITY_ORDER:
        return int(p.recovery_weeks_liability_order)
    if stage == Stage.COMPLIANCE:
        return int(p.recovery_weeks_compliance)
    if stage == Stage.ENFORCEMENT:
        return int(p.recovery_weeks_enforcement)
    return _CAP


@njit(cache=True)
def plan_instalment(owed: int, surplus: int, affordability: float, p) -> int:
    """Weekly instalment agreed: demanded (clear within a set time) or affordable.

    ``affordability`` blends the two: 0 is the demand-led plan of the target regime,
    1 asks a share of what the household has left each week.
    """
    demanded = owed / p.recovery_plan_weeks_demanded
    affordable = p.relational_affordability_share * max(0, surplus)
    blended = (1.0 - affordability) * demanded + affordability * affordable
    return min(owed, max(pence(p.recovery_plan_min_instalment), pence(blended)))


@njit(cache=True)
def weekly_surplus(household: int, earned: int, award: int, rent: int, liability: int,
                   p) -> int:
    """Income less essential spending, rent and council tax: what a plan can draw on."""
    return earned + award - living_costs(household, p) - rent - liability


# ---------------------------------------------------------------- relational casework


@njit(cache=True)
def outreach_succeeds(trust: float, stress: float, u: float, p) -> bool:
    return u < p.relational_outreach * (0.5 + 0.5 * trust) * (1.0 - 0.5 * stress)


@njit(cache=True)
def relationship_step(relationship: float, skill: float, trust: float, p) -> float:
    """A week of relationship building: faster with a skilled worker and a trusting person."""
    grown = relationship + p.relational_relationship_growth * (2.0 * skill) * (0.5 + trust)
    return min(1.0, grown)


@njit(cache=True)
def case_is_open(case: int) -> bool:
    return case >= Case.OUTREACH and case <= Case.WORKING


# ---------------------------------------------------------------- wellbeing


@njit(cache=True)
def stress_step(stress: float, debt: int, income: int, domains: int, threatened: bool,
                held: float, p) -> float:
    """Stress moves toward its pressure: debt, trouble, threats, less a held relationship."""
    scale = p.wellbeing_debt_pressure_weeks * max(income, 5000)
    debt_pressure = min(1.0, debt / scale) if debt != 0 else 0.0
    pressure = (p.wellbeing_debt_weight * debt_pressure
                + p.wellbeing_domain_weight * count_domains(domains)
                - p.relational_stress_relief * held)
    if threatened:
        pressure += p.wellbeing_threat_stress
    pressure = min(1.0, max(0.0, pressure))
    return stress + p.wellbeing_stress_rate * (pressure - stress)


@njit(cache=True)
def trust_step(trust: float, threatened: bool, engaged: bool, p) -> float:
    trust += p.wellbeing_trust_drift * (p.population_trust_initial - trust)
    if threatened:
        trust -= p.wellbeing_threat_trust_loss * p.regime_threat_tone
    if engaged:
        trust += p.wellbeing_relationship_trust_gain
    return min(1.0, max(0.0, trust))


@njit(cache=True)
def wellbeing_step(wellbeing: float, stress: float, domains: int, p) -> float:
    """Life satisfaction (0-10) follows 10 x (1 - stress), less a point per domain in trouble."""
    target = max(0.0, 10.0 * (1.0 - stress) - count_domains(domains))
    return wellbeing + p.wellbeing_wellbeing_rate * (target - wellbeing)


@njit(cache=True)
def is_stable(domains: int, stress: float, owed: int, on_plan: bool, p) -> bool:
    """A stable week: no domain in trouble, low stress, and no unmanaged council-tax debt."""
    return domains == 0 and stress < p.outcomes_stable_stress and (owed == 0 or on_plan)


@njit(cache=True)
def kept_for_target(capacity: int, cream_skimming: float) -> int:
    """Decisions a gaming service keeps for claims that can still meet its target."""
    return int(math.floor(capacity * cream_skimming + 0.5))


@njit(cache=True)
def bent_hours(hours: float, p) -> float:
    """Time a case or decision takes when effort bends toward what is counted."""
    return hours * (1.0 - p.regime_effort_bending * p.workforce_bending_speedup)


@njit(cache=True)
def bent_error(error: float, p) -> float:
    """Chance that help fails or a decision is wrong, with effort bent to the count."""
    return min(1.0, error + p.regime_effort_bending * p.workforce_bending_error)


# ---------------------------------------------------------------- services and doors


@njit(cache=True)
def service_metric(service: int, kind: int) -> int:
    """Index in the weekly aggregates of one of a service's metrics (metrics.SERVICE_KINDS)."""
    return SERVICE_BASE + service * N_SERVICE_KINDS + kind


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


# ---------------------------------------------------------------- frontline workers


@njit(cache=True)
def performance(skill: float, motivation: float) -> float:
    """What a worker brings to a case: skill, lifted or held back by motivation.

    At average skill (0.5) and motivation (0.5) it is 0.5, the level the rules are set at.
    """
    return min(1.0, skill * (0.5 + motivation))


@njit(cache=True)
def worker_week(skill: float, motivation: float, stress: float, load: float,
                volunteer: bool, spotlight: bool, u_leave: float, p):
    """A worker's week: stress follows load, and stressed workers leave more often.

    A leaver is replaced at once by an ordinary recruit, new to the job. Those who stay
    learn toward a ceiling set by their motivation; motivation returns to its level
    (higher for volunteers, lifted under a pilot's spotlight), less what stress burns.
    Returns (skill, motivation, stress, left).
    """
    pressure = p.workforce_stress_per_load * (load - p.workforce_comfortable_load)
    stress += p.workforce_stress_rate * (min(1.0, max(0.0, pressure)) - stress)
    leave = p.workforce_turnover / 52.0 * (1.0 + p.workforce_stress_turnover * stress)
    if u_leave < leave:
        return p.workforce_new_skill, p.workforce_motivation_ordinary, 0.0, True
    level = p.workforce_motivation_volunteer if volunteer else p.workforce_motivation_ordinary
    if spotlight:
        level += p.workforce_spotlight_boost
    level -= p.workforce_burnout * stress
    motivation += p.workforce_motivation_rate * (min(1.0, max(0.0, level)) - motivation)
    skill += p.workforce_learning_rate * (0.5 + 0.5 * motivation - skill)
    return skill, motivation, stress, False
