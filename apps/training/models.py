"""Training: the course catalog, role requirements, sessions (cohorts) and the records that clear
responders for duty. Readiness itself is decided in `readiness.py`, nowhere else."""

import calendar
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (29 February + 12 → 28 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def end_of_month(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


class Course(TimeStampedModel):
    class Category(models.TextChoices):
        SAFETY = "safety", _("Safety and first aid")
        MENTAL_HEALTH = "mental_health", _("Mental health")
        CRISIS = "crisis", _("Crisis intervention")
        HARM_REDUCTION = "harm_reduction", _("Harm reduction")
        COMMUNITY = "community", _("Community and language access")
        OPERATIONS = "operations", _("Operations and protocol")
        FIELD = "field", _("Supervised field practice")

    class Delivery(models.TextChoices):
        CLASSROOM = "classroom", _("Classroom")
        ONLINE = "online", _("Online")
        FIELD = "field", _("In the field")
        SCENARIO = "scenario", _("Scenario-based")

    code = models.SlugField(max_length=32, unique=True)
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=32, choices=Category.choices)
    provider = models.CharField(max_length=200, blank=True)
    hours = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("0"),
                                validators=[MinValueValidator(Decimal("0"))])
    delivery = models.CharField(max_length=16, choices=Delivery.choices, default=Delivery.CLASSROOM)
    # Empty: the course never expires.
    renewal_months = models.PositiveSmallIntegerField(null=True, blank=True)
    # AHA cards are valid "through the end of the month issued", two years on.
    expires_end_of_month = models.BooleanField(default=False)
    # Days after expiry during which a short recertification is still accepted (MHFA: 90);
    # 0: once expired, the full course is required again.
    recertification_window_days = models.PositiveSmallIntegerField(default=0)
    approval_number = models.CharField(max_length=64, blank=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="training_course_hours_nonnegative"),
            models.CheckConstraint(condition=Q(renewal_months__isnull=True) | Q(renewal_months__gt=0),
                                   name="training_course_renewal_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def expiry_for(self, completed_on: date) -> date | None:
        """The last day a record completed on `completed_on` is valid (inclusive); None: never expires."""
        if not self.renewal_months:
            return None
        expiry = add_months(completed_on, self.renewal_months)
        return end_of_month(expiry) if self.expires_end_of_month else expiry


class RequirementRole(models.TextChoices):
    """The duty a requirement clears someone for; scheduling positions ask for one of these."""

    TRAINEE = "trainee", _("Trainee")
    RESPONDER = "responder", _("Responder")
    TEAM_LEAD = "team_lead", _("Team lead")


class RoleRequirement(TimeStampedModel):
    """What a role needs, from `effective_from` on. Rows are never edited: a change is a new row,
    so the requirement in force on any date (and the history) stays answerable."""

    role = models.CharField(max_length=16, choices=RequirementRole.choices)
    # Empty: the program-wide default; an organization's own row overrides it.
    organization = models.ForeignKey("accounts.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="training_requirements")
    effective_from = models.DateField()
    courses = models.ManyToManyField(Course, related_name="requirements", blank=True)
    min_field_hours = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("0"))
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["role", "organization__name", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["role", "organization", "effective_from"],
                                    condition=Q(organization__isnull=False), name="training_requirement_org_once"),
            models.UniqueConstraint(fields=["role", "effective_from"],
                                    condition=Q(organization__isnull=True), name="training_requirement_default_once"),
            models.CheckConstraint(condition=Q(min_field_hours__gte=0), name="training_requirement_hours_nonneg"),
        ]

    def __str__(self) -> str:
        scope = self.organization.name if self.organization_id else _("all organizations")
        return f"{self.get_role_display()} · {scope} · {self.effective_from:%Y-%m-%d}"


def evidence_path(instance, filename: str) -> str:
    # The stored name never carries the uploader's file name (it may hold a person's name).
    return f"training/evidence/{instance.evidence_token}{instance.evidence_extension}"


