"""A change to the random stream leaves the outputs' distribution and the coupling of
regimes as they were (tests/stream_equivalence.py has the design and the reference).

Run it for any change to which draws the rules make, or with which purposes
(``pytest -m slow tests/test_stream_equivalence.py``, about a minute). Per statistic the
reference's seeds and the current code's are two samples. Three criteria, fixed before
looking:

- **No difference detected.** Welch's z for the difference of means stays below the
  Bonferroni bound for a family-wise false alarm rate of 0.1% over every statistic.
- **Equivalent within 3%.** Where the design measures the difference to a standard
  error of at most 0.75% of the reference's mean, the difference is within 3% of it. The
  statistics measured less precisely (rare events, quantiles that sit on a few values)
  are held to the first criterion only.
- **Common random numbers no weaker.** The coupling of the two regimes (the same
  citizens in the same life domains at the end; correlations of their wellbeing, stress
  and public cost) is not lower than the reference's by more than the same bound.
  Stronger coupling passes: it makes paired comparisons tighter.

Statistics constant across the reference's seeds (a share that is always 1) must be
equal. Seeds are fixed, so the result is exact and never flaky.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from stream_equivalence import PAIRED, REFERENCE, measure

pytestmark = pytest.mark.slow

FAMILY_WISE_ALPHA = 0.001
MARGIN = 0.03
PRECISE = 0.0075


@pytest.fixture(scope="module")
def table():
    reference = pd.read_csv(REFERENCE, index_col="seed")
    current = measure(tuple(reference.index))
    assert set(current.columns) == set(reference.columns)
    return comparison(reference, current)


def comparison(reference: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Per statistic: both means, the standard error of their difference and Welch's z."""
    current = current[reference.columns]
    se = np.sqrt(reference.var() / len(reference) + current.var() / len(current))
    mean_ref, mean_cur = reference.mean(), current.mean()
    return pd.DataFrame({"reference": mean_ref, "current": mean_cur, "se": se,
                         "z": (mean_cur - mean_ref) / se.where(se > 0)})


def bound(table: pd.DataFrame) -> float:
    """|z| beyond which a difference is detected, family-wise over every statistic."""
    return float(stats.norm.isf(FAMILY_WISE_ALPHA / 2 / len(table)))


def outputs(table: pd.DataFrame) -> pd.DataFrame:
    return table[~table.index.str.startswith(f"{PAIRED}:")]


def test_no_output_differs(table):
    measured = outputs(table)
    varying = measured[measured["se"] > 0]
    assert len(varying) > 100
    worst = varying["z"].abs().sort_values(ascending=False)
    assert worst.iloc[0] < bound(table), varying.loc[worst.index[:5]]
    constant = measured[measured["se"] == 0]
    assert (constant["reference"] == constant["current"]).all(), constant


def test_precisely_measured_outputs_are_within_the_margin(table):
    measured = outputs(table)
    scale = measured["reference"].abs()
    precise = measured[(scale > 0) & (measured["se"] <= PRECISE * scale)]
    assert len(precise) > 60  # the criterion covers most of the outputs
    relative = ((precise["current"] - precise["reference"]) / precise["reference"]).abs()
    assert relative.max() <= MARGIN, precise.assign(relative=relative).nlargest(5, "relative")


def test_common_random_numbers_are_no_weaker(table):
    paired = table[table.index.str.startswith(f"{PAIRED}:")]
    assert len(paired) == 4
    assert (paired["z"] > -bound(table)).all(), paired
