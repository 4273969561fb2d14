"""The trainer's page served by ``placesim ui`` and driven in headless Chromium: offline,
both panels advancing, a lever marked, a citizen followed, two sessions apart.
Screenshots go to a temporary folder; to refresh the README's (docs/ui/), run with
PLACESIM_UI_SCREENSHOTS=docs/ui."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from browser import PageLog, chromium
from ui_server import ui_server

ROOT = Path(__file__).resolve().parents[1]
VIEWPORT = {"width": 1600, "height": 1000}

DRAWN = """(prefix) => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(g => g.layout && g.layout.title && String(g.layout.title.text).startsWith(prefix))
    .map(g => ({weeks: g.data[0].x ? g.data[0].x.length : 0,
                notes: (g.layout.annotations || []).map(a => String(a.text))}))"""


def week(page) -> int:
    return int(page.inner_text(".placesim-week-counter").split()[1])


def wait_until(condition, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.1)


def open_page(browser, address: str):
    page = browser.new_context(viewport=VIEWPORT).new_page()
    log = PageLog()
    log.watch(page)
    page.goto(address)
    page.wait_for_selector(".placesim-play", timeout=60_000)
    page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 15")
    return page, log


@pytest.fixture(scope="module")
def address():
    with ui_server(ROOT / "scenarios" / "default.toml") as found:
        yield found


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    chosen = os.environ.get("PLACESIM_UI_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("ui-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_page_runs_both_panels_live_offline(address, shots):
    with chromium() as browser:
        page, log = open_page(browser, address)
        assert week(page) == 0
        assert "runs on Solara" not in page.inner_text("body")  # nothing over the charts
        page.click(".placesim-play")
        wait_until(lambda: week(page) >= 3)
        spend = page.evaluate(DRAWN, "Public spend")
        assert len(spend) == 2 and all(chart["weeks"] >= 3 for chart in spend)
        drawn_before = week(page)
        wait_until(lambda: week(page) >= drawn_before + 3)
        assert all(c["weeks"] > drawn_before for c in page.evaluate(DRAWN, "Public spend"))

        # a lever moved mid-run is marked on the reform's charts from the next week
        page.click(".placesim-pause")
        page.wait_for_selector(".placesim-play")
        page.get_by_text("Reform levers (from next week)").click()
        slider = page.locator(".placesim-lever-reform-relational_share .v-slider")
        slider.scroll_into_view_if_needed()
        box = slider.bounding_box()
        slider.click(position={"x": 1, "y": box["height"] / 2})
        paused_at = week(page)
        wait_until(lambda: any("relational share 1→0" in note
                               for note in page.evaluate(DRAWN, "Public spend")[1]["notes"]))
        assert not any("relational share" in note
                       for note in page.evaluate(DRAWN, "Public spend")[0]["notes"])
        assert any(f"wk {paused_at}:" in note
                   for note in page.evaluate(DRAWN, "Public spend")[1]["notes"])
        page.get_by_text("Reform levers (from next week)").click()
        page.click(".placesim-play")
        wait_until(lambda: week(page) >= 40, timeout=120)
        page.click(".placesim-pause")
        page.wait_for_selector(".placesim-play")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(shots / "twin-panels.png"))

        # follow the citizen whose life the regimes change most
        page.click(".placesim-follow-most")
        page.wait_for_selector(".placesim-followed", timeout=120_000)
        page.wait_for_selector(".placesim-timeline table")
        page.locator(".placesim-followed").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "follow-a-citizen.png"))

        # presentation mode: large type for the back of the room
        page.get_by_text("Presentation mode").click()
        page.wait_for_selector(".placesim-present")
        page.evaluate("window.scrollTo(0, 0)")
        time.sleep(1)
        page.screenshot(path=str(shots / "presentation.png"))
        assert log == PageLog(), log
    for name in ("twin-panels.png", "follow-a-citizen.png", "presentation.png"):
        assert (shots / name).stat().st_size > 20_000, name  # a drawn page, not a blank one


def test_two_sessions_are_independent(address):
    with chromium() as browser:
        first, first_log = open_page(browser, address)
        second, second_log = open_page(browser, address)
        first.click(".placesim-play")
        wait_until(lambda: week(first) >= 5)
        first.click(".placesim-pause")
        first.wait_for_selector(".placesim-play")
        held = week(first)
        assert week(second) == 0
        second.click(".placesim-step")
        wait_until(lambda: week(second) == 1)
        time.sleep(1)
        assert week(first) == held
        assert [c["weeks"] for c in second.evaluate(DRAWN, "Public spend")] == [1, 1]
        assert [c["weeks"] for c in first.evaluate(DRAWN, "Public spend")] == [held, held]
        assert first_log == PageLog() and second_log == PageLog()
