"""Money conserved: every change in the citizens' money is explained by the flows counted.

Each money field of the citizen record changes only by flows the rules also add to the
week's totals (docs/odd.md, Money: the weekly waterfall), so over any stretch of weeks

    change in the field, summed over citizens = the flows that move it, summed over weeks.

A run checks these identities once, over its whole length, when it ends (a dozen column
sums: nothing next to a week's work); with ``PLACESIM_DEBUG=1`` it checks them every week,
to find the week a rule went wrong. A broken identity is a bug in a rule or a sum too large
for its field, never a property of the input: the run stops with
:class:`ConservationError` rather than report a wrong answer.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from placesim.engine.metrics import COST_METRICS, N_METRICS, M

DEBUG_ENV = "PLACESIM_DEBUG"
# Record fields holding money, and the weekly total that must equal each one's sum.
MONEY_FIELDS = ("savings", "ct_arrears", "ea_compliance_due", "ea_fees_due", "rent_arrears",
                "other_debt", "public_cost", "fees_charged", "ct_paid")
LEVELS = {"ct_arrears": M.CT_ARREARS_TOTAL, "savings": M.SAVINGS_TOTAL,
          "rent_arrears": M.RENT_ARREARS_TOTAL}


class ConservationError(RuntimeError):
    """Money appeared or vanished in a run: a bug, reported with what did not add up."""


def money_sums(citizens: np.ndarray) -> dict[str, int]:
    """Each money field summed over citizens, exactly (int64)."""
    return {name: int(citizens[name].sum(dtype=np.int64)) for name in MONEY_FIELDS}


def explained_changes(t: np.ndarray) -> dict[str, int]:
    """What the flows in totals ``t`` (summed over any weeks) say each sum moved by."""
    return {
        "savings": int(t[M.EARNINGS] + t[M.BENEFITS_PAID] + t[M.BORROWED] + t[M.GOODS_SOLD]
                       - t[M.LIVING_SPENT] - t[M.MORTGAGE_PAID] - t[M.RENT_PAID]
                       - t[M.CT_PAID] - t[M.EA_FEES_PAID] - t[M.OTHER_DEBT_REPAID]
                       - t[M.DISCRETIONARY_SPENT]),
        "ct_arrears": int(t[M.CT_LIABILITY] + t[M.COURT_COSTS_ADDED] - t[M.CT_PAID]),
        "enforcement fees owed": int(t[M.EA_FEES_CHARGED] - t[M.EA_FEES_PAID]
                                     - t[M.EA_FEES_WRITTEN_OFF]),
        "rent_arrears": int(t[M.RENT_DUE] - t[M.RENT_PAID] - t[M.ARREARS_PAYMENTS]),
        "other_debt": int(t[M.BORROWED] - t[M.OTHER_DEBT_REPAID]),
        "public_cost": int(sum(t[m] for m in COST_METRICS)),
        "fees_charged": int(t[M.COURT_COSTS_ADDED] + t[M.EA_FEES_CHARGED]),
        "ct_paid": int(t[M.CT_PAID]),
    }


def imbalances(before: dict[str, int], after: dict[str, int], flows: np.ndarray,
               last_week: np.ndarray) -> list[str]:
    """Every identity that does not hold between sums ``before`` and ``after``, given the
    ``flows`` summed over the weeks between and the totals of the ``last_week``."""
    change = {name: after[name] - before[name] for name in MONEY_FIELDS}
    change["enforcement fees owed"] = (change.pop("ea_compliance_due")
                                       + change.pop("ea_fees_due"))
    broken = [f"{name} changed by {change[name]:,} pence but the flows counted explain "
              f"{expected:,}" for name, expected in explained_changes(flows).items()
              if change[name] != expected]
    broken += [f"{name} sums to {after[name]:,} pence but the week's total says "
               f"{int(last_week[metric]):,}" for name, metric in LEVELS.items()
               if after[name] != last_week[metric]]
    return broken


class MoneyCheck:
    """Checks a run's money identities at its end, and every week when debugging."""

    def __init__(self, citizens: np.ndarray, every_week: bool | None = None,
                 first_week: int = 0):
        self.first_week = first_week
        self.every_week = (os.environ.get(DEBUG_ENV, "") not in ("", "0")
                           if every_week is None else every_week)
        self.opening = money_sums(citizens)
        self.flows = np.zeros(N_METRICS, dtype=np.int64)
        self.last_week = np.zeros(N_METRICS, dtype=np.int64)
        self.week_start = self.opening

    def record(self, citizens: Callable[[], np.ndarray], totals: np.ndarray,
               week: int) -> None:
        """Add a finished week's totals; when debugging, check that week at once.
        ``citizens`` gives the records only then (the reference scheduler builds them
        from its agents)."""
        self.flows += totals
        self.last_week = totals
        if self.every_week:
            closing = money_sums(citizens())
            self._raise_if_broken(self.week_start, closing, totals, f"in week {week}")
            self.week_start = closing

    def finish(self, citizens: np.ndarray, weeks: int) -> None:
        """Check the whole run (or burn-in): from the opening sums to the closing ones
        at the start of week ``weeks``."""
        span = (f"{self.first_week}-{weeks - 1}" if self.first_week >= 0
                else f"{self.first_week} to {weeks - 1}")  # a burn-in's weeks are < 0
        self._raise_if_broken(self.opening, money_sums(citizens), self.flows,
                              f"over weeks {span}")

    def _raise_if_broken(self, before: dict[str, int], after: dict[str, int],
                         flows: np.ndarray, when: str) -> None:
        broken = imbalances(before, after, flows, self.last_week)
        if broken:
            raise ConservationError(f"money was not conserved {when}: " + "; ".join(broken))
