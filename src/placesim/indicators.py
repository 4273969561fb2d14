"""Weekly indicators: the engine's exact aggregates in the units people read.

Every indicator is either a raw aggregate (money turned from pence into pounds) or a
simple, documented function of raw aggregates, so each reported number can be traced to
the rule that counted it.
"""

from __future__ import annotations

import numpy as np

from placesim.engine.metrics import (
    COST_METRICS,
    CRISIS_COST_METRICS,
    MICRO,
    MONEY_METRICS,
    M,
    metric_name,
)
from placesim.engine.state import PENCE

SECONDS_AN_HOUR = 3600


def weekly_indicators(totals: np.ndarray, citizens: int) -> dict[str, float | int]:
    """Raw aggregates by name (money in GBP) plus derived means and totals."""
    out: dict[str, float | int] = {}
    for m in M:
        if m in (M.STRESS_MICRO, M.WELLBEING_MICRO, M.TRUST_MICRO):
            continue
        value = int(totals[m])
        out[metric_name(m)] = value / PENCE if m in MONEY_METRICS else value
    out["spend_total"] = (sum(int(totals[m]) for m in COST_METRICS)
                          + int(totals[M.COST_RECRUITMENT])) / PENCE
    out["fees_charged"] = (int(totals[M.COURT_COSTS_ADDED])
                           + int(totals[M.EA_FEES_CHARGED])) / PENCE
    out["crisis_cost_total"] = sum(int(totals[m]) for m in CRISIS_COST_METRICS) / PENCE
    out["failure_staff_hours"] = int(totals[M.FAILURE_STAFF_SECONDS]) / SECONDS_AN_HOUR
    contacts = int(totals[M.CONTACTS])
    out["failure_demand_share"] = (int(totals[M.FAILURE_CONTACTS]) / contacts
                                   if contacts else 0.0)
    decisions = int(totals[M.DECISIONS])
    out["reported_on_time_share"] = (int(totals[M.DECISIONS_REPORTED_ON_TIME]) / decisions
                                     if decisions else 0.0)
    out["real_on_time_share"] = (int(totals[M.DECISIONS_ON_TIME]) / decisions
                                 if decisions else 0.0)
    out["decided_mean_wait_weeks"] = (int(totals[M.DECISION_WAIT_WEEKS]) / decisions
                                      if decisions else 0.0)
    out["mean_stress"] = totals[M.STRESS_MICRO] / MICRO / citizens
    out["mean_wellbeing"] = totals[M.WELLBEING_MICRO] / MICRO / citizens
    out["mean_trust"] = totals[M.TRUST_MICRO] / MICRO / citizens
    return out


INDICATOR_NAMES = tuple(weekly_indicators(np.zeros(len(M), dtype=np.int64), 1))

# The indicators that are not a raw aggregate: (unit, what it is), for the tables' docs.
DERIVED: dict[str, tuple[str, str]] = {
    "spend_total": ("GBP, this week", "public spend of every agency: the cost_* columns "
                    "plus cost_recruitment"),
    "fees_charged": ("GBP, this week", "court costs and enforcement fees charged to "
                     "citizens: court_costs_added + ea_fees_charged"),
    "crisis_cost_total": ("GBP, this week", "public cost of crises of every type: the "
                          "crisis_cost_* columns (each also in its agency's spend)"),
    "failure_staff_hours": ("hours, this week", "staff time failure demand took: "
                            "failure_staff_seconds / 3600"),
    "failure_demand_share": ("share (0-1), this week", "failure_contacts / contacts (0 "
                             "when there were no contacts)"),
    "reported_on_time_share": ("share (0-1), this week", "benefit decisions the service "
                               "reports as on time / decisions"),
    "real_on_time_share": ("share (0-1), this week", "benefit decisions really made within "
                           "the target / decisions"),
    "decided_mean_wait_weeks": ("weeks, this week", "mean weeks the claims decided this "
                                "week had waited"),
    "mean_stress": ("score (0-1), at the end of the week", "mean stress of citizens"),
    "mean_wellbeing": ("score (0-10), at the end of the week", "mean wellbeing of citizens"),
    "mean_trust": ("score (0-1), at the end of the week", "mean trust of citizens in "
                   "public services"),
}
