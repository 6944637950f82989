"""Periodic scanners (registered in registrations.py): shift reminders, unfilled positions, shifts at risk.

Each looks at a time window and sends through `notify` with a dedupe key, so running twice (or
twice at once) sends nothing twice. Reminders are queued a few minutes ahead of their time, so a
cancellation in between (`notification_cancel`) still stops them.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Membership
from apps.accounts.roles import Role
from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.training.readiness import readiness_for, records_expiring_between

from .models import Assignment, Position, Shift

REMINDERS = (("24h", timedelta(hours=24)), ("2h", timedelta(hours=2)))
LOOKAHEAD = timedelta(minutes=15)
UNFILLED_AHEAD = timedelta(hours=48)
AT_RISK_HORIZON_DAYS = 60


def reminder_dedupe_key(*, label: str, assignment_id: int, user_id: int, sequence: int = 0) -> str:
    """One reminder per assignment, person and version of its times. `sequence` is the assignment's
    iCal sequence: while an assignment is active only a reschedule bumps it, so a moved shift gets
    a fresh key and its reminder for the new time goes out, even if the old one was already sent.
    (Cancelling a reminder by the prefix "shift-reminder-<label>:<assignment>:" still matches all.)"""
    base = f"shift-reminder-{label}:{assignment_id}:{user_id}"
    return f"{base}:v{sequence}" if sequence else base


def _coordinators(organization_ids: set[int]) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for membership in Membership.objects.filter(organization_id__in=organization_ids, role=Role.COORDINATOR,
                                                is_active=True, user__is_active=True).select_related("user"):
        grouped[membership.organization_id].append(membership.user)
    return grouped


def shift_reminders_scan(*, now: datetime) -> int:
    """Queue the 24-hour and 2-hour reminders of active assignments. A reminder whose moment has
    passed is skipped when the nearer one is already due (found late: only the 2-hour one)."""
    assignments = (Assignment.objects.filter(status=Assignment.Status.ASSIGNED, shift__status=Shift.Status.PUBLISHED,
                                             starts_at__gt=now, starts_at__lte=now + REMINDERS[0][1] + LOOKAHEAD)
                   .select_related("shift__team", "position", "responder"))
    due = []
    for assignment in assignments:
        for index, (label, ahead) in enumerate(REMINDERS):
            moment = assignment.starts_at - ahead
            if moment > now + LOOKAHEAD:
                continue
            nearer = REMINDERS[index + 1:] if index + 1 < len(REMINDERS) else ()
            if any(assignment.starts_at - n_ahead <= now for _, n_ahead in nearer):
                continue
            due.append((assignment, label, moment, reminder_dedupe_key(
                label=label, assignment_id=assignment.pk, user_id=assignment.responder_id,
                sequence=assignment.sequence)))
    # One query tells which reminders were already recorded (the scan runs every five minutes and
    # finds the same day of assignments each time), so a quiet run costs almost nothing.
    done = set(Notification.objects.filter(dedupe_key__in=[key for *_, key in due])
               .values_list("dedupe_key", flat=True).distinct())
    created = 0
    for assignment, label, moment, key in due:
        if key in done:
            continue
        shift = assignment.shift
        with transaction.atomic():
            created += len(notify(
                kind="scheduling.shift_reminder", to=assignment.responder, dedupe_key=key, target=assignment,
                scheduled_for=max(moment, now), link=reverse("scheduling:my-shifts"),
                context={"team": shift.team.name, "role": assignment.position.get_role_display(),
                         "starts_at": shift.starts_at, "ends_at": shift.ends_at, "ahead": label,
                         "notes": shift.notes}))
    return created


def unfilled_positions_scan(*, now: datetime) -> int:
    """Tell the coordinators about positions of published shifts starting within 48 hours that
    still have open places."""
    positions = list(
        Position.objects.filter(shift__status=Shift.Status.PUBLISHED, shift__starts_at__gt=now,
                                shift__starts_at__lte=now + UNFILLED_AHEAD)
        .annotate(filled=Count("assignments", filter=Q(assignments__status__in=Assignment.ACTIVE)))
        .filter(filled__lt=F("count")).select_related("shift__team", "shift__organization"))
    coordinators = _coordinators({p.shift.organization_id for p in positions})
    created = 0
    for position in positions:
        shift = position.shift
        for coordinator in coordinators.get(shift.organization_id, []):
            with transaction.atomic():
                created += len(notify(
                    kind="scheduling.unfilled_position", to=coordinator,
                    dedupe_key=f"shift-unfilled-48h:{position.pk}:{coordinator.pk}", target=shift,
                    link=reverse("scheduling:shift-detail", args=[shift.pk]),
                    context={"team": shift.team.name, "role": position.get_role_display(),
                             "starts_at": shift.starts_at, "ends_at": shift.ends_at,
                             "open": position.count - position.filled, "count": position.count}))
    return created


def shifts_at_risk_scan(*, now: datetime) -> int:
    """Warn the responder and their coordinators when a verified training record expires before
    an assigned shift ends, while there is still time to renew it or to re-staff the shift."""
    today = timezone.localdate(now)
    records = list(records_expiring_between(today, today + timedelta(days=AT_RISK_HORIZON_DAYS)))
    if not records:
        return 0
    by_person: dict[int, list] = defaultdict(list)
    for record in records:
        by_person[record.responder_id].append(record)
    assignments = list(Assignment.objects.filter(
        responder_id__in=by_person, status=Assignment.Status.ASSIGNED, starts_at__gt=now,
        starts_at__lte=now + timedelta(days=AT_RISK_HORIZON_DAYS)).exclude(shift__status=Shift.Status.CANCELLED)
        .select_related("shift__team", "shift__organization", "position", "responder"))
    coordinators = _coordinators({a.shift.organization_id for a in assignments})
    created = 0
    for assignment in assignments:
        end_date = timezone.localtime(assignment.ends_at).date()
        lapsing = [r for r in by_person[assignment.responder_id] if r.expires_on < end_date]
        if not lapsing:
            continue
        readiness = readiness_for(user=assignment.responder, organization=assignment.shift.organization_id, at=now,
                                  through=assignment.ends_at, role=assignment.position.readiness_role)
        failing = {reason.course_id for reason in readiness.reasons}
        for record in lapsing:
            if record.course_id not in failing:
                continue  # the course is not required for this position: no risk
            shift = assignment.shift
            context = {"course": record.course.title, "expires_on": record.expires_on, "team": shift.team.name,
                       "starts_at": shift.starts_at, "ends_at": shift.ends_at,
                       "responder_name": str(assignment.responder)}
            recipients = [(assignment.responder, False, reverse("training:my-training"))]
            recipients += [(c, True, reverse("scheduling:shift-detail", args=[shift.pk]))
                           for c in coordinators.get(shift.organization_id, []) if c.pk != assignment.responder_id]
            with transaction.atomic():
                for user, for_coordinator, link in recipients:
                    created += len(notify(
                        kind="scheduling.shift_at_risk", to=user,
                        dedupe_key=f"shift-at-risk:{assignment.pk}:{record.pk}:{user.pk}", target=assignment,
                        link=link, context={**context, "for_coordinator": for_coordinator}))
    return created
