"""Journeys: a sample of citizens followed week by week, so a person's story can be told.

Each recorded row is a citizen's whole state at the end of a week (money in pence, as the
engine holds it; the written table is in GBP: ``columns.journeys_in_pounds``), plus what
that week changed: public cost incurred, court costs and fees charged, council tax paid;
the recovery stage, casework state and bit fields by name; and the week's events in words
(troubles begun and ended, requests to services made and ended, turned away or lost,
recovery steps, casework, benefit decisions, plans, eviction, a child taken into care). The sample
is evenly spaced over citizen ids (ids are independent of the citizens' draws), so the
same people are followed under every regime of a scenario and their journeys can be set
side by side.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placesim.columns import bit_names
from placesim.engine.state import N_SERVICES, PENCE, Case, Claim, Domain, Service, Stage, Status

WEEKLY_CHANGES = ("public_cost", "fees_charged", "ct_paid")


def journey_ids(citizens: int, count: int) -> np.ndarray:
    """Ids of ``count`` citizens spread evenly over the population."""
    count = min(count, citizens)
    return (np.arange(count, dtype=np.int64) * citizens) // count if count else np.zeros(
        0, dtype=np.int64)


class JourneyRecorder:
    """Collects the sampled citizens' records each week; cheap at any population size."""

    def __init__(self, ids: np.ndarray, start: np.ndarray):
        self.ids = ids
        self.start = start
        self.weeks: list[np.ndarray] = []

    def record(self, records: np.ndarray) -> None:
        self.weeks.append(records)

    def frame(self, regimes: list[str]) -> pd.DataFrame:
        """One row per citizen and week; ``regimes`` is the regime in force each week."""
        if not self.weeks or not len(self.ids):
            return pd.DataFrame()
        stacked = np.stack(self.weeks)  # weeks x citizens
        frame = pd.DataFrame({name: stacked[name].ravel() for name in stacked.dtype.names})
        weeks, people = stacked.shape
        frame.insert(0, "citizen", np.tile(self.ids, weeks))
        frame.insert(0, "week", np.repeat(np.arange(weeks), people))
        frame.insert(0, "regime", np.repeat(regimes, people))
        for name in WEEKLY_CHANGES:
            before = np.vstack([self.start[name][None, :], stacked[name][:-1]])
            frame[f"{name}_this_week"] = (stacked[name].astype(np.int64)
                                          - before.astype(np.int64)).ravel()
        frame["stage_name"] = STAGE_NAMES[frame["stage"].to_numpy()]
        frame["case_name"] = CASE_NAMES[frame["case"].to_numpy()]
        frame["domains_names"] = bit_names(frame["domains"].to_numpy(), Domain)
        frame["status_names"] = bit_names(frame["status"].to_numpy(), Status)
        frame["asks_names"] = bit_names(frame["asks"].to_numpy(), None)
        previous = np.vstack([self.start[None, :], stacked[:-1]])
        frame["events"] = events(previous.ravel(), stacked.ravel())
        return frame


def _names(bits: int, kind: type) -> str:
    return ", ".join(m.name.lower().replace("_", " ") for m in kind if bits & m)


# Words for every value a field can take, looked up for whole arrays at once.
STAGE_NAMES = np.array([Stage(s).name.lower() for s in range(len(Stage))], dtype=object)
CASE_NAMES = np.array([Case(c).name.lower() for c in range(len(Case))], dtype=object)
_DOMAINS = np.array([_names(bits, Domain) for bits in range(32)], dtype=object)
_SERVICES = np.array([", ".join(Service(s).name.lower().replace("_", " ")
                                for s in range(N_SERVICES) if bits & (1 << s))
                      for bits in range(1 << N_SERVICES)], dtype=object)


def _money(pence: np.ndarray) -> np.ndarray:
    return np.array([f"{p / PENCE:.2f}" for p in pence.tolist()], dtype=object)


def _owed(records: np.ndarray) -> np.ndarray:
    """Everything owed on council tax: arrears with court costs, and agent fees (pence)."""
    return (records["ct_arrears"].astype(np.int64) + records["ea_compliance_due"]
            + records["ea_fees_due"])


def events(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """What happened to each citizen in a week, in words, from the records at the end of
    the week before and of the week (equal-length arrays of records)."""
    began = after["domains"] & ~before["domains"]
    ended = before["domains"] & ~after["domains"]
    asked = after["asks"] & ~before["asks"]
    done = before["asks"] & ~after["asks"]
    decided = (before["claim"] == Claim.PENDING) & (after["claim"] == Claim.NONE)
    wrong = np.where((after["status"] & Status.WRONGED) != 0, " (wrong)", "")
    plan_now = (after["status"] & Status.ON_PLAN) != 0
    plan_before = (before["status"] & Status.ON_PLAN) != 0
    parts = [
        np.where(began != 0, "trouble began: " + _DOMAINS[began], ""),
        np.where(ended != 0, "trouble ended: " + _DOMAINS[ended], ""),
        np.where(asked != 0, "asked " + _SERVICES[asked], ""),
        np.where(done != 0, "request ended at " + _SERVICES[done], ""),
        np.where(after["turned_away"] > before["turned_away"], "turned away or lost", ""),
        np.where(after["stage"] != before["stage"], "recovery: " + STAGE_NAMES[after["stage"]],
                 ""),
        np.where(after["case"] != before["case"], "casework: " + CASE_NAMES[after["case"]], ""),
        np.where(decided, "benefits decided: " + _money(after["award"]) + " a week" + wrong, ""),
        np.where(plan_now & ~plan_before,
                 "plan agreed: " + _money(after["plan_instalment"]) + " a week",
                 np.where(plan_before & ~plan_now,
                          np.where(_owed(after) > 0, "plan broken", "plan paid off"), "")),
        np.where((after["homeless_weeks"] > 0) & (before["homeless_weeks"] == 0),
                 "evicted: temporary accommodation", ""),
        np.where((after["care_weeks"] > 0) & (before["care_weeks"] == 0),
                 "a child taken into care", ""),
    ]
    return np.array(["; ".join(filter(None, row)) for row in zip(*parts, strict=True)],
                    dtype=object)
