"""The course catalog, role requirements, training sessions, enrollments and rolls."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.accounts.models import Organization, User
from apps.accounts.roles import Role
from apps.core.errors import ApplicationError
from apps.core.pages import apply_error, run_action

from .. import selectors, services
from ..forms import AttendanceForm, RequirementForm, SessionForm
from ..models import Enrollment
from ..permissions import (
    can_edit_requirements,
    can_manage_session,
    managed_organization_ids,
)
from ._common import PAGE_SIZE

# --- catalog and requirements --------------------------------------------------------------------

@login_required
@require_safe
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
@require_safe
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
@require_safe
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
