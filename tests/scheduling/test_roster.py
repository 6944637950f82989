"""The auto-roster end to end on small programs: a run fills what the engine allows, explains what stays
open, accepts through the assignment service, reports conflicts, repairs a call-out, and cancels."""

from datetime import date, timedelta

import pytest
from django.test import override_settings

from apps.accounts.roles import Role
from apps.core.errors import ApplicationError
from apps.scheduling.eligibility import EligibilityCode
from apps.scheduling.models import Assignment, PositionRole, RosterRun, TimeOff
from apps.scheduling.roster.heuristics import greedy
from apps.scheduling.roster.instance import build_instance
from apps.scheduling.roster.services import (
    reason_text,
    repair_start,
    roster_accept,
    roster_apply,
    roster_cancel,
    roster_solve,
    roster_start,
)
from apps.scheduling.roster.solver import solve
from apps.scheduling.services import assignment_cancel
from tests.factories import user_with_role
from tests.factories.scheduling import TeamFactory, make_shift, place, position

from .conftest import NOW, clear, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(org):
    return TeamFactory(organization=org, name="North")


@pytest.fixture
def coordinator(org):
    return user_with_role(Role.COORDINATOR, org, email="coco@example.org")


def _people(org, cpr, cit, *, leads=2, responders=3):
    people = []
    for n in range(leads):
        people.append(clear(user_with_role(Role.RESPONDER, org, email=f"lead{n}@example.org"), org, cpr, cit))
    for n in range(responders):
        people.append(clear(user_with_role(Role.RESPONDER, org, email=f"resp{n}@example.org"), org, cpr))
    return people


def _week(team, days=3):
    """Day shifts (09:00–17:00) from tomorrow: a lead and one responder each."""
    return [make_shift(team=team, starts_at=local(2026, 3, 3 + d, 9)) for d in range(days)]


def _run(coordinator, team, days=3):
    run = roster_start(by=coordinator, teams=[team], starts_on=date(2026, 3, 3),
                       ends_on=date(2026, 3, 3 + days - 1), time_limit=10)
    return roster_solve(run_id=run.pk)


def test_a_run_fills_every_place_the_engine_allows_and_accepting_writes_them(
        org, team, coordinator, requirements, cpr, cit, django_capture_on_commit_callbacks):
    _people(org, cpr, cit)
    shifts = _week(team)
    with django_capture_on_commit_callbacks(execute=False):
        run = roster_start(by=coordinator, teams=[team], starts_on=date(2026, 3, 3), ends_on=date(2026, 3, 5),
                           time_limit=10)
    assert run.status == RosterRun.Status.QUEUED
    run = roster_solve(run_id=run.pk)
    assert run.status == RosterRun.Status.PROPOSED, run.error
    assert run.stats["places"] == 6 and run.stats["filled"] == 6
    assert run.unfilled == []
    assert run.gap is not None and run.gap <= 0.01
    assert roster_solve(run_id=run.pk) is None  # a redelivered task does nothing
    assert not Assignment.objects.exists()  # a proposal, never a silent write
    run = roster_accept(by=coordinator, run=run)
    assert run.status == RosterRun.Status.ACCEPTED and run.conflicts == []
    assert Assignment.objects.filter(source=Assignment.Source.ROSTER, status=Assignment.Status.ASSIGNED).count() == 6
    for shift in shifts:
        roles = sorted(shift.assignments.values_list("position__role", flat=True))
        assert roles == [PositionRole.LEAD, PositionRole.RESPONDER]


def test_an_unfilled_place_says_why_in_the_engines_reason_codes(org, team, coordinator, requirements, cpr, cit):
    lead = _people(org, cpr, cit, leads=1, responders=2)[0]
    TimeOff.objects.create(responder=lead, organization=org, starts_at=local(2026, 3, 4, 0),
                           ends_at=local(2026, 3, 5, 0), status=TimeOff.Status.APPROVED)
    _week(team)
    run = _run(coordinator, team)
    assert run.stats["filled"] == 5
    [row] = run.unfilled
    assert row["role"] == PositionRole.LEAD and row["open"] == 1
    codes = {r["code"]: r["count"] for r in row["reasons"]}
    assert codes[EligibilityCode.TIME_OFF] == 1
    assert codes[EligibilityCode.ROLE_NOT_QUALIFIED] == 2
    assert "on approved time off" in reason_text(row)


