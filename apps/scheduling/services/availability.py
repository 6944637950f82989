"""A responder's weekly availability and time off."""

from __future__ import annotations

from datetime import datetime, time

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.core.audit import audit
from apps.core.errors import ApplicationError, require
from apps.core.transitions import transition
from apps.notifications.services import notify

from ..models import Availability, TimeOff
from ..permissions import can_decide_time_off, can_withdraw_time_off


def availability_add(*, by: User, weekday: int, start_time: time, end_time: time) -> Availability:
    require(bool(by.organization_ids(Role.RESPONDER)), _("Only responders give availability."))
    if weekday not in range(7):
        raise ApplicationError(_("Choose a day of the week."), field="weekday")
    if start_time == end_time:
        raise ApplicationError(_("Start and end times must differ."), field="end_time")
    with transaction.atomic():
        row = Availability.objects.create(responder=by, weekday=weekday, start_time=start_time, end_time=end_time)
        audit(actor=by, action="scheduling.availability.added", target=row)
    return row


def availability_remove(*, by: User, availability: Availability) -> None:
    require(availability.responder_id == by.pk, _("This is not your availability."))
    with transaction.atomic():
        # Locked so a double click removes and audits once; the second finds nothing left.
        row = Availability.objects.select_for_update().filter(pk=availability.pk).first()
        if row is None:
            return
        audit(actor=by, action="scheduling.availability.removed", target=row)
        row.delete()


def time_off_request(*, by: User, organization, starts_at: datetime, ends_at: datetime, reason: str = "") -> TimeOff:
    require(by.has_role(Role.RESPONDER, organization.pk), _("Only responders of this organization ask for time off."))
    if ends_at <= starts_at:
        raise ApplicationError(_("The end must be after the start."), field="ends_at")
    if ends_at <= timezone.now():
        raise ApplicationError(_("Time off must end in the future."), field="ends_at")
    with transaction.atomic():
        row = TimeOff.objects.create(responder=by, organization=organization, starts_at=starts_at, ends_at=ends_at,
                                     reason=reason)
        audit(actor=by, action="scheduling.time_off.requested", target=row, organization=organization)
    return row


def time_off_decide(*, by: User, time_off: TimeOff, approve: bool, note: str = "") -> TimeOff:
    require(can_decide_time_off(by, time_off), _("Only a coordinator of this organization can decide."))
    status = TimeOff.Status.APPROVED if approve else TimeOff.Status.DENIED

    def decide(row: TimeOff) -> list[str]:
        row.decided_by, row.decided_at, row.decision_note = by, timezone.now(), note
        return ["decided_by", "decided_at", "decision_note"]

    with transaction.atomic():
        # Under the row's lock: a withdrawal at the same moment is either seen (and this refused)
        # or waits and finds the request decided.
        time_off = transition(time_off, from_states={TimeOff.Status.PENDING}, to_state=status,
                              refused=_("This request has already been decided."), apply=decide, actor=by,
                              action=f"scheduling.time_off.{status}", organization=time_off.organization,
                              after={"note": note}, select_related=("responder", "organization"))
        notify(kind="scheduling.time_off_decided", to=time_off.responder, dedupe_key=f"time-off-decided:{time_off.pk}",
               target=time_off, link=reverse("scheduling:time-off"),
               context={"approved": approve, "starts_at": time_off.starts_at, "ends_at": time_off.ends_at,
                        "note": note})
    return time_off


def time_off_withdraw(*, by: User, time_off: TimeOff) -> TimeOff:
    require(can_withdraw_time_off(by, time_off), _("This is not your request."))
    return transition(time_off, from_states={TimeOff.Status.PENDING, TimeOff.Status.APPROVED},
                      to_state=TimeOff.Status.WITHDRAWN, refused=_("This request is closed."), actor=by,
                      action="scheduling.time_off.withdrawn", organization=time_off.organization)
