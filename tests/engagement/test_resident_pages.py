"""Residents' pages on a phone, in Spanish (issue 19): language names and titles in the page's language,
Spanish transit notes, language defaults, the crisis reply in the message's language, places left and the
public-figures rule, the register button, the date filter and the map link."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from apps.core.models import Language
from apps.core.reference_data import language_label, language_name
from apps.engagement import selectors, services
from apps.engagement.forms import FeedbackForm, SessionFilterForm, SessionForm
from apps.engagement.models import CommunitySession, FeedbackItem
from tests.factories.engagement import RegistrationFactory, SessionFactory, language

pytestmark = pytest.mark.django_db

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}
BOSTON = ZoneInfo("America/New_York")


def _facts(body: str, term: str) -> str:
    """The text of the <dd> after the <dt> `term` in the session's key facts."""
    match = re.search(rf"<dt>{re.escape(term)}</dt>\s*<dd>(.*?)</dd>", body, re.S)
    assert match, f"no {term!r} in the key facts"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip()


# --- language names ------------------------------------------------------------------------------

def test_language_label_never_repeats_a_name():
    with translation.override("en"):
        assert language_label(language("ase")) == "American Sign Language (ASL)"
        assert language_label(language("es")) == "Español — Spanish"
        assert language_label(language("en")) == "English"
        assert language_label(language("ht")) == "Kreyòl ayisyen — Haitian Creole"
    with translation.override("es"):
        # Spanish is named once on a Spanish page; other names go through the catalog.
        assert language_label(language("es")) == "Español"
        assert language_name(language("ht")) == gettext("Haitian Creole")
        assert language_label(language("ase")) == gettext("American Sign Language (ASL)")


def test_interpretation_languages_are_named_in_the_page_language(client):
    session = SessionFactory()
    session.interpretation_languages.set([language("es"), language("ase")])
    english = client.get(f"/sessions/{session.pk}/").content.decode()
    spanish = client.get(f"/sessions/{session.pk}/", **ES).content.decode()
    assert _facts(english, "Interpretation") == "Spanish, American Sign Language (ASL)"
    with translation.override("es"):
        asl = gettext("American Sign Language (ASL)")
    assert _facts(spanish, "Interpretación") == f"Español, {asl}"
    assert "ASL (American Sign Language" not in spanish


# --- the feedback form's sessions, language defaults ---------------------------------------------

def test_feedback_session_choices_show_the_localized_title(client):
    session = SessionFactory(title="Listening in Roxbury", title_es="Sesión para escuchar en Roxbury")
    body = client.get("/feedback/", **ES).content.decode()
    assert f'<option value="{session.pk}">Sesión para escuchar en Roxbury</option>' in body
    assert "Listening in Roxbury" not in body
    body = client.get("/feedback/").content.decode()
    assert f'<option value="{session.pk}">Listening in Roxbury</option>' in body


@pytest.mark.parametrize(("headers", "code"), [({}, "en"), (ES, "es")])
def test_language_fields_default_to_the_page_language(client, headers, code):
    session = SessionFactory()
    register = client.get(f"/sessions/{session.pk}/register/", **headers)
    feedback = client.get("/feedback/", **headers)
    assert register.context["form"]["language"].initial == language(code).pk
    assert feedback.context["form"]["language"].initial == language(code).pk


def test_a_submitted_feedback_form_keeps_the_chosen_language():
    with translation.override("es"):
        form = FeedbackForm({"text": "Hello", "language": language("en").pk})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["language"] == language("en")


# --- transit notes in Spanish --------------------------------------------------------------------

def test_transit_notes_in_spanish_with_english_fallback(client):
    both = SessionFactory(transit_notes="Near bus route 28.", transit_notes_es="Cerca de la ruta de autobús 28.")
    english_only = SessionFactory(transit_notes="Near the Orange Line.")
    body = client.get(f"/sessions/{both.pk}/", **ES).content.decode()
    assert "Transporte público: Cerca de la ruta de autobús 28." in body
    assert "Near bus route 28." not in body
    assert "Transit: Near bus route 28." in client.get(f"/sessions/{both.pk}/").content.decode()
    # No Spanish written: the English, marked as English, with the note (never a blank).
    page = client.get(f"/sessions/{english_only.pk}/", **ES).content.decode()
    assert 'Transporte público: <span lang="en" class="content-fallback">Near the Orange Line.</span>' in page
    assert "content-fallback-note" in page


