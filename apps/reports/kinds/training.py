"""Training reports: a responder's transcript, and an organization's compliance with expiring records."""

from datetime import timedelta

from django import forms
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.training import selectors as training
from apps.training.models import FieldHours, RequirementRole, TrainingRecord
from apps.training.readiness import CourseState, readiness_batch, readiness_in_organizations, records_expiring_between

from ..charts import bar_chart
from . import ReportForm, ReportKind, register_report_kind

STATE_MARKS = {CourseState.VALID: "✔", CourseState.EXPIRING: "!", CourseState.EXPIRES_BEFORE: "◐",
               CourseState.EXPIRED: "✘", CourseState.PENDING: "…", CourseState.MISSING: "—"}


class TranscriptForm(ReportForm):
    responder = forms.ModelChoiceField(label=_("Responder"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responder"].queryset = training.transcript_people(user=self.user)
        self.fields["responder"].label_from_instance = lambda u: f"{u.full_name or u.email} ({u.email})"
        if self.user.has_role(Role.RESPONDER) and not self.is_bound:
            self.fields["responder"].initial = self.user.pk

    def describe(self) -> str:
        person = self.cleaned_data["responder"]
        return person.full_name or person.email


def gather_transcript(*, user, data, progress) -> dict:
    person = data["responder"]
    now = timezone.now()
    records = list(training.record_list(user=user).filter(responder=person).order_by("course__title", "-completed_on"))
    progress(30)
    # Readiness in each organization the person serves that the requester may look at.
    visible = {o.pk for o in training.training_organizations(user=user)} | (
        person.organization_ids(Role.RESPONDER) if person.pk == user.pk else set())
    organizations = [o for o in training.responder_organizations(user=person) if o.pk in visible]
    readiness = readiness_in_organizations(user=person, organizations=organizations, at=now)
    hours = list(training.field_hours_list(user=user).filter(responder=person).order_by("-worked_on"))
    signed = sum((h.hours for h in hours if h.status == FieldHours.Status.SIGNED_OFF), start=0)
    progress(60)
    return {
        "person": person, "records": records, "readiness": readiness, "hours": hours, "signed_hours": signed,
        "verified_count": sum(1 for r in records if r.status == TrainingRecord.Status.VERIFIED),
        "state_marks": STATE_MARKS,
    }


class ComplianceForm(ReportForm):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=None)
    role = forms.ChoiceField(label=_("Requirement"), choices=RequirementRole.choices, initial=RequirementRole.RESPONDER)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = training.training_organizations(user=self.user)

    def describe(self) -> str:
        return self.cleaned_data["organization"].name


def gather_compliance(*, user, data, progress) -> dict:
    organization, role = data["organization"], data["role"]
    now = timezone.now()
    today = timezone.localdate()
    people = list(training.responder_list(user=user, organization=organization))
    progress(20)
    results = readiness_batch(users=people, organization=organization, at=now, role=role) if people else {}
    progress(50)
    rows = [(p, results[p.pk]) for p in people]
    courses = rows[0][1].courses if rows else ()
    cleared = sum(1 for _p, r in rows if r.cleared)
    per_course = [(c.course_title, sum(1 for _p, r in rows if r.courses[i].ok)) for i, c in enumerate(courses)]
    expiring = list(records_expiring_between(today, today + timedelta(days=90), organization=organization))
    expiring_counts = {d: sum(1 for r in expiring if (r.expires_on - today).days <= d) for d in (30, 60, 90)}
    field_hours = (training.field_hours_list(user=user).filter(organization=organization,
                                                               status=FieldHours.Status.SIGNED_OFF)
                   .aggregate(total=Sum("hours"))["total"] or 0)
    progress(60)
    return {
        "organization": organization, "role_label": RequirementRole(role).label, "rows": rows, "courses": courses,
        "cleared": cleared, "not_cleared": len(rows) - cleared,
        "cleared_rate": round(100 * cleared / len(rows)) if rows else None,
        "expiring": [(r, (r.expires_on - today).days) for r in expiring], "expiring_counts": expiring_counts,
        "field_hours": field_hours, "state_marks": STATE_MARKS, "as_of": today,
        "chart": bar_chart(per_course, title=str(_("People with a valid record, by required course")),
                           axis_label=str(_("people")), x_max=len(rows))
        if per_course else "",
    }


register_report_kind(ReportKind(
    key="training_transcript", label=_("Responder training transcript"), order=10,
    description=_("One responder's training records, readiness and supervised field hours."),
    template="reports/pdf/training_transcript.html", form_class=TranscriptForm, gather=gather_transcript,
    roles=frozenset({Role.RESPONDER, Role.COORDINATOR, Role.TRAINER, Role.PROGRAM_ADMIN}),
))
register_report_kind(ReportKind(
    key="training_compliance", label=_("Training compliance by organization"), order=20,
    description=_("Who is cleared for duty, course by course, and what expires in the next 90 days."),
    template="reports/pdf/training_compliance.html", form_class=ComplianceForm, gather=gather_compliance,
    roles=frozenset({Role.COORDINATOR, Role.TRAINER, Role.PROGRAM_ADMIN}),
))
