"""The calibration procedure: hazards from published rates, then the place against its
targets across seeds.

A crisis rule fires for a household in a week with chance ``hazard x multiplier``, where
the multiplier is the rule's own condition on the household's state (ill, stressed, in
rent arrears ...; see ``engine.rules.life``). In any run the expected count is therefore
``hazard x`` the sum of the multipliers over household-weeks, exactly, because every draw
is an independent uniform. So a published rate R per household a year sets the hazard:

    hazard = (R / 52) / mean weekly multiplier (the *exposure*)

The exposure is measured from the model's own state, week by week, in the runs of the
place as it is run now (the target regime), with the values in use: it does not depend
on the hazard where the crisis does not feed back on the state (A&E, mental-health
crisis, care entry); an eviction adds a housing shock to kin, a weak feedback. No outcome
count is fitted: the counts are what the targets table then reports, hits and misses.

Lengths of stay are set by Little's law from published stocks and flows: weeks =
52 x stock / yearly flow (``Duration``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from placesim.calibration.targets import (
    TARGETS,
    WEEKS_A_YEAR,
    RunFacts,
    calibration_row,
    renting,
    values,
)
from placesim.comparison.statistics import interval
from placesim.engine.state import Domain
from placesim.model import PlaceModel
from placesim.scenario import Scenario

EXPOSURE_REGIME = "target"  # the place as councils run it now, which the rates describe
SIGNIFICANT = 2  # figures a derived hazard is given to
# Start-of-week state the crisis rules read (the domains they read are the week's own).
BEFORE = ("stress", "tenure", "housing_cost", "rent_arrears", "care_weeks",
          "homeless_weeks", "household")

Exposure = Callable[[Mapping[str, np.ndarray], np.ndarray, np.record], np.ndarray]


def _ill(domains: np.ndarray) -> np.ndarray:
    return (domains & Domain.HEALTH) != 0


@dataclass(frozen=True)
class Hazard:
    """A weekly hazard set from a published rate: ``exposure`` gives each household's
    multiplier this week (``before``: start-of-week state; ``domains``: after the week's
    life events), ``among`` the households the rate is per."""

    parameter: str
    target: str
    rule: str
    exposure: Exposure
    among: Callable[[np.ndarray], np.ndarray] = lambda start: np.ones(len(start), bool)


@dataclass(frozen=True)
class Duration:
    """A length of stay set by Little's law from a published mean stay in years."""

    parameter: str
    years: str  # calibration.csv key of the mean stay
    rule: str


HAZARDS: tuple[Hazard, ...] = (
    Hazard("life.ae_attendance", "ae_attendances",
           "while ill, with chance hazard x (1 + stress)",
           lambda b, d, p: _ill(d) * (1.0 + b["stress"])),
    Hazard("life.mh_crisis", "mh_crises", "while ill, with chance hazard x stress",
           lambda b, d, p: _ill(d) * b["stress"].astype(float)),
    Hazard("life.care_entry", "care_entries",
           "a family with children in family trouble and no child in care, with chance "
           "hazard x stress",
           lambda b, d, p: ((b["household"] >= 2) & ((d & Domain.FAMILY) != 0)
                            & (b["care_weeks"] == 0)) * b["stress"].astype(float)),
    Hazard("life.eviction", "evictions",
           "a renting household in housing trouble, owing at least life.eviction_rent_weeks "
           "of rent and not in temporary accommodation, with chance hazard",
           lambda b, d, p: (((d & Domain.HOUSING) != 0) & renting(b)
                            & (b["rent_arrears"]
                               >= p.life_eviction_rent_weeks * b["housing_cost"])
                            & (b["homeless_weeks"] == 0)).astype(float),
           among=renting),
)

DURATIONS: tuple[Duration, ...] = (
    Duration("life.care_weeks", "cla_mean_duration_years_derived",
             "children looked after (83,630) over starts a year (33,050), DfE 2024"),
    Duration("life.homeless_weeks", "ta_mean_stay_years_derived",
             "households in temporary accommodation (117,450) over main-duty acceptances a "
             "year (about 68,500), MHCLG 2024; low confidence: not every entrant is a "
             "main-duty case"),
)


def rounded(value: float, figures: int = SIGNIFICANT) -> float:
    """``value`` to ``figures`` significant figures."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, figures - 1 - math.floor(math.log10(abs(value))))


@dataclass(frozen=True)
class Run:
    """One run's values of every target and, under the exposure regime, its exposures."""

    seed: int
    regime: str
    values: dict[str, float]
    exposures: dict[str, float]


