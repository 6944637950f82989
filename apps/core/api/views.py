from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets

from apps.core.api.filters import AuditEventApiFilter
from apps.core.permissions import can_view_audit
from apps.core.selectors import audit_event_list, language_list, neighborhood_list

from .serializers import AuditEventSerializer, LanguageSerializer, NeighborhoodSerializer


class CanViewAudit(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return can_view_audit(request.user)


@extend_schema(tags=["reference data"])
class NeighborhoodViewSet(viewsets.ReadOnlyModelViewSet):
    """The city's neighborhoods (public reference data)."""

    serializer_class = NeighborhoodSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filterset_fields = ["slug"]

    def get_queryset(self):
        return neighborhood_list()


@extend_schema(tags=["reference data"])
class LanguageViewSet(viewsets.ReadOnlyModelViewSet):
    """Languages offered for materials and interpretation (public reference data)."""

    serializer_class = LanguageSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filterset_fields = ["code", "is_signed"]

    def get_queryset(self):
        return language_list()


@extend_schema(tags=["audit"])
class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The append-only audit log (program admins)."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventApiFilter
    ordering_fields = ["id", "created_at"]

    def get_permissions(self):
        return [*super().get_permissions(), CanViewAudit()]

    def get_queryset(self):
        return audit_event_list(user=self.request.user)
