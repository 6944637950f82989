"""Issue 23's "Done means": every resident page, form error, email and text message in each of the eleven
resident languages shows no interface text left in English, and no resident catalog has an empty message.

The pages are the permission matrix's: every GET row an anonymous visitor opens (200) whose view is a
resident page (core.i18n: @public_page or the home page; the staff's way in, such as sign-in, is English
and Spanish by design), with the matrix's own world, so a registration's own pages are there; plus the
feedback form's and the registration form's error states. The messages are every resident email and text
message the world sent while it was built (registration, moderation result, decision), re-rendered through
notifications' render_message in each language.

How English is found (so it cannot pass by finding nothing): each page is rendered in English and in the
language; a visible text node (or aria-label / alt / placeholder / title) of the translated page that is
also a text node of the English page, or is one of the full catalog's English messages (the translation
notice shows only on translated pages), is "left in English" when, after removing every string the database
holds (session titles, names, places: content, which issue 23 part 4 translates or marks) and the allowed
proper names below, an English word is left. Elements marked with another lang= (the language switcher's
names) are skipped. `test_the_detector_finds_a_removed_translation` deletes one Spanish translation and
checks the crawl reports it.

Until the lead merges the eleven catalogs, languages whose catalog lacks a resident message fail here: that
is the point. `es` must pass today.
"""

import functools
import re
from html.parser import HTMLParser

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import resolve as resolve_url
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from apps.core.i18n import is_resident_view
from apps.core.i18n_catalogs import RESIDENT_LOCALES, empty_entries
from tests.security.matrix_table import ROUTES

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
# Proper names and words that are the same in every language.
ALLOWED = {
    "crisisprog", "Boston", "RFP", "RFPs", "ASL", "PDF", "CSV", "iCal", "ics", "OpenStreetMap", "Google", "SMS",
    "988", "911", "Email", "email", "OK", "URL", "API", "ID", "AM", "PM", "a.m", "p.m", "CIT", "MHFA", "EMT",
    "English",  # the name of English, in the language list of a session's interpretation
    "Menu",  # the same word in French, Portuguese and Cabo Verdean Creole
    "Note",  # French: "<strong>Note</strong> :" in a translated message
    "byte", "bytes", "KB", "MB",  # a file's size (Django's filesizeformat; the same words in Spanish)
}
WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")


class _Text(HTMLParser):
    """The visible text nodes and labelling attributes of a page, skipping other-language elements."""

    SKIP = {"script", "style", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, page_lang: str):
        super().__init__(convert_charrefs=True)
        self.page_lang = page_lang
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.nodes: list[str] = []

    def _skipped(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        other = tag == "html" and False or (lang is not None and tag != "html" and lang != self.page_lang)
        skipped = tag in self.SKIP or other
        if not (skipped or self._skipped()):
            for name in ("aria-label", "alt", "placeholder", "title"):
                if attrs.get(name):
                    self.nodes.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.nodes.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append((tag, skipped))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skipped():
            self.nodes.append(text)


def text_nodes(html: str, lang: str) -> list[str]:
    parser = _Text(lang)
    parser.feed(html)
    return parser.nodes


def database_strings() -> list[str]:
    """Every text value the database holds (content, names, places), longest first."""
    values = set()
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields
                  if isinstance(f, (models.CharField, models.TextField)) and not f.choices]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for value in row:
                if isinstance(value, str) and len(value.strip()) > 1:
                    values.add(value.strip())
                    values.update(line.strip() for line in value.splitlines() if len(line.strip()) > 1)
    return sorted(values, key=len, reverse=True)


@functools.lru_cache(maxsize=1)
def english_msgids() -> frozenset[str]:
    """Every message of the full (Spanish) catalog, in English: a node that is one of them is interface
    text even where the English page does not show it (the translation notice of a translated page)."""
    po = polib.pofile(str(settings.BASE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    return frozenset(e.msgid for e in po if e.msgid and not e.obsolete)


@functools.lru_cache(maxsize=4)
def _content_pattern(content: tuple[str, ...]) -> re.Pattern:
    """Any database string, as whole words (a two-letter code must not eat the middle of a word)."""
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(v) for v in content) + r")(?!\w)")


