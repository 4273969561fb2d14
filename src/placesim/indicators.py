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

PENCE = 100.0


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
