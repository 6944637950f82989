import pytest
from django.urls import reverse

from apps.accounts.roles import Role
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_with_email_and_password(client, password):
    user = user_with_role(Role.RESPONDER)
    response = _login(client, user.email, password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_mfa_asks_for_the_second_factor(client, password):
    user = user_with_role(Role.PROCUREMENT_OFFICER)
    response = _login(client, user.email, password)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_after_five_failures_for_one_account(client, password):
    user = UserFactory()
    for _ in range(5):
        response = _login(client, user.email, "wrong-password")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
    # Even the right password is refused while the account's failure budget is spent.
    response = _login(client, user.email, password)
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_per_address_across_accounts(client):
    users = UserFactory.create_batch(11)
    statuses = [_login(client, u.email, "wrong-password").status_code for u in users]
    assert statuses[:10] == [200] * 10
    response = _login(client, users[10].email, "wrong-password")
    assert "Too many failed login attempts" in response.content.decode()


def test_password_reset_requests_are_throttled(client):
    user = UserFactory()
    url = reverse("account_reset_password")
    statuses = [client.post(url, {"email": user.email}).status_code for _ in range(4)]
    assert statuses[:3] == [302, 302, 302]
    assert statuses[3] == 429


def test_signup_is_closed_accounts_come_from_invitations(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "Sign Up Closed" in response.content.decode() or "closed" in response.content.decode().lower()
    response = client.post(reverse("account_signup"), {
        "email": "new@example.org", "password1": "a-long-password-1", "password2": "a-long-password-1"})
    from apps.accounts.models import User

    assert not User.objects.filter(email="new@example.org").exists()


def test_password_reset_mail_goes_through_the_notification_sender(client, django_capture_on_commit_callbacks):
    from django.core import mail

    from apps.notifications.models import Notification

    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    row = Notification.objects.get()
    assert (row.recipient_email, row.kind, row.channel, row.status) == (user.email, "accounts.security", "email",
                                                                          "sent")
    assert row.dedupe_key.startswith("accounts.password_reset_key:")
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
