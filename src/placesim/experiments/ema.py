"""Let EMA workbench drive placesim (install with the ``ema`` extra).

EMA workbench (Kwakkel 2017) samples uncertainties and levers, runs a model function for
each experiment and analyses the outcomes (scenario discovery, robustness). This adapter
gives it a model whose uncertainties are placesim parameters by dotted path and whose
outcomes are end-of-run indicators and the Treasury account (the keys of
``placesim.runner.END_OF_RUN_KEYS``)::

    from ema_workbench import perform_experiments
    from placesim.experiments.ema import placesim_model

    model = placesim_model("scenarios/default.toml", "learning",
                           {"life.job_loss": (0.001, 0.006), "levers.caseload_cap": (8, 30)},
                           ["spend_total", "turned_around_end"])
    experiments, outcomes = perform_experiments(model, 50)

With ``baseline`` the model is a comparison: each experiment runs ``placesim.compare``
(baseline and the regime on ``replicates`` common seeds, stored under ``out``) and its
outcomes are the paired differences, the regime minus the baseline, averaged over the
replicates — the robustness of a reform, not of one regime::

    model = placesim_model("scenarios/default.toml", "learning", {...}, ["spend_total"],
                           baseline="target", replicates=3, out="results/ema")

EMA names must be Python identifiers, so a dotted path appears there with ``__`` for each
dot (``life__job_loss``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path

from placesim.experiments.spec import field_of, overrides_for
from placesim.model import resolve_scenario
from placesim.runner import END_OF_RUN_KEYS, run_regime
from placesim.scenario import InputError, Problem, Scenario
from placesim.scenario.errors import unknown_key_message


def ema_name(path: str) -> str:
    return path.replace(".", "__")


def run_once(scenario: Scenario, regime: str, outputs: Sequence[str],
             **parameters: float) -> dict[str, float]:
    """One run with EMA's parameter names; the chosen end-of-run outputs."""
    paths = {name.replace("__", "."): value for name, value in parameters.items()}
    here = resolve_scenario(scenario, None, None, None, overrides_for(paths, regime))
    summary = run_regime(here, regime, progress=False).summary()
    return {name: summary[name] for name in outputs}


def compare_once(scenario: Scenario, baseline: str, reform: str, outputs: Sequence[str],
                 replicates: int, out: Path, **parameters: float) -> dict[str, float]:
    """One comparison with EMA's parameter names (a lever moves in both regimes); the
    chosen outputs' paired differences, reform minus baseline."""
    from placesim.comparison import compare

    paths = {name.replace("__", "."): value for name, value in parameters.items()}
    changes = {**overrides_for(paths, baseline), **overrides_for(paths, reform)}
    here = resolve_scenario(scenario, None, None, None, changes)
    found = compare(here, baseline, reform, replicates=replicates, out=out / here.digest())
    differences = found.differences.set_index("indicator")["difference"]
    return {name: float(differences[name]) for name in outputs}


def placesim_model(scenario: str | Path | Scenario, regime: str,
                   uncertainties: Mapping[str, tuple[float, float]], outputs: Sequence[str],
                   name: str = "placesim", *, baseline: str | None = None,
                   replicates: int = 2, out: str | Path | None = None):
    """An EMA workbench ``Model`` running ``scenario`` under ``regime`` or, given a
    ``baseline``, comparing ``regime`` with it (stores under ``out``)."""
    from ema_workbench import IntegerParameter, Model, RealParameter, ScalarOutcome

    base = resolve_scenario(scenario, None, None, None, None)
    for role in (regime, baseline):
        if role is not None:
            base.regime(role)
    problems = [Problem("outputs", o, unknown_key_message(o, END_OF_RUN_KEYS, "output"))
                for o in outputs if o not in END_OF_RUN_KEYS]
    parameters = []
    for path, (low, high) in uncertainties.items():
        spec = field_of(path, base)
        if isinstance(spec, str):
            problems.append(Problem("uncertainties", path, spec))
            continue
        kind = IntegerParameter if spec.kind is int else RealParameter
        parameters.append(kind(ema_name(path), low, high))
    if baseline is not None and out is None:
        problems.append(Problem("arguments", "out", "is missing: a comparison model keeps "
                                "each experiment's runs in a folder; name one"))
    if problems:
        raise InputError(problems)
    function = (partial(run_once, base, regime, tuple(outputs)) if baseline is None else
                partial(compare_once, base, baseline, regime, tuple(outputs), replicates,
                        Path(out)))
    model = Model(name, function=function)
    model.uncertainties = parameters
    model.outcomes = [ScalarOutcome(o) for o in outputs]
    return model
