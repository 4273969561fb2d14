"""Hand-worked cases for the rules of the rulebook (the modules of placesim.engine.rules).

The parameter record holds money in PENCE (the scenario gives pounds). Expected values
are worked out by hand from the scenario defaults, which
``test_hand_worked_cases_assume_these_defaults`` pins down: if a default changes, that
test fails first and says which assumption no longer holds.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import placesim.scenario
from placesim.engine import metrics, state
from placesim.engine.metrics import M
from placesim.engine.params import NO_PULL, GamingPulls, pack
from placesim.engine.pure import python_function
from placesim.engine.rng import Purpose, agent_key, uniform
from placesim.engine.rules import (
    benefits,
    casework,
    demand,
    ledger,
    life,
    money,
    recovery_ladder,
    services,
    wellbeing,
    workers,
)
from placesim.engine.state import Case, Domain, Stage, Tenure

HYPOTHESIS = settings(deadline=None, max_examples=200)


def record(overrides=None, regime="target", pulls=NO_PULL):
    """The packed parameter record (pence) for the defaults plus ``overrides``, and the
    services' pulls toward gaming (none unless given)."""
    scenario = placesim.scenario.defaults()
    if overrides:
        scenario = scenario.with_overrides(overrides)
    return pack(scenario, scenario.regime(regime), pulls)[0]


# every service short of its target under full payment by results
SHORT_OF_TARGETS = GamingPulls((1.0,) * len(state.Service), 1.0)


P = record()
SINGLE, COUPLE, LONE_PARENT, COUPLE_CHILDREN = 0, 1, 2, 3
BAND_A, BAND_B, BAND_C, BAND_D = 0, 1, 2, 3
ALL_DOMAINS = Domain.WORK | Domain.HEALTH | Domain.CARING | Domain.HOUSING | Domain.FAMILY
JUST_BELOW_ONE = float(np.nextafter(1.0, 0.0))


def half_up(x: float) -> int:
    """Independent statement of 'round to a whole penny, half up' for expected values."""
    return math.floor(x + 0.5)


def test_hand_worked_cases_assume_these_defaults():
    """The pound figures every hand-worked case below is built on, and their pence form."""
    s = placesim.scenario.defaults()
    assumed = {
        "council_tax.band_d_annual": 2300.0,
        "benefits.allowance_single": 91.0,
        "benefits.allowance_couple": 143.0,
        "benefits.allowance_lone_parent": 157.0,
        "benefits.allowance_couple_children": 209.0,
        "benefits.housing_cover": 0.95,
        "benefits.taper": 0.55,
        "benefits.work_allowance": 93.0,
        "benefits.cts_max_share": 0.8,
        "benefits.cts_taper": 0.2,
        "recovery.fee_enforcement": 235.0,
        "recovery.fee_sale": 110.0,
        "recovery.fee_percent": 0.075,
        "recovery.fee_threshold": 1500.0,
        "recovery.plan_weeks_demanded": 12,
        "recovery.plan_min_instalment": 5.0,
        "relational.affordability_share": 0.5,
        "relational.recovery_boost": 1.5,
        "life.illness_earnings_loss": 0.4,
        "life.caring_earnings_loss": 0.5,
        "life.cascade": 0.8,
        "life.stress_hazard": 1.5,
        "outcomes.stable_stress": 0.45,
        "wellbeing.stress_rate": 0.2,
        "wellbeing.debt_pressure_weeks": 8.0,
        "wellbeing.debt_weight": 0.5,
        "wellbeing.domain_weight": 0.12,
        "wellbeing.threat_stress": 0.15,
        "relational.stress_relief": 0.25,
        "wellbeing.trust_drift": 0.01,
        "population.trust_initial": 0.5,
        "wellbeing.threat_trust_loss": 0.05,
        "wellbeing.relationship_trust_gain": 0.05,
        "wellbeing.wellbeing_rate": 0.1,
    }
    for path, value in assumed.items():
        assert s.get(path) == value, path
    # Money is packed in pence, everything else as given.
    assert P.council_tax_band_d_annual == 2300.0 * 100
    assert P.benefits_allowance_single == 91.0 * 100
    assert P.recovery_fee_threshold == 1500.0 * 100
    assert P.recovery_plan_min_instalment == 5.0 * 100
    assert P.benefits_taper == 0.55
    assert P.recovery_plan_weeks_demanded == 12
    assert P.regime_threat_tone == 1.0  # target regime


# ---------------------------------------------------------------- pence


@pytest.mark.parametrize("x, expected", [
    (0.0, 0),
    (2.4, 2),
    (2.5, 3),   # half goes up ...
    (3.5, 4),   # ... always, not to the even neighbour (banker's rounding would give 4, 4)
    (4.5, 5),   # banker's rounding would give 4
    (2.6, 3),
    (4423.0769, 4423),
    (-0.4, 0),
    (-0.5, 0),  # half up is toward +infinity
    (-1.5, -1),
    (-1.6, -2),
])
def test_pence_rounds_half_up(x, expected):
    assert ledger.pence(x) == expected
    assert python_function(ledger.pence)(x) == expected
    assert isinstance(ledger.pence(x), int)


# ---------------------------------------------------------------- small helpers


def test_household_and_band_tables_follow_the_scenario():
    """The tables pack works out once per run hold the scenario's values, in pence."""
    p = record({"benefits.allowance_lone_parent": 150.5, "money.living_couple": 120.004,
                "council_tax.band_d_annual": 2_100.0})
    households = ("single", "couple", "lone_parent", "couple_children")
    assert [benefits.allowance(h, p) for h in range(4)] == [
        getattr(p, f"benefits_allowance_{name}") for name in households]
    assert benefits.allowance(2, p) == 15_050.0
    assert money.living_costs(1, p) == 12_000  # 12,000.4 pence, rounded to a penny
    assert [money.ct_gross(band, p) for band in range(4)] == [
        ledger.pence(210_000.0 * (6 + band) / 9 / 52) for band in range(4)]
    assert money.ct_gross(3, p) == 4_038  # band D: 2,100 a year over 52 weeks


def test_count_domains():
    assert state.count_domains(0) == 0
    assert state.count_domains(Domain.HEALTH | Domain.HOUSING) == 2
    assert state.count_domains(ALL_DOMAINS) == 5


def test_pay_is_capped_by_cash_and_never_negative():
    assert money.pay(1000, 400) == 400
    assert money.pay(300, 400) == 300
    assert money.pay(1000, -50) == 0


# ---------------------------------------------------------------- council tax


@pytest.mark.parametrize("band, ninths, expected", [
    (BAND_A, 6, 2949),  # 2300 GBP * 100 * 6/9 / 52 weeks = 2948.72 -> 2949
    (BAND_B, 7, 3440),  # 2300 * 100 * 7/9 / 52 = 3440.17 -> 3440
    (BAND_C, 8, 3932),  # 2300 * 100 * 8/9 / 52 = 3931.62 -> 3932
    (BAND_D, 9, 4423),  # 2300 * 100 / 52 = 4423.08 -> 4423
])
def test_ct_gross_per_band_in_pence_per_week(band, ninths, expected):
    band_d_annual_gbp = 2300
    assert half_up(band_d_annual_gbp * 100 * ninths / 9 / 52) == expected
    assert money.ct_gross(band, P) == expected
    assert python_function(money.ct_gross)(band, P) == expected


def test_ct_gross_rises_with_band():
    bills = [money.ct_gross(b, P) for b in (BAND_A, BAND_B, BAND_C, BAND_D)]
    assert bills == sorted(bills) and len(set(bills)) == 4


# ---------------------------------------------------------------- cash benefit


ALLOW = {SINGLE: 9100, COUPLE: 14300, LONE_PARENT: 15700, COUPLE_CHILDREN: 20900}  # pence
WORK_ALLOWANCE = 9300  # pence: 93 GBP
HOUSING_COVER = 0.95
TAPER = 0.55
RENT = 10000  # 100 GBP a week


