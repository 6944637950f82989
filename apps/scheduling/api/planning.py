"""Scheduling's planning API: a responder's weekly availability and calendar feed; a coordinator's
teams, shift templates, new shifts and publishing a week. The same selectors, predicates and
services as the pages (views/responder.py, views/calendar.py, views/coordinator.py)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.serializers import ErrorSerializer
from apps.core.errors import ApplicationError
from apps.scheduling import selectors, services
from apps.scheduling.models import Availability, PositionRole, ShiftTemplate, Team
from apps.scheduling.permissions import can_manage_schedule, coordinated_organization_ids, responder_organization_ids

from .common import FORBIDDEN, NOT_FOUND
from .planning_serializers import (
    AvailabilityInputSerializer,
    AvailabilitySerializer,
    CalendarFeedSerializer,
    GenerateInputSerializer,
    GenerateResultSerializer,
    PublishWeekInputSerializer,
    PublishWeekResultSerializer,
    ShiftInputSerializer,
    ShiftTemplateInputSerializer,
    ShiftTemplateSerializer,
    TeamInputSerializer,
    TeamSerializer,
)
from .serializers import ShiftSerializer

BAD = OpenApiResponse(ErrorSerializer, description="A field is invalid (named), or a rule refused the action.")
WRITE = {400: BAD, 403: FORBIDDEN, 404: NOT_FOUND}


def _responder(user) -> None:
    if not responder_organization_ids(user):
        raise PermissionDenied("Only responders give availability and keep a calendar feed.")


def _coordinator(user) -> None:
    if not coordinated_organization_ids(user):
        raise PermissionDenied("Only a coordinator plans teams and shifts.")


def _field_object(queryset, pk: int, field: str):
    """An object named in the body: one the caller may not use is that field's error, as on the page's form."""
    row = queryset.filter(pk=pk).first()
    if row is None:
        raise ApplicationError("Select a valid choice. That choice is not one of the available choices.",
                               field=field)
    return row


# --- availability and the calendar feed (responders) -----------------------------------------------

@extend_schema(tags=["scheduling"])
class AvailabilityViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your weekly availability windows (the auto-roster and the eligibility engine read them)."""

    serializer_class = AvailabilitySerializer
    queryset = Availability.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        return selectors.availability_list(user=self.request.user)

    @extend_schema(request=AvailabilityInputSerializer, responses={201: AvailabilitySerializer, **WRITE},
                   examples=[OpenApiExample("Tuesday evenings", request_only=True,
                                            value={"weekday": 1, "start_time": "17:00", "end_time": "23:00"})])
    def create(self, request):
        """Add a window; one that ends at or before its start runs past midnight."""
        _responder(request.user)
        data = AvailabilityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.availability_add(by=request.user, **data.validated_data)
        return Response(AvailabilitySerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 404: NOT_FOUND},
                   examples=[OpenApiExample("Removed", response_only=True, status_codes=["204"], value=None)])
    def destroy(self, request, pk=None):
        """Remove one of your windows (someone else's is not found)."""
        services.availability_remove(by=request.user, availability=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["scheduling"])
class CalendarFeedView(APIView):
    """Your private iCal address for a calendar app: make a new one (the old stops working), or revoke it."""

    @extend_schema(request=None, responses={201: CalendarFeedSerializer, 403: FORBIDDEN},
                   examples=[OpenApiExample("New address", response_only=True, status_codes=["201"],
                                            value={"url": "https://crisisprog.example.org/shifts/calendar/k2J.ics"})])
    def post(self, request):
        _responder(request.user)
        feed = services.calendar_feed_rotate(user=request.user)
        url = request.build_absolute_uri(reverse("scheduling:ical", args=[feed.token]))
        return Response({"url": url}, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 403: FORBIDDEN},
                   examples=[OpenApiExample("Revoked", response_only=True, status_codes=["204"], value=None)])
    def delete(self, request):
        _responder(request.user)
        services.calendar_feed_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- teams, templates, new shifts, publishing (coordinators) ----------------------------------------

