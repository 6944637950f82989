"""The solicitation's lifecycle as the officer's manage page shows it: each step done, current or
to come (or, once cancelled, not reached)."""

from django.utils.translation import gettext_lazy as _

from .models import Solicitation

S = Solicitation.Status
STEPS = [status for status in S if status != S.CANCELLED]
# The field each step stamps when it is reached: a cancelled solicitation shows how far it got.
_REACHED_AT = {
    S.DRAFT: "created_at", S.PUBLISHED: "published_at", S.CLOSED: "closed_at", S.OPENED: "opened_at",
    S.EVALUATION: "evaluation_started_at", S.CONSENSUS: "consensus_started_at", S.PRICE_OPENED: "price_opened_at",
    S.AWARD_RECOMMENDED: "recommended_at", S.AWARDED: "awarded_at",
}
STATE_LABELS = {"done": _("done"), "current": _("current step"), "upcoming": _("to come"),
                "not_reached": _("not reached")}


def lifecycle_steps(solicitation: Solicitation) -> list[dict]:
    """[{"status", "label", "state", "state_label"}] in lifecycle order."""
    if solicitation.status == S.CANCELLED:
        reached = max((i for i, status in enumerate(STEPS) if getattr(solicitation, _REACHED_AT[status])),
                      default=0)
        states = ["done" if i <= reached else "not_reached" for i in range(len(STEPS))]
        steps = list(zip(STEPS, states, strict=True)) + [(S.CANCELLED, "current")]
    else:
        current = STEPS.index(solicitation.status)
        steps = [(status, "done" if i < current else "current" if i == current else "upcoming")
                 for i, status in enumerate(STEPS)]
    return [{"status": status, "label": status.label, "state": state, "state_label": STATE_LABELS[state]}
            for status, state in steps]
