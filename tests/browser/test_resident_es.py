"""A Spanish-speaking resident on a 390 px phone (issue 19): every page in Spanish — language names, session
titles, transit notes, the language fields' defaults, places left, the register button on the cards and near
the top, the date filter, the map link, the crisis reply in the message's language — with axe on each page.
Then a crawl of every public page in Spanish that fails on any visible string of the English catalog that
the Spanish catalog does not translate.

Expected texts come from the Spanish catalog itself (`_es`), so these journeys hold before and after the
catalog gets the strings added with this change; the crawl is the test that says which are missing."""

import ast
import html
import re
import subprocess
import tempfile
from datetime import timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation.template import templatize

from apps.core.models import Language
from apps.engagement import selectors, services
from apps.engagement.models import CommunitySession, FeedbackItem, Registration
from tests.browser.helpers import Journey, assert_accessible, reveal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _header_link(page, name, *, exact: bool = True) -> None:
    """Follow a link of the header's navigation in any language (helpers.follow_nav finds the navigation by its
    English name, "Main"): on a phone, open "Menu" first."""
    link = page.locator("nav.usa-nav").get_by_role("link", name=name, exact=exact, include_hidden=True)
    reveal(link).click()

PHONE_ES = {"width": 390, "height": 844, "locale": "es-ES"}
ROXBURY_ES = "Taller de diseño comunitario: el equipo de respuesta"
CRISIS_ES = "Quiero morir, no aguanto más"


def _es(msgid: str, plural: str | None = None, count: int = 1, **values) -> str:
    """What a Spanish page says for `msgid` (the English text until the catalog translates it)."""
    with translation.override("es"):
        text = translation.ngettext(msgid, plural, count) if plural else translation.gettext(msgid)
    return text % values if values else text


def _places_left(session: CommunitySession) -> str:
    left = selectors.public_session_get(pk=session.pk).places_left
    if not left:
        return _es("Full — join the waitlist.")
    return _es("%(n)s place left", "%(n)s places left", left, n=left)