@functools.lru_cache(maxsize=16)
def same_in(code: str) -> frozenset[str]:
    """Messages the language's catalog translates as the same word ("Documents" in French, "Menu" in
    Portuguese): a translator's choice, not English left."""
    from django.utils.translation import to_locale

    path = settings.BASE_DIR / "locale" / to_locale(code) / "LC_MESSAGES" / "django.po"
    if not path.exists():
        return frozenset()
    return frozenset(e.msgid for e in polib.pofile(str(path)) if e.msgstr and e.msgstr == e.msgid)


def english_left(translated: list[str], english: list[str], content: list[str],
                 same: frozenset[str] = frozenset()) -> list[str]:
    """The translated page's text nodes that are also the English page's, with an English word left once
    database content, numbers and allowed names are taken out."""
    english_nodes = set(english) | english_msgids()
    left = []
    for node in dict.fromkeys(translated):
        if node not in english_nodes or node in same or any(node in value for value in content):
            continue
        rest = _content_pattern(tuple(content)).sub(" ", node) if content else node
        words = [w for w in WORD.findall(rest) if w not in ALLOWED and w.strip("'’") not in ALLOWED]
        if words:
            left.append(node)
    return left


# --- the world and what to crawl ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return str(tmp_path_factory.mktemp("crawl-media"))


@pytest.fixture(autouse=True)
def _private_media(settings, media):
    """The module's world keeps its files for every test (the conftest's per-test folder would lose them)."""
    settings.MEDIA_ROOT = media


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media):
    from apps.notifications import services as notifications
    from tests.security.matrix_world import build_world

    sent = []
    original = notifications.render_message

    def capture(*, kind, context, language):
        if context.get("resident") and kind.template.startswith("engagement_"):
            sent.append((kind, dict(context)))
        return original(kind=kind, context=context, language=language)

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        notifications.render_message = capture
        try:
            w = build_world()
            _messages_to_a_resident(w)
        finally:
            notifications.render_message = original
        w.sent = sent
        w.content = database_strings()
        yield w
        transaction.set_rollback(True)


def _messages_to_a_resident(w) -> None:
    """Every other resident email and text message, to a registrant who left an email and a phone."""
    from apps.engagement import services
    from apps.engagement.erasure import ERASURE_KIND
    from apps.engagement.services.registrations import notify_registrant
    from apps.notifications.services import Contact, notify, one_off_key
    from tests.factories.engagement import language

    session = w.obj["community_session"]
    registration = services.registration_create(
        session_id=session.pk, name="Rosa Resident", language=language("en"), email="rosa@example.org",
        phone="+16175550100", contact_consent=True)
    for kind, intent, extra in [("engagement.registration", "registration", {}),
                                ("engagement.waitlist_promoted", "promoted", {}),
                                ("engagement.registration_cancelled", "cancelled", {}),
                                ("engagement.reminder", "reminder", {"when": "day"}),
                                ("engagement.session_cancelled", "session-cancelled",
                                 {"reason": "The room is closed for repairs."})]:
        notify_registrant(registration, kind=kind, intent=intent + "-crawl", extra=extra)
    notify(kind=ERASURE_KIND, to=Contact(email="rosa@example.org", phone="+16175550100", language="en"),
           dedupe_key=one_off_key(ERASURE_KIND), context={"url": "https://example.org/privacy/forget/x/", "days": 7})


def _kwarg(world, spec: str):
    from tests.security.test_permission_matrix import resolve

    return resolve(world, spec, "anonymous")


def resident_pages(world) -> list[str]:
    urls = []
    for key, row in ROUTES.items():
        if row.method != "GET" or row.expect.get("anonymous") != 200:
            continue
        url = reverse(key.split("[")[0], kwargs={k: _kwarg(world, v) for k, v in row.kwargs.items()})
        match = resolve_url(url.split("?")[0])
        if is_resident_view(match.func, match.view_name):
            urls.append(url)
    return urls


