"""The rules against their naive references (tests/naive), on random records.

For each rule family (the recovery ladder and its fees, the money waterfall, entitlement
and decisions, the services' doors and gates, casework, allocation of capacity) a
citizen record, the parameters and the week's random key are drawn at random; the rule
runs compiled and in its pure-Python form, the reference (written from docs/odd.md,
calling no rule) runs on a copy, and every field of the record and every weekly
aggregate must agree. The docking test checks the schedulers; these check the rules.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from naive import allocation as naive_allocation
from naive import benefits as naive_benefits
from naive import casework as naive_casework
from naive import ladder as naive_ladder
from naive import money as naive_money
from naive import services as naive_services
from naive.citizen import Record, gross_council_tax, ledger, population
from naive.citizen import earned as naive_earned
from numba import njit
from numba.core import config
from numba.core.registry import CPUDispatcher

from placesim.engine import allocation
from placesim.engine.metrics import M
from placesim.engine.params import GamingPulls, pack
from placesim.engine.pure import compiled_calls, python_rulebook, rule_modules
from placesim.engine.rng import agent_key, draw
from placesim.engine.rules.benefits import claim_benefits, standard_decision
from placesim.engine.rules.casework import casework_week
from placesim.engine.rules.money import money_week
from placesim.engine.rules.recovery_ladder import answer_letter, climb_ladder
from placesim.engine.rules.services import service_assessment
from placesim.engine.state import N_SERVICES, Case, Stage, Status, Tenure
from placesim.scenario import defaults
from placesim.scenario.fields import REGIME_LEVERS, SECTIONS, SHARES_THAT_SUM_TO_ONE

RULES = python_rulebook()
# Examples per test, and per case of a parametrized one (PLACESIM_EXAMPLES=1000 for a
# thorough run).
PER_TEST = int(os.environ.get("PLACESIM_EXAMPLES", "120"))
EXAMPLES = settings(deadline=None, max_examples=PER_TEST)
EACH = settings(deadline=None, max_examples=PER_TEST)
WORKERS = 4

# ---------------------------------------------------------------- compiled harnesses
# Each runs one rule compiled, on the only record of a one-citizen population.


@njit(cache=True)
def _ladder(pop, key, params, week, acc):
    return climb_ladder(pop[0], key, params[0], week, acc)


@njit(cache=True)
def _letter(pop, key, params, acc):
    answer_letter(pop[0], key, params[0], acc)


@njit(cache=True)
def _money(pop, key, params, week, acc):
    return money_week(pop[0], key, params[0], week, acc)


@njit(cache=True)
def _claims(pop, key, params, week, acc, earned):
    claim_benefits(pop[0], key, params[0], week, acc, earned)


@njit(cache=True)
def _decision(pop, key, skill, week, params, acc):
    standard_decision(pop[0], key, skill, week, params[0], acc)


@njit(cache=True)
def _assessment(pop, service, key, params, partnership, acc):
    service_assessment(pop[0], service, key, params[0], partnership, acc)


@njit(cache=True)
def _casework(pop, skill, key, params, week, acc):
    return casework_week(pop[0], skill, key, params[0], week, acc)


@njit(cache=True)
def _queue_entries(pop, week, params):
    """Each citizen's phase-4 queue entry, as phases 1-3 list them (0: in no queue)."""
    out = np.zeros(pop.shape[0], dtype=np.int64)
    for i in range(pop.shape[0]):
        out[i] = allocation.queue_entry(pop[i], week, params[0])
    return out


# ---------------------------------------------------------------- random inputs

_SHARED = {f"{section}.{name}" for section, names in SHARES_THAT_SUM_TO_ONE for name in names}
# team sizes stay as they are (a lever that sends cases to a team needs the team), and so
# does the range the team experiments in (the presets' caps must lie inside it)
_FIXED = {"relational.caseworkers_per_10k", "relational.specialists_per_10k",
          "relational.cap_min", "relational.cap_max"}


