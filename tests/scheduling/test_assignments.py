"""Assignments through the services: coordinator assignment, sign-up, cancel, swaps, check-in,
time off, timesheets, and the notifications they send."""

from datetime import date, timedelta

import pytest
import time_machine

from apps.accounts.roles import Role
from apps.core.errors import ApplicationError
from apps.core.models import AuditEvent
from apps.notifications.models import Notification
from apps.scheduling import selectors, services
from apps.scheduling.models import Assignment, PositionRole, SchedulingPolicy, Shift, SwapRequest, TimeOff
from apps.scheduling.reminders import shift_reminders_scan
from tests.factories import user_with_role
from tests.factories.scheduling import make_shift, place, position
from tests.scheduling.conftest import NOW, local

pytestmark = pytest.mark.django_db

WED = local(2026, 3, 4, 10)


def test_coordinator_assigns_and_the_responder_is_told(team, coordinator, responder,
                                                       django_capture_on_commit_callbacks):
    shift = make_shift(team=team, starts_at=WED)
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.assignment_create(by=coordinator, position=position(shift), responder=responder)
    assert (assignment.status, assignment.source, assignment.starts_at, assignment.ends_at) == (
        "assigned", "coordinator", shift.starts_at, shift.ends_at)
    sent = Notification.objects.filter(kind="scheduling.assignment_made", recipient_user=responder)
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "in_app"]
    assert sent.get(channel="in_app").subject == "Shift assigned: Dorchester day, Wed March 4, 10:00"


def test_responder_signs_up_only_for_published_shifts(team, responder):
    draft = make_shift(team=team, starts_at=WED, status=Shift.Status.DRAFT)
    with pytest.raises(ApplicationError) as refused:
        services.assignment_sign_up(by=responder, position=position(draft))
    assert refused.value.code == "shift_not_published"
    published = make_shift(team=team, starts_at=WED + timedelta(days=2))
    assignment = services.assignment_sign_up(by=responder, position=position(published))
    assert (assignment.source, assignment.assigned_by) == ("sign_up", responder)


def test_sign_up_refused_with_the_engine_reason(team, responder, peer):
    shift = make_shift(team=team, starts_at=WED)
    place(shift=shift, responder=peer)
    with pytest.raises(ApplicationError) as refused:
        services.assignment_sign_up(by=responder, position=position(shift))
    assert (refused.value.code, refused.value.message) == ("position_full", "Every place of this position is taken.")


def test_sign_up_for_another_organization_is_refused(team, outsider_responder):
    shift = make_shift(team=team, starts_at=WED)
    with pytest.raises(ApplicationError) as refused:
        services.assignment_sign_up(by=outsider_responder, position=position(shift))
    assert refused.value.code == "forbidden"


def test_cancel_frees_the_place_and_cancels_queued_reminders(team, coordinator, responder, peer):
    shift = make_shift(team=team, starts_at=NOW + timedelta(hours=24, minutes=5))
    assignment = services.assignment_create(by=coordinator, position=position(shift), responder=responder)
    assert shift_reminders_scan(now=NOW) == 2  # email + in-app, e-mail queued for 24 h before
    queued = Notification.objects.get(dedupe_key=f"shift-reminder-24h:{assignment.pk}:{responder.pk}",
                                      channel="email")
    assert (queued.status, queued.scheduled_for) == ("queued", shift.starts_at - timedelta(hours=24))

    services.assignment_cancel(by=responder, assignment=assignment, reason="Sick")
    assignment.refresh_from_db()
    queued.refresh_from_db()
    assert (assignment.status, assignment.cancel_reason, assignment.sequence) == ("cancelled", "Sick", 1)
    assert queued.status == "cancelled"
    assert services.assignment_sign_up(by=peer, position=position(shift)).responder == peer
    assert Notification.objects.filter(kind="scheduling.assignment_cancelled", recipient_user=responder).count() == 2


def test_cancelling_the_shift_cancels_its_assignments(team, coordinator, responder, lead):
    shift = make_shift(team=team, starts_at=WED)
    a = place(shift=shift, responder=responder)
    b = place(shift=shift, responder=lead, role=PositionRole.LEAD)
    with pytest.raises(ApplicationError):
        services.shift_cancel(by=coordinator, shift=shift, reason=" ")
    services.shift_cancel(by=coordinator, shift=shift, reason="Storm warning")
    assert sorted(Assignment.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) == [
        "cancelled", "cancelled"]
    assert Notification.objects.filter(kind="scheduling.assignment_cancelled", channel="in_app").count() == 2


