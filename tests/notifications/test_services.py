import smtplib
import threading
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from apps.core.errors import ApplicationError
from apps.notifications import services
from apps.notifications.kinds import Channel, Kind, register_kind
from apps.notifications.models import Notification
from apps.notifications.scanners import register_scanner, registered_scanners, run_scanners
from apps.notifications.services import Contact, deliver, dispatch_due, notify, preference_set
from apps.notifications.sms import LocmemSMSBackend
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OPTIONAL = register_kind(Kind(key="tests.optional", label="Test reminder", template="invitation",
                              channels=(Channel.EMAIL, Channel.IN_APP, Channel.SMS), optional=True))
LEGAL = register_kind(Kind(key="tests.legal", label="Test notice", template="invitation",
                           channels=(Channel.EMAIL, Channel.IN_APP), optional=False))


def _context(org="Colectivo Uno"):
    return {"invitation": None, "role": "Responder", "organization": org, "inviter": "Ana Ruiz",
            "url": "http://testserver/accept", "expires_at": timezone.now()}


@pytest.fixture(autouse=True)
def _sms_outbox():
    LocmemSMSBackend.outbox.clear()
    yield
    LocmemSMSBackend.outbox.clear()


def test_notify_writes_one_row_per_channel_and_sends_after_commit(django_capture_on_commit_callbacks):
    user = UserFactory(email="ana@example.org", phone="+16175550100")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = notify(kind="tests.optional", to=user, dedupe_key="t:1", context=_context())
    assert sorted((r.channel, r.status) for r in rows) == [("email", "queued"), ("in_app", "sent"),
                                                           ("sms", "queued")]
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert {n.channel: n.status for n in Notification.objects.all()} == {"email": "sent", "in_app": "sent",
                                                                        "sms": "sent"}
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert mail.outbox[0].subject == "You are invited to join Colectivo Uno on crisisprog"
    assert [(s.to, s.body) for s in LocmemSMSBackend.outbox] == [
        ("+16175550100", "You are invited to join Colectivo Uno on crisisprog")]


def test_notify_is_once_per_dedupe_key(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(kind="tests.legal", to=user, dedupe_key="t:once", context=_context())
        second = notify(kind="tests.legal", to=user, dedupe_key="t:once", context=_context())
    assert len(first) == 2
    assert second == []
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    user = UserFactory()
    with (django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError),
          transaction.atomic()):
        notify(kind="tests.legal", to=user, dedupe_key="t:rollback", context=_context())
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_messages_render_in_the_recipients_language(django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language="es")
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind="tests.legal", to=user, dedupe_key="t:es", context=_context())
    assert mail.outbox[0].subject == "Le invitamos a unirse a Colectivo Uno en crisisprog"
    assert "Acepte la invitación" in mail.outbox[0].body or "invitación" in mail.outbox[0].body
    assert Notification.objects.get(channel="email").language == "es"


def test_a_user_can_turn_off_an_optional_kind_per_channel(django_capture_on_commit_callbacks):
    user = UserFactory(phone="+16175550100")
    preference_set(user=user, kind_key="tests.optional", channel="email", enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind="tests.optional", to=user, dedupe_key="t:pref", context=_context())
    assert {n.channel: n.status for n in Notification.objects.all()} == {
        "email": "suppressed", "in_app": "sent", "sms": "sent"}
    assert mail.outbox == []


def test_legal_notices_cannot_be_turned_off():
    user = UserFactory()
    with pytest.raises(ApplicationError, match="cannot be turned off"):
        preference_set(user=user, kind_key="tests.legal", channel="email", enabled=False)


def test_resident_messages_carry_a_one_click_unsubscribe_that_is_respected(client,
                                                                           django_capture_on_commit_callbacks):
    resident = Contact(email="vecina@example.org", name="Rosa", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind="tests.optional", to=resident, dedupe_key="t:r1", context=_context())
    message = mail.outbox[0]
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body
    path = url.removeprefix("http://127.0.0.1:8000")
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind="tests.optional", to=resident, dedupe_key="t:r2", context=_context())
    assert Notification.objects.get(dedupe_key="t:r2").status == "suppressed"
    assert len(mail.outbox) == 1
    # A legal notice still reaches a resident who unsubscribed from reminders.
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind="tests.legal", to=resident, dedupe_key="t:r3", context=_context())
    assert len(mail.outbox) == 2


def test_a_forged_unsubscribe_link_is_refused(client):
    response = client.post("/unsubscribe/not-a-real-token/")
    assert response.status_code == 404
    from apps.notifications.models import ResidentOptOut

    assert ResidentOptOut.objects.count() == 0


def _queued(**kwargs) -> Notification:
    defaults = {"kind": "tests.legal", "channel": "email", "dedupe_key": f"t:q:{Notification.objects.count()}",
                "recipient_email": "a@example.org", "subject": "Hello", "body_text": "Body"}
    return Notification.objects.create(**{**defaults, **kwargs})


def test_delivering_twice_sends_once():
    n = _queued()
    assert deliver(notification_ids=[n.pk])["sent"] == 1
    assert deliver(notification_ids=[n.pk]) == {"sent": 0, "failed": 0, "retry": 0, "skipped": 1}
    assert len(mail.outbox) == 1
    n.refresh_from_db()
    assert (n.status, n.attempts) == ("sent", 1)
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<notification-{n.pk}@crisisprog.local>"


