import smtplib
import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from apps.notifications.models import OutboundEmail
from apps.notifications.services import email_deliver, email_enqueue, email_send_templated

pytestmark = pytest.mark.django_db


def _queued(**kwargs) -> OutboundEmail:
    defaults = {"to": "a@example.org", "kind": "test", "subject": "Hello", "body_text": "Body"}
    return OutboundEmail.objects.create(**{**defaults, **kwargs})


def test_email_is_sent_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = email_enqueue(to="a@example.org", kind="test", subject="Hi", body_text="Body")
    assert len(callbacks) == 1
    assert mail.outbox == []
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED
    callbacks[0]()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


def test_email_is_not_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        email_enqueue(to="a@example.org", kind="test", subject="Hi", body_text="Body")
        raise RuntimeError("rolled back")
    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []


def test_delivering_twice_sends_once():
    email = _queued()
    assert email_deliver(email_id=email.pk) == "sent"
    assert email_deliver(email_id=email.pk) == "sent"
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_a_transient_error_requeues_for_retry_then_fails_visibly():
    email = _queued()
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPServerDisconnected("gone")):
        for attempt in range(1, 5):
            with pytest.raises(smtplib.SMTPServerDisconnected):
                email_deliver(email_id=email.pk)
            email.refresh_from_db()
            assert (email.status, email.attempts) == ("queued", attempt)
        assert email_deliver(email_id=email.pk) == "failed"
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 5)
    assert email.last_error == "SMTPServerDisconnected: gone"


def test_a_permanent_error_fails_at_once():
    email = _queued()
    with mock.patch("django.core.mail.EmailMultiAlternatives.send",
                    side_effect=smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")})):
        assert email_deliver(email_id=email.pk) == "failed"
    email.refresh_from_db()
    assert email.status == "failed"
    assert email.last_error.startswith("SMTPRecipientsRefused")


def test_templated_email_is_rendered_in_the_recipients_language():
    from apps.accounts.roles import Role
    from tests.factories import OrganizationFactory, UserFactory

    inviter = UserFactory(full_name="Ana Ruiz")
    org = OrganizationFactory(name="Colectivo Uno")
    context = {"invitation": None, "role": Role.RESPONDER.label, "organization": org.name, "inviter": "Ana Ruiz",
               "url": "http://x/accept", "expires_at": inviter.date_joined}
    email = email_send_templated(to="b@example.org", kind="t", template="invitation", context=context, language="es")
    assert email.subject == "Le invitamos a unirse a Colectivo Uno en crisisprog"
    assert email.language == "es"
    assert "http://x/accept" in email.body_text
    assert email.subject != "You are invited to join Colectivo Uno on crisisprog"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_once():
    email = _queued()
    barrier = threading.Barrier(2)
    results = []

    def worker():
        from django.db import connection

        barrier.wait()
        results.append(email_deliver(email_id=email.pk))
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(mail.outbox) == 1
    assert sorted(results) in (["sending", "sent"], ["sent", "sent"])
