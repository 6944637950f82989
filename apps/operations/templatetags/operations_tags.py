"""The team-status buttons on the responder's shift (my shifts, the next-shift card): shown on a shift the
responder is checked in to while it is under way, so scheduling's pages carry them with one include and no
import of operations."""

from django import template
from django.utils import timezone

from apps.scheduling.models import Assignment

from ..models import TeamState, TeamStatus
from ..status import STATUS_OPENS_BEFORE_START

register = template.Library()


@register.inclusion_tag("operations/_status_buttons.html", takes_context=True)
def team_status_buttons(context, assignment, next_url=""):
    """One query (the shift's current status) when the buttons show; none otherwise."""
    now = timezone.now()
    shift = assignment.shift
    show = (assignment.status == Assignment.Status.CHECKED_IN
            and shift.starts_at - STATUS_OPENS_BEFORE_START <= now < shift.ends_at)
    if not show:
        return {"hidden": True}
    status = TeamStatus.objects.filter(shift_id=shift.pk).select_related("zone").first()
    return {"shift": shift, "status": status, "zones": list(shift.zones.all()), "states": TeamState.choices,
            "csrf_token": context.get("csrf_token"), "next": next_url}


@register.filter
def language_names(codes, names: dict) -> str:
    """A member's languages by name ("Spanish, Haitian Creole"), the code where the name is unknown."""
    return ", ".join(names.get(code, code) for code in codes)
