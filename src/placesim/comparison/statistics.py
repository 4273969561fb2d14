"""The statistics of a paired comparison: intervals across replicates and process limits.

Replicates are independent seeds; within a replicate both regimes share the seed (common
random numbers), so a regime difference is computed replicate by replicate and its
interval is the paired t-interval of those differences — narrower than comparing two
independent means, because each replicate's luck cancels out of its own difference.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pandas as pd
from scipy import stats

CONFIDENCE = 0.95
FEW_REPLICATES = 5  # below this many, the report warns that intervals are rough
XMR_SCALE = 2.66  # natural process limits: mean +- 2.66 x mean moving range (Wheeler)


@cache
def _t_quantile(replicates: int) -> float:
    return float(stats.t.ppf(0.5 + CONFIDENCE / 2, replicates - 1))


def interval(values: np.ndarray, low: float = -math.inf, high: float = math.inf
             ) -> tuple[float, float, float]:
    """Mean and 95% t-interval across replicates, NaN-free values only; the interval is
    clipped to [low, high] for a quantity that cannot leave them (a share in [0, 1]).
    With fewer than two replicates there is no interval (NaN)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if not len(values):
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if len(values) < 2:
        return mean, math.nan, math.nan
    half = _t_quantile(len(values)) * values.std(ddof=1) / math.sqrt(len(values))
    return mean, max(low, mean - half), min(high, mean + half)


def summarise(frame: pd.DataFrame, by: list[str], columns: list[str],
              low: float = -math.inf, high: float = math.inf) -> pd.DataFrame:
    """Mean and 95% interval across replicates of each column, per group of ``by``:
    columns ``<column>``, ``<column>_low``, ``<column>_high``, and ``replicates``."""
    rows = []
    for key, group in frame.groupby(by, sort=True, observed=True):
        row = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        for column in columns:
            mean, lower, upper = interval(group[column].to_numpy(), low, high)
            row.update({column: mean, f"{column}_low": lower, f"{column}_high": upper})
        row["replicates"] = int(group[columns[0]].notna().sum())
        rows.append(row)
    return pd.DataFrame(rows)


def xmr_limits(values: np.ndarray) -> tuple[float, float, float]:
    """Centre line and natural process limits of an individuals (XmR) chart: the mean
    plus and minus 2.66 times the mean moving range. The lower limit is not clipped."""
    values = np.asarray(values, dtype=float)
    centre = float(values.mean())
    spread = float(np.abs(np.diff(values)).mean()) if len(values) > 1 else 0.0
    return centre, centre - XMR_SCALE * spread, centre + XMR_SCALE * spread


def direction(difference: np.ndarray, tolerance: float, lower_is_better: bool
              ) -> np.ndarray:
    """Per citizen: 1 better, 0 the same (within ``tolerance``), -1 worse under the reform."""
    sign = np.where(np.abs(difference) <= tolerance, 0, np.sign(difference)).astype(np.int8)
    return -sign if lower_is_better else sign
