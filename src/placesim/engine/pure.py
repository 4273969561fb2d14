"""The rulebook in pure Python: every compiled rule's ``py_func``, calling each other.

``rule.py_func`` alone would still call the *compiled* versions of the rules it uses
(module globals point at numba dispatchers). :func:`python_rulebook` rebuilds each
function of the rule modules over a copy of its module's globals in which every
dispatcher is replaced by its Python form, so a call chain runs in Python from top to
bottom. Only the counter-based generator stays compiled: it is not a rule, and its
64-bit wrap-around arithmetic is what numpy scalars warn about. It is called with a plain
int purpose: typing an enum member costs numba a scan of its whole class on every call.
"""

from __future__ import annotations

import types
from functools import cache
from types import ModuleType, SimpleNamespace

from numba.core.registry import CPUDispatcher

from placesim.engine import citizen_week, rng, rules

RULE_MODULES: tuple[ModuleType, ...] = (rules, citizen_week)


@cache
def python_rulebook() -> SimpleNamespace:
    """Pure-Python forms of every compiled function in the rule modules, by name."""
    namespaces = {m.__name__: dict(vars(m)) for m in RULE_MODULES}
    python_forms: dict[int, types.FunctionType] = {}

    def python_form(dispatcher: CPUDispatcher) -> types.FunctionType:
        key = id(dispatcher)
        if key not in python_forms:
            original = dispatcher.py_func
            python_forms[key] = types.FunctionType(
                original.__code__, namespaces[original.__module__], original.__name__,
                original.__defaults__, original.__closure__)
        return python_forms[key]

    rule_modules = {m.__name__ for m in RULE_MODULES}
    for namespace in namespaces.values():
        for name, value in list(namespace.items()):
            if isinstance(value, CPUDispatcher) and value.py_func.__module__ in rule_modules:
                namespace[name] = python_form(value)
        if "draw" in namespace:
            namespace["draw"] = _draw
    exported = {}
    for module in RULE_MODULES:
        for name, value in vars(module).items():
            if isinstance(value, CPUDispatcher) and value.py_func.__module__ == module.__name__:
                exported[name] = namespaces[module.__name__][name]
    exported["agent_key"] = rng.agent_key
    exported["draw"] = _draw
    return SimpleNamespace(**exported)


def _draw(key: int, purpose: int) -> float:
    return rng.draw(key, int(purpose))
