"""A shift keeps working after it has ended: its pages and the API answer, and what it refuses says why."""

from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.scheduling.models import PositionRole, Shift
from tests.factories.scheduling import make_shift, place, position
from tests.scheduling.conftest import NOW

pytestmark = pytest.mark.django_db

LAST_WEEK = NOW - timedelta(days=7)


@pytest.mark.parametrize("status", [Shift.Status.PUBLISHED, Shift.Status.DRAFT, Shift.Status.CANCELLED])
def test_the_coordinators_page_of_an_ended_shift_answers(client, team, coordinator, responder, status):
    shift = make_shift(team=team, starts_at=LAST_WEEK, status=status)
    position(shift)
    position(shift, PositionRole.LEAD)
    if status == Shift.Status.PUBLISHED:
        place(shift=shift, responder=responder)
    client.force_login(coordinator)
    response = client.get(reverse("scheduling:shift-detail", args=[shift.pk]))
    assert response.status_code == 200
    assert shift.team.name in response.content.decode()


def test_eligibility_for_an_ended_shift_explains_instead_of_failing(team, coordinator, responder):
    shift = make_shift(team=team, starts_at=LAST_WEEK)
    pos = position(shift)
    api = APIClient()
    api.force_authenticate(responder)
    response = api.get(f"/api/v1/scheduling/eligibility/?position={pos.pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["allowed"], "shift_started" in body["reason_codes"]) == (False, True)
    api.force_authenticate(coordinator)
    response = api.get(f"/api/v1/scheduling/eligibility/?position={pos.pk}&user={responder.pk}")
    assert (response.status_code, response.json()["allowed"]) == (200, False)


def test_signing_up_for_an_ended_shift_is_refused_with_a_message(client, team, responder):
    shift = make_shift(team=team, starts_at=LAST_WEEK)
    pos = position(shift)
    client.force_login(responder)
    response = client.post(reverse("scheduling:position-sign-up", args=[pos.pk]), follow=True)
    assert response.status_code == 200
    assert "already started" in response.content.decode()
    assert not pos.assignments.exists()


def test_the_coordinator_records_hours_for_someone_who_forgot_to_check_in(client, team, coordinator, responder):
    from apps.core.models import AuditEvent
    from apps.scheduling.models import Assignment

    shift = make_shift(team=team, starts_at=LAST_WEEK)
    assignment = place(shift=shift, responder=responder)
    client.force_login(coordinator)
    page = client.get(reverse("scheduling:shift-detail", args=[shift.pk])).content.decode()
    assert "Hours worked" in page and "Record hours" in page
    assert "Move the shift" not in page and "Cancel the shift" not in page and ">Check in<" not in page

    url = reverse("scheduling:assignment-hours", args=[assignment.pk])
    start, end = shift.starts_at + timedelta(minutes=10), shift.ends_at - timedelta(minutes=30)
    fmt = "%Y-%m-%dT%H:%M"
    from django.utils import timezone

    def post(**values):
        prefix = f"h{assignment.pk}"
        data = {f"{prefix}-checked_in_at": timezone.localtime(values.get("start", start)).strftime(fmt),
                f"{prefix}-checked_out_at": timezone.localtime(values.get("end", end)).strftime(fmt),
                f"{prefix}-reason": values.get("reason", "Phone died; confirmed with the lead")}
        return client.post(url, data)

    response = post(end=start - timedelta(hours=1))
    assert response.status_code == 400 and "The end must be after the start." in response.content.decode()
    response = post(start=shift.starts_at - timedelta(hours=3))
    assert "an hour before the shift" in response.content.decode()
    assert post(reason="").status_code == 400
    assignment.refresh_from_db()
    assert (assignment.status, assignment.checked_in_at) == (Assignment.Status.ASSIGNED, None)

    response = post()
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.status, assignment.checked_in_at, assignment.checked_out_at) == (
        Assignment.Status.COMPLETED, start, end)
    event = AuditEvent.objects.get(action="scheduling.assignment.hours_recorded")
    assert (event.before["status"], event.after["reason"]) == ("assigned", "Phone died; confirmed with the lead")


def test_hours_are_not_recorded_for_a_shift_to_come_nor_by_the_responder(team, coordinator, responder):
    from apps.core.errors import ApplicationError
    from apps.scheduling import services

    upcoming = place(shift=make_shift(team=team, starts_at=NOW + timedelta(days=2)), responder=responder)
    with pytest.raises(ApplicationError, match="not started"):
        services.assignment_record_hours(by=coordinator, assignment=upcoming, reason="x",
                                         checked_in_at=NOW - timedelta(hours=2),
                                         checked_out_at=NOW - timedelta(hours=1))
    past = place(shift=make_shift(team=team, starts_at=LAST_WEEK), responder=responder)
    with pytest.raises(ApplicationError, match="Only a coordinator"):
        services.assignment_record_hours(by=responder, assignment=past, reason="x",
                                         checked_in_at=LAST_WEEK, checked_out_at=LAST_WEEK + timedelta(hours=8))


def test_checking_out_days_later_is_refused_and_an_ended_shift_cannot_be_cancelled(team, coordinator, responder):
    import time_machine

    from apps.core.errors import ApplicationError
    from apps.scheduling import services
    from apps.scheduling.models import Assignment

    shift = make_shift(team=team, starts_at=LAST_WEEK)
    assignment = place(shift=shift, responder=responder, status=Assignment.Status.CHECKED_IN,
                       checked_in_at=shift.starts_at)
    with pytest.raises(ApplicationError, match="four hours ago"):
        services.assignment_check_out(by=responder, assignment=assignment)
    with time_machine.travel(shift.ends_at + timedelta(hours=1), tick=False):  # a call that ran late
        services.assignment_check_out(by=responder, assignment=assignment)
        assignment.refresh_from_db()
        assert assignment.checked_out_at == shift.ends_at + timedelta(hours=1)
    with pytest.raises(ApplicationError, match="The shift is over"):
        services.shift_cancel(by=coordinator, shift=shift, reason="Snow")


def test_the_api_records_hours_with_field_errors(team, coordinator, responder):
    shift = make_shift(team=team, starts_at=LAST_WEEK)
    assignment = place(shift=shift, responder=responder)
    api = APIClient()
    api.force_authenticate(coordinator)
    url = f"/api/v1/scheduling/assignments/{assignment.pk}/hours/"
    response = api.post(url, {"checked_in_at": shift.starts_at.isoformat()}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"checked_out_at", "reason"}
    response = api.post(url, {"checked_in_at": shift.ends_at.isoformat(), "checked_out_at": shift.starts_at.isoformat(),
                              "reason": "Forgot"}, format="json")
    assert (response.status_code, response.json()["errors"]) == (400, {"checked_out_at": [
        "The end must be after the start."]})
    response = api.post(url, {"checked_in_at": shift.starts_at.isoformat(), "checked_out_at": shift.ends_at.isoformat(),
                              "reason": "Forgot"}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "completed")
    api.force_authenticate(responder)
    assert api.post(url, {}, format="json").status_code == 403
