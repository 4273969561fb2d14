"""Costs counted as the Treasury would: who pays, resource or transfer, and over what horizon.

A run's weekly ledger counts spend by agency. Read as HM Treasury's Green Book reads
public money (sections 6.7-6.10 of the 2026 edition), that ledger mixes two kinds of
money: *resource costs* use up staff time, placements, beds and rooms; *transfers*
(benefits paid, council tax and court costs collected, enforcement fees, rent arrears paid
off by the housing service) move money from one pocket to another and use no resources.
Council-tax support is a discount on the bill, not a payment: the council tax collected
is already net of it, so it is reported as a memo and never counted a second time.
This module derives, after a run and from its weekly tallies alone, a ledger by payer
that keeps the two apart:

- resource costs by public payer (council, DWP, NHS, housing, police), with the set-up
  and management costs of a relational team, which the engine does not charge;
- transfers between every party, the household and the enforcement agents included,
  so they net to zero across the whole place;
- net cost to the public purse = resource costs + transfers out - revenue in;
- costs already committed at the end of the run: the households still in temporary
  accommodation and the children still in care stay, on average, as long as published
  lengths of stay say (each week's chance of leaving is 1 / mean stay);
- a horizon in years, with simulated weeks and committed weeks discounted to the start of
  the run by the Green Book's declining schedule (3.5% a year for years 1-30).

Nothing beyond the run is extrapolated: the horizon counts what the run simulated and
what it left committed, not new demand after the run ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from placesim.scenario import InputError, Problem, Scenario

WEEKS_A_YEAR = 52
DEFAULT_HORIZON_YEARS = 10
MAX_HORIZON_YEARS = 125  # the Green Book's schedule of discount rates ends at 125 years
# HM Treasury Green Book social time preference rate, real terms: (last year, rate).
# calibration:green_book_discount_rate_0_30 (years 31-75 and 76-125 in its note).
GREEN_BOOK_RATES = ((30, 0.035), (75, 0.030), (125, 0.025))

PUBLIC = ("council", "dwp", "nhs", "housing", "police")
COLLECTING = ("council",)  # public payers with revenue in: their net cost may be negative
PARTIES = (*PUBLIC, "household", "enforcement_agents")
PARTY_LABELS = {"council": "the council", "dwp": "the DWP", "nhs": "the NHS",
                "housing": "housing", "police": "the police", "household": "households",
                "enforcement_agents": "enforcement agents"}
# Who bears each agency's spend (weekly cost_* columns). The benefits service decides the
# cash awards the DWP pays; the voluntary sector's help is commissioned by the council;
# court fees pay for court time the council buys. Housing's spend includes the rent
# arrears it pays off, a transfer taken out below.
RESOURCE_PAYER = {
    "cost_revenues": "council", "cost_courts": "council", "cost_relational": "council",
    "cost_social_care": "council", "cost_vcs": "council", "cost_recruitment": "council",
    "cost_benefits": "dwp", "cost_health": "nhs", "cost_housing": "housing",
    "cost_police": "police",
}


@dataclass(frozen=True)
class Transfer:
    """Money passed from one party to another (weekly column, GBP); it uses no resources."""

    column: str
    payer: str
    payee: str
    label: str


TRANSFERS = (
    Transfer("benefits_paid", "dwp", "household", "cash benefits paid"),
    Transfer("arrears_payments", "housing", "household",
             "rent arrears paid off by the housing service (to the landlord)"),
    Transfer("ct_paid", "household", "council", "council tax and court costs collected"),
    Transfer("ea_fees_paid", "household", "enforcement_agents", "enforcement fees paid"),
)


@dataclass(frozen=True)
class Terms:
    """What the appraisal needs from a scenario besides the weekly tallies (GBP, weeks)."""

    caseworkers: int
    team_setup: float  # GBP per caseworker, once, in the week the team takes its first case
    team_management: float  # share added to the team's casework cost
    ta_week: float
    care_week: float
    ta_stay_weeks: float  # mean remaining stay in temporary accommodation
    care_stay_weeks: float  # mean remaining stay in care

    @classmethod
    def of(cls, scenario: Scenario) -> Terms:
        from placesim.engine.place import team_size  # the engine, only when it is needed

        get = scenario.get
        return cls(
            caseworkers=team_size(get("relational.caseworkers_per_10k"),
                                  int(get("place.citizens"))),
            team_setup=get("costs.team_setup"), team_management=get("costs.team_management"),
            ta_week=get("costs.temporary_accommodation"), care_week=get("costs.care_week"),
            ta_stay_weeks=get("costs.ta_stay_weeks"),
            care_stay_weeks=get("costs.care_stay_weeks"))


def horizon_problems(horizon: object, where: str = "arguments",
                     name: str = "horizon") -> list[Problem]:
    """Why ``horizon`` (years) cannot be used, if it cannot."""
    whole = isinstance(horizon, int) and not isinstance(horizon, bool)
    if whole and 1 <= horizon <= MAX_HORIZON_YEARS:
        return []
    return [Problem(where, name, f"{horizon!r} is not allowed; allowed: a whole number of "
                    f"years from 1 to {MAX_HORIZON_YEARS} (the Green Book's discount "
                    "schedule ends at 125 years)")]


def check_horizon(horizon: object, where: str = "arguments", name: str = "horizon") -> int:
    problems = horizon_problems(horizon, where, name)
    if problems:
        raise InputError(problems)
    return int(horizon)  # type: ignore[call-overload]


def discount_factors(weeks: np.ndarray) -> np.ndarray:
    """Green Book discount factor of each week (0 = the run's first): weeks in year 0 are
    not discounted, year y by the product of (1 + rate) over years 1..y."""
    years = np.asarray(weeks) // WEEKS_A_YEAR
    rates = np.zeros(MAX_HORIZON_YEARS + 1)
    first = 1
    for last, rate in GREEN_BOOK_RATES:
        rates[first:last + 1] = rate
        first = last + 1
    cumulative = np.cumprod(1.0 / (1.0 + rates))
    return cumulative[np.minimum(years, MAX_HORIZON_YEARS)]


def weekly_ledger(weekly: pd.DataFrame, terms: Terms) -> pd.DataFrame:
    """One row per week (GBP): each public payer's resource cost, every party's transfers
    out and in, and the net cost to the public purse."""
    out = pd.DataFrame(index=weekly.index)
    for payer in PUBLIC:
        out[f"resource_{payer}"] = sum(weekly[c] for c, p in RESOURCE_PAYER.items()
                                       if p == payer)
    out["resource_housing"] -= weekly["arrears_payments"]
    team = weekly["cost_relational"].to_numpy()
    started = np.flatnonzero(team > 0)
    out["team_setup"] = 0.0
    if len(started):
        out.iloc[started[0], out.columns.get_loc("team_setup")] = (
            terms.caseworkers * terms.team_setup)
    out["team_management"] = team * terms.team_management
    out["resource_council"] += out["team_setup"] + out["team_management"]
    for party in PARTIES:
        out[f"transfers_out_{party}"] = sum((weekly[t.column] for t in TRANSFERS
                                             if t.payer == party), 0.0)
        out[f"transfers_in_{party}"] = sum((weekly[t.column] for t in TRANSFERS
                                            if t.payee == party), 0.0)
    out["resource_cost"] = sum(out[f"resource_{p}"] for p in PUBLIC)
    out["transfers_out"] = sum(out[f"transfers_out_{p}"] for p in PUBLIC)
    out["revenue_in"] = sum(out[f"transfers_in_{p}"] for p in PUBLIC)
    out["net_public_cost"] = out["resource_cost"] + out["transfers_out"] - out["revenue_in"]
    return out


def committed_stay(stock: float, weekly_cost: float, stay_weeks: float, first_week: int,
               horizon_weeks: int) -> tuple[float, float]:
    """Expected cost of a stock that leaves with chance 1 / ``stay_weeks`` (at least 1) a
    week: in full (undiscounted) and discounted over the weeks from ``first_week`` to the
    horizon."""
    full = stock * weekly_cost * stay_weeks
    weeks = np.arange(first_week, max(first_week, horizon_weeks))
    staying = (1.0 - 1.0 / stay_weeks) ** (weeks - first_week)
    return full, float(stock * weekly_cost * (staying * discount_factors(weeks)).sum())


def account(weekly: pd.DataFrame, terms: Terms,
            horizon: int = DEFAULT_HORIZON_YEARS) -> dict[str, float]:
    """A run as the Treasury would count it (GBP): see ``ACCOUNT_ROWS`` for each key."""
    ledger = weekly_ledger(weekly, terms)
    out: dict[str, float] = {}
    for payer in PUBLIC:
        out[f"resource_{payer}"] = float(ledger[f"resource_{payer}"].sum())
    for key in ("team_setup", "team_management", "resource_cost", "transfers_out",
                "revenue_in", "net_public_cost"):
        out[key] = float(ledger[key].sum())
    for t in TRANSFERS:
        out[f"transfer_{t.column}"] = float(weekly[t.column].sum())
    out["cts_granted"] = float(weekly["cts_granted"].sum())
    for payer in PUBLIC:
        out[f"net_{payer}"] = float((ledger[f"resource_{payer}"]
                                     + ledger[f"transfers_out_{payer}"]
                                     - ledger[f"transfers_in_{payer}"]).sum())
    out["net_household"] = float((ledger["transfers_in_household"]
                                  - ledger["transfers_out_household"]).sum())
    end = len(weekly)
    horizon_weeks = horizon * WEEKS_A_YEAR
    ta, ta_pv = committed_stay(float(weekly["homeless"].iloc[-1]), terms.ta_week,
                           terms.ta_stay_weeks, end, horizon_weeks)
    care, care_pv = committed_stay(float(weekly["children_in_care"].iloc[-1]), terms.care_week,
                               terms.care_stay_weeks, end, horizon_weeks)
    out["committed_ta"], out["committed_care"] = ta, care
    out["committed_cost"] = ta + care
    within = np.arange(end) < horizon_weeks
    factors = discount_factors(np.arange(end)) * within
    out["horizon_years"] = float(horizon)
    out["pv_resource_cost"] = float((ledger["resource_cost"] * factors).sum()
                                    + ta_pv + care_pv)
    out["pv_net_public_cost"] = float((ledger["net_public_cost"] * factors).sum()
                                      + ta_pv + care_pv)
    team = out["team_setup"] + out["team_management"] + float(weekly["cost_relational"].sum())
    out["team_cost"] = team
    lives = float(weekly["turned_around"].iloc[-1])
    out["team_cost_per_life"] = team / lives if team and lives else float("nan")
    return {key: out[key] for key in ACCOUNT_KEYS}


def transfer_balance(ledger: pd.DataFrame) -> pd.Series:
    """Each week, every party's transfers in less out, summed over all parties: zero when
    money is conserved (a transfer leaves one pocket and enters another)."""
    return sum(ledger[f"transfers_in_{p}"] - ledger[f"transfers_out_{p}"] for p in PARTIES)


def _payer_rows() -> tuple[tuple[str, str, str, str], ...]:
    run, after, horizon = "total over the run", "after the run, expected", (
        "present value over the horizon")
    rows = [("net_public_cost", "Net cost to the public purse, simulated (resource costs "
             "+ transfers out - revenue in)", "GBP", run),
            ("resource_cost", "Resource costs of public payers, simulated (staff, "
             "services, care, temporary accommodation, A&E...)", "GBP", run)]
    rows += [(f"resource_{p}", f"Resource costs borne by {PARTY_LABELS[p]}", "GBP", run)
             for p in PUBLIC]
    rows += [("team_setup", "Relational team set-up, within the council's resource costs "
              "(costs.team_setup per caseworker, once)", "GBP", run),
             ("team_management", "Relational team management, within the council's "
              "resource costs (costs.team_management x casework cost)", "GBP", run),
             ("transfers_out", "Transfers out of public payers (benefits, rent arrears "
              "paid off)", "GBP", run),
             ("revenue_in", "Revenue into public payers (council tax and court costs "
              "collected)", "GBP", run)]
    rows += [(f"transfer_{t.column}", f"Transfer: {t.label}, {PARTY_LABELS[t.payer]} to "
              f"{PARTY_LABELS[t.payee]}", "GBP", run) for t in TRANSFERS]
    rows += [("cts_granted", "Memo: council-tax support, a discount on bills (the council "
              "tax collected is already net of it, so it is not counted again)", "GBP", run)]
    rows += [(f"net_{p}", f"Net cost to {PARTY_LABELS[p]}", "GBP", run) for p in PUBLIC]
    rows += [("net_household", "Net transfers received by households", "GBP", run),
             ("committed_cost", "Committed at the end: remaining stays in care and "
              "temporary accommodation (undiscounted)", "GBP", after),
             ("committed_ta", "Committed: temporary accommodation (costs.ta_stay_weeks "
              "mean stay)", "GBP", after),
             ("committed_care", "Committed: children in care (costs.care_stay_weeks mean "
              "stay)", "GBP", after),
             ("pv_net_public_cost", "Net cost to the public purse, discounted over the "
              "horizon (simulated + committed)", "GBP", horizon),
             ("pv_resource_cost", "Resource costs, discounted over the horizon (simulated "
              "+ committed)", "GBP", horizon),
             ("team_cost", "Relational team: casework, set-up and management", "GBP", run),
             ("team_cost_per_life", "Relational team cost per life turned around at end",
              "GBP per life", "over the run"),
             ("horizon_years", "Horizon of the discounted figures", "years",
              "from the start of the run")]
    return tuple(rows)


# (key, label, unit, what the number covers) for each figure of ``account``.
ACCOUNT_ROWS = _payer_rows()
ACCOUNT_KEYS = tuple(key for key, *_ in ACCOUNT_ROWS)


def render_accounts(accounts: Mapping[str, Mapping[str, float]], horizon: int) -> str:
    """The regimes' accounts as a plain-text table, each later regime less the first."""
    from placesim.summary import render

    regimes = list(accounts)
    table = pd.DataFrame({r: [float(accounts[r][key]) for key in ACCOUNT_KEYS]
                          for r in regimes},
                         index=pd.Index([label for _, label, _, _ in ACCOUNT_ROWS]))
    table.insert(0, "unit", [unit for _, _, unit, _ in ACCOUNT_ROWS])
    for regime in regimes[1:]:
        table[f"{regime} - {regimes[0]}"] = table[regime] - table[regimes[0]]
    return render(table, f"Costs as the Treasury counts them (GBP): simulated over the run, "
                         f"committed at its end, and discounted at Green Book rates over "
                         f"{horizon} years from its start (nothing after the run is "
                         "extrapolated)")
