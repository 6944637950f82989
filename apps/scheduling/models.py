"""Scheduling: teams and team types, shift templates, shifts and their positions, assignments,
availability, time off, swaps, check-in and the calendar feeds.

Who may fill a position is decided in `eligibility.py`, nowhere else.
"""

import secrets
from datetime import UTC

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


class PositionRole(models.TextChoices):
    LEAD = "lead", _("Team lead")
    RESPONDER = "responder", _("Community responder")
    TRAINEE = "trainee", _("Trainee")
    CLINICIAN = "clinician", _("Mental-health clinician")
    EMT = "emt", _("EMT")
    POLICE_OFFICER = "police_officer", _("Police officer")


# The training requirement each position asks the readiness engine about. Clinicians, EMTs and
# officers are cleared for the program as responders; their licences live with their employers.
READINESS_ROLE = {
    PositionRole.LEAD: "team_lead",
    PositionRole.RESPONDER: "responder",
    PositionRole.TRAINEE: "trainee",
    PositionRole.CLINICIAN: "responder",
    PositionRole.EMT: "responder",
    PositionRole.POLICE_OFFICER: "responder",
}


class TeamType(TimeStampedModel):
    """A response model and the composition its shifts need (DOMAIN.md: three models)."""

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    min_size = models.PositiveSmallIntegerField(default=2)
    requires_lead = models.BooleanField(default=True)
    # Community responders: never an all-trainee team.
    allow_all_trainees = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(min_size__gte=1), name="scheduling_teamtype_min_size")]

    def __str__(self) -> str:
        return self.name


class TeamTypePosition(models.Model):
    """The default positions of a team type's shift (the composition)."""

    team_type = models.ForeignKey(TeamType, on_delete=models.CASCADE, related_name="positions")
    role = models.CharField(max_length=20, choices=PositionRole.choices)
    count = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["team_type", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team_type", "role"], name="scheduling_teamtype_role_once"),
            models.CheckConstraint(condition=Q(count__gte=1), name="scheduling_teamtype_position_count"),
        ]

    def __str__(self) -> str:
        return f"{self.team_type} · {self.count} × {self.get_role_display()}"


class SchedulingPolicy(TimeStampedModel):
    """An organization's limits; without a row the program defaults apply (see `policy_for`)."""

    organization = models.OneToOneField("accounts.Organization", on_delete=models.CASCADE,
                                        related_name="scheduling_policy")
    min_rest_hours = models.PositiveSmallIntegerField(default=10)
    max_daily_hours = models.PositiveSmallIntegerField(default=12)
    max_weekly_hours = models.PositiveSmallIntegerField(default=40)
    swap_requires_approval = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "scheduling policies"

    def __str__(self) -> str:
        return f"{self.organization} policy"


