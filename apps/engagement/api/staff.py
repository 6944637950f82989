"""Engagement's staff API: the codebook's themes, decisions ("you said, we did"), staff sessions
(create, edit, publish, cancel, check-in, walk-ins, close) and their follow-up tasks. The same
selectors, predicates and services as the staff pages: someone who is not engagement staff gets 403,
another department's session 404, a service's refusal 400 with its message."""

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from apps.accounts.models import Organization
from apps.accounts.roles import OrganizationKind
from apps.core.api.serializers import ErrorSerializer

from .. import selectors, services
from ..models import CommunitySession, Decision, StaffTask, Theme
from ..permissions import can_manage_codebook, can_manage_decisions, can_manage_session, staff_organization_ids
from .staff_serializers import (
    CheckInInputSerializer,
    CheckInResultSerializer,
    CloseInputSerializer,
    DecisionInputSerializer,
    DecisionSerializer,
    ReasonInputSerializer,
    StaffSessionCreateSerializer,
    StaffSessionInputSerializer,
    StaffSessionSerializer,
    StaffTaskSerializer,
    ThemeInputSerializer,
    ThemeSerializer,
    WalkInInputSerializer,
)
from .views import IsEngagementStaff

BAD = OpenApiResponse(ErrorSerializer, description="A field is invalid (named), or a rule refused the action.")
FORBIDDEN = OpenApiResponse(ErrorSerializer, description="Not engagement staff, or too few rights on this object.")
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="Not found, or another department's.")
WRITE = {400: BAD, 401: OpenApiResponse(ErrorSerializer), 403: FORBIDDEN, 404: NOT_FOUND}


def _get(queryset, pk):
    try:
        return queryset.get(pk=int(pk))
    except (ValueError, TypeError, queryset.model.DoesNotExist) as exc:
        raise Http404 from exc


class StaffViewSet(viewsets.GenericViewSet):
    def get_permissions(self):
        return [*super().get_permissions(), IsEngagementStaff()]


# --- the codebook ----------------------------------------------------------------------------------

@extend_schema(tags=["engagement"])
class ThemeViewSet(StaffViewSet, mixins.ListModelMixin):
    """The codebook: two levels of themes that feedback and decisions are coded with."""

    queryset = Theme.objects.none()
    serializer_class = ThemeSerializer
    filterset_fields = ["is_active", "parent"]

    def get_queryset(self):
        return selectors.theme_list()

    @extend_schema(request=ThemeInputSerializer, responses={201: ThemeSerializer, **WRITE}, examples=[
        OpenApiExample("A sub-theme", request_only=True,
                       value={"name": "Wait times", "translations": {"es": {"name": "Tiempos de espera"}}, "parent": 3,
                              "description": "How long people waited for a responder"})])
    def create(self, request):
        """Add a theme (top level, or under a top-level theme), as the codebook page does."""
        if not can_manage_codebook(request.user):
            raise PermissionDenied("Only a moderator can change the codebook.")
        data = ThemeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        theme = services.theme_create(by=request.user, **data.validated_data)
        return Response(ThemeSerializer(theme).data, status=status.HTTP_201_CREATED)


# --- decisions ("you said, we did") ----------------------------------------------------------------

DECISION_EXAMPLE = {"title": "More responders at night", "action": "A second night team from May",
                    "translations": {"es": {"title": "Más equipos de noche",
                                            "action": "Un segundo equipo nocturno desde mayo"}},
                    "outcome": "adopted", "reason": "", "progress": "planned", "decided_on": "2026-04-02",
                    "themes": [3], "feedback_items": [41, 57]}


