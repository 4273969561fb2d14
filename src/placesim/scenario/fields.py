"""Every scenario parameter: its unit, default, allowed range and source.

This table is the single source of truth for parameters. The validator, the packed
parameter record the kernels read, the ODD documentation and the defaults of
``PlaceModel`` are all derived from it. A source of the form ``calibration:KEY`` points
to a row of ``placesim/data/calibration.csv`` (published figures with their references);
``assumption`` marks a modelling choice that the sensitivity analysis should probe.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from placesim.scenario.errors import shown

Number = int | float


@dataclass(frozen=True)
class Field:
    """One scenario parameter."""

    name: str
    default: Number
    unit: str
    low: Number
    high: Number
    doc: str
    source: str = "assumption"
    kind: type = float

    def allowed(self) -> str:
        """Human description of the allowed values, for error messages."""
        low, high = (f"{v:,}" if self.kind is int else f"{v:g}" for v in (self.low, self.high))
        if self.unit == "probability":
            return f"a probability from {low} to {high}"
        what = "a whole number" if self.kind is int else "a number"
        return f"{what} from {low} to {high} ({self.unit})"


def check_value(spec: Field, value: Any) -> str | None:
    """Why ``value`` is not allowed for ``spec``, or None when it is."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{shown(value)} is a {type(value).__name__}; allowed: {spec.allowed()}"
    if spec.kind is int and not isinstance(value, int):
        return f"{shown(value)} is not a whole number; allowed: {spec.allowed()}"
    # an int is compared exactly, however large; only a float can be NaN or infinite
    if (isinstance(value, float) and not math.isfinite(value)) or not (
            spec.low <= value <= spec.high):
        return f"{shown(value)} is out of range; allowed: {spec.allowed()}"
    return None


def _p(name: str, default: float, doc: str, source: str = "assumption") -> Field:
    """A probability or fraction in [0, 1]."""
    return Field(name, default, "probability", 0.0, 1.0, doc, source)


def _f(name: str, default: float, unit: str, low: float, high: float, doc: str,
       source: str = "assumption") -> Field:
    return Field(name, default, unit, low, high, doc, source)


def _i(name: str, default: int, unit: str, low: int, high: int, doc: str,
       source: str = "assumption") -> Field:
    return Field(name, default, unit, low, high, doc, source, int)


def service_fields(staff: str, officers: float, hours_per_case: float, hourly: float,
                   lead_weeks: int, error_rate: float, gate: tuple,
                   early: tuple[float, str, str], late: tuple[float, str, str]
                   ) -> tuple[Field, ...]:
    """The fields every service shares: staff and hours, gate, lead time, error, costs.

    ``gate`` is (name, default, unit, low, high, doc): each service measures need in its
    own unit. ``early`` and ``late`` are (GBP, doc, source) of help below and at or past
    the gate at full strength: help given early is cheaper.
    """
    name, default, unit, low, high, doc = gate
    return (
        _f("officers_per_10k", officers, "FTE per 10,000 citizens", 0.0, 1_000.0,
           f"Staff: {staff}."),
        _f("officer_hours", 30.0, "hours per week", 0.0, 80.0,
           "Hours per member of staff available for requests."),
        _f("hours_per_case", hours_per_case, "hours", 0.01, 100.0,
           "Staff hours to assess a request and help (whether helped or turned away)."),
        _f("officer_hour", hourly, "GBP per hour", 0.0, 1_000.0,
           "Fully loaded hourly cost of the staff."),
        _i("lead_weeks", lead_weeks, "weeks", 0, 52,
           "Least weeks from a request to its assessment (the process lead time)."),
        _p("error_rate", error_rate, "Chance that help given does not resolve the trouble "
           "(wrong help, or help that does not stick)."),
        _f(name, default, unit, low, high, doc),
        _f("early_help", early[0], "GBP per case", 0.0, 100_000.0, early[1], early[2]),
        _f("late_help", late[0], "GBP per case", 0.0, 100_000.0, late[1], late[2]),
    )


# The end of the description of a hazard set from a published rate by the calibration
# procedure (placesim.calibration.procedure), which docs/calibration.md shows.
CALIBRATED = " Set by `placesim calibrate` from the published rate (docs/calibration.md)."
HOUSEHOLDS = ("single", "couple", "lone_parent", "couple_children")
BANDS = ("a", "b", "c", "d")
TENURES = ("outright", "mortgaged", "social_rent", "private_rent")  # as state.Tenure
PAYING = TENURES[1:]  # the tenures with a housing cost: a mortgage or a rent
_HOUSEHOLD_WORDS = {"single": "single adults without children",
                    "couple": "couples without children", "lone_parent": "lone parents",
                    "couple_children": "couples with children"}
_TENURE_WORDS = {"outright": "outright owners", "mortgaged": "owners with a mortgage",
                 "social_rent": "social renters", "private_rent": "private renters"}
# The default place is a poor northern town: Gateshead's tenure, and within each tenure
# England's survey patterns (docs/odd.md, Initialisation, says which figures are
# published and which are assumed to fit them).
_EHS_OWNERS = ("calibration:gateshead_tenure_owner_share, tenure_share_outright_eng_2024_25 "
               "(Gateshead's owner-occupiers 0.57, split as England's: 36 of its 65 per cent "
               "own outright)")
_TENURE_SHARES = {
    "outright": (0.32, _EHS_OWNERS), "mortgaged": (0.25, _EHS_OWNERS),
    "social_rent": (0.27, "calibration:gateshead_tenure_social_share (council 0.21, housing "
                    "associations 0.06)"),
    "private_rent": (0.16, "calibration:gateshead_tenure_private_share")}
# Household types within each tenure (single, couple, lone parent, couple with children).
# The share with dependent children is published by tenure (owners 0.23, split between
# outright owners, mostly older, and mortgagors); the rest is assumed, with lone parents
# concentrated in social renting so that the whole place has the published share.
_HOUSEHOLDS_BY_TENURE = {"outright": (0.42, 0.50, 0.01, 0.07),
                         "mortgaged": (0.20, 0.38, 0.05, 0.37),
                         "social_rent": (0.50, 0.19, 0.15, 0.16),
                         "private_rent": (0.45, 0.25, 0.10, 0.20)}
_CHILDREN_SOURCE = {"outright": "ehs_children_share_owner_eng_2022_23",
                    "mortgaged": "ehs_children_share_owner_eng_2022_23",
                    "social_rent": "ehs_children_share_social_eng_2022_23",
                    "private_rent": "ehs_children_share_private_eng_2022_23"}
