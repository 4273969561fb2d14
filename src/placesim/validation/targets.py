"""The Gateshead story's observed patterns as validation targets, with their evidence.

Each target names the arm it is read from, how the model's value is computed from the
cohort's household outcomes (one value per replicate), the band it should fall in and
where the band comes from: a row of calibration.csv (with its confidence), or the story
itself (a practitioner's account in a podcast, with no primary document: labelled so).

Each is labelled as docs/calibration.md labels the whole place's targets. An *input
check* restates an input or holds by construction (the statutory fees, the standard
route's lead time, causes found by a team that works every case it takes), so meeting it
checks the rules, not the model. A *validation target* is held out: no parameter is set
from it. The team's effect is judged as a difference between the arms, household by
household (``arm = "paired"``), never as a level of the treatment arm alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from placesim.calibration.targets import CALIBRATION, source_keys
from placesim.comparison.statistics import interval
from placesim.treasury import DEFAULT_HORIZON_YEARS as HORIZON

STORY = "story (podcast transcript, 2021; no primary document)"


@dataclass(frozen=True)
class Target:
    key: str
    pattern: str
    arm: str  # "control", "treatment" or "paired" (treatment minus control, per household)
    statistic: Callable[[pd.DataFrame], float]
    low: float
    high: float
    source: str  # calibration keys, or STORY
    unit: str = "share"
    label: str = "validation target"  # or "input check" (see the module's docstring)


def _share(column: str, among: str | None = None) -> Callable[[pd.DataFrame], float]:
    def share(h: pd.DataFrame) -> float:
        rows = h[h[among]] if among else h
        return float(rows[column].mean()) if len(rows) else math.nan
    return share


def _unanswered(h: pd.DataFrame) -> float:
    return float(1.0 - h["answered_letter"].mean())


def _fees_when_enforced(h: pd.DataFrame) -> float:
    enforced = h[h["reached_enforcement"]]
    return float(enforced["fees"].mean()) if len(enforced) else math.nan


def _recovery_rate(h: pd.DataFrame) -> float:
    placed = h["ea_placed"].sum()
    return float(h["ea_recovered"].sum() / placed) if placed else math.nan


def _debt_growth(h: pd.DataFrame) -> float:
    return float(h["debt_at_end"].mean() / h["debt_at_flag"].mean())


def _decision_weeks(h: pd.DataFrame) -> float:
    decisions = h["standard_decisions"].sum()
    return float(h["standard_decision_weeks"].sum() / decisions) if decisions else math.nan


def _difference(column: str) -> Callable[[pd.DataFrame], float]:
    return lambda paired: float(paired[column].mean())


TARGETS: tuple[Target, ...] = (
    Target("letters_unanswered", "Most letters go unanswered: households that never answer "
           "a reminder, final notice or summons", "control", _unanswered, 0.5, 1.0, STORY),
    Target("answer_when_threatened", "About half respond once bailiffs are threatened "
           "(of households reaching enforcement)", "control",
           _share("answered_threat", "reached_enforcement"), 0.35, 0.65,
           "calibration:gateshead_phone_when_threatened"),
    Target("plans_broken", "Plans agreed under threat cannot be kept (share broken)",
           "control", _share("plan_broken_under_threat", "plan_under_threat"), 0.5, 1.0,
           STORY),
    Target("reach_enforcement", "About 90% of the cohort reach enforcement", "control",
           _share("reached_enforcement"), 0.8, 1.0, "calibration:gateshead_to_enforcement"),
    Target("fees_when_enforced", "Statutory fees are added: GBP per household reaching "
           "enforcement (compliance 75 + enforcement 235, liability-order costs 70-130 "
           "on top)", "control", _fees_when_enforced, 380.0, 560.0,
           "calibration:ea_fee_compliance, ea_fee_enforcement, lo_costs_added_low/high",
           "GBP", label="input check"),
    Target("ea_recovery_rate", "Enforcement recovers a fraction of the sum placed",
           "control", _recovery_rate, 0.18, 0.32,
           "calibration:ea_recovery_rate_ct (0.22, FOI), ea_recovery_rate_ct_press (0.27)"),
    Target("debt_growth", "Debts grow: mean debt at the end over mean debt at the flag",
           "control", _debt_growth, 1.0, math.inf, STORY, "ratio"),
    Target("old_route_weeks", "The old route fixes benefits in about six weeks: weeks from "
           "claim to standard-route decision", "control", _decision_weeks, 4.0, 8.0,
           "calibration:dwp_fix_old_weeks", "weeks", label="input check"),
    Target("benefit_problems", "Benefit problems found for nearly all: households with "
           "wrong or unclaimed benefits when flagged", "treatment",
           _share("wrong_benefits_at_flag"), 0.8, 1.0, "calibration:gateshead_wrong_benefits"),
    Target("causes_found", "The team finds what is really going on (share of households "
           "whose causes were found)", "treatment", _share("causes_found"), 0.8, 1.0, STORY,
           label="input check"),
    Target("turned_around", "About 32 of 50 lives significantly turned around (stable "
           "for outcomes.turned_around_weeks at the end)", "treatment",
           _share("turned_around"), 0.5, 0.78, "calibration:gateshead_lives_turned_around"),
    Target("turned_around_difference", "The team turns more lives around: share turned "
           "around, relational team minus targets", "paired", _difference("turned_around"),
           0.0, 1.0, STORY, "difference of shares"),
    Target("paying_difference", "Payments resume with the team: share paying at least 90% "
           "of the council tax due in the last 13 weeks, relational team minus targets",
           "paired", _difference("paying_at_end"), 0.0, 1.0, STORY, "difference of shares"),
    Target("cost_difference", "Lower total public cost: net cost to the public purse over "
           f"{HORIZON} years from the flag week (the follow-up counted as the Treasury would, and "
           "the stays it leaves committed, discounted), GBP per household, relational team "
           "minus targets (negative is cheaper)", "paired", _difference("pv_net_public_cost"),
           -math.inf, 0.0, STORY, "GBP"),
    Target("debt_difference", "Debts at the end, GBP per household, relational team minus "
           "targets", "paired", _difference("debt_at_end"), -math.inf, 0.0, STORY, "GBP"),
)


def paired(outcomes: pd.DataFrame, control: str, treatment: str) -> pd.DataFrame:
    """Per-household differences (treatment minus control) of every numeric outcome."""
    keys = ["seed", "citizen"]
    a = outcomes[outcomes["arm"] == control].set_index(keys).sort_index()
    b = outcomes[outcomes["arm"] == treatment].set_index(keys).sort_index()
    numeric = a.select_dtypes(["number", "bool"]).columns
    return (b[numeric].astype(float) - a[numeric].astype(float)).reset_index()


def per_replicate(outcomes: pd.DataFrame, control: str, treatment: str) -> pd.DataFrame:
    """Each target's value in each replicate (rows: seed, columns: target key)."""
    arms = {"control": control, "treatment": treatment}
    differences = paired(outcomes, control, treatment)
    rows = {}
    for seed, group in outcomes.groupby("seed"):
        values = {}
        for target in TARGETS:
            data = (differences[differences["seed"] == seed] if target.arm == "paired"
                    else group[group["arm"] == arms[target.arm]])
            values[target.key] = target.statistic(data)
        rows[seed] = values
    return pd.DataFrame.from_dict(rows, orient="index")


