"""What the procurement pages share: the public solicitation lookup, private file responses, and the
officer's solicitation lookup behind the officer wall."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from apps.core.pages import run_action

from ..models import Proposal, Solicitation
from ..permissions import can_manage_solicitation, officer_solicitations


def public_solicitation_or_404(user, reference: str) -> Solicitation:
    from ..permissions import can_view_solicitation

    # PostgreSQL refuses a NUL byte in a query: such a reference cannot exist.
    solicitation = None if "\x00" in reference else Solicitation.objects.filter(reference=reference).first()
    if solicitation is None or not can_view_solicitation(user, solicitation):
        raise Http404
    return solicitation


def file_response(field_file, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the officer's pages ------------------------------------------------------------------------

def officer_or_403(user) -> None:
    if not can_manage_solicitation(user):
        raise PermissionDenied


def managed_solicitation_or_404(user, pk: int) -> Solicitation:
    """An officer who sits on this solicitation's committee is an evaluator there (the officer wall):
    for them it is a 404, like any object their selector does not return."""
    officer_or_403(user)
    return get_object_or_404(officer_solicitations(user), pk=pk)


def back_to_manage(solicitation: Solicitation, anchor: str = ""):
    return redirect(f"{solicitation_manage_url(solicitation)}{'#' + anchor if anchor else ''}")


def solicitation_manage_url(solicitation: Solicitation) -> str:
    return reverse("procurement:solicitation-manage", args=[solicitation.pk])


def run_and_back(request, solicitation, action: Callable, success: str, anchor: str = ""):
    run_action(request, action, success)
    return back_to_manage(solicitation, anchor)


def recommendable_proposals(solicitation: Solicitation) -> list[Proposal]:
    """The proposals the recommendation may name: the service refuses withdrawn and non-responsive ones."""
    return list(solicitation.proposals.filter(status=Proposal.Status.SUBMITTED).exclude(responsive=False)
                .select_related("organization").order_by("code"))
