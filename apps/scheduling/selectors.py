"""Reads of the schedule, already scoped to what the user may see."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DurationField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from apps.accounts.models import Organization, User
from apps.accounts.permissions import is_program_admin
from apps.accounts.roles import Role
from apps.core.localtime import local_moment, week_bounds

from .models import Assignment, Availability, Position, Shift, ShiftTemplate, SwapRequest, Team, TeamType, TimeOff
from .permissions import coordinated_organization_ids, responder_organization_ids

NIGHT_START, NIGHT_END = time(22, 0), time(6, 0)


def _tz():
    return timezone.get_default_timezone()


def team_type_list() -> QuerySet[TeamType]:
    return TeamType.objects.prefetch_related("positions").order_by("name")


def coordinated_organizations(*, user) -> QuerySet[Organization]:
    """The active organizations this user coordinates."""
    return Organization.objects.filter(pk__in=coordinated_organization_ids(user), is_active=True).order_by("name")


def team_list(*, user) -> QuerySet[Team]:
    """Teams of the organizations you coordinate or serve in (program admins: all)."""
    if not user.is_authenticated:
        return Team.objects.none()
    qs = Team.objects.select_related("organization", "team_type").prefetch_related("zones")
    if not is_program_admin(user):
        qs = qs.filter(organization_id__in=user.organization_ids(Role.COORDINATOR, Role.RESPONDER))
    return qs.order_by("organization__name", "name")


def managed_team_list(*, user) -> QuerySet[Team]:
    return team_list(user=user).filter(organization_id__in=coordinated_organization_ids(user))


def roster_run_list(*, user) -> QuerySet:
    """Roster runs of the organizations the user coordinates: the one answer the roster pages, the board's
    proposal and the API give; any other run is a 404 to them."""
    from .roster.models import RosterRun

    return RosterRun.objects.filter(organization_id__in=coordinated_organization_ids(user))


def template_list(*, user) -> QuerySet[ShiftTemplate]:
    return (ShiftTemplate.objects.filter(team__organization_id__in=coordinated_organization_ids(user))
            .select_related("team__organization").prefetch_related("zones").order_by("team__name", "start_time"))


def _position_prefetch():
    return Prefetch("positions", queryset=Position.objects.annotate(
        filled=Count("assignments", filter=Q(assignments__status__in=Assignment.ACTIVE))).order_by("id"))


def _assignment_prefetch():
    return Prefetch("assignments", queryset=Assignment.objects.filter(status__in=Assignment.ACTIVE)
                    .select_related("responder", "position").order_by("position_id", "id"),
                    to_attr="active_assignments")


def shift_list(*, user) -> QuerySet[Shift]:
    """Coordinators (and program admins) see every shift of their organizations; responders only
    published shifts of theirs."""
    if not user.is_authenticated:
        return Shift.objects.none()
    qs = Shift.objects.select_related("team__team_type", "organization").prefetch_related(
        _position_prefetch(), "zones", "desired_languages")
    if is_program_admin(user):
        return qs
    managed = coordinated_organization_ids(user)
    serving = responder_organization_ids(user)
    return qs.filter(Q(organization_id__in=managed)
                     | Q(organization_id__in=serving, status__in=[Shift.Status.PUBLISHED, Shift.Status.CANCELLED]))


def schedule_week(*, user, team: Team, day: date) -> tuple[date, list[tuple[date, list[Shift]]]]:
    monday, start, end = week_bounds(day)
    shifts = list(shift_list(user=user).filter(team=team, starts_at__gte=start, starts_at__lt=end)
                  .prefetch_related(_assignment_prefetch()).order_by("starts_at", "id"))
    days = [(monday + timedelta(days=n), []) for n in range(7)]
    for shift in shifts:
        days[(timezone.localtime(shift.starts_at, _tz()).date() - monday).days][1].append(shift)
    return monday, days


def position_list(*, user) -> QuerySet[Position]:
    if not user.is_authenticated:
        return Position.objects.none()
    return (Position.objects.filter(shift__in=shift_list(user=user))
            .select_related("shift__team__team_type", "shift__organization")
            .annotate(filled=Count("assignments", filter=Q(assignments__status__in=Assignment.ACTIVE)))
            .order_by("shift__starts_at", "id"))


def open_position_list(*, user, now: datetime | None = None) -> QuerySet[Position]:
    """Positions with open places on published, upcoming shifts of the user's organizations."""
    now = now or timezone.now()
    return (Position.objects.filter(shift__organization_id__in=responder_organization_ids(user),
                                    shift__status=Shift.Status.PUBLISHED, shift__starts_at__gt=now)
            .select_related("shift__team__team_type", "shift__organization")
            .prefetch_related("shift__zones", "shift__desired_languages")
            .annotate(filled=Count("assignments", filter=Q(assignments__status__in=Assignment.ACTIVE)))
            .filter(filled__lt=F("count")).order_by("shift__starts_at", "id"))


