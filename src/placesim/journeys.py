"""Journeys: a sample of citizens followed week by week, so a person's story can be told.

Each recorded row is a citizen's whole state at the end of a week, plus what that week
changed: public cost incurred, court costs and fees charged, council tax paid; the
recovery stage and casework state by name; and the week's events in words (troubles
begun and ended, requests to services made and ended, turned away or lost, recovery
steps, casework, benefit decisions, plans, eviction, a child taken into care). The sample
is evenly spaced over citizen ids (ids are independent of the citizens' draws), so the
same people are followed under every regime of a scenario and their journeys can be set
side by side.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placesim.engine.state import N_SERVICES, Case, Claim, Domain, Service, Stage, Status

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
        frame["stage_name"] = [Stage(s).name.lower() for s in frame["stage"]]
        frame["case_name"] = [Case(c).name.lower() for c in frame["case"]]
        previous = np.vstack([self.start[None, :], stacked[:-1]])
        frame["events"] = [events(b, a) for b, a in zip(previous.ravel(), stacked.ravel(),
                                                        strict=True)]
        return frame


def _names(bits: int, kind: type) -> str:
    return ", ".join(m.name.lower().replace("_", " ") for m in kind if bits & m)


def events(before: np.void, after: np.void) -> str:
    """What happened to a citizen in a week, in words, from two consecutive records."""
    out = []
    began = int(after["domains"]) & ~int(before["domains"])
    ended = int(before["domains"]) & ~int(after["domains"])
    if began:
        out.append(f"trouble began: {_names(began, Domain)}")
    if ended:
        out.append(f"trouble ended: {_names(ended, Domain)}")
    asked = int(after["asks"]) & ~int(before["asks"])
    done = int(before["asks"]) & ~int(after["asks"])
    for bits, what in ((asked, "asked"), (done, "request ended at")):
        services = [Service(s).name.lower().replace("_", " ") for s in range(N_SERVICES)
                    if bits & (1 << s)]
        if services:
            out.append(f"{what} {', '.join(services)}")
    if after["turned_away"] > before["turned_away"]:
        out.append("turned away or lost")
    if after["stage"] != before["stage"]:
        out.append(f"recovery: {Stage(int(after['stage'])).name.lower()}")
    if after["case"] != before["case"]:
        out.append(f"casework: {Case(int(after['case'])).name.lower()}")
    if before["claim"] == Claim.PENDING and after["claim"] == Claim.NONE:
        out.append(f"benefits decided: {after['award'] / 100:.2f} a week"
                   + (" (wrong)" if int(after["status"]) & Status.WRONGED else ""))
    plan = int(after["status"]) & Status.ON_PLAN, int(before["status"]) & Status.ON_PLAN
    if plan[0] and not plan[1]:
        out.append(f"plan agreed: {after['plan_instalment'] / 100:.2f} a week")
    elif plan[1] and not plan[0]:
        out.append("plan ended")
    if after["homeless_weeks"] > 0 and before["homeless_weeks"] == 0:
        out.append("evicted: temporary accommodation")
    if after["care_weeks"] > 0 and before["care_weeks"] == 0:
        out.append("a child taken into care")
    return "; ".join(out)
