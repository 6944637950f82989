"""The scheduling operations added for API parity (issue 24): each does what its page does, through
the same service and predicate. For each: the right role succeeds (and the audit event is written),
a wrong role is refused with 403, another organization's object is a 404, bad input a 400 naming
the field."""

from datetime import date, time, timedelta

import pytest

from apps.accounts.models import Membership
from apps.accounts.roles import Role
from apps.scheduling.models import (
    Assignment,
    Availability,
    CalendarFeed,
    RosterProfile,
    Shift,
    ShiftTemplate,
    SwapRequest,
    Team,
    TimeOff,
)
from tests.factories.scheduling import make_shift, place
from tests.scheduling.conftest import local
from tests.support.api import audited as _audited
from tests.support.api import field_errors as _errors
from tests.support.api import signed_in as _as

pytestmark = pytest.mark.django_db

WED = local(2026, 3, 4, 10)


# --- availability --------------------------------------------------------------------------------

def test_availability_create_list_delete(api, responder, peer, coordinator):
    url = "/api/v1/scheduling/availability/"
    response = _as(api, responder).post(url, {"weekday": 1, "start_time": "17:00", "end_time": "23:00"},
                                         format="json")
    assert response.status_code == 201
    row = Availability.objects.get(responder=responder)
    assert response.json() == {"id": row.pk, "weekday": 1, "start_time": "17:00:00", "end_time": "23:00:00"}
    assert _audited("scheduling.availability.added") == 1
    assert [r["id"] for r in api.get(url).json()["results"]] == [row.pk]
    # Someone else's window is not found; your own is removed and audited.
    assert _as(api, peer).delete(f"{url}{row.pk}/").status_code == 404
    assert _as(api, responder).delete(f"{url}{row.pk}/").status_code == 204
    assert (Availability.objects.count(), _audited("scheduling.availability.removed")) == (0, 1)
    # Coordinators give no availability (the page's require_responder).
    assert _as(api, coordinator).post(url, {"weekday": 1, "start_time": "17:00", "end_time": "23:00"},
                                      format="json").status_code == 403


def test_availability_bad_input_names_the_field(api, responder):
    url = "/api/v1/scheduling/availability/"
    assert "weekday" in _errors(_as(api, responder).post(url, {"weekday": 7, "start_time": "17:00",
                                                               "end_time": "23:00"}, format="json"))
    assert "end_time" in _errors(api.post(url, {"weekday": 1, "start_time": "17:00", "end_time": "17:00"},
                                          format="json"))


# --- calendar feed -------------------------------------------------------------------------------

def test_calendar_feed_rotate_and_revoke(api, responder, coordinator):
    url = "/api/v1/scheduling/calendar-feed/"
    response = _as(api, responder).post(url)
    feed = CalendarFeed.objects.get(user=responder, revoked_at__isnull=True)
    assert (response.status_code, response.json()["url"].endswith(f"/shifts/calendar/{feed.token}.ics")) == (201, True)
    assert _audited("scheduling.calendar_feed.rotated") == 1
    assert api.delete(url).status_code == 204
    assert (CalendarFeed.objects.filter(revoked_at__isnull=True).count(),
            _audited("scheduling.calendar_feed.revoked")) == (0, 1)
    assert _as(api, coordinator).post(url).status_code == 403


# --- teams, templates, shifts, publishing ---------------------------------------------------------

def test_team_create(api, org, other_org, coordinator, responder):
    url = "/api/v1/scheduling/teams/"
    body = {"organization": org.pk, "name": "Night team", "team_type": "community-responder",
            "zones": ["dorchester"]}
    response = _as(api, coordinator).post(url, body, format="json")
    assert response.status_code == 201, response.content
    team = Team.objects.get(name="Night team")
    assert (response.json()["id"], response.json()["zones"], team.organization_id) == (team.pk, ["dorchester"], org.pk)
    assert _audited("scheduling.team.created") == 1
    # Another organization's: the field's error, as on the page's form; the same name again: the service's.
    assert "organization" in _errors(api.post(url, {**body, "organization": other_org.pk}, format="json"))
    assert "name" in _errors(api.post(url, body, format="json"))
    assert _as(api, responder).post(url, body, format="json").status_code == 403


