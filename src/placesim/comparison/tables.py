"""A comparison of two regimes as tidy tables, built from the runs in its store.

Every table is computed from the stored runs alone (no live model), replicate by
replicate, so memory stays flat in the number of replicates: only one replicate's
citizens are in memory at a time, and their paired differences are streamed to
``tables/citizens.parquet``. A finished comparison is read back from its tables
(:meth:`Comparison.read`) without rerunning or recomputing anything.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from placesim.atomic import replaced, write_json, write_table, write_text
from placesim.columns import comparison_columns, documented
from placesim.comparison.statistics import (
    FEW_REPLICATES,
    direction,
    interval,
    summarise,
    xmr_limits,
)
from placesim.deciles import decile_of
from placesim.experiments.store import read_plan, read_results, run_file
from placesim.outcomes import DEBT_FIELDS
from placesim.provenance import code_version
from placesim.scenario import Scenario
from placesim.scenario.fields import REGIME_LEVERS, SECTIONS
from placesim.summary import CRISES, ROWS, SERVICE_LABELS
from placesim.treasury import (
    ACCOUNT_KEYS,
    ACCOUNT_ROWS,
    COLLECTING,
    DEFAULT_HORIZON_YEARS,
    PUBLIC,
    TRANSFERS,
    Terms,
    account,
)

TABLES = "tables"


@dataclass(frozen=True)
class Outcome:
    """A per-citizen outcome read under both regimes (a column of ``outcomes``)."""

    column: str
    label: str
    unit: str
    lower_is_better: bool | None  # None: not a better-or-worse outcome for the person
    tolerance: float  # differences this small count as "the same"


DEBT = Outcome("debt", "Debt at end", "GBP", True, 1.0)
WELLBEING = Outcome("wellbeing", "Wellbeing at end", "score 0-10", False, 0.05)
FEES = Outcome("fees_charged", "Court costs and agent fees charged", "GBP", True, 1.0)
PERSONAL = (
    DEBT,
    WELLBEING,
    FEES,
    Outcome("public_cost", "Public cost of services to the person", "GBP", None, 1.0),
    Outcome("turned_around", "Life turned around (share of people)", "share", None, 0.0),
    Outcome("in_ct_arrears", "In council-tax arrears at end (share of people)", "share",
            None, 0.0),
)
WINNERS = tuple(o for o in PERSONAL if o.lower_is_better is not None)
# Extra cost per extra life turned around, replicate by replicate: (key, label, unit,
# numerator, denominator), each a paired difference of the reform from the baseline.
PER_LIFE = (("pv_net_cost_per_extra_life", "Net public cost per extra life turned around "
             "(discounted over the horizon)", "GBP per life", "pv_net_public_cost",
             "turned_around_end"),
            ("pv_resource_cost_per_extra_life", "Resource cost per extra life turned "
             "around (discounted over the horizon)", "GBP per life", "pv_resource_cost",
             "turned_around_end"))
HEADLINE = ("net_public_cost", "resource_cost", "committed_cost", "pv_net_public_cost",
            "turned_around_end", "pv_net_cost_per_extra_life", "crises", "fees_charged")
AGENCIES = tuple(key for key, *_ in ROWS if key.startswith("cost_"))
PAYERS = (*(f"net_{p}" for p in PUBLIC), "net_household")
RESOURCES = (*(f"resource_{p}" for p in PUBLIC), "team_setup", "team_management",
             "team_cost", "team_cost_per_life")
LIFE = ("turned_around_end", "evictions", "homeless_weeks", "ae_attendances", "mh_crises",
        "care_entries", "police_callouts", "crises", "wellbeing_end", "debt_end")
DEMAND = ("contacts", "failure_contacts", "failure_demand_share", "failure_cost",
          "failure_staff_hours", "revenues_utilisation")
SPLIT = ("resource_cost", "transfers_out", "revenue_in", "net_public_cost",
         *(f"transfer_{t.column}" for t in TRANSFERS), "cts_granted", "benefits_entitled")
HORIZON = ("committed_cost", "committed_ta", "committed_care", "pv_resource_cost",
           "pv_net_public_cost", "pv_resource_cost_per_extra_life",
           "pv_net_cost_per_extra_life")
# Each target as reported and as it really was: (label, reported key, real key).
TARGETS = (("Benefit decisions on time", "decisions_on_time_reported",
            "decisions_on_time_real"),
           *((f"{label.capitalize()}: requests resolved", f"{s.name.lower()}_resolved_reported",
              f"{s.name.lower()}_resolved_real") for s, label in SERVICE_LABELS.items()))
# Weekly series read as individuals (XmR) charts: column, label, unit.
XMR_SERIES = (("spend_total", "Public spend by agency", "GBP a week"),
              ("crises", "Crises, all types", "crises a week"),
              ("failure_demand_share", "Failure demand", "share of contacts"),
              ("ct_paid", "Council tax collected", "GBP a week"),
              ("mean_wellbeing", "Mean wellbeing", "score 0-10"))
JOURNEY_COLUMNS = ("events", "stage_name", "case_name", "domains", "wellbeing", "stress",
                   "debt", "award", "fees_charged_this_week", "public_cost_this_week",
                   "ct_paid_this_week", "relationship")
ROLES = ("most changed", "least changed", "typical")


@dataclass(frozen=True)
class Comparison:
    """Baseline and reform run on the same seeds, read as tidy frames.

    ``summaries``: one row per replicate and regime, every summary indicator.
    ``differences``: one row per indicator: each regime's mean, the paired difference
    (reform minus baseline) with its 95% interval and the replicate count.
    ``weekly``: one row per replicate, regime and week.
    ``deciles``: per income decile and outcome, each regime's mean and the difference.
    ``winners``: per income decile and outcome, the share of people better, the same or
    worse off under the reform.
    ``journeys``: three sampled citizens week by week under both regimes.
    ``xmr``: the main weekly series of the first replicate with natural process limits.
    ``assumptions``: every lever that differs, and the highest-ranked parameters.
    ``metadata``: scenario digest, code version, seeds, the command to reproduce.
    The per-citizen paired differences are on disk (:meth:`citizens`).
    """

    baseline: str
    reform: str
    summaries: pd.DataFrame
    differences: pd.DataFrame
    weekly: pd.DataFrame
    deciles: pd.DataFrame
    winners: pd.DataFrame
    journeys: pd.DataFrame
    chosen: pd.DataFrame
    xmr: pd.DataFrame
    assumptions: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)
    directory: Path | None = None

    FRAMES = ("summaries", "differences", "weekly", "deciles", "winners", "journeys",
              "chosen", "xmr", "assumptions")

    @property
    def replicates(self) -> int:
        return int(self.metadata["replicates"])

    def headline(self) -> pd.DataFrame:
        """The headline indicators: each regime and the difference, with intervals."""
        return self.differences.set_index("indicator").loc[list(HEADLINE)].reset_index()

    def write_report(self, directory: str | Path | None = None) -> Path:
        """``report.html`` (self-contained) and ``report.md`` with its figures, in
        ``directory`` (default: where the comparison is stored); returns the HTML path."""
        from placesim.comparison.report import write_report

        where = Path(directory) if directory is not None else self.directory
        if where is None:
            raise ValueError("give a directory: this comparison was not stored")
        return write_report(self, where)

    def citizens(self, replicate: int | None = None) -> pd.DataFrame:
        """Per-citizen paired differences (one row per replicate and citizen), read from
        disk; ``replicate`` reads one replicate only."""
        if self.directory is None:
            raise ValueError("this comparison was not stored; per-citizen differences "
                             "are kept on disk only")
        path = self.directory / TABLES / "citizens.parquet"
        filters = [("replicate", "=", replicate)] if replicate is not None else None
        return pd.read_parquet(path, filters=filters)

    def reported_vs_real(self) -> pd.DataFrame:
        """Each target as the service reported it and as it really was, per regime."""
        rows = []
        for label, reported, real in TARGETS:
            for regime in (self.baseline, self.reform):
                runs = self.summaries[self.summaries.regime == regime]
                gap = runs[reported] - runs[real]
                rows.append({"target": label, "regime": regime,
                             **_with_interval("reported", runs[reported], 0.0, 1.0),
                             **_with_interval("real", runs[real], 0.0, 1.0),
                             **_with_interval("gap", gap, -1.0, 1.0)})
        return pd.DataFrame(rows)

    def write(self, directory: Path) -> list[Path]:
        """Every frame as CSV and Parquet under ``directory/tables``, and the metadata
        as JSON (each file written whole or not at all)."""
        folder = directory / TABLES
        paths = []
        for name in self.FRAMES:
            frame = getattr(self, name)
            write_table(documented(pa.Table.from_pandas(frame, preserve_index=False),
                                   "comparison", comparison_columns(name)),
                        folder / f"{name}.parquet")
            write_text(folder / f"{name}.csv", frame.to_csv(index=False))
            paths += [folder / f"{name}.parquet", folder / f"{name}.csv"]
        write_json(folder / "metadata.json", self.metadata)
        return [*paths, folder / "metadata.json"]

    @classmethod
    def read(cls, directory: str | Path) -> Comparison:
        """A comparison written by :meth:`write`, from its tables alone."""
        folder = Path(directory) / TABLES
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        frames = {name: pd.read_parquet(folder / f"{name}.parquet") for name in cls.FRAMES}
        return cls(metadata["baseline"], metadata["reform"], metadata=metadata,
                   directory=Path(directory), **frames)


def _with_interval(name: str, values: pd.Series, low: float = -math.inf,
                   high: float = math.inf) -> dict[str, float]:
    mean, lower, upper = interval(values.to_numpy(dtype=float), low, high)
    return {name: mean, f"{name}_low": lower, f"{name}_high": upper}


# Net figures of the Treasury's account that may be below zero: a payer that collects
# more than it spends, the whole purse, the households' net transfers.
SIGNED = frozenset({"net_public_cost", "pv_net_public_cost", "net_household",
                    *(f"net_{p}" for p in COLLECTING)})


def _bounds(key: str, unit: str) -> tuple[float, float, float, float]:
    """Where a mean and a difference of a summary indicator can lie: a share in [0, 1],
    so its difference in [-1, 1]; a net sum of money anywhere; every other indicator
    (money, counts, scores) is at least zero, and its difference unbounded."""
    if unit == "fraction":
        return 0.0, 1.0, -1.0, 1.0
    if key in SIGNED:
        return -math.inf, math.inf, -math.inf, math.inf
    return 0.0, math.inf, -math.inf, math.inf


# Every row a comparison reports: the run summary's, then the Treasury's account.
COMPARED = (*((key, label, unit) for key, label, unit, _ in ROWS),
            *((key, label, unit) for key, label, unit, _ in ACCOUNT_ROWS))


def differences(summaries: pd.DataFrame, baseline: str, reform: str) -> pd.DataFrame:
    """One row per summary indicator and figure of the Treasury's account: each
    regime's mean with its interval, and the paired difference (reform minus baseline,
    replicate by replicate) with its interval; the relative difference is the difference
    over the baseline mean. Then the extra cost per extra life turned around
    (``PER_LIFE``): the ratio of the paired differences, replicate by replicate, as the
    difference (no regime levels); none when some replicate turns around no more lives."""
    wide = summaries.pivot(index="replicate", columns="regime")
    rows = []
    for key, label, unit in COMPARED:
        base, other = wide[(key, baseline)], wide[(key, reform)]
        low, high, below, above = _bounds(key, unit)
        row = {"indicator": key, "label": label.strip(), "unit": unit,
               **_with_interval("baseline", base, low, high),
               **_with_interval("reform", other, low, high),
               **_with_interval("difference", other - base, below, above),
               "replicates": int((other - base).notna().sum())}
        mean = row["baseline"]
        row["relative"] = row["difference"] / mean if mean else math.nan
        row["clear"] = bool(row["difference_low"] > 0 or row["difference_high"] < 0)
        rows.append(row)
    for key, label, unit, cost, lives in PER_LIFE:
        gained = wide[(lives, reform)] - wide[(lives, baseline)]
        ratio = (wide[(cost, reform)] - wide[(cost, baseline)]) / gained
        if (gained <= 0).any():  # no extra life in some replicate: no cost per life
            ratio[:] = math.nan
        nothing = {f"{side}{end}": math.nan for side in ("baseline", "reform")
                   for end in ("", "_low", "_high")}
        row = {"indicator": key, "label": label, "unit": unit, **nothing,
               **_with_interval("difference", ratio), "replicates": int(ratio.notna().sum()),
               "relative": math.nan}
        row["clear"] = bool(row["difference_low"] > 0 or row["difference_high"] < 0)
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Pairs:
    """One replicate's citizens under both regimes: each outcome's levels and difference
    (reform minus baseline), by citizen; deciles are cut on income at the start, the
    same for both regimes under common random numbers."""

    replicate: int
    citizen: np.ndarray
    decile: np.ndarray  # 1 (poorest) to 10
    income_start: np.ndarray
    baseline: dict[str, np.ndarray]
    reform: dict[str, np.ndarray]

    @classmethod
    def read(cls, store: Path, runs: Mapping[str, str], replicate: int) -> Pairs:
        columns = ["citizen", "income_start", *(o.column for o in PERSONAL)]
        base = pq.read_table(run_file(store, "outcomes", runs["baseline"]), columns=columns)
        other = pq.read_table(run_file(store, "outcomes", runs["reform"]), columns=columns)
        income = base["income_start"].to_pandas()
        return cls(replicate, base["citizen"].to_numpy(), decile_of(income).to_numpy(),
                   income.to_numpy(),
                   {o.column: base[o.column].to_numpy().astype(float) for o in PERSONAL},
                   {o.column: other[o.column].to_numpy().astype(float) for o in PERSONAL})

    def difference(self, column: str) -> np.ndarray:
        return self.reform[column] - self.baseline[column]

    def direction(self, outcome: Outcome) -> np.ndarray:
        return direction(self.difference(outcome.column), outcome.tolerance,
                         bool(outcome.lower_is_better))

    def table(self) -> pa.Table:
        """The per-citizen paired differences, as stored (levels are in the runs)."""
        columns = {"replicate": np.full(len(self.citizen), self.replicate, dtype=np.int16),
                   "citizen": self.citizen, "decile": self.decile,
                   "income_start": self.income_start}
        columns.update({f"{o.column}_difference": self.difference(o.column)
                        for o in PERSONAL})
        columns.update({f"{o.column}_direction": self.direction(o) for o in WINNERS})
        return pa.table(columns)

    def by_decile(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Decile means of each outcome (levels, difference, relative difference) and the
        shares of people better off, the same and worse off."""
        people = np.bincount(self.decile, minlength=11)[1:]

        def mean(values: np.ndarray) -> np.ndarray:
            return np.bincount(self.decile, weights=values, minlength=11)[1:] / people

        deciles = np.arange(1, 11)
        means = []
        for o in PERSONAL:
            base, reform = mean(self.baseline[o.column]), mean(self.reform[o.column])
            difference = mean(self.difference(o.column))
            relative = np.divide(difference, base, out=np.full(10, np.nan), where=base != 0)
            means.append(pd.DataFrame({"decile": deciles, "outcome": o.column,
                                       "baseline": base, "reform": reform,
                                       "difference": difference, "relative": relative}))
        shares = []
        for o in WINNERS:
            sign = self.direction(o)
            shares.append(pd.DataFrame({"decile": deciles, "outcome": o.column,
                                        "better": mean(sign > 0), "same": mean(sign == 0),
                                        "worse": mean(sign < 0)}))
        return (pd.concat(means, ignore_index=True).assign(replicate=self.replicate),
                pd.concat(shares, ignore_index=True).assign(replicate=self.replicate))


