from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.accounts.models import Membership
from apps.accounts.roles import Role
from apps.core.errors import ApplicationError
from apps.notifications.models import Notification
from apps.notifications.scanners import run_scanners
from apps.reports import renderer, services, tasks
from apps.reports.models import ReportRequest, ReportSubscription
from tests.factories import CityDepartmentFactory, OrganizationFactory, user_with_role
from tests.factories.reports import report_row

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")


@pytest.fixture
def harbor():
    return OrganizationFactory(name="Harbor Peer Outreach", slug="harbor")


@pytest.fixture
def responder(harbor):
    return user_with_role(Role.RESPONDER, harbor, email="ray@harbor.example", full_name="Ray Harbor")


@pytest.fixture
def admin():
    return user_with_role(Role.PROGRAM_ADMIN, CityDepartmentFactory(name="City Health", slug="city-health"),
                          email="ada@city.example", full_name="Ada Admin")


@pytest.fixture
def render_spy(monkeypatch):
    calls = []
    real = services.render_pdf

    def spy(html, **kwargs):
        calls.append(len(html))
        return real(html, **kwargs)

    monkeypatch.setattr(services, "render_pdf", spy)
    return calls


def test_request_queues_and_builds_after_commit(responder, render_spy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = services.report_request(by=responder, kind="training_transcript",
                                         parameters={"responder": str(responder.pk)})
        assert ReportRequest.objects.get(pk=report.pk).status == ReportRequest.Status.QUEUED
    # The report's task, then (from inside it) the delivery of the "report ready" email.
    assert len(callbacks) == 2
    report.refresh_from_db()
    assert report.status == ReportRequest.Status.SUCCEEDED
    assert report.parameters == {"responder": responder.pk}
    assert report.title == "Responder training transcript — Ray Harbor"
    assert (report.progress, report.page_count, report.attempts, report.error) == (100, 1, 1, "")
    assert len(report.sha256) == 64 and report.size > 1000
    assert report.started_at <= report.finished_at
    with report.file.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"
    assert render_spy == [render_spy[0]]
    ready = Notification.objects.filter(kind="reports.ready", recipient_user=responder)
    assert sorted(ready.values_list("channel", flat=True)) == ["email", "in_app"]
    assert ready.first().dedupe_key == f"reports.ready:{report.pk}"


def test_redelivered_task_does_not_render_twice(responder, render_spy):
    report = services.report_request(by=responder, kind="training_transcript",
                                      parameters={"responder": responder.pk}, enqueue=False)
    tasks.run_report(report_id=report.pk)
    tasks.run_report(report_id=report.pk)  # the broker delivers it again
    report.refresh_from_db()
    assert report.status == ReportRequest.Status.SUCCEEDED
    assert report.attempts == 1
    assert len(render_spy) == 1
    assert Notification.objects.filter(kind="reports.ready", channel="email").count() == 1


def test_running_report_is_not_claimed_again(responder, render_spy):
    report = report_row(responder, status=ReportRequest.Status.RUNNING, parameters={"responder": responder.pk},
                        started_at=timezone.now())
    assert services.report_run(report_id=report.pk) is None
    assert render_spy == []
    report.refresh_from_db()
    assert report.status == ReportRequest.Status.RUNNING


def test_failing_render_ends_failed_with_the_error(responder, monkeypatch):
    def broken(html, **kwargs):
        raise RuntimeError("the renderer ran out of paper")

    monkeypatch.setattr(services, "render_pdf", broken)
    report = services.report_request(by=responder, kind="training_transcript",
                                      parameters={"responder": responder.pk}, enqueue=False)
    result = services.report_run(report_id=report.pk)
    assert result.status == ReportRequest.Status.FAILED
    assert result.error == "RuntimeError: the renderer ran out of paper"
    assert not result.file and result.finished_at is not None
    assert not Notification.objects.filter(kind="reports.ready").exists()


def test_requester_who_lost_the_role_gets_a_failed_report(responder, harbor):
    report = services.report_request(by=responder, kind="training_transcript",
                                      parameters={"responder": responder.pk}, enqueue=False)
    Membership.objects.filter(user=responder).update(is_active=False)
    responder.__dict__.pop("role_grants", None)
    result = services.report_run(report_id=report.pk)
    assert result.status == ReportRequest.Status.FAILED
    assert result.error == "You no longer have the rights to run this report."


def test_kind_the_user_may_not_run_is_refused_at_request_time(responder, harbor):
    with pytest.raises(ApplicationError) as error:
        services.report_request(by=responder, kind="training_compliance",
                                parameters={"organization": harbor.pk, "role": "responder"})
    assert (error.value.code, error.value.field) == ("forbidden", "kind")
    assert not ReportRequest.objects.exists()


def test_unknown_kind_and_bad_parameters(responder, harbor):
    with pytest.raises(ApplicationError) as unknown:
        services.report_request(by=responder, kind="horoscope", parameters={})
    assert (unknown.value.code, unknown.value.field) == ("unknown_kind", "kind")
    other = user_with_role(Role.RESPONDER, harbor, email="peer@harbor.example")
    with pytest.raises(services.ParameterError) as bad:
        services.report_request(by=responder, kind="training_transcript", parameters={"responder": other.pk})
    assert bad.value.errors == {"responder": [
        "Select a valid choice. That choice is not one of the available choices."]}


def test_sweeper_fails_abandoned_reports(responder, settings):
    now = timezone.now()
    limit = settings.CELERY_TASK_TIME_LIMIT
    stuck = report_row(responder, status=ReportRequest.Status.RUNNING, started_at=now - timedelta(seconds=limit + 61))
    working = report_row(responder, status=ReportRequest.Status.RUNNING, started_at=now - timedelta(seconds=30))
    lost = report_row(responder)
    ReportRequest.objects.filter(pk=lost.pk).update(created_at=now - timedelta(hours=7))
    fresh = report_row(responder)
    assert run_scanners(now=now, only=["reports.sweep"]) == {"reports.sweep": 2}
    statuses = dict(ReportRequest.objects.values_list("pk", "status"))
    assert statuses == {stuck.pk: "failed", working.pk: "running", lost.pk: "failed", fresh.pk: "queued"}
    stuck.refresh_from_db()
    assert stuck.error == (f"The report did not finish within {limit} seconds and was stopped. Try again, or ask "
                           "for a shorter period.")


def test_monthly_scanner_makes_last_months_report_once_on_the_first(admin, time_machine,
                                                                    django_capture_on_commit_callbacks):
    services.subscription_set(user=admin, kind="program_monthly", active=True)
    first = datetime(2026, 12, 1, 6, 0, tzinfo=NY)
    time_machine.move_to(first, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_scanners(now=first, only=["reports.monthly"]) == {"reports.monthly": 1}
    with django_capture_on_commit_callbacks(execute=True):
        assert run_scanners(now=first + timedelta(minutes=5), only=["reports.monthly"]) == {"reports.monthly": 0}
    report = ReportRequest.objects.get()
    assert (report.kind, report.period, report.parameters, report.status) == (
        "program_monthly", "2026-11", {"month": "2026-11"}, "succeeded")
    assert Notification.objects.filter(kind="reports.ready", recipient_user=admin, channel="in_app").count() == 1
    second = datetime(2026, 12, 2, 6, 0, tzinfo=NY)
    assert services.monthly_reports_scan(now=second) == 0


def test_monthly_scanner_skips_stopped_subscriptions_and_lost_rights(admin, responder):
    services.subscription_set(user=admin, kind="program_monthly", active=False)
    ReportSubscription.objects.create(user=responder, kind="program_monthly")  # no longer entitled
    first = datetime(2026, 12, 1, 6, 0, tzinfo=NY)
    assert services.monthly_reports_scan(now=first) == 0
    assert not ReportRequest.objects.exists()


def test_subscription_needs_the_right_to_run_it(responder):
    with pytest.raises(ApplicationError):
        services.subscription_set(user=responder, kind="program_monthly", active=True)


def test_rerun_makes_a_new_request_with_the_same_parameters(responder, django_capture_on_commit_callbacks):
    report = services.report_request(by=responder, kind="training_transcript",
                                      parameters={"responder": responder.pk}, enqueue=False)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.report_rerun(report=report, by=responder)
    again.refresh_from_db()
    assert again.pk != report.pk
    assert (again.parameters, again.status) == (report.parameters, "succeeded")


# --- the URL fetcher ------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.org/", "https://example.org/x.css",
                                 "ftp://example.org/a", "data:text/css,body{}",
                                 renderer.REPORT_ORIGIN + "/static/../../../etc/passwd",
                                 renderer.REPORT_ORIGIN + "/media/private/reports/x.pdf",
                                 renderer.REPORT_ORIGIN + "/static/css/missing.css"])
