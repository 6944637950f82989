"""State changes racing each other, on PostgreSQL: every transition locks its row and re-reads it.

Each racer is handed its own copy of the object, read before the race as a view reads it. A third
connection holds the row's lock while the racers start, one after the other, so they queue behind it
in a known order; letting it go lets them run. The first in the queue commits; the second must see
what it committed, not the copy it was handed.
"""

from datetime import timedelta

import pytest

from apps.core.errors import ApplicationError
from apps.core.models import AuditEvent
from apps.scheduling import services
from apps.scheduling.models import Assignment, SwapRequest, TimeOff
from tests.factories.scheduling import make_shift, place
from tests.scheduling.conftest import NOW, local
from tests.support.races import queue_behind_a_lock, two_copies

WED = local(2026, 3, 4, 10)


def _events(action: str, target) -> int:
    return AuditEvent.objects.filter(action=action, target_id=str(target.pk)).count()


@pytest.fixture
def pending_swap(team, responder, peer):
    original = place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    swap = services.swap_accept(by=peer, swap=services.swap_offer(by=responder, assignment=original))
    assert swap.status == SwapRequest.Status.PENDING_APPROVAL
    return swap


# --- swap: withdraw against approve ---------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_swap_withdraw_after_a_concurrent_approval_is_refused(pending_swap, coordinator, responder, peer):
    approving, withdrawing = two_copies(pending_swap)

    approve, withdraw = queue_behind_a_lock(
        SwapRequest, pending_swap.pk,
        lambda: services.swap_decide(by=coordinator, swap=approving, approve=True),
        lambda: services.swap_withdraw(by=responder, swap=withdrawing))

    assert approve.error is None
    assert (type(withdraw.error), withdraw.error.message) == (ApplicationError, "This offer is closed.")
    swap = SwapRequest.objects.get(pk=pending_swap.pk)
    # The handover stands: the swap is not turned withdrawn under the assignment it created.
    assert (swap.status, swap.new_assignment.responder, swap.new_assignment.status) == ("approved", peer, "assigned")
    assert Assignment.objects.get(pk=pending_swap.assignment_id).status == "cancelled"
    assert (_events("scheduling.swap.completed", swap), _events("scheduling.swap.withdrawn", swap)) == (1, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_swap_approve_after_a_concurrent_withdrawal_is_refused(pending_swap, coordinator, responder, peer):
    withdrawing, approving = two_copies(pending_swap)

    withdraw, approve = queue_behind_a_lock(
        SwapRequest, pending_swap.pk,
        lambda: services.swap_withdraw(by=responder, swap=withdrawing),
        lambda: services.swap_decide(by=coordinator, swap=approving, approve=True))

    assert withdraw.error is None
    assert (type(approve.error), approve.error.message) == (ApplicationError,
                                                           "This swap is not waiting for a decision.")
    swap = SwapRequest.objects.get(pk=pending_swap.pk)
    assert (swap.status, swap.new_assignment) == ("withdrawn", None)
    assert Assignment.objects.get(pk=pending_swap.assignment_id).status == "assigned"
    assert not Assignment.objects.filter(responder=peer).exists()
    assert (_events("scheduling.swap.completed", swap), _events("scheduling.swap.withdrawn", swap)) == (0, 1)


# --- time off: decide against withdraw ------------------------------------------------------------------

@pytest.fixture
def pending_time_off(org, responder):
    return services.time_off_request(by=responder, organization=org, starts_at=WED, ends_at=WED + timedelta(days=1))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_time_off_approval_after_a_concurrent_withdrawal_is_refused(pending_time_off, coordinator, responder):
    withdrawing, deciding = two_copies(pending_time_off)

    withdraw, decide = queue_behind_a_lock(
        TimeOff, pending_time_off.pk,
        lambda: services.time_off_withdraw(by=responder, time_off=withdrawing),
        lambda: services.time_off_decide(by=coordinator, time_off=deciding, approve=True))

    assert withdraw.error is None
    assert (type(decide.error), decide.error.message) == (ApplicationError, "This request has already been decided.")
    row = TimeOff.objects.get(pk=pending_time_off.pk)
    # A withdrawn request is not approved behind the responder's back, and they are not told it was.
    assert (row.status, row.decided_by) == ("withdrawn", None)
    assert (_events("scheduling.time_off.withdrawn", row), _events("scheduling.time_off.approved", row)) == (1, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_time_off_withdrawal_after_a_concurrent_denial_is_refused(pending_time_off, coordinator, responder):
    deciding, withdrawing = two_copies(pending_time_off)

    decide, withdraw = queue_behind_a_lock(
        TimeOff, pending_time_off.pk,
        lambda: services.time_off_decide(by=coordinator, time_off=deciding, approve=False, note="Short-staffed"),
        lambda: services.time_off_withdraw(by=responder, time_off=withdrawing))

    assert decide.error is None
    assert (type(withdraw.error), withdraw.error.message) == (ApplicationError, "This request is closed.")
    row = TimeOff.objects.get(pk=pending_time_off.pk)
    assert (row.status, row.decided_by, row.decision_note) == ("denied", coordinator, "Short-staffed")
    assert (_events("scheduling.time_off.denied", row), _events("scheduling.time_off.withdrawn", row)) == (1, 0)


# --- check-in: twice at once ----------------------------------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_check_ins_record_one(team, responder, coordinator):
    assignment = place(shift=make_shift(team=team, starts_at=NOW + timedelta(minutes=30)), responder=responder)
    first_at, second_at = NOW, NOW + timedelta(minutes=1)
    phone, desk = two_copies(assignment)

    first, second = queue_behind_a_lock(
        Assignment, assignment.pk,
        lambda: services.assignment_check_in(by=responder, assignment=phone, at=first_at),
        lambda: services.assignment_check_in(by=coordinator, assignment=desk, at=second_at))

    assert first.error is None
    assert (type(second.error), second.error.message) == (ApplicationError,
                                                         "Only an assigned shift can be checked into.")
    assignment.refresh_from_db()
    assert (assignment.status, assignment.checked_in_at) == ("checked_in", first_at)
    assert _events("scheduling.assignment.checked_in", assignment) == 1


# --- the shift's lock first: a sign-up against a cancel, a cancel against an approval ------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_sign_up_queued_behind_a_shift_cancel_is_refused(team, coordinator, peer):
    from apps.scheduling.models import Position, Shift

    shift = make_shift(team=team, starts_at=WED)
    open_place = Position.objects.get(shift=shift, role="responder")
    cancelling = Shift.objects.get(pk=shift.pk)

    cancel, sign_up = queue_behind_a_lock(
        Shift, shift.pk,
        lambda: services.shift_cancel(by=coordinator, shift=cancelling, reason="Storm"),
        lambda: services.assignment_sign_up(by=peer, position=open_place))

    assert cancel.error is None
    # The sign-up waited for the cancel and read the shift it committed: no place on a cancelled shift.
    assert (type(sign_up.error), sign_up.error.message) == (ApplicationError, "This shift is not open for sign-up.")
    assert Shift.objects.get(pk=shift.pk).status == "cancelled"
    assert not Assignment.objects.filter(shift=shift).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_cancelling_an_offered_assignment_while_its_swap_is_approved_never_deadlocks(pending_swap, coordinator,
                                                                                     responder, peer):
    from apps.scheduling.models import Shift

    offered = Assignment.objects.get(pk=pending_swap.assignment_id)
    approving = SwapRequest.objects.get(pk=pending_swap.pk)

    cancel, approve = queue_behind_a_lock(
        Shift, offered.shift_id,
        lambda: services.assignment_cancel(by=responder, assignment=offered, reason="Sick"),
        lambda: services.swap_decide(by=coordinator, swap=approving, approve=True))

    # Both took the shift's lock first, so they ran one after the other: the cancel, then the
    # approval, which finds the offer withdrawn with the assignment (no deadlock error, no 500).
    assert cancel.error is None
    assert (type(approve.error), approve.error.message) == (ApplicationError,
                                                           "This swap is not waiting for a decision.")
    assert SwapRequest.objects.get(pk=pending_swap.pk).status == "withdrawn"
    assert Assignment.objects.get(pk=offered.pk).status == "cancelled"
    assert not Assignment.objects.filter(responder=peer).exists()