# --- swaps ---------------------------------------------------------------------------------------------

def test_swap_with_coordinator_approval(team, coordinator, responder, peer, django_capture_on_commit_callbacks):
    shift = make_shift(team=team, starts_at=WED)
    original = place(shift=shift, responder=responder)
    busy = user_with_role(Role.RESPONDER, team.organization)  # not trained: not told about the offer
    swap = services.swap_offer(by=responder, assignment=original, note="Family event")
    offers = Notification.objects.filter(kind="scheduling.swap_offered", channel="in_app")
    assert [(n.recipient_user, n.subject) for n in offers] == [
        (peer, "Ray Sponder offers a shift: Wed March 4, 10:00")]
    assert busy.pk not in offers.values_list("recipient_user", flat=True)
    swap = services.swap_accept(by=peer, swap=swap)
    assert (swap.status, swap.taken_by) == ("pending_approval", peer)
    assert Assignment.objects.get(pk=original.pk).status == "assigned"

    with django_capture_on_commit_callbacks(execute=True):
        swap = services.swap_decide(by=coordinator, swap=swap, approve=True)
    original.refresh_from_db()
    assert (swap.status, original.status, swap.new_assignment.responder, swap.new_assignment.source) == (
        "approved", "cancelled", peer, "swap")
    assert Notification.objects.filter(kind="scheduling.assignment_changed", recipient_user=responder,
                                       channel="in_app").count() == 1
    assert Notification.objects.filter(kind="scheduling.assignment_made", recipient_user=peer,
                                       channel="in_app").count() == 1


def test_a_swap_handover_is_audited_on_the_place_given_away_and_does_not_tell_of_a_cancellation(
        team, coordinator, responder, peer):
    original = place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    swap = services.swap_accept(by=peer, swap=services.swap_offer(by=responder, assignment=original))

    services.swap_decide(by=coordinator, swap=swap, approve=True)

    handed = AuditEvent.objects.get(action="scheduling.assignment.handed_over", target_id=str(original.pk))
    assert (handed.actor, handed.after) == (coordinator, {"reason": "Handed over in a swap"})
    # the offer it was handed over by is approved, not withdrawn with the place
    assert SwapRequest.objects.get(pk=swap.pk).status == "approved"
    assert not AuditEvent.objects.filter(action="scheduling.swap.withdrawn").exists()
    assert not Notification.objects.filter(kind="scheduling.assignment_cancelled").exists()


def test_dropping_an_offered_shift_withdraws_the_offer_and_audits_it(team, responder, peer):
    original = place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    offered = services.swap_offer(by=responder, assignment=original)

    services.assignment_cancel(by=responder, assignment=original, reason="Moving away")

    assert SwapRequest.objects.get(pk=offered.pk).status == "withdrawn"
    withdrawn = AuditEvent.objects.get(action="scheduling.swap.withdrawn", target_id=str(offered.pk))
    assert (withdrawn.actor, withdrawn.after) == (responder, {"reason": "Moving away"})
    with pytest.raises(ApplicationError, match="This offer is no longer open."):
        services.swap_accept(by=peer, swap=offered)


def test_swap_without_approval_completes_on_accept(team, org, responder, peer):
    SchedulingPolicy.objects.create(organization=org, swap_requires_approval=False)
    original = place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    swap = services.swap_accept(by=peer, swap=services.swap_offer(by=responder, assignment=original))
    assert (swap.status, swap.new_assignment.responder) == ("approved", peer)


def test_swap_that_would_break_a_rule_is_refused(team, coordinator, responder, peer):
    shift = make_shift(team=team, starts_at=WED)
    original = place(shift=shift, responder=responder)
    place(shift=make_shift(team=team, starts_at=WED + timedelta(hours=3)), responder=peer)
    swap = services.swap_offer(by=responder, assignment=original)
    with pytest.raises(ApplicationError) as refused:
        services.swap_accept(by=peer, swap=swap)
    assert refused.value.code == "overlap"
    assert SwapRequest.objects.get(pk=swap.pk).status == "open"


