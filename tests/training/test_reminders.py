"""Scanners: expiry warnings at 90/60/30/7 days (once per record and threshold), session reminders."""

from datetime import date, timedelta

import pytest

from apps.notifications.models import Notification
from apps.notifications.scanners import registered_scanners
from apps.training import services
from apps.training.reminders import expiry_warnings_scan, session_reminders_scan
from tests.factories.training import CourseFactory, TrainingRecordFactory, TrainingSessionFactory
from tests.training.conftest import local

pytestmark = pytest.mark.django_db


def _keys(kind):
    return sorted(Notification.objects.filter(kind=kind, channel="in_app").values_list("dedupe_key", flat=True))


def test_scanners_are_registered():
    assert {"training.expiry_warnings", "training.session_reminders"} <= set(registered_scanners())


def test_expiry_warning_thresholds_and_dedupe(org, responder, coordinator, django_capture_on_commit_callbacks):
    course = CourseFactory(title="CPR", renewal_months=12)
    record = TrainingRecordFactory(responder=responder, organization=org, course=course,
                                   completed_on=date(2025, 6, 30))  # expires 2026-06-30
    with django_capture_on_commit_callbacks(execute=True):
        assert expiry_warnings_scan(now=local(2026, 3, 31)) == 0  # 91 days: nothing yet
        created = expiry_warnings_scan(now=local(2026, 4, 1))     # 90 days
        again = expiry_warnings_scan(now=local(2026, 4, 2))
    assert again == 0
    assert created == 4  # responder and coordinator, each by email and in the app
    assert _keys("training.expiry_warning") == [
        f"training-expiry:{record.pk}:90", f"training-expiry:{record.pk}:90:coordinator:{coordinator.pk}"]

    expiry_warnings_scan(now=local(2026, 5, 1))  # 60 days
    expiry_warnings_scan(now=local(2026, 6, 23))  # 7 days: the 30-day warning was missed, only 7 goes out
    assert [k for k in _keys("training.expiry_warning") if ":coordinator:" not in k] == [
        f"training-expiry:{record.pk}:60", f"training-expiry:{record.pk}:7", f"training-expiry:{record.pk}:90"]
    message = Notification.objects.get(dedupe_key=f"training-expiry:{record.pk}:7", channel="email")
    assert message.subject == "Your CPR expires in 7 days"


def test_renewed_and_unverified_records_get_no_warning(org, responder):
    course = CourseFactory(renewal_months=12)
    TrainingRecordFactory(responder=responder, organization=org, course=course, completed_on=date(2025, 6, 30))
    TrainingRecordFactory(responder=responder, organization=org, course=course, completed_on=date(2026, 3, 1))
    TrainingRecordFactory(responder=responder, organization=org, course=CourseFactory(renewal_months=12),
                          completed_on=date(2025, 6, 30), status="pending")
    assert expiry_warnings_scan(now=local(2026, 6, 1)) == 0


def test_session_reminder_two_days_ahead_once(org, responder, trainer):
    session = TrainingSessionFactory(organization=org, trainer=trainer, starts_at=local(2026, 5, 5, 9),
                                     ends_at=local(2026, 5, 5, 17), capacity=5)
    from apps.training.models import Enrollment

    Enrollment.objects.create(session=session, responder=responder, status="enrolled", queued_at=local(2026, 4, 1))
    assert session_reminders_scan(now=local(2026, 5, 3, 8, 59)) == 0
    assert session_reminders_scan(now=local(2026, 5, 3, 9, 0)) == 2
    assert session_reminders_scan(now=local(2026, 5, 4, 9, 0)) == 0
    message = Notification.objects.get(kind="training.session_reminder", channel="email")
    assert message.subject == f"Reminder: {session.course.title} on May 5, 2026, 9:00 AM"


def test_cancelling_a_session_cancels_queued_reminders(org, responder, trainer):
    session = TrainingSessionFactory(organization=org, trainer=trainer)
    from apps.training.models import Enrollment

    Enrollment.objects.create(session=session, responder=responder, status="enrolled", queued_at=session.created_at)
    Notification.objects.create(kind="training.session_reminder", channel="email", recipient_user=responder,
                                dedupe_key=f"training-session-reminder:{session.pk}:1", subject="s", body_text="b",
                                scheduled_for=session.starts_at - timedelta(days=1))
    services.session_cancel(by=trainer, session=session)
    assert Notification.objects.get().status == "cancelled"
