from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.response import Response

from apps.core.api.serializers import ErrorSerializer
from apps.core.clients import resident_limit

from .. import selectors, services
from ..models import CommunitySession, FeedbackItem
from ..permissions import is_engagement_staff
from .serializers import (
    BulkModerationResultSerializer,
    BulkModerationSerializer,
    CodingSerializer,
    FeedbackEntrySerializer,
    FeedbackItemSerializer,
    ModerationSerializer,
    PublicSessionDetailSerializer,
    PublicSessionSerializer,
    RegistrationInputSerializer,
    RegistrationResultSerializer,
)


class IsEngagementStaff(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return is_engagement_staff(request.user)


@extend_schema(tags=["engagement"])
class PublicSessionViewSet(viewsets.ReadOnlyModelViewSet):
    """Upcoming published community sessions (public, no account)."""

    queryset = CommunitySession.objects.none()
    serializer_class = PublicSessionSerializer
    permission_classes = [permissions.AllowAny]
    filter_backends: list = []

    def get_queryset(self):
        if self.action == "retrieve" or self.action == "register":
            return selectors.public_session_list().prefetch_related("agenda_items")
        return selectors.public_session_list(neighborhood=self._filter_value("neighborhood"),
                                             language=self._filter_value("language"))

    def _filter_value(self, name: str) -> str:
        value = self.request.query_params.get(name, "")
        if "\x00" in value:
            # PostgreSQL refuses a NUL byte in a query: say which parameter is wrong instead of failing.
            raise ValidationError({name: [_("Null characters are not allowed.")]})
        return value

    def get_serializer_class(self):
        if self.action == "retrieve":
            return PublicSessionDetailSerializer
        if self.action == "register":
            return RegistrationInputSerializer
        return PublicSessionSerializer

    @extend_schema(parameters=[
        OpenApiParameter("neighborhood", str, description="Neighborhood slug"),
        OpenApiParameter("language", str, description="Interpretation language code (e.g. es, ase)"),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=RegistrationInputSerializer,
                   responses={201: RegistrationResultSerializer, 400: OpenApiResponse(ErrorSerializer),
                              429: OpenApiResponse(ErrorSerializer)})
    @action(detail=True, methods=["post"], url_path="registrations")
    def register(self, request, pk=None):
        """Register (or join the waitlist). Email and phone are kept only with contact_consent."""
        # The same count as the registration page's: one limit per client, whichever way it comes.
        if resident_limit("register", request):
            raise Throttled(detail=_("Too many attempts from this connection. "
                                     "Please wait a few minutes and try again."))
        session = self.get_object()
        serializer = RegistrationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registration = services.registration_create(session_id=session.pk, **serializer.validated_data)
        links = services.registration_links(registration)
        registration.manage_url, registration.cancel_url = links["manage_url"], links["cancel_url"]
        return Response(RegistrationResultSerializer(registration).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["engagement"])
class FeedbackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Feedback from every channel, for moderators (scoped to their departments)."""

    queryset = FeedbackItem.objects.none()
    serializer_class = FeedbackItemSerializer
    filterset_fields = ["status", "channel", "safety_flag", "session"]

    def get_permissions(self):
        return [*super().get_permissions(), IsEngagementStaff()]

    def get_queryset(self):
        return selectors.feedback_list(user=self.request.user)

    def _item(self) -> FeedbackItem:
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])
        except (FeedbackItem.DoesNotExist, ValueError) as exc:
            raise Http404 from exc

    @extend_schema(request=FeedbackEntrySerializer,
                   responses={201: FeedbackItemSerializer, 400: OpenApiResponse(ErrorSerializer)})
    def create(self, request):
        """Enter a paper card or table notes; you are recorded as the person who typed it."""
        serializer = FeedbackEntrySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        session = data.get("session")
        if session is not None and not selectors.session_list(user=request.user).filter(pk=session.pk).exists():
            return Response({"detail": "The request has invalid fields.",
                             "errors": {"session": ["No such session."]}}, status=status.HTTP_400_BAD_REQUEST)
        item = services.feedback_submit(entered_by=request.user, **data)
        return Response(FeedbackItemSerializer(self.get_queryset().get(pk=item.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ModerationSerializer,
                   responses={200: FeedbackItemSerializer, 400: OpenApiResponse(ErrorSerializer)})
    @action(detail=True, methods=["post"])
    def moderate(self, request, pk=None):
        item = self._item()
        serializer = ModerationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "themes" in data:  # the moderation page's one step: the decision and the coding together
            services.feedback_moderate_and_code(by=request.user, item=item, approve=data["decision"] == "approve",
                                                reason=data["reason"], note=data["note"], themes=data["themes"])
        else:
            services.feedback_moderate(by=request.user, item=item, approve=data["decision"] == "approve",
                                       reason=data["reason"], note=data["note"])
        return Response(FeedbackItemSerializer(self.get_queryset().get(pk=item.pk)).data)

    @extend_schema(
        operation_id="engagement_feedback_moderate_bulk",
        request=BulkModerationSerializer,
        responses={200: BulkModerationResultSerializer, 400: OpenApiResponse(ErrorSerializer),
                   401: OpenApiResponse(ErrorSerializer), 403: OpenApiResponse(ErrorSerializer)},
        description="Approve or reject up to 100 items at once, each by the rules of a single moderation. "
                    "Crisis messages are never published: in an approval they are skipped and reported.")
    @action(detail=False, methods=["post"], url_path="moderate")
    def moderate_bulk(self, request):
        serializer = BulkModerationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.feedback_moderate_bulk(by=request.user, item_ids=data["ids"], approve=data["approve"],
                                                 reason=data["reason"], note=data["note"])
        return Response({
            "approved": len(result.done) if result.approve else 0,
            "rejected": 0 if result.approve else len(result.done),
            "skipped_crisis": len(result.skipped), "not_found": len(result.not_found),
            "results": result.results(),
        })

    @extend_schema(request=CodingSerializer,
                   responses={200: FeedbackItemSerializer, 400: OpenApiResponse(ErrorSerializer)})
    @action(detail=True, methods=["post"])
    def code(self, request, pk=None):
        item = self._item()
        serializer = CodingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.feedback_code(by=request.user, item=item, themes=serializer.validated_data["themes"])
        return Response(FeedbackItemSerializer(self.get_queryset().get(pk=item.pk)).data)
