"""What the API tests of every app ask alike: a client signed in as someone, how many audit events an
action wrote, and the field errors of a 400."""

import pytest
from rest_framework.test import APIClient

from apps.core.models import AuditEvent


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def signed_in(api: APIClient, user) -> APIClient:
    api.force_authenticate(user)
    return api


def audited(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def field_errors(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["errors"]
