"""The navigation is built from the user's roles and grouped by task; the dashboard shows each role its cards."""

import re

import pytest

from apps.accounts.roles import Role
from apps.core.registry import navigation_for, navigation_menu
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

# The header's sections: from the USWDS primary list to the account menu, its last item.
NAV_LINK = re.compile(r'<ul class="usa-nav__primary usa-accordion">(.*?)'
                      r'<li class="usa-nav__primary-item site-(?:account|language)">', re.S)
ACCOUNT_MENU = re.compile(r'<ul id="nav-account" class="usa-nav__submenu site-account__menu" hidden>(.*?)</ul>', re.S)
HREF = re.compile(r'<a href="([^"]+)"')


def _nav_links(response) -> list[str]:
    """The links of the main navigation, groups and all (not the account menu, its last item)."""
    return HREF.findall(NAV_LINK.search(response.content.decode()).group(1))


# The entries of core, accounts and notifications; other apps test their own entries.
FOUNDATION_LINKS = {"/", "/notifications/", "/organizations/", "/invitations/", "/audit/", "/api/docs/"}
EVERYONE = ["/", "/notifications/", "/organizations/"]


@pytest.mark.parametrize(("role", "expected"), [
    (Role.PROGRAM_ADMIN, ["/", "/notifications/", "/organizations/", "/invitations/", "/audit/"]),
    (Role.COORDINATOR, ["/", "/notifications/", "/organizations/", "/invitations/"]),
    (Role.RESPONDER, ["/", "/notifications/"]),
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


def _menu(user, path="/nowhere/"):
    menu = navigation_menu(navigation_for(user), path=path)
    sections = [(str(s["label"]), [i["key"] for i in s["items"]]) for s in menu["sections"]]
    return sections, [i["key"] for i in menu["account"]]


def test_responder_sees_their_shifts_and_training_and_no_procurement_admin_or_api():
    sections, account = _menu(user_with_role(Role.RESPONDER))
    assert sections == [
        ("Dashboard", ["dashboard"]),
        ("Notifications", ["notifications"]),
        ("Schedule", ["scheduling-my", "scheduling-open", "scheduling-swaps", "scheduling-time-off",
                      "scheduling-roster-profile", "operations-encounters"]),
        ("People & training", ["training-my", "training-sessions"]),
        ("Community", ["engagement-public"]),
        ("Reports", ["reports"]),
    ]
    assert account == []


def test_coordinator_groups():
    sections, account = _menu(user_with_role(Role.COORDINATOR))
    assert sections == [
        ("Dashboard", ["dashboard"]),
        ("Notifications", ["notifications"]),
        ("Schedule", ["scheduling-schedule", "operations-board", "scheduling-roster", "scheduling-swaps",
                      "scheduling-time-off", "scheduling-timesheets", "scheduling-coverage", "operations-encounters"]),
        ("People & training", ["training-readiness", "training-verification", "training-import", "training-sessions",
                               "organizations", "invitations"]),
        ("Procurement", ["procurement-rfps", "procurement-proposals"]),
        ("Community", ["engagement-public"]),
        ("Reports", ["reports"]),
    ]
    assert account == ["api-tokens", "api-docs"]


def test_program_admin_groups():
    sections, account = _menu(user_with_role(Role.PROGRAM_ADMIN))
    assert sections == [
        ("Dashboard", ["dashboard"]),
        ("Notifications", ["notifications"]),
        ("Schedule", ["operations-board"]),  # a group of one entry: shown as that link, "On duty"
        ("People & training", ["training-readiness", "training-sessions", "training-requirements", "organizations",
                               "invitations"]),
        ("Community", ["engagement-public", "engagement-sessions", "engagement-feedback", "engagement-codebook",
                       "engagement-decisions", "translations"]),
        ("Reports", ["reports", "operations-evaluation", "audit"]),
    ]
    assert account == ["api-tokens", "operations-service-tokens", "api-docs"]


def test_service_tokens_are_in_the_program_admins_user_menu_only(client):
    """Issue 22: the dispatch system's service tokens, beside the personal API tokens; a dispatcher reads the
    dispatch API but does not make its tokens."""
    admin = user_with_role(Role.PROGRAM_ADMIN)
    client.force_login(admin)
    menu = ACCOUNT_MENU.search(client.get("/").content.decode()).group(1)
    assert "/ops/service-tokens/" in HREF.findall(menu)
    assert client.get("/ops/service-tokens/").status_code == 200
    for role in (Role.DISPATCHER, Role.COORDINATOR, Role.RESPONDER):
        assert "operations-service-tokens" not in _menu(user_with_role(role))[1], role


def test_dispatcher_sees_the_on_duty_board():
    sections, account = _menu(user_with_role(Role.DISPATCHER))
    assert sections == [("Dashboard", ["dashboard"]), ("Notifications", ["notifications"]),
                        ("Schedule", ["operations-board"]), ("People & training", ["organizations"]),
                        ("Community", ["engagement-public"])]
    assert account == ["api-tokens", "api-docs"]


def test_a_group_with_one_entry_is_that_link_and_a_larger_one_a_menu():
    menu = navigation_menu(navigation_for(user_with_role(Role.COORDINATOR)), path="/")
    links = {s["key"]: s["link"] and s["link"]["label"] for s in menu["sections"]}
    assert links["community"] == "Community sessions"
    assert links["schedule"] is None


def test_the_current_page_marks_its_link_and_group():
    menu = navigation_menu(navigation_for(user_with_role(Role.RESPONDER)), path="/shifts/open/")
    current = {i["key"]: i["current"] for s in menu["sections"] for i in s["items"] if i["current"]}
    assert current == {"scheduling-open": "page"}  # not "My shifts" at /shifts/, which it starts with
    assert [s["key"] for s in menu["sections"] if s["current"]] == ["schedule"]
    # A page under an entry marks it too, but it is not that page; the dashboard is current only on itself.
    menu = navigation_menu(navigation_for(user_with_role(Role.RESPONDER)), path="/shifts/swaps/12/")
    assert {i["key"]: i["current"] for s in menu["sections"] for i in s["items"] if i["current"]} == {
        "scheduling-swaps": "true"}


def test_header_renders_groups_as_uswds_accordions_and_the_account_menu_with_sign_out_as_a_post(client):
    client.force_login(user_with_role(Role.COORDINATOR))
    page = client.get("/shifts/swaps/").content.decode()
    nav = NAV_LINK.search(page).group(1)
    # The page's group is a USWDS accordion button marked current, controlling its hidden list of links.
    assert re.search(r'<button type="button" class="usa-accordion__button usa-nav__link usa-current" '
                     r'aria-expanded="false" aria-controls="nav-schedule"><span>Schedule</span>', nav)
    assert '<ul id="nav-schedule" class="usa-nav__submenu" hidden>' in nav
    assert '<a href="/shifts/swaps/" aria-current="page"><span>Shift swaps</span></a>' in nav
    assert '<a href="/sessions/" class="usa-nav-link"><span>Community sessions</span></a>' in nav  # a group of one
    assert "/api/docs/" not in nav
    user_menu = ACCOUNT_MENU.search(page).group(1)
    assert HREF.findall(user_menu) == ["/profile/", "/accounts/2fa/", "/profile/api-tokens/", "/api/docs/"]
    assert re.search(r'<form method="post" action="/accounts/logout/">', user_menu)
    assert 'id="language-select"' in user_menu
    # Without JavaScript the accordions cannot open: a noscript list holds every link, sign out included.
    plain = page.split('<nav class="site-nav-plain"')[1].split("</nav>")[0]
    assert '<a href="/shifts/swaps/" aria-current="page"><span>Shift swaps</span></a>' in plain
    assert 'action="/accounts/logout/"' in plain


def test_a_visitor_sees_the_residents_links_and_the_language_switch(client):
    page = client.get("/sessions/").content.decode()
    current = ('<a href="/sessions/" class="usa-nav-link usa-current" aria-current="page">'
               "<span>Community sessions</span></a>")
    assert current in page
    assert '<a href="/accounts/login/" class="usa-nav-link"><span>Staff sign in</span></a>' in page
    assert 'id="language-select"' in page
    assert 'id="nav-account"' not in page
    # On a phone the switch is behind Menu: the bar's <details> menu offers every language, named in it.
    toggle = page.split('<details class="site-language-toggle">')[1].split("</details>")[0]
    assert ('<button type="submit" name="language" value="es" lang="es" dir="ltr" class="usa-button '
            'usa-button--unstyled">Español</button>') in toggle


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
    assert '<html lang="es" dir="ltr">' in page
    assert "Saltar al contenido principal" in page


def test_encounters_for_the_nonprofits_and_the_evaluation_for_program_staff():
    """ENCOUNTERS (operations): the log beside the shifts for responders and coordinators; the de-identified
    evaluation with the reports for the program admin and the program evaluator, and for no one else."""
    def keys(role):
        return {key for _label, items in _menu(user_with_role(role))[0] for key in items}

    expected = {Role.RESPONDER: {"operations-encounters"}, Role.COORDINATOR: {"operations-encounters"},
                Role.PROGRAM_ADMIN: {"operations-evaluation"}, Role.PROGRAM_EVALUATOR: {"operations-evaluation"},
                Role.TRAINER: set(), Role.MODERATOR: set(), Role.PROCUREMENT_OFFICER: set(), Role.RFP_EVALUATOR: set()}
    for role, want in expected.items():
        assert keys(role) & {"operations-encounters", "operations-evaluation"} == want, role
    sections, _account = _menu(user_with_role(Role.PROGRAM_EVALUATOR))
    assert dict(sections)["Reports"] == ["reports", "operations-evaluation"]
