"""Report requests written directly, for pages and endpoints that list or serve them."""

import base64

from django.core.files.base import ContentFile
from django.utils import timezone

from apps.reports.models import ReportRequest
from tests.factories.procurement import pdf_bytes

# A valid one-pixel PNG: the first-page preview a built report carries.
PNG_1PX = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0g"
                           "AAAABJRU5ErkJggg==")


def report_row(user, *, kind: str = "training_transcript", status: str = ReportRequest.Status.QUEUED,
               title: str = "Responder training transcript — Riley", preview: bool = True,
               **fields) -> ReportRequest:
    succeeded = status == ReportRequest.Status.SUCCEEDED
    report = ReportRequest.objects.create(kind=kind, title=title, requested_by=user,
                                          status=ReportRequest.Status.QUEUED if succeeded else status,
                                          parameters=fields.pop("parameters", {}), **fields)
    if succeeded:
        content = pdf_bytes()
        report.file.save("r.pdf", ContentFile(content), save=False)
        if preview:
            report.preview.save("r.png", ContentFile(PNG_1PX), save=False)
        report.sha256, report.page_count, report.size = "a" * 64, 1, len(content)
        report.status, report.progress, report.finished_at = status, 100, timezone.now()
        report.save()
    return report
