"""The rulebook: what happens to one citizen in a week, one module per submodel.

Each module holds one submodel of docs/odd.md (section 7), its formulas and its actions
on a citizen's record together:

- ``life``: life domains and cascades, families and spillover, crises (phase 1);
- ``money``: earnings, the council-tax bill, the weekly money waterfall and payments to
  the council and to the enforcement agent (phase 2);
- ``benefits``: entitlement, claims, change reports and chasing (phase 3), standard-route
  decisions and their target (phase 4);
- ``demand``: asking for help, doors and giving up (phase 3), referrals;
- ``services``: the four services' queues, doors, gates and help (phase 4);
- ``recovery_ladder``: the council-tax recovery ladder, from reminder to the bailiff's
  (enforcement agent's) visit, its statutory fees and payment plans (phases 3 and 5);
- ``casework``: the relational team's cases, intake and its specialist's fixes
  (phases 4 and 5);
- ``wellbeing``: stress, trust, wellbeing and stable weeks (phase 6);
- ``workers``: frontline workers' week, performance and effort bent to the count (7).

``ledger`` does the bookkeeping every rule reports to (events, money flows, public costs
by agency, contacts tagged value or failure demand, fees, end-of-week tallies), and
``week`` reads as the phase table, calling the others in the documented order.

A rule takes a citizen's record ``r`` (a packed record, or a Mesa agent with the same
fields), the week's random key for the citizen, the parameter record ``p`` and the
week's ledger row ``acc``; its formulas are pure functions of scalars. Every function
is compiled with numba (``cache=True``) and inlined into the fast scheduler's kernels;
the reference scheduler runs the same functions in pure Python
(:func:`placesim.engine.pure.python_rulebook`). Money is in whole pence.
"""
