"""The readiness engine: the one place that decides whether a responder is cleared for duty.

Pages, the API, reminders and scheduling all call `readiness_for` or `readiness_batch`; nothing
else looks at records to decide readiness.

Rules
- The requirement in force is the one for the role on the local date of `through` (an
  organization's own row overrides the program-wide default; the latest `effective_from` wins).
- A course is satisfied by a VERIFIED record completed on or before `at` whose expiry (inclusive,
  local date) is on or after `through`'s local date. Pending and rejected records never count.
- Supervised field hours count once signed off, for work on or before `at`.
- The person must hold an active responder membership in the organization.

The batch form runs five queries whatever the number of people: memberships, the requirement,
its courses, the records and the field-hour totals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Membership
from apps.accounts.roles import Role

from .models import Course, FieldHours, RequirementRole, RoleRequirement, TrainingRecord

EXPIRY_WARNING_DAYS = (30, 60, 90)


class Code:
    """Reason codes. Stable strings: the API, scheduling and tests rely on them."""

    NOT_RESPONDER = "not_responder"
    NO_REQUIREMENTS = "no_requirements"
    MISSING_COURSE = "missing_course"
    PENDING_VERIFICATION = "pending_verification"
    EXPIRED = "expired"
    EXPIRES_BEFORE = "expires_before"
    INSUFFICIENT_FIELD_HOURS = "insufficient_field_hours"


class CourseState:
    VALID = "valid"
    EXPIRING = "expiring"  # valid through `through`, expires within 90 days of `at`
    EXPIRES_BEFORE = "expires_before"
    EXPIRED = "expired"
    PENDING = "pending"
    MISSING = "missing"


@dataclass(frozen=True)
class Reason:
    """Why someone is not cleared. Unpacks as `(code, message)`; the rest says what to do about it."""

    code: str
    message: str
    course_id: int | None = None
    course_code: str = ""
    expires_on: date | None = None
    # The recertification window (MHFA: 90 days after expiry). `recertify_until` is its last
    # day; past it (or for a course with no window) `full_course_required` is True.
    recertify_until: date | None = None
    full_course_required: bool | None = None
    hours_signed: Decimal | None = None
    hours_required: Decimal | None = None

    def __iter__(self):
        yield self.code
        yield self.message


@dataclass(frozen=True)
class CourseStatus:
    """One required course for one person: the cell of the compliance matrix."""

    course_id: int
    course_code: str
    course_title: str
    state: str
    record_id: int | None = None
    expires_on: date | None = None
    days_left: int | None = None
    within_days: int | None = None  # 30, 60 or 90 when state is EXPIRING

    @property
    def ok(self) -> bool:
        return self.state in (CourseState.VALID, CourseState.EXPIRING)


@dataclass(frozen=True)
class Readiness:
    user_id: int
    organization_id: int
    role: str
    at: datetime
    through: datetime
    cleared: bool
    reasons: tuple[Reason, ...] = ()
    courses: tuple[CourseStatus, ...] = ()
    field_hours: Decimal = Decimal("0")
    field_hours_required: Decimal = Decimal("0")
    requirement_id: int | None = None
    expiring: tuple[CourseStatus, ...] = field(default=())

    @property
    def reason_codes(self) -> list[str]:
        return [r.code for r in self.reasons]


@dataclass(frozen=True)
class _Requirement:
    id: int
    min_field_hours: Decimal
    courses: tuple[Course, ...]


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def requirement_in_force(*, organization_id: int, role: str, on: date) -> _Requirement | None:
    """The requirement for `role` in force on `on`: two queries."""
    rows = list(
        RoleRequirement.objects.filter(Q(organization_id=organization_id) | Q(organization__isnull=True),
                                       role=role, effective_from__lte=on)
        .order_by("-effective_from", "-id").values("id", "organization_id", "min_field_hours")
    )
    own = [r for r in rows if r["organization_id"] == organization_id]
    chosen = (own or rows or [None])[0]
    if chosen is None:
        return None
    courses = tuple(Course.objects.filter(requirements__id=chosen["id"]).order_by("code"))
    return _Requirement(id=chosen["id"], min_field_hours=chosen["min_field_hours"], courses=courses)


def _course_status(course: Course, rows: list[tuple], *, at_date: date, through_date: date) -> tuple[CourseStatus,
                                                                                                     Reason | None]:
    """rows: (id, status, completed_on, expires_on) of one person's records for this course."""
    base = {"course_id": course.pk, "course_code": course.code, "course_title": course.title}
    usable = [r for r in rows if r[2] <= at_date]
    verified = [r for r in usable if r[1] == TrainingRecord.Status.VERIFIED]
    pending = [r for r in usable if r[1] == TrainingRecord.Status.PENDING]

    def latest(candidates):
        return max(candidates, key=lambda r: (r[3] is None, r[3] or date.min, r[2], r[0]))

    covering = [r for r in verified if r[3] is None or r[3] >= through_date]
    if covering:
        best = latest(covering)
        if best[3] is None:
            return CourseStatus(**base, state=CourseState.VALID, record_id=best[0]), None
        days_left = (best[3] - at_date).days
        within = next((d for d in EXPIRY_WARNING_DAYS if days_left <= d), None)
        return CourseStatus(**base, state=CourseState.EXPIRING if within else CourseState.VALID, record_id=best[0],
                            expires_on=best[3], days_left=days_left, within_days=within), None

    pending_covering = [r for r in pending if r[3] is None or r[3] >= through_date]
    if pending_covering:
        best = latest(pending_covering)
        return (CourseStatus(**base, state=CourseState.PENDING, record_id=best[0], expires_on=best[3]),
                Reason(Code.PENDING_VERIFICATION,
                       _("%(course)s: the record is waiting for verification by a trainer or coordinator.")
                       % {"course": course.title}, course_id=course.pk, course_code=course.code,
                       expires_on=best[3]))

    current = [r for r in verified if r[3] >= at_date]
    if current:
        best = latest(current)
        return (CourseStatus(**base, state=CourseState.EXPIRES_BEFORE, record_id=best[0], expires_on=best[3],
                             days_left=(best[3] - at_date).days),
                Reason(Code.EXPIRES_BEFORE, _("%(course)s expires on %(date)s, before the end of the period.")
                       % {"course": course.title, "date": best[3].isoformat()},
                       course_id=course.pk, course_code=course.code, expires_on=best[3]))

    if verified:
        best = latest(verified)
        window = course.recertification_window_days
        until = best[3] + timedelta(days=window) if window else None
        full = until is None or at_date > until
        if full:
            message = _("%(course)s expired on %(date)s; the full course is required again.")
        else:
            message = _("%(course)s expired on %(date)s; recertification is accepted until %(until)s.")
        return (CourseStatus(**base, state=CourseState.EXPIRED, record_id=best[0], expires_on=best[3],
                             days_left=(best[3] - at_date).days),
                Reason(Code.EXPIRED, message % {"course": course.title, "date": best[3].isoformat(),
                                                "until": until.isoformat() if until else ""},
                       course_id=course.pk, course_code=course.code, expires_on=best[3],
                       recertify_until=None if full else until, full_course_required=full))

    return (CourseStatus(**base, state=CourseState.MISSING),
            Reason(Code.MISSING_COURSE, _("%(course)s has not been completed.") % {"course": course.title},
                   course_id=course.pk, course_code=course.code))


