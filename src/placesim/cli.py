"""The ``placesim`` command.

Bad input (a scenario file, a flag) ends with a message naming the file or flag, the
field, the value and what is allowed, and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from placesim import __version__
from placesim.atomic import ResultsNotWritten
from placesim.engine.conservation import ConservationError
from placesim.experiments.spec import MAX_REPLICATES
from placesim.scenario import InputError, Problem, Scenario, load
from placesim.scenario.errors import shown
from placesim.scenario.fields import SECTIONS
from placesim.scenario.scenario import check_value
from placesim.treasury import DEFAULT_HORIZON_YEARS, MAX_HORIZON_YEARS, check_horizon

EXIT_BAD_INPUT = 2
EXIT_NOT_WRITTEN = 1
EXIT_NOT_CONSERVED = 3  # a bug in placesim, not in the input: see engine.conservation
CALIBRATION_SEEDS = 5  # seeds of placesim calibrate, unless --replicates says
CONFIRM_RUNS = 20_000  # a sweep planning more runs than this must be confirmed (--yes)
MAX_TRAJECTORIES = 1_000  # a Morris screening of the validation case
LONGEST_MESSAGE = 300
_PLACE = {f.name: f for f in SECTIONS["place"]}


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad flag says what is allowed and exits 2 (argparse's convention)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        if len(message) > LONGEST_MESSAGE:  # it may quote a 5,000-character argument
            message = f"{message[:LONGEST_MESSAGE]}..."
        self.exit(EXIT_BAD_INPUT, f"placesim: error: {message}\n")


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="placesim", description=(
        "Simulate a place's public services run by targets or by learning."))
    parser.add_argument("--version", action="version", version=f"placesim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = commands.add_parser("run", help="run a scenario and write Parquet results")
    run.add_argument("scenario", type=Path, help="scenario file (TOML)")
    run.add_argument("--regime", default=None,
                     help="target, learning, both (target then learning), all (every "
                          "regime in the scenario), or one regime named in the scenario "
                          "(default: the scenario's run list, else both)")
    for flag in ("seed", "weeks", "citizens"):
        spec = _PLACE[flag]
        run.add_argument(f"--{flag}", type=_whole_number, metavar="N",
                         help=f"{spec.doc} Overrides place.{flag}; {spec.allowed()}.")
    _horizon_flag(run)
    run.add_argument("--out", type=Path, metavar="DIR",
                     help="output directory (default: results/<scenario name>)")
    run.add_argument("--replace", action="store_true",
                     help="replace results of another scenario, size or code version in the "
                     "output directory (kept until this run has finished); without it such "
                     "a directory is refused")
    run.add_argument("--scheduler", choices=("fast", "reference"), default="fast",
                     help="fast (numba, the default) or reference (plain Mesa agents, slow; "
                          "same results)")
    bar = run.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="always show a progress bar")
    bar.add_argument("--no-progress", dest="progress", action="store_false",
                     help="never show a progress bar (default: shown on long runs)")

    commands.add_parser("parameters", help="print every parameter (unit, default, range, "
                        "source) as Markdown")
    commands.add_parser("outputs", help="print every results table and column (unit and "
                        "meaning) as Markdown")

    validate = commands.add_parser(
        "validate", help="check scenario and experiment files without running them")
    validate.add_argument("files", type=Path, nargs="+", metavar="FILE",
                          help="scenario or experiment files (TOML)")

    case = commands.add_parser(
        "validate-case", help="run a validation case (a scenario's cohort experiment) and "
        "write its evidence page with figures")
    case.add_argument("case", help="'gateshead' (scenarios/gateshead_council_tax.toml) or a "
                      "scenario file with a [cohort] table")
    case.add_argument("--replicates", type=_whole_number, metavar="N",
                      help="replicates (seeds) per arm (default: the scenario's "
                      "cohort.replicates)")
    case.add_argument("--workers", type=_whole_number, metavar="N", default=os.cpu_count(),
                      help="processes to run replicates on (default: all cores)")
    case.add_argument("--trajectories", type=_whole_number, metavar="N", default=8,
                      help="Morris trajectories of the sensitivity analysis; 0 skips it "
                      "(default 8)")
    case.add_argument("--sensitivity-citizens", type=_whole_number, metavar="N",
                      help="households in the place of each sensitivity design point "
                      "(default: the scenario's place)")
    case.add_argument("--out", type=Path, metavar="DIR", default=Path("docs/validation"),
                      help="where the page and figures go (default docs/validation)")
    case.add_argument("--screening", type=Path, metavar="DIR",
                      help="results store of the sensitivity screening's sweep, resumed if "
                      "present (default results/validation/<scenario name>)")
    _calibrate_parser(commands)
    _compare_parser(commands)
    _sweep_parsers(commands)
    _ui_parser(commands)
    return parser


class _Deprecated(argparse.Action):
    """An old spelling of a flag: still works, and says what to write instead."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(f"placesim: warning: {option_string} is deprecated; use --dask ADDRESS",
              file=sys.stderr)
        setattr(namespace, self.dest, values)


