"""A coordinator sets the roster preferences of a responder of their organization (by the responder's
membership), as the roster people pages do (views/roster.py, roster_profile_member)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Membership
from apps.accounts.roles import Role
from apps.core.api.serializers import ErrorSerializer
from apps.scheduling.models import RosterProfile, ShiftTemplate
from apps.scheduling.permissions import coordinated_organization_ids
from apps.scheduling.roster.profiles import roster_profile_save

from .common import NOT_FOUND
from .roster import RosterProfileSerializer, _profile_row


class MemberRosterProfileSerializer(RosterProfileSerializer):
    """The same preferences; the organization is the membership's."""

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["organization"]
        self.organization = organization
        for name in ("preferred_templates", "avoided_templates"):
            self.fields[name].child_relation.queryset = ShiftTemplate.objects.filter(
                team__organization=organization).select_related("team")

    def validate(self, attrs):
        if {t.pk for t in attrs.get("preferred_templates", [])} & {t.pk for t in attrs.get("avoided_templates", [])}:
            raise serializers.ValidationError({"avoided_templates": [
                _("A shift cannot be both wanted and rather not.")]})
        return attrs


@extend_schema(tags=["scheduling"])
class MemberRosterProfileView(APIView):
    """The roster preferences of one responder of an organization you coordinate."""

    def _membership(self, request, membership: int) -> Membership:
        return get_object_or_404(
            Membership.objects.filter(organization_id__in=coordinated_organization_ids(request.user),
                                      role=Role.RESPONDER, is_active=True).select_related("user", "organization"),
            pk=membership)

    @extend_schema(request=MemberRosterProfileSerializer,
                   responses={200: RosterProfileSerializer, 400: ErrorSerializer, 404: NOT_FOUND},
                   examples=[OpenApiExample("Twenty hours", request_only=True, value={
                       "weekly_hours": 20, "preferred_zones": ["roxbury"], "languages": ["ht"],
                       "preferred_templates": [], "avoided_templates": [9]})])
    def put(self, request, membership: int):
        """Replace their preferences in that organization (fields left out are emptied). A membership of an
        organization you do not coordinate is not found."""
        row = self._membership(request, membership)
        data = MemberRosterProfileSerializer(data=request.data, organization=row.organization)
        data.is_valid(raise_exception=True)
        profile = roster_profile_save(by=request.user, user=row.user, organization=row.organization,
                                      **data.validated_data)
        profile = RosterProfile.objects.select_related("organization").get(pk=profile.pk)
        return Response(_profile_row(profile))
