"""The reminders sent to registrants before their session (the scanner registered in
engagement/registrations.py calls it)."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from ..models import CommunitySession, Registration
from .registrations import notify_registrant


def session_reminders_scan(*, now: datetime) -> int:
    """Two days before, and the morning of the session (from 7:00 city time). Each once per person."""
    local_now = timezone.localtime(now, timezone.get_default_timezone())
    morning = timezone.make_aware(datetime.combine(local_now.date(), time(7, 0)), timezone.get_default_timezone())
    end_of_day = morning + timedelta(hours=17)
    base = (Registration.objects.filter(status=Registration.Status.REGISTERED, contact_consent=True,
                                        session__status=CommunitySession.Status.PUBLISHED)
            .select_related("session", "session__neighborhood", "language"))
    sent = 0
    windows = [("2d", base.filter(session__starts_at__gt=now + timedelta(hours=24),
                                  session__starts_at__lte=now + timedelta(hours=48)))]
    if now >= morning:
        windows.append(("day", base.filter(session__starts_at__gt=now, session__starts_at__lt=end_of_day)))
    for label, registrations in windows:
        for registration in registrations:
            with transaction.atomic():
                sent += notify_registrant(registration, kind="engagement.reminder", intent="reminder",
                                          suffix=label, extra={"when": label})
    return sent
