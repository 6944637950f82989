"""Who is on duty: the one read behind the on-duty board and the dispatch API.

`duty_shifts` answers, for a window of time (now, or the next 24 hours), every published shift that
overlaps it, with its zones, its people (first names only, whether checked in, whether they hold the lead
position, the languages they speak), its open places and its team's current status, in a fixed number of
queries whatever the number of shifts and people. The board and the dispatch API both read it, so what a
coordinator sees on the wall and what the 911 center's system is told can never disagree.

Only first names leave this module: the dispatch API's contract is "first names and languages", and the
board shows the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection

from apps.scheduling.models import Assignment, Position, PositionRole, Shift
from apps.scheduling.roster.models import RosterProfile

from .models import DISPATCHABLE_STATES, TeamState

LONGEST_SHIFT = timedelta(hours=24)  # apps/scheduling/services/shifts.py MAX_SHIFT_LENGTH


@dataclass(frozen=True)
class DutyMember:
    first_name: str
    checked_in: bool
    is_lead: bool
    languages: tuple[str, ...]  # BCP 47 codes, e.g. ("es", "ht")
    user_id: int  # for the page's own checks (is this the viewer?); never sent by the dispatch API


@dataclass(frozen=True)
class Named:
    """A team, an organization or a zone as the board and the dispatch API name it."""

    pk: int
    name: str
    slug: str = ""


@dataclass(frozen=True)
class DutyShiftFacts:
    """What the board and the dispatch API read of a shift: plain values, not a model instance (at scale
    a window holds hundreds of shifts, and building their model instances was most of the board's time)."""

    pk: int
    organization_id: int
    organization: Named
    team: Named
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class DutyStatus:
    """A team's reported status (operations.TeamStatus) as read for the board and the dispatch API."""

    state: str
    since: datetime
    zone: Named | None

    def get_state_display(self) -> str:
        return TeamState(self.state).label


@dataclass(frozen=True)
class DutyPlace:
    """A position of the shift and how many people fill it."""

    role: str
    count: int
    filled: int

    @property
    def missing(self) -> int:
        return max(self.count - self.filled, 0)

    def get_role_display(self) -> str:
        return PositionRole(self.role).label


@dataclass
class DutyShift:
    shift: DutyShiftFacts
    zone_ids: tuple[int, ...]
    zone_slugs: tuple[str, ...] = ()
    members: list[DutyMember] = field(default_factory=list)
    positions: list[DutyPlace] = field(default_factory=list)  # the lead's first
    status: DutyStatus | None = None

    @property
    def places(self) -> int:
        """Positions' total count."""
        return sum(p.count for p in self.positions)

    @property
    def open_places(self) -> int:
        return max(self.places - len(self.members), 0)

    @property
    def lead_present(self) -> bool:
        """A lead is assigned and checked in."""
        return any(m.is_lead and m.checked_in for m in self.members)

    @property
    def state(self) -> str:
        """The reported state; a shift whose team has not reported is taken as available once someone is
        checked in, and as off before that."""
        if self.status is not None:
            return self.status.state
        return TeamState.AVAILABLE if any(m.checked_in for m in self.members) else TeamState.OFF

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({code for m in self.members for code in m.languages}))

    @property
    def dispatchable(self) -> bool:
        return self.state in DISPATCHABLE_STATES and any(m.checked_in for m in self.members)


def first_name(full_name: str) -> str:
    """The first word of the full name, or a neutral label: never the email, which identifies a person."""
    return full_name.split()[0] if full_name.strip() else "Responder"