def confidence_of(source: str) -> str:
    """The confidence calibration.csv gives the first key of a source (H, M or L)."""
    keys = source_keys(source)
    if not keys:
        return "L"
    return CALIBRATION.get(keys[0], {}).get("confidence", "?")


def _bounds(target: Target) -> tuple[float, float]:
    """Where the model's value can lie: a share in [0, 1], a difference of shares in
    [-1, 1]; a ratio, weeks or money of one arm at least zero; a paired difference of
    money anywhere."""
    if target.unit == "share":
        return 0.0, 1.0
    if target.unit == "difference of shares":
        return -1.0, 1.0
    return (-math.inf, math.inf) if target.arm == "paired" else (0.0, math.inf)


def verdict(low: float, high: float, mean: float, band_low: float, band_high: float
            ) -> str:
    """The band judged on the interval, not the mean alone: "in" when the whole 95%
    interval lies in the band, "out" when none of it does, "unclear" when it crosses an
    edge (the replicates cannot tell). Without an interval (one replicate) the mean is
    judged, and an "in" or "out" there is marked by the table as such."""
    if math.isnan(low) or math.isnan(high):
        low = high = mean
    if band_low <= low and high <= band_high:
        return "in"
    if high < band_low or low > band_high:
        return "out"
    return "unclear"


def evaluate(outcomes: pd.DataFrame, control: str, treatment: str) -> pd.DataFrame:
    """One row per target: band, source, confidence, model mean and 95% interval (kept
    inside what the value can be), and the verdict on the interval; ``in_band`` is
    whether the interval reaches the band at all (in or unclear)."""
    values = per_replicate(outcomes, control, treatment)
    rows = []
    for target in TARGETS:
        mean, low, high = interval(values[target.key].to_numpy(dtype=float), *_bounds(target))
        judged = verdict(low, high, mean, target.low, target.high)
        rows.append({"target": target.key, "label": target.label,
                     "pattern": target.pattern, "arm": target.arm,
                     "unit": target.unit, "band_low": target.low, "band_high": target.high,
                     "source": target.source, "confidence": confidence_of(target.source),
                     "model": mean, "ci_low": low, "ci_high": high,
                     "replicates": int(values[target.key].notna().sum()),
                     "verdict": judged, "in_band": judged != "out"})
    return pd.DataFrame(rows)

