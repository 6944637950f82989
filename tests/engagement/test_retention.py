"""The nightly retention purge: contact details blanked after their period, old finished messages
deleted, exactly at the boundary on a frozen clock; batched, idempotent, audited once."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from apps.core.models import AuditEvent
from apps.engagement import retention, tasks
from apps.engagement.models import CommunitySession, FeedbackItem, Registration, StaffTask
from apps.notifications.models import Notification
from crisisprog.celery import app
from tests.factories import UserFactory
from tests.factories.engagement import FeedbackFactory, RegistrationFactory, SessionFactory

pytestmark = pytest.mark.django_db
# 3:41 in Boston, the night after the switch to daylight time: 90 days back is still standard time.
# Periods are counted in UTC (90 × 24 hours), so the test's arithmetic is in UTC too.
NOW = datetime(2026, 3, 10, 3, 41, tzinfo=ZoneInfo("America/New_York")).astimezone(UTC)
MINUTE = timedelta(minutes=1)


def _ended_session(ended_at):
    return SessionFactory(status=CommunitySession.Status.COMPLETED, starts_at=ended_at - timedelta(hours=2),
                          ends_at=ended_at)


def _registration(session, name):
    registration = RegistrationFactory(session=session, name=name, email=f"{name.lower()}@example.org",
                                       phone="617-555-0100", contact_consent=True, access_needs="Large print")
    StaffTask.objects.create(session=session, registration=registration, kind=StaffTask.Kind.ACCESS,
                             details="Large print")
    return registration


def _feedback(received_at, name):
    item = FeedbackFactory(contact_consent=True, contact_name=name, contact_email=f"{name.lower()}@example.org",
                           text=f"{name}'s words stay.")
    FeedbackItem.objects.filter(pk=item.pk).update(created_at=received_at)
    return item


def _message(created_at, *, user=None, status=Notification.Status.SENT, key):
    row = Notification.objects.create(kind="engagement.reminder", channel="email", dedupe_key=key,
                                      recipient_user=user, recipient_email="" if user else f"{key}@example.org",
                                      subject="Reminder", body_text="See you", status=status)
    Notification.objects.filter(pk=row.pk).update(created_at=created_at)
    return row


@pytest.fixture
def data():
    return {
        "reg_kept": _registration(_ended_session(NOW - timedelta(days=90) + MINUTE), "Kept"),
        "reg_purged": _registration(_ended_session(NOW - timedelta(days=90) - MINUTE), "Purged"),
        "reg_coming": _registration(SessionFactory(starts_at=NOW + timedelta(days=3),
                                                   ends_at=NOW + timedelta(days=3, hours=2)), "Coming"),
        "fb_kept": _feedback(NOW - timedelta(days=365) + MINUTE, "Fresh"),
        "fb_purged": _feedback(NOW - timedelta(days=365) - MINUTE, "Old"),
        "resident_kept": _message(NOW - timedelta(days=90) + MINUTE, key="resident-kept"),
        "resident_purged": _message(NOW - timedelta(days=90) - MINUTE, key="resident-purged"),
        "resident_queued": _message(NOW - timedelta(days=500), status=Notification.Status.QUEUED,
                                    key="resident-queued"),
        "user_kept": _message(NOW - timedelta(days=400) + MINUTE, user=UserFactory(), key="user-kept"),
        "user_purged": _message(NOW - timedelta(days=400) - MINUTE, user=UserFactory(), key="user-purged"),
    }


def _reg(r):
    r = Registration.objects.get(pk=r.pk)
    return (r.name, r.email, r.phone, r.contact_consent, r.access_needs)


def test_purge_boundary_on_a_frozen_clock(data):
    with time_machine.travel(NOW, tick=False):
        counts = retention.retention_purge()
    assert counts == {"registrations": 1, "feedback_items": 1, "notifications": 2}
    assert _reg(data["reg_purged"]) == ("", "", "", False, "")
    assert StaffTask.objects.get(registration=data["reg_purged"]).details == ""
    assert Registration.objects.get(pk=data["reg_purged"].pk).status == "registered"  # attendance figures stay
    assert _reg(data["reg_kept"]) == ("Kept", "kept@example.org", "617-555-0100", True, "Large print")
    assert StaffTask.objects.get(registration=data["reg_kept"]).details == "Large print"
    assert _reg(data["reg_coming"])[0] == "Coming"
    old = FeedbackItem.objects.get(pk=data["fb_purged"].pk)
    assert (old.contact_consent, old.contact_name, old.contact_email, old.text) == (False, "", "", "Old's words stay.")
    assert FeedbackItem.objects.get(pk=data["fb_kept"].pk).contact_email == "fresh@example.org"
    remaining = set(Notification.objects.values_list("dedupe_key", flat=True))
    assert remaining == {"resident-kept", "resident-queued", "user-kept"}


def test_purge_twice_changes_nothing_and_is_audited_once(data):
    with time_machine.travel(NOW, tick=False):
        first = retention.retention_purge()
        second = retention.retention_purge()
    assert first == {"registrations": 1, "feedback_items": 1, "notifications": 2}
    assert second == {"registrations": 0, "feedback_items": 0, "notifications": 0}
    event = AuditEvent.objects.get(action="privacy.retention.purged")
    assert event.actor_label == "system"
    assert {k: event.after[k] for k in first} == first
    assert event.after["registrations_ended_before"] == "2025-12-10T07:41:00Z"
    assert "example.org" not in str(event.after)


def test_purge_runs_in_batches_until_nothing_is_left():
    session = _ended_session(NOW - timedelta(days=200))
    for i in range(5):
        _registration(session, f"R{i}")
    for i in range(3):
        _message(NOW - timedelta(days=401), user=UserFactory(), key=f"old-{i}")
    with time_machine.travel(NOW, tick=False):
        counts = retention.retention_purge(batch_size=2)
    assert counts == {"registrations": 5, "feedback_items": 0, "notifications": 3}
    assert not Registration.objects.exclude(email="").exists()


def test_periods_come_from_settings(settings, data):
    settings.RETENTION_REGISTRATION_CONTACT_DAYS = 89
    settings.RETENTION_FEEDBACK_CONTACT_DAYS = 364
    settings.RETENTION_RESIDENT_NOTIFICATION_DAYS = 89
    settings.RETENTION_NOTIFICATION_DAYS = 399
    with time_machine.travel(NOW, tick=False):
        assert retention.retention_purge() == {"registrations": 2, "feedback_items": 2, "notifications": 4}
    assert _reg(data["reg_kept"]) == ("", "", "", False, "")
    assert _reg(data["reg_coming"])[0] == "Coming"
    assert set(Notification.objects.values_list("dedupe_key", flat=True)) == {"resident-queued"}


@pytest.mark.parametrize("value", [0, -5, "90"])
def test_a_bad_period_fails_loudly(settings, value):
    settings.RETENTION_FEEDBACK_CONTACT_DAYS = value
    with pytest.raises(ImproperlyConfigured, match="RETENTION_FEEDBACK_CONTACT_DAYS"):
        retention.retention_purge()


def test_beat_runs_the_purge_task_nightly(data):
    entry = django_settings.CELERY_BEAT_SCHEDULE["engagement-retention-purge"]
    assert entry["task"] == "engagement.retention_purge"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {41})
    app.loader.import_default_modules()
    assert "engagement.retention_purge" in app.tasks
    with time_machine.travel(NOW, tick=False):
        result = tasks.retention_purge.apply().get()
    assert result == {"registrations": 1, "feedback_items": 1, "notifications": 2}