def _horizon_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--horizon", type=_whole_number, metavar="YEARS",
                        default=DEFAULT_HORIZON_YEARS,
                        help="years the costs as the Treasury counts them look ahead: "
                             "simulated weeks and the costs committed at the end of the "
                             "run, discounted at Green Book rates (3.5%% a year); 1 to "
                             f"{MAX_HORIZON_YEARS} (default {DEFAULT_HORIZON_YEARS})")


def _dask_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dask", metavar="ADDRESS",
                        help="address of a Dask scheduler, e.g. tcp://10.0.0.5:8786, to run "
                        "on its cluster (the output directory must be visible to its "
                        "workers)")
    parser.add_argument("--scheduler", dest="dask", metavar="ADDRESS", action=_Deprecated,
                        help=argparse.SUPPRESS)


def _compare_parser(commands) -> None:
    compare = commands.add_parser(
        "compare", help="run two regimes on the same seeds and write a comparison report "
        "(HTML, Markdown and every table as CSV and Parquet; resumable)")
    compare.add_argument("scenario", type=Path, help="scenario file (TOML)")
    compare.add_argument("--baseline", default="target", metavar="REGIME",
                         help="the regime compared against (default target)")
    compare.add_argument("--reform", default="learning", metavar="REGIME",
                         help="the regime compared (default learning)")
    compare.add_argument("--replicates", type=_whole_number, default=10, metavar="N",
                         help="paired replicates: both regimes on seeds SEED .. SEED+N-1 "
                         "(default 10)")
    for flag in ("seed", "weeks", "citizens"):
        spec = _PLACE[flag]
        compare.add_argument(f"--{flag}", type=_whole_number, metavar="N",
                             help=f"{spec.doc} Overrides place.{flag}; {spec.allowed()}.")
    compare.add_argument("--workers", type=_whole_number, default=1, metavar="N",
                         help="local worker processes (default 1: on a small machine the "
                         "engine already uses every core; ignored with --dask)")
    _horizon_flag(compare)
    _dask_flag(compare)
    compare.add_argument("--sensitivity", type=Path, metavar="CSV",
                         help="a sensitivity.csv from 'placesim sensitivity' whose highest-"
                         "ranked parameters the report lists (default: the screening "
                         "shipped with placesim)")
    compare.add_argument("--out", type=Path, metavar="DIR",
                         help="where the report, tables and runs go (default: "
                         "results/compare/<scenario>-<baseline>-vs-<reform>)")
    compare.add_argument("--no-progress", dest="progress", action="store_false",
                         help="no progress bar")


def _calibrate_parser(commands) -> None:
    calibrate = commands.add_parser(
        "calibrate", help="run the place on several seeds under each regime, set the crisis "
        "hazards from published rates and write docs/calibration.md (the model's value of "
        "every target, with its interval, against the published value and its source)")
    calibrate.add_argument("scenario", type=Path, nargs="?",
                           default=Path("scenarios/default.toml"),
                           help="scenario file (default scenarios/default.toml)")
    calibrate.add_argument("--replicates", type=_whole_number, default=CALIBRATION_SEEDS,
                           metavar="N", help="seeds, SEED .. SEED+N-1, each run under every "
                           f"regime (default {CALIBRATION_SEEDS})")
    for flag in ("seed", "weeks", "citizens"):
        spec = _PLACE[flag]
        calibrate.add_argument(f"--{flag}", type=_whole_number, metavar="N",
                               help=f"{spec.doc} Overrides place.{flag}; {spec.allowed()}.")
    calibrate.add_argument("--out", type=Path, metavar="DIR", default=Path("docs"),
                           help="where calibration.md goes (default docs)")


