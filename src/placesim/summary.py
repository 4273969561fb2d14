"""A readable comparison of regimes: totals over the run and the state at its end.

Rows that are part of the row above say so ("of which"); rows counted inside another
total say where. A state at the end of the run that swings from week to week (a team's
stress) comes with its mean and its highest week. With more than two regimes each is
set against the first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from placesim.engine.state import Service

Row = tuple[str, str, str, Callable[[pd.DataFrame], float]]  # key, label, unit, rule
SERVICE_LABELS = {Service.HOUSING: "housing", Service.HEALTH: "health",
                  Service.SOCIAL_CARE: "social care", Service.VCS: "voluntary sector"}


def _rule(when: str, fn: Callable[[pd.DataFrame], float]) -> Callable[[pd.DataFrame], float]:
    fn.when = when  # type: ignore[attr-defined]  # what the number covers, for the docs
    return fn


def _total(column: str) -> Callable[[pd.DataFrame], float]:
    return _rule("total over the run", lambda weekly: float(weekly[column].sum()))


def _last(column: str) -> Callable[[pd.DataFrame], float]:
    return _rule("at the end of the run", lambda weekly: float(weekly[column].iloc[-1]))


def _mean(column: str) -> Callable[[pd.DataFrame], float]:
    return _rule("mean over the run's weeks", lambda weekly: float(weekly[column].mean()))


def _peak(column: str) -> Callable[[pd.DataFrame], float]:
    return _rule("highest week of the run", lambda weekly: float(weekly[column].max()))


def _sum_last(columns: list[str]) -> Callable[[pd.DataFrame], float]:
    return _rule("at the end of the run",
                 lambda weekly: float(sum(weekly[c].iloc[-1] for c in columns)))


def _sum_total(columns: list[str]) -> Callable[[pd.DataFrame], float]:
    return _rule("total over the run", lambda weekly: float(sum(weekly[c].sum()
                                                                  for c in columns)))


CRISES = ["evictions", "ae_attendances", "mh_crises", "care_entries", "police_callouts"]
DEBTS = ["ct_arrears_total", "ea_fees_owed_total", "rent_arrears_total", "other_debt_total"]


def _share(part: str, whole: str | list[str]) -> Callable[[pd.DataFrame], float]:
    def share(weekly: pd.DataFrame) -> float:
        total = weekly[whole].to_numpy().sum()
        return float(weekly[part].sum() / total) if total else float("nan")
    return _rule("over the run", share)


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
    ("cost_revenues", "  of which council revenues", "GBP", _total("cost_revenues")),
    ("cost_courts", "  of which courts (fees paid by the council)", "GBP",
     _total("cost_courts")),
    ("cost_benefits", "  of which benefits service", "GBP", _total("cost_benefits")),
    ("cost_relational", "  of which relational team", "GBP", _total("cost_relational")),
    ("cost_housing", "  of which housing (help, prevention, temporary accommodation)", "GBP",
     _total("cost_housing")),
    ("cost_health", "  of which health (GP, mental health, A&E, crises)", "GBP",
     _total("cost_health")),
    ("cost_social_care", "  of which social care and early help (children in care)", "GBP",
     _total("cost_social_care")),
    ("cost_vcs", "  of which voluntary and community sector", "GBP", _total("cost_vcs")),
    ("cost_police", "  of which police (call-outs)", "GBP", _total("cost_police")),
    ("cost_recruitment", "  of which recruiting replacements for leavers", "GBP",
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
    ("crisis_cost", "Crises: public cost, all types (within agency spend above)", "GBP",
     _total("crisis_cost_total")),
    ("contacts", "Contacts with services", "contacts", _total("contacts")),
    ("failure_contacts", "  of which failure demand", "contacts", _total("failure_contacts")),
    ("failure_demand_share", "Failure demand: share of contacts", "fraction",
     _share("failure_contacts", "contacts")),
    ("failure_cost", "Failure demand: cost (within agency spend above)", "GBP",
     _total("failure_cost")),
    ("failure_staff_hours", "Failure demand: staff hours it took", "hours",
     _total("failure_staff_hours")),
    ("revenues_utilisation", "Revenues officers: share of staffed hours used, mean over "
     "the weeks", "share", _mean("revenues_utilisation")),
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
    ("evictions", "  of which evictions", "households", _total("evictions")),
    ("ae_attendances", "  of which A&E attendances", "attendances", _total("ae_attendances")),
    ("mh_crises", "  of which mental-health crises", "crises", _total("mh_crises")),
    ("care_entries", "  of which children taken into care", "children",
     _total("care_entries")),
    ("police_callouts", "  of which police call-outs", "call-outs",
     _total("police_callouts")),
    ("homeless_weeks", "Household-weeks in temporary accommodation", "household-weeks",
     _total("homeless")),
    ("wellbeing_end", "Mean wellbeing at end (0-10)", "score", _last("mean_wellbeing")),
    ("stress_end", "Mean stress at end (0-1)", "score", _last("mean_stress")),
    ("flagged_end", "Ever flagged for council-tax arrears", "people", _last("flagged")),
    ("turned_around_end", "Lives turned around at end", "people", _last("turned_around")),
    ("leavers", "Workers who left (each replaced)", "people", _total("leavers")),
    ("caseworker_stress_end", "Caseworker stress at end (0-1)", "score",
     _last("caseworker_stress")),
    ("caseworker_stress_mean", "  caseworker stress, mean over the run", "score",
     _mean("caseworker_stress")),
    ("caseworker_stress_peak", "  caseworker stress, highest week", "score",
     _peak("caseworker_stress")),
    ("assessor_stress_end", "Benefit assessors' stress at end (0-1)", "score",
     _last("assessor_stress")),
    ("assessor_stress_mean", "  assessors' stress, mean over the run", "score",
     _mean("assessor_stress")),
    ("assessor_stress_peak", "  assessors' stress, highest week", "score",
     _peak("assessor_stress")),
)


SUMMARY_KEYS = tuple(key for key, _, _, _ in ROWS)
SUMMARY_UNITS = {key: unit for key, _, unit, _ in ROWS}
SUMMARY_WHEN = {key: fn.when for key, _, _, fn in ROWS}  # type: ignore[attr-defined]


def _full_labels() -> dict[str, str]:
    """Each row's label on its own: a part ("of which") names its whole."""
    labels, whole = {}, ""
    for key, label, _, _ in ROWS:
        if not label.startswith("  "):
            whole = label
        labels[key] = (f"{whole}: {label.removeprefix('  of which ')}"
                       if label.startswith("  of which ") else label.strip())
    return labels


SUMMARY_LABELS = _full_labels()


def run_summary(weekly: pd.DataFrame) -> dict[str, float]:
    """A run in one row: every indicator of the comparison table, by its key."""
    return {key: fn(weekly) for key, _, _, fn in ROWS}


def compare(weekly_by_regime: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per indicator, one column per regime, then each later regime minus the
    first (with more than two regimes, every one is set against the first)."""
    regimes = list(weekly_by_regime)
    table = pd.DataFrame(
        {r: [fn(weekly_by_regime[r]) for _, _, _, fn in ROWS] for r in regimes},
        index=pd.Index([label for _, label, _, _ in ROWS], name="indicator"))
    table.insert(0, "unit", [unit for _, _, unit, _ in ROWS])
    for regime in regimes[1:]:
        table[f"{regime} - {regimes[0]}"] = table[regime] - table[regimes[0]]
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
    decimals = {"fraction": 3, "weeks": 1, "score": 2}.get(unit, 0)
    value = round(value, decimals) + 0.0  # a difference that rounds to nothing is 0, not -0
    return f"{value:,.{decimals}f}"


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
