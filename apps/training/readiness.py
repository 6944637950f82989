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

One pass (`readiness_pass`) answers for any number of people in any number of organizations and
roles in four queries: memberships, the requirements in force with their courses, the records and
the field-hour totals. `readiness_batch` (one organization, one role) and `readiness_for` (one
person) are that pass; `ReadinessFacts` is what it reads, for a caller that asks through several end
dates (the open-shifts page). Of a person's records for a course only the latest verified and the
latest pending one can decide (see `_course_status`), so the pass keeps just those two.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Membership
from apps.accounts.roles import Role

from .models import FieldHours, RequirementRole, RoleRequirement, TrainingRecord

EXPIRY_WARNING_DAYS = (30, 60, 90)


class ReadinessCode:
    """Readiness reason codes. Stable strings: the API, scheduling and tests rely on them."""

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
class ReadinessReason:
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
    reasons: tuple[ReadinessReason, ...] = ()
    courses: tuple[CourseStatus, ...] = ()
    field_hours: Decimal = Decimal("0")
    field_hours_required: Decimal = Decimal("0")
    requirement_id: int | None = None
    expiring: tuple[CourseStatus, ...] = field(default=())

    @property
    def reason_codes(self) -> list[str]:
        return [r.code for r in self.reasons]


@dataclass(frozen=True)
class _Course:
    """What readiness needs of a course (read with the requirement, in the same query)."""

    pk: int
    code: str
    title: str
    recertification_window_days: int


@dataclass(frozen=True)
class _Requirement:
    id: int
    min_field_hours: Decimal
    courses: tuple[_Course, ...]


# A record row as the pass keeps it: (id, status, completed_on, expires_on).
_Row = tuple[int, str, date, date | None]


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _requirement_versions(*, organization_ids: Iterable[int], roles: Iterable[str], until: date,
                          ) -> dict[tuple[int | None, str], list[tuple[date, _Requirement]]]:
    """Every requirement row for these organizations (and the program-wide defaults) and roles in
    force by `until`, with its courses, latest `effective_from` first: one query."""
    rows = (RoleRequirement.objects.filter(Q(organization_id__in=set(organization_ids)) | Q(organization__isnull=True),
                                           role__in=set(roles), effective_from__lte=until)
            .order_by("-effective_from", "-id")
            .values_list("id", "organization_id", "role", "effective_from", "min_field_hours", "courses__id",
                         "courses__code", "courses__title", "courses__recertification_window_days"))
    heads: dict[int, tuple[int | None, str, date, Decimal]] = {}  # in order: latest first
    courses: dict[int, list[_Course]] = {}
    for req_id, org_id, role, effective_from, hours, course_id, code, title, window in rows:
        heads.setdefault(req_id, (org_id, role, effective_from, hours))
        courses.setdefault(req_id, [])
        if course_id is not None:
            courses[req_id].append(_Course(pk=course_id, code=code, title=title, recertification_window_days=window))
    versions: dict[tuple[int | None, str], list[tuple[date, _Requirement]]] = {}
    for req_id, (org_id, role, effective_from, hours) in heads.items():
        versions.setdefault((org_id, role), []).append((effective_from, _Requirement(
            id=req_id, min_field_hours=hours, courses=tuple(sorted(courses[req_id], key=lambda c: c.code)))))
    return versions


def _in_force(versions: dict[tuple[int | None, str], list[tuple[date, _Requirement]]], organization_id: int,
              role: str, on: date) -> _Requirement | None:
    """An organization's own row overrides the program-wide default; the latest `effective_from` wins."""
    for key in ((organization_id, role), (None, role)):
        for effective_from, requirement in versions.get(key, ()):
            if effective_from <= on:
                return requirement
    return None


def _later(a: _Row | None, b: _Row) -> _Row:
    """The later of two records of one course: the one valid longest (no expiry beats any), then the
    latest completion, then the latest row."""
    if a is None:
        return b
    key_a = (a[3] is None, a[3] or date.min, a[2], a[0])
    key_b = (b[3] is None, b[3] or date.min, b[2], b[0])
    return b if key_b > key_a else a