# Older published figures the owners' assumed split was checked against (the row says
# where they agree).
_EHS_OWNERS_2009 = "calibration:ehs_couple_children_share_mortgaged_eng_2009_10"
_OWNER_HOUSEHOLD_CHECKS = {
    ("outright", "single"): f"assumption; {_EHS_OWNERS_2009} (27% of outright owners are one "
                            "person aged 60 or over, EHS 2009-10)",
    ("outright", "couple_children"): f"; {_EHS_OWNERS_2009} (0.065 of outright owners, EHS "
                                     "2009-10)",
    ("mortgaged", "couple_children"): f"; {_EHS_OWNERS_2009} (0.38 of mortgagors, EHS "
                                      "2009-10)"}
# Council-tax bands within each tenure (A, B, C, D and above): assumed, social and private
# rented homes mostly in band A, so that the place has a poor northern place's band mix.
_BANDS_BY_TENURE = {"outright": (0.40, 0.18, 0.20, 0.22),
                    "mortgaged": (0.38, 0.22, 0.22, 0.18),
                    "social_rent": (0.80, 0.15, 0.04, 0.01),
                    "private_rent": (0.70, 0.18, 0.08, 0.04)}
# (in work, median earnings GBP a week, no savings, median savings GBP) by tenure
_MONEY_BY_TENURE = {"outright": (0.85, 420.0, 0.15, 12_000.0),
                    "mortgaged": (0.95, 620.0, 0.29, 5_000.0),
                    "social_rent": (0.45, 320.0, 0.72, 800.0),
                    "private_rent": (0.80, 430.0, 0.48, 2_000.0)}
# The published figures each assumed money input was checked against; the rows record
# the known differences (ASHE's pay, the Wealth and Assets Survey's financial wealth).
_EMPLOYMENT_SOURCES = {
    "outright": "assumption; calibration:ehs_working_share_mortgaged_eng_2009_10 (61% of "
                "outright owners are retired, EHS 2009-10)",
    "mortgaged": "calibration:ehs_working_share_mortgaged_eng_2009_10 (0.90 in work and 0.04 "
                 "retired, EHS 2009-10)"}
_EARNINGS_SOURCE = ("assumption; calibration:ashe_ft_median_weekly_pay_north_east_2023 "
                    "(North East full-time median GBP 600: a known difference)")
_NO_SAVINGS_CHECK = ("; calibration:frs_savings_none_share_uk_2021_22 (FRS: 0.13 with none, "
                     "0.26 under GBP 1,500)")
_SAVINGS_SOURCE = ("assumption; calibration:was_median_financial_wealth_gb_2020_22 (Great "
                   "Britain's median net financial wealth GBP 10,400: a known difference)")
# (median GBP a week, spread in log GBP, source) of each tenure's housing cost
_HOUSING_COSTS = {
    "mortgaged": (140.0, 0.4, "assumption; calibration:ehs_mortgagors_income_share_on_housing "
                  "(mortgagors spend 18% of their income on housing); "
                  "calibration:ehs_mortgage_payment_median_eng_2022_23 (England's median 173: "
                  "a known difference)"),
    "social_rent": (92.0, 0.15, "calibration:social_rent_median_new_lets_eng_2023_24 (England "
                    "103; Yorkshire and the Humber, the lowest region, 91)"),
    "private_rent": (150.0, 0.3, "calibration:private_rent_north_east_new_lets_2024 (665 a "
                     "month: 153 a week)")}


def _household_source(tenure: str, household: str) -> str:
    """The published share with children, where the type has children, and the older
    survey figures the owners' assumed split was checked against."""
    check = _OWNER_HOUSEHOLD_CHECKS.get((tenure, household), "")
    if household in HOUSEHOLDS[2:]:
        return (f"calibration:{_CHILDREN_SOURCE[tenure]} (with children: lone parents and "
                f"couples with children together){check}")
    return check or "assumption"


def population_fields() -> tuple[Field, ...]:
    """The starting population, drawn jointly: tenure first, then each household's type,
    work, earnings, housing cost and savings from its tenure's table."""
    fields = [_p(f"share_{t}", share, f"Share of households that are {_TENURE_WORDS[t]}.",
                 source) for t, (share, source) in _TENURE_SHARES.items()]
    for t, shares in _HOUSEHOLDS_BY_TENURE.items():
        fields += [_p(f"{t}_{h}", share, f"Share of {_TENURE_WORDS[t]} who are "
                      f"{_HOUSEHOLD_WORDS[h]}.", _household_source(t, h))
                   for h, share in zip(HOUSEHOLDS, shares, strict=True)]
    fields += [_p(f"employment_{t}", money[0], f"Share of {_TENURE_WORDS[t]} in work at "
                  "the start (an earner's income: the model has no pensions, so a retired "
                  "household with a private pension counts as one in work).",
                  _EMPLOYMENT_SOURCES.get(t, "assumption"))
               for t, money in _MONEY_BY_TENURE.items()]
    fields += [_f(f"earnings_median_{t}", money[1], "GBP per week", 0.0, 5_000.0,
                  f"Median weekly earnings at full hours of {_TENURE_WORDS[t]}, in work or "
                  "not; ordered as the English Housing Survey's household incomes by tenure "
                  "(a draw above GBP 20,000 a week is held at it).", _EARNINGS_SOURCE)
               for t, money in _MONEY_BY_TENURE.items()]
    fields.append(_f("earnings_sigma", 0.5, "log GBP", 0.0, 3.0,
                     "Spread of log earnings within a tenure (log-normal)."))
    for t, (median, sigma, source) in _HOUSING_COSTS.items():
        what = "mortgage payment" if t == "mortgaged" else "rent"
        fields += [_f(f"housing_cost_median_{t}", median, "GBP per week", 0.0, 2_000.0,
                      f"Median weekly {what} of {_TENURE_WORDS[t]} (a draw above GBP 5,000 a "
                      "week is held at it).", source),
                   _f(f"housing_cost_sigma_{t}", sigma, "log GBP", 0.0, 3.0,
                      f"Spread of the log {what} of {_TENURE_WORDS[t]} (log-normal).")]
    fields += [_p(f"no_savings_{t}", money[2], f"Share of {_TENURE_WORDS[t]} with no "
                  "savings at the start.",
                  f"calibration:ehs_savings_share_{t}_eng_2023_24 ({1.0 - money[2]:.0%} "
                  f"have savings){_NO_SAVINGS_CHECK}")
               for t, money in _MONEY_BY_TENURE.items()]
    fields += [_f(f"savings_median_{t}", money[3], "GBP", 0.0, 1_000_000.0,
                  f"Median savings of {_TENURE_WORDS[t]} who have any (a draw above GBP 10 "
                  "billion is held at it).", _SAVINGS_SOURCE)
               for t, money in _MONEY_BY_TENURE.items()]
    return (*fields,
            _f("savings_sigma", 1.5, "log GBP", 0.0, 5.0,
               "Spread of log savings among those who have any (log-normal)."),
            _p("takeup_initial", 0.8, "Share of those entitled to benefits who claim them "
               "at the start.",
               "calibration:pension_credit_takeup_caseload, note (housing benefit take-up "
               "0.8); calibration:pension_credit_takeup_caseload_fye2022 (pensioners' Pension "
               "Credit 0.63)"),
            _f("engagement_mean", 0.6, "fraction", 0.01, 0.99,
               "Mean engagement: the propensity to open letters, answer and ask for help."),
            _f("engagement_concentration", 4.0, "beta a+b", 0.1, 1_000.0,
               "Spread of engagement: drawn normal with the mean and variance of a beta "
               "distribution of this concentration, clipped to 0.01-0.99 (higher = less "
               "spread)."),
            _p("trust_initial", 0.5, "Initial trust in public services."))


