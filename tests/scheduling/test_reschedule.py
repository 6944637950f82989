"""Rescheduling a shift: the times are checked (DST-safe), everyone on it is asked about again
through the eligibility engine, and on success they are told and their reminders re-keyed.
The clock is frozen at Monday 2 March 2026, 09:00 in Boston (conftest)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.core.audit import AuditEvent
from apps.core.errors import ApplicationError
from apps.notifications.models import Notification
from apps.scheduling import services
from apps.scheduling.models import Assignment, PositionRole, Shift, TimeOff
from apps.scheduling.reminders import shift_reminders_scan
from tests.factories import user_with_role
from tests.factories.scheduling import make_shift, place
from tests.factories.training import TrainingRecordFactory
from tests.scheduling.conftest import local

pytestmark = pytest.mark.django_db

WED = local(2026, 3, 4, 10)
THU = local(2026, 3, 5, 10)


@pytest.fixture
def crew(team, lead, responder):
    shift = make_shift(team=team, starts_at=WED)
    return shift, place(shift=shift, responder=lead, role=PositionRole.LEAD), place(shift=shift, responder=responder)


def _refused(**kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as refused:
        services.shift_reschedule(**kwargs)
    return refused.value


def _times(shift: Shift):
    shift.refresh_from_db()
    return shift.starts_at, shift.ends_at


def test_reschedule_moves_everyone_and_tells_them(crew, coordinator, lead, responder,
                                                  django_capture_on_commit_callbacks):
    shift, lead_assignment, responder_assignment = crew
    with django_capture_on_commit_callbacks(execute=True):
        services.shift_reschedule(by=coordinator, shift=shift, starts_at=THU, ends_at=THU + timedelta(hours=6),
                                  reason="Community meeting moved")
    assert _times(shift) == (THU, THU + timedelta(hours=6))
    for assignment in (lead_assignment, responder_assignment):
        assignment.refresh_from_db()
        assert (assignment.starts_at, assignment.ends_at, assignment.sequence) == (THU, THU + timedelta(hours=6), 1)
    event = AuditEvent.objects.get(action="scheduling.shift.rescheduled")
    assert event.before == {"starts_at": "2026-03-04T15:00:00+00:00", "ends_at": "2026-03-04T23:00:00+00:00"}
    assert event.after == {"starts_at": "2026-03-05T15:00:00+00:00", "ends_at": "2026-03-05T21:00:00+00:00",
                           "reason": "Community meeting moved",
                           "assignments": [lead_assignment.pk, responder_assignment.pk],
                           "overrides": {}, "override_reason": ""}
    told = Notification.objects.filter(kind="scheduling.assignment_changed", channel="in_app").order_by("id")
    assert [(n.recipient_user, n.dedupe_key) for n in told] == [
        (lead, f"shift-rescheduled:{lead_assignment.pk}:20260305T150000Z:20260305T210000Z"),
        (responder, f"shift-rescheduled:{responder_assignment.pk}:20260305T150000Z:20260305T210000Z")]
    assert told[0].subject == "Shift changed: Dorchester day, Thu March 5, 10:00"
    email = Notification.objects.get(kind="scheduling.assignment_changed", channel="email", recipient_user=lead)
    assert ("Your Dorchester day shift now runs from March 5, 2026, 10:00 AM to March 5, 2026, 4:00 PM."
            in email.body_text)
    assert ".." not in email.body_text  # a time ending the sentence once read "4 p.m.."
    assert "Reason: Community meeting moved" in email.body_text

    # Moving it again tells them again (a new key for the new times).
    services.shift_reschedule(by=coordinator, shift=shift, starts_at=WED, ends_at=WED + timedelta(hours=8),
                              reason="Back to Wednesday")
    assert Notification.objects.filter(kind="scheduling.assignment_changed", channel="in_app").count() == 4


def test_reminders_are_rekeyed_for_the_new_time(crew, coordinator, responder):
    shift, _, responder_assignment = crew
    old_key = f"shift-reminder-24h:{responder_assignment.pk}:{responder.pk}"
    with time_machine.travel(WED - timedelta(hours=24, minutes=5), tick=False):
        shift_reminders_scan(now=WED - timedelta(hours=24, minutes=5))
        assert Notification.objects.get(dedupe_key=old_key, channel="email").status == Notification.Status.QUEUED
        services.shift_reschedule(by=coordinator, shift=shift, starts_at=THU, ends_at=THU + timedelta(hours=8),
                                  reason="Moved a day")
    # The reminder for the old time will not go out (in-app ones are shown at once, nothing to stop)...
    assert Notification.objects.get(dedupe_key=old_key, channel="email").status == Notification.Status.CANCELLED
    # ...and the scanner queues the one for the new time under the new version's key.
    with time_machine.travel(THU - timedelta(hours=24, minutes=5), tick=False):
        shift_reminders_scan(now=THU - timedelta(hours=24, minutes=5))
    new = Notification.objects.get(dedupe_key=f"{old_key}:v1", channel="email")
    assert (new.status, new.scheduled_for) == (Notification.Status.QUEUED, THU - timedelta(hours=24))


def test_a_reminder_already_sent_does_not_block_the_new_one(crew, coordinator, responder):
    shift, _, responder_assignment = crew
    old_key = f"shift-reminder-24h:{responder_assignment.pk}:{responder.pk}"
    with time_machine.travel(WED - timedelta(hours=24), tick=False):
        shift_reminders_scan(now=WED - timedelta(hours=24))
        Notification.objects.filter(dedupe_key=old_key).update(status=Notification.Status.SENT)
        services.shift_reschedule(by=coordinator, shift=shift, starts_at=THU, ends_at=THU + timedelta(hours=8),
                                  reason="Moved a day")
    with time_machine.travel(THU - timedelta(hours=24), tick=False):
        # Email and in-app, for Lee and for Ray.
        assert shift_reminders_scan(now=THU - timedelta(hours=24)) == 4
    assert Notification.objects.filter(dedupe_key=f"{old_key}:v1").count() == 2


def test_reschedule_validates_the_times(team, coordinator, responder, outsider):
    shift = make_shift(team=team, starts_at=WED)
    base = {"by": coordinator, "shift": shift, "reason": "Moved"}
    assert (_refused(**base, starts_at=WED, ends_at=WED).field, ) == ("ends_at", )
    assert _refused(**base, starts_at=WED, ends_at=WED - timedelta(hours=1)).message == (
        "The shift must end after it starts.")
    too_long = _refused(**base, starts_at=WED, ends_at=WED + timedelta(hours=24, minutes=1))
    assert (too_long.field, too_long.message) == ("ends_at", "A shift lasts at most 24 hours.")
    past = _refused(**base, starts_at=local(2026, 3, 2, 8), ends_at=local(2026, 3, 2, 16))
    assert (past.field, past.message) == ("starts_at", "The new start is in the past.")
    same = _refused(**base, starts_at=WED, ends_at=WED + timedelta(hours=8))
    assert (same.field, same.message) == ("starts_at", "These are the shift's current times.")
    blank = _refused(by=coordinator, shift=shift, reason="  ", starts_at=THU, ends_at=THU + timedelta(hours=8))
    assert blank.field == "reason"
    assert _refused(by=coordinator, shift=shift, reason="x", starts_at=THU, ends_at=THU + timedelta(hours=8),
                    overrides=["overlap"], override_reason="no").code == "not_overridable"
    assert _refused(by=coordinator, shift=shift, reason="x", starts_at=THU, ends_at=THU + timedelta(hours=8),
                    overrides=["rest"]).field == "override_reason"
    for stranger in (responder, outsider):
        assert _refused(by=stranger, shift=shift, reason="x", starts_at=THU,
                        ends_at=THU + timedelta(hours=8)).code == "forbidden"
    services.shift_cancel(by=coordinator, shift=shift, reason="Storm")
    assert _refused(**base, starts_at=THU, ends_at=THU + timedelta(hours=8)).message == (
        "A cancelled shift cannot be rescheduled.")
    shift.refresh_from_db()
    assert (shift.starts_at, AuditEvent.objects.filter(action="scheduling.shift.rescheduled").count()) == (WED, 0)


def test_a_started_shift_can_only_change_its_end(crew, coordinator):
    shift, lead_assignment, _ = crew
    with time_machine.travel(WED + timedelta(hours=2), tick=False):
        moved = _refused(by=coordinator, shift=shift, reason="x", starts_at=WED + timedelta(hours=1),
                         ends_at=WED + timedelta(hours=9))
        assert (moved.field, moved.message) == ("starts_at", "The shift has started; only its end can change.")
        ended = _refused(by=coordinator, shift=shift, reason="x", starts_at=WED, ends_at=WED + timedelta(hours=1))
        assert (ended.field, ended.message) == ("ends_at", "The new end is in the past.")
        services.shift_reschedule(by=coordinator, shift=shift, starts_at=WED, ends_at=WED + timedelta(hours=10),
                                  reason="Busy night, staying on")
    assert _times(shift) == (WED, WED + timedelta(hours=10))
    lead_assignment.refresh_from_db()
    assert lead_assignment.ends_at == WED + timedelta(hours=10)
    with time_machine.travel(WED + timedelta(hours=11), tick=False):
        assert _refused(by=coordinator, shift=shift, reason="x", starts_at=WED,
                        ends_at=WED + timedelta(hours=12)).message == "The shift is over; it cannot be rescheduled."


def test_daylight_saving_lengths_are_real_hours(team, coordinator):
    # 1 November 2026: 01:00–02:00 happens twice. 00:00 EDT to 23:30 EST is 24.5 real hours.
    fall = make_shift(team=team, starts_at=local(2026, 10, 30, 10))
    too_long = _refused(by=coordinator, shift=fall, reason="x", starts_at=local(2026, 11, 1, 0),
                        ends_at=local(2026, 11, 1, 23, 30))
    assert too_long.message == "A shift lasts at most 24 hours."
    # 8 March 2026: 02:00–03:00 never happens. 00:00 EST to 00:30 EDT the next day is 23.5 real hours.
    spring = make_shift(team=team, starts_at=local(2026, 3, 6, 10))
    services.shift_reschedule(by=coordinator, shift=spring, starts_at=local(2026, 3, 8, 0),
                              ends_at=local(2026, 3, 9, 0, 30), reason="Overnight cover")
    spring.refresh_from_db()
    assert (spring.starts_at, spring.ends_at, spring.hours) == (
        datetime(2026, 3, 8, 5, tzinfo=UTC), datetime(2026, 3, 9, 4, 30, tzinfo=UTC), 23.5)


def test_nobody_is_moved_into_a_rule_they_break(crew, coordinator, org, responder, lead, other_team):
    shift, lead_assignment, responder_assignment = crew
    TimeOff.objects.create(responder=responder, organization=org, starts_at=THU, ends_at=THU + timedelta(days=1),
                           status=TimeOff.Status.APPROVED)
    # Lee works Thursday night elsewhere in the program: the exclusion constraint's rule, overlap.
    other = make_shift(team=other_team, starts_at=THU + timedelta(hours=4))
    Assignment.objects.create(position=other.positions.get(role="lead"), shift=other, responder=lead,
                              starts_at=other.starts_at, ends_at=other.ends_at)
    refused = _refused(by=coordinator, shift=shift, reason="Moved", starts_at=THU, ends_at=THU + timedelta(hours=8))
    assert refused.message == (
        "At the new times, these people could no longer work the shift: "
        "Lee Lead: Already assigned to another shift at this time. "
        "Ray Sponder: Approved time off overlaps the shift. "
        "Some of these rules can never be overridden.")
    assert (refused.field, refused.code) == ("starts_at", "not_eligible")
    assert _times(shift) == (WED, WED + timedelta(hours=8))
    responder_assignment.refresh_from_db()
    assert (responder_assignment.starts_at, responder_assignment.sequence) == (WED, 0)
    assert Notification.objects.filter(kind="scheduling.assignment_changed").count() == 0


def test_training_must_clear_them_through_the_new_end(team, coordinator, org, cpr):
    nia = user_with_role(Role.RESPONDER, org, email="nia@example.org", full_name="Nia Expiring")
    TrainingRecordFactory(responder=nia, organization=org, course=cpr, completed_on=date(2024, 3, 1),
                          expires_on=date(2026, 3, 10))
    shift = make_shift(team=team, starts_at=WED)
    place(shift=shift, responder=nia)
    later = local(2026, 3, 11, 10)
    refused = _refused(by=coordinator, shift=shift, reason="x", starts_at=later, ends_at=later + timedelta(hours=8))
    assert (refused.code, refused.message.split(": ")[1]) == (
        "not_ready", "Nia Expiring")
    assert "Training does not clear this person through the end of the shift." in refused.message
    assert "could no longer work the shift" in refused.message


def test_rest_may_be_overridden_with_a_written_reason(crew, coordinator, responder, team):
    shift, _, responder_assignment = crew
    # Ray also works Thursday 02:00–06:00: a Wednesday shift moved to end at 22:00 leaves 4 hours' rest.
    early = make_shift(team=team, starts_at=local(2026, 3, 5, 2), hours=4)
    place(shift=early, responder=responder)
    new_start, new_end = local(2026, 3, 4, 14), local(2026, 3, 4, 22)
    refused = _refused(by=coordinator, shift=shift, reason="Later start", starts_at=new_start, ends_at=new_end)
    assert (refused.code, refused.message) == ("rest", (
        "At the new times, these people could no longer work the shift: "
        "Ray Sponder: Less than 10 hours of rest between shifts. "
        "A coordinator may override these rules with a written reason."))
    services.shift_reschedule(by=coordinator, shift=shift, reason="Later start", starts_at=new_start,
                              ends_at=new_end, overrides=["rest"], override_reason="Ray asked for it")
    responder_assignment.refresh_from_db()
    assert (responder_assignment.starts_at, responder_assignment.overrides,
            responder_assignment.override_reason) == (new_start, ["rest"], "Ray asked for it")
    event = AuditEvent.objects.get(action="scheduling.shift.rescheduled")
    assert (event.after["overrides"], event.after["override_reason"]) == (
        {str(responder_assignment.pk): ["rest"]}, "Ray asked for it")


def test_api_reschedule(crew, coordinator, responder, outsider):
    shift, _, _ = crew
    url = f"/api/v1/scheduling/shifts/{shift.pk}/reschedule/"
    api = APIClient()
    body = {"starts_at": "2026-03-05T10:00:00-05:00", "ends_at": "2026-03-05T18:00:00-05:00",
            "reason": "Moved a day"}
    api.force_authenticate(outsider)
    assert api.post(url, body, format="json").status_code == 404
    api.force_authenticate(responder)
    assert api.post(url, body, format="json").status_code == 403
    api.force_authenticate(coordinator)
    bad = api.post(url, {**body, "ends_at": "2026-03-05T09:00:00-05:00"}, format="json")
    assert (bad.status_code, bad.json()["errors"]) == (400, {"ends_at": ["The shift must end after it starts."]})
    assert api.post(url, {"starts_at": "soon"}, format="json").status_code == 400
    TimeOff.objects.create(responder=responder, organization=shift.organization, starts_at=THU,
                           ends_at=THU + timedelta(hours=1), status=TimeOff.Status.APPROVED)
    refused = api.post(url, body, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "time_off")
    assert "Ray Sponder: Approved time off overlaps the shift." in refused.json()["detail"]
    TimeOff.objects.all().delete()
    done = api.post(url, body, format="json")
    assert (done.status_code, done.json()["starts_at"], done.json()["ends_at"]) == (
        200, "2026-03-05T10:00:00-05:00", "2026-03-05T18:00:00-05:00")


def test_page_reschedule(client, crew, coordinator, responder):
    shift, _, _ = crew
    detail = reverse("scheduling:shift-detail", args=[shift.pk])
    url = reverse("scheduling:shift-reschedule", args=[shift.pk])
    client.force_login(responder)
    assert 'id="reschedule-heading"' not in client.get(detail).content.decode()
    assert client.post(url, {}).status_code == 403
    client.force_login(coordinator)
    page = client.get(detail).content.decode()
    assert 'value="2026-03-04T10:00"' in page and 'id="reschedule-heading"' in page
    wrong = client.post(url, {"starts_at": "2026-03-05T10:00", "ends_at": "2026-03-05T09:00", "reason": "x"})
    assert wrong.status_code == 400
    assert "The shift must end after it starts." in wrong.content.decode()
    done = client.post(url, {"starts_at": "2026-03-05T10:00", "ends_at": "2026-03-05T18:00", "reason": "x"})
    assert (done.status_code, done["Location"]) == (302, detail)
    assert _times(shift) == (THU, THU + timedelta(hours=8))


def test_a_template_shift_cannot_land_on_its_sibling(team, coordinator):
    from datetime import time

    template = services.shift_template_create(by=coordinator, team=team, name="Days", start_time=time(10),
                                              end_time=time(18), weekdays=[2, 3])
    wednesday, thursday = services.shift_template_generate(by=coordinator, template=template, start=date(2026, 3, 4),
                                                           end=date(2026, 3, 5))
    refused = _refused(by=coordinator, shift=wednesday, reason="x", starts_at=thursday.starts_at,
                       ends_at=thursday.ends_at)
    assert (refused.field, refused.message) == ("starts_at", "Another shift of the same template already starts at "
                                                             "that time.")
    assert _times(wednesday) == (WED, WED + timedelta(hours=8))