def _value(field, rng: np.random.Generator) -> float:
    """A value in the field's range: uniform, or one of its ends one time in ten."""
    if rng.random() < 0.1:
        return field.kind(field.low if rng.random() < 0.5 else field.high)
    if field.kind is int:
        return int(rng.integers(int(field.low), int(field.high) + 1))
    return float(rng.uniform(field.low, field.high))


def parameters(rng: np.random.Generator, sections: tuple[str, ...]) -> np.recarray:
    """The packed parameter record with every field of ``sections`` and every lever drawn
    at random in its allowed range (shares that must sum to one left at their defaults).

    The values come from a generator that hypothesis seeds, so every field is spread over
    its range (drawn one by one by hypothesis, most would sit at its simplest value).
    """
    overrides = {f"{section}.{f.name}": _value(f, rng) for section in sections
                 for f in SECTIONS[section]
                 if f"{section}.{f.name}" not in _SHARED | _FIXED}
    levers = {f.name: _value(f, rng) for f in REGIME_LEVERS}
    levers["caseload_cap"] = int(rng.integers(1, 31))
    scenario = defaults().with_overrides(overrides)
    # each service's pull toward gaming: none, full (payment by results) or in between
    pulls = [float(rng.choice([0.0, 1.0, rng.uniform()])) for _ in range(N_SERVICES + 1)]
    return pack(scenario, levers, GamingPulls(tuple(pulls[:-1]), pulls[-1]))


def generator(draw_) -> np.random.Generator:
    return np.random.default_rng(draw_(st.integers(0, 2**32 - 1)))


def _sometimes(draw_, chance_in: int = 4) -> bool:
    return draw_(st.integers(1, chance_in)) == 1


def _pence(draw_, most: int = 2_000_000) -> int:
    """A sum of money: often none, often small, sometimes large."""
    return draw_(st.one_of(st.just(0), st.integers(1, 10_000), st.integers(0, most)))


@st.composite
def citizens(draw_, p, week: int, stage: Stage | None = None, case: Case | None = None):
    """A citizen record in a state the model can reach (awards within the bill, agent
    fees only while the debt is with the agent, a caseworker for every open case).
    Flags that hold the ladder are set one time in four, so every branch is reached."""
    band = draw_(st.integers(0, 3))
    stage = draw_(st.sampled_from(list(Stage))) if stage is None else stage
    at_agent = stage in (Stage.COMPLIANCE, Stage.ENFORCEMENT)
    case = draw_(st.sampled_from(list(Case))) if case is None else case
    has_worker = case in (Case.OUTREACH, Case.ENGAGED, Case.FIX_QUEUED, Case.WORKING) or (
        case == Case.CLOSED and draw_(st.booleans()))
    status = 0
    for bit in Status:
        if _sometimes(draw_):
            status |= bit
    status &= ~Status.ATTACHMENT
    if stage == Stage.RETURNED and draw_(st.booleans()):
        status |= Status.ATTACHMENT
    if stage != Stage.NONE:
        status |= Status.FLAGGED
    else:
        status &= ~(Status.ON_PLAN | Status.PAUSED)
    placed = _pence(draw_) if at_agent else 0
    weeks_ago = st.one_of(st.integers(0, min(week, 3)), st.integers(0, min(week, 200)))
    return Record(
        household=draw_(st.integers(0, 3)), band=band, domains=draw_(st.integers(0, 31)),
        status=status, stage=stage,
        stage_weeks=draw_(st.one_of(st.just(0), st.integers(0, 60), st.just(255))),
        claim=draw_(st.integers(0, 1)), case=case,
        plan_misses=draw_(st.one_of(st.just(int(p.recovery_plan_misses_to_break) - 1),
                                    st.integers(0, int(p.recovery_plan_misses_to_break) - 1))),
        homeless_weeks=draw_(st.one_of(st.just(0), st.integers(1, 13))),
        care_weeks=draw_(st.integers(0, 52)),
        caseworker=draw_(st.integers(0, WORKERS - 1)) if has_worker else -1,
        claim_week=week - draw_(weeks_ago), case_week=week - draw_(weeks_ago),
        asks=draw_(st.integers(0, 15)), ask_week=week - draw_(weeks_ago),
        turned_away=draw_(st.one_of(st.integers(0, 5), st.just(255))), family=0,
        family_size=1, stable_weeks=draw_(st.integers(0, 40)),
        earnings_capacity=_pence(draw_, 300_000),
        tenure=draw_(st.sampled_from(list(Tenure))),
        housing_cost=draw_(st.one_of(st.just(0), st.integers(1, 60_000))),
        award=_pence(draw_, 60_000),
        cts_award=draw_(st.integers(0, gross_council_tax(band, p))),
        savings=_pence(draw_), savings_buffer=_pence(draw_), ct_arrears=_pence(draw_),
        ct_due_until=draw_(st.integers(0, week + 60)),
        ea_compliance_due=_pence(draw_, 100_000) if at_agent else 0,
        ea_fees_due=_pence(draw_, 500_000) if at_agent else 0,
        ea_placed=placed, ea_recovered=draw_(st.integers(0, placed)),
        rent_arrears=_pence(draw_), other_debt=_pence(draw_),
        plan_instalment=_pence(draw_, 100_000),
        public_cost=draw_(st.integers(0, 10**8)), fees_charged=draw_(st.integers(0, 10**7)),
        ct_paid=draw_(st.integers(0, 10**8)),
        engagement=draw_(st.floats(0.01, 0.99)), trust=draw_(st.floats(0.0, 1.0)),
        stress=draw_(st.floats(0.0, 1.0)), wellbeing=draw_(st.floats(0.0, 10.0)),
        relationship=draw_(st.floats(0.0, 1.0)))


