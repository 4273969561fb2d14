"""The whole place's targets, and the model's value of each from one run.

The targets are data (``placesim/data/calibration_targets.csv``), one row each with its
label, the published value and its source (a row of calibration.csv):

- *input check*: a figure the population is drawn from; the model's value checks the
  draw, and nothing is tuned.
- *calibration target*: a published rate a mechanism's parameter is set from, by the
  procedure of :mod:`placesim.calibration.procedure` (the ``parameter`` column), or
  reported only where no parameter is set to meet it (the column is empty).
- *validation target*: held out. No parameter is ever set from it; the model's value is
  shown beside it so that nobody has to run the model to see the gap.

Every value here is per household (or a share): the page multiplies by ``per``. A
simulated citizen is one bill-paying household; a child taken into care is one child.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd
from numba import njit

from placesim.engine.rules.benefits import benefits_wrong, entitlements
from placesim.engine.state import PENCE, Status, Tenure

LABELS = ("input check", "calibration target", "validation target")
WEEKS_A_YEAR = 52


@dataclass(frozen=True)
class Target:
    """One row of the target table."""

    key: str
    label: str
    what: str
    value: float  # in the unit, i.e. per ``per`` households
    per: int
    unit: str
    source: str
    parameter: str  # what is set to meet it; empty for a target only reported

    @property
    def per_household(self) -> float:
        return self.value / self.per


@dataclass(frozen=True)
class RunFacts:
    """What the statistics read from one run: weekly indicators, the population at the
    start and at the end, and the run's parameters."""

    weekly: pd.DataFrame
    start: np.ndarray
    end: np.ndarray
    params: np.record

    @property
    def years(self) -> float:
        return len(self.weekly) / WEEKS_A_YEAR

    @property
    def households(self) -> int:
        return len(self.end)


@njit(cache=True)
def _benefit_states(pop, p):
    """Per household at this moment: (entitled to cash or council-tax support, has an
    award in payment, award in payment off entitlement beyond the tolerance)."""
    n = pop.shape[0]
    entitled = np.zeros(n, dtype=np.bool_)
    paid = np.zeros(n, dtype=np.bool_)
    wrong = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        r = pop[i]
        _, cash, cts = entitlements(r, p)
        entitled[i] = cash > 0 or cts > 0
        paid[i] = r.award > 0 or r.cts_award > 0
        wrong[i] = paid[i] and benefits_wrong(int(r.award), cash, int(r.cts_award), cts, p)
    return entitled, paid, wrong


def _per_year(column: str) -> Callable[[RunFacts], float]:
    """A weekly count, per household per year over the run."""
    return lambda f: float(f.weekly[column].sum()) / f.households / f.years


def _at_end(column: str) -> Callable[[RunFacts], float]:
    """A weekly stock at the end of the run, per household."""
    return lambda f: float(f.weekly[column].iloc[-1]) / f.households


def _share_at_start(test: Callable[[np.ndarray], np.ndarray]) -> Callable[[RunFacts], float]:
    return lambda f: float(test(f.start).mean())


def renting(pop: np.ndarray) -> np.ndarray:
    """Which households rent their home (social or private)."""
    return pop["tenure"] >= Tenure.SOCIAL_RENT


def _evictions(f: RunFacts) -> float:
    renters = int(renting(f.start).sum())
    return float(f.weekly["evictions"].sum()) / renters / f.years if renters else np.nan


def _first_flags(f: RunFacts) -> float:
    ever = (f.end["status"] & Status.FLAGGED) != 0
    return float(ever.mean()) / f.years


def _entitled(f: RunFacts) -> float:
    return float(_benefit_states(f.end, f.params)[0].mean())


def _takeup(f: RunFacts) -> float:
    entitled, paid, _ = _benefit_states(f.end, f.params)
    return float((entitled & paid).sum() / entitled.sum()) if entitled.any() else np.nan


def _wrong(f: RunFacts) -> float:
    _, paid, wrong = _benefit_states(f.end, f.params)
    return float(wrong.sum() / paid.sum()) if paid.any() else np.nan


def _collection(f: RunFacts) -> float:
    """In-year collection: the run's council tax less what is still owed of it at the end.

    A place starts in its steady state (burned in), owing arrears of earlier years that
    its payments clear too; payments are taken to clear the oldest debt first, so what a
    household still owes of the run's own charges (bills and court costs) is the least of
    its arrears at the end and what it was charged in the run (arrears at the end, less
    those at the start, plus what it paid, the tally counting from week 0)."""
    charged = float(f.weekly["ct_liability"].sum())
    end = f.end["ct_arrears"].astype(np.int64)
    charged_each = end - f.start["ct_arrears"].astype(np.int64) + f.end["ct_paid"]
    owed = float(np.minimum(end, charged_each).sum()) / PENCE
    return (charged - owed) / charged if charged else np.nan


