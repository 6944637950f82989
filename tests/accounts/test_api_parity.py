"""PUT /api/v1/me/: the profile page's edit (issue 24, API parity), through the same service."""

import pytest
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.core.models import AuditEvent
from tests.factories import OrganizationFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def responder():
    return user_with_role(Role.RESPONDER, OrganizationFactory(), email="ray@example.org", full_name="Ray")


def test_profile_update(responder):
    api = APIClient()
    assert api.put("/api/v1/me/", {"preferred_language": "es"}, format="json").status_code == 401
    api.force_authenticate(responder)
    response = api.put("/api/v1/me/", {"full_name": "  Ray Sponder ", "phone": "+1 617 555 0100",
                                       "preferred_language": "es"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["full_name"], response.json()["preferred_language"]) == ("Ray Sponder", "es")
    responder.refresh_from_db()
    assert responder.phone == "+1 617 555 0100"
    event = AuditEvent.objects.get(action="accounts.user.profile_updated")
    assert (event.actor_id, event.after["phone_set"]) == (responder.pk, True)


def test_profile_bad_input_names_the_field(responder):
    api = APIClient()
    api.force_authenticate(responder)
    response = api.put("/api/v1/me/", {"phone": "call me", "preferred_language": "es"}, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["phone"])
    response = api.put("/api/v1/me/", {"preferred_language": "xx"}, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["preferred_language"])
