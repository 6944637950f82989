"""Retention: residents' contact details are kept only as long as they serve the resident.

Run every night by beat (engagement.retention_purge). Blanks the name, contact and access needs on
registrations whose session ended more than RETENTION_REGISTRATION_CONTACT_DAYS ago, the contact
on feedback received more than RETENTION_FEEDBACK_CONTACT_DAYS ago (the text stays), and deletes
finished message rows (residents' after RETENTION_RESIDENT_NOTIFICATION_DAYS, users' after
RETENTION_NOTIFICATION_DAYS). In batches, each its own transaction; a second run finds nothing.
One audit event summarizes a run that changed anything. docs/RETENTION.md has the whole policy.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.audit import audit
from apps.notifications.retention import notification_purge

from .models import FeedbackItem, Registration, StaffTask

BATCH_SIZE = 500


def _days(name: str) -> timedelta:
    """A retention period from settings (defaults in crisisprog/settings/base.py), checked once per run."""
    days = getattr(settings, name)
    if not isinstance(days, int) or days < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of days, at least 1 (got {days!r}).")
    return timedelta(days=days)


def _in_batches(queryset, apply, batch_size: int) -> int:
    """Apply `apply(ids)` to `queryset`'s rows, `batch_size` at a time, until none is left."""
    total = 0
    while True:
        with transaction.atomic():
            ids = list(queryset.order_by("id").values_list("id", flat=True)[:batch_size])
            if not ids:
                return total
            apply(ids)
            total += len(ids)


def blank_registrations(ids: list[int]) -> None:
    """Name, contact and access needs off these registrations (and off the staff tasks repeating them)."""
    Registration.objects.filter(pk__in=ids).update(name="", email="", phone="", contact_consent=False,
                                                   access_needs="")
    StaffTask.objects.filter(registration_id__in=ids).update(details="")


def _blank_feedback_contact(ids: list[int]) -> None:
    FeedbackItem.objects.filter(pk__in=ids).update(contact_consent=False, contact_name="", contact_email="",
                                                   contact_phone="", updated_at=timezone.now())


def retention_purge(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    now = now or timezone.now()
    registration_cutoff = now - _days("RETENTION_REGISTRATION_CONTACT_DAYS")
    feedback_cutoff = now - _days("RETENTION_FEEDBACK_CONTACT_DAYS")
    resident_message_cutoff = now - _days("RETENTION_RESIDENT_NOTIFICATION_DAYS")
    message_cutoff = now - _days("RETENTION_NOTIFICATION_DAYS")

    personal = ~Q(name="") | ~Q(email="") | ~Q(phone="") | ~Q(access_needs="") | Q(contact_consent=True)
    registrations = Registration.objects.filter(personal, session__ends_at__lt=registration_cutoff)
    feedback = FeedbackItem.objects.filter(
        ~Q(contact_name="") | ~Q(contact_email="") | ~Q(contact_phone="") | Q(contact_consent=True),
        created_at__lt=feedback_cutoff)
    counts = {
        "registrations": _in_batches(registrations, blank_registrations, batch_size),
        "feedback_items": _in_batches(feedback, _blank_feedback_contact, batch_size),
        "notifications": notification_purge(resident_before=resident_message_cutoff, user_before=message_cutoff,
                                             batch_size=batch_size),
    }
    if any(counts.values()):
        audit(actor=None, action="privacy.retention.purged", after={
            **counts, "registrations_ended_before": registration_cutoff, "feedback_received_before": feedback_cutoff,
            "resident_messages_before": resident_message_cutoff, "messages_before": message_cutoff})
    return counts
