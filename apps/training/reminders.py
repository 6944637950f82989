"""Periodic scanners (registered in registrations.py): expiry warnings and training-session reminders.

Each looks at a window and sends through `notify` with a dedupe key, so running twice (or twice
at once) sends nothing twice.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Membership
from apps.accounts.roles import Role
from apps.notifications.models import Notification
from apps.notifications.services import notify

from .models import Enrollment, TrainingRecord, TrainingSession
from .readiness import records_expiring_between

# Warnings go out when a record enters each window; a record found late gets only the nearest one.
EXPIRY_THRESHOLDS = (7, 30, 60, 90)
SESSION_REMINDER_AHEAD = timedelta(days=2)
# How far back the verified-notice sweep looks: far longer than any broker outage we would not notice.
VERIFIED_NOTICE_WINDOW = timedelta(days=2)


def expiry_dedupe_key(*, record_id: int, threshold: int) -> str:
    return f"training-expiry:{record_id}:{threshold}"


def _coordinators_by_organization(organization_ids: set[int]) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    memberships = Membership.objects.filter(organization_id__in=organization_ids, role=Role.COORDINATOR,
                                            is_active=True, user__is_active=True).select_related("user")
    for membership in memberships:
        grouped[membership.organization_id].append(membership.user)
    return grouped


def expiry_warnings_scan(*, now: datetime) -> int:
    """Warn the responder and their organization's coordinators 90, 60, 30 and 7 days before a
    verified record expires (unless a newer record has already replaced it)."""
    today = timezone.localdate(now)
    records = list(records_expiring_between(today, today + timedelta(days=max(EXPIRY_THRESHOLDS)))
                   .filter(organization__is_active=True))
    due = []
    for record in records:
        days_left = (record.expires_on - today).days
        threshold = next(t for t in EXPIRY_THRESHOLDS if days_left <= t)
        due.append((record, days_left, expiry_dedupe_key(record_id=record.pk, threshold=threshold)))
    # One query tells which warnings were already recorded, so a quiet run costs almost nothing.
    done = set(Notification.objects.filter(dedupe_key__in=[key for *_, key in due])
               .values_list("dedupe_key", flat=True).distinct())
    due = [item for item in due if item[2] not in done]
    coordinators = _coordinators_by_organization({record.organization_id for record, *_ in due})
    created = 0
    for record, days_left, key in due:
        context = {"course": record.course.title, "expires_on": record.expires_on, "days_left": days_left,
                   "responder_name": str(record.responder), "organization": record.organization.name}
        with transaction.atomic():
            created += len(notify(kind="training.expiry_warning", to=record.responder, dedupe_key=key,
                                  target=record, link=reverse("training:my-training"),
                                  context={**context, "for_coordinator": False}))
            for coordinator in coordinators.get(record.organization_id, []):
                if coordinator.pk == record.responder_id:
                    continue
                created += len(notify(
                    kind="training.expiry_warning", to=coordinator, dedupe_key=f"{key}:coordinator:{coordinator.pk}",
                    target=record, link=reverse("training:expiring-list"),
                    context={**context, "for_coordinator": True}))
    return created


def session_reminders_scan(*, now: datetime) -> int:
    """Remind everyone enrolled in a session that starts within the next two days."""
    enrollments = (Enrollment.objects.filter(status=Enrollment.Status.ENROLLED,
                                             session__status=TrainingSession.Status.SCHEDULED,
                                             session__starts_at__gt=now,
                                             session__starts_at__lte=now + SESSION_REMINDER_AHEAD)
                   .select_related("session__course", "responder"))
    created = 0
    for enrollment in enrollments:
        session = enrollment.session
        with transaction.atomic():
            created += len(notify(
                kind="training.session_reminder", to=enrollment.responder,
                dedupe_key=f"training-session-reminder:{session.pk}:{enrollment.pk}", target=session,
                link=reverse("training:session-detail", args=[session.pk]),
                context={"course": session.course.title, "starts_at": session.starts_at,
                         "ends_at": session.ends_at, "location": session.location}))
    return created


def verified_notices_scan(*, now: datetime) -> int:
    """The sweep behind a lost publish: an import hands its "record verified" notices to a Celery
    task after commit; if the broker lost that task, the records would stay verified with nobody
    told. Every record verified within the window whose notice was never written gets it now (the
    dedupe key is the one record_verify and the task use, so nothing is sent twice)."""
    from .services import record_verified_notify

    recent = list(TrainingRecord.objects.filter(status=TrainingRecord.Status.VERIFIED,
                                                verified_at__gte=now - VERIFIED_NOTICE_WINDOW)
                  .values_list("pk", flat=True))
    if not recent:
        return 0
    keys = {f"training.record_verified:{pk}": pk for pk in recent}
    # One query tells which notices exist, so a quiet run costs two queries.
    told = set(Notification.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True))
    missing = [pk for key, pk in keys.items() if key not in told]
    return record_verified_notify(record_ids=missing) if missing else 0
