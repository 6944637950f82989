"""Training sessions: capacity, waitlist, promotion, attendance, assessment → record."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import Role
from apps.core.errors import ApplicationError
from apps.notifications.models import Notification
from apps.training import services
from apps.training.models import Enrollment, TrainingRecord
from tests.factories import user_with_role
from tests.factories.training import CourseFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(org, trainer):
    return TrainingSessionFactory(organization=org, trainer=trainer, capacity=2,
                                  course=CourseFactory(title="MHFA", hours=Decimal("8"), renewal_months=36))


def _responders(org, n):
    return [user_with_role(Role.RESPONDER, org) for _ in range(n)]


def test_capacity_then_waitlist_then_promotion_in_order(org, session, coordinator,
                                                        django_capture_on_commit_callbacks):
    a, b, c, d = _responders(org, 4)
    statuses = [services.enrollment_create(by=p, session=session, responder=p).status for p in (a, b, c, d)]
    assert statuses == ["enrolled", "enrolled", "waitlisted", "waitlisted"]

    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_withdraw(by=a, enrollment=Enrollment.objects.get(session=session, responder=a))

    assert dict(Enrollment.objects.filter(session=session).values_list("responder_id", "status")) == {
        a.pk: "withdrawn", b.pk: "enrolled", c.pk: "enrolled", d.pk: "waitlisted"}
    assert list(Notification.objects.filter(kind="training.enrollment_promoted", channel="in_app")
                .values_list("recipient_user_id", flat=True)) == [c.pk]


def test_withdrawing_from_the_waitlist_promotes_nobody(org, session):
    a, b, c = _responders(org, 3)
    for p in (a, b, c):
        services.enrollment_create(by=p, session=session, responder=p)
    services.enrollment_withdraw(by=c, enrollment=Enrollment.objects.get(session=session, responder=c))
    assert Enrollment.objects.filter(session=session, status="enrolled").count() == 2


def test_enrolling_twice_is_refused_and_re_enrolling_after_withdrawal_queues_at_the_end(org, session):
    a, b, c = _responders(org, 3)
    services.enrollment_create(by=a, session=session, responder=a)
    with pytest.raises(ApplicationError):
        services.enrollment_create(by=a, session=session, responder=a)
    services.enrollment_create(by=b, session=session, responder=b)
    services.enrollment_withdraw(by=a, enrollment=Enrollment.objects.get(session=session, responder=a))
    services.enrollment_create(by=c, session=session, responder=c)
    again = services.enrollment_create(by=a, session=session, responder=a)
    assert again.status == "waitlisted"


def test_outsider_and_other_responders_cannot_enroll_someone(org, session, responder, peer, outsider):
    for who in (peer, outsider):
        with pytest.raises(ApplicationError):
            services.enrollment_create(by=who, session=session, responder=responder)
    with pytest.raises(ApplicationError):
        services.enrollment_create(by=outsider, session=session, responder=outsider)


def test_attendance_and_pass_create_a_verified_record(org, session, trainer, responder):
    enrollment = services.enrollment_create(by=responder, session=session, responder=responder)
    with time_machine.travel(session.ends_at + timedelta(minutes=5), tick=False):
        with pytest.raises(ApplicationError):
            services.enrollment_assess(by=trainer, enrollment=enrollment, passed=True)
        services.enrollment_mark_attendance(by=trainer, enrollment=enrollment, attendance="partial",
                                            hours=Decimal("6.5"))
        enrollment = services.enrollment_assess(by=trainer, enrollment=enrollment, passed=True)

    record = enrollment.record
    completed = timezone.localtime(session.ends_at).date()
    assert (record.status, record.source, record.session_id, record.verified_by, record.completed_on,
            record.expires_on) == (TrainingRecord.Status.VERIFIED, "session", session.pk, trainer, completed,
                                   session.course.expiry_for(completed))
    assert (enrollment.attendance, enrollment.hours_attended, enrollment.assessment) == (
        "partial", Decimal("6.50"), "passed")
    with pytest.raises(ApplicationError):
        services.enrollment_assess(by=trainer, enrollment=enrollment, passed=True)


def test_a_pass_in_an_evening_class_that_runs_past_midnight_clears_the_responder_that_evening(
        org, trainer, cpr):
    """The record is dated the day the pass was earned: a class from 21:00 to 01:00, passed at 22:30, clears
    the responder at 22:31 (it used to take the class end's date, tomorrow, and left them uncleared)."""
    from apps.training.readiness import readiness_for
    from tests.factories.training import requirement
    from tests.training.conftest import local

    requirement(courses=[cpr], min_field_hours=Decimal("0"))
    course = cpr
    evening = TrainingSessionFactory(organization=org, trainer=trainer, course=course,
                                     starts_at=local(2027, 11, 6, 21), ends_at=local(2027, 11, 7, 1))
    newcomer = user_with_role(Role.RESPONDER, org)
    with time_machine.travel(local(2027, 11, 1), tick=False):
        enrollment = services.enrollment_create(by=newcomer, session=evening, responder=newcomer)
    with time_machine.travel(local(2027, 11, 6, 22, 30), tick=False):
        services.enrollment_mark_attendance(by=trainer, enrollment=enrollment, attendance="present",
                                            hours=Decimal("4"))
        record = services.enrollment_assess(by=trainer, enrollment=enrollment, passed=True).record
        assert record.completed_on == local(2027, 11, 6).date()
        assert readiness_for(user=newcomer, organization=org, at=local(2027, 11, 6, 22, 31)).cleared
    # Recorded the morning after, the pass keeps the day the class ended.
    late = TrainingSessionFactory(organization=org, trainer=trainer, course=course,
                                  starts_at=local(2027, 11, 8, 21), ends_at=local(2027, 11, 9, 0, 30))
    other = user_with_role(Role.RESPONDER, org)
    with time_machine.travel(local(2027, 11, 1), tick=False):
        enrollment = services.enrollment_create(by=other, session=late, responder=other)
    with time_machine.travel(local(2027, 11, 10, 9), tick=False):
        services.enrollment_mark_attendance(by=trainer, enrollment=enrollment, attendance="present",
                                            hours=Decimal("3.5"))
        record = services.enrollment_assess(by=trainer, enrollment=enrollment, passed=True).record
        assert record.completed_on == local(2027, 11, 9).date()


def test_absent_cannot_pass_and_fail_creates_no_record(org, session, trainer, responder, peer):
    e1 = services.enrollment_create(by=responder, session=session, responder=responder)
    e2 = services.enrollment_create(by=peer, session=session, responder=peer)
    with time_machine.travel(session.starts_at + timedelta(hours=1), tick=False):
        services.enrollment_mark_attendance(by=trainer, enrollment=e1, attendance="absent")
        services.enrollment_mark_attendance(by=trainer, enrollment=e2, attendance="present")
        with pytest.raises(ApplicationError):
            services.enrollment_assess(by=trainer, enrollment=e1, passed=True)
        services.enrollment_assess(by=trainer, enrollment=e2, passed=False)
    assert TrainingRecord.objects.count() == 0


def test_attendance_before_the_start_is_refused(org, session, trainer, responder):
    enrollment = services.enrollment_create(by=responder, session=session, responder=responder)
    with pytest.raises(ApplicationError):
        services.enrollment_mark_attendance(by=trainer, enrollment=enrollment, attendance="present")


def test_session_create_checks_trainer_and_times(org, trainer, coordinator, responder):
    course = CourseFactory()
    start = timezone.now() + timedelta(days=3)
    session = services.session_create(by=coordinator, organization=org, course=course, trainer=trainer,
                                      starts_at=start, ends_at=start + timedelta(hours=4), location="Hall",
                                      capacity=10)
    assert session.capacity == 10
    with pytest.raises(ApplicationError) as error:
        services.session_create(by=coordinator, organization=org, course=course, trainer=responder,
                                starts_at=start, ends_at=start + timedelta(hours=4), location="Hall", capacity=10)
    assert error.value.field == "trainer"
    with pytest.raises(ApplicationError):
        services.session_create(by=responder, organization=org, course=course, trainer=trainer,
                                starts_at=start, ends_at=start + timedelta(hours=4), location="Hall", capacity=10)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_enrollment_never_exceeds_capacity(org, trainer):
    session = TrainingSessionFactory(organization=org, trainer=trainer, capacity=3)
    people = _responders(org, 12)
    barrier = threading.Barrier(len(people))
    errors = []

    def enroll(person):
        try:
            barrier.wait()
            services.enrollment_create(by=person, session=session, responder=person)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=enroll, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert Enrollment.objects.filter(session=session, status="enrolled").count() == 3
    assert Enrollment.objects.filter(session=session, status="waitlisted").count() == 9


# --- pages -----------------------------------------------------------------------------------------

def test_session_page_enroll_and_roll(client, org, session, responder, trainer, outsider, peer):
    client.force_login(responder)
    response = client.post(reverse("training:session-enroll", args=[session.pk]))
    assert response.status_code == 302
    assert Enrollment.objects.get(session=session, responder=responder).status == "enrolled"
    response = client.get(reverse("training:session-detail", args=[session.pk]))
    assert (response.status_code, response.context["can_manage"], response.context["roll"]) == (200, False, [])

    client.force_login(trainer)
    response = client.get(reverse("training:session-detail", args=[session.pk]))
    assert [e.responder for e in response.context["roll"]] == [responder]

    client.force_login(outsider)
    assert client.get(reverse("training:session-detail", args=[session.pk])).status_code == 404
    assert client.post(reverse("training:session-enroll", args=[session.pk])).status_code == 404

    enrollment = Enrollment.objects.get(session=session, responder=responder)
    client.force_login(peer)
    assert client.post(reverse("training:enrollment-attendance", args=[enrollment.pk]),
                       {"attendance": "present"}).status_code == 403
    assert client.post(reverse("training:enrollment-withdraw", args=[enrollment.pk])).status_code == 403


def test_session_list_has_constant_queries(client, org, trainer, coordinator):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    url = reverse("training:session-list")
    TrainingSessionFactory(organization=org, trainer=trainer)
    client.get(url)
    with CaptureQueriesContext(conn) as one:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 1
    TrainingSessionFactory.create_batch(2, organization=org, trainer=trainer)
    with CaptureQueriesContext(conn) as three:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 3
    assert len(one.captured_queries) == len(three.captured_queries)


def test_trainer_takes_attendance_and_passes_through_the_page(client, org, session, trainer, responder):
    enrollment = services.enrollment_create(by=responder, session=session, responder=responder)
    client.force_login(trainer)
    with time_machine.travel(session.ends_at, tick=False):
        client.force_login(trainer)
        assert client.post(reverse("training:enrollment-attendance", args=[enrollment.pk]),
                           {"attendance": "present"}).status_code == 302
        assert client.post(reverse("training:enrollment-assess", args=[enrollment.pk]),
                           {"result": "passed"}).status_code == 302
    enrollment.refresh_from_db()
    assert (enrollment.attendance, enrollment.hours_attended, enrollment.record.status) == (
        "present", Decimal("8.00"), "verified")
