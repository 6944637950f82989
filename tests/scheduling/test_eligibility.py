"""The eligibility engine: every reason code, the override rules, and the batch forms' query counts."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.roles import Role
from apps.core.errors import ApplicationError
from apps.core.models import AuditEvent
from apps.scheduling import services
from apps.scheduling.eligibility import check_eligibility, eligibility_batch, positions_for_user
from apps.scheduling.models import Assignment, Availability, PositionRole, SchedulingPolicy, Shift, TimeOff
from tests.factories import user_with_role
from tests.factories.scheduling import make_shift, place, position
from tests.factories.training import TrainingRecordFactory
from tests.scheduling.conftest import clear, local

pytestmark = pytest.mark.django_db

WED = local(2026, 3, 4, 10)  # Wednesday 10:00


def codes(user, pos, **kwargs):
    return check_eligibility(user=user, position=pos, **kwargs).reason_codes


def test_cleared_responder_is_allowed(team, responder):
    shift = make_shift(team=team, starts_at=WED)
    result = check_eligibility(user=responder, position=position(shift))
    assert (result.allowed, result.reasons, result.overridden) == (True, (), ())
    assert result.readiness.cleared is True


def test_not_member_of_the_shift_organization(team, outsider_responder):
    shift = make_shift(team=team, starts_at=WED)
    assert codes(outsider_responder, position(shift)) == ["not_member"]


def test_not_ready_without_training(team, org, requirements):
    untrained = user_with_role(Role.RESPONDER, org)
    result = check_eligibility(user=untrained, position=position(make_shift(team=team, starts_at=WED)))
    assert result.reason_codes == ["not_ready"]
    assert result.reasons[0].details == ("CPR and First Aid has not been completed.",)
    assert result.reasons[0].overridable is False


def test_not_ready_when_training_lapses_before_the_shift_ends(team, org, requirements, cpr):
    person = user_with_role(Role.RESPONDER, org)
    # Completed 2024-03-04, valid 24 months: through 4 March 2026, the shift ends on the 5th.
    TrainingRecordFactory(responder=person, organization=org, course=cpr, completed_on=date(2024, 3, 4))
    shift = make_shift(team=team, starts_at=local(2026, 3, 4, 18))
    result = check_eligibility(user=person, position=position(shift))
    assert result.reason_codes == ["not_ready"]
    assert result.reasons[0].details == ("CPR and First Aid expires on 2026-03-04, before the end of the period.",)
    earlier = make_shift(team=team, starts_at=local(2026, 3, 3, 10))
    assert codes(person, position(earlier)) == []


def test_role_not_qualified_for_a_lead_position(team, responder):
    shift = make_shift(team=team, starts_at=WED)
    assert codes(responder, position(shift, PositionRole.LEAD)) == ["role_not_qualified"]


def test_trainee_only_cleared_person_cannot_take_a_responder_place(team, org, requirements, cpr, cit):
    trainee = user_with_role(Role.RESPONDER, org)
    # Trainees need CPR only; make the responder requirement stricter for this organization.
    from tests.factories.training import requirement

    requirement(courses=[cpr, cit], role="responder", organization=org)
    clear(trainee, org, cpr)
    shift = make_shift(team=team, starts_at=WED)
    assert codes(trainee, position(shift)) == ["role_not_qualified"]


def test_overlap_with_an_assignment_in_another_organization(team, other_team, responder, other_org):
    from tests.factories import MembershipFactory

    MembershipFactory(user=responder, organization=other_org, role=Role.RESPONDER)
    theirs = make_shift(team=other_team, starts_at=WED + timedelta(hours=4))
    place(shift=theirs, responder=responder)
    shift = make_shift(team=team, starts_at=WED)
    assert codes(responder, position(shift)) == ["overlap"]


def test_back_to_back_is_not_an_overlap_but_breaks_rest(team, responder):
    before = make_shift(team=team, starts_at=WED - timedelta(hours=8))  # 02:00–10:00, then 10:00–18:00
    place(shift=before, responder=responder)
    assert codes(responder, position(make_shift(team=team, starts_at=WED))) == ["rest", "daily_hours"]


def test_minimum_rest_default_ten_hours(team, responder):
    earlier = make_shift(team=team, starts_at=WED - timedelta(hours=17))  # ends 9 h before
    place(shift=earlier, responder=responder)
    shift = make_shift(team=team, starts_at=WED)
    assert codes(responder, position(shift)) == ["rest"]
    rested = make_shift(team=team, starts_at=WED + timedelta(hours=18))  # starts 10 h after this one ends
    assert codes(responder, position(rested)) == []


def test_minimum_rest_follows_the_organization_policy(team, org, responder):
    SchedulingPolicy.objects.create(organization=org, min_rest_hours=8)
    earlier = make_shift(team=team, starts_at=WED - timedelta(hours=17))
    place(shift=earlier, responder=responder)
    assert codes(responder, position(make_shift(team=team, starts_at=WED))) == []


def test_daily_hours_over_twelve(team, responder):
    long_shift = make_shift(team=team, starts_at=local(2026, 3, 4, 6), hours=14)
    result = check_eligibility(user=responder, position=position(long_shift))
    assert result.reason_codes == ["daily_hours"]
    assert result.reasons[0].message == "14 hours in one day; the limit is 12."


def test_weekly_hours_over_forty_in_rolling_seven_days(team, responder):
    for day in (2, 3, 4, 5, 6):
        place(shift=make_shift(team=team, starts_at=local(2026, 3, day, 10)), responder=responder)
    sunday = make_shift(team=team, starts_at=local(2026, 3, 8, 10))
    result = check_eligibility(user=responder, position=position(sunday))
    assert result.reason_codes == ["weekly_hours"]
    assert result.reasons[0].message == "48 hours in 7 days; the limit is 40."
    # Eight days later the window has moved past the first shift.
    next_tuesday = make_shift(team=team, starts_at=local(2026, 3, 10, 10))
    assert codes(responder, position(next_tuesday)) == []


def test_approved_time_off_blocks_pending_does_not(team, org, responder):
    shift = make_shift(team=team, starts_at=WED)
    off = TimeOff.objects.create(responder=responder, organization=org, starts_at=local(2026, 3, 4, 0),
                                 ends_at=local(2026, 3, 5, 0), status=TimeOff.Status.PENDING)
    assert codes(responder, position(shift)) == []
    off.status = TimeOff.Status.APPROVED
    off.save()
    assert codes(responder, position(shift)) == ["time_off"]


def test_availability_limits_only_once_given(team, responder):
    shift = make_shift(team=team, starts_at=WED)  # Wednesday 10:00–18:00
    assert codes(responder, position(shift)) == []
    Availability.objects.create(responder=responder, weekday=0, start_time=time(8), end_time=time(20))
    assert codes(responder, position(shift)) == ["unavailable"]
    # The refusal says what the person did say: nothing on Wednesday.
    assert check_eligibility(user=responder, position=position(shift)).reasons[0].details == (
        "Not available on Wednesday.",)
    Availability.objects.create(responder=responder, weekday=2, start_time=time(9), end_time=time(14))
    assert check_eligibility(user=responder, position=position(shift)).reasons[0].details == (
        "Available Wednesday 09:00–14:00.",)
    Availability.objects.create(responder=responder, weekday=2, start_time=time(14), end_time=time(18))
    assert codes(responder, position(shift)) == []


def test_an_availability_refusal_names_the_windows_of_each_day_a_night_shift_touches(team, responder):
    night = make_shift(team=team, starts_at=local(2026, 3, 4, 22))  # Wednesday 22:00 – Thursday 06:00
    Availability.objects.create(responder=responder, weekday=1, start_time=time(20), end_time=time(23, 30))
    Availability.objects.create(responder=responder, weekday=2, start_time=time(18), end_time=time(0))
    Availability.objects.create(responder=responder, weekday=2, start_time=time(8), end_time=time(12))
    [reason] = check_eligibility(user=responder, position=position(night)).reasons
    # Tuesday's window ends before the shift: the day before is named only when it has a window.
    assert (reason.code, reason.details) == ("unavailable", (
        "Available Tuesday 20:00–23:30.", "Available Wednesday 08:00–12:00, 18:00–00:00.",
        "Not available on Thursday."))


def test_availability_window_past_midnight_covers_a_night_shift(team, responder):
    night = make_shift(team=team, starts_at=local(2026, 3, 4, 22))
    Availability.objects.create(responder=responder, weekday=2, start_time=time(20), end_time=time(7))
    assert codes(responder, position(night)) == []


def test_already_on_the_shift(team, lead):
    shift = make_shift(team=team, starts_at=WED)
    place(shift=shift, responder=lead, role=PositionRole.LEAD)
    assert codes(lead, position(shift)) == ["overlap", "already_on_shift"]


def test_composition_trainee_waits_for_a_lead(team, responder, lead):
    shift = make_shift(team=team, starts_at=WED, positions=[(PositionRole.LEAD, 1), (PositionRole.TRAINEE, 1)])
    trainee_place = position(shift, PositionRole.TRAINEE)
    result = check_eligibility(user=responder, position=trainee_place)
    assert result.reason_codes == ["composition"]
    assert result.reasons[0].message == "A trainee can join only once a team lead is on the shift."
    place(shift=shift, responder=lead, role=PositionRole.LEAD)
    assert codes(responder, trainee_place) == []


def test_position_full(team, responder, peer):
    shift = make_shift(team=team, starts_at=WED)
    place(shift=shift, responder=peer)
    assert codes(responder, position(shift)) == ["position_full"]


def test_cancelled_and_started_shifts(team, responder):
    cancelled = make_shift(team=team, starts_at=WED, status=Shift.Status.CANCELLED)
    assert codes(responder, position(cancelled)) == ["shift_cancelled"]
    started = make_shift(team=team, starts_at=local(2026, 3, 2, 8))
    assert codes(responder, position(started)) == ["shift_started"]


def test_several_reasons_are_all_reported_in_order(team, org, requirements):
    person = user_with_role(Role.RESPONDER, org)
    shift = make_shift(team=team, starts_at=local(2026, 3, 4, 6), hours=14)
    place(shift=shift, responder=user_with_role(Role.RESPONDER, org))
    assert codes(person, position(shift)) == ["not_ready", "daily_hours", "position_full"]


# --- overrides --------------------------------------------------------------------------------------

def test_rest_hours_and_availability_can_be_overridden(team, responder):
    place(shift=make_shift(team=team, starts_at=WED - timedelta(hours=12)), responder=responder)
    Availability.objects.create(responder=responder, weekday=0, start_time=time(8), end_time=time(20))
    long_shift = make_shift(team=team, starts_at=WED + timedelta(hours=4), hours=13)
    assert codes(responder, position(long_shift)) == ["rest", "daily_hours", "unavailable"]
    result = check_eligibility(user=responder, position=position(long_shift),
                               overrides={"rest", "daily_hours", "unavailable"})
    assert (result.allowed, result.overridden) == (True, ("rest", "daily_hours", "unavailable"))


def test_overlap_readiness_and_fullness_are_never_overridden(team, org, responder, peer, requirements):
    shift = make_shift(team=team, starts_at=WED)
    place(shift=shift, responder=peer)
    result = check_eligibility(user=responder, position=position(shift),
                               overrides={"position_full", "overlap", "not_ready"})
    assert (result.reason_codes, result.overridden) == (["position_full"], ())


def test_coordinator_override_needs_a_reason_and_is_audited(team, coordinator, responder):
    place(shift=make_shift(team=team, starts_at=WED - timedelta(hours=18)), responder=responder)  # to 00:00
    shift = make_shift(team=team, starts_at=WED - timedelta(hours=1))  # from 09:00: 9 h of rest
    with pytest.raises(ApplicationError) as refused:
        services.assignment_create(by=coordinator, position=position(shift), responder=responder)
    # The refusal names its cause: the shift that ends too close to this one.
    assert (refused.value.code, refused.value.message) == (
        "rest", "Less than 10 hours of rest between shifts. Assigned Tue 3 Mar 2026, 16:00–00:00.")
    with pytest.raises(ApplicationError) as no_reason:
        services.assignment_create(by=coordinator, position=position(shift), responder=responder, overrides=["rest"])
    assert no_reason.value.field == "override_reason"

    assignment = services.assignment_create(by=coordinator, position=position(shift), responder=responder,
                                            overrides=["rest"], override_reason="Storm coverage, agreed by Ray")
    assert (assignment.overrides, assignment.override_reason) == (["rest"], "Storm coverage, agreed by Ray")
    event = AuditEvent.objects.get(action="scheduling.assignment.created", target_id=str(assignment.pk))
    assert event.after["overrides"] == ["rest"]
    assert event.after["override_reason"] == "Storm coverage, agreed by Ray"


def test_overlap_override_is_refused_outright(team, coordinator, responder):
    place(shift=make_shift(team=team, starts_at=WED), responder=responder)
    shift = make_shift(team=team, starts_at=WED + timedelta(hours=2))
    with pytest.raises(ApplicationError) as refused:
        services.assignment_create(by=coordinator, position=position(shift), responder=responder,
                                   overrides=["overlap"], override_reason="please")
    assert (refused.value.code, refused.value.field) == ("not_overridable", "overrides")
    assert Assignment.objects.filter(shift=shift).count() == 0


def test_unused_override_is_not_recorded(team, coordinator, responder):
    shift = make_shift(team=team, starts_at=WED)
    assignment = services.assignment_create(by=coordinator, position=position(shift), responder=responder,
                                            overrides=["rest"], override_reason="just in case")
    assert (assignment.overrides, assignment.override_reason) == ([], "")


# --- batch forms --------------------------------------------------------------------------------------

def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_batch_runs_constant_queries(team, org, responder, peer, lead, requirements):
    shift = make_shift(team=team, starts_at=WED)
    pos = position(shift)
    untrained = user_with_role(Role.RESPONDER, org)
    one = _queries(lambda: eligibility_batch(users=[untrained], position=pos))
    three = _queries(lambda: eligibility_batch(users=[untrained, responder, peer, lead], position=pos))
    assert one == three
    result = eligibility_batch(users=[untrained, responder], position=pos)
    assert [result[untrained.pk].reason_codes, result[responder.pk].reason_codes] == [["not_ready"], []]


def test_positions_for_user_constant_queries(team, responder):
    shifts = [make_shift(team=team, starts_at=local(2026, 3, d, 10)) for d in (4, 6, 8)]
    positions = [position(s) for s in shifts]
    one = _queries(lambda: positions_for_user(user=responder, positions=positions[:1]))
    three = _queries(lambda: positions_for_user(user=responder, positions=positions))
    assert one == three
    answers = positions_for_user(user=responder, positions=positions)
    assert [answers[p.pk].allowed for p in positions] == [True, True, True]


def test_positions_for_user_tells_apart_shifts_before_and_after_a_lapse(team, org, requirements, cpr):
    person = user_with_role(Role.RESPONDER, org)
    TrainingRecordFactory(responder=person, organization=org, course=cpr, completed_on=date(2024, 3, 5))
    early, late = (make_shift(team=team, starts_at=local(2026, 3, 3, 10)),
                   make_shift(team=team, starts_at=local(2026, 3, 6, 10)))
    answers = positions_for_user(user=person, positions=[position(early), position(late)])
    assert [answers[position(early).pk].reason_codes, answers[position(late).pk].reason_codes] == [[], ["not_ready"]]


def test_a_refusal_names_the_work_or_time_off_in_the_way(team, org, responder, coordinator, client):
    """Overlap, rest and time off say which shift or which days, on the page and in the API."""
    place(shift=make_shift(team=team, starts_at=WED - timedelta(hours=4)), responder=responder)  # 06:00–14:00
    TimeOff.objects.create(responder=responder, organization=org, starts_at=local(2026, 3, 4, 12),
                           ends_at=local(2026, 3, 4, 20), status=TimeOff.Status.APPROVED)
    shift = make_shift(team=team, starts_at=WED)
    result = check_eligibility(user=responder, position=position(shift))
    details = {r.code: r.details for r in result.reasons}
    assert details["overlap"] == ("Assigned Wed 4 Mar 2026, 06:00–14:00.",)
    assert details["time_off"] == ("Time off Wed 4 Mar 2026, 12:00–20:00.",)
    assert not any(r.is_training for r in result.reasons)

    client.force_login(coordinator)
    html = client.get(reverse("scheduling:shift-detail", args=[shift.pk])).content.decode()
    # Listed under the reason, without "What is missing:" (that introduces missing training).
    assert ('<li class="reason reason-overlap"><span aria-hidden="true">✗</span> Already assigned to another '
            'shift at this time.<ul class="reason-details"><li>Assigned Wed 4 Mar 2026, 06:00–14:00.</li></ul></li>'
            ) in html
    with pytest.raises(ApplicationError) as refused:
        services.assignment_create(by=coordinator, position=position(shift), responder=responder)
    assert "Assigned Wed 4 Mar 2026, 06:00–14:00." in refused.value.message
    assert "Time off Wed 4 Mar 2026, 12:00–20:00." in refused.value.message
