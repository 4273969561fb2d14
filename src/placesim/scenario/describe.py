"""The parameter table as Markdown: docs/parameters.md and ``placesim parameters``."""

from __future__ import annotations

import csv
import re
from importlib import resources

from placesim.scenario.fields import REGIME_LEVERS, REGIME_PRESETS, SECTIONS, Field

INTRO = """\
# Parameters

Generated from the parameter table in `src/placesim/scenario/fields.py` by
`placesim parameters` (a test checks that this file is up to date). That table is the
single source of truth: the scenario validator, the parameter record the engine reads and
the defaults of `PlaceModel` all come from it. A scenario file (TOML) sets a parameter by
its dotted path, e.g. `[life]` `job_loss = 0.004`; every field it leaves out takes the
default shown here. Money is given in pounds (GBP) in scenarios and held in whole pence
inside the engine. A source `assumption` marks a modelling choice that sensitivity
analysis should probe; `calibration:KEY` points to a row of
`src/placesim/data/calibration.csv`, listed with its reference and confidence at the end.
The model is described in [odd.md](odd.md).
"""

HEADER = ("| dotted path | default | unit | allowed range | meaning | source |\n"
          "|---|---|---|---|---|---|")


def _number(value: float) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:g}"


def _row(path: str, f: Field) -> str:
    return (f"| `{path}` | {_number(f.default)} | {f.unit} | {_number(f.low)} – "
            f"{_number(f.high)} | {f.doc} | {f.source} |")


def calibration_rows() -> dict[str, dict[str, str]]:
    text = resources.files("placesim.data").joinpath("calibration.csv").read_text("utf-8")
    return {row["key"]: row for row in csv.DictReader(text.splitlines())}


def _source(row: dict[str, str]) -> str:
    return f"[{row['source']}]({row['url']})" if row["url"] else row["source"]


def markdown() -> str:
    parts = [INTRO]
    for section, fields in SECTIONS.items():
        parts += [f"## `{section}`", "", HEADER,
                  *(_row(f"{section}.{f.name}", f) for f in fields), ""]
    parts += ["## Regime levers", "",
              "Set per regime under `[regimes.NAME]`; `target` and `learning` are presets "
              "(written in `src/placesim/scenario/presets.toml`) whose levers a file may "
              "change, a new regime says `based_on = \"target\"` or `\"learning\"`, and "
              "`[[regimes.NAME.changes]]` changes them from a given week. The default is "
              "the `target` preset.", "", HEADER,
              *(_row(f"regime.{f.name}", f) for f in REGIME_LEVERS), "",
              "| lever | " + " | ".join(f"`{p}`" for p in REGIME_PRESETS) + " |",
              "|---|" + "---|" * len(REGIME_PRESETS),
              *(f"| `{f.name}` | " + " | ".join(_number(levers[f.name])
                                                for levers in REGIME_PRESETS.values()) + " |"
                for f in REGIME_LEVERS), ""]
    rows = calibration_rows()
    keys = sorted({key for fields in [*SECTIONS.values(), REGIME_LEVERS] for f in fields
                   for key in re.findall(r"calibration:(\w+)", f.source)})
    parts += ["## Calibration rows referenced", "",
              "Confidence as recorded in `calibration.csv`: H high (statute or official "
              "statistics), M medium, L low (a story value without a primary source: "
              "anecdotal).", "",
              "| key | value | unit | source | confidence | note |",
              "|---|---|---|---|---|---|",
              *(f"| `{k}` | {rows[k]['value']} | {rows[k]['unit']} | {_source(rows[k])} | "
                f"{rows[k]['confidence']} | {rows[k]['note']} |" for k in keys), ""]
    return "\n".join(parts)