def test_template_create_and_generate(api, team, other_team, coordinator, outsider, responder):
    url = "/api/v1/scheduling/templates/"
    body = {"team": team.pk, "name": "Weeknight", "start_time": "19:00", "end_time": "03:00",
            "weekdays": [0, 2]}
    response = _as(api, coordinator).post(url, body, format="json")
    assert response.status_code == 201, response.content
    template = ShiftTemplate.objects.get(name="Weeknight")
    assert (template.weekdays, _audited("scheduling.template.created")) == ([0, 2], 1)
    assert "weekdays" in _errors(api.post(url, {**body, "weekdays": []}, format="json"))
    assert "team" in _errors(api.post(url, {**body, "team": other_team.pk}, format="json"))
    assert _as(api, responder).post(url, body, format="json").status_code == 403

    generate = f"{url}{template.pk}/generate/"
    assert _as(api, outsider).post(generate, {"start": "2026-03-09", "end": "2026-03-15"},
                                   format="json").status_code == 404
    response = _as(api, coordinator).post(generate, {"start": "2026-03-09", "end": "2026-03-15"}, format="json")
    assert response.status_code == 201
    created = Shift.objects.filter(template=template).order_by("starts_at")
    assert response.json() == {"created": [s.pk for s in created]}
    assert [timezone_day(s.starts_at) for s in created] == [date(2026, 3, 9), date(2026, 3, 11)]
    assert _audited("scheduling.template.generated") == 1
    assert "end" in _errors(api.post(generate, {"start": "2026-03-09", "end": "2026-07-15"}, format="json"))


def timezone_day(value) -> date:
    from django.utils import timezone

    return timezone.localtime(value).date()


def test_shift_create(api, team, other_team, coordinator, responder):
    url = "/api/v1/scheduling/shifts/"
    body = {"team": team.pk, "starts_at": "2026-03-06T19:00:00-05:00", "ends_at": "2026-03-07T03:00:00-05:00",
            "leads": 1, "responders": 1, "trainees": 0, "desired_languages": ["es"], "notes": "Festival"}
    response = _as(api, coordinator).post(url, body, format="json")
    assert response.status_code == 201, response.content
    shift = Shift.objects.get(pk=response.json()["id"])
    assert (shift.status, shift.notes, sorted(p["role"] for p in response.json()["positions"])) == (
        Shift.Status.DRAFT, "Festival", ["lead", "responder"])
    assert _audited("scheduling.shift.created") == 1
    assert "ends_at" in _errors(api.post(url, {**body, "ends_at": body["starts_at"]}, format="json"))
    assert "team" in _errors(api.post(url, {**body, "team": other_team.pk}, format="json"))
    assert _as(api, responder).post(url, body, format="json").status_code == 403


def test_publish_week(api, team, other_team, coordinator, outsider, responder):
    url = "/api/v1/scheduling/shifts/publish-week/"
    drafts = [make_shift(team=team, starts_at=WED + timedelta(days=d), status=Shift.Status.DRAFT) for d in (0, 1)]
    later = make_shift(team=team, starts_at=WED + timedelta(days=7), status=Shift.Status.DRAFT)
    assert _as(api, outsider).post(url, {"team": team.pk, "week": "2026-03-04"}, format="json").status_code == 404
    assert _as(api, responder).post(url, {"team": team.pk, "week": "2026-03-04"}, format="json").status_code == 403
    response = _as(api, coordinator).post(url, {"team": team.pk, "week": "2026-03-04"}, format="json")
    assert (response.status_code, response.json()) == (200, {"published": 2})
    assert [Shift.objects.get(pk=s.pk).status for s in [*drafts, later]] == ["published", "published", "draft"]
    assert _audited("scheduling.week.published") == 1
    assert "week" in _errors(api.post(url, {"team": team.pk, "week": "soon"}, format="json"))


# --- assignments, swaps, time off -----------------------------------------------------------------

def test_no_show(api, team, other_team, coordinator, outsider, responder, lead):
    shift = make_shift(team=team, starts_at=local(2026, 3, 2, 7))  # started two hours ago
    make_shift(team=other_team, starts_at=WED)
    assignment = place(shift=shift, responder=responder)
    place(shift=shift, responder=lead, role="lead")
    url = f"/api/v1/scheduling/assignments/{assignment.pk}/no-show/"
    assert _as(api, outsider).post(url, {}, format="json").status_code == 404
    assert _as(api, responder).post(url, {}, format="json").status_code == 403
    assert "no_lead_reason" in _errors(_as(api, coordinator).post(url, {"no_lead_reason": 5}, format="json"))
    response = api.post(url, {}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, Assignment.Status.NO_SHOW)
    assert _audited("scheduling.assignment.no_show") == 1
    # Not again: the service's refusal, with its message.
    assert api.post(url, {}, format="json").status_code == 400