def _choose_journeys(pairs: Pairs, sampled: np.ndarray) -> pd.DataFrame:
    """Three different citizens among those whose journeys were recorded: the one whose
    wellbeing the regimes change most, the one they change least, and a typical one of
    the people they change at all — nearest the median change of wellbeing among them
    (ties: the larger, or smaller, change of debt, then the lower id)."""
    frame = pd.DataFrame({"citizen": pairs.citizen, "decile": pairs.decile,
                          **{f"{o.column}_difference": pairs.difference(o.column)
                             for o in (DEBT, WELLBEING, FEES)}})
    changed = ((frame["wellbeing_difference"].abs() > WELLBEING.tolerance)
               | (frame["debt_difference"].abs() > DEBT.tolerance))
    median = float(frame.loc[changed, "wellbeing_difference"].median()) if changed.any() else 0.0
    rows = frame[frame["citizen"].isin(sampled)]
    size = rows["wellbeing_difference"].abs().to_numpy()
    debt_change = rows["debt_difference"].abs().to_numpy()
    untouched = ~changed[rows.index].to_numpy()
    keys = {"most changed": (-size, -debt_change),
            "least changed": (size, debt_change),
            "typical": (untouched, np.abs(rows["wellbeing_difference"].to_numpy() - median),
                        debt_change)}
    chosen: list[dict] = []
    for role in ROLES:
        for k in np.lexsort((rows["citizen"].to_numpy(), *reversed(keys[role]))):
            row = rows.iloc[k]
            if all(int(row["citizen"]) != c["citizen"] for c in chosen):
                break
        else:
            continue  # fewer recorded citizens than roles
        chosen.append({"role": role, "citizen": int(row["citizen"]),
                       "decile": int(row["decile"]),
                       "wellbeing_difference": float(row["wellbeing_difference"]),
                       "debt_difference": float(row["debt_difference"]),
                       "fees_charged_difference": float(row["fees_charged_difference"])})
    return pd.DataFrame(chosen, columns=["role", "citizen", "decile", "wellbeing_difference",
                                         "debt_difference", "fees_charged_difference"])


