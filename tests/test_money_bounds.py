"""Money at the edges of every allowed range stays exact, and a run that loses money stops.

Earnings, rent and savings at the top of their ranges once overflowed the int32 record
silently (savings moved by billions of pence more than the flows); every allowed value
must now be representable, and the run itself checks that its money adds up.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from placesim.cli import EXIT_NOT_CONSERVED, main
from placesim.engine.conservation import ConservationError, MoneyCheck
from placesim.engine.state import EARNINGS_PENCE_CAP, RENT_PENCE_CAP, SAVINGS_PENCE_CAP
from placesim.model import PlaceModel
from placesim.scenario import defaults
from placesim.scenario.fields import PAYING, TENURES, field_index

ROOT = Path(__file__).resolve().parents[1]
FIELDS = field_index()
TOP_OF_RANGE = {name: FIELDS[name].high for name in (
    "population.earnings_sigma", "population.savings_sigma",
    *(f"population.{quantity}_{t}" for t in TENURES
      for quantity in ("earnings_median", "savings_median")),
    *(f"population.housing_cost_{quantity}_{t}" for t in PAYING
      for quantity in ("median", "sigma")))}
# and nothing above the savings buffer spent, so that savings grow as fast as they can
TOP_OF_RANGE["money.discretionary_spending"] = FIELDS["money.discretionary_spending"].low


def small(**overrides: float):
    return defaults().with_overrides({"place.citizens": 500, "place.weeks": 8,
                                      "place.seed": 5, **overrides})


@pytest.mark.parametrize("regime", ["target", "learning"])
def test_the_largest_allowed_earnings_rent_and_savings_are_conserved(regime):
    model = PlaceModel(small(**TOP_OF_RANGE), regime)
    model.money_check.every_week = True  # checks every week, raising if money moved
    while model.running:
        model.step()
    c = model.engine.citizens
    assert c["earnings_capacity"].max() == EARNINGS_PENCE_CAP
    assert c["housing_cost"].max() == RENT_PENCE_CAP
    weeks = 8 + int(defaults().get("place.burn_in_weeks"))  # savings grow in the burn-in too
    assert 0 < c["savings"].max() <= SAVINGS_PENCE_CAP + weeks * EARNINGS_PENCE_CAP
    for name in ("savings", "rent_arrears", "ct_arrears", "other_debt"):
        assert c[name].min() >= 0, name


def test_by_default_savings_stay_within_the_buffer_and_what_is_owed():
    """Cash above the buffer and the household's debts is spent, so savings cannot grow
    past what was drawn and what is owed; shocks draw some households' savings below
    the buffer, and some in debt save towards it."""
    model = PlaceModel(small(), "target")
    while model.running:
        model.step()
        c = model.engine.citizens
        owed = (c["ct_arrears"].astype(np.int64) + c["ea_compliance_due"] + c["ea_fees_due"]
                + c["rent_arrears"] + c["other_debt"])
        assert (c["savings"] <= c["savings_buffer"] + owed).all()
    assert (c["savings"] < c["savings_buffer"]).any()
    assert (c["savings"] > c["savings_buffer"]).any()


def test_a_rent_debt_over_the_longest_run_fits_its_field():
    longest = FIELDS["place.weeks"].high + 520  # the run and the longest burn-in
    assert longest * RENT_PENCE_CAP < np.iinfo(np.int32).max


def test_a_run_whose_money_does_not_add_up_stops_with_what_broke():
    model = PlaceModel(small(), "target")
    model.step()
    model.engine.citizens["savings"][3] += 1_000  # money from nowhere
    with pytest.raises(ConservationError, match="savings changed by"):
        while model.running:
            model.step()


def test_debug_mode_names_the_week(monkeypatch):
    monkeypatch.setenv("PLACESIM_DEBUG", "1")
    model = PlaceModel(small(), "target")
    assert model.money_check.every_week
    model.step()
    model.engine.citizens["rent_arrears"][0] += 7
    with pytest.raises(ConservationError, match="in week 1: rent_arrears changed by"):
        model.step()


def test_the_command_line_says_it_is_a_bug_and_exits_3(monkeypatch, tmp_path, capsys):
    def broken(self, citizens, weeks):
        raise ConservationError("money was not conserved over weeks 0-7: savings changed "
                                "by 1 pence but the flows counted explain 0")
    monkeypatch.setattr(MoneyCheck, "finish", broken)
    code = main(["run", str(ROOT / "scenarios" / "default.toml"), "--citizens", "300",
                 "--weeks", "8", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == EXIT_NOT_CONSERVED
    assert "This is a bug in placesim" in err and "savings changed by 1 pence" in err
    assert "Traceback" not in err
