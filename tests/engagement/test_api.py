"""The engagement API: public sessions and registration, moderators' feedback endpoints."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.engagement.models import FeedbackItem, Registration
from tests.factories import CityDepartmentFactory, user_with_role
from tests.factories.engagement import FeedbackFactory, SessionFactory, ThemeFactory, language, moderator_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _count(api, url):
    assert api.get(url).status_code == 200
    with CaptureQueriesContext(connection) as context:
        assert api.get(url).status_code == 200
    return len(context.captured_queries)


def test_public_sessions_need_no_account(api):
    session = SessionFactory(title="Open")
    session.interpretation_languages.set([language("ase")])
    SessionFactory(status="draft")
    body = api.get("/api/v1/engagement/sessions/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert (row["title"], row["interpretation_languages"], row["open_seats"], row["places_left"],
            row["is_full"]) == ("Open", ["ase"], 10, 10, False)
    assert api.get("/api/v1/engagement/sessions/?language=es").json()["count"] == 0


def test_public_sessions_query_count_is_constant(api):
    SessionFactory().interpretation_languages.set([language("es")])
    one = _count(api, "/api/v1/engagement/sessions/")
    for _ in range(2):
        SessionFactory().interpretation_languages.set([language("es")])
    assert _count(api, "/api/v1/engagement/sessions/") == one


def test_registration_post_and_field_errors(api):
    session = SessionFactory(capacity=1)
    bad = api.post(f"/api/v1/engagement/sessions/{session.pk}/registrations/",
                   {"name": "", "language": "xx", "email": "a@example.org"}, format="json")
    assert bad.status_code == 400
    errors = bad.json()["errors"]
    assert errors["name"] == ["This field may not be blank."]
    assert errors["language"] == ["Object with code=xx does not exist."]
    ok = api.post(f"/api/v1/engagement/sessions/{session.pk}/registrations/",
                  {"name": "Ana", "language": "es"}, format="json")
    assert ok.status_code == 201
    assert ok.json()["status"] == "registered"
    assert ok.json()["code"] == Registration.objects.get(name="Ana").code
    second = api.post(f"/api/v1/engagement/sessions/{session.pk}/registrations/",
                      {"name": "Bo", "language": "en"}, format="json")
    assert second.json()["status"] == "waitlisted"


def test_feedback_endpoints_scoped_to_moderators(api):
    department = CityDepartmentFactory()
    session = SessionFactory(organization=department)
    own = FeedbackFactory(session=session, organization=department)
    other = FeedbackFactory(session=SessionFactory(), organization=CityDepartmentFactory())
    api.force_authenticate(moderator_of(department))
    ids = [r["id"] for r in api.get("/api/v1/engagement/feedback/").json()["results"]]
    assert ids == [own.pk]
    assert api.get(f"/api/v1/engagement/feedback/{other.pk}/").status_code == 404
    api.force_authenticate(user_with_role(Role.COORDINATOR))
    assert api.get("/api/v1/engagement/feedback/").status_code == 403
    api.force_authenticate(None)
    assert api.get("/api/v1/engagement/feedback/").status_code == 401


def test_feedback_list_query_count_is_constant(api):
    moderator = moderator_of()
    api.force_authenticate(moderator)
    theme = ThemeFactory()
    FeedbackFactory().codings.create(theme=theme)
    one = _count(api, "/api/v1/engagement/feedback/")
    for _ in range(2):
        FeedbackFactory().codings.create(theme=theme)
    assert _count(api, "/api/v1/engagement/feedback/") == one


def test_staff_entry_moderation_and_coding_through_api(api):
    moderator = moderator_of()
    api.force_authenticate(moderator)
    created = api.post("/api/v1/engagement/feedback/", {
        "channel": "table_notes", "text": "Table 3: more night coverage", "language": "en"}, format="json")
    assert created.status_code == 201
    item_id = created.json()["id"]
    assert created.json()["entered_by"] == str(moderator)
    bad = api.post(f"/api/v1/engagement/feedback/{item_id}/moderate/", {"decision": "reject"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"reason": ["Choose the reason for rejecting it."]}
    ok = api.post(f"/api/v1/engagement/feedback/{item_id}/moderate/", {"decision": "approve"}, format="json")
    assert ok.json()["status"] == "approved"
    theme = ThemeFactory()
    coded = api.post(f"/api/v1/engagement/feedback/{item_id}/code/", {"themes": [theme.pk]}, format="json")
    assert coded.json()["themes"] == [theme.pk]
    assert FeedbackItem.objects.get(pk=item_id).channel == "table_notes"


def test_feedback_and_session_fields_that_may_be_empty_are_documented_as_null():
    # The fuzz found null in `neighborhood` (and could in `entered_by`, `facilitating_organization`)
    # where the schema promised a string.
    from drf_spectacular.generators import SchemaGenerator

    from apps.engagement.api.serializers import FeedbackItemSerializer

    data = FeedbackItemSerializer(FeedbackFactory(neighborhood=None)).data
    assert (data["neighborhood"], data["entered_by"]) == (None, None)
    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    assert schemas["FeedbackItem"]["properties"]["neighborhood"]["nullable"] is True
    assert schemas["FeedbackItem"]["properties"]["entered_by"]["nullable"] is True
    assert schemas["PublicSession"]["properties"]["facilitating_organization"]["nullable"] is True
