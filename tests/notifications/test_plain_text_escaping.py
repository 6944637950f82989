"""Plain-text parts (email text, SMS, subject) carry what was typed, not HTML entities; the HTML
part stays escaped; a subject never spans lines."""

import pytest
from django.core import mail

from apps.engagement import services as engagement
from apps.notifications.models import Notification
from apps.notifications.services import Contact, notify, one_off_key
from tests.factories.engagement import SessionFactory, language

pytestmark = pytest.mark.django_db

NAME = 'O\'Brien & "Sons" <x>'


def test_plain_text_parts_keep_ampersands_quotes_and_brackets(django_capture_on_commit_callbacks):
    session = SessionFactory(title=f"{NAME} listening session", venue_name=NAME)
    with django_capture_on_commit_callbacks(execute=True):
        engagement.registration_create(session_id=session.pk, name=NAME, language=language("en"),
                                       email="ana@example.org", phone="617-555-0100", contact_consent=True)
    message = mail.outbox[0]
    assert message.subject == f"You are registered: {NAME} listening session"
    assert f"\n{NAME} listening session\n" in message.body
    assert f"Where: {NAME}, 650 Dudley St, Boston" in message.body
    assert "&amp;" not in message.body and "&quot;" not in message.body and "&lt;" not in message.body
    html = message.alternatives[0][0]
    assert "O&#x27;Brien &amp; &quot;Sons&quot; &lt;x&gt; listening session" in html
    assert NAME not in html
    sms = Notification.objects.get(channel="sms")
    assert sms.body_text.startswith(f"Registered: {NAME} listening session, ")


def test_a_subject_never_spans_lines(django_capture_on_commit_callbacks):
    # Before, the line break reached the mail library, which refused the header: the mail never left.
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind="accounts.security", to=Contact(email="ana@example.org"), dedupe_key=one_off_key("test"),
               rendered=("Reset\r\nBcc: everyone@example.org", "Body & more", ""))
    assert mail.outbox[0].subject == "Reset Bcc: everyone@example.org"
    assert "Bcc" not in mail.outbox[0].message().get("Bcc", "")
    assert mail.outbox[0].body.startswith("Body & more")