def test_a_permanent_error_fails_with_the_error_shown_and_is_not_retried():
    n = _queued()
    refused = smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")})
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=refused):
        assert deliver(notification_ids=[n.pk])["failed"] == 1
    n.refresh_from_db()
    assert n.status == "failed"
    assert n.last_error.startswith("SMTPRecipientsRefused")
    assert dispatch_due() == 0


def test_a_transient_error_is_retried_later_with_backoff_then_fails():
    n = _queued()
    gone = smtplib.SMTPServerDisconnected("gone")
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=gone):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            assert deliver(notification_ids=[n.pk])["retry"] == 1
        n.refresh_from_db()
        assert (n.status, n.attempts, n.scheduled_for) == ("queued", 1, start + timedelta(seconds=30))
        assert n.last_error == "SMTPServerDisconnected: gone"
        for attempt in range(2, 6):
            with time_machine.travel(n.scheduled_for + timedelta(seconds=1), tick=False):
                deliver(notification_ids=[n.pk])
            n.refresh_from_db()
    assert (n.status, n.attempts) == ("failed", 5)


def test_a_claimed_message_whose_worker_died_is_taken_again_after_the_lease():
    n = _queued()
    now = timezone.now()
    Notification.objects.filter(pk=n.pk).update(status="sending", lease_expires_at=now + timedelta(seconds=300),
                                                attempts=1)
    assert dispatch_due() == 0  # the lease still runs: the first worker may be sending right now
    assert deliver(notification_ids=[n.pk])["skipped"] == 1
    with time_machine.travel(now + timedelta(seconds=301), tick=False):
        assert dispatch_due() == 1
    n.refresh_from_db()
    assert (n.status, n.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


def test_future_messages_wait_for_the_dispatcher():
    n = _queued(scheduled_for=timezone.now() + timedelta(hours=2))
    assert dispatch_due() == 0
    with time_machine.travel(n.scheduled_for + timedelta(seconds=1), tick=False):
        assert dispatch_due() == 1
    assert len(mail.outbox) == 1


def _scanner_sending_reminders(*, now):
    user = UserFactory._meta.model.objects.get(email="scan@example.org")
    created = 0
    for i in range(3):
        created += len(notify(kind="tests.legal", to=user, dedupe_key=f"scan:{i}", context=_context(),
                              channels=(Channel.EMAIL,)))
    return created


def test_scanners_run_twice_send_once(django_capture_on_commit_callbacks):
    from apps.notifications import scanners

    UserFactory(email="scan@example.org")
    register_scanner("tests.scanner", _scanner_sending_reminders)
    try:
        assert "tests.scanner" in registered_scanners()
        with django_capture_on_commit_callbacks(execute=True):
            assert run_scanners(only=["tests.scanner"]) == {"tests.scanner": 3}
            assert run_scanners(only=["tests.scanner"]) == {"tests.scanner": 0}
    finally:  # the registry is process-wide: keep the test scanner out of other tests' runs
        scanners._scanners.pop("tests.scanner", None)
    assert Notification.objects.count() == 3
    assert len(mail.outbox) == 3


def test_a_broken_scanner_does_not_stop_the_others():
    def broken(*, now):
        raise ValueError("boom")

    from apps.notifications import scanners

    scanners._scanners["tests.broken"] = broken
    try:
        assert run_scanners(only=["tests.broken"]) == {"tests.broken": "error: ValueError"}
    finally:
        scanners._scanners.pop("tests.broken", None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_scanner_run_twice_concurrently_sends_each_reminder_once(settings):
    from django.db import connection

    UserFactory(email="scan@example.org")
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            with transaction.atomic():
                _scanner_sending_reminders(now=timezone.now())
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Notification.objects.count() == 3
    dispatch_due()
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        f"<notification-{pk}@crisisprog.local>" for pk in Notification.objects.values_list("pk", flat=True))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_one_batch_send_each_once():
    from django.db import connection

    rows = [_queued(dedupe_key=f"race:{i}") for i in range(20)]
    ids = [r.pk for r in rows]
    barrier = threading.Barrier(2)

    def work():
        barrier.wait()
        deliver(notification_ids=ids)
        connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(mail.outbox) == 20
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 20
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_cancelled_intents_are_not_sent():
    _queued(dedupe_key="shift-reminder-24h:7:1")
    _queued(dedupe_key="shift-reminder-24h:8:1")
    assert services.notification_cancel(dedupe_key_prefix="shift-reminder-24h:7:") == 1
    assert dispatch_due() == 1
    assert len(mail.outbox) == 1


def test_a_send_that_could_outlast_the_lease_is_not_started(settings):
    settings.NOTIFICATION_LEASE_SECONDS = 300
    n = _queued()
    start = timezone.now()
    real_claim = services._claim

    def slow_claim(ids, now):
        rows = real_claim(ids, now)
        # Time passes between the claim and this row's turn: 280 s of a 300 s lease are gone.
        traveller.shift(280)
        return rows

    with time_machine.travel(start, tick=False) as traveller, mock.patch.object(services, "_claim", slow_claim):
        assert deliver(notification_ids=[n.pk]) == {"sent": 0, "failed": 0, "retry": 0, "skipped": 1}
    assert mail.outbox == []
    n.refresh_from_db()
    assert n.status == "sending"  # the dispatcher hands it out again once the lease lapses
