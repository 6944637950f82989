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

from django.db.models import Count, Prefetch, Q
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
    rows: list[tuple[User, list[list[dict]]]]  # per person: per day, their shifts
    shifts: int = 0
    open_places: int = 0
    drafts: int = 0  # draft shifts that have not started: what "publish" would publish
    draft_weeks: list[date] = field(default_factory=list)


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


def board_grid(*, user, query: BoardQuery, now: datetime | None = None) -> Board:
    """The board for `query`. Five queries: shifts, their positions with the filled count, the active
    assignments on them, the responders, and nothing per row."""
    now = now or timezone.now()
    tz = timezone.get_default_timezone()
    start, end = query.bounds
    team_ids = [t.pk for t in query.teams]
    organization_ids = {t.organization_id for t in query.teams} & coordinated_organization_ids(user)
    positions = Position.objects.annotate(
        filled=Count("assignments", filter=Q(assignments__status__in=Assignment.ACTIVE))).order_by("id")
    if query.role:
        positions = positions.filter(role=query.role)
    shifts = Shift.objects.filter(organization_id__in=organization_ids, team_id__in=team_ids,
                                  starts_at__gte=start, starts_at__lt=end)
    if query.zone_id:
        shifts = shifts.filter(zones__id=query.zone_id)
    if query.role:
        shifts = shifts.filter(positions__role=query.role)
    shifts = list(shifts.select_related("team").prefetch_related(Prefetch("positions", queryset=positions))
                  .order_by("starts_at", "team__name", "id"))
    by_id = {s.pk: s for s in shifts}
    assignments = Assignment.objects.filter(shift_id__in=list(by_id), status__in=Assignment.ACTIVE)
    if query.role:
        assignments = assignments.filter(position__role=query.role)
    assignments = list(assignments.select_related("responder", "position").order_by("starts_at", "id"))
    people = list(User.objects.filter(memberships__organization_id__in=organization_ids,
                                      memberships__role=Role.RESPONDER, memberships__is_active=True,
                                      is_active=True).distinct().order_by("full_name", "email"))

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
    where_text = _("%(team)s, %(day)s %(time)s")
    roles = dict(PositionRole.choices)

    board = Board(query=query, columns=columns, shift_row=[[] for _ in days], rows=[])
    draft_weeks = set()
    for shift in shifts:
        n = index.get(timezone.localtime(shift.starts_at, tz).date())
        if n is None:
            continue
        when = _time(shift.starts_at, shift.ends_at, tz)
        upcoming = shift.starts_at > now and shift.status != Shift.Status.CANCELLED
        places = []
        for p in shift.positions.all():
            missing = max(p.count - p.filled, 0)
            if not missing or shift.status == Shift.Status.CANCELLED:
                continue
            places.append({"role": roles[p.role], "open": missing, "actionable": upcoming,
                           "text": (open_text if upcoming else unfilled_text) % {"n": missing},
                           "url": f"{candidates}{p.pk}/candidates/",
                           "where": where_text % {"team": shift.team.name, "day": columns[n]["label"],
                                                  "time": when}})
            if upcoming:
                board.open_places += missing
        draft = shift.status == Shift.Status.DRAFT
        if draft and shift.starts_at > now:
            board.drafts += 1
            draft_weeks.add(board_monday(days[n]))
        board.shifts += 1
        board.shift_row[n].append({
            "url": f"{detail}{shift.pk}/", "team": shift.team.name, "time": when, "places": places,
            "draft": draft, "cancelled": shift.status == Shift.Status.CANCELLED,
            "marker": draft_text if draft else cancelled_text if shift.status == Shift.Status.CANCELLED else "",
            "full": not places and shift.status != Shift.Status.CANCELLED})

    cells: dict[int, list[list[dict]]] = {p.pk: [[] for _ in days] for p in people}
    extra: list[User] = []
    for a in assignments:
        shift = by_id[a.shift_id]
        n = index.get(timezone.localtime(shift.starts_at, tz).date())
        if n is None:
            continue
        if a.responder_id not in cells:  # on a shift here, though no longer a responder of its organization
            cells[a.responder_id] = [[] for _ in days]
            extra.append(a.responder)
        cells[a.responder_id][n].append({
            "url": f"{detail}{shift.pk}/", "team": shift.team.name, "time": _time(shift.starts_at, shift.ends_at, tz),
            "role": roles[a.position.role], "draft": shift.status == Shift.Status.DRAFT,
            "marker": draft_text if shift.status == Shift.Status.DRAFT else "",
            "override": ", ".join(str(OVERRIDE_LABELS.get(code, code)) for code in a.overrides),
            "override_reason": a.override_reason})
    board.rows = [(person, cells[person.pk]) for person in [*people, *extra]]
    board.draft_weeks = sorted(draft_weeks)
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
