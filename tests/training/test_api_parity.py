"""The training operations added for API parity (issue 24): scheduling and cancelling sessions, the
roll, field hours and requirements, through the pages' services and predicates. For each: the right
role succeeds (audited), a wrong role gets 403, another organization's object 404, bad input a 400
naming the field."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from apps.accounts.roles import Role
from apps.training.models import Enrollment, FieldHours, RoleRequirement, TrainingSession
from tests.factories import CityDepartmentFactory, user_with_role
from tests.factories.training import EnrollmentFactory, FieldHoursFactory, TrainingSessionFactory
from tests.support.api import audited as _audited
from tests.support.api import field_errors as _errors
from tests.support.api import signed_in as _as
from tests.training.conftest import local

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 2, 9)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def session(org, cpr, trainer):
    return TrainingSessionFactory(course=cpr, organization=org, trainer=trainer,
                                  starts_at=local(2026, 3, 9, 9), ends_at=local(2026, 3, 9, 17))


def test_session_create(api, org, other_org, cpr, trainer, coordinator, responder):
    url = "/api/v1/training/sessions/"
    body = {"organization": org.slug, "course": "cpr", "trainer": trainer.pk, "starts_at": "2026-03-20T09:00:00-04:00",
            "ends_at": "2026-03-20T17:00:00-04:00", "location": "Room 2", "capacity": 12}
    response = _as(api, coordinator).post(url, body, format="json")
    assert response.status_code == 201, response.content
    session = TrainingSession.objects.get()
    assert (response.json()["id"], response.json()["course"], session.trainer_id, session.capacity) == (
        session.pk, "cpr", trainer.pk, 12)
    assert _audited("training.session.created") == 1
    assert "organization" in _errors(api.post(url, {**body, "organization": other_org.slug}, format="json"))
    assert "capacity" in _errors(api.post(url, {**body, "capacity": 0}, format="json"))
    assert "trainer" in _errors(api.post(url, {**body, "trainer": responder.pk}, format="json"))
    assert _as(api, responder).post(url, body, format="json").status_code == 403


def test_session_cancel(api, session, coordinator, outsider, responder):
    url = f"/api/v1/training/sessions/{session.pk}/cancel/"
    assert _as(api, outsider).post(url).status_code == 404
    assert _as(api, responder).post(url).status_code == 403
    response = _as(api, coordinator).post(url)
    assert (response.status_code, response.json()["status"]) == (200, TrainingSession.Status.CANCELLED)
    assert _audited("training.session.cancelled") == 1
    assert api.post(url).status_code == 400  # only a scheduled session: the service's refusal


def test_enrollment_withdraw_by_self_or_staff(api, session, responder, peer, trainer, outsider):
    mine = EnrollmentFactory(session=session, responder=responder)
    theirs = EnrollmentFactory(session=session, responder=peer)
    assert _as(api, outsider).post(f"/api/v1/training/enrollments/{mine.pk}/withdraw/").status_code == 404
    assert _as(api, responder).post(f"/api/v1/training/enrollments/{theirs.pk}/withdraw/").status_code == 403
    response = api.post(f"/api/v1/training/enrollments/{mine.pk}/withdraw/")
    assert (response.status_code, response.json()["status"]) == (200, Enrollment.Status.WITHDRAWN)
    response = _as(api, trainer).post(f"/api/v1/training/enrollments/{theirs.pk}/withdraw/")
    assert (response.status_code, response.json()["status"]) == (200, Enrollment.Status.WITHDRAWN)
    assert _audited("training.enrollment.withdrawn") == 2


def test_attendance_and_assessment(api, session, responder, trainer, outsider):
    enrollment = EnrollmentFactory(session=session, responder=responder)
    attend = f"/api/v1/training/enrollments/{enrollment.pk}/attendance/"
    assess = f"/api/v1/training/enrollments/{enrollment.pk}/assess/"
    assert _as(api, outsider).post(attend, {"attendance": "present"}, format="json").status_code == 404
    assert _as(api, responder).post(attend, {"attendance": "present"}, format="json").status_code == 403
    assert _as(api, responder).post(assess, {"passed": True}, format="json").status_code == 403
    assert "attendance" in _errors(_as(api, trainer).post(attend, {"attendance": "unknown"}, format="json"))
    # Before the session starts, and assessed before attendance: the service's refusals, with their messages.
    assert api.post(attend, {"attendance": "present"}, format="json").json()["detail"] == (
        "Attendance is taken once the session has started.")
    assert api.post(assess, {"passed": True}, format="json").status_code == 400
    with time_machine.travel(local(2026, 3, 9, 18), tick=False):
        response = api.post(attend, {"attendance": "partial", "hours": "3.50"}, format="json")
        assert (response.status_code, response.json()["attendance"], response.json()["hours_attended"]) == (
            200, "partial", "3.50")
        response = api.post(assess, {"passed": True}, format="json")
        assert (response.status_code, response.json()["assessment"]) == (200, "passed")
    enrollment.refresh_from_db()
    assert (enrollment.record.status, enrollment.record.completed_on) == ("verified", date(2026, 3, 9))
    assert (_audited("training.enrollment.attendance"), _audited("training.enrollment.assessed")) == (1, 1)
    assert "passed" in _errors(api.post(assess, {}, format="json"))


def test_field_hours_log_and_sign_off(api, org, other_org, responder, trainer, coordinator, outsider):
    url = "/api/v1/training/field-hours/"
    body = {"organization": org.slug, "worked_on": "2026-02-27", "hours": "6.00", "preceptor": trainer.pk,
            "activity": "Ride-along"}
    response = _as(api, responder).post(url, body, format="json")
    assert response.status_code == 201, response.content
    entry = FieldHours.objects.get()
    assert (entry.hours, entry.preceptor_id, entry.status) == (Decimal("6.00"), trainer.pk, FieldHours.Status.PENDING)
    assert _audited("training.field_hours.logged") == 1
    assert "hours" in _errors(api.post(url, {**body, "hours": "25"}, format="json"))
    assert "preceptor" in _errors(api.post(url, {**body, "preceptor": responder.pk}, format="json"))
    assert "organization" in _errors(api.post(url, {**body, "organization": other_org.slug}, format="json"))
    assert _as(api, coordinator).post(url, body, format="json").status_code == 403

    sign = f"/api/v1/training/field-hours/{entry.pk}/sign-off/"
    assert _as(api, outsider).post(sign, {"approve": True}, format="json").status_code == 404
    assert _as(api, coordinator).post(sign, {"approve": True}, format="json").status_code == 403  # not the preceptor
    assert "note" in _errors(_as(api, trainer).post(sign, {"approve": False, "note": ""}, format="json"))
    response = api.post(sign, {"approve": True}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, FieldHours.Status.SIGNED_OFF)
    assert _audited("training.field_hours.signed_off") == 1


def test_other_organizations_field_hours_are_not_found(api, other_org, trainer):
    other_trainer = user_with_role(Role.TRAINER, other_org, email="tia@example.org")
    other_responder = user_with_role(Role.RESPONDER, other_org, email="rob@example.org")
    entry = FieldHoursFactory(responder=other_responder, organization=other_org, preceptor=other_trainer,
                              status=FieldHours.Status.PENDING)
    response = _as(api, trainer).post(f"/api/v1/training/field-hours/{entry.pk}/sign-off/", {"approve": True},
                                      format="json")
    assert response.status_code == 404


def test_requirement_set(api, org, cpr, coordinator):
    admin = user_with_role(Role.PROGRAM_ADMIN, CityDepartmentFactory())
    url = "/api/v1/training/requirements/"
    body = {"role": "team_lead", "organization": None, "effective_from": "2026-04-01", "courses": ["cpr"],
            "min_field_hours": "40.00", "note": "Council resolution"}
    assert _as(api, coordinator).post(url, body, format="json").status_code == 403
    response = _as(api, admin).post(url, body, format="json")
    assert response.status_code == 201, response.content
    row = RoleRequirement.objects.get(role="team_lead")
    assert (response.json()["courses"], row.min_field_hours, row.organization) == (["cpr"], Decimal("40.00"), None)
    assert _audited("training.requirement.set") == 1
    assert "effective_from" in _errors(api.post(url, {**body, "effective_from": "2026-02-01"}, format="json"))
    assert "courses" in _errors(api.post(url, {**body, "courses": ["nope"]}, format="json"))
    assert "organization" in _errors(api.post(url, {**body, "organization": "no-such-org"}, format="json"))
    response = api.post(url, {**body, "organization": org.slug, "effective_from": "2026-05-01"}, format="json")
    assert (response.status_code, response.json()["organization"]) == (201, org.slug)


def test_session_times_come_back_in_local_time(api, org, cpr, trainer):
    response = _as(api, trainer).post("/api/v1/training/sessions/", {
        "organization": org.slug, "course": "cpr", "trainer": trainer.pk, "starts_at": "2026-03-20T13:00:00Z",
        "ends_at": "2026-03-20T21:00:00Z", "location": "Room 2", "capacity": 3}, format="json")
    assert (response.status_code, response.json()["starts_at"]) == (201, "2026-03-20T09:00:00-04:00")
    assert TrainingSession.objects.get().ends_at - TrainingSession.objects.get().starts_at == timedelta(hours=8)
