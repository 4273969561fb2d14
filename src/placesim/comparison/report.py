"""The comparison report: what a policy team reads, with every figure's 95% interval.

Sections: the headline; who pays and who saves; life outcomes; distribution and winners
and losers; reported versus real; variation (XmR charts); demand; three journeys side by
side; assumptions; how to reproduce; and the uncertainty said plainly. Written as
``report.html`` (one self-contained file) and ``report.md`` with its figures beside it.
"""

from __future__ import annotations

import math
from functools import partial
from pathlib import Path

import pandas as pd

from placesim.atomic import write_text
from placesim.comparison import figures as fig
from placesim.comparison.document import (
    Code,
    Document,
    Heading,
    Note,
    Picture,
    Table,
    Text,
    drawn,
    pictures,
    to_html,
    to_markdown,
)
from placesim.comparison.statistics import CONFIDENCE, FEW_REPLICATES
from placesim.comparison.tables import (
    AGENCIES,
    DEMAND,
    HEADLINE,
    HORIZON,
    LIFE,
    PAYERS,
    PERSONAL,
    RESOURCES,
    ROLES,
    SPLIT,
    WINNERS,
    Comparison,
)
from placesim.summary import SUMMARY_LABELS

WIDE = 0.5  # an interval whose half-width exceeds half the difference is called wide