def test_staff_session_form_has_the_spanish_transit_field():
    fields = list(SessionForm().fields)
    # One input per offered language, right after the English one, each marked missing when empty.
    after = fields[fields.index("transit_notes") + 1:][:len(settings.LANGUAGES) - 1]
    assert after == [f"transit_notes_{code}" for code, _name in settings.LANGUAGES if code != "en"]
    assert all(SessionForm().fields[name].missing for name in after)


def test_session_create_keeps_spanish_transit_notes():
    from tests.factories import CityDepartmentFactory
    from tests.factories.engagement import moderator_of

    department = CityDepartmentFactory()
    moderator = moderator_of(department)
    template = SessionFactory.build(organization=department)
    session = services.session_create(
        by=moderator, organization=department, agenda=[], interpretation_languages=[],
        **{f: getattr(template, f) for f in services.SESSION_FIELDS
           if f not in ("transit_notes", "translations")},
        transit_notes="Bus 28", translations={"es": {"transit_notes": "Autobús 28"}})
    session.refresh_from_db()
    assert (session.transit_notes, session.translations["es"]["transit_notes"]) == ("Bus 28", "Autobús 28")


# --- the crisis reply in the message's language --------------------------------------------------

def test_crisis_reply_is_in_the_language_the_message_was_written_in(client):
    response = client.post("/feedback/", {"text": "Quiero morir, no aguanto más", "language": language("es").pk})
    body = response.content.decode()
    assert response.context["crisis"] is True
    assert '<html lang="es" dir="ltr">' in body
    assert response["Content-Language"] == "es"
    assert "Nos preocupa su bienestar" in body
    assert "<strong>988</strong>" in body


def test_crisis_reply_in_english_from_a_spanish_page(client):
    response = client.post("/feedback/", {"text": "I want to kill myself tonight", "language": language("en").pk},
                           **ES)
    assert '<html lang="en" dir="ltr">' in response.content.decode()
    assert "We are concerned about you" in response.content.decode()


def test_crisis_reply_in_the_form_language_when_the_detector_cannot_tell(client):
    # Haitian Creole, which the detector cannot tell from French: the form's language decides.
    response = client.post("/feedback/", {"text": "Mwen panse a suicide aswè a, mwen pa ka ankò",
                                          "language": language("ht").pk}, **ES)
    assert '<html lang="ht"' in response.content.decode()
    assert response["Content-Language"] == "ht"
    item = FeedbackItem.objects.get()
    assert item.safety_flag is True
    assert item.detected_language == ""


def test_crisis_reply_in_a_language_the_site_does_not_speak_keeps_the_page_language(client, monkeypatch):
    # A language added in the admin that the interface does not speak (Fula), which the detector cannot
    # read either: the page's language stays.
    monkeypatch.setattr("apps.engagement.services.feedback.detect_language", lambda text, form_language: "")
    fula = Language.objects.create(code="ff", name="Fula")
    response = client.post("/feedback/", {"text": "Mwen panse a suicide aswè a, mwen pa ka ankò",
                                          "language": fula.pk}, **ES)
    assert '<html lang="es"' in response.content.decode()
    assert FeedbackItem.objects.get().safety_flag is True


def test_crisis_reply_follows_the_written_language_not_the_form(client):
    """English words sent from the Haitian Creole form on the Spanish pages: the reply is in English."""
    response = client.post("/feedback/", {"text": "I want to kill myself tonight, I cannot go on",
                                          "language": language("ht").pk}, **ES)
    assert '<html lang="en" dir="ltr">' in response.content.decode()
    assert response["Content-Language"] == "en"
    assert FeedbackItem.objects.get().detected_language == "en"


