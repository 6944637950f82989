"""Operations: what the teams are doing now (team status on a shift), the service tokens of the 911
center's dispatch system, and the encounter log the evaluation is built from.

Operations reads scheduling and accounts; only reports reads operations. Encounters are de-identified by
design: no field holds a name, an address or a birth date, and the free text is short and masked like
public feedback.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class TeamState(models.TextChoices):
    AVAILABLE = "available", _("Available")
    ON_CALL = "on_call", _("On a call")
    RETURNING = "returning", _("Returning")
    ON_BREAK = "on_break", _("On break")
    OFF = "off", _("Off")


# The order a dispatcher wants: a free team first, then one on its way back, then one on a break.
# A team on a call or off is not able to take a call now.
DISPATCHABLE_STATES = (TeamState.AVAILABLE, TeamState.RETURNING, TeamState.ON_BREAK)


class TeamStatus(models.Model):
    """The current status of the team working one shift: one row per shift, replaced on every change
    (the history is `TeamStatusChange`). A shift with no row has not reported yet."""

    shift = models.OneToOneField("scheduling.Shift", on_delete=models.CASCADE, related_name="team_status")
    state = models.CharField(max_length=16, choices=TeamState.choices)
    zone = models.ForeignKey("core.Neighborhood", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    since = models.DateTimeField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")

    class Meta:
        verbose_name_plural = "team statuses"

    def __str__(self) -> str:
        return f"{self.shift_id}: {self.state} since {self.since:%Y-%m-%d %H:%M}"


class TeamStatusChange(models.Model):
    """Every status change, in order. The dispatch feed pages through it by id (a cursor a client keeps)."""

    shift = models.ForeignKey("scheduling.Shift", on_delete=models.CASCADE, related_name="status_changes")
    state = models.CharField(max_length=16, choices=TeamState.choices)
    previous_state = models.CharField(max_length=16, choices=TeamState.choices, blank=True)
    zone = models.ForeignKey("core.Neighborhood", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["shift", "at"], name="operations_status_shift_at")]

    def __str__(self) -> str:
        return f"{self.shift_id}: {self.previous_state or '-'} → {self.state} at {self.at:%Y-%m-%d %H:%M}"


class ServiceScope(models.TextChoices):
    DISPATCH_READ = "dispatch:read", _("Read who is on duty and their status changes")


def hash_service_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_service_token() -> str:
    return "cps_" + secrets.token_urlsafe(32)


class ServiceToken(TimeStampedModel):
    """A machine client's credential (the 911 center's computer-aided dispatch system), created by a program
    admin. Only a SHA-256 hash is stored: the token is shown once, at creation. It carries scopes, expires,
    can be revoked, and counts every use."""

    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, help_text=_("The first characters, to recognise the token."))
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    use_count = models.PositiveBigIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class EncounterSource(models.TextChoices):
    TRANSFER_911 = "911", _("911 transfer")
    LINE_988 = "988", _("988 call")
    WALK_UP = "walk_up", _("Walk-up or flag-down")
    FOLLOW_UP = "follow_up", _("Follow-up")


class EncounterOutcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved on scene")
    REFERRAL = "referral", _("Referral made")
    TRANSPORT = "transport", _("Voluntary transport")
    MEDICAL = "medical", _("Medical care needed")
    POLICE = "police", _("Police requested")
    NO_CONTACT = "no_contact", _("No contact")
    UNSERVED = "unserved", _("Could not be served")


class ReferralKind(models.TextChoices):
    MENTAL_HEALTH = "mental_health", _("Outpatient mental health")
    CRISIS_CENTER = "crisis_center", _("Crisis stabilization or respite")
    SUBSTANCE_USE = "substance_use", _("Substance use treatment")
    HOUSING = "housing", _("Shelter or housing")
    MEDICAL = "medical", _("Primary or medical care")
    PEER = "peer", _("Peer support")
    BENEFITS = "benefits", _("Benefits, food or legal aid")
    OTHER = "other", _("Other service")


class UnservedReason(models.TextChoices):
    NO_TEAM = "no_team", _("No team free")
    OUTSIDE_HOURS = "outside_hours", _("Outside program hours")
    SAFETY = "safety", _("Safety screen")
    OTHER = "other", _("Other")


class Encounter(TimeStampedModel):
    """One call the program received, served or not, recorded by the team after it cleared. De-identified:
    zone, times, how it came and what happened; no person's name, address or birth date anywhere.

    A retried submit carries the same idempotency key and finds the row the first attempt wrote."""

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="encounters")
    shift = models.ForeignKey("scheduling.Shift", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="encounters")
    zone = models.ForeignKey("core.Neighborhood", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=16, choices=EncounterSource.choices)
    received_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=EncounterOutcome.choices)
    referral_kind = models.CharField(max_length=20, choices=ReferralKind.choices, blank=True)
    unserved_reason = models.CharField(max_length=20, choices=UnservedReason.choices, blank=True)
    follow_up_needed = models.BooleanField(default=False)
    # Short and masked (phone numbers, emails, street addresses) like public feedback.
    note = models.CharField(max_length=280, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    idempotency_key = models.UUIDField(unique=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["organization", "received_at"], name="operations_enc_org_received")]
        constraints = [
            # Times run forward: received, dispatched, arrived (and cleared is checked by the service).
            models.CheckConstraint(
                condition=Q(dispatched_at__isnull=True) | Q(dispatched_at__gte=models.F("received_at")),
                name="operations_encounter_dispatched_after_received"),
            models.CheckConstraint(
                condition=(Q(arrived_at__isnull=True)
                           | Q(dispatched_at__isnull=False, arrived_at__gte=models.F("dispatched_at"))),
                name="operations_encounter_arrived_after_dispatched"),
            models.CheckConstraint(
                condition=~Q(outcome="referral") | ~Q(referral_kind=""),
                name="operations_encounter_referral_has_kind"),
            models.CheckConstraint(
                condition=((Q(outcome="unserved") & ~Q(unserved_reason=""))
                           | (~Q(outcome="unserved") & Q(unserved_reason=""))),
                name="operations_encounter_unserved_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.received_at:%Y-%m-%d %H:%M}: {self.get_outcome_display()}"