def test_hours_caps_across_the_roster_are_kept(org, team, coordinator, requirements, cpr, cit):
    """Two people, seven 12-hour day shifts: the 40-hour week lets each take three."""
    people = _people(org, cpr, cit, leads=2, responders=0)
    shifts = [make_shift(team=team, starts_at=local(2026, 3, 3 + d, 7), hours=12,
                         positions=((PositionRole.LEAD, 1),)) for d in range(7)]
    run = _run(coordinator, team, days=7)
    assert run.stats["filled"] == 6
    roster_accept(by=coordinator, run=run)
    for person in people:
        assert Assignment.objects.filter(responder=person).count() == 3
    assert sum(s.assignments.count() for s in shifts) == 6


def test_accepting_reports_a_conflict_instead_of_overwriting(org, team, coordinator, requirements, cpr, cit):
    people = _people(org, cpr, cit, leads=1, responders=1)
    [shift] = _week(team, days=1)
    run = _run(coordinator, team, days=1)
    assert run.stats["filled"] == 2
    # Someone takes the responder place meanwhile.
    late = clear(user_with_role(Role.RESPONDER, org, email="late@example.org"), org, requirements["responder"]
                 .courses.first())
    place(shift=shift, responder=late)
    run = roster_accept(by=coordinator, run=run)
    assert run.stats["applied"] == 1
    [conflict] = run.conflicts
    assert conflict["code"] == EligibilityCode.POSITION_FULL
    assert shift.assignments.filter(responder=late).exists()
    assert not shift.assignments.filter(responder=people[1]).exists()


def test_a_run_is_for_the_coordinators_own_teams(org, other_org, team, requirements):
    stranger = user_with_role(Role.COORDINATOR, other_org)
    with pytest.raises(ApplicationError):
        roster_start(by=stranger, teams=[team], starts_on=date(2026, 3, 3), ends_on=date(2026, 3, 5))


@pytest.mark.parametrize(("starts_on", "ends_on", "field"), [
    (date(2026, 3, 5), date(2026, 3, 3), "ends_on"),
    (date(2026, 3, 3), date(2026, 5, 3), "ends_on"),
    (date(2026, 2, 1), date(2026, 2, 20), "ends_on"),
])
def test_a_bad_period_is_refused_with_its_field(team, coordinator, starts_on, ends_on, field):
    with pytest.raises(ApplicationError) as refused:
        roster_start(by=coordinator, teams=[team], starts_on=starts_on, ends_on=ends_on)
    assert refused.value.field == field
    assert not RosterRun.objects.exists()