@st.composite
def cases(draw_, sections: tuple[str, ...], stage: Stage | None = None,
          case: Case | None = None):
    """(citizen, parameters, key, week) for one rule family."""
    rng = generator(draw_)
    params = parameters(rng, sections)
    week = int(rng.integers(0, 601))
    key = agent_key(int(rng.integers(0, 2**40)), week, int(rng.integers(0, 10**6)))
    return draw_(citizens(params[0], week, stage, case)), params, key, week


def draws(key):
    return lambda purpose: draw(key, int(purpose))


def assert_records_equal(record: Record, expected: Record) -> None:
    differ = {k: (v, expected.fields()[k]) for k, v in record.fields().items()
              if v != expected.fields()[k]}
    assert not differ, f"fields (rule, reference): {differ}"


def assert_aggregates_equal(acc, expected) -> None:
    differ = {M(i).name: (int(acc[i]), int(expected[i]))
              for i in np.flatnonzero(np.asarray(acc) != expected)}
    assert not differ, f"aggregates (rule, reference): {differ}"


def agree(r: Record, reference, rule, harness) -> None:
    """Run the reference, the rule in pure Python and the rule compiled, each on its own
    copy of ``r`` and its own ledger row; their results, records and rows must agree.

    ``reference`` and ``rule`` take (record, ledger row); ``harness`` takes (a population
    of the one record, ledger row).
    """
    expected_r, expected_acc = r.copy(), ledger()
    expected = reference(expected_r, expected_acc)
    pure_r, pure_acc = r.copy(), ledger()
    assert rule(pure_r, pure_acc) == expected
    pop, fast_acc = population([r]), ledger()
    assert harness(pop, fast_acc) == expected
    for record, acc in ((pure_r, pure_acc), (Record.of(pop[0]), fast_acc)):
        assert_records_equal(record, expected_r)
        assert_aggregates_equal(acc, expected_acc)


LADDER = ("council_tax", "recovery", "costs", "relational", "money", "life", "population")
MONEY = ("council_tax", "recovery", "money", "life")
BENEFITS = ("council_tax", "benefits", "costs", "workforce", "life")
SERVICES = ("housing", "health", "social_care", "vcs", "demand", "costs", "workforce")
CASEWORK = ("relational", "benefits", "recovery", "council_tax", "costs", "money")