def _course_status(course: _Course, verified: _Row | None, pending: _Row | None, *, at_date: date,
                   through_date: date) -> tuple[CourseStatus, ReadinessReason | None]:
    """One course for one person, from the latest verified and the latest pending record completed
    on or before `at` (see `_later`). Those two decide alone: if any verified record covers
    `through`, the latest one does; if none does, the latest is the one closest to it; the same
    holds for pending records."""
    base = {"course_id": course.pk, "course_code": course.code, "course_title": course.title}

    if verified is not None and (verified[3] is None or verified[3] >= through_date):
        if verified[3] is None:
            return CourseStatus(**base, state=CourseState.VALID, record_id=verified[0]), None
        days_left = (verified[3] - at_date).days
        within = next((d for d in EXPIRY_WARNING_DAYS if days_left <= d), None)
        return CourseStatus(**base, state=CourseState.EXPIRING if within else CourseState.VALID,
                            record_id=verified[0], expires_on=verified[3], days_left=days_left,
                            within_days=within), None

    if pending is not None and (pending[3] is None or pending[3] >= through_date):
        return (CourseStatus(**base, state=CourseState.PENDING, record_id=pending[0], expires_on=pending[3]),
                ReadinessReason(ReadinessCode.PENDING_VERIFICATION,
                       _("%(course)s: the record is waiting for verification by a trainer or coordinator.")
                       % {"course": course.title}, course_id=course.pk, course_code=course.code,
                       expires_on=pending[3]))

    if verified is not None and verified[3] >= at_date:
        return (CourseStatus(**base, state=CourseState.EXPIRES_BEFORE, record_id=verified[0],
                             expires_on=verified[3], days_left=(verified[3] - at_date).days),
                ReadinessReason(ReadinessCode.EXPIRES_BEFORE,
                                _("%(course)s expires on %(date)s, before the end of the period.")
                                % {"course": course.title, "date": verified[3].isoformat()},
                                course_id=course.pk, course_code=course.code, expires_on=verified[3]))

    if verified is not None:
        window = course.recertification_window_days
        until = verified[3] + timedelta(days=window) if window else None
        full = until is None or at_date > until
        if full:
            message = _("%(course)s expired on %(date)s; the full course is required again.")
        else:
            message = _("%(course)s expired on %(date)s; recertification is accepted until %(until)s.")
        return (CourseStatus(**base, state=CourseState.EXPIRED, record_id=verified[0], expires_on=verified[3],
                             days_left=(verified[3] - at_date).days),
                ReadinessReason(ReadinessCode.EXPIRED,
                                message % {"course": course.title, "date": verified[3].isoformat(),
                                           "until": until.isoformat() if until else ""},
                                course_id=course.pk, course_code=course.code, expires_on=verified[3],
                                recertify_until=None if full else until, full_course_required=full))

    return (CourseStatus(**base, state=CourseState.MISSING),
            ReadinessReason(ReadinessCode.MISSING_COURSE,
                            _("%(course)s has not been completed.") % {"course": course.title},
                            course_id=course.pk, course_code=course.code))


def _evaluate(*, user_id: int, organization_id: int, role: str, at: datetime, through: datetime, at_date: date,
              through_date: date, is_member: bool, requirement: _Requirement | None,
              records: Mapping[int, tuple[_Row | None, _Row | None]], hours: Decimal) -> Readiness:
    reasons: list[ReadinessReason] = []
    if not is_member:
        reasons.append(ReadinessReason(ReadinessCode.NOT_RESPONDER, _("Not an active responder of this organization.")))
    if requirement is None:
        reasons.append(ReadinessReason(ReadinessCode.NO_REQUIREMENTS,
                              _("No training requirement is defined for this role, so no one can be cleared.")))
        return Readiness(user_id=user_id, organization_id=organization_id, role=role, at=at, through=through,
                         cleared=False, reasons=tuple(reasons), field_hours=hours)
    statuses = []
    for course in requirement.courses:
        verified, pending = records.get(course.pk, _NO_RECORDS)
        status, reason = _course_status(course, verified, pending, at_date=at_date, through_date=through_date)
        statuses.append(status)
        if reason is not None:
            reasons.append(reason)
    if hours < requirement.min_field_hours:
        reasons.append(ReadinessReason(ReadinessCode.INSUFFICIENT_FIELD_HOURS,
                              _("%(signed)s of %(required)s supervised field hours are signed off.")
                              % {"signed": _fmt_hours(hours), "required": _fmt_hours(requirement.min_field_hours)},
                              hours_signed=hours, hours_required=requirement.min_field_hours))
    return Readiness(
        user_id=user_id, organization_id=organization_id, role=role, at=at, through=through,
        cleared=not reasons, reasons=tuple(reasons), courses=tuple(statuses), field_hours=hours,
        field_hours_required=requirement.min_field_hours, requirement_id=requirement.id,
        expiring=tuple(s for s in statuses if s.state == CourseState.EXPIRING),
    )


