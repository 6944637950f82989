import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True)
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/sessions/", "/feedback/", "/procurement/"])
def test_every_page_sends_the_security_headers(client, path):
    response = client.get(path, secure=True)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                      "object-src 'none'", "base-uri 'self'", "form-action 'self'"):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_session_key_rotates_at_login(client, password):
    client.get(reverse("account_login"))
    client.cookies.load({"sessionid": "attacker-chosen"})
    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert client.session.session_key not in (None, "attacker-chosen")
    before = client.session.session_key
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert client.session.session_key != before


def test_passwords_never_reach_the_log(client, caplog, password):
    user = UserFactory()
    with caplog.at_level("DEBUG"):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong-" + password})
        client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert password not in caplog.text
