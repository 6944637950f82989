"""Reads of training data, already scoped to what the user may see."""

from datetime import datetime
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet

from apps.accounts.models import Organization, User
from apps.accounts.permissions import is_program_admin
from apps.accounts.roles import Role
from apps.accounts.selectors import nonprofit_list

from .models import Course, Enrollment, FieldHours, RoleRequirement, TrainingRecord, TrainingSession
from .permissions import managed_organization_ids
from .readiness import CourseStatus, Readiness, readiness_batch


def course_list(*, active_only: bool = True) -> QuerySet[Course]:
    qs = Course.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def requirement_list(*, user) -> QuerySet[RoleRequirement]:
    """Program-wide requirements and those of the user's organizations (program admins: all)."""
    if not user.is_authenticated:
        return RoleRequirement.objects.none()
    qs = RoleRequirement.objects.select_related("organization", "created_by").prefetch_related("courses")
    if not is_program_admin(user):
        qs = qs.filter(Q(organization__isnull=True) | Q(organization_id__in=user.organization_ids()))
    return qs.order_by("role", "organization__name", "-effective_from", "-id")


def training_organizations(*, user) -> QuerySet[Organization]:
    """Organizations whose training the user looks after (program admins: every nonprofit)."""
    if is_program_admin(user):
        return nonprofit_list()
    return Organization.objects.filter(pk__in=managed_organization_ids(user), is_active=True).order_by("name")


def record_list(*, user, organization_id: int | None = None, status: str | None = None) -> QuerySet[TrainingRecord]:
    """Your own records, and those of the organizations whose training you look after."""
    if not user.is_authenticated:
        return TrainingRecord.objects.none()
    qs = TrainingRecord.objects.select_related("responder", "course", "organization", "verified_by")
    if not is_program_admin(user):
        qs = qs.filter(Q(responder=user) | Q(organization_id__in=managed_organization_ids(user)))
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-completed_on", "-id")


def verification_queue(*, user) -> QuerySet[TrainingRecord]:
    """Pending records the user may verify: their organizations', never their own."""
    if not user.is_authenticated:
        return TrainingRecord.objects.none()
    return (TrainingRecord.objects.filter(status=TrainingRecord.Status.PENDING,
                                          organization_id__in=managed_organization_ids(user))
            .exclude(responder=user)
            .select_related("responder", "course", "organization").order_by("created_at", "id"))


def responder_list(*, user, organization: Organization) -> QuerySet[User]:
    """Active responders of an organization the user looks after (none otherwise)."""
    if not (is_program_admin(user) or organization.pk in managed_organization_ids(user)):
        return User.objects.none()
    return (User.objects.filter(memberships__organization=organization, memberships__role=Role.RESPONDER,
                                memberships__is_active=True, is_active=True)
            .distinct().order_by("full_name", "email"))


class ReadinessStatus:
    """The readiness matrix's status filter. EXPIRING: a required course lapses within 90 days."""

    CLEARED = "cleared"
    NOT_CLEARED = "not_cleared"
    EXPIRING = "expiring"


class ReadinessSort:
    STATUS = "status"  # not cleared first, then cleared with a course expiring soon, then cleared
    NAME = "name"


class ReadinessMatrix(NamedTuple):
    rows: list[tuple[User, Readiness]]
    courses: tuple[CourseStatus, ...]  # the columns: what the role requires of everyone in the organization
    total: int  # the organization's responders, before the filters


_STATUS_KEEPS = {
    ReadinessStatus.CLEARED: lambda r: r.cleared,
    ReadinessStatus.NOT_CLEARED: lambda r: not r.cleared,
    ReadinessStatus.EXPIRING: lambda r: bool(r.expiring),
}


def _urgency(readiness: Readiness) -> int:
    return 0 if not readiness.cleared else 1 if readiness.expiring else 2


def readiness_matrix(*, user, organization: Organization, role: str, at: datetime, status: str = "",
                     search: str = "", sort: str = ReadinessSort.STATUS) -> ReadinessMatrix:
    """The readiness of every responder of `organization` the user may see (one readiness pass for all of
    them, so five queries however many there are), filtered by `status` and by `search` (in the name or
    email) and sorted, all before the caller pages through it: sorting by status must see everyone."""
    people = list(responder_list(user=user, organization=organization))
    results = readiness_batch(users=people, organization=organization, at=at, role=role)
    rows = [(person, results[person.pk]) for person in people]
    if search:
        needle = search.casefold()
        rows = [row for row in rows if needle in row[0].full_name.casefold() or needle in row[0].email.casefold()]
    if status in _STATUS_KEEPS:
        rows = [row for row in rows if _STATUS_KEEPS[status](row[1])]
    if sort == ReadinessSort.STATUS:
        rows.sort(key=lambda row: _urgency(row[1]))  # stable: by name within each status
    courses = max((r.courses for r in results.values()), key=len, default=())
    return ReadinessMatrix(rows=rows, courses=courses, total=len(people))


def transcript_people(*, user) -> QuerySet[User]:
    """Whose transcript the user may print: their own (a responder) and the active responders of the
    organizations whose training they look after."""
    ids = {user.pk} if user.has_role(Role.RESPONDER) else set()
    for organization in training_organizations(user=user):
        ids |= set(responder_list(user=user, organization=organization).values_list("pk", flat=True))
    return User.objects.filter(pk__in=ids).order_by("full_name", "email")


def responder_organizations(*, user) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=user.organization_ids(Role.RESPONDER), is_active=True).order_by("name")


def session_list(*, user) -> QuerySet[TrainingSession]:
    """Sessions of the user's organizations (program admins: all), with their counts."""
    if not user.is_authenticated:
        return TrainingSession.objects.none()
    qs = TrainingSession.objects.select_related("course", "organization", "trainer").annotate(
        enrolled_count=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.ENROLLED)),
        waitlist_count=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.WAITLISTED)),
    )
    if not is_program_admin(user):
        qs = qs.filter(organization_id__in=user.organization_ids())
    return qs.order_by("starts_at", "id")


def enrollment_list(*, session: TrainingSession) -> QuerySet[Enrollment]:
    return (Enrollment.objects.filter(session=session).exclude(status=Enrollment.Status.WITHDRAWN)
            .select_related("responder", "record").order_by("status", "queued_at", "id"))


def my_enrollments(*, user) -> QuerySet[Enrollment]:
    return (Enrollment.objects.filter(responder=user).exclude(status=Enrollment.Status.WITHDRAWN)
            .select_related("session__course", "session__organization").order_by("session__starts_at"))


def field_hours_list(*, user) -> QuerySet[FieldHours]:
    """Your own hours, hours you precept, and your organizations' hours if you look after training."""
    if not user.is_authenticated:
        return FieldHours.objects.none()
    qs = FieldHours.objects.select_related("responder", "preceptor", "organization")
    if not is_program_admin(user):
        qs = qs.filter(Q(responder=user) | Q(preceptor=user) | Q(organization_id__in=managed_organization_ids(user)))
    return qs.order_by("-worked_on", "-id")


def preceptor_choices(*, organizations: QuerySet[Organization], exclude: User) -> QuerySet[User]:
    """Who may sign off `exclude`'s field hours: active people (a deactivated account cannot sign
    anything) with an active trainer, coordinator or responder membership in one of `organizations`."""
    return (User.objects.filter(memberships__organization__in=organizations, memberships__is_active=True,
                                memberships__role__in=[Role.TRAINER, Role.COORDINATOR, Role.RESPONDER],
                                is_active=True)
            .exclude(pk=exclude.pk).distinct().order_by("full_name", "email"))
