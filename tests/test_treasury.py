"""Costs counted as the Treasury would: transfers conserved across the whole place, the
payer split reconciled with two independent tallies (the agencies' weekly spend and each
citizen's own record), Green Book discounting and committed stays worked by hand, and a
bad horizon refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import placesim
from placesim.cli import main
from placesim.engine.state import PENCE, Case, empty_citizens
from placesim.experiments.cohort import ArmRun, treasury_columns
from placesim.runner import run_regime
from placesim.scenario import InputError, load
from placesim.treasury import (
    ACCOUNT_KEYS,
    PARTIES,
    Terms,
    account,
    discount_factors,
    transfer_balance,
    weekly_ledger,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "scenarios" / "default.toml"


@pytest.fixture(scope="module")
def runs():
    scenario = load(DEFAULT).with_overrides({"place.citizens": 2000, "place.weeks": 30,
                                             "place.seed": 5}, "test")
    return {regime: run_regime(scenario, regime, progress=False)
            for regime in ("target", "learning")}


def test_transfers_net_to_zero_across_every_party_every_week(runs):
    for run in runs.values():
        ledger = weekly_ledger(run.weekly, run.terms)
        assert np.abs(transfer_balance(ledger).to_numpy()).max() < 1e-6
        # and something does move: benefits, support, council tax, fees
        assert (ledger["transfers_in_household"] > 0).all()
        assert (ledger["transfers_out_household"] > 0).any()
        assert {f"transfers_out_{p}" for p in PARTIES} <= set(ledger.columns)


def test_the_split_reconciles_with_agency_spend_and_each_citizens_record(runs):
    for run in runs.values():
        weekly, final = run.weekly, run.final
        ledger = weekly_ledger(weekly, run.terms)
        # resource costs and the one transfer housing's spend holds are every agency's
        # spend, plus the team's set-up and management the engine does not charge
        np.testing.assert_allclose(
            ledger["resource_cost"] + ledger["transfers_out_housing"],
            weekly["spend_total"] + ledger["team_setup"] + ledger["team_management"],
            atol=1e-6)
        # the council's revenue is what citizens' own records say they paid it
        assert ledger["transfers_in_council"].sum() == pytest.approx(
            final["ct_paid"].astype(np.int64).sum() / PENCE, abs=0.005)
        # what the public purse spent on citizens is what their records say it cost
        charged = (ledger["resource_cost"] + ledger["transfers_out_housing"]
                   - ledger["team_setup"] - ledger["team_management"]
                   - weekly["cost_recruitment"]).sum()
        assert charged == pytest.approx(final["public_cost"].astype(np.int64).sum() / PENCE,
                                        abs=0.005)
        figures = account(weekly, run.terms)
        assert figures["net_public_cost"] == pytest.approx(
            figures["resource_cost"] + figures["transfers_out"] - figures["revenue_in"])
        assert figures["net_public_cost"] == pytest.approx(sum(
            figures[f"net_{p}"] for p in ("council", "dwp", "nhs", "housing", "police")))
        assert list(figures) == list(ACCOUNT_KEYS)


def test_the_team_is_set_up_once_and_managed_only_where_it_works(runs):
    target = weekly_ledger(runs["target"].weekly, runs["target"].terms)
    assert target["team_setup"].sum() == 0 and target["team_management"].sum() == 0
    run = runs["learning"]
    ledger = weekly_ledger(run.weekly, run.terms)
    assert (ledger["team_setup"] > 0).sum() == 1
    assert ledger["team_setup"].sum() == pytest.approx(
        run.terms.caseworkers * run.terms.team_setup)
    assert ledger["team_management"].sum() == pytest.approx(
        run.terms.team_management * run.weekly["cost_relational"].sum())
    figures = account(run.weekly, run.terms)
    assert figures["team_cost_per_life"] == pytest.approx(
        figures["team_cost"] / run.weekly["turned_around"].iloc[-1])


def test_discount_factors_follow_the_green_book_schedule():
    weeks = np.array([0, 51, 52, 104, 52 * 30, 52 * 31, 52 * 76])
    expected = [1, 1, 1 / 1.035, 1 / 1.035**2, 1 / 1.035**30, 1 / (1.035**30 * 1.03),
                1 / (1.035**30 * 1.03**45 * 1.025)]
    np.testing.assert_allclose(discount_factors(weeks), expected, rtol=1e-12)


def _quiet_year(homeless: int, in_care: int) -> pd.DataFrame:
    """52 weeks with no money moving, ending with these stocks."""
    columns = ["cost_revenues", "cost_courts", "cost_relational", "cost_social_care",
               "cost_vcs", "cost_recruitment", "cost_benefits", "cost_health",
               "cost_housing", "cost_police", "benefits_paid", "cts_granted",
               "arrears_payments", "ct_paid", "ea_fees_paid", "homeless",
               "children_in_care", "turned_around"]
    weekly = pd.DataFrame(0.0, index=range(52), columns=columns)
    weekly.loc[51, ["homeless", "children_in_care"]] = homeless, in_care
    return weekly


TERMS = Terms(caseworkers=0, team_setup=0.0, team_management=0.0, ta_week=100.0,
              care_week=200.0, ta_stay_weeks=10.0, care_stay_weeks=20.0)
TERMS_WITH_TEAM = Terms(caseworkers=3, team_setup=1000.0, team_management=0.5,
                        ta_week=100.0, care_week=200.0, ta_stay_weeks=10.0,
                        care_stay_weeks=20.0)


def test_committed_stays_by_hand():
    weekly = _quiet_year(homeless=3, in_care=2)
    long = account(weekly, TERMS, horizon=125)
    assert long["committed_ta"] == 3 * 100 * 10 and long["committed_care"] == 2 * 200 * 20
    # a one-year horizon ends with the run: nothing committed is inside it
    assert account(weekly, TERMS, horizon=1)["pv_net_public_cost"] == 0
    # two years: the second year's weeks, each discounted once at 3.5%
    stay = np.arange(52)
    by_hand = (3 * 100 * (0.9 ** stay).sum() + 2 * 200 * (0.95 ** stay).sum()) / 1.035
    two = account(weekly, TERMS, horizon=2)
    assert two["pv_net_public_cost"] == pytest.approx(by_hand, rel=1e-12)
    assert two["pv_resource_cost"] == pytest.approx(by_hand, rel=1e-12)
    assert two["pv_net_public_cost"] < long["pv_net_public_cost"] < long["committed_cost"]


def test_a_spend_in_the_second_year_is_discounted_and_a_transfer_is_not_a_resource():
    weekly = pd.concat([_quiet_year(0, 0)] * 2, ignore_index=True)
    weekly.loc[60, "cost_health"] = 1035.0
    weekly.loc[10, "benefits_paid"] = 500.0
    weekly.loc[10, "ct_paid"] = 200.0
    figures = account(weekly, TERMS, horizon=10)
    assert figures["resource_nhs"] == 1035.0 and figures["resource_dwp"] == 0
    assert figures["pv_resource_cost"] == pytest.approx(1000.0)
    assert figures["net_public_cost"] == pytest.approx(1035 + 500 - 200)
    assert figures["net_council"] == -200 and figures["net_household"] == 300


def test_council_tax_support_is_a_discount_counted_once():
    """A bill of 100 met by 30 of support and 70 paid: the council is 70 better off, not
    40 (support already lowered what was collected; adding it again counted it twice)."""
    weekly = _quiet_year(0, 0)
    weekly.loc[5, ["cts_granted", "ct_paid"]] = 30.0, 70.0
    figures = account(weekly, TERMS)
    assert figures["net_council"] == -70 and figures["net_public_cost"] == -70
    assert figures["transfers_out"] == 0 and figures["cts_granted"] == 30
    assert figures["net_household"] == -70


def test_a_cohort_household_s_money_over_the_follow_up_and_the_horizon_by_hand():
    """Two households followed for 60 weeks: the first costs the NHS 1,035 in week 53
    (the second year, discounted once), gets 20 a week of benefits and pays 5 a week of
    council tax, and had a case with the team; the second ends in temporary
    accommodation with a child in care."""
    weeks = 60
    records = np.stack([empty_citizens(2) for _ in range(weeks + 1)])
    records["public_cost"][53:, 0] = 1035 * PENCE
    records["award"][:, 0] = 20 * PENCE
    records["ct_paid"][:, 0] = np.arange(weeks + 1) * 5 * PENCE
    records["case"][10:20, 0] = Case.WORKING
    records["homeless_weeks"][-1, 1] = 3
    records["care_weeks"][-1, 1] = 9
    weekly = pd.DataFrame({"case_intakes": [4, 0], "cost_relational": [100.0, 300.0]})
    run = ArmRun("relational", 1, 52, np.arange(2), np.zeros(2, bool), records, None, weekly,
                 TERMS_WITH_TEAM)
    money = treasury_columns(run, horizon=2)
    overhead = 0.5 * 400 / 4  # management share x casework cost, per case taken
    assert money["public_cost"].tolist() == [1035, 0]
    assert money["benefits_paid"].tolist() == [20 * weeks, 0]
    assert money["ct_collected"].tolist() == [5 * weeks, 0]
    assert money["team_overhead"].tolist() == [overhead, 0]
    assert money["net_public_cost"][0] == pytest.approx(1035 + 15 * weeks + overhead)
    first_year, second_year = 52, weeks - 52
    assert money["pv_net_public_cost"][0] == pytest.approx(
        15 * first_year + (1035 + 15 * second_year) / 1.035 + overhead)
    assert money["committed_cost"].tolist() == [0, 100 * 10 + 200 * 20]
    left = np.arange(2 * 52 - weeks)  # committed weeks inside two years, all in year 1
    assert money["pv_net_public_cost"][1] == pytest.approx(
        (100 * (0.9 ** left).sum() + 200 * (0.95 ** left).sum()) / 1.035)


@pytest.mark.parametrize("horizon", ["0", "126", "-3"])
def test_a_bad_horizon_is_refused_before_any_work(horizon, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(DEFAULT), "--citizens", "500", "--weeks", "4", "--out", str(out),
                 f"--horizon={horizon}"]) == 2
    err = capsys.readouterr().err
    assert (f"--horizon: {int(horizon)} is not allowed; allowed: a whole number of years "
            "from 1 to 125") in err
    assert "Traceback" not in err and not out.exists()


def test_the_compare_api_names_a_bad_horizon(tmp_path):
    with pytest.raises(InputError, match="horizon: 2.5 is not allowed"):
        placesim.compare(DEFAULT, out=tmp_path, replicates=2, citizens=500, weeks=4,
                         horizon=2.5)
    assert not (tmp_path / "store").exists()


def test_revenues_officers_time_is_set_against_their_staffed_hours(runs):
    weekly = runs["target"].weekly
    staffed = 1 * 30.0  # 2 officers per 10,000 is less than one for 2,000: at least one
    hours = weekly["revenues_staff_seconds"] / 3600
    np.testing.assert_allclose(weekly["revenues_utilisation"], hours / staffed)
    # summonses take 15 minutes and referrals 9; answered letters 8 minutes each on top
    ladder = weekly["summonses"] * 900 + weekly["ea_referrals"] * 540
    assert (weekly["revenues_staff_seconds"] >= ladder).all()
    assert (weekly["revenues_staff_seconds"] > ladder).any()
