"""A cohort experiment: households entering council-tax recovery, followed under two arms.

Both arms run the same place from the same seed. Until the cohort's flag week they are the
same place, bit for bit (the treatment arm differs only by dated changes from that week).
The cohort is defined in advance, as the story describes it: ``households`` of the
households entering the council-tax recovery process in the flag week (a first reminder),
whatever their history, identical in both arms (:func:`cohort_ids`). Every draw is keyed
by (seed, week, citizen, purpose), so each household meets the same life events in both
arms (common random numbers) and differences can be read household by household.

Outputs, per replicate and arm: one row per household with its outcomes over the
follow-up (see :func:`household_outcomes`), its money as the Treasury counts it over the
follow-up and over a horizon (:func:`treasury_columns`), and the cohort's weekly means.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from placesim.engine.rules.benefits import benefits_wrong, entitlements
from placesim.engine.rules.money import ct_gross, earnings
from placesim.engine.start import Start
from placesim.engine.state import PENCE, Case, Claim, Stage, Status
from placesim.model import PlaceModel, burned_in, resolve_scenario
from placesim.scenario import Scenario
from placesim.treasury import (
    DEFAULT_HORIZON_YEARS,
    WEEKS_A_YEAR,
    Terms,
    committed_stay,
    discount_factors,
)

LETTER_STAGES = (Stage.REMINDER, Stage.FINAL_NOTICE, Stage.SUMMONS, Stage.LIABILITY_ORDER)
THREAT_STAGES = (Stage.COMPLIANCE, Stage.ENFORCEMENT)
PAYING_WEEKS = 13  # the window over which "paying again" is judged, at the end
PAYING_SHARE = 0.9  # paid at least this share of the council tax due in that window


@dataclass(frozen=True)
class Cohort:
    """How the cohort is drawn and followed (the scenario's ``[cohort]`` table)."""

    flag_week: int
    households: int
    follow_weeks: int
    replicates: int
    control: str
    treatment: str

    @classmethod
    def of(cls, scenario: Scenario) -> Cohort:
        return cls(**scenario.cohort)


@dataclass(frozen=True)
class ArmRun:
    """One arm of one replicate: the cohort's ids and its records, week by week."""

    arm: str
    seed: int
    flag_week: int
    ids: np.ndarray
    known_before: np.ndarray  # whether each had been in the recovery process before
    # (flagged at any time before the flag week, in the run or in the place's burn-in)
    records: np.ndarray  # (follow_weeks + 1) x households, packed citizen records
    params: np.record
    weekly: pd.DataFrame  # the whole place's indicators, one row per week
    terms: Terms  # what the Treasury's count needs besides the records


def cohort_ids(stage_before: np.ndarray, stage_after: np.ndarray, cohort: Cohort,
               seed: int) -> np.ndarray:
    """The cohort, defined in advance: households entering the recovery process in the
    flag week (sent a first reminder, off the ladder at the start of the week), whatever
    their history; ``cohort.households`` of them drawn at random, since the week's
    arrivals have no order, by a generator keyed on (seed, flag week) alone, so both arms
    draw the same households. Ids in ascending order."""
    entering = np.flatnonzero((stage_before == Stage.NONE) & (stage_after == Stage.REMINDER))
    if len(entering) <= cohort.households:
        return entering
    chosen = np.random.default_rng([seed, cohort.flag_week]).choice(
        entering, cohort.households, replace=False)
    return np.sort(chosen)


def arm_place(scenario: Scenario, seed: int, cohort: Cohort) -> Scenario:
    """The place an arm runs: the scenario with this seed, to the end of the follow-up."""
    return resolve_scenario(scenario, None, cohort.flag_week + 1 + cohort.follow_weeks, seed,
                            None)


def run_arm(scenario: Scenario, arm: str, seed: int, cohort: Cohort,
            start: Start | None = None) -> ArmRun:
    """Run the place under ``arm`` to the end of the follow-up, recording the cohort,
    from ``start`` (by default its place burned in; both arms start from the same one).

    Records start at the end of the flag week (week 0 of the follow-up).
    """
    model = PlaceModel(arm_place(scenario, seed, cohort), regime=arm, start=start)
    while model.week < cohort.flag_week:
        model.step()
    stage_before = model.engine.citizens["stage"].copy()
    known_before = ((model.engine.citizens["status"] & Status.FLAGGED) != 0) | model.flagged_before
    model.step()
    ids = cohort_ids(stage_before, model.engine.citizens["stage"], cohort, seed)
    if len(ids) == 0:
        raise ValueError(f"no household entered the recovery process in week "
                         f"{cohort.flag_week} of a place of {model.engine.n:,} (seed {seed}): "
                         "the cohort is empty; use a larger place or another "
                         "cohort.flag_week")
    weekly = [model.engine.records(ids)]
    while model.running:
        model.step()
        weekly.append(model.engine.records(ids))
    return ArmRun(arm, seed, cohort.flag_week, ids, known_before[ids], np.stack(weekly),
                  model.engine.parameters, model.weekly(), Terms.of(model.scenario))


def _benefits_right(records: np.ndarray, p) -> np.ndarray:
    """Whether each award in payment matched entitlement (weeks x households)."""
    right = np.zeros(records.shape, dtype=bool)
    for index in np.ndindex(records.shape):
        r = records[index]
        _, entitled, cts_entitled = entitlements(r, p)
        right[index] = not benefits_wrong(int(r["award"]), entitled, int(r["cts_award"]),
                                          cts_entitled, p)
    return right


def team_overhead_per_case(weekly: pd.DataFrame, terms: Terms) -> float:
    """The relational team's management (``costs.team_management`` times its casework
    cost) per case it took on in the run, GBP: the engine charges casework to each
    household but not management, so each case the team took carries the team's mean."""
    intakes = float(weekly["case_intakes"].sum())
    if intakes == 0:
        return 0.0
    return terms.team_management * float(weekly["cost_relational"].sum()) / intakes


def treasury_columns(run: ArmRun, horizon: int = DEFAULT_HORIZON_YEARS
                     ) -> dict[str, np.ndarray]:
    """Each household's money as the Treasury counts it (GBP; see placesim.treasury).

    Over the follow-up: public spend on the household (every cost the rules charged to
    it, casework included), the team's management per case it took, cash benefits paid
    to it (a transfer out) and council tax and court costs it paid (revenue in; net of
    council-tax support, a discount, so support is not counted again). Net cost to the
    public purse = spend + management + benefits - council tax collected. Committed at
    the end: a household still in temporary accommodation, or with a child still in
    care, stays on for the published mean stay (``costs.ta_stay_weeks``,
    ``costs.care_stay_weeks``). ``pv_net_public_cost``: the follow-up's weeks and the
    committed weeks within ``horizon`` years of the flag week, discounted to it at
    Green Book rates; nothing after the follow-up is extrapolated.
    """
    rec, terms = run.records, run.terms
    spend = np.diff(rec["public_cost"].astype(np.int64), axis=0) / PENCE
    collected = np.diff(rec["ct_paid"].astype(np.int64), axis=0) / PENCE
    benefits = rec["award"][:-1].astype(np.int64) / PENCE  # paid from the week's start
    took_case = (rec["case"] != Case.NONE).any(axis=0)
    overhead = took_case * team_overhead_per_case(run.weekly, terms)
    net = spend + benefits - collected  # weeks x households
    last = rec[-1]
    end, horizon_weeks = len(net), horizon * WEEKS_A_YEAR
    ta, ta_pv = committed_stay(1.0, terms.ta_week, terms.ta_stay_weeks, end, horizon_weeks)
    care, care_pv = committed_stay(1.0, terms.care_week, terms.care_stay_weeks, end,
                                   horizon_weeks)
    in_ta, in_care = last["homeless_weeks"] > 0, last["care_weeks"] > 0
    factors = discount_factors(np.arange(end)) * (np.arange(end) < horizon_weeks)
    return {
        "public_cost": spend.sum(axis=0),
        "team_overhead": overhead,
        "benefits_paid": benefits.sum(axis=0),
        "ct_collected": collected.sum(axis=0),
        "net_public_cost": net.sum(axis=0) + overhead,
        "committed_cost": in_ta * ta + in_care * care,
        "pv_net_public_cost": factors @ net + overhead + in_ta * ta_pv + in_care * care_pv,
    }


def household_outcomes(run: ArmRun, p) -> pd.DataFrame:
    """One row per household: what happened to it over the follow-up.

    Money in GBP. ``answered_threat``: answered the compliance letter or an agent's
    visit, or agreed a plan with the agent. ``plan_broken_under_threat``: a plan made or
    kept under threat ended while money was still owed (a plan paid off is not broken).
    ``debt`` is council tax owed (with court
    costs) plus enforcement fees owed, rent arrears and other debt. ``paying_at_end``:
    paid at least 90% of the council tax (net of support) due in the last 13 weeks.
    The money columns as the Treasury counts it are :func:`treasury_columns`.
    """
    rec = run.records
    first, last = rec[0], rec[-1]
    stage = rec["stage"]
    status = rec["status"].astype(np.int64)
    responded = (status & Status.RESPONDED) != 0
    on_plan = (status & Status.ON_PLAN) != 0
    at_letters = np.isin(stage, LETTER_STAGES)
    threatened = np.isin(stage, THREAT_STAGES)
    reached = np.isin(stage, (*THREAT_STAGES, Stage.RETURNED)).any(axis=0)
    owed = (rec["ct_arrears"].astype(np.int64) + rec["ea_compliance_due"]
            + rec["ea_fees_due"])
    plan_ends = on_plan[:-1] & ~on_plan[1:] & (owed[1:] > 0)  # broken, not paid off
    broke_under_threat = (plan_ends & (threatened[:-1] | threatened[1:])).any(axis=0)
    right = _benefits_right(rec, p)
    decided = (rec["claim"][:-1] == Claim.PENDING) & (rec["claim"][1:] == Claim.NONE)
    decision_week = run.flag_week + np.arange(1, len(rec))[:, None]
    waits = np.where(decided, decision_week - rec["claim_week"][:-1].astype(np.int64), 0)
    tail = rec[-(PAYING_WEEKS + 1):]
    paid = tail["ct_paid"][-1].astype(np.int64) - tail["ct_paid"][0]
    due = np.array([ct_gross(int(b), p) for b in last["band"]]) - last["cts_award"]
    def debt(r: np.ndarray) -> np.ndarray:
        return (r["ct_arrears"].astype(np.int64) + r["ea_compliance_due"]
                + r["ea_fees_due"] + r["rent_arrears"] + r["other_debt"])
    income = np.array([[earnings(int(r["earnings_capacity"]), int(r["domains"]), p)
                        + int(r["award"]) for r in week] for week in rec])
    turned_around = last["stable_weeks"] >= p.outcomes_turned_around_weeks
    return pd.DataFrame({
        "citizen": run.ids,
        "known_before": run.known_before,
        "answered_letter": (responded & at_letters).any(axis=0),
        "reached_enforcement": reached,
        "answered_threat": ((responded | on_plan) & threatened).any(axis=0),
        "plan_under_threat": (on_plan & threatened).any(axis=0),
        "plan_broken_under_threat": broke_under_threat,
        "fees": (last["fees_charged"].astype(np.int64) - first["fees_charged"]) / PENCE,
        "ea_placed": rec["ea_placed"].max(axis=0) / PENCE,
        "ea_recovered": rec["ea_recovered"].max(axis=0) / PENCE,
        "debt_at_flag": debt(first) / PENCE,
        "debt_at_end": debt(last) / PENCE,
        "wrong_benefits_at_flag": ~right[0],
        "benefits_right_at_end": right[-1],
        "weeks_to_right_benefits": np.where(right.any(axis=0), right.argmax(axis=0),
                                            len(rec)),
        "standard_decisions": decided.sum(axis=0),
        "standard_decision_weeks": waits.sum(axis=0),
        "causes_found": ((status & Status.CAUSES_FOUND) != 0).any(axis=0),
        "specialist_fix": (rec["case"] == Case.FIX_QUEUED).any(axis=0),
        "turned_around": turned_around,
        "paying_at_end": paid >= PAYING_SHARE * PAYING_WEEKS * due,
        **treasury_columns(run),
        "income_at_flag": income[0] / PENCE,
        "income_at_end": income[-1] / PENCE,
        "wellbeing_at_end": last["wellbeing"].astype(float),
    })


def weekly_means(run: ArmRun, p) -> pd.DataFrame:
    """The cohort's mean arrears, fees, income and wellbeing, week by week (GBP)."""
    rec = run.records
    income = np.array([[earnings(int(r["earnings_capacity"]), int(r["domains"]), p)
                        + int(r["award"]) for r in week] for week in rec])
    return pd.DataFrame({
        "week": np.arange(len(rec)),
        "ct_arrears": (rec["ct_arrears"] + rec["ea_compliance_due"]
                       + rec["ea_fees_due"]).mean(axis=1) / PENCE,
        "fees_charged": (rec["fees_charged"] - rec["fees_charged"][0]).mean(axis=1) / PENCE,
        "weekly_income": income.mean(axis=1) / PENCE,
        "wellbeing": rec["wellbeing"].mean(axis=1),
    })


def run_replicate(scenario: Scenario, cohort: Cohort, seed: int
                  ) -> Mapping[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """Both arms of one replicate: (household outcomes, weekly means) by arm.

    Raises if the arms drew different cohorts: they cannot, unless the arms differ
    before the flag week, which would break the pairing.
    """
    out = {}
    ids = None
    start = burned_in(arm_place(scenario, seed, cohort))
    for arm in (cohort.control, cohort.treatment):
        run = run_arm(scenario, arm, seed, cohort, start)
        if ids is not None and not np.array_equal(ids, run.ids):
            raise ValueError(f"arms drew different cohorts for seed {seed}: the arms must "
                             f"be the same place until cohort.flag_week")
        ids = run.ids
        outcomes = household_outcomes(run, run.params)
        weekly = weekly_means(run, run.params)
        for frame in (outcomes, weekly):
            frame.insert(0, "arm", arm)
            frame.insert(0, "seed", seed)
        out[arm] = (outcomes, weekly)
    return out
