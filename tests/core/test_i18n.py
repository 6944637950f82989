"""Issue 23, parts 2 and 3: the language switcher (all twelve on resident pages, English and Spanish on
staff pages), right-to-left Arabic, the translation status notice and its feedback link, translation
feedback read apart, and the reviewer's pages (mark reviewed, import a reviewed .po with a diff)."""

import re

import polib
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from apps.core.catalogs import catalog_path, current_catalog
from apps.core.models import AuditEvent, CatalogOverride, TranslationStatus
from apps.engagement.models import FeedbackItem
from tests.factories import user_with_role
from tests.factories.engagement import language

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _html_tag(body: str) -> str:
    return re.search(r"<html[^>]*>", body).group(0)


def _get(client, url, code, **kwargs):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client.get(url, **kwargs)


# --- the switcher -----------------------------------------------------------------------------------

def test_resident_pages_offer_all_twelve_languages_named_in_themselves(client):
    body = client.get("/sessions/").content.decode()
    select = re.search(r'<select class="usa-select" name="language"[^>]*>(.*?)</select>', body, re.S).group(1)
    options = re.findall(r'<option value="([^"]+)" lang="([^"]+)"[^>]*>([^<]+)</option>', select)
    assert [code for code, _lang, _name in options] == [code for code, _name in settings.LANGUAGES]
    assert all(code == lang for code, lang, _name in options)
    names = {code: name.strip() for code, _lang, name in options}
    assert names["ht"] == "Kreyòl ayisyen"
    assert names["zh-hans"] == "中文（简体）"
    assert names["ar"] == "العربية"
    # The phone's menu: a <details> holding a button per language, usable without JavaScript.
    toggle = re.search(r'<details class="site-language-toggle">(.*?)</details>', body, re.S).group(1)
    assert len(re.findall(r'<button type="submit" name="language"', toggle)) == 12
    assert 'lang="ar" dir="rtl"' in toggle


def test_staff_pages_offer_english_and_spanish_and_render_a_resident_only_language_in_english(client):
    client.force_login(user_with_role("responder"))
    response = _get(client, "/", "ar")
    body = response.content.decode()
    assert _html_tag(body) == '<html lang="en" dir="ltr">'
    select = re.search(r'<select class="usa-select" name="language"[^>]*>(.*?)</select>', body, re.S).group(1)
    assert re.findall(r'<option value="([^"]+)"', select) == ["en", "es"]
    # Spanish, a staff language, is kept.
    assert _html_tag(_get(client, "/", "es").content.decode()) == '<html lang="es" dir="ltr">'


def test_an_anonymous_staff_page_is_narrowed_too(client):
    body = _get(client, "/accounts/login/", "so").content.decode()
    assert _html_tag(body) == '<html lang="en" dir="ltr">'
    assert "Kreyòl ayisyen" not in body


def test_the_residents_choice_survives_a_staff_page(client):
    _get(client, "/accounts/login/", "ar")
    assert _html_tag(client.get("/sessions/").content.decode()) == '<html lang="ar" dir="rtl">'


# --- right to left ----------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/", "/sessions/", "/feedback/", "/you-said-we-did/", "/procurement/",
                                 "/no-such-page/"])
def test_arabic_resident_pages_are_right_to_left(client, url):
    body = _get(client, url, "ar").content.decode()
    assert _html_tag(body) == '<html lang="ar" dir="rtl">'


def test_every_email_template_has_dir():
    from pathlib import Path

    for path in Path(settings.BASE_DIR, "templates", "emails").glob("*_body.html"):
        assert 'dir="{% if LANGUAGE_BIDI %}rtl{% else %}ltr{% endif %}"' in path.read_text(), path.name


# --- the translation status notice ------------------------------------------------------------------

def test_every_language_starts_as_a_draft():
    assert set(TranslationStatus.objects.values_list("language", flat=True)) == {
        code for code, _name in settings.LANGUAGES if code != "en"}
    assert set(TranslationStatus.objects.values_list("status", flat=True)) == {"draft"}


def test_resident_pages_say_the_translation_is_a_draft_with_a_feedback_link(client):
    body = _get(client, "/sessions/", "ht").content.decode()
    notice = re.search(r'<p class="site-translation-status">(.*?)</p>', body, re.S).group(1)
    assert 'href="/feedback/?topic=translation"' in notice
    assert "site-translation-status" not in _get(client, "/sessions/", "en").content.decode()


def test_the_notice_gives_the_review_date_once_reviewed(client):
    from apps.core import services

    reviewer = user_with_role("translation_reviewer")
    status = services.translation_mark(by=reviewer, language="es", reviewed=True)
    body = _get(client, "/sessions/", "es").content.decode()
    notice = re.search(r'<p class="site-translation-status">(.*?)</p>', body, re.S).group(1)
    assert str(status.reviewed_on.year) in notice
    assert AuditEvent.objects.filter(action="core.translation.reviewed").exists()