def test_swap_withdraw(api, team, coordinator, outsider, responder):
    assignment = place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    swap = SwapRequest.objects.create(assignment=assignment, offered_by=responder, note="Exam")
    url = f"/api/v1/scheduling/swaps/{swap.pk}/withdraw/"
    assert _as(api, outsider).post(url).status_code == 404
    assert _as(api, coordinator).post(url).status_code == 403
    response = _as(api, responder).post(url)
    assert (response.status_code, response.json()["status"]) == (200, SwapRequest.Status.WITHDRAWN)
    assert _audited("scheduling.swap.withdrawn") == 1
    assert api.post(url).status_code == 400  # closed: the service's refusal


def test_time_off_withdraw(api, org, coordinator, outsider, responder):
    row = TimeOff.objects.create(responder=responder, organization=org, starts_at=WED,
                                 ends_at=WED + timedelta(days=1), reason="Trip")
    url = f"/api/v1/scheduling/time-off/{row.pk}/withdraw/"
    assert _as(api, outsider).post(url).status_code == 404
    assert _as(api, coordinator).post(url).status_code == 403
    response = _as(api, responder).post(url)
    assert (response.status_code, response.json()["status"]) == (200, TimeOff.Status.WITHDRAWN)
    assert _audited("scheduling.time_off.withdrawn") == 1
    assert api.post(url).status_code == 400


# --- a member's roster preferences ---------------------------------------------------------------

def test_member_roster_profile(api, org, coordinator, outsider, responder):
    membership = Membership.objects.get(user=responder, organization=org, role=Role.RESPONDER)
    url = f"/api/v1/scheduling/roster-profiles/members/{membership.pk}/"
    body = {"weekly_hours": 20, "preferred_zones": ["dorchester"], "languages": ["es"]}
    assert _as(api, outsider).put(url, body, format="json").status_code == 404
    assert _as(api, responder).put(url, body, format="json").status_code == 404  # not a coordinator of it
    response = _as(api, coordinator).put(url, body, format="json")
    assert response.status_code == 200, response.content
    profile = RosterProfile.objects.get(user=responder, organization=org)
    assert (profile.weekly_hours, response.json()["saved"]) == (20, True)
    assert _audited("scheduling.roster_profile.saved") == 1
    assert "weekly_hours" in _errors(api.put(url, {"weekly_hours": 81}, format="json"))


def test_availability_times_are_exact(api, responder):
    _as(api, responder).post("/api/v1/scheduling/availability/",
                             {"weekday": 6, "start_time": "22:00", "end_time": "06:00"}, format="json")
    row = Availability.objects.get()
    assert (row.weekday, row.start_time, row.end_time) == (6, time(22), time(6))


# --- the new lists: the query count does not grow with the rows ----------------------------------

def _queries(api, url) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api.get(url)
    with CaptureQueriesContext(connection) as context:
        response = api.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response.json()["count"]


def _rows(org, responder, n: int, start: int) -> None:
    for i in range(start, start + n):
        Availability.objects.create(responder=responder, weekday=i, start_time="09:00", end_time="17:00")
        team = Team.objects.create(organization=org, team_type=Team.objects.first().team_type, name=f"Team {i}")
        team.zones.set(Team.objects.first().zones.all())
        ShiftTemplate.objects.create(team=team, name=f"Days {i}", weekdays=[i], start_time="08:00", end_time="16:00")


@pytest.mark.parametrize(("path", "who"), [("availability", "responder"), ("teams", "coordinator"),
                                           ("templates", "coordinator")])
def test_planning_lists_have_constant_queries(api, org, team, responder, coordinator, path, who):
    from apps.core.models import Neighborhood

    team.zones.set(Neighborhood.objects.all()[:2])
    _as(api, {"responder": responder, "coordinator": coordinator}[who])
    _rows(org, responder, 1, 0)
    one = _queries(api, f"/api/v1/scheduling/{path}/")
    _rows(org, responder, 2, 1)
    three = _queries(api, f"/api/v1/scheduling/{path}/")
    assert (three[0], three[1] - one[1]) == (one[0], 2)