def _journeys(store: Path, runs: Mapping[str, str], chosen: pd.DataFrame,
              regimes: Mapping[str, str]) -> pd.DataFrame:
    """The chosen citizens' weeks under both regimes (money in GBP)."""
    frames = []
    for side, run_id in runs.items():
        journeys = pd.read_parquet(run_file(store, "journeys", run_id))
        journeys = journeys[journeys["citizen"].isin(chosen["citizen"])].copy()
        journeys["debt"] = journeys[list(DEBT_FIELDS)].sum(axis=1)
        journeys["regime"] = regimes[side]
        frames.append(journeys[["regime", "week", "citizen", *JOURNEY_COLUMNS]])
    frame = pd.concat(frames, ignore_index=True)
    roles = frame["citizen"].map(dict(zip(chosen["citizen"], chosen["role"], strict=True)))
    frame.insert(0, "role", pd.Categorical(roles, categories=ROLES, ordered=True))
    return frame.sort_values(["role", "regime", "week"], kind="stable").reset_index(
        drop=True)


def _xmr(weekly: pd.DataFrame, baseline: str, reform: str) -> pd.DataFrame:
    first = weekly[weekly.replicate == weekly.replicate.min()]
    frames = []
    for column, label, unit in XMR_SERIES:
        for regime in (baseline, reform):
            values = first.loc[first.regime == regime, column].to_numpy(dtype=float)
            centre, lower, upper = xmr_limits(values)
            frames.append(pd.DataFrame({
                "series": column, "label": label, "unit": unit, "regime": regime,
                "week": np.arange(len(values)), "value": values, "centre": centre,
                "lower": lower, "upper": upper,
                "beyond": (values > upper) | (values < lower)}))
    return pd.concat(frames, ignore_index=True)


