"""The city's wall clock and the instants it names: the one place a local date and time becomes an
aware UTC datetime, so every app reads a DST change the same way."""

from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone


def date_param(value: str | None) -> date | None:
    """A YYYY-MM-DD date from a query or form parameter, None when it is missing or not a real date
    (Django's parse_date raises on a well-formed impossible one such as 2026-02-30)."""
    try:
        return date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None


def local_moment(day: date, at: time = time.min) -> datetime:
    """`at` on `day` in the city's zone, as a UTC instant. A wall time skipped by the spring change
    (02:30) is read with the offset before the change (03:30 EDT); a repeated one (01:30 in November)
    is its first occurrence (EDT). UTC because aware datetimes sharing one zoneinfo subtract by wall
    clock (a 25-hour day would come out 24)."""
    return datetime.combine(day, at, tzinfo=timezone.get_default_timezone()).astimezone(UTC)


def local_span(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """From `start` on `day` to `end`, the next day when `end` is not after `start` (a night shift)."""
    end_day = day if end > start else day + timedelta(days=1)
    return local_moment(day, start), local_moment(end_day, end)


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def month_bounds(day: date) -> tuple[datetime, datetime]:
    """The instants of the first midnight of `day`'s month and of the next month's (DST-aware)."""
    first = day.replace(day=1)
    return local_moment(first), local_moment(next_month(first))


def week_bounds(day: date) -> tuple[date, datetime, datetime]:
    """The Monday of `day`'s week and the instants of its first and the next Monday's midnight."""
    monday = day - timedelta(days=day.weekday())
    return monday, local_moment(monday), local_moment(monday + timedelta(days=7))
