from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import Channel


class Notification(models.Model):
    """One message to one recipient on one channel, and its delivery log.

    `dedupe_key` names the intent (e.g. `shift-reminder-24h:<assignment>:<user>`); with the channel it
    is unique, so a scanner that runs twice, or two at once, creates the message once. Sending
    claims the row with a conditional UPDATE and a lease: a second worker cannot take it while the
    lease runs, and a row whose worker died is taken again once the lease has expired.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Not sent (turned off)")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(max_length=100, db_index=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    dedupe_key = models.CharField(max_length=255)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    # A resident's contact, kept only because they consented to reminders.
    recipient_email = models.EmailField(blank=True)
    recipient_phone = models.CharField(max_length=32, blank=True)
    recipient_name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=16, default="en")
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    unsubscribe_url = models.CharField(max_length=500, blank=True)
    scheduled_for = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key", "channel"], name="notification_once_per_intent"),
            models.CheckConstraint(
                condition=Q(recipient_user__isnull=False) | ~Q(recipient_email="") | ~Q(recipient_phone=""),
                name="notification_has_recipient",
            ),
        ]
        indexes = [
            # The dispatcher's scan: due queued rows and expired leases.
            models.Index(fields=["status", "scheduled_for"], name="notification_due_idx"),
            # The notification centre and its unread count.
            models.Index(fields=["recipient_user", "channel", "read_at"], name="notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_label} ({self.channel}, {self.status})"

    @property
    def audit_label(self) -> str:
        # The recipient may be a resident's address, which the audit log must not keep.
        return f"{self.kind} #{self.pk} ({self.channel})"

    @property
    def recipient_label(self) -> str:
        if self.recipient_user_id:
            return str(self.recipient_user)
        return self.recipient_name or self.recipient_email or self.recipient_phone


class NotificationPreference(models.Model):
    """A user's choice to stop one optional kind on one channel. No row means 'send'."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=100)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notification_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind}/{self.channel} {'on' if self.enabled else 'off'}"


class ResidentOptOut(models.Model):
    """A resident clicked 'unsubscribe'. The contact is kept only as a keyed hash."""

    contact_hash = models.CharField(max_length=64)
    kind = models.CharField(max_length=100, blank=True, help_text=_("Empty: every optional message."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact_hash", "kind"], name="resident_optout_unique")]

    def __str__(self) -> str:
        return f"opt-out {self.contact_hash[:8]}… {self.kind or 'all'}"