@pytest.mark.parametrize("household, earned, expected", [
    # no earnings: allowance + 95% of rent
    (SINGLE, 0, ALLOW[SINGLE] + HOUSING_COVER * RENT),                      # 18600
    (COUPLE, 0, ALLOW[COUPLE] + HOUSING_COVER * RENT),                      # 23800
    (LONE_PARENT, 0, ALLOW[LONE_PARENT] + HOUSING_COVER * RENT),            # 25200
    (COUPLE_CHILDREN, 0, ALLOW[COUPLE_CHILDREN] + HOUSING_COVER * RENT),    # 30400
    # earnings without children: every penny tapered at 55%
    (SINGLE, 20000, ALLOW[SINGLE] + HOUSING_COVER * RENT - TAPER * 20000),  # 7600
    (COUPLE, 5000, ALLOW[COUPLE] + HOUSING_COVER * RENT - TAPER * 5000),    # 21050
    # with children the first 93 GBP are disregarded
    (LONE_PARENT, 20000,
     ALLOW[LONE_PARENT] + HOUSING_COVER * RENT - TAPER * (20000 - WORK_ALLOWANCE)),  # 19315
    (COUPLE_CHILDREN, 5000, ALLOW[COUPLE_CHILDREN] + HOUSING_COVER * RENT),  # under the disregard
    (COUPLE_CHILDREN, 40000,
     ALLOW[COUPLE_CHILDREN] + HOUSING_COVER * RENT - TAPER * (40000 - WORK_ALLOWANCE)),  # 13515
    # tapered to nothing: never negative
    (SINGLE, 50000, 0),
])
def test_cash_entitlement(household, earned, expected):
    expected = max(0, half_up(expected))
    assert benefits.cash_entitlement(household, earned, RENT, P) == expected
    assert python_function(benefits.cash_entitlement)(household, earned, RENT, P) == expected


def test_cash_entitlement_hand_values():
    """The same cases as plain numbers, so a wrong helper above cannot hide an error."""
    assert benefits.cash_entitlement(SINGLE, 0, RENT, P) == 18600
    assert benefits.cash_entitlement(SINGLE, 20000, RENT, P) == 7600
    assert benefits.cash_entitlement(LONE_PARENT, 20000, RENT, P) == 19315
    assert benefits.cash_entitlement(COUPLE_CHILDREN, 40000, RENT, P) == 13515
    # odd rent: 9100 + 0.95 * 10001 = 18600.95 -> 18601
    assert benefits.cash_entitlement(SINGLE, 0, 10001, P) == 18601


def test_cash_entitlement_work_allowance_only_for_households_with_children():
    earned = 9000  # below the 93 GBP disregard
    no_earnings = {h: benefits.cash_entitlement(h, 0, RENT, P) for h in ALLOW}
    with_earnings = {h: benefits.cash_entitlement(h, earned, RENT, P) for h in ALLOW}
    assert with_earnings[LONE_PARENT] == no_earnings[LONE_PARENT]
    assert with_earnings[COUPLE_CHILDREN] == no_earnings[COUPLE_CHILDREN]
    assert with_earnings[SINGLE] == no_earnings[SINGLE] - half_up(TAPER * earned)  # 4950
    assert with_earnings[COUPLE] == no_earnings[COUPLE] - half_up(TAPER * earned)


@given(household=st.integers(0, 3), earned=st.integers(0, 500_000),
       rent=st.integers(0, 200_000), more=st.integers(1, 10_000))
@HYPOTHESIS
def test_cash_entitlement_never_rises_with_earnings(household, earned, rent, more):
    low = benefits.cash_entitlement(household, earned, rent, P)
    high = benefits.cash_entitlement(household, earned + more, rent, P)
    assert 0 <= high <= low
    # a pound more earned takes at most the taper (plus a penny of rounding) away
    assert low - high <= TAPER * more + 1


# ---------------------------------------------------------------- council-tax support


CTS_MAX = 0.8
CTS_TAPER = 0.2


@pytest.mark.parametrize("household, earned, band, expected", [
    (SINGLE, 0, BAND_A, CTS_MAX * 2949),                                   # 2359.2 -> 2359
    (SINGLE, 20000, BAND_A, CTS_MAX * 2949 - CTS_TAPER * (20000 - 9100)),  # 179.2 -> 179
    (SINGLE, 30000, BAND_A, 0),                            # 2359.2 - 4180 < 0 -> 0
    (SINGLE, 9100, BAND_A, CTS_MAX * 2949),                # earnings at the allowance: no taper
    (LONE_PARENT, 20000, BAND_B, CTS_MAX * 3440 - CTS_TAPER * (20000 - 15700)),  # 1892
    (COUPLE_CHILDREN, 20000, BAND_D, CTS_MAX * 4423),      # 3538.4 -> 3538, under allowance
])
def test_cts_entitlement(household, earned, band, expected):
    expected = max(0, half_up(expected))
    assert benefits.cts_entitlement(household, earned, band, P) == expected
    assert python_function(benefits.cts_entitlement)(household, earned, band, P) == expected


def test_cts_entitlement_hand_values():
    assert benefits.cts_entitlement(SINGLE, 0, BAND_A, P) == 2359
    assert benefits.cts_entitlement(SINGLE, 20000, BAND_A, P) == 179
    assert benefits.cts_entitlement(LONE_PARENT, 20000, BAND_B, P) == 1892
    assert benefits.cts_entitlement(COUPLE_CHILDREN, 20000, BAND_D, P) == 3538


def test_cts_never_exceeds_the_max_share_of_the_bill():
    for band in range(4):
        for household in range(4):
            cts = benefits.cts_entitlement(household, 0, band, P)
            assert cts <= CTS_MAX * money.ct_gross(band, P) + 0.5
            assert cts < money.ct_gross(band, P)  # a minimum payment is always asked


# ---------------------------------------------------------------- decisions


def test_decided_award_right_and_wrong():
    entitled = 18600
    shortfall = 0.3
    assert benefits.decided_award(entitled, False, shortfall) == entitled
    assert benefits.decided_award(entitled, True, shortfall) == 13020  # 18600 * 0.7
    assert benefits.decided_award(18601, True, shortfall) == 13021     # 13020.7 -> 13021
    assert benefits.decided_award(entitled, True, 0.0) == entitled
    assert benefits.decided_award(entitled, True, 1.0) == 0
    assert python_function(benefits.decided_award)(entitled, True, shortfall) == 13020


# ---------------------------------------------------------------- enforcement agents


