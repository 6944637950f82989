import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from apps.notifications.kinds import Channel, Kind, register_kind
from apps.notifications.models import Notification, NotificationPreference
from apps.notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

register_kind(Kind(key="tests.view_optional", label="Test reminder", template="invitation",
                   channels=(Channel.EMAIL, Channel.IN_APP), optional=True))


def _send(user, key, link=""):
    from django.utils import timezone

    notify(kind="tests.view_optional", to=user, dedupe_key=key, channels=(Channel.IN_APP,), link=link,
           context={"invitation": None, "role": "Responder", "organization": f"Org {key}", "inviter": "A",
                    "url": "http://x", "expires_at": timezone.now()})


def test_inbox_lists_own_messages_and_the_unread_count(client):
    user, other = UserFactory(), UserFactory()
    _send(user, "a")
    _send(user, "b")
    _send(other, "c")
    client.force_login(user)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Org a" in page and "Org b" in page
    assert "Org c" not in page
    assert '<span class="usa-tag usa-tag--big site-count">2<span class="usa-sr-only"> unread</span></span>' in page


def test_marking_read_follows_the_link_and_clears_the_count(client):
    user = UserFactory()
    _send(user, "a", link="/organizations/")
    n = Notification.objects.get()
    client.force_login(user)
    response = client.post(reverse("notifications:mark-read", args=[n.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/organizations/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert "site-count" not in client.get(reverse("notifications:inbox")).content.decode()


def test_someone_elses_notification_is_404(client):
    owner, outsider = UserFactory(), UserFactory()
    _send(owner, "a")
    client.force_login(outsider)
    assert client.post(reverse("notifications:mark-read", args=[Notification.objects.get().pk])).status_code == 404
    assert Notification.objects.get().read_at is None


def test_mark_all_read(client):
    user = UserFactory()
    _send(user, "a")
    _send(user, "b")
    client.force_login(user)
    client.post(reverse("notifications:mark-all-read"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_inbox_queries_do_not_grow_with_rows(client):
    user = UserFactory()
    _send(user, "a")
    client.force_login(user)
    client.get(reverse("notifications:inbox"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("notifications:inbox"))
    _send(user, "b")
    _send(user, "c")
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("notifications:inbox"))
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]


def test_preferences_page_turns_a_kind_off_and_on(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="tests.view_optional:email" checked' in page
    # Leaving the box unticked turns the kind off on that channel.
    client.post(reverse("notifications:preferences"), {"tests.view_optional:in_app": "on"})
    assert list(NotificationPreference.objects.filter(user=user, kind="tests.view_optional")
                .values_list("channel", "enabled")) == [("email", False)]
    client.post(reverse("notifications:preferences"), {"tests.view_optional:in_app": "on",
                                                       "tests.view_optional:email": "on"})
    assert NotificationPreference.objects.get(user=user, kind="tests.view_optional", channel="email").enabled is True


def test_preferences_page_does_not_offer_legal_notices(client):
    client.force_login(UserFactory())
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "accounts.invitation" not in page


def test_pages_need_sign_in(client):
    for name in ("notifications:inbox", "notifications:preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_api_lists_and_marks_read():
    user, other = UserFactory(), UserFactory()
    _send(user, "a")
    _send(user, "b")
    _send(other, "c")
    api = APIClient()
    api.force_authenticate(user)
    body = api.get("/api/v1/notifications/").json()
    assert body["count"] == 2
    assert [r["subject"] for r in body["results"]] == ["You are invited to join Org b on crisisprog",
                                                       "You are invited to join Org a on crisisprog"]
    first = body["results"][0]["id"]
    assert api.post("/api/v1/notifications/mark-read/", {"ids": [first]}, format="json").json() == {"marked": 1}
    assert api.get("/api/v1/notifications/", {"unread": "1"}).json()["count"] == 1
    other_id = Notification.objects.get(recipient_user=other).pk
    assert api.get(f"/api/v1/notifications/{other_id}/").status_code == 404


def test_api_preferences_refuse_turning_off_a_legal_notice():
    api = APIClient()
    api.force_authenticate(UserFactory())
    response = api.put("/api/v1/notification-preferences/", {"kind": "accounts.invitation", "channel": "email",
                                                              "enabled": False}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["kind"]
    response = api.put("/api/v1/notification-preferences/", {"kind": "no.such", "channel": "email",
                                                              "enabled": False}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"kind": ["Unknown kind of notification."]}
    response = api.put("/api/v1/notification-preferences/", {"kind": "tests.view_optional", "channel": "email",
                                                              "enabled": False}, format="json")
    assert response.status_code == 200
    assert {"kind": "tests.view_optional", "label": "Test reminder", "channel": "email",
            "enabled": False} in response.json()


def test_api_list_queries_do_not_grow_with_rows():
    user = UserFactory()
    _send(user, "a")
    api = APIClient()
    api.force_authenticate(user)
    api.get("/api/v1/notifications/")  # warm up
    with CaptureQueriesContext(connection) as one:
        api.get("/api/v1/notifications/")
    _send(user, "b")
    _send(user, "c")
    with CaptureQueriesContext(connection) as three:
        api.get("/api/v1/notifications/")
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]


def test_inbox_shows_one_line_of_each_message_and_the_whole_of_it_on_demand(client):
    from django.utils import timezone

    user = UserFactory()
    notify(kind="tests.view_optional", to=user, dedupe_key="long", channels=(Channel.IN_APP,), link="/x/",
           context={"invitation": None, "role": "Responder", "organization": "Harbor " + "word " * 60,
                    "inviter": "A", "url": "http://127.0.0.1:8000/invitations/accept/abc/",
                    "expires_at": timezone.now()})
    body = Notification.objects.get().body_text
    assert "http://127.0.0.1:8000/invitations/accept/abc/" in body and "\n--" in body
    client.force_login(user)
    page = client.get(reverse("notifications:inbox")).content.decode()
    summary = page.split('<p class="usa-collection__description inbox-summary">')[1].split("</p>")[0]
    assert len(summary) <= 160 and summary.endswith("…")
    assert "http" not in summary
    whole = page.split('<details class="inbox-full">')[1].split("</details>")[0]
    assert '<a href="http://127.0.0.1:8000/invitations/accept/abc/"' in whole
    assert "the city's community-responder program" not in whole  # the signature stays in the email
