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

Objective, in two phases (`solve`): first the most places, and among those the most lead places
(counted, not weighed); then, keeping that, the weighted rest (`settings.ROSTER["weights"]`):
fairness (each person's hours near their target, a convex penalty that grows with the distance, so
a spread of hours costs more than the same total shared evenly), preferences (wanted and unwanted
kinds of shift, preferred zones, a language the shift asks for), fewer quick turnarounds and runs of
more than three nights.
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

from ..eligibility_rules import WEEK, local_days, overlap_hours
from ..models import PositionRole
from .heuristics import greedy, ordered, rebalance
from .instance import Instance

SEGMENT_MINUTES = 4 * 60  # a piece of the fairness penalty, per week of the period


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


def _most_minutes(terms: tuple, rest: timedelta) -> int:
    """The most minutes a person could work of these shifts without two of them clashing (weighted
    interval scheduling on the shifts stretched by the rest)."""
    items = sorted(terms, key=lambda t: t[0][1])
    ends = [iv[1] + rest for iv, _ in items]
    best = [0] * (len(items) + 1)
    for k, ((start, _end), minutes) in enumerate(items):
        # the last earlier shift whose stretched end is not after this start
        j = k
        while j > 0 and ends[j - 1] > start:
            j -= 1
        best[k + 1] = max(best[k], best[j] + minutes)
    return best[-1]


@dataclass
class Progress:
    solutions: int = 0
    objective: float | None = None
    bound: float | None = None
    wall_seconds: float = 0.0
    phase: str = "fill"  # "fill": as many places as possible; "balance": then everything else
    places_bound: int | None = None  # no roster fills more places than this (proven in the first phase)

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


@dataclass
class Pool:
    """Places the engine cannot tell apart for anyone: same times, same role, same people cleared. Whoever
    works one of them could work any, so the model decides who works the pool, and a second, exact
    assignment (`_assign_within_pools`) decides which team each gets, by preference. Pooling is what
    makes a month of ten teams small enough for two cores: 10 teams' positions at 07:00 are one pool.
    The places of a shift whose trainee waits for a lead are never pooled: that rule is per shift."""

    slots: list[int]
    role: str
    interval: tuple[datetime, datetime]
    places: int
    shift_id: int | None  # set when the pool is one shift's position (the composition rule needs it)


def pools_of(instance: Instance) -> list[Pool]:
    coupled = {s.shift_id for s in instance.slots if (s.needs_lead and not s.lead_present)
               or (s.needs_non_trainee and not s.non_trainee_present)}
    found: dict[tuple, Pool] = {}
    for i, slot in enumerate(instance.slots):
        shift_id = slot.shift_id if slot.shift_id in coupled else None
        key = (slot.interval, slot.role, tuple(sorted(instance.candidates.get(i, ()))), shift_id)
        pool = found.setdefault(key, Pool(slots=[], role=slot.role, interval=slot.interval, places=0,
                                          shift_id=shift_id))
        pool.slots.append(i)
        pool.places += slot.places
    return list(found.values())


def bonus(instance: Instance, i: int, uid: int, w: dict) -> int:
    """What one particular place is worth to one person beyond filling it: keeping a repair's
    assignment, and the preferences."""
    slot, person = instance.slots[i], instance.people[uid]
    value = w["keep"] if (i, uid) in instance.keep else 0
    if slot.template_id is not None and slot.template_id in person.preferred_templates:
        value += w["preferred_shift"]
    if slot.template_id is not None and slot.template_id in person.avoided_templates:
        value -= w["avoided_shift"]
    if slot.zone_ids & person.preferred_zones:
        value += w["preferred_zone"]
    if slot.language_ids & person.languages:
        value += w["language"]
    return value


def _parts(amount: int, pieces: int, width: int) -> list[int]:
    """A distance from the target cut into the penalty's pieces, the cheapest filled first."""
    parts = []
    for k in range(pieces):
        part = amount if k == pieces - 1 else min(amount, width)
        parts.append(part)
        amount -= part
    return parts


