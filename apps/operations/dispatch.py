"""What the dispatch API answers: the teams able to take a call now, and the feed of status changes.

Both are reads of the program as a whole (the 911 center dispatches to every nonprofit's teams), built on
selectors.duty_shifts so the dispatch system and the on-duty board can never disagree. Only first names
and languages of people leave this module; never a user id, an email, a full name or a phone number.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import ApplicationError
from apps.core.geo import neighborhood_at
from apps.core.models import Neighborhood

from .models import TeamStatusChange
from .selectors import DutyShift, dispatch_order, duty_shifts

FEED_PAGE = 100
# How old a status change must be before the feed serves it (see status_changes).
FEED_SETTLE = timedelta(seconds=2)


def zone_by_slug(slug: str) -> Neighborhood:
    zone = Neighborhood.objects.filter(slug=slug, is_active=True).first()
    if zone is None:
        raise ApplicationError(_("No active neighborhood has the slug “%(slug)s” (see /api/v1/neighborhoods/).")
                               % {"slug": slug[:100]}, field="zone")
    return zone


def zone_asked(*, slug: str, lat: float | None, lon: float | None) -> Neighborhood | None:
    """The zone a dispatch question names: by slug, or the neighborhood holding a point (both coordinates,
    and not with a slug), or None for every zone. The pairing is a rule of the question, refused with its own
    message (the schema cannot say "both or neither")."""
    if (lat is None) != (lon is None):
        raise ApplicationError(_("Give both lat and lon, or neither."), field="lon" if lon is None else "lat")
    if lat is not None:
        if slug:
            raise ApplicationError(_("Give a zone or a point (lat and lon), not both."), field="zone")
        return neighborhood_at(lat=lat, lon=lon)
    return zone_by_slug(slug) if slug else None


def _team(row: DutyShift) -> dict:
    shift, status = row.shift, row.status
    return {
        "shift": shift.pk,
        "team": shift.team.name,
        "organization": shift.organization.name,
        "state": row.state,
        "since": status.since if status else None,
        "current_zone": status.zone.slug if status and status.zone else None,
        "zones": list(row.zone_slugs),
        "ends_at": shift.ends_at,
        "members": [{"first_name": m.first_name, "languages": list(m.languages), "is_lead": m.is_lead,
                     "checked_in": m.checked_in} for m in row.members],
        "languages": list(row.languages),
        "lead_present": row.lead_present,
    }


def on_duty(*, at: datetime, zone: Neighborhood | None = None) -> dict:
    """The teams able to take a call at `at` (in `zone`, or anywhere), best first (selectors.dispatch_order).
    A shift is on duty when it has started and not ended: [starts_at, ends_at)."""
    rows = duty_shifts(start=at, end=at + timedelta(microseconds=1),
                       zone_ids={zone.pk} if zone is not None else None)
    return {"at": at, "zone": zone.slug if zone is not None else None,
            "teams": [_team(row) for row in dispatch_order(rows)]}


def status_changes(*, after: int, limit: int = FEED_PAGE) -> dict:
    """The status changes after the cursor `after` (an id), oldest first, at most `limit`; `next` is the
    cursor for the next call (unchanged when nothing is new). One query.

    Ids are taken when a change is inserted, not when it commits: two changes saved at once can commit in
    the other order, and a client that had read the higher id would never see the lower one. So the feed
    serves a change only once it is FEED_SETTLE old (a status change commits in milliseconds): a new status
    reaches the dispatch system that much later, and never not at all."""
    settled = timezone.now() - FEED_SETTLE
    changes = list(TeamStatusChange.objects.filter(id__gt=after, at__lte=settled)
                   .select_related("shift__team", "zone").order_by("id")[:limit + 1])
    has_more = len(changes) > limit
    changes = changes[:limit]
    return {
        "results": [{"id": c.pk, "shift": c.shift_id, "team": c.shift.team.name, "state": c.state,
                     "previous_state": c.previous_state, "zone": c.zone.slug if c.zone else None, "at": c.at}
                    for c in changes],
        "next": changes[-1].pk if changes else after,
        "has_more": has_more,
    }
