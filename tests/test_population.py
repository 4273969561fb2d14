"""The starting population drawn jointly by tenure (docs/odd.md, Initialisation), and
what tenure means in the rules: only renters owe rent, fall into rent arrears and can be
evicted; housing support meets rent only; a mortgage is paid like essentials."""

from __future__ import annotations

import math

import numpy as np
import pytest

from placesim.engine.engine import Engine
from placesim.engine.metrics import N_METRICS, M
from placesim.engine.place import Place
from placesim.engine.pure import python_rulebook
from placesim.engine.rng import agent_key
from placesim.engine.state import BYTES_PER_CITIZEN, Domain, Tenure, empty_citizens
from placesim.scenario import defaults
from placesim.scenario.fields import BANDS, HOUSEHOLDS, TENURES

CITIZENS = 100_000
SIGMAS = 4.5  # a drawn figure may stray this many standard errors from its parameter


@pytest.fixture(scope="module")
def drawn():
    scenario = defaults().with_overrides({"place.citizens": CITIZENS, "place.seed": 3})
    return scenario, Place.build(scenario, scenario.regime("target")).starting_population()


def assert_share(hits: np.ndarray, share: float, what: str) -> None:
    n = len(hits)
    error = math.sqrt(max(share * (1 - share), 1 / n) / n)
    assert abs(hits.mean() - share) <= SIGMAS * error, (what, hits.mean(), share)


def assert_median(values: np.ndarray, median: float, sigma: float, what: str) -> None:
    """The sample median of a log-normal sits within sampling error of its median (the
    standard error of a median is sqrt(pi / 2) x sigma / sqrt(n) in logs)."""
    error = math.sqrt(math.pi / 2) * sigma / math.sqrt(len(values))
    assert abs(math.log(np.median(values) / median)) <= SIGMAS * error, (what, median)


def test_tenure_and_each_tenures_households_and_bands_have_their_shares(drawn):
    scenario, pop = drawn
    for t, tenure in enumerate(TENURES):
        assert_share(pop["tenure"] == t, scenario.get(f"population.share_{tenure}"), tenure)
        within = pop[pop["tenure"] == t]
        for h, household in enumerate(HOUSEHOLDS):
            assert_share(within["household"] == h,
                         scenario.get(f"population.{tenure}_{household}"), (tenure, household))
        for b, band in enumerate(BANDS):
            assert_share(within["band"] == b,
                         scenario.get(f"council_tax.{tenure}_band_{band}"), (tenure, band))


def test_work_earnings_housing_costs_and_savings_follow_the_tenure(drawn):
    scenario, pop = drawn
    get = scenario.get
    for t, tenure in enumerate(TENURES):
        within = pop[pop["tenure"] == t]
        in_work = (within["domains"] & Domain.WORK) == 0
        assert_share(in_work, get(f"population.employment_{tenure}"), tenure)
        assert_median(within["earnings_capacity"] / 100,
                      get(f"population.earnings_median_{tenure}"),
                      get("population.earnings_sigma"), tenure)
        assert_share(within["savings"] == 0, get(f"population.no_savings_{tenure}"), tenure)
        savers = within["savings"][within["savings"] > 0] / 100
        assert_median(savers, get(f"population.savings_median_{tenure}"),
                      get("population.savings_sigma"), tenure)
        if t == Tenure.OUTRIGHT:
            assert (within["housing_cost"] == 0).all()
        else:
            assert_median(within["housing_cost"] / 100,
                          get(f"population.housing_cost_median_{tenure}"),
                          get(f"population.housing_cost_sigma_{tenure}"), tenure)


def test_the_draw_is_joint_renters_are_poorer_and_lone_parents_rent():
    """Not independent draws: what the tables say shows in the whole population."""
    scenario = defaults().with_overrides({"place.citizens": 20_000})
    pop = Place.build(scenario, scenario.regime("target")).starting_population()
    social = pop["tenure"] == Tenure.SOCIAL_RENT
    owners = pop["tenure"] <= Tenure.MORTGAGED
    assert (pop["savings"][social] == 0).mean() > 2 * (pop["savings"][owners] == 0).mean()
    lone = pop["household"] == HOUSEHOLDS.index("lone_parent")
    assert social[lone].mean() > 1.8 * social.mean()
    awarded = (pop["award"] > 0) | (pop["cts_award"] > 0)
    assert awarded[social].mean() > 3 * awarded[pop["tenure"] == Tenure.MORTGAGED].mean()


def test_a_record_costs_well_under_the_memory_budget():
    assert BYTES_PER_CITIZEN <= 150  # the budget is 200 bytes a citizen overall


def test_each_household_keeps_the_savings_it_was_drawn_with_as_its_buffer(drawn):
    _, pop = drawn
    np.testing.assert_array_equal(pop["savings_buffer"], pop["savings"])


