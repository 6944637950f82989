"""Simulated time: a frozen clock moved forward step by step, the step queue, and the beat schedule.

The clock is time_machine's (tick=False): nothing moves between steps, so a run is reproducible.
Steps come from a queue of (instant, kind, payload): the daily rhythm (morning, midday, evening,
night), the instants around each shift (its reminders' windows, its start, its end), the crontab
beat tasks at their exact times, and the checkpoints. Interval beat tasks (heartbeat, dispatch:
every minute in production) run once at every step, as beat does after a pause: the world does not
change between steps, so running them at every missed minute would find nothing new. The scanners
(every 5 minutes) run where a window of theirs opens (engine.SCANNERS_FOR_STEP, ALL_SCANNERS_AT).
"""

import heapq
import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

try:
    import time_machine
except ImportError:  # pragma: no cover - said clearly by the command
    time_machine = None

CITY = ZoneInfo(settings.TIME_ZONE)
UTC = ZoneInfo("UTC")


def local(day: date, at: time) -> datetime:
    """The instant of a local wall-clock time (a time skipped by the spring change lands after it)."""
    naive = datetime.combine(day, at)
    moment = naive.replace(tzinfo=CITY)
    # zoneinfo resolves a non-existent time with the offset before the gap; normalise through UTC.
    return moment.astimezone(UTC).astimezone(CITY)


def local_day(moment: datetime) -> date:
    return moment.astimezone(CITY).date()


def dst_changes(start: datetime, end: datetime) -> list[date]:
    """The local dates in [start, end] whose UTC offset differs from the day before."""
    out = []
    day = local_day(start)
    while local(day, time(12)) <= end + timedelta(days=1):
        before = local(day, time(0, 30)).utcoffset()
        after = local(day, time(12)).utcoffset()
        if before != after:
            out.append(day)
        day += timedelta(days=1)
    return out


def month_ends(start: datetime, end: datetime) -> list[date]:
    out = []
    day = local_day(start)
    while local(day, time(23, 50)) <= end:
        if (day + timedelta(days=1)).day == 1:
            out.append(day)
        day += timedelta(days=1)
    return out


class Clock:
    """A frozen clock that only moves forward."""

    def __init__(self, start: datetime):
        if time_machine is None:
            raise RuntimeError("The simulation needs time-machine (pip install -r requirements-dev.txt).")
        self.now = start
        self._traveller = time_machine.travel(start, tick=False)
        self._coordinates = None

    def __enter__(self):
        self._coordinates = self._traveller.start()
        return self

    def __exit__(self, *exc):
        self._traveller.stop()

    def move_to(self, moment: datetime) -> None:
        if moment < self.now:
            raise ValueError(f"the clock only moves forward ({moment} < {self.now})")
        if moment != self.now:
            self._coordinates.move_to(moment)
            self.now = moment


@dataclass(order=True)
class Event:
    at: datetime
    order: int
    kind: str = field(compare=False)
    payload: object = field(compare=False, default=None)


class StepQueue:
    """The instants to stop at, in order; the same (instant, kind, payload) is queued once."""

    def __init__(self, *, after: datetime):
        self.after = after  # nothing before the start
        self._heap: list[Event] = []
        self._seen: set = set()
        self._counter = itertools.count()

    def push(self, at: datetime, kind: str, payload=None) -> None:
        key = (at, kind, payload)
        if at < self.after or key in self._seen:
            return
        self._seen.add(key)
        heapq.heappush(self._heap, Event(at=at, order=next(self._counter), kind=kind, payload=payload))

    def pop_due(self, until: datetime) -> list[Event]:
        """Every event at the earliest queued instant, if that instant is not after `until`."""
        if not self._heap or self._heap[0].at > until:
            return []
        first = heapq.heappop(self._heap)
        events = [first]
        while self._heap and self._heap[0].at == first.at:
            events.append(heapq.heappop(self._heap))
        return events

    def __len__(self) -> int:
        return len(self._heap)


@dataclass(frozen=True)
class BeatEntry:
    name: str
    task: str
    interval: float | None = None  # seconds, for interval entries
    crontab: object = None


def beat_entries() -> list[BeatEntry]:
    """CELERY_BEAT_SCHEDULE, read as it is: interval entries and crontab entries."""
    from celery.schedules import crontab

    entries = []
    for name, spec in sorted(settings.CELERY_BEAT_SCHEDULE.items()):
        schedule = spec["schedule"]
        if isinstance(schedule, crontab):
            entries.append(BeatEntry(name=name, task=spec["task"], crontab=schedule))
        else:
            seconds = schedule.total_seconds() if isinstance(schedule, timedelta) else float(
                getattr(schedule, "seconds", schedule))
            entries.append(BeatEntry(name=name, task=spec["task"], interval=seconds))
    return entries


def crontab_times(entry: BeatEntry, start: datetime, end: datetime) -> list[datetime]:
    """Every instant in (start, end] at which a crontab entry fires, in the beat timezone (the city's).
    Walks UTC hours, so the repeated hour of the autumn change fires twice and the skipped spring hour
    never, as a wall clock in the city would."""
    cron = entry.crontab
    out = []
    hour = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    while hour <= end:
        wall = hour.astimezone(CITY)
        # crontab's day_of_week counts from Sunday = 0
        if (wall.hour in cron.hour and wall.day in cron.day_of_month and wall.month in cron.month_of_year
                and (wall.isoweekday() % 7) in cron.day_of_week):
            for minute in sorted(cron.minute):
                moment = hour + timedelta(minutes=minute)
                if start < moment <= end:
                    out.append(moment.astimezone(CITY))
        hour += timedelta(hours=1)
    return out


def task_callables() -> dict:
    """Celery task name -> the task, run in this process when called."""
    from crisisprog.celery import app

    app.loader.import_default_modules()
    return app.tasks
