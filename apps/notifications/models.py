from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """One email to send, and what happened to it: the delivery log of the mail channel.

    The row is written in the same transaction as the change that caused it; a Celery task sends
    it after commit. Sending claims the row with a conditional update, so a redelivered task or a
    second worker never sends it twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    kind = models.CharField(max_length=100, db_index=True)
    language = models.CharField(max_length=16, default="en")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.status})"
