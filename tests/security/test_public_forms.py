"""Bad input on every public page (no account): over-long fields, NUL bytes, text that is not UTF-8,
malformed emails, phones and ids, unknown choices, missing CSRF, the wrong content type on the API.

Each case must end in a clear error tied to its field (the form shown again) or a 400/404: never a
500, and nothing stored. The request client re-raises any exception a view lets escape, so a crash
fails the test with its traceback.
"""

from urllib.parse import quote

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils.html import escape

from apps.accounts.models import User
from apps.core.models import AuditEvent
from apps.engagement import erasure
from apps.engagement import services as engagement_services
from apps.engagement.models import FeedbackItem, Registration, StaffTask
from apps.notifications import services as notification_services
from apps.notifications.models import Notification, ResidentOptOut
from tests.factories.engagement import RegistrationFactory, SessionFactory, language

pytestmark = pytest.mark.django_db

HUGE_INT = "99999999999999999999999"
LONG_EMAIL = "x" * 300 + "@example.org"  # forms.EmailField alone accepts up to 320 characters
MEGABYTE = "x" * (1024 * 1024)
NOT_UTF8 = b"caf\xe9"  # Latin-1
SURROGATE_UTF8 = b"\xed\xa0\x80"  # a lone surrogate, as CESU-8 would write it: not valid UTF-8
BAD_IDS = ["-1", "0", HUGE_INT, "1.5", "abc", "1e5", "\x00"]
INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."
STORED_MODELS = (Registration, FeedbackItem, StaffTask, Notification, ResidentOptOut, AuditEvent, User, EmailAddress)


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings):
    # The limits have their own tests; here every request must reach the form.
    settings.ENGAGEMENT_REGISTRATIONS_PER_HOUR = 10_000
    settings.ENGAGEMENT_FEEDBACK_PER_HOUR = 10_000
    settings.ENGAGEMENT_FORGET_PER_HOUR = 10_000


def _bad_choices(field: str) -> list[tuple[str, str, str]]:
    return [(field, bad, "Null characters are not allowed." if "\x00" in bad else INVALID_CHOICE) for bad in BAD_IDS]


def _stored() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in STORED_MODELS}


def _encode(value) -> str:
    return quote(value if isinstance(value, bytes) else value.encode("utf-8"))


def _post(client, url: str, data: dict):
    """A form post whose values may be raw bytes (text in another encoding than UTF-8)."""
    body = "&".join(f"{_encode(k)}={_encode(v)}" for k, v in data.items())
    return client.post(url, body, content_type="application/x-www-form-urlencoded")


def _field_error(response, field: str, message: str) -> None:
    """The form came back with `message` under `field` (tied to it for screen readers)."""
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html, field
    assert escape(message) in html, message


@pytest.fixture
def session():
    return SessionFactory()


@pytest.fixture
def english():
    return language("en")


# --- feedback ------------------------------------------------------------------------------------

@pytest.fixture
def feedback(english):
    return {"text": "Send trained neighbors.", "language": str(english.pk), "neighborhood": "", "session": "",
            "contact_consent": "on", "contact_name": "", "contact_email": "", "contact_phone": "", "website": ""}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("text", "x" * 50_000, "Ensure this value has at most 5000 characters (it has 50000)."),
    ("text", MEGABYTE, "Ensure this value has at most 5000 characters (it has 1048576)."),
    ("text", "Send\x00help", "Null characters are not allowed."),
    ("text", NOT_UTF8, "Some characters could not be read (the text was not sent as UTF-8). Type it again."),
    ("text", SURROGATE_UTF8, "Some characters could not be read (the text was not sent as UTF-8). Type it again."),
    ("text", "", "This field is required."),
    *_bad_choices("language"),
    *_bad_choices("neighborhood"),
    *_bad_choices("session"),
    ("contact_name", "x" * 1000, "Ensure this value has at most 100 characters (it has 1000)."),
    ("contact_name", NOT_UTF8, "Some characters could not be read (the text was not sent as UTF-8). Type it again."),
    ("contact_email", "a@b@c", "Enter a valid email address."),
    ("contact_email", "not-an-email", "Enter a valid email address."),
    ("contact_email", LONG_EMAIL, "Ensure this value has at most 254 characters (it has 312)."),
    ("contact_email", "ana\x00@example.org", "Null characters are not allowed."),
    ("contact_phone", "call me maybe", "Enter a phone number in digits, for example 617-555-0100."),
    ("contact_phone", "555", "Enter the phone number with its area code."),
    ("contact_phone", "1" * 20, "A phone number has at most 15 digits."),
    ("contact_phone", "6" * 320, "Ensure this value has at most 32 characters (it has 320)."),
])
def test_feedback_bad_field_is_refused_next_to_it(client, feedback, field, value, message):
    before = _stored()
    response = _post(client, "/feedback/", {**feedback, field: value})
    _field_error(response, field, message)
    assert _stored() == before