def test_one_working_run_per_organization_and_cancel(team, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = roster_start(by=coordinator, teams=[team], starts_on=date(2026, 3, 3), ends_on=date(2026, 3, 5))
        with pytest.raises(ApplicationError) as refused:
            roster_start(by=coordinator, teams=[team], starts_on=date(2026, 3, 3), ends_on=date(2026, 3, 5))
    assert refused.value.code == "run_working"
    run = roster_cancel(by=coordinator, run=run)
    assert run.status == RosterRun.Status.CANCELLED
    assert roster_solve(run_id=run.pk) is None


def test_a_solver_asked_to_stop_stops(org, team, requirements, cpr, cit):
    _people(org, cpr, cit)
    _week(team)
    instance = build_instance(organization_id=org.pk, team_ids=[team.pk], starts_on=date(2026, 3, 3),
                              ends_on=date(2026, 3, 5), at=NOW)
    result = solve(instance, time_limit=30, on_progress=lambda p: False, every=0.01, gap_limit=0.0)
    assert result.status in ("cancelled", "optimal")


def test_a_failed_run_shows_its_error(team, coordinator, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr("apps.scheduling.roster.services.solve", broken)
    run = _run(coordinator, team)
    assert run.status == RosterRun.Status.FAILED and "solver crashed" in run.error


def test_greedy_baseline_fills_in_time_order(org, team, requirements, cpr, cit):
    _people(org, cpr, cit)
    _week(team)
    instance = build_instance(organization_id=org.pk, team_ids=[team.pk], starts_on=date(2026, 3, 3),
                              ends_on=date(2026, 3, 5), at=NOW)
    assert len(greedy(instance)) == 6


def test_repair_refills_a_call_out_with_the_fewest_changes(org, team, coordinator, requirements, cpr, cit):
    people = _people(org, cpr, cit, leads=2, responders=3)
    shift = make_shift(team=team, starts_at=NOW + timedelta(hours=24))
    held = [place(shift=shift, responder=people[0], role=PositionRole.LEAD),
            place(shift=shift, responder=people[2])]
    assignment_cancel(by=coordinator, assignment=held[1], reason="Sick")
    with override_settings(CELERY_TASK_ALWAYS_EAGER=True):
        run = repair_start(by=coordinator, assignment=held[1])
    run = roster_solve(run_id=run.pk)
    assert run.status == RosterRun.Status.PROPOSED, run.error
    assert run.stats["changes"] == 1 and run.releases == []
    [item] = run.proposal
    assert item["position"] == position(shift).pk
    roster_accept(by=coordinator, run=run)
    assert shift.assignments.filter(status=Assignment.Status.ASSIGNED).count() == 2


def test_a_large_proposal_is_applied_by_a_worker(org, team, coordinator, requirements, cpr, cit, monkeypatch,
                                                 django_capture_on_commit_callbacks):
    _people(org, cpr, cit)
    _week(team)
    run = _run(coordinator, team)
    monkeypatch.setattr("apps.scheduling.roster.services.ACCEPT_INLINE", 2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = roster_accept(by=coordinator, run=run)
    assert run.status == RosterRun.Status.APPLYING and run.accepted_by == coordinator
    assert not Assignment.objects.exists()
    with pytest.raises(ApplicationError):  # one run at a time, applying included
        roster_start(by=coordinator, teams=[team], starts_on=date(2026, 3, 3), ends_on=date(2026, 3, 5))
    for callback in callbacks:
        callback()
    run.refresh_from_db()
    assert run.status == RosterRun.Status.ACCEPTED and run.stats["applied"] == 6
    assert Assignment.objects.filter(source=Assignment.Source.ROSTER).count() == 6
    assert roster_apply(run_id=run.pk) is None  # a redelivered task does nothing


def test_a_failed_apply_keeps_the_proposal_and_says_why(org, team, coordinator, requirements, cpr, cit, monkeypatch):
    _people(org, cpr, cit)
    _week(team)
    run = _run(coordinator, team)
    RosterRun.objects.filter(pk=run.pk).update(status=RosterRun.Status.APPLYING, accepted_by=coordinator)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("apps.scheduling.services.assignments._assign", broken)
    run = roster_apply(run_id=run.pk)
    assert run.status == RosterRun.Status.PROPOSED and "database went away" in run.error
    assert not Assignment.objects.exists()


def test_each_person_gets_one_message_with_all_their_new_shifts(org, team, coordinator, requirements, cpr, cit,
                                                                django_capture_on_commit_callbacks):
    from apps.notifications.models import Notification

    _people(org, cpr, cit, leads=1, responders=1)
    _week(team)
    run = _run(coordinator, team)
    roster_accept(by=coordinator, run=run)
    assert not Notification.objects.filter(kind="scheduling.assignment_made").exists()
    messages = Notification.objects.filter(kind="scheduling.roster_assigned", channel="email")
    assert messages.count() == 2  # the lead and the responder, three shifts each
    body = messages.first().body_text
    assert "3 shifts" in body and body.count("North") == 3


def test_the_engine_without_words_gives_the_same_codes(org, team, requirements, cpr, cit):
    from apps.scheduling.eligibility import eligibility_for_positions
    from apps.scheduling.models import Position

    people = _people(org, cpr, cit, leads=1, responders=2)
    shifts = _week(team)
    place(shift=shifts[0], responder=people[1])
    TimeOff.objects.create(responder=people[2], organization=org, starts_at=local(2026, 3, 4, 0),
                           ends_at=local(2026, 3, 5, 0), status=TimeOff.Status.APPROVED)
    positions = list(Position.objects.filter(shift__in=shifts).select_related("shift__team__team_type",
                                                                              "shift__organization"))
    worded = eligibility_for_positions(users=people, positions=positions)
    bare = eligibility_for_positions(users=people, positions=positions, explain=False)
    for slot in positions:
        for person in people:
            assert worded[slot.pk][person.pk].reason_codes == bare[slot.pk][person.pk].reason_codes
            assert all(r.message == "" for r in bare[slot.pk][person.pk].reasons)
    assert any(worded[p.pk][u.pk].reasons for p in positions for u in people)
