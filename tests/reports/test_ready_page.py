"""The request form's periods (presets, date pickers, errors tied to fields) and the ready page (the
download as the primary action, the first page's preview behind the PDF's own permission check)."""

import os
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from apps.accounts.models import Membership
from apps.accounts.roles import Role
from apps.reports import renderer, services
from apps.reports.kinds.common import period_presets
from apps.reports.models import ReportRequest
from tests.factories import OrganizationFactory, user_with_role
from tests.factories.reports import report_row

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def harbor():
    return OrganizationFactory(name="Harbor Peer Outreach", slug="harbor")


@pytest.fixture
def coordinator(harbor):
    return user_with_role(Role.COORDINATOR, harbor, email="cora@harbor.example", full_name="Cora Harbor")


def test_period_presets_on_a_saturday_in_december():
    presets = {p.key: (p.start, p.end) for p in period_presets(date(2026, 12, 5))}
    assert presets == {"last_month": (date(2026, 11, 1), date(2026, 11, 30)),
                       "this_quarter": (date(2026, 10, 1), date(2026, 12, 31)),
                       # two weeks, Monday to Sunday, ending on the last Sunday before today
                       "last_pay_period": (date(2026, 11, 16), date(2026, 11, 29))}


def test_period_presets_on_a_sunday_and_in_january():
    presets = {p.key: (p.start, p.end) for p in period_presets(date(2027, 1, 3))}
    assert presets["last_month"] == (date(2026, 12, 1), date(2026, 12, 31))
    assert presets["this_quarter"] == (date(2027, 1, 1), date(2027, 3, 31))
    assert presets["last_pay_period"] == (date(2026, 12, 14), date(2026, 12, 27))  # not the Sunday still running


def test_request_form_offers_presets_and_date_pickers_filled_in(client, coordinator, time_machine):
    time_machine.move_to("2026-12-05T12:00:00-05:00", tick=False)
    client.force_login(coordinator)
    url = reverse("reports:report-create", args=["schedule_coverage"])
    body = client.get(url).content.decode()
    # USWDS date pickers (typed as MM/DD/YYYY), filled in with last month.
    assert '<div class="usa-date-picker" data-default-value="2026-11-01"><input type="text" name="start"' in body
    assert '<div class="usa-date-picker" data-default-value="2026-11-30"><input type="text" name="end"' in body
    assert 'href="?preset=this_quarter"' in body and 'href="?preset=last_pay_period"' in body
    assert 'aria-current="true">Last month' in body
    body = client.get(url + "?preset=this_quarter").content.decode()
    assert 'name="start" value="2026-10-01"' in body and 'name="end" value="2026-12-31"' in body
    # The timesheet starts from the last pay period.
    body = client.get(reverse("reports:report-create", args=["timesheet"])).content.decode()
    assert 'name="start" value="2026-11-16"' in body and 'name="end" value="2026-11-29"' in body


def test_request_form_ties_errors_to_their_fields(client, coordinator, harbor):
    client.force_login(coordinator)
    url = reverse("reports:report-create", args=["schedule_coverage"])
    body = client.post(url, {"organization": harbor.pk, "start": "2026-11-30", "end": "2026-11-01"}).content.decode()
    assert 'id="id_end_error">The last day must not be before the first.' in body
    assert 'aria-describedby="id_end_error id_end_helptext"' in body and 'aria-invalid="true"' in body
    assert ReportRequest.objects.count() == 0


def test_ready_page_puts_the_download_first_and_shows_the_preview(client, coordinator):
    report = report_row(coordinator, status=ReportRequest.Status.SUCCEEDED)
    report.preview.save("p.png", ContentFile(PNG))
    client.force_login(coordinator)
    body = client.get(reverse("reports:report-detail", args=[report.pk])).content.decode()
    download = body.index(f'<a class="usa-button" href="/reports/{report.pk}/download/">Download the PDF</a>')
    rerun = body.index('<button type="submit" class="usa-button usa-button--outline">Run it again</button>')
    assert download < rerun
    assert f'<img src="/reports/{report.pk}/preview.png" alt="First page of {report.title}">' in body
    response = client.get(reverse("reports:report-preview", args=[report.pk]))
    assert (response.status_code, response["Content-Type"], response["Cache-Control"]) == (
        200, "image/png", "private, no-store")
    assert b"".join(response.streaming_content) == PNG


def test_ready_page_says_when_there_is_no_preview(client, coordinator):
    report = report_row(coordinator, status=ReportRequest.Status.SUCCEEDED, preview=False)
    client.force_login(coordinator)
    body = client.get(reverse("reports:report-detail", args=[report.pk])).content.decode()
    assert "No preview of the first page: this server could not draw one. The PDF itself is complete." in body
    assert "<img" not in body.split('id="report-status"')[1]
    assert client.get(reverse("reports:report-preview", args=[report.pk])).status_code == 404


def test_preview_is_served_like_the_pdf(client, coordinator, harbor):
    report = report_row(coordinator, status=ReportRequest.Status.SUCCEEDED)
    report.preview.save("p.png", ContentFile(PNG))
    url = reverse("reports:report-preview", args=[report.pk])
    peer = user_with_role(Role.COORDINATOR, harbor, email="pete@harbor.example")
    client.force_login(peer)
    assert client.get(url).status_code == 404  # someone else's report
    client.force_login(coordinator)
    Membership.objects.filter(user=coordinator).delete()  # lost the rights the kind needs
    assert client.get(url).status_code == 403


def test_a_built_report_carries_a_png_of_its_first_page(coordinator, harbor, django_capture_on_commit_callbacks):
    import importlib.util

    if not renderer.shutil.which("pdftoppm") and importlib.util.find_spec("pypdfium2") is None:
        missing = "needs pdftoppm (apt-get install poppler-utils) or pypdfium2 to draw a preview"
        # CI installs poppler-utils (.ci/run): there a missing tool fails, as a missing browser does.
        if os.environ.get("CRISISPROG_REQUIRE_SERVICES") == "1":
            pytest.fail(f"CRISISPROG_REQUIRE_SERVICES=1 but this test {missing}", pytrace=False)
        pytest.skip(missing)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(by=coordinator, kind="schedule_coverage",
                                         parameters={"organization": harbor.pk, "start": "2026-11-01",
                                                     "end": "2026-11-30"})
    report.refresh_from_db()
    assert report.status == ReportRequest.Status.SUCCEEDED, report.error
    with report.preview.open("rb") as fh:
        head = fh.read(24)
    assert head.startswith(b"\x89PNG")
    width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    assert height == 900 and 690 <= width <= 700  # a Letter page, its longest side 900 px


def test_a_report_without_a_preview_still_succeeds(coordinator, harbor, monkeypatch,
                                                    django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "render_preview", lambda _pdf: None)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(by=coordinator, kind="schedule_coverage",
                                         parameters={"organization": harbor.pk, "start": "2026-11-01",
                                                     "end": "2026-11-30"})
    report.refresh_from_db()
    assert (report.status, report.preview.name) == (ReportRequest.Status.SUCCEEDED, "")