def test_feedback_contact_without_consent_is_refused(client, feedback):
    before = _stored()
    response = _post(client, "/feedback/", {**feedback, "contact_consent": "", "contact_email": "ana@example.org"})
    _field_error(response, "contact_consent", "Tick this box to let us keep your contact, or leave it empty.")
    assert _stored() == before


@pytest.mark.parametrize("value", [*BAD_IDS, NOT_UTF8, "x" * 10_000])
def test_feedback_page_ignores_a_bad_session_in_the_address(client, value):
    assert client.get(f"/feedback/?session={_encode(value)}").status_code == 200


# --- session registration (page) -----------------------------------------------------------------

@pytest.fixture
def registration_form(english):
    return {"name": "Ana", "language": str(english.pk), "email": "", "phone": "", "contact_consent": "on",
            "interpretation_language": "", "access_needs": ""}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "x" * 1000, "Ensure this value has at most 100 characters (it has 1000)."),
    ("name", MEGABYTE, "Ensure this value has at most 100 characters (it has 1048576)."),
    ("name", "A\x00na", "Null characters are not allowed."),
    ("name", SURROGATE_UTF8, "Some characters could not be read (the text was not sent as UTF-8). Type it again."),
    ("name", NOT_UTF8, "Some characters could not be read (the text was not sent as UTF-8). Type it again."),
    ("name", "", "This field is required."),
    *_bad_choices("language"),
    *_bad_choices("interpretation_language"),
    ("email", "a@b@c", "Enter a valid email address."),
    ("email", LONG_EMAIL, "Ensure this value has at most 254 characters (it has 312)."),
    ("phone", "call me maybe", "Enter a phone number in digits, for example 617-555-0100."),
    ("phone", "+1 (617)", "Enter the phone number with its area code."),
    ("phone", "\x00" * 10, "Null characters are not allowed."),
    ("access_needs", "x" * 10_000, "Ensure this value has at most 1000 characters (it has 10000)."),
    ("access_needs", NOT_UTF8, "Some characters could not be read (the text was not sent as UTF-8). Type it again."),
])
def test_registration_bad_field_is_refused_next_to_it(client, session, registration_form, field, value, message):
    before = _stored()
    response = _post(client, f"/sessions/{session.pk}/register/", {**registration_form, field: value})
    _field_error(response, field, message)
    assert _stored() == before


def test_registration_contact_without_consent_is_refused(client, session, registration_form):
    before = _stored()
    response = _post(client, f"/sessions/{session.pk}/register/",
                     {**registration_form, "contact_consent": "", "phone": "617-555-0100"})
    _field_error(response, "contact_consent", "Tick this box to let us keep your email or phone, or leave them "
                                              "empty.")
    assert _stored() == before


def test_a_valid_phone_is_still_accepted(client, session, registration_form):
    response = _post(client, f"/sessions/{session.pk}/register/", {**registration_form, "phone": "+1 (617) 555-0100"})
    assert response.status_code == 302
    assert Registration.objects.get().phone == "+1 (617) 555-0100"


