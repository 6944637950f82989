"""The on-duty board's read: every zone with the teams on shift now and in the next 24 hours, and the gaps
at the top (zones with no team now, places unfilled in the next 24 hours). Built on `duty_shifts`, so the
board and the dispatch API tell the same story, in a fixed number of queries whatever the rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from apps.core.models import Language, Neighborhood
from apps.scheduling.models import Shift

from .selectors import DutyShift, duty_shifts

HORIZON = timedelta(hours=24)


@dataclass(frozen=True)
class OpenPlace:
    duty: DutyShift
    role_label: str
    missing: int


@dataclass
class ZoneRow:
    zone: Neighborhood
    now: list[DutyShift] = field(default_factory=list)
    later: list[DutyShift] = field(default_factory=list)


@dataclass
class Board:
    at: datetime
    zones: list[ZoneRow]  # zones with a team of the viewer's scope now or in the next 24 hours
    uncovered: list[ZoneRow]  # active zones with no team on duty now (any organization)
    open_places: list[OpenPlace]  # places unfilled on shifts under way or starting in the next 24 hours
    languages: dict[str, str]  # code -> name, for the members' languages
    shift_count: int = 0


def on_duty_board(*, organization_ids: set[int] | None, at: datetime) -> Board:
    """The board at `at` for a viewer who sees `organization_ids`' shifts (None: every organization).

    Coverage is the program's, not the viewer's: a zone a team of another organization covers now is not a
    gap on a coordinator's board, though that team is not listed. Eight queries: duty_shifts' five, the
    zones, the language names, and (for a scoped viewer) the zones covered now by anyone."""
    rows = duty_shifts(start=at, end=at + HORIZON, organization_ids=organization_ids)
    zones = list(Neighborhood.objects.filter(is_active=True).order_by("sort_order", "name"))
    by_zone = {z.pk: ZoneRow(zone=z) for z in zones}
    for row in rows:
        under_way = row.shift.starts_at <= at
        for zone_id in row.zone_ids:
            if zone_id in by_zone:
                (by_zone[zone_id].now if under_way else by_zone[zone_id].later).append(row)
    if organization_ids is None:
        covered = {zid for row in rows if row.shift.starts_at <= at for zid in row.zone_ids}
    else:
        covered = set(Shift.zones.through.objects.filter(
            shift__status=Shift.Status.PUBLISHED, shift__starts_at__lte=at, shift__ends_at__gt=at)
            .values_list("neighborhood_id", flat=True))
    codes = {code for row in rows for m in row.members for code in m.languages}
    names = dict(Language.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    return Board(at=at, zones=[z for z in by_zone.values() if z.now or z.later],
                 uncovered=[z for z in by_zone.values() if z.zone.pk not in covered],
                 open_places=_open_places(rows), languages=names, shift_count=len(rows))


def _open_places(rows: list[DutyShift]) -> list[OpenPlace]:
    """Each position of each shift with fewer people than it needs, the lead first (no query)."""
    return [OpenPlace(duty=row, role_label=place.get_role_display(), missing=place.missing)
            for row in rows for place in row.positions if place.missing > 0]
