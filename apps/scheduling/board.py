"""The schedule board's read: people × days for one or two weeks of several teams, and each day's shifts
with their open places, in a fixed number of queries whatever the number of people, shifts and days.

Teams have no members of their own: a team's shifts are staffed from the responders of its organization,
so the rows are the active responders of the organizations of the teams shown (and anyone else already
on one of their shifts). Scoped like every selector: only the organizations the user coordinates.

Cells are built here as plain values (texts, addresses, flags) rather than in the template, because a
board of 200 people × 14 days is 2,800 cells: a `{% url %}` or a translated tag per cell would be most of
the page's time (the coverage heat map does the same).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.core.localtime import local_moment, week_bounds

from .forms import OVERRIDE_LABELS
from .models import Assignment, Position, PositionRole, Shift, Team
from .permissions import coordinated_organization_ids

SPANS = (1, 2)  # weeks: one, or a two-week pay period


@dataclass
class BoardQuery:
    """What the board shows: the teams (already the user's), an optional zone and position role, the
    Monday of the first week and how many weeks."""

    teams: list[Team]
    monday: date
    weeks: int = 1
    zone_id: int | None = None
    role: str = ""
    all_teams: list[Team] = field(default_factory=list)  # what the filter offers
    zones: list = field(default_factory=list)

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=n) for n in range(7 * self.weeks)]

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        return local_moment(self.monday), local_moment(self.monday + timedelta(days=7 * self.weeks))


@dataclass
class Board:
    query: BoardQuery
    columns: list[dict]
    shift_row: list[list[dict]]  # per day: each shift with its places
    rows: list[tuple[BoardPerson, list[list[dict]]]]  # per person: per day, their shifts
    shifts: int = 0
    open_places: int = 0
    drafts: int = 0  # draft shifts that have not started: what "publish" is offered for
    proposed: int = 0  # places a roster proposal shown on the board would fill


def board_teams(*, user) -> list[Team]:
    """The teams a coordinator may put on the board, with their zones (for the zone filter)."""
    return list(Team.objects.filter(organization_id__in=coordinated_organization_ids(user), is_active=True,
                                    organization__is_active=True)
                .select_related("organization").prefetch_related("zones").order_by("organization__name", "name"))


def board_monday(day: date) -> date:
    return week_bounds(day)[0]


def _time(start: datetime, end: datetime, tz) -> str:
    start, end = timezone.localtime(start, tz), timezone.localtime(end, tz)
    text = f"{start:%H:%M}–{end:%H:%M}"
    return text + " (+1)" if end.date() > start.date() else text


class BoardPerson(NamedTuple):
    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


def board_grid(*, user, query: BoardQuery, now: datetime | None = None,
               proposal: list[dict] | None = None) -> Board:
    """The board for `query`. Four queries whatever its size: the shifts, their positions, the active
    assignments on them (which give each position's filled count), and the responders. Plain rows rather
    than model instances: at 200 people × a week the instances were most of the time.

    `proposal`: a roster run's proposed assignments ({position, shift, responder, role}), drawn as
    additions in the responders' cells and counted beside each open place: the proposal as a diff."""
    now = now or timezone.now()
    tz = timezone.get_default_timezone()
    start, end = query.bounds
    organization_ids = {t.organization_id for t in query.teams} & coordinated_organization_ids(user)
    shifts = Shift.objects.filter(organization_id__in=organization_ids, team_id__in=[t.pk for t in query.teams],
                                  starts_at__gte=start, starts_at__lt=end)
    if query.zone_id:
        shifts = shifts.filter(zones__id=query.zone_id)
    if query.role:
        shifts = shifts.filter(positions__role=query.role)
    shifts = list(shifts.order_by("starts_at", "team__name", "id")
                  .values_list("id", "team__name", "starts_at", "ends_at", "status"))
    shift_ids = [row[0] for row in shifts]
    positions = Position.objects.filter(shift_id__in=shift_ids).order_by("id")
    assignments = Assignment.objects.filter(shift_id__in=shift_ids, status__in=Assignment.ACTIVE)
    if query.role:
        positions = positions.filter(role=query.role)
        assignments = assignments.filter(position__role=query.role)
    positions = list(positions.values_list("id", "shift_id", "role", "count"))
    assignments = list(assignments.order_by("starts_at", "id").values_list(
        "shift_id", "position_id", "position__role", "responder_id", "responder__full_name", "responder__email",
        "overrides", "override_reason"))
    people = [BoardPerson(pk, name or email) for pk, name, email in (
        User.objects.filter(memberships__organization_id__in=organization_ids, memberships__role=Role.RESPONDER,
                            memberships__is_active=True, is_active=True)
        .distinct().order_by("full_name", "email").values_list("id", "full_name", "email"))]

    days = query.days
    index = {d: n for n, d in enumerate(days)}
    today = timezone.localdate(now, tz)
    columns = [{"day": d, "weekday": formats.date_format(d, "D"), "date": formats.date_format(d, "j M"),
                "label": formats.date_format(d, "l j F"), "weekend": d.weekday() >= 5, "today": d == today,
                "past": d < today} for d in days]
    detail = reverse("scheduling:shift-detail", args=[0]).removesuffix("0/")
    candidates = reverse("scheduling:position-candidates", args=[0]).removesuffix("0/candidates/")
    draft_text, cancelled_text = _("Draft"), _("Cancelled")
    open_text, unfilled_text = _("%(n)s open"), _("%(n)s unfilled")
    proposed_text = _("%(n)s proposed")
    where_text = _("%(team)s, %(day)s %(time)s")
    roles = dict(PositionRole.choices)
    overrides = {code: str(label) for code, label in OVERRIDE_LABELS.items()}

    filled: dict[int, int] = {}
    for row in assignments:
        filled[row[1]] = filled.get(row[1], 0) + 1
    proposed: dict[int, int] = {}
    for item in proposal or ():
        proposed[item["position"]] = proposed.get(item["position"], 0) + 1
    places_of: dict[int, list[tuple[int, str, int]]] = {}
    for pk, shift_id, role, count in positions:
        places_of.setdefault(shift_id, []).append((pk, role, count))
    times: dict[tuple, str] = {}  # most shifts share a few start and end times
    seen: dict[int, tuple[int, dict]] = {}  # shift id -> (day index, what a person's cell shows of it)
    board = Board(query=query, columns=columns, shift_row=[[] for _ in days], rows=[])
    for pk, team, starts_at, ends_at, status in shifts:
        n = index.get(timezone.localtime(starts_at, tz).date())
        if n is None:
            continue
        if (starts_at, ends_at) not in times:
            times[(starts_at, ends_at)] = _time(starts_at, ends_at, tz)
        when = times[(starts_at, ends_at)]
        cancelled, draft = status == Shift.Status.CANCELLED, status == Shift.Status.DRAFT
        upcoming = starts_at > now and not cancelled
        places = []
        for position_id, role, count in places_of.get(pk, ()):
            missing = max(count - filled.get(position_id, 0), 0)
            if not missing or cancelled:
                continue
            text = (open_text if upcoming else unfilled_text) % {"n": missing}
            if proposed.get(position_id):
                text += " · " + proposed_text % {"n": proposed[position_id]}
            places.append({"role": roles[role], "open": missing, "actionable": upcoming, "text": text,
                           "url": f"{candidates}{position_id}/candidates/",
                           "where": where_text % {"team": team, "day": columns[n]["label"], "time": when}})
            if upcoming:
                board.open_places += missing
        if draft and starts_at > now:
            board.drafts += 1
        board.shifts += 1
        marker = draft_text if draft else cancelled_text if cancelled else ""
        board.shift_row[n].append({"url": f"{detail}{pk}/", "team": team, "time": when, "places": places,
                                   "draft": draft, "cancelled": cancelled, "marker": marker,
                                   "full": not places and not cancelled})
        seen[pk] = (n, {"url": f"{detail}{pk}/", "team": team, "time": when, "draft": draft,
                        "marker": draft_text if draft else ""})

    cells: dict[int, list[list[dict]]] = {p.pk: [[] for _ in days] for p in people}
    extra: list[BoardPerson] = []
    for shift_id, _position, role, responder_id, name, email, codes, reason in assignments:
        if shift_id not in seen:
            continue
        n, shown = seen[shift_id]
        if responder_id not in cells:  # on a shift here, though no longer a responder of its organization
            cells[responder_id] = [[] for _ in days]
            extra.append(BoardPerson(responder_id, name or email))
        cells[responder_id][n].append({**shown, "role": roles[role], "override_reason": reason,
                                       "override": ", ".join(overrides.get(c, c) for c in codes)})
    for item in proposal or ():
        # A proposed person no longer a responder here has no row: accepting would refuse them anyway.
        if item["shift"] in seen and item["responder"] in cells:
            n, shown = seen[item["shift"]]
            cells[item["responder"]][n].append({**shown, "role": roles.get(item["role"], item["role"]),
                                                "added": True, "override": "", "override_reason": ""})
            board.proposed += 1
    board.rows = [(person, cells[person.pk]) for person in [*people, *extra]]
    return board


def draft_counts(*, user, teams: list[Team], weeks: list[date]) -> list[dict]:
    """The publish confirmation: per team and week, how many draft shifts `shifts_publish_week` would
    publish (every draft of the week, as it does). One query."""
    organization_ids = coordinated_organization_ids(user)
    first, last = week_bounds(min(weeks))[1], week_bounds(max(weeks))[2]
    rows = (Shift.objects.filter(organization_id__in=organization_ids, team__in=teams, status=Shift.Status.DRAFT,
                                 starts_at__gte=first, starts_at__lt=last)
            .values_list("team_id", "starts_at"))
    counts: dict[tuple[int, date], int] = {}
    tz = timezone.get_default_timezone()
    for team_id, starts_at in rows:
        key = (team_id, board_monday(timezone.localtime(starts_at, tz).date()))
        counts[key] = counts.get(key, 0) + 1
    return [{"team": t, "week": w, "count": counts[(t.pk, w)]} for w in sorted(weeks) for t in teams
            if counts.get((t.pk, w))]
