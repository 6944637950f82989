"""Shift swaps: a responder offers an assignment, a colleague takes it, a coordinator approves
when the organization asks for it."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.audit import audit
from apps.core.errors import ApplicationError, require
from apps.core.transitions import transition
from apps.notifications.services import notify

from ..eligibility import EligibilityCode, check_eligibility, eligibility_batch, lead_missing_after, policy_for
from ..models import Assignment, Position, SwapRequest
from ..permissions import can_decide_swap, can_offer_swap, can_take_swap, can_withdraw_swap
from ..selectors import responder_candidates
from ._common import insert_assignment, lock_shift, locked_position, notification_context, refuse, take_off_shift


def swap_offer(*, by: User, assignment: Assignment, note: str = "") -> SwapRequest:
    require(can_offer_swap(by, assignment), _("Only the person on the shift can offer it."))
    if assignment.status != Assignment.Status.ASSIGNED or assignment.starts_at <= timezone.now():
        raise ApplicationError(_("Only an upcoming assignment can be offered."))
    if SwapRequest.objects.filter(assignment=assignment, status__in=[SwapRequest.Status.OPEN,
                                                                      SwapRequest.Status.PENDING_APPROVAL]).exists():
        raise ApplicationError(_("This shift is already offered."))
    with transaction.atomic():
        swap = SwapRequest.objects.create(assignment=assignment, offered_by=by, note=note)
        audit(actor=by, action="scheduling.swap.offered", target=swap, organization=assignment.shift.organization)
        _tell_eligible_colleagues(swap)
    return swap


def _tell_eligible_colleagues(swap: SwapRequest) -> int:
    """Offer the shift to the colleagues the engine would let take it (one batch, fixed queries)."""
    assignment = swap.assignment
    position = Position.objects.select_related("shift__team__team_type", "shift__organization").get(
        pk=assignment.position_id)
    people = list(responder_candidates(organization_id=position.shift.organization_id).exclude(pk=swap.offered_by_id))
    answers = eligibility_batch(users=people, position=position, replacing=assignment)
    context = {**notification_context(assignment), "offered_by": str(swap.offered_by), "note": swap.note}
    sent = 0
    for person in people:
        if answers[person.pk].allowed:
            sent += len(notify(kind="scheduling.swap_offered", to=person,
                               dedupe_key=f"swap-offered:{swap.pk}:{person.pk}", target=swap,
                               link=reverse("scheduling:swap-list"), context=context))
    return sent


def _lock_swap_shift(swap: SwapRequest) -> None:
    """The shift's lock before the swap's: a responder cancelling the offered assignment (shift, then
    assignment, then its swaps) and a coordinator approving the swap (swap, then assignment) each
    held what the other waited for, and PostgreSQL broke the cycle with a deadlock error (a 500)."""
    shift_id = SwapRequest.objects.filter(pk=swap.pk).values_list("assignment__shift_id", flat=True).first()
    if shift_id is not None:
        lock_shift(shift_id)


def _complete_swap(*, swap: SwapRequest, by: User) -> SwapRequest:
    old = swap.assignment
    position = locked_position(old.position)
    taker = swap.taken_by
    old_assignment = Assignment.objects.select_for_update(of=("self",)).select_related(
        "shift__team", "shift__organization", "position", "responder").get(pk=old.pk)
    if old_assignment.status != Assignment.Status.ASSIGNED:
        raise ApplicationError(_("The offered assignment is no longer active."))
    # The taker is checked as if the offerer's place were free; it is, once this commits.
    eligibility = check_eligibility(user=taker, position=position, replacing=old_assignment)
    if not eligibility.allowed:
        refuse(eligibility)
    # The taker takes the same position, so a lead hands over to someone the engine cleared as a
    # lead; the rule is still asked here, so a swap can never be the path that drops the last lead.
    if lead_missing_after(shift=position.shift, leaving=[old_assignment.pk], joining_roles=[position.role]):
        raise ApplicationError(_("This swap would leave the shift without a team lead. Ask your coordinator."),
                               code=EligibilityCode.LAST_LEAD)
    old_assignment = take_off_shift(assignment=old_assignment, by=by, reason=_("Handed over in a swap"),
                                    action="scheduling.assignment.handed_over", handed_over_by=swap)
    shift = position.shift
    new = insert_assignment(position=position, shift=shift, responder=taker, starts_at=shift.starts_at,
                            ends_at=shift.ends_at, source=Assignment.Source.SWAP, assigned_by=by)
    swap.status, swap.new_assignment = SwapRequest.Status.APPROVED, new
    swap.save(update_fields=["status", "new_assignment", "decided_by", "decided_at", "updated_at"])
    audit(actor=by, action="scheduling.swap.completed", target=swap, organization=shift.organization,
          after={"from": old_assignment.responder_id, "to": taker.pk, "assignment": new.pk})
    context = notification_context(new)
    notify(kind="scheduling.assignment_changed", to=old_assignment.responder,
           dedupe_key=f"shift-swapped-out:{swap.pk}", target=old_assignment, link=reverse("scheduling:my-shifts"),
           context={**context, "handed_to": str(taker), "given_away": True})
    notify(kind="scheduling.assignment_made", to=taker, dedupe_key=f"shift-assigned:{new.pk}", target=new,
           link=reverse("scheduling:my-shifts"), context=context)
    return swap


def swap_accept(*, by: User, swap: SwapRequest) -> SwapRequest:
    """A colleague takes the offered shift: done at once, or after a coordinator approves when the
    organization requires it. Either way the engine must allow the taker now."""
    with transaction.atomic():
        _lock_swap_shift(swap)
        swap = SwapRequest.objects.select_for_update(of=("self",)).select_related(
            "assignment__shift__organization", "assignment__position", "assignment__responder").get(pk=swap.pk)
        require(can_take_swap(by, swap), _("Only a colleague in this organization can take the shift."))
        if swap.status != SwapRequest.Status.OPEN:
            raise ApplicationError(_("This offer is no longer open."))
        position = Position.objects.select_related("shift__team__team_type", "shift__organization").get(
            pk=swap.assignment.position_id)
        eligibility = check_eligibility(user=by, position=position, replacing=swap.assignment)
        if not eligibility.allowed:
            refuse(eligibility)
        if policy_for(swap.assignment.shift.organization_id).swap_requires_approval:

            def take(row: SwapRequest) -> list[str]:
                row.taken_by, row.taken_at = by, timezone.now()
                return ["taken_by", "taken_at"]

            return transition(swap, from_states={SwapRequest.Status.OPEN},
                              to_state=SwapRequest.Status.PENDING_APPROVAL, refused=_("This offer is no longer open."),
                              apply=take, actor=by, action="scheduling.swap.accepted",
                              organization=swap.assignment.shift.organization)
        swap.taken_by, swap.taken_at = by, timezone.now()
        swap.save(update_fields=["taken_by", "taken_at", "updated_at"])
        return _complete_swap(swap=swap, by=by)


def swap_decide(*, by: User, swap: SwapRequest, approve: bool) -> SwapRequest:
    with transaction.atomic():
        _lock_swap_shift(swap)
        swap = SwapRequest.objects.select_for_update(of=("self",)).select_related(
            "assignment__shift__organization", "assignment__position", "taken_by").get(pk=swap.pk)
        require(can_decide_swap(by, swap), _("Only a coordinator of this organization can decide on swaps."))
        if swap.status != SwapRequest.Status.PENDING_APPROVAL:
            raise ApplicationError(_("This swap is not waiting for a decision."))
        if approve:
            swap.decided_by, swap.decided_at = by, timezone.now()
            return _complete_swap(swap=swap, by=by)

        def decide(row: SwapRequest) -> list[str]:
            row.decided_by, row.decided_at = by, timezone.now()
            return ["decided_by", "decided_at"]

        return transition(swap, from_states={SwapRequest.Status.PENDING_APPROVAL}, to_state=SwapRequest.Status.DECLINED,
                          refused=_("This swap is not waiting for a decision."), apply=decide, actor=by,
                          action="scheduling.swap.declined", organization=swap.assignment.shift.organization)


def swap_withdraw(*, by: User, swap: SwapRequest) -> SwapRequest:
    require(can_withdraw_swap(by, swap), _("Only the person who offered the shift can withdraw the offer."))
    # Under the swap's lock: a coordinator approving at this moment either commits first (the
    # handover stands and this is refused) or waits and finds the offer withdrawn.
    return transition(swap, from_states={SwapRequest.Status.OPEN, SwapRequest.Status.PENDING_APPROVAL},
                      to_state=SwapRequest.Status.WITHDRAWN, refused=_("This offer is closed."), actor=by,
                      action="scheduling.swap.withdrawn", organization=swap.assignment.shift.organization)
