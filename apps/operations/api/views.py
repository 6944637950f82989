"""The dispatch API: who can take a call now, and what changed since the last poll.

Read by the 911 center's computer-aided dispatch system with a service token (scope dispatch:read), or by a
signed-in dispatcher or program admin."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.authentication import TokenAuthentication
from apps.core.api.serializers import ErrorSerializer
from apps.operations import dispatch

from .authentication import ServiceTokenAuthentication
from .permissions import DispatchRead
from .serializers import OnDutyQuerySerializer, OnDutySerializer, StatusChangesQuerySerializer, StatusChangesSerializer

ON_DUTY_EXAMPLE = {
    "at": "2027-03-14T21:05:00-04:00",
    "zone": "dorchester",
    "teams": [{
        "shift": 4812, "team": "Dorchester Night A", "organization": "Eastside Peer Response",
        "state": "available", "since": "2027-03-14T20:41:00-04:00", "current_zone": "dorchester",
        "zones": ["dorchester", "mattapan"], "ends_at": "2027-03-15T03:00:00-04:00",
        "members": [{"first_name": "Rosa", "languages": ["en", "es"], "is_lead": True, "checked_in": True},
                    {"first_name": "Jean", "languages": ["en", "ht"], "is_lead": False, "checked_in": True}],
        "languages": ["en", "es", "ht"], "lead_present": True,
    }, {
        "shift": 4815, "team": "Mattapan Evening", "organization": "Southgate Wellness Network",
        "state": "returning", "since": "2027-03-14T20:58:00-04:00", "current_zone": "mattapan",
        "zones": ["dorchester", "mattapan"], "ends_at": "2027-03-14T23:00:00-04:00",
        "members": [{"first_name": "Amir", "languages": ["ar", "en"], "is_lead": True, "checked_in": True}],
        "languages": ["ar", "en"], "lead_present": True,
    }],
}

STATUS_CHANGES_EXAMPLE = {
    "results": [
        {"id": 90211, "shift": 4812, "team": "Dorchester Night A", "state": "on_call", "previous_state": "available",
         "zone": "dorchester", "at": "2027-03-14T21:07:12-04:00"},
        {"id": 90212, "shift": 4815, "team": "Mattapan Evening", "state": "available",
         "previous_state": "returning", "zone": "mattapan", "at": "2027-03-14T21:09:40-04:00"},
    ],
    "next": 90212,
    "has_more": False,
}

AUTHENTICATION = [ServiceTokenAuthentication, TokenAuthentication, SessionAuthentication]


class DispatchView(APIView):
    authentication_classes = AUTHENTICATION
    permission_classes = [DispatchRead]


@extend_schema(
    tags=["dispatch"],
    parameters=[OnDutyQuerySerializer],
    responses={200: OnDutySerializer,
               400: OpenApiResponse(ErrorSerializer, description="No active neighborhood has that slug "
                                                                  "(`errors.zone`); or the point is in no "
                                                                  "neighborhood, or no outlines are loaded "
                                                                  "(`errors.lat`).")},
    examples=[OpenApiExample("Two teams able to take a call in Dorchester", value=ON_DUTY_EXAMPLE,
                             response_only=True, status_codes=["200"])],
)
class OnDutyView(DispatchView):
    """The teams able to take a call now, best first: available, then returning, then on break; among equals
    the one waiting longest, then one with its lead checked in. A team on a call, off, or with nobody
    checked in is left out. Each team comes with its members' first names and languages (never any
    other personal detail) and whether its lead is present.

    `zone` is a neighborhood's slug; or give the call's point, `lat` and `lon` (WGS 84), and the answer is for
    the neighborhood whose outline holds it (outlines loaded from the city's open data with
    `manage.py load_neighborhood_boundaries`; the answer's `zone` says which). Neither: every zone."""

    def get(self, request):
        query = OnDutyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        zone = dispatch.zone_asked(slug=data["zone"], lat=data.get("lat"), lon=data.get("lon"))
        return Response(OnDutySerializer(dispatch.on_duty(at=timezone.now(), zone=zone)).data)


@extend_schema(
    tags=["dispatch"],
    parameters=[StatusChangesQuerySerializer],
    responses={200: StatusChangesSerializer},
    examples=[OpenApiExample("Two changes after cursor 90210", value=STATUS_CHANGES_EXAMPLE, response_only=True,
                             status_codes=["200"])],
)
class StatusChangesView(DispatchView):
    """Every team's status changes after a cursor, oldest first, at most 100 at a time: the polling feed.
    Keep `next` and send it as `after` on the next call; when `has_more` is true, call again at once."""

    def get(self, request):
        query = StatusChangesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(StatusChangesSerializer(dispatch.status_changes(after=query.validated_data["after"])).data)
