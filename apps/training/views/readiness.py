"""The readiness matrix, its CSV export and the expiring-records list."""

import csv
from datetime import timedelta
from typing import NamedTuple

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from apps.accounts.permissions import is_program_admin

from .. import selectors
from ..forms import ReadinessFilterForm
from ..models import RequirementRole
from ..permissions import managed_organization_ids
from ..readiness import records_expiring_between
from ._common import MATRIX_PAGE_SIZE, PAGE_SIZE

# A course title longer than this is cut at a word in the matrix's column header (which wraps over
# two or three lines); the header keeps the full title for screen readers and shows it on hover and
# keyboard focus.
HEADER_TITLE_LIMIT = 30


class CourseColumn(NamedTuple):
    title: str
    short: str  # "" when the title is short enough to show whole


def _short_title(title: str, limit: int = HEADER_TITLE_LIMIT) -> str:
    if len(title) <= limit:
        return ""
    words = title[:limit + 1].split(" ")[:-1] if " " in title[:limit + 1] else [title[:limit - 1]]
    # "Heartsaver CPR, AED and…" says less than "Heartsaver CPR, AED…": no dangling "and", "of", "y", "de".
    while len(words) > 1 and len(words[-1]) <= 3 and words[-1].islower():
        words.pop()
    return " ".join(words).rstrip(" ,;:-(") + "…"


def _matrix_context(request):
    """(organizations the user may look at, the chosen one or None, role). Program admins may see
    every nonprofit, even before there is one; others need an organization whose training they look after."""
    organizations = list(selectors.training_organizations(user=request.user))
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


def _matrix(request, organization, role, filters: dict) -> selectors.ReadinessMatrix:
    return selectors.readiness_matrix(user=request.user, organization=organization, role=role, at=timezone.now(),
                                      **filters)


@login_required
@require_safe
def readiness_matrix(request):
    organizations, organization, role = _matrix_context(request)
    form = ReadinessFilterForm(request.GET)
    filters = form.values()
    matrix, page, rows = None, None, []
    if organization is not None:
        matrix = _matrix(request, organization, role, filters)
        # Paged after the sort: the whole organization is sorted by status, then cut into pages.
        page = Paginator(matrix.rows, MATRIX_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
    courses = matrix.courses if matrix else ()
    query = {"organization": organization.slug, "role": role, "status": filters["status"], "q": filters["search"],
             "sort": filters["sort"]} if organization else {}
    return render(request, "training/readiness_matrix.html", {
        "organizations": organizations, "organization": organization, "role": role,
        "roles": RequirementRole.choices, "form": form, "filters": filters, "page": page, "rows": rows,
        "courses": [CourseColumn(title=c.course_title, short=_short_title(c.course_title)) for c in courses],
        "shown": len(matrix.rows) if matrix else 0, "total": matrix.total if matrix else 0,
        "filtered": bool(filters["status"] or filters["search"]),
        "query": urlencode({k: v for k, v in query.items() if v}),
        "clear_query": urlencode({"organization": organization.slug, "role": role}) if organization else "",
    })


@login_required
@require_safe
def readiness_export(request):
    """The compliance matrix of one organization as CSV: every responder the page's filters keep, in its
    order (not one page)."""
    _organizations, organization, role = _matrix_context(request)
    if organization is None:
        raise Http404
    matrix = _matrix(request, organization, role, ReadinessFilterForm(request.GET).values())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="readiness-{organization.slug}-{role}.csv"'
    writer = csv.writer(response)
    writer.writerow(["name", "email", "cleared", "field_hours", "field_hours_required",
                     *[c.course_code for c in matrix.courses], "reasons"])
    for person, r in matrix.rows:
        writer.writerow([person.full_name, person.email, "yes" if r.cleared else "no", r.field_hours,
                         r.field_hours_required,
                         *[f"{c.state}{' ' + c.expires_on.isoformat() if c.expires_on else ''}" for c in r.courses],
                         "; ".join(r.reason_codes)])
    return response


@login_required
@require_safe
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