_NO_RECORDS: tuple[None, None] = (None, None)
_CENT = Decimal("0.01")


def _fmt_hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _user_id(user) -> int:
    return user if isinstance(user, int) else user.pk


def _organization_id(organization) -> int:
    return organization if isinstance(organization, int) else organization.pk


def _check_roles(roles: Iterable[str]) -> None:
    for role in roles:
        if role not in RequirementRole.values:
            raise ValueError(f"Unknown readiness role {role!r}; use one of {RequirementRole.values}")


class ReadinessFacts:
    """What readiness depends on for some people in some organizations, read once in four queries
    (memberships, the requirement versions with their courses, the records, the field-hour totals);
    `answer` then decides for any role asked and any `through` up to `until`, without a query.

    `groups` maps an organization (or its id) to the people (User objects or ids) to answer for there."""

    def __init__(self, *, groups: Mapping, at: datetime, until: datetime, roles: Sequence[str]):
        _check_roles(roles)
        if until < at:
            raise ValueError("`through` must not be before `at`.")
        self.at, self.roles = at, tuple(roles)
        self.at_date = _local_date(at)
        people: dict[int, list[int]] = {}
        for organization, users in groups.items():
            people.setdefault(_organization_id(organization), []).extend(_user_id(u) for u in users)
        self.people = {org_id: list(dict.fromkeys(ids)) for org_id, ids in people.items()}
        user_ids = list({uid for ids in self.people.values() for uid in ids})
        self._members: set[tuple[int, int]] = set()
        self._versions: dict = {}
        # person -> course -> (latest verified, latest pending), of records completed by `at`.
        self._records: dict[int, dict[int, tuple[_Row | None, _Row | None]]] = {}
        self._hours: dict[int, Decimal] = {}
        if not user_ids:
            return
        organization_ids = [org_id for org_id, ids in self.people.items() if ids]
        self._members = set(
            Membership.objects.filter(user_id__in=user_ids, organization_id__in=organization_ids, role=Role.RESPONDER,
                                      is_active=True, organization__is_active=True)
            .order_by().values_list("user_id", "organization_id")
        )
        self._versions = _requirement_versions(organization_ids=organization_ids, roles=self.roles,
                                               until=_local_date(until))
        course_ids = {c.pk for versions in self._versions.values() for _d, r in versions for c in r.courses}
        if course_ids:
            rows = (TrainingRecord.objects.filter(
                responder_id__in=user_ids, course_id__in=course_ids, completed_on__lte=self.at_date,
                status__in=[TrainingRecord.Status.VERIFIED, TrainingRecord.Status.PENDING],
            ).order_by().values_list("responder_id", "course_id", "id", "status", "completed_on", "expires_on"))
            verified_status = TrainingRecord.Status.VERIFIED
            for responder_id, course_id, *row in rows:
                mine = self._records.setdefault(responder_id, {})
                verified, pending = mine.get(course_id, _NO_RECORDS)
                if row[1] == verified_status:
                    mine[course_id] = (_later(verified, row), pending)
                else:
                    mine[course_id] = (verified, _later(pending, row))
        totals = (FieldHours.objects.filter(responder_id__in=user_ids, status=FieldHours.Status.SIGNED_OFF,
                                            worked_on__lte=self.at_date)
                  .values("responder_id").annotate(total=Sum("hours")).values_list("responder_id", "total"))
        self._hours = {uid: total.quantize(_CENT) for uid, total in totals if total is not None}

    def requirement(self, organization_id: int, role: str, through: datetime) -> _Requirement | None:
        """The requirement in force on `through`'s local date (which version applies)."""
        return _in_force(self._versions, organization_id, role, _local_date(through))

    def answer(self, *, organization, role: str, through: datetime) -> dict[int, Readiness]:
        """Readiness of the organization's group for `role` from `at` through `through`."""
        if role not in self.roles:
            raise ValueError(f"Role {role!r} was not read; read it with roles={self.roles + (role,)}")
        if through < self.at:
            raise ValueError("`through` must not be before `at`.")
        org_id = _organization_id(organization)
        through_date = _local_date(through)
        requirement = _in_force(self._versions, org_id, role, through_date)
        zero = Decimal("0").quantize(_CENT)
        return {
            uid: _evaluate(user_id=uid, organization_id=org_id, role=role, at=self.at, through=through,
                           at_date=self.at_date, through_date=through_date, is_member=(uid, org_id) in self._members,
                           requirement=requirement, records=self._records.get(uid, {}),
                           hours=self._hours.get(uid, zero))
            for uid in self.people.get(org_id, ())
        }


