"""API conventions: authentication, one error shape, pagination, public reference data, the schema."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.core.models import Language, Neighborhood
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_api_requires_authentication_with_the_error_shape(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided.", "errors": {}}
    assert response["WWW-Authenticate"] == "Token"


def test_api_rejects_a_bad_token(api):
    api.credentials(HTTP_AUTHORIZATION="Token cp_not-a-real-token")
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["errors"] == {}


def test_api_validation_errors_name_the_field(api):
    api.force_authenticate(user_with_role(Role.PROGRAM_ADMIN))
    response = api.post("/api/v1/invitations/", {"email": "not-an-email", "role": "responder"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "The request has invalid fields."
    assert body["errors"]["email"] == ["Enter a valid email address."]
    assert body["errors"]["organization"] == ["This field is required."]


def test_api_unknown_object_is_404_with_the_error_shape(api):
    api.force_authenticate(user_with_role(Role.RESPONDER))
    response = api.get("/api/v1/organizations/no-such-org/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_reference_data_is_public_and_complete(api):
    neighborhoods = api.get("/api/v1/neighborhoods/").json()
    assert len(neighborhoods) == 23
    assert neighborhoods[0] == {"id": Neighborhood.objects.get(slug="allston").pk, "name": "Allston",
                                "slug": "allston"}
    languages = {row["code"]: row for row in api.get("/api/v1/languages/").json()}
    assert len(languages) == 13
    assert languages["ase"]["is_signed"] is True
    assert {"es", "ht", "zh-Hant", "zh-Hans", "vi", "kea", "ru", "ar", "pt-BR", "fr", "so"} <= set(languages)
    assert Language.objects.get(code="ase").name == "American Sign Language (ASL)"


def test_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/me/" in text
    assert "tokenAuth" in text


def test_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode()


# --- found by the API fuzz (tests/security/test_api_fuzz.py) --------------------------------------

def _schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_api_url_that_matches_no_route_is_a_json_404(api):
    # Was Django's HTML "Not found" page: the router's id pattern refuses "1.5".
    response = api.get("/api/v1/scheduling/shifts/1.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "errors": {}}
    assert api.get("/no-such-page/")["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("value", ["abc", "0", "-1", "201", "1.5"])
def test_api_page_size_that_is_not_1_to_200_is_a_400(api, value):
    # Was silently the default page size.
    api.force_authenticate(user_with_role(Role.PROGRAM_ADMIN))
    response = api.get("/api/v1/memberships/", {"page_size": value})
    assert response.status_code == 400
    assert response.json() == {"detail": "The request has invalid fields.",
                               "errors": {"page_size": ["Enter a whole number from 1 to 200."]}}
    assert api.get("/api/v1/memberships/", {"page_size": "200"}).status_code == 200
    assert api.get("/api/v1/memberships/", {"page_size": ""}).status_code == 200


def test_api_yes_no_filter_refuses_other_values(api):
    # Was read as "not given": the whole list, unfiltered, for ?is_signed=-8796093022207.
    response = api.get("/api/v1/languages/", {"is_signed": "-8796093022207"})
    assert response.status_code == 400
    assert response.json() == {"detail": "The request has invalid fields.",
                               "errors": {"is_signed": ["Enter true or false."]}}
    assert [row["code"] for row in api.get("/api/v1/languages/", {"is_signed": "true"}).json()] == ["ase"]
    assert len(api.get("/api/v1/languages/", {"is_signed": "false"}).json()) == 12
    assert len(api.get("/api/v1/languages/", {"is_signed": ""}).json()) == 13


def test_api_reads_json_bodies(api):
    api.force_authenticate(user_with_role(Role.PROGRAM_ADMIN))
    response = api.post("/api/v1/invitations/", "email=a%40b.example&role=responder",
                        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json() == {"detail": 'Unsupported media type "application/x-www-form-urlencoded" in request.',
                               "errors": {}}


def test_schema_documents_the_refusals_each_operation_can_give():
    paths = _schema()["paths"]
    shifts = paths["/api/v1/scheduling/shifts/"]["get"]
    assert sorted(shifts["responses"]) == ["200", "400", "401", "403", "404", "429"]
    assert shifts["responses"]["401"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    # Public reference data: no 403, no 404 (no id in the path, no pages).
    assert sorted(paths["/api/v1/languages/"]["get"]["responses"]) == ["200", "400", "401", "429"]
    assert sorted(paths["/api/v1/me/"]["get"]["responses"]) == ["200", "401", "403", "429"]
    assert sorted(paths["/api/v1/invitations/"]["post"]["responses"]) == ["201", "400", "401", "403", "415", "429"]
    parameters = {parameter["name"]: parameter for parameter in shifts["parameters"]}
    assert parameters["status"]["allowEmptyValue"] is True
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 200}
    assert list(paths["/api/v1/invitations/"]["post"]["requestBody"]["content"]) == ["application/json"]


def test_an_unexpected_failure_under_the_api_answers_with_the_json_error_body(monkeypatch):
    """A bug in a view is a 500 with the API's documented error body, not the site's HTML page; the site
    keeps its HTML page for the same failure."""
    from apps.accounts.api.views import MeView

    def broken(self):
        raise RuntimeError("a bug")

    monkeypatch.setattr(MeView, "get_object", broken)
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(user_with_role(Role.RESPONDER))
    response = api.get("/api/v1/me/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "A server error occurred. It has been logged; please try again later.", "errors": {}}
    assert b"a bug" not in response.content


def test_an_unexpected_failure_on_a_page_answers_with_the_html_page(client, monkeypatch):
    import apps.core.views as core_views

    monkeypatch.setattr(core_views, "cards_for", lambda request: 1 / 0)
    client.raise_request_exception = False
    client.force_login(user_with_role(Role.RESPONDER))
    response = client.get("/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


def test_api_filter_on_another_object_takes_any_id_and_answers_what_matches(api):
    # Issue 16: the audit log's `organization` and `target_type` (django-filter's ModelChoiceFilter)
    # answered 400 for an integer the schema allows but no row has; the API's filters answer an empty list.
    from django.contrib.contenttypes.models import ContentType

    from apps.core.audit import audit

    admin = user_with_role(Role.PROGRAM_ADMIN)
    api.force_authenticate(admin)
    audit(actor=admin, action="test.filtered", target=admin)
    user_type = ContentType.objects.get_for_model(admin)
    for query in ({"organization": 0}, {"target_type": 0}, {"target_type": 10**20},
                  {"target_type": user_type.pk, "action": "no.such"}):
        response = api.get("/api/v1/audit-events/", query)
        assert (response.status_code, response.json()["results"]) == (200, []), query
    response = api.get("/api/v1/audit-events/", {"target_type": user_type.pk, "action": "test.filtered"})
    assert [row["target_id"] for row in response.json()["results"]] == [str(admin.pk)]
    response = api.get("/api/v1/audit-events/", {"target_type": "accounts.user"})
    assert (response.status_code, response.json()["errors"]) == (400, {"target_type": ["Enter a whole number."]})