@pytest.mark.parametrize("amount, compliance, fees, debt, expected", [
    # compliance fee first, then nothing else owed in fees: the rest goes to the debt
    (10000, 7500, 0, 50000, (7500, 0, 10000 - 7500)),
    # less than the compliance fee: all of it to the compliance fee
    (5000, 7500, 23500, 100000, (5000, 0, 0)),
    # rest 12500 shared pro rata 23500 : 100000 -> 12500*23500//123500 = 2378 to fees
    (20000, 7500, 23500, 100000, (7500, 12500 * 23500 // 123500, 12500 - 2378)),
    # compliance already paid: fees 1000 and debt 3000 share 2000 as 1:3
    (2000, 0, 1000, 3000, (0, 500, 1500)),
    # more than is owed: everything is cleared, the excess is not taken
    (1_000_000, 7500, 23500, 100000, (7500, 23500, 100000)),
    # only the compliance fee is owed
    (10000, 7500, 0, 0, (7500, 0, 0)),
    (0, 7500, 23500, 100000, (0, 0, 0)),
])
def test_enforcement_split(amount, compliance, fees, debt, expected):
    assert tuple(money.enforcement_split(amount, compliance, fees, debt)) == expected
    split = python_function(money.enforcement_split)
    assert tuple(split(amount, compliance, fees, debt)) == expected


@given(amount=st.integers(0, 3_000_000), compliance=st.integers(0, 100_000),
       fees=st.integers(0, 500_000), debt=st.integers(0, 2_000_000))
@HYPOTHESIS
def test_enforcement_split_parts_sum_to_what_can_be_paid(amount, compliance, fees, debt):
    to_compliance, to_fees, to_debt = money.enforcement_split(amount, compliance, fees, debt)
    assert to_compliance + to_fees + to_debt == min(amount, compliance + fees + debt)
    assert 0 <= to_compliance <= compliance
    assert 0 <= to_fees <= fees
    assert 0 <= to_debt <= debt
    # compliance first: nothing goes elsewhere until it is paid in full
    if to_fees + to_debt > 0:
        assert to_compliance == compliance
    # pro rata, to within a penny of rounding
    rest = to_fees + to_debt
    if fees + debt > 0:
        assert abs(to_fees - rest * fees / (fees + debt)) < 1
    assert (to_compliance, to_fees, to_debt) == tuple(
        python_function(money.enforcement_split)(amount, compliance, fees, debt))


# Statutory: enforcement stage 235 GBP + 7.5% of the sum placed above 1500 GBP.
FEE_ENFORCEMENT = 23500
FEE_SALE = 11000
THRESHOLD = 150000
PERCENT = 0.075


@pytest.mark.parametrize("placed, expected", [
    (100000, FEE_ENFORCEMENT),                                  # 1000 GBP: below
    (THRESHOLD, FEE_ENFORCEMENT),                               # exactly at 1500 GBP
    (THRESHOLD + 1, FEE_ENFORCEMENT),                           # 0.075p rounds away
    (200000, FEE_ENFORCEMENT + PERCENT * (200000 - THRESHOLD)),  # 235 + 37.50 = 272.50 GBP
    (250000, FEE_ENFORCEMENT + PERCENT * (250000 - THRESHOLD)),  # 235 + 75 = 310 GBP
    (150020, FEE_ENFORCEMENT + 2),                              # 0.075 * 20 = 1.5 -> 2
])
def test_percent_fee_enforcement(placed, expected):
    expected = half_up(expected)
    assert recovery_ladder.percent_fee(placed, P.recovery_fee_enforcement, P) == expected
    fee = python_function(recovery_ladder.percent_fee)
    assert fee(placed, P.recovery_fee_enforcement, P) == expected


def test_percent_fee_hand_values():
    assert recovery_ladder.percent_fee(100000, P.recovery_fee_enforcement, P) == 23500
    assert recovery_ladder.percent_fee(200000, P.recovery_fee_enforcement, P) == 27250
    assert recovery_ladder.percent_fee(250000, P.recovery_fee_enforcement, P) == 31000
    # sale stage: 110 GBP + 7.5% above 1500 GBP
    assert recovery_ladder.percent_fee(100000, P.recovery_fee_sale, P) == FEE_SALE
    assert recovery_ladder.percent_fee(200000, P.recovery_fee_sale, P) == FEE_SALE + 3750


def test_other_debt_repayment():
    assert money.other_debt_repayment(0, P) == 0
    assert money.other_debt_repayment(-100, P) == 0
    assert money.other_debt_repayment(100000, P) == 3000  # 3% of 1000 GBP
    assert money.other_debt_repayment(1000, P) == 100     # 3% is 30p: at least a pound
    assert money.other_debt_repayment(50, P) == 50        # never more than owed


# ---------------------------------------------------------------- recovery ladder


@pytest.mark.parametrize("owed, expected", [
    (60000, 60000 / 12),   # 600 GBP over 12 weeks: 50 GBP a week
    (60006, 5001),         # 5000.5 -> 5001, half up
    (60001, 5000),         # 5000.08 -> 5000
    (6000, 500),           # 500 exactly: the minimum
    (3000, 500),           # 250 a week is below the 5 GBP minimum instalment
    (300, 300),            # but never more than is owed
    (0, 0),
])
def test_plan_instalment_demand_led(owed, expected):
    for surplus in (-5000, 0, 4000, 1_000_000):  # what the household can afford is ignored
        assert recovery_ladder.plan_instalment(owed, surplus, 0.0, P) == expected
        assert python_function(recovery_ladder.plan_instalment)(owed, surplus, 0.0, P) == expected


@pytest.mark.parametrize("owed, surplus, expected", [
    (60000, 4000, 0.5 * 4000),   # half of a 40 GBP surplus
    (60000, 1001, 501),          # 500.5 -> 501
    (60000, 600, 500),           # 300 is below the minimum instalment
    (60000, 0, 500),
    (60000, -1000, 500),         # a deficit affords nothing: the minimum is asked
    (60000, 200000, 60000),      # 1000 GBP affordable, but only 600 owed
    (300, 4000, 300),
])
def test_plan_instalment_affordable(owed, surplus, expected):
    assert recovery_ladder.plan_instalment(owed, surplus, 1.0, P) == expected
    assert python_function(recovery_ladder.plan_instalment)(owed, surplus, 1.0, P) == expected


def test_plan_instalment_blends_between_demand_and_affordability():
    # demanded 60000/12 = 5000, affordable 0.5 * 4000 = 2000: halfway is 3500
    assert recovery_ladder.plan_instalment(60000, 4000, 0.5, P) == 3500


@given(owed=st.integers(0, 2_000_000), surplus=st.integers(-100_000, 500_000),
       affordability=st.floats(0.0, 1.0))
@HYPOTHESIS
def test_plan_instalment_bounds(owed, surplus, affordability):
    got = recovery_ladder.plan_instalment(owed, surplus, affordability, P)
    assert 0 <= got <= owed
    assert got >= min(owed, 500)


@pytest.mark.parametrize("stage, salience", [
    (Stage.REMINDER, 0.67),
    (Stage.FINAL_NOTICE, 0.67),
    (Stage.SUMMONS, 0.67),
    (Stage.LIABILITY_ORDER, 0.67),
    (Stage.COMPLIANCE, 0.70),
    (Stage.ENFORCEMENT, 0.70),
    (Stage.NONE, 0.0),
    (Stage.RETURNED, 0.0),
])
def test_letter_response_chance_per_stage(stage, salience):
    # an average household (engagement 0.6 = the mean, trust 0.5 = the start), unstressed:
    # the stage's salience itself
    chance = recovery_ladder.letter_response_chance
    assert chance(stage, 0.6, 0.5, 0.0, P) == pytest.approx(salience)
    if salience == 0.0:
        assert chance(stage, 0.9, 1.0, 0.0, P) == 0.0
        return
    # engagement 0.8, trust 1, stress 0.5: odds x (0.8/0.2)/(0.6/0.4) x 1/0.75 / (1 + 2 x 0.5)
    odds = salience / (1 - salience) * (4.0 / 1.5) / 0.75 / 2.0
    expected = odds / (1 + odds)
    assert chance(stage, 0.8, 1.0, 0.5, P) == pytest.approx(expected)
    assert python_function(chance)(stage, 0.8, 1.0, 0.5, P) == pytest.approx(expected)


def test_letter_response_falls_with_stress_and_rises_with_trust_and_engagement():
    stage = Stage.FINAL_NOTICE
    chance = recovery_ladder.letter_response_chance
    by_stress = [chance(stage, 0.7, 0.5, s, P) for s in (0, .25, .5, 1)]
    by_trust = [chance(stage, 0.7, t, 0.3, P) for t in (0, .25, .5, 1)]
    by_engagement = [chance(stage, e, 0.5, 0.3, P) for e in (0.05, 0.3, 0.6, 0.95)]
    assert all(a > b for a, b in itertools.pairwise(by_stress))
    assert all(a < b for a, b in itertools.pairwise(by_trust))
    assert all(a < b for a, b in itertools.pairwise(by_engagement))
    # at full stress the odds of ignoring are recovery.stress_ignore_odds times higher
    calm, stressed = chance(stage, 0.7, 0.5, 0.0, P), chance(stage, 0.7, 0.5, 1.0, P)
    assert ((1 - stressed) / stressed) / ((1 - calm) / calm) == pytest.approx(
        P.recovery_stress_ignore_odds)
    # a salience of 1 is always acted on, of 0 never
    sure = record({"recovery.respond_reminder": 1.0})
    never = record({"recovery.respond_reminder": 0.0})
    assert chance(Stage.REMINDER, 0.01, 0.0, 1.0, sure) == 1.0
    assert chance(Stage.REMINDER, 0.99, 1.0, 0.0, never) == 0.0


def test_what_is_due_leaves_out_the_weeks_still_to_come():
    due = recovery_ladder.due_now
    assert due(10_000, 300, 0, 20) == 10_000        # nothing accelerated
    assert due(10_000, 300, 30, 20) == 10_000 - 300 * 9
    assert due(1_000, 300, 30, 20) == 0              # never below nothing
    assert due(10_000, 300, 21, 20) == 10_000        # the year's last week: all due


def test_stage_weeks_allowed():
    assert recovery_ladder.stage_weeks_allowed(Stage.REMINDER, P) == 2
    assert recovery_ladder.stage_weeks_allowed(Stage.FINAL_NOTICE, P) == 2
    assert recovery_ladder.stage_weeks_allowed(Stage.SUMMONS, P) == 3
    assert recovery_ladder.stage_weeks_allowed(Stage.LIABILITY_ORDER, P) == 2
    assert recovery_ladder.stage_weeks_allowed(Stage.COMPLIANCE, P) == 2
    assert recovery_ladder.stage_weeks_allowed(Stage.ENFORCEMENT, P) == 12
    assert recovery_ladder.stage_weeks_allowed(Stage.NONE, P) == 255
    assert state.is_enforcement(Stage.COMPLIANCE) and state.is_enforcement(Stage.ENFORCEMENT)
    assert not state.is_enforcement(Stage.LIABILITY_ORDER)


def test_weekly_surplus():
    # single: 200 GBP earned + 76 GBP award - 80 GBP living - 100 GBP rent - 29.49 GBP tax
    assert money.weekly_surplus(SINGLE, 20000, 7600, 10000, 2949, P) == (
        20000 + 7600 - 8000 - 10000 - 2949)
    # couple with children live on 185 GBP
    assert money.weekly_surplus(COUPLE_CHILDREN, 0, 30400, 10000, 0, P) == 30400 - 18500 - 10000


# ---------------------------------------------------------------- earnings


CAPACITY = 43000  # 430 GBP a week at full hours


@pytest.mark.parametrize("domains, expected", [
    (0, CAPACITY),
    (Domain.HOUSING, CAPACITY),                               # housing trouble: same hours
    (Domain.WORK, 0),                                         # out of work
    (Domain.WORK | Domain.HEALTH, 0),
    (ALL_DOMAINS, 0),
    (Domain.HEALTH, CAPACITY * (1 - 0.4)),                    # 25800
    (Domain.CARING, CAPACITY * (1 - 0.5)),                    # 21500
    (Domain.HEALTH | Domain.CARING, CAPACITY * (1 - 0.4) * (1 - 0.5)),  # 12900
])
def test_earnings_by_domain(domains, expected):
    expected = half_up(expected)
    assert money.earnings(CAPACITY, domains, P) == expected
    assert python_function(money.earnings)(CAPACITY, domains, P) == expected


def test_earnings_rounds_to_pence():
    assert money.earnings(43001, Domain.HEALTH, P) == 25801  # 25800.6 -> 25801
    assert money.earnings(0, 0, P) == 0


# ---------------------------------------------------------------- life events


def test_domain_step_onset_at_u_zero_with_positive_hazard():
    assert life.domain_step(False, 0.0, 0.003, 0.04, 0, 0.0, 0.0, 0.0, P)
    assert python_function(life.domain_step)(False, 0.0, 0.003, 0.04, 0, 0.0, 0.0, 0.0, P)


def test_domain_step_no_onset_when_u_just_below_one():
    # even with three other domains in trouble, full stress and an extra hazard:
    # 0.003 * (1 + 3*0.8) * (1 + 1.5) * (1 + 2) = 0.0765 < 1
    assert not life.domain_step(False, JUST_BELOW_ONE, 0.003, 0.04, 3, 1.0, 2.0, 0.0, P)
    assert not python_function(life.domain_step)(False, JUST_BELOW_ONE, 0.003, 0.04, 3, 1.0,
                                                 2.0, 0.0, P)


def test_domain_step_zero_hazard_never_onsets():
    assert not life.domain_step(False, 0.0, 0.0, 0.04, 3, 1.0, 2.0, 0.0, P)


def test_domain_step_hazard_multipliers():
    onset, others, stress, extra = 0.01, 2, 0.5, 0.0
    hazard = onset * (1 + 0.8 * others) * (1 + 1.5 * stress)  # 0.01 * 2.6 * 1.75 = 0.0455
    assert life.domain_step(False, hazard - 1e-4, onset, 0.0, others, stress, extra, 0.0, P)
    assert not life.domain_step(False, hazard + 1e-4, onset, 0.0, others, stress, extra, 0.0,
                                 P)
    # an extra hazard of 1 doubles it
    assert life.domain_step(False, 2 * hazard - 1e-4, onset, 0.0, others, stress, 1.0, 0.0, P)
    assert not life.domain_step(False, 2 * hazard + 1e-4, onset, 0.0, others, stress, 1.0,
                                 0.0, P)


def test_domain_step_recovery_and_boost():
    recovery = 0.04
    boosted = recovery * (1 + 1.5)  # 0.10 with a worker who found the causes
    # returns True while still in trouble
    assert not life.domain_step(True, 0.0, 0.5, recovery, 0, 0.0, 0.0, 0.0, P)
    assert life.domain_step(True, JUST_BELOW_ONE, 0.5, recovery, 0, 0.0, 0.0, 1.0, P)
    u = 0.05  # between the plain and the boosted recovery chance
    assert recovery < u < boosted
    assert life.domain_step(True, u, 0.5, recovery, 0, 0.0, 0.0, 0.0, P)      # stays
    assert not life.domain_step(True, u, 0.5, recovery, 0, 0.0, 0.0, 1.0, P)  # recovers
    assert not python_function(life.domain_step)(True, u, 0.5, recovery, 0, 0.0, 0.0, 1.0, P)


def test_life_events_certain_onset_and_certain_recovery():
    certain = record({"life.job_loss": 1.0, "life.illness": 1.0, "life.caring_crisis": 1.0,
                      "life.housing_trouble": 1.0, "life.family_trouble": 1.0})
    never = record({"life.job_loss": 0.0, "life.illness": 0.0, "life.caring_crisis": 0.0,
                    "life.housing_trouble": 0.0, "life.family_trouble": 0.0})
    cured = record({"life.job_find": 1.0, "life.illness_recovery": 1.0,
                    "life.caring_recovery": 1.0, "life.housing_recovery": 1.0,
                    "life.family_recovery": 1.0})
    stuck = record({"life.job_find": 0.0, "life.illness_recovery": 0.0,
                    "life.caring_recovery": 0.0, "life.housing_recovery": 0.0,
                    "life.family_recovery": 0.0, "relational.recovery_boost": 0.0})
    for i in range(50):
        key = agent_key(7, 3, i)
        assert life.life_events(0, 0.0, 0, 10000, False, 0, key, certain) == ALL_DOMAINS
        assert life.life_events(0, 1.0, 50000, 10000, False, 0, key, never) == 0
        assert life.life_events(ALL_DOMAINS, 0.0, 0, 10000, False, 0, key, cured) == 0
        assert life.life_events(ALL_DOMAINS, 0.0, 0, 10000, True, 0, key, stuck) == ALL_DOMAINS
    key = agent_key(7, 3, 0)
    events = python_function(life.life_events)
    assert events(0, 0.0, 0, 10000, False, 0, key, certain) == ALL_DOMAINS


def test_life_events_uses_one_draw_per_domain_with_its_purpose():
    """life_events is domain_step on uniform(seed, week, i, Purpose.<domain>) per domain."""
    p = record({"life.job_loss": 0.3, "life.illness": 0.3, "life.caring_crisis": 0.3,
                "life.housing_trouble": 0.3, "life.family_trouble": 0.3, "life.job_find": 0.3,
                "life.illness_recovery": 0.3, "life.caring_recovery": 0.3,
                "life.housing_recovery": 0.3, "life.family_recovery": 0.3})
    domain_parts = [
        (Domain.WORK, Purpose.WORK, p.life_job_loss, p.life_job_find),
        (Domain.HEALTH, Purpose.HEALTH, p.life_illness, p.life_illness_recovery),
        (Domain.CARING, Purpose.CARING, p.life_caring_crisis, p.life_caring_recovery),
        (Domain.HOUSING, Purpose.HOUSING, p.life_housing_trouble, p.life_housing_recovery),
        (Domain.FAMILY, Purpose.FAMILY, p.life_family_trouble, p.life_family_recovery),
    ]
    seed, week, stress, rent, rent_arrears = 11, 5, 0.3, 10000, 30000
    seen = set()
    for i in range(200):
        domains = i % 32
        n = state.count_domains(domains)
        expected = 0
        for bit, purpose, onset, recovery in domain_parts:
            in_trouble = (domains & bit) != 0
            extra = p.life_rent_arrears_housing_hazard * 3.0 if bit == Domain.HOUSING else 0.0
            if life.domain_step(in_trouble, uniform(seed, week, i, purpose), onset, recovery,
                                 n - int(in_trouble), stress, extra, 0.0, p):
                expected |= bit
        got = life.life_events(domains, stress, rent_arrears, rent, False, 0,
                                agent_key(seed, week, i), p)
        assert got == expected
        seen.add(got)
    assert len(seen) > 8  # the draws really vary


def test_life_events_support_only_helps_and_arrears_only_hurt():
    p = record({"life.housing_trouble": 0.05, "life.job_find": 0.2,
                "life.illness_recovery": 0.2, "life.caring_recovery": 0.2,
                "life.housing_recovery": 0.2})
    more_recovered = False
    more_housing_trouble = False
    for i in range(2000):
        alone = life.life_events(ALL_DOMAINS, 0.5, 0, 10000, False, 0, agent_key(3, 9, i), p)
        helped = life.life_events(ALL_DOMAINS, 0.5, 0, 10000, True, 0, agent_key(3, 9, i), p)
        assert helped & ~alone == 0  # support never adds trouble
        more_recovered |= helped != alone
        clear = life.life_events(0, 0.2, 0, 10000, False, 0, agent_key(3, 9, i), p)
        owing = life.life_events(0, 0.2, 80000, 10000, False, 0, agent_key(3, 9, i), p)
        calm = life.life_events(0, 0.0, 0, 10000, False, 0, agent_key(3, 9, i), p)
        assert clear & ~owing == 0      # rent arrears never remove trouble
        assert calm & ~clear == 0       # nor does stress
        more_housing_trouble |= bool(owing & Domain.HOUSING) and not clear & Domain.HOUSING
    assert more_recovered
    assert more_housing_trouble


def test_evicted():
    rent = 10000
    threshold = 12 * rent  # 12 weeks of rent
    assert life.evicted(Domain.HOUSING, threshold, rent, 0.0, P)
    assert not life.evicted(Domain.HOUSING, threshold - 1, rent, 0.0, P)
    assert not life.evicted(Domain.HOUSING, threshold, rent, 0.01, P)  # u < 1% needed
    assert not life.evicted(Domain.WORK, threshold * 2, rent, 0.0, P)  # no housing trouble
    assert not life.evicted(Domain.HOUSING, threshold, 0, 0.0, P)       # no rent


def test_ae_attendance_doubles_at_full_stress():
    u = 1.5 * P.life_ae_attendance  # between the hazard and twice it
    assert not life.ae_attendance(Domain.HEALTH, 0.0, u, P)
    assert life.ae_attendance(Domain.HEALTH, 1.0, u, P)
    assert not life.ae_attendance(Domain.WORK, 1.0, 0.0, P)


# ---------------------------------------------------------------- relational casework


def test_outreach_and_relationship():
    # 0.4 * (0.5 + 0.5*1) * (1 - 0) = 0.4
    assert casework.outreach_succeeds(1.0, 0.0, 0.39, P)
    assert not casework.outreach_succeeds(1.0, 0.0, 0.41, P)
    # trust 0, stress 1: 0.4 * 0.5 * 0.5 = 0.1
    assert casework.outreach_succeeds(0.0, 1.0, 0.09, P)
    assert not casework.outreach_succeeds(0.0, 1.0, 0.11, P)
    # 0.2 + 0.25 * (2 * 0.5) * (0.5 + 0.5) = 0.45
    assert casework.relationship_step(0.2, 0.5, 0.5, P) == pytest.approx(0.45)
    assert casework.relationship_step(0.9, 1.0, 1.0, P) == 1.0
    assert [state.case_is_open(c) for c in Case] == [
        False, False, True, True, True, True, False]


# ---------------------------------------------------------------- wellbeing


def test_stress_step_hand_worked():
    stress, debt, income = 0.2, 40000, 10000
    two = Domain.HEALTH | Domain.CARING
    # debt pressure 40000 / (8 * 10000) = 0.5; pressure 0.5*0.5 + 2*0.12 = 0.49
    assert wellbeing.stress_step(stress, debt, income, two, False, 0.0, P) == pytest.approx(
        0.2 + 0.2 * (0.49 - 0.2))                                         # 0.258
    # a threat adds 0.15: pressure 0.64
    assert wellbeing.stress_step(stress, debt, income, two, True, 0.0, P) == pytest.approx(
        0.2 + 0.2 * (0.64 - 0.2))                                         # 0.288
    # a held relationship relieves 0.25: pressure 0.24
    assert wellbeing.stress_step(stress, debt, income, two, False, 1.0, P) == pytest.approx(
        0.2 + 0.2 * (0.24 - 0.2))                                         # 0.208
    # no income: scale floor of 50 GBP -> 40000 / (8 * 5000) = 1; pressure 0.74
    assert wellbeing.stress_step(stress, debt, 0, two, False, 0.0, P) == pytest.approx(
        0.2 + 0.2 * (0.74 - 0.2))                                         # 0.308
    assert python_function(wellbeing.stress_step)(stress, debt, income, two, False, 0.0, P) == (
        wellbeing.stress_step(stress, debt, income, two, False, 0.0, P))


@given(stress=st.floats(0.0, 1.0), debt=st.integers(0, 5_000_000),
       income=st.integers(-50_000, 200_000), domains=st.integers(0, 15),
       threatened=st.booleans(), held=st.floats(0.0, 1.0))
@HYPOTHESIS
def test_stress_step_stays_in_range_and_moves_toward_one_target(
        stress, debt, income, domains, threatened, held):
    new = wellbeing.stress_step(stress, debt, income, domains, threatened, held, P)
    assert 0.0 <= new <= 1.0
    # from either end the same inputs converge on one target, monotonically
    low, high = 0.0, 1.0
    for _ in range(200):
        next_low = wellbeing.stress_step(low, debt, income, domains, threatened, held, P)
        next_high = wellbeing.stress_step(high, debt, income, domains, threatened, held, P)
        assert next_low >= low - 1e-12 and next_high <= high + 1e-12
        low, high = next_low, next_high
    assert low == pytest.approx(high, abs=1e-9)
    target = low
    # a step never overshoots the target and never moves away from it
    assert abs(new - target) <= abs(stress - target) + 1e-12
    assert min(stress, target) - 1e-12 <= new <= max(stress, target) + 1e-12


def test_trust_step_hand_worked():
    # drift: 0.3 + 0.01 * (0.5 - 0.3) = 0.302
    assert wellbeing.trust_step(0.3, False, False, P) == pytest.approx(0.302)
    assert wellbeing.trust_step(0.3, True, False, P) == pytest.approx(0.302 - 0.05 * 1.0)
    assert wellbeing.trust_step(0.3, False, True, P) == pytest.approx(0.302 + 0.05)
    assert wellbeing.trust_step(1.0, False, True, P) == 1.0
    assert wellbeing.trust_step(0.0, True, False, P) == 0.0
    # a gentler tone (learning regime: 0.3) loses less trust to the same threat
    learning = record(regime="learning")
    assert wellbeing.trust_step(0.3, True, False, learning) == pytest.approx(0.302 - 0.05 * 0.3)
    trust_step = wellbeing.trust_step
    assert python_function(trust_step)(0.3, True, False, P) == trust_step(0.3, True, False, P)


@given(trust=st.floats(0.0, 1.0), threatened=st.booleans(), engaged=st.booleans())
@HYPOTHESIS
def test_trust_step_stays_in_range_and_drifts_home(trust, threatened, engaged):
    new = wellbeing.trust_step(trust, threatened, engaged, P)
    assert 0.0 <= new <= 1.0
    if not threatened and not engaged:
        home = 0.5
        assert abs(new - home) <= abs(trust - home) + 1e-12
        assert min(trust, home) - 1e-12 <= new <= max(trust, home) + 1e-12
    if threatened and not engaged:
        assert new <= wellbeing.trust_step(trust, False, False, P)
    if engaged and not threatened:
        assert new >= wellbeing.trust_step(trust, False, False, P)


def test_wellbeing_step_hand_worked():
    # target 10 * (1 - 0.2) - 1 = 7: 5 + 0.1 * (7 - 5) = 5.2
    assert wellbeing.wellbeing_step(5.0, 0.2, Domain.WORK, P) == pytest.approx(5.2)
    # target max(0, 0 - 4) = 0: 5 + 0.1 * (0 - 5) = 4.5
    assert wellbeing.wellbeing_step(5.0, 1.0, ALL_DOMAINS, P) == pytest.approx(4.5)
    # at its target it stays put: stress 0.3, no trouble -> 7
    assert wellbeing.wellbeing_step(7.0, 0.3, 0, P) == pytest.approx(7.0)


@given(level=st.floats(0.0, 10.0), stress=st.floats(0.0, 1.0),
       domains=st.integers(0, 15))
@HYPOTHESIS
def test_wellbeing_step_stays_in_range_and_moves_toward_target(level, stress, domains):
    new = wellbeing.wellbeing_step(level, stress, domains, P)
    assert 0.0 <= new <= 10.0
    target = max(0.0, 10.0 * (1.0 - stress) - bin(domains).count("1"))
    assert min(level, target) - 1e-9 <= new <= max(level, target) + 1e-9
    assert new == python_function(wellbeing.wellbeing_step)(level, stress, domains, P)


def test_is_stable():
    assert wellbeing.is_stable(0, 0.3, 0, False, P)
    assert not wellbeing.is_stable(Domain.CARING, 0.3, 0, False, P)   # trouble in a domain
    assert not wellbeing.is_stable(0, 0.45, 0, False, P)              # stress must be below 0.45
    assert wellbeing.is_stable(0, 0.4499, 0, False, P)
    assert not wellbeing.is_stable(0, 0.3, 100, False, P)             # unmanaged debt
    assert wellbeing.is_stable(0, 0.3, 100, True, P)                  # debt on a plan is managed
    assert python_function(wellbeing.is_stable)(0, 0.3, 100, True, P)


# ---------------------------------------------------------------- compiled == reference


PARITY_CASES = [
    (ledger.pence, (1234.5,)),
    (money.ct_gross, (BAND_B, P)),
    (benefits.cash_entitlement, (LONE_PARENT, 23456, 12345, P)),
    (benefits.cts_entitlement, (COUPLE, 17777, BAND_C, P)),
    (benefits.decided_award, (23457, True, 0.3)),
    (money.enforcement_split, (33333, 7500, 23500, 123457)),
    (recovery_ladder.percent_fee, (234567, P.recovery_fee_enforcement, P)),
    (recovery_ladder.plan_instalment, (77777, 3333, 0.7, P)),
    (recovery_ladder.letter_response_chance, (Stage.SUMMONS, 0.63, 0.41, 0.27, P)),
    (money.earnings, (45678, Domain.HEALTH | Domain.CARING, P)),
    (life.domain_step, (False, 0.0123, 0.01, 0.04, 2, 0.37, 0.5, 0.0, P)),
    (life.life_events, (Domain.HEALTH, 0.6, 30000, 10000, True, Domain.HEALTH | Domain.WORK,
                        agent_key(5, 17, 4242), P)),
    (demand.service_of, (Domain.CARING | Domain.HOUSING,)),
    (demand.pick_domain, (Domain.WORK | Domain.FAMILY, 0.7)),
    (demand.wrong_door, (2, 0.9)),
    (services.service_terms, (1, P)),
    (services.need, (0, 35000, 10000, 0.4)),
    (wellbeing.stress_step, (0.33, 70000, 12345, Domain.HOUSING, True, 0.5, P)),
    (wellbeing.trust_step, (0.42, True, True, P)),
    (wellbeing.wellbeing_step, (6.1, 0.37, Domain.WORK | Domain.HOUSING, P)),
    (money.weekly_surplus, (COUPLE, 30000, 5000, 9000, 3000, P)),
    (money.other_debt_repayment, (54321, P)),
]


@pytest.mark.parametrize("rule, args", PARITY_CASES, ids=[r.__name__ for r, _ in PARITY_CASES])
def test_compiled_rule_matches_py_func(rule, args):
    compiled = rule(*args)
    reference = python_function(rule)(*args)
    if isinstance(compiled, tuple):
        compiled, reference = tuple(compiled), tuple(reference)
    assert compiled == reference


# ---------------------------------------------------------------- frontline workers


def test_worker_who_stays_learns_and_feels_the_load():
    # load 1.3 against a comfortable 0.8: pressure = 2.0 x 0.5 = 1.0
    skill, motivation, stress, left = workers.worker_week(0.5, 0.5, 0.0, 1.3, False, False,
                                                        0.999, P)
    assert not left
    assert stress == pytest.approx(0.1 * 1.0)  # stress_rate x (pressure - stress)
    level = 0.5 - 0.3 * stress  # ordinary motivation less burnout
    assert motivation == pytest.approx(0.5 + 0.05 * (level - 0.5))
    assert skill == pytest.approx(0.5 + 0.02 * (0.5 + 0.5 * motivation - 0.5))
    # a comfortable load brings no stress
    assert workers.worker_week(0.5, 0.5, 0.0, 0.8, False, False, 0.999, P)[2] == 0.0


def test_worker_who_leaves_is_replaced_by_an_ordinary_recruit():
    skill, motivation, stress, left = workers.worker_week(0.9, 0.9, 0.8, 2.0, True, True,
                                                        0.0, P)
    assert left and (skill, motivation, stress) == (0.3, 0.5, 0.0)
    # leaving is weekly turnover, raised by stress: 0.16/52 x (1 + 3 x stress)
    calm = 0.16 / 52
    assert not workers.worker_week(0.5, 0.5, 0.0, 0.0, False, False, calm * 1.01, P)[3]
    assert workers.worker_week(0.5, 0.5, 0.0, 0.0, False, False, calm * 0.99, P)[3]


def test_volunteers_and_the_spotlight_raise_motivation():
    ordinary = workers.worker_week(0.5, 0.5, 0.0, 0.0, False, False, 0.999, P)[1]
    volunteer = workers.worker_week(0.5, 0.5, 0.0, 0.0, True, False, 0.999, P)[1]
    spotlit = workers.worker_week(0.5, 0.5, 0.0, 0.0, True, True, 0.999, P)[1]
    assert ordinary < volunteer < spotlit
    assert workers.performance(0.5, 0.5) == 0.5
    assert workers.performance(0.9, 0.9) == 1.0


def test_team_turnover_matches_the_yearly_rate_at_no_stress():
    import numpy as np

    from placesim.engine.start import Workers
    from placesim.engine.workforce import Team

    params = pack(placesim.scenario.defaults(), placesim.scenario.defaults().regime("target"))
    team = Team(2, Workers.hired(np.full(20_000, 0.5), np.zeros(20_000, bool), P))
    left = sum(team.review(np.zeros(20_000), params, 3, week, False) for week in range(52))
    # binomial over 20,000 x 52 worker-weeks at 0.16/52: sd about 52 leavers
    assert abs(left - 0.16 * 20_000) < 4 * 52


def test_crises_need_their_domain_and_rise_with_stress():
    assert not life.mental_health_crisis(0, 1.0, 0.0, P)
    mh = P.life_mh_crisis
    assert life.mental_health_crisis(Domain.HEALTH, 1.0, 0.95 * mh, P)  # hazard x stress 1
    assert not life.mental_health_crisis(Domain.HEALTH, 0.5, 0.55 * mh, P)  # x stress 0.5
    assert not life.mental_health_crisis(Domain.HEALTH, 0.0, 0.0, P)  # no stress, no crisis
    # only households with children (codes 2 and 3) can have a child taken into care
    assert life.enters_care(Domain.FAMILY, 2, 1.0, 0.95 * P.life_care_entry, P)
    assert not life.enters_care(Domain.FAMILY, 2, 0.5, 0.55 * P.life_care_entry, P)
    assert not life.enters_care(Domain.FAMILY, 1, 1.0, 0.0, P)
    assert not life.enters_care(Domain.HEALTH, 3, 1.0, 0.0, P)
    # police: 0.01 x (0.5 + stress)
    assert life.police_callout(Domain.FAMILY, 0.0, 0.0049, P)
    assert not life.police_callout(Domain.FAMILY, 0.0, 0.0051, P)
    assert not life.police_callout(Domain.WORK, 1.0, 0.0, P)




# ---------------------------------------------------------------- services and doors


def _assessed(service, domains, overrides=None, arrears_weeks=0.0, stress=0.0,
              pulls=NO_PULL, **state):
    """A citizen (a pure-Python stand-in record) after one assessment by ``service``.

    Effort bending is off unless ``overrides`` set it, so costs are the plain hours; no
    service is pulled toward gaming unless ``pulls`` say so.
    """
    from types import SimpleNamespace

    from placesim.engine.pure import python_rulebook

    fields = dict(tenure=int(Tenure.SOCIAL_RENT), housing_cost=10_000,
                  rent_arrears=int(arrears_weeks * 10_000), domains=int(domains),
                  status=0, case=int(Case.NONE), asks=1 << service, ask_week=0,
                  turned_away=0, public_cost=0, homeless_weeks=0, stress=stress)
    fields.update(state)
    r = SimpleNamespace(**fields)
    acc = np.zeros(len(M), dtype=np.int64)
    p = record({"regimes.target.effort_bending": 0.0, **(overrides or {})}, pulls=pulls)
    python_rulebook().service_assessment(r, service, agent_key(1, 1, 7), p,
                                         p.system_partnership, acc)
    return r, acc


def _m(service, kind):
    return metrics.service_metric(service, kind)


def test_housing_gate_turns_away_early_trouble_and_helps_past_it():
    from placesim.engine.metrics import CASES, EARLY_HELP, HELPED, TURNED_AWAY
    from placesim.engine.state import Service

    housing = Service.HOUSING
    sure = {"housing.error_rate": 0.0}
    # targets (gate 1): 3 weeks of arrears is below 8 weeks: turned away, still in trouble
    r, acc = _assessed(housing, Domain.HOUSING, sure, arrears_weeks=3)
    assert acc[_m(housing, TURNED_AWAY)] == 1 and r.domains == Domain.HOUSING
    assert r.turned_away == 1 and r.asks == 0
    assert acc[M.COST_HOUSING] == 3 * 3000  # the assessment: 3 hours at 30 GBP
    # no gate: the same request is helped early: arrears paid, trouble lifted
    r, acc = _assessed(housing, Domain.HOUSING, {**sure, "regimes.target.eligibility_gate": 0.0},
                       arrears_weeks=3, turned_away=2)
    assert acc[_m(housing, CASES)] == acc[_m(housing, HELPED)] == acc[_m(housing, EARLY_HELP)] == 1
    assert r.domains == 0 and r.rent_arrears == 0 and r.turned_away == 0
    assert acc[M.ARREARS_PAYMENTS] == 30_000
    # assessment + early help + the payment to the landlord
    assert acc[M.COST_HOUSING] == 3 * 3000 + 300 * 100 + 30_000
    # past the gate: helped at the full prevention cost; payment capped at 500 GBP
    r, acc = _assessed(housing, Domain.HOUSING, sure, arrears_weeks=10)
    assert acc[_m(housing, HELPED)] == 1 and acc[_m(housing, EARLY_HELP)] == 0
    assert r.rent_arrears == 100_000 - 50_000
    assert acc[M.COST_HOUSING] == 3 * 3000 + 155_800 + 50_000


def test_a_wrong_door_signposts_or_loses_people_and_no_wrong_door_holds_them():
    from placesim.engine.metrics import LOST, REFERRED_ON, WRONG_DOOR
    from placesim.engine.state import Service

    housing, health = Service.HOUSING, Service.HEALTH
    # ill, asking the housing service: a signpost that works
    r, acc = _assessed(housing, Domain.HEALTH, {"demand.signpost_connect": 1.0})
    assert acc[_m(housing, WRONG_DOOR)] == 1 and acc[_m(health, REFERRED_ON)] == 1
    assert r.asks == 1 << health and r.domains == Domain.HEALTH
    assert acc[M.CONTACTS] == acc[M.FAILURE_CONTACTS] == 1  # the second contact
    # each call is 8 minutes of staff time: a housing officer's at 30 GBP an hour (the
    # triage call), a health officer's at 60 (the call to the right door)
    assert acc[M.COST_HOUSING] == 400 and acc[M.COST_HEALTH] == 800
    assert acc[M.FAILURE_COST] == 400 + 800
    assert acc[M.FAILURE_STAFF_SECONDS] == 2 * 8 * 60
    # a signpost that does not: lost until they ask again
    r, acc = _assessed(housing, Domain.HEALTH, {"demand.signpost_connect": 0.0})
    assert acc[_m(housing, LOST)] == 1 and r.asks == 0 and r.turned_away == 1
    # no wrong door, weak relationships: the housing service keeps holding the person
    r, acc = _assessed(housing, Domain.HEALTH, {"regimes.target.no_wrong_door": 1.0,
                                                 "system.partnership": 0.0})
    assert acc[_m(housing, LOST)] == 0 and r.asks == 1 << housing and r.turned_away == 0
    # no wrong door, strong relationships: the referral connects
    r, acc = _assessed(housing, Domain.HEALTH, {"regimes.target.no_wrong_door": 1.0,
                                                 "system.partnership": 1.0})
    assert acc[_m(health, REFERRED_ON)] == 1 and r.asks == 1 << health
    # the trouble passed while they waited: the request simply ends, at no cost
    r, acc = _assessed(housing, 0)
    assert r.asks == 0 and acc.sum() == 0


def test_cream_skimming_sheds_complex_cases_but_a_warm_referral_passes_every_gate():
    from placesim.engine.metrics import CASES, TURNED_AWAY
    from placesim.engine.state import Service, Status

    vcs = Service.VCS
    skim = {"regimes.target.cream_skimming": 1.0, "vcs.error_rate": 0.0}
    r, acc = _assessed(vcs, Domain.WORK | Domain.HEALTH, skim, pulls=SHORT_OF_TARGETS)
    assert acc[_m(vcs, TURNED_AWAY)] == 1 and r.domains == Domain.WORK | Domain.HEALTH
    # a service meeting its target (no pull) does not skim, however strong the lever
    r, acc = _assessed(vcs, Domain.WORK | Domain.HEALTH, skim)
    assert acc[_m(vcs, CASES)] == 1 and r.domains == Domain.HEALTH
    r, acc = _assessed(vcs, Domain.WORK, skim, pulls=SHORT_OF_TARGETS)  # a simple case
    assert acc[_m(vcs, CASES)] == 1 and r.domains == 0
    # a colleague from the agency inside a multi-agency team: no gate, no skimming
    r, acc = _assessed(vcs, Domain.WORK | Domain.HEALTH,
                       {**skim, "regimes.target.multi_agency": 1.0},
                       status=int(Status.CAUSES_FOUND), case=int(Case.WORKING),
                       pulls=SHORT_OF_TARGETS)
    assert acc[_m(vcs, CASES)] == 1 and r.domains == Domain.HEALTH


def test_closing_early_reports_failed_help_as_resolved():
    from placesim.engine.metrics import CASES, HELPED, REPORTED_RESOLVED
    from placesim.engine.state import Service

    social = Service.SOCIAL_CARE
    failing = {"social_care.error_rate": 1.0, "regimes.target.eligibility_gate": 0.0}
    for closing, pulls, reported in ((0.0, SHORT_OF_TARGETS, 0), (1.0, SHORT_OF_TARGETS, 1),
                                     (1.0, NO_PULL, 0)):
        r, acc = _assessed(social, Domain.FAMILY | Domain.CARING,
                           {**failing, "regimes.target.closing_early": closing}, stress=0.7,
                           pulls=pulls)
        assert acc[_m(social, CASES)] == 1 and acc[_m(social, HELPED)] == 0
        assert acc[_m(social, REPORTED_RESOLVED)] == reported
        assert r.domains == Domain.FAMILY | Domain.CARING  # the trouble is still there
        # past the threshold (stress 0.7 >= 0.6): 6 hours at 40 GBP and intensive support
        assert acc[M.COST_SOCIAL_CARE] == 6 * 4000 + 480_000


def test_effort_bending_cuts_time_and_adds_errors():
    bent = record({"regimes.target.effort_bending": 1.0})
    assert workers.bent_hours(6.0, bent) == pytest.approx(6.0 * (1 - 0.5))
    assert workers.bent_error(0.3, bent) == pytest.approx(0.6)
    assert workers.bent_error(0.9, bent) == 1.0
    straight = record({"regimes.target.effort_bending": 0.0})
    assert workers.bent_hours(6.0, straight) == 6.0 and workers.bent_error(0.3, straight) == 0.3


def test_each_domain_has_one_owner_and_doors_are_other_services():
    from placesim.engine.state import N_SERVICES

    owners = [demand.service_of(1 << k) for k in range(5)]
    assert owners == [3, 1, 2, 0, 2]  # work: VCS, health, caring and family: social care
    for s in range(N_SERVICES):
        assert demand.service_domains(s) & (1 << [k for k in range(5) if owners[k] == s][0])
        doors = {demand.wrong_door(s, u) for u in np.linspace(0, JUST_BELOW_ONE, 30)}
        assert doors == set(range(N_SERVICES)) - {s}
    picked = {demand.pick_domain(Domain.WORK | Domain.FAMILY, u) for u in (0.1, 0.9)}
    assert picked == {Domain.WORK, Domain.FAMILY}


def test_a_shock_to_kin_raises_the_hazard_and_illness_brings_caring():
    p = record({"life.caring_crisis": 0.01})
    keys = [agent_key(4, 2, i) for i in range(20_000)]
    alone = sum(life.life_events(0, 0.0, 0, 10000, False, 0, k, p) != 0 for k in keys)
    shocked = sum(life.life_events(0, 0.0, 0, 10000, False, int(Domain.WORK), k, p) != 0
                  for k in keys)
    assert shocked > alone * 1.3  # hazard x (1 + 0.5) in every domain
    caring = [life.life_events(0, 0.0, 0, 10000, False, int(Domain.HEALTH), k, p)
              & Domain.CARING for k in keys]
    assert sum(c != 0 for c in caring) > 3 * sum(
        life.life_events(0, 0.0, 0, 10000, False, 0, k, p) & Domain.CARING != 0
        for k in keys)


def test_kin_onsets_reads_last_week_of_the_other_members_only():
    from types import SimpleNamespace

    from placesim.engine.rules.life import kin_onsets

    family = [SimpleNamespace(family=0, family_size=3, onsets_even=e, onsets_odd=o)
              for e, o in ((1, 16), (2, 0), (4, 8))]
    alone = SimpleNamespace(family=3, family_size=1, onsets_even=31, onsets_odd=31)
    pair = [SimpleNamespace(family=4, family_size=2, onsets_even=e, onsets_odd=0)
            for e in (64, 128)]
    pop = [*family, alone, *pair]
    p = SimpleNamespace(family_max_size=4)
    kin = python_function(kin_onsets)
    assert kin(pop, 0, 5, p) == 2 | 4  # week 5 reads week 4 (even)
    assert kin(pop, 0, 6, p) == 0 | 8  # week 6 reads week 5 (odd)
    assert kin(pop, 2, 5, p) == 1 | 2
    assert kin(pop, 3, 5, p) == 0  # the next family is not kin
    # a burn-in's weeks are negative: the parity holds (week -3 reads week -4, even)
    assert kin(pop, 1, -3, p) == 1 | 4
    # the last family of the place: looking past its end reads nobody else
    assert kin(pop, 4, 5, p) == 128
    assert kin(pop, 5, 5, p) == 64


def test_kin_onsets_masked_reads_match_the_family_loop():
    """The fixed-width, masked look at kin gives what looping over the family gives."""
    from types import SimpleNamespace

    from placesim.engine.rules.life import kin_onsets

    kin = python_function(kin_onsets)
    rng = np.random.default_rng(5)
    for max_size in (1, 2, 4, 8):
        sizes = []
        while sum(sizes) < 300:
            sizes.append(int(rng.integers(1, max_size + 1)))
        pop = np.zeros(sum(sizes), dtype=state.CITIZEN_DTYPE).view(np.recarray)
        first = np.repeat(np.cumsum([0, *sizes[:-1]]), sizes)
        pop["family"], pop["family_size"] = first, np.repeat(sizes, sizes)
        pop["onsets_even"] = rng.integers(0, 32, len(pop))
        pop["onsets_odd"] = rng.integers(0, 32, len(pop))
        p = SimpleNamespace(family_max_size=max_size)
        for week in (4, 7):
            field = "onsets_even" if week % 2 == 1 else "onsets_odd"
            for i in range(len(pop)):
                members = range(first[i], first[i] + pop["family_size"][i])
                expected = 0
                for j in members:
                    expected |= int(pop[field][j]) if j != i else 0
                assert kin(pop, i, week, p) == expected
