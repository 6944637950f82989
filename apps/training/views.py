"""Training pages: my training, records and verification, the readiness matrix, sessions and rolls,
field hours, the catalog and requirements. Views parse, check, call one service or selector, render."""

import csv
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Organization, User
from apps.accounts.permissions import is_program_admin
from apps.accounts.roles import Role
from apps.core.errors import ApplicationError
from apps.core.pages import apply_error, run_action

from . import selectors, services
from .forms import AttendanceForm, FieldHoursForm, RecordForm, RejectForm, RequirementForm, SessionForm, SignOffForm
from .models import Enrollment, FieldHours, RequirementRole, TrainingRecord
from .permissions import (
    can_edit_requirements,
    can_manage_session,
    can_verify_record,
    managed_organization_ids,
)
from .readiness import readiness_batch, readiness_in_organizations, records_expiring_between

PAGE_SIZE = 50
MATRIX_PAGE_SIZE = 25


def _record_or_404(user, pk: int) -> TrainingRecord:
    return get_object_or_404(selectors.record_list(user=user), pk=pk)


# --- my training ---------------------------------------------------------------------------------

@login_required
def my_training(request):
    user = request.user
    organizations = list(selectors.responder_organizations(user=user))
    if not organizations:
        raise PermissionDenied
    now = timezone.now()
    readiness = readiness_in_organizations(user=user, organizations=organizations, at=now)
    records = Paginator(selectors.record_list(user=user).filter(responder=user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "training/my_training.html", {
        "readiness": readiness, "page": records,
        "enrollments": list(selectors.my_enrollments(user=user).filter(session__ends_at__gte=now)),
        "hours": list(selectors.field_hours_list(user=user).filter(responder=user)[:20]),
    })


@login_required
def record_create(request):
    user = request.user
    organizations = selectors.responder_organizations(user=user)
    if not organizations.exists():
        raise PermissionDenied
    form = RecordForm(request.POST or None, request.FILES or None, organizations=organizations,
                      courses=selectors.course_list())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.record_submit(by=user, responder=user, organization=data["organization"],
                                            course=data["course"], completed_on=data["completed_on"],
                                            evidence=data["evidence"],
                                            certificate_number=data["certificate_number"])
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Your certificate was uploaded; a trainer or coordinator will verify it."))
            return redirect("training:record-detail", pk=record.pk)
    return render(request, "training/record_form.html", {"form": form})


@login_required
def record_detail(request, pk: int):
    record = _record_or_404(request.user, pk)
    return render(request, "training/record_detail.html", {
        "record": record, "can_verify": can_verify_record(request.user, record), "reject_form": RejectForm()})


@login_required
def record_evidence(request, pk: int):
    """The certificate, only through this permission check (uploads are never served directly)."""
    record = _record_or_404(request.user, pk)
    if not record.evidence:
        raise Http404
    response = FileResponse(record.evidence.open("rb"), as_attachment=True,
                            filename=f"{record.course.code}-{record.pk}{record.evidence_extension}",
                            content_type=record.evidence_content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def record_verify(request, pk: int):
    record = _record_or_404(request.user, pk)
    if not can_verify_record(request.user, record):
        raise PermissionDenied
    run_action(request, lambda: services.record_verify(record=record, by=request.user),
               _("Verified."))
    return redirect("training:verification-queue")


@login_required
@require_POST
def record_reject(request, pk: int):
    record = _record_or_404(request.user, pk)
    if not can_verify_record(request.user, record):
        raise PermissionDenied
    form = RejectForm(request.POST)
    if not form.is_valid():
        return render(request, "training/record_detail.html",
                      {"record": record, "can_verify": True, "reject_form": form}, status=400)
    try:
        services.record_reject(record=record, by=request.user, reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("training:record-detail", pk=record.pk)
    messages.success(request, _("Rejected; the responder has been told why."))
    return redirect("training:verification-queue")


@login_required
def verification_queue(request):
    if not managed_organization_ids(request.user):
        raise PermissionDenied
    page = Paginator(selectors.verification_queue(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/verification_queue.html", {"page": page})


# --- readiness -----------------------------------------------------------------------------------

def _matrix_context(request):
    """(organizations the user may look at, the chosen one or None, role). Program admins may see
    every nonprofit, even before there is one; others need an organization whose training they look after."""
    organizations = list(selectors.managed_organizations(user=request.user))
    if not organizations and not is_program_admin(request.user):
        raise PermissionDenied
    slug = request.GET.get("organization")
    if slug:
        organization = next((o for o in organizations if o.slug == slug), None)
        if organization is None:
            raise Http404
    else:
        organization = organizations[0] if organizations else None
    role = request.GET.get("role") or RequirementRole.RESPONDER
    if role not in RequirementRole.values:
        role = RequirementRole.RESPONDER
    return organizations, organization, role


@login_required
def readiness_matrix(request):
    organizations, organization, role = _matrix_context(request)
    rows, page = [], None
    if organization is not None:
        responders = selectors.responder_list(user=request.user, organization=organization)
        page = Paginator(responders, MATRIX_PAGE_SIZE).get_page(request.GET.get("page"))
        people = list(page.object_list)
        results = readiness_batch(users=people, organization=organization, at=timezone.now(), role=role)
        rows = [(person, results[person.pk]) for person in people]
    courses = rows[0][1].courses if rows else ()
    return render(request, "training/readiness_matrix.html", {
        "organizations": organizations, "organization": organization, "role": role,
        "roles": RequirementRole.choices, "page": page, "rows": rows, "courses": courses,
        "query": urlencode({"organization": organization.slug, "role": role}) if organization else "",
    })


@login_required
def readiness_export(request):
    """The compliance matrix of one organization as CSV (every responder, not one page)."""
    _organizations, organization, role = _matrix_context(request)
    if organization is None:
        raise Http404
    people = list(selectors.responder_list(user=request.user, organization=organization))
    results = readiness_batch(users=people, organization=organization, at=timezone.now(), role=role)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="readiness-{organization.slug}-{role}.csv"'
    writer = csv.writer(response)
    courses = next(iter(results.values())).courses if results else ()
    writer.writerow(["name", "email", "cleared", "field_hours", "field_hours_required",
                     *[c.course_code for c in courses], "reasons"])
    for person in people:
        r = results[person.pk]
        writer.writerow([person.full_name, person.email, "yes" if r.cleared else "no", r.field_hours,
                         r.field_hours_required,
                         *[f"{c.state}{' ' + c.expires_on.isoformat() if c.expires_on else ''}" for c in r.courses],
                         "; ".join(r.reason_codes)])
    return response


@login_required
def expiring_list(request):
    organization_ids = managed_organization_ids(request.user)
    if not organization_ids and not is_program_admin(request.user):
        raise PermissionDenied
    try:
        days = int(request.GET.get("days", 90))
    except ValueError:
        days = 90
    days = days if days in (7, 30, 60, 90) else 90
    today = timezone.localdate()
    records = records_expiring_between(today, today + timedelta(days=days))
    if not is_program_admin(request.user):
        records = records.filter(organization_id__in=organization_ids)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/expiring_list.html", {
        "page": page, "days": days, "choices": (7, 30, 60, 90), "today": today,
        "query": urlencode({"days": days})})


# --- catalog and requirements --------------------------------------------------------------------

@login_required
def course_list(request):
    page = Paginator(selectors.course_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/course_list.html", {"page": page})


@login_required
def requirement_list(request):
    user = request.user
    form = None
    if can_edit_requirements(user):
        form = RequirementForm(request.POST or None, organizations=Organization.objects.filter(
            is_active=True, kind="nonprofit").order_by("name"), courses=selectors.course_list(),
            initial={"effective_from": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.requirement_set(by=user, role=data["role"], organization=data["organization"],
                                         effective_from=data["effective_from"], courses=list(data["courses"]),
                                         min_field_hours=data["min_field_hours"], note=data["note"])
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("The requirement was saved."))
                return redirect("training:requirement-list")
    elif request.method == "POST":
        raise PermissionDenied
    page = Paginator(selectors.requirement_list(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/requirement_list.html", {"page": page, "form": form})


# --- sessions ------------------------------------------------------------------------------------

@login_required
def session_list(request):
    upcoming = request.GET.get("when") != "past"
    now = timezone.now()
    sessions = selectors.session_list(user=request.user)
    sessions = sessions.filter(ends_at__gte=now) if upcoming else sessions.filter(ends_at__lt=now).reverse()
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/session_list.html", {
        "page": page, "upcoming": upcoming, "query": "" if upcoming else "when=past",
        "can_create": bool(managed_organization_ids(request.user))})


@login_required
def session_create(request):
    user = request.user
    organizations = Organization.objects.filter(pk__in=managed_organization_ids(user), is_active=True)
    if not organizations.exists():
        raise PermissionDenied
    trainers = User.objects.filter(memberships__organization__in=organizations, memberships__role=Role.TRAINER,
                                   memberships__is_active=True).distinct().order_by("full_name")
    form = SessionForm(request.POST or None, organizations=organizations, courses=selectors.course_list(),
                       trainers=trainers, initial={"trainer": user.pk if user.has_role(Role.TRAINER) else None})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(by=user, **form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("The session is scheduled."))
            return redirect("training:session-detail", pk=session.pk)
    return render(request, "training/session_form.html", {"form": form})


@login_required
def session_detail(request, pk: int):
    user = request.user
    session = get_object_or_404(selectors.session_list(user=user), pk=pk)
    manage = can_manage_session(user, session)
    mine = Enrollment.objects.filter(session=session, responder=user).exclude(
        status=Enrollment.Status.WITHDRAWN).first()
    return render(request, "training/session_detail.html", {
        "session": session, "can_manage": manage, "mine": mine,
        "can_enroll": mine is None and user.has_role(Role.RESPONDER, session.organization_id),
        "roll": list(selectors.enrollment_list(session=session)) if manage else [],
        "attendance_choices": AttendanceForm().fields["attendance"].choices,
        "started": session.starts_at <= timezone.now(),
    })


@login_required
@require_POST
def session_enroll(request, pk: int):
    session = get_object_or_404(selectors.session_list(user=request.user), pk=pk)
    try:
        enrollment = services.enrollment_create(by=request.user, session=session, responder=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if enrollment.status == Enrollment.Status.ENROLLED:
            messages.success(request, _("You are enrolled."))
        else:
            messages.info(request, _("The session is full: you are on the waitlist and will be told if a place "
                                     "opens."))
    return redirect("training:session-detail", pk=session.pk)


@login_required
@require_POST
def session_cancel(request, pk: int):
    session = get_object_or_404(selectors.session_list(user=request.user), pk=pk)
    if not can_manage_session(request.user, session):
        raise PermissionDenied
    run_action(request, lambda: services.session_cancel(by=request.user, session=session),
               _("The session was cancelled."))
    return redirect("training:session-detail", pk=session.pk)


def _enrollment_or_404(user, pk: int) -> Enrollment:
    enrollment = get_object_or_404(
        Enrollment.objects.select_related("session__course", "session__organization", "responder")
        .filter(session__in=selectors.session_list(user=user)), pk=pk)
    return enrollment


@login_required
@require_POST
def enrollment_withdraw(request, pk: int):
    enrollment = _enrollment_or_404(request.user, pk)
    if not (enrollment.responder_id == request.user.pk or can_manage_session(request.user, enrollment.session)):
        raise PermissionDenied
    run_action(request, lambda: services.enrollment_withdraw(by=request.user, enrollment=enrollment),
               _("Withdrawn."))
    return redirect("training:session-detail", pk=enrollment.session_id)


@login_required
@require_POST
def enrollment_attendance(request, pk: int):
    enrollment = _enrollment_or_404(request.user, pk)
    if not can_manage_session(request.user, enrollment.session):
        raise PermissionDenied
    form = AttendanceForm(request.POST)
    if form.is_valid():
        run_action(request, lambda: services.enrollment_mark_attendance(by=request.user, enrollment=enrollment,
                                                                        attendance=form.cleaned_data["attendance"],
                                                                        hours=form.cleaned_data["hours"]),
                   _("Attendance saved for %(name)s.") % {"name": enrollment.responder})
    else:
        messages.error(request, _("Choose present, absent or partial."))
    return redirect("training:session-detail", pk=enrollment.session_id)


@login_required
@require_POST
def enrollment_assess(request, pk: int):
    enrollment = _enrollment_or_404(request.user, pk)
    if not can_manage_session(request.user, enrollment.session):
        raise PermissionDenied
    passed = request.POST.get("result") == "passed"
    if request.POST.get("result") not in ("passed", "failed"):
        messages.error(request, _("Choose passed or did not pass."))
        return redirect("training:session-detail", pk=enrollment.session_id)
    run_action(request, lambda: services.enrollment_assess(by=request.user, enrollment=enrollment, passed=passed),
               _("Assessment saved for %(name)s.") % {"name": enrollment.responder})
    return redirect("training:session-detail", pk=enrollment.session_id)


# --- field hours ---------------------------------------------------------------------------------

@login_required
def field_hours(request):
    user = request.user
    organizations = selectors.responder_organizations(user=user)
    form = None
    if organizations.exists():
        preceptors = selectors.preceptor_choices(organizations=organizations, exclude=user)
        form = FieldHoursForm(request.POST or None, organizations=organizations, preceptors=preceptors)
        if request.method == "POST" and form.is_valid():
            try:
                services.field_hours_log(by=user, **form.cleaned_data)
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("Hours logged; your preceptor will be asked to sign them off."))
                return redirect("training:field-hours")
    elif request.method == "POST":
        raise PermissionDenied
    entries = selectors.field_hours_list(user=user)
    to_sign = entries.filter(preceptor=user, status=FieldHours.Status.PENDING)
    page = Paginator(entries.exclude(~Q(responder=user), preceptor=user, status=FieldHours.Status.PENDING),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/field_hours.html", {
        "form": form, "page": page, "to_sign": list(to_sign), "sign_form": SignOffForm()})


@login_required
@require_POST
def field_hours_sign_off(request, pk: int):
    entry = get_object_or_404(selectors.field_hours_list(user=request.user), pk=pk)
    form = SignOffForm(request.POST)
    if entry.preceptor_id != request.user.pk:
        raise PermissionDenied
    if form.is_valid():
        run_action(request, lambda: services.field_hours_sign_off(
            by=request.user, entry=entry, approve=form.cleaned_data["approve"], note=form.cleaned_data["note"]),
            _("Decision saved."))
    else:
        messages.error(request, _("Choose a decision."))
    return redirect("training:field-hours")