def band_fields() -> tuple[Field, ...]:
    """Each tenure's council-tax bands (A or below, B, C, D or above)."""
    ends = {"a": " or below", "d": " or above"}
    return tuple(_p(f"{t}_band_{b}", share, f"Share of the homes of {_TENURE_WORDS[t]} in "
                    f"band {b.upper()}{ends.get(b, '')}.",
                    "assumption; calibration:ct_band_a_share_manchester_2024 (the place's "
                    "band A share); calibration:ct_band_a_share_gateshead_2025 (Gateshead's "
                    "bands: a known difference); calibration:ct_band_a_share_north_east_2024")
                 for t, shares in _BANDS_BY_TENURE.items()
                 for b, share in zip(BANDS, shares, strict=True))


SECTIONS: dict[str, tuple[Field, ...]] = {
    "place": (
        _i("citizens", 20_000, "people", 100, 50_000_000, "Number of citizens simulated."),
        _i("weeks", 156, "weeks", 1, 2_600, "Length of the run."),
        _i("burn_in_weeks", 156, "weeks", 0, 520,
           "Weeks the place is run under the status quo (the target regime) before week "
           "0, so that the run starts from a place in its steady state: debts, ladders, "
           "troubles, queues, care and temporary accommodation as they stand in any "
           "other week. Left out of every output; every regime starts from it."),
        _i("seed", 1, "integer", 0, 2**62, "Seed of the counter-based random generator."),
        _i("journeys", 50, "people", 0, 100_000,
           "Citizens whose state is recorded every week (evenly spaced ids, so the same "
           "people under every regime)."),
    ),
    "population": population_fields(),
    "life": (
        _p("job_loss", 0.003, "Weekly hazard of losing work (baseline)."),
        _p("job_find", 0.035, "Weekly chance of finding work when out of work."),
        _p("illness", 0.003, "Weekly hazard of falling ill (baseline)."),
        _p("illness_recovery", 0.04, "Weekly chance of recovering from illness."),
        _p("caring_crisis", 0.002, "Weekly hazard of a caring crisis (baseline)."),
        _p("caring_recovery", 0.03, "Weekly chance a caring crisis is resolved."),
        _p("housing_trouble", 0.002, "Weekly hazard of housing trouble (baseline)."),
        _p("housing_recovery", 0.05, "Weekly chance housing trouble is resolved."),
        _f("cascade", 0.8, "hazard multiplier per domain", 0.0, 10.0,
           "Added hazard per other life domain already in trouble."),
        _f("stress_hazard", 1.5, "hazard multiplier", 0.0, 10.0,
           "Added hazard at full stress."),
        _f("rent_arrears_housing_hazard", 0.1, "hazard multiplier per week of rent owed",
           0.0, 10.0, "Added housing-trouble hazard per week of rent in arrears."),
        _p("illness_earnings_loss", 0.4, "Share of earnings lost while ill."),
        _p("caring_earnings_loss", 0.5, "Share of earnings lost in a caring crisis."),
        _f("eviction_rent_weeks", 12.0, "weeks of rent", 0.0, 104.0,
           "Rent arrears, in weeks of rent, from which eviction is possible."),
        _p("eviction", 0.0027, "Weekly chance of eviction once past the threshold and in "
           "housing trouble." + CALIBRATED,
           "calibration:landlord_repossessions_per_10k_renting_households_ew (27.6 per "
           "10,000 renting households a year)"),
        _i("homeless_weeks", 88, "weeks", 1, 255,
           "Weeks spent in temporary accommodation after an eviction: 52 x the mean stay "
           "in years (Little's law: stock over yearly flow, docs/calibration.md).",
           "calibration:ta_mean_stay_years_derived (1.7 years; L)"),
        _p("ae_attendance", 0.16, "Weekly chance of an A&E attendance while ill, at no "
           "stress (doubles at full stress)." + CALIBRATED,
           "calibration:ae_attendances_per_household_eng_2024 (1.1 a household a year)"),
        _p("family_trouble", 0.002, "Weekly hazard of family trouble: relationship "
           "breakdown, conflict, a child struggling (baseline)."),
        _p("family_recovery", 0.03, "Weekly chance family trouble settles."),
        _p("mh_crisis", 0.00122, "Weekly chance of a mental-health crisis while ill, at full "
           "stress (none without stress); a crisis is what the statistic counts: a new "
           "detention under the Mental Health Act." + CALIBRATED,
           "calibration:mha_detentions_per_10k_households_eng (21 per 10,000 households a "
           "year)"),
        _p("care_entry", 0.0036, "Weekly chance a child of a family in trouble is taken "
           "into care, at full stress." + CALIBRATED,
           "calibration:cla_starts_per_10k_households_eng (13.4 per 10,000 households a "
           "year)"),
        _i("care_weeks", 132, "weeks", 1, 255, "Weeks a child taken into care stays there: "
           "52 x the mean stay in years (Little's law: children looked after over starts "
           "a year, docs/calibration.md).",
           "calibration:cla_mean_duration_years_derived (2.53 years)"),
        _p("police_callout", 0.01, "Weekly chance police are called to a family in trouble, "
           "at half stress (x 0.5 + stress)."),
        _p("lapse", 0.002, "Weekly chance that a citizen who could pay forgets or "
           "fails to pay, at full disengagement."),
    ),
    "money": (
        _f("living_single", 80.0, "GBP per week", 0.0, 5_000.0,
           "Essential living costs (without rent and council tax): single adult. Set "
           "near the benefit allowance: poor households spend what they have."),
        _f("living_couple", 125.0, "GBP per week", 0.0, 5_000.0,
           "Essential living costs: couple."),
        _f("living_lone_parent", 140.0, "GBP per week", 0.0, 5_000.0,
           "Essential living costs: lone parent."),
        _f("living_couple_children", 185.0, "GBP per week", 0.0, 5_000.0,
           "Essential living costs: couple with children."),
        _p("other_debt_repayment", 0.03, "Share of other debt repaid each week when cash "
           "allows."),
        _p("discretionary_spending", 1.0, "Share of the cash a household holds above its "
           "savings buffer (the savings it was drawn to hold) that it spends each week, "
           "after essentials, bills and debts: 1 keeps the drawn savings distribution the "
           "place's steady state; below 1, savings above the buffer build up to about the "
           "weekly surplus x (1 - share) / share.",
           "calibration:mpc_small_windfall_low_liquidity_norway (low-liquidity winners of "
           "small lottery prizes spend all within the year)"),
    ),
    "benefits": (
        _f("allowance_single", 91.0, "GBP per week", 0.0, 2_000.0,
           "Standard allowance, single adult (UC 2024-25: 393.45 per month).",
           "DWP Universal Credit rates 2024-25"),
        _f("allowance_couple", 143.0, "GBP per week", 0.0, 2_000.0,
           "Standard allowance, couple (UC 2024-25: 617.60 per month).",
           "DWP Universal Credit rates 2024-25"),
        _f("allowance_lone_parent", 157.0, "GBP per week", 0.0, 2_000.0,
           "Standard allowance plus child element, lone parent.",
           "DWP Universal Credit rates 2024-25"),
        _f("allowance_couple_children", 209.0, "GBP per week", 0.0, 2_000.0,
           "Standard allowance plus child element, couple with children.",
           "DWP Universal Credit rates 2024-25"),
        _p("housing_cover", 0.95, "Share of rent covered by housing support."),
        _p("taper", 0.55, "Benefit withdrawn per pound earned.",
           "DWP Universal Credit taper rate (55%)"),
        _f("work_allowance", 93.0, "GBP per week", 0.0, 2_000.0,
           "Earnings disregarded for households with children (UC: 404 per month).",
           "DWP Universal Credit rates 2024-25"),
        _p("cts_max_share", 0.8, "Largest share of council tax met by council-tax "
           "support (working-age schemes ask a minimum payment)."),
        _p("cts_taper", 0.2, "Support withdrawn per pound earned above the allowance."),
        _p("claim", 0.06, "Weekly chance that an engaged citizen with an unclaimed "
           "entitlement claims (scaled by engagement)."),
        _p("report_change", 0.15, "Weekly chance that an engaged citizen reports a change "
           "of circumstances (scaled by engagement)."),
        _f("wrong_tolerance", 5.0, "GBP per week", 0.0, 1_000.0,
           "Gap between award and entitlement above which an award counts as wrong."),
        _i("lead_weeks", 5, "weeks", 0, 52,
           "Minimum weeks from a claim to its decision on the standard route.",
           "calibration:uc_first_payment_wait_weeks"),
        _p("error_rate", 0.30, "Chance a standard-route decision is wrong (at average "
           "assessor skill). The Gateshead story tells of 80% (anecdotal).",
           "assumption; calibration:dwp_fix_old_weeks note (80%, anecdotal); "
           "calibration:uc_claims_incorrect_share_2022_23 (a third of Universal Credit claims "
           "paid wrongly)"),
        _p("error_shortfall", 0.30, "Share of entitlement missed by a wrong decision."),
        _f("assessors_per_10k", 10.0, "FTE per 10,000 citizens", 0.0, 1_000.0,
           "Benefit assessors."),
        _f("assessor_hours", 30.0, "hours per week", 0.0, 80.0,
           "Hours per assessor available for decisions."),
        _f("hours_per_decision", 2.5, "hours", 0.01, 100.0,
           "Assessor hours per standard-route decision."),
        _i("target_weeks", 8, "weeks", 0, 520,
           "The service's target: claims decided within this many weeks of being made."),
        _p("target_share", 0.9, "Share of decisions the service must make within "
           "target_weeks. Short of it, under payment by results, it games (at its gaming "
           "levers' strength).", "assumption; calibration:uc_paid_on_time_2020 (context)"),
        _i("chase_after_weeks", 4, "weeks", 0, 104,
           "Weeks of waiting after which a claimant starts chasing."),
        _p("chase", 0.25, "Weekly chance a waiting claimant chases (failure demand)."),
    ),
    "council_tax": (
        _f("band_d_annual", 2_300.0, "GBP per year", 0.0, 20_000.0,
           "Band D council tax (bands A-C are 6/9, 7/9, 8/9 of it).",
           "assumption: order of a North-East England band D, 2024-25; "
           "calibration:ct_band_d_gateshead (Gateshead's: a known difference)"),
    ) + band_fields() + (
        _f("flag_weeks_owed", 1.0, "weeks of liability", 0.0, 52.0,
           "Arrears, in weeks of liability, that raise the arrears flag (first reminder)."),
    ),
    "recovery": (
        _i("weeks_reminder", 2, "weeks", 1, 52, "Weeks from reminder to final notice."),
        _i("weeks_final_notice", 2, "weeks", 1, 52, "Weeks from final notice to summons."),
        _i("accelerate", 1, "switch", 0, 1,
           "1: with the summons the rest of the financial year's council tax falls due at "
           "once (the right to pay by instalments is lost; the year starts at week 0); "
           "0: only the weeks already missed are owed.",
           "Council Tax (Administration and Enforcement) Regulations 1992, reg. 23"),
        _i("weeks_summons", 3, "weeks", 1, 52,
           "Weeks from summons to liability order (hearing at least 14 days on)."),
        _i("weeks_liability_order", 2, "weeks", 1, 52,
           "Weeks from liability order to referral to an enforcement agent."),
        _i("weeks_compliance", 2, "weeks", 1, 52,
           "Weeks of the compliance stage before a visit (at least 7 days).",
           "calibration:ea_min_days_notice_to_visit"),
        _i("weeks_enforcement", 12, "weeks", 1, 104,
           "Weeks of visits before the agent returns the case unpaid."),
        _p("respond_reminder", 0.67, "Chance of acting on a reminder (paying or asking "
           "for an arrangement) for a household of average engagement and starting "
           "trust, unstressed: share of late payers paying within about three weeks of "
           "a standard late-payment letter.", "calibration:letter_late_payment_control_paid"),
        _p("respond_final_notice", 0.67, "Chance of acting on a final notice (same scale; "
           "no trial separates it from the reminder).",
           "calibration:letter_late_payment_control_paid"),
        _p("respond_summons", 0.67, "Chance of acting on a summons (same scale; no trial "
           "separates it from the reminder).", "calibration:letter_late_payment_control_paid"),
        _p("respond_enforcement", 0.70, "Chance of acting on the threat of bailiffs (same "
           "scale)."),
        _f("stress_ignore_odds", 3.0, "odds ratio", 1.0, 20.0,
           "Odds of ignoring a letter at full stress over the odds unstressed (people with "
           "mental-health problems are 2-3 times as likely to be behind on council tax).",
           "calibration:mh_relative_risk_ct_arrears"),
        _f("liability_order_costs", 80.0, "GBP", 0.0, 1_000.0,
           "Court costs added to the debt with the liability order.",
           "calibration:lo_costs_added_low"),
        _f("court_fee", 0.5, "GBP per application", 0.0, 1_000.0,
           "Court fee paid by the council per liability-order application.",
           "calibration:lo_court_fee"),
        _i("plan_weeks_demanded", 12, "weeks", 1, 520,
           "Weeks in which a demand-led plan must clear the arrears."),
        _f("plan_min_instalment", 5.0, "GBP per week", 0.0, 1_000.0,
           "Smallest instalment accepted."),
        _i("plan_misses_to_break", 1, "missed instalments", 1, 52,
           "Missed instalments after which a plan is broken."),
        _f("fee_compliance", 75.0, "GBP", 0.0, 10_000.0, "Compliance stage fee.",
           "calibration:ea_fee_compliance"),
        _f("fee_enforcement", 235.0, "GBP", 0.0, 10_000.0, "Enforcement stage fee.",
           "calibration:ea_fee_enforcement"),
        _f("fee_sale", 110.0, "GBP", 0.0, 10_000.0, "Sale stage fee.",
           "calibration:ea_fee_sale"),
        _p("fee_percent", 0.075, "Extra fee on the sum above the threshold (enforcement "
           "and sale stages).", "calibration:ea_pct_fee_over_threshold"),
        _f("fee_threshold", 1_500.0, "GBP", 0.0, 1_000_000.0,
           "Sum above which the percentage fee applies.", "calibration:ea_pct_threshold"),
        _p("visit_contact", 0.35, "Chance a weekly visit finds the debtor at home."),
        _p("sale", 0.02, "Weekly chance, after a visit finding nobody, that goods are "
           "removed for sale."),
        _f("goods_value", 150.0, "GBP", 0.0, 100_000.0,
           "What a sale of a poor household's goods raises."),
        _f("attachment", 4.7, "GBP per week", 0.0, 1_000.0,
           "Deduction from benefits once the agent has returned a case unpaid."),
    ),
    "relational": (
        _f("caseworkers_per_10k", 20.0, "FTE per 10,000 citizens", 0.0, 1_000.0,
           "Caseworkers in the relational team."),
        _f("hours_per_case", 1.5, "hours per case-week", 0.0, 40.0,
           "Caseworker time for each active case each week."),
        _p("outreach", 0.4, "Weekly chance an outreach call or visit reaches a trusting, "
           "unstressed citizen."),
        _f("relationship_growth", 0.25, "per week", 0.0, 1.0,
           "Growth of the relationship per engaged week at average skill and trust."),
        _p("discovery_threshold", 0.6, "Relationship strength at which the real causes "
           "are found."),
        _f("specialists_per_10k", 0.5, "FTE per 10,000 citizens", 0.0, 1_000.0,
           "Benefits specialists embedded in the team."),
        _f("specialist_hours", 30.0, "hours per week", 0.0, 80.0,
           "Hours per specialist available for fixes."),
        _f("hours_per_fix", 2.0, "hours", 0.01, 100.0,
           "Specialist hours to put an award right with the citizen.",
           "calibration:dwp_fix_new_hours (anecdotal)"),
        _p("specialist_accuracy", 0.98, "Chance a specialist fix is right.",
           "calibration:dwp_fix_new_hours note (100% success, anecdotal)"),
        _f("recovery_boost", 1.5, "recovery multiplier", 0.0, 20.0,
           "Added recovery chance in every life domain once the causes are found and "
           "the team connects specialists."),
        _f("stress_relief", 0.25, "stress", 0.0, 1.0,
           "Stress relieved by holding a relationship with a worker."),
        _p("affordability_share", 0.5, "Share of weekly surplus asked as an affordable "
           "instalment."),
        _i("close_after_stable_weeks", 8, "weeks", 1, 520,
           "Stable weeks after which a case is closed."),
        _i("max_case_weeks", 26, "weeks", 1, 520, "Longest a case stays open."),
        _i("review_weeks", 13, "weeks", 1, 520,
           "Length of the team's learning cycle: how often it reviews its experiment."),
        _i("cap_step", 2, "cases per caseworker", 0, 50,
           "How far the team moves its caseload cap in one experiment."),
        _i("cap_min", 5, "cases per caseworker", 1, 500,
           "Lowest caseload cap the team will try."),
        _i("cap_max", 30, "cases per caseworker", 1, 500,
           "Highest caseload cap the team will try."),
    ),
    "wellbeing": (
        _f("stress_rate", 0.2, "per week", 0.0, 1.0,
           "Speed at which stress moves toward its pressure."),
        _f("debt_pressure_weeks", 8.0, "weeks of income", 0.01, 520.0,
           "Debt, in weeks of income, at which debt pressure is full."),
        _p("debt_weight", 0.5, "Weight of debt in stress pressure."),
        _p("domain_weight", 0.12, "Weight of each life domain in trouble in stress "
           "pressure."),
        _p("threat_stress", 0.15, "Stress pressure from an enforcement contact."),
        _p("threat_trust_loss", 0.05, "Trust lost to a threatening letter or visit, at "
           "full threat tone."),
        _p("relationship_trust_gain", 0.05, "Trust gained per engaged week with a worker."),
        _f("trust_drift", 0.01, "per week", 0.0, 1.0,
           "Speed at which trust returns to its initial level."),
        _f("wellbeing_rate", 0.1, "per week", 0.0, 1.0,
           "Speed at which wellbeing (0-10) follows 10 x (1 - stress) less domain trouble."),
    ),
    "revenues": (
        _f("officers_per_10k", 2.0, "FTE per 10,000 citizens", 0.0, 1_000.0,
           "Council-tax revenues officers: they answer letters, prepare summonses and pass "
           "cases to enforcement agents. Their staffed hours are the capacity the "
           "revenues team's work (revenues_utilisation) is set against."),
        _f("officer_hours", 30.0, "hours per week", 0.0, 80.0,
           "Working hours of a revenues officer a week."),
    ),
    "costs": (
        _f("letter", 0.85, "GBP per letter", 0.0, 100.0, "Printing and postage."),
        _f("contact_minutes", 8.0, "minutes", 0.0, 600.0,
           "Staff time a telephone contact or triage call takes (handling and after-call "
           "work), costed at the hourly cost of the staff of the service contacted: "
           "failure demand costs the hours it takes. For scale, the channel cost of a "
           "council phone contact (2.83 GBP in 2011) is about 6 minutes of a 30 GBP an "
           "hour officer.", "assumption; calibration:cost_contact_phone (scale)"),
        _f("face_to_face_contact", 8.62, "GBP per contact", 0.0, 1_000.0,
           "Cost of a face-to-face contact.", "calibration:cost_contact_f2f"),
        _f("revenues_hour", 30.0, "GBP per hour", 0.0, 1_000.0,
           "Fully loaded hourly cost of a revenues officer."),
        _f("benefits_hour", 30.0, "GBP per hour", 0.0, 1_000.0,
           "Fully loaded hourly cost of a benefit assessor."),
        _f("relational_hour", 35.0, "GBP per hour", 0.0, 1_000.0,
           "Fully loaded hourly cost of a caseworker or specialist."),
        _f("summons_hours", 0.25, "hours", 0.0, 100.0,
           "Officer time to prepare a liability-order application."),
        _f("referral_hours", 0.15, "hours", 0.0, 100.0,
           "Officer time to pass a case to an enforcement agent."),
        _f("ae_attendance", 114.0, "GBP per attendance", 0.0, 100_000.0,
           "A&E attendance not admitted.", "calibration:ae_attendance_not_admitted"),
        _f("temporary_accommodation", 671.0, "GBP per week", 0.0, 100_000.0,
           "Public cost of a homeless household (8630 per 90 days).",
           "calibration:homeless_public_cost_90d"),
        _f("mh_crisis", 1_500.0, "GBP per crisis", 0.0, 1_000_000.0,
           "Health cost of a mental-health crisis (crisis team, A&E, short admission)."),
        _f("care_week", 600.0, "GBP per week", 0.0, 100_000.0,
           "Social-care cost of a child in foster care.", "calibration:foster_care_week"),
        _f("police_callout", 250.0, "GBP per call-out", 0.0, 100_000.0,
           "Police cost of attending a call-out (officer time, custody, paperwork)."),
        _f("ta_stay_weeks", 88.0, "weeks", 1.0, 2_600.0,
           "Mean remaining stay of a household in temporary accommodation at the end of a "
           "run, for the costs it has committed (1.7 years: stock over yearly "
           "main-duty acceptances, England 2024). Read after a run only.",
           "calibration:ta_mean_stay_years_derived"),
        _f("care_stay_weeks", 132.0, "weeks", 1.0, 2_600.0,
           "Mean remaining stay of a child in care at the end of a run, for the costs it "
           "has committed (2.53 years: children looked after over yearly starts, England "
           "2024). Read after a run only.", "calibration:cla_mean_duration_years_derived"),
        _f("team_setup", 6_500.0, "GBP per caseworker", 0.0, 1_000_000.0,
           "One-off cost of setting up a relational team, per caseworker, in the week it "
           "takes its first case: recruiting and inducting (workforce.recruitment) and "
           "about two weeks' training at costs.relational_hour. No published set-up cost "
           "of the Gateshead team was found; for scale, the Troubled Families programme "
           "cost 5,214 GBP per family (calibration.csv: troubled_families_cost_per_family"
           "_2015). Read after a run only."),
        _f("team_management", 0.2, "share of casework cost", 0.0, 10.0,
           "Management and support added to a relational team's casework cost (team "
           "leaders, supervision, administration): about one team leader to five "
           "caseworkers. Read after a run only."),
    ),
    "demand": (
        _p("ask", 0.05, "Weekly chance that an engaged citizen in trouble in some life domain "
           "asks a service for help with it (scaled by engagement)."),
        _p("right_door", 0.6, "Chance that a citizen asks the service that owns the domain; "
           "otherwise the request arrives at another service (a wrong door)."),
        _p("signpost_connect", 0.5, "Chance that a citizen signposted from a wrong door gets "
           "to the right service on their own; the rest are lost until they ask again."),
        _i("give_up_weeks", 12, "weeks", 1, 520,
           "Weeks a citizen waits for a service before giving up on every request they "
           "have made (they may ask again: failure demand)."),
    ),
    "housing": service_fields(
        "housing options officers", 2.0, 3.0, 30.0, 0, 0.1,
        gate=("gate", 8.0, "weeks of rent", 0.0, 104.0,
              "Eligibility gate at full strength: rent arrears, in weeks of rent, below which "
              "a request is turned away as not yet threatened with homelessness."),
        early=(300.0, "Cost of helping a household whose housing trouble is still early "
               "(arrears below the gate): advice, a call to the landlord, a budget.",
               "assumption"),
        late=(1_558.0, "Cost of preventing homelessness for a household at or past the "
              "gate.", "calibration:homeless_prevented_cost"),
    ) + (
        _f("arrears_payment", 500.0, "GBP", 0.0, 100_000.0,
           "Most that housing help pays off rent arrears (a discretionary housing payment), "
           "on top of the help's cost and counted in housing spend."),
    ),
    "health": service_fields(
        "GP and community mental-health clinicians (for the troubles modelled)", 2.0, 1.5,
        60.0, 2, 0.3,
        gate=("gate", 0.3, "stress", 0.0, 1.0,
              "Threshold of the mental-health service at full strength: stress below which "
              "a request gets a GP appointment (early help) and no more."),
        early=(42.0, "GP appointments and a prescription for an illness seen early.",
               "assumption: order of a GP consultation (PSSRU unit costs)"),
        late=(800.0, "A course of community mental-health treatment.", "assumption"),
    ),
    "social_care": service_fields(
        "social workers and early-help workers", 6.0, 6.0, 40.0, 3, 0.3,
        gate=("gate", 0.6, "stress", 0.0, 1.0,
              "Statutory threshold at full strength: family stress below which a request "
              "is turned away as not meeting the threshold."),
        early=(500.0, "An early-help episode for a family whose trouble is still early.",
               "assumption"),
        late=(4_800.0, "Intensive family support once past the threshold (3 months at "
              "1,600 a month).", "calibration:ifs_cost_per_family_month (x 3 months)"),
    ),
    "vcs": service_fields(
        "voluntary and community sector advisers (work, debt and welfare advice)", 1.0, 3.0,
        20.0, 0, 0.4,
        gate=("gate", 0.0, "stress", 0.0, 1.0,
              "Threshold of the voluntary sector (none by default: anyone may come)."),
        early=(50.0, "Advice and a warm hand to a job, a course or a debt plan.",
               "assumption"),
        late=(150.0, "Longer support for someone whose trouble is deep.", "assumption"),
    ),
    "police": (
        _p("refer", 0.3, "Chance that a call-out to a family in trouble is passed to social "
           "care as a welfare concern (the referral then connects as any hand-off does)."),
    ),
    "family": (
        _p("linked_share", 0.5, "Chance that a citizen is kin of the citizen before them "
           "(families are runs of up to family.max_size citizens)."),
        _i("max_size", 4, "people", 1, 8, "Largest family (kin living in the place)."),
        _f("spillover", 0.5, "hazard multiplier per domain", 0.0, 10.0,
           "Added hazard in every domain, per life domain that fell into trouble for a "
           "family member last week."),
        _f("caring_spillover", 3.0, "hazard multiplier", 0.0, 50.0,
           "Added caring-crisis hazard when a family member fell ill last week."),
    ),
    "system": (
        _p("culture", 0.5, "Agency culture: 0 bureaucratic, 1 participative. Sets how "
           "quickly a dated policy change is adopted and whether working together builds "
           "relationships between agencies."),
        _f("adoption_weeks", 26.0, "weeks", 0.0, 520.0,
           "Time constant of adopting a dated change in a fully bureaucratic culture "
           "(x (1 - culture); a fully participative one adopts at once)."),
        _p("partnership", 0.3, "Initial strength of relationships between agencies: the "
           "chance a referral made by a service connects, rather than being a signpost."),
        _f("partnership_rate", 0.02, "per week", 0.0, 1.0,
           "Speed at which inter-agency relationships move toward their level: initial "
           "plus (1 - initial) x multi_agency x culture."),
    ),
    "commissioning": (
        _i("review_weeks", 13, "weeks", 1, 520,
           "Length of a commissioning round: how often budgets between services are "
           "reviewed."),
        _p("max_shift", 0.1, "Largest share of a service's staffing budget moved in one "
           "round."),
        _p("floor", 0.25, "Smallest staffing budget of a service, as a share of its "
           "starting budget."),
        _p("target_resolution", 0.7, "Each service's target: the share of its cases it "
           "reports resolved. Short of it, and with budgets following the figure, a "
           "service games (at its gaming levers' strength)."),
    ),
    "workforce": (
        _p("turnover", 0.16, "Yearly chance a worker leaves, at no stress.",
           "calibration:sw_turnover"),
        _f("stress_turnover", 3.0, "turnover multiplier", 0.0, 50.0,
           "Added turnover at full stress (at 3, a fully stressed worker is four times as "
           "likely to leave)."),
        _f("stress_rate", 0.1, "per week", 0.0, 1.0,
           "Speed at which a worker's stress follows the pressure of their load."),
        _f("comfortable_load", 0.8, "share of capacity", 0.0, 5.0,
           "Load (caseload over cap, or decisions over capacity) that causes no stress."),
        _f("stress_per_load", 2.0, "stress per unit of load", 0.0, 20.0,
           "Stress pressure per unit of load above the comfortable load."),
        _f("learning_rate", 0.02, "per week", 0.0, 1.0,
           "Speed at which skill grows with experience toward its ceiling (0.5 + 0.5 x "
           "motivation)."),
        _p("new_skill", 0.3, "Skill of a newly recruited worker."),
        _p("motivation_ordinary", 0.5, "Intrinsic motivation an ordinary worker returns to."),
        _p("motivation_volunteer", 0.8, "Intrinsic motivation of a worker who volunteered "
           "for the team."),
        _p("volunteers", 0.0, "Share of relational caseworkers who volunteered (a pilot "
           "team is all volunteers; a roll-out staffs ordinary teams)."),
        _i("spotlight_weeks", 0, "weeks", 0, 2_600,
           "Weeks a pilot runs under a spotlight: attention lifts motivation (the "
           "Hawthorne effect)."),
        _p("spotlight_boost", 0.15, "Motivation added while under the spotlight."),
        _f("motivation_rate", 0.05, "per week", 0.0, 1.0,
           "Speed at which motivation returns to its level."),
        _p("burnout", 0.3, "Motivation lost at full stress."),
        _f("recruitment", 4_000.0, "GBP per hire", 0.0, 1_000_000.0,
           "Cost of recruiting and inducting a replacement worker."),
        _p("bending_speedup", 0.5, "Share of the time a case or decision takes that is cut "
           "at full effort bending (work done to be counted, not to be right)."),
        _p("bending_error", 0.3, "Added chance, at full effort bending, that help fails or "
           "a decision is wrong. Social workers report 80% of their time on recording.",
           "assumption; calibration:sw_admin_share (context)"),
    ),
    "outcomes": (
        _i("turned_around_weeks", 12, "weeks", 1, 520,
           "Consecutive stable weeks for a flagged life to count as turned around."),
        _p("stable_stress", 0.45, "Stress below which a week can count as stable."),
    ),
}