def _schedule_text(scenario: Scenario, regime: str, lever: str) -> str:
    """A lever's value in a regime, with any dated change (e.g. ``0 -> 1 from week 104``)."""
    schedule = scenario.schedule(regime)
    text = f"{schedule[0][lever]:g}"
    for week, levers in sorted(schedule.items()):
        if week and lever in levers:
            text += f" -> {levers[lever]:g} from week {week}"
    return text


def assumptions(scenario: Scenario, baseline: str, reform: str,
                screening: pd.DataFrame | None) -> pd.DataFrame:
    """Every lever whose schedule differs between the regimes, then the parameters a
    sensitivity analysis ranks highest, with their values in this scenario and sources.

    ``screening`` is a ``sensitivity.csv`` as ``placesim sensitivity`` writes it (Morris
    mu* or Sobol total-order indices); the five highest per output are kept.
    """
    rows = []
    for lever in REGIME_LEVERS:
        values = {r: _schedule_text(scenario, r, lever.name) for r in (baseline, reform)}
        if values[baseline] != values[reform]:
            rows.append({"kind": "lever", "parameter": f"regime.{lever.name}",
                         "output": "", "rank": np.nan, "importance": np.nan,
                         "baseline": values[baseline], "reform": values[reform],
                         "unit": lever.unit, "meaning": lever.doc, "source": lever.source})
    if screening is not None:
        specs = {f"{s}.{f.name}": f for s, fields in SECTIONS.items() for f in fields}
        specs.update({f"levers.{f.name}": f for f in REGIME_LEVERS})  # a lever of both
        index = "mu_star" if (screening["index"] == "mu_star").any() else "ST"
        ranked = screening[(screening["index"] == index)
                           & screening["parameter"].isin(list(specs))]
        for output, group in ranked.groupby("output", sort=True):
            top = group.sort_values("value", ascending=False).head(5)
            for rank, row in enumerate(top.itertuples(), start=1):
                spec = specs[row.parameter]
                values = ({r: _schedule_text(scenario, r, spec.name) for r in (baseline, reform)}
                          if row.parameter.startswith("levers.")
                          else dict.fromkeys((baseline, reform),
                                             f"{scenario.get(row.parameter):g}"))
                rows.append({"kind": f"sensitivity ({index})", "parameter": row.parameter,
                             "output": output, "rank": rank, "importance": row.value,
                             "baseline": values[baseline], "reform": values[reform],
                             "unit": spec.unit, "meaning": spec.doc, "source": spec.source})
    return pd.DataFrame(rows, columns=["kind", "parameter", "output", "rank", "importance",
                                       "baseline", "reform", "unit", "meaning", "source"])


