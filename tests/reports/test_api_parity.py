"""The reports operations added for API parity (issue 24): re-running a report and the monthly
subscription, through the pages' services and predicates."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.core.models import AuditEvent
from apps.reports.models import ReportRequest, ReportSubscription
from tests.factories import CityDepartmentFactory, OrganizationFactory, user_with_role
from tests.factories.reports import report_row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 12, 5, 10, tzinfo=ZoneInfo("America/New_York")), tick=False):
        yield


@pytest.fixture
def harbor():
    return OrganizationFactory(name="Harbor Peer Outreach", slug="harbor")


@pytest.fixture
def coordinator(harbor):
    return user_with_role(Role.COORDINATOR, harbor, email="cora@harbor.example")


@pytest.fixture
def peer(harbor):
    return user_with_role(Role.COORDINATOR, harbor, email="pete@harbor.example")


@pytest.fixture
def admin():
    return user_with_role(Role.PROGRAM_ADMIN, CityDepartmentFactory(name="City Health", slug="city-health"),
                          email="ada@city.example")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_rerun_makes_a_new_request_with_the_same_parameters(coordinator, peer, harbor):
    report = report_row(coordinator, kind="timesheet", status=ReportRequest.Status.FAILED,
                        parameters={"organization": harbor.pk, "start": "2026-11-01", "end": "2026-11-15"})
    url = f"/api/v1/reports/{report.pk}/rerun/"
    assert api(peer).post(url).status_code == 404  # someone else's report is not found
    response = api(coordinator).post(url)
    assert response.status_code == 201, response.content
    again = ReportRequest.objects.exclude(pk=report.pk).get()
    assert (response.json()["id"], again.kind, again.parameters, again.requested_by_id) == (
        again.pk, "timesheet", report.parameters, coordinator.pk)
    assert AuditEvent.objects.filter(action="reports.report.requested").count() == 1


def test_rerun_checks_the_parameters_again(coordinator, harbor):
    report = report_row(coordinator, kind="timesheet", status=ReportRequest.Status.FAILED,
                        parameters={"organization": harbor.pk, "start": "2026-11-30", "end": "2026-11-01"})
    response = api(coordinator).post(f"/api/v1/reports/{report.pk}/rerun/")
    assert response.status_code == 400
    assert response.json()["detail"] == "The last day must not be before the first."


def test_rerun_refused_when_the_kind_is_no_longer_yours(coordinator, harbor):
    report = report_row(coordinator, kind="timesheet", status=ReportRequest.Status.FAILED,
                        parameters={"organization": harbor.pk, "start": "2026-11-01", "end": "2026-11-15"})
    coordinator.memberships.update(role=Role.RESPONDER)
    assert api(coordinator).post(f"/api/v1/reports/{report.pk}/rerun/").status_code == 403


def test_monthly_subscription(admin, coordinator):
    url = "/api/v1/reports/subscriptions/program_monthly/"
    assert api(coordinator).put(url, {"active": True}, format="json").status_code == 403
    response = api(admin).put(url, {"active": True}, format="json")
    assert (response.status_code, response.json()) == (200, {"kind": "program_monthly", "active": True})
    assert ReportSubscription.objects.get(user=admin).is_active is True
    assert api(admin).put(url, {"active": False}, format="json").json() == {"kind": "program_monthly",
                                                                            "active": False}
    assert list(AuditEvent.objects.filter(action__startswith="reports.subscription").values_list(
        "action", flat=True).order_by("pk")) == ["reports.subscription.started", "reports.subscription.stopped"]
    response = api(admin).put(url, {}, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["active"])
    assert api(admin).put("/api/v1/reports/subscriptions/timesheet/", {"active": True},
                          format="json").status_code == 404
