"""What the auto-roster keeps: each person's roster preferences, and each run with its progress and its
proposal. Imported by `apps.scheduling.models`, so they are scheduling's models."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class RosterProfile(TimeStampedModel):
    """What the auto-roster should try to give a responder in one organization: hours per week (the
    contracted or target hours), the zones they know, the languages they speak, and the kinds of
    shift (templates) they want or would rather not work. None of it is a rule: the eligibility
    engine's rules decide who may work; this only steers who is chosen among those who may."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_profiles")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="+")
    weekly_hours = models.PositiveSmallIntegerField(
        _("target hours a week"), null=True, blank=True,
        help_text=_("Contracted or wanted hours a week. Empty: the program's default."))
    preferred_zones = models.ManyToManyField("core.Neighborhood", related_name="+", blank=True,
                                             verbose_name=_("preferred zones"))
    languages = models.ManyToManyField("core.Language", related_name="+", blank=True,
                                       verbose_name=_("languages spoken"))
    preferred_templates = models.ManyToManyField("scheduling.ShiftTemplate", related_name="+", blank=True,
                                                 verbose_name=_("shifts wanted"))
    avoided_templates = models.ManyToManyField("scheduling.ShiftTemplate", related_name="+", blank=True,
                                               verbose_name=_("shifts rather not"))

    class Meta:
        app_label = "scheduling"
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="scheduling_roster_profile_once"),
                       models.CheckConstraint(condition=Q(weekly_hours__lte=80),
                                              name="scheduling_roster_profile_hours")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization}"


class RosterRun(TimeStampedModel):
    """One solve: a month (or a call-out's repair) for some teams of one organization. The result is a
    proposal; nothing is written to the schedule until a coordinator accepts it."""

    class Kind(models.TextChoices):
        FULL = "full", _("Fill open positions")
        REPAIR = "repair", _("Refill a call-out")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Solving")
        PROPOSED = "proposed", _("Proposal ready")
        APPLYING = "applying", _("Being applied")
        ACCEPTED = "accepted", _("Accepted")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")

    FINISHED = (Status.PROPOSED, Status.ACCEPTED, Status.CANCELLED, Status.FAILED, Status.DISCARDED)
    WORKING = (Status.QUEUED, Status.RUNNING, Status.APPLYING)

    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.FULL)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    teams = models.ManyToManyField("scheduling.Team", related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField(help_text=_("The last day, included."))
    time_limit = models.PositiveSmallIntegerField(default=60)
    # The repair's call-out: the assignment cancelled or marked no-show whose place is to be refilled.
    callout = models.ForeignKey("scheduling.Assignment", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    cancel_requested = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Progress, written by the worker while it solves.
    solutions = models.PositiveIntegerField(default=0)
    objective = models.FloatField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    wall_seconds = models.FloatField(default=0)
    solver_status = models.CharField(max_length=20, blank=True)
    # The result: what to add (and, for a repair, which assignments it replaces), what stays open and
    # why, the figures; after accepting, what was applied and what conflicted.
    proposal = models.JSONField(default=list, blank=True)
    releases = models.JSONField(default=list, blank=True)
    unfilled = models.JSONField(default=list, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    conflicts = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "scheduling"
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="scheduling_roster_run_period"),
                       models.CheckConstraint(condition=Q(time_limit__gte=5) & Q(time_limit__lte=600),
                                              name="scheduling_roster_run_time_limit")]
        indexes = [models.Index(fields=["organization", "status"], name="scheduling_roster_run_org")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}–{self.ends_on}"

    @property
    def is_working(self) -> bool:
        return self.status in self.WORKING
