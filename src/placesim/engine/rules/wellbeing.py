"""Stress, trust, wellbeing and stable weeks (docs/odd.md: Stress, trust and wellbeing;
Stable weeks and lives turned around).

Phase 6 (:func:`wellbeing_week`): stress moves toward the pressure of the week's debts,
troubles and threats, less a relationship held with a caseworker; trust drifts home,
falls with threats and grows while engaged; wellbeing follows stress and troubles; a
stable week (no trouble, low stress, no unmanaged council-tax debt) adds to the count
that says a life has been turned around.
"""

from __future__ import annotations

from numba import njit

from placesim.engine.rules.money import earnings, owed_on_ct
from placesim.engine.state import STABLE_WEEKS_CAP, Status, count_domains


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
    """Trust drifts back to its initial level, falls with each threat (scaled by the
    regime's threat tone) and grows in each week engaged with a caseworker."""
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


@njit(cache=True, inline="always")
def wellbeing_week(r, p, threatened: bool, held: float) -> None:
    """Phase 6: stress, trust and wellbeing after the week, and the stable-week count.

    ``threatened``: the recovery ladder threatened this week (a letter or the bailiff);
    ``held``: the relationship held with a caseworker (0 without an open case).
    """
    domains = int(r.domains)
    earned = earnings(int(r.earnings_capacity), domains, p)
    owed = owed_on_ct(r)
    debt = owed + int(r.rent_arrears) + int(r.other_debt)
    stress = stress_step(float(r.stress), debt, earned + int(r.award), domains,
                         threatened, held, p)
    trust = trust_step(float(r.trust), threatened, held > 0.0, p)
    wellbeing = wellbeing_step(float(r.wellbeing), stress, domains, p)
    r.stress = stress
    r.trust = trust
    r.wellbeing = wellbeing
    on_plan = (int(r.status) & Status.ON_PLAN) != 0
    if is_stable(domains, stress, owed, on_plan, p):
        r.stable_weeks = min(STABLE_WEEKS_CAP, int(r.stable_weeks) + 1)
    else:
        r.stable_weeks = 0