def _ui_parser(commands) -> None:
    ui = commands.add_parser("ui", help="the trainer's browser UI: baseline and reform side "
                             "by side, live (works offline)")
    ui.add_argument("scenario", type=Path, nargs="?", default=Path("scenarios/default.toml"),
                    help="scenario to start with; its directory gives the scenario picker "
                    "and the presets (default scenarios/default.toml)")
    ui.add_argument("--port", type=_whole_number, default=8765, metavar="N",
                    help="port to serve on (default 8765)")
    ui.add_argument("--host", default="127.0.0.1", metavar="H",
                    help="address to serve on (default 127.0.0.1, this machine only; "
                    "0.0.0.0 for the room's network)")


def _sweep_parsers(commands) -> None:
    sweep = commands.add_parser(
        "sweep", help="run an experiment file's runs that are not on disk yet (resumable)")
    sweep.add_argument("experiment", type=Path, help="experiment file (TOML)")
    sweep.add_argument("--workers", type=_whole_number, metavar="N", default=1,
                       help="local worker processes (default 1; ignored with --dask)")
    _dask_flag(sweep)
    sweep.add_argument("--out", type=Path, metavar="DIR",
                       help="results directory (default: results/sweeps/<experiment name>)")
    for flag in ("citizens", "weeks"):
        spec = _PLACE[flag]
        sweep.add_argument(f"--{flag}", type=_whole_number, metavar="N",
                           help=f"{spec.doc} Sets place.{flag} in every run (recorded in "
                           f"the plan and the run ids); {spec.allowed()}.")
    sweep.add_argument("--replicates", type=_whole_number, metavar="N",
                       help="replicates (seeds) per design point, instead of the file's "
                       f"replicates.count; from 1 to {MAX_REPLICATES:,}")
    sweep.add_argument("--yes", action="store_true",
                       help=f"confirm a plan of more than {CONFIRM_RUNS:,} runs")
    sweep.add_argument("--no-progress", dest="progress", action="store_false",
                       help="no progress bar")

    sensitivity = commands.add_parser(
        "sensitivity", help="Sobol or Morris indices of a finished sweep: table and plot")
    sensitivity.add_argument("results", type=Path, help="a sweep's results directory")
    sensitivity.add_argument("--output", action="append", metavar="NAME", required=True,
                             help="an end-of-run output (repeatable), e.g. spend_total, "
                             "crisis_cost, turned_around_end")
    sensitivity.add_argument("--regime", action="append", metavar="NAME",
                             help="regime to analyse (repeatable; default: every regime run)")
    sensitivity.add_argument("--difference", metavar="A-B",
                             help="analyse regime A minus regime B, paired by design point "
                             "and seed (e.g. relational-target), instead of each regime")
    sensitivity.add_argument("--out", type=Path, metavar="DIR",
                             help="where the table and plot go (default: RESULTS/sensitivity)")


def _with_flags(scenario: Scenario, args: argparse.Namespace) -> Scenario:
    problems, overrides = [], {}
    for flag in ("seed", "weeks", "citizens"):
        value = getattr(args, flag)
        if value is None:
            continue
        why = check_value(_PLACE[flag], value)
        if why:
            problems.append(Problem("command line", f"--{flag}", why))
        overrides[f"place.{flag}"] = value
    if problems:
        raise InputError(problems)
    if not overrides:
        return scenario
    scenario = scenario.with_overrides(overrides, "command line")
    for note in scenario.beyond_run():
        print(f"placesim: warning: --weeks {scenario.get('place.weeks')}: {note}",
              file=sys.stderr)
    return scenario


def _regimes(choice: str | None, scenario: Scenario) -> list[str]:
    if choice is None:
        return list(scenario.run)
    names = {"both": ["target", "learning"], "all": list(scenario.regimes)}.get(choice, [choice])
    for name in names:
        scenario.regime(name)
    return names


