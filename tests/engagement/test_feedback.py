"""Feedback intake: anonymity, consent, the safety screen, the honeypot, the rate limit, no stored IP,
masking, moderation and coding, and the public report-back with small counts suppressed."""

import re

import pytest
from django.apps import apps
from django.core import mail
from django.db import IntegrityError, models
from django.test import override_settings
from django.utils import timezone

from apps.accounts.roles import Role
from apps.core.clients import client_ip
from apps.core.errors import ApplicationError
from apps.engagement import services
from apps.engagement.models import Decision, FeedbackItem
from apps.engagement.privacy import describes_crisis, mask_personal_details
from apps.engagement.selectors import public_theme_counts
from apps.notifications.models import Notification
from tests.factories import CityDepartmentFactory, user_with_role
from tests.factories.engagement import FeedbackFactory, SessionFactory, ThemeFactory, language, moderator_of

pytestmark = pytest.mark.django_db

URL = "/feedback/"


def _form(**overrides):
    data = {"text": "Send trained neighbors, not only police.", "language": language("en").pk}
    data.update(overrides)
    return data


def test_public_feedback_is_anonymous_by_default(client):
    response = client.post(URL, _form(), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert response.templates[0].name == "engagement/feedback_thanks.html"
    item = FeedbackItem.objects.get()
    assert (item.channel, item.status, item.entered_by, item.contact_consent, item.contact_email) == (
        "online", "pending", None, False, "")


def test_contact_needs_the_consent_box(client):
    response = client.post(URL, _form(contact_email="me@example.org"))
    assert response.status_code == 200
    assert response.context["form"].errors["contact_consent"] == [
        "Tick this box to let us keep your contact, or leave it empty."]
    assert FeedbackItem.objects.count() == 0
    client.post(URL, _form(contact_email="me@example.org", contact_consent="on"))
    assert FeedbackItem.objects.get().contact_email == "me@example.org"


def test_database_refuses_contact_without_consent():
    with pytest.raises(IntegrityError):
        FeedbackFactory(contact_email="x@example.org", contact_consent=False)


def test_no_column_anywhere_holds_the_raw_ip(client):
    ip = "198.51.100.23"
    client.post(URL, _form(contact_name="Ana", contact_consent="on", contact_phone="6175550100"), REMOTE_ADDR=ip)
    session = SessionFactory()
    client.post(f"/sessions/{session.pk}/register/", {"name": "Ana", "language": language("en").pk}, REMOTE_ADDR=ip)
    assert FeedbackItem.objects.count() == 1
    found = []
    for model in apps.get_models():
        text_fields = [f.name for f in model._meta.concrete_fields
                       if isinstance(f, models.CharField | models.TextField | models.JSONField
                                     | models.GenericIPAddressField)]
        for row in model.objects.values(*text_fields):
            for name, value in row.items():
                if value and ip in str(value):
                    found.append((model._meta.label, name))
    assert found == []


def test_rate_limit_per_client_without_storing_the_ip(client):
    with override_settings(ENGAGEMENT_FEEDBACK_PER_HOUR=2):
        codes = [client.post(URL, _form(text=f"Comment {n}"), REMOTE_ADDR="192.0.2.1").status_code for n in range(3)]
        other = client.post(URL, _form(text="From elsewhere"), REMOTE_ADDR="192.0.2.2").status_code
    assert codes == [200, 200, 429]
    assert other == 200
    assert FeedbackItem.objects.count() == 3


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_client_ip_trusts_only_the_configured_proxy_hops(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.9", REMOTE_ADDR="172.16.0.1")
    assert client_ip(request) == "203.0.113.9"
    with override_settings(TRUSTED_PROXY_COUNT=0):
        assert client_ip(request) == "172.16.0.1"


def test_honeypot_answers_thanks_and_keeps_nothing(client):
    response = client.post(URL, _form(website="http://spam.example"))
    assert response.status_code == 200
    assert response.templates[0].name == "engagement/feedback_thanks.html"
    assert FeedbackItem.objects.count() == 0


def test_feedback_form_shows_988(client):
    body = client.get(URL).content.decode()
    assert "<strong>988</strong>" in body


def test_crisis_message_alerts_moderators_at_once_and_shows_resources(client, django_capture_on_commit_callbacks):
    moderator = moderator_of(email="mod@example.org")
    user_with_role(Role.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _form(text="I want to kill myself tonight"))
    assert response.context["crisis"] is True
    assert "<strong>988</strong>" in response.content.decode()
    item = FeedbackItem.objects.get()
    assert item.safety_flag is True
    alerts = Notification.objects.filter(kind="engagement.safety_alert")
    assert sorted(alerts.values_list("recipient_user__email", "channel")) == [
        ("mod@example.org", "email"), ("mod@example.org", "in_app")]
    assert [m.to for m in mail.outbox] == [["mod@example.org"]]
    assert "kill myself" not in mail.outbox[0].body  # the alert links to the item; the text stays in the app
    assert moderator.pk == alerts.first().recipient_user_id


@pytest.mark.parametrize(("text", "expected"), [
    ("I am going to hurt myself", True),
    ("Quiero morir, no aguanto más", True),
    ("Voy a matarlo si vuelve", True),
    ("Police should not be first at a suicide call? I disagree.", True),
    ("More responders who speak Spanish please", False),
    ("La policía no debe llegar primero", False),
])
def test_safety_screen_english_and_spanish(text, expected):
    assert describes_crisis(text) is expected


def test_crisis_item_can_never_be_published():
    moderator = moderator_of()
    item = services.feedback_submit(text="quiero morir", language=language("es"))
    assert item.safety_flag is True
    with pytest.raises(ApplicationError, match="never published"):
        services.feedback_moderate(by=moderator, item=item, approve=True)
    with pytest.raises(IntegrityError):
        FeedbackItem.objects.filter(pk=item.pk).update(status="approved")


def test_masking_of_emails_phones_and_addresses():
    text = "Call me at (617) 555-0100 or 617.555.0199, write ana@example.org, I live at 12 Blue Hill Ave."
    assert mask_personal_details(text) == (
        "Call me at [phone] or [phone], write [email], I live at [address]")


def test_staff_entry_records_channel_and_who_typed_it(client):
    moderator = moderator_of()
    client.force_login(moderator)
    response = client.post("/staff/engagement/feedback/new/", {
        "channel": "paper_card", "text": "Escrito a mano", "language": language("es").pk})
    assert response.status_code == 302
    item = FeedbackItem.objects.get()
    assert (item.channel, item.entered_by, item.language.code) == ("paper_card", moderator, "es")


def test_coordinator_cannot_publish_feedback():
    item = FeedbackFactory()
    coordinator = user_with_role(Role.COORDINATOR)
    with pytest.raises(ApplicationError, match="Only a moderator"):
        services.feedback_moderate(by=coordinator, item=item, approve=True)


def test_rejection_reason_is_told_to_author_with_contact(django_capture_on_commit_callbacks):
    moderator = moderator_of()
    item = FeedbackFactory(contact_consent=True, contact_email="a@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_moderate(by=moderator, item=item, approve=False, reason="off_topic", note="about parking")
    item.refresh_from_db()
    assert (item.status, item.reject_reason, item.moderated_by) == ("rejected", "off_topic", moderator)
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert "Not about the program" in mail.outbox[0].body
    with pytest.raises(ApplicationError, match="Choose the reason"):
        services.feedback_moderate(by=moderator, item=item, approve=False, reason="")


def test_coding_sets_several_themes():
    moderator = moderator_of()
    item = FeedbackFactory()
    a, b, c = ThemeFactory(), ThemeFactory(), ThemeFactory()
    services.feedback_code(by=moderator, item=item, themes=[a, b])
    services.feedback_code(by=moderator, item=item, themes=[b, c])
    assert sorted(item.themes.values_list("pk", flat=True)) == sorted([b.pk, c.pk])


def test_public_theme_counts_suppress_under_five():
    moderator = moderator_of()
    big, small = ThemeFactory(name="Big"), ThemeFactory(name="Small")
    child = ThemeFactory(name="Child", parent=big)
    for n in range(4):
        services.feedback_code(by=moderator, item=FeedbackFactory(status="approved"), themes=[big])
    services.feedback_code(by=moderator, item=FeedbackFactory(status="approved"), themes=[child])
    for n in range(4):
        services.feedback_code(by=moderator, item=FeedbackFactory(status="approved"), themes=[small])
    services.feedback_code(by=moderator, item=FeedbackFactory(status="pending"), themes=[small])
    assert [(r["theme"].name, r["count"]) for r in public_theme_counts()] == [("Big", 5), ("Small", None)]


def test_public_report_back_page_masks_and_suppresses(client):
    moderator = moderator_of()
    theme = ThemeFactory(name="Language access")
    item = FeedbackFactory(status="approved", text="Email me at ana@example.org about interpreters")
    decision = services.decision_save(
        by=moderator, title="Interpreters",
            translations={"es": {"title": "Intérpretes", "action": "Contratamos dos."}},
            action="We hired two.", outcome=Decision.Outcome.ADOPTED, progress="done",
        decided_on=timezone.localdate(), themes=[theme], feedback_items=[item])
    services.decision_publish(by=moderator, decision=decision)
    body = client.get("/you-said-we-did/").content.decode()
    assert "Email me at [email] about interpreters" in body
    assert "ana@example.org" not in body
    assert re.search(r"<td>Language access</td><td>fewer than 5</td>", body)
    es = client.get("/you-said-we-did/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Contratamos dos." in es


def test_decision_tells_consenting_authors(django_capture_on_commit_callbacks):
    moderator = moderator_of()
    item = FeedbackFactory(status="approved", contact_consent=True, contact_email="b@example.org")
    anon = FeedbackFactory(status="approved")
    decision = services.decision_save(
        by=moderator, title="T", translations={"es": {"title": "T", "action": "A"}}, action="A", outcome="adapted",
        progress="planned", decided_on=timezone.localdate(), themes=[], feedback_items=[item, anon])
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_publish(by=moderator, decision=decision)
        services.decision_publish(by=moderator, decision=decision)
    assert [m.to for m in mail.outbox] == [["b@example.org"]]


def test_feedback_of_another_department_is_hidden_from_its_moderators():
    department = CityDepartmentFactory()
    session = SessionFactory(organization=department)
    own = services.feedback_submit(text="Ours", language=language("en"), session=session)
    general = services.feedback_submit(text="General", language=language("en"))
    from apps.engagement.selectors import feedback_list

    assert set(feedback_list(user=moderator_of(department))) == {own, general}
    assert set(feedback_list(user=moderator_of())) == {general}
    assert list(feedback_list(user=user_with_role(Role.COORDINATOR))) == []


def test_session_feedback_alerts_the_departments_moderators_only(django_capture_on_commit_callbacks):
    department = CityDepartmentFactory()
    own = moderator_of(department, email="own@example.org")
    moderator_of(email="elsewhere@example.org")
    session = SessionFactory(organization=department)
    services.feedback_submit(text="I will end my life", language=language("en"), session=session)
    recipients = set(Notification.objects.filter(kind="engagement.safety_alert")
                     .values_list("recipient_user_id", flat=True))
    assert recipients == {own.pk}
