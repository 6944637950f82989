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