def assignment_list(*, user) -> QuerySet[Assignment]:
    """Your own assignments, and those of the organizations you coordinate."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    qs = Assignment.objects.select_related("shift__team", "shift__organization", "position", "responder")
    if not is_program_admin(user):
        shift_ids = (Shift.objects.filter(organization_id__in=coordinated_organization_ids(user))
                     .order_by().values("id"))
        if connection.vendor == "postgresql":
            # `shift_id = ANY(ARRAY(subquery))` reads the organization's shift ids first, so the OR
            # becomes two index scans; `IN (subquery)` OR'd with the responder scanned the whole
            # table: 64 ms -> 3 ms for a coordinator's count at ten times a city's volume.
            qs = qs.filter(Q(responder=user) | Q(_EqualsAny(F("shift_id"), ArraySubquery(shift_ids))))
        else:
            qs = qs.filter(Q(responder=user) | Q(shift_id__in=shift_ids))
    return qs.order_by("starts_at", "id")


class _EqualsAny(Func):
    """`lhs = ANY(rhs)`, rhs an array (PostgreSQL)."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


def my_assignments(*, user, upcoming_from: datetime | None = None) -> QuerySet[Assignment]:
    qs = (Assignment.objects.filter(responder=user)
          .select_related("shift__team", "shift__organization", "position", "responder")
          .prefetch_related("shift__zones", Prefetch("swaps", queryset=SwapRequest.objects.filter(
              status__in=[SwapRequest.Status.OPEN, SwapRequest.Status.PENDING_APPROVAL]), to_attr="open_swaps"))
          .order_by("starts_at", "id"))
    if upcoming_from is not None:
        qs = qs.filter(ends_at__gt=upcoming_from)
    return qs


def swap_list(*, user) -> QuerySet[SwapRequest]:
    """Offers in your organizations (to take), your own, and those waiting for you to approve."""
    if not user.is_authenticated:
        return SwapRequest.objects.none()
    # The list shows each shift's zones: prefetched, or one query per swap.
    qs = (SwapRequest.objects.select_related("assignment__shift__team", "assignment__shift__organization",
                                             "assignment__position", "offered_by", "taken_by")
          .prefetch_related("assignment__shift__zones"))
    if not is_program_admin(user):
        orgs = user.organization_ids(Role.COORDINATOR, Role.RESPONDER)
        qs = qs.filter(Q(offered_by=user) | Q(assignment__shift__organization_id__in=orgs))
    return qs.order_by("assignment__starts_at", "id")


def time_off_list(*, user) -> QuerySet[TimeOff]:
    if not user.is_authenticated:
        return TimeOff.objects.none()
    qs = TimeOff.objects.select_related("responder", "organization", "decided_by")
    if not is_program_admin(user):
        qs = qs.filter(Q(responder=user) | Q(organization_id__in=coordinated_organization_ids(user)))
    return qs.order_by("-starts_at", "id")