def test_swap_rechecked_at_approval(team, org, coordinator, responder, peer):
    original = place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    swap = services.swap_accept(by=peer, swap=services.swap_offer(by=responder, assignment=original))
    TimeOff.objects.create(responder=peer, organization=org, starts_at=WED, ends_at=WED + timedelta(hours=2),
                           status=TimeOff.Status.APPROVED)
    with pytest.raises(ApplicationError) as refused:
        services.swap_decide(by=coordinator, swap=swap, approve=True)
    assert refused.value.code == "time_off"
    original.refresh_from_db()
    assert original.status == "assigned"


def test_swap_taker_cannot_be_the_offerer_or_an_outsider(team, responder, outsider_responder):
    swap = services.swap_offer(by=responder, assignment=place(shift=make_shift(team=team, starts_at=WED),
                                                              responder=responder))
    for person in (responder, outsider_responder):
        with pytest.raises(ApplicationError):
            services.swap_accept(by=person, swap=swap)


# --- on the day, timesheets ---------------------------------------------------------------------------

def test_check_in_out_and_timesheet_with_nights_and_weekends(team, org, coordinator, responder, peer):
    saturday_night = make_shift(team=team, starts_at=local(2026, 3, 7, 18))  # Sat 18:00 → Sun 02:00
    a = place(shift=saturday_night, responder=responder)
    with pytest.raises(ApplicationError):
        services.assignment_check_in(by=responder, assignment=a)  # two days early
    with time_machine.travel(local(2026, 3, 7, 17, 55), tick=False):
        services.assignment_check_in(by=responder, assignment=a)
    services.assignment_check_out(by=coordinator, assignment=a, at=local(2026, 3, 8, 3, 30))
    a.refresh_from_db()
    assert (a.status, a.worked_hours) == ("completed", 8 + 35 / 60)

    missed = place(shift=make_shift(team=team, starts_at=local(2026, 3, 3, 10)), responder=peer)
    with time_machine.travel(local(2026, 3, 3, 11), tick=False):
        services.assignment_mark_no_show(by=coordinator, assignment=missed)

    rows = selectors.timesheet(organization=org, start=date(2026, 3, 1), end=date(2026, 3, 31))
    by_person = {r.responder.email: r for r in rows}
    ray = by_person["ray@example.org"]
    # 17:55 EST to 03:30 EDT is 8 h 35 min (the clock skips 02:00–03:00); 22:00–03:30 is 4.5 h of night.
    assert (ray.shifts, round(ray.hours, 4), round(ray.night_hours, 4), round(ray.weekend_hours, 4),
            ray.no_shows) == (1, round(8 + 35 / 60, 4), round(4.5, 4), round(8 + 35 / 60, 4), 0)
    assert (by_person["pat@example.org"].shifts, by_person["pat@example.org"].no_shows) == (0, 1)
    csv_text = selectors.timesheet_csv(rows, start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert csv_text.splitlines()[0] == ("period_start,period_end,responder_email,responder_name,shifts,hours,"
                                        "night_hours,weekend_hours,no_shows")
    assert "2026-03-01,2026-03-31,ray@example.org,Ray Sponder,1,8.58,4.50,8.58,0" in csv_text.splitlines()


def test_csv_neutralises_formulas(org):
    from apps.scheduling.selectors import TimesheetRow
    from tests.factories import UserFactory

    row = TimesheetRow(responder=UserFactory(full_name="=HYPERLINK(1)", email="x@example.org"))
    line = selectors.timesheet_csv([row], start=date(2026, 3, 1), end=date(2026, 3, 31)).splitlines()[1]
    assert line == "2026-03-01,2026-03-31,x@example.org,'=HYPERLINK(1),0,0.00,0.00,0.00,0"


# --- time off ------------------------------------------------------------------------------------------

def test_time_off_request_and_decision(org, coordinator, responder, peer):
    row = services.time_off_request(by=responder, organization=org, starts_at=WED, ends_at=WED + timedelta(days=1),
                                    reason="Appointment")
    with pytest.raises(ApplicationError):
        services.time_off_decide(by=peer, time_off=row, approve=True)
    services.time_off_decide(by=coordinator, time_off=row, approve=True, note="Enjoy")
    row.refresh_from_db()
    assert (row.status, row.decided_by, row.decision_note) == ("approved", coordinator, "Enjoy")
    assert Notification.objects.filter(kind="scheduling.time_off_decided", recipient_user=responder,
                                       channel="in_app").get().subject == "Time off approved"
    with pytest.raises(ApplicationError):
        services.time_off_decide(by=coordinator, time_off=row, approve=False)