def _with_accounts(summaries: pd.DataFrame, weekly: pd.DataFrame, terms: Terms,
                   horizon: int) -> pd.DataFrame:
    """Each run's summary with its Treasury account over ``horizon``, derived from its
    weekly tallies (in place of the one the sweep stored over the default horizon)."""
    summaries = summaries.drop(columns=[k for k in ACCOUNT_KEYS if k in summaries])
    accounts = pd.DataFrame([{"replicate": replicate, "regime": regime, **account(
        group.sort_values("week"), terms, horizon)}
        for (replicate, regime), group in weekly.groupby(["replicate", "regime"])])
    return summaries.merge(accounts, on=["replicate", "regime"], how="left",
                           validate="one_to_one")


def build(out: Path, scenario: Scenario, baseline: str, reform: str,
          screening: pd.DataFrame | None = None, command: str = "",
          horizon: int = DEFAULT_HORIZON_YEARS) -> Comparison:
    """The comparison of the finished runs in ``out/store``, with each run's Treasury
    account discounted over ``horizon`` years; per-citizen differences are streamed to
    ``out/tables/citizens.parquet``."""
    store = out / "store"
    plan = read_plan(store)
    summaries = read_results(store, "summary").drop(columns=["point"])
    missing = set(plan["run_id"]) - set(summaries["run_id"])
    if missing:
        raise ValueError(f"{len(missing)} of the comparison's runs are not finished")
    weekly = read_results(store, "weekly").drop(columns=["point"])
    weekly["crises"] = weekly[CRISES].sum(axis=1)
    summaries = _with_accounts(summaries, weekly, Terms.of(scenario), horizon)
    role = {baseline: "baseline", reform: "reform"}
    runs = {r: dict(zip(g["regime"].map(role), g["run_id"], strict=True))
            for r, g in plan.groupby("replicate")}
    means, shares, chosen, journeys = [], [], None, None
    path = out / TABLES / "citizens.parquet"
    with replaced(path) as temporary:
        writer = None
        for replicate, pair in sorted(runs.items()):
            pairs = Pairs.read(store, pair, replicate)
            table = documented(pairs.table(), "comparison", comparison_columns("citizens"))
            writer = writer or pq.ParquetWriter(temporary, table.schema,
                                                use_dictionary=False)
            writer.write_table(table)
            level, share = pairs.by_decile()
            means.append(level)
            shares.append(share)
            if chosen is None:
                sampled = pd.read_parquet(run_file(store, "journeys", pair["baseline"]),
                                          columns=["citizen"])["citizen"].unique()
                chosen = _choose_journeys(pairs, sampled)
                journeys = _journeys(store, pair, chosen, {"baseline": baseline,
                                                           "reform": reform})
        if writer is not None:
            writer.close()
    decile_columns = ["baseline", "reform", "difference", "relative"]
    deciles = summarise(pd.concat(means), ["decile", "outcome"], decile_columns)
    winners = summarise(pd.concat(shares), ["decile", "outcome"],
                        ["better", "same", "worse"], 0.0, 1.0)
    seeds = sorted(int(s) for s in plan["seed"].unique())
    metadata = {"scenario": scenario.name, "scenario_digest": scenario.digest(),
                "baseline": baseline, "reform": reform, "replicates": len(runs),
                "seeds": seeds, "citizens": int(scenario.get("place.citizens")),
                "weeks": int(scenario.get("place.weeks")), "code_version": code_version(),
                "command": command, "few_replicates": len(runs) < FEW_REPLICATES,
                "horizon_years": horizon,
                "run_ids": {str(k): v for k, v in runs.items()}}
    return Comparison(baseline, reform, summaries,
                      differences(summaries, baseline, reform), weekly, deciles, winners,
                      journeys, chosen, _xmr(weekly, baseline, reform),
                      assumptions(scenario, baseline, reform, screening), metadata, out)
