"""The auto-roster's pages: start a run, follow its progress, review the proposal as a diff with each open
place's reason, accept or discard it, see it on the board, refill a call-out from the shift page, and edit
roster preferences. Each for the coordinator of the run's organization only; another's is a 404."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import Membership
from apps.accounts.roles import Role
from apps.core.models import AuditEvent, Language
from apps.scheduling.models import Assignment, PositionRole, RosterProfile, RosterRun, ShiftTemplate, TimeOff
from apps.scheduling.roster.services import roster_solve, roster_start
from apps.scheduling.services import assignment_cancel
from tests.factories import user_with_role
from tests.factories.scheduling import make_shift, place

from .conftest import NOW, clear, local

pytestmark = pytest.mark.django_db

APRIL = (date(2026, 4, 1), date(2026, 4, 30))


def _april(team, days=2):
    """Day shifts on the first days of next month (April 2026): a lead and a responder place each."""
    return [make_shift(team=team, starts_at=local(2026, 4, 1 + d, 9)) for d in range(days)]


def _solved(coordinator, team, days=2, start=APRIL[0]):
    run = roster_start(by=coordinator, teams=[team], starts_on=start, ends_on=start + timedelta(days=days - 1),
                       time_limit=10)
    return roster_solve(run_id=run.pk)


def _start_data(team, **extra):
    return {"teams": [team.pk], "starts_on": "2026-04-01", "ends_on": "2026-04-02", "time_limit": "30", **extra}


# --- the start page -------------------------------------------------------------------------------------------

def test_roster_page_offers_the_coordinators_teams_and_next_month(client, team, other_team, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("scheduling:roster"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["teams"].queryset) == [team]
    assert (form.fields["starts_on"].initial, form.fields["ends_on"].initial) == APRIL
    page = response.content.decode()
    assert "Run the roster" in page and 'value="2026-04-01"' in page and 'value="2026-04-30"' in page


def test_roster_page_is_for_coordinators(client, responder, outsider):
    assert client.get(reverse("scheduling:roster")).status_code == 302  # to sign in
    client.force_login(responder)
    assert client.get(reverse("scheduling:roster")).status_code == 403
    assert client.get(reverse("scheduling:roster-people")).status_code == 403


def test_starting_a_run_solves_it_and_opens_its_page(client, team, coordinator, lead, responder,
                                                     django_capture_on_commit_callbacks):
    _april(team)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("scheduling:roster"), _start_data(team))
    run = RosterRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("scheduling:roster-run", args=[run.pk])
    assert run.status == RosterRun.Status.PROPOSED, run.error
    assert (run.starts_on, run.ends_on, run.time_limit) == (date(2026, 4, 1), date(2026, 4, 2), 30)
    page = client.get(response["Location"]).content.decode()
    assert "Roster for 1 Apr to 2 Apr 2026" in page
    assert "4 of 4 open places" in page and "team leads 2 of 2" in page
    assert "A first-come fill would fill 4" in page
    assert "Wednesday 1 April" in page and "Thursday 2 April" in page
    assert page.count("Lee Lead</strong>") == 2 and page.count("Ray Sponder</strong>") == 2
    assert 'aria-controls="confirm-accept"' in page
    # The list of runs shows it.
    listing = client.get(reverse("scheduling:roster")).content.decode()
    assert "Proposal ready" in listing and "4 of 4" in listing


def test_a_refused_start_shows_the_reason_beside_its_field(client, team, other_team, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("scheduling:roster"), _start_data(team, starts_on="2026-04-01",
                                                                      ends_on="2026-06-30"))
    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"] == ["A run covers at most 42 days."]
    response = client.post(reverse("scheduling:roster"), _start_data(other_team))
    assert response.status_code == 400 and "teams" in response.context["form"].errors
    assert not RosterRun.objects.exists()


def test_a_second_run_while_one_works_is_refused_on_the_page(client, team, coordinator,
                                                             django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("scheduling:roster"), _start_data(team))
        response = client.post(reverse("scheduling:roster"), _start_data(team))
    assert response.status_code == 400
    assert "still working" in response.content.decode()


# --- progress and cancel ---------------------------------------------------------------------------------------

def test_a_working_run_shows_progress_polled_by_htmx_and_can_be_cancelled(client, team, coordinator,
                                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = roster_start(by=coordinator, teams=[team], starts_on=APRIL[0], ends_on=APRIL[1])
    RosterRun.objects.filter(pk=run.pk).update(status=RosterRun.Status.RUNNING, solutions=3, objective=250000,
                                               bound=251000, gap=0.004, wall_seconds=12.4)
    client.force_login(coordinator)
    status_url = reverse("scheduling:roster-run-status", args=[run.pk])
    page = client.get(reverse("scheduling:roster-run", args=[run.pk])).content.decode()
    assert f'hx-get="{status_url}" hx-trigger="every 2s"' in page
    assert "Refresh to see progress" in page and "Cancel the run" in page
    partial = client.get(status_url, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and 'id="roster-progress"' in body
    for text in ("Solutions found", "<dd>3</dd>", "<dd>250000</dd>", "<dd>251000</dd>", "0.40 %", "12 s of 60 s"):
        assert text in body
    response = client.post(reverse("scheduling:roster-run-cancel", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.cancel_requested and run.status == RosterRun.Status.RUNNING  # the worker stops it


def test_the_partial_asks_htmx_to_reload_once_the_run_has_finished(client, team, coordinator, lead, responder):
    _april(team, days=1)
    run = _solved(coordinator, team, days=1)
    client.force_login(coordinator)
    response = client.get(reverse("scheduling:roster-run-status", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    # Without htmx (the "Refresh" link's page is the run page; the partial alone still answers).
    response = client.get(reverse("scheduling:roster-run-status", args=[run.pk]))
    assert "HX-Refresh" not in response and "hx-get" not in response.content.decode()


def test_cancelling_a_queued_run(client, team, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = roster_start(by=coordinator, teams=[team], starts_on=APRIL[0], ends_on=APRIL[1])
    client.force_login(coordinator)
    client.post(reverse("scheduling:roster-run-cancel", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RosterRun.Status.CANCELLED
    page = client.get(reverse("scheduling:roster-run", args=[run.pk])).content.decode()
    assert "cancelled before it finished" in page
    # A finished run cannot be cancelled again: the reason is shown.
    response = client.post(reverse("scheduling:roster-run-cancel", args=[run.pk]), follow=True)
    assert "This run has finished." in response.content.decode()


# --- the proposal ---------------------------------------------------------------------------------------------

def test_an_unfilled_place_shows_its_reason(client, org, team, coordinator, lead, responder, peer):
    TimeOff.objects.create(responder=lead, organization=org, starts_at=local(2026, 4, 2, 0),
                           ends_at=local(2026, 4, 3, 0), status=TimeOff.Status.APPROVED)
    _april(team)
    run = _solved(coordinator, team)
    client.force_login(coordinator)
    page = client.get(reverse("scheduling:roster-run", args=[run.pk])).content.decode()
    assert "1 position stays open" in page
    assert "Team lead · 1 open" in page
    assert "1 on approved time off" in page and "2 not cleared for this role" in page


def test_accepting_asks_first_then_applies_and_links_the_board(client, team, coordinator, lead, responder):
    shifts = _april(team)
    run = _solved(coordinator, team)
    client.force_login(coordinator)
    accept = reverse("scheduling:roster-run-accept", args=[run.pk])
    confirm = client.get(accept)  # the page behind the modal's opener, without JavaScript
    assert confirm.status_code == 200 and "4 assignments are made" in confirm.content.decode()
    response = client.post(accept)
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RosterRun.Status.ACCEPTED and run.accepted_by == coordinator
    assert Assignment.objects.filter(shift__in=shifts, status=Assignment.Status.ASSIGNED).count() == 4
    page = client.get(response["Location"]).content.decode()
    assert "4 assignments made by" in page
    board = reverse("scheduling:board") + "?week=2026-03-30"
    assert board in page and "proposal=" not in page.split("See the schedule board")[0].rsplit("href", 1)[-1]
    assert client.get(accept).status_code == 302  # nothing left to confirm


def test_accepting_reports_each_conflict_with_its_message(client, org, team, coordinator, lead, responder, cpr):
    [shift] = _april(team, days=1)
    run = _solved(coordinator, team, days=1)
    late = clear(user_with_role(Role.RESPONDER, org, email="late@example.org", full_name="Lata Late"), org, cpr)
    place(shift=shift, responder=late)
    client.force_login(coordinator)
    page = client.post(reverse("scheduling:roster-run-accept", args=[run.pk]), follow=True).content.decode()
    assert "1 assignments made; 1 could not be, see why below." in page
    assert "Conflicts" in page and "Ray Sponder</strong>, Community responder" in page


def test_discarding_a_proposal(client, team, coordinator, lead, responder):
    _april(team, days=1)
    run = _solved(coordinator, team, days=1)
    client.force_login(coordinator)
    response = client.post(reverse("scheduling:roster-run-cancel", args=[run.pk]), follow=True)
    assert "The proposal is discarded." in response.content.decode()
    run.refresh_from_db()
    assert run.status == RosterRun.Status.DISCARDED and not Assignment.objects.exists()


def test_a_failed_run_shows_its_error(client, team, coordinator, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr("apps.scheduling.roster.services.solve", broken)
    run = _solved(coordinator, team)
    client.force_login(coordinator)
    page = client.get(reverse("scheduling:roster-run", args=[run.pk])).content.decode()
    assert "The run failed" in page and "RuntimeError: solver crashed" in page


@pytest.mark.parametrize("name", ["roster-run", "roster-run-status", "roster-run-accept"])
def test_another_organizations_run_is_404(client, team, coordinator, outsider, responder, lead, name):
    _april(team, days=1)
    run = _solved(coordinator, team, days=1)
    for user in (outsider, responder):
        client.force_login(user)
        assert client.get(reverse(f"scheduling:{name}", args=[run.pk])).status_code == 404
    for action in ("roster-run-accept", "roster-run-cancel"):
        assert client.post(reverse(f"scheduling:{action}", args=[run.pk])).status_code == 404
    run.refresh_from_db()
    assert run.status == RosterRun.Status.PROPOSED


def test_run_page_query_count_does_not_grow_with_the_proposal(client, org, team, coordinator, requirements, cpr,
                                                              cit, django_assert_num_queries):
    clear(user_with_role(Role.RESPONDER, org, email="l0@example.org"), org, cpr, cit)
    clear(user_with_role(Role.RESPONDER, org, email="r0@example.org"), org, cpr)
    _april(team, days=1)
    small = _solved(coordinator, team, days=1)
    small.status = RosterRun.Status.DISCARDED
    small.save(update_fields=["status"])
    for n in range(1, 4):
        clear(user_with_role(Role.RESPONDER, org, email=f"l{n}@example.org"), org, cpr, cit)
        clear(user_with_role(Role.RESPONDER, org, email=f"r{n}@example.org"), org, cpr)
    for d in range(1, 4):
        make_shift(team=team, starts_at=local(2026, 4, 1 + d, 9), positions=((PositionRole.LEAD, 1),
                                                                            (PositionRole.RESPONDER, 2)))
    big = _solved(coordinator, team, days=4)
    assert len(big.proposal) > 3 * len(small.proposal)
    small.status = RosterRun.Status.PROPOSED
    small.save(update_fields=["status"])
    client.force_login(coordinator)
    client.get(reverse("scheduling:roster-run", args=[small.pk]))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("scheduling:roster-run", args=[small.pk]))
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("scheduling:roster-run", args=[big.pk]))


def test_runs_list_query_count_does_not_grow(client, team, coordinator, django_assert_num_queries,
                                             django_capture_on_commit_callbacks):
    client.force_login(coordinator)

    def make():
        with django_capture_on_commit_callbacks(execute=False):
            run = roster_start(by=coordinator, teams=[team], starts_on=APRIL[0], ends_on=APRIL[1])
        RosterRun.objects.filter(pk=run.pk).update(status=RosterRun.Status.CANCELLED)

    make()
    client.get(reverse("scheduling:roster"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("scheduling:roster"))
    make()
    make()
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("scheduling:roster"))


# --- the board ------------------------------------------------------------------------------------------------

def test_the_board_announces_a_ready_proposal_and_draws_it_as_additions(client, team, coordinator, lead, responder):
    _april(team, days=1)
    run = _solved(coordinator, team, days=1)
    client.force_login(coordinator)
    board = reverse("scheduling:board") + "?week=2026-03-30"
    page = client.get(board).content.decode()
    assert "A roster proposal for" in page and "Review the proposal" in page
    assert f"proposal={run.pk}" in page and "bd-added" not in page
    page = client.get(board + f"&proposal={run.pk}").content.decode()
    assert "Showing a roster proposal" in page
    assert page.count('class="bd-entry bd-added"') == 2
    assert "Proposed:" in page and "1 open · 1 proposed" in page
    assert f"proposal={run.pk}" in page.split('rel="next"')[0].rsplit("href=", 1)[-1]  # the weeks keep it
    # Accepted: the board says so and shows the schedule as it is.
    client.post(reverse("scheduling:roster-run-accept", args=[run.pk]))
    page = client.get(board + f"&proposal={run.pk}").content.decode()
    assert "no longer waiting for a decision" in page and "bd-added" not in page


def test_the_board_refuses_another_organizations_proposal(client, team, coordinator, outsider, other_team,
                                                          lead, responder):
    _april(team, days=1)
    run = _solved(coordinator, team, days=1)
    client.force_login(outsider)
    assert client.get(reverse("scheduling:board") + f"?proposal={run.pk}").status_code == 404
    assert client.get(reverse("scheduling:board") + "?proposal=x").status_code == 404


def test_board_with_a_proposal_query_count_does_not_grow(client, org, team, coordinator, requirements, cpr, cit,
                                                         django_assert_num_queries):
    clear(user_with_role(Role.RESPONDER, org, email="l0@example.org"), org, cpr, cit)
    clear(user_with_role(Role.RESPONDER, org, email="r0@example.org"), org, cpr)
    _april(team, days=1)
    run = _solved(coordinator, team, days=1)
    client.force_login(coordinator)
    url = reverse("scheduling:board") + f"?week=2026-03-30&proposal={run.pk}"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    RosterRun.objects.filter(pk=run.pk).update(status=RosterRun.Status.DISCARDED)
    for n in range(1, 4):
        clear(user_with_role(Role.RESPONDER, org, email=f"l{n}@example.org"), org, cpr, cit)
        clear(user_with_role(Role.RESPONDER, org, email=f"r{n}@example.org"), org, cpr)
    for d in range(1, 4):
        make_shift(team=team, starts_at=local(2026, 4, 1 + d, 9))
    bigger = _solved(coordinator, team, days=4)
    assert len(bigger.proposal) == 8
    url = reverse("scheduling:board") + f"?week=2026-03-30&proposal={bigger.pk}"
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)
    # Without a proposal in the address, the ready-proposal check replaces the run's read: the same count.
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("scheduling:board") + "?week=2026-03-30")


# --- repair ---------------------------------------------------------------------------------------------------

def test_a_call_out_within_48_hours_offers_a_replacement(client, org, team, coordinator, lead, responder, peer):
    shift = make_shift(team=team, starts_at=NOW + timedelta(hours=24))
    later = make_shift(team=team, starts_at=NOW + timedelta(days=5))
    place(shift=shift, responder=lead, role=PositionRole.LEAD)
    gone = place(shift=shift, responder=responder)
    far = place(shift=later, responder=responder)
    assignment_cancel(by=coordinator, assignment=gone, reason="Sick")
    assignment_cancel(by=coordinator, assignment=far, reason="Away")
    client.force_login(coordinator)
    page = client.get(reverse("scheduling:shift-detail", args=[shift.pk])).content.decode()
    assert "Call-outs" in page and reverse("scheduling:assignment-repair", args=[gone.pk]) in page
    assert "Find a replacement" not in client.get(reverse("scheduling:shift-detail", args=[later.pk])).content \
        .decode()
    response = client.post(reverse("scheduling:assignment-repair", args=[gone.pk]))
    run = RosterRun.objects.get()
    assert run.kind == RosterRun.Kind.REPAIR and run.callout_id == gone.pk
    assert response["Location"] == reverse("scheduling:roster-run", args=[run.pk])
    # Too far ahead: the service says why, on the shift page.
    RosterRun.objects.filter(pk=run.pk).update(status=RosterRun.Status.CANCELLED)
    response = client.post(reverse("scheduling:assignment-repair", args=[far.pk]), follow=True)
    assert "within the next 48 hours" in response.content.decode()


def test_repair_is_for_the_organizations_coordinator(client, team, coordinator, outsider, responder, lead):
    shift = make_shift(team=team, starts_at=NOW + timedelta(hours=24))
    gone = place(shift=shift, responder=responder)
    assignment_cancel(by=coordinator, assignment=gone, reason="Sick")
    client.force_login(outsider)
    assert client.post(reverse("scheduling:assignment-repair", args=[gone.pk])).status_code == 404
    client.force_login(responder)  # their own assignment: visible, but not theirs to refill
    assert client.post(reverse("scheduling:assignment-repair", args=[gone.pk])).status_code == 403
    assert not RosterRun.objects.exists()


# --- roster preferences ---------------------------------------------------------------------------------------

def test_a_responder_saves_their_own_preferences_and_it_is_audited(client, org, team, responder):
    template = ShiftTemplate.objects.create(team=team, name="Early", weekdays=[0], start_time="07:00",
                                            end_time="15:00")
    spanish = Language.objects.filter(is_active=True).first()
    client.force_login(responder)
    url = reverse("scheduling:roster-profile")
    page = client.get(url).content.decode()
    assert "Roster preferences" in page and "Dorchester day: Early (07:00–15:00)" in page
    response = client.post(url, {"weekly_hours": "20", "languages": [spanish.pk],
                                 "preferred_templates": [template.pk]})
    assert response.status_code == 302
    profile = RosterProfile.objects.get(user=responder, organization=org)
    assert profile.weekly_hours == 20 and list(profile.languages.all()) == [spanish]
    assert list(profile.preferred_templates.all()) == [template]
    event = AuditEvent.objects.get(action="scheduling.roster_profile.saved")
    assert event.after["weekly_hours"] == 20 and event.before["weekly_hours"] is None
    # Wanted and rather not at once is refused beside the field.
    response = client.post(url, {"preferred_templates": [template.pk], "avoided_templates": [template.pk]})
    assert response.status_code == 400 and "avoided_templates" in response.context["form"].errors


def test_preferences_are_for_responders_and_their_own_organization(client, coordinator, responder, other_org):
    client.force_login(coordinator)
    assert client.get(reverse("scheduling:roster-profile")).status_code == 403
    client.force_login(responder)
    assert client.get(reverse("scheduling:roster-profile") + f"?organization={other_org.pk}").status_code == 404


def test_a_coordinator_lists_targets_and_edits_a_responders_preferences(client, org, coordinator, outsider,
                                                                        responder, peer, outsider_responder):
    RosterProfile.objects.create(user=peer, organization=org, weekly_hours=30)
    client.force_login(coordinator)
    page = client.get(reverse("scheduling:roster-people")).content.decode()
    assert "Pat Peer" in page and "<td data-label=\"Target hours a week\">30</td>" in page
    assert "24 (default)" in page and "Olga Out" not in page
    membership = Membership.objects.get(user=responder, organization=org, role=Role.RESPONDER)
    url = reverse("scheduling:roster-profile-member", args=[membership.pk])
    assert "Roster preferences of Ray Sponder" in client.get(url).content.decode()
    assert client.post(url, {"weekly_hours": "16"}).status_code == 302
    assert RosterProfile.objects.get(user=responder).weekly_hours == 16
    event = AuditEvent.objects.get(action="scheduling.roster_profile.saved")
    assert event.actor == coordinator
    other = Membership.objects.get(user=outsider_responder)
    assert client.get(reverse("scheduling:roster-profile-member", args=[other.pk])).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_people_list_query_count_does_not_grow(client, org, coordinator, responder, django_assert_num_queries):
    client.force_login(coordinator)
    client.get(reverse("scheduling:roster-people"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("scheduling:roster-people"))
    for n in range(3):
        RosterProfile.objects.create(user=user_with_role(Role.RESPONDER, org, email=f"p{n}@example.org"),
                                     organization=org, weekly_hours=10 + n)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("scheduling:roster-people"))
