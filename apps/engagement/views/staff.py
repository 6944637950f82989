"""The engagement staff's pages (moderators of a city department, program admins): sessions, check-in
and closing, the staff tasks, the feedback queue and its moderation, the codebook and decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.accounts.models import Organization
from apps.accounts.roles import OrganizationKind
from apps.core.errors import ApplicationError
from apps.core.pages import apply_error, run_action

from .. import exports, selectors, services
from ..forms import (
    BulkModerateForm,
    CancelSessionForm,
    CheckInForm,
    CloseSessionForm,
    CodingForm,
    DecisionForm,
    ModerateForm,
    SessionForm,
    StaffFeedbackForm,
    ThemeForm,
    WalkInForm,
)
from ..models import CommunitySession, Decision, FeedbackItem, Registration, StaffTask
from ..permissions import can_manage_session, is_engagement_staff, staff_organization_ids
from ..privacy import mask_personal_details
from ._common import PAGE_SIZE

# --- sessions ------------------------------------------------------------------------------------

def _staff_only(user) -> None:
    if not is_engagement_staff(user):
        raise PermissionDenied


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


# --- feedback ------------------------------------------------------------------------------------

def _staff_feedback_or_404(user, pk: int) -> FeedbackItem:
    _staff_only(user)
    try:
        return selectors.feedback_list(user=user).get(pk=pk)
    except FeedbackItem.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def feedback_list(request):
    _staff_only(request.user)
    status = request.GET.get("status", FeedbackItem.Status.PENDING)
    if status not in FeedbackItem.Status.values:
        status = ""
    flagged = True if request.GET.get("flagged") == "1" else None
    query = urlencode({k: v for k, v in (("status", status), ("flagged", request.GET.get("flagged", ""))) if v})
    page_number = request.GET.get("page", "")
    # The page the moderator acted from: the form posts back to it and the redirect returns to it.
    here = "&".join(part for part in (query, f"page={page_number}" if page_number.isdigit() else "") if part)
    bulk_form = BulkModerateForm(request.POST if request.method == "POST" else None)
    if bulk_form.is_bound and bulk_form.is_valid():
        data = bulk_form.cleaned_data
        try:
            result = services.feedback_moderate_bulk(by=request.user, item_ids=data["ids"],
                                                     approve=data["decision"] == "approve", reason=data["reason"],
                                                     note=data["note"])
        except ApplicationError as error:
            apply_error(bulk_form, error)
        else:
            _bulk_summary(request, result)
            return redirect(reverse("engagement:feedback-list") + (f"?{here}" if here else ""))
    items = selectors.feedback_list(user=request.user, status=status, flagged=flagged)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    selected = set(bulk_form.cleaned_data.get("ids") or []) if bulk_form.is_bound else set()
    return render(request, "engagement/feedback_list.html", {
        "page": page, "status": status, "statuses": FeedbackItem.Status.choices, "query": query,
        "here": here, "bulk_form": bulk_form, "selected": selected, "bulk_limit": services.BULK_MODERATION_LIMIT})


def _bulk_summary(request, result: services.BulkModeration) -> None:
    """One line a moderator can check at a glance: "12 approved, 1 skipped (crisis message #123)"."""
    count = len(result.done)
    parts = [(ngettext("%(n)d approved", "%(n)d approved", count) if result.approve
              else ngettext("%(n)d rejected", "%(n)d rejected", count)) % {"n": count}]
    if result.skipped:
        numbers = ", ".join(f"#{pk}" for pk in result.skipped)
        parts.append(ngettext("%(n)d skipped (crisis message %(numbers)s)",
                              "%(n)d skipped (crisis messages %(numbers)s)", len(result.skipped))
                     % {"n": len(result.skipped), "numbers": numbers})
    if result.not_found:
        numbers = ", ".join(f"#{pk}" for pk in result.not_found)
        parts.append(ngettext("%(n)d not found in your queue (%(numbers)s)",
                              "%(n)d not found in your queue (%(numbers)s)", len(result.not_found))
                     % {"n": len(result.not_found), "numbers": numbers})
    summary = ", ".join(parts)
    if result.skipped or result.not_found:
        messages.warning(request, summary)
    else:
        messages.success(request, summary)


@login_required
def feedback_export(request):
    _staff_only(request.user)
    items = selectors.feedback_list(user=request.user).select_related(None).select_related(
        "language", "neighborhood", "entered_by").prefetch_related("themes__parent")
    response = HttpResponse(exports.staff_feedback_csv(items), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="feedback.csv"'
    return response


@login_required
def feedback_staff_create(request):
    _staff_only(request.user)
    sessions = selectors.session_list(user=request.user).exclude(status=CommunitySession.Status.DRAFT)
    form = StaffFeedbackForm(request.POST or None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.feedback_submit(entered_by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            if item.safety_flag:
                messages.warning(request, _("This text describes a crisis: moderators were alerted."))
            else:
                messages.success(request, _("Feedback entered. Enter the next card."))
            return redirect("engagement:feedback-staff-create")
    return render(request, "engagement/feedback_staff_form.html", {"form": form})


@login_required
def feedback_detail(request, pk: int):
    item = _staff_feedback_or_404(request.user, pk)
    moderate_form = ModerateForm(request.POST if "decision" in request.POST else None)
    coding_form = CodingForm(request.POST if "themes_submitted" in request.POST else None,
                             initial={"themes": list(item.themes.all())})
    if request.method == "POST":
        if moderate_form.is_bound and moderate_form.is_valid():
            data = moderate_form.cleaned_data
            try:
                services.feedback_moderate(by=request.user, item=item, approve=data["decision"] == "approve",
                                           reason=data["reason"], note=data["note"])
            except ApplicationError as error:
                apply_error(moderate_form, error)
            else:
                messages.success(request, _("Decision recorded."))
                return redirect("engagement:feedback-detail", pk=pk)
        elif coding_form.is_bound and coding_form.is_valid() and run_action(
                request, lambda: services.feedback_code(by=request.user, item=item,
                                                        themes=coding_form.cleaned_data["themes"]),
                _("Themes saved.")):
            return redirect("engagement:feedback-detail", pk=pk)
    return render(request, "engagement/feedback_detail.html", {
        "item": item, "moderate_form": moderate_form, "coding_form": coding_form,
        "masked": mask_personal_details(item.text)})


# --- codebook and decisions ----------------------------------------------------------------------

@login_required
def theme_list(request):
    _staff_only(request.user)
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_create(by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Theme added."))
            return redirect("engagement:theme-list")
    themes = selectors.theme_list()
    page = Paginator(themes, 100).get_page(request.GET.get("page"))
    return render(request, "engagement/theme_list.html", {"page": page, "form": form})


@login_required
def decision_list(request):
    _staff_only(request.user)
    page = Paginator(selectors.decision_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "engagement/decision_list.html", {"page": page})


@login_required
def decision_edit(request, pk: int | None = None):
    _staff_only(request.user)
    decision = None
    if pk is not None:
        try:
            decision = selectors.decision_list(user=request.user).get(pk=pk)
        except Decision.DoesNotExist as exc:
            raise Http404 from exc
    items = selectors.feedback_list(user=request.user, status=FeedbackItem.Status.APPROVED)
    form = DecisionForm(request.POST or None, instance=decision, feedback_items=items)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            decision = services.decision_save(by=request.user, decision=decision, **data)
        except ApplicationError as error:
            apply_error(form, error)
        else:
            messages.success(request, _("Decision saved."))
            return redirect("engagement:decision-edit", pk=decision.pk)
    return render(request, "engagement/decision_form.html", {"form": form, "decision": decision})


@login_required
@require_POST
def decision_publish(request, pk: int):
    _staff_only(request.user)
    try:
        decision = selectors.decision_list(user=request.user).get(pk=pk)
    except Decision.DoesNotExist as exc:
        raise Http404 from exc
    run_action(request, lambda: services.decision_publish(by=request.user, decision=decision),
         _("Published on the public report-back page."))
    return redirect(reverse("engagement:decision-edit", args=[pk]))
