"""What every column of every results table means, and in which unit.

Each Parquet file placesim writes carries, for each column, its unit and meaning in the
field's schema metadata (keys ``unit`` and ``doc``), so a file read years later by a
stranger still says what it holds; ``placesim outputs`` prints the same catalogue as
Markdown (docs/outputs.md). The catalogue is generated from the definitions the numbers
come from: the engine's metric docs (``engine.metrics``), the derived indicators
(``indicators``), the regime levers (``scenario.fields``), the citizen record
(``engine.state``), the summary rows (``summary``) and each service's reporters.

Money is in GBP (pounds) in every table. The engine keeps whole pence so that its sums
are exact; tables turn pence into pounds as they are written (so a value is exact to the
penny). Bit fields are documented bit by bit, and the journeys table decodes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import pandas as pd
import pyarrow as pa

from placesim.engine.metrics import (
    METRIC_DOCS,
    MONEY_METRICS,
    SERVICE_BASE,
    SERVICE_KINDS,
    WAITING,
    M,
    metric_name,
)
from placesim.engine.state import (
    CITIZEN_FIELDS,
    PENCE,
    Case,
    Claim,
    Domain,
    Service,
    Stage,
    Status,
    Tenure,
)
from placesim.indicators import DERIVED, INDICATOR_NAMES
from placesim.scenario.fields import REGIME_LEVERS, SECTIONS
from placesim.summary import ROWS, SUMMARY_LABELS, SUMMARY_WHEN
from placesim.treasury import ACCOUNT_ROWS


@dataclass(frozen=True)
class Column:
    """One column: its unit and what it holds."""

    unit: str
    doc: str


# -- weekly: one row per week --------------------------------------------------------------

_STOCKS = frozenset(m for m in M if M.IN_WORK <= m <= M.TRUST_MICRO) | {
    M(SERVICE_BASE + int(s) * len(SERVICE_KINDS) + WAITING) for s in Service}
_HIDDEN = frozenset({M.STRESS_MICRO, M.WELLBEING_MICRO, M.TRUST_MICRO})  # see mean_*


def _metric_column(m: M) -> Column:
    when = "at the end of the week" if m in _STOCKS else "this week"
    unit = "GBP" if m in MONEY_METRICS else "count"
    return Column(f"{unit}, {when}", METRIC_DOCS[m].removesuffix(", pence"))


def _service_columns() -> dict[str, Column]:
    columns = {}
    for s in Service:
        name, label = s.name.lower(), s.name.lower().replace("_", " ")
        columns.update({
            f"{name}_budget": Column("GBP a week", f"{label}: staffing budget the "
                                     "commissioners give it for next week"),
            f"{name}_capacity": Column("requests a week", f"{label}: requests its staff can "
                                       "take next week"),
            f"{name}_utilisation": Column("share (0-1, above 1: overloaded)", f"{label}: "
                                          "requests it took this week over its capacity"),
            f"{name}_reported_resolution": Column("share (0-1)", f"{label}: cases reported "
                                                  "resolved this week over cases accepted "
                                                  "(its target, as reported)"),
            f"{name}_real_resolution": Column("share (0-1)", f"{label}: cases whose trouble "
                                              "the help lifted this week over requests at its "
                                              "door (its target, as it really was)"),
            f"{name}_gaming_pull": Column("share (0-1)", f"{label}: its pull toward gaming "
                                          "next week: regime.payment_by_results while its "
                                          "reported resolution is below "
                                          "commissioning.target_resolution, else 0"),
        })
    return columns


def weekly_columns() -> dict[str, Column]:
    """Every column of the weekly table, in order."""
    columns = {"regime": Column("name", "regime in force this week (a dated change may "
                                "switch it)"),
               "week": Column("week", "week of the run, from 0")}
    columns.update({f"lever_{f.name}": Column("share (0-1)" if f.unit == "probability"
                                              else f.unit, f"lever in force this week "
                                              f"(adopted as fast as the culture allows): "
                                              f"{f.doc}") for f in REGIME_LEVERS})
    metrics = {metric_name(m): _metric_column(m) for m in M if m not in _HIDDEN}
    for name in INDICATOR_NAMES:
        columns[name] = metrics.get(name) or Column(*DERIVED[name])
    for team, who in (("assessor", "benefit assessors"),
                      ("caseworker", "relational caseworkers")):
        columns.update({
            f"{team}_skill": Column("score (0-1)", f"mean skill of the {who}"),
            f"{team}_motivation": Column("score (0-1)", f"mean intrinsic motivation of the "
                                         f"{who}"),
            f"{team}_stress": Column("score (0-1)", f"mean stress of the {who} at the end "
                                     "of the week (a snapshot: see its mean over weeks)")})
    columns.update({
        "revenues_utilisation": Column("share (0-1, above 1: overloaded)", "revenues "
                                       "officers' hours on citizens this week "
                                       "(revenues_staff_seconds / 3600) over the hours "
                                       "they are staffed for"),
        "benefits_utilisation": Column("share (0-1, above 1: overloaded)", "benefit "
                                       "decisions made this week over the assessors' "
                                       "capacity"),
        "benefits_gaming_pull": Column("share (0-1)", "the benefits service's pull toward "
                                       "gaming next week: regime.payment_by_results while "
                                       "its reported on-time share is below "
                                       "benefits.target_share, else 0"),
        "team_utilisation": Column("share (0-1, above 1: overloaded)", "cases the "
                                   "relational team holds over its caseworkers x cap"),
        "caseload_cap": Column("cases per caseworker", "the relational team's caseload cap "
                               "in force: as the team has learned it, starting from the "
                               "regime's lever (it moves when the team experiments)"),
        "caseload_mean": Column("cases per caseworker", "mean cases a caseworker holds at "
                                "the end of the week"),
        "partnership": Column("chance (0-1)", "strength of relationships between agencies: "
                              "the chance a referral made by a service connects"),
    })
    columns.update(_service_columns())
    return columns


# -- citizens and journeys: the citizen record, money in GBP --------------------------------

_BITS: dict[str, type[IntEnum]] = {"domains": Domain, "status": Status,
                                   "onsets_even": Domain, "onsets_odd": Domain}
_CODES: dict[str, type[IntEnum]] = {"stage": Stage, "claim": Claim, "case": Case,
                                    "tenure": Tenure}
_MONEY_FIELDS = frozenset(name for name, kind, doc in CITIZEN_FIELDS
                          if np.dtype(kind).kind == "i" and "pence" in doc)
_FLOAT_UNITS = {"engagement": "propensity (0-1)", "trust": "score (0-1)",
                "stress": "score (0-1)", "wellbeing": "score (0-10)",
                "relationship": "score (0-1)"}


def _bits(kind: type[IntEnum], service_bits: bool = False) -> str:
    if service_bits:
        return ", ".join(f"{1 << s} {s.name.lower()}" for s in Service)
    return ", ".join(f"{m.value} {m.name.lower()}" for m in kind)


_WEEK_NUMBERS = frozenset({"claim_week", "case_week", "ask_week", "ct_due_until"})
_COUNTS = frozenset({"plan_misses", "turned_away", "family_size", "homeless_weeks",
                     "care_weeks", "stable_weeks", "stage_weeks"})


def _citizen_column(name: str, doc: str) -> Column:
    if name in _MONEY_FIELDS:
        unit = "GBP a week" if "per week" in doc else "GBP"
        return Column(unit, f"{name.replace('_', ' ')}: {doc.replace('pence', 'GBP')}")
    if name in _BITS:
        return Column("bit flags", f"{doc}; bits: {_bits(_BITS[name])} (a value is the sum "
                      "of the bits set)")
    if name == "asks":
        return Column("bit flags", f"{doc}; bits: {_bits(Service, True)}")
    if name in _CODES:
        return Column("code", f"{doc}: {_bits(_CODES[name])}")
    if name in _FLOAT_UNITS:
        return Column(_FLOAT_UNITS[name], doc)
    if name in _WEEK_NUMBERS:
        return Column("week", doc)
    if name in _COUNTS:
        return Column("weeks" if name.endswith("weeks") else "count", doc)
    return Column("code" if name in ("household", "band") else "id", doc)


def citizen_columns() -> dict[str, Column]:
    """The citizens table: one row per citizen, the final record."""
    columns = {"regime": Column("name", "regime of the run"),
               "citizen": Column("id", "citizen id (0 to citizens - 1)")}
    columns.update({name: _citizen_column(name, doc) for name, _, doc in CITIZEN_FIELDS})
    return columns


JOURNEY_EXTRA = {
    "week": Column("week", "week of the run whose end this row records, from 0"),
    "public_cost_this_week": Column("GBP", "public cost of services to this citizen this "
                                    "week"),
    "fees_charged_this_week": Column("GBP", "court costs and enforcement fees charged this "
                                     "week"),
    "ct_paid_this_week": Column("GBP", "council tax and costs paid this week"),
    "stage_name": Column("name", "council-tax recovery stage, in words"),
    "case_name": Column("name", "relational case state, in words"),
    "domains_names": Column("names", "life domains in trouble, in words"),
    "status_names": Column("names", "status flags set, in words"),
    "asks_names": Column("names", "services asked for help and still awaited, in words"),
    "events": Column("text", "what happened to the citizen this week, in words"),
}


def journey_columns() -> dict[str, Column]:
    """The journeys table: sampled citizens, one row per citizen and week."""
    citizens = citizen_columns()
    return {"regime": Column("name", "regime in force this week"), "week": JOURNEY_EXTRA[
        "week"], "citizen": citizens["citizen"],
        **{k: v for k, v in citizens.items() if k not in ("regime", "citizen")},
        **{k: v for k, v in JOURNEY_EXTRA.items() if k != "week"}}


def bit_names(values: np.ndarray, kind: type[IntEnum] | None) -> np.ndarray:
    """Bit fields in words ("work, housing"), through a table of every value the field
    can hold; ``kind`` None reads service bits."""
    bits = ([(1 << s, s.name) for s in Service] if kind is None
            else [(int(m), m.name) for m in kind])
    table = np.array([", ".join(name.lower().replace("_", " ") for bit, name in bits
                                if value & bit)
                      for value in range(2 * max(bit for bit, _ in bits))], dtype=object)
    return table[np.asarray(values, dtype=np.int64)]


def journeys_in_pounds(frame: pd.DataFrame) -> pd.DataFrame:
    """A journeys frame (``JourneyRecorder.frame``, pence) with its money in GBP."""
    money = [c for c in frame.columns if c in _MONEY_FIELDS or (
        c.endswith("_this_week") and c.removesuffix("_this_week") in _MONEY_FIELDS)]
    return frame.assign(**{c: frame[c] / PENCE for c in money})


def in_pounds(records: np.ndarray | Mapping[str, np.ndarray], name: str) -> np.ndarray:
    """A money field of citizen records (whole pence) in GBP; other fields as they are."""
    values = records[name]
    return values / PENCE if name in _MONEY_FIELDS else values


# -- the other tables ------------------------------------------------------------------------

OUTCOME_COLUMNS = {
    "citizen": Column("id", "citizen id"),
    "income_start": Column("GBP a week", "earnings at full hours if in work, plus the cash "
                           "benefit award, at the start"),
    "income_end": Column("GBP a week", "the same at the end of the run"),
    "debt": Column("GBP", "council tax owed with court costs, enforcement fees, rent "
                   "arrears and other debt, at the end"),
    "wellbeing": Column("score (0-10)", "wellbeing at the end"),
    "stress": Column("score (0-1)", "stress at the end"),
    "in_ct_arrears": Column("true/false", "owes council tax at the end"),
    "homeless": Column("true/false", "in temporary accommodation at the end"),
    "child_in_care": Column("true/false", "a child in care at the end"),
    "fees_charged": Column("GBP", "court costs and enforcement fees charged over the run"),
    "public_cost": Column("GBP", "public cost of services to this citizen over the run"),
    "ct_paid": Column("GBP", "council tax and costs paid over the run"),
    "flagged": Column("true/false", "ever flagged for council-tax arrears"),
    "turned_around": Column("true/false", "flagged, and stable for "
                            "outcomes.turned_around_weeks at the end"),
}

DECILE_COLUMNS = {
    "regime": Column("name", "regime of the run"),
    "decile": Column("decile", "decile of weekly income at the end of the run (1 poorest)"),
    "people": Column("people", "citizens in the decile"),
    "mean_debt": Column("GBP", "mean debt at the end (council tax with costs, enforcement "
                        "fees, rent arrears, other debt)"),
    "share_in_ct_arrears": Column("share (0-1)", "share owing council tax at the end"),
    "mean_fees_charged": Column("GBP", "mean court costs and enforcement fees charged over "
                                "the run"),
    "mean_public_cost": Column("GBP", "mean public cost of services over the run"),
    "mean_wellbeing": Column("score (0-10)", "mean wellbeing at the end"),
    "mean_stress": Column("score (0-1)", "mean stress at the end"),
    "flagged": Column("people", "citizens ever flagged for council-tax arrears"),
    "turned_around": Column("people", "of them, lives turned around at the end"),
}

RUN_COLUMNS = {
    "run_id": Column("hash", "content hash of the scenario, the regime's levers week by "
                     "week and the code version: equal runs have equal ids"),
    "scenario": Column("name", "scenario name"),
    "scenario_origin": Column("path", "where the scenario was read from, with any "
                              "overrides"),
    "scenario_digest": Column("hash", "content hash of every parameter value"),
    "regime": Column("name", "regime run"),
    "levers": Column("JSON", "the regime's levers at week 0"),
    "seed": Column("integer", "seed of the counter-based random generator"),
    "citizens": Column("people", "citizens simulated"),
    "weeks": Column("weeks", "length of the run"),
    "placesim_version": Column("version", "placesim version and a hash of its source"),
    "numba_version": Column("version", "numba version"),
    "numpy_version": Column("version", "numpy version"),
    "mesa_version": Column("version", "mesa version"),
    "python_version": Column("version", "Python version"),
    "scheduler": Column("name", "fast (numba kernels) or reference (plain Mesa)"),
    "threads": Column("threads", "numba threads the run used (results do not depend on it)"),
    "started_utc": Column("time (UTC)", "when the run started"),
    "seconds": Column("seconds", "wall-clock time of the run"),
}


def summary_columns() -> dict[str, Column]:
    """A sweep's summary table: a run in one row, by the comparison table's keys."""
    return {key: Column(f"{unit}, {SUMMARY_WHEN[key]}", SUMMARY_LABELS[key])
            for key, _, unit, _ in ROWS}


ACCOUNT_COLUMNS = {key: Column(f"{unit}, {when}", label.strip())
                   for key, label, unit, when in ACCOUNT_ROWS}

SWEEP_KEYS = {
    "run_id": RUN_COLUMNS["run_id"],
    "regime": Column("name", "regime run"),
    "seed": RUN_COLUMNS["seed"],
    "replicate": Column("index", "replicate of the design point, from 0"),
    "point": Column("index", "design point, from 0"),
}

COHORT_COLUMNS = {
    "citizen": Column("id", "household (citizen) id"),
    "known_before": Column("true/false", "had been in the recovery process before the flag "
                           "week (in the run or its burn-in)"),
    "answered_letter": Column("true/false", "answered a reminder, final notice or summons"),
    "reached_enforcement": Column("true/false", "reached the compliance or enforcement "
                                  "stage, or was returned by the agent"),
    "answered_threat": Column("true/false", "answered the compliance letter or an agent's "
                              "visit, or agreed a plan with the agent"),
    "plan_under_threat": Column("true/false", "was on a plan while threatened"),
    "plan_broken_under_threat": Column("true/false", "a plan made or kept under threat "
                                       "ended while money was still owed (broken, not "
                                       "paid off)"),
    "fees": Column("GBP", "court costs and enforcement fees charged over the follow-up"),
    "ea_placed": Column("GBP", "sum placed with the enforcement agent"),
    "ea_recovered": Column("GBP", "debt the agent recovered"),
    "debt_at_flag": Column("GBP", "debt when flagged"),
    "debt_at_end": Column("GBP", "debt at the end of the follow-up"),
    "wrong_benefits_at_flag": Column("true/false", "wrong or unclaimed benefits when "
                                     "flagged"),
    "benefits_right_at_end": Column("true/false", "benefits right at the end"),
    "weeks_to_right_benefits": Column("weeks", "weeks from the flag until benefits were "
                                      "right (the follow-up's length plus one if never)"),
    "standard_decisions": Column("count", "standard-route benefit decisions"),
    "standard_decision_weeks": Column("weeks", "weeks those decisions had waited, summed"),
    "causes_found": Column("true/false", "a caseworker found the real causes"),
    "specialist_fix": Column("true/false", "queued for the team's benefits specialist"),
    "turned_around": Column("true/false", "stable for outcomes.turned_around_weeks at the "
                            "end"),
    "paying_at_end": Column("true/false", "paid at least 90% of the council tax due in the "
                            "last 13 weeks"),
    "public_cost": Column("GBP", "public cost of services over the follow-up"),
    "team_overhead": Column("GBP", "the relational team's management per case it took "
                            "(costs.team_management x its casework cost per case), if the "
                            "team took this household"),
    "benefits_paid": Column("GBP", "cash benefits paid over the follow-up (a transfer)"),
    "ct_collected": Column("GBP", "council tax and court costs paid over the follow-up "
                           "(revenue; net of council-tax support)"),
    "net_public_cost": Column("GBP", "net cost to the public purse over the follow-up: "
                              "public cost + team overhead + benefits - council tax "
                              "collected"),
    "committed_cost": Column("GBP", "committed at the end: the mean remaining stay in "
                             "temporary accommodation or care (undiscounted)"),
    "pv_net_public_cost": Column("GBP", "net cost to the public purse over 10 years, "
                                 "discounted (the follow-up and the stays it left "
                                 "committed)"),
    "income_at_flag": Column("GBP a week", "earnings and benefits when flagged"),
    "income_at_end": Column("GBP a week", "earnings and benefits at the end"),
    "wellbeing_at_end": Column("score (0-10)", "wellbeing at the end"),
}

PLAN_COLUMNS = {**SWEEP_KEYS}
MANIFEST_COLUMNS = {
    "run_id": RUN_COLUMNS["run_id"],
    "status": Column("name", "done or failed"),
    "error": Column("text", "the error of a failed run (its traceback's end)"),
    "regime": SWEEP_KEYS["regime"], "seed": RUN_COLUMNS["seed"],
    "replicate": SWEEP_KEYS["replicate"],
    "parameters": Column("JSON", "the design point's parameters"),
    "scenario_digest": RUN_COLUMNS["scenario_digest"],
    "host": Column("name", "machine the run ran on"),
    "pid": Column("id", "process id of the worker"),
    "threads": RUN_COLUMNS["threads"], "started_utc": RUN_COLUMNS["started_utc"],
    "seconds": RUN_COLUMNS["seconds"],
    "versions": Column("JSON", "versions of placesim, numba, numpy, pandas, pyarrow, mesa "
                       "and Python"),
}


COMPARISON_COLUMNS = {
    "indicator": Column("key", "summary indicator (its key, see the summary table)"),
    "label": Column("text", "the indicator or series in words"),
    "unit": Column("text", "the unit of the indicator, series or parameter"),
    "baseline": Column("the indicator's unit", "the baseline regime: mean over replicates "
                       "(or the parameter's value under it)"),
    "reform": Column("the indicator's unit", "the reform regime: mean over replicates (or "
                     "the parameter's value under it)"),
    "difference": Column("the indicator's unit", "reform minus baseline, paired replicate "
                         "by replicate (common seeds): mean"),
    "relative": Column("share", "the difference over the baseline's mean"),
    "clear": Column("true/false", "the difference's 95% interval excludes zero"),
    "replicates": Column("count", "replicates behind the means and intervals"),
    "decile": Column("decile", "decile of weekly income at the start (1 poorest)"),
    "outcome": Column("key", "a per-citizen outcome"),
    "better": Column("share (0-1)", "share of people better off under the reform"),
    "same": Column("share (0-1)", "share of people the same (within the outcome's "
                   "tolerance)"),
    "worse": Column("share (0-1)", "share of people worse off under the reform"),
    "role": Column("name", "why the citizen was chosen: most changed, least changed or "
                   "typical"),
    "debt": OUTCOME_COLUMNS["debt"],
    "series": Column("key", "weekly series (a column of the weekly table)"),
    "value": Column("the series' unit", "the series' value that week"),
    "centre": Column("the series' unit", "XmR centre line: the series' mean"),
    "lower": Column("the series' unit", "XmR lower natural process limit: centre - 2.66 x "
                    "mean moving range"),
    "upper": Column("the series' unit", "XmR upper natural process limit: centre + 2.66 x "
                    "mean moving range"),
    "beyond": Column("true/false", "the week lies outside the natural process limits"),
    "kind": Column("text", "a lever that differs between the regimes, or a parameter "
                   "ranked by a sensitivity index"),
    "parameter": Column("path", "the lever or parameter (dotted path)"),
    "output": Column("key", "the summary output a sensitivity index ranks the parameter "
                     "for (empty for a lever)"),
    "week": Column("week", "week of the run, from 0"),
    "rank": Column("rank", "the parameter's rank for the output (1 largest)"),
    "importance": Column("the index's unit", "the sensitivity index's value"),
    "meaning": Column("text", "what the lever or parameter is"),
    "source": Column("text", "where its value comes from"),
}


def _derived(name: str, known: Mapping[str, Column]) -> Column | None:
    """Columns named after another: an interval's ends, a per-citizen difference or
    direction."""
    for suffix, words in (("_low", "lower end of the 95% interval of"),
                          ("_high", "upper end of the 95% interval of")):
        if name.endswith(suffix) and (base := name.removesuffix(suffix)) in known:
            return Column(known[base].unit, f"{words} {base}")
    if name.endswith("_difference"):
        base = known.get(name.removesuffix("_difference"))
        return Column(base.unit if base else "", "reform minus baseline for the same "
                      f"citizen and seed: {base.doc if base else name}")
    if name.endswith("_direction"):
        return Column("code", "1 better off, 0 the same (within tolerance), -1 worse off "
                      "under the reform")
    return None


def parameter_column(path: str) -> Column:
    """A varied or overridden parameter's column, from the scenario's field table."""
    section, _, name = path.partition(".")
    if section in ("levers", "regimes"):
        lever = {f.name: f for f in REGIME_LEVERS}.get(path.rsplit(".", 1)[-1])
        return Column(lever.unit if lever else "", f"parameter {path}: "
                      f"{lever.doc if lever else ''}")
    spec = {f.name: f for f in SECTIONS.get(section, ())}.get(name)
    return Column(spec.unit if spec else "", f"parameter {path}: {spec.doc if spec else ''}")


def _cohort_summary() -> dict[str, Column]:
    return {f"cohort_{k}": Column(v.unit, f"cohort's mean per household: {v.doc}")
            for k, v in COHORT_COLUMNS.items() if k != "citizen"}


TABLES: dict[str, tuple[str, dict[str, Column]]] = {
    "weekly": ("one row per week", weekly_columns()),
    "citizens": ("one row per citizen: the final state", citizen_columns()),
    "journeys": ("sampled citizens, one row per citizen and week", journey_columns()),
    "deciles": ("one row per decile of income at the end", DECILE_COLUMNS),
    "accounts": ("one row per regime: the run as the Treasury would count it "
                 "(placesim.treasury): resource costs by payer kept apart from transfers, "
                 "net cost to the public purse, costs committed at the end of the run and "
                 "present values discounted over the horizon (--horizon, Green Book "
                 "rates); 'simulated' figures are over the run's weeks, 'committed' after "
                 "them, 'present value' both discounted to the run's first week",
                 {"regime": Column("name", "regime run"), **ACCOUNT_COLUMNS}),
    "runs": ("one row per run: what was run, how, with which code", RUN_COLUMNS),
    "summary": ("sweeps: one row per run, the end-of-run indicators and, for a run of "
                "the whole place, its Treasury account over the default horizon (the keys "
                "that 'placesim sensitivity --output' and experiments accept)",
                {**summary_columns(), **ACCOUNT_COLUMNS, **_cohort_summary()}),
    "outcomes": ("sweeps: one row per citizen, outcomes at the end", OUTCOME_COLUMNS),
    "cohort": ("sweeps of a cohort experiment: one row per household of the cohort",
               COHORT_COLUMNS),
    "plan": ("sweeps: one row per design point, replicate and regime", PLAN_COLUMNS),
    "manifest": ("sweeps: one row per run, how it went", MANIFEST_COLUMNS),
    "comparison": ("placesim compare's tables (tables/*.parquet): summaries, weekly and "
                   "journeys have the columns of the tables above; the rest are listed "
                   "here. A column ending _low or _high is the end of the 95% interval of "
                   "the column it names; _difference is reform minus baseline for the same "
                   "citizen and seed", {**COMPARISON_COLUMNS, **OUTCOME_COLUMNS}),
}


def documented(table: pa.Table, kind: str,
               extra: Mapping[str, Column] | None = None) -> pa.Table:
    """``table`` with each known column's unit and meaning in its field metadata."""
    columns = {**SWEEP_KEYS, **TABLES[kind][1], **(extra or {})}
    fields = []
    for field in table.schema:
        column = columns.get(field.name) or (parameter_column(field.name)
                                             if "." in field.name else
                                             _derived(field.name, columns))
        fields.append(field if column is None else field.with_metadata(
            {"unit": column.unit, "doc": column.doc}))
    return pa.Table.from_arrays(table.columns, schema=pa.schema(
        fields, metadata=table.schema.metadata))


