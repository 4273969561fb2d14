"""Fingerprint of simulated results: a digest of every output a change must leave alone.

    .venv/bin/python scripts/fingerprint.py                     # prints the digests
    .venv/bin/python scripts/fingerprint.py --write before.json  # keeps them
    .venv/bin/python scripts/fingerprint.py --against before.json

A refactoring that "changes no result" must leave this digest unchanged. It runs places
big and long enough for every mechanism to act (every service, the recovery ladder to
enforcement and sales, casework and the team's reviews of its caseload cap, commissioning
rounds, gaming, a dated switch of regime, a pilot under a spotlight) and hashes, column by
column, every weekly indicator, every sampled journey, every final citizen record and the
caseworkers' caseloads. Each column is hashed on its own, so a comparison names what
changed; a column that is new (a lever added, say) is reported as added, not as changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from placesim.model import PlaceModel
from placesim.scenario import load

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
# (scenario file, regimes, citizens, weeks): the default place at scale under both presets;
# gaming; a switch of regime at week 104 and a removal of gates; a volunteer pilot.
RUNS = (
    ("default.toml", ("target", "learning"), 100_000, 40),
    ("targets.toml", ("target",), 20_000, 40),
    ("switch.toml", ("switch", "drop_gates"), 10_000, 120),
    ("pilot.toml", ("learning",), 10_000, 60),
)


def column_digest(values: pd.Series | np.ndarray) -> str:
    array = np.asarray(values)
    if array.dtype == object:
        data = "\x1f".join(map(str, array)).encode()
    else:
        data = np.ascontiguousarray(array).tobytes()
    return hashlib.sha256(str(array.dtype).encode() + b"|" + data).hexdigest()[:16]


def run_digests(scenario: str, regime: str, citizens: int, weeks: int) -> dict[str, str]:
    """Digest of every column of every table of one run, by ``table.column``."""
    model = PlaceModel(load(SCENARIOS / scenario), regime=regime, citizens=citizens,
                       weeks=weeks)
    while model.running:
        model.step()
    tables = {"weekly": model.weekly(), "journeys": model.journeys(),
              "citizens": model.citizens()}
    out = {f"{name}.{column}": column_digest(frame[column])
           for name, frame in tables.items() for column in frame.columns}
    out["caseload"] = column_digest(np.asarray(model.engine.caseload, dtype=np.int64))
    return out


def fingerprint() -> dict[str, str]:
    digests = {}
    for scenario, regimes, citizens, weeks in RUNS:
        for regime in regimes:
            run = f"{Path(scenario).stem}/{regime}"
            print(f"running {run} ({citizens:,} citizens, {weeks} weeks)", file=sys.stderr)
            digests.update({f"{run}/{key}": value for key, value
                            in run_digests(scenario, regime, citizens, weeks).items()})
    return digests


def overall(digests: dict[str, str]) -> str:
    text = "\n".join(f"{key} {value}" for key, value in sorted(digests.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def compare(before: dict[str, str], after: dict[str, str]) -> int:
    """Print what changed, was added or went missing; 1 if any shared column changed."""
    changed = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
    added, missing = sorted(after.keys() - before.keys()), sorted(before.keys() - after.keys())
    shared = {k: after[k] for k in before.keys() & after.keys()}
    print(f"columns compared: {len(shared)}; changed: {len(changed)}; "
          f"added: {len(added)}; missing: {len(missing)}")
    print(f"digest of the shared columns: before {overall({k: before[k] for k in shared})}, "
          f"after {overall(shared)}")
    for title, keys in (("changed", changed), ("added", added), ("missing", missing)):
        for key in keys:
            print(f"  {title}: {key}")
    return 1 if changed or missing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="keep the column digests in this file")
    parser.add_argument("--against", type=Path,
                        help="compare with digests kept earlier; exit 1 if any changed")
    args = parser.parse_args()
    digests = fingerprint()
    print(f"fingerprint {overall(digests)} ({len(digests)} columns)")
    if args.write:
        args.write.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")
    if args.against:
        return compare(json.loads(args.against.read_text()), digests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
