"""Phase 4, allocation of each capacity, from docs/odd.md (section 3, phase 4; "Claims,
decisions ..."; "A target and its gaming"; "The relational team"; "The four services")."""

from __future__ import annotations

from dataclasses import dataclass

from naive.benefits import decision
from naive.casework import fix, intake
from naive.citizen import Record, half_up
from naive.services import SECTION, take_request
from placesim.engine.rng import agent_key, draw
from placesim.engine.state import Case, Claim, Service


@dataclass
class Capacities:
    """What the week allows: decisions, fixes, each service's requests, cases a worker."""

    decisions: int
    fixes: int
    services: list[int]
    caseload_cap: int


def draws(seed: int, week: int, citizen: int):
    key = agent_key(seed, week, citizen)
    return lambda purpose: draw(key, int(purpose))


def allocate(people: list[Record], assessors: list[float], caseload: list[int],
             capacity: Capacities, partnership: float, p, seed: int, week: int, acc) -> None:
    """Who is served this week, in key order (week joined, citizen id), and serving them."""
    for r in people:  # release the caseworkers of cases closed last week
        if r.case == Case.CLOSED and r.caseworker >= 0:
            caseload[r.caseworker] -= 1
            r.caseworker = -1
    ids = range(len(people))
    claims = sorted((i for i in ids if people[i].claim == Claim.PENDING
                     and week - people[i].claim_week >= p.benefits_lead_weeks),
                    key=lambda i: (people[i].claim_week, i))
    fixes = sorted((i for i in ids if people[i].case == Case.FIX_QUEUED),
                   key=lambda i: (people[i].case_week, i))
    requests = {s: sorted((i for i in ids if people[i].asks & (1 << s) and week
                           - people[i].ask_week >= getattr(p, f"{SECTION[s]}_lead_weeks")),
                          key=lambda i: (people[i].ask_week, i)) for s in Service}
    waiting = sorted((i for i in ids if people[i].case == Case.WAITING),
                     key=lambda i: (people[i].case_week, i))

    # decisions: with cream-skimming (lever x the service's pull toward gaming), claims
    # that can still meet the target go first
    kept = half_up(capacity.decisions * p.regime_cream_skimming * p.gaming_pull_benefits)
    can_meet = [i for i in claims if week - people[i].claim_week <= p.benefits_target_weeks]
    first = can_meet[:kept]
    order = first + [i for i in claims if i not in first]
    for k, i in enumerate(order[:capacity.decisions]):
        decision(people[i], draws(seed, week, i), assessors[k % len(assessors)], p, week, acc)
    for i in fixes[:capacity.fixes]:
        fix(people[i], draws(seed, week, i), p, acc)
    for s in Service:
        for i in requests[s][:capacity.services[s]]:
            take_request(people[i], s, draws(seed, week, i), p, partnership, acc)
    for i in waiting:
        room = [w for w in range(len(caseload)) if caseload[w] < capacity.caseload_cap]
        if not room:
            break
        worker = min(room, key=lambda w: (caseload[w], w))
        caseload[worker] += 1
        intake(people[i], worker, week, acc)