def test_staff_pages_show_no_translation_notice(client):
    client.force_login(user_with_role("responder"))
    assert "site-translation-status" not in _get(client, "/", "es").content.decode()


# --- translation feedback ---------------------------------------------------------------------------

def test_the_link_opens_the_feedback_form_pre_tagged(client):
    body = _get(client, "/feedback/?topic=translation", "ht").content.decode()
    assert re.search(r'name="is_translation_feedback"[^>]*checked', body)
    assert not re.search(r'name="is_translation_feedback"[^>]*checked', client.get("/feedback/").content.decode())


def test_translation_feedback_is_stored_tagged_and_moderated_apart(client):
    response = client.post("/feedback/", {"text": "The word for register is confusing", "language": language("ht").pk,
                                          "is_translation_feedback": "on"})
    assert response.status_code == 200
    item = FeedbackItem.objects.get()
    assert item.is_translation_feedback
    client.force_login(user_with_role("moderator"))
    from django.urls import reverse

    queue = client.get(reverse("engagement:feedback-list")).content.decode()
    assert "The word for register is confusing" not in queue
    apart = client.get(reverse("engagement:feedback-list") + "?topic=translation&status=").content.decode()
    assert "The word for register is confusing" in apart


# --- the reviewer's pages ---------------------------------------------------------------------------

def _reviewed_po(code: str, changes: dict[str, str]) -> str:
    po = polib.pofile(str(catalog_path(code)))
    for entry in po:
        if entry.msgid in changes:
            entry.msgstr = changes[entry.msgid]
    return str(po)


def test_only_reviewers_and_admins_reach_the_translation_pages(client):
    from django.urls import reverse

    client.force_login(user_with_role("moderator"))
    assert client.get(reverse("core:translation-list")).status_code == 403
    client.force_login(user_with_role("translation_reviewer"))
    assert client.get(reverse("core:translation-list")).status_code == 200
    assert client.get(reverse("core:translation-detail", args=["xx"])).status_code == 404
    body = client.get(reverse("core:translation-detail", args=["ht"])).content.decode()
    assert "Community sessions" in body


def test_reviewer_marks_a_language_and_back(client):
    from django.urls import reverse

    client.force_login(user_with_role("translation_reviewer"))
    client.post(reverse("core:translation-status", args=["ar"]), {"status": "reviewed"})
    assert TranslationStatus.objects.get(language="ar").status == "reviewed"
    client.post(reverse("core:translation-status", args=["ar"]), {"status": "draft"})
    status = TranslationStatus.objects.get(language="ar")
    assert (status.status, status.reviewed_on) == ("draft", None)
    assert AuditEvent.objects.filter(action="core.translation.draft").exists()


def test_import_shows_the_diff_then_applies_and_every_page_speaks_it(client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    reviewer = user_with_role("translation_reviewer")
    client.force_login(reviewer)
    text = _reviewed_po("ht", {"Community sessions": "Reyinyon kominotè yo (revize)"})
    url = reverse("core:translation-import", args=["ht"])
    preview = client.post(url, {"catalog": SimpleUploadedFile("ht.po", text.encode())})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Reyinyon kominotè yo (revize)" in page and "1 changed, 0 new" in page
    assert not CatalogOverride.objects.exists()
    applied = client.post(url, {"confirm": "yes", "catalog_text": text})
    assert applied.status_code == 302
    assert CatalogOverride.objects.get().msgstr == "Reyinyon kominotè yo (revize)"
    assert any(m.reviewed for m in current_catalog("ht"))
    client.logout()
    body = _get(client, "/sessions/", "ht").content.decode()
    assert "Reyinyon kominotè yo (revize)" in body
    assert AuditEvent.objects.filter(action="core.translation.catalog_applied").exists()


def test_import_refuses_what_is_not_a_po_file(client):
    from django.urls import reverse

    client.force_login(user_with_role("translation_reviewer"))
    response = client.post(reverse("core:translation-import", args=["ht"]), {"catalog_text": "not a catalog"})
    assert response.status_code == 400


@override_settings()
def test_a_worker_that_missed_the_change_layers_it_on_its_next_request(client):
    """Another web worker: its process-level version is stale; the cache's version tells it to reload."""
    from apps.core import i18n, services

    reviewer = user_with_role("translation_reviewer")
    _get(client, "/sessions/", "ht")  # this process layers version "0"
    services.catalog_apply(by=reviewer, language="ht",
                           text=_reviewed_po("ht", {"Give feedback": "Bay fidbak (revize)"}))
    i18n._layered["version"] = "some other worker's"
    assert "Bay fidbak (revize)" in _get(client, "/sessions/", "ht").content.decode()