# The regime presets (target, learning) are data: presets.toml beside this module. A
# lever's default is its value in the target preset.
PRESETS_FILE = "presets.toml"
_PRESETS_READ: dict[str, Any] = tomllib.loads(
    resources.files("placesim.scenario").joinpath(PRESETS_FILE).read_text("utf-8"))


def _lever(name: str, doc: str, unit: str = "probability", low: Number = 0.0,
           high: Number = 1.0, kind: type = float) -> Field:
    """A lever of the regime, defaulting to its value in the target preset."""
    return Field(name, kind(_PRESETS_READ["target"][name]), unit, low, high, doc,
                 kind=kind)


REGIME_LEVERS: tuple[Field, ...] = (
    _lever("relational_share", "Share of flagged cases offered to the relational team."),
    _lever("pause_enforcement", "Share of engaged cases whose recovery ladder is paused."),
    _lever("plan_affordability", "0: plans demand the arrears within a set time; "
           "1: plans are set from what the household can afford."),
    _lever("specialist_share", "Share of benefit fixes done by the in-team specialist "
           "rather than the standard route."),
    _lever("threat_tone", "How threatening letters and visits are (scales trust loss)."),
    _lever("experiments", "How far the relational team experiments with its practice "
           "(its caseload cap): 0 keeps the cap the regime sets; 1 moves it by "
           "relational.cap_step each review, keeping changes that improve outcomes for "
           "people."),
    _lever("eligibility_gate", "Strength of every service's eligibility gate: 1 turns away "
           "requests below the service's gate; 0 helps whoever asks."),
    _lever("effort_bending", "How far workers' effort bends toward what is counted (cases "
           "closed, decisions made): each case takes less time (workforce.bending_speedup) "
           "and help fails more often (workforce.bending_error)."),
    _lever("cream_skimming", "Gaming by cream-skimming: the benefits service keeps this "
           "share of its decisions for claims that can still meet the target; services "
           "turn away complex requests (two or more domains in trouble) with this chance."),
    _lever("closing_early", "Gaming by closing early: chance that a case whose help did "
           "not work is closed and reported as resolved."),
    _lever("reclassifying", "Gaming by reclassifying: chance that a late benefit decision "
           "is booked as on time (the clock stopped while evidence was requested)."),
    _lever("no_wrong_door", "0: a wrong door signposts (the citizen must find the right "
           "service); 1: whoever is contacted holds the person and refers them on, and the "
           "referral connects as strongly as agencies' relationships allow."),
    _lever("multi_agency", "Chance that a relational team's referral goes to a colleague "
           "from that agency inside the team: a warm referral that no gate turns away. "
           "Working together also builds relationships between agencies (see system)."),
    _lever("payment_by_results", "Weight commissioners give to each service's reported "
           "resolution rate when they move budgets between services."),
    _lever("pooled_budget", "Weight commissioners give to unmet need (requests turned "
           "away, lost or waiting) when they move a pooled place budget between services."),
    _lever("caseload_cap", "Most cases a relational caseworker holds at once. The team "
           "starts from it and, as far as regime.experiments lets it, learns a cap of its "
           "own; a change of this lever resets the team's cap.", "cases per caseworker",
           1, 500, int),
)


