"""The auto-roster's API: a coordinator starts, watches, cancels and accepts runs of their own organization's
teams and refills a call-out; another organization's run is a 404; anyone who coordinates nothing is refused."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.scheduling.eligibility import EligibilityCode
from apps.scheduling.models import Assignment, PositionRole, RosterRun, TimeOff
from apps.scheduling.roster.services import roster_solve, roster_start
from apps.scheduling.services import assignment_cancel
from tests.factories import user_with_role
from tests.factories.scheduling import make_shift, place, position

from .conftest import NOW, clear, local

pytestmark = pytest.mark.django_db

RUNS = "/api/v1/scheduling/roster-runs/"


@pytest.fixture
def api():
    return APIClient()


def _people(org, cpr, cit, *, leads=1, responders=2):
    people = [clear(user_with_role(Role.RESPONDER, org, email=f"lead{n}@example.org", full_name=f"Lead {n}"), org,
                    cpr, cit) for n in range(leads)]
    people += [clear(user_with_role(Role.RESPONDER, org, email=f"resp{n}@example.org", full_name=f"Resp {n}"), org,
                     cpr) for n in range(responders)]
    return people


def _body(team, **changes):
    return {"teams": [team.pk], "starts_on": "2026-03-03", "ends_on": "2026-03-04", "time_limit": 5, **changes}


def _solved(api, team) -> dict:
    response = api.post(RUNS, _body(team), format="json")
    assert response.status_code == 201, response.json()
    run = roster_solve(run_id=response.json()["id"])
    assert run.status == RosterRun.Status.PROPOSED, run.error
    return api.get(f"{RUNS}{run.pk}/").json()


def test_create_answers_the_queued_run_and_the_solve_fills_the_proposal(
        api, org, team, coordinator, requirements, cpr, cit):
    lead, first, _ = _people(org, cpr, cit)
    shift = make_shift(team=team, starts_at=local(2026, 3, 3, 9))
    api.force_authenticate(coordinator)
    response = api.post(RUNS, _body(team), format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["kind"], body["teams"], body["starts_on"], body["ends_on"], body["time_limit"]) == (
        "queued", "full", [team.pk], "2026-03-03", "2026-03-04", 5)
    assert (body["organization"], body["created_by"], body["proposal"], body["stats"]) == (
        org.pk, coordinator.pk, [], {})

    roster_solve(run_id=body["id"])
    detail = api.get(f"{RUNS}{body['id']}/").json()
    assert detail["status"] == "proposed"
    assert (detail["stats"]["places"], detail["stats"]["filled"], detail["unfilled"], detail["releases"]) == (
        2, 2, [], [])
    assert detail["gap"] is not None and detail["solutions"] >= 1 and detail["solver_status"] == "optimal"
    items = sorted(detail["proposal"], key=lambda item: item["role"])
    assert [(i["role"], i["shift"], i["starts_at"], i["ends_at"]) for i in items] == [
        ("lead", shift.pk, "2026-03-03T09:00:00-05:00", "2026-03-03T17:00:00-05:00"),
        ("responder", shift.pk, "2026-03-03T09:00:00-05:00", "2026-03-03T17:00:00-05:00")]
    assert (items[0]["responder"], items[0]["responder_name"]) == (lead.pk, str(lead))
    assert items[0]["position"] == position(shift, PositionRole.LEAD).pk
    assert not Assignment.objects.exists()  # a proposal, never a silent write


@pytest.mark.parametrize(("changes", "field"), [
    ({"teams": None}, "teams"),
    ({"teams": [999_999]}, "teams"),
    ({"starts_on": "2026-03-05", "ends_on": "2026-03-03"}, "ends_on"),
    ({"ends_on": "2026-05-03"}, "ends_on"),
    ({"time_limit": 3}, "time_limit"),
    ({"teams": []}, "teams"),
])
def test_create_refuses_bad_input_on_its_field(api, team, coordinator, changes, field):
    api.force_authenticate(coordinator)
    body = {k: v for k, v in _body(team, **changes).items() if v is not None}
    response = api.post(RUNS, body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not RosterRun.objects.exists()


def test_another_organizations_team_is_refused_as_if_it_did_not_exist(api, team, other_team, coordinator):
    api.force_authenticate(coordinator)
    foreign = api.post(RUNS, _body(team, teams=[team.pk, other_team.pk]), format="json")
    missing = api.post(RUNS, _body(team, teams=[team.pk, 999_999]), format="json")
    assert (foreign.status_code, missing.status_code) == (400, 400)
    assert foreign.json()["errors"]["teams"] == [f'Invalid pk "{other_team.pk}" - object does not exist.']
    assert not RosterRun.objects.exists()


def test_one_working_run_per_organization_is_a_400_with_its_code(api, team, coordinator):
    api.force_authenticate(coordinator)
    assert api.post(RUNS, _body(team), format="json").status_code == 201
    response = api.post(RUNS, _body(team), format="json")
    assert (response.status_code, response.json()["code"]) == (400, "run_working")


def _count(api, url) -> tuple[int, object]:
    api.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_list_is_scoped_to_coordinated_organizations_with_constant_queries(
        api, team, other_team, coordinator, outsider):
    def run(by, on):
        made = roster_start(by=by, teams=[on], starts_on=date(2026, 3, 3), ends_on=date(2026, 3, 4), time_limit=5)
        RosterRun.objects.filter(pk=made.pk).update(status=RosterRun.Status.DISCARDED)
        return made.pk

    mine = [run(coordinator, team)]
    theirs = run(outsider, other_team)
    api.force_authenticate(coordinator)
    one, response = _count(api, RUNS)
    assert [row["id"] for row in response.json()["results"]] == mine
    mine += [run(coordinator, team), run(coordinator, team)]
    three, response = _count(api, RUNS)
    assert ([row["id"] for row in response.json()["results"]], three) == (mine[::-1], one)
    assert "proposal" not in response.json()["results"][0]  # the list is the progress; the detail the result
    assert api.get(f"{RUNS}?status=queued").json()["results"] == []
    api.force_authenticate(outsider)
    assert [row["id"] for row in api.get(RUNS).json()["results"]] == [theirs]


def test_another_organizations_run_is_a_404(api, team, coordinator, outsider):
    api.force_authenticate(coordinator)
    run_id = api.post(RUNS, _body(team), format="json").json()["id"]
    api.force_authenticate(outsider)
    assert api.get(f"{RUNS}{run_id}/").status_code == 404
    assert api.post(f"{RUNS}{run_id}/cancel/").status_code == 404
    assert api.post(f"{RUNS}{run_id}/accept/").status_code == 404
    assert RosterRun.objects.get(pk=run_id).status == RosterRun.Status.QUEUED


def test_anyone_who_coordinates_nothing_is_refused(api, team, coordinator, responder):
    api.force_authenticate(coordinator)
    run_id = api.post(RUNS, _body(team), format="json").json()["id"]
    api.force_authenticate(responder)
    assert api.get(RUNS).status_code == 403
    assert api.post(RUNS, _body(team), format="json").status_code == 403
    assert api.get(f"{RUNS}{run_id}/").status_code == 403
    assert api.post(f"{RUNS}{run_id}/cancel/").status_code == 403
    api.force_authenticate(None)
    assert api.get(RUNS).status_code == 401


def test_cancel_a_queued_run_then_a_finished_one_is_refused(api, team, coordinator):
    api.force_authenticate(coordinator)
    run_id = api.post(RUNS, _body(team), format="json").json()["id"]
    response = api.post(f"{RUNS}{run_id}/cancel/")
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert roster_solve(run_id=run_id) is None
    again = api.post(f"{RUNS}{run_id}/cancel/")
    assert (again.status_code, again.json()["code"]) == (400, "finished")


def test_cancel_discards_a_proposal(api, org, team, coordinator, requirements, cpr, cit):
    _people(org, cpr, cit)
    make_shift(team=team, starts_at=local(2026, 3, 3, 9))
    api.force_authenticate(coordinator)
    run = _solved(api, team)
    assert api.post(f"{RUNS}{run['id']}/cancel/").json()["status"] == "discarded"
    refused = api.post(f"{RUNS}{run['id']}/accept/")
    assert (refused.status_code, refused.json()["code"]) == (400, "not_proposed")


def test_unfilled_places_carry_their_reasons_and_reason_text(api, org, team, coordinator, requirements, cpr, cit):
    lead = _people(org, cpr, cit)[0]
    TimeOff.objects.create(responder=lead, organization=org, starts_at=local(2026, 3, 3, 0),
                           ends_at=local(2026, 3, 4, 0), status=TimeOff.Status.APPROVED)
    shift = make_shift(team=team, starts_at=local(2026, 3, 3, 9))
    api.force_authenticate(coordinator)
    run = _solved(api, team)
    [row] = run["unfilled"]
    assert (row["shift"], row["role"], row["open"], row["cleared"], row["starts_at"]) == (
        shift.pk, "lead", 1, 0, "2026-03-03T09:00:00-05:00")
    assert {r["code"]: r["count"] for r in row["reasons"]} == {EligibilityCode.TIME_OFF: 1,
                                                               EligibilityCode.ROLE_NOT_QUALIFIED: 2}
    assert "1 on approved time off" in row["reason_text"] and "2 not cleared for this role" in row["reason_text"]


def test_accept_applies_the_proposal_and_reports_a_conflict(api, org, team, coordinator, requirements, cpr, cit):
    _people(org, cpr, cit, leads=1, responders=1)
    shift = make_shift(team=team, starts_at=local(2026, 3, 3, 9))
    api.force_authenticate(coordinator)
    run = _solved(api, team)
    late = clear(user_with_role(Role.RESPONDER, org, email="late@example.org"), org, cpr)
    place(shift=shift, responder=late)  # someone signs up for the responder place meanwhile
    response = api.post(f"{RUNS}{run['id']}/accept/")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["stats"]["applied"], body["accepted_by"]) == ("accepted", 1, coordinator.pk)
    [conflict] = body["conflicts"]
    assert (conflict["code"], conflict["role"], conflict["shift"]) == (EligibilityCode.POSITION_FULL, "responder",
                                                                       shift.pk)
    assert conflict["responder_name"] and conflict["message"]
    assert shift.assignments.filter(responder=late, status=Assignment.Status.ASSIGNED).exists()
    assert api.post(f"{RUNS}{run['id']}/accept/").json()["code"] == "not_proposed"


def test_repair_refills_a_call_out(api, org, team, coordinator, responder, requirements, cpr, cit):
    people = _people(org, cpr, cit, leads=1, responders=2)
    shift = make_shift(team=team, starts_at=NOW + timedelta(hours=24))
    place(shift=shift, responder=people[0], role=PositionRole.LEAD)
    callout = place(shift=shift, responder=people[1])
    url = f"/api/v1/scheduling/assignments/{callout.pk}/repair/"
    api.force_authenticate(coordinator)
    refused = api.post(url)  # not cancelled yet
    assert (refused.status_code, refused.json()["code"]) == (400, "not_repairable")
    assignment_cancel(by=coordinator, assignment=callout, reason="Sick")
    response = api.post(url)
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["status"], body["callout"], body["time_limit"]) == ("repair", "queued", callout.pk, 10)
    roster_solve(run_id=body["id"])
    detail = api.get(f"{RUNS}{body['id']}/").json()
    assert (detail["status"], detail["stats"]["changes"], detail["releases"]) == ("proposed", 1, [])
    [item] = detail["proposal"]
    assert (item["position"], item["responder"]) == (position(shift).pk, people[2].pk)
    assert api.post(f"{RUNS}{body['id']}/accept/").json()["status"] == "accepted"
    assert shift.assignments.filter(status=Assignment.Status.ASSIGNED).count() == 2


def test_repair_is_a_coordinators_and_another_organizations_call_out_is_a_404(
        api, org, team, coordinator, outsider, responder):
    shift = make_shift(team=team, starts_at=NOW + timedelta(hours=24))
    callout = place(shift=shift, responder=responder)
    assignment_cancel(by=responder, assignment=callout, reason="Sick")
    url = f"/api/v1/scheduling/assignments/{callout.pk}/repair/"
    api.force_authenticate(responder)
    assert api.post(url).status_code == 403  # their own assignment: visible, not theirs to repair
    api.force_authenticate(outsider)
    assert api.post(url).status_code == 404
    assert not RosterRun.objects.exists()


PROFILES = "/api/v1/scheduling/roster-profiles/"


@pytest.fixture
def templates(team, other_team):
    from apps.scheduling.models import ShiftTemplate

    def make(on, name):
        return ShiftTemplate.objects.create(team=on, name=name, weekdays=[0, 1, 2, 3, 4], start_time="08:00",
                                            end_time="16:00")

    return {"days": make(team, "Days"), "nights": make(team, "Nights"), "foreign": make(other_team, "Theirs")}


def test_a_responder_reads_and_replaces_their_roster_profile(api, org, responder, templates):
    from apps.core.models import AuditEvent
    from apps.scheduling.models import RosterProfile

    api.force_authenticate(responder)
    assert api.get(PROFILES).json() == [{
        "organization": org.pk, "organization_name": org.name, "saved": False, "weekly_hours": None,
        "preferred_zones": [], "languages": [], "preferred_templates": [], "avoided_templates": []}]
    body = {"organization": org.pk, "weekly_hours": 30, "preferred_zones": ["dorchester", "roxbury"],
            "languages": ["es"], "preferred_templates": [templates["days"].pk],
            "avoided_templates": [templates["nights"].pk]}
    response = api.put(PROFILES, body, format="json")
    assert response.status_code == 200, response.json()
    expected = {**body, "organization_name": org.name, "saved": True}
    assert response.json() == expected
    assert api.get(PROFILES).json() == [expected]
    assert AuditEvent.objects.filter(action="scheduling.roster_profile.saved").count() == 1
    # Fields left out are emptied: PUT replaces.
    assert api.put(PROFILES, {"organization": org.pk}, format="json").json()["preferred_zones"] == []
    assert RosterProfile.objects.get(user=responder).weekly_hours is None


@pytest.mark.parametrize(("changes", "field"), [
    ({"preferred_zones": ["atlantis"]}, "preferred_zones"),
    ({"languages": ["xx"]}, "languages"),
    ({"preferred_templates": [999_999]}, "preferred_templates"),
    ({"weekly_hours": 81}, "weekly_hours"),
    ({"avoided_templates": "days"}, "avoided_templates"),
])
def test_roster_profile_refuses_bad_input_on_its_field(api, org, responder, templates, changes, field):
    if changes.get("avoided_templates") == "days":  # both wanted and rather not
        changes = {"preferred_templates": [templates["days"].pk], "avoided_templates": [templates["days"].pk]}
    api.force_authenticate(responder)
    response = api.put(PROFILES, {"organization": org.pk, **changes}, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, [field])


def test_roster_profile_is_for_the_organizations_one_responds_for(api, org, other_org, responder, coordinator,
                                                                   templates):
    api.force_authenticate(responder)
    foreign = api.put(PROFILES, {"organization": org.pk, "preferred_templates": [templates["foreign"].pk]},
                      format="json")
    assert (foreign.status_code, list(foreign.json()["errors"])) == (400, ["preferred_templates"])
    elsewhere = api.put(PROFILES, {"organization": other_org.pk}, format="json")
    assert (elsewhere.status_code, list(elsewhere.json()["errors"])) == (400, ["organization"])
    api.force_authenticate(coordinator)  # coordinates, does not respond: no profile of their own
    assert api.get(PROFILES).json() == []
    assert api.put(PROFILES, {"organization": org.pk}, format="json").status_code == 400
