"""The encounter log's pages (record from a phone, the list, one encounter) and the evaluation's page and
downloads (program admin and program evaluator: de-identified figures only)."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from apps.accounts.permissions import is_program_admin
from apps.accounts.selectors import nonprofit_list
from apps.core.errors import ApplicationError
from apps.core.pages import apply_error

from ..encounters import can_list_encounters, can_record_encounter, encounter_list, encounter_record
from ..evaluation import DATA_DICTIONARY, EXPORT_COLUMNS, can_read_evaluation, evaluation, export_rows
from ..forms import EncounterForm, EvaluationMonthForm

PAGE_SIZE = 25


@login_required
@require_safe
def encounter_list_page(request):
    """Coordinators: their organizations' encounters; responders: the ones they recorded."""
    if not can_list_encounters(request.user):
        raise PermissionDenied
    page = Paginator(encounter_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "operations/encounter_list.html",
                  {"page": page, "can_record": can_record_encounter(request.user)})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def encounter_create(request):
    """The phone form. A resubmit with the form's key (a retry) shows the encounter the first one wrote."""
    if not can_record_encounter(request.user):
        raise PermissionDenied
    form = EncounterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            encounter, created = encounter_record(by=request.user, **form.service_fields())
        except ApplicationError as error:
            apply_error(form, error)
        else:
            # Said by the page it lands on, not a flash message: the retrying script follows the redirect with
            # fetch (which would consume a flash) before it shows the page.
            detail = reverse("operations:encounter-detail", args=[encounter.pk])
            return redirect(f"{detail}?{'recorded' if created else 'already'}=1")
    status = 400 if request.method == "POST" else 200
    return render(request, "operations/encounter_form.html", {"form": form}, status=status)


@login_required
@require_safe
def encounter_detail(request, pk: int):
    encounter = get_object_or_404(encounter_list(user=request.user), pk=pk)
    return render(request, "operations/encounter_detail.html",
                  {"encounter": encounter, "recorded": "recorded" in request.GET, "already": "already" in request.GET})


# --- the evaluation ---------------------------------------------------------------------------------

def _evaluation_scope(request) -> tuple[EvaluationMonthForm, set[int] | None]:
    """The month (blank: this month) and organizations asked for. Only the program admin may pick one
    organization: the evaluator's figures name none (like the program monthly report's de-identified
    edition)."""
    user = request.user
    if not can_read_evaluation(user):
        raise PermissionDenied
    organizations = nonprofit_list() if is_program_admin(user) else None
    data = {"month": request.GET.get("month") or f"{timezone.localdate():%Y-%m}",
            "organization": request.GET.get("organization", "")}
    form = EvaluationMonthForm(data, organizations=organizations)
    organization = form.cleaned_data.get("organization") if form.is_valid() else None
    return form, ({organization.pk} if organization else None)


@login_required
@require_safe
def evaluation_page(request):
    form, organization_ids = _evaluation_scope(request)
    valid = form.is_valid()
    figures = evaluation(month=form.cleaned_data["month"], organization_ids=organization_ids) if valid else None
    return render(request, "operations/evaluation.html",
                  {"form": form, "figures": figures, "dictionary": DATA_DICTIONARY,
                   "query": urlencode({k: v for k, v in form.data.items() if v})}, status=200 if valid else 400)


def _csv(name: str, header: list[str], rows) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _month_or_400(request):
    form, organization_ids = _evaluation_scope(request)
    if not form.is_valid():
        return None, None, HttpResponse(_("Give the month as YYYY-MM."), status=400, content_type="text/plain")
    return form.cleaned_data["month"], organization_ids, None


@login_required
@require_safe
def evaluation_export(request):
    """The de-identified encounter rows of a month (EXPORT_COLUMNS; see the data dictionary)."""
    month, organization_ids, refused = _month_or_400(request)
    if refused:
        return refused
    return _csv(f"encounters-{month:%Y-%m}.csv", EXPORT_COLUMNS,
                export_rows(month=month, organization_ids=organization_ids))


@login_required
@require_safe
def evaluation_aggregate(request):
    """The month's figures as (month, metric, category, value), counts under 5 suppressed."""
    month, organization_ids, refused = _month_or_400(request)
    if refused:
        return refused
    figures = evaluation(month=month, organization_ids=organization_ids)
    return _csv(f"encounter-figures-{month:%Y-%m}.csv", ["month", "metric", "category", "value"],
                [[f"{month:%Y-%m}", metric, category, value] for metric, category, value in figures.aggregate_rows()])


@login_required
@require_safe
def evaluation_dictionary(request):
    if not can_read_evaluation(request.user):
        raise PermissionDenied
    return _csv("encounter-data-dictionary.csv", ["name", "definition", "source"], DATA_DICTIONARY)
