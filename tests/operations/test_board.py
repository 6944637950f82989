"""The on-duty board: who sees which teams, the gaps at the top (zones with no team now, places unfilled in
the next 24 hours), each team's members, status and since when, a fixed query count, and its refresh with
and without JavaScript."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.roles import Role
from apps.core.models import Neighborhood
from apps.operations.board import on_duty_board
from apps.operations.status import team_status_set
from apps.scheduling.models import Assignment, PositionRole
from apps.scheduling.roster.models import RosterProfile
from tests.factories import OrganizationFactory, user_with_role
from tests.factories.engagement import language, neighborhood
from tests.factories.scheduling import TeamFactory, make_shift, place

pytestmark = pytest.mark.django_db

BOSTON = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=BOSTON)  # a Wednesday at noon
ZONES = ("Dorchester", "Roxbury", "Mattapan", "East Boston")


@pytest.fixture
def scene():
    Neighborhood.objects.exclude(name__in=ZONES).update(is_active=False)
    dorchester, roxbury, mattapan, east_boston = (neighborhood(n) for n in ZONES)
    org_a = OrganizationFactory(name="Harbor Outreach", slug="harbor-outreach")
    org_b = OrganizationFactory(name="Riverbend Wellness", slug="riverbend")
    people = {}
    for key, org, name, codes in (("lena", org_a, "Lena Lopez", ("es", "ht")), ("pablo", org_a, "Pablo Ortiz", ()),
                                  ("bea", org_b, "Bea Bravo", ("en",))):
        people[key] = user_with_role(Role.RESPONDER, org, full_name=name)
        profile = RosterProfile.objects.create(user=people[key], organization=org)
        profile.languages.set([language(c) for c in codes])
    # A: Harbor 1 on now in Dorchester and Roxbury (lead checked in, a peer not yet), Harbor 2 tonight in
    # Mattapan (nobody yet), Harbor 0 ended this morning. B: Riverbend 1 on now in Mattapan.
    harbor_1 = make_shift(team=TeamFactory(organization=org_a, name="Harbor 1"), starts_at=NOW - timedelta(hours=4),
                          zones=[dorchester, roxbury])
    place(shift=harbor_1, responder=people["lena"], role=PositionRole.LEAD, status=Assignment.Status.CHECKED_IN,
          checked_in_at=NOW - timedelta(hours=4))
    place(shift=harbor_1, responder=people["pablo"])
    make_shift(team=TeamFactory(organization=org_a, name="Harbor 2"), starts_at=NOW + timedelta(hours=8),
               zones=[mattapan])
    make_shift(team=TeamFactory(organization=org_a, name="Harbor 0"), starts_at=NOW - timedelta(hours=12),
               zones=[east_boston])
    riverbend = make_shift(team=TeamFactory(organization=org_b, name="Riverbend 1"),
                           starts_at=NOW - timedelta(hours=1), zones=[mattapan], positions=((PositionRole.LEAD, 1),))
    place(shift=riverbend, responder=people["bea"], role=PositionRole.LEAD, status=Assignment.Status.CHECKED_IN,
          checked_in_at=NOW - timedelta(hours=1))
    with time_machine.travel(NOW - timedelta(minutes=20), tick=False):
        team_status_set(by=people["lena"], shift=harbor_1, state="on_call", zone=roxbury)
    return {"org_a": org_a, "org_b": org_b, "harbor_1": harbor_1, "riverbend": riverbend, **people}


def _names(rows) -> list[str]:
    return [r.shift.team.name for r in rows]


def test_the_board_of_every_organization(scene):
    with time_machine.travel(NOW, tick=False):
        board = on_duty_board(organization_ids=None, at=NOW)
    assert [(z.zone.name, _names(z.now), _names(z.later)) for z in board.zones] == [
        ("Dorchester", ["Harbor 1"], []), ("Mattapan", ["Riverbend 1"], ["Harbor 2"]), ("Roxbury", ["Harbor 1"], [])]
    # East Boston's team went home this morning: a gap now, and nothing in the next 24 hours.
    assert [(z.zone.name, z.later) for z in board.uncovered] == [("East Boston", [])]
    assert [(p.duty.shift.team.name, str(p.role_label), p.missing) for p in board.open_places] == [
        ("Harbor 2", "Team lead", 1), ("Harbor 2", "Community responder", 1)]
    harbor = board.zones[0].now[0]
    assert [(m.first_name, m.checked_in, m.is_lead, m.languages) for m in harbor.members] == [
        ("Lena", True, True, ("es", "ht")), ("Pablo", False, False, ())]
    assert (harbor.state, harbor.status.since, harbor.lead_present) == ("on_call", NOW - timedelta(minutes=20), True)
    assert board.languages == {"en": "English", "es": "Spanish", "ht": "Haitian Creole"}


def test_a_coordinator_sees_their_teams_and_the_programs_coverage(scene):
    with time_machine.travel(NOW, tick=False):
        board = on_duty_board(organization_ids={scene["org_a"].pk}, at=NOW)
    assert [(z.zone.name, _names(z.now), _names(z.later)) for z in board.zones] == [
        ("Dorchester", ["Harbor 1"], []), ("Mattapan", [], ["Harbor 2"]), ("Roxbury", ["Harbor 1"], [])]
    # Mattapan has Riverbend's team now: not a gap, though the coordinator does not see that team.
    assert [z.zone.name for z in board.uncovered] == ["East Boston"]


def test_after_every_shift_has_ended_every_zone_is_a_gap(scene):
    later = NOW + timedelta(days=2)
    with time_machine.travel(later, tick=False):
        board = on_duty_board(organization_ids=None, at=later)
    assert board.zones == [] and board.open_places == []
    assert [z.zone.name for z in board.uncovered] == ["Dorchester", "East Boston", "Mattapan", "Roxbury"]


@pytest.mark.parametrize(("role", "status", "teams"), [
    ("program_admin", 200, ["Harbor 1", "Harbor 2", "Riverbend 1"]),
    ("dispatcher", 200, ["Harbor 1", "Harbor 2", "Riverbend 1"]),
    ("coordinator_a", 200, ["Harbor 1", "Harbor 2"]),
    ("coordinator_b", 200, ["Riverbend 1"]),
    ("responder", 403, []),
    ("program_evaluator", 403, []),
])
def test_the_page_is_scoped_to_the_viewer(scene, client, role, status, teams):
    users = {"program_admin": lambda: user_with_role(Role.PROGRAM_ADMIN),
             "dispatcher": lambda: user_with_role(Role.DISPATCHER),
             "coordinator_a": lambda: user_with_role(Role.COORDINATOR, scene["org_a"]),
             "coordinator_b": lambda: user_with_role(Role.COORDINATOR, scene["org_b"]),
             "responder": lambda: scene["lena"],
             "program_evaluator": lambda: user_with_role(Role.PROGRAM_EVALUATOR)}
    client.force_login(users[role]())
    with time_machine.travel(NOW, tick=False):
        for url in ("/ops/board/", "/ops/board/live/"):
            response = client.get(url)
            assert response.status_code == status
            body = response.content.decode()
            assert [t for t in ("Harbor 1", "Harbor 2", "Riverbend 1") if t in body] == teams
            # Only first names: never a last name or an email.
            assert "Lopez" not in body and "Ortiz" not in body and "@" not in body.split("<main", 1)[-1]


def test_the_page_shows_status_since_members_and_gaps(scene, client):
    client.force_login(user_with_role(Role.COORDINATOR, scene["org_a"]))
    with time_machine.travel(NOW, tick=False):
        body = client.get("/ops/board/").content.decode()
    assert '<span class="ops-tag ops-tag--on_call">On a call</span>' in body
    assert "since 11:40 · in Roxbury" in body  # local time
    assert "Lena <span class=\"ops-tag ops-tag--lead\">lead</span> <span class=\"ops-in\">checked in</span>" in body
    assert "Spanish, Haitian Creole" in body
    assert "Pablo <span class=\"ops-out\">not checked in</span>" in body
    assert "1 zone with no team now" in body and "East Boston" in body
    assert "Harbor 2, Wed 20:00–04:00: 1 Team lead" in body
    # The coordinator opens their shift from the board; a dispatcher's board has no such link.
    assert f'href="/shifts/shifts/{scene["harbor_1"].pk}/"' in body


def test_the_dispatchers_board_is_read_only(scene, client):
    client.force_login(user_with_role(Role.DISPATCHER))
    with time_machine.travel(NOW, tick=False):
        body = client.get("/ops/board/").content.decode()
    assert "Riverbend Wellness · " in body  # every organization, named
    assert "/shifts/shifts/" not in body and 'method="post"' not in body.split("<main", 1)[1]


def test_it_refreshes_with_htmx_and_without_javascript(scene, client):
    client.force_login(user_with_role(Role.PROGRAM_ADMIN))
    with time_machine.travel(NOW, tick=False):
        page = client.get("/ops/board/").content.decode()
        wall = client.get("/ops/board/?wall=1").content.decode()
        live = client.get("/ops/board/live/?wall=1").content.decode()
    assert '<noscript><meta http-equiv="refresh" content="30"></noscript>' in page
    assert '<a class="usa-button usa-button--outline" href="/ops/board/">Refresh</a>' in page
    assert 'hx-get="/ops/board/live/" hx-trigger="every 10s" hx-swap="outerHTML"' in page
    assert '<div class="ops-board ops-board--wall">' in wall and 'href="/ops/board/?wall=1">Refresh</a>' in wall
    assert live.startswith('<div id="board-live" class="ops-board__live" hx-get="/ops/board/live/?wall=1"')
    assert "Updated 12:00:00" in live


def _grow(scene, n: int, start: int) -> None:
    """n more teams on now in Dorchester, each with a checked-in lead who speaks a language and a status."""
    for k in range(start, start + n):
        shift = make_shift(team=TeamFactory(organization=scene["org_a"], name=f"Extra {k}"),
                           starts_at=NOW - timedelta(hours=1), zones=[neighborhood("Dorchester")])
        lead = user_with_role(Role.RESPONDER, scene["org_a"], full_name=f"Extra{k} Person")
        RosterProfile.objects.create(user=lead, organization=scene["org_a"]).languages.set([language("es")])
        place(shift=shift, responder=lead, role=PositionRole.LEAD, status=Assignment.Status.CHECKED_IN,
              checked_in_at=NOW - timedelta(hours=1))
        with time_machine.travel(NOW - timedelta(minutes=5), tick=False):
            team_status_set(by=lead, shift=shift, state="available")


@pytest.mark.parametrize("role", ["program_admin", "coordinator"])
def test_the_query_count_does_not_grow_with_the_teams(scene, client, role):
    client.force_login(user_with_role(Role.PROGRAM_ADMIN) if role == "program_admin"
                       else user_with_role(Role.COORDINATOR, scene["org_a"]))
    counts = []
    with time_machine.travel(NOW, tick=False):
        for n, start in ((1, 0), (2, 1)):  # 1 extra team, then 3
            _grow(scene, n, start)
            client.get("/ops/board/live/")  # warm the session
            cache.clear()  # the board's read itself, not its cached copy
            with CaptureQueriesContext(connection) as ctx:
                body = client.get("/ops/board/live/").content.decode()
            counts.append(len(ctx.captured_queries))
            assert f"Extra {start + n - 1}" in body
    assert counts[0] == counts[1]


def test_the_cached_board_shows_a_new_status_at_once_and_a_check_in_within_ten_seconds(scene, client):
    client.force_login(user_with_role(Role.PROGRAM_ADMIN))
    pablo = Assignment.objects.get(responder=scene["pablo"])
    with time_machine.travel(NOW, tick=False):
        assert "Pablo <span class=\"ops-out\">not checked in</span>" in client.get("/ops/board/live/").content.decode()
        Assignment.objects.filter(pk=pablo.pk).update(status=Assignment.Status.CHECKED_IN, checked_in_at=NOW)
        # The same ten seconds: the copy read a moment ago.
        assert "Pablo <span class=\"ops-out\">not checked in</span>" in client.get("/ops/board/live/").content.decode()
    with time_machine.travel(NOW + timedelta(seconds=1), tick=False):
        team_status_set(by=scene["lena"], shift=scene["harbor_1"], state="returning")
        body = client.get("/ops/board/live/").content.decode()
        # A status change is news at once (and the check-in comes with it).
        assert '<span class="ops-tag ops-tag--returning">Returning</span>' in body
        assert "Pablo <span class=\"ops-in\">checked in</span>" in body
    Assignment.objects.filter(pk=pablo.pk).update(status=Assignment.Status.ASSIGNED, checked_in_at=None)
    with time_machine.travel(NOW + timedelta(seconds=10), tick=False):
        assert "Pablo <span class=\"ops-out\">not checked in</span>" in client.get("/ops/board/live/").content.decode()
