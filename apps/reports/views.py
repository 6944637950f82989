"""Report pages: my reports, the kinds I may run, a request form per kind, the request page with
live progress (htmx polling, a refresh link without JavaScript), download, re-run, subscription."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.core.errors import ApplicationError

from . import selectors, services
from .kinds import get_report_kind
from .kinds.common import PeriodMixin
from .models import ReportRequest
from .permissions import can_download_report, can_run_kind, runnable_kinds

PAGE_SIZE = 25


def pdf_response(report: ReportRequest) -> FileResponse:
    """A finished report's PDF, for the page and the API alike (after their permission checks)."""
    response = FileResponse(report.file.open("rb"), as_attachment=True, content_type="application/pdf",
                            filename=f"{report.kind}-{report.pk}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


def _report_or_404(user, pk: int) -> ReportRequest:
    try:
        return selectors.report_get(user=user, pk=pk)
    except ReportRequest.DoesNotExist:
        raise Http404 from None


def _kind_or_404(key: str):
    try:
        return get_report_kind(key)
    except LookupError:
        raise Http404 from None


@login_required
@require_safe
def report_list(request):
    page = Paginator(selectors.report_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    kinds = runnable_kinds(request.user)
    monthly = can_run_kind(request.user, services.PROGRAM_MONTHLY)
    return render(request, "reports/report_list.html", {
        "page": page, "reports": page.object_list, "kinds": kinds, "monthly": monthly,
        "subscribed": bool(monthly and selectors.subscription_for(user=request.user, kind=services.PROGRAM_MONTHLY)),
    })


@login_required
@require_safe
def report_kind_list(request):
    kinds = runnable_kinds(request.user)
    if not kinds:
        raise PermissionDenied
    return render(request, "reports/report_kind_list.html", {"kinds": kinds})


@login_required
def report_create(request, kind: str):
    spec = _kind_or_404(kind)
    if not can_run_kind(request.user, spec):
        raise PermissionDenied
    extra = {"preset": request.GET.get("preset")} if issubclass(spec.form_class, PeriodMixin) else {}
    form = spec.form_class(data=request.POST or None, user=request.user, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_request(by=request.user, kind=spec.key, parameters=form.to_parameters())
        except services.ParameterError as error:
            for field, errors in error.errors.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your report is being built. This page shows its progress."))
            return redirect("reports:report-detail", pk=report.pk)
    return render(request, "reports/report_form.html", {"kind": spec, "form": form})


@login_required
@require_safe
def report_detail(request, pk: int):
    report = _report_or_404(request.user, pk)
    return render(request, "reports/report_detail.html", {
        "report": report, "can_download": can_download_report(request.user, report),
        "can_rerun": can_run_kind(request.user, report.kind)})


@login_required
@require_safe
def report_status(request, pk: int):
    """The status partial that htmx polls every two seconds while the report is being built."""
    report = _report_or_404(request.user, pk)
    return render(request, "reports/_status.html", {
        "report": report, "can_download": can_download_report(request.user, report),
        "can_rerun": can_run_kind(request.user, report.kind)})


@login_required
@require_safe
def report_download(request, pk: int):
    return pdf_response(_built_or_404(request.user, pk, "file"))


@login_required
@require_safe
def report_preview(request, pk: int):
    """The first page as a PNG, behind the same check as the PDF itself."""
    report = _built_or_404(request.user, pk, "preview")
    response = FileResponse(report.preview.open("rb"), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def report_rerun(request, pk: int):
    report = _report_or_404(request.user, pk)
    if not can_run_kind(request.user, report.kind):
        raise PermissionDenied
    try:
        again = services.report_rerun(report=report, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("reports:report-detail", pk=report.pk)
    return redirect("reports:report-detail", pk=again.pk)


@login_required
@require_POST
def subscription_set(request, kind: str):
    spec = _kind_or_404(kind)
    if spec.key != services.PROGRAM_MONTHLY:
        raise Http404
    if not can_run_kind(request.user, spec):
        raise PermissionDenied
    active = request.POST.get("active") == "1"
    services.subscription_set(user=request.user, kind=spec.key, active=active)
    messages.success(request, _("You will receive the program report on the 1st of each month.") if active
                     else _("You will no longer receive the monthly program report."))
    return redirect("reports:report-list")


def _built_or_404(user, pk: int, field: str) -> ReportRequest:
    """A built report whose `field` (the PDF or its preview) the user may download: someone else's is 404,
    one the user lost the rights to is 403, one not built (or without that file) is 404."""
    report = _report_or_404(user, pk)
    if not can_download_report(user, report):
        raise PermissionDenied
    if report.status != ReportRequest.Status.SUCCEEDED or not getattr(report, field):
        raise Http404
    return report
