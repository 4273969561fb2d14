"""The trainer's page rendered in-process (solara.render): controls, levers, errors,
following a citizen, sessions and their end."""

from __future__ import annotations

import time

import ipyvuetify as v
import numpy as np
import pytest
import solara
from ui_helpers import small_scenarios

from placesim.scenario import InputError
from placesim.treasury import Terms, weekly_ledger
from placesim.ui import app
from placesim.ui.twin import PRESETS, Twin, preset_setup


@pytest.fixture
def scenario(tmp_path, monkeypatch):
    path = small_scenarios(tmp_path)
    monkeypatch.setenv(app.SCENARIO_ENV, str(path))
    return path


@pytest.fixture
def ui_page(scenario):
    """A session's page rendered in-process; closed after the test."""
    session = app.Session(scenario.parent, app.starting_setup(scenario))
    box, rc = solara.render(app.Main(session), handle_error=False)
    yield session, rc
    rc.close()
    session.close()


def _wait(condition, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def _by_class(rc, kind, cls: str):
    found = [w for w in rc.find(kind).widgets if cls in (w.class_ or "").split()]
    assert len(found) == 1, f"{len(found)} {kind.__name__} of class {cls}"
    return found[0]


def _text(rc, cls: str) -> str:
    return _by_class(rc, v.Html, cls).children[0]


def _click(rc, cls: str) -> None:
    _by_class(rc, v.Btn, cls).click()


def test_play_runs_both_panels_to_the_end_and_draws_them(ui_page):
    session, rc = ui_page
    _click(rc, "placesim-play")
    _wait(lambda: _text(rc, "placesim-week-counter") == "Week 12 of 12")
    for figure in session.panels.figures():
        assert all(len(trace.x) == 12 for trace in figure.data)
    assert session.numbers.value.public_cost.shape == (12,)
    # the strip counts public cost as the comparison report does (Treasury's net cost)
    base, reform = (weekly_ledger(model.weekly(), Terms.of(model.scenario))["net_public_cost"]
                    for model in session.twin.models)
    assert session.numbers.value.public_cost == pytest.approx(np.cumsum(reform - base))


def test_step_and_a_lever_moved_mid_run_is_marked_and_in_force(ui_page):
    session, rc = ui_page
    _click(rc, "placesim-step")
    _wait(lambda: _text(rc, "placesim-week-counter") == "Week 1 of 12")
    session.move_lever(1, "threat_tone", 1.0)
    _click(rc, "placesim-step")
    _wait(lambda: _text(rc, "placesim-week-counter") == "Week 2 of 12")
    assert [(m.side, m.week) for m in session.twin.marks] == [(1, 1)]
    _wait(lambda: any("threat tone" in a.text for a in
                      session.panels.charts["spend"][1].layout.annotations))
    assert not any("threat tone" in a.text
                   for a in session.panels.charts["spend"][0].layout.annotations)
    assert session.twin.models[1].decided["threat_tone"] == 1.0


def test_an_impossible_typed_value_gets_a_message_and_the_run_goes_on(ui_page):
    session, rc = ui_page
    _, sidebar = solara.render(app.SetupPanel(session), handle_error=False)
    _click(rc, "placesim-play")
    field = sidebar.find(v.TextField, label="Citizens (people)").widget
    field.v_model = "-5"
    field.fire_event("keyup.enter", None)
    _wait(lambda: "-5 is out of range; allowed: a whole number from 100 to 50,000,000"
          in str(sidebar.find(v.TextField, label="Citizens (people)").widget.messages))
    _wait(lambda: _text(rc, "placesim-week-counter") == "Week 12 of 12")
    assert session.setup.citizens == 400
    sidebar.close()


def test_a_model_error_is_shown_on_the_page(ui_page):
    session, rc = ui_page

    def broken() -> bool:
        raise RuntimeError("kernel fell over")

    session.player._step = broken
    _click(rc, "placesim-play")
    _wait(lambda: session.status.value.error is not None)
    _wait(lambda: rc.find(v.Alert).widgets)
    alerts = rc.find(v.Alert).widgets
    assert any("RuntimeError: kernel fell over" in str(w.children) for w in alerts)


def test_following_a_citizen_replays_their_journey_exactly(ui_page):
    """The replayed journey of a sampled citizen equals the one recorded live."""
    session, rc = ui_page
    for _ in range(5):
        _click(rc, "placesim-step")
    _wait(lambda: _text(rc, "placesim-week-counter") == "Week 5 of 12")
    sampled = int(session.twin.models[0].journey_recorder.ids[3])
    session.follow(sampled)
    _click(rc, "placesim-play")
    _wait(lambda: _text(rc, "placesim-week-counter") == "Week 12 of 12")
    _wait(lambda: session.followed.value is not None)
    for model, frame in zip(session.twin.models, session.twin.journeys(), strict=True):
        live = model.journeys()
        live = live[live.citizen == sampled].reset_index(drop=True)
        assert frame.drop(columns="citizen").equals(live.drop(columns="citizen"))
    _wait(lambda: _text(rc, "placesim-followed") == f"Following citizen {sampled:,}")


def test_closing_the_page_stops_its_run(scenario):
    import threading

    box, rc = solara.render(app.Page(), handle_error=False)
    _click(rc, "placesim-play")
    runs = [t for t in threading.enumerate() if t.name == "placesim-ui-run"]
    assert runs
    rc.close()
    for thread in runs:
        thread.join(10)
    assert not any(t.is_alive() for t in runs)


def test_presets_build_twins_on_common_seeds(tmp_path):
    path = small_scenarios(tmp_path)
    for preset in PRESETS:
        twin = Twin(preset_setup(preset, path.parent))
        twin.step()
        base, reform = (m.engine.citizens for m in twin.models)
        assert (base["earnings_capacity"] == reform["earnings_capacity"]).all()


def test_the_report_scenario_reruns_both_live_runs_exactly(tmp_path):
    """Hand-made lever changes become dated changes of the report's regimes."""
    import pandas as pd

    from placesim.model import PlaceModel

    path = small_scenarios(tmp_path, weeks=8)
    twin = Twin(preset_setup(PRESETS[0], path.parent))
    for week in range(8):
        if week == 3:
            twin.change_levers(1, {"threat_tone": 1.0})
        twin.step()
    scenario, baseline, reform = twin.comparison_scenario()
    for regime, live in zip((baseline, reform), twin.models, strict=True):
        rerun = PlaceModel(scenario, regime)
        while rerun.running:
            rerun.step()
        columns = [c for c in live.weekly().columns if c != "regime"]
        pd.testing.assert_frame_equal(rerun.weekly()[columns], live.weekly()[columns])
    pilot = Twin(preset_setup(PRESETS[1], path.parent))
    with pytest.raises(InputError, match="compares two regimes of one scenario"):
        pilot.comparison_scenario()


def test_the_caseload_cap_moved_by_hand_is_decided_as_a_whole_number(tmp_path):
    path = small_scenarios(tmp_path, weeks=8)
    twin = Twin(preset_setup(PRESETS[0], path.parent))
    twin.step()
    assert twin.change_levers(1, {"caseload_cap": 8}) is not None
    for _ in range(3):
        twin.step()
    reform = twin.models[1]
    assert reform.decided["caseload_cap"] == 8 and isinstance(reform.decided["caseload_cap"],
                                                               int)
    assert reform.engine.learned.caseload_cap < 15  # adopted as the culture allows


def test_the_report_button_writes_the_comparison_report(ui_page, tmp_path, monkeypatch):
    session, rc = ui_page
    monkeypatch.chdir(tmp_path)
    _, sidebar = solara.render(app.Report(session), handle_error=False)
    _click(rc, "placesim-step")
    _wait(lambda: _text(rc, "placesim-week-counter") == "Week 1 of 12")
    _click(sidebar, "placesim-report")
    _wait(lambda: session.report.value is not None and not session.report.value.running,
          timeout=300)
    state = session.report.value
    assert state.message == "" and state.path.name == "report.html"
    assert "<html" in state.path.read_text()[:500].lower()
    sidebar.close()


def test_placesim_ui_refuses_bad_input_with_exit_2(tmp_path, capsys):
    import socket

    from placesim.cli import main

    assert main(["ui", str(tmp_path / "missing.toml")]) == 2
    assert "no such scenario file" in capsys.readouterr().err
    assert main(["ui", "--port", "70000"]) == 2
    assert "--port: 70000 is not a port" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["ui", "--port", str(port)]) == 2
        assert "placesim: error: command line: --port:" in capsys.readouterr().err
