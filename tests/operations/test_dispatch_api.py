"""The dispatch API: who can take a call now and the status-changes feed, read with a service token or by a
dispatcher / program admin; nothing personal in any answer."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.operations.models import ServiceScope, ServiceToken, TeamState, TeamStatusChange
from apps.operations.tokens import service_token_create, service_token_revoke
from tests.factories import CityDepartmentFactory, OrganizationFactory, user_with_role
from tests.operations.dispatch_scene import NOW, build_scene

pytestmark = pytest.mark.django_db

ON_DUTY = "/api/v1/dispatch/on-duty/"
FEED = "/api/v1/dispatch/status-changes/"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def admin(clock):
    return user_with_role(Role.PROGRAM_ADMIN, CityDepartmentFactory())


@pytest.fixture
def scene(clock):
    return build_scene()


def _token(admin, *, scopes=(ServiceScope.DISPATCH_READ,), days=30):
    return service_token_create(by=admin, name="CAD", scopes=list(scopes), expires_at=NOW + timedelta(days=days))


def _bearer(raw) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_on_duty_orders_the_teams_able_to_take_a_call(admin, scene):
    _token_row, raw = _token(admin)
    response = _bearer(raw).get(ON_DUTY, {"zone": "dorchester"})
    assert response.status_code == 200
    body = response.json()
    s = scene.shifts
    # Available first (the longest waiting first), then returning; on a call, ended, not started and
    # other zones' teams are left out.
    assert [t["shift"] for t in body["teams"]] == [s["available_old"].pk, s["available_new"].pk, s["returning"].pk]
    assert body["zone"] == "dorchester"
    first = body["teams"][0]
    assert first == {
        "shift": s["available_old"].pk, "team": "Team Available Old", "organization": "Harborlight Peer Outreach",
        "state": "available", "since": "2027-03-14T20:10:00-04:00", "current_zone": "dorchester",
        "zones": ["dorchester"], "ends_at": "2027-03-15T03:00:00-04:00",
        "members": [{"first_name": "Rosa", "languages": ["en", "es"], "is_lead": True, "checked_in": True},
                    {"first_name": "Jean", "languages": ["ht"], "is_lead": False, "checked_in": True}],
        "languages": ["en", "es", "ht"], "lead_present": True,
    }
    assert body["teams"][1]["zones"] == ["dorchester", "roxbury"]


def test_on_duty_without_zone_answers_every_zone(admin, scene):
    _row, raw = _token(admin)
    body = _bearer(raw).get(ON_DUTY).json()
    s = scene.shifts
    assert body["zone"] is None
    assert [t["shift"] for t in body["teams"]] == [s["available_old"].pk, s["available_new"].pk, s["returning"].pk,
                                                   s["roxbury"].pk]
    assert [t["state"] for t in body["teams"]] == ["available", "available", "returning", "on_break"]


def test_on_duty_a_shift_is_dispatchable_only_while_it_runs(admin, scene):
    """The ended shift was available before it ended; the later one is not on duty until it starts."""
    _row, raw = _token(admin)
    client = _bearer(raw)
    ended = scene.shifts["ended"]
    with time_machine.travel(ended.ends_at - timedelta(minutes=1), tick=False):
        shown = [t["shift"] for t in client.get(ON_DUTY, {"zone": "dorchester"}).json()["teams"]]
        assert ended.pk in shown
    with time_machine.travel(ended.ends_at, tick=False):
        shown = [t["shift"] for t in client.get(ON_DUTY, {"zone": "dorchester"}).json()["teams"]]
        assert ended.pk not in shown


def test_on_duty_unknown_zone_is_400_naming_the_field(admin, scene):
    _row, raw = _token(admin)
    response = _bearer(raw).get(ON_DUTY, {"zone": "atlantis"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["zone"]
    assert "atlantis" in response.json()["errors"]["zone"][0]


def test_status_changes_pages_by_cursor(admin, scene):
    _row, raw = _token(admin)
    client = _bearer(raw)
    ids = list(TeamStatusChange.objects.order_by("id").values_list("id", flat=True))
    assert len(ids) == 6
    body = client.get(FEED).json()
    assert [c["id"] for c in body["results"]] == ids
    assert body["next"] == ids[-1] and body["has_more"] is False
    first = body["results"][0]
    assert first == {"id": ids[0], "shift": scene.shifts["available_old"].pk, "team": "Team Available Old",
                     "state": "available", "previous_state": "available", "zone": "dorchester",
                     "at": "2027-03-14T20:10:00-04:00"}
    body = client.get(FEED, {"after": ids[3]}).json()
    assert [c["id"] for c in body["results"]] == ids[4:]
    # Nothing new: the same cursor back, an empty page.
    assert client.get(FEED, {"after": ids[-1]}).json() == {"results": [], "next": ids[-1], "has_more": False}


def test_status_changes_at_most_a_hundred(admin, scene):
    shift = scene.shifts["on_call"]
    TeamStatusChange.objects.bulk_create([TeamStatusChange(shift=shift, state=TeamState.AVAILABLE,
                                                           at=NOW - timedelta(minutes=1)) for _ in range(120)])
    _row, raw = _token(admin)
    body = _bearer(raw).get(FEED).json()
    assert len(body["results"]) == 100 and body["has_more"] is True
    rest = _bearer(raw).get(FEED, {"after": body["next"]}).json()
    assert len(rest["results"]) == 26 and rest["has_more"] is False


def test_a_change_is_served_once_it_has_settled(admin, scene, clock):
    """A change is served two seconds after it was made, so one that commits after a later id was read is
    never skipped; it is never lost, only that much later."""
    _row, raw = _token(admin)
    client = _bearer(raw)
    cursor = client.get(FEED).json()["next"]
    change = TeamStatusChange.objects.create(shift=scene.shifts["on_call"], state=TeamState.AVAILABLE, at=NOW)
    assert client.get(FEED, {"after": cursor}).json() == {"results": [], "next": cursor, "has_more": False}
    clock.shift(timedelta(seconds=2))
    assert [c["id"] for c in client.get(FEED, {"after": cursor}).json()["results"]] == [change.pk]


@pytest.mark.parametrize("after", ["-1", "abc", "1.5"])
def test_status_changes_bad_cursor_is_400(admin, scene, after):
    _row, raw = _token(admin)
    response = _bearer(raw).get(FEED, {"after": after})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["after"]


# --- who may read -------------------------------------------------------------------------------------

def test_expired_token_is_401_and_valid_the_instant_before(admin, scene):
    row, raw = _token(admin, days=1)
    with time_machine.travel(row.expires_at - timedelta(seconds=1), tick=False):
        assert _bearer(raw).get(ON_DUTY).status_code == 200
    with time_machine.travel(row.expires_at, tick=False):
        response = _bearer(raw).get(ON_DUTY)
        assert response.status_code == 401
        assert response.json()["detail"] == "This service token has expired."
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_revoked_token_is_401(admin, scene):
    row, raw = _token(admin)
    assert _bearer(raw).get(ON_DUTY).status_code == 200
    service_token_revoke(by=admin, token=row)
    response = _bearer(raw).get(ON_DUTY)
    assert response.status_code == 401
    assert response.json()["detail"] == "This service token has been revoked."


def test_unknown_token_is_401(scene):
    response = _bearer("cps_not-a-token").get(ON_DUTY)
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid service token."


def test_token_without_the_scope_is_403(admin, scene):
    row, raw = _token(admin)
    # A scope whose name starts like the one needed: a list is checked, never a substring of its text.
    ServiceToken.objects.filter(pk=row.pk).update(scopes=["dispatch:readonly", "encounters:write"])
    assert _bearer(raw).get(ON_DUTY).status_code == 403
    assert _bearer(raw).get(FEED).status_code == 403


def test_every_use_is_counted(admin, scene, clock):
    row, raw = _token(admin)
    client = _bearer(raw)
    assert (row.use_count, row.last_used_at) == (0, None)
    client.get(ON_DUTY)
    clock.shift(timedelta(seconds=7))
    client.get(FEED)
    client.get(ON_DUTY, {"zone": "atlantis"})  # a 400 is a use too
    row.refresh_from_db()
    assert row.use_count == 3
    assert row.last_used_at == NOW + timedelta(seconds=7)


@pytest.mark.parametrize(("role", "status"), [
    (Role.DISPATCHER, 200), (Role.PROGRAM_ADMIN, 200), (Role.COORDINATOR, 403), (Role.RESPONDER, 403),
    (Role.PROGRAM_EVALUATOR, 403), (Role.MODERATOR, 403),
])
def test_people_who_may_read(scene, role, status):
    from apps.accounts.roles import ROLE_ORGANIZATION_KINDS

    kind = sorted(ROLE_ORGANIZATION_KINDS[role])[0]
    user = user_with_role(role, OrganizationFactory(kind=kind))
    client = APIClient()
    client.force_login(user)
    assert client.get(ON_DUTY).status_code == status
    assert client.get(FEED).status_code == status


def test_anonymous_is_401(scene):
    assert APIClient().get(ON_DUTY).status_code == 401
    assert APIClient().get(FEED).status_code == 401


def _get_operations() -> list[str]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(path for path, ops in schema["paths"].items() if "get" in ops)


def test_service_token_opens_nothing_but_the_dispatch_endpoints(admin, scene):
    _row, raw = _token(admin)
    client = _bearer(raw)
    paths = _get_operations()
    reached = []
    for path in paths:
        url = re.sub(r"\{[^}]+\}", "1", path)
        status = client.get(url).status_code
        if path.startswith("/api/v1/dispatch/"):
            assert status == 200, path
            reached.append(path)
        else:
            # Public reference data included: a service token is refused, never taken for anonymous.
            assert status == 403, (path, status)
    assert reached == [ON_DUTY, FEED]
    assert len(paths) > 50
    # An expired token elsewhere is a 401, as on the dispatch endpoints.
    with time_machine.travel(NOW + timedelta(days=31), tick=False):
        assert client.get("/api/v1/neighborhoods/").status_code == 401


def test_personal_token_of_a_dispatcher_reads_dispatch(scene):
    from apps.accounts.services import api_token_create

    dispatcher = user_with_role(Role.DISPATCHER, CityDepartmentFactory())
    _token_row, raw = api_token_create(user=dispatcher, name="desk")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    assert client.get(ON_DUTY).status_code == 200


# --- nothing personal ---------------------------------------------------------------------------------

ALLOWED_KEYS = {"at", "zone", "teams", "shift", "team", "organization", "state", "since", "current_zone", "zones",
                "ends_at", "members", "first_name", "languages", "is_lead", "checked_in", "lead_present",
                "results", "id", "previous_state", "next", "has_more"}
PERSONAL_KEY = re.compile(r"email|phone|address|birth|last_name|full_name|user|responder|street|lat|lon", re.I)


def _walk(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield "key", f"{path}.{k}", k
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield "value", path, value


def test_nothing_personal_in_any_dispatch_answer(admin, scene):
    _row, raw = _token(admin)
    client = _bearer(raw)
    forbidden = [(kind, s) for p in scene.people for kind, s in (
        ("email", p.email), ("last name", p.full_name.split(" ", 1)[1]), ("full name", p.full_name),
        ("phone", p.phone), ("phone digits", re.sub(r"\D", "", p.phone)))]
    # Control: the strings are the people's own, and their first names do reach the answer.
    body = client.get(ON_DUTY).json()
    assert {"Rosa", "Jean", "Amir"} <= {m["first_name"] for t in body["teams"] for m in t["members"]}
    assert all(s for _kind, s in forbidden)
    answers = [body, client.get(ON_DUTY, {"zone": "dorchester"}).json(), client.get(FEED).json()]
    # Every number is a shift's or a status change's id (or a cursor): never a person's.
    numbers = {"shift": {s.pk for s in scene.shifts.values()},
               "id": set(TeamStatusChange.objects.values_list("id", flat=True))}
    numbers["next"] = numbers["id"] | {0}
    swept = 0
    for answer in answers:
        text = json.dumps(answer)
        assert [(kind, s) for kind, s in forbidden if s in text] == []
        for kind, path, item in _walk(answer):
            swept += 1
            if kind == "key":
                assert item in ALLOWED_KEYS, path
                assert item == "first_name" or not PERSONAL_KEY.search(item), path
            elif isinstance(item, str):
                assert "@" not in item, path
            elif isinstance(item, int) and not isinstance(item, bool):
                assert item in numbers[path.rsplit(".", 1)[-1]], path
    assert swept > 100


def test_schema_documents_the_dispatch_api_with_examples(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    schema = json.loads(response.content)
    operation = schema["paths"]["/api/v1/dispatch/on-duty/"]["get"]
    assert {"serviceToken": []} in operation["security"]
    example = operation["responses"]["200"]["content"]["application/json"]["examples"]
    assert next(iter(example.values()))["value"]["teams"][0]["members"][0] == {
        "first_name": "Rosa", "languages": ["en", "es"], "is_lead": True, "checked_in": True}
    assert "load_neighborhood_boundaries" in operation["description"]
    assert [p["name"] for p in operation["parameters"]] == ["lat", "lon", "zone"]
    assert schema["components"]["securitySchemes"]["serviceToken"]["scheme"] == "bearer"
    feed = schema["paths"]["/api/v1/dispatch/status-changes/"]["get"]
    assert [p["name"] for p in feed["parameters"]] == ["after"]


def _queries(client, url, params=None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_teams(admin, clock):
    """1 team on duty, then 3: the same queries (the token counted and read in one, the zone, duty_shifts' five)."""
    from apps.operations.models import TeamStatus
    from apps.scheduling.models import Assignment, PositionRole
    from tests.factories.engagement import neighborhood
    from tests.factories.scheduling import TeamFactory, make_shift, place

    _row, raw = _token(admin)
    client = _bearer(raw)
    org = OrganizationFactory()
    counts, feed = [], []
    for n in range(3):
        team = TeamFactory(organization=org, name=f"Team {n}")
        shift = make_shift(team=team, starts_at=NOW - timedelta(hours=1), zones=[neighborhood("Dorchester")])
        for role in (PositionRole.LEAD, PositionRole.RESPONDER):
            place(shift=shift, responder=user_with_role(Role.RESPONDER, org), role=role,
                  status=Assignment.Status.CHECKED_IN, checked_in_at=shift.starts_at)
        TeamStatus.objects.create(shift=shift, state=TeamState.AVAILABLE, zone=neighborhood("Dorchester"), since=NOW)
        TeamStatusChange.objects.create(shift=shift, state=TeamState.AVAILABLE, zone=neighborhood("Roxbury"), at=NOW)
        if n != 1:
            counts.append(_queries(client, ON_DUTY, {"zone": "dorchester"}))
            feed.append(_queries(client, FEED))
    assert len(client.get(ON_DUTY, {"zone": "dorchester"}).json()["teams"]) == 3
    assert counts == [7, 7]
    assert feed == [2, 2]


def test_among_equals_a_team_with_its_lead_checked_in_comes_first(admin, clock):
    """Two teams available since the same instant: the one whose lead is checked in first; a team that has not
    reported but has someone checked in is taken as available (since: null), after the teams that said so."""
    from apps.operations.models import TeamStatus
    from apps.scheduling.models import Assignment, PositionRole
    from tests.factories.engagement import neighborhood
    from tests.factories.scheduling import TeamFactory, make_shift, place

    org = OrganizationFactory()
    dorchester = neighborhood("Dorchester")
    shifts = {}
    for key, lead_status in (("no_lead", Assignment.Status.ASSIGNED), ("lead", Assignment.Status.CHECKED_IN),
                             ("unreported", Assignment.Status.CHECKED_IN)):
        shift = make_shift(team=TeamFactory(organization=org, name=f"Team {key}"), starts_at=NOW - timedelta(hours=1),
                           zones=[dorchester])
        place(shift=shift, responder=user_with_role(Role.RESPONDER, org), role=PositionRole.LEAD, status=lead_status,
              checked_in_at=shift.starts_at if lead_status == Assignment.Status.CHECKED_IN else None)
        place(shift=shift, responder=user_with_role(Role.RESPONDER, org), status=Assignment.Status.CHECKED_IN,
              checked_in_at=shift.starts_at)
        if key != "unreported":
            TeamStatus.objects.create(shift=shift, state=TeamState.AVAILABLE, since=NOW - timedelta(minutes=15))
        shifts[key] = shift
    _row, raw = _token(admin)
    teams = _bearer(raw).get(ON_DUTY, {"zone": "dorchester"}).json()["teams"]
    assert [(t["shift"], t["state"], t["since"], t["lead_present"]) for t in teams] == [
        (shifts["lead"].pk, "available", "2027-03-14T20:45:00-04:00", True),
        (shifts["no_lead"].pk, "available", "2027-03-14T20:45:00-04:00", False),
        (shifts["unreported"].pk, "available", None, True),
    ]


def test_on_duty_for_a_point_answers_for_its_neighborhood(admin, scene, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from apps.core.geo import boundaries_load

    cache.clear()
    square = [[-71.08, 42.28], [-71.03, 42.28], [-71.03, 42.32], [-71.08, 42.32], [-71.08, 42.28]]
    client = _bearer(_token(admin)[1])
    # No outlines loaded yet: a specific 400 on `lat`, never a guess.
    response = client.get(ON_DUTY, {"lat": "42.30", "lon": "-71.05"})
    assert response.status_code == 400
    assert "No neighborhood boundaries are loaded" in response.json()["errors"]["lat"][0]
    with django_capture_on_commit_callbacks(execute=True):
        boundaries_load(by=admin, geojson_text=json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": "Dorchester"},
             "geometry": {"type": "Polygon", "coordinates": [square]}}]}))
    by_point = client.get(ON_DUTY, {"lat": "42.30", "lon": "-71.05"})
    by_zone = client.get(ON_DUTY, {"zone": "dorchester"})
    assert by_point.status_code == 200
    assert by_point.json()["zone"] == "dorchester"
    assert [t["shift"] for t in by_point.json()["teams"]] == [t["shift"] for t in by_zone.json()["teams"]]
    outside = client.get(ON_DUTY, {"lat": "42.40", "lon": "-71.00"})
    assert outside.status_code == 400 and "in none of the city's neighborhoods" in outside.json()["errors"]["lat"][0]
    cache.clear()


@pytest.mark.parametrize(("query", "field"), [
    ({"lat": "42.3"}, "lon"),
    ({"lon": "-71.0"}, "lat"),
    ({"lat": "42.3", "lon": "-71.0", "zone": "dorchester"}, "zone"),
    ({"lat": "91", "lon": "-71.0"}, "lat"),
    ({"lat": "42.3", "lon": "-181"}, "lon"),
    ({"lat": "nan", "lon": "-71.0"}, "lat"),
    ({"lat": "north", "lon": "-71.0"}, "lat"),
])
def test_a_bad_point_is_a_400_on_its_field(admin, scene, query, field):
    response = _bearer(_token(admin)[1]).get(ON_DUTY, query)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
