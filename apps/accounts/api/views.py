from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import RetrieveAPIView
from rest_framework.response import Response

from apps.accounts import selectors, services
from apps.accounts.models import Invitation, Membership, Organization
from apps.accounts.permissions import can_manage_members
from apps.core.api.serializers import ErrorSerializer

from .serializers import (
    InvitationSerializer,
    MembershipSerializer,
    MeSerializer,
    OrganizationSerializer,
    ProfileInputSerializer,
)


@extend_schema(tags=["accounts"])
class MeView(RetrieveAPIView):
    """The signed-in user, their memberships and roles."""

    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user

    @extend_schema(request=ProfileInputSerializer, responses={200: MeSerializer, 400: ErrorSerializer,
                                                              401: OpenApiResponse(ErrorSerializer)},
                   examples=[OpenApiExample("Spanish, with a phone", request_only=True,
                                            value={"full_name": "Rosa Alvarez", "phone": "+1 617 555 0100",
                                                   "preferred_language": "es"})])
    def put(self, request):
        """Your profile, as the profile page edits it: name, phone for text reminders, language."""
        data = ProfileInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, **data.validated_data)
        return Response(MeSerializer(user).data)


@extend_schema(tags=["accounts"])
class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organizations the user belongs to (program admins: all)."""

    serializer_class = OrganizationSerializer
    queryset = Organization.objects.none()  # the real one is get_queryset(), scoped to the user
    lookup_field = "slug"
    filterset_fields = ["kind", "is_active"]
    ordering_fields = ["name"]

    def get_queryset(self):
        return selectors.organization_list(user=self.request.user).order_by("name")

    @extend_schema(responses=MembershipSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=MembershipSerializer)
    def members(self, request, slug=None):
        organization = self.get_object()
        memberships = selectors.membership_list(user=request.user, organization=organization).filter(is_active=True)
        page = self.paginate_queryset(memberships)
        return self.get_paginated_response(MembershipSerializer(page, many=True).data)


class CanInvite(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        return user.is_authenticated and user.has_any_role("program_admin", "coordinator")


@extend_schema(tags=["accounts"])
class InvitationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Invitations a program admin (any organization) or coordinator (own organization) sent."""

    serializer_class = InvitationSerializer
    queryset = Invitation.objects.none()
    filterset_fields = ["status", "role"]
    ordering_fields = ["created_at", "expires_at"]

    def get_permissions(self):
        return [*super().get_permissions(), CanInvite()]

    def get_queryset(self):
        return selectors.invitation_list(user=self.request.user)

    @extend_schema(responses={201: InvitationSerializer, 400: ErrorSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        invitation = services.invitation_create(
            by=request.user, email=data["email"], organization=data["organization"], role=data["role"],
            full_name=data.get("full_name", ""), message=data.get("message", ""),
        )
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: InvitationSerializer, 400: ErrorSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        invitation = services.invitation_revoke(by=request.user, invitation=self.get_object())
        return Response(self.get_serializer(invitation).data)


@extend_schema(tags=["accounts"])
class MembershipViewSet(viewsets.ReadOnlyModelViewSet):
    """Memberships in the user's organizations (program admins: all)."""

    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()
    filterset_fields = ["role", "is_active"]

    def get_queryset(self):
        return selectors.membership_list(user=self.request.user)

    @extend_schema(request=None, responses={200: MembershipSerializer, 400: ErrorSerializer,
                                            403: OpenApiResponse(ErrorSerializer)})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        membership = self.get_object()
        if not can_manage_members(request.user, membership.organization):
            self.permission_denied(request, message="Only a program admin or a coordinator of this organization.")
        membership = services.membership_deactivate(by=request.user, membership=membership)
        return Response(self.get_serializer(membership).data)


