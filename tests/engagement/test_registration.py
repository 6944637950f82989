"""Registrations: seats, the waitlist and its promotion, consent-gated contact, reminders, check-in."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError

from apps.core.errors import ApplicationError
from apps.engagement import services
from apps.engagement.models import CommunitySession, Registration, StaffTask
from apps.notifications.models import Notification
from tests.factories.engagement import RegistrationFactory, SessionFactory, language, moderator_of

pytestmark = pytest.mark.django_db
BOSTON = ZoneInfo("America/New_York")


def _register(session, name="Ana", **kwargs):
    kwargs.setdefault("language", language("en"))
    return services.registration_create(session_id=session.pk, name=name, **kwargs)


def test_registration_fills_open_seats_then_waitlists():
    session = SessionFactory(capacity=4, reserved_seats=2)
    statuses = [_register(session, name=f"R{i}").status for i in range(4)]
    assert statuses == ["registered", "registered", "waitlisted", "waitlisted"]


def test_cancelling_promotes_first_on_waitlist_and_tells_them(django_capture_on_commit_callbacks):
    session = SessionFactory(capacity=1)
    first = _register(session, name="First")
    with django_capture_on_commit_callbacks(execute=True):
        waiting = _register(session, name="Second", email="second@example.org", contact_consent=True)
        _register(session, name="Third")
    assert waiting.status == "waitlisted"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=first)
    waiting.refresh_from_db()
    assert waiting.status == "registered"
    assert waiting.promoted_at is not None
    assert Registration.objects.get(name="Third").status == "waitlisted"
    assert [m.to for m in mail.outbox] == [["second@example.org"]]
    assert mail.outbox[0].subject.startswith("A seat opened for you:")
    assert waiting.code in mail.outbox[0].body


def test_contact_is_not_stored_without_consent():
    session = SessionFactory()
    with pytest.raises(ApplicationError) as error:
        _register(session, email="ana@example.org", phone="617-555-0100")
    assert error.value.field == "contact_consent"
    assert Registration.objects.count() == 0
    anonymous = _register(session)
    assert (anonymous.email, anonymous.phone, anonymous.contact_consent) == ("", "", False)
    assert Notification.objects.count() == 0


def test_database_refuses_contact_without_consent():
    with pytest.raises(IntegrityError):
        RegistrationFactory(email="x@example.org", contact_consent=False)


def test_confirmation_sent_in_residents_language(django_capture_on_commit_callbacks):
    session = SessionFactory(title_es="Sesión de Dorchester")
    with django_capture_on_commit_callbacks(execute=True):
        registration = _register(session, email="ana@example.org", contact_consent=True, language=language("es"))
    assert len(mail.outbox) == 1
    # The session's Spanish title is used; the surrounding words come from the compiled catalog.
    assert mail.outbox[0].subject.endswith(": Sesión de Dorchester")
    assert "Sesión de Dorchester" in mail.outbox[0].body
    assert registration.code in mail.outbox[0].body


def test_access_and_interpretation_requests_create_staff_tasks():
    session = SessionFactory()
    registration = _register(session, access_needs="Wheelchair seating", interpretation_language=language("ase"))
    tasks = sorted(StaffTask.objects.filter(registration=registration).values_list("kind", "details"))
    assert tasks == [("access", "Wheelchair seating"),
                     ("interpretation", "Interpretation into American Sign Language (ASL)")]


def test_registration_closed_for_draft_and_past_sessions():
    draft = SessionFactory(status=CommunitySession.Status.DRAFT)
    with pytest.raises(ApplicationError, match="Registration for this session is closed."):
        _register(draft)


def test_session_cancel_notifies_registrants_and_waitlist(django_capture_on_commit_callbacks):
    session = SessionFactory(capacity=1)
    moderator = moderator_of(session.organization)
    _register(session, name="A", email="a@example.org", contact_consent=True)
    _register(session, name="B", phone="6175550100", contact_consent=True)
    _register(session, name="C")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(by=moderator, session=session, reason="The venue flooded.")
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert "The venue flooded." in mail.outbox[0].body
    sms = Notification.objects.get(kind="engagement.session_cancelled", channel="sms")
    assert sms.recipient_phone == "6175550100"


def test_cancel_token_is_signed():
    registration = _register(SessionFactory())
    token = services.registration_token(registration)
    assert services.registration_from_token(token=token) == registration
    from django.core import signing

    with pytest.raises(signing.BadSignature):
        services.registration_from_token(token=token[:-2] + "xx")


def test_reminders_two_days_before_and_same_morning_once_each():
    starts = datetime(2026, 3, 10, 18, 0, tzinfo=BOSTON)
    session = SessionFactory(starts_at=starts, ends_at=starts + timedelta(hours=2),
                             published_at=starts - timedelta(days=20))
    registration = RegistrationFactory(session=session, email="r@example.org", contact_consent=True)
    RegistrationFactory(session=session)  # no contact: nothing to send
    RegistrationFactory(session=session, email="w@example.org", contact_consent=True, status="waitlisted")
    with time_machine.travel(datetime(2026, 3, 8, 12, 0, tzinfo=BOSTON), tick=False):
        assert services.session_reminders_scan(now=datetime(2026, 3, 7, 12, 0, tzinfo=BOSTON)) == 0
        assert services.session_reminders_scan(now=datetime(2026, 3, 8, 20, 0, tzinfo=BOSTON)) == 1
        assert services.session_reminders_scan(now=datetime(2026, 3, 8, 20, 5, tzinfo=BOSTON)) == 0
    assert services.session_reminders_scan(now=datetime(2026, 3, 10, 6, 55, tzinfo=BOSTON)) == 0
    assert services.session_reminders_scan(now=datetime(2026, 3, 10, 7, 0, tzinfo=BOSTON)) == 1
    assert services.session_reminders_scan(now=datetime(2026, 3, 10, 9, 0, tzinfo=BOSTON)) == 0
    keys = sorted(Notification.objects.values_list("dedupe_key", flat=True))
    assert keys == [f"engagement.reminder:{session.pk}:{registration.pk}:2d",
                    f"engagement.reminder:{session.pk}:{registration.pk}:day"]


def test_check_in_by_code_and_closing_counts_attendance():
    session = SessionFactory(starts_at=datetime(2026, 3, 10, 18, 0, tzinfo=BOSTON),
                             ends_at=datetime(2026, 3, 10, 20, 0, tzinfo=BOSTON))
    moderator = moderator_of(session.organization)
    a = RegistrationFactory(session=session, code="ACD347")
    RegistrationFactory(session=session, code="XYZ999")
    with time_machine.travel(datetime(2026, 3, 10, 18, 30, tzinfo=BOSTON), tick=False):
        checked = services.registration_check_in(by=moderator, session=session, code=" acd347 ")
        assert checked == a and checked.checked_in_by == moderator
        with pytest.raises(ApplicationError, match="No registration has the code NOPE."):
            services.registration_check_in(by=moderator, session=session, code="nope")
        services.walk_in_record(by=moderator, session=session, count=7)
        closed = services.session_close(by=moderator, session=session, summary_notes="Good turnout.")
    assert (closed.status, closed.attendance_count, closed.summary_notes) == ("completed", 8, "Good turnout.")


def test_only_the_departments_moderator_manages_a_session():
    session = SessionFactory()
    outsider = moderator_of()
    with pytest.raises(ApplicationError):
        services.session_cancel(by=outsider, session=session, reason="no")
    with pytest.raises(ApplicationError):
        services.registration_check_in(by=outsider, session=session, code="X")


def test_raising_capacity_promotes_the_waitlist():
    session = SessionFactory(capacity=1)
    moderator = moderator_of(session.organization)
    _register(session, name="A")
    waiting = _register(session, name="B")
    services.session_update(by=moderator, session=session, capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == "registered"


def test_audit_log_keeps_no_residents_name_words_or_access_needs():
    """The audit log is kept forever and erasure cannot reach it: resident records are named there
    by code or number only."""
    import json

    from apps.core.models import AuditEvent

    session = SessionFactory()
    registration = _register(session, name="Marisol Quintero", email="marisol@example.org", contact_consent=True,
                             access_needs="Wheelchair seating near the door")
    services.registration_cancel(registration=registration)
    services.feedback_submit(text="Call me at 617-555-0100, I live at 12 Elm Street", language=language("en"))
    events = list(AuditEvent.objects.all())
    assert {e.action for e in events} >= {"engagement.registration.created", "engagement.registration.cancelled",
                                         "engagement.feedback.received"}
    logged = json.dumps([[e.target_label, e.before, e.after] for e in events], default=str)
    for secret in ("Marisol", "marisol@", "Wheelchair", "617-555", "Elm Street"):
        assert secret not in logged
    assert f"registration {registration.code}" in logged
