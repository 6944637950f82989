"""A resident erases their details: the signed link sent to the contact, no enumeration, the rate
limit, seats after erasure, idempotence, the per-registration "delete my details"."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from apps.core.models import AuditEvent
from apps.engagement import erasure, services
from apps.engagement.models import CommunitySession, FeedbackItem, Registration, StaffTask
from apps.notifications.models import Notification, ResidentOptOut
from apps.notifications.services import contact_hash
from tests.factories.engagement import FeedbackFactory, RegistrationFactory, SessionFactory, language

pytestmark = pytest.mark.django_db
EMAIL = "ana.resident@example.org"
PHONE = "(617) 555-0100"
FORGET = "/privacy/forget/"


def _register(session, name, **kwargs):
    return services.registration_create(session_id=session.pk, name=name, language=language("en"), **kwargs)


def _link_in(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/privacy/forget/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


def _without_csrf(content: bytes) -> bytes:
    """The page less its per-request CSRF tokens (the header for htmx, the language switch's form)."""
    content = re.sub(rb'"X-CSRFToken": "[^"]*"', b"", content)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


@pytest.fixture
def ana(django_capture_on_commit_callbacks):
    """Ana holds the last seat of a coming session (Ben waits), came to a past one, left feedback
    with her contact and once unsubscribed from reminders."""
    coming = SessionFactory(capacity=1, title="Roxbury listening session")
    past = SessionFactory(title="Dorchester report-back", status=CommunitySession.Status.COMPLETED,
                          starts_at=timezone.now() - timedelta(days=30),
                          ends_at=timezone.now() - timedelta(days=30) + timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        seat = _register(coming, "Ana", email=EMAIL, phone=PHONE, contact_consent=True,
                         access_needs="Step-free seating")
        ben = _register(coming, "Ben", email="ben@example.org", contact_consent=True)
    attended = RegistrationFactory(session=past, name="Ana", email=EMAIL.upper(), contact_consent=True)
    feedback = FeedbackFactory(text="More trained neighbors, fewer squad cars.", contact_consent=True,
                               contact_name="Ana", contact_email=EMAIL)
    ResidentOptOut.objects.create(contact_hash=contact_hash(EMAIL), kind="engagement.reminder")
    mail.outbox.clear()
    return {"seat": seat, "ben": ben, "attended": attended, "feedback": feedback, "coming": coming}


def _ask(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(FORGET, {"email": "", "phone": "", "website": "", **data})


def test_forget_page_is_linked_from_the_footer_and_the_registration_form(client):
    session = SessionFactory()
    for url in ("/sessions/", f"/sessions/{session.pk}/register/", "/feedback/"):
        assert f'href="{FORGET}"'.encode() in client.get(url).content, url
    assert client.get(FORGET).status_code == 200


def test_full_flow_erases_everything_for_the_contact_and_keeps_seats_right(
        client, ana, django_capture_on_commit_callbacks):
    response = _ask(client, django_capture_on_commit_callbacks, email="Ana.Resident@Example.org")
    assert response.status_code == 200
    assert b"Check your messages" in response.content
    assert [m.to for m in mail.outbox] == [["Ana.Resident@Example.org"]]
    link = _link_in(mail.outbox[0].body)
    assert "example.org" not in link.lower()  # the contact travels encrypted

    page = client.get(link)
    assert page.status_code == 200
    assert b"Roxbury listening session" in page.content and b"Dorchester report-back" in page.content
    assert b"1 message left with your contact." in page.content
    assert Registration.objects.get(pk=ana["seat"].pk).email == EMAIL  # looking changes nothing
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link)
    assert done.status_code == 200
    assert b"Your details are erased" in done.content

    seat = Registration.objects.get(pk=ana["seat"].pk)
    assert (seat.status, seat.name, seat.email, seat.phone, seat.contact_consent, seat.access_needs) == (
        "cancelled", "", "", "", False, "")
    assert StaffTask.objects.get(registration=seat).details == ""
    attended = Registration.objects.get(pk=ana["attended"].pk)
    assert (attended.status, attended.name, attended.email) == ("registered", "", "")
    # Ana's seat went to Ben, who was told; Ana was told nothing (there is no contact left).
    ben = Registration.objects.get(pk=ana["ben"].pk)
    assert ben.status == "registered"
    assert ana["coming"].registrations.filter(status="registered").count() == 1
    assert [m.to for m in mail.outbox] == [["ben@example.org"]]
    feedback = FeedbackItem.objects.get(pk=ana["feedback"].pk)
    assert (feedback.contact_consent, feedback.contact_name, feedback.contact_email, feedback.contact_phone) == (
        False, "", "", "")
    assert feedback.text == "More trained neighbors, fewer squad cars."
    assert not Notification.objects.filter(recipient_email__iexact=EMAIL).exists()
    assert not Notification.objects.filter(recipient_phone=PHONE).exists()
    assert not ResidentOptOut.objects.exists()

    event = AuditEvent.objects.get(action="engagement.resident.erased")
    assert {k: v for k, v in event.after.items() if k != "contact_ref"} == {
        "registrations": 2, "registrations_cancelled": 1, "feedback_items": 1, "notifications": 3, "opt_outs": 1}
    assert event.after["contact_ref"] == erasure.contact_reference(email="Ana.Resident@Example.org")
    serialized = json.dumps(event.after) + event.target_label
    assert "example.org" not in serialized.lower() and "555-0100" not in serialized and "Ana" not in serialized

    # The same link again: nothing left, nothing changes, no second audit event.
    again = client.post(link)
    assert again.status_code == 200
    assert AuditEvent.objects.filter(action="engagement.resident.erased").count() == 1
    assert Registration.objects.get(pk=ana["ben"].pk).status == "registered"
    assert b"Nothing: we hold no registration or feedback contact for it." in client.get(link).content


def test_notifications_erased_are_exactly_anas(ana):
    """Ana's confirmation, by email and by text message, goes; Ben's messages stay."""
    bens = set(Notification.objects.filter(recipient_email="ben@example.org").values_list("pk", flat=True))
    anas = set(Notification.objects.filter(recipient_email=EMAIL).values_list("pk", flat=True))
    assert len(anas) == 2 and len(bens) == 1
    counts = erasure.resident_erase(email=EMAIL)
    assert counts["notifications"] == 2
    assert set(Notification.objects.values_list("pk", flat=True)) >= bens
    assert not Notification.objects.filter(pk__in=anas).exists()
    assert Notification.objects.filter(recipient_email="").filter(recipient_phone="").count() == 0


def test_no_enumeration_same_answer_and_nothing_kept_for_unknown_contacts(
        client, ana, django_capture_on_commit_callbacks):
    known = _ask(client, django_capture_on_commit_callbacks, email=EMAIL)
    unknown = _ask(client, django_capture_on_commit_callbacks, email="nobody@example.org", phone="617-555-0999")
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known.content) == _without_csrf(unknown.content)
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    assert not Notification.objects.filter(recipient_email="nobody@example.org").exists()
    assert not Notification.objects.filter(recipient_phone="617-555-0999").exists()


def test_forget_form_errors_are_tied_to_fields(client, django_capture_on_commit_callbacks):
    empty = _ask(client, django_capture_on_commit_callbacks)
    assert b"Give the email or the phone number you used." in empty.content
    bad_email = _ask(client, django_capture_on_commit_callbacks, email="not-an-email")
    assert b'id="id_email_error"' in bad_email.content
    short_phone = _ask(client, django_capture_on_commit_callbacks, phone="555")
    assert b"Enter the phone number with its area code." in short_phone.content
    assert Notification.objects.count() == 0


def test_forget_requests_are_rate_limited(client, settings, ana, django_capture_on_commit_callbacks):
    settings.ENGAGEMENT_FORGET_PER_HOUR = 2
    statuses = [_ask(client, django_capture_on_commit_callbacks, email=EMAIL).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert len(mail.outbox) == 2


def test_each_link_erases_only_the_contact_it_was_sent_to(ana):
    """Someone types Ana's email next to their own phone: their text message erases only their phone's data."""
    other = RegistrationFactory(session=ana["coming"], name="Cal", phone="+1 617 555 0199", contact_consent=True,
                                status=Registration.Status.WAITLISTED)
    assert erasure.erasure_request(email=EMAIL, phone="617.555.0199") == 2
    sms = Notification.objects.get(kind="engagement.erasure_link", channel="sms")
    assert sms.recipient_phone == "617.555.0199" and sms.recipient_email == ""
    token = _link_in(sms.body_text).split("/")[-2]
    assert erasure.contact_from_token(token) == ("", "617.555.0199")
    erasure.resident_erase(email="", phone="617.555.0199")
    assert Registration.objects.get(pk=other.pk).phone == ""
    assert Registration.objects.get(pk=ana["seat"].pk).email == EMAIL


def test_phone_matches_whatever_the_formatting(ana):
    counts = erasure.resident_erase(phone="+1 617.555.0100")
    assert counts["registrations"] == 1
    assert Registration.objects.get(pk=ana["seat"].pk).phone == ""


def test_expired_link_is_400_and_erases_nothing(client, ana):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        token = erasure.erasure_token(email=EMAIL)
    link = reverse("engagement:privacy-forget-confirm", args=[token])
    with time_machine.travel(start + timedelta(days=6, hours=23), tick=False):
        assert client.get(link).status_code == 200
    with time_machine.travel(start + timedelta(days=7, minutes=1), tick=False):
        response = client.post(link)
    assert response.status_code == 400
    assert b"This link has expired" in response.content
    assert Registration.objects.get(pk=ana["seat"].pk).email == EMAIL


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # the signature
    lambda t: "x" + t[1:],  # the encrypted contact
    lambda t: t.split(":", 1)[0],  # no signature at all
])
def test_tampered_link_is_404(client, ana, mangle):
    token = mangle(erasure.erasure_token(email=EMAIL))
    assert client.get(reverse("engagement:privacy-forget-confirm", args=[token])).status_code == 404
    assert client.post(reverse("engagement:privacy-forget-confirm", args=[token])).status_code == 404
    assert Registration.objects.get(pk=ana["seat"].pk).email == EMAIL


