

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Membership
from apps.accounts.roles import Role
from apps.reports.models import ReportRequest, ReportSubscription
from tests.factories import CityDepartmentFactory, OrganizationFactory, user_with_role
from tests.factories.reports import report_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def harbor():
    return OrganizationFactory(name="Harbor Peer Outreach", slug="harbor")


@pytest.fixture
def coordinator(harbor):
    return user_with_role(Role.COORDINATOR, harbor, email="cora@harbor.example", full_name="Cora Harbor")


@pytest.fixture
def peer(harbor):
    return user_with_role(Role.COORDINATOR, harbor, email="pete@harbor.example", full_name="Pete Harbor")


@pytest.fixture
def outsider():
    elsewhere = OrganizationFactory(name="Elsewhere Nonprofit", slug="elsewhere")
    return user_with_role(Role.COORDINATOR, elsewhere, email="otto@elsewhere.example")


@pytest.fixture
def responder(harbor):
    return user_with_role(Role.RESPONDER, harbor, email="ray@harbor.example", full_name="Ray Harbor")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_my_reports_list_has_constant_queries(client, coordinator, peer):
    client.force_login(coordinator)
    url = reverse("reports:report-list")
    report_row(coordinator, title="First report")
    report_row(peer, title="Someone else's report")
    one = _queries(client, url)
    report_row(coordinator, status=ReportRequest.Status.SUCCEEDED, title="Second report")
    report_row(coordinator, status=ReportRequest.Status.FAILED, title="Third report", error="boom")
    three = _queries(client, url)
    assert one == three
    body = client.get(url).content.decode()
    assert body.count('href="/reports/') >= 3
    assert "Third report" in body and "Second report" in body and "Someone else&#x27;s report" not in body


def test_report_detail_owner_peer_outsider(client, coordinator, peer, outsider):
    report = report_row(coordinator, title="Compliance — Harbor")
    url = reverse("reports:report-detail", args=[report.pk])
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert "Compliance — Harbor" in response.content.decode()
    for other in (peer, outsider):
        client.force_login(other)
        assert client.get(url).status_code == 404
        assert client.get(reverse("reports:report-status", args=[report.pk])).status_code == 404
        assert client.get(reverse("reports:report-download", args=[report.pk])).status_code == 404


def test_status_partial_polls_until_finished(client, coordinator):
    report = report_row(coordinator, status=ReportRequest.Status.RUNNING, progress=40)
    client.force_login(coordinator)
    body = client.get(reverse("reports:report-status", args=[report.pk])).content.decode()
    assert f'hx-get="/reports/{report.pk}/status/"' in body and 'hx-trigger="every 2s"' in body
    assert "40% done" in body
    assert f'href="/reports/{report.pk}/"' in body  # refresh link for readers without JavaScript
    ReportRequest.objects.filter(pk=report.pk).update(status=ReportRequest.Status.FAILED, error="It broke.")
    body = client.get(reverse("reports:report-status", args=[report.pk])).content.decode()
    assert "hx-trigger" not in body and "It broke." in body


def test_download_owner_and_lost_rights(client, coordinator):
    report = report_row(coordinator, status=ReportRequest.Status.SUCCEEDED)
    url = reverse("reports:report-download", args=[report.pk])
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    Membership.objects.filter(user=coordinator).update(is_active=False)
    assert client.get(url).status_code == 403


def test_download_of_unfinished_report_is_404(client, coordinator):
    report = report_row(coordinator)
    client.force_login(coordinator)
    assert client.get(reverse("reports:report-download", args=[report.pk])).status_code == 404


def test_kind_list_offers_only_runnable_kinds(client, responder):
    client.force_login(responder)
    body = client.get(reverse("reports:report-kind-list")).content.decode()
    assert "/reports/new/training_transcript/" in body
    assert "training_compliance" not in body and "procurement_file" not in body


def test_role_without_any_kind_gets_403_and_no_nav(client):
    evaluator = user_with_role(Role.RFP_EVALUATOR, CityDepartmentFactory(name="City Health", slug="city-health"),
                               email="eve@city.example")
    client.force_login(evaluator)
    assert client.get(reverse("reports:report-kind-list")).status_code == 403
    assert 'href="/reports/"' not in client.get(reverse("core:dashboard")).content.decode()


def test_nav_and_card_for_coordinator(client, coordinator):
    client.force_login(coordinator)
    body = client.get(reverse("core:dashboard")).content.decode()
    assert re.search(r'href="/reports/"[^>]*>(<span>)?Reports(</span>)?</a>', body)
    assert "Your reports" in body


def test_create_page_wrong_role_and_unknown_kind(client, responder):
    client.force_login(responder)
    assert client.get(reverse("reports:report-create", args=["training_compliance"])).status_code == 403
    assert client.get(reverse("reports:report-create", args=["horoscope"])).status_code == 404


def test_create_offers_only_own_organizations_and_builds(client, coordinator, harbor, outsider,
                                                         django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    url = reverse("reports:report-create", args=["training_compliance"])
    body = client.get(url).content.decode()
    assert "Harbor Peer Outreach" in body and "Elsewhere Nonprofit" not in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"organization": harbor.pk, "role": "responder"})
    report = ReportRequest.objects.get(requested_by=coordinator)
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert report.status == ReportRequest.Status.SUCCEEDED


def test_create_shows_field_errors(client, coordinator, harbor):
    client.force_login(coordinator)
    response = client.post(reverse("reports:report-create", args=["timesheet"]),
                           {"organization": harbor.pk, "start": "2026-11-30", "end": "2026-11-01"})
    assert response.status_code == 200
    assert "The last day must not be before the first." in response.content.decode()
    assert not ReportRequest.objects.exists()


def test_rerun_creates_a_new_request(client, coordinator, harbor, django_capture_on_commit_callbacks):
    report = report_row(coordinator, kind="timesheet", status=ReportRequest.Status.FAILED,
                        parameters={"organization": harbor.pk, "start": "2026-11-01", "end": "2026-11-15"})
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report-rerun", args=[report.pk]))
    again = ReportRequest.objects.exclude(pk=report.pk).get()
    assert response["Location"] == f"/reports/{again.pk}/"
    assert (again.kind, again.parameters, again.status) == ("timesheet", report.parameters, "succeeded")


def test_rerun_of_someone_elses_report_is_404(client, coordinator, peer):
    report = report_row(coordinator)
    client.force_login(peer)
    assert client.post(reverse("reports:report-rerun", args=[report.pk])).status_code == 404


def test_monthly_subscription(client, coordinator):
    admin = user_with_role(Role.PROGRAM_ADMIN, CityDepartmentFactory(name="City Health", slug="city-health"),
                           email="ada@city.example")
    url = reverse("reports:subscription-set", args=["program_monthly"])
    client.force_login(admin)
    assert client.post(url, {"active": "1"}).status_code == 302
    assert ReportSubscription.objects.get(user=admin).is_active is True
    assert "Stop receiving it" in client.get(reverse("reports:report-list")).content.decode()
    client.post(url, {"active": "0"})
    assert ReportSubscription.objects.get(user=admin).is_active is False
    client.force_login(coordinator)
    assert client.post(url, {"active": "1"}).status_code == 403
    assert client.post(reverse("reports:subscription-set", args=["timesheet"]), {"active": "1"}).status_code == 404
