"""Journey 6: a staff member requests a PDF report for a preset period, watches its progress, sees the first
page and downloads it; every page checked with axe at 1280 and 390 px. The report is
built by a real Celery worker on the real broker, so the journey needs Redis (and PostgreSQL, which the worker's
threads and the live server share); it is skipped with the reason where they are missing."""

import re

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone
from pypdf import PdfReader

from apps.reports.kinds.common import period_presets
from apps.reports.models import ReportRequest
from crisisprog.celery import app
from tests.browser.helpers import Journey, check_wide_and_narrow, follow_nav, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.celery_live, pytest.mark.postgres,
              pytest.mark.django_db(transaction=True)]




def test_staff_requests_a_pdf_watches_progress_and_downloads_it(new_page, demo, queue_only):
    from tests.factories import DEFAULT_PASSWORD, enable_totp

    moderator = demo["users"]["moderator"]
    moderator.authenticator_set.all().delete()
    secret = enable_totp(moderator)
    today = timezone.localdate()

    page = new_page()
    journey = Journey("6-reports", page)
    sign_in(page, email=moderator.email, password=DEFAULT_PASSWORD, totp_secret=secret)
    follow_nav(page, "Reports")
    check_wide_and_narrow(journey, "my reports")
    page.get_by_role("link", name="Request a report").click()
    check_wide_and_narrow(journey, "report kinds")
    page.get_by_role("link", name="Community engagement summary (what we heard)").click()
    presets = {p.key: p for p in period_presets(today)}
    last_month, quarter = presets["last_month"], presets["this_quarter"]
    # Date pickers, filled in with last month from the start; a preset fills in both dates.
    # USWDS's date picker shows and takes MM/DD/YYYY.
    us = "%m/%d/%Y"
    start = page.get_by_role("textbox", name=re.compile("^From"))
    assert page.locator(".usa-date-picker").filter(has=start).count() == 1
    assert page.get_by_role("textbox", name=re.compile("^From")).input_value() == last_month.start.strftime(us)
    page.get_by_role("link", name=re.compile("^This quarter")).click()
    assert page.get_by_role("textbox", name=re.compile("^From")).input_value() == quarter.start.strftime(us)
    assert page.get_by_role("textbox", name=re.compile("^To")).input_value() == quarter.end.strftime(us)
    page.get_by_role("link", name=re.compile("^Last month")).click()
    assert page.get_by_role("textbox", name=re.compile("^From")).input_value() == last_month.start.strftime(us)
    assert page.get_by_role("textbox", name=re.compile("^To")).input_value() == last_month.end.strftime(us)
    page.get_by_label(re.compile("^Language of the report")).select_option(label="English")
    check_wide_and_narrow(journey, "request form")
    page.get_by_role("button", name="Build the report").click()

    report = ReportRequest.objects.get(requested_by=moderator)
    status = page.locator("#report-status")
    assert status.get_attribute("role") == "status"
    assert report.status == ReportRequest.Status.QUEUED
    # The status is a USWDS tag (drawn in capitals).
    assert re.fullmatch(r"Queued — 0% done\s+Refresh to see progress", status.inner_text().strip(), re.I)
    assert page.locator("progress").get_attribute("value") == "0"
    check_wide_and_narrow(journey, "queued")

    # The worker picks the report up; the page follows its progress without a reload (htmx polls the status).
    with start_worker(app, pool="threads", concurrency=1, perform_ping_check=False, queues=["reports"],
                      shutdown_timeout=10):
        link = page.get_by_role("link", name="Download the PDF")
        link.wait_for(timeout=60_000)
    report.refresh_from_db()
    assert report.status == ReportRequest.Status.SUCCEEDED
    assert report.parameters == {"start": last_month.start.isoformat(), "end": last_month.end.isoformat(),
                                 "language": "en"}
    assert status.get_by_text("Ready").is_visible()
    assert report.sha256 in status.inner_text()
    # Download is the primary action, "Run it again" the secondary one after it.
    assert link.get_attribute("class") == "usa-button"
    rerun = page.get_by_role("button", name="Run it again")
    assert rerun.get_attribute("class") == "usa-button usa-button--outline"
    assert link.bounding_box()["x"] < rerun.bounding_box()["x"]
    # The first page, drawn by the worker, served through the same permission check as the PDF.
    preview = page.get_by_role("img", name=f"First page of {report.title}")
    preview.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth", preview.element_handle()) > 600
    check_wide_and_narrow(journey, "succeeded")
    page.reload()
    assert page.get_by_role("link", name="Download the PDF").get_attribute("class") == "usa-button"
    check_wide_and_narrow(journey, "ready page")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"engagement_summary-{report.pk}.pdf"
    pdf = PdfReader(download.path())
    assert len(pdf.pages) == report.page_count
    assert "What we heard" in pdf.pages[0].extract_text()