def duty_shifts(*, start: datetime, end: datetime, zone_ids: set[int] | None = None,
                organization_ids: set[int] | None = None) -> list[DutyShift]:
    """Published shifts overlapping [start, end), ordered by start, then team name. `zone_ids` keeps the
    shifts covering any of those zones; `organization_ids` keeps those organizations' shifts (None: all).

    Five queries, each of plain values (no model instances): the shifts with their team, organization and
    status, their zones, their positions, their active assignments with the responder's name, and the
    responders' languages (the last three only when there is a shift, the last only when someone is on one)."""
    # The lower bound on starts_at adds nothing (no shift lasts longer, scheduling's services refuse it) but lets
    # the database range-scan its index of published shifts' starts instead of reading a year of shifts.
    shifts = Shift.objects.filter(status=Shift.Status.PUBLISHED, starts_at__lt=end, ends_at__gt=start,
                                  starts_at__gt=start - LONGEST_SHIFT)
    if zone_ids is not None:
        shifts = shifts.filter(pk__in=Shift.zones.through.objects.filter(neighborhood_id__in=zone_ids)
                               .values("shift_id"))
    if organization_ids is not None:
        shifts = shifts.filter(organization_id__in=organization_ids)
    rows: dict[int, DutyShift] = {}
    for (pk, organization_id, organization_name, team_id, team_name, starts_at, ends_at, state, since,
         zone_id, zone_name, zone_slug) in shifts.order_by("starts_at", "team__name", "id").values_list(
            "id", "organization_id", "organization__name", "team_id", "team__name", "starts_at", "ends_at",
            "team_status__state", "team_status__since", "team_status__zone_id", "team_status__zone__name",
            "team_status__zone__slug"):
        status = None
        if state is not None:
            zone = Named(zone_id, zone_name, zone_slug) if zone_id is not None else None
            status = DutyStatus(state=state, since=since, zone=zone)
        rows[pk] = DutyShift(shift=DutyShiftFacts(pk=pk, organization_id=organization_id,
                                                  organization=Named(organization_id, organization_name),
                                                  team=Named(team_id, team_name), starts_at=starts_at,
                                                  ends_at=ends_at),
                             zone_ids=(), status=status)
    if not rows:
        return []
    ids = list(rows)
    zones: dict[int, list[tuple[int, str]]] = {}
    for shift_id, zone_id, slug in (_any(Shift.zones.through.objects.all(), "shift_id", ids,
                                                         column='"scheduling_shift_zones"."shift_id"')
                                    .values_list("shift_id", "neighborhood_id", "neighborhood__slug")):
        zones.setdefault(shift_id, []).append((zone_id, slug))
    for shift_id, pairs in zones.items():
        rows[shift_id].zone_ids = tuple(sorted(z for z, _ in pairs))
        rows[shift_id].zone_slugs = tuple(sorted(s for _, s in pairs))
    positions: dict[int, tuple[int, str, int]] = {}
    for pk, shift_id, role, count in (_any(Position.objects.all(), "shift_id", ids,
                                                       column='"scheduling_position"."shift_id"')
                                      .values_list("id", "shift_id", "role", "count").order_by("id")):
        positions[pk] = (shift_id, role, count)
    filled: dict[int, int] = {}
    assignments = list(_any(Assignment.objects.filter(status__in=Assignment.ACTIVE), "shift_id", ids,
                            column='"scheduling_assignment"."shift_id"')
                       .values_list("shift_id", "position_id", "status", "checked_out_at", "responder_id",
                                    "responder__full_name").order_by("id"))
    for _shift_id, position_id, *_rest in assignments:
        filled[position_id] = filled.get(position_id, 0) + 1
    for pk, (shift_id, role, count) in positions.items():
        rows[shift_id].positions.append(DutyPlace(role=role, count=count, filled=filled.get(pk, 0)))
    for row in rows.values():
        row.positions.sort(key=lambda p: p.role != PositionRole.LEAD)
    pairs = {(user_id, rows[shift_id].shift.organization_id) for shift_id, _p, _s, _c, user_id, _n in assignments}
    languages: dict[tuple[int, int], tuple[str, ...]] = {}
    if pairs:
        spoken: dict[tuple[int, int], set[str]] = {}
        # One query through the profiles' languages table, codes only (no profile or language objects).
        profiles = RosterProfile.languages.through.objects.all()
        # (values_list below joins scheduling_rosterprofile, which the conditions name.)
        profiles = _any(profiles, "rosterprofile__user_id", sorted({u for u, _ in pairs}),
                        column='"scheduling_rosterprofile"."user_id"')
        profiles = _any(profiles, "rosterprofile__organization_id", sorted({o for _, o in pairs}),
                        column='"scheduling_rosterprofile"."organization_id"')
        for user_id, organization_id, code in profiles.values_list(
                "rosterprofile__user_id", "rosterprofile__organization_id", "language__code"):
            spoken.setdefault((user_id, organization_id), set()).add(code)
        languages = {key: tuple(sorted(codes)) for key, codes in spoken.items()}
    for shift_id, position_id, status, checked_out_at, user_id, full_name in assignments:
        if status == Assignment.Status.COMPLETED and checked_out_at is not None and checked_out_at <= start:
            continue  # left before the window
        row = rows[shift_id]
        row.members.append(DutyMember(
            first_name=first_name(full_name), user_id=user_id,
            checked_in=status == Assignment.Status.CHECKED_IN,
            is_lead=positions[position_id][1] == PositionRole.LEAD,
            languages=languages.get((user_id, row.shift.organization_id), ())))
    return list(rows.values())


def _any(queryset, lookup: str, values: list[int], *, column: str):
    """`queryset` filtered to `lookup` in `values`. On PostgreSQL one array parameter (`column = ANY(%s)`,
    `column` as "table"."column"): an IN list of hundreds of ids is hundreds of parameters, each resolved by
    the ORM, which was a fifth of the board's read at scale; a subquery instead made PostgreSQL run the
    shifts' filter again in every query. `column`'s table must be in the final query's FROM."""
    if connection.vendor != "postgresql":
        return queryset.filter(**{f"{lookup}__in": values})
    return queryset.extra(where=[f"{column} = ANY(%s)"], params=[values])  # noqa: S610 (our own names)


def dispatch_order(rows: list[DutyShift]) -> list[DutyShift]:
    """Teams able to take a call now, best first: available before returning before on break. Among the
    available, a team that said so comes before one that has not reported yet (someone is checked in, but
    the team may still be getting ready); among equals, the one in that state longest (it has waited
    longest), then the one with a lead present."""
    rank = {state: i for i, state in enumerate(DISPATCHABLE_STATES)}
    able = [r for r in rows if r.dispatchable]
    return sorted(able, key=lambda r: (rank[r.state], r.status is None,
                                       r.status.since.timestamp() if r.status else 0.0,
                                       not r.lead_present, r.shift.pk))
