"""The navigation is built from the user's roles; the dashboard shows each role its cards."""

import re

import pytest

from apps.accounts.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

NAV_LINK = re.compile(r'<nav aria-label="Main">(.*?)</nav>', re.S)
HREF = re.compile(r'<a href="([^"]+)"')


def _nav_links(response) -> list[str]:
    nav = NAV_LINK.search(response.content.decode()).group(1)
    first_list = nav.split('<ul class="nav nav-account">')[0]
    return HREF.findall(first_list)


# The entries of core, accounts and notifications; other apps test their own entries.
FOUNDATION_LINKS = {"/", "/notifications/", "/organizations/", "/invitations/", "/audit/", "/api/docs/"}
EVERYONE = ["/", "/notifications/", "/organizations/", "/api/docs/"]


@pytest.mark.parametrize(("role", "expected"), [
    (Role.PROGRAM_ADMIN, ["/", "/notifications/", "/organizations/", "/invitations/", "/audit/", "/api/docs/"]),
    (Role.COORDINATOR, ["/", "/notifications/", "/organizations/", "/invitations/", "/api/docs/"]),
    (Role.RESPONDER, EVERYONE),
    (Role.TRAINER, EVERYONE),
    (Role.PROCUREMENT_OFFICER, EVERYONE),
    (Role.MODERATOR, EVERYONE),
    (Role.RFP_EVALUATOR, EVERYONE),
    (Role.PROGRAM_EVALUATOR, EVERYONE),
])
def test_navigation_shows_what_the_role_may_use(client, role, expected):
    client.force_login(user_with_role(role))
    response = client.get("/")
    assert response.status_code == 200
    assert [link for link in _nav_links(response) if link in FOUNDATION_LINKS] == expected


def test_navigation_for_anonymous_offers_sign_in(client):
    response = client.get("/")
    assert response.status_code == 200
    assert _nav_links(response) == ["/", "/sessions/", "/feedback/", "/you-said-we-did/", "/procurement/",
                                    "/accounts/login/"]


def test_every_navigation_link_opens_for_its_role(client):
    for role in Role.values:
        user = user_with_role(role)
        client.force_login(user)
        for href in _nav_links(client.get("/")):
            assert client.get(href).status_code == 200, (role, href)


def test_dashboard_cards_follow_roles(client):
    coordinator = user_with_role(Role.COORDINATOR)
    client.force_login(coordinator)
    page = client.get("/").content.decode()
    assert 'id="card-accounts-roles"' in page
    assert 'id="card-accounts-invitations"' in page
    responder = user_with_role(Role.RESPONDER)
    client.force_login(responder)
    page = client.get("/").content.decode()
    assert 'id="card-accounts-roles"' in page
    assert 'id="card-accounts-invitations"' not in page


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()
    assert " style=" not in response.content.decode()


def test_language_switch_serves_spanish(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="es">' in page
    assert "Saltar al contenido principal" in page
