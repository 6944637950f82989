"""The engagement staff's pages (moderators of a city department, program admins): sessions, check-in
and closing, and the staff tasks. The feedback queue is in moderation.py, decisions in decisions.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.accounts.models import Organization
from apps.accounts.roles import OrganizationKind
from apps.core.errors import ApplicationError
from apps.core.pages import apply_error, run_action

from .. import selectors, services
from ..forms import CancelSessionForm, CheckInForm, CloseSessionForm, SessionForm, WalkInForm
from ..models import CommunitySession, Registration, StaffTask
from ..permissions import can_manage_session, staff_organization_ids
from ._common import PAGE_SIZE
from ._common import staff_only as _staff_only

# --- sessions ------------------------------------------------------------------------------------

def _staff_session_or_404(user, pk: int) -> CommunitySession:
    _staff_only(user)
    try:
        return selectors.session_list(user=user).get(pk=pk)
    except CommunitySession.DoesNotExist as exc:
        raise Http404 from exc


def _session_organizations(user):
    """The departments `user` may create sessions for."""
    departments = staff_organization_ids(user)
    qs = Organization.objects.filter(is_active=True, kind=OrganizationKind.CITY_DEPARTMENT)
    return qs if departments is None else qs.filter(pk__in=departments)


@login_required
@require_safe
def staff_session_list(request):
    _staff_only(request.user)
    status = request.GET.get("status", "")
    if status not in CommunitySession.Status.values:
        status = ""
    sessions = selectors.session_list(user=request.user, status=status)
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "engagement/staff_session_list.html", {
        "page": page, "status": status, "statuses": CommunitySession.Status.choices,
        "query": urlencode({"status": status}) if status else ""})


@login_required
def staff_session_create(request):
    _staff_only(request.user)
    form = SessionForm(request.POST or None, organizations=_session_organizations(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            session = services.session_create(by=request.user, **data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Session saved as a draft."))
            return redirect("engagement:staff-session-detail", pk=session.pk)
    return render(request, "engagement/staff_session_form.html", {"form": form})


@login_required
def staff_session_edit(request, pk: int):
    session = _staff_session_or_404(request.user, pk)
    if not can_manage_session(request.user, session):
        raise PermissionDenied
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(by=request.user, session=session, **form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Session updated."))
            return redirect("engagement:staff-session-detail", pk=session.pk)
    return render(request, "engagement/staff_session_form.html", {"form": form, "session": session})


@login_required
@require_safe
def staff_session_detail(request, pk: int):
    session = _staff_session_or_404(request.user, pk)
    registrations = selectors.registration_list(user=request.user, session=session)
    tasks = selectors.staff_task_list(user=request.user).filter(session=session)
    return render(request, "engagement/staff_session_detail.html", {
        "session": session, "registrations": registrations, "tasks": tasks,
        "cancel_form": CancelSessionForm(), "can_manage": can_manage_session(request.user, session)})


@login_required
@require_POST
def staff_session_publish(request, pk: int):
    session = _staff_session_or_404(request.user, pk)
    run_action(request, lambda: services.session_publish(by=request.user, session=session), _("Session published."))
    return redirect("engagement:staff-session-detail", pk=pk)


@login_required
@require_POST
def staff_session_cancel(request, pk: int):
    session = _staff_session_or_404(request.user, pk)
    form = CancelSessionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_action(request, lambda: services.session_cancel(by=request.user, session=session, reason=reason),
         _("Session cancelled; registrants who left a contact are told."))
    return redirect("engagement:staff-session-detail", pk=pk)


@login_required
def staff_check_in(request, pk: int):
    session = _staff_session_or_404(request.user, pk)
    if not can_manage_session(request.user, session):
        raise PermissionDenied
    form = CheckInForm(request.POST if "code" in request.POST else None)
    walk_ins = WalkInForm(request.POST if "count" in request.POST else None,
                          initial={"count": session.walk_in_count})
    if request.method == "POST":
        if form.is_bound and form.is_valid():
            try:
                registration = services.registration_check_in(by=request.user, session=session,
                                                               code=form.cleaned_data["code"])
            except ApplicationError as error:
                apply_error(form, error)
            else:
                messages.success(request, _("%(name)s is checked in.") % {"name": registration.name})
                return redirect("engagement:staff-check-in", pk=pk)
        elif walk_ins.is_bound and walk_ins.is_valid() and run_action(
                request, lambda: services.walk_in_record(by=request.user, session=session,
                                                         count=walk_ins.cleaned_data["count"]),
                _("Walk-ins recorded.")):
            return redirect("engagement:staff-check-in", pk=pk)
    registrations = selectors.registration_list(user=request.user, session=session).filter(
        status=Registration.Status.REGISTERED)
    return render(request, "engagement/staff_check_in.html", {
        "session": session, "form": form, "walk_in_form": walk_ins, "registrations": registrations,
        "checked_in": sum(1 for r in registrations if r.checked_in_at)})


@login_required
def staff_session_close(request, pk: int):
    session = _staff_session_or_404(request.user, pk)
    if not can_manage_session(request.user, session):
        raise PermissionDenied
    form = CloseSessionForm(request.POST or None, initial={"materials_url": session.materials_url})
    if request.method == "POST" and form.is_valid():
        try:
            services.session_close(by=request.user, session=session, **form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Session closed."))
            return redirect("engagement:staff-session-detail", pk=pk)
    feedback = selectors.feedback_list(user=request.user, session_id=session.pk)
    return render(request, "engagement/staff_session_close.html", {
        "session": session, "form": form, "feedback_count": feedback.count()})


@login_required
@require_POST
def staff_task_complete(request, pk: int):
    _staff_only(request.user)
    try:
        task = selectors.staff_task_list(user=request.user).get(pk=pk)
    except StaffTask.DoesNotExist as exc:
        raise Http404 from exc
    run_action(request, lambda: services.staff_task_complete(by=request.user, task=task), _("Task done."))
    return redirect("engagement:staff-session-detail", pk=task.session_id)
