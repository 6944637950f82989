"""Demo data for the on-duty board: each team on a shift under way reports a status, as its checked-in lead
(or first checked-in member) would have from a phone, so the board and the dispatch API show a live scene."""

from datetime import timedelta

from django.utils import timezone

from apps.scheduling.models import Assignment, PositionRole, Shift

from .models import TeamState
from .status import STATUS_OPENS_BEFORE_START, team_status_set

# Teams in turn: one free, one out on a call, one on its way back.
SCENE = (TeamState.AVAILABLE, TeamState.ON_CALL, TeamState.RETURNING)


def seed(*, users, organizations, stdout) -> None:
    now = timezone.now()
    shifts = (Shift.objects.filter(status=Shift.Status.PUBLISHED, starts_at__lte=now, ends_at__gt=now)
              .prefetch_related("zones").order_by("starts_at", "id"))
    reported = 0
    for i, shift in enumerate(shifts):
        member = (Assignment.objects.filter(shift=shift, status=Assignment.Status.CHECKED_IN)
                  .select_related("responder", "position").order_by("id"))
        member = sorted(member, key=lambda a: a.position.role != PositionRole.LEAD)
        if not member:
            continue
        zones = list(shift.zones.all())
        at = max(now - timedelta(minutes=7 + 11 * i), shift.starts_at - STATUS_OPENS_BEFORE_START)
        team_status_set(by=member[0].responder, shift=shift, state=SCENE[i % len(SCENE)],
                        zone=zones[i % len(zones)] if zones else None, at=at)
        reported += 1
    stdout.write(f"  operations: {reported} teams on shift now reported a status")