# ---------------------------------------------------------------- the families


@pytest.mark.parametrize("stage", list(Stage), ids=[s.name for s in Stage])
@EACH
@given(data=st.data())
def test_recovery_ladder_and_its_fees_match_the_reference(stage, data):
    r, params, key, week = data.draw(cases(LADDER, stage=stage))
    p = params[0]
    agree(r, lambda rec, acc: naive_ladder.ladder_week(rec, draws(key), p, week, acc),
          lambda rec, acc: RULES.climb_ladder(rec, key, p, week, acc),
          lambda pop, acc: _ladder(pop, key, params, week, acc))


@pytest.mark.parametrize("stage", list(Stage)[1:6], ids=[s.name for s in Stage][1:6])
@EACH
@given(data=st.data())
def test_answering_a_letter_matches_the_reference(stage, data):
    r, params, key, _ = data.draw(cases(LADDER, stage=stage))
    p = params[0]
    agree(r, lambda rec, acc: naive_ladder.answer_letter(rec, draws(key), p, acc),
          lambda rec, acc: RULES.answer_letter(rec, key, p, acc),
          lambda pop, acc: _letter(pop, key, params, acc))


@EXAMPLES
@given(case=cases(MONEY))
def test_money_waterfall_matches_the_reference(case):
    r, params, key, week = case
    p = params[0]
    agree(r, lambda rec, acc: naive_money.money_week(rec, draws(key), p, week, acc),
          lambda rec, acc: RULES.money_week(rec, key, p, week, acc),
          lambda pop, acc: _money(pop, key, params, week, acc))


@EXAMPLES
@given(case=cases(BENEFITS))
def test_entitlement_and_claims_match_the_reference(case):
    r, params, key, week = case
    p = params[0]
    earned = naive_earned(r, p)
    agree(r, lambda rec, acc: naive_benefits.claims_week(rec, draws(key), p, week, acc, earned),
          lambda rec, acc: RULES.claim_benefits(rec, key, p, week, acc, earned),
          lambda pop, acc: _claims(pop, key, params, week, acc, earned))
    assert RULES.entitlements(r, p) == (earned, *naive_benefits.entitled(r, earned, p))


@EXAMPLES
@given(case=cases(BENEFITS), performance=st.floats(0.0, 1.0))
def test_standard_decisions_match_the_reference(case, performance):
    r, params, key, week = case
    p = params[0]
    agree(r, lambda rec, acc: naive_benefits.decision(rec, draws(key), performance, p, week,
                                                      acc),
          lambda rec, acc: RULES.standard_decision(rec, key, performance, week, p, acc),
          lambda pop, acc: _decision(pop, key, performance, week, params, acc))


@pytest.mark.parametrize("service", range(N_SERVICES))
@EACH
@given(case=cases(SERVICES), partnership=st.floats(0.0, 1.0))
def test_doors_gates_and_help_match_the_reference(service, case, partnership):
    r, params, key, _ = case
    p = params[0]
    agree(r, lambda rec, acc: naive_services.take_request(
              rec, naive_services.Service(service), draws(key), p, partnership, acc),
          lambda rec, acc: RULES.service_assessment(rec, service, key, p, partnership, acc),
          lambda pop, acc: _assessment(pop, service, key, params, partnership, acc))


@pytest.mark.parametrize("case", list(Case), ids=[c.name for c in Case])
@EACH
@given(data=st.data(), skill=st.lists(st.floats(0.0, 1.0), min_size=WORKERS,
                                      max_size=WORKERS))
def test_casework_matches_the_reference(case, data, skill):
    r, params, key, week = data.draw(cases(CASEWORK, case=case))
    p, skills = params[0], np.array(skill)
    agree(r, lambda rec, acc: naive_casework.casework_week(rec, skill, draws(key), p, week,
                                                           acc),
          lambda rec, acc: RULES.casework_week(rec, skills, key, p, week, acc),
          lambda pop, acc: _casework(pop, skills, key, params, week, acc))


