"""A resident registers for a community session on a phone in Haitian Creole and in Arabic (issue 23, Done
means): the Haitian Creole speaker arrives on the English pages and picks Kreyòl ayisyen from the header's
language menu; the Arabic speaker's phone asks for Arabic, and every page is right to left. Each page the
journey stops at is checked by axe (no serious or critical violation) and for reflow at 320 px, and says
that its translation is a draft with a link to tell the city what is unclear.

Expected texts come from the language's catalog (`_t`), so the journey checks the pages say what the
catalog says, in the page's language; the crawl (tests/core/test_resident_crawl.py) is the test that no
English is left."""

import re

import pytest
from django.utils import translation

from apps.engagement.models import Registration
from tests.browser.helpers import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _t(language: str, msgid: str, **values) -> str:
    with translation.override(language):
        text = translation.gettext(msgid)
    return text % values if values else text


def _register(page, journey: Journey, language: str, name: str) -> Registration:
    """From the session list in `language`: the first session's register button, the form, the confirmation."""
    assert page.get_by_role("heading", level=1).inner_text() == _t(language, "Community sessions")
    notice = page.get_by_role("link", name=_t(language, "Tell us what is unclear"))
    assert notice.is_visible()
    assert "topic=translation" in notice.get_attribute("href")
    journey.check("sessions")

    card = page.locator(".engagement-sessions > li").first
    card.get_by_role("link", name=re.compile("^" + re.escape(_t(language, "Register")))).click()
    assert page.locator("html").get_attribute("lang") == language
    preferred = page.get_by_label(_t(language, "Your preferred language"))
    # The page's language is the preferred language the form offers first, named in itself.
    with translation.override(language):
        checked = preferred.locator("option:checked").inner_text()
    assert checked, "no preferred language chosen"
    page.get_by_label(_t(language, "Name or nickname")).fill(name)
    journey.check("registration form")
    page.get_by_role("main").get_by_role("button", name=_t(language, "Register"), exact=True).click()

    assert page.get_by_role("heading", level=1).inner_text() == _t(language, "Your registration")
    registration = Registration.objects.get(name=name)
    assert page.locator(".engagement-code").inner_text() == registration.code
    journey.check("confirmation")
    return registration


def test_haitian_creole_resident_switches_language_and_registers_on_a_phone(new_page, demo):
    page = new_page(width=390, height=844)
    journey = Journey("1-resident-ht", page)
    page.goto("/sessions/")
    assert page.locator("html").get_attribute("lang") == "en"
    # The header's language menu on a phone: every language named in itself.
    page.locator("details.site-language-toggle > summary").click()
    page.locator("details.site-language-toggle").get_by_role("button", name="Kreyòl ayisyen").click()
    assert page.locator("html").get_attribute("lang") == "ht"
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.get_by_text(_t("ht", "This translation is a draft by the city's team, not yet reviewed by a "
                                     "community reviewer.")).is_visible()
    registration = _register(page, journey, "ht", "Wideline J.")
    assert registration.language.code == "ht"


def test_arabic_resident_registers_right_to_left_on_a_phone(new_page, demo):
    page = new_page(width=390, height=844, locale="ar")
    journey = Journey("1-resident-ar", page)
    page.goto("/sessions/")
    assert (page.locator("html").get_attribute("lang"), page.locator("html").get_attribute("dir")) == ("ar", "rtl")
    # Right to left: the page's text starts at the right edge.
    assert page.evaluate("() => getComputedStyle(document.querySelector('main h1')).direction") == "rtl"
    registration = _register(page, journey, "ar", "Layla H.")
    assert registration.language.code == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
