"""Scheduling pages: owner / peer / outsider (404) / wrong role (403), constant query counts."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from apps.accounts.roles import Role
from apps.scheduling import services
from apps.scheduling.models import Assignment, CalendarFeed, PositionRole, Shift, TimeOff
from tests.factories import CityDepartmentFactory, user_with_role
from tests.factories.scheduling import make_shift, place, position
from tests.scheduling.conftest import NOW, local

pytestmark = pytest.mark.django_db

WED = local(2026, 3, 4, 10)


def _count(client, url) -> tuple[int, object]:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


# --- responders ---------------------------------------------------------------------------------------

def test_my_shifts_lists_own_assignments_with_constant_queries(client, team, responder, peer):
    client.force_login(responder)
    first = place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    place(shift=make_shift(team=team, starts_at=WED + timedelta(days=1)), responder=peer)
    one, response = _count(client, reverse("scheduling:my-shifts"))
    assert [a.pk for a in response.context["page"]] == [first.pk]
    more = [place(shift=make_shift(team=team, starts_at=WED + timedelta(days=d)), responder=responder)
            for d in (2, 4)]
    three, response = _count(client, reverse("scheduling:my-shifts"))
    assert [a.pk for a in response.context["page"]] == [first.pk, *[a.pk for a in more]]
    assert one == three
    assert "Check in" in response.content.decode()


def test_my_shifts_is_for_responders(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("scheduling:my-shifts")).status_code == 403


def test_open_shifts_only_eligible_unless_asked(client, team, other_team, responder, peer):
    client.force_login(responder)
    open_one = make_shift(team=team, starts_at=WED)
    full = make_shift(team=team, starts_at=WED + timedelta(days=1), positions=[(PositionRole.LEAD, 1),
                                                                                 (PositionRole.RESPONDER, 1)])
    place(shift=full, responder=peer)
    make_shift(team=team, starts_at=WED + timedelta(days=2), status=Shift.Status.DRAFT)
    make_shift(team=other_team, starts_at=WED)  # another organization's

    response = client.get(reverse("scheduling:open-shifts"))
    rows = [(p.shift_id, p.role) for p, _ in response.context["page"]]
    # The lead places need the team-lead requirement; the responder place of `full` is taken.
    assert rows == [(open_one.pk, "responder")]
    assert response.context["hidden"] == 2

    response = client.get(reverse("scheduling:open-shifts") + "?all=1")
    rows = [(p.shift_id, p.role, e.reason_codes) for p, e in response.context["page"]]
    assert rows == [(open_one.pk, "lead", ["role_not_qualified"]), (open_one.pk, "responder", []),
                    (full.pk, "lead", ["role_not_qualified"])]
    assert "Cleared for duty only as Community responder, not for the Team lead position." in response.content.decode()


def test_open_shifts_constant_queries(client, team, responder):
    client.force_login(responder)
    make_shift(team=team, starts_at=WED, positions=[(PositionRole.LEAD, 1), (PositionRole.RESPONDER, 1)])
    one, response = _count(client, reverse("scheduling:open-shifts"))
    for d in (1, 2):
        make_shift(team=team, starts_at=WED + timedelta(days=d))
    three, response = _count(client, reverse("scheduling:open-shifts"))
    assert (len(response.context["page"].object_list), one) == (3, three)


def test_open_shifts_is_for_responders(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("scheduling:open-shifts")).status_code == 403


def test_sign_up_page_flow(client, team, responder, coordinator, outsider_responder):
    shift = make_shift(team=team, starts_at=WED)
    url = reverse("scheduling:position-sign-up", args=[position(shift).pk])
    client.force_login(outsider_responder)
    assert client.post(url).status_code == 404
    client.force_login(coordinator)
    assert client.post(url).status_code == 403
    client.force_login(responder)
    response = client.post(url)
    assert response.status_code == 302
    assert Assignment.objects.get(shift=shift).responder == responder
    response = client.post(url, follow=True)
    assert "Already assigned to another shift at this time." in response.content.decode()


def test_assignment_actions_owner_peer_outsider(client, team, responder, peer, outsider):
    a = place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    url = reverse("scheduling:assignment-cancel", args=[a.pk])
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    client.force_login(peer)
    assert client.post(url).status_code == 404  # a peer does not see others' assignments
    client.force_login(responder)
    assert client.post(url, {"reason": "Sick"}).status_code == 302
    a.refresh_from_db()
    assert (a.status, a.cancel_reason) == ("cancelled", "Sick")


def test_swap_pages(client, team, coordinator, responder, peer, outsider_responder):
    a = place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    client.force_login(responder)
    client.post(reverse("scheduling:swap-offer", args=[a.pk]), {"note": "Doctor"})
    swap = a.swaps.get()
    client.force_login(outsider_responder)
    assert client.post(reverse("scheduling:swap-accept", args=[swap.pk])).status_code == 404
    client.force_login(peer)
    response = client.get(reverse("scheduling:swap-list"))
    assert [s.pk for s in response.context["offers"]] == [swap.pk]
    assert client.post(reverse("scheduling:swap-decide", args=[swap.pk]), {"decision": "approve"}).status_code == 403
    client.post(reverse("scheduling:swap-accept", args=[swap.pk]))
    client.force_login(coordinator)
    response = client.get(reverse("scheduling:swap-list"))
    assert [s.pk for s in response.context["approvals"]] == [swap.pk]
    client.post(reverse("scheduling:swap-decide", args=[swap.pk]), {"decision": "approve"})
    assert list(Assignment.objects.filter(shift=a.shift, status="assigned").values_list("responder", flat=True)) == [
        peer.pk]


def test_time_off_page(client, org, coordinator, responder, outsider):
    client.force_login(responder)
    response = client.post(reverse("scheduling:time-off"), {
        "organization": org.pk, "starts_at": "2026-03-10T08:00", "ends_at": "2026-03-12T20:00", "reason": "Trip"})
    assert response.status_code == 302
    row = TimeOff.objects.get()
    assert (row.starts_at, row.ends_at, row.status) == (local(2026, 3, 10, 8), local(2026, 3, 12, 20), "pending")
    url = reverse("scheduling:time-off-decide", args=[row.pk])
    assert client.post(url, {"decision": "approve"}).status_code == 403
    client.force_login(outsider)
    assert client.post(url, {"decision": "approve"}).status_code == 404
    client.force_login(coordinator)
    client.post(url, {"decision": "approve"})
    row.refresh_from_db()
    assert row.status == "approved"


def test_availability_page(client, responder, coordinator):
    client.force_login(responder)
    client.post(reverse("scheduling:availability"), {"weekday": 2, "start_time": "18:00", "end_time": "02:00"})
    [row] = responder.availability.all()
    assert (row.weekday, row.start_time.hour, row.end_time.hour) == (2, 18, 2)
    client.force_login(coordinator)
    assert client.get(reverse("scheduling:availability")).status_code == 403
    assert client.post(reverse("scheduling:availability-delete", args=[row.pk])).status_code == 404


def test_ical_feed_parses_and_carries_cancellations(client, team, coordinator, responder):
    kept = services.assignment_create(by=coordinator, position=position(make_shift(team=team, starts_at=WED)),
                                      responder=responder)
    dropped = services.assignment_create(
        by=coordinator, position=position(make_shift(team=team, starts_at=WED + timedelta(days=2))),
        responder=responder)
    services.assignment_cancel(by=coordinator, assignment=dropped, reason="Team merged")
    client.force_login(responder)
    client.post(reverse("scheduling:calendar"), {"action": "rotate"})
    feed = CalendarFeed.objects.get(user=responder, revoked_at__isnull=True)
    client.logout()

    response = client.get(reverse("scheduling:ical", args=[feed.token]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = {str(e["uid"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert sorted(events) == [f"assignment-{kept.pk}@crisisprog", f"assignment-{dropped.pk}@crisisprog"]
    cancelled = events[f"assignment-{dropped.pk}@crisisprog"]
    assert (str(cancelled["status"]), int(cancelled["sequence"])) == ("CANCELLED", 1)
    confirmed = events[f"assignment-{kept.pk}@crisisprog"]
    assert (str(confirmed["status"]), confirmed.decoded("dtstart"), confirmed.decoded("dtend")) == (
        "CONFIRMED", WED, WED + timedelta(hours=8))
    assert str(confirmed["summary"]) == "Dorchester day — Community responder"

    client.force_login(responder)
    client.post(reverse("scheduling:calendar"), {"action": "rotate"})
    client.logout()
    assert client.get(reverse("scheduling:ical", args=[feed.token])).status_code == 404


# --- coordinators --------------------------------------------------------------------------------------

def test_schedule_week_constant_queries(client, team, coordinator, responder):
    client.force_login(coordinator)
    place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    url = reverse("scheduling:schedule") + f"?team={team.pk}&week=2026-03-02"
    one, response = _count(client, url)
    for d in (1, 2):
        place(shift=make_shift(team=team, starts_at=WED + timedelta(days=d), status=Shift.Status.DRAFT),
              responder=responder)
    three, response = _count(client, url)
    assert one == three
    assert [[s.pk for s in shifts] for _, shifts in response.context["days"]][2:5] == [
        [s.pk] for s in Shift.objects.filter(team=team).order_by("starts_at")]


def test_schedule_is_for_coordinators(client, responder):
    client.force_login(responder)
    assert client.get(reverse("scheduling:schedule")).status_code == 403


def test_publish_week_from_the_schedule(client, team, coordinator, outsider):
    draft = make_shift(team=team, starts_at=WED, status=Shift.Status.DRAFT)
    data = {"team": team.pk, "week": "2026-03-02"}
    client.force_login(outsider)
    assert client.post(reverse("scheduling:week-publish"), data).status_code == 404
    client.force_login(coordinator)
    client.post(reverse("scheduling:week-publish"), data)
    draft.refresh_from_db()
    assert draft.status == "published"


def test_shift_detail_shows_the_eligible_list_to_the_coordinator(client, team, coordinator, responder, peer,
                                                                 outsider, lead):
    shift = make_shift(team=team, starts_at=WED)
    place(shift=make_shift(team=team, starts_at=WED - timedelta(hours=12)), responder=peer)
    client.force_login(coordinator)
    response = client.get(reverse("scheduling:shift-detail", args=[shift.pk]))
    assert response.status_code == 200
    answers = {pos.role: {person.email: e.reason_codes for person, e in people}
               for pos, people, _ in response.context["candidates"]}
    assert answers["responder"] == {"lee@example.org": [], "pat@example.org": ["rest", "daily_hours"],
                                    "ray@example.org": []}
    assert answers["lead"]["ray@example.org"] == ["role_not_qualified"]
    client.force_login(outsider)
    assert client.get(reverse("scheduling:shift-detail", args=[shift.pk])).status_code == 404


def test_responders_see_published_shifts_only_and_cannot_assign(client, team, responder, peer):
    published = make_shift(team=team, starts_at=WED)
    draft = make_shift(team=team, starts_at=WED + timedelta(days=1), status=Shift.Status.DRAFT)
    client.force_login(responder)
    assert client.get(reverse("scheduling:shift-detail", args=[published.pk])).status_code == 200
    assert client.get(reverse("scheduling:shift-detail", args=[draft.pk])).status_code == 404
    url = reverse("scheduling:position-assign", args=[position(published).pk])
    prefix = f"p{position(published).pk}"
    assert client.post(url, {f"{prefix}-responder": peer.pk}).status_code == 403


def test_assign_with_override_from_the_page(client, team, coordinator, responder):
    place(shift=make_shift(team=team, starts_at=WED - timedelta(hours=18)), responder=responder)
    shift = make_shift(team=team, starts_at=WED - timedelta(hours=1))
    pos = position(shift)
    url = reverse("scheduling:position-assign", args=[pos.pk])
    client.force_login(coordinator)
    response = client.post(url, {f"p{pos.pk}-responder": responder.pk}, follow=True)
    assert "Less than 10 hours of rest between shifts." in response.content.decode()
    client.post(url, {f"p{pos.pk}-responder": responder.pk, f"p{pos.pk}-overrides": ["rest"],
                      f"p{pos.pk}-override_reason": "Agreed with Ray"})
    assert Assignment.objects.get(shift=shift).overrides == ["rest"]


def test_shift_create_page(client, team, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("scheduling:shift-create"), {
        "team": team.pk, "starts_at": "2026-03-08T22:00", "ends_at": "2026-03-09T06:00", "leads": 1,
        "responders": 2, "trainees": 0, "notes": ""})
    shift = Shift.objects.get()
    assert response.status_code == 302
    assert (shift.hours, shift.status, sorted(shift.positions.values_list("role", "count"))) == (
        8.0, "draft", [("lead", 1), ("responder", 2)])
    response = client.post(reverse("scheduling:shift-create"), {
        "team": team.pk, "starts_at": "2026-03-08T22:00", "ends_at": "2026-03-09T06:00", "leads": 0,
        "responders": 0, "trainees": 2, "notes": ""})
    assert response.status_code == 200
    assert "A team is never all trainees." in response.content.decode()


def test_teams_and_templates_pages(client, org, coordinator, responder):
    client.force_login(coordinator)
    from tests.factories.scheduling import team_type

    client.post(reverse("scheduling:team-list"), {"name": "Night", "organization": org.pk,
                                                  "team_type": team_type().pk})
    team = org.teams.get()
    client.post(reverse("scheduling:template-create"), {"team": team.pk, "name": "Night", "start_time": "22:00",
                                                        "end_time": "06:00", "weekdays": [5, 6]})
    template = team.templates.get()
    client.post(reverse("scheduling:template-generate", args=[template.pk]), {"start": "2026-03-02",
                                                                             "end": "2026-03-08"})
    assert Shift.objects.filter(team=team).count() == 2
    client.force_login(responder)
    assert client.get(reverse("scheduling:team-list")).status_code == 403
    assert client.get(reverse("scheduling:template-generate", args=[template.pk])).status_code == 404


def test_timesheet_page_and_csv(client, org, team, coordinator, responder, outsider):
    place(shift=make_shift(team=team, starts_at=local(2026, 2, 25, 10)), responder=responder,
          status=Assignment.Status.COMPLETED, checked_in_at=local(2026, 2, 25, 10),
          checked_out_at=local(2026, 2, 25, 18))
    client.force_login(coordinator)
    query = f"?organization={org.pk}&start=2026-02-01&end=2026-02-28"
    response = client.get(reverse("scheduling:timesheet") + query)
    assert [(r.responder, r.hours) for r in response.context["rows"]] == [(responder, 8.0)]
    csv_response = client.get(reverse("scheduling:timesheet") + query + "&format=csv")
    assert csv_response["Content-Disposition"] == (
        'attachment; filename="timesheet-harbor-outreach-2026-02-01-2026-02-28.csv"')
    assert csv_response.content.decode().splitlines()[1] == (
        "2026-02-01,2026-02-28,ray@example.org,Ray Sponder,1,8.00,0.00,0.00,0")
    client.force_login(outsider)
    response = client.get(reverse("scheduling:timesheet") + query)
    assert response.context["rows"] == []  # not one of their organizations: the choice is invalid
    client.force_login(responder)
    assert client.get(reverse("scheduling:timesheet")).status_code == 403


def test_coverage_month_is_a_fixed_number_of_queries(client, team, coordinator, responder):
    from apps.core.models import Neighborhood

    zone = Neighborhood.objects.get(name="Roxbury")
    client.force_login(coordinator)
    place(shift=make_shift(team=team, starts_at=WED, zones=[zone]), responder=responder)
    url = reverse("scheduling:coverage") + f"?team={team.pk}&month=2026-03"
    one, response = _count(client, url)
    for d in (8, 20):
        make_shift(team=team, starts_at=local(2026, 3, d, 10), zones=[zone])
    three, response = _count(client, url)
    assert one == three
    data = response.context["data"]
    cells = data.rows[zone]
    assert [(d.day, c.filled, c.required) for d, c in cells.items() if c.required] == [(4, 1, 2), (8, 0, 2),
                                                                                       (20, 0, 2)]
    assert (data.filled, data.required, data.fill_rate) == (1, 6, 0.167)


def test_dashboard_cards(client, team, coordinator, responder):
    place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    client.force_login(responder)
    response = client.get(reverse("core:dashboard"))
    cards = {c.key: c for c in response.context["cards"]}
    assert cards["scheduling-next-shift"].context["assignment"].shift.starts_at == WED
    client.force_login(coordinator)
    response = client.get(reverse("core:dashboard"))
    cards = {c.key: c for c in response.context["cards"]}
    assert cards["scheduling-unfilled"].context["total"] == 1


def test_navigation_per_role(client, coordinator, responder):
    client.force_login(responder)
    keys = {i["key"] for i in client.get(reverse("core:dashboard")).context["nav_items"]}
    assert {"scheduling-my", "scheduling-open", "scheduling-swaps", "scheduling-time-off"} <= keys
    assert "scheduling-schedule" not in keys
    client.force_login(coordinator)
    keys = {i["key"] for i in client.get(reverse("core:dashboard")).context["nav_items"]}
    assert {"scheduling-schedule", "scheduling-timesheets", "scheduling-coverage"} <= keys
    assert "scheduling-my" not in keys


def test_program_admin_is_not_a_scheduler(client):
    admin = user_with_role(Role.PROGRAM_ADMIN, CityDepartmentFactory())
    client.force_login(admin)
    assert client.get(reverse("scheduling:schedule")).status_code == 403
    assert NOW  # the frozen clock is in force for every page above


def test_every_page_renders_for_its_role(client, org, team, coordinator, responder, peer):
    from apps.scheduling.models import Availability, ShiftTemplate, SwapRequest

    shift = make_shift(team=team, starts_at=WED)
    mine = place(shift=shift, responder=responder)
    SwapRequest.objects.create(assignment=mine, offered_by=responder)
    TimeOff.objects.create(responder=responder, organization=org, starts_at=WED, ends_at=WED + timedelta(days=1))
    Availability.objects.create(responder=responder, weekday=2, start_time="09:00", end_time="17:00")
    template = ShiftTemplate.objects.create(team=team, name="Day", start_time="10:00", end_time="18:00",
                                            weekdays=[0])
    client.force_login(responder)
    services.calendar_feed_rotate(user=responder)
    for name in ("my-shifts", "open-shifts", "swap-list", "time-off", "availability", "calendar"):
        response = client.get(reverse(f"scheduling:{name}"))
        assert (name, response.status_code) == (name, 200)
    assert "Withdraw" in client.get(reverse("scheduling:time-off")).content.decode()
    client.force_login(coordinator)
    for url in (reverse("scheduling:schedule"), reverse("scheduling:team-list"), reverse("scheduling:shift-create"),
                reverse("scheduling:template-create"), reverse("scheduling:template-generate", args=[template.pk]),
                reverse("scheduling:timesheet"), reverse("scheduling:coverage"), reverse("scheduling:swap-list"),
                reverse("scheduling:time-off"), reverse("scheduling:shift-detail", args=[shift.pk])):
        assert (url, client.get(url).status_code) == (url, 200)
    assert "Approve" in client.get(reverse("scheduling:time-off")).content.decode()


def test_coordinator_checks_a_responder_in_and_out_from_the_shift(client, team, coordinator, responder):
    import time_machine

    shift = make_shift(team=team, starts_at=WED)
    a = place(shift=shift, responder=responder)
    detail = reverse("scheduling:shift-detail", args=[shift.pk])
    with time_machine.travel(local(2026, 3, 4, 9, 50), tick=False):
        client.force_login(coordinator)
        response = client.post(reverse("scheduling:assignment-check-in", args=[a.pk]), {"next": detail})
    assert response["Location"] == detail
    with time_machine.travel(local(2026, 3, 4, 18, 5), tick=False):
        client.force_login(coordinator)
        client.post(reverse("scheduling:assignment-check-out", args=[a.pk]), {"next": detail})
    a.refresh_from_db()
    assert (a.status, a.checked_in_at, a.checked_out_at) == ("completed", local(2026, 3, 4, 9, 50),
                                                              local(2026, 3, 4, 18, 5))


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01", "2026-3-2", "next week"])
def test_an_impossible_date_in_the_address_is_ignored_not_a_500(client, team, coordinator, value):
    """A typed or stale address (?week=2026-02-30, ?month=2026-13) shows the current week or month; a
    week to publish that is not a date is a 404; none is a server error."""
    client.force_login(coordinator)
    today = timezone.localdate()
    schedule = client.get(reverse("scheduling:schedule"), {"team": team.pk, "week": value})
    assert schedule.status_code == 200
    assert schedule.context["monday"] <= today < schedule.context["monday"] + timedelta(days=7)
    coverage = client.get(reverse("scheduling:coverage"), {"team": team.pk, "month": value[:7]})
    assert coverage.status_code == 200
    expected = date(2026, 2, 1) if value[:7] == "2026-02" else today.replace(day=1)
    assert coverage.context["month"] == expected
    assert client.post(reverse("scheduling:week-publish"), {"team": team.pk, "week": value}).status_code == 404


def test_the_date_ranges_a_coordinator_types_use_the_uswds_date_picker():
    from apps.core.rendering import DatePickerInput
    from apps.scheduling import forms

    for form in (forms.GenerateForm, forms.PeriodForm):
        assert all(isinstance(form.base_fields[name].widget, DatePickerInput) for name in ("start", "end"))
