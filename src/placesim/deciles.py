"""Who is harmed: the end-of-run state of citizens by decile of weekly income.

Income is what a citizen has coming in at the end of the run when nothing else changes
(``outcomes.weekly_income``). Deciles are cut on the population of each run; under
common random numbers both regimes have the same people, but a regime that changes
incomes can move people between deciles (a comparison pairs people instead, by their
income at the start: ``placesim.compare``).

The table is made from the citizens' records in two compiled passes, without a table of
one row per citizen: a place of ten million citizens needs eight bytes a citizen beside
its records (their income keys, to find where the deciles are cut), not a hundred. It is
the table pandas makes from the per-citizen outcomes (``outcomes.citizen_outcomes``):
the same cut as ``pandas.qcut`` of the ranks, and the same compensated (Kahan) sums in
citizen order, in the same precision, so the same numbers to the last bit
(tests/test_deciles.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numba import njit

from placesim.engine.state import PENCE, Domain, Status

DECILES = 10
# The table's columns after ``decile``: per decile, people, then the means and the counts.
MEANS = ("mean_debt", "share_in_ct_arrears", "mean_fees_charged", "mean_public_cost")
MEANS_32 = ("mean_wellbeing", "mean_stress")  # means of float32 fields, in float32
COUNTS = ("flagged", "turned_around")


def decile_starts(n: int) -> np.ndarray:
    """Where each decile begins among ``n`` citizens in order of income: decile d + 1
    (1-10) is positions ``starts[d]`` to ``starts[d + 1] - 1``. Ranks 1..n are cut at
    1 + (n - 1) d / 10, right-closed, as ``pandas.qcut`` cuts them into 10 quantiles;
    in whole numbers, so that nothing is left to rounding."""
    d = np.arange(DECILES + 1, dtype=np.int64)
    starts = np.minimum(n, 1 + ((n - 1) * d) // DECILES)
    starts[0] = 0
    starts[-1] = n
    return starts


def decile_of(income: pd.Series) -> pd.Series:
    """Income decile 1 (poorest) to 10, equal numbers of people in each; ties broken by
    citizen order, so the cut does not depend on anything random."""
    order = np.argsort(income.to_numpy(), kind="stable")
    decile = np.empty(len(order), dtype=np.int8)
    starts = decile_starts(len(order))
    for d in range(DECILES):
        decile[order[starts[d]:starts[d + 1]]] = d + 1
    return pd.Series(decile, index=income.index, name=income.name)


@njit(cache=True, inline="always")
def _income_key(r, i: int, n: int) -> int:
    """Weekly income at the end of the run (pence; ``outcomes.weekly_income``), then
    citizen id: one int64 that orders citizens by income, ties by id. Incomes are two
    int32 fields and places at most 2**26 citizens, so the key stays below 2**59."""
    earned = r.earnings_capacity if (r.domains & Domain.WORK) == 0 else 0
    return (np.int64(earned) + np.int64(r.award)) * n + i


@njit(cache=True)
def _income_keys(records):
    """Every citizen's income key (``_income_key``)."""
    n = records.shape[0]
    keys = np.empty(n, np.int64)
    for i in range(n):
        keys[i] = _income_key(records[i], i, n)
    return keys


@njit(cache=True)
def _kahan(total, compensation, d: int, value) -> None:
    """Add ``value`` to ``total[d]``, compensated, in the arrays' own precision."""
    y = value - compensation[d]
    t = total[d] + y
    compensation[d] = t - total[d] - y
    total[d] = t


@njit(cache=True)
def _decile_sums(records, first_keys, turned_around_weeks: int, people, sums, sums_32,
                 counts) -> None:
    """Per decile, in citizen order: people, compensated sums of debt, arrears, fees and
    public cost (GBP, float64) and of wellbeing and stress (float32), and counts of the
    flagged and of lives turned around. ``first_keys`` are the keys that begin deciles
    2-10."""
    n = records.shape[0]
    compensation = np.zeros_like(sums)
    compensation_32 = np.zeros_like(sums_32)
    for i in range(n):
        r = records[i]
        key = _income_key(r, i, n)
        d = 0
        while d < first_keys.shape[0] and key >= first_keys[d]:
            d += 1
        people[d] += 1
        debt = (np.int64(r.ct_arrears) + np.int64(r.ea_compliance_due)
                + np.int64(r.ea_fees_due) + np.int64(r.rent_arrears) + np.int64(r.other_debt))
        _kahan(sums[0], compensation[0], d, debt / PENCE)
        _kahan(sums[1], compensation[1], d, 1.0 if r.ct_arrears > 0 else 0.0)
        _kahan(sums[2], compensation[2], d, r.fees_charged / PENCE)
        _kahan(sums[3], compensation[3], d, r.public_cost / PENCE)
        _kahan(sums_32[0], compensation_32[0], d, r.wellbeing)
        _kahan(sums_32[1], compensation_32[1], d, r.stress)
        flagged = (r.status & Status.FLAGGED) != 0
        counts[0, d] += flagged
        counts[1, d] += flagged and r.stable_weeks >= turned_around_weeks


def by_income_decile(records: np.ndarray, turned_around_weeks: int) -> pd.DataFrame:
    """Per decile of end-of-run income, from the citizens' final records: people, mean
    debt (GBP), share in council-tax arrears, mean fees charged and public cost over the
    run (GBP), mean wellbeing and stress, people ever flagged and, of them, lives turned
    around (stable for ``turned_around_weeks``)."""
    n = len(records)
    starts = decile_starts(n)
    keys = _income_keys(records)
    within = starts[1:-1][starts[1:-1] < n]
    keys.partition(within)  # in place: the keys at the cuts are where they would sort
    first_keys = keys[within].copy()
    del keys
    people = np.zeros(DECILES, np.int64)
    sums = np.zeros((len(MEANS), DECILES), np.float64)
    sums_32 = np.zeros((len(MEANS_32), DECILES), np.float32)
    counts = np.zeros((len(COUNTS), DECILES), np.int64)
    _decile_sums(records, first_keys, turned_around_weeks, people, sums, sums_32, counts)
    table = {"decile": np.arange(1, DECILES + 1, dtype=np.int8), "people": people}
    with np.errstate(invalid="ignore"):  # a place of fewer than ten has empty deciles
        table.update(zip(MEANS, sums / people, strict=True))
        table.update(zip(MEANS_32, sums_32 / people.astype(np.float32), strict=True))
    table.update(zip(COUNTS, counts, strict=True))
    frame = pd.DataFrame(table)
    return frame[frame["people"] > 0].reset_index(drop=True)
