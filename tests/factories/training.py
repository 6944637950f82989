from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from apps.training.models import Course, Enrollment, FieldHours, RoleRequirement, TrainingRecord, TrainingSession


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    category = Course.Category.SAFETY
    provider = "Test provider"
    hours = Decimal("8")
    delivery = Course.Delivery.CLASSROOM
    renewal_months = 24


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    """A verified record; `expires_on` follows the course unless given."""

    class Meta:
        model = TrainingRecord

    course = factory.SubFactory(CourseFactory)
    completed_on = date(2026, 1, 15)
    expires_on = factory.LazyAttribute(lambda o: o.course.expiry_for(o.completed_on))
    source = TrainingRecord.Source.EXTERNAL
    status = TrainingRecord.Status.VERIFIED
    verified_at = factory.LazyFunction(timezone.now)


class FieldHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldHours

    worked_on = date(2026, 1, 10)
    hours = Decimal("8")
    status = FieldHours.Status.SIGNED_OFF


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=5))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=8))
    location = "Community room"
    capacity = 2


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    status = Enrollment.Status.ENROLLED
    queued_at = factory.LazyFunction(timezone.now)


def requirement(*, courses, role="responder", organization=None, effective_from=date(2025, 1, 1),
                min_field_hours=Decimal("0")) -> RoleRequirement:
    row = RoleRequirement.objects.create(role=role, organization=organization, effective_from=effective_from,
                                         min_field_hours=min_field_hours)
    row.courses.set(courses)
    return row