def _run(args: argparse.Namespace) -> int:
    from placesim import runner
    from placesim.compilation import prepare_kernels
    from placesim.folders import RunFolder, run_identity
    from placesim.memory import check_fits
    from placesim.provenance import code_version
    from placesim.results import TABLES
    from placesim.summary import compare, render, render_deciles
    from placesim.treasury import render_accounts

    horizon = check_horizon(args.horizon, "command line", "--horizon")
    scenario = _with_flags(load(args.scenario), args)
    regimes = _regimes(args.regime, scenario)
    out = args.out or Path("results") / scenario.name
    n, weeks = scenario.get("place.citizens"), scenario.get("place.weeks")
    check_fits(int(n))
    folder = RunFolder(out, run_identity(scenario, code_version()), TABLES, args.replace,
                       "command line", "--out")
    print(f"placesim {__version__}: {scenario.name} ({args.scenario}), {n:,} citizens, "
          f"{_plural(weeks, 'week')}, seed {scenario.get('place.seed')}, regimes: "
          f"{', '.join(regimes)}", file=sys.stderr)
    prepare_kernels()
    # what the libraries and kernels made lives as long as the command: the collector's
    # full passes (one after each regime frees its model) need not walk it
    gc.freeze()
    runs = runner.run_scenario(scenario, regimes, folder, args.progress, args.scheduler,
                               horizon=horizon)
    table = compare({run.regime: run.weekly for run in runs})
    print(render(table, f"{scenario.name}: {n:,} citizens over {_plural(weeks, 'week')}"))
    print()
    print(render_accounts({run.regime: run.accounts.iloc[0] for run in runs}, horizon))
    print()
    print(render_deciles({run.regime: run.deciles for run in runs}))
    print(f"\nResults written to {out}/ ({', '.join(f'{t}/' for t in TABLES)}, "
          "manifest.json); each column's unit and meaning: placesim outputs")
    return 0


def _validate(args: argparse.Namespace) -> int:
    """Check scenario and experiment files, each as the kind of file it is."""
    from placesim.experiments import load_experiment
    from placesim.experiments.spec import run_count
    from placesim.scenario.files import kind_of, parse_toml, read_text

    problems: list[Problem] = []
    for path in args.files:
        try:
            if kind_of(parse_toml(read_text(path, "scenario"), str(path))) == "experiment":
                experiment = load_experiment(path)
                print(f"{path}: ok (experiment {experiment.name}: "
                      f"{_plural(run_count(experiment), 'run')} of scenario "
                      f"{experiment.scenario.name}; run it with placesim sweep)")
            else:
                scenario = load(path)
                print(f"{path}: ok ({scenario.name}; regimes: {', '.join(scenario.regimes)})")
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return 0


