"""Every write to training data: catalog, requirements, records, field hours, sessions, enrollment."""

import secrets
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Organization, User
from apps.accounts.roles import Role
from apps.core.audit import audit, audit_many
from apps.core.errors import ApplicationError
from apps.core.queue import enqueue_on_commit
from apps.core.transitions import transition
from apps.core.uploads import CERTIFICATES, check_upload
from apps.notifications.services import notification_cancel, notify

from .imports import ImportReport, validate_import
from .models import Course, Enrollment, FieldHours, RequirementRole, RoleRequirement, TrainingRecord, TrainingSession
from .permissions import (
    can_create_session,
    can_edit_requirements,
    can_enroll,
    can_import_records,
    can_log_field_hours,
    can_manage_session,
    can_sign_off_field_hours,
    can_submit_record,
    can_verify_record,
)
from .selectors import preceptor_choices

# Records whose notices one worker task renders and writes.
IMPORT_NOTIFY_BATCH = 200


def evidence_max_bytes() -> int:
    return settings.TRAINING_EVIDENCE_MAX_BYTES


# --- evidence ------------------------------------------------------------------------------------

def evidence_check(upload) -> tuple[str, str]:
    """(content type, extension) of a certificate that really is a PDF or a JPEG/PNG image.

    The content decides (apps.core.uploads): a PDF must parse and have a page; an image must decode.
    """
    checked = check_upload(upload, allowed=CERTIFICATES, max_bytes=evidence_max_bytes(), field="evidence")
    upload.seek(0)
    return checked.content_type, f".{checked.extension}"


# --- catalog and requirements --------------------------------------------------------------------

COURSE_FIELDS = ("title", "category", "provider", "hours", "delivery", "renewal_months", "expires_end_of_month",
                 "recertification_window_days", "approval_number", "description", "is_active")