@pytest.mark.parametrize("pk", ["-1", HUGE_INT, "abc", "%00", "%FF"])
def test_registration_for_a_bad_session_id_is_404(client, registration_form, pk):
    before = _stored()
    for url in (f"/sessions/{pk}/", f"/sessions/{pk}/register/", f"/sessions/{pk}/calendar.ics"):
        assert client.get(url).status_code == 404, url
    assert _post(client, f"/sessions/{pk}/register/", registration_form).status_code == 404
    assert _stored() == before


# --- session registration (API) ------------------------------------------------------------------

def _api_register(client, session, payload: str, content_type: str = "application/json"):
    return client.post(f"/api/v1/engagement/sessions/{session.pk}/registrations/", payload,
                       content_type=content_type)


@pytest.mark.parametrize(("payload", "field"), [
    ('{"name": "' + "x" * 1000 + '", "language": "en"}', "name"),
    ('{"name": "A\\u0000na", "language": "en"}', "name"),
    ('{"name": "A\\ud800na", "language": "en"}', "name"),
    ('{"name": "Ana", "language": "zz"}', "language"),
    ('{"name": "Ana", "language": "en\\u0000"}', "language"),
    ('{"name": "Ana", "language": ' + HUGE_INT + "}", "language"),
    ('{"name": "Ana", "language": ["en"]}', "language"),
    ('{"name": "Ana", "language": "en", "interpretation_language": -1}', "interpretation_language"),
    ('{"name": "Ana", "language": "en", "interpretation_language": "es\\u0000"}', "interpretation_language"),
    ('{"name": "Ana", "language": "en", "email": "a@b@c", "contact_consent": true}', "email"),
    ('{"name": "Ana", "language": "en", "email": "' + LONG_EMAIL + '", "contact_consent": true}', "email"),
    ('{"name": "Ana", "language": "en", "phone": "call me maybe", "contact_consent": true}', "phone"),
    ('{"name": "Ana", "language": "en", "phone": "617-555-0100", "contact_consent": "maybe"}', "contact_consent"),
    ('{"name": "Ana", "language": "en", "phone": "617-555-0100"}', "contact_consent"),
    ('{"name": "Ana", "language": "en", "access_needs": "' + "x" * 10_000 + '"}', "access_needs"),
])
def test_api_registration_bad_field_is_400_on_that_field(client, session, payload, field):
    before = _stored()
    response = _api_register(client, session, payload)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert _stored() == before


def test_api_registration_body_over_the_api_limit_is_400_before_parsing(client, session, settings):
    # A megabyte of name is past API_JSON_MAX_BYTES (1 MiB with the braces): refused as a whole.
    before = _stored()
    response = _api_register(client, session, '{"name": "' + MEGABYTE + '", "language": "en"}')
    assert response.status_code == 400
    assert response.json()["detail"] == f"The request body is too large (at most {settings.API_JSON_MAX_BYTES} bytes)."
    assert _stored() == before
    # Under the limit, the same name is the name field's error.
    settings.API_JSON_MAX_BYTES = 4 * 1024 * 1024
    response = _api_register(client, session, '{"name": "' + MEGABYTE + '", "language": "en"}')
    assert response.status_code == 400 and "name" in response.json()["errors"]
    assert _stored() == before


def test_api_registration_json_not_in_utf8_is_400(client, session):
    before = _stored()
    response = _api_register(client, session, b'{"name": "caf\xe9", "language": "en"}')
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    assert _stored() == before