def run_place(scenario: Scenario, regime: str, seed: int) -> Run:
    """Run the place once; measure the exposures as it runs when ``regime`` is the
    exposure regime."""
    model = PlaceModel(scenario, regime=regime, seed=seed)
    start = model.engine.citizens.copy()
    p = model.engine.parameters
    measure = regime == EXPOSURE_REGIME
    sums = dict.fromkeys((h.parameter for h in HAZARDS), 0.0)
    among = {h.parameter: h.among(start) for h in HAZARDS}
    while model.running:
        pop = model.engine.citizens
        before = {field: pop[field].copy() for field in BEFORE} if measure else {}
        model.step()
        if measure:
            for hazard in HAZARDS:
                weights = hazard.exposure(before, pop["domains"], p)
                sums[hazard.parameter] += float(weights[among[hazard.parameter]].sum())
    weeks = model.week
    exposures = ({name: total / (weeks * max(1, int(among[name].sum())))
                  for name, total in sums.items()} if measure else {})
    facts = RunFacts(model.weekly(), start, model.engine.citizens, p)
    return Run(seed, regime, values(facts), exposures)


@dataclass(frozen=True)
class Calibration:
    """Everything the page shows: each run's values, the derived parameters, the setup."""

    runs: tuple[Run, ...]
    regimes: tuple[str, ...]
    scenario: Scenario

    def table(self) -> pd.DataFrame:
        """One row per target and regime: the model's mean and 95% interval across seeds."""
        rows = []
        for target in TARGETS:
            for regime in self.regimes:
                found = np.array([r.values[target.key] for r in self.runs
                                  if r.regime == regime], dtype=float) * target.per
                mean, low, high = interval(found, *_bounds(target))
                rows.append({"key": target.key, "regime": regime, "model": mean,
                             "low": low, "high": high,
                             "replicates": int(np.isfinite(found).sum())})
        return pd.DataFrame(rows)

    def hazards(self) -> pd.DataFrame:
        """Each hazard's derivation: published weekly rate, exposure [95% interval],
        derived value (from the mean exposure, to two significant figures) with the
        interval the exposure's gives, the value in use and whether it lies in that
        interval (rounded outward to two figures, as the value in use is)."""
        by_key = {t.key: t for t in TARGETS}
        rows = []
        for hazard in HAZARDS:
            weekly = by_key[hazard.target].per_household / WEEKS_A_YEAR
            found = [r.exposures[hazard.parameter] for r in self.runs
                     if r.regime == EXPOSURE_REGIME]
            mean, low, high = interval(np.array(found), 0.0)
            derived = [weekly / e if e > 0 else math.nan for e in (mean, high, low)]
            in_use = float(self.scenario.get(hazard.parameter))
            rows.append({"parameter": hazard.parameter, "target": hazard.target,
                         "rule": hazard.rule, "weekly_rate": weekly, "exposure": mean,
                         "exposure_low": low, "exposure_high": high,
                         "derived": rounded(derived[0]), "derived_low": derived[1],
                         "derived_high": derived[2], "in_use": in_use,
                         "agrees": _within(in_use, derived[1], derived[2])})
        return pd.DataFrame(rows)

    def durations(self) -> pd.DataFrame:
        rows = []
        for duration in DURATIONS:
            years = float(calibration_row(duration.years)["value"])
            rows.append({"parameter": duration.parameter, "years": years,
                         "source": duration.years, "rule": duration.rule,
                         "derived": round(WEEKS_A_YEAR * years),
                         "in_use": int(self.scenario.get(duration.parameter))})
        return pd.DataFrame(rows)


def _within(value: float, low: float, high: float) -> bool:
    """Whether ``value`` lies in [low, high] widened to ``SIGNIFICANT`` figures (or
    matches ``low`` to them, when there is no interval: a single seed)."""
    if math.isnan(high):
        return math.isclose(value, rounded(low))
    step = 10.0 ** (math.floor(math.log10(abs(low))) - SIGNIFICANT + 1) if low else 0.0
    return math.floor(low / step) * step <= value <= math.ceil(high / step) * step \
        if step else low <= value <= high


def _bounds(target) -> tuple[float, float]:
    """A share lies in [0, 1]; a rate or a stock is at least zero."""
    return (0.0, 1.0) if target.unit.startswith("share") else (0.0, math.inf)


def calibrate(scenario: Scenario, seeds: Sequence[int],
              regimes: Sequence[str] = ("target", "learning"),
              progress: Callable[[str], None] | None = None) -> Calibration:
    """Run the place on every seed under every regime (the exposure regime first)."""
    order = (EXPOSURE_REGIME, *(r for r in regimes if r != EXPOSURE_REGIME))
    runs = []
    for seed in seeds:
        for regime in order:
            if progress:
                progress(f"seed {seed}, {regime}")
            runs.append(run_place(scenario, regime, seed))
    return Calibration(tuple(runs), tuple(order), scenario)
