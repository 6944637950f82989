"""Journey 7: a city staff member without a second factor is sent to set one up before any staff page; with
the authenticator added (the code computed here from the secret the page shows) they reach the dashboard."""

import re

import pytest
from allauth.mfa.models import Authenticator

from apps.accounts.roles import Role
from tests.browser.helpers import Journey, follow_nav, open_user_menu, totp_code
from tests.factories import DEFAULT_PASSWORD, CityDepartmentFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SETUP_PATH = re.compile(r"/accounts/2fa/totp/activate/")


def test_staff_without_mfa_sets_it_up_before_any_staff_page(new_page):
    city = CityDepartmentFactory(name="City Health and Human Services", slug="city-health")
    admin = user_with_role(Role.PROGRAM_ADMIN, city, mfa=False, email="alex@city.example", full_name="Alex Rivera")
    page = new_page()
    journey = Journey("7-staff-mfa", page)

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff sign in").click()
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.wait_for_url(SETUP_PATH)
    assert page.get_by_text("City staff must set up two-factor authentication before using crisisprog.").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Activate Authenticator App"
    journey.check("sent to set up MFA")

    # The menu stays empty meanwhile, and every link left in the header sends them back here.
    assert page.get_by_role("navigation", name="Main").get_by_role("list").first.get_by_role("link").count() == 0
    for name in ("crisisprog", "Profile"):
        if name == "Profile":
            open_user_menu(page)
        page.get_by_role("banner").get_by_role("link", name=name, exact=True).click()
        page.wait_for_url(SETUP_PATH)
        assert page.get_by_text("City staff must set up two-factor authentication").is_visible()
        assert page.get_by_role("heading", level=1).inner_text() == "Activate Authenticator App"
    assert not Authenticator.objects.filter(user=admin).exists()

    secret = page.get_by_label("Authenticator secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label(re.compile("^Authenticator code")).fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    assert page.get_by_text("Authenticator app activated.").is_visible()
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()
    # Straight on to the new recovery codes: the factor was added moments after signing in, so no
    # second password prompt (the accounts adapter's rule).
    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Recovery Codes"
    journey.check("recovery codes")

    follow_nav(page, "Dashboard")
    assert page.get_by_role("heading", level=1).inner_text() == "Hello, Alex"
    journey.check("dashboard")
    follow_nav(page, "Audit log")
    assert page.get_by_role("heading", level=1).inner_text() == "Audit log"
    journey.check("audit log")