def test_a_correctly_signed_link_without_the_encrypted_contact_is_404(client, ana):
    token = signing.TimestampSigner(salt=erasure.ERASURE_SALT).sign(EMAIL)
    assert client.post(reverse("engagement:privacy-forget-confirm", args=[token])).status_code == 404
    assert Registration.objects.get(pk=ana["seat"].pk).email == EMAIL


def test_a_link_signed_for_another_purpose_is_404(client, ana):
    """The registration link is signed with the same key but another salt: it cannot erase anything."""
    token = services.registration_token(ana["seat"])
    assert client.post(reverse("engagement:privacy-forget-confirm", args=[token])).status_code == 404


def test_registration_delete_my_details(client, ana, django_capture_on_commit_callbacks):
    token = services.registration_token(ana["seat"])
    detail = client.get(reverse("engagement:registration-detail", args=[token]))
    erase_url = reverse("engagement:registration-erase", args=[token])
    assert erase_url.encode() in detail.content
    confirm = client.get(erase_url)
    assert b"The registration is cancelled too" in confirm.content
    assert Notification.objects.filter(target_id=str(ana["seat"].pk), recipient_email=EMAIL).count() == 2
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(erase_url)
    assert response.status_code == 302
    seat = Registration.objects.get(pk=ana["seat"].pk)
    assert (seat.status, seat.name, seat.email, seat.phone, seat.access_needs) == ("cancelled", "", "", "", "")
    assert not Notification.objects.filter(target_id=str(seat.pk), recipient_user__isnull=True,
                                           target_type__model="registration").exists()
    assert Registration.objects.get(pk=ana["ben"].pk).status == "registered"
    assert [m.to for m in mail.outbox] == [["ben@example.org"]]
    # Only this registration: the past one and the feedback keep Ana's contact.
    assert Registration.objects.get(pk=ana["attended"].pk).email == EMAIL.upper()
    assert FeedbackItem.objects.get(pk=ana["feedback"].pk).contact_email == EMAIL
    event = AuditEvent.objects.get(action="engagement.registration.erased")
    assert event.target_label == f"registration {seat.code}"
    assert event.after == {"cancelled": True, "notifications": 2, "had_contact": True}
    # Twice is harmless, and the page says it is done.
    assert client.post(erase_url).status_code == 302
    assert AuditEvent.objects.filter(action="engagement.registration.erased").count() == 1
    assert b"Your details were deleted from this registration." in client.get(
        reverse("engagement:registration-detail", args=[token])).content


def test_registration_erase_with_a_forged_token_is_404(client, ana):
    token = services.registration_token(ana["seat"])[:-3] + "abc"
    assert client.post(reverse("engagement:registration-erase", args=[token])).status_code == 404
    assert Registration.objects.get(pk=ana["seat"].pk).name == "Ana"


def test_resident_emails_offer_erasure_staff_emails_do_not(django_capture_on_commit_callbacks):
    session = SessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _register(session, "Dee", email="dee@example.org", contact_consent=True)
    assert "/privacy/forget/" in mail.outbox[0].body
    assert "/privacy/forget/" in mail.outbox[0].alternatives[0][0]
    from tests.factories.engagement import moderator_of

    moderator = moderator_of(session.organization)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_submit(text="I want to die tonight", language=language("en"), session=session)
    assert [m.to for m in mail.outbox] == [[moderator.email]]
    assert "/privacy/forget/" not in mail.outbox[0].body
