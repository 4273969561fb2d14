"""A readable comparison of regimes: totals over the run and the state at its end."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from placesim.engine.state import Service

Row = tuple[str, str, str, Callable[[pd.DataFrame], float]]  # key, label, unit, rule
SERVICE_LABELS = {Service.HOUSING: "housing", Service.HEALTH: "health",
                  Service.SOCIAL_CARE: "social care", Service.VCS: "voluntary sector"}


def _total(column: str) -> Callable[[pd.DataFrame], float]:
    return lambda weekly: float(weekly[column].sum())


def _last(column: str) -> Callable[[pd.DataFrame], float]:
    return lambda weekly: float(weekly[column].iloc[-1])


def _sum_last(columns: list[str]) -> Callable[[pd.DataFrame], float]:
    return lambda weekly: float(sum(weekly[c].iloc[-1] for c in columns))


def _sum_total(columns: list[str]) -> Callable[[pd.DataFrame], float]:
    return lambda weekly: float(sum(weekly[c].sum() for c in columns))


CRISES = ["evictions", "ae_attendances", "mh_crises", "care_entries", "police_callouts"]
DEBTS = ["ct_arrears_total", "ea_fees_owed_total", "rent_arrears_total", "other_debt_total"]


def _share(part: str, whole: str | list[str]) -> Callable[[pd.DataFrame], float]:
    def share(weekly: pd.DataFrame) -> float:
        total = weekly[whole].to_numpy().sum()
        return float(weekly[part].sum() / total) if total else float("nan")
    return share


def _service_rows() -> tuple[Row, ...]:
    """Each service's target, reported and real, and where requests went."""
    rows: list[Row] = []
    for s in Service:
        name = s.name.lower()
        label = SERVICE_LABELS[s]
        rows += [
            (f"{name}_resolved_reported",
             f"{label.capitalize()}: requests resolved, reported (of cases accepted)",
             "fraction", _share(f"{name}_reported_resolved", f"{name}_cases")),
            (f"{name}_resolved_real",
             f"{label.capitalize()}: requests resolved, real (of requests at its door)",
             "fraction", _share(f"{name}_helped", [f"{name}_cases", f"{name}_turned_away"])),
            (f"{name}_turned_away", f"  {label} requests turned away", "requests",
             _total(f"{name}_turned_away")),
            (f"{name}_lost", f"  {label}: wrong-door requests lost in the hand-off",
             "requests", _total(f"{name}_lost")),
        ]
    return tuple(rows)


ROWS: tuple[Row, ...] = (
    ("spend_total", "Public spend, all agencies", "GBP", _total("spend_total")),
    ("cost_revenues", "  council revenues", "GBP", _total("cost_revenues")),
    ("cost_courts", "  courts (fees paid by the council)", "GBP", _total("cost_courts")),
    ("cost_benefits", "  benefits service", "GBP", _total("cost_benefits")),
    ("cost_relational", "  relational team", "GBP", _total("cost_relational")),
    ("cost_housing", "  housing (help, prevention, temporary accommodation)", "GBP",
     _total("cost_housing")),
    ("cost_health", "  health (GP, mental health, A&E, crises)", "GBP", _total("cost_health")),
    ("cost_social_care", "  social care and early help (children in care)", "GBP",
     _total("cost_social_care")),
    ("cost_vcs", "  voluntary and community sector", "GBP", _total("cost_vcs")),
    ("cost_police", "  police (call-outs)", "GBP", _total("cost_police")),
    ("cost_recruitment", "  recruiting replacements for leavers", "GBP",
     _total("cost_recruitment")),
    ("ct_paid", "Council tax collected", "GBP", _total("ct_paid")),
    ("fees_charged", "Court costs and agent fees charged to citizens", "GBP",
     _total("fees_charged")),
    ("ea_fees_paid", "Agent fees paid by citizens", "GBP", _total("ea_fees_paid")),
    ("ea_referrals", "Cases passed to enforcement agents", "cases", _total("ea_referrals")),
    ("ea_recovery_share", "Share of sum placed that agents recovered", "fraction",
     _share("ea_closed_recovered", "ea_closed_placed")),
    ("ct_arrears_end", "Council-tax arrears at end", "GBP", _last("ct_arrears_total")),
    ("rent_arrears_end", "Rent arrears at end", "GBP", _last("rent_arrears_total")),
    ("other_debt_end", "Other debt at end", "GBP", _last("other_debt_total")),
    ("debt_end", "Debt at end: council tax, agent fees, rent arrears, other", "GBP",
     _sum_last(DEBTS)),
    ("crisis_cost", "Crises: public cost (all types)", "GBP", _total("crisis_cost_total")),
    ("contacts", "Contacts with services", "contacts", _total("contacts")),
    ("failure_contacts", "  of which failure demand", "contacts", _total("failure_contacts")),
    ("failure_demand_share", "Failure demand: share of contacts", "fraction",
     _share("failure_contacts", "contacts")),
    ("failure_cost", "Failure demand: cost", "GBP", _total("failure_cost")),
    ("decisions_on_time_reported", "Benefit decisions on time, reported", "fraction",
     _share("decisions_reported_on_time", "decisions")),
    ("decisions_on_time_real", "Benefit decisions on time, real", "fraction",
     _share("decisions_on_time", "decisions")),
    ("decision_wait_weeks", "Weeks decided claims had waited", "weeks",
     _share("decision_wait_weeks", "decisions")),
    ("claims_overdue_end", "Claims waiting past the target at end (real)", "claims",
     _last("claims_overdue")),
    ("benefits_paid", "Benefits paid", "GBP", _total("benefits_paid")),
    ("benefits_entitled", "Benefits entitled", "GBP", _total("benefits_entitled")),
    ("wrong_benefits_end", "Citizens with wrong or unclaimed benefits at end", "people",
     _last("wrong_benefits")),
    *_service_rows(),
    ("crises", "Crises, all types", "crises", _sum_total(CRISES)),
    ("evictions", "  evictions", "households", _total("evictions")),
    ("ae_attendances", "  A&E attendances", "attendances", _total("ae_attendances")),
    ("mh_crises", "  mental-health crises", "crises", _total("mh_crises")),
    ("care_entries", "  children taken into care", "children", _total("care_entries")),
    ("police_callouts", "  police call-outs", "call-outs", _total("police_callouts")),
    ("homeless_weeks", "Household-weeks in temporary accommodation", "household-weeks",
     _total("homeless")),
    ("wellbeing_end", "Mean wellbeing at end (0-10)", "score", _last("mean_wellbeing")),
    ("stress_end", "Mean stress at end (0-1)", "score", _last("mean_stress")),
    ("flagged_end", "Ever flagged for council-tax arrears", "people", _last("flagged")),
    ("turned_around_end", "Lives turned around at end", "people", _last("turned_around")),
    ("leavers", "Workers who left (each replaced)", "people", _total("leavers")),
    ("caseworker_stress_end", "Caseworker stress at end (0-1)", "score",
     _last("caseworker_stress")),
)


