"""Content in many languages (issue 23, parts 1 and 4): English in the columns, every other language in
`translations`; one lookup with one fallback rule; staff forms with an input per offered language and
"missing" flags; staff lists showing the languages offered; the API writing translations per language;
and adding a language as configuration, never a migration."""

from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from apps.core.errors import ApplicationError
from apps.core.translated import localize, missing_languages, offered_languages
from apps.engagement import services
from apps.engagement.forms import DecisionForm, SessionForm, ThemeForm
from apps.engagement.models import Decision
from tests.factories import CityDepartmentFactory
from tests.factories.engagement import SessionFactory, ThemeFactory, language, moderator_of
from tests.support.api import field_errors as _errors
from tests.support.api import signed_in as _as

pytestmark = pytest.mark.django_db

HT = {"HTTP_ACCEPT_LANGUAGE": "ht"}
ES = {"HTTP_ACCEPT_LANGUAGE": "es"}
NOTE = {"es": "no está disponible", "ht": "not yet available"}  # the note's own text, untranslated so far


def _decision(**translations) -> Decision:
    return Decision.objects.create(title="More night teams", action="A second team from May.",
                                   translations=translations, outcome=Decision.Outcome.ADOPTED,
                                   decided_on="2026-03-01", is_published=True)


# --- the one rule ------------------------------------------------------------------------------------

def test_localize_reads_the_language_and_falls_back_to_english():
    session = SessionFactory.build(title="Listening", title_es="Escucha", description_es="",
                                   translations={"es": {"title": "Escucha"}, "ht": {"title": "  "},
                                                 "zh-hant": {"title": "聆聽會"}})
    assert localize(session, "title", "es") == localize(session, "title", "es-419")
    assert (localize(session, "title", "es").text, localize(session, "title", "es").fell_back) == ("Escucha", False)
    assert localize(session, "title", "zh-hant").text == "聆聽會"
    # Blank text is no translation: English, and it says so.
    ht = localize(session, "title", "ht")
    assert (ht.text, ht.language, ht.asked, ht.fell_back) == ("Listening", "en", "ht", True)
    assert localize(session, "description", "es").fell_back
    # An empty optional English field is empty everywhere, and not a fallback.
    assert localize(session, "transit_notes", "so").fell_back is False
    with translation.override("zh-hant"):
        assert session.tr.title == "聆聽會"
    assert offered_languages(session, ["title"]) == ["en", "es", "zh-hant"]
    assert "ht" in missing_languages(session)


def test_services_refuse_unknown_languages_and_fields():
    department = CityDepartmentFactory()
    moderator = moderator_of(department)
    for bad, message in [({"xx": {"title": "?"}}, "unknown language"), ({"es": {"reason": "?"}}, "not translatable"),
                         ({"es": {"title": "x" * 301}}, "at most 300"), (["es"], "expected an object")]:
        with pytest.raises(ApplicationError, match=message) as error:
            services.decision_save(by=moderator, title="T", action="A", outcome="adopted", decided_on="2026-01-01",
                                   translations=bad)
        assert error.value.field == "translations"
    decision = services.decision_save(by=moderator, title="T", action="A", outcome="adopted",
                                      decided_on="2026-01-01",
                                      translations={"ht": {"title": " Plis ekip lannwit ", "action": ""}})
    assert decision.translations == {"ht": {"title": "Plis ekip lannwit"}}


# --- resident pages: the language, or English marked as such with the note --------------------------

def test_session_page_in_haitian_creole_falls_back_to_english_with_the_note(client):
    session = SessionFactory(title="Listening in Mattapan", description="Tell us what you need.",
                             transit_notes="Near the 28 bus.")
    session.agenda_items.create(order=0, title="Welcome")
    page = client.get(f"/sessions/{session.pk}/", **HT).content.decode()
    assert '<html lang="ht"' in page
    assert '<h1><span lang="en" class="content-fallback">Listening in Mattapan</span></h1>' in page
    assert '<span lang="en" class="content-fallback">Tell us what you need.</span>' in page
    assert '<li><span lang="en" class="content-fallback">Welcome</span>' in page
    assert page.count("content-fallback-note") == 1 and "Kreyòl ayisyen" in page

    session.translations = {"ht": {"title": "Sesyon koute nan Mattapan", "description": "Di nou sa ou bezwen.",
                                   "transit_notes": "Toupre bis 28 la."}}
    session.save()
    session.agenda_items.update(translations={"ht": {"title": "Byenvini"}})
    page = client.get(f"/sessions/{session.pk}/", **HT).content.decode()
    assert "<h1>Sesyon koute nan Mattapan</h1>" in page and "<li>Byenvini" in page
    assert "content-fallback" not in page and "Listening in Mattapan" not in page