@pytest.mark.parametrize(("payload", "content_type", "status"), [
    ("{bad json", "application/json", 400),
    ("[]", "application/json", 400),
    ('"Ana"', "application/json", 400),
    ("null", "application/json", 400),
    ("name=Ana&language=en", "text/plain", 415),
    # The API reads JSON only: a form body is refused whole, whatever its encoding.
    ("name=caf%E9&language=en", "application/x-www-form-urlencoded", 415),
    ("<registration><name>Ana</name></registration>", "application/xml", 415),
    ("garbage", "multipart/form-data", 415),
    ("--x\r\ngarbage", "multipart/form-data; boundary=x", 415),
])
def test_api_registration_wrong_body_is_4xx(client, session, payload, content_type, status):
    before = _stored()
    response = _api_register(client, session, payload, content_type)
    assert response.status_code == status
    assert response.json()["detail"]
    assert _stored() == before


@pytest.mark.parametrize("pk", ["-1", HUGE_INT, "abc", "%00", "%FF"])
def test_api_registration_for_a_bad_session_id_is_404(client, pk):
    response = client.post(f"/api/v1/engagement/sessions/{pk}/registrations/", '{"name": "Ana", "language": "en"}',
                           content_type="application/json")
    assert response.status_code == 404
    assert Registration.objects.count() == 0


# --- links carried by a token: cancel, delete details, unsubscribe, erase --------------------------

BAD_TOKENS = ["garbage", "%00", "%FF%FE", "%ED%A0%80", "a:b:c", "x" * 5000, "..%2F..%2Fetc"]


@pytest.mark.parametrize("token", BAD_TOKENS)
def test_bad_tokens_are_404_and_change_nothing(client, session, token):
    registration = RegistrationFactory(session=session)
    before = _stored()
    # Pages that only show something take no POST at all (405 when the path reaches them; a token that
    # is no path segment reaches no page, 404); the others read the token first and answer 404.
    read_only = (f"/sessions/registration/{token}/", f"/shifts/calendar/{token}.ics")
    for url in (*read_only, f"/sessions/registration/{token}/cancel/",
                f"/sessions/registration/{token}/delete-details/", f"/unsubscribe/{token}/",
                f"/privacy/forget/{token}/", f"/invitations/accept/{token}/"):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code in ((404, 405) if url in read_only else (404,)), url
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED
    assert _stored() == before


def test_a_real_token_still_works(client, session):
    registration = RegistrationFactory(session=session)
    token = engagement_services.registration_token(registration)
    assert client.get(f"/sessions/registration/{token}/cancel/").status_code == 200
    assert client.get(f"/unsubscribe/{notification_services.unsubscribe_token(contact='a@example.org')}/") \
        .status_code == 200
    assert client.get(f"/privacy/forget/{erasure.erasure_token(email='a@example.org')}/").status_code == 200


# --- erase my details ----------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "value", "message"), [
    ("email", "a@b@c", "Enter a valid email address."),
    ("email", LONG_EMAIL, "Ensure this value has at most 254 characters (it has 312)."),
    ("email", "ana\x00@example.org", "Null characters are not allowed."),
    ("phone", "6" * 320, "Ensure this value has at most 32 characters (it has 320)."),
    ("phone", "\x00", "Null characters are not allowed."),
    ("phone", NOT_UTF8, "Some characters could not be read (the text was not sent as UTF-8). Type it again."),
])
def test_forget_bad_field_is_refused_next_to_it(client, field, value, message):
    before = _stored()
    response = _post(client, "/privacy/forget/", {"email": "", "phone": "", "website": "", field: value})
    _field_error(response, field, message)
    assert _stored() == before


# --- sign in, password reset, language --------------------------------------------------------------

@pytest.mark.parametrize("value", ["x" * 10_000, "ana\x00@example.org", NOT_UTF8, SURROGATE_UTF8, MEGABYTE])
def test_login_with_bad_input_is_refused(client, value):
    before = _stored()
    for data in ({"login": value, "password": "x"}, {"login": "ana@example.org", "password": value}):
        response = _post(client, "/accounts/login/", data)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert "_auth_user_id" not in client.session
    assert _stored() == before


