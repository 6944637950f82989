"""Team status from the field: only a member checked in to the shift, only while it is under way (a quarter
of an hour's grace before the start), a zone of the shift, every change kept and audited, the same tap twice
harmless; and the buttons on the responder's shift, with and without htmx."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.accounts.roles import Role
from apps.core.errors import ApplicationError
from apps.core.models import AuditEvent
from apps.operations.models import TeamStatus, TeamStatusChange
from apps.operations.status import team_status_set
from apps.scheduling.models import Assignment, PositionRole, Shift
from tests.factories import OrganizationFactory, user_with_role
from tests.factories.engagement import neighborhood
from tests.factories.scheduling import TeamFactory, make_shift, place
from tests.support.api import audited, field_errors, signed_in

pytestmark = pytest.mark.django_db

BOSTON = ZoneInfo("America/New_York")
START = datetime(2026, 3, 4, 8, 0, tzinfo=BOSTON)  # a Wednesday; the shift runs 08:00-16:00


@pytest.fixture
def scene():
    org = OrganizationFactory(name="Harbor Outreach", slug="harbor-outreach")
    team = TeamFactory(organization=org, name="Harbor 1")
    zones = [neighborhood("Dorchester"), neighborhood("Roxbury")]
    shift = make_shift(team=team, starts_at=START, zones=zones)
    lead = user_with_role(Role.RESPONDER, org, full_name="Lena Lead")
    peer = user_with_role(Role.RESPONDER, org, full_name="Pablo Peer")
    lead_a = place(shift=shift, responder=lead, role=PositionRole.LEAD, status=Assignment.Status.CHECKED_IN,
                   checked_in_at=START - timedelta(minutes=30))
    peer_a = place(shift=shift, responder=peer)
    return {"org": org, "shift": shift, "lead": lead, "peer": peer, "lead_a": lead_a, "peer_a": peer_a,
            "zones": zones}


def test_a_checked_in_member_sets_the_status_with_history_and_audit(scene):
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        status = team_status_set(by=scene["lead"], shift=scene["shift"], state="on_call", zone=scene["zones"][1])
        assert (status.state, status.zone, status.since, status.set_by) == (
            "on_call", scene["zones"][1], START + timedelta(hours=1), scene["lead"])
        change = TeamStatusChange.objects.get()
        assert (change.state, change.previous_state, change.zone, change.at, change.by) == (
            "on_call", "", scene["zones"][1], START + timedelta(hours=1), scene["lead"])
        event = AuditEvent.objects.get(action="operations.team_status.set")
        assert (event.actor, event.target_id, event.organization_id) == (scene["lead"], str(scene["shift"].pk),
                                                                          scene["org"].pk)
        assert event.before == {"state": "", "zone": None}
        assert event.after == {"state": "on_call", "zone": "roxbury", "at": "2026-03-04T14:00:00+00:00"}

    with time_machine.travel(START + timedelta(hours=2), tick=False):
        # No zone given on a shift with two: the zone last reported stays.
        status = team_status_set(by=scene["lead"], shift=scene["shift"], state="returning")
        assert (status.state, status.zone, status.since) == ("returning", scene["zones"][1], START + timedelta(hours=2))
    assert list(TeamStatusChange.objects.values_list("previous_state", "state")) == [
        ("", "on_call"), ("on_call", "returning")]
    assert TeamStatus.objects.count() == 1


def test_the_same_state_twice_changes_nothing_but_a_new_zone_is_a_change(scene):
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        team_status_set(by=scene["lead"], shift=scene["shift"], state="available", zone=scene["zones"][0])
    with time_machine.travel(START + timedelta(hours=2), tick=False):
        again = team_status_set(by=scene["lead"], shift=scene["shift"], state="available", zone=scene["zones"][0])
        assert again.since == START + timedelta(hours=1)
        assert TeamStatusChange.objects.count() == 1
        assert AuditEvent.objects.filter(action="operations.team_status.set").count() == 1
        moved = team_status_set(by=scene["lead"], shift=scene["shift"], state="available", zone=scene["zones"][1])
        # Still available since the first tap; the move is in the history.
        assert (moved.zone, moved.since) == (scene["zones"][1], START + timedelta(hours=1))
        assert list(TeamStatusChange.objects.values_list("previous_state", "state", "zone__slug")) == [
            ("", "available", "dorchester"), ("available", "available", "roxbury")]


def test_a_single_zone_shift_takes_its_zone(scene):
    scene["shift"].zones.set([scene["zones"][0]])
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        status = team_status_set(by=scene["lead"], shift=scene["shift"], state="on_break")
    assert status.zone == scene["zones"][0]


@pytest.mark.parametrize(("who", "message"), [
    ("peer", "Check in to the shift before setting your team's status."),
    ("outsider", "Only a member of this shift can set its team's status."),
    ("coordinator", "Only a member of this shift can set its team's status."),
])
def test_only_a_checked_in_member_sets_it(scene, who, message):
    users = {"peer": scene["peer"], "outsider": user_with_role(Role.RESPONDER, scene["org"]),
             "coordinator": user_with_role(Role.COORDINATOR, scene["org"])}
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        with pytest.raises(ApplicationError) as error:
            team_status_set(by=users[who], shift=scene["shift"], state="available")
        assert error.value.message == message
    assert not TeamStatus.objects.exists() and not TeamStatusChange.objects.exists()
    assert not AuditEvent.objects.filter(action="operations.team_status.set").exists()


def test_a_member_who_checked_out_or_was_cancelled_cannot(scene):
    lead_a = scene["lead_a"]
    lead_a.status, lead_a.checked_out_at = Assignment.Status.COMPLETED, START + timedelta(hours=3)
    lead_a.save()
    with time_machine.travel(START + timedelta(hours=4), tick=False):
        with pytest.raises(ApplicationError, match="^You have checked out of this shift.$"):
            team_status_set(by=scene["lead"], shift=scene["shift"], state="available")
        lead_a.status = Assignment.Status.CANCELLED
        lead_a.save()
        with pytest.raises(ApplicationError, match="^Only a member of this shift can set its team's status.$"):
            team_status_set(by=scene["lead"], shift=scene["shift"], state="available")


def test_only_during_the_shift_with_a_quarter_hour_before_it(scene):
    with time_machine.travel(START - timedelta(minutes=16), tick=False):
        with pytest.raises(ApplicationError) as early:
            team_status_set(by=scene["lead"], shift=scene["shift"], state="available")
        assert early.value.message == ("The shift has not started: its team's status can be set from "
                                       "Wed March 4, 07:45.")
    with time_machine.travel(START - timedelta(minutes=15), tick=False):
        assert team_status_set(by=scene["lead"], shift=scene["shift"], state="available").state == "available"
    with time_machine.travel(START + timedelta(hours=7, minutes=59), tick=False):
        assert team_status_set(by=scene["lead"], shift=scene["shift"], state="off").state == "off"
    # The shift has ended: a clear refusal, nothing written.
    with time_machine.travel(START + timedelta(hours=8), tick=False):
        with pytest.raises(ApplicationError) as late:
            team_status_set(by=scene["lead"], shift=scene["shift"], state="available")
        assert late.value.message == ("The shift ended Wed March 4, 16:00: its team's status can no longer "
                                      "be changed.")
    assert TeamStatus.objects.get().state == "off"
    assert TeamStatusChange.objects.count() == 2


def test_a_cancelled_shift_a_zone_off_the_shift_and_an_unknown_state_are_refused(scene):
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        with pytest.raises(ApplicationError) as zone:
            team_status_set(by=scene["lead"], shift=scene["shift"], state="available",
                            zone=neighborhood("Back Bay"))
        assert (zone.value.field, zone.value.message) == ("zone", "Choose one of the shift's zones.")
        with pytest.raises(ApplicationError) as state:
            team_status_set(by=scene["lead"], shift=scene["shift"], state="asleep")
        assert (state.value.field, state.value.message) == ("state", "Choose one of the statuses offered.")
        Shift.objects.filter(pk=scene["shift"].pk).update(status=Shift.Status.CANCELLED)
        with pytest.raises(ApplicationError, match="^This shift is not on the published schedule.$"):
            team_status_set(by=scene["lead"], shift=scene["shift"], state="available")
    assert not TeamStatusChange.objects.exists()


# --- the page ----------------------------------------------------------------------------------------

def test_the_buttons_show_on_my_shifts_only_while_checked_in_and_under_way(scene, client):
    client.force_login(scene["lead"])
    url = f"/ops/shifts/{scene['shift'].pk}/status/"
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        body = client.get("/shifts/").content.decode()
        assert f'action="{url}"' in body
        assert body.count('name="state"') == 5
        assert 'name="zone"' in body  # two zones: a select
    client.force_login(scene["peer"])  # assigned, not checked in
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        assert url not in client.get("/shifts/").content.decode()


def test_posting_without_js_flashes_and_goes_back(scene, client):
    client.force_login(scene["lead"])
    url = f"/ops/shifts/{scene['shift'].pk}/status/"
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        response = client.post(url, {"state": "on_call", "zone": "roxbury", "next": "/shifts/"}, follow=True)
        assert response.redirect_chain == [("/shifts/", 302)]
        assert "Team status: On a call." in response.content.decode()
        assert TeamStatus.objects.get().zone.slug == "roxbury"
    with time_machine.travel(START + timedelta(hours=9), tick=False):
        response = client.post(url, {"state": "available"}, follow=True)
        assert "The shift ended Wed March 4, 16:00" in response.content.decode()
    assert TeamStatus.objects.get().state == "on_call"


def test_posting_with_htmx_swaps_the_buttons(scene, client):
    client.force_login(scene["lead"])
    url = f"/ops/shifts/{scene['shift'].pk}/status/"
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        response = client.post(url, {"state": "returning", "zone": "dorchester"}, HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert response.status_code == 200
        assert body.startswith(f'<form id="team-status-{scene["shift"].pk}"')
        assert ('value="returning" class="usa-button team-status__button team-status__button--returning is-current"'
                in body)
        assert "Saved." in body
        response = client.post(url, {"state": "returning", "zone": "back-bay"}, HTTP_HX_REQUEST="true")
        assert "Choose one of the shift&#x27;s zones." in response.content.decode()


def test_the_status_route_is_404_to_other_organizations_and_403_to_non_members(scene, client):
    url = f"/ops/shifts/{scene['shift'].pk}/status/"
    other = user_with_role(Role.RESPONDER, OrganizationFactory())
    client.force_login(other)
    assert client.post(url, {"state": "available"}).status_code == 404
    client.force_login(user_with_role(Role.COORDINATOR, scene["org"]))
    assert client.post(url, {"state": "available"}).status_code == 403
    client.force_login(user_with_role(Role.DISPATCHER))
    assert client.post(url, {"state": "available"}).status_code == 403
    assert not TeamStatus.objects.exists()


# --- the API ------------------------------------------------------------------------------------------

def test_the_api_sets_the_status_through_the_same_rules(scene, api):
    url = f"/api/v1/operations/shifts/{scene['shift'].pk}/status/"
    signed_in(api, scene["lead"])
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        response = api.post(url, {"state": "on_call", "zone": "roxbury"}, format="json")
        assert response.status_code == 200
        assert response.json() == {"shift": scene["shift"].pk, "state": "on_call", "zone": "roxbury",
                                   "since": "2026-03-04T09:00:00-05:00"}
        assert audited("operations.team_status.set") == 1
        assert field_errors(api.post(url, {"state": "asleep"}, format="json")) == {
            "state": ['"asleep" is not a valid choice.']}
        assert field_errors(api.post(url, {"state": "available", "zone": "back-bay"}, format="json")) == {
            "zone": ["Choose one of the shift's zones."]}
    with time_machine.travel(START + timedelta(hours=8), tick=False):
        response = api.post(url, {"state": "available"}, format="json")
        assert response.status_code == 400
        assert response.json()["detail"] == ("The shift ended Wed March 4, 16:00: its team's status can no longer "
                                             "be changed.")
    signed_in(api, scene["peer"])  # a member not checked in
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        assert api.post(url, {"state": "available"}, format="json").json()["detail"] == (
            "Check in to the shift before setting your team's status.")
    signed_in(api, user_with_role(Role.COORDINATOR, scene["org"]))
    assert api.post(url, {"state": "available"}, format="json").status_code == 403
    signed_in(api, user_with_role(Role.COORDINATOR, OrganizationFactory()))
    assert api.post(url, {"state": "available"}, format="json").status_code == 404
    assert audited("operations.team_status.set") == 1