def test_session_list_and_decisions_fall_back_per_item(client):
    SessionFactory(title="English only", title_es="")
    SessionFactory(title="Both", title_es="Ambos")
    page = client.get("/sessions/", **ES).content.decode()
    assert '<span lang="en" class="content-fallback">English only</span>' in page
    assert ">Ambos</a>" in page and ">Both</a>" not in page

    theme = ThemeFactory(name="Night coverage", name_es="")
    decision = _decision(es={"title": "Más equipos de noche"})
    decision.themes.set([theme])
    page = client.get("/you-said-we-did/", **ES).content.decode()
    assert "Más equipos de noche" in page
    assert '<span lang="en" class="content-fallback">A second team from May.</span>' in page
    assert '<span lang="en" class="content-fallback">Night coverage</span>' in page
    assert "content-fallback-note" in page


def test_emails_carry_the_title_in_the_residents_language(django_capture_on_commit_callbacks):
    session = SessionFactory(title="Listening", translations={"ht": {"title": "Sesyon koute"}})
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(session_id=session.pk, name="Jean", email="jean@example.org",
                                     language=language("ht"), contact_consent=True)
    assert mail.outbox and "Sesyon koute" in mail.outbox[-1].subject + mail.outbox[-1].body


# --- staff: an input per offered language, "missing" flags, languages in the lists --------------------

def test_staff_forms_offer_every_language_with_missing_flags():
    others = [code for code, _name in settings.LANGUAGES if code != "en"]
    session = SessionFactory(translations={"es": {"title": "Escucha"}})
    form = SessionForm(instance=session)
    assert [f"title_{code}" for code in others] == [n for n in form.fields if n.startswith("title_")]
    assert (form.fields["title_es"].missing, form.fields["title_ht"].missing) == (False, True)
    assert form.fields["title_es"].initial == "Escucha"
    assert {"lang": "ar", "dir": "rtl"}.items() <= form.fields["title_ar"].widget.attrs.items()
    # No English transit notes: nothing to translate, so not missing.
    assert not form.fields["transit_notes_ht"].missing and SessionForm().fields["transit_notes_ht"].missing
    decision_form = DecisionForm(instance=_decision(vi={"title": "Thêm đội đêm", "action": "Đội thứ hai"}))
    assert decision_form.fields["action_vi"].missing is False and decision_form.fields["action_so"].missing
    assert {f"name_{code}" for code in others} <= set(ThemeForm().fields)


def test_staff_pages_flag_missing_languages_and_list_the_offered_ones(client):
    department = CityDepartmentFactory()
    client.force_login(moderator_of(department))
    session = SessionFactory(organization=department, title="Roxbury listening", title_es="Escucha en Roxbury",
                             translations={"es": {"title": "Escucha", "description": "D"},
                                           "ht": {"title": "Koute", "description": "D"}})
    page = client.get(f"/staff/engagement/sessions/{session.pk}/edit/").content.decode()
    # Title and description: the nine languages besides English, Spanish and Haitian Creole (no transit
    # notes in English, no agenda: nothing to translate).
    assert page.count("engagement-tag--missing") == 2 * (len(settings.LANGUAGES) - 3)
    assert 'name="title_zh-hans"' in page and 'lang="zh-hans"' in page
    listing = client.get("/staff/engagement/sessions/").content.decode()
    assert ">en</abbr>" in listing and ">es</abbr>" in listing and ">ht</abbr>" in listing
    assert ">vi</abbr>" not in listing and f"{len(settings.LANGUAGES) - 3} missing" in listing
    _decision(fr={"title": "Plus d'équipes", "action": "Une deuxième équipe"})
    assert ">fr</abbr>" in client.get("/staff/engagement/decisions/").content.decode()