# How the model's value of each target is computed from a run (per household or a share).
STATISTICS: dict[str, Callable[[RunFacts], float]] = {
    "renting_share": _share_at_start(renting),
    "social_rent_share": _share_at_start(lambda pop: pop["tenure"] == Tenure.SOCIAL_RENT),
    "private_rent_share": _share_at_start(lambda pop: pop["tenure"] == Tenure.PRIVATE_RENT),
    "lone_parent_share": _share_at_start(lambda pop: pop["household"] == 2),
    "band_a_share": _share_at_start(lambda pop: pop["band"] == 0),
    "ae_attendances": _per_year("ae_attendances"),
    "mh_crises": _per_year("mh_crises"),
    "care_entries": _per_year("care_entries"),
    "children_in_care": _at_end("children_in_care"),
    "evictions": _evictions,
    "homelessness": _per_year("evictions"),
    "temporary_accommodation": _at_end("homeless"),
    "arrears_incidence": _first_flags,
    "entitled_share": _entitled,
    "takeup": _takeup,
    "awards_wrong": _wrong,
    "cts_share": lambda f: float((f.end["cts_award"] > 0).mean()),
    "reminders": _per_year("reminders"),
    "summonses": _per_year("summonses"),
    "ea_referrals": _per_year("ea_referrals"),
    "collection_rate": _collection,
}

# How each statistic is computed, in words, for the page.
MEASURED = {
    "renting_share": "households drawn as social or private renters",
    "social_rent_share": "households drawn as social renters",
    "private_rent_share": "households drawn as private renters",
    "lone_parent_share": "households drawn as lone parents",
    "band_a_share": "households drawn in band A",
    "ae_attendances": "A&E attendances over the run / households / years",
    "mh_crises": "mental-health crises over the run / households / years",
    "care_entries": "children taken into care over the run / households / years",
    "children_in_care": "households with a child in care at the end / households",
    "evictions": "evictions over the run / renting households / years",
    "homelessness": "households made homeless (only by eviction in the model) / "
                    "households / years",
    "temporary_accommodation": "households in temporary accommodation at the end / "
                               "households",
    "arrears_incidence": "households ever flagged for council-tax arrears / households / "
                         "years (a household flagged in two years counts once)",
    "entitled_share": "households with a cash or council-tax support entitlement at the end",
    "takeup": "of those, households with an award in payment",
    "awards_wrong": "awards in payment off entitlement by more than "
                    "benefits.wrong_tolerance, over or under",
    "cts_share": "households with council-tax support in payment at the end",
    "reminders": "reminders over the run / households / years",
    "summonses": "summonses over the run / households / years",
    "ea_referrals": "referrals to enforcement agents over the run / households / years",
    "collection_rate": "(council tax charged over the run, with sums made due at once, "
                       "less what is still owed of it at the end, payments clearing the "
                       "oldest debt first) / council tax charged",
}


def read_targets() -> tuple[Target, ...]:
    """The target table, checked: known labels, a statistic for every key."""
    text = resources.files("placesim.data").joinpath("calibration_targets.csv").read_text(
        "utf-8")
    targets = tuple(Target(key=row["key"], label=row["label"], what=row["what"],
                           value=float(row["value"]), per=int(row["per"]), unit=row["unit"],
                           source=row["source"], parameter=row["parameter"])
                    for row in csv.DictReader(text.splitlines()))
    for target in targets:
        if target.label not in LABELS:
            raise ValueError(f"calibration_targets.csv: {target.key}: label "
                             f"{target.label!r} is not one of {', '.join(LABELS)}")
        if target.key not in STATISTICS:
            raise ValueError(f"calibration_targets.csv: {target.key} has no statistic")
    return targets


TARGETS = read_targets()


def _read_calibration() -> dict[str, dict[str, str]]:
    text = resources.files("placesim.data").joinpath("calibration.csv").read_text("utf-8")
    return {row["key"]: row for row in csv.DictReader(text.splitlines())}


CALIBRATION = _read_calibration()
"""calibration.csv by key: every published figure with its source, URL and confidence."""


def calibration_row(key: str) -> dict[str, str]:
    """The row of calibration.csv for ``key`` (a KeyError names a missing key)."""
    return CALIBRATION[key]


def source_keys(source: str) -> list[str]:
    """The calibration.csv keys a source names: ``calibration:a, b (note)`` -> [a, b]."""
    if not source.startswith("calibration:"):
        return []
    listed = source.removeprefix("calibration:").split("(")[0]
    return [part.strip().split(" ")[0] for part in listed.split(",") if part.strip()]


def values(facts: RunFacts) -> dict[str, float]:
    """The model's value of every target in one run (per household, or a share)."""
    return {target.key: STATISTICS[target.key](facts) for target in TARGETS}