def test_url_fetcher_refuses_anything_but_static_files(url):
    fetcher = renderer.StaticOnlyURLFetcher()
    with pytest.raises(renderer.URLRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_url_fetcher_serves_the_print_stylesheet():
    fetcher = renderer.StaticOnlyURLFetcher()
    response = fetcher.fetch(renderer.REPORT_ORIGIN + "/static/css/reports_print.css")
    assert response.content_type == "text/css"
    assert response.read().startswith(b"/* Print stylesheet of every crisisprog PDF report")
    assert fetcher.served == ["css/reports_print.css"]


def test_render_does_not_read_local_files_or_the_network():
    fetcher = renderer.StaticOnlyURLFetcher()
    html = ('<html><head><link rel="stylesheet" href="file:///etc/passwd">'
            '<link rel="stylesheet" href="http://example.org/evil.css"></head>'
            '<body><p>Hello</p><img src="file:///etc/passwd"><img src="http://example.org/pixel.png"></body></html>')
    pdf = renderer.render_pdf(html, fetcher=fetcher)
    assert pdf.page_count == 1
    assert sorted(fetcher.refused) == ["file:///etc/passwd", "file:///etc/passwd", "http://example.org/evil.css",
                                       "http://example.org/pixel.png"]
    assert fetcher.served == []
    assert b"root:" not in pdf.content


def test_sweep_hands_out_again_a_request_whose_publish_was_lost(responder):
    from unittest import mock

    with mock.patch("apps.reports.services.enqueue_on_commit"):  # the broker was down at request time
        report = services.report_request(by=responder, kind="training_transcript",
                                         parameters={"responder": str(responder.pk)})
    assert ReportRequest.objects.get(pk=report.pk).status == ReportRequest.Status.QUEUED
    now = timezone.now()
    with mock.patch("apps.reports.services.enqueue", return_value=True) as enqueue:
        assert services.abandoned_reports_scan(now=now) == 0  # too fresh: its publish may still be in flight
        assert services.abandoned_reports_scan(now=now + timedelta(minutes=3)) == 1
    assert enqueue.call_args.kwargs == {"report_id": report.pk}