@extend_schema(tags=["engagement"])
class DecisionViewSet(StaffViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """What the city decided about what residents said: drafts, and the published report-back."""

    queryset = Decision.objects.none()
    serializer_class = DecisionSerializer

    def get_queryset(self):
        return selectors.decision_list(user=self.request.user).prefetch_related("feedback_items")

    def _save(self, request, decision: Decision | None) -> Response:
        if not can_manage_decisions(request.user):
            raise PermissionDenied("Only a moderator can record decisions.")
        data = DecisionInputSerializer(data=request.data,
                                       linkable=selectors.feedback_linkable(user=request.user))
        data.is_valid(raise_exception=True)
        creating = decision is None
        decision = services.decision_save(by=request.user, decision=decision, **data.validated_data)
        return Response(DecisionSerializer(self.get_queryset().get(pk=decision.pk)).data,
                        status=status.HTTP_201_CREATED if creating else status.HTTP_200_OK)

    @extend_schema(request=DecisionInputSerializer, responses={201: DecisionSerializer, **WRITE},
                   examples=[OpenApiExample("Adopted", request_only=True, value=DECISION_EXAMPLE)])
    def create(self, request):
        """Record a decision (a draft until published); `feedback_items` are the published comments it answers."""
        return self._save(request, None)

    @extend_schema(request=DecisionInputSerializer, responses={200: DecisionSerializer, **WRITE},
                   examples=[OpenApiExample("Under way", request_only=True,
                                            value={**DECISION_EXAMPLE, "progress": "in_progress"})])
    def update(self, request, pk=None):
        """Replace the decision's fields, as the decision page's form does. A published decision's residents
        who left a contact are told of the change."""
        return self._save(request, self.get_object())

    @extend_schema(request=None, responses={200: DecisionSerializer, **WRITE},
                   examples=[OpenApiExample("Published", response_only=True,
                                            value={"id": 7, **DECISION_EXAMPLE, "is_published": True,
                                                   "published_at": "2026-04-03T09:00:00-04:00"})])
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish on the public report-back page (publishing twice is harmless)."""
        decision = self.get_object()
        if not can_manage_decisions(request.user):
            raise PermissionDenied("Only a moderator can publish decisions.")
        services.decision_publish(by=request.user, decision=decision)
        return Response(DecisionSerializer(self.get_queryset().get(pk=decision.pk)).data)


# --- staff sessions --------------------------------------------------------------------------------

SESSION_EXAMPLE = {"organization": 2, "kind": "listening", "title": "Listening session: Dorchester",
                   "description": "Tell us what you need.",
                   "translations": {"es": {"title": "Sesión de escucha: Dorchester",
                                           "description": "Díganos qué necesita."}},
                   "neighborhood": "dorchester", "format": "in_person",
                   "venue_name": "Fields Corner Library", "venue_address": "1520 Dorchester Ave",
                   "starts_at": "2026-05-12T18:00:00-04:00", "ends_at": "2026-05-12T20:00:00-04:00",
                   "capacity": 60, "reserved_seats": 5, "interpretation_languages": ["es", "vi"],
                   "agenda": [{"title": "Welcome", "translations": {"es": {"title": "Bienvenida"}}, "minutes": 10}]}


def _session_organizations(user):
    """The departments `user` may create sessions for (the staff page's list)."""
    departments = staff_organization_ids(user)
    qs = Organization.objects.filter(is_active=True, kind=OrganizationKind.CITY_DEPARTMENT)
    return qs if departments is None else qs.filter(pk__in=departments)


@extend_schema(tags=["engagement"])
class StaffSessionViewSet(StaffViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Community sessions of your departments, drafts included, with what the staff pages do to them."""

    queryset = CommunitySession.objects.none()
    serializer_class = StaffSessionSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.session_list(user=self.request.user).prefetch_related("agenda_items")

    def _managed(self) -> CommunitySession:
        session = _get(self.get_queryset(), self.kwargs["pk"])
        if not can_manage_session(self.request.user, session):
            raise PermissionDenied("Only a moderator of this department can change the session.")
        return session

    def _answer(self, session, code=status.HTTP_200_OK) -> Response:
        return Response(StaffSessionSerializer(self.get_queryset().get(pk=session.pk)).data, status=code)

    @extend_schema(request=StaffSessionCreateSerializer, responses={201: StaffSessionSerializer, **WRITE},
                   examples=[OpenApiExample("An evening session", request_only=True, value=SESSION_EXAMPLE)])
    def create(self, request):
        """Create a session as a draft for one of your departments."""
        data = StaffSessionCreateSerializer(data=request.data, organizations=_session_organizations(request.user))
        data.is_valid(raise_exception=True)
        session = services.session_create(by=request.user, **data.validated_values())
        return self._answer(session, status.HTTP_201_CREATED)

    @extend_schema(request=StaffSessionInputSerializer, responses={200: StaffSessionSerializer, **WRITE},
                   examples=[OpenApiExample("Bigger room", request_only=True,
                                            value={k: v for k, v in SESSION_EXAMPLE.items() if k != "organization"}
                                            | {"capacity": 90})])
    def update(self, request, pk=None):
        """Change a draft or published session (not a completed or cancelled one); its agenda is replaced."""
        session = self._managed()
        data = StaffSessionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.session_update(by=request.user, session=session, **data.validated_values()))

    @extend_schema(request=None, responses={200: StaffSessionSerializer, **WRITE},
                   examples=[OpenApiExample("Published", response_only=True,
                                            value={"id": 12, "status": "published"})])
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a draft that has not started: residents can find it and register."""
        return self._answer(services.session_publish(by=request.user, session=self._managed()))

    @extend_schema(request=ReasonInputSerializer, responses={200: StaffSessionSerializer, **WRITE},
                   examples=[OpenApiExample("Venue closed", request_only=True,
                                            value={"reason": "The library is closed for repairs."})])
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the session; registrants who left a contact are told the reason."""
        session = self._managed()
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.session_cancel(by=request.user, session=session,
                                                    reason=data.validated_data["reason"]))

    @extend_schema(request=CheckInInputSerializer, responses={200: CheckInResultSerializer, **WRITE},
                   examples=[OpenApiExample("A code", request_only=True, value={"code": "K7M2QD"})])
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request, pk=None):
        """Check a registrant in by their code (checking in twice is harmless)."""
        session = self._managed()
        data = CheckInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.registration_check_in(by=request.user, session=session,
                                                      code=data.validated_data["code"])
        return Response({"registration": registration.pk, "name": registration.name,
                         "checked_in_at": registration.checked_in_at})

    @extend_schema(request=WalkInInputSerializer, responses={200: StaffSessionSerializer, **WRITE},
                   examples=[OpenApiExample("Counted at the door", request_only=True, value={"count": 14})])
    @action(detail=True, methods=["post"], url_path="walk-ins")
    def walk_ins(self, request, pk=None):
        """Set the number of people who came without registering."""
        session = self._managed()
        data = WalkInInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.walk_in_record(by=request.user, session=session,
                                                    count=data.validated_data["count"]))

    @extend_schema(request=CloseInputSerializer, responses={200: StaffSessionSerializer, **WRITE},
                   examples=[OpenApiExample("Held", request_only=True,
                                            value={"summary_notes": "42 people; transport came up most.",
                                                   "materials_url": "https://example.org/slides.pdf"})])
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close a published session that has started: attendance is the checked-in plus the walk-ins."""
        session = self._managed()
        data = CloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(services.session_close(by=request.user, session=session, **data.validated_data))


@extend_schema(tags=["engagement"])
class StaffTaskViewSet(StaffViewSet, mixins.ListModelMixin):
    """Follow-ups the registrations ask for (access needs, interpretation) on your departments' sessions."""

    queryset = StaffTask.objects.none()
    serializer_class = StaffTaskSerializer
    filterset_fields = ["status", "session"]

    def get_queryset(self):
        return selectors.staff_task_list(user=self.request.user)

    @extend_schema(request=None, responses={200: StaffTaskSerializer, **WRITE},
                   examples=[OpenApiExample("Done", response_only=True,
                                            value={"id": 5, "session": 12, "registration": 301, "kind": "access",
                                                   "details": "Wheelchair seating", "status": "done", "done_by": 9,
                                                   "done_at": "2026-05-10T14:02:00-04:00"})])
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """Mark the task done (the first of two moderators closing it at once is recorded)."""
        task = _get(self.get_queryset(), pk)
        if not can_manage_session(request.user, task.session):
            raise PermissionDenied("Only a moderator of this department can close the task.")
        task = services.staff_task_complete(by=request.user, task=task)
        return Response(StaffTaskSerializer(self.get_queryset().get(pk=task.pk)).data)