def number(value: float, unit: str, signed: bool = False,
           scale: float | None = None) -> str:
    """A value in its unit, for people: £ with k or m, shares as %, counts rounded.

    ``scale`` (default: the value's own size) picks the suffix and the decimals, so a
    mean and its interval's ends are written alike ("-£8k [-£10k, -£6k]"). A value that
    is not zero but would show as one at that scale is written at its own ("[-£11k,
    -£400]", not "-£0k")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    written = _number(value, unit, signed, abs(value) if scale is None else scale)
    if value != 0 and not any(digit in written for digit in "123456789"):
        return _number(value, unit, signed, abs(value))
    return written


def _number(value: float, unit: str, signed: bool, scale: float) -> str:
    """:func:`number` at a given scale."""
    sign = "+" if signed and value > 0 else ("-" if value < 0 else "")
    size = abs(value)
    if unit.startswith("GBP"):
        if scale >= 1e6:
            text = f"£{size / 1e6:,.2f}m"
        elif scale >= 1e4:
            text = f"£{size / 1e3:,.0f}k"
        else:
            text = f"£{size:,.0f}" if scale >= 100 else f"£{size:,.2f}"
    elif unit in ("fraction", "share"):  # a share; its difference in percentage points
        return f"{sign}{size * 100:.1f}{' points' if signed else '%'}"
    elif unit == "relative":  # a change relative to a level
        return f"{sign}{size * 100:.1f}%"
    elif unit.startswith("score") or unit == "weeks":
        text = f"{size:.2f}"
    else:
        text = f"{size:,.0f}" if scale >= 100 else f"{size:,.1f}"
    return sign + text


def with_interval(mean: float, low: float, high: float, unit: str,
                  signed: bool = False) -> str:
    if math.isnan(low):
        return number(mean, unit, signed)
    scale = max(abs(mean), abs(low), abs(high))
    return (f"{number(mean, unit, signed, scale)} [{number(low, unit, signed, scale)}, "
            f"{number(high, unit, signed, scale)}]")


def _verdict(row: pd.Series) -> str:
    if math.isnan(row["difference_low"]):
        return "no interval"
    if not row["clear"]:
        return "cannot tell from zero"
    half = (row["difference_high"] - row["difference_low"]) / 2
    return "clear, but wide" if half > WIDE * abs(row["difference"]) else "clear"


def indicator_table(comparison: Comparison, keys: tuple[str, ...]) -> pd.DataFrame:
    """Baseline, reform and the difference, each with its interval, in words."""
    rows = comparison.differences.set_index("indicator").loc[list(keys)]
    return pd.DataFrame({
        "indicator": [label[0].upper() + label[1:] for label in rows["label"]],
        "unit": rows["unit"],
        comparison.baseline: [with_interval(r.baseline, r.baseline_low, r.baseline_high,
                                            r.unit) for r in rows.itertuples()],
        comparison.reform: [with_interval(r.reform, r.reform_low, r.reform_high, r.unit)
                            for r in rows.itertuples()],
        "difference [95% interval]": [
            with_interval(r.difference, r.difference_low, r.difference_high, r.unit, True)
            for r in rows.itertuples()],
        "reading": [_verdict(r) for _, r in rows.iterrows()],
    })


def _sentence(comparison: Comparison, key: str) -> str:
    r = comparison.differences.set_index("indicator").loc[key]
    more = "more" if r.difference > 0 else "less"
    change = number(abs(r.difference), r.unit)
    interval = (f" (95% interval {number(r.difference_low, r.unit, True)} to "
                f"{number(r.difference_high, r.unit, True)})"
                if not math.isnan(r.difference_low) else "")
    tail = "" if r.clear else "; the replicates cannot tell this apart from no difference"
    return (f"{r.label}: {number(r.baseline, r.unit)} under {comparison.baseline}, "
            f"{number(r.reform, r.unit)} under {comparison.reform}: {change} {more}"
            f"{interval}{tail}.")


def _uncertainty(comparison: Comparison) -> list[Note]:
    n = comparison.replicates
    notes = [Note(f"Every figure is the mean over {n} replicates (seeds "
                  f"{', '.join(map(str, comparison.metadata['seeds']))}); intervals are "
                  f"{CONFIDENCE:.0%} t-intervals across replicates. A difference is paired: "
                  "both regimes ran on the same seed, so each replicate's luck cancels out "
                  "of its own difference.")]
    if n < FEW_REPLICATES:
        notes.append(Note(f"Only {n} replicates: the intervals are rough and may be "
                          "too narrow or too wide. Run with --replicates 10 or more "
                          "before relying on them.", "warning"))
    unclear = comparison.differences.set_index("indicator").loc[list(HEADLINE)]
    unclear = unclear[~unclear["clear"]]
    if len(unclear):
        notes.append(Note("Cannot be told apart from no difference at this number of "
                          "replicates: " + "; ".join(unclear["label"]) + ".", "warning"))
    return notes


def _agency_table(comparison: Comparison) -> pd.DataFrame:
    return indicator_table(comparison, AGENCIES)


def _decile_table(comparison: Comparison) -> pd.DataFrame:
    rows = []
    for outcome in PERSONAL:
        part = comparison.deciles[comparison.deciles.outcome == outcome.column]
        for r in part.itertuples():
            rows.append({"outcome": outcome.label, "decile": r.decile,
                         comparison.baseline: number(r.baseline, outcome.unit),
                         comparison.reform: number(r.reform, outcome.unit),
                         "difference [95% interval]": with_interval(
                             r.difference, r.difference_low, r.difference_high,
                             outcome.unit, True),
                         "relative [95% interval]": with_interval(
                             r.relative, r.relative_low, r.relative_high, "relative", True)})
    return pd.DataFrame(rows)


def _winners_table(comparison: Comparison) -> pd.DataFrame:
    rows = []
    for outcome in WINNERS:
        part = comparison.winners[comparison.winners.outcome == outcome.column]
        for r in part.itertuples():
            rows.append({"outcome": outcome.label, "decile": r.decile,
                         "better off": with_interval(r.better, r.better_low, r.better_high,
                                                     "fraction"),
                         "the same": with_interval(r.same, r.same_low, r.same_high,
                                                   "fraction"),
                         "worse off": with_interval(r.worse, r.worse_low, r.worse_high,
                                                    "fraction")})
    return pd.DataFrame(rows)


def _reported_table(comparison: Comparison) -> pd.DataFrame:
    table = comparison.reported_vs_real()
    return pd.DataFrame({
        "target": table["target"], "regime": table["regime"],
        "as reported": [with_interval(r.reported, r.reported_low, r.reported_high,
                                      "fraction") for r in table.itertuples()],
        "as it really was": [with_interval(r.real, r.real_low, r.real_high, "fraction")
                             for r in table.itertuples()],
        "gap (reported minus real)": [with_interval(r.gap, r.gap_low, r.gap_high,
                                                    "fraction", True)
                                      for r in table.itertuples()]})


def _xmr_table(comparison: Comparison) -> pd.DataFrame:
    rows = []
    for (series, regime), part in comparison.xmr.groupby(["series", "regime"], sort=False):
        unit = "GBP" if part["unit"].iloc[0].startswith("GBP") else (
            "fraction" if part["unit"].iloc[0].startswith("share") else "count")
        rows.append({"series": part["label"].iloc[0], "regime": regime,
                     "unit": part["unit"].iloc[0],
                     "mean": number(part["centre"].iloc[0], unit),
                     "natural process limits": f"{number(part['lower'].iloc[0], unit)} to "
                                               f"{number(part['upper'].iloc[0], unit)}",
                     "weeks beyond them": f"{int(part['beyond'].sum())} of {len(part)}"})
    return pd.DataFrame(rows)


def _journey_table(comparison: Comparison, role: str) -> pd.DataFrame:
    """The weeks in which something happened under either regime, side by side."""
    rows = comparison.journeys[comparison.journeys.role == role]
    sides = {regime: rows[rows.regime == regime].set_index("week")
             for regime in (comparison.baseline, comparison.reform)}
    base, other = sides[comparison.baseline], sides[comparison.reform]
    weeks = base.index[(base["events"] != "") | (other["events"] != "")
                       | (base["fees_charged_this_week"] > 0)
                       | (other["fees_charged_this_week"] > 0)]
    out = []
    for week in weeks:
        row = {"week": int(week)}
        for regime, side in sides.items():
            r = side.loc[week]
            extra = f"; fees £{r.fees_charged_this_week:,.2f}" if r.fees_charged_this_week else ""
            row[f"{regime}: what happened"] = (r.events.replace("_", " ") or "—") + extra
            row[f"{regime}: wellbeing, debt"] = f"{r.wellbeing:.1f}, £{r.debt:,.0f}"
        out.append(row)
    return pd.DataFrame(out)


def _assumption_tables(comparison: Comparison) -> list:
    table = comparison.assumptions
    levers = table[table.kind == "lever"]
    blocks: list = [Table(pd.DataFrame({
        "lever": levers["parameter"], comparison.baseline: levers["baseline"],
        comparison.reform: levers["reform"], "unit": levers["unit"],
        "what it means": levers["meaning"], "source": levers["source"]}),
        "Levers that differ between the regimes (dated changes shown as -> from week)")]
    ranked = table[table.kind != "lever"]
    if len(ranked):
        blocks.append(Text("The parameters a sensitivity analysis ranks highest for what "
                           "the regimes change, with their values in this place. They are "
                           "the same under both regimes; the ranking says where a different "
                           f"value would move the conclusion most ({ranked['kind'].iloc[0]}, "
                           "from the screening shipped with placesim: "
                           "experiments/what_drives_learning_cost.toml, learning minus "
                           "target, unless another was given)."))
        blocks.append(Table(pd.DataFrame({
            "output": ranked["output"].map(lambda o: SUMMARY_LABELS.get(o, o)),
            "rank": ranked["rank"].astype(int),
            "parameter": ranked["parameter"], "value": ranked["baseline"],
            "unit": ranked["unit"], "what it means": ranked["meaning"],
            "source": ranked["source"]}), "Highest-ranked parameters"))
    return blocks


def document(comparison: Comparison) -> Document:
    """The report as blocks."""
    c, m = comparison, comparison.metadata
    doc = Document(
        f"{c.reform} compared with {c.baseline}: {m['scenario']}",
        f"{m['citizens']:,} citizens over {m['weeks']} weeks, {c.replicates} paired "
        f"replicates; placesim {m['code_version']}")
    horizon = int(m.get("horizon_years", 0))
    doc.add(Heading("Headline", anchor="headline"), *_uncertainty(c),
            Note(_counting(horizon, m["weeks"]), "info"),
            *(Text(_sentence(c, key)) for key in ("net_public_cost", "pv_net_public_cost",
                                                   "turned_around_end")),
            Text(_per_life_sentence(c)),
            Text(_crises_sentence(c)),
            Table(indicator_table(c, HEADLINE), "Headline: simulated over the run, "
                  f"committed at its end, discounted over {horizon} years"),
            Heading("Who pays and who saves", anchor="agencies"),
            Text("The wrong-pocket problem: one payer's extra cost can be another's saving. "
                 "Each public payer's net cost is its resource costs plus the transfers it "
                 "pays out less the revenue it collects; households' net transfers are what "
                 "they receive less what they pay. Transfers net to zero across the whole "
                 "place, the households and the enforcement agents included."),
            Picture("payers", partial(
                fig.differences_by, c, PAYERS, "Who pays and who saves: net cost by payer",
                f"{c.reform} minus {c.baseline}, GBP over the run (95% interval)"),
                "Difference in each payer's net cost over the run; bars right of zero: "
                f"that payer bears more under {c.reform}."),
            Table(indicator_table(c, PAYERS), "Net cost by payer"),
            Table(indicator_table(c, RESOURCES), "Resource costs by payer, with the "
                  "relational team's set-up and management"),
            Heading("Transfers and resource costs", anchor="transfers", level=3),
            Text("As the Green Book counts them: resource costs use up staff time, "
                 "placements, beds and rooms; transfers (benefits, council tax, court "
                 "costs and fees) move money between pockets and use none. Council-tax "
                 "support is a discount on bills: the council tax collected is already "
                 "net of it, so it is shown as a memo, not counted again. Net cost to the "
                 "public purse = resource costs + transfers out − revenue in, each part "
                 "shown."),
            Table(indicator_table(c, SPLIT), "Transfers apart from resource costs"),
            Picture("agencies", partial(
                fig.differences_by, c, AGENCIES, "Spend by agency, as the engine charges it",
                f"{c.reform} minus {c.baseline}, GBP over the run (95% interval)"),
                "Difference in each agency's spend over the run; bars right of zero: "
                f"{c.reform} spends more."),
            Table(_agency_table(c), "Spend by agency (housing's includes the rent arrears "
                  "it pays off, a transfer)"),
            Heading("Committed and discounted", anchor="horizon", level=3),
            Text(f"Costs committed at the end of the run: the households still in temporary "
                 "accommodation and the children still in care at the last week stay on, "
                 "leaving at a constant weekly rate with the published mean stays "
                 "(costs.ta_stay_weeks, costs.care_stay_weeks). Present values discount "
                 "every simulated week and every committed week to the run's first week at "
                 f"HM Treasury Green Book rates (3.5% a year for years 1-30), up to "
                 f"{horizon} years from the start. Nothing after the run is extrapolated: "
                 "no new demand is assumed beyond the simulated weeks."),
            Table(indicator_table(c, HORIZON), f"Committed at the end, and discounted over "
                  f"{horizon} years"),
            Heading("Life outcomes", anchor="life"),
            Picture("life", partial(fig.relative_differences, c, LIFE, "Life outcomes"),
                    "Each outcome's difference as a share of its level under "
                    f"{c.baseline}."),
            Table(indicator_table(c, LIFE), "Life outcomes over the run (stocks at the end)"),
            Heading("Who gains: distribution by income", anchor="distribution"),
            Note("Common random numbers make this per-person reading possible: every "
                 "citizen lived the same life events under both regimes, so comparing a "
                 "person with themselves says who is better off, who is worse off and who "
                 "is untouched — not only how the averages moved.", "info"),
            Text("Citizens are put in deciles by their weekly income at the start of the "
                 "run (the same under both regimes). A person counts as the same when their "
                 "debt or fees differ by £1 or less, or their wellbeing by 0.05 points or "
                 "less."),
            Picture("deciles", partial(fig.deciles, c), "Mean difference per person by income "
                    "decile, with 95% intervals (green: better off under the reform)."),
            Picture("winners", partial(fig.winners, c), "Share of each decile better off, the same "
                    "and worse off under the reform (interval on the share better off)."),
            Table(_winners_table(c), "Winners and losers by decile", scroll=True),
            Table(_decile_table(c), "Means by decile, absolute and relative", scroll=True),
            Heading("Reported versus real", anchor="reported"),
            Text("Each target as the service reports it and as it really was. Under targets "
                 "the reported figure drifts from the real one (Goodhart's law): the gap "
                 "is what gaming and definitions hide."),
            Picture("reported", partial(fig.reported_vs_real, c), "Targets as reported and as "
                    "they really were, both regimes."),
            Table(_reported_table(c), "Reported versus real"),
            Heading("Variation, not red/amber/green", anchor="variation"),
            Text("Individuals (XmR) charts of the main weekly series, one replicate: the "
                 "natural process limits (mean ± 2.66 × mean moving range) show the "
                 "variation a stable process produces; only points beyond them are "
                 "signals worth investigating. The limits are computed over the whole run."),
            *(Picture(f"xmr_{series}", partial(fig.xmr, c, series), f"XmR chart: {label} ({unit}).")
              for series, label, unit in _series(c)),
            Table(_xmr_table(c), "Process behaviour"),
            Heading("Demand: value and failure", anchor="demand"),
            Text("Failure demand is demand caused by a failure to do something or to do it "
                 "right: chasing, repeat requests, re-applications, wrong-door hand-offs."),
            Picture("demand", partial(fig.demand, c), "Contacts with services over the run."),
            Table(indicator_table(c, DEMAND), "Demand"),
            Heading("Three journeys side by side", anchor="journeys"),
            Text("The same citizens under both regimes, week by week, in the first "
                 "replicate: chosen among the citizens whose journeys were recorded as the "
                 "one whose wellbeing the regimes change most, the one they change least, "
                 "and a typical one of those they change at all."))
    for k, role in enumerate(ROLES):
        chosen = c.chosen[c.chosen.role == role]
        if not len(chosen):
            continue
        row = chosen.iloc[0]
        doc.add(Heading(f"{role.capitalize()}: citizen {row.citizen} (income decile "
                        f"{row.decile})", 3),
                Text(f"Wellbeing at the end {number(row.wellbeing_difference, 'score', True)}"
                     f" points, debt {number(row.debt_difference, 'GBP', True)}, fees "
                     f"{number(row.fees_charged_difference, 'GBP', True)} under "
                     f"{c.reform}."),
                Picture(f"journey_{k + 1}", partial(fig.journey, c, role),
                        "Wellbeing and debt week by week."),
                Table(_journey_table(c, role), "Weeks in which something happened",
                      scroll=True))
    doc.add(Heading("Assumptions", anchor="assumptions"), *_assumption_tables(c),
            Heading("Reproduce", anchor="reproduce"),
            Text("Every number here is computed from the stored runs (the store folder "
                 "beside this report); the same command reruns nothing that is already "
                 "stored and gives this report again."),
            Code(m["command"]),
            Table(pd.DataFrame({"": ["scenario", "scenario digest", "regimes", "seeds",
                                     "citizens", "weeks", "code version"],
                                "value": [m["scenario"], m["scenario_digest"],
                                          f"{c.baseline} (baseline), {c.reform} (reform)",
                                          ", ".join(map(str, m["seeds"])),
                                          f"{m['citizens']:,}", str(m["weeks"]),
                                          m["code_version"]]})),
            Heading("What the model cannot tell you", anchor="limits"),
            Text("placesim is a model of mechanisms, calibrated where evidence exists and "
                 "labelled as assumption where it does not (each parameter's source is in "
                 "docs/parameters.md). Intervals here cover the randomness of lives between "
                 "replicates, not the uncertainty of the parameters themselves: for that, "
                 "read the sensitivity ranking above and run a sweep. The money is the cost "
                 "of the services and the transfers the model represents, not every public "
                 "pound in a place; the discounted figures count the simulated weeks and "
                 "the stays committed at the end, not what the place would do after the "
                 "run. Results for a real place need that place's own figures."))
    return doc


def _counting(horizon: int, weeks: int) -> str:
    return (f"How the money is counted: 'simulated' figures are totals over the run's "
            f"{weeks} weeks, undiscounted; 'committed' figures are the expected cost of the "
            "stays in care and temporary accommodation still running at its end; "
            f"'discounted' figures are present values over {horizon} years from the start "
            "at Green Book rates, simulated and committed weeks together. Transfers are "
            "kept apart from resource costs.")


def _per_life_sentence(comparison: Comparison) -> str:
    r = comparison.differences.set_index("indicator").loc["pv_net_cost_per_extra_life"]
    if math.isnan(r.difference):
        return ("Net public cost per extra life turned around: none, because "
                f"{comparison.reform} does not turn around more lives than "
                f"{comparison.baseline} in every replicate.")
    interval = ("" if math.isnan(r.difference_low) else
                f" (95% interval {number(r.difference_low, 'GBP', True)} to "
                f"{number(r.difference_high, 'GBP', True)})")
    return (f"{r.label}: {number(r.difference, 'GBP', True)}{interval}, the paired "
            "difference in discounted net public cost over the difference in lives turned "
            "around at the end, replicate by replicate; below zero, each extra life comes "
            "with a saving.")


def _crises_sentence(comparison: Comparison) -> str:
    r = comparison.differences.set_index("indicator").loc["crises"]
    avoided = -r.difference
    verb = "avoided" if avoided > 0 else "added"
    interval = ("" if math.isnan(r.difference_low) else
                f" (95% interval {number(-r.difference_high, 'count')} to "
                f"{number(-r.difference_low, 'count')})")
    return (f"Crises (evictions, A&E attendances, mental-health crises, children taken "
            f"into care, police call-outs) {verb} under {comparison.reform}: "
            f"{number(abs(avoided), 'count')}{interval}, of "
            f"{number(r.baseline, 'count')} under {comparison.baseline}.")


def _series(comparison: Comparison) -> list[tuple[str, str, str]]:
    first = comparison.xmr.drop_duplicates("series")
    return list(zip(first["series"], first["label"], first["unit"], strict=True))


def write_report(comparison: Comparison, directory: Path) -> Path:
    """``report.html``, ``report.md`` and ``figures/*.svg`` in ``directory``; returns the
    HTML's path."""
    doc = drawn(document(comparison))
    for picture in pictures(doc):
        write_text(directory / "figures" / f"{picture.name}.svg", picture.svg)
    write_text(directory / "report.md", to_markdown(doc))
    path = directory / "report.html"
    write_text(path, to_html(doc))
    return path


def headline_text(comparison: Comparison) -> str:
    """The headline table with intervals, for a terminal."""
    table = indicator_table(comparison, HEADLINE).drop(columns=["unit"])
    widths = [max(len(str(c)), *(len(str(v)) for v in table[c])) for c in table.columns]
    title = (f"{comparison.reform} compared with {comparison.baseline}: mean of "
             f"{comparison.replicates} paired replicates [95% interval]")
    horizon = int(comparison.metadata.get("horizon_years", 0))
    lines = [title, _counting(horizon, comparison.metadata["weeks"]), ""]
    for row in [list(table.columns), *table.itertuples(index=False)]:
        cells = [str(v).ljust(w) if k == 0 else str(v).rjust(w)
                 for k, (v, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells))
    lines += [f"  {note.text}" for note in _uncertainty(comparison)[1:]]
    return "\n".join(lines)