def availability_list(*, user) -> QuerySet[Availability]:
    return Availability.objects.filter(responder=user).order_by("weekday", "start_time")


def responder_candidates(*, organization_id: int) -> QuerySet[User]:
    return (User.objects.filter(memberships__organization_id=organization_id, memberships__role=Role.RESPONDER,
                                memberships__is_active=True, is_active=True)
            .distinct().order_by("full_name", "email"))


# --- coverage -------------------------------------------------------------------------------------------

@dataclass
class CoverageCell:
    shifts: list = field(default_factory=list)
    required: int = 0
    filled: int = 0

    @property
    def unfilled(self) -> int:
        return max(self.required - self.filled, 0)

    @property
    def state(self) -> str:
        """The heat map's scale: "none" (no shift), "empty", "partial" or "full"."""
        if not self.shifts:
            return "none"
        if self.filled >= self.required:
            return "full"
        return "partial" if self.filled else "empty"

    @property
    def step(self) -> int:
        """The shading step 0–4: 0 is empty or no shift, 1–3 are thirds of a partly filled day, 4 is full."""
        if self.state == "full":
            return 4
        if self.state != "partial":
            return 0
        return min(1 + 3 * self.filled // self.required, 3)


class _Rates:
    """The fill and no-show rates of a day or a month (its required, filled, no_shows and worked)."""

    @property
    def fill_rate(self) -> float | None:
        return round(self.filled / self.required, 3) if self.required else None

    @property
    def no_show_rate(self) -> float | None:
        done = self.no_shows + self.worked
        return round(self.no_shows / done, 3) if done else None


@dataclass
class CoverageDay(_Rates):
    """One day of the whole team, for the chart above the grid."""
    day: date
    required: int = 0
    filled: int = 0
    no_shows: int = 0
    worked: int = 0


@dataclass
class Coverage(_Rates):
    days: list[date]
    zones: list
    rows: dict  # zone -> {day: CoverageCell}
    required: int
    filled: int
    no_shows: int
    worked: int
    totals: list[CoverageDay] = field(default_factory=list)


def coverage(*, user, team: Team, start: date, end: date) -> Coverage:
    """Filled / required per zone and day for a team between two local dates (inclusive), in a
    fixed number of queries however many shifts: shifts, positions with their counts, zones."""
    tz = _tz()
    lo, hi = local_moment(start), local_moment(end + timedelta(days=1))
    shifts = list(shift_list(user=user).filter(team=team, starts_at__gte=lo, starts_at__lt=hi)
                  .exclude(status=Shift.Status.CANCELLED)
                  .annotate(no_shows=Count("assignments", filter=Q(assignments__status=Assignment.Status.NO_SHOW)),
                            worked=Count("assignments", filter=Q(assignments__status=Assignment.Status.COMPLETED)))
                  .order_by("starts_at"))
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    rows: dict = defaultdict(lambda: {d: CoverageCell() for d in days})
    totals = {d: CoverageDay(day=d) for d in days}
    required = filled = no_shows = worked = 0
    for shift in shifts:
        day = timezone.localtime(shift.starts_at, tz).date()
        need = sum(p.count for p in shift.positions.all())
        have = sum(min(p.filled, p.count) for p in shift.positions.all())
        required, filled = required + need, filled + have
        no_shows, worked = no_shows + shift.no_shows, worked + shift.worked
        total = totals[day]
        total.required, total.filled = total.required + need, total.filled + have
        total.no_shows, total.worked = total.no_shows + shift.no_shows, total.worked + shift.worked
        for zone in shift.zones.all() or [None]:
            cell = rows[zone][day]
            cell.shifts.append(shift)
            cell.required += need
            cell.filled += have
    zones = sorted(rows, key=lambda z: (z is None, getattr(z, "name", "")))
    return Coverage(days=days, zones=zones, rows={z: rows[z] for z in zones}, required=required, filled=filled,
                    no_shows=no_shows, worked=worked, totals=list(totals.values()))


# --- timesheets -----------------------------------------------------------------------------------------

@dataclass
class TimesheetRow:
    responder: User
    shifts: int = 0
    hours: float = 0.0
    night_hours: float = 0.0
    weekend_hours: float = 0.0
    no_shows: int = 0


def _split_hours(start: datetime, end: datetime) -> tuple[float, float]:
    """(night hours 22:00–06:00, weekend hours Saturday–Sunday) of [start, end), in local time."""
    tz = _tz()
    night = weekend = 0.0
    day = timezone.localtime(start, tz).date() - timedelta(days=1)
    last = timezone.localtime(end, tz).date()
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    while day <= last:
        midnight, next_midnight = local_moment(day), local_moment(day + timedelta(days=1))
        nights = ((midnight, local_moment(day, NIGHT_END)), (local_moment(day, NIGHT_START), next_midnight))
        for w_start, w_end in nights:
            night += max((min(end, w_end) - max(start, w_start)).total_seconds(), 0) / 3600
        if day.weekday() >= 5:
            weekend += max((min(end, next_midnight) - max(start, midnight)).total_seconds(), 0) / 3600
        day += timedelta(days=1)
    return night, weekend


def timesheet(*, organization: Organization, start: date, end: date) -> list[TimesheetRow]:
    """Hours worked (check-in to check-out) per responder for shifts starting in [start, end]."""
    lo, hi = local_moment(start), local_moment(end + timedelta(days=1))
    rows: dict[int, TimesheetRow] = {}
    for a in (Assignment.objects.filter(shift__organization=organization, starts_at__gte=lo, starts_at__lt=hi,
                                        status__in=[Assignment.Status.COMPLETED, Assignment.Status.NO_SHOW])
              .select_related("responder").order_by("responder__full_name", "responder_id", "starts_at")):
        row = rows.setdefault(a.responder_id, TimesheetRow(responder=a.responder))
        if a.status == Assignment.Status.NO_SHOW:
            row.no_shows += 1
            continue
        night, weekend = _split_hours(a.checked_in_at, a.checked_out_at)
        row.shifts += 1
        row.hours += a.worked_hours
        row.night_hours += night
        row.weekend_hours += weekend
    return list(rows.values())


def timesheet_csv(rows: list[TimesheetRow], *, start: date, end: date) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["period_start", "period_end", "responder_email", "responder_name", "shifts", "hours",
                     "night_hours", "weekend_hours", "no_shows"])
    for row in rows:
        writer.writerow([start.isoformat(), end.isoformat(), row.responder.email, _safe(row.responder.full_name),
                         row.shifts, f"{row.hours:.2f}", f"{row.night_hours:.2f}", f"{row.weekend_hours:.2f}",
                         row.no_shows])
    return out.getvalue()