def test_crisis_reply_in_spanish_from_the_english_form(client):
    response = client.post("/feedback/", {"text": "Quiero morir esta noche, ya no aguanto más",
                                          "language": language("en").pk})
    assert '<html lang="es" dir="ltr">' in response.content.decode()
    assert "Nos preocupa su bienestar" in response.content.decode()


def test_ordinary_thanks_follows_the_page_language(client):
    response = client.post("/feedback/", {"text": "Más equipos en español", "language": language("es").pk})
    assert response.context["crisis"] is False
    assert '<html lang="en" dir="ltr">' in response.content.decode()


# --- places left and the public-figures rule -----------------------------------------------------

@pytest.mark.parametrize(("registered", "expected"), [
    (0, "4 places left"), (3, "1 place left"), (4, "Full — join the waitlist."), (5, "Full — join the waitlist.")])
def test_places_left_wording(client, registered, expected):
    session = SessionFactory(capacity=5, reserved_seats=1)
    for _ in range(registered):
        RegistrationFactory(session=session)
    body = client.get(f"/sessions/{session.pk}/").content.decode()
    assert _facts(body, "Places") == expected
    assert _facts(client.get("/sessions/").content.decode(), "Places") == expected
    assert "registered" not in _facts(body, "Places")


def test_confirmation_page_shows_the_number_of_places_left(client):
    """The confirmation page's session had no seat counts: "35 asientos · personas inscritas"."""
    session = SessionFactory(capacity=35)
    registration = services.registration_create(session_id=session.pk, name="Marisol", language=language("es"))
    RegistrationFactory(session=session)
    token = services.registration_token(registration)
    body = client.get(f"/sessions/registration/{token}/").content.decode()
    assert _facts(body, "Places") == "33 places left"


def test_past_session_shows_no_places(client):
    session = SessionFactory(status=CommunitySession.Status.COMPLETED,
                             starts_at=datetime(2025, 3, 1, 18, tzinfo=BOSTON),
                             ends_at=datetime(2025, 3, 1, 20, tzinfo=BOSTON))
    body = client.get(f"/sessions/{session.pk}/").content.decode()
    assert "<dt>Places</dt>" not in body
    assert "Register" not in body


def test_public_counts_of_people_under_5_are_suppressed():
    assert [selectors.suppress(n) for n in (0, 1, 4, 5, 12)] == [None, None, None, 5, 12]
    assert selectors.SUPPRESSION_THRESHOLD == 5


def test_places_left_uses_the_annotation_when_present():
    session = SessionFactory(capacity=10)
    RegistrationFactory(session=session)
    RegistrationFactory(session=session, status="waitlisted")
    assert session.places_left == 9  # counted
    assert selectors.public_session_get(pk=session.pk).places_left == 9  # annotated


# --- register button, navigation, map link -------------------------------------------------------

def test_each_card_has_a_register_button(client):
    open_one = SessionFactory(title="Open one")
    full_one = SessionFactory(title="Full one", capacity=1)
    RegistrationFactory(session=full_one)
    body = client.get("/sessions/").content.decode()
    assert (f'<a class="usa-button engagement-register-button" href="/sessions/{open_one.pk}/register/">Register'
            '<span class="usa-sr-only">: Open one</span></a>') in body
    assert (f'<a class="usa-button engagement-register-button" href="/sessions/{full_one.pk}/register/">'
            'Join the waitlist'
            '<span class="usa-sr-only">: Full one</span></a>') in body


def test_register_button_comes_right_after_the_key_facts(client):
    session = SessionFactory(transit_notes="Bus 28")
    session.agenda_items.create(order=0, title="Welcome")
    body = client.get(f"/sessions/{session.pk}/").content.decode()
    facts_end = body.index("</dl>")
    button = body.index(f'href="/sessions/{session.pk}/register/"')
    assert facts_end < button < body.index(session.description) < body.index("<h2>Agenda</h2>")


