"""Team status from the field: the people working a shift say, in one tap, what their team is doing
(available, on a call, returning, on a break, off) and in which of the shift's zones. The current status is
one row per shift (`TeamStatus`), every change is kept in order (`TeamStatusChange`, the dispatch feed's
cursor) and audited."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.audit import audit
from apps.core.errors import ApplicationError, require
from apps.core.models import Neighborhood
from apps.scheduling.models import Assignment, Shift

from .models import TeamState, TeamStatus, TeamStatusChange
from .permissions import can_set_team_status

# The team gathers before the start and says it is ready; a status is accepted this long before the shift
# starts. Dispatch reads only shifts under way, so an early "available" sends nobody before the start.
STATUS_OPENS_BEFORE_START = timedelta(minutes=15)


def _local(value: datetime) -> str:
    return date_format(timezone.localtime(value), "D N j, H:i")


def _lock_shift(shift_id: int) -> Shift:
    # Two members tapping at once: the second waits for the first and reads the status it wrote, so the
    # history's previous_state chain has no gap and no duplicate. The same lock scheduling's changes take
    # (NO KEY UPDATE on the shift row), so a cancel or a reschedule and a status change run one after the other.
    return (Shift.objects.select_for_update(of=("self",), no_key=True)
            .select_related("organization").get(pk=shift_id))


def team_status_set(*, by: User, shift: Shift, state: str, zone: Neighborhood | None = None,
                    at: datetime | None = None) -> TeamStatus:
    """Set the team's status on `shift` as `by`, a member checked in to it, while it is under way.

    `zone` must be one of the shift's zones; when not given, a shift with one zone takes it and a shift
    with several keeps the zone last reported. Setting the state and zone the team already has changes
    nothing (no history row, no audit event)."""
    require(can_set_team_status(by, shift), _("Only a member of this shift can set its team's status."))
    if state not in TeamState.values:
        raise ApplicationError(_("Choose one of the statuses offered."), field="state")
    at = at or timezone.now()
    with transaction.atomic():
        shift = _lock_shift(shift.pk)
        assignment = (Assignment.objects.filter(shift=shift, responder=by, status__in=Assignment.ACTIVE)
                      .order_by("id").first())
        if assignment is None:
            raise ApplicationError(_("Only a member of this shift can set its team's status."), code="forbidden")
        if shift.status != Shift.Status.PUBLISHED:
            raise ApplicationError(_("This shift is not on the published schedule."))
        if at >= shift.ends_at:
            raise ApplicationError(_("The shift ended %(end)s: its team's status can no longer be changed.")
                                   % {"end": _local(shift.ends_at)})
        opens = shift.starts_at - STATUS_OPENS_BEFORE_START
        if at < opens:
            raise ApplicationError(_("The shift has not started: its team's status can be set from %(opens)s.")
                                   % {"opens": _local(opens)})
        if assignment.status == Assignment.Status.COMPLETED:
            raise ApplicationError(_("You have checked out of this shift."))
        if assignment.status != Assignment.Status.CHECKED_IN:
            raise ApplicationError(_("Check in to the shift before setting your team's status."))
        zones = {z.pk: z for z in shift.zones.all()}
        current = TeamStatus.objects.filter(shift=shift).select_related("zone").first()
        if zone is not None and zone.pk not in zones:
            raise ApplicationError(_("Choose one of the shift's zones."), field="zone")
        if zone is None:
            if len(zones) == 1:
                zone = next(iter(zones.values()))
            elif current is not None:
                zone = current.zone
        if current is not None and current.state == state and current.zone_id == (zone.pk if zone else None):
            return current  # the same tap twice (or two members agreeing): nothing changed
        previous = current.state if current else ""
        since = current.since if current is not None and current.state == state else at
        status, _created = TeamStatus.objects.update_or_create(
            shift=shift, defaults={"state": state, "zone": zone, "since": since, "set_by": by})
        TeamStatusChange.objects.create(shift=shift, state=state, previous_state=previous, zone=zone, at=at, by=by)
        audit(actor=by, action="operations.team_status.set", target=shift, organization=shift.organization,
              before={"state": previous, "zone": current.zone.slug if current and current.zone else None},
              after={"state": state, "zone": zone.slug if zone else None, "at": at.isoformat()})
    return status
