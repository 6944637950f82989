"""Setting the team's status from a phone: one POST per tap. With htmx the buttons are swapped for the
new ones in place; without JavaScript the form posts, the message is flashed and the page comes back."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import ApplicationError
from apps.scheduling.models import Shift

from ..models import TeamState, TeamStatus
from ..permissions import can_set_team_status, shift_visible_for_status
from ..status import team_status_set


def _back(request):
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("scheduling:my-shifts")


@login_required
@require_POST
def team_status(request, pk: int):
    shift = get_object_or_404(Shift.objects.select_related("organization").prefetch_related("zones"), pk=pk)
    if not shift_visible_for_status(request.user, shift):
        raise Http404
    if not can_set_team_status(request.user, shift):
        raise PermissionDenied
    zone_slug = request.POST.get("zone", "")
    zone = next((z for z in shift.zones.all() if z.slug == zone_slug), None) if zone_slug else None
    error, status = "", None
    if zone_slug and zone is None:
        error = _("Choose one of the shift's zones.")
    else:
        try:
            status = team_status_set(by=request.user, shift=shift, state=request.POST.get("state", ""), zone=zone)
        except ApplicationError as exc:
            error = exc.message
    if request.headers.get("HX-Request") == "true":
        if status is None:
            status = TeamStatus.objects.filter(shift=shift).select_related("zone").first()
        return render(request, "operations/_status_buttons.html", {
            "shift": shift, "status": status, "zones": list(shift.zones.all()), "states": TeamState.choices,
            "error": error, "saved": not error, "next": request.POST.get("next", "")})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Team status: %(state)s.") % {"state": status.get_state_display()})
    return _back(request)
