"""Trainers and responders on certificates and classes: records verified, renewals (prompt, late or
never), classes scheduled and enrolled in, attendance and results."""

from datetime import time, timedelta

from apps.accounts.models import Organization

from ..clock import local, local_day
from .world import World, pdf_upload


def verify_pending_records(world: World) -> None:
    from apps.training import services as training
    from apps.training.models import TrainingRecord

    for record in TrainingRecord.objects.filter(status=TrainingRecord.Status.PENDING,
                                                organization_id__in=world.trainers).select_related("responder"):
        trainer = world.trainers[record.organization_id]
        if world.chance(0.7):
            world.do("training.record_verify", training.record_verify, record=record, by=trainer)


def renewals(world: World) -> None:
    """Responders renew expiring certificates: most in time, some late, some never."""
    from apps.training import services as training
    from apps.training.models import TrainingRecord

    today = local_day(world.now)
    latest_by_person: dict[int, dict] = {p.user.pk: {} for p in world.responders}
    for record in TrainingRecord.objects.filter(responder_id__in=latest_by_person).exclude(
            status=TrainingRecord.Status.REJECTED).select_related("course").order_by("completed_on", "pk"):
        latest_by_person[record.responder_id][record.course_id] = record
    for person in world.responders:
        if person.renewal == "never" and person.user.pk % 2 == 0:
            continue
        latest = latest_by_person[person.user.pk]
        for record in latest.values():
            if record.expires_on is None:
                continue
            due = record.expires_on - timedelta(days=world.rng.randint(10, 40))
            if person.renewal == "late":
                due = record.expires_on + timedelta(days=10)
            elif person.renewal == "never":
                continue
            if today >= due and record.course.code != "mhfa":
                world.do("training.record_submit (renewal)", training.record_submit, by=person.user,
                         responder=person.user, organization=person.organization, course=record.course,
                         completed_on=today, evidence=pdf_upload())


def schedule_classes(world: World) -> None:
    """Every other week each trainer schedules a class (one in the evening, one in the day), and the
    responders whose certificate for it expires soonest enroll; places are few, so some wait."""
    from apps.training import services as training
    from apps.training.models import Course

    courses = list(Course.objects.filter(code__in=["de-escalation", "privacy-confidentiality", "radio-dispatch",
                                                   "mhfa"]).order_by("code"))
    today = local_day(world.now)
    for org_id, trainer in world.trainers.items():
        course = world.rng.choice(courses)
        evening = world.chance(0.5)
        day = today + timedelta(days=9)
        starts = local(day, time(18) if evening else time(9))
        ends = starts + timedelta(hours=4 if evening else 8)
        session = world.do("training.session_create", training.session_create, by=trainer,
                           organization=Organization.objects.get(pk=org_id), course=course, trainer=trainer,
                           starts_at=starts, ends_at=ends, location="Community room", capacity=3)
        if session is None:
            continue
        people = [p for p in world.responders if p.organization.pk == org_id]
        world.rng.shuffle(people)
        for person in people[:5]:
            world.do("training.enrollment_create", training.enrollment_create, by=person.user, session=session,
                     responder=person.user)


def training_day(world: World) -> None:
    """Withdrawals before a class; after it, attendance and results (one absent now and then)."""
    from apps.training import services as training
    from apps.training.models import Enrollment, TrainingSession

    for enrollment in Enrollment.objects.filter(status=Enrollment.Status.ENROLLED, session__starts_at__gt=world.now,
                                                session__starts_at__lte=world.now + timedelta(days=3)):
        if world.chance(0.05):
            world.do("training.enrollment_withdraw", training.enrollment_withdraw, by=enrollment.responder,
                     enrollment=enrollment)
    for session in TrainingSession.objects.filter(status=TrainingSession.Status.SCHEDULED, ends_at__lte=world.now,
                                                  ends_at__gt=world.now - timedelta(days=1)):
        trainer = session.trainer
        for enrollment in session.enrollments.filter(status=Enrollment.Status.ENROLLED, record__isnull=True):
            present = world.chance(0.9)
            if enrollment.attendance == Enrollment.Attendance.UNKNOWN:
                world.do("training.enrollment_mark_attendance", training.enrollment_mark_attendance, by=trainer,
                         enrollment=enrollment, attendance="present" if present else "absent")
                enrollment.refresh_from_db()
            if present:
                world.do("training.enrollment_assess", training.enrollment_assess, by=trainer, enrollment=enrollment,
                         passed=world.chance(0.95))

