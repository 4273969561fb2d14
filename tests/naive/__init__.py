"""Naive references: each rule family of the rulebook written again, from docs/odd.md.

Slow and plain on purpose, and independent: they call no function of placesim's rules
(``placesim.engine.rules``, ``allocation``, ``kernels``). They use only what is not a rule:
the codes of a citizen record (``state``), the index of each weekly aggregate
(``metrics.M``), the packed parameter record as data (``params.pack``) and the
counter-based random generator (``rng``). tests/test_references.py runs them beside
the rules on random records and compares every field and every aggregate.

- ``citizen``: a citizen record as plain Python numbers, and the ODD's small formulas
  (rounding, the council-tax bill, earnings, what is owed);
- ``ladder``: the council-tax recovery ladder, its statutory fees and the bailiff's visit;
- ``money``: the weekly money waterfall;
- ``benefits``: entitlement, claims and standard-route decisions;
- ``services``: the four services' doors, gates and help;
- ``casework``: the relational team's cases, intake and specialist fixes;
- ``allocation``: who is served in phase 4, within each capacity.
"""