def _evaluate(*, user_id: int, organization_id: int, role: str, at: datetime, through: datetime,
              is_member: bool, requirement: _Requirement | None, records: dict[int, list[tuple]],
              hours: Decimal) -> Readiness:
    at_date, through_date = _local_date(at), _local_date(through)
    reasons: list[Reason] = []
    if not is_member:
        reasons.append(Reason(Code.NOT_RESPONDER, _("Not an active responder of this organization.")))
    if requirement is None:
        reasons.append(Reason(Code.NO_REQUIREMENTS,
                              _("No training requirement is defined for this role, so no one can be cleared.")))
        return Readiness(user_id=user_id, organization_id=organization_id, role=role, at=at, through=through,
                         cleared=False, reasons=tuple(reasons), field_hours=hours)
    statuses = []
    for course in requirement.courses:
        status, reason = _course_status(course, records.get(course.pk, []), at_date=at_date,
                                        through_date=through_date)
        statuses.append(status)
        if reason is not None:
            reasons.append(reason)
    if hours < requirement.min_field_hours:
        reasons.append(Reason(Code.INSUFFICIENT_FIELD_HOURS,
                              _("%(signed)s of %(required)s supervised field hours are signed off.")
                              % {"signed": _fmt_hours(hours), "required": _fmt_hours(requirement.min_field_hours)},
                              hours_signed=hours, hours_required=requirement.min_field_hours))
    return Readiness(
        user_id=user_id, organization_id=organization_id, role=role, at=at, through=through,
        cleared=not reasons, reasons=tuple(reasons), courses=tuple(statuses), field_hours=hours,
        field_hours_required=requirement.min_field_hours, requirement_id=requirement.id,
        expiring=tuple(s for s in statuses if s.state == CourseState.EXPIRING),
    )


