"""What must hold at every checkpoint. Each check returns the violations it finds, as text."""

import re
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

# The nightly purge runs at 03:41: a contact may outlive its period by up to a day.
PURGE_SLACK = timedelta(days=1, hours=1)


def positions_not_overfilled() -> list[str]:
    from apps.scheduling.models import Assignment, Position

    over = (Position.objects.annotate(active=Count("assignments", filter=Q(assignments__status__in=Assignment.ACTIVE)))
            .filter(active__gt=F("count")).values_list("pk", "active", "count"))
    return [f"position {pk} has {active} people for {count} places" for pk, active, count in over]


def no_overlapping_assignments() -> list[str]:
    from apps.scheduling.models import Assignment

    out = []
    by_person = defaultdict(list)
    for pk, responder, starts, ends in (Assignment.objects.filter(status__in=Assignment.ACTIVE)
                                        .order_by("responder_id", "starts_at")
                                        .values_list("pk", "responder_id", "starts_at", "ends_at")):
        by_person[responder].append((starts, ends, pk))
    for responder, spans in by_person.items():
        for (_s1, e1, a), (s2, _e2, b) in zip(spans, spans[1:], strict=False):
            if s2 < e1:
                out.append(f"responder {responder}: assignments {a} and {b} overlap")
    return out


REMINDER_KEY = re.compile(r"^(shift-reminder-(?:24h|2h):\d+:\d+)(?::v(\d+))?$")


def reminders_sent_once() -> list[str]:
    """One shift reminder per assignment, person, label and version of its times; and every other
    reminder-like message once per dedupe key (the unique constraint, checked from the outside)."""
    from apps.notifications.models import Notification

    out = []
    seen = defaultdict(list)
    for key, channel in (Notification.objects.filter(kind="scheduling.shift_reminder", status="sent")
                         .values_list("dedupe_key", "channel")):
        match = REMINDER_KEY.match(key)
        base = match.group(1) if match else key
        seen[(base, match.group(2) if match else None, channel)].append(key)
    out += [f"reminder {base} v{version} ({channel}) sent {len(keys)} times"
            for (base, version, channel), keys in seen.items() if len(keys) > 1]
    twice = (Notification.objects.filter(status="sent").values("dedupe_key", "channel")
             .annotate(n=Count("id")).filter(n__gt=1))
    out += [f"message {row['dedupe_key']} ({row['channel']}) sent {row['n']} times" for row in twice]
    return out


def ended_shifts_accounted() -> list[str]:
    """Every assignment of a shift that ended is completed with hours, a no-show, or cancelled —
    once check-out has closed (CHECK_OUT_CLOSES after the end) and the coordinator has had an hour
    to record the hours of whoever forgot."""
    from apps.scheduling.models import Assignment, Shift
    from apps.scheduling.services import CHECK_OUT_CLOSES

    now = timezone.now()
    grace = CHECK_OUT_CLOSES + timedelta(hours=1)
    open_ = Assignment.objects.filter(shift__status=Shift.Status.PUBLISHED, ends_at__lt=now - grace,
                                      status__in=[Assignment.Status.ASSIGNED, Assignment.Status.CHECKED_IN])
    out = [f"assignment {pk} of a shift ended {ends.isoformat()} is still {status}"
           for pk, ends, status in open_.values_list("pk", "ends_at", "status")[:20]]
    no_hours = Assignment.objects.filter(status=Assignment.Status.COMPLETED).filter(
        Q(checked_in_at__isnull=True) | Q(checked_out_at__isnull=True) | Q(checked_out_at__lte=F("checked_in_at")))
    out += [f"assignment {pk} is completed without hours" for pk in no_hours.values_list("pk", flat=True)[:20]]
    return out


def operations_consistent() -> list[str]:
    """Team statuses and encounters hold together: no status change outside its shift (from the
    quarter hour before the start to the end), each shift's current status is its latest change, and
    every encounter's times run forward (received, dispatched, arrived, cleared)."""
    from apps.operations.models import Encounter, TeamStatus, TeamStatusChange
    from apps.operations.status import STATUS_OPENS_BEFORE_START

    outside = TeamStatusChange.objects.filter(
        Q(at__lt=F("shift__starts_at") - STATUS_OPENS_BEFORE_START) | Q(at__gte=F("shift__ends_at")))
    out = [f"status change {pk} of shift {shift_id} at {at.isoformat()} is outside its shift"
           for pk, shift_id, at in outside.values_list("pk", "shift_id", "at")[:20]]
    latest: dict[int, tuple[str, int | None]] = {}
    for shift_id, state, zone_id in TeamStatusChange.objects.order_by("id").values_list("shift_id", "state",
                                                                                         "zone_id"):
        latest[shift_id] = (state, zone_id)
    for shift_id, state, zone_id in TeamStatus.objects.values_list("shift_id", "state", "zone_id"):
        if latest.get(shift_id) != (state, zone_id):
            out.append(f"shift {shift_id}: status {state} is not its latest change {latest.get(shift_id)}")
    backwards = Encounter.objects.filter(
        Q(dispatched_at__lt=F("received_at")) | Q(arrived_at__lt=F("dispatched_at"))
        | Q(cleared_at__lt=F("received_at")) | Q(cleared_at__lt=F("arrived_at")))
    out += [f"encounter {pk} has times out of order" for pk in backwards.values_list("pk", flat=True)[:20]]
    return out[:40]


