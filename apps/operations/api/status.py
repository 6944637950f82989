"""The team-status API: the same service and permission as the buttons on the responder's shift, for a
phone app signed in with the responder's own token. (The dispatch API reads statuses; this one sets them.)"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.serializers import ErrorSerializer
from apps.scheduling.models import Shift

from ..models import TeamState, TeamStatus
from ..permissions import can_set_team_status, shift_visible_for_status
from ..status import team_status_set


class TeamStatusInputSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=TeamState.choices)
    zone = serializers.SlugField(required=False, allow_blank=True,
                                 help_text="The slug of one of the shift's zones, where the team is. Left out: a "
                                           "shift with one zone takes it, one with several keeps the last reported.")


class TeamStatusSerializer(serializers.ModelSerializer):
    zone = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = TeamStatus
        fields = ["shift", "state", "zone", "since"]


@extend_schema(tags=["operations"])
class TeamStatusView(APIView):
    """Set the team's status on a shift: a member checked in to it, while it is under way (from a quarter of
    an hour before its start). Setting the state and zone the team already has changes nothing."""

    @extend_schema(request=TeamStatusInputSerializer,
                   responses={200: TeamStatusSerializer, 400: ErrorSerializer,
                              403: OpenApiResponse(ErrorSerializer, description="Not a member of the shift."),
                              404: OpenApiResponse(ErrorSerializer, description="Not found, or not yours to see.")},
                   examples=[OpenApiExample("On a call", value={"state": "on_call", "zone": "dorchester"},
                                            request_only=True)])
    def post(self, request, pk: int):
        shift = get_object_or_404(Shift.objects.select_related("organization").prefetch_related("zones"), pk=pk)
        if not shift_visible_for_status(request.user, shift):
            raise NotFound
        if not can_set_team_status(request.user, shift):
            raise PermissionDenied("Only a member of this shift can set its team's status.")
        data = TeamStatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slug = data.validated_data.get("zone", "")
        zone = next((z for z in shift.zones.all() if z.slug == slug), None) if slug else None
        if slug and zone is None:
            raise serializers.ValidationError({"zone": ["Choose one of the shift's zones."]})
        status = team_status_set(by=request.user, shift=shift, state=data.validated_data["state"], zone=zone)
        return Response(TeamStatusSerializer(status).data)
