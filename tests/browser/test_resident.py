"""Journey 1: a resident on a phone switches to Spanish, finds a session in their neighborhood, registers,
gets the confirmation, then sends feedback anonymously — once with touch/mouse, once with the keyboard only."""

import re
from urllib.parse import urlparse

import pytest
from django.core import mail

from apps.engagement.models import FeedbackItem, Registration
from tests.browser.helpers import Journey, horizontal_overflow, reveal, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _header_link(page, name, *, exact: bool = True) -> None:
    """Follow a link of the header's navigation in any language (helpers.follow_nav finds the navigation by its
    English name, "Main"): on a phone, open "Menu" first."""
    link = page.locator("nav.usa-nav").get_by_role("link", name=name, exact=exact, include_hidden=True)
    reveal(link).click()

PHONE = {"width": 390, "height": 844}
ROXBURY_ES = "Taller de diseño comunitario: el equipo de respuesta"
FEEDBACK_ES = "Queremos que el equipo llegue rápido y hable español con los vecinos de Roxbury."


def _registration_link(message) -> str:
    """The 'check or cancel' link from the confirmation email, as a path on this server."""
    url = re.search(r"https?://\S+/sessions/registration/[^/\s]+/(?=\s)", message.body).group(0)
    return urlparse(url).path


def test_resident_registers_in_spanish_and_sends_feedback_anonymously(new_page, demo, live_server):
    page = new_page(**PHONE)
    journey = Journey("1-resident", page)
    page.goto("/")
    journey.check("home in English")

    reveal(page.get_by_label("Language")).select_option(label="Español")  # in the header's "Menu" on a phone
    page.get_by_role("button", name="Change").click()
    assert page.locator("html").get_attribute("lang") == "es"
    journey.check("home in Spanish")

    _header_link(page, "Sesiones comunitarias")
    page.get_by_label("Vecindario").select_option(label="Roxbury")
    page.get_by_role("button", name="Mostrar sesiones").click()
    sessions = page.locator(".engagement-sessions > li")
    assert sessions.count() == 1
    assert sessions.get_by_role("heading").inner_text() == ROXBURY_ES
    journey.check("sessions in Roxbury")

    page.get_by_role("link", name=ROXBURY_ES, exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == ROXBURY_ES
    journey.check("session page")

    page.get_by_role("link", name="Inscribirse").click()
    page.get_by_label("Nombre o apodo").fill("Marisol R.")
    # The page's language is preselected, named once ("Español", not "Español (Spanish)").
    assert page.get_by_label("Su idioma preferido").locator("option:checked").inner_text() == "Español"
    page.get_by_label("Correo electrónico (opcional)").fill("marisol@example.org")
    page.get_by_label(re.compile("^Acepto que guarden mi correo")).check()
    journey.check("registration form filled")
    page.get_by_role("button", name="Inscribirse").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Su inscripción"
    assert page.get_by_text("Su inscripción está confirmada.").is_visible()
    registration = Registration.objects.get(name="Marisol R.")
    assert (registration.status, registration.session.translations["es"]["title"], registration.email) == (
        "registered", ROXBURY_ES, "marisol@example.org")
    assert page.locator(".engagement-code").inner_text() == registration.code
    assert horizontal_overflow(page) == 0
    journey.check("confirmation")

    # The emailed confirmation, in Spanish, carries the link back to the registration.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["marisol@example.org"]
    assert registration.code in mail.outbox[0].body
    page.goto(_registration_link(mail.outbox[0]))
    assert page.locator(".engagement-code").inner_text() == registration.code
    journey.check("registration from the email link")

    _header_link(page, "Dé su opinión")
    page.get_by_label("Su opinión").fill(FEEDBACK_ES)
    assert page.get_by_label("Idioma en que escribió").locator("option:checked").inner_text() == "Español"
    page.get_by_label(re.compile("^Su vecindario")).select_option(label="Roxbury")
    journey.check("feedback form filled")
    page.get_by_role("button", name="Enviar mi opinión").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Gracias"
    journey.check("feedback received")
    item = FeedbackItem.objects.get(text=FEEDBACK_ES)
    assert (item.language.code, item.neighborhood.name, item.channel, item.safety_flag) == (
        "es", "Roxbury", "online", False)
    assert (item.contact_consent, item.contact_name, item.contact_email, item.contact_phone) == (
        False, "", "", "")


def _open_menu(page) -> None:
    """On a phone the header's links and language switch are behind "Menu": tab to it and press Enter."""
    tab_to(page, re.compile(r"^(menu|menú)$", re.IGNORECASE))
    page.keyboard.press("Enter")
    page.locator("nav.usa-nav.is-visible").wait_for()


def test_resident_journey_with_the_keyboard_only(new_page, demo):
    """Tab, Shift+Tab, Enter and Space to move and act; typing into fields, and arrow keys inside a closed
    <select>, which is how a keyboard chooses an option."""
    page = new_page(**PHONE)
    journey = Journey("1-resident-keyboard", page)
    page.goto("/")
    keyboard = page.keyboard

    tab_to(page, "Skip to main content")
    _open_menu(page)
    tab_to(page, "Language")
    keyboard.type("Esp")  # type-ahead picks "Español" in the closed list
    assert page.get_by_label("Language").input_value() == "es"
    tab_to(page, "Change")
    # Already on "/": wait for the form's round trip itself, not for a URL that already matches.
    with page.expect_navigation():
        keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "es"
    journey.check("home in Spanish")

    _open_menu(page)
    tab_to(page, "Sesiones comunitarias")
    keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sessions/$"))
    tab_to(page, "Vecindario")
    keyboard.type("Roxb")
    tab_to(page, "Mostrar sesiones")
    keyboard.press("Space")
    page.wait_for_url(re.compile(r"neighborhood=roxbury"))
    journey.check("sessions in Roxbury")

    tab_to(page, ROXBURY_ES)
    keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    tab_to(page, "Inscribirse")
    keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/register/$"))

    tab_to(page, re.compile("^Nombre o apodo"))
    keyboard.type("Teclado T.")
    tab_to(page, re.compile("^Inscribirse$"))
    journey.check("registration form filled")
    keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sessions/registration/"))
    assert page.get_by_text("Su inscripción está confirmada.").is_visible()
    registration = Registration.objects.get(name="Teclado T.")
    assert (registration.status, registration.session.translations["es"]["title"], registration.email) == (
        "registered", ROXBURY_ES, "")
    journey.check("confirmation")

    _open_menu(page)
    tab_to(page, "Dé su opinión")
    keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/feedback/$"))
    tab_to(page, re.compile("^Su opinión"))
    keyboard.type("Escribo solo con el teclado: necesitamos respuesta en español.")
    tab_to(page, re.compile("^Idioma en que escribió"))
    keyboard.type("Esp")
    # The honeypot field is out of the tab order: the next stops are the real fields, then the button.
    focused = tab_to(page, "Enviar mi opinión")
    assert focused["tag"] == "button"
    journey.check("feedback form filled")
    keyboard.press("Space")
    page.wait_for_selector("h1:text('Gracias')")
    journey.check("feedback received")
    item = FeedbackItem.objects.get(text__startswith="Escribo solo con el teclado")
    assert (item.language.code, item.contact_consent, item.contact_email, item.neighborhood) == ("es", False, "",
                                                                                                 None)


def test_resident_erases_their_details_through_the_emailed_link(new_page, demo):
    """From the footer of any page, on a phone: ask for the link, open it from the email, see what is
    held, erase it. The coming registration is cancelled and blanked; the feedback text stays."""
    from apps.engagement import services
    from apps.engagement.models import CommunitySession
    from apps.notifications.models import Notification
    from tests.factories.engagement import language

    session = CommunitySession.objects.filter(translations__es__title=ROXBURY_ES).get()
    registration = services.registration_create(session_id=session.pk, name="Dana K.", email="dana@example.org",
                                                contact_consent=True, language=language("en"))
    item = services.feedback_submit(text="Please train more neighbors.", language=language("en"),
                                    contact_consent=True, contact_name="Dana K.", contact_email="dana@example.org")
    mail.outbox.clear()

    page = new_page(**PHONE)
    journey = Journey("1-resident-erasure", page)
    page.goto("/sessions/")
    page.get_by_role("contentinfo").get_by_role("link", name="Erase my details").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Erase my details"
    page.get_by_label("Email you gave us").fill("Dana@Example.org")
    journey.check("erasure request filled")
    page.get_by_role("button", name="Send me the link").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Check your messages"
    journey.check("link sent")

    # Matched without regard to case; the link goes to the address as typed (the same mailbox).
    assert [[to.lower() for to in m.to] for m in mail.outbox] == [["dana@example.org"]]
    link = urlparse(re.search(r"https?://\S+/privacy/forget/\S+/", mail.outbox[0].body).group(0)).path
    page.goto(link)
    assert page.get_by_role("heading", name="Registrations").is_visible()
    assert page.get_by_text(session.title).is_visible()
    assert horizontal_overflow(page) == 0
    journey.check("what we hold")
    page.get_by_role("main").get_by_role("button", name="Erase my details").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your details are erased"
    journey.check("erased")

    registration.refresh_from_db()
    item.refresh_from_db()
    assert (registration.status, registration.name, registration.email) == ("cancelled", "", "")
    assert (item.text, item.contact_name, item.contact_email, item.contact_consent) == (
        "Please train more neighbors.", "", "", False)
    assert not Notification.objects.filter(recipient_email__iexact="dana@example.org").exists()
