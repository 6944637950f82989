"""City staff cannot reach staff pages, the admin or the API until they set up MFA; idle sessions end."""

import pytest
import time_machine
from django.urls import reverse

from apps.accounts.middleware import LAST_SEEN_KEY
from apps.accounts.roles import CITY_STAFF_ROLES, Role
from tests.factories import enable_totp, user_with_role

pytestmark = pytest.mark.django_db

STAFF_ROLES = sorted(CITY_STAFF_ROLES)
NON_STAFF_ROLES = [Role.COORDINATOR, Role.TRAINER, Role.RESPONDER, Role.PROGRAM_EVALUATOR]


@pytest.mark.parametrize("role", STAFF_ROLES)
@pytest.mark.parametrize("path", ["/", "/organizations/", "/audit/", "/profile/"])
def test_staff_without_mfa_is_sent_to_set_it_up(client, role, path):
    client.force_login(user_with_role(role, mfa=False))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_activate_totp')}?next={path.replace('/', '%2F')}"


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_without_mfa_is_refused_the_admin(client, role):
    user = user_with_role(role, mfa=False)
    user.is_staff = True
    user.save()
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_without_mfa_is_refused_the_api(client, role):
    client.force_login(user_with_role(role, mfa=False))
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "City staff must set up two-factor authentication before using the API.", "errors": {}}


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_without_mfa_can_reach_the_setup_page(client, role, password):
    user = user_with_role(role, mfa=False)
    # A real sign-in (not force_login): allauth asks for recent authentication before MFA setup.
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response["Location"] == "/"
    assert client.get("/")["Location"] == f"{reverse('mfa_activate_totp')}?next=%2F"
    # Right after signing in, the first factor is added without typing the password again.
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_staff_setting_up_mfa_long_after_sign_in_confirms_the_password(client, password):
    user = user_with_role(Role.MODERATOR, mfa=False)
    with time_machine.travel("2026-11-27 09:00:00 -0500", tick=False):
        client.post(reverse("account_login"), {"login": user.email, "password": password})
    with time_machine.travel("2026-11-27 09:10:00 -0500", tick=False):
        response = client.get(reverse("mfa_activate_totp"))
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        client.post(reverse("account_reauthenticate"), {"password": password})
        assert client.get(reverse("mfa_activate_totp")).status_code == 200
        assert client.get(reverse("mfa_index")).status_code == 200


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_with_mfa_reaches_staff_pages(client, role):
    user = user_with_role(role, mfa=False)
    enable_totp(user)
    client.force_login(user)
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_admin_with_mfa_reaches_the_django_admin(client):
    user = user_with_role(Role.PROGRAM_ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("role", NON_STAFF_ROLES)
def test_non_staff_roles_need_no_mfa(client, role):
    client.force_login(user_with_role(role))
    assert client.get("/").status_code == 200


def test_staff_session_ends_after_thirty_idle_minutes(client):
    client.force_login(user_with_role(Role.MODERATOR))
    with time_machine.travel("2026-11-27 10:00:00 -0500", tick=False):
        assert client.get("/").status_code == 200
        assert client.session[LAST_SEEN_KEY] is not None
    with time_machine.travel("2026-11-27 10:29:00 -0500", tick=False):
        assert client.get("/").status_code == 200  # activity within the limit keeps it alive
    with time_machine.travel("2026-11-27 10:59:30 -0500", tick=False):
        response = client.get("/organizations/")
    # Signed out, whether the middleware's idle check or the session's own expiry came first.
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('account_login')}?next=")
    assert "organizations" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_staff_session_expiry_is_the_idle_limit(client):
    client.force_login(user_with_role(Role.PROGRAM_ADMIN))
    client.get("/")
    assert client.session.get_expiry_age() == 30 * 60


def test_responder_session_is_not_cut_at_thirty_minutes(client):
    client.force_login(user_with_role(Role.RESPONDER))
    with time_machine.travel("2026-11-27 10:00:00 -0500", tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel("2026-11-27 11:30:00 -0500", tick=False):
        assert client.get("/").status_code == 200


def test_staff_without_mfa_see_no_menu_on_the_setup_page(client, password):
    user = user_with_role(Role.PROGRAM_ADMIN, mfa=False)
    client.post(reverse("account_login"), {"login": user.email, "password": password})
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert 'href="/audit/"' not in page
    assert 'href="/organizations/"' not in page
    assert "Sign out" in page


def test_the_new_recovery_codes_show_without_a_password_prompt_but_an_old_factor_asks(client, password):
    from tests.factories import enable_totp

    user = user_with_role(Role.MODERATOR, mfa=False)
    client.post(reverse("account_login"), {"login": user.email, "password": password})
    enable_totp(user)  # added in this session, right after signing in
    assert client.get(reverse("mfa_generate_recovery_codes")).status_code == 200
    veteran = user_with_role(Role.MODERATOR, mfa=False)
    with time_machine.travel("2026-11-01 09:00:00 -0500", tick=False):
        enable_totp(veteran)  # a factor from before this sign-in
    client.post(reverse("account_logout"))
    client.force_login(veteran)
    response = client.get(reverse("mfa_generate_recovery_codes"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def _sign_in_with_code(client, user, password, code) -> bool:
    client.post(reverse("account_login"), {"login": user.email, "password": password})
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    return response.status_code == 302 and client.get("/").status_code == 200


def test_a_code_that_rolled_over_on_the_way_to_the_server_still_signs_in(client, password):
    """The code shown when the person read it is accepted a step later (the form reached the server after the
    phone moved on); one two steps old is not, and a code is never accepted twice."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    user = user_with_role(Role.MODERATOR, mfa=False)
    secret = enable_totp(user)

    def code_at(instant: float) -> str:
        return format_hotp_value(hotp_value(secret, int(instant) // 30))

    step = 1_830_000_000 // 30 * 30  # a step boundary in 2027
    with time_machine.travel(step + 1, tick=False):
        assert _sign_in_with_code(client, user, password, code_at(step - 1))
        client.logout()
        assert not _sign_in_with_code(client, user, password, code_at(step - 1))  # replayed
        client.logout()
        assert not _sign_in_with_code(client, user, password, code_at(step - 61))  # two steps old
