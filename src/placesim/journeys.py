"""Journeys: a sample of citizens followed week by week, so a person's story can be told.

Each recorded row is a citizen's whole state at the end of a week, plus what that week
changed: public cost incurred, court costs and fees charged, council tax paid; and the
recovery stage and casework state by name. The sample is evenly spaced over citizen ids
(ids are independent of the citizens' draws), so the same people are followed under
every regime of a scenario and their journeys can be set side by side.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placesim.engine.state import Case, Stage

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
        return frame