def _validate_case(args: argparse.Namespace) -> int:
    from placesim.compilation import prepare_kernels
    from placesim.folders import check_writable
    from placesim.memory import check_fits
    from placesim.validation.gateshead import resolve, validate_case

    path = resolve(args.case)
    scenario = load(path)
    problems = []
    if args.trajectories == 1:
        problems.append(Problem("command line", "--trajectories",
                                "1 is too few; allowed: 0 (no screening) or at least 2"))
    if scenario.cohort is None:
        problems.append(Problem(str(path), "cohort", "is missing: a validation case needs a "
                                "[cohort] table (see scenarios/gateshead_council_tax.toml)"))
    largest = _PLACE["citizens"].high
    for flag, value, low, high in (
            ("--replicates", args.replicates, 2, MAX_REPLICATES),
            ("--trajectories", args.trajectories, 0, MAX_TRAJECTORIES),
            ("--sensitivity-citizens", args.sensitivity_citizens, 100, largest)):
        if value is not None and not low <= value <= high:
            problems.append(Problem("command line", flag, f"{value:,} is out of range; "
                                    f"allowed: a whole number from {low} to {high:,}"))
    if problems:
        raise InputError(problems)
    workers = _workers(args.workers)
    check_fits(max(int(scenario.get("place.citizens")), args.sensitivity_citizens or 0),
               workers, outcomes=True)
    check_writable(args.out, "command line", "--out")
    if args.screening is not None:
        check_writable(args.screening, "command line", "--screening")
    prepare_kernels()
    command = " ".join(["placesim", "validate-case", *sys.argv[2:]]) if sys.argv[1:2] == [
        "validate-case"] else f"placesim validate-case {args.case}"
    try:
        page = validate_case(path, args.out, command, args.replicates, workers,
                             args.trajectories, args.sensitivity_citizens, args.screening,
                             progress=True)
    except ValueError as error:  # e.g. a cohort that comes out empty in a small place
        raise InputError([Problem(str(path), "cohort", str(error))]) from None
    print(f"Evidence written to {page} (figures beside it)")
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from placesim.calibration.page import write_page
    from placesim.calibration.procedure import calibrate
    from placesim.compilation import prepare_kernels
    from placesim.folders import check_writable
    from placesim.memory import check_fits

    problems = []
    if not 2 <= args.replicates <= MAX_REPLICATES:
        problems.append(Problem("command line", "--replicates", (
            f"{args.replicates:,} is out of range; allowed: a whole number from 2 (an "
            f"interval needs two seeds) to {MAX_REPLICATES:,}")))
    if problems:
        raise InputError(problems)
    scenario = _with_flags(load(args.scenario), args)
    # a calibration run keeps its starting records beside its final ones: as much as
    # a run that keeps per-citizen outcomes
    check_fits(int(scenario.get("place.citizens")), outcomes=True)
    check_writable(args.out, "command line", "--out")
    first = int(scenario.get("place.seed"))
    seeds = range(first, first + args.replicates)
    print(f"placesim {__version__}: calibrate {scenario.name} ({args.scenario}), "
          f"{scenario.get('place.citizens'):,} households, "
          f"{_plural(scenario.get('place.weeks'), 'week')}, seeds {first} to {seeds[-1]}",
          file=sys.stderr)
    prepare_kernels()
    command = " ".join(["placesim", *sys.argv[1:]]) if sys.argv[1:2] == ["calibrate"] else (
        f"placesim calibrate {args.scenario}")
    calibration = calibrate(scenario, seeds, progress=lambda what: print(
        f"  running {what}", file=sys.stderr))
    page = write_page(calibration, args.out, command)
    print(f"Calibration written to {page}")
    return 0


def _sweep(args: argparse.Namespace) -> int:
    from placesim.compilation import prepare_kernels
    from placesim.experiments import load_experiment, sweep
    from placesim.experiments.spec import run_count
    from placesim.folders import check_writable
    from placesim.memory import check_fits

    experiment = load_experiment(args.experiment)
    experiment = _sweep_overrides(experiment, args)
    workers = _workers(args.workers, args.dask)
    runs = run_count(experiment)
    if runs > CONFIRM_RUNS and not args.yes:
        raise InputError([Problem("command line", "--yes", (
            f"the plan has {runs:,} runs (design points x replicates x regimes); a sweep of "
            f"more than {CONFIRM_RUNS:,} runs must be confirmed: add --yes to run it"))])
    if not args.dask:
        check_fits(int(experiment.largest_place()), min(workers, runs),
                   outcomes="outcomes" in experiment.outputs)
    out = args.out or Path("results") / "sweeps" / experiment.name
    check_writable(out, "command line", "--out")
    where = f"Dask cluster at {args.dask}" if args.dask else (
        f"{workers} local worker process{'es' if workers > 1 else ''}")
    print(f"placesim {__version__}: sweep {experiment.name} ({args.experiment}), "
          f"{experiment.method} design, {_plural(runs, 'run')}, on {where}", file=sys.stderr)
    if not args.dask:
        prepare_kernels()  # once here, so the workers load them from the cache
    try:
        report = sweep(experiment, out, workers, args.dask, args.progress)
    except ResultsNotWritten:
        raise
    except OSError as error:  # e.g. no scheduler listening at the address
        raise InputError([Problem("command line", "--dask" if args.dask else
                                  "--out", str(error))]) from None
    minutes, seconds = divmod(round(report.seconds), 60)
    print(f"{report.planned} runs planned: {report.skipped} already on disk, {report.done} "
          f"run now, {len(report.failed)} failed, in {minutes}m{seconds:02d}s")
    for record in report.failed:
        last = record["error"].strip().splitlines()[-1] if record["error"] else "?"
        print(f"  failed: run {record['run_id']} ({record['regime']}, seed {record['seed']}, "
              f"{record['parameters']}): {last}", file=sys.stderr)
    if report.interrupted:
        why = "a worker process died" if report.lost_worker else "interrupted"
        print(f"placesim: {why}; finished runs are on disk: run the same command to "
              "resume", file=sys.stderr)
        return 130
    print(f"Results in {out}/ (read with placesim.experiments.read_results('{out}'))")
    return 1 if report.failed else 0