def test_signed_out_resident_gets_no_duplicate_navigation(client):
    body = client.get("/sessions/").content.decode()
    assert "engagement-public-nav" not in body
    # The header's main navigation (and its copy for browsers without JavaScript), nothing in the page.
    header, _, rest = body.partition("<noscript>")
    assert header.count('href="/feedback/"') == 1
    assert rest.partition("</noscript>")[2].count('href="/feedback/"') == 0


def test_map_link_opens_the_address_on_openstreetmap(client):
    session = SessionFactory(venue_address="650 Dudley St, Boston")
    online = SessionFactory(format=CommunitySession.Format.ONLINE, online_link="https://meet.example.org/x",
                            venue_address="")
    body = client.get(f"/sessions/{session.pk}/").content.decode()
    assert ('href="https://www.openstreetmap.org/search?query=650+Dudley+St%2C+Boston" rel="noreferrer"'
            in body)
    assert "openstreetmap" not in client.get(f"/sessions/{online.pk}/").content.decode()


# --- the date filter -----------------------------------------------------------------------------

WEDNESDAY = datetime(2026, 12, 2, 9, 0, tzinfo=BOSTON)


def _at(day: date, hour: int = 18) -> dict:
    starts = datetime(day.year, day.month, day.day, hour, tzinfo=BOSTON)
    return {"starts_at": starts, "ends_at": starts + timedelta(hours=2)}


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["Friday", "Sunday late", "Next Tuesday", "January"]),
    ("?when=week", ["Friday", "Sunday late"]),
    ("?when=month", ["Friday", "Sunday late", "Next Tuesday"]),
    ("?when=next-month", ["January"]),
    ("?date_from=2026-12-06&date_to=2026-12-08", ["Sunday late", "Next Tuesday"]),
    ("?when=month&date_from=2026-12-07", ["Next Tuesday"]),  # a typed date wins over the preset's
])
def test_public_session_list_date_filter(client, query, expected):
    with time_machine.travel(WEDNESDAY, tick=False):
        SessionFactory(title="Friday", **_at(date(2026, 12, 4)))
        SessionFactory(title="Sunday late", **_at(date(2026, 12, 6), hour=23))  # still this week, locally
        SessionFactory(title="Next Tuesday", **_at(date(2026, 12, 8)))
        SessionFactory(title="January", **_at(date(2027, 1, 5)))
        response = client.get("/sessions/" + query)
        assert [s.title for s in response.context["page"]] == expected


def test_date_filter_refuses_an_end_before_the_start(client):
    with time_machine.travel(WEDNESDAY, tick=False):
        SessionFactory(title="Friday", **_at(date(2026, 12, 4)))
        response = client.get("/sessions/?date_from=2026-12-10&date_to=2026-12-01")
        assert response.context["filters"].errors == {"date_to": ["The end date is before the start date."]}
        assert [s.title for s in response.context["page"]] == ["Friday"]


def test_date_presets_cover_the_local_week_and_month():
    def range_for(when: str, today: date):
        form = SessionFilterForm({"when": when})
        assert form.is_valid()
        return form.date_range(today)

    assert range_for("week", date(2026, 12, 2)) == (date(2026, 12, 2), date(2026, 12, 6))
    assert range_for("week", date(2026, 12, 6)) == (date(2026, 12, 6), date(2026, 12, 6))  # Sunday
    assert range_for("month", date(2026, 12, 31)) == (date(2026, 12, 31), date(2026, 12, 31))
    assert range_for("next-month", date(2026, 12, 31)) == (date(2027, 1, 1), date(2027, 1, 31))
    assert range_for("next-month", date(2027, 1, 31)) == (date(2027, 2, 1), date(2027, 2, 28))
    assert range_for("", date(2026, 12, 2)) == (None, None)


def test_pagination_keeps_the_date_filter(client):
    with time_machine.travel(WEDNESDAY, tick=False):
        for n in range(21):
            SessionFactory(title=f"S{n}", **_at(date(2026, 12, 3)))
        body = client.get("/sessions/?when=week").content.decode()
        assert 'href="?when=week&amp;page=2"' in body