@st.composite
def places(draw_):
    """A small population, its week, workers and capacities, for phase 4."""
    rng = generator(draw_)
    params = parameters(rng, ("benefits", "relational", "recovery", "costs", "workforce",
                              "housing", "health", "social_care", "vcs", "demand"))
    p = params[0]
    week = int(rng.integers(0, 301))
    people = draw_(st.lists(citizens(p, week), min_size=1, max_size=40))
    caseload = [0] * WORKERS
    for r in people:  # caseloads as the open cases (and cases closed last week) say
        if r.caseworker >= 0:
            caseload[r.caseworker] += 1
    capacity = naive_allocation.Capacities(
        decisions=draw_(st.integers(0, 30)), fixes=draw_(st.integers(0, 10)),
        services=draw_(st.lists(st.integers(0, 15), min_size=4, max_size=4)),
        caseload_cap=int(p.regime_caseload_cap))
    assessors = draw_(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=5))
    return (people, caseload, capacity, assessors, float(rng.random()), params,
            int(rng.integers(0, 2**40)), week)


@settings(deadline=None, max_examples=max(1, PER_TEST // 2))
@given(place=places())
def test_allocation_of_capacity_matches_the_reference(place):
    """Phase 4 as the fast scheduler runs it (queues listed as phase 3 lists them)."""
    people, caseload, capacity, assessors, partnership, params, seed, week = place
    p = params[0]
    naive_people = [r.copy() for r in people]
    naive_caseload, naive_acc = list(caseload), ledger()
    naive_allocation.allocate(naive_people, assessors, naive_caseload, capacity, partnership,
                              p, seed, week, naive_acc)

    pop = population(people)
    entries = _queue_entries(pop, week, params)
    listed = np.flatnonzero(entries).astype(np.int32)
    fast_caseload, fast_acc = np.array(caseload, dtype=np.int64), ledger()
    allocation.allocate(pop, listed[None, :], entries[listed][None, :],
                        np.array([len(listed)]), np.array(assessors), fast_caseload,
                        capacity.caseload_cap, partnership, params, seed, week,
                        capacity.decisions, capacity.fixes,
                        np.array(capacity.services, dtype=np.int64),
                        np.zeros((3, len(M)), dtype=np.int64), fast_acc)
    assert list(fast_caseload) == naive_caseload
    for row, expected in zip(pop, naive_people, strict=True):
        assert_records_equal(Record.of(row), expected)
    assert_aggregates_equal(fast_acc, naive_acc)


# ---------------------------------------------------------------- the pure rulebook


def test_every_compiled_rule_is_in_the_pure_rulebook():
    """No rule of the pure rulebook reaches a compiled function (other than the random
    generator), and every compiled function of the rule modules is in it."""
    assert compiled_calls(RULES) == []
    for module in rule_modules():
        for name, value in vars(module).items():
            if isinstance(value, CPUDispatcher) and value.py_func.__module__ == module.__name__:
                assert not isinstance(getattr(RULES, name), CPUDispatcher), name


@pytest.mark.skipif(bool(config.DISABLE_JIT), reason="nothing is compiled")
def test_the_reference_scheduler_runs_no_compiled_rule(monkeypatch):
    """While the reference scheduler steps, the only compiled code it calls is the random
    generator (rng): every rule runs in Python."""
    from placesim.model import PlaceModel

    model = PlaceModel(regime="learning", citizens=300, weeks=3, scheduler="reference")
    called = set()
    base = CPUDispatcher.__mro__[-2]  # numba's compiled dispatcher type

    def recording(self, *args, **kwargs):
        called.add(f"{self.py_func.__module__}.{self.py_func.__name__}")
        return base.__call__(self, *args, **kwargs)

    monkeypatch.setattr(CPUDispatcher, "__call__", recording, raising=False)
    while model.running:
        model.step()
    monkeypatch.undo()
    assert called <= {"placesim.engine.rng.draw", "placesim.engine.rng.agent_key"}, called
    assert called  # the recorder saw the generator, so it was listening
