"""Helpers shared by the procurement services."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.core.errors import ApplicationError

from ..models import Solicitation


def coordinators_of(organization_ids) -> QuerySet[User]:
    """Everyone who speaks for these organizations in a procurement: their active coordinators."""
    return User.objects.filter(
        is_active=True, memberships__organization_id__in=list(organization_ids),
        memberships__role=Role.COORDINATOR, memberships__is_active=True,
    ).distinct().order_by("pk")


def lock_solicitation(solicitation: Solicitation) -> Solicitation:
    """The row lock every status change and every submission takes first: a submission racing the
    deadline and the closing scanner run one after the other, never interleaved."""
    return Solicitation.objects.select_for_update().get(pk=solicitation.pk)


def status_refusal(*statuses: str, action: str):
    """The refusal of a solicitation not in one of `statuses`, as a function of the locked row (the
    `refused` of core.transitions.transition)."""

    def message(solicitation: Solicitation) -> str:
        allowed = ", ".join(str(Solicitation.Status(s).label) for s in statuses)
        return (_("You cannot %(action)s: the solicitation is %(status)s (needs: %(allowed)s).")
                % {"action": action, "status": solicitation.get_status_display(), "allowed": allowed})

    return message


def require_status(solicitation: Solicitation, *statuses: str, action: str) -> None:
    if solicitation.status not in statuses:
        raise ApplicationError(status_refusal(*statuses, action=action)(solicitation), field="status",
                               code="invalid_transition")


def require_open_for_proposals(solicitation: Solicitation, *, now=None) -> None:
    """Proposals change only while the solicitation is published and before the deadline, by the
    server's clock, whatever the client sends. Pass `now` to check the very instant you record."""
    now = now or timezone.now()
    if solicitation.status != Solicitation.Status.PUBLISHED or now >= solicitation.proposals_due_at:
        raise ApplicationError(_("The proposal deadline has passed; proposals can no longer be changed."),
                               code="deadline_passed")


def require_text(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(message, field=field)
    return value


def site_path(url_name: str, *args) -> str:
    from django.urls import reverse

    return reverse(url_name, args=args)