def test_staff_decision_form_saves_translations_in_any_language(client):
    client.force_login(moderator_of(CityDepartmentFactory()))
    response = client.post("/staff/engagement/decisions/new/", {
        "save": "1", "title": "Night teams", "action": "Added one.", "title_so": "Kooxo habeen",
        "action_so": "Mid baa lagu daray.", "title_es": "Equipos de noche", "outcome": "adopted",
        "progress": "planned", "decided_on": "2026-04-01"})
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.translations == {"es": {"title": "Equipos de noche"},
                                     "so": {"title": "Kooxo habeen", "action": "Mid baa lagu daray."}}
    assert decision.offered_languages == ["en", "so"]


# --- the API: translations per language ---------------------------------------------------------------

def test_api_writes_and_reads_translations_per_language(api):
    department = CityDepartmentFactory()
    moderator = moderator_of(department)
    url = "/api/v1/engagement/decisions/"
    body = {"title": "Night teams", "action": "Added one.", "outcome": "adopted", "decided_on": "2026-04-01",
            "translations": {"ar": {"title": "فرق ليلية", "action": "أضفنا فريقا."}}}
    response = _as(api, moderator).post(url, body, format="json")
    assert response.status_code == 201, response.content
    assert Decision.objects.get().translations == body["translations"]
    for bad in ({"xx": {"title": "?"}}, {"ar": {"outcome": "?"}}, {"ar": "فرق"}, {"ar": {"title": 3}}):
        assert "translations" in _errors(api.post(url, {**body, "translations": bad}, format="json")), bad
    session = SessionFactory(translations={"es": {"title": "Escucha"}, "so": {"title": "Dhageysi"}})
    row = api.get(f"/api/v1/engagement/sessions/{session.pk}/").json()
    assert row["translations"]["so"] == {"title": "Dhageysi"}
    assert "languages" in row and "title_es" not in row


def test_the_schema_names_every_language():
    out = StringIO()
    call_command("spectacular", "--format", "openapi-json", stdout=out)
    schema = out.getvalue()
    assert '"zh-hant"' in schema and '"translations"' in schema


# --- adding a language is configuration ---------------------------------------------------------------

def test_adding_a_language_needs_no_migration(api):
    with override_settings(LANGUAGES=[*settings.LANGUAGES, ("de", "German")]):
        call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
        assert "title_de" in SessionForm().fields
        moderator = moderator_of(CityDepartmentFactory())
        decision = services.decision_save(by=moderator, title="T", action="A", outcome="adopted",
                                          decided_on="2026-01-01", translations={"de": {"title": "Nachtteams"}})
        assert localize(decision, "title", "de").text == "Nachtteams"
    assert localize(decision, "title", "de").text == "T"  # a language no longer offered reads English


# --- the admin: the same inputs per language ----------------------------------------------------------

def test_admin_edits_translations_per_language(client):
    from apps.accounts.roles import Role
    from tests.factories import user_with_role

    city = CityDepartmentFactory()
    admin_user = user_with_role(Role.PROGRAM_ADMIN, city, mfa=True, email="ada@city.example")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin_user)
    theme = ThemeFactory(name="Night coverage", name_es="Cobertura nocturna")
    session = SessionFactory(organization=city)
    session.agenda_items.create(order=0, title="Welcome", translations={"es": {"title": "Bienvenida"}})
    decision = _decision(es={"title": "Más equipos", "action": "Un segundo equipo"})
    for url, name in [(f"/admin/engagement/theme/{theme.pk}/change/", "name_ht"),
                      (f"/admin/engagement/communitysession/{session.pk}/change/", "description_ar"),
                      (f"/admin/engagement/decision/{decision.pk}/change/", "action_so")]:
        page = client.get(url).content.decode()
        assert f'name="{name}"' in page, url
    assert "Bienvenida" in client.get(f"/admin/engagement/communitysession/{session.pk}/change/").content.decode()
    response = client.post(f"/admin/engagement/theme/{theme.pk}/change/", {
        "name": "Night coverage", "name_es": "Cobertura nocturna", "name_ht": "Kouvèti lannwit",
        "description": "", "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    theme.refresh_from_db()
    assert theme.translations == {"es": {"name": "Cobertura nocturna"}, "ht": {"name": "Kouvèti lannwit"}}
    assert "ht" in client.get("/admin/engagement/theme/").content.decode()
