"""The arithmetic and wording behind the eligibility engine's rules: hours on UTC instants across
local calendar days and rolling weeks, whether weekly availability covers a shift, and the lines
that say what is in the way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.core.localtime import local_moment, local_span

from .models import Availability

WEEK = timedelta(days=7)


def utc(moment: datetime) -> datetime:
    """Aware datetimes sharing one zoneinfo subtract by wall clock (a 25-hour day comes out 24):
    all arithmetic here is done on UTC instants."""
    return moment.astimezone(UTC)


def overlap_hours(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> float:
    start, end = max(a_start, b_start), min(a_end, b_end)
    return max((end - start).total_seconds(), 0) / 3600


def local_days(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The local calendar days [midnight, next midnight) that [start, end) touches (DST-aware)."""
    tz = timezone.get_default_timezone()
    day = timezone.localtime(start, tz).date()
    last = timezone.localtime(end - timedelta(microseconds=1), tz).date()
    days = []
    while day <= last:
        nxt = day + timedelta(days=1)
        days.append((local_moment(day), local_moment(nxt)))
        day = nxt
    return days


def max_daily_hours(new: tuple[datetime, datetime], others: list[tuple[datetime, datetime]]) -> float:
    worst = 0.0
    for day_start, day_end in local_days(*new):
        total = sum(overlap_hours(s, e, day_start, day_end) for s, e in [new, *others])
        worst = max(worst, total)
    return worst


def max_weekly_hours(new: tuple[datetime, datetime], others: list[tuple[datetime, datetime]]) -> float:
    """The most hours in any 7-day window that touches the new shift. The maximum is reached by a
    window that starts at some shift's start or ends at some shift's end, so those are tried."""
    intervals = [new, *others]
    windows = [(s, s + WEEK) for s, _ in intervals] + [(e - WEEK, e) for _, e in intervals]
    worst = 0.0
    for w_start, w_end in windows:
        if overlap_hours(w_start, w_end, *new) <= 0:
            continue
        worst = max(worst, sum(overlap_hours(s, e, w_start, w_end) for s, e in intervals))
    return worst


def availability_covers(rows: list[Availability], start: datetime, end: datetime) -> bool:
    tz = timezone.get_default_timezone()
    first = timezone.localtime(start, tz).date() - timedelta(days=1)
    last = timezone.localtime(end, tz).date()
    windows = []
    day = first
    while day <= last:
        for row in rows:
            if row.weekday != day.weekday():
                continue
            windows.append(local_span(day, row.start_time, row.end_time))
        day += timedelta(days=1)
    cursor, end = utc(start), utc(end)
    for w_start, w_end in sorted(windows):
        if w_start > cursor:
            break
        cursor = max(cursor, w_end)
        if cursor >= end:
            return True
    return cursor >= end


def span_text(start: datetime, end: datetime) -> str:
    """'Tue 3 Mar 2026, 22:00–06:00' in the site's time zone (the end's date too when it differs)."""
    start, end = timezone.localtime(start), timezone.localtime(end)
    first = date_format(start, "D j M Y, H:i")
    last = date_format(end, "H:i" if end.date() == start.date() or end - start < timedelta(hours=24)
                       else "D j M Y, H:i")
    return f"{first}–{last}"


def availability_text(rows: list[Availability], start: datetime, end: datetime) -> tuple[str, ...]:
    """What the person said they can work on the days the shift touches (the day before too: a
    window may run past midnight into it), one line a day: the refusal names it, not only its rule."""
    first = timezone.localtime(start).date() - timedelta(days=1)
    last = timezone.localtime(end).date()
    days = []
    day = first
    while day <= last:
        days.append(day.weekday())
        day += timedelta(days=1)
    lines = []
    for weekday in dict.fromkeys(days):
        windows = sorted((r for r in rows if r.weekday == weekday), key=lambda r: r.start_time)
        name = str(dict(Availability._meta.get_field("weekday").choices)[weekday])
        if windows:
            spans = ", ".join(f"{r.start_time:%H:%M}–{r.end_time:%H:%M}" for r in windows)
            lines.append(_("Available %(day)s %(spans)s.") % {"day": name, "spans": spans})
        elif weekday != first.weekday():  # the day before matters only for a window into the shift
            lines.append(_("Not available on %(day)s.") % {"day": name})
    return tuple(lines)


def hours_text(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")