def _safe(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; payroll opens this in one."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


# --- program-wide, de-identified fill summary ---------------------------------------------------------

SMALL_COUNT = 5  # the program's small-count rule: a count under 5 could point at a person


@dataclass
class FillRow:
    """One group's figures. A count is None when under 5 (suppressed); so are the hours and the rate
    that rest on fewer than 5 assignments, since they would give the hidden count away."""

    key: object
    label: str
    published: int | None = 0
    filled: int | None = 0
    fill_rate: float | None = None
    hours_scheduled: float | None = 0.0
    hours_worked: float | None = 0.0
    no_shows: int | None = 0


@dataclass
class FillSummary:
    total: FillRow
    by_team_type: list[FillRow]
    by_zone: list[FillRow]


def _hours(value) -> float:
    return round(value.total_seconds() / 3600, 1) if value else 0.0


def _fill_row(key, label: str, raw: dict, *, exact: bool) -> FillRow:
    def small(n: int) -> int | None:
        return n if exact or n >= SMALL_COUNT else None

    published, filled, scheduled, completed, no_shows = (raw.get(k, 0) for k in (
        "published", "filled", "scheduled", "completed", "no_shows"))
    rate = round(100 * filled / published, 1) if published else None
    if not exact and (published < SMALL_COUNT or filled < SMALL_COUNT):
        rate = None
    return FillRow(key=key, label=label, published=small(published), filled=small(filled), fill_rate=rate,
                   hours_scheduled=_hours(raw.get("scheduled_hours")) if exact or scheduled >= SMALL_COUNT else None,
                   hours_worked=_hours(raw.get("worked_hours")) if exact or completed >= SMALL_COUNT else None,
                   no_shows=small(no_shows))


def program_fill_summary(*, month: date, exact: bool = False) -> FillSummary:
    """Places published vs filled, the fill rate, hours scheduled and worked, and no-shows for the
    shifts that start in `month`'s local calendar month (any day of it), program-wide, by team type
    and by zone. No organization or person appears: it is the evaluator's de-identified view, with
    counts under 5 suppressed unless `exact` (the program admin's edition).

    Four aggregate queries however many shifts. A shift in several zones counts in each of them;
    one in none counts under the key None."""
    first = month.replace(day=1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    shifts = Shift.objects.filter(status=Shift.Status.PUBLISHED, starts_at__gte=local_moment(first),
                                  starts_at__lt=local_moment(following))
    # Filled places per position, never more than the position's count: a place is filled once.
    active = (Assignment.objects.filter(position=OuterRef("pk"), status__in=Assignment.ACTIVE).order_by()
              .values("position").annotate(n=Count("pk")).values("n"))
    positions = Position.objects.filter(shift__in=shifts).annotate(
        _filled=Least(Coalesce(Subquery(active, output_field=IntegerField()), 0), F("count"),
                      output_field=IntegerField()))
    position_figures = {"published": Coalesce(Sum("count"), 0), "filled": Coalesce(Sum("_filled"), 0)}
    assignments = Assignment.objects.filter(shift__in=shifts).exclude(status=Assignment.Status.CANCELLED)
    assignment_figures = {
        "scheduled": Count("pk"),
        "scheduled_hours": Sum(F("ends_at") - F("starts_at"), output_field=DurationField()),
        "completed": Count("pk", filter=Q(status=Assignment.Status.COMPLETED)),
        "worked_hours": Sum(F("checked_out_at") - F("checked_in_at"), output_field=DurationField(),
                            filter=Q(status=Assignment.Status.COMPLETED, checked_in_at__isnull=False,
                                     checked_out_at__isnull=False)),
        "no_shows": Count("pk", filter=Q(status=Assignment.Status.NO_SHOW)),
    }

    def grouped(path: str, label_path: str) -> dict:
        raw: dict = {}
        for qs, figures in ((positions, position_figures), (assignments, assignment_figures)):
            for row in qs.order_by().values(path, label_path).annotate(**figures):
                raw.setdefault(row[path], {"label": row[label_path] or ""}).update(row)
        return raw

    by_type = grouped("shift__team__team_type", "shift__team__team_type__name")
    by_zone = grouped("shift__zones", "shift__zones__name")
    total: dict = defaultdict(int)
    for raw in by_type.values():  # every shift has exactly one team type: the types partition the total
        for k in ("published", "filled", "scheduled", "completed", "no_shows"):
            total[k] += raw.get(k, 0)
        for k in ("scheduled_hours", "worked_hours"):
            total[k] = (total[k] or timedelta()) + (raw.get(k) or timedelta())

    def rows(raw: dict) -> list[FillRow]:
        out = [_fill_row(key, r["label"], r, exact=exact) for key, r in raw.items()]
        return sorted(out, key=lambda r: (r.key is None, r.label))

    return FillSummary(total=_fill_row("total", "", total, exact=exact), by_team_type=rows(by_type),
                       by_zone=rows(by_zone))