class Team(TimeStampedModel):
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="teams")
    team_type = models.ForeignKey(TeamType, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=120)
    zones = models.ManyToManyField("core.Neighborhood", related_name="teams", blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organization__name", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="scheduling_team_name_once")]

    def __str__(self) -> str:
        return self.name


class ShiftTemplate(TimeStampedModel):
    """A recurring shift: local start and end times (end at or before start: it ends the next day)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="templates")
    name = models.CharField(max_length=120)
    start_time = models.TimeField()
    end_time = models.TimeField()
    # Monday = 0 … Sunday = 6, as in date.weekday().
    weekdays = models.JSONField(default=list)
    zones = models.ManyToManyField("core.Neighborhood", related_name="+", blank=True)
    desired_languages = models.ManyToManyField("core.Language", related_name="+", blank=True)
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["team", "start_time", "name"]

    def __str__(self) -> str:
        return f"{self.team} · {self.name} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class Shift(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="shifts")
    # Copied from the team: every scoped query filters on it without a join.
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="shifts")
    template = models.ForeignKey(ShiftTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="shifts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    zones = models.ManyToManyField("core.Neighborhood", related_name="shifts", blank=True)
    desired_languages = models.ManyToManyField("core.Language", related_name="shifts", blank=True)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="scheduling_shift_ends_after_start"),
            # Generating a template twice over the same dates creates nothing new.
            models.UniqueConstraint(fields=["template", "starts_at"], condition=Q(template__isnull=False),
                                    name="scheduling_shift_template_once"),
        ]
        indexes = [
            models.Index(fields=["organization", "starts_at"], name="scheduling_shift_org_start"),
            # Who is on duty now, for every organization (operations.selectors.duty_shifts: the dispatch API and
            # the on-duty board): the published shifts that started within the longest a shift lasts.
            models.Index(fields=["starts_at"], condition=Q(status="published"), name="scheduling_shift_pub_start"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> float:
        # Through UTC: two datetimes sharing one zoneinfo would subtract by wall clock.
        return (self.ends_at.astimezone(UTC) - self.starts_at.astimezone(UTC)
                ).total_seconds() / 3600


class Position(models.Model):
    """A role on a shift and how many people it takes."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="positions")
    role = models.CharField(max_length=20, choices=PositionRole.choices)
    count = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["shift", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shift", "role"], name="scheduling_position_role_once"),
            models.CheckConstraint(condition=Q(count__gte=1), name="scheduling_position_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.shift} · {self.get_role_display()}"

    @property
    def readiness_role(self) -> str:
        return READINESS_ROLE[self.role]


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An ExclusionConstraint that exists only on PostgreSQL.

    The test suite also runs on SQLite, which has no EXCLUDE; there the service's own check
    (eligibility's overlap rule) stands alone."""

    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)

    def validate(self, model, instance, exclude=None, using="default"):
        from django.db import connections

        if connections[using].vendor != "postgresql":
            return
        super().validate(model, instance, exclude=exclude, using=using)


OVERLAP_CONSTRAINT = "scheduling_assignment_no_overlap"


class Assignment(TimeStampedModel):
    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        CHECKED_IN = "checked_in", _("Checked in")
        COMPLETED = "completed", _("Completed")
        NO_SHOW = "no_show", _("No-show")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.ASSIGNED, Status.CHECKED_IN, Status.COMPLETED)

    class Source(models.TextChoices):
        COORDINATOR = "coordinator", _("Assigned by a coordinator")
        SIGN_UP = "sign_up", _("Self sign-up")
        SWAP = "swap", _("Swap")
        ROSTER = "roster", _("Auto-roster, accepted by a coordinator")

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="assignments")
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="assignments")
    responder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="shift_assignments")
    # Copied from the shift so the database can refuse overlaps without a join.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ASSIGNED)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.COORDINATOR)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    overrides = models.JSONField(default=list, blank=True)
    override_reason = models.TextField(blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    # iCal SEQUENCE: bumped on every change a subscribed calendar must pick up.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                   name="scheduling_assignment_ends_after_start"),
            models.UniqueConstraint(fields=["shift", "responder"], condition=Q(status__in=[
                "assigned", "checked_in", "completed"]), name="scheduling_assignment_once_per_shift"),
            # The invariant: one responder is never in two overlapping active assignments, whatever
            # the organization. Half-open ranges, so back-to-back shifts do not collide.
            PostgresExclusionConstraint(
                name=OVERLAP_CONSTRAINT,
                expressions=[(TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                             ("responder", RangeOperators.EQUAL)],
                condition=Q(status__in=["assigned", "checked_in", "completed"]),
            ),
        ]
        indexes = [models.Index(fields=["responder", "starts_at"], name="scheduling_assignment_person")]

    def __str__(self) -> str:
        return f"{self.responder} · {self.position}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def worked_hours(self) -> float:
        if self.checked_in_at and self.checked_out_at:
            return (self.checked_out_at.astimezone(UTC)
                    - self.checked_in_at.astimezone(UTC)).total_seconds() / 3600
        return 0.0


class Availability(TimeStampedModel):
    """A recurring weekly window a responder can work. Someone with no windows is not limited by
    them; once they give any, shifts outside them need a coordinator's override."""

    responder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(choices=[(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")),
                                                        (3, _("Thursday")), (4, _("Friday")), (5, _("Saturday")),
                                                        (6, _("Sunday"))])
    start_time = models.TimeField()
    # At or before start_time: the window runs into the next day.
    end_time = models.TimeField()

    class Meta:
        ordering = ["responder", "weekday", "start_time"]
        verbose_name_plural = "availability"
        constraints = [models.CheckConstraint(condition=Q(weekday__lte=6), name="scheduling_availability_weekday")]

    def __str__(self) -> str:
        return f"{self.responder} {self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class TimeOff(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    responder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off")
    # The organization whose coordinator decides.
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-starts_at", "id"]
        verbose_name_plural = "time off"
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                              name="scheduling_timeoff_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.responder} {self.starts_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"


class SwapRequest(TimeStampedModel):
    """A responder offers their assignment; an eligible colleague takes it; a coordinator approves
    when the organization requires it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Offered")
        PENDING_APPROVAL = "pending_approval", _("Waiting for coordinator approval")
        APPROVED = "approved", _("Completed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="swaps")
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    taken_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    new_assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["assignment"], condition=Q(status__in=["open",
                                                                                             "pending_approval"]),
                                               name="scheduling_swap_one_open")]

    def __str__(self) -> str:
        return f"Swap of {self.assignment}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(TimeStampedModel):
    """A responder's secret iCal URL. Revoking it (a new token) cuts off old subscriptions."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user"], condition=Q(revoked_at__isnull=True),
                                               name="scheduling_feed_one_active")]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


# The auto-roster's models live beside it (apps/scheduling/roster/models.py); they are this app's models.
from .roster.models import RosterProfile, RosterRun  # noqa: E402, F401
