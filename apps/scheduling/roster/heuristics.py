"""The auto-roster's plain heuristics, beside the solver: the applying order, the `Ledger` of a person's
work checked with the engine's own arithmetic, the greedy baseline a coordinator's tool would do, the
quick rebalancing that starts the solver's second phase, and the hours-against-targets figures."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from datetime import datetime, timedelta

from ..eligibility_rules import WEEK, max_daily_hours, max_weekly_hours
from ..models import PositionRole
from .instance import Instance, Slot


def ordered(instance: Instance, chosen: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Applying order: by shift start, and within a shift leads first, trainees last (the engine's
    composition rule then sees the lead it needs)."""
    rank = {PositionRole.LEAD: 0, PositionRole.TRAINEE: 2}

    def key(item):
        slot = instance.slots[item[0]]
        return slot.start, slot.shift_id, rank.get(slot.role, 1), slot.position_id, item[1]

    return sorted(chosen, key=key)


# --- the greedy baseline ---------------------------------------------------------------------------

class Ledger:
    """Each person's work as a roster grows, checked with the engine's own hour arithmetic: what the
    greedy baseline and the tests' brute force use to ask "can this person take one more place?"."""

    def __init__(self, instance: Instance):
        self.instance = instance
        self.work: dict[int, list[tuple[datetime, datetime]]] = {u: list(p.existing) for u, p in
                                                                  instance.people.items()}
        self.shifts: dict[int, set[int]] = defaultdict(set)
        self.minutes: dict[int, int] = {u: p.period_minutes for u, p in instance.people.items()}

    def fits(self, uid: int, slot: Slot) -> bool:
        policy, (start, end) = self.instance.policy, slot.interval
        if slot.shift_id in self.shifts[uid]:
            return False
        rest = timedelta(hours=policy.min_rest_hours)
        for s, e in self.work[uid]:
            if s < end and e > start:
                return False
            if timedelta(0) <= start - e < rest or timedelta(0) <= s - end < rest:
                return False
        apart = [(s, e) for s, e in self.work[uid] if s < end + WEEK and e > start - WEEK]
        return (max_daily_hours((start, end), apart) <= policy.max_daily_hours
                and max_weekly_hours((start, end), apart) <= policy.max_weekly_hours)

    def add(self, uid: int, slot: Slot) -> None:
        self.work[uid].append(slot.interval)
        self.shifts[uid].add(slot.shift_id)
        self.minutes[uid] += slot.minutes

    def remove(self, uid: int, slot: Slot) -> None:
        self.work[uid].remove(slot.interval)
        self.shifts[uid].discard(slot.shift_id)
        self.minutes[uid] -= slot.minutes


def rebalance(model, picked: list[tuple[int, int]], *, deadline: float) -> list[tuple[int, int]]:
    """A quick start for the second phase: hand a place to another cleared person whenever that raises
    the objective, valued exactly as the model values it (both people's fairness penalty, and the
    pool's best preference bonus for each), the best such move first, checked with the engine's own
    arithmetic (`Ledger`); again until no move helps or the deadline. Same places, same pools. The
    patterns (quick turnarounds, night runs) are left to the solver."""
    instance = model.instance
    ledger = Ledger(instance)
    picks = list(picked)
    for g, uid in picks:
        ledger.add(uid, instance.slots[model.pools[g].slots[0]])
    in_pool: dict[int, set[int]] = defaultdict(set)
    for g, uid in picks:
        in_pool[g].add(uid)
    cost = model.fairness_cost

    improved = True
    while improved and time.monotonic() < deadline:
        improved = False
        for n in range(len(picks)):
            if time.monotonic() >= deadline:
                break
            g, uid = picks[n]
            slot = instance.slots[model.pools[g].slots[0]]
            m, have = slot.minutes, ledger.minutes
            saved = cost(uid, have[uid]) - cost(uid, have[uid] - m) - model.best[(g, uid)]
            gains = sorted(((saved - cost(v, have[v] + m) + cost(v, have[v]) + model.best[(g, v)], v)
                            for v in instance.candidates.get(model.pools[g].slots[0], []) if v not in in_pool[g]),
                           reverse=True)
            ledger.remove(uid, slot)
            taker = next((v for gain, v in gains[:20] if gain > 0 and ledger.fits(v, slot)), None)
            if taker is None:
                ledger.add(uid, slot)
                continue
            ledger.add(taker, slot)
            in_pool[g].discard(uid)
            in_pool[g].add(taker)
            picks[n] = (g, taker)
            improved = True
    return picks


def greedy(instance: Instance) -> list[tuple[int, int]]:
    """The baseline a coordinator's tool would do: place by place in time order (leads first), the first
    eligible person with the fewest hours so far."""
    ledger = Ledger(instance)
    chosen: list[tuple[int, int]] = []
    lead_on: set[int] = {s.shift_id for s in instance.slots if s.lead_present}
    other_on: set[int] = {s.shift_id for s in instance.slots if s.non_trainee_present}
    order = ordered(instance, [(i, 0) for i in range(len(instance.slots))])
    for i, _ in order:
        slot = instance.slots[i]
        for _place in range(slot.places):
            if slot.needs_lead and slot.shift_id not in lead_on:
                break
            if slot.needs_non_trainee and slot.shift_id not in other_on:
                break
            options = [u for u in instance.candidates.get(i, []) if ledger.fits(u, slot)]
            if not options:
                break
            uid = min(options, key=lambda u: (ledger.minutes[u], u))
            ledger.add(uid, slot)
            chosen.append((i, uid))
            if slot.role == PositionRole.LEAD:
                lead_on.add(slot.shift_id)
            if slot.role != PositionRole.TRAINEE:
                other_on.add(slot.shift_id)
    return chosen


def hours_spread(instance: Instance, chosen: list[tuple[int, int]]) -> dict:
    """Each person's hours in the period against their target: min, max and standard deviation of
    (hours − target), over the people who could have been given any place."""
    minutes = {u: p.period_minutes for u, p in instance.people.items()}
    for i, uid in chosen:
        minutes[uid] += instance.slots[i].minutes
    eligible = {u for users in instance.candidates.values() for u in users}
    deltas = [(minutes[u] - instance.people[u].target_minutes) / 60 for u in sorted(eligible)]
    if not deltas:
        return {"people": 0, "min": 0, "max": 0, "std": 0}
    mean = sum(deltas) / len(deltas)
    std = math.sqrt(sum((d - mean) ** 2 for d in deltas) / len(deltas))
    return {"people": len(deltas), "min": round(min(deltas), 1), "max": round(max(deltas), 1), "std": round(std, 1)}
