"""Following one citizen under both regimes, week by week.

Runs are deterministic given the scenario, the seed and the schedule of levers, so the
journey of anyone can be had after the fact: two fresh models with the live ones'
scenarios and schedules (levers moved by hand included) are replayed to the current
week recording only that citizen, and from then on the live models record them too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from placesim.engine.state import PENCE, Status
from placesim.journeys import JourneyRecorder
from placesim.model import PlaceModel, burned_in

DEBT_FIELDS = ("ct_arrears", "rent_arrears", "other_debt", "ea_compliance_due", "ea_fees_due")


def debt(records: np.ndarray) -> np.ndarray:
    """Each citizen's debt in pence: council tax (with costs), fees, rent, other."""
    return sum(records[name].astype(np.int64) for name in DEBT_FIELDS)


def most_changed(models: tuple[PlaceModel, PlaceModel]) -> int:
    """The citizen whose wellbeing now differs most between the two sides (then debt)."""
    base, reform = (m.engine.citizens for m in models)
    wellbeing = np.abs(reform["wellbeing"].astype(np.float64) - base["wellbeing"])
    owed = np.abs(debt(reform) - debt(base))
    return int(np.lexsort((owed, wellbeing))[-1])


def typical(models: tuple[PlaceModel, PlaceModel]) -> int:
    """Among citizens whose wellbeing now differs between the sides (else among those the
    services met: flagged, or any public cost), the one whose difference is nearest the
    median difference (lowest id first)."""
    base, reform = (m.engine.citizens for m in models)
    difference = reform["wellbeing"].astype(np.float64) - base["wellbeing"]
    met = ((base["status"] & Status.FLAGGED) | (reform["status"] & Status.FLAGGED)
           | (base["public_cost"] > 0) | (reform["public_cost"] > 0)) > 0
    for group in (difference != 0, met, np.ones(len(base), dtype=bool)):
        if group.any():
            ids = np.flatnonzero(group)
            break
    return int(ids[np.argmin(np.abs(difference[ids] - np.median(difference[ids])))])


def replay(models: tuple[PlaceModel, PlaceModel], citizen: int) -> tuple[JourneyRecorder, ...]:
    """Recorders of ``citizen`` on both sides up to the live models' week (see module)."""
    recorders = []
    for live in models:
        ids = np.array([citizen], dtype=np.int64)
        model = PlaceModel(live.scenario, live.regime, start=burned_in(live.place_scenario))
        model.schedule = dict(live.schedule)
        recorder = JourneyRecorder(ids, model.engine.records(ids))
        while model.week < live.week:
            model.step()
            recorder.record(model.engine.records(ids))
        model.close()
        recorders.append(recorder)
    return tuple(recorders)


TIMELINE_COLUMNS = ("events", "wellbeing", "debt", "fees_charged_this_week",
                    "public_cost_this_week")


def timeline(journeys: tuple[pd.DataFrame, pd.DataFrame], sides: tuple[str, str],
             every_week: bool = False) -> pd.DataFrame:
    """Both sides' journeys in one table, a row per week (only weeks where something
    happened on either side unless ``every_week``); money in GBP."""
    columns = {}
    for side, frame in zip(sides, journeys, strict=True):
        columns[f"{side}: what happened"] = frame["events"].to_numpy()
        columns[f"{side}: wellbeing (0-10)"] = frame["wellbeing"].round(1).to_numpy()
        columns[f"{side}: debt (GBP)"] = (debt(frame) / PENCE).round(0).to_numpy()
        columns[f"{side}: fees charged (GBP)"] = (frame["fees_charged_this_week"]
                                                  / PENCE).to_numpy()
    table = pd.DataFrame({"week": journeys[0]["week"].to_numpy(), **columns})
    if not every_week:
        happened = (table[f"{sides[0]}: what happened"] != "") | (
            table[f"{sides[1]}: what happened"] != "")
        table = table[happened]
    return table.reset_index(drop=True)
