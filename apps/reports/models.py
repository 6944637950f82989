"""Report requests and monthly subscriptions.

A request records what was asked (kind and validated parameters), by whom, and what came of it:
queued → running → succeeded (a private PDF with its checksum and page count) or failed (with the
error). The PDF lives in private storage and is only ever served through a permission check.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.core.storage import PrivateStorage

_storage = PrivateStorage("reports")


def report_storage() -> PrivateStorage:
    return _storage


def report_path(instance, filename: str) -> str:
    return f"{instance.created_at:%Y/%m}/report-{instance.pk}-{instance.kind}.pdf"


def preview_path(instance, filename: str) -> str:
    return f"{instance.created_at:%Y/%m}/report-{instance.pk}-{instance.kind}-page1.png"


class ReportRequest(TimeStampedModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Ready")
        FAILED = "failed", _("Failed")

    FINISHED = (Status.SUCCEEDED, Status.FAILED)

    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    parameters = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    file = models.FileField(storage=report_storage, upload_to=report_path, blank=True, max_length=200)
    sha256 = models.CharField(max_length=64, blank=True)
    # Page 1 as a PNG, made with the PDF when the machine can draw one; private like the PDF and served
    # only through the same permission check. Blank: no preview (the page says so).
    preview = models.FileField(storage=report_storage, upload_to=preview_path, blank=True, max_length=200)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # "YYYY-MM" for a report made by a monthly subscription, so the scanner makes it once.
    period = models.CharField(max_length=7, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="reports_progress_max_100"),
            models.CheckConstraint(
                condition=~Q(status="succeeded") | (~Q(file="") & ~Q(sha256="")),
                name="reports_succeeded_has_file"),
            models.UniqueConstraint(fields=["requested_by", "kind", "period"], condition=~Q(period=""),
                                    name="reports_one_per_subscription_period"),
        ]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="reports_mine_idx"),
            # The sweeper looks for running requests started long ago.
            models.Index(fields=["status", "started_at"], name="reports_status_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (#{self.pk})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class ReportSubscription(TimeStampedModel):
    """Someone who receives a kind of report every month (the program monthly report)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscriptions")
    kind = models.CharField(max_length=40)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "user_id"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="reports_subscription_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.kind}"
