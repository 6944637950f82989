"""The schedule board: people × days of several teams, open places with their candidates, assigning
through the assignment service, publishing the weeks shown; and the shift page's assign list."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from apps.accounts.roles import Role
from apps.scheduling.models import Assignment, PositionRole, Shift
from tests.factories import user_with_role
from tests.factories.engagement import neighborhood
from tests.factories.scheduling import TeamFactory, make_shift, place, position
from tests.scheduling.conftest import clear, local

pytestmark = pytest.mark.django_db

# The clock stands at Monday 2 March 2026, 09:00 (conftest). Wednesday of this week, 10:00–18:00.
WED = local(2026, 3, 4, 10)
BOARD = reverse("scheduling:board")
RAY_NOT_LEAD = "Cleared for duty only as Community responder, not for the Team lead position."


def _board(client, **params):
    query = urlencode({"week": "2026-03-02", **params}, doseq=True)
    return client.get(f"{BOARD}?{query}")


def _candidates(pos) -> str:
    return reverse("scheduling:position-candidates", args=[pos.pk])


def _cell(response, person, day: int) -> list[dict]:
    return {p.pk: cells for p, cells in response.context["board"].rows}[person.pk][day]


# --- who may see it ------------------------------------------------------------------------------------

def test_board_is_for_coordinators_of_the_team(client, team, other_team, coordinator, outsider, responder):
    make_shift(team=team, starts_at=WED)
    client.force_login(coordinator)
    response = _board(client)
    assert response.status_code == 200
    assert [t.pk for t in response.context["query"].teams] == [team.pk]
    # Another organization's team is not there to choose: a 404, like its shifts.
    assert _board(client, team=[other_team.pk]).status_code == 404
    assert _board(client, team=["x"]).status_code == 404
    client.force_login(outsider)
    response = _board(client)
    assert [t.pk for t in response.context["query"].teams] == [other_team.pk]
    assert response.context["board"].shifts == 0
    client.force_login(responder)
    assert _board(client).status_code == 403


def test_candidates_of_another_organization_are_404_and_responders_403(client, team, outsider, responder):
    pos = position(make_shift(team=team, starts_at=WED))
    client.force_login(outsider)
    assert client.get(_candidates(pos)).status_code == 404
    assert client.post(_candidates(pos), {"responder": responder.pk}).status_code == 404
    client.force_login(responder)
    assert client.get(_candidates(pos)).status_code == 403
    assert client.post(_candidates(pos), {"responder": responder.pk}).status_code == 403
    assert not Assignment.objects.exists()


# --- what it shows -------------------------------------------------------------------------------------

def test_board_shows_each_persons_shifts_and_each_days_open_places(client, team, coordinator, responder, peer):
    shift = make_shift(team=team, starts_at=WED)
    draft = make_shift(team=team, starts_at=WED + timedelta(days=1), status=Shift.Status.DRAFT)
    place(shift=shift, responder=responder)
    client.force_login(coordinator)
    response = _board(client)
    board = response.context["board"]
    assert [c["day"].isoformat() for c in board.columns][:3] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert [p.name for p, _ in board.rows] == ["Pat Peer", "Ray Sponder"]
    assert [(e["team"], e["time"], e["role"], e["marker"]) for e in _cell(response, responder, 2)] == [
        ("Dorchester day", "10:00–18:00", "Community responder", "")]
    assert _cell(response, peer, 2) == []
    wednesday, thursday = board.shift_row[2], board.shift_row[3]
    assert [(p["role"], p["text"], p["actionable"]) for p in wednesday[0]["places"]] == [("Team lead", "1 open", True)]
    assert (thursday[0]["marker"], [p["role"] for p in thursday[0]["places"]]) == (
        "Draft", ["Team lead", "Community responder"])
    assert (board.shifts, board.open_places, board.drafts) == (2, 3, 1)
    html = response.content.decode()
    lead = position(shift, PositionRole.LEAD)
    # A real link to the candidates (htmx loads it into the panel; without JavaScript it is a page).
    assert f'<a class="bd-open" href="{_candidates(lead)}?next=' in html
    assert f'hx-get="{_candidates(lead)}?next=' in html
    assert '<span class="usa-tag bd-marker">Draft</span>' in html
    assert f"/shifts/shifts/{draft.pk}/" in html


def test_board_filters_by_team_zone_role_and_span(client, org, team, coordinator, responder, lead):
    east, south = neighborhood("East Boston"), neighborhood("South End")
    night = TeamFactory(organization=org, name="Roxbury night")
    team.zones.set([east])
    night.zones.set([south])
    day_shift = make_shift(team=team, starts_at=WED, zones=[east])
    night_shift = make_shift(team=night, starts_at=WED + timedelta(hours=10), zones=[south])
    later = make_shift(team=team, starts_at=WED + timedelta(days=7), zones=[east])
    place(shift=day_shift, responder=responder)
    place(shift=night_shift, responder=lead, role=PositionRole.LEAD)
    client.force_login(coordinator)

    def shown(response):
        return sorted((s["team"], s["time"]) for day in response.context["board"].shift_row for s in day)

    assert shown(_board(client)) == [("Dorchester day", "10:00–18:00"), ("Roxbury night", "20:00–04:00 (+1)")]
    assert shown(_board(client, team=[night.pk])) == [("Roxbury night", "20:00–04:00 (+1)")]
    assert shown(_board(client, zone=east.pk)) == [("Dorchester day", "10:00–18:00")]
    response = _board(client, role=PositionRole.LEAD)
    assert [[p["role"] for p in s["places"]] for day in response.context["board"].shift_row for s in day] == [
        ["Team lead"], []]
    assert _cell(response, responder, 2) == []  # Ray is on as a responder, not a lead
    assert [e["role"] for e in _cell(response, lead, 2)] == ["Team lead"]
    two = _board(client, span=2)
    assert len(two.context["board"].columns) == 14
    assert ("Dorchester day", "10:00–18:00") in shown(two) and len(shown(two)) == 3
    assert later.pk and "span=2" in two.context["next"]
    # Filters stay in the week links.
    assert _board(client, zone=east.pk).context["next"] == f"?zone={east.pk}&week=2026-03-09"


def test_board_query_count_does_not_grow_with_people_or_shifts(client, org, team, coordinator, cpr,
                                                               django_assert_num_queries):
    def grow(n):
        for k in range(n):
            person = clear(user_with_role(Role.RESPONDER, org, full_name=f"Person {k}{n}"), org, cpr)
            shift = make_shift(team=team, starts_at=WED + timedelta(days=k % 4, hours=k))
            place(shift=shift, responder=person)

    client.force_login(coordinator)
    grow(1)
    _board(client)
    with CaptureQueriesContext(connection) as one:
        assert _board(client).status_code == 200
    grow(3)
    with django_assert_num_queries(len(one.captured_queries)):
        response = _board(client)
    assert len(response.context["board"].rows) == 4
    assert response.context["board"].shifts == 4


# --- candidates and assigning --------------------------------------------------------------------------

def test_candidates_list_each_name_with_a_tick_or_the_reasons(client, team, coordinator, responder, lead):
    pos = position(make_shift(team=team, starts_at=WED), PositionRole.LEAD)
    client.force_login(coordinator)
    response = client.get(_candidates(pos), {"next": f"{BOARD}?week=2026-03-02"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<h2" in html  # the panel, without the page around it
    assert [p.full_name for p, _ in response.context["eligible"]] == ["Lee Lead"]
    assert [(p.full_name, e.reason_codes) for p, e in response.context["refused"]] == [
        ("Ray Sponder", ["role_not_qualified"])]
    assert RAY_NOT_LEAD in html
    assert '<span class="usa-sr-only"> Lee Lead</span>' in html  # "Assign Lee Lead"


def test_no_javascript_the_candidates_are_a_page_and_assigning_returns_to_the_board(client, team, coordinator,
                                                                                    lead):
    shift = make_shift(team=team, starts_at=WED)
    pos = position(shift, PositionRole.LEAD)
    back = f"{BOARD}?week=2026-03-02"
    client.force_login(coordinator)
    page = client.get(_candidates(pos), {"next": back})
    html = page.content.decode()
    assert "<html" in html and '<h1 id="candidates-heading">' in html
    assert f'<form method="post" class="cand-assign" action="{_candidates(pos)}">' in html
    response = client.post(_candidates(pos), {"responder": lead.pk, "next": back})
    assert (response.status_code, response["Location"]) == (302, back)
    assignment = Assignment.objects.get(shift=shift)
    assert (assignment.responder, assignment.position.role, assignment.assigned_by) == (lead, "lead", coordinator)
    board = client.get(back)
    assert [e["role"] for e in _cell(board, lead, 2)] == ["Team lead"]
    assert "Lee Lead is on the shift as Team lead." in board.content.decode()
    # The lead's place is taken: only the responder's is left open.
    assert [p["role"] for p in board.context["board"].shift_row[2][0]["places"]] == ["Community responder"]


def test_assigning_from_the_panel_swaps_the_two_cells_it_changed(client, team, coordinator, lead, responder):
    shift = make_shift(team=team, starts_at=WED)
    pos = position(shift, PositionRole.LEAD)
    back = f"{BOARD}?team={team.pk}&week=2026-03-02"
    client.force_login(coordinator)
    htmx = {"HTTP_HX_REQUEST": "true"}
    panel = client.get(_candidates(pos), {"next": back}, **htmx).content.decode()
    assert "<html" not in panel
    assert f'hx-post="{_candidates(pos)}" hx-target="#board-panel"' in panel
    response = client.post(_candidates(pos), {"responder": lead.pk, "next": back}, **htmx)
    assert response.status_code == 200  # no redirect: the board stays where it is
    html = response.content.decode()
    assert "Lee Lead is on the shift as Team lead." in html
    assert "Every place of this position is taken." in html  # the panel again: the lead position is full
    # Wednesday's cell of the first row and of the lead's row, as out-of-band swaps; nothing else.
    assert html.count('hx-swap-oob="true"') == 3
    assert '<p id="bd-counts" hx-swap-oob="true">1 shift · 1 open place to fill' in html
    assert '<template><td hx-swap-oob="true" id="bd-s-2">' in html
    assert f'<template><td hx-swap-oob="true" id="bd-p-{lead.pk}-2"><a class="bd-entry' in html
    assert f'id="bd-p-{responder.pk}-2"' not in html
    # The same ids are the board's own, so the swap lands on them.
    board = _board(client, team=team.pk).content.decode()
    assert 'id="bd-s-2"' in board and f'id="bd-p-{lead.pk}-2"' in board
    assert "Lee Lead is on the shift" not in board  # said once, in the panel, not again on the next page


def test_assigning_someone_the_engine_refuses_shows_its_reason(client, team, coordinator, responder):
    pos = position(make_shift(team=team, starts_at=WED), PositionRole.LEAD)
    client.force_login(coordinator)
    response = client.post(_candidates(pos), {"responder": responder.pk, "next": BOARD})
    assert response.status_code == 400
    assert RAY_NOT_LEAD in response.content.decode()
    (error,) = response.context["form"].errors["responder"]
    assert error.startswith(RAY_NOT_LEAD)
    assert response.context["failed_for"] == str(responder.pk)
    assert not Assignment.objects.exists()
    # From the board's panel the same refusal comes back as the panel (htmx swaps no 4xx answer).
    panel = client.post(_candidates(pos), {"responder": responder.pk, "next": BOARD}, HTTP_HX_REQUEST="true")
    assert panel.status_code == 200
    assert "<html" not in panel.content.decode() and RAY_NOT_LEAD in panel.content.decode()
    assert 'hx-swap-oob' not in panel.content.decode()
    assert not Assignment.objects.exists()


def test_assigning_into_a_conflict_is_refused_inline(client, org, team, coordinator, peer):
    other = TeamFactory(organization=org, name="Roxbury night")
    place(shift=make_shift(team=other, starts_at=WED - timedelta(hours=2)), responder=peer)  # 08:00–16:00
    pos = position(make_shift(team=team, starts_at=WED))
    client.force_login(coordinator)
    listing = client.get(_candidates(pos))
    assert [(p.full_name, e.reason_codes[0]) for p, e in listing.context["refused"]] == [("Pat Peer", "overlap")]
    response = client.post(_candidates(pos), {"responder": peer.pk, "next": BOARD})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Already assigned to another shift at this time." in html
    assert html.count('role="alert"') == 1
    assert Assignment.objects.filter(shift__team=team).count() == 0


def test_an_override_goes_through_the_service_and_shows_on_the_board(client, team, coordinator, peer):
    place(shift=make_shift(team=team, starts_at=WED - timedelta(hours=12)), responder=peer)  # ends 06:00
    shift = make_shift(team=team, starts_at=WED)
    pos = position(shift)
    client.force_login(coordinator)
    listing = client.get(_candidates(pos))
    assert [(p.full_name, [c for c, _ in codes]) for p, _, codes in listing.context["override"]] == [
        ("Pat Peer", ["rest", "daily_hours"])]
    refused = client.post(_candidates(pos), {"responder": peer.pk, "overrides": ["rest", "daily_hours"],
                                             "override_reason": "", "next": BOARD})
    assert refused.status_code == 400 and "Write why the rule is overridden." in refused.content.decode()
    done = client.post(_candidates(pos), {"responder": peer.pk, "overrides": ["rest", "daily_hours"],
                                          "override_reason": "Short-staffed; Pat agreed", "next": BOARD})
    assert done.status_code == 302
    assignment = Assignment.objects.get(shift=shift)
    assert (sorted(assignment.overrides), assignment.override_reason) == (
        ["daily_hours", "rest"], "Short-staffed; Pat agreed")
    board = _board(client)
    assert [(e["time"], e["override"]) for e in _cell(board, peer, 1)] == [("22:00–06:00 (+1)", "")]
    assert [(e["time"], e["override"]) for e in _cell(board, peer, 2)] == [("10:00–18:00", "Daily hours, Minimum rest")]
    assert '<span class="usa-tag bd-override" title="Short-staffed; Pat agreed">⚠ Daily hours, Minimum rest</span>' in (
        board.content.decode())


# --- publishing ----------------------------------------------------------------------------------------

def test_publish_from_the_board_confirms_then_publishes_the_weeks_shown(client, org, team, coordinator):
    night = TeamFactory(organization=org, name="Roxbury night")
    drafts = [make_shift(team=t, starts_at=WED + timedelta(days=d), status=Shift.Status.DRAFT)
              for t, d in ((team, 0), (team, 1), (night, 2))]
    next_week = make_shift(team=team, starts_at=WED + timedelta(days=7), status=Shift.Status.DRAFT)
    client.force_login(coordinator)
    board = _board(client)
    assert board.context["board"].drafts == 3
    confirm = client.get(board.context["publish"])
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "What happens" in html and "cannot be undone" in html
    assert [(c["team"].name, c["count"]) for c in confirm.context["counts"]] == [
        ("Dorchester day", 2), ("Roxbury night", 1)]
    assert Shift.objects.filter(status=Shift.Status.DRAFT).count() == 4  # looking changes nothing
    # With JavaScript the board asks in a modal, whose form posts to the same address (filters in the query).
    board_html = board.content.decode()
    assert (f'<a class="usa-button" href="{escape(board.context["publish"])}" aria-controls="confirm-publish" '
            'data-open-modal>') in board_html
    assert f'<form method="post" action="{escape(board.context["publish"])}">' in board_html
    response = client.post(reverse("scheduling:board-publish"),
                           {"team": [team.pk, night.pk], "week": "2026-03-02", "span": "1"}, follow=True)
    assert "3 shifts published." in response.content.decode()
    assert {s.pk for s in Shift.objects.filter(status=Shift.Status.PUBLISHED)} == {d.pk for d in drafts}
    next_week.refresh_from_db()
    assert next_week.status == Shift.Status.DRAFT
    # Two weeks at once: the pay period.
    client.post(reverse("scheduling:board-publish"), {"week": "2026-03-02", "span": "2"})
    next_week.refresh_from_db()
    assert next_week.status == Shift.Status.PUBLISHED


def test_the_publish_modal_posts_the_boards_filters_in_its_address(client, org, team, coordinator):
    night = TeamFactory(organization=org, name="Roxbury night")
    mine = make_shift(team=team, starts_at=WED, status=Shift.Status.DRAFT)
    theirs = make_shift(team=night, starts_at=WED, status=Shift.Status.DRAFT)
    client.force_login(coordinator)
    publish = _board(client, team=[team.pk]).context["publish"]
    response = client.post(publish, follow=True)
    assert "1 shifts published." in response.content.decode()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (Shift.Status.PUBLISHED, Shift.Status.DRAFT)


def test_publish_refuses_another_organizations_team(client, team, other_team, coordinator):
    draft = make_shift(team=other_team, starts_at=WED, status=Shift.Status.DRAFT)
    client.force_login(coordinator)
    assert client.post(reverse("scheduling:board-publish"), {"team": [other_team.pk],
                                                             "week": "2026-03-02"}).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Shift.Status.DRAFT


# --- the past -------------------------------------------------------------------------------------------

def test_a_past_week_is_read_only(client, team, coordinator, responder, lead):
    last_week = WED - timedelta(days=7)
    shift = make_shift(team=team, starts_at=last_week)
    make_shift(team=team, starts_at=last_week + timedelta(days=1), status=Shift.Status.DRAFT)
    place(shift=shift, responder=responder, status=Assignment.Status.COMPLETED)
    client.force_login(coordinator)
    response = _board(client, week="2026-02-23")
    board = response.context["board"]
    assert [(p["text"], p["actionable"]) for p in board.shift_row[2][0]["places"]] == [("1 unfilled", False)]
    assert (board.open_places, board.drafts) == (0, 0)
    html = response.content.decode()
    assert 'class="bd-open"' not in html and "Publish this week" not in html
    assert [e["team"] for e in _cell(response, responder, 2)] == ["Dorchester day"]
    pos = position(shift, PositionRole.LEAD)
    page = client.get(_candidates(pos))
    assert "This shift has started: nobody can be assigned any more." in page.content.decode()
    refused = client.post(_candidates(pos), {"responder": lead.pk, "next": BOARD})
    assert refused.status_code == 400 and "The shift has already started." in refused.content.decode()
    assert not Assignment.objects.filter(responder=lead).exists()


# --- the shift page -------------------------------------------------------------------------------------

def test_shift_page_offers_only_eligible_people_and_lists_the_others_with_reasons(client, team, coordinator,
                                                                                  responder, lead, peer):
    place(shift=make_shift(team=team, starts_at=WED - timedelta(hours=12)), responder=peer)
    shift = make_shift(team=team, starts_at=WED)
    client.force_login(coordinator)
    response = client.get(reverse("scheduling:shift-detail", args=[shift.pk]))
    forms = {pos.role: form for pos, _, form in response.context["candidates"]}

    def offered(form):
        return [(group, [label for _, label in options]) for group, options in form.fields["responder"].choices[1:]]

    assert offered(forms["lead"]) == [("Eligible", ["Lee Lead"])]
    assert offered(forms["responder"]) == [
        ("Eligible", ["Lee Lead", "Ray Sponder"]),
        ("Only with an override (tick the limits and write why)", ["Pat Peer"])]
    html = response.content.decode()
    assert RAY_NOT_LEAD in html  # beside Ray's name, not in the list
    assert html.count('<details class="action"') >= 4  # assign ×2, reschedule, cancel: folded
    assert "Back to the board" in html and "2 of 2" not in html and "0 of 2 filled" in html


def test_shift_page_names_overridden_limits_and_asks_before_taking_someone_off(client, org, team, coordinator,
                                                                             cpr):
    person = clear(user_with_role(Role.RESPONDER, org, full_name="Bo Banks"), org, cpr)
    shift = make_shift(team=team, starts_at=WED)
    assignment = place(shift=shift, responder=person, overrides=["rest", "daily_hours"], override_reason="Storm")
    client.force_login(coordinator)
    html = client.get(reverse("scheduling:shift-detail", args=[shift.pk])).content.decode()
    assert "override: Minimum rest, Daily hours</span> Storm" in html and "override: rest" not in html
    drop = reverse("scheduling:assignment-cancel", args=[assignment.pk])
    # The link opens a modal with JavaScript, the confirmation page without; the modal posts what the page does.
    assert (f'<a class="usa-button usa-button--outline" href="{drop}" aria-controls="remove-{assignment.pk}" '
            'data-open-modal>Remove<span class="usa-sr-only"> Bo Banks</span></a>') in html
    assert f'<div class="usa-modal" id="remove-{assignment.pk}"' in html and "Take Bo Banks off this shift?" in html
    assert f'<form method="post" action="{drop}">' in html
    page = client.get(drop).content.decode()
    assert "Take Bo Banks off this shift?" in page
    assert f'<input type="hidden" name="next" value="{reverse("scheduling:shift-detail", args=[shift.pk])}">' in page
    response = client.post(drop, {"next": reverse("scheduling:shift-detail", args=[shift.pk])})
    assert response["Location"] == reverse("scheduling:shift-detail", args=[shift.pk])
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CANCELLED


def test_board_rows_escape_names_and_reasons(client, org, team, coordinator, cpr):
    person = clear(user_with_role(Role.RESPONDER, org, full_name='<b>Bo</b> "B"'), org, cpr)
    place(shift=make_shift(team=team, starts_at=WED), responder=person, overrides=["rest"],
          override_reason='<i>asked</i>')
    client.force_login(coordinator)
    html = _board(client).content.decode()
    assert '<th scope="row" class="bd-name">&lt;b&gt;Bo&lt;/b&gt; &quot;B&quot;</th>' in html
    assert 'title="&lt;i&gt;asked&lt;/i&gt;">⚠ Minimum rest</span>' in html
    assert "<b>Bo</b>" not in html and "<i>asked</i>" not in html
