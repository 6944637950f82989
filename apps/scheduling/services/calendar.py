"""The secret calendar-feed URL: make a new one, or stop the current one."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit

from ..models import CalendarFeed


def calendar_feed_rotate(*, user) -> CalendarFeed:
    """A new secret URL; the old one stops working at once."""
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        feed = CalendarFeed.objects.create(user=user)
        audit(actor=user, action="scheduling.calendar_feed.rotated", target=feed)
    return feed


def calendar_feed_revoke(*, user) -> int:
    with transaction.atomic():
        count = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if count:
            audit(actor=user, action="scheduling.calendar_feed.revoked", target=user)
    return count
