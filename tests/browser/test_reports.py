"""Journey 6: a staff member requests a PDF report, watches its progress and downloads it. The report is
built by a real Celery worker on the real broker, so the journey needs Redis (and PostgreSQL, which the worker's
threads and the live server share); it is skipped with the reason where they are missing."""

import re
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone
from pypdf import PdfReader

from apps.reports.models import ReportRequest
from crisisprog.celery import app
from tests.browser.helpers import Journey, follow_nav, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.celery_live, pytest.mark.postgres,
              pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue_only():
    """Tasks go to the broker (none run inline); the test starts the worker when it wants the work done."""
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


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
    journey.check("my reports")
    page.get_by_role("link", name="Request a report").click()
    page.get_by_role("link", name="Community engagement summary (what we heard)").click()
    page.get_by_label(re.compile("^From")).fill((today - timedelta(days=30)).isoformat())
    page.get_by_label(re.compile("^To")).fill(today.isoformat())
    page.get_by_label(re.compile("^Language of the report")).select_option(label="English")
    journey.check("request form")
    page.get_by_role("button", name="Build the report").click()

    report = ReportRequest.objects.get(requested_by=moderator)
    status = page.locator("#report-status")
    assert status.get_attribute("role") == "status"
    assert report.status == ReportRequest.Status.QUEUED
    assert re.fullmatch(r"Queued — 0% done\s+Refresh to see progress", status.inner_text().strip())
    assert page.locator("progress").get_attribute("value") == "0"
    journey.check("queued")

    # The worker picks the report up; the page follows its progress without a reload (htmx polls the status).
    with start_worker(app, pool="threads", concurrency=1, perform_ping_check=False, queues=["reports"],
                      shutdown_timeout=10):
        link = page.get_by_role("link", name="Download the PDF")
        link.wait_for(timeout=60_000)
    report.refresh_from_db()
    assert report.status == ReportRequest.Status.SUCCEEDED
    assert status.get_by_text("Ready").is_visible()
    assert report.sha256 in status.inner_text()
    journey.check("succeeded")

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == f"engagement_summary-{report.pk}.pdf"
    pdf = PdfReader(download.path())
    assert len(pdf.pages) == report.page_count
    assert "What we heard" in pdf.pages[0].extract_text()