@extend_schema(tags=["scheduling"])
class TeamViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Teams of the organizations you coordinate or serve in."""

    serializer_class = TeamSerializer
    queryset = Team.objects.none()
    filterset_fields = ["organization", "is_active"]

    def get_queryset(self):
        return selectors.team_list(user=self.request.user).order_by("name", "id")

    @extend_schema(request=TeamInputSerializer, responses={201: TeamSerializer, **WRITE},
                   examples=[OpenApiExample("A night team", request_only=True,
                                            value={"organization": 4, "name": "Night team B",
                                                   "team_type": "community_pair", "zones": ["dorchester"]})])
    def create(self, request):
        _coordinator(request.user)
        data = TeamInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organization = _field_object(selectors.coordinated_organizations(user=request.user),
                                     values.pop("organization"), "organization")
        team = services.team_create(by=request.user, organization=organization, **values)
        return Response(TeamSerializer(self.get_queryset().get(pk=team.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["scheduling"])
class ShiftTemplateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Shift templates of the teams you coordinate, and draft shifts made from them."""

    serializer_class = ShiftTemplateSerializer
    queryset = ShiftTemplate.objects.none()
    filterset_fields = ["team"]

    def get_queryset(self):
        return selectors.template_list(user=self.request.user)

    @extend_schema(request=ShiftTemplateInputSerializer, responses={201: ShiftTemplateSerializer, **WRITE},
                   examples=[OpenApiExample("Weeknights", request_only=True,
                                            value={"team": 5, "name": "Weeknight", "start_time": "19:00",
                                                   "end_time": "03:00", "weekdays": [0, 1, 2, 3, 4]})])
    def create(self, request):
        _coordinator(request.user)
        data = ShiftTemplateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        team = _field_object(selectors.managed_team_list(user=request.user), values.pop("team"), "team")
        template = services.shift_template_create(by=request.user, team=team, **values)
        return Response(ShiftTemplateSerializer(template).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=GenerateInputSerializer, responses={201: GenerateResultSerializer, **WRITE},
                   examples=[OpenApiExample("May", request_only=True, value={"start": "2026-05-01",
                                                                             "end": "2026-05-31"})])
    @action(detail=True, methods=["post"])
    def generate(self, request, pk=None):
        """Create the template's draft shifts for each matching day (at most three months; days that have
        one already are skipped)."""
        template = self.get_object()
        data = GenerateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created = services.shift_template_generate(by=request.user, template=template, **data.validated_data)
        return Response({"created": [s.pk for s in created]}, status=status.HTTP_201_CREATED)


class ShiftPlanningMixin:
    """For ShiftViewSet: create a draft shift, and publish a team's week."""

    @extend_schema(request=ShiftInputSerializer, responses={201: ShiftSerializer, **WRITE},
                   examples=[OpenApiExample("A Friday night", request_only=True,
                                            value={"team": 5, "starts_at": "2026-05-15T19:00:00-04:00",
                                                   "ends_at": "2026-05-16T03:00:00-04:00", "leads": 1,
                                                   "responders": 2, "trainees": 0, "desired_languages": ["es"],
                                                   "notes": "Festival in the square"})])
    def create(self, request, *args, **kwargs):
        """Create a draft shift; its positions must make a team of its team's type."""
        _coordinator(request.user)
        data = ShiftInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        team = _field_object(selectors.managed_team_list(user=request.user), v["team"], "team")
        shift = services.shift_create(by=request.user, team=team, starts_at=v["starts_at"], ends_at=v["ends_at"],
                                      positions=[(PositionRole.LEAD, v["leads"]),
                                                 (PositionRole.RESPONDER, v["responders"]),
                                                 (PositionRole.TRAINEE, v["trainees"])],
                                      languages=v["desired_languages"], notes=v["notes"])
        return Response(ShiftSerializer(self.get_queryset().get(pk=shift.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PublishWeekInputSerializer, responses={200: PublishWeekResultSerializer, **WRITE},
                   examples=[OpenApiExample("Week of 11 May", request_only=True,
                                            value={"team": 5, "week": "2026-05-11"})])
    @action(detail=False, methods=["post"], url_path="publish-week")
    def publish_week(self, request):
        """Publish every draft shift of a team in one week; responders can then see and sign up."""
        data = PublishWeekInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        team = get_object_or_404(selectors.team_list(user=request.user), pk=data.validated_data["team"])
        if not can_manage_schedule(request.user, team.organization_id):
            raise PermissionDenied("Only a coordinator of this organization can publish.")
        count = services.shifts_publish_week(by=request.user, team=team, week_start=data.validated_data["week"])
        return Response({"published": count})