def test_spanish_resident_finds_registers_and_writes_on_a_phone(new_page, demo):
    page = new_page(**PHONE_ES)
    journey = Journey("1-resident-es", page)
    page.goto("/sessions/")
    assert page.locator("html").get_attribute("lang") == "es"
    # One navigation for a signed-out resident: the header's, not a second row of the same links.
    assert page.locator(".engagement-public-nav").count() == 0
    # (On a phone the header's navigation is behind "Menu"; the page itself adds no navigation but the pages'.)
    assert page.locator("header nav.usa-nav").count() == 1
    assert page.get_by_role("main").get_by_role("navigation").count() == page.locator("nav.usa-pagination").count()

    cards = page.locator(".engagement-sessions > li")
    sessions = list(selectors.public_session_list())
    assert cards.count() == len(sessions) == 3
    for card, session in zip(cards.all(), sessions, strict=True):
        assert card.get_by_role("heading").inner_text() == session.translations["es"]["title"]
        facts = card.locator(".engagement-facts dd")
        # Interpretation: each language named in Spanish, once.
        assert facts.nth(2).inner_text() == ", ".join(
            _es(name) for name in ("Spanish", "Haitian Creole", "Cabo Verdean Creole",
                                   "American Sign Language (ASL)"))
        assert facts.nth(4).inner_text() == _places_left(session)
        # A register button on each card, named for its session for a screen reader.
        button = card.get_by_role("link", name=re.compile(
            rf"^{re.escape(_es('Register'))}\s*: {re.escape(session.translations['es']['title'])}$"))
        assert button.get_attribute("href") == f"/sessions/{session.pk}/register/"
        # The address opens in OpenStreetMap, a plain link (no embedded map, the CSP stays strict).
        map_link = card.get_by_role("link", name=re.compile("^" + re.escape(_es("Open in a map"))))
        assert map_link.get_attribute("href").startswith("https://www.openstreetmap.org/search?query=")
    assert "ASL (American" not in page.inner_text("main")
    journey.check("sessions")

    # The date filter: "this month".
    page.get_by_label(_es("When")).select_option(value="month")
    page.get_by_role("button", name="Mostrar sesiones").click()
    today = timezone.localdate()
    last = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    this_month = [s.translations["es"]["title"]
                  for s in selectors.public_session_list(starts_from=today, starts_to=last)]
    assert page.locator(".engagement-sessions h2").all_inner_texts() == this_month or (
        not this_month and cards.count() == 1)
    journey.check("sessions this month")
    # From and to, typed with the phone's date picker.
    roxbury = CommunitySession.objects.get(translations__es__title=ROXBURY_ES)
    day = timezone.localtime(roxbury.starts_at).date()
    page.goto("/sessions/")
    page.get_by_label(_es("From")).fill(day.strftime("%m/%d/%Y"))  # the USWDS date picker's format, in Spanish too
    page.get_by_label(_es("To")).fill(day.strftime("%m/%d/%Y"))
    page.get_by_role("button", name="Mostrar sesiones").click()
    assert page.locator(".engagement-sessions h2").all_inner_texts() == [ROXBURY_ES]
    journey.check("sessions on one day")

    page.get_by_role("link", name=ROXBURY_ES, exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == ROXBURY_ES
    # The register button comes right after the key facts, before the description and the agenda.
    register = page.get_by_role("main").get_by_role("link", name=_es("Register"), exact=True)
    agenda = page.get_by_role("heading", name=_es("Agenda"))
    assert register.bounding_box()["y"] < agenda.bounding_box()["y"]
    assert register.bounding_box()["y"] < page.locator(".engagement-facts").bounding_box()["y"] + 900
    # Transit notes in Spanish.
    assert page.get_by_text("Cerca de las rutas de autobús 15, 23 y 28.").is_visible()
    assert page.get_by_text("Near bus routes").count() == 0
    journey.check("session page")

    register.click()
    language = page.get_by_label("Su idioma preferido")
    assert language.locator("option:checked").inner_text() == "Español"  # the page's language, named once
    assert language.locator("option", has_text="ASL (American").count() == 0
    page.get_by_label("Nombre o apodo").fill("Lucía P.")
    journey.check("registration form")
    page.get_by_role("button", name="Inscribirse").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Su inscripción"
    registration = Registration.objects.get(name="Lucía P.")
    assert registration.language.code == "es"
    places = page.locator(".engagement-facts dd").nth(4).inner_text()
    assert places == _places_left(roxbury)
    assert re.search(r"\d", places)  # the number is there ("35 asientos · personas inscritas" lost it)
    assert page.locator(".engagement-code").inner_text() == registration.code
    journey.check("confirmation")

    _header_link(page, "Dé su opinión")  # behind "Menu" on a phone
    choice = page.get_by_label(re.compile("^Sobre una sesión"))
    titles = choice.locator("option").all_inner_texts()[1:]
    assert titles and set(titles) <= set(CommunitySession.objects.values_list("translations__es__title", flat=True))
    assert ROXBURY_ES in titles
    written_in = page.get_by_label("Idioma en que escribió")
    assert written_in.locator("option:checked").inner_text() == "Español"
    page.get_by_label("Su opinión").fill(CRISIS_ES)
    choice.select_option(label=ROXBURY_ES)
    journey.check("feedback form")
    page.get_by_role("button", name="Enviar mi opinión").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Nos preocupa su bienestar"
    assert page.get_by_text("988", exact=True).first.is_visible()
    item = FeedbackItem.objects.get(text=CRISIS_ES)
    assert (item.language.code, item.session_id, item.safety_flag) == ("es", roxbury.pk, True)
    journey.check("crisis reply")


def test_crisis_reply_follows_the_message_not_the_interface(new_page, demo):
    """On the English pages, a resident writes in Spanish: the reply and its 988 block are in Spanish."""
    page = new_page(width=390, height=844)
    journey = Journey("1-resident-es-crisis", page)
    page.goto("/feedback/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_label("Language you wrote in").locator("option:checked").inner_text() == "English"
    page.get_by_label("Your feedback").fill(CRISIS_ES)
    page.get_by_label("Language you wrote in").select_option(label="Español — Spanish")
    page.get_by_role("button", name="Send feedback").click()
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", level=1).inner_text() == "Nos preocupa su bienestar"
    assert page.get_by_role("heading", name=_es("If you or someone else is in crisis now")).is_visible()
    journey.check("crisis reply in Spanish")


# --- the crawl -------------------------------------------------------------------------------------

ROOT = Path(settings.BASE_DIR)
KEYWORDS = ["gettext_noop", "gettext_lazy", "ngettext_lazy:1,2", "pgettext:1c,2", "npgettext:1c,2,3",
            "pgettext_lazy:1c,2", "npgettext_lazy:1c,2,3", "N_"]
# Proper names, the same in both languages: the only strings allowed through untranslated.
PROPER_NAMES = {"crisisprog", "API", "ASL", "RFP", "Boston"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def _english_catalog() -> list[tuple[str, str, str | None]]:
    """(context, msgid, msgid_plural) of every string marked for translation in the source, as
    makemessages finds them: templates through Django's templatize, then xgettext."""
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for path in sorted((ROOT / "templates").rglob("*.html")):
            out = Path(tmp) / (str(path.relative_to(ROOT)).replace("/", "__") + ".py")
            out.write_text(templatize(path.read_text(encoding="utf-8"), origin=str(path)), encoding="utf-8")
            files.append(str(out))
        files += [str(p) for p in sorted((ROOT / "apps").rglob("*.py")) if "migrations" not in p.parts]
        pot = Path(tmp) / "django.pot"
        subprocess.run(["xgettext", "--language=Python", "--from-code=UTF-8", "--no-wrap",
                        "-o", str(pot), *[f"--keyword={k}" for k in KEYWORDS], *files],
                       check=True, capture_output=True)
        return _parse_po(pot.read_text(encoding="utf-8"))


def _parse_po(text: str) -> list[tuple[str, str, str | None]]:
    entries, current, field = [], {}, None
    for line in [*text.splitlines(), ""]:
        line = line.strip()
        if not line:
            if "msgid" in current and current["msgid"]:
                entries.append((current.get("msgctxt", ""), current["msgid"], current.get("msgid_plural")))
            current, field = {}, None
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[field] += ast.literal_eval(line)
        else:
            field, _, value = line.partition(" ")
            if field in ("msgctxt", "msgid", "msgid_plural"):
                current[field] = ast.literal_eval(value)
            else:
                field = "msgstr"
                current["msgstr"] = ""
    return entries


def _pattern(english: str) -> re.Pattern | None:
    """The English text as it would show on a page: tags gone, entities decoded, any value in place of a
    placeholder. None when nothing but placeholders and punctuation would be left to recognise."""
    text = html.unescape(re.sub(r"<[^>]+>", "", english)).strip()
    literals = PLACEHOLDER.split(text)
    # Under 4 letters ("No", "of") a string cannot be told from a word of content (an English RFP,
    # a resident's quote), and Spanish often writes it the same.
    if text in PROPER_NAMES or len(re.findall(r"[A-Za-z]", "".join(literals))) < 4:
        return None
    body = r".+?".join(r"\s+".join(re.escape(word) for word in part.split()) for part in literals)
    return re.compile(rf"(?<![\w]){body}(?![\w])")


@cache
def _untranslated() -> dict[str, re.Pattern]:
    """English strings of the catalog that a Spanish page would show as they are."""
    catalog = translation.trans_real.translation("es")._catalog
    missing = {}
    for context, msgid, plural in _english_catalog():
        key = f"{context}\x04{msgid}" if context else msgid
        if plural:
            spanish = [catalog.get((key, i)) for i in (0, 1)]
            if all(s and s not in (msgid, plural) for s in spanish):
                continue
            texts = (msgid, plural)
        else:
            if catalog.get(key) not in (None, "", msgid):
                continue
            texts = (msgid,)
        for english in texts:
            if pattern := _pattern(english):
                missing[english] = pattern
    return missing


VISIBLE_TEXT = """() => {
  const parts = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll("option, [aria-label], [placeholder], [title], img[alt], input[value]")) {
    if (el.tagName === "OPTION") parts.push(el.textContent);
    for (const a of ["aria-label", "placeholder", "title", "alt"]) {
      if (el.getAttribute(a)) parts.push(el.getAttribute(a));
    }
    if (el.tagName === "INPUT" && ["submit", "button", "reset"].includes(el.type)) parts.push(el.value);
  }
  return parts.join("\\n");
}"""


def _english_on(page) -> list[str]:
    text = page.evaluate(VISIBLE_TEXT)
    return sorted(english for english, pattern in _untranslated().items() if pattern.search(text))


def _public_pages_in_spanish(page, demo):
    """Every public page, in Spanish: yields each page's name once the browser is on it."""
    session = CommunitySession.objects.get(translations__es__title=ROXBURY_ES)
    page.goto("/")
    yield "home"
    page.goto("/sessions/")
    yield "sessions"
    page.goto("/sessions/?when=week&neighborhood=roxbury")
    yield "sessions, filtered"
    page.goto("/sessions/?date_from=2030-01-02&date_to=2030-01-01")
    yield "sessions, a filter error"
    page.goto(f"/sessions/{session.pk}/")
    yield "session"
    page.goto(f"/sessions/{session.pk}/register/")
    yield "register"
    page.get_by_role("button", name="Inscribirse").click()
    yield "register, errors"
    registration = services.registration_create(session_id=session.pk, name="Rosa",
                                                language=Language.objects.get(code="es"))
    token = services.registration_token(registration)
    page.goto(f"/sessions/registration/{token}/")
    yield "registration"
    page.goto(f"/sessions/registration/{token}/cancel/")
    yield "cancel"
    page.goto(f"/sessions/registration/{token}/delete-details/")
    yield "delete my details"
    page.goto("/feedback/")
    yield "feedback"
    page.get_by_role("button", name="Enviar mi opinión").click()
    yield "feedback, errors"
    page.get_by_label("Su opinión").fill("Más equipos que hablen español, por favor.")
    page.get_by_role("button", name="Enviar mi opinión").click()
    yield "feedback thanks"
    page.goto("/feedback/")
    page.get_by_label("Su opinión").fill(CRISIS_ES)
    page.get_by_role("button", name="Enviar mi opinión").click()
    yield "crisis reply"
    page.goto("/you-said-we-did/")
    yield "you said, we did"
    page.goto("/privacy/forget/")
    yield "erase my details"
    mail.outbox.clear()
    page.get_by_role("textbox").first.fill("rosa@example.org")
    page.get_by_role("main").get_by_role("button").first.click()
    yield "erase: link sent"
    page.goto("/offline/")
    yield "offline"
    page.goto("/procurement/")
    yield "open RFPs"
    page.locator("main a[href*='/procurement/s/']").first.click()
    yield "RFP"
    page.goto("/accounts/login/")
    yield "staff sign in"
    page.goto("/accounts/password/reset/")
    yield "password reset"
    page.goto("/no-such-page/")
    yield "not found"


def test_every_public_page_in_spanish_is_translated(new_page, demo):
    """Fails on any visible English string of the catalog that Spanish leaves untranslated. New strings
    fail here until their Spanish is in locale/es (the lead fills the catalog at merge)."""
    assert len(_untranslated()) < len(_english_catalog())  # the catalog was read
    page = new_page(**PHONE_ES)
    found, visited = {}, []
    for name in _public_pages_in_spanish(page, demo):
        assert page.locator("html").get_attribute("lang") == "es", name
        assert_accessible(page, f"public-es-crawl/{name}")
        visited.append(name)
        if english := _english_on(page):
            found[f"{name} ({urlparse(page.url).path})"] = english
    assert len(visited) == 23
    assert found == {}, "English on Spanish pages:\n" + "\n".join(
        f"- {page_name}: " + " | ".join(strings) for page_name, strings in found.items())
