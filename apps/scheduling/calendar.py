"""iCalendar feeds. Each assignment is one event with a stable UID; a change bumps SEQUENCE and a
cancellation is sent as STATUS:CANCELLED, so subscribed calendars update instead of duplicating."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Assignment

PAST_DAYS = 30


def assignment_uid(assignment: Assignment) -> str:
    return f"assignment-{assignment.pk}@crisisprog"


def feed_for(*, user) -> bytes:
    since = timezone.now() - timedelta(days=PAST_DAYS)
    calendar = Calendar()
    calendar.add("prodid", "-//crisisprog//shifts//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "crisisprog shifts")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    assignments = (Assignment.objects.filter(responder=user, ends_at__gte=since)
                   .exclude(status=Assignment.Status.NO_SHOW)
                   .select_related("shift__team", "position").prefetch_related("shift__zones").order_by("starts_at"))
    for assignment in assignments:
        shift = assignment.shift
        event = Event()
        event.add("uid", assignment_uid(assignment))
        event.add("dtstamp", assignment.updated_at)
        event.add("last-modified", assignment.updated_at)
        event.add("sequence", assignment.sequence)
        event.add("dtstart", assignment.starts_at)
        event.add("dtend", assignment.ends_at)
        event.add("summary", f"{shift.team.name} — {assignment.position.get_role_display()}")
        zones = ", ".join(z.name for z in shift.zones.all())
        if zones:
            event.add("location", zones)
        if shift.notes:
            event.add("description", shift.notes)
        cancelled = assignment.status == Assignment.Status.CANCELLED or shift.status == shift.Status.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
