"""Every public page, reached by clicking from the home page: no serious or critical axe violations at desktop
and at 320 px, in English and in Spanish (longer words), and no horizontal scrolling at 320 px (WCAG 1.4.10)."""

import re

import pytest

from tests.browser.helpers import assert_accessible, horizontal_overflow, overflowing, reveal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _header_link(page, name, *, exact: bool = True) -> None:
    """Follow a link of the header's navigation in any language (helpers.follow_nav finds the navigation by its
    English name, "Main"): on a phone, open "Menu" first."""
    link = page.locator("nav.usa-nav").get_by_role("link", name=name, exact=exact, include_hidden=True)
    reveal(link).click()

LINKS = {
    "en": {"find": "Find a session", "session": "Listening session: who should answer a mental-health call?",
           "register": "Register", "feedback": "Give feedback", "decisions": "You said, we did",
           "rfps": "Open RFPs", "sign_in": "Staff sign in", "forgot": re.compile(r"^Forgot your password\?$"),
           "h1": "Community crisis response"},
    "es": {"find": "Buscar una sesión",
           "session": "Sesión para escuchar: ¿quién debe responder a una llamada de salud mental?",
           "register": "Inscribirse", "feedback": "Dé su opinión", "decisions": "Lo que nos dijo y lo que hicimos",
           "rfps": "RFP abiertas", "sign_in": "Acceso para el personal", "forgot": re.compile(r"contraseña\?$"),
           "h1": "Respuesta comunitaria a crisis"},
}


def _visit_public_pages(page, links):
    """Yields the name of each public page once the browser is on it, reached by links from the home page."""
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == links["h1"]
    yield "home"
    page.get_by_role("main").get_by_role("link", name=links["find"]).click()
    yield "sessions list"
    page.get_by_role("link", name=links["session"], exact=True).click()
    yield "session page"
    page.get_by_role("main").get_by_role("link", name=links["register"], exact=True).click()
    yield "register"
    _header_link(page, links["feedback"], exact=False)  # behind "Menu" on a phone
    yield "feedback"
    _header_link(page, links["decisions"], exact=False)
    yield "you said, we did"
    _header_link(page, links["rfps"], exact=False)
    yield "RFP list"
    page.get_by_role("link", name="Community responder program facilitator").click()
    yield "RFP page"
    _header_link(page, links["sign_in"], exact=False)
    yield "sign in"
    page.get_by_role("main").get_by_role("link", name=links["forgot"]).last.click()
    yield "password reset"


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("en", 320), ("es", 320)])
def test_public_pages_have_no_serious_accessibility_violations(new_page, demo, language, width):
    # A first-time visitor's browser language picks the page language (no language cookie yet).
    page = new_page(width=width, height=800, locale={"en": "en-US", "es": "es-US"}[language])
    visited = []
    for name in _visit_public_pages(page, LINKS[language]):
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(page, f"public-{language}/{name}")
        if width == 320:
            assert horizontal_overflow(page) == 0, (
                f"{name} ({page.url}) scrolls sideways at 320 px: {overflowing(page)}")
        visited.append(name)
    assert len(visited) == 10
