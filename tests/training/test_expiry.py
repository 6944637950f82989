"""Expiry arithmetic: end of month, 29 February, never-expiring courses, verification date."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.training import services
from apps.training.demo import certificate_pdf
from apps.training.models import TrainingRecord, add_months, end_of_month
from tests.factories.training import CourseFactory, TrainingRecordFactory, requirement
from tests.training.conftest import local

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2024, 1, 15), 24, date(2026, 1, 15)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),   # clamped into a leap February
    (date(2023, 1, 31), 1, date(2023, 2, 28)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),  # no 29 February next year
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2025, 11, 30), 3, date(2026, 2, 28)),  # across the year end
])
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_end_of_month_in_leap_and_common_years():
    assert end_of_month(date(2024, 2, 3)) == date(2024, 2, 29)
    assert end_of_month(date(2100, 2, 3)) == date(2100, 2, 28)  # 2100 is not a leap year
    assert end_of_month(date(2026, 12, 1)) == date(2026, 12, 31)


def test_expiry_end_of_month_like_aha_cards():
    cpr = CourseFactory.build(renewal_months=24, expires_end_of_month=True)
    assert cpr.expiry_for(date(2024, 1, 15)) == date(2026, 1, 31)
    assert cpr.expiry_for(date(2024, 2, 29)) == date(2026, 2, 28)
    assert cpr.expiry_for(date(2026, 2, 1)) == date(2028, 2, 29)


def test_expiry_same_day_and_never():
    mhfa = CourseFactory.build(renewal_months=36, expires_end_of_month=False)
    assert mhfa.expiry_for(date(2024, 2, 29)) == date(2027, 2, 28)
    assert mhfa.expiry_for(date(2025, 6, 10)) == date(2028, 6, 10)
    never = CourseFactory.build(renewal_months=None)
    assert never.expiry_for(date(2024, 2, 29)) is None


@time_machine.travel(local(2024, 2, 29, 15), tick=False)
def test_record_submitted_on_leap_day_gets_end_of_month_expiry(org, responder):
    cpr = CourseFactory(renewal_months=24, expires_end_of_month=True)
    upload = SimpleUploadedFile("card.pdf", certificate_pdf(), content_type="application/pdf")

    record = services.record_submit(by=responder, responder=responder, organization=org, course=cpr,
                                    completed_on=date(2024, 2, 29), evidence=upload)

    assert (record.completed_on, record.expires_on, record.status) == (
        date(2024, 2, 29), date(2026, 2, 28), TrainingRecord.Status.PENDING)


@time_machine.travel(local(2024, 2, 28, 23, 30), tick=False)
def test_record_in_the_future_is_refused_on_the_server_clock(org, responder):
    cpr = CourseFactory()
    upload = SimpleUploadedFile("card.pdf", certificate_pdf(), content_type="application/pdf")
    with pytest.raises(services.ApplicationError) as error:
        services.record_submit(by=responder, responder=responder, organization=org, course=cpr,
                               completed_on=date(2024, 2, 29), evidence=upload)
    assert error.value.field == "completed_on"


def test_verified_later_than_completed_keeps_expiry_from_completion(org, responder, coordinator):
    course = CourseFactory(renewal_months=12)
    with time_machine.travel(local(2025, 3, 1), tick=False):
        upload = SimpleUploadedFile("card.pdf", certificate_pdf(), content_type="application/pdf")
        record = services.record_submit(by=responder, responder=responder, organization=org, course=course,
                                        completed_on=date(2025, 1, 10), evidence=upload)
    with time_machine.travel(local(2025, 6, 20), tick=False):
        services.record_verify(record=record, by=coordinator)
    record.refresh_from_db()
    assert record.verified_at == local(2025, 6, 20)
    assert record.expires_on == date(2026, 1, 10)


def test_record_valid_through_the_last_local_day_only(org, responder):
    from apps.training.readiness import readiness_for

    course = CourseFactory(renewal_months=24, expires_end_of_month=True)
    requirement(courses=[course])
    TrainingRecordFactory(responder=responder, organization=org, course=course, completed_on=date(2024, 1, 15))

    late_last_day = readiness_for(user=responder, organization=org, at=local(2026, 1, 31, 23, 59))
    first_minute_after = readiness_for(user=responder, organization=org, at=local(2026, 2, 1, 0, 1))

    assert late_last_day.cleared is True
    assert first_minute_after.cleared is False
    assert first_minute_after.reason_codes == ["expired"]
    assert first_minute_after.field_hours == Decimal("0")