def readiness_pass(*, groups: Mapping, at: datetime, through: datetime | None = None,
                   roles: Sequence[str] = (RequirementRole.RESPONDER,)) -> dict[tuple[int, str], dict[int, Readiness]]:
    """Readiness of many people in many organizations for one or more roles, in four queries whatever
    their number: `groups` maps an organization (or its id) to the people (User objects or ids) to
    answer for there. Returns {(organization id, role): {user id: Readiness}} for every group and role.

    The batch forms below are this pass; a caller with several organizations (a dashboard, a
    program report) or several roles (eligibility's fallback role) asks once instead of per group,
    and one with several end dates reads `ReadinessFacts` once and asks `answer` per date."""
    _check_roles(roles)
    through = through or at
    if through < at:
        raise ValueError("`through` must not be before `at`.")
    facts = ReadinessFacts(groups=groups, at=at, until=through, roles=roles)
    return {(org_id, role): facts.answer(organization=org_id, role=role, through=through)
            for org_id in facts.people for role in roles}


def readiness_batch(*, users: Iterable, organization, at: datetime, through: datetime | None = None,
                    role: str = RequirementRole.RESPONDER) -> dict[int, Readiness]:
    """Readiness of many people (User objects or ids) in one organization, in four queries whatever
    their number (none when there is no one)."""
    organization_id = _organization_id(organization)
    return readiness_pass(groups={organization_id: users}, at=at, through=through, roles=(role,))[
        (organization_id, role)]


def readiness_for(*, user, organization, at: datetime, through: datetime | None = None,
                  role: str = RequirementRole.RESPONDER) -> Readiness:
    """Is `user` cleared to serve as `role` for `organization` from `at` through `through` (default `at`)?"""
    return readiness_batch(users=[user], organization=organization, at=at, through=through, role=role)[_user_id(user)]


def readiness_in_organizations(*, user, organizations: Iterable, at: datetime, through: datetime | None = None,
                               role: str = RequirementRole.RESPONDER) -> list[tuple]:
    """One person's readiness in each of `organizations` (objects), in order, as (organization,
    Readiness) pairs: one pass, so four queries however many organizations they serve."""
    return [(o, by_role[role]) for o, by_role in readiness_by_role(user=user, organizations=organizations, at=at,
                                                                  through=through, roles=(role,))]


def readiness_by_role(*, user, organizations: Iterable, at: datetime, through: datetime | None = None,
                      roles: Sequence[str]) -> list[tuple]:
    """One person's readiness for each of `roles` in each of `organizations`, as (organization,
    {role: Readiness}) pairs in order (a responder's page shows what the next role asks): one pass."""
    organizations = list(organizations)
    answers = readiness_pass(groups={o: [user] for o in organizations}, at=at, through=through, roles=roles)
    return [(o, {role: answers[(o.pk, role)][_user_id(user)] for role in roles}) for o in organizations]


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
