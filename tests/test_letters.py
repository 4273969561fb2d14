"""How households answer the letters of the council-tax recovery ladder, and what an
enforcement agent recovers: behaviour that follows from ability to pay, engagement and
stress (docs/odd.md: The weekly money waterfall; The council-tax recovery ladder)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numba import njit

import placesim.scenario
from placesim.engine.metrics import N_METRICS, M
from placesim.engine.params import pack
from placesim.engine.rng import agent_key
from placesim.engine.rules.money import ct_gross, money_week
from placesim.engine.rules.recovery_ladder import answer_letter, climb_ladder
from placesim.engine.state import Domain, Stage, Status, empty_citizens
from placesim.experiments.cohort import ArmRun, household_outcomes
from placesim.treasury import Terms

SEED, WEEK = 7, 20
N = 4_000


def params(overrides=None) -> np.recarray:
    scenario = placesim.scenario.defaults()
    if overrides:
        scenario = scenario.with_overrides(overrides)
    return pack(scenario, scenario.regime("target"))


P = params()
BILL = int(ct_gross(0, P[0]))  # band A, pence a week, no support


@njit(cache=True)
def _weeks(pop, params, first_week, weeks, acc):
    """Phases 2, 3 and 5 of the ladder for every citizen, week after week."""
    for week in range(first_week, first_week + weeks):
        for i in range(pop.shape[0]):
            key = agent_key(7, week, i)
            money_week(pop[i], key, params[0], week, acc)
            answer_letter(pop[i], key, params[0], acc)
            climb_ladder(pop[i], key, params[0], week, acc)


def run(pop: np.ndarray, weeks: int, p: np.recarray = P) -> np.ndarray:
    acc = np.zeros(N_METRICS, dtype=np.int64)
    _weeks(pop, p, WEEK, weeks, acc)
    return acc


def households(n: int = N, *, savings: int = 0, income_over_costs: int = 0,
               stress: float = 0.0) -> np.ndarray:
    """Single adults in band A, renting nothing, of average engagement and starting trust;
    ``income_over_costs`` is what earnings leave after essentials and the weekly bill."""
    pop = empty_citizens(n)
    pop["engagement"] = P[0].population_engagement_mean
    pop["trust"] = P[0].population_trust_initial
    pop["stress"] = stress
    pop["savings"] = pop["savings_buffer"] = savings  # savings they mean to keep
    living = int(P[0].derived_living_costs[0])
    pop["earnings_capacity"] = living + BILL + income_over_costs
    pop["caseworker"] = -1
    pop["family"] = np.arange(n)
    pop["family_size"] = 1
    return pop


def reminded(pop: np.ndarray, weeks_owed: int = 2) -> np.ndarray:
    """Households sent a reminder last week for ``weeks_owed`` weeks of missed bills."""
    pop["stage"] = Stage.REMINDER
    pop["stage_weeks"] = 0
    pop["status"] = Status.FLAGGED
    pop["ct_arrears"] = weeks_owed * BILL
    return pop


def test_share_paying_after_a_reminder_rises_with_ability_to_pay():
    owed = 2 * BILL
    shares = []
    for savings in (0, owed // 2, 2 * owed):
        pop = reminded(households(savings=savings))
        acc = run(pop, 1)
        shares.append(acc[M.PAID_IN_FULL] / N)
    assert shares[0] == shares[1] == 0.0  # those who cannot pay it all ask for a plan
    # the able pay in full as often as an average household acts on a reminder
    assert shares[2] == pytest.approx(P[0].recovery_respond_reminder, abs=0.03)


def test_those_who_cannot_pay_ask_for_an_arrangement_or_ignore_the_letter():
    pop = reminded(households())
    acc = run(pop, 1)
    answered = int(acc[M.RESPONSES])
    assert answered == int(acc[M.PLANS_AGREED]) > 0
    assert answered / N == pytest.approx(P[0].recovery_respond_reminder, abs=0.03)
    ignored = (pop["status"] & Status.ON_PLAN) == 0
    assert np.all(pop["stage"][ignored] == Stage.REMINDER)


def test_stress_makes_letters_ignored():
    calm = run(reminded(households(savings=10 * BILL)), 1)
    stressed = run(reminded(households(savings=10 * BILL, stress=1.0)), 1)
    assert stressed[M.PAID_IN_FULL] < 0.75 * calm[M.PAID_IN_FULL]


def test_a_missed_payment_is_caught_up_before_any_reminder():
    pop = households(savings=BILL)
    pop["ct_arrears"] = BILL // 2  # half a week missed: below the flag
    acc = run(pop, 1)
    caught = pop["ct_arrears"] == 0
    assert caught.mean() > 0.99  # all but the few who forget to pay this week too
    assert acc[M.CT_CAUGHT_UP] == caught.sum() * (BILL // 2)
    assert acc[M.REMINDERS] == (~caught).sum()


def test_a_reminder_is_not_caught_up_without_an_answer():
    pop = reminded(households(savings=10 * BILL), weeks_owed=2)
    run(pop, 1)
    still_owed = pop["ct_arrears"] > 0
    assert np.all(pop["stage"][still_owed] == Stage.REMINDER)
    assert 0 < still_owed.mean() < 1


def test_after_a_summons_paying_what_is_due_restores_instalments():
    pop = households(savings=5 * BILL, income_over_costs=BILL)
    pop["stage"] = Stage.SUMMONS
    pop["stage_weeks"] = 0
    pop["status"] = Status.FLAGGED
    ahead = 30  # weeks of the year's bill made due at once by the summons
    pop["ct_due_until"] = WEEK + ahead + 1
    pop["ct_arrears"] = 3 * BILL + ahead * BILL + 8_000  # missed, accelerated, court costs
    acc = run(pop, 1)
    restored = int(acc[M.PAID_DUE])
    assert restored == int(acc[M.RESPONSES]) > 0
    on_plan = (pop["status"] & Status.ON_PLAN) != 0
    assert on_plan.sum() == restored
    assert np.all(pop["plan_instalment"][on_plan] == BILL)
    assert np.all(pop["ct_arrears"][on_plan] == ahead * BILL)


def placed_with_agent(savings: int) -> np.ndarray:
    """Households out of work with no income, their debt just placed with an agent."""
    pop = households(savings=savings)
    pop["domains"] = Domain.WORK
    pop["earnings_capacity"] = 0
    pop["stage"] = Stage.ENFORCEMENT
    pop["stage_weeks"] = 0
    pop["status"] = Status.FLAGGED
    pop["ct_arrears"] = 40 * BILL
    pop["ea_placed"] = 40 * BILL
    pop["ea_fees_due"] = int(P[0].recovery_fee_enforcement)
    pop["ct_due_until"] = WEEK + 40
    return pop


def test_enforcement_recovers_little_from_households_without_savings_or_income():
    acc = run(placed_with_agent(savings=0), int(P[0].recovery_weeks_enforcement))
    placed = N * 40 * BILL
    assert acc[M.EA_DEBT_RECOVERED] / placed < 0.1  # only the odd sale of goods
    rich = run(placed_with_agent(savings=100 * BILL), int(P[0].recovery_weeks_enforcement))
    assert rich[M.EA_DEBT_RECOVERED] / placed > 0.9  # savings pay once the agent calls


def test_a_plan_paid_off_is_not_broken():
    pop = households(income_over_costs=10 * BILL)
    pop["stage"] = Stage.FINAL_NOTICE
    pop["stage_weeks"] = 1
    pop["status"] = Status.FLAGGED | Status.ON_PLAN
    pop["ct_arrears"] = 3 * BILL
    pop["plan_instalment"] = BILL
    acc = run(pop, 6, params({"life.lapse": 0.0}))  # nobody forgets a week's bill
    assert acc[M.PLANS_BROKEN] == 0
    assert np.all(pop["stage"] == Stage.NONE)
    assert np.all((pop["status"] & Status.ON_PLAN) == 0)


def test_the_cohort_counts_a_plan_broken_only_while_money_is_owed():
    weeks = np.stack([empty_citizens(2) for _ in range(3)])
    weeks["stage"] = Stage.ENFORCEMENT
    weeks["status"][:2] = Status.ON_PLAN  # both on a plan under threat, then off it
    weeks["ct_arrears"][:, 0] = [5_000, 2_000, 0]  # paid off
    weeks["stage"][2, 0] = Stage.NONE
    weeks["ct_arrears"][:, 1] = [5_000, 5_000, 5_000]  # broken
    weeks["caseworker"] = -1
    quiet = pd.DataFrame({"case_intakes": [0], "cost_relational": [0.0]})
    terms = Terms(caseworkers=0, team_setup=0.0, team_management=0.2, ta_week=1.0,
                  care_week=1.0, ta_stay_weeks=1.0, care_stay_weeks=1.0)
    run_ = ArmRun("target", SEED, 0, np.arange(2), np.zeros(2, bool), weeks, P[0], quiet,
                  terms)
    outcomes = household_outcomes(run_, P[0])
    assert outcomes["plan_under_threat"].tolist() == [True, True]
    assert outcomes["plan_broken_under_threat"].tolist() == [False, True]