class TrainingRecord(TimeStampedModel):
    """One completed course for one responder. Only verified, unexpired records count."""

    class Source(models.TextChoices):
        SESSION = "session", _("Training session")
        EXTERNAL = "external", _("External certificate")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    responder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_records")
    # The organization whose coordinators and trainers see and verify it.
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="training_records")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)  # computed from the course; empty: never expires
    source = models.CharField(max_length=16, choices=Source.choices)
    session = models.ForeignKey("TrainingSession", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="records")
    certificate_number = models.CharField(max_length=64, blank=True)
    evidence = models.FileField(upload_to=evidence_path, blank=True, max_length=200)
    evidence_token = models.CharField(max_length=32, blank=True, editable=False)
    evidence_extension = models.CharField(max_length=8, blank=True, editable=False)
    evidence_content_type = models.CharField(max_length=64, blank=True)
    evidence_size = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    rejection_reason = models.CharField(max_length=500, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("completed_on")),
                                   name="training_record_expiry_after_completion"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                                   name="training_record_rejection_has_reason"),
            models.CheckConstraint(condition=~Q(source="session") | Q(session__isnull=False),
                                   name="training_record_session_source_has_session"),
        ]
        indexes = [
            # The readiness batch: every record of many responders for the required courses.
            models.Index(fields=["responder", "course", "status"], name="training_record_ready_idx"),
            # The expiry scanner and the expiring-soon list.
            models.Index(fields=["status", "expires_on"], name="training_record_expiry_idx"),
            models.Index(fields=["organization", "status"], name="training_record_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.course.code} · {self.responder} · {self.completed_on:%Y-%m-%d}"


class FieldHours(TimeStampedModel):
    """Supervised hours in the field; they count once the named preceptor signs them off."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting sign-off")
        SIGNED_OFF = "signed_off", _("Signed off")
        REJECTED = "rejected", _("Not signed off")

    responder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="field_hours")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="field_hours")
    worked_on = models.DateField()
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    # Scheduling links hours to a shift by its reference; a date alone is enough otherwise.
    shift_reference = models.CharField(max_length=64, blank=True)
    activity = models.CharField(max_length=300, blank=True)
    preceptor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="preceptor_hours")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-worked_on", "-id"]
        verbose_name_plural = "field hours"
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="training_field_hours_range"),
            models.CheckConstraint(condition=~Q(preceptor=F("responder")), name="training_field_hours_not_self"),
        ]
        indexes = [models.Index(fields=["responder", "status"], name="training_field_hours_idx")]

    def __str__(self) -> str:
        return f"{self.responder} · {self.hours} h · {self.worked_on:%Y-%m-%d}"


class TrainingSession(TimeStampedModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        COMPLETED = "completed", _("Completed")

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT,
                                     related_name="training_sessions")
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trainings_led")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=300)
    capacity = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="training_session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="training_session_capacity_positive"),
        ]
        indexes = [models.Index(fields=["organization", "starts_at"], name="training_session_org_idx")]

    def __str__(self) -> str:
        return f"{self.course.code} · {self.starts_at:%Y-%m-%d %H:%M}"


class Enrollment(TimeStampedModel):
    """A place (or a waitlist spot) in a session. The session row lock in the service keeps the
    enrolled count within capacity; the waitlist is served oldest first."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("Waitlisted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("Not recorded")
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        PARTIAL = "partial", _("Partial")

    class Assessment(models.TextChoices):
        NOT_ASSESSED = "not_assessed", _("Not assessed")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Did not pass")

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="enrollments")
    responder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ENROLLED)
    # When the person joined the waitlist (or enrolled): the waitlist's order.
    queued_at = models.DateTimeField()
    attendance = models.CharField(max_length=16, choices=Attendance.choices, default=Attendance.UNKNOWN)
    hours_attended = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    assessment = models.CharField(max_length=16, choices=Assessment.choices, default=Assessment.NOT_ASSESSED)
    record = models.OneToOneField(TrainingRecord, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="enrollment")

    class Meta:
        ordering = ["session", "queued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "responder"], name="training_enrollment_once"),
        ]
        indexes = [models.Index(fields=["session", "status", "queued_at"], name="training_enrollment_queue_idx")]

    def __str__(self) -> str:
        return f"{self.responder} · {self.session} ({self.status})"
