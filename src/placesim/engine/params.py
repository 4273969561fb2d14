"""Pack a scenario and a regime into the flat record the kernels read.

numba reads a numpy record with attribute access (``p.life_job_loss``) as fast as a
constant; the same record works in pure Python, so the reference scheduler calls the
rules with exactly the same parameters. Every field is ``section_name``; money given in
pounds in the scenario is held in pence here, so rules work in whole pence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from placesim.engine.pure import python_function
from placesim.engine.rules.ledger import pence
from placesim.engine.rules.money import band_council_tax
from placesim.engine.state import N_SERVICES, PENCE
from placesim.scenario import Scenario
from placesim.scenario.fields import (
    BANDS,
    HOUSEHOLDS,
    PAYING,
    REGIME_LEVERS,
    SECTIONS,
    TENURES,
)


def _is_money(unit: str) -> bool:
    return unit.startswith("GBP")


def _record_fields() -> list[tuple[str, str, str, float]]:
    """(record name, section, field, scale) for every parameter, in a fixed order."""
    out = [(f"{s}_{f.name}", s, f.name, float(PENCE) if _is_money(f.unit) else 1.0)
           for s, fields in SECTIONS.items() for f in fields]
    out += [(f"regime_{f.name}", "regime", f.name, 1.0) for f in REGIME_LEVERS]
    return out


RECORD_FIELDS = _record_fields()
_pence, _band_council_tax = python_function(pence), python_function(band_council_tax)
# Tables that follow from the parameters, indexed by household type or council-tax band
# and worked out once per run, so a rule looks a value up rather than branching on the
# category. Allowances and living costs in pence, council tax in whole pence a week.
# The hourly cost of each agency's staff (pence), indexed by its spend metric from
# COST_REVENUES (courts and police have no staff who take contacts).
AGENCY_HOURS = ("costs_revenues_hour", None, "costs_benefits_hour", "costs_relational_hour",
                "housing_officer_hour", "health_officer_hour", "social_care_officer_hour",
                "vcs_officer_hour", None)
# The starting population's tables by tenure (state.Tenure): a value per tenure, from the
# record field named by the pattern (none for an outright owner's housing cost), and the
# household types and bands within each tenure, flattened (tenure x 4 + category).
TENURE_TABLES = (("derived_employment", "population_employment_{}", TENURES),
                 ("derived_earnings_median", "population_earnings_median_{}", TENURES),
                 ("derived_housing_cost_median", "population_housing_cost_median_{}", PAYING),
                 ("derived_housing_cost_sigma", "population_housing_cost_sigma_{}", PAYING),
                 ("derived_no_savings", "population_no_savings_{}", TENURES),
                 ("derived_savings_median", "population_savings_median_{}", TENURES))
TENURE_CATEGORIES = (("derived_households_by_tenure", "population_{}_{}", HOUSEHOLDS),
                     ("derived_bands_by_tenure", "council_tax_{}_band_{}", BANDS))
DERIVED_TABLES = (("derived_allowance", len(HOUSEHOLDS)),
                  ("derived_living_costs", len(HOUSEHOLDS)),
                  ("derived_council_tax", len(BANDS)),
                  ("derived_agency_hour", len(AGENCY_HOURS)),
                  ("derived_tenure_shares", len(TENURES)),
                  *((name, len(TENURES)) for name, _, _ in TENURE_TABLES),
                  *((name, len(TENURES) * len(categories))
                    for name, _, categories in TENURE_CATEGORIES))
PARAM_DTYPE = np.dtype([(name, np.float64) for name, _, _, _ in RECORD_FIELDS]
                       + [(name, np.float64, (size,)) for name, size in DERIVED_TABLES]
                       + [("gaming_pull_services", np.float64, (N_SERVICES,)),
                          ("gaming_pull_benefits", np.float64)])


class GamingPulls(NamedTuple):
    """Each service's pull toward gaming this week (docs/odd.md: Targets, effort bending
    and gaming): the place's state, set by the agencies' review and carried in the
    parameter record so that the rules of both schedulers read it alike."""

    services: tuple[float, ...]  # by Service
    benefits: float


NO_PULL = GamingPulls((0.0,) * N_SERVICES, 0.0)


def pack(scenario: Scenario, levers: Mapping[str, float],
         pulls: GamingPulls = NO_PULL) -> np.recarray:
    """A one-element record array holding every parameter of a run, and this week's pulls
    toward gaming."""
    record = np.recarray(1, dtype=PARAM_DTYPE)
    for name, section, field, scale in RECORD_FIELDS:
        value = levers[field] if section == "regime" else scenario.values[section][field]
        record[name][0] = float(value) * scale
    record["derived_allowance"][0] = [record[f"benefits_allowance_{h}"][0] for h in HOUSEHOLDS]
    record["derived_living_costs"][0] = [_pence(record[f"money_living_{h}"][0])
                                         for h in HOUSEHOLDS]
    band_d = record["council_tax_band_d_annual"][0]
    record["derived_council_tax"][0] = [_band_council_tax(band, band_d)
                                        for band in range(len(BANDS))]
    record["derived_agency_hour"][0] = [record[name][0] if name else 0.0
                                        for name in AGENCY_HOURS]
    record["derived_tenure_shares"][0] = [record[f"population_share_{t}"][0] for t in TENURES]
    for name, pattern, defined in TENURE_TABLES:
        record[name][0] = [record[pattern.format(t)][0] if t in defined else 0.0
                           for t in TENURES]
    for name, pattern, categories in TENURE_CATEGORIES:
        record[name][0] = [record[pattern.format(t, c)][0] for t in TENURES
                           for c in categories]
    record["gaming_pull_services"][0] = pulls.services
    record["gaming_pull_benefits"][0] = pulls.benefits
    return record
