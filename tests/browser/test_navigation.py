"""The USWDS header: one row at 1280 px and behind "Menu" on a 390 px phone; a group opened from the keyboard
(focus its button, Enter) leads to its page, marked as the current one; the account menu holds sign out."""

import re

import pytest

from apps.accounts.roles import Role
from tests.browser.helpers import assert_accessible, sign_in, tab_to
from tests.factories import DEFAULT_PASSWORD, OrganizationFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _header_height(page) -> float:
    return page.get_by_role("banner").bounding_box()["height"]


def test_coordinator_header_is_one_row_and_a_group_opens_from_the_keyboard(new_page):
    coordinator = user_with_role(Role.COORDINATOR, OrganizationFactory(), full_name="Jordan Baptiste")
    page = new_page(width=1280, height=800)
    sign_in(page, email=coordinator.email, password=DEFAULT_PASSWORD)

    # One row: the brand, every section and the user menu share the bar's height (the old header took three).
    assert _header_height(page) < 80
    nav = page.get_by_role("navigation", name="Main")
    assert not nav.get_by_role("link", name="Shift swaps").is_visible()
    sections = page.locator(".usa-nav__primary > li:not(.site-account)")
    assert sections.get_by_role("link", name="API docs", include_hidden=True).count() == 0  # in the account menu
    assert_accessible(page, "header closed")

    tab_to(page, "Schedule")
    page.keyboard.press("Enter")
    assert nav.get_by_role("link", name="Shift swaps").is_visible()
    assert_accessible(page, "header with a group open")
    tab_to(page, "Shift swaps")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/shifts/swaps/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Shift swaps"
    # The page's group is marked, and its link once the group is open.
    current = page.locator(".usa-nav__primary > li > button.usa-current")
    assert current.inner_text().startswith("Schedule")
    current.click()
    assert nav.get_by_role("link", name="Shift swaps").get_attribute("aria-current") == "page"

    # Escape closes the open menu (USWDS's header script).
    page.keyboard.press("Escape")
    assert not nav.get_by_role("link", name="Shift swaps").is_visible()

    page.locator('button[aria-controls="nav-account"]').click()
    assert page.get_by_role("link", name="API tokens").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert_accessible(page, "user menu open")


def test_responder_header_on_a_phone_is_one_row_behind_menu(new_page):
    responder = user_with_role(Role.RESPONDER, OrganizationFactory(), full_name="Riley Chen")
    page = new_page(width=390, height=844)
    sign_in(page, email=responder.email, password=DEFAULT_PASSWORD)

    assert _header_height(page) < 80
    assert not page.get_by_role("navigation", name="Main").is_visible()
    assert_accessible(page, "phone header closed")

    tab_to(page, re.compile(r"^\s*Menu\s*$", re.I))  # USWDS draws it in capitals
    page.keyboard.press("Enter")
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Dashboard").is_visible()
    assert nav.get_by_role("link", name=re.compile("API")).count() == 0
    tab_to(page, "Schedule")
    page.keyboard.press("Enter")
    assert_accessible(page, "phone menu with a group open")
    tab_to(page, "Open shifts")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/shifts/open/$"))
    assert _header_height(page) < 80  # the menu is closed again on the new page

    # The language switch and sign out are in the account menu, inside "Menu".
    page.locator(".usa-menu-btn").click()
    page.locator('button[aria-controls="nav-account"]').click()
    assert page.get_by_label("Language").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.get_by_role("link", name="API tokens").count() == 0
