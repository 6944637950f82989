from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.serializers import ErrorSerializer
from apps.notifications import selectors, services
from apps.notifications.kinds import optional_kinds
from apps.notifications.models import Notification, NotificationPreference

from .serializers import MarkReadSerializer, NotificationSerializer, PreferenceSerializer


@extend_schema(tags=["notifications"])
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in user's in-app notifications, newest first."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()
    filterset_fields = ["kind"]

    def get_queryset(self):
        qs = selectors.inbox(user=self.request.user)
        unread = self.request.query_params.get("unread")
        return qs.filter(read_at__isnull=True) if unread in ("1", "true") else qs

    @extend_schema(request=MarkReadSerializer, responses={200: {"type": "object", "properties": {
        "marked": {"type": "integer"}}}, 400: ErrorSerializer})
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = services.notification_mark_read(user=request.user,
                                                 notification_ids=serializer.validated_data.get("ids"))
        return Response({"marked": marked})


@extend_schema(tags=["notifications"])
class PreferenceView(APIView):
    """Optional kinds of message, per channel, and whether the user receives them."""

    serializer_class = PreferenceSerializer

    def _rows(self, user):
        off = set(NotificationPreference.objects.filter(user=user, enabled=False).values_list("kind", "channel"))
        return [row for kind in optional_kinds() for row in PreferenceSerializer.rows(kind, off)]

    @extend_schema(responses=PreferenceSerializer(many=True))
    def get(self, request):
        return Response(self._rows(request.user))

    @extend_schema(request=PreferenceSerializer, responses={200: PreferenceSerializer(many=True),
                                                             400: ErrorSerializer})
    def put(self, request):
        serializer = PreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.preference_set(user=request.user, kind_key=data["kind"], channel=data["channel"],
                                    enabled=data["enabled"])
        except LookupError:
            return Response({"detail": "The request has invalid fields.",
                             "errors": {"kind": ["Unknown kind of notification."]}},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(self._rows(request.user))