@pytest.mark.parametrize(("value", "message"), [
    (LONG_EMAIL, "Enter an email address of at most 254 characters."),
    ("x" * 10_000, "Enter a valid email address."),
    ("ana\x00@example.org", "Null characters are not allowed."),
    ("a@b@c", "Enter a valid email address."),
    (NOT_UTF8, "Enter a valid email address."),
])
def test_password_reset_with_bad_email_is_refused(client, value, message):
    before = _stored()
    response = _post(client, "/accounts/password/reset/", {"email": value})
    assert response.status_code == 200
    assert message in response.context["form"].errors["email"]
    assert _stored() == before


@pytest.mark.parametrize("value", ["zz", "es\x00", "x" * 10_000, NOT_UTF8, "", "//evil.example.org"])
def test_language_switch_ignores_bad_values(client, value):
    for data in ({"language": value, "next": "/feedback/"}, {"language": "es", "next": value}):
        response = _post(client, "/i18n/setlang/", data)
        assert response.status_code == 302
        assert "evil.example.org" not in response["Location"]
        assert response.cookies.get("django_language") is None or \
            response.cookies["django_language"].value in ("en", "es")


# --- missing CSRF token --------------------------------------------------------------------------

def test_forms_without_csrf_token_are_403_and_change_nothing(session, feedback, registration_form):
    client = Client(enforce_csrf_checks=True)
    registration = RegistrationFactory(session=session)
    token = engagement_services.registration_token(registration)
    before = _stored()
    for url, data in (("/feedback/", feedback), (f"/sessions/{session.pk}/register/", registration_form),
                      (f"/sessions/registration/{token}/cancel/", {}),
                      (f"/sessions/registration/{token}/delete-details/", {}),
                      ("/privacy/forget/", {"email": "ana@example.org"}),
                      ("/accounts/login/", {"login": "ana@example.org", "password": "x"}),
                      ("/accounts/password/reset/", {"email": "ana@example.org"}),
                      ("/i18n/setlang/", {"language": "es", "next": "/"})):
        assert _post(client, url, data).status_code == 403, url
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED
    assert _stored() == before


# --- GET parameters of public pages and exports ----------------------------------------------------

HOSTILE_PARAMS = [*BAD_IDS, "x" * 10_000, NOT_UTF8, SURROGATE_UTF8, "", "%", "\u202e", "2026-02-30"]


@pytest.mark.parametrize(("url", "params"), [
    ("/sessions/", ["neighborhood", "language", "page"]),
    ("/you-said-we-did/", ["page"]),
    ("/you-said-we-did/open-data.csv", ["format", "year", "page"]),
    ("/procurement/", ["show", "page"]),
    ("/api/v1/neighborhoods/", ["slug", "format"]),
    ("/api/v1/languages/", ["code", "is_signed"]),
    ("/api/v1/engagement/sessions/", ["page", "ordering"]),
])
def test_public_pages_take_any_query_string(client, session, url, params):
    for param in params:
        for value in HOSTILE_PARAMS:
            response = client.get(f"{url}?{param}={_encode(value)}")
            assert response.status_code in (200, 400, 404), (param, value, response.status_code)


@pytest.mark.parametrize("param", ["neighborhood", "language"])
def test_api_session_filter_with_a_nul_byte_is_400_on_that_parameter(client, session, param):
    response = client.get(f"/api/v1/engagement/sessions/?{param}=dor%00chester")
    assert response.status_code == 400
    assert response.json()["errors"] == {param: ["Null characters are not allowed."]}
    assert client.get(f"/api/v1/engagement/sessions/?{param}=nowhere").json()["count"] == 0


@pytest.mark.parametrize("path", [
    "/procurement/s/%00/", "/procurement/s/%FF%00/", "/procurement/s/RFP%00/documents/1/",
    f"/procurement/s/RFP-1/documents/{HUGE_INT}/", "/procurement/s/" + "x" * 5000 + "/",
    "/shifts/calendar/%00.ics", "/shifts/calendar/%FF.ics",
])
def test_public_paths_with_impossible_values_are_404(client, path):
    assert client.get(path).status_code == 404
