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

from django.db.models import Prefetch

from apps.scheduling.models import Assignment, PositionRole, Shift
from apps.scheduling.roster.models import RosterProfile

from .models import DISPATCHABLE_STATES, TeamState, TeamStatus

LONGEST_SHIFT = timedelta(hours=24)  # apps/scheduling/services/shifts.py MAX_SHIFT_LENGTH


@dataclass(frozen=True)
class DutyMember:
    first_name: str
    checked_in: bool
    is_lead: bool
    languages: tuple[str, ...]  # BCP 47 codes, e.g. ("es", "ht")
    user_id: int  # for the page's own checks (is this the viewer?); never sent by the dispatch API


@dataclass
class DutyShift:
    shift: Shift
    zone_ids: tuple[int, ...]
    members: list[DutyMember] = field(default_factory=list)
    places: int = 0  # positions' total count
    status: TeamStatus | None = None

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

    Five queries: shifts (with team and status), their zones, their positions, their active assignments
    with the responder, and the responders' languages (the last only when someone is on a shift)."""
    # The lower bound on starts_at adds nothing (no shift lasts longer, scheduling's services refuse it) but lets
    # the database range-scan its index of published shifts' starts instead of reading a year of shifts.
    shifts = (Shift.objects.filter(status=Shift.Status.PUBLISHED, starts_at__lt=end, ends_at__gt=start,
                                   starts_at__gt=start - LONGEST_SHIFT)
              .select_related("team", "organization", "team_status", "team_status__zone")
              .prefetch_related("zones", "positions",
                                Prefetch("assignments",
                                         queryset=Assignment.objects.filter(status__in=Assignment.ACTIVE)
                                         .select_related("responder", "position").order_by("id")
                                         # Only what a member line needs: every datetime column parsed is
                                         # time, and at scale there are hundreds of assignments on duty.
                                         .only("shift_id", "status", "checked_out_at", "responder__full_name",
                                               "position__role")))
              .order_by("starts_at", "team__name", "id"))
    if zone_ids is not None:
        shifts = shifts.filter(zones__in=zone_ids).distinct()
    if organization_ids is not None:
        shifts = shifts.filter(organization_id__in=organization_ids)
    shifts = list(shifts)
    pairs = {(a.responder_id, s.organization_id) for s in shifts for a in s.assignments.all()}
    languages: dict[tuple[int, int], tuple[str, ...]] = {}
    if pairs:
        spoken: dict[tuple[int, int], set[str]] = {}
        # One query through the profiles' languages table, codes only (no profile or language objects).
        for user_id, organization_id, code in (
                RosterProfile.languages.through.objects
                .filter(rosterprofile__user_id__in={u for u, _ in pairs},
                        rosterprofile__organization_id__in={o for _, o in pairs})
                .values_list("rosterprofile__user_id", "rosterprofile__organization_id", "language__code")):
            spoken.setdefault((user_id, organization_id), set()).add(code)
        languages = {key: tuple(sorted(codes)) for key, codes in spoken.items()}
    rows = []
    for shift in shifts:
        status = getattr(shift, "team_status", None)
        row = DutyShift(shift=shift, zone_ids=tuple(sorted(z.pk for z in shift.zones.all())),
                        places=sum(p.count for p in shift.positions.all()), status=status)
        for a in shift.assignments.all():
            if a.status == Assignment.Status.COMPLETED and a.checked_out_at is not None and a.checked_out_at <= start:
                continue  # left before the window
            row.members.append(DutyMember(
                first_name=first_name(a.responder.full_name), user_id=a.responder_id,
                checked_in=a.status == Assignment.Status.CHECKED_IN,
                is_lead=a.position.role == PositionRole.LEAD,
                languages=languages.get((a.responder_id, shift.organization_id), ())))
        rows.append(row)
    return rows


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
