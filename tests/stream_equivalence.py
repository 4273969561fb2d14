"""Statistical equivalence of a changed random stream: the outputs' distribution across seeds.

A change to how the rules draw (which draws, with which purposes) changes every result
bit for bit while leaving the model the same: the same events with the same chances.
The fingerprint cannot judge it; this does. A design of SEEDS places (CITIZENS each,
burned in, then WEEKS weeks under each regime) gives, per seed, every summary indicator
(``summary.run_summary``) and the distribution across citizens at the end (quantiles of
wellbeing, stress, trust, savings, public cost and council tax paid; the shares in each
life domain's trouble and in each kind of debt); and how closely the same citizens'
lives match between the regimes, which is what common random numbers are for.

``tests/data/stream_reference.csv`` holds those statistics from the random stream of
docs/odd.md (Stochasticity: one draw per life domain and week, each with its purpose),
written by this module::

    .venv/bin/python tests/stream_equivalence.py --write tests/data/stream_reference.csv

``tests/test_stream_equivalence.py`` measures the current code on the same design and
compares the two as two samples of seeds. While the stream is the reference's the two
are the same numbers; a change to the stream is judged by them (benchmarks/NOTES.md
records the changes judged so far).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from placesim.atomic import write_text
from placesim.engine.state import Domain
from placesim.model import PlaceModel, burned_in
from placesim.scenario import defaults
from placesim.summary import run_summary

SEEDS = tuple(range(1, 41))
CITIZENS = 20_000
WEEKS = 104
REGIMES = ("target", "learning")
QUANTILES = (0.1, 0.5, 0.9)
SPREAD = ("wellbeing", "stress", "trust", "savings", "public_cost", "ct_paid")
DEBTS = ("ct_arrears", "rent_arrears", "other_debt")
PAIRED = "paired"  # the prefix of the coupling statistics, from both regimes together
REFERENCE = Path(__file__).resolve().parent / "data" / "stream_reference.csv"


def citizen_statistics(citizens: pd.DataFrame) -> dict[str, float]:
    """The distribution across citizens at the end of a run."""
    out = {}
    for column in SPREAD:
        values = citizens[column].to_numpy(dtype=float)
        for q in QUANTILES:
            out[f"{column}_q{int(q * 100)}"] = float(np.quantile(values, q))
        out[f"{column}_mean"] = float(values.mean())
    domains = citizens["domains"].to_numpy()
    for domain in Domain:
        out[f"in_{domain.name.lower()}_trouble"] = float(((domains & domain) != 0).mean())
    for column in DEBTS:
        out[f"with_{column}"] = float((citizens[column] > 0).mean())
    return out


def seed_statistics(seed: int) -> dict[str, float]:
    """Every statistic of one seed, as ``regime:statistic``."""
    scenario = defaults().with_overrides({"place.citizens": CITIZENS, "place.weeks": WEEKS,
                                          "place.seed": seed})
    start = burned_in(scenario)
    out: dict[str, float] = {}
    final = {}
    for regime in REGIMES:
        model = PlaceModel(scenario, regime=regime, start=start)
        while model.running:
            model.step()
        final[regime] = model.citizens()
        statistics = {**run_summary(model.weekly()), **citizen_statistics(final[regime])}
        out.update({f"{regime}:{name}": value for name, value in statistics.items()})
    out.update({f"{PAIRED}:{name}": value for name, value in coupling(*final.values()).items()})
    return out


def coupling(first: pd.DataFrame, second: pd.DataFrame) -> dict[str, float]:
    """How closely the same citizens' lives match under two regimes (common random
    numbers): the share in the same life domains at the end, and the correlation across
    citizens of wellbeing, stress and public cost."""
    out = {"same_domains": float((first["domains"].to_numpy()
                                  == second["domains"].to_numpy()).mean())}
    for column in ("wellbeing", "stress", "public_cost"):
        out[f"correlation_{column}"] = float(np.corrcoef(first[column], second[column])[0, 1])
    return out


def measure(seeds: tuple[int, ...] = SEEDS) -> pd.DataFrame:
    """One row per seed, one column per statistic."""
    return pd.DataFrame([seed_statistics(seed) for seed in seeds],
                        index=pd.Index(seeds, name="seed"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, required=True, help="the CSV to write")
    args = parser.parse_args()
    write_text(args.write, measure().to_csv())


if __name__ == "__main__":
    main()
