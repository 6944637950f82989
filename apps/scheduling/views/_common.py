"""What the scheduling pages share: who may open them, the objects they act on, where to go back to."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect

from .. import selectors
from ..models import Assignment, Shift
from ..permissions import coordinated_organization_ids, responder_organization_ids

PAGE_SIZE = 25


def require_responder(user) -> None:
    if not responder_organization_ids(user):
        raise PermissionDenied


def require_coordinator(user) -> None:
    if not coordinated_organization_ids(user):
        raise PermissionDenied


def back(request, fallback: str):
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(fallback)


def assignment_or_404(user, pk: int) -> Assignment:
    return get_object_or_404(selectors.assignment_list(user=user), pk=pk)


def shift_or_404(user, pk: int) -> Shift:
    return get_object_or_404(selectors.shift_list(user=user).prefetch_related(selectors._assignment_prefetch()),
                             pk=pk)