SUMMARY_KEYS = tuple(key for key, _, _, _ in ROWS)
SUMMARY_UNITS = {key: unit for key, _, unit, _ in ROWS}
SUMMARY_LABELS = {key: label.strip() for key, label, _, _ in ROWS}


def run_summary(weekly: pd.DataFrame) -> dict[str, float]:
    """A run in one row: every indicator of the comparison table, by its key."""
    return {key: fn(weekly) for key, _, _, fn in ROWS}


def compare(weekly_by_regime: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per indicator, one column per regime, and the difference of the last two."""
    regimes = list(weekly_by_regime)
    table = pd.DataFrame(
        {r: [fn(weekly_by_regime[r]) for _, _, _, fn in ROWS] for r in regimes},
        index=pd.Index([label for _, label, _, _ in ROWS], name="indicator"))
    table.insert(0, "unit", [unit for _, _, unit, _ in ROWS])
    if len(regimes) >= 2:
        table[f"{regimes[-1]} - {regimes[0]}"] = table[regimes[-1]] - table[regimes[0]]
    return table


def render_deciles(deciles: Mapping[str, pd.DataFrame]) -> str:
    """Mean debt and wellbeing at the end, by income decile, one column pair per regime."""
    regimes = list(deciles)
    header = "income decile".ljust(15) + "".join(
        f"{'debt ' + r:>18}{'wellbeing ' + r:>22}" for r in regimes)
    lines = ["Who is harmed: mean debt (GBP) and wellbeing (0-10) at the end, by income "
             "decile (1 = poorest)", "", header]
    for k in range(len(deciles[regimes[0]])):
        cells = "".join(f"{deciles[r]['mean_debt'].iloc[k]:>18,.0f}"
                        f"{deciles[r]['mean_wellbeing'].iloc[k]:>22.2f}" for r in regimes)
        lines.append(f"{deciles[regimes[0]]['decile'].iloc[k]!s:<15}{cells}")
    return "\n".join(lines)


def _fmt(value: float, unit: str) -> str:
    if value != value:  # NaN: nothing to divide by
        return "n/a"
    if unit == "GBP":
        return f"{value:,.0f}"
    if unit in ("fraction",):
        return f"{value:.3f}"
    if unit == "weeks":
        return f"{value:.1f}"
    if unit == "score":
        return f"{value:.2f}"
    return f"{value:,.0f}"


def render(table: pd.DataFrame, title: str) -> str:
    """Plain-text table for a terminal."""
    columns = [c for c in table.columns if c != "unit"]
    label_width = max(len(i) for i in table.index) + 2
    widths = [max(14, len(c) + 2) for c in columns]
    lines = [title, "",
             "".ljust(label_width) + "unit".ljust(11)
             + "".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))]
    for label, row in table.iterrows():
        unit = row["unit"]
        cells = "".join(_fmt(row[c], unit).rjust(w) for c, w in zip(columns, widths,
                                                                       strict=True))
        lines.append(label.ljust(label_width) + unit.ljust(11) + cells)
    return "\n".join(lines)