# ---------------------------------------------------------------- tenure in the rules


def one_citizen(tenure: Tenure, **fields) -> np.recarray:
    pop = empty_citizens(1)
    pop[0].tenure = tenure
    pop[0].housing_cost = 15_000
    pop[0].caseworker = -1
    pop[0].engagement = 0.5
    for name, value in fields.items():
        setattr(pop[0], name, value)
    return pop


def params(overrides=None) -> np.record:
    scenario = defaults()
    if overrides:
        scenario = scenario.with_overrides(overrides)
    return Place.build(scenario, scenario.regime("target")).params[0]


RULES = python_rulebook()


@pytest.mark.parametrize("tenure", list(Tenure), ids=[t.name for t in Tenure])
def test_only_renters_are_evicted(tenure):
    """In housing trouble, owing far past the threshold and with a certain eviction, an
    owner stays; a renter goes to temporary accommodation."""
    p = params({"life.eviction": 1.0, "life.housing_recovery": 0.0})
    pop = one_citizen(tenure, domains=Domain.HOUSING, rent_arrears=10**7)
    acc = np.zeros(N_METRICS, dtype=np.int64)
    RULES.life_week(pop[0], agent_key(1, 3, 0), p, 3, acc, 0, 0.0)
    renting = tenure >= Tenure.SOCIAL_RENT
    assert acc[M.EVICTIONS] == int(renting)
    assert (pop[0].homeless_weeks > 0) == renting


@pytest.mark.parametrize("tenure", list(Tenure), ids=[t.name for t in Tenure])
def test_an_owner_owes_no_rent_and_a_mortgage_is_borrowed_for_when_cash_is_short(tenure):
    p = params()
    pop = one_citizen(tenure, domains=Domain.WORK)  # no income, no savings
    acc = np.zeros(N_METRICS, dtype=np.int64)
    RULES.money_week(pop[0], agent_key(1, 3, 0), p, 3, acc)
    renting = tenure >= Tenure.SOCIAL_RENT
    mortgage = 15_000 if tenure == Tenure.MORTGAGED else 0
    assert pop[0].rent_arrears == (15_000 if renting else 0)
    assert acc[M.RENT_DUE] == (15_000 if renting else 0)
    assert acc[M.MORTGAGE_PAID] == mortgage
    assert pop[0].other_debt == acc[M.LIVING_SPENT] + mortgage  # all of it borrowed


@pytest.mark.parametrize("share", [1.0, 0.25])
def test_cash_above_the_buffer_is_spent_and_below_it_saved(share):
    """An outright owner in work with GBP 400 a week beyond its essentials (and no council
    tax to pay): above its buffer it spends the share of the excess; below it, it saves
    its whole surplus towards the buffer."""
    p = params({"money.discretionary_spending": share, "council_tax.band_d_annual": 0.0})
    surplus = 40_000
    capacity = surplus + int(p.derived_living_costs[0])
    for savings, buffer in ((500_000, 300_000), (100_000, 300_000)):
        pop = one_citizen(Tenure.OUTRIGHT, earnings_capacity=capacity, savings=savings,
                          savings_buffer=buffer, engagement=0.99)
        acc = np.zeros(N_METRICS, dtype=np.int64)
        RULES.money_week(pop[0], agent_key(1, 3, 0), p, 3, acc)
        excess = max(savings + surplus - buffer, 0)
        assert acc[M.DISCRETIONARY_SPENT] == round(excess * share)
        assert pop[0].savings == savings + surplus - acc[M.DISCRETIONARY_SPENT]
        assert pop[0].savings_buffer == buffer


@pytest.mark.parametrize("tenure", list(Tenure), ids=[t.name for t in Tenure])
def test_housing_support_meets_rent_only(tenure):
    p = params()
    pop = one_citizen(tenure)
    _, cash, _ = RULES.entitlements(pop[0], p)
    allowance = p.benefits_allowance_single
    rent = 15_000 if tenure >= Tenure.SOCIAL_RENT else 0
    assert cash == round(allowance + p.benefits_housing_cover * rent)


def test_owners_never_owe_rent_nor_lose_their_home_over_a_run():
    """A run where evictions are frequent: renters are evicted, no owner ever is."""
    scenario = defaults().with_overrides({
        "place.citizens": 4_000, "place.weeks": 60, "life.eviction": 0.5,
        "life.eviction_rent_weeks": 1.0, "life.housing_trouble": 0.02})
    engine = Engine(scenario, scenario.regime("target"))
    owners = engine.citizens["tenure"] <= Tenure.MORTGAGED
    evictions = 0
    for _ in range(60):
        evictions += int(engine.step()[M.EVICTIONS])
        assert (engine.citizens["rent_arrears"][owners] == 0).all()
        assert (engine.citizens["homeless_weeks"][owners] == 0).all()
    assert evictions > 20
