"""The readiness engine: each reason code exactly, requirement versions, and the batch's query count."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Membership
from apps.accounts.roles import Role
from apps.training.models import FieldHours, TrainingRecord
from apps.training.readiness import ReadinessReason, readiness_batch, readiness_for, records_expiring_between
from tests.factories import UserFactory, user_with_role
from tests.factories.training import CourseFactory, FieldHoursFactory, TrainingRecordFactory, requirement
from tests.training.conftest import local

pytestmark = pytest.mark.django_db

AT = local(2026, 3, 10)


def _hours(user, org, hours="10", status=FieldHours.Status.SIGNED_OFF, preceptor=None):
    return FieldHoursFactory(responder=user, organization=org, hours=Decimal(hours), status=status,
                             preceptor=preceptor or UserFactory())


def _ready(user, org, cpr, mhfa):
    TrainingRecordFactory(responder=user, organization=org, course=cpr, completed_on=date(2025, 5, 2))
    TrainingRecordFactory(responder=user, organization=org, course=mhfa, completed_on=date(2025, 5, 2))
    _hours(user, org)


def test_cleared_when_every_course_is_verified_and_hours_met(org, responder, baseline, cpr, mhfa):
    _ready(responder, org, cpr, mhfa)

    result = readiness_for(user=responder, organization=org, at=AT)

    assert result.cleared is True
    assert result.reasons == ()
    assert [(c.course_code, c.state, c.expires_on) for c in result.courses] == [
        ("cpr", "valid", date(2027, 5, 31)), ("mhfa", "valid", date(2028, 5, 2))]
    assert (result.field_hours, result.field_hours_required, result.requirement_id) == (
        Decimal("10"), Decimal("10"), baseline.pk)


def test_reason_missing_course(org, responder, baseline, cpr, mhfa):
    TrainingRecordFactory(responder=responder, organization=org, course=cpr, completed_on=date(2025, 5, 2))
    TrainingRecordFactory(responder=responder, organization=org, course=mhfa, completed_on=date(2025, 5, 2),
                          status=TrainingRecord.Status.REJECTED, rejection_reason="Unreadable")
    _hours(responder, org)

    result = readiness_for(user=responder, organization=org, at=AT)

    assert result.cleared is False
    assert [tuple(r) for r in result.reasons] == [
        ("missing_course", "Mental Health First Aid has not been completed.")]
    assert result.reasons[0].course_id == mhfa.pk


def test_reason_pending_verification(org, responder, baseline, cpr, mhfa):
    TrainingRecordFactory(responder=responder, organization=org, course=cpr, completed_on=date(2025, 5, 2))
    TrainingRecordFactory(responder=responder, organization=org, course=mhfa, completed_on=date(2025, 5, 2),
                          status=TrainingRecord.Status.PENDING, verified_at=None)
    _hours(responder, org)

    result = readiness_for(user=responder, organization=org, at=AT)

    assert [tuple(r) for r in result.reasons] == [
        ("pending_verification",
         "Mental Health First Aid: the record is waiting for verification by a trainer or coordinator.")]
    assert result.courses[1].state == "pending"


def test_reason_expires_before_the_period_ends(org, responder, baseline, cpr, mhfa):
    TrainingRecordFactory(responder=responder, organization=org, course=cpr, completed_on=date(2024, 3, 2))
    TrainingRecordFactory(responder=responder, organization=org, course=mhfa, completed_on=date(2025, 5, 2))
    _hours(responder, org)

    now_only = readiness_for(user=responder, organization=org, at=AT)
    through_april = readiness_for(user=responder, organization=org, at=AT, through=local(2026, 4, 1, 8))

    assert now_only.cleared is True
    assert [(c.state, c.within_days, c.days_left) for c in now_only.expiring] == [("expiring", 30, 21)]
    assert [tuple(r) for r in through_april.reasons] == [
        ("expires_before", "CPR and First Aid expires on 2026-03-31, before the end of the period.")]
    assert through_april.reasons[0].expires_on == date(2026, 3, 31)


def test_reason_expired_inside_the_recertification_window(org, responder, baseline, cpr, mhfa):
    TrainingRecordFactory(responder=responder, organization=org, course=cpr, completed_on=date(2025, 5, 2))
    TrainingRecordFactory(responder=responder, organization=org, course=mhfa, completed_on=date(2023, 1, 20))
    _hours(responder, org)

    result = readiness_for(user=responder, organization=org, at=AT)

    assert result.reasons == (ReadinessReason(
        code="expired",
        message="Mental Health First Aid expired on 2026-01-20; recertification is accepted until 2026-04-20.",
        course_id=mhfa.pk, course_code="mhfa", expires_on=date(2026, 1, 20), recertify_until=date(2026, 4, 20),
        full_course_required=False),)


def test_reason_expired_outside_the_recertification_window(org, responder, baseline, cpr, mhfa):
    TrainingRecordFactory(responder=responder, organization=org, course=cpr, completed_on=date(2025, 5, 2))
    TrainingRecordFactory(responder=responder, organization=org, course=mhfa, completed_on=date(2023, 1, 20))
    _hours(responder, org)

    day_90 = readiness_for(user=responder, organization=org, at=local(2026, 4, 20, 23))
    day_91 = readiness_for(user=responder, organization=org, at=local(2026, 4, 21, 9))

    assert (day_90.reasons[0].recertify_until, day_90.reasons[0].full_course_required) == (date(2026, 4, 20), False)
    assert tuple(day_91.reasons[0]) == (
        "expired", "Mental Health First Aid expired on 2026-01-20; the full course is required again.")
    assert (day_91.reasons[0].recertify_until, day_91.reasons[0].full_course_required) == (None, True)


def test_course_without_window_needs_the_full_course_at_once(org, responder, baseline, cpr, mhfa):
    TrainingRecordFactory(responder=responder, organization=org, course=cpr, completed_on=date(2024, 1, 5))
    TrainingRecordFactory(responder=responder, organization=org, course=mhfa, completed_on=date(2025, 5, 2))
    _hours(responder, org)

    result = readiness_for(user=responder, organization=org, at=AT)

    assert result.reasons[0].code == "expired"
    assert (result.reasons[0].expires_on, result.reasons[0].full_course_required) == (date(2026, 1, 31), True)


def test_a_newer_record_replaces_an_expired_one(org, responder, baseline, cpr, mhfa):
    TrainingRecordFactory(responder=responder, organization=org, course=cpr, completed_on=date(2023, 1, 5))
    TrainingRecordFactory(responder=responder, organization=org, course=cpr, completed_on=date(2026, 1, 5))
    TrainingRecordFactory(responder=responder, organization=org, course=mhfa, completed_on=date(2025, 5, 2))
    _hours(responder, org)

    assert readiness_for(user=responder, organization=org, at=AT).cleared is True


def test_reason_insufficient_field_hours_counts_only_signed_off(org, responder, baseline, cpr, mhfa):
    TrainingRecordFactory(responder=responder, organization=org, course=cpr, completed_on=date(2025, 5, 2))
    TrainingRecordFactory(responder=responder, organization=org, course=mhfa, completed_on=date(2025, 5, 2))
    _hours(responder, org, "6.5")
    _hours(responder, org, "8", status=FieldHours.Status.PENDING)

    result = readiness_for(user=responder, organization=org, at=AT)

    assert result.reasons == (ReadinessReason(code="insufficient_field_hours",
                                     message="6.5 of 10 supervised field hours are signed off.",
                                     hours_signed=Decimal("6.5"), hours_required=Decimal("10")),)


def test_reason_not_responder_and_no_requirements(org, coordinator, cpr):
    result = readiness_for(user=coordinator, organization=org, at=AT)

    assert [r.code for r in result.reasons] == ["not_responder", "no_requirements"]
    assert result.cleared is False


def test_membership_in_another_organization_does_not_count(org, other_org, responder, baseline, cpr, mhfa):
    _ready(responder, org, cpr, mhfa)
    assert readiness_for(user=responder, organization=other_org, at=AT).reason_codes == ["not_responder"]
    Membership.objects.filter(user=responder).update(is_active=False)
    assert readiness_for(user=responder, organization=org, at=AT).reason_codes == ["not_responder"]


def test_requirement_change_takes_effect_on_its_date(org, responder, baseline, cpr, mhfa):
    _ready(responder, org, cpr, mhfa)
    radio = CourseFactory(code="radio", title="Radio protocol")
    requirement(courses=[cpr, mhfa, radio], effective_from=date(2026, 4, 1), min_field_hours=Decimal("10"))

    before = readiness_for(user=responder, organization=org, at=local(2026, 3, 31, 23, 59))
    after = readiness_for(user=responder, organization=org, at=local(2026, 4, 1, 0, 1))
    shift_into_april = readiness_for(user=responder, organization=org, at=local(2026, 3, 31, 22),
                                     through=local(2026, 4, 1, 6))

    assert before.cleared is True
    assert after.reason_codes == ["missing_course"]
    assert shift_into_april.reason_codes == ["missing_course"]


def test_organization_override_and_team_lead_role(org, other_org, responder, baseline, cpr, mhfa):
    TrainingRecordFactory(responder=responder, organization=org, course=cpr, completed_on=date(2025, 5, 2))
    requirement(courses=[cpr], organization=org, effective_from=date(2025, 6, 1))
    other = user_with_role(Role.RESPONDER, other_org)
    TrainingRecordFactory(responder=other, organization=other_org, course=cpr, completed_on=date(2025, 5, 2))

    assert readiness_for(user=responder, organization=org, at=AT).cleared is True
    assert readiness_for(user=other, organization=other_org, at=AT).reason_codes == [
        "missing_course", "insufficient_field_hours"]
    assert readiness_for(user=responder, organization=org, at=AT, role="team_lead").reason_codes == [
        "no_requirements"]


def test_unknown_role_and_backwards_period_are_refused(org, responder):
    with pytest.raises(ValueError):
        readiness_for(user=responder, organization=org, at=AT, role="captain")
    with pytest.raises(ValueError):
        readiness_for(user=responder, organization=org, at=AT, through=local(2026, 3, 9))


def _batch_queries(users, org) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        result = readiness_batch(users=users, organization=org, at=AT)
    return len(ctx.captured_queries), result


def test_batch_query_count_is_constant(org, baseline, cpr, mhfa):
    people = [user_with_role(Role.RESPONDER, org) for _ in range(3)]
    for person in people:
        _ready(person, org, cpr, mhfa)

    one, result_one = _batch_queries(people[:1], org)
    three, result_three = _batch_queries(people, org)

    assert one == three == 4
    assert [r.cleared for r in result_three.values()] == [True, True, True]
    assert result_one[people[0].pk] == result_three[people[0].pk]


def test_batch_query_count_does_not_grow_from_3_to_300(org, baseline, cpr, mhfa):
    users = UserFactory.build_batch(300)
    from apps.accounts.models import User

    User.objects.bulk_create(users)
    users = list(User.objects.order_by("id"))
    Membership.objects.bulk_create([Membership(user=u, organization=org, role=Role.RESPONDER) for u in users])
    TrainingRecord.objects.bulk_create([
        TrainingRecord(responder=u, organization=org, course=c, completed_on=date(2025, 5, 2),
                       expires_on=c.expiry_for(date(2025, 5, 2)), source="external", status="verified")
        for u in users[::2] for c in (cpr, mhfa)])

    three, _ = _batch_queries(users[:3], org)
    many, result = _batch_queries(users, org)

    assert three == many == 4
    assert sum(1 for r in result.values() if r.reason_codes == ["insufficient_field_hours"]) == 150
    assert sum(1 for r in result.values() if r.reason_codes == ["missing_course", "missing_course",
                                                                "insufficient_field_hours"]) == 150


def test_records_expiring_between_skips_renewed_records(org, responder, peer, cpr, mhfa):
    old = TrainingRecordFactory(responder=responder, organization=org, course=cpr, completed_on=date(2024, 3, 2))
    TrainingRecordFactory(responder=responder, organization=org, course=cpr, completed_on=date(2026, 2, 2))
    lapsing = TrainingRecordFactory(responder=peer, organization=org, course=cpr, completed_on=date(2024, 3, 20))
    TrainingRecordFactory(responder=peer, organization=org, course=mhfa, completed_on=date(2023, 4, 1),
                          status=TrainingRecord.Status.PENDING)

    found = list(records_expiring_between(date(2026, 3, 1), date(2026, 4, 30)))

    assert old.expires_on == date(2026, 3, 31)
    assert found == [lapsing]
