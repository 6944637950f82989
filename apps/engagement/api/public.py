"""Residents' API operations beside the public pages: giving feedback online, and cancelling a
registration through its signed link. No account; the same per-client limits, services and
consent rule as the pages (views/public.py)."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.fields import StrictCharField, StrictSlugRelatedField
from apps.core.api.serializers import ErrorSerializer
from apps.core.clients import resident_limit
from apps.core.models import Language, Neighborhood

from .. import services
from ..forms import EMAIL_MAX_LENGTH, validate_phone
from ..models import CommunitySession, FeedbackItem
from ..services import feedback_consent_problem
from ..views._common import registration_or_404

# What validate_phone accepts, as a pattern the schema can state: 7 to 15 digits, an optional leading +.
PHONE = RegexValidator(r"^\+?[0-9](?:[ ().\-]*[0-9]){6,14}[ ().\-]*$",
                       message=_("Enter a phone number in digits, for example 617-555-0100."))
TOO_MANY = _("Too many attempts from this connection. Please wait a few minutes and try again.")


class PublicFeedbackSerializer(serializers.Serializer):
    text = StrictCharField(max_length=5000)
    language = StrictSlugRelatedField(slug_field="code", queryset=Language.objects.filter(is_active=True),
                                            help_text="The language it is written in")
    neighborhood = StrictSlugRelatedField(slug_field="slug", queryset=Neighborhood.objects.filter(
        is_active=True), required=False, allow_null=True, default=None)
    session = serializers.PrimaryKeyRelatedField(queryset=CommunitySession.objects.filter(status__in=[
        CommunitySession.Status.PUBLISHED, CommunitySession.Status.COMPLETED]), required=False, allow_null=True,
        default=None)
    contact_consent = serializers.BooleanField(required=False, default=False,
                                               help_text="Anonymous unless true and a contact is left")
    contact_name = StrictCharField(required=False, allow_blank=True, default="", max_length=100)
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="", max_length=EMAIL_MAX_LENGTH)
    contact_phone = StrictCharField(required=False, allow_blank=True, default="", max_length=32,
                                    validators=[PHONE, validate_phone],
                                    help_text="7 to 15 digits, with spaces, dots, dashes or brackets between")
    is_translation_feedback = serializers.BooleanField(
        required=False, default=False,
        help_text="About the website's translation rather than the program (moderators read it apart)")

    def validate(self, attrs):
        problem = feedback_consent_problem(contact_name=attrs.get("contact_name"),
                                           contact_email=attrs.get("contact_email"),
                                           contact_phone=attrs.get("contact_phone"),
                                           contact_consent=attrs.get("contact_consent"))
        if problem:
            raise serializers.ValidationError({"contact_consent": [problem]})
        return attrs


class FeedbackReceiptSerializer(serializers.Serializer):
    received = serializers.BooleanField()
    crisis = serializers.BooleanField(help_text="The text reads as a crisis: show the 988 crisis line at once")


class RegistrationStateSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="cancelled")
    session = serializers.IntegerField()


@extend_schema(tags=["engagement"])
class PublicFeedbackView(APIView):
    """Give feedback online, as the public feedback page does (anonymous unless you consent)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=PublicFeedbackSerializer,
                   responses={201: FeedbackReceiptSerializer, 400: OpenApiResponse(ErrorSerializer),
                              429: OpenApiResponse(ErrorSerializer)},
                   examples=[OpenApiExample("Anonymous", request_only=True,
                                            value={"text": "Please send someone who speaks Spanish.",
                                                   "language": "en", "neighborhood": "dorchester"})])
    def post(self, request):
        if resident_limit("feedback", request):
            raise Throttled(detail=TOO_MANY)
        data = PublicFeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.feedback_submit(channel=FeedbackItem.Channel.ONLINE, **data.validated_data)
        return Response({"received": True, "crisis": item.safety_flag}, status=status.HTTP_201_CREATED)


@extend_schema(tags=["engagement"])
class RegistrationCancelView(APIView):
    """Cancel a registration with the token of its signed link (the `cancel_url` the registration gave)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(request=None, responses={200: RegistrationStateSerializer, 400: OpenApiResponse(ErrorSerializer),
                                            404: OpenApiResponse(ErrorSerializer),
                                            429: OpenApiResponse(ErrorSerializer)},
                   examples=[OpenApiExample("Cancelled", response_only=True,
                                            value={"status": "cancelled", "session": 12})])
    def post(self, request, token: str):
        if resident_limit("cancel", request):
            raise Throttled(detail=TOO_MANY)
        registration = services.registration_cancel(registration=registration_or_404(token))
        return Response({"status": registration.status, "session": registration.session_id})
