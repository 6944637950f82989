"""The CP-SAT model of an `Instance`, its solve with progress and cancel, and the greedy baseline.

Hard constraints. The engine has already decided, per person and place, everything that does not
depend on the rest of the roster (membership, readiness through the shift's end, role, time off,
availability, and the fixed assignments' overlap, rest and hours). What remains is stated here, in
whole minutes on UTC instants with the engine's own arithmetic (`eligibility_rules`):
- capacity: no more people on a position than its open places;
- one position per shift per person;
- overlap: at any shift start, a person holds at most one of the shifts running then;
- rest: two shifts less than the policy's rest apart are never both a person's;
- daily hours: per local calendar day (DST-aware), fixed plus rostered minutes within the limit;
- 7-day hours: every 7-day window that starts at a shift's start or ends at a shift's end (fixed or
  candidate: the engine's own windows are among them), within the limit;
- composition: a trainee place is filled only when the shift has (or is given) a lead, or someone
  who is not a trainee where the team type needs no lead.
`tests/scheduling/test_roster_property.py` applies every returned roster through `check_eligibility`.

Objective (maximised; the weights are `settings.ROSTER`): filled places (a lead place more than
another), then fairness (each person's hours near their target, a convex penalty that grows with
the distance, so a spread of hours costs more than the same total shared evenly), then preferences
(wanted and unwanted kinds of shift, preferred zones, a language the shift asks for), then fewer
quick turnarounds and runs of more than three nights.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from ortools.sat.python import cp_model

from ..eligibility_rules import WEEK, local_days, max_daily_hours, max_weekly_hours, overlap_hours
from ..models import PositionRole
from .instance import Instance, Slot

SEGMENT_MINUTES = 8 * 60  # the fairness penalty's slope doubles every 8 hours from the target


def _minutes(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> int:
    """Minutes of overlap, rounded up: a model that rounds counts never less than the engine does."""
    return math.ceil(overlap_hours(a_start, a_end, b_start, b_end) * 60 - 1e-9)


def is_night(start: datetime, end: datetime) -> bool:
    """A night shift: it runs through 3 a.m. local time."""
    local = timezone.localtime(start)
    three = local.replace(hour=3, minute=0, second=0, microsecond=0)
    if three < local:
        three += timedelta(days=1)
    return start <= three < end


@dataclass
class Progress:
    solutions: int = 0
    objective: float | None = None
    bound: float | None = None
    wall_seconds: float = 0.0

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return abs(self.bound - self.objective) / max(abs(self.objective), 1.0)


@dataclass
class Result:
    status: str  # optimal, feasible, infeasible, unknown, cancelled
    chosen: list[tuple[int, int]]  # (slot index, user id), leads first within a shift
    progress: Progress
    weights: dict = field(default_factory=dict)


class _Model:
    def __init__(self, instance: Instance, weights: dict):
        self.instance = instance
        self.weights = weights
        self.model = cp_model.CpModel()
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.objective: list = []
        self._variables()
        self._capacity_and_shift()
        for uid in self.by_person:
            self._person(uid)
        self._composition()
        self._fill_and_preferences()
        self.model.maximize(sum(self.objective))

    def _variables(self) -> None:
        self.by_person: dict[int, list[int]] = defaultdict(list)
        for i, users in self.instance.candidates.items():
            for uid in users:
                self.x[(i, uid)] = self.model.new_bool_var(f"x{i}_{uid}")
                self.by_person[uid].append(i)

    def _capacity_and_shift(self) -> None:
        slots = self.instance.slots
        for i, slot in enumerate(slots):
            users = self.instance.candidates.get(i, [])
            if len(users) > slot.places:
                self.model.add(sum(self.x[(i, u)] for u in users) <= slot.places)
        for uid, indexes in self.by_person.items():
            per_shift: dict[int, list[int]] = defaultdict(list)
            for i in indexes:
                per_shift[slots[i].shift_id].append(i)
            for same in per_shift.values():
                if len(same) > 1:
                    self.model.add_at_most_one(self.x[(i, uid)] for i in same)

    def _person(self, uid: int) -> None:
        """Overlap, rest, daily and 7-day hours, fairness and the soft patterns for one person, on the
        distinct intervals of their candidate places (shifts at the same times share one sum)."""
        instance, policy = self.instance, self.instance.policy
        person = instance.people[uid]
        by_interval: dict[tuple[datetime, datetime], list] = defaultdict(list)
        for i in self.by_person[uid]:
            by_interval[instance.slots[i].interval].append(self.x[(i, uid)])
        intervals = sorted(by_interval)
        y = {iv: sum(by_interval[iv]) for iv in intervals}
        # Overlap: every pair of overlapping intervals shares the later one's start.
        for t, _ in intervals:
            running = [iv for iv in intervals if iv[0] <= t < iv[1]]
            if sum(len(by_interval[iv]) for iv in running) > 1:  # shifts at the same times too
                self.model.add(sum(y[iv] for iv in running) <= 1)
        # Rest: an end and a start closer than the minimum (back to back included).
        rest = timedelta(hours=policy.min_rest_hours)
        for a in intervals:
            for b in intervals:
                if timedelta(0) <= b[0] - a[1] < rest:
                    self.model.add(y[a] + y[b] <= 1)
        # Daily hours, per local calendar day.
        days = {day for iv in intervals for day in local_days(*iv)}
        for day in days:
            terms = [(iv, _minutes(*iv, *day)) for iv in intervals]
            terms = [(iv, m) for iv, m in terms if m > 0]
            fixed = sum(_minutes(s, e, *day) for s, e in person.existing)
            self.model.add(sum(m * y[iv] for iv, m in terms) <= policy.max_daily_hours * 60 - fixed)
        # 7-day hours, on the windows the engine would try.
        edges = intervals + person.existing
        windows = {(s, s + WEEK) for s, _ in edges} | {(e - WEEK, e) for _, e in edges}
        for window in windows:
            terms = [(iv, _minutes(*iv, *window)) for iv in intervals]
            terms = [(iv, m) for iv, m in terms if m > 0]
            if not terms:
                continue
            fixed = sum(_minutes(s, e, *window) for s, e in person.existing)
            self.model.add(sum(m * y[iv] for iv, m in terms) <= policy.max_weekly_hours * 60 - fixed)
        self._fairness(person, intervals, y)
        self._patterns(intervals, y, rest)

    def _fairness(self, person, intervals, y) -> None:
        w = self.weights
        if not w["fairness"]:
            return
        rostered = sum(int((e - s).total_seconds() // 60) * y[(s, e)] for s, e in intervals)
        total = person.period_minutes + rostered
        horizon = person.period_minutes + sum(int((e - s).total_seconds() // 60) for s, e in intervals) + 1
        under, over = [], []
        for side, slope in ((under, 1), (over, 2)):
            for k in range(4):
                cap = SEGMENT_MINUTES if k < 3 else max(horizon, person.target_minutes) + 1
                var = self.model.new_int_var(0, cap, "")
                side.append(var)
                self.objective.append(-w["fairness"] * slope * (2 ** k) * var)
        self.model.add(total - person.target_minutes == sum(over) - sum(under))

    def _patterns(self, intervals, y, rest) -> None:
        w = self.weights
        quick = timedelta(hours=w["quick_turnaround_hours"])
        if w["quick_turnaround"] and quick > rest:
            for a in intervals:
                for b in intervals:
                    if rest <= b[0] - a[1] < quick:
                        both = self.model.new_bool_var("")
                        self.model.add(both >= y[a] + y[b] - 1)
                        self.objective.append(-w["quick_turnaround"] * both)
        if not w["night_run"]:
            return
        nights: dict = defaultdict(list)
        for iv in intervals:
            if is_night(*iv):
                nights[timezone.localtime(iv[0]).date()].append(y[iv])
        for day in sorted(nights):
            run = [nights.get(day + timedelta(days=k)) for k in range(4)]
            if all(run):
                excess = self.model.new_bool_var("")
                self.model.add(excess >= sum(sum(r) for r in run) - 3)
                self.objective.append(-w["night_run"] * excess)

    def _composition(self) -> None:
        instance = self.instance
        by_shift: dict[int, list[int]] = defaultdict(list)
        for i, slot in enumerate(instance.slots):
            by_shift[slot.shift_id].append(i)
        for i, slot in enumerate(instance.slots):
            if not (slot.needs_lead and not slot.lead_present) and not (
                    slot.needs_non_trainee and not slot.non_trainee_present):
                continue
            wanted = ((lambda s: s.role == PositionRole.LEAD) if slot.needs_lead
                      else (lambda s: s.role != PositionRole.TRAINEE))
            helpers = [self.x[(j, u)] for j in by_shift[slot.shift_id] if wanted(instance.slots[j])
                       for u in instance.candidates.get(j, [])]
            for u in instance.candidates.get(i, []):
                self.model.add(self.x[(i, u)] <= sum(helpers)) if helpers else self.model.add(self.x[(i, u)] == 0)

    def _fill_and_preferences(self) -> None:
        instance, w = self.instance, self.weights
        for (i, uid), var in self.x.items():
            slot, person = instance.slots[i], instance.people[uid]
            value = w["fill_lead"] if slot.role == PositionRole.LEAD else w["fill"]
            if (i, uid) in instance.keep:
                value += w["keep"]
            if slot.template_id is not None and slot.template_id in person.preferred_templates:
                value += w["preferred_shift"]
            if slot.template_id is not None and slot.template_id in person.avoided_templates:
                value -= w["avoided_shift"]
            if slot.zone_ids & person.preferred_zones:
                value += w["preferred_zone"]
            if slot.language_ids & person.languages:
                value += w["language"]
            self.objective.append(value * var)


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: Progress, lock: threading.Lock, started: float):
        super().__init__()
        self.progress, self.lock, self.started = progress, lock, started

    def on_solution_callback(self) -> None:
        with self.lock:
            self.progress.solutions += 1
            self.progress.objective = self.objective_value
            self.progress.bound = self.best_objective_bound
            self.progress.wall_seconds = time.monotonic() - self.started


def weights() -> dict:
    return dict(settings.ROSTER["weights"])


def solve(instance: Instance, *, time_limit: float, on_progress: Callable[[Progress], bool] | None = None,
          every: float = 1.0, workers: int | None = None, gap_limit: float | None = None) -> Result:
    """Solve; `on_progress(progress)` is called about every `every` seconds from this thread (so it
    may use the database) and stops the search when it returns False."""
    w = weights()
    built = _Model(instance, w)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit)
    solver.parameters.num_workers = workers or settings.ROSTER["workers"]
    solver.parameters.relative_gap_limit = settings.ROSTER["gap_limit"] if gap_limit is None else gap_limit
    solver.parameters.random_seed = 1
    progress, lock, started = Progress(), threading.Lock(), time.monotonic()
    watcher = _Watcher(progress, lock, started)
    outcome: dict = {}
    thread = threading.Thread(target=lambda: outcome.setdefault("status", solver.solve(built.model, watcher)),
                              daemon=True)
    thread.start()
    cancelled = False
    while thread.is_alive():
        thread.join(timeout=every)
        if on_progress is not None and thread.is_alive():
            with lock:
                snapshot = Progress(progress.solutions, progress.objective, progress.bound,
                                    time.monotonic() - started)
            if not on_progress(snapshot):
                cancelled = True
                solver.stop_search()
    status = outcome.get("status", cp_model.UNKNOWN)
    final = Progress(progress.solutions, None, None, time.monotonic() - started)
    chosen = []
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        final.objective, final.bound = solver.objective_value, solver.best_objective_bound
        chosen = [key for key, var in built.x.items() if solver.value(var)]
    names = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible", cp_model.INFEASIBLE: "infeasible",
             cp_model.MODEL_INVALID: "invalid"}
    label = "cancelled" if cancelled else names.get(status, "unknown")
    return Result(status=label, chosen=ordered(instance, chosen), progress=final, weights=w)


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