def course_save(*, by: User | None, code: str, **values) -> Course:
    """Create or update a catalog entry by code. Existing records keep the expiry they were given."""
    unknown = set(values) - set(COURSE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown course fields {sorted(unknown)}")
    with transaction.atomic():
        course = Course.objects.select_for_update().filter(code=code).first()
        before = {f: getattr(course, f) for f in values} if course else None
        if course is None:
            course = Course.objects.create(code=code, **values)
            action = "training.course.created"
        else:
            for name, value in values.items():
                setattr(course, name, value)
            course.save()
            action = "training.course.updated"
        after = {f: getattr(course, f) for f in values}
        if before != after:
            audit(actor=by, action=action, target=course, before=before, after=after)
    return course


def requirement_set(*, by: User | None, role: str, organization: Organization | None, effective_from: date,
                    courses: list[Course], min_field_hours: Decimal, note: str = "",
                    allow_past: bool = False) -> RoleRequirement:
    """Set what `role` needs from `effective_from` on (for `organization`, or program-wide when None).

    A change never rewrites the past: the date must be today or later (the demo seeder and imports
    of historical rules pass allow_past). Setting the same date again replaces that version.
    """
    if by is not None and not can_edit_requirements(by):
        raise ApplicationError(_("Only a program admin can change training requirements."))
    if role not in RequirementRole.values:
        raise ApplicationError(_("Choose one of the listed roles."), field="role")
    if min_field_hours < 0:
        raise ApplicationError(_("Field hours cannot be negative."), field="min_field_hours")
    today = timezone.localdate()
    if effective_from < today and not allow_past:
        raise ApplicationError(_("A requirement cannot change the past: choose today or a later date."),
                               field="effective_from")
    with transaction.atomic():
        requirement = (RoleRequirement.objects.select_for_update(of=("self",)).order_by()
                       .filter(role=role, organization=organization, effective_from=effective_from).first())
        before = None
        if requirement is None:
            requirement = RoleRequirement.objects.create(
                role=role, organization=organization, effective_from=effective_from,
                min_field_hours=min_field_hours, note=note, created_by=by)
        else:
            before = {"courses": sorted(requirement.courses.values_list("code", flat=True)),
                      "min_field_hours": requirement.min_field_hours, "note": requirement.note}
            requirement.min_field_hours, requirement.note = min_field_hours, note
            requirement.save(update_fields=["min_field_hours", "note", "updated_at"])
        requirement.courses.set(courses)
        audit(actor=by, action="training.requirement.set", target=requirement, organization=organization,
              before=before, after={"role": role, "effective_from": effective_from,
                                    "courses": sorted(c.code for c in courses), "min_field_hours": min_field_hours,
                                    "note": note})
    return requirement


# --- records -------------------------------------------------------------------------------------

def record_submit(*, by: User, responder: User, organization: Organization, course: Course, completed_on: date,
                  evidence, certificate_number: str = "") -> TrainingRecord:
    """An external certificate, uploaded by the responder (or staff on their behalf); it waits for
    verification before it counts."""
    if not can_submit_record(by, responder=responder, organization_id=organization.pk):
        raise ApplicationError(_("You cannot add training records for this person."))
    if not course.is_active:
        raise ApplicationError(_("This course is no longer offered; choose a current one."), field="course")
    if completed_on > timezone.localdate():
        raise ApplicationError(_("The completion date cannot be in the future."), field="completed_on")
    if evidence is None:
        raise ApplicationError(_("Attach the certificate (PDF or photo)."), field="evidence")
    content_type, extension = evidence_check(evidence)
    with transaction.atomic():
        record = TrainingRecord(
            responder=responder, organization=organization, course=course, completed_on=completed_on,
            expires_on=course.expiry_for(completed_on), source=TrainingRecord.Source.EXTERNAL,
            certificate_number=certificate_number.strip(), submitted_by=by,
            evidence_token=secrets.token_hex(16), evidence_extension=extension,
            evidence_content_type=content_type, evidence_size=evidence.size,
        )
        record.evidence.save(f"certificate{extension}", evidence, save=False)
        record.save()
        audit(actor=by, action="training.record.submitted", target=record, organization=organization,
              after={"course": course.code, "completed_on": completed_on, "expires_on": record.expires_on,
                     "evidence_content_type": content_type, "evidence_size": evidence.size})
    return record


def _notify_record_decision(record: TrainingRecord, kind: str) -> list:
    return notify(kind=kind, to=record.responder, dedupe_key=f"{kind}:{record.pk}", target=record,
                  link=reverse("training:record-detail", args=[record.pk]),
                  context={"course": record.course.title, "completed_on": record.completed_on,
                           "expires_on": record.expires_on, "reason": record.rejection_reason})


def record_verify(*, record: TrainingRecord, by: User) -> TrainingRecord:
    if not can_verify_record(by, record):
        raise ApplicationError(_("Only a trainer or coordinator of this organization can verify it."))

    def verify(row: TrainingRecord) -> list[str]:
        row.verified_by, row.verified_at, row.rejection_reason = by, timezone.now(), ""
        return ["verified_by", "verified_at", "rejection_reason"]

    # verifying twice is harmless: the second finds it verified and changes nothing
    return transition(record, from_states={TrainingRecord.Status.PENDING, TrainingRecord.Status.REJECTED},
                      done_states={TrainingRecord.Status.VERIFIED}, to_state=TrainingRecord.Status.VERIFIED,
                      apply=verify, actor=by, action="training.record.verified", organization=record.organization,
                      before=lambda row: {"status": row.status}, after={"status": TrainingRecord.Status.VERIFIED},
                      select_related=("course", "responder"),
                      then=lambda row: _notify_record_decision(row, "training.record_verified"))


def record_reject(*, record: TrainingRecord, by: User, reason: str) -> TrainingRecord:
    reason = reason.strip()
    if not can_verify_record(by, record):
        raise ApplicationError(_("Only a trainer or coordinator of this organization can reject it."))
    if not reason:
        raise ApplicationError(_("Say why the record is rejected, so the responder can fix it."), field="reason")

    def reject(row: TrainingRecord) -> list[str]:
        row.rejection_reason, row.verified_by, row.verified_at = reason[:500], by, timezone.now()
        return ["rejection_reason", "verified_by", "verified_at"]

    return transition(record, from_states={TrainingRecord.Status.PENDING}, to_state=TrainingRecord.Status.REJECTED,
                      refused=_("Only a record waiting for verification can be rejected."), apply=reject, actor=by,
                      action="training.record.rejected", organization=record.organization,
                      before={"status": "pending"},
                      after=lambda row: {"status": row.status, "reason": row.rejection_reason},
                      select_related=("course", "responder"),
                      then=lambda row: _notify_record_decision(row, "training.record_rejected"))


# --- field hours ---------------------------------------------------------------------------------

def field_hours_log(*, by: User, organization: Organization, worked_on: date, hours: Decimal, preceptor: User,
                    activity: str = "", shift_reference: str = "") -> FieldHours:
    if not can_log_field_hours(by, organization.pk):
        raise ApplicationError(_("Only a responder of this organization can log field hours."))
    if preceptor.pk == by.pk:
        raise ApplicationError(_("Your preceptor must be someone else."), field="preceptor")
    preceptors = preceptor_choices(organizations=Organization.objects.filter(pk=organization.pk), exclude=by)
    if not preceptors.filter(pk=preceptor.pk).exists():
        raise ApplicationError(_("The preceptor must belong to your organization."), field="preceptor")
    if not (Decimal("0") < hours <= Decimal("24")):
        raise ApplicationError(_("Enter between 0 and 24 hours."), field="hours")
    if worked_on > timezone.localdate():
        raise ApplicationError(_("Hours can be logged only for work already done."), field="worked_on")
    with transaction.atomic():
        entry = FieldHours.objects.create(responder=by, organization=organization, worked_on=worked_on,
                                          hours=hours, preceptor=preceptor, activity=activity.strip(),
                                          shift_reference=shift_reference.strip())
        audit(actor=by, action="training.field_hours.logged", target=entry, organization=organization,
              after={"worked_on": worked_on, "hours": hours, "preceptor": preceptor.pk})
    return entry


def field_hours_sign_off(*, by: User, entry: FieldHours, approve: bool, note: str = "") -> FieldHours:
    if not can_sign_off_field_hours(by, entry):
        raise ApplicationError(_("Only the named preceptor can sign off these hours."))
    if not approve and not note.strip():
        raise ApplicationError(_("Say why the hours are not signed off."), field="note")

    def decide(row: FieldHours) -> list[str]:
        row.signed_off_at, row.decision_note = timezone.now(), note.strip()[:300]
        return ["signed_off_at", "decision_note"]

    return transition(entry, from_states={FieldHours.Status.PENDING},
                      to_state=FieldHours.Status.SIGNED_OFF if approve else FieldHours.Status.REJECTED,
                      refused=_("These hours have already been decided."), apply=decide, actor=by,
                      action="training.field_hours.signed_off" if approve else "training.field_hours.rejected",
                      organization=entry.organization, before={"status": "pending"},
                      after=lambda row: {"status": row.status, "hours": row.hours})


# --- sessions and enrollment ---------------------------------------------------------------------

def session_create(*, by: User, organization: Organization, course: Course, trainer: User, starts_at: datetime,
                   ends_at: datetime, location: str, capacity: int, notes: str = "") -> TrainingSession:
    if not can_create_session(by, organization.pk):
        raise ApplicationError(_("Only a trainer or coordinator of this organization can schedule training."))
    if not trainer.has_role(Role.TRAINER, organization.pk):
        raise ApplicationError(_("The trainer must be a trainer of this organization."), field="trainer")
    if ends_at <= starts_at:
        raise ApplicationError(_("The session must end after it starts."), field="ends_at")
    if starts_at <= timezone.now():
        raise ApplicationError(_("A new session must start in the future."), field="starts_at")
    if capacity < 1:
        raise ApplicationError(_("A session needs at least one place."), field="capacity")
    with transaction.atomic():
        session = TrainingSession.objects.create(
            organization=organization, course=course, trainer=trainer, starts_at=starts_at, ends_at=ends_at,
            location=location.strip(), capacity=capacity, notes=notes.strip())
        audit(actor=by, action="training.session.created", target=session, organization=organization,
              after={"course": course.code, "starts_at": starts_at, "capacity": capacity, "trainer": trainer.pk})
    return session


def session_cancel(*, by: User, session: TrainingSession) -> TrainingSession:
    if not can_manage_session(by, session):
        raise ApplicationError(_("Only the trainer or a coordinator can cancel this session."))
    return transition(session, from_states={TrainingSession.Status.SCHEDULED},
                      to_state=TrainingSession.Status.CANCELLED,
                      refused=_("Only a scheduled session can be cancelled."), actor=by,
                      action="training.session.cancelled", organization=session.organization,
                      before={"status": "scheduled"}, after={"status": "cancelled"},
                      then=lambda row: notification_cancel(dedupe_key_prefix=f"training-session-reminder:{row.pk}:"))


def _locked_session(session: TrainingSession) -> TrainingSession:
    # The row lock serializes everyone enrolling in or leaving this session, so two people
    # cannot both take the last place (on SQLite the write transaction serializes them).
    return TrainingSession.objects.select_for_update().get(pk=session.pk)


def _enrolled_count(session: TrainingSession) -> int:
    return Enrollment.objects.filter(session=session, status=Enrollment.Status.ENROLLED).count()


def enrollment_create(*, by: User, session: TrainingSession, responder: User) -> Enrollment:
    """A place if one is free, otherwise a waitlist spot (served oldest first)."""
    if not can_enroll(by, session=session, responder=responder):
        raise ApplicationError(_("You cannot enroll this person in this session."))
    with transaction.atomic():
        session = _locked_session(session)
        if session.status != TrainingSession.Status.SCHEDULED or session.starts_at <= timezone.now():
            raise ApplicationError(_("Enrollment is closed for this session."))
        enrollment = Enrollment.objects.filter(session=session, responder=responder).first()
        if enrollment is not None and enrollment.status != Enrollment.Status.WITHDRAWN:
            raise ApplicationError(_("Already enrolled or on the waitlist."))
        status = (Enrollment.Status.ENROLLED if _enrolled_count(session) < session.capacity
                  else Enrollment.Status.WAITLISTED)
        now = timezone.now()
        if enrollment is None:
            try:
                with transaction.atomic():
                    enrollment = Enrollment.objects.create(session=session, responder=responder, status=status,
                                                           queued_at=now)
            except IntegrityError as exc:
                raise ApplicationError(_("Already enrolled or on the waitlist.")) from exc
            audit(actor=by, action="training.enrollment.created", target=enrollment,
                  organization=session.organization, after={"status": status, "responder": responder.pk})
            return enrollment

        def requeue(row: Enrollment) -> list[str]:
            row.queued_at = now
            return ["queued_at"]

        # Back after withdrawing: the same row, at the end of the queue.
        return transition(enrollment, from_states={Enrollment.Status.WITHDRAWN}, to_state=status, apply=requeue,
                          refused=_("Already enrolled or on the waitlist."), actor=by,
                          action="training.enrollment.created", organization=session.organization,
                          after={"status": status, "responder": responder.pk})


def enrollment_withdraw(*, by: User, enrollment: Enrollment) -> Enrollment:
    """Leave a session; a freed place goes to the first person on the waitlist, who is told."""
    session = enrollment.session
    if not (enrollment.responder_id == by.pk or can_manage_session(by, session)):
        raise ApplicationError(_("You cannot withdraw this enrollment."))
    with transaction.atomic():
        session = _locked_session(session)
        was = {}

        def withdraw(row: Enrollment) -> None:
            was["status"] = row.status

        enrollment = transition(enrollment, from_states={Enrollment.Status.ENROLLED, Enrollment.Status.WAITLISTED},
                                done_states={Enrollment.Status.WITHDRAWN}, to_state=Enrollment.Status.WITHDRAWN,
                                apply=withdraw, actor=by, action="training.enrollment.withdrawn",
                                organization=session.organization, before=lambda row: {"status": row.status},
                                after={"status": "withdrawn"})
        if was.get("status") == Enrollment.Status.ENROLLED:
            _promote_waitlist(session)
    return enrollment


def _promote_waitlist(session: TrainingSession) -> None:
    free = session.capacity - _enrolled_count(session)
    if free <= 0:
        return
    waiting = list(Enrollment.objects.filter(session=session, status=Enrollment.Status.WAITLISTED)
                   .select_related("responder").order_by("queued_at", "id")[:free])
    for enrollment in waiting:
        enrollment = transition(enrollment, from_states={Enrollment.Status.WAITLISTED},
                                to_state=Enrollment.Status.ENROLLED, actor=None, action="training.enrollment.promoted",
                                organization=session.organization, before={"status": "waitlisted"},
                                after={"status": "enrolled"}, select_related=("responder",))
        notify(kind="training.enrollment_promoted", to=enrollment.responder,
               dedupe_key=f"training-enrollment-promoted:{enrollment.pk}:{enrollment.updated_at:%Y%m%d%H%M%S}",
               target=session, link=reverse("training:session-detail", args=[session.pk]),
               context={"course": session.course.title, "starts_at": session.starts_at, "location": session.location})


def enrollment_mark_attendance(*, by: User, enrollment: Enrollment, attendance: str,
                               hours: Decimal | None = None) -> Enrollment:
    session = enrollment.session
    if not can_manage_session(by, session):
        raise ApplicationError(_("Only the trainer or a coordinator can take attendance."))
    if attendance not in Enrollment.Attendance.values or attendance == Enrollment.Attendance.UNKNOWN:
        raise ApplicationError(_("Choose present, absent or partial."), field="attendance")
    if enrollment.status != Enrollment.Status.ENROLLED:
        raise ApplicationError(_("Only enrolled people are on the roll."))
    if session.starts_at > timezone.now():
        raise ApplicationError(_("Attendance is taken once the session has started."))
    if attendance == Enrollment.Attendance.PARTIAL:
        if hours is None or hours <= 0 or (session.course.hours and hours >= session.course.hours):
            raise ApplicationError(_("For partial attendance, enter the hours attended (less than the course's)."),
                                   field="hours")
    else:
        hours = session.course.hours if attendance == Enrollment.Attendance.PRESENT else Decimal("0")
    with transaction.atomic():
        # Under the row's lock, re-read: a withdrawal that committed since the page was read wins.
        enrollment = Enrollment.objects.select_for_update(of=("self",)).select_related(
            "session__course", "session__organization", "responder").get(pk=enrollment.pk)
        if enrollment.status != Enrollment.Status.ENROLLED:
            raise ApplicationError(_("Only enrolled people are on the roll."))
        before = {"attendance": enrollment.attendance, "hours": enrollment.hours_attended}
        enrollment.attendance, enrollment.hours_attended = attendance, hours
        enrollment.save(update_fields=["attendance", "hours_attended", "updated_at"])
        audit(actor=by, action="training.enrollment.attendance", target=enrollment, organization=session.organization,
              before=before, after={"attendance": attendance, "hours": hours})
    return enrollment


def enrollment_assess(*, by: User, enrollment: Enrollment, passed: bool) -> Enrollment:
    """Record the assessment. A pass by someone who attended creates the verified training record."""
    session = enrollment.session
    if not can_manage_session(by, session):
        raise ApplicationError(_("Only the trainer or a coordinator can record assessments."))
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().select_related("session__course", "responder").get(
            pk=enrollment.pk)
        session = enrollment.session
        if enrollment.status != Enrollment.Status.ENROLLED:
            raise ApplicationError(_("Only enrolled people can be assessed."))
        if enrollment.attendance in (Enrollment.Attendance.UNKNOWN, Enrollment.Attendance.ABSENT):
            raise ApplicationError(_("Record attendance first; someone absent cannot pass."))
        if enrollment.record_id:
            raise ApplicationError(_("This pass is already recorded."))
        enrollment.assessment = Enrollment.Assessment.PASSED if passed else Enrollment.Assessment.FAILED
        fields = ["assessment", "updated_at"]
        if passed:
            now = timezone.now()
            # Completed on the day the pass was earned: the day the class ended, or today when the pass is
            # recorded before the end (an evening class running past midnight clears the responder tonight).
            completed_on = timezone.localtime(min(now, session.ends_at)).date()
            enrollment.record = TrainingRecord.objects.create(
                responder=enrollment.responder, organization=session.organization, course=session.course,
                completed_on=completed_on, expires_on=session.course.expiry_for(completed_on),
                source=TrainingRecord.Source.SESSION, session=session, submitted_by=by,
                status=TrainingRecord.Status.VERIFIED, verified_by=by, verified_at=now)
            fields.append("record")
            audit(actor=by, action="training.record.created_from_session", target=enrollment.record,
                  organization=session.organization,
                  after={"course": session.course.code, "completed_on": completed_on,
                         "expires_on": enrollment.record.expires_on, "session": session.pk})
        enrollment.save(update_fields=fields)
        audit(actor=by, action="training.enrollment.assessed", target=enrollment, organization=session.organization,
              after={"assessment": enrollment.assessment})
    return enrollment


# --- CSV import ----------------------------------------------------------------------------------

def records_import(*, by: User, organization: Organization, content: bytes, file_name: str = "",
                   dry_run: bool = False) -> ImportReport:
    """Completed training for responders of `organization`, from a CSV file (see imports.py).

    Everything is checked first; with any problem, or with dry_run, nothing is written. Otherwise
    every row becomes a verified record (the trainer or coordinator vouches for the file, as for a
    session's pass) in one transaction: all or nothing. Rows already recorded are skipped.
    """
    if not can_import_records(by, organization.pk):
        raise ApplicationError(_("Only a trainer or coordinator of this organization can import training records."))
    with transaction.atomic():
        if not dry_run:
            # Serializes imports into one organization, so confirming the same file twice (a double
            # click, two tabs) finds the first import's records and skips them instead of doubling them.
            Organization.objects.select_for_update().filter(pk=organization.pk).first()
        report = validate_import(content=content, organization=organization, by=by, today=timezone.localdate())
        if dry_run or not report.ok:
            return report
        now = timezone.now()
        records = TrainingRecord.objects.bulk_create([
            TrainingRecord(responder=row.responder, organization=organization, course=row.course,
                           completed_on=row.completed_on, expires_on=row.expires_on,
                           source=TrainingRecord.Source.EXTERNAL, certificate_number=row.certificate_number,
                           submitted_by=by, status=TrainingRecord.Status.VERIFIED, verified_by=by, verified_at=now)
            for row in report.to_create], batch_size=1000)
        # One event per record (its own history shows where it came from) written in bulk, then the
        # import's own event with the counts.
        audit_many(actor=by, action="training.record.imported", organization=organization, entries=[
            (record, {"course": row.course.code, "completed_on": row.completed_on, "expires_on": row.expires_on,
                      "certificate_number": row.certificate_number, "row": row.row,
                      "file_sha256": report.file_sha256})
            for row, record in zip(report.to_create, records, strict=True)])
        audit(actor=by, action="training.records.imported", target=organization, organization=organization,
              after={"created": len(records), "skipped": len(report.skipped), "rows": len(report.rows),
                     "file_name": file_name[:200], "file_sha256": report.file_sha256})
        # Each responder is told as for any verified record. Rendering a message per record is the
        # slow part of a large import, so the worker does it after commit (dedupe keys make it safe twice).
        from .tasks import notify_imported_records

        ids = [record.pk for record in records]
        for start in range(0, len(ids), IMPORT_NOTIFY_BATCH):
            enqueue_on_commit(notify_imported_records, record_ids=ids[start:start + IMPORT_NOTIFY_BATCH])
        report.created = records
    return report


def record_verified_notify(*, record_ids: list[int]) -> int:
    """Tell each responder their records were verified; a record already told (or gone) is skipped.
    Returns how many records got a new notice. Used by the import's task and by the sweep."""
    sent = 0
    records = (TrainingRecord.objects.filter(pk__in=record_ids, status=TrainingRecord.Status.VERIFIED)
               .select_related("course", "responder").order_by("pk"))
    for record in records:
        with transaction.atomic():
            sent += bool(_notify_record_decision(record, "training.record_verified"))
    return sent
