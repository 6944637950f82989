"""Review of engagement's new API operations (issue 24): odd input to the anonymous ones is a 400
naming the field, never a 500, and nothing is written."""

import pytest
from rest_framework.test import APIClient

from apps.engagement.models import FeedbackItem

pytestmark = pytest.mark.django_db
FEEDBACK = "/api/v1/engagement/public-feedback/"


@pytest.mark.parametrize("body,field", [
    ({"text": "Hello there", "language": None}, "language"),
    ({"text": ["a"], "language": "en"}, "text"),
    ({"text": "Hello\x00there", "language": "en"}, "text"),
    ({"text": "Hello", "language": "en\x00"}, "language"),
    ({"text": "Hello", "language": "en", "neighborhood": "dorchester\x00"}, "neighborhood"),
    ({"text": "Hello", "language": "en", "session": "abc"}, "session"),
    ({"text": "Hello", "language": "en", "session": 10**20}, "session"),
    ({"text": "Hello", "language": "en", "neighborhood": {"a": 1}}, "neighborhood"),
    ({"text": "x" * 5001, "language": "en"}, "text"),
    ({"text": "Hello", "language": "en", "contact_consent": "maybe"}, "contact_consent"),
    ({"text": "Hello", "language": "en", "contact_consent": True, "contact_email": "not-an-email"}, "contact_email"),
])
def test_public_feedback_odd_input_is_a_field_error(body, field):
    response = APIClient().post(FEEDBACK, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert FeedbackItem.objects.count() == 0


@pytest.mark.parametrize("token", ["x", "a" * 2000, "%00", "1:2:3"])
def test_registration_cancel_odd_token_is_not_found(token):
    assert APIClient().post(f"/api/v1/engagement/registrations/{token}/cancel/").status_code == 404