def _presets() -> dict[str, dict[str, Number]]:
    """The presets as read from presets.toml, each checked to set every lever in range."""
    levers = {f.name: f for f in REGIME_LEVERS}
    presets, problems = {}, []
    for name, table in _PRESETS_READ.items():
        if set(table) != set(levers):
            problems.append(f"{name}: sets {sorted(set(table) ^ set(levers))} differently "
                            "from the levers")
            continue
        problems += [f"{name}.{key}: {why}" for key, value in table.items()
                     if (why := check_value(levers[key], value))]
        presets[name] = {key: levers[key].kind(table[key]) for key in levers}
    if problems:
        raise ValueError(f"{PRESETS_FILE} is broken: " + "; ".join(problems))
    return presets


REGIME_PRESETS: dict[str, dict[str, Number]] = _presets()

# Where a field that moved now lives, so an older file is told where to put it; and
# why a field that was removed is gone.
MOVED = {"relational.caseload_cap": "regimes.NAME.caseload_cap (a lever of each regime)"}
_DRAWN_BY_TENURE = ("the starting population is drawn by tenure: set the tenure's own "
                    "value (population.share_TENURE, population.TENURE_HOUSEHOLD, "
                    "population.employment_TENURE, population.earnings_median_TENURE, "
                    "population.housing_cost_median_TENURE, population.no_savings_TENURE, "
                    "population.savings_median_TENURE, council_tax.TENURE_band_BAND; "
                    f"TENURE one of {', '.join(TENURES)}) and remove this one from the file")
