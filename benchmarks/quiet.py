"""How much of a week goes to quiet citizens: the bound on skipping them (issue 16).

    .venv/bin/python benchmarks/quiet.py                      # 10^5 citizens, 1 thread
    .venv/bin/python benchmarks/quiet.py --citizens 200000 --repeats 6

A citizen is *quiet* at the start of a week when nothing is open in its life: no life
domain in trouble and no onset in the last two weeks, no council-tax, rent or other debt,
no recovery stage or plan, no claim, request for help or relational case, no stay in
temporary accommodation or care. A design that leaves quiet citizens untouched until
their next event (a waiting time) saves at most what their weeks cost now. This measures,
on the default place burned in, under targets, on one thread:

- the share of citizen-weeks that are quiet, over ``--weeks`` weeks;
- the cost of a week of phases 1-3 and 5-6 per citizen for the place as it is, and for
  the same place with every citizen made quiet, interleaved, best of ``--repeats``, with
  every week worked out in full (no citizen settled: ``engine.settled``);
- the bound: the speed-up if quiet citizens' weeks cost nothing and the others what the
  place's average costs now, ``t / (t - q x t_quiet)``.

Writes ``quiet.json`` and ``quiet.md`` to ``--out``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numba
import numpy as np
from report import write_report

from placesim.engine.engine import Engine
from placesim.engine.metrics import N_METRICS
from placesim.engine.state import Case, Claim, Stage, Status
from placesim.model import burned_in
from placesim.scenario import defaults

OPEN_FIELDS = ("domains", "onsets_even", "onsets_odd", "ct_arrears", "rent_arrears",
               "other_debt", "asks", "homeless_weeks", "care_weeks", "ea_compliance_due",
               "ea_fees_due", "plan_instalment")


def quiet(citizens: np.ndarray) -> np.ndarray:
    """Whether each citizen has nothing open (see the module's docstring)."""
    nothing = np.ones(len(citizens), dtype=bool)
    for name in OPEN_FIELDS:
        nothing &= citizens[name] == 0
    return (nothing & (citizens["stage"] == Stage.NONE) & (citizens["claim"] == Claim.NONE)
            & (citizens["case"] == Case.NONE)
            & ((citizens["status"] & Status.ON_PLAN) == 0))


def made_quiet(citizens: np.ndarray) -> np.ndarray:
    """The same citizens with everything open closed."""
    out = citizens.copy()
    for name in OPEN_FIELDS:
        out[name] = 0
    out["stage"], out["claim"], out["case"] = Stage.NONE, Claim.NONE, Case.NONE
    out["status"] &= ~np.uint8(Status.ON_PLAN)
    out["caseworker"] = -1
    return out


def week_seconds(engine: Engine, citizens: np.ndarray) -> float:
    """Phases 1-3 and 5-6 of one week on a copy of ``citizens`` (phase 4 left out: it
    serves queues, not citizens)."""
    engine.citizens = citizens.copy()
    totals = np.zeros(N_METRICS, dtype=np.int64)
    start = time.perf_counter()
    engine.live_week(totals)
    engine.meet_services(totals)
    return time.perf_counter() - start


def measure(citizens: int, weeks: int, repeats: int) -> dict:
    numba.set_num_threads(1)
    scenario = defaults().with_overrides({"place.citizens": citizens})
    engine = Engine(scenario, scenario.regime("target"), start=burned_in(scenario),
                    settle=False)
    shares = []
    for _ in range(weeks):
        shares.append(float(quiet(engine.citizens).mean()))
        engine.step()
    place = engine.citizens.copy()
    calm = made_quiet(place)
    week = engine.week
    best = {"place": np.inf, "quiet": np.inf}
    for _ in range(repeats):
        for name, records in (("place", place), ("quiet", calm)):
            engine.week = week
            best[name] = min(best[name], week_seconds(engine, records))
    share = float(np.mean(shares))
    per_citizen = {k: v / citizens * 1e9 for k, v in best.items()}
    bound = per_citizen["place"] / (per_citizen["place"] - share * per_citizen["quiet"])
    return {"citizens": citizens, "weeks": weeks, "repeats": repeats,
            "quiet_share": share, "quiet_share_range": [min(shares), max(shares)],
            "ns_per_citizen_week": per_citizen, "speed_up_bound": bound}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--repeats", type=int, default=8)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args()
    result = measure(args.citizens, args.weeks, args.repeats)
    ns = result["ns_per_citizen_week"]
    text = (f"# Quiet citizens (default place burned in, targets, 1 thread, "
            f"{result['citizens']:,} citizens)\n\n"
            f"- quiet at the start of a week: {result['quiet_share']:.1%} of citizen-weeks "
            f"(weekly range {result['quiet_share_range'][0]:.1%} to "
            f"{result['quiet_share_range'][1]:.1%}, {result['weeks']} weeks)\n"
            f"- phases 1-3 and 5-6, best of {result['repeats']}: {ns['place']:.1f} ns a "
            f"citizen for the place, {ns['quiet']:.1f} ns with every citizen quiet\n"
            f"- speed-up if quiet weeks cost nothing: at most "
            f"{result['speed_up_bound']:.2f}x\n")
    write_report(args.out, "quiet", result, text)


if __name__ == "__main__":
    main()