def contacts_within_retention() -> list[str]:
    from apps.engagement.models import FeedbackItem, Registration

    now = timezone.now()
    registration_cutoff = now - timedelta(days=settings.RETENTION_REGISTRATION_CONTACT_DAYS) - PURGE_SLACK
    feedback_cutoff = now - timedelta(days=settings.RETENTION_FEEDBACK_CONTACT_DAYS) - PURGE_SLACK
    kept = Registration.objects.filter(~Q(name="") | ~Q(email="") | ~Q(phone="") | ~Q(access_needs=""),
                                       session__ends_at__lt=registration_cutoff)
    out = [f"registration {pk} keeps the resident's details past retention"
           for pk in kept.values_list("pk", flat=True)[:20]]
    feedback = FeedbackItem.objects.filter(~Q(contact_name="") | ~Q(contact_email="") | ~Q(contact_phone=""),
                                           created_at__lt=feedback_cutoff)
    out += [f"feedback {pk} keeps the resident's contact past retention"
            for pk in feedback.values_list("pk", flat=True)[:20]]
    return out


def monthly_reports(*, subscriber, subscribed_at: datetime | None,
                    known_good: set | None = None) -> tuple[list[str], int]:
    """One program monthly report per month that ended after the subscription (made on the 1st),
    built, with figures. Returns (violations, reports built). A month whose figures were found
    non-empty is added to `known_good` and its figures are not worked out again."""
    from apps.reports.models import ReportRequest
    from apps.scheduling.selectors import program_fill_summary

    if subscribed_at is None:
        return [], 0
    out = []
    now = timezone.localtime()
    built = 0
    month = timezone.localtime(subscribed_at).date().replace(day=1)
    while True:
        next_month = (month + timedelta(days=32)).replace(day=1)
        # Made by the scanner on the 1st; give it until 01:00.
        due = timezone.make_aware(datetime.combine(next_month, datetime.min.time())) + timedelta(hours=1)
        if due > now:
            break
        period = f"{month:%Y-%m}"
        rows = list(ReportRequest.objects.filter(kind="program_monthly", period=period, requested_by=subscriber))
        if len(rows) != 1:
            out.append(f"{len(rows)} monthly reports for {period} (expected 1)")
        elif rows[0].status != ReportRequest.Status.SUCCEEDED or not rows[0].size or not rows[0].page_count:
            out.append(f"monthly report {rows[0].pk} for {period} is {rows[0].status}: {rows[0].error[:200]}")
        else:
            built += 1
        if known_good is None or period not in known_good:
            # the figures are history once the month is over: worked out once
            if not program_fill_summary(month=month, exact=True).total.published:
                out.append(f"monthly report for {period}: no published shifts in its figures")
            elif known_good is not None:
                known_good.add(period)
        month = next_month
    return out, built


class AuditChainWatch:
    """The audit chain, verified in stretches: each checkpoint walks the events written since the
    last one from the point where that walk ended (its hash carries the chain), and `whole=True`
    (the last checkpoint) walks it all again from the start, so an edit to an old event is still
    found by the end."""

    def __init__(self) -> None:
        self.point = None
        self.verified = 0

    def check(self, *, whole: bool = False) -> list[str]:
        from apps.core.audit import walk_chain

        if whole:
            self.point, self.verified = None, 0
        checked, broken, self.point = walk_chain(after=self.point)
        self.verified += checked
        return [] if broken is None else [f"audit chain broken at event {broken.event_id}: {broken.reason}"]


def check_all(*, subscriber, subscribed_at, chain: AuditChainWatch, whole_chain: bool = False,
              known_good: set | None = None) -> tuple[dict[str, list[str]], dict]:
    """Every invariant. Returns (violations by invariant, facts: monthly reports built and audit
    events verified, so the summary shows that the checks had something to check)."""
    broken = chain.check(whole=whole_chain)
    results = {
        "positions not over-filled": positions_not_overfilled(),
        "no overlapping assignments": no_overlapping_assignments(),
        "each reminder sent once": reminders_sent_once(),
        "every ended shift has hours or a no-show": ended_shifts_accounted(),
        "no resident contact past retention": contacts_within_retention(),
        "team statuses and encounters hold together": operations_consistent(),
        "audit chain verifies": broken,
    }
    violations, built = monthly_reports(subscriber=subscriber, subscribed_at=subscribed_at, known_good=known_good)
    results["one monthly report per month with figures"] = violations
    return results, {"reports_built": built, "audit_events_verified": chain.verified}


def month_start(day: date) -> date:
    return day.replace(day=1)