def _sweep_overrides(experiment, args: argparse.Namespace):
    """The experiment with --citizens, --weeks and --replicates applied (all checked)."""
    problems, overrides = [], {}
    for flag in ("citizens", "weeks"):
        value = getattr(args, flag)
        if value is None:
            continue
        if why := check_value(_PLACE[flag], value):
            problems.append(Problem("command line", f"--{flag}", why))
        elif f"place.{flag}" in {v.path for v in experiment.varied}:
            problems.append(Problem("command line", f"--{flag}", (
                f"the experiment varies place.{flag}; it cannot also be set for every run")))
        overrides[f"place.{flag}"] = value
    if args.replicates is not None and not 1 <= args.replicates <= MAX_REPLICATES:
        problems.append(Problem("command line", "--replicates", (
            f"{args.replicates} is out of range; allowed: a whole number from 1 to "
            f"{MAX_REPLICATES:,}")))
    if problems:
        raise InputError(problems)
    return experiment.overridden(overrides, args.replicates, "command line")


def _workers(requested: int, dask: str | None = None, flag: str = "--workers") -> int:
    """Local worker processes: at least 1, and no more than the machine's cores (each
    worker already runs the kernels on its share of the cores, so more only queue)."""
    if requested < 1:
        raise InputError([Problem("command line", flag,
                                  f"{requested} is too small; allowed: at least 1")])
    cores = os.cpu_count() or 1
    if requested > cores and not dask:
        print(f"placesim: warning: {flag} {requested} is more than this machine's "
              f"{_plural(cores, 'core')}; using {cores}: more processes than cores only "
              "take turns on them, each with its own copy of the place, so a sweep runs "
              "no faster and needs more memory", file=sys.stderr)
        return cores
    return requested


def _compare(args: argparse.Namespace) -> int:
    from placesim.comparison import compare, default_out
    from placesim.comparison.report import headline_text
    from placesim.compilation import prepare_kernels
    from placesim.memory import check_fits

    horizon = check_horizon(args.horizon, "command line", "--horizon")
    scenario = _with_flags(load(args.scenario), args)
    screening = None
    if args.sensitivity is not None:
        screening = _read_screening(args.sensitivity)
    workers = _workers(args.workers, args.dask)
    if not args.dask:
        check_fits(int(scenario.get("place.citizens")),
                   min(workers, 2 * max(1, args.replicates)), outcomes=True)
    out = args.out or default_out(scenario, args.baseline, args.reform)
    print(f"placesim {__version__}: compare {args.reform} with {args.baseline} on "
          f"{scenario.name} ({args.scenario}), {scenario.get('place.citizens'):,} citizens, "
          f"{_plural(scenario.get('place.weeks'), 'week')}, {args.replicates} paired "
          f"replicates from seed {scenario.get('place.seed')}", file=sys.stderr)
    command = " ".join(["placesim", *sys.argv[1:]]) if sys.argv[1:2] == ["compare"] else ""
    if not args.dask:
        prepare_kernels()
    try:
        comparison = compare(scenario, args.baseline, args.reform,
                             replicates=args.replicates, workers=workers,
                             dask=args.dask, out=out, screening=screening,
                             progress=args.progress, command=command, horizon=horizon)
    except InputError as error:  # name the flags, not the function's arguments
        raise InputError([Problem("command line", f"--{p.path}", p.message)
                          if p.where == "arguments" else p for p in error.problems]) from None
    except ResultsNotWritten:
        raise
    except OSError as error:  # e.g. no scheduler listening at the address
        raise InputError([Problem("command line", "--dask", str(error))]) from None
    page = comparison.write_report(out)
    print(headline_text(comparison))
    print(f"\nReport: {page} (and report.md); tables: {out / 'tables'}/ (CSV and Parquet)")
    return 0


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _read_screening(path: Path):
    import pandas as pd

    from placesim.scenario.files import path_label

    columns, label = {"output", "parameter", "index", "value"}, path_label(path)
    try:
        screening = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        why = (error.strerror if isinstance(error, OSError) and error.strerror
               else str(error).splitlines()[0][:200])
        raise InputError([Problem(label, "", f"cannot be read as CSV: {why}")]) from None
    if not columns <= set(screening.columns):
        raise InputError([Problem(label, "", "is not a sensitivity table: it needs the "
                                  f"columns {', '.join(sorted(columns))} (as written by "
                                  "'placesim sensitivity')")])
    return screening