REMOVED = {**dict.fromkeys(
    [f"population.share_{h}" for h in HOUSEHOLDS]
    + [f"council_tax.share_band_{b}" for b in BANDS]
    + [f"population.{name}" for name in ("employment_rate", "earnings_median", "rent_median",
                                         "rent_sigma", "share_no_savings", "savings_median")],
    _DRAWN_BY_TENURE),
    **dict.fromkeys(
    ("police.officers_per_10k", "police.officer_hours", "police.hours_per_callout"),
    "the police's capacity limited nothing (call-outs are not rationed), so it is no "
    "longer a parameter; remove it from the file"),
    "costs.phone_contact": "a contact is costed as the staff time it takes "
    "(costs.contact_minutes at the hourly cost of the service contacted); remove it from "
    "the file",
    "recovery.savings_taken": "what an enforcement agent collects now follows from what "
    "the household can pay (all its savings, then a plan it keeps while its income "
    "allows), not from a rate; remove it from the file"}

# The optional [cohort] table of a scenario: a cohort experiment (placesim.validation).
COHORT_FIELDS: tuple[Field, ...] = (
    _i("flag_week", 52, "week", 1, 2_000,
       "Week whose households entering the council-tax recovery process (a first "
       "reminder), whatever their history, form the cohort (after the start-up surge of "
       "reminders)."),
    _i("households", 50, "households", 1, 100_000,
       "Households in the cohort, drawn at random among those entering the recovery "
       "process that week (all of them when fewer)."),
    _i("follow_weeks", 104, "weeks", 1, 1_000, "Weeks the cohort is followed."),
    _i("replicates", 30, "runs", 2, 10_000,
       "Replicates (seeds place.seed, place.seed + 1, ...) for intervals across runs."),
)
COHORT_ARMS = ("control", "treatment")

SHARES_THAT_SUM_TO_ONE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("population", tuple(f"share_{t}" for t in TENURES)),
    *(("population", tuple(f"{t}_{h}" for h in HOUSEHOLDS)) for t in TENURES),
    *(("council_tax", tuple(f"{t}_band_{b}" for b in BANDS)) for t in TENURES),
)


def field_index() -> dict[str, Field]:
    """All fields by dotted path (``section.name``), regime levers under ``regimes.*``."""
    index = {f"{s}.{f.name}": f for s, fields in SECTIONS.items() for f in fields}
    index.update({f"regime.{f.name}": f for f in REGIME_LEVERS})
    return index
