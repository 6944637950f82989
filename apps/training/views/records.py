"""My training, certificate records and the verification queue."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.core.errors import ApplicationError
from apps.core.pages import apply_error, run_action

from .. import selectors, services
from ..forms import RecordForm, RejectForm
from ..models import RequirementRole
from ..permissions import (
    can_verify_record,
    managed_organization_ids,
)
from ..readiness import ReadinessCode, readiness_by_role
from ._common import PAGE_SIZE, record_or_404


@login_required
@require_safe
def my_training(request):
    user = request.user
    organizations = list(selectors.responder_organizations(user=user))
    if not organizations:
        raise PermissionDenied
    now = timezone.now()
    # Cleared as a responder, and what leading a team would ask (where the organization defines it).
    answers = readiness_by_role(user=user, organizations=organizations, at=now,
                                roles=(RequirementRole.RESPONDER, RequirementRole.TEAM_LEAD))
    readiness = [(org, by_role[RequirementRole.RESPONDER]) for org, by_role in answers]
    rows = [(org, by_role[RequirementRole.RESPONDER], _next_role(by_role[RequirementRole.TEAM_LEAD]))
            for org, by_role in answers]
    records = Paginator(selectors.record_list(user=user).filter(responder=user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "training/my_training.html", {
        "readiness": readiness, "rows": rows, "page": records,
        "enrollments": list(selectors.my_enrollments(user=user).filter(session__ends_at__gte=now)),
        "hours": list(selectors.field_hours_list(user=user).filter(responder=user)[:20]),
    })


def _next_role(readiness):
    """The team-lead answer worth showing: none where the organization has no team-lead requirement."""
    if ReadinessCode.NO_REQUIREMENTS in readiness.reason_codes or ReadinessCode.NOT_RESPONDER in readiness.reason_codes:
        return None
    return readiness


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
@require_safe
def record_detail(request, pk: int):
    record = record_or_404(request.user, pk)
    return render(request, "training/record_detail.html", {
        "record": record, "can_verify": can_verify_record(request.user, record), "reject_form": RejectForm()})


@login_required
@require_safe
def record_evidence(request, pk: int):
    """The certificate, only through this permission check (uploads are never served directly)."""
    record = record_or_404(request.user, pk)
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
    record = record_or_404(request.user, pk)
    if not can_verify_record(request.user, record):
        raise PermissionDenied
    run_action(request, lambda: services.record_verify(record=record, by=request.user),
               _("Verified."))
    return redirect("training:verification-queue")


@login_required
@require_POST
def record_reject(request, pk: int):
    record = record_or_404(request.user, pk)
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
@require_safe
def verification_queue(request):
    if not managed_organization_ids(request.user):
        raise PermissionDenied
    page = Paginator(selectors.verification_queue(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/verification_queue.html", {"page": page})
