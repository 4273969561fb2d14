"""The week's order as documented (docs/odd.md, section 3) is the order the code runs."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from placesim.engine import allocation, kernels
from placesim.engine.engine import Engine
from placesim.engine.rules import week
from placesim.institutions import Agency
from placesim.model import PlaceModel
from placesim.reference import ReferenceScheduler

ODD = Path(__file__).resolve().parents[1] / "docs" / "odd.md"
MARKER = re.compile(r"# -- phase (\d): ([a-z ]+)")


def documented_phases() -> list[str]:
    section = ODD.read_text(encoding="utf-8").split("## 3.")[1].split("\n## ")[0]
    return [m.group(1).strip().lower()
            for m in re.finditer(r"^\d\. ([^—\n]+) —", section, flags=re.M)]


def marked_phases(*functions) -> list[tuple[int, str]]:
    """Phase markers in the source of the functions, in the order they run."""
    found = []
    for function in functions:
        source = inspect.getsource(getattr(function, "py_func", function))
        found += [(int(n), name.strip()) for n, name in MARKER.findall(source)]
    return found


def calls_in_order(function, *names: str) -> bool:
    source = inspect.getsource(function)
    positions = [source.find(name) for name in names]
    return -1 not in positions and positions == sorted(positions)


def test_documented_phases_are_the_marked_phases_in_running_order():
    for allocate in (allocation.allocate, ReferenceScheduler.allocate):
        marked = marked_phases(week.live_week, allocate,
                               week.meet_services, Agency.review_week)
        assert [n for n, _ in marked] == [1, 2, 3, 4, 5, 6, 7]
        assert [name for _, name in marked] == documented_phases()


def test_schedulers_call_the_phases_in_that_order():
    for scheduler in (Engine, ReferenceScheduler):
        assert calls_in_order(scheduler.step, "live_week", "allocate", "meet_services")
    assert calls_in_order(Engine.live_week, "live_week_pass")
    assert calls_in_order(Engine.meet_services, "meet_services_pass")
    assert calls_in_order(kernels._live_week_block, "live_week")
    assert calls_in_order(kernels._meet_services_block, "meet_services")
    assert calls_in_order(PlaceModel.step, "engine.step", "review_week", "collect")
