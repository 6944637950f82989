"""The .ics file of a session, for residents' calendars."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event


def session_ics(session) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//crisisprog//community sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"engagement-session-{session.pk}@crisisprog")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.tr.title)
    url = settings.SITE_URL + reverse("engagement:session-detail", args=[session.pk])
    event.add("description", f"{session.description}\n\n{url}")
    event.add("url", url)
    place = ", ".join(p for p in (session.venue_name, session.venue_address) if p)
    if session.online_link:
        place = f"{place} · {session.online_link}" if place else session.online_link
    if place:
        event.add("location", place)
    event.add("status", "CANCELLED" if session.status == session.Status.CANCELLED else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
