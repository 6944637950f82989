"""The notifications API; see also test_views.py."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from apps.notifications.kinds import all_kinds
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_schema_lists_the_kinds_a_preference_can_name():
    # Found by the API fuzz: `kind` was documented as any string, so valid-looking requests were refused.
    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    pattern = schemas["PreferenceRequest"]["properties"]["kind"]["pattern"]
    keys = sorted(kind.key for kind in all_kinds())
    assert pattern == "^(" + "|".join(re.escape(key) for key in keys) + ")$"
    assert "scheduling.shift_reminder" in keys
    api = APIClient()
    api.force_authenticate(UserFactory())
    response = api.put("/api/v1/notification-preferences/", {"kind": "no.such.kind", "channel": "email",
                                                              "enabled": True}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "The request has invalid fields.",
                               "errors": {"kind": ["Unknown kind of notification."]}}


def test_mark_read_ids_may_not_be_empty_as_documented():
    # Found by the API fuzz: `"ids": []` was refused, but the schema allowed an empty list.
    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    assert schemas["MarkReadRequest"]["properties"]["ids"]["minItems"] == 1
    api = APIClient()
    api.force_authenticate(UserFactory())
    response = api.post("/api/v1/notifications/mark-read/", {"ids": []}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "The request has invalid fields.",
                               "errors": {"ids": ["This list may not be empty."]}}
    assert api.post("/api/v1/notifications/mark-read/", {}, format="json").json() == {"marked": 0}