class _Model:
    def __init__(self, instance: Instance, weights: dict):
        self.instance = instance
        self.weights = weights
        self.model = cp_model.CpModel()
        self.pools = pools_of(instance)
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}  # (pool, user)
        self.best: dict[tuple[int, int], int] = {}  # the pool's best place for the person: its bonus
        self.objective: list = []
        # Variables that follow from the x: each person's penalty pieces, and the soft patterns' flags.
        # A hint sets them too (`hint_pools`), or CP-SAT completes them anyhow and starts far off.
        self.pieces: list[tuple[int, list, list, int]] = []  # (user, under pieces, over pieces, width)
        self.flags: list[tuple[cp_model.IntVar, list, int]] = []  # (flag, the y it sums, the excess it marks)
        self.shape: dict[int, tuple[int, int]] = {}  # user: (pieces per side, width of a piece)
        self._variables()
        for uid in self.by_person:
            self._person(uid)
        self._composition()
        self._fill_and_preferences()

    def _variables(self) -> None:
        self.by_person: dict[int, list[int]] = defaultdict(list)
        for g, pool in enumerate(self.pools):
            users = self.instance.candidates.get(pool.slots[0], [])
            for uid in users:
                self.x[(g, uid)] = self.model.new_bool_var(f"x{g}_{uid}")
                self.by_person[uid].append(g)
            if len(users) > pool.places:
                self.model.add(sum(self.x[(g, u)] for u in users) <= pool.places)

    def _person(self, uid: int) -> None:
        """Overlap, rest, daily and 7-day hours, fairness and the soft patterns for one person, on the
        distinct intervals of their candidate places."""
        instance, policy = self.instance, self.instance.policy
        person = instance.people[uid]
        by_interval: dict[tuple[datetime, datetime], list] = defaultdict(list)
        for g in self.by_person[uid]:
            by_interval[self.pools[g].interval].append(self.x[(g, uid)])
        intervals = sorted(by_interval)
        y = {iv: (by_interval[iv][0] if len(by_interval[iv]) == 1 else sum(by_interval[iv])) for iv in intervals}
        # Overlap and rest together: two shifts clash when one starts before the other's end plus the
        # minimum rest (back to back included). Stretched by the rest, the shifts are intervals whose
        # clashes are overlaps, so every set of mutually clashing shifts shares a start: one "at most
        # one" per start states both rules exactly and gives the solver its strongest bound.
        rest = timedelta(hours=policy.min_rest_hours)
        for t, _ in intervals:
            clashing = [iv for iv in intervals if iv[0] <= t < iv[1] + rest]
            if sum(len(by_interval[iv]) for iv in clashing) > 1:  # shifts at the same times too
                self.model.add(sum(y[iv] for iv in clashing) <= 1)
        # Daily hours per local calendar day, and 7-day hours on the windows the engine would try: each
        # limit stated only where the clash rule above leaves a way to break it (and once per distinct
        # set of shifts), which is what keeps a month of a person's shifts a few dozen constraints.
        limits: dict[tuple, int] = {}
        days = {day for iv in intervals for day in local_days(*iv)}
        edges = intervals + person.existing
        windows = {(s, s + WEEK) for s, _ in edges} | {(e - WEEK, e) for _, e in edges}
        for span, cap in [(day, policy.max_daily_hours) for day in days] + [(w, policy.max_weekly_hours)
                                                                            for w in windows]:
            terms = tuple((iv, m) for iv in intervals if (m := _minutes(*iv, *span)) > 0)
            if not terms:
                continue
            room = cap * 60 - sum(_minutes(s, e, *span) for s, e in person.existing)
            if _most_minutes(terms, rest) > room:
                limits[terms] = min(room, limits.get(terms, room))
        for terms, room in limits.items():
            self.model.add(sum(m * y[iv] for iv, m in terms) <= room)
        self._fairness(person, intervals, y)
        self._patterns(intervals, by_interval, rest)

    def _fairness(self, person, intervals, y) -> None:
        """Hours against the person's target, as a convex penalty close to the square of the distance:
        pieces of 4 hours per week of the period, the slope growing by one each piece (twice as steep
        above the target), so two people 10 hours short cost more than one 20 hours short."""
        w = self.weights
        if not w["fairness"]:
            return
        rostered = sum(int((e - s).total_seconds() // 60) * y[(s, e)] for s, e in intervals)
        total = person.period_minutes + rostered
        horizon = person.period_minutes + sum(int((e - s).total_seconds() // 60) for s, e in intervals) + 1
        start, end = self.instance.period
        width = max(SEGMENT_MINUTES, round(SEGMENT_MINUTES * (end - start).total_seconds() / WEEK.total_seconds()))
        reach = max(horizon, person.target_minutes) + 1
        pieces = min(max(1, math.ceil(reach / width)), 12)
        under, over = [], []
        for side, slope in ((under, 1), (over, 2)):
            for k in range(pieces):
                cap = width if k < pieces - 1 else reach
                var = self.model.new_int_var(0, cap, "")
                side.append(var)
                self.objective.append(-w["fairness"] * slope * (k + 1) * var)
        self.model.add(total - person.target_minutes == sum(over) - sum(under))
        self.pieces.append((person.user_id, under, over, width))
        self.shape[person.user_id] = (pieces, width)

    def fairness_cost(self, uid: int, minutes: int) -> int:
        """The fairness penalty of a person who works `minutes` in the period (fixed work included), as
        the model counts it for the best filling of its pieces."""
        if uid not in self.shape:
            return 0
        pieces, width = self.shape[uid]
        distance = minutes - self.instance.people[uid].target_minutes
        slope = 2 if distance > 0 else 1
        parts = _parts(abs(distance), pieces, width)
        return self.weights["fairness"] * slope * sum((k + 1) * part for k, part in enumerate(parts))

    def _patterns(self, intervals, by_interval, rest) -> None:
        w = self.weights
        quick = timedelta(hours=w["quick_turnaround_hours"])
        if w["quick_turnaround"] and quick > rest:
            for a in intervals:
                for b in intervals:
                    if rest <= b[0] - a[1] < quick:
                        both = self.model.new_bool_var("")
                        self.model.add(both >= sum(by_interval[a]) + sum(by_interval[b]) - 1)
                        self.objective.append(-w["quick_turnaround"] * both)
                        self.flags.append((both, by_interval[a] + by_interval[b], 1))
        if not w["night_run"]:
            return
        nights: dict = defaultdict(list)
        for iv in intervals:
            if is_night(*iv):
                nights[timezone.localtime(iv[0]).date()].extend(by_interval[iv])
        for day in sorted(nights):
            run = [nights.get(day + timedelta(days=k)) for k in range(4)]
            if all(run):
                excess = self.model.new_bool_var("")
                self.model.add(excess >= sum(sum(r) for r in run) - 3)
                self.objective.append(-w["night_run"] * excess)
                self.flags.append((excess, [v for r in run for v in r], 3))

    def _composition(self) -> None:
        instance, pools = self.instance, self.pools
        by_shift: dict[int, list[int]] = defaultdict(list)
        for g, pool in enumerate(pools):
            if pool.shift_id is not None:
                by_shift[pool.shift_id].append(g)
        for g, pool in enumerate(pools):
            if pool.shift_id is None or pool.role != PositionRole.TRAINEE:
                continue
            slot = instance.slots[pool.slots[0]]
            if slot.needs_lead and not slot.lead_present:
                helpers = [h for h in by_shift[pool.shift_id] if pools[h].role == PositionRole.LEAD]
            elif slot.needs_non_trainee and not slot.non_trainee_present:
                helpers = [h for h in by_shift[pool.shift_id] if pools[h].role != PositionRole.TRAINEE]
            else:
                continue
            others = [self.x[(h, u)] for h in helpers for u in instance.candidates.get(pools[h].slots[0], [])]
            for u in instance.candidates.get(pool.slots[0], []):
                self.model.add(self.x[(g, u)] <= sum(others)) if others else self.model.add(self.x[(g, u)] == 0)

    def _fill_and_preferences(self) -> None:
        """Filling, counted exactly (places first, then lead places among them), and each person's
        best place in the pool: an upper bound of what the assignment within the pool gives, so the
        solver's bound stays a bound of the whole objective."""
        places, leads = [], []
        for (g, uid), var in self.x.items():
            pool = self.pools[g]
            best = max(bonus(self.instance, i, uid, self.weights) for i in pool.slots)
            self.best[(g, uid)] = best
            places.append(var)
            if pool.role == PositionRole.LEAD:
                leads.append(var)
            if best:
                self.objective.append(best * var)
        # Lexicographic: one more place outweighs every lead place there could be.
        self.lead_places = sum(pool.places for pool in self.pools if pool.role == PositionRole.LEAD)
        self.places = sum(places)
        self.fill = (self.lead_places + 1) * self.places + sum(leads)

    def hint(self, chosen: list[tuple[int, int]]) -> None:
        """Start the search from a roster of places (slot, user)."""
        pool_of = {i: g for g, pool in enumerate(self.pools) for i in pool.slots}
        self.hint_pools({(pool_of[i], uid) for i, uid in chosen})

    def hint_pools(self, picked: set[tuple[int, int]]) -> None:
        """Start the search from a roster of (pool, user), every variable set: the x, each person's
        penalty pieces filled in order (the cheapest first, as the optimum of that roster has them)
        and the patterns' flags. A hint of the x alone leaves CP-SAT to complete the rest, which it
        does feasibly but far from that roster's value."""
        self.model.clear_hints()
        minutes: dict[int, int] = defaultdict(int)
        for key, var in self.x.items():
            on = key in picked
            self.model.add_hint(var, on)
            if on:
                start, end = self.pools[key[0]].interval
                minutes[key[1]] += int((end - start).total_seconds() // 60)
        chosen = {var.index for key, var in self.x.items() if key in picked}
        for uid, under, over, width in self.pieces:
            person = self.instance.people[uid]
            distance = person.period_minutes + minutes[uid] - person.target_minutes
            for side, amount in ((over, max(distance, 0)), (under, max(-distance, 0))):
                for var, part in zip(side, _parts(amount, len(side), width), strict=True):
                    self.model.add_hint(var, part)
        for flag, terms, excess in self.flags:
            self.model.add_hint(flag, sum(1 for v in terms if v.index in chosen) > excess)


def _assign_within_pools(model: _Model, picked: list[tuple[int, int]], w: dict) -> tuple[list[tuple[int, int]], int]:
    """Which place of its pool each chosen person gets: per pool, an assignment maximising the bonuses,
    exact (a small transportation problem that CP-SAT proves optimal at once). Returns the places and
    their bonus in all."""
    instance = model.instance
    by_pool: dict[int, list[int]] = defaultdict(list)
    for g, uid in picked:
        by_pool[g].append(uid)
    chosen: list[tuple[int, int]] = []
    for g, users in by_pool.items():
        slots = model.pools[g].slots
        if len(slots) == 1:
            chosen += [(slots[0], uid) for uid in users]
            continue
        sub = cp_model.CpModel()
        choice = {(i, uid): sub.new_bool_var("") for i in slots for uid in users}
        for uid in users:
            sub.add_exactly_one(choice[(i, uid)] for i in slots)
        for i in slots:
            sub.add(sum(choice[(i, uid)] for uid in users) <= instance.slots[i].places)
        sub.maximize(sum(bonus(instance, i, uid, w) * var for (i, uid), var in choice.items()))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = 5.0
        solver.parameters.num_workers = 1
        if solver.solve(sub) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise RuntimeError("The places within a pool could not be assigned.")
        chosen += [key for key, var in choice.items() if solver.value(var)]
    return chosen, sum(bonus(instance, i, uid, w) for i, uid in chosen)


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, progress: Progress, lock: threading.Lock, started: float, scale: int):
        super().__init__()
        self.progress, self.lock, self.started, self.scale = progress, lock, started, scale

    def on_solution_callback(self) -> None:
        with self.lock:
            self.progress.solutions += 1
            # The first phase's progress in places: its objective counts places first, lead places after.
            self.progress.objective = self.objective_value // self.scale if self.scale > 1 else self.objective_value
            self.progress.bound = (self.best_objective_bound // self.scale if self.scale > 1
                                   else self.best_objective_bound)
            self.progress.wall_seconds = time.monotonic() - self.started


def weights() -> dict:
    return dict(settings.ROSTER["weights"])


class _Search:
    """One CP-SAT search on another thread; this thread reports progress and stops it on request."""

    def __init__(self, model: cp_model.CpModel, *, workers: int, gap_limit: float, started: float, phase: str,
                 scale: int = 1):
        self.model, self.started, self.phase, self.scale = model, started, phase, scale
        self.solver = cp_model.CpSolver()
        self.solver.parameters.num_workers = workers
        self.solver.parameters.relative_gap_limit = gap_limit
        self.solver.parameters.random_seed = 1
        self.progress, self.lock = Progress(phase=phase), threading.Lock()

    def run(self, time_limit: float, solutions: int, on_progress, every: float,
            stall: float | None = None) -> tuple[int, bool]:
        """Search for up to `time_limit` seconds; with `stall`, stop sooner once the best answer has not
        improved for that long (the first phase: its last places are rarely found late)."""
        self.solver.parameters.max_time_in_seconds = max(float(time_limit), 0.5)
        self.progress.solutions = solutions
        watcher = _Watcher(self.progress, self.lock, self.started, self.scale)
        outcome: dict = {}
        thread = threading.Thread(target=lambda: outcome.setdefault("status", self.solver.solve(self.model, watcher)),
                                  daemon=True)
        thread.start()
        cancelled = False
        last, since = None, time.monotonic()
        while thread.is_alive():
            thread.join(timeout=min(every, stall) if stall else every)
            with self.lock:
                current = self.progress.objective
            if current != last:
                last, since = current, time.monotonic()
            elif stall and current is not None and time.monotonic() - since > stall:
                self.solver.stop_search()
            if on_progress is not None and thread.is_alive() and not cancelled:
                with self.lock:
                    snapshot = Progress(self.progress.solutions, self.progress.objective, self.progress.bound,
                                        time.monotonic() - self.started, self.phase)
                if not on_progress(snapshot):
                    cancelled = True
                    self.solver.stop_search()
        return outcome.get("status", cp_model.UNKNOWN), cancelled


def solve(instance: Instance, *, time_limit: float, on_progress: Callable[[Progress], bool] | None = None,
          every: float = 1.0, workers: int | None = None, gap_limit: float | None = None,
          hint: list[tuple[int, int]] | None = None) -> Result:
    """Solve in two phases, both starting from the greedy baseline's roster (or `hint`), so there is an
    answer from the first seconds:
    1. as many places as possible, and among those as many lead places: for up to half the time, until
       proven within 0.1 % or a tenth of the time passes without a better answer;
    2. keeping at least that (and no more than the first phase's bound: both hold for the best roster),
       the rest of the objective. This phase's bound is a bound of the best roster, so its gap is proven.

    `on_progress(progress)` is called about every `every` seconds from this thread (so it may use the
    database) and stops the search when it returns False."""
    w = weights()
    workers = workers or settings.ROSTER["workers"]
    gap_limit = settings.ROSTER["gap_limit"] if gap_limit is None else gap_limit
    started = time.monotonic()
    built = _Model(instance, w)
    built.hint(greedy(instance) if hint is None else hint)
    names = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible", cp_model.INFEASIBLE: "infeasible",
             cp_model.MODEL_INVALID: "invalid"}
    # Phase 1: fill.
    built.model.maximize(built.fill)
    first = _Search(built.model, workers=workers, gap_limit=min(gap_limit, 0.001), started=started, phase="fill",
                    scale=built.lead_places + 1)
    status, cancelled = first.run(time_limit * 0.5, 0, on_progress, every, stall=max(time_limit * 0.1, 1.0))
    if cancelled or status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Result(status="cancelled" if cancelled else names.get(status, "unknown"), chosen=[],
                      progress=Progress(first.progress.solutions, None, None, time.monotonic() - started, "fill"),
                      weights=w)
    filled, ceiling = int(first.solver.objective_value), int(first.solver.best_objective_bound)
    scale = built.lead_places + 1
    picked = [key for key, var in built.x.items() if first.solver.value(var)]
    # Phase 2: everything, keeping the fill.
    built.hint_pools(set(rebalance(built, picked, deadline=time.monotonic() + time_limit * 0.1)))
    built.model.add(built.fill >= filled)
    built.model.add(built.fill <= ceiling)
    built.model.maximize(sum(built.objective))
    second = _Search(built.model, workers=workers, gap_limit=gap_limit, started=started, phase="balance")
    remaining = time_limit - (time.monotonic() - started)
    status, cancelled = second.run(remaining, first.progress.solutions, on_progress, every)
    if cancelled:
        return Result(status="cancelled", chosen=[], progress=Progress(second.progress.solutions, None, None,
                                                                       time.monotonic() - started, "balance"),
                      weights=w)
    final = Progress(second.progress.solutions, None, None, 0.0, "balance")
    final.places_bound = ceiling // scale
    solver = second.solver
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        picked = [key for key, var in built.x.items() if solver.value(var)]
        objective, bound = solver.objective_value, solver.best_objective_bound
    else:  # no time left for the second phase: the first phase's roster, valued in the whole objective
        status = cp_model.FEASIBLE
        objective, bound = None, None
    chosen, gained = _assign_within_pools(built, picked, w)
    if objective is None:
        objective = _value(built, picked)
    # The true objective: the pools' optimistic bonuses replaced by what the assignment gave.
    final.objective = objective - sum(built.best[key] for key in picked) + gained
    final.bound = bound
    final.wall_seconds = time.monotonic() - started
    label = names.get(status, "unknown")
    if label == "optimal" and final.gap:
        label = "feasible"  # optimal for the pools, not proven for the places within them
    return Result(status=label, chosen=ordered(instance, chosen), progress=final, weights=w)


def _value(built: _Model, picked: list[tuple[int, int]]) -> float:
    """The whole objective of a roster, asked of CP-SAT with every choice fixed."""
    model = built.model.clone()
    chosen = set(picked)
    for key, var in built.x.items():
        model.add(model.get_bool_var_from_proto_index(var.index) == (key in chosen))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10.0
    solver.solve(model)
    return solver.objective_value
