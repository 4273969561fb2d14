"""The rulebook in pure Python: every compiled rule's ``py_func``, calling each other.

``rule.py_func`` alone would still call the *compiled* versions of the rules it uses
(module globals point at numba dispatchers). :func:`python_rulebook` rebuilds each
function of the rule modules over a copy of its module's globals in which every
dispatcher is replaced by its Python form, so a call chain runs in Python from top to
bottom. Only the counter-based generator stays compiled: it is not a rule, and its
64-bit wrap-around arithmetic is what numpy scalars warn about. It is called with a plain
int purpose: typing an enum member costs numba a scan of its whole class on every call.

The rule modules are every module of the ``rules`` package, with ``state`` and
``metrics`` for the small compiled helpers they share. Building the rulebook fails if a
rule would still reach a compiled function outside them, so the reference scheduler
can never silently run compiled code. With numba's JIT disabled (``NUMBA_DISABLE_JIT=1``,
to measure coverage) every function is plain Python already, and the rulebook is them.
"""

from __future__ import annotations

import importlib
import pkgutil
import types
from collections.abc import Callable, Iterator
from functools import cache
from types import ModuleType, SimpleNamespace

from numba.core import config
from numba.core.registry import CPUDispatcher

from placesim.engine import metrics, rng, rules, state


def python_function(function: Callable) -> Callable:
    """The Python form of a compiled function (the function itself when the JIT is off).

    It still calls the compiled forms of what it calls: for a leaf function, or a call
    outside the rules; a chain of rules runs in Python through :func:`python_rulebook`.
    """
    return getattr(function, "py_func", function)


def _compiled(value: object, module: ModuleType) -> bool:
    """Whether ``value`` is a function compiled from ``module`` (or, with the JIT off, a
    function of it that would have been)."""
    if isinstance(value, CPUDispatcher):
        return value.py_func.__module__ == module.__name__
    return (bool(config.DISABLE_JIT) and isinstance(value, types.FunctionType)
            and value.__module__ == module.__name__)


def rule_modules() -> tuple[ModuleType, ...]:
    """The modules whose compiled functions make up the rulebook."""
    found = [importlib.import_module(f"{rules.__name__}.{info.name}")
             for info in pkgutil.iter_modules(rules.__path__)]
    return (state, metrics, *found)


def _code_names(code: types.CodeType) -> Iterator[str]:
    """Every global name a function's code (and the code nested in it) may look up."""
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_names(const)


def compiled_calls(rulebook: SimpleNamespace) -> list[str]:
    """Names of compiled functions outside the generator that a rule of the rulebook
    would still call, as ``rule -> name``."""
    left = []
    for name, function in vars(rulebook).items():
        if not isinstance(function, types.FunctionType) or function.__module__ == rng.__name__:
            continue
        for global_name in sorted(set(_code_names(function.__code__))):
            value = function.__globals__.get(global_name)
            if isinstance(value, CPUDispatcher):
                left.append(f"{name} -> {global_name}")
    return left


@cache
def python_rulebook() -> SimpleNamespace:
    """Pure-Python forms of every compiled function in the rule modules, by name."""
    modules = rule_modules()
    namespaces = {m.__name__: dict(vars(m)) for m in modules}
    python_forms: dict[int, types.FunctionType] = {}

    def python_form(compiled: Callable) -> types.FunctionType:
        key = id(compiled)
        if key not in python_forms:
            original = python_function(compiled)
            python_forms[key] = types.FunctionType(
                original.__code__, namespaces[original.__module__], original.__name__,
                original.__defaults__, original.__closure__)
        return python_forms[key]

    by_name = {m.__name__: m for m in modules}
    for namespace in namespaces.values():
        for name, value in list(namespace.items()):
            home = getattr(python_function(value), "__module__", None)
            if home in by_name and _compiled(value, by_name[home]):
                namespace[name] = python_form(value)
        if "draw" in namespace:
            namespace["draw"] = _draw
    exported: dict[str, object] = {}
    for module in modules:
        for name, value in vars(module).items():
            if _compiled(value, module):
                if name in exported:
                    raise RuntimeError(f"two rules are called {name}: the rulebook needs "
                                       "one name for each")
                exported[name] = namespaces[module.__name__][name]
    rulebook = SimpleNamespace(**exported, agent_key=rng.agent_key, draw=_draw)
    left = compiled_calls(rulebook)
    if left:
        raise RuntimeError("rules that would call compiled code from Python (add their "
                           f"module to the rulebook): {', '.join(left)}")
    return rulebook


def _draw(key: int, purpose: int) -> float:
    return rng.draw(key, int(purpose))
