"""The scheduling API: the same scoping and permissions as the pages, constant query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.scheduling.models import Assignment, PositionRole, Shift, SwapRequest, TimeOff
from tests.factories.scheduling import make_shift, place, position
from tests.scheduling.conftest import local

pytestmark = pytest.mark.django_db

WED = local(2026, 3, 4, 10)


@pytest.fixture
def api():
    return APIClient()


def _ids(response):
    return [row["id"] for row in response.json()["results"]]


def _count(api, url) -> tuple[int, object]:
    api.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_shift_list_scoped_with_constant_queries(api, team, other_team, coordinator, responder):
    first = make_shift(team=team, starts_at=WED)
    make_shift(team=other_team, starts_at=WED)
    api.force_authenticate(coordinator)
    one, response = _count(api, "/api/v1/scheduling/shifts/")
    assert _ids(response) == [first.pk]
    row = response.json()["results"][0]
    assert (row["team_type"], [p["role"] for p in row["positions"]], row["starts_at"]) == (
        "community-responder", ["lead", "responder"], "2026-03-04T10:00:00-05:00")
    more = [make_shift(team=team, starts_at=WED + timedelta(days=d), status=Shift.Status.DRAFT) for d in (1, 2)]
    three, response = _count(api, "/api/v1/scheduling/shifts/")
    assert (_ids(response), one) == ([first.pk, *[s.pk for s in more]], three)

    api.force_authenticate(responder)
    assert _ids(api.get("/api/v1/scheduling/shifts/")) == [first.pk]  # drafts stay hidden
    assert api.get(f"/api/v1/scheduling/shifts/{more[0].pk}/").status_code == 404


def test_shift_publish_and_cancel_permissions(api, team, coordinator, responder, outsider):
    draft = make_shift(team=team, starts_at=WED, status=Shift.Status.DRAFT)
    published = make_shift(team=team, starts_at=WED + timedelta(days=1))
    api.force_authenticate(outsider)
    assert api.post(f"/api/v1/scheduling/shifts/{draft.pk}/publish/").status_code == 404
    api.force_authenticate(responder)
    assert api.post(f"/api/v1/scheduling/shifts/{published.pk}/cancel/", {"reason": "x"}).status_code == 403
    api.force_authenticate(coordinator)
    assert api.post(f"/api/v1/scheduling/shifts/{draft.pk}/publish/").json()["status"] == "published"
    response = api.post(f"/api/v1/scheduling/shifts/{published.pk}/cancel/", {"reason": ""}, format="json")
    assert (response.status_code, response.json()["errors"]) == (
        400, {"reason": ["Say why the shift is cancelled; the people on it are told."]})


def test_eligibility_endpoint(api, team, other_team, coordinator, responder, peer, outsider):
    shift = make_shift(team=team, starts_at=WED)
    place(shift=shift, responder=peer)
    pos = position(shift)
    api.force_authenticate(responder)
    body = api.get(f"/api/v1/scheduling/eligibility/?position={pos.pk}").json()
    assert (body["allowed"], body["reason_codes"], body["reasons"][0]["overridable"]) == (
        False, ["position_full"], False)
    lead_pos = position(shift, PositionRole.LEAD)
    assert api.get(f"/api/v1/scheduling/eligibility/?position={lead_pos.pk}").json()["reason_codes"] == [
        "role_not_qualified"]
    assert api.get(f"/api/v1/scheduling/eligibility/?position={pos.pk}&user={peer.pk}").status_code == 403

    api.force_authenticate(coordinator)
    body = api.get(f"/api/v1/scheduling/eligibility/?position={lead_pos.pk}&user={peer.pk}").json()
    assert (body["user"], body["reason_codes"]) == (peer.pk, ["role_not_qualified", "overlap", "already_on_shift"])
    assert api.get(f"/api/v1/scheduling/eligibility/?position={pos.pk}&user={outsider.pk}").status_code == 404

    theirs = position(make_shift(team=other_team, starts_at=WED))
    api.force_authenticate(responder)
    assert api.get(f"/api/v1/scheduling/eligibility/?position={theirs.pk}").status_code == 404
    assert api.get("/api/v1/scheduling/eligibility/").status_code == 400


def test_assign_through_the_api(api, team, coordinator, responder, peer, outsider_responder):
    shift = make_shift(team=team, starts_at=WED)
    pos = position(shift)
    api.force_authenticate(responder)
    assert api.post("/api/v1/scheduling/assignments/", {"position": pos.pk, "responder": peer.pk},
                    format="json").status_code == 403
    api.force_authenticate(coordinator)
    assert api.post("/api/v1/scheduling/assignments/", {"position": pos.pk, "responder": outsider_responder.pk},
                    format="json").status_code == 404
    response = api.post("/api/v1/scheduling/assignments/", {"position": pos.pk, "responder": responder.pk},
                        format="json")
    assert (response.status_code, response.json()["responder"], response.json()["source"]) == (
        201, responder.pk, "coordinator")
    response = api.post("/api/v1/scheduling/assignments/", {"position": pos.pk, "responder": peer.pk},
                        format="json")
    assert (response.status_code, response.json()["code"], response.json()["errors"]) == (
        400, "position_full", {"responder": ["Every place of this position is taken."]})
    response = api.post("/api/v1/scheduling/assignments/", {"position": pos.pk, "responder": peer.pk,
                                                            "overrides": ["overlap"]}, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["overrides"])


def test_sign_up_and_my_shifts_with_constant_queries(api, team, responder, coordinator):
    api.force_authenticate(responder)
    first = make_shift(team=team, starts_at=WED)
    response = api.post(f"/api/v1/scheduling/positions/{position(first).pk}/sign-up/")
    assert (response.status_code, response.json()["role"]) == (201, "responder")
    one, response = _count(api, "/api/v1/scheduling/my-shifts/")
    assert [r["shift"] for r in response.json()["results"]] == [first.pk]
    for d in (2, 4):
        place(shift=make_shift(team=team, starts_at=WED + timedelta(days=d)), responder=responder)
    three, response = _count(api, "/api/v1/scheduling/my-shifts/")
    assert (len(response.json()["results"]), one) == (3, three)

    refused = api.post(f"/api/v1/scheduling/positions/{position(first, PositionRole.LEAD).pk}/sign-up/")
    assert (refused.status_code, refused.json()["code"]) == (400, "role_not_qualified")
    api.force_authenticate(coordinator)
    assert api.post(f"/api/v1/scheduling/positions/{position(first).pk}/sign-up/").status_code == 403


def test_assignment_list_scoped_with_constant_queries(api, team, coordinator, responder, peer, outsider):
    mine = place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    api.force_authenticate(peer)
    assert _ids(api.get("/api/v1/scheduling/assignments/")) == []
    assert api.post(f"/api/v1/scheduling/assignments/{mine.pk}/cancel/").status_code == 404
    api.force_authenticate(outsider)
    assert _ids(api.get("/api/v1/scheduling/assignments/")) == []
    api.force_authenticate(coordinator)
    one, response = _count(api, "/api/v1/scheduling/assignments/")
    for d in (1, 3):
        place(shift=make_shift(team=team, starts_at=WED + timedelta(days=d)), responder=peer)
    three, response = _count(api, "/api/v1/scheduling/assignments/")
    assert (len(_ids(response)), one) == (3, three)
    api.force_authenticate(responder)
    response = api.post(f"/api/v1/scheduling/assignments/{mine.pk}/cancel/", {"reason": "Sick"}, format="json")
    assert (response.json()["status"], response.json()["cancel_reason"]) == ("cancelled", "Sick")


def test_swaps_through_the_api(api, team, coordinator, responder, peer):
    a = place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    api.force_authenticate(peer)
    assert api.post("/api/v1/scheduling/swaps/", {"assignment": a.pk}, format="json").status_code == 404
    api.force_authenticate(responder)
    swap_id = api.post("/api/v1/scheduling/swaps/", {"assignment": a.pk, "note": "Exam"}, format="json").json()["id"]
    api.force_authenticate(peer)
    assert api.post(f"/api/v1/scheduling/swaps/{swap_id}/accept/").json()["status"] == "pending_approval"
    assert api.post(f"/api/v1/scheduling/swaps/{swap_id}/approve/").status_code == 403
    api.force_authenticate(coordinator)
    body = api.post(f"/api/v1/scheduling/swaps/{swap_id}/approve/").json()
    assert body["status"] == "approved"
    assert Assignment.objects.get(pk=body["new_assignment"]).responder == peer
    assert SwapRequest.objects.get(pk=swap_id).decided_by == coordinator


def test_time_off_through_the_api(api, org, other_org, coordinator, responder, outsider):
    api.force_authenticate(responder)
    response = api.post("/api/v1/scheduling/time-off/", {
        "organization": other_org.pk, "starts_at": "2026-03-10T08:00:00-04:00",
        "ends_at": "2026-03-11T08:00:00-04:00"}, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (400, ["organization"])
    response = api.post("/api/v1/scheduling/time-off/", {
        "organization": org.pk, "starts_at": "2026-03-10T08:00:00-04:00", "ends_at": "2026-03-11T08:00:00-04:00",
        "reason": "Trip"}, format="json")
    row_id = response.json()["id"]
    assert api.post(f"/api/v1/scheduling/time-off/{row_id}/approve/").status_code == 403
    api.force_authenticate(outsider)
    assert api.post(f"/api/v1/scheduling/time-off/{row_id}/approve/").status_code == 404
    api.force_authenticate(coordinator)
    assert api.post(f"/api/v1/scheduling/time-off/{row_id}/deny/", {"note": "Short-staffed"},
                    format="json").json()["status"] == "denied"
    assert TimeOff.objects.get(pk=row_id).decision_note == "Short-staffed"


def test_api_requires_authentication(api):
    assert api.get("/api/v1/scheduling/shifts/").status_code == 401


def test_assign_with_a_body_that_is_not_json_gets_the_plain_error_body(api):
    # Found by the API fuzz: the documented 400 (Refusal) required `code`, which only the
    # eligibility engine's refusals carry.
    from drf_spectacular.generators import SchemaGenerator

    from apps.accounts.roles import Role
    from tests.factories import user_with_role

    api.force_authenticate(user_with_role(Role.COORDINATOR))
    response = api.post("/api/v1/scheduling/assignments/", "\x00", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - Expecting value: line 1 column 1 (char 0)", "errors": {}}
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert schema["components"]["schemas"]["Refusal"]["required"] == ["detail", "errors"]


def test_shift_cancel_reason_that_is_not_a_string_is_a_400_on_the_field(api, team, coordinator):
    # Issue 16: DRF's CharField read {"reason": 0} as "0" and cancelled the shift; the schema says a string.
    published = make_shift(team=team, starts_at=WED)
    api.force_authenticate(coordinator)
    for reason in (0, 1.5, True, ["Storm"], {"text": "Storm"}):
        response = api.post(f"/api/v1/scheduling/shifts/{published.pk}/cancel/", {"reason": reason}, format="json")
        assert (response.status_code, response.json()["errors"]) == (400, {"reason": ["Not a valid string."]})
    published.refresh_from_db()
    assert published.status == Shift.Status.PUBLISHED


def test_time_off_reason_that_is_not_a_string_is_a_400_on_the_field(api, org, responder):
    # The same rule for a model serializer that takes input: TimeOff.reason is a text column.
    api.force_authenticate(responder)
    response = api.post("/api/v1/scheduling/time-off/", {
        "organization": org.pk, "starts_at": "2026-03-10T08:00:00-04:00", "ends_at": "2026-03-11T08:00:00-04:00",
        "reason": 7}, format="json")
    assert (response.status_code, response.json()["errors"]) == (400, {"reason": ["Not a valid string."]})
    assert TimeOff.objects.count() == 0


@pytest.mark.parametrize("url", ["/api/v1/scheduling/shifts/?team={id}", "/api/v1/scheduling/positions/?shift={id}",
                                 "/api/v1/scheduling/assignments/?shift={id}",
                                 "/api/v1/scheduling/assignments/?responder={id}"])
def test_filter_on_an_id_that_is_not_yours_or_does_not_exist_is_an_empty_list(api, url, team, other_team,
                                                                              coordinator, outsider):
    # Issue 16: `?team=0` passed the schema (an integer) and answered 400 "Select a valid choice", while
    # another organization's team answered an empty list: the 400 told which ids exist elsewhere.
    theirs = make_shift(team=other_team, starts_at=WED)
    place(shift=theirs, responder=outsider)
    ids = {"team": other_team.pk, "shift": theirs.pk, "responder": outsider.pk}
    api.force_authenticate(coordinator)
    for value in (0, -1, 2**31, 10**20, ids[url.rsplit("?", 1)[1].split("=")[0]]):
        response = api.get(url.format(id=value))
        assert (response.status_code, response.json()["results"]) == (200, [])


def test_filter_on_an_id_still_filters_and_refuses_what_is_not_an_integer(api, team, coordinator):
    mine = make_shift(team=team, starts_at=WED)
    api.force_authenticate(coordinator)
    assert _ids(api.get(f"/api/v1/scheduling/shifts/?team={team.pk}")) == [mine.pk]
    for value in ("harbor", "1.5"):
        response = api.get(f"/api/v1/scheduling/shifts/?team={value}")
        assert (response.status_code, response.json()["errors"]) == (400, {"team": ["Enter a whole number."]})
