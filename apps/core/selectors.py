from django.db.models import QuerySet

from .models import AuditEvent, Language, Neighborhood
from .permissions import can_view_audit


def audit_event_list(*, user) -> QuerySet[AuditEvent]:
    if not can_view_audit(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("target_type", "organization").order_by("-id")


def neighborhood_list() -> QuerySet[Neighborhood]:
    return Neighborhood.objects.filter(is_active=True)


def language_list() -> QuerySet[Language]:
    return Language.objects.filter(is_active=True)