def _fmt_hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _user_id(user) -> int:
    return user if isinstance(user, int) else user.pk


def _organization_id(organization) -> int:
    return organization if isinstance(organization, int) else organization.pk


def readiness_batch(*, users: Iterable, organization, at: datetime, through: datetime | None = None,
                    role: str = RequirementRole.RESPONDER) -> dict[int, Readiness]:
    """Readiness of many people (User objects or ids) at once, in five queries whatever their number."""
    if role not in RequirementRole.values:
        raise ValueError(f"Unknown readiness role {role!r}; use one of {RequirementRole.values}")
    through = through or at
    if through < at:
        raise ValueError("`through` must not be before `at`.")
    organization_id = _organization_id(organization)
    user_ids = list(dict.fromkeys(_user_id(u) for u in users))
    if not user_ids:
        return {}
    at_date = _local_date(at)
    members = set(
        Membership.objects.filter(user_id__in=user_ids, organization_id=organization_id, role=Role.RESPONDER,
                                  is_active=True, organization__is_active=True)
        .values_list("user_id", flat=True)
    )
    requirement = requirement_in_force(organization_id=organization_id, role=role, on=_local_date(through))
    records: dict[int, dict[int, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    if requirement is not None and requirement.courses:
        rows = TrainingRecord.objects.filter(
            responder_id__in=user_ids, course_id__in=[c.pk for c in requirement.courses],
            status__in=[TrainingRecord.Status.VERIFIED, TrainingRecord.Status.PENDING],
        ).values_list("responder_id", "course_id", "id", "status", "completed_on", "expires_on")
        for responder_id, course_id, *rest in rows:
            records[responder_id][course_id].append(tuple(rest))
    hours = dict(
        FieldHours.objects.filter(responder_id__in=user_ids, status=FieldHours.Status.SIGNED_OFF,
                                  worked_on__lte=at_date)
        .values("responder_id").annotate(total=Sum("hours")).values_list("responder_id", "total")
    )
    return {
        uid: _evaluate(user_id=uid, organization_id=organization_id, role=role, at=at, through=through,
                       is_member=uid in members, requirement=requirement, records=records.get(uid, {}),
                       hours=(hours.get(uid) or Decimal("0")).quantize(Decimal("0.01")))
        for uid in user_ids
    }


def readiness_for(*, user, organization, at: datetime, through: datetime | None = None,
                  role: str = RequirementRole.RESPONDER) -> Readiness:
    """Is `user` cleared to serve as `role` for `organization` from `at` through `through` (default `at`)?"""
    return readiness_batch(users=[user], organization=organization, at=at, through=through, role=role)[_user_id(user)]


def records_expiring_between(start: date, end: date, *, organization=None) -> QuerySet[TrainingRecord]:
    """Verified records whose expiry falls in [start, end] and that no later verified record of the
    same course has replaced (of two with the same expiry, the later one stands).

    Scheduling uses it for "assigned shifts at risk"; the expiry reminders too."""
    renewed = TrainingRecord.objects.filter(
        responder_id=OuterRef("responder_id"), course_id=OuterRef("course_id"),
        status=TrainingRecord.Status.VERIFIED,
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gt=OuterRef("expires_on"))
             | Q(expires_on=OuterRef("expires_on"), pk__gt=OuterRef("pk")))
    qs = (TrainingRecord.objects.filter(status=TrainingRecord.Status.VERIFIED, expires_on__gte=start,
                                        expires_on__lte=end)
          .exclude(Exists(renewed))
          .select_related("responder", "course", "organization")
          .order_by("expires_on", "id"))
    if organization is not None:
        qs = qs.filter(organization_id=_organization_id(organization))
    return qs