def _client(code: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client


def _render(code: str, method: str, url: str, data=None) -> str | None:
    response = getattr(_client(code), method)(url, data or {})
    if "text/html" not in response.get("Content-Type", ""):
        return None
    assert response.status_code in (200, 400), (url, response.status_code)
    return response.content.decode()


def crawl(world, code: str) -> dict[str, list[str]]:
    """{page or message: the text left in English} for every resident page and message in `code`."""
    from apps.engagement.models import CommunitySession

    session = CommunitySession.objects.filter(status=CommunitySession.Status.PUBLISHED).order_by("pk").first()
    targets = [("get", url, None) for url in resident_pages(world)]
    targets += [("post", "/feedback/", {"text": ""}),  # the feedback form's error state
                ("post", f"/sessions/{session.pk}/register/", {"name": "", "email": "not-an-email"})]
    found = {}
    for method, url, data in targets:
        english = _render("en", method, url, data)
        if english is None:
            continue
        translated = _render(code, method, url, data)
        left = english_left(text_nodes(translated, code), text_nodes(english, "en"), world.content, same_in(code))
        if left:
            found[f"{method.upper()} {url}"] = left
    found.update(crawl_messages(world, code))
    return found


def crawl_messages(world, code: str) -> dict[str, list[str]]:
    from apps.notifications.services import render_message

    found = {}
    for kind, context in world.sent:
        parts_en = render_message(kind=kind, context=context, language="en")
        parts = render_message(kind=kind, context=context, language=code)
        for name, en, tr in zip(("subject", "text", "html", "sms"), parts_en, parts):
            if name == "html":
                en_nodes, tr_nodes = text_nodes(en, "en"), text_nodes(tr, code)
            else:
                en_nodes, tr_nodes = [" ".join(x.split()) for x in en.splitlines()], \
                    [" ".join(x.split()) for x in tr.splitlines()]
            left = english_left([n for n in tr_nodes if n], [n for n in en_nodes if n], world.content,
                                same_in(code))
            if left:
                found[f"{kind.template} {name}"] = left
    return found


# --- the tests -----------------------------------------------------------------------------------------

def test_the_crawl_covers_the_resident_pages_and_messages(world):
    pages = resident_pages(world)
    assert len(pages) >= 10, pages
    assert any("/sessions/registration/" in url for url in pages)
    templates = {kind.template for kind, _context in world.sent}
    assert {"engagement_registration", "engagement_promoted", "engagement_cancelled", "engagement_reminder",
            "engagement_moderation", "engagement_erasure_link"} <= templates, templates


def test_the_detector_finds_a_removed_translation(world):
    """One Spanish translation taken away (its message now reads as in English): the crawl reports it."""
    _render("es", "get", "/")  # the reviewed strings are layered (core.i18n) before the catalog is patched
    catalog = trans_real.translation("es")._catalog
    try:
        catalog["Give feedback"] = "Give feedback"
        with translation.override("es"):
            assert translation.gettext("Give feedback") == "Give feedback"
        found = crawl(world, "es")
        assert any("Give feedback" in left for left in found.values()), found
    finally:
        trans_real._translations.clear()
        translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.parametrize("code", LANGUAGES)
def test_no_english_left_on_resident_pages_and_messages(world, code):
    found = crawl(world, code)
    assert not found, "English left in " + code + ":\n" + "\n".join(
        f"  {where}: {left}" for where, left in found.items())


@pytest.mark.parametrize("locale", ["es", *RESIDENT_LOCALES])
def test_no_resident_catalog_has_an_empty_message(locale):
    po = polib.pofile(str(settings.BASE_DIR / "locale" / locale / "LC_MESSAGES" / "django.po"))
    if locale == "es":
        from apps.core.i18n_catalogs import is_resident

        empty = [e.msgid for e in po if is_resident(e) and not e.obsolete and e.msgid
                 and not (all(e.msgstr_plural.values()) if e.msgid_plural else e.msgstr)]
    else:
        empty = empty_entries(po)
    assert not empty, f"{locale}: {len(empty)} untranslated: {empty[:10]}"