def _sensitivity(args: argparse.Namespace) -> int:
    from placesim.experiments import sensitivity
    from placesim.folders import check_folder, check_writable

    check_folder(args.results, "command line", "results")
    out = args.out or args.results / "sensitivity"
    check_writable(out, "command line", "--out")
    difference = None
    if args.difference is not None:
        difference = sensitivity.split_difference(args.difference,
                                                  sensitivity.regimes_run(args.results))
        if difference is None or args.regime:
            raise InputError([Problem("command line", "--difference", (
                f"{shown(args.difference)} must be two regimes of the sweep joined by '-', "
                "e.g. relational-target, and replaces --regime"))])
    found = sensitivity.indices(args.results, args.output, args.regime,
                                difference=difference)
    paths = sensitivity.write(found, out, f"Sensitivity of {args.results.name}")
    print(sensitivity.table(found))
    print("Written: " + ", ".join(str(p) for p in paths))
    return 0


def _ui(args: argparse.Namespace) -> int:
    from placesim.memory import fit_problem
    from placesim.ui.serve import serve
    from placesim.ui.twin import SIDES

    scenario = load(args.scenario)
    too_large = fit_problem(int(scenario.get("place.citizens")), places=len(SIDES))
    if too_large:  # the page starts with both sides' places of the file's size
        raise InputError([Problem(str(args.scenario), "place.citizens", too_large)])
    if not 0 < args.port < 65536:
        raise InputError([Problem("command line", "--port", f"{args.port} is not a port; "
                                  "allowed: a whole number from 1 to 65535")])
    try:
        serve(args.scenario, args.host, args.port)
    except OSError as error:  # e.g. the port is taken
        raise InputError([Problem("command line", "--port", str(error))]) from None
    return 0


def _parameters(args: argparse.Namespace) -> int:
    from placesim.scenario.describe import markdown

    print(markdown(), end="")
    return 0


def _outputs(args: argparse.Namespace) -> int:
    from placesim.columns import markdown

    print(markdown(), end="")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"run": _run, "validate": _validate, "validate-case": _validate_case,
                "calibrate": _calibrate,
                "compare": _compare, "sweep": _sweep, "sensitivity": _sensitivity,
                "parameters": _parameters, "outputs": _outputs, "ui": _ui}[args.command](args)
    except InputError as error:
        for problem in error.problems:
            print(f"placesim: error: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ResultsNotWritten as error:  # e.g. the disk filled up: say so, nothing is half
        print(f"placesim: error: {error.strerror}", file=sys.stderr)
        return EXIT_NOT_WRITTEN
    except ConservationError as error:  # never report a wrong answer as a result
        print(f"placesim: internal error: {error}. This is a bug in placesim, not in your "
              "input; nothing from this run was written as a result. Please report it "
              "with the command you ran (PLACESIM_DEBUG=1 finds the week it happened).",
              file=sys.stderr)
        return EXIT_NOT_CONSERVED
    except KeyboardInterrupt as interrupt:
        why = str(interrupt) or "interrupted"
        print(f"placesim: {why}; finished runs are on disk: run the same command to "
              "resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
