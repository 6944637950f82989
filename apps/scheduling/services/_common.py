"""What the scheduling services share: the shift's row lock (taken first by every change that takes
more than one lock), claiming a place, and taking someone off a shift."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.errors import ApplicationError
from apps.core.transitions import transition
from apps.notifications.services import notification_cancel, notify

from ..eligibility import EligibilityCode
from ..models import OVERLAP_CONSTRAINT, Assignment, Position, Shift, SwapRequest


def iso(value: datetime) -> str:
    return value.isoformat()


def lock_shift(shift_id: int) -> Shift:
    # Two leads leaving at once must not each see the other still on the shift: every change the
    # last-lead rule guards (and a reschedule) takes the shift's row lock first. NO KEY UPDATE: an
    # insert referencing the shift (a sign-up) takes KEY SHARE on it and is not blocked by this.
    return (Shift.objects.select_for_update(of=("self",), no_key=True)
            .select_related("team__team_type", "organization").get(pk=shift_id))


def locked_position(position: Position) -> Position:
    # The shift's lock first, as every change that takes more than one lock here does (cancel,
    # reschedule, the last-lead guard, swaps), so two of them never wait on each other in a cycle.
    # Under it the shift's status and times are the committed ones: a cancel or a reschedule that
    # held it has finished, so a sign-up cannot land on a shift cancelled a moment ago.
    shift = lock_shift(position.shift_id)
    # The position's lock serializes everyone claiming a place on it: the count the engine reads
    # cannot change until this transaction ends, so the last place goes to one person.
    position = Position.objects.select_for_update().get(pk=position.pk)
    position.shift = shift
    return position


def notification_context(assignment: Assignment) -> dict:
    shift = assignment.shift
    return {"team": shift.team.name, "role": assignment.position.get_role_display(), "starts_at": shift.starts_at,
            "ends_at": shift.ends_at, "responder_name": str(assignment.responder), "notes": shift.notes}


def insert_assignment(**fields) -> Assignment:
    try:
        with transaction.atomic():
            return Assignment.objects.create(**fields)
    except IntegrityError as exc:
        text = str(exc)
        if OVERLAP_CONSTRAINT in text:
            raise ApplicationError(_("Already assigned to another shift at this time."), field="responder",
                                   code=EligibilityCode.OVERLAP) from exc
        if "scheduling_assignment_once_per_shift" in text or "UNIQUE" in text.upper():
            raise ApplicationError(_("Already holds a position on this shift."), field="responder",
                                   code=EligibilityCode.ALREADY_ON_SHIFT) from exc
        raise


def refuse(eligibility) -> None:
    first = eligibility.reasons[0]
    raise ApplicationError(eligibility.message, field="responder", code=first.code)


def cancel_reminders(assignment: Assignment) -> None:
    for prefix in ("shift-reminder-24h", "shift-reminder-2h"):
        notification_cancel(dedupe_key_prefix=f"{prefix}:{assignment.pk}:")


def _withdraw_offers(assignment: Assignment, *, by: User, reason: str, keep: SwapRequest | None = None) -> None:
    """An assignment that leaves takes its open offers with it (each withdrawn and audited), but
    the one it is handed over by (`keep`)."""
    offers = SwapRequest.objects.filter(assignment=assignment, status__in=[SwapRequest.Status.OPEN,
                                                                            SwapRequest.Status.PENDING_APPROVAL])
    if keep is not None:
        offers = offers.exclude(pk=keep.pk)
    for swap in offers:
        transition(swap, from_states={SwapRequest.Status.OPEN, SwapRequest.Status.PENDING_APPROVAL},
                   done_states={SwapRequest.Status.WITHDRAWN, SwapRequest.Status.APPROVED,
                                SwapRequest.Status.DECLINED}, to_state=SwapRequest.Status.WITHDRAWN, actor=by,
                   action="scheduling.swap.withdrawn", organization=assignment.shift.organization,
                   after={"reason": reason})


def take_off_shift(*, assignment: Assignment, by: User, reason: str, action: str = "scheduling.assignment.cancelled",
                   handed_over_by: SwapRequest | None = None) -> Assignment:
    """Take someone off a shift: they are told, unless the place is handed over by a swap (whose
    notices say so). The caller holds the shift's lock (the lock order: shift first)."""

    def cancel(row: Assignment) -> list[str]:
        row.cancelled_at, row.cancel_reason = timezone.now(), reason[:300]
        row.sequence += 1
        return ["cancelled_at", "cancel_reason", "sequence"]

    def follow_on(row: Assignment) -> None:
        cancel_reminders(row)
        _withdraw_offers(row, by=by, reason=reason, keep=handed_over_by)
        if handed_over_by is None:
            notify(kind="scheduling.assignment_cancelled", to=row.responder,
                   dedupe_key=f"shift-cancelled:{row.pk}", target=row, link=reverse("scheduling:my-shifts"),
                   context={**notification_context(row), "reason": reason})

    return transition(assignment, from_states={Assignment.Status.ASSIGNED}, to_state=Assignment.Status.CANCELLED,
                      refused=_("Only an upcoming assignment can be cancelled."), apply=cancel, actor=by,
                      action=action, organization=assignment.shift.organization, after={"reason": reason},
                      select_related=("shift__team", "shift__organization", "position", "responder"),
                      then=follow_on)
