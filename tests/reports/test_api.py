import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.reports.models import ReportRequest
from tests.factories import OrganizationFactory, user_with_role
from tests.factories.reports import report_row

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/"


@pytest.fixture
def harbor():
    return OrganizationFactory(name="Harbor Peer Outreach", slug="harbor")


@pytest.fixture
def coordinator(harbor):
    return user_with_role(Role.COORDINATOR, harbor, email="cora@harbor.example", full_name="Cora Harbor")


@pytest.fixture
def peer(harbor):
    return user_with_role(Role.COORDINATOR, harbor, email="pete@harbor.example")


@pytest.fixture
def responder(harbor):
    return user_with_role(Role.RESPONDER, harbor, email="ray@harbor.example", full_name="Ray Harbor")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_request_report_and_poll(coordinator, harbor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(coordinator).post(URL, {"kind": "training_compliance",
                                               "parameters": {"organization": harbor.pk, "role": "responder"}},
                                         format="json")
    assert response.status_code == 201
    report = ReportRequest.objects.get()
    assert response.data["id"] == report.pk and response.data["kind"] == "training_compliance"
    poll = api(coordinator).get(f"{URL}{report.pk}/")
    assert poll.status_code == 200
    assert (poll.data["status"], poll.data["progress"], poll.data["page_count"]) == ("succeeded", 100, 3)
    assert poll.data["download_url"] == f"http://testserver{URL}{report.pk}/download/"
    download = api(coordinator).get(f"{URL}{report.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_bad_parameters_are_400_with_field_errors(coordinator, harbor):
    response = api(coordinator).post(URL, {"kind": "timesheet", "parameters": {
        "organization": harbor.pk, "start": "2026-11-30", "end": "2026-11-01"}}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "The request has invalid fields.",
                               "errors": {"parameters.end": ["The last day must not be before the first."]}}
    missing = api(coordinator).post(URL, {"kind": "timesheet", "parameters": {}}, format="json")
    assert set(missing.json()["errors"]) == {"parameters.organization", "parameters.start", "parameters.end"}
    assert not ReportRequest.objects.exists()


def test_unknown_kind_is_400(coordinator):
    response = api(coordinator).post(URL, {"kind": "horoscope", "parameters": {}}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"kind": ["There is no report of that kind."]}


def test_kind_the_user_may_not_run_is_403(responder, harbor):
    response = api(responder).post(URL, {"kind": "training_compliance",
                                         "parameters": {"organization": harbor.pk, "role": "responder"}},
                                   format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "You may not run this kind of report.", "errors": {}}
    assert not ReportRequest.objects.exists()


def test_others_reports_are_404(coordinator, peer):
    report = report_row(coordinator, status=ReportRequest.Status.SUCCEEDED)
    assert api(coordinator).get(f"{URL}{report.pk}/").status_code == 200
    assert api(peer).get(f"{URL}{report.pk}/").status_code == 404
    assert api(peer).get(f"{URL}{report.pk}/download/").status_code == 404
    assert api(peer).get(URL).json()["count"] == 0


def test_download_before_ready_is_404(coordinator):
    report = report_row(coordinator, status=ReportRequest.Status.RUNNING)
    assert api(coordinator).get(f"{URL}{report.pk}/download/").status_code == 404


def test_anonymous_is_401():
    assert APIClient().get(URL).status_code == 401


def test_list_has_constant_queries(coordinator):
    client = api(coordinator)
    report_row(coordinator)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    count()  # warm: the first request loads the user's roles once
    one = count()
    report_row(coordinator, status=ReportRequest.Status.SUCCEEDED)
    report_row(coordinator, status=ReportRequest.Status.FAILED)
    assert count() == one
    assert client.get(URL).json()["count"] == 3


def test_schema_lists_the_report_kinds():
    # Found by the API fuzz: `kind` was documented as any string, so valid-looking requests were refused.
    from drf_spectacular.generators import SchemaGenerator

    from apps.reports.kinds import report_kind_choices

    schemas = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    pattern = schemas["ReportRequestCreateRequest"]["properties"]["kind"]["pattern"]
    assert pattern == "^(" + "|".join(sorted(key for key, _ in report_kind_choices())) + ")$"
    assert "training_transcript" in pattern