def comparison_columns(table: str) -> dict[str, Column]:
    """The columns of one of a comparison's tables: those of the run and sweep tables it
    carries (summaries, weekly, journeys), then the comparison's own."""
    carried = {"summaries": {**TABLES["summary"][1], **ACCOUNT_COLUMNS},
               "weekly": {**weekly_columns(), "crises": Column(
                   "count, this week", "crises of every type this week")},
               "journeys": journey_columns()}.get(table, {})
    return {**OUTCOME_COLUMNS, **COMPARISON_COLUMNS, **carried}


def markdown() -> str:
    """docs/outputs.md: every table and column, generated from the definitions."""
    lines = ["# Outputs: every table and column", "",
             "Generated by `placesim outputs` from the definitions the numbers come from "
             "(do not edit by hand; a test keeps it in step). Each Parquet file carries the "
             "same unit and meaning in its schema: `pyarrow.parquet.read_schema(path)"
             ".field(name).metadata`.", "",
             "Money is in GBP (pounds) in every table. `placesim run` writes weekly, "
             "citizens, journeys, deciles and runs (one file per regime) and "
             "`manifest.json` (what the folder holds); a sweep writes summary (always) and "
             "the tables its experiment keeps, one file per run, with plan and manifest. "
             "Every sweep table also has the run's identity (run_id, regime, seed, "
             "replicate) and the varied parameters as columns.", "",
             "Counts 'this week' are flows during the week; 'at the end of the week' are "
             "stocks. Bit flags hold the sum of the bits set: `status` 5 is flagged (1) and "
             "responded (4).", ""]
    for kind, (what, columns) in TABLES.items():
        lines += [f"## {kind}", "", what[0].upper() + what[1:] + ".", "",
                  "| column | unit | meaning |", "|---|---|---|"]
        lines += [f"| `{name}` | {c.unit} | {c.doc} |" for name, c in columns.items()]
        lines.append("")
    return "\n".join(lines)
