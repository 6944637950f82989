"""Residents' per-client limits: every public action is counted once per client, whether it comes
through the page or the API, and the refused attempt writes nothing."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from apps.engagement import services
from apps.engagement.models import FeedbackItem, Registration
from apps.notifications.models import Notification
from tests.factories.engagement import SessionFactory, language

pytestmark = pytest.mark.django_db

IP = "192.0.2.10"
REFUSED = {"detail": "Too many attempts from this connection. Please wait a few minutes and try again.",
           "errors": {}}


def _register_page(client, session, name):
    return client.post(f"/sessions/{session.pk}/register/", {"name": name, "language": language("en").pk},
                       REMOTE_ADDR=IP)


def _register_api(session, name, ip=IP):
    return APIClient().post(f"/api/v1/engagement/sessions/{session.pk}/registrations/",
                            {"name": name, "language": "en"}, format="json", REMOTE_ADDR=ip)


def test_resident_limits_cover_every_public_action():
    from apps.core.clients import RESIDENT_LIMITS

    assert set(RESIDENT_LIMITS) == {"feedback", "register", "cancel", "forget", "unsubscribe"}


def test_registration_page_refuses_the_client_over_the_limit(client, settings):
    settings.ENGAGEMENT_REGISTRATIONS_PER_HOUR = 2
    session = SessionFactory(capacity=10)
    codes = [_register_page(client, session, f"Ana {n}").status_code for n in range(3)]
    assert codes == [302, 302, 429]
    assert sorted(Registration.objects.values_list("name", flat=True)) == ["Ana 0", "Ana 1"]


def test_registration_api_refuses_the_client_over_the_limit(settings):
    settings.ENGAGEMENT_REGISTRATIONS_PER_HOUR = 2
    session = SessionFactory(capacity=10)
    answers = [_register_api(session, f"Ana {n}") for n in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[2].json() == REFUSED
    assert sorted(Registration.objects.values_list("name", flat=True)) == ["Ana 0", "Ana 1"]
    # Another client is not held back by this one.
    assert _register_api(session, "Bea", ip="192.0.2.11").status_code == 201


def test_registration_page_and_api_share_one_count(client, settings):
    settings.ENGAGEMENT_REGISTRATIONS_PER_HOUR = 2
    session = SessionFactory(capacity=10)
    assert _register_page(client, session, "Page").status_code == 302
    assert _register_api(session, "Api").status_code == 201
    refused_api = _register_api(session, "Api again")
    refused_page = _register_page(client, session, "Page again")
    assert (refused_api.status_code, refused_page.status_code) == (429, 429)
    assert refused_api.json() == REFUSED
    assert sorted(Registration.objects.values_list("name", flat=True)) == ["Api", "Page"]


def test_feedback_page_refuses_the_client_over_the_limit(client, settings):
    settings.ENGAGEMENT_FEEDBACK_PER_HOUR = 2
    data = {"language": language("en").pk}
    codes = [client.post("/feedback/", {**data, "text": f"Comment {n}"}, REMOTE_ADDR=IP).status_code
             for n in range(3)]
    assert codes == [200, 200, 429]
    assert sorted(FeedbackItem.objects.values_list("text", flat=True)) == ["Comment 0", "Comment 1"]


def test_cancel_page_refuses_the_client_over_the_limit(client, settings):
    settings.ENGAGEMENT_CANCEL_PER_HOUR = 2
    session = SessionFactory(capacity=10)
    registrations = [services.registration_create(session_id=session.pk, name=f"Ana {n}", language=language("en"))
                     for n in range(3)]
    codes = [client.post(f"/sessions/registration/{services.registration_token(r)}/cancel/",
                         REMOTE_ADDR=IP).status_code for r in registrations]
    assert codes == [302, 302, 429]
    assert [Registration.objects.get(pk=r.pk).status for r in registrations] == [
        "cancelled", "cancelled", "registered"]


def test_forget_page_refuses_the_client_over_the_limit(client, settings, django_capture_on_commit_callbacks):
    settings.ENGAGEMENT_FORGET_PER_HOUR = 2
    session = SessionFactory(capacity=10)
    for n in range(3):
        services.registration_create(session_id=session.pk, name=f"Ana {n}", language=language("en"),
                                     email=f"ana{n}@example.org", contact_consent=True)
    mail.outbox.clear()
    Notification.objects.all().delete()
    codes = []
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            codes.append(client.post("/privacy/forget/", {"email": f"ana{n}@example.org"}, REMOTE_ADDR=IP).status_code)
    assert codes == [200, 200, 429]
    assert sorted(Notification.objects.values_list("recipient_email", flat=True)) == [
        "ana0@example.org", "ana1@example.org"]
    assert len(mail.outbox) == 2
